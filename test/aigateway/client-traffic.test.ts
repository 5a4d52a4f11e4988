import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { LlmProvider } from '../../src/inference/llm-provider';
import { OpenAiEndpoint } from '../../src/inference/openai-endpoint';
import { LLM_GATEWAY_BUFFER_LIMIT } from '../../src/policy/envoy-gateway/llm-client-traffic';
import { objectsOfKind, setup, synthObjects } from '../util';

// Envoy AI Gateway buffers the whole request body to read `model` (envoyproxy/ai-gateway v1.1.0
// internal/extensionserver/post_translate_modify.go, RequestBodyMode BUFFERED): the Gateway needs a buffer
// above Envoy Gateway's 32 KiB default even when every model is an external provider (no in-cluster streaming backend).
describe('AIGatewayRoute on Envoy Gateway: the Gateway gets the LLM client-traffic defaults', () => {
  it('raises the buffer limit and sets a stream idle timeout on the Gateway of an endpoint with only external providers', () => {
    const f = setup(['edge', 'models'], { requireAccessPolicies: false });
    const gateway = new Gateway(f.ns.edge, 'gateway', {
      provider: GatewayProvider.ENVOY_GATEWAY,
      listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models]) })],
    });
    new OpenAiEndpoint(f.ns.models, 'llms', {
      gateway: gateway.listener('https'),
      models: [{ name: 'gpt-4o', backends: [LlmProvider.openAi('openai', { apiKey: SecretRef.named('openai-key') })] }],
    });
    const ctps = objectsOfKind(synthObjects(f.app), 'ClientTrafficPolicy');
    expect(ctps).toHaveLength(1);
    const [ctp] = ctps;
    expect(ctp.metadata.namespace).toBe('edge');
    expect(ctp.spec.targetRefs).toEqual([expect.objectContaining({ kind: 'Gateway', name: 'gateway' })]);
    expect(ctp.spec.connection.bufferLimit).toBe(LLM_GATEWAY_BUFFER_LIMIT);
    expect(ctp.spec.timeout.http.streamIdleTimeout).toBe('5m');
  });
});
