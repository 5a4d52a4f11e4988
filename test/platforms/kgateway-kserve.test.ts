import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { KgatewayKservePlatform } from '../../src/platforms/kgateway-kserve';
import { findObject, objectsOfKind, synthObjects } from '../util';

describe('kgateway-kserve platform', () => {
  const app = Testing.app();
  new KgatewayKservePlatform(app);
  const objects = synthObjects(app);

  it('has exactly the write-up objects plus the access log, monitors, alerts and dashboards (besides NetworkPolicies)', () => {
    const kinds = objects.filter((o) => o.kind !== 'NetworkPolicy').map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(kinds.sort()).toEqual(
      [
        // The write-up's objects.
        'DirectResponse/kgateway-system/health-ok',
        'Gateway/kgateway-system/kgateway-gateway',
        'HTTPRoute/kgateway-system/health',
        'HTTPRoute/kgateway-system/https-redirect',
        'HTTPRoute/ml-models/sklearn-iris',
        'HTTPRoute/ml-models/tensorflow-mnist',
        'InferenceService/ml-models/sklearn-iris',
        'InferenceService/ml-models/tensorflow-mnist',
        'Namespace//kgateway-system',
        'Namespace//ml-models',
        // The access log on the Gateway.
        'HTTPListenerPolicy/kgateway-system/kgateway-gateway-listener',
        // Monitoring: scrape targets per model; alerts, SLOs and a dashboard per model kind (selecting, or templated by, model).
        'PodMonitor/kgateway-system/kgateway-gateway-proxy',
        'PodMonitor/ml-models/sklearn-iris-predictor',
        'PodMonitor/ml-models/tensorflow-mnist-predictor',
        'PrometheusRule/kgateway-system/kgateway-gateway-gateway-alerts',
        'PrometheusRule/ml-models/kserve-kserve-models-alerts',
        'PrometheusRule/ml-models/kserve-kserve-models-availability-slo',
        'PrometheusRule/ml-models/kserve-kserve-models-latency-slo',
        'PrometheusRule/ml-models/kserve-tensorflow-serving-models-alerts',
        'PrometheusRule/ml-models/kserve-tensorflow-serving-models-availability-slo',
        'PrometheusRule/ml-models/kserve-tensorflow-serving-models-latency-slo',
        'ConfigMap/ml-models/kserve-kserve-models-dashboard',
        'ConfigMap/ml-models/kserve-tensorflow-serving-models-dashboard',
      ].sort(),
    );
  });

  it('the Gateway is of class kgateway with HTTP 80 and HTTPS 443 using the kgateway-cert Secret by reference', () => {
    const gw = findObject(objects, 'Gateway', 'kgateway-gateway', 'kgateway-system');
    expect(gw.spec.gatewayClassName).toBe('kgateway');
    expect(gw.spec.listeners.map((l: { protocol: string; port: number }) => [l.protocol, l.port])).toEqual([
      ['HTTP', 80],
      ['HTTPS', 443],
    ]);
    expect(gw.spec.listeners[1].tls.certificateRefs).toEqual([{ group: '', kind: 'Secret', name: 'kgateway-cert' }]);
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
  });

  it.each([
    ['sklearn-iris', 'sklearn', 'gs://kfserving-examples/models/sklearn/1.0/model', { cpu: '100m', memory: '256Mi' }, { cpu: '1000m', memory: '1Gi' }],
    ['tensorflow-mnist', 'tensorflow', 'gs://kfserving-examples/models/tensorflow/mnist', { cpu: '200m', memory: '512Mi' }, { cpu: '2000m', memory: '2Gi' }],
  ])('model %s: format, storage, resources, and a route to its predictor on the HTTPS listener', (name, format, uri, requests, limits) => {
    const isvc = findObject(objects, 'InferenceService', name, 'ml-models');
    expect(isvc.spec.predictor.model).toMatchObject({ modelFormat: { name: format }, storageUri: uri, resources: { requests, limits } });
    const route = findObject(objects, 'HTTPRoute', name, 'ml-models');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'kgateway-gateway', namespace: 'kgateway-system', sectionName: 'https' }]);
    expect(route.spec.rules).toHaveLength(1);
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: `${name}-predictor`, port: 80 }]);
    expect(route.spec.rules[0].matches.map((m: { path: { value: string } }) => m.path.value)).toEqual([`/v1/models/${name}`, `/v1/models/${name}:predict`]);
  });

  it('/health is answered by the gateway with 200, never by a model', () => {
    const health = findObject(objects, 'HTTPRoute', 'health', 'kgateway-system');
    expect(health.spec.rules[0].backendRefs).toBeUndefined();
    expect(health.spec.rules[0].matches).toEqual([{ path: { type: 'Exact', value: '/health' } }]);
    expect(findObject(objects, 'DirectResponse', 'health-ok', 'kgateway-system').spec.status).toBe(200);
  });

  it('plain HTTP only redirects to HTTPS', () => {
    const redirect = findObject(objects, 'HTTPRoute', 'https-redirect', 'kgateway-system');
    expect(redirect.spec.parentRefs[0].sectionName).toBe('http');
    expect(redirect.spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
    const modelRoutes = objectsOfKind(objects, 'HTTPRoute').filter((r) => r.metadata.namespace === 'ml-models');
    expect(modelRoutes.every((r) => r.spec.parentRefs.every((p: { sectionName?: string }) => p.sectionName === 'https'))).toBe(true);
  });

  it('the gateway proxy pods, isolated for egress by their allows, may resolve names (their xDS cluster is strict_dns on the controller Service)', () => {
    const proxy = { 'gateway.networking.k8s.io/gateway-name': 'kgateway-gateway' };
    const egress = objectsOfKind(objects, 'NetworkPolicy').filter(
      (p) => p.metadata.namespace === 'kgateway-system' && p.spec.policyTypes.includes('Egress') && JSON.stringify(p.spec.podSelector.matchLabels) === JSON.stringify(proxy),
    );
    expect(egress.length).toBeGreaterThan(1); // the proxies are egress-isolated
    const dns = egress.flatMap((p) => p.spec.egress).filter((rule: { ports: { port: number; protocol: string }[] }) => rule.ports.some((port) => port.port === 53 && port.protocol === 'UDP'));
    expect(dns).toHaveLength(1);
    expect(dns[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
  });

  it("leaves kgateway's install namespace usable by its controller: no default deny, the baseline profile, both waived with a reason", () => {
    expect(findObject(objects, 'Namespace', 'kgateway-system').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(objects.some((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'kgateway-system' && o.metadata.name === 'default-deny')).toBe(false);
    expect(findObject(objects, 'NetworkPolicy', 'default-deny', 'ml-models').spec.podSelector).toEqual({});
    expect(findObject(objects, 'Namespace', 'ml-models').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it("keeps kgateway's install namespace when the Application is deleted (the controller lives there); the model namespace goes with the platform", () => {
    expect(findObject(objects, 'Namespace', 'kgateway-system').metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Delete=false,Prune=false');
    expect(findObject(objects, 'Namespace', 'ml-models').metadata.annotations?.['argocd.argoproj.io/sync-options']).toBeUndefined();
  });
});
