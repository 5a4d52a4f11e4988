import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { assertKnownKeys, keysOf } from '../core/props';
import { checkProps, childPath, requireShape } from '../core/prop-types';
import { checkedRecord } from '../core/records';
import { LLM_WORKLOAD_PORT, LlmInferenceService } from '../serving/llm-inference-service';
import { Alerts, alertTextBuilder } from './alert-templates';
import { IMonitoringBundle, MonitoringBundleProps } from './bundle';
import { Catalogs } from './catalogs';
import { MetricCatalog } from './metric-catalog';
import { joinModelKindRules } from './model-kind-rules';
import { PrometheusRule } from './prometheus-rule';
import { RequestMetrics } from './request-metrics';
import { PodMonitor } from './scrape';
import { Severity } from './severity';
import { Slo } from './slo';
import { vllmAlerts, VllmAlertOptions, vllmTimeToFirstTokenSlo } from './vllm-alerts';

/** The pod labels KServe sets on an LLMInferenceService's workload pods: its name, and the llm-d role (kserve v0.20.0 pkg/constants/constants.go). */
const APP_NAME = 'app.kubernetes.io/name';
const LLMD_ROLE = 'llm-d.ai/role';

/**
 * The port vLLM serves `/metrics` on in the decode pods of a split (prefill
 * and decode) service: the decode template starts vLLM on 8001 behind the
 * llm-d routing sidecar, which takes 8000.
 * @see https://github.com/kserve/kserve/blob/v0.20.0/config/llmisvcconfig/config-llm-decode-template.yaml (`--port 8001`, routing sidecar `--port=8000 --vllm-port=8001`)
 */
const DECODE_VLLM_PORT = 8001;

/** Props of {@link LlmInferenceServiceMonitoring}. */
export interface LlmInferenceServiceMonitoringProps extends Omit<MonitoringBundleProps, 'grafanaOperator'>, VllmAlertOptions {
  /** The LLMInferenceService whose vLLM pods are monitored; it must be inside a Namespace chart. */
  readonly model: LlmInferenceService;
}

const PROPS_KEYS = keysOf<LlmInferenceServiceMonitoringProps>({
  model: true,
  runbookBaseUrl: true,
  labels: true,
  prometheus: true,
  timeToFirstTokenP95: true,
  interTokenLatencyP95: true,
  preemptionsPerSecond: true,
  requestsWaiting: true,
  kvCacheUsage: true,
  timeToFirstTokenSlo: true,
});

/**
 * Monitoring for an LLM served by a KServe `LLMInferenceService`: a
 * PodMonitor on the vLLM pods KServe creates (the decode, or single, workload
 * `<name>-vllm`, and the prefill workload `<name>-vllm-prefill` of a split
 * service), which copies the pod labels `app.kubernetes.io/name` and
 * `llm-d.ai/role` to the target labels `llminferenceservice` and `role`; the
 * flow Prometheus → vLLM pods on the metrics port, opened in the model's
 * namespace; and the same vLLM alerts as {@link LlmMonitoring}
 * (`LlmTimeToFirstTokenHigh`, `LlmInterTokenLatencyHigh`, `LlmPreemptions`,
 * `LlmRequestsQueued`, `LlmKvCacheFull`) plus `LlmWorkloadDown`, and the SLO
 * on time to first token, each with promtool unit tests. The rules are
 * shared with the other LLMInferenceServices of the namespace
 * (`PrometheusRule/llmisvc-vllm-models-alerts` and
 * `llmisvc-vllm-models-ttft-slo`): they select every model with the same
 * thresholds, aggregate by model and carry the `llminferenceservice` label.
 * Time to first token and inter-token latency are read on the pods that
 * answer clients (`role` `both`, or `decode` when split); queue, KV cache and
 * preemptions on every vLLM pod.
 *
 * Scrapes plain HTTP: KServe serves vLLM over HTTPS only when its ingress
 * config sets `enableLLMInferenceServiceTLS`, off by default (absent from
 * the `inferenceservice-config` ConfigMap), and the probes of its templates
 * then switch to `HTTPS`.
 *
 * ```ts
 * new LlmInferenceServiceMonitoring(models, 'qwen3-monitoring', { model: qwen3 });
 * ```
 *
 * @throws ModelServingError for an object that is not an LlmInferenceService, a model outside a Namespace chart, unknown props, or thresholds out of range
 * @see https://github.com/kserve/kserve/blob/v0.20.0/config/llmisvcconfig/config-llm-template.yaml (vLLM `--port 8000`, probe `scheme` HTTPS only with `.GlobalConfig.EnableTLS`)
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1beta1/configmap.go (IngressConfig.EnableLLMInferenceServiceTLS)
 * @see https://docs.vllm.ai/en/stable/usage/metrics/
 */
export class LlmInferenceServiceMonitoring extends Construct implements IMonitoringBundle {
  /** The PodMonitor of the decode (or single) vLLM pods. */
  public readonly monitor: PodMonitor;
  /** The PodMonitor of the prefill vLLM pods of a split service; `undefined` otherwise. */
  public readonly prefillMonitor?: PodMonitor;
  /** The alerts: the PrometheusRule shared by the LLMInferenceServices of the namespace (its rules select this model too). */
  public readonly prometheusRule: PrometheusRule;
  /** The SLO on time to first token, unless `timeToFirstTokenSlo: false`. */
  public readonly timeToFirstTokenSlo?: Slo;
  /** The model's namespace. */
  public readonly modelNamespace: string;
  /** The LLMInferenceService name. */
  public readonly modelName: string;

  public constructor(scope: Construct, id: string, props: LlmInferenceServiceMonitoringProps) {
    checkProps(childPath(scope, id), props, 'LlmInferenceServiceMonitoringProps');
    super(scope, id);
    assertKnownKeys(this, 'props', props, PROPS_KEYS);
    const model = requireShape(this, 'model', props.model, (v): v is LlmInferenceService => v instanceof LlmInferenceService, 'an LlmInferenceService', 'pass the LlmInferenceService construct to monitor (for an InferenceService use LlmMonitoring)');
    const name = model.serviceName;
    const namespace = model.serviceNamespace ?? invalid(this, 'model', 'must be inside a Namespace', model.node.path, 'create the LlmInferenceService inside a Namespace chart');
    this.modelNamespace = namespace;
    this.modelName = name;
    const labels = checkedRecord(this, 'labels', props.labels);
    const own = Chart.of(this).namespace;
    const podLabels = { llminferenceservice: APP_NAME, role: LLMD_ROLE };
    const decodeRole = model.decodePods.labels[LLMD_ROLE];
    const monitorOf = (monitorId: string, monitorName: string, role: string, port: number) =>
      new PodMonitor(this, monitorId, {
        name: monitorName,
        // KServe's pool selector plus the role: the vLLM pods of this part (KServe names no container port, so the port is a number).
        selector: { ...model.poolSelector, [LLMD_ROLE]: role },
        namespaces: own === namespace ? undefined : [namespace],
        port,
        podLabels,
        labels,
        prometheus: props.prometheus,
      });
    this.monitor = monitorOf('PodMonitor', `${name}-vllm`, decodeRole, model.disaggregated ? DECODE_VLLM_PORT : LLM_WORKLOAD_PORT);
    if (model.disaggregated) this.prefillMonitor = monitorOf('PrefillPodMonitor', `${name}-vllm-prefill`, 'prefill', LLM_WORKLOAD_PORT);

    const catalog = MetricCatalog.merge('vllm-llminferenceservice', [Catalogs.VLLM, Catalogs.PROMETHEUS]);
    const text = alertTextBuilder(this, 'Llm', props.runbookBaseUrl);
    const target = { namespace, llminferenceservice: name };
    // The rules are shared with the other LLMInferenceServices: texts name the model from the series' label.
    const where = `LLMInferenceService ${namespace}/{{ $labels.llminferenceservice }}`;
    const down = Alerts.targetDown(text('WorkloadDown', Severity.CRITICAL, Duration.minutes(5), `${where}: no vLLM pod is up`, 'No vLLM pod of the LLMInferenceService answers its metrics endpoint (all down, or none running) for 5 minutes: requests to the model fail.'), target);
    // vLLM's request metrics, keyed on the target labels the PodMonitors above set (no revision label: no canary split).
    const vllm = RequestMetrics.vllm(namespace, name).spec;
    const latency = RequestMetrics.custom({ ...vllm, target: { ...target, role: decodeRole }, splitLabel: undefined });
    const member = { namespace, model: name, modelLabel: 'llminferenceservice' };
    const kind = 'llmisvc-vllm';
    this.prometheusRule = joinModelKindRules(this, {
      ...member,
      name: `${kind}-models`,
      suffix: 'alerts',
      alertPrefix: 'Llm',
      catalog,
      labels,
      groups: [{ name: `llm.${namespace}.${kind}`, alerts: [down, ...vllmAlerts(this, props, { latency, target, where, text })] }],
    });
    this.timeToFirstTokenSlo = vllmTimeToFirstTokenSlo(this, props, { name: `${kind}-models-ttft`, model: member, latency, runbookBaseUrl: props.runbookBaseUrl, labels });
  }
}
