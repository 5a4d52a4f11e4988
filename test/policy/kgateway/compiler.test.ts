import { run } from '@bufbuild/cel';
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Backend } from '../../../src/core/backend';
import { synthPlatforms } from '../../../src/delivery/synth';
import { ApiKeyAuth, ApiKeyLocation, JwtAuth } from '../../../src/policy/authentication';
import { CounterKey, LimitScope, RateLimit, RateLimitMode, TokenLimit } from '../../../src/policy/rate-limit';
import { RedisReference } from '../../../src/policy/redis';
import { Tier } from '../../../src/policy/tier';
import { GrpcRoute } from '../../../src/routing/grpc-route';
import { HttpRoute } from '../../../src/routing/http-route';
import { findObject, objectsOfKind, synthObjects } from '../../util';
import { fixture, validationIssues } from './fixture';

const PAYLOAD = "metadata.filter_metadata['envoy.filters.http.jwt_authn']['payload']";

function apiKeys(holders = [
  { userId: 'alice', tier: 'basic', remoteKey: 'models/alice' },
  { userId: 'bob', tier: 'premium', remoteKey: 'models/bob', property: 'key' },
  { userId: 'root', tier: 'admin', remoteKey: 'models/root' },
]) {
  return ApiKeyAuth.fromExternalSecrets({ secretStore: { name: 'vault' }, holders, location: ApiKeyLocation.header('x-api-key') });
}

function rateLimitConfig(objects: ReturnType<typeof synthObjects>, name = 'model-access-ratelimit-config'): any {
  return parse((findObject(objects, 'ConfigMap', name, 'ml-models') as any).data['config.yaml']);
}

describe('kgateway compiler', () => {
  it('compiles the reference intent: JWT RS256, RBAC per model, OPA, per-user tier limits in Redis', () => {
    const f = fixture();
    f.policy({ externalAuthorizer: f.opa() });
    const out = synthPlatforms(f.app)[0];
    const objects = out.manifests.map((m) => m.object);

    // Who is authenticated how: a JWT provider validated against the issuer's JWKS.
    const jwt = findObject(objects, 'GatewayExtension', 'model-access-jwt', 'ml-models');
    expect(jwt.spec.type).toBe('JWT');
    expect(jwt.spec.jwt.validationMode).toBe('Strict');
    expect(jwt.spec.jwt.providers).toEqual([
      {
        name: 'model-access',
        issuer: 'https://auth.example.com/',
        audiences: ['models'],
        jwks: { remote: { url: 'https://auth.example.com/.well-known/jwks.json', backendRef: { group: 'gateway.kgateway.dev', kind: 'Backend', name: 'auth-example-jwks' } } },
        claimsToHeaders: [
          { name: 'role', header: 'x-user-tier' },
          { name: 'sub', header: 'x-user-id' },
        ],
        forwardToken: false,
        tokenSource: { header: { header: 'Authorization', prefix: 'Bearer ' } },
      },
    ]);

    // The target and RBAC per model: basic may call iris only; premium and admin both.
    const iris = findObject(objects, 'TrafficPolicy', 'model-access-sklearn-iris', 'ml-models');
    const mnist = findObject(objects, 'TrafficPolicy', 'model-access-tensorflow-mnist', 'ml-models');
    expect(iris.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'sklearn-iris' }]);
    expect(iris.spec.jwtAuth).toEqual({ extensionRef: { name: 'model-access-jwt' } });
    expect(iris.spec.extAuth).toEqual({ extensionRef: { name: 'model-access-ext-auth' } });
    const tierExpr = (t: string) => `${PAYLOAD}['role'] == '${t}' && ${PAYLOAD}['sub'] != ''`;
    expect(iris.spec.rbac).toEqual({ action: 'Allow', policy: { matchExpressions: [tierExpr('admin'), tierExpr('basic'), tierExpr('premium')] } });
    expect(mnist.spec.rbac.policy.matchExpressions).toEqual([tierExpr('admin'), tierExpr('premium')]);

    // The counter key: the route, then the tier and user headers set from the verified token.
    expect(iris.spec.rateLimit).toEqual({
      global: {
        extensionRef: { name: 'model-access-ratelimit' },
        descriptors: [{ entries: [{ type: 'Generic', generic: { key: 'route', value: 'sklearn-iris' } }, { type: 'Header', header: 'x-user-tier' }, { type: 'Header', header: 'x-user-id' }] }],
      },
    });

    // Each tier's limit, per user, in the rate limit service's configuration.
    const config = rateLimitConfig(objects);
    const rl = findObject(objects, 'GatewayExtension', 'model-access-ratelimit', 'ml-models');
    expect(rl.spec.rateLimit).toEqual({ domain: config.domain, failOpen: false, grpcService: { backendRef: { name: 'model-access-ratelimit', port: 8081 } }, timeout: '100ms', xRateLimitHeaders: 'DraftVersion03' });
    const tiersOf = (route: string) => config.descriptors.find((d: any) => d.key === 'route' && d.value === route).descriptors;
    expect(tiersOf('sklearn-iris')).toEqual([
      { key: 'x-user-tier', value: 'admin', descriptors: [{ key: 'x-user-id', rate_limit: { unlimited: true } }] },
      { key: 'x-user-tier', value: 'basic', descriptors: [{ key: 'x-user-id', rate_limit: { unit: 'minute', requests_per_unit: 100 } }] },
      { key: 'x-user-tier', value: 'premium', descriptors: [{ key: 'x-user-id', rate_limit: { unit: 'minute', requests_per_unit: 1000 } }] },
    ]);
    expect(tiersOf('tensorflow-mnist').map((d: any) => d.value)).toEqual(['admin', 'premium']);

    // The rate limit service: Redis by reference, password from the Secret, pinned image.
    const deployment = findObject(objects, 'Deployment', 'model-access-ratelimit', 'ml-models');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('docker.io/envoyproxy/ratelimit:0482748e');
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.REDIS_URL).toBe('redis.data.svc.cluster.local:6379');
    expect(env.REDIS_AUTH).toEqual({ secretKeyRef: { name: 'redis-auth', key: 'password' } });
    expect(findObject(objects, 'NetworkPolicy', 'allow-model-access-ratelimit-from-kgateway-gateway', 'ml-models').spec.ingress[0].ports).toEqual([{ port: 8081, protocol: 'TCP' }]);
    expect(findObject(objects, 'NetworkPolicy', 'allow-model-access-ratelimit-to-redis', 'ml-models').spec.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }]);

    // External authorization by OPA in another namespace, allowed by a ReferenceGrant there.
    const extAuth = findObject(objects, 'GatewayExtension', 'model-access-ext-auth', 'ml-models');
    expect(extAuth.spec.extAuth).toEqual({ grpcService: { backendRef: { name: 'opa', namespace: 'auth', port: 9191 } }, failOpen: false, statusOnError: 403 });
    expect(findObject(objects, 'ReferenceGrant', 'gatewayextension-from-ml-models-to-opa', 'auth').spec).toEqual({
      from: [{ group: 'gateway.kgateway.dev', kind: 'GatewayExtension', namespace: 'ml-models' }],
      to: [{ group: '', kind: 'Service', name: 'opa' }],
    });

    // Client-sent identity headers are removed before any filter runs.
    expect(findObject(objects, 'HTTPListenerPolicy', 'kgateway-gateway-listener', 'kgateway-system').spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'kgateway-gateway' }],
      earlyRequestHeaderModifier: { remove: ['x-user-id', 'x-user-tier'] },
    });

    // The report lists the objects and the caveats that change the meaning.
    const report = out.files['POLICY.md'];
    expect(report).toContain('Engine: kgateway');
    expect(report).toContain('`TrafficPolicy/model-access-sklearn-iris`');
    expect(report).toContain('Most specific policy wins');
    expect(report).toContain('Fixed windows');
    expect(report).toContain('OPA is called before the JWT is verified');
    expect(report).toContain('Signature algorithms are not restricted to RS256');

    expect(validationIssues(objects)).toEqual([]);
    expect(iris).toMatchSnapshot();
    expect(config).toMatchSnapshot();
  });

  it('compiles API keys from a secret store: one ExternalSecret per holder, the user id as kgateway client id', () => {
    const f = fixture();
    f.policy({ authentication: [apiKeys()], redis: RedisReference.of({ host: 'redis.data.svc.cluster.local', tls: true }) });
    const objects = synthObjects(f.app);
    const bob = findObject(objects, 'ExternalSecret', 'model-access-key-bob', 'ml-models');
    expect(bob.spec.data).toEqual([{ secretKey: 'bob', remoteRef: { key: 'models/bob', property: 'key' } }]);
    expect(bob.spec.target.template.metadata).toEqual({ labels: { 'models.cdk8s.io/api-key': 'ml-models.model-access', 'models.cdk8s.io/tier': 'premium' }, annotations: { 'models.cdk8s.io/user-id': 'bob' } });
    expect(objectsOfKind(objects, 'ExternalSecret').map((o) => o.metadata.name).sort()).toEqual(['model-access-key-alice', 'model-access-key-bob', 'model-access-key-root']);
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);

    const iris = findObject(objects, 'TrafficPolicy', 'model-access-sklearn-iris', 'ml-models');
    expect(iris.spec.apiKeyAuth).toEqual({ secretSelector: { matchLabels: { 'models.cdk8s.io/api-key': 'ml-models.model-access' } }, keySources: [{ header: 'x-api-key' }], clientIdHeader: 'x-user-id', forwardCredential: false });
    expect(iris.spec.jwtAuth).toBeUndefined();
    expect(iris.spec.rbac.policy.matchExpressions).toEqual(["request.headers['x-user-id'] in ['root']", "request.headers['x-user-id'] in ['alice']", "request.headers['x-user-id'] in ['bob']"]);
    expect(iris.spec.rateLimit.global.descriptors[0].entries).toEqual([{ type: 'Generic', generic: { key: 'route', value: 'sklearn-iris' } }, { type: 'Header', header: 'x-user-id' }]);
    expect(rateLimitConfig(objects).descriptors[0]).toEqual({
      key: 'route',
      value: 'sklearn-iris',
      descriptors: [
        { key: 'x-user-id', value: 'alice', rate_limit: { unit: 'minute', requests_per_unit: 100 } },
        { key: 'x-user-id', value: 'bob', rate_limit: { unit: 'minute', requests_per_unit: 1000 } },
        { key: 'x-user-id', value: 'root', rate_limit: { unlimited: true } },
      ],
    });
    const env = findObject(objects, 'Deployment', 'model-access-ratelimit', 'ml-models').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'REDIS_TLS').value).toBe('true');
    expect(env.find((e: any) => e.name === 'REDIS_AUTH')).toBeUndefined();
    expect(objectsOfKind(objects, 'HTTPListenerPolicy')).toEqual([]);
    expect(validationIssues(objects)).toEqual([]);
  });

  it('adds the tier methods and path prefixes to its RBAC expression', () => {
    const f = fixture();
    const reader = new Tier('reader', { limits: [RateLimit.perHour(50)], methods: ['POST', 'GET'], pathPrefixes: ['/v1/models', "/v2/it's"] });
    f.policy({ tiers: [reader] });
    const iris = findObject(synthObjects(f.app), 'TrafficPolicy', 'model-access-sklearn-iris', 'ml-models');
    expect(iris.spec.rbac.policy.matchExpressions).toEqual([
      `${PAYLOAD}['role'] == 'reader' && ${PAYLOAD}['sub'] != '' && request.method in ['GET', 'POST'] && ((request.url_path == '/v1/models' || request.url_path.startsWith('/v1/models/')) || (request.url_path == '/v2/it\\'s' || request.url_path.startsWith('/v2/it\\'s/')))`,
    ]);
  });

  it('matches path prefixes on whole segments, like HTTPRoute PathPrefix and the other engines', () => {
    const f = fixture();
    const reader = new Tier('reader', { limits: [RateLimit.perHour(50)], pathPrefixes: ['/v1/models', '/v2/'] });
    f.policy({ tiers: [reader] });
    const [expression] = findObject(synthObjects(f.app), 'TrafficPolicy', 'model-access-sklearn-iris', 'ml-models').spec.rbac.policy.matchExpressions;
    const allows = (path: string) =>
      run(expression, { metadata: { filter_metadata: { 'envoy.filters.http.jwt_authn': { payload: { role: 'reader', sub: 'u1' } } } }, request: { method: 'GET', url_path: path } } as Parameters<typeof run>[1]);
    expect(['/v1/models', '/v1/models/', '/v1/models/iris', '/v2/', '/v2/x'].map(allows)).toEqual([true, true, true, true, true]);
    expect(['/v1/modelsx', '/v1/models-admin', '/v1', '/v2', '/v3/models'].map(allows)).toEqual([false, false, false, false, false]);
  });

  it('shares one bucket across routes with LimitScope.GATEWAY', () => {
    const f = fixture();
    f.policy({ limitScope: LimitScope.GATEWAY });
    const objects = synthObjects(f.app);
    for (const route of ['sklearn-iris', 'tensorflow-mnist']) {
      expect(findObject(objects, 'TrafficPolicy', `model-access-${route}`).spec.rateLimit.global.descriptors[0].entries[0]).toEqual({ type: 'Generic', generic: { key: 'policy', value: 'model-access' } });
    }
    const config = rateLimitConfig(objects);
    expect(config.descriptors.map((d: any) => `${d.key}=${d.value}`)).toEqual(['policy=model-access']);
    expect(config.descriptors[0].descriptors.map((d: any) => d.value)).toEqual(['admin', 'basic', 'premium']);
  });

  it('counts by client address with CounterKey.CLIENT_IP and says what that means', () => {
    const f = fixture();
    f.policy({ counterKey: CounterKey.CLIENT_IP });
    const out = synthPlatforms(f.app)[0];
    const objects = out.manifests.map((m) => m.object);
    expect(findObject(objects, 'TrafficPolicy', 'model-access-sklearn-iris').spec.rateLimit.global.descriptors[0].entries[2]).toEqual({ type: 'RemoteAddress' });
    expect(rateLimitConfig(objects).descriptors[0].descriptors[1]).toEqual({ key: 'x-user-tier', value: 'basic', descriptors: [{ key: 'remote_address', rate_limit: { unit: 'minute', requests_per_unit: 100 } }] });
    expect(out.files['POLICY.md']).toContain("The client address is the gateway's downstream peer");
  });

  it('emits no rate limit service when every tier is unlimited (any mode)', () => {
    const f = fixture();
    f.policy({ tiers: [new Tier('admin', { unlimited: true })], rateLimitMode: RateLimitMode.LOCAL, redis: undefined });
    const objects = synthObjects(f.app);
    expect(findObject(objects, 'TrafficPolicy', 'model-access-sklearn-iris').spec.rateLimit).toBeUndefined();
    expect(objectsOfKind(objects, 'Deployment')).toEqual([]);
    expect(objectsOfKind(objects, 'GatewayExtension').map((o) => o.metadata.name)).toEqual(['model-access-jwt']);
  });

  it('maps custom claim headers and keeps the ones it needs', () => {
    const f = fixture();
    const jwt = new JwtAuth({
      issuer: 'https://auth.example.com/',
      jwksUri: 'https://auth.example.com/jwks',
      userClaim: 'email',
      tierClaim: 'plan',
      claimsToHeaders: { email: 'x-email', org: 'x-org' },
      jwksBackend: Backend.service('idp', 443),
    });
    f.policy({ authentication: [jwt] });
    const objects = synthObjects(f.app);
    expect(findObject(objects, 'GatewayExtension', 'model-access-jwt').spec.jwt.providers[0].claimsToHeaders).toEqual([
      { name: 'email', header: 'x-email' },
      { name: 'org', header: 'x-org' },
      { name: 'plan', header: 'x-user-tier' },
    ]);
    expect(findObject(objects, 'TrafficPolicy', 'model-access-sklearn-iris').spec.rateLimit.global.descriptors[0].entries.slice(1)).toEqual([
      { type: 'Header', header: 'x-user-tier' },
      { type: 'Header', header: 'x-email' },
    ]);
    expect(findObject(objects, 'HTTPListenerPolicy', 'kgateway-gateway-listener').spec.earlyRequestHeaderModifier.remove).toEqual(['x-email', 'x-org', 'x-user-tier']);
  });

  it('shares one HTTPListenerPolicy per Gateway between policies', () => {
    const f = fixture();
    const tiers = [new Tier('basic', { limits: [RateLimit.perMinute(10)] })];
    f.policy({ routes: [f.iris], tiers }, 'iris-access');
    f.policy({ routes: [f.mnist], tiers }, 'mnist-access');
    const objects = synthObjects(f.app);
    expect(objectsOfKind(objects, 'HTTPListenerPolicy')).toHaveLength(1);
    expect(objectsOfKind(objects, 'TrafficPolicy').map((o) => o.metadata.name).sort()).toEqual(['iris-access-sklearn-iris', 'mnist-access-tensorflow-mnist']);
    expect(validationIssues(objects)).toEqual([]);
  });

  describe('fails when', () => {
    it('a tier has token limits (no AI-aware data plane)', () => {
      const f = fixture();
      const llm = new Tier('llm', { limits: [RateLimit.perMinute(10)], tokenLimits: [TokenLimit.perHour(10000)] });
      expect(() => f.policy({ tiers: [llm] })).toThrow(
        /test\/ml-models\/model-access: tiers\.tokenLimits cannot be expressed by provider 'kgateway' \(received: \["llm: 10000 tokens\/hour"\]\)\. Fix: kgateway TrafficPolicy counts requests only, not LLM tokens; use KUADRANT_POLICY_ENGINE \(TokenRateLimitPolicy\)/,
      );
    });

    it('JWT and API keys are both accepted methods', () => {
      const f = fixture();
      expect(() => f.policy({ authentication: [f.jwt(), apiKeys()] })).toThrow(/authentication cannot be expressed by provider 'kgateway' \(received: \["jwt","api-key"\]\)\. Fix: kgateway runs every authentication filter/);
    });

    it('API keys are selected from labelled Secrets', () => {
      const f = fixture();
      const auth = ApiKeyAuth.fromLabeledSecrets({ selector: { team: 'a' } });
      expect(() => f.policy({ authentication: [auth] })).toThrow(/authentication\[0\] \(ApiKeyAuth\.fromLabeledSecrets\) cannot be expressed by provider 'kgateway' \(received: \{"team":"a"\}\)\. Fix: kgateway takes the client id from the data key/);
    });

    it('an API key is sent with an Authorization prefix', () => {
      const f = fixture();
      const auth = ApiKeyAuth.fromExternalSecrets({ secretStore: { name: 'vault' }, holders: [{ userId: 'alice', tier: 'basic', remoteKey: 'k' }], location: ApiKeyLocation.authorizationHeader('APIKEY') });
      expect(() => f.policy({ authentication: [auth] })).toThrow(/authentication\[0\]\.location cannot be expressed by provider 'kgateway' \(received: "authorization: APIKEY <key>"\)/);
    });

    it('limits are counted per replica (RateLimitMode.LOCAL)', () => {
      const f = fixture();
      expect(() => f.policy({ rateLimitMode: RateLimitMode.LOCAL })).toThrow(/rateLimitMode cannot be expressed by provider 'kgateway' \(received: "local"\)\. Fix: kgateway's local rate limit is one token bucket per route and proxy replica shared by every caller.*use RateLimitMode\.GLOBAL/);
    });

    it('a tier has two request limits', () => {
      const f = fixture();
      const t = new Tier('basic', { limits: [RateLimit.perMinute(100), RateLimit.perDay(5000)] });
      expect(() => f.policy({ tiers: [t] })).toThrow(/tiers\(basic\)\.limits cannot be expressed by provider 'kgateway' \(received: \["100 requests\/minute","5000 requests\/day"\]\)/);
    });

    it('a JWT is the counter key', () => {
      const f = fixture();
      expect(() => f.policy({ counterKey: CounterKey.API_KEY })).toThrow(/counterKey cannot be expressed by provider 'kgateway' \(received: "api-key"\)\. Fix: kgateway removes the JWT from the request before rate limiting/);
    });

    it('the JWT clock skew is not Envoy’s 60 s', () => {
      const f = fixture();
      const jwt = new JwtAuth({ issuer: 'https://a.example.com/', jwksUri: 'https://a.example.com/jwks', clockSkew: Duration.seconds(30), jwksBackend: Backend.service('idp', 443) });
      expect(() => f.policy({ authentication: [jwt] })).toThrow(/authentication\[0\]\.clockSkew cannot be expressed by provider 'kgateway' \(received: "30s"\)/);
    });

    it('a route is a GRPCRoute', () => {
      const f = fixture();
      const grpc = new GrpcRoute(f.ns['ml-models'], 'grpc', { parents: [f.gateway.listener('https')], rules: [{ backends: [Backend.service('grpc-predictor', 81)] }] });
      expect(() => f.policy({ routes: [f.iris, f.mnist, grpc] })).toThrow(/routes cannot be expressed by provider 'kgateway' \(received: "GRPCRoute\/grpc"\)\. Fix: kgateway TrafficPolicies attach to Gateways, HTTPRoutes and ListenerSets only/);
    });

    it('the Redis database is not 0', () => {
      const f = fixture();
      expect(() => f.policy({ redis: RedisReference.of({ host: 'redis', database: 2 }) })).toThrow(/redis\.database cannot be expressed by provider 'kgateway' \(received: 2\)/);
    });

    it('request limits have no Redis', () => {
      const f = fixture();
      expect(() => f.policy({ redis: undefined })).toThrow(/model-access: redis is required for request limits on kgateway.*Fix: pass redis: RedisReference\.of/);
    });

    it('the JWT has no JWKS backend', () => {
      const f = fixture();
      const jwt = new JwtAuth({ issuer: 'https://a.example.com/', jwksUri: 'https://a.example.com/jwks' });
      expect(() => f.policy({ authentication: [jwt] })).toThrow(/authentication\[0\]\.jwksBackend is required on kgateway: its JWT provider fetches the JWKS through a backend reference/);
    });

    it('a route is in another namespace than the policy', () => {
      const f = fixture();
      const other = new HttpRoute(f.ns.auth, 'other', { parents: [f.gateway.listener('https')], rules: [{ backends: [Backend.service('x', 80)] }] });
      expect(() => f.policy({ routes: [other], tiers: [new Tier('admin', { unlimited: true })] })).toThrow(/routes contains HTTPRoute 'other' of namespace 'auth', but kgateway attaches a TrafficPolicy only to routes of its own namespace \('ml-models'\)/);
    });

    it('the intent is invalid: a key holder names an undefined tier, or a limit is zero', () => {
      const f = fixture();
      expect(() => f.policy({ authentication: [apiKeys([{ userId: 'eve', tier: 'gold', remoteKey: 'k' }])] })).toThrow(/authentication\[0\]\.holders\[0\]\.tier names a tier the policy does not define/);
      expect(() => f.policy({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(0)] })] }, 'zero')).toThrow(/limits\[0\]\.requestsPerUnit must be a positive integer/);
    });
  });
});
