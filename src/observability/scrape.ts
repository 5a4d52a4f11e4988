import { Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as mon from '../../imports/monitoring-monitoring.coreos.com';
import { invalid } from '../core/errors';
import { NetworkFlows } from '../core/flows';
import { Namespace } from '../core/namespace';
import { assertDnsLabel, assertDnsSubdomain, policyId } from '../core/names';
import { Platform } from '../core/platform';
import { NetworkPeer } from '../core/network-peer';
import { assertPort, assertPortName } from '../core/port';
import { sortRecord } from '../core/sort-keys';
import { assertDuration, formatPromDuration } from './prom-duration';
import { checkedRecord } from '../core/records';
import { checkProps, childPath, isPlainObject, requireShape } from '../core/prop-types';
import { ISecretReference } from '../core/secret-ref';

/** Where the Prometheus server that scrapes the targets runs: NetworkPolicies let it (and only it) reach the metrics port. */
export interface PrometheusLocation {
  /** Its namespace. */
  readonly namespace: string;
  /** Labels of its pods. */
  readonly selector: Readonly<Record<string, string>>;
}

/** The default {@link PrometheusLocation}: pods `app.kubernetes.io/name: prometheus` in `monitoring`. */
export const DEFAULT_PROMETHEUS: PrometheusLocation = { namespace: 'monitoring', selector: { 'app.kubernetes.io/name': 'prometheus' } };

/** Props shared by {@link PodMonitor} and {@link ServiceMonitor}. */
export interface MonitorProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.selector.matchLabels`: the pods (or Services) to scrape; at least one label. */
  readonly selector: Readonly<Record<string, string>>;
  /** `spec.namespaceSelector.matchNames`. @default - the monitor's own namespace */
  readonly namespaces?: readonly string[];
  /** The metrics port number (1-65535). */
  readonly port: number;
  /** The metrics path. @default '/metrics' */
  readonly path?: string;
  /** Scrape interval. @default Duration.seconds(30) */
  readonly interval?: Duration;
  /**
   * Target labels copied from labels of the pod, `{ targetLabel: podLabelKey }`
   * (e.g. `{ inferenceservice: 'serving.kserve.io/inferenceservice' }`), so
   * rules can select by them.
   * @default - none
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * Fixed target labels set on every scraped series, `{ label: value }`
   * (e.g. `{ kong: 'kong' }`), so rules select exactly this monitor's targets.
   * @default - none
   */
  readonly targetLabels?: Readonly<Record<string, string>>;
  /** `metadata.labels` (what the Prometheus `podMonitorSelector`/`serviceMonitorSelector` matches). @default - the platform labels */
  readonly labels?: Record<string, string>;
  /**
   * The Prometheus that scrapes: when the pods are in this Namespace chart, a
   * NetworkPolicy `allow-metrics-<name>` lets its pods reach the port.
   * @default DEFAULT_PROMETHEUS
   */
  readonly prometheus?: PrometheusLocation;
}

/** The port on which the Istio sidecar agent serves its merged metrics (Envoy's and, with metrics merging, the application's), outside mTLS. */
export const ISTIO_MERGED_METRICS_PORT = 15020;

/** Props of {@link PodMonitor}. */
export interface PodMonitorProps extends MonitorProps {
  /**
   * Scrape what the Istio sidecar serves on `port` (15020 `/stats/prometheus`
   * for the merged metrics) rather than a port of the application. Port
   * 15020 is not declared on the pod, so the target is found through the
   * `istio-proxy` container's declared port `http-envoy-prom` and its
   * address rewritten to `port`.
   * @default false
   * @see https://istio.io/latest/docs/ops/integrations/prometheus/#option-1-metrics-merging
   */
  readonly istioSidecar?: boolean;
}

/** Props of {@link ServiceMonitor}. */
export interface ServiceMonitorProps extends Omit<MonitorProps, 'port'> {
  /** `endpoints[].port`: the name of the Service port serving metrics. */
  readonly portName: string;
  /**
   * The pods behind the Services and the port they serve metrics on: when
   * they are in this Namespace chart, a NetworkPolicy `allow-metrics-<name>`
   * lets Prometheus reach that port (a default deny would otherwise block
   * the scrape). The Service's own labels (`selector`) need not be the pods'.
   * @default - no NetworkPolicy (the pods are elsewhere, or their namespace is not isolated)
   */
  readonly pods?: { readonly selector: Readonly<Record<string, string>>; readonly port: number };
  /**
   * More metrics paths on the same port, one endpoint each (Authorino
   * serves its controller metrics on `/metrics` and its authorization
   * metrics on `/server-metrics`).
   * @default - none
   */
  readonly additionalPaths?: readonly string[];
  /**
   * `endpoints[].authorization`: a bearer token Prometheus sends, read from
   * a key of a Secret in the monitor's namespace (for a metrics endpoint
   * that authenticates its scrapers, such as an endpoint picker's).
   * @default - no credentials
   */
  readonly bearerToken?: { readonly secret: ISecretReference; readonly key: string };
}

const TARGET_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `__meta_kubernetes_pod_label_<name>`: the service-discovery label for a pod label key. */
export function podLabelMeta(key: string): string {
  return `__meta_kubernetes_pod_label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

function checkCommon(scope: IConstruct, props: Omit<MonitorProps, 'port'> & { readonly port?: number }): { name: string; namespaces?: string[]; path: string; interval: string } {
  const name = assertDnsSubdomain(scope, 'name', props.name ?? scope.node.id);
  requireShape(scope, 'selector', props.selector, isPlainObject, 'an object of labels', 'select the workload, e.g. { "app.kubernetes.io/name": "kong" }');
  checkedRecord(scope, 'selector', props.selector);
  checkedRecord(scope, 'labels', props.labels);
  checkedRecord(scope, 'podLabels', props.podLabels);
  checkedRecord(scope, 'targetLabels', props.targetLabels);
  if (Object.keys(props.selector).length === 0) invalid(scope, 'selector', 'must have at least one label (an empty selector scrapes every pod)', props.selector, 'select the workload, e.g. { "app.kubernetes.io/name": "kong" }');
  if (props.port !== undefined) assertPort(scope, 'port', props.port, 'use the metrics port, e.g. 8080');
  const path = props.path ?? '/metrics';
  if (!path.startsWith('/')) invalid(scope, 'path', "must start with '/'", path, "use e.g. '/metrics'");
  const interval = props.interval ?? Duration.seconds(30);
  assertDuration(scope, 'interval', interval, Duration.seconds(5));
  props.namespaces?.forEach((n, i) => assertDnsLabel(scope, `namespaces[${i}]`, n));
  for (const k of [...Object.keys(props.podLabels ?? {}), ...Object.keys(props.targetLabels ?? {})]) if (!TARGET_LABEL.test(k)) invalid(scope, 'podLabels', 'keys must be Prometheus label names', k, 'use letters, digits and _');
  return { name, namespaces: props.namespaces && [...props.namespaces], path, interval: formatPromDuration(interval) };
}

function relabelings(podLabels: Readonly<Record<string, string>> | undefined, fixed: Readonly<Record<string, string>> | undefined): mon.PodMonitorSpecPodMetricsEndpointsRelabelings[] | undefined {
  const replace = mon.PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE;
  const out: mon.PodMonitorSpecPodMetricsEndpointsRelabelings[] = [
    ...Object.keys(podLabels ?? {})
      .sort()
      .map((target) => ({ action: replace, sourceLabels: [podLabelMeta(podLabels![target])], targetLabel: target })),
    ...Object.keys(fixed ?? {})
      .sort()
      .map((target) => ({ action: replace, targetLabel: target, replacement: fixed![target] })),
  ];
  return out.length > 0 ? out : undefined;
}

function allowScrape(scope: Construct, name: string, props: MonitorProps, ownNamespace: string | undefined): void {
  const prom = props.prometheus ?? DEFAULT_PROMETHEUS;
  const platform = Platform.tryOf(scope);
  // Prometheus connects to every target pod, in each namespace the monitor looks in: the flow is declared, and opened in
  // each of those namespaces the platform owns (a monitor in one namespace may scrape pods of another).
  for (const namespace of props.namespaces ?? (ownNamespace !== undefined ? [ownNamespace] : [])) {
    NetworkFlows.declare(scope, {
      from: { namespace: prom.namespace, labels: prom.selector, what: 'Prometheus' },
      to: { namespace, labels: props.selector, what: `the pods ${name} scrapes` },
      port: props.port,
      purpose: `the scrape of ${name}`,
    });
    const pods = platform?.node.children.find((c): c is Namespace => Namespace.isNamespace(c) && c.name === namespace && !c.external);
    const id = policyId(namespace === ownNamespace ? `metrics-${name}` : `metrics-${ownNamespace ?? ''}-${name}`, 57);
    pods?.allowIngress(id, { pods: sortRecord(props.selector), peers: [NetworkPeer.pods(prom.namespace, prom.selector)], ports: [{ port: props.port }] });
  }
}

/**
 * A prometheus-operator `PodMonitor` (monitoring.coreos.com/v1): scrapes the
 * pods matching `selector` on a port number and path. Copies the pod labels
 * rules need into target labels, and opens the port to Prometheus in the
 * namespace's default-deny NetworkPolicy.
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor
 */
export class PodMonitor extends Construct {
  /** `metadata.name`. */
  public readonly monitorName: string;
  /** The selected pod labels. */
  public readonly selector: Readonly<Record<string, string>>;
  /** The metrics port. */
  public readonly port: number;
  /** The L1 object. */
  public readonly resource: mon.PodMonitor;

  public constructor(scope: Construct, id: string, props: PodMonitorProps) {
    checkProps(childPath(scope, id), props, 'PodMonitorProps');
    super(scope, id);
    const c = checkCommon(this, props);
    this.monitorName = c.name;
    this.selector = sortRecord(props.selector);
    this.port = props.port;
    const labels = relabelings(props.podLabels, props.targetLabels) ?? [];
    const endpoint: mon.PodMonitorSpecPodMetricsEndpoints = props.istioSidecar
      ? {
          port: 'http-envoy-prom',
          relabelings: [{ action: mon.PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE, sourceLabels: ['__address__'], regex: '(.+):\\d+', replacement: `$1:${props.port}`, targetLabel: '__address__' }, ...labels],
        }
      : { portNumber: props.port, relabelings: labels.length > 0 ? labels : undefined };
    this.resource = new mon.PodMonitor(this, 'Resource', {
      metadata: { name: c.name, labels: checkedRecord(this, 'labels', props.labels) },
      spec: {
        selector: { matchLabels: sortRecord(props.selector) },
        namespaceSelector: c.namespaces && { matchNames: c.namespaces },
        podMetricsEndpoints: [{ ...endpoint, path: c.path, interval: c.interval, scheme: mon.PodMonitorSpecPodMetricsEndpointsScheme.HTTP }],
      },
    });
    allowScrape(this, c.name, props, Chart.of(this).namespace);
  }
}

/**
 * A prometheus-operator `ServiceMonitor` (monitoring.coreos.com/v1): scrapes
 * the endpoints of the Services matching `selector` on a named port. Use it
 * when a Service already publishes the metrics port (Kong's status Service);
 * otherwise prefer {@link PodMonitor}.
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor
 */
export class ServiceMonitor extends Construct {
  /** `metadata.name`. */
  public readonly monitorName: string;
  /** The L1 object. */
  public readonly resource: mon.ServiceMonitor;

  public constructor(scope: Construct, id: string, props: ServiceMonitorProps) {
    checkProps(childPath(scope, id), props, 'ServiceMonitorProps');
    super(scope, id);
    const c = checkCommon(this, props);
    assertPortName(this, 'portName', props.portName, "use the port's name, e.g. 'status'");
    const paths = [c.path, ...(props.additionalPaths ?? [])];
    for (const p of props.additionalPaths ?? []) if (typeof p !== 'string' || !p.startsWith('/')) invalid(this, 'additionalPaths', "must start with '/'", p, "use e.g. '/server-metrics'");
    if (new Set(paths).size !== paths.length) invalid(this, 'additionalPaths', 'must not repeat a path', paths, 'list each metrics path once');
    this.monitorName = c.name;
    const token = props.bearerToken;
    if (token !== undefined) {
      assertDnsSubdomain(this, 'bearerToken.secret', token.secret?.secretName);
      if (typeof token.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(token.key)) invalid(this, 'bearerToken.key', 'must be a Secret key', token.key, "use e.g. 'token'");
    }
    const authorization = token && { type: 'Bearer', credentials: { name: token.secret.secretName, key: token.key } };
    const relabel = relabelings(props.podLabels, props.targetLabels) as mon.ServiceMonitorSpecEndpointsRelabelings[] | undefined;
    this.resource = new mon.ServiceMonitor(this, 'Resource', {
      metadata: { name: c.name, labels: checkedRecord(this, 'labels', props.labels) },
      spec: {
        selector: { matchLabels: sortRecord(props.selector) },
        namespaceSelector: c.namespaces && { matchNames: c.namespaces },
        endpoints: paths.map((path) => ({ port: props.portName, path, interval: c.interval, scheme: mon.ServiceMonitorSpecEndpointsScheme.HTTP, authorization, relabelings: relabel })),
      },
    });
    if (props.pods) allowScrape(this, c.name, { ...props, selector: props.pods.selector, port: props.pods.port }, Chart.of(this).namespace);
  }
}
