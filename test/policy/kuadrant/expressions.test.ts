import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../../src/core/errors';
import { celString, celStringList, pathPrefixPattern, selector } from '../../../src/policy/kuadrant/expressions';

describe('Kuadrant expression helpers', () => {
  it('escapes the dots inside a selector segment', () => {
    expect(selector('auth', 'identity', 'models.cdk8s.io/tier')).toBe('auth.identity.models\\.cdk8s\\.io/tier');
  });

  it('quotes CEL strings and lists', () => {
    expect(celString('a"b')).toBe('"a\\"b"');
    expect(celStringList(['basic', 'premium'])).toBe('["basic", "premium"]');
  });

  it('matches path prefixes on segment boundaries', () => {
    const re = new RegExp(pathPrefixPattern('/v1/models'));
    expect(['/v1/models', '/v1/models/x', '/v1/models?q'].every((p) => re.test(p))).toBe(true);
    expect(re.test('/v1/modelsx')).toBe(false);
  });

  it('fails when a selector segment has characters a gjson path cannot hold', () => {
    expect(() => selector('auth', 'identity', 'tier name')).toThrow(ModelServingError);
    expect(() => selector('auth', 'identity', 'tier name')).toThrow(
      /^selector: segments\[2\] must only contain characters in \[A-Za-z0-9_:\/\.-\] \(received: "tier name"\)\. Fix: rename the claim or key/,
    );
  });
});
