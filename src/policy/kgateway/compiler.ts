import { BackendReference } from '../../core/backend';
import { invalid } from '../../core/errors';
import { UINT32_MAX } from '../../core/props';
import { ExternalSecret } from '../../core/external-secret';
import { Namespace } from '../../core/namespace';
import { NetworkPeer } from '../../core/network-peer';
import { ReferenceGrant } from '../../routing/reference-grant';
import { policyId } from '../../core/names';
import { findPlatformNamespace } from '../../routing/route-wiring';
import type { AccessPolicy, IPolicyRoute } from '../access-policy';
import { API_KEY_TIER_LABEL, API_KEY_USER_ANNOTATION, ApiKeyAuth, ApiKeyHolder, JwtAuth } from '../authentication';
import { celPathPrefix, celString, celStringList } from '../cel';
import { CompiledPolicy, PolicyCompiler, unsupported } from '../compiler';
import { CounterKey, LimitScope, RateLimitMode } from '../rate-limit';
import { Tier } from '../tier';
import { GatewayExtension, JwksSource, JwtTokenSource, JwtValidationMode, RateLimitHeaders } from './gateway-extension';
import { HttpListenerPolicy } from './http-listener-policy';
import { PolicyTarget } from './policy-target';
import { RateLimitService, RateLimitServiceDescriptor } from './rate-limit-service';
import { StaticBackend } from './static-backend';
import { RateLimitDescriptorEntry, TrafficPolicy, TrafficPolicyProps } from './traffic-policy';

const ENGINE = 'kgateway';
/**
 * The header carrying the caller's user id on kgateway: set (overwritten) by
 * the API-key filter to the key holder's id, or copied from the JWT user
 * claim when `claimsToHeaders` does not map that claim.
 */
export const KGATEWAY_USER_ID_HEADER = 'x-user-id';
/** The header a JWT's tier claim is copied to when `claimsToHeaders` does not map it. */
export const KGATEWAY_TIER_HEADER = 'x-user-tier';
/** The CEL path of the verified JWT payload that kgateway's JWT filter writes to dynamic metadata (for RBAC expressions). */
export const KGATEWAY_JWT_PAYLOAD_CEL = "metadata.filter_metadata['envoy.filters.http.jwt_authn']['payload']";
/** Envoy jwt_authn's fixed clock skew (kgateway exposes no setting). */
const ENVOY_JWT_CLOCK_SKEW_SECONDS = 60;

/** How callers are identified on kgateway, derived from the policy's one authentication method. */
type Identity =
  | { readonly kind: 'jwt'; readonly jwt: JwtAuth; readonly index: number; readonly userHeader: string; readonly tierHeader: string; readonly claimsToHeaders: Record<string, string> }
  | { readonly kind: 'api-key'; readonly auth: ApiKeyAuth; readonly index: number; readonly holders: readonly ApiKeyHolder[]; readonly userHeader: string };

/**
 * The kgateway policy engine: compiles an {@link AccessPolicy} into, per
 * protected HTTPRoute, one `TrafficPolicy` (in the policy's namespace, which
 * must be the routes' namespace) with:
 *
 * - `jwtAuth` referencing a JWT `GatewayExtension` (`<policy>-jwt`: issuer,
 *   audiences, remote JWKS through `JwtAuth.jwksBackend`, token from
 *   `Authorization: Bearer`, user and tier claims copied to headers), or
 *   `apiKeyAuth` selecting one Secret per key holder (an `ExternalSecret`
 *   each, the key stored under the holder's user id, which kgateway uses as
 *   the client id and writes to `x-user-id`);
 * - `rbac`: one CEL expression per tier allowed on the route (tier claim, or
 *   the user ids of the tier's key holders; plus the tier's methods and
 *   path prefixes); anything else gets 403;
 * - `extAuth` referencing an ExtAuth `GatewayExtension` (`<policy>-ext-auth`)
 *   that calls the OPA authorizer over gRPC (fail closed);
 * - `rateLimit.global` with one descriptor (scope, tier, user or client
 *   address) against a RateLimit `GatewayExtension` (`<policy>-ratelimit`)
 *   and the Envoy rate limit service it emits (`RateLimitService`, Redis
 *   counters, one nested descriptor per tier and user).
 *
 * With JWT it also adds an `HTTPListenerPolicy` on the Gateway that removes
 * client copies of the identity headers before any filter runs (Envoy's JWT
 * filter appends claim headers instead of replacing them).
 *
 * @see https://kgateway.dev/docs/envoy/main/about/policies/trafficpolicy/
 */
export const compiler: PolicyCompiler<AccessPolicy> = {
  id: ENGINE,
  displayName: 'kgateway',
  compile(policy: AccessPolicy): CompiledPolicy {
    return new KgatewayTranslation(policy).compile();
  },
};

class KgatewayTranslation {
  private readonly objects: string[] = [];
  private readonly caveats: string[] = [];

  public constructor(private readonly policy: AccessPolicy) {}

  public compile(): CompiledPolicy {
    const p = this.policy;
    this.checkGatewayAndRoutes();
    if (p.subscriptions.length > 0) {
      unsupported(
        p,
        ENGINE,
        'subscriptions',
        p.subscriptions.map((s) => s.name),
        'subscriptions carry token budgets, and kgateway TrafficPolicy counts requests only, not LLM tokens; use KUADRANT_POLICY_ENGINE (TokenRateLimitPolicy) or an AI gateway that counts usage tokens, or drop subscriptions',
      );
    }
    if (p.hasTokenLimits) {
      unsupported(
        p,
        ENGINE,
        'tiers.tokenLimits',
        p.tiers.filter((t) => t.tokenLimits.length > 0).map((t) => `${t.name}: ${t.tokenLimits.map(String).join(', ')}`),
        'kgateway TrafficPolicy counts requests only, not LLM tokens; use KUADRANT_POLICY_ENGINE (TokenRateLimitPolicy) or an AI gateway that counts usage.total_tokens',
      );
    }
    const identity = this.identity();
    const limited = p.tiers.some((t) => !t.unlimited);
    if (limited) this.checkRateLimits(identity);

    if (identity.kind === 'api-key') this.emitKeySecrets(identity);
    const jwtExtension = identity.kind === 'jwt' ? this.emitJwtExtension(identity) : undefined;
    const extAuthExtension = p.externalAuthorizer ? this.emitExtAuthExtension() : undefined;
    const rateLimit = limited ? this.emitRateLimitService(identity) : undefined;

    for (const route of p.routes) {
      const props: TrafficPolicyProps = {
        name: `${p.policyName}-${route.routeName}`,
        targets: [PolicyTarget.httpRoute(route)],
        jwtAuth: jwtExtension && { extension: jwtExtension },
        apiKeyAuth:
          identity.kind === 'api-key'
            ? {
                secretSelector: identity.auth.selectorFor(p),
                keySources: [{ header: identity.auth.location.header }],
                clientIdHeader: identity.userHeader,
                forwardCredential: false,
              }
            : undefined,
        rbac: { matchExpressions: this.rbacExpressions(identity, route) },
        extAuth: extAuthExtension && { extension: extAuthExtension },
        rateLimit: rateLimit && { global: { extension: rateLimit, descriptors: [this.descriptorEntries(identity, route)] } },
      };
      const tp = new TrafficPolicy(p, `TrafficPolicy-${route.routeName}`, props);
      this.objects.push(`TrafficPolicy/${tp.policyName}`);
    }
    if (identity.kind === 'jwt') this.stripIdentityHeaders(identity);
    this.commonCaveats(identity, limited);
    return { caveats: this.caveats, objects: this.objects };
  }

  private checkGatewayAndRoutes(): void {
    const p = this.policy;
    const provider = p.gateway.provider;
    if (provider !== undefined && provider.id !== ENGINE) {
      invalid(p, 'engine', `is kgateway, but gateway '${p.gateway.gatewayName}' is run by '${provider.id}', which ignores kgateway TrafficPolicies`, provider.id, 'drop the engine override (the gateway provider picks its engine)');
    }
    for (const r of p.routes) {
      if (r.routeKind !== 'HTTPRoute') {
        unsupported(p, ENGINE, 'routes', `${r.routeKind}/${r.routeName}`, 'kgateway TrafficPolicies attach to Gateways, HTTPRoutes and ListenerSets only; serve the model over an HTTPRoute, or use ENVOY_GATEWAY_POLICY_ENGINE, whose SecurityPolicy targets GRPCRoutes');
      }
      const ns = r.routeNamespace ?? p.policyNamespace;
      if (ns !== p.policyNamespace) {
        invalid(p, 'routes', `contains HTTPRoute '${r.routeName}' of namespace '${ns}', but kgateway attaches a TrafficPolicy only to routes of its own namespace ('${p.policyNamespace}')`, `${ns}/${r.routeName}`, `create the AccessPolicy in namespace '${ns}' (one policy per namespace of routes)`);
      }
    }
  }

  private identity(): Identity {
    const p = this.policy;
    if (p.authentication.length > 1) {
      unsupported(
        p,
        ENGINE,
        'authentication',
        p.authentication.map((a) => a.kind),
        'kgateway runs every authentication filter a TrafficPolicy configures, so a request would need both a JWT and an API key; use one method per AccessPolicy (split the routes), or KUADRANT_POLICY_ENGINE / ENVOY_GATEWAY_POLICY_ENGINE, which accept either',
      );
    }
    const method = p.authentication[0];
    const index = 0;
    if (method.kind === 'api-key') {
      const field = `authentication[${index}]`;
      if (method.holders === undefined) {
        unsupported(p, ENGINE, `${field} (ApiKeyAuth.fromLabeledSecrets)`, method.selectorFor(p), 'kgateway takes the client id from the data key of each Secret and cannot read the tier label or user annotation; use ApiKeyAuth.fromExternalSecrets, whose Secrets the library lays out for kgateway');
      }
      if (method.location.prefix !== undefined) {
        unsupported(p, ENGINE, `${field}.location`, `${method.location.header}: ${method.location.prefix} <key>`, "kgateway reads a key from a header as is (only a 'Bearer ' prefix is stripped); use ApiKeyLocation.header('x-api-key')");
      }
      if (method.location.header === KGATEWAY_USER_ID_HEADER) {
        invalid(p, `${field}.location`, `must not be '${KGATEWAY_USER_ID_HEADER}', the header kgateway sets to the authenticated user id`, method.location.header, "use ApiKeyLocation.header('x-api-key')");
      }
      return { kind: 'api-key', auth: method, index, holders: method.holders, userHeader: KGATEWAY_USER_ID_HEADER };
    }
    const field = `authentication[${index}]`;
    const skew = method.clockSkew.toSeconds();
    if (skew !== ENVOY_JWT_CLOCK_SKEW_SECONDS) {
      unsupported(p, ENGINE, `${field}.clockSkew`, `${skew}s`, `kgateway has no clock-skew setting and Envoy's JWT filter allows ${ENVOY_JWT_CLOCK_SKEW_SECONDS}s; use the default Duration.seconds(${ENVOY_JWT_CLOCK_SKEW_SECONDS})`);
    }
    if (!method.jwksBackend) {
      invalid(
        p,
        `${field}.jwksBackend`,
        'is required on kgateway: its JWT provider fetches the JWKS through a backend reference (jwks.remote.backendRef), not from the URL alone',
        undefined,
        "pass jwksBackend: a Service of the identity provider (Backend.service('idp', 443)) or a kgateway Backend of the JWKS host with TLS enabled (Backend.ref({ group: 'gateway.kgateway.dev', kind: 'Backend', name: 'idp-jwks' }))",
      );
    }
    const claimsToHeaders: Record<string, string> = { ...method.claimsToHeaders };
    const headerFor = (claim: string, fallback: string, role: string): string => {
      const mapped = claimsToHeaders[claim];
      if (mapped !== undefined) return mapped;
      const owner = Object.keys(claimsToHeaders).find((c) => claimsToHeaders[c] === fallback);
      if (owner !== undefined) {
        invalid(p, `${field}.claimsToHeaders`, `maps claim '${owner}' to '${fallback}', the header kgateway needs for the ${role} claim '${claim}'`, claimsToHeaders, `map '${claim}' to a header too, e.g. { '${claim}': '${fallback}' }`);
      }
      claimsToHeaders[claim] = fallback;
      return fallback;
    };
    const userHeader = headerFor(method.userClaim, KGATEWAY_USER_ID_HEADER, 'user');
    const tierHeader = headerFor(method.tierClaim, KGATEWAY_TIER_HEADER, 'tier');
    return { kind: 'jwt', jwt: method, index, userHeader, tierHeader, claimsToHeaders };
  }

  private checkRateLimits(identity: Identity): void {
    const p = this.policy;
    if (p.rateLimitMode === RateLimitMode.LOCAL) {
      unsupported(
        p,
        ENGINE,
        'rateLimitMode',
        p.rateLimitMode,
        `kgateway's local rate limit is one token bucket per route and proxy replica shared by every caller, so it cannot count per ${p.counterKey} or per tier; use RateLimitMode.GLOBAL (the Envoy rate limit service with Redis)`,
      );
    }
    if (identity.kind === 'jwt' && p.counterKey === CounterKey.API_KEY) {
      unsupported(p, ENGINE, 'counterKey', p.counterKey, "kgateway removes the JWT from the request before rate limiting and its descriptors read headers only, so a token cannot be a counter key; use CounterKey.USER (the user claim)");
    }
    for (const t of p.tiers) {
      if (t.limits.length > 1) {
        unsupported(p, ENGINE, `tiers(${t.name}).limits`, t.limits.map(String), 'kgateway sends one descriptor per TrafficPolicy and the Envoy rate limit service applies one limit per descriptor; keep one limit per tier, or use ENVOY_GATEWAY_POLICY_ENGINE / KUADRANT_POLICY_ENGINE, which accept several');
      }
      // The Envoy rate limit service reads requests_per_unit as a uint32 (envoyproxy/ratelimit
      // src/config/config_impl.go: YamlRateLimit.RequestsPerUnit uint32): a larger value fails its config load.
      const limit = t.limits[0];
      if (limit && limit.requestsPerUnit > UINT32_MAX) {
        invalid(p, `tiers(${t.name}).limits[0].requestsPerUnit`, `must be at most ${UINT32_MAX} on kgateway (the Envoy rate limit service reads requests_per_unit as a uint32)`, limit.requestsPerUnit, `use a limit of at most ${UINT32_MAX} per ${limit.unit}, a shorter unit, or declare the tier unlimited`);
      }
    }
    if (!p.redis) {
      invalid(p, 'redis', 'is required for request limits on kgateway: the Envoy rate limit service it emits keeps the counters in Redis', undefined, "pass redis: RedisReference.of({ host: 'redis.data.svc.cluster.local', password: { secret, key } })");
    }
    if ((p.redis.props.database ?? 0) !== 0) {
      unsupported(p, ENGINE, 'redis.database', p.redis.props.database, 'the Envoy rate limit service has no database setting (REDIS_URL is host:port); use database 0 (keys are prefixed per policy)');
    }
  }

  private emitKeySecrets(identity: Extract<Identity, { kind: 'api-key' }>): void {
    const p = this.policy;
    const store = identity.auth.secretStore;
    if (!store) invalid(p, `authentication[${identity.index}].secretStore`, 'is required for ExternalSecret-backed keys', undefined, 'use ApiKeyAuth.fromExternalSecrets({ secretStore, holders })');
    const selector = identity.auth.selectorFor(p);
    for (const h of [...identity.holders].sort((a, b) => (a.userId < b.userId ? -1 : 1))) {
      const es = new ExternalSecret(p, `ApiKey-${h.userId}`, {
        name: `${p.policyName}-key-${h.userId}`,
        secretStore: store,
        data: [{ secretKey: h.userId, remoteKey: h.remoteKey, property: h.property }],
        secretLabels: { ...selector, [API_KEY_TIER_LABEL]: h.tier },
        secretAnnotations: { [API_KEY_USER_ANNOTATION]: h.userId },
      });
      this.objects.push(`ExternalSecret/${es.secretName}`);
    }
  }

  private emitJwtExtension(identity: Extract<Identity, { kind: 'jwt' }>): GatewayExtension {
    const p = this.policy;
    const jwt = identity.jwt;
    const backend = jwt.jwksBackend!;
    this.grantExtensionAccess(backend.backendRef);
    const ext = new GatewayExtension(p, 'JwtProviders', {
      name: `${p.policyName}-jwt`,
      jwt: {
        validationMode: JwtValidationMode.STRICT,
        providers: [
          {
            name: p.policyName,
            issuer: jwt.issuer,
            audiences: jwt.audiences.length > 0 ? jwt.audiences : undefined,
            jwks: JwksSource.remote(jwt.jwksUri, backend),
            claimsToHeaders: identity.claimsToHeaders,
            forwardToken: false,
            tokenSource: JwtTokenSource.header('Authorization', 'Bearer '),
          },
        ],
      },
    });
    this.objects.push(`GatewayExtension/${ext.extensionName}`);
    // A StaticBackend opens its own host to the gateway (the same policy the platform may already have asked for), so the
    // JWKS fetch adds no second, identical NetworkPolicy.
    if (backend instanceof StaticBackend) backend.allowGateway(p.gateway);
    else this.allowGatewayEgress('jwks', backend.backendRef, 443);
    return ext;
  }

  private emitExtAuthExtension(): GatewayExtension {
    const p = this.policy;
    const opa = p.externalAuthorizer!;
    this.grantExtensionAccess(opa.backendRef);
    const ext = new GatewayExtension(p, 'ExtAuth', {
      name: `${p.policyName}-ext-auth`,
      extAuth: { grpcService: { backend: opa }, failOpen: false, statusOnError: 403 },
    });
    this.objects.push(`GatewayExtension/${ext.extensionName}`);
    return ext;
  }

  private emitRateLimitService(identity: Identity): GatewayExtension {
    const p = this.policy;
    const service = new RateLimitService(p, 'RateLimitService', {
      name: `${p.policyName}-ratelimit`,
      domain: `${p.policyNamespace}-${p.policyName}`,
      redis: p.redis!,
      descriptors: this.serviceDescriptors(identity),
    });
    service.allowGateway(p.gateway);
    const ext = new GatewayExtension(p, 'RateLimit', {
      name: `${p.policyName}-ratelimit`,
      rateLimit: { domain: service.domain, grpcService: { backend: service }, failOpen: false, xRateLimitHeaders: RateLimitHeaders.DRAFT_VERSION_03 },
    });
    this.objects.push(
      `GatewayExtension/${ext.extensionName}`,
      `ServiceAccount/${service.serviceName}`,
      `ConfigMap/${service.serviceName}-config`,
      `Deployment/${service.serviceName}`,
      `Service/${service.serviceName}`,
      `PodDisruptionBudget/${service.serviceName}`,
    );
    return ext;
  }

  /** The Envoy rate limit service configuration: scope, then tier (JWT) or user (API key), then the counted value. */
  private serviceDescriptors(identity: Identity): RateLimitServiceDescriptor[] {
    const p = this.policy;
    const byIp = p.counterKey === CounterKey.CLIENT_IP;
    const limitOf = (t: Tier): Pick<RateLimitServiceDescriptor, 'rateLimit' | 'unlimited'> => (t.unlimited ? { unlimited: true } : { rateLimit: t.limits[0] });
    const nested = (tiers: readonly Tier[]): RateLimitServiceDescriptor[] => {
      if (identity.kind === 'jwt') {
        return tiers.map((t) => ({ key: identity.tierHeader, value: t.name, descriptors: [{ key: byIp ? 'remote_address' : identity.userHeader, ...limitOf(t) }] }));
      }
      return identity.holders
        .filter((h) => tiers.some((t) => t.name === h.tier))
        .map((h) => {
          const t = p.tier(h.tier)!;
          return byIp ? { key: identity.userHeader, value: h.userId, descriptors: [{ key: 'remote_address', ...limitOf(t) }] } : { key: identity.userHeader, value: h.userId, ...limitOf(t) };
        });
    };
    if (p.limitScope === LimitScope.GATEWAY) return [{ key: 'policy', value: p.policyName, descriptors: nested(p.tiers) }];
    return p.routes
      .map((r) => ({ key: 'route', value: r.routeName, descriptors: nested(p.tiers.filter((t) => t.allows(r))) }))
      .filter((d) => d.descriptors.length > 0);
  }

  private descriptorEntries(identity: Identity, route: IPolicyRoute): RateLimitDescriptorEntry[] {
    const p = this.policy;
    const scope = p.limitScope === LimitScope.GATEWAY ? RateLimitDescriptorEntry.generic('policy', p.policyName) : RateLimitDescriptorEntry.generic('route', route.routeName);
    const byIp = p.counterKey === CounterKey.CLIENT_IP;
    if (identity.kind === 'jwt') {
      return [scope, RateLimitDescriptorEntry.header(identity.tierHeader), byIp ? RateLimitDescriptorEntry.remoteAddress() : RateLimitDescriptorEntry.header(identity.userHeader)];
    }
    return [scope, RateLimitDescriptorEntry.header(identity.userHeader), ...(byIp ? [RateLimitDescriptorEntry.remoteAddress()] : [])];
  }

  /** One CEL expression per tier allowed on the route; `false` when none is. */
  private rbacExpressions(identity: Identity, route: IPolicyRoute): string[] {
    const p = this.policy;
    const tiers = [...p.tiers].filter((t) => t.allows(route)).sort((a, b) => (a.name < b.name ? -1 : 1));
    const exprs: string[] = [];
    for (const t of tiers) {
      let who: string;
      if (identity.kind === 'jwt') {
        const claim = (c: string) => `${KGATEWAY_JWT_PAYLOAD_CEL}[${celString(c, "'")}]`;
        who = `${claim(identity.jwt.tierClaim)} == ${celString(t.name, "'")} && ${claim(identity.jwt.userClaim)} != ''`;
      } else {
        const users = identity.holders.filter((h) => h.tier === t.name).map((h) => h.userId).sort();
        if (users.length === 0) continue;
        who = `request.headers[${celString(identity.userHeader, "'")}] in ${celStringList(users, "'")}`;
      }
      const parts = [who];
      if (t.methods && t.methods.length > 0) parts.push(`request.method in ${celStringList([...t.methods].sort(), "'")}`);
      if (t.pathPrefixes && t.pathPrefixes.length > 0) parts.push(`(${[...t.pathPrefixes].sort().map((x) => celPathPrefix('request.url_path', x)).join(' || ')})`);
      exprs.push(parts.join(' && '));
    }
    return exprs.length > 0 ? exprs : ['false'];
  }

  /** Removes client copies of the JWT claim headers on the Gateway's listeners, before any filter runs. */
  private stripIdentityHeaders(identity: Extract<Identity, { kind: 'jwt' }>): void {
    const listener = HttpListenerPolicy.forGateway(this.policy, this.policy.gateway);
    listener.removeEarlyRequestHeaders(...new Set(Object.values(identity.claimsToHeaders)));
    const name = `HTTPListenerPolicy/${listener.policyName}`;
    if (!this.objects.includes(name)) this.objects.push(name);
  }

  /** A ReferenceGrant in `ref`'s namespace (when it is another namespace of the platform) letting this namespace's GatewayExtensions use it. */
  private grantExtensionAccess(ref: BackendReference): void {
    const p = this.policy;
    if (ref.namespace === undefined || ref.namespace === p.policyNamespace) return;
    const target = findPlatformNamespace(p, ref.namespace);
    if (!target) return;
    const id = `grant-gatewayextension-${p.policyNamespace}-${ref.name}`;
    if (target.node.tryFindChild(id)) return;
    const grant = new ReferenceGrant(target, id, {
      name: policyId(`gatewayextension-from-${p.policyNamespace}-to-${ref.name}`),
      from: [{ group: 'gateway.kgateway.dev', kind: 'GatewayExtension', namespace: p.policyNamespace }],
      to: [{ group: ref.group ?? '', kind: ref.kind ?? 'Service', name: ref.name }],
    });
    this.objects.push(`ReferenceGrant/${grant.grantName}`);
  }

  /** Opens egress from the gateway's proxy pods to `ref` (its pods when known, else any address on its port). */
  private allowGatewayEgress(what: string, ref: BackendReference, defaultPort: number): void {
    const p = this.policy;
    const dp = p.gateway.dataPlane;
    const chart: Namespace | undefined = dp ? findPlatformNamespace(p, dp.namespace) : undefined;
    if (!dp || !chart) return;
    const peer = ref.pods ? NetworkPeer.pods(ref.namespace ?? p.policyNamespace, ref.pods.selector) : NetworkPeer.anywhere();
    chart.allowEgress(policyId(`${p.gateway.gatewayName}-to-${what}-${p.policyName}`), {
      pods: dp.selector,
      peers: [peer],
      ports: [{ port: ref.pods?.port ?? ref.port ?? defaultPort }],
    });
  }

  private commonCaveats(identity: Identity, limited: boolean): void {
    const p = this.policy;
    this.caveats.push(
      'Most specific policy wins: kgateway merges TrafficPolicies field by field, so another TrafficPolicy on the same HTTPRoute (or one attached to a single rule with sectionName) can replace this policy\'s jwtAuth, apiKeyAuth, rbac, extAuth or rateLimit; RBAC is not cumulative across Gateway and route.',
    );
    if (identity.kind === 'jwt') {
      this.caveats.push(
        `Signature algorithms are not restricted to ${identity.jwt.algorithms.join('/')}: kgateway (Envoy jwt_authn) has no algorithm allow-list and accepts any algorithm that a key of the JWKS supports.`,
        `The tier claim '${identity.jwt.tierClaim}' must be a single string equal to a tier name; a list-valued claim matches no tier (403).`,
      );
      if (p.externalAuthorizer) {
        this.caveats.push(
          'OPA is called before the JWT is verified (kgateway orders its authentication filters by name: ext_auth before jwt); both must allow, but OPA sees the unverified token, and a request without a valid token may get 403 from OPA instead of 401.',
        );
      }
    }
    if (!limited) return;
    this.caveats.push(
      'Fixed windows: the Envoy rate limit service counts in windows aligned to the unit (a per-minute counter resets at :00), so a burst across a window boundary can reach twice the limit within one unit.',
      'If the rate limit service is unreachable, requests are refused with 500 (failOpen: false) rather than passed unlimited.',
    );
    if (p.counterKey === CounterKey.CLIENT_IP) {
      this.caveats.push(
        "The client address is the gateway's downstream peer unless the listener trusts X-Forwarded-For hops (HTTPListenerPolicy xffNumTrustedHops); behind a load balancer that hides client addresses every client shares one counter.",
      );
      if (identity.kind === 'api-key') {
        this.caveats.push('With API keys the tier is known only through the key holder, so client-address counters are kept per holder and address: holders of one tier behind one address do not share a counter.');
      }
    }
  }
}

