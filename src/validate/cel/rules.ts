/**
 * Evaluates the `x-kubernetes-validations` rules of a CRD on an object (after
 * defaulting and schema validation), as the apiserver does on create: each
 * rule runs with `self` bound to the value of the node it is declared on, for
 * every occurrence of that node (every list item, every map value). A rule
 * that returns false reports its `message` (or the result of its
 * `messageExpression`, or `failed rule: <rule>`) at the node's path, plus the
 * rule's `fieldPath`. A rule that cannot be evaluated (it reads a field that
 * is not set without `has()`, calls an unknown function, ...) rejects the
 * object too, as in the apiserver: `<error> evaluating rule: <message>`.
 */
import type { CelInput, CelResult } from '@bufbuild/cel';
import { isPlainObject } from '../schema/json-schema';
import { SkeletonNode, SkeletonRule } from '../schema/skeleton';
import { PathSegment } from '../issue';
import { decodeExpr, EncodedExpr } from './ast-codec';
import { BUDGET_EXHAUSTED_MESSAGE, CEL_PER_CALL_LIMIT, CEL_RUNTIME_COST_BUDGET, chargeComprehensions, charged, PER_CALL_LIMIT_MESSAGE, startCharging } from './cost';
import { kubernetesCelEnv } from './library';
import { celPackages } from './packages';
import { toCel } from './values';

/** A failed rule, relative to the validated object. */
export interface RuleProblem {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly rule: string;
}

type Program = (bindings: { self: CelInput }) => CelResult;

const programs = new Map<string, Program>();

/** Plans a (pre-parsed) expression once per process. */
function program(expression: string, ast: EncodedExpr): Program {
  let p = programs.get(expression);
  if (p === undefined) {
    p = celPackages().cel.plan(kubernetesCelEnv(), decodeExpr(chargeComprehensions(ast))) as Program;
    programs.set(expression, p);
  }
  return p;
}

/** Every failed rule in `object`, which must already be valid against its schema. */
export function ruleProblems(object: Record<string, unknown>, skeleton: SkeletonNode): RuleProblem[] {
  const problems: RuleProblem[] = [];
  walk(object, skeleton, [], true, { problems, budget: CEL_RUNTIME_COST_BUDGET });
  return problems;
}

/** The problems found so far, and what is left of the object's cost budget (negative once spent: no more rules run). */
interface WalkState {
  readonly problems: RuleProblem[];
  budget: number;
}

function walk(value: unknown, node: SkeletonNode, path: PathSegment[], resource: boolean, state: WalkState): void {
  if (value === null || value === undefined || state.budget < 0) return;
  const problems = state.problems;
  if (node.rules !== undefined) {
    const self = toCel(value, node, resource);
    for (const rule of node.rules) {
      // As the apiserver: each rule at most PerCallLimit, all rules of the object at most RuntimeCELCostBudget.
      startCharging(Math.min(CEL_PER_CALL_LIMIT, state.budget));
      const problem = evaluate(rule, self, path);
      const cost = charged();
      state.budget -= cost.used;
      if (cost.exceeded && state.budget < 0) {
        problems.push({ path, message: `${BUDGET_EXHAUSTED_MESSAGE} (the cost of all rules of one object is limited to ${CEL_RUNTIME_COST_BUDGET})`, rule: rule.rule });
        return;
      }
      if (cost.exceeded) problems.push({ path, message: `${PER_CALL_LIMIT_MESSAGE} evaluating rule: ${rule.rule} (the cost of one rule is limited to ${CEL_PER_CALL_LIMIT}; each element a comprehension iterates costs at least 1)`, rule: rule.rule });
      else if (problem) problems.push(problem);
    }
  }
  if (Array.isArray(value)) {
    if (node.items) value.forEach((item, i) => walk(item, node.items as SkeletonNode, [...path, i], false, state));
  } else if (isPlainObject(value)) {
    if (node.properties) {
      for (const [key, child] of Object.entries(node.properties)) {
        if (key in value) walk(value[key], child, [...path, key], child.embedded === true, state);
      }
    }
    if (node.additionalProperties) {
      for (const [key, v] of Object.entries(value)) walk(v, node.additionalProperties, [...path, key], node.additionalProperties.embedded === true, state);
    }
  }
}

function evaluate(rule: SkeletonRule, self: CelInput, path: readonly PathSegment[]): RuleProblem | undefined {
  const result = program(rule.rule, rule.ast)({ self });
  if (result === true) return undefined;
  const at = rule.fieldPath !== undefined ? [...path, ...parseFieldPath(rule.fieldPath)] : path;
  // As the apiserver: the error, then the rule's message (or text), e.g. a field the rule reads without has().
  if (celPackages().cel.isCelError(result)) return { path: at, message: `${result.message} evaluating rule: ${rule.message ?? rule.rule}`, rule: rule.rule };
  return { path: at, message: message(rule, self), rule: rule.rule };
}

function message(rule: SkeletonRule, self: CelInput): string {
  if (rule.messageExpression !== undefined && rule.messageAst !== undefined) {
    const result = program(rule.messageExpression, rule.messageAst)({ self });
    if (typeof result === 'string' && result.trim() !== '') return result;
  }
  return rule.message ?? `failed rule: ${rule.rule}`;
}

/** Splits a rule's `fieldPath` (`.spec.ports[0]`, `.data['key.with.dots']`) into segments. */
export function parseFieldPath(fieldPath: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /\.([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]/gy;
  for (let m = re.exec(fieldPath); m !== null; m = re.exec(fieldPath)) {
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(m[3].replace(/\\(.)/g, '$1'));
  }
  return segments;
}
