import { Duration } from 'cdk8s';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { Construct } from 'constructs';
import * as kong from '../../imports/kong-configuration.konghq.com';
import { Alerts } from './alert-templates';
import { Catalogs } from './catalogs';
import { ComponentMonitoring, ComponentMonitoringProps } from './component-monitoring';
import { GrafanaDashboard } from './dashboard';
import { addRow } from './model-dashboard';
import { statPanel, timeseriesPanel } from './panels';
import { formatNumber, LabelMatcher, selector } from './promql';
import { latencyThresholdSeconds } from './prom-duration';
import { LatencyUnit, RequestMetrics } from './request-metrics';
import { Severity } from './severity';
import { checkedRecord } from '../core/records';
import { checkProps, childPath } from '../core/prop-types';

/** Props of {@link KongMonitoring}. */
export interface KongMonitoringProps extends ComponentMonitoringProps {
  /** Failed (5xx) share of requests above which `KongErrorRateHigh` fires (0-1). @default 0.05 */
  readonly errorRatio?: number;
  /**
   * p99 request latency above which `KongLatencyHigh` fires; longer than 0,
   * sub-second values are fine (compared in milliseconds with
   * `kong_request_latency_ms`). A bare number is refused.
   * @default Duration.seconds(1)
   */
  readonly latencyP99?: Duration;
  /** Connections one Kong pod can hold (nginx `worker_processes` × `worker_connections`). @default 16384 */
  readonly connectionCapacity?: number;
  /** Share of `connectionCapacity` in use above which `KongConnectionsHigh` fires (0-1). @default 0.8 */
  readonly connectionRatio?: number;
}

/**
 * Monitoring for a Kong Gateway deployment (the write-up's alerts, with the
 * Kong 3.x metric names), as one bundle:
 *
 * - `PodMonitor/<name>`: proxy pods (`app.kubernetes.io/name: kong`,
 *   `app.kubernetes.io/component: proxy`) on the status port 8100 `/metrics`,
 *   every series labelled `kong="<name>"`;
 * - `KongPlugin/<name>-prometheus`: the `prometheus` plugin with status-code,
 *   latency, bandwidth and upstream-health metrics on (they are off by
 *   default since Kong 3.0); attach it to the Kong routes or services;
 * - `PrometheusRule/<name>-alerts`: `KongDown`, `KongErrorRateHigh` (> 5%),
 *   `KongLatencyHigh` (p99 > 1 s), `KongConnectionsHigh` (> 80% of capacity),
 *   `KongUpstreamUnhealthy`;
 * - `ConfigMap/<name>-dashboard`: requests, errors, latency, bandwidth,
 *   connections and upstream health.
 *
 * @see https://developer.konghq.com/plugins/prometheus/
 */
export class KongMonitoring extends ComponentMonitoring {
  public readonly dashboard: GrafanaDashboard;
  /** The `prometheus` KongPlugin. */
  public readonly plugin: kong.KongPlugin;
  /** Requests through Kong (5xx and latency by service). */
  public readonly traffic: RequestMetrics;

  public constructor(scope: Construct, id: string, props: KongMonitoringProps = {}) {
    checkProps(childPath(scope, id), props, 'KongMonitoringProps');
    super(scope, id, props, {
      prefix: 'Kong',
      label: 'kong',
      title: 'Kong',
      catalog: Catalogs.KONG,
      selector: { 'app.kubernetes.io/name': 'kong', 'app.kubernetes.io/component': 'proxy' },
      port: 8100,
      path: '/metrics',
    });
    const where = `Kong ${this.target.namespace}/${this.instanceName}`;
    this.plugin = new kong.KongPlugin(this, 'PrometheusPlugin', {
      metadata: { name: `${this.instanceName}-prometheus` },
      plugin: 'prometheus',
      config: { bandwidth_metrics: true, latency_metrics: true, per_consumer: false, status_code_metrics: true, upstream_health_metrics: true },
    });
    this.traffic = RequestMetrics.custom({
      source: 'Kong',
      catalog: Catalogs.KONG,
      target: this.target,
      requests: { metric: 'kong_http_requests_total', sample: { code: '200', service: 'svc-a' } },
      errors: { metric: 'kong_http_requests_total', matchers: [LabelMatcher.re('code', '5..')], sample: { code: '503', service: 'svc-a' } },
      latency: { metric: 'kong_request_latency_ms', unit: LatencyUnit.MILLISECONDS },
    });
    const errorRatio = this.ratio('errorRatio', props.errorRatio ?? 0.05);
    const latencyThreshold = props.latencyP99 ?? Duration.seconds(1);
    const latency = latencyThresholdSeconds(this, 'latencyP99', latencyThreshold, 'Duration.seconds(1)');
    const capacity = this.positive('connectionCapacity', props.connectionCapacity ?? 16384);
    const connRatio = this.ratio('connectionRatio', props.connectionRatio ?? 0.8);

    this.group.addAlert(Alerts.errorRatio(this.traffic, this.text('ErrorRateHigh', Severity.CRITICAL, Duration.minutes(5), `${where}: more than ${formatNumber(errorRatio * 100)}% of requests fail`, `More than ${formatNumber(errorRatio * 100)}% of the requests proxied by Kong were answered with a 5xx for 5 minutes.`), { threshold: errorRatio, window: Duration.minutes(5) }));
    this.group.addAlert(Alerts.latency(this.traffic, this.text('LatencyHigh', Severity.WARNING, Duration.minutes(10), `${where}: p99 latency above ${formatNumber(latency)}s`, `The 99th percentile of total request latency (Kong plus upstream) has been above ${formatNumber(latency)}s for 10 minutes.`), { quantile: 0.99, threshold: latencyThreshold, window: Duration.minutes(5) }));
    this.group.addAlert(
      Alerts.gaugeAbove(this.text('ConnectionsHigh', Severity.WARNING, Duration.minutes(10), `${where}: connections above ${formatNumber(connRatio * 100)}% of capacity`, `A Kong pod holds more than ${formatNumber(connRatio * 100)}% of its ${capacity} connections (worker_processes x worker_connections) for 10 minutes: scale out or raise the limits.`), {
        metric: 'kong_nginx_connections_total',
        target: this.target,
        matchers: [LabelMatcher.eq('state', 'active')],
        sample: { state: 'active' },
        threshold: capacity * connRatio,
        max: capacity,
      }),
    );
    this.group.addAlert(
      Alerts.gaugeAbove(this.text('UpstreamUnhealthy', Severity.WARNING, Duration.minutes(5), `${where}: upstream {{ $labels.upstream }} target {{ $labels.target }} is unhealthy`, 'Kong health checks mark the upstream target {{ $labels.target }} of {{ $labels.upstream }} unhealthy for 5 minutes: it receives no traffic.'), {
        metric: 'kong_upstream_target_health',
        target: this.target,
        matchers: [LabelMatcher.eq('state', 'unhealthy')],
        by: ['upstream', 'target'],
        sample: { state: 'unhealthy', upstream: 'upstream-a', target: '10.0.0.1:8080' },
        threshold: 0,
        max: 1,
      }),
    );

    const w = '$__rate_interval';
    const sel = (metric: string, extra: LabelMatcher[] = []): string => selector(metric, [...LabelMatcher.fromRecord(this.target), ...extra]);
    const d = new DashboardBuilder(`Kong ${this.target.namespace}/${this.instanceName}`).tags(['model-serving', 'kong']);
    addRow(d, 'Traffic', [
      timeseriesPanel({ title: 'Requests per service', unit: 'reqps', queries: [{ expr: `sum by (service) (rate(${sel('kong_http_requests_total')}[${w}]))`, legend: '{{service}}' }] }),
      timeseriesPanel({ title: 'Error ratio (5xx)', unit: 'percentunit', queries: [{ expr: this.traffic.errorRatio(w)!, legend: 'errors' }] }),
      timeseriesPanel({ title: 'Latency', unit: 's', queries: [0.5, 0.95, 0.99].map((q) => ({ expr: this.traffic.latencyQuantile(q, w)!, legend: `p${q * 100}` })) }),
      timeseriesPanel({ title: 'Bandwidth', unit: 'Bps', queries: [{ expr: `sum by (direction) (rate(${sel('kong_bandwidth_bytes')}[${w}]))`, legend: '{{direction}}' }] }),
    ]);
    addRow(d, 'Capacity', [
      timeseriesPanel({ title: 'Active connections per pod', unit: 'short', queries: [{ expr: `sum by (pod) (${sel('kong_nginx_connections_total', [LabelMatcher.eq('state', 'active')])})`, legend: '{{pod}}' }] }),
      statPanel({ title: 'Unhealthy upstream targets', unit: 'short', queries: [{ expr: `sum(${sel('kong_upstream_target_health', [LabelMatcher.eq('state', 'unhealthy')])})` }] }),
      statPanel({ title: 'Datastore reachable', unit: 'short', queries: [{ expr: `min(${sel('kong_datastore_reachable')})` }] }),
    ]);
    this.dashboard = new GrafanaDashboard(this, 'Dashboard', { name: `${this.instanceName}-dashboard`, dashboard: d, catalog: this.catalog, labels: checkedRecord(this, 'labels', props.labels), grafanaOperator: props.grafanaOperator });
  }
}
