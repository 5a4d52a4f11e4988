/**
 * Converts a JSON value to the CEL value a Kubernetes validation rule sees,
 * guided by the schema (skeleton) of the value:
 *
 * - `integer` (and the integer side of int-or-string) is a CEL int (BigInt),
 *   `number` is a double even when the JSON value is whole;
 * - strings with `format: duration` / `date` / `date-time` / `byte` are CEL
 *   durations, timestamps and bytes;
 * - objects with `properties` are maps of their declared fields, with field
 *   names escaped as Kubernetes does (`namespace` -> `__namespace__`,
 *   `x-y` -> `x__dash__y`, `a__b` -> `a__underscores__b`; names that cannot
 *   be escaped are not accessible);
 * - maps (`additionalProperties`) keep their keys;
 * - the root and embedded resources expose `apiVersion`, `kind` and
 *   `metadata.name` / `metadata.generateName` only;
 * - values without a schema (preserved unknown fields) are converted by
 *   their JSON type (whole numbers are ints).
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules
 */
import type { CelInput } from '@bufbuild/cel';
import { isPlainObject } from '../schema/json-schema';
import { SkeletonNode } from '../schema/skeleton';
import { celPackages } from './packages';

const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

const ESCAPE = /__|[-./]|[^A-Za-z0-9_]/g;
const ESCAPES: Readonly<Record<string, string>> = { __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' };

/**
 * The CEL name of a field, or undefined when Kubernetes cannot escape it (the
 * field is then not accessible to rules): a reserved word `w` becomes
 * `__w__`; `__`, `.`, `-` and `/` become `__underscores__`, `__dot__`,
 * `__dash__` and `__slash__`; any other character outside `[A-Za-z0-9_]`,
 * or a leading digit, makes the name inaccessible.
 */
export function escapeFieldName(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  let ok = true;
  const escaped = name.replace(ESCAPE, (s) => {
    const e = ESCAPES[s];
    if (e === undefined) ok = false;
    return e ?? '';
  });
  return ok ? escaped : undefined;
}

/** Converts `value` (valid against `node`) to a CEL input. `resource` marks the root or an embedded resource. */
export function toCel(value: unknown, node: SkeletonNode | undefined, resource = false): CelInput {
  if (value === null || value === undefined) return null;
  if (node === undefined) return dynamic(value);
  if (Array.isArray(value)) return value.map((item) => toCel(item, node.items));
  if (isPlainObject(value)) return objectToCel(value, node, resource || node.embedded === true);
  if (typeof value === 'number') {
    if (node.type === 'integer' || node.intOrString) return BigInt(value);
    return node.type === 'number' ? value : dynamic(value);
  }
  if (typeof value === 'string' && node.format !== undefined) return formatted(value, node.format);
  return value as CelInput;
}

function objectToCel(value: Record<string, unknown>, node: SkeletonNode, resource: boolean): CelInput {
  const out = new Map<string, CelInput>();
  if (node.additionalProperties !== undefined) {
    for (const [key, v] of Object.entries(value)) out.set(key, toCel(v, node.additionalProperties));
    return out;
  }
  if (node.properties === undefined && node.preserveUnknown) return dynamic(value);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (!(key in value) || value[key] === null) continue;
    const name = escapeFieldName(key);
    if (name !== undefined && !(resource && (key === 'metadata' || key === 'apiVersion' || key === 'kind'))) out.set(name, toCel(value[key], child));
  }
  if (resource) {
    for (const key of ['apiVersion', 'kind'] as const) if (typeof value[key] === 'string') out.set(key, value[key] as string);
    if (isPlainObject(value.metadata)) {
      const metadata = new Map<string, CelInput>();
      for (const key of ['name', 'generateName'] as const) if (typeof value.metadata[key] === 'string') metadata.set(key, value.metadata[key] as string);
      out.set('metadata', metadata);
    }
  }
  return out;
}

/** A value with no schema: by JSON type. */
function dynamic(value: unknown): CelInput {
  if (Array.isArray(value)) return value.map(dynamic);
  if (isPlainObject(value)) return new Map(Object.entries(value).map(([k, v]) => [k, dynamic(v)]));
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  return value as CelInput;
}

const DURATION_PART = /([0-9]*(?:\.[0-9]*)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/g;
const NANOS: Record<string, number> = { ns: 1, us: 1e3, '\u00b5s': 1e3, '\u03bcs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

function formatted(value: string, format: string): CelInput {
  const { protobuf, wkt, reflect } = celPackages();
  switch (format) {
    case 'duration': {
      const negative = value.startsWith('-');
      let nanos = 0;
      for (const [, amount, unit] of value.matchAll(DURATION_PART)) nanos += Number(amount) * NANOS[unit];
      const total = BigInt(Math.round(nanos)) * (negative ? -1n : 1n);
      return reflect.reflect(wkt.DurationSchema, protobuf.create(wkt.DurationSchema, { seconds: total / 1_000_000_000n, nanos: Number(total % 1_000_000_000n) }));
    }
    case 'date':
    case 'date-time':
      return reflect.reflect(wkt.TimestampSchema, wkt.timestampFromMs(Date.parse(format === 'date' ? `${value}T00:00:00Z` : value)));
    case 'byte':
      return new Uint8Array(Buffer.from(value, 'base64'));
    default:
      return value;
  }
}
