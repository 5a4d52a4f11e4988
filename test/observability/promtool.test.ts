import { Duration } from 'cdk8s';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { beforeAll, describe, expect, it } from 'vitest';
import { Alerts } from '../../src/observability/alert-templates';
import { Catalogs } from '../../src/observability/catalogs';
import { dashboardQueries, GrafanaDashboard } from '../../src/observability/dashboard';
import { MetricCatalog } from '../../src/observability/metric-catalog';
import { timeseriesPanel } from '../../src/observability/panels';
import { findPrometheusRules, PrometheusRule } from '../../src/observability/prometheus-rule';
import { Promtool } from '../../src/observability/promtool';
import { metricNamesIn } from '../../src/observability/promql';
import { RequestMetrics } from '../../src/observability/request-metrics';
import { Severity } from '../../src/observability/severity';
import { MonitoringReport, verifyMonitoring } from '../../src/observability/verify-monitoring';
import { objectsOfKind, setup, synthObjects } from '../util';
import { everything } from './fixtures';
import { Rule } from './helpers';

const ALL_CATALOGS = MetricCatalog.merge('all', Catalogs.all());

describe('monitoring checked by promtool', () => {
  let report: MonitoringReport;
  let app: ReturnType<typeof everything>['app'];

  beforeAll(() => {
    app = everything().app;
    report = verifyMonitoring(app);
  });

  it('passes check --lint-fatal on every rule group and panel query, and test rules on every case', () => {
    expect(report.promtoolVersion).toMatch(/^promtool, version \d+\.\d+/);
    expect(report.prometheusRules).toBeGreaterThan(15);
    expect(report.alerts).toBeGreaterThan(50);
    expect(report.records).toBeGreaterThan(40);
    expect(report.testCases).toBeGreaterThanOrEqual(report.alerts * 2);
    expect(report.panelQueries).toBeGreaterThan(50);
  });

  it('gives every alert at least one firing and one silent case', () => {
    for (const rule of findPrometheusRules(app)) {
      for (const a of rule.alerts) {
        expect(a.tests.some((t) => t.expectedAlerts.length > 0), a.name).toBe(true);
        expect(a.tests.some((t) => t.expectedAlerts.length === 0), a.name).toBe(true);
      }
    }
  });

  it('uses only catalogued metrics (or recorded series) in synthesized rules and dashboards', () => {
    const objects = synthObjects(app);
    const rules = objectsOfKind(objects, 'PrometheusRule').flatMap((o) => (o.spec.groups as Array<{ rules: Rule[] }>).flatMap((g) => g.rules));
    const recorded = new Set(rules.filter((r) => r.record).map((r) => r.record!));
    const exprs = [...rules.map((r) => r.expr), ...objectsOfKind(objects, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1').flatMap((c) => Object.values((c as any).data as Record<string, string>).flatMap((json) => dashboardQueries(JSON.parse(json))))];
    expect(exprs.length).toBeGreaterThan(200);
    const unknown = exprs.flatMap((e) => metricNamesIn(e)).filter((n) => !ALL_CATALOGS.has(n) && !recorded.has(n));
    expect(unknown).toEqual([]);
  });

  it('every synthesized alert carries for, severity, summary, description and a runbook', () => {
    const objects = synthObjects(app);
    const alerts = objectsOfKind(objects, 'PrometheusRule').flatMap((o) => (o.spec.groups as Array<{ rules: Rule[] }>).flatMap((g) => g.rules.filter((r) => r.alert)));
    for (const a of alerts) {
      expect(a.for, a.alert).toMatch(/^\d+[smhd]/);
      expect(['critical', 'warning', 'info'], a.alert).toContain(a.labels?.severity);
      expect(Object.keys(a.annotations ?? {}).sort(), a.alert).toEqual(['description', 'runbook_url', 'summary']);
      expect(a.alert).toMatch(/^(KServe|Llm|Gateway|Kong|Opa|Limitador|Authorino|Slo)[A-Z0-9][A-Za-z0-9]*$/);
    }
  });
});

describe('verifyMonitoring fails', () => {
  it('when a unit test expects the wrong outcome', () => {
    const { app, ns } = setup(['kong']);
    const rule = new PrometheusRule(ns.kong, 'wrong', { alertPrefix: 'Kong', catalog: Catalogs.KONG });
    const a = Alerts.gaugeAbove({ name: 'KongDatastoreDown', severity: Severity.WARNING, for: Duration.minutes(1), summary: 's', description: 'd', runbookUrl: 'https://r.example.com/x' }, { metric: 'kong_datastore_reachable', target: { kong: 'kong' }, threshold: 0.5, max: 1 });
    // swap the expectations: the breaching case now claims silence and the healthy one an alert
    const swapped = a.tests.map((t, i) => ({ ...t, expectedAlerts: a.tests[1 - i].expectedAlerts }));
    rule.addGroup('g').addAlert({ ...a, tests: swapped });
    expect(() => verifyMonitoring(app)).toThrow(/promtool test rules failed[\s\S]*KongDatastoreDown/);
  });

  it('when a panel query is not valid PromQL', () => {
    const { app, ns } = setup(['kong']);
    const d = new DashboardBuilder('Broken').withPanel(timeseriesPanel({ title: 'x', unit: 'short', queries: [{ expr: 'sum(rate(kong_http_requests_total[5m])' }] }));
    new GrafanaDashboard(ns.kong, 'broken', { dashboard: d, catalog: Catalogs.KONG });
    expect(() => verifyMonitoring(app)).toThrow(/promtool check rules --lint-fatal failed/);
  });

  it('when an alert rule is duplicated (lint)', () => {
    const { app, ns } = setup(['kong']);
    const rule = new PrometheusRule(ns.kong, 'dup', { alertPrefix: 'Kong', catalog: Catalogs.KONG });
    rule.addGroup('g').addRecord({ record: 'kong:x:sum', expr: 'sum(kong_datastore_reachable)' });
    rule.addGroup('h').addRecord({ record: 'kong:x:sum', expr: 'sum(kong_datastore_reachable)' });
    expect(() => verifyMonitoring(app)).toThrow(/lint-fatal failed[\s\S]*kong:x:sum/);
  });

  it('when promtool is not installed', () => {
    const path = process.env.PATH;
    const explicit = process.env.PROMTOOL;
    try {
      process.env.PATH = '/nonexistent';
      delete process.env.PROMTOOL;
      expect(() => Promtool.find()).toThrow(/promtool not found on PATH/);
    } finally {
      process.env.PATH = path;
      if (explicit !== undefined) process.env.PROMTOOL = explicit;
    }
  });
});

describe('RequestMetrics sources', () => {
  it('build Kong traffic by service', () => {
    expect(RequestMetrics.kong('svc').errorRatio(Duration.minutes(5))).toContain('kong_http_requests_total{service="svc",code=~"5.."}');
  });
});
