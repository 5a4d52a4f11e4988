import { describe, expect, it } from 'vitest';
import { KongMonitoring } from '../../src/observability/kong-monitoring';
import { AuthorinoMonitoring, LimitadorMonitoring } from '../../src/observability/kuadrant-monitoring';
import { OpaMonitoring } from '../../src/observability/opa-monitoring';
import { findObject, setup, synthObjects } from '../util';
import { alertNames, alertOf } from './helpers';

describe('KongMonitoring', () => {
  it('scrapes the status port, enables the prometheus plugin metrics and alerts like the write-up', () => {
    const { app, ns } = setup(['kong']);
    new KongMonitoring(ns.kong, 'kong', { connectionCapacity: 20000 });
    const objects = synthObjects(app);
    const pm = findObject(objects, 'PodMonitor', 'kong', 'kong');
    expect(pm.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/name': 'kong' });
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 8100, path: '/metrics' });
    const plugin = findObject(objects, 'KongPlugin', 'kong-prometheus', 'kong') as any;
    expect(plugin.plugin).toBe('prometheus');
    expect(plugin.config).toMatchObject({ status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true, upstream_health_metrics: true });
    expect(alertNames(objects, 'kong-alerts')).toEqual(['KongConnectionsHigh', 'KongDown', 'KongErrorRateHigh', 'KongLatencyHigh', 'KongUpstreamUnhealthy']);
    expect(alertOf(objects, 'kong-alerts', 'KongConnectionsHigh').expr).toBe('max by (kong, namespace) (kong_nginx_connections_total{kong="kong",namespace="kong",state="active"}) > 16000');
    expect(alertOf(objects, 'kong-alerts', 'KongLatencyHigh').expr).toBe('histogram_quantile(0.99, sum by (le, kong, namespace) (rate(kong_request_latency_ms_bucket{kong="kong",namespace="kong"}[5m]))) > 1000');
    expect(alertOf(objects, 'kong-alerts', 'KongErrorRateHigh').expr).toContain('kong_http_requests_total{kong="kong",namespace="kong",code=~"5.."}');
    expect(alertOf(objects, 'kong-alerts', 'KongUpstreamUnhealthy').expr).toBe('max by (kong, namespace, target, upstream) (kong_upstream_target_health{kong="kong",namespace="kong",state="unhealthy"}) > 0');
    expect(findObject(objects, 'ConfigMap', 'kong-dashboard', 'kong').metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(findObject(objects, 'PrometheusRule', 'kong-alerts')).toMatchSnapshot();
  });

  it('fails when the connection ratio is not a fraction', () => {
    const { ns } = setup(['kong']);
    expect(() => new KongMonitoring(ns.kong, 'kong', { connectionRatio: 80 })).toThrow(/connectionRatio must be strictly between 0 and 1/);
  });
});

describe('OpaMonitoring, LimitadorMonitoring, AuthorinoMonitoring', () => {
  it('scrape their pods and alert when down', () => {
    const { app, ns } = setup(['auth', 'kuadrant-system']);
    new OpaMonitoring(ns.auth, 'opa');
    new LimitadorMonitoring(ns['kuadrant-system'], 'limitador');
    new AuthorinoMonitoring(ns['kuadrant-system'], 'authorino');
    const objects = synthObjects(app);
    expect(findObject(objects, 'PodMonitor', 'opa', 'auth').spec).toMatchObject({ selector: { matchLabels: { 'app.kubernetes.io/name': 'opa' } }, podMetricsEndpoints: [{ portNumber: 8282 }] }); // OPA's diagnostic address: its API listens on localhost only
    expect(findObject(objects, 'PodMonitor', 'limitador').spec).toMatchObject({ selector: { matchLabels: { app: 'limitador' } }, podMetricsEndpoints: [{ portNumber: 8080 }] });
    // Authorino's pods declare no container port (a PodMonitor would find no target): scraped through the
    // operator's metrics Service, on both paths, /server-metrics holding the auth_server_* series the alerts read.
    expect(objects.filter((o) => o.kind === 'PodMonitor' && o.metadata.name === 'authorino')).toEqual([]);
    const authorino = findObject(objects, 'ServiceMonitor', 'authorino', 'kuadrant-system').spec;
    expect(authorino.selector).toEqual({ matchLabels: { 'app.kubernetes.io/component': 'metrics', 'authorino-resource': 'authorino' } });
    expect(authorino.endpoints.map((e: { port: string; path: string }) => `${e.port}${e.path}`)).toEqual(['http/metrics', 'http/server-metrics']);
    expect(alertOf(objects, 'authorino-alerts', 'AuthorinoDeniedSpike').expr).toContain('auth_server_authconfig_response_status');
    // In a namespace of the platform (default deny), Prometheus may reach the Authorino pods behind that Service.
    const allow = findObject(objects, 'NetworkPolicy', 'allow-metrics-authorino', 'kuadrant-system').spec;
    expect(allow.podSelector).toEqual({ matchLabels: { 'authorino-resource': 'authorino' } });
    expect(allow.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(alertNames(objects, 'opa-alerts')).toEqual(['OpaApiErrorsHigh', 'OpaDown']);
    expect(alertNames(objects, 'limitador-alerts')).toEqual(['LimitadorDown', 'LimitadorRateLimitedSustained']);
    expect(alertNames(objects, 'authorino-alerts')).toEqual(['AuthorinoDeniedSpike', 'AuthorinoDown']);
    expect(alertOf(objects, 'limitador-alerts', 'LimitadorRateLimitedSustained').expr).toBe('sum by (limit_name, limitador_namespace) (rate(limited_calls{limitador="limitador",namespace="kuadrant-system"}[10m])) > 1');
    expect(alertOf(objects, 'opa-alerts', 'OpaDown').expr).toContain('up{namespace="auth",opa="opa"}');
  });

  it('fails when a name is not a DNS label', () => {
    const { ns } = setup(['auth']);
    expect(() => new OpaMonitoring(ns.auth, 'opa', { name: 'OPA_1' })).toThrow(/DNS-1123 label/);
  });
});
