import { IConstruct } from 'constructs';
import { invalid } from './errors';

const QUANTITY = /^([+]?(?:\d+(?:\.\d*)?|\.\d+))(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;
const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * The numeric value of a Kubernetes quantity (`100m` = 0.1, `1Gi` =
 * 1073741824), or undefined when the string is not a quantity.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
export function parseQuantity(value: string): number | undefined {
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  const suffix = m[2] ?? '';
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix];
  return Number(m[1]) * factor;
}

/**
 * Checks that `value` is a Kubernetes quantity string (`100m`, `256Mi`, `1`).
 * Numbers are refused: an int-or-string field accepts only integers, and
 * `0.1` written as a number is a common mistake.
 *
 * @throws ModelServingError naming the field and an example
 */
export function assertQuantity(scope: IConstruct | string, field: string, value: unknown): string {
  if (typeof value !== 'string' || parseQuantity(value) === undefined) {
    invalid(scope, field, "must be a Kubernetes quantity string such as '500m', '2', '256Mi' or '4Gi'", value, typeof value === 'number' ? `write it as a string: '${value}'` : "use a quantity such as '1Gi'");
  }
  return value;
}
