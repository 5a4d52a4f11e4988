import { DashboardBuilder, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDashboardQueries, dashboardQueries, GrafanaDashboard, GrafanaOperatorOptions, MODEL_VARIABLE } from './dashboard';
import { MetricCatalog } from './metric-catalog';
import { escapeRegex, replaceName } from './model-name';

/** What a model's monitoring bundle gives to join the dashboard of its kind. */
export interface ModelDashboardEntry {
  /** The kind, part of the dashboard's name: e.g. `kserve-sklearn`, `llm-vllm`. */
  readonly kind: string;
  /** The kind's title, e.g. `KServe models (kserve)`; the namespace is appended. */
  readonly title: string;
  /** The model's namespace (stays literal in the queries: one dashboard per namespace and kind). */
  readonly namespace: string;
  /** The InferenceService name, replaced by `$model` in the panels. */
  readonly model: string;
  /** The model's own dashboard (from `modelDashboard`): its panels are templated. */
  readonly dashboard: DashboardBuilder;
  /** The metrics the model's panels may read. */
  readonly catalog: MetricCatalog;
  /** Series recorded by the model's rules that panels may read. */
  readonly recordedSeries: readonly string[];
  /** ConfigMap labels. */
  readonly labels?: Record<string, string>;
  /** Also publish as a Grafana Operator `GrafanaDashboard`. */
  readonly grafanaOperator?: GrafanaOperatorOptions;
}

/** The kind dashboards of a chart, by namespace and templated panels. */
const KIND_DASHBOARDS = new WeakMap<Chart, Map<string, GrafanaDashboard>>();

/**
 * Adds a model to the dashboard of its kind in the bundle's chart, creating
 * it for the first model: one dashboard per namespace and set of panels
 * (model server, LLM row, traffic source, SLOs), whose `model` variable lists
 * every model added, with the model's name in the panels replaced by
 * `$model`. Models whose panels differ by more than their name (another
 * model server, other SLO targets) get their own kind dashboard; a name the
 * templating cannot replace stays literal, so that model's panels are never
 * read with another model's name. The dashboard's labels and Grafana
 * Operator options are the first model's.
 *
 * @returns the dashboard and the model's path in it (`/d/<uid>?var-model=<name>`)
 * @throws ModelServingError when the panels read metrics outside the model's catalog
 */
export function joinModelKindDashboard(bundle: Construct, entry: ModelDashboardEntry): { readonly dashboard: GrafanaDashboard; readonly path: string } {
  const built = entry.dashboard.build() as unknown as { panels?: unknown[] };
  const panels = JSON.stringify((built.panels ?? []).map((p) => templatePanel(p, entry.namespace, entry.model)));
  const chart = Chart.of(bundle);
  const byKey = KIND_DASHBOARDS.get(chart) ?? new Map<string, GrafanaDashboard>();
  KIND_DASHBOARDS.set(chart, byKey);
  const key = `${entry.namespace}\n${entry.kind}\n${panels}`;
  let dashboard = byKey.get(key);
  if (dashboard) {
    // Same panels, so the same metrics: each model's catalog must still allow them.
    checkDashboardQueries(bundle, dashboardQueries({ panels: JSON.parse(panels) }), entry.catalog, entry.recordedSeries);
  } else {
    const taken = new Set([...byKey.values()].map((d) => d.dashboardName));
    // Kinds whose panels differ (another traffic source, a transformer in front) are numbered in the order they appear.
    let n = 1;
    const nameOf = (i: number): string => `${entry.kind}-models${i === 1 ? '' : `-${i}`}-dashboard`;
    while (taken.has(nameOf(n))) n++;
    const name = nameOf(n);
    const builder = new DashboardBuilder(`${entry.title}, ${entry.namespace}${n === 1 ? '' : ` #${n}`}`).tags(['model-serving', 'models', entry.kind]);
    for (const panel of JSON.parse(panels) as Panel[]) builder.withPanel({ build: () => panel });
    dashboard = new GrafanaDashboard(chart, `ModelDashboard-${name}`, { name, dashboard: builder, catalog: entry.catalog, recordedSeries: entry.recordedSeries, labels: entry.labels, grafanaOperator: entry.grafanaOperator });
    byKey.set(key, dashboard);
  }
  dashboard.addModel(entry.model);
  return { dashboard, path: `/d/${dashboard.uid}?var-${MODEL_VARIABLE}=${encodeURIComponent(entry.model)}` };
}

/** A panel with the model's name replaced by `$model` in its titles, legends and query label matchers. */
function templatePanel(panel: unknown, namespace: string, model: string): unknown {
  const visit = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => visit(x));
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x, k)]));
    if (typeof v !== 'string') return v;
    if (key === 'expr') return templateExpr(v, namespace, model);
    if (key === 'title' || key === 'legendFormat' || key === 'description') return replaceName(v, namespace, model, () => `$${MODEL_VARIABLE}`);
    return v;
  };
  return visit(panel);
}

/**
 * Replaces the model's name in the PromQL label matchers (`namespace` aside):
 * `l="x-<name>-y"` becomes `l=~"x-$model-y"` (the rest regex-escaped), and
 * `l=~"<name>-predictor-.*"` becomes `l=~"$model-predictor-.*"`. A model name
 * is a DNS label (`[a-z0-9-]`), so the single value Grafana substitutes has no
 * regex metacharacter.
 */
function templateExpr(expr: string, namespace: string, model: string): string {
  return expr.replace(/([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)"((?:[^"\\]|\\.)*)"/g, (whole: string, label: string, op: string, value: string) => {
    if (label === 'namespace' || (op !== '=' && op !== '=~')) return whole;
    let found = false;
    const variable = `$${MODEL_VARIABLE}`;
    const out = replaceName(value, namespace, model, () => ((found = true), variable), op === '=' ? escapeRegex : (s) => s);
    return found ? `${label}=~"${out}"` : whole;
  });
}
