import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { failureModes } from '../../src/delivery/failure-modes';
import { KubeObject } from '../../src/delivery/manifest';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { EndpointPicker } from '../../src/inference/endpoint-picker';
import { FailureMode, InferencePool } from '../../src/inference/inference-pool';
import { ModelServers } from '../../src/inference/model-servers';
import { HttpRoute } from '../../src/routing/http-route';
import { PathMatch } from '../../src/routing/match';
import { InferenceService } from '../../src/serving/inference-service';
import { ModelFormat } from '../../src/serving/model-format';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { setup } from '../util';

const GPU = { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', nvidiaGpu: '1' } };

/** Two pools behind an Istio gateway, one failing open (the default), one closed. */
function pools() {
  const f = setup(['gw', 'models'], { requireAccessPolicies: false });
  const gateway = new Gateway(f.ns.gw, 'gateway', { provider: GatewayProvider.ISTIO, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models]) })] });
  for (const [name, failureMode] of [['open', undefined], ['closed', FailureMode.FAIL_CLOSE]] as const) {
    const model = new InferenceService(f.ns.models, name, { predictor: Predictor.model({ format: ModelFormat.custom('vLLM'), storage: Storage.uri('hf://Qwen/Qwen2.5-7B-Instruct'), resources: GPU }) });
    const pool = new InferencePool(f.ns.models, `${name}-pool`, { modelServers: ModelServers.of(model), failureMode });
    new EndpointPicker(f.ns.models, `${name}-epp`, { pool });
    new HttpRoute(f.ns.models, `${name}-route`, { parents: [gateway.listener('https')], hostnames: [`${name}.example.com`], rules: [{ matches: [{ path: PathMatch.prefix('/v1') }], backends: [pool] }] });
  }
  return f;
}

describe('failure modes of the per-request calls out of the gateway', () => {
  it('states each endpoint picker failure mode, and the platform README lists them', () => {
    const f = pools();
    const [platform] = buildPlatforms(f.app);
    const modes = failureModes(platform.manifests.map((m) => m.object));
    expect(modes).toEqual([
      { object: 'InferencePool models/closed-pool', calls: 'endpoint picker closed-pool-epp', mode: 'FailClose', stated: true, effect: 'every request to the pool fails' },
      { object: 'InferencePool models/open-pool', calls: 'endpoint picker open-pool-epp', mode: 'FailOpen', stated: true, effect: expect.stringMatching(/^requests go to a replica the gateway picks itself/) },
    ]);
    const readme = platform.files?.['README.md'] ?? '';
    expect(readme).toContain('## Failure modes');
    expect(readme).toContain('| InferencePool models/open-pool | endpoint picker open-pool-epp | FailOpen | requests go to a replica');
    expect(readme).toContain('| InferencePool models/closed-pool | endpoint picker closed-pool-epp | FailClose | every request to the pool fails |');
  });

  it('reads ext-auth, ext-proc and rate-limit failOpen of Envoy Gateway and kgateway, and flags what an object leaves to the CRD default', () => {
    const objects = [
      { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'SecurityPolicy', metadata: { name: 'authz', namespace: 'edge' }, spec: { extAuth: { grpc: {} } } },
      { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyExtensionPolicy', metadata: { name: 'proc', namespace: 'edge' }, spec: { extProc: [{ failOpen: true }, { failOpen: false }] } },
      { apiVersion: 'gateway.kgateway.dev/v1alpha1', kind: 'GatewayExtension', metadata: { name: 'rl', namespace: 'edge' }, spec: { rateLimit: { failOpen: false } } },
      { apiVersion: 'inference.networking.k8s.io/v1', kind: 'InferencePool', metadata: { name: 'bare', namespace: 'm' }, spec: { endpointPickerRef: { name: 'epp' } } },
    ] as unknown as KubeObject[];
    expect(failureModes(objects).map((m) => [m.object, m.calls, m.mode, m.stated])).toEqual([
      ['EnvoyExtensionPolicy edge/proc', 'ext-proc', 'failOpen: true', true],
      ['EnvoyExtensionPolicy edge/proc', 'ext-proc', 'failOpen: false', true],
      ['GatewayExtension edge/rl', 'rate limit service', 'failOpen: false', true],
      ['InferencePool m/bare', 'endpoint picker epp', 'FailClose', false],
      ['SecurityPolicy edge/authz', 'external authorization', 'failOpen: false', false],
    ]);
  });
});
