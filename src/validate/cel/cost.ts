/**
 * A runtime cost limit for CRD validation rules, like the apiserver's, so a
 * pathological rule (comprehensions nested over large lists) cannot hang
 * validation.
 *
 * Every comprehension (`all`, `exists`, `map`, `filter`, ...) charges the
 * size of the list or map it iterates when it starts. The apiserver charges
 * at least one unit per iteration (plus the calls inside), so this count
 * never exceeds the apiserver's own: a rule stopped here is one the
 * apiserver stops too. Once a rule is over its limit, every comprehension it
 * starts fails at once, so the rest of its evaluation is linear.
 *
 * @see https://github.com/kubernetes/kubernetes/blob/v1.33.0/staging/src/k8s.io/apiserver/pkg/apis/cel/config.go (PerCallLimit, RuntimeCELCostBudget)
 */
import type { EncodedExpr } from './ast-codec';

/** The most a rule may cost in one evaluation: the apiserver's `PerCallLimit` (1 000 000). */
export const CEL_PER_CALL_LIMIT = 1_000_000;

/** The most all rules of one object may cost: the apiserver's `RuntimeCELCostBudget` (10 000 000). */
export const CEL_RUNTIME_COST_BUDGET = 10_000_000;

/** The function that charges a comprehension's range (not callable from rules: `@` is not an identifier character). */
export const CHARGE_RANGE = '@k8s_cost_range';

/** The apiserver's message for a rule over its per-call limit. */
export const PER_CALL_LIMIT_MESSAGE = 'operation cancelled: actual cost limit exceeded';

/** The apiserver's message once an object's rules have spent the whole budget. */
export const BUDGET_EXHAUSTED_MESSAGE = 'validation failed due to running out of cost budget, no further validation rules will be run';

/** The cost of the evaluation under way (evaluation is synchronous). */
const current = { used: 0, limit: CEL_PER_CALL_LIMIT, exceeded: false };

/** Starts the count of one rule evaluation with at most `limit`. */
export function startCharging(limit: number = CEL_PER_CALL_LIMIT): void {
  current.used = 0;
  current.limit = limit;
  current.exceeded = false;
}

/** The cost of the evaluation since {@link startCharging}, and whether it went over its limit. */
export function charged(): { readonly used: number; readonly exceeded: boolean } {
  return { used: current.used, exceeded: current.exceeded };
}

/**
 * Charges `size` units.
 *
 * @throws Error once over the limit (CEL turns it into an error value: the comprehension fails without iterating)
 */
export function charge(size: number): void {
  current.used += size;
  if (current.used > current.limit) {
    current.exceeded = true;
    throw new Error(PER_CALL_LIMIT_MESSAGE);
  }
}

const CALL_ID_BASE = 1_000_000_000;

/** `expr` with the range of every comprehension wrapped in a call of {@link CHARGE_RANGE}. */
export function chargeComprehensions(expr: EncodedExpr): EncodedExpr {
  const sub = (e: unknown): unknown => (Array.isArray(e) ? chargeComprehensions(e) : e);
  switch (expr[1]) {
    case 's':
      return [expr[0], 's', sub(expr[2]), expr[3], expr[4]];
    case 'f':
      return [expr[0], 'f', expr[2], sub(expr[3]), (expr[4] as EncodedExpr[]).map(chargeComprehensions), ...expr.slice(5)];
    case 'l':
      return [expr[0], 'l', (expr[2] as EncodedExpr[]).map(chargeComprehensions), expr[3]];
    case 'o':
      return [expr[0], 'o', expr[2], (expr[3] as unknown[][]).map((entry) => [entry[0], entry[1], entry[1] === 'm' ? sub(entry[2]) : entry[2], sub(entry[3]), entry[4]])];
    case 'x': {
      const range = sub(expr[4]) as EncodedExpr | null;
      // A call id of its own, above the parser's (which count from 1 per expression).
      const charged = range === null ? null : [CALL_ID_BASE + (range[0] as number), 'f', CHARGE_RANGE, null, [range]];
      return [expr[0], 'x', expr[2], expr[3], charged, expr[5], sub(expr[6]), sub(expr[7]), sub(expr[8]), sub(expr[9])];
    }
    default:
      return expr;
  }
}
