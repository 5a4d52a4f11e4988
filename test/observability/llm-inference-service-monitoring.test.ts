import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { LlmInferenceServiceMonitoring } from '../../src/observability/llm-inference-service-monitoring';
import { findPrometheusRules } from '../../src/observability/prometheus-rule';
import { verifyMonitoring } from '../../src/observability/verify-monitoring';
import { LlmInferenceService, LlmInferenceServiceProps } from '../../src/serving/llm-inference-service';
import { Storage } from '../../src/serving/storage';
import { findObject, setup, synthObjects } from '../util';
import { alertNames, alertOf, rulesOf, selects } from './helpers';

const GPU = { limits: { cpu: '8', memory: '64Gi', nvidiaGpu: '1' }, requests: { cpu: '4', memory: '32Gi', nvidiaGpu: '1' } };

function llm(extra: Partial<LlmInferenceServiceProps> = {}) {
  const { app, ns } = setup(['llm']);
  const qwen = new LlmInferenceService(ns.llm, 'qwen', { model: Storage.hf('Qwen/Qwen3-8B'), container: { resources: GPU }, ...extra });
  return { app, ns: ns.llm, qwen };
}

const VLLM_ALERTS = ['LlmInterTokenLatencyHigh', 'LlmKvCacheFull', 'LlmPreemptions', 'LlmRequestsQueued', 'LlmTimeToFirstTokenHigh', 'LlmWorkloadDown'];

describe('LlmInferenceServiceMonitoring: the vLLM bundle for a KServe LLMInferenceService', () => {
  it('scrapes the vLLM pods KServe labels on port 8000 over plain HTTP, copying the name and role pod labels to the target', () => {
    const { app, ns, qwen } = llm();
    const m = new LlmInferenceServiceMonitoring(ns, 'qwen-monitoring', { model: qwen });
    expect(m.prefillMonitor).toBeUndefined();
    const objects = synthObjects(app);
    const pm = findObject(objects, 'PodMonitor', 'qwen-vllm', 'llm');
    expect(pm.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'qwen', 'app.kubernetes.io/part-of': 'llminferenceservice', 'kserve.io/component': 'workload', 'llm-d.ai/role': 'both' });
    expect(selects(pm.spec.selector.matchLabels, qwen.decodePods.labels)).toBe(true);
    const [ep] = pm.spec.podMetricsEndpoints;
    expect(ep).toMatchObject({ portNumber: 8000, path: '/metrics', scheme: 'http' });
    expect(ep.relabelings).toEqual([
      { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], targetLabel: 'llminferenceservice' },
      { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_llm_d_ai_role'], targetLabel: 'role' },
    ]);
    // The namespace's default-deny lets Prometheus reach the vLLM pods on 8000.
    const np = findObject(objects, 'NetworkPolicy', 'allow-metrics-qwen-vllm', 'llm');
    expect(np.spec.podSelector.matchLabels).toEqual(pm.spec.selector.matchLabels);
    expect(np.spec.ingress[0].ports).toEqual([{ port: 8000, protocol: 'TCP' }]);
  });

  it("keys every alert and the TTFT SLO on the labels the scrape yields (namespace, llminferenceservice, the decode role)", () => {
    const { app, ns, qwen } = llm();
    const m = new LlmInferenceServiceMonitoring(ns, 'qwen-monitoring', { model: qwen });
    const objects = synthObjects(app);
    expect(alertNames(objects, 'llmisvc-vllm-models-alerts').sort()).toEqual(VLLM_ALERTS);
    const ttft = alertOf(objects, 'llmisvc-vllm-models-alerts', 'LlmTimeToFirstTokenHigh');
    expect(ttft.expr).toBe('histogram_quantile(0.95, sum by (le, llminferenceservice, namespace, role) (rate(vllm:time_to_first_token_seconds_bucket{llminferenceservice="qwen",namespace="llm",role="both"}[5m]))) > 2');
    // The series carry the model label: the shared rule needs no rule label for it.
    expect(ttft.labels).toEqual({ severity: 'warning' });
    expect(alertOf(objects, 'llmisvc-vllm-models-alerts', 'LlmKvCacheFull').expr).toContain('vllm:kv_cache_usage_perc{llminferenceservice="qwen",namespace="llm"}');
    expect(alertOf(objects, 'llmisvc-vllm-models-alerts', 'LlmWorkloadDown').expr).toContain('up{llminferenceservice="qwen",namespace="llm"}');
    expect(m.timeToFirstTokenSlo?.sloName).toBe('llmisvc-vllm-models-ttft');
    const sli = rulesOf(objects, 'llmisvc-vllm-models-ttft-slo', 'llm').find((r) => r.record === 'slo:sli_error:ratio_rate5m')!;
    expect(sli.expr).toContain('vllm:time_to_first_token_seconds_bucket{llminferenceservice="qwen",namespace="llm",role="both",le=~"2.50*"}[5m]');
  });

  it('passes promtool: lint, and a firing and a silent unit test for every alert', () => {
    const { app, ns, qwen } = llm();
    new LlmInferenceServiceMonitoring(ns, 'qwen-monitoring', { model: qwen, timeToFirstTokenSlo: { threshold: Duration.seconds(1), target: 0.9 } });
    const report = verifyMonitoring(app);
    const alerts = findPrometheusRules(app).flatMap((r) => r.alerts);
    for (const name of VLLM_ALERTS) {
      const a = alerts.find((x) => x.name === name)!;
      expect(a.tests.some((t) => t.expectedAlerts.length > 0), name).toBe(true);
      expect(a.tests.some((t) => t.expectedAlerts.length === 0), name).toBe(true);
    }
    expect(findPrometheusRules(app).find((r) => r.ruleName === 'llmisvc-vllm-models-ttft-slo')?.alerts.map((a) => a.name).sort()).toEqual(['SloErrorBudgetBurnFast', 'SloErrorBudgetBurnSlow']);
    expect(report.testCases).toBeGreaterThanOrEqual(report.alerts * 2);
  });

  it('scrapes a split service on both parts: decode vLLM on 8001 (behind the routing sidecar on 8000), prefill on 8000; latency reads the decode pods', () => {
    const { app, ns, qwen } = llm({ prefill: { container: { resources: GPU } } });
    const m = new LlmInferenceServiceMonitoring(ns, 'qwen-monitoring', { model: qwen });
    expect(m.prefillMonitor?.monitorName).toBe('qwen-vllm-prefill');
    const objects = synthObjects(app);
    const decode = findObject(objects, 'PodMonitor', 'qwen-vllm', 'llm');
    const prefill = findObject(objects, 'PodMonitor', 'qwen-vllm-prefill', 'llm');
    expect(decode.spec.podMetricsEndpoints[0].portNumber).toBe(8001);
    expect(prefill.spec.podMetricsEndpoints[0].portNumber).toBe(8000);
    expect(selects(decode.spec.selector.matchLabels, qwen.decodePods.labels)).toBe(true);
    expect(selects(prefill.spec.selector.matchLabels, qwen.prefillPods!.labels)).toBe(true);
    expect(selects(decode.spec.selector.matchLabels, qwen.prefillPods!.labels)).toBe(false);
    expect(alertOf(objects, 'llmisvc-vllm-models-alerts', 'LlmTimeToFirstTokenHigh').expr).toContain('role="decode"');
    verifyMonitoring(app);
  });

  it('refuses an object that is not an LlmInferenceService, unknown props and bad thresholds', () => {
    const { ns, qwen } = llm();
    expect(() => new LlmInferenceServiceMonitoring(ns, 'a', { model: { serviceName: 'x' } as unknown as LlmInferenceService })).toThrow(/model must be an LlmInferenceService/);
    expect(() => new LlmInferenceServiceMonitoring(ns, 'b', { model: qwen, slo: false } as never)).toThrow(/slo/);
    expect(() => new LlmInferenceServiceMonitoring(ns, 'c', { model: qwen, kvCacheUsage: 1.5 })).toThrow(/kvCacheUsage must be strictly between 0 and 1/);
    // From callers without TypeScript: a numeric string would pass the range check and make a wrong promtool sample.
    expect(() => new LlmInferenceServiceMonitoring(ns, 'c2', { model: qwen, kvCacheUsage: '0.9' as never })).toThrow(/kvCacheUsage/);
    expect(() => new LlmInferenceServiceMonitoring(ns, 'c3', { model: qwen, requestsWaiting: 1e308 })).toThrow(/requestsWaiting/);
    expect(() => new LlmInferenceServiceMonitoring(ns, 'd', { model: qwen, timeToFirstTokenSlo: { threshold: Duration.seconds(2), target: 0.95 } })).toThrow(/not a bucket bound/);
    expect(new LlmInferenceServiceMonitoring(ns, 'e', { model: qwen, timeToFirstTokenSlo: false }).timeToFirstTokenSlo).toBeUndefined();
  });
});
