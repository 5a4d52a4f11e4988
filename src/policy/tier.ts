import { IConstruct } from 'constructs';
import type { IPolicyRoute } from './policy-route';
import { invalid } from '../core/errors';
import { isDnsLabel } from '../core/names';
import { assertKnownKeys, keysOf } from '../core/props';
import { assertHttpMethods, HttpMethod } from '../routing/match';
import { RateLimit, TokenLimit } from './rate-limit';
import { checkProps, hasMethod, hasProperty, isString, optionalArray, requireArray } from '../core/prop-types';
import { assertSafePath } from '../core/url-path';
import { describeTarget, isTierTarget, ITierTarget } from './tier-target';

/** Props of {@link Tier}. */
export interface TierProps {
  /**
   * Request limits. A tier must either have at least one limit or be
   * declared `unlimited: true`.
   * @default - none
   */
  readonly limits?: readonly RateLimit[];
  /**
   * LLM token budgets (for LLM routes): each counts the tokens of the kind
   * it names (`TokenCount`, total by default) per caller, per model it
   * applies to (`TokenLimit` option `models`, default every model the tier
   * may call, inherited ones included). They apply to requests no
   * subscription is selected for (see `Subscription`). Not inherited.
   * @default - none
   */
  readonly tokenLimits?: readonly TokenLimit[];
  /** No request limits on purpose (e.g. administrators). @default false */
  readonly unlimited?: boolean;
  /**
   * The models this tier may call, in addition to those of the tier it
   * inherits: the routes (`HttpRoute`, `GrpcRoute`) or `ModelEndpoint`s
   * themselves (an endpoint stands for all of its routes), each of which the
   * access policy must protect. `'*'` means every route of the policy.
   * @default '*'
   */
  readonly models?: readonly ITierTarget[] | '*';
  /** HTTP methods allowed. @default - every method */
  readonly methods?: readonly HttpMethod[];
  /**
   * Path prefixes allowed (e.g. `/v1/models`), matched on whole path segments
   * as Gateway API `PathPrefix` does: `/v1` allows `/v1` and `/v1/x`, not `/v1beta`.
   * @default - every path of the allowed routes
   */
  readonly pathPrefixes?: readonly string[];
  /**
   * The tier below this one in the hierarchy (e.g. `premium` inherits
   * `basic`): this tier may call everything the inherited one may.
   * Limits are not inherited.
   * @default - none
   */
  readonly inherits?: Tier;
}

export { isTierTarget } from './tier-target';
export type { ITierTarget } from './tier-target';

/**
 * A tier of callers (also used as a role): what its members may call and how
 * often. A caller's tier comes from a JWT claim or from its API key's
 * metadata; a caller without a known tier is refused (403).
 *
 * ```ts
 * const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)], models: [iris] });        // a ModelEndpoint or route
 * const premium = new Tier('premium', { limits: [RateLimit.perMinute(1000)], models: [mnist], inherits: basic });
 * const admin = new Tier('admin', { unlimited: true, models: '*', inherits: premium });
 * ```
 */
export class Tier {
  /** Request limits. */
  public readonly limits: readonly RateLimit[];
  /** Token budgets (see {@link TierProps.tokenLimits}). */
  public readonly tokenLimits: readonly TokenLimit[];
  /** True when the tier has no request limits on purpose. */
  public readonly unlimited: boolean;
  /** The inherited tier. */
  public readonly inherits?: Tier;
  private readonly ownModels: readonly ITierTarget[] | '*';
  /** HTTP methods allowed (undefined: all). */
  public readonly methods?: readonly HttpMethod[];
  /** Path prefixes allowed (undefined: all). */
  public readonly pathPrefixes?: readonly string[];

  public constructor(
    /** The tier name, as it appears in claims and key labels: a DNS-1123 label. */
    public readonly name: string,
    props: TierProps = {},
  ) {
    checkProps(`Tier '${String(name)}'`, props, 'TierProps');
    assertKnownKeys(`Tier(${String(name)})`, '', props, keysOf<TierProps>({ limits: true, tokenLimits: true, unlimited: true, models: true, methods: true, pathPrefixes: true, inherits: true }));
    this.limits = props.limits ?? [];
    this.tokenLimits = props.tokenLimits ?? [];
    this.unlimited = props.unlimited ?? false;
    this.inherits = props.inherits;
    this.ownModels = props.models ?? '*';
    this.methods = props.methods;
    this.pathPrefixes = props.pathPrefixes;
  }

  /**
   * The routes this tier may call, its own plus inherited ones (each
   * endpoint expanded to its routes); `'*'` when any.
   */
  public get models(): readonly IPolicyRoute[] | '*' {
    const chain: Tier[] = [];
    for (let t: Tier | undefined = this; t; t = t.inherits) {
      if (chain.includes(t)) break;
      chain.push(t);
    }
    if (chain.some((t) => t.ownModels === '*')) return '*';
    return [...new Set(chain.flatMap((t) => (Array.isArray(t.ownModels) ? t.ownModels.filter(isTierTarget).flatMap((m) => m.tierRoutes) : [])))];
  }

  /** The tier's own targets (routes and endpoints), not the inherited ones; `'*'` when any. */
  public get ownTargets(): readonly ITierTarget[] | '*' {
    return this.ownModels;
  }

  /** True when the tier may call `route` (the same route object). */
  public allows(route: IPolicyRoute): boolean {
    const m = this.models;
    return m === '*' || m.includes(route);
  }

  /**
   * Checks the tier: a DNS-label name, positive limits, limits or `unlimited`
   * (not both), no inheritance cycle, valid path prefixes.
   *
   * @throws ModelServingError naming the tier and field
   */
  public check(scope: IConstruct | string, field: string): void {
    if (typeof this.name !== 'string' || !isDnsLabel(this.name)) {
      invalid(scope, `${field}.name`, 'must be a DNS-1123 label (it becomes a label value and a counter key)', this.name, 'use a name such as "premium"');
    }
    for (const [key, list, example] of [
      ['limits', this.limits, 'RateLimit.perMinute(100)'],
      ['tokenLimits', this.tokenLimits, 'TokenLimit.perMinute(10000)'],
    ] as const) {
      if (!Array.isArray(list)) invalid(scope, `${field}(${this.name}).${key}`, 'must be a list', list, `pass ${key}: [${example}]`);
    }
    const own = this.ownModels;
    if (own !== '*') {
      if (!Array.isArray(own)) invalid(scope, `${field}(${this.name}).models`, "must be '*' or a list of routes or ModelEndpoints", own, "pass models: [irisEndpoint] (the ModelEndpoint, HttpRoute or GrpcRoute objects) or models: '*'");
      own.forEach((m, i) => {
        if (typeof m === 'string') {
          invalid(scope, `${field}(${this.name}).models[${i}]`, 'names a model by a string; tiers refer to the route or ModelEndpoint object itself', m, `pass the object instead of its name: models: [endpoint], where endpoint is the ModelEndpoint (or HttpRoute, GrpcRoute) that serves '${m}'`);
        }
        if (!isTierTarget(m)) invalid(scope, `${field}(${this.name}).models[${i}]`, 'must be a route (HttpRoute, GrpcRoute) or a ModelEndpoint', describeTarget(m), 'pass the construct the tier may call');
      });
    }
    if (this.inherits !== undefined && !(this.inherits instanceof Tier)) invalid(scope, `${field}(${this.name}).inherits`, 'must be a Tier', this.inherits, 'pass the Tier object, e.g. inherits: basic');
    if (this.unlimited && this.limits.length > 0) {
      invalid(scope, `${field}(${this.name}).unlimited`, 'contradicts the request limits given', this.limits.map(String), 'drop unlimited or the limits');
    }
    if (!this.unlimited && this.limits.length === 0) {
      invalid(scope, `${field}(${this.name}).limits`, 'are missing: a tier needs at least one request limit, or unlimited: true on purpose', [], `pass limits: [RateLimit.perMinute(100)] (or unlimited: true) to tier '${this.name}'`);
    }
    requireArray(scope, `${field}(${this.name}).limits`, this.limits, (v): v is RateLimit => hasMethod(v, 'check') && hasProperty(v, 'unit'), 'a RateLimit', 'pass limits: [RateLimit.perMinute(100)]');
    requireArray(scope, `${field}(${this.name}).tokenLimits`, this.tokenLimits, (v): v is TokenLimit => hasMethod(v, 'check'), 'a TokenLimit', 'pass tokenLimits: [TokenLimit.perMinute(10000)]');
    optionalArray(scope, `${field}(${this.name}).methods`, this.methods, isString, 'an HTTP method', "pass methods: ['GET', 'POST']");
    optionalArray(scope, `${field}(${this.name}).pathPrefixes`, this.pathPrefixes, isString, 'a string', "pass pathPrefixes: ['/v1/models']");
    this.limits.forEach((l, i) => l.check(scope, `${field}(${this.name}).limits[${i}]`));
    this.tokenLimits.forEach((l, i) => {
      l.check(scope, `${field}(${this.name}).tokenLimits[${i}]`);
      for (const r of l.routes ?? []) {
        if (!this.allows(r)) invalid(scope, `${field}(${this.name}).tokenLimits[${i}].models`, `names a model tier '${this.name}' may not call (a budget applies only to the tier's own models)`, r.routeName, "add the model to the tier's models, or leave it out of the budget");
      }
    });
    const units = this.limits.map((l) => l.unit);
    if (new Set(units).size !== units.length) invalid(scope, `${field}(${this.name}).limits`, 'has two limits for the same unit', this.limits.map(String), 'keep one limit per unit');
    const seen: Tier[] = [];
    for (let t: Tier | undefined = this; t; t = t.inherits) {
      if (seen.includes(t)) invalid(scope, `${field}(${this.name}).inherits`, 'forms a cycle', seen.map((x) => x.name), 'make the hierarchy a chain (admin > premium > basic)');
      seen.push(t);
    }
    if (this.methods !== undefined) {
      if (!Array.isArray(this.methods) || this.methods.length === 0) invalid(scope, `${field}(${this.name}).methods`, 'must be a non-empty list of HTTP methods (omit it for every method)', this.methods, "pass methods: ['GET', 'POST']");
      assertHttpMethods(scope, `${field}(${this.name}).methods`, this.methods);
    }
    this.pathPrefixes?.forEach((p, i) => {
      if (!p.startsWith('/')) invalid(scope, `${field}(${this.name}).pathPrefixes[${i}]`, "must start with '/'", p, 'use an absolute path prefix');
      assertSafePath(scope, `${field}(${this.name}).pathPrefixes[${i}]`, p, "write the normalized prefix, e.g. '/qwen3/v1'");
    });
  }
}
