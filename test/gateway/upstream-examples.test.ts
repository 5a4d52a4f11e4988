/**
 * Upstream Gateway API examples (`../shared/examples/gateway-api/standard`)
 * rebuilt through `Gateway`, `HttpRoute`, `GrpcRoute` and `ReferenceGrant`,
 * and compared with the upstream objects (`test/upstream-compare.ts`): after
 * CRD defaults on both sides, every upstream field must be in ours with the
 * same value, and the fields ours adds must be exactly the ones listed per
 * object (each documented in {@link ALLOWED_EXTRAS}).
 *
 * Objects are built in plain cdk8s charts (no Platform, so no platform labels
 * or default-deny policies), with the upstream namespace when the file has
 * one; routes that attach to a Gateway defined in no example file refer to it
 * with `Gateway.fromGatewayName`.
 *
 * Every file of the folder is either rebuilt ({@link CASES}) or listed in
 * {@link SKIPPED} with the reason, and a test asserts that split.
 *
 * Upstream routes without `parentRefs` (documentation snippets) are routes
 * that attach nowhere, which HttpRoute and GrpcRoute refuse on purpose (a
 * synth-time validation). They are rebuilt attached to a Gateway, so
 * `spec.parentRefs` is their one documented extra, and a test proves that the
 * same routes without a parent are refused.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Backend, IBackend } from '../../src/core/backend';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway, GatewayAddress, IGateway, IRouteParent } from '../../src/gateway/gateway';
import { Listener } from '../../src/gateway/listener';
import { CorsOptions, HttpRouteFilter, PathModifier } from '../../src/routing/filter';
import { GrpcMethodMatch, GrpcRoute } from '../../src/routing/grpc-route';
import { HttpRoute } from '../../src/routing/http-route';
import { HeaderMatch, PathMatch, QueryParamMatch } from '../../src/routing/match';
import { ReferenceGrant } from '../../src/routing/reference-grant';
import { formatIssue, validateObject } from '../../src/validate';
import { compareWithUpstream, isObject, Json, matchesPattern, objectKey, readObjects } from '../upstream-compare';

const EXAMPLES = path.resolve(__dirname, '../../../shared/examples/gateway-api/standard');

/** The one extra of routes whose upstream file has no parentRefs (see the file comment). */
const ADDED_PARENT = 'spec.parentRefs';

/** Every path our objects may add to an upstream one, with the reason. */
const ALLOWED_EXTRAS: Readonly<Record<string, string>> = {
  [ADDED_PARENT]: 'the upstream route has no parentRefs; HttpRoute/GrpcRoute refuse a route that attaches nowhere, so the rebuild attaches it to a Gateway',
};

/** Kinds found in rebuilt files that are not rebuilt, and why. */
const NOT_REBUILT_KINDS: Readonly<Record<string, string>> = {
  GatewayClass: 'cluster-scoped and installed with the gateway implementation; a Gateway names it through gatewayClassName',
  Namespace: "namespaces are the library's Namespace charts inside a Platform (with default-deny policies), not objects of a plain chart",
};

const NAMESPACES_ONLY = 'only Namespace objects (see NOT_REBUILT_KINDS)';
const NO_L4_LISTENERS = 'TCP/UDP/TLS listeners and TCPRoute/UDPRoute/TLSRoute: Listener offers HTTP and HTTPS only (models are served over HTTP and gRPC)';

/** Files of the folder that are not rebuilt, and why. */
const SKIPPED: Readonly<Record<string, string>> = {
  '0-namespaces.yaml': NAMESPACES_ONLY,
  'cross-namespace-routing/0-namespaces.yaml': NAMESPACES_ONLY,
  'multicluster/0-namespaces.yaml': NAMESPACES_ONLY,
  'backendtlspolicy/backendtlspolicy-ca-certs.yaml': 'BackendTLSPolicy is imported as an L1 class only; there is no L2 construct to rebuild it through',
  'backendtlspolicy/backendtlspolicy-system-certs.yaml': 'BackendTLSPolicy is imported as an L1 class only; there is no L2 construct to rebuild it through',
  'listenerset/listenerset.yaml': 'ListenerSet and spec.allowedListeners: no construct',
  'http-cors/httproute-all-fields-set.yaml':
    "allowHeaders '*' with allowCredentials: true, which Gateway API answers by echoing every requested header (Authorization included) to the credentialed origins; HttpRouteFilter.cors refuses it (Fetch standard: '*' is a wildcard only without credentials; test/reliability/hostile-injection-review.test.ts)",
  'multicluster/httproute-gamma.yaml': 'the parent is a ServiceImport (GAMMA mesh routing); routes attach to Gateways only (IRouteParent)',
  'tcp-routing/gateway.yaml': NO_L4_LISTENERS,
  'tcp-routing/tcp-route.yaml': NO_L4_LISTENERS,
  'udp-routing/gateway.yaml': NO_L4_LISTENERS,
  'udp-routing/udp-route.yaml': NO_L4_LISTENERS,
  'tls-routing/gateway.yaml': NO_L4_LISTENERS,
  'tls-routing/tls-route.yaml': NO_L4_LISTENERS,
  'tls-routing/tls-route-terminate.yaml': NO_L4_LISTENERS,
};

/** Gives the parents of a route whose upstream file has none: one Gateway, or none to prove the refusal. */
type Attach = (chart: Chart) => IRouteParent[];

interface Case {
  /** Upstream files (relative to the folder) rebuilt together: a Gateway and the routes attached to it. */
  readonly files: readonly string[];
  /** Builds our objects into `app`; `attach` gives parents to routes that have none upstream. */
  readonly build: (app: App, attach: Attach) => void;
  /** The paths our object adds, by `Kind/name` (or `Kind/namespace/name`), each one a key of ALLOWED_EXTRAS. @default - none */
  readonly extras?: Readonly<Record<string, readonly string[]>>;
}

/** A plain cdk8s chart, in `namespace` when the upstream objects have one. */
function chartIn(app: App, namespace?: string): Chart {
  return new Chart(app, namespace ?? 'cluster-default', { namespace });
}

/** A Gateway that no example file defines, referred to by name (in the route's own namespace). */
function gatewayNamed(chart: Chart, name: string): IGateway {
  return Gateway.fromGatewayName(chart, `gateway-${name}`, name);
}

const svc = (name: string, port: number): IBackend => Backend.service(name, port);
const weighted = (name: string, port: number, weight: number) => ({ backend: Backend.service(name, port), weight });
const serviceImport = (name: string, options: { readonly port?: number; readonly namespace?: string } = {}): IBackend =>
  Backend.ref({ group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name, port: options.port, namespace: options.namespace });

function headerCase(file: string, prefix: string, change: Parameters<typeof HttpRouteFilter.requestHeaderModifier>[0]): Case {
  return {
    files: [file],
    build: (app) => {
      const c = chartIn(app);
      new HttpRoute(c, 'header-http-echo', {
        parents: [gatewayNamed(c, 'acme-gw')],
        rules: [{ matches: [{ path: PathMatch.prefix(prefix) }], filters: [HttpRouteFilter.requestHeaderModifier(change)], backends: [svc('echo', 8080)] }],
      });
    },
  };
}

function corsCase(file: string, prefix: string, cors: CorsOptions): Case {
  return {
    files: [file],
    build: (app) => {
      const c = chartIn(app);
      new HttpRoute(c, 'cors-allow-credentials', {
        parents: [gatewayNamed(c, 'same-namespace')],
        rules: [{ matches: [{ path: PathMatch.prefix(prefix) }], backends: [svc('infra-backend-v1', 8080)], filters: [HttpRouteFilter.cors(cors)] }],
      });
    },
  };
}

/** The parentless `http-redirect-rewrite` snippets: one rule under `/cayenne` or `/cardamom`. */
function filterSnippet(file: string, name: string, hostname: string, rule: Parameters<HttpRoute['addRule']>[0]): Case {
  return {
    files: [`http-redirect-rewrite/${file}`],
    build: (app, attach) => {
      const c = chartIn(app);
      new HttpRoute(c, name, { parents: attach(c), hostnames: [hostname], rules: [rule] });
    },
    extras: { [`HTTPRoute/${name}`]: [ADDED_PARENT] },
  };
}

function fooRouteSplit(file: string, rules: Parameters<HttpRoute['addRule']>[0][]): Case {
  return {
    files: [`traffic-splitting/${file}`],
    build: (app, attach) => {
      const c = chartIn(app);
      new HttpRoute(c, 'foo-route', { labels: { gateway: 'prod-web-gw' }, parents: attach(c), hostnames: ['foo.example.com'], rules });
    },
    extras: { 'HTTPRoute/foo-route': [ADDED_PARENT] },
  };
}

function externalHttpStore(file: string, rules: Parameters<HttpRoute['addRule']>[0][]): Case {
  return {
    files: [`multicluster/${file}`],
    build: (app) => {
      const c = chartIn(app);
      new HttpRoute(c, 'store', { parents: [gatewayNamed(c, 'external-http')], rules });
    },
  };
}

const CASES: readonly Case[] = [
  {
    files: ['simple-gateway/gateway.yaml', 'simple-gateway/httproute.yaml'],
    build: (app) => {
      const c = chartIn(app);
      const gateway = new Gateway(c, 'prod-web', { gatewayClassName: 'example', listeners: [Listener.http({ name: 'prod-web-gw', allowedRoutes: AllowedRoutes.sameNamespace() })] });
      new HttpRoute(c, 'foo', { parents: [gateway], rules: [{ backends: [svc('foo-svc', 8080)] }] });
    },
  },
  {
    files: ['http-routing/gateway.yaml', 'http-routing/foo-httproute.yaml', 'http-routing/bar-httproute.yaml'],
    build: (app) => {
      const c = chartIn(app);
      const gateway = new Gateway(c, 'example-gateway', { gatewayClassName: 'example-gateway-class', listeners: [Listener.http()] });
      new HttpRoute(c, 'example-route', { parents: [gateway], hostnames: ['example.com'], rules: [{ backends: [svc('example-svc', 80)] }] });
      new HttpRoute(c, 'foo-route', { parents: [gateway], hostnames: ['foo.example.com'], rules: [{ matches: [{ path: PathMatch.prefix('/login') }], backends: [svc('foo-svc', 8080)] }] });
      new HttpRoute(c, 'bar-route', {
        parents: [gateway],
        hostnames: ['bar.example.com'],
        rules: [{ matches: [{ headers: [HeaderMatch.exact('env', 'canary')] }], backends: [svc('bar-svc-canary', 8080)] }, { backends: [svc('bar-svc', 8080)] }],
      });
    },
  },
  {
    files: [
      'http-redirect-rewrite/gateway-redirect-http-https.yaml',
      'http-redirect-rewrite/httproute-redirect-303.yaml',
      'http-redirect-rewrite/httproute-redirect-307.yaml',
      'http-redirect-rewrite/httproute-redirect-308.yaml',
      'http-redirect-rewrite/httproute-redirect-http.yaml',
      'http-redirect-rewrite/httproute-redirect-https.yaml',
    ],
    build: (app) => {
      const c = chartIn(app);
      const gateway = new Gateway(c, 'redirect-gateway', { gatewayClassName: 'foo-lb', listeners: [Listener.http(), Listener.https({ certificates: [SecretRef.named('redirect-example')] })] });
      const redirect = (from: PathMatch, to: string, statusCode: 303 | 307 | 308) => ({
        matches: [{ path: from, method: statusCode === 303 ? ('POST' as const) : undefined }],
        filters: [HttpRouteFilter.requestRedirect({ path: PathModifier.replaceFullPath(to), statusCode })],
      });
      new HttpRoute(c, 'post-redirect-get', { parents: [gateway], hostnames: ['forms.example.com'], rules: [redirect(PathMatch.exact('/submit-form'), '/thank-you', 303)] });
      new HttpRoute(c, 'method-preserving-redirect', { parents: [gateway], hostnames: ['api.example.com'], rules: [redirect(PathMatch.prefix('/api/v1'), '/api/v2', 307)] });
      new HttpRoute(c, 'permanent-method-preserving-redirect', { parents: [gateway], hostnames: ['api.example.com'], rules: [redirect(PathMatch.prefix('/old-api'), '/new-api', 308)] });
      new HttpRoute(c, 'http-filter-redirect', {
        parents: [gateway.listener('http')],
        hostnames: ['redirect.example'],
        rules: [{ filters: [HttpRouteFilter.requestRedirect({ scheme: 'https', statusCode: 301 })] }],
      });
      new HttpRoute(c, 'https-route', { labels: { gateway: 'redirect-gateway' }, parents: [gateway.listener('https')], hostnames: ['redirect.example'], rules: [{ backends: [svc('example-svc', 80)] }] });
    },
  },
  filterSnippet('httproute-redirect-full.yaml', 'http-filter-redirect', 'redirect.example', {
    matches: [{ path: PathMatch.prefix('/cayenne') }],
    filters: [HttpRouteFilter.requestRedirect({ path: PathModifier.replaceFullPath('/paprika'), statusCode: 302 })],
  }),
  filterSnippet('httproute-redirect-prefix.yaml', 'http-filter-redirect', 'redirect.example', {
    matches: [{ path: PathMatch.prefix('/cayenne') }],
    filters: [HttpRouteFilter.requestRedirect({ path: PathModifier.replacePrefixMatch('/paprika'), statusCode: 302 })],
  }),
  filterSnippet('httproute-rewrite-full-path.yaml', 'http-filter-rewrite', 'rewrite.example', {
    matches: [{ path: PathMatch.prefix('/cardamom') }],
    filters: [HttpRouteFilter.urlRewrite({ hostname: 'elsewhere.example', path: PathModifier.replaceFullPath('/fennel') })],
    backends: [weighted('example-svc', 80, 1)],
  }),
  filterSnippet('httproute-rewrite-prefix-path.yaml', 'http-filter-rewrite', 'rewrite.example', {
    matches: [{ path: PathMatch.prefix('/cardamom') }],
    filters: [HttpRouteFilter.urlRewrite({ hostname: 'elsewhere.example', path: PathModifier.replacePrefixMatch('/fennel') })],
    backends: [weighted('example-svc', 80, 1)],
  }),
  filterSnippet('httproute-rewrite.yaml', 'http-filter-rewrite', 'rewrite.example', {
    filters: [HttpRouteFilter.urlRewrite({ hostname: 'elsewhere.example' })],
    backends: [weighted('example-svc', 80, 1)],
  }),
  headerCase('http-request-header-add.yaml', '/add-a-request-header', { add: { 'my-header-name': 'my-header-value' } }),
  headerCase('http-request-header-set.yaml', '/edit-a-request-header', { set: { 'my-header-name': 'my-new-header-value' } }),
  headerCase('http-request-header-remove.yaml', '/remove-a-request-header', { remove: ['x-request-id'] }),
  {
    files: ['http-request-mirroring/httproute-mirroring.yaml'],
    build: (app) => {
      const c = chartIn(app);
      new HttpRoute(c, 'http-filter-mirror', {
        labels: { gateway: 'mirror-gateway' },
        parents: [gatewayNamed(c, 'mirror-gateway')],
        hostnames: ['mirror.example'],
        rules: [{ backends: [svc('foo-v1', 8080)], filters: [HttpRouteFilter.requestMirror(svc('foo-v2', 8080))] }],
      });
    },
  },
  {
    files: ['cross-namespace-routing/gateway.yaml', 'cross-namespace-routing/site-route.yaml', 'cross-namespace-routing/store-route.yaml'],
    build: (app) => {
      const gateway = new Gateway(chartIn(app, 'infra-ns'), 'shared-gateway', {
        gatewayClassName: 'shared-gateway-class',
        listeners: [Listener.https({ hostname: 'foo.example.com', certificates: [SecretRef.named('foo-example-com')], allowedRoutes: AllowedRoutes.fromSelector({ 'shared-gateway-access': 'true' }) })],
      });
      const site = chartIn(app, 'site-ns');
      new HttpRoute(site, 'home', { parents: [gateway], rules: [{ backends: [svc('home', 8080)] }] });
      new HttpRoute(site, 'login', { parents: [gateway], rules: [{ matches: [{ path: PathMatch.prefix('/login') }], backends: [weighted('login-v1', 8080, 90), weighted('login-v2', 8080, 10)] }] });
      new HttpRoute(chartIn(app, 'store-ns'), 'store', { parents: [gateway], rules: [{ matches: [{ path: PathMatch.prefix('/store') }], backends: [svc('store', 8080)] }] });
    },
  },
  {
    files: ['http-route-attachment/gateway-namespaces.yaml', 'http-route-attachment/gateway-strict.yaml', 'http-route-attachment/httproute.yaml'],
    build: (app) => {
      const ns1 = chartIn(app, 'gateway-api-example-ns1');
      new Gateway(ns1, 'prod-gateway', {
        gatewayClassName: 'foo-lb',
        listeners: [Listener.http({ name: 'prod-web', allowedRoutes: AllowedRoutes.fromSelector({ 'expose-apps': 'true' }, { kinds: ['HTTPRoute'] }) })],
      });
      const strict = new Gateway(ns1, 'foo-gateway', {
        gatewayClassName: 'foo-lb',
        listeners: [Listener.http({ name: 'prod-web', allowedRoutes: AllowedRoutes.fromSelector({ 'kubernetes.io/metadata.name': 'gateway-api-example-ns2' }, { kinds: ['HTTPRoute'] }) })],
      });
      new HttpRoute(chartIn(app, 'gateway-api-example-ns2'), 'my-route', { parents: [strict], rules: [{ backends: [svc('foo-svc', 8080)] }] });
    },
  },
  {
    files: ['simple-http-https/gateway.yaml', 'simple-http-https/foo-route.yaml', 'simple-http-https/bar-route.yaml', 'simple-http-https/tls-redirect-route.yaml'],
    build: (app) => {
      const c = chartIn(app);
      const gateway = new Gateway(c, 'example-gateway', {
        gatewayClassName: 'prod',
        listeners: [
          Listener.http({ hostname: '*.example.com' }),
          Listener.https({ hostname: '*.example.com', certificates: [SecretRef.named('example-com')] }),
          Listener.https({ name: 'https-default-tls-mode', port: 8443, hostname: '*.foo.com', certificates: [SecretRef.named('foo-com')] }),
        ],
      });
      const https = gateway.listener('https');
      new HttpRoute(c, 'foo', {
        parents: [https],
        hostnames: ['foo.example.com'],
        rules: [
          { matches: [{ path: PathMatch.prefix('/') }], backends: [svc('foo-app', 80)] },
          { matches: [{ path: PathMatch.prefix('/orders') }], backends: [svc('foo-orders-app', 80)] },
        ],
      });
      new HttpRoute(c, 'bar', { parents: [https], hostnames: ['bar.example.com'], rules: [{ matches: [{ path: PathMatch.prefix('/') }], backends: [svc('bar-app', 80)] }] });
      new HttpRoute(c, 'tls-redirect', {
        parents: [gateway.listener('http')],
        hostnames: ['foo.example.com', 'bar.example.com'],
        rules: [{ filters: [HttpRouteFilter.requestRedirect({ scheme: 'https', port: 443 })] }],
      });
    },
  },
  {
    files: ['wildcard-tls-gateway.yaml'],
    build: (app) => {
      new Gateway(chartIn(app), 'wildcard-tls-gateway', {
        gatewayClassName: 'example',
        listeners: [
          Listener.https({ name: 'foo-https', hostname: 'foo.example.com', certificates: [SecretRef.named('foo-example-com-cert')] }),
          Listener.https({ name: 'wildcard-https', hostname: '*.example.com', certificates: [SecretRef.named('wildcard-example-com-cert')] }),
        ],
      });
    },
  },
  {
    files: ['tls-basic.yaml'],
    build: (app) => {
      new Gateway(chartIn(app), 'tls-basic', {
        gatewayClassName: 'example',
        listeners: [
          Listener.https({ name: 'foo-https', hostname: 'foo.example.com', certificates: [SecretRef.named('foo-example-com-cert')] }),
          Listener.https({ name: 'bar-https', hostname: 'bar.example.com', certificates: [SecretRef.named('bar-example-com-cert')] }),
        ],
      });
    },
  },
  {
    files: ['tls-cert-cross-namespace.yaml'],
    build: (app) => {
      new Gateway(chartIn(app, 'gateway-api-example-ns1'), 'cross-namespace-tls-gateway', {
        gatewayClassName: 'example',
        listeners: [Listener.https({ hostname: '*.example.com', certificates: [SecretRef.named('wildcard-example-com-cert', { namespace: 'gateway-api-example-ns2' })] })],
      });
      new ReferenceGrant(chartIn(app, 'gateway-api-example-ns2'), 'allow-ns1-gateways-to-ref-secrets', {
        from: [{ kind: 'Gateway', namespace: 'gateway-api-example-ns1' }],
        to: [{ kind: 'Secret' }],
      });
    },
  },
  {
    files: ['gateway-addresses.yaml'],
    build: (app) => {
      new Gateway(chartIn(app), 'gateway-addresses', {
        gatewayClassName: 'example',
        addresses: [
          ...['1200:0000:AB00:1234:0000:2552:7777:1313', '21DA:D3:0:2F3B:2AA:FF:FE28:9C5A', '2001:db8:3c4d:15:0:d234:3eee::', '1234::'].map(GatewayAddress.ipAddress),
          ...['1.1.1.1', '1.2.3.4', '0.0.0.0', '9.255.255.255', '11.0.0.0', '255.255.255.255'].map(GatewayAddress.ipAddress),
          GatewayAddress.hostname('example.com'),
        ],
        listeners: [Listener.http({ name: 'prod-web-gw', allowedRoutes: AllowedRoutes.sameNamespace() })],
      });
    },
  },
  {
    files: ['backend-tls.yaml'],
    build: (app) => {
      new Gateway(chartIn(app), 'backend-tls', {
        gatewayClassName: 'acme-lb',
        backendClientCertificate: SecretRef.named('foo-example-cert'),
        listeners: [Listener.http({ name: 'foo-http', hostname: 'foo.example.com' })],
      });
    },
  },
  {
    files: ['frontend-cert-validation.yaml'],
    build: (app) => {
      new Gateway(chartIn(app), 'client-validation-basic', {
        gatewayClassName: 'acme-lb',
        clientCertificateValidation: {
          caBundles: [{ configMapName: 'foo-example-com-ca-cert' }],
          perPort: [{ port: 8443, caBundles: [{ configMapName: 'bar-example-com-ca-cert' }] }],
        },
        listeners: [
          Listener.https({ name: 'foo-https', hostname: 'foo.example.com', certificates: [SecretRef.named('foo-example-com-cert')] }),
          Listener.https({ name: 'bar-https', port: 8443, hostname: 'bar.example.com', certificates: [SecretRef.named('bar-example-com-cert')] }),
        ],
      });
    },
  },
  corsCase('http-cors/httproute-all-origins-no-creds.yaml', '/cors-behavior-creds-false', { allowOrigins: ['*'], allowCredentials: false }),
  corsCase('http-cors/httproute-credentials-true.yaml', '/cors-behavior-creds-true', { allowOrigins: ['https://app.example'], allowCredentials: true }),
  corsCase('http-cors/httproute-origins-with-wildcards-no-creds.yaml', '/cors-behavior-creds-false', {
    allowOrigins: ['https://www.baz.com', 'https://*.bar.com', 'https://*.foo.com'],
    allowCredentials: false,
  }),
  corsCase('http-cors/httproute-specific-origin-no-creds.yaml', '/cors-behavior-creds-false', { allowOrigins: ['https://app.example'], allowCredentials: false }),
  {
    files: ['grpc-routing/gateway.yaml', 'grpc-routing/foo-grpcroute.yaml', 'grpc-routing/bar-grpcroute.yaml'],
    build: (app) => {
      const c = chartIn(app);
      const gateway = new Gateway(c, 'example-gateway', {
        gatewayClassName: 'example-gateway-class',
        listeners: [Listener.https({ name: 'grpc', port: 50051, certificates: [SecretRef.named('example-com-cert')] })],
      });
      new GrpcRoute(c, 'example-route', { parents: [gateway], hostnames: ['example.com'], rules: [{ backends: [svc('example-svc', 50051)] }] });
      new GrpcRoute(c, 'foo-route', { parents: [gateway], hostnames: ['foo.example.com'], rules: [{ matches: [{ method: GrpcMethodMatch.exact('com.example', 'Login') }], backends: [svc('foo-svc', 50051)] }] });
      new GrpcRoute(c, 'bar-route', {
        parents: [gateway],
        hostnames: ['bar.example.com'],
        rules: [{ matches: [{ headers: [HeaderMatch.exact('env', 'canary')] }], backends: [svc('bar-svc-canary', 50051)] }, { backends: [svc('bar-svc', 50051)] }],
      });
    },
  },
  {
    files: ['grpc-routing/reflection-grpcroute.yaml'],
    build: (app) => {
      const c = chartIn(app);
      new GrpcRoute(c, 'foo-route', {
        parents: [gatewayNamed(c, 'example-gateway')],
        hostnames: ['foo.example.com'],
        rules: [
          { matches: [{ method: GrpcMethodMatch.exact('com.example.User', 'Login') }], backends: [svc('foo-svc', 50051)] },
          { matches: [{ method: GrpcMethodMatch.exact('grpc.reflection.v1.ServerReflection') }], backends: [svc('foo-svc', 50051)] },
        ],
      });
    },
  },
  {
    files: ['reference-grant.yaml'],
    build: (app) => {
      new ReferenceGrant(chartIn(app), 'allow-prod-traffic', { from: [{ kind: 'HTTPRoute', namespace: 'prod' }], to: [{ kind: 'Service' }] });
    },
  },
  {
    files: ['basic-http.yaml'],
    build: (app) => {
      const c = chartIn(app);
      const gateway = new Gateway(c, 'my-gateway', { gatewayClassName: 'example', listeners: [Listener.http()] });
      new HttpRoute(c, 'http-app-1', {
        parents: [gateway],
        hostnames: ['foo.com'],
        rules: [
          { matches: [{ path: PathMatch.prefix('/bar') }], backends: [svc('my-service1', 8080)] },
          {
            matches: [{ headers: [HeaderMatch.exact('magic', 'foo')], queryParams: [QueryParamMatch.exact('great', 'example')], path: PathMatch.prefix('/some/thing'), method: 'GET' }],
            backends: [svc('my-service2', 8080)],
          },
        ],
      });
    },
  },
  {
    files: ['basic-grpc.yaml'],
    build: (app) => {
      const c = chartIn(app);
      const gateway = new Gateway(c, 'my-gateway', { gatewayClassName: 'example', listeners: [Listener.https({ port: 50051, certificates: [SecretRef.named('example-com-cert')] })] });
      new GrpcRoute(c, 'grpc-app-1', {
        parents: [gateway],
        hostnames: ['example.com'],
        rules: [
          { matches: [{ method: GrpcMethodMatch.exact('com.example.User', 'Login') }], backends: [svc('my-service1', 50051)] },
          { matches: [{ headers: [HeaderMatch.exact('magic', 'foo')], method: GrpcMethodMatch.exact('com.example.Things', 'DoThing') }], backends: [svc('my-service2', 50051)] },
        ],
      });
    },
  },
  {
    files: ['default-match-http.yaml'],
    build: (app) => {
      const c = chartIn(app);
      const gateway = new Gateway(c, 'default-match-gw', { gatewayClassName: 'default-match-example', listeners: [Listener.http()] });
      new HttpRoute(c, 'default-match-route', {
        labels: { app: 'default-match' },
        parents: [gateway],
        hostnames: ['default-match.com'],
        rules: [
          { matches: [{ headers: [HeaderMatch.exact('magic', 'default-match')] }], backends: [Backend.ref({ group: 'acme.io', kind: 'CustomBackend', name: 'my-custom-resource', port: 8080 })] },
          { matches: [{ path: PathMatch.exact('/example/exact') }], backends: [svc('my-service-2', 8080)] },
        ],
      });
    },
  },
  {
    files: ['http-redirect.yaml'],
    build: (app) => {
      const c = chartIn(app, 'gateway-api-example-ns1');
      const gateway = new Gateway(c, 'my-filter-gateway', { gatewayClassName: 'filter-lb', listeners: [Listener.http(), Listener.https({ certificates: [SecretRef.named('example-com-cert')] })] });
      new HttpRoute(c, 'http-filter-1', { parents: [gateway.listener('http')], hostnames: ['my-filter.example.com'], rules: [{ filters: [HttpRouteFilter.requestRedirect({ scheme: 'https' })] }] });
      new HttpRoute(c, 'http-filter-2', {
        parents: [gateway.listener('https')],
        hostnames: ['my-filter.example.com'],
        rules: [{ matches: [{ path: PathMatch.prefix('/') }], backends: [weighted('my-filter-svc1', 80, 1)] }],
      });
    },
  },
  ...(
    [
      ['http-redirect-path.yaml', HttpRouteFilter.requestRedirect({ path: PathModifier.replaceFullPath('/foo') })],
      ['http-rewrite.yaml', HttpRouteFilter.urlRewrite({ path: PathModifier.replaceFullPath('/foo') })],
    ] as const
  ).map(
    ([file, filter]): Case => ({
      files: [file],
      build: (app) => {
        const c = chartIn(app, 'gateway-api-example-ns1');
        const gateway = Gateway.fromGatewayName(c, 'my-filter-gateway', 'my-filter-gateway', { namespace: 'gateway-api-example-ns1', listenerNames: ['http', 'https'] });
        new HttpRoute(c, 'http-filter-1', { parents: [gateway.listener('http')], hostnames: ['my-filter.example.com'], rules: [{ filters: [filter] }] });
      },
    }),
  ),
  {
    files: ['http-filter.yaml'],
    build: (app, attach) => {
      const c = chartIn(app);
      new HttpRoute(c, 'http-filter-1', {
        parents: attach(c),
        hostnames: ['my.filter.com'],
        rules: [{ filters: [HttpRouteFilter.requestHeaderModifier({ add: { 'my-header': 'foo' } })], backends: [weighted('my-filter-svc1', 80, 1)] }],
      });
    },
    extras: { 'HTTPRoute/http-filter-1': [ADDED_PARENT] },
  },
  {
    files: ['grpc-filter.yaml'],
    build: (app, attach) => {
      const c = chartIn(app);
      new GrpcRoute(c, 'grpc-filter-1', {
        parents: attach(c),
        hostnames: ['my.filter.com'],
        rules: [{ requestHeaders: { add: { 'my-header': 'foo' } }, backends: [weighted('my-filter-svc1', 50051, 1)] }],
      });
    },
    extras: { 'GRPCRoute/grpc-filter-1': [ADDED_PARENT] },
  },
  {
    files: ['httproute.yaml'],
    build: (app, attach) => {
      const c = chartIn(app);
      new HttpRoute(c, 'my-app', {
        parents: attach(c),
        rules: [
          { matches: [{ path: PathMatch.prefix('/mypath') }], backends: [svc('my-service-1', 8080)] },
          { matches: [{ path: PathMatch.prefix('/mypath-012') }], backends: [svc('my-service-2', 8080)] },
          { matches: [{ path: PathMatch.prefix('/my%20path/123') }], backends: [svc('my-service-3', 8080)] },
        ],
      });
    },
    extras: { 'HTTPRoute/my-app': [ADDED_PARENT] },
  },
  {
    files: ['traffic-splitting/simple-split.yaml'],
    build: (app, attach) => {
      const c = chartIn(app);
      new HttpRoute(c, 'simple-split', { parents: attach(c), rules: [{ backends: [weighted('foo-v1', 8080, 90), weighted('foo-v2', 8080, 10)] }] });
    },
    extras: { 'HTTPRoute/simple-split': [ADDED_PARENT] },
  },
  fooRouteSplit('traffic-split-1.yaml', [{ backends: [svc('foo-v1', 8080)] }, { matches: [{ headers: [HeaderMatch.exact('traffic', 'test')] }], backends: [svc('foo-v2', 8080)] }]),
  fooRouteSplit('traffic-split-2.yaml', [{ backends: [weighted('foo-v1', 8080, 90), weighted('foo-v2', 8080, 10)] }]),
  fooRouteSplit('traffic-split-3.yaml', [{ backends: [weighted('foo-v1', 8080, 0), weighted('foo-v2', 8080, 1)] }]),
  {
    files: ['traffic-splitting/grpc-traffic-split-2.yaml'],
    build: (app, attach) => {
      const c = chartIn(app);
      new GrpcRoute(c, 'foo-route', {
        labels: { gateway: 'prod-web-gw' },
        parents: attach(c),
        hostnames: ['foo.example.com'],
        rules: [{ backends: [weighted('foo-v1', 50051, 90), weighted('foo-v2', 50051, 10)] }],
      });
    },
    extras: { 'GRPCRoute/foo-route': [ADDED_PARENT] },
  },
  externalHttpStore('httproute-hybrid.yaml', [
    { backends: [weighted('store', 8080, 90), { backend: serviceImport('store-global', { port: 8080 }), weight: 10 }] },
  ]),
  externalHttpStore('httproute-location.yaml', [
    { matches: [{ path: PathMatch.prefix('/west') }], backends: [serviceImport('store-west', { port: 8080 })] },
    { matches: [{ path: PathMatch.prefix('/east') }], backends: [serviceImport('store-east', { port: 8080 })] },
    { backends: [serviceImport('store', { port: 8080 })] },
  ]),
  externalHttpStore('httproute-simple.yaml', [{ backends: [serviceImport('store', { port: 8080 })] }]),
  {
    files: ['multicluster/httproute-method.yaml'],
    build: (app) => {
      const c = chartIn(app);
      new HttpRoute(c, 'api', {
        parents: [gatewayNamed(c, 'api-gw')],
        rules: [
          { matches: [{ method: 'POST' }, { method: 'PUT' }, { method: 'DELETE' }], backends: [serviceImport('api-primary', { port: 8080 })] },
          { backends: [serviceImport('api-replicas', { port: 8080 })] },
        ],
      });
    },
  },
  {
    files: ['multicluster/httproute-referencegrant.yaml'],
    build: (app, attach) => {
      const foo = chartIn(app, 'foo');
      new HttpRoute(foo, 'foo', { parents: attach(foo), rules: [{ matches: [{ path: PathMatch.prefix('/bar') }], backends: [serviceImport('bar', { namespace: 'bar' })] }] });
      new ReferenceGrant(chartIn(app, 'bar'), 'bar', { from: [{ kind: 'HTTPRoute', namespace: 'foo' }], to: [{ group: 'multicluster.x-k8s.io', kind: 'ServiceImport' }] });
    },
    extras: { 'HTTPRoute/foo/foo': [ADDED_PARENT] },
  },
];

/** Parents for upstream routes without parentRefs: a Gateway of the route's namespace. */
const attachToGateway: Attach = (chart) => [Gateway.fromGatewayName(chart, 'added-parent', 'example-gateway')];

function upstreamObjects(c: Case): Json[] {
  return c.files.flatMap((f) => readObjects(path.join(EXAMPLES, f)));
}

/** Every object the app's charts synthesize (construct validations run first). */
function synth(app: App): Json[] {
  return app.charts.flatMap((chart) => chart.toJson() as Json[]);
}

/** Every YAML file under `dir`, relative to it. */
function yamlFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

describe('upstream Gateway API examples rebuilt through Gateway, HttpRoute, GrpcRoute and ReferenceGrant', () => {
  it('every file of the folder is rebuilt once or skipped with a reason, never both', () => {
    const rebuilt = CASES.flatMap((c) => c.files);
    expect(new Set(rebuilt).size, 'a file is rebuilt twice').toBe(rebuilt.length);
    expect(rebuilt.filter((f) => f in SKIPPED), 'rebuilt and skipped').toEqual([]);
    expect([...rebuilt, ...Object.keys(SKIPPED)].sort()).toEqual(yamlFilesUnder(EXAMPLES));
  });

  it('covers at least 12 files: multi-listener Gateways, header matches, weights, redirects, rewrites, cross-namespace parents', () => {
    const objects = CASES.flatMap(upstreamObjects);
    const text = JSON.stringify(objects);
    expect(CASES.flatMap((c) => c.files).length).toBeGreaterThanOrEqual(12);
    const gateways = objects.filter((o) => o.kind === 'Gateway');
    expect(gateways.some((g) => ((g.spec as Json).listeners as unknown[]).length >= 3)).toBe(true);
    for (const needle of ['"headers":', '"weight":90', '"statusCode":301', '"statusCode":303', '"statusCode":307', '"statusCode":308', '"ReplaceFullPath"', '"ReplacePrefixMatch"', '"URLRewrite"', '"RequestMirror"', '"CORS"', '"sectionName":"https"', '"namespace":"infra-ns"']) {
      expect(text, needle).toContain(needle);
    }
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Gateway', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant']));
  });

  for (const c of CASES) {
    it(c.files.join(' + '), () => {
      const upstream = upstreamObjects(c);
      for (const o of upstream.filter((x) => (x.kind as string) in NOT_REBUILT_KINDS)) expect(NOT_REBUILT_KINDS).toHaveProperty([o.kind as string]);
      const expected = upstream.filter((o) => !((o.kind as string) in NOT_REBUILT_KINDS));

      const app = Testing.app();
      c.build(app, attachToGateway);
      const ours = synth(app);
      expect(ours.map(objectKey).sort(), 'the objects we build').toEqual(expected.map(objectKey).sort());

      for (const theirs of expected) {
        const key = objectKey(theirs);
        const mine = ours.find((o) => objectKey(o) === key)!;
        expect(validateObject(mine).map(formatIssue), `${key} is valid`).toEqual([]);
        const { missing, extra } = compareWithUpstream(theirs, mine);
        expect(missing, `${key}: upstream fields we do not reproduce`).toEqual([]);
        const allowed = c.extras?.[key] ?? [];
        expect(extra, `${key}: fields we add`).toEqual([...allowed].sort());
        for (const p of allowed) expect(Object.keys(ALLOWED_EXTRAS).some((pattern) => matchesPattern(p, pattern)), `${p} is documented in ALLOWED_EXTRAS`).toBe(true);
      }
    });
  }

  it('the comparison fails on a changed, a missing or an added field, and ignores explicit defaults only', () => {
    const [route] = readObjects(path.join(EXAMPLES, 'cross-namespace-routing/site-route.yaml'));
    const copy = () => structuredClone(route) as any;
    expect(compareWithUpstream(route, copy())).toEqual({ missing: [], extra: [] });
    const withDefaults = copy();
    withDefaults.spec.rules[0].backendRefs[0].weight = 1;
    withDefaults.spec.parentRefs[0].kind = 'Gateway';
    expect(compareWithUpstream(route, withDefaults)).toEqual({ missing: [], extra: [] });
    const changed = copy();
    changed.spec.rules[0].backendRefs[0].port = 8081;
    expect(compareWithUpstream(route, changed).missing).toEqual(['spec.rules[0].backendRefs[0].port: upstream 8080 ≠ ours 8081']);
    const dropped = copy();
    delete dropped.spec.parentRefs[0].namespace;
    expect(compareWithUpstream(route, dropped).missing).toEqual(['spec.parentRefs[0].namespace: upstream "infra-ns" ≠ ours undefined']);
    const added = copy();
    added.spec.hostnames = ['home.example.com'];
    added.metadata.labels = { team: 'a' };
    expect(compareWithUpstream(route, added)).toEqual({ missing: [], extra: ['metadata.labels.team', 'spec.hostnames'] });
  });

  it('routes without parentRefs upstream are refused when built as written (no parent)', () => {
    const parentless = CASES.filter((c) => Object.values(c.extras ?? {}).some((paths) => paths.includes(ADDED_PARENT)));
    expect(parentless.length).toBeGreaterThanOrEqual(10);
    for (const c of parentless) {
      const routes = upstreamObjects(c).filter((o) => (o.kind as string).endsWith('Route'));
      expect(routes.every((r) => isObject(r.spec) && r.spec.parentRefs === undefined), `${c.files.join()} has no parentRefs upstream`).toBe(true);
      const app = Testing.app();
      c.build(app, () => []);
      expect(() => synth(app), c.files.join()).toThrow(/spec\.parentRefs is empty, so the route attaches nowhere/);
    }
  });
});
