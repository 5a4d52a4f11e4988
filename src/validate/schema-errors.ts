/**
 * Turns ajv errors into apiserver-style problems: a JSON path and a message
 * in the apiserver's words (`Required value`, `Unsupported value: "x":
 * supported values: ...`, `unknown field`).
 *
 * Errors from the branches of a failed `oneOf`/`anyOf` are folded into the
 * message of that `oneOf`/`anyOf` instead of being listed as problems of
 * their own (most branches fail by design).
 */
import { redactCredentials } from '../core/credentials';
import { ErrorObject } from 'ajv';
import { formatPath, PathSegment } from './issue';

/** A schema problem, relative to the validated object. */
export interface SchemaProblem {
  readonly path: readonly PathSegment[];
  readonly message: string;
}

/**
 * Converts the errors of one validation run.
 *
 * @param errors ajv's errors (in ajv's order: branch errors before their `oneOf`)
 * @param data the validated (defaulted) data, to resolve paths and quote values
 * @param prefix path of `data` inside the object (`['metadata']` for ObjectMeta)
 */
export function schemaProblems(errors: readonly ErrorObject[], data: unknown, prefix: readonly PathSegment[] = []): SchemaProblem[] {
  const alternatives = errors.filter(isAlternatives);
  const within = (e: ErrorObject, a: ErrorObject): boolean => e !== a && e.schemaPath.startsWith(`${a.schemaPath}/`) && isWithin(e.instancePath, a.instancePath);
  // The errors of each oneOf/anyOf's own branches (those of a nested oneOf/anyOf belong to it).
  const branches = new Map<ErrorObject, ErrorObject[]>();
  for (const a of alternatives) {
    const inside = errors.filter((e) => within(e, a));
    const nested = inside.filter(isAlternatives);
    branches.set(a, inside.filter((e) => !nested.some((n) => within(e, n))));
  }
  const folded = new Set(alternatives.flatMap((a) => errors.filter((e) => within(e, a))));
  const render = (error: ErrorObject): SchemaProblem => {
    const segments = pointerSegments(error.instancePath, data);
    switch (error.keyword) {
      case 'required':
        return { path: [...segments, String(error.params.missingProperty)], message: 'Required value' };
      case 'additionalProperties':
        return { path: [...segments, String(error.params.additionalProperty)], message: 'unknown field (not declared in the schema)' };
      case 'oneOf':
      case 'anyOf':
        return { path: segments, message: alternativesMessage(error, branches.get(error) ?? [], segments, render) };
      default:
        return { path: segments, message: keywordMessage(error, valueAt(data, segments)) };
    }
  };
  return errors.filter((e) => !folded.has(e)).map((e) => {
    const p = render(e);
    return { path: [...prefix, ...p.path], message: p.message };
  });
}

function isAlternatives(error: ErrorObject): boolean {
  return error.keyword === 'oneOf' || error.keyword === 'anyOf';
}

const COMPARISONS: Readonly<Record<string, string>> = { '>=': 'greater than or equal to', '<=': 'less than or equal to', '>': 'greater than', '<': 'less than' };

/** The message for any keyword other than `required`, `additionalProperties`, `oneOf`, `anyOf`. */
function keywordMessage(error: ErrorObject, value: unknown): string {
  const p = error.params as Record<string, unknown>;
  const got = quote(value);
  switch (error.keyword) {
    case 'type':
      return `Invalid value: ${got}: must be of type ${typeName(p.type)}`;
    case 'enum':
      return `Unsupported value: ${got}: supported values: ${(p.allowedValues as unknown[]).map(quote).join(', ')}`;
    case 'pattern':
      return `Invalid value: ${got}: should match '${String(p.pattern)}'`;
    case 'format':
      return `Invalid value: ${got}: must be of format ${String(p.format)}`;
    case 'maxLength':
      return `Too long: may not be more than ${String(p.limit)} characters (received ${[...String(value)].length})`;
    case 'minLength':
      return `Invalid value: ${got}: should be at least ${String(p.limit)} characters long`;
    case 'maxItems':
      return `Too many: ${Array.isArray(value) ? value.length : '?'}: must have at most ${String(p.limit)} items`;
    case 'minItems':
      return `Invalid value: ${Array.isArray(value) ? value.length : '?'} items: should have at least ${String(p.limit)} items`;
    case 'maxProperties':
      return `Too many: ${countKeys(value)}: must have at most ${String(p.limit)} entries`;
    case 'minProperties':
      return `Invalid value: ${countKeys(value)} entries: should have at least ${String(p.limit)} entries`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `Invalid value: ${got}: should be ${COMPARISONS[String(p.comparison)]} ${String(p.limit)}`;
    case 'multipleOf':
      return `Invalid value: ${got}: should be a multiple of ${String(p.multipleOf)}`;
    case 'uniqueItems':
      return `Duplicate value: items ${String(p.j)} and ${String(p.i)} are identical`;
    case 'not':
      return `Invalid value: ${got}: must not match the excluded schema`;
    default:
      return `Invalid value: ${got}: fails '${error.keyword}' (${JSON.stringify(p)})`;
  }
}

/** `oneOf`/`anyOf`: which alternatives failed and why, or how many matched when `oneOf` matched twice. */
function alternativesMessage(error: ErrorObject, branch: readonly ErrorObject[], base: readonly PathSegment[], render: (e: ErrorObject) => SchemaProblem): string {
  const passing = (error.params as { passingSchemas?: number[] | null }).passingSchemas;
  if (error.keyword === 'oneOf' && Array.isArray(passing)) {
    return `must match exactly one of the alternatives (oneOf), but matches ${passing.length} (alternatives ${passing.join(' and ')})`;
  }
  if (branch.length > 0 && branch.every((e) => e.keyword === 'required' && e.instancePath === error.instancePath)) {
    const fields = branch.map((e) => String(e.params.missingProperty));
    return error.keyword === 'oneOf' ? `must set exactly one of: ${fields.join(', ')}` : `must set at least one of: ${fields.join(', ')}`;
  }
  const byBranch = new Map<string, string[]>();
  for (const e of branch) {
    const index = e.schemaPath.slice(error.schemaPath.length + 1).split('/', 1)[0];
    const problem = render(e);
    const relative = problem.path.slice(base.length);
    const text = relative.length > 0 ? `${formatPath(relative)}: ${problem.message}` : problem.message;
    byBranch.set(index, [...(byBranch.get(index) ?? []), text]);
  }
  const reasons = [...byBranch.entries()].map(([i, msgs]) => `[${i}] ${msgs.join('; ')}`);
  const what = error.keyword === 'oneOf' ? 'exactly one' : 'at least one';
  return `must match ${what} of the alternatives (${error.keyword}), none matches${reasons.length > 0 ? `: ${reasons.join(' | ')}` : ''}`;
}

function isWithin(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

/** Splits a JSON pointer into segments, numbers where the data has an array. */
function pointerSegments(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(key);
      segments.push(index);
      node = node[index];
    } else {
      segments.push(key);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return segments;
}

function valueAt(data: unknown, segments: readonly PathSegment[]): unknown {
  let node = data;
  for (const s of segments) node = typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[s] : undefined;
  return node;
}

function typeName(type: unknown): string {
  const types = Array.isArray(type) ? type : String(type).split(',');
  return types.join(' or ');
}

function countKeys(value: unknown): number | string {
  return typeof value === 'object' && value !== null ? Object.keys(value).length : '?';
}

/** A value as the apiserver quotes it: strings in double quotes, others as compact JSON, long ones cut; a credential only by its kind. */
function quote(value: unknown): string {
  value = redactCredentials(value, undefined);
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
