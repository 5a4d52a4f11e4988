import { invalid } from '../core/errors';
import { InferenceService, PREDICTOR_CONTAINER_PORT } from '../serving/inference-service';
import { ProtocolVersion } from '../serving/model-format';
import { ModelServerKind } from '../serving/serving-runtime';
import { Catalogs } from './catalogs';
import { MetricCatalog } from './metric-catalog';
import { LabelMatcher, selector } from './promql';
import { RateWindow, RequestMetrics, windowText } from './request-metrics';

/** A model-server panel of the model dashboard: one query. */
export interface ModelServerPanel {
  /** Panel title. */
  readonly title: string;
  /** Grafana unit, e.g. `s`, `short`. */
  readonly unit: string;
  /** The PromQL query. */
  readonly expr: string;
}

/** Definition of a {@link ModelServerMetrics}. */
export interface ModelServerMetricsProps {
  /** The software. */
  readonly kind: ModelServerKind;
  /** Its name in texts, e.g. `TorchServe`. */
  readonly title: string;
  /** Every metric it exports (alerts, SLOs and panels of its models may read only these, besides Kubernetes' and Prometheus' own). */
  readonly catalog: MetricCatalog;
  /** The container port of its Prometheus endpoint. */
  readonly port: number;
  /** The HTTP path of its Prometheus endpoint. */
  readonly path: string;
  /** Its own request metrics for a model's predictor pods. */
  readonly traffic: (namespace: string, inferenceService: string) => RequestMetrics;
  /**
   * What the server must be configured with to export metrics at all, for
   * the platform README (the "down" alert then reads kube-state-metrics,
   * not `up`). @default - exports them as installed
   */
  readonly setupNote?: { readonly title: string; readonly text: string };
  /** Extra model-dashboard panels from its own metrics. @default - none */
  readonly panels?: (namespace: string, inferenceService: string, window: RateWindow) => readonly ModelServerPanel[];
}

/** The ClusterServingRuntimes KServe v0.20.0 installs, by name (`config/runtimes/*.yaml`, `metadata.annotations.serving.kserve.io/server-type`). */
const BUILT_IN_RUNTIMES: Readonly<Record<string, ModelServerKind>> = {
  'kserve-sklearnserver': ModelServerKind.KSERVE,
  'kserve-xgbserver': ModelServerKind.KSERVE,
  'kserve-lgbserver': ModelServerKind.KSERVE,
  'kserve-pmmlserver': ModelServerKind.KSERVE,
  'kserve-paddleserver': ModelServerKind.KSERVE,
  'kserve-huggingfaceserver': ModelServerKind.HUGGINGFACE,
  'kserve-autogluonserver': ModelServerKind.KSERVE,
  'kserve-predictiveserver': ModelServerKind.KSERVE,
  'kserve-mlserver': ModelServerKind.MLSERVER,
  'kserve-torchserve': ModelServerKind.TORCHSERVE,
  'kserve-tritonserver': ModelServerKind.TRITON,
  'kserve-tensorflow-serving': ModelServerKind.TF_SERVING,
  'kserve-vllmserver': ModelServerKind.VLLM,
};

/**
 * The runtime KServe v0.20.0 auto-selects for a format that names no
 * runtime: among the ClusterServingRuntimes that declare the format with
 * `autoSelect` and speak the model's protocol, the highest `priority` wins
 * (`predictor_model.go` sortSupportedRuntimeByPriority). So `sklearn`,
 * `xgboost` and `lightgbm` go to the KServe servers on v1 but to MLServer
 * (priority 2 over their 1) on v2; `tensorflow` goes to TF Serving (Triton
 * declares it too, but speaks v2 only, which the library refuses for
 * TensorFlow); Triton's `pytorch` entry has no `autoSelect`.
 *
 * @see https://github.com/kserve/kserve/tree/v0.20.0/config/runtimes
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1beta1/predictor_model.go
 */
function autoSelected(format: string, protocol: ProtocolVersion): ModelServerKind | undefined {
  switch (format) {
    case 'sklearn':
    case 'xgboost':
    case 'lightgbm':
      return protocol === ProtocolVersion.V2 ? ModelServerKind.MLSERVER : ModelServerKind.KSERVE;
    case 'pmml':
    case 'paddle':
    case 'autogluon':
      return ModelServerKind.KSERVE;
    case 'huggingface':
      return ModelServerKind.HUGGINGFACE;
    case 'pytorch':
      return ModelServerKind.TORCHSERVE;
    case 'tensorflow':
      return ModelServerKind.TF_SERVING;
    case 'onnx':
    case 'triton':
    case 'tensorrt':
      return ModelServerKind.TRITON;
    case 'vLLM':
      return ModelServerKind.VLLM;
    default:
      return undefined;
  }
}

const target = (namespace: string, inferenceService: string) => [LabelMatcher.eq('inferenceservice', inferenceService), LabelMatcher.eq('namespace', namespace)];
// Summed by the target labels, like RequestMetrics' rates, so quotients of the two match.
const rate = (metric: string, namespace: string, name: string, w: RateWindow) => `sum by (inferenceservice, namespace) (rate(${selector(metric, target(namespace, name))}[${windowText(w)}]))`;

/**
 * What a model server exports to Prometheus: where (port, path), which
 * metrics (its catalog, from its source at the version KServe v0.20.0
 * installs) and its own request metrics. `KServeModelMonitoring` picks it
 * from the model's runtime or format, so alerts, SLOs, recording rules and
 * panels read only series the server exports.
 *
 * ```ts
 * new KServeModelMonitoring(models, 'custom', { model, modelServer: ModelServerMetrics.TRITON });
 * ```
 */
export class ModelServerMetrics {
  /** KServe's Python model server: 8080 `/metrics`, `request_*_seconds` histograms, no error counter. */
  public static readonly KSERVE = new ModelServerMetrics({
    kind: ModelServerKind.KSERVE,
    title: 'the KServe Python model server',
    catalog: Catalogs.KSERVE,
    port: PREDICTOR_CONTAINER_PORT,
    path: '/metrics',
    traffic: RequestMetrics.kserveModelServer,
  });

  /**
   * KServe's Hugging Face server: the KServe Python server on 8080
   * `/metrics`, and for generative models on its vLLM backend (the default
   * where vLLM runs) also vLLM's engine metrics, which the engine registers
   * in the same registry (`log_stats` is on unless `--disable_log_stats`).
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/python/huggingfaceserver/huggingfaceserver/vllm/vllm_model.py
   */
  public static readonly HUGGINGFACE = new ModelServerMetrics({
    kind: ModelServerKind.HUGGINGFACE,
    title: "KServe's Hugging Face server",
    catalog: MetricCatalog.merge('kserve-huggingface', [Catalogs.KSERVE, Catalogs.VLLM]),
    port: PREDICTOR_CONTAINER_PORT,
    path: '/metrics',
    traffic: RequestMetrics.kserveModelServer,
  });

  /** MLServer: 8082 `/metrics` (its `metrics_port`; KServe's runtime annotation says 8080, where MLServer serves none). */
  public static readonly MLSERVER = new ModelServerMetrics({
    kind: ModelServerKind.MLSERVER,
    title: 'MLServer',
    catalog: Catalogs.MLSERVER,
    port: 8082,
    path: '/metrics',
    traffic: RequestMetrics.mlServer,
    panels: (ns, name, w) => [{ title: 'Mean inference duration (MLServer)', unit: 's', expr: `${rate('model_infer_request_duration_sum', ns, name, w)}\n/\n${rate('model_infer_request_duration_count', ns, name, w)}` }],
  });

  /**
   * TorchServe: 8082 `/metrics`, once the model's `config.properties` sets
   * `metrics_mode=prometheus` and `metrics_address=http://0.0.0.0:8082`
   * (TorchServe 0.9.0 defaults to `log` and 127.0.0.1: no Prometheus metrics,
   * and none reachable from Prometheus).
   *
   * @see https://github.com/pytorch/serve/blob/v0.9.0/frontend/server/src/main/java/org/pytorch/serve/util/ConfigManager.java
   */
  public static readonly TORCHSERVE = new ModelServerMetrics({
    kind: ModelServerKind.TORCHSERVE,
    title: 'TorchServe',
    catalog: Catalogs.TORCHSERVE,
    port: 8082,
    path: '/metrics',
    traffic: RequestMetrics.torchServe,
    setupNote: {
      title: 'TorchServe metrics',
      text: "TorchServe (0.9.0, KServe's `kserve-torchserve` runtime) exports Prometheus metrics on port 8082 only when the model's `config.properties` (in the model storage, `config/config.properties`) sets `metrics_mode=prometheus` and `metrics_address=http://0.0.0.0:8082`; its defaults are `log` and 127.0.0.1, and then the PodMonitors of the PyTorch models find no metrics (their predictor-down alert reads kube-state-metrics, so it does not depend on them).",
    },
    panels: (ns, name, w) => [
      { title: 'Mean inference latency (TorchServe)', unit: 's', expr: `${rate('ts_inference_latency_microseconds', ns, name, w)}\n/\n${rate('ts_inference_requests_total', ns, name, w)}\n* 0.000001` },
      { title: 'Mean queue time (TorchServe)', unit: 's', expr: `${rate('ts_queue_latency_microseconds', ns, name, w)}\n/\n${rate('ts_inference_requests_total', ns, name, w)}\n* 0.000001` },
    ],
  });

  /** Triton: 8002 `/metrics`, per-model success and failure counters, cumulative durations. */
  public static readonly TRITON = new ModelServerMetrics({
    kind: ModelServerKind.TRITON,
    title: 'Triton',
    catalog: Catalogs.TRITON,
    port: 8002,
    path: '/metrics',
    traffic: RequestMetrics.triton,
    panels: (ns, name, w) => {
      const all = RequestMetrics.triton(ns, name).requestRate(w);
      return [
        { title: 'Mean request duration (Triton)', unit: 's', expr: `${rate('nv_inference_request_duration_us', ns, name, w)}\n/\n${all}\n* 0.000001` },
        { title: 'Mean queue time (Triton)', unit: 's', expr: `${rate('nv_inference_queue_duration_us', ns, name, w)}\n/\n${all}\n* 0.000001` },
      ];
    },
  });

  /**
   * TF Serving: its REST port under `/monitoring/prometheus/metrics`, once
   * started with a monitoring config.
   *
   * @see https://github.com/tensorflow/serving/blob/2.6.2/tensorflow_serving/util/prometheus_exporter.cc
   */
  public static readonly TF_SERVING = new ModelServerMetrics({
    kind: ModelServerKind.TF_SERVING,
    title: 'TF Serving',
    catalog: Catalogs.TF_SERVING,
    port: PREDICTOR_CONTAINER_PORT,
    path: '/monitoring/prometheus/metrics',
    traffic: RequestMetrics.tfServing,
    setupNote: {
      title: 'TF Serving metrics',
      text: 'TF Serving serves Prometheus metrics only when started with a monitoring config (`--monitoring_config_file` with `prometheus_config { enable: true, path: "/monitoring/prometheus/metrics" }`). Until the TensorFlow predictors get one, their PodMonitors find no metrics (the predictor-down alert reads kube-state-metrics, so it does not depend on them).',
    },
  });

  /** vLLM's OpenAI-compatible server: its serving port `/metrics`. */
  public static readonly VLLM = new ModelServerMetrics({
    kind: ModelServerKind.VLLM,
    title: 'vLLM',
    catalog: Catalogs.VLLM,
    port: PREDICTOR_CONTAINER_PORT,
    path: '/metrics',
    traffic: RequestMetrics.vllm,
  });

  /**
   * Text Embeddings Inference: its Prometheus port (`--prometheus-port`,
   * default 9000) `/metrics`, next to the serving port.
   *
   * @see https://github.com/huggingface/text-embeddings-inference/blob/v1.8.0/router/src/main.rs
   */
  public static readonly TEXT_EMBEDDINGS_INFERENCE = new ModelServerMetrics({
    kind: ModelServerKind.TEXT_EMBEDDINGS_INFERENCE,
    title: 'Text Embeddings Inference',
    catalog: Catalogs.TEI,
    port: 9000,
    path: '/metrics',
    traffic: RequestMetrics.textEmbeddingsInference,
    panels: (ns, name) => [{ title: 'Queue (TEI)', unit: 'short', expr: `sum(${selector('te_queue_size', target(ns, name))})` }],
  });

  /** Every model server above. */
  public static all(): readonly ModelServerMetrics[] {
    return [ModelServerMetrics.KSERVE, ModelServerMetrics.HUGGINGFACE, ModelServerMetrics.MLSERVER, ModelServerMetrics.TORCHSERVE, ModelServerMetrics.TRITON, ModelServerMetrics.TF_SERVING, ModelServerMetrics.VLLM, ModelServerMetrics.TEXT_EMBEDDINGS_INFERENCE];
  }

  /**
   * The metrics of a model server kind.
   *
   * @throws ModelServingError for a value that is not a ModelServerKind
   */
  public static of(kind: ModelServerKind): ModelServerMetrics {
    const found = ModelServerMetrics.all().find((s) => s.kind === kind);
    if (!found) invalid('ModelServerMetrics.of', 'kind', 'is not a known model server', kind, `use one of ${ModelServerMetrics.all().map((s) => `ModelServerKind.${s.kind}`).join(', ')}`);
    return found;
  }

  /**
   * The model server a model runs, from what its construct knows: the
   * runtime construct's `modelServer` (set by `ServingRuntime.vllm` and
   * `.textEmbeddingsInference`), the name of one of KServe v0.20.0's own
   * runtimes, or the runtime KServe auto-selects for its format and protocol.
   *
   * @returns the server, or why it cannot be known (a custom runtime that does not say, custom containers, an unknown format)
   */
  public static forModel(model: InferenceService): { readonly server?: ModelServerMetrics; readonly why: string } {
    const runtime = model.runtime;
    if (runtime !== undefined) {
      if (runtime.modelServer !== undefined) return { server: ModelServerMetrics.of(runtime.modelServer), why: `runtime '${runtime.runtimeName}' runs ${runtime.modelServer}` };
      if (!runtime.imported) return { why: `runtime '${runtime.runtimeName}' does not say which model server it runs (ServingRuntimeProps.modelServer)` };
      // A ClusterServingRuntime imported by name: KServe's own are known by their name.
      const kind = runtime.clusterScoped ? BUILT_IN_RUNTIMES[runtime.runtimeName] : undefined;
      if (kind !== undefined) return { server: ModelServerMetrics.of(kind), why: `KServe's runtime '${runtime.runtimeName}' runs ${kind}` };
      return { why: `runtime '${runtime.runtimeName}' is imported by name, is not one of KServe v0.20's own ClusterServingRuntimes, and its import does not say which model server it runs (the modelServer option of fromName)` };
    }
    const format = model.modelFormat?.name;
    if (format === undefined) return { why: 'the predictor is custom containers' };
    const kind = autoSelected(format, model.protocolVersion);
    if (kind !== undefined) return { server: ModelServerMetrics.of(kind), why: `KServe v0.20 selects ${kind} for format '${format}' over ${model.protocolVersion}` };
    return { why: `format '${format}' has no KServe v0.20 runtime the library knows` };
  }

  /** The software. */
  public readonly kind: ModelServerKind;
  /** Its name in texts. */
  public readonly title: string;
  /** Every metric it exports. */
  public readonly catalog: MetricCatalog;
  /** The container port of its Prometheus endpoint. */
  public readonly port: number;
  /** The HTTP path of its Prometheus endpoint. */
  public readonly path: string;
  /** What it must be configured with to export metrics, if anything. */
  public readonly setupNote?: { readonly title: string; readonly text: string };
  private readonly props: ModelServerMetricsProps;

  /** A model server not listed above (e.g. a custom predictor with its own catalog). */
  public constructor(props: ModelServerMetricsProps) {
    this.props = props;
    this.kind = props.kind;
    this.title = props.title;
    this.catalog = props.catalog;
    this.port = props.port;
    this.path = props.path;
    this.setupNote = props.setupNote;
  }

  /** True when the server exports metrics only once configured to (its "down" alert then reads kube-state-metrics instead of `up`). */
  public get metricsOptional(): boolean {
    return this.setupNote !== undefined;
  }

  /** Its own request metrics for the predictor pods of `inferenceService`. */
  public traffic(namespace: string, inferenceService: string): RequestMetrics {
    return this.props.traffic(namespace, inferenceService);
  }

  /** Its extra model-dashboard panels. */
  public panels(namespace: string, inferenceService: string, window: RateWindow): readonly ModelServerPanel[] {
    return this.props.panels?.(namespace, inferenceService, window) ?? [];
  }
}
