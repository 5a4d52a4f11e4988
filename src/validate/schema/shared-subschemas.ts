/**
 * Moves repeated subschemas into `definitions` and refers to them with
 * `$ref`, so ajv generates one function for each instead of inlining a copy
 * at every place. CRDs generated from Go types repeat large structs (KServe's
 * InferenceService repeats the whole container and pod spec for every
 * component): without this its validator is 10 MB of JavaScript.
 *
 * Large subschemas get a function of their own even when they occur once:
 * JavaScript engines compile a function when it is first called, so an
 * object that only uses `spec.predictor` never pays for compiling the code
 * of `spec.transformer`.
 *
 * Only structural subschemas are shared (never inside `anyOf`/`oneOf`/
 * `allOf`/`not`), so error paths of failed branches stay recognisable.
 */
import { createHash } from 'node:crypto';
import { AjvSchema, isPlainObject } from './json-schema';

/** Repeated subschemas smaller than this (serialized, in characters) stay inline. */
const MIN_SHARED_SIZE = 1500;
/** Subschemas at least this large get their own function even when used once. */
const MIN_SPLIT_SIZE = 6000;

interface NodeInfo {
  readonly hash: string;
  readonly size: number;
}

/**
 * Returns `schema` with every subschema that occurs at least twice (and is at
 * least {@link MIN_SHARED_SIZE} characters), or that is at least
 * {@link MIN_SPLIT_SIZE} characters, replaced by a `$ref` into
 * `definitions`. The input is not modified.
 */
export function shareRepeatedSubschemas(schema: AjvSchema): AjvSchema {
  const info = new Map<AjvSchema, NodeInfo>();
  const counts = new Map<string, number>();
  measure(schema, info, counts);
  const definitions: Record<string, AjvSchema> = {};
  const names = new Map<string, string>();

  const share = (node: AjvSchema, isRoot: boolean): AjvSchema => {
    const { hash, size } = info.get(node) as NodeInfo;
    if (!isRoot && (size >= MIN_SPLIT_SIZE || (size >= MIN_SHARED_SIZE && (counts.get(hash) ?? 0) > 1))) {
      let name = names.get(hash);
      if (name === undefined) {
        name = `s${names.size}`;
        names.set(hash, name);
        definitions[name] = rebuild(node);
      }
      return { $ref: `#/definitions/${name}` };
    }
    return rebuild(node);
  };
  const rebuild = (node: AjvSchema): AjvSchema => {
    const out: AjvSchema = { ...node };
    if (isPlainObject(node.properties)) {
      const properties: Record<string, AjvSchema> = {};
      for (const [key, child] of Object.entries(node.properties as Record<string, AjvSchema>)) properties[key] = share(child, false);
      out.properties = properties;
    }
    if (isPlainObject(node.items)) out.items = share(node.items as AjvSchema, false);
    if (isPlainObject(node.additionalProperties)) out.additionalProperties = share(node.additionalProperties as AjvSchema, false);
    return out;
  };

  const root = share(schema, true);
  return names.size > 0 ? { ...root, definitions } : root;
}

/** Hashes every structural node bottom-up and counts identical ones. */
function measure(node: AjvSchema, info: Map<AjvSchema, NodeInfo>, counts: Map<string, number>): NodeInfo {
  const known = info.get(node);
  if (known) return known;
  const replaced: AjvSchema = { ...node };
  let size = 0;
  if (isPlainObject(node.properties)) {
    const properties: Record<string, string> = {};
    for (const [key, child] of Object.entries(node.properties as Record<string, AjvSchema>)) {
      const c = measure(child, info, counts);
      properties[key] = c.hash;
      size += c.size + key.length + 4;
    }
    replaced.properties = properties;
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    if (isPlainObject(node[key])) {
      const c = measure(node[key] as AjvSchema, info, counts);
      replaced[key] = c.hash;
      size += c.size;
    }
  }
  const text = JSON.stringify(replaced);
  const result = { hash: createHash('sha1').update(text).digest('hex'), size: size + text.length };
  info.set(node, result);
  counts.set(result.hash, (counts.get(result.hash) ?? 0) + 1);
  return result;
}
