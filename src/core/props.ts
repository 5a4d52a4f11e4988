import { IConstruct } from 'constructs';
import { invalid } from './errors';

/**
 * Largest value of an `int32` field (`format: int32` in a CRD, a Go `int32`
 * such as replicas and ports): 2^31 - 1. The apiserver refuses a larger
 * number for such a field; a controller that reads a looser schema may
 * wrap it around instead.
 */
export const INT32_MAX = 2_147_483_647;

/** Largest value of a `uint32` field (protobuf `uint32`, e.g. Envoy's rate limits): 2^32 - 1. */
export const UINT32_MAX = 4_294_967_295;

/**
 * Largest integer a JavaScript number holds exactly (2^53 - 1). Fields typed
 * `int64` (or Go `int`) upstream accept more, but a larger number written
 * here would already have been rounded before it reaches the YAML.
 */
export const SAFE_INT_MAX = Number.MAX_SAFE_INTEGER;

/** Options of {@link assertInteger}. */
export interface IntegerRange {
  /** Smallest value allowed. */
  readonly min: number;
  /** Largest value allowed (e.g. {@link INT32_MAX}). */
  readonly max: number;
  /** Where the maximum comes from, appended to the problem, e.g. `int32: spec.predictor.maxReplicas`. @default - none */
  readonly type?: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * Checks that `value` is an integer in `[min, max]`; `NaN`, `Infinity`,
 * fractions and numbers written as strings are refused.
 *
 * @throws ModelServingError naming `field`, the range (and its upstream type) and the value
 */
export function assertInteger(scope: IConstruct | string, field: string, value: unknown, range: IntegerRange): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    invalid(scope, field, `must be an integer between ${range.min} and ${range.max}${range.type ? ` (${range.type})` : ''}`, value, range.fix);
  }
  return value;
}

/**
 * Checks that `value` is one of `allowed`. TypeScript unions and enums are
 * not enforced at run time (JavaScript callers, values read from files), so
 * props that reach the output are checked here.
 *
 * @param fix how to fix it; the allowed values are appended
 * @throws ModelServingError naming `field`, the value and the allowed values
 */
export function assertOneOf<T extends string | number>(scope: IConstruct | string, field: string, value: unknown, allowed: readonly T[], fix?: string): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    const list = allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(', ');
    invalid(scope, field, `must be one of ${list}`, value, `${fix ? `${fix}; ` : ''}use one of ${list}`);
  }
  return value as T;
}

/**
 * Checks that the object `value` has no keys besides `allowed`: props that
 * are copied into the output would otherwise drop a misspelt key silently
 * (`gpu: '1'` beside `nvidiaGpu`), leaving the object without what was
 * asked for. A non-object (or `undefined`) is left to the caller's own checks.
 *
 * @throws ModelServingError naming `field.<key>`, suggesting the closest known key
 */
export function assertKnownKeys(scope: IConstruct | string, field: string, value: unknown, allowed: readonly string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const suggestion = closestKey(key, allowed);
    invalid(
      scope,
      `${field ? `${field}.` : ''}${key}`,
      'is not a known field (it would be dropped silently)',
      (value as Record<string, unknown>)[key],
      `${suggestion ? `did you mean '${suggestion}'? ` : 'remove it. '}Known fields: ${allowed.join(', ')}`,
    );
  }
}

/** The known key closest to `key` (one containing the other, or a case-insensitive edit distance of at most 3), for a "did you mean" hint. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  // Compared without case and punctuation, so the upstream spelling `nvidia.com/gpu` finds `nvidiaGpu`.
  const norm = (x: string) => x.toLowerCase().replace(/[^a-z0-9]/g, '');
  const k = norm(key);
  for (const candidate of known) {
    const c = norm(candidate);
    // A key inside a known one (`gpu` in `nvidiaGpu`) is closer than any one-letter typo (`gpu` / `cpu`).
    const d = c === k ? 0 : k !== '' && c !== '' && (c.includes(k) || k.includes(c)) ? 0.5 : editDistance(k, c);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** The Levenshtein distance of `a` and `b` (insertions, deletions and substitutions), for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/**
 * The keys of a props interface `T`, written as `{ key: true, ... }`: the
 * compiler checks that every key of `T` is listed and no other, so the list
 * given to {@link assertKnownKeys} cannot drift from the interface.
 *
 * ```ts
 * const KEYS = keysOf<Batcher>({ maxBatchSize: true, maxLatency: true, timeout: true });
 * ```
 */
export function keysOf<T>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(keys);
}
