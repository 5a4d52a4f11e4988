import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PodMonitor, ServiceMonitor, podLabelMeta } from '../../src/observability/scrape';
import { findObject, setup, synthObjects } from '../util';

describe('PodMonitor', () => {
  it('scrapes a port number, copies pod labels and opens the port to Prometheus', () => {
    const { app, ns } = setup(['kong']);
    new PodMonitor(ns.kong, 'kong', {
      selector: { 'app.kubernetes.io/name': 'kong', 'app.kubernetes.io/component': 'proxy' },
      port: 8100,
      interval: Duration.seconds(15),
      podLabels: { instance: 'app.kubernetes.io/instance' },
      targetLabels: { kong: 'kong' },
    });
    const objects = synthObjects(app);
    const pm = findObject(objects, 'PodMonitor', 'kong', 'kong');
    expect(pm.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/name': 'kong' });
    expect(pm.spec.namespaceSelector).toBeUndefined();
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 8100, path: '/metrics', interval: '15s', scheme: 'http' });
    expect(pm.spec.podMetricsEndpoints[0].relabelings).toEqual([
      { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_instance'], targetLabel: 'instance' },
      { action: 'replace', targetLabel: 'kong', replacement: 'kong' },
    ]);
    const np = findObject(objects, 'NetworkPolicy', 'allow-metrics-kong', 'kong');
    expect(np.spec.podSelector.matchLabels).toEqual(pm.spec.selector.matchLabels);
    expect(np.spec.ingress[0].ports).toEqual([{ port: 8100, protocol: 'TCP' }]);
    expect(np.spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'monitoring' });
    expect(pm).toMatchSnapshot();
  });

  it('opens no NetworkPolicy for pods in another namespace', () => {
    const { app, ns } = setup(['edge']);
    new PodMonitor(ns.edge, 'proxies', { selector: { app: 'envoy' }, namespaces: ['envoy-gateway-system'], port: 19001, path: '/stats/prometheus' });
    const objects = synthObjects(app);
    expect(findObject(objects, 'PodMonitor', 'proxies').spec.namespaceSelector).toEqual({ matchNames: ['envoy-gateway-system'] });
    expect(objects.filter((o) => o.metadata.name === 'allow-metrics-proxies')).toEqual([]);
  });

  it('maps pod label keys to service-discovery labels', () => {
    expect(podLabelMeta('serving.kserve.io/inferenceservice')).toBe('__meta_kubernetes_pod_label_serving_kserve_io_inferenceservice');
  });

  it('fails when the selector is empty, the port is out of range or the path is relative', () => {
    const { ns } = setup(['kong']);
    expect(() => new PodMonitor(ns.kong, 'a', { selector: {}, port: 8100 })).toThrow(/at least one label/);
    expect(() => new PodMonitor(ns.kong, 'b', { selector: { a: 'b' }, port: 70000 })).toThrow(/between 1 and 65535/);
    expect(() => new PodMonitor(ns.kong, 'c', { selector: { a: 'b' }, port: 80, path: 'metrics' })).toThrow(/start with '\/'/);
    expect(() => new PodMonitor(ns.kong, 'd', { selector: { a: 'b' }, port: 80, interval: Duration.seconds(1) })).toThrow(/at least 5s/);
  });
});

describe('ServiceMonitor', () => {
  it('scrapes a named Service port', () => {
    const { app, ns } = setup(['kong']);
    new ServiceMonitor(ns.kong, 'kong-status', { selector: { 'app.kubernetes.io/name': 'kong' }, portName: 'status' });
    const sm = findObject(synthObjects(app), 'ServiceMonitor', 'kong-status', 'kong');
    expect(sm.spec.endpoints).toEqual([{ port: 'status', path: '/metrics', interval: '30s', scheme: 'http' }]);
    expect(sm).toMatchSnapshot();
  });

  it('fails when the port name is not a Service port name', () => {
    const { ns } = setup(['kong']);
    expect(() => new ServiceMonitor(ns.kong, 'x', { selector: { a: 'b' }, portName: 'Status_Port' })).toThrow(/IANA_SVC_NAME/);
  });

  it('reads more paths on the same port as endpoints of their own, and fails on a relative or repeated path', () => {
    const { app, ns } = setup(['kong']);
    new ServiceMonitor(ns.kong, 'two', { selector: { a: 'b' }, portName: 'http', additionalPaths: ['/server-metrics'] });
    expect(findObject(synthObjects(app), 'ServiceMonitor', 'two', 'kong').spec.endpoints.map((e: { path: string }) => e.path)).toEqual(['/metrics', '/server-metrics']);
    expect(() => new ServiceMonitor(ns.kong, 'x', { selector: { a: 'b' }, portName: 'http', additionalPaths: ['server-metrics'] })).toThrow(/test\/kong\/x: additionalPaths must start with '\/' \(received: "server-metrics"\)/);
    expect(() => new ServiceMonitor(ns.kong, 'y', { selector: { a: 'b' }, portName: 'http', additionalPaths: ['/metrics'] })).toThrow(/additionalPaths must not repeat a path/);
  });
});
