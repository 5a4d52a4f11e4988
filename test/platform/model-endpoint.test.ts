/**
 * ModelEndpoint (issue 16 §2): one construct per served model on every
 * gateway provider and for both KServe kinds, with protocol-correct routes,
 * tiers that name endpoints, the monitoring bundle that fits the runtime,
 * and clear refusals.
 */
import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { SecretRef } from '../../src/core/secret-ref';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { GatewayMonitoring } from '../../src/observability/gateway-monitoring';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { LlmMonitoring } from '../../src/observability/llm-monitoring';
import { RequestMetrics } from '../../src/observability/request-metrics';
import { EndpointAccess, ModelEndpoint } from '../../src/platform/model-endpoint';
import { AccessPolicy } from '../../src/policy/access-policy';
import { ApiKeyAuth } from '../../src/policy/authentication';
import { Kuadrant } from '../../src/policy/kuadrant/kuadrant';
import { RateLimit, RateLimitMode } from '../../src/policy/rate-limit';
import { RedisReference } from '../../src/policy/redis';
import { Tier } from '../../src/policy/tier';
import { GrpcRoute } from '../../src/routing/grpc-route';
import { HttpRoute } from '../../src/routing/http-route';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { LlmInferenceService } from '../../src/serving/llm-inference-service';
import { LlmRouter } from '../../src/serving/llm-router';
import { ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { ClusterServingRuntime } from '../../src/serving/serving-runtime';
import { Storage } from '../../src/serving/storage';
import { findObject, objectsOfKind, setup } from '../util';

const CPU = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
const GPU = { requests: { cpu: '2', memory: '8Gi', nvidiaGpu: '1' }, limits: { cpu: '8', memory: '8Gi', nvidiaGpu: '1' } };
const OPENAI = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/models'].map((value) => ({ path: { type: 'Exact', value } }));
const PROVIDERS = [GatewayProvider.KGATEWAY, GatewayProvider.ENVOY_GATEWAY, GatewayProvider.ISTIO, GatewayProvider.KONG];
const REDIS = RedisReference.of({ host: 'redis.data.svc.cluster.local', namespace: 'data', password: { secret: SecretRef.named('redis-auth'), key: 'password' } });

/** A gateway in `edge` (monitored unless Kong, which has no GatewayMonitoring), a models namespace, a vLLM runtime. */
function world(provider: GatewayProvider, options: { readonly requireAccessPolicies?: boolean } = {}) {
  const istio = provider.id === GatewayProvider.ISTIO.id;
  const { app, platform, ns } = setup(['edge', 'models', ...(istio ? ['kuadrant-system'] : [])], options);
  if (istio) new Kuadrant(ns['kuadrant-system'], 'kuadrant');
  const gateway = new Gateway(ns.edge, 'gateway', {
    provider,
    listeners: [Listener.https({ certificates: [SecretRef.named('gateway-tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.edge, ns.models]) })],
  });
  const monitoring = provider.id === GatewayProvider.KONG.id ? undefined : new GatewayMonitoring(ns.edge, 'gateway-monitoring', { gateway });
  const vllm = ClusterServingRuntime.vllm(platform, 'vllm', { image: 'vllm/vllm-openai:v0.11.0' });
  const sklearn = (name = 'iris', protocolVersion = ProtocolVersion.V1) =>
    new InferenceService(ns.models, name, { predictor: Predictor.model({ format: ModelFormat.SKLEARN, protocolVersion, storage: Storage.uri(`gs://models/${name}`), resources: CPU }) });
  const llm = (name = 'qwen') =>
    new InferenceService(ns.models, name, { predictor: Predictor.model({ format: ModelFormat.custom('vLLM'), runtime: vllm, storage: Storage.hf('Qwen/Qwen3-0.6B'), resources: GPU }), nodeSelector: { 'nvidia.com/gpu.present': 'true' } });
  return { app, platform, ns, gateway, monitoring, sklearn, llm };
}

/** The common case on one provider: an sklearn and a vLLM endpoint, two tiers naming them, API keys, monitoring. */
function commonCase(provider: GatewayProvider) {
  const w = world(provider);
  const listener = w.gateway.listener('https');
  const iris = new ModelEndpoint(w.ns.models, 'iris-endpoint', { model: w.sklearn(), gateway: listener, monitoring: { gateway: w.monitoring } });
  const qwen = new ModelEndpoint(w.ns.models, 'qwen-endpoint', { model: w.llm(), gateway: listener, path: '/qwen', monitoring: { gateway: w.monitoring } });
  const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)], models: [iris] });
  const premium = new Tier('premium', { limits: [RateLimit.perMinute(1000)], models: [qwen], inherits: basic });
  const policy = new AccessPolicy(w.ns.models, 'access', {
    gateway: w.gateway,
    routes: [iris, qwen],
    authentication: [
      ApiKeyAuth.fromExternalSecrets({
        secretStore: { name: 'vault' },
        holders: [
          { userId: 'alice', tier: 'basic', remoteKey: 'keys/alice' },
          { userId: 'bob', tier: 'premium', remoteKey: 'keys/bob' },
        ],
      }),
    ],
    tiers: [basic, premium],
    rateLimitMode: RateLimitMode.GLOBAL,
    redis: provider.id === GatewayProvider.KGATEWAY.id || provider.id === GatewayProvider.KONG.id ? REDIS : undefined,
  });
  return { ...w, iris, qwen, basic, premium, policy };
}

describe.each(PROVIDERS.map((p) => [p.id, p] as const))('ModelEndpoint on %s', (_id, provider) => {
  const c = commonCase(provider);
  // Validation against the pinned CRDs, the security rules and deny by default all run here.
  const objects = buildPlatforms(c.app).flatMap((p) => p.manifests.map((m) => m.object));

  it('synthesizes the objects of the snapshot (every object but the dashboards; routes, NetworkPolicies and monitors in full)', () => {
    const shown = objects.filter((o) => o.kind !== 'ConfigMap' && o.kind !== 'GrafanaDashboard').map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(shown).toMatchSnapshot();
    expect(objects.filter((o) => ['HTTPRoute', 'NetworkPolicy', 'PodMonitor'].includes(o.kind) && o.metadata.namespace === 'models')).toMatchSnapshot();
  });

  it('routes the sklearn model on its KServe v1 paths and the vLLM model under /qwen rewritten to /', () => {
    const iris = findObject(objects, 'HTTPRoute', 'iris', 'models');
    expect(iris.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gateway', namespace: 'edge', sectionName: 'https' }]);
    expect(iris.spec.rules).toHaveLength(1);
    expect(iris.spec.rules[0].matches).toEqual([{ path: { type: 'Exact', value: '/v1/models/iris' } }, { path: { type: 'Exact', value: '/v1/models/iris:predict' } }]);
    expect(iris.spec.rules[0].backendRefs).toEqual([{ name: 'iris-predictor', port: 80 }]);
    const qwen = findObject(objects, 'HTTPRoute', 'qwen', 'models');
    expect(qwen.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/qwen' } }]);
    expect(qwen.spec.rules[0].filters).toEqual([{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }]);
    expect(c.qwen.path).toBe('/qwen');
    expect(c.iris.route).toBeInstanceOf(HttpRoute);
  });

  it('is protected by the policy that lists it, the tiers naming the endpoints themselves', () => {
    expect(c.policy.routes).toEqual([c.iris.route, c.qwen.route]);
    expect(c.iris.route.accessState()).toEqual({ kind: 'protected', policies: ['access'] });
    expect(c.basic.allows(c.iris.route)).toBe(true);
    expect(c.basic.allows(c.qwen.route)).toBe(false);
    expect(c.premium.allows(c.qwen.route)).toBe(true);
    expect(c.premium.models).toEqual([c.qwen.route, c.iris.route]);
  });

  it('monitors the vLLM model as an LLM and the sklearn model as a KServe model', () => {
    expect(c.qwen.monitoring).toBeInstanceOf(LlmMonitoring);
    expect(c.iris.monitoring).toBeInstanceOf(KServeModelMonitoring);
    expect(c.iris.monitoring).not.toBeInstanceOf(LlmMonitoring);
    expect(findObject(objects, 'PodMonitor', 'qwen-predictor', 'models')).toBeDefined();
    const alerts = JSON.stringify(findObject(objects, 'PrometheusRule', c.qwen.monitoring!.prometheusRule.ruleName, 'models').spec);
    expect(alerts).toContain('LlmTimeToFirstTokenHigh');
    expect(JSON.stringify(findObject(objects, 'PrometheusRule', c.iris.monitoring!.prometheusRule.ruleName, 'models').spec)).toContain('KServePredictorDown');
    // One PrometheusRule per model kind: the LLM's and the sklearn model's differ.
    expect(c.qwen.monitoring!.prometheusRule).not.toBe(c.iris.monitoring!.prometheusRule);
    // The gateway's view of the traffic gives the error-rate alert (Kong has no GatewayMonitoring: model server metrics only).
    expect((c.iris.monitoring as KServeModelMonitoring).traffic.spec.errors !== undefined).toBe(provider.id !== GatewayProvider.KONG.id);
  });

  it('opens the predictor port to the gateway pods when the provider names them', () => {
    const policies = objectsOfKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'models');
    const toIris = policies.filter((p) => p.spec.podSelector?.matchLabels?.['serving.kserve.io/inferenceservice'] === 'iris');
    expect(toIris.length).toBeGreaterThan(0);
    if (c.gateway.dataPlane) expect(JSON.stringify(toIris.map((p) => p.spec.ingress))).toContain('8080');
  });
});

describe('ModelEndpoint routes follow the model protocol', () => {
  it('uses the Open Inference Protocol prefix for a v2 model, the OpenAI paths for vLLM, a GRPCRoute for grpc-v2', () => {
    const w = world(GatewayProvider.KGATEWAY, { requireAccessPolicies: false });
    const listener = w.gateway.listener('https');
    const v2 = new ModelEndpoint(w.ns.models, 'v2', { model: w.sklearn('ranker', ProtocolVersion.V2), gateway: listener });
    const llm = new ModelEndpoint(w.ns.models, 'llm', { model: w.llm(), gateway: listener, hostname: 'qwen.models.example.com' });
    const triton = new InferenceService(w.ns.models, 'triton', { predictor: Predictor.model({ format: ModelFormat.TRITON, protocolVersion: ProtocolVersion.GRPC_V2, storage: Storage.uri('gs://models/triton'), resources: CPU }) });
    const grpc = new ModelEndpoint(w.ns.models, 'grpc', { model: triton, gateway: listener, hostname: 'triton.models.example.com', access: EndpointAccess.publicAccess('gRPC demo model without data behind it') });
    const objects = buildPlatforms(w.app).flatMap((p) => p.manifests.map((m) => m.object));
    expect(findObject(objects, 'HTTPRoute', 'ranker', 'models').spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/v2/models/ranker' } }]);
    const qwen = findObject(objects, 'HTTPRoute', 'qwen', 'models');
    expect(qwen.spec.hostnames).toEqual(['qwen.models.example.com']);
    expect(qwen.spec.rules[0].matches).toEqual(OPENAI);
    expect(qwen.spec.rules[0].filters).toBeUndefined();
    expect(grpc.route).toBeInstanceOf(GrpcRoute);
    const g = findObject(objects, 'GRPCRoute', 'triton', 'models');
    expect(g.spec.hostnames).toEqual(['triton.models.example.com']);
    expect(g.spec.rules[0].matches).toEqual([{ method: { type: 'Exact', service: 'inference.GRPCInferenceService' } }]);
    expect(g.spec.rules[0].backendRefs).toEqual([{ name: 'triton-predictor', port: 80 }]);
    expect(grpc.route.accessState()).toEqual({ kind: 'public', reason: 'gRPC demo model without data behind it' });
    expect([v2.tierRoutes, llm.tierRoutes]).toEqual([[v2.route], [llm.route]]);
  });

  it('routes an LLMInferenceService to the workload Service KServe creates (port 8000) on the OpenAI paths', () => {
    const w = world(GatewayProvider.ENVOY_GATEWAY);
    const model = new LlmInferenceService(w.ns.models, 'llama', { model: Storage.hf('meta-llama/Llama-3.1-8B-Instruct'), container: { resources: GPU } });
    const llama = new ModelEndpoint(w.ns.models, 'llama-endpoint', { model, gateway: w.gateway.listener('https'), path: '/llama' });
    new AccessPolicy(w.ns.models, 'access', {
      gateway: w.gateway,
      routes: [llama],
      authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: { name: 'vault' }, holders: [{ userId: 'alice', tier: 'basic', remoteKey: 'keys/alice' }] })],
      tiers: [new Tier('basic', { limits: [RateLimit.perMinute(10)], models: [llama] })],
      rateLimitMode: RateLimitMode.LOCAL,
    });
    const objects = buildPlatforms(w.app).flatMap((p) => p.manifests.map((m) => m.object));
    const route = findObject(objects, 'HTTPRoute', 'llama', 'models');
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'llama-kserve-workload-svc', port: 8000 }]);
    expect(route.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/llama' } }]);
    expect(model.routeMatches().map((m) => m.path?.value)).toEqual(OPENAI.map((m) => m.path.value));
    const open = objectsOfKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'models' && p.spec.podSelector?.matchLabels?.['kserve.io/component'] === 'workload');
    expect(open).toHaveLength(1);
    expect(open[0].spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'llama', 'app.kubernetes.io/part-of': 'llminferenceservice', 'kserve.io/component': 'workload' });
    expect(JSON.stringify(open[0].spec.ingress)).toContain('8000');
  });

  it('takes the traffic source from traffic when the gateway has no GatewayMonitoring (Kong)', () => {
    const w = world(GatewayProvider.KONG, { requireAccessPolicies: false });
    const e = new ModelEndpoint(w.ns.models, 'iris-endpoint', { model: w.sklearn(), gateway: w.gateway.listener('https'), monitoring: { traffic: RequestMetrics.kong('models.iris-predictor.80'), llm: false } });
    expect((e.monitoring as KServeModelMonitoring).traffic.spec.source).toBe('Kong');
  });
});

describe('ModelEndpoint refuses', () => {
  const fails = (fn: () => unknown): ModelServingError => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(ModelServingError);
      return err as ModelServingError;
    }
    throw new Error('did not throw');
  };

  it('a path for a gRPC model, naming the hostname instead', () => {
    const w = world(GatewayProvider.ISTIO, { requireAccessPolicies: false });
    const triton = new InferenceService(w.ns.models, 'triton', { predictor: Predictor.model({ format: ModelFormat.TRITON, protocolVersion: ProtocolVersion.GRPC_V2, storage: Storage.uri('gs://models/triton'), resources: CPU }) });
    const err = fails(() => new ModelEndpoint(w.ns.models, 'grpc', { model: triton, gateway: w.gateway, path: '/triton' }));
    expect(err.message).toBe(
      'test/models/grpc: path cannot be given for a gRPC model: a GRPCRoute matches gRPC services, not paths (received: "/triton"). Fix: give the model a hostname of its own instead (hostname: ...)',
    );
  });

  it('a path that is not an absolute prefix', () => {
    const w = world(GatewayProvider.KGATEWAY, { requireAccessPolicies: false });
    for (const path of ['qwen', '/', '/qwen/']) {
      expect(fails(() => new ModelEndpoint(w.ns.models, `e${path.length}`, { model: w.llm(`m${path.length}`), gateway: w.gateway, path })).message).toContain(`path must be an absolute prefix of at least one segment, without a trailing '/' (received: "${path}")`);
    }
    expect(fails(() => new ModelEndpoint(w.ns.models, 'dots-endpoint', { model: w.llm('dots'), gateway: w.gateway, path: '/a/../b' })).message).toMatch(/^test\/models\/dots-endpoint: path .*\(received: "\/a\/\.\.\/b"\)\. Fix: write the normalized prefix, e.g. '\/qwen3'$/);
  });

  it('a model that is not an InferenceService or LlmInferenceService', () => {
    const w = world(GatewayProvider.KGATEWAY, { requireAccessPolicies: false });
    const err = fails(() => new ModelEndpoint(w.ns.models, 'x', { model: 'iris' as never, gateway: w.gateway }));
    expect(err.message).toMatch(/^test\/models\/x: model must be an InferenceService or LlmInferenceService \(received: "iris"\)\. Fix: pass the model construct/);
  });

  it('an LLMInferenceService whose route KServe manages', () => {
    const w = world(GatewayProvider.KGATEWAY, { requireAccessPolicies: false });
    const model = new LlmInferenceService(w.ns.models, 'llama', { model: Storage.hf('meta-llama/Llama-3.1-8B-Instruct'), router: LlmRouter.managedRoute(w.gateway), container: { resources: GPU } });
    const err = fails(() => new ModelEndpoint(w.ns.models, 'llama-endpoint', { model, gateway: w.gateway }));
    expect(err.message).toBe(
      'test/models/llama: router is managed by KServe, which creates its own HTTPRoute to the workload: a second route of your own would compete with it (received: "LlmRouter.managed"). Fix: pass router: LlmRouter.none() or LlmRouter.httpRoutes() to route the model yourself, or leave the route to KServe',
    );
  });

  it('monitoring for an LLMInferenceService, and two traffic sources', () => {
    const w = world(GatewayProvider.KGATEWAY, { requireAccessPolicies: false });
    const model = new LlmInferenceService(w.ns.models, 'llama', { model: Storage.hf('meta-llama/Llama-3.1-8B-Instruct'), container: { resources: GPU } });
    expect(fails(() => new ModelEndpoint(w.ns.models, 'llama-endpoint', { model, gateway: w.gateway, monitoring: { gateway: w.monitoring } })).message).toMatch(/^test\/models\/llama-endpoint: monitoring\.gateway does not apply to an LLMInferenceService: .*\(received: "llama"\)\. Fix: leave monitoring\.gateway out/);
    const both = fails(() => new ModelEndpoint(w.ns.models, 'iris-endpoint', { model: w.sklearn(), gateway: w.gateway, monitoring: { gateway: w.monitoring, traffic: RequestMetrics.kong('x') } }));
    expect(both.message).toBe('test/models/iris-endpoint: monitoring gives both gateway and traffic, two sources of the same request metrics (received: "Kong"). Fix: pass gateway (its view of the model is used), or traffic, not both');
  });

  it('fails synth (deny by default) when no policy lists an endpoint that is not public', () => {
    const w = world(GatewayProvider.KGATEWAY);
    new ModelEndpoint(w.ns.models, 'iris-endpoint', { model: w.sklearn(), gateway: w.gateway.listener('https') });
    expect(() => buildPlatforms(w.app)).toThrow(/test\/models\/iris-endpoint\/route: HTTPRoute\/models\/iris has no access policy and is not declared public \(deny by default\)/);
  });
});

describe('Tiers name routes and endpoints, not strings', () => {
  const policyWith = (tiers: (e: { iris: ModelEndpoint; qwen: ModelEndpoint; other: ModelEndpoint }) => Tier[]) => {
    const w = world(GatewayProvider.ENVOY_GATEWAY, { requireAccessPolicies: false });
    const listener = w.gateway.listener('https');
    const e = {
      iris: new ModelEndpoint(w.ns.models, 'iris-endpoint', { model: w.sklearn(), gateway: listener }),
      qwen: new ModelEndpoint(w.ns.models, 'qwen-endpoint', { model: w.llm(), gateway: listener, path: '/qwen' }),
      other: new ModelEndpoint(w.ns.models, 'other-endpoint', { model: w.sklearn('other'), gateway: listener }),
    };
    return () =>
      new AccessPolicy(w.ns.models, 'access', {
        gateway: w.gateway,
        routes: [e.iris, e.qwen],
        authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: { name: 'vault' }, holders: [{ userId: 'alice', tier: 'basic', remoteKey: 'keys/alice' }] })],
        tiers: tiers(e),
        rateLimitMode: RateLimitMode.LOCAL,
      });
  };

  it('refuses a tier naming an endpoint the policy does not protect, naming the endpoint and the routes it may name', () => {
    const build = policyWith((e) => [new Tier('basic', { limits: [RateLimit.perMinute(1)], models: [e.iris, e.other] })]);
    expect(build).toThrow(
      'test/models/access: tiers(basic).models[1] names a route of test/models/other-endpoint the policy does not protect (received: "other"). Fix: add it to the policy\'s routes, or name one of: iris, qwen',
    );
  });

  it('refuses a route name string, saying to pass the object', () => {
    const build = policyWith(() => [new Tier('basic', { limits: [RateLimit.perMinute(1)], models: ['iris' as never] })]);
    expect(build).toThrow(
      "test/models/access: tiers[0](basic).models[0] names a model by a string; tiers refer to the route or ModelEndpoint object itself (received: \"iris\"). Fix: pass the object instead of its name: models: [endpoint], where endpoint is the ModelEndpoint (or HttpRoute, GrpcRoute) that serves 'iris'",
    );
  });

  it('refuses something that is neither a route nor an endpoint', () => {
    const build = policyWith(() => [new Tier('basic', { limits: [RateLimit.perMinute(1)], models: [{ name: 'iris' } as never] })]);
    expect(build).toThrow(/test\/models\/access: tiers\[0\]\(basic\)\.models\[0\] must be a route \(HttpRoute, GrpcRoute\) or a ModelEndpoint \(received: \{"name":"iris"\}\)\. Fix: pass the construct the tier may call/);
  });

  it('accepts a route object as well as an endpoint, and keeps a route outside the policy refused', () => {
    const w = world(GatewayProvider.KONG, { requireAccessPolicies: false });
    const listener = w.gateway.listener('https');
    const iris = new ModelEndpoint(w.ns.models, 'iris-endpoint', { model: w.sklearn(), gateway: listener });
    const stray = new HttpRoute(w.ns.models, 'stray-route', { name: 'stray', parents: [listener], rules: [{ backends: [w.sklearn('stray')] }] });
    const make = (models: Tier['ownTargets']) => () =>
      new AccessPolicy(w.ns.models, `access-${String(models === '*' ? 'all' : models.length)}`, {
        gateway: w.gateway,
        routes: [iris.route],
        authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: { name: 'vault' }, holders: [{ userId: 'alice', tier: 'basic', remoteKey: 'keys/alice' }] })],
        tiers: [new Tier('basic', { unlimited: true, models })],
        rateLimitMode: RateLimitMode.LOCAL,
      });
    expect(make([iris.route])).not.toThrow();
    expect(make([iris, stray])).toThrow(/tiers\(basic\)\.models\[1\] names a route the policy does not protect \(received: "stray"\)\. Fix: add it to the policy's routes, or name one of: iris/);
  });
});

describe('ModelEndpoint refuses malformed options', () => {
  it('monitoring that is not an object, and llm that is not a boolean', () => {
    const w = world(GatewayProvider.KGATEWAY, { requireAccessPolicies: false });
    expect(() => new ModelEndpoint(w.ns.models, 'a-endpoint', { model: w.sklearn('a'), gateway: w.gateway, monitoring: true as never })).toThrow(
      'test/models/a-endpoint: monitoring must be an object of monitoring options (received: true). Fix: pass monitoring: { gateway: gatewayMonitoring }, or leave it out for none',
    );
    expect(() => new ModelEndpoint(w.ns.models, 'b-endpoint', { model: w.sklearn('b'), gateway: w.gateway, monitoring: { llm: 'yes' as never } })).toThrow(
      'test/models/b-endpoint: monitoring.llm must be true or false (received: "yes"). Fix: pass llm: true to monitor the model as a vLLM LLM, or leave it out to follow the model format',
    );
  });

  it('an access that is not an EndpointAccess, and filters on a gRPC model', () => {
    const w = world(GatewayProvider.ENVOY_GATEWAY, { requireAccessPolicies: false });
    expect(() => new ModelEndpoint(w.ns.models, 'a-endpoint', { model: w.sklearn('a'), gateway: w.gateway, access: 'public' as never })).toThrow(
      /^test\/models\/a-endpoint: access must be an EndpointAccess \(received: "public"\)\. Fix: pass access: EndpointAccess\.policy\(\), or EndpointAccess\.publicAccess\('<reason>'\)$/,
    );
    const triton = new InferenceService(w.ns.models, 'triton', { predictor: Predictor.model({ format: ModelFormat.TRITON, protocolVersion: ProtocolVersion.GRPC_V2, storage: Storage.uri('gs://models/triton'), resources: CPU }) });
    expect(() => new ModelEndpoint(w.ns.models, 'grpc-endpoint', { model: triton, gateway: w.gateway, filters: [{} as never] })).toThrow(
      'test/models/grpc-endpoint: filters are HTTPRoute filters, which a GRPCRoute (gRPC model) cannot carry (received: 1). Fix: drop them, or serve the model over HTTP',
    );
  });
});
