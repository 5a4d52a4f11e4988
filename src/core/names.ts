import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { IConstruct } from 'constructs';
import { labelValueProblems, qualifiedNameProblems } from '../validate/names';
import { refuseCredential } from './credential-refusal';
import { invalid } from './errors';
import { checkedRecord } from './records';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Gateway API `Hostname`: a DNS-1123 subdomain, optionally after a `*.` wildcard label. */
const GATEWAY_HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True when `value` is an RFC 1123 label: lower-case alphanumerics and '-', 1 to 63 characters, alphanumeric at both ends (false for a non-string). */
export function isDnsLabel(value: string): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= 63 && DNS1123_LABEL.test(value);
}

/** True when `value` is an RFC 1123 subdomain: dot-separated labels, at most 253 characters (false for a non-string). */
export function isDnsSubdomain(value: string): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/**
 * True when `value` is a host name as Gateway API listeners and routes take
 * it (`Hostname`), and as certificates list it in `dnsNames`: a lower-case
 * DNS name, optionally starting with a `*.` wildcard label, at most 253
 * characters, with no port and not an IP address (Gateway API refuses IP
 * addresses there; a certificate would carry one in `ipAddresses`). False
 * for a non-string.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#hostname
 */
export function isGatewayHostname(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && GATEWAY_HOSTNAME.test(value) && isIP(value) === 0;
}

/**
 * Checks that `value` is a host name per {@link isGatewayHostname}.
 *
 * @throws ModelServingError naming `field` and the value
 */
export function assertGatewayHostname(scope: IConstruct | string, field: string, value: unknown): string {
  if (!isGatewayHostname(value)) {
    invalid(scope, field, "must be a lower-case DNS name, optionally starting with '*.'", value, 'use a host such as "models.example.com" or "*.example.com" (no IP address, no port, at most 253 characters)');
  }
  return value;
}

/**
 * Checks that `value` is a DNS-1123 label (the rule for Namespace, Service and
 * InferenceService names), at most `maxLength` characters.
 *
 * @throws ModelServingError naming `field`, the value and a corrected suggestion
 */
export function assertDnsLabel(scope: IConstruct | string, field: string, value: unknown, maxLength = 63): string {
  if (typeof value !== 'string' || !isDnsLabel(value) || value.length > maxLength) {
    invalid(
      scope,
      field,
      `must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters`,
      value,
      typeof value === 'string' ? `use a name such as "${suggestDnsLabel(value, maxLength)}"` : 'pass a string name',
    );
  }
  return value;
}

/**
 * Checks that `value` is a DNS-1123 subdomain (the rule for most object names).
 *
 * @throws ModelServingError naming `field`, the value and a corrected suggestion
 */
export function assertDnsSubdomain(scope: IConstruct | string, field: string, value: unknown): string {
  if (typeof value !== 'string' || !isDnsSubdomain(value)) {
    invalid(
      scope,
      field,
      "must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
      value,
      typeof value === 'string' ? `use a name such as "${suggestDnsLabel(value, 253)}"` : 'pass a string name',
    );
  }
  return value;
}

/** A DNS-1123 label close to `value` (lower-cased, other characters replaced by '-'), for fix suggestions. */
export function suggestDnsLabel(value: string, maxLength = 63): string {
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
  return cleaned.length > 0 ? cleaned : 'my-name';
}

/**
 * Checks a map of labels (a selector, a node selector): keys are qualified
 * names (`[prefix/]name`), values label values. The apiserver does not check
 * labels nested in a spec, so a bad one would only fail in the controller.
 *
 * @throws ModelServingError naming `field.<key>`
 */
export function assertLabels(scope: IConstruct | string, field: string, labels: unknown): void {
  if (labels === undefined) return;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) invalid(scope, field, 'must be a map of label keys to values', labels, "pass e.g. { 'app.kubernetes.io/name': 'iris' }");
  for (const [key, value] of Object.entries(labels)) {
    const keyProblems = qualifiedNameProblems(key);
    if (keyProblems.length > 0) invalid(scope, `${field}.${key}`, `is not a valid label key: ${keyProblems[0]}`, key, "use a key such as 'app' or 'nvidia.com/gpu.present'");
    const valueProblems = typeof value === 'string' ? labelValueProblems(value) : ['must be a string'];
    if (valueProblems.length > 0) invalid(scope, `${field}.${key}`, `has an invalid label value: ${valueProblems[0]}`, value, "use letters, digits, '-', '_' and '.', at most 63 characters");
  }
}

/**
 * `metadata.annotations` as given, after {@link assertAnnotations}, copied
 * by {@link checkedRecord} (no reserved keys): for constructs that copy
 * their `annotations` prop into the object.
 *
 * @throws ModelServingError for a bad key, a non-string value, or a value that holds a credential
 */
export function checkedAnnotations(scope: IConstruct | string, annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  assertAnnotations(scope, 'annotations', annotations);
  return checkedRecord(scope, 'annotations', annotations);
}

/**
 * Checks a map of annotations: keys are qualified names (`[prefix/]name`),
 * values strings.
 *
 * @throws ModelServingError naming `field.<key>`
 */
export function assertAnnotations(scope: IConstruct | string, field: string, annotations: unknown): void {
  if (annotations === undefined) return;
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) invalid(scope, field, 'must be a map of annotation keys to values', annotations, "pass e.g. { 'prometheus.io/scrape': 'true' }");
  for (const [key, value] of Object.entries(annotations)) {
    const keyProblems = qualifiedNameProblems(key);
    if (keyProblems.length > 0) invalid(scope, `${field}.${key}`, `is not a valid annotation key: ${keyProblems[0]}`, key, "use a key such as 'prometheus.io/port'");
    if (typeof value !== 'string') invalid(scope, `${field}.${key}`, 'must be a string', value, "quote it, e.g. '8080'");
    refuseCredential(scope, `${field}.${key}`, value, 'keep credentials out of annotations (they are readable by anyone who can list the object)', key);
  }
}

/**
 * A readable DNS label for a generated object name; names longer than the
 * 63 characters allowed (minus the `allow-` prefix) are cut and suffixed with
 * a short digest of the full name, so they stay unique and stable.
 */
export function policyId(name: string, max = 57): string {
  const clean = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (clean.length <= max && isDnsLabel(clean)) return clean;
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${clean.slice(0, max - 9).replace(/-+$/g, '')}-${digest}`;
}
