import { Duration } from 'cdk8s';
import { invalid } from '../core/errors';
import { Catalogs } from './catalogs';
import { MetricCatalog } from './metric-catalog';
import { formatPromDuration, latencyThresholdSeconds } from './prom-duration';
import { formatNumber, LabelMatcher, leRegex, selector } from './promql';
import { InputSeries, TestSeries } from './test-series';

/**
 * A counter series set: a metric, the matchers that narrow it, and the labels
 * a synthetic test series needs so the matchers select it.
 */
export interface CounterRef {
  /** The counter's exposed name, e.g. `istio_requests_total`. */
  readonly metric: string;
  /** Matchers besides the target's labels, e.g. `response_code=~"5.."`. @default - none */
  readonly matchers?: readonly LabelMatcher[];
  /** Labels of a test series these matchers select, e.g. `{ response_code: '503' }`. @default - none */
  readonly sample?: Readonly<Record<string, string>>;
}

/** The unit of a latency histogram's `le` values (and of what it observes). */
export enum LatencyUnit {
  /** Seconds, e.g. KServe's `request_predict_seconds`, vLLM's histograms. */
  SECONDS = 'seconds',
  /** Milliseconds, e.g. Envoy's `upstream_rq_time`, `istio_request_duration_milliseconds`, `kong_request_latency_ms`. */
  MILLISECONDS = 'milliseconds',
  /** Microseconds, e.g. TF Serving's `:tensorflow:serving:request_latency`. */
  MICROSECONDS = 'microseconds',
}

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { seconds: 1, milliseconds: 0.001, microseconds: 0.000001 };

/**
 * Seconds per unit of the `le` values of `h` (1, 0.001 or 0.000001).
 *
 * @throws ModelServingError when `h.unit` is not a {@link LatencyUnit} (e.g. the former `unitSeconds` number)
 */
export function secondsPerUnit(h: HistogramRef): number {
  const s = SECONDS_PER_UNIT[h.unit as string];
  if (s === undefined) {
    const old = (h as { unitSeconds?: unknown }).unitSeconds;
    invalid('RequestMetrics', `latency.unit`, `must be a LatencyUnit${old !== undefined ? ' (unitSeconds is gone: the unit is no longer a number)' : ''}`, h.unit ?? old, 'use unit: LatencyUnit.SECONDS, LatencyUnit.MILLISECONDS or LatencyUnit.MICROSECONDS');
  }
  return s;
}

/** A latency histogram. */
export interface HistogramRef {
  /** The histogram's base name (without `_bucket`), e.g. `request_predict_seconds`. */
  readonly metric: string;
  /** The unit of its `le` values. */
  readonly unit: LatencyUnit;
  /**
   * Its bucket bounds (`le` values, in its own unit), when the server fixes
   * them: a latency SLO needs a bound at exactly its threshold, and is
   * refused otherwise. @default - unknown (not checked)
   */
  readonly buckets?: readonly number[];
}

/** Definition of a {@link RequestMetrics}. */
export interface RequestMetricsSpec {
  /** A short name of the source for texts, e.g. `the Envoy cluster`. */
  readonly source: string;
  /** The catalog the metrics come from. */
  readonly catalog: MetricCatalog;
  /** Equality labels that identify the target; alerts aggregate by these keys and carry them. */
  readonly target: Readonly<Record<string, string>>;
  /** Matchers applied to every series besides `target` (e.g. `reporter="source"`). @default - none */
  readonly matchers?: readonly LabelMatcher[];
  /** Labels test series carry for `matchers`. @default - none */
  readonly sample?: Readonly<Record<string, string>>;
  /** Every request (errors included). */
  readonly requests: CounterRef;
  /** Failed requests (server errors). @default - no error signal: no error-rate alert or availability SLO */
  readonly errors?: CounterRef;
  /**
   * True when `requests` counts only the requests that succeeded (Triton's
   * `nv_inference_request_success`, MLServer's `model_infer_request_success`),
   * so every request is `requests + errors`. Needs `errors`.
   * @default false (requests counts every request, errors included)
   */
  readonly requestsExcludeErrors?: boolean;
  /** Request latency. @default - no latency signal */
  readonly latency?: HistogramRef;
  /** A label that tells stable from canary traffic (revision). @default - no canary signal */
  readonly splitLabel?: string;
}

/**
 * True when `seconds` is a bucket bound of histogram `h` (relative
 * tolerance 1e-9), or when its buckets are unknown.
 */
export function isBucketBound(h: HistogramRef | undefined, seconds: number): boolean {
  if (!h?.buckets) return true;
  const bound = seconds / secondsPerUnit(h);
  return h.buckets.some((b) => Math.abs(b - bound) <= 1e-9 * Math.max(Math.abs(b), Math.abs(bound)));
}

/** A rate window: a duration, or Grafana's `$__rate_interval` in dashboard panels. */
export type RateWindow = Duration | '$__rate_interval';

/** The window as PromQL text. */
export function windowText(w: RateWindow): string {
  return typeof w === 'string' ? w : formatPromDuration(w);
}

/** Synthetic traffic for a unit-test case. */
export interface TrafficSample {
  /** Requests per second. @default 10 */
  readonly rps?: number;
  /** Share of requests that fail, 0-1. @default 0 */
  readonly errorRatio?: number;
  /** Cumulative latency distribution in seconds: `[le, share at or below]` pairs, ascending; the rest is slower. @default - no latency series */
  readonly latency?: ReadonlyArray<readonly [number, number]>;
  /** Shares per `splitLabel` value (sum 1). @default - one series */
  readonly split?: Readonly<Record<string, number>>;
  /** Number of samples. */
  readonly samples: number;
  /** Sample spacing. @default Duration.minutes(1) */
  readonly interval?: Duration;
}

/**
 * Where the request, error and latency metrics of one target (a model, a
 * route, a gateway) come from: the model server itself, the gateway's Envoy
 * cluster for its backend, Istio's standard metrics or Kong's. Alerts, SLOs
 * and panels are built from it, and so are the synthetic series of their
 * unit tests, from the same definitions.
 */
export class RequestMetrics {
  /**
   * A KServe Python model server's own histogram `request_predict_seconds`
   * (its `_count` counts requests) for the predictor pods of `inferenceService`,
   * labelled `inferenceservice` and `revision` by the model's PodMonitor.
   * Latency and canary split only: the model server has no error counter.
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/python/kserve/kserve/metrics.py
   */
  public static kserveModelServer(namespace: string, inferenceService: string): RequestMetrics {
    return new RequestMetrics({
      source: 'the KServe model server',
      catalog: Catalogs.KSERVE,
      target: { namespace, inferenceservice: inferenceService },
      requests: { metric: 'request_predict_seconds_count' },
      // prometheus_client's default buckets (Histogram.DEFAULT_BUCKETS)
      latency: { metric: 'request_predict_seconds', unit: LatencyUnit.SECONDS, buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
      splitLabel: 'revision',
    });
  }

  /**
   * TorchServe's own counters for the predictor pods of `inferenceService`:
   * `ts_inference_requests_total` counts requests. Requests and canary split
   * only: its latency metrics are cumulative microsecond counters (an average,
   * no quantile), and its only error counter (`Requests5XX`) covers the whole
   * server's HTTP APIs and misses gRPC, so measure errors and latency at the
   * gateway.
   *
   * @see https://github.com/pytorch/serve/blob/v0.9.0/ts/configs/metrics.yaml
   */
  public static torchServe(namespace: string, inferenceService: string): RequestMetrics {
    return new RequestMetrics({
      source: 'TorchServe',
      catalog: Catalogs.TORCHSERVE,
      target: { namespace, inferenceservice: inferenceService },
      requests: { metric: 'ts_inference_requests_total' },
      splitLabel: 'revision',
    });
  }

  /**
   * Triton's per-model counters for the predictor pods of `inferenceService`:
   * `nv_inference_request_success` plus `nv_inference_request_failure`
   * (errors). No latency histogram: Triton 23.05 has cumulative duration
   * counters (and opt-in summaries) only.
   *
   * @see https://github.com/triton-inference-server/core/blob/r23.05/src/metrics.cc
   */
  public static triton(namespace: string, inferenceService: string): RequestMetrics {
    return new RequestMetrics({
      source: 'Triton',
      catalog: Catalogs.TRITON,
      target: { namespace, inferenceservice: inferenceService },
      requests: { metric: 'nv_inference_request_success' },
      errors: { metric: 'nv_inference_request_failure' },
      requestsExcludeErrors: true,
      splitLabel: 'revision',
    });
  }

  /**
   * TF Serving's `:tensorflow:serving:request_count` (errors: the canonical
   * codes it answers with HTTP 5xx, `http_server.cc` ToHTTPStatusCode) and
   * its `request_latency` histogram in microseconds, for the predictor pods
   * of `inferenceService`. The histogram only records successful requests,
   * and its buckets (10 * 1.8^k microseconds) have no round bound such as
   * 0.5 s.
   *
   * @see https://github.com/tensorflow/serving/blob/2.6.2/tensorflow_serving/servables/tensorflow/util.cc
   */
  public static tfServing(namespace: string, inferenceService: string): RequestMetrics {
    return new RequestMetrics({
      source: 'TF Serving',
      catalog: Catalogs.TF_SERVING,
      target: { namespace, inferenceservice: inferenceService },
      requests: { metric: ':tensorflow:serving:request_count', sample: { status: 'OK' } },
      errors: { metric: ':tensorflow:serving:request_count', matchers: [LabelMatcher.re('status', 'UNKNOWN|DEADLINE_EXCEEDED|UNIMPLEMENTED|INTERNAL|UNAVAILABLE|DATA_LOSS')], sample: { status: 'INTERNAL' } },
      latency: { metric: ':tensorflow:serving:request_latency', unit: LatencyUnit.MICROSECONDS, buckets: exponentialBuckets(10, 1.8, 33) },
      splitLabel: 'revision',
    });
  }

  /**
   * MLServer's `model_infer_request_success_total` plus
   * `model_infer_request_failure_total` (errors). No latency histogram: its
   * request duration is a summary without quantiles.
   *
   * @see https://github.com/SeldonIO/MLServer/blob/1.7.1/mlserver/handlers/dataplane.py
   */
  public static mlServer(namespace: string, inferenceService: string): RequestMetrics {
    return new RequestMetrics({
      source: 'MLServer',
      catalog: Catalogs.MLSERVER,
      target: { namespace, inferenceservice: inferenceService },
      requests: { metric: 'model_infer_request_success_total' },
      errors: { metric: 'model_infer_request_failure_total' },
      requestsExcludeErrors: true,
      splitLabel: 'revision',
    });
  }

  /**
   * Text Embeddings Inference's `te_request_count`, `te_request_failure`
   * (every failure, validation errors included) and `te_request_duration`
   * histogram (seconds, buckets 1.5e-5 * 1.5^k: no round bound such as 0.5 s).
   *
   * @see https://github.com/huggingface/text-embeddings-inference/blob/v1.8.0/router/src/http/server.rs
   * @see https://github.com/huggingface/text-embeddings-inference/blob/v1.8.0/router/src/prometheus.rs
   */
  public static textEmbeddingsInference(namespace: string, inferenceService: string): RequestMetrics {
    return new RequestMetrics({
      source: 'Text Embeddings Inference',
      catalog: Catalogs.TEI,
      target: { namespace, inferenceservice: inferenceService },
      requests: { metric: 'te_request_count' },
      errors: { metric: 'te_request_failure' },
      latency: { metric: 'te_request_duration', unit: LatencyUnit.SECONDS, buckets: teiDurationBuckets() },
      splitLabel: 'revision',
    });
  }

  /**
   * vLLM's own end-to-end latency histogram (its `_count` counts finished requests) for the pods of `inferenceService`.
   *
   * @see https://github.com/vllm-project/vllm/blob/v0.11.0/vllm/v1/metrics/loggers.py
   */
  public static vllm(namespace: string, inferenceService: string): RequestMetrics {
    return new RequestMetrics({
      source: 'vLLM',
      catalog: Catalogs.VLLM,
      target: { namespace, inferenceservice: inferenceService },
      requests: { metric: 'vllm:e2e_request_latency_seconds_count' },
      latency: { metric: 'vllm:e2e_request_latency_seconds', unit: LatencyUnit.SECONDS, buckets: [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680] },
      splitLabel: 'revision',
    });
  }

  /**
   * An Envoy upstream cluster as seen by the gateway proxies (kgateway,
   * Envoy Gateway): `envoy_cluster_upstream_rq_*` for `clusterName`.
   */
  public static envoyCluster(clusterName: string): RequestMetrics {
    return new RequestMetrics({
      source: 'the gateway (Envoy cluster)',
      catalog: Catalogs.ENVOY,
      target: { envoy_cluster_name: clusterName },
      requests: { metric: 'envoy_cluster_upstream_rq_total' },
      errors: { metric: 'envoy_cluster_upstream_rq_xx', matchers: [LabelMatcher.eq('envoy_response_code_class', '5')], sample: { envoy_response_code_class: '5' } },
      latency: { metric: 'envoy_cluster_upstream_rq_time', unit: LatencyUnit.MILLISECONDS },
    });
  }

  /** Every request an Envoy-based gateway's listeners received: `envoy_http_downstream_rq_*` of the pods labelled `gateway` in `namespace`. */
  public static envoyGateway(namespace: string, gateway: string): RequestMetrics {
    return new RequestMetrics({
      source: 'the gateway listeners',
      catalog: Catalogs.ENVOY,
      target: { namespace, gateway },
      requests: { metric: 'envoy_http_downstream_rq_total' },
      errors: { metric: 'envoy_http_downstream_rq_xx', matchers: [LabelMatcher.eq('envoy_response_code_class', '5')], sample: { envoy_response_code_class: '5' } },
      latency: { metric: 'envoy_http_downstream_rq_time', unit: LatencyUnit.MILLISECONDS },
    });
  }

  /**
   * Istio's standard metrics for requests to a Service, as reported by
   * `reporter` (`source` for a gateway in front of pods without sidecars).
   * Errors are 5xx responses, or, for a gRPC backend (`grpc`), a non-zero
   * `grpc_response_status`: gRPC reports failures in its status with HTTP
   * 200, so a 5xx count would never see them.
   *
   * @see https://istio.io/latest/docs/reference/config/metrics/#labels
   */
  public static istio(namespace: string, service: string, reporter: 'source' | 'destination' = 'source', options: { readonly grpc?: boolean } = {}): RequestMetrics {
    const errors: CounterRef = options.grpc
      ? { metric: 'istio_requests_total', matchers: [LabelMatcher.nre('grpc_response_status', '0|')], sample: { grpc_response_status: '14' } }
      : { metric: 'istio_requests_total', matchers: [LabelMatcher.re('response_code', '5..')], sample: { response_code: '503' } };
    return new RequestMetrics({
      source: 'Istio',
      catalog: Catalogs.ISTIO,
      target: { destination_service_namespace: namespace, destination_service_name: service },
      matchers: [LabelMatcher.eq('reporter', reporter)],
      sample: { reporter },
      requests: { metric: 'istio_requests_total', sample: options.grpc ? { response_code: '200', grpc_response_status: '0' } : { response_code: '200' } },
      errors,
      latency: { metric: 'istio_request_duration_milliseconds', unit: LatencyUnit.MILLISECONDS },
      splitLabel: 'destination_canonical_revision',
    });
  }

  /**
   * agentgateway's own request metrics for the proxy pods of Gateway
   * `gateway` in `namespace` (the PodMonitor's `namespace` and `gateway`
   * target labels): `agentgateway_requests_total` (errors: `status` 5xx) and
   * the `agentgateway_request_duration_seconds` histogram, optionally
   * narrowed to more labels of the series (`backend`, `route`).
   *
   * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/crates/agentgateway/src/telemetry/metrics.rs
   */
  public static agentgateway(namespace: string, gateway: string, labels: Readonly<Record<string, string>> = {}): RequestMetrics {
    return new RequestMetrics({
      source: labels.backend ? 'the gateway (agentgateway backend)' : 'the gateway (agentgateway)',
      catalog: Catalogs.AGENTGATEWAY,
      target: { namespace, gateway, ...labels },
      requests: { metric: 'agentgateway_requests_total', sample: { status: '200' } },
      errors: { metric: 'agentgateway_requests_total', matchers: [LabelMatcher.re('status', '5..')], sample: { status: '503' } },
      // HTTP_REQUEST_DURATION_BUCKET of telemetry/metrics.rs
      latency: { metric: 'agentgateway_request_duration_seconds', unit: LatencyUnit.SECONDS, buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 80] },
    });
  }

  /** Kong's Prometheus plugin metrics for one Kong Service (`service` label). */
  public static kong(service: string): RequestMetrics {
    return new RequestMetrics({
      source: 'Kong',
      catalog: Catalogs.KONG,
      target: { service },
      requests: { metric: 'kong_http_requests_total', sample: { code: '200' } },
      errors: { metric: 'kong_http_requests_total', matchers: [LabelMatcher.re('code', '5..')], sample: { code: '503' } },
      latency: { metric: 'kong_request_latency_ms', unit: LatencyUnit.MILLISECONDS },
    });
  }

  /** Any other source. */
  public static custom(spec: RequestMetricsSpec): RequestMetrics {
    return new RequestMetrics(spec);
  }

  private constructor(
    /** The definition. */
    public readonly spec: RequestMetricsSpec,
  ) {
    if (spec.requestsExcludeErrors && !spec.errors) invalid('RequestMetrics', 'requestsExcludeErrors', 'needs an errors counter: requests then counts only successes', spec.requests.metric, 'give errors: { metric: ... }, or drop requestsExcludeErrors');
    if (spec.latency) secondsPerUnit(spec.latency);
  }

  /** Every metric name the source reads (`_bucket`/`_count` of the latency histogram included). */
  public get metricNames(): readonly string[] {
    const h = this.spec.latency;
    const names = [this.spec.requests.metric, this.spec.errors?.metric, h && `${h.metric}_bucket`, h && `${h.metric}_count`].filter((n): n is string => n !== undefined);
    return [...new Set(names)].sort();
  }

  /** The label keys alerts aggregate by (the target's keys, sorted). */
  public get groupBy(): string[] {
    return Object.keys(this.spec.target).sort();
  }

  /** The same source with another latency histogram (e.g. vLLM's time to first token). */
  public withLatency(latency: HistogramRef): RequestMetrics {
    return new RequestMetrics({ ...this.spec, latency });
  }

  /** `metric{target, matchers, extra}`. */
  public select(metric: string, extra: readonly LabelMatcher[] = []): string {
    return selector(metric, [...LabelMatcher.fromRecord(this.spec.target), ...(this.spec.matchers ?? []), ...extra]);
  }

  /** Requests per second over `window`, per target (successes plus errors when `requestsExcludeErrors`). */
  public requestRate(window: RateWindow): string {
    return this.totalRate(this.groupBy, window);
  }

  /** Failed requests per second over `window`, per target; undefined without an error signal. */
  public errorRate(window: RateWindow): string | undefined {
    return this.spec.errors && this.counterRate(this.spec.errors, window);
  }

  /** Failed share of requests (0-1) over `window`; undefined without an error signal. */
  public errorRatio(window: RateWindow): string | undefined {
    const errors = this.errorRate(window);
    return errors && `${errors}\n/\n${this.requestRate(window)}`;
  }

  /** The `q` latency quantile in seconds over `window`; undefined without a latency signal. */
  public latencyQuantile(q: number, window: RateWindow, by: readonly string[] = this.groupBy): string | undefined {
    const h = this.spec.latency;
    if (!h) return undefined;
    const inner = `histogram_quantile(${formatNumber(q)}, sum by (${['le', ...by].join(', ')}) (rate(${this.select(`${h.metric}_bucket`)}[${windowText(window)}])))`;
    const unit = secondsPerUnit(h);
    return unit === 1 ? inner : `${inner} * ${formatNumber(unit)}`;
  }

  /**
   * The `q` latency quantile compared in the histogram's own unit:
   * `quantile > threshold` (`> 500` for `Duration.millis(500)` on a
   * milliseconds histogram, `> 0.5` on a seconds one).
   *
   * @param threshold longer than 0; sub-second values are fine
   * @throws ModelServingError when `threshold` is not a Duration (a bare number) or is zero
   */
  public latencyAbove(q: number, threshold: Duration, window: RateWindow): string | undefined {
    const seconds = latencyThresholdSeconds('RequestMetrics.latencyAbove', 'threshold', threshold, 'Duration.millis(500)');
    const h = this.spec.latency;
    if (!h) return undefined;
    return `histogram_quantile(${formatNumber(q)}, sum by (${['le', ...this.groupBy].join(', ')}) (rate(${this.select(`${h.metric}_bucket`)}[${windowText(window)}]))) > ${formatNumber(seconds / secondsPerUnit(h))}`;
  }

  /**
   * Share of requests slower than `threshold` over `window` (0-1).
   * The histogram must have a bucket bound exactly at the threshold.
   *
   * @param threshold longer than 0; sub-second values are fine
   * @throws ModelServingError when `threshold` is not a Duration (a bare number) or is zero
   */
  public slowRatio(threshold: Duration, window: RateWindow): string | undefined {
    const seconds = latencyThresholdSeconds('RequestMetrics.slowRatio', 'threshold', threshold, 'Duration.millis(500)');
    const h = this.spec.latency;
    if (!h) return undefined;
    const w = windowText(window);
    const le = leRegex(Number(formatNumber(seconds / secondsPerUnit(h))));
    const by = this.groupBy.join(', ');
    return `1 - (\n  sum by (${by}) (rate(${this.select(`${h.metric}_bucket`, [LabelMatcher.re('le', le)])}[${w}]))\n  /\n  sum by (${by}) (rate(${this.select(`${h.metric}_count`)}[${w}]))\n)`;
  }

  /** Requests per second per `splitLabel` value divided by the target's total: each revision's share. */
  public splitShare(window: RateWindow): string | undefined {
    const split = this.spec.splitLabel;
    if (!split) return undefined;
    const total = this.totalRate(this.groupBy, window);
    // `group_left (` would read the parenthesized total as group_left's label list: give it an empty one first.
    return `${this.totalRate([...this.groupBy, split], window)}\n/ ignoring (${split}) group_left${total.startsWith('(') ? ' ()' : ''}\n${total}`;
  }

  /** The synthetic series of `sample` traffic for this source. */
  public series(sample: TrafficSample): InputSeries[] {
    const rps = sample.rps ?? 10;
    const errorRatio = sample.errorRatio ?? 0;
    const interval = sample.interval ?? Duration.minutes(1);
    const base = { ...this.spec.target, ...(this.spec.sample ?? {}) };
    const splits = sample.split && this.spec.splitLabel ? Object.entries(sample.split) : [[undefined, 1] as const];
    const out: InputSeries[] = [];
    for (const [value, share] of splits) {
      const labels = value === undefined ? base : { ...base, [this.spec.splitLabel!]: value };
      const total = rps * share;
      const errors = this.spec.errors;
      const sameMetric = errors !== undefined && (errors.metric === this.spec.requests.metric || this.spec.requestsExcludeErrors === true);
      out.push(TestSeries.counter(this.spec.requests.metric, { ...labels, ...(this.spec.requests.sample ?? {}) }, sameMetric ? total * (1 - errorRatio) : total, sample.samples, interval));
      if (errors && (errorRatio > 0 || !sameMetric)) out.push(TestSeries.counter(errors.metric, { ...labels, ...(errors.sample ?? {}) }, total * errorRatio, sample.samples, interval));
      const h = this.spec.latency;
      if (h && sample.latency) {
        for (const [le, below] of sample.latency) {
          out.push(TestSeries.counter(`${h.metric}_bucket`, { ...labels, le: formatNumber(le / secondsPerUnit(h)) }, total * below, sample.samples, interval));
        }
        out.push(TestSeries.counter(`${h.metric}_bucket`, { ...labels, le: '+Inf' }, total, sample.samples, interval));
        if (!this.spec.requests.metric.startsWith(`${h.metric}_count`)) out.push(TestSeries.counter(`${h.metric}_count`, labels, total, sample.samples, interval));
      }
    }
    return out;
  }

  private counterRate(c: CounterRef, window: RateWindow, by: readonly string[] = this.groupBy): string {
    return `sum by (${by.join(', ')}) (rate(${this.select(c.metric, c.matchers ?? [])}[${windowText(window)}]))`;
  }

  /**
   * Every request per second, summed by `by`. With `requestsExcludeErrors`,
   * successes plus errors, or either alone while the other counter does not
   * exist yet (a labelled prometheus_client counter appears at its first
   * increment: MLServer has no failure series before the first failure).
   */
  private totalRate(by: readonly string[], window: RateWindow): string {
    const requests = this.counterRate(this.spec.requests, window, by);
    if (!this.spec.requestsExcludeErrors || !this.spec.errors) return requests;
    const errors = this.counterRate(this.spec.errors, window, by);
    return `(\n  (${requests} + ${errors})\n  or\n  ${requests}\n  or\n  ${errors}\n)`;
  }
}

/** `count` bounds `start * factor^k`, as TensorFlow's `Buckets::Exponential` (then an unbounded bucket, exposed as `+Inf`; the util.cc comment: Exponential(1, 2, 15) is [1, 2, ..., 16 * 1024, DBL_MAX]). */
function exponentialBuckets(start: number, factor: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0, v = start; i < count; i++, v *= factor) out.push(v);
  return out;
}

/** TEI's duration buckets: 35 bounds, from 1e-5 multiplied by 1.5 before each (`router/src/prometheus.rs`). */
function teiDurationBuckets(): number[] {
  const out: number[] = [];
  let v = 0.00001;
  for (let i = 0; i < 35; i++) {
    v *= 1.5;
    out.push(v);
  }
  return out;
}
