import { Duration } from 'cdk8s';
import { Severity } from './severity';
import { AlertTestCase } from './test-series';

/**
 * One alerting rule and the unit tests that prove it: at least one case where
 * it fires and one where it stays silent.
 *
 * `summary` and `description` may use `{{ $labels.<name> }}` and nothing else
 * from Go templating, so the expected annotations of every test case can be
 * computed exactly (promtool compares them).
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
 */
export interface AlertRule {
  /** `alert`: component-prefixed CamelCase, e.g. `KServePredictorDown`. */
  readonly name: string;
  /** `expr`: the PromQL condition; every series it returns is an alert. */
  readonly expr: string;
  /** `for`: how long the condition must hold before the alert fires (at least 1m). */
  readonly for: Duration;
  /** `labels.severity`. */
  readonly severity: Severity;
  /** `annotations.summary`: one line. */
  readonly summary: string;
  /** `annotations.description`: what is wrong and the threshold, in words. */
  readonly description: string;
  /** `annotations.runbook_url`: an https URL. */
  readonly runbookUrl: string;
  /** Extra `labels` (e.g. `inferenceservice`). @default - `severity` only */
  readonly labels?: Readonly<Record<string, string>>;
  /** The unit tests: at least one firing and one silent case. */
  readonly tests: readonly AlertTestCase[];
}

/**
 * One recording rule: `record` names the series written, by the
 * `level:metric:operations` convention.
 *
 * @see https://prometheus.io/docs/practices/rules/
 */
export interface RecordingRule {
  /** `record`: a metric name, e.g. `slo:sli_error:ratio_rate5m`. */
  readonly record: string;
  /** `expr`. */
  readonly expr: string;
  /** `labels` added to the recorded series. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

const TEMPLATE_ACTION = /\{\{(.*?)\}\}/g;
const LABEL_REFERENCE = /^\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*$/;

/**
 * The label names an annotation template refers to, or `undefined` when it
 * uses anything but `{{ $labels.<name> }}`.
 */
export function templateLabels(template: string): string[] | undefined {
  const names: string[] = [];
  for (const m of template.matchAll(TEMPLATE_ACTION)) {
    const ref = LABEL_REFERENCE.exec(m[1]);
    if (!ref) return undefined;
    names.push(ref[1]);
  }
  if (template.replace(TEMPLATE_ACTION, '').includes('{{') || template.replace(TEMPLATE_ACTION, '').includes('}}')) return undefined;
  return names;
}

/** Renders `{{ $labels.x }}` references with `labels`, as Prometheus does for a firing alert. */
export function renderTemplate(template: string, labels: Readonly<Record<string, string>>): string {
  return template.replace(TEMPLATE_ACTION, (_all, inner: string) => {
    const ref = LABEL_REFERENCE.exec(inner);
    return ref ? (labels[ref[1]] ?? '') : '';
  });
}
