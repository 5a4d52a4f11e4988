import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { RequestMetrics } from '../../src/observability/request-metrics';
import { Slo, SloObjective } from '../../src/observability/slo';
import { findObject, setup, synthObjects } from '../util';
import { alertOf, rulesOf } from './helpers';

const traffic = RequestMetrics.istio('ml-models', 'iris-predictor');

describe('Slo', () => {
  it('records the error ratio over every alert window and the compliance window', () => {
    const { app, ns } = setup(['ml-models']);
    new Slo(ns['ml-models'], 'iris-availability', { traffic, objective: SloObjective.availability(0.995) });
    const objects = synthObjects(app);
    const records = rulesOf(objects, 'iris-availability-slo').filter((r) => r.record);
    expect(records.map((r) => r.record)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map((w) => `slo:sli_error:ratio_rate${w}`));
    expect(records.every((r) => r.labels?.slo === 'iris-availability')).toBe(true);
    expect(records[0].expr).toContain('istio_requests_total{destination_service_name="iris-predictor",destination_service_namespace="ml-models",reporter="source",response_code=~"5.."}[5m]');
    expect(records[7].expr).toContain('sum_over_time(slo:sli_error:ratio_rate5m{slo="iris-availability"}[30d])');
    expect(findObject(objects, 'PrometheusRule', 'iris-availability-slo')).toMatchSnapshot();
  });

  it('pages on 14.4x and 6x burn and tickets on 3x and 1x burn (SRE workbook, 30 days)', () => {
    const { app, ns } = setup(['ml-models']);
    new Slo(ns['ml-models'], 'iris-availability', { traffic, objective: SloObjective.availability(0.995) });
    const objects = synthObjects(app);
    const fast = alertOf(objects, 'iris-availability-slo', 'SloErrorBudgetBurnFast');
    expect(fast.expr).toContain('slo:sli_error:ratio_rate1h{slo="iris-availability"} > (14.4 * 0.005)');
    expect(fast.expr).toContain('slo:sli_error:ratio_rate5m{slo="iris-availability"} > (14.4 * 0.005)');
    expect(fast.expr).toContain('slo:sli_error:ratio_rate6h{slo="iris-availability"} > (6 * 0.005)');
    expect(fast).toMatchObject({ for: '2m', labels: { severity: 'critical' } });
    const slow = alertOf(objects, 'iris-availability-slo', 'SloErrorBudgetBurnSlow');
    expect(slow.expr).toContain('slo:sli_error:ratio_rate1d{slo="iris-availability"} > (3 * 0.005)');
    expect(slow.expr).toContain('slo:sli_error:ratio_rate3d{slo="iris-availability"} > (1 * 0.005)');
    expect(slow.labels).toEqual({ severity: 'warning' });
  });

  it('scales burn factors with the window and measures latency with the threshold bucket', () => {
    const { app, ns } = setup(['ml-models']);
    const slo = new Slo(ns['ml-models'], 'iris-latency', { traffic, objective: SloObjective.latency(Duration.millis(500), 0.95), window: Duration.days(28) });
    const objects = synthObjects(app);
    expect(alertOf(objects, 'iris-latency-slo', 'SloErrorBudgetBurnFast').expr).toContain('> (13.44 * 0.05)');
    expect(rulesOf(objects, 'iris-latency-slo')[0].expr).toContain('istio_request_duration_milliseconds_bucket{destination_service_name="iris-predictor",destination_service_namespace="ml-models",reporter="source",le=~"500(\\\\.0+)?"}');
    expect(slo.recordedSeries).toContain('slo:sli_error:ratio_rate28d');
    expect(slo.panels()).toHaveLength(2);
  });

  it('fails when the target is not a fraction or the window is too short', () => {
    const { ns } = setup(['ml-models']);
    expect(() => new Slo(ns['ml-models'], 'a', { traffic, objective: SloObjective.availability(99.5) })).toThrow(/strictly between 0 and 1/);
    expect(() => new Slo(ns['ml-models'], 'b', { traffic, objective: SloObjective.availability(0.99), window: Duration.days(1) })).toThrow(/at least 7 days/);
  });

  it('fails when the traffic source has no error signal for an availability SLO', () => {
    const { ns } = setup(['ml-models']);
    expect(() => new Slo(ns['ml-models'], 'a', { traffic: RequestMetrics.kserveModelServer('ml-models', 'iris'), objective: SloObjective.availability(0.995) })).toThrow(/has no error signal/);
  });
});
