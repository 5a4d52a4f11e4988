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
  const readme = renderPlatformReadme({ name: 'p', objects: [gateway, aiRoute], waivers: [] });

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
});
