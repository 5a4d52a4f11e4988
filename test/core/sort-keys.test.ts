import { describe, expect, it } from 'vitest';
import { sortKeysDeep, sortRecord } from '../../src/core/sort-keys';

describe('key sorting', () => {
  it('sorts the keys of a record, values untouched (undefined kept)', () => {
    const inner = { z: 1, a: 2 };
    const sorted = sortRecord({ b: '2', a: '1', c: undefined, d: inner });
    expect(Object.keys(sorted)).toEqual(['a', 'b', 'c', 'd']);
    expect(sorted.d).toBe(inner);
  });

  it('sorts keys at every depth, keeps array order and drops undefined values', () => {
    const sorted = sortKeysDeep({ b: [{ y: 1, x: 2 }, 3], a: { d: undefined, c: null } });
    expect(JSON.stringify(sorted)).toBe('{"a":{"c":null},"b":[{"x":2,"y":1},3]}');
  });
});
