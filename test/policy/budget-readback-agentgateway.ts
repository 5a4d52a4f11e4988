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
 * The CEL is evaluated with @bufbuild/cel. A caller is the identity fields
 * the expressions read (`jwt.<claim>`, `apiKey.<field>`): its tier in the
 * field the descriptors' `holder` entry prefixes with `tier:`, the
 * subscriptions it holds in the list that entry guards with `has()`, and
 * the selection header that entry reads from `request.headers`. The holder
 * (`tier:<name>` or `subscription:<name>`) is the value the walk matches in
 * the service configuration.
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

/**
 * The access AgentgatewayPolicy targeting HTTPRoute `route` (one per route): the one that authenticates or limits;
 * a policy that only answers the route itself (the model list's direct response) holds no access decision.
 */
function policyOn(objects: readonly KubeObject[], route: string): Json | undefined {
  const found = ofKind(objects, 'AgentgatewayPolicy')
    .filter((p) => (p.spec.targetRefs ?? []).some((t: Json) => t.kind === 'HTTPRoute' && t.name === route))
    .filter((p) => !(p.spec.traffic?.directResponse !== undefined && Object.keys(p.spec.traffic).length === 1));
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

/** Where a caller's identity is read, from the descriptors' `holder` entry: the tier field, the subscriptions list, the selection header. */
interface IdentityShape {
  readonly root: 'jwt' | 'apiKey';
  readonly tierField: string;
  readonly heldField?: string;
  readonly header?: string;
}

function identityShape(objects: readonly KubeObject[]): IdentityShape {
  const exprs = new Set<string>(
    ofKind(objects, 'AgentgatewayPolicy').flatMap((p) => (p.spec.traffic?.rateLimit?.global?.descriptors ?? []).flatMap((d: Json) => d.entries.filter((e: Json) => e.name === 'holder').map((e: Json) => e.expression as string))),
  );
  const shapes = [...exprs].map((x) => {
    const tier = /'tier:' \+ (jwt|apiKey)\.([A-Za-z_][A-Za-z0-9_]*)/.exec(x);
    if (!tier) throw new Error(`holder entry ${x} names no tier field`);
    return { root: tier[1] as 'jwt' | 'apiKey', tierField: tier[2]!, heldField: /has\((?:jwt|apiKey)\.([A-Za-z_][A-Za-z0-9_]*)\)/.exec(x)?.[1], header: /'([^']+)' in request\.headers/.exec(x)?.[1] };
  });
  const keys = new Set(shapes.map((x) => JSON.stringify(x)));
  if (keys.size !== 1) throw new Error(`the holder entries read the caller in ${keys.size} ways; the reader expects one`);
  return shapes[0]!;
}

/** The caller's subscriptions as a list. */
function heldBy(caller: BudgetCaller): string[] {
  const s = caller.subscriptions ?? [];
  return typeof s === 'string' ? s.split(/[ ,]+/).filter((x) => x !== '') : [...s];
}

/**
 * The CEL bindings of a caller: every identity field the policies read (an
 * id by default), the tier in its field, the subscriptions held in theirs
 * (absent when none; as given for a JWT claim, a list for API-key
 * metadata), the selection header when `withHeader`.
 */
function bindingsOf(objects: readonly KubeObject[], caller: BudgetCaller, withHeader = true): Record<string, unknown> {
  const shape = identityShape(objects);
  const identity: Record<string, Record<string, unknown>> = { jwt: {}, apiKey: {} };
  for (const m of JSON.stringify(ofKind(objects, 'AgentgatewayPolicy').map((p) => p.spec.traffic)).matchAll(IDENTITY_FIELD)) identity[m[1]!]![m[2]!] = `caller-${m[2]}`;
  identity[shape.root]![shape.tierField] = caller.tier;
  if (shape.heldField !== undefined) {
    delete identity[shape.root]![shape.heldField];
    // A JWT carries the claim as the identity provider wrote it (a list, or one string of names); the library writes
    // API-key metadata as a list.
    if (heldBy(caller).length > 0) identity[shape.root]![shape.heldField] = shape.root === 'jwt' ? caller.subscriptions : heldBy(caller);
  }
  const headers: Record<string, string> = withHeader && shape.header !== undefined && caller.header !== undefined ? { [shape.header]: caller.header } : {};
  return { ...identity, request: { method: 'POST', path: '/v1/chat/completions', headers }, source: { address: '10.0.0.1' }, llm: USAGE };
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
      if (v.key === 'holder') holder = found.value;
      level = found.descriptors ?? [];
    }
    if (!found?.rate_limit) return;
    const h = holder === undefined ? undefined : /^(tier|subscription):(.+)$/.exec(holder);
    if (!h) throw new Error(`${where}: a budget whose holder is ${holder}`);
    const windowSeconds = UNIT_SECONDS[found.rate_limit.unit];
    if (windowSeconds === undefined) throw new Error(`${where}: unit ${found.rate_limit.unit}`);
    out.push({ holderKind: h[1] as 'tier' | 'subscription', holder: h[2]!, route, counts: countsOf(d, where), limit: found.rate_limit.requests_per_unit, windowSeconds });
  });
  return out;
}

/** Every `holder` value of the rate limit service configurations (`tier:<name>`, `subscription:<name>`). */
function holderValues(objects: readonly KubeObject[]): string[] {
  const out = new Set<string>();
  const walk = (ds: readonly ServiceDescriptor[] | undefined): void => {
    for (const d of ds ?? []) {
      if (d.key === 'holder' && d.value !== undefined) out.add(d.value);
      walk(d.descriptors);
    }
  };
  for (const p of ofKind(objects, 'AgentgatewayPolicy')) {
    const global = p.spec.traffic?.rateLimit?.global;
    if (global) walk(serviceConfig(objects, p.metadata.namespace, global).descriptors);
  }
  return [...out].sort();
}

/** True when one of the route's Allow expressions is true for the bindings. */
function allowed(objects: readonly KubeObject[], route: string, bindings: Record<string, unknown>): boolean {
  const p = policyOn(objects, route);
  if (!p) throw new Error(`no AgentgatewayPolicy targets HTTPRoute ${route}`);
  const auth = p.spec.traffic.authorization;
  if ((auth.action ?? 'Allow') !== 'Allow') throw new Error(`AgentgatewayPolicy/${p.metadata.name}: authorization action ${auth.action}`);
  return (auth.policy.matchExpressions as string[]).some((x) => celValue(x, bindings) === true);
}

/**
 * agentgateway: the budgets each holder is charged on each route (found by
 * evaluating the route's descriptors for a caller of each tier, and for a
 * caller holding each subscription); a caller's by evaluating them for it.
 * A selection header is refused when it turns a request some tier may make
 * into a denied one (the authorization rules check it).
 */
export const agentgatewayBudgetReader: BudgetReader = {
  budgets(objects) {
    const holders = holderValues(objects).map((v) => /^(tier|subscription):(.+)$/.exec(v)!);
    const someTier = holders.find((h) => h[1] === 'tier')?.[2] ?? 'none';
    const found = policyRoutes(objects).flatMap((route) =>
      holders.flatMap(([, kind, name]) => budgetsOn(objects, kind === 'tier' ? { tier: name! } : { tier: someTier, subscriptions: [name!] }, route).filter((e) => e.holderKind === kind && e.holder === name)),
    );
    return sortBudgets([...new Map(found.map((e) => [JSON.stringify(e), e])).values()]);
  },
  budgetsFor(objects, caller, route) {
    if (caller.header !== undefined) {
      const tiers = holderValues(objects).filter((v) => v.startsWith('tier:')).map((v) => v.slice(5));
      if (tiers.some((tier) => allowed(objects, route, bindingsOf(objects, { ...caller, tier }, false)) && !allowed(objects, route, bindingsOf(objects, { ...caller, tier })))) return 'refused';
    }
    return sortBudgets(budgetsOn(objects, caller, route));
  },
};

/** True when the route's AgentgatewayPolicy lets a caller of `tier` (no subscription) make a `POST /v1/chat/completions`: one Allow expression is true. */
export function agentgatewayMayCall(objects: readonly KubeObject[], tier: string, route: string): boolean {
  return allowed(objects, route, bindingsOf(objects, { tier }));
}
