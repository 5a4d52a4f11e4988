/**
 * Reads the token budgets agentgateway enforces back out of the synthesized
 * objects alone (no intent object), as agentgateway v1.4.1 and the Envoy
 * rate limit service would apply them:
 *
 * - each `AgentgatewayPolicy` targets a route; its `traffic.rateLimit.global`
 *   sends, per request, every descriptor whose CEL entries all evaluate
 *   (a descriptor with a failing entry is dropped:
 *   crates/agentgateway/src/http/remoteratelimit.rs `build_request`) to the
 *   rate limit service `backendRef` in `domain`; a `Tokens` descriptor is
 *   charged after the response with its `cost` (CEL over `llm`), by default
 *   `llm.totalTokens` (same file, `DescriptorEntry.cost`); the `llm` fields
 *   are those of crates/agentgateway/src/cel/types.rs `LLMContext`
 *   (`inputTokens`, `outputTokens`, `cachedInputTokens`, `totalTokens`);
 * - the rate limit service's configuration (the ConfigMap
 *   `<service>-config`, `config.yaml`) matches the descriptor's entries in
 *   order, key and value, or key alone for a descriptor without a value (one
 *   counter per value), as envoyproxy/ratelimit does; the matched leaf's
 *   `rate_limit` is the budget;
 * - `traffic.authorization.policy.matchExpressions`: a request is allowed
 *   when one is true.
 *
 * The CEL is evaluated with @bufbuild/cel; a caller is the identity fields
 * the expressions read (`jwt.<claim>`, `apiKey.<field>`), its tier in the
 * field the descriptors' `tier` entry reads.
 */
import { isCelError, run } from '@bufbuild/cel';
import { parse } from 'yaml';
import { KubeObject } from '../../src/delivery/manifest';
import { BudgetCaller, BudgetEntry, BudgetReader, sortBudgets } from './budget-readback';

/** A synthesized object or part of one, read by field. */
type Json = any;

/** Envoy rate limit service units, in seconds (envoyproxy/ratelimit api `RateLimitUnit`). */
const UNIT_SECONDS: Readonly<Record<string, number>> = { second: 1, minute: 60, hour: 3600, day: 86400 };

/**
 * A response's usage, with a distinct count per kind, to tell which kind a
 * `cost` expression reads: each value names one kind.
 */
const USAGE = { inputTokens: 1000, outputTokens: 200, cachedInputTokens: 30, totalTokens: 1200 } as const;
const COUNTS_BY_VALUE: ReadonlyMap<number, BudgetEntry['counts']> = new Map([
  [USAGE.inputTokens, 'input'],
  [USAGE.outputTokens, 'output'],
  [USAGE.cachedInputTokens, 'cached-input'],
  [USAGE.totalTokens, 'total'],
]);

/** The identity roots agentgateway's CEL exposes for an authenticated caller. */
const IDENTITY_FIELD = /\b(jwt|apiKey)\.([A-Za-z_][A-Za-z0-9_]*)\b/g;

const ofKind = (objects: readonly KubeObject[], kind: string): Json[] => objects.filter((o) => o.kind === kind);

/** The AgentgatewayPolicy targeting HTTPRoute `route` (one per route). */
function policyOn(objects: readonly KubeObject[], route: string): Json | undefined {
  const found = ofKind(objects, 'AgentgatewayPolicy').filter((p) => (p.spec.targetRefs ?? []).some((t: Json) => t.kind === 'HTTPRoute' && t.name === route));
  if (found.length > 1) throw new Error(`HTTPRoute ${route}: ${found.length} AgentgatewayPolicies target it; the reader expects one`);
  return found[0];
}

/** The routes the AgentgatewayPolicies target. */
function policyRoutes(objects: readonly KubeObject[]): string[] {
  return ofKind(objects, 'AgentgatewayPolicy').flatMap((p) => (p.spec.targetRefs ?? []).filter((t: Json) => t.kind === 'HTTPRoute').map((t: Json) => t.name as string));
}

/** The rate limit service configuration a global rate limit talks to (its ConfigMap, `config.yaml`), checked for the domain. */
function serviceConfig(objects: readonly KubeObject[], namespace: string, global: Json): Json {
  const name = `${global.backendRef.name}-config`;
  const cm: Json = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name && o.metadata.namespace === namespace);
  if (!cm) throw new Error(`no ConfigMap ${namespace}/${name} for rate limit service ${global.backendRef.name}`);
  const config = parse(cm.data['config.yaml']);
  if (config.domain !== global.domain) throw new Error(`rate limit service ${global.backendRef.name} serves domain ${config.domain}, the policy sends ${global.domain}`);
  return config;
}

/** The identity field (`jwt.tier`) the descriptors' `tier` entry reads. */
function tierField(objects: readonly KubeObject[]): { root: string; field: string } {
  const exprs = new Set<string>(
    ofKind(objects, 'AgentgatewayPolicy').flatMap((p) => (p.spec.traffic?.rateLimit?.global?.descriptors ?? []).flatMap((d: Json) => d.entries.filter((e: Json) => e.name === 'tier').map((e: Json) => e.expression as string))),
  );
  if (exprs.size !== 1) throw new Error(`the descriptors read the tier from ${[...exprs].join(', ') || 'nothing'}; the reader expects one identity field`);
  const m = /^(jwt|apiKey)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec([...exprs][0]!);
  if (!m) throw new Error(`tier entry ${[...exprs][0]} is not an identity field`);
  return { root: m[1]!, field: m[2]! };
}

/** The CEL bindings of a caller: every identity field the policies read, the tier in its field, an id in the others. */
function bindingsOf(objects: readonly KubeObject[], caller: BudgetCaller): Record<string, unknown> {
  const tier = tierField(objects);
  const identity: Record<string, Record<string, string>> = { jwt: {}, apiKey: {} };
  for (const m of JSON.stringify(ofKind(objects, 'AgentgatewayPolicy').map((p) => p.spec.traffic)).matchAll(IDENTITY_FIELD)) identity[m[1]!]![m[2]!] = `caller-${m[2]}`;
  identity[tier.root]![tier.field] = caller.tier;
  return { ...identity, request: { method: 'POST', path: '/v1/chat/completions', headers: {} }, source: { address: '10.0.0.1' }, llm: USAGE };
}

function celValue(expression: string, bindings: Record<string, unknown>): unknown {
  const result = run(expression, bindings as Parameters<typeof run>[1]);
  return isCelError(result) ? undefined : result;
}

/** What a `Tokens` descriptor counts: its cost evaluated against a usage with one distinct value per kind (none: `llm.totalTokens`). */
function countsOf(descriptor: Json, where: string): BudgetEntry['counts'] {
  const value = descriptor.cost === undefined ? USAGE.totalTokens : Number(celValue(descriptor.cost, { llm: USAGE }));
  const counts = COUNTS_BY_VALUE.get(value);
  if (!counts) throw new Error(`${where}: cost ${descriptor.cost} evaluates to ${value}, not one token kind`);
  return counts;
}

interface ServiceDescriptor {
  readonly key: string;
  readonly value?: string;
  readonly rate_limit?: { readonly unit: string; readonly requests_per_unit: number };
  readonly descriptors?: ServiceDescriptor[];
}

/**
 * The token budgets that count `caller`'s request on `route`: each `Tokens`
 * descriptor of the route's policy, evaluated for the caller and walked
 * down the service configuration. The holder is the tier value the walk
 * matched.
 */
function budgetsOn(objects: readonly KubeObject[], caller: BudgetCaller, route: string): BudgetEntry[] {
  const p = policyOn(objects, route);
  const global = p?.spec.traffic?.rateLimit?.global;
  if (!global) return [];
  const config = serviceConfig(objects, p.metadata.namespace, global);
  const bindings = bindingsOf(objects, caller);
  const out: BudgetEntry[] = [];
  (global.descriptors as Json[]).forEach((d, i) => {
    if (d.unit !== 'Tokens') return;
    const where = `AgentgatewayPolicy/${p.metadata.name} descriptors[${i}]`;
    const values = (d.entries as Json[]).map((e) => ({ key: e.name as string, value: celValue(e.expression, bindings) }));
    if (values.some((v) => typeof v.value !== 'string')) return;
    let level: ServiceDescriptor[] = config.descriptors ?? [];
    let found: ServiceDescriptor | undefined;
    let holder: string | undefined;
    for (const v of values) {
      found = level.find((x) => x.key === v.key && x.value === v.value) ?? level.find((x) => x.key === v.key && x.value === undefined);
      if (!found) return;
      if (v.key === 'tier') holder = found.value;
      level = found.descriptors ?? [];
    }
    if (!found?.rate_limit) return;
    if (holder === undefined) throw new Error(`${where}: a budget without a tier value`);
    const windowSeconds = UNIT_SECONDS[found.rate_limit.unit];
    if (windowSeconds === undefined) throw new Error(`${where}: unit ${found.rate_limit.unit}`);
    out.push({ holderKind: 'tier', holder, route, counts: countsOf(d, where), limit: found.rate_limit.requests_per_unit, windowSeconds });
  });
  return out;
}

/** Every `tier` value of the rate limit service configurations, the candidate holders. */
function tierValues(objects: readonly KubeObject[]): string[] {
  const out = new Set<string>();
  const walk = (ds: readonly ServiceDescriptor[] | undefined): void => {
    for (const d of ds ?? []) {
      if (d.key === 'tier' && d.value !== undefined) out.add(d.value);
      walk(d.descriptors);
    }
  };
  for (const p of ofKind(objects, 'AgentgatewayPolicy')) {
    const global = p.spec.traffic?.rateLimit?.global;
    if (global) walk(serviceConfig(objects, p.metadata.namespace, global).descriptors);
  }
  return [...out];
}

/**
 * agentgateway: tier budgets only (the engine refuses subscriptions). The
 * budgets are what each tier's callers are charged on each route; a
 * caller's are found by evaluating the route's descriptors for it.
 */
export const agentgatewayBudgetReader: BudgetReader = {
  budgets(objects) {
    const tiers = tierValues(objects);
    return sortBudgets(policyRoutes(objects).flatMap((route) => tiers.flatMap((tier) => budgetsOn(objects, { tier }, route))));
  },
  budgetsFor(objects, caller, route) {
    return sortBudgets(budgetsOn(objects, caller, route));
  },
};

/** True when the route's AgentgatewayPolicy lets a caller of `tier` make a `POST /v1/chat/completions`: one Allow expression is true. */
export function agentgatewayMayCall(objects: readonly KubeObject[], tier: string, route: string): boolean {
  const p = policyOn(objects, route);
  if (!p) throw new Error(`no AgentgatewayPolicy targets HTTPRoute ${route}`);
  const auth = p.spec.traffic.authorization;
  if ((auth.action ?? 'Allow') !== 'Allow') throw new Error(`AgentgatewayPolicy/${p.metadata.name}: authorization action ${auth.action}`);
  const bindings = bindingsOf(objects, { tier });
  return (auth.policy.matchExpressions as string[]).some((x) => celValue(x, bindings) === true);
}
