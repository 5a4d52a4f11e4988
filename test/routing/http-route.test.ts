import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { HttpRouteFilter, PathModifier } from '../../src/routing/filter';
import { HttpRoute } from '../../src/routing/http-route';
import { HeaderMatch, PathMatch } from '../../src/routing/match';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { ModelFormat } from '../../src/serving/model-format';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';

function fixture() {
  const { app, ns, platform } = setup(['gw', 'models'], { requireAccessPolicies: false });
  const gateway = new Gateway(ns.gw, 'gateway', {
    provider: GatewayProvider.KGATEWAY,
    listeners: [Listener.http(), Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models, ns.gw]) })],
  });
  return { app, ns, platform, gateway };
}

describe('HttpRoute', () => {
  it('routes matches to weighted Service backends with filters', () => {
    const { app, ns, gateway } = fixture();
    new HttpRoute(ns.models, 'route', {
      parents: [gateway.listener('https')],
      hostnames: ['api.example.com'],
      rules: [
        {
          name: 'canary',
          matches: [{ path: PathMatch.prefix('/api'), headers: [HeaderMatch.exact('env', 'canary')], method: 'POST' }],
          filters: [HttpRouteFilter.requestHeaderModifier({ set: { 'x-tier': 'gold' }, remove: ['x-debug'] })],
          backends: [
            { backend: Backend.service('api-v1', 8080), weight: 90 },
            { backend: Backend.service('api-v2', 8080), weight: 10 },
          ],
          timeouts: { request: Duration.seconds(30), backendRequest: Duration.seconds(10) },
        },
      ],
    });
    const route = findObject(synthObjects(app), 'HTTPRoute', 'route', 'models');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gateway', namespace: 'gw', sectionName: 'https' }]);
    expect(route.spec.hostnames).toEqual(['api.example.com']);
    const rule = route.spec.rules[0];
    expect(rule.name).toBe('canary');
    expect(rule.backendRefs).toEqual([
      { name: 'api-v1', port: 8080, weight: 90 },
      { name: 'api-v2', port: 8080, weight: 10 },
    ]);
    expect(rule.matches[0]).toEqual({ path: { type: 'PathPrefix', value: '/api' }, headers: [{ type: 'Exact', name: 'env', value: 'canary' }], method: 'POST' });
    expect(rule.filters[0].requestHeaderModifier).toEqual({ set: [{ name: 'x-tier', value: 'gold' }], remove: ['x-debug'] });
    expect(rule.timeouts).toEqual({ request: '30s', backendRequest: '10s' });
    expect(route).toMatchSnapshot();
  });

  it('points at the predictor Service of an InferenceService and opens its pods to the gateway only', () => {
    const { app, ns, gateway } = fixture();
    const iris = new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://b/iris') }) });
    new HttpRoute(ns.models, 'iris-route', { name: 'iris', parents: [gateway.listener('https')], rules: [{ matches: iris.routeMatches(), backends: [iris] }] });
    const objects = synthObjects(app);
    const route = findObject(objects, 'HTTPRoute', 'iris', 'models');
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'iris-predictor', port: 80 }]);
    const ingress = findObject(objects, 'NetworkPolicy', 'allow-gateway-to-iris-predictor', 'models');
    expect(ingress.spec.podSelector.matchLabels).toEqual({ component: 'predictor', 'serving.kserve.io/inferenceservice': 'iris' });
    expect(ingress.spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gw' } }, podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'gateway' } } },
    ]);
    expect(ingress.spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    const egress = findObject(objects, 'NetworkPolicy', 'allow-gateway-to-models-iris-predictor', 'gw');
    expect(egress.spec.egress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });

  it('creates a ReferenceGrant for a backend in another namespace of the platform', () => {
    const { app, ns, gateway } = fixture();
    new HttpRoute(ns.gw, 'cross', { parents: [gateway], rules: [{ backends: [Backend.service('api', 80, { namespace: 'models' })] }] });
    const objects = synthObjects(app);
    const grants = objectsOfKind(objects, 'ReferenceGrant');
    expect(grants).toHaveLength(1);
    expect(grants[0].metadata.namespace).toBe('models');
    expect(grants[0].spec).toEqual({ from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'gw' }], to: [{ group: '', kind: 'Service', name: 'api' }] });
    expect(findObject(objects, 'HTTPRoute', 'cross', 'gw').spec.rules[0].backendRefs[0]).toEqual({ name: 'api', namespace: 'models', port: 80 });
  });

  it('rewrites a prefix', () => {
    const { app, ns, gateway } = fixture();
    new HttpRoute(ns.models, 'rw', {
      parents: [gateway.listener('https')],
      rules: [{ matches: [{ path: PathMatch.prefix('/qwen3') }], filters: [HttpRouteFilter.urlRewrite({ path: PathModifier.replacePrefixMatch('/') })], backends: [Backend.service('qwen', 80)] }],
    });
    expect(findObject(synthObjects(app), 'HTTPRoute', 'rw').spec.rules[0].filters).toEqual([{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }]);
  });

  it('is denied by default: synth fails for a route with backends and no access policy', () => {
    const { app, ns } = setup(['gw', 'models']);
    const gateway = new Gateway(ns.gw, 'gateway', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('c')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })] });
    const route = new HttpRoute(ns.models, 'open', { parents: [gateway], rules: [{ backends: [Backend.service('api', 80)] }] });
    expect(route.accessState()).toEqual({ kind: 'unprotected' });
    expect(() => synthObjects(app)).toThrow(/test\/models\/open: HTTPRoute\/models\/open has no access policy and is not declared public \(deny by default\) \(received: "unprotected"\)\. Fix: protect it with an AccessPolicy, or call allowPublicAccess/);
    route.allowPublicAccess('a public demo endpoint with no data behind it');
    expect(route.accessState()).toEqual({ kind: 'public', reason: 'a public demo endpoint with no data behind it' });
    expect(() => synthObjects(app)).not.toThrow();
  });

  it('routes without backends (redirects, direct responses) are exempt', () => {
    const { ns } = setup(['gw', 'models']);
    const gateway = new Gateway(ns.gw, 'gateway', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.http()] });
    const r = new HttpRoute(ns.gw, 'redirect', { parents: [gateway], rules: [{ filters: [HttpRouteFilter.requestRedirect({ scheme: 'https' })] }] });
    expect(r.accessState().kind).toBe('exempt');
  });

  it('fails when a public declaration has no real reason', () => {
    const { ns, gateway } = fixture();
    const r = new HttpRoute(ns.models, 'r', { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('a', 80)] }] });
    expect(() => r.allowPublicAccess('demo')).toThrow(/public access needs a reason of at least 10 characters/);
  });

  describe('fails when', () => {
    const rule = (r: Parameters<HttpRoute['addRule']>[0]) => {
      const { ns, gateway } = fixture();
      return () => new HttpRoute(ns.models, 'r', { parents: [gateway.listener('https')], rules: [r] });
    };

    it('a path is not absolute', () => {
      expect(rule({ matches: [{ path: PathMatch.prefix('v1') }], backends: [Backend.service('a', 80)] })).toThrow(
        /test\/models\/r: rules\[0\]\.matches\[0\]\.path must be an absolute path starting with '\/' \(received: "v1"\)/,
      );
    });

    it('a path contains invalid characters or sequences', () => {
      expect(rule({ matches: [{ path: PathMatch.exact('/a<b') }], backends: [Backend.service('a', 80)] })).toThrow(/must only contain the characters/);
      // A space, '?' or '#' is refused by PathMatch itself, which points to a query match.
      expect(() => PathMatch.exact('/a b')).toThrow(/holds whitespace, which a request path never holds/);
      expect(rule({ matches: [{ path: PathMatch.exact('/a//b') }], backends: [Backend.service('a', 80)] })).toThrow(/must not contain '\/\/'/);
    });

    it('a Service backend has no port', () => {
      expect(rule({ backends: [{ backendRef: { name: 'svc' } }] })).toThrow(/rules\[0\]\.backendRefs\[0\]\.port is required for a Service backend \(received: "svc"\)\. Fix: pass Backend\.service\('svc', 8080\)/);
    });

    it('a weight is negative', () => {
      expect(rule({ backends: [{ backend: Backend.service('a', 80), weight: -1 }] })).toThrow(/weight must be an integer between 0 and 1000000 \(received: -1\)/);
    });

    it('a filter type is repeated', () => {
      const f = HttpRouteFilter.requestHeaderModifier({ set: { a: 'b' } });
      expect(rule({ filters: [f, f], backends: [Backend.service('a', 80)] })).toThrow(/rules\[0\]\.filters repeats the RequestHeaderModifier filter/);
    });

    it.each([
      ['requestHeaderModifier', 'set', 'Authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0'],
      ['requestHeaderModifier', 'add', 'x-api-key', 'k-123456789-secret'],
      ['requestHeaderModifier', 'set', 'Cookie', 'session=abcdef-secret'],
      ['requestHeaderModifier', 'set', 'Proxy-Authorization', 'Basic dXNlcjpzZWNyZXQ='],
      ['requestHeaderModifier', 'set', 'api-key', 'azure-secret-key'],
      ['requestHeaderModifier', 'add', 'X-Auth-Token', 'tok-secret'],
      ['requestHeaderModifier', 'set', 'x-amz-security-token', 'FwoGZXIvYXdzEsecret'],
      ['responseHeaderModifier', 'add', 'Set-Cookie', 'session=abcdef-secret'],
    ] as const)('a header modifier (%s) gives a credential header a literal value: %s %s', (factory, op, header, value) => {
      let message = '';
      try {
        HttpRouteFilter[factory]({ [op]: { 'x-tier': 'gold', [header]: value } });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain(`HttpRouteFilter.${factory}: ${op}.${header} would give a credential header a literal value, committed to dist/ and sent with every request (received: "<redacted>"). Fix: let clients send their own credentials`);
      expect(message).not.toContain(value);
    });

    it('(not) a header modifier that removes a credential header or sets ordinary ones', () => {
      const f = HttpRouteFilter.requestHeaderModifier({ set: { 'x-tier': 'gold', 'x-max-tokens': '512' }, remove: ['Authorization', 'Cookie'] });
      expect(f.filterSpec.requestHeaderModifier?.remove).toEqual(['Authorization', 'Cookie']);
    });

    it('a redirect sits next to backends', () => {
      expect(rule({ filters: [HttpRouteFilter.requestRedirect({ scheme: 'https' })], backends: [Backend.service('a', 80)] })).toThrow(/RequestRedirect filter next to backendRefs/);
    });

    it('replacePrefixMatch is used without exactly one PathPrefix match', () => {
      expect(rule({ matches: [{ path: PathMatch.exact('/a') }], filters: [HttpRouteFilter.urlRewrite({ path: PathModifier.replacePrefixMatch('/') })], backends: [Backend.service('a', 80)] })).toThrow(
        /needs exactly one PathPrefix match/,
      );
    });

    it('backendRequest exceeds request timeout', () => {
      expect(rule({ backends: [Backend.service('a', 80)], timeouts: { request: Duration.seconds(5), backendRequest: Duration.seconds(10) } })).toThrow(
        /timeouts\.backendRequest must not be longer than timeouts\.request \(5s\) \(received: "10s"\)/,
      );
    });

    it('the listener does not admit routes from the route namespace', () => {
      const { ns, gateway } = fixture();
      expect(() => new HttpRoute(ns.models, 'r', { parents: [gateway.listener('http')], rules: [{ backends: [Backend.service('a', 80)] }] })).toThrow(
        /points at Gateway 'gateway' listener 'http', which does not admit routes from namespace 'models'/,
      );
    });

    it('the same parent is attached twice', () => {
      const { ns, gateway } = fixture();
      expect(() => new HttpRoute(ns.models, 'r', { parents: [gateway.listener('https'), gateway.listener('https')], rules: [] })).toThrow(/parentRefs already contains this parent/);
    });

    it('it has no rules (at synth)', () => {
      const { app, ns, gateway } = fixture();
      new HttpRoute(ns.models, 'empty', { parents: [gateway.listener('https')] });
      expect(() => synthObjects(app)).toThrow(/test\/models\/empty: spec\.rules is empty/);
    });

    it('a hostname is invalid', () => {
      const { ns, gateway } = fixture();
      expect(() => new HttpRoute(ns.models, 'r', { parents: [gateway.listener('https')], hostnames: ['API.example.com'] })).toThrow(/hostnames must be lower-case DNS names/);
    });

    it('there are more than 16 rules', () => {
      const { ns, gateway } = fixture();
      const r = new HttpRoute(ns.models, 'r', { parents: [gateway.listener('https')] });
      for (let i = 0; i < 16; i++) r.addRule({ backends: [Backend.service('a', 80)] });
      expect(() => r.addRule({ backends: [Backend.service('a', 80)] })).toThrow(/rules can hold at most 16 rules \(received: 17\)/);
    });
  });
});
