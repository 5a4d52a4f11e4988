/**
 * Comparison of an upstream example object (U, written by hand) with the
 * object our constructs synthesize for it (O), for the upstream-rebuild
 * tests (`test/gateway/upstream-examples.test.ts`,
 * `test/serving/upstream-examples.test.ts`).
 *
 * Both sides are first normalized as the apiserver would store them:
 * 1. CRD defaults applied (`applyDefaults`), so an explicit default on one
 *    side (`tls.mode: Terminate`, `path.type: PathPrefix`, `weight: 1`)
 *    equals the same field left out on the other;
 * 2. `status` dropped (never written by users; ignored on create);
 * 3. resource quantities written as integers (`nvidia.com/gpu: 1`) turned
 *    into their canonical string form (`"1"`), as the apiserver serializes
 *    quantities;
 * 4. container `env` lists ordered by name: the library sorts env variables
 *    so its output does not depend on declaration order, and the order only
 *    matters for `$(VAR)` references, which {@link compareWithUpstream}
 *    refuses to reorder.
 *
 * Then every field of U must appear in O with the same value (deep subset;
 * lists must have the same length and match item by item), and the paths O
 * adds are reported so each test can assert them against an explicit,
 * documented allow-list.
 *
 * Paths read like `spec.predictor.model.securityContext`,
 * `spec.rules[0].backendRefs`, `metadata.annotations['serving.kserve.io/deploymentMode']`.
 */
import * as fs from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { applyDefaults } from '../src/validate';

/** A JSON object. */
export type Json = Record<string, unknown>;

/** What {@link compareWithUpstream} found. */
export interface Comparison {
  /** Fields of the upstream object that ours lacks or has with another value (`path: upstream ≠ ours`). */
  readonly missing: readonly string[];
  /** Paths ours adds (the topmost absent key; keys of absent label/annotation maps one by one), sorted. */
  readonly extra: readonly string[];
}

/** Maps whose keys are reported one by one when ours adds them: each label or annotation is a decision of its own. */
const KEYED_MAPS = new Set(['metadata.labels', 'metadata.annotations']);

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `.key`, or `['key']` for keys that are not plain identifiers (`nvidia.com/gpu`, annotation keys). */
export function pathJoin(at: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? (at ? `${at}.${key}` : key) : `${at}['${key}']`;
}

/** The objects of a YAML file (empty documents and comments-only documents left out). */
export function readObjects(file: string): Json[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter(isObject);
}

/** `Kind/name` or `Kind/namespace/name`: how objects are matched between upstream and ours. */
export function objectKey(o: Json): string {
  const meta = (o.metadata ?? {}) as Json;
  return meta.namespace === undefined ? `${o.kind as string}/${meta.name as string}` : `${o.kind as string}/${meta.namespace as string}/${meta.name as string}`;
}

/** The object as the apiserver would store it, for comparison (see the file comment). */
export function normalize(o: Json): Json {
  const copy = applyDefaults(structuredClone(o));
  delete copy.status;
  canonicalize(copy);
  return copy;
}

function canonicalize(v: unknown): void {
  if (Array.isArray(v)) {
    v.forEach(canonicalize);
    return;
  }
  if (!isObject(v)) return;
  for (const [k, child] of Object.entries(v)) {
    if (k === 'resources' && isObject(child)) {
      for (const part of ['limits', 'requests']) {
        const list = child[part];
        if (isObject(list)) for (const [q, amount] of Object.entries(list)) if (typeof amount === 'number' && Number.isInteger(amount)) list[q] = String(amount);
      }
    }
    if (k === 'env' && Array.isArray(child) && child.every(isObject)) {
      const refers = child.some((e) => typeof e.value === 'string' && e.value.includes('$('));
      if (!refers) child.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    }
    canonicalize(child);
  }
}

/** Fields of `upstream` that `ours` lacks or has with another value. */
export function missingPaths(upstream: unknown, ours: unknown, at = ''): string[] {
  if (isObject(upstream)) {
    if (!isObject(ours)) return [differs(at, upstream, ours)];
    return Object.keys(upstream).flatMap((k) => missingPaths(upstream[k], ours[k], pathJoin(at, k)));
  }
  if (Array.isArray(upstream)) {
    if (!Array.isArray(ours) || ours.length !== upstream.length) return [differs(at, upstream, ours)];
    return upstream.flatMap((v, i) => missingPaths(v, ours[i], `${at}[${i}]`));
  }
  return upstream === ours ? [] : [differs(at, upstream, ours)];
}

/** Paths present in `ours` and absent from `upstream`. */
export function extraPaths(upstream: unknown, ours: unknown, at = ''): string[] {
  if (isObject(ours) && isObject(upstream)) {
    return Object.keys(ours).flatMap((k) => {
      const p = pathJoin(at, k);
      if (k in upstream) return extraPaths(upstream[k], ours[k], p);
      return KEYED_MAPS.has(p) && isObject(ours[k]) ? Object.keys(ours[k] as Json).map((key) => pathJoin(p, key)) : [p];
    });
  }
  if (Array.isArray(ours) && Array.isArray(upstream)) {
    return ours.flatMap((v, i) => (i < upstream.length ? extraPaths(upstream[i], v, `${at}[${i}]`) : [`${at}[${i}]`]));
  }
  return [];
}

/** Compares an upstream object with ours, both normalized (see the file comment). */
export function compareWithUpstream(upstream: Json, ours: Json): Comparison {
  const u = normalize(upstream);
  const o = normalize(ours);
  return { missing: missingPaths(u, o), extra: extraPaths(u, o).sort() };
}

/**
 * True when `path` is matched by `pattern`, where `*` stands for one path
 * segment (a key or an `[index]`): `spec.template.containers[*].securityContext`.
 */
export function matchesPattern(path: string, pattern: string): boolean {
  const ANY_INDEX = '\u0000';
  const ANY_KEY = '\u0001';
  const source = pattern
    .replaceAll('[*]', ANY_INDEX)
    .replaceAll('*', ANY_KEY)
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replaceAll(ANY_INDEX, '\\[\\d+\\]')
    .replaceAll(ANY_KEY, '[A-Za-z_][A-Za-z0-9_]*');
  return new RegExp(`^${source}$`).test(path);
}

function differs(at: string, upstream: unknown, ours: unknown): string {
  const show = (v: unknown) => {
    const s = JSON.stringify(v) ?? 'undefined';
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  };
  return `${at || '(root)'}: upstream ${show(upstream)} ≠ ours ${show(ours)}`;
}
