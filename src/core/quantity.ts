import { IConstruct } from 'constructs';
import { invalid } from './errors';

const QUANTITY = /^([+]?)(\d+(?:\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;
const BINARY: Record<string, bigint> = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };
const DECIMAL: Record<string, number> = { '': 0, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/**
 * The largest quantity this library writes, in units (cores, bytes, GPUs):
 * 2^63 - 1 milli-units. Kubernetes keeps quantities as int64 (a count of
 * units, or of milli-units for CPU): `ParseQuantity` silently caps a binary
 * quantity above 2^63 - 1 (`// The max is just a simple cap.`) and keeps a
 * larger decimal one that `Quantity.Value()`/`MilliValue()` (what the
 * scheduler and the kubelet read) cannot return as an int64.
 *
 * @see https://github.com/kubernetes/apimachinery/blob/master/pkg/api/resource/quantity.go (ParseQuantity, ScaledValue)
 */
export const MAX_QUANTITY_UNITS = (2n ** 63n - 1n) / 1000n;

/** Exponents beyond this are decided without computing 10^exponent (`1e400` is beyond int64, `1e-400` below 1n). */
const EXPONENT_LIMIT = 64;

/** The exact value of a quantity string as `numerator / denominator`, or `'huge'`/`'tiny'` for exponents far out of range, or undefined for a non-quantity. */
function exactQuantity(value: string): { readonly numerator: bigint; readonly denominator: bigint } | 'huge' | 'tiny' | undefined {
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  const [, , number, suffix = ''] = m;
  const [whole, fraction = ''] = number.split('.');
  let numerator = BigInt(`${whole || '0'}${fraction}` || '0');
  let denominator = 10n ** BigInt(fraction.length);
  if (suffix in BINARY) return { numerator: numerator * 2n ** BINARY[suffix], denominator };
  const exponent = suffix in DECIMAL ? DECIMAL[suffix] : Number(suffix.slice(1));
  if (numerator === 0n) return { numerator, denominator };
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > EXPONENT_LIMIT + fraction.length + whole.length) return exponent > 0 ? 'huge' : 'tiny';
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator *= 10n ** BigInt(-exponent);
  return { numerator, denominator };
}

/**
 * Why `value` is not a quantity this library writes, or undefined when it is
 * one: it must be a quantity string (`500m`, `2`, `256Mi`, `1e3`), at most
 * {@link MAX_QUANTITY_UNITS}, and not a non-zero amount below `1n`, which
 * the apiserver rounds up to `1n` (so `1e-12` would not mean what it says).
 */
export function quantityProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return "must be a Kubernetes quantity string such as '500m', '2', '256Mi' or '4Gi'";
  const exact = exactQuantity(value);
  if (exact === undefined) return "must be a Kubernetes quantity string such as '500m', '2', '256Mi' or '4Gi'";
  const huge = exact === 'huge' || (exact !== 'tiny' && exact.numerator > MAX_QUANTITY_UNITS * exact.denominator);
  if (huge) return `is beyond what Kubernetes counts (int64 milli-units: at most ${MAX_QUANTITY_UNITS} units); the apiserver would cap or overflow it`;
  if (exact === 'tiny' || (exact.numerator > 0n && exact.numerator * 1_000_000_000n < exact.denominator)) {
    return 'is a non-zero amount below 1n (one billionth), which the apiserver rounds up to 1n';
  }
  return undefined;
}

/**
 * The numeric value of a Kubernetes quantity (`100m` = 0.1, `1Gi` =
 * 1073741824), or undefined when the string is not a quantity. Values out
 * of Kubernetes' range come back as they parse (`1e400` is `Infinity`);
 * {@link assertQuantity} refuses them.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
export function parseQuantity(value: string): number | undefined {
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  const suffix = m[3] ?? '';
  const factor = suffix in BINARY ? 2 ** Number(BINARY[suffix]) : 10 ** (suffix in DECIMAL ? DECIMAL[suffix] : Number(suffix.slice(1)));
  return Number(m[2]) * factor;
}

/**
 * Checks that `value` is a Kubernetes quantity string (`100m`, `256Mi`, `1`)
 * within what Kubernetes counts (see {@link quantityProblem}: `1e400` and
 * `99999999999999999999Ei` are refused). Numbers are refused: an
 * int-or-string field accepts only integers, and `0.1` written as a number
 * is a common mistake.
 *
 * @throws ModelServingError naming the field and an example
 */
export function assertQuantity(scope: IConstruct | string, field: string, value: unknown): string {
  const problem = quantityProblem(value);
  if (problem !== undefined) {
    invalid(scope, field, problem, value, typeof value === 'number' ? `write it as a string: '${value}'` : typeof value === 'string' && exactQuantity(value) !== undefined ? "use a quantity the cluster can hold, such as '4' or '64Gi'" : "use a quantity such as '1Gi'");
  }
  return value as string;
}
