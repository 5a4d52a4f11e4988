import { k8s } from 'cdk8s-plus-34';
import { describe, expect, it } from 'vitest';
import { IPolicyTarget, PolicyTargetObject } from '../../src/core/policy-target';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { InferencePool } from '../../src/inference/inference-pool';
import { ModelServers } from '../../src/inference/model-servers';
import * as eg from '../../src/policy/envoy-gateway';
import { PolicyTarget as KgatewayTarget } from '../../src/policy/kgateway/policy-target';
import { TrafficPolicy } from '../../src/policy/kgateway/traffic-policy';
import * as kuadrant from '../../src/policy/kuadrant';
import { GrpcRoute } from '../../src/routing/grpc-route';
import { HttpRoute } from '../../src/routing/http-route';
import { findObject, setup, synthObjects } from '../util';

const LIMITS = { global: { rates: [{ limit: 6, window: '30s' }] } };

/** Platform `test`: a Gateway `gw` (listeners http and https) in `edge`. */
function platform(provider: GatewayProvider) {
  const f = setup(['edge', 'models'], { requireAccessPolicies: false });
  const allowedRoutes = AllowedRoutes.fromNamespaces([f.ns.models]);
  const gateway = new Gateway(f.ns.edge, 'gw', { provider, listeners: [Listener.http({ allowedRoutes }), Listener.https({ certificates: [SecretRef.named('gw-cert')], allowedRoutes })] });
  return { ...f, gateway };
}

/** {@link platform}, with routes and a pool in `models`: not complete enough to synthesize. */
function fixture(provider = GatewayProvider.KGATEWAY) {
  const f = platform(provider);
  const { gateway } = f;
  const route = new HttpRoute(f.ns.models, 'iris', { parents: [gateway.listener('http')] });
  const grpc = new GrpcRoute(f.ns.models, 'triton', { parents: [gateway.listener('https')] });
  const labels = { app: 'qwen' };
  const dep = new k8s.KubeDeployment(f.ns.models, 'qwen', { metadata: { name: 'qwen' }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'm', image: 'vllm/vllm-openai:v0.11.0', ports: [{ containerPort: 8000 }] }] } } } });
  const pool = new InferencePool(f.ns.models, 'qwen-pool', { modelServers: ModelServers.fromDeployment(dep) });
  return { ...f, gateway, route, grpc, pool };
}

describe('one IPolicyTarget in core/ (issue 16 §3)', () => {
  it('is implemented by Gateway and its listeners, HttpRoute, GrpcRoute, InferencePool and the imported objects', () => {
    const { ns, gateway, route, grpc, pool } = fixture();
    const refs = (targets: IPolicyTarget[]) => targets.map((t) => t.policyTargetRef);
    const api = 'gateway.networking.k8s.io';
    expect(refs([gateway, gateway.listener('http'), route, grpc, pool])).toEqual([
      { group: api, kind: 'Gateway', name: 'gw', namespace: 'edge' },
      { group: api, kind: 'Gateway', name: 'gw', namespace: 'edge', sectionName: 'http' },
      { group: api, kind: 'HTTPRoute', name: 'iris', namespace: 'models' },
      { group: api, kind: 'GRPCRoute', name: 'triton', namespace: 'models' },
      { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen-pool', namespace: 'models' },
    ]);
    expect(
      refs([
        Gateway.fromGatewayName(ns.models, 'other-gw', 'other', { namespace: 'infra' }),
        HttpRoute.fromRouteName(ns.models, 'health', 'health'),
        GrpcRoute.fromRouteName(ns.models, 'grpcbin', 'grpcbin', { namespace: 'grpc' }),
        PolicyTargetObject.fromName(ns.models, 'extra', 'extra-listeners', { kind: 'ListenerSet', group: 'gateway.networking.x-k8s.io' }),
      ]),
    ).toEqual([
      { group: api, kind: 'Gateway', name: 'other', namespace: 'infra' },
      { group: api, kind: 'HTTPRoute', name: 'health', namespace: 'models' },
      { group: api, kind: 'GRPCRoute', name: 'grpcbin', namespace: 'grpc' },
      { group: 'gateway.networking.x-k8s.io', kind: 'ListenerSet', name: 'extra-listeners', namespace: undefined },
    ]);
  });

  it('refuses to import as a generic object a kind the library imports itself, and a bad route name', () => {
    const { ns } = fixture();
    expect(() => PolicyTargetObject.fromName(ns.models, 'r', 'toystore', { kind: 'HTTPRoute' })).toThrow(
      /test\/models\/r: kind is a kind the library imports itself, so import the HTTPRoute with HttpRoute\.fromRouteName\(scope, id, name\) \(received: "HTTPRoute"\)\. Fix: use HttpRoute\.fromRouteName\(scope, id, name\)/,
    );
    expect(() => PolicyTargetObject.fromName(ns.models, 'k', 'x', { kind: 'listener set' })).toThrow(/test\/models\/k: kind must be a Kubernetes kind/);
    expect(() => HttpRoute.fromRouteName(ns.models, 'bad', 'Toy_Store')).toThrow(/test\/models\/bad: name .*Toy_Store/);
    expect(() => GrpcRoute.fromRouteName(ns.models, 'opt', 'g', { namespaces: 'x' } as never)).toThrow(/test\/models\/opt: .*namespaces/);
  });

  describe('Kuadrant: objects accepted, strings refused, same namespace only', () => {
    it('attaches to an imported route and an imported Gateway listener', () => {
      const { app, ns } = platform(GatewayProvider.ISTIO);
      new kuadrant.RateLimitPolicy(ns.models, 'health', { target: kuadrant.PolicyTarget.of(HttpRoute.fromRouteName(ns.models, 'health-route', 'health')), limits: LIMITS });
      const gw = Gateway.fromGatewayName(ns.edge, 'public-gateway', 'public', { namespace: 'edge', listenerNames: ['https'] });
      new kuadrant.RateLimitPolicy(ns.edge, 'public', { target: kuadrant.PolicyTarget.of(gw.listener('https')), limits: LIMITS });
      const objects = synthObjects(app);
      expect(findObject(objects, 'RateLimitPolicy', 'health', 'models').spec.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'health' });
      expect(findObject(objects, 'RateLimitPolicy', 'public', 'edge').spec.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', sectionName: 'https' });
    });

    it('refuses a name string, in the factory and in the props', () => {
      const { ns } = fixture(GatewayProvider.ISTIO);
      expect(() => kuadrant.PolicyTarget.of('toystore' as never)).toThrow(
        /PolicyTarget\.of: target must be the object a policy attaches to \(IPolicyTarget\), not a name \(received: "toystore"\)\. Fix: pass the object: a Gateway .*import one defined elsewhere with Gateway\.fromGatewayName\(scope, id, name\), HttpRoute\.fromRouteName\(scope, id, name\)/,
      );
      expect(() => new kuadrant.RateLimitPolicy(ns.models, 'x', { target: 'toystore' as never, limits: LIMITS })).toThrow(
        /test\/models\/x: target must be a PolicyTarget \(received: "toystore"\)\. Fix: pass target: PolicyTarget\.gateway\(gateway\) or PolicyTarget\.route\(route\); for an object defined elsewhere, import it: PolicyTarget\.of\(Gateway\.fromGatewayName\(scope, id, name\)\)/,
      );
    });

    it('still refuses a target in another namespace, and a kind it cannot attach to', () => {
      const { ns, route, pool } = fixture(GatewayProvider.ISTIO);
      expect(() => new kuadrant.RateLimitPolicy(ns.edge, 'x', { target: kuadrant.PolicyTarget.of(route), limits: LIMITS })).toThrow(
        /test\/edge\/x: targetRef points at HTTPRoute 'iris' in namespace 'models', but Kuadrant only attaches a policy to targets in its own namespace \('edge'\) \(received: "models\/iris"\)\. Fix: create the policy in namespace 'models'/,
      );
      expect(() => new kuadrant.RateLimitPolicy(ns.models, 'y', { target: kuadrant.PolicyTarget.of(HttpRoute.fromRouteName(ns.models, 'elsewhere', 'iris', { namespace: 'other' })), limits: LIMITS })).toThrow(
        /test\/models\/y: targetRef points at HTTPRoute 'iris' in namespace 'other'/,
      );
      expect(() => new kuadrant.RateLimitPolicy(ns.models, 'z', { target: kuadrant.PolicyTarget.of(pool), limits: LIMITS })).toThrow(
        /test\/models\/z: targetRef\.kind must be one of Gateway, HTTPRoute, GRPCRoute for this policy kind \(received: "InferencePool"\)/,
      );
    });
  });

  describe('Envoy Gateway: objects accepted, strings refused, same namespace and its kinds only', () => {
    it('attaches to an imported route and a GRPCRoute', () => {
      const { app, ns } = platform(GatewayProvider.ENVOY_GATEWAY);
      const grpc = GrpcRoute.fromRouteName(ns.models, 'triton', 'triton');
      const btp = new eg.BackendTrafficPolicy(ns.models, 'limits', { targets: [eg.PolicyTarget.of(HttpRoute.fromRouteName(ns.models, 'health', 'health')), eg.PolicyTarget.route(grpc)] });
      btp.addLocalRateLimit({ requests: 10, unit: 'Second' });
      expect(findObject(synthObjects(app), 'BackendTrafficPolicy', 'limits', 'models').spec.targetRefs).toEqual([
        { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'health' },
        { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: 'triton' },
      ]);
    });

    it('refuses strings, another namespace, and a kind the policy does not take', () => {
      const { ns, gateway, pool, route } = fixture(GatewayProvider.ENVOY_GATEWAY);
      expect(() => eg.PolicyTarget.of('HTTPRoute' as never)).toThrow(/PolicyTarget\.of: target must be the object a policy attaches to \(IPolicyTarget\), not a name \(received: "HTTPRoute"\)\. Fix: pass the object/);
      expect(() => new eg.BackendTrafficPolicy(ns.models, 'a', { targets: ['iris' as never] })).toThrow(
        /test\/models\/a: targets\[0\] must be a PolicyTarget \(received: "iris"\)\. Fix: pass targets: \[PolicyTarget\.route\(route\)\]; for an object defined elsewhere, import it: PolicyTarget\.of\(HttpRoute\.fromRouteName\(scope, id, name\)\)/,
      );
      expect(() => new eg.BackendTrafficPolicy(ns.edge, 'b', { targets: [eg.PolicyTarget.of(route)] })).toThrow(
        /test\/edge\/b: targets\[0\] is in namespace 'models', but Envoy Gateway policies attach only to objects of their own namespace \('edge'\)/,
      );
      expect(() => new eg.BackendTrafficPolicy(ns.models, 'c', { targets: [eg.PolicyTarget.of(pool)] })).toThrow(/test\/models\/c: targets\[0\]\.kind must be one of Gateway, HTTPRoute, GRPCRoute for this policy \(received: "InferencePool"\)/);
      expect(() => new eg.ClientTrafficPolicy(ns.models, 'd', { targets: [eg.PolicyTarget.of(route)] })).toThrow(/test\/models\/d: targets\[0\]\.kind must be one of Gateway for this policy \(received: "HTTPRoute"\)/);
      expect(() => new eg.ClientTrafficPolicy(ns.edge, 'e', { targets: [eg.PolicyTarget.of(gateway.listener('http'))] })).not.toThrow();
    });
  });

  describe('kgateway: objects accepted, strings refused, same namespace and its kinds only', () => {
    it('attaches to an imported HTTPRoute and a ListenerSet imported by name', () => {
      const { app, ns } = platform(GatewayProvider.KGATEWAY);
      const policy = new TrafficPolicy(ns.models, 'tp', { targets: [KgatewayTarget.of(HttpRoute.fromRouteName(ns.models, 'health', 'health'))] });
      policy.addTarget(KgatewayTarget.of(PolicyTargetObject.fromName(ns.models, 'extra', 'extra-listeners', { kind: 'XListenerSet', group: 'gateway.networking.x-k8s.io' })));
      expect(findObject(synthObjects(app), 'TrafficPolicy', 'tp', 'models').spec.targetRefs).toEqual([
        { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'health' },
        { group: 'gateway.networking.x-k8s.io', kind: 'XListenerSet', name: 'extra-listeners' },
      ]);
    });

    it('refuses strings, another namespace, and a GRPCRoute', () => {
      const { ns, grpc, gateway } = fixture();
      expect(() => KgatewayTarget.of({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'health' } as never)).toThrow(/PolicyTarget\.of: target must be an IPolicyTarget .*Fix: pass the object/);
      const policy = new TrafficPolicy(ns.models, 'tp', {});
      expect(() => policy.addTarget('health' as never)).toThrow(
        /test\/models\/tp: targetRefs takes a PolicyTarget, not a name \(received: "health"\)\. Fix: pass PolicyTarget\.httpRoute\(route\) or PolicyTarget\.gateway\(gateway\); for an object defined elsewhere, import it: PolicyTarget\.of\(HttpRoute\.fromRouteName\(scope, id, name\)\)/,
      );
      expect(() => policy.addTarget(KgatewayTarget.of(grpc))).toThrow(/test\/models\/tp: targetRefs\[GRPCRoute\/triton\/\]\.kind must be Gateway, HTTPRoute or a ListenerSet/);
      expect(() => policy.addTarget(KgatewayTarget.of(gateway))).toThrow(
        /test\/models\/tp: targetRefs\[Gateway\/gw\/\] points at Gateway 'gw' in namespace 'edge', but kgateway only attaches a policy to targets in its own namespace \('models'\) and ignores the others/,
      );
    });
  });
});
