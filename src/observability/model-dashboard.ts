import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilderLike, statPanel, timeseriesPanel } from './panels';
import { LabelMatcher, selector } from './promql';
import type { ModelServerPanel } from './model-servers';
import { RequestMetrics } from './request-metrics';

/** Options of {@link modelDashboard}. */
export interface ModelDashboardOptions {
  /** Dashboard title. */
  readonly title: string;
  /** The model's namespace. */
  readonly namespace: string;
  /** The InferenceService name (its predictor pods are `<name>-predictor-...`). */
  readonly inferenceService: string;
  /** Request, error and latency metrics of the model. */
  readonly traffic: RequestMetrics;
  /** Add the LLM row (vLLM tokens/s, time to first token, queue, KV cache). @default false */
  readonly llm?: boolean;
  /** Panels from the model server's own metrics (a "Model server" row), e.g. `ModelServerMetrics.panels(...)`. @default - none */
  readonly serverPanels?: readonly ModelServerPanel[];
  /** Extra rows, e.g. SLO panels. @default - none */
  readonly extraRows?: ReadonlyArray<{ readonly title: string; readonly panels: readonly PanelBuilderLike[] }>;
}

/**
 * A per-model dashboard, as a Foundation SDK builder: RED (requests,
 * errors, latency percentiles), the canary split by revision, CPU, memory and
 * GPU of the predictor pods, and for LLMs tokens per second, time to first
 * token, queue and KV-cache use.
 */
export function modelDashboard(options: ModelDashboardOptions): DashboardBuilder {
  const t = options.traffic;
  const w = '$__rate_interval';
  const d = new DashboardBuilder(options.title).tags(['model-serving', 'model', options.inferenceService]);
  const red: PanelBuilderLike[] = [timeseriesPanel({ title: 'Requests', unit: 'reqps', queries: [{ expr: t.requestRate(w), legend: 'requests/s' }] })];
  const errors = t.errorRatio(w);
  if (errors) red.push(timeseriesPanel({ title: 'Error ratio (5xx)', unit: 'percentunit', queries: [{ expr: errors, legend: 'errors' }] }));
  if (t.spec.latency) {
    red.push(timeseriesPanel({ title: 'Latency', unit: 's', queries: [0.5, 0.95, 0.99].map((q) => ({ expr: t.latencyQuantile(q, w)!, legend: `p${q * 100}` })) }));
  }
  const split = t.spec.splitLabel;
  if (split) {
    red.push(
      timeseriesPanel({
        title: 'Traffic split by revision (canary)',
        unit: 'percentunit',
        queries: [{ expr: t.splitShare(w)!, legend: `{{${split}}}` }],
      }),
    );
  }
  addRow(d, 'Requests', red);

  const pods = [LabelMatcher.eq('namespace', options.namespace), LabelMatcher.re('pod', `${options.inferenceService}-predictor-.*`)];
  addRow(d, 'Resources', [
    timeseriesPanel({ title: 'CPU (cores)', unit: 'short', queries: [{ expr: `sum by (pod) (rate(${selector('container_cpu_usage_seconds_total', [...pods, LabelMatcher.ne('container', '')])}[${w}]))`, legend: '{{pod}}' }] }),
    timeseriesPanel({ title: 'Memory (working set)', unit: 'bytes', queries: [{ expr: `sum by (pod) (${selector('container_memory_working_set_bytes', [...pods, LabelMatcher.ne('container', '')])})`, legend: '{{pod}}' }] }),
    timeseriesPanel({ title: 'GPU utilization', unit: 'percent', queries: [{ expr: `avg by (pod) (${selector('DCGM_FI_DEV_GPU_UTIL', pods)})`, legend: '{{pod}}' }] }),
  ]);

  if (options.serverPanels && options.serverPanels.length > 0) {
    addRow(d, 'Model server', options.serverPanels.map((p) => timeseriesPanel({ title: p.title, unit: p.unit, queries: [{ expr: p.expr, legend: options.inferenceService }] })));
  }

  if (options.llm) {
    const llm = [LabelMatcher.eq('namespace', options.namespace), LabelMatcher.eq('inferenceservice', options.inferenceService)];
    addRow(d, 'LLM', [
      timeseriesPanel({
        title: 'Tokens per second',
        unit: 'short',
        queries: [
          { expr: `sum(rate(${selector('vllm:generation_tokens_total', llm)}[${w}]))`, legend: 'generated' },
          { expr: `sum(rate(${selector('vllm:prompt_tokens_total', llm)}[${w}]))`, legend: 'prompt' },
        ],
      }),
      timeseriesPanel({
        title: 'Time to first token',
        unit: 's',
        queries: [0.5, 0.95].map((q) => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(${selector('vllm:time_to_first_token_seconds_bucket', llm)}[${w}])))`, legend: `p${q * 100}` })),
      }),
      timeseriesPanel({
        title: 'Inter-token latency',
        unit: 's',
        queries: [0.5, 0.95].map((q) => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(${selector('vllm:inter_token_latency_seconds_bucket', llm)}[${w}])))`, legend: `p${q * 100}` })),
      }),
      timeseriesPanel({ title: 'Preemptions per second', unit: 'short', queries: [{ expr: `sum(rate(${selector('vllm:num_preemptions_total', llm)}[${w}]))`, legend: 'preempted' }] }),
      timeseriesPanel({
        title: 'Queue',
        unit: 'short',
        queries: [
          { expr: `sum(${selector('vllm:num_requests_waiting', llm)})`, legend: 'waiting' },
          { expr: `sum(${selector('vllm:num_requests_running', llm)})`, legend: 'running' },
        ],
      }),
      statPanel({ title: 'KV-cache usage (max)', unit: 'percentunit', queries: [{ expr: `max(${selector('vllm:kv_cache_usage_perc', llm)})` }] }),
    ]);
  }
  for (const row of options.extraRows ?? []) addRow(d, row.title, row.panels);
  return d;
}

/** Adds a row and its panels to a dashboard. */
export function addRow(d: DashboardBuilder, title: string, panels: readonly PanelBuilderLike[]): void {
  d.withRow(new RowBuilder(title));
  for (const p of panels) d.withPanel(p);
}
