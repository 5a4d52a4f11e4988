/**
 * Rewrites a CRD version's `openAPIV3Schema` into a JSON schema that ajv
 * (strict mode) validates the way the apiserver does:
 *
 * - `x-kubernetes-int-or-string` becomes `type: [integer, string]`;
 * - structural objects get `additionalProperties: false`, so an unknown field
 *   is an error as with strict field validation (not inside `anyOf`/`oneOf`/
 *   `allOf`/`not`, and not under `x-kubernetes-preserve-unknown-fields`);
 * - `nullable` values accept `null` (enum included); other `null`s are pruned
 *   before validation, as the apiserver does;
 * - formats the apiserver ignores (`int32`, `double`, ...) are dropped and
 *   the others renamed to their canonical name;
 * - OpenAPI 3.0 `exclusiveMinimum: true` (a flag on `minimum`) becomes JSON
 *   Schema's `exclusiveMinimum: <bound>`, and likewise for maximum;
 * - the root always accepts `apiVersion`, `kind` and `metadata`; `metadata`
 *   keeps only the CRD's `name`/`generateName` constraints (ObjectMeta itself
 *   is checked separately);
 * - embedded resources accept and require `apiVersion` and `kind`, and accept
 *   `metadata`;
 * - annotations (`description`, `x-kubernetes-*`) are dropped: they never
 *   change what validates, and they would bloat generated code;
 * - `default`s are dropped: they are applied before validation, in a pass of
 *   their own (`defaults.ts`), as the apiserver does. (ajv's `useDefaults`
 *   would apply them while validating, after `oneOf` has already looked at
 *   the missing field.)
 *
 * `pattern`s are kept verbatim: they are RE2 and are compiled by the RE2
 * engine (`runtime/re2.ts`), never by ECMAScript `RegExp`.
 */
import { canonicalFormat } from '../runtime/formats';
import { AjvSchema, CrdSchema } from './json-schema';

/** Keywords copied unchanged (after their subschemas are rewritten). */
const VALUE_KEYWORDS = ['enum', 'pattern', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minimum', 'maximum', 'multipleOf', 'uniqueItems', 'required'] as const;

interface Position {
  /** Inside `anyOf`/`oneOf`/`allOf`/`not`: value validations only, which never reject unknown fields. */
  readonly valueValidation: boolean;
  /** A field or item schema inside a value validation (its type is stated by the structural schema, not here). */
  readonly nested?: boolean;
}

/** Rewrites a whole CRD version schema (the root of a custom resource). */
export function crdToAjv(root: CrdSchema): AjvSchema {
  const schema = rewrite(root, { valueValidation: false });
  const properties = { ...((schema.properties as Record<string, AjvSchema> | undefined) ?? {}) };
  properties.apiVersion ??= { type: 'string' };
  properties.kind ??= { type: 'string' };
  properties.metadata = rootMetadata(root.properties?.metadata);
  return { ...schema, type: 'object', properties };
}

/** The CRD's own constraints on `metadata.name` and `metadata.generateName` (the only ones Kubernetes allows). */
function rootMetadata(metadata: CrdSchema | undefined): AjvSchema {
  const properties: Record<string, AjvSchema> = {};
  for (const key of ['name', 'generateName']) {
    const field = metadata?.properties?.[key];
    if (field) properties[key] = rewrite(field, { valueValidation: false });
  }
  return Object.keys(properties).length > 0 ? { type: 'object', properties } : { type: 'object' };
}

function rewrite(node: CrdSchema, pos: Position): AjvSchema {
  const out: AjvSchema = {};
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const preserveHere = node['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = node['x-kubernetes-embedded-resource'] === true;

  if (intOrString) out.type = ['integer', 'string'];
  else if (node.type !== undefined) out.type = node.type;

  if (node.format !== undefined) {
    const format = canonicalFormat(node.format);
    // A format checks strings only; on another type the apiserver ignores it.
    if (format !== undefined && (node.type === 'string' || node.type === undefined || intOrString)) out.format = format;
  }
  for (const keyword of VALUE_KEYWORDS) {
    if (node[keyword] !== undefined) out[keyword] = node[keyword];
  }
  // OpenAPI 3.0 spells exclusive bounds as a flag on minimum/maximum.
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (node[flag] === true && typeof node[bound] === 'number') {
      out[flag] = node[bound];
      delete out[bound];
    }
  }
  if (node.nullable === true && out.type !== undefined) {
    out.nullable = true;
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }

  // Subschemas stated explicitly are pruned by their own rules, whether or
  // not this node preserves unknown fields.
  const childPos: Position = { valueValidation: pos.valueValidation, nested: pos.valueValidation };
  if (node.properties !== undefined) {
    const properties: Record<string, AjvSchema> = {};
    // `properties` is a map of field name to schema: a field may be named `type`.
    for (const [name, child] of Object.entries(node.properties)) properties[name] = rewrite(child, childPos);
    out.properties = properties;
  }
  if (embedded) addEmbeddedResourceFields(out);
  if (typeof node.additionalProperties === 'object') out.additionalProperties = rewrite(node.additionalProperties, childPos);
  else if (node.additionalProperties !== undefined) out.additionalProperties = node.additionalProperties;
  if (node.items !== undefined) out.items = rewrite(node.items, childPos);

  // Branches check the same value as this node; inside a value validation
  // with no stated type, their keywords imply it as for a field schema.
  const branchPos: Position = { valueValidation: true, nested: pos.nested === true && out.type === undefined };
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = node[keyword];
    if (branches === undefined) continue;
    // int-or-string may spell its type as `anyOf: [{type: integer}, {type: string}]`.
    if (intOrString && keyword === 'anyOf' && isIntOrStringTypeList(branches)) continue;
    out[keyword] = branches.map((b) => rewrite(b, branchPos));
  }
  if (node.not !== undefined) out.not = rewrite(node.not, branchPos);

  if (pos.nested && out.type === undefined) {
    const implied = impliedType(out);
    if (implied !== undefined) out.type = implied;
  }
  const structuralObject = out.type === 'object' && !pos.valueValidation;
  if (structuralObject && out.additionalProperties === undefined && !preserveHere) out.additionalProperties = false;
  return out;
}

const STRING_KEYWORDS = ['format', 'pattern', 'minLength', 'maxLength'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const ARRAY_KEYWORDS = ['items', 'minItems', 'maxItems', 'uniqueItems'];
const OBJECT_KEYWORDS = ['properties', 'additionalProperties', 'required', 'minProperties', 'maxProperties'];

/**
 * The type a value validation's field schema implies by its keywords
 * (`{format: ipv4}` checks strings). Strict mode wants it spelled out; it
 * changes nothing, because the structural schema at the same place already
 * requires that type (and a keyword only ever checks values of its type).
 */
function impliedType(out: AjvSchema): string | undefined {
  const families = [STRING_KEYWORDS, NUMBER_KEYWORDS, ARRAY_KEYWORDS, OBJECT_KEYWORDS].filter((keywords) => keywords.some((k) => out[k] !== undefined));
  if (families.length !== 1) return undefined;
  return families[0] === STRING_KEYWORDS ? 'string' : families[0] === NUMBER_KEYWORDS ? 'number' : families[0] === ARRAY_KEYWORDS ? 'array' : 'object';
}

function isIntOrStringTypeList(branches: readonly CrdSchema[]): boolean {
  const types = branches.map((b) => (Object.keys(b).length === 1 ? b.type : undefined)).sort();
  return types.length === 2 && types[0] === 'integer' && types[1] === 'string';
}

/** `apiVersion`, `kind` (required) and `metadata` on an `x-kubernetes-embedded-resource` object. */
function addEmbeddedResourceFields(out: AjvSchema): void {
  const properties = { ...((out.properties as Record<string, AjvSchema> | undefined) ?? {}) };
  properties.apiVersion ??= { type: 'string', minLength: 1 };
  properties.kind ??= { type: 'string', minLength: 1 };
  properties.metadata ??= { type: 'object' };
  out.properties = properties;
  const required = new Set<string>((out.required as string[] | undefined) ?? []);
  required.add('apiVersion');
  required.add('kind');
  out.required = [...required];
}
