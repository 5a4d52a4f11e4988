import { invalid } from '../../core/errors';
import { ExternalSecret } from '../../core/external-secret';
import { Namespace } from '../../core/namespace';
import { NetworkPeer } from '../../core/network-peer';
import type { AccessPolicy, IPolicyRoute } from '../access-policy';
import { API_KEY_TIER_LABEL, API_KEY_USER_ANNOTATION, type ApiKeyAuth, type JwtAuth } from '../authentication';
import { type CompiledPolicy, type PolicyCompiler, unsupported } from '../compiler';
import { CounterKey, LimitScope, RateLimitMode } from '../rate-limit';
import type { Tier } from '../tier';
import { KongConsumer } from './kong-consumer';
import { KONG_CREDENTIAL_LABEL, KongCredential, type KongStoreEntry } from './kong-credential';
import { attachKongPlugins, type KongLimitBy, KongPlugin, type KongRedisOptions, type RateLimitingOptions } from './kong-plugin';

/** Engine id. */
const ENGINE = 'kong';
/** User ids the compiler uses for its own consumers. */
const RESERVED_USER_IDS = ['anonymous', 'jwt-issuer'];

const LIMIT_BY: Readonly<Record<CounterKey, KongLimitBy>> = {
  [CounterKey.USER]: 'consumer',
  [CounterKey.API_KEY]: 'credential',
  [CounterKey.CLIENT_IP]: 'ip',
};

/** The Kong policy that already protects each route (Kong runs one instance of each plugin per route). */
const routeOwners = new WeakMap<IPolicyRoute, string>();

/**
 * Compiles an access intent for Kong Gateway OSS 3.7+ with the Kong Ingress
 * Controller 3.x (Gateway API, GatewayClass `kong`), into objects of the
 * policy's namespace:
 *
 * - authentication: a `key-auth` KongPlugin (the key from the intent's
 *   header, stripped before proxying, never read from the query string) and
 *   a `jwt` KongPlugin (`Authorization: Bearer`, `exp` verified), listed on
 *   every route with `konghq.com/plugins`. With both, each falls back to an
 *   anonymous consumer, so either credential suffices.
 * - identity: one `KongConsumer` per API-key holder (username = user id)
 *   with two credential Secrets created by ExternalSecrets: `key-auth` (the
 *   key from the store) and `acl` (group `<namespace>.<policy>.<tier>`).
 *   JWT callers are all one consumer, the issuer's, with a `jwt` credential
 *   (`key` = issuer, the PEM public key from the store) and the one tier's
 *   `acl` credential.
 * - authorization: per route an `acl` KongPlugin allowing the groups of the
 *   tiers that may call it (403 otherwise), or a 403 `request-termination`
 *   when no tier may.
 * - limits: per limited tier a `rate-limiting` KongPlugin (`policy: local`
 *   or `redis` with the password by `configPatches`), listed by the tier's
 *   consumers and, for per-route buckets, by the routes the tier may call,
 *   so KIC scopes it to each consumer on each route. With Redis, the Kong
 *   proxy pods get a NetworkPolicy egress to it.
 *
 * Kong OSS has no consumer groups, OPA plugin, token rate limiting, JWKS
 * support or claim-to-tier mapping (Kong Enterprise features); the intents
 * that need them fail with the alternative.
 */
export const compiler: PolicyCompiler<AccessPolicy> = {
  id: ENGINE,
  displayName: 'Kong (OSS)',
  compile: compileKong,
};

function compileKong(policy: AccessPolicy): CompiledPolicy {
  const apiKey = policy.authentication.find((a): a is ApiKeyAuth => a.kind === 'api-key');
  const jwt = policy.jwt;
  checkSupported(policy, jwt);

  const p = policy.policyName;
  const ns = policy.policyNamespace;
  const objects: string[] = [];
  const group = (t: Tier): string => `${ns}.${p}.${t.name}`;
  const anonymous = apiKey && jwt ? `${ns}.${p}.anonymous` : undefined;

  const authPlugins: KongPlugin[] = [];
  if (apiKey) authPlugins.push(KongPlugin.keyAuth(policy, 'KeyAuth', { name: `${p}-key-auth`, keyNames: [apiKey.location.header], anonymous }));
  if (jwt) authPlugins.push(KongPlugin.jwt(policy, 'Jwt', { name: `${p}-jwt`, anonymous }));
  objects.push(...authPlugins.map((a) => `KongPlugin/${a.pluginName}`));
  if (anonymous) {
    const c = new KongConsumer(policy, 'Anonymous', { name: `${p}-anonymous`, username: anonymous });
    objects.push(`KongConsumer/${c.consumerName}`);
  }

  const members = new Set<string>([...(apiKey?.holders ?? []).map((h) => h.tier), ...(jwt ? policy.tiers.map((t) => t.name) : [])]);
  const rateLimits = new Map<string, KongPlugin>();
  for (const t of policy.tiers) {
    if (t.unlimited || !members.has(t.name)) continue;
    const plugin = KongPlugin.rateLimiting(policy, `RateLimit-${t.name}`, { name: `${p}-rate-limit-${t.name}`, ...windows(t), ...counters(policy) });
    rateLimits.set(t.name, plugin);
    objects.push(`KongPlugin/${plugin.pluginName}`);
  }
  if (rateLimits.size > 0 && policy.rateLimitMode === RateLimitMode.GLOBAL) openRedisEgress(policy);
  const tierPlugins = (t: Tier): KongPlugin[] => {
    const rl = rateLimits.get(t.name);
    return rl ? [rl] : [];
  };

  if (apiKey) {
    const store = apiKey.secretStore;
    if (!store) throw new Error('unreachable: ApiKeyAuth with holders always has a secret store');
    for (const h of apiKey.holders ?? []) {
      const tier = policy.tier(h.tier) as Tier;
      const entry: KongStoreEntry = { remoteKey: h.remoteKey, property: h.property };
      const key = new ExternalSecret(policy, `Holder-${h.userId}-Key`, {
        name: `${p}-${h.userId}-key-auth`,
        secretStore: store,
        data: [{ secretKey: 'key', remoteKey: h.remoteKey, property: h.property }],
        secretLabels: { ...apiKey.selectorFor(policy), [API_KEY_TIER_LABEL]: h.tier, [KONG_CREDENTIAL_LABEL]: 'key-auth' },
        secretAnnotations: { [API_KEY_USER_ANNOTATION]: h.userId },
      });
      const acl = KongCredential.acl(policy, `Holder-${h.userId}-Acl`, { name: `${p}-${h.userId}-acl`, secretStore: store, group: group(tier), anchor: entry });
      const consumer = new KongConsumer(policy, `Holder-${h.userId}`, { name: `${p}-${h.userId}`, username: h.userId, credentials: [key, acl], plugins: tierPlugins(tier) });
      objects.push(`ExternalSecret/${key.secretName}`, `ExternalSecret/${acl.secretName}`, `KongConsumer/${consumer.consumerName}`);
    }
  }

  if (jwt) {
    const tier = policy.tiers[0] as Tier;
    const source = jwt.publicKey;
    if (!source) throw new Error('unreachable: checked by checkSupported');
    const entry: KongStoreEntry = { remoteKey: source.remoteKey, property: source.property };
    const credential = KongCredential.jwt(policy, 'JwtIssuer-Key', {
      name: `${p}-jwt-issuer-jwt`,
      secretStore: source.secretStore,
      key: jwt.issuer,
      algorithm: jwt.algorithms[0],
      rsaPublicKey: entry,
    });
    const acl = KongCredential.acl(policy, 'JwtIssuer-Acl', { name: `${p}-jwt-issuer-acl`, secretStore: source.secretStore, group: group(tier), anchor: entry });
    const consumer = new KongConsumer(policy, 'JwtIssuer', { name: `${p}-jwt-issuer`, username: `${ns}.${p}.jwt-issuer`, credentials: [credential, acl], plugins: tierPlugins(tier) });
    objects.push(`ExternalSecret/${credential.secretName}`, `ExternalSecret/${acl.secretName}`, `KongConsumer/${consumer.consumerName}`);
  }

  for (const route of policy.routes) {
    const allowed = policy.tiers.filter((t) => t.allows(route));
    const plugins: KongPlugin[] = [...authPlugins];
    const gate =
      allowed.length > 0
        ? KongPlugin.acl(policy, `Route-${route.routeName}-Acl`, { name: `${p}-acl-${route.routeName}`, allow: allowed.map(group) })
        : KongPlugin.requestTermination(policy, `Route-${route.routeName}-Deny`, { name: `${p}-deny-${route.routeName}`, statusCode: 403, message: 'No tier of this access policy may call this model' });
    plugins.push(gate);
    objects.push(`KongPlugin/${gate.pluginName}`);
    if (policy.limitScope === LimitScope.ROUTE) plugins.push(...allowed.flatMap(tierPlugins));
    routeOwners.set(route, policy.node.path);
    attachKongPlugins(route, plugins);
  }

  return { caveats: caveats(policy, apiKey, jwt, rateLimits.size > 0), objects: objects.sort() };
}

/** Throws for every part of the intent Kong OSS cannot express with the same meaning. */
function checkSupported(policy: AccessPolicy, jwt: JwtAuth | undefined): void {
  if (policy.externalAuthorizer) {
    unsupported(
      policy,
      ENGINE,
      'externalAuthorizer',
      `${policy.externalAuthorizer.serviceNamespace}/${policy.externalAuthorizer.serviceName}`,
      "Kong's opa plugin is Kong Enterprise only: express the rule with tiers (models), or use KUADRANT_POLICY_ENGINE, ENVOY_GATEWAY or KGATEWAY, which call the OPA authorizer",
    );
  }
  if (policy.subscriptions.length > 0) {
    unsupported(policy, ENGINE, 'subscriptions', policy.subscriptions.map((s) => s.name), 'subscriptions carry token budgets, which need ai-rate-limiting-advanced (Kong Enterprise only): drop the subscriptions, or use KUADRANT_POLICY_ENGINE or an AI-aware data plane');
  }
  policy.tiers.forEach((t) => {
    if (t.tokenLimits.length > 0) {
      unsupported(policy, ENGINE, `tiers(${t.name}).tokenLimits`, t.tokenLimits.map(String), 'token limits need ai-rate-limiting-advanced (Kong Enterprise only): drop the token limits, or use KUADRANT_POLICY_ENGINE or ENVOY_GATEWAY (AI-aware data planes)');
    }
    if (t.methods) unsupported(policy, ENGINE, `tiers(${t.name}).methods`, t.methods, "Kong OSS's acl plugin allows by consumer group only: split the methods into their own HTTPRoute and allow the tier that route (models)");
    if (t.pathPrefixes) unsupported(policy, ENGINE, `tiers(${t.name}).pathPrefixes`, t.pathPrefixes, "Kong OSS's acl plugin allows by consumer group only: split the paths into their own HTTPRoute and allow the tier that route (models)");
  });
  policy.authentication.forEach((a, i) => {
    if (a.kind !== 'api-key') return;
    if (!a.holders) {
      unsupported(policy, ENGINE, `authentication[${i}]`, 'ApiKeyAuth.fromLabeledSecrets', 'Kong needs one KongConsumer per key holder, known at synth time: use ApiKeyAuth.fromExternalSecrets({ secretStore, holders })');
    }
    if (a.location.prefix !== undefined) {
      unsupported(policy, ENGINE, `authentication[${i}].location`, `${a.location.header}: ${a.location.prefix} <key>`, "Kong's key-auth cannot strip a prefix: use ApiKeyLocation.header('x-api-key')");
    }
    a.holders?.forEach((h, j) => {
      if (RESERVED_USER_IDS.includes(h.userId)) invalid(policy, `authentication[${i}].holders[${j}].userId`, `is reserved by the Kong engine (${RESERVED_USER_IDS.join(', ')})`, h.userId, 'choose another user id');
    });
  });
  if (jwt) {
    const i = policy.authentication.indexOf(jwt);
    if (!jwt.publicKey) {
      unsupported(policy, ENGINE, `authentication[${i}].jwksUri`, jwt.jwksUri, "Kong OSS's jwt plugin never fetches a JWKS: set publicKey (the issuer's PEM public key in a secret store) on the JwtAuth, or use API keys");
    }
    if (jwt.algorithms.length !== 1) {
      unsupported(policy, ENGINE, `authentication[${i}].algorithms`, jwt.algorithms, 'a Kong jwt credential has one algorithm and one key per issuer: list exactly the algorithm the issuer signs with');
    }
    if (jwt.audiences.length > 0) {
      unsupported(policy, ENGINE, `authentication[${i}].audiences`, jwt.audiences, "Kong OSS's jwt plugin does not check aud: drop audiences (every token of the issuer is accepted), or use KUADRANT_POLICY_ENGINE or ENVOY_GATEWAY");
    }
    if (policy.tiers.length > 1) {
      unsupported(
        policy,
        ENGINE,
        `authentication[${i}]`,
        policy.tiers.map((t) => t.name),
        `Kong OSS cannot map the '${jwt.tierClaim}' claim to a tier (every token of an issuer is one consumer): use JWT with a single tier, API keys for tiered callers (one KongConsumer per user), or KUADRANT_POLICY_ENGINE or ENVOY_GATEWAY`,
      );
    }
    if (policy.counterKey !== CounterKey.CLIENT_IP && policy.tiers.some((t) => !t.unlimited)) {
      unsupported(
        policy,
        ENGINE,
        'counterKey',
        policy.counterKey,
        'every JWT caller of an issuer is one Kong consumer, so per-user or per-credential counters would be shared by all users: use counterKey: CounterKey.CLIENT_IP, or API keys',
      );
    }
  }
  for (const route of policy.routes) {
    if (route.routeNamespace !== policy.policyNamespace) {
      unsupported(policy, ENGINE, `routes(${route.routeName})`, route.routeNamespace, `KIC resolves konghq.com/plugins in the route's namespace: create the AccessPolicy in namespace '${route.routeNamespace ?? '(none)'}'`);
    }
    const owner = routeOwners.get(route);
    if (owner !== undefined) {
      invalid(policy, `routes(${route.routeName})`, `is already protected by Kong access policy ${owner}; Kong runs one instance of each plugin per route`, route.routeName, 'protect each route with one Kong access policy');
    }
  }
  if (policy.rateLimitMode === RateLimitMode.GLOBAL && policy.tiers.some((t) => !t.unlimited)) {
    if (!policy.redis) invalid(policy, 'redis', "is required for RateLimitMode.GLOBAL on Kong (the rate-limiting plugin's redis policy: the counters every proxy replica shares)", undefined, 'pass redis: RedisReference.of({ host }), or use RateLimitMode.LOCAL');
    const password = policy.redis.props.password;
    if (password?.secret.namespace !== undefined && password.secret.namespace !== policy.policyNamespace) {
      unsupported(policy, ENGINE, 'redis.password', `${password.secret.namespace}/${password.secret.secretName}`, `KIC reads configPatches Secrets from the plugin's namespace: put the Redis password Secret in namespace '${policy.policyNamespace}'`);
    }
  }
}

/** The rate-limiting windows of a tier, e.g. `{ minute: 100, day: 5000 }`. */
function windows(t: Tier): Pick<RateLimitingOptions, 'second' | 'minute' | 'hour' | 'day'> {
  const out: Record<string, number> = {};
  for (const l of t.limits) out[l.unit] = l.requestsPerUnit;
  return out;
}

/** `limit_by`, `policy` and `redis` from the intent's counter settings. */
function counters(policy: AccessPolicy): Pick<RateLimitingOptions, 'limitBy' | 'policy' | 'redis'> {
  const limitBy = LIMIT_BY[policy.counterKey];
  if (policy.rateLimitMode === RateLimitMode.LOCAL) return { limitBy, policy: 'local' };
  const r = policy.redis;
  if (!r) throw new Error('unreachable: checked by checkSupported');
  const redis: KongRedisOptions = {
    host: r.props.host,
    port: r.port,
    database: r.props.database ?? 0,
    ssl: r.props.tls ?? false,
    password: r.props.password ? { secret: r.props.password.secret, key: r.props.password.key } : undefined,
  };
  return { limitBy, policy: 'redis', redis };
}

/**
 * Lets the gateway's Kong proxy pods reach Redis (they call it on every
 * limited request), when their namespace is one of the platform's.
 */
function openRedisEgress(policy: AccessPolicy): void {
  const dp = policy.gateway.dataPlane;
  const redis = policy.redis;
  if (!dp || !redis) return;
  const proxyNamespace = policy.namespaceChart.platform.node.children.find((c): c is Namespace => Namespace.isNamespace(c) && c.name === dp.namespace);
  proxyNamespace?.allowEgress(`${policy.gateway.gatewayName}-to-redis`, {
    pods: dp.selector,
    peers: [redis.props.namespace ? NetworkPeer.namespace(redis.props.namespace) : NetworkPeer.anywhere()],
    ports: [{ port: redis.port }],
  });
}

/** The Kong facts that change what the intent means, for POLICY.md. */
function caveats(policy: AccessPolicy, apiKey: ApiKeyAuth | undefined, jwt: JwtAuth | undefined, limited: boolean): string[] {
  const out: string[] = [];
  if (apiKey && jwt) {
    out.push(
      'Either credential suffices because key-auth and jwt fall back to an anonymous consumer; a request with no valid credential is then refused by the acl plugin with 403 (not 401).',
    );
  }
  if (jwt) {
    const tier = policy.tiers[0]?.name ?? '';
    out.push(
      `JWT: every token signed by the issuer's configured public key is one Kong consumer in tier '${tier}'; the '${jwt.tierClaim}' and '${jwt.userClaim}' claims are not read, so a token with another or no tier claim is accepted.`,
      `JWT: Kong verifies with the one PEM key from the secret store, never the JWKS (${jwt.jwksUri}): rotate the key in the store when the issuer rotates.`,
      `JWT: exp is required and checked without clock skew (intent: ${jwt.clockSkew.toSeconds()}s); nbf is not checked.`,
      `JWT: claims are not forwarded as headers (${Object.entries(jwt.claimsToHeaders)
        .map(([c, h]) => `${c} -> ${h}`)
        .join(', ')}); the backend gets X-Consumer-Username (the issuer consumer) and X-Credential-Identifier (the iss).`,
    );
  }
  if (!limited) return out;
  out.push(
    policy.rateLimitMode === RateLimitMode.LOCAL
      ? 'Limits are counted in each Kong proxy replica (policy: local): with N replicas a caller can get up to N times the limit, and counts reset when a pod restarts.'
      : `Limits are counted in Redis ${policy.redis?.address ?? ''} (policy: redis); if Redis is unreachable Kong lets requests through unlimited (fault_tolerant).`,
    'Windows are fixed and aligned to the clock (second, minute, hour, day): a caller can send up to twice a limit across a window boundary.',
    "Kong runs one rate-limiting instance per request, the most specific one (consumer on route beats route): another rate-limiting KongPlugin on these routes does not apply to this policy's limited consumers, and does apply to its unlimited ones.",
  );
  if (policy.limitScope === LimitScope.ROUTE) {
    out.push('Per-route buckets are per Kong route: KIC translates an HTTPRoute into one or more Kong routes (at least one per rule), and each counts separately.');
  } else {
    out.push('One bucket per caller across all routes: the tier plugins are scoped to the consumers only, so they count on every Kong route the consumer reaches.');
  }
  if (policy.counterKey === CounterKey.CLIENT_IP) {
    out.push(
      'Counters are keyed by client IP (limit_by: ip) and route, not by tier: callers of different tiers behind one address share a count; Kong sees the real client IP only with trusted_ips/real_ip_header set behind a load balancer.',
    );
  }
  return out;
}
