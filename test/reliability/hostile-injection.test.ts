/**
 * Issue 14, section 2: nothing that widens access or injects. Records
 * holding keys JavaScript objects reserve, header and path injection,
 * CORS origins, regular expressions and storage URIs, each refused through
 * the public API with the rule that forbids it: where, which field, the
 * value received and how to fix it. (Catalog files and backend namespaces:
 * hostile-injection-catalog.test.ts.)
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { Namespace } from '../../src/core/namespace';
import { NetworkPeer } from '../../src/core/network-peer';
import { Platform } from '../../src/core/platform';
import { SecretRef } from '../../src/core/secret-ref';
import { ApplicationSet } from '../../src/delivery/argocd';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { AccessPolicy } from '../../src/policy/access-policy';
import { ApiKeyAuth, JwtAuth } from '../../src/policy/authentication';
import { BackendTrafficPolicy, HeaderSelector, PolicyTarget as EgPolicyTarget } from '../../src/policy/envoy-gateway';
import { KongPlugin } from '../../src/policy/kong';
import { AuthPolicy, Kuadrant, PolicyTarget, PolicyTarget as KuadrantPolicyTarget, RateLimitPolicy } from '../../src/policy/kuadrant';
import { RateLimit, RateLimitMode } from '../../src/policy/rate-limit';
import { Tier } from '../../src/policy/tier';
import { HttpRouteFilter, PathModifier } from '../../src/routing/filter';
import { GrpcMethodMatch, GrpcRoute } from '../../src/routing/grpc-route';
import { HttpRoute } from '../../src/routing/http-route';
import { HeaderMatch, PathMatch, QueryParamMatch } from '../../src/routing/match';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat } from '../../src/serving/model-format';
import { Storage } from '../../src/serving/storage';
import { findObject, setup, synthObjects } from '../util';
import { egPlatform } from '../policy/envoy-gateway/fixture';
import { istioPlatform } from '../policy/kuadrant/fixture';
import { expectRefused } from './hostile-helpers';

const RESOURCES = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
const RESERVED = 'is a key that JavaScript objects reserve (__proto__, constructor, prototype): it would be dropped when rendered or change what the record means';
const RESERVED_FIX = 'remove the key, or rename it';



/** An own `__proto__` key, as JSON.parse and YAML parsers make it (an object literal would set the prototype instead). */
const protoKey = (value: unknown): Record<string, never> => JSON.parse(JSON.stringify({ PROTO: value }).replace('"PROTO"', '"__proto__"'));

function edge(provider = GatewayProvider.KGATEWAY) {
  const { app, ns, platform } = setup(['edge', 'models']);
  const gateway = new Gateway(ns.edge, 'gw', { provider, listeners: [Listener.https({ certificates: [SecretRef.named('gw-tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })] });
  return { app, ns, platform, gateway };
}

describe('records: __proto__, constructor and prototype keys', () => {
  it('an API-key selector with an own __proto__ key is refused (it rendered matchLabels: {}, every Secret Authorino watches a key)', () => {
    const selector = protoKey('x');
    expect(Object.keys(selector)).toEqual(['__proto__']);
    expectRefused(() => ApiKeyAuth.fromLabeledSecrets({ selector }), 'ApiKeyAuth.fromLabeledSecrets', 'selector.__proto__', RESERVED, '"__proto__"', RESERVED_FIX);
    expectRefused(() => ApiKeyAuth.fromExternalSecrets({ secretStore: { name: 'vault' }, holders: [{ userId: 'a', tier: 'basic', remoteKey: 'keys/a' }], selector: { constructor: 'x' } as never }), 'ApiKeyAuth.fromExternalSecrets', 'selector.constructor', RESERVED, '"constructor"', RESERVED_FIX);
  });

  it('an API-key selector whose labels come only from its prototype is empty, as rendered', () => {
    const selector = Object.create({ app: 'llm-keys' }) as Record<string, string>;
    expectRefused(() => ApiKeyAuth.fromLabeledSecrets({ selector }), 'ApiKeyAuth.fromLabeledSecrets', 'selector', 'is empty: every Secret the engine watches would be an API key', '{}', 'select the key Secrets by at least one label');
  });

  it('a valid labelled-Secrets selector still renders through Kuadrant', () => {
    const fx = istioPlatform();
    new Kuadrant(fx.ns['kuadrant-system'], 'kuadrant');
    const keys = ApiKeyAuth.fromLabeledSecrets({ selector: JSON.parse('{"app":"llm-keys"}') });
    new AccessPolicy(fx.ns.llm, 'maas', { gateway: fx.gateway, routes: [fx.qwen3, fx.granite], authentication: [keys], tiers: [new Tier('basic', { limits: [RateLimit.perMinute(10)] })], rateLimitMode: RateLimitMode.GLOBAL });
    const spec = findObject(synthObjects(fx.app), 'AuthPolicy', 'maas-qwen3', 'llm').spec;
    expect(spec.rules.authentication['api-key'].apiKey).toEqual({ selector: { matchLabels: { app: 'llm-keys' } } });
  });

  it("a Kuadrant AuthPolicy rule with __proto__ in its API-key matchLabels, or named __proto__, is refused", () => {
    const fx = istioPlatform({ requireAccessPolicies: false });
    const auth = new AuthPolicy(fx.ns.llm, 'auth', { target: PolicyTarget.route(fx.qwen3) });
    expectRefused(() => auth.addAuthentication('keys', { apiKey: { selector: { matchLabels: protoKey('x') } } }), 'test/llm/auth', 'rules.authentication.keys.apiKey.selector.matchLabels.__proto__', RESERVED, '"__proto__"', RESERVED_FIX);
    expectRefused(() => auth.addAuthentication('__proto__', { apiKey: { selector: { matchLabels: { app: 'x' } } } }), 'test/llm/auth', 'rules.authentication.__proto__', RESERVED, '"__proto__"', RESERVED_FIX);
  });

  it('labels and annotations of constructs: a reserved key is refused, not dropped', () => {
    const f = edge();
    expectRefused(
      () => new HttpRoute(f.ns.models, 'r', { parents: [f.gateway.listener('https')], rules: [{ backends: [Backend.service('svc', 80)] }], labels: protoKey('x') }),
      'test/models/r',
      'labels.__proto__',
      RESERVED,
      '"__proto__"',
      RESERVED_FIX,
    );
    expectRefused(() => new Namespace(setup([]).platform, 'team', { annotations: { prototype: 'x' } }), 'test/team', 'annotations.prototype', RESERVED, '"prototype"', RESERVED_FIX);
    expectRefused(() => new Platform(Testing.app(), 'p', { labels: protoKey('x') }), 'p', 'labels.__proto__', RESERVED, '"__proto__"', RESERVED_FIX);
  });

  it('selectors that open traffic: NetworkPolicy pods, NetworkPeer.pods, AllowedRoutes.fromSelector', () => {
    const { ns } = setup(['models']);
    expectRefused(() => ns.models.allowIngress('web', { pods: protoKey('x'), peers: [NetworkPeer.namespace('edge')] }), 'test/models', 'allow-web.pods.__proto__', RESERVED, '"__proto__"', RESERVED_FIX);
    expectRefused(() => NetworkPeer.pods('edge', protoKey('x')), 'NetworkPeer.pods', 'selector.__proto__', RESERVED, '"__proto__"', RESERVED_FIX);
    expectRefused(() => AllowedRoutes.fromSelector(protoKey('x')), 'AllowedRoutes.fromSelector', 'matchLabels.__proto__', RESERVED, '"__proto__"', RESERVED_FIX);
  });

  it('a Kong plugin config with a nested __proto__ key is refused (it set the copy’s prototype: an empty config)', () => {
    const { ns } = setup(['kong']);
    expectRefused(() => new KongPlugin(ns.kong, 'p', { plugin: 'request-size-limiting', config: { limits: protoKey({ allowed_payload_size: 1 }) } }), 'test/kong/p', 'config.limits.__proto__', RESERVED, '"__proto__"', RESERVED_FIX);
  });

  it('environment, pod annotations and header maps: reserved keys refused', () => {
    const { ns } = setup(['models']);
    expectRefused(() => new InferenceService(ns.models, 'a', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris'), resources: RESOURCES, env: protoKey('x') }) }), 'test/models/a', 'env.__proto__', RESERVED, '"__proto__"', RESERVED_FIX);
    expectRefused(() => new InferenceService(ns.models, 'b', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris'), resources: RESOURCES }), podAnnotations: { constructor: 'x' } as never }), 'test/models/b', 'podAnnotations.constructor', RESERVED, '"constructor"', RESERVED_FIX);
    expectRefused(() => new InferenceService(ns.models, 'n', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris'), resources: RESOURCES }), nodeSelector: { constructor: 'gpu' } as never }), 'test/models/n', 'nodeSelector.constructor', RESERVED, '"constructor"', RESERVED_FIX);
    expectRefused(() => HttpRouteFilter.requestHeaderModifier({ set: protoKey('x') }), 'HttpRouteFilter.requestHeaderModifier', 'set.__proto__', RESERVED, '"__proto__"', RESERVED_FIX);
    expectRefused(() => new JwtAuth({ issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks', claimsToHeaders: protoKey('x-user') }).check('test/access', 'jwt'), 'test/access', 'jwt.claimsToHeaders.__proto__', RESERVED, '"__proto__"', RESERVED_FIX);
  });

  it("enum-like names are looked up as own keys: 'constructor' is no rate-limit unit, Kong protocol or Kuadrant limit name", () => {
    const fx = egPlatform({ requireAccessPolicies: false });
    const btp = new BackendTrafficPolicy(fx.ns.models, 'limits', { targets: [EgPolicyTarget.route(fx.iris)] });
    expectRefused(() => btp.addGlobalRateLimit({ clientSelectors: [{ headers: [HeaderSelector.distinct('x-user-id')] }], requests: 1, unit: 'constructor' as never }), 'test/models/limits', 'globalRateLimits[0].unit', 'must be one of', '"constructor"', "use e.g. unit: 'Minute'");
    const { ns } = setup(['kong']);
    expectRefused(() => new KongPlugin(ns.kong, 'p', { plugin: 'cors', protocols: ['constructor' as never] }), 'test/kong/p', 'protocols[0]', 'must be one of', '"constructor"', "use e.g. 'https'");
    const kq = istioPlatform({ requireAccessPolicies: false });
    const rlp = new RateLimitPolicy(kq.ns.llm, 'rl', { target: KuadrantPolicyTarget.route(kq.qwen3) });
    expectRefused(() => rlp.addLimit('constructor', { rates: [{ limit: 1, window: '1m' }] }), 'test/llm/rl', 'limits.constructor', RESERVED, '"constructor"', RESERVED_FIX);
  });

  it("an ApplicationSet override may not name an inherited value ('constructor' was found by the in operator)", () => {
    const { ns } = setup(['argocd']);
    expectRefused(
      () =>
        new ApplicationSet(ns.argocd, 'set', {
          project: 'models',
          repoUrl: 'https://git.example.com/repo.git',
          path: 'dist/maas',
          namespace: 'llm',
          clusterSelector: { env: 'prod' },
          values: {},
          overrides: [{ kind: 'InferenceService', path: '/spec/predictor/minReplicas', value: 'constructor' }],
        }),
      'test/argocd/set',
      'overrides',
      "uses value 'constructor' that the generator does not define",
      '"constructor"',
      "add it to values: { constructor: '...' }",
    );
  });
});

describe('headers: CR, LF and NUL (RFC 9110 section 5.5)', () => {
  const RFC = /holds the control character (CR|LF|NUL), which RFC 9110 \(section 5\.5\) forbids in a header value/;
  const FIX = 'remove the line breaks and control characters; send one value per header';

  it('header filter values with CR LF (a second header injected) or NUL are refused, HTTP and gRPC', () => {
    expectRefused(() => HttpRouteFilter.requestHeaderModifier({ set: { 'x-tenant': 'a\r\nx-admin: true' } }), 'HttpRouteFilter.requestHeaderModifier', 'set.x-tenant', RFC, '"a\\r\\nx-admin: true"', FIX);
    expectRefused(() => HttpRouteFilter.responseHeaderModifier({ add: { 'x-served-by': 'kong\u0000' } }), 'HttpRouteFilter.responseHeaderModifier', 'add.x-served-by', /control character NUL/, '"kong\\u0000"', FIX);
    expectRefused(() => HttpRouteFilter.requestHeaderModifier({ remove: ['x-a\r\nx-b'] }), 'HttpRouteFilter.requestHeaderModifier', 'remove[0]', 'must be an HTTP header name', '"x-a\\r\\nx-b"', 'use e.g. x-user-id');
    const f = edge();
    expectRefused(
      () => new GrpcRoute(f.ns.models, 'g', { parents: [f.gateway.listener('https')], rules: [{ backends: [{ backend: Backend.service('svc', 9000) }], requestHeaders: { set: { 'x-a': 'b\nc' } } }] }),
      'test/models/g',
      'rules[0].requestHeaders.set.x-a',
      /control character LF/,
      '"b\\nc"',
      FIX,
    );
  });

  it('header and query matches with CR, LF or NUL are refused', () => {
    expectRefused(() => HeaderMatch.exact('x-tenant', 'a\r\nb'), 'HeaderMatch.exact', 'value', RFC, '"a\\r\\nb"', FIX);
    expectRefused(() => HeaderMatch.exact('x-a\nb', 'v'), 'HeaderMatch.exact', 'name', 'must be an HTTP header name', '"x-a\\nb"', 'use e.g. x-user-id');
    expectRefused(() => QueryParamMatch.exact('model', 'iris\u0000'), 'QueryParamMatch.exact', 'value', /control character NUL/, '"iris\\u0000"', FIX);
  });

  it('CORS allowed and exposed headers must be header names', () => {
    expectRefused(() => HttpRouteFilter.cors({ allowOrigins: ['https://app.example.com'], allowHeaders: ['content-type\r\nx-evil: 1'] }), 'HttpRouteFilter.cors', 'allowHeaders[0]', 'must be an HTTP header name', '"content-type\\r\\nx-evil: 1"', 'use e.g. x-user-id');
    expectRefused(() => HttpRouteFilter.cors({ allowOrigins: ['https://app.example.com'], exposeHeaders: ['x-a\u0000'] }), 'HttpRouteFilter.cors', 'exposeHeaders[0]', 'must be an HTTP header name', '"x-a\\u0000"', 'use e.g. x-user-id');
    const { ns } = setup(['kong']);
    expectRefused(() => KongPlugin.cors(ns.kong, 'c', { origins: ['https://app.example.com'], headers: ['a\nb'] }), 'test/kong/c', 'config.headers[0]', 'must be an HTTP header name', '"a\\nb"', 'use e.g. x-user-id');
  });

  it("Kong transformer values with NUL are refused (line breaks already were)", () => {
    const { ns } = setup(['kong']);
    expectRefused(() => KongPlugin.requestTransformer(ns.kong, 't', { add: { headers: { 'x-source': 'kong\u0000admin' } } }), 'test/kong/t', 'config.add.headers.x-source', /control character NUL/, '"kong\\u0000admin"', FIX);
  });
});

describe('paths: NUL, CR, LF, dot segments and encoded dots', () => {
  it("route path matches with '..', encoded dots or slashes, or NUL are refused", () => {
    expectRefused(() => PathMatch.prefix('/public/../admin'), 'PathMatch.prefix', 'value', "holds a '.' or '..' segment, which is normalized away (RFC 3986 remove_dot_segments)", '"/public/../admin"', "write the normalized prefix, e.g. '/v2/models/iris'");
    expectRefused(() => PathMatch.prefix('/public/%2e%2e/admin'), 'PathMatch.prefix', 'value', 'holds the encoded character %2e', '"/public/%2e%2e/admin"', "write the normalized prefix");
    expectRefused(() => PathMatch.exact('/v1/%2Fadmin'), 'PathMatch.exact', 'value', 'holds the encoded character %2F', '"/v1/%2Fadmin"', "write the normalized path");
    expectRefused(() => PathMatch.exact('/v1/models\u0000'), 'PathMatch.exact', 'value', 'holds the control character NUL', '"/v1/models\\u0000"', 'write the normalized path');
    expect(PathMatch.prefix('/v2/models/iris').value).toBe('/v2/models/iris');
  });

  it('path modifiers with dot segments or CR LF are refused', () => {
    expectRefused(() => PathModifier.replaceFullPath('/v1/../../admin'), 'PathModifier.replaceFullPath', 'path', "holds a '.' or '..' segment", '"/v1/../../admin"', "write the normalized path, e.g. '/v1/chat/completions'");
    expectRefused(() => PathModifier.replacePrefixMatch('/v1\r\nHost: evil'), 'PathModifier.replacePrefixMatch', 'prefix', 'holds the control character CR', '"/v1\\r\\nHost: evil"', "write the normalized prefix, e.g. '/v1'");
  });

  it('tier path prefixes with dot segments are refused', () => {
    const f = edge(GatewayProvider.ENVOY_GATEWAY);
    const r = new HttpRoute(f.ns.models, 'iris', { parents: [f.gateway.listener('https')], rules: [{ backends: [Backend.service('iris', 80)] }] });
    expectRefused(
      () =>
        new AccessPolicy(f.ns.models, 'access', {
          gateway: f.gateway,
          routes: [r],
          authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: { name: 'vault' }, holders: [{ userId: 'alice', tier: 'basic', remoteKey: 'api-keys/alice' }] })],
          tiers: [new Tier('basic', { limits: [RateLimit.perMinute(10)], pathPrefixes: ['/iris/../admin'] })],
          rateLimitMode: RateLimitMode.LOCAL,
        }),
      'test/models/access',
      'tiers[0](basic).pathPrefixes[0]',
      "holds a '.' or '..' segment",
      '"/iris/../admin"',
      "write the normalized prefix, e.g. '/qwen3/v1'",
    );
  });

  it("pvc:// paths with '..' or encoded dots are refused (they could leave the claim's mount)", () => {
    const { ns } = setup(['models']);
    const isvc = (id: string, storage: Storage) => new InferenceService(ns.models, id, { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage, resources: RESOURCES }) });
    expectRefused(() => isvc('a', Storage.pvc('models-pvc', '../../etc')), 'test/models/a', 'storage.path', "holds a '.' or '..' segment", '"../../etc"', 'give the model folder inside the claim without . or .. segments');
    expectRefused(() => isvc('b', Storage.uri('pvc://models-pvc/%2e%2e/secrets')), 'test/models/b', 'storage', 'holds the encoded character %2e', '"models-pvc/%2e%2e/secrets"', "give the model's normalized location");
    expectRefused(() => isvc('d', Storage.s3('s3://models/iris/../../other-team')), 'test/models/d', 'storage', "holds a '.' or '..' segment", '"models/iris/../../other-team"', "give the model's normalized location");
    expectRefused(() => isvc('e', Storage.hf('Qwen/..')), 'test/models/e', 'storage', "must be a Hugging Face repository id '<org>/<model>' (no '.' or '..' parts)", '"Qwen/.."', "pass e.g. 'Qwen/Qwen3-0.6B'");
    expectRefused(() => new InferenceService(ns.models, 'c', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('pvc://models-pvc/iris/../../x'), resources: RESOURCES }) }), 'test/models/c', 'storage', "holds a '.' or '..' segment", '"models-pvc/iris/../../x"', "give the model's normalized location");
  });
});

describe('URIs and CORS origins', () => {
  it('file:// and unknown storage schemes are refused; KServe schemes pass', () => {
    const { ns } = setup(['models']);
    const isvc = (id: string, uri: string) => new InferenceService(ns.models, id, { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri(uri), resources: RESOURCES }) });
    expectRefused(() => isvc('a', 'file:///etc/passwd'), 'test/models/a', 'storage', "uses file://, which would read the node's or the container's own file system", '"file:///etc/passwd"', 'put the model in a bucket, a PersistentVolumeClaim (pvc://claim/path) or an OCI image');
    expectRefused(() => isvc('b', 'ftp://models.example.com/iris'), 'test/models/b', 'storage', "uses the scheme 'ftp', which KServe does not download models from (gs://, s3://, pvc://", '"ftp://models.example.com/iris"', 'put the model in a bucket');
    expect(() => isvc('c', 'hdfs://namenode/models/iris')).not.toThrow();
    expect(() => isvc('d', 'https://storage.example.com/models/iris.tar.gz')).not.toThrow();
    // A presigned URL is a bearer credential (its signature grants the download): refused like any token query parameter.
    expect(() => isvc('e', 'https://storage.example.com/models/iris.tar.gz?X-Amz-Credential=a%2Fb&X-Amz-Signature=0123456789abcdef0123456789abcdef')).toThrow(/storage holds what looks like a credential in a URL query parameter/);
  });

  it('logger and JWKS URLs: http(s) / https only, without control characters', () => {
    const { ns } = setup(['models']);
    expectRefused(() => new InferenceService(ns.models, 'a', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris'), resources: RESOURCES }), logger: { url: 'http://dumper.observability/\u0000x' } }), 'test/models/a', 'logger.url', 'must be an http(s) URL without spaces or control characters', '"http://dumper.observability/\\u0000x"', 'use e.g. http://message-dumper.observability/');
    expectRefused(() => new InferenceService(ns.models, 'b', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris'), resources: RESOURCES }), logger: { url: 'file:///var/log/x' } }), 'test/models/b', 'logger.url', 'must be an http(s) URL', '"file:///var/log/x"', 'use e.g. http://message-dumper.observability/');
    expectRefused(() => new JwtAuth({ issuer: 'https://idp.example.com/', jwksUri: 'javascript:alert(1)' }).check('test/access', 'jwt'), 'test/access', 'jwt.jwksUri', 'must be an https URL without spaces or control characters', '"javascript:alert(1)"', 'serve the JWKS over https');
  });

  it('a javascript: (or null) CORS origin is refused, HTTPRoute filter and Kong', () => {
    const PROBLEM = "is not an http:// or https:// origin: a javascript:, file:, data: or 'null' origin is not a web site";
    expectRefused(() => HttpRouteFilter.cors({ allowOrigins: ['javascript:alert(1)'] }), 'HttpRouteFilter.cors', 'allowOrigins[0]', PROBLEM, '"javascript:alert(1)"', 'list the web origins allowed, e.g. https://app.example.com');
    expectRefused(() => HttpRouteFilter.cors({ allowOrigins: ['https://app.example.com', 'null'] }), 'HttpRouteFilter.cors', 'allowOrigins[1]', PROBLEM, '"null"', 'list the web origins allowed');
    const { ns } = setup(['kong']);
    expectRefused(() => KongPlugin.cors(ns.kong, 'c', { origins: ['javascript:alert(1)'] }), 'test/kong/c', 'config.origins[0]', PROBLEM, '"javascript:alert(1)"', 'list the web origins allowed');
  });

  it("CORS '*' with credentials is refused (Fetch standard)", () => {
    expectRefused(
      () => HttpRouteFilter.cors({ allowOrigins: ['*'], allowCredentials: true }),
      'HttpRouteFilter.cors',
      'allowCredentials',
      "cannot be true with origin '*': the Fetch standard forbids a wildcard origin on credentialed requests",
      '["*"]',
      'list the allowed origins explicitly, or leave credentials off',
    );
    expect(() => HttpRouteFilter.cors({ allowOrigins: ['*'] })).not.toThrow();
    expect(() => HttpRouteFilter.cors({ allowOrigins: ['https://*.example.com'], allowCredentials: true })).not.toThrow();
  });
});

describe('regular expressions must be RE2', () => {
  const FIX = 'use RE2 syntax: no lookarounds (?=, (?!, no backreferences \\1, repeat counts up to 1000';

  it('PathMatch.regex with a lookahead or a backreference is refused, naming the RE2 parse error', () => {
    expectRefused(() => PathMatch.regex('/v1/(?!admin).*'), 'PathMatch.regex', 'value', 'is not a valid RE2 regular expression (error parsing regexp: invalid or unsupported Perl syntax: `(?!`)', '"/v1/(?!admin).*"', FIX);
    expectRefused(() => PathMatch.regex('/(a)\\1'), 'PathMatch.regex', 'value', 'is not a valid RE2 regular expression (error parsing regexp: invalid escape sequence: `\\1`)', '"/(a)\\\\1"', FIX);
    expectRefused(() => PathMatch.regex('/v1/(models'), 'PathMatch.regex', 'value', 'missing closing )', '"/v1/(models"', FIX);
    expect(PathMatch.regex('/v1/models/[a-z0-9-]+').value).toBe('/v1/models/[a-z0-9-]+');
  });

  it('header, query and gRPC method regexes are RE2 too', () => {
    expectRefused(() => HeaderMatch.regex('x-tenant', '(?<=a)b'), 'HeaderMatch.regex', 'value', 'is not a valid RE2 regular expression', '"(?<=a)b"', FIX);
    expectRefused(() => QueryParamMatch.regex('model', 'a{2000}'), 'QueryParamMatch.regex', 'value', 'invalid repeat count', '"a{2000}"', FIX);
    expectRefused(() => HeaderSelector.regex('x-client-id', '^(?!admin).*$'), 'HeaderSelector.regex', 'pattern', 'is not a valid RE2 regular expression', '"^(?!admin).*$"', FIX);
    expectRefused(() => HeaderSelector.exact('x-tier', 'basic\r\nx-tier: admin'), 'HeaderSelector.exact', 'value', /control character CR/, '"basic\\r\\nx-tier: admin"', 'remove the line breaks and control characters');
    expectRefused(() => GrpcMethodMatch.regex('inference\\.(?=G).*'), 'GrpcMethodMatch.regex', 'service', 'is not a valid RE2 regular expression', '"inference\\\\.(?=G).*"', FIX);
  });
});
