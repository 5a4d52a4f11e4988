import { createHash } from 'node:crypto';
import { CustomVariableBuilder, DashboardBuilder, DashboardCursorSync, DatasourceVariableBuilder, VariableHide } from '@grafana/grafana-foundation-sdk/dashboard';
import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct, IConstruct } from 'constructs';
import * as grafana from '../../imports/grafana-grafana.integreatly.org';
import { noteRequired } from '../core/required-object';
import { invalid } from '../core/errors';
import { assertDnsLabel, assertDnsSubdomain } from '../core/names';
import { sortKeysDeep, sortRecord } from '../core/sort-keys';
import { MetricCatalog } from './metric-catalog';
import { metricNamesIn } from './promql';
import { checkedRecord } from '../core/records';
import { checkProps, childPath, isString, requireArray, requireWith } from '../core/prop-types';

/** The label Grafana's dashboard sidecar watches ConfigMaps for. @see https://github.com/grafana/helm-charts/tree/main/charts/grafana#sidecar-for-dashboards */
export const GRAFANA_SIDECAR_LABEL = 'grafana_dashboard';

/** Publishing through the Grafana Operator. */
export interface GrafanaOperatorOptions {
  /** `spec.instanceSelector.matchLabels`: the Grafana instances that import the dashboard. */
  readonly instanceSelector: Readonly<Record<string, string>>;
  /** `spec.folder`. @default - the General folder */
  readonly folder?: string;
}

/** Props of {@link GrafanaDashboard}. */
export interface GrafanaDashboardProps {
  /** The ConfigMap (and GrafanaDashboard) `metadata.name`. @default - the construct id */
  readonly name?: string;
  /**
   * The dashboard: a Foundation SDK builder with its title, tags, rows and
   * panels (e.g. from {@link modelDashboard} or `platformDashboard`).
   * This construct sets the uid, time range, refresh and the `datasource`
   * variable the panels use.
   */
  readonly dashboard: DashboardBuilder;
  /** The metrics panels may read (besides `recordedSeries`). */
  readonly catalog: MetricCatalog;
  /** Series recorded by the library's rules that panels may read (SLO recordings). @default - none */
  readonly recordedSeries?: readonly string[];
  /** The folder, as the sidecar's `grafana_folder` annotation. @default - none */
  readonly folder?: string;
  /** Also emit a `GrafanaDashboard` (grafana.integreatly.org/v1beta1) pointing at the ConfigMap. @default - ConfigMap only */
  readonly grafanaOperator?: GrafanaOperatorOptions;
  /** Extra ConfigMap labels. @default - the platform labels and the sidecar label */
  readonly labels?: Record<string, string>;
  /**
   * A `model` custom variable (panels read `$model`) offering these models
   * (InferenceService names, DNS labels), in this order, the first selected
   * by default; {@link GrafanaDashboard.addModel} adds more until synth (a
   * kind dashboard gains a model per monitoring bundle). The variable is
   * rendered once there is a model.
   * @default - no model variable
   */
  readonly models?: readonly string[];
}

/** The name of the model variable of a dashboard templated by model: panels read `$model`, links pass `?var-model=<name>`. */
export const MODEL_VARIABLE = 'model';

const RANGE_VARIABLES: Readonly<Record<string, string>> = { $__rate_interval: '5m', $__interval: '1m', $__range: '1h' };

/**
 * A Grafana dashboard built with the Grafana Foundation SDK (typed builders),
 * delivered as a ConfigMap labelled `grafana_dashboard: "1"` for the Grafana
 * sidecar and, optionally, as a Grafana Operator `GrafanaDashboard` that
 * reads the same ConfigMap. The ConfigMap stays in the namespace of what it
 * describes; the platform README notes that the sidecar must watch every
 * namespace (kube-prometheus-stack's default; `searchNamespace: ALL` with the
 * grafana chart alone).
 *
 * The uid is derived from the namespace and name, so it is stable across
 * synths; the JSON has sorted keys and no timestamps. Every panel query may
 * only read metrics of the catalog, and is checked by promtool in
 * `verifyMonitoring`.
 *
 * @see https://grafana.com/docs/grafana/latest/observability-as-code/foundation-sdk/
 * @see https://grafana.github.io/grafana-operator/docs/dashboards/
 */
export class GrafanaDashboard extends Construct {
  /** True when `x` is a GrafanaDashboard of this library. */
  public static isGrafanaDashboard(x: unknown): x is GrafanaDashboard {
    return typeof x === 'object' && x !== null && DASHBOARD_SYMBOL in x;
  }

  /** The ConfigMap name. */
  public readonly dashboardName: string;
  /** The Grafana uid. */
  public readonly uid: string;
  /** The models its `model` variable offers, so far. */
  public get models(): readonly string[] {
    return [...this.modelNames];
  }
  /** The ConfigMap. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The Grafana Operator object, when requested. */
  public readonly resource?: grafana.GrafanaDashboard;
  /** The JSON without the model variable's options. */
  private readonly base: string;
  private readonly modelNames: string[] = [];

  public constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    checkProps(childPath(scope, id), props, 'GrafanaDashboardProps');
    super(scope, id);
    Object.defineProperty(this, DASHBOARD_SYMBOL, { value: true });
    this.dashboardName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.uid = dashboardUid(`${Chart.of(this).namespace ?? ''}/${this.dashboardName}`);
    requireWith(this, 'dashboard', props.dashboard, 'uid', 'a DashboardBuilder (@grafana/grafana-foundation-sdk)', "pass dashboard: new DashboardBuilder('Models')");
    const builder = props.dashboard
      .uid(this.uid)
      .editable()
      .tooltip(DashboardCursorSync.Crosshair)
      .time({ from: 'now-6h', to: 'now' })
      .refresh('30s')
      .timezone('utc')
      .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'));
    const title = (builder.build() as { title?: string }).title;
    if (!title || title.trim().length === 0) invalid(this, 'dashboard.title', 'is required', title, 'give the dashboard a title: new DashboardBuilder("Models / iris")');
    // Only the JSON is kept (the model is parsed from it on demand): a platform of thousands of models keeps one
    // string per dashboard in its construct tree, not the string and the object graph it was made from.
    this.base = JSON.stringify(numberPanels(builder.build() as unknown as Record<string, unknown>));
    if (props.models !== undefined) requireArray(this, 'models', props.models, isString, 'a string', "pass InferenceService names, e.g. ['iris']");
    for (const m of props.models ?? []) this.addModel(m);
    checkDashboardQueries(this, this.queries(), props.catalog, props.recordedSeries);

    const key = `${this.dashboardName}.json`;
    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: {
        name: this.dashboardName,
        labels: { ...(checkedRecord(this, 'labels', props.labels) ?? {}), [GRAFANA_SIDECAR_LABEL]: '1' },
        annotations: props.folder ? { grafana_folder: props.folder } : undefined,
      },
      // Rendered at synth: a kind dashboard's model list grows with each monitoring bundle until then.
      data: { [key]: Lazy.any({ produce: () => this.json }) as unknown as string },
    });
    // Dashboards stay next to what they describe (pruned with it). kube-prometheus-stack's Grafana finds them there
    // as is: its values set grafana.sidecar.dashboards {label: grafana_dashboard, labelValue: "1", searchNamespace: ALL}
    // (prometheus-community/helm-charts charts/kube-prometheus-stack/values.yaml, since 45.12.0); the grafana chart alone
    // defaults searchNamespace to its own namespace, where these ConfigMaps are not.
    noteRequired(this, 'Grafana dashboard discovery', Chart.of(this).namespace ?? '', (_platform, namespaces) =>
      `The dashboards are ConfigMaps labelled \`${GRAFANA_SIDECAR_LABEL}: "1"\` in the namespaces they describe (${namespaces.split('; ').map((n) => `\`${n}\``).join(', ')}). kube-prometheus-stack's Grafana loads them as they are (its sidecar watches that label in every namespace: \`grafana.sidecar.dashboards.searchNamespace: ALL\`). A Grafana installed from the grafana chart alone watches only its own namespace: set \`sidecar.dashboards.enabled: true\` and \`sidecar.dashboards.searchNamespace: ALL\` (the chart then lets the sidecar read ConfigMaps cluster-wide), or use the Grafana Operator option of the dashboards.`,
    );
    if (props.grafanaOperator) {
      if (Object.keys(props.grafanaOperator.instanceSelector).length === 0) invalid(this, 'grafanaOperator.instanceSelector', 'must have at least one label', props.grafanaOperator.instanceSelector, 'select your Grafana, e.g. { dashboards: "grafana" }');
      this.resource = new grafana.GrafanaDashboard(this, 'Resource', {
        metadata: { name: this.dashboardName },
        spec: {
          instanceSelector: { matchLabels: sortRecord(props.grafanaOperator.instanceSelector) },
          configMapRef: { name: this.dashboardName, key },
          folder: props.grafanaOperator.folder,
          uid: this.uid,
        },
      });
    }
  }

  /**
   * Offers one more model in the `model` variable (rendered at synth); a
   * model already offered stays where it is.
   * @throws ModelServingError when the name is not a DNS label
   */
  public addModel(name: string): void {
    assertDnsLabel(this, 'models[]', name);
    if (!this.modelNames.includes(name)) this.modelNames.push(name);
  }

  /** The dashboard JSON, as stored in the ConfigMap (keys sorted; the model variable lists the models added so far). */
  public get json(): string {
    return `${JSON.stringify(sortKeysDeep(this.model), null, 2)}\n`;
  }

  /** The dashboard model (SDK output, with the model variable when there is one): a new object at each read. */
  public get model(): Record<string, unknown> {
    const model = JSON.parse(this.base) as Record<string, unknown>;
    if (this.modelNames.length === 0) return model;
    const [first] = this.modelNames;
    // A custom variable: the exact list, no datasource round trip. One model at a time (the panels' legends name one model).
    const variable = new CustomVariableBuilder(MODEL_VARIABLE)
      .label('Model')
      .values(this.modelNames.join(','))
      .current({ selected: true, text: first, value: first })
      .options(this.modelNames.map((m) => ({ selected: m === first, text: m, value: m })))
      .multi(false)
      .includeAll(false)
      .hide(VariableHide.DontHide)
      .build();
    const templating = (model.templating ?? {}) as { list?: unknown[] };
    model.templating = { ...templating, list: [...(templating.list ?? []), variable] };
    return model;
  }

  /** Every panel query, with Grafana's range variables replaced by fixed windows (so promtool can parse them). */
  public queries(): string[] {
    return dashboardQueries(this.model);
  }
}

/**
 * Checks panel queries: valid PromQL reading only the catalog's metrics and `recordedSeries`.
 * @throws ModelServingError naming the first query that is not
 */
export function checkDashboardQueries(scope: IConstruct, queries: readonly string[], catalog: MetricCatalog, recordedSeries: readonly string[] = []): void {
  const allowed = new Set(recordedSeries);
  for (const q of queries) {
    let names: string[];
    try {
      names = metricNamesIn(q);
    } catch (e) {
      invalid(scope, 'panels[].targets[].expr', `is not valid PromQL: ${(e as Error).message}`, q, 'fix the panel query (balance its brackets and quotes)');
    }
    const unknown = names.filter((n) => !catalog.has(n) && !allowed.has(n));
    if (unknown.length > 0) invalid(scope, 'panels[].targets[].expr', `reads metric(s) not in the '${catalog.name}' catalog: ${unknown.join(', ')}`, q, 'fix the metric name, or add the documented metric to the catalog');
  }
}

/** The queries of a dashboard model (rows included), with `$__rate_interval` and friends replaced by fixed windows. */
export function dashboardQueries(model: Record<string, unknown>): string[] {
  const out: string[] = [];
  const visit = (panels: unknown): void => {
    if (!Array.isArray(panels)) return;
    for (const p of panels as Array<Record<string, unknown>>) {
      for (const t of (p.targets as Array<Record<string, unknown>> | undefined) ?? []) {
        if (typeof t.expr === 'string') out.push(t.expr.replace(/\$__[a-z_]+/g, (v) => RANGE_VARIABLES[v] ?? v));
      }
      visit(p.panels);
    }
  };
  visit(model.panels);
  return out;
}

/** A Grafana uid (at most 40 of `[a-z0-9-]`) derived from `key`. */
export function dashboardUid(key: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 10);
  const slug = key.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 29);
  return `${slug}-${hash}`;
}

function numberPanels(model: Record<string, unknown>): Record<string, unknown> {
  let id = 1;
  const visit = (panels: unknown): void => {
    if (!Array.isArray(panels)) return;
    for (const p of panels as Array<Record<string, unknown>>) {
      p.id = id++;
      visit(p.panels);
    }
  };
  visit(model.panels);
  return model;
}

/** The GrafanaDashboards under `root`, in construct-tree order. */
export function findGrafanaDashboards(root: IConstruct): GrafanaDashboard[] {
  return root.node.findAll().filter((c): c is GrafanaDashboard => GrafanaDashboard.isGrafanaDashboard(c));
}

const DASHBOARD_SYMBOL = Symbol.for('cdk8s-model-serving.GrafanaDashboard');
