/**
 * Issue 18 §1: one dashboard per namespace and model kind, templated by a
 * `model` variable, instead of one dashboard ConfigMap per model.
 */
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { dashboardQueries, findGrafanaDashboards, GrafanaDashboard } from '../../src/observability/dashboard';
import { Catalogs } from '../../src/observability/catalogs';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { LlmMonitoring } from '../../src/observability/llm-monitoring';
import { modelDashboard } from '../../src/observability/model-dashboard';
import { metricNamesIn } from '../../src/observability/promql';
import { InferenceService } from '../../src/serving/inference-service';
import { ModelFormat } from '../../src/serving/model-format';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { objectsOfKind, setup, synthObjects } from '../util';
import { dashboardOfModel, modelChoices } from './helpers';

function isvc(ns: Construct, name: string, format = ModelFormat.SKLEARN): InferenceService {
  return new InferenceService(ns, name, { predictor: Predictor.model({ format, storage: Storage.uri(`gs://bucket/${name}`) }) });
}

/** `=~"v"` as `="v"` when `v` has no regex metacharacter, so a templated matcher compares with the model's own. */
function plain(expr: string): string {
  return expr.replace(/=~"([a-z0-9_-]*)"/g, '="$1"');
}

describe('model kind dashboards', () => {
  it('gives the models of a kind one dashboard whose model variable lists them, in order, and whose panels select $model', () => {
    const { app, ns } = setup(['ml-models']);
    const chart = ns['ml-models'];
    const iris = new KServeModelMonitoring(chart, 'iris-monitoring', { model: isvc(chart, 'iris') });
    const wine = new KServeModelMonitoring(chart, 'wine-monitoring', { model: isvc(chart, 'wine') });
    const densenet = new KServeModelMonitoring(chart, 'densenet-monitoring', { model: isvc(chart, 'densenet', ModelFormat.TRITON) });
    expect(iris.dashboard).toBe(wine.dashboard);
    expect(densenet.dashboard).not.toBe(iris.dashboard);
    expect(findGrafanaDashboards(app).map((d) => d.dashboardName)).toEqual(['kserve-kserve-models-dashboard', 'kserve-triton-models-dashboard']);
    expect(iris.dashboardPath).toBe(`/d/${iris.dashboard!.uid}?var-model=iris`);
    expect(wine.dashboardPath).toBe(`/d/${iris.dashboard!.uid}?var-model=wine`);

    const objects = synthObjects(app);
    const configMaps = objectsOfKind(objects, 'ConfigMap').filter((o) => o.metadata.labels?.grafana_dashboard === '1');
    expect(configMaps.map((o) => o.metadata.name).sort()).toEqual(['kserve-kserve-models-dashboard', 'kserve-triton-models-dashboard']);
    const dash = dashboardOfModel(objects, 'wine');
    expect(dash.title).toBe('KServe models (kserve), ml-models');
    expect(modelChoices(dash)).toEqual(['iris', 'wine']);
    const variable = dash.templating.list.find((v: any) => v.name === 'model');
    expect(variable).toMatchObject({ type: 'custom', query: 'iris,wine', multi: false, includeAll: false, current: { value: 'iris' } });
    expect(modelChoices(dashboardOfModel(objects, 'densenet'))).toEqual(['densenet']);

    const queries = dashboardQueries(dash);
    expect(queries).toContain('sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="ml-models",pod=~"$model-predictor-.*",container!=""}[5m]))');
    expect(queries.some((q) => q.includes('request_predict_seconds_count{inferenceservice=~"$model",namespace="ml-models"}'))).toBe(true);
    expect(JSON.stringify(dash.panels)).not.toMatch(/iris|wine/);
  });

  it("each model's view reads the same queries as the model's own dashboard", () => {
    const { app, ns } = setup(['ml-models']);
    const chart = ns['ml-models'];
    const monitors = ['iris', 'wine'].map((name) => new KServeModelMonitoring(chart, `${name}-monitoring`, { model: isvc(chart, name) }));
    const dash = dashboardOfModel(synthObjects(app), 'iris');
    for (const m of monitors) {
      const own = modelDashboard({
        title: 'own',
        namespace: 'ml-models',
        inferenceService: m.modelName,
        traffic: m.traffic,
        serverPanels: m.modelServer.panels('ml-models', m.modelName, '$__rate_interval'),
        extraRows: [{ title: 'SLOs', panels: m.slos.flatMap((s) => s.panels()) }],
      }).build() as unknown as Record<string, unknown>;
      const expected = dashboardQueries(own).map(plain);
      expect(expected.length).toBeGreaterThan(5);
      const viewed = dashboardQueries(dash).map((q) => plain(q.replace(/\$model/g, m.modelName)));
      expect(viewed).toEqual(expected);
      expect(viewed.flatMap((q) => metricNamesIn(q))).toEqual(expected.flatMap((q) => metricNamesIn(q)));
    }
  });

  it('keeps the namespace literal when it contains the model name, and gives each namespace its own dashboard', () => {
    const { app, ns } = setup(['iris-models', 'other']);
    new KServeModelMonitoring(ns['iris-models'], 'iris-monitoring', { model: isvc(ns['iris-models'], 'iris') });
    new KServeModelMonitoring(ns.other, 'wine-monitoring', { model: isvc(ns.other, 'wine') });
    const objects = synthObjects(app);
    const dash = dashboardOfModel(objects, 'iris');
    const queries = dashboardQueries(dash);
    expect(queries.every((q) => !q.includes('namespace=~'))).toBe(true);
    expect(queries.some((q) => q.includes('namespace="iris-models",pod=~"$model-predictor-.*"'))).toBe(true);
    expect(modelChoices(dash)).toEqual(['iris']);
    expect(modelChoices(dashboardOfModel(objects, 'wine'))).toEqual(['wine']);
  });

  it('puts LLMs (vLLM metrics) of one model server in one LLM dashboard, and leaves out a model without a dashboard', () => {
    const { app, ns } = setup(['llm']);
    const chart = ns.llm;
    const llm = (name: string) => new InferenceService(chart, name, { predictor: Predictor.model({ format: ModelFormat.custom('huggingface') }) });
    const qwen = new LlmMonitoring(chart, 'qwen3-monitoring', { model: llm('qwen3') });
    new LlmMonitoring(chart, 'granite-monitoring', { model: llm('granite') });
    const hidden = new LlmMonitoring(chart, 'hidden-monitoring', { model: llm('hidden'), dashboard: false });
    expect(hidden.dashboard).toBeUndefined();
    expect(hidden.dashboardPath).toBeUndefined();
    expect(qwen.dashboard!.dashboardName).toBe('llm-huggingface-models-dashboard');
    const dash = dashboardOfModel(synthObjects(app), 'granite');
    expect(dash.title).toBe('LLMs (huggingface), llm');
    expect(modelChoices(dash)).toEqual(['qwen3', 'granite']);
    const queries = dashboardQueries(dash);
    expect(queries).toContain('max(vllm:kv_cache_usage_perc{namespace="llm",inferenceservice=~"$model"})');
    // The kind's SLO is shared: its panels select the model by its target labels.
    expect(queries).toContain('slo:sli_error:ratio_rate5m{slo="llm-huggingface-models-ttft",inferenceservice=~"$model",namespace="llm"}');
    expect(JSON.stringify(dash.panels)).toContain('llm-huggingface-models-ttft (latency, 95%)');
  });

  it('offers each model once, by its DNS name (a model already offered stays where it is)', () => {
    const { ns } = setup(['ml-models']);
    const chart = ns['ml-models'];
    const m = new KServeModelMonitoring(chart, 'iris-monitoring', { model: isvc(chart, 'iris') });
    m.dashboard!.addModel('iris');
    expect(m.dashboard!.models).toEqual(['iris']);
    expect(() => m.dashboard!.addModel('a,b')).toThrow(/models\[\]/);
    const d = new GrafanaDashboard(chart, 'custom', { dashboard: modelDashboard({ title: 'x', namespace: 'ml-models', inferenceService: 'iris', traffic: m.traffic }), catalog: m.catalog, models: ['iris', 'wine'] });
    expect(modelChoices(d.model as any)).toEqual(['iris', 'wine']);
    expect(() => new GrafanaDashboard(chart, 'bad', { dashboard: modelDashboard({ title: 'x', namespace: 'ml-models', inferenceService: 'iris', traffic: m.traffic }), catalog: Catalogs.KUBERNETES, models: ['iris'] })).toThrow(/not in the 'kubernetes' catalog/);
  });
});
