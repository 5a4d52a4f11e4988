import { Duration } from 'cdk8s';
import { renderTemplate } from './alert-rule';
import { formatPromDuration } from './prom-duration';
import { PrometheusRule } from './prometheus-rule';

/** A `promtool test rules` file. @see https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/ */
export interface PromtoolTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  readonly tests: ReadonlyArray<Record<string, unknown>>;
}

/**
 * The `promtool test rules` file that proves every alert of `rule`: one test
 * group per case, each evaluating the alert by name at the case's
 * `eval_time`, with the expected labels (expression labels plus the rule's
 * own labels and `severity`) and the annotations rendered for those labels.
 *
 * @param rule the PrometheusRule whose alerts carry the cases
 * @param ruleFiles the rule files the test loads (the synthesized groups of `rule`, and any rules they depend on)
 */
export function ruleUnitTests(rule: PrometheusRule, ruleFiles: readonly string[]): PromtoolTestFile {
  const tests: Array<Record<string, unknown>> = [];
  for (const alert of rule.alerts) {
    for (const c of alert.tests) {
      tests.push({
        interval: formatPromDuration(c.interval ?? Duration.minutes(1)),
        input_series: c.series.map((s) => ({ series: s.series, values: s.values })),
        alert_rule_test: [
          {
            eval_time: formatPromDuration(c.evalTime),
            alertname: alert.name,
            exp_alerts: c.expectedAlerts.map((labels) => ({
              exp_labels: { ...labels, ...(alert.labels ?? {}), severity: alert.severity.value },
              exp_annotations: {
                summary: renderTemplate(alert.summary, labels),
                description: renderTemplate(alert.description, labels),
                runbook_url: alert.runbookUrl,
              },
            })),
          },
        ],
      });
    }
  }
  return { rule_files: [...ruleFiles], evaluation_interval: '1m', tests };
}
