import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinSchemasDir } from '../../src/validate/catalog';
import { readCompressed } from '../../src/validate/compressed-module';
import { kubernetesCelEnv } from '../../src/validate/cel/library';
import { celPackages } from '../../src/validate/cel/packages';
import { parseFieldPath } from '../../src/validate/cel/rules';
import { escapeFieldName } from '../../src/validate/cel/values';
import { validateObject } from '../../src/validate/validator';
import { crdCatalog, expectIssue, widget, widgetCrd } from './helpers';

function evaluate(expression: string, self: unknown = null): unknown {
  const { cel } = celPackages();
  const result = cel.plan(kubernetesCelEnv(), cel.parse(expression))({ self } as never);
  return cel.isCelError(result) ? `error: ${result.message}` : result;
}

/** A Widget CRD whose spec carries the given rules. */
function ruleCatalog(properties: object, rules: object[]) {
  return crdCatalog(widgetCrd({ type: 'object', properties: { spec: { type: 'object', properties, 'x-kubernetes-validations': rules } } }));
}

describe('Kubernetes CEL library', () => {
  it.each([
    ["quantity('1Gi').isGreaterThan(quantity('1000Mi'))", true],
    ["quantity('500m').isLessThan(quantity('1'))", true],
    ["quantity('1k').compareTo(quantity('1000'))", 0n],
    ["quantity('1.5').isInteger()", false],
    ["quantity('2Ki').asInteger()", 2048n],
    ["quantity('-1').sign()", -1n],
    // Huge exponents are valid syntax and compare at once (computing 10^999999999 exactly would not finish).
    ["quantity('1e999999999').isGreaterThan(quantity('8E')) && quantity('1e-999999999').isLessThan(quantity('1n'))", true],
    ["isQuantity('1.5Gi') && !isQuantity('1GB')", true],
    ["url('https://example.com:8443/a?b=c').getScheme()", 'https'],
    ["url('https://example.com:8443/a').getHost()", 'example.com:8443'],
    ["url('http://[::1]:80/p').getHostname()", '::1'],
    ["url('https://example.com:8443/a').getPort()", '8443'],
    ["url('/just/a/path').getEscapedPath()", '/just/a/path'],
    ["isURL('gs://bucket/model') && !isURL('bucket/model')", true],
    ["isIP('10.0.0.1') && isIP('2001:DB8::1') && !isIP('::ffff:10.0.0.1') && !isIP('10.0.0.01')", true],
    ["isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0/33')", true],
    ["format.dns1123Label().validate('my-name') == null", true],
    ["format.dns1123Label().validate('My_Name').hasValue()", true],
    ["format.named('dns1123Subdomain').validate('a.b') == null", true],
    ["'a,b'.split(',').size() == 2 && 'ABC'.lowerAscii() == 'abc' && 'abc'.substring(1) == 'bc'", true],
    ["'Abc'.matches('(?i)^abc$')", true],
    ["matches('10s', '^([0-9]{1,5}(h|m|s|ms)){1,4}$') && !matches('1d', '^[0-9]+s$')", true],
    ["duration('1h30m') > duration('89m') && duration('1.5s') == duration('1500ms')", true],
  ])('%s', (expression, expected) => {
    expect(evaluate(expression)).toEqual(expected);
  });

  it('fails (rather than passes) on what it cannot evaluate', () => {
    expect(evaluate("quantity('1GB')")).toMatch(/^error: .*invalid quantity/);
    expect(evaluate("url('no-scheme')")).toMatch(/^error: URL parse error/);
    expect(evaluate("ip('10.0.0.1').family() == 4")).toMatch(/^error: /);
  });

  it('provides every function the rules of the built-in CRDs call', () => {
    // Operators and macros are the standard library; everything else is listed and tested above.
    const supported = new Set(['!_', '-_', '@in', '@not_strictly_false', '_!=_', '_&&_', '_+_', '_-_', '_*_', '_/_', '_%_', '_<=_', '_<_', '_==_', '_>=_', '_>_', '_?_:_', '_[_]', '_||_', 'double', 'int', 'uint', 'string', 'bool', 'bytes', 'dyn', 'type', 'duration', 'timestamp', 'size', 'matches', 'isIP', 'isCIDR', 'isURL', 'url', 'quantity', 'isQuantity', 'member size', 'member contains', 'member startsWith', 'member endsWith', 'member matches', 'member lowerAscii', 'member upperAscii', 'member split', 'member substring', 'member trim', 'member replace', 'member indexOf', 'member lastIndexOf', 'member join', 'member charAt', 'member getScheme', 'member getHost', 'member getHostname', 'member getPort', 'member getEscapedPath', 'member isGreaterThan', 'member isLessThan', 'member compareTo', 'member sign', 'member isInteger', 'member asInteger', 'member asApproximateFloat', 'member validate', 'member hasValue', 'member dns1123Label', 'member dns1123Subdomain', 'member dns1035Label', 'member qualifiedName', 'member labelValue', 'member named']);
    const called = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) {
        if (node[1] === 'f' && typeof node[2] === 'string') called.add(`${node[3] === null ? '' : 'member '}${node[2]}`);
        node.forEach(walk);
      } else if (node !== null && typeof node === 'object') {
        Object.values(node).forEach(walk);
      }
    };
    const dir = path.join(builtinSchemasDir(), 'skeletons');
    for (const f of fs.readdirSync(dir)) walk(JSON.parse(readCompressed(path.join(dir, f))));
    expect(called.size).toBeGreaterThan(20);
    expect([...called].filter((c) => !supported.has(c))).toEqual([]);
  });

  it('escapes field names as Kubernetes does', () => {
    expect(['namespace', 'x-prop', 'redact__d', 'custom_id', 'a.b/c', '1abc', 'a b', 'sprint'].map(escapeFieldName)).toEqual([
      '__namespace__',
      'x__dash__prop',
      'redact__underscores__d',
      'custom_id',
      'a__dot__b__slash__c',
      undefined,
      undefined,
      'sprint',
    ]);
  });

  it('splits rule field paths', () => {
    expect(parseFieldPath(".spec.ports[0]['a.b']")).toEqual(['spec', 'ports', 0, 'a.b']);
  });
});

describe('validation rules', () => {
  it('sees integers as int, numbers as double and escaped field names', () => {
    const catalog = ruleCatalog({ count: { type: 'integer' }, ratio: { type: 'number' }, namespace: { type: 'string' }, 'x-mode': { type: 'string' } }, [
      { rule: 'type(self.count) == int && type(self.ratio) == double && self.__namespace__ == "a" && self.x__dash__mode == "b"', message: 'types' },
    ]);
    expect(validateObject(widget({ count: 3, ratio: 2, namespace: 'a', 'x-mode': 'b' }), { catalog })).toEqual([]);
  });

  it('sees date-time and duration formats as timestamps and durations', () => {
    const catalog = ruleCatalog({ at: { type: 'string', format: 'date-time' }, every: { type: 'string', format: 'duration' } }, [
      { rule: "self.at > timestamp('2020-01-01T00:00:00Z') && self.every < duration('1h')", message: 'too old or too slow' },
    ]);
    expect(validateObject(widget({ at: '2026-01-01T00:00:00Z', every: '30m' }), { catalog })).toEqual([]);
    expectIssue(validateObject(widget({ at: '2019-01-01T00:00:00Z', every: '30m' }), { catalog }), 'spec', 'too old or too slow');
  });

  it('reports messageExpression results and fieldPath', () => {
    const catalog = ruleCatalog({ min: { type: 'integer' }, max: { type: 'integer' } }, [
      { rule: 'self.min <= self.max', messageExpression: "'min (' + string(self.min) + ') must be <= max (' + string(self.max) + ')'", fieldPath: '.min' },
    ]);
    const issues = validateObject(widget({ min: 5, max: 1 }), { catalog });
    expect(issues).toEqual([expect.objectContaining({ path: 'spec.min', message: 'min (5) must be <= max (1)', rule: 'self.min <= self.max' })]);
  });

  it('uses "failed rule" when a rule has no message, and evaluates rules on every item and map value', () => {
    const catalog = crdCatalog(
      widgetCrd({
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: {
              items: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.n > 0' }] } },
              byName: { type: 'object', additionalProperties: { type: 'string', 'x-kubernetes-validations': [{ rule: "self != ''", message: 'must not be empty' }] } },
            },
          },
        },
      }),
    );
    const issues = validateObject(widget({ items: [{ n: 1 }, { n: 0 }], byName: { a: 'x', b: '' } }), { catalog });
    expectIssue(issues, 'spec.items[1]', 'failed rule: self.n > 0');
    expectIssue(issues, 'spec.byName.b', 'must not be empty');
    expect(issues).toHaveLength(2);
  });

  it('skips transition rules (oldSelf) on create', () => {
    const catalog = ruleCatalog({ a: { type: 'string' } }, [{ rule: 'self.a == oldSelf.a', message: 'immutable' }]);
    expect(validateObject(widget({ a: 'x' }), { catalog })).toEqual([]);
  });

  it('exposes only name and generateName of metadata to root rules', () => {
    const catalog = crdCatalog(
      widgetCrd({
        type: 'object',
        properties: { spec: { type: 'object' } },
        'x-kubernetes-validations': [{ rule: "self.metadata.name.startsWith('w-') && !has(self.metadata.labels)", message: 'name must start with w-' }],
      }),
    );
    expect(validateObject({ ...widget({}, 'w-1'), metadata: { name: 'w-1', labels: { a: 'b' } } }, { catalog })).toEqual([]);
    expectIssue(validateObject(widget({}, 'x-1'), { catalog }), '', 'name must start with w-');
  });

  it('runs rules only when the schema is valid', () => {
    const catalog = ruleCatalog({ n: { type: 'integer' } }, [{ rule: 'self.n > 0', message: 'positive' }]);
    const issues = validateObject(widget({ n: 'x' }), { catalog });
    expect(issues.map((i) => i.path)).toEqual(['spec.n']);
  });
});
