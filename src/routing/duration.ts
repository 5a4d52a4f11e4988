import { Duration } from 'cdk8s';

/**
 * Renders a cdk8s `Duration` in the Gateway API duration format
 * (`^([0-9]{1,5}(h|m|s|ms)){1,4}$`, e.g. `1h30m`, `500ms`).
 */
export function formatGatewayDuration(d: Duration): string {
  let ms = d.toMilliseconds();
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
