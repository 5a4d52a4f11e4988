/**
 * The bad-input corpus: invalid inputs to every public construct and to the
 * catalog format, each with the four pieces its error must name — where
 * (the construct path, or `file:line:column` for a catalog), which field,
 * the value received, and how to fix it — and the error type (the library
 * throws ModelServingError for bad input, SynthError for what only synth
 * can see, CatalogError for catalog files).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { Duration, Testing } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { EnvValue } from '../../src/core/env';
import { ModelServingError } from '../../src/core/errors';
import { Namespace, PodSecurity } from '../../src/core/namespace';
import { NetworkPeer } from '../../src/core/network-peer';
import { Platform } from '../../src/core/platform';
import { Probe } from '../../src/core/probe';
import { SecretRef } from '../../src/core/secret-ref';
import { WorkloadSecurity } from '../../src/core/security';
import { AppProject, Application, ApplicationSet } from '../../src/delivery/argocd';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { SynthError, synthPlatforms } from '../../src/delivery/synth';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway, GatewayAddress } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { AccessLog, LogField, DEFAULT_LOG_FIELDS } from '../../src/observability/access-log';
import { Catalogs } from '../../src/observability/catalogs';
import { GrafanaDashboard } from '../../src/observability/dashboard';
import { timeseriesPanel } from '../../src/observability/panels';
import { GatewayMonitoring } from '../../src/observability/gateway-monitoring';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { PrometheusRule } from '../../src/observability/prometheus-rule';
import { RequestMetrics } from '../../src/observability/request-metrics';
import { PodMonitor, ServiceMonitor } from '../../src/observability/scrape';
import { Severity } from '../../src/observability/severity';
import { Slo, SloObjective } from '../../src/observability/slo';
import { Alerts } from '../../src/observability/alert-templates';
import { tracingFor } from '../../src/observability/tracing';
import { TracingCollector } from '../../src/observability/tracing-collector';
import { CatalogError, loadCatalog } from '../../src/platform/catalog-loader';
import { ModelServingPlatform } from '../../src/platform/model-serving-platform';
import { AccessPolicy, AccessPolicyProps } from '../../src/policy/access-policy';
import { ApiKeyAuth, JwtAuth } from '../../src/policy/authentication';
import { DirectResponse, HttpListenerPolicy, PolicyTarget as KgPolicyTarget, RateLimitService, TrafficPolicy } from '../../src/policy/kgateway';
import { BackendTrafficPolicy, ClientTrafficPolicy, PolicyTarget as EgPolicyTarget, SecurityPolicy } from '../../src/policy/envoy-gateway';
import { AuthPolicy, Limitador, PolicyTarget as KuadrantPolicyTarget, RateLimitPolicy } from '../../src/policy/kuadrant';
import { KongPlugin } from '../../src/policy/kong';
import { MeshMtls } from '../../src/policy/istio';
import { OpaAuthorizer } from '../../src/policy/opa-authorizer';
import { RateLimit, RateLimitMode, TokenLimit } from '../../src/policy/rate-limit';
import { RedisReference } from '../../src/policy/redis';
import { Tier } from '../../src/policy/tier';
import { GrpcMethodMatch, GrpcRoute } from '../../src/routing/grpc-route';
import { HttpRouteFilter, PathModifier } from '../../src/routing/filter';
import { HttpRoute, HttpRouteRule } from '../../src/routing/http-route';
import { PathMatch } from '../../src/routing/match';
import { ReferenceGrant } from '../../src/routing/reference-grant';
import { Autoscaling } from '../../src/serving/autoscaling';
import { Explainer, Transformer } from '../../src/serving/components';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { FlatModelProps, withPredictor } from '../flat-props';
import { LlmInferenceService } from '../../src/serving/llm-inference-service';
import { DeploymentMode, ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { S3ServiceAccount } from '../../src/serving/s3-service-account';
import { ClusterServingRuntime, ServingRuntime } from '../../src/serving/serving-runtime';
import { Storage } from '../../src/serving/storage';
import { SecurityWaivers } from '../../src/security/waivers';
import { CertificateIssuer } from '../../src/tls/certificate';
import { setup, synthObjects } from '../util';

// ---------------------------------------------------------------------------
// Fixtures: small, valid surroundings for one bad input each.

const RESOURCES = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
const STORE = { name: 'vault' };
const IMAGE = 'registry.example.com/team/server:1.0.0';

/** Platform `test` with namespaces `edge` (a Gateway `gw` of `provider`, HTTPS admitting `models`) and `models`. */
function edge(provider: GatewayProvider = GatewayProvider.KGATEWAY, options: { readonly requireAccessPolicies?: boolean } = {}) {
  const { app, platform, ns } = setup(['edge', 'models'], options);
  const gateway = new Gateway(ns.edge, 'gw', {
    provider,
    listeners: [Listener.http({ allowedRoutes: AllowedRoutes.sameNamespace() }), Listener.https({ certificates: [SecretRef.named('gw-tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })],
  });
  return { app, platform, ns, gateway };
}

/** An InferenceService in `models` with `props` over a valid sklearn model. */
function isvc(props: FlatModelProps = {}, id = 'iris') {
  const { ns } = setup(['models']);
  return new InferenceService(ns.models, id, withPredictor({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris'), resources: RESOURCES }, props));
}

/** A route `name` in `models` on the HTTPS listener. */
function route(f: ReturnType<typeof edge>, name: string, rules: HttpRouteRule[] = [{ backends: [Backend.service(`${name}-predictor`, 80)] }], hostnames?: string[]) {
  return new HttpRoute(f.ns.models, name, { parents: [f.gateway.listener('https')], rules, hostnames });
}

/** An access policy over two routes of a Gateway of `provider`, with `props` changed. */
function policy(props: Partial<AccessPolicyProps> = {}, provider: GatewayProvider = GatewayProvider.ENVOY_GATEWAY) {
  const f = edge(provider);
  const iris = route(f, 'iris');
  const mnist = route(f, 'mnist');
  return new AccessPolicy(f.ns.models, 'access', {
    gateway: f.gateway,
    routes: [iris, mnist],
    authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: [{ userId: 'alice', tier: 'basic', remoteKey: 'api-keys/alice' }] })],
    tiers: [new Tier('basic', { limits: [RateLimit.perMinute(100)] })],
    rateLimitMode: RateLimitMode.GLOBAL,
    redis: provider === GatewayProvider.KGATEWAY || provider === GatewayProvider.KONG ? RedisReference.of({ host: 'redis.data.svc.cluster.local' }) : undefined,
    ...props,
  });
}

const jwt = (props: Partial<ConstructorParameters<typeof JwtAuth>[0]> = {}) => new JwtAuth({ issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks', ...props });

const alert = (name: string, extra: Record<string, unknown> = {}) => ({
  ...Alerts.gaugeAbove(
    { name, severity: Severity.WARNING, for: Duration.minutes(5), summary: 'Kong {{ $labels.kong }} unhealthy', description: 'The datastore is unreachable.', runbookUrl: 'https://runbooks.example.com/kong' },
    { metric: 'kong_datastore_reachable', target: { kong: 'kong' }, threshold: 0, max: 1 },
  ),
  ...extra,
});

const kongRules = () => new PrometheusRule(setup(['kong']).ns.kong, 'kong-alerts', { alertPrefix: 'Kong', catalog: Catalogs.KONG }).addGroup('kong.rules');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let catalogCount = 0;

const CATALOG = `apiVersion: catalog.models.cdk8s.io/v1alpha1
kind: Catalog
secretStore: { name: vault }
consumers:
  - { userId: billing, service: iris, remoteKey: api-keys/billing }
models:
  - name: iris
    format: sklearn
    storageUri: gs://kfserving-examples/models/sklearn/iris
    resources:
      requests: { cpu: 100m, memory: 256Mi }
      limits: { cpu: "1", memory: 1Gi }
    metadata:
      auth.type: key-auth
      auth.required: "true"
      rateLimit.minute: "100"
`;

/** Writes the base catalog with `from` replaced by `to` to a new file; returns the file and the `file:line` of `needle`. */
function catalog(from: string, to: string, needle: string): { file: string; at: string } {
  if (!CATALOG.includes(from)) throw new Error(`the base catalog has no ${from}`);
  const text = CATALOG.replace(from, to);
  const file = path.join(tmp, `catalog-${++catalogCount}.yaml`);
  fs.writeFileSync(file, text);
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`the catalog has no ${needle}`);
  return { file, at: `${file}:${text.slice(0, index).split('\n').length}` };
}

// ---------------------------------------------------------------------------
// The corpus

type ErrorType = typeof ModelServingError | typeof SynthError | typeof CatalogError;

interface Row {
  /** What is wrong. */
  readonly what: string;
  /** Builds the bad input (and synthesizes, when only synth can see it); must throw. */
  readonly build: () => unknown;
  /** The error type thrown. */
  readonly type: ErrorType;
  /** The construct path (or `file:line` of a catalog, followed by the column in the message). */
  readonly path: string;
  /** The field. */
  readonly field: string;
  /** The value as rendered after `received: `. */
  readonly value: string;
  /** A fragment of the fix. */
  readonly fix: string;
}

const row = (what: string, build: () => unknown, type: ErrorType, pathPiece: string, field: string, value: string, fix: string): Row => ({ what, build, type, path: pathPiece, field, value, fix });
const E = ModelServingError;
const S = SynthError;
const C = CatalogError;

const rows: Row[] = [
  // Platform, Namespace, security waivers
  row('platform name is not a DNS label', () => new Platform(Testing.app(), 'Bad_Platform'), E, 'Bad_Platform', 'name', '"Bad_Platform"', 'use a name such as "bad-platform"'),
  row('two platforms share a name', () => { const app = Testing.app(); new Platform(app, 'a', { name: 'same' }); new Platform(app, 'b', { name: 'same' }); return synthPlatforms(app); }, S, 'b', 'name', '"same"', 'give each Platform its own name'),
  row('namespace name is reserved', () => new Namespace(setup([]).platform, 'default'), E, 'test/default', 'name', '"default"', 'use a dedicated namespace'),
  row('namespace name has upper case', () => new Namespace(setup([]).platform, 'ML_Models'), E, 'test/ML_Models', 'name', '"ML_Models"', 'use a name such as "ml-models"'),
  row('default-deny off without a waiver', () => new Namespace(setup([]).platform, 'open', { defaultDeny: false }), E, 'test/open', 'defaultDenyWaiver', 'undefined', 'keep defaultDeny on'),
  row('pod security waiver without a real reason', () => new Namespace(setup([]).platform, 'gpu', { podSecurity: PodSecurity.waived('privileged', 'gpu') }), E, 'test/gpu', 'podSecurity', '"gpu"', 'say why the workload cannot run'),
  row('pod-security label set by hand', () => setup(['models']).ns.models.addLabel('pod-security.kubernetes.io/enforce', 'privileged'), E, 'test/models', 'labels.pod-security.kubernetes.io/enforce', '"privileged"', 'pass podSecurity: PodSecurity.waived'),
  row('two allow rules under one id', () => { const { ns } = setup(['models']); ns.models.allowIngress('edge', { peers: [NetworkPeer.namespace('edge')] }); return ns.models.allowIngress('edge', { peers: [NetworkPeer.anywhere()] }); }, E, 'test/models', 'NetworkPolicy/allow-edge', '"allow-edge"', 'use a distinct id for each allow rule'),
  row('security waiver names no rule id', () => SecurityWaivers.waive(isvc(), 'W06', 'the model server needs a writable cache'), E, 'test/models/iris', 'security waiver', '"W06"', 'use the id printed in the finding'),
  row('security waiver without a real reason', () => SecurityWaivers.waive(isvc(), 'SEC-W06', 'cache'), E, 'test/models/iris', 'security waiver SEC-W06', '"cache"', 'say why the object cannot comply'),
  row('relaxed workload security without a real reason', () => isvc({ security: WorkloadSecurity.relaxed({ writableRootFilesystem: true, reason: 'cache' }) }), E, 'test/models/iris', 'security.reason', '"cache"', 'say why the workload cannot run restricted'),

  // Gateway, Listener, AllowedRoutes
  row('gateway name is not a DNS label', () => new Gateway(setup(['edge']).ns.edge, 'My_Gateway', { provider: GatewayProvider.KGATEWAY }), E, 'test/edge/My_Gateway', 'name', '"My_Gateway"', 'use a name such as "my-gateway"'),
  row('gateway has neither provider nor class', () => new Gateway(setup(['edge']).ns.edge, 'gw', {}), E, 'test/edge/gw', 'gatewayClassName', 'undefined', 'pass provider: GatewayProvider.KGATEWAY'),
  row('listener port out of range', () => new Gateway(setup(['edge']).ns.edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.http({ port: 70000 })] }), E, 'test/edge/gw', 'listeners[http].port', '70000', 'use a valid TCP port'),
  row('listener hostname is an IP address', () => new Gateway(setup(['edge']).ns.edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.http({ hostname: '10.0.0.1' })] }), E, 'test/edge/gw', 'listeners[http].hostname', '"10.0.0.1"', 'use a host such as "models.example.com"'),
  row('HTTPS listener without a certificate', () => new Gateway(setup(['edge']).ns.edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [] })] }), E, 'test/edge/gw', 'listeners[https].tls.certificateRefs', '[]', "pass certificates: [SecretRef.named('my-cert')]"),
  row('two listeners share a name', () => new Gateway(setup(['edge']).ns.edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.http(), Listener.http({ port: 8080 })] }), E, 'test/edge/gw', 'listeners[http].name', '"http"', 'give each listener a unique name'),
  row('gateway address of the wrong type', () => new Gateway(setup(['edge']).ns.edge, 'gw', { provider: GatewayProvider.KGATEWAY, addresses: [GatewayAddress.ipAddress('lb.example.com')], listeners: [Listener.http()] }), E, 'test/edge/gw', 'addresses[0].value', '"lb.example.com"', "GatewayAddress.hostname()"),
  row('gateway without listeners (at synth)', () => { const { app, ns } = setup(['edge']); new Gateway(ns.edge, 'empty', { provider: GatewayProvider.KGATEWAY }); return synthPlatforms(app); }, S, 'test/edge/empty', 'spec.listeners', '[]', 'add Listener.https({...})'),
  row('route names a listener the gateway lacks (missing reference)', () => edge().gateway.listener('grpc'), E, 'test/edge/gw', 'sectionName', '"grpc"', 'use one of: http, https'),
  row('listener does not admit the route namespace', () => { const f = edge(); return new HttpRoute(f.ns.models, 'r', { parents: [f.gateway.listener('http')], rules: [] }); }, E, 'test/models/r', 'parentRefs', '"gw"', "AllowedRoutes.fromNamespaces([...]) listing the Namespace construct 'models'"),
  row('listener admits an empty list of namespaces', () => new Gateway(setup(['edge']).ns.edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('c')], allowedRoutes: AllowedRoutes.fromNamespaces([]) })] }), E, 'test/edge/gw', 'listeners[https].allowedRoutes.namespaces', '[]', 'pass the route namespaces'),
  row('listener selector is empty (every namespace, like All)', () => new Gateway(setup(['edge']).ns.edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('c')], allowedRoutes: AllowedRoutes.fromSelector({}) })] }), E, 'test/edge/gw', 'listeners[https].allowedRoutes.namespaces.selector', '{"matchLabels":{}}', "name the namespaces: AllowedRoutes.fromNamespaces([models])"),
  row('listener admits a namespace given by name, not as a Namespace', () => new Gateway(setup(['edge']).ns.edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('c')], allowedRoutes: AllowedRoutes.fromNamespaces(['Models'] as never) })] }), E, 'AllowedRoutes.fromNamespaces', 'namespaces[0]', '"Models"', 'pass the Namespace construct'),

  // HTTPRoute, GRPCRoute, ReferenceGrant
  row('route name is not a DNS subdomain', () => route(edge(), 'Iris_Route'), E, 'test/models/Iris_Route', 'name', '"Iris_Route"', 'use a name such as "iris-route"'),
  row('path match is not absolute', () => route(edge(), 'r', [{ matches: [{ path: PathMatch.prefix('v1/models') }], backends: [Backend.service('a', 80)] }]), E, 'test/models/r', 'rules[0].matches[0].path', '"v1/models"', 'use a normalized absolute path'),
  row("path match contains '//'", () => route(edge(), 'r', [{ matches: [{ path: PathMatch.exact('/a//b') }], backends: [Backend.service('a', 80)] }]), E, 'test/models/r', 'rules[0].matches[0].path', '"/a//b"', 'use a normalized absolute path'),
  row('path match is not a string', () => route(edge(), 'r', [{ matches: [{ path: PathMatch.prefix(42 as never) }], backends: [Backend.service('a', 80)] }]), E, 'test/models/r', 'rules[0].matches[0].path', '42', 'PathMatch.prefix("/v1/models/my-model")'),
  row('Service backend without a port', () => route(edge(), 'r', [{ backends: [{ backendRef: { name: 'svc' } }] }]), E, 'test/models/r', 'rules[0].backendRefs[0].port', '"svc"', "pass Backend.service('svc', 8080)"),
  row('Service backend name is not a DNS label', () => route(edge(), 'r', [{ backends: [Backend.service('Iris_Predictor', 80)] }]), E, 'test/models/r', 'rules[0].backendRefs[0].name', '"Iris_Predictor"', 'use a name such as "iris-predictor"'),
  row('backend weight is negative', () => route(edge(), 'r', [{ backends: [{ backend: Backend.service('a', 80), weight: -1 }] }]), E, 'test/models/r', 'rules[0].backendRefs[0].weight', '-1', 'use relative weights'),
  row('filter type repeated', () => { const f = HttpRouteFilter.requestHeaderModifier({ set: { a: 'b' } }); return route(edge(), 'r', [{ filters: [f, f], backends: [Backend.service('a', 80)] }]); }, E, 'test/models/r', 'rules[0].filters', '"RequestHeaderModifier"', 'merge the two RequestHeaderModifier filters'),
  row('redirect next to backends', () => route(edge(), 'r', [{ filters: [HttpRouteFilter.requestRedirect({ scheme: 'https' })], backends: [Backend.service('a', 80)] }]), E, 'test/models/r', 'rules[0].filters', '1', 'remove the backends from the redirect rule'),
  row('replacePrefixMatch without one PathPrefix match', () => route(edge(), 'r', [{ matches: [{ path: PathMatch.exact('/a') }], filters: [HttpRouteFilter.urlRewrite({ path: PathModifier.replacePrefixMatch('/') })], backends: [Backend.service('a', 80)] }]), E, 'test/models/r', 'rules[0].filters', '1', 'give the rule a single PathMatch.prefix(...) match'),
  row('backend timeout longer than the request timeout', () => route(edge(), 'r', [{ backends: [Backend.service('a', 80)], timeouts: { request: Duration.seconds(5), backendRequest: Duration.seconds(10) } }]), E, 'test/models/r', 'rules[0].timeouts.backendRequest', '"10s"', 'shorten backendRequest'),
  row('route hostname has upper case', () => route(edge(), 'r', undefined, ['API.example.com']), E, 'test/models/r', 'hostnames', '"API.example.com"', 'use a host such as "models.example.com"'),
  row('route hostname is not a string', () => route(edge(), 'r', undefined, [null as never]), E, 'test/models/r', 'hostnames', 'null', 'use a host such as "models.example.com"'),
  row('route has no rules (at synth)', () => { const f = edge(); new HttpRoute(f.ns.models, 'empty', { parents: [f.gateway.listener('https')] }); return synthPlatforms(f.app); }, S, 'test/models/empty', 'spec.rules', '[]', 'pass rules: [...]'),
  row('route without access policy (deny by default, at synth)', () => { const f = edge(); route(f, 'open'); return synthPlatforms(f.app); }, S, 'test/models/open', 'HTTPRoute/models/open', '"unprotected"', 'protect it with an AccessPolicy'),
  row('conflicting routes for the same path and host', () => {
    const f = edge();
    for (const name of ['iris', 'iris-v2']) route(f, name, [{ matches: [{ path: PathMatch.prefix('/v1/models/iris') }], backends: [Backend.service(`${name}-predictor`, 80)] }], ['models.example.com']).allowPublicAccess('a public demo model without data behind it');
    return buildPlatforms(f.app);
  }, S, 'test/models/iris', 'spec.rules[0].matches[0]', '{"path":["PathPrefix","/v1/models/iris"],"method":"*","headers":[],"queryParams":[]}', 'give one of the routes a distinct path'),
  row('public access without a real reason', () => route(edge(), 'r').allowPublicAccess('demo'), E, 'test/models/r', 'public access', '"demo"', 'say why this route may be called without authentication'),
  row('route both public and protected', () => { const p = policy(); return (p.routes[0] as HttpRoute).allowPublicAccess('a public demo model without data behind it'); }, E, 'test/models/iris', 'public access', '"a public demo model without data behind it"', 'remove the policy or the public declaration'),
  row('GRPCRoute on a plain-HTTP listener', () => { const f = edge(); return new GrpcRoute(f.ns.edge, 'g', { parents: [f.gateway.listener('http')], rules: [] }); }, E, 'test/edge/g', 'parentRefs', '"http"', 'attach to an HTTPS listener'),
  row('GRPCRoute to an HTTP-only model', () => { const f = edge(); const rest = new InferenceService(f.ns.models, 'rest', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/rest'), resources: RESOURCES }) }); return new GrpcRoute(f.ns.models, 'g', { parents: [f.gateway.listener('https')], rules: [{ matches: [{ method: GrpcMethodMatch.exact('inference.GRPCInferenceService') }], backends: [rest] }] }); }, E, 'test/models/g', 'rules[0].backendRefs[0]', '"rest-predictor"', 'route it with an HttpRoute'),
  row('HTTPRoute to a gRPC-only model', () => { const f = edge(); const g = new InferenceService(f.ns.models, 'grpc', { predictor: Predictor.model({ format: ModelFormat.TRITON, protocolVersion: ProtocolVersion.GRPC_V2, storage: Storage.uri('gs://models/g'), resources: RESOURCES }) }); return route(f, 'h', [{ backends: [g] }]); }, E, 'test/models/h', 'rules[0].backendRefs[0]', '"grpc-predictor"', 'route it with a GrpcRoute'),
  row('gRPC service name has a space', () => { const f = edge(); return new GrpcRoute(f.ns.models, 'g', { parents: [f.gateway.listener('https')], rules: [{ matches: [{ method: GrpcMethodMatch.exact('bad service') }], backends: [Backend.service('a', 8081)] }] }); }, E, 'test/models/g', 'rules[0].matches[0].method.service', '"bad service"', 'use e.g. inference.GRPCInferenceService'),
  row('ReferenceGrant without from entries', () => new ReferenceGrant(setup(['models']).ns.models, 'grant', { from: [], to: [{ kind: 'Service' }] }), E, 'test/models/grant', 'from', '0', 'list the referring kinds explicitly'),
  row('ReferenceGrant from a bad namespace name', () => new ReferenceGrant(setup(['models']).ns.models, 'grant', { from: [{ kind: 'HTTPRoute', namespace: 'Edge' }], to: [{ kind: 'Service' }] }), E, 'test/models/grant', 'from[0].namespace', '"Edge"', 'use a name such as "edge"'),

  // InferenceService: names, storage, runtimes, rollouts, scaling, batcher, components, resources, probes, images, env
  row('model name longer than 45 characters', () => isvc({}, 'a'.repeat(46)), E, `test/models/${'a'.repeat(46)}`, 'name', `"${'a'.repeat(46)}"`, 'use a name such as'),
  row('model format and custom containers both given', () => isvc({ predictor: Predictor.containers([{ image: IMAGE }]), ...({ modelFormat: ModelFormat.SKLEARN } as object) }), E, 'test/models/iris', 'modelFormat', '["modelFormat"]', 'move modelFormat (as format) into predictor: Predictor.model'),
  row('protocol version is not one of the four', () => isvc({ protocolVersion: 'v3' as ProtocolVersion }), E, 'test/models/iris', 'protocolVersion', '"v3"', 'use ProtocolVersion.V1, V2, GRPC_V1 or GRPC_V2'),
  row('storageUri given beside storage (one prop now: storage: Storage.uri)', () => isvc({ storageUri: 'gs://b/m' } as never), E, 'test/models/iris', 'storageUri', '"gs://b/m"', "did you mean 'storage'?"),
  row('S3 URI with an upper-case bucket', () => isvc({ storage: Storage.s3('s3://My-Bucket/model') }), E, 'test/models/iris', 'storage', '"s3://My-Bucket/model"', 'fix the URI'),
  row('Hugging Face repository without an org', () => isvc({ storage: Storage.hf('qwen3') }), E, 'test/models/iris', 'storage', '"qwen3"', "pass e.g. 'Qwen/Qwen3-0.6B'"),
  row('OCI model image not pinned', () => isvc({ storage: Storage.oci('registry.example.com/models/iris:latest') }), E, 'test/models/iris', 'storage', '"registry.example.com/models/iris:latest"', 'use "registry.example.com/models/iris'),
  row('storage URI without a scheme', () => isvc({ storage: Storage.uri('models/iris') }), E, 'test/models/iris', 'storage', '"models/iris"', 'pass e.g. https://host/path/model.tar.gz'),
  row('storage-config entry without a key', () => isvc({ storage: Storage.storageKey('', 'models/iris') }), E, 'test/models/iris', 'storage.key', '""', "pass e.g. Storage.storageKey('minio', 'models/iris')"),
  row('node selector key with a space', () => isvc({ nodeSelector: { 'gpu type': 'a100' } }), E, 'test/models/iris', 'nodeSelector.gpu type', '"gpu type"', "use a key such as 'app' or 'nvidia.com/gpu.present'"),
  row('runtime does not declare the format', () => { const { ns } = setup(['llm']); const tei = ServingRuntime.textEmbeddingsInference(ns.llm, 'tei', { image: 'ghcr.io/huggingface/text-embeddings-inference:cpu-1.8' }); return new InferenceService(ns.llm, 'm', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, runtime: tei }) }); }, E, 'test/llm/m', 'runtime', '"tei"', 'use a runtime that supports it'),
  row('runtime of another namespace', () => { const { ns } = setup(['a', 'b']); const rt = ServingRuntime.vllm(ns.a, 'vllm', { image: 'vllm/vllm-openai:v0.11.0' }); return new InferenceService(ns.b, 'm', { predictor: Predictor.model({ format: ModelFormat.custom('vLLM'), runtime: rt }) }); }, E, 'test/b/m', 'runtime', '"vllm"', 'define the ServingRuntime in the model namespace'),
  row('ServingRuntime without model formats', () => new ServingRuntime(setup(['llm']).ns.llm, 'r', { supportedModelFormats: [], container: { image: IMAGE } }), E, 'test/llm/r', 'supportedModelFormats', '[]', 'pass [{ format: ModelFormat.custom("vLLM")'),
  row('ServingRuntime image uses latest', () => ServingRuntime.vllm(setup(['llm']).ns.llm, 'vllm', { image: 'vllm/vllm-openai:latest' }), E, 'test/llm/vllm', 'container.image', '"vllm/vllm-openai:latest"', 'pin a version: "vllm/vllm-openai:<version>"'),
  row('ClusterServingRuntime inside a Namespace', () => ClusterServingRuntime.vllm(setup(['llm']).ns.llm, 'vllm', { image: 'vllm/vllm-openai:v0.11.0' }), E, 'test/llm/vllm', 'scope', '"llm"', 'create it with the Platform as scope'),
  row('vLLM GPU memory utilization above 1', () => ServingRuntime.vllm(setup(['llm']).ns.llm, 'vllm', { image: 'vllm/vllm-openai:v0.11.0', gpuMemoryUtilization: 1.5 }), E, 'test/llm/vllm', 'gpuMemoryUtilization', '1.5', 'use e.g. 0.9'),
  row('scale to zero in Standard mode', () => isvc({ minReplicas: 0 }), E, 'test/models/iris', 'minReplicas', '0', 'use minReplicas: 1, or deploymentMode: DeploymentMode.KNATIVE'),
  row('maxReplicas below minReplicas', () => isvc({ minReplicas: 3, maxReplicas: 1 }), E, 'test/models/iris', 'maxReplicas', '1', 'use maxReplicas: 3 or more'),
  row('containerConcurrency negative', () => isvc({ containerConcurrency: -1 }), E, 'test/models/iris', 'containerConcurrency', '-1', 'use e.g. 10'),
  row('canary share above 100 percent', () => isvc().canary({ trafficPercent: 120, storage: Storage.uri('gs://models/iris-v2') }), E, 'test/models/iris', 'canary.trafficPercent', '120', 'use e.g. 10'),
  row('canary without a new revision (changes nothing)', () => isvc().canary({ trafficPercent: 10 }), E, 'test/models/iris', 'canary', '{"trafficPercent":10}', 'give the new revision'),
  row('canary equal to the current revision (no previous revision to split with)', () => isvc().canary({ trafficPercent: 10, storage: Storage.uri('gs://models/iris'), resources: RESOURCES }), E, 'test/models/iris', 'canary', `{"storage":"gs://models/iris","resources":${JSON.stringify(RESOURCES)}}`, 'give the new revision a different storage location'),
  row('promote without a canary', () => isvc().promote(), E, 'test/models/iris', 'promote()', '"none"', 'call canary({...}) first'),
  row('rollback without a canary', () => isvc().rollback(), E, 'test/models/iris', 'rollback()', '"none"', 'call canary({...}) first'),
  row('second canary', () => { const m = isvc(); m.canary({ trafficPercent: 10, storage: Storage.uri('gs://models/iris-v2') }); return m.canary({ trafficPercent: 20, storage: Storage.uri('gs://models/iris-v3') }); }, E, 'test/models/iris', 'canary', '"canary"', 'declare one canary, then promote() or rollback() it'),
  row('concurrency autoscaling in Standard mode', () => isvc({ autoscaling: Autoscaling.concurrency(5) }), E, 'test/models/iris', 'autoscaling', '"concurrency"', 'use Autoscaling.cpu(), Autoscaling.keda()'),
  row('CPU utilization above 100 percent', () => isvc({ autoscaling: Autoscaling.cpu(150) }), E, 'test/models/iris', 'autoscaling.utilizationPercent', '150', 'use e.g. 70'),
  row('Knative window shorter than 6 s', () => isvc({ deploymentMode: DeploymentMode.KNATIVE, autoscaling: Autoscaling.knative({ target: 1, window: Duration.seconds(2) }) }), E, 'test/models/iris', 'autoscaling.window', '"2s"', 'use e.g. Duration.seconds(60)'),
  row('KEDA server address is not a URL', () => isvc({ autoscaling: Autoscaling.keda({ serverAddress: 'prometheus:9090', query: 'up', threshold: '1' }) }), E, 'test/models/iris', 'autoscaling.serverAddress', '"prometheus:9090"', 'use e.g. http://prometheus.monitoring:9090'),
  row('batch size below 10', () => isvc({ batcher: { maxBatchSize: 5, maxLatency: Duration.millis(50) } }), E, 'test/models/iris', 'batcher.maxBatchSize', '5', 'use e.g. 32'),
  row('batcher timeout not longer than its latency', () => isvc({ batcher: { maxBatchSize: 32, maxLatency: Duration.seconds(5), timeout: Duration.seconds(5) } }), E, 'test/models/iris', 'batcher.timeout', '"5s"', 'use e.g. Duration.seconds(60)'),
  row('transformer image uses latest', () => isvc({ transformer: Transformer.container({ image: 'registry.example.com/transformer:latest' }) }), E, 'test/models/iris', 'transformer.image', '"registry.example.com/transformer:latest"', 'pin a version'),
  row('explainer maxReplicas below minReplicas', () => isvc({ explainer: Explainer.container({ image: IMAGE, minReplicas: 2, maxReplicas: 1 }) }), E, 'test/models/iris', 'explainer.maxReplicas', '1', 'raise maxReplicas'),
  row('request above its limit', () => isvc({ resources: { requests: { cpu: '2', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } } }), E, 'test/models/iris', 'resources.requests.cpu', '"2"', 'lower the request or raise the limit to at least 2'),
  row('memory is not a quantity', () => isvc({ resources: { requests: { cpu: '100m', memory: '1GB' }, limits: { cpu: '1', memory: '1Gi' } } }), E, 'test/models/iris', 'resources.requests.memory', '"1GB"', "use a quantity such as '1Gi'"),
  row('GPUs requested without a limit', () => isvc({ resources: { requests: { cpu: '1', memory: '1Gi', nvidiaGpu: '1' }, limits: { cpu: '1', memory: '1Gi' } } }), E, 'test/models/iris', 'resources.limits.nvidiaGpu', 'undefined', "set limits: { nvidiaGpu: '1' }"),
  row('fractional GPU', () => isvc({ resources: { requests: { cpu: '1', memory: '1Gi', nvidiaGpu: '500m' }, limits: { cpu: '1', memory: '1Gi', nvidiaGpu: '500m' } } }), E, 'test/models/iris', 'resources.requests.nvidia.com/gpu', '"500m"', "use '1', '2', ..."),
  row('readiness probe path is relative', () => isvc({ readinessProbe: Probe.http('v1/models/iris', 8080) }), E, 'test/models/iris', 'readinessProbe.httpGet.path', '"v1/models/iris"', 'use e.g. Probe.http("/healthz", 8080)'),
  row('liveness probe port 0', () => isvc({ livenessProbe: Probe.tcp(0) }), E, 'test/models/iris', 'livenessProbe.tcpSocket.port', '0', 'use the port the server listens on'),
  row('startup probe with a period that is not whole seconds', () => isvc({ containers: undefined, startupProbe: Probe.tcp(8080, { period: Duration.millis(1500) }) }), E, 'Probe.tcp', 'timing.period', '"1500ms"', 'round it to whole seconds'),
  row('transformer probe with a fractional threshold', () => isvc({ transformer: Transformer.container({ image: IMAGE, readinessProbe: Probe.tcp(8080, { failureThreshold: 2.5 }) }) }), E, 'test/models/iris', 'transformer.readinessProbe.failureThreshold', '2.5', 'use e.g. 3'),
  row('runtime image override without a tag', () => isvc({ image: 'kserve/sklearnserver' }), E, 'test/models/iris', 'image', '"kserve/sklearnserver"', 'pin a version: "kserve/sklearnserver:<version>"'),
  row('credential as a literal env value', () => isvc({ env: { HF_TOKEN: 'hf_abc' } }), E, 'test/models/iris', 'env.HF_TOKEN', "<redacted: a literal value under the credential name 'HF_TOKEN'>", "set it from a Secret: HF_TOKEN: EnvValue.fromSecret"),
  row('env name with a space', () => isvc({ env: { 'MY VAR': EnvValue.fromConfigMap('cfg', 'k') } }), E, 'test/models/iris', 'env.MY VAR', '"MY VAR"', 'use letters, digits, _, - and .'),
  row('gRPC port not named h2c', () => isvc({ format: ModelFormat.TRITON, protocolVersion: ProtocolVersion.GRPC_V2, ports: [{ containerPort: 9000, name: 'grpc' }] }), E, 'test/models/iris', 'ports[0].name', '"grpc"', "name the gRPC port 'h2c'"),
  row('logger URL is not http(s)', () => isvc({ logger: { url: 'kafka://events' } }), E, 'test/models/iris', 'logger.url', '"kafka://events"', 'use e.g. http://message-dumper'),
  row('duplicate model names in one namespace', () => { const { app, ns } = setup(['models'], { requireAccessPolicies: false }); for (const id of ['iris', 'iris-copy']) new InferenceService(ns.models, id, { name: 'iris', predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris'), resources: RESOURCES }) }); return synthPlatforms(app); }, E, 'test/models/iris-copy', 'metadata.name', '"iris"', 'give one of them another name'),
  row('S3 identity with both an IAM role and a Secret', () => new S3ServiceAccount(setup(['models']).ns.models, 'sa', { roleArn: 'arn:aws:iam::123456789012:role/models', credentialsSecret: SecretRef.named('s3') }), E, 'test/models/sa', 'roleArn/credentialsSecret', '{"roleArn":"arn:aws:iam::123456789012:role/models","credentialsSecret":"s3"}', 'pass roleArn (IRSA) or credentialsSecret, not both'),
  row('LLMInferenceService with 0 replicas', () => new LlmInferenceService(setup(['llm']).ns.llm, 'qwen', { model: Storage.hf('Qwen/Qwen3-0.6B'), replicas: 0, container: { resources: RESOURCES } }), E, 'test/llm/qwen', 'replicas', '0', 'use 1 or more'),
  row('LLMInferenceService LoRA adapters repeat a name', () => { const adapter = { name: 'sql', storage: Storage.hf('org/sql-lora') }; return new LlmInferenceService(setup(['llm']).ns.llm, 'qwen', { model: Storage.hf('Qwen/Qwen3-0.6B'), loraAdapters: [adapter, adapter], container: { resources: RESOURCES } }); }, E, 'test/llm/qwen', 'loraAdapters', '["sql","sql"]', 'give each adapter a unique name'),

  // AccessPolicy, Tier, RateLimit, ApiKeyAuth, JwtAuth, external auth
  row('access policy without routes', () => policy({ routes: [] }), E, 'test/models/access', 'routes', '[]', 'pass the HttpRoutes the policy protects'),
  row('access policy without authentication', () => policy({ authentication: [] }), E, 'test/models/access', 'authentication', '[]', 'pass authentication: [new JwtAuth'),
  row('access policy without tiers', () => policy({ tiers: [] }), E, 'test/models/access', 'tiers', '[]', "pass tiers: [new Tier('basic'"),
  row('tier without limits', () => policy({ tiers: [new Tier('basic')] }), E, 'test/models/access', 'tiers[0](basic).limits', '[]', "pass limits: [RateLimit.perMinute(100)] (or unlimited: true) to tier 'basic'"),
  row('negative request limit', () => policy({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(-5)] })] }), E, 'test/models/access', 'tiers[0](basic).limits[0].requestsPerUnit', '-5', 'use e.g. RateLimit.perMinute(100)'),
  row('limits given as a string, not a list', () => policy({ tiers: [new Tier('basic', { limits: '100/minute' as never })] }), E, 'test/models/access', 'tiers[0](basic).limits', '"100/minute"', 'pass limits: [RateLimit.perMinute(100)]'),
  row('token limit zero', () => policy({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(1)], tokenLimits: [TokenLimit.perHour(0)] })] }), E, 'test/models/access', 'tiers[0](basic).tokenLimits[0].tokensPerUnit', '0', 'use e.g. TokenLimit.perMinute(10000)'),
  row('tier both unlimited and limited', () => policy({ tiers: [new Tier('basic', { unlimited: true, limits: [RateLimit.perMinute(1)] })] }), E, 'test/models/access', 'tiers[0](basic).unlimited', '["1 requests/minute"]', 'drop unlimited or the limits'),
  row('tier names a model by a name string, not the route object', () => policy({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(1)], models: ['resnet' as never] })] }), E, 'test/models/access', 'tiers[0](basic).models[0]', '"resnet"', "pass the object instead of its name: models: [endpoint], where endpoint is the ModelEndpoint (or HttpRoute, GrpcRoute) that serves 'resnet'"),
  row('tier inherits a tier the policy does not define (missing reference)', () => policy({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(1)], inherits: new Tier('free', { limits: [RateLimit.perMinute(1)] }) })] }), E, 'test/models/access', 'tiers(basic).inherits', '"free"', "add tier 'free' to tiers"),
  row('tier name defined twice', () => policy({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(1)] }), new Tier('basic', { limits: [RateLimit.perMinute(2)] })] }), E, 'test/models/access', 'tiers[1].name', '"basic"', 'give each tier a unique name'),
  row('tier name is not a DNS label', () => policy({ tiers: [new Tier('Gold Tier', { limits: [RateLimit.perMinute(1)] })] }), E, 'test/models/access', 'tiers[0].name', '"Gold Tier"', 'use a name such as "premium"'),
  row('key holder names a tier that is not defined (missing reference)', () => policy({ authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: [{ userId: 'eve', tier: 'gold', remoteKey: 'api-keys/eve' }] })] }), E, 'test/models/access', 'authentication[0].holders[0].tier', '"gold"', 'define the tier in tiers'),
  row('key holder id is not a string', () => policy({ authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: [{ userId: undefined as never, tier: 'basic', remoteKey: 'api-keys/x' }] })] }), E, 'test/models/access', 'authentication[0].holders[0].userId', 'undefined', 'use a lower-case id such as "alice"'),
  row('key holder remote key is blank', () => policy({ authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: [{ userId: 'alice', tier: 'basic', remoteKey: '  ' }] })] }), E, 'test/models/access', 'authentication[0].holders[0].remoteKey', '"  "', 'give the key path in the secret store'),
  row('JWKS fetched over plain HTTP', () => policy({ authentication: [jwt({ jwksUri: 'http://idp.example.com/jwks' })] }), E, 'test/models/access', 'authentication[0].jwksUri', '"http://idp.example.com/jwks"', 'serve the JWKS over https'),
  row('JWT with a shared-secret algorithm', () => policy({ authentication: [jwt({ algorithms: ['HS256' as never] })] }), E, 'test/models/access', 'authentication[0].algorithms', '"HS256"', "use 'RS256' or 'ES256'"),
  row('JWT clock skew of 10 minutes', () => policy({ authentication: [jwt({ clockSkew: Duration.minutes(10) })] }), E, 'test/models/access', 'authentication[0].clockSkew', '"600s"', 'use a small skew'),
  row('rate-limit mode is not one of the two', () => policy({ rateLimitMode: 'fast' as RateLimitMode }), E, 'test/models/access', 'rateLimitMode', '"fast"', 'choose GLOBAL for exact limits'),
  row('Redis port out of range', () => policy({ redis: RedisReference.of({ host: 'redis', port: 70000 }) }), E, 'test/models/access', 'redis.port', '70000', 'use 6379'),
  row('route attached to another gateway', () => { const f = edge(GatewayProvider.ENVOY_GATEWAY); const other = new Gateway(f.ns.edge, 'other', { provider: GatewayProvider.ENVOY_GATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('c')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models]) })] }); const r = new HttpRoute(f.ns.models, 'r', { parents: [other.listener('https')], rules: [{ backends: [Backend.service('a', 80)] }] }); return new AccessPolicy(f.ns.models, 'access', { gateway: f.gateway, routes: [r], authentication: [jwt()], tiers: [new Tier('basic', { unlimited: true })], rateLimitMode: RateLimitMode.GLOBAL }); }, E, 'test/models/access', 'routes', '"r"', 'list only routes of the policy gateway'),
  row('gateway provider has no policy engine', () => policy({}, GatewayProvider.custom('acme', 'acme-gateway')), E, 'test/models/access', 'engine', '"acme"', 'set the Gateway provider, or pass engine'),
  row('OPA policy file missing (external auth)', () => new OpaAuthorizer(setup(['auth']).ns.auth, 'opa', { policyFile: path.join(tmp, 'missing.rego') }), E, 'test/auth/opa', 'policyFile', JSON.stringify(path.join(tmp, 'missing.rego')), 'give the path of a .rego file'),

  // Engine translations and each engine's L2s
  row('kgateway: per-replica limits', () => policy({ rateLimitMode: RateLimitMode.LOCAL }, GatewayProvider.KGATEWAY), E, 'test/models/access', 'rateLimitMode', '"local"', 'use RateLimitMode.GLOBAL'),
  row('kgateway: request limits without Redis', () => policy({ redis: undefined }, GatewayProvider.KGATEWAY), E, 'test/models/access', 'redis', 'undefined', 'pass redis: RedisReference.of'),
  row('Kuadrant: Redis given per policy', () => policy({ redis: RedisReference.of({ host: 'redis' }) }, GatewayProvider.ISTIO), E, 'test/models/access', 'redis', '"redis:6379"', "drop redis from the policy"),
  row('Kong: token limits', () => policy({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(1)], tokenLimits: [TokenLimit.perMinute(1000)] })] }, GatewayProvider.KONG), E, 'test/models/access', 'tiers(basic).tokenLimits', '["1000 tokens/minute"]', 'drop the token limits'),
  row('kgateway TrafficPolicy on a route of another namespace', () => { const f = edge(); const r = route(f, 'iris'); r.allowPublicAccess('a public demo model without data behind it'); return new TrafficPolicy(f.ns.edge, 'tp', { targets: [KgPolicyTarget.httpRoute(r)] }); }, E, 'test/edge/tp', 'targetRefs[HTTPRoute/iris/]', '"models/iris"', "create the policy in namespace 'models'"),
  row('kgateway TrafficPolicy without targets (at synth)', () => { const { app, ns } = setup(['models']); new TrafficPolicy(ns.models, 'tp', { rbac: { matchExpressions: ['false'] } }); return synthPlatforms(app); }, S, 'test/models/tp', 'spec.targetRefs', '[]', 'pass targets: [PolicyTarget.httpRoute(route)]'),
  row('kgateway DirectResponse status 100', () => new DirectResponse(setup(['edge']).ns.edge, 'dr', { status: 100 }), E, 'test/edge/dr', 'status', '100', 'use e.g. 200'),
  row('kgateway HTTPListenerPolicy removes a bad header name', () => { const f = edge(); return new HttpListenerPolicy(f.ns.edge, 'hlp', { gateways: [f.gateway], removeEarlyRequestHeaders: ['bad header'] }); }, E, 'test/edge/hlp', 'earlyRequestHeaderModifier.remove', '"bad header"', 'use RFC 7230 token characters'),
  row('kgateway rate limit service on Redis database 3', () => new RateLimitService(setup(['limits']).ns.limits, 'rl', { domain: 'd', redis: RedisReference.of({ host: 'redis', database: 3 }) }), E, 'test/limits/rl', 'redis.database', '3', 'use database 0'),
  row('Envoy Gateway SecurityPolicy without targets', () => new SecurityPolicy(edge(GatewayProvider.ENVOY_GATEWAY).ns.models, 'sp', { targets: [] }), E, 'test/models/sp', 'targets', '[]', 'pass targets'),
  row('Envoy Gateway BackendTrafficPolicy with a negative limit', () => { const f = edge(GatewayProvider.ENVOY_GATEWAY); const r = route(f, 'iris'); r.allowPublicAccess('a public demo model without data behind it'); return new BackendTrafficPolicy(f.ns.models, 'btp', { targets: [EgPolicyTarget.route(r)] }).addGlobalRateLimit({ requests: -1, unit: 'Minute' }); }, E, 'test/models/btp', 'globalRateLimits[0].requests', '-1', 'use e.g. requests: 100'),
  row('Envoy Gateway BackendTrafficPolicy without rules (at synth)', () => { const f = edge(GatewayProvider.ENVOY_GATEWAY); const r = route(f, 'iris'); r.allowPublicAccess('a public demo model without data behind it'); new BackendTrafficPolicy(f.ns.models, 'btp', { targets: [EgPolicyTarget.route(r)] }); return synthPlatforms(f.app); }, S, 'test/models/btp', 'spec.rateLimit', '[]', 'add a rule with addLocalRateLimit() or addGlobalRateLimit()'),
  row('Envoy Gateway ClientTrafficPolicy on a route', () => { const f = edge(GatewayProvider.ENVOY_GATEWAY); const r = route(f, 'iris'); r.allowPublicAccess('a public demo model without data behind it'); return new ClientTrafficPolicy(f.ns.models, 'ctp', { targets: [EgPolicyTarget.route(r)] }); }, E, 'test/models/ctp', 'targets[0].kind', '"HTTPRoute"', 'attach the policy to a Gateway'),
  row('Kuadrant RateLimitPolicy with a negative limit', () => { const f = edge(GatewayProvider.ISTIO); const r = route(f, 'iris'); r.allowPublicAccess('a public demo model without data behind it'); return new RateLimitPolicy(f.ns.models, 'rlp', { target: KuadrantPolicyTarget.route(r), limits: { l: { rates: [{ limit: -1, window: '1m' }] } } }); }, E, 'test/models/rlp', 'limits.l.rates[0].limit', '-1', 'use a whole number of hits per window'),
  row('Kuadrant RateLimitPolicy without limits (at synth)', () => { const f = edge(GatewayProvider.ISTIO); const r = route(f, 'iris'); r.allowPublicAccess('a public demo model without data behind it'); new RateLimitPolicy(f.ns.models, 'rlp', { target: KuadrantPolicyTarget.route(r) }); return synthPlatforms(f.app); }, S, 'test/models/rlp', 'spec.limits', '{}', "call addLimit('<name>'"),
  row('Kuadrant AuthPolicy without rules (at synth)', () => { const f = edge(GatewayProvider.ISTIO); const r = route(f, 'iris'); r.allowPublicAccess('a public demo model without data behind it'); new AuthPolicy(f.ns.models, 'ap', { target: KuadrantPolicyTarget.route(r) }); return synthPlatforms(f.app); }, S, 'test/models/ap', 'spec.rules', '{}', 'call addAuthentication() or addAuthorization()'),
  row('Kuadrant AuthPolicy denial with a success status', () => { const f = edge(GatewayProvider.ISTIO); const r = route(f, 'iris'); r.allowPublicAccess('a public demo model without data behind it'); return new AuthPolicy(f.ns.models, 'ap', { target: KuadrantPolicyTarget.route(r), unauthenticated: { code: 200 } }); }, E, 'test/models/ap', 'rules.response.unauthenticated.code', '200', 'use e.g. 401'),
  row('Kuadrant Limitador with 0 replicas', () => new Limitador(setup(['kuadrant-system']).ns['kuadrant-system'], 'limitador', { replicas: 0 }), E, 'test/kuadrant-system/limitador', 'replicas', '0', 'use 1, or 2+ with Redis storage'),
  row('Kong plugin name with a space', () => new KongPlugin(setup(['models']).ns.models, 'kp', { plugin: 'Key Auth' }), E, 'test/models/kp', 'plugin', '"Key Auth"', "use e.g. 'key-auth'"),
  row('Istio mesh mTLS behind a gateway without a mesh', () => { const f = edge(GatewayProvider.KGATEWAY); return new MeshMtls(f.ns.models, 'mtls', { gateway: f.gateway, ports: [8080] }); }, E, 'test/models/mtls', 'gateway', '"gw"', 'use an Istio gateway (GatewayProvider.ISTIO)'),

  // Monitoring, alerts, SLOs, dashboards, tracing, access logs
  row('gateway monitoring ratio above 1', () => { const f = edge(); return new GatewayMonitoring(f.ns.edge, 'm', { gateway: f.gateway, authFailureRatio: 1.5 }); }, E, 'test/edge/m', 'authFailureRatio', '1.5', 'use e.g. 0.05 for 5%'),
  row('model monitoring error ratio above 1', () => { const m = isvc(); return new KServeModelMonitoring(m.node.scope!, 'mon', { model: m, errorRatio: 5 }); }, E, 'test/models/mon', 'errorRatio', '5', 'use e.g. 0.05'),
  row('SLO target written as a percentage', () => new Slo(setup(['models']).ns.models, 'slo', { traffic: RequestMetrics.istio('models', 'iris-predictor'), objective: SloObjective.availability(99.5) }), E, 'test/models/slo', 'objective.target', '99.5', 'use e.g. 0.995 for 99.5%'),
  row('SLO window of one day', () => new Slo(setup(['models']).ns.models, 'slo', { traffic: RequestMetrics.istio('models', 'iris-predictor'), objective: SloObjective.availability(0.995), window: Duration.days(1) }), E, 'test/models/slo', 'window', '"1d"', 'use Duration.days(28) or Duration.days(30)'),
  row('alert without the component prefix', () => kongRules().addAlert(alert('GatewayDown')), E, 'test/kong/kong-alerts', 'alerts[GatewayDown].alert', '"GatewayDown"', "name it like 'KongErrorRateHigh'"),
  row('alert runbook over plain HTTP', () => kongRules().addAlert(alert('KongDatastoreDown', { runbookUrl: 'http://runbooks' })), E, 'test/kong/kong-alerts', 'alerts[KongDatastoreDown].annotations.runbook_url', '"http://runbooks"', "use e.g. 'https://runbooks"),
  row('alert fires after 30 s', () => kongRules().addAlert(alert('KongDatastoreDown', { for: Duration.seconds(30) })), E, 'test/kong/kong-alerts', 'alerts[KongDatastoreDown].for', '"30s"', 'use e.g. Duration.minutes(1)'),
  row('rule group without rules (at synth)', () => { const { app, ns } = setup(['kong']); new PrometheusRule(ns.kong, 'kong-alerts', { alertPrefix: 'Kong', catalog: Catalogs.KONG }).addGroup('kong.rules'); return synthObjects(app); }, S, 'test/kong/kong-alerts', 'spec.groups', '["kong.rules"]', 'add a group with addGroup() and rules with addAlert()'),
  row('PodMonitor port out of range', () => new PodMonitor(setup(['kong']).ns.kong, 'pm', { selector: { app: 'kong' }, port: 70000 }), E, 'test/kong/pm', 'port', '70000', 'use the metrics port'),
  row('ServiceMonitor port name is not a Service port name', () => new ServiceMonitor(setup(['kong']).ns.kong, 'sm', { selector: { app: 'kong' }, portName: 'Status_Port' }), E, 'test/kong/sm', 'portName', '"Status_Port"', "use the port's name, e.g. 'status'"),
  row('dashboard query reads a metric outside the catalog', () => new GrafanaDashboard(setup(['monitoring']).ns.monitoring, 'd', { dashboard: new DashboardBuilder('Typo').withPanel(timeseriesPanel({ title: 'Requests', unit: 'reqps', queries: [{ expr: 'sum(rate(kong_http_request_total[5m]))' }] })), catalog: Catalogs.KONG }), E, 'test/monitoring/d', 'panels[].targets[].expr', '"sum(rate(kong_http_request_total[5m]))"', 'fix the metric name'),
  row('access log records a credential header', () => { const f = edge(); return new AccessLog(f.ns.edge, 'log', { gateway: f.gateway, fields: [...DEFAULT_LOG_FIELDS, LogField.requestHeader('auth', 'Authorization')] }); }, E, 'test/edge/log', 'fields.auth', '"Authorization"', 'log the identity fields (user_id, tier)'),
  row('access log on Kong', () => { const f = edge(GatewayProvider.KONG); return new AccessLog(f.ns.edge, 'log', { gateway: f.gateway }); }, E, 'test/edge/log', 'gateway.provider', '"kong"', 'KongAccessLog for Kong'),
  row('tracing sampling rate above 1', () => { const f = edge(); return tracingFor(f.ns.edge, 'tracing', { gateway: f.gateway, collector: TracingCollector.jaeger(), samplingRate: 10 }); }, E, 'test/edge/tracing', 'samplingRate', '10', 'use e.g. 0.1 to trace 10% of requests'),
  row('tracing collector name is not a DNS label', () => TracingCollector.otlp('Jaeger_Collector'), E, 'TracingCollector', 'service', '"Jaeger_Collector"', 'use a name such as "jaeger-collector"'),

  // Argo CD
  row('Application repository is not a Git URL', () => new Application(setup(['argocd']).ns.argocd, 'app', { project: 'models', repoUrl: 'ftp://git.example.com/repo', path: 'dist/maas', namespace: 'llm' }), E, 'test/argocd/app', 'repoUrl', '"ftp://git.example.com/repo"', 'use the clone URL of the repository'),
  row('Application path leaves the repository', () => new Application(setup(['argocd']).ns.argocd, 'app', { project: 'models', repoUrl: 'https://git.example.com/repo.git', path: '../secrets', namespace: 'llm' }), E, 'test/argocd/app', 'path', '"../secrets"', 'use e.g. dist/maas'),
  row('Application project is not an AppProject name', () => new Application(setup(['argocd']).ns.argocd, 'app', { project: 'Model Serving', repoUrl: 'https://git.example.com/repo.git', path: 'dist/maas', namespace: 'llm' }), E, 'test/argocd/app', 'project', '"Model Serving"', 'use a name such as "model-serving"'),
  row('Application destination is not an https URL', () => new Application(setup(['argocd']).ns.argocd, 'app', { project: 'models', repoUrl: 'https://git.example.com/repo.git', path: 'dist/maas', namespace: 'llm', server: 'prod-cluster' }), E, 'test/argocd/app', 'server', '"prod-cluster"', "use 'https://kubernetes.default.svc'"),
  row('ApplicationSet repository is not a Git URL', () => new ApplicationSet(setup(['argocd']).ns.argocd, 'set', { project: 'models', repoUrl: 'ftp://git.example.com/repo', path: 'dist/maas', namespace: 'llm', clusterSelector: { env: 'prod' }, values: {} }), E, 'test/argocd/set', 'repoUrl', '"ftp://git.example.com/repo"', 'use the clone URL of the repository'),
  row('AppProject allows every repository', () => new AppProject(setup(['argocd']).ns.argocd, 'proj', { sourceRepos: ['*'], destinations: [], clusterResources: [], namespaceResources: [] }), E, 'test/argocd/proj', 'sourceRepos', '["*"]', 'list the Git URL of this repository'),
  row('Application without a destination namespace (Argo CD refuses it against the project)', () => new Application(setup(['argocd']).ns.argocd, 'app', { project: 'models', repoUrl: 'https://git.example.com/repo.git', path: 'dist/maas', namespace: '' }), E, 'test/argocd/app', 'namespace', '""', 'use a name such as'),
  row('AppProject allows every cluster without project-scoped clusters', () => new AppProject(setup(['argocd']).ns.argocd, 'proj', { sourceRepos: ['https://git.example.com/repo.git'], destinations: [{ server: '*', namespaces: ['llm'] }], clusterResources: [], namespaceResources: [] }), E, 'test/argocd/proj', 'destinations', '[{"server":"*","namespaces":["llm"]}]', 'set permitOnlyProjectScopedClusters: true'),
  row('AppProject allows every namespace', () => new AppProject(setup(['argocd']).ns.argocd, 'proj', { sourceRepos: ['https://git.example.com/repo.git'], destinations: [{ server: '*', namespaces: ['*'] }], permitOnlyProjectScopedClusters: true, clusterResources: [], namespaceResources: [] }), E, 'test/argocd/proj', 'destinations', '[{"server":"*","namespaces":["*"]}]', 'list each namespace'),
  row('ApplicationSet selects every cluster', () => new ApplicationSet(setup(['argocd']).ns.argocd, 'set', { project: 'models', repoUrl: 'https://git.example.com/repo.git', path: 'dist/maas', namespace: 'llm', clusterSelector: {}, values: {} }), E, 'test/argocd/set', 'clusterSelector', '{}', "pass e.g. { 'models.cdk8s.io/platform': 'maas' }"),
  row('ApplicationSet override uses an undefined value (missing reference)', () => new ApplicationSet(setup(['argocd']).ns.argocd, 'set', { project: 'models', repoUrl: 'https://git.example.com/repo.git', path: 'dist/maas', namespace: 'llm', clusterSelector: { env: 'prod' }, values: {}, overrides: [{ kind: 'InferenceService', path: '/spec/predictor/minReplicas', value: 'replicas' }] }), E, 'test/argocd/set', 'overrides', '"replicas"', "add it to values: { replicas: '...' }"),

  // The catalog format (file:line:column and field in every message)
  ...[
    ((c) => row('catalog: wrong type (a mapping where a list belongs)', () => loadCatalog(c.file), C, c.at, 'models', '{"name":"iris"}', 'write a list'))(catalog('models:\n  - name: iris\n    format: sklearn\n    storageUri: gs://kfserving-examples/models/sklearn/iris\n    resources:\n      requests: { cpu: 100m, memory: 256Mi }\n      limits: { cpu: "1", memory: 1Gi }\n    metadata:\n      auth.type: key-auth\n      auth.required: "true"\n      rateLimit.minute: "100"\n', 'models:\n  name: iris\n', 'name: iris')),
    ((c) => row('catalog: unknown key', () => loadCatalog(c.file), C, c.at, 'models[0].storageURI', '"gs://kfserving-examples/models/sklearn/iris"', "did you mean 'storageUri'?"))(catalog('    storageUri:', '    storageURI:', 'storageURI')),
    ((c) => row('catalog: unknown auth.type', () => loadCatalog(c.file), C, c.at, 'models[0].metadata.auth.type', '"oauth"', 'use one of jwt, key-auth'))(catalog('auth.type: key-auth', 'auth.type: oauth', 'oauth')),
    ((c) => row('catalog: negative limit', () => loadCatalog(c.file), C, c.at, 'models[0].metadata.rateLimit.minute', '-5', 'to lift a limit, remove the key'))(catalog('rateLimit.minute: "100"', 'rateLimit.minute: -5', '-5')),
    ((c) => row('catalog: limit is not a number', () => loadCatalog(c.file), C, c.at, 'models[0].metadata.rateLimit.minute', '"lots"', 'write e.g. "100"'))(catalog('rateLimit.minute: "100"', 'rateLimit.minute: lots', 'lots')),
    ((c) => row('catalog: duplicate model names', () => loadCatalog(c.file), C, c.at, 'models[1].name', '"iris"', 'give every service and model a unique name'))(
      catalog('models:\n', 'models:\n  - name: iris\n    format: onnx\n    storageUri: gs://models/iris-onnx\n    resources: { requests: { cpu: 100m, memory: 256Mi }, limits: { cpu: "1", memory: 1Gi } }\n', 'name: iris\n    format: sklearn'),
    ),
    ((c) => row('catalog: unknown model format', () => loadCatalog(c.file), C, c.at, 'models[0].format', '"keras"', 'use one of sklearn'))(catalog('format: sklearn', 'format: keras', 'keras')),
    ((c) => row('catalog: consumer names a missing entry (missing reference)', () => loadCatalog(c.file), C, c.at, 'consumers[0].service', '"resnet"', 'use one of iris'))(catalog('service: iris', 'service: resnet', 'resnet')),
    ((c) => row('catalog: key-auth without consumers (a tier without callers)', () => loadCatalog(c.file), C, c.at, 'models[0].metadata.auth.type', '"key-auth"', 'add a consumer with service: iris'))(catalog('consumers:\n  - { userId: billing, service: iris, remoteKey: api-keys/billing }\n', 'consumers: []\n', 'auth.type')),
    ((c) => row('catalog: request above its limit', () => loadCatalog(c.file), C, c.at, 'models[0].resources.requests.cpu', '"2"', 'lower the request or raise the limit'))(catalog('requests: { cpu: 100m', 'requests: { cpu: "2"', '"2"')),
    // A syntax error's received value is the source line it points at.
    ((c) => row('catalog: repeated key', () => loadCatalog(c.file), C, c.at, '(syntax)', '"format: onnx"', 'keep one of the two keys'))(catalog('    format: sklearn\n', '    format: sklearn\n    format: onnx\n', 'format: onnx')),
    ((c) => row('catalog: YAML syntax error', () => loadCatalog(c.file), C, c.at, '(syntax)', '"metadata:', 'fix the YAML syntax'))(catalog('limits: { cpu: "1", memory: 1Gi }', 'limits: { cpu: "1", memory: 1Gi', '    metadata:')),
    ((c) => row('catalog: entry the provider cannot serve (Kong-only ip restriction on kgateway)', () => ModelServingPlatform.fromCatalog(Testing.app(), 'cat', c.file, { provider: GatewayProvider.KGATEWAY, hostname: 'api.example.com', certificate: { issuer: CertificateIssuer.clusterIssuer('letsencrypt') }, redis: RedisReference.of({ host: 'redis' }) }), C, c.at, 'models[0].metadata.ipRestriction.allow', '"10.0.0.0/8"', 'use GatewayProvider.KONG'))(
      catalog('      rateLimit.minute: "100"\n', '      rateLimit.minute: "100"\n      ipRestriction.allow: "10.0.0.0/8"\n', '"10.0.0.0/8"'),
    ),
  ],
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The error `build` throws, or fails the test when it returns. */
function errorOf(build: () => unknown): unknown {
  try {
    build();
  } catch (err) {
    return err;
  }
  throw new Error('the bad input was accepted (no error thrown)');
}

describe('bad-input corpus', () => {
  it('covers at least 80 inputs, each described once', () => {
    expect(rows.length).toBeGreaterThanOrEqual(80);
    expect(new Set(rows.map((r) => r.what)).size).toBe(rows.length);
  });

  it.each(rows)('$what', (r) => {
    const err = errorOf(r.build);
    expect(err, String((err as Error)?.stack)).toBeInstanceOf(r.type);
    const message = (err as Error).message;
    // One line of the message names all four: where, which field, the value received, the fix.
    const line = message.split('\n').find((l) => l.trimStart().startsWith(`${r.path}`)) ?? message;
    expect(line.trimStart(), message).toMatch(new RegExp(`^${escape(r.path)}(:\\d+)?: `));
    expect(line).toContain(r.field);
    expect(line).toContain(`(received: ${r.value}`);
    expect(line).toContain('Fix: ');
    expect(line.slice(line.indexOf('Fix: '))).toContain(r.fix);
    if (err instanceof ModelServingError && !(err instanceof CatalogError)) {
      expect(err.constructPath).toBe(r.path);
      expect(err.field).toBe(r.field);
    }
  });
});
