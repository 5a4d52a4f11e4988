import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { Alerts, AlertText } from '../../src/observability/alert-templates';
import { KongMonitoring, KongMonitoringProps } from '../../src/observability/kong-monitoring';
import { KServeModelMonitoring, KServeModelMonitoringProps, ModelSloOptions } from '../../src/observability/kserve-model-monitoring';
import { LlmMonitoring, LlmMonitoringProps } from '../../src/observability/llm-monitoring';
import { HistogramRef, LatencyUnit, RequestMetrics } from '../../src/observability/request-metrics';
import { Severity } from '../../src/observability/severity';
import { Slo, SloObjective } from '../../src/observability/slo';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat } from '../../src/serving/model-format';
import { Storage } from '../../src/serving/storage';
import { findObject, setup, synthObjects } from '../util';

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelServingError);
    return (e as Error).message;
  }
  throw new Error('expected a ModelServingError');
}

function model() {
  const { app, ns } = setup(['models', 'llm', 'kong']);
  const iris = new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://bucket/iris') }) });
  const qwen = new InferenceService(ns.llm, 'qwen3', { predictor: Predictor.model({ format: ModelFormat.custom('huggingface') }) });
  return { app, ns, iris, qwen };
}

function rulesOf(objects: any[], name: string, namespace: string): any[] {
  return findObject(objects, 'PrometheusRule', name, namespace).spec.groups.flatMap((g: any) => g.rules);
}

const text: AlertText = { name: 'ModelLatencyHigh', severity: Severity.WARNING, for: Duration.minutes(10), summary: 's', description: 'd', runbookUrl: 'https://runbooks.example.com/ModelLatencyHigh' };

describe('observability time props are Durations (issue 16 §3)', () => {
  it('the old numeric names are gone from the types', () => {
    // @ts-expect-error latencyP95Seconds is now latencyP95: Duration
    const kserve: Partial<KServeModelMonitoringProps> = { latencyP95Seconds: 1 };
    // @ts-expect-error timeToFirstTokenP95Seconds is now timeToFirstTokenP95: Duration
    const llm: Partial<LlmMonitoringProps> = { timeToFirstTokenP95Seconds: 2 };
    // @ts-expect-error latencyP99Seconds is now latencyP99: Duration
    const kong: KongMonitoringProps = { latencyP99Seconds: 1 };
    // @ts-expect-error thresholdSeconds is now threshold: Duration
    const slo: ModelSloOptions = { latency: { thresholdSeconds: 0.5, target: 0.95 } };
    // @ts-expect-error unitSeconds is now unit: LatencyUnit
    const histogram: HistogramRef = { metric: 'request_predict_seconds', unitSeconds: 1 };
    // @ts-expect-error SloObjective.latency takes a Duration, not seconds
    const objective = () => SloObjective.latency(0.5, 0.95);
    // @ts-expect-error Alerts.latency's thresholdSeconds is now threshold: Duration
    const alert = () => Alerts.latency(RequestMetrics.kong('svc'), text, { quantile: 0.95, thresholdSeconds: 1, window: Duration.minutes(5) });
    // @ts-expect-error the threshold of slowRatio is a Duration
    const ratio = () => RequestMetrics.kong('svc').slowRatio(0.5, Duration.hours(1));
    // @ts-expect-error the threshold of latencyAbove is a Duration
    const above = () => RequestMetrics.kong('svc').latencyAbove(0.95, 1, Duration.minutes(5));
    // @ts-expect-error SloObjective has threshold: Duration, no thresholdSeconds
    const old = (o: SloObjective) => o.thresholdSeconds;
    expect([kserve, llm, kong, slo, histogram, objective, alert, ratio, above, old]).toHaveLength(10);
  });

  it('a latency SLO threshold of Duration.millis(500) renders 0.5 s in PromQL (1 le bound on a seconds histogram, 500 on a milliseconds one)', () => {
    const { app, ns } = setup(['models']);
    new Slo(ns.models, 'iris-latency', { traffic: RequestMetrics.kserveModelServer('models', 'iris'), objective: SloObjective.latency(Duration.millis(500), 0.95) });
    new Slo(ns.models, 'mesh-latency', { traffic: RequestMetrics.istio('models', 'iris-predictor'), objective: SloObjective.latency(Duration.millis(500), 0.95) });
    const objects = synthObjects(app);
    const seconds = rulesOf(objects, 'iris-latency-slo', 'models').find((r) => r.record === 'slo:sli_error:ratio_rate5m');
    expect(seconds.expr).toContain('request_predict_seconds_bucket{');
    expect(seconds.expr).toContain('le=~"0.50*"');
    const millis = rulesOf(objects, 'mesh-latency-slo', 'models').find((r) => r.record === 'slo:sli_error:ratio_rate5m');
    expect(millis.expr).toContain('le=~"500(\\\\.0+)?"');
    const burn = rulesOf(objects, 'iris-latency-slo', 'models').find((r) => r.alert === 'SloErrorBudgetBurnFast');
    expect(burn.annotations.description).toContain('95% of requests are faster than 0.5s');
  });

  it('the alert thresholds render as before: latencyP95, latencyP99, timeToFirstTokenP95 in the histogram unit', () => {
    const { app, ns, iris, qwen } = model();
    new KServeModelMonitoring(ns.models, 'iris-monitoring', { model: iris, latencyP95: Duration.millis(250), slo: { latency: { threshold: Duration.seconds(1), target: 0.99 } }, dashboard: false });
    new LlmMonitoring(ns.llm, 'qwen3-monitoring', { model: qwen, timeToFirstTokenP95: Duration.millis(750), dashboard: false, slo: false });
    new KongMonitoring(ns.kong, 'kong', { latencyP99: Duration.millis(300) });
    const objects = synthObjects(app);
    const all = objects.filter((o: any) => o.kind === 'PrometheusRule').flatMap((o: any) => o.spec.groups.flatMap((g: any) => g.rules));
    const alert = (name: string) => all.find((r: any) => r.alert === name);
    expect(alert('KServeLatencyHigh').expr).toMatch(/request_predict_seconds_bucket.*\[5m\]\)\)\) > 0\.25$/);
    expect(alert('LlmTimeToFirstTokenHigh').expr).toMatch(/vllm:time_to_first_token_seconds_bucket.*\[5m\]\)\)\) > 0\.75$/);
    expect(alert('KongLatencyHigh').expr).toMatch(/kong_request_latency_ms_bucket.*\[5m\]\)\)\) > 300$/);
    expect(alert('KongLatencyHigh').annotations.summary).toContain('p99 latency above 0.3s');
    const slo = rulesOf(objects, 'kserve-kserve-models-latency-slo', 'models').find((r) => r.record === 'slo:sli_error:ratio_rate5m');
    expect(slo.expr).toContain('le=~"1(\\\\.0+)?"');
  });

  it('refuses a bare number, naming the field, the value and the Duration to write', () => {
    const { ns, iris, qwen } = model();
    expect(messageOf(() => SloObjective.latency(0.5 as unknown as Duration, 0.95))).toBe(
      'SloObjective.latency: threshold must be a Duration (a bare number has no unit) (received: 0.5). Fix: use SloObjective.latency(Duration.millis(500), 0.95)',
    );
    expect(messageOf(() => new KServeModelMonitoring(ns.models, 'a', { model: iris, latencyP95: 1 as unknown as Duration }))).toMatch(
      /^test\/models\/a: latencyP95 must be a Duration \(a bare number has no unit\) \(received: 1\)\. Fix: use Duration\.seconds\(1\)/,
    );
    expect(messageOf(() => new KServeModelMonitoring(ns.models, 'b', { model: iris, slo: { latency: { threshold: 0.5 as unknown as Duration, target: 0.95 } } }))).toMatch(
      /^test\/models\/b: slo\.latency\.threshold must be a Duration \(a bare number has no unit\) \(received: 0\.5\)\. Fix: use Duration\.millis\(500\)/,
    );
    expect(messageOf(() => new LlmMonitoring(ns.llm, 'c', { model: qwen, timeToFirstTokenP95: 2 as unknown as Duration }))).toMatch(
      /^test\/llm\/c: timeToFirstTokenP95 must be a Duration \(a bare number has no unit\) \(received: 2\)\. Fix: use Duration\.seconds\(2\)/,
    );
    expect(messageOf(() => new KongMonitoring(ns.kong, 'd', { latencyP99: 1 as unknown as Duration }))).toMatch(
      /^test\/kong\/d: latencyP99 must be a Duration \(a bare number has no unit\) \(received: 1\)\. Fix: use Duration\.seconds\(1\)/,
    );
    expect(messageOf(() => Alerts.latency(RequestMetrics.kong('svc'), text, { quantile: 0.95, threshold: 1 as unknown as Duration, window: Duration.minutes(5) }))).toBe(
      'Alerts.latency: options.threshold must be a Duration (a bare number has no unit) (received: 1). Fix: use threshold: Duration.millis(500)',
    );
    expect(messageOf(() => RequestMetrics.kong('svc').slowRatio(0.5 as unknown as Duration, Duration.hours(1)))).toMatch(/^RequestMetrics\.slowRatio: threshold must be a Duration/);
  });

  it('accepts sub-second thresholds but refuses a zero one', () => {
    const { ns, iris } = model();
    expect(() => new KServeModelMonitoring(ns.models, 'fast', { model: iris, latencyP95: Duration.millis(50) })).not.toThrow();
    expect(messageOf(() => SloObjective.latency(Duration.millis(0), 0.95))).toBe('SloObjective.latency: threshold must be longer than 0 (received: "0ms"). Fix: use e.g. SloObjective.latency(Duration.millis(500), 0.95)');
    expect(messageOf(() => new KongMonitoring(ns.kong, 'k', { latencyP99: Duration.seconds(0) }))).toMatch(/^test\/kong\/k: latencyP99 must be longer than 0 \(received: "0ms"\)\. Fix: use e\.g\. Duration\.seconds\(1\)/);
  });

  it('a histogram unit is a LatencyUnit, not a number of seconds', () => {
    const kserve = RequestMetrics.kserveModelServer('models', 'iris');
    expect(kserve.withLatency({ metric: 'x_ms', unit: LatencyUnit.MILLISECONDS }).latencyQuantile(0.95, Duration.minutes(5))).toMatch(/ \* 0\.001$/);
    expect(messageOf(() => kserve.withLatency({ metric: 'x_ms', unitSeconds: 0.001 } as unknown as HistogramRef))).toBe(
      'RequestMetrics: latency.unit must be a LatencyUnit (unitSeconds is gone: the unit is no longer a number) (received: 0.001). Fix: use unit: LatencyUnit.SECONDS, LatencyUnit.MILLISECONDS or LatencyUnit.MICROSECONDS',
    );
  });
});
