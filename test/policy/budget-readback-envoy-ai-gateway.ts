/**
 * Reads the token budgets Envoy Gateway with Envoy AI Gateway enforces back
 * out of the synthesized objects alone (no intent object), as the two
 * controllers would apply them:
 *
 * - an `AIGatewayRoute`'s `llmRequestCosts` makes Envoy AI Gateway's filter
 *   write a token count of its `type` (`TotalToken`, `InputToken`,
 *   `OutputToken`, `CachedInputToken`) into dynamic metadata
 *   `io.envoy.ai_gateway/<metadataKey>` after the response
 *   (envoyproxy/ai-gateway v1.1.0 api/v1beta1/ai_gateway_route.go
 *   `LLMRequestCost`, api/v1beta1/shared_types.go
 *   `AIGatewayFilterMetadataNamespace`); the route carries its model in a
 *   `x-ai-eg-model` header match;
 * - a `BackendTrafficPolicy` global rule with `cost.response` reading that
 *   metadata is charged with the count (envoyproxy/gateway
 *   api/v1alpha1/ratelimit_types.go `RateLimitCost`), for the requests its
 *   `clientSelectors` select (every header selector matches: `Exact`,
 *   `RegularExpression` as a full RE2 match, `Distinct` when present: one
 *   counter per value), on each route it targets (one bucket per route
 *   unless `shared`);
 * - the `SecurityPolicy` of the route says which JWT claim holds the tier
 *   (its authorization rules' `principal.jwt.claims`) and which request
 *   header Envoy copies it to (`jwt.providers[].claimToHeaders`), which is
 *   what the rate limit rules select on; with API keys, which header carries
 *   the client id (`forwardClientIDHeader`, set by Envoy from the verified
 *   key) and, with subscriptions, which header names one (the header its
 *   rules read besides the client id).
 *
 * A header selector matches as Envoy applies it: `Distinct` needs the header
 * (one counter per value); `Exact` and `RegularExpression` (a full RE2
 * match) never match an absent header, and `invert: true` turns the result
 * around, so an inverted selector holds when the header is absent
 * (envoyproxy/gateway v1.9.0 internal/xds/translator/ratelimit.go puts
 * `invert` in `expect_match`; envoyproxy/envoy
 * source/common/http/header_utility.cc `matchHeaders`). A rule whose header
 * selector names the subscription header counts for the subscription it
 * accepts; any other rule for the tier of the clients its client id
 * selector accepts.
 */
import { isCelError, run } from '@bufbuild/cel';
import { KubeObject } from '../../src/delivery/manifest';
import { BudgetCaller, BudgetEntry, BudgetReader, sortBudgets } from './budget-readback';

/** A synthesized object or part of one, read by field. */
type Json = any;

/** The dynamic metadata namespace Envoy AI Gateway writes token counts to (ai-gateway v1.1.0 api/v1beta1/shared_types.go). */
const AI_GATEWAY_METADATA_NAMESPACE = 'io.envoy.ai_gateway';
/** The header Envoy AI Gateway sets from the body's `model` before routing (ai-gateway v1.1.0 api/v1beta1/shared_types.go `AIModelHeaderKey`). */
const MODEL_HEADER = 'x-ai-eg-model';
/** `LLMRequestCostType` values and what each counts (ai-gateway v1.1.0 api/v1beta1/ai_gateway_route.go). */
const COST_TYPES: Readonly<Record<string, BudgetEntry['counts']>> = { TotalToken: 'total', InputToken: 'input', OutputToken: 'output', CachedInputToken: 'cached-input' };
/** Envoy Gateway `RateLimitUnit` in seconds. */
const UNIT_SECONDS: Readonly<Record<string, number>> = { Second: 1, Minute: 60, Hour: 3600, Day: 86400 };

const ofKind = (objects: readonly KubeObject[], kind: string): Json[] => objects.filter((o) => o.kind === kind);

/** The AIGatewayRoute of a route name (Envoy AI Gateway names the HTTPRoute it generates after it). */
function aiRoute(objects: readonly KubeObject[], namespace: string, name: string): Json | undefined {
  return ofKind(objects, 'AIGatewayRoute').find((r) => r.metadata.name === name && (r.metadata.namespace ?? namespace) === namespace);
}

/** The model names an AIGatewayRoute serves: the values of its `x-ai-eg-model` Exact matches. */
function modelsOf(route: Json): string[] {
  const out: string[] = [];
  for (const rule of route.spec.rules ?? []) {
    for (const m of rule.matches ?? []) {
      for (const h of m.headers ?? []) {
        if (h.name === MODEL_HEADER && (h.type ?? 'Exact') === 'Exact') out.push(h.value);
        else throw new Error(`AIGatewayRoute/${route.metadata.name}: a match the reader does not know: ${JSON.stringify(h)}`);
      }
    }
  }
  return out;
}

/** The HTTPRoute names a BackendTrafficPolicy targets. */
function targetRoutes(btp: Json): string[] {
  return (btp.spec.targetRefs ?? (btp.spec.targetRef ? [btp.spec.targetRef] : [])).filter((t: Json) => t.kind === 'HTTPRoute').map((t: Json) => t.name as string);
}

/** The global rules charged with an Envoy AI Gateway token count after the response. */
function tokenRules(btp: Json): Json[] {
  return (btp.spec.rateLimit?.global?.rules ?? []).filter((r: Json) => r.cost?.response !== undefined);
}

/**
 * How Envoy Gateway sees the callers of one route, from its SecurityPolicy:
 * with JWT, the claim holding the tier (the authorization rules'
 * `principal.jwt.claims`) and the headers Envoy copies claims to
 * (`claimToHeaders`); with API keys, the header Envoy forwards the client id
 * in (`forwardClientIdHeader`) and each client id's tier (the data key of a
 * Secret of `credentialRefs` is the client id, envoyproxy/gateway
 * api/v1alpha1/api_key_auth_types.go; the Secret's ExternalSecret labels it
 * with the holder's tier).
 */
interface RouteIdentity {
  readonly kind: 'jwt' | 'api-key';
  /** JWT: the claim holding the tier. */
  readonly tierClaim?: string;
  /** JWT: claim name to request header (`claimToHeaders`). */
  readonly claimHeaders: ReadonlyMap<string, string>;
  /** API keys: the header carrying the client id. */
  readonly clientIdHeader?: string;
  /** API keys: each client id's tier. */
  readonly clientTiers: ReadonlyMap<string, string>;
  /** API keys: each client id's subscriptions (the Secret's annotation, informational: used only to find the client of a described caller). */
  readonly clientSubscriptions: ReadonlyMap<string, readonly string[]>;
  /** API keys: the header naming a subscription (read by the authorization rules besides the client id), if any. */
  readonly subscriptionHeader?: string;
  /** API keys: the subscription names the authorization rules accept in that header. */
  readonly subscriptionNames: readonly string[];
  /** The authorization rules and default action. */
  readonly authorization: Json;
}

/** The label of an API key Secret naming its holder's tier (written by the library's ExternalSecrets). */
const TIER_LABEL = 'models.cdk8s.io/tier';
/** The annotation of an API key Secret listing its holder's subscriptions (written by the library's ExternalSecrets). */
const SUBSCRIPTIONS_ANNOTATION = 'models.cdk8s.io/subscriptions';

function identityOf(objects: readonly KubeObject[], namespace: string, route: string): RouteIdentity {
  const sps = ofKind(objects, 'SecurityPolicy').filter((s) => (s.metadata.namespace ?? namespace) === namespace && (s.spec.targetRefs ?? []).some((t: Json) => t.kind === 'HTTPRoute' && t.name === route));
  if (sps.length !== 1) throw new Error(`HTTPRoute ${route}: ${sps.length} SecurityPolicies target it; the reader expects one`);
  const sp = sps[0];
  if (sp.spec.jwt && sp.spec.apiKeyAuth) throw new Error(`SecurityPolicy/${sp.metadata.name}: JWT and API keys together are not read (Envoy Gateway requires both)`);
  if (sp.spec.apiKeyAuth) {
    const clientTiers = new Map<string, string>();
    const clientSubscriptions = new Map<string, readonly string[]>();
    for (const ref of sp.spec.apiKeyAuth.credentialRefs as Json[]) {
      const es = ofKind(objects, 'ExternalSecret').find((e) => (e.spec.target?.name ?? e.metadata.name) === ref.name && e.metadata.namespace === (ref.namespace ?? namespace));
      if (!es) throw new Error(`SecurityPolicy/${sp.metadata.name}: no ExternalSecret makes Secret ${ref.name}`);
      const held = String(es.spec.target.template.metadata.annotations?.[SUBSCRIPTIONS_ANNOTATION] ?? '').split(',').filter((x) => x !== '');
      for (const d of es.spec.data ?? []) {
        clientTiers.set(d.secretKey, es.spec.target.template.metadata.labels[TIER_LABEL]);
        clientSubscriptions.set(d.secretKey, held);
      }
    }
    const clientIdHeader = sp.spec.apiKeyAuth.forwardClientIDHeader;
    if (!clientIdHeader) throw new Error(`SecurityPolicy/${sp.metadata.name}: the client id is not forwarded (forwardClientIDHeader), so no rule can select a caller`);
    // The subscription header: the one other header the policies' principals read; the names: the values they accept in it.
    const principalHeaders = ofKind(objects, 'SecurityPolicy').flatMap((x) => (x.spec.authorization?.rules ?? []).flatMap((r: Json) => (r.principal?.headers ?? []) as Json[]));
    const others = [...new Set(principalHeaders.map((h) => h.name as string).filter((n) => n !== clientIdHeader))];
    if (others.length > 1) throw new Error(`the SecurityPolicies read ${others.join(', ')} besides the client id; the reader expects one subscription header`);
    const subscriptionNames = [...new Set(principalHeaders.filter((h) => h.name === others[0]).flatMap((h) => h.values as string[]))].sort();
    return { kind: 'api-key', clientIdHeader, clientTiers, clientSubscriptions, subscriptionHeader: others[0], subscriptionNames, claimHeaders: new Map(), authorization: sp.spec.authorization };
  }
  const claims = new Set<string>((sp.spec.authorization?.rules ?? []).flatMap((r: Json) => (r.principal?.jwt?.claims ?? []).map((c: Json) => c.name as string)));
  if (claims.size !== 1) throw new Error(`SecurityPolicy/${sp.metadata.name}: its rules select on claims ${[...claims].join(', ')}; the reader expects one tier claim`);
  const claimHeaders = new Map<string, string>((sp.spec.jwt?.providers ?? []).flatMap((p: Json) => (p.claimToHeaders ?? []).map((c: Json) => [c.claim, c.header] as [string, string])));
  return { kind: 'jwt', tierClaim: [...claims][0]!, claimHeaders, clientTiers: new Map(), clientSubscriptions: new Map(), subscriptionNames: [], authorization: sp.spec.authorization };
}

/** The headers that identify callers (each counted apart by a `Distinct` selector). */
function callerHeaderNames(identity: RouteIdentity): string[] {
  return identity.kind === 'api-key' ? [identity.clientIdHeader!] : [...identity.claimHeaders.values()];
}

/**
 * The tier a rule's selector on the caller headers selects: JWT, an Exact
 * match on the tier claim's header; API keys, a regular expression on the
 * client id matching clients of one tier (all of them, or with
 * subscriptions those no subscription counts on the rule's models).
 * Undefined when the selector is not a tier selector.
 */
function tierSelected(identity: RouteIdentity, h: Json, where: string): string | undefined {
  const type = h.type ?? 'Exact';
  if (identity.kind === 'jwt') return h.name === identity.claimHeaders.get(identity.tierClaim!) && type === 'Exact' ? h.value : undefined;
  if (h.name !== identity.clientIdHeader || type !== 'RegularExpression') return undefined;
  const clients = [...identity.clientTiers.keys()].filter((id) => headerMatches(h, { [h.name]: id }));
  const tiers = new Set(clients.map((id) => identity.clientTiers.get(id)!));
  if (tiers.size !== 1) throw new Error(`${where}: selects clients of ${tiers.size} tiers (${clients.join(', ')})`);
  return [...tiers][0]!;
}

/** The clients a selector on the client id header accepts (API keys). */
function clientsSelected(identity: RouteIdentity, h: Json): string[] {
  return [...identity.clientTiers.keys()].filter((id) => headerMatches(h, { [h.name]: id }));
}

/** The subscription a selector on the subscription header counts for: the one name it accepts when the header is sent. */
function subscriptionSelected(identity: RouteIdentity, h: Json, where: string): string {
  const names = identity.subscriptionNames.filter((n) => headerMatches(h, { [h.name]: n }));
  if (names.length !== 1) throw new Error(`${where}: the subscription selector ${JSON.stringify(h)} accepts ${names.length} subscriptions (${names.join(', ')})`);
  return names[0]!;
}

/** True when a header selector of a rate limit rule matches `headers` (Envoy Gateway api/v1alpha1/ratelimit_types.go `HeaderMatch`). */
function headerMatches(selector: Json, headers: Readonly<Record<string, string>>): boolean {
  const v = headers[selector.name];
  const type = selector.type ?? 'Exact';
  if (type === 'Distinct') {
    if (selector.invert) throw new Error(`Envoy Gateway refuses invert on a Distinct selector: ${JSON.stringify(selector)}`);
    return v !== undefined;
  }
  let match: boolean;
  if (v === undefined) match = false;
  else if (type === 'Exact') match = v === selector.value;
  else if (type === 'RegularExpression') match = new RegExp(`^(?:${selector.value})$`).test(v);
  else throw new Error(`unknown header selector type ${type}`);
  return selector.invert === true ? !match : match;
}

/** What a token rule counts on one route: the cost type the route writes under the key the rule reads, or undefined when the route writes none (the rule charges nothing there). */
function countsOn(route: Json, rule: Json, where: string): BudgetEntry['counts'] | undefined {
  const response = rule.cost.response;
  if (response.from !== 'Metadata' || response.metadata?.namespace !== AI_GATEWAY_METADATA_NAMESPACE) throw new Error(`${where}: a response cost the reader does not know: ${JSON.stringify(response)}`);
  // Checked on arrival without being charged: anything else would count requests too.
  if (rule.cost.request?.from !== 'Number' || rule.cost.request.number !== 0) throw new Error(`${where}: the request cost is ${JSON.stringify(rule.cost.request)}, not 0`);
  const cost = (route.spec.llmRequestCosts ?? []).find((c: Json) => c.metadataKey === response.metadata.key);
  if (!cost) return undefined;
  const counts = COST_TYPES[cost.type];
  if (!counts) throw new Error(`AIGatewayRoute/${route.metadata.name}: llmRequestCosts type ${cost.type} (CEL costs are not read)`);
  return counts;
}

/**
 * The budget entries of one token rule: the subscription its selector on
 * the subscription header accepts (its client id selector must accept
 * holders of it only), else the tier its caller selector selects; on each
 * targeted route whose model its `x-ai-eg-model` selector matches and that
 * writes the count it reads.
 */
function ruleEntries(objects: readonly KubeObject[], btp: Json, rule: Json, index: number): BudgetEntry[] {
  const namespace = btp.metadata.namespace;
  const where = `BackendTrafficPolicy/${btp.metadata.name} rules[${index}]`;
  if (rule.clientSelectors?.length !== 1) throw new Error(`${where}: ${rule.clientSelectors?.length} client selectors; the reader expects one`);
  const headers: Json[] = rule.clientSelectors[0].headers ?? [];
  const out: BudgetEntry[] = [];
  for (const name of targetRoutes(btp)) {
    const route = aiRoute(objects, namespace, name);
    if (!route) throw new Error(`${where}: targets HTTPRoute ${name}, which no AIGatewayRoute generates (no token count is written there)`);
    const identity = identityOf(objects, namespace, name);
    let tier: string | undefined;
    let subscription: string | undefined;
    let who: Json | undefined;
    let perCaller = false;
    let modelSelected = true;
    const subscriptionRule = identity.subscriptionHeader !== undefined && headers.some((h) => h.name === identity.subscriptionHeader);
    for (const h of headers) {
      const type = h.type ?? 'Exact';
      if (subscriptionRule && h.name === identity.subscriptionHeader) subscription = subscriptionSelected(identity, h, where);
      else if (subscriptionRule && h.name === identity.clientIdHeader && type !== 'Distinct') who = h;
      else if (h.name === MODEL_HEADER) {
        const models = modelsOf(route);
        const hits = models.filter((m) => headerMatches(h, { [MODEL_HEADER]: m }));
        if (hits.length !== 0 && hits.length !== models.length) throw new Error(`${where}: selects some models of AIGatewayRoute/${name} only`);
        modelSelected = hits.length > 0;
      } else if (type === 'Distinct' && callerHeaderNames(identity).includes(h.name)) perCaller = true;
      else {
        tier = tierSelected(identity, h, where);
        if (tier === undefined) throw new Error(`${where}: a selector the reader does not know: ${JSON.stringify(h)}`);
      }
    }
    if (tier === undefined && subscription === undefined) throw new Error(`${where}: selects neither a tier nor a subscription`);
    if (!perCaller) throw new Error(`${where}: counts every caller of ${tier !== undefined ? `tier ${tier}` : `subscription ${subscription}`} together (no Distinct selector on a caller header)`);
    if (subscription !== undefined) {
      // The clients it selects must hold the subscription (the annotation says who holds which).
      const strangers = who ? clientsSelected(identity, who).filter((id) => !(identity.clientSubscriptions.get(id) ?? []).includes(subscription!)) : ['every client'];
      if (strangers.length > 0) throw new Error(`${where}: counts subscription ${subscription} for ${strangers.join(', ')}, who do not hold it`);
    }
    if (!modelSelected) continue;
    const counts = countsOn(route, rule, where);
    if (counts === undefined) continue;
    const windowSeconds = UNIT_SECONDS[rule.limit.unit];
    if (windowSeconds === undefined) throw new Error(`${where}: unit ${rule.limit.unit}`);
    out.push(subscription !== undefined ? { holderKind: 'subscription', holder: subscription, route: name, counts, limit: rule.limit.requests, windowSeconds } : { holderKind: 'tier', holder: tier!, route: name, counts, limit: rule.limit.requests, windowSeconds });
  }
  return out;
}

/** The caller's subscription names, sorted. */
function heldBy(caller: BudgetCaller): string[] {
  const s = caller.subscriptions ?? [];
  return (typeof s === 'string' ? s.split(/[ ,]+/).filter((x) => x !== '') : [...s]).sort();
}

/** The client id of a key holder of the caller's tier holding exactly its subscriptions (the first by id), if any. */
function clientOf(identity: RouteIdentity, caller: BudgetCaller): string | undefined {
  const held = JSON.stringify(heldBy(caller));
  return [...identity.clientTiers]
    .filter(([id, t]) => t === caller.tier && JSON.stringify([...(identity.clientSubscriptions.get(id) ?? [])].sort()) === held)
    .map(([id]) => id)
    .sort()[0];
}

/**
 * True when the objects can stand for `caller`: always with JWT, and with
 * API keys when the caller holds no subscription or a key holder of its
 * tier holds exactly its subscriptions (API-key callers are the holders
 * compiled in).
 */
export function envoyGatewayRepresents(objects: readonly KubeObject[], namespace: string, caller: BudgetCaller, route: string): boolean {
  const identity = identityOf(objects, namespace, route);
  return identity.kind === 'jwt' || heldBy(caller).length === 0 || clientOf(identity, caller) !== undefined;
}

/**
 * The request headers Envoy sees for a verified caller: JWT, each claim
 * copied to its header (the tier, and an id for the others); API keys, the
 * client id of a key holder of the caller's tier with exactly its
 * subscriptions (none when there is no such holder: such a caller cannot
 * authenticate). The subscription header as the caller sends it, under the
 * name the authorization rules read.
 */
function callerHeaders(identity: RouteIdentity, caller: BudgetCaller, model: string): Record<string, string> {
  const headers: Record<string, string> = { [MODEL_HEADER]: model };
  if (identity.kind === 'api-key') {
    const id = clientOf(identity, caller);
    if (id === undefined && heldBy(caller).length > 0) throw new Error(`no key holder of tier ${caller.tier} holds exactly ${heldBy(caller).join(', ')}`);
    if (id !== undefined) headers[identity.clientIdHeader!] = id;
    if (caller.header !== undefined && identity.subscriptionHeader !== undefined) headers[identity.subscriptionHeader] = caller.header;
    return headers;
  }
  for (const [claim, header] of identity.claimHeaders) headers[header] = claim === identity.tierClaim ? caller.tier : `caller-${claim}`;
  return headers;
}

/**
 * The first SecurityPolicy authorization rule matching a `POST
 * /v1/chat/completions` with `headers` from a caller of `tier` (principal,
 * operation and CEL all hold), or undefined (the default action applies):
 * rules are evaluated in order (envoyproxy/gateway v1.9.0
 * api/v1alpha1/authorization_types.go); CEL reads `request.headers`.
 */
function firstRule(identity: RouteIdentity, tier: string, headers: Readonly<Record<string, string>>): Json | undefined {
  const principal = (p: Json): boolean => {
    if (p === undefined) return true;
    if (identity.kind === 'jwt') return p.jwt !== undefined && (p.jwt.claims ?? []).every((c: Json) => c.values.includes(c.name === identity.tierClaim ? tier : undefined));
    return Array.isArray(p.headers) && p.headers.length > 0 && p.headers.every((h: Json) => h.values.includes(headers[h.name]));
  };
  const path = '/v1/chat/completions';
  const underPrefix = (prefix: string) => (prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix || path.startsWith(`${prefix}/`));
  const cel = (expression: string | undefined): boolean => {
    if (expression === undefined) return true;
    const result = run(expression, { request: { headers: { ...headers }, method: 'POST', path } } as Parameters<typeof run>[1]);
    return !isCelError(result) && result === true;
  };
  return (identity.authorization.rules ?? []).find(
    (r: Json) =>
      principal(r.principal) && cel(r.cel) && (!r.operation?.methods || r.operation.methods.includes('POST')) && (!r.operation?.path || (r.operation.path.type === 'PathPrefix' && underPrefix(r.operation.path.value))),
  );
}

/**
 * Envoy Gateway with Envoy AI Gateway: each budget read from the
 * BackendTrafficPolicy rules and the AIGatewayRoutes' `llmRequestCosts`;
 * a caller's budgets are the rules whose selectors match the headers Envoy
 * sees for it on the route (a budget met by two rules would count twice:
 * an error). A selection header is refused when the first authorization
 * rule it meets is a Deny that reads no identity (it refuses the header
 * whoever sends it, after the rules that admit it).
 */
export const envoyAiGatewayBudgetReader: BudgetReader = {
  budgets(objects) {
    const all = ofKind(objects, 'BackendTrafficPolicy').flatMap((btp) => tokenRules(btp).flatMap((rule, i) => ruleEntries(objects, btp, rule, i)));
    // Per-holder rules of one budget (groups of holders) read back into the same entry.
    return sortBudgets([...new Map(all.map((e) => [JSON.stringify(e), e])).values()]);
  },
  budgetsFor(objects, caller, route) {
    const btps = ofKind(objects, 'BackendTrafficPolicy').filter((b) => targetRoutes(b).includes(route));
    if (btps.length > 1) throw new Error(`HTTPRoute ${route}: ${btps.length} BackendTrafficPolicies target it; Envoy Gateway applies one`);
    if (btps.length === 0) return [];
    const btp = btps[0];
    const ai = aiRoute(objects, btp.metadata.namespace, route);
    if (!ai) throw new Error(`no AIGatewayRoute ${route}`);
    const models = modelsOf(ai);
    if (models.length !== 1) throw new Error(`AIGatewayRoute/${route} serves ${models.length} models; the reader expects one`);
    const identity = identityOf(objects, btp.metadata.namespace, route);
    const headers = callerHeaders(identity, caller, models[0]!);
    if (caller.header !== undefined) {
      const first = firstRule(identity, caller.tier, headers);
      if (first?.action === 'Deny' && first.principal === undefined) return 'refused';
    }
    const all = tokenRules(btp).map((rule, i) => ({ rule, i }));
    const found = all
      .filter(({ rule }) => rule.clientSelectors.some((s: Json) => (s.headers ?? []).every((h: Json) => headerMatches(h, headers))))
      .flatMap(({ rule, i }) => ruleEntries(objects, btp, rule, i).filter((e) => e.route === route));
    const keys = found.map((e) => JSON.stringify(e));
    const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
    if (twice.length > 0) throw new Error(`HTTPRoute ${route}: the request of ${JSON.stringify(caller)} meets two rules of one budget (two buckets): ${twice.join(', ')}`);
    return sortBudgets(found);
  },
};

/**
 * True when Envoy Gateway lets an authenticated caller of `tier` (no
 * subscription header) make a `POST /v1/chat/completions` on `route`: the
 * first SecurityPolicy authorization rule that matches decides, else the
 * default action (envoyproxy/gateway api/v1alpha1/authorization_types.go).
 */
export function envoyGatewayMayCall(objects: readonly KubeObject[], namespace: string, tier: string, route: string): boolean {
  const identity = identityOf(objects, namespace, route);
  const headers = callerHeaders(identity, { tier }, '');
  if (identity.kind === 'api-key' && headers[identity.clientIdHeader!] === undefined) return false; // no key of this tier: 401
  return (firstRule(identity, tier, headers)?.action ?? identity.authorization.defaultAction) === 'Allow';
}
