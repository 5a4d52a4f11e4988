import { KubeObject } from '../../src/delivery/manifest';
import { findObject } from '../util';

/** One synthesized rule (alert or record) of a PrometheusRule object. */
export type Rule = { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> };

/** Every rule of the PrometheusRule `name`, across its groups. */
export function rulesOf(objects: readonly KubeObject[], name: string, namespace?: string): Rule[] {
  const pr = findObject(objects, 'PrometheusRule', name, namespace);
  return (pr.spec.groups as Array<{ rules: Rule[] }>).flatMap((g) => g.rules);
}

/** The alert `alert` of PrometheusRule `name`; throws when absent. */
export function alertOf(objects: readonly KubeObject[], name: string, alert: string): Rule {
  const found = rulesOf(objects, name).filter((r) => r.alert === alert);
  if (found.length !== 1) throw new Error(`expected one alert ${alert} in ${name}, found ${found.length}`);
  return found[0];
}

/** The alert names of PrometheusRule `name`, sorted. */
export function alertNames(objects: readonly KubeObject[], name: string): string[] {
  return rulesOf(objects, name)
    .filter((r) => r.alert)
    .map((r) => r.alert!)
    .sort();
}

/** True when every `selector` label is carried, with the same value, by `labels`. */
export function selects(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The model variable's options of a dashboard JSON (empty without one). */
export function modelChoices(dashboard: { templating?: { list?: Array<{ name: string; options?: Array<{ value: string }> }> } }): string[] {
  return (dashboard.templating?.list ?? []).find((v) => v.name === 'model')?.options?.map((o) => o.value) ?? [];
}

/** The dashboard (parsed JSON) of the Grafana dashboard ConfigMap whose `model` variable offers `model`; throws unless exactly one does. */
export function dashboardOfModel(objects: readonly KubeObject[], model: string): any {
  const found = objects
    .filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1')
    .flatMap((o) => Object.values(((o as any).data ?? {}) as Record<string, string>).map((json) => JSON.parse(json)))
    .filter((d) => modelChoices(d).includes(model));
  if (found.length !== 1) throw new Error(`expected one dashboard offering model ${model}, found ${found.length}`);
  return found[0];
}

/**
 * True when `expr` selects `value` on `label`: an equality matcher with the
 * value, or a regex matcher (as the rules shared by the models of a kind
 * have) that matches it whole, as Prometheus anchors it.
 */
export function selectsValue(expr: string, label: string, value: string): boolean {
  return [...expr.matchAll(new RegExp(`(?<![a-zA-Z0-9_])${label}(=~|=)"((?:[^"\\\\]|\\\\.)*)"`, 'g'))].some(([, op, v]) => (op === '=' ? v === value : new RegExp(`^(?:${v.replace(/\\\\/g, '\\')})$`).test(value)));
}

/** The PrometheusRule objects named `*-<suffix>` with a rule that selects `model` on `label` (the rules of its kind). */
export function modelRuleObjects(objects: readonly KubeObject[], label: string, model: string, suffix = 'alerts'): Array<KubeObject & { spec?: any }> {
  return objects.filter((o) => o.kind === 'PrometheusRule' && (o.metadata.name ?? '').endsWith(`-${suffix}`) && ((o as any).spec.groups as Array<{ rules: Rule[] }>).some((g) => g.rules.some((r) => selectsValue(r.expr, label, model))));
}
