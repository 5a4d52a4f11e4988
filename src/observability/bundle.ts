import { GrafanaDashboard, GrafanaOperatorOptions } from './dashboard';
import { PrometheusRule } from './prometheus-rule';
import { PodMonitor, PrometheusLocation, ServiceMonitor } from './scrape';

/**
 * What every monitoring bundle gives: the scrape configuration, the alerts
 * (with their unit tests) and, where the component has one, its dashboard.
 */
export interface IMonitoringBundle {
  /** How Prometheus scrapes the component. */
  readonly monitor: PodMonitor | ServiceMonitor;
  /** The component's alerts. */
  readonly prometheusRule: PrometheusRule;
  /** The component's dashboard, when it has one. */
  readonly dashboard?: GrafanaDashboard;
}

/** Props every monitoring bundle takes. */
export interface MonitoringBundleProps {
  /** Prefix of every runbook URL: the alert name in kebab case is appended. @default DEFAULT_RUNBOOK_BASE_URL */
  readonly runbookBaseUrl?: string;
  /** `metadata.labels` of the monitor, PrometheusRule and dashboard ConfigMap (e.g. the Prometheus selector `release: kube-prometheus-stack`). @default - the platform labels */
  readonly labels?: Record<string, string>;
  /** The Prometheus that scrapes (NetworkPolicies open the metrics port to it). @default DEFAULT_PROMETHEUS */
  readonly prometheus?: PrometheusLocation;
  /** Also publish dashboards as Grafana Operator `GrafanaDashboard` objects. @default - sidecar ConfigMaps only */
  readonly grafanaOperator?: GrafanaOperatorOptions;
}
