/**
 * Exact parsing of Kubernetes resource quantities (`resource.Quantity`), for
 * the `quantity` schema format and the CEL `quantity()` library.
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
export function parseQuantity(text: string): Rational | undefined {
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
