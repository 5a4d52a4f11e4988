import { Duration } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { KubeObject } from '../../src/delivery/manifest';
import { Catalogs } from '../../src/observability/catalogs';
import { dashboardQueries } from '../../src/observability/dashboard';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { LlmMonitoring } from '../../src/observability/llm-monitoring';
import { MetricCatalog } from '../../src/observability/metric-catalog';
import { ModelServerMetrics } from '../../src/observability/model-servers';
import { metricNamesIn } from '../../src/observability/promql';
import { RequestMetrics } from '../../src/observability/request-metrics';
import { Severity } from '../../src/observability/severity';
import { TestSeries } from '../../src/observability/test-series';
import { MonitoringReport, verifyMonitoring } from '../../src/observability/verify-monitoring';
import { DeploymentMode, ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { ModelServerKind, ServingRuntime } from '../../src/serving/serving-runtime';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';
import { alertNames, alertOf, dashboardOfModel, rulesOf } from './helpers';

/** Every metric name read by the rules and dashboard panels of model `name`'s bundle. */
function metricsRead(objects: readonly KubeObject[], name: string): string[] {
  const rules = objectsOfKind(objects, 'PrometheusRule')
    // The kind's objects whose rules select the model (by its name in a matcher).
    .filter((o) => JSON.stringify(o.spec).includes(`${name}`))
    .flatMap((o) => (o.spec.groups as Array<{ rules: Array<{ expr: string }> }>).flatMap((g) => g.rules.map((r) => r.expr)));
  const panels = dashboardQueries(dashboardOfModel(objects, name));
  return [...new Set([...rules, ...panels].flatMap((e) => metricNamesIn(e)))].sort();
}

/** Metrics of `names` that neither `server` nor Kubernetes/Prometheus export, recorded SLO series aside. */
function outside(names: readonly string[], server: MetricCatalog): string[] {
  const allowed = MetricCatalog.merge('allowed', [server, Catalogs.KUBERNETES, Catalogs.PROMETHEUS]);
  return names.filter((n) => !allowed.has(n) && !n.startsWith('slo:'));
}

function models() {
  const { app, platform, ns } = setup(['models']);
  return { app, platform, ns: ns.models };
}

describe('KServeModelMonitoring reads the metrics of the model server the model runs', () => {
  it('a TorchServe model (Standard mode) with default traffic reads ts_* on 8082, never request_predict_seconds', () => {
    const { app, platform, ns } = models();
    const isvc = new InferenceService(ns, 'resnet', { predictor: Predictor.model({ format: ModelFormat.PYTORCH, storage: Storage.uri('s3://models/resnet') }), deploymentMode: DeploymentMode.STANDARD });
    const mon = new KServeModelMonitoring(ns, 'resnet-monitoring', { model: isvc });
    expect(mon.modelServer).toBe(ModelServerMetrics.TORCHSERVE);
    const objects = synthObjects(app);
    const read = metricsRead(objects, 'resnet');
    expect(read.filter((n) => n.startsWith('request_'))).toEqual([]);
    expect(read).toContain('ts_inference_requests_total');
    expect(outside(read, Catalogs.TORCHSERVE)).toEqual([]);
    expect(findObject(objects, 'PodMonitor', 'resnet-predictor', 'models').spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 8082, path: '/metrics' });
    // TorchServe exports metrics only once configured to: "down" comes from kube-state-metrics, and the README says what to set.
    expect(alertOf(objects, 'kserve-torchserve-models-alerts', 'KServePredictorDown').expr).toContain('kube_deployment_status_replicas_available{deployment="resnet-predictor",namespace="models"}');
    expect(platform.setupNotes.find((n) => n.topic === 'TorchServe metrics')?.text).toContain('metrics_mode=prometheus');
    // No latency histogram and no per-model error counter: no latency or error alert or SLO reads a series that does not exist.
    expect(alertNames(objects, 'kserve-torchserve-models-alerts')).toEqual(['KServeCanaryStuck', 'KServeModelLoadFailing', 'KServePredictorDown']);
    expect(mon.slos).toEqual([]);
  });

  it("a Triton model's alerts, SLO and panels read nv_* series on 8002", () => {
    const { app, ns } = models();
    const isvc = new InferenceService(ns, 'densenet', { predictor: Predictor.model({ format: ModelFormat.TRITON, storage: Storage.uri('s3://models/densenet') }) });
    const mon = new KServeModelMonitoring(ns, 'densenet-monitoring', { model: isvc });
    expect(mon.catalog.name).toBe('triton-model');
    const objects = synthObjects(app);
    const read = metricsRead(objects, 'densenet');
    expect(read).toEqual(expect.arrayContaining(['nv_inference_request_success', 'nv_inference_request_failure', 'nv_inference_request_duration_us']));
    expect(outside(read, Catalogs.TRITON)).toEqual([]);
    const errors = alertOf(objects, 'kserve-triton-models-alerts', 'KServeErrorRateHigh').expr;
    // failures over every request (successes plus failures)
    expect(errors).toContain('rate(nv_inference_request_failure{inferenceservice="densenet",namespace="models"}[5m])');
    expect(errors).toContain('+');
    expect(mon.slos.map((s) => s.sloName)).toEqual(['kserve-triton-models-availability']);
    // The mean-duration panel divides like by like: both sides keep the target labels.
    const panels = dashboardQueries(dashboardOfModel(objects, 'densenet'));
    const duration = panels.find((q) => q.includes('nv_inference_request_duration_us'))!;
    expect(duration).toMatch(/^sum by \(inferenceservice, namespace\) \(rate\(nv_inference_request_duration_us\{inferenceservice=~"\$model",namespace="models"\}\[[^\]]+\]\)\)\n\/\n\(\n  \(sum by \(inferenceservice, namespace\) \(rate\(nv_inference_request_success/);
    expect(findObject(objects, 'PodMonitor', 'densenet-predictor', 'models').spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 8002 });
  });

  it('fails at synth when a custom expression on a Triton model reads request_predict_seconds_count', () => {
    const { ns } = models();
    const isvc = new InferenceService(ns, 'densenet', { predictor: Predictor.model({ format: ModelFormat.TRITON }) });
    const mon = new KServeModelMonitoring(ns, 'densenet-monitoring', { model: isvc });
    const series = (rate: number) => [TestSeries.counter('request_predict_seconds_count', { namespace: 'models', inferenceservice: 'densenet' }, rate, 20)];
    expect(() =>
      mon.prometheusRule.addGroup('custom').addAlert({
        name: 'KServeNoTraffic',
        expr: 'sum(rate(request_predict_seconds_count{namespace="models",inferenceservice="densenet"}[5m])) == 0',
        for: Duration.minutes(5),
        severity: Severity.WARNING,
        summary: 'no traffic',
        description: 'The model received no request for 5 minutes.',
        runbookUrl: 'https://runbooks.example.com/no-traffic',
        tests: [
          { description: 'no traffic', evalTime: Duration.minutes(15), series: series(0), expectedAlerts: [{}] },
          { description: 'traffic', evalTime: Duration.minutes(15), series: series(1), expectedAlerts: [] },
        ],
      }),
    ).toThrow(/ModelRules-kserve-triton-models-alerts: alerts\[KServeNoTraffic\]\.expr reads metric\(s\) not in the 'triton-model' catalog: request_predict_seconds_count .*Fix: fix the metric name, or add the documented metric/);
  });

  it("fails when the traffic source is another model server's (the KServe server's histogram on a Triton model)", () => {
    const { ns } = models();
    const isvc = new InferenceService(ns, 'densenet', { predictor: Predictor.model({ format: ModelFormat.ONNX }) });
    expect(() => new KServeModelMonitoring(ns, 'densenet-monitoring', { model: isvc, traffic: RequestMetrics.kserveModelServer('models', 'densenet') })).toThrow(
      /densenet-monitoring: traffic reads request_predict_seconds_bucket, which the KServe Python model server exports, but InferenceService models\/densenet runs Triton \(KServe v0.20 selects triton for format 'onnx' over v2\), which does not: the series would never exist \(received: "the KServe model server"\)\. Fix: omit traffic for Triton's own request metrics, or measure at the gateway/,
    );
  });

  it('follows KServe v0.20 runtime selection: sklearn over v1 is the KServe server, over v2 MLServer (priority 2), on its port 8082', () => {
    const { app, ns } = models();
    const v1 = new InferenceService(ns, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
    const v2 = new InferenceService(ns, 'iris-v2', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, protocolVersion: ProtocolVersion.V2 }) });
    expect(new KServeModelMonitoring(ns, 'iris-monitoring', { model: v1 }).modelServer).toBe(ModelServerMetrics.KSERVE);
    const mlserver = new KServeModelMonitoring(ns, 'iris-v2-monitoring', { model: v2 });
    expect(mlserver.modelServer).toBe(ModelServerMetrics.MLSERVER);
    const objects = synthObjects(app);
    expect(findObject(objects, 'PodMonitor', 'iris-v2-predictor', 'models').spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 8082 });
    const read = metricsRead(objects, 'iris-v2');
    expect(read).toEqual(expect.arrayContaining(['model_infer_request_success_total', 'model_infer_request_failure_total']));
    expect(outside(read, Catalogs.MLSERVER)).toEqual([]);
    expect(metricsRead(objects, 'iris')).toContain('request_predict_seconds_bucket');
  });

  it('recognizes Text Embeddings Inference from ServingRuntime.textEmbeddingsInference: te_* on port 9000, no latency SLO its buckets cannot give', () => {
    const { app, ns } = models();
    const tei = ServingRuntime.textEmbeddingsInference(ns, 'tei', { image: 'ghcr.io/huggingface/text-embeddings-inference:cpu-1.8' });
    const isvc = new InferenceService(ns, 'nomic', { predictor: Predictor.model({ format: ModelFormat.custom('text-embeddings'), runtime: tei }), deploymentMode: DeploymentMode.STANDARD });
    const mon = new KServeModelMonitoring(ns, 'nomic-monitoring', { model: isvc });
    expect(mon.modelServer).toBe(ModelServerMetrics.TEXT_EMBEDDINGS_INFERENCE);
    const objects = synthObjects(app);
    expect(findObject(objects, 'PodMonitor', 'nomic-predictor', 'models').spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 9000 });
    const read = metricsRead(objects, 'nomic');
    expect(read).toEqual(expect.arrayContaining(['te_request_count', 'te_request_failure', 'te_request_duration_bucket']));
    expect(outside(read, Catalogs.TEI)).toEqual([]);
    expect(mon.slos.map((s) => s.sloName)).toEqual(['kserve-text-embeddings-inference-models-availability']);
  });

  it('fails when a latency SLO threshold is not a bucket bound of the histogram (TEI has none at 0.5 s)', () => {
    const { ns } = models();
    const tei = ServingRuntime.textEmbeddingsInference(ns, 'tei', { image: 'ghcr.io/huggingface/text-embeddings-inference:cpu-1.8' });
    const isvc = new InferenceService(ns, 'nomic', { predictor: Predictor.model({ format: ModelFormat.custom('text-embeddings'), runtime: tei }) });
    expect(() => new KServeModelMonitoring(ns, 'nomic-monitoring', { model: isvc, slo: { latency: { threshold: Duration.millis(500), target: 0.95 } } })).toThrow(
      /nomic-monitoring\/LatencySlo: objective\.threshold is not a bucket bound of te_request_duration \(Text Embeddings Inference\), so the share of requests under it cannot be read from the histogram \(received: "0\.5s"\)\. Fix: use a bound of the histogram \(near it: 0\.25251168294, 0\.378767524411, 0\.568151286616, 0\.852226929924 s\), or measure latency where the buckets are round, e\.g\. at the gateway/,
    );
  });

  it('fails when a custom runtime does not say which model server it runs, and accepts it once it does', () => {
    const { app, ns } = models();
    const props = { supportedModelFormats: [{ format: ModelFormat.custom('my-format'), autoSelect: true }], container: { image: 'registry.example.com/my-server:1.0.0' } };
    const bare = new ServingRuntime(ns, 'bare', props);
    const a = new InferenceService(ns, 'a', { predictor: Predictor.model({ format: ModelFormat.custom('my-format'), runtime: bare }) });
    expect(() => new KServeModelMonitoring(ns, 'a-monitoring', { model: a })).toThrow(
      /models\/a-monitoring: modelServer cannot be inferred from InferenceService models\/a: runtime 'bare' does not say which model server it runs \(ServingRuntimeProps\.modelServer\), so the metrics its pods export are unknown .*Fix: pass modelServer: ModelServerMetrics\.KSERVE .*or set modelServer on the ServingRuntime/,
    );
    const triton = new ServingRuntime(ns, 'my-triton', { ...props, modelServer: ModelServerKind.TRITON });
    const b = new InferenceService(ns, 'b', { predictor: Predictor.model({ format: ModelFormat.custom('my-format'), runtime: triton }) });
    expect(new KServeModelMonitoring(ns, 'b-monitoring', { model: b }).modelServer).toBe(ModelServerMetrics.TRITON);
    const c = new InferenceService(ns, 'c', { predictor: Predictor.model({ format: ModelFormat.custom('my-format'), runtime: bare }) });
    expect(new KServeModelMonitoring(ns, 'c-monitoring', { model: c, modelServer: ModelServerMetrics.KSERVE }).modelServer).toBe(ModelServerMetrics.KSERVE);
    expect(rulesOf(synthObjects(app), 'kserve-triton-models-alerts').some((r) => r.expr.includes('nv_inference_request_success'))).toBe(true);
  });

  it('fails when a ServingRuntime names an unknown model server', () => {
    const { ns } = models();
    expect(() => new ServingRuntime(ns, 'x', { supportedModelFormats: [{ format: ModelFormat.custom('f') }], container: { image: 'registry.example.com/x:1.0.0' }, modelServer: 'seldon' as ModelServerKind })).toThrow(/models\/x: modelServer .*seldon/);
  });

  it('fails when LlmMonitoring watches a model whose server exports no vLLM metrics', () => {
    const { ns } = models();
    const isvc = new InferenceService(ns, 'densenet', { predictor: Predictor.model({ format: ModelFormat.TRITON }) });
    expect(() => new LlmMonitoring(ns, 'densenet-monitoring', { model: isvc })).toThrow(
      /densenet-monitoring: model runs Triton \(KServe v0.20 selects triton for format 'triton' over v2\), but LlmMonitoring reads vLLM's metrics \(vllm:\*\), which it does not export \(received: "models\/densenet"\)\. Fix: use KServeModelMonitoring for this model, or serve it with a vLLM runtime/,
    );
  });
});

describe("each model server's generated rules pass promtool", () => {
  let report: MonitoringReport;
  beforeAll(() => {
    const { app, ns } = models();
    const formats: ReadonlyArray<readonly [string, ModelFormat, ProtocolVersion?]> = [
      ['torch', ModelFormat.PYTORCH],
      ['triton', ModelFormat.TRITON],
      ['mlserver', ModelFormat.XGBOOST, ProtocolVersion.V2],
      ['tfs', ModelFormat.TENSORFLOW],
      ['hf', ModelFormat.HUGGINGFACE],
    ];
    for (const [name, modelFormat, protocolVersion] of formats) {
      const isvc = new InferenceService(ns, name, { predictor: Predictor.model({ format: modelFormat, protocolVersion }), deploymentMode: DeploymentMode.STANDARD });
      new KServeModelMonitoring(ns, `${name}-monitoring`, { model: isvc });
    }
    const tei = ServingRuntime.textEmbeddingsInference(ns, 'tei', { image: 'ghcr.io/huggingface/text-embeddings-inference:cpu-1.8' });
    new KServeModelMonitoring(ns, 'emb-monitoring', { model: new InferenceService(ns, 'emb', { predictor: Predictor.model({ format: ModelFormat.custom('text-embeddings'), runtime: tei }), deploymentMode: DeploymentMode.STANDARD }) });
    report = verifyMonitoring(app);
  });

  it('checks and unit-tests every rule and panel query', () => {
    expect(report.prometheusRules).toBeGreaterThanOrEqual(6);
    expect(report.testCases).toBeGreaterThanOrEqual(report.alerts * 2);
    expect(report.panelQueries).toBeGreaterThan(30);
  });
});
