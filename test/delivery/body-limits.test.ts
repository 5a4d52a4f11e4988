import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { SecretRef } from '../../src/core/secret-ref';
import { bodyLimits } from '../../src/delivery/body-limits';
import { KubeObject } from '../../src/delivery/manifest';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { EmbeddingsResponse } from '../../src/inference/embeddings-response';
import { OpenAiEndpoint } from '../../src/inference/openai-endpoint';
import { setup } from '../util';

/** An OpenAiEndpoint with a 1024-dimension embeddings model taking 4096 inputs (4096 + 4096 × (64 + 1024 × 25) = 105 123 840 bytes = 102660 KiB). */
function platform(provider: GatewayProvider) {
  const f = setup(['edge', 'models'], { requireAccessPolicies: false });
  const gateway = new Gateway(f.ns.edge, 'gateway', { provider, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models]) })] });
  const llms = new OpenAiEndpoint(f.ns.models, 'llms', {
    gateway: gateway.listener('https'),
    models: [{ name: 'bge-m3', backends: [Backend.service('tei', 8080)], embeddings: EmbeddingsResponse.batch({ dimensions: 1024, maxInputs: 4096 }) }],
  });
  llms.allowPublicAccess('internal embeddings endpoint for the test');
  const [built] = buildPlatforms(f.app);
  return built;
}

describe('body limits in the platform README', () => {
  it('lists the Envoy Gateway listener buffer and HTTP/2 window the endpoint raised, with what a larger body gets', () => {
    const built = platform(GatewayProvider.ENVOY_GATEWAY);
    expect(bodyLimits(built.manifests.map((m) => m.object))).toEqual([
      {
        object: 'ClientTrafficPolicy edge/gateway-client-traffic',
        targets: 'Gateway gateway',
        limits: 'connection.bufferLimit 102660Ki (HTTP/1.1), http2.initialStreamWindowSize 102660Ki (HTTP/2)',
        beyond: 'a request a filter reads whole: 413; an answer Envoy AI Gateway reads whole (non-streamed, embeddings): 500',
      },
    ]);
    const readme = built.files?.['README.md'] ?? '';
    expect(readme).toContain('## Body limits');
    expect(readme).toContain('| ClientTrafficPolicy edge/gateway-client-traffic | Gateway gateway | connection.bufferLimit 102660Ki (HTTP/1.1)');
  });

  it("lists agentgateway's frontend maxBufferSize", () => {
    const built = platform(GatewayProvider.AGENTGATEWAY);
    expect(bodyLimits(built.manifests.map((m) => m.object))).toEqual([
      { object: 'AgentgatewayPolicy edge/gateway-frontend', targets: 'Gateway gateway', limits: 'frontend.http.maxBufferSize 102660Ki', beyond: expect.stringContaining('503') },
    ]);
  });

  it('shows the Envoy Gateway default of a limit the policy leaves out, and skips policies without limits', () => {
    const objects = [
      { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'ClientTrafficPolicy', metadata: { name: 'a', namespace: 'e' }, spec: { targetRefs: [{ kind: 'Gateway', name: 'g', sectionName: 'https' }], connection: { bufferLimit: '1Mi' } } },
      { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'ClientTrafficPolicy', metadata: { name: 'b', namespace: 'e' }, spec: { targetRefs: [{ kind: 'Gateway', name: 'g' }], timeout: { http: { streamIdleTimeout: '5m' } } } },
      { apiVersion: 'agentgateway.dev/v1alpha1', kind: 'AgentgatewayPolicy', metadata: { name: 'c', namespace: 'e' }, spec: { targetRefs: [{ kind: 'Gateway', name: 'g' }], traffic: {} } },
    ] as unknown as KubeObject[];
    expect(bodyLimits(objects).map((l) => [l.object, l.targets, l.limits])).toEqual([['ClientTrafficPolicy e/a', 'Gateway g/https', 'connection.bufferLimit 1Mi (HTTP/1.1), http2.initialStreamWindowSize 64Ki (default) (HTTP/2)']]);
  });
});
