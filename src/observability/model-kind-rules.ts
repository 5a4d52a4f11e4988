import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertRule, RecordingRule } from './alert-rule';
import { MetricCatalog } from './metric-catalog';
import { escapeRegex, replaceName } from './model-name';
import { fillName, nameTemplate, sameTemplate } from './name-template';
import { PrometheusRule } from './prometheus-rule';
import { escapeLabelValue } from './promql';
import { Severity } from './severity';
import { AlertTestCase, InputSeries } from './test-series';

/**
 * The most models whose rules one PrometheusRule object holds. Every rule
 * selects its models with a regex listing their names, so an object grows
 * with its models; at 100 models of 40-character names the largest object
 * (an SLO's, the names in about 30 selectors) stays near 150 KB, under the
 * 256 KiB that `kubectl apply` (and Argo CD's default client-side apply)
 * can store in the `last-applied-configuration` annotation, and far under
 * etcd's 1.5 MiB object limit and the 1 MiB rule ConfigMaps the
 * prometheus-operator fills. Prometheus itself sets no size on a group.
 *
 * @see https://github.com/kubernetes/kubernetes/blob/v1.31.0/staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go (TotalAnnotationSizeLimitB = 256 KiB)
 * @see https://github.com/prometheus-operator/prometheus-operator/blob/v0.79.2/pkg/prometheus/operator/rules.go (rule ConfigMaps under 1 MiB)
 */
export const MAX_MODELS_PER_RULE_OBJECT = 100;

/** The model a set of rules is about. */
export interface ModelRuleMember {
  /** The model's namespace. */
  readonly namespace: string;
  /** The model's name (an InferenceService or LLMInferenceService name). */
  readonly model: string;
  /** The label naming the model in the alerts: `inferenceservice` or `llminferenceservice`. */
  readonly modelLabel: string;
}

/** One rule group of a model's rules. */
export interface ModelRuleGroupEntry {
  /** The group's name, e.g. `kserve.models.kserve-sklearn` (the object's number is appended from the second object on). */
  readonly name: string;
  /** Its recording rules, for this model only. @default - none */
  readonly records?: readonly RecordingRule[];
  /** Its alerting rules, for this model only, with the model's own unit tests. @default - none */
  readonly alerts?: readonly AlertRule[];
}

/** What a model's monitoring gives to join the rules of its kind. */
export interface ModelRulesEntry extends ModelRuleMember {
  /** The object's name before the number and suffix: the kind's, e.g. `kserve-sklearn-models`, `llm-vllm-models-ttft`. */
  readonly name: string;
  /** The object's name suffix: `alerts`, `slo`. */
  readonly suffix: string;
  /** The alert-name prefix. */
  readonly alertPrefix: string;
  /** The metrics the rules read. */
  readonly catalog: MetricCatalog;
  /** `metadata.labels`. */
  readonly labels?: Record<string, string>;
  /** The model's rules, by group. */
  readonly groups: readonly ModelRuleGroupEntry[];
}

/**
 * A model of a set: its name, and its own rules only when they are not the
 * set's template filled with its name (the rules of ten thousand models
 * would otherwise stay in the construct tree until rendering).
 */
interface Member {
  readonly model: string;
  readonly own?: readonly ModelRuleGroupEntry[];
}

/** Models whose rules differ only by their name: one rule per alert or record selects them all. */
interface ParameterSet {
  readonly members: Member[];
  /** The first model's rules with its name taken out (`undefined` when they could not be). */
  readonly template: readonly ModelRuleGroupEntry[] | undefined;
  /** The label whose value names the model, per alert (`undefined`: the model label is in the series already; `null`: no label holds the name). */
  readonly derive: ReadonlyMap<string, Derivation | undefined | null>;
}

interface Derivation {
  readonly label: string;
  readonly regex: boolean;
  readonly before: string;
  readonly after: string;
}

/** A PrometheusRule object of a kind: the rules of one parameter set (alert names are unique in an object, and its promtool tests load it alone). */
interface Bucket {
  readonly rule: PrometheusRule;
  readonly set: ParameterSet;
}

/** The kind rule objects of a chart, by namespace, kind, suffix, labels and catalog, and the object names taken. */
const KIND_RULES = new WeakMap<Chart, { readonly byKey: Map<string, Bucket[]>; readonly names: Set<string> }>();

/**
 * Adds a model's rules to the PrometheusRule of its kind in the bundle's
 * chart, creating it for the first model: one object per namespace, kind,
 * suffix and set of parameters (`<name>-alerts`, `<name>-slo`). Models whose
 * rules differ only by their name (same thresholds, objectives, sources)
 * share one rule per alert or record: its selectors match any of their
 * names (`inferenceservice=~"(?:a|b)"`,
 * `destination_service_name=~"(?:a|b)-predictor"`), it aggregates by the
 * labels that tell them apart, and it carries the model label
 * (`inferenceservice`, `llminferenceservice`), read from the series with
 * `label_replace` when the source names the model differently. Models with
 * other parameters, or past 100 models ({@link MAX_MODELS_PER_RULE_OBJECT}),
 * get the next object (`<name>-2-alerts`, numbered in the order they
 * appear), so the objects and rules grow with the distinct settings, not
 * with the models. A model whose series do not name it (no label holds its
 * name, e.g. an Envoy Gateway cluster named after a route of another name)
 * keeps an object of its own, which sets the model label to its name.
 *
 * Each alert keeps every model's unit tests: each case runs against the
 * shared rule with the healthy series of the models next to it in the set,
 * so a case proves both that the model's alert fires (or not) and that its
 * neighbours stay silent.
 *
 * A model whose rules are the set's first rules with its name in place of
 * the first model's (the usual case) is kept as its name alone: its rules
 * and cases are made from that template when the object is rendered or
 * tested, so the construct tree does not hold every model's PromQL, texts
 * and test series (issue 18 §1).
 *
 * @returns the PrometheusRule the model's rules are in
 */
export function joinModelKindRules(bundle: Construct, entry: ModelRulesEntry): PrometheusRule {
  const chart = Chart.of(bundle);
  const registry = KIND_RULES.get(chart) ?? { byKey: new Map<string, Bucket[]>(), names: new Set<string>() };
  KIND_RULES.set(chart, registry);
  const derive = new Map<string, Derivation | undefined | null>();
  for (const g of entry.groups) for (const a of g.alerts ?? []) derive.set(a.name, derivation(a, entry));
  // A model no series label names cannot share its rules: its set holds it alone.
  const signature = [...derive.values()].includes(null)
    ? ['single', entry.model]
    : entry.groups.map((g) => [g.name, (g.records ?? []).map((r) => [r.record, mask(r.expr, entry), r.labels ?? {}]), (g.alerts ?? []).map((a) => [a.name, mask(a.expr, entry), a.for.toSeconds(), a.severity.value, a.summary, a.description, a.runbookUrl, a.labels ?? {}])]);
  const key = JSON.stringify([entry.namespace, entry.name, entry.suffix, entry.alertPrefix, entry.labels ?? {}, entry.catalog.entries.map(([m]) => m), signature]);
  const buckets = registry.byKey.get(key) ?? [];
  registry.byKey.set(key, buckets);
  const template = nameTemplate(entry.groups, entry.model)?.template;
  const open = buckets.find((b) => b.set.members.length < MAX_MODELS_PER_RULE_OBJECT);
  if (open) {
    open.set.members.push(memberOf(entry, template, open.set.template));
    return open.rule;
  }
  // Numbered in the order they appear: another parameter set, source (catalog), labels or namespace, or a full object.
  const nameOf = (i: number): string => `${entry.name}${i === 1 ? '' : `-${i}`}-${entry.suffix}`;
  let n = 1;
  while (registry.names.has(nameOf(n))) n++;
  const name = nameOf(n);
  registry.names.add(name);
  const rule = new PrometheusRule(chart, `ModelRules-${name}`, { name, alertPrefix: entry.alertPrefix, catalog: entry.catalog, labels: entry.labels });
  const set: ParameterSet = { members: [memberOf(entry, template, template)], derive, template };
  // The rules keep what names the set, not the first model's rules.
  const head: ModelRuleMember = { namespace: entry.namespace, model: entry.model, modelLabel: entry.modelLabel };
  entry.groups.forEach((g, gi) => {
    // The object's number in the group names too, so that groups of one kind stay apart in Prometheus' rule pages.
    const group = rule.addGroup(n === 1 ? g.name : `${g.name}-${n}`);
    (g.records ?? []).forEach((r, ri) => group.addRecord(new KindRecord(set, head, gi, ri, r.record, r.labels)));
    (g.alerts ?? []).forEach((_a, ai) => group.addAlert(new KindAlert(set, head, gi, ai)));
  });
  buckets.push({ rule, set });
  return rule;
}

/** The model as a member of a set whose template is `shared`: its name alone when its rules are that template filled with its name. */
function memberOf(entry: ModelRulesEntry, template: readonly ModelRuleGroupEntry[] | undefined, shared: readonly ModelRuleGroupEntry[] | undefined): Member {
  return template !== undefined && shared !== undefined && (template === shared || sameTemplate(template, shared)) ? { model: entry.model } : { model: entry.model, own: entry.groups };
}

/** The member's recording rule `index` of group `group`. */
function recordOf(set: ParameterSet, m: Member, group: number, index: number): RecordingRule {
  return m.own ? m.own[group].records![index] : fillName(set.template![group].records![index], m.model);
}

/** The member's alerting rule `index` of group `group`. */
function alertOf(set: ParameterSet, m: Member, group: number, index: number): AlertRule {
  return m.own ? m.own[group].alerts![index] : fillName(set.template![group].alerts![index], m.model);
}

/** A recording rule of a parameter set: the first model's, selecting every model of the set. */
class KindRecord implements RecordingRule {
  public constructor(
    private readonly set: ParameterSet,
    private readonly entry: ModelRuleMember,
    private readonly group: number,
    private readonly index: number,
    public readonly record: string,
    public readonly labels?: Readonly<Record<string, string>>,
  ) {}

  public get expr(): string {
    return mergeExpressions(this.set.members.map((m) => recordOf(this.set, m, this.group, this.index).expr), this.entry.namespace, this.set.members.map((m) => m.model));
  }
}

/** An alerting rule of a parameter set: the first model's texts, selecting every model of the set, with every model's tests. */
class KindAlert implements AlertRule {
  public constructor(
    private readonly set: ParameterSet,
    private readonly entry: ModelRuleMember,
    private readonly group: number,
    private readonly index: number,
  ) {}

  private alertOf(m: Member): AlertRule {
    return alertOf(this.set, m, this.group, this.index);
  }

  /** A field of the first model's alert (filled alone: the set's texts are the first model's). */
  private first<K extends keyof AlertRule>(key: K): AlertRule[K] {
    const m = this.set.members[0];
    return m.own ? m.own[this.group].alerts![this.index][key] : fillName(this.set.template![this.group].alerts![this.index][key], m.model);
  }

  public get name(): string {
    return this.first('name');
  }
  public get for(): Duration {
    return this.first('for');
  }
  public get severity(): Severity {
    return this.first('severity');
  }
  public get summary(): string {
    return this.first('summary');
  }
  public get description(): string {
    return this.first('description');
  }
  public get runbookUrl(): string {
    return this.first('runbookUrl');
  }

  public get labels(): Readonly<Record<string, string>> | undefined {
    return this.first('labels');
  }

  public get expr(): string {
    const models = this.set.members.map((m) => m.model);
    const merged = mergeExpressions(this.set.members.map((m) => this.alertOf(m).expr), this.entry.namespace, models);
    const d = this.set.derive.get(this.name);
    if (d === undefined) return merged;
    // In the series, not as a rule label: annotation templates read only the series' labels.
    if (d === null) return `label_replace(\n${merged},\n"${this.entry.modelLabel}", "${escapeLabelValue(models[0])}", "", ""\n)`;
    const names = `(${models.map((m) => escapeRegex(m)).join('|')})`;
    const regex = d.regex ? `${d.before}${names}${d.after}` : `${escapeRegex(d.before)}${names}${escapeRegex(d.after)}`;
    return `label_replace(\n${merged},\n"${this.entry.modelLabel}", "$1", "${d.label}", "${regex}"\n)`;
  }

  /**
   * Every model's cases, each with the model label in its expected alerts
   * and, beside its own series, those of the last silent case of its
   * neighbours in the set (the models before and after it): healthy models
   * that must stay silent while it fires, and that must not make it fire.
   * Two neighbours prove the selection as well as all would (one regex
   * selects them all) and keep the test files linear in the models.
   */
  public get tests(): readonly AlertTestCase[] {
    const members = this.set.members;
    const healthy = members.map((m) => [...this.alertOf(m).tests].reverse().find((c) => c.expectedAlerts.length === 0)?.series ?? []);
    return members.flatMap((m, i) =>
      this.alertOf(m).tests.map((c) => {
        const seen = new Set<string>();
        const series: InputSeries[] = [];
        const neighbours = [...new Set([(i + members.length - 1) % members.length, (i + 1) % members.length])].filter((j) => j !== i);
        for (const s of [...c.series, ...neighbours.flatMap((j) => healthy[j])]) {
          if (seen.has(s.series)) continue;
          seen.add(s.series);
          series.push(s);
        }
        return { ...c, description: members.length === 1 ? c.description : `${m.model}: ${c.description}`, series, expectedAlerts: c.expectedAlerts.map((l) => ({ ...l, [this.entry.modelLabel]: m.model })) };
      }),
    );
  }
}

/** A double-quoted PromQL string, with the label matcher it is the value of (label and operator), if any. */
const QUOTED = /(?:([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=))?"((?:[^"\\]|\\.)*)"/g;
/** `absent(<selector>)`: absent keeps the labels of equality matchers only, so each model keeps its own. */
const ABSENT = /(absent\([^()]*\))/;
const PLACEHOLDER = '\u0000';

/** `expr` with the model's name in equality and regex matchers (and other strings, regexes of label_replace) replaced by a placeholder. */
function mask(expr: string, m: ModelRuleMember): string {
  return expr.replace(QUOTED, (whole: string, label: string | undefined, op: string | undefined, value: string) => {
    if (op === '!=' || op === '!~') return whole;
    const masked = replaceName(value, m.namespace, m.model, () => PLACEHOLDER);
    return masked === value ? whole : `${label ?? ''}${op ?? ''}"${masked}"`;
  });
}

/**
 * How the alert's series name the model: `undefined` when they carry the
 * model label, the matcher of a label they carry whose value holds the name
 * once, or `null` when none does (the model then stays alone in its set).
 */
function derivation(alert: AlertRule, m: ModelRuleMember): Derivation | undefined | null {
  const firing = alert.tests.find((c) => c.expectedAlerts.length > 0)?.expectedAlerts[0] ?? {};
  if (Object.hasOwn(firing, m.modelLabel)) return undefined;
  for (const [, label, op, value] of alert.expr.matchAll(QUOTED)) {
    if (!label || (op !== '=' && op !== '=~') || !Object.hasOwn(firing, label)) continue;
    const parts = replaceName(value, m.namespace, m.model, () => PLACEHOLDER).split(PLACEHOLDER);
    if (parts.length === 2) return { label, regex: op === '=~', before: parts[0], after: parts[1] };
  }
  return null;
}

/**
 * One expression for the models of a set, from their own (identical but
 * for the names): each string that differs becomes a regex matching any of
 * the names (an equality matcher becomes `=~`), and `absent(...)` becomes
 * one `absent` per model, or-ed.
 */
function mergeExpressions(exprs: readonly string[], namespace: string, models: readonly string[]): string {
  if (exprs.length === 1) return exprs[0];
  const split = exprs.map((e) => e.split(ABSENT));
  const names = `(?:${models.map((m) => escapeRegex(m)).join('|')})`;
  return split[0]
    .map((part, k) => {
      const parts = split.map((s) => s[k]);
      if (parts.every((p) => p === part)) return part;
      if (k % 2 === 1) return `(${parts.join(' or ')})`;
      const values = parts.map((p) => [...p.matchAll(QUOTED)].map((x) => x[3]));
      let i = 0;
      return part.replace(QUOTED, (whole: string, label: string | undefined, op: string | undefined, value: string) => {
        const all = values.map((v) => v[i]);
        i++;
        if (all.every((v) => v === value)) return whole;
        const regex = op !== '=';
        const pieces = replaceName(value, namespace, models[0], () => PLACEHOLDER).split(PLACEHOLDER);
        const body = pieces.length === 2 ? (regex ? `${pieces[0]}${names}${pieces[1]}` : `${escapeRegex(pieces[0])}${names}${escapeRegex(pieces[1])}`) : all.map((v) => (regex ? `(?:${v})` : escapeRegex(v))).join('|');
        return label ? `${label}=~"${body}"` : `"${body}"`;
      });
    })
    .join('');
}
