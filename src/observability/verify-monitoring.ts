import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IConstruct } from 'constructs';
import { stringify } from 'yaml';
import { findGrafanaDashboards } from './dashboard';
import { findPrometheusRules } from './prometheus-rule';
import { Promtool } from './promtool';
import { metricNamesIn } from './promql';
import { ruleUnitTests } from './rule-unit-tests';

/** What {@link verifyMonitoring} checked. */
export interface MonitoringReport {
  /** `promtool --version`, first line. */
  readonly promtoolVersion: string;
  /** PrometheusRule objects checked. */
  readonly prometheusRules: number;
  /** Alerting rules checked and unit-tested. */
  readonly alerts: number;
  /** Recording rules checked. */
  readonly records: number;
  /** `promtool test rules` cases run. */
  readonly testCases: number;
  /** Dashboard panel queries checked. */
  readonly panelQueries: number;
}

/** Options of {@link verifyMonitoring}. */
export interface VerifyMonitoringOptions {
  /** Where to write the rule and test files (kept afterwards). @default - a temporary folder, removed afterwards */
  readonly workDir?: string;
}

const SEVERITIES = new Set(['critical', 'warning', 'info']);

/**
 * Proves the monitoring of everything under `root` (an App or a Platform)
 * with the real `promtool`, in two processes however many rules there are:
 *
 * 1. every rule group of every synthesized `PrometheusRule`, and every
 *    dashboard panel query wrapped in a one-rule file, passes
 *    `promtool check rules --lint=all --lint-fatal`;
 * 2. every alert's unit-test cases pass `promtool test rules` (each alert
 *    has at least one firing and one silent case);
 * 3. every alert has `for`, a `severity` of critical|warning|info, `summary`,
 *    `description` and `runbook_url`; every metric read by a rule or a panel
 *    belongs to its component's catalog or is recorded by a rule.
 *
 * @throws Error listing every problem, with promtool's output
 * @throws Error when promtool is not installed
 */
export function verifyMonitoring(root: IConstruct, options: VerifyMonitoringOptions = {}): MonitoringReport {
  const promtool = Promtool.find();
  const dir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cms-promtool-'));
  fs.mkdirSync(dir, { recursive: true });
  const problems: string[] = [];
  try {
    const rules = findPrometheusRules(root);
    const dashboards = findGrafanaDashboards(root);
    const recorded = new Set(rules.flatMap((r) => r.recordedSeries));
    const ruleFiles: string[] = [];
    const testFiles: string[] = [];
    let alerts = 0;
    let records = 0;
    let testCases = 0;
    rules.forEach((rule, i) => {
      const groups = ((rule.resource.toJson() as { spec?: { groups?: Array<{ name: string; rules?: Array<Record<string, unknown>> }> } }).spec?.groups ?? []);
      const file = `rules-${i}.yaml`;
      fs.writeFileSync(path.join(dir, file), stringify({ groups }));
      ruleFiles.push(file);
      const synthesizedAlerts = new Set<string>();
      for (const g of groups) {
        for (const r of g.rules ?? []) {
          const where = `${rule.node.path} group '${g.name}' ${r.alert ? `alert '${String(r.alert)}'` : `record '${String(r.record)}'`}`;
          for (const name of metricNamesIn(String(r.expr))) {
            if (!rule.catalog.has(name) && !recorded.has(name)) problems.push(`${where}: metric '${name}' is not in the '${rule.catalog.name}' catalog nor recorded by a rule`);
          }
          if (r.record) {
            records++;
            continue;
          }
          alerts++;
          synthesizedAlerts.add(String(r.alert));
          const labels = (r.labels ?? {}) as Record<string, string>;
          const annotations = (r.annotations ?? {}) as Record<string, string>;
          if (!r.for) problems.push(`${where}: has no 'for'`);
          if (!SEVERITIES.has(labels.severity)) problems.push(`${where}: severity '${labels.severity}' is not critical|warning|info`);
          for (const k of ['summary', 'description', 'runbook_url']) if (!annotations[k]) problems.push(`${where}: has no '${k}' annotation`);
        }
      }
      const defined = new Set(rule.alerts.map((a) => a.name));
      for (const a of synthesizedAlerts) if (!defined.has(a)) problems.push(`${rule.node.path}: alert '${a}' has no unit tests`);
      const tests = ruleUnitTests(rule, [file]);
      if (tests.tests.length > 0) {
        const testFile = `rules-${i}.test.yaml`;
        fs.writeFileSync(path.join(dir, testFile), stringify(tests));
        testFiles.push(testFile);
        testCases += tests.tests.length;
      }
    });
    let panelQueries = 0;
    dashboards.forEach((d, i) => {
      d.queries().forEach((expr, j) => {
        const file = `panel-${i}-${j}.yaml`;
        fs.writeFileSync(path.join(dir, file), stringify({ groups: [{ name: `${d.dashboardName}-${j}`, rules: [{ record: 'dashboard:panel_query:check', expr }] }] }));
        ruleFiles.push(file);
        panelQueries++;
      });
    });
    if (ruleFiles.length > 0) {
      const check = promtool.checkRules(ruleFiles, dir);
      if (!check.ok) problems.push(`promtool check rules --lint-fatal failed (exit ${check.exitCode}):\n${check.output}`);
    }
    if (testFiles.length > 0) {
      const test = promtool.testRules(testFiles, dir);
      if (!test.ok) problems.push(`promtool test rules failed (exit ${test.exitCode}):\n${test.output}`);
    }
    if (problems.length > 0) throw new Error(`monitoring verification failed (files in ${dir}):\n${problems.join('\n')}`);
    return { promtoolVersion: promtool.version(), prometheusRules: rules.length, alerts, records, testCases, panelQueries };
  } finally {
    if (!options.workDir && problems.length === 0) fs.rmSync(dir, { recursive: true, force: true });
  }
}
