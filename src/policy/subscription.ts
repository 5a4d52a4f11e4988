import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { isDnsLabel } from '../core/names';
import { checkProps, hasMethod, hasProperty, isPlainObject, optionalArray, requireArray } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import type { IPolicyRoute } from './policy-route';
import { RateLimit, TokenLimit } from './rate-limit';
import { describeTarget, isTierTarget, ITierTarget } from './tier-target';

/** The header a client names the subscription to count against in, when it holds several (see {@link Subscription}). */
export const DEFAULT_SUBSCRIPTION_HEADER = 'x-subscription';

/** One grant of a {@link Subscription}: models, with the budgets that apply to them. */
export interface SubscriptionGrant {
  /**
   * The models granted: routes (`HttpRoute`, `GrpcRoute`) or
   * `ModelEndpoint`s (an endpoint stands for all of its routes), each of
   * which the access policy must protect. At least one; a model may appear
   * in one grant of a subscription only.
   */
  readonly models: readonly ITierTarget[];
  /**
   * The token budgets of these models, at least one. Each counts per model
   * (policy `limitScope` ROUTE) per caller (policy `counterKey`); a
   * budget's `models` option narrows it to some of the grant's models.
   */
  readonly tokenLimits: readonly TokenLimit[];
  /**
   * Request limits of these models, counted in addition to the caller's
   * tier limits while the subscription is the one selected.
   * @default - none (only the tier's request limits)
   */
  readonly limits?: readonly RateLimit[];
}

/** Props of {@link Subscription}. */
export interface SubscriptionProps {
  /** What the subscription grants: models and their budgets. At least one grant. */
  readonly grants: readonly SubscriptionGrant[];
  /**
   * The order among the caller's subscriptions that grant the same model
   * when the request does not name one: the highest priority is counted.
   * Two subscriptions of one policy that grant the same model must differ
   * in priority (as MaaS's `SpecPriorityDuplicate` condition requires). An
   * integer from 0 to 1000000.
   * @default 0
   */
  readonly priority?: number;
}

/**
 * A subscription: a commercial entitlement that grants models, each with
 * its own token budgets (and optional request limits), as MaaS's
 * `MaaSSubscription` does (`spec.owner`, `spec.modelRefs[].tokenRateLimits`,
 * `spec.priority`). Tiers decide access (403); a subscription decides which
 * budget a request is counted against (429).
 *
 * **Where a caller's subscriptions come from** (one caller may hold
 * several, like MaaS owner groups): a JWT claim listing subscription names
 * (`JwtAuth` `subscriptionsClaim`, default `subscriptions`: a JSON list, or
 * one string of names separated by spaces or commas), or the API key
 * Secret's annotation `models.cdk8s.io/subscriptions` (names separated by
 * commas; `ApiKeyHolder.subscriptions` writes it), the way the tier comes
 * from a claim or the Secret's label. Names the policy does not define are
 * ignored.
 *
 * **Selection rule**, per request, among the subscriptions the caller
 * holds that grant the requested model (the route):
 * 1. When the request names one in the policy's `subscriptionHeader`
 *    (default `x-subscription`, MaaS's is `x-maas-subscription`), that one;
 *    a header naming a subscription the caller does not hold, or one that
 *    does not grant the model, is refused (403).
 * 2. Otherwise the one with the highest `priority` (unique per model,
 *    checked at synth).
 * 3. When the caller holds none that grants the model, the request is
 *    counted against its tier's token limits (the tier still decides
 *    access: a subscription never opens a model the tier refuses).
 *
 * Routes that serve no model (an endpoint's `GET /v1/models` list, a
 * target's `accessRoutes`) select no subscription and count no tokens.
 *
 * The selected subscription's token budgets replace the tier's for that
 * request; its request limits add to the tier's. Each budget counts per
 * caller (`counterKey`), per model (`limitScope` ROUTE).
 *
 * ```ts
 * const gold = new Subscription('gold', {
 *   priority: 10,
 *   grants: [{ models: [qwen, granite], tokenLimits: [TokenLimit.perDay(1_000_000), TokenLimit.perMinute(20_000, { models: [granite] })] }],
 * });
 * ```
 *
 * @see https://github.com/opendatahub-io/models-as-a-service/blob/main/maas-controller/README.md (MaaSSubscription, multi-subscription priority)
 */
export class Subscription {
  /** The grants, in declaration order. */
  public readonly grants: readonly SubscriptionGrant[];
  /** The priority among a caller's subscriptions (higher wins). */
  public readonly priority: number;

  public constructor(
    /** The subscription name, as it appears in claims, key annotations and the selection header: a DNS-1123 label. */
    public readonly name: string,
    props: SubscriptionProps,
  ) {
    checkProps(`Subscription '${String(name)}'`, props, 'SubscriptionProps');
    assertKnownKeys(`Subscription(${String(name)})`, '', props, keysOf<SubscriptionProps>({ grants: true, priority: true }));
    this.grants = props.grants;
    this.priority = props.priority ?? 0;
  }

  /** The routes the subscription grants (endpoints expanded), in declaration order. */
  public get routes(): readonly IPolicyRoute[] {
    return [...new Set(this.grantList().flatMap((g) => grantRoutes(g)))];
  }

  /** True when the subscription grants `route` (the same route object). */
  public grantsRoute(route: IPolicyRoute): boolean {
    return this.grantFor(route) !== undefined;
  }

  /** The grant that covers `route`, if any. */
  public grantFor(route: IPolicyRoute): SubscriptionGrant | undefined {
    return this.grantList().find((g) => grantRoutes(g).includes(route));
  }

  /** The request limits that apply to `route` while the subscription is selected (empty when not granted or none). */
  public limitsFor(route: IPolicyRoute): readonly RateLimit[] {
    return this.grantFor(route)?.limits ?? [];
  }

  /**
   * Checks the subscription: a DNS-label name, an integer priority from 0
   * to 1000000, at least one grant, each with at least one model (routes or
   * ModelEndpoints, not strings) and one token budget (positive, with
   * `models` among the grant's), positive request limits with one per
   * unit, and no model in two grants.
   *
   * @throws ModelServingError naming the subscription and field
   */
  public check(scope: IConstruct | string, field: string): void {
    if (typeof this.name !== 'string' || !isDnsLabel(this.name)) {
      invalid(scope, `${field}.name`, 'must be a DNS-1123 label (it becomes a claim value, a key annotation value and a counter key)', this.name, 'use a name such as "gold"');
    }
    const f = `${field}(${this.name})`;
    if (typeof this.priority !== 'number' || !Number.isInteger(this.priority) || this.priority < 0 || this.priority > 1_000_000) {
      invalid(scope, `${f}.priority`, 'must be an integer from 0 to 1000000', this.priority, 'use e.g. priority: 10 (higher wins when a caller holds several)');
    }
    requireArray(scope, `${f}.grants`, this.grants, isPlainObject, 'a grant object', 'pass grants: [{ models: [endpoint], tokenLimits: [TokenLimit.perDay(100000)] }]');
    if (this.grants.length === 0) invalid(scope, `${f}.grants`, 'is empty: the subscription grants nothing', [], 'pass grants: [{ models: [endpoint], tokenLimits: [TokenLimit.perDay(100000)] }]');
    const seen = new Map<IPolicyRoute, number>();
    this.grants.forEach((g, i) => {
      const gf = `${f}.grants[${i}]`;
      assertKnownKeys(scope, gf, g, keysOf<SubscriptionGrant>({ models: true, tokenLimits: true, limits: true }));
      requireArray(scope, `${gf}.models`, g.models, (_v): _v is unknown => true, 'a route or ModelEndpoint', 'pass models: [endpoint]');
      if (g.models.length === 0) invalid(scope, `${gf}.models`, 'is empty: the grant covers no model', [], 'pass models: [endpoint] (the ModelEndpoint, HttpRoute or GrpcRoute objects)');
      g.models.forEach((m, j) => {
        if (typeof m === 'string') invalid(scope, `${gf}.models[${j}]`, 'names a model by a string; subscriptions refer to the route or ModelEndpoint object itself', m, `pass the object instead of its name: the ModelEndpoint (or HttpRoute, GrpcRoute) that serves '${m}'`);
        if (!isTierTarget(m)) invalid(scope, `${gf}.models[${j}]`, 'must be a route (HttpRoute, GrpcRoute) or a ModelEndpoint', describeTarget(m), 'pass the construct the subscription grants');
      });
      requireArray(scope, `${gf}.tokenLimits`, g.tokenLimits, (v): v is TokenLimit => hasMethod(v, 'check') && hasProperty(v, 'tokensPerUnit'), 'a TokenLimit', 'pass tokenLimits: [TokenLimit.perDay(100000)]');
      if (g.tokenLimits.length === 0) invalid(scope, `${gf}.tokenLimits`, 'is empty: a subscription grant carries the budgets of its models', [], 'pass tokenLimits: [TokenLimit.perDay(100000)], or grant the model through a tier instead');
      optionalArray(scope, `${gf}.limits`, g.limits, (v): v is RateLimit => hasMethod(v, 'check') && hasProperty(v, 'requestsPerUnit'), 'a RateLimit', 'pass limits: [RateLimit.perMinute(100)]');
      const routes = grantRoutes(g);
      g.tokenLimits.forEach((l, j) => {
        l.check(scope, `${gf}.tokenLimits[${j}]`);
        for (const r of l.routes ?? []) {
          if (!routes.includes(r)) invalid(scope, `${gf}.tokenLimits[${j}].models`, "names a model the grant does not include (a budget applies only to the grant's own models)", r.routeName, `add it to the grant's models, or name one of: ${routes.map((x) => x.routeName).join(', ')}`);
        }
      });
      (g.limits ?? []).forEach((l, j) => l.check(scope, `${gf}.limits[${j}]`));
      const units = (g.limits ?? []).map((l) => l.unit);
      if (new Set(units).size !== units.length) invalid(scope, `${gf}.limits`, 'has two limits for the same unit', (g.limits ?? []).map(String), 'keep one limit per unit');
      for (const r of routes) {
        const other = seen.get(r);
        if (other !== undefined && other !== i) invalid(scope, `${gf}.models`, `grants '${r.routeName}', which grants[${other}] grants already: a model has one set of budgets per subscription`, r.routeName, 'merge the budgets of that model into one grant');
        seen.set(r, i);
      }
    });
  }

  private grantList(): readonly SubscriptionGrant[] {
    return Array.isArray(this.grants) ? this.grants : [];
  }
}

/** The routes of a grant (endpoints expanded). */
function grantRoutes(g: SubscriptionGrant): readonly IPolicyRoute[] {
  return Array.isArray(g.models) ? g.models.filter(isTierTarget).flatMap((m) => m.tierRoutes) : [];
}
