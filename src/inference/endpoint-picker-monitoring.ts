import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { checkProps, childPath, requireShape, hasProperty } from '../core/prop-types';
import { checkedRecord } from '../core/records';
import { AlertText, Alerts } from '../observability/alert-templates';
import { Catalogs } from '../observability/catalogs';
import { MetricCatalog } from '../observability/metric-catalog';
import { PrometheusRule, RuleGroup } from '../observability/prometheus-rule';
import { formatNumber, LabelMatcher } from '../observability/promql';
import { runbookUrl } from '../observability/runbook';
import { Severity } from '../observability/severity';
import type { EndpointPicker } from './endpoint-picker';
import { FailureMode } from './inference-pool';

/** Props of {@link EndpointPickerMonitoring}. */
export interface EndpointPickerMonitoringProps {
  /** The picker to watch; its ServiceMonitor (metrics on 9090) must exist (metrics are on by default). */
  readonly picker: EndpointPicker;
  /** Average requests waiting per model server of the pool above which `EndpointPickerQueueHigh` fires after 10 minutes. @default 10 */
  readonly queueSize?: number;
  /** Average KV-cache utilization of the pool (0-1) above which `EndpointPickerKvCacheHigh` fires after 10 minutes. @default 0.9 */
  readonly kvCacheUtilization?: number;
  /** Share of scheduling attempts that fail (0-1) above which `EndpointPickerSchedulingFailing` fires after 5 minutes. @default 0.05 */
  readonly schedulingFailureRatio?: number;
  /** Prefix of each alert's `runbook_url` (`<prefix>/<AlertName>`). @default - none */
  readonly runbookBaseUrl?: string;
  /** `metadata.labels` of the PrometheusRule (e.g. what the Prometheus `ruleSelector` matches). @default - the platform labels */
  readonly labels?: Record<string, string>;
}

/**
 * Alerts on an InferencePool's endpoint picker, from the metrics it serves
 * (llm-d router v0.10.0, `llm_d_epp_*`; scraped by the picker's own
 * ServiceMonitor, whose targets carry `inferencepool: <pool>`):
 *
 * - `EndpointPickerDown` (critical, 5 min): no picker pod answers its metrics
 *   endpoint; with `FailClose` every request to the pool fails, with
 *   `FailOpen` requests bypass the picker's scheduling;
 * - `EndpointPickerNoReadyEndpoints` (critical, 5 min): the pool has no ready
 *   model server;
 * - `EndpointPickerQueueHigh`, `EndpointPickerKvCacheHigh` (warning, 10 min):
 *   the pool is saturated (scale out);
 * - `EndpointPickerSchedulingFailing` (critical, 5 min): more than the given
 *   share of scheduling attempts fail.
 *
 * Every rule reads only the picker's metric catalog and has promtool unit
 * tests (firing and silent).
 *
 * ```ts
 * new EndpointPickerMonitoring(models, 'qwen-epp-monitoring', { picker: epp });
 * ```
 *
 * @see https://github.com/llm-d/llm-d-router/blob/v0.10.0/pkg/epp/metrics/llm_d_router_metrics.go
 */
export class EndpointPickerMonitoring extends Construct {
  /** The alerting rules. */
  public readonly prometheusRule: PrometheusRule;
  /** The metrics the rules read. */
  public readonly catalog: MetricCatalog;
  private readonly group: RuleGroup;
  private readonly runbookBaseUrl?: string;

  /**
   * @throws ModelServingError when `picker` is not an EndpointPicker, its metrics are off (no ServiceMonitor), or a threshold is out of range
   */
  public constructor(scope: Construct, id: string, props: EndpointPickerMonitoringProps) {
    checkProps(childPath(scope, id), props, 'EndpointPickerMonitoringProps');
    super(scope, id);
    requireShape(this, 'picker', props.picker, (v): v is EndpointPicker => hasProperty(v, 'pool') && hasProperty(v, 'endpointPickerServiceName'), 'an EndpointPicker', 'pass the EndpointPicker construct');
    const picker = props.picker;
    if (picker.serviceMonitor === undefined) {
      invalid(this, 'picker', 'serves no metrics Prometheus scrapes (its ServiceMonitor is off), so every alert would read nothing', picker.node.path, "leave the picker's metrics on (the default), or drop this monitoring");
    }
    const queue = props.queueSize ?? 10;
    if (!(queue > 0) || !Number.isFinite(queue)) invalid(this, 'queueSize', 'must be a number > 0', queue, 'use e.g. 10');
    const kv = props.kvCacheUtilization ?? 0.9;
    if (!(kv > 0 && kv < 1)) invalid(this, 'kvCacheUtilization', 'must be strictly between 0 and 1', kv, 'use e.g. 0.9');
    const failures = props.schedulingFailureRatio ?? 0.05;
    if (!(failures > 0 && failures < 1)) invalid(this, 'schedulingFailureRatio', 'must be strictly between 0 and 1', failures, 'use e.g. 0.05 for 5%');
    this.runbookBaseUrl = props.runbookBaseUrl;

    const namespace = picker.pool.poolNamespace;
    const pool = picker.pool.poolName;
    // The picker's ServiceMonitor puts `inferencepool: <pool>` on every series it scrapes (targetLabels).
    const target = { namespace, inferencepool: pool };
    // The pool gauges also carry the pool as `name` (poolLabels in llm_d_router_metrics.go).
    const poolTarget = { ...target, name: pool };
    this.catalog = MetricCatalog.merge('endpoint-picker', [Catalogs.ENDPOINT_PICKER, Catalogs.PROMETHEUS]);
    this.prometheusRule = new PrometheusRule(this, 'Rules', { name: `${picker.endpointPickerServiceName}-alerts`, alertPrefix: 'EndpointPicker', catalog: this.catalog, labels: checkedRecord(this, 'labels', props.labels) });
    this.group = this.prometheusRule.addGroup(`endpoint-picker.${namespace}.${pool}`);
    const where = `InferencePool ${namespace}/${pool}`;
    const failureMode = picker.pool.failureMode;
    this.group.addAlert(
      Alerts.targetDown(
        this.text('Down', Severity.CRITICAL, Duration.minutes(5), `${where}: the endpoint picker is down`, `No endpoint picker pod of the pool answers its metrics endpoint for 5 minutes. The pool's failure mode is ${failureMode}: ${failureMode === FailureMode.FAIL_CLOSE ? 'every request to the pool fails' : 'requests go to a model server without the picker choosing it (no queue, KV-cache or prefix-cache aware scheduling)'}.`),
        target,
      ),
    );
    this.group.addAlert(
      Alerts.gaugeBelow(this.text('NoReadyEndpoints', Severity.CRITICAL, Duration.minutes(5), `${where}: no ready model server`, 'The endpoint picker has seen no ready model server in the pool for 5 minutes: requests to the pool fail.'), {
        metric: 'llm_d_epp_ready_endpoints',
        target: poolTarget,
        threshold: 1,
      }),
    );
    this.group.addAlert(
      Alerts.gaugeAbove(this.text('QueueHigh', Severity.WARNING, Duration.minutes(10), `${where}: requests queue in the model servers`, `More than ${formatNumber(queue)} requests have waited on average in each model server of the pool for 10 minutes: add replicas.`), {
        metric: 'llm_d_epp_average_queue_size',
        target: poolTarget,
        threshold: queue,
      }),
    );
    this.group.addAlert(
      Alerts.gaugeAbove(this.text('KvCacheHigh', Severity.WARNING, Duration.minutes(10), `${where}: KV cache nearly full`, `The pool's average KV-cache utilization has been above ${formatNumber(kv * 100)}% for 10 minutes: requests are preempted or queued; add replicas.`), {
        metric: 'llm_d_epp_average_kv_cache_utilization',
        target: poolTarget,
        threshold: kv,
        max: 1,
      }),
    );
    this.group.addAlert(
      Alerts.ratio(this.text('SchedulingFailing', Severity.CRITICAL, Duration.minutes(5), `${where}: scheduling fails`, `More than ${formatNumber(failures * 100)}% of the picker's scheduling attempts failed for 5 minutes: no model server of the pool fits the requests (filters, saturation, or no ready server).`), {
        numerators: [{ metric: 'llm_d_epp_scheduler_attempts_total', matchers: [LabelMatcher.eq('status', 'failure')], sample: { status: 'failure' } }],
        denominator: { metric: 'llm_d_epp_scheduler_attempts_total', sample: { status: 'success' } },
        target,
        threshold: failures,
        window: Duration.minutes(5),
      }),
    );
  }

  private text(suffix: string, severity: Severity, forDuration: Duration, summary: string, description: string): AlertText {
    const name = `EndpointPicker${suffix}`;
    return { name, severity, for: forDuration, summary, description, runbookUrl: runbookUrl(this, this.runbookBaseUrl, name) };
  }
}
