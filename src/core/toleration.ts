import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { assertKnownKeys, assertOneOf } from './props';

/** The `operator`s Kubernetes accepts in a toleration. */
export const TOLERATION_OPERATORS = ['Exists', 'Equal'] as const;
/** The taint `effect`s Kubernetes knows. */
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/**
 * Checks `tolerations[]` as the apiserver's `validateTolerations` does
 * (operator and effect from their sets, no value with `Exists`, a key with
 * `Equal`), plus no unknown keys: KServe copies predictor and runtime
 * tolerations into pod specs it creates later, so a bad one would only fail
 * there (or, for a misspelt key, be dropped).
 *
 * @see https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go (validateTolerations)
 * @throws ModelServingError naming `field[i].<key>`
 */
export function checkTolerations(scope: IConstruct | string, field: string, tolerations: unknown): void {
  if (tolerations === undefined) return;
  if (!Array.isArray(tolerations)) invalid(scope, field, 'must be a list of tolerations', tolerations, "pass [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]");
  tolerations.forEach((t: Record<string, unknown>, i) => {
    const at = `${field}[${i}]`;
    if (t === null || typeof t !== 'object') invalid(scope, at, 'must be a toleration object', t, "pass { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }");
    assertKnownKeys(scope, at, t, ['key', 'operator', 'value', 'effect']);
    const operator = t.operator ?? 'Exists';
    assertOneOf(scope, `${at}.operator`, operator, TOLERATION_OPERATORS);
    if (t.effect !== undefined) assertOneOf(scope, `${at}.effect`, t.effect, TAINT_EFFECTS, 'omit it to tolerate every effect');
    if (operator === 'Exists' && t.value !== undefined && t.value !== '') invalid(scope, `${at}.value`, "must be empty when operator is 'Exists'", t.value, "drop the value, or use operator: 'Equal'");
    if (operator === 'Equal' && (typeof t.key !== 'string' || t.key === '')) invalid(scope, `${at}.key`, "is required when operator is 'Equal'", t.key, "name the taint key, e.g. 'nvidia.com/gpu'");
  });
}
