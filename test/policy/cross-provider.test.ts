/**
 * Acceptance test of issue 5: one access intent (3 tiers with a hierarchy,
 * API keys and JWT, RBAC per model, method and path, request and token
 * limits, on two model routes) declared by ONE function and compiled for
 * every gateway provider. Each provider's objects are read back into the
 * provider-neutral facts (who may call what, with which limit, counted by
 * what, attached where) and compared with the same expectations; where a
 * provider cannot express a feature, the refusal is asserted and the
 * largest variant it can express is compiled instead.
 */
import { isCelError, run } from '@bufbuild/cel';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Backend, IBackend } from '../../src/core/backend';
import { ModelServingError } from '../../src/core/errors';
import { SecretRef } from '../../src/core/secret-ref';
import { KubeObject } from '../../src/delivery/manifest';
import { PlatformOutput, SynthError, synthPlatforms } from '../../src/delivery/synth';
import { toYaml } from '../../src/delivery/yaml';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { AccessPolicy } from '../../src/policy/access-policy';
import { ApiKeyAuth, ApiKeyHolder, Authentication, JwtAuth } from '../../src/policy/authentication';
import { Kuadrant } from '../../src/policy/kuadrant';
import { RateLimit, RateLimitMode, TokenLimit } from '../../src/policy/rate-limit';
import { RedisReference } from '../../src/policy/redis';
import { Tier } from '../../src/policy/tier';
import { HttpRoute } from '../../src/routing/http-route';
import { HttpMethod, PathMatch } from '../../src/routing/match';
import { checkPlatformSecurity } from '../../src/security/platforms';
import { formatFinding } from '../../src/security/check';
import { formatIssue, validateObjects } from '../../src/validate';
import { findObject, objectsOfKind, setup } from '../util';

// ---------------------------------------------------------------------------
// The intent
// ---------------------------------------------------------------------------

const NS = 'llm';
const POLICY = 'access';
const ISSUER = 'https://sso.example.com/realms/llm';
const JWKS_URI = 'https://sso.example.com/realms/llm/protocol/openid-connect/certs';
const AUDIENCE = 'llm-gateway';
const SECRET_STORE = { name: 'vault' };
const HOLDERS: readonly ApiKeyHolder[] = [
  { userId: 'alice', tier: 'free', remoteKey: 'llm/api-keys/alice' },
  { userId: 'bob', tier: 'premium', remoteKey: 'llm/api-keys/bob', property: 'key' },
  { userId: 'carol', tier: 'enterprise', remoteKey: 'llm/api-keys/carol' },
];
/**
 * What the secret store holds for the entries above (and the Redis password
 * Secret). The library never receives these values; the YAML scan below
 * proves none of them, nor anything that looks like a key, reaches output.
 */
const STORE_VALUES: Readonly<Record<string, string>> = {
  'llm/api-keys/alice': 'sk-alice4fJq8ZrT2mWx9LkP0vNb',
  'llm/api-keys/bob': 'sk-bob7Hd3KsLq1XcVb8NmZ2aQw',
  'llm/api-keys/carol': 'sk-carol9Gt5RyU3oPa6SdFg1HjK',
  'redis-auth/password': 'r3dis-Pa55word-QmX81',
};

/** The features of the full intent; a provider variant turns off those the provider cannot express. */
interface IntentFeatures {
  /** API keys from a secret store (ExternalSecrets), tier and user id from the key holder. */
  readonly apiKeys: boolean;
  /** JWT from the issuer's JWKS (RS256, audience checked), tier from the `tier` claim. */
  readonly jwt: boolean;
  /** LLM token limits per tier. */
  readonly tokenLimits: boolean;
  /** RBAC by method: free callers may only POST. */
  readonly methods: boolean;
  /** RBAC by path: free callers may only call under /qwen3/v1. */
  readonly pathPrefixes: boolean;
  /** A second window for premium: 50000 requests per day besides 1000 per minute. */
  readonly dailyLimit: boolean;
}

const FULL: IntentFeatures = { apiKeys: true, jwt: true, tokenLimits: true, methods: true, pathPrefixes: true, dailyLimit: true };
const without = (...drop: ReadonlyArray<keyof IntentFeatures>): IntentFeatures => ({ ...FULL, ...Object.fromEntries(drop.map((k) => [k, false])) });

/** What a provider needs around the intent (not part of the intent). */
interface Infrastructure {
  /** The Redis holding global counters (kgateway's rate limit service, Kong's `policy: redis`). */
  readonly redis?: RedisReference;
  /** Declare the Kuadrant CR: Authorino reads API-key Secrets from its namespace only. */
  readonly kuadrantCr?: boolean;
  /** The backend kgateway fetches the JWKS through. */
  readonly jwksBackend?: IBackend;
}

/** Knobs the `fails when` cases turn; the defaults are the intent. */
interface IntentOptions {
  readonly rateLimitMode?: RateLimitMode;
  readonly holders?: readonly ApiKeyHolder[];
  readonly freePerMinute?: number;
  readonly freeTokensPerMinute?: number;
  /** Leave a tier out of the policy (others still inherit it). */
  readonly withoutTier?: 'free' | 'premium' | 'enterprise';
  /** A third route, `docs`, outside the policy: unprotected, or public on purpose. */
  readonly docsRoute?: 'unprotected' | 'public';
}

type RouteName = 'qwen3' | 'granite';
const ROUTES: readonly RouteName[] = ['qwen3', 'granite'];

/**
 * THE intent, for any provider: a Gateway, two LLM routes (`/qwen3`,
 * `/granite`) and one AccessPolicy with three tiers:
 *
 * - free: qwen3 only (POST under /qwen3/v1), 100 requests/minute, 10k tokens/minute;
 * - premium: inherits free and adds granite, 1000 requests/minute (+ 50000/day), 100k tokens/hour;
 * - enterprise: inherits premium, every model, no request limit, 1M tokens/day.
 *
 * Callers authenticate with an API key (x-api-key) or a JWT; limits are
 * global, per user, per route.
 */
function declareIntent(provider: GatewayProvider, infra: Infrastructure, features: IntentFeatures = FULL, options: IntentOptions = {}) {
  const { app, ns, platform } = setup(['gateway', NS, ...(infra.kuadrantCr ? ['kuadrant-system'] : [])]);
  if (infra.kuadrantCr) new Kuadrant(ns['kuadrant-system'], 'kuadrant');
  const gateway = new Gateway(ns.gateway, 'models', {
    provider,
    listeners: [Listener.https({ certificates: [SecretRef.named('models-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns[NS]]) })],
  });
  const route = (name: string) =>
    new HttpRoute(ns[NS], name, { parents: [gateway.listener('https')], rules: [{ matches: [{ path: PathMatch.prefix(`/${name}`) }], backends: [Backend.service(`${name}-predictor`, 80)] }] });
  const qwen3 = route('qwen3');
  const granite = route('granite');
  if (options.docsRoute) {
    const docs = route('docs');
    if (options.docsRoute === 'public') docs.allowPublicAccess('model documentation, readable without an account');
  }

  const free = new Tier('free', {
    limits: [RateLimit.perMinute(options.freePerMinute ?? 100)],
    tokenLimits: features.tokenLimits ? [TokenLimit.perMinute(options.freeTokensPerMinute ?? 10_000)] : undefined,
    models: [qwen3],
    methods: features.methods ? ['POST'] : undefined,
    pathPrefixes: features.pathPrefixes ? ['/qwen3/v1'] : undefined,
  });
  const premium = new Tier('premium', {
    limits: features.dailyLimit ? [RateLimit.perMinute(1000), RateLimit.perDay(50_000)] : [RateLimit.perMinute(1000)],
    tokenLimits: features.tokenLimits ? [TokenLimit.perHour(100_000)] : undefined,
    models: [granite],
    inherits: free,
  });
  const enterprise = new Tier('enterprise', { unlimited: true, tokenLimits: features.tokenLimits ? [TokenLimit.perDay(1_000_000)] : undefined, models: '*', inherits: premium });

  const authentication: Authentication[] = [];
  if (features.apiKeys) authentication.push(ApiKeyAuth.fromExternalSecrets({ secretStore: SECRET_STORE, holders: options.holders ?? HOLDERS }));
  if (features.jwt) authentication.push(new JwtAuth({ issuer: ISSUER, jwksUri: JWKS_URI, audiences: [AUDIENCE], tierClaim: 'tier', jwksBackend: infra.jwksBackend }));

  const policy = new AccessPolicy(ns[NS], POLICY, {
    gateway,
    routes: [qwen3, granite],
    authentication,
    tiers: [free, premium, enterprise].filter((t) => t.name !== options.withoutTier),
    rateLimitMode: options.rateLimitMode ?? RateLimitMode.GLOBAL,
    redis: infra.redis,
  });
  return { app, platform, policy };
}

// ---------------------------------------------------------------------------
// Expectations, from the intent (the same for every provider)
// ---------------------------------------------------------------------------

interface Caller {
  readonly via: 'jwt' | 'api-key';
  readonly userId: string;
  readonly tier: string;
}

interface Call {
  readonly route: RouteName;
  readonly method: HttpMethod;
  readonly path: string;
}

/** RBAC decisions: `allowed`, except that the call is denied when the variant has the feature `deniedBy`. */
const DECISIONS: ReadonlyArray<{ readonly tier: string; readonly call: Call; readonly allowed: boolean; readonly deniedBy?: 'methods' | 'pathPrefixes' }> = [
  { tier: 'free', call: { route: 'qwen3', method: 'POST', path: '/qwen3/v1/chat/completions' }, allowed: true },
  { tier: 'free', call: { route: 'qwen3', method: 'GET', path: '/qwen3/v1/models' }, allowed: true, deniedBy: 'methods' },
  { tier: 'free', call: { route: 'qwen3', method: 'POST', path: '/qwen3/v2/chat/completions' }, allowed: true, deniedBy: 'pathPrefixes' },
  // Prefixes match whole path segments (as HTTPRoute PathPrefix): /qwen3/v1 does not cover /qwen3/v1beta.
  { tier: 'free', call: { route: 'qwen3', method: 'POST', path: '/qwen3/v1beta/chat/completions' }, allowed: true, deniedBy: 'pathPrefixes' },
  { tier: 'free', call: { route: 'granite', method: 'POST', path: '/granite/v1/chat/completions' }, allowed: false },
  { tier: 'premium', call: { route: 'granite', method: 'GET', path: '/granite/v1/models' }, allowed: true },
  // premium inherits free's model, not free's own method and path restrictions.
  { tier: 'premium', call: { route: 'qwen3', method: 'GET', path: '/qwen3/v1beta/models' }, allowed: true },
  { tier: 'enterprise', call: { route: 'granite', method: 'DELETE', path: '/granite/v1/files/1' }, allowed: true },
  { tier: 'enterprise', call: { route: 'qwen3', method: 'POST', path: '/qwen3/v1/chat/completions' }, allowed: true },
  // A verified token whose tier claim names no tier of the policy.
  { tier: 'gold', call: { route: 'qwen3', method: 'POST', path: '/qwen3/v1/chat/completions' }, allowed: false },
];

/** The request limits a tier's callers get on a route they may call; [] = not counted. */
function expectedRequestLimits(features: IntentFeatures, tier: string): string[] {
  if (tier === 'free') return ['100/minute'];
  if (tier === 'premium') return features.dailyLimit ? ['1000/minute', '50000/day'] : ['1000/minute'];
  return [];
}

const EXPECTED_TOKEN_LIMITS: Readonly<Record<string, readonly string[]>> = { free: ['10000/minute'], premium: ['100000/hour'], enterprise: ['1000000/day'] };

/** The routes each tier may call (model RBAC with inheritance). */
const ALLOWED_ROUTES: Readonly<Record<string, readonly RouteName[]>> = { free: ['qwen3'], premium: ['qwen3', 'granite'], enterprise: ['qwen3', 'granite'] };

/** The callers a variant has: one JWT user per tier (and one with an unknown tier), and the API-key holders. */
function callersOf(features: IntentFeatures): Caller[] {
  const callers: Caller[] = [];
  if (features.jwt) callers.push(...['free', 'premium', 'enterprise', 'gold'].map((tier): Caller => ({ via: 'jwt', userId: `jwt-${tier}-user`, tier })));
  if (features.apiKeys) callers.push(...HOLDERS.map((h): Caller => ({ via: 'api-key', userId: h.userId, tier: h.tier })));
  return callers;
}

// ---------------------------------------------------------------------------
// Readers: each provider's objects back into the neutral facts
// ---------------------------------------------------------------------------

/** Reads the effective policy out of one provider's synthesized objects. */
interface Reader {
  /** True when the objects let `caller` (already authenticated) make `call`. */
  allows(objects: readonly KubeObject[], caller: Caller, call: Call): boolean;
  /** The request limits applied to `caller` on `route`, as `<n>/<unit>`, sorted; [] when not counted. */
  requestLimits(objects: readonly KubeObject[], caller: Caller, route: RouteName): string[];
  /** The provider objects attached to `route` (`Kind/name`), sorted. */
  attachedTo(objects: readonly KubeObject[], route: RouteName): string[];
}

/** A synthesized object or part of one, read by field. */
type Json = any;

const obj = (objects: readonly KubeObject[], kind: string, name: string, namespace = NS): Json => findObject(objects, kind, name, namespace);
const sorted = (xs: readonly string[]): string[] => [...xs].sort();

/** Evaluates a CEL expression as the provider would; an evaluation error does not match. */
function celTrue(expression: string, bindings: Record<string, unknown>): boolean {
  const result = run(expression, bindings as Parameters<typeof run>[1]);
  return !isCelError(result) && result === true;
}

/** The headers the gateway sets for an authenticated caller (claims copied, or the API-key client id). */
function identityHeaders(caller: Caller): Record<string, string> {
  return caller.via === 'jwt' ? { 'x-user-id': caller.userId, 'x-user-tier': caller.tier } : { 'x-user-id': caller.userId };
}

/** Policies whose `targetRefs`/`targetRef` name `route`. */
function targeting(objects: readonly KubeObject[], route: string): string[] {
  return sorted(
    objects
      .filter((o) => {
        const spec = (o as Json).spec;
        const refs: Json[] = spec?.targetRefs ?? (spec?.targetRef ? [spec.targetRef] : []);
        return refs.some((r) => r.kind === 'HTTPRoute' && r.name === route);
      })
      .map((o) => `${o.kind}/${o.metadata.name}`),
  );
}

/** kgateway: TrafficPolicy RBAC CEL, and the Envoy rate limit service's descriptor tree. */
const KGATEWAY_READER: Reader = {
  allows(objects, caller, call) {
    const tp = obj(objects, 'TrafficPolicy', `${POLICY}-${call.route}`);
    const payload = caller.via === 'jwt' ? { 'envoy.filters.http.jwt_authn': { payload: { sub: caller.userId, tier: caller.tier, iss: ISSUER } } } : {};
    const bindings = { metadata: { filter_metadata: payload }, request: { method: call.method, url_path: call.path, headers: identityHeaders(caller) } };
    expect(tp.spec.rbac.action).toBe('Allow');
    return (tp.spec.rbac.policy.matchExpressions as string[]).some((e) => celTrue(e, bindings));
  },
  requestLimits(objects, caller, route) {
    const tp = obj(objects, 'TrafficPolicy', `${POLICY}-${route}`);
    const config = parse(obj(objects, 'ConfigMap', `${POLICY}-ratelimit-config`).data['config.yaml']);
    const headers = identityHeaders(caller);
    // The descriptor the route sends, matched as the rate limit service does: key and value, or key only.
    let level: Json[] | undefined = config.descriptors;
    let limit: Json;
    for (const e of tp.spec.rateLimit.global.descriptors[0].entries) {
      const [key, value] = e.type === 'Generic' ? [e.generic.key, e.generic.value] : [e.header, headers[e.header]];
      if (value === undefined) return [];
      const d = level?.find((x) => x.key === key && x.value === value) ?? level?.find((x) => x.key === key && x.value === undefined);
      if (!d) return [];
      limit = d.rate_limit;
      level = d.descriptors;
    }
    return !limit || limit.unlimited ? [] : [`${limit.requests_per_unit}/${limit.unit}`];
  },
  attachedTo: targeting,
};

/** Envoy Gateway: SecurityPolicy authorization rules, BackendTrafficPolicy client selectors. */
const ENVOY_GATEWAY_READER: Reader = {
  allows(objects, caller, call) {
    const authz = obj(objects, 'SecurityPolicy', `${POLICY}-${call.route}`).spec.authorization;
    const headers = identityHeaders(caller);
    const principal = (p: Json): boolean => {
      if (p.jwt) return caller.via === 'jwt' && p.jwt.provider === POLICY && p.jwt.claims.every((c: Json) => c.name === 'tier' && c.values.includes(caller.tier));
      return Array.isArray(p.headers) && p.headers.length > 0 && (p.headers as Json[]).every((h) => h.values.includes(headers[h.name]));
    };
    // PathPrefix compares whole '/'-separated segments (documented on AuthorizationRule.path).
    const underPrefix = (prefix: string, path: string) => prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix || path.startsWith(`${prefix}/`);
    const hit = (authz.rules as Json[]).find(
      (r) =>
        principal(r.principal) &&
        (!r.operation?.methods || r.operation.methods.includes(call.method)) &&
        (!r.operation?.path || (r.operation.path.type === 'PathPrefix' && underPrefix(r.operation.path.value, call.path))),
    );
    return hit ? hit.action === 'Allow' : authz.defaultAction === 'Allow';
  },
  requestLimits(objects, caller, route) {
    const btp = obj(objects, 'BackendTrafficPolicy', `${POLICY}-rate-limits`);
    if (!btp.spec.targetRefs.some((r: Json) => r.kind === 'HTTPRoute' && r.name === route)) return [];
    const headers = identityHeaders(caller);
    const matches = (h: Json): boolean => {
      const v = headers[h.name];
      if (v === undefined) return false;
      if (h.type === 'Exact') return v === h.value;
      if (h.type === 'RegularExpression') return new RegExp(h.value).test(v);
      return h.type === 'Distinct';
    };
    const rules: Json[] = btp.spec.rateLimit.global?.rules ?? btp.spec.rateLimit.local?.rules ?? [];
    return sorted(rules.filter((r) => r.clientSelectors.some((s: Json) => s.headers.every(matches))).map((r) => `${r.limit.requests}/${String(r.limit.unit).toLowerCase()}`));
  },
  attachedTo: targeting,
};

const KUADRANT_UNITS: Readonly<Record<string, string>> = { '1s': 'second', '1m': 'minute', '1h': 'hour', '24h': 'day' };

/** Kuadrant: AuthPolicy authorization predicates, RateLimitPolicy/TokenRateLimitPolicy limits by `when`. */
function kuadrantLimits(objects: readonly KubeObject[], kind: 'RateLimitPolicy' | 'TokenRateLimitPolicy', caller: Caller, route: RouteName): string[] {
  const policy = objectsOfKind(objects, kind).find((o) => o.metadata.name === `${POLICY}-${route}`);
  if (!policy) return [];
  const bindings = { auth: { identity: { tier: caller.tier, userid: caller.userId } } };
  return sorted(
    Object.values(policy.spec.limits as Record<string, Json>)
      .filter((l) => (l.when as Json[]).every((w) => celTrue(w.predicate, bindings)))
      .flatMap((l) => (l.rates as Json[]).map((r) => `${r.limit}/${KUADRANT_UNITS[r.window]}`)),
  );
}

const KUADRANT_READER: Reader = {
  allows(objects, caller, call) {
    const rules = obj(objects, 'AuthPolicy', `${POLICY}-${call.route}`).spec.rules.authorization as Record<string, Json>;
    const identity = caller.via === 'jwt' ? { credentialType: 'jwt', tier: caller.tier, userid: caller.userId, sub: caller.userId, iss: ISSUER, aud: AUDIENCE } : { credentialType: 'api-key', tier: caller.tier, userid: caller.userId };
    const bindings = { auth: { identity }, context: { request: { http: { method: call.method, path: call.path } } } };
    return Object.values(rules).every((r) => !(r.when ?? []).every((w: Json) => celTrue(w.predicate, bindings)) || (r.patternMatching.patterns as Json[]).every((p) => celTrue(p.predicate, bindings)));
  },
  requestLimits: (objects, caller, route) => kuadrantLimits(objects, 'RateLimitPolicy', caller, route),
  attachedTo: targeting,
};

/**
 * Kong (KIC): the plugins listed on the HTTPRoute and on the caller's
 * KongConsumer. A plugin listed on both routes and consumers applies to
 * each consumer on each route (KIC's plugin combinations).
 */
const KONG_PLUGIN_WINDOWS = ['second', 'minute', 'hour', 'day'] as const;
function kongPlugins(objects: readonly KubeObject[], annotated: KubeObject): Json[] {
  const names = (annotated.metadata.annotations?.['konghq.com/plugins'] ?? '').split(',').filter((n) => n !== '');
  return names.map((n) => obj(objects, 'KongPlugin', n));
}
function kongConsumer(objects: readonly KubeObject[], caller: Caller): Json {
  const found = objectsOfKind(objects, 'KongConsumer').filter((c) => (c as Json).username === caller.userId);
  expect(found).toHaveLength(1);
  return found[0];
}
const KONG_READER: Reader = {
  allows(objects, caller, call) {
    const plugins = kongPlugins(objects, obj(objects, 'HTTPRoute', call.route));
    if (plugins.some((p) => p.plugin === 'request-termination')) return false;
    const groups = (kongConsumer(objects, caller).credentials as string[])
      .map((c) => obj(objects, 'ExternalSecret', c))
      .filter((es) => es.spec.target.template.metadata.labels['konghq.com/credential'] === 'acl')
      .map((es) => es.spec.target.template.data.group as string);
    const acl = plugins.filter((p) => p.plugin === 'acl');
    return acl.length > 0 && acl.every((p) => (p.config.allow as string[]).some((g) => groups.includes(g)));
  },
  requestLimits(objects, caller, route) {
    const consumer = kongConsumer(objects, caller);
    const onRoute = kongPlugins(objects, obj(objects, 'HTTPRoute', route)).map((p) => p.metadata.name as string);
    const onConsumer = kongPlugins(objects, consumer).map((p) => p.metadata.name as string);
    const usedBy = (name: string, kind: string) => objectsOfKind(objects, kind).some((o) => (o.metadata.annotations?.['konghq.com/plugins'] ?? '').split(',').includes(name));
    return sorted(
      objectsOfKind(objects, 'KongPlugin')
        .map((p) => p as Json)
        .filter((p) => p.plugin === 'rate-limiting')
        .filter((p) => (onRoute.includes(p.metadata.name) || !usedBy(p.metadata.name, 'HTTPRoute')) && (onConsumer.includes(p.metadata.name) || !usedBy(p.metadata.name, 'KongConsumer')))
        .flatMap((p) => KONG_PLUGIN_WINDOWS.filter((w) => p.config[w] !== undefined).map((w) => `${p.config[w]}/${w}`)),
    );
  },
  attachedTo(objects, route) {
    return sorted(kongPlugins(objects, obj(objects, 'HTTPRoute', route)).map((p) => `KongPlugin/${p.metadata.name}`));
  },
};

// ---------------------------------------------------------------------------
// The providers
// ---------------------------------------------------------------------------

const REDIS = RedisReference.of({ host: 'redis.data.svc.cluster.local', namespace: 'data', password: { secret: SecretRef.named('redis-auth'), key: 'password' } });

interface Refusal {
  /** What is added to the largest variant. */
  readonly feature: string;
  readonly features?: Partial<IntentFeatures>;
  readonly options?: IntentOptions;
  readonly infrastructure?: Infrastructure;
  /** The field the error names. */
  readonly field: string;
  /** A piece of the explanation (why, and the alternative). */
  readonly because: RegExp;
}

interface ProviderCase {
  readonly id: 'kgateway' | 'envoy-gateway' | 'kuadrant' | 'kong';
  readonly provider: GatewayProvider;
  readonly displayName: string;
  readonly infrastructure: Infrastructure;
  /** The largest variants the provider can express, each compiled and read back; the first is where refusals are tried. */
  readonly variants: readonly IntentFeatures[];
  /** The field the refusal of the FULL intent names; undefined when the provider expresses all of it. */
  readonly fullIntentRefusedAt?: string;
  /** Each feature the provider refuses, added alone to its first variant. */
  readonly refusals: readonly Refusal[];
  readonly reader: Reader;
}

const PROVIDERS: readonly ProviderCase[] = [
  {
    id: 'kgateway',
    provider: GatewayProvider.KGATEWAY,
    displayName: 'kgateway',
    infrastructure: { redis: REDIS, jwksBackend: Backend.ref({ group: 'gateway.kgateway.dev', kind: 'Backend', name: 'sso-jwks' }) },
    variants: [without('apiKeys', 'tokenLimits', 'dailyLimit'), without('jwt', 'tokenLimits', 'dailyLimit')],
    fullIntentRefusedAt: 'tiers.tokenLimits',
    refusals: [
      { feature: 'token limits', features: { tokenLimits: true }, field: 'tiers.tokenLimits', because: /counts requests only, not LLM tokens; use KUADRANT_POLICY_ENGINE/ },
      { feature: 'API keys besides JWT', features: { apiKeys: true }, field: 'authentication', because: /a request would need both a JWT and an API key/ },
      { feature: 'two windows in one tier', features: { dailyLimit: true }, field: 'tiers(premium).limits', because: /one limit per descriptor/ },
      { feature: 'per-replica counters', options: { rateLimitMode: RateLimitMode.LOCAL }, field: 'rateLimitMode', because: /cannot count per user or per tier; use RateLimitMode\.GLOBAL/ },
    ],
    reader: KGATEWAY_READER,
  },
  {
    id: 'envoy-gateway',
    provider: GatewayProvider.ENVOY_GATEWAY,
    displayName: 'Envoy Gateway',
    infrastructure: {},
    variants: [without('apiKeys', 'tokenLimits'), without('jwt', 'tokenLimits')],
    fullIntentRefusedAt: 'authentication',
    refusals: [
      { feature: 'token limits', features: { tokenLimits: true }, field: 'tiers(free).tokenLimits[0]', because: /counts LLM tokens only on Envoy AI Gateway routes/ },
      { feature: 'API keys besides JWT', features: { apiKeys: true }, field: 'authentication', because: /JWT and API keys are AND-ed/ },
    ],
    reader: ENVOY_GATEWAY_READER,
  },
  {
    id: 'kuadrant',
    provider: GatewayProvider.ISTIO,
    displayName: 'Kuadrant',
    infrastructure: { kuadrantCr: true },
    variants: [FULL],
    refusals: [
      { feature: 'per-replica counters', options: { rateLimitMode: RateLimitMode.LOCAL }, field: 'rateLimitMode', because: /Kuadrant counts every limit in Limitador/ },
      { feature: 'a Redis of the policy', infrastructure: { kuadrantCr: true, redis: REDIS }, field: 'redis', because: /Limitador's storage is set once per cluster/ },
    ],
    reader: KUADRANT_READER,
  },
  {
    id: 'kong',
    provider: GatewayProvider.KONG,
    displayName: 'Kong (OSS)',
    infrastructure: { redis: REDIS },
    variants: [without('jwt', 'tokenLimits', 'methods', 'pathPrefixes')],
    fullIntentRefusedAt: 'tiers(free).tokenLimits',
    refusals: [
      { feature: 'token limits', features: { tokenLimits: true }, field: 'tiers(free).tokenLimits', because: /Kong Enterprise only/ },
      { feature: 'RBAC by method', features: { methods: true }, field: 'tiers(free).methods', because: /acl plugin allows by consumer group only/ },
      { feature: 'RBAC by path', features: { pathPrefixes: true }, field: 'tiers(free).pathPrefixes', because: /acl plugin allows by consumer group only/ },
      { feature: 'JWT from a JWKS', features: { jwt: true }, field: 'authentication[1].jwksUri', because: /never fetches a JWKS/ },
    ],
    reader: KONG_READER,
  },
];

const PROVIDER = Object.fromEntries(PROVIDERS.map((p) => [p.id, p])) as Record<ProviderCase['id'], ProviderCase>;

/** The variant's name in test titles. */
function variantName(f: IntentFeatures): string {
  const on = (Object.keys(f) as Array<keyof IntentFeatures>).filter((k) => f[k]);
  return on.length === Object.keys(FULL).length ? 'full intent' : on.join(' + ');
}

interface Compiled {
  readonly objects: KubeObject[];
  readonly outputs: PlatformOutput[];
}
const cache = new Map<string, Compiled>();
/** The provider's synthesized variant (synthesized once per test file). */
function compiled(p: ProviderCase, features: IntentFeatures): Compiled {
  const key = `${p.id}:${JSON.stringify(features)}`;
  let c = cache.get(key);
  if (!c) {
    const { app } = declareIntent(p.provider, p.infrastructure, features);
    const outputs = synthPlatforms(app);
    c = { outputs, objects: outputs.flatMap((o) => o.manifests.map((m) => m.object)) };
    cache.set(key, c);
  }
  return c;
}

/** The ModelServingError `fn` throws. */
function refusal(fn: () => unknown): ModelServingError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelServingError);
    return e as ModelServingError;
  }
  return expect.fail('expected a ModelServingError, but nothing was thrown');
}

/** Every output file of the platforms, YAML for objects, as written to dist/. */
function outputText(outputs: readonly PlatformOutput[]): string {
  return outputs.flatMap((o) => [...o.manifests.map((m) => toYaml(m.object)), ...Object.values(o.files)]).join('\n---\n');
}

/** The needles found in `text`. */
function leaked(text: string, needles: readonly string[]): string[] {
  return needles.filter((n) => text.includes(n));
}

// ---------------------------------------------------------------------------
// 1 + 2: one intent, four providers, the same facts
// ---------------------------------------------------------------------------

describe('one access intent on every provider', () => {
  describe.each(PROVIDERS)('$id', (p) => {
    it(p.fullIntentRefusedAt ? `refuses the full intent, naming ${p.fullIntentRefusedAt}` : 'expresses the full intent', () => {
      if (p.fullIntentRefusedAt === undefined) {
        expect(p.variants[0]).toEqual(FULL);
        expect(() => declareIntent(p.provider, p.infrastructure, FULL)).not.toThrow();
        return;
      }
      const e = refusal(() => declareIntent(p.provider, p.infrastructure, FULL));
      expect(e.field).toBe(p.fullIntentRefusedAt);
      expect(e.message).toContain(`test/${NS}/${POLICY}: ${p.fullIntentRefusedAt} cannot be expressed by provider '${p.id}'`);
    });

    describe.each(p.variants.map((f) => ({ f, name: variantName(f) })))('$name', ({ f }) => {
      it('authorizes every tier as the intent says (model, method, path, hierarchy)', () => {
        const { objects } = compiled(p, f);
        const decisions = callersOf(f).flatMap((caller) =>
          DECISIONS.filter((d) => d.tier === caller.tier).map((d) => ({
            who: `${caller.via}:${caller.userId} ${d.call.method} ${d.call.path}`,
            allowed: p.reader.allows(objects, caller, d.call),
            expected: d.deniedBy !== undefined && f[d.deniedBy] ? false : d.allowed,
          })),
        );
        // JWT: 10 calls (one caller per tier, and one of an unknown tier); API keys: 9 (alice, bob, carol).
        expect(decisions).toHaveLength((f.jwt ? 10 : 0) + (f.apiKeys ? 9 : 0));
        expect(decisions.filter((d) => d.allowed !== d.expected)).toEqual([]);
      });

      it('limits each tier per user and route: free 100/minute, premium 1000/minute, enterprise not counted', () => {
        const { objects } = compiled(p, f);
        for (const caller of callersOf(f).filter((c) => c.tier !== 'gold')) {
          for (const route of ALLOWED_ROUTES[caller.tier] ?? []) {
            expect({ caller: caller.userId, route, limits: p.reader.requestLimits(objects, caller, route) }).toEqual({ caller: caller.userId, route, limits: sorted(expectedRequestLimits(f, caller.tier)) });
          }
        }
      });

      it('attaches to both model routes, and validates as the apiserver would', () => {
        const { objects, outputs } = compiled(p, f);
        for (const route of ROUTES) expect(p.reader.attachedTo(objects, route).length).toBeGreaterThan(0);
        expect(validateObjects(objects.map((object) => ({ object, file: `${object.kind}/${object.metadata.name}` })), { gatewayApiChannel: 'standard' }).map(formatIssue)).toEqual([]);
        expect(checkPlatformSecurity(outputs).map(formatFinding)).toEqual([]);
        expect(outputs[0]?.files['POLICY.md']).toContain(`Engine: ${p.displayName}; gateway \`gateway/models\`; namespace \`${NS}\``);
      });
    });
  });

  describe('kgateway', () => {
    const p = PROVIDER.kgateway;
    it('JWT: a JWT GatewayExtension with issuer, audience and remote JWKS; RBAC on the verified claims; one TrafficPolicy per route', () => {
      const { objects } = compiled(p, p.variants[0]!);
      const provider = obj(objects, 'GatewayExtension', `${POLICY}-jwt`).spec.jwt.providers[0];
      expect(provider).toMatchObject({ issuer: ISSUER, audiences: [AUDIENCE], jwks: { remote: { url: JWKS_URI, backendRef: { kind: 'Backend', name: 'sso-jwks' } } }, forwardToken: false });
      expect(provider.claimsToHeaders).toEqual([
        { name: 'sub', header: 'x-user-id' },
        { name: 'tier', header: 'x-user-tier' },
      ]);
      for (const route of ROUTES) {
        expect(p.reader.attachedTo(objects, route)).toEqual([`TrafficPolicy/${POLICY}-${route}`]);
        const tp = obj(objects, 'TrafficPolicy', `${POLICY}-${route}`);
        expect(tp.spec.jwtAuth).toEqual({ extensionRef: { name: `${POLICY}-jwt` } });
        // Counter key: the route, the verified tier, the verified user id.
        expect(tp.spec.rateLimit.global.descriptors[0].entries).toEqual([
          { type: 'Generic', generic: { key: 'route', value: route } },
          { type: 'Header', header: 'x-user-tier' },
          { type: 'Header', header: 'x-user-id' },
        ]);
      }
      // RBAC of granite: premium and enterprise, free not.
      expect(obj(objects, 'TrafficPolicy', `${POLICY}-granite`).spec.rbac.policy.matchExpressions.join('\n')).not.toContain("'free'");
      // Client copies of the identity headers are dropped at the Gateway.
      expect(obj(objects, 'HTTPListenerPolicy', 'models-listener', 'gateway').spec).toEqual({
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'models' }],
        earlyRequestHeaderModifier: { remove: ['x-user-id', 'x-user-tier'] },
      });
      // Counters in Redis, the password by Secret reference.
      const env = obj(objects, 'Deployment', `${POLICY}-ratelimit`).spec.template.spec.containers[0].env as Json[];
      expect(env.find((e) => e.name === 'REDIS_URL').value).toBe('redis.data.svc.cluster.local:6379');
      expect(env.find((e) => e.name === 'REDIS_AUTH')).toEqual({ name: 'REDIS_AUTH', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } });
    });

    it('API keys: one ExternalSecret per holder selected by label, the user id as client id and counter key', () => {
      const { objects } = compiled(p, p.variants[1]!);
      const tp = obj(objects, 'TrafficPolicy', `${POLICY}-qwen3`);
      expect(tp.spec.apiKeyAuth).toEqual({ secretSelector: { matchLabels: { 'models.cdk8s.io/api-key': `${NS}.${POLICY}` } }, keySources: [{ header: 'x-api-key' }], clientIdHeader: 'x-user-id', forwardCredential: false });
      expect(tp.spec.rateLimit.global.descriptors[0].entries).toEqual([{ type: 'Generic', generic: { key: 'route', value: 'qwen3' } }, { type: 'Header', header: 'x-user-id' }]);
      for (const h of HOLDERS) {
        const es = obj(objects, 'ExternalSecret', `${POLICY}-key-${h.userId}`);
        expect(es.spec.data).toEqual([{ secretKey: h.userId, remoteRef: h.property ? { key: h.remoteKey, property: h.property } : { key: h.remoteKey } }]);
        expect(es.spec.target.template.metadata.labels).toEqual({ 'models.cdk8s.io/api-key': `${NS}.${POLICY}`, 'models.cdk8s.io/tier': h.tier });
      }
      expect(objectsOfKind(objects, 'Secret')).toEqual([]);
    });
  });

  describe('Envoy Gateway', () => {
    const p = PROVIDER['envoy-gateway'];
    it('JWT: a SecurityPolicy per route with the issuer, audience and remote JWKS, default Deny; one BackendTrafficPolicy counting per user and route', () => {
      const { objects } = compiled(p, p.variants[0]!);
      for (const route of ROUTES) {
        expect(p.reader.attachedTo(objects, route)).toEqual([`BackendTrafficPolicy/${POLICY}-rate-limits`, `SecurityPolicy/${POLICY}-${route}`]);
        const sp = obj(objects, 'SecurityPolicy', `${POLICY}-${route}`);
        expect(sp.spec.jwt.providers).toEqual([
          {
            name: POLICY,
            issuer: ISSUER,
            audiences: [AUDIENCE],
            remoteJWKS: { uri: JWKS_URI },
            claimToHeaders: [
              { claim: 'sub', header: 'x-user-id' },
              { claim: 'tier', header: 'x-user-tier' },
            ],
            extractFrom: { headers: [{ name: 'Authorization', valuePrefix: 'Bearer ' }] },
          },
        ]);
        expect(sp.spec.authorization.defaultAction).toBe('Deny');
      }
      expect(obj(objects, 'SecurityPolicy', `${POLICY}-granite`).spec.authorization.rules.map((r: Json) => r.name)).toEqual(['enterprise', 'premium']);
      const btp = obj(objects, 'BackendTrafficPolicy', `${POLICY}-rate-limits`);
      expect(btp.spec.rateLimit.local).toBeUndefined();
      for (const rule of btp.spec.rateLimit.global.rules as Json[]) {
        // Counter key: one bucket per user id (Distinct), not shared across routes.
        expect(rule.clientSelectors[0].headers[1]).toEqual({ name: 'x-user-id', type: 'Distinct' });
        expect(rule.shared).toBeUndefined();
      }
      expect(obj(objects, 'ClientTrafficPolicy', 'models-client-traffic', 'gateway').spec.headers.earlyRequestHeaders.remove).toEqual(['x-user-id', 'x-user-tier']);
    });

    it('API keys: the holders’ ExternalSecrets referenced by name, the user id forwarded and counted', () => {
      const { objects } = compiled(p, p.variants[1]!);
      const sp = obj(objects, 'SecurityPolicy', `${POLICY}-qwen3`);
      expect(sp.spec.apiKeyAuth).toEqual({
        credentialRefs: HOLDERS.map((h) => ({ name: `${POLICY}-key-${h.userId}` })),
        extractFrom: [{ headers: ['x-api-key'] }],
        forwardClientIDHeader: 'x-user-id',
        sanitize: true,
      });
      expect(sp.spec.jwt).toBeUndefined();
      expect(obj(objects, 'ExternalSecret', `${POLICY}-key-bob`).spec.data).toEqual([{ secretKey: 'bob', remoteRef: { key: 'llm/api-keys/bob', property: 'key' } }]);
      expect(objectsOfKind(objects, 'Secret')).toEqual([]);
    });
  });

  describe('Kuadrant', () => {
    const p = PROVIDER.kuadrant;
    it('API keys or JWT in one AuthPolicy per route; identity published for the limits; keys as ExternalSecrets in the Kuadrant namespace', () => {
      const { objects } = compiled(p, FULL);
      for (const route of ROUTES) {
        expect(p.reader.attachedTo(objects, route)).toEqual([`AuthPolicy/${POLICY}-${route}`, `RateLimitPolicy/${POLICY}-${route}`, `TokenRateLimitPolicy/${POLICY}-${route}`]);
      }
      const auth = obj(objects, 'AuthPolicy', `${POLICY}-qwen3`).spec.rules;
      expect(auth.authentication['api-key'].apiKey).toEqual({ selector: { matchLabels: { 'models.cdk8s.io/api-key': `${NS}.${POLICY}` } } });
      expect(auth.authentication['api-key'].credentials).toEqual({ customHeader: { name: 'x-api-key' } });
      expect(auth.authentication['api-key'].overrides.tier).toEqual({ selector: 'auth.identity.metadata.labels.models\\.cdk8s\\.io/tier' });
      expect(auth.authentication.jwt.jwt).toEqual({ jwksUrl: JWKS_URI });
      expect(auth.authorization['jwt-claims'].patternMatching.patterns[0].predicate).toContain(`auth.identity.iss == "${ISSUER}"`);
      expect(auth.response.success.filters.identity.json.properties).toEqual({ tier: { expression: 'auth.identity.tier' }, userid: { expression: 'auth.identity.userid' } });
      for (const h of HOLDERS) {
        const es = obj(objects, 'ExternalSecret', `${POLICY}-${h.userId}`, 'kuadrant-system');
        expect(es.spec.data[0].remoteRef.key).toBe(h.remoteKey);
        expect(es.spec.target.template.metadata.labels['authorino.kuadrant.io/managed-by']).toBe('authorino');
      }
      // Counter key: the published user id, per route (one RateLimitPolicy per route).
      for (const limit of Object.values(obj(objects, 'RateLimitPolicy', `${POLICY}-qwen3`).spec.limits as Record<string, Json>)) {
        expect(limit.counters).toEqual([{ expression: 'auth.identity.userid' }]);
      }
    });

    it('token limits per tier, counted per user from the responses’ usage', () => {
      const { objects } = compiled(p, FULL);
      for (const caller of callersOf(FULL).filter((c) => c.tier !== 'gold')) {
        for (const route of ALLOWED_ROUTES[caller.tier] ?? []) {
          expect({ caller: caller.userId, route, tokens: kuadrantLimits(objects, 'TokenRateLimitPolicy', caller, route) }).toEqual({ caller: caller.userId, route, tokens: EXPECTED_TOKEN_LIMITS[caller.tier] });
        }
      }
      expect(obj(objects, 'TokenRateLimitPolicy', `${POLICY}-granite`).spec.limits.enterprise.counters).toEqual([{ expression: 'auth.identity.userid' }]);
      expect(Object.keys(obj(objects, 'TokenRateLimitPolicy', `${POLICY}-granite`).spec.limits)).not.toContain('free');
    });
  });

  describe('Kong', () => {
    const p = PROVIDER.kong;
    it('API keys: key-auth on every route, one KongConsumer per holder, tier as acl group, rate-limiting per consumer in Redis', () => {
      const { objects } = compiled(p, p.variants[0]!);
      expect(obj(objects, 'KongPlugin', `${POLICY}-key-auth`).config).toEqual({ key_names: ['x-api-key'], key_in_header: true, key_in_query: false, key_in_body: false, hide_credentials: true });
      expect(p.reader.attachedTo(objects, 'qwen3')).toEqual([`KongPlugin/${POLICY}-acl-qwen3`, `KongPlugin/${POLICY}-key-auth`, `KongPlugin/${POLICY}-rate-limit-free`, `KongPlugin/${POLICY}-rate-limit-premium`]);
      expect(p.reader.attachedTo(objects, 'granite')).toEqual([`KongPlugin/${POLICY}-acl-granite`, `KongPlugin/${POLICY}-key-auth`, `KongPlugin/${POLICY}-rate-limit-premium`]);
      expect(obj(objects, 'KongPlugin', `${POLICY}-acl-granite`).config.allow).toEqual([`${NS}.${POLICY}.enterprise`, `${NS}.${POLICY}.premium`]);
      for (const h of HOLDERS) {
        const consumer = obj(objects, 'KongConsumer', `${POLICY}-${h.userId}`);
        expect(consumer.username).toBe(h.userId);
        expect(obj(objects, 'ExternalSecret', `${POLICY}-${h.userId}-key-auth`).spec.data).toEqual([{ secretKey: 'key', remoteRef: h.property ? { key: h.remoteKey, property: h.property } : { key: h.remoteKey } }]);
        expect(obj(objects, 'ExternalSecret', `${POLICY}-${h.userId}-acl`).spec.target.template.data).toEqual({ group: `${NS}.${POLICY}.${h.tier}` });
      }
      const premium = obj(objects, 'KongPlugin', `${POLICY}-rate-limit-premium`);
      expect(premium.config).toMatchObject({ minute: 1000, day: 50000, limit_by: 'consumer', policy: 'redis', redis: { host: 'redis.data.svc.cluster.local', port: 6379 } });
      expect(premium.configPatches).toEqual([{ path: '/redis/password', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } }]);
      expect(objectsOfKind(objects, 'KongPlugin').map((k) => k.metadata.name)).not.toContain(`${POLICY}-rate-limit-enterprise`);
      // The Kong proxy pods may reach Redis.
      expect(obj(objects, 'NetworkPolicy', 'allow-models-to-redis', 'gateway').spec.egress[0].ports).toEqual([{ port: 6379, protocol: 'TCP' }]);
    });
  });
});

// ---------------------------------------------------------------------------
// 3: invariants that hold on every provider
// ---------------------------------------------------------------------------

describe.each(PROVIDERS)('fails when ($id)', (p) => {
  const largest = p.variants[0]!;
  const withKeys = p.variants.find((v) => v.apiKeys)!;

  it('a route has no access policy (deny by default), unless declared public', () => {
    const { app } = declareIntent(p.provider, p.infrastructure, largest, { docsRoute: 'unprotected' });
    expect(() => synthPlatforms(app)).toThrow(SynthError);
    expect(() => synthPlatforms(app)).toThrow(/test\/llm\/docs: HTTPRoute\/llm\/docs has no access policy and is not declared public \(deny by default\)/);

    const open = declareIntent(p.provider, p.infrastructure, largest, { docsRoute: 'public' });
    const [out] = synthPlatforms(open.app);
    expect(out?.files['POLICY.md']).toContain('| HTTPRoute/llm/docs | public | model documentation, readable without an account |');
    expect(p.reader.attachedTo(out!.manifests.map((m) => m.object), 'docs' as RouteName)).toEqual([]);
  });

  it('an API key is given as a literal value instead of a store entry', () => {
    const literal = STORE_VALUES['llm/api-keys/alice']!;
    const e = refusal(() => declareIntent(p.provider, p.infrastructure, withKeys, { holders: [{ userId: 'alice', tier: 'free', key: literal } as unknown as ApiKeyHolder] }));
    expect(e.field).toBe('authentication[0].holders[0].remoteKey');
    expect(e.message).not.toContain(literal);
  });

  it('a key value is given where the store path belongs: refused at once, without echoing it', () => {
    const literal = STORE_VALUES['llm/api-keys/alice']!;
    const e = refusal(() => declareIntent(p.provider, p.infrastructure, withKeys, { holders: [{ userId: 'alice', tier: 'free', remoteKey: literal }] }));
    expect(e.field).toBe('authentication[0].holders[0].remoteKey');
    expect(e.message).toContain('looks like a key value, not its path in the secret store');
    expect(e.message).not.toContain(literal);
  });

  it('a tier is referenced but not defined', () => {
    const holder = refusal(() => declareIntent(p.provider, p.infrastructure, withKeys, { holders: [{ userId: 'eve', tier: 'gold', remoteKey: 'llm/api-keys/eve' }] }));
    expect(holder.field).toBe('authentication[0].holders[0].tier');
    expect(holder.message).toContain('names a tier the policy does not define (defined: free, premium, enterprise) (received: "gold")');
    const inherited = refusal(() => declareIntent(p.provider, p.infrastructure, largest, { withoutTier: 'free' }));
    expect(inherited.field).toBe('tiers(premium).inherits');
    expect(inherited.message).toContain(`names a tier the policy does not define (received: "free"). Fix: add tier 'free' to tiers`);
  });

  it.each([0, -5])('a request limit is %d', (n) => {
    const e = refusal(() => declareIntent(p.provider, p.infrastructure, largest, { freePerMinute: n }));
    expect(e.field).toBe('tiers[0](free).limits[0].requestsPerUnit');
    expect(e.message).toContain(`must be a positive integer (requests per minute) (received: ${n})`);
  });

  it('a token limit is 0 (reported as invalid before any provider refuses token limits)', () => {
    const e = refusal(() => declareIntent(p.provider, p.infrastructure, FULL, { freeTokensPerMinute: 0 }));
    expect(e.field).toBe('tiers[0](free).tokenLimits[0].tokensPerUnit');
  });

  it.each(p.refusals.map((r) => [r.feature, r] as const))('the intent adds a feature the provider cannot express: %s', (_name, r) => {
    const e = refusal(() => declareIntent(p.provider, r.infrastructure ?? p.infrastructure, { ...largest, ...r.features }, r.options));
    expect(e.field).toBe(r.field);
    expect(e.message).toContain(`test/${NS}/${POLICY}: ${r.field} cannot be expressed by provider '${p.id}'`);
    expect(e.fix).toMatch(r.because);
  });
});

// ---------------------------------------------------------------------------
// 4: no key or password value in any provider's output
// ---------------------------------------------------------------------------

describe('no secret value reaches the output of any provider', () => {
  const cases = PROVIDERS.flatMap((p) => p.variants.map((f) => ({ p, f, name: `${p.id}: ${variantName(f)}` })));

  it.each(cases)('$name', ({ p, f }) => {
    const { outputs, objects } = compiled(p, f);
    const text = outputText(outputs);
    // The scan reads what is there: the store paths of the keys are in the output (as references)...
    if (f.apiKeys) expect(leaked(text, HOLDERS.map((h) => h.remoteKey))).toEqual(HOLDERS.map((h) => h.remoteKey));
    // ...and the values behind them are not, nor any Secret with data.
    expect(leaked(text, Object.values(STORE_VALUES))).toEqual([]);
    expect(text).not.toMatch(/sk-[A-Za-z0-9]{20,}|-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(text).not.toMatch(/^\s*stringData:/m);
  });
});
