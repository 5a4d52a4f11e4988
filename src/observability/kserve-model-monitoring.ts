import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { errorMessage, invalid } from '../core/errors';
import { Namespace } from '../core/namespace';
import { Platform } from '../core/platform';
import { ISVC_LABEL, InferenceService } from '../serving/inference-service';
import { DeploymentMode } from '../serving/model-format';
import { AlertRule } from './alert-rule';
import { Alerts, alertTextBuilder, AlertTextBuilder } from './alert-templates';
import { IMonitoringBundle, MonitoringBundleProps } from './bundle';
import { Catalogs } from './catalogs';
import { GrafanaDashboard } from './dashboard';
import { MetricCatalog } from './metric-catalog';
import { modelDashboard } from './model-dashboard';
import { joinModelKindDashboard } from './model-kind-dashboard';
import { joinModelKindRules } from './model-kind-rules';
import { PrometheusRule } from './prometheus-rule';
import { latencyThresholdSeconds } from './prom-duration';
import { formatNumber, LabelMatcher, selector } from './promql';
import { isBucketBound, RequestMetrics } from './request-metrics';
import { ModelServerMetrics } from './model-servers';
import { ISTIO_MERGED_METRICS_PORT, PodMonitor } from './scrape';
import { Severity } from './severity';
import { Slo, SloObjective } from './slo';
import { TestSeries } from './test-series';
import { checkProps, hasProperty, optionalDuration, optionalNumber, optionalShape, optionalString, requireShape } from '../core/prop-types';
import { checkedRecord } from '../core/records';

/** The default SLOs of a model: 99.5% availability and p95 < 500 ms over 30 days. */
export interface ModelSloOptions {
  /** Availability target (0-1), when the traffic source has an error signal. @default 0.995 */
  readonly availability?: number;
  /**
   * Latency objective: `threshold` met by `target` of requests. The
   * threshold (a Duration longer than 0; sub-second is fine, a bare number
   * is refused) must be a bucket bound of the latency histogram when its
   * buckets are known (the SLO counts requests at or under it).
   * @default { threshold: Duration.millis(500), target: 0.95 }, when the histogram has a bound at 0.5 s or its buckets are unknown; no latency SLO otherwise (TF Serving's and TEI's own histograms)
   */
  readonly latency?: { readonly threshold: Duration; readonly target: number };
  /** Compliance window. @default Duration.days(30) */
  readonly window?: Duration;
}

/** Props of {@link KServeModelMonitoring}. */
export interface KServeModelMonitoringProps extends MonitoringBundleProps {
  /** The model. */
  readonly model: InferenceService;
  /**
   * The model server the predictor runs: where it serves its metrics and
   * which ones (the only model-server series alerts, SLOs and panels may
   * read).
   * @default - from the model: its runtime construct's `modelServer`, the name of a KServe runtime, or the runtime KServe v0.20 auto-selects for its format and protocol (`ModelServerMetrics.forModel`)
   * @throws ModelServingError when it cannot be known (custom containers, a runtime that does not say, an unknown format) and is not given
   */
  readonly modelServer?: ModelServerMetrics;
  /**
   * Where its requests, errors and latency are measured. A model server
   * measures what it exports (the KServe Python server and TorchServe have
   * no error counter, Triton, TorchServe and MLServer no latency histogram),
   * so pass the gateway's view to get every alert and SLO:
   * `gatewayMonitoring.trafficTo(model)`.
   * @default - the model server's own request metrics (`modelServer.traffic(...)`, e.g. RequestMetrics.kserveModelServer, .triton, .torchServe)
   * @throws ModelServingError when it reads metrics of another model server than the model's
   */
  readonly traffic?: RequestMetrics;
  /**
   * The predictor pod label that tells revisions apart (copied to the
   * `revision` target label that the canary alert and panel split by).
   * Knative (Serverless) predictors carry `serving.knative.dev/revision`; for
   * a Standard-mode canary give the label that differs between the stable
   * and canary pods.
   * @default 'serving.knative.dev/revision'
   */
  readonly revisionPodLabel?: string;
  /**
   * Port of the predictor's metrics.
   * @default - the model server's: 8080 (KServe Python servers, vLLM, TF Serving), 8082 (TorchServe, MLServer), 8002 (Triton), 9000 (TEI)
   */
  readonly metricsPort?: number;
  /**
   * Scrape through Istio's metrics merging: the predictor pods get the
   * `prometheus.io/scrape|port|path` annotations, the sidecar agent reads
   * the model's `/metrics` over localhost and serves them with its own on
   * port 15020 `/stats/prometheus`, and the PodMonitor (and the NetworkPolicy
   * for Prometheus) use that port. Needed under STRICT mesh mTLS
   * (`MeshMtls`), which refuses Prometheus' plain-text scrape of the model
   * port.
   * @default - true when the model's Namespace has Istio sidecar injection (`istio-injection: enabled`, set by MeshMtls) when the monitoring is created
   * @see https://istio.io/latest/docs/ops/integrations/prometheus/#option-1-metrics-merging
   */
  readonly istioMetricsMerging?: boolean;
  /**
   * p95 latency above which `<prefix>LatencyHigh` fires; longer than 0,
   * sub-second values are fine (compared in the latency histogram's unit).
   * A bare number is refused.
   * @default Duration.seconds(1)
   */
  readonly latencyP95?: Duration;
  /** Failed share of requests above which `<prefix>ErrorRateHigh` fires (0-1). @default 0.05 */
  readonly errorRatio?: number;
  /** How long traffic may stay split between 1% and 99% before `<prefix>CanaryStuck` fires. @default Duration.hours(6) */
  readonly canaryMaxDuration?: Duration;
  /** The model's SLOs; `false` for none. @default - 99.5% availability (when errors are measured) and p95 < 500 ms over 30 days */
  readonly slo?: ModelSloOptions | false;
  /**
   * Add the model to the dashboard of its kind (one per namespace, model
   * server and set of panels, templated by a `model` variable; see
   * {@link KServeModelMonitoring.dashboardPath}).
   * @default true
   */
  readonly dashboard?: boolean;
}

/**
 * Monitoring for one KServe model, as one bundle:
 *
 * - `PodMonitor/<name>-predictor`: the predictor pods (`serving.kserve.io/inferenceservice`,
 *   `component: predictor`) on the metrics endpoint of the model server the
 *   model runs ({@link ModelServerMetrics}: KServe Python servers and vLLM
 *   8080 `/metrics`, TorchServe and MLServer 8082, Triton 8002, TEI 9000, TF
 *   Serving its REST port once configured; in an Istio mesh the sidecar's
 *   merged metrics on 15020, see `istioMetricsMerging`), declared on the
 *   predictor container, with `inferenceservice` and `revision` target labels;
 * - the model's alerts in `PrometheusRule/<family>-<server>-models-alerts` (e.g.
 *   `kserve-sklearn-models-alerts`, `llm-vllm-models-alerts`): one object per namespace and
 *   model kind in the bundle's chart, whose rules select every model of the kind with the same
 *   thresholds and traffic source, aggregate by model and carry the `inferenceservice` label
 *   (see `joinModelKindRules`): `KServePredictorDown`, `KServeLatencyHigh` (p95 > 1 s),
 *   `KServeErrorRateHigh` (> 5%, when errors are measured), `KServeModelLoadFailing`
 *   (storage initializer or model container restarting), `KServeCanaryStuck`
 *   (traffic split between 1% and 99% for 6 h), each with the model's own unit tests;
 * - SLOs (`Slo`): 99.5% availability and p95 < 500 ms over 30 days, each when the
 *   traffic source measures it (errors; a latency histogram with a bound at 0.5 s), in the
 *   kind's `PrometheusRule/<family>-<server>-models-availability-slo` and `...-latency-slo`;
 * - the model in `ConfigMap/<family>-<server>-models-dashboard` (e.g. `kserve-sklearn-models-dashboard`,
 *   `llm-vllm-models-dashboard`): one dashboard per namespace and model kind, in the bundle's chart,
 *   whose `model` variable lists every model of the kind and whose panels (requests, errors, latency,
 *   canary split, resources, the model server's own row, LLM row, SLOs) select `$model`.
 *
 * Rules and panels may read only the model server's catalog, Kubernetes' and
 * Prometheus' own series and the traffic source's (a gateway's or mesh's):
 * anything else, another model server's metrics included, fails synth.
 *
 * ```ts
 * new KServeModelMonitoring(models, 'sklearn-iris', { model: iris, traffic: gatewayMonitoring.trafficTo(iris) });
 * ```
 */
export class KServeModelMonitoring extends Construct implements IMonitoringBundle {
  public readonly monitor: PodMonitor;
  /** The PrometheusRule of the model's kind, shared with the other models of that kind: its rules select this model too. */
  public readonly prometheusRule: PrometheusRule;
  /** The dashboard of the model's kind, shared with the other models of that kind (its `model` variable lists them). */
  public readonly dashboard?: GrafanaDashboard;
  /** The model's view of {@link dashboard}: `/d/<uid>?var-model=<name>`, relative to the Grafana URL. */
  public readonly dashboardPath?: string;
  /** The SLOs. */
  public readonly slos: readonly Slo[];
  /** Where requests are measured. */
  public readonly traffic: RequestMetrics;
  /** The catalog the rules and panels read: the model server's, Kubernetes' and Prometheus' own, and the traffic source's. */
  public readonly catalog: MetricCatalog;
  /** The model server the predictor runs. */
  public readonly modelServer: ModelServerMetrics;
  /** The model's namespace. */
  public readonly modelNamespace: string;
  /** The InferenceService name. */
  public readonly modelName: string;
  /** The kind of model, part of the shared objects' names: `kserve-<server>` or `llm-<server>`, e.g. `kserve-sklearn`. */
  public readonly modelKind: string;
  /** The text of alert `<prefix><suffix>`, with its runbook. */
  protected readonly text: AlertTextBuilder;

  public constructor(scope: Construct, id: string, props: KServeModelMonitoringProps) {
    super(scope, id);
    checkProps(this, props, 'KServeModelMonitoringProps');
    requireShape(this, 'model', props.model, (v): v is InferenceService => hasProperty(v, 'serviceName') && hasProperty(v, 'node'), 'an InferenceService', 'pass the InferenceService construct to monitor');
    optionalDuration(this, 'canaryMaxDuration', props.canaryMaxDuration, 'Duration.hours(1)');
    optionalString(this, 'revisionPodLabel', props.revisionPodLabel, "write the label key as a string, e.g. 'serving.knative.dev/revision'");
    optionalNumber(this, 'metricsPort', props.metricsPort);
    optionalShape(this, 'traffic', props.traffic, (v): v is RequestMetrics => hasProperty(v, 'spec') && typeof (v as RequestMetrics).spec === 'object', 'a RequestMetrics', 'use RequestMetrics.kserveModelServer(namespace, name) (or another RequestMetrics factory)');
    if (props.slo !== undefined && props.slo !== false) optionalShape(this, 'slo', props.slo, (v): v is object => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object of SLO options or false', 'pass slo: { ... }, or slo: false');
    const isLlm = this.alertPrefix() !== 'KServe';
    const name = props.model.serviceName;
    const namespace = props.model.serviceNamespace;
    if (!namespace) invalid(this, 'model', 'must be inside a Namespace', props.model.node.path, 'create the InferenceService inside a Namespace chart');
    this.modelNamespace = namespace;
    this.modelName = name;
    this.text = alertTextBuilder(this, this.alertPrefix(), props.runbookBaseUrl);
    optionalShape(this, 'modelServer', props.modelServer, (v): v is ModelServerMetrics => hasProperty(v, 'catalog') && hasProperty(v, 'kind'), 'a ModelServerMetrics', 'use ModelServerMetrics.TRITON (or another ModelServerMetrics)');
    const found = props.modelServer ? { server: props.modelServer, why: 'given' } : ModelServerMetrics.forModel(props.model);
    const server =
      found.server ??
      invalid(this, 'modelServer', `cannot be inferred from InferenceService ${namespace}/${name}: ${found.why}, so the metrics its pods export are unknown`, props.model.node.path, 'pass modelServer: ModelServerMetrics.KSERVE (or .TRITON, .TORCHSERVE, .MLSERVER, .TF_SERVING, .VLLM, .TEXT_EMBEDDINGS_INFERENCE), or set modelServer on the ServingRuntime');
    this.modelServer = server;
    this.modelKind = `${isLlm ? 'llm' : 'kserve'}-${server.kind}`;
    if (isLlm && !server.catalog.has('vllm:e2e_request_latency_seconds_count')) {
      invalid(this, 'model', `runs ${server.title} (${found.why}), but LlmMonitoring reads vLLM's metrics (vllm:*), which it does not export`, `${namespace}/${name}`, 'use KServeModelMonitoring for this model, or serve it with a vLLM runtime');
    }
    this.traffic = props.traffic ?? (isLlm ? RequestMetrics.vllm(namespace, name) : server.traffic(namespace, name));
    // A traffic source may be the gateway's or the mesh's, but not another model server's: its series would never exist.
    const others = ModelServerMetrics.all().filter((o) => o.catalog !== server.catalog);
    const foreign = (metric: string) => (server.catalog.has(metric) ? undefined : others.find((o) => o.catalog.has(metric)));
    for (const metric of this.traffic.metricNames) {
      const other = foreign(metric);
      if (other) {
        invalid(this, 'traffic', `reads ${metric}, which ${other.title} exports, but InferenceService ${namespace}/${name} runs ${server.title} (${found.why}), which does not: the series would never exist`, this.traffic.spec.source, `omit traffic for ${server.title}'s own request metrics, or measure at the gateway (gatewayMonitoring.trafficTo(model))`);
      }
    }
    const trafficOwn = new MetricCatalog(this.traffic.spec.catalog.name, Object.fromEntries(this.traffic.spec.catalog.entries.filter(([metric]) => !foreign(metric))));
    this.catalog = MetricCatalog.merge(`${server.catalog.name}-model`, [server.catalog, Catalogs.PROMETHEUS, Catalogs.KUBERNETES, trafficOwn]);
    const own = Chart.of(this).namespace;
    const modelChart = Chart.of(props.model);
    const meshed = () => Namespace.isNamespace(modelChart) && modelChart.label('istio-injection') === 'enabled';
    const merged = props.istioMetricsMerging ?? meshed();
    const metricsPort = props.metricsPort ?? server.port;
    const metricsPath = server.path;
    if (merged) {
      props.model.addPodAnnotation('prometheus.io/scrape', 'true');
      props.model.addPodAnnotation('prometheus.io/port', String(metricsPort));
      props.model.addPodAnnotation('prometheus.io/path', metricsPath);
    } else {
      props.model.exposeMetricsPort(metricsPort);
      this.node.addValidation({
        validate: () =>
          meshed()
            ? [errorMessage(this, 'istioMetricsMerging', `is off, but namespace '${namespace}' has Istio sidecar injection (turned off here, or switched on after this monitoring was created): under STRICT mTLS Prometheus could not scrape port ${metricsPort} in plain text`, false, 'create the monitoring after MeshMtls, or pass istioMetricsMerging: true')]
            : [],
      });
    }

    this.monitor = new PodMonitor(this, 'PodMonitor', {
      name: `${name}-predictor`,
      selector: { [ISVC_LABEL]: name, component: 'predictor' },
      namespaces: own === namespace ? undefined : [namespace],
      port: merged ? ISTIO_MERGED_METRICS_PORT : metricsPort,
      path: merged ? '/stats/prometheus' : metricsPath,
      istioSidecar: merged,
      podLabels: { inferenceservice: ISVC_LABEL, revision: props.revisionPodLabel ?? 'serving.knative.dev/revision' },
      labels: checkedRecord(this, 'labels', props.labels),
      prometheus: props.prometheus,
    });

    const alerts: AlertRule[] = [];
    const target = { namespace, inferenceservice: name };
    // The rules are shared with the other models of the kind: texts name the model from the series' label.
    const where = `InferenceService ${namespace}/{{ $labels.inferenceservice }}`;

    if (server.metricsOptional) {
      // The server exports metrics only when configured to: "down" comes from kube-state-metrics instead of `up`.
      const revisionDeployment = `${name}-predictor-00001-deployment`;
      if (props.model.deploymentMode === DeploymentMode.KNATIVE && revisionDeployment.length > 63) {
        // knative.dev/pkg kmeta.ChildName shortens a child name over 63 characters with a hash, which no pattern of the name can match.
        invalid(this, 'model', `is a Knative-mode model whose revision Deployments (${revisionDeployment}) would be named over 63 characters, which Knative shortens with a hash: the down alert could not find them`, name, 'give the InferenceService a name of at most 36 characters');
      }
      const down = this.text('PredictorDown', Severity.CRITICAL, Duration.minutes(5), `${where}: no predictor is available`, 'No predictor replica of the model has been available for 5 minutes (kube-state-metrics): requests to the model fail.');
      alerts.push(
        // Standard mode: the Deployment `<isvc>-predictor`. Knative mode: one Deployment per revision (an InferenceService name is a DNS label: no regex metacharacter)
        // (`<isvc>-predictor-00001-deployment`), scaled to zero when idle.
        props.model.deploymentMode === DeploymentMode.KNATIVE
          ? Alerts.noAvailableRevisionReplicas(down, { namespace, deploymentPattern: `${name}-predictor-[0-9]+-deployment` })
          : Alerts.noAvailableReplicas(down, { namespace, deployment: `${name}-predictor` }),
      );
      if (server.setupNote) Platform.tryOf(this)?.addSetupNote(server.setupNote.title, server.setupNote.text);
    } else {
      alerts.push(
        Alerts.targetDown(this.text('PredictorDown', Severity.CRITICAL, Duration.minutes(5), `${where}: no predictor is up`, 'No predictor pod of the model answers its metrics endpoint (all down, or none running) for 5 minutes: requests to the model fail.'), target),
      );
    }
    const latencyThreshold = props.latencyP95 ?? Duration.seconds(1);
    const latency = latencyThresholdSeconds(this, 'latencyP95', latencyThreshold, 'Duration.seconds(1)');
    if (this.traffic.spec.latency) {
      alerts.push(
        Alerts.latency(this.traffic, this.text('LatencyHigh', Severity.WARNING, Duration.minutes(10), `${where}: p95 latency above ${formatNumber(latency)}s`, `The 95th percentile of request latency, measured by ${this.traffic.spec.source}, has been above ${formatNumber(latency)}s for 10 minutes.`), { quantile: 0.95, threshold: latencyThreshold, window: Duration.minutes(5) }),
      );
    }
    const errorRatio = props.errorRatio ?? 0.05;
    if (!(errorRatio > 0 && errorRatio < 1)) invalid(this, 'errorRatio', 'must be strictly between 0 and 1', errorRatio, 'use e.g. 0.05 for 5%');
    if (this.traffic.spec.errors) {
      alerts.push(
        Alerts.errorRatio(this.traffic, this.text('ErrorRateHigh', Severity.CRITICAL, Duration.minutes(5), `${where}: more than ${formatNumber(errorRatio * 100)}% of requests fail`, `More than ${formatNumber(errorRatio * 100)}% of requests, measured by ${this.traffic.spec.source}, have failed with a server error for 5 minutes.`), { threshold: errorRatio, window: Duration.minutes(5) }),
      );
    }
    alerts.push(this.modelLoadAlert(namespace, name, where));
    const canary = props.canaryMaxDuration ?? Duration.hours(6);
    if (this.traffic.spec.splitLabel) {
      alerts.push(
        Alerts.canaryStuck(this.traffic, this.text('CanaryStuck', Severity.WARNING, canary, `${where}: canary rollout stuck`, `Traffic has been split between revisions (the canary between 1% and 99%) for longer than ${canary.toHumanString()}: promote or roll back the canary.`), { lower: 0.01, upper: 0.99, window: Duration.minutes(30) }),
      );
    }

    alerts.push(...this.moreAlerts(props));
    const member = { namespace, model: name, modelLabel: 'inferenceservice' };
    this.prometheusRule = joinModelKindRules(this, {
      ...member,
      name: `${this.modelKind}-models`,
      suffix: 'alerts',
      alertPrefix: this.alertPrefix(),
      catalog: this.catalog,
      labels: checkedRecord(this, 'labels', props.labels),
      groups: [{ name: `${this.alertPrefix().toLowerCase()}.${namespace}.${this.modelKind}`, alerts }],
    });

    const slos: Slo[] = [];
    if (props.slo !== false) {
      const o = props.slo ?? {};
      if (this.traffic.spec.errors) {
        slos.push(new Slo(this, 'AvailabilitySlo', { name: `${this.modelKind}-models-availability`, model: member, traffic: this.traffic, objective: SloObjective.availability(o.availability ?? 0.995), window: o.window, runbookBaseUrl: props.runbookBaseUrl, labels: checkedRecord(this, 'labels', props.labels) }));
      }
      if (this.traffic.spec.latency) {
        const l = o.latency ?? { threshold: Duration.millis(500), target: 0.95 };
        const thresholdS = latencyThresholdSeconds(this, 'slo.latency.threshold', l.threshold, 'Duration.millis(500)');
        if (o.latency !== undefined || isBucketBound(this.traffic.spec.latency, thresholdS)) slos.push(new Slo(this, 'LatencySlo', { name: `${this.modelKind}-models-latency`, model: member, traffic: this.traffic, objective: SloObjective.latency(l.threshold, l.target), window: o.window, runbookBaseUrl: props.runbookBaseUrl, labels: checkedRecord(this, 'labels', props.labels) }));
      }
    }
    slos.push(...this.moreSlos(props));
    this.slos = slos;

    if (props.dashboard ?? true) {
      const d = modelDashboard({
        title: `Model ${namespace}/${name}`,
        namespace,
        inferenceService: name,
        traffic: this.traffic,
        llm: isLlm,
        serverPanels: server.panels(namespace, name, '$__rate_interval'),
        extraRows: slos.length > 0 ? [{ title: 'SLOs', panels: slos.flatMap((s) => s.panels()) }] : [],
      });
      const joined = joinModelKindDashboard(this, {
        kind: this.modelKind,
        title: isLlm ? `LLMs (${server.kind})` : `KServe models (${server.kind})`,
        namespace,
        model: name,
        dashboard: d,
        catalog: this.catalog,
        recordedSeries: slos.flatMap((s) => s.recordedSeries),
        labels: checkedRecord(this, 'labels', props.labels),
        grafanaOperator: props.grafanaOperator,
      });
      this.dashboard = joined.dashboard;
      this.dashboardPath = joined.path;
    }
  }

  /**
   * Alerts a subclass adds to the model's, for this model only (they join
   * the kind's rules with the model's). Called once from the constructor,
   * after the model's own alerts. @returns none here
   */
  protected moreAlerts(_props: KServeModelMonitoringProps): AlertRule[] {
    return [];
  }

  /**
   * SLOs a subclass adds to the model's (they join {@link slos} and the
   * dashboard's SLO row). Called once from the constructor, after the
   * alerts. @returns none here
   */
  protected moreSlos(_props: KServeModelMonitoringProps): Slo[] {
    return [];
  }

  /** The alert-name prefix: `KServe`. */
  protected alertPrefix(): string {
    return 'KServe';
  }

  private modelLoadAlert(namespace: string, name: string, where: string): AlertRule {
    const pods = [LabelMatcher.eq('namespace', namespace), LabelMatcher.re('pod', `${name}-predictor-.*`)];
    const init = selector('kube_pod_init_container_status_restarts_total', [...pods, LabelMatcher.eq('container', 'storage-initializer')]);
    const main = selector('kube_pod_container_status_restarts_total', [...pods, LabelMatcher.eq('container', 'kserve-container')]);
    const samples = 30;
    const labels = { namespace, pod: `${name}-predictor-7c9d5-x2x4q` };
    const expected = { namespace, inferenceservice: name };
    const flat = [TestSeries.counter('kube_pod_init_container_status_restarts_total', { ...labels, container: 'storage-initializer' }, 0, samples), TestSeries.counter('kube_pod_container_status_restarts_total', { ...labels, container: 'kserve-container' }, 0, samples)];
    return {
      ...this.text('ModelLoadFailing', Severity.CRITICAL, Duration.minutes(5), `${where}: the model fails to load`, 'The storage initializer (model download) or the model server container of a predictor pod keeps restarting: the model cannot be loaded. Check the storage URI, credentials and the container logs.'),
      // The model's name from its pods' (`<isvc>-predictor-...`), so that one rule serves the models of a kind.
      expr: `sum by (inferenceservice, namespace) (\n  label_replace(\n    rate(${init}[15m])\n    or\n    rate(${main}[15m]),\n  "inferenceservice", "$1", "pod", "(${name})-predictor-.*"\n  )\n) > 0`,
      tests: [
        { description: 'the storage initializer restarts every 5 minutes', evalTime: Duration.minutes(25), series: [TestSeries.counter('kube_pod_init_container_status_restarts_total', { ...labels, container: 'storage-initializer' }, 1 / 300, samples), flat[1]], expectedAlerts: [expected] },
        { description: 'the model container restarts every 5 minutes', evalTime: Duration.minutes(25), series: [flat[0], TestSeries.counter('kube_pod_container_status_restarts_total', { ...labels, container: 'kserve-container' }, 1 / 300, samples)], expectedAlerts: [expected] },
        { description: 'no restarts', evalTime: Duration.minutes(25), series: flat, expectedAlerts: [] },
      ],
    };
  }
}
