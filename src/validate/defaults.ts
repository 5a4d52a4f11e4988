/**
 * Applies CRD schema defaults as the apiserver does before it validates: in
 * every object, a property that is missing gets a copy of its schema's
 * `default`; then every property (defaulted or not) is defaulted in turn, so
 * defaults inside a default value apply too. Items and map values are
 * defaulted by their schema.
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#defaulting
 */
import { isPlainObject } from './schema/json-schema';
import { SkeletonNode } from './schema/skeleton';

/** Fills in defaults in place. Nulls must have been pruned first (`prune-nulls.ts`). */
export function applySchemaDefaults(value: unknown, node: SkeletonNode): void {
  if (Array.isArray(value)) {
    if (node.items) for (const item of value) applySchemaDefaults(item, node.items);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (child.default !== undefined && !(key in value)) value[key] = structuredClone(child.default);
  }
  for (const [key, v] of Object.entries(value)) {
    const child = node.properties?.[key] ?? node.additionalProperties;
    if (child) applySchemaDefaults(v, child);
  }
}
