/**
 * A model's rule data with its name taken out, so that the models of a kind
 * whose rules differ only by their name keep one copy of them (issue 18 §1:
 * the construct tree of ten thousand models). Internal to the observability
 * layer.
 */

/** Where a model's name was, in the strings of a template. */
const NAME = '\u0000';

/**
 * `value` with each whole-word occurrence of `model` in its strings replaced
 * by a placeholder, through arrays and plain objects; other values (numbers,
 * Durations, Severities, ...) are kept as they are. {@link fillName} with the
 * same name gives `value` back exactly.
 *
 * @returns the template, or `undefined` when a string holds the placeholder already (it could not be told from the name)
 */
export function nameTemplate<T>(value: T, model: string): { readonly template: T } | undefined {
  const word = new RegExp(`(?<![a-z0-9])${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9])`, 'g');
  let clean = true;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (v.includes(NAME)) clean = false;
      return v.replace(word, NAME);
    }
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) return mapObject(v, walk);
    return v;
  };
  const template = walk(value) as T;
  return clean ? { template } : undefined;
}

/** The value `template` was made from, for model `model` (each placeholder replaced by the name). */
export function fillName<T>(template: T, model: string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes(NAME) ? v.replaceAll(NAME, model) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) return mapObject(v, walk);
    return v;
  };
  return walk(template) as T;
}

/**
 * True when two templates give the same value for every name: equal
 * strings and numbers, arrays and plain objects of equal entries (keys in
 * the same order), and other objects of one class whose JSON is the same
 * (two `Duration.minutes(5)`), so that filling either gives equal values.
 */
export function sameTemplate(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameTemplate(x, b[i]));
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameTemplate(a[k], b[k]));
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null || isPlainObject(b) || Array.isArray(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/** A plain object of the same prototype (Object's or none) and keys, each value mapped. */
function mapObject(v: Record<string, unknown>, f: (x: unknown) => unknown): Record<string, unknown> {
  const out = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, f(x)])) as Record<string, unknown>;
  return Object.getPrototypeOf(v) === null ? Object.setPrototypeOf(out, null) : out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
