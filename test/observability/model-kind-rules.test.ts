/**
 * Issue 18 §1: the alert and SLO rules of the model bundles are grouped per
 * namespace and model kind (one PrometheusRule per kind and parameter set,
 * its rules selecting every model of the set and aggregating by model), and
 * every model keeps its promtool cases against the shared rules.
 */
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { LlmInferenceServiceMonitoring } from '../../src/observability/llm-inference-service-monitoring';
import { MAX_MODELS_PER_RULE_OBJECT } from '../../src/observability/model-kind-rules';
import { findPrometheusRules } from '../../src/observability/prometheus-rule';
import { RequestMetrics } from '../../src/observability/request-metrics';
import { verifyMonitoring } from '../../src/observability/verify-monitoring';
import { InferenceService } from '../../src/serving/inference-service';
import { LlmInferenceService } from '../../src/serving/llm-inference-service';
import { ModelFormat } from '../../src/serving/model-format';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { objectsOfKind, setup, synthObjects } from '../util';
import { alertOf, rulesOf, selectsValue } from './helpers';

function isvc(ns: Construct, name: string): InferenceService {
  return new InferenceService(ns, name, { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri(`gs://bucket/${name}`) }) });
}

/** Models of one kind measured by Istio (whose series name the predictor Service, not the model). */
function meshModels(names: readonly string[], props: { errorRatio?: number } = {}) {
  const { app, ns } = setup(['ml-models']);
  const chart = ns['ml-models'];
  const bundles = names.map((n) => new KServeModelMonitoring(chart, `${n}-monitoring`, { model: isvc(chart, n), traffic: RequestMetrics.istio('ml-models', `${n}-predictor`), ...props }));
  return { app, chart, bundles };
}

describe('alert and SLO rules grouped per namespace and model kind', () => {
  it('gives three models of one kind one alerts object and one per SLO, whose rules select each of them and name it', () => {
    const { app, bundles } = meshModels(['iris', 'wine', 'digits']);
    const objects = synthObjects(app);
    const rules = objectsOfKind(objects, 'PrometheusRule').map((o) => o.metadata.name).sort();
    expect(rules).toEqual(['kserve-kserve-models-alerts', 'kserve-kserve-models-availability-slo', 'kserve-kserve-models-latency-slo']);
    expect(new Set(bundles.map((b) => b.prometheusRule)).size).toBe(1);
    const errors = alertOf(objects, 'kserve-kserve-models-alerts', 'KServeErrorRateHigh');
    for (const model of ['iris', 'wine', 'digits']) expect(selectsValue(errors.expr, 'destination_service_name', `${model}-predictor`), model).toBe(true);
    expect(selectsValue(errors.expr, 'destination_service_name', 'other-predictor')).toBe(false);
    // Istio's series name the Service: the model label is read from it, and the texts name the model from that label.
    expect(errors.expr).toContain('"inferenceservice", "$1", "destination_service_name", "(iris|wine|digits)-predictor"');
    expect(errors.labels).toEqual({ severity: 'critical' });
    expect(errors.annotations!.summary).toBe('InferenceService ml-models/{{ $labels.inferenceservice }}: more than 5% of requests fail');
    // The burn-rate alerts of the shared SLO select the models' recorded series by their target labels.
    const burn = alertOf(objects, 'kserve-kserve-models-availability-slo', 'SloErrorBudgetBurnFast');
    expect(burn.expr).toContain('slo="kserve-kserve-models-availability"');
    expect(selectsValue(burn.expr, 'destination_service_name', 'wine-predictor')).toBe(true);
    expect(burn.annotations!.summary).toContain('inferenceservice={{ $labels.inferenceservice }}');
    const sli = rulesOf(objects, 'kserve-kserve-models-availability-slo').find((r) => r.record === 'slo:sli_error:ratio_rate5m')!;
    expect(sli.expr).toContain('sum by (destination_service_name, destination_service_namespace)');
    expect(selectsValue(sli.expr, 'destination_service_name', 'digits-predictor')).toBe(true);
  });

  it('keeps every model’s firing and silent cases, each beside the healthy series of the other models, and they pass promtool', () => {
    const { app, bundles } = meshModels(['iris', 'wine']);
    const alerts = bundles[0].prometheusRule.alerts;
    for (const a of alerts) {
      for (const model of ['iris', 'wine']) {
        const own = a.tests.filter((t) => t.description.startsWith(`${model}: `));
        expect(own.some((t) => t.expectedAlerts.length > 0 && t.expectedAlerts.every((l) => l.inferenceservice === model)), `${a.name} ${model}`).toBe(true);
        expect(own.some((t) => t.expectedAlerts.length === 0), `${a.name} ${model}`).toBe(true);
      }
    }
    // iris' breach runs with wine's series present: only iris may fire.
    const errorCase = alerts.find((a) => a.name === 'KServeErrorRateHigh')!.tests.find((t) => t.description.startsWith('iris: ') && t.expectedAlerts.length > 0)!;
    expect(errorCase.series.some((s) => s.series.includes('destination_service_name="wine-predictor"'))).toBe(true);
    const report = verifyMonitoring(app);
    expect(report.prometheusRules).toBe(3);
    expect(report.testCases).toBeGreaterThanOrEqual(report.alerts * 4);
  });

  it('runs each case beside its two neighbours in the set, so the test files grow linearly with the models', () => {
    const { bundles } = meshModels(['iris', 'wine', 'digits', 'cars']);
    const errorRate = bundles[0].prometheusRule.alerts.find((a) => a.name === 'KServeErrorRateHigh')!;
    const firing = errorRate.tests.find((t) => t.description.startsWith('iris: ') && t.expectedAlerts.length > 0)!;
    const services = new Set(firing.series.map((s) => /destination_service_name="([^"]+)"/.exec(s.series)?.[1]));
    expect([...services].sort()).toEqual(['cars-predictor', 'iris-predictor', 'wine-predictor']);
    expect(errorRate.tests).toHaveLength(4 * 2);
  });

  it('puts a model with another threshold in an object of its own, which the first one does not select', () => {
    const { app, chart } = meshModels(['iris', 'wine']);
    const strict = new KServeModelMonitoring(chart, 'digits-monitoring', { model: isvc(chart, 'digits'), traffic: RequestMetrics.istio('ml-models', 'digits-predictor'), errorRatio: 0.01 });
    expect(strict.prometheusRule.ruleName).toBe('kserve-kserve-models-2-alerts');
    const objects = synthObjects(app);
    const first = alertOf(objects, 'kserve-kserve-models-alerts', 'KServeErrorRateHigh');
    const second = alertOf(objects, 'kserve-kserve-models-2-alerts', 'KServeErrorRateHigh');
    expect(selectsValue(first.expr, 'destination_service_name', 'digits-predictor')).toBe(false);
    expect(selectsValue(second.expr, 'destination_service_name', 'digits-predictor')).toBe(true);
    expect(second.expr).toContain('> 0.01');
    expect(rulesOf(objects, 'kserve-kserve-models-2-alerts').length).toBeGreaterThan(0);
    expect((findPrometheusRules(app).find((r) => r.ruleName === 'kserve-kserve-models-2-alerts')!.groups.map((g) => g.name))).toEqual(['kserve.ml-models.kserve-kserve-2']);
    // Its SLOs have the same objectives: they stay in the kind's SLO objects.
    expect(strict.slos.map((s) => s.prometheusRule.ruleName)).toEqual(['kserve-kserve-models-availability-slo', 'kserve-kserve-models-latency-slo']);
  });

  it('keeps models whose names overlap apart (iris, iris-v2): each alert names its own model', () => {
    const { app, bundles } = meshModels(['iris', 'iris-v2']);
    expect(bundles[0].prometheusRule).toBe(bundles[1].prometheusRule);
    // promtool runs each model's cases beside the other's healthy series: a label or selection mixed up fails them.
    verifyMonitoring(app);
  });

  it('gives a model whose series do not name it an object of its own, which sets the model label to its name', () => {
    const { app, ns } = setup(['ml-models']);
    const chart = ns['ml-models'];
    const m = new KServeModelMonitoring(chart, 'iris-monitoring', { model: isvc(chart, 'iris'), traffic: RequestMetrics.envoyCluster('httproute/ml-models/flowers/rule/0'), slo: false });
    const objects = synthObjects(app);
    const errors = alertOf(objects, m.prometheusRule.ruleName, 'KServeErrorRateHigh');
    // In the series (annotation templates read only those), not as a rule label.
    expect(errors.labels).toEqual({ severity: 'critical' });
    expect(errors.expr).toContain(',\n"inferenceservice", "iris", "", ""\n)');
    const other = new KServeModelMonitoring(chart, 'wine-monitoring', { model: isvc(chart, 'wine'), traffic: RequestMetrics.envoyCluster('httproute/ml-models/grapes/rule/0'), slo: false });
    expect(other.prometheusRule).not.toBe(m.prometheusRule);
    verifyMonitoring(app);
  });

  it(`fills an object with at most ${MAX_MODELS_PER_RULE_OBJECT} models, then starts the next`, () => {
    const { app, ns } = setup(['ml-models']);
    const chart = ns['ml-models'];
    const names = Array.from({ length: MAX_MODELS_PER_RULE_OBJECT + 1 }, (_, i) => `m${i}`);
    const bundles = names.map((n) => new KServeModelMonitoring(chart, `${n}-monitoring`, { model: isvc(chart, n), slo: false, dashboard: false }));
    expect(bundles[MAX_MODELS_PER_RULE_OBJECT - 1].prometheusRule.ruleName).toBe('kserve-kserve-models-alerts');
    expect(bundles[MAX_MODELS_PER_RULE_OBJECT].prometheusRule.ruleName).toBe('kserve-kserve-models-2-alerts');
    const objects = synthObjects(app);
    const latency = alertOf(objects, 'kserve-kserve-models-alerts', 'KServeLatencyHigh');
    expect(selectsValue(latency.expr, 'inferenceservice', 'm99') && !selectsValue(latency.expr, 'inferenceservice', 'm100')).toBe(true);
    expect(findPrometheusRules(app)).toHaveLength(2);
  });

  it('groups LLMInferenceServices of one role and thresholds, by the llminferenceservice label', () => {
    const { app, ns } = setup(['llm']);
    const gpu = { limits: { cpu: '8', memory: '64Gi', nvidiaGpu: '1' }, requests: { cpu: '4', memory: '32Gi', nvidiaGpu: '1' } };
    const llm = (name: string) => new LlmInferenceService(ns.llm, name, { model: Storage.hf('Qwen/Qwen3-8B'), container: { resources: gpu } });
    const a = new LlmInferenceServiceMonitoring(ns.llm, 'a-monitoring', { model: llm('qwen-a') });
    const b = new LlmInferenceServiceMonitoring(ns.llm, 'b-monitoring', { model: llm('qwen-b') });
    expect(a.prometheusRule).toBe(b.prometheusRule);
    expect(a.timeToFirstTokenSlo!.prometheusRule).toBe(b.timeToFirstTokenSlo!.prometheusRule);
    const objects = synthObjects(app);
    const queued = alertOf(objects, 'llmisvc-vllm-models-alerts', 'LlmRequestsQueued');
    expect(queued.expr).toBe('max by (llminferenceservice, namespace) (vllm:num_requests_waiting{llminferenceservice=~"(?:qwen-a|qwen-b)",namespace="llm"}) > 10');
    expect(queued.annotations!.summary).toBe('LLMInferenceService llm/{{ $labels.llminferenceservice }}: more than 10 requests waiting');
    // Each model absent on its own: absent() keeps only the labels of equality matchers.
    expect(alertOf(objects, 'llmisvc-vllm-models-alerts', 'LlmWorkloadDown').expr).toContain('(absent(up{llminferenceservice="qwen-a",namespace="llm"}) or absent(up{llminferenceservice="qwen-b",namespace="llm"}))');
    verifyMonitoring(app);
  });
});
