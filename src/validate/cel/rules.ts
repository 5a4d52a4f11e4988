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
    p = celPackages().cel.plan(kubernetesCelEnv(), decodeExpr(ast)) as Program;
    programs.set(expression, p);
  }
  return p;
}

/** Every failed rule in `object`, which must already be valid against its schema. */
export function ruleProblems(object: Record<string, unknown>, skeleton: SkeletonNode): RuleProblem[] {
  const problems: RuleProblem[] = [];
  walk(object, skeleton, [], true, problems);
  return problems;
}

function walk(value: unknown, node: SkeletonNode, path: PathSegment[], resource: boolean, problems: RuleProblem[]): void {
  if (value === null || value === undefined) return;
  if (node.rules !== undefined) {
    const self = toCel(value, node, resource);
    for (const rule of node.rules) {
      const problem = evaluate(rule, self, path);
      if (problem) problems.push(problem);
    }
  }
  if (Array.isArray(value)) {
    if (node.items) value.forEach((item, i) => walk(item, node.items as SkeletonNode, [...path, i], false, problems));
  } else if (isPlainObject(value)) {
    if (node.properties) {
      for (const [key, child] of Object.entries(node.properties)) {
        if (key in value) walk(value[key], child, [...path, key], child.embedded === true, problems);
      }
    }
    if (node.additionalProperties) {
      for (const [key, v] of Object.entries(value)) walk(v, node.additionalProperties, [...path, key], node.additionalProperties.embedded === true, problems);
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
