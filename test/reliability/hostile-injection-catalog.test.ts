/**
 * Issue 14, section 2, through catalog files: a catalog line alone may not
 * route into a protected namespace, and a catalog may not smuggle in custom
 * YAML tags, NUL bytes, invalid UTF-8, reserved keys, header injection,
 * dot segments or unsafe CORS origins. Every refusal names the file, line
 * and column, the field, the value and the fix.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { Namespace } from '../../src/core/namespace';
import { Platform } from '../../src/core/platform';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { CatalogError, loadCatalog } from '../../src/platform/catalog-loader';
import { ModelServingPlatform, ModelServingPlatformOptions } from '../../src/platform/model-serving-platform';
import { CertificateIssuer } from '../../src/tls/certificate';
import { database, redis } from '../kong/fixtures';
import { findObject, synthObjects } from '../util';
import { catalogError } from './hostile-helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-catalog-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let count = 0;

/** A valid catalog: one public service in `apps`, one model. */
const CATALOG = `apiVersion: catalog.models.cdk8s.io/v1alpha1
kind: Catalog
services:
  - name: web
    version: v1.0.0
    endpoints:
      - protocol: http
        host: web.apps.svc.cluster.local
        port: 8080
        path: /web/*
    metadata:
      cors.enabled: "true"
      cors.origins: "https://portal.example.com"
    transformations:
      request:
        add:
          headers:
            x-source: gateway
models:
  - name: iris
    format: sklearn
    storageUri: gs://kfserving-examples/models/sklearn/iris
    resources:
      requests: { cpu: 100m, memory: 256Mi }
      limits: { cpu: "1", memory: 1Gi }
`;

const OPTIONS: ModelServingPlatformOptions = {
  hostname: 'api.example.com',
  allowBackendNamespaces: ['apps'],
  certificate: { issuer: CertificateIssuer.clusterIssuer('letsencrypt-prod') },
  kong: { database: database(), backup: false },
  redis: redis(),
};

/** Writes `content` (text with `from` replaced by `to`, or raw bytes) to a new catalog file. */
function write(content: string | Buffer): string {
  const file = path.join(tmp, `catalog-${++count}.yaml`);
  fs.writeFileSync(file, content);
  return file;
}
function variant(from: string, to: string): { file: string; text: string } {
  if (!CATALOG.includes(from)) throw new Error(`the catalog has no ${from}`);
  const text = CATALOG.replace(from, to);
  return { file: write(text), text };
}

/** `<file>:<line>:<column>` where `needle` starts in `text` (plus `offset` characters). */
function at(file: string, text: string, needle: string, offset = 0): string {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`'${needle}' not in the catalog`);
  const before = text.slice(0, i + offset).split('\n');
  return `${file}:${before.length}:${before[before.length - 1].length + 1}`;
}


/** Asserts the first line of a catalog error: `<where>: <field>: <problem> (received: <value>). Fix: <fix>`. */
function expectCatalogRefusal(build: () => unknown, where: string, field: string, problem: string | RegExp, value: string, fix: string): CatalogError {
  const err = catalogError(build);
  const first = err.message.split('\n')[0];
  expect(first.startsWith(`${where}: ${field}: `), first).toBe(true);
  if (typeof problem === 'string') expect(first).toContain(problem);
  else expect(first).toMatch(problem);
  expect(first).toContain(`(received: ${value})`);
  expect(first).toContain(`Fix: ${fix}`);
  return err;
}

const fromCatalog = (file: string, options: Partial<ModelServingPlatformOptions> = {}, app = Testing.app()) => ModelServingPlatform.fromCatalog(app, 'cat', file, { ...OPTIONS, ...options });

describe('backend namespaces: a catalog line alone cannot route into argocd, kube-system or the gateway', () => {
  it("refuses a service routed to argocd-server, naming the service, the namespace and the allow in code", () => {
    const c = variant('host: web.apps.svc.cluster.local', 'host: argocd-server.argocd.svc.cluster.local');
    expectCatalogRefusal(
      () => fromCatalog(c.file),
      at(c.file, c.text, 'argocd-server.'),
      'services[0].endpoints[0].host',
      "routes service 'web' into the namespace 'argocd', a controller namespace (PROTECTED_BACKEND_NAMESPACES): a catalog line alone may not publish its Services through the gateway (nor write a ReferenceGrant and Role there)",
      '"argocd-server.argocd.svc.cluster.local"',
      "route 'web' to a Service in an application namespace, or allow the namespace in code: ModelServingPlatform.fromCatalog(scope, id, file, { ..., allowBackendNamespaces: ['argocd'] })",
    );
  });

  it('routes into argocd when code allows it (a ReferenceGrant there, as for any upstream)', () => {
    const c = variant('host: web.apps.svc.cluster.local', 'host: argocd-server.argocd.svc.cluster.local');
    const app = Testing.app();
    fromCatalog(c.file, { allowBackendNamespaces: ['argocd'] }, app);
    const objects = synthObjects(app);
    expect(findObject(objects, 'HTTPRoute', 'web', 'kong').spec.rules[0].backendRefs).toEqual([{ name: 'argocd-server', namespace: 'argocd', port: 8080 }]);
    expect(objects.some((o) => o.kind === 'ReferenceGrant' && o.metadata.namespace === 'argocd')).toBe(true);
  });

  it("refuses a host in the gateway's own namespace (the Kong admin API)", () => {
    const c = variant('host: web.apps.svc.cluster.local', 'host: kong-admin.kong.svc.cluster.local');
    expectCatalogRefusal(
      () => fromCatalog(c.file),
      at(c.file, c.text, 'kong-admin.'),
      'services[0].endpoints[0].host',
      "routes service 'web' into the namespace 'kong', the gateway's own namespace (its admin and proxy Services)",
      '"kong-admin.kong.svc.cluster.local"',
      "route 'web' to a Service in an application namespace, or allow the namespace in code: ModelServingPlatform.fromCatalog(scope, id, file, { ..., allowBackendNamespaces: ['kong'] })",
    );
  });

  it('refuses kube-system, which code cannot allow either', () => {
    const c = variant('host: web.apps.svc.cluster.local', 'host: kube-dns.kube-system.svc.cluster.local');
    expectCatalogRefusal(
      () => fromCatalog(c.file),
      at(c.file, c.text, 'kube-dns.'),
      'services[0].endpoints[0].host',
      "routes service 'web' into the namespace 'kube-system', a namespace reserved for the cluster",
      '"kube-dns.kube-system.svc.cluster.local"',
      "route 'web' to a Service in an application namespace (kube-system cannot be allowed)",
    );
    const err = (() => {
      try {
        fromCatalog(c.file, { allowBackendNamespaces: ['kube-system'] });
      } catch (e) {
        return e as ModelServingError;
      }
      throw new Error('expected a refusal');
    })();
    expect(err).toBeInstanceOf(ModelServingError);
    expect(err.message).toBe("cat: allowBackendNamespaces[0] names a namespace reserved for the cluster, which no catalog service may route into (received: \"kube-system\"). Fix: route to a Service in an application namespace");
  });

  it("refuses a namespace another platform of the app creates, whether built before or after", () => {
    const c = variant('host: web.apps.svc.cluster.local', 'host: ledger.billing.svc.cluster.local');
    const before = Testing.app();
    new Namespace(new Platform(before, 'billing-platform'), 'billing');
    expectCatalogRefusal(() => fromCatalog(c.file, {}, before), at(c.file, c.text, 'ledger.'), 'services[0].endpoints[0].host', "routes service 'web' into the namespace 'billing', a namespace the platform 'billing-platform' creates", '"ledger.billing.svc.cluster.local"', "route 'web' to a Service in an application namespace, or allow the namespace in code: ModelServingPlatform.fromCatalog(scope, id, file, { ..., allowBackendNamespaces: ['billing'] })");

    // Built before the platform that creates it: refused all the same (deny by default), so the order does not matter.
    const after = Testing.app();
    expectCatalogRefusal(() => fromCatalog(c.file, {}, after), at(c.file, c.text, 'ledger.'), 'services[0].endpoints[0].host', "routes service 'web' into the namespace 'billing', which allowBackendNamespaces does not list (deny by default)", '"ledger.billing.svc.cluster.local"', "route 'web' to a Service in an application namespace, or allow the namespace in code: ModelServingPlatform.fromCatalog(scope, id, file, { ..., allowBackendNamespaces: ['billing'] })");

    const allowed = Testing.app();
    const billing = new Namespace(new Platform(allowed, 'billing-platform'), 'billing');
    expect(() => fromCatalog(c.file, { allowBackendNamespaces: [billing] }, allowed)).not.toThrow();
  });
});

describe('catalog files: tags, NUL, encoding and reserved keys', () => {
  it('refuses custom tags (!Ref, !!js/function) with file:line and the tag', () => {
    const ref = variant('version: v1.0.0', 'version: !Ref Version');
    expectCatalogRefusal(
      () => loadCatalog(ref.file),
      at(ref.file, ref.text, '!Ref'),
      'services[0].version',
      "has the tag !Ref, which is not one of YAML's core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq): the catalog is data, and custom tags such as !Ref or !!js/function are not expanded",
      '"!Ref"',
      'remove the tag and write the value itself',
    );
    const fn = variant('version: v1.0.0', 'version: !!js/function "function () { return 1 }"');
    expectCatalogRefusal(() => loadCatalog(fn.file), at(fn.file, fn.text, '!!js/function'), 'services[0].version', 'has the tag !!js/function', '"!!js/function"', 'remove the tag and write the value itself');
    const binary = variant('version: v1.0.0', 'version: !!binary djEuMC4w');
    expectCatalogRefusal(() => fromCatalog(binary.file), at(binary.file, binary.text, '!!binary'), 'services[0].version', 'has the tag !!binary', '"!!binary"', 'remove the tag');
    expect(() => loadCatalog(variant('version: v1.0.0', 'version: !!str v1.0.0').file)).not.toThrow();
  });

  it('refuses NUL bytes, raw or escaped', () => {
    const raw = variant('version: v1.0.0', 'version: "v1.0.0\u0000"');
    expectCatalogRefusal(
      () => loadCatalog(raw.file),
      at(raw.file, raw.text, '\u0000'),
      '(file)',
      'holds the control character U+0000 (NUL), which YAML 1.2 does not allow in a document (c-printable)',
      '"U+0000"',
      'remove it (save the catalog as plain UTF-8 text)',
    );
    const escaped = variant('x-source: gateway', 'x-source: "gateway\\0admin"');
    expectCatalogRefusal(
      () => fromCatalog(escaped.file),
      at(escaped.file, escaped.text, '"gateway'),
      'services[0].transformations.request.add.headers.x-source',
      'holds a NUL character (written as an escape such as \\0 or \\x00)',
      '"gateway\\u0000admin"',
      'remove the NUL character',
    );
  });

  it('refuses invalid UTF-8 with the byte offset and line', () => {
    const prefix = CATALOG.slice(0, CATALOG.indexOf('v1.0.0'));
    const bytes = Buffer.concat([Buffer.from(prefix), Buffer.from([0x76, 0xe9, 0x31]), Buffer.from(CATALOG.slice(CATALOG.indexOf('v1.0.0') + 6))]);
    const file = write(bytes);
    const offset = Buffer.byteLength(prefix) + 1;
    const line = prefix.split('\n').length;
    const column = prefix.length - prefix.lastIndexOf('\n') + 1;
    expectCatalogRefusal(() => fromCatalog(file), `${file}:${line}:${column}`, '(file)', `is not valid UTF-8 at byte offset ${offset}`, '"e9 31 0a 20"', 'save the catalog as UTF-8 (YAML and JSON files are UTF-8 text)');
  });

  it('refuses __proto__, constructor and prototype keys (the schema dropped a __proto__ header silently)', () => {
    const c = variant('            x-source: gateway', '            __proto__: gateway');
    expectCatalogRefusal(
      () => loadCatalog(c.file),
      at(c.file, c.text, '__proto__'),
      'services[0].transformations.request.add.headers.__proto__',
      'is a key that JavaScript objects reserve (__proto__, constructor, prototype): it would be dropped or change what the mapping means',
      '"__proto__"',
      'remove the key, or rename it',
    );
    const top = variant('kind: Catalog', 'kind: Catalog\nconstructor: { name: x }');
    expectCatalogRefusal(() => loadCatalog(top.file), at(top.file, top.text, 'constructor'), 'constructor', 'is a key that JavaScript objects reserve', '"constructor"', 'remove the key, or rename it');
  });
});

describe('catalog fields: header injection, dot segments, storage and CORS', () => {
  it('refuses a transformation header value with CR LF', () => {
    const c = variant('x-source: gateway', 'x-source: "gateway\\r\\nx-admin: true"');
    expectCatalogRefusal(
      () => loadCatalog(c.file),
      at(c.file, c.text, '"gateway'),
      'services[0].transformations.request.add.headers.x-source',
      'holds the control character CR, which RFC 9110 (section 5.5) forbids in a header value',
      '"gateway\\r\\nx-admin: true"',
      'remove the line breaks and control characters; send one value per header',
    );
  });

  it("refuses an endpoint path with '..' or an encoded dot", () => {
    const dots = variant('path: /web/*', 'path: /web/../admin/*');
    expectCatalogRefusal(() => loadCatalog(dots.file), at(dots.file, dots.text, '/web/..'), 'services[0].endpoints[0].path', "holds a '.' or '..' segment, which is normalized away", '"/web/../admin/*"', "write the normalized path without '.' or '..' segments or encoded characters");
    const encoded = variant('path: /web/*', 'path: /web/%2e%2e/admin');
    expectCatalogRefusal(() => loadCatalog(encoded.file), at(encoded.file, encoded.text, '/web/%2e'), 'services[0].endpoints[0].path', 'holds the encoded character %2e', '"/web/%2e%2e/admin"', 'write the normalized path');
  });

  it("refuses a pvc:// storage path with '..' and a file:// URI", () => {
    const pvc = variant('storageUri: gs://kfserving-examples/models/sklearn/iris', 'storageUri: pvc://models-pvc/../../etc');
    expectCatalogRefusal(() => loadCatalog(pvc.file), at(pvc.file, pvc.text, 'pvc://'), 'models[0].storageUri', "holds a '.' or '..' segment", '"pvc://models-pvc/../../etc"', "give the model's normalized location");
    const file = variant('storageUri: gs://kfserving-examples/models/sklearn/iris', 'storageUri: file:///etc/passwd');
    expectCatalogRefusal(() => loadCatalog(file.file), at(file.file, file.text, 'file://'), 'models[0].storageUri', 'must be a model URI (gs://, s3://, pvc://, hf://, oci:// or https://)', '"file:///etc/passwd"', 'write a model URI (gs://, s3://, pvc://, hf://, oci:// or https://)');
  });

  it('refuses a javascript: CORS origin and a CORS header with CR LF', () => {
    const js = variant('cors.origins: "https://portal.example.com"', 'cors.origins: "javascript:alert(1)"');
    expectCatalogRefusal(() => loadCatalog(js.file), at(js.file, js.text, '"javascript'), 'services[0].metadata.cors.origins', 'contains "javascript:alert(1)", which is not an http:// or https:// origin', '"javascript:alert(1)"', 'list web origins such as "https://app.example.com"');
    const header = variant('cors.origins: "https://portal.example.com"', 'cors.origins: "https://portal.example.com"\n      cors.headers: "content-type\\r\\nx-evil: 1"');
    expectCatalogRefusal(() => loadCatalog(header.file), at(header.file, header.text, '"content-type'), 'services[0].metadata.cors.headers', "which is not an HTTP header name (an RFC 9110 token: no spaces, ':', CR, LF or NUL)", '"content-type\\r\\nx-evil: 1"', 'write header names such as "Content-Type,X-Request-Id"');
  });

  it('the base catalog still builds (on Kong and kgateway)', () => {
    const file = write(CATALOG);
    expect(() => synthObjects(((app) => (fromCatalog(file, {}, app), app))(Testing.app()))).not.toThrow();
    const app = Testing.app();
    fromCatalog(write(CATALOG.replace(/\s+transformations:[\s\S]*?x-source: gateway\n/, '\n')), { provider: GatewayProvider.KGATEWAY, kong: undefined }, app);
    expect(() => synthObjects(app)).not.toThrow();
  });
});
