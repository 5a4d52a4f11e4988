import { AI_GATEWAY_MODEL_HEADER, AIGatewayRoute } from '../../aigateway/ai-gateway-route';
import type { AccessPolicy } from '../access-policy';
import type { ApiKeyHolder } from '../authentication';
import type { IPolicyRoute } from '../policy-route';
import type { Subscription } from '../subscription';
import { subscriptionsGranting } from '../token-budget';
import type { Tier } from '../tier';
import { HeaderSelector } from './rate-limit-selector';
import type { AuthorizationRule } from './security-policy';

/**
 * Subscriptions on Envoy Gateway, compiled per API-key holder: the holders
 * and their subscriptions are known at synth time, so the selection rule of
 * `Subscription` (the subscription named in the request header, else the
 * holder's highest priority one granting the model, else the tier's
 * budgets) is resolved here for each (holder, model) and written as
 * conditions on the headers Envoy sees when it rate-limits:
 *
 * - the client id, which Envoy's `api_key_auth` filter sets with
 *   `headers.setCopy` (replacing any value the client sent) before RBAC and
 *   rate limiting run (envoyproxy/envoy
 *   source/extensions/filters/http/api_key_auth/api_key_auth.cc
 *   `ApiKeyAuthFilter::decodeHeaders`; filter order api_key_auth 7, rbac
 *   301, ratelimit 303 in envoyproxy/gateway v1.9.0
 *   internal/xds/translator/httpfilters.go `newOrderedHTTPFilter`);
 * - the model, `x-ai-eg-model`, set by Envoy AI Gateway from the body;
 * - the subscription header, sent by the client: the SecurityPolicy refuses
 *   (403, RBAC runs before the rate limit) every value that does not name a
 *   subscription the holder holds and that grants the model, so the rate
 *   limit only sees valid values or none.
 *
 * Envoy Gateway turns a `RegularExpression` or `Exact` header selector into a
 * `header_value_match` action whose `expect_match` is false when `invert` is
 * set, and a `Distinct` one into a `request_headers` action (envoyproxy/gateway
 * v1.9.0 internal/xds/translator/ratelimit.go
 * `buildHeaderMatchRateLimitActions`). Envoy's header matcher does not match
 * an absent header (source/common/http/header_utility.cc `matchHeaders`), so
 * an inverted selector holds when the header is absent or its value does not
 * match; a `request_headers` action on an absent header drops the rule for
 * that request (source/common/router/router_ratelimit.cc). Each rule is its
 * own bucket, so the requests one holder makes against one budget must meet
 * exactly one rule per route (and per policy with `LimitScope.GATEWAY`).
 */

/** The subscriptions a holder holds. */
export function heldSubscriptions(holder: ApiKeyHolder): readonly Subscription[] {
  return holder.subscriptions ?? [];
}

/** The subscription counted for `holder`'s requests to `route` that name none: its highest priority one granting the route. */
export function defaultSubscription(holder: ApiKeyHolder, route: IPolicyRoute): Subscription | undefined {
  return subscriptionsGranting(heldSubscriptions(holder), route)[0];
}

/** A regular expression matching exactly one of `values`. */
export function exactlyOneOf(values: readonly string[]): string {
  return `^(${values.map(escapeRe2).join('|')})$`;
}

/**
 * The longest value of a rate-limit header condition Envoy Gateway accepts
 * (envoyproxy/gateway v1.9.0 api/v1alpha1/ratelimit_types.go `HeaderMatch.Value`,
 * `MaxLength=1024`).
 */
export const MAX_HEADER_MATCH_VALUE = 1024;

/**
 * `render` of consecutive slices of `values` (strings, routes), each as long as fits in
 * {@link MAX_HEADER_MATCH_VALUE} characters (one slice when all fit; a value
 * too long alone gets its own slice, which the selector then refuses). The
 * slices' conditions together select exactly what one condition on all
 * values would, and each value meets one of them: a rule split over them
 * counts a holder's (or a model's) requests in one bucket, as the whole rule
 * would per holder and per route.
 */
export function fittingSlices<T>(values: readonly T[], render: (slice: readonly T[]) => string): string[] {
  const slices: T[][] = [];
  let current: T[] = [];
  for (const v of values) {
    if (current.length > 0 && render([...current, v]).length > MAX_HEADER_MATCH_VALUE) {
      slices.push(current);
      current = [];
    }
    current.push(v);
  }
  if (current.length > 0) slices.push(current);
  return slices.map(render);
}

/** The conditions selecting the requests of `clientIds`, in as many rules as {@link fittingSlices} needs. */
export function clientSelectors(clientIdHeader: string, clientIds: readonly string[]): HeaderSelector[] {
  return fittingSlices(clientIds, exactlyOneOf).map((p) => HeaderSelector.regex(clientIdHeader, p));
}

function escapeRe2(v: string): string {
  return v.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A regular expression matching every value except `s` (RE2 has no
 * look-ahead): a proper prefix of `s`, a value that leaves `s` at some
 * character, or `s` followed by more. Inverted, it selects requests
 * without the header or with exactly `s`.
 */
export function anyValueBut(s: string): string {
  let tail = '.+';
  for (let i = s.length - 1; i >= 0; i--) {
    const c = escapeRe2(s[i]!);
    tail = `(?:[^${c}].*|${c}${tail})?`;
  }
  return `^${tail}$`;
}

/**
 * The conditions selecting the requests whose model is one of `routes`'
 * models, in as many rules as {@link fittingSlices} needs; the models of one
 * route stay in one rule (with LimitScope.ROUTE a rule is one bucket per
 * route, which two rules would split).
 */
export function modelSelectors(routes: readonly AIGatewayRoute[]): HeaderSelector[] {
  const models = (rs: readonly AIGatewayRoute[]) => exactlyOneOf([...new Set(rs.flatMap((r) => r.models ?? []))].sort());
  return fittingSlices(routes, models).map((p) => HeaderSelector.regex(AI_GATEWAY_MODEL_HEADER, p));
}

/** Holders that share the routes a rule selects for them, and those routes. */
export interface HolderGroup {
  /** The holders' client ids, sorted. */
  readonly clientIds: readonly string[];
  /** The routes, sorted by name. */
  readonly routes: readonly AIGatewayRoute[];
}

/** Holders grouped by `routesOf` (holders with no route are left out), by first client id. */
function groupBy(holders: readonly ApiKeyHolder[], routesOf: (h: ApiKeyHolder) => readonly AIGatewayRoute[]): HolderGroup[] {
  const groups = new Map<string, { clientIds: string[]; routes: AIGatewayRoute[] }>();
  for (const h of [...holders].sort((a, b) => a.userId.localeCompare(b.userId))) {
    const routes = [...routesOf(h)].sort((a, b) => a.routeName.localeCompare(b.routeName));
    if (routes.length === 0) continue;
    const key = routes.map((r) => r.routeName).join('\u0000');
    const g = groups.get(key) ?? { clientIds: [], routes };
    g.clientIds.push(h.userId);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/**
 * The members of `tier` grouped by the routes of a tier budget (`routes`)
 * on which no subscription counts their requests: a holder holding a
 * subscription that grants a route is counted by a subscription there (its
 * default without the header; the one named, or 403, with it), never by the
 * tier. Members subscribed on every route are left out.
 */
export function tierBudgetGroups(holders: readonly ApiKeyHolder[], tier: Tier, routes: readonly AIGatewayRoute[]): HolderGroup[] {
  return groupBy(
    holders.filter((h) => h.tier === tier.name),
    (h) => routes.filter((r) => defaultSubscription(h, r) === undefined),
  );
}

/** Holders of a subscription grouped by how its budget on `routes` selects their requests. */
export interface SubscriptionGroups {
  /** Routes where the subscription is the holders' default: counted without the header or with the header naming it. */
  readonly byDefault: readonly HolderGroup[];
  /** Routes where another subscription is the holders' default: counted only with the header naming it. */
  readonly byHeader: readonly HolderGroup[];
}

/** The holders of `subscription`, grouped for one of its budgets on `routes` (routes it grants). */
export function subscriptionBudgetGroups(holders: readonly ApiKeyHolder[], subscription: Subscription, routes: readonly AIGatewayRoute[]): SubscriptionGroups {
  const holding = holders.filter((h) => heldSubscriptions(h).includes(subscription));
  return {
    byDefault: groupBy(holding, (h) => routes.filter((r) => defaultSubscription(h, r) === subscription)),
    byHeader: groupBy(holding, (h) => routes.filter((r) => defaultSubscription(h, r) !== subscription)),
  };
}

/**
 * The header conditions of a subscription's rules, one list per rule: the
 * client ids (`clients`, from {@link clientSelectors}), the models
 * (`models`, from {@link modelSelectors}), the header naming it (or absent,
 * when `byDefault`). One rule unless the client ids or the models need
 * several ({@link fittingSlices}).
 */
export function subscriptionSelectors(policy: AccessPolicy, subscription: Subscription, byDefault: boolean, clients: readonly HeaderSelector[], models: readonly HeaderSelector[]): HeaderSelector[][] {
  const named = byDefault ? HeaderSelector.regex(policy.subscriptionHeader, anyValueBut(subscription.name), { invert: true }) : HeaderSelector.exact(policy.subscriptionHeader, subscription.name);
  return clients.flatMap((who) => models.map((model) => [who, model, named]));
}

/** The name of the rule refusing a subscription header the caller may not use. */
export const REFUSE_SUBSCRIPTION_HEADER_RULE = 'refuse-subscription-header';

/**
 * The authorization rules of a model route when the policy has
 * subscriptions, in order (first match decides, envoyproxy/gateway v1.9.0
 * api/v1alpha1/authorization_types.go; translated in order into one RBAC
 * matcher list, internal/xds/translator/authorization.go):
 *
 * 1. for each subscription granting the route and each tier rule, an Allow
 *    for the tier's members holding it who name it in the header;
 * 2. for each subscription granting the route, a Deny `<name>:other-tiers` for its
 *    other holders naming it: their tier may not call the model (the tier
 *    decides access; the header is valid);
 * 3. `refuse-subscription-header`, a Deny (403) of every other request
 *    carrying the header: a subscription the caller does not hold, or one
 *    that does not grant the model;
 * 4. the tier rules, for requests without the header.
 *
 * `tierRules` are the route's tier rules (principal
 * `{ headers: { <client id header>: members } }`) with their tier.
 */
export function subscriptionAuthorizationRules(
  policy: AccessPolicy,
  route: IPolicyRoute,
  clientIdHeader: string,
  holders: readonly ApiKeyHolder[],
  tierRules: readonly (AuthorizationRule & { readonly tier: Tier })[],
): AuthorizationRule[] {
  const allow: AuthorizationRule[] = [];
  const deny: AuthorizationRule[] = [];
  const granting = [...policy.subscriptionsFor(route)].sort((a, b) => a.name.localeCompare(b.name));
  const holding = (s: Subscription) => holders.filter((h) => heldSubscriptions(h).includes(s));
  for (const s of granting) {
    for (const { tier, ...rule } of tierRules) {
      const ids = holding(s).filter((h) => h.tier === tier.name).map((h) => h.userId).sort();
      if (ids.length > 0) allow.push({ ...rule, name: `${rule.name}/${s.name}`, principal: { headers: { [clientIdHeader]: ids, [policy.subscriptionHeader]: [s.name] } } });
    }
    const ids = holding(s).map((h) => h.userId).sort();
    if (ids.length > 0) deny.push({ name: `${s.name}:other-tiers`, action: 'Deny', principal: { headers: { [clientIdHeader]: ids, [policy.subscriptionHeader]: [s.name] } } });
  }
  const refuse: AuthorizationRule = { name: REFUSE_SUBSCRIPTION_HEADER_RULE, action: 'Deny', cel: `'${policy.subscriptionHeader}' in request.headers` };
  return [...allow, ...deny, refuse, ...tierRules.map(({ tier: _tier, ...rule }) => rule)];
}
