import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { LlmMonitoring } from '../../src/observability/llm-monitoring';
import { findPrometheusRules } from '../../src/observability/prometheus-rule';
import { verifyMonitoring } from '../../src/observability/verify-monitoring';
import { InferenceService } from '../../src/serving/inference-service';
import { ModelFormat } from '../../src/serving/model-format';
import { Predictor } from '../../src/serving/predictor';
import { setup, synthObjects } from '../util';
import { alertNames, alertOf, dashboardOfModel, rulesOf } from './helpers';

function llm() {
  const { app, ns } = setup(['llm']);
  const qwen = new InferenceService(ns.llm, 'qwen3', { predictor: Predictor.model({ format: ModelFormat.custom('vLLM') }) });
  return { app, ns: ns.llm, qwen };
}

describe('LlmMonitoring: inter-token latency, preemptions and the time-to-first-token SLO', () => {
  it('alerts on p95 inter-token latency and sustained preemptions, read from the names vLLM 0.24 (KServe v0.20.0) exports', () => {
    const { app, ns, qwen } = llm();
    new LlmMonitoring(ns, 'qwen3-monitoring', { model: qwen });
    const objects = synthObjects(app);
    expect(alertNames(objects, 'llm-vllm-models-alerts')).toEqual(expect.arrayContaining(['LlmInterTokenLatencyHigh', 'LlmPreemptions']));
    const itl = alertOf(objects, 'llm-vllm-models-alerts', 'LlmInterTokenLatencyHigh');
    expect(itl.expr).toBe('histogram_quantile(0.95, sum by (le, inferenceservice, namespace) (rate(vllm:inter_token_latency_seconds_bucket{inferenceservice="qwen3",namespace="llm"}[5m]))) > 0.2');
    expect(itl.expr).not.toContain('time_per_output_token');
    expect(itl.for).toBe('10m');
    const preempt = alertOf(objects, 'llm-vllm-models-alerts', 'LlmPreemptions');
    expect(preempt.expr).toBe('sum by (inferenceservice, namespace) (rate(vllm:num_preemptions_total{inferenceservice="qwen3",namespace="llm"}[5m])) > 0');
    expect(preempt.for).toBe('15m');
    expect(preempt.labels).toEqual({ severity: 'warning' });
  });

  it('takes its thresholds', () => {
    const { app, ns, qwen } = llm();
    new LlmMonitoring(ns, 'qwen3-monitoring', { model: qwen, interTokenLatencyP95: Duration.millis(75), preemptionsPerSecond: 0.5 });
    const objects = synthObjects(app);
    expect(alertOf(objects, 'llm-vllm-models-alerts', 'LlmInterTokenLatencyHigh').expr.endsWith('> 0.075')).toBe(true);
    expect(alertOf(objects, 'llm-vllm-models-alerts', 'LlmPreemptions').expr.endsWith('> 0.5')).toBe(true);
  });

  it('records a time-to-first-token SLO (95% within 2.5 s) with burn-rate alerts, shown on the dashboard', () => {
    const { app, ns, qwen } = llm();
    const m = new LlmMonitoring(ns, 'qwen3-monitoring', { model: qwen });
    expect(m.timeToFirstTokenSlo?.sloName).toBe('llm-vllm-models-ttft');
    expect(m.timeToFirstTokenSlo?.objective.target).toBe(0.95);
    const objects = synthObjects(app);
    const rules = rulesOf(objects, 'llm-vllm-models-ttft-slo', 'llm');
    const sli5m = rules.find((r) => r.record === 'slo:sli_error:ratio_rate5m')!;
    expect(sli5m.expr).toContain('vllm:time_to_first_token_seconds_bucket{inferenceservice="qwen3",namespace="llm",le=~"2.50*"}[5m]');
    expect(sli5m.expr).toContain('vllm:time_to_first_token_seconds_count{inferenceservice="qwen3",namespace="llm"}');
    expect(rules.filter((r) => r.alert).map((r) => r.alert).sort()).toEqual(['SloErrorBudgetBurnFast', 'SloErrorBudgetBurnSlow']);
    const dash = dashboardOfModel(objects, 'qwen3');
    const titles = JSON.stringify(dash);
    expect(titles).toContain('llm-vllm-models-ttft (latency, 95%)');
    expect(titles).toContain('Inter-token latency');
    expect(titles).toContain('Preemptions per second');
  });

  it('passes promtool: lint, and a firing and a silent unit test for every new alert', () => {
    const { app, ns, qwen } = llm();
    new LlmMonitoring(ns, 'qwen3-monitoring', { model: qwen, timeToFirstTokenSlo: { threshold: Duration.seconds(1), target: 0.9 } });
    const report = verifyMonitoring(app);
    const alerts = findPrometheusRules(app).flatMap((r) => r.alerts);
    for (const name of ['LlmInterTokenLatencyHigh', 'LlmPreemptions', 'LlmTimeToFirstTokenHigh']) {
      const a = alerts.find((x) => x.name === name)!;
      expect(a.tests.some((t) => t.expectedAlerts.length > 0), name).toBe(true);
      expect(a.tests.some((t) => t.expectedAlerts.length === 0), name).toBe(true);
    }
    const slo = findPrometheusRules(app).find((r) => r.ruleName === 'llm-vllm-models-ttft-slo');
    expect(slo?.alerts.map((a) => a.name).sort()).toEqual(['SloErrorBudgetBurnFast', 'SloErrorBudgetBurnSlow']);
    expect(report.testCases).toBeGreaterThanOrEqual(report.alerts * 2);
  });

  it('leaves the SLO out with timeToFirstTokenSlo: false or slo: false', () => {
    for (const off of [{ timeToFirstTokenSlo: false as const }, { slo: false as const }]) {
      const { ns, qwen } = llm();
      expect(new LlmMonitoring(ns, 'qwen3-monitoring', { model: qwen, ...off }).timeToFirstTokenSlo).toBeUndefined();
    }
  });

  it('fails when the SLO threshold is not a bucket bound of vllm:time_to_first_token_seconds', () => {
    const { ns, qwen } = llm();
    expect(() => new LlmMonitoring(ns, 'm', { model: qwen, timeToFirstTokenSlo: { threshold: Duration.seconds(2), target: 0.95 } })).toThrow(/timeToFirstTokenSlo\.threshold is not a bucket bound of vllm:time_to_first_token_seconds[\s\S]*use one of 0\.25, 0\.5, 0\.75, 1, 2\.5, 5, 7\.5, 10 s/);
  });

  it('fails for a negative preemption rate and a bare-number inter-token latency', () => {
    const { ns, qwen } = llm();
    expect(() => new LlmMonitoring(ns, 'a', { model: qwen, preemptionsPerSecond: -1 })).toThrow(/preemptionsPerSecond must be a finite number >= 0/);
    expect(() => new LlmMonitoring(ns, 'b', { model: qwen, interTokenLatencyP95: 0.2 as unknown as Duration })).toThrow(/interTokenLatencyP95/);
  });
});
