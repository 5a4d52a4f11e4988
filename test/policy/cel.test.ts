/**
 * The CEL helpers every CEL-writing compiler shares (src/policy/cel.ts,
 * src/policy/subscription-cel.ts), evaluated with a CEL runtime: a quoted
 * literal reads back as the value in both quote styles, a path prefix
 * matches on segments, and the subscription selection follows the intent's
 * rule whichever way the engine names its attributes and quotes.
 */
import { isCelError, run } from '@bufbuild/cel';
import { describe, expect, it } from 'vitest';
import { celPathPrefix, celString, celStringList } from '../../src/policy/cel';
import { celHoldsSubscription, celSelectedSubscription, celSubscriptionHeaderAllowed, SubscriptionCelNames } from '../../src/policy/subscription-cel';

function cel(expression: string, bindings: Record<string, unknown> = {}): unknown {
  const result = run(expression, bindings as Parameters<typeof run>[1]);
  if (isCelError(result)) throw new Error(`CEL error in ${expression}: ${String(result)}`);
  return result;
}

const AWKWARD = ['plain', "it's", 'say "hi"', 'back\\slash', "\\'", 'line\nbreak\r', 'tab\there', 'ünïcødé ✓', '', "' || true || '"];

describe('celString', () => {
  it.each(AWKWARD)('%j reads back as itself in double and single quotes', (value) => {
    expect(cel(celString(value))).toBe(value);
    expect(cel(celString(value, "'"))).toBe(value);
    expect(cel(`${celString(value, "'")} == ${celString(value)}`)).toBe(true);
  });

  it('writes Kuadrant literals as JSON strings and kgateway/agentgateway literals in single quotes', () => {
    expect(celString('a"b')).toBe(JSON.stringify('a"b'));
    expect(celString("tier's", "'")).toBe("'tier\\'s'");
    expect(celString('a"b\\c', "'")).toBe("'a\"b\\\\c'");
    expect(celString('a\nb', "'")).toBe("'a\\nb'");
  });

  it('celStringList quotes each item', () => {
    expect(celStringList(['GET', "it's"], "'")).toBe("['GET', 'it\\'s']");
    expect(cel(`'POST' in ${celStringList(['GET', 'POST'], "'")}`)).toBe(true);
  });
});

describe('celPathPrefix', () => {
  it.each([
    ['/v1/models', '/v1/models', true],
    ['/v1/models', '/v1/models/x', true],
    ['/v1/models', '/v1/modelsx', false],
    ['/v1/', '/v1/chat', true],
    ['/v1/', '/v2/chat', false],
  ])('%s on %s: %s', (prefix, path, expected) => {
    expect(cel(celPathPrefix('request.path', prefix), { request: { path } })).toBe(expected);
    expect(cel(celPathPrefix('request.url_path', prefix), { request: { url_path: path } })).toBe(expected);
  });
});

const ENGINES: Array<[string, SubscriptionCelNames, (held: unknown, header?: string) => Record<string, unknown>]> = [
  [
    'Kuadrant (double quotes)',
    { held: 'auth.identity.subscriptions', headers: 'context.request.http.headers', header: 'x-subscription', quote: '"' },
    (held, header) => ({ auth: { identity: held === undefined ? {} : { subscriptions: held } }, context: { request: { http: { headers: header === undefined ? {} : { 'x-subscription': header } } } } }),
  ],
  [
    'agentgateway (single quotes)',
    { held: 'jwt.subscriptions', headers: 'request.headers', header: 'x-subscription', quote: "'" },
    (held, header) => ({ jwt: held === undefined ? {} : { subscriptions: held }, request: { headers: header === undefined ? {} : { 'x-subscription': header } } }),
  ],
];

describe.each(ENGINES)('subscription selection, %s', (_name, names, bindings) => {
  const granting = [{ name: 'gold' }, { name: 'team' }];

  it('holds: a list, or one string of names separated by spaces or commas; nothing when absent', () => {
    const holds = celHoldsSubscription(names, celString('team', names.quote));
    expect(cel(holds, bindings(['gold', 'team']))).toBe(true);
    expect(cel(holds, bindings('gold,team'))).toBe(true);
    expect(cel(holds, bindings('gold team'))).toBe(true);
    expect(cel(holds, bindings('gold,teamx'))).toBe(false);
    expect(cel(holds, bindings(['gold']))).toBe(false);
    expect(cel(holds, bindings(undefined))).toBe(false);
  });

  it('selects the header, else the first held in priority order, else none', () => {
    const selected = celSelectedSubscription(names, granting);
    expect(cel(selected, bindings(['team', 'gold']))).toBe('gold');
    expect(cel(selected, bindings('team'))).toBe('team');
    expect(cel(selected, bindings(['team', 'gold'], 'team'))).toBe('team');
    expect(cel(selected, bindings(['other']))).toBe('');
    expect(cel(celSelectedSubscription(names, []), bindings(['gold'], 'gold'))).toBe('');
  });

  it('allows no header, or one naming a granting subscription the caller holds', () => {
    const allowed = celSubscriptionHeaderAllowed(names, granting);
    expect(cel(allowed, bindings(['team']))).toBe(true);
    expect(cel(allowed, bindings(['team'], 'team'))).toBe(true);
    expect(cel(allowed, bindings('gold, team', 'gold'))).toBe(true);
    expect(cel(allowed, bindings(['team'], 'gold'))).toBe(false);
    expect(cel(allowed, bindings(['other'], 'other'))).toBe(false);
    expect(cel(allowed, bindings(undefined, 'gold'))).toBe(false);
    expect(cel(celSubscriptionHeaderAllowed(names, []), bindings(['gold'], 'gold'))).toBe(false);
    expect(cel(`true && (${allowed})`, bindings(['team'], 'gold'))).toBe(false);
  });
});
