import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Catalogs } from '../../src/observability/catalogs';
import { dashboardQueries, dashboardUid, GrafanaDashboard } from '../../src/observability/dashboard';
import { GatewayMonitoring } from '../../src/observability/gateway-monitoring';
import { KongMonitoring } from '../../src/observability/kong-monitoring';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { AuthorinoMonitoring, LimitadorMonitoring } from '../../src/observability/kuadrant-monitoring';
import { timeseriesPanel } from '../../src/observability/panels';
import { PlatformDashboard } from '../../src/observability/platform-dashboard';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat } from '../../src/serving/model-format';
import { findObject, setup, synthObjects } from '../util';
import { gatewayOf } from './fixtures';

/** Checks the parts of the Grafana dashboard model (schema v1) Grafana needs to import it. */
function expectGrafanaDashboard(model: any): void {
  expect(typeof model.title).toBe('string');
  expect(model.uid).toMatch(/^[a-z0-9-]{1,40}$/);
  expect(model.schemaVersion).toBeGreaterThanOrEqual(39);
  expect(model.templating.list[0]).toMatchObject({ type: 'datasource', name: 'datasource', query: 'prometheus' });
  const ids = new Set<number>();
  for (const p of model.panels) {
    expect(p.gridPos).toEqual({ h: expect.any(Number), w: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
    expect(ids.has(p.id)).toBe(false);
    ids.add(p.id);
    if (p.type === 'row') continue;
    expect(['timeseries', 'stat']).toContain(p.type);
    expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    expect(p.targets.length).toBeGreaterThan(0);
    p.targets.forEach((t: any, i: number) => expect(t).toMatchObject({ refId: String.fromCharCode(65 + i), expr: expect.any(String), datasource: { uid: '${datasource}' } }));
  }
}

describe('GrafanaDashboard', () => {
  it('emits a sidecar ConfigMap and a GrafanaDashboard reading it', () => {
    const { app, ns } = setup(['monitoring']);
    const d = new DashboardBuilder('Kong overview').tags(['kong']).withPanel(timeseriesPanel({ title: 'Requests', unit: 'reqps', queries: [{ expr: 'sum(rate(kong_http_requests_total[$__rate_interval]))' }] }));
    const dash = new GrafanaDashboard(ns.monitoring, 'kong-overview', { dashboard: d, catalog: Catalogs.KONG, folder: 'Gateways', grafanaOperator: { instanceSelector: { dashboards: 'grafana' }, folder: 'Gateways' } });
    const objects = synthObjects(app);
    const cm = findObject(objects, 'ConfigMap', 'kong-overview', 'monitoring') as any;
    expect(cm.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(cm.metadata.annotations).toEqual({ grafana_folder: 'Gateways' });
    const model = JSON.parse(cm.data['kong-overview.json']);
    expectGrafanaDashboard(model);
    expect(model.uid).toBe(dashboardUid('monitoring/kong-overview'));
    expect(model.uid).toBe(dash.uid);
    const cr = findObject(objects, 'GrafanaDashboard', 'kong-overview', 'monitoring');
    expect(cr.spec).toEqual({ instanceSelector: { matchLabels: { dashboards: 'grafana' } }, configMapRef: { name: 'kong-overview', key: 'kong-overview.json' }, folder: 'Gateways', uid: dash.uid });
    expect(dashboardQueries(model)).toEqual(['sum(rate(kong_http_requests_total[5m]))']);
    expect(cm).toMatchSnapshot();
  });

  it('is byte-stable across apps, whatever the declaration order', () => {
    // Two apps that declare the same things in opposite orders (namespaces, constructs, builder calls): the JSON must not follow the order.
    const render = (reversed: boolean) => {
      const { app, ns } = setup(reversed ? ['monitoring', 'edge'] : ['edge', 'monitoring']);
      const requests = timeseriesPanel({ title: 'Requests', unit: 'reqps', queries: [{ expr: 'sum(rate(kong_http_requests_total[$__rate_interval]))' }] });
      const latency = timeseriesPanel({ title: 'Latency', unit: 's', queries: [{ expr: 'histogram_quantile(0.95, sum by (le) (rate(kong_request_latency_ms_bucket[$__rate_interval])))' }] });
      const custom = reversed
        ? new DashboardBuilder('Custom').withPanel(requests).description('Kong at a glance').withPanel(latency).tags(['kong', 'custom'])
        : new DashboardBuilder('Custom').tags(['kong', 'custom']).description('Kong at a glance').withPanel(requests).withPanel(latency);
      const steps = [
        () => new KongMonitoring(ns.monitoring, 'kong'),
        () => new LimitadorMonitoring(ns.edge, 'limitador'),
        () => new GrafanaDashboard(ns.monitoring, 'custom', { dashboard: custom, catalog: Catalogs.KONG, grafanaOperator: { instanceSelector: reversed ? { team: 'platform', dashboards: 'grafana' } : { dashboards: 'grafana', team: 'platform' } } }),
      ];
      for (const step of reversed ? [...steps].reverse() : steps) step();
      const objects = synthObjects(app);
      const json = (name: string, namespace: string) => (findObject(objects, 'ConfigMap', name, namespace) as any).data[`${name}.json`] as string;
      return { kong: json('kong-dashboard', 'monitoring'), custom: json('custom', 'monitoring'), operator: JSON.stringify(findObject(objects, 'GrafanaDashboard', 'custom', 'monitoring').spec) };
    };
    const forward = render(false);
    const backward = render(true);
    expect(backward).toEqual(forward);
    expect(JSON.parse(forward.custom).panels.map((p: any) => p.title)).toEqual(['Requests', 'Latency']);
    expect(Object.keys(JSON.parse(forward.operator).instanceSelector.matchLabels)).toEqual(['dashboards', 'team']);
    for (const text of [forward.kong, forward.custom]) expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('fails when a panel reads a metric outside the catalog', () => {
    const { ns } = setup(['monitoring']);
    const d = new DashboardBuilder('Typo').withPanel(timeseriesPanel({ title: 'Requests', unit: 'reqps', queries: [{ expr: 'sum(rate(kong_http_request_total[5m]))' }] }));
    expect(() => new GrafanaDashboard(ns.monitoring, 'typo', { dashboard: d, catalog: Catalogs.KONG })).toThrow(/kong_http_request_total/);
  });

  it('fails when a panel query is not valid PromQL', () => {
    const { ns } = setup(['monitoring']);
    const d = new DashboardBuilder('Broken').withPanel(timeseriesPanel({ title: 'Requests', unit: 'reqps', queries: [{ expr: 'sum(rate(kong_http_requests_total[5m))' }] }));
    expect(() => new GrafanaDashboard(ns.monitoring, 'broken', { dashboard: d, catalog: Catalogs.KONG })).toThrow(ModelServingError);
    expect(() => new GrafanaDashboard(ns.monitoring, 'broken2', { dashboard: d, catalog: Catalogs.KONG })).toThrow(
      /^test\/monitoring\/broken2: panels\[\]\.targets\[\]\.expr is not valid PromQL: unbalanced '\[' in PromQL: .* \(received: "sum\(rate\(kong_http_requests_total\[5m\)\)"\)\. Fix: fix the panel query/,
    );
  });

  it('fails when the Grafana Operator selector is empty', () => {
    const { ns } = setup(['monitoring']);
    expect(() => new GrafanaDashboard(ns.monitoring, 'x', { dashboard: new DashboardBuilder('X'), catalog: Catalogs.KONG, grafanaOperator: { instanceSelector: {} } })).toThrow(/at least one label/);
  });
});

describe('PlatformDashboard', () => {
  it('shows routes, 429s per tier, auth failures, models and resources', () => {
    const { app, ns } = setup(['edge', 'ml-models', 'kuadrant-system', 'monitoring']);
    const gw = new GatewayMonitoring(ns.edge, 'gw', { gateway: gatewayOf(ns.edge, GatewayProvider.KGATEWAY) });
    const iris = new InferenceService(ns['ml-models'], 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
    const model = new KServeModelMonitoring(ns['ml-models'], 'iris-monitoring', { model: iris, traffic: gw.trafficTo(iris) });
    new PlatformDashboard(ns.monitoring, 'overview', {
      gateways: [gw],
      kong: [new KongMonitoring(ns.edge, 'kong')],
      limitador: [new LimitadorMonitoring(ns['kuadrant-system'], 'limitador')],
      authorino: [new AuthorinoMonitoring(ns['kuadrant-system'], 'authorino')],
      models: [model],
      namespaces: ['ml-models'],
      grafanaOperator: { instanceSelector: { dashboards: 'grafana' } },
    });
    const objects = synthObjects(app);
    const model_ = JSON.parse((findObject(objects, 'ConfigMap', 'platform-overview', 'monitoring') as any).data['platform-overview.json']);
    expectGrafanaDashboard(model_);
    const titles = model_.panels.map((p: any) => p.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'kgateway-gateway: requests per route',
        'kgateway-gateway: latency per route',
        'kgateway-gateway: rate-limited (429) per route',
        'kgateway-gateway: authentication and authorization failures',
        '429s per tier (limitador)',
        'Requests per model',
        'CPU per namespace (cores)',
        'Memory per namespace (working set)',
        'GPU utilization per namespace',
      ]),
    );
    const latency = model_.panels.find((p: any) => p.title === 'kgateway-gateway: latency per route');
    expect(latency.targets.map((t: any) => t.legendFormat)).toEqual(['p50 {{envoy_cluster_name}}', 'p95 {{envoy_cluster_name}}', 'p99 {{envoy_cluster_name}}']);
    expect(findObject(objects, 'GrafanaDashboard', 'platform-overview', 'monitoring').spec).toEqual({
      instanceSelector: { matchLabels: { dashboards: 'grafana' } },
      configMapRef: { name: 'platform-overview', key: 'platform-overview.json' },
      uid: model_.uid,
    });
  });

  it('fails without namespaces', () => {
    const { ns } = setup(['monitoring']);
    expect(() => new PlatformDashboard(ns.monitoring, 'overview', { namespaces: [] })).toThrow(/at least one namespace/);
  });
});
