import type { IPolicyRoute } from './policy-route';
import type { TokenLimit } from './rate-limit';
import type { Subscription } from './subscription';
import type { Tier } from './tier';

/**
 * One effective token budget of an access intent: which holder (a tier or a
 * subscription) it belongs to, the model (route) it counts on, and the
 * limit (how many tokens of which kind per which window). This is what
 * engine compilers translate, one budget per (holder, route, limit); see
 * `AccessPolicy.tokenBudgets()`.
 *
 * A tier's budget counts the requests of its members that no subscription
 * is selected for; a subscription's counts the requests it is selected for
 * (see {@link Subscription} for the selection rule). Either counts per the
 * policy's `counterKey` and, for each route, within its `limitScope`.
 */
export interface TokenBudget {
  /** `tier` or `subscription`. */
  readonly holderKind: 'tier' | 'subscription';
  /** The tier or the subscription. */
  readonly holder: Tier | Subscription;
  /** The model (route) counted. */
  readonly route: IPolicyRoute;
  /** The limit: `tokensPerUnit`, `unit`, `counts`. */
  readonly limit: TokenLimit;
  /** Where the limit is declared, for errors: `tiers(free).tokenLimits[0]`, `subscriptions(gold).grants[0].tokenLimits[1]`. */
  readonly field: string;
}

/**
 * The subscriptions that grant `route`, in selection order: highest
 * priority first (priorities are unique per route, checked by the policy).
 */
export function subscriptionsGranting(subscriptions: readonly Subscription[], route: IPolicyRoute): readonly Subscription[] {
  return subscriptions.filter((s) => s.grantsRoute(route)).sort((a, b) => b.priority - a.priority);
}

/**
 * The effective token budgets on `routes`: for each route, the token limits
 * of each tier that may call it (its own limits, not inherited ones, that
 * apply to the route), then those of each subscription that grants it, in
 * selection order.
 */
export function effectiveTokenBudgets(routes: readonly IPolicyRoute[], tiers: readonly Tier[], subscriptions: readonly Subscription[]): readonly TokenBudget[] {
  const out: TokenBudget[] = [];
  for (const route of routes) {
    for (const t of tiers) {
      if (!t.allows(route)) continue;
      t.tokenLimits.forEach((limit, i) => {
        if (limit.appliesTo(route)) out.push({ holderKind: 'tier', holder: t, route, limit, field: `tiers(${t.name}).tokenLimits[${i}]` });
      });
    }
    for (const s of subscriptionsGranting(subscriptions, route)) {
      const grant = s.grantFor(route)!;
      const gi = s.grants.indexOf(grant);
      grant.tokenLimits.forEach((limit, i) => {
        if (limit.appliesTo(route)) out.push({ holderKind: 'subscription', holder: s, route, limit, field: `subscriptions(${s.name}).grants[${gi}].tokenLimits[${i}]` });
      });
    }
  }
  return out;
}
