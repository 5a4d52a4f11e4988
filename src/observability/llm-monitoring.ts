import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { Alerts } from './alert-templates';
import { KServeModelMonitoring, KServeModelMonitoringProps } from './kserve-model-monitoring';
import { formatNumber } from './promql';
import { latencyThresholdSeconds } from './prom-duration';
import { LatencyUnit, RequestMetrics } from './request-metrics';
import { Severity } from './severity';
import { checkProps, childPath } from '../core/prop-types';

/** Props of {@link LlmMonitoring}. */
export interface LlmMonitoringProps extends KServeModelMonitoringProps {
  /**
   * p95 time to first token above which `LlmTimeToFirstTokenHigh` fires;
   * longer than 0, sub-second values are fine (compared in seconds with
   * vLLM's `vllm:time_to_first_token_seconds`). A bare number is refused.
   * @default Duration.seconds(2)
   */
  readonly timeToFirstTokenP95?: Duration;
  /** Requests waiting in vLLM's queue above which `LlmRequestsQueued` fires. @default 10 */
  readonly requestsWaiting?: number;
  /** KV-cache usage (0-1) above which `LlmKvCacheFull` fires. @default 0.9 */
  readonly kvCacheUsage?: number;
}

/**
 * Monitoring for an LLM served by vLLM on KServe: everything
 * {@link KServeModelMonitoring} does (with `Llm`-prefixed alerts and vLLM's
 * own latency histogram by default), plus `LlmTimeToFirstTokenHigh` (p95 > 2 s),
 * `LlmRequestsQueued` (> 10 waiting) and `LlmKvCacheFull` (> 90%), and the
 * LLM row of the dashboard (tokens/s, TTFT, queue, KV cache).
 *
 * ```ts
 * new LlmMonitoring(models, 'qwen3-monitoring', { model: qwen3, traffic: gw.trafficTo(qwen3) });
 * ```
 *
 * @see https://docs.vllm.ai/en/stable/usage/metrics/
 */
export class LlmMonitoring extends KServeModelMonitoring {
  public constructor(scope: Construct, id: string, props: LlmMonitoringProps) {
    checkProps(childPath(scope, id), props, 'LlmMonitoringProps');
    super(scope, id, props);
    const ttftThreshold = props.timeToFirstTokenP95 ?? Duration.seconds(2);
    const ttft = latencyThresholdSeconds(this, 'timeToFirstTokenP95', ttftThreshold, 'Duration.seconds(2)');
    const waiting = props.requestsWaiting ?? 10;
    const kv = props.kvCacheUsage ?? 0.9;
    if (!(waiting >= 0) || !Number.isInteger(waiting)) invalid(this, 'requestsWaiting', 'must be an integer >= 0', waiting, 'use e.g. 10');
    if (!(kv > 0 && kv < 1)) invalid(this, 'kvCacheUsage', 'must be strictly between 0 and 1', kv, 'use e.g. 0.9');
    const target = { namespace: this.modelNamespace, inferenceservice: this.modelName };
    const where = `LLM ${this.modelNamespace}/${this.modelName}`;
    const firstToken = RequestMetrics.vllm(this.modelNamespace, this.modelName).withLatency({ metric: 'vllm:time_to_first_token_seconds', unit: LatencyUnit.SECONDS });
    this.group.addAlert(
      Alerts.latency(firstToken, this.text('TimeToFirstTokenHigh', Severity.WARNING, Duration.minutes(10), `${where}: p95 time to first token above ${formatNumber(ttft)}s`, `The 95th percentile of time to first token has been above ${formatNumber(ttft)}s for 10 minutes: prefill is saturated or requests queue.`), { quantile: 0.95, threshold: ttftThreshold, window: Duration.minutes(5) }),
    );
    this.group.addAlert(
      Alerts.gaugeAbove(this.text('RequestsQueued', Severity.WARNING, Duration.minutes(5), `${where}: more than ${waiting} requests waiting`, `More than ${waiting} requests have been waiting in a vLLM queue for 5 minutes: add replicas or lower the load.`), { metric: 'vllm:num_requests_waiting', target, threshold: waiting }),
    );
    this.group.addAlert(
      Alerts.gaugeAbove(this.text('KvCacheFull', Severity.WARNING, Duration.minutes(10), `${where}: KV cache above ${formatNumber(kv * 100)}%`, `The KV cache of a vLLM replica has been more than ${formatNumber(kv * 100)}% full for 10 minutes: requests are preempted and latency grows.`), { metric: 'vllm:kv_cache_usage_perc', target, threshold: kv, max: 1 }),
    );
  }

  protected override alertPrefix(): string {
    return 'Llm';
  }
}
