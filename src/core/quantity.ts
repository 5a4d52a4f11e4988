import { IConstruct } from 'constructs';
import { invalid } from './errors';

/**
 * Kubernetes resource quantities (`resource.Quantity`), parsed exactly: for
 * the constructs' checks, the `quantity` schema format and the CEL
 * `quantity()` library of the validator.
 *
 * A quantity is `<signedNumber><suffix>`: a decimal number, then a binary SI
 * suffix (`Ki` .. `Ei`), a decimal SI suffix (`n`, `u`, `m`, `k`, `M` .. `E`)
 * or a decimal exponent (`e3`, `E-2`). Values are kept as exact fractions of
 * BigInts, so `1Gi` and `1073741824` compare equal.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/**
 * The largest decimal exponent computed exactly. A quantity such as
 * `1e999999999` is valid syntax, but `10n ** 999999999n` would not finish:
 * larger exponents are clamped, which changes no comparison that matters (at
 * 10^400 any value is far beyond what the apiserver keeps, 2^63-1, and at
 * 10^-400 far below its smallest unit, 1n).
 */
const MAX_EXACT_EXPONENT = 400;

/** An exact rational value `numerator / denominator` (denominator > 0). */
export interface Rational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

/**
 * Parses a quantity string exactly.
 *
 * @returns the value, or undefined when `text` is not a quantity
 */
export function exactQuantity(text: string): Rational | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [, sign, number, suffix = ''] = m;
  const [whole, fraction = ''] = number.split('.');
  let numerator = BigInt(`${whole || '0'}${fraction}` || '0');
  let denominator = 10n ** BigInt(fraction.length);
  if (sign === '-') numerator = -numerator;
  if (suffix in BINARY) {
    numerator *= 2n ** BigInt(BINARY[suffix]);
  } else {
    const given = suffix in DECIMAL ? DECIMAL[suffix] : suffix === '' ? 0 : Number(suffix.slice(1));
    const exponent = Math.max(-MAX_EXACT_EXPONENT, Math.min(MAX_EXACT_EXPONENT, given));
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  }
  return { numerator, denominator };
}

/** True when `text` is a valid quantity. */
export function isQuantity(text: string): boolean {
  return QUANTITY.test(text);
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareRational(a: Rational, b: Rational): -1 | 0 | 1 {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** True when quantity `a` is larger than quantity `b` (exactly: `1001m` > `1`, `1Gi` = `1073741824`); false when either is not a quantity. */
export function quantityExceeds(a: string, b: string): boolean {
  const x = exactQuantity(a);
  const y = exactQuantity(b);
  return x !== undefined && y !== undefined && compareRational(x, y) > 0;
}

/** True when `value` is a quantity with a whole value (`2`, `2000m`), as counted resources such as GPUs need. */
export function isWholeQuantity(value: string): boolean {
  const exact = exactQuantity(value);
  return exact !== undefined && exact.numerator % exact.denominator === 0n;
}

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

/**
 * Why `value` is not a quantity this library writes, or undefined when it is
 * one: it must be a quantity string (`500m`, `2`, `256Mi`, `1e3`), at most
 * {@link MAX_QUANTITY_UNITS}, and not a non-zero amount below `1n`, which
 * the apiserver rounds up to `1n` (so `1e-12` would not mean what it says).
 */
export function quantityProblem(value: unknown): string | undefined {
  const exact = typeof value === 'string' ? exactQuantity(value) : undefined;
  // Requests and limits are amounts: a negative one is no quantity this library writes.
  if (exact === undefined || exact.numerator < 0n) return "must be a Kubernetes quantity string such as '500m', '2', '256Mi' or '4Gi'";
  if (exact.numerator > MAX_QUANTITY_UNITS * exact.denominator) {
    return `is beyond what Kubernetes counts (int64 milli-units: at most ${MAX_QUANTITY_UNITS} units); the apiserver would cap or overflow it`;
  }
  if (exact.numerator > 0n && exact.numerator * 1_000_000_000n < exact.denominator) {
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
  const exact = exactQuantity(value);
  return exact === undefined ? undefined : Number(exact.numerator) / Number(exact.denominator);
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
