import { Chart } from 'cdk8s';
import { ExternalSecret } from '../../core/external-secret';
import { Namespace } from '../../core/namespace';
import { PathMatch } from '../../routing/match';
import { ReferenceGrant } from '../../routing/reference-grant';
import { policyId } from '../../core/names';
import { findPlatformNamespace } from '../../routing/route-wiring';
import type { AccessPolicy, IPolicyRoute } from '../access-policy';
import { API_KEY_SECRET_KEY, API_KEY_SUBSCRIPTIONS_ANNOTATION, API_KEY_TIER_LABEL, apiKeyHolderAnnotations, ApiKeyAuth, ApiKeyHolder, JwtAuth } from '../authentication';
import { CompiledPolicy, PolicyCompiler, unsupported } from '../compiler';
import { AI_GATEWAY_MODEL_HEADER, AIGatewayRoute } from '../../aigateway/ai-gateway-route';
import { AI_GATEWAY_METADATA_NAMESPACE, LlmRequestCost } from '../../aigateway/llm-request-cost';
import { noteRequired } from '../../core/required-object';
import { AccessControl } from '../../core/access-control';
import { errorMessage } from '../../core/errors';
import { Platform } from '../../core/platform';
import { CounterKey, LimitScope, RateLimitMode, TimeUnit, TokenCount, TOKEN_COUNT_FIELD, TokenLimit } from '../rate-limit';
import { Tier } from '../tier';
import { BackendTrafficPolicy, RateLimitRule, RateLimitUnit } from './backend-traffic-policy';
import { ClientTrafficPolicy } from './client-traffic-policy';
import { definedGateway, EnvoyProxyConfig } from './envoy-proxy';
import { PolicyTarget } from './policy-target';
import { ClientSelector, HeaderSelector, SourceCidrSelector } from './rate-limit-selector';
import { ApiKeySource, AuthorizationPrincipal, AuthorizationRule, ExtAuthService, SecurityPolicy } from './security-policy';
import { clientSelectors, fittingSlices, HolderGroup, MAX_HEADER_MATCH_VALUE, modelSelectors, subscriptionAuthorizationRules, subscriptionBudgetGroups, subscriptionSelectors, tierBudgetGroups } from './subscription-selection';
import type { Subscription } from '../subscription';

/** Engine id. */
export const ENVOY_GATEWAY_ENGINE = 'envoy-gateway';

/** `list` sorted by `name` (declaration order must not change the output where it has no meaning). */
function byName<T>(list: readonly T[], name: (x: T) => string): T[] {
  return [...list].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}

/**
 * The request header Envoy Gateway sets to the API-key holder's client id
 * (the user id), replacing any client value; the same header JWT policies
 * use for the user id by default, so backends read one header either way.
 */
export const ENVOY_GATEWAY_CLIENT_ID_HEADER = 'x-user-id';

/** Envoy's `jwt_authn` clock skew, which Envoy Gateway does not expose. */
const ENVOY_JWT_CLOCK_SKEW_SECONDS = 60;

const UNITS: Readonly<Record<TimeUnit, RateLimitUnit>> = {
  [TimeUnit.SECOND]: 'Second',
  [TimeUnit.MINUTE]: 'Minute',
  [TimeUnit.HOUR]: 'Hour',
  [TimeUnit.DAY]: 'Day',
};

/** How callers of one authentication method are recognised by rules and limits. */
interface Identity {
  /** The authorization principal of a tier's members; undefined when the tier has no members. */
  principal(tier: Tier): AuthorizationPrincipal | undefined;
  /**
   * The rate-limit conditions selecting a tier's members, one per rule (a
   * long list of API-key holders needs several: see `fittingSlices`); none
   * when the tier has no members.
   */
  tierSelectors(tier: Tier): HeaderSelector[];
  /** One bucket per user (or per key); undefined when no header carries the user id. */
  readonly perUser: HeaderSelector | undefined;
}

/**
 * Compiles an {@link AccessPolicy} to Envoy Gateway (v1.9) objects:
 *
 * - per route, a `SecurityPolicy` with the JWT provider or the API-key
 *   Secrets, the OPA `extAuth`, and `authorization` rules (default Deny) that
 *   allow the tiers whose models include the route;
 * - one `BackendTrafficPolicy` with a local or global rule per tier limit,
 *   selecting the tier and counting per user, key or client IP, and global
 *   rules charging Envoy AI Gateway's token counts per budget;
 * - for subscriptions (API keys only), rules per group of key holders and
 *   header rules in each model route's SecurityPolicy (see
 *   subscription-selection.ts);
 * - for API keys, one `ExternalSecret` per holder (data key = user id);
 * - for JWT (and API keys with an external authorizer), a
 *   `ClientTrafficPolicy` on the Gateway that drops client copies of the
 *   identity headers before any filter runs;
 * - a `ReferenceGrant` when the OPA Service is in another namespace.
 */
export const compiler: PolicyCompiler<AccessPolicy> = {
  id: ENVOY_GATEWAY_ENGINE,
  displayName: 'Envoy Gateway',
  compile(policy: AccessPolicy): CompiledPolicy {
    checkSupported(policy);
    const caveats: string[] = [];
    const objects: string[] = [];
    const jwt = policy.jwt;
    const apiKey = policy.authentication.find((a): a is ApiKeyAuth => a.kind === 'api-key');
    const identity = jwt ? jwtIdentity(policy, jwt) : apiKeyIdentity(apiKey!);

    // API keys: one Secret per holder, pulled from the secret store.
    const credentials: ExternalSecret[] = [];
    if (apiKey) {
      const selector = apiKey.selectorFor(policy);
      for (const h of [...apiKey.holders!].sort((a, b) => a.userId.localeCompare(b.userId))) {
        const secret = new ExternalSecret(policy, `ApiKey-${h.userId}`, {
          name: `${policy.policyName}-key-${h.userId}`,
          secretStore: apiKey.secretStore!,
          data: [{ secretKey: h.userId, remoteKey: h.remoteKey, property: h.property }],
          secretLabels: { ...selector, [API_KEY_TIER_LABEL]: h.tier },
          // Informational, like the tier label: Envoy Gateway reads neither; the holders list decides (see subscription-selection.ts).
          secretAnnotations: apiKeyHolderAnnotations(h),
        });
        credentials.push(secret);
        objects.push(`ExternalSecret/${secret.secretName}`);
      }
      caveats.push(
        `API-key Secrets hold each key under the holder's user id (Envoy Gateway reads the data key as the client id), not under \`${API_KEY_SECRET_KEY}\`; their tier label and user-id annotation are informational. Envoy Gateway reads only the Secrets listed in the SecurityPolicies and tiers come from the holders list at synth time, so adding or moving a key holder is a code change.`,
      );
      if (apiKey.location.prefix !== undefined) {
        caveats.push(`API keys are read from \`Authorization\`; Envoy strips a leading "Bearer " when present, so a bare key in that header is accepted too (https://github.com/envoyproxy/gateway/issues/7706).`);
      }
    }

    if (policy.routes.some((r) => r instanceof AIGatewayRoute)) {
      policy.node.addValidation({ validate: () => aiGatewayAuthenticationConflicts(policy) });
      caveats.push(
        "Envoy AI Gateway reads the body's model after Envoy Gateway's authentication filters ran (its ext_proc sits before RBAC and rate limiting, envoyproxy/ai-gateway v1.1.0 internal/extensionserver/post_translate_modify.go insertAIGatewayExtProcFilter): a request is authenticated with the SecurityPolicy of the model route it first matches (a generated HTTPRoute's catch-all `route-not-found` rule), then authorized and limited on its model's route. Every AIGatewayRoute of the Gateway is therefore protected by this one policy.",
      );
    }

    // Per route: authentication, external authorization, tier rules.
    for (const route of policy.routes) {
      const sp = new SecurityPolicy(policy, `SecurityPolicy-${route.routeName}`, {
        name: policyId(`${policy.policyName}-${route.routeName}`, 63),
        targets: [PolicyTarget.route(route)],
        jwtProviders: jwt
          ? [{ name: policy.policyName, issuer: jwt.issuer, audiences: jwt.audiences.length > 0 ? jwt.audiences : undefined, jwksUri: jwt.jwksUri, claimToHeaders: jwt.claimsToHeaders, extractFrom: [{ name: 'Authorization', valuePrefix: 'Bearer ' }] }]
          : undefined,
        apiKeyAuth: apiKey
          ? {
              credentials,
              extractFrom: [ApiKeySource.header(apiKey.location.header)],
              forwardClientIdHeader: ENVOY_GATEWAY_CLIENT_ID_HEADER,
              sanitize: true,
            }
          : undefined,
        extAuth: policy.externalAuthorizer ? { service: ExtAuthService.grpc(policy.externalAuthorizer), failOpen: false } : undefined,
        defaultAction: 'Deny',
        authorizationRules: authorizationRules(policy, route, identity, apiKey),
      });
      objects.push(`SecurityPolicy/${sp.policyName}`);
    }

    // Request limits.
    // Tiers select disjoint callers and every route gets the same rules: their declaration order has no meaning, so rules and targets are sorted.
    const limited = byName(policy.tiers, (t) => t.name).filter((t) => !t.unlimited && identity.tierSelectors(t).length > 0);
    const tokenRules = tokenBudgetRules(policy, identity, apiKey);
    const grantRules = apiKey ? subscriptionLimitRules(policy, identity, apiKey) : [];
    if (limited.length > 0 || tokenRules.length > 0 || grantRules.length > 0) {
      const requestRules = [...limited.flatMap((tier) => limitRules(policy, tier, identity)), ...grantRules];
      const addRules = (btp: BackendTrafficPolicy) => {
        for (const rule of requestRules) {
          if (policy.rateLimitMode === RateLimitMode.GLOBAL) btp.addGlobalRateLimit(rule);
          else btp.addLocalRateLimit(rule);
        }
        for (const rule of tokenRules) btp.addGlobalRateLimit(rule);
      };
      // Envoy Gateway applies one BackendTrafficPolicy per route: a route that already has one (an OpenAiEndpoint's
      // fallback retries) gets the limits in it; the others share the policy's own.
      const existing = existingTrafficPolicies(policy);
      const own = policy.routes.filter((r) => !existing.has(r));
      if (own.length > 0) {
        const btp = new BackendTrafficPolicy(policy, 'RateLimits', { name: `${policy.policyName}-rate-limits`, targets: byName(own, (r) => r.routeName).map((r) => PolicyTarget.route(r)) });
        addRules(btp);
        objects.push(`BackendTrafficPolicy/${btp.policyName}`);
      }
      for (const btp of new Set(existing.values())) {
        addRules(btp);
        objects.push(`BackendTrafficPolicy/${btp.policyName}`);
      }
      caveats.push(...limitCaveats(policy));
      if (tokenRules.length > 0) caveats.push(...tokenCaveats(policy));
    }
    if (apiKey && policy.subscriptions.length > 0) {
      caveats.push(
        `Subscriptions are compiled per API-key holder from the holders list at synth time (the Secrets' \`${API_KEY_SUBSCRIPTIONS_ANNOTATION}\` annotation is informational), so giving a holder a subscription is a code change. The rate-limit rules select the holder's client id (\`${ENVOY_GATEWAY_CLIENT_ID_HEADER}\`, set by Envoy from the verified key, replacing any value the client sent), the model (\`x-ai-eg-model\`) and the \`${policy.subscriptionHeader}\` header; each model route's SecurityPolicy allows the header only with a subscription the holder holds that grants the model and refuses any other value (403, rule \`refuse-subscription-header\`), before the rate limit runs. A tier budget counts only the tier's holders that hold no subscription granting the model; one that counts no holder is not emitted.`,
      );
    }

    const strip = identityHeaders(policy);
    if (strip.length > 0) {
      const ctp = stripIdentityHeaders(policy, strip);
      objects.push(`ClientTrafficPolicy/${ctp.policyName}`);
      caveats.push(
        `Identity headers ${strip.map((h) => `\`${h}\``).join(', ')} are set by the gateway, but ${jwt ? "Envoy appends verified JWT claims to values the client may have sent" : 'the external authorizer runs before the API-key filter sets them'}; ClientTrafficPolicy \`${Chart.of(ctp).namespace}/${ctp.policyName}\` drops client copies when requests enter Gateway \`${policy.gateway.gatewayName}\`. It must be the only ClientTrafficPolicy of that Gateway: one on a listener replaces it, and of two on the Gateway the older wins.`,
      );
    }
    if (jwt) {
      caveats.push(
        `JWT signature algorithms (${jwt.algorithms.join(', ')}) are not enforced: Envoy's jwt_authn accepts any algorithm that fits a key of the JWKS; tokens are read only from \`Authorization: Bearer\`, with Envoy's ${ENVOY_JWT_CLOCK_SKEW_SECONDS}s clock skew.`,
      );
    }

    if (policy.externalAuthorizer) {
      const opa = policy.externalAuthorizer;
      if (opa.serviceNamespace !== policy.policyNamespace) {
        const grant = grantOpa(policy);
        objects.push(`ReferenceGrant/${grant}`);
      }
      if (opaAfterAuthentication(policy)) {
        const proxy = EnvoyProxyConfig.forGateway(policy, policy.gateway);
        proxy.runExtAuthzAfterAuthentication();
        if (!objects.includes(`EnvoyProxy/${proxy.proxyName}`)) objects.push(`EnvoyProxy/${proxy.proxyName}`);
        caveats.push(
          `The external authorizer (OPA \`${opa.serviceNamespace}/${opa.serviceName}\`) runs after JWT/API-key authentication: EnvoyProxy \`${proxy.proxyName}\` (the Gateway's parametersRef) moves envoy.filters.http.ext_authz after envoy.filters.http.jwt_authn. OPA unreachable: requests are refused (failOpen: false).`,
        );
      } else {
        caveats.push(
          `The external authorizer (OPA \`${opa.serviceNamespace}/${opa.serviceName}\`) is called before JWT/API-key authentication in Envoy Gateway's default filter order (ext_authz runs before api_key_auth and jwt_authn), because the Gateway is not defined in this platform and its EnvoyProxy cannot be set: OPA sees the request before its credential is checked and without identity headers, and a caller it refuses gets 403 even without a valid credential. Requests still need both. OPA unreachable: requests are refused (failOpen: false).`,
        );
      }
    }

    caveats.push(
      'Most specific policy wins: the SecurityPolicy and BackendTrafficPolicy on each route replace any policy of the same kind on its Gateway or listener (no merging), and a second policy of the same kind on one of these routes conflicts with them (Envoy Gateway keeps one and reports the other).',
    );
    return { caveats, objects };
  },
};

/** Throws for every part of the intent Envoy Gateway cannot enforce with the same meaning. */
function checkSupported(policy: AccessPolicy): void {
  const kinds = policy.authentication.map((a) => a.kind);
  if (kinds.length > 1) {
    unsupported(
      policy,
      ENVOY_GATEWAY_ENGINE,
      'authentication',
      kinds,
      'Envoy Gateway requires every method configured in a SecurityPolicy (JWT and API keys are AND-ed, https://github.com/envoyproxy/gateway/issues/8491): use one method per AccessPolicy (separate routes for key and token callers), or the Kuadrant engine, whose AuthPolicy accepts any one identity',
    );
  }
  checkTokenBudgets(policy);
  if (policy.subscriptions.length > 0 && policy.jwt) {
    unsupported(
      policy,
      ENVOY_GATEWAY_ENGINE,
      'subscriptions',
      policy.subscriptions.map((s) => s.name),
      `with JWT a caller's subscriptions arrive in claim '${policy.jwt.subscriptionsClaim}' at request time, and Envoy Gateway rate limits select requests by header conditions (Exact, RegularExpression, Distinct) that cannot apply the subscription selection rule to a claim list (the subscription named in the request, else the highest-priority one of the holder that grants the model): use API keys, whose holders and subscriptions are compiled per client id (ApiKeyAuth.fromExternalSecrets({ secretStore, holders: [{ userId, tier, remoteKey, subscriptions }] })), give the budgets to tiers, or use the Kuadrant engine (TokenRateLimitPolicy with subscription selection in its AuthPolicy)`,
    );
  }
  policy.authentication.forEach((a, i) => {
    const field = `authentication[${i}]`;
    if (a.kind === 'api-key') {
      if (!a.holders) {
        unsupported(
          policy,
          ENVOY_GATEWAY_ENGINE,
          `${field}.holders`,
          a.selectorFor(policy),
          "Envoy Gateway references API-key Secrets by name and cannot read a tier label, so key holders must be known at synth time: use ApiKeyAuth.fromExternalSecrets({ secretStore, holders }), or the Kuadrant engine (Authorino selects keys by label)",
        );
      }
      if (a.location.prefix !== undefined && a.location.prefix !== 'Bearer') {
        unsupported(
          policy,
          ENVOY_GATEWAY_ENGINE,
          `${field}.location`,
          `Authorization: ${a.location.prefix} <key>`,
          "Envoy's api_key_auth strips only a 'Bearer ' prefix: use ApiKeyLocation.header('x-api-key'), ApiKeyLocation.authorizationHeader('Bearer'), or the Kuadrant engine",
        );
      }
    } else {
      checkJwt(policy, a, field);
    }
  });
  if (policy.counterKey === CounterKey.API_KEY && policy.jwt) {
    unsupported(
      policy,
      ENVOY_GATEWAY_ENGINE,
      'counterKey',
      policy.counterKey,
      'counting per token would copy raw bearer tokens into rate-limit descriptors (and Redis keys); use CounterKey.USER (the user claim), or API keys where each key is a client id',
    );
  }
  if (policy.rateLimitMode === RateLimitMode.LOCAL && policy.limitScope === LimitScope.GATEWAY && (policy.tiers.some((t) => t.limits.length > 0) || policy.subscriptions.some((s) => s.grants.some((g) => (g.limits ?? []).length > 0)))) {
    unsupported(
      policy,
      ENVOY_GATEWAY_ENGINE,
      'limitScope',
      policy.limitScope,
      'Envoy Gateway shares a bucket across routes only for global rate limits (local buckets are per route and per replica): use RateLimitMode.GLOBAL with LimitScope.GATEWAY, or LimitScope.ROUTE',
    );
  }
  const others = SecurityPolicy.inNamespace(Namespace.of(policy));
  for (const r of policy.routes) {
    const taken = others.find((sp) => sp.targets.some((t) => t.kind === r.routeKind && t.name === r.routeName));
    if (taken) {
      unsupported(
        policy,
        ENVOY_GATEWAY_ENGINE,
        'routes',
        `${r.routeKind}/${r.routeName}`,
        `Envoy Gateway applies one SecurityPolicy per route and SecurityPolicy '${taken.policyName}' (${taken.node.path}) already targets it: protect each route with a single AccessPolicy`,
      );
    }
    if (r.routeNamespace !== undefined && r.routeNamespace !== policy.policyNamespace) {
      unsupported(
        policy,
        ENVOY_GATEWAY_ENGINE,
        'routes',
        `${r.routeKind}/${r.routeNamespace}/${r.routeName}`,
        `Envoy Gateway policies attach only to routes of their own namespace: create the AccessPolicy in namespace '${r.routeNamespace}' (one policy per namespace)`,
      );
    }
  }
  const opa = policy.externalAuthorizer;
  if (opa && opa.serviceNamespace !== policy.policyNamespace && !findPlatformNamespace(policy, opa.serviceNamespace)) {
    unsupported(
      policy,
      ENVOY_GATEWAY_ENGINE,
      'externalAuthorizer',
      `${opa.serviceNamespace}/${opa.serviceName}`,
      `a SecurityPolicy may reference a Service of another namespace only with a ReferenceGrant there: define the OpaAuthorizer in a Namespace of this platform, or in '${policy.policyNamespace}'`,
    );
  }
  const strip = identityHeaders(policy);
  if (strip.length > 0 && !gatewayNamespace(policy)) {
    const gatewayNs = policy.gateway.gatewayNamespace ?? policy.policyNamespace;
    unsupported(
      policy,
      ENVOY_GATEWAY_ENGINE,
      'gateway',
      `${gatewayNs}/${policy.gateway.gatewayName}`,
      `only a ClientTrafficPolicy in the Gateway's namespace can drop client-sent copies of ${strip.join(', ')} before ${policy.jwt ? 'Envoy appends verified JWT claims to them' : 'the external authorizer reads them'}: define Namespace '${gatewayNs}' in this platform (the Gateway itself may stay imported)`,
    );
  }
}

/**
 * The headers the gateway sets from the verified identity and whose client
 * copies must be dropped on arrival: JWT claim headers (Envoy appends to
 * client values), and the API-key client id header when an external
 * authorizer reads requests before the API-key filter overwrites it (only
 * when the Gateway is imported, so ext_authz cannot be moved after it).
 */
function identityHeaders(policy: AccessPolicy): string[] {
  if (policy.jwt) return [...new Set(Object.values(policy.jwt.claimsToHeaders))].sort();
  return policy.externalAuthorizer && !opaAfterAuthentication(policy) ? [ENVOY_GATEWAY_CLIENT_ID_HEADER] : [];
}

/** True when the Gateway is defined in the platform, so its EnvoyProxy can order ext_authz after authentication. */
function opaAfterAuthentication(policy: AccessPolicy): boolean {
  return policy.externalAuthorizer !== undefined && definedGateway(policy.gateway) !== undefined && gatewayNamespace(policy) !== undefined;
}

function checkJwt(policy: AccessPolicy, jwt: JwtAuth, field: string): void {
  const skew = jwt.clockSkew.toSeconds();
  if (skew !== ENVOY_JWT_CLOCK_SKEW_SECONDS) {
    unsupported(
      policy,
      ENVOY_GATEWAY_ENGINE,
      `${field}.clockSkew`,
      `${skew}s`,
      `Envoy Gateway does not expose the jwt_authn clock skew, which stays at Envoy's ${ENVOY_JWT_CLOCK_SKEW_SECONDS}s: drop clockSkew (or set Duration.seconds(${ENVOY_JWT_CLOCK_SKEW_SECONDS})), or use the Kuadrant engine`,
    );
  }
  const limited = policy.tiers.some((t) => t.limits.length > 0 || t.tokenLimits.length > 0);
  const needed: Array<[string, string]> = [];
  if (limited) needed.push([jwt.tierClaim, 'x-user-tier']);
  if (limited && policy.counterKey === CounterKey.USER) needed.push([jwt.userClaim, 'x-user-id']);
  for (const [claim, header] of needed) {
    if (jwt.claimsToHeaders[claim] === undefined) {
      unsupported(
        policy,
        ENVOY_GATEWAY_ENGINE,
        `${field}.claimsToHeaders`,
        jwt.claimsToHeaders,
        `Envoy Gateway rate limits select requests by headers only, so claim '${claim}' must be copied into a header: add ${claim}: '${header}' to claimsToHeaders`,
      );
    }
  }
}

function jwtIdentity(policy: AccessPolicy, jwt: JwtAuth): Identity {
  return {
    principal: (tier) => ({ jwt: { provider: policy.policyName, claims: [{ name: jwt.tierClaim, values: [tier.name] }] } }),
    tierSelectors: (tier) => [HeaderSelector.exact(jwt.claimsToHeaders[jwt.tierClaim], tier.name)],
    perUser: jwt.claimsToHeaders[jwt.userClaim] !== undefined ? HeaderSelector.distinct(jwt.claimsToHeaders[jwt.userClaim]) : undefined,
  };
}

function apiKeyIdentity(apiKey: ApiKeyAuth): Identity {
  const members = (tier: Tier): string[] =>
    (apiKey.holders as readonly ApiKeyHolder[])
      .filter((h) => h.tier === tier.name)
      .map((h) => h.userId)
      .sort();
  return {
    principal: (tier) => {
      const ids = members(tier);
      return ids.length > 0 ? { headers: { [ENVOY_GATEWAY_CLIENT_ID_HEADER]: ids } } : undefined;
    },
    tierSelectors: (tier) => fittingSlices(members(tier), (ids) => `^(${ids.join('|')})$`).map((p) => HeaderSelector.regex(ENVOY_GATEWAY_CLIENT_ID_HEADER, p)),
    perUser: HeaderSelector.distinct(ENVOY_GATEWAY_CLIENT_ID_HEADER),
  };
}

/**
 * Allow rules for the tiers that may call `route`, by tier name (every rule
 * allows, so their order has no meaning); one per path prefix (named
 * `<tier>:<prefix>`).
 */
function tierRules(policy: AccessPolicy, route: IPolicyRoute, identity: Identity): Array<AuthorizationRule & { readonly tier: Tier }> {
  const rules: Array<AuthorizationRule & { readonly tier: Tier }> = [];
  for (const tier of byName(policy.tiers, (t) => t.name)) {
    if (!tier.allows(route)) continue;
    const principal = identity.principal(tier);
    if (!principal) continue;
    const prefixes = tier.pathPrefixes ?? [];
    if (prefixes.length === 0) {
      rules.push({ tier, name: tier.name, action: 'Allow', principal, methods: tier.methods });
    } else {
      for (const p of prefixes) rules.push({ tier, name: `${tier.name}:${p}`, action: 'Allow', principal, methods: tier.methods, path: PathMatch.prefix(p) });
    }
  }
  return rules;
}

/** The rate-limit rules of one tier: one per limit (and per IP family when counting by client IP). */
function limitRules(policy: AccessPolicy, tier: Tier, identity: Identity): RateLimitRule[] {
  const selectors: ClientSelector[] = callerSlices(policy, `tiers(${tier.name}).limits`, identity.tierSelectors(tier)).flatMap((tierSelector) =>
    policy.counterKey === CounterKey.CLIENT_IP
      ? [
          { headers: [tierSelector], sourceCidr: SourceCidrSelector.distinct('0.0.0.0/0') },
          { headers: [tierSelector], sourceCidr: SourceCidrSelector.distinct('::/0') },
        ]
      : [{ headers: [tierSelector, identity.perUser!] }],
  );
  const shared = policy.limitScope === LimitScope.GATEWAY ? true : undefined;
  return tier.limits.flatMap((l) => selectors.map((s) => ({ clientSelectors: [s], requests: l.requestsPerUnit, unit: UNITS[l.unit], shared })));
}

/**
 * The Envoy AI Gateway routes of the policy's Gateway protected otherwise:
 * authentication runs before Envoy AI Gateway picks the model's route, with
 * the SecurityPolicy of whichever generated route matched first, so every
 * AIGatewayRoute of a Gateway must share one AccessPolicy (checked at synth,
 * when every route exists).
 */
function aiGatewayAuthenticationConflicts(policy: AccessPolicy): string[] {
  const platform = Platform.tryOf(policy);
  if (!platform) return [];
  const others = platform.node
    .findAll()
    .filter((c): c is AIGatewayRoute => c instanceof AIGatewayRoute && c.parentGateways.includes(policy.gateway))
    .filter((r) => !(AccessControl.policiesOf(r).length === 1 && AccessControl.policiesOf(r)[0] === policy.policyName));
  return others.map((r) =>
    errorMessage(
      policy,
      'routes',
      `does not cover AIGatewayRoute ${r.routeNamespace ?? ''}/${r.routeName} of Gateway '${policy.gateway.gatewayName}' (${AccessControl.policiesOf(r).length > 0 ? `protected by ${AccessControl.policiesOf(r).join(', ')}` : (AccessControl.publicReasonOf(r) !== undefined ? 'public' : 'unprotected')}), but Envoy AI Gateway authenticates every request with the SecurityPolicy of the model route it first matches, before it reads the model`,
      r.routeName,
      'protect every OpenAiEndpoint (and AIGatewayRoute) of the Gateway with this one AccessPolicy (tiers choose the models), or serve the others on another Gateway',
    ),
  );
}

/**
 * The BackendTrafficPolicies defined before this policy that target one of
 * its routes (Envoy Gateway applies one per route, so the limits go into
 * them), by route.
 *
 * @throws ModelServingError when such a policy targets anything else too, or
 *   buckets must be shared across routes (LimitScope.GATEWAY), which one
 *   BackendTrafficPolicy per route cannot do
 */
function existingTrafficPolicies(policy: AccessPolicy): Map<IPolicyRoute, BackendTrafficPolicy> {
  const found = new Map<IPolicyRoute, BackendTrafficPolicy>();
  const others = BackendTrafficPolicy.inNamespace(Namespace.of(policy)).filter((b) => !policy.node.findAll().includes(b));
  for (const r of policy.routes) {
    const btp = others.find((b) => b.targets.some((t) => t.kind === r.routeKind && t.name === r.routeName));
    if (!btp) continue;
    if (btp.targets.length > 1 || btp.localRateLimits.length + btp.globalRateLimits.length > 0) {
      unsupported(policy, ENVOY_GATEWAY_ENGINE, 'routes', `${r.routeKind}/${r.routeName}`, `Envoy Gateway applies one BackendTrafficPolicy per route and '${btp.policyName}' (${btp.node.path}) already targets it with other routes or limits: protect the route with a single AccessPolicy`);
    }
    if (policy.limitScope === LimitScope.GATEWAY) {
      unsupported(policy, ENVOY_GATEWAY_ENGINE, 'limitScope', policy.limitScope, `route ${r.routeName} has its own BackendTrafficPolicy '${btp.policyName}' (fallback retries), and Envoy Gateway shares buckets only between the targets of one policy: use LimitScope.ROUTE`);
    }
    found.set(r, btp);
  }
  return found;
}

/**
 * The dynamic-metadata key each token count is stored under by the
 * `llmRequestCosts` the engine adds to the AIGatewayRoutes (the keys of
 * Envoy AI Gateway's own example, api/v1beta1/ai_gateway_route.go).
 */
const TOKEN_COSTS: Readonly<Record<TokenCount, LlmRequestCost>> = {
  [TokenCount.TOTAL]: LlmRequestCost.totalTokens('llm_total_token'),
  [TokenCount.INPUT]: LlmRequestCost.inputTokens('llm_input_token'),
  [TokenCount.OUTPUT]: LlmRequestCost.outputTokens('llm_output_token'),
  [TokenCount.CACHED_INPUT]: LlmRequestCost.cachedInputTokens('llm_cached_input_token'),
};

/** The Envoy AI Gateway metadata key a token count is read from (for tests and reports). */
export function tokenCostMetadataKey(counts: TokenCount): string {
  return TOKEN_COSTS[counts].metadataKey;
}

/**
 * Refuses the token budgets Envoy Gateway cannot count: any outside global
 * mode (response costs are charged by the global rate-limit service only),
 * on a route that is not an Envoy AI Gateway route (nothing writes the
 * token counts there), or on a route whose models are not known by name;
 * and a subscription grant's request limits on such a route (its rules
 * select the subscription's models by name too).
 */
function checkTokenBudgets(policy: AccessPolicy): void {
  const budgets = policy.tokenBudgets();
  const modelRoutes = budgets.map((b) => ({ field: b.field, what: b.limit.toString(), route: b.route }));
  for (const s of policy.subscriptions) {
    s.grants.forEach((g, gi) => {
      if ((g.limits ?? []).length === 0) return;
      for (const route of s.routes.filter((r) => s.grantFor(r) === g && !policy.modelFreeRoutes.includes(r))) {
        modelRoutes.push({ field: `subscriptions(${s.name}).grants[${gi}].limits`, what: (g.limits ?? []).map(String).join(', '), route });
      }
    });
  }
  if (budgets.length > 0 && policy.rateLimitMode !== RateLimitMode.GLOBAL) {
    unsupported(
      policy,
      ENVOY_GATEWAY_ENGINE,
      'rateLimitMode',
      policy.rateLimitMode,
      `token budgets (${budgets[0].field}) are charged after the response from Envoy AI Gateway's token counts (BackendTrafficPolicy cost.response), which Envoy Gateway supports for global rate limits only: use RateLimitMode.GLOBAL (Envoy Gateway's rate-limit service with Redis), or drop tokenLimits`,
    );
  }
  for (const b of modelRoutes) {
    if (!(b.route instanceof AIGatewayRoute)) {
      unsupported(
        policy,
        ENVOY_GATEWAY_ENGINE,
        b.field,
        `${b.what} on ${b.route.routeKind}/${b.route.routeName}`,
        'Envoy Gateway counts LLM tokens only on Envoy AI Gateway routes, whose filter writes the usage to dynamic metadata (llmRequestCosts) and the model to x-ai-eg-model (which subscription rules select): serve the model through an OpenAiEndpoint (or an AIGatewayRoute), limit it to those models (TokenLimit models), or use the Kuadrant engine (TokenRateLimitPolicy)',
      );
    }
    if (b.route.models === undefined) {
      unsupported(
        policy,
        ENVOY_GATEWAY_ENGINE,
        b.field,
        `AIGatewayRoute/${b.route.routeName}`,
        "a token budget rule selects its models by the x-ai-eg-model header, but a rule of this AIGatewayRoute does not match one model by name: match every rule with AIGatewayRouteMatches.model('<model>') (as OpenAiEndpoint does)",
      );
    }
  }
}

/**
 * The authorization rules of `route`: the tier rules, preceded on a model
 * route of an API-key policy with subscriptions by the rules that admit the
 * subscription header only with a subscription the holder holds and that
 * grants the model (see {@link subscriptionAuthorizationRules}).
 */
function authorizationRules(policy: AccessPolicy, route: IPolicyRoute, identity: Identity, apiKey: ApiKeyAuth | undefined): AuthorizationRule[] {
  const rules = tierRules(policy, route, identity);
  if (!apiKey || policy.subscriptions.length === 0 || policy.modelFreeRoutes.includes(route)) return rules.flatMap(({ tier: _tier, ...rule }) => withinHeaderValues(rule));
  return subscriptionAuthorizationRules(policy, route, ENVOY_GATEWAY_CLIENT_ID_HEADER, apiKey.holders!, rules).flatMap(withinHeaderValues);
}

/**
 * The most values of one principal header condition
 * (envoyproxy/gateway v1.9.0 api/v1alpha1/authorization_types.go
 * `AuthorizationHeaderMatch.Values`, MaxItems=256).
 */
const MAX_PRINCIPAL_HEADER_VALUES = 256;

/**
 * `rule` as consecutive rules of its action, each with at most
 * {@link MAX_PRINCIPAL_HEADER_VALUES} values of its principal's client-id
 * header (the first keeps the name, the others `<name>#<n>`): first match
 * decides, so adjacent rules of one action over slices of the values decide
 * every request as the rule does. A tier or subscription of more API-key
 * holders needs several.
 */
function withinHeaderValues(rule: AuthorizationRule): AuthorizationRule[] {
  const ids = rule.principal?.headers?.[ENVOY_GATEWAY_CLIENT_ID_HEADER];
  if (!ids || ids.length <= MAX_PRINCIPAL_HEADER_VALUES) return [rule];
  const parts: AuthorizationRule[] = [];
  for (let i = 0; i < ids.length; i += MAX_PRINCIPAL_HEADER_VALUES) {
    const n = i / MAX_PRINCIPAL_HEADER_VALUES + 1;
    parts.push({
      ...rule,
      name: rule.name === undefined || n === 1 ? rule.name : `${rule.name}#${n}`,
      principal: { ...rule.principal, headers: { ...rule.principal!.headers, [ENVOY_GATEWAY_CLIENT_ID_HEADER]: ids.slice(i, i + MAX_PRINCIPAL_HEADER_VALUES) } },
    });
  }
  return parts;
}

/** The selectors of one rule counting per caller (or per client address, one per IP family) the requests `headers` select; the first header condition says whose. */
function perCaller(policy: AccessPolicy, identity: Identity, headers: readonly HeaderSelector[]): ClientSelector[] {
  return policy.counterKey === CounterKey.CLIENT_IP
    ? [
        { headers: [...headers], sourceCidr: SourceCidrSelector.distinct('0.0.0.0/0') },
        { headers: [...headers], sourceCidr: SourceCidrSelector.distinct('::/0') },
      ]
    : [{ headers: [headers[0]!, identity.perUser!, ...headers.slice(1)] }];
}

/** The routes of each (holder, limit) among the token budgets of `kind`: one TokenLimit object may be shared by two holders, whose models must not merge. */
function budgetRoutes<H extends Tier | Subscription>(policy: AccessPolicy, kind: 'tier' | 'subscription'): Map<H, Map<TokenLimit, AIGatewayRoute[]>> {
  const routesOf = new Map<H, Map<TokenLimit, AIGatewayRoute[]>>();
  for (const b of policy.tokenBudgets().filter((x) => x.holderKind === kind)) {
    const route = b.route as AIGatewayRoute;
    const perHolder = routesOf.get(b.holder as H) ?? new Map<TokenLimit, AIGatewayRoute[]>();
    routesOf.set(b.holder as H, perHolder);
    const routes = perHolder.get(b.limit) ?? [];
    perHolder.set(b.limit, routes);
    if (!routes.includes(route)) routes.push(route);
    route.addLlmRequestCost(TOKEN_COSTS[b.limit.counts]);
  }
  return routesOf;
}

/**
 * The global rules of the token budgets: per (tier, limit), counted per
 * caller (and per route unless LimitScope.GATEWAY), selecting the budget's
 * models by `x-ai-eg-model`, checked on arrival (cost 0) and charged after
 * the response with the token count Envoy AI Gateway stores in dynamic
 * metadata `io.envoy.ai_gateway/<key>` (envoyproxy/ai-gateway v1.1.0
 * api/v1beta1/shared_types.go AIGatewayFilterMetadataNamespace); each route
 * of a budget gets the matching `llmRequestCosts` entry. With subscriptions
 * (API keys), a tier's rules select only its holders not counted by a
 * subscription on the model, and each subscription budget gets rules per
 * group of its holders (see {@link subscriptionTokenRules}).
 */
function tokenBudgetRules(policy: AccessPolicy, identity: Identity, apiKey: ApiKeyAuth | undefined): RateLimitRule[] {
  const routesOf = budgetRoutes<Tier>(policy, 'tier');
  const holders = apiKey && policy.subscriptions.length > 0 ? apiKey.holders! : undefined;
  const rules: RateLimitRule[] = [];
  for (const tier of byName(policy.tiers, (t) => t.name)) {
    const perTier = routesOf.get(tier);
    if (!perTier) continue;
    const tierSelectors = identity.tierSelectors(tier);
    if (tierSelectors.length === 0) continue;
    for (const limit of tier.tokenLimits) {
      const routes = perTier.get(limit);
      if (!routes) continue;
      const members = holders?.filter((h) => h.tier === tier.name).length;
      // Without subscriptions, or when no member is counted by one on these models: the tier's own selector.
      const groups = holders ? tierBudgetGroups(holders, tier, routes) : [{ clientIds: [], routes }];
      for (const g of groups) {
        const who = callerSlices(policy, `tiers(${tier.name}).tokenLimits`, !holders || g.clientIds.length === members ? tierSelectors : clientSelectors(ENVOY_GATEWAY_CLIENT_ID_HEADER, g.clientIds));
        const models = budgetModelSelectors(policy, `tiers(${tier.name}).tokenLimits`, g.routes);
        for (const w of who) for (const m of models) rules.push(...perCaller(policy, identity, [w, m]).map((s) => tokenRule(policy, s, limit)));
      }
    }
  }
  if (holders) rules.push(...subscriptionTokenRules(policy, identity, holders));
  return rules;
}

/** One token rule: `limit` per window, checked on arrival, charged with the response's token count. */
function tokenRule(policy: AccessPolicy, selector: ClientSelector, limit: TokenLimit): RateLimitRule {
  return {
    clientSelectors: [selector],
    requests: limit.tokensPerUnit,
    unit: UNITS[limit.unit],
    shared: policy.limitScope === LimitScope.GATEWAY ? true : undefined,
    cost: { request: 0, responseMetadata: { namespace: AI_GATEWAY_METADATA_NAMESPACE, key: TOKEN_COSTS[limit.counts].metadataKey } },
  };
}

/**
 * The rules of a subscription limit on `routes`, per group of its holders:
 * on the routes where it is their default, requests without the header or
 * naming it; on the others, requests naming it. A holder whose requests
 * would meet two rules of one limit (both kinds of route) is refused with
 * LimitScope.GATEWAY, where each rule is its own bucket for all routes.
 *
 * @throws ModelServingError for such a holder with LimitScope.GATEWAY
 */
function subscriptionRules(policy: AccessPolicy, identity: Identity, holders: readonly ApiKeyHolder[], s: Subscription, routes: readonly AIGatewayRoute[], field: string, rule: (selector: ClientSelector) => RateLimitRule): RateLimitRule[] {
  const { byDefault, byHeader } = subscriptionBudgetGroups(holders, s, routes);
  if (policy.limitScope === LimitScope.GATEWAY) {
    const split = byDefault.flatMap((g) => g.clientIds).filter((id) => byHeader.some((g) => g.clientIds.includes(id)));
    if (split.length > 0) {
      unsupported(
        policy,
        ENVOY_GATEWAY_ENGINE,
        'limitScope',
        { [field]: split },
        `with LimitScope.GATEWAY a budget is one bucket per caller across its models, but for holder(s) ${split.join(', ')} subscription '${s.name}' is the default on some of its models (${routeNames(byDefault, split[0]!)}) and counted only when named in ${policy.subscriptionHeader} on others (${routeNames(byHeader, split[0]!)}), which Envoy Gateway can select only with two rules, two buckets: use LimitScope.ROUTE, or priorities that make the subscription the holders' default on all of its models or on none`,
      );
    }
  }
  const groups: Array<[HolderGroup, boolean]> = [...byDefault.map((g): [HolderGroup, boolean] => [g, true]), ...byHeader.map((g): [HolderGroup, boolean] => [g, false])];
  return groups.flatMap(([g, byDefaultGroup]) =>
    subscriptionSelectors(policy, s, byDefaultGroup, callerSlices(policy, field, clientSelectors(ENVOY_GATEWAY_CLIENT_ID_HEADER, g.clientIds)), budgetModelSelectors(policy, field, g.routes)).flatMap((headers) =>
      perCaller(policy, identity, headers).map(rule),
    ),
  );
}

/**
 * The client-id conditions of a limit's rules (`fittingSlices` of its API-key
 * holders), each holder in one. Counted per user or key, each holder's
 * requests meet one rule, one bucket; counted per client address
 * (`CounterKey.CLIENT_IP`), holders calling from one address would count in
 * one bucket per rule instead of one, so more than one rule is refused there.
 *
 * @throws ModelServingError for more than one rule with CounterKey.CLIENT_IP
 */
function callerSlices(policy: AccessPolicy, field: string, selectors: HeaderSelector[]): HeaderSelector[] {
  if (selectors.length > 1 && policy.counterKey === CounterKey.CLIENT_IP) {
    unsupported(
      policy,
      ENVOY_GATEWAY_ENGINE,
      'counterKey',
      { [field]: `${selectors.length} rules` },
      `the ${ENVOY_GATEWAY_CLIENT_ID_HEADER} expression of these API-key holders is longer than the ${MAX_HEADER_MATCH_VALUE} characters Envoy Gateway accepts in one rule (api/v1alpha1/ratelimit_types.go HeaderMatch.Value), and split over several rules the holders calling from one client address would count in one bucket per rule: use CounterKey.USER or API_KEY, or fewer holders per tier and subscription`,
    );
  }
  return selectors;
}

/**
 * The model conditions of a budget's rules on `routes` ({@link modelSelectors}).
 * Several rules are several buckets with LimitScope.GATEWAY (one bucket per
 * rule and caller across routes; with LimitScope.ROUTE every route has its
 * own bucket anyway), so a budget whose models need more than one rule is
 * refused there.
 *
 * @throws ModelServingError for such a budget with LimitScope.GATEWAY
 */
function budgetModelSelectors(policy: AccessPolicy, field: string, routes: readonly AIGatewayRoute[]): HeaderSelector[] {
  const selectors = modelSelectors(routes);
  if (selectors.length > 1 && policy.limitScope === LimitScope.GATEWAY) {
    unsupported(
      policy,
      ENVOY_GATEWAY_ENGINE,
      'limitScope',
      { [field]: routes.map((r) => r.routeName) },
      `with LimitScope.GATEWAY a budget is one bucket per caller across its models, but the ${AI_GATEWAY_MODEL_HEADER} expression of these models is longer than the ${MAX_HEADER_MATCH_VALUE} characters Envoy Gateway accepts in one rule (api/v1alpha1/ratelimit_types.go HeaderMatch.Value), and two rules are two buckets: use LimitScope.ROUTE, or give the budget fewer models (TokenLimit models) or shorter model names`,
    );
  }
  return selectors;
}

function routeNames(groups: readonly HolderGroup[], clientId: string): string {
  return (groups.find((g) => g.clientIds.includes(clientId))?.routes ?? []).map((r) => r.routeName).join(', ');
}

/** The token rules of the subscriptions' budgets, per subscription (by name) and limit (declaration order). */
function subscriptionTokenRules(policy: AccessPolicy, identity: Identity, holders: readonly ApiKeyHolder[]): RateLimitRule[] {
  const routesOf = budgetRoutes<Subscription>(policy, 'subscription');
  const rules: RateLimitRule[] = [];
  for (const s of byName(policy.subscriptions, (x) => x.name)) {
    s.grants.forEach((g, gi) => {
      g.tokenLimits.forEach((limit, li) => {
        const routes = routesOf.get(s)?.get(limit);
        if (!routes) return;
        rules.push(...subscriptionRules(policy, identity, holders, s, routes, `subscriptions(${s.name}).grants[${gi}].tokenLimits[${li}]`, (selector) => tokenRule(policy, selector, limit)));
      });
    });
  }
  return rules;
}

/** The request-limit rules of the subscriptions' grants (counted while the subscription is the one selected, in addition to the tier's). */
function subscriptionLimitRules(policy: AccessPolicy, identity: Identity, apiKey: ApiKeyAuth): RateLimitRule[] {
  const rules: RateLimitRule[] = [];
  for (const s of byName(policy.subscriptions, (x) => x.name)) {
    s.grants.forEach((g, gi) => {
      const routes = s.routes.filter((r): r is AIGatewayRoute => s.grantFor(r) === g && r instanceof AIGatewayRoute && !policy.modelFreeRoutes.includes(r));
      (g.limits ?? []).forEach((l, li) => {
        rules.push(
          ...subscriptionRules(policy, identity, apiKey.holders!, s, routes, `subscriptions(${s.name}).grants[${gi}].limits[${li}]`, (selector) => ({
            clientSelectors: [selector],
            requests: l.requestsPerUnit,
            unit: UNITS[l.unit],
            shared: policy.limitScope === LimitScope.GATEWAY ? true : undefined,
          })),
        );
      });
    });
  }
  return rules;
}

function tokenCaveats(policy: AccessPolicy): string[] {
  const kinds = [...new Set(policy.tokenBudgets().map((b) => b.limit.counts))].sort();
  noteRequired(
    policy,
    'Envoy Gateway global rate limiting',
    `token budgets of AccessPolicy ${policy.policyNamespace}/${policy.policyName}`,
    (_platform, purposes) =>
      `Enable global rate limiting in the EnvoyGateway configuration (\`rateLimit.backend.type: Redis\`, \`rateLimit.backend.redis.url\`${policy.redis ? ` = \`${policy.redis.address}\`` : ''}; https://gateway.envoyproxy.io/docs/tasks/traffic/global-rate-limit/): the counters of ${purposes} live in that Redis, shared by every Envoy replica.`,
  );
  return [
    `Token budgets are counted by Envoy Gateway's global rate-limit service from Envoy AI Gateway's token counts (${kinds.map((k) => `${TOKEN_COUNT_FIELD[k]} as \`${AI_GATEWAY_METADATA_NAMESPACE}/${TOKEN_COSTS[k].metadataKey}\``).join(', ')}): a request is checked on arrival (cost 0) and charged after its response, so the request that exhausts a budget completes and the next ones get 429. Streamed responses carry usage only with \`stream_options.include_usage: true\`.`,
  ];
}

function limitCaveats(policy: AccessPolicy): string[] {
  const caveats: string[] = [];
  if (policy.rateLimitMode === RateLimitMode.LOCAL) {
    caveats.push(
      `Local limits are token buckets in each Envoy replica: N gateway replicas allow up to N times each limit, counts restart with the pod, and the per-user buckets a replica keeps are bounded (Envoy's max_dynamic_descriptors, which Envoy Gateway sets to 10,000): when more users are active the least recently used buckets are dropped and their counts restart (https://gateway.envoyproxy.io/docs/tasks/traffic/local-rate-limit/).`,
    );
  } else {
    const redis = policy.redis ? ` at \`${policy.redis.address}\`` : '';
    caveats.push(
      `Global limits need rate limiting enabled in the EnvoyGateway configuration (rateLimit.backend.type: Redis, with the Redis${redis} and its password set there, not in a CRD); until then Envoy Gateway rejects the BackendTrafficPolicy and the routes answer 500. Counters use fixed windows aligned to the clock (a client can send up to twice a limit across a window boundary) (https://gateway.envoyproxy.io/docs/tasks/traffic/global-rate-limit/).`,
    );
  }
  if (policy.limitScope === LimitScope.GATEWAY) {
    caveats.push('One bucket per caller is shared by all routes of this policy (global rules with `shared: true`), not by other routes of the Gateway.');
  }
  if (policy.counterKey === CounterKey.CLIENT_IP) {
    caveats.push(
      "Client IP is the connection peer unless the Gateway's ClientTrafficPolicy configures clientIPDetection (X-Forwarded-For or proxy protocol): behind a load balancer without it, all clients share the balancer's address and one bucket.",
    );
  }
  return caveats;
}

/**
 * The ClientTrafficPolicy of the policy's Gateway (one per Gateway, shared
 * by every policy of the platform) dropping `headers` on arrival.
 */
function stripIdentityHeaders(policy: AccessPolicy, headers: readonly string[]): ClientTrafficPolicy {
  const gateway = policy.gateway;
  const chart = gatewayNamespace(policy)!;
  const ctp = ClientTrafficPolicy.ofGateway(chart, gateway);
  ctp.removeEarlyRequestHeaders(...headers);
  return ctp;
}

/** The platform's Namespace chart of the policy's Gateway, if the platform defines it. */
function gatewayNamespace(policy: AccessPolicy): Namespace | undefined {
  return findPlatformNamespace(policy, policy.gateway.gatewayNamespace ?? policy.policyNamespace);
}

/** The ReferenceGrant letting SecurityPolicies of the policy's namespace use the OPA Service; returns its name. */
function grantOpa(policy: AccessPolicy): string {
  const opa = policy.externalAuthorizer!;
  const target = findPlatformNamespace(policy, opa.serviceNamespace)!;
  const name = policyId(`securitypolicy-from-${policy.policyNamespace}-to-${opa.serviceName}`, 63);
  const id = `grant-securitypolicy-${policy.policyNamespace}-${opa.serviceName}`;
  if (!target.node.tryFindChild(id)) {
    new ReferenceGrant(target, id, {
      name,
      from: [{ group: 'gateway.envoyproxy.io', kind: 'SecurityPolicy', namespace: policy.policyNamespace }],
      to: [{ group: '', kind: 'Service', name: opa.serviceName }],
    });
  }
  return name;
}
