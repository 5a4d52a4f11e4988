import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { LlmMonitoring } from '../../src/observability/llm-monitoring';
import { RequestMetrics } from '../../src/observability/request-metrics';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { ModelFormat } from '../../src/serving/model-format';
import { findObject, setup, synthObjects } from '../util';
import { alertNames, alertOf, dashboardOfModel, modelChoices, selects } from './helpers';

function model(name = 'iris') {
  const { app, ns } = setup(['ml-models']);
  const isvc = new InferenceService(ns['ml-models'], name, { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://bucket/iris') }) });
  return { app, ns: ns['ml-models'], isvc };
}

describe('KServeModelMonitoring in an Istio mesh (STRICT mTLS refuses a plain-text scrape of the model port)', () => {
  it('scrapes the sidecar\'s merged metrics on 15020 and tells the sidecar where the model\'s metrics are', () => {
    const { app, ns, isvc } = model();
    ns.addLabel('istio-injection', 'enabled');
    new KServeModelMonitoring(ns, 'iris-monitoring', { model: isvc, metricsPort: 8082 });
    const objects = synthObjects(app);
    const endpoint = findObject(objects, 'PodMonitor', 'iris-predictor', 'ml-models').spec.podMetricsEndpoints[0];
    expect(endpoint).toMatchObject({ port: 'http-envoy-prom', path: '/stats/prometheus' });
    expect(endpoint.portNumber).toBeUndefined();
    const rewrite = endpoint.relabelings[0];
    expect(rewrite).toEqual({ action: 'replace', sourceLabels: ['__address__'], regex: '(.+):\\d+', replacement: '$1:15020', targetLabel: '__address__' });
    // The rewrite keeps the pod IP (v4 or v6) and swaps the port.
    for (const [address, expected] of [['10.0.0.5:15090', '10.0.0.5:15020'], ['[fd00::5]:15090', '[fd00::5]:15020']]) {
      expect(address.replace(new RegExp(`^${rewrite.regex}$`), rewrite.replacement)).toBe(expected);
    }
    expect(endpoint.relabelings.slice(1).map((r: any) => r.targetLabel)).toEqual(['inferenceservice', 'revision']);
    expect(findObject(objects, 'InferenceService', 'iris', 'ml-models').spec.predictor.annotations).toEqual({ 'prometheus.io/path': '/metrics', 'prometheus.io/port': '8082', 'prometheus.io/scrape': 'true' });
    expect(findObject(objects, 'NetworkPolicy', 'allow-metrics-iris-predictor', 'ml-models').spec.ingress[0].ports).toEqual([{ port: 15020, protocol: 'TCP' }]);
  });

  it('fails when sidecar injection is switched on after the monitoring was created', () => {
    const { app, ns, isvc } = model();
    new KServeModelMonitoring(ns, 'iris-monitoring', { model: isvc });
    ns.addLabel('istio-injection', 'enabled');
    expect(() => synthObjects(app)).toThrow(/iris-monitoring: istioMetricsMerging is off, but namespace 'ml-models' has Istio sidecar injection \(turned off here, or switched on after this monitoring was created\): under STRICT mTLS Prometheus could not scrape port 8080 in plain text .*Fix: create the monitoring after MeshMtls, or pass istioMetricsMerging: true/);
  });

  it('(not) outside a mesh: the model port, no pod annotations', () => {
    const { app, ns, isvc } = model();
    new KServeModelMonitoring(ns, 'iris-monitoring', { model: isvc });
    const objects = synthObjects(app);
    expect(findObject(objects, 'PodMonitor', 'iris-predictor', 'ml-models').spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 8080, path: '/metrics' });
    expect(findObject(objects, 'InferenceService', 'iris', 'ml-models').spec.predictor.annotations).toBeUndefined();
    // portNumber finds declared container ports only: the model declares the one it serves metrics on.
    expect(findObject(objects, 'InferenceService', 'iris', 'ml-models').spec.predictor.model.ports).toEqual([{ containerPort: 8080, name: 'http1', protocol: 'TCP' }]);
  });
});

describe('KServeModelMonitoring by model server', () => {
  function formatModel(modelFormat: ModelFormat) {
    const { app, ns } = setup(['ml-models']);
    const isvc = new InferenceService(ns['ml-models'], 'm', { predictor: Predictor.model({ format: modelFormat, storage: Storage.uri('gs://bucket/m') }) });
    new KServeModelMonitoring(ns['ml-models'], 'm-monitoring', { model: isvc });
    const objects = synthObjects(app);
    return { objects, endpoint: findObject(objects, 'PodMonitor', 'm-predictor', 'ml-models').spec.podMetricsEndpoints[0], ports: findObject(objects, 'InferenceService', 'm', 'ml-models').spec.predictor.model.ports };
  }

  it('TorchServe: its metrics API on 8082, declared next to the serving port', () => {
    const { endpoint, ports } = formatModel(ModelFormat.PYTORCH);
    expect(endpoint).toMatchObject({ portNumber: 8082, path: '/metrics' });
    expect(ports.map((p: any) => p.containerPort)).toEqual([8080, 8082]);
  });

  it('TF Serving: metrics only once configured, so "down" comes from kube-state-metrics, not from up', () => {
    const { objects, endpoint } = formatModel(ModelFormat.TENSORFLOW);
    expect(endpoint).toMatchObject({ portNumber: 8080, path: '/monitoring/prometheus/metrics' });
    const down = alertOf(objects, 'kserve-tensorflow-serving-models-alerts', 'KServePredictorDown');
    // The kind's rule names the model from the Deployment's name.
    expect(down.expr).toBe('label_replace(\n(sum by (deployment, namespace) (kube_deployment_status_replicas_available{deployment="m-predictor",namespace="ml-models"}) == 0)\nor\nabsent(kube_deployment_status_replicas_available{deployment="m-predictor",namespace="ml-models"}),\n"inferenceservice", "$1", "deployment", "(m)-predictor"\n)');
  });
});

describe('KServeModelMonitoring', () => {
  it('scrapes exactly the predictor pods the InferenceService routes to', () => {
    const { app, ns, isvc } = model();
    new KServeModelMonitoring(ns, 'iris-monitoring', { model: isvc });
    const objects = synthObjects(app);
    const pm = findObject(objects, 'PodMonitor', 'iris-predictor', 'ml-models');
    const pods = isvc.backendRef.pods!;
    expect(pm.spec.selector.matchLabels).toEqual(pods.selector);
    expect(selects(pm.spec.selector.matchLabels, { ...pods.selector, 'pod-template-hash': 'abc' })).toBe(true);
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: pods.port, path: '/metrics' });
    expect(pm.spec.podMetricsEndpoints[0].relabelings.map((r: any) => r.targetLabel)).toEqual(['inferenceservice', 'revision']);
    expect(findObject(objects, 'NetworkPolicy', 'allow-metrics-iris-predictor', 'ml-models').spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });

  it('alerts on the model server alone: down, latency, load failures, canary', () => {
    const { app, ns, isvc } = model();
    const m = new KServeModelMonitoring(ns, 'iris-monitoring', { model: isvc });
    const objects = synthObjects(app);
    expect(alertNames(objects, 'kserve-kserve-models-alerts')).toEqual(['KServeCanaryStuck', 'KServeLatencyHigh', 'KServeModelLoadFailing', 'KServePredictorDown']);
    const latency = alertOf(objects, 'kserve-kserve-models-alerts', 'KServeLatencyHigh');
    expect(latency.expr).toBe('histogram_quantile(0.95, sum by (le, inferenceservice, namespace) (rate(request_predict_seconds_bucket{inferenceservice="iris",namespace="ml-models"}[5m]))) > 1');
    // The model server's series carry the model label: no rule label, no label_replace.
    expect(latency).toMatchObject({ for: '10m', labels: { severity: 'warning' }, annotations: { summary: 'InferenceService ml-models/{{ $labels.inferenceservice }}: p95 latency above 1s' } });
    expect(alertOf(objects, 'kserve-kserve-models-alerts', 'KServeCanaryStuck').for).toBe('6h');
    expect(alertOf(objects, 'kserve-kserve-models-alerts', 'KServePredictorDown').expr).toContain('absent(up{inferenceservice="iris",namespace="ml-models"})');
    // no error signal from the model server: the latency SLO only
    expect(m.slos.map((s) => s.sloName)).toEqual(['kserve-kserve-models-latency']);
    expect(m.prometheusRule.ruleName).toBe('kserve-kserve-models-alerts');
    expect(findObject(objects, 'PrometheusRule', 'kserve-kserve-models-alerts')).toMatchSnapshot();
  });

  it('adds the error-rate alert and availability SLO with the gateway as traffic source', () => {
    const { app, ns, isvc } = model();
    const m = new KServeModelMonitoring(ns, 'iris-monitoring', { model: isvc, traffic: RequestMetrics.envoyCluster('kube_ml-models_iris-predictor_80') });
    const objects = synthObjects(app);
    const errors = alertOf(objects, 'kserve-kserve-models-alerts', 'KServeErrorRateHigh');
    expect(errors.expr).toContain('envoy_cluster_upstream_rq_xx{envoy_cluster_name="kube_ml-models_iris-predictor_80",envoy_response_code_class="5"}');
    expect(errors.expr).toContain(') > 0.05,\n"inferenceservice", "$1", "envoy_cluster_name", "kube_ml-models_(iris)-predictor_80"\n)');
    expect(errors.labels).toEqual({ severity: 'critical' });
    expect(m.slos.map((s) => s.sloName)).toEqual(['kserve-kserve-models-availability', 'kserve-kserve-models-latency']);
    // Envoy clusters have no revision label: no canary alert
    expect(alertNames(objects, 'kserve-kserve-models-alerts')).not.toContain('KServeCanaryStuck');
  });

  it('moves the rule and its unit-test inputs together when a threshold changes', () => {
    const { ns, isvc } = model();
    const m = new KServeModelMonitoring(ns, 'iris-monitoring', { model: isvc, latencyP95: Duration.millis(2500), slo: false, dashboard: false });
    const alert = m.prometheusRule.alerts.find((a) => a.name === 'KServeLatencyHigh')!;
    expect(alert.expr.endsWith('> 2.5')).toBe(true);
    const firing = alert.tests.find((t) => t.expectedAlerts.length > 0)!;
    const silent = alert.tests.find((t) => t.expectedAlerts.length === 0)!;
    const les = (c: typeof firing) => c.series.map((s) => /le="([^"]+)"/.exec(s.series)?.[1]).filter(Boolean);
    expect(les(firing)).toEqual(['2.5', '5', '+Inf']);
    expect(les(silent)).toEqual(['0.625', '1.25', '+Inf']);
    expect(m.slos).toEqual([]);
    expect(m.dashboard).toBeUndefined();
  });

  it('adds the model to its kind dashboard with RED, canary, resources and SLO panels', () => {
    const { app, ns, isvc } = model();
    const m = new KServeModelMonitoring(ns, 'iris-monitoring', { model: isvc });
    const cm = findObject(synthObjects(app), 'ConfigMap', m.dashboard!.dashboardName, 'ml-models');
    expect(cm.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    const dash = JSON.parse((cm as any).data[`${m.dashboard!.dashboardName}.json`]);
    expect(modelChoices(dash)).toEqual(['iris']);
    const titles = dash.panels.map((p: any) => p.title);
    expect(titles).toEqual(expect.arrayContaining(['Requests', 'Latency', 'Traffic split by revision (canary)', 'CPU (cores)', 'Memory (working set)', 'GPU utilization', 'SLOs']));
  });

  it('fails when thresholds are out of range', () => {
    const { ns, isvc } = model();
    expect(() => new KServeModelMonitoring(ns, 'a', { model: isvc, errorRatio: 5 })).toThrow(/errorRatio must be strictly between 0 and 1/);
    expect(() => new KServeModelMonitoring(ns, 'b', { model: isvc, latencyP95: Duration.seconds(0) })).toThrow(/b: latencyP95 must be longer than 0 \(received: "0ms"\)\. Fix: use e\.g\. Duration\.seconds\(1\)/);
  });

  it('fails when a canary limit is shorter than a minute', () => {
    const { ns, isvc } = model();
    expect(() => new KServeModelMonitoring(ns, 'a', { model: isvc, canaryMaxDuration: Duration.seconds(10) })).toThrow(/at least 1m/);
  });
});

describe('LlmMonitoring', () => {
  it('adds time to first token, queue and KV-cache alerts on vLLM metrics', () => {
    const { app, ns } = setup(['llm']);
    const qwen = new InferenceService(ns.llm, 'qwen3', { predictor: Predictor.model({ format: ModelFormat.custom('huggingface') }) });
    const m = new LlmMonitoring(ns.llm, 'qwen3-monitoring', { model: qwen, kvCacheUsage: 0.8 });
    const objects = synthObjects(app);
    const rules = m.prometheusRule.ruleName;
    expect(rules).toBe(`llm-${m.modelServer.kind}-models-alerts`);
    expect(alertNames(objects, rules)).toEqual(['LlmCanaryStuck', 'LlmInterTokenLatencyHigh', 'LlmKvCacheFull', 'LlmLatencyHigh', 'LlmModelLoadFailing', 'LlmPredictorDown', 'LlmPreemptions', 'LlmRequestsQueued', 'LlmTimeToFirstTokenHigh']);
    expect(alertOf(objects, rules, 'LlmKvCacheFull').expr).toBe('max by (inferenceservice, namespace) (vllm:kv_cache_usage_perc{inferenceservice="qwen3",namespace="llm"}) > 0.8');
    expect(alertOf(objects, rules, 'LlmTimeToFirstTokenHigh').expr).toContain('vllm:time_to_first_token_seconds_bucket');
    expect(alertOf(objects, rules, 'LlmRequestsQueued').expr.endsWith('> 10')).toBe(true);
    const dash = dashboardOfModel(objects, 'qwen3');
    expect(dash.panels.map((p: any) => p.title)).toEqual(expect.arrayContaining(['Tokens per second', 'Time to first token', 'Queue', 'KV-cache usage (max)']));
  });

  it('fails when the KV-cache threshold is not a fraction', () => {
    const { ns } = setup(['llm']);
    const qwen = new InferenceService(ns.llm, 'qwen3', { predictor: Predictor.model({ format: ModelFormat.custom('huggingface') }) });
    expect(() => new LlmMonitoring(ns.llm, 'm', { model: qwen, kvCacheUsage: 90 })).toThrow(/kvCacheUsage must be strictly between 0 and 1/);
  });
});
