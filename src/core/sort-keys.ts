/**
 * Key ordering for rendered objects: the output must be byte-stable whatever
 * order a caller wrote its maps in (DESIGN §5).
 */

/**
 * A copy of `record` with its own keys in sorted order; values are kept as
 * they are (not sorted inside), so rendered selectors, labels and
 * annotations are byte-stable.
 */
export function sortRecord<T extends object>(record: T): T {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, (record as Record<string, unknown>)[k]])) as T;
}

/**
 * A deep copy of `value` with the keys of every object in sorted order and
 * keys whose value is undefined left out; arrays keep their order (their
 * items are sorted inside). For whole documents such as dashboard models.
 */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .filter((k) => record[k] !== undefined)
      .map((k) => [k, sortKeysDeep(record[k])]),
  );
}
