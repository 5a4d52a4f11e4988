/**
 * Removes the `null`s the apiserver drops before defaulting and validation.
 *
 * Custom resources: a `null` field is removed unless its schema is
 * `nullable` (a default, if any, then fills it in); nulls in fields without a
 * schema are kept, so an unknown field is still reported.
 * Built-in kinds and ObjectMeta: Go decodes `null` as "not set", so every
 * `null` field is removed.
 */
import { isPlainObject } from './schema/json-schema';
import { SkeletonNode } from './schema/skeleton';

/** Prunes nulls in place, guided by the CRD skeleton of `value`. */
export function pruneNullsBySchema(value: unknown, node: SkeletonNode): void {
  if (Array.isArray(value)) {
    if (node.items) for (const item of value) pruneNullsBySchema(item, node.items);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const child = node.properties?.[key] ?? node.additionalProperties;
    if (child === undefined) continue;
    if (value[key] === null) {
      if (!child.nullable) delete value[key];
    } else {
      pruneNullsBySchema(value[key], child);
    }
  }
}

/** Prunes every `null` field in place (Go struct semantics). */
export function pruneAllNulls(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) pruneAllNulls(item);
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (value[key] === null) delete value[key];
      else pruneAllNulls(value[key]);
    }
  }
}
