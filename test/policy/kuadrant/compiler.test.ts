import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../../src/core/backend';
import { Namespace } from '../../../src/core/namespace';
import { SecretRef } from '../../../src/core/secret-ref';
import { synthPlatforms } from '../../../src/delivery/synth';
import { AllowedRoutes } from '../../../src/gateway/allowed-routes';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { AccessPolicy, AccessPolicyProps } from '../../../src/policy/access-policy';
import { ApiKeyAuth, ApiKeyLocation, JwtAuth } from '../../../src/policy/authentication';
import { Kuadrant } from '../../../src/policy/kuadrant';
import { OpaAuthorizer } from '../../../src/policy/opa-authorizer';
import { KUADRANT_POLICY_ENGINE } from '../../../src/policy/kuadrant/engine';
import { CounterKey, LimitScope, RateLimit, RateLimitMode, TokenLimit } from '../../../src/policy/rate-limit';
import { RedisReference } from '../../../src/policy/redis';
import { Tier } from '../../../src/policy/tier';
import { GrpcRoute } from '../../../src/routing/grpc-route';
import { HttpRoute } from '../../../src/routing/http-route';
import { PathMatch } from '../../../src/routing/match';
import { findObject, objectsOfKind, setup, synthObjects } from '../../util';
import { expectValid, istioPlatform, kuadrantObjects } from './fixture';

const secretStore = { name: 'vault' };
const holders = [
  { userId: 'alice', tier: 'basic', remoteKey: 'llm/keys/alice' },
  { userId: 'bob', tier: 'premium', remoteKey: 'llm/keys/bob', property: 'key' },
  { userId: 'carol', tier: 'admin', remoteKey: 'llm/keys/carol' },
];
const apiKeys = (location = ApiKeyLocation.authorizationHeader('APIKEY')) => ApiKeyAuth.fromExternalSecrets({ secretStore, holders, location });
const jwtAuth = () => new JwtAuth({ issuer: 'https://sso.example.com/realms/llm', jwksUri: 'https://sso.example.com/realms/llm/certs', audiences: ['llm-gateway'], tierClaim: 'tier' });

/** basic: qwen3 only, POST under /qwen3/v1, 100 req/min, 10k tokens/min; premium: + granite, 1000 req/min, 100k tokens/hour; admin: everything, unlimited. */
function tiers(fx: { readonly qwen3: HttpRoute; readonly granite: HttpRoute }): Tier[] {
  const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)], tokenLimits: [TokenLimit.perMinute(10000)], models: [fx.qwen3], methods: ['POST'], pathPrefixes: ['/qwen3/v1'] });
  const premium = new Tier('premium', { limits: [RateLimit.perMinute(1000)], tokenLimits: [TokenLimit.perHour(100000)], models: [fx.granite], inherits: basic });
  const admin = new Tier('admin', { unlimited: true, models: '*', inherits: premium });
  return [basic, premium, admin];
}

function platformWith(overrides: Partial<AccessPolicyProps> = {}, options: { readonly kuadrant?: boolean } = {}) {
  const fx = istioPlatform();
  if (options.kuadrant ?? true) new Kuadrant(fx.ns['kuadrant-system'], 'kuadrant');
  const policy = new AccessPolicy(fx.ns.llm, 'maas', {
    gateway: fx.gateway,
    routes: [fx.qwen3, fx.granite],
    authentication: [apiKeys(), jwtAuth()],
    tiers: tiers(fx),
    rateLimitMode: RateLimitMode.GLOBAL,
    ...overrides,
  });
  return { ...fx, policy };
}

describe('Kuadrant compiler', () => {
  it('is the registered engine of Istio gateways', () => {
    const c = GatewayProvider.ISTIO.policyEngine!.compiler();
    expect([c.id, c.displayName]).toEqual(['kuadrant', 'Kuadrant']);
  });

  it('API keys and JWT, 3 tiers with RBAC, request and token limits: one AuthPolicy, RateLimitPolicy and TokenRateLimitPolicy per route', () => {
    const { app } = platformWith();
    const objects = synthObjects(app);

    // Who is authenticated how: API key in `Authorization: APIKEY <key>` (Secrets selected by the policy label), or a JWT from the JWKS.
    const qwen3 = findObject(objects, 'AuthPolicy', 'maas-qwen3', 'llm').spec;
    expect(qwen3.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'qwen3' });
    expect(qwen3.rules.authentication['api-key']).toEqual({
      apiKey: { selector: { matchLabels: { 'models.cdk8s.io/api-key': 'llm.maas' } } },
      credentials: { authorizationHeader: { prefix: 'APIKEY' } },
      overrides: {
        credentialType: { value: 'api-key' },
        tier: { selector: 'auth.identity.metadata.labels.models\\.cdk8s\\.io/tier' },
        userid: { selector: 'auth.identity.metadata.annotations.models\\.cdk8s\\.io/user-id' },
      },
    });
    expect(qwen3.rules.authentication.jwt).toEqual({
      jwt: { jwksUrl: 'https://sso.example.com/realms/llm/certs' },
      credentials: { authorizationHeader: { prefix: 'Bearer' } },
      overrides: { credentialType: { value: 'jwt' }, tier: { selector: 'auth.identity.tier' }, userid: { selector: 'auth.identity.sub' } },
    });
    // RBAC: who may call which model (inheritance resolved), with basic's method and path restriction.
    expect(qwen3.rules.authorization.tier.patternMatching.patterns).toEqual([
      {
        predicate:
          'auth.identity.tier in ["admin", "premium"] || (auth.identity.tier == "basic" && context.request.http.method in ["POST"] && (context.request.http.path.matches("^/qwen3/v1(?:[/?]|$)")))',
      },
    ]);
    expect(findObject(objects, 'AuthPolicy', 'maas-granite', 'llm').spec.rules.authorization.tier.patternMatching.patterns).toEqual([{ predicate: 'auth.identity.tier in ["admin", "premium"]' }]);
    expect(qwen3.rules.authorization['jwt-claims']).toEqual({
      when: [{ predicate: 'auth.identity.credentialType == "jwt"' }],
      patternMatching: {
        patterns: [
          {
            predicate:
              'auth.identity.iss == "https://sso.example.com/realms/llm" && (type(auth.identity.aud) == string ? [auth.identity.aud] : auth.identity.aud).exists(a, a in ["llm-gateway"])',
          },
        ],
      },
    });
    // The identity the limits read, and the claims forwarded upstream.
    expect(qwen3.rules.response.success.filters).toEqual({ identity: { json: { properties: { tier: { expression: 'auth.identity.tier' }, userid: { expression: 'auth.identity.userid' } } } } });
    expect(qwen3.rules.response.success.headers).toEqual({ 'x-user-id': { plain: { expression: 'auth.identity.userid' } }, 'x-user-tier': { plain: { expression: 'auth.identity.tier' } } });

    // The limit per tier and the counter key: per user, per route; admin is not counted.
    const rlp = findObject(objects, 'RateLimitPolicy', 'maas-qwen3', 'llm').spec;
    expect(rlp.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'qwen3' });
    expect(rlp.limits).toEqual({
      basic: { rates: [{ limit: 100, window: '1m' }], when: [{ predicate: 'auth.identity.tier == "basic"' }], counters: [{ expression: 'auth.identity.userid' }] },
      premium: { rates: [{ limit: 1000, window: '1m' }], when: [{ predicate: 'auth.identity.tier == "premium"' }], counters: [{ expression: 'auth.identity.userid' }] },
    });
    expect(Object.keys(findObject(objects, 'RateLimitPolicy', 'maas-granite', 'llm').spec.limits)).toEqual(['premium']);
    const trlp = findObject(objects, 'TokenRateLimitPolicy', 'maas-qwen3', 'llm').spec;
    expect(trlp.limits).toEqual({
      basic: { rates: [{ limit: 10000, window: '1m' }], when: [{ predicate: 'auth.identity.tier == "basic"' }], counters: [{ expression: 'auth.identity.userid' }] },
      premium: { rates: [{ limit: 100000, window: '1h' }], when: [{ predicate: 'auth.identity.tier == "premium"' }], counters: [{ expression: 'auth.identity.userid' }] },
    });
    expect(Object.keys(findObject(objects, 'TokenRateLimitPolicy', 'maas-granite', 'llm').spec.limits)).toEqual(['premium']);

    // API keys: one ExternalSecret per holder in the Kuadrant namespace, in Authorino's layout; never a key value.
    const es = objectsOfKind(objects, 'ExternalSecret');
    expect(es.map((e) => `${e.metadata.namespace}/${e.metadata.name}`)).toEqual(['kuadrant-system/maas-alice', 'kuadrant-system/maas-bob', 'kuadrant-system/maas-carol']);
    const bob = findObject(objects, 'ExternalSecret', 'maas-bob', 'kuadrant-system').spec;
    expect(bob.data).toEqual([{ secretKey: 'api_key', remoteRef: { key: 'llm/keys/bob', property: 'key' } }]);
    expect(bob.target.template.metadata).toEqual({
      labels: { 'authorino.kuadrant.io/managed-by': 'authorino', 'models.cdk8s.io/api-key': 'llm.maas', 'models.cdk8s.io/tier': 'premium' },
      annotations: { 'models.cdk8s.io/user-id': 'bob' },
    });

    // The gateway proxies may reach Authorino and Limitador, and only them.
    expect(findObject(objects, 'NetworkPolicy', 'allow-maas-to-authorino', 'gateway').spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kuadrant-system' } }, podSelector: { matchLabels: { 'authorino-resource': 'authorino' } } }], ports: [{ port: 50051, protocol: 'TCP' }] },
    ]);
    expect(findObject(objects, 'NetworkPolicy', 'allow-limitador-from-gateway-maas', 'kuadrant-system').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway' } }, podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'maas' } } }], ports: [{ port: 8081, protocol: 'TCP' }] },
    ]);

    expectValid(kuadrantObjects(objects));
    expect(findObject(objects, 'AuthPolicy', 'maas-qwen3')).toMatchSnapshot();

    const report = synthPlatforms(app)[0].files['POLICY.md'];
    expect(report).toMatch(/- Engine: Kuadrant; gateway `gateway\/maas`; namespace `llm`/);
    // Sorted, so declaration order does not change the file.
    expect(report).toMatch(/`AuthPolicy\/maas-granite`, `AuthPolicy\/maas-qwen3`, `ExternalSecret\/maas-alice`, `ExternalSecret\/maas-bob`, `ExternalSecret\/maas-carol`, `RateLimitPolicy\/maas-granite`, `RateLimitPolicy\/maas-qwen3`, `TokenRateLimitPolicy\/maas-granite`, `TokenRateLimitPolicy\/maas-qwen3`/);
    expect(report).toMatch(/Counters live in Limitador, shared by all gateway replicas; they are exact across Limitador replicas only with Redis storage/);
    expect(report).toMatch(/Most specific policy wins/);
    expect(report).toMatch(/Token limits count usage\.total_tokens of each response after it is sent/);
    expect(report).toMatch(/The JWT issuer and audience are checked by an authorization rule: a valid token from another issuer gets 403, not 401\. .*clockSkew \(60s\) is not applied/);
  });

  it('counts per API key (the key Secret) when every method is an API key', () => {
    const { app } = platformWith({ authentication: [apiKeys(ApiKeyLocation.header())], counterKey: CounterKey.API_KEY });
    const objects = synthObjects(app);
    const auth = findObject(objects, 'AuthPolicy', 'maas-granite', 'llm').spec;
    expect(auth.rules.authentication['api-key'].credentials).toEqual({ customHeader: { name: 'x-api-key' } });
    expect(auth.rules.authentication['api-key'].overrides.credential).toEqual({ selector: 'auth.identity.metadata.name' });
    expect(auth.rules.authentication['api-key'].overrides.credentialType).toBeUndefined();
    expect(auth.rules.response.success.filters.identity.json.properties.credential).toEqual({ expression: 'auth.identity.credential' });
    expect(auth.rules.response.success.headers).toBeUndefined();
    expect(findObject(objects, 'RateLimitPolicy', 'maas-granite', 'llm').spec.limits.premium.counters).toEqual([{ expression: 'auth.identity.credential' }]);
    expectValid(kuadrantObjects(objects));
  });

  it('counts per client IP, with the caveat on what the gateway trusts as the client address', () => {
    const { app } = platformWith({ authentication: [jwtAuth()], counterKey: CounterKey.CLIENT_IP });
    const objects = synthObjects(app);
    expect(findObject(objects, 'RateLimitPolicy', 'maas-qwen3', 'llm').spec.limits.basic.counters).toEqual([{ expression: 'source.remote_address' }]);
    expect(findObject(objects, 'AuthPolicy', 'maas-qwen3', 'llm').spec.rules.authorization['jwt-claims'].when).toBeUndefined();
    expect(objectsOfKind(objects, 'ExternalSecret')).toEqual([]);
    expect(synthPlatforms(app)[0].files['POLICY.md']).toMatch(/The client IP is Kuadrant's source\.remote_address/);
    expectValid(kuadrantObjects(objects));
  });

  it('API keys in labelled Secrets: nothing emitted for them, a caveat on where Authorino reads them, egress only without a Kuadrant CR', () => {
    const keys = ApiKeyAuth.fromLabeledSecrets({ selector: { app: 'llm-keys' } });
    const { app } = platformWith({ authentication: [keys] }, { kuadrant: false });
    const objects = synthObjects(app);
    expect(objectsOfKind(objects, 'ExternalSecret')).toEqual([]);
    expect(findObject(objects, 'AuthPolicy', 'maas-qwen3', 'llm').spec.rules.authentication['api-key'].apiKey).toEqual({ selector: { matchLabels: { app: 'llm-keys' } } });
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'kuadrant-system' && (o.metadata.name ?? '').startsWith('allow-authorino'))).toEqual([]);
    expect(findObject(objects, 'NetworkPolicy', 'allow-maas-to-authorino', 'gateway').spec.egress[0].to[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'kuadrant-system' });
    expect(synthPlatforms(app)[0].files['POLICY.md']).toMatch(
      /API-key Secrets selected by labels must be in the Kuadrant CR's namespace \(kuadrant-system\) and carry the label authorino\.kuadrant\.io\/managed-by=authorino/,
    );
  });

  it('puts the objects of a route in its own namespace when the policy lives elsewhere', () => {
    const fx = istioPlatform();
    new Kuadrant(fx.ns['kuadrant-system'], 'kuadrant');
    const other = new Namespace(fx.platform, 'team');
    new AccessPolicy(other, 'team', { gateway: fx.gateway, routes: [fx.qwen3, fx.granite], authentication: [jwtAuth()], tiers: tiers(fx), rateLimitMode: RateLimitMode.GLOBAL });
    const objects = synthObjects(fx.app);
    expect(findObject(objects, 'AuthPolicy', 'team-qwen3').metadata.namespace).toBe('llm');
    expect(findObject(objects, 'RateLimitPolicy', 'team-granite').metadata.namespace).toBe('llm');
  });

  it('runs on an Envoy Gateway gateway when chosen explicitly', () => {
    const { app, ns } = setup(['edge', 'llm']);
    const gateway = new Gateway(ns.edge, 'eg', { provider: GatewayProvider.ENVOY_GATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('c')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.llm]) })] });
    const route = new HttpRoute(ns.llm, 'qwen3', { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('qwen3', 80)] }] });
    new AccessPolicy(ns.llm, 'p', { gateway, routes: [route], authentication: [jwtAuth()], tiers: [new Tier('basic', { limits: [RateLimit.perHour(50)] })], rateLimitMode: RateLimitMode.GLOBAL, engine: KUADRANT_POLICY_ENGINE });
    const objects = synthObjects(app);
    expect(findObject(objects, 'RateLimitPolicy', 'p-qwen3', 'llm').spec.limits.basic.rates).toEqual([{ limit: 50, window: '1h' }]);
    // Envoy Gateway proxies run in envoy-gateway-system, a namespace this platform does not define: no egress rule to emit there.
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && (o.metadata.name ?? '').includes('authorino'))).toEqual([]);
    expectValid(kuadrantObjects(objects));
  });

  it('compiles the reference MaaS shape: four routes, free/premium/enterprise keys by ExternalSecret, request and token limits', () => {
    const { app, ns, platform } = setup(['openshift-ingress', 'llm', 'kuadrant-system']);
    new Kuadrant(ns['kuadrant-system'], 'kuadrant');
    const gateway = new Gateway(ns['openshift-ingress'], 'maas-default-gateway', {
      provider: GatewayProvider.ISTIO,
      listeners: [Listener.https({ certificates: [SecretRef.named('maas-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.llm]) })],
    });
    const routes = ['qwen3', 'granite', 'mistral', 'nomic-embed'].map(
      (m) => new HttpRoute(ns.llm, m, { parents: [gateway.listener('https')], rules: [{ matches: [{ path: PathMatch.prefix(`/${m}`) }], backends: [Backend.service(`${m}-predictor`, 80)] }] }),
    );
    const free = new Tier('free', { limits: [RateLimit.perMinute(5)], tokenLimits: [TokenLimit.perMinute(100)], models: [routes[0], routes[3]] });
    const premium = new Tier('premium', { limits: [RateLimit.perMinute(20)], tokenLimits: [TokenLimit.perMinute(50000)], models: [routes[1]], inherits: free });
    const enterprise = new Tier('enterprise', { limits: [RateLimit.perMinute(50)], tokenLimits: [TokenLimit.perMinute(100000)], models: '*', inherits: premium });
    new AccessPolicy(ns.llm, 'maas', {
      gateway,
      routes,
      authentication: [
        ApiKeyAuth.fromExternalSecrets({
          secretStore,
          location: ApiKeyLocation.authorizationHeader('APIKEY'),
          holders: [
            { userId: 'freeuser1', tier: 'free', remoteKey: 'maas/freeuser1' },
            { userId: 'premiumuser1', tier: 'premium', remoteKey: 'maas/premiumuser1' },
            { userId: 'enterpriseuser1', tier: 'enterprise', remoteKey: 'maas/enterpriseuser1' },
          ],
        }),
      ],
      tiers: [free, premium, enterprise],
      rateLimitMode: RateLimitMode.GLOBAL,
    });
    const objects = synthObjects(app);
    expect(objectsOfKind(objects, 'AuthPolicy')).toHaveLength(4);
    expect(objectsOfKind(objects, 'RateLimitPolicy')).toHaveLength(4);
    expect(objectsOfKind(objects, 'TokenRateLimitPolicy')).toHaveLength(4);
    expect(Object.keys(findObject(objects, 'TokenRateLimitPolicy', 'maas-mistral', 'llm').spec.limits)).toEqual(['enterprise']);
    expect(findObject(objects, 'AuthPolicy', 'maas-nomic-embed', 'llm').spec.rules.authorization.tier.patternMatching.patterns[0].predicate).toBe('auth.identity.tier in ["enterprise", "free", "premium"]');
    expect(Object.fromEntries(objectsOfKind(objects, 'ExternalSecret').map((e) => [e.metadata.name, e.spec.target.template.metadata.labels['models.cdk8s.io/tier']]))).toEqual({
      'maas-freeuser1': 'free',
      'maas-premiumuser1': 'premium',
      'maas-enterpriseuser1': 'enterprise',
    });
    expectValid(kuadrantObjects(objects));
    expect(platform.renderOutputFiles()['POLICY.md']).toMatch(/\| mistral \| free \| denied \(403\) \|/);
  });

  describe('fails when', () => {
    it('a route has no policy (deny by default)', () => {
      const fx = istioPlatform();
      new AccessPolicy(fx.ns.llm, 'p', { gateway: fx.gateway, routes: [fx.qwen3], authentication: [jwtAuth()], tiers: [new Tier('basic', { limits: [RateLimit.perMinute(10)] })], rateLimitMode: RateLimitMode.GLOBAL });
      expect(() => synthObjects(fx.app)).toThrow(/test\/llm\/granite: HTTPRoute\/llm\/granite has no access policy and is not declared public \(deny by default\)/);
    });

    it('never emits a literal key: keys come only by reference', () => {
      const { app } = platformWith();
      const objects = synthObjects(app);
      expect(objectsOfKind(objects, 'Secret')).toEqual([]);
      for (const es of objectsOfKind(objects, 'ExternalSecret')) {
        expect(es.spec.target.template.data).toBeUndefined();
        expect(es.spec.data.every((d: { remoteRef: { key: string } }) => d.remoteRef.key.startsWith('llm/keys/'))).toBe(true);
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

    it('limits are local (Limitador is shared by every gateway replica)', () => {
      expect(() => platformWith({ rateLimitMode: RateLimitMode.LOCAL })).toThrow(
        /test\/llm\/maas: rateLimitMode cannot be expressed by provider 'kuadrant' \(received: "local"\)\. Fix: use RateLimitMode\.GLOBAL: Kuadrant counts every limit in Limitador, shared by all gateway replicas/,
      );
    });

    it('routes share one bucket (Limitador keys counters by HTTPRoute)', () => {
      expect(() => platformWith({ limitScope: LimitScope.GATEWAY })).toThrow(
        /limitScope cannot be expressed by provider 'kuadrant' \(received: "gateway"\)\. Fix: use LimitScope\.ROUTE: Limitador keys every counter by HTTPRoute \(limits namespace <route-namespace>\/<route-name>\)/,
      );
    });

    it('a Redis is given per policy (Limitador storage is per cluster)', () => {
      expect(() => platformWith({ redis: RedisReference.of({ host: 'redis.data.svc.cluster.local' }) })).toThrow(
        /redis cannot be expressed by provider 'kuadrant' \(received: "redis\.data\.svc\.cluster\.local:6379"\)\. Fix: drop redis from the policy: Limitador's storage is set once per cluster/,
      );
    });

    it('an OPA external authorizer is given (Authorino cannot call an OPA ext_authz service)', () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kuadrant-opa-')), 'policy.rego');
      fs.writeFileSync(file, 'package envoy.authz\n\ndefault allow := false\n');
      const fx = istioPlatform();
      const opa = new OpaAuthorizer(fx.ns.gateway, 'opa', { policyFile: file });
      expect(() =>
        new AccessPolicy(fx.ns.llm, 'p', { gateway: fx.gateway, routes: [fx.qwen3, fx.granite], authentication: [jwtAuth()], externalAuthorizer: opa, tiers: tiers(fx), rateLimitMode: RateLimitMode.GLOBAL }),
      ).toThrow(/externalAuthorizer cannot be expressed by provider 'kuadrant' \(received: "gateway\/opa"\)\. Fix: Authorino evaluates Rego itself .* cannot call an OPA ext_authz service/);
    });

    it('limits count per API key while callers may use a JWT', () => {
      expect(() => platformWith({ counterKey: CounterKey.API_KEY })).toThrow(/counterKey cannot be expressed by provider 'kuadrant' \(received: "api-key"\)\. Fix: use CounterKey\.USER/);
    });

    it('JWT algorithms other than RS256 are accepted', () => {
      const es = new JwtAuth({ issuer: 'https://sso.example.com/', jwksUri: 'https://sso.example.com/certs', algorithms: ['RS256', 'ES256'] });
      expect(() => platformWith({ authentication: [es] })).toThrow(/authentication\(jwt\)\.algorithms cannot be expressed by provider 'kuadrant' \(received: \["RS256","ES256"\]\)\. Fix: use algorithms: \['RS256'\]/);
    });

    it('a JWT claim name cannot be addressed by an Authorino selector', () => {
      const odd = new JwtAuth({ issuer: 'https://sso.example.com/', jwksUri: 'https://sso.example.com/certs', tierClaim: 'groups[0]' });
      expect(() => platformWith({ authentication: [odd] })).toThrow(/authentication\(jwt\)\.tierClaim cannot be expressed by provider 'kuadrant' \(received: "groups\[0\]"\)/);
    });

    it('the gateway is not an Istio or Envoy Gateway gateway', () => {
      const { ns } = setup(['edge', 'llm']);
      const gateway = new Gateway(ns.edge, 'kgw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('c')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.llm]) })] });
      const route = new HttpRoute(ns.llm, 'qwen3', { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('qwen3', 80)] }] });
      expect(
        () => new AccessPolicy(ns.llm, 'p', { gateway, routes: [route], authentication: [jwtAuth()], tiers: [new Tier('basic', { limits: [RateLimit.perHour(50)] })], rateLimitMode: RateLimitMode.GLOBAL, engine: KUADRANT_POLICY_ENGINE }),
      ).toThrow(/gateway cannot be expressed by provider 'kuadrant' \(received: "kgw \(kgateway\)"\)\. Fix: Kuadrant enforces policies through Istio and Envoy Gateway gateways only/);
    });

    it('a tier with token limits may call a GRPCRoute', () => {
      const fx = istioPlatform();
      const grpc = new GrpcRoute(fx.ns.llm, 'grpc-model', { parents: [fx.gateway.listener('https')], rules: [{ backends: [Backend.service('grpc-model', 9000)] }] });
      expect(
        () =>
          new AccessPolicy(fx.ns.llm, 'p', {
            gateway: fx.gateway,
            routes: [fx.qwen3, fx.granite, grpc],
            authentication: [jwtAuth()],
            tiers: [new Tier('basic', { limits: [RateLimit.perMinute(10)], tokenLimits: [TokenLimit.perMinute(1000)] })],
            rateLimitMode: RateLimitMode.GLOBAL,
          }),
      ).toThrow(/tiers\(basic\)\.tokenLimits\[0\] cannot be expressed by provider 'kuadrant' \(received: "GRPCRoute\/grpc-model"\)\. Fix: TokenRateLimitPolicy targets only HTTPRoutes and Gateways/);
    });

    it('a GRPCRoute without token limits compiles (AuthPolicy and RateLimitPolicy accept GRPCRoutes)', () => {
      const fx = istioPlatform();
      const grpc = new GrpcRoute(fx.ns.llm, 'grpc-model', { parents: [fx.gateway.listener('https')], rules: [{ backends: [Backend.service('grpc-model', 9000)] }] });
      new AccessPolicy(fx.ns.llm, 'p', { gateway: fx.gateway, routes: [fx.qwen3, fx.granite, grpc], authentication: [jwtAuth()], tiers: tiers(fx), rateLimitMode: RateLimitMode.GLOBAL });
      const objects = synthObjects(fx.app);
      expect(findObject(objects, 'AuthPolicy', 'p-grpc-model', 'llm').spec.targetRef.kind).toBe('GRPCRoute');
      expect(objects.filter((o) => o.kind === 'TokenRateLimitPolicy' && o.metadata.name === 'p-grpc-model')).toEqual([]);
      expectValid(kuadrantObjects(objects));
    });

    it('key holders are given but the platform declares no Kuadrant CR (keys must be in its namespace)', () => {
      expect(() => platformWith({}, { kuadrant: false })).toThrow(
        /test\/llm\/maas: authentication\(api-key\)\.holders need the Kuadrant CR declared in the platform: Authorino reads API-key Secrets only from the Kuadrant CR's namespace/,
      );
    });

    it('two policies would share the key selector in the Kuadrant namespace', () => {
      const fx = istioPlatform();
      new Kuadrant(fx.ns['kuadrant-system'], 'kuadrant');
      const team = new Namespace(fx.platform, 'team');
      // Both policies pick the same explicit selector: their keys would mix in the one Kuadrant namespace.
      const keys = () => ApiKeyAuth.fromExternalSecrets({ secretStore, selector: { 'models.cdk8s.io/api-key': 'shared' }, holders: [{ userId: 'u1', tier: 'basic', remoteKey: 'k/u1' }] });
      const basic = () => [new Tier('basic', { limits: [RateLimit.perMinute(1)] })];
      new AccessPolicy(fx.ns.llm, 'maas', { gateway: fx.gateway, routes: [fx.qwen3], authentication: [keys()], tiers: basic(), rateLimitMode: RateLimitMode.GLOBAL });
      expect(() => new AccessPolicy(team, 'maas', { gateway: fx.gateway, routes: [fx.granite], authentication: [keys()], tiers: basic(), rateLimitMode: RateLimitMode.GLOBAL })).toThrow(
        /selector is already used by the API-key Secrets of test\/kuadrant-system\/llm-maas-api-keys: Authorino would accept either policy's keys for both/,
      );
    });
  });
});
