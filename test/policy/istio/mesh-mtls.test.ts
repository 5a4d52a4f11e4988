import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../../src/core/secret-ref';
import { AllowedRoutes } from '../../../src/gateway/allowed-routes';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { AuthorizationPolicy } from '../../../src/policy/istio/authorization-policy';
import { MeshMtls } from '../../../src/policy/istio/mesh-mtls';
import { Platform } from '../../../src/core/platform';
import { KServeModelMonitoring } from '../../../src/observability/kserve-model-monitoring';
import { InferenceService } from '../../../src/serving/inference-service';
import { Predictor } from '../../../src/serving/predictor';
import { Storage } from '../../../src/serving/storage';
import { ModelFormat } from '../../../src/serving/model-format';
import { findObject, setup, synthObjects } from '../../util';

function gatewayOf(provider: GatewayProvider) {
  const { app, ns } = setup(['llm']);
  const gateway = new Gateway(ns.llm, 'kuadrant-gateway', { provider, listeners: [Listener.https({ certificates: [SecretRef.named('c')], allowedRoutes: AllowedRoutes.sameNamespace() })] });
  return { app, ns, gateway };
}

describe('MeshMtls', () => {
  it('STRICT PeerAuthentication, gateway-only AuthorizationPolicy, sidecar injection and istiod egress', () => {
    const { app, ns, gateway } = gatewayOf(GatewayProvider.ISTIO);
    new MeshMtls(ns.llm, 'mtls', { gateway, ports: [8080] });
    const objects = synthObjects(app);
    const pa = findObject(objects, 'PeerAuthentication', 'default', 'llm');
    expect(pa.apiVersion).toBe('security.istio.io/v1');
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
    const ap = findObject(objects, 'AuthorizationPolicy', 'allow-gateway-only', 'llm');
    expect(ap.spec).toEqual({
      action: 'ALLOW',
      selector: { matchLabels: { component: 'predictor' } },
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/llm/sa/kuadrant-gateway-istio'] } }], to: [{ operation: { ports: ['8080'] } }] }],
    });
    expect(findObject(objects, 'Namespace', 'llm').metadata.labels?.['istio-injection']).toBe('enabled');
    expect(findObject(objects, 'NetworkPolicy', 'allow-istiod', 'llm').spec.egress[0].ports).toEqual([{ port: 15012, protocol: 'TCP' }]);
    expect(ap).toMatchSnapshot();
  });

  it('models monitored after it are scraped through the sidecars (15020), and the platform notes the CNI plugin it needs', () => {
    const { app, ns, gateway } = gatewayOf(GatewayProvider.ISTIO);
    const model = new InferenceService(ns.llm, 'qwen', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://b/qwen') }) });
    new MeshMtls(ns.llm, 'mtls', { gateway, ports: [8080] });
    new KServeModelMonitoring(ns.llm, 'qwen-monitoring', { model });
    const objects = synthObjects(app);
    expect(findObject(objects, 'PodMonitor', 'qwen-predictor', 'llm').spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http-envoy-prom', path: '/stats/prometheus' });
    expect(findObject(objects, 'InferenceService', 'qwen', 'llm').spec.predictor.annotations['prometheus.io/port']).toBe('8080');
    const note = Platform.of(ns.llm).setupNotes.find((n) => n.topic === 'Istio CNI plugin and metrics merging (namespace llm)');
    expect(note?.text).toContain('components.cni.enabled: true');
  });

  it('Istio gateway proxies may reach istiod for their configuration', () => {
    const { app } = gatewayOf(GatewayProvider.ISTIO);
    const np = findObject(synthObjects(app), 'NetworkPolicy', 'allow-kuadrant-gateway-control-plane', 'llm');
    expect(np.spec.podSelector.matchLabels).toEqual({ 'gateway.networking.k8s.io/gateway-name': 'kuadrant-gateway' });
    expect(np.spec.egress[0].to[0].podSelector.matchLabels).toEqual({ app: 'istiod' });
  });

  describe('fails when', () => {
    it('mTLS is asked of a provider without a mesh', () => {
      const { ns, gateway } = gatewayOf(GatewayProvider.KGATEWAY);
      expect(() => new MeshMtls(ns.llm, 'mtls', { gateway })).toThrow(
        /test\/llm\/mtls: gateway uses provider 'kgateway', which runs without a service mesh, so mesh mTLS cannot be enforced \(received: "kuadrant-gateway"\)\. Fix: use an Istio gateway/,
      );
    });

    it('an ALLOW policy has no rules, or a principal is malformed', () => {
      const { ns } = gatewayOf(GatewayProvider.ISTIO);
      expect(() => new AuthorizationPolicy(ns.llm, 'a', { rules: [] })).toThrow(/an empty ALLOW policy denies all traffic/);
      expect(() => new AuthorizationPolicy(ns.llm, 'b', { rules: [{ principals: ['gateway'] }] })).toThrow(/must be SPIFFE principals/);
    });

    it('a pod-security label is changed through addLabel', () => {
      const { ns } = gatewayOf(GatewayProvider.ISTIO);
      expect(() => ns.llm.addLabel('pod-security.kubernetes.io/enforce', 'privileged')).toThrow(/is managed by the podSecurity prop/);
    });
  });
});
