/**
 * JSON schemas for the built-in Kubernetes kinds (Namespace, Service,
 * Deployment, ...) from the apiserver's own OpenAPI v2 document
 * (`../shared/crds/k8s/swagger-v1.35.0.json`).
 *
 * That document is the Kubernetes v1.35 API as the apiserver publishes it:
 * it names the kind of every definition (`x-kubernetes-group-version-kind`),
 * which kinds can be created (POST operations on collections),
 * and the `required` fields. The cdk8s JSON schemas next to it are a lossy
 * conversion of the same document, which is why this one is used.
 *
 * Only structure is checked for these kinds (field names, types, required
 * fields, int-or-string, quantities, formats); the apiserver's hand-written
 * Go defaulting and validation of core kinds (port ranges,
 * selector/template agreement, ...) is not reproduced.
 */
import { canonicalFormat } from '../runtime/formats';
import { AjvSchema, isPlainObject } from './json-schema';

/** The parts of the OpenAPI v2 document used here. */
export interface SwaggerDocument {
  readonly definitions: Readonly<Record<string, SwaggerSchema>>;
  readonly paths: Readonly<Record<string, Readonly<Record<string, SwaggerOperation>>>>;
}

interface SwaggerOperation {
  readonly 'x-kubernetes-action'?: string;
  readonly 'x-kubernetes-group-version-kind'?: { readonly group: string; readonly version: string; readonly kind: string };
}

/** An OpenAPI v2 schema node (only the keywords Kubernetes uses). */
export interface SwaggerSchema {
  readonly type?: string;
  readonly format?: string;
  readonly $ref?: string;
  readonly properties?: Readonly<Record<string, SwaggerSchema>>;
  readonly additionalProperties?: SwaggerSchema | boolean;
  readonly items?: SwaggerSchema;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly 'x-kubernetes-group-version-kind'?: ReadonlyArray<{ readonly group: string; readonly version: string; readonly kind: string }>;
  readonly [keyword: string]: unknown;
}

/** A core kind that can be created, with its definition name. */
export interface CoreKind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly definition: string;
}

const DEFINITIONS = '#/definitions/';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
/** The ObjectMeta definition; validated once for every kind (see `metadata.ts`). */
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/**
 * Every kind a client can create: the body of a POST on a collection path
 * (`/api/v1/namespaces/{namespace}/services`, not a subresource such as
 * `.../pods/{name}/eviction`).
 */
export function creatableKinds(doc: SwaggerDocument): CoreKind[] {
  const byGvk = new Map<string, { group: string; version: string; kind: string }>();
  for (const [route, operations] of Object.entries(doc.paths)) {
    const gvk = operations.post?.['x-kubernetes-group-version-kind'];
    if (gvk && !route.includes('{name}')) byGvk.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, gvk);
  }
  const definitionOf = new Map<string, string>();
  for (const [name, def] of Object.entries(doc.definitions)) {
    for (const g of def['x-kubernetes-group-version-kind'] ?? []) definitionOf.set(`${g.group}/${g.version}/${g.kind}`, name);
  }
  const kinds: CoreKind[] = [];
  for (const [key, g] of [...byGvk.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const definition = definitionOf.get(key);
    if (definition === undefined) throw new Error(`core schema: no definition for ${key}`);
    kinds.push({ apiVersion: g.group === '' ? g.version : `${g.group}/${g.version}`, kind: g.kind, definition });
  }
  return kinds;
}

/**
 * The ajv schema of one definition with every definition it reaches.
 * `metadata` at the root is only required to be an object (ObjectMeta is
 * checked separately), and objects with listed properties reject unknown
 * fields, as strict field validation does.
 */
export function coreToAjv(doc: SwaggerDocument, root: string): AjvSchema {
  const definitions: Record<string, AjvSchema> = {};
  const pending = [root];
  const seen = new Set(pending);
  const refTo = (name: string): void => {
    if (!seen.has(name)) {
      seen.add(name);
      pending.push(name);
    }
  };
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const def = doc.definitions[name];
    if (def === undefined) throw new Error(`core schema: missing definition ${name}`);
    definitions[name] = rewrite(def, refTo);
  }
  const top = definitions[root];
  if (root !== OBJECT_META && isPlainObject(top.properties) && 'metadata' in top.properties) {
    definitions[root] = { ...top, properties: { ...top.properties, metadata: { type: 'object' } } };
  }
  return { $ref: `${DEFINITIONS}${root}`, definitions };
}

function rewrite(node: SwaggerSchema, refTo: (name: string) => void): AjvSchema {
  if (node.$ref !== undefined) {
    const name = node.$ref.slice(DEFINITIONS.length);
    if (name === INT_OR_STRING) return { type: ['integer', 'string'] };
    // The apiserver parses a quantity from a JSON string or number.
    if (name === QUANTITY) return { type: ['string', 'number'], format: 'quantity' };
    refTo(name);
    return { $ref: node.$ref };
  }
  const out: AjvSchema = {};
  if (node.format === 'int-or-string') return { type: ['integer', 'string'] };
  if (node.type !== undefined) out.type = node.type;
  if (node.format !== undefined && node.type === 'string') {
    const format = canonicalFormat(node.format);
    if (format !== undefined) out.format = format;
  }
  if (node.enum !== undefined) out.enum = node.enum;
  if (node.required !== undefined) out.required = node.required;
  if (node.properties !== undefined) {
    const properties: Record<string, AjvSchema> = {};
    for (const [name, child] of Object.entries(node.properties)) properties[name] = rewrite(child, refTo);
    out.properties = properties;
    if (node.additionalProperties === undefined) out.additionalProperties = false;
  }
  if (typeof node.additionalProperties === 'object') out.additionalProperties = rewrite(node.additionalProperties, refTo);
  if (node.items !== undefined) out.items = rewrite(node.items, refTo);
  return out;
}
