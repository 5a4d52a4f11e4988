import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KubeObject } from '../../src/delivery/manifest';
import { Catalogs } from '../../src/observability/catalogs';
import { dashboardQueries } from '../../src/observability/dashboard';
import { MetricCatalog } from '../../src/observability/metric-catalog';
import { findPrometheusRules } from '../../src/observability/prometheus-rule';
import { metricNamesIn } from '../../src/observability/promql';
import { MonitoringReport, verifyMonitoring } from '../../src/observability/verify-monitoring';
import { referenceApp } from '../../src/platforms/main';
import { listFiles } from '../dir-compare';

const dist = path.resolve(__dirname, '..', '..', 'dist');
const ALL_CATALOGS = MetricCatalog.merge('all', Catalogs.all());

/** Every object committed under dist/. */
function distObjects(): KubeObject[] {
  return listFiles(dist)
    .filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'))
    .map((f) => parse(fs.readFileSync(path.join(dist, f), 'utf8'), { version: '1.1' }) as KubeObject);
}

interface RuleJson {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
}

describe('monitoring of the reference platforms (what dist/ holds)', () => {
  let report: MonitoringReport;
  let app: ReturnType<typeof referenceApp>;
  beforeAll(() => {
    app = referenceApp();
    report = verifyMonitoring(app);
  });

  it('every rule group passes promtool check rules --lint-fatal and every alert its promtool unit tests', () => {
    expect(report.prometheusRules).toBeGreaterThan(20);
    expect(report.alerts).toBeGreaterThan(50);
    expect(report.testCases).toBeGreaterThanOrEqual(report.alerts * 2);
    for (const rule of findPrometheusRules(app)) {
      for (const a of rule.alerts) {
        expect(a.tests.some((t) => t.expectedAlerts.length > 0), `${a.name} has a firing case`).toBe(true);
        expect(a.tests.some((t) => t.expectedAlerts.length === 0), `${a.name} has a silent case`).toBe(true);
      }
    }
  });

  it('the PrometheusRules in dist/ are exactly the ones verified', () => {
    const inDist = distObjects()
      .filter((o) => o.kind === 'PrometheusRule')
      .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
      .sort();
    expect(inDist.length).toBe(report.prometheusRules);
    expect(inDist).toEqual(findPrometheusRules(app).map((r) => `${r.resource.metadata.namespace}/${r.ruleName}`).sort());
  });

  it('dist/ rules and dashboards use only catalogued metrics (or series recorded by the rules)', () => {
    const objects = distObjects();
    const rules = objects.filter((o) => o.kind === 'PrometheusRule').flatMap((o) => ((o as any).spec.groups as Array<{ rules: RuleJson[] }>).flatMap((g) => g.rules));
    const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
    const dashboards = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');
    expect(dashboards.length).toBeGreaterThan(10);
    const queries = dashboards.flatMap((c) => Object.values((c as any).data as Record<string, string>).flatMap((json) => dashboardQueries(JSON.parse(json))));
    expect(queries.length).toBeGreaterThan(100);
    const unknown = [...rules.map((r) => r.expr), ...queries].flatMap((e) => metricNamesIn(e)).filter((n) => !ALL_CATALOGS.has(n) && !recorded.has(n));
    expect(unknown).toEqual([]);
  });

  it('dist/ dashboards are Grafana dashboard JSON with a uid, a title and panels that each have a query', () => {
    for (const c of distObjects().filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1')) {
      for (const json of Object.values((c as any).data as Record<string, string>)) {
        const d = JSON.parse(json) as { uid?: string; title?: string; schemaVersion?: number; panels?: Array<{ type: string; targets?: unknown[] }> };
        expect(d.uid, c.metadata.name).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
        expect(d.title, c.metadata.name).toBeTruthy();
        expect(d.schemaVersion, c.metadata.name).toBeGreaterThan(30);
        const panels = (d.panels ?? []).filter((p) => p.type !== 'row');
        expect(panels.length, c.metadata.name).toBeGreaterThan(0);
        for (const p of panels) expect((p.targets ?? []).length, `${c.metadata.name} ${p.type}`).toBeGreaterThan(0);
      }
    }
  });
});
