import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { assertDnsLabel } from '../core/names';
import { Catalogs } from './catalogs';
import { GrafanaDashboard, GrafanaOperatorOptions } from './dashboard';
import { GatewayMonitoring } from './gateway-monitoring';
import { KongMonitoring } from './kong-monitoring';
import { KServeModelMonitoring } from './kserve-model-monitoring';
import { AuthorinoMonitoring, LimitadorMonitoring } from './kuadrant-monitoring';
import { MetricCatalog } from './metric-catalog';
import { addRow } from './model-dashboard';
import { PanelBuilderLike, timeseriesPanel } from './panels';
import { LabelMatcher, selector } from './promql';
import { checkedRecord } from '../core/records';
import { checkProps, childPath, isString, requireArray } from '../core/prop-types';

/** Props of {@link PlatformDashboard}. */
export interface PlatformDashboardProps {
  /** ConfigMap name. @default 'platform-overview' */
  readonly name?: string;
  /** Dashboard title. @default 'Model serving platform' */
  readonly title?: string;
  /** Gateways to show (requests, 5xx, latency percentiles and 429s per route, auth failures). @default - none */
  readonly gateways?: readonly GatewayMonitoring[];
  /** Kong deployments to show. @default - none */
  readonly kong?: readonly KongMonitoring[];
  /** Limitador instances: 429s per tier (limit). @default - none */
  readonly limitador?: readonly LimitadorMonitoring[];
  /** Authorino instances: denied requests per AuthConfig. @default - none */
  readonly authorino?: readonly AuthorinoMonitoring[];
  /** Models: requests per model. @default - none */
  readonly models?: readonly KServeModelMonitoring[];
  /** Namespaces whose CPU, memory and GPU use is shown. At least one. */
  readonly namespaces: readonly string[];
  /** `metadata.labels` of the ConfigMap. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /** Also publish as a Grafana Operator `GrafanaDashboard`. @default - sidecar ConfigMap only */
  readonly grafanaOperator?: GrafanaOperatorOptions;
}

/**
 * The platform overview dashboard: requests, errors, latency percentiles
 * and 429s per route for every gateway, 429s per tier, authentication
 * failures, requests per model, and CPU, memory and GPU use per namespace.
 * Built with the Foundation SDK from the bundles' own definitions.
 *
 * ```ts
 * new PlatformDashboard(monitoring, 'overview', { gateways: [gw], models: [iris, mnist], namespaces: ['ml-models'] });
 * ```
 */
export class PlatformDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: GrafanaDashboard;

  public constructor(scope: Construct, id: string, props: PlatformDashboardProps) {
    checkProps(childPath(scope, id), props, 'PlatformDashboardProps');
    super(scope, id);
    requireArray(this, 'namespaces', props.namespaces, isString, 'a string', "pass the model namespaces, e.g. ['ml-models']");
    if (props.namespaces.length === 0) invalid(this, 'namespaces', 'must list at least one namespace', props.namespaces, "pass the model namespaces, e.g. ['ml-models']");
    props.namespaces.forEach((n, i) => assertDnsLabel(this, `namespaces[${i}]`, n));
    const w = '$__rate_interval';
    const d = new DashboardBuilder(props.title ?? 'Model serving platform').tags(['model-serving', 'platform']);
    const catalogs: MetricCatalog[] = [Catalogs.KUBERNETES];
    for (const g of props.gateways ?? []) {
      addRow(d, `Gateway ${g.traffic.spec.target.namespace}/${g.traffic.spec.target.gateway}`, g.panels());
      catalogs.push(g.catalog);
    }
    for (const k of props.kong ?? []) {
      const sel = (extra: LabelMatcher[] = []): string => selector('kong_http_requests_total', [...LabelMatcher.fromRecord(k.target), ...extra]);
      addRow(d, `Kong ${k.target.namespace}/${k.instanceName}`, [
        timeseriesPanel({ title: 'Requests per route', unit: 'reqps', queries: [{ expr: `sum by (route) (rate(${sel()}[${w}]))`, legend: '{{route}}' }] }),
        timeseriesPanel({ title: 'Latency', unit: 's', queries: [0.5, 0.95, 0.99].map((q) => ({ expr: k.traffic.latencyQuantile(q, w)!, legend: `p${q * 100}` })) }),
        timeseriesPanel({ title: 'Rate-limited (429) per route', unit: 'reqps', queries: [{ expr: `sum by (route) (rate(${sel([LabelMatcher.eq('code', '429')])}[${w}]))`, legend: '{{route}}' }] }),
        timeseriesPanel({ title: 'Authentication failures (401/403)', unit: 'reqps', queries: [{ expr: `sum by (code) (rate(${sel([LabelMatcher.re('code', '401|403')])}[${w}]))`, legend: '{{code}}' }] }),
      ]);
      catalogs.push(k.catalog);
    }
    const tiers: PanelBuilderLike[] = [];
    for (const l of props.limitador ?? []) {
      tiers.push(timeseriesPanel({ title: `429s per tier (${l.instanceName})`, unit: 'reqps', queries: [{ expr: `sum by (limit_name) (rate(${selector('limited_calls', LabelMatcher.fromRecord(l.target))}[${w}]))`, legend: '{{limit_name}}' }] }));
      catalogs.push(l.catalog);
    }
    for (const a of props.authorino ?? []) {
      tiers.push(timeseriesPanel({ title: `Denied requests per AuthConfig (${a.instanceName})`, unit: 'reqps', queries: [{ expr: `sum by (authconfig) (rate(${selector('auth_server_authconfig_response_status', [...LabelMatcher.fromRecord(a.target), LabelMatcher.ne('status', 'OK')])}[${w}]))`, legend: '{{authconfig}}' }] }));
      catalogs.push(a.catalog);
    }
    if (tiers.length > 0) addRow(d, 'Rate limits and access', tiers);
    const models = props.models ?? [];
    if (models.length > 0) {
      addRow(d, 'Models', [timeseriesPanel({ title: 'Requests per model', unit: 'reqps', queries: models.map((m) => ({ expr: m.traffic.requestRate(w), legend: `${m.modelNamespace}/${m.modelName}` })) })]);
      catalogs.push(...models.map((m) => m.catalog));
    }
    const ns = LabelMatcher.re('namespace', props.namespaces.join('|'));
    addRow(d, 'Resources', [
      timeseriesPanel({ title: 'CPU per namespace (cores)', unit: 'short', queries: [{ expr: `sum by (namespace) (rate(${selector('container_cpu_usage_seconds_total', [ns, LabelMatcher.ne('container', '')])}[${w}]))`, legend: '{{namespace}}' }] }),
      timeseriesPanel({ title: 'Memory per namespace (working set)', unit: 'bytes', queries: [{ expr: `sum by (namespace) (${selector('container_memory_working_set_bytes', [ns, LabelMatcher.ne('container', '')])})`, legend: '{{namespace}}' }] }),
      timeseriesPanel({ title: 'GPU utilization per namespace', unit: 'percent', queries: [{ expr: `avg by (namespace) (${selector('DCGM_FI_DEV_GPU_UTIL', [ns])})`, legend: '{{namespace}}' }] }),
      timeseriesPanel({ title: 'GPU memory used per namespace', unit: 'decmbytes', queries: [{ expr: `sum by (namespace) (${selector('DCGM_FI_DEV_FB_USED', [ns])})`, legend: '{{namespace}}' }] }),
    ]);
    this.dashboard = new GrafanaDashboard(this, 'Dashboard', {
      name: props.name ?? 'platform-overview',
      dashboard: d,
      catalog: MetricCatalog.merge('platform', catalogs),
      labels: checkedRecord(this, 'labels', props.labels),
      grafanaOperator: props.grafanaOperator,
    });
  }
}
