import { Duration } from 'cdk8s';
import { invalid } from './errors';
import { isDuration, PropScope } from './prop-types';

/** Bounds and fix of {@link wholeSeconds} and {@link wholeMilliseconds}. */
export interface DurationBounds {
  /** The smallest value accepted, in the unit of the field. @default 0 */
  readonly min?: number;
  /** The largest value accepted, in the unit of the field. @default 2147483647 (int32) */
  readonly max?: number;
  /** An example for the message, e.g. `Duration.seconds(60)`. */
  readonly example: string;
  /** Where the bounds come from, for the message (e.g. `Knative's max-revision-timeout-seconds`). @default - none */
  readonly limit?: string;
}

const INT32_MAX = 2_147_483_647;

function render(ms: number): string {
  return Number.isFinite(ms) ? `${ms}ms` : String(ms);
}

/**
 * A Duration as the whole number of seconds a Kubernetes (or KServe) field
 * takes, e.g. a probe's `periodSeconds` (int32 in k8s.io/api core/v1
 * `Probe`) or a Job's `activeDeadlineSeconds`.
 *
 * @returns undefined for undefined
 * @throws ModelServingError when `value` is not a cdk8s Duration (a bare
 *   number has no unit), is not a whole number of seconds (e.g. 1500 ms:
 *   the field cannot hold it, and rounding would change what was written),
 *   or is outside `bounds` (in seconds)
 */
export function wholeSeconds(scope: PropScope, field: string, value: Duration | undefined, bounds: DurationBounds): number | undefined {
  if (value === undefined) return undefined;
  if (!isDuration(value)) invalid(scope, field, 'must be a Duration (a bare number has no unit)', value, `use ${bounds.example}`);
  const ms = value.toMilliseconds();
  if (!Number.isFinite(ms) || ms % 1000 !== 0) {
    invalid(scope, field, 'must be a whole number of seconds (Kubernetes takes this field as integer seconds)', render(ms), `round it to whole seconds, e.g. ${bounds.example}`);
  }
  const seconds = ms / 1000;
  const min = bounds.min ?? 0;
  const max = bounds.max ?? INT32_MAX;
  if (seconds < min || seconds > max) invalid(scope, field, `must be between ${min}s and ${max}s${bounds.limit ? ` (${bounds.limit})` : ''}`, `${seconds}s`, `use e.g. ${bounds.example}`);
  return seconds;
}

/**
 * A Duration as a whole number of milliseconds (for fields such as KServe's
 * batcher `maxLatency`, an int in milliseconds).
 *
 * @returns undefined for undefined
 * @throws ModelServingError when `value` is not a cdk8s Duration, not a whole number of milliseconds, or outside `bounds` (in milliseconds)
 */
export function wholeMilliseconds(scope: PropScope, field: string, value: Duration | undefined, bounds: DurationBounds): number | undefined {
  if (value === undefined) return undefined;
  if (!isDuration(value)) invalid(scope, field, 'must be a Duration (a bare number has no unit)', value, `use ${bounds.example}`);
  const ms = value.toMilliseconds();
  if (!Number.isInteger(ms)) invalid(scope, field, 'must be a whole number of milliseconds', render(ms), `use e.g. ${bounds.example}`);
  const min = bounds.min ?? 0;
  const max = bounds.max ?? INT32_MAX;
  if (ms < min || ms > max) invalid(scope, field, `must be between ${min}ms and ${max}ms${bounds.limit ? ` (${bounds.limit})` : ''}`, `${ms}ms`, `use e.g. ${bounds.example}`);
  return ms;
}
