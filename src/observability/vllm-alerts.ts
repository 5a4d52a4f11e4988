import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { assertInteger, INT32_MAX } from '../core/props';
import { isPlainObject, optionalNumber, optionalShape } from '../core/prop-types';
import { AlertRule } from './alert-rule';
import { Alerts, AlertTextBuilder } from './alert-templates';
import { ModelRuleMember } from './model-kind-rules';
import { formatNumber } from './promql';
import { latencyThresholdSeconds } from './prom-duration';
import { HistogramRef, isBucketBound, LatencyUnit, RequestMetrics } from './request-metrics';
import { Severity } from './severity';
import { Slo, SloObjective } from './slo';

/**
 * vLLM's time-to-first-token histogram and its bucket bounds (seconds), the
 * same from v0.11 (the runtime `ServingRuntime.vllm` pins) on: an SLO needs a
 * bound at exactly its threshold.
 * @see https://github.com/vllm-project/vllm/blob/v0.11.0/vllm/v1/metrics/loggers.py (histogram_time_to_first_token)
 */
const TIME_TO_FIRST_TOKEN: HistogramRef = {
  metric: 'vllm:time_to_first_token_seconds',
  unit: LatencyUnit.SECONDS,
  buckets: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560],
};

/**
 * vLLM's inter-token latency histogram. vLLM 0.11 renamed
 * `vllm:time_per_output_token_seconds` to this name and 0.13 removed the old
 * one (vllm PR #32661); KServe v0.20.0 pins vLLM 0.24.0, so only this name
 * exists there.
 * @see https://github.com/kserve/kserve/blob/v0.20.0/python/kserve/pyproject.toml (`llm` extra: vllm==0.24.0)
 */
const INTER_TOKEN_LATENCY: HistogramRef = { metric: 'vllm:inter_token_latency_seconds', unit: LatencyUnit.SECONDS };

/** The time-to-first-token SLO of {@link VllmAlertOptions}. */
export interface TimeToFirstTokenSlo {
  /** The time to first token that `target` of requests must meet; a bucket bound of `vllm:time_to_first_token_seconds` (0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10 s, ...). */
  readonly threshold: Duration;
  /** The good share, strictly between 0 and 1. */
  readonly target: number;
}

/** The thresholds of the vLLM alerts and SLO, shared by {@link LlmMonitoring} and {@link LlmInferenceServiceMonitoring}. */
export interface VllmAlertOptions {
  /**
   * p95 time to first token above which `LlmTimeToFirstTokenHigh` fires;
   * longer than 0, sub-second values are fine (compared in seconds with
   * vLLM's `vllm:time_to_first_token_seconds`). A bare number is refused.
   * @default Duration.seconds(2)
   */
  readonly timeToFirstTokenP95?: Duration;
  /**
   * p95 inter-token latency (the time between two streamed tokens, vLLM's
   * `vllm:inter_token_latency_seconds`) above which
   * `LlmInterTokenLatencyHigh` fires: decode is saturated and streams
   * stutter. Longer than 0; a bare number is refused.
   * @default Duration.millis(200)
   */
  readonly interTokenLatencyP95?: Duration;
  /**
   * Preemptions per second (`rate(vllm:num_preemptions_total[5m])`) above
   * which `LlmPreemptions` fires after 15 minutes: the scheduler evicts
   * running requests because the KV cache is full, and recomputes them.
   * `0` fires on any sustained preemption.
   * @default 0
   */
  readonly preemptionsPerSecond?: number;
  /** Requests waiting in vLLM's queue above which `LlmRequestsQueued` fires. @default 10 */
  readonly requestsWaiting?: number;
  /** KV-cache usage (0-1) above which `LlmKvCacheFull` fires. @default 0.9 */
  readonly kvCacheUsage?: number;
  /**
   * The SLO on time to first token (`<model>-ttft`), with multi-window
   * burn-rate alerts like every {@link Slo}; `false` for none.
   * @default { threshold: Duration.seconds(2.5), target: 0.95 } - 95% of requests get their first token within 2.5 s
   * @throws ModelServingError when the threshold is not a bucket bound of the histogram, or the target is not between 0 and 1
   */
  readonly timeToFirstTokenSlo?: TimeToFirstTokenSlo | false;
}

/** What the vLLM alerts of one model select, and how they read. */
export interface VllmAlertTarget {
  /** vLLM's request metrics of the pods that answer clients (time to first token, inter-token latency). */
  readonly latency: RequestMetrics;
  /** The target labels of every vLLM pod of the model (preemptions, queue, KV cache). */
  readonly target: Readonly<Record<string, string>>;
  /** The model in texts, e.g. `LLM llm/{{ $labels.inferenceservice }}`. */
  readonly where: string;
  /** The text of alert `Llm<suffix>`. */
  readonly text: AlertTextBuilder;
}

/**
 * The vLLM alerts of one model (`…TimeToFirstTokenHigh`, `…InterTokenLatencyHigh`,
 * `…Preemptions`, `…RequestsQueued`, `…KvCacheFull`), each with its promtool
 * unit tests.
 *
 * @throws ModelServingError for thresholds out of range
 */
export function vllmAlerts(scope: Construct, props: VllmAlertOptions, on: VllmAlertTarget): AlertRule[] {
  const ttftThreshold = props.timeToFirstTokenP95 ?? Duration.seconds(2);
  const ttft = latencyThresholdSeconds(scope, 'timeToFirstTokenP95', ttftThreshold, 'Duration.seconds(2)');
  const itlThreshold = props.interTokenLatencyP95 ?? Duration.millis(200);
  const itl = latencyThresholdSeconds(scope, 'interTokenLatencyP95', itlThreshold, 'Duration.millis(200)');
  optionalNumber(scope, 'preemptionsPerSecond', props.preemptionsPerSecond);
  const preemptions = props.preemptionsPerSecond ?? 0;
  if (!(preemptions >= 0) || !Number.isFinite(preemptions)) invalid(scope, 'preemptionsPerSecond', 'must be a finite number >= 0', preemptions, 'use 0 (any sustained preemption) or e.g. 0.1');
  const waiting = props.requestsWaiting === undefined ? 10 : assertInteger(scope, 'requestsWaiting', props.requestsWaiting, { min: 0, max: INT32_MAX, type: 'requests waiting', fix: 'use e.g. 10' });
  optionalNumber(scope, 'kvCacheUsage', props.kvCacheUsage);
  const kv = props.kvCacheUsage ?? 0.9;
  if (!(kv > 0 && kv < 1)) invalid(scope, 'kvCacheUsage', 'must be strictly between 0 and 1', kv, 'use e.g. 0.9');
  const { target, where, text } = on;
  return [
    Alerts.latency(on.latency.withLatency(TIME_TO_FIRST_TOKEN), text('TimeToFirstTokenHigh', Severity.WARNING, Duration.minutes(10), `${where}: p95 time to first token above ${formatNumber(ttft)}s`, `The 95th percentile of time to first token has been above ${formatNumber(ttft)}s for 10 minutes: prefill is saturated or requests queue.`), { quantile: 0.95, threshold: ttftThreshold, window: Duration.minutes(5) }),
    Alerts.latency(on.latency.withLatency(INTER_TOKEN_LATENCY), text('InterTokenLatencyHigh', Severity.WARNING, Duration.minutes(10), `${where}: p95 inter-token latency above ${formatNumber(itl)}s`, `The 95th percentile of the time between two generated tokens has been above ${formatNumber(itl)}s for 10 minutes: decode is saturated (batches too large for the GPU) and streamed answers stutter.`), { quantile: 0.95, threshold: itlThreshold, window: Duration.minutes(5) }),
    Alerts.rateAbove(text('Preemptions', Severity.WARNING, Duration.minutes(15), `${where}: vLLM preempts requests`, `vLLM has preempted running requests ${preemptions === 0 ? 'continuously' : `more than ${formatNumber(preemptions)} times per second`} for 15 minutes: the KV cache is too small for the load, so requests are evicted and recomputed. Add replicas or GPU memory, or lower max_num_seqs.`), {
      counter: { metric: 'vllm:num_preemptions_total' },
      target,
      groupBy: Object.keys(target),
      sample: {},
      threshold: preemptions,
      window: Duration.minutes(5),
    }),
    Alerts.gaugeAbove(text('RequestsQueued', Severity.WARNING, Duration.minutes(5), `${where}: more than ${waiting} requests waiting`, `More than ${waiting} requests have been waiting in a vLLM queue for 5 minutes: add replicas or lower the load.`), { metric: 'vllm:num_requests_waiting', target, threshold: waiting }),
    Alerts.gaugeAbove(text('KvCacheFull', Severity.WARNING, Duration.minutes(10), `${where}: KV cache above ${formatNumber(kv * 100)}%`, `The KV cache of a vLLM replica has been more than ${formatNumber(kv * 100)}% full for 10 minutes: requests are preempted and latency grows.`), { metric: 'vllm:kv_cache_usage_perc', target, threshold: kv, max: 1 }),
  ];
}

/** What {@link vllmTimeToFirstTokenSlo} needs besides the options. */
export interface VllmSloTarget {
  /** The SLO name, the kind's: `<kind>-models-ttft`. */
  readonly name: string;
  /** The model: the SLO's rules join those of the kind. */
  readonly model: ModelRuleMember;
  /** vLLM's request metrics of the pods that answer clients. */
  readonly latency: RequestMetrics;
  /** Compliance window. @default - the Slo's */
  readonly window?: Duration;
  /** Runbook URL prefix. */
  readonly runbookBaseUrl?: string;
  /** `metadata.labels` of the rules. */
  readonly labels?: Record<string, string>;
}

/**
 * The SLO on time to first token (construct id `TimeToFirstTokenSlo` under
 * `scope`), or `undefined` when `timeToFirstTokenSlo` is `false`.
 *
 * @throws ModelServingError when the threshold is not a bucket bound of `vllm:time_to_first_token_seconds`
 */
export function vllmTimeToFirstTokenSlo(scope: Construct, props: VllmAlertOptions, on: VllmSloTarget): Slo | undefined {
  if (props.timeToFirstTokenSlo === false) return undefined;
  optionalShape(scope, 'timeToFirstTokenSlo', props.timeToFirstTokenSlo, isPlainObject, 'an object { threshold, target } or false', 'pass timeToFirstTokenSlo: { threshold: Duration.seconds(1), target: 0.95 }, or false');
  const o = props.timeToFirstTokenSlo ?? { threshold: Duration.seconds(2.5), target: 0.95 };
  const seconds = latencyThresholdSeconds(scope, 'timeToFirstTokenSlo.threshold', o.threshold, 'Duration.seconds(2.5)');
  if (!isBucketBound(TIME_TO_FIRST_TOKEN, seconds)) {
    invalid(scope, 'timeToFirstTokenSlo.threshold', `is not a bucket bound of ${TIME_TO_FIRST_TOKEN.metric}, so the share of requests under it cannot be read from the histogram`, `${formatNumber(seconds)}s`, `use one of ${TIME_TO_FIRST_TOKEN.buckets!.filter((b) => b >= 0.25 && b <= 10).map(formatNumber).join(', ')} s`);
  }
  const traffic = on.latency.withLatency(TIME_TO_FIRST_TOKEN);
  return new Slo(scope, 'TimeToFirstTokenSlo', { name: on.name, model: on.model, traffic, objective: SloObjective.latency(o.threshold, o.target), window: on.window, runbookBaseUrl: on.runbookBaseUrl, labels: on.labels });
}
