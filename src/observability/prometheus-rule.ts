import { Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as mon from '../../imports/monitoring-monitoring.coreos.com';
import { errorMessage, invalid } from '../core/errors';
import { assertDnsSubdomain } from '../core/names';
import { sortRecord } from '../core/sort-keys';
import { AlertRule, RecordingRule, templateLabels } from './alert-rule';
import { MetricCatalog } from './metric-catalog';
import { assertDuration, formatPromDuration } from './prom-duration';
import { metricNamesIn } from './promql';
import { checkedRecord } from '../core/records';
import { checkProps, childPath } from '../core/prop-types';

/** Props of {@link PrometheusRule}. */
export interface PrometheusRuleProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** The prefix every alert name must start with: the component, in CamelCase (`KServe`, `Kong`, `Gateway`, `Slo`). */
  readonly alertPrefix: string;
  /** The metrics rules may read (besides series recorded by rules of this object). */
  readonly catalog: MetricCatalog;
  /** `metadata.labels`, e.g. what the Prometheus `ruleSelector` matches (`release: kube-prometheus-stack`). @default - the platform labels */
  readonly labels?: Record<string, string>;
}

/** Options of {@link PrometheusRule.addGroup}. */
export interface RuleGroupOptions {
  /** `interval`: how often the group is evaluated. @default - the Prometheus global evaluation interval */
  readonly interval?: Duration;
}

/** A rendered rule group, in the Prometheus rule-file format. */
export interface RuleGroupJson {
  readonly name: string;
  readonly interval?: string;
  readonly rules: ReadonlyArray<Record<string, unknown>>;
}

const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A group of rules evaluated together (`spec.groups[]`). Made with
 * {@link PrometheusRule.addGroup}.
 */
export class RuleGroup {
  private readonly alertList: AlertRule[] = [];
  private readonly recordList: RecordingRule[] = [];

  /** @internal */
  public constructor(
    private readonly owner: PrometheusRule,
    /** `name`. */
    public readonly name: string,
    /** `interval`. */
    public readonly interval?: Duration,
  ) {}

  /** The alerting rules, in order. */
  public get alerts(): readonly AlertRule[] {
    return [...this.alertList];
  }

  /** The recording rules, in order. */
  public get records(): readonly RecordingRule[] {
    return [...this.recordList];
  }

  /**
   * Adds an alerting rule.
   *
   * @throws ModelServingError for a name that is not CamelCase with the
   *   component prefix, a duplicate name in this PrometheusRule, a `for`
   *   under 1m, a runbook URL that is not https, annotation templates using
   *   anything but `{{ $labels.x }}` (or labels a firing case lacks), an
   *   unknown metric, or tests without both a firing and a silent case
   * @returns the rule
   */
  public addAlert(alert: AlertRule): AlertRule {
    this.owner._checkAlert(alert);
    this.alertList.push(alert);
    return alert;
  }

  /**
   * Adds a recording rule.
   *
   * @throws ModelServingError for an invalid or duplicate record name, or an unknown metric
   * @returns the rule
   */
  public addRecord(rule: RecordingRule): RecordingRule {
    this.owner._checkRecord(rule);
    this.recordList.push(rule);
    return rule;
  }

  /** The group in the Prometheus rule-file format (`record`/`alert`, `expr`, `for`, `labels`, `annotations`). */
  public render(): RuleGroupJson {
    const rules: Array<Record<string, unknown>> = [];
    for (const r of this.recordList) rules.push(compact({ record: r.record, expr: r.expr, labels: r.labels && Object.keys(r.labels).length > 0 ? sortRecord(r.labels) : undefined }));
    for (const a of this.alertList) {
      rules.push(
        compact({
          alert: a.name,
          expr: a.expr,
          for: formatPromDuration(a.for),
          labels: sortRecord({ ...(a.labels ?? {}), severity: a.severity.value }),
          annotations: sortRecord({ summary: a.summary, description: a.description, runbook_url: a.runbookUrl }),
        }),
      );
    }
    return compact({ name: this.name, interval: this.interval && formatPromDuration(this.interval), rules }) as unknown as RuleGroupJson;
  }
}

/**
 * A prometheus-operator `PrometheusRule` (monitoring.coreos.com/v1): groups
 * of alerting and recording rules that Prometheus loads.
 *
 * Every alert carries its own unit tests ({@link AlertRule.tests}); the
 * library's checks (`verifyMonitoring`) run `promtool check rules
 * --lint-fatal` on the synthesized groups and `promtool test rules` on the
 * cases, so an alert is proven to fire on a breach and stay silent otherwise.
 *
 * ```ts
 * const rules = new PrometheusRule(ns, 'kong-alerts', { alertPrefix: 'Kong', catalog: Catalogs.KONG });
 * rules.addGroup('kong.rules').addAlert(kongErrorRateAlert);
 * ```
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 */
export class PrometheusRule extends Construct {
  /** True when `x` is a PrometheusRule of this library (works across copies). */
  public static isPrometheusRule(x: unknown): x is PrometheusRule {
    return typeof x === 'object' && x !== null && RULE_SYMBOL in x;
  }

  /** `metadata.name`. */
  public readonly ruleName: string;
  /** The alert-name prefix. */
  public readonly alertPrefix: string;
  /** The metrics rules may read. */
  public readonly catalog: MetricCatalog;
  /** The L1 object. */
  public readonly resource: mon.PrometheusRule;
  private readonly groupMap = new Map<string, RuleGroup>();
  private readonly alertNames = new Set<string>();
  private readonly recordNames = new Set<string>();

  public constructor(scope: Construct, id: string, props: PrometheusRuleProps) {
    checkProps(childPath(scope, id), props, 'PrometheusRuleProps');
    super(scope, id);
    Object.defineProperty(this, RULE_SYMBOL, { value: true });
    this.ruleName = assertDnsSubdomain(this, 'name', props.name ?? id);
    if (!ALERT_NAME.test(props.alertPrefix)) {
      invalid(this, 'alertPrefix', 'must be CamelCase letters and digits, starting with an upper-case letter', props.alertPrefix, "use the component name, e.g. 'KServe' or 'Kong'");
    }
    this.alertPrefix = props.alertPrefix;
    this.catalog = props.catalog;
    this.resource = new mon.PrometheusRule(this, 'Resource', {
      metadata: { name: this.ruleName, labels: checkedRecord(this, 'labels', props.labels) },
      spec: Lazy.any({
        produce: (): mon.PrometheusRuleSpec => ({
          groups: this.groups.map((g) => {
            const r = g.render();
            return {
              name: r.name,
              interval: r.interval,
              rules: r.rules.map((rule) => ({
                alert: rule.alert as string | undefined,
                record: rule.record as string | undefined,
                expr: mon.PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr as string),
                for: rule.for as string | undefined,
                labels: rule.labels as Record<string, string> | undefined,
                annotations: rule.annotations as Record<string, string> | undefined,
              })),
            };
          }),
        }),
      }) as unknown as mon.PrometheusRuleSpec,
    });
    this.node.addValidation({
      validate: () => (this.groupMap.size === 0 || this.groups.every((g) => g.alerts.length + g.records.length === 0) ? [errorMessage(this, 'spec.groups', 'has no rules', this.groups.map((g) => g.name), 'add a group with addGroup() and rules with addAlert()/addRecord().')] : []),
    });
  }

  /** The groups, in order. */
  public get groups(): readonly RuleGroup[] {
    return [...this.groupMap.values()];
  }

  /** Every alerting rule of every group. */
  public get alerts(): readonly AlertRule[] {
    return this.groups.flatMap((g) => g.alerts);
  }

  /** The names of the series recorded by this object's recording rules. */
  public get recordedSeries(): readonly string[] {
    return [...this.recordNames].sort();
  }

  /**
   * Adds a rule group.
   *
   * @throws ModelServingError for a duplicate group name or an interval under 10s
   * @returns the group
   */
  public addGroup(name: string, options: RuleGroupOptions = {}): RuleGroup {
    if (!/^[a-zA-Z0-9_.:-]+$/.test(name)) invalid(this, 'groups[].name', 'must be letters, digits and . _ : -', name, "name groups like 'kserve.sklearn-iris'");
    if (this.groupMap.has(name)) invalid(this, `groups[${name}]`, 'is already defined', name, 'give each group a unique name');
    if (options.interval) assertDuration(this, `groups[${name}].interval`, options.interval, Duration.seconds(10));
    const group = new RuleGroup(this, name, options.interval);
    this.groupMap.set(name, group);
    return group;
  }

  /** The rules in the Prometheus rule-file format: what `promtool check rules` reads. */
  public ruleFile(): { readonly groups: readonly RuleGroupJson[] } {
    return { groups: this.groups.map((g) => g.render()) };
  }

  /** @internal */
  public _checkAlert(a: AlertRule): void {
    const field = `alerts[${a.name}]`;
    if (typeof a.name !== 'string' || !ALERT_NAME.test(a.name) || !a.name.startsWith(this.alertPrefix) || a.name === this.alertPrefix) {
      invalid(this, `${field}.alert`, `must be CamelCase and start with the component prefix '${this.alertPrefix}'`, a.name, `name it like '${this.alertPrefix}ErrorRateHigh'`);
    }
    if (this.alertNames.has(a.name)) invalid(this, `${field}.alert`, 'is already defined in this PrometheusRule', a.name, 'give each alert a unique name');
    assertDuration(this, `${field}.for`, a.for, Duration.minutes(1));
    if (!/^https:\/\/[^\s]+$/.test(a.runbookUrl)) invalid(this, `${field}.annotations.runbook_url`, 'must be an https URL', a.runbookUrl, "use e.g. 'https://runbooks.example.com/kserve/predictor-down'");
    for (const [key, text] of [
      ['summary', a.summary],
      ['description', a.description],
    ] as const) {
      if (typeof text !== 'string' || text.trim().length === 0) invalid(this, `${field}.annotations.${key}`, 'is required', text, `write a ${key}`);
      const refs = templateLabels(text);
      if (refs === undefined) invalid(this, `${field}.annotations.${key}`, "may only use '{{ $labels.<name> }}' templates", text, 'refer to labels of the alert; put values and thresholds in the text');
      for (const c of a.tests) {
        for (const labels of c.expectedAlerts) {
          const missing = refs.filter((r) => !Object.hasOwn(labels, r));
          if (missing.length > 0) invalid(this, `${field}.annotations.${key}`, `refers to label(s) ${missing.join(', ')} that the alert does not carry in test '${c.description}'`, text, 'aggregate the expression by those labels, or drop them from the text');
        }
      }
    }
    checkedRecord(this, `${field}.labels`, a.labels);
    for (const [k] of Object.entries(a.labels ?? {})) {
      if (!LABEL_NAME.test(k) || k === 'severity' || k === 'alertname') invalid(this, `${field}.labels`, "must be label names other than 'severity' and 'alertname'", k, 'rename the label');
    }
    const firing = a.tests.filter((t) => t.expectedAlerts.length > 0).length;
    const silent = a.tests.length - firing;
    if (firing === 0 || silent === 0) {
      invalid(this, `${field}.tests`, `needs at least one firing and one silent case (has ${firing} firing, ${silent} silent)`, a.tests.map((t) => t.description), 'add a case with a breaching series and one with a healthy series');
    }
    this.checkMetrics(`${field}.expr`, a.expr);
    this.alertNames.add(a.name);
  }

  /** @internal */
  public _checkRecord(r: RecordingRule): void {
    if (!METRIC_NAME.test(r.record)) invalid(this, 'record', 'must be a metric name (letters, digits, _ and :)', r.record, "use the level:metric:operations convention, e.g. 'slo:sli_error:ratio_rate5m'");
    checkedRecord(this, `records[${r.record}].labels`, r.labels);
    for (const k of Object.keys(r.labels ?? {})) if (!LABEL_NAME.test(k)) invalid(this, `records[${r.record}].labels`, 'must be label names', k, 'rename the label');
    this.checkMetrics(`records[${r.record}].expr`, r.expr);
    this.recordNames.add(r.record);
  }

  private checkMetrics(field: string, expr: string): void {
    let names: string[];
    try {
      names = metricNamesIn(expr);
    } catch (e) {
      return invalid(this, field, `is not valid PromQL: ${(e as Error).message}`, expr, 'fix the expression');
    }
    const unknown = names.filter((n) => !this.catalog.has(n) && !this.recordNames.has(n));
    if (unknown.length > 0) {
      invalid(this, field, `reads metric(s) not in the '${this.catalog.name}' catalog: ${unknown.join(', ')}`, expr, 'fix the metric name, or add the documented metric to the catalog with its source');
    }
  }
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** The PrometheusRules under `root`, in construct-tree order. */
export function findPrometheusRules(root: IConstruct): PrometheusRule[] {
  return root.node.findAll().filter((c): c is PrometheusRule => PrometheusRule.isPrometheusRule(c));
}

const RULE_SYMBOL = Symbol.for('cdk8s-model-serving.PrometheusRule');
