/**
 * `OpenAiEndpoint.labels` reach every object the endpoint emits, on each
 * provider that compiles it (Envoy Gateway with Envoy AI Gateway,
 * agentgateway), and not what it shares with the Gateway's other endpoints.
 */
import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { OpenAiEndpoint } from '../../src/inference/openai-endpoint';
import { synthObjects } from '../util';
import { openAiBackends } from './openai-fixture';

const LABELS = { team: 'llm-platform', 'example.com/cost-center': 'c-42' };

function platform(provider: GatewayProvider, labels?: Record<string, string>) {
  const f = openAiBackends(provider);
  const { gateway, pool, azure, openai, qwen } = f;
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
