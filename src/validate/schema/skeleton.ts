/**
 * The structural "skeleton" of a CRD version: what validation needs beyond
 * ajv, without descriptions or value validations.
 *
 * - which `null`s the apiserver prunes (fields that are not `nullable`);
 * - schema `default`s, which the apiserver applies before it validates;
 * - `x-kubernetes-list-type: set | map` (uniqueness of items or keys);
 * - `x-kubernetes-validations` CEL rules, and the types CEL sees (`integer`
 *   is an int, `number` a double, `format: duration` a duration, ...).
 *
 * It is built from a CRD by `skeleton-builder.ts` and stored packed
 * (repeated subtrees once) next to the generated validator.
 */
import type { EncodedExpr } from '../cel/ast-codec';

/** A CEL rule as the validator runs it, parsed in advance. */
export interface SkeletonRule {
  readonly rule: string;
  /** The parsed rule (`cel/ast-codec.ts`). */
  readonly ast: EncodedExpr;
  readonly message?: string;
  readonly messageExpression?: string;
  /** The parsed `messageExpression`. */
  readonly messageAst?: EncodedExpr;
  readonly fieldPath?: string;
}

/** One node of the skeleton; field names mirror the CRD keywords. */
export interface SkeletonNode {
  readonly type?: string;
  readonly intOrString?: true;
  readonly nullable?: true;
  /** `x-kubernetes-preserve-unknown-fields` (fields not listed in `properties` are kept). */
  readonly preserveUnknown?: true;
  /** `x-kubernetes-embedded-resource`. */
  readonly embedded?: true;
  /** The schema default, applied when the field is missing (or a non-nullable null). */
  readonly default?: unknown;
  /** A format that changes the CEL type of a string: `duration`, `date`, `date-time`, `byte`. */
  readonly format?: string;
  readonly properties?: Readonly<Record<string, SkeletonNode>>;
  /** The schema of map values (`additionalProperties`). */
  readonly additionalProperties?: SkeletonNode;
  readonly items?: SkeletonNode;
  readonly listType?: 'set' | 'map';
  readonly listMapKeys?: readonly string[];
  readonly rules?: readonly SkeletonRule[];
}

/** A skeleton as stored: repeated subtrees once, in `shared`, referred to as `{ "$shared": index }`. */
export interface PackedSkeleton {
  readonly root: unknown;
  readonly shared: readonly unknown[];
}

/** Subtrees smaller than this (serialized, in characters) stay inline. */
const MIN_SHARED_SIZE = 400;

/**
 * Packs a skeleton for storage: every repeated subtree of some size is stored
 * once. Serialized texts are computed bottom-up, once per node; parsed rules
 * (arrays) are leaves.
 */
export function packSkeleton(root: SkeletonNode): PackedSkeleton {
  const texts = new Map<object, string>();
  const counts = new Map<string, number>();
  const textOf = (node: unknown): string => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return JSON.stringify(node);
    const known = texts.get(node);
    if (known !== undefined) return known;
    const text = `{${Object.entries(node).map(([k, v]) => `${JSON.stringify(k)}:${textOf(v)}`).join(',')}}`;
    texts.set(node, text);
    if (text.length >= MIN_SHARED_SIZE) counts.set(text, (counts.get(text) ?? 0) + 1);
    return text;
  };
  textOf(root);
  const shared: unknown[] = [];
  const index = new Map<string, number>();
  const pack = (node: unknown, isRoot: boolean): unknown => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
    const text = texts.get(node) as string;
    if (!isRoot && (counts.get(text) ?? 0) > 1) {
      let i = index.get(text);
      if (i === undefined) {
        i = shared.length;
        index.set(text, i);
        shared.push(undefined);
        shared[i] = packChildren(node);
      }
      return { $shared: i };
    }
    return packChildren(node);
  };
  const packChildren = (node: object): unknown => Object.fromEntries(Object.entries(node).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => pack(x, false)) : pack(v, false)]));
  return { root: pack(root, true), shared };
}

/** Restores a packed skeleton; shared subtrees become shared objects. */
export function unpackSkeleton(packed: PackedSkeleton): SkeletonNode {
  const resolved = new Map<number, unknown>();
  const unpack = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    if (Array.isArray(node)) return node.map(unpack);
    const ref = (node as { $shared?: number }).$shared;
    if (typeof ref === 'number') {
      if (!resolved.has(ref)) resolved.set(ref, unpack(packed.shared[ref]));
      return resolved.get(ref);
    }
    // Parsed rules are stored as they are used.
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'ast' || k === 'messageAst' ? v : unpack(v)]));
  };
  return unpack(packed.root) as SkeletonNode;
}
