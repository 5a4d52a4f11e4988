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
 *   what the rate limit rules select on.
 */
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
  /** The authorization rules and default action. */
  readonly authorization: Json;
}

/** The label of an API key Secret naming its holder's tier (written by the library's ExternalSecrets). */
const TIER_LABEL = 'models.cdk8s.io/tier';

function identityOf(objects: readonly KubeObject[], namespace: string, route: string): RouteIdentity {
  const sps = ofKind(objects, 'SecurityPolicy').filter((s) => (s.metadata.namespace ?? namespace) === namespace && (s.spec.targetRefs ?? []).some((t: Json) => t.kind === 'HTTPRoute' && t.name === route));
  if (sps.length !== 1) throw new Error(`HTTPRoute ${route}: ${sps.length} SecurityPolicies target it; the reader expects one`);
  const sp = sps[0];
  if (sp.spec.jwt && sp.spec.apiKeyAuth) throw new Error(`SecurityPolicy/${sp.metadata.name}: JWT and API keys together are not read (Envoy Gateway requires both)`);
  if (sp.spec.apiKeyAuth) {
    const clientTiers = new Map<string, string>();
    for (const ref of sp.spec.apiKeyAuth.credentialRefs as Json[]) {
      const es = ofKind(objects, 'ExternalSecret').find((e) => (e.spec.target?.name ?? e.metadata.name) === ref.name && e.metadata.namespace === (ref.namespace ?? namespace));
      if (!es) throw new Error(`SecurityPolicy/${sp.metadata.name}: no ExternalSecret makes Secret ${ref.name}`);
      for (const d of es.spec.data ?? []) clientTiers.set(d.secretKey, es.spec.target.template.metadata.labels[TIER_LABEL]);
    }
    const clientIdHeader = sp.spec.apiKeyAuth.forwardClientIDHeader;
    if (!clientIdHeader) throw new Error(`SecurityPolicy/${sp.metadata.name}: the client id is not forwarded (forwardClientIDHeader), so no rule can select a caller`);
    return { kind: 'api-key', clientIdHeader, clientTiers, claimHeaders: new Map(), authorization: sp.spec.authorization };
  }
  const claims = new Set<string>((sp.spec.authorization?.rules ?? []).flatMap((r: Json) => (r.principal?.jwt?.claims ?? []).map((c: Json) => c.name as string)));
  if (claims.size !== 1) throw new Error(`SecurityPolicy/${sp.metadata.name}: its rules select on claims ${[...claims].join(', ')}; the reader expects one tier claim`);
  const claimHeaders = new Map<string, string>((sp.spec.jwt?.providers ?? []).flatMap((p: Json) => (p.claimToHeaders ?? []).map((c: Json) => [c.claim, c.header] as [string, string])));
  return { kind: 'jwt', tierClaim: [...claims][0]!, claimHeaders, clientTiers: new Map(), authorization: sp.spec.authorization };
}

/** The headers that identify callers (each counted apart by a `Distinct` selector). */
function callerHeaderNames(identity: RouteIdentity): string[] {
  return identity.kind === 'api-key' ? [identity.clientIdHeader!] : [...identity.claimHeaders.values()];
}

/**
 * The tier a rule's selector on the caller headers selects: JWT, an Exact
 * match on the tier claim's header; API keys, a regular expression on the
 * client id matching exactly the clients of one tier. Undefined when the
 * selector is not a tier selector.
 */
function tierSelected(identity: RouteIdentity, h: Json, where: string): string | undefined {
  const type = h.type ?? 'Exact';
  if (identity.kind === 'jwt') return h.name === identity.claimHeaders.get(identity.tierClaim!) && type === 'Exact' ? h.value : undefined;
  if (h.name !== identity.clientIdHeader || type !== 'RegularExpression') return undefined;
  const clients = [...identity.clientTiers.keys()].filter((id) => headerMatches(h, { [h.name]: id }));
  const tiers = new Set(clients.map((id) => identity.clientTiers.get(id)!));
  if (tiers.size !== 1) throw new Error(`${where}: selects clients of ${tiers.size} tiers (${clients.join(', ')})`);
  const tier = [...tiers][0]!;
  const members = [...identity.clientTiers].filter(([, t]) => t === tier).map(([id]) => id);
  if (members.length !== clients.length) throw new Error(`${where}: selects some clients of tier ${tier} only (${clients.join(', ')} of ${members.join(', ')})`);
  return tier;
}

/** True when a header selector of a rate limit rule matches `headers` (Envoy Gateway api/v1alpha1/ratelimit_types.go `HeaderMatch`). */
function headerMatches(selector: Json, headers: Readonly<Record<string, string>>): boolean {
  const v = headers[selector.name];
  const type = selector.type ?? 'Exact';
  if (selector.invert) throw new Error(`inverted header selectors are not read: ${JSON.stringify(selector)}`);
  if (v === undefined) return false;
  if (type === 'Exact') return v === selector.value;
  if (type === 'RegularExpression') return new RegExp(`^(?:${selector.value})$`).test(v);
  if (type === 'Distinct') return true;
  throw new Error(`unknown header selector type ${type}`);
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
 * The budget entries of one token rule: the tier from its Exact selector on
 * the tier header, on each targeted route whose model its `x-ai-eg-model`
 * selector matches and that writes the count it reads.
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
    let perCaller = false;
    let modelSelected = true;
    for (const h of headers) {
      const selected = tierSelected(identity, h, where);
      if (selected !== undefined) tier = selected;
      else if (h.name === MODEL_HEADER) {
        const models = modelsOf(route);
        const hits = models.filter((m) => headerMatches(h, { [MODEL_HEADER]: m }));
        if (hits.length !== 0 && hits.length !== models.length) throw new Error(`${where}: selects some models of AIGatewayRoute/${name} only`);
        modelSelected = hits.length > 0;
      } else if ((h.type ?? 'Exact') === 'Distinct' && callerHeaderNames(identity).includes(h.name)) perCaller = true;
      else throw new Error(`${where}: a selector the reader does not know: ${JSON.stringify(h)}`);
    }
    if (tier === undefined) throw new Error(`${where}: selects no tier`);
    if (!perCaller) throw new Error(`${where}: counts every caller of tier ${tier} together (no Distinct selector on a caller header)`);
    if (!modelSelected) continue;
    const counts = countsOn(route, rule, where);
    if (counts === undefined) continue;
    const windowSeconds = UNIT_SECONDS[rule.limit.unit];
    if (windowSeconds === undefined) throw new Error(`${where}: unit ${rule.limit.unit}`);
    out.push({ holderKind: 'tier', holder: tier, route: name, counts, limit: rule.limit.requests, windowSeconds });
  }
  return out;
}

/**
 * The request headers Envoy sets for a verified caller of `caller.tier`:
 * JWT, each claim copied to its header (the tier, and an id for the
 * others); API keys, the client id of a holder of that tier (none for a
 * tier without keys: such a caller cannot authenticate). A subscription
 * header is sent as is: nothing on Envoy Gateway reads it.
 */
function callerHeaders(identity: RouteIdentity, caller: BudgetCaller, model: string): Record<string, string> {
  const headers: Record<string, string> = { [MODEL_HEADER]: model };
  if (identity.kind === 'api-key') {
    const id = [...identity.clientTiers].filter(([, t]) => t === caller.tier).map(([c]) => c).sort()[0];
    if (id !== undefined) headers[identity.clientIdHeader!] = id;
    return headers;
  }
  for (const [claim, header] of identity.claimHeaders) headers[header] = claim === identity.tierClaim ? caller.tier : `caller-${claim}`;
  return headers;
}

/**
 * Envoy Gateway with Envoy AI Gateway: tier budgets only (subscriptions are
 * refused by the engine), each read from the BackendTrafficPolicy rules and
 * the AIGatewayRoutes' `llmRequestCosts`; a caller's budgets are the rules
 * whose selectors match the headers Envoy sets for it on the route.
 */
export const envoyAiGatewayBudgetReader: BudgetReader = {
  budgets(objects) {
    return sortBudgets(ofKind(objects, 'BackendTrafficPolicy').flatMap((btp) => tokenRules(btp).flatMap((rule, i) => ruleEntries(objects, btp, rule, i))));
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
    const headers = callerHeaders(identityOf(objects, btp.metadata.namespace, route), caller, models[0]!);
    const all = tokenRules(btp).map((rule, i) => ({ rule, i }));
    return sortBudgets(
      all
        .filter(({ rule }) => rule.clientSelectors.some((s: Json) => (s.headers ?? []).every((h: Json) => headerMatches(h, headers))))
        .flatMap(({ rule, i }) => ruleEntries(objects, btp, rule, i).filter((e) => e.route === route)),
    );
  },
};

/**
 * True when Envoy Gateway lets an authenticated caller of `tier` make a
 * `POST /v1/chat/completions` on `route`: the first SecurityPolicy
 * authorization rule whose principal and operation match decides, else the
 * default action (envoyproxy/gateway api/v1alpha1/authorization_types.go).
 */
export function envoyGatewayMayCall(objects: readonly KubeObject[], namespace: string, tier: string, route: string): boolean {
  const identity = identityOf(objects, namespace, route);
  const { authorization } = identity;
  const headers = callerHeaders(identity, { tier }, '');
  if (identity.kind === 'api-key' && headers[identity.clientIdHeader!] === undefined) return false; // no key of this tier: 401
  const principal = (p: Json): boolean => {
    if (identity.kind === 'jwt') return p?.jwt !== undefined && (p.jwt.claims ?? []).every((c: Json) => c.values.includes(c.name === identity.tierClaim ? tier : undefined));
    return Array.isArray(p?.headers) && p.headers.length > 0 && p.headers.every((h: Json) => h.values.includes(headers[h.name]));
  };
  const path = '/v1/chat/completions';
  const underPrefix = (prefix: string) => (prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix || path.startsWith(`${prefix}/`));
  const hit = (authorization.rules ?? []).find(
    (r: Json) => principal(r.principal) && (!r.operation?.methods || r.operation.methods.includes('POST')) && (!r.operation?.path || (r.operation.path.type === 'PathPrefix' && underPrefix(r.operation.path.value))),
  );
  return (hit?.action ?? authorization.defaultAction) === 'Allow';
}
