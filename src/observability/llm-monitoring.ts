import { Construct } from 'constructs';
import { AlertRule } from './alert-rule';
import { checkedRecord } from '../core/records';
import { KServeModelMonitoring, KServeModelMonitoringProps } from './kserve-model-monitoring';
import { RequestMetrics } from './request-metrics';
import { Slo } from './slo';
import { vllmAlerts, VllmAlertOptions, vllmTimeToFirstTokenSlo } from './vllm-alerts';
import { checkProps, childPath } from '../core/prop-types';

/**
 * Props of {@link LlmMonitoring}: the model's ({@link KServeModelMonitoringProps})
 * and the vLLM thresholds ({@link VllmAlertOptions}); `slo: false` turns the
 * time-to-first-token SLO off too, and `slo.window` is its window.
 */
export interface LlmMonitoringProps extends KServeModelMonitoringProps, VllmAlertOptions {}

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
  }

  /** The SLO on time to first token. */
  public get timeToFirstTokenSlo(): Slo | undefined {
    return this.slos.find((s) => s.node.id === 'TimeToFirstTokenSlo');
  }

  protected override moreAlerts(base: KServeModelMonitoringProps): AlertRule[] {
    const vllm = RequestMetrics.vllm(this.modelNamespace, this.modelName);
    return vllmAlerts(this, base as LlmMonitoringProps, { latency: vllm, target: { namespace: this.modelNamespace, inferenceservice: this.modelName }, where: `LLM ${this.modelNamespace}/{{ $labels.inferenceservice }}`, text: this.text });
  }

  protected override moreSlos(base: KServeModelMonitoringProps): Slo[] {
    const props = base as LlmMonitoringProps;
    if (props.slo === false) return [];
    const slo = vllmTimeToFirstTokenSlo(this, props, { name: `${this.modelKind}-models-ttft`, model: { namespace: this.modelNamespace, model: this.modelName, modelLabel: 'inferenceservice' }, latency: RequestMetrics.vllm(this.modelNamespace, this.modelName), window: props.slo ? props.slo.window : undefined, runbookBaseUrl: props.runbookBaseUrl, labels: checkedRecord(this, 'labels', props.labels) });
    return slo ? [slo] : [];
  }

  protected override alertPrefix(): string {
    return 'Llm';
  }
}
