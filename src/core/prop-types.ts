/**
 * Type checks for props, for callers without TypeScript (JavaScript, JSON
 * built at run time) or past a cast: a value of the wrong type is refused
 * with a {@link ModelServingError} naming the construct, the field and the
 * value received, instead of a `TypeError` from deep inside the library or
 * cdk8s serialization.
 *
 * Each check returns the value with its type narrowed; `undefined` passes the
 * `optional*` checks.
 */
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { isPlainObject } from '../validate/schema/json-schema';

/** Where a problem is reported: a construct, or a path when the construct does not exist yet. */
export type PropScope = IConstruct | string;

/** The path a construct `id` under `scope` will have, for checks before `super()`. */
export function childPath(scope: IConstruct, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}

/**
 * The props object itself: an object, or undefined when `optional`.
 *
 * @throws ModelServingError for null, a primitive or a list
 */
export function checkProps<T>(scope: PropScope, props: T, type: string, optional = false): T {
  if (props === undefined && optional) return props;
  if (props === null || typeof props !== 'object' || Array.isArray(props)) invalid(scope, 'props', `must be an object of ${type}`, props, `pass the props as an object: { ... } (see ${type})`);
  return props;
}

/** @throws ModelServingError unless `value` is a string */
export function requireString(scope: PropScope, field: string, value: unknown, fix = 'write it as a string'): string {
  if (typeof value !== 'string') invalid(scope, field, value === undefined ? 'is required (a string)' : 'must be a string', value, fix);
  return value;
}

/** @throws ModelServingError unless `value` is undefined or a string */
export function optionalString(scope: PropScope, field: string, value: unknown, fix = 'write it as a string, or leave it out'): string | undefined {
  return value === undefined ? undefined : requireString(scope, field, value, fix);
}

/** @throws ModelServingError unless `value` is undefined or a finite number */
export function optionalNumber(scope: PropScope, field: string, value: unknown, fix = 'write it as a number, or leave it out'): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(scope, field, 'must be a number', value, fix);
  return value;
}


/**
 * A list whose items pass `isItem`.
 *
 * @param item what an item is, for the message: `a string`, `a Listener`
 * @throws ModelServingError unless `value` is a list of such items (a string is not a list of its letters)
 */
export function requireArray<T>(scope: PropScope, field: string, value: unknown, isItem: (v: unknown) => v is T, item: string, fix: string): readonly T[] {
  if (!Array.isArray(value)) invalid(scope, field, value === undefined ? `is required (a list of ${plural(item)})` : `must be a list of ${plural(item)}`, value, fix);
  value.forEach((v, i) => {
    if (!isItem(v)) invalid(scope, `${field}[${i}]`, `must be ${item}`, v, fix);
  });
  return value as readonly T[];
}

/** As {@link requireArray}, and undefined passes. */
export function optionalArray<T>(scope: PropScope, field: string, value: unknown, isItem: (v: unknown) => v is T, item: string, fix: string): readonly T[] | undefined {
  return value === undefined ? undefined : requireArray(scope, field, value, isItem, item, fix);
}

/** @throws ModelServingError unless `value` is undefined or an object whose values are strings */
export function optionalStringMap(scope: PropScope, field: string, value: unknown, fix = "write it as an object of strings, e.g. { 'team': 'ml' }"): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) invalid(scope, field, 'must be an object of strings', value, fix);
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') invalid(scope, `${field}.${k}`, 'must be a string', v, fix);
  return value as Record<string, string>;
}

/** True for a cdk8s Duration (also from another copy of cdk8s). */
export function isDuration(value: unknown): value is Duration {
  return value instanceof Duration || (typeof value === 'object' && value !== null && typeof (value as Duration).toSeconds === 'function' && typeof (value as Duration).toHumanString === 'function');
}

/**
 * @param example a fix such as `Duration.seconds(60)`
 * @throws ModelServingError unless `value` is undefined or a cdk8s Duration (a number has no unit)
 */
export function optionalDuration(scope: PropScope, field: string, value: unknown, example: string): Duration | undefined {
  if (value !== undefined && !isDuration(value)) invalid(scope, field, 'must be a Duration', value, `use ${example}`);
  return value as Duration | undefined;
}

/**
 * A value of a library type, recognised by a method only it has (works
 * across copies of the library).
 *
 * @param type the type, for the message: `a Tier`
 * @throws ModelServingError unless `value` has `method`
 */
export function requireWith<T>(scope: PropScope, field: string, value: unknown, method: string, type: string, fix: string): T {
  if (!hasMethod(value, method)) invalid(scope, field, value === undefined ? `is required (${type})` : `must be ${type}`, value, fix);
  return value as T;
}


/**
 * A value that passes `isT` (a type guard of its shape).
 *
 * @param type the type, for the message: `an AllowedRoutes`
 * @throws ModelServingError unless `isT(value)`
 */
export function requireShape<T>(scope: PropScope, field: string, value: unknown, isT: (v: unknown) => v is T, type: string, fix: string): T {
  if (!isT(value)) invalid(scope, field, value === undefined ? `is required (${type})` : `must be ${type}`, value, fix);
  return value;
}

/** As {@link requireShape}, and undefined passes. */
export function optionalShape<T>(scope: PropScope, field: string, value: unknown, isT: (v: unknown) => v is T, type: string, fix: string): T | undefined {
  return value === undefined ? undefined : requireShape(scope, field, value, isT, type, fix);
}

/** True when `value` is an object with a function `method` (own or inherited). */
export function hasMethod(value: unknown, method: string): boolean {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[method] === 'function';
}

/** True when `value` is an object with the property `key` (own or inherited). */
export function hasProperty(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && key in value;
}

/** Type guard: a string. */
export const isString = (v: unknown): v is string => typeof v === 'string';

export { isPlainObject };

function plural(item: string): string {
  const noun = item.replace(/^(a|an) /, '');
  return /[sx]$/.test(noun) ? `${noun}es` : `${noun}s`;
}
