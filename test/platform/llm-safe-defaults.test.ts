import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { EndpointPicker } from '../../src/inference/endpoint-picker';
import { InferencePool } from '../../src/inference/inference-pool';
import { ModelServers } from '../../src/inference/model-servers';
import { ModelEndpoint } from '../../src/platform/model-endpoint';
import { LLM_GATEWAY_BUFFER_LIMIT } from '../../src/policy/envoy-gateway/llm-client-traffic';
import { ClientTrafficPolicy } from '../../src/policy/envoy-gateway/client-traffic-policy';
import { PolicyTarget } from '../../src/policy/envoy-gateway/policy-target';
import { HttpRoute } from '../../src/routing/http-route';
import { PathMatch } from '../../src/routing/match';
import { InferenceService } from '../../src/serving/inference-service';
import { LlmInferenceService } from '../../src/serving/llm-inference-service';
import { ModelFormat } from '../../src/serving/model-format';
import { Predictor } from '../../src/serving/predictor';
import { ClusterServingRuntime } from '../../src/serving/serving-runtime';
import { Storage } from '../../src/serving/storage';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';

const GPU = { requests: { cpu: '2', memory: '8Gi', nvidiaGpu: '1' }, limits: { cpu: '8', memory: '8Gi', nvidiaGpu: '1' } };
const CPU = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
const OPENAI = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/models'];

function world(provider: GatewayProvider) {
  const { app, platform, ns } = setup(['edge', 'models'], { requireAccessPolicies: false });
  const gateway = new Gateway(ns.edge, 'gateway', { provider, listeners: [Listener.https({ certificates: [SecretRef.named('gateway-tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.edge, ns.models]) })] });
  const vllm = ClusterServingRuntime.vllm(platform, 'vllm', { image: 'vllm/vllm-openai:v0.11.0' });
  const tei = ClusterServingRuntime.textEmbeddingsInference(platform, 'tei', { image: 'ghcr.io/huggingface/text-embeddings-inference:cpu-1.8' });
  const llm = (name = 'qwen') => new InferenceService(ns.models, name, { predictor: Predictor.model({ format: ModelFormat.custom('vLLM'), runtime: vllm, storage: Storage.hf('Qwen/Qwen3-0.6B'), resources: GPU }) });
  const embedder = (name = 'bge') => new InferenceService(ns.models, name, { predictor: Predictor.model({ format: ModelFormat.custom('text-embeddings'), runtime: tei, storage: Storage.hf('BAAI/bge-small-en-v1.5'), resources: CPU }) });
  const sklearn = (name = 'iris') => new InferenceService(ns.models, name, { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri(`gs://models/${name}`), resources: CPU }) });
  return { app, ns, gateway, listener: gateway.listener('https'), llm, embedder, sklearn };
}

const ruleOf = (objects: ReturnType<typeof synthObjects>, name: string) => findObject(objects, 'HTTPRoute', name, 'models').spec.rules[0];

describe('LLM routes: no whole-request timeout that cuts streams', () => {
  for (const provider of [GatewayProvider.KGATEWAY, GatewayProvider.ENVOY_GATEWAY, GatewayProvider.ISTIO]) {
    it(`disables the request timeout (Envoy's 15 s route default) on ${provider.id}, and leaves other models alone`, () => {
      const w = world(provider);
      new ModelEndpoint(w.ns.models, 'qwen-endpoint', { name: 'qwen', model: w.llm(), gateway: w.listener, hostname: 'qwen.example.com' });
      new ModelEndpoint(w.ns.models, 'iris-endpoint', { name: 'iris', model: w.sklearn(), gateway: w.listener });
      const objects = synthObjects(w.app);
      expect(ruleOf(objects, 'qwen').timeouts).toEqual({ request: '0s' });
      expect(ruleOf(objects, 'iris').timeouts).toBeUndefined();
    });
  }

  it("lifts Kong's 60 s read timeout with backendRequest (KIC reads no request timeout)", () => {
    const w = world(GatewayProvider.KONG);
    new ModelEndpoint(w.ns.models, 'qwen-endpoint', { name: 'qwen', model: w.llm(), gateway: w.listener, hostname: 'qwen.example.com' });
    expect(ruleOf(synthObjects(w.app), 'qwen').timeouts).toEqual({ backendRequest: '10m' });
  });

  it('gives an Envoy Gateway in front of LLMs one ClientTrafficPolicy with a 50 MiB buffer and a 5 min stream idle timeout', () => {
    const w = world(GatewayProvider.ENVOY_GATEWAY);
    new ModelEndpoint(w.ns.models, 'qwen-endpoint', { name: 'qwen', model: w.llm(), gateway: w.listener, hostname: 'qwen.example.com' });
    new ModelEndpoint(w.ns.models, 'bge-endpoint', { name: 'bge', model: w.embedder(), gateway: w.listener, hostname: 'bge.example.com' });
    const ctps = objectsOfKind(synthObjects(w.app), 'ClientTrafficPolicy');
    expect(ctps).toHaveLength(1);
    expect(ctps[0].metadata.namespace).toBe('edge');
    expect(ctps[0].spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gateway' }],
      connection: { bufferLimit: LLM_GATEWAY_BUFFER_LIMIT },
      http2: { initialStreamWindowSize: LLM_GATEWAY_BUFFER_LIMIT },
      timeout: { http: { streamIdleTimeout: '5m' } },
    });
    expect(LLM_GATEWAY_BUFFER_LIMIT).toBe('50Mi');
  });

  it('keeps a larger buffer already set on the Gateway, and emits no ClientTrafficPolicy for other providers or non-LLM models', () => {
    const w = world(GatewayProvider.ENVOY_GATEWAY);
    ClientTrafficPolicy.ofGateway(w.ns.edge, w.gateway).raiseBufferLimit('1Gi');
    new ModelEndpoint(w.ns.models, 'qwen-endpoint', { name: 'qwen', model: w.llm(), gateway: w.listener });
    expect(findObject(synthObjects(w.app), 'ClientTrafficPolicy', 'gateway-client-traffic', 'edge').spec.connection).toEqual({ bufferLimit: '1Gi' });
    const k = world(GatewayProvider.KGATEWAY);
    new ModelEndpoint(k.ns.models, 'qwen-endpoint', { model: k.llm(), gateway: k.listener });
    const e = world(GatewayProvider.ENVOY_GATEWAY);
    new ModelEndpoint(e.ns.models, 'iris-endpoint', { model: e.sklearn(), gateway: e.listener });
    expect(objectsOfKind(synthObjects(k.app), 'ClientTrafficPolicy')).toEqual([]);
    expect(objectsOfKind(synthObjects(e.app), 'ClientTrafficPolicy')).toEqual([]);
  });

  it('refuses a request timeout under 10 minutes on an LLM endpoint, naming the fixes', () => {
    const w = world(GatewayProvider.KGATEWAY);
    expect(() => new ModelEndpoint(w.ns.models, 'qwen-endpoint', { name: 'qwen', model: w.llm(), gateway: w.listener, timeouts: { request: Duration.seconds(60) } })).toThrow(
      /timeouts\.request is shorter than 10m on a route to the LLM qwen, which streams its answers: the timeout spans the whole response[\s\S]*received: "1m"[\s\S]*Fix: leave request out \(or Duration\.seconds\(0\)[\s\S]*timeouts\.shortStreamReason/,
    );
    expect(() => new ModelEndpoint(w.ns.models, 'qwen2-endpoint', { name: 'qwen2', model: w.llm('qwen2'), gateway: w.listener, timeouts: { backendRequest: Duration.seconds(30) } })).toThrow(/timeouts\.backendRequest is shorter than 10m/);
  });

  it('takes a short timeout with a reason, and a long or disabled one without', () => {
    const w = world(GatewayProvider.KGATEWAY);
    new ModelEndpoint(w.ns.models, 'a-endpoint', { name: 'a', model: w.llm('a'), gateway: w.listener, hostname: 'a.example.com', timeouts: { request: Duration.seconds(45), shortStreamReason: 'classification prompts answer in one token, never stream' } });
    new ModelEndpoint(w.ns.models, 'b-endpoint', { name: 'b', model: w.llm('b'), gateway: w.listener, hostname: 'b.example.com', timeouts: { request: Duration.minutes(30) } });
    const objects = synthObjects(w.app);
    expect(ruleOf(objects, 'a').timeouts).toEqual({ request: '45s' });
    expect(ruleOf(objects, 'b').timeouts).toEqual({ request: '30m' });
    expect(() => new ModelEndpoint(w.ns.models, 'c-endpoint', { name: 'c', model: w.llm('c'), gateway: w.listener, timeouts: { request: Duration.seconds(45), shortStreamReason: 'short' } })).toThrow(/timeouts\.shortStreamReason must say in at least 10 characters why streams may be cut/);
  });

  it('refuses a short timeout on any HTTPRoute to an InferencePool or an OpenAI-compatible model, not on others', () => {
    const w = world(GatewayProvider.ISTIO);
    const pool = new InferencePool(w.ns.models, 'qwen-pool', { modelServers: ModelServers.of(w.llm()) });
    expect(() => new HttpRoute(w.ns.models, 'pool', { parents: [w.listener], rules: [{ matches: [{ path: PathMatch.prefix('/v1') }], backends: [pool], timeouts: { request: Duration.seconds(15) } }] })).toThrow(
      /rules\[0\]\.timeouts\.request is shorter than 10m on a route to InferencePool models\/qwen-pool, which streams its answers/,
    );
    expect(() => new HttpRoute(w.ns.models, 'direct', { parents: [w.listener], rules: [{ backends: [w.llm('other')], timeouts: { request: Duration.seconds(15) } }] })).toThrow(/on a route to Service models\/other-predictor, which streams/);
    new HttpRoute(w.ns.models, 'ok', { parents: [w.listener], rules: [{ backends: [pool], timeouts: { request: Duration.seconds(0) } }] });
    new HttpRoute(w.ns.models, 'iris-route', { parents: [w.listener], rules: [{ backends: [w.sklearn()], timeouts: { request: Duration.seconds(15) } }] });
  });

  it('defaults a plain HTTPRoute rule to a streaming backend the same way, and gives its Envoy Gateway the LLM client-traffic defaults', () => {
    const i = world(GatewayProvider.ISTIO);
    const pool = new InferencePool(i.ns.models, 'qwen-pool', { modelServers: ModelServers.of(i.llm()) });
    new EndpointPicker(i.ns.models, 'qwen-epp', { pool });
    new HttpRoute(i.ns.models, 'pool', { parents: [i.listener], rules: [{ matches: [{ path: PathMatch.prefix('/v1') }], backends: [pool] }] });
    new HttpRoute(i.ns.models, 'iris-route', { parents: [i.listener], hostnames: ['iris.example.com'], rules: [{ backends: [i.sklearn()] }] });
    const objects = synthObjects(i.app);
    expect(ruleOf(objects, 'pool').timeouts).toEqual({ request: '0s' });
    expect(ruleOf(objects, 'iris-route').timeouts).toBeUndefined();

    const e = world(GatewayProvider.ENVOY_GATEWAY);
    new HttpRoute(e.ns.models, 'direct', { parents: [e.listener], rules: [{ backends: [e.llm()] }] });
    const eg = synthObjects(e.app);
    expect(ruleOf(eg, 'direct').timeouts).toEqual({ request: '0s' });
    expect(findObject(eg, 'ClientTrafficPolicy', 'gateway-client-traffic', 'edge').spec).toMatchObject({ connection: { bufferLimit: '50Mi' }, timeout: { http: { streamIdleTimeout: '5m' } } });

    const k = world(GatewayProvider.KONG);
    new HttpRoute(k.ns.models, 'direct', { parents: [k.listener], rules: [{ backends: [k.llm()] }] });
    expect(ruleOf(synthObjects(k.app), 'direct').timeouts).toEqual({ backendRequest: '10m' });
  });

  it('defaults and checks the timeouts of an LLMInferenceService endpoint too', () => {
    const w = world(GatewayProvider.ENVOY_GATEWAY);
    const llama = () => new LlmInferenceService(w.ns.models, 'llama', { model: Storage.hf('meta-llama/Llama-3.1-8B-Instruct'), container: { resources: GPU } });
    const model = llama();
    new ModelEndpoint(w.ns.models, 'llama-endpoint', { model, gateway: w.listener, path: '/llama' });
    expect(ruleOf(synthObjects(w.app), 'llama').timeouts).toEqual({ request: '0s' });
    expect(() => new ModelEndpoint(w.ns.models, 'again', { model, gateway: w.listener, name: 'llama-2', path: '/llama2', timeouts: { request: Duration.minutes(2) } })).toThrow(/timeouts\.request is shorter than 10m on a route to LLMInferenceService llama/);
  });
});

describe('OpenAI paths of OpenAI-compatible runtimes', () => {
  it("routes a vLLM-format model on KServe's own vLLM runtime (no runtime named) on the OpenAI paths", () => {
    const w = world(GatewayProvider.KGATEWAY);
    const auto = new InferenceService(w.ns.models, 'auto', { predictor: Predictor.model({ format: ModelFormat.custom('vLLM'), storage: Storage.hf('Qwen/Qwen3-0.6B'), resources: GPU }) });
    expect(auto.servesOpenAi).toBe(true);
    new ModelEndpoint(w.ns.models, 'auto-endpoint', { name: 'auto', model: auto, gateway: w.listener });
    const rule = ruleOf(synthObjects(w.app), 'auto');
    expect(rule.matches.map((m: any) => m.path)).toEqual(OPENAI.map((value) => ({ type: 'Exact', value })));
    expect(rule.timeouts).toEqual({ request: '0s' });
  });

  it('routes a Text Embeddings Inference model on /v1/embeddings only, the one OpenAI path it serves', () => {
    const w = world(GatewayProvider.KGATEWAY);
    const bge = w.embedder();
    expect(bge.openAiPaths).toEqual(['/v1/embeddings']);
    new ModelEndpoint(w.ns.models, 'bge-endpoint', { name: 'bge', model: bge, gateway: w.listener });
    expect(ruleOf(synthObjects(w.app), 'bge').matches).toEqual([{ path: { type: 'Exact', value: '/v1/embeddings' } }]);
  });

  it('narrows the paths with openAiPaths', () => {
    const w = world(GatewayProvider.KGATEWAY);
    new ModelEndpoint(w.ns.models, 'qwen-endpoint', { name: 'qwen', model: w.llm(), gateway: w.listener, openAiPaths: ['/v1/chat/completions', '/v1/models'] });
    expect(ruleOf(synthObjects(w.app), 'qwen').matches.map((m: any) => m.path.value)).toEqual(['/v1/chat/completions', '/v1/models']);
  });

  it('refuses paths the runtime does not serve, openAiPaths on a non-OpenAI model, and openAiPaths with path', () => {
    const w = world(GatewayProvider.KGATEWAY);
    expect(() => new ModelEndpoint(w.ns.models, 'bge-endpoint', { name: 'bge', model: w.embedder(), gateway: w.listener, openAiPaths: ['/v1/chat/completions'] })).toThrow(
      /openAiPaths contains a path the model's server does not answer \(it serves \/v1\/embeddings\)[\s\S]*received: "\/v1\/chat\/completions"/,
    );
    expect(() => new ModelEndpoint(w.ns.models, 'qwen-endpoint', { name: 'qwen', model: w.llm(), gateway: w.listener, openAiPaths: ['/v1/responses'] })).toThrow(/openAiPaths contains a path the model's server does not answer/);
    expect(() => new ModelEndpoint(w.ns.models, 'iris-endpoint', { name: 'iris', model: w.sklearn(), gateway: w.listener, openAiPaths: ['/v1/models'] })).toThrow(/openAiPaths are OpenAI paths, but .* does not serve the OpenAI API/);
    expect(() => new ModelEndpoint(w.ns.models, 'qwen2-endpoint', { name: 'qwen2', model: w.llm('qwen2'), gateway: w.listener, path: '/qwen', openAiPaths: ['/v1/models'] })).toThrow(/openAiPaths cannot be given with path/);
  });
});

describe('ClientTrafficPolicy buffer limit and stream idle timeout', () => {
  it('refuses a buffer that is not a whole quantity of bytes, a zero idle timeout and two idle timeouts', () => {
    const w = world(GatewayProvider.ENVOY_GATEWAY);
    expect(() => new ClientTrafficPolicy(w.ns.edge, 'a', { targets: [PolicyTarget.gateway(w.gateway)], bufferLimit: '0.5Mi' })).toThrow(/bufferLimit must be a positive whole number of bytes/);
    expect(() => new ClientTrafficPolicy(w.ns.edge, 'b', { targets: [PolicyTarget.gateway(w.gateway)], streamIdleTimeout: Duration.seconds(0) })).toThrow(/streamIdleTimeout must be longer than 0/);
    const c = new ClientTrafficPolicy(w.ns.edge, 'c', { targets: [PolicyTarget.gateway(w.gateway)], streamIdleTimeout: Duration.minutes(5) });
    expect(() => c.setStreamIdleTimeout(Duration.minutes(1))).toThrow(/streamIdleTimeout is already 5 minutes/);
  });
});
