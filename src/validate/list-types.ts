/**
 * `x-kubernetes-list-type` uniqueness, which the apiserver enforces on
 * custom resources: items of a `set` must be distinct, and items of a `map`
 * must have distinct values of the `x-kubernetes-list-map-keys` (two
 * listeners named `http`).
 */
import { isPlainObject } from './schema/json-schema';
import { SkeletonNode } from './schema/skeleton';
import { PathSegment } from './issue';

/** A duplicate item, relative to the validated object. */
export interface ListProblem {
  readonly path: readonly PathSegment[];
  readonly message: string;
}

/** Every duplicate in the `set` and `map` lists of `value`. */
export function listTypeProblems(value: unknown, node: SkeletonNode, path: PathSegment[] = []): ListProblem[] {
  const problems: ListProblem[] = [];
  if (Array.isArray(value)) {
    if (node.listType !== undefined) {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const identity = node.listType === 'map' ? mapKey(item, node.listMapKeys ?? []) : canonical(item);
        if (identity === undefined) return;
        if (seen.has(identity)) problems.push({ path: [...path, i], message: `Duplicate value: ${identity}` });
        seen.add(identity);
      });
    }
    if (node.items) value.forEach((item, i) => problems.push(...listTypeProblems(item, node.items as SkeletonNode, [...path, i])));
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childNode = node.properties?.[key] ?? node.additionalProperties;
      if (childNode) problems.push(...listTypeProblems(child, childNode, [...path, key]));
    }
  }
  return problems;
}

/** The identity of a list-map item: its key fields as JSON, or undefined when it is not an object. */
function mapKey(item: unknown, keys: readonly string[]): string | undefined {
  if (!isPlainObject(item)) return undefined;
  return JSON.stringify(Object.fromEntries(keys.filter((k) => item[k] !== undefined).map((k) => [k, item[k]])));
}

/** JSON with sorted object keys, so equal values have equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (isPlainObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));
}
