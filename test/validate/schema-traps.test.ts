import { describe, expect, it } from 'vitest';
import { validateObject } from '../../src/validate/validator';
import { crdCatalog, expectIssue, widget, widgetCrd } from './helpers';

/**
 * The schema constructs that trip naive CRD validators, on small CRDs
 * compiled at run time (the same rewriting as the built-in schemas).
 */
describe('schema rewriting', () => {
  it('treats fields named type, example and default as fields, not keywords', () => {
    const catalog = crdCatalog(
      widgetCrd({
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: { type: { type: 'string', enum: ['A', 'B'] }, example: { type: 'integer' }, default: { type: 'boolean' } },
            required: ['type'],
          },
        },
      }),
    );
    expect(validateObject(widget({ type: 'A', example: 1, default: true }), { catalog })).toEqual([]);
    const issues = validateObject(widget({ type: 'C', example: 'x' }), { catalog });
    expectIssue(issues, 'spec.type', 'Unsupported value: "C"');
    expectIssue(issues, 'spec.example', 'must be of type integer');
  });

  it('accepts apiVersion, kind and metadata when the root schema does not list them (Istio)', () => {
    const catalog = crdCatalog(widgetCrd({ type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } }, 'x-kubernetes-preserve-unknown-fields': true }));
    expect(validateObject(widget({ a: 'x' }), { catalog })).toEqual([]);
  });

  it('rejects unknown fields of structural objects but keeps preserved ones', () => {
    const catalog = crdCatalog(
      widgetCrd({
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: {
              strict: { type: 'object', properties: { a: { type: 'string' } } },
              free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              mixed: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { n: { type: 'integer' } } },
              empty: { type: 'object' },
            },
          },
        },
      }),
    );
    expect(validateObject(widget({ strict: { a: 'x' }, free: { anything: [1, { b: 2 }] }, mixed: { n: 1, other: true } }), { catalog })).toEqual([]);
    const issues = validateObject(widget({ strict: { a: 'x', b: 1 }, mixed: { n: 'one' }, empty: { x: 1 } }), { catalog });
    expectIssue(issues, 'spec.strict.b', 'unknown field');
    expectIssue(issues, 'spec.mixed.n', 'must be of type integer');
    // An object schema without properties keeps nothing: every field is unknown.
    expectIssue(issues, 'spec.empty.x', 'unknown field');
  });

  it('accepts integers and strings, but no other number, for x-kubernetes-int-or-string', () => {
    const catalog = crdCatalog(
      widgetCrd({
        type: 'object',
        properties: { spec: { type: 'object', properties: { port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] }, q: { 'x-kubernetes-int-or-string': true, pattern: '^[0-9]+m?$' } } } },
      }),
    );
    expect(validateObject(widget({ port: 80, q: '100m' }), { catalog })).toEqual([]);
    expect(validateObject(widget({ port: 'http', q: 5 }), { catalog })).toEqual([]);
    const issues = validateObject(widget({ port: 1.5, q: 'x' }), { catalog });
    expectIssue(issues, 'spec.port', 'Invalid value: 1.5: must be of type integer or string');
    expectIssue(issues, 'spec.q', "should match '^[0-9]+m?$'");
  });

  it('validates embedded resources and requires their apiVersion and kind', () => {
    const catalog = crdCatalog(
      widgetCrd({
        type: 'object',
        properties: { spec: { type: 'object', properties: { template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } } } },
      }),
    );
    expect(validateObject(widget({ template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } } }), { catalog })).toEqual([]);
    expectIssue(validateObject(widget({ template: { metadata: { name: 'x' } } }), { catalog }), 'spec.template.kind', 'Required value');
  });

  it('prunes nulls except in nullable fields, then applies defaults', () => {
    const catalog = crdCatalog(
      widgetCrd({
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            required: ['mode'],
            properties: { mode: { type: 'string', default: 'Fast' }, note: { type: 'string', nullable: true, enum: ['a'] }, count: { type: 'integer' } },
          },
        },
      }),
    );
    expect(validateObject(widget({ mode: null, note: null, count: null }), { catalog })).toEqual([]);
  });

  it('reads RE2 patterns: inline flags, escaped hyphens, POSIX classes', () => {
    const catalog = crdCatalog(
      widgetCrd({
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: {
              strategy: { type: 'string', pattern: '^(?i)(abort|warn)?$' },
              uuid: { type: 'string', pattern: '^[0-9a-f]{8}(?:\\-[0-9a-f]{4}){3}-[0-9a-f]{12}$' },
              word: { type: 'string', pattern: '^[[:alpha:]]+$' },
            },
          },
        },
      }),
    );
    expect(validateObject(widget({ strategy: 'WARN', uuid: '123e4567-e89b-12d3-a456-426614174000', word: 'abc' }), { catalog })).toEqual([]);
    const issues = validateObject(widget({ strategy: 'never', uuid: '123e4567e89b12d3a456426614174000', word: 'a:b' }), { catalog });
    expect(issues.map((i) => i.path).sort()).toEqual(['spec.strategy', 'spec.uuid', 'spec.word']);
  });

  it('accepts required inside oneOf branches (Istio) and explains which alternative failed', () => {
    const catalog = crdCatalog(
      widgetCrd({
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: { a: { type: 'string' }, b: { type: 'string' } },
            oneOf: [{ not: { anyOf: [{ required: ['a'] }, { required: ['b'] }] } }, { required: ['a'] }, { required: ['b'] }],
          },
        },
      }),
    );
    expect(validateObject(widget({ a: 'x' }), { catalog })).toEqual([]);
    expect(validateObject(widget({}), { catalog })).toEqual([]);
    expectIssue(validateObject(widget({ a: 'x', b: 'y' }), { catalog }), 'spec', 'must match exactly one of the alternatives (oneOf), but matches 2');
  });

  it('types format-only alternatives and checks Kubernetes formats (IPv6 in upper case)', () => {
    const catalog = crdCatalog(
      widgetCrd({
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: { addr: { type: 'string' }, when: { type: 'string', format: 'date-time' }, every: { type: 'string', format: 'duration' }, size: { type: 'integer', format: 'int32' } },
            anyOf: [{ properties: { addr: { anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] } } }],
          },
        },
      }),
    );
    expect(validateObject(widget({ addr: '2001:DB8::1', when: '2026-01-31T12:00:00Z', every: '1h30m', size: 5_000_000_000 }), { catalog })).toEqual([]);
    const issues = validateObject(widget({ addr: 'host', when: '2026-02-30T12:00:00Z', every: 'PT1H' }), { catalog });
    expectIssue(issues, 'spec.when', 'must be of format date-time');
    expectIssue(issues, 'spec.every', 'must be of format duration');
    expectIssue(issues, 'spec', 'must match at least one of the alternatives (anyOf), none matches: [0] addr: must match at least one of the alternatives (anyOf), none matches: [0] Invalid value: "host": must be of format ipv4 | [1] Invalid value: "host": must be of format ipv6');
  });

  it('reads OpenAPI 3.0 exclusive bounds', () => {
    const catalog = crdCatalog(widgetCrd({ type: 'object', properties: { spec: { type: 'object', properties: { ratio: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1 } } } } }));
    expect(validateObject(widget({ ratio: 1 }), { catalog })).toEqual([]);
    expectIssue(validateObject(widget({ ratio: 0 }), { catalog }), 'spec.ratio', 'Invalid value: 0: should be greater than 0');
  });

  it('ignores status when the CRD has a status subresource', () => {
    const schema = { type: 'object', properties: { spec: { type: 'object' }, status: { type: 'object', properties: { ready: { type: 'boolean' } } } } };
    const object = { ...widget({}), status: { ready: 'yes' } };
    expect(validateObject(object, { catalog: crdCatalog(widgetCrd(schema, { subresources: { status: {} } })) })).toEqual([]);
    expectIssue(validateObject(object, { catalog: crdCatalog(widgetCrd(schema)) }), 'status.ready', 'must be of type boolean');
  });

  it('rejects versions the CRD does not serve', () => {
    const catalog = crdCatalog(widgetCrd({ type: 'object' }, { served: false }));
    expectIssue(validateObject(widget({}), { catalog }), 'apiVersion', 'Widget example.com/v1 is not served: the CRD defines this version but does not serve it');
  });
});
