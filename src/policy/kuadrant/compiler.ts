import { Construct } from 'constructs';
import { invalid } from '../../core/errors';
import { NetworkFlows } from '../../core/flows';
import { proxyFlowPeer } from '../../gateway/proxy-flow-peer';
import { Namespace } from '../../core/namespace';
import { suggestDnsLabel } from '../../core/names';
import { NetworkPeer } from '../../core/network-peer';
import { Platform } from '../../core/platform';
import { sortRecord } from '../../core/sort-keys';
import type { AccessPolicy, IPolicyRoute } from '../access-policy';
import { API_KEY_SUBSCRIPTIONS_ANNOTATION, API_KEY_TIER_LABEL, API_KEY_USER_ANNOTATION, ApiKeyAuth, JwtAuth } from '../authentication';
import { CompiledPolicy, PolicyCompiler, unsupported } from '../compiler';
import { CounterKey, LimitScope, RateLimitMode, TimeUnit, TOKEN_COUNT_FIELD, TokenCount } from '../rate-limit';
import { Subscription } from '../subscription';
import { celSelectedSubscription, celSubscriptionHeaderAllowed, SubscriptionCelNames } from '../subscription-cel';
import type { Tier } from '../tier';
import { ApiKeySecrets, AUTHORINO_SECRET_LABEL, AUTHORINO_SECRET_LABEL_VALUE } from './api-keys';
import { AuthenticationRule, AuthPolicy } from './auth-policy';
import {
  celString,
  celStringList,
  IDENTITY_CREDENTIAL,
  IDENTITY_SUBSCRIPTION,
  IDENTITY_SUBSCRIPTIONS,
  IDENTITY_TIER,
  IDENTITY_USER_ID,
  pathPrefixPattern,
  selector,
  SELECTOR_KEY,
  SOURCE_REMOTE_ADDRESS,
} from './expressions';
import { AUTHORINO_GRPC_PORT, AUTHORINO_POD_LABELS, Kuadrant, KUADRANT_OPERATOR_POD_LABELS, KUADRANT_WASM_SERVER_PORT, LIMITADOR_GRPC_PORT, LIMITADOR_POD_LABELS } from './kuadrant';
import { Rate } from './limit';
import { PolicyTarget } from './policy-target';
import { RateLimitPolicy } from './rate-limit-policy';
import { TokenRateLimitPolicy } from './token-rate-limit-policy';

/** The namespace Authorino and Limitador are assumed to run in when the platform declares no Kuadrant CR. */
export const DEFAULT_KUADRANT_NAMESPACE = 'kuadrant-system';

/** The rate `window` of each intent time unit (the CRDs have no day unit). */
const WINDOW: Readonly<Record<TimeUnit, string>> = {
  [TimeUnit.SECOND]: '1s',
  [TimeUnit.MINUTE]: '1m',
  [TimeUnit.HOUR]: '1h',
  [TimeUnit.DAY]: '24h',
};

const ENGINE = 'kuadrant';
const GATEWAY_PROVIDERS = ['istio', 'envoy-gateway'];

/**
 * The Kuadrant policy engine: compiles an {@link AccessPolicy} into, per
 * protected route, an `AuthPolicy` (authentication, tier authorization,
 * identity published as `auth.identity.userid`/`auth.identity.tier`), a
 * `RateLimitPolicy` (one limit per limited tier, and per subscription with
 * request limits) and a `TokenRateLimitPolicy` (one limit per tier or
 * subscription with token budgets on the route, named after the tier or
 * `subscription-<name>`, selected by `auth.identity.tier` /
 * `auth.identity.subscription`), plus one
 * `ExternalSecret` per API-key holder in the Kuadrant CR's namespace, and
 * the NetworkPolicies from the gateway to Authorino and Limitador.
 *
 * @see https://docs.kuadrant.io/latest/kuadrant-operator/doc/reference/authpolicy/
 */
export const compiler: PolicyCompiler<AccessPolicy> = {
  id: ENGINE,
  displayName: 'Kuadrant',
  compile,
};

function compile(policy: AccessPolicy): CompiledPolicy {
  checkExpressible(policy);
  const platform = Platform.of(policy);
  const kuadrant = Kuadrant.find(platform);
  const objects: string[] = [];
  const caveats: string[] = [];
  const apiKeys = policy.authentication.filter((a): a is ApiKeyAuth => a.kind === 'api-key');
  const jwt = policy.jwt;

  apiKeys.forEach((a) => {
    if (!a.holders || !a.secretStore) return;
    if (!kuadrant) {
      invalid(
        policy,
        `authentication(api-key).holders`,
        "need the Kuadrant CR declared in the platform: Authorino reads API-key Secrets only from the Kuadrant CR's namespace, where their ExternalSecrets must be created",
        a.holders.map((h) => h.userId),
        "declare it: new Kuadrant(new Namespace(platform, 'kuadrant-system', {...}), 'kuadrant'); or create the key Secrets there yourself and use ApiKeyAuth.fromLabeledSecrets",
      );
    }
    const secrets = new ApiKeySecrets(kuadrant.namespace, `${policy.policyNamespace}-${policy.policyName}-api-keys`, {
      namePrefix: policy.policyName,
      secretStore: a.secretStore,
      holders: a.holders,
      selector: a.selectorFor(policy),
    });
    objects.push(...secrets.secrets.map((s) => `ExternalSecret/${s.secretName}`));
  });

  const routeScopes: Construct[] = [];
  for (const route of policy.routes) {
    const scope = routeScope(policy, route);
    routeScopes.push(scope);
    const name = `${policy.policyName}-${route.routeName}`;
    const allowed = policy.tiers.filter((t) => t.allows(route));
    objects.push(...compileRoute(policy, scope, name, route, allowed));
  }
  const limited = objects.some((o) => o.startsWith('RateLimitPolicy/') || o.startsWith('TokenRateLimitPolicy/'));

  openGatewayPaths(policy, platform, kuadrant, limited, routeScopes);
  caveats.push(
    'Most specific policy wins: these route-level AuthPolicies and RateLimitPolicies replace a Gateway-level policy that declares defaults, and are replaced by a Gateway-level policy that declares overrides.',
  );
  if (limited) {
    caveats.push(
      'Counters live in Limitador, shared by all gateway replicas; they are exact across Limitador replicas only with Redis storage (Limitador spec.storage.redis): with in-memory storage each Limitador replica counts alone.',
    );
  }
  if (limited && policy.counterKey === CounterKey.CLIENT_IP) {
    caveats.push(
      "The client IP is Kuadrant's source.remote_address: the address Envoy trusts (the TCP peer, or X-Forwarded-For per the gateway's trusted hops) without its port; behind a load balancer that hides client addresses every client shares one counter. The wasm-shim cuts the address at its first ':', so IPv6 clients that share the first address group share a counter.",
    );
  }
  if (policy.hasTokenLimits) {
    caveats.push(
      'Token limits count usage.total_tokens of each response after it is sent: the request that exhausts a budget completes, later ones get 429 until the window ends. A streaming response is counted only when the request sets stream_options: {include_usage: true} (the usage is in its last event); a response without usage.total_tokens adds nothing.',
    );
  }
  if (policy.subscriptions.length > 0) {
    caveats.push(
      `Subscriptions are selected by Authorino per request (the ${policy.subscriptionHeader} header, else the highest priority the caller holds) and published as auth.identity.subscription; a changed claim or key annotation takes effect with the next token or once Authorino reloads the key Secret.`,
    );
  }
  if (jwt) {
    caveats.push(
      `The JWT issuer${jwt.audiences.length > 0 ? ' and audience are' : ' is'} checked by an authorization rule: a valid token from another issuer gets 403, not 401. Authorino checks exp without tolerance (nbf with 5 minutes): clockSkew (${jwt.clockSkew.toSeconds()}s) is not applied.`,
    );
  }
  if (apiKeys.some((a) => !a.holders)) {
    caveats.push(
      `API-key Secrets selected by labels must be in the Kuadrant CR's namespace (${kuadrant?.namespace.name ?? DEFAULT_KUADRANT_NAMESPACE}) and carry the label ${AUTHORINO_SECRET_LABEL}=${AUTHORINO_SECRET_LABEL_VALUE}; Authorino loads no other Secret.`,
    );
  }
  return { caveats, objects };
}

/**
 * The objects of one route: its AuthPolicy (authentication, tier, JWT
 * claim and subscription-header rules, identity published for the limits,
 * with the selected subscription), its RateLimitPolicy (one limit per tier
 * with request limits and per selected subscription with request limits)
 * and TokenRateLimitPolicy (one limit per tier or subscription with token
 * budgets on the route), each omitted when nothing needs it.
 *
 * @returns the emitted objects as `Kind/name`
 */
function compileRoute(policy: AccessPolicy, scope: Construct, name: string, route: IPolicyRoute, allowed: readonly Tier[]): string[] {
  const target = PolicyTarget.route(route);
  const jwt = policy.jwt;
  const subscribed = policy.subscriptions.length > 0;
  const granting = policy.subscriptionsFor(route);
  const multi = policy.authentication.length > 1;
  const emitted: string[] = [];

  const auth = new AuthPolicy(scope, 'AuthPolicy', { name, target });
  for (const a of policy.authentication) {
    if (a.kind === 'api-key') auth.addAuthentication('api-key', apiKeyRule(policy, a, multi, subscribed));
    else auth.addAuthentication('jwt', jwtRule(a, multi, subscribed));
  }
  auth.addAuthorization('tier', { patternMatching: { patterns: [{ predicate: tierPredicate(allowed) }] } });
  // A route that serves no model (an endpoint's model list) selects no subscription: the header is not checked there.
  if (subscribed && !policy.modelFreeRoutes.includes(route)) auth.addAuthorization('subscription', { patternMatching: { patterns: [{ predicate: celSubscriptionHeaderAllowed(subscriptionNames(policy), granting) }] } });
  if (jwt) {
    auth.addAuthorization('jwt-claims', {
      when: multi ? [{ predicate: `auth.identity.credentialType == ${celString('jwt')}` }] : undefined,
      patternMatching: { patterns: [{ predicate: jwtClaimsPredicate(jwt) }] },
    });
    for (const [claim, header] of Object.entries(jwt.claimsToHeaders).sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const value = claim === jwt.userClaim ? { expression: IDENTITY_USER_ID } : claim === jwt.tierClaim ? { expression: IDENTITY_TIER } : { selector: selector('auth', 'identity', claim) };
      auth.addSuccessHeader(header, { plain: value });
    }
  }
  const published: Record<string, { expression: string }> = { tier: { expression: IDENTITY_TIER }, userid: { expression: IDENTITY_USER_ID } };
  if (policy.counterKey === CounterKey.API_KEY) published.credential = { expression: IDENTITY_CREDENTIAL };
  if (subscribed) published.subscription = { expression: celSelectedSubscription(subscriptionNames(policy), granting) };
  auth.addSuccessFilter('identity', { json: { properties: published } });
  emitted.push(`AuthPolicy/${name}`);

  const requestTiers = allowed.filter((t) => !t.unlimited && t.limits.length > 0);
  const requestSubscriptions = granting.filter((s) => s.limitsFor(route).length > 0);
  if (requestTiers.length > 0 || requestSubscriptions.length > 0) {
    const rlp = new RateLimitPolicy(scope, 'RateLimitPolicy', { name, target });
    for (const t of requestTiers) {
      rlp.addLimit(t.name, {
        rates: t.limits.map((l): Rate => ({ limit: l.requestsPerUnit, window: WINDOW[l.unit] })),
        when: [tierIs(t)],
        counters: [counterExpression(policy.counterKey)],
      });
    }
    for (const s of requestSubscriptions) {
      rlp.addLimit(subscriptionLimitName(s), {
        rates: s.limitsFor(route).map((l): Rate => ({ limit: l.requestsPerUnit, window: WINDOW[l.unit] })),
        when: [subscriptionIs(s.name)],
        counters: [counterExpression(policy.counterKey)],
      });
    }
    emitted.push(`RateLimitPolicy/${name}`);
  }

  // One limit per holder (tier or subscription) with a rate per budget; Kuadrant counts usage.total_tokens only (checkExpressible).
  const budgets = policy.tokenBudgets(route);
  if (budgets.length > 0) {
    const trlp = new TokenRateLimitPolicy(scope, 'TokenRateLimitPolicy', { name, target });
    const holders = [...new Set(budgets.map((b) => b.holder))];
    for (const h of holders) {
      const rates = budgets.filter((b) => b.holder === h).map((b): Rate => ({ limit: b.limit.tokensPerUnit, window: WINDOW[b.limit.unit] }));
      if (h instanceof Subscription) {
        trlp.addLimit(subscriptionLimitName(h), { rates, when: [subscriptionIs(h.name)], counters: [counterExpression(policy.counterKey)] });
      } else {
        // A tier's budgets count the requests no subscription is selected for.
        trlp.addLimit(h.name, { rates, when: granting.length > 0 ? [tierIs(h), subscriptionIs('')] : [tierIs(h)], counters: [counterExpression(policy.counterKey)] });
      }
    }
    emitted.push(`TokenRateLimitPolicy/${name}`);
  }
  return emitted;
}

/** The TokenRateLimitPolicy/RateLimitPolicy limit name of a subscription's budgets (tiers keep their own name). */
function subscriptionLimitName(s: Subscription): string {
  return `subscription-${s.name}`;
}

function subscriptionIs(name: string): string {
  return `${IDENTITY_SUBSCRIPTION} == ${celString(name)}`;
}

/** Where Authorino reads the subscription selection (header names lower-case; see `celSelectedSubscription`). */
function subscriptionNames(policy: AccessPolicy): SubscriptionCelNames {
  return { held: IDENTITY_SUBSCRIPTIONS, headers: 'context.request.http.headers', header: policy.subscriptionHeader, quote: '"' };
}

/** Throws for each part of the intent Kuadrant cannot express with the same meaning. */
function checkExpressible(policy: AccessPolicy): void {
  const provider = policy.gateway.provider?.id;
  if (provider !== undefined && !GATEWAY_PROVIDERS.includes(provider)) {
    unsupported(
      policy,
      ENGINE,
      'gateway',
      `${policy.gateway.gatewayName} (${provider})`,
      "Kuadrant enforces policies through Istio and Envoy Gateway gateways only; use the engine of the gateway's provider (the default when engine is not set)",
    );
  }
  if (policy.rateLimitMode === RateLimitMode.LOCAL) {
    unsupported(policy, ENGINE, 'rateLimitMode', policy.rateLimitMode, 'use RateLimitMode.GLOBAL: Kuadrant counts every limit in Limitador, shared by all gateway replicas; it has no per-replica buckets');
  }
  if (policy.limitScope === LimitScope.GATEWAY) {
    unsupported(
      policy,
      ENGINE,
      'limitScope',
      policy.limitScope,
      'use LimitScope.ROUTE: Limitador keys every counter by HTTPRoute (limits namespace <route-namespace>/<route-name>), even for a Gateway-level RateLimitPolicy, so routes cannot share a bucket',
    );
  }
  if (policy.redis) {
    unsupported(
      policy,
      ENGINE,
      'redis',
      policy.redis.address,
      "drop redis from the policy: Limitador's storage is set once per cluster, e.g. new Limitador(kuadrantNamespace, 'limitador', { storage: LimitadorStorage.redis(SecretRef.named('redis-url')) })",
    );
  }
  const opa = policy.externalAuthorizer;
  if (opa) {
    unsupported(
      policy,
      ENGINE,
      'externalAuthorizer',
      `${opa.serviceNamespace}/${opa.serviceName}`,
      "Authorino evaluates Rego itself (opa.rego, or fetched from opa.externalPolicy.url) against its own input (input.context, input.auth), and cannot call an OPA ext_authz service; express the rule with tier models, methods and pathPrefixes, add an opa rule written for Authorino with AuthPolicy.addAuthorization, or use an engine that calls the OPA service (kgateway, envoy-gateway)",
    );
  }
  const jwt = policy.jwt;
  if (jwt && policy.counterKey === CounterKey.API_KEY) {
    unsupported(
      policy,
      ENGINE,
      'counterKey',
      policy.counterKey,
      'use CounterKey.USER: a JWT has no credential identity in Authorino but the raw token, which would put bearer tokens into Limitador counter keys',
    );
  }
  if (jwt) {
    if (jwt.algorithms.length !== 1 || jwt.algorithms[0] !== 'RS256') {
      unsupported(
        policy,
        ENGINE,
        'authentication(jwt).algorithms',
        jwt.algorithms,
        "use algorithms: ['RS256']: Authorino verifies tokens from a JWKS URL with go-oidc, which then accepts only RS256, and AuthPolicy has no field to change it",
      );
    }
    for (const [field, claim] of [
      ['userClaim', jwt.userClaim],
      ['tierClaim', jwt.tierClaim],
      ...Object.keys(jwt.claimsToHeaders).map((c) => ['claimsToHeaders', c] as const),
    ] as const) {
      if (!SELECTOR_KEY.test(claim)) {
        unsupported(policy, ENGINE, `authentication(jwt).${field}`, claim, "use a claim name of letters, digits and '_', ':', '/', '.', '-' (Authorino selectors cannot address other names)");
      }
    }
  }
  for (const b of policy.tokenBudgets()) {
    if (b.limit.counts !== TokenCount.TOTAL) {
      // kuadrant-operator v1.5.2 internal/controller/ratelimit_workflow_helpers.go: the response-phase action reports
      // ratelimit.hits_addend = responseBodyJSON("/usage/total_tokens"), the only usage field the wasm-shim reads.
      unsupported(
        policy,
        ENGINE,
        b.field,
        `${String(b.limit)} (${TOKEN_COUNT_FIELD[b.limit.counts]})`,
        `Kuadrant's TokenRateLimitPolicy counts only usage.total_tokens (the wasm-shim adds responseBodyJSON("/usage/total_tokens") to the counter): use counts: TokenCount.TOTAL, or an engine that counts ${b.limit.counts} tokens (Envoy AI Gateway llmRequestCosts, agentgateway)`,
      );
    }
    if (b.route.routeKind === 'GRPCRoute') {
      unsupported(
        policy,
        ENGINE,
        b.field,
        `GRPCRoute/${b.route.routeName}`,
        `TokenRateLimitPolicy targets only HTTPRoutes and Gateways (it reads OpenAI-style JSON usage); limit gRPC routes by requests, or remove them from the ${b.holderKind}'s models`,
      );
    }
  }
  for (const s of policy.subscriptions) {
    const clash = policy.tiers.find((t) => t.name === subscriptionLimitName(s));
    if (clash) {
      unsupported(policy, ENGINE, `tiers(${clash.name}).name`, clash.name, `rename the tier: Kuadrant names the limits of subscription '${s.name}' '${subscriptionLimitName(s)}', which would collide with the tier's`);
    }
  }
  if (policy.subscriptions.length > 0 && jwt && !SELECTOR_KEY.test(jwt.subscriptionsClaim)) {
    unsupported(policy, ENGINE, 'authentication(jwt).subscriptionsClaim', jwt.subscriptionsClaim, "use a claim name of letters, digits and '_', ':', '/', '.', '-' (Authorino selectors cannot address other names)");
  }
}

/** Where the objects of `route` are created: the policy, or the route's namespace when it differs (Kuadrant attaches only same-namespace policies). */
function routeScope(policy: AccessPolicy, route: IPolicyRoute): Construct {
  if (route.routeNamespace === undefined || route.routeNamespace === policy.policyNamespace) return new Construct(policy, route.routeName);
  return new Construct(Namespace.of(route), `${policy.policyName}-${route.routeName}`);
}

function apiKeyRule(policy: AccessPolicy, a: ApiKeyAuth, multi: boolean, subscribed: boolean): AuthenticationRule {
  const overrides: Record<string, { selector?: string; value?: string }> = {
    userid: { selector: selector('auth', 'identity', 'metadata', 'annotations', API_KEY_USER_ANNOTATION) },
    tier: { selector: selector('auth', 'identity', 'metadata', 'labels', API_KEY_TIER_LABEL) },
  };
  if (subscribed) overrides.subscriptions = { selector: selector('auth', 'identity', 'metadata', 'annotations', API_KEY_SUBSCRIPTIONS_ANNOTATION) };
  if (multi) overrides.credentialType = { value: 'api-key' };
  if (policy.counterKey === CounterKey.API_KEY) overrides.credential = { selector: 'auth.identity.metadata.name' };
  return {
    apiKey: { selector: { matchLabels: sortRecord(a.selectorFor(policy)) } },
    credentials: a.location.prefix !== undefined ? { authorizationHeader: { prefix: a.location.prefix } } : { customHeader: { name: a.location.header } },
    overrides,
  };
}

function jwtRule(j: JwtAuth, multi: boolean, subscribed: boolean): AuthenticationRule {
  const overrides: Record<string, { selector?: string; value?: string }> = {
    userid: { selector: selector('auth', 'identity', j.userClaim) },
    tier: { selector: selector('auth', 'identity', j.tierClaim) },
  };
  if (subscribed) overrides.subscriptions = { selector: selector('auth', 'identity', j.subscriptionsClaim) };
  if (multi) overrides.credentialType = { value: 'jwt' };
  return { jwt: { jwksUrl: j.jwksUri }, credentials: { authorizationHeader: { prefix: 'Bearer' } }, overrides };
}

/** The predicate of the `tier` rule: the caller's tier is one that may call the route, with its methods and paths. */
function tierPredicate(allowed: readonly Tier[]): string {
  const byName = [...allowed].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const open = byName.filter((t) => !t.methods && !t.pathPrefixes).map((t) => t.name);
  const parts: string[] = [];
  if (open.length > 0) parts.push(`${IDENTITY_TIER} in ${celStringList(open)}`);
  for (const t of byName.filter((x) => x.methods || x.pathPrefixes)) {
    const conds = [tierIs(t)];
    if (t.methods) conds.push(`context.request.http.method in ${celStringList([...t.methods].sort())}`);
    if (t.pathPrefixes) conds.push(`(${[...t.pathPrefixes].sort().map((p) => `context.request.http.path.matches(${celString(pathPrefixPattern(p))})`).join(' || ')})`);
    parts.push(`(${conds.join(' && ')})`);
  }
  return parts.length > 0 ? parts.join(' || ') : 'false';
}

function jwtClaimsPredicate(j: JwtAuth): string {
  const conds = [`auth.identity.iss == ${celString(j.issuer)}`];
  if (j.audiences.length > 0) {
    conds.push(`(type(auth.identity.aud) == string ? [auth.identity.aud] : auth.identity.aud).exists(a, a in ${celStringList([...j.audiences].sort())})`);
  }
  return conds.join(' && ');
}

function tierIs(t: Tier): string {
  return `${IDENTITY_TIER} == ${celString(t.name)}`;
}

function counterExpression(key: CounterKey): string {
  switch (key) {
    case CounterKey.USER:
      return IDENTITY_USER_ID;
    case CounterKey.API_KEY:
      return IDENTITY_CREDENTIAL;
    case CounterKey.CLIENT_IP:
      return SOURCE_REMOTE_ADDRESS;
  }
}

/**
 * Lets the gateway's proxy pods reach Authorino (and Limitador when limits
 * are counted, and on Istio the operator's wasm server the proxies load
 * Kuadrant's filter from): the egress allow in the gateway's namespace and,
 * when the platform declares the Kuadrant CR, the ingress allow in its
 * namespace.
 */
function openGatewayPaths(policy: AccessPolicy, platform: Platform, kuadrant: Kuadrant | undefined, limited: boolean, routeScopes: readonly Construct[]): void {
  const dp = policy.gateway.dataPlane;
  if (!dp) return;
  const kuadrantNs = kuadrant?.namespace.name ?? DEFAULT_KUADRANT_NAMESPACE;
  const gateway = policy.gateway.gatewayName;
  const services = [{ name: 'authorino', pods: AUTHORINO_POD_LABELS, port: AUTHORINO_GRPC_PORT }];
  if (limited) services.push({ name: 'limitador', pods: LIMITADOR_POD_LABELS, port: LIMITADOR_GRPC_PORT });
  if (policy.gateway.provider?.id === 'istio') services.push({ name: 'kuadrant-wasm', pods: KUADRANT_OPERATOR_POD_LABELS, port: KUADRANT_WASM_SERVER_PORT });
  const gatewayNs = platform.node.children.find((c): c is Namespace => Namespace.isNamespace(c) && c.name === dp.namespace);
  // The route AuthPolicies (and limits) work only when the proxies reach these services: the flows are theirs.
  const owners = routeScopes.flatMap((r) => r.node.children.filter((c) => c.node.id === 'AuthPolicy'));
  for (const s of services) {
    for (const owner of owners) {
      NetworkFlows.declare(owner, {
        from: proxyFlowPeer(gateway, dp),
        to: { namespace: kuadrantNs, labels: s.pods, what: s.name === 'kuadrant-wasm' ? "the kuadrant-operator's wasm server" : s.name === 'authorino' ? 'Authorino' : 'Limitador' },
        port: s.port,
        purpose: s.name === 'kuadrant-wasm' ? 'the wasm-shim download (Kuadrant on Istio)' : s.name === 'authorino' ? 'external authorization' : 'rate-limit checks',
      });
    }
    gatewayNs?.allowEgress(suggestDnsLabel(`${gateway}-to-${s.name}`, 57), { pods: dp.selector, peers: [NetworkPeer.pods(kuadrantNs, s.pods)], ports: [{ port: s.port }] });
    kuadrant?.namespace.allowIngress(suggestDnsLabel(`${s.name}-from-${dp.namespace}-${gateway}`, 57), {
      pods: { ...s.pods },
      peers: [NetworkPeer.pods(dp.namespace, dp.selector)],
      ports: [{ port: s.port }],
    });
  }
}
