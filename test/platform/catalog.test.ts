import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ModelServingError } from '../../src/core/errors';
import { CatalogError, formatField, loadCatalog, parseCatalog } from '../../src/platform/catalog-loader';
import { serviceOfHost } from '../../src/platform/catalog-schema';
import { endpointMatches } from '../../src/platform/model-serving-platform';
import { BASE, positionOf } from './fixtures';

function errorOf(text: string, file = 'catalog.yaml'): CatalogError {
  try {
    parseCatalog(text, file);
  } catch (e) {
    if (e instanceof CatalogError) return e;
    throw e;
  }
  throw new Error('expected a CatalogError');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Asserts the first issue is at the position of `needle` (+offset) for `field`, with a message matching `problem`. */
function expectIssue(text: string, needle: string, field: string, problem: RegExp, offset = 0): CatalogError {
  const err = errorOf(text);
  const { line, column } = positionOf(text, needle, offset);
  expect(err.message.split('\n')[0]).toMatch(new RegExp(`^catalog\\.yaml:${line}:${column}: ${escape(field)}: ${problem.source}`));
  expect(err.issues[0].location).toEqual({ file: 'catalog.yaml', line, column });
  expect(err.issues[0].field).toBe(field);
  expect(err).toBeInstanceOf(ModelServingError);
  return err;
}

describe('catalog', () => {
  it('parses the write-up format: string limits and booleans coerced, lists split', () => {
    const { catalog } = parseCatalog(BASE, 'catalog.yaml');
    const [registry, orders, web] = catalog.services ?? [];
    expect(registry.metadata).toEqual({ 'rateLimit.minute': 100, 'rateLimit.hour': 1000, 'rateLimit.day': 10000, 'auth.type': 'jwt', 'auth.required': true });
    expect(orders.metadata?.['auth.required']).toBe(true);
    expect(web.metadata).toMatchObject({ 'rateLimit.minute': 300, 'cors.enabled': true, 'cors.origins': ['https://portal.example.com'], 'cors.methods': ['GET', 'OPTIONS'] });
    expect(catalog.models?.[0].format).toBe('sklearn');
  });

  it('reads JSON as well, from a file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-'));
    try {
      const file = path.join(dir, 'catalog.json');
      fs.writeFileSync(file, JSON.stringify(parse(BASE), null, 2));
      const loaded = loadCatalog(file);
      expect(loaded.catalog.services?.map((s) => s.name)).toEqual(['registry', 'orders', 'web']);
      fs.writeFileSync(file, JSON.stringify({ ...parse(BASE), extra: 1 }, null, 2));
      expect(() => loadCatalog(file)).toThrow(/catalog\.json:\d+:\d+: extra: is not a known field/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('derives the backend Service from a cluster-local host, and route matches from path and methods', () => {
    expect(serviceOfHost('registry.apps.svc.cluster.local')).toEqual({ service: 'registry', namespace: 'apps' });
    expect(serviceOfHost('orders.apps.svc')).toEqual({ service: 'orders', namespace: 'apps' });
    expect(serviceOfHost('api.example.com')).toBeUndefined();
    expect(endpointMatches('/api/v1/*', ['GET', 'POST']).map((m) => [m.path?.type, m.path?.value, m.method])).toEqual([
      ['PathPrefix', '/api/v1', 'GET'],
      ['PathPrefix', '/api/v1', 'POST'],
    ]);
    expect(endpointMatches('/*', undefined).map((m) => [m.path?.type, m.path?.value])).toEqual([['PathPrefix', '/']]);
    expect(endpointMatches('/orders', undefined).map((m) => [m.path?.type, m.path?.value])).toEqual([['Exact', '/orders']]);
    expect(formatField(['services', 2, 'metadata', 'auth.type'])).toBe('services[2].metadata.auth.type');
  });

  describe('fails with file, line, column and field when', () => {
    it('a value has the wrong type', () => {
      const text = BASE.replace('port: 8080\n        path: /api/v1/*', 'port: eighty\n        path: /api/v1/*');
      const err = expectIssue(text, 'port: eighty', 'services[0].endpoints[0].port', /must be a number \(received: "eighty"\)\. Fix: write a number/, 'port: '.length);
      expect(err.issues[0].value).toBe('eighty');
      const list = BASE.replace('methods: [GET, POST]', 'methods: GET');
      expectIssue(list, 'methods: GET', 'services[0].endpoints[0].methods', /must be a list/, 'methods: '.length);
    });

    it('auth.type is unknown', () => {
      const text = BASE.replace('auth.type: jwt', 'auth.type: oauth2');
      expectIssue(text, 'auth.type: oauth2', 'services[0].metadata.auth.type', /must be one of "jwt", "key-auth" \(received: "oauth2"\)\. Fix: use one of jwt, key-auth/, 'auth.type: '.length);
    });

    it('a limit is negative, zero or fractional', () => {
      expectIssue(BASE.replace('rateLimit.minute: "100"', 'rateLimit.minute: "-100"'), 'rateLimit.minute: "-100"', 'services[0].metadata.rateLimit.minute', /must be a positive whole number of requests per minute \(received: "-100"\)/, 'rateLimit.minute: '.length);
      expectIssue(BASE.replace('rateLimit.minute: 300', 'rateLimit.minute: 0'), 'rateLimit.minute: 0', 'services[2].metadata.rateLimit.minute', /must be a positive whole number of requests per minute \(received: 0\)\. Fix: write e\.g\. "100"; to lift a limit, remove the key/, 'rateLimit.minute: '.length);
      expectIssue(BASE.replace('rateLimit.hour: "1000"', 'rateLimit.hour: "10.5"'), 'rateLimit.hour: "10.5"', 'services[0].metadata.rateLimit.hour', /must be a positive whole number/, 'rateLimit.hour: '.length);
    });

    it('a service name is used twice', () => {
      const text = BASE.replace('  - name: web\n', '  - name: registry\n');
      expectIssue(text, '  - name: registry\n    version: v0.1.0', 'services[2].name', /duplicates the name of services\[0\] \(received: "registry"\)\. Fix: give every service and model a unique name/, '  - name: '.length);
      expectIssue(BASE.replace('  - name: iris', '  - name: orders'), '  - name: orders\n    format', 'models[0].name', /duplicates the name of services\[1\]/, '  - name: '.length);
    });

    it('a key is unknown, with a suggestion and the known keys', () => {
      const text = BASE.replace('rateLimit.hour: "1000"', 'rateLimit.hours: "1000"');
      const err = expectIssue(text, 'rateLimit.hours', 'services[0].metadata.rateLimit.hours', /is not a known field \(received: "1000"\)\. Fix: did you mean 'rateLimit\.hour'\? Known fields here: rateLimit\.minute, rateLimit\.hour/);
      expect(err.issues[0].fix).toContain('ipRestriction.allow');
      expectIssue(BASE.replace('  - name: orders\n', '  - name: orders\n    owner: team-a\n'), 'owner: team-a', 'services[1].owner', /is not a known field/);
    });

    it.each(['Authorization', 'x-auth-token', 'api-key', 'x-amz-security-token'])('a transformation sets the credential header %s to a literal (the shared CREDENTIAL_HEADERS list)', (header) => {
      const text = BASE.replace('      cors.methods: "GET,OPTIONS"\n', `      cors.methods: "GET,OPTIONS"\n    transformations:\n      request:\n        add:\n          headers:\n            ${header}: literal-value\n`);
      const err = expectIssue(text, `${header}: literal-value`, `services[2].transformations.request.add.headers.${header}`, /would set a credential header to a literal committed to dist\//, `${header}: `.length);
      // the error never repeats the credential
      expect(err.message).toContain('(received: "<redacted>")');
      expect(err.message).not.toContain('literal-value');
    });

    it('a required field is missing', () => {
      const text = BASE.replace('    version: v2.0.0\n', '');
      expectIssue(text, 'name: orders', 'services[1].version', /is required \(received: undefined\)\. Fix: add version/);
    });

    it('the YAML is malformed or repeats a key', () => {
      const err = errorOf(BASE.replace('    version: v1.0.0\n', '    version: v1.0.0\n    version: v1.0.1\n'));
      const { line } = positionOf(BASE.replace('    version: v1.0.0\n', '    version: v1.0.0\n    version: v1.0.1\n'), 'version: v1.0.1');
      expect(err.message).toMatch(new RegExp(`^catalog\\.yaml:${line}:5: \\(syntax\\): repeats a key of the same mapping`));
      expect(errorOf('services: [a\n').message).toMatch(/^catalog\.yaml:\d+:\d+: \(syntax\): is not valid YAML/);
    });

    it('entries refer to each other wrongly', () => {
      expectIssue(BASE.replace('service: orders', 'service: payments'), 'service: payments', 'consumers[0].service', /names no service or model of the catalog/, 'service: '.length);
      expectIssue(BASE.replace('service: orders', 'service: web'), 'service: web', 'consumers[0].service', /names 'web', which is not a key-auth entry/, 'service: '.length);
      const twoIssuers = BASE.replace('consumers:', '  - name: other\n    issuer: https://other.example.com/\n    jwksUri: https://other.example.com/jwks\n    algorithm: ES256\n    publicKey: { remoteKey: k }\nconsumers:');
      expectIssue(twoIssuers, 'auth.type: jwt', 'services[0].metadata.auth.type', /is jwt with 2 issuers defined, but auth\.issuer does not say which/, 'auth.type: '.length);
      expectIssue(BASE.replace('auth.required: true', 'auth.required: false'), 'auth.type: key-auth', 'services[1].metadata.auth.type', /is key-auth, but auth\.required is not true/, 'auth.type: '.length);
    });

    it('an endpoint is not a cluster-local http Service, or its path is not a prefix pattern', () => {
      expectIssue(BASE.replace('host: orders.apps.svc', 'host: orders.example.com'), 'host: orders.example.com', 'services[1].endpoints[0].host', /must be a cluster-local Service host/, 'host: '.length);
      expectIssue(BASE.replace('path: /orders', 'path: /ord*ers/*'), 'path: /ord*ers/*', 'services[1].endpoints[0].path', /must be an absolute path, optionally ending with '\*'/, 'path: '.length);
      expectIssue(BASE.replace('      - protocol: http\n        host: orders', '      - protocol: https\n        host: orders'), 'protocol: https', 'services[1].endpoints[0].protocol', /is https, but the catalog routes to upstream Services over plain HTTP/, 'protocol: '.length);
    });

    it('limits decrease with longer windows, or CORS keys come without cors.enabled', () => {
      expectIssue(BASE.replace('rateLimit.hour: "1000"', 'rateLimit.hour: "50"'), 'rateLimit.hour: "50"', 'services[0].metadata.rateLimit.hour', /\(50\) must not be lower than rateLimit\.minute \(100\)/, 'rateLimit.hour: '.length);
      expectIssue(BASE.replace('      cors.enabled: "true"\n', ''), 'cors.origins', 'services[2].metadata.cors.origins', /is set, but cors\.enabled is not true/, 'cors.origins: '.length);
      expectIssue(BASE.replace('cors.methods: "GET,OPTIONS"', 'cors.methods: "GET,fetch"'), 'cors.methods: "GET,fetch"', 'services[2].metadata.cors.methods', /contains 'fetch', which is not an upper-case HTTP method/, 'cors.methods: '.length);
    });

    it('lists every problem, in file order', () => {
      const text = BASE.replace('auth.type: jwt', 'auth.type: oauth2').replace('rateLimit.minute: 300', 'rateLimit.minute: -1');
      const err = errorOf(text);
      expect(err.issues.map((i) => i.field)).toEqual(['services[0].metadata.auth.type', 'services[2].metadata.rateLimit.minute']);
      expect(err.message.split('\n')).toHaveLength(2);
    });

    it('the file cannot be read', () => {
      expect(() => loadCatalog('/nonexistent/catalog.yaml')).toThrow(/^\/nonexistent\/catalog\.yaml:1:1: \(file\): cannot be read \(ENOENT\)/);
    });
  });
});
