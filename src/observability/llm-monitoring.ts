import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { checkedRecord } from '../core/records';
import { Alerts } from './alert-templates';
import { KServeModelMonitoring, KServeModelMonitoringProps } from './kserve-model-monitoring';
import { formatNumber } from './promql';
import { latencyThresholdSeconds } from './prom-duration';
import { HistogramRef, isBucketBound, LatencyUnit, RequestMetrics } from './request-metrics';
import { Severity } from './severity';
import { Slo, SloObjective } from './slo';
import { checkProps, childPath, isPlainObject, optionalNumber, optionalShape } from '../core/prop-types';

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

/** The time-to-first-token SLO of {@link LlmMonitoringProps}. */
export interface TimeToFirstTokenSlo {
  /** The time to first token that `target` of requests must meet; a bucket bound of `vllm:time_to_first_token_seconds` (0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10 s, ...). */
  readonly threshold: Duration;
  /** The good share, strictly between 0 and 1. */
  readonly target: number;
}

/** Props of {@link LlmMonitoring}. */
export interface LlmMonitoringProps extends KServeModelMonitoringProps {
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
   * burn-rate alerts like every {@link Slo}, over `slo.window`; `false` for
   * none. `slo: false` turns it off too.
   * @default { threshold: Duration.seconds(2.5), target: 0.95 } - 95% of requests get their first token within 2.5 s
   * @throws ModelServingError when the threshold is not a bucket bound of the histogram, or the target is not between 0 and 1
   */
  readonly timeToFirstTokenSlo?: TimeToFirstTokenSlo | false;
}

/**
 * Monitoring for an LLM served by vLLM on KServe: everything
 * {@link KServeModelMonitoring} does (with `Llm`-prefixed alerts and vLLM's
 * own latency histogram by default), plus `LlmTimeToFirstTokenHigh` (p95 > 2 s),
 * `LlmInterTokenLatencyHigh` (p95 > 200 ms), `LlmPreemptions` (any, for
 * 15 min), `LlmRequestsQueued` (> 10 waiting) and `LlmKvCacheFull` (> 90%),
 * an SLO on time to first token (95% within 2.5 s over 30 days, with
 * burn-rate alerts), and the LLM row of the dashboard (tokens/s, TTFT,
 * inter-token latency, preemptions, queue, KV cache).
 *
 * ```ts
 * new LlmMonitoring(models, 'qwen3-monitoring', { model: qwen3, traffic: gw.trafficTo(qwen3) });
 * ```
 *
 * @throws ModelServingError for thresholds out of range, or a TTFT SLO threshold that is not a bucket bound
 * @see https://docs.vllm.ai/en/stable/usage/metrics/
 */
export class LlmMonitoring extends KServeModelMonitoring {
  public constructor(scope: Construct, id: string, props: LlmMonitoringProps) {
    checkProps(childPath(scope, id), props, 'LlmMonitoringProps');
    super(scope, id, props);
    const ttftThreshold = props.timeToFirstTokenP95 ?? Duration.seconds(2);
    const ttft = latencyThresholdSeconds(this, 'timeToFirstTokenP95', ttftThreshold, 'Duration.seconds(2)');
    const itlThreshold = props.interTokenLatencyP95 ?? Duration.millis(200);
    const itl = latencyThresholdSeconds(this, 'interTokenLatencyP95', itlThreshold, 'Duration.millis(200)');
    optionalNumber(this, 'preemptionsPerSecond', props.preemptionsPerSecond);
    const preemptions = props.preemptionsPerSecond ?? 0;
    if (!(preemptions >= 0) || !Number.isFinite(preemptions)) invalid(this, 'preemptionsPerSecond', 'must be a finite number >= 0', preemptions, 'use 0 (any sustained preemption) or e.g. 0.1');
    const waiting = props.requestsWaiting ?? 10;
    const kv = props.kvCacheUsage ?? 0.9;
    if (!(waiting >= 0) || !Number.isInteger(waiting)) invalid(this, 'requestsWaiting', 'must be an integer >= 0', waiting, 'use e.g. 10');
    if (!(kv > 0 && kv < 1)) invalid(this, 'kvCacheUsage', 'must be strictly between 0 and 1', kv, 'use e.g. 0.9');
    const target = { namespace: this.modelNamespace, inferenceservice: this.modelName };
    const where = `LLM ${this.modelNamespace}/${this.modelName}`;
    const vllm = RequestMetrics.vllm(this.modelNamespace, this.modelName);
    this.group.addAlert(
      Alerts.latency(vllm.withLatency(TIME_TO_FIRST_TOKEN), this.text('TimeToFirstTokenHigh', Severity.WARNING, Duration.minutes(10), `${where}: p95 time to first token above ${formatNumber(ttft)}s`, `The 95th percentile of time to first token has been above ${formatNumber(ttft)}s for 10 minutes: prefill is saturated or requests queue.`), { quantile: 0.95, threshold: ttftThreshold, window: Duration.minutes(5) }),
    );
    this.group.addAlert(
      Alerts.latency(vllm.withLatency(INTER_TOKEN_LATENCY), this.text('InterTokenLatencyHigh', Severity.WARNING, Duration.minutes(10), `${where}: p95 inter-token latency above ${formatNumber(itl)}s`, `The 95th percentile of the time between two generated tokens has been above ${formatNumber(itl)}s for 10 minutes: decode is saturated (batches too large for the GPU) and streamed answers stutter.`), { quantile: 0.95, threshold: itlThreshold, window: Duration.minutes(5) }),
    );
    this.group.addAlert(
      Alerts.rateAbove(this.text('Preemptions', Severity.WARNING, Duration.minutes(15), `${where}: vLLM preempts requests`, `vLLM has preempted running requests ${preemptions === 0 ? 'continuously' : `more than ${formatNumber(preemptions)} times per second`} for 15 minutes: the KV cache is too small for the load, so requests are evicted and recomputed. Add replicas or GPU memory, or lower max_num_seqs.`), {
        counter: { metric: 'vllm:num_preemptions_total' },
        target,
        groupBy: Object.keys(target),
        sample: {},
        threshold: preemptions,
        window: Duration.minutes(5),
      }),
    );
    this.group.addAlert(
      Alerts.gaugeAbove(this.text('RequestsQueued', Severity.WARNING, Duration.minutes(5), `${where}: more than ${waiting} requests waiting`, `More than ${waiting} requests have been waiting in a vLLM queue for 5 minutes: add replicas or lower the load.`), { metric: 'vllm:num_requests_waiting', target, threshold: waiting }),
    );
    this.group.addAlert(
      Alerts.gaugeAbove(this.text('KvCacheFull', Severity.WARNING, Duration.minutes(10), `${where}: KV cache above ${formatNumber(kv * 100)}%`, `The KV cache of a vLLM replica has been more than ${formatNumber(kv * 100)}% full for 10 minutes: requests are preempted and latency grows.`), { metric: 'vllm:kv_cache_usage_perc', target, threshold: kv, max: 1 }),
    );
  }

  /** The SLO on time to first token. */
  public get timeToFirstTokenSlo(): Slo | undefined {
    return this.slos.find((s) => s.node.id === 'TimeToFirstTokenSlo');
  }

  protected override moreSlos(base: KServeModelMonitoringProps): Slo[] {
    const props = base as LlmMonitoringProps;
    if (props.slo === false || props.timeToFirstTokenSlo === false) return [];
    optionalShape(this, 'timeToFirstTokenSlo', props.timeToFirstTokenSlo, isPlainObject, 'an object { threshold, target } or false', 'pass timeToFirstTokenSlo: { threshold: Duration.seconds(1), target: 0.95 }, or false');
    const o = props.timeToFirstTokenSlo ?? { threshold: Duration.seconds(2.5), target: 0.95 };
    const seconds = latencyThresholdSeconds(this, 'timeToFirstTokenSlo.threshold', o.threshold, 'Duration.seconds(2.5)');
    if (!isBucketBound(TIME_TO_FIRST_TOKEN, seconds)) {
      invalid(this, 'timeToFirstTokenSlo.threshold', `is not a bucket bound of ${TIME_TO_FIRST_TOKEN.metric}, so the share of requests under it cannot be read from the histogram`, `${formatNumber(seconds)}s`, `use one of ${TIME_TO_FIRST_TOKEN.buckets!.filter((b) => b >= 0.25 && b <= 10).map(formatNumber).join(', ')} s`);
    }
    const traffic = RequestMetrics.vllm(this.modelNamespace, this.modelName).withLatency(TIME_TO_FIRST_TOKEN);
    const window = props.slo ? props.slo.window : undefined;
    return [new Slo(this, 'TimeToFirstTokenSlo', { name: `${this.modelName}-ttft`, traffic, objective: SloObjective.latency(o.threshold, o.target), window, runbookBaseUrl: props.runbookBaseUrl, labels: checkedRecord(this, 'labels', props.labels) })];
  }

  protected override alertPrefix(): string {
    return 'Llm';
  }
}
