import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AlertRule } from '../../src/observability/alert-rule';
import { Alerts, AlertText } from '../../src/observability/alert-templates';
import { Catalogs } from '../../src/observability/catalogs';
import { PrometheusRule } from '../../src/observability/prometheus-rule';
import { ruleUnitTests } from '../../src/observability/rule-unit-tests';
import { Severity } from '../../src/observability/severity';
import { TestSeries } from '../../src/observability/test-series';
import { findObject, setup, synthObjects } from '../util';

const text = (name: string): AlertText => ({
  name,
  severity: Severity.WARNING,
  for: Duration.minutes(5),
  summary: 'Kong {{ $labels.kong }} unhealthy',
  description: 'Something is wrong.',
  runbookUrl: 'https://runbooks.example.com/kong',
});

function kongRule() {
  const { app, ns } = setup(['kong']);
  const rule = new PrometheusRule(ns.kong, 'kong-alerts', { alertPrefix: 'Kong', catalog: Catalogs.KONG, labels: { release: 'prom' } });
  const group = rule.addGroup('kong.rules', { interval: Duration.seconds(30) });
  return { app, rule, group };
}

const down = (name = 'KongDatastoreDown'): AlertRule =>
  Alerts.gaugeAbove(text(name), { metric: 'kong_datastore_reachable', target: { kong: 'kong' }, threshold: 0, max: 1 });

describe('PrometheusRule', () => {
  it('renders groups with for, severity, annotations and sorted labels', () => {
    const { app, group } = kongRule();
    group.addRecord({ record: 'kong:requests:rate5m', expr: 'sum(rate(kong_http_requests_total[5m]))', labels: { team: 'edge' } });
    group.addAlert(down());
    const pr = findObject(synthObjects(app), 'PrometheusRule', 'kong-alerts', 'kong');
    expect(pr.metadata.labels).toMatchObject({ release: 'prom' });
    const g = pr.spec.groups[0];
    expect(g).toMatchObject({ name: 'kong.rules', interval: '30s' });
    expect(g.rules[0]).toEqual({ record: 'kong:requests:rate5m', expr: 'sum(rate(kong_http_requests_total[5m]))', labels: { team: 'edge' } });
    expect(g.rules[1]).toMatchObject({ alert: 'KongDatastoreDown', for: '5m', labels: { severity: 'warning' }, annotations: { runbook_url: 'https://runbooks.example.com/kong' } });
    expect(pr).toMatchSnapshot();
  });

  it('renders a promtool test per case with rule labels and rendered annotations', () => {
    const { rule, group } = kongRule();
    group.addAlert(down());
    const file = ruleUnitTests(rule, ['rules.yaml']);
    expect(file.rule_files).toEqual(['rules.yaml']);
    expect(file.tests).toHaveLength(2);
    const firing = (file.tests[0].alert_rule_test as any[])[0];
    expect(firing.alertname).toBe('KongDatastoreDown');
    expect(firing.exp_alerts[0]).toEqual({
      exp_labels: { kong: 'kong', severity: 'warning' },
      exp_annotations: { summary: 'Kong kong unhealthy', description: 'Something is wrong.', runbook_url: 'https://runbooks.example.com/kong' },
    });
    expect((file.tests[1].alert_rule_test as any[])[0].exp_alerts).toEqual([]);
  });

  it('fails when an alert lacks the component prefix or is not CamelCase', () => {
    const { group } = kongRule();
    expect(() => group.addAlert(down('GatewayDown'))).toThrow(/component prefix 'Kong'/);
    expect(() => group.addAlert(down('Kong_down'))).toThrow(/CamelCase/);
  });

  it('fails when an alert name repeats', () => {
    const { group } = kongRule();
    group.addAlert(down());
    expect(() => group.addAlert(down())).toThrow(/already defined/);
  });

  it('fails when an alert has no silent case', () => {
    const { group } = kongRule();
    const a = down();
    expect(() => group.addAlert({ ...a, tests: a.tests.filter((t) => t.expectedAlerts.length > 0) })).toThrow(/1 firing, 0 silent/);
  });

  it('fails when an alert reads a metric outside the catalog', () => {
    const { group } = kongRule();
    expect(() => group.addAlert({ ...down(), expr: 'kong_http_request_total > 0' })).toThrow(/not in the 'kong' catalog: kong_http_request_total/);
  });

  it('fails when an annotation uses $value or a label the alert lacks', () => {
    const { group } = kongRule();
    expect(() => group.addAlert({ ...down(), description: 'value {{ $value }}' })).toThrow(/may only use/);
    expect(() => group.addAlert({ ...down(), summary: 'route {{ $labels.route }}' })).toThrow(/refers to label\(s\) route/);
  });

  it('fails when the runbook is not https or for is under a minute', () => {
    const { group } = kongRule();
    expect(() => group.addAlert({ ...down(), runbookUrl: 'http://runbooks' })).toThrow(/https URL/);
    expect(() => group.addAlert({ ...down(), for: Duration.seconds(30) })).toThrow(/at least 1m/);
  });

  it('fails when a group repeats or a record name is not a metric name', () => {
    const { rule, group } = kongRule();
    expect(() => rule.addGroup('kong.rules')).toThrow(/already defined/);
    expect(() => group.addRecord({ record: 'kong-requests', expr: 'kong_http_requests_total' })).toThrow(/metric name/);
  });

  it('fails when the rule has no rules at synth', () => {
    const { app } = kongRule();
    expect(() => synthObjects(app)).toThrow(/spec.groups has no rules/);
  });

  it('renders test series in promtool notation', () => {
    expect(TestSeries.counter('x_total', { b: '2', a: '1' }, 0.5, 10)).toEqual({ series: 'x_total{a="1",b="2"}', values: '0+30x10' });
    expect(TestSeries.gauge('g', {}, 0.25, 3)).toEqual({ series: 'g', values: '0.25+0x3' });
  });
});
