import { describe, expect, it } from 'vitest';
import { renderPlatformReadme } from '../../src/delivery/platform-readme';
import { KubeObject } from '../../src/delivery/manifest';

const object = (o: Record<string, unknown>): { file: string; object: KubeObject } => ({ file: 'x.yaml', object: o as unknown as KubeObject });

/** The Endpoints table of a platform README shows what model-name routes decide: the header matched and the backend kind. */
describe('platform README: routes on the model name', () => {
  const gateway = object({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'edge' }, spec: { listeners: [{ name: 'https', protocol: 'HTTPS', port: 443 }] } });
  const aiRoute = object({
    apiVersion: 'aigateway.envoyproxy.io/v1beta1',
    kind: 'AIGatewayRoute',
    metadata: { name: 'llms', namespace: 'models' },
    spec: {
      parentRefs: [{ name: 'gw', namespace: 'edge', sectionName: 'https' }],
      rules: [
        { matches: [{ headers: [{ type: 'Exact', name: 'x-ai-eg-model', value: 'meta-llama/Llama-3.1-8B-Instruct' }] }], backendRefs: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llama' }] },
        { matches: [{ headers: [{ type: 'Exact', name: 'x-ai-eg-model', value: 'gpt-4o' }] }], backendRefs: [{ name: 'azure' }, { name: 'openai', priority: 1 }] },
      ],
    },
  });
  const pool = object({
    apiVersion: 'inference.networking.k8s.io/v1',
    kind: 'InferencePool',
    metadata: { name: 'llama', namespace: 'models' },
    spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'llama', 'kserve.io/component': 'workload' } }, endpointPickerRef: { name: 'llama-epp', failureMode: 'FailClose' } },
  });
  const llmisvc = object({ apiVersion: 'serving.kserve.io/v1alpha2', kind: 'LLMInferenceService', metadata: { name: 'llama', namespace: 'models' }, spec: { model: { uri: 'hf://meta-llama/Llama-3.1-8B-Instruct' } } });
  const readme = renderPlatformReadme({ name: 'p', objects: [gateway, aiRoute], waivers: [] });
  const withPool = renderPlatformReadme({ name: 'p', objects: [gateway, aiRoute, pool, llmisvc], waivers: [] });

  it('lists each AIGatewayRoute rule with the model it matches and the pool it sends to', () => {
    expect(readme).toContain('| AIGatewayRoute models/llms | gw/https | * | header `x-ai-eg-model` = `meta-llama/Llama-3.1-8B-Instruct` | InferencePool llama |');
  });

  it('shows fallback backends with their priority', () => {
    expect(readme).toContain('| AIGatewayRoute models/llms | gw/https | * | header `x-ai-eg-model` = `gpt-4o` | azure, openai (fallback priority 1) |');
  });

  it('draws the route from its gateway to the pool', () => {
    expect(readme).toContain('Gateway_edge_gw -->|https| AIGatewayRoute_models_llms');
    expect(readme).toContain('AIGatewayRoute_models_llms --> svc_AIGatewayRoute_models_llms_llama["InferencePool models/llama"]');
  });

  it('draws a pool of the platform once, with its picker and the LLMInferenceService it pools', () => {
    expect(withPool).toContain('InferencePool_models_llama[["InferencePool models/llama<br/>picker llama-epp (FailClose)"]]');
    expect(withPool).toContain('InferencePool_models_llama --> LLMInferenceService_models_llama');
    expect(withPool).toContain('AIGatewayRoute_models_llms --> InferencePool_models_llama');
    expect(withPool).not.toContain('svc_AIGatewayRoute_models_llms_llama');
  });
});
