import { IConstruct } from 'constructs';
import { invalid } from '../../core/errors';
import { checkedRecord } from '../../core/records';

/** The pattern of a rate `window` in the Kuadrant CRDs (Go-like durations without days). */
export const WINDOW_PATTERN = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

/**
 * One rate of a limit (`rates[]`): at most `limit` hits per `window`.
 *
 * @see https://docs.kuadrant.io/latest/kuadrant-operator/doc/reference/ratelimitpolicy/#rate
 */
export interface Rate {
  /** `limit`: hits allowed per window (requests, or tokens for a TokenRateLimitPolicy); an integer >= 0 (0 refuses every hit). */
  readonly limit: number;
  /** `window`: e.g. `30s`, `1m`, `24h`, `1h30m`; units h, m, s, ms (no days: write `24h`). */
  readonly window: string;
}

/**
 * A limit definition (`limits.<name>`): its rates, the conditions that
 * activate it, and the expressions that qualify its counters.
 *
 * ```ts
 * { rates: [{ limit: 100, window: '1m' }], when: ['auth.identity.tier == "basic"'], counters: ['auth.identity.userid'] }
 * ```
 *
 * @see https://docs.kuadrant.io/latest/kuadrant-operator/doc/reference/ratelimitpolicy/#limit
 */
export interface Limit {
  /** `rates`: at least one. */
  readonly rates: readonly Rate[];
  /**
   * `when[].predicate`: CEL predicates over Kuadrant's well-known attributes
   * (`request.*`, `source.*`, `auth.identity.*`); all must hold.
   * @default - the limit applies to every request of the target
   */
  readonly when?: readonly string[];
  /**
   * `counters[].expression`: CEL expressions whose values qualify the
   * counter (one counter per distinct value, e.g. `auth.identity.userid`).
   * @default - one counter shared by every request the limit applies to
   */
  readonly counters?: readonly string[];
}

/** A limit as the CRDs render it. */
export interface RenderedLimit {
  /** `rates[]`. */
  readonly rates: Array<{ readonly limit: number; readonly window: string }>;
  /** `when[]`, absent when the limit applies to every request. */
  readonly when?: Array<{ readonly predicate: string }>;
  /** `counters[]`, absent for one shared counter. */
  readonly counters?: Array<{ readonly expression: string }>;
}

/**
 * Checks CEL predicates (`when[].predicate`): non-empty strings.
 *
 * @throws ModelServingError naming the first bad predicate
 */
export function checkPredicates(scope: IConstruct, field: string, predicates: readonly string[] | undefined): void {
  predicates?.forEach((p, i) => {
    if (typeof p !== 'string' || p.trim() === '') invalid(scope, `${field}[${i}]`, 'must be a non-empty CEL predicate', p, "write a boolean expression such as 'request.method == \"GET\"'");
  });
}

/** Renders predicates as `[{ predicate }]`, or undefined for none. */
export function renderPredicates(predicates: readonly string[] | undefined): Array<{ readonly predicate: string }> | undefined {
  return predicates && predicates.length > 0 ? predicates.map((predicate) => ({ predicate })) : undefined;
}

/** Seconds in a valid `window`, e.g. `1h30m` → 5400. */
export function windowSeconds(window: string): number {
  let total = 0;
  for (const m of window.matchAll(/([0-9]+)(ms|h|m|s)/g)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000;
  }
  return total;
}

/**
 * The named limits of a RateLimitPolicy or TokenRateLimitPolicy: checked when
 * added, rendered sorted by name.
 */
export class LimitSet {
  private readonly limits = new Map<string, Limit>();

  public constructor(private readonly owner: IConstruct) {}

  /** The number of limits. */
  public get size(): number {
    return this.limits.size;
  }

  /**
   * Adds limit `name`.
   *
   * @throws ModelServingError for a duplicate or bad name, no rates, a negative or fractional limit, a window not matching the CRD pattern or zero, an empty predicate or counter
   * @returns the limit
   */
  public add(name: string, limit: Limit): Limit {
    const field = `limits.${name}`;
    if (typeof name !== 'string' || !/^[A-Za-z0-9]([-_.A-Za-z0-9]{0,251}[A-Za-z0-9])?$/.test(name)) {
      invalid(this.owner, 'limits', 'needs names of letters, digits, "-", "_" or "." (at most 253 characters)', name, 'name limits like "basic" or "per-user"');
    }
    checkedRecord(this.owner, 'limits', { [name]: limit });
    if (this.limits.has(name)) invalid(this.owner, field, 'is defined twice', name, 'give each limit a unique name');
    if (!limit.rates || limit.rates.length === 0) invalid(this.owner, `${field}.rates`, 'must have at least one rate', [], "pass rates: [{ limit: 100, window: '1m' }]");
    limit.rates.forEach((r, i) => {
      if (typeof r.limit !== 'number' || !Number.isSafeInteger(r.limit) || r.limit < 0) {
        invalid(this.owner, `${field}.rates[${i}].limit`, 'must be an integer >= 0', r.limit, 'use a whole number of hits per window (0 refuses every hit)');
      }
      if (typeof r.window !== 'string' || !WINDOW_PATTERN.test(r.window)) {
        invalid(this.owner, `${field}.rates[${i}].window`, "must match ^([0-9]{1,5}(h|m|s|ms)){1,4}$ (units h, m, s, ms; no days)", r.window, "write e.g. '1m', '30s' or '24h' for a day");
      }
      if (windowSeconds(r.window) <= 0) invalid(this.owner, `${field}.rates[${i}].window`, 'must be longer than zero', r.window, "use e.g. '1s'");
    });
    checkPredicates(this.owner, `${field}.when`, limit.when);
    limit.counters?.forEach((c, i) => {
      if (typeof c !== 'string' || c.trim() === '') invalid(this.owner, `${field}.counters[${i}]`, 'must be a non-empty CEL expression', c, 'use e.g. auth.identity.userid');
    });
    this.limits.set(name, limit);
    return limit;
  }

  /** The limits as the CRDs render them, sorted by name; undefined when empty. */
  public render(): Record<string, RenderedLimit> | undefined {
    if (this.limits.size === 0) return undefined;
    const out: Record<string, RenderedLimit> = {};
    for (const name of [...this.limits.keys()].sort()) {
      const l = this.limits.get(name)!;
      out[name] = {
        rates: l.rates.map((r) => ({ limit: r.limit, window: r.window })),
        when: renderPredicates(l.when),
        counters: l.counters && l.counters.length > 0 ? l.counters.map((expression) => ({ expression })) : undefined,
      };
    }
    return out;
  }
}
