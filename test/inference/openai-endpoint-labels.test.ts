/**
 * `OpenAiEndpoint.labels` reach every object the endpoint emits, on each
 * provider that compiles it (Envoy Gateway with Envoy AI Gateway,
 * agentgateway), and not what it shares with the Gateway's other endpoints.
 */
import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { EndpointPicker } from '../../src/inference/endpoint-picker';
import { FailureMode, InferencePool } from '../../src/inference/inference-pool';
import { LlmProvider } from '../../src/inference/llm-provider';
import { ModelServers } from '../../src/inference/model-servers';
import { OpenAiEndpoint } from '../../src/inference/openai-endpoint';
import { InferenceService } from '../../src/serving/inference-service';
import { ModelFormat } from '../../src/serving/model-format';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { setup, synthObjects } from '../util';

const LABELS = { team: 'llm-platform', 'example.com/cost-center': 'c-42' };

function platform(provider: GatewayProvider, labels?: Record<string, string>) {
  const f = setup(['edge', 'models'], { requireAccessPolicies: false });
  const gateway = new Gateway(f.ns.edge, 'gateway', {
    provider,
    listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models]) })],
  });
  const qwen = new InferenceService(f.ns.models, 'qwen', {
    predictor: Predictor.model({ format: ModelFormat.custom('vllm'), storage: Storage.uri('hf://Qwen/Qwen2.5-7B-Instruct'), resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', nvidiaGpu: '1' } } }),
  });
  const pool = new InferencePool(f.ns.models, 'llama-pool', { modelServers: ModelServers.of(qwen), failureMode: FailureMode.FAIL_CLOSE });
  new EndpointPicker(f.ns.models, 'llama-epp', { pool, replicas: 2 });
  const azure = LlmProvider.azureOpenAi('azure', { hostname: 'my-resource.openai.azure.com', apiKey: SecretRef.named('azure-key'), apiVersion: '2025-01-01-preview' });
  const openai = LlmProvider.openAi('openai', { apiKey: SecretRef.named('openai-key') });
  const endpoint = new OpenAiEndpoint(f.ns.models, 'llms', {
    gateway: gateway.listener('https'),
    labels,
    models: [
      { name: 'llama', backends: [pool] },
      { name: 'gpt-4o', backends: [{ target: azure, modelNameOverride: 'gpt-4o-2024-08-06' }, openai] },
      { name: 'qwen', backends: [qwen] },
    ],
  });
  return { ...f, endpoint, objects: synthObjects(f.app) };
}

const labelled = (o: { metadata: { labels?: Record<string, string> } }) => Object.entries(LABELS).every(([k, v]) => o.metadata.labels?.[k] === v);
const key = (o: { kind: string; metadata: { name?: string } }) => `${o.kind}/${o.metadata.name}`;

describe('OpenAiEndpoint labels', () => {
  it('Envoy AI Gateway: on the routes, Backends, AIServiceBackends, credential and fallback policies', () => {
    const { endpoint, objects } = platform(GatewayProvider.ENVOY_GATEWAY, LABELS);
    const withLabels = objects.filter(labelled).map(key).sort();
    expect(withLabels).toEqual(
      [
        'AIGatewayRoute/llms-gpt-4o',
        'AIGatewayRoute/llms-llama',
        'AIGatewayRoute/llms-qwen',
        'AIServiceBackend/llms-azure',
        'AIServiceBackend/llms-openai',
        'AIServiceBackend/llms-qwen-predictor',
        'Backend/llms-azure',
        'Backend/llms-openai',
        'Backend/llms-qwen-predictor',
        'BackendSecurityPolicy/llms-azure',
        'BackendSecurityPolicy/llms-openai',
        'BackendTrafficPolicy/llms-gpt-4o-fallback',
      ].sort(),
    );
    // What the compiler reports as emitted is all labelled; the platform labels stay.
    for (const k of endpoint.compiled.objects) expect(withLabels).toContain(k);
    for (const o of objects.filter(labelled)) expect(o.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('cdk8s-model-serving');
  });

  it("agentgateway: on the model routes, the model list route and policy, the AgentgatewayBackends; not the Gateway's shared model-header policy", () => {
    const { endpoint, objects } = platform(GatewayProvider.AGENTGATEWAY, LABELS);
    const withLabels = objects.filter(labelled).map(key).sort();
    expect(withLabels).toEqual(
      [
        'AgentgatewayBackend/llms-gpt-4o',
        'AgentgatewayBackend/llms-llama',
        'AgentgatewayBackend/llms-qwen',
        'AgentgatewayPolicy/llms-models',
        'HTTPRoute/llms-gpt-4o',
        'HTTPRoute/llms-llama',
        'HTTPRoute/llms-models',
        'HTTPRoute/llms-qwen',
      ].sort(),
    );
    const shared = objects.find((o) => key(o) === 'AgentgatewayPolicy/gateway-model-header')!;
    expect(shared).toBeDefined();
    expect(labelled(shared)).toBe(false);
    // The Gateway's shared policies (model header, body buffer) serve every endpoint of the Gateway: not labelled.
    const frontend = objects.find((o) => key(o) === 'AgentgatewayPolicy/gateway-frontend')!;
    expect(frontend).toBeDefined();
    expect(labelled(frontend)).toBe(false);
    const sharedKeys = ['AgentgatewayPolicy/gateway-model-header', 'AgentgatewayPolicy/gateway-frontend'];
    for (const k of endpoint.compiled.objects.filter((x) => !sharedKeys.includes(x))) expect(withLabels).toContain(k);
  });

  it('without labels, only the platform labels', () => {
    const { objects } = platform(GatewayProvider.AGENTGATEWAY);
    expect(objects.filter((o) => o.metadata.labels?.team !== undefined)).toEqual([]);
  });

  it.each([
    [{ 'bad key!': 'x' }, /labels\.bad key! is not a valid label key/],
    [{ team: 'has spaces' }, /labels\.team has an invalid label value/],
  ])('refuses %j', (labels, message) => {
    expect(() => platform(GatewayProvider.ENVOY_GATEWAY, labels)).toThrow(ModelServingError);
    expect(() => platform(GatewayProvider.ENVOY_GATEWAY, labels)).toThrow(message);
  });
});
