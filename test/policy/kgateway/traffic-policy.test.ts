import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../../src/core/backend';
import { SecretRef } from '../../../src/core/secret-ref';
import { GatewayExtension, GatewayExtensionType } from '../../../src/policy/kgateway/gateway-extension';
import { PolicyTarget } from '../../../src/policy/kgateway/policy-target';
import { RateLimitDescriptorEntry, RbacAction, TrafficPolicy } from '../../../src/policy/kgateway/traffic-policy';
import { GrpcRoute } from '../../../src/routing/grpc-route';
import { HttpRoute } from '../../../src/routing/http-route';
import { findObject, synthObjects } from '../../util';
import { fixture, validationIssues } from './fixture';

function setup() {
  const f = fixture();
  f.iris.allowPublicAccess('construct test: the TrafficPolicy itself is under test');
  f.mnist.allowPublicAccess('construct test: the TrafficPolicy itself is under test');
  const models = f.ns['ml-models'];
  const extAuth = new GatewayExtension(models, 'opa', { extAuth: { grpcService: { backend: Backend.service('opa', 9191) } } });
  const limits = new GatewayExtension(models, 'limits', { rateLimit: { domain: 'models', grpcService: { backend: Backend.service('ratelimit', 8081) } } });
  const jwt = GatewayExtension.fromName(models, 'idp', 'idp', { type: GatewayExtensionType.JWT });
  return { ...f, models, extAuth, limits, jwt };
}

describe('TrafficPolicy', () => {
  it('renders authentication, RBAC, external auth, local and global limits and header changes on its targets', () => {
    const { app, models, iris, mnist, extAuth, limits } = setup();
    const tp = new TrafficPolicy(models, 'iris-access', {
      targets: [PolicyTarget.httpRoute(iris)],
      apiKeyAuth: { secretSelector: { team: 'ml', app: 'iris' }, keySources: [{ header: 'x-api-key' }, { query: 'api_key' }], clientIdHeader: 'x-user-id' },
      rbac: { action: RbacAction.DENY, matchExpressions: ["request.headers['x-user-id'] == 'mallory'"] },
      extAuth: { extension: extAuth, contextExtensions: { z: '1', a: '2' }, maxRequestBytes: 8192 },
      rateLimit: {
        local: { tokenBucket: { maxTokens: 50, tokensPerFill: 10, fillInterval: Duration.seconds(1) }, percentEnforced: 100 },
        global: { extension: limits, descriptors: [[RateLimitDescriptorEntry.generic('route', 'iris'), RateLimitDescriptorEntry.header('x-user-id'), RateLimitDescriptorEntry.remoteAddress(), RateLimitDescriptorEntry.path()]] },
      },
      headerModifiers: { request: { set: { 'x-b': '2', 'x-a': '1' }, remove: ['X-Debug'] }, response: { add: { 'x-served-by': 'gw' } } },
    });
    tp.addTarget(PolicyTarget.httpRoute(mnist, 'rule-a'));
    const objects = synthObjects(app);
    const obj = findObject(objects, 'TrafficPolicy', 'iris-access', 'ml-models');
    expect(obj.spec.targetRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'sklearn-iris' },
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'tensorflow-mnist', sectionName: 'rule-a' },
    ]);
    expect(obj.spec.apiKeyAuth).toEqual({ secretSelector: { matchLabels: { app: 'iris', team: 'ml' } }, keySources: [{ header: 'x-api-key' }, { query: 'api_key' }], clientIdHeader: 'x-user-id' });
    expect(obj.spec.rbac).toEqual({ action: 'Deny', policy: { matchExpressions: ["request.headers['x-user-id'] == 'mallory'"] } });
    expect(obj.spec.extAuth).toEqual({ extensionRef: { name: 'opa' }, contextExtensions: { a: '2', z: '1' }, withRequestBody: { maxRequestBytes: 8192 } });
    expect(obj.spec.rateLimit.local).toEqual({ tokenBucket: { maxTokens: 50, tokensPerFill: 10, fillInterval: '1s' }, percentEnforced: 100 });
    expect(obj.spec.rateLimit.global).toEqual({
      extensionRef: { name: 'limits' },
      descriptors: [{ entries: [{ type: 'Generic', generic: { key: 'route', value: 'iris' } }, { type: 'Header', header: 'x-user-id' }, { type: 'RemoteAddress' }, { type: 'Path' }] }],
    });
    expect(obj.spec.headerModifiers).toEqual({ request: { set: [{ name: 'x-a', value: '1' }, { name: 'x-b', value: '2' }], remove: ['x-debug'] }, response: { add: [{ name: 'x-served-by', value: 'gw' }] } });
    expect(validationIssues(objects)).toEqual([]);
    expect(obj).toMatchSnapshot();
  });

  it('turns off settings inherited from the Gateway with disable', () => {
    const { app, models, gateway } = setup();
    new TrafficPolicy(models, 'gw-off', { targets: [PolicyTarget.of(HttpRoute.fromRouteName(models, 'health', 'health'))], jwtAuth: { disable: true }, apiKeyAuth: { disable: true }, extAuth: { disable: true } });
    new TrafficPolicy(gateway, 'gw-wide', { targets: [PolicyTarget.gateway(gateway, 'https')], apiKeyAuth: { secretRef: SecretRef.named('keys') } });
    const objects = synthObjects(app);
    expect(findObject(objects, 'TrafficPolicy', 'gw-off').spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'health' }],
      jwtAuth: { disable: {} },
      apiKeyAuth: { disable: {} },
      extAuth: { disable: {} },
    });
    expect(findObject(objects, 'TrafficPolicy', 'gw-wide', 'kgateway-system').spec.apiKeyAuth).toEqual({ secretRef: { name: 'keys' } });
    expect(validationIssues(objects)).toEqual([]);
  });

  describe('fails when', () => {
    it('it targets an object of another namespace (kgateway would ignore it)', () => {
      const { models, gateway } = setup();
      expect(() => new TrafficPolicy(models, 'x', { targets: [PolicyTarget.gateway(gateway)] })).toThrow(
        /test\/ml-models\/x: targetRefs\[Gateway\/kgateway-gateway\/\] points at Gateway 'kgateway-gateway' in namespace 'kgateway-system', but kgateway only attaches a policy to targets in its own namespace \('ml-models'\).*Fix: create the policy in namespace 'kgateway-system'/,
      );
    });

    it('a target kind is not Gateway, HTTPRoute or ListenerSet', () => {
      const { models } = setup();
      expect(() => new TrafficPolicy(models, 'x', { targets: [PolicyTarget.of(GrpcRoute.fromRouteName(models, 'g', 'g'))] })).toThrow(/targetRefs\[GRPCRoute\/g\/\]\.kind must be Gateway, HTTPRoute or a ListenerSet/);
    });

    it('a target is repeated, or there is none (at synth)', () => {
      const { app, models, iris } = setup();
      expect(() => new TrafficPolicy(models, 'x', { targets: [PolicyTarget.httpRoute(iris), PolicyTarget.httpRoute(iris)] })).toThrow(/is already a target of this policy/);
      new TrafficPolicy(models, 'none', { rbac: { matchExpressions: ['false'] } });
      expect(() => synthObjects(app)).toThrow(/test\/ml-models\/none: spec\.targetRefs is empty/);
    });

    it('a section sets both an extension and disable, or neither', () => {
      const { models, iris, extAuth } = setup();
      expect(() => new TrafficPolicy(models, 'x', { targets: [PolicyTarget.httpRoute(iris)], extAuth: { extension: extAuth, disable: true } })).toThrow(/extAuth must set exactly one of extension, disable \(received: \["extension","disable"\]\)/);
      expect(() => new TrafficPolicy(models, 'y', { targets: [PolicyTarget.httpRoute(iris)], apiKeyAuth: {} })).toThrow(/apiKeyAuth must set exactly one of secretRef, secretSelector, disable/);
    });

    it('an extension of the wrong type is referenced', () => {
      const { models, iris, limits } = setup();
      expect(() => new TrafficPolicy(models, 'x', { targets: [PolicyTarget.httpRoute(iris)], jwtAuth: { extension: limits } })).toThrow(/jwtAuth\.extensionRef must point at a JWT GatewayExtension \(received: "RateLimit\/limits"\)/);
    });

    it('an API key selector is empty (it would select every Secret)', () => {
      const { models, iris } = setup();
      expect(() => new TrafficPolicy(models, 'x', { targets: [PolicyTarget.httpRoute(iris)], apiKeyAuth: { secretSelector: {} } })).toThrow(/apiKeyAuth\.secretSelector must have at least one label/);
    });

    it('RBAC has no expression', () => {
      const { models, iris } = setup();
      expect(() => new TrafficPolicy(models, 'x', { targets: [PolicyTarget.httpRoute(iris)], rbac: { matchExpressions: [] } })).toThrow(/rbac\.policy\.matchExpressions must hold 1 to 256 CEL expressions \(received: 0\)/);
    });

    it('a local bucket refills faster than every 50ms or holds no token', () => {
      const { models, iris } = setup();
      const t = [PolicyTarget.httpRoute(iris)];
      expect(() => new TrafficPolicy(models, 'x', { targets: t, rateLimit: { local: { tokenBucket: { maxTokens: 10, fillInterval: Duration.millis(10) } } } })).toThrow(/rateLimit\.local\.tokenBucket\.fillInterval must be at least 50ms \(received: "10ms"\)/);
      expect(() => new TrafficPolicy(models, 'y', { targets: t, rateLimit: { local: { tokenBucket: { maxTokens: 0, fillInterval: Duration.seconds(1) } } } })).toThrow(/maxTokens must be an integer >= 1 \(received: 0\)/);
    });

    it('a global descriptor has no entry', () => {
      const { models, iris, limits } = setup();
      expect(() => new TrafficPolicy(models, 'x', { targets: [PolicyTarget.httpRoute(iris)], rateLimit: { global: { extension: limits, descriptors: [[]] } } })).toThrow(/rateLimit\.global\.descriptors\[0\]\.entries must hold at least one entry/);
    });
  });
});
