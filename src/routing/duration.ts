import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

/**
 * Renders a cdk8s `Duration` in the Gateway API duration format
 * (`^([0-9]{1,5}(h|m|s|ms)){1,4}$`, e.g. `1h30m`, `500ms`).
 */
export function formatGatewayDuration(d: Duration): string {
  let ms = d.toMilliseconds();
  // Zero (a disabled timeout) reads as the Gateway API spec writes it.
  if (ms === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    const n = Math.floor(ms / size);
    if (n > 0) parts.push(`${n}${unit}`);
    ms -= n * size;
  }
  if (ms > 0 || parts.length === 0) parts.push(`${Math.round(ms)}ms`);
  return parts.join('');
}

/** The Gateway API `Duration` pattern (GEP-2257): up to four `<1-5 digits><unit>` parts. */
const GATEWAY_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

/**
 * Checks that `d` renders to a Gateway API duration the CRD accepts: a
 * whole number of milliseconds (a fraction would be rounded away) and at
 * most 99999 hours (the pattern allows five digits per part).
 *
 * @see https://gateway-api.sigs.k8s.io/geps/gep-2257/
 * @throws ModelServingError naming `field` and the duration
 */
export function assertGatewayDuration(scope: IConstruct | string, field: string, d: Duration): string {
  const ms = d.toMilliseconds();
  const text = Number.isFinite(ms) ? formatGatewayDuration(d) : String(ms);
  if (!Number.isInteger(ms) || ms < 0 || !GATEWAY_DURATION.test(text)) {
    invalid(scope, field, 'must be a Gateway API duration: a whole number of milliseconds up to 99999h (GEP-2257)', Number.isFinite(ms) ? `${ms}ms` : ms, 'use e.g. Duration.seconds(30)');
  }
  return text;
}
