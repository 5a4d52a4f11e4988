/**
 * Reads compiled token budgets back into provider-neutral facts, for tests
 * that compile one access intent for several engines and compare each
 * engine's output with the intent (and with each other):
 *
 * - {@link BudgetEntry}: which holder (tier or subscription) gets which
 *   token limit on which model route, counting which tokens, per which window.
 * - {@link BudgetCaller} / `budgetsFor`: which budgets count one caller's
 *   request to one route after subscription selection, or `'refused'` when
 *   the selection header is refused (403).
 *
 * `intentBudgets` / `intentBudgetsFor` state what the intent means (the
 * expectations); a {@link BudgetReader} per engine reads the same out of its
 * objects. The Kuadrant reader is here; other engines add theirs (same
 * shapes) next to it.
 */
import { isCelError, run } from '@bufbuild/cel';
import { KubeObject } from '../../src/delivery/manifest';
import { AccessPolicy } from '../../src/policy/access-policy';
import { windowSeconds } from '../../src/policy/kuadrant/limit';
import { SECONDS_PER_UNIT, TokenCount } from '../../src/policy/rate-limit';
import { Subscription } from '../../src/policy/subscription';

/** One token budget, provider-neutral. */
export interface BudgetEntry {
  /** Who holds the budget. */
  readonly holderKind: 'tier' | 'subscription';
  /** The tier or subscription name. */
  readonly holder: string;
  /** The model route (`HTTPRoute` name) counted. */
  readonly route: string;
  /** Which tokens count: `total`, `input`, `output`, `cached-input` (the values of TokenCount). */
  readonly counts: `${TokenCount}`;
  /** Tokens allowed per window. */
  readonly limit: number;
  /** The window, in seconds. */
  readonly windowSeconds: number;
}

/** An authenticated caller, as the identity provider describes it. */
export interface BudgetCaller {
  /** The caller's tier. */
  readonly tier: string;
  /** The subscriptions it holds: a list (JWT claim) or one string of names separated by commas or spaces (key annotation). @default - none */
  readonly subscriptions?: readonly string[] | string;
  /** The subscription named in the selection header. @default - no header */
  readonly header?: string;
}

/** Reads one engine's objects back into budgets. */
export interface BudgetReader {
  /** Every token budget the objects declare, sorted by {@link sortBudgets}. */
  budgets(objects: readonly KubeObject[]): BudgetEntry[];
  /** The budgets that count `caller`'s request to `route`, sorted; `'refused'` when the selection header is refused. */
  budgetsFor(objects: readonly KubeObject[], caller: BudgetCaller, route: string): BudgetEntry[] | 'refused';
}

/** Sorts budgets by route, holder kind, holder, counts, window, limit (a stable order to compare). */
export function sortBudgets(entries: readonly BudgetEntry[]): BudgetEntry[] {
  const key = (e: BudgetEntry) => [e.route, e.holderKind, e.holder, e.counts, String(e.windowSeconds).padStart(8, '0'), String(e.limit).padStart(16, '0')].join('\u0000');
  return [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The budgets the intent declares (what every engine must read back to). */
export function intentBudgets(policy: AccessPolicy): BudgetEntry[] {
  return sortBudgets(
    policy.tokenBudgets().map((b) => ({
      holderKind: b.holderKind,
      holder: b.holder.name,
      route: b.route.routeName,
      counts: b.limit.counts,
      limit: b.limit.tokensPerUnit,
      windowSeconds: SECONDS_PER_UNIT[b.limit.unit],
    })),
  );
}

/** The caller's subscription names as a list. */
function held(caller: BudgetCaller): string[] {
  const s = caller.subscriptions ?? [];
  return typeof s === 'string' ? s.split(/[ ,]+/).filter((x) => x !== '') : [...s];
}

/**
 * The selection rule of the intent (see `Subscription`), stated
 * independently of any engine: the header's subscription when the caller
 * holds it and it grants the route (else refused), otherwise the highest
 * priority one held that grants the route, otherwise none (tier budgets).
 */
export function intentBudgetsFor(policy: AccessPolicy, caller: BudgetCaller, route: string): BudgetEntry[] | 'refused' {
  const r = policy.routes.find((x) => x.routeName === route);
  if (!r) throw new Error(`no route ${route} in the policy`);
  const granting = policy.subscriptions.filter((s) => s.grantsRoute(r));
  const mine = held(caller);
  let selected: Subscription | undefined;
  if (caller.header !== undefined) {
    selected = granting.find((s) => s.name === caller.header && mine.includes(s.name));
    if (!selected) return 'refused';
  } else {
    selected = [...granting].sort((a, b) => b.priority - a.priority).find((s) => mine.includes(s.name));
  }
  const all = intentBudgets(policy).filter((b) => b.route === route);
  return selected ? all.filter((b) => b.holderKind === 'subscription' && b.holder === selected!.name) : all.filter((b) => b.holderKind === 'tier' && b.holder === caller.tier);
}

// ---------------------------------------------------------------------------
// Kuadrant: AuthPolicy (identity, subscription selection) + TokenRateLimitPolicy
// ---------------------------------------------------------------------------

/** A synthesized object read by field. */
type Json = any;

const SUBSCRIPTION_IS = /^auth\.identity\.subscription == "([^"]*)"$/;
const TIER_IS = /^auth\.identity\.tier == "([^"]*)"$/;

/** The holder a TokenRateLimitPolicy limit counts for, from its `when` predicates. @throws on any other predicate */
function kuadrantHolder(when: readonly { readonly predicate: string }[] | undefined, where: string): { holderKind: 'tier' | 'subscription'; holder: string } {
  let tier: string | undefined;
  let subscription: string | undefined;
  for (const { predicate } of when ?? []) {
    const s = SUBSCRIPTION_IS.exec(predicate);
    const t = TIER_IS.exec(predicate);
    if (s) subscription = s[1];
    else if (t) tier = t[1];
    else throw new Error(`${where}: unexpected predicate ${predicate}`);
  }
  if (subscription) return { holderKind: 'subscription', holder: subscription };
  if (tier) return { holderKind: 'tier', holder: tier };
  throw new Error(`${where}: a limit that names neither a tier nor a subscription`);
}

function trlps(objects: readonly KubeObject[]): Json[] {
  return objects.filter((o) => o.kind === 'TokenRateLimitPolicy');
}

/** The budget entries of one TokenRateLimitPolicy limit (one per rate; Kuadrant counts usage.total_tokens only). */
function limitEntries(p: Json, name: string, limit: Json): BudgetEntry[] {
  const route = p.spec.targetRef.kind === 'HTTPRoute' ? p.spec.targetRef.name : `${p.spec.targetRef.kind}/${p.spec.targetRef.name}`;
  const h = kuadrantHolder(limit.when, `TokenRateLimitPolicy/${p.metadata.name} limits.${name}`);
  return limit.rates.map((r: Json): BudgetEntry => ({ ...h, route, counts: 'total', limit: r.limit, windowSeconds: windowSeconds(r.window) }));
}

function celValue(expression: string, bindings: Record<string, unknown>): unknown {
  const result = run(expression, bindings as Parameters<typeof run>[1]);
  if (isCelError(result)) throw new Error(`CEL error in ${expression}: ${String(result)}`);
  return result;
}

/**
 * Kuadrant: budgets are the TokenRateLimitPolicy limits (holder from the
 * `when` predicates, route from `targetRef`); a caller's budgets are found
 * by evaluating the route's AuthPolicy as Authorino would (the
 * `subscription` authorization rule and the published
 * `auth.identity.subscription`), then each limit's `when`.
 */
export const kuadrantBudgetReader: BudgetReader = {
  budgets(objects) {
    return sortBudgets(trlps(objects).flatMap((p) => Object.entries(p.spec.limits ?? {}).flatMap(([name, l]) => limitEntries(p, name, l))));
  },
  budgetsFor(objects, caller, route) {
    const auth: Json = objects.find((o: Json) => o.kind === 'AuthPolicy' && o.spec.targetRef.kind === 'HTTPRoute' && o.spec.targetRef.name === route);
    if (!auth) throw new Error(`no AuthPolicy targets HTTPRoute ${route}`);
    const identity: Record<string, unknown> = { tier: caller.tier, userid: 'caller' };
    if (caller.subscriptions !== undefined) identity.subscriptions = caller.subscriptions;
    const headers: Record<string, string> = caller.header !== undefined ? { [subscriptionHeaderOf(auth)]: caller.header } : {};
    const bindings = { auth: { identity }, context: { request: { http: { headers, method: 'POST', path: '/' } } } };
    const rule = auth.spec.rules.authorization?.subscription;
    if (rule && !rule.patternMatching.patterns.every((p: Json) => celValue(p.predicate, bindings) === true)) return 'refused';
    const published = auth.spec.rules.response.success.filters.identity.json.properties;
    const selected = published.subscription ? celValue(published.subscription.expression, bindings) : '';
    const limitBindings = { auth: { identity: { tier: caller.tier, userid: 'caller', subscription: selected } } };
    const p = trlps(objects).find((x) => x.spec.targetRef.kind === 'HTTPRoute' && x.spec.targetRef.name === route);
    if (!p) return [];
    return sortBudgets(
      Object.entries(p.spec.limits ?? {})
        .filter(([, l]: [string, Json]) => (l.when ?? []).every((w: Json) => celValue(w.predicate, limitBindings) === true))
        .flatMap(([name, l]) => limitEntries(p, name, l)),
    );
  },
};

/** The selection header an AuthPolicy reads (from its `subscription` rule), or a header no rule reads. */
function subscriptionHeaderOf(auth: Json): string {
  const predicate: string | undefined = auth.spec.rules.authorization?.subscription?.patternMatching.patterns[0]?.predicate;
  const m = predicate && /^!\("([^"]+)" in context\.request\.http\.headers\)/.exec(predicate);
  return m ? m[1]! : 'x-unread-subscription-header';
}
