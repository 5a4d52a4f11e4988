import { describe, expect, it } from 'vitest';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { SecretRef } from '../../src/core/secret-ref';
import { EndpointPicker } from '../../src/inference/endpoint-picker';
import { InferencePool } from '../../src/inference/inference-pool';
import { ModelServers } from '../../src/inference/model-servers';
import { HttpRoute } from '../../src/routing/http-route';
import { PathMatch } from '../../src/routing/match';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat } from '../../src/serving/model-format';
import { Storage } from '../../src/serving/storage';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { SynthError } from '../../src/delivery/synth';
import { setup } from '../util';

/** The endpoint picker declares the flows its pods need, and synth (rule SEC-N07) checks them against the NetworkPolicies. */
function build(provider: GatewayProvider = GatewayProvider.ISTIO) {
  const f = setup(['gw', 'models'], { requireAccessPolicies: false });
  const gateway = new Gateway(f.ns.gw, 'gateway', { provider, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models]) })] });
  const qwen = new InferenceService(f.ns.models, 'qwen', {
    predictor: Predictor.model({
      format: ModelFormat.custom('vllm'),
      storage: Storage.uri('hf://Qwen/Qwen2.5-7B-Instruct'),
      resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', nvidiaGpu: '1' } },
    }),
  });
  const pool = new InferencePool(f.ns.models, 'qwen-pool', { modelServers: ModelServers.of(qwen) });
  const epp = new EndpointPicker(f.ns.models, 'qwen-epp', { pool });
  new HttpRoute(f.ns.models, 'qwen-route', { parents: [gateway.listener('https')], rules: [{ matches: [{ path: PathMatch.prefix('/v1') }], backends: [pool] }] });
  return { ...f, epp };
}

describe('EndpointPicker flows', () => {
  it('declares gateway -> picker (ext-proc 9002) and picker -> model servers (target port), and they pass SEC-N07', () => {
    const { app } = build();
    const [platform] = buildPlatforms(app);
    const deployment = platform.manifests.find((m) => m.object.kind === 'Deployment' && m.object.metadata.name === 'qwen-pool-epp')!;
    const flows = (deployment.flows ?? []).map((f) => `${'namespace' in f.from ? f.from.namespace : f.from.address} -> ${'namespace' in f.to ? f.to.namespace : f.to.address}:${f.port}`);
    expect(flows.sort()).toEqual(['gw -> models:9002', 'models -> models:8080']);
  });

  it('fails synth when the NetworkPolicies do not select the proxy pods the picker is called from (a provider whose selector its controller does not set)', () => {
    // The controller labels its proxies `app.kubernetes.io/name: <gateway>`, but the provider was written with `app: acme-proxy`.
    const acme = GatewayProvider.custom('acme', 'acme', { dataPlane: (name, namespace) => ({ namespace, selector: { app: 'acme-proxy' }, labels: { 'app.kubernetes.io/name': name } }) });
    const { app } = build(acme);
    let error: unknown;
    try {
      buildPlatforms(app);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthError);
    expect(String((error as Error).message)).toMatch(/\[SEC-N07\].*proxy pods of Gateway gateway.*endpoint picker qwen-pool-epp.* on 9002\/TCP is blocked/);
  });
});
