import * as path from 'node:path';
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../../src/core/backend';
import { Namespace } from '../../../src/core/namespace';
import { Platform } from '../../../src/core/platform';
import { KubeObject } from '../../../src/delivery/manifest';
import { synthPlatforms } from '../../../src/delivery/synth';
import { SecretRef } from '../../../src/core/secret-ref';
import { AllowedRoutes } from '../../../src/gateway/allowed-routes';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { AccessPolicy, AccessPolicyProps } from '../../../src/policy/access-policy';
import { ApiKeyAuth, ApiKeyLocation, JwtAuth } from '../../../src/policy/authentication';
import { envoyGatewayCompiler as compiler } from '../../../src/policy/envoy-gateway';
import { OpaAuthorizer } from '../../../src/policy/opa-authorizer';
import { ENVOY_GATEWAY_POLICY_ENGINE } from '../../../src/policy/envoy-gateway/engine';
import { CounterKey, LimitScope, RateLimit, RateLimitMode, TokenLimit } from '../../../src/policy/rate-limit';
import { RedisReference } from '../../../src/policy/redis';
import { Tier } from '../../../src/policy/tier';
import { HttpRoute } from '../../../src/routing/http-route';
import { findObject, objectsOfKind, synthObjects } from '../../util';
import { egPlatform, expectValid } from './fixture';

const ENVOY_GATEWAY_KINDS = ['SecurityPolicy', 'BackendTrafficPolicy', 'ClientTrafficPolicy', 'ExternalSecret', 'ReferenceGrant'];
const secretStore = { name: 'vault' };

/** basic 100/min (iris), premium 1000/min inheriting basic (+ mnist), admin unlimited inheriting premium (every model). */
function tiers(fx: { readonly iris: HttpRoute; readonly mnist: HttpRoute }) {
  const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)], models: [fx.iris] });
  const premium = new Tier('premium', { limits: [RateLimit.perMinute(1000)], models: [fx.mnist], inherits: basic });
  const admin = new Tier('admin', { unlimited: true, models: '*', inherits: premium });
  return [basic, premium, admin];
}

/** One unlimited tier allowed on every route. */
const everyone = () => new Tier('everyone', { unlimited: true });

const jwtAuth = (props: Partial<ConstructorParameters<typeof JwtAuth>[0]> = {}) => new JwtAuth({ issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/.well-known/jwks.json', audiences: ['models'], ...props });

const apiKeys = (options: { readonly location?: ApiKeyLocation } = {}) =>
  ApiKeyAuth.fromExternalSecrets({
    secretStore,
    location: options.location,
    holders: [
      { userId: 'dave', tier: 'basic', remoteKey: 'models/keys/dave' },
      { userId: 'alice', tier: 'basic', remoteKey: 'models/keys/alice', property: 'key' },
      { userId: 'bob', tier: 'premium', remoteKey: 'models/keys/bob' },
      { userId: 'carol', tier: 'admin', remoteKey: 'models/keys/carol' },
    ],
  });

function platformWith({ opa, ...props }: Partial<AccessPolicyProps> & { readonly opa?: boolean } = {}) {
  const fx = egPlatform();
  const authz = opa ? new OpaAuthorizer(fx.ns.edge, 'opa', { policyFile: path.join(__dirname, 'fixtures', 'authz.rego') }) : undefined;
  const policy = new AccessPolicy(fx.ns.models, 'access', {
    gateway: fx.gateway,
    routes: [fx.iris, fx.mnist],
    authentication: [jwtAuth()],
    tiers: tiers(fx),
    rateLimitMode: RateLimitMode.GLOBAL,
    externalAuthorizer: authz,
    ...props,
  });
  return { ...fx, policy };
}

const engineObjects = (objects: readonly KubeObject[]) => objects.filter((o) => ENVOY_GATEWAY_KINDS.includes(o.kind));
const ruleNames = (sp: KubeObject & { spec?: any }) => sp.spec.authorization.rules.map((r: { name: string }) => r.name);

describe('Envoy Gateway compiler', () => {
  it('is the registered engine of Envoy Gateway gateways', () => {
    expect(GatewayProvider.ENVOY_GATEWAY.policyEngine?.compiler()).toBe(compiler);
    expect(compiler.id).toBe('envoy-gateway');
    expect(compiler.displayName).toBe('Envoy Gateway');
  });

  it('JWT callers: one SecurityPolicy per route, tier rules by claim, global per-user limits per tier, OPA after the route', () => {
    const { app, policy } = platformWith({ opa: true, redis: RedisReference.of({ host: 'redis.data.svc.cluster.local' }) });
    const objects = synthObjects(app);

    // Who is authenticated how: a JWT from the issuer, read from Authorization: Bearer, on every route.
    for (const route of ['iris', 'mnist']) {
      const sp = findObject(objects, 'SecurityPolicy', `access-${route}`, 'models');
      expect(sp.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: route }]);
      expect(sp.spec.jwt).toEqual({
        providers: [
          {
            name: 'access',
            issuer: 'https://idp.example.com/',
            audiences: ['models'],
            remoteJWKS: { uri: 'https://idp.example.com/.well-known/jwks.json' },
            claimToHeaders: [
              { claim: 'role', header: 'x-user-tier' },
              { claim: 'sub', header: 'x-user-id' },
            ],
            extractFrom: { headers: [{ name: 'Authorization', valuePrefix: 'Bearer ' }] },
          },
        ],
      });
      expect(sp.spec.apiKeyAuth).toBeUndefined();
      expect(sp.spec.extAuth).toEqual({ grpc: { backendRefs: [{ name: 'opa', namespace: 'edge', port: 9191 }] }, failOpen: false });
      expect(sp.spec.authorization.defaultAction).toBe('Deny');
    }

    // RBAC: the tiers whose models include the route, matched on the verified tier claim.
    const iris = findObject(objects, 'SecurityPolicy', 'access-iris', 'models');
    const mnist = findObject(objects, 'SecurityPolicy', 'access-mnist', 'models');
    expect(ruleNames(iris)).toEqual(['admin', 'basic', 'premium']); // by tier name: every rule allows, so order has no meaning
    expect(ruleNames(mnist)).toEqual(['admin', 'premium']);
    expect(mnist.spec.authorization.rules.find((r: { name: string }) => r.name === 'premium')).toEqual({ name: 'premium', action: 'Allow', principal: { jwt: { provider: 'access', claims: [{ name: 'role', values: ['premium'] }] } } });

    // Limits per tier, counted per user (the sub claim header), one bucket per route; admin is not counted.
    const btp = findObject(objects, 'BackendTrafficPolicy', 'access-rate-limits', 'models');
    expect(btp.spec.targetRefs.map((t: { kind: string; name: string }) => `${t.kind}/${t.name}`)).toEqual(['HTTPRoute/iris', 'HTTPRoute/mnist']);
    expect(btp.spec.rateLimit.local).toBeUndefined();
    expect(btp.spec.rateLimit.global.rules).toEqual([
      {
        clientSelectors: [
          {
            headers: [
              { name: 'x-user-tier', type: 'Exact', value: 'basic' },
              { name: 'x-user-id', type: 'Distinct' },
            ],
          },
        ],
        limit: { requests: 100, unit: 'Minute' },
      },
      {
        clientSelectors: [
          {
            headers: [
              { name: 'x-user-tier', type: 'Exact', value: 'premium' },
              { name: 'x-user-id', type: 'Distinct' },
            ],
          },
        ],
        limit: { requests: 1000, unit: 'Minute' },
      },
    ]);

    // Client copies of the claim headers are dropped on arrival, at the Gateway.
    const ctp = findObject(objects, 'ClientTrafficPolicy', 'gateway-client-traffic', 'edge');
    expect(ctp.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gateway' }],
      headers: { earlyRequestHeaders: { remove: ['x-user-id', 'x-user-tier'] } },
    });

    // The OPA Service in `edge` may be referenced by the SecurityPolicies of `models`.
    const grant = findObject(objects, 'ReferenceGrant', 'securitypolicy-from-models-to-opa', 'edge');
    expect(grant.spec).toEqual({ from: [{ group: 'gateway.envoyproxy.io', kind: 'SecurityPolicy', namespace: 'models' }], to: [{ group: '', kind: 'Service', name: 'opa' }] });

    const emitted = engineObjects(objects);
    expect(emitted.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'BackendTrafficPolicy/access-rate-limits',
      'ClientTrafficPolicy/gateway-client-traffic',
      'ReferenceGrant/securitypolicy-from-models-to-opa',
      'SecurityPolicy/access-iris',
      'SecurityPolicy/access-mnist',
    ]);
    expectValid(emitted);
    expect(emitted).toMatchSnapshot();

    // The report names the objects and the caveats that change the meaning.
    const report = synthPlatforms(app)[0].files['POLICY.md'];
    expect(report).toContain('- Engine: Envoy Gateway;');
    expect(report).toContain('`BackendTrafficPolicy/access-rate-limits`, `ClientTrafficPolicy/gateway-client-traffic`, `EnvoyProxy/gateway-proxy`, `ReferenceGrant/securitypolicy-from-models-to-opa`, `SecurityPolicy/access-iris`, `SecurityPolicy/access-mnist`');
    expect(report).toMatch(/Global limits need rate limiting enabled in the EnvoyGateway configuration \(rateLimit\.backend\.type: Redis, with the Redis at `redis\.data\.svc\.cluster\.local:6379`/);
    expect(report).toMatch(/Identity headers `x-user-id`, `x-user-tier` are set by the gateway, but Envoy appends verified JWT claims .*; ClientTrafficPolicy `edge\/gateway-client-traffic` drops client copies/);
    expect(report).toMatch(/JWT signature algorithms \(RS256\) are not enforced/);
    expect(report).toMatch(/runs after JWT\/API-key authentication: EnvoyProxy `gateway-proxy` \(the Gateway's parametersRef\) moves envoy\.filters\.http\.ext_authz after envoy\.filters\.http\.jwt_authn/);
    const proxy = findObject(objects, 'EnvoyProxy', 'gateway-proxy', 'edge');
    expect(proxy.spec.filterOrder).toEqual([{ name: 'envoy.filters.http.ext_authz', after: 'envoy.filters.http.jwt_authn' }]);
    expect(findObject(objects, 'Gateway', 'gateway', 'edge').spec.infrastructure.parametersRef).toEqual({ group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'gateway-proxy' });
    expect(report).toMatch(/Most specific policy wins/);
    expect(policy.engine).toBe(ENVOY_GATEWAY_POLICY_ENGINE);
  });

  it('API-key callers: one ExternalSecret per holder, tiers by client id, local per-user limits', () => {
    const { app } = platformWith({ authentication: [apiKeys()], rateLimitMode: RateLimitMode.LOCAL });
    const objects = synthObjects(app);

    // Keys come from the secret store, one Secret per holder, the data key being the client (user) id.
    const secrets = objectsOfKind(objects, 'ExternalSecret');
    expect(secrets.map((s) => s.metadata.name)).toEqual(['access-key-alice', 'access-key-bob', 'access-key-carol', 'access-key-dave']);
    const alice = findObject(objects, 'ExternalSecret', 'access-key-alice', 'models');
    expect(alice.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'ClusterSecretStore' });
    expect(alice.spec.data).toEqual([{ secretKey: 'alice', remoteRef: { key: 'models/keys/alice', property: 'key' } }]);
    expect(alice.spec.target.template.metadata).toEqual({ labels: { 'models.cdk8s.io/api-key': 'models.access', 'models.cdk8s.io/tier': 'basic' }, annotations: { 'models.cdk8s.io/user-id': 'alice' } });
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);

    // Who is authenticated how: the x-api-key header against those Secrets; the user id is forwarded, the key is not.
    const iris = findObject(objects, 'SecurityPolicy', 'access-iris', 'models');
    expect(iris.spec.jwt).toBeUndefined();
    expect(iris.spec.apiKeyAuth).toEqual({
      credentialRefs: ['alice', 'bob', 'carol', 'dave'].map((u) => ({ name: `access-key-${u}` })),
      extractFrom: [{ headers: ['x-api-key'] }],
      forwardClientIDHeader: 'x-user-id',
      sanitize: true,
    });
    expect(iris.spec.authorization.rules).toEqual([
      { name: 'admin', action: 'Allow', principal: { headers: [{ name: 'x-user-id', values: ['carol'] }] } },
      { name: 'basic', action: 'Allow', principal: { headers: [{ name: 'x-user-id', values: ['alice', 'dave'] }] } },
      { name: 'premium', action: 'Allow', principal: { headers: [{ name: 'x-user-id', values: ['bob'] }] } },
    ]);
    expect(ruleNames(findObject(objects, 'SecurityPolicy', 'access-mnist', 'models'))).toEqual(['admin', 'premium']);

    // Limits per tier, per user, counted in each replica.
    const btp = findObject(objects, 'BackendTrafficPolicy', 'access-rate-limits', 'models');
    expect(btp.spec.rateLimit.global).toBeUndefined();
    expect(btp.spec.rateLimit.local.rules).toEqual([
      {
        clientSelectors: [
          {
            headers: [
              { name: 'x-user-id', type: 'RegularExpression', value: '^(alice|dave)$' },
              { name: 'x-user-id', type: 'Distinct' },
            ],
          },
        ],
        limit: { requests: 100, unit: 'Minute' },
      },
      {
        clientSelectors: [
          {
            headers: [
              { name: 'x-user-id', type: 'RegularExpression', value: '^(bob)$' },
              { name: 'x-user-id', type: 'Distinct' },
            ],
          },
        ],
        limit: { requests: 1000, unit: 'Minute' },
      },
    ]);

    // API keys are overwritten by Envoy (no ClientTrafficPolicy needed) and no OPA means no grant.
    expect(objectsOfKind(objects, 'ClientTrafficPolicy')).toEqual([]);
    expect(objectsOfKind(objects, 'ReferenceGrant')).toEqual([]);
    expect(iris.spec.extAuth).toBeUndefined();
    const emitted = engineObjects(objects);
    expectValid(emitted);
    expect(emitted).toMatchSnapshot();
    const report = synthPlatforms(app)[0].files['POLICY.md'];
    expect(report).toMatch(/Local limits are token buckets in each Envoy replica: N gateway replicas allow up to N times each limit/);
    expect(report).toMatch(/API-key Secrets hold each key under the holder's user id/);
  });

  it('counts per client IP (IPv4 and IPv6) in one bucket shared by the routes, with method and path rules', () => {
    const fx = egPlatform();
    const reader = new Tier('reader', { limits: [RateLimit.perSecond(5), RateLimit.perHour(1000)], methods: ['GET', 'POST'], pathPrefixes: ['/v1/models', '/v2/models'] });
    new AccessPolicy(fx.ns.models, 'ip', {
      gateway: fx.gateway,
      routes: [fx.iris, fx.mnist],
      externalAuthorizer: new OpaAuthorizer(fx.ns.models, 'opa', { policyFile: path.join(__dirname, 'fixtures', 'authz.rego') }),
      authentication: [jwtAuth({ tierClaim: 'plan', userClaim: 'uid', claimsToHeaders: { plan: 'x-plan' } })],
      tiers: [reader],
      rateLimitMode: RateLimitMode.GLOBAL,
      counterKey: CounterKey.CLIENT_IP,
      limitScope: LimitScope.GATEWAY,
    });
    const objects = synthObjects(fx.app);
    const rules = findObject(objects, 'BackendTrafficPolicy', 'ip-rate-limits', 'models').spec.rateLimit.global.rules;
    expect(rules).toHaveLength(4);
    expect(rules[0]).toEqual({ clientSelectors: [{ headers: [{ name: 'x-plan', type: 'Exact', value: 'reader' }], sourceCIDR: { type: 'Distinct', value: '0.0.0.0/0' } }], limit: { requests: 5, unit: 'Second' }, shared: true });
    expect(rules[1].clientSelectors[0].sourceCIDR).toEqual({ type: 'Distinct', value: '::/0' });
    expect(rules.map((r: { limit: { unit: string } }) => r.limit.unit)).toEqual(['Second', 'Second', 'Hour', 'Hour']);
    expect(rules.every((r: { shared: boolean }) => r.shared)).toBe(true);
    const sp = findObject(objects, 'SecurityPolicy', 'ip-iris', 'models');
    expect(sp.spec.authorization.rules).toEqual([
      { name: 'reader:/v1/models', action: 'Allow', operation: { methods: ['GET', 'POST'], path: { type: 'PathPrefix', value: '/v1/models' } }, principal: { jwt: { provider: 'ip', claims: [{ name: 'plan', values: ['reader'] }] } } },
      { name: 'reader:/v2/models', action: 'Allow', operation: { methods: ['GET', 'POST'], path: { type: 'PathPrefix', value: '/v2/models' } }, principal: { jwt: { provider: 'ip', claims: [{ name: 'plan', values: ['reader'] }] } } },
    ]);
    expect(findObject(objects, 'ClientTrafficPolicy', 'gateway-client-traffic', 'edge').spec.headers.earlyRequestHeaders.remove).toEqual(['x-plan']);
    // The authorizer in the policy's own namespace needs no ReferenceGrant.
    expect(sp.spec.extAuth.grpc.backendRefs).toEqual([{ name: 'opa', port: 9191 }]);
    expect(objectsOfKind(objects, 'ReferenceGrant')).toEqual([]);
    expectValid(engineObjects(objects));
    const report = synthPlatforms(fx.app)[0].files['POLICY.md'];
    expect(report).toMatch(/One bucket per caller is shared by all routes of this policy/);
    expect(report).toMatch(/Client IP is the connection peer unless the Gateway's ClientTrafficPolicy configures clientIPDetection/);
  });

  it('shares one ClientTrafficPolicy per Gateway between policies, and reads Bearer API keys from Authorization', () => {
    const fx = egPlatform();
    const only = new Tier('all', { unlimited: true });
    new AccessPolicy(fx.ns.models, 'tokens', { gateway: fx.gateway, routes: [fx.iris], authentication: [jwtAuth({ claimsToHeaders: { sub: 'x-user-id', email: 'x-user-email' } })], tiers: [only], rateLimitMode: RateLimitMode.LOCAL });
    new AccessPolicy(fx.ns.models, 'other-tokens', { gateway: fx.gateway, routes: [fx.mnist], authentication: [jwtAuth()], tiers: [only], rateLimitMode: RateLimitMode.LOCAL });
    const objects = synthObjects(fx.app);
    expect(objectsOfKind(objects, 'ClientTrafficPolicy')).toHaveLength(1);
    expect(findObject(objects, 'ClientTrafficPolicy', 'gateway-client-traffic', 'edge').spec.headers.earlyRequestHeaders.remove).toEqual(['x-user-email', 'x-user-id', 'x-user-tier']);
    // No tier has limits: no BackendTrafficPolicy.
    expect(objectsOfKind(objects, 'BackendTrafficPolicy')).toEqual([]);

    const keys = egPlatform();
    new AccessPolicy(keys.ns.models, 'keys', { gateway: keys.gateway, routes: [keys.iris, keys.mnist], authentication: [apiKeys({ location: ApiKeyLocation.authorizationHeader('Bearer') })], tiers: tiers(keys), rateLimitMode: RateLimitMode.GLOBAL });
    const sp = findObject(synthObjects(keys.app), 'SecurityPolicy', 'keys-iris', 'models');
    expect(sp.spec.apiKeyAuth.extractFrom).toEqual([{ headers: ['authorization'] }]);
    expect(synthPlatforms(keys.app)[0].files['POLICY.md']).toMatch(/Envoy strips a leading "Bearer " when present/);
  });

  it('API keys with an external authorizer: OPA runs after the API-key filter, which sets the client id header', () => {
    const { app } = platformWith({ authentication: [apiKeys()], opa: true });
    const objects = synthObjects(app);
    expect(objectsOfKind(objects, 'ClientTrafficPolicy')).toEqual([]);
    expect(findObject(objects, 'EnvoyProxy', 'gateway-proxy', 'edge').spec.filterOrder).toEqual([{ name: 'envoy.filters.http.ext_authz', after: 'envoy.filters.http.jwt_authn' }]);
    expect(findObject(objects, 'SecurityPolicy', 'access-iris', 'models').spec.extAuth.grpc.backendRefs).toEqual([{ name: 'opa', namespace: 'edge', port: 9191 }]);
    expectValid(engineObjects(objects));
    expect(synthPlatforms(app)[0].files['POLICY.md']).toMatch(/runs after JWT\/API-key authentication/);
  });

  describe('fails when', () => {
    it('a route has no policy (deny by default)', () => {
      const fx = egPlatform();
      new AccessPolicy(fx.ns.models, 'access', { gateway: fx.gateway, routes: [fx.iris], authentication: [jwtAuth()], tiers: [new Tier('basic', { limits: [RateLimit.perMinute(10)] })], rateLimitMode: RateLimitMode.GLOBAL });
      expect(() => synthObjects(fx.app)).toThrow(/test\/models\/mnist: HTTPRoute\/models\/mnist has no access policy and is not declared public \(deny by default\)/);
    });

    it('never emits a literal key: keys come only by reference', () => {
      const { app } = platformWith({ authentication: [apiKeys()] });
      const objects = synthObjects(app);
      expect(objectsOfKind(objects, 'Secret')).toEqual([]);
      for (const es of objectsOfKind(objects, 'ExternalSecret')) {
        expect(es.spec.target.template.data).toBeUndefined();
        expect(es.spec.data.every((d: { remoteRef: { key: string } }) => d.remoteRef.key.startsWith('models/keys/'))).toBe(true);
      }
      expect(JSON.stringify(objects)).not.toMatch(/stringData/);
    });

    it('a key holder names a tier that is not defined', () => {
      const bad = ApiKeyAuth.fromExternalSecrets({ secretStore, holders: [{ userId: 'eve', tier: 'gold', remoteKey: 'k/eve' }] });
      expect(() => platformWith({ authentication: [bad] })).toThrow(/authentication\[0\]\.holders\[0\]\.tier names a tier the policy does not define \(defined: basic, premium, admin\) \(received: "gold"\)/);
    });

    it('a limit is zero or negative', () => {
      expect(() => platformWith({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(0)] })] })).toThrow(/tiers\[0\]\(basic\)\.limits\[0\]\.requestsPerUnit must be a positive integer \(requests per minute\) \(received: 0\)/);
      expect(() => platformWith({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(-5)] })] })).toThrow(/requestsPerUnit must be a positive integer/);
    });

    it('JWT and API keys are combined (Envoy Gateway requires both)', () => {
      expect(() => platformWith({ authentication: [jwtAuth(), apiKeys()] })).toThrow(
        /test\/models\/access: authentication cannot be expressed by provider 'envoy-gateway' \(received: \["jwt","api-key"\]\)\. Fix: Envoy Gateway requires every method configured in a SecurityPolicy/,
      );
    });

    it('a tier has token limits', () => {
      const llm = new Tier('llm', { limits: [RateLimit.perMinute(10)], tokenLimits: [TokenLimit.perMinute(10000)] });
      // Token budgets count only on Envoy AI Gateway routes (test/policy/envoy-gateway/token-budgets.test.ts); iris is a plain HTTPRoute.
      expect(() => platformWith({ tiers: [llm] })).toThrow(/tiers\(llm\)\.tokenLimits\[0\] cannot be expressed by provider 'envoy-gateway' \(received: "10000 tokens\/minute on HTTPRoute\/iris"\)\. Fix: .*Envoy AI Gateway .*TokenRateLimitPolicy/);
    });

    it('API keys are selected by labels (holders unknown at synth time)', () => {
      const labeled = ApiKeyAuth.fromLabeledSecrets({ selector: { team: 'a' } });
      expect(() => platformWith({ authentication: [labeled] })).toThrow(/authentication\[0\]\.holders cannot be expressed by provider 'envoy-gateway' \(received: \{"team":"a"\}\)\. Fix: .*ApiKeyAuth\.fromExternalSecrets/);
    });

    it('API keys carry a prefix other than Bearer in the Authorization header', () => {
      expect(() => platformWith({ authentication: [apiKeys({ location: ApiKeyLocation.authorizationHeader('APIKEY') })] })).toThrow(
        /authentication\[0\]\.location cannot be expressed by provider 'envoy-gateway' \(received: "Authorization: APIKEY <key>"\)\. Fix: Envoy's api_key_auth strips only a 'Bearer ' prefix/,
      );
    });

    it('the JWT clock skew differs from Envoy 60 seconds', () => {
      expect(() => platformWith({ authentication: [jwtAuth({ clockSkew: Duration.seconds(30) })] })).toThrow(/authentication\[0\]\.clockSkew cannot be expressed by provider 'envoy-gateway' \(received: "30s"\)/);
    });

    it('the tier or user claim is not copied into a header that limits can select', () => {
      expect(() => platformWith({ authentication: [jwtAuth({ claimsToHeaders: { sub: 'x-user-id' } })] })).toThrow(
        /authentication\[0\]\.claimsToHeaders cannot be expressed by provider 'envoy-gateway' .* Fix: Envoy Gateway rate limits select requests by headers only, so claim 'role' must be copied into a header: add role: 'x-user-tier'/,
      );
      expect(() => platformWith({ authentication: [jwtAuth({ claimsToHeaders: { role: 'x-user-tier' } })] })).toThrow(/claim 'sub' must be copied into a header/);
    });

    it('JWT limits count per token', () => {
      expect(() => platformWith({ counterKey: CounterKey.API_KEY })).toThrow(/counterKey cannot be expressed by provider 'envoy-gateway' \(received: "api-key"\)\. Fix: counting per token would copy raw bearer tokens/);
    });

    it('local limits are shared across routes', () => {
      expect(() => platformWith({ rateLimitMode: RateLimitMode.LOCAL, limitScope: LimitScope.GATEWAY })).toThrow(
        /limitScope cannot be expressed by provider 'envoy-gateway' \(received: "gateway"\)\. Fix: Envoy Gateway shares a bucket across routes only for global rate limits/,
      );
    });

    it('a route is in another namespace than the policy', () => {
      const fx = egPlatform();
      const both = new Gateway(fx.ns.edge, 'both', {
        provider: GatewayProvider.ENVOY_GATEWAY,
        listeners: [Listener.https({ certificates: [SecretRef.named('both-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([fx.ns.models, fx.ns.edge]) })],
      });
      const modelRoute = new HttpRoute(fx.ns.models, 'model-route', { parents: [both.listener('https')], rules: [{ backends: [Backend.service('svc', 80)] }] });
      const edgeRoute = new HttpRoute(fx.ns.edge, 'edge-route', { parents: [both.listener('https')], rules: [{ backends: [Backend.service('svc', 80)] }] });
      expect(() =>
        new AccessPolicy(fx.ns.models, 'access', { gateway: both, routes: [modelRoute, edgeRoute], authentication: [jwtAuth()], tiers: [everyone()], rateLimitMode: RateLimitMode.GLOBAL }),
      ).toThrow(/routes cannot be expressed by provider 'envoy-gateway' \(received: "HTTPRoute\/edge\/edge-route"\)\. Fix: Envoy Gateway policies attach only to routes of their own namespace/);
    });

    it('two policies protect the same route', () => {
      const { ns, gateway, iris } = platformWith();
      expect(() => new AccessPolicy(ns.models, 'again', { gateway, routes: [iris], authentication: [jwtAuth()], tiers: [everyone()], rateLimitMode: RateLimitMode.GLOBAL })).toThrow(
        /test\/models\/again: routes cannot be expressed by provider 'envoy-gateway' \(received: "HTTPRoute\/iris"\)\. Fix: Envoy Gateway applies one SecurityPolicy per route and SecurityPolicy 'access-iris'/,
      );
    });

    it('the external authorizer is in another platform (no ReferenceGrant can be emitted)', () => {
      const fx = egPlatform();
      const authzPlatform = new Platform(fx.app, 'authz');
      const opa = new OpaAuthorizer(new Namespace(authzPlatform, 'opa-system'), 'opa', { policyFile: path.join(__dirname, 'fixtures', 'authz.rego') });
      expect(() => new AccessPolicy(fx.ns.models, 'access', { gateway: fx.gateway, routes: [fx.iris, fx.mnist], authentication: [jwtAuth()], tiers: tiers(fx), rateLimitMode: RateLimitMode.GLOBAL, externalAuthorizer: opa })).toThrow(
        /externalAuthorizer cannot be expressed by provider 'envoy-gateway' \(received: "opa-system\/opa"\)\. Fix: a SecurityPolicy may reference a Service of another namespace only with a ReferenceGrant there/,
      );
    });

    it("JWT claims must be stripped at a Gateway whose namespace the platform does not define", () => {
      const fx = egPlatform({ requireAccessPolicies: false });
      const shared = Gateway.fromGatewayName(fx.ns.models, 'shared', 'shared-gateway', { namespace: 'infra', provider: GatewayProvider.ENVOY_GATEWAY, listenerNames: ['https'] });
      const route = new HttpRoute(fx.ns.models, 'llm', { parents: [shared.listener('https')], rules: [{ backends: [Backend.service('llm', 80)] }] });
      expect(() => new AccessPolicy(fx.ns.models, 'access', { gateway: shared, routes: [route], authentication: [jwtAuth()], tiers: [everyone()], rateLimitMode: RateLimitMode.GLOBAL })).toThrow(
        /gateway cannot be expressed by provider 'envoy-gateway' \(received: "infra\/shared-gateway"\)\. Fix: only a ClientTrafficPolicy in the Gateway's namespace can drop client-sent copies of x-user-id, x-user-tier before Envoy appends verified JWT claims to them: define Namespace 'infra' in this platform/,
      );
      // API keys without an external authorizer need no header stripping (Envoy overwrites the client id header): the same imported Gateway is fine.
      new AccessPolicy(fx.ns.models, 'keys', { gateway: shared, routes: [route], authentication: [apiKeys()], tiers: tiers(fx).map((t) => new Tier(t.name, { unlimited: true })), rateLimitMode: RateLimitMode.GLOBAL });
      expect(findObject(synthObjects(fx.app), 'SecurityPolicy', 'keys-llm', 'models').spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'llm' }]);
    });
  });
});
