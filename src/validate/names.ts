/**
 * The name, label and annotation syntax checks of the Kubernetes apiserver
 * (`k8s.io/apimachinery/pkg/util/validation`), with its messages. Each check
 * returns the list of problems (empty when valid).
 */

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${QUALIFIED_NAME})?`;

const anchored = (re: string): RegExp => new RegExp(`^${re}$`);
const DNS1123_LABEL_RE = anchored(DNS1123_LABEL);
const DNS1123_SUBDOMAIN_RE = anchored(DNS1123_SUBDOMAIN);
const DNS1035_LABEL_RE = anchored(DNS1035_LABEL);
const QUALIFIED_NAME_RE = anchored(QUALIFIED_NAME);
const LABEL_VALUE_RE = anchored(LABEL_VALUE);

/** Longest DNS-1123 label / DNS-1035 label / label value / qualified name part. */
const LABEL_MAX_LENGTH = 63;
/** Longest DNS-1123 subdomain. */
const SUBDOMAIN_MAX_LENGTH = 253;

const tooLong = (max: number): string => `must be no more than ${max} characters`;

/** RFC 1123 label: the rule for Namespace names and `metadata.namespace`. */
export function dns1123LabelProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > LABEL_MAX_LENGTH) problems.push(tooLong(LABEL_MAX_LENGTH));
  if (!DNS1123_LABEL_RE.test(value)) {
    problems.push(`a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '${DNS1123_LABEL}')`);
  }
  return problems;
}

/** RFC 1123 subdomain: the rule for most object names. */
export function dns1123SubdomainProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > SUBDOMAIN_MAX_LENGTH) problems.push(tooLong(SUBDOMAIN_MAX_LENGTH));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    problems.push(`a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`);
  }
  return problems;
}

/** RFC 1035 label: the rule for Service names (they become DNS names and environment variables). */
export function dns1035LabelProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > LABEL_MAX_LENGTH) problems.push(tooLong(LABEL_MAX_LENGTH));
  if (!DNS1035_LABEL_RE.test(value)) {
    problems.push(`a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123', regex used for validation is '${DNS1035_LABEL}')`);
  }
  return problems;
}

/** A name that can be one segment of a URL path: the rule for RBAC object names. */
export function pathSegmentProblems(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  const problems: string[] = [];
  for (const c of ['/', '%']) if (value.includes(c)) problems.push(`may not contain '${c}'`);
  return problems;
}

/** A qualified name (`[prefix/]name`): the rule for label and annotation keys. */
export function qualifiedNameProblems(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) {
    return [`a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '${QUALIFIED_NAME}') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const problems: string[] = [];
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '') problems.push('prefix part must be non-empty');
    else problems.push(...dns1123SubdomainProblems(prefix).map((p) => `prefix part ${p}`));
  }
  if (name === '') problems.push('name part must be non-empty');
  else if (name.length > LABEL_MAX_LENGTH) problems.push(`name part ${tooLong(LABEL_MAX_LENGTH)}`);
  if (name !== '' && !QUALIFIED_NAME_RE.test(name)) {
    problems.push(`name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '${QUALIFIED_NAME}')`);
  }
  return problems;
}

/** A label value: empty, or at most 63 alphanumerics, '-', '_', '.', alphanumeric at both ends. */
export function labelValueProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > LABEL_MAX_LENGTH) problems.push(tooLong(LABEL_MAX_LENGTH));
  if (!LABEL_VALUE_RE.test(value)) {
    problems.push(`a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '${LABEL_VALUE}')`);
  }
  return problems;
}
