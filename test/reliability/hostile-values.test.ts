/**
 * Values a controller would reject or misread (issue 14, section 3): each
 * is refused through the public API (constructs, the catalog, synth) with
 * one message naming where (construct path, or `file:line:column`), which
 * field, the value received, and the fix — before the apiserver, a webhook,
 * a controller or a data plane gets to cap, wrap, drop or misread it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart, Duration, Testing } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { EnvValue } from '../../src/core/env';
import { ModelServingError } from '../../src/core/errors';
import { keysOf } from '../../src/core/props';
import { Namespace, PodSecurity } from '../../src/core/namespace';
import { NetworkPeer } from '../../src/core/network-peer';
import { Platform } from '../../src/core/platform';
import { Probe } from '../../src/core/probe';
import { SecretRef } from '../../src/core/secret-ref';
import { SynthError, synthPlatforms } from '../../src/delivery/synth';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { CatalogError, loadCatalog } from '../../src/platform/catalog-loader';
import { AccessPolicy, AccessPolicyProps } from '../../src/policy/access-policy';
import { ApiKeyAuth, JwtAuth } from '../../src/policy/authentication';
import { PolicyTarget as EgPolicyTarget, SecurityPolicy } from '../../src/policy/envoy-gateway';
import { TrafficPolicy } from '../../src/policy/kgateway';
import { AuthorizationPolicy, PeerAuthentication } from '../../src/policy/istio';
import { KongPlugin } from '../../src/policy/kong';
import { Limitador } from '../../src/policy/kuadrant';
import { RateLimit, RateLimitMode } from '../../src/policy/rate-limit';
import { RedisReference } from '../../src/policy/redis';
import { Tier } from '../../src/policy/tier';
import { HttpRoute, HttpRouteRule } from '../../src/routing/http-route';
import { Autoscaling } from '../../src/serving/autoscaling';
import { Transformer } from '../../src/serving/components';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { FlatModelProps, withPredictor } from '../flat-props';
import { LlmInferenceService } from '../../src/serving/llm-inference-service';
import { DeploymentMode, ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { ClusterServingRuntime, ServingRuntime } from '../../src/serving/serving-runtime';
import { Storage } from '../../src/serving/storage';
import { setup } from '../util';
import { ServiceAccount } from '../../src/core/service-account';
import { HttpRouteFilter } from '../../src/routing/filter';

// ---------------------------------------------------------------------------
// Fixtures

const RESOURCES = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
const STORE = { name: 'vault' };
const IMAGE = 'registry.example.com/team/server:1.0.0';

/** An InferenceService `iris` in `models` with `props` over a valid sklearn model. */
function isvc(props: FlatModelProps = {}) {
  const { ns } = setup(['models']);
  return new InferenceService(ns.models, 'iris', withPredictor({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris'), resources: RESOURCES }, props));
}

/** Platform `test` with a Gateway `gw` of `provider` in `edge`, admitting routes of `models`. */
function edge(provider: GatewayProvider) {
  const { app, platform, ns } = setup(['edge', 'models']);
  const gateway = new Gateway(ns.edge, 'gw', {
    provider,
    listeners: [Listener.http({ allowedRoutes: AllowedRoutes.sameNamespace() }), Listener.https({ certificates: [SecretRef.named('gw-tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })],
  });
  return { app, platform, ns, gateway };
}

function route(f: ReturnType<typeof edge>, name: string, rules: HttpRouteRule[] = [{ backends: [Backend.service(`${name}-predictor`, 80)] }]) {
  return new HttpRoute(f.ns.models, name, { parents: [f.gateway.listener('https')], rules });
}

/** An access policy `access` over route `iris` with API keys and one tier, `props` changed. */
function policy(props: Partial<AccessPolicyProps> = {}, provider: GatewayProvider = GatewayProvider.ENVOY_GATEWAY) {
  const f = edge(provider);
  return new AccessPolicy(f.ns.models, 'access', {
    gateway: f.gateway,
    routes: [route(f, 'iris')],
    authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: [{ userId: 'alice', tier: 'basic', remoteKey: 'api-keys/alice' }] })],
    tiers: [new Tier('basic', { limits: [RateLimit.perMinute(100)] })],
    rateLimitMode: RateLimitMode.GLOBAL,
    redis: provider === GatewayProvider.KGATEWAY || provider === GatewayProvider.KONG ? RedisReference.of({ host: 'redis.data.svc.cluster.local' }) : undefined,
    ...props,
  });
}

const jwt = (props: Partial<ConstructorParameters<typeof JwtAuth>[0]> = {}) => new JwtAuth({ issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks', ...props });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let catalogCount = 0;

const CATALOG = `apiVersion: catalog.models.cdk8s.io/v1alpha1
kind: Catalog
secretStore: { name: vault }
consumers:
  - { userId: billing, service: iris, remoteKey: api-keys/billing }
services:
  - name: inventory
    version: v1.0.0
    endpoints:
      - { protocol: http, host: inventory.shop.svc.cluster.local, port: 8080, path: /api/*, methods: [GET] }
    metadata:
      cors.enabled: "true"
      cors.origins: https://app.example.com
      cors.methods: GET
  - name: console
    version: v1.0.0
    endpoints:
      - { protocol: http, host: console.ops.svc.cluster.local, port: 8080, path: /ops/* }
    metadata:
      ipRestriction.allow: 10.0.0.0/8
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

/** Writes the base catalog with `from` replaced by `to`; returns the file and the `file:line` of the first `needle` at or after `after`. */
function catalog(from: string, to: string, needle: string, after = ''): { file: string; text: string; at: string } {
  if (!CATALOG.includes(from)) throw new Error(`the base catalog has no ${from}`);
  const text = CATALOG.replace(from, to);
  const file = path.join(tmp, `catalog-${++catalogCount}.yaml`);
  fs.writeFileSync(file, text);
  const index = text.indexOf(needle, after ? text.indexOf(after) : 0);
  if (index < 0) throw new Error(`the catalog has no ${needle}`);
  return { file, text, at: `${file}:${text.slice(0, index).split('\n').length}` };
}

/** `file:line` of the `n`-th (0-based) occurrence of `needle` in `text`. */
function lineOf(file: string, text: string, needle: string, n: number): string {
  let index = -1;
  for (let i = 0; i <= n; i++) index = text.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`no ${needle}`);
  return `${file}:${text.slice(0, index).split('\n').length}`;
}

// ---------------------------------------------------------------------------
// The findings

type ErrorType = typeof ModelServingError | typeof SynthError | typeof CatalogError;

interface Row {
  readonly what: string;
  readonly build: () => unknown;
  readonly type: ErrorType;
  /** The construct path, or `file:line` of a catalog (the column follows in the message). */
  readonly path: string;
  readonly field: string;
  /** The value as rendered after `received: `. */
  readonly value: string;
  /** A fragment of what is wrong. */
  readonly problem: string;
  /** A fragment of the fix. */
  readonly fix: string;
}

const row = (what: string, build: () => unknown, type: ErrorType, where: string, field: string, value: string, problem: string, fix: string): Row => ({ what, build, type, path: where, field, value, problem, fix });
const E = ModelServingError;
const S = SynthError;
const C = CatalogError;
const GPU = { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '8Gi', nvidiaGpu: '1' } };

const rows: Row[] = [
  // Quantities beyond int64
  row('CPU limit of 1e400 (Infinity as a number)', () => isvc({ resources: { requests: { cpu: '1' }, limits: { cpu: '1e400' } } }), E, 'test/models/iris', 'resources.limits.cpu', '"1e400"', 'beyond what Kubernetes counts (int64 milli-units', "use a quantity the cluster can hold, such as '4'"),
  row('memory of 99999999999999999999Ei', () => isvc({ resources: { requests: { memory: '1Gi' }, limits: { memory: '99999999999999999999Ei' } } }), E, 'test/models/iris', 'resources.limits.memory', '"99999999999999999999Ei"', 'the apiserver would cap or overflow it', "such as '4' or '64Gi'"),
  row('memory request just above 2^63-1 milli-units', () => isvc({ resources: { requests: { memory: '9223372036854776' }, limits: { memory: '9223372036854776' } } }), E, 'test/models/iris', 'resources.requests.memory', '"9223372036854776"', 'at most 9223372036854775 units', "such as '4' or '64Gi'"),
  row('a non-zero CPU below 1n (rounded up by the apiserver)', () => isvc({ resources: { requests: { cpu: '1e-12' }, limits: { cpu: '1' } } }), E, 'test/models/iris', 'resources.requests.cpu', '"1e-12"', 'rounds up to 1n', 'use a quantity the cluster can hold'),
  ((c) => row('catalog: CPU limit of 1e400', () => loadCatalog(c.file), C, c.at, 'models[0].resources.limits.cpu', '"1e400"', 'beyond what Kubernetes counts', "write a quantity the cluster can hold"))(catalog('limits: { cpu: "1", memory: 1Gi }', 'limits: { cpu: "1e400", memory: 1Gi }', '"1e400"')),

  // Counts, concurrency, timeouts and limits beyond their field's type
  row('maxReplicas 1e10 (beyond int32)', () => isvc({ maxReplicas: 1e10 }), E, 'test/models/iris', 'maxReplicas', '10000000000', 'between 1 and 2147483647 (int32: spec.predictor.maxReplicas)', 'use the most replicas'),
  row('minReplicas beyond int32', () => isvc({ minReplicas: 2 ** 31, maxReplicas: 2 ** 31 }), E, 'test/models/iris', 'minReplicas', '2147483648', 'between 0 and 2147483647', 'use the replicas the model needs'),
  row('transformer maxReplicas beyond int32', () => isvc({ transformer: Transformer.container({ image: IMAGE, resources: RESOURCES, maxReplicas: 1e12 }) }), E, 'test/models/iris', 'transformer.maxReplicas', '1000000000000', 'between 1 and 2147483647 (int32: spec.transformer.maxReplicas)', 'use e.g. 3'),
  row('Knative containerConcurrency above its max limit', () => isvc({ deploymentMode: DeploymentMode.KNATIVE, containerConcurrency: 5000 }), E, 'test/models/iris', 'containerConcurrency', '5000', "between 0 and 1000 (Knative's container-concurrency-max-limit)", 'use e.g. 10, or 0 for unlimited'),
  row('Standard-mode containerConcurrency beyond exact integers', () => isvc({ containerConcurrency: 1e300 }), E, 'test/models/iris', 'containerConcurrency', '1e+300', 'between 0 and 9007199254740991', 'use e.g. 10'),
  row('Knative timeout above max-revision-timeout-seconds', () => isvc({ deploymentMode: DeploymentMode.KNATIVE, timeout: Duration.hours(1) }), E, 'test/models/iris', 'timeout', '"3600s"', "between 1s and 600s (Knative's max-revision-timeout-seconds)", 'use e.g. Duration.seconds(60)'),
  row('scale target beyond int32', () => isvc({ deploymentMode: DeploymentMode.KNATIVE, autoscaling: Autoscaling.concurrency(1e10) }), E, 'test/models/iris', 'autoscaling.target', '10000000000', 'between 1 and 2147483647 (int32: spec.predictor.scaleTarget)', 'use the load one replica handles'),
  row('batcher timeout beyond int32', () => isvc({ batcher: { maxBatchSize: 32, maxLatency: Duration.millis(50), timeout: Duration.seconds(2 ** 40) } }), E, 'test/models/iris', 'batcher.timeout', '"1099511627776s"', 'between 1s and 2147483647s', 'use e.g. Duration.seconds(60)'),
  row('ServingRuntime priority beyond int32', () => new ServingRuntime(setup(['models']).ns.models, 'rt', { supportedModelFormats: [{ format: ModelFormat.custom('vLLM'), autoSelect: true, priority: 2 ** 31 }], container: { image: IMAGE, resources: RESOURCES } }), E, 'test/models/rt', 'supportedModelFormats[0].priority', '2147483648', 'between 1 and 2147483647 (int32)', 'use 1 or more'),
  row('kgateway request limit beyond uint32', () => policy({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(5e9)] })] }, GatewayProvider.KGATEWAY), E, 'test/models/access', 'tiers(basic).limits[0].requestsPerUnit', '5000000000', 'at most 4294967295 on kgateway (the Envoy rate limit service reads requests_per_unit as a uint32)', 'a shorter unit'),
  row('request limit beyond exact integers (any provider)', () => policy({ tiers: [new Tier('basic', { limits: [RateLimit.perDay(1e20)] })] }), E, 'test/models/access', 'tiers[0](basic).limits[0].requestsPerUnit', '100000000000000000000', 'must be at most 9007199254740991 (a larger number is already rounded', 'use e.g. RateLimit.perMinute(100)'),
  row('kgateway token bucket beyond int32', () => { const f = edge(GatewayProvider.KGATEWAY); return new TrafficPolicy(f.ns.models, 'tp', { rateLimit: { local: { tokenBucket: { maxTokens: 2 ** 32, fillInterval: Duration.seconds(1) } } } }); }, E, 'test/models/tp', 'rateLimit.local.tokenBucket.maxTokens', '4294967296', 'between 1 and 2147483647 (int32)', 'use the burst size'),
  row('LLMInferenceService replicas beyond int32', () => new LlmInferenceService(setup(['llm']).ns.llm, 'qwen', { model: Storage.hf('Qwen/Qwen3-0.6B'), replicas: 1e10, container: { resources: RESOURCES } }), E, 'test/llm/qwen', 'replicas', '10000000000', 'between 1 and 2147483647 (int32: LLMInferenceService spec.replicas)', 'use 1 or more'),
  row('Limitador replicas beyond int32', () => new Limitador(setup(['kuadrant-system']).ns['kuadrant-system'], 'limitador', { replicas: 2 ** 31 }), E, 'test/kuadrant-system/limitador', 'replicas', '2147483648', 'between 1 and 2147483647', 'use 1, or 2+ with Redis storage'),
  row('Kong rate-limiting beyond exact doubles', () => KongPlugin.rateLimiting(setup(['models']).ns.models, 'rl', { minute: 2 ** 60 }), E, 'test/models/rl', 'config.minute', '1152921504606847000', 'must be at most 9007199254740991 (Kong counts in doubles)', 'use a smaller minute limit'),
  ((c) => row('catalog: rate limit beyond exact integers', () => loadCatalog(c.file), C, c.at, 'models[0].metadata.rateLimit.minute', '"100000000000000000000"', 'must be at most 9007199254740991 requests per minute', 'write a smaller limit'))(catalog('rateLimit.minute: "100"', 'rateLimit.minute: "100000000000000000000"', '"100000000000000000000"')),
  row('kgateway token bucket refill beyond the duration format', () => { const f = edge(GatewayProvider.KGATEWAY); return new TrafficPolicy(f.ns.models, 'tp', { rateLimit: { local: { tokenBucket: { maxTokens: 10, fillInterval: Duration.hours(200_000) } } } }); }, E, 'test/models/tp', 'rateLimit.local.tokenBucket.fillInterval', '"720000000000ms"', 'up to 99999h (GEP-2257)', 'use e.g. Duration.seconds(30)'),
  row('route timeout beyond the Gateway API duration format', () => route(edge(GatewayProvider.KGATEWAY), 'r', [{ backends: [Backend.service('a', 80)], timeouts: { request: Duration.hours(100_000) } }]), E, 'test/models/r', 'rules[0].timeouts.request', '"360000000000ms"', 'up to 99999h (GEP-2257)', 'use e.g. Duration.seconds(30)'),

  // Enums outside their set
  row("Pod Security level 'root'", () => new Namespace(setup([]).platform, 'gpu', { podSecurity: PodSecurity.waived('root' as never, 'the GPU driver needs host devices') }), E, 'test/gpu', 'podSecurity.enforce', '"root"', "must be one of 'restricted', 'baseline', 'privileged'", "PodSecurity.waived('baseline' | 'privileged', reason)"),
  row('toleration effect outside the taint effects', () => isvc({ tolerations: [{ key: 'nvidia.com/gpu', effect: 'NoSchedul' as never }] }), E, 'test/models/iris', 'tolerations[0].effect', '"NoSchedul"', "must be one of 'NoSchedule', 'PreferNoSchedule', 'NoExecute'", 'omit it to tolerate every effect'),
  row("toleration operator 'Exists' with a value", () => isvc({ resources: GPU, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', value: 'true' }] }), E, 'test/models/iris', 'tolerations[0].value', '"true"', "must be empty when operator is 'Exists'", "use operator: 'Equal'"),
  row('ServingRuntime toleration operator outside the set', () => new ServingRuntime(setup(['models']).ns.models, 'rt', { supportedModelFormats: [{ format: ModelFormat.custom('vLLM') }], container: { image: IMAGE, resources: RESOURCES }, tolerations: [{ key: 'gpu', operator: 'In' as never }] }), E, 'test/models/rt', 'tolerations[0].operator', '"In"', "must be one of 'Exists', 'Equal'", "use one of 'Exists', 'Equal'"),
  row("deployment mode 'Serverless' (the old name)", () => isvc({ deploymentMode: 'Serverless' as DeploymentMode }), E, 'test/models/iris', 'deploymentMode', '"Serverless"', "must be one of 'Standard', 'Knative'", 'use DeploymentMode.STANDARD or DeploymentMode.KNATIVE'),
  row('ServingRuntime protocol outside the set', () => new ServingRuntime(setup(['models']).ns.models, 'rt', { supportedModelFormats: [{ format: ModelFormat.custom('vLLM') }], protocolVersions: ['v3' as ProtocolVersion], container: { image: IMAGE, resources: RESOURCES } }), E, 'test/models/rt', 'protocolVersions[0]', '"v3"', "must be one of 'v1', 'v2', 'grpc-v1', 'grpc-v2'", "use one of 'v1'"),
  row('Knative autoscaling metric outside the set', () => isvc({ deploymentMode: DeploymentMode.KNATIVE, autoscaling: Autoscaling.knative({ metric: 'cpu' as never, target: 10 }) }), E, 'test/models/iris', 'autoscaling.metric', '"cpu"', "must be one of 'concurrency', 'rps'", "use one of 'concurrency', 'rps'"),
  row('logger mode outside the set', () => isvc({ logger: { url: 'http://logger.observability/', mode: 'both' as never } }), E, 'test/models/iris', 'logger.mode', '"both"', "must be one of 'all', 'request', 'response'", "use one of 'all'"),
  row('NetworkPolicy port protocol outside the set', () => setup(['models']).ns.models.allowIngress('web', { peers: [NetworkPeer.namespace('edge')], ports: [{ port: 8080, protocol: 'HTTP' as never }] }), E, 'test/models', 'NetworkPolicy/allow-web.ports[0].protocol', '"HTTP"', "must be one of 'TCP', 'UDP', 'SCTP'", "use one of 'TCP'"),
  row('container port protocol outside the set', () => isvc({ transformer: Transformer.container({ image: IMAGE, resources: RESOURCES, ports: [{ containerPort: 8080, protocol: 'HTTP' as never }] }) }), E, 'test/models/iris', 'transformer.ports[0].protocol', '"HTTP"', "must be one of 'TCP', 'UDP'", "use one of 'TCP', 'UDP'"),
  row('probe scheme outside the set', () => isvc({ readinessProbe: Probe.http('/ready', 8080, { scheme: 'TCP' as never }) }), E, 'test/models/iris', 'readinessProbe.httpGet.scheme', '"TCP"', "must be one of 'HTTP', 'HTTPS'", "use one of 'HTTP', 'HTTPS'"),
  row('Istio AuthorizationPolicy action outside the set', () => new AuthorizationPolicy(setup(['models']).ns.models, 'ap', { action: 'AUDIT_ALL' as never, rules: [{ principals: ['cluster.local/ns/edge/sa/gateway'] }] }), E, 'test/models/ap', 'action', '"AUDIT_ALL"', "must be one of 'ALLOW', 'DENY'", "use one of 'ALLOW', 'DENY'"),
  row('Istio PeerAuthentication mode outside the set', () => new PeerAuthentication(setup(['models']).ns.models, 'pa', { mode: 'STRICTLY' as never }), E, 'test/models/pa', 'mode', '"STRICTLY"', "must be one of 'STRICT', 'PERMISSIVE', 'DISABLE'", "use one of 'STRICT'"),
  row('Kong rate-limiting policy outside the set', () => KongPlugin.rateLimiting(setup(['models']).ns.models, 'rl', { minute: 100, policy: 'cluster' as never }), E, 'test/models/rl', 'config.policy', '"cluster"', "must be one of 'local', 'redis'", "use one of 'local', 'redis'"),
  row('rate limit unit outside the set', () => policy({ tiers: [new Tier('basic', { limits: [Object.assign(RateLimit.perMinute(10), { unit: 'week' as never })] })] }), E, 'test/models/access', 'tiers[0](basic).limits[0].unit', '"week"', "must be one of 'second', 'minute', 'hour', 'day'", "use one of 'second'"),

  // Unknown keys dropped silently
  row("a 'gpu' typo beside nvidiaGpu", () => isvc({ resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '8Gi', gpu: '1' } as never } }), E, 'test/models/iris', 'resources.limits.gpu', '"1"', 'is not a known field (it would be dropped silently)', "did you mean 'nvidiaGpu'?"),
  row("'limit' instead of 'limits' in resources", () => isvc({ resources: { requests: { cpu: '1' }, limit: { cpu: '2' } } as never }), E, 'test/models/iris', 'resources.limit', '{"cpu":"2"}', 'is not a known field', "did you mean 'limits'?"),
  row('a misspelt InferenceService prop', () => isvc({ minReplica: 2 } as never), E, 'test/models/iris', 'minReplica', '2', 'is not a known field', "did you mean 'minReplicas'?"),
  row('a misspelt batcher key', () => isvc({ batcher: { maxBatchSize: 32, maxLatency: Duration.millis(50), timeoutSeconds: 30 } as never }), E, 'test/models/iris', 'batcher.timeoutSeconds', '30', 'is not a known field', "did you mean 'timeout'?"),
  row('a misspelt toleration key', () => isvc({ tolerations: [{ key: 'nvidia.com/gpu', effects: 'NoSchedule' } as never] }), E, 'test/models/iris', 'tolerations[0].effects', '"NoSchedule"', 'is not a known field', "did you mean 'effect'?"),
  row('a misspelt container resource key (ServingRuntime)', () => new ServingRuntime(setup(['models']).ns.models, 'rt', { supportedModelFormats: [{ format: ModelFormat.custom('vLLM') }], container: { image: IMAGE, resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' } as never } } }), E, 'test/models/rt', 'container.resources.limits.nvidia.com/gpu', '"1"', 'is not a known field', "did you mean 'nvidiaGpu'?"),
  row('a misspelt tier prop', () => new Tier('basic', { limit: [RateLimit.perMinute(1)] } as never), E, 'Tier(basic)', 'limit', '[{"requestsPerUnit":1,"unit":"minute"}]', 'is not a known field', "did you mean 'limits'?"),
  row('a misspelt Knative autoscaling key', () => isvc({ deploymentMode: DeploymentMode.KNATIVE, autoscaling: Autoscaling.knative({ target: 10, windows: Duration.seconds(60) } as never) }), E, 'test/models/iris', 'autoscaling.windows', '{"amount":60,"unit":{"label":"seconds","inMillis":1000}}', 'is not a known field', "did you mean 'window'?"),
  row('a misspelt probe timing key', () => Probe.http('/ready', 8080, { perod: 5 } as never), E, 'Probe.http', 'timing.perod', '5', 'is not a known field', "did you mean 'period'?"),
  row("JWT 'audience' instead of 'audiences'", () => jwt({ audience: ['models-api'] } as never), E, 'JwtAuth', 'audience', '["models-api"]', 'is not a known field', "did you mean 'audiences'?"),
  row('a misspelt access policy prop', () => policy({ counter: 'user' } as never), E, 'test/models/access', 'counter', '"user"', 'is not a known field', "did you mean 'counterKey'?"),
  row('a misspelt custom predictor container key', () => isvc({ format: undefined, storage: undefined, containers: [{ image: IMAGE, resources: RESOURCES, envs: { A: 'b' } } as never] }), E, 'test/models/iris', 'containers[0].envs', '{"A":"b"}', 'is not a known field', "did you mean 'env'?"),
  row('a misspelt ServingRuntime prop', () => new ServingRuntime(setup(['models']).ns.models, 'rt', { supportedModelFormats: [{ format: ModelFormat.custom('vLLM') }], container: { image: IMAGE, resources: RESOURCES }, protocolVersion: [ProtocolVersion.V2] } as never), E, 'test/models/rt', 'protocolVersion', '["v2"]', 'is not a known field', "did you mean 'protocolVersions'?"),
  row("'port' instead of 'ports' in a NetworkPolicy rule", () => setup(['models']).ns.models.allowIngress('web', { peers: [NetworkPeer.namespace('edge')], port: 8080 } as never), E, 'test/models', 'NetworkPolicy/allow-web.port', '8080', 'is not a known field', "did you mean 'ports'?"),

  // References without a name, empty lists read as "anything"
  row('secretKeyRef without a name (EnvValue.fromSecret)', () => EnvValue.fromSecret({ secretName: '' }, 'token'), E, 'EnvValue.fromSecret', 'secretKeyRef.name', '""', 'a secretKeyRef without a name is refused when the controller creates the pod', "EnvValue.fromSecret(SecretRef.named('my-secret'), 'key')"),
  row('secretKeyRef without a name (env written by hand)', () => isvc({ env: { HF_TOKEN: { valueFrom: { secretKeyRef: { key: 'token' } } } as never } }), E, 'test/models/iris', 'env.HF_TOKEN.valueFrom.secretKeyRef.name', 'undefined', 'must name the Secret', "EnvValue.fromSecret(SecretRef.named('my-secret'), 'key')"),
  row('Secret reference with an empty name', () => SecretRef.named(''), E, 'SecretRef.named', 'secretName', '""', 'must be a DNS-1123 subdomain', 'use a name such as'),
  row('empty JWT audiences (read as "any audience")', () => policy({ authentication: [jwt({ audiences: [] })] }), E, 'test/models/access', 'authentication[0].audiences', '[]', 'every engine reads as "accept any audience"', "list the audiences this API accepts, e.g. ['models-api']"),
  row('an empty JWT audience', () => policy({ authentication: [jwt({ audiences: ['models-api', ' '] })] }), E, 'test/models/access', 'authentication[0].audiences[1]', '" "', 'must be a non-empty string', "use the aud value tokens carry"),

  row('empty JWT audiences on an Envoy Gateway SecurityPolicy', () => {
    const f = edge(GatewayProvider.ENVOY_GATEWAY);
    const r = route(f, 'iris');
    return new SecurityPolicy(f.ns.models, 'sp', { targets: [EgPolicyTarget.route(r)], jwtProviders: [{ name: 'idp', issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks.json', audiences: [] }] });
  }, E, 'test/models/sp', 'jwtProviders[idp].audiences', '[]', 'Envoy Gateway reads as "accept any audience"', 'omit audiences to skip the check on purpose'),

  // NetworkPolicy selectors
  row("NetworkPolicy label value '*' (no wildcard)", () => NetworkPeer.pods('models', { app: '*' }), E, 'NetworkPeer.pods', 'podSelector.matchLabels.app', '"*"', 'has an invalid label value', "use letters, digits, '-', '_' and '.'"),
  row("NetworkPolicy pod selector value '*' on an allow rule", () => setup(['models']).ns.models.allowIngress('web', { pods: { app: '*' }, peers: [NetworkPeer.namespace('edge')] }), E, 'test/models', 'NetworkPolicy/allow-web.pods.app', '"*"', 'has an invalid label value', "use letters, digits, '-', '_' and '.'"),
  row("Namespace label value '*'", () => new Namespace(setup([]).platform, 'models', { labels: { team: '*' } }), E, 'test/models', 'labels.team', '"*"', 'has an invalid label value', "use letters, digits, '-', '_' and '.'"),
  row('NetworkPeer namespace that is not a namespace name', () => NetworkPeer.namespace('*'), E, 'NetworkPeer.namespace', 'namespace', '"*"', 'must be a DNS-1123 label', 'use a name such as'),
  row('NetworkPeer exception outside its block', () => NetworkPeer.cidr('10.0.0.0/8', ['192.168.0.0/16']), E, 'NetworkPeer.cidr', 'ipBlock.except[0]', '"192.168.0.0/16"', 'strictly inside 10.0.0.0/8', 'use a block inside 10.0.0.0/8'),

  // An InferenceService with no namespace
  row('InferenceService in a platform chart without a namespace', () => new InferenceService(setup([]).platform, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris'), resources: RESOURCES }) }), E, 'test/iris', 'metadata.namespace', 'undefined', 'lands in whatever namespace kubectl or Argo CD applies it to', "create it inside a Namespace"),
  row('InferenceService with a transformer in a chart without a namespace', () => new InferenceService(new Chart(Testing.app(), 'plain'), 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris'), resources: RESOURCES }), transformer: Transformer.container({ image: IMAGE, resources: RESOURCES }) }), E, 'plain/iris', 'metadata.namespace', 'undefined', "PREDICTOR_HOST cannot name the predictor's namespace", "create it inside a Namespace"),

  // One object, one platform
  row('a Namespace emitted by two platforms (at synth)', () => { const app = Testing.app(); for (const id of ['serving', 'gateway']) new Namespace(new Platform(app, id), 'models'); return synthPlatforms(app); }, S, 'gateway/models-namespace', 'metadata.name', '"models"', "makes Namespace models, which platform 'serving' also emits (serving/models-namespace)", "give platform 'gateway' its own namespace"),
  row('a Gateway emitted by two platforms (at synth)', () => {
    const app = Testing.app();
    for (const id of ['a', 'b']) {
      const edgeNs = new Namespace(new Platform(app, id), 'edge', { external: true });
      new Gateway(edgeNs, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.http({ allowedRoutes: AllowedRoutes.sameNamespace() })] });
    }
    return synthPlatforms(app);
  }, S, 'b/edge/gw/Resource', 'metadata.name', '"gw"', "Gateway.gateway.networking.k8s.io edge/gw, which platform 'a' also emits (a/edge/gw/Resource)", "give platform 'b' its own name for it"),

  // A model format with a protocol its server does not speak (KServe v0.20's runtimes)
  row('Triton written as v1', () => isvc({ format: ModelFormat.TRITON, protocolVersion: ProtocolVersion.V1 }), E, 'test/models/iris', 'protocolVersion', '"v1"', "is not spoken by any of KServe's runtimes for format 'triton' (kserve-tritonserver: v2, grpc-v2)", 'use one of v2, grpc-v2'),
  row('ONNX written as v1', () => isvc({ format: ModelFormat.ONNX, protocolVersion: ProtocolVersion.V1 }), E, 'test/models/iris', 'protocolVersion', '"v1"', "for format 'onnx' (kserve-tritonserver: v2, grpc-v2)", 'use one of v2, grpc-v2'),
  row('TensorFlow written as v2', () => isvc({ format: ModelFormat.TENSORFLOW, protocolVersion: ProtocolVersion.V2 }), E, 'test/models/iris', 'protocolVersion', '"v2"', "for format 'tensorflow' (kserve-tensorflow-serving: v1, grpc-v1)", 'or ModelFormat.TRITON for a Triton model repository'),
  row('scikit-learn over grpc-v2', () => isvc({ protocolVersion: ProtocolVersion.GRPC_V2, ports: [{ containerPort: 8081, name: 'h2c' }] }), E, 'test/models/iris', 'protocolVersion', '"grpc-v2"', "for format 'sklearn'", 'use one of v1, v2'),
  ((c) => row('catalog: ONNX written as v1', () => loadCatalog(c.file), C, c.at, 'models[0].protocol', '"v1"', "for format 'onnx' (kserve-tritonserver: v2, grpc-v2)", 'write protocol: v2'))(catalog('    format: sklearn\n', '    format: onnx\n    protocol: v1\n', 'protocol: v1')),
  ((c) => row('catalog: TensorFlow written as v2', () => loadCatalog(c.file), C, c.at, 'models[0].protocol', '"v2"', "for format 'tensorflow'", 'write protocol: v1'))(catalog('    format: sklearn\n', '    format: tensorflow\n    protocol: v2\n', 'protocol: v2')),

  // Overlapping IP allow and deny lists
  row('Kong ip-restriction allow entry inside a deny entry', () => KongPlugin.ipRestriction(setup(['models']).ns.models, 'ipr', { allow: ['10.1.0.0/16'], deny: ['10.0.0.0/8'] }), E, 'test/models/ipr', 'config.allow[0]', '"10.1.0.0/16"', 'lies inside config.deny[0] (10.0.0.0/8): Kong checks deny first', 'remove the address from one of the lists'),
  row('Kong ip-restriction same address on both lists (IPv6)', () => KongPlugin.ipRestriction(setup(['models']).ns.models, 'ipr', { allow: ['2001:db8::1'], deny: ['2001:db8::/32'] }), E, 'test/models/ipr', 'config.allow[0]', '"2001:db8::1"', 'lies inside config.deny[0] (2001:db8::/32)', 'remove the address from one of the lists'),
  ((c) => row('catalog: ipRestriction.allow inside ipRestriction.deny', () => loadCatalog(c.file), C, c.at, 'services[1].metadata.ipRestriction.allow', '"10.1.0.0/16"', 'lies inside ipRestriction.deny entry 10.0.0.0/8: Kong checks deny first', 'remove the address from one of the lists'))(
    catalog('      ipRestriction.allow: 10.0.0.0/8\n', '      ipRestriction.allow: 10.1.0.0/16\n      ipRestriction.deny: 10.0.0.0/8\n', '10.1.0.0/16'),
  ),

  // Duplicate methods
  row('tier allows GET twice', () => policy({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(100)], methods: ['GET', 'POST', 'GET'] })] }), E, 'test/models/access', 'tiers[0](basic).methods[2]', '"GET"', 'is listed twice', 'list each method once'),
  row('Envoy Gateway authorization rule lists POST twice', () => {
    const f = edge(GatewayProvider.ENVOY_GATEWAY);
    return new SecurityPolicy(f.ns.models, 'sp', { targets: [EgPolicyTarget.route(route(f, 'iris'))], authorizationRules: [{ name: 'office', action: 'Allow', principal: { clientCidrs: ['10.0.0.0/8'] }, methods: ['POST', 'GET', 'POST'] }] });
  }, E, 'test/models/sp', 'authorizationRules[office].methods[2]', '"POST"', 'is listed twice', 'list each method once'),
  row('tier method outside the HTTP methods', () => policy({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(100)], methods: ['get' as never] })] }), E, 'test/models/access', 'tiers[0](basic).methods[0]', '"get"', "must be one of 'GET'", "use one of 'GET'"),
  ((c) => row('catalog: endpoint lists GET twice', () => loadCatalog(c.file), C, c.at, 'services[0].endpoints[0].methods[1]', '"GET"', "lists 'GET' twice", 'list each method once'))(catalog('path: /api/*, methods: [GET] }', 'path: /api/*, methods: [GET, GET] }', 'methods: [GET, GET]')),
  ((c) => row('catalog: cors.methods lists GET twice', () => loadCatalog(c.file), C, c.at, 'services[0].metadata.cors.methods', '"GET,GET"', "lists 'GET' twice", 'list each method once'))(catalog('cors.methods: GET', 'cors.methods: GET,GET', 'GET,GET')),
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('values a controller would reject or misread', () => {
  it('covers every finding of the section, each described once', () => {
    expect(rows.length).toBeGreaterThanOrEqual(60);
    expect(new Set(rows.map((r) => r.what)).size).toBe(rows.length);
  });

  it.each(rows)('$what', (r) => {
    let err: unknown;
    try {
      r.build();
    } catch (e) {
      err = e;
    }
    expect(err, 'the value was accepted (no error thrown)').toBeDefined();
    expect(err, String((err as Error)?.stack)).toBeInstanceOf(r.type);
    const message = (err as Error).message;
    const line = message.split('\n').find((l) => l.trimStart().startsWith(r.path)) ?? message;
    expect(line.trimStart(), message).toMatch(new RegExp(`^${escape(r.path)}(:\\d+)?: `));
    // Constructs write `<field> <problem>`, catalogs `<field>: <problem>`.
    expect(line).toMatch(new RegExp(`(^|: )${escape(r.field)}:? `));
    expect(line).toContain(r.problem);
    expect(line).toContain(`(received: ${r.value}`);
    expect(line.slice(line.indexOf('Fix: '))).toContain(r.fix);
    if (err instanceof ModelServingError && !(err instanceof CatalogError)) {
      expect(err.constructPath).toBe(r.path);
      expect(err.field).toBe(r.field);
    }
  });
});

describe('two catalog services on one path', () => {
  it('is refused at the second endpoint, naming the file:line:column of both', () => {
    const c = catalog(
      '      - { protocol: http, host: console.ops.svc.cluster.local, port: 8080, path: /ops/* }\n',
      '      - { protocol: http, host: console.ops.svc.cluster.local, port: 8080, path: /api/* }\n',
      'path: /api/*',
    );
    let err: unknown;
    try {
      loadCatalog(c.file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CatalogError);
    const message = (err as CatalogError).message;
    const first = lineOf(c.file, c.text, 'path: /api/*', 0);
    const second = lineOf(c.file, c.text, 'path: /api/*', 1);
    expect(message).toMatch(new RegExp(`^${escape(second)}:\\d+: ${escape("services[1].endpoints[0].path: is the same PathPrefix match as services[0].endpoints[0].path of service 'inventory' at ")}${escape(first)}:\\d+, with overlapping methods`));
    expect(message).toContain('(received: "/api/*")');
    expect(message).toContain('Fix: give one of the endpoints a distinct path, or distinct methods');
  });

  it('accepts one path served with distinct methods, and an exact path beside a prefix', () => {
    const c = catalog(
      '      - { protocol: http, host: console.ops.svc.cluster.local, port: 8080, path: /ops/* }\n',
      '      - { protocol: http, host: console.ops.svc.cluster.local, port: 8080, path: /api/*, methods: [POST] }\n      - { protocol: http, host: console.ops.svc.cluster.local, port: 8080, path: /api, methods: [POST] }\n',
      'methods: [POST]',
    );
    expect(() => loadCatalog(c.file)).not.toThrow();
  });
});

describe('values inside the ranges stay accepted', () => {
  it('takes the largest counts and quantities the fields hold', () => {
    expect(() => isvc({ minReplicas: 2, maxReplicas: 2 ** 31 - 1, resources: { requests: { cpu: '9223372036854775', memory: '8Pi' }, limits: { cpu: '9223372036854775', memory: '8Pi' } } })).not.toThrow();
    expect(() => isvc({ deploymentMode: DeploymentMode.KNATIVE, containerConcurrency: 1000, timeout: Duration.minutes(10) })).not.toThrow();
    expect(() => policy({ tiers: [new Tier('basic', { limits: [RateLimit.perMinute(4_294_967_295)] })] }, GatewayProvider.KGATEWAY)).not.toThrow();
  });

  it('takes every protocol a format has a KServe runtime for, and defaults ONNX to v2', () => {
    expect(isvc({ format: ModelFormat.ONNX }).protocolVersion).toBe(ProtocolVersion.V2);
    expect(() => isvc({ format: ModelFormat.TENSORFLOW, protocolVersion: ProtocolVersion.GRPC_V1, ports: [{ containerPort: 9000, name: 'h2c' }] })).not.toThrow();
    expect(() => isvc({ format: ModelFormat.PYTORCH, protocolVersion: ProtocolVersion.GRPC_V2 })).not.toThrow();
    // A runtime named by the model decides for itself.
    expect(() => isvc({ format: ModelFormat.SKLEARN, protocolVersion: ProtocolVersion.GRPC_V2, runtime: ClusterServingRuntime.fromName(Testing.app(), 'rt', 'my-grpc-runtime') })).not.toThrow();
  });

  it('takes a deny entry carved out of an allowed block (deny is checked first)', () => {
    expect(() => KongPlugin.ipRestriction(setup(['models']).ns.models, 'ipr', { allow: ['10.0.0.0/8'], deny: ['10.1.0.0/16'] })).not.toThrow();
  });

  it('keeps the lists of known keys equal to the interfaces (keysOf is checked by the compiler)', () => {
    // @ts-expect-error a key of the interface is missing
    keysOf<{ a?: number; b: string }>({ a: true });
    // @ts-expect-error a key the interface does not have
    keysOf<{ a?: number }>({ a: true, c: true });
    expect(keysOf<{ a?: number; b: string }>({ a: true, b: true })).toEqual(['a', 'b']);
  });

  it('lets one platform own a namespace another platform declares external', () => {
    const app = Testing.app();
    new Namespace(new Platform(app, 'serving'), 'models');
    new Namespace(new Platform(app, 'gateway'), 'models', { external: true });
    expect(() => synthPlatforms(app)).not.toThrow();
  });
});

describe('review follow-ups: inputs that crashed or slipped through', () => {
  it('NetworkPeer.pods without a selector is refused, not a raw TypeError', () => {
    expect(() => NetworkPeer.pods('models', undefined as unknown as Record<string, string>)).toThrow(/NetworkPeer\.pods: selector is required: the labels of the peer pods \(received: undefined\)\. Fix: /);
  });

  it('an ipBlock exception equal to the block, written with a leading zero, is refused', () => {
    expect(() => NetworkPeer.cidr('10.0.0.0/8', ['10.0.0.0/08'])).toThrow(/ipBlock\.except\[0\] must be a CIDR block strictly inside 10\.0\.0\.0\/8/);
  });

  it('CORS origins given as a string instead of a list are refused, not a raw TypeError', () => {
    expect(() => HttpRouteFilter.cors({ allowOrigins: 'https://a.example.com' as unknown as string[] })).toThrow(/allowOrigins must be a list of origins \(received: "https:\/\/a\.example\.com"\)/);
  });

  it('a ServiceAccount annotation holding a credential is refused like any other annotation', () => {
    const { ns } = setup(['models'], { requireAccessPolicies: false });
    expect(() => new ServiceAccount(ns.models, 'sa', { annotations: { 'example.com/db-password': 'hunter2hunter2' } })).toThrow(/holds what looks like a literal value under the credential name 'example\.com\/db-password'/);
  });
});
