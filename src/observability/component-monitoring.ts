import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { assertDnsLabel } from '../core/names';
import { AlertText, Alerts } from './alert-templates';
import { IMonitoringBundle, MonitoringBundleProps } from './bundle';
import { Catalogs } from './catalogs';
import { GrafanaDashboard } from './dashboard';
import { MetricCatalog } from './metric-catalog';
import { PrometheusRule, RuleGroup } from './prometheus-rule';
import { runbookUrl } from './runbook';
import { PodMonitor, ServiceMonitor } from './scrape';
import { Severity } from './severity';
import { checkedRecord } from '../core/records';
import { checkProps, childPath } from '../core/prop-types';

/** Props of the single-workload bundles (Kong, OPA, Limitador, Authorino). */
export interface ComponentMonitoringProps extends MonitoringBundleProps {
  /** The instance name: object names (`<name>-...`) and the value of the component's target label. A DNS-1123 label. @default - the construct id */
  readonly name?: string;
  /** Labels of the component's pods. @default - the component's usual labels (see each bundle) */
  readonly selector?: Readonly<Record<string, string>>;
  /** Namespace of the pods. @default - the bundle's namespace */
  readonly podNamespace?: string;
  /** Port of `/metrics`. @default - the component's usual port */
  readonly metricsPort?: number;
  /** Metrics path. @default - the component's usual path */
  readonly metricsPath?: string;
}

/** What a component bundle is made of. */
export interface ComponentSpec {
  /** Alert prefix, e.g. `Kong`. */
  readonly prefix: string;
  /** Target label naming the instance, e.g. `kong`. */
  readonly label: string;
  /** The component's catalog. */
  readonly catalog: MetricCatalog;
  /** Default pod labels. */
  readonly selector: Readonly<Record<string, string>>;
  /** Default metrics port. */
  readonly port: number;
  /** Default metrics path. */
  readonly path: string;
  /** Human name, e.g. `Kong`. */
  readonly title: string;
  /**
   * Scrape the component through the Service its operator creates (a
   * ServiceMonitor on the Services labelled `selector`) rather than its pods:
   * for pods that declare no container port, which a PodMonitor cannot find.
   * @default - a PodMonitor on the pods labelled `selector`
   */
  readonly service?: {
    readonly portName: string;
    readonly additionalPaths?: readonly string[];
    /** The pods behind the Service and their metrics port, for the NetworkPolicy that lets Prometheus in. */
    readonly pods: { readonly selector: Readonly<Record<string, string>>; readonly port: number };
  };
}

/**
 * The shared shape of a single-workload bundle: a PodMonitor that labels
 * every series with `<label>="<name>"`, a PrometheusRule with a
 * `<Prefix>Down` alert, and helpers for the component's own alerts.
 */
export abstract class ComponentMonitoring extends Construct implements IMonitoringBundle {
  public readonly monitor: PodMonitor | ServiceMonitor;
  public readonly prometheusRule: PrometheusRule;
  public abstract readonly dashboard?: GrafanaDashboard;
  /** The catalog the rules and panels read. */
  public readonly catalog: MetricCatalog;
  /** The instance name. */
  public readonly instanceName: string;
  /** Labels that select this instance's series: `namespace` and the component label. */
  public readonly target: Readonly<Record<string, string>>;
  /** The alert group. */
  protected readonly group: RuleGroup;
  private readonly prefix: string;
  private readonly runbookBaseUrl?: string;

  protected constructor(scope: Construct, id: string, props: ComponentMonitoringProps, spec: ComponentSpec) {
    checkProps(childPath(scope, id), props, 'ComponentMonitoringProps');
    super(scope, id);
    this.instanceName = assertDnsLabel(this, 'name', props.name ?? id);
    const namespace = props.podNamespace ?? Chart.of(this).namespace;
    if (!namespace) invalid(this, 'podNamespace', 'is required outside a Namespace chart', namespace, 'create the bundle inside a Namespace, or pass podNamespace');
    assertDnsLabel(this, 'podNamespace', namespace);
    this.prefix = spec.prefix;
    this.runbookBaseUrl = props.runbookBaseUrl;
    this.catalog = MetricCatalog.merge(spec.label, [spec.catalog, Catalogs.PROMETHEUS]);
    this.target = { namespace, [spec.label]: this.instanceName };
    const common = {
      name: this.instanceName,
      selector: props.selector ?? spec.selector,
      namespaces: namespace === Chart.of(this).namespace ? undefined : [namespace],
      path: props.metricsPath ?? spec.path,
      targetLabels: { [spec.label]: this.instanceName },
      labels: checkedRecord(this, 'labels', props.labels),
    };
    if (spec.service && props.metricsPort !== undefined) {
      invalid(this, 'metricsPort', `is not used: ${spec.title} is scraped through its metrics Service's port '${spec.service.portName}'`, props.metricsPort, 'drop metricsPort (set the port on the component itself)');
    }
    this.monitor = spec.service
      ? new ServiceMonitor(this, 'ServiceMonitor', { ...common, portName: spec.service.portName, additionalPaths: spec.service.additionalPaths, pods: spec.service.pods, prometheus: props.prometheus })
      : new PodMonitor(this, 'PodMonitor', { ...common, port: props.metricsPort ?? spec.port, prometheus: props.prometheus });
    this.prometheusRule = new PrometheusRule(this, 'Rules', { name: `${this.instanceName}-alerts`, alertPrefix: spec.prefix, catalog: this.catalog, labels: checkedRecord(this, 'labels', props.labels) });
    this.group = this.prometheusRule.addGroup(`${spec.label}.${namespace}.${this.instanceName}`);
    this.group.addAlert(
      Alerts.targetDown(this.text('Down', Severity.CRITICAL, Duration.minutes(5), `${spec.title} ${namespace}/${this.instanceName} is down`, `No ${spec.title} pod answers its metrics endpoint for 5 minutes (all down, or none running).`), this.target),
    );
  }

  /** The text of alert `<Prefix><suffix>`. */
  protected text(suffix: string, severity: Severity, forDuration: Duration, summary: string, description: string): AlertText {
    const name = `${this.prefix}${suffix}`;
    return { name, severity, for: forDuration, summary, description, runbookUrl: runbookUrl(this, this.runbookBaseUrl, name) };
  }

  /** Checks a 0-1 ratio prop. */
  protected ratio(field: string, value: number): number {
    if (!(value > 0 && value < 1)) invalid(this, field, 'must be strictly between 0 and 1', value, 'use e.g. 0.05 for 5%');
    return value;
  }

  /** Checks a positive prop. */
  protected positive(field: string, value: number): number {
    if (!(value > 0) || !Number.isFinite(value)) invalid(this, field, 'must be a number > 0', value, 'use a positive number');
    return value;
  }
}
