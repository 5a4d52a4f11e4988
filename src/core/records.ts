import { IConstruct } from 'constructs';
import { invalid } from './errors';

/**
 * Keys that change meaning in a JavaScript object: `__proto__` sets (or,
 * through `obj[k] = v`, silently drops into) the prototype, `constructor`
 * and `prototype` shadow what renderers read (cdk8s refuses an object whose
 * `constructor` is not `Object`). None is a valid Kubernetes label or
 * annotation key, header name or plugin field, so a record holding one is
 * refused rather than copied: `{ "__proto__": "x" }` as an API-key selector
 * passes an `Object.keys` emptiness check and renders `matchLabels: {}`.
 */
export const FORBIDDEN_RECORD_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** True for `__proto__`, `constructor` and `prototype` ({@link FORBIDDEN_RECORD_KEYS}). */
export function isForbiddenRecordKey(key: string): boolean {
  return FORBIDDEN_RECORD_KEYS.includes(key);
}

const FIX = 'remove the key, or rename it (no Kubernetes label or annotation key, header name or plugin field is called __proto__, constructor or prototype)';

function refuse(scope: IConstruct | string, field: string, key: string): never {
  return invalid(scope, `${field}.${key}`, `is a key that JavaScript objects reserve (${FORBIDDEN_RECORD_KEYS.join(', ')}): it would be dropped when rendered or change what the record means`, key, FIX);
}

/**
 * A checked copy of a caller's record (labels, annotations, selectors,
 * header maps, environment): its own enumerable string keys in their order,
 * built with `Object.fromEntries` so no key can reach the prototype. Keys a
 * prototype provides (`{ __proto__: { app: 'x' } }`) are not the record's
 * and are left out, so an emptiness check on the copy sees what is rendered.
 *
 * @param scope the construct (or factory name) that received the record
 * @param field the prop, e.g. `selector` or `labels`; a bad key is reported as `<field>.<key>`
 * @returns undefined for undefined, else the copy
 * @throws ModelServingError for a value that is not a mapping, or a key of {@link FORBIDDEN_RECORD_KEYS}
 */
export function checkedRecord<T>(scope: IConstruct | string, field: string, record: Readonly<Record<string, T>>): Record<string, T>;
export function checkedRecord<T>(scope: IConstruct | string, field: string, record: Readonly<Record<string, T>> | undefined): Record<string, T> | undefined;
export function checkedRecord<T>(scope: IConstruct | string, field: string, record: Readonly<Record<string, T>> | undefined): Record<string, T> | undefined {
  if (record === undefined) return undefined;
  if (record === null || typeof record !== 'object' || Array.isArray(record) || record instanceof Map) {
    invalid(scope, field, 'must be a mapping of keys to values', record, 'pass an object literal such as { "app.kubernetes.io/name": "iris" }');
  }
  const keys = Object.keys(record);
  for (const key of keys) if (isForbiddenRecordKey(key)) refuse(scope, field, key);
  return Object.fromEntries(keys.map((k) => [k, record[k]])) as Record<string, T>;
}

/**
 * Refuses {@link FORBIDDEN_RECORD_KEYS} anywhere in a nested value (a plugin
 * configuration, a policy rule): plain objects and arrays are walked (class
 * instances such as constructs are not), a bad key is reported with its
 * path (`config.headers.__proto__`).
 *
 * @throws ModelServingError for the first forbidden key
 */
export function checkRecordKeysDeep(scope: IConstruct | string, field: string, value: unknown): void {
  const seen = new Set<unknown>();
  const walk = (v: unknown, at: string): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, `${at}[${i}]`));
      return;
    }
    // Plain data only: class instances (constructs, tokens, durations) are not records.
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return;
    for (const key of Object.keys(v)) {
      if (isForbiddenRecordKey(key)) refuse(scope, at, key);
      walk((v as Record<string, unknown>)[key], `${at}.${key}`);
    }
  };
  walk(value, field);
}
