/**
 * Builds the skeleton (`skeleton.ts`) of a CRD version: the structure, the
 * defaults, the list types and the CEL rules, parsed in advance.
 *
 * Transition rules (that read `oldSelf`) are dropped: they never run when an
 * object is created.
 */
import { EncodedExpr, encodeExpr } from '../cel/ast-codec';
import { celPackages } from '../cel/packages';
import { CelRuleSpec, CrdSchema } from './json-schema';
import { SkeletonNode, SkeletonRule } from './skeleton';

const CEL_TYPED_FORMATS = new Set(['duration', 'date', 'date-time', 'datetime', 'byte']);

/**
 * Builds the skeleton of a CRD version schema (or of any node of one).
 *
 * @throws Error when a rule is not valid CEL (the apiserver would refuse the CRD)
 */
export function crdSkeleton(node: CrdSchema): SkeletonNode {
  const out: { -readonly [K in keyof SkeletonNode]: SkeletonNode[K] } = {};
  if (node.type !== undefined) out.type = node.type;
  if (node['x-kubernetes-int-or-string'] === true) out.intOrString = true;
  if (node.nullable === true) out.nullable = true;
  if (node['x-kubernetes-preserve-unknown-fields'] === true) out.preserveUnknown = true;
  if (node['x-kubernetes-embedded-resource'] === true) out.embedded = true;
  if (node.default !== undefined) out.default = node.default;
  if (node.type === 'string' && node.format !== undefined && CEL_TYPED_FORMATS.has(node.format)) out.format = node.format === 'datetime' ? 'date-time' : node.format;
  if (node.properties !== undefined) {
    const properties: Record<string, SkeletonNode> = {};
    for (const [name, child] of Object.entries(node.properties)) properties[name] = crdSkeleton(child);
    out.properties = properties;
  }
  if (typeof node.additionalProperties === 'object') out.additionalProperties = crdSkeleton(node.additionalProperties);
  if (node.items !== undefined) out.items = crdSkeleton(node.items);
  const listType = node['x-kubernetes-list-type'];
  if (listType === 'set' || listType === 'map') out.listType = listType;
  if (listType === 'map' && node['x-kubernetes-list-map-keys'] !== undefined) out.listMapKeys = node['x-kubernetes-list-map-keys'];
  const rules = (node['x-kubernetes-validations'] ?? []).filter((r) => !isTransitionRule(r)).map(toRule);
  if (rules.length > 0) out.rules = rules;
  return out;
}

/** True for rules that compare with the previous object (`oldSelf`); they do not apply on create. */
function isTransitionRule(rule: CelRuleSpec): boolean {
  return /\boldSelf\b/.test(rule.rule) && rule.optionalOldSelf !== true;
}

function parseRule(expression: string): EncodedExpr {
  try {
    return encodeExpr(celPackages().cel.parse(expression).expr);
  } catch (err) {
    throw new Error(`x-kubernetes-validations: cannot parse CEL rule ${JSON.stringify(expression)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function toRule(spec: CelRuleSpec): SkeletonRule {
  const rule: { -readonly [K in keyof SkeletonRule]: SkeletonRule[K] } = { rule: spec.rule, ast: parseRule(spec.rule) };
  if (spec.message !== undefined && spec.message !== '') rule.message = spec.message;
  if (spec.messageExpression !== undefined && spec.messageExpression !== '') {
    rule.messageExpression = spec.messageExpression;
    rule.messageAst = parseRule(spec.messageExpression);
  }
  if (spec.fieldPath !== undefined && spec.fieldPath !== '') rule.fieldPath = spec.fieldPath;
  return rule;
}

