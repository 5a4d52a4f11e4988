/**
 * Issue 14, section 2, acceptance review: the gaps it found, each through
 * the public API (constructs and catalog files). A catalog line alone may
 * not route into another platform's namespace (deny by default, whatever
 * the construction order); no wildcard CORS under another spelling with
 * credentials, no origin with a path; no control characters in regex
 * matches; no double-encoded or `..;` dot segments, no `?`, `#` or space in
 * exact or prefix paths; catalog endpoints overlapping Exact against
 * PathPrefix are reported with both locations; a storage URI's control
 * characters are named as such.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Testing } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { KongPlugin } from '../../src/policy/kong';
import { loadCatalog } from '../../src/platform/catalog-loader';
import { ModelServingPlatform } from '../../src/platform/model-serving-platform';
import { KgatewayKservePlatform, KgatewayProductionPlatform, KONG_GATEWAY_CATALOG, kongGatewayOptions, kongGatewayPlatform, KservePlatform, MaasPlatform } from '../../src/platforms';
import { platformAsset } from '../../src/platforms/assets';
import { HttpRouteFilter } from '../../src/routing/filter';
import { HeaderMatch, PathMatch, QueryParamMatch } from '../../src/routing/match';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { ModelFormat } from '../../src/serving/model-format';
import { setup } from '../util';
import { catalogError, expectRefused } from './hostile-helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-review-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let count = 0;

/** Writes `text` to a new catalog file. */
function write(text: string): string {
  const file = path.join(tmp, `catalog-${++count}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

/** `<file>:<line>:<column>` of the `n`-th occurrence of `needle` in `text`. */
function at(file: string, text: string, needle: string, n = 0): string {
  let i = -1;
  for (let k = 0; k <= n; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`'${needle}' not in the catalog`);
  const before = text.slice(0, i).split('\n');
  return `${file}:${before.length}:${before[before.length - 1].length + 1}`;
}



const KONG_CATALOG = fs.readFileSync(platformAsset(KONG_GATEWAY_CATALOG), 'utf8');

describe('1. a catalog edit alone cannot reach another platform’s namespace (deny by default)', () => {
  const HOST = 'host: model-registry.aikernel.svc.cluster.local';
  const others = (app: App) => [new KgatewayKservePlatform(app), new KgatewayProductionPlatform(app), new KservePlatform(app), new MaasPlatform(app)];

  for (const ns of ['kgateway-prod', 'models', 'ml-models', 'llm', 'kserve-ingress', 'monitoring', 'vault', 'kong-system']) {
    it(`refuses endpoints[0].host in '${ns}' in the reference app, whether kong-gateway is built first or last`, () => {
      const text = KONG_CATALOG.replace(HOST, `host: x.${ns}.svc.cluster.local`);
      const file = write(text);
      const where = `${at(file, text, `x.${ns}.`)}: services[0].endpoints[0].host: routes service 'model-registry' into the namespace '${ns}', `;
      const fix = `Fix: route 'model-registry' to a Service in an application namespace, or allow the namespace in code: ModelServingPlatform.fromCatalog(scope, id, file, { ..., allowBackendNamespaces: ['${ns}'] })`;

      const first = Testing.app();
      const e1 = catalogError(() => kongGatewayPlatform(first, { catalogFile: file }));
      expect(e1.message.startsWith(where), e1.message).toBe(true);
      expect(e1.message).toContain(fix);

      const last = Testing.app();
      others(last);
      const e2 = catalogError(() => kongGatewayPlatform(last, { catalogFile: file }));
      expect(e2.message.startsWith(where), e2.message).toBe(true);
      expect(e2.message).toContain(fix);
    });
  }

  it('names the owning platform when it is known, and refuses any namespace the code does not list', () => {
    const text = KONG_CATALOG.replace(HOST, 'host: x.kgateway-prod.svc.cluster.local');
    const app = Testing.app();
    new KgatewayProductionPlatform(app);
    expect(catalogError(() => kongGatewayPlatform(app, { catalogFile: write(text) })).message).toContain("into the namespace 'kgateway-prod', a namespace the platform 'kgateway-production' creates");

    const plain = KONG_CATALOG.replace(HOST, 'host: x.shop.svc.cluster.local');
    expect(catalogError(() => kongGatewayPlatform(Testing.app(), { catalogFile: write(plain) })).message).toContain("into the namespace 'shop', which allowBackendNamespaces does not list (deny by default)");
  });

  it('routes there once the code allows that exact name, and never into default or kube-*', () => {
    const text = KONG_CATALOG.replace(HOST, 'host: x.shop.svc.cluster.local');
    const file = write(text);
    const options = kongGatewayOptions();
    expect(() => ModelServingPlatform.fromCatalog(Testing.app(), 'kong-gateway', file, { ...options, allowBackendNamespaces: [...(options.allowBackendNamespaces ?? []), 'shop'] })).not.toThrow();
    expectRefused(
      () => ModelServingPlatform.fromCatalog(Testing.app(), 'kong-gateway', file, { ...options, allowBackendNamespaces: ['default'] }),
      'kong-gateway',
      'allowBackendNamespaces[0]',
      'names a namespace reserved for the cluster, which no catalog service may route into',
      '"default"',
      'route to a Service in an application namespace',
    );
  });
});

describe('2. CORS: no wildcard under another spelling with credentials, no origin with a path', () => {
  const FETCH = 'the Fetch standard';
  it('refuses https://* and http://* with credentials (route filter and Kong cors)', () => {
    for (const origin of ['https://*', 'http://*']) {
      expectRefused(() => HttpRouteFilter.cors({ allowOrigins: [origin], allowCredentials: true }), 'HttpRouteFilter.cors', 'allowCredentials', `cannot be true with origin '${origin}' (every site of that scheme): ${FETCH} forbids a wildcard origin`, JSON.stringify([origin]), 'list the allowed origins explicitly, or leave credentials off');
      const { ns } = setup(['kong']);
      expectRefused(() => KongPlugin.cors(ns.kong, 'c', { origins: [origin], credentials: true }), 'test/kong/c', 'config.credentials', `cannot be true with origin '${origin}'`, JSON.stringify([origin]), 'list the allowed origins explicitly');
    }
    expect(() => HttpRouteFilter.cors({ allowOrigins: ['https://*.example.com'], allowCredentials: true })).not.toThrow();
  });

  it("refuses '*' methods, headers and exposed headers with credentials (route filter and Kong cors)", () => {
    const base = { allowOrigins: ['https://app.example.com'], allowCredentials: true };
    const problem = `is '*' while allowCredentials is true: ${FETCH} treats '*' as a wildcard only without credentials`;
    expectRefused(() => HttpRouteFilter.cors({ ...base, allowHeaders: ['Content-Type', '*'] }), 'HttpRouteFilter.cors', 'allowHeaders[1]', problem, '"*"', 'list the values explicitly, or leave allowCredentials off');
    expectRefused(() => HttpRouteFilter.cors({ ...base, exposeHeaders: ['*'] }), 'HttpRouteFilter.cors', 'exposeHeaders[0]', problem, '"*"', 'list the values explicitly');
    expectRefused(() => HttpRouteFilter.cors({ ...base, allowMethods: ['*'] }), 'HttpRouteFilter.cors', 'allowMethods[0]', problem, '"*"', 'list the values explicitly');
    expect(() => HttpRouteFilter.cors({ allowOrigins: ['https://app.example.com'], allowHeaders: ['*'] })).not.toThrow();
    const { ns } = setup(['kong']);
    expectRefused(() => KongPlugin.cors(ns.kong, 'h', { origins: ['https://app.example.com'], credentials: true, headers: ['*'] }), 'test/kong/h', 'config.headers[0]', "is '*' while config.credentials is true", '"*"', 'list the values explicitly');
    expectRefused(() => KongPlugin.cors(ns.kong, 'x', { origins: ['https://app.example.com'], credentials: true, exposedHeaders: ['*'] }), 'test/kong/x', 'config.exposed_headers[0]', "is '*' while config.credentials is true", '"*"', 'list the values explicitly');
  });

  it('refuses an origin with a path, even /, in the route filter, Kong cors and the catalog', () => {
    const PROBLEM = 'is not an origin: an origin is scheme://host[:port] only (no path';
    expectRefused(() => HttpRouteFilter.cors({ allowOrigins: ['https://a.example.com/path'] }), 'HttpRouteFilter.cors', 'allowOrigins[0]', PROBLEM, '"https://a.example.com/path"', 'list the web origins allowed, e.g. https://app.example.com');
    expectRefused(() => HttpRouteFilter.cors({ allowOrigins: ['https://a.example.com/'] }), 'HttpRouteFilter.cors', 'allowOrigins[0]', PROBLEM, '"https://a.example.com/"', 'list the web origins allowed');
    const { ns } = setup(['kong']);
    expectRefused(() => KongPlugin.cors(ns.kong, 'c', { origins: ['https://a.example.com/path'] }), 'test/kong/c', 'config.origins[0]', PROBLEM, '"https://a.example.com/path"', 'list the web origins allowed');
    expect(() => HttpRouteFilter.cors({ allowOrigins: ['https://a.example.com:8443'] })).not.toThrow();

    const text = KONG_CATALOG.replace('cors.origins: "https://portal.aikernel.io"', 'cors.origins: "https://portal.aikernel.io/path"');
    const file = write(text);
    const first = catalogError(() => loadCatalog(file)).message.split('\n')[0];
    expect(first).toBe(
      `${at(file, text, '"https://portal.aikernel.io/path"')}: services[2].metadata.cors.origins: contains "https://portal.aikernel.io/path", which is not an origin: an origin is scheme://host[:port] only (no path, not even '/', no query or fragment), so a browser's Origin header never equals it (received: "https://portal.aikernel.io/path"). Fix: list web origins such as "https://app.example.com"`,
    );
  });
});

describe('3. control characters in regex matches', () => {
  it('refuses LF and NUL in a regex path match, and control characters in header and query regexes', () => {
    const fix = 'remove it; match a character class such as [^/] instead';
    expectRefused(() => PathMatch.regex('/a\nb'), 'PathMatch.regex', 'value', 'holds the control character LF, which no request path, header or query value holds', '"/a\\nb"', fix);
    expectRefused(() => PathMatch.regex('/a\u0000'), 'PathMatch.regex', 'value', 'holds the control character NUL', '"/a\\u0000"', fix);
    expectRefused(() => HeaderMatch.regex('x-model', 'a\nb'), 'HeaderMatch.regex', 'value', 'holds the control character LF', '"a\\nb"', 'remove the line breaks and control characters');
    expectRefused(() => QueryParamMatch.regex('q', 'a\rb'), 'QueryParamMatch.regex', 'value', 'holds the control character CR', '"a\\rb"', 'remove the line breaks and control characters');
    expect(PathMatch.regex('/v1/models/[a-z0-9-]+').value).toBe('/v1/models/[a-z0-9-]+');
  });
});

describe('4. path forms that bypass or never match', () => {
  it("refuses double-encoded dots and '..;' segments in PathMatch.prefix and the catalog", () => {
    expectRefused(() => PathMatch.prefix('/api/%252e%252e/admin'), 'PathMatch.prefix', 'value', "holds the double-encoded character %252e (an encoded '%' before an encoded '.', '/', '\\' or NUL), which a backend that decodes twice reads as", '"/api/%252e%252e/admin"', "write the normalized prefix, e.g. '/v2/models/iris'");
    expectRefused(() => PathMatch.prefix('/api/%25252F/x'), 'PathMatch.prefix', 'value', 'holds the double-encoded character %25252F', '"/api/%25252F/x"', 'write the normalized prefix');
    expectRefused(() => PathMatch.prefix('/api/..;/admin'), 'PathMatch.prefix', 'value', "holds the segment '..;', which Tomcat and Jetty read as '..' (they strip ';' path parameters)", '"/api/..;/admin"', 'write the normalized prefix');
    expectRefused(() => PathMatch.exact('/api/.;jsessionid=1/admin'), 'PathMatch.exact', 'value', "holds the segment '.;jsessionid=1', which Tomcat and Jetty read as '.'", '"/api/.;jsessionid=1/admin"', 'write the normalized path');
    expect(PathMatch.prefix('/api/v1;v=2').value).toBe('/api/v1;v=2');

    for (const [bad, problem] of [
      ['/api/%252e%252e/admin/*', 'holds the double-encoded character %252e'],
      ['/api/..;/admin/*', "holds the segment '..;', which Tomcat and Jetty read as '..'"],
    ] as const) {
      const text = KONG_CATALOG.replace('path: /api/v1/*', `path: ${bad}`);
      const file = write(text);
      const first = catalogError(() => loadCatalog(file)).message.split('\n')[0];
      expect(first.startsWith(`${at(file, text, bad)}: services[0].endpoints[0].path: ${problem}`), first).toBe(true);
      expect(first).toContain(`(received: ${JSON.stringify(bad)})`);
    }
  });

  it("refuses '?', '#' and a space in exact and prefix paths, pointing to a query match", () => {
    const problem = 'which a request path never holds (the query and fragment are not part of the path; a space is sent encoded): the match would never match';
    const fix = "match the path alone, e.g. '/v1/models/iris:predict', and the query with QueryParamMatch.exact(name, value)";
    expectRefused(() => PathMatch.exact('/a?b=1'), 'PathMatch.exact', 'value', `holds '?', ${problem}`, '"/a?b=1"', fix);
    expectRefused(() => PathMatch.exact('/a#b'), 'PathMatch.exact', 'value', `holds '#', ${problem}`, '"/a#b"', fix);
    expectRefused(() => PathMatch.exact('/a b'), 'PathMatch.exact', 'value', `holds whitespace, ${problem}`, '"/a b"', fix);
    expectRefused(() => PathMatch.prefix('/a?b=1'), 'PathMatch.prefix', 'value', `holds '?'`, '"/a?b=1"', "match the path alone, e.g. '/v2/models/iris', and the query with QueryParamMatch.exact");
  });
});

describe('5. catalog endpoints overlapping Exact against PathPrefix', () => {
  const EXTRA = (path: string, methods = '[GET]') => `  - name: catalog-stealer
    version: v1.0.0
    endpoints:
      - protocol: http
        host: stealer.aikernel.svc.cluster.local
        port: 8080
        path: ${path}
        methods: ${methods}
`;
  const withExtra = (path: string, methods?: string) => KONG_CATALOG.replace('\nmodels:\n', `\n${EXTRA(path, methods)}\nmodels:\n`);

  for (const exact of ['/catalog', '/catalog/']) {
    it(`reports an Exact ${exact} beside another service's /catalog/* with both file:line:column`, () => {
      const text = withExtra(exact);
      const file = write(text);
      const err = catalogError(() => loadCatalog(file));
      expect(err.message.split('\n')[0]).toBe(
        `${at(file, text, `path: ${exact}\n`, 0).replace(/:(\d+)$/, (_, c) => `:${Number(c) + 6}`)}: services[4].endpoints[0].path: is an Exact path the PathPrefix /catalog of services[2].endpoints[0].path of service 'catalog-browser' at ${at(file, text, 'path: /catalog/*').replace(/:(\d+)$/, (_, c) => `:${Number(c) + 6}`)} matches too (a prefix matches /catalog and /catalog/), with overlapping methods: it would take those requests from service 'catalog-browser' and its access policy (Gateway API: Exact before PathPrefix) (received: "${exact}"). Fix: give one of the endpoints a distinct path, or distinct methods`,
      );
    });
  }

  it('reports a PathPrefix written after the Exact path it covers, and accepts distinct methods or a more specific path', () => {
    const text = KONG_CATALOG.replace('path: /catalog/*', 'path: /catalog').replace('\nmodels:\n', `\n${EXTRA('/catalog/*')}\nmodels:\n`);
    const file = write(text);
    const first = catalogError(() => loadCatalog(file)).message.split('\n')[0];
    expect(first).toContain("services[4].endpoints[0].path: is a PathPrefix /catalog that matches the Exact path /catalog of services[2].endpoints[0].path of service 'catalog-browser' at ");
    expect(first).toContain("takes those requests from service 'catalog-stealer'");
    expect(() => loadCatalog(write(withExtra('/catalog', '[POST]')))).not.toThrow();
    expect(() => loadCatalog(write(withExtra('/catalogue')))).not.toThrow();
    expect(() => loadCatalog(write(withExtra('/catalog/health')))).not.toThrow();
  });
});

describe('6. control characters in a storage URI are named as such', () => {
  it('refuses CR LF in storageUri of an InferenceService and of a catalog model', () => {
    const { ns } = setup(['models']);
    const RESOURCES = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
    expectRefused(
      () => new InferenceService(ns.models, 'a', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris\r\nx'), resources: RESOURCES }) }),
      'test/models/a',
      'storage',
      'holds the control character CR',
      '"gs://models/iris\\r\\nx"',
      "give the model's normalized location without '.' or '..' segments, encoded characters or control characters",
    );
    const text = KONG_CATALOG.replace('storageUri: gs://kfserving-examples/models/sklearn/1.0/model', 'storageUri: "gs://models/iris\\r\\nx"');
    const file = write(text);
    expect(catalogError(() => loadCatalog(file)).message.split('\n')[0]).toBe(
      `${at(file, text, '"gs://models/iris')}: models[0].storageUri: holds the control character CR, which would end or split the request line (received: "gs://models/iris\\r\\nx"). Fix: remove the line break or control character from the URI`,
    );
  });
});
