import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { isDuration } from '../core/prop-types';

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/**
 * Renders a cdk8s `Duration` as a Prometheus duration (`30d`, `1h30m`, `5m`,
 * `30s`): the largest units first, whole milliseconds as `ms`.
 *
 * @see https://prometheus.io/docs/prometheus/latest/querying/basics/#float-literals-and-time-durations
 */
export function formatPromDuration(d: Duration): string {
  let ms = Math.round(d.toMilliseconds());
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const n = Math.floor(ms / size);
    if (n > 0) parts.push(`${n}${unit}`);
    ms -= n * size;
  }
  if (ms > 0 || parts.length === 0) parts.push(`${ms}ms`);
  return parts.join('');
}

/**
 * Checks that a duration is at least `min` (and a whole number of seconds),
 * returning it in milliseconds.
 *
 * @throws ModelServingError naming `field` when the duration is shorter than `min` or not whole seconds
 */
export function assertDuration(scope: IConstruct | string, field: string, d: Duration, min: Duration): number {
  const ms = d.toMilliseconds();
  if (!Number.isFinite(ms) || ms < min.toMilliseconds() || ms % 1000 !== 0) {
    invalid(scope, field, `must be a whole number of seconds and at least ${formatPromDuration(min)}`, Number.isFinite(ms) ? formatPromDuration(d) : ms, `use e.g. Duration.minutes(${Math.max(1, Math.ceil(min.toMinutes({ integral: false })))})`);
  }
  return ms;
}

/**
 * A latency threshold as the seconds PromQL compares with (`0.5` for
 * `Duration.millis(500)`). Sub-second thresholds are legitimate, so the
 * Duration need not be whole seconds, but it must be longer than zero.
 *
 * @param example a fix such as `Duration.millis(500)`
 * @returns the threshold in seconds (fractional)
 * @throws ModelServingError naming `field` when `value` is not a cdk8s Duration (a bare number has no unit), is zero or is infinite
 */
export function latencyThresholdSeconds(scope: IConstruct | string, field: string, value: Duration, example: string): number {
  if (!isDuration(value)) invalid(scope, field, 'must be a Duration (a bare number has no unit)', value, `use ${example}`);
  const ms = value.toMilliseconds({ integral: false });
  if (!Number.isFinite(ms)) invalid(scope, field, 'must be finite', ms, `use e.g. ${example}`);
  if (!(ms > 0)) invalid(scope, field, 'must be longer than 0', `${ms}ms`, `use e.g. ${example}`);
  return ms / 1000;
}
