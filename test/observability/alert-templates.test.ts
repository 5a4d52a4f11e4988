import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { Alerts, AlertText } from '../../src/observability/alert-templates';
import { RequestMetrics } from '../../src/observability/request-metrics';
import { Severity } from '../../src/observability/severity';

const text: AlertText = {
  name: 'ModelBroken',
  severity: Severity.WARNING,
  for: Duration.minutes(5),
  summary: 'broken',
  description: 'Something is wrong.',
  runbookUrl: 'https://runbooks.example.com/model',
};
const window = Duration.minutes(5);

describe('Alerts', () => {
  it('fails when the traffic source has no error signal', () => {
    const traffic = RequestMetrics.kserveModelServer('models', 'iris');
    expect(() => Alerts.errorRatio(traffic, text, { threshold: 0.05, window })).toThrow(ModelServingError);
    expect(() => Alerts.errorRatio(traffic, text, { threshold: 0.05, window })).toThrow(
      /^Alerts\.errorRatio: traffic\.spec\.errors is required for an error-ratio alert: the KServe model server has no error signal \(received: undefined\)\. Fix: use a RequestMetrics source that counts failed requests/,
    );
  });

  it('fails when the traffic source has no latency signal', () => {
    const traffic = RequestMetrics.custom({ ...RequestMetrics.kong('svc').spec, source: 'a counter', latency: undefined });
    expect(() => Alerts.latency(traffic, text, { quantile: 0.95, threshold: Duration.seconds(1), window })).toThrow(
      /^Alerts\.latency: traffic\.spec\.latency is required for a latency alert: a counter has no latency signal \(received: undefined\)\. Fix: use a RequestMetrics source with a latency histogram/,
    );
  });

  it('fails when the traffic source has no revision label', () => {
    const traffic = RequestMetrics.kong('svc');
    expect(() => Alerts.canaryStuck(traffic, text, { lower: 0.01, upper: 0.99, window })).toThrow(
      /^Alerts\.canaryStuck: traffic\.spec\.splitLabel is required for a canary alert: Kong has no revision label \(received: undefined\)\. Fix: use a RequestMetrics source with a revision label/,
    );
  });

  it('fails when a threshold is not a finite number', () => {
    const traffic = RequestMetrics.kong('svc');
    expect(() => Alerts.errorRatio(traffic, text, { threshold: Number.NaN, window })).toThrow(/^Alerts\.errorRatio: options\.threshold must be a finite number \(received: NaN\)\. Fix: pass a finite threshold/);
    expect(() => Alerts.latency(traffic, text, { quantile: Number.NaN, threshold: Duration.seconds(1), window })).toThrow(/^Alerts\.latency: options\.quantile must be a finite number \(received: NaN\)/);
    expect(() => Alerts.latency(traffic, text, { quantile: 0.95, threshold: Duration.seconds(Number.POSITIVE_INFINITY), window })).toThrow(/^Alerts\.latency: options\.threshold must be finite \(received: Infinity\)/);
    expect(() => Alerts.gaugeAbove(text, { metric: 'kong_datastore_reachable', target: { kong: 'kong' }, threshold: Number.NaN })).toThrow(/^Alerts\.gaugeAbove: options\.threshold must be a finite number/);
    expect(() => Alerts.rateAbove(text, { counter: { metric: 'kong_http_requests_total' }, target: { service: 'svc' }, groupBy: ['service'], sample: {}, threshold: Number.NaN, window })).toThrow(
      /^Alerts\.rateAbove: options\.threshold must be a finite number/,
    );
    expect(() => Alerts.ratio(text, { numerators: [{ metric: 'a_total' }], denominator: { metric: 'b_total' }, target: { service: 'svc' }, threshold: Number.NaN, window })).toThrow(/^Alerts\.ratio: options\.threshold must be a finite number/);
    expect(() => Alerts.canaryStuck(RequestMetrics.kserveModelServer('models', 'iris'), text, { lower: Number.NaN, upper: 0.99, window })).toThrow(/^Alerts\.canaryStuck: options\.lower must be a finite number/);
  });

  it('builds the alert when the signal exists', () => {
    const rule = Alerts.errorRatio(RequestMetrics.kong('svc'), text, { threshold: 0.05, window });
    expect(rule.expr).toMatch(/\) > 0\.05$/);
    expect(rule.tests.map((t) => t.expectedAlerts.length)).toEqual([1, 0]);
  });
});
