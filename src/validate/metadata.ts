/**
 * The apiserver's checks of `metadata` that every object gets, whatever its
 * kind: the name (with the rule and length limit of the kind), the
 * namespace, label keys and values, annotation keys and total size.
 * The structure of ObjectMeta (field names and types) is checked by its own
 * schema in `validator.ts`.
 */
import { redactCredentials } from '../core/credentials';
import { isPlainObject } from './schema/json-schema';
import { dns1035LabelProblems, dns1123LabelProblems, dns1123SubdomainProblems, labelValueProblems, pathSegmentProblems, qualifiedNameProblems } from './names';
import { PathSegment } from './issue';

/** A problem found in metadata, relative to the object. */
export interface MetadataProblem {
  readonly path: readonly PathSegment[];
  readonly message: string;
}

type NameCheck = (name: string) => string[];

interface NameRule {
  readonly check: NameCheck;
  /** A limit shorter than the rule's own, when the kind has one. */
  readonly maxLength?: number;
  readonly why?: string;
}

const SUBDOMAIN: NameRule = { check: dns1123SubdomainProblems };

/**
 * Name rules of built-in kinds that differ from the default (RFC 1123
 * subdomain, which is also the rule for every custom resource).
 */
const CORE_NAME_RULES: Readonly<Record<string, NameRule>> = {
  'v1/Namespace': { check: dns1123LabelProblems },
  'v1/Service': { check: dns1035LabelProblems },
  'rbac.authorization.k8s.io/v1/Role': { check: pathSegmentProblems },
  'rbac.authorization.k8s.io/v1/ClusterRole': { check: pathSegmentProblems },
  'rbac.authorization.k8s.io/v1/RoleBinding': { check: pathSegmentProblems },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { check: pathSegmentProblems },
  // The controller appends an 11-character suffix to name the Jobs it creates.
  'batch/v1/CronJob': { check: dns1123SubdomainProblems, maxLength: 52, why: 'a CronJob name is the prefix of the Jobs it creates' },
  // The name becomes the value of the `batch.kubernetes.io/job-name` pod label.
  'batch/v1/Job': { check: dns1123SubdomainProblems, maxLength: 63, why: "a Job name becomes the value of its pods' job-name label" },
};

/** Largest total size of all annotation keys and values. */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/**
 * Checks `metadata` of an object of the given kind.
 *
 * @param coreKind true for built-in kinds (their name rules differ by kind)
 */
export function metadataProblems(object: Record<string, unknown>, apiVersion: string, kind: string, coreKind: boolean): MetadataProblem[] {
  const metadata = object.metadata;
  if (!isPlainObject(metadata)) return [{ path: ['metadata'], message: metadata === undefined ? 'Required value' : 'must be an object' }];
  const problems: MetadataProblem[] = [];
  const rule = (coreKind ? CORE_NAME_RULES[`${apiVersion}/${kind}`] : undefined) ?? SUBDOMAIN;
  const { name, generateName, namespace, labels, annotations } = metadata;

  if (typeof name === 'string') {
    problems.push(...nameProblems(['metadata', 'name'], name, rule, false));
  } else if (name === undefined && typeof generateName !== 'string') {
    problems.push({ path: ['metadata', 'name'], message: 'Required value: name or generateName is required' });
  }
  if (typeof generateName === 'string') problems.push(...nameProblems(['metadata', 'generateName'], generateName, rule, true));
  if (typeof namespace === 'string') {
    const found = dns1123LabelProblems(namespace);
    if (found.length > 0) problems.push({ path: ['metadata', 'namespace'], message: invalid(namespace, found) });
  }
  if (isPlainObject(labels)) {
    for (const [key, value] of Object.entries(labels)) {
      const keyProblems = qualifiedNameProblems(key);
      if (keyProblems.length > 0) problems.push({ path: ['metadata', 'labels', key], message: invalid(key, keyProblems) });
      if (typeof value === 'string') {
        const valueProblems = labelValueProblems(value);
        if (valueProblems.length > 0) problems.push({ path: ['metadata', 'labels', key], message: invalid(value, valueProblems) });
      }
    }
  }
  if (isPlainObject(annotations)) {
    let size = 0;
    for (const [key, value] of Object.entries(annotations)) {
      // Annotation keys are compared case-insensitively.
      const keyProblems = qualifiedNameProblems(key.toLowerCase());
      if (keyProblems.length > 0) problems.push({ path: ['metadata', 'annotations', key], message: invalid(key, keyProblems) });
      size += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
    }
    if (size > ANNOTATIONS_MAX_BYTES) problems.push({ path: ['metadata', 'annotations'], message: `Too long: must have at most ${ANNOTATIONS_MAX_BYTES} bytes (total of keys and values: ${size})` });
  }
  return problems;
}

function nameProblems(path: readonly PathSegment[], value: string, rule: NameRule, prefix: boolean): MetadataProblem[] {
  // A generateName prefix may end in '-': the apiserver appends random characters.
  const checked = prefix && value.endsWith('-') ? `${value.slice(0, -1)}a` : value;
  const found = rule.check(checked);
  if (!prefix && rule.maxLength !== undefined && value.length > rule.maxLength) {
    found.push(`must be no more than ${rule.maxLength} characters${rule.why ? ` (${rule.why})` : ''}`);
  }
  return found.length > 0 ? [{ path, message: invalid(value, found) }] : [];
}

function invalid(value: string, problems: readonly string[]): string {
  return `Invalid value: ${JSON.stringify(redactCredentials(value, undefined))}: ${problems.join('; ')}`;
}
