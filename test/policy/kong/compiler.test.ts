import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../../src/core/backend';
import { SecretRef } from '../../../src/core/secret-ref';
import { synthPlatforms } from '../../../src/delivery/synth';
import { AllowedRoutes } from '../../../src/gateway/allowed-routes';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { AccessPolicy, AccessPolicyProps } from '../../../src/policy/access-policy';
import { ApiKeyAuth, ApiKeyLocation, JwtAuth } from '../../../src/policy/authentication';
import { OpaAuthorizer } from '../../../src/policy/opa-authorizer';
import { KONG_POLICY_ENGINE } from '../../../src/policy/kong/engine';
import { CounterKey, LimitScope, RateLimit, RateLimitMode, TokenLimit } from '../../../src/policy/rate-limit';
import { RedisReference } from '../../../src/policy/redis';
import { Tier } from '../../../src/policy/tier';
import { attachKongPlugins, KongPlugin } from '../../../src/policy/kong/kong-plugin';
import { HttpRoute } from '../../../src/routing/http-route';
import { formatIssue, validateObject } from '../../../src/validate';
import { findObject, objectsOfKind, setup, synthObjects } from '../../util';

const STORE = { name: 'vault' };
const HOLDERS = [
  { userId: 'alice', tier: 'basic', remoteKey: 'api-keys/alice' },
  { userId: 'bob', tier: 'premium', remoteKey: 'api-keys/bob', property: 'key' },
  { userId: 'root', tier: 'admin', remoteKey: 'api-keys/root' },
];
const PUBLIC_KEY = { secretStore: STORE, remoteKey: 'jwt/issuer-public-key' };

/** A Kong gateway in `edge`, two model routes in `models`. */
function platform(namespaces: readonly string[] = ['edge', 'models']) {
  const { app, ns, platform: p } = setup(namespaces);
  const gateway = new Gateway(ns.edge, 'kong', {
    provider: GatewayProvider.KONG,
    listeners: [Listener.https({ certificates: [SecretRef.named('kong-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })],
  });
  const route = (name: string) => new HttpRoute(ns.models, name, { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service(`${name}-predictor`, 80)] }] });
  return { app, ns, platform: p, gateway, iris: route('iris'), mnist: route('mnist') };
}

/** basic (100/min, iris) < premium (1000/min + 20000/day, mnist, inherits basic) < admin (unlimited, everything). */
function tiers(f: { readonly iris: HttpRoute; readonly mnist: HttpRoute }) {
  const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)], models: [f.iris] });
  const premium = new Tier('premium', { limits: [RateLimit.perMinute(1000), RateLimit.perDay(20000)], models: [f.mnist], inherits: basic });
  const admin = new Tier('admin', { unlimited: true, inherits: premium });
  return [basic, premium, admin];
}

const apiKeys = () => ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: HOLDERS });
const jwtAuth = (props: Partial<ConstructorParameters<typeof JwtAuth>[0]> = {}) =>
  new JwtAuth({ issuer: 'https://auth.example.com/', jwksUri: 'https://auth.example.com/.well-known/jwks.json', publicKey: PUBLIC_KEY, ...props });

describe('Kong access-policy compiler', () => {
  it('is the engine of Kong gateways', () => {
    expect(GatewayProvider.KONG.policyEngine).toBe(KONG_POLICY_ENGINE);
    expect(KONG_POLICY_ENGINE.compiler().id).toBe('kong');
    expect(KONG_POLICY_ENGINE.compiler().displayName).toBe('Kong (OSS)');
  });

  describe('three tiers with API keys, RBAC and global limits', () => {
    function build() {
      const f = platform(['edge', 'models', 'data']);
      const policy = new AccessPolicy(f.ns.models, 'access', {
        gateway: f.gateway,
        routes: [f.iris, f.mnist],
        authentication: [apiKeys()],
        tiers: tiers(f),
        rateLimitMode: RateLimitMode.GLOBAL,
        redis: RedisReference.of({ host: 'redis.data.svc.cluster.local', namespace: 'data', password: { secret: SecretRef.named('redis-auth'), key: 'password' }, tls: true }),
      });
      return { ...f, policy, objects: synthObjects(f.app) };
    }

    it('authenticates callers by API key in x-api-key, on every route', () => {
      const { objects } = build();
      const keyAuth = findObject(objects, 'KongPlugin', 'access-key-auth', 'models') as any;
      expect(keyAuth.plugin).toBe('key-auth');
      expect(keyAuth.config).toEqual({ key_names: ['x-api-key'], key_in_header: true, key_in_query: false, key_in_body: false, hide_credentials: true });
      for (const route of ['iris', 'mnist']) {
        const plugins = findObject(objects, 'HTTPRoute', route, 'models').metadata.annotations?.['konghq.com/plugins'].split(',');
        expect(plugins).toContain('access-key-auth');
      }
    });

    it('makes one KongConsumer per key holder, with its key and tier by Secret reference', () => {
      const { objects } = build();
      for (const h of HOLDERS) {
        const consumer = findObject(objects, 'KongConsumer', `access-${h.userId}`, 'models') as any;
        expect(consumer.username).toBe(h.userId);
        expect(consumer.credentials).toEqual([`access-${h.userId}-acl`, `access-${h.userId}-key-auth`]);
        expect(consumer.metadata.annotations['kubernetes.io/ingress.class']).toBe('kong');

        const key = findObject(objects, 'ExternalSecret', `access-${h.userId}-key-auth`, 'models');
        expect(key.spec.data).toEqual([{ secretKey: 'key', remoteRef: h.property ? { key: h.remoteKey, property: h.property } : { key: h.remoteKey } }]);
        expect(key.spec.target.template.metadata.labels).toEqual({ 'konghq.com/credential': 'key-auth', 'models.cdk8s.io/api-key': 'models.access', 'models.cdk8s.io/tier': h.tier });
        expect(key.spec.target.template.metadata.annotations).toEqual({ 'models.cdk8s.io/user-id': h.userId });
        expect(key.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });

        const acl = findObject(objects, 'ExternalSecret', `access-${h.userId}-acl`, 'models');
        expect(acl.spec.target.template.metadata.labels).toEqual({ 'konghq.com/credential': 'acl' });
        expect(acl.spec.target.template.data).toEqual({ group: `models.access.${h.tier}` });
        expect(acl.spec.target.template.mergePolicy).toBe('Replace');
      }
      expect(objectsOfKind(objects, 'Secret')).toEqual([]);
    });

    it('allows each route to the tiers whose models (with inherited ones) include it', () => {
      const { objects } = build();
      expect((findObject(objects, 'KongPlugin', 'access-acl-iris') as any).config).toEqual({ allow: ['models.access.admin', 'models.access.basic', 'models.access.premium'], hide_groups_header: false });
      expect((findObject(objects, 'KongPlugin', 'access-acl-mnist') as any).config).toEqual({ allow: ['models.access.admin', 'models.access.premium'], hide_groups_header: false });
    });

    it('limits each tier per consumer and route in Redis, the password by reference; admin is not counted', () => {
      const { objects } = build();
      const basic = findObject(objects, 'KongPlugin', 'access-rate-limit-basic', 'models') as any;
      expect(basic.plugin).toBe('rate-limiting');
      expect(basic.config).toEqual({
        minute: 100,
        limit_by: 'consumer',
        policy: 'redis',
        redis: { host: 'redis.data.svc.cluster.local', port: 6379, database: 0, ssl: true, ssl_verify: true, server_name: 'redis.data.svc.cluster.local' },
      });
      expect(basic.configPatches).toEqual([{ path: '/redis/password', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } }]);
      const premium = findObject(objects, 'KongPlugin', 'access-rate-limit-premium', 'models') as any;
      expect([premium.config.minute, premium.config.day]).toEqual([1000, 20000]);
      expect(objects.filter((o) => o.kind === 'KongPlugin' && o.metadata.name === 'access-rate-limit-admin')).toEqual([]);

      // Consumer and route both list a tier plugin: KIC scopes it to that consumer on that route.
      expect(findObject(objects, 'KongConsumer', 'access-alice').metadata.annotations?.['konghq.com/plugins']).toBe('access-rate-limit-basic');
      expect(findObject(objects, 'KongConsumer', 'access-bob').metadata.annotations?.['konghq.com/plugins']).toBe('access-rate-limit-premium');
      expect(findObject(objects, 'KongConsumer', 'access-root').metadata.annotations?.['konghq.com/plugins']).toBeUndefined();
      expect(findObject(objects, 'HTTPRoute', 'iris').metadata.annotations?.['konghq.com/plugins']).toBe('access-acl-iris,access-key-auth,access-rate-limit-basic,access-rate-limit-premium');
      expect(findObject(objects, 'HTTPRoute', 'mnist').metadata.annotations?.['konghq.com/plugins']).toBe('access-acl-mnist,access-key-auth,access-rate-limit-premium');
    });

    it('lets the Kong proxy pods reach Redis', () => {
      const { objects } = build();
      const egress = findObject(objects, 'NetworkPolicy', 'allow-kong-to-redis', 'edge');
      expect(egress.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/name': 'kong' });
      expect(egress.spec.egress).toEqual([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }], ports: [{ port: 6379, protocol: 'TCP' }] }]);
    });

    it('reports the emitted objects and the Kong caveats in POLICY.md', () => {
      const { app } = build();
      const report = synthPlatforms(app)[0]?.files['POLICY.md'] ?? '';
      expect(report).toContain('Engine: Kong (OSS)');
      expect(report).toContain('`KongPlugin/access-rate-limit-basic`');
      expect(report).toContain('`KongConsumer/access-alice`');
      expect(report).toContain('Limits are counted in Redis redis.data.svc.cluster.local:6379 (policy: redis)');
      expect(report).toContain('Per-route buckets are per Kong route');
      expect(report).toContain('most specific one (consumer on route beats route)');
      expect(report).toContain('Windows are fixed and aligned to the clock');
    });

    it('emits only objects the apiserver accepts (schema, CEL, metadata)', () => {
      const { objects } = build();
      expectValid(objects, 14);
    });

    it('matches the snapshot', () => {
      const { objects } = build();
      const kong = objects.filter((o) => o.metadata.namespace === 'models' && ['KongPlugin', 'KongConsumer', 'ExternalSecret', 'HTTPRoute'].includes(o.kind));
      // The facts the snapshot stands for, so an accepted snapshot update cannot silently change them.
      const plugins = Object.fromEntries(objectsOfKind(kong, 'KongPlugin').map((p: any) => [p.metadata.name, p.plugin]));
      expect(plugins).toEqual({
        'access-acl-iris': 'acl',
        'access-acl-mnist': 'acl',
        'access-key-auth': 'key-auth',
        'access-rate-limit-basic': 'rate-limiting',
        'access-rate-limit-premium': 'rate-limiting',
      });
      expect((findObject(kong, 'KongPlugin', 'access-key-auth') as any).config).toMatchObject({ key_names: ['x-api-key'], hide_credentials: true });
      expect((findObject(kong, 'KongPlugin', 'access-acl-mnist') as any).config.allow).toEqual(['models.access.admin', 'models.access.premium']);
      expect((findObject(kong, 'KongPlugin', 'access-rate-limit-basic') as any).config).toMatchObject({ minute: 100, limit_by: 'consumer', policy: 'redis' });
      expect((findObject(kong, 'KongPlugin', 'access-rate-limit-premium') as any).config).toMatchObject({ minute: 1000, day: 20000, limit_by: 'consumer', policy: 'redis' });
      const consumers = Object.fromEntries(objectsOfKind(kong, 'KongConsumer').map((c) => [c.metadata.name, c.metadata.annotations]));
      expect(consumers).toEqual({
        'access-alice': { 'konghq.com/plugins': 'access-rate-limit-basic', 'kubernetes.io/ingress.class': 'kong' },
        'access-bob': { 'konghq.com/plugins': 'access-rate-limit-premium', 'kubernetes.io/ingress.class': 'kong' },
        'access-root': { 'kubernetes.io/ingress.class': 'kong' },
      });
      expect(kong).toMatchSnapshot();
    });
  });

  it('counts locally per credential, with one bucket per caller across routes', () => {
    const f = platform();
    new AccessPolicy(f.ns.models, 'access', {
      gateway: f.gateway,
      routes: [f.iris, f.mnist],
      authentication: [apiKeys()],
      tiers: tiers(f),
      rateLimitMode: RateLimitMode.LOCAL,
      counterKey: CounterKey.API_KEY,
      limitScope: LimitScope.GATEWAY,
    });
    const objects = synthObjects(f.app);
    const basic = findObject(objects, 'KongPlugin', 'access-rate-limit-basic') as any;
    expect(basic.config).toEqual({ minute: 100, limit_by: 'credential', policy: 'local' });
    expect(basic.configPatches).toBeUndefined();
    expectValid(objects, 14);
    // Scoped to consumers only: the counter key has no route.
    expect(findObject(objects, 'HTTPRoute', 'iris').metadata.annotations?.['konghq.com/plugins']).toBe('access-acl-iris,access-key-auth');
    expect(findObject(objects, 'KongConsumer', 'access-alice').metadata.annotations?.['konghq.com/plugins']).toBe('access-rate-limit-basic');
    const caveats = reportCaveats(f.app);
    expect(caveats).toContain('Limits are counted in each Kong proxy replica (policy: local): with N replicas a caller can get up to N times the limit, and counts reset when a pod restarts.');
    expect(caveats).toContain('One bucket per caller across all routes: the tier plugins are scoped to the consumers only, so they count on every Kong route the consumer reaches.');
  });

  it('compiles a single-tier policy with JWT and API keys (the catalog case): the issuer is one consumer, limits by client IP', () => {
    const f = platform();
    const standard = new Tier('standard', { limits: [RateLimit.perMinute(60), RateLimit.perHour(1000), RateLimit.perDay(10000)] });
    new AccessPolicy(f.ns.models, 'chat', {
      gateway: f.gateway,
      routes: [f.iris],
      authentication: [jwtAuth(), ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: [{ userId: 'ci', tier: 'standard', remoteKey: 'api-keys/ci' }] })],
      tiers: [standard],
      rateLimitMode: RateLimitMode.LOCAL,
      counterKey: CounterKey.CLIENT_IP,
    });
    // The public model of the catalog: no policy, CORS for browsers.
    f.mnist.allowPublicAccess('public demo model, called from the browser catalog');
    attachKongPlugins(f.mnist, [KongPlugin.cors(f.ns.models, 'mnist-cors', { origins: ['https://catalog.example.com'], methods: ['GET', 'POST'] })]);
    const objects = synthObjects(f.app);
    expect(findObject(objects, 'HTTPRoute', 'mnist').metadata.annotations?.['konghq.com/plugins']).toBe('mnist-cors');
    const jwt = findObject(objects, 'KongPlugin', 'chat-jwt') as any;
    expect(jwt.config).toEqual({
      header_names: ['authorization'],
      uri_param_names: [],
      cookie_names: [],
      claims_to_verify: ['exp'],
      key_claim_name: 'iss',
      anonymous: 'models.chat.anonymous',
    });
    expect((findObject(objects, 'KongPlugin', 'chat-key-auth') as any).config.anonymous).toBe('models.chat.anonymous');
    expect((findObject(objects, 'KongConsumer', 'chat-anonymous') as any).username).toBe('models.chat.anonymous');
    expect((findObject(objects, 'KongConsumer', 'chat-anonymous') as any).credentials).toBeUndefined();

    const issuer = findObject(objects, 'KongConsumer', 'chat-jwt-issuer') as any;
    expect(issuer.username).toBe('models.chat.jwt-issuer');
    expect(issuer.credentials).toEqual(['chat-jwt-issuer-acl', 'chat-jwt-issuer-jwt']);
    expect(issuer.metadata.annotations['konghq.com/plugins']).toBe('chat-rate-limit-standard');
    const credential = findObject(objects, 'ExternalSecret', 'chat-jwt-issuer-jwt');
    expect(credential.spec.target.template.data).toEqual({ algorithm: 'RS256', key: 'https://auth.example.com/', rsa_public_key: '{{ .rsa_public_key }}' });
    expect(credential.spec.target.template.metadata.labels).toEqual({ 'konghq.com/credential': 'jwt' });
    expect(credential.spec.data).toEqual([{ secretKey: 'rsa_public_key', remoteRef: { key: 'jwt/issuer-public-key' } }]);
    expect(findObject(objects, 'ExternalSecret', 'chat-jwt-issuer-acl').spec.target.template.data).toEqual({ group: 'models.chat.standard' });

    expectValid(objects, 12);
    const rl = findObject(objects, 'KongPlugin', 'chat-rate-limit-standard') as any;
    expect(rl.config).toEqual({ minute: 60, hour: 1000, day: 10000, limit_by: 'ip', policy: 'local' });
    expect(findObject(objects, 'HTTPRoute', 'iris').metadata.annotations?.['konghq.com/plugins']).toBe('chat-acl-iris,chat-jwt,chat-key-auth,chat-rate-limit-standard');

    const caveats = reportCaveats(f.app);
    expect(caveats.some((c) => c.includes('refused by the acl plugin with 403 (not 401)'))).toBe(true);
    expect(caveats.some((c) => c.includes("one Kong consumer in tier 'standard'; the 'role' and 'sub' claims are not read"))).toBe(true);
    expect(caveats.some((c) => c.includes('never the JWKS (https://auth.example.com/.well-known/jwks.json)'))).toBe(true);
    expect(caveats.some((c) => c.includes('checked without clock skew (intent: 60s); nbf is not checked'))).toBe(true);
    expect(caveats.some((c) => c.includes('limit_by: ip'))).toBe(true);
  });

  it('compiles JWT alone without an anonymous consumer (a missing token gets 401 from the jwt plugin)', () => {
    const f = platform();
    new AccessPolicy(f.ns.models, 'chat', {
      gateway: f.gateway,
      routes: [f.iris, f.mnist],
      authentication: [jwtAuth({ algorithms: ['ES256'] })],
      tiers: [new Tier('standard', { limits: [RateLimit.perMinute(60)] })],
      rateLimitMode: RateLimitMode.LOCAL,
      counterKey: CounterKey.CLIENT_IP,
    });
    const objects = synthObjects(f.app);
    expect((findObject(objects, 'KongPlugin', 'chat-jwt') as any).config.anonymous).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'KongConsumer').map((o) => o.metadata.name)).toEqual(['chat-jwt-issuer']);
    expect(findObject(objects, 'ExternalSecret', 'chat-jwt-issuer-jwt').spec.target.template.data.algorithm).toBe('ES256');
    expect(findObject(objects, 'HTTPRoute', 'mnist').metadata.annotations?.['konghq.com/plugins']).toBe('chat-acl-mnist,chat-jwt,chat-rate-limit-standard');
    expect(reportCaveats(f.app).some((c) => c.includes('403 (not 401)'))).toBe(false);
    expectValid(objects, 7);
  });

  it('answers 403 on a route no tier may call', () => {
    const f = platform();
    new AccessPolicy(f.ns.models, 'access', {
      gateway: f.gateway,
      routes: [f.iris, f.mnist],
      authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: [{ userId: 'alice', tier: 'basic', remoteKey: 'k/alice' }] })],
      tiers: [new Tier('basic', { unlimited: true, models: [f.iris] })],
      rateLimitMode: RateLimitMode.LOCAL,
    });
    const objects = synthObjects(f.app);
    expect((findObject(objects, 'KongPlugin', 'access-deny-mnist') as any).config).toEqual({ status_code: 403, message: 'No tier of this access policy may call this model' });
    expect(findObject(objects, 'HTTPRoute', 'mnist').metadata.annotations?.['konghq.com/plugins']).toBe('access-deny-mnist,access-key-auth');
    expect(reportCaveats(f.app)).toEqual([]);
  });

  describe('fails when', () => {
    function attempt(overrides: Partial<AccessPolicyProps>, build?: (f: ReturnType<typeof platform>) => Partial<AccessPolicyProps>) {
      const f = platform();
      return () =>
        new AccessPolicy(f.ns.models, 'access', {
          gateway: f.gateway,
          routes: [f.iris, f.mnist],
          authentication: [apiKeys()],
          tiers: tiers(f),
          rateLimitMode: RateLimitMode.LOCAL,
          ...overrides,
          ...(build ? build(f) : {}),
        });
    }

    it('a route has no policy (deny by default)', () => {
      const f = platform();
      new AccessPolicy(f.ns.models, 'access', { gateway: f.gateway, routes: [f.iris], authentication: [apiKeys()], tiers: tiers(f).map((t) => new Tier(t.name, { unlimited: true })), rateLimitMode: RateLimitMode.LOCAL });
      expect(() => synthObjects(f.app)).toThrow(/test\/models\/mnist: HTTPRoute\/models\/mnist has no access policy and is not declared public/);
    });

    it('a tier is referenced but not defined', () => {
      expect(attempt({ authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: [{ userId: 'eve', tier: 'gold', remoteKey: 'k/eve' }] })] })).toThrow(
        /authentication\[0\]\.holders\[0\]\.tier names a tier the policy does not define \(defined: basic, premium, admin\) \(received: "gold"\)/,
      );
    });

    it('a limit is zero or negative', () => {
      expect(attempt({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(0)] })] })).toThrow(/tiers\[0\]\(basic\)\.limits\[0\]\.requestsPerUnit must be a positive integer/);
      expect(attempt({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(-5)] })] })).toThrow(/must be a positive integer \(requests per minute\) \(received: -5\)/);
    });

    it('a longer window has a lower limit than a shorter one (Kong refuses the plugin)', () => {
      expect(attempt({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(100), RateLimit.perHour(50)] }), new Tier('premium', { unlimited: true }), new Tier('admin', { unlimited: true })] })).toThrow(
        /access\/RateLimit-basic: config\.hour \(50\) must not be lower than config\.minute \(100\): Kong rejects the plugin/,
      );
    });

    it('a key holder has no store entry (keys are never literals)', () => {
      const f = platform();
      expect(() => new AccessPolicy(f.ns.models, 'access', { gateway: f.gateway, routes: [f.iris, f.mnist], authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: [{ userId: 'a', tier: 'basic', remoteKey: '' }] })], tiers: tiers(f), rateLimitMode: RateLimitMode.LOCAL })).toThrow(
        /holders\[0\]\.remoteKey is required/,
      );
    });

    it('an OPA external authorizer is given (Enterprise plugin)', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kong-opa-'));
      const rego = path.join(dir, 'policy.rego');
      fs.writeFileSync(rego, 'package envoy.authz\ndefault allow := false\n');
      expect(attempt({}, (f) => ({ externalAuthorizer: new OpaAuthorizer(f.ns.models, 'opa', { policyFile: rego }) }))).toThrow(
        /test\/models\/access: externalAuthorizer cannot be expressed by provider 'kong' \(received: "models\/opa"\)\. Fix: Kong's opa plugin is Kong Enterprise only/,
      );
    });

    it('a tier has token limits (Enterprise plugin)', () => {
      const others = [new Tier('premium', { unlimited: true }), new Tier('admin', { unlimited: true })];
      expect(attempt({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(10)], tokenLimits: [TokenLimit.perMinute(1000)] }), ...others] })).toThrow(
        /tiers\(basic\)\.tokenLimits cannot be expressed by provider 'kong' \(received: \["1000 tokens\/minute"\]\)\. Fix: token limits need ai-rate-limiting-advanced \(Kong Enterprise only\)/,
      );
    });

    it('a tier restricts methods or paths', () => {
      const others = [new Tier('premium', { unlimited: true }), new Tier('admin', { unlimited: true })];
      expect(attempt({ tiers: [new Tier('basic', { unlimited: true, methods: ['GET'] }), ...others] })).toThrow(
        /tiers\(basic\)\.methods cannot be expressed by provider 'kong' \(received: \["GET"\]\)\. Fix: Kong OSS's acl plugin allows by consumer group only/,
      );
      expect(attempt({ tiers: [new Tier('basic', { unlimited: true, pathPrefixes: ['/v1'] }), ...others] })).toThrow(/tiers\(basic\)\.pathPrefixes cannot be expressed by provider 'kong'/);
    });

    it('API keys come from labelled Secrets (no consumer per holder)', () => {
      expect(attempt({ authentication: [ApiKeyAuth.fromLabeledSecrets({ selector: { team: 'a' } })] })).toThrow(
        /authentication\[0\] cannot be expressed by provider 'kong' \(received: "ApiKeyAuth\.fromLabeledSecrets"\)\. Fix: Kong needs one KongConsumer per key holder, known at synth time: use ApiKeyAuth\.fromExternalSecrets/,
      );
    });

    it('the API key has a prefix in the Authorization header', () => {
      expect(attempt({ authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: HOLDERS, location: ApiKeyLocation.authorizationHeader('APIKEY') })] })).toThrow(
        /authentication\[0\]\.location cannot be expressed by provider 'kong' \(received: "authorization: APIKEY <key>"\)/,
      );
    });

    it('a JWT issuer has no public key (Kong OSS never fetches a JWKS)', () => {
      const single = [new Tier('standard', { unlimited: true })];
      expect(attempt({ authentication: [jwtAuth({ publicKey: undefined })], tiers: single })).toThrow(
        /authentication\[0\]\.jwksUri cannot be expressed by provider 'kong' \(received: "https:\/\/auth\.example\.com\/\.well-known\/jwks\.json"\)\. Fix: Kong OSS's jwt plugin never fetches a JWKS: set publicKey/,
      );
    });

    it('JWT callers would need per-claim tiers', () => {
      expect(attempt({ authentication: [jwtAuth()] })).toThrow(/authentication\[0\] cannot be expressed by provider 'kong' \(received: \["basic","premium","admin"\]\)\. Fix: Kong OSS cannot map the 'role' claim to a tier/);
    });

    it('JWT limits would be counted per user', () => {
      expect(attempt({ authentication: [jwtAuth()], tiers: [new Tier('standard', { limits: [RateLimit.perMinute(10)] })] })).toThrow(
        /counterKey cannot be expressed by provider 'kong' \(received: "user"\)\. Fix: every JWT caller of an issuer is one Kong consumer/,
      );
    });

    it('a JWT lists audiences or several algorithms', () => {
      const single = [new Tier('standard', { unlimited: true })];
      expect(attempt({ authentication: [jwtAuth({ audiences: ['models'] })], tiers: single })).toThrow(/authentication\[0\]\.audiences cannot be expressed by provider 'kong'.*does not check aud/);
      expect(attempt({ authentication: [jwtAuth({ algorithms: ['RS256', 'ES256'] })], tiers: single })).toThrow(/authentication\[0\]\.algorithms cannot be expressed by provider 'kong'/);
    });

    it('global limits have no Redis', () => {
      expect(attempt({ rateLimitMode: RateLimitMode.GLOBAL })).toThrow(/test\/models\/access: redis is required for RateLimitMode\.GLOBAL on Kong/);
    });

    it('the Redis password is in another namespace', () => {
      expect(attempt({ rateLimitMode: RateLimitMode.GLOBAL, redis: RedisReference.of({ host: 'redis', password: { secret: SecretRef.named('pw', { namespace: 'data' }), key: 'p' } }) })).toThrow(
        /redis\.password cannot be expressed by provider 'kong' \(received: "data\/pw"\)\. Fix: KIC reads configPatches Secrets from the plugin's namespace/,
      );
    });

    it('a route is in another namespace than the policy', () => {
      const f = platform(['edge', 'models', 'other']);
      expect(() =>
        new AccessPolicy(f.ns.other, 'access', { gateway: f.gateway, routes: [f.iris, f.mnist], authentication: [apiKeys()], tiers: tiers(f), rateLimitMode: RateLimitMode.LOCAL }),
      ).toThrow(/test\/other\/access: routes\(iris\) cannot be expressed by provider 'kong' \(received: "models"\)/);
    });

    it('a route is already protected by another Kong policy', () => {
      const f = platform();
      const other = (name: string, userId: string) =>
        new AccessPolicy(f.ns.models, name, {
          gateway: f.gateway,
          routes: [f.iris],
          authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: [{ userId, tier: 'basic', remoteKey: `k/${userId}` }] })],
          tiers: [new Tier('basic', { unlimited: true })],
          rateLimitMode: RateLimitMode.LOCAL,
        });
      other('first', 'alice');
      expect(() => other('second', 'bob')).toThrow(/test\/models\/second: routes\(iris\) is already protected by Kong access policy test\/models\/first/);
    });

    it('a user id is used by two policies (Kong consumers are cluster-wide)', () => {
      const f = platform();
      const policy = (name: string, route: HttpRoute) =>
        new AccessPolicy(f.ns.models, name, {
          gateway: f.gateway,
          routes: [route],
          authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: [{ userId: 'alice', tier: 'basic', remoteKey: 'k/alice' }] })],
          tiers: [new Tier('basic', { unlimited: true })],
          rateLimitMode: RateLimitMode.LOCAL,
        });
      policy('first', f.iris);
      expect(() => policy('second', f.mnist)).toThrow(/test\/models\/second\/Holder-alice: username is already used by KongConsumer test\/models\/first\/Holder-alice/);
    });

    it('a user id is reserved by the engine', () => {
      expect(attempt({ authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: [{ userId: 'anonymous', tier: 'basic', remoteKey: 'k' }] })] })).toThrow(
        /authentication\[0\]\.holders\[0\]\.userId is reserved by the Kong engine/,
      );
    });
  });
});

/** Every Kong object and ExternalSecret the compiler emitted (at least `count`) validates, and so does everything else synthesized. */
function expectValid(objects: ReturnType<typeof synthObjects>, count: number): void {
  const emitted = objects.filter((o) => ['KongPlugin', 'KongConsumer', 'ExternalSecret'].includes(o.kind));
  expect(emitted.length).toBe(count);
  expect(objects.flatMap((o) => validateObject(o).map(formatIssue))).toEqual([]);
}

/** The caveats of the (only) policy in POLICY.md. */
function reportCaveats(app: Parameters<typeof synthPlatforms>[0]): string[] {
  const report = synthPlatforms(app)[0]?.files['POLICY.md'] ?? '';
  const start = report.indexOf('Caveats on this engine:');
  if (start < 0) return [];
  return report
    .slice(start)
    .split('\n')
    .filter((l) => l.startsWith('- '))
    .map((l) => l.slice(2));
}
