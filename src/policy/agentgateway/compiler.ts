import { AgentgatewayPolicy, AgentgatewayRateLimitDescriptor, AgentgatewayRateLimitUnit, AgentgatewayTraffic } from '../../agentgateway/agentgateway-policy';
import { BackendReference, IBackend } from '../../core/backend';
import { invalid } from '../../core/errors';
import { ExternalSecret } from '../../core/external-secret';
import { policyId } from '../../core/names';
import { NetworkPeer } from '../../core/network-peer';
import { UINT32_MAX } from '../../core/props';
import { ReferenceGrant } from '../../routing/reference-grant';
import { findPlatformNamespace } from '../../routing/route-wiring';
import type { AccessPolicy, IPolicyRoute } from '../access-policy';
import { API_KEY_TIER_LABEL, API_KEY_USER_ANNOTATION, ApiKeyAuth, ApiKeyHolder, JwtAuth } from '../authentication';
import { celPathPrefix, celString, celStringList } from '../cel';
import { CompiledPolicy, PolicyCompiler, unsupported } from '../compiler';
import { RateLimitService, RateLimitServiceDescriptor } from '../kgateway/rate-limit-service';
import { CounterKey, LimitScope, RateLimit, RateLimitMode, TimeUnit, TokenCount, TokenLimit } from '../rate-limit';
import { Subscription } from '../subscription';
import { celSelectedSubscription, celSubscriptionHeaderAllowed, SubscriptionCelNames } from '../subscription-cel';
import { Tier } from '../tier';

/** Engine id (also the id of `GatewayProvider.AGENTGATEWAY`). */
export const AGENTGATEWAY_ENGINE = 'agentgateway';

/** The request header agentgateway sets (replacing any client value) to the caller's user id, for backends. */
export const AGENTGATEWAY_USER_ID_HEADER = 'x-user-id';
/** The request header agentgateway sets to the caller's tier, for backends. */
export const AGENTGATEWAY_TIER_HEADER = 'x-user-tier';

/**
 * The metadata fields of an API-key Secret entry the library writes
 * (`{"key": ..., "metadata": {"user": ..., "tier": ...}}`), read in CEL as
 * `apiKey.user` and `apiKey.tier` (agentgateway flattens an entry's metadata
 * into `apiKey`: crates/agentgateway/src/http/apikey.rs `Claims`).
 */
const API_KEY_USER_FIELD = 'user';
const API_KEY_TIER_FIELD = 'tier';
const API_KEY_SUBSCRIPTIONS_FIELD = 'subscriptions';

/** The leeway agentgateway's JWT validation allows on `exp`/`nbf` (jsonwebtoken's `Validation` default; no setting). */
const JWT_LEEWAY_SECONDS = 60;

/** What a budget counts, by CEL over agentgateway's `llm` context (crates/agentgateway/src/cel/types.rs `LLMContext`). */
const TOKEN_COSTS: Readonly<Record<TokenCount, string | undefined>> = {
  [TokenCount.TOTAL]: undefined, // `Tokens` descriptors cost `llm.totalTokens` by default (crates/agentgateway/src/http/remoteratelimit.rs)
  [TokenCount.INPUT]: 'llm.inputTokens',
  [TokenCount.OUTPUT]: 'llm.outputTokens',
  [TokenCount.CACHED_INPUT]: 'llm.cachedInputTokens',
};

const PER_UNIT: Readonly<Record<TimeUnit, (n: number) => RateLimit>> = {
  [TimeUnit.SECOND]: RateLimit.perSecond,
  [TimeUnit.MINUTE]: RateLimit.perMinute,
  [TimeUnit.HOUR]: RateLimit.perHour,
  [TimeUnit.DAY]: RateLimit.perDay,
};

/** How callers are recognised in CEL. */
interface Identity {
  readonly kind: 'jwt' | 'api-key';
  /** CEL yielding the user id. */
  readonly user: string;
  /** CEL yielding the tier name. */
  readonly tier: string;
  /** CEL yielding the subscriptions the caller holds, a list or one string of names (guard with `has()`). */
  readonly held: string;
  /** The holders (API keys). */
  readonly holders?: readonly ApiKeyHolder[];
  /** The JWT method. */
  readonly jwt?: JwtAuth;
  /** The API-key method. */
  readonly apiKey?: ApiKeyAuth;
}

/** One token budget kind: what it counts, in which window, on which models (`all`, or the budget's own model set). */
interface TokenBudgetKey {
  readonly counts: TokenCount;
  readonly unit: TimeUnit;
  readonly models: string;
}

/**
 * The agentgateway (v1.4.1) policy engine: compiles an {@link AccessPolicy}
 * into one `AgentgatewayPolicy` per protected route (in the routes'
 * namespace) with:
 *
 * - `jwtAuthentication` (Strict; the issuer's JWKS fetched through
 *   `JwtAuth.jwksBackend`) or `apiKeyAuthentication` (Strict; the Secrets
 *   the library emits as ExternalSecrets, one per key holder, each entry
 *   `{"key": ..., "metadata": {"user": ..., "tier": ...}}` so that CEL reads
 *   `apiKey.user` and `apiKey.tier`); both remove the credential before the
 *   request goes upstream;
 * - `extAuth` to the OPA authorizer over gRPC (fail closed), which
 *   agentgateway calls after authentication;
 * - `authorization`: one Allow expression per tier allowed on the route
 *   (tier, methods, path prefixes); a request matching none gets 403;
 * - `rateLimit.global`: descriptors (scope, tier, window, user or client
 *   address) with unit `Requests`, and for token budgets with unit `Tokens`
 *   (scope, holder, kind, window, model set, user or address) and a `cost`
 *   reading `llm.inputTokens`, `llm.outputTokens` or `llm.cachedInputTokens`
 *   (total: `llm.totalTokens`), sent to the Envoy rate limit service the
 *   engine emits (`RateLimitService`, Redis counters, limits per tier and
 *   subscription in its configuration). The holder is the subscription
 *   selected for the request (the selection header, else the
 *   highest-priority one held that grants the model), else the tier; a
 *   header naming a subscription the caller does not hold, or one that does
 *   not grant the model, is refused by the authorization rules;
 * - `transformation`: the user id and tier set as request headers for the
 *   backend (`x-user-id`, `x-user-tier`, or the JWT's `claimsToHeaders`).
 *
 * Local limits are refused: agentgateway's local bucket is one per policy
 * target and proxy replica, shared by all callers
 * (crates/agentgateway/src/http/localratelimit.rs).
 *
 * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/controller/api/v1alpha1/agentgateway/agentgateway_policy_types.go
 */
export const compiler: PolicyCompiler<AccessPolicy> = {
  id: AGENTGATEWAY_ENGINE,
  displayName: 'agentgateway',
  compile(policy: AccessPolicy): CompiledPolicy {
    return new AgentgatewayTranslation(policy).compile();
  },
};

class AgentgatewayTranslation {
  private readonly objects: string[] = [];
  private readonly caveats: string[] = [];
  /** The routes each holder's token limit applies on (see {@link tokenKey}), computed once. */
  private budgetRoutes?: Map<Tier | Subscription, Map<TokenLimit, Set<string>>>;

  public constructor(private readonly policy: AccessPolicy) {}

  public compile(): CompiledPolicy {
    const p = this.policy;
    this.checkGatewayAndRoutes();
    const identity = this.identity();
    p.subscriptions.forEach((sub) =>
      sub.grants.forEach((g, i) => {
        if (g.limits && g.limits.length > 0) {
          unsupported(
            p,
            AGENTGATEWAY_ENGINE,
            `subscriptions(${sub.name}).grants[${i}].limits`,
            g.limits.map(String),
            'the agentgateway engine counts request limits per tier and token budgets per tier or subscription; give the request limits to the tiers, or use KUADRANT_POLICY_ENGINE',
          );
        }
      }),
    );
    const limited = p.tiers.some((t) => !t.unlimited) || p.hasTokenLimits;
    if (limited) this.checkRateLimits(identity);
    if (identity.apiKey) this.emitKeySecrets(identity);
    const jwksBackend = identity.jwt ? this.jwksBackend(identity.jwt) : undefined;
    const service = limited ? this.emitRateLimitService() : undefined;
    if (p.externalAuthorizer) this.grantPolicyAccess(p.externalAuthorizer.backendRef);

    for (const route of p.routes) {
      const descriptors = service ? this.descriptors(identity, route) : [];
      const traffic: AgentgatewayTraffic = {
        jwtAuthentication: identity.jwt
          ? { providers: [{ issuer: identity.jwt.issuer, audiences: identity.jwt.audiences.length > 0 ? identity.jwt.audiences : undefined, jwks: { remote: { backend: jwksBackend!, jwksPath: jwksPath(identity.jwt) } } }] }
          : undefined,
        apiKeyAuthentication: identity.apiKey
          ? { secretSelector: identity.apiKey.selectorFor(p), location: { header: identity.apiKey.location.header, prefix: identity.apiKey.location.prefix !== undefined ? `${identity.apiKey.location.prefix} ` : undefined } }
          : undefined,
        extAuth: p.externalAuthorizer ? { backend: p.externalAuthorizer, protocol: 'grpc' } : undefined,
        authorization: { matchExpressions: this.allowExpressions(identity, route) },
        rateLimit: service && descriptors.length > 0 ? { global: { backend: service, domain: service.domain, descriptors } } : undefined,
        requestHeaders: { set: this.identityHeaders(identity) },
      };
      const ap = new AgentgatewayPolicy(p, `AgentgatewayPolicy-${route.routeName}`, { name: policyId(`${p.policyName}-${route.routeName}`, 63), targets: [route], traffic });
      this.objects.push(`AgentgatewayPolicy/${ap.policyName}`);
    }
    this.commonCaveats(identity, limited);
    return { caveats: this.caveats, objects: this.objects };
  }

  private checkGatewayAndRoutes(): void {
    const p = this.policy;
    const provider = p.gateway.provider;
    if (provider !== undefined && provider.id !== AGENTGATEWAY_ENGINE) {
      invalid(p, 'engine', `is agentgateway, but gateway '${p.gateway.gatewayName}' is run by '${provider.id}', which ignores AgentgatewayPolicies`, provider.id, 'drop the engine override (the gateway provider picks its engine)');
    }
    for (const r of p.routes) {
      const ns = r.routeNamespace ?? p.policyNamespace;
      if (ns !== p.policyNamespace) {
        unsupported(p, AGENTGATEWAY_ENGINE, 'routes', `${r.routeKind}/${ns}/${r.routeName}`, `an AgentgatewayPolicy attaches only to routes of its own namespace (targetRefs are local): create the AccessPolicy in namespace '${ns}' (one policy per namespace of routes)`);
      }
    }
  }

  private identity(): Identity {
    const p = this.policy;
    if (p.authentication.length > 1) {
      unsupported(
        p,
        AGENTGATEWAY_ENGINE,
        'authentication',
        p.authentication.map((a) => a.kind),
        'agentgateway runs every authentication a policy configures (JWT, then API key, each Strict), so a request would need both; use one method per AccessPolicy (split the routes), or KUADRANT_POLICY_ENGINE, which accepts either',
      );
    }
    const method = p.authentication[0];
    const field = 'authentication[0]';
    if (method.kind === 'api-key') {
      if (method.holders === undefined || method.secretStore === undefined) {
        unsupported(
          p,
          AGENTGATEWAY_ENGINE,
          `${field} (ApiKeyAuth.fromLabeledSecrets)`,
          method.selectorFor(p),
          'agentgateway reads a caller\'s identity from the JSON metadata of its key entry, not from Secret labels or annotations; use ApiKeyAuth.fromExternalSecrets({ secretStore, holders }), whose Secrets the library writes in agentgateway\'s format',
        );
      }
      return { kind: 'api-key', user: `apiKey.${API_KEY_USER_FIELD}`, tier: `apiKey.${API_KEY_TIER_FIELD}`, held: `apiKey.${API_KEY_SUBSCRIPTIONS_FIELD}`, holders: method.holders, apiKey: method };
    }
    const skew = method.clockSkew.toSeconds();
    if (skew !== JWT_LEEWAY_SECONDS) {
      unsupported(p, AGENTGATEWAY_ENGINE, `${field}.clockSkew`, `${skew}s`, `agentgateway has no clock-skew setting and validates exp/nbf with a ${JWT_LEEWAY_SECONDS}s leeway (crates/agentgateway/src/http/jwt.rs); use the default Duration.seconds(${JWT_LEEWAY_SECONDS})`);
    }
    if (!method.jwksBackend) {
      invalid(
        p,
        `${field}.jwksBackend`,
        'is required on agentgateway: its JWT provider fetches the JWKS through a backend reference (jwks.remote.backendRef and jwksPath), not from the URL alone',
        undefined,
        "pass jwksBackend: the Service of the identity provider (Backend.service('keycloak', 8080)), or an AgentgatewayBackend of the JWKS host",
      );
    }
    for (const [role, claim] of [['userClaim', method.userClaim], ['tierClaim', method.tierClaim], ['subscriptionsClaim', method.subscriptionsClaim], ...Object.keys(method.claimsToHeaders).map((c) => ['claimsToHeaders', c])] as Array<[string, string]>) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(claim)) {
        unsupported(p, AGENTGATEWAY_ENGINE, `${field}.${role}`, claim, 'the engine reads claims as CEL fields (jwt.<claim>); use a claim name of letters, digits and _ (map the claim in the identity provider)');
      }
    }
    return { kind: 'jwt', user: `jwt.${method.userClaim}`, tier: `jwt.${method.tierClaim}`, held: `jwt.${method.subscriptionsClaim}`, jwt: method };
  }

  private checkRateLimits(identity: Identity): void {
    const p = this.policy;
    if (p.rateLimitMode === RateLimitMode.LOCAL) {
      unsupported(
        p,
        AGENTGATEWAY_ENGINE,
        'rateLimitMode',
        p.rateLimitMode,
        `agentgateway's local rate limit is one token bucket per policy target and proxy replica, shared by every caller (crates/agentgateway/src/http/localratelimit.rs), so it cannot count per ${p.counterKey} or per tier; use RateLimitMode.GLOBAL (the Envoy rate limit service with Redis)`,
      );
    }
    if (identity.kind === 'jwt' && p.counterKey === CounterKey.API_KEY) {
      unsupported(p, AGENTGATEWAY_ENGINE, 'counterKey', p.counterKey, 'counting per token would copy raw bearer tokens into rate-limit descriptors and Redis keys; use CounterKey.USER (the user claim)');
    }
    for (const t of p.tiers) {
      for (const [i, l] of t.limits.entries()) {
        // The Envoy rate limit service reads requests_per_unit as a uint32 (envoyproxy/ratelimit src/config/config_impl.go).
        if (l.requestsPerUnit > UINT32_MAX) invalid(p, `tiers(${t.name}).limits[${i}].requestsPerUnit`, `must be at most ${UINT32_MAX} on agentgateway (the Envoy rate limit service reads requests_per_unit as a uint32)`, l.requestsPerUnit, 'use a shorter unit, or declare the tier unlimited');
      }
    }
    for (const b of p.tokenBudgets()) {
      if (b.limit.tokensPerUnit > UINT32_MAX) invalid(p, `${b.field}.tokensPerUnit`, `must be at most ${UINT32_MAX} on agentgateway (the Envoy rate limit service reads requests_per_unit as a uint32)`, b.limit.tokensPerUnit, 'use a shorter unit');
    }
    if (p.hasTokenLimits) this.checkTokenRoutes();
    if (!p.redis) {
      invalid(p, 'redis', 'is required for request and token limits on agentgateway: the Envoy rate limit service it emits keeps the counters in Redis', undefined, "pass redis: RedisReference.of({ host: 'redis.data.svc.cluster.local', password: { secret, key } })");
    }
    if ((p.redis.props.database ?? 0) !== 0) {
      unsupported(p, AGENTGATEWAY_ENGINE, 'redis.database', p.redis.props.database, 'the Envoy rate limit service has no database setting (REDIS_URL is host:port); use database 0 (keys are prefixed per policy)');
    }
  }

  /**
   * agentgateway knows token counts (`llm.*`) only for requests it handles
   * as LLM traffic: routes to an `AgentgatewayBackend` AI provider. A route
   * to a Service or InferencePool is proxied as plain HTTP and would count no token.
   */
  private checkTokenRoutes(): void {
    const p = this.policy;
    for (const r of p.routes) {
      if (p.tokenBudgets(r).length === 0) continue;
      const backends = (r as unknown as { backends?: readonly IBackend[] }).backends;
      if (backends === undefined) {
        this.caveats.push(`Route \`${r.routeName}\` is defined elsewhere: its token budgets count only if its backends are AgentgatewayBackend AI providers (otherwise agentgateway sees no token usage).`);
        continue;
      }
      const plain = backends.filter((b) => b.backendRef.kind !== 'AgentgatewayBackend');
      if (plain.length > 0) {
        unsupported(
          p,
          AGENTGATEWAY_ENGINE,
          `routes(${r.routeName}).backends`,
          plain.map((b) => `${b.backendRef.kind ?? 'Service'}/${b.backendRef.name}`),
          'agentgateway counts LLM tokens only for requests it handles as LLM traffic (an AgentgatewayBackend AI provider); route the model through new AgentgatewayBackend(ns, id, { provider: AgentgatewayAiProvider.custom({ backend: pool, formats: [AgentgatewayAiFormat.COMPLETIONS] }) }), or drop its tokenLimits',
        );
      }
    }
  }

  /** One Secret per key holder, its entry JSON with the holder's user id and tier as metadata (agentgateway's API-key format). */
  private emitKeySecrets(identity: Identity): void {
    const p = this.policy;
    const auth = identity.apiKey!;
    const selector = auth.selectorFor(p);
    for (const h of [...identity.holders!].sort((a, b) => (a.userId < b.userId ? -1 : 1))) {
      const es = new ExternalSecret(p, `ApiKey-${h.userId}`, {
        name: `${p.policyName}-key-${h.userId}`,
        secretStore: auth.secretStore!,
        data: [{ secretKey: 'key', remoteKey: h.remoteKey, property: h.property }],
        // ESO template (engine v2, sprig): the stored key JSON-quoted, the identity as metadata.
        secretTemplate: {
          [h.userId]: `{"key":{{ .key | toJson }},"metadata":${JSON.stringify({ [API_KEY_USER_FIELD]: h.userId, [API_KEY_TIER_FIELD]: h.tier, ...(p.subscriptions.length > 0 ? { [API_KEY_SUBSCRIPTIONS_FIELD]: (h.subscriptions ?? []).map((x) => x.name).sort() } : {}) })}}`,
        },
        secretLabels: { ...selector, [API_KEY_TIER_LABEL]: h.tier },
        secretAnnotations: { [API_KEY_USER_ANNOTATION]: h.userId },
      });
      this.objects.push(`ExternalSecret/${es.secretName}`);
    }
  }

  /** The JWKS backend, with the egress it needs from the proxies. */
  private jwksBackend(jwt: JwtAuth): IBackend {
    const backend = jwt.jwksBackend!;
    this.grantPolicyAccess(backend.backendRef);
    this.allowGatewayEgress('jwks', backend.backendRef, 443);
    return backend;
  }

  private emitRateLimitService(): RateLimitService {
    const p = this.policy;
    const service = new RateLimitService(p, 'RateLimitService', {
      name: `${p.policyName}-ratelimit`,
      domain: `${p.policyNamespace}-${p.policyName}`,
      redis: p.redis!,
      descriptors: this.serviceDescriptors(),
    });
    service.allowGateway(p.gateway);
    this.objects.push(`ServiceAccount/${service.serviceName}`, `ConfigMap/${service.serviceName}-config`, `Deployment/${service.serviceName}`, `Service/${service.serviceName}`, `PodDisruptionBudget/${service.serviceName}`);
    return service;
  }

  /** The tiers counted on `route` (all tiers for a gateway-wide scope, whose one bucket every route shares). */
  private countedTiers(route: IPolicyRoute | undefined): Tier[] {
    const p = this.policy;
    return p.tiers.filter((t) => route === undefined || p.limitScope === LimitScope.GATEWAY || t.allows(route));
  }

  private scopeEntry(route: IPolicyRoute): { name: string; expression: string } {
    const p = this.policy;
    return p.limitScope === LimitScope.GATEWAY ? { name: 'policy', expression: celString(p.policyName, "'") } : { name: 'route', expression: celString(route.routeName, "'") };
  }

  private counterEntry(identity: Identity): { name: string; expression: string } {
    return this.policy.counterKey === CounterKey.CLIENT_IP ? { name: 'client', expression: 'source.address' } : { name: 'user', expression: identity.user };
  }

  /** The descriptors the route's policy sends: one per request window and per token budget kind of its tiers. */
  private descriptors(identity: Identity, route: IPolicyRoute): AgentgatewayRateLimitDescriptor[] {
    const tiers = this.countedTiers(route);
    const units = unique(tiers.flatMap((t) => (t.unlimited ? [] : t.limits.map((l) => l.unit))));
    const budgets = uniqueBy(this.policy.tokenBudgets(route).map((b) => this.tokenKey(b.holder, b.limit)), keyString);
    const scope = this.scopeEntry(route);
    const tier = { name: 'tier', expression: identity.tier };
    const holder = { name: 'holder', expression: this.holderExpression(identity, route) };
    const counter = this.counterEntry(identity);
    const out: AgentgatewayRateLimitDescriptor[] = [
      ...sortUnits(units).map((u) => ({ entries: [scope, tier, { name: 'window', expression: celString(u, "'") }, counter], unit: AgentgatewayRateLimitUnit.REQUESTS })),
      ...budgets.map((k) => ({
        entries: [scope, holder, { name: 'tokens', expression: celString(k.counts, "'") }, { name: 'window', expression: celString(k.unit, "'") }, { name: 'models', expression: celString(k.models, "'") }, counter],
        unit: AgentgatewayRateLimitUnit.TOKENS,
        cost: TOKEN_COSTS[k.counts],
      })),
    ];
    if (out.length > 16) {
      unsupported(this.policy, AGENTGATEWAY_ENGINE, 'tiers', out.length, `agentgateway sends at most 16 descriptors per policy, and route '${route.routeName}' needs one per request window and per token budget kind and window (${out.length}); use fewer distinct windows`);
    }
    return out;
  }

  /**
   * What a holder's token limit counts, its window, and its model set: the
   * routes on which this holder's limit applies (`all` when that is every
   * route of the policy). The set must be the holder's own: with one bucket
   * for the gateway the service configuration is not split per route, so a
   * key naming only the limit's `models` (none for a grant's budget) would
   * let a budget of one grant or tier count on the routes of another budget
   * of the same kind and window (a subscription's budget for one model
   * charged on its other grants' models).
   */
  private tokenKey(holder: Tier | Subscription, l: TokenLimit): TokenBudgetKey {
    const p = this.policy;
    if (!this.budgetRoutes) {
      this.budgetRoutes = new Map();
      for (const b of p.tokenBudgets()) {
        const byLimit = this.budgetRoutes.get(b.holder) ?? new Map<TokenLimit, Set<string>>();
        byLimit.set(b.limit, (byLimit.get(b.limit) ?? new Set<string>()).add(b.route.routeName));
        this.budgetRoutes.set(b.holder, byLimit);
      }
    }
    const names = [...(this.budgetRoutes.get(holder)?.get(l) ?? [])].sort();
    return { counts: l.counts, unit: l.unit, models: names.length === p.routes.length ? 'all' : names.join(',') };
  }

  /**
   * The rate limit service configuration: scope, tier, then the request
   * window, or the token kind, window and model set; then one counter per
   * user or address.
   */
  private serviceDescriptors(): RateLimitServiceDescriptor[] {
    const p = this.policy;
    const counterKey = p.counterKey === CounterKey.CLIENT_IP ? 'client' : 'user';
    const budgetTree = (holder: Tier | Subscription, routes: readonly IPolicyRoute[]): RateLimitServiceDescriptor[] => {
      const limits = [...new Set(routes.flatMap((r) => p.tokenBudgets(r).filter((b) => b.holder === holder).map((b) => b.limit)))];
      const tree = new Map<TokenCount, Map<TimeUnit, RateLimitServiceDescriptor[]>>();
      for (const l of limits) {
        const k = this.tokenKey(holder, l);
        const windows = tree.get(k.counts) ?? new Map<TimeUnit, RateLimitServiceDescriptor[]>();
        windows.set(k.unit, [...(windows.get(k.unit) ?? []), { key: 'models', value: k.models, descriptors: [{ key: counterKey, rateLimit: PER_UNIT[k.unit](l.tokensPerUnit) }] }]);
        tree.set(k.counts, windows);
      }
      return [...tree.entries()].map(([counts, windows]) => ({ key: 'tokens', value: counts, descriptors: [...windows.entries()].map(([unit, sets]) => ({ key: 'window', value: unit, descriptors: sets })) }));
    };
    const scoped = (tiers: readonly Tier[], subscriptions: readonly Subscription[], routes: readonly IPolicyRoute[]): RateLimitServiceDescriptor[] => [
      ...tiers.filter((t) => !t.unlimited && t.limits.length > 0).map((t) => ({ key: 'tier', value: t.name, descriptors: t.limits.map((l) => ({ key: 'window', value: l.unit, descriptors: [{ key: counterKey, rateLimit: l }] })) })),
      ...[...tiers.map((t) => ({ value: `tier:${t.name}`, h: t as Tier | Subscription })), ...subscriptions.map((s) => ({ value: `subscription:${s.name}`, h: s as Tier | Subscription }))]
        .map(({ value, h }) => ({ key: 'holder', value, descriptors: budgetTree(h, routes) }))
        .filter((d) => d.descriptors.length > 0),
    ];
    if (p.limitScope === LimitScope.GATEWAY) return [{ key: 'policy', value: p.policyName, descriptors: scoped(p.tiers, p.subscriptions, p.routes) }];
    return p.routes.map((r) => ({ key: 'route', value: r.routeName, descriptors: scoped(this.countedTiers(r), p.subscriptionsFor(r), [r]) })).filter((d) => d.descriptors.length > 0);
  }

  /** Where this policy's CEL reads the subscription selection (see `celSelectedSubscription`). */
  private subscriptionNames(identity: Identity): SubscriptionCelNames {
    // agentgateway's CEL has `type()` and `matches` (crates/cel-fork/cel/src/lib.rs, context.rs).
    return { held: identity.held, headers: 'request.headers', header: this.policy.subscriptionHeader, quote: "'" };
  }

  /** CEL yielding the holder whose budgets count a request on `route`: `subscription:<name>`, else `tier:<tier>`. */
  private holderExpression(identity: Identity, route: IPolicyRoute): string {
    if (this.policy.subscriptions.length === 0) return `'tier:' + ${identity.tier}`;
    const selected = celSelectedSubscription(this.subscriptionNames(identity), this.policy.subscriptionsFor(route));
    return `${selected} == '' ? 'tier:' + ${identity.tier} : 'subscription:' + ${selected}`;
  }

  /** The authorization clause refusing a selection header that names no subscription the caller holds and that grants `route`. */
  private selectionClause(identity: Identity, route: IPolicyRoute): string | undefined {
    const p = this.policy;
    // A route that serves no model (an endpoint's model list) selects no subscription: the header is not checked there.
    if (p.subscriptions.length === 0 || p.modelFreeRoutes.includes(route)) return undefined;
    return `(${celSubscriptionHeaderAllowed(this.subscriptionNames(identity), p.subscriptionsFor(route))})`;
  }

  /** One CEL expression per tier allowed on the route (any one allows); `false` when none is. */
  private allowExpressions(identity: Identity, route: IPolicyRoute): string[] {
    const p = this.policy;
    const tiers = [...p.tiers].filter((t) => t.allows(route)).sort((a, b) => (a.name < b.name ? -1 : 1));
    const exprs: string[] = [];
    for (const t of tiers) {
      const parts = [`${identity.tier} == ${celString(t.name, "'")}`];
      if (t.methods && t.methods.length > 0) parts.push(`request.method in ${celStringList([...t.methods].sort(), "'")}`);
      if (t.pathPrefixes && t.pathPrefixes.length > 0) parts.push(`(${[...t.pathPrefixes].sort().map((x) => celPathPrefix('request.path', x)).join(' || ')})`);
      const selection = this.selectionClause(identity, route);
      if (selection) parts.push(selection);
      exprs.push(parts.join(' && '));
    }
    return exprs.length > 0 ? exprs : ['false'];
  }

  /**
   * The identity headers set for the backend, replacing any client value: user id and tier (JWT: the claims of
   * `claimsToHeaders`, plus the user and tier claims on `x-user-id` and `x-user-tier` when not mapped, as kgateway
   * does, so a client can never pass its own identity headers through).
   */
  private identityHeaders(identity: Identity): Record<string, string> {
    const jwt = identity.jwt;
    if (jwt) {
      const set: Record<string, string> = Object.fromEntries(Object.entries(jwt.claimsToHeaders).map(([claim, header]) => [header, `jwt.${claim}`]));
      const mapped = Object.keys(jwt.claimsToHeaders);
      if (!mapped.includes(jwt.userClaim)) set[AGENTGATEWAY_USER_ID_HEADER] ??= `jwt.${jwt.userClaim}`;
      if (!mapped.includes(jwt.tierClaim)) set[AGENTGATEWAY_TIER_HEADER] ??= `jwt.${jwt.tierClaim}`;
      return set;
    }
    return { [AGENTGATEWAY_USER_ID_HEADER]: identity.user, [AGENTGATEWAY_TIER_HEADER]: identity.tier };
  }

  /** A ReferenceGrant in `ref`'s namespace (another namespace of the platform) letting this namespace's AgentgatewayPolicies use it. */
  private grantPolicyAccess(ref: BackendReference): void {
    const p = this.policy;
    if (ref.namespace === undefined || ref.namespace === p.policyNamespace) return;
    const target = findPlatformNamespace(p, ref.namespace);
    if (!target) {
      unsupported(p, AGENTGATEWAY_ENGINE, 'backend', `${ref.namespace}/${ref.name}`, `an AgentgatewayPolicy may reference a Service of another namespace only with a ReferenceGrant there: define it in a Namespace of this platform, or in '${p.policyNamespace}'`);
    }
    const id = `grant-agentgatewaypolicy-${p.policyNamespace}-${ref.name}`;
    if (target.node.tryFindChild(id)) return;
    const grant = new ReferenceGrant(target, id, {
      name: policyId(`agentgatewaypolicy-from-${p.policyNamespace}-to-${ref.name}`),
      from: [{ group: 'agentgateway.dev', kind: 'AgentgatewayPolicy', namespace: p.policyNamespace }],
      to: [{ group: ref.group ?? '', kind: ref.kind ?? 'Service', name: ref.name }],
    });
    this.objects.push(`ReferenceGrant/${grant.grantName}`);
  }

  /** Opens egress from the gateway's proxy pods to `ref` (its pods when known, else any address on its port). */
  private allowGatewayEgress(what: string, ref: BackendReference, defaultPort: number): void {
    const p = this.policy;
    const dp = p.gateway.dataPlane;
    const chart = dp ? findPlatformNamespace(p, dp.namespace) : undefined;
    if (!dp || !chart) return;
    const peer = ref.pods ? NetworkPeer.pods(ref.namespace ?? p.policyNamespace, ref.pods.selector) : NetworkPeer.anywhere();
    chart.allowEgress(policyId(`${p.gateway.gatewayName}-to-${what}-${p.policyName}`), { pods: dp.selector, peers: [peer], ports: [{ port: ref.pods?.port ?? ref.port ?? defaultPort }] });
  }

  private commonCaveats(identity: Identity, limited: boolean): void {
    const p = this.policy;
    this.caveats.push(
      'Most specific policy wins field by field: agentgateway merges AgentgatewayPolicies by field (Gateway < listener < route < route rule), so another AgentgatewayPolicy on one of these routes (or on a rule of it) can replace this policy\'s authentication, authorization or rateLimit; one on the Gateway with strategy.inheritance Override replaces them all.',
    );
    if (identity.jwt) {
      this.caveats.push(
        `JWT signature algorithms are not restricted to ${identity.jwt.algorithms.join('/')}: agentgateway accepts the algorithms of the key's family in the JWKS; exp/nbf are checked with a ${JWT_LEEWAY_SECONDS}s leeway. The tier claim '${identity.jwt.tierClaim}' must be a single string equal to a tier name.`,
        'The JWKS is fetched through the jwksBackend reference; when it serves HTTPS, TLS to it comes from a backend TLS setting on that backend (an AgentgatewayBackend with tls, or a BackendTLSPolicy on the Service).',
      );
    } else {
      this.caveats.push(
        `API-key Secrets hold one entry per holder, \`{"key": <key>, "metadata": {"user": <user id>, "tier": <tier>}}\` (agentgateway's format, templated by External Secrets); tiers come from the holders list at synth time, so adding or moving a key holder is a code change.`,
      );
    }
    if (p.externalAuthorizer) {
      this.caveats.push(`The external authorizer (OPA \`${p.externalAuthorizer.serviceNamespace}/${p.externalAuthorizer.serviceName}\`) is called after authentication and before the tier rules; unreachable, requests are refused (FailClosed).`);
    }
    if (!limited) return;
    this.caveats.push(
      'Fixed windows: the Envoy rate limit service counts in windows aligned to the unit (a per-minute counter resets at :00), so a burst across a window boundary can reach twice the limit within one unit.',
      'If the rate limit service is unreachable, requests are refused with 500 (FailClosed) rather than passed unlimited.',
    );
    if (p.hasTokenLimits) {
      this.caveats.push(
        'Token budgets are counted from the usage of each completed response (input, output, cached input or total tokens as agentgateway reports them in `llm.*`): a request is refused once the budget is spent, and the request that crosses it completes. agentgateway adds `stream_options.include_usage` to streamed OpenAI requests that do not set stream_options; a client that sends stream_options without include_usage gets no usage, and its stream counts no tokens.',
      );
    }
    if (p.counterKey === CounterKey.CLIENT_IP) {
      this.caveats.push("The client address is the proxy's downstream peer (`source.address`): behind a load balancer that hides client addresses, every client shares one counter.");
    }
  }
}


function keyString(k: TokenBudgetKey): string {
  return `${k.counts}/${k.unit}/${k.models}`;
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function uniqueBy<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const x of xs) if (!seen.has(key(x))) seen.set(key(x), x);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

function sortUnits(units: readonly TimeUnit[]): TimeUnit[] {
  const order = [TimeUnit.SECOND, TimeUnit.MINUTE, TimeUnit.HOUR, TimeUnit.DAY];
  return [...units].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** The JWKS path of the issuer's JWKS URL (`jwks.remote.jwksPath`), with its query. */
function jwksPath(jwt: JwtAuth): string {
  const u = new URL(jwt.jwksUri);
  return `${u.pathname}${u.search}`;
}
