/**
 * Null, undefined and wrongly typed props to the main public constructs:
 * every one is refused with a ModelServingError (construct path, field, the
 * value received, a fix), never a raw TypeError from deep inside the
 * library or cdk8s serialization.
 */
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { describeValue, ModelServingError } from '../../src/core/errors';
import { Namespace } from '../../src/core/namespace';
import { Platform } from '../../src/core/platform';
import { SecretRef } from '../../src/core/secret-ref';
import { SynthError } from '../../src/delivery/synth';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { GatewayMonitoring } from '../../src/observability/gateway-monitoring';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { AccessPolicy } from '../../src/policy/access-policy';
import { ApiKeyAuth, JwtAuth } from '../../src/policy/authentication';
import { RateLimit, RateLimitMode } from '../../src/policy/rate-limit';
import { Tier } from '../../src/policy/tier';
import { GrpcRoute } from '../../src/routing/grpc-route';
import { HttpRoute } from '../../src/routing/http-route';
import { InferenceService } from '../../src/serving/inference-service';
import { Storage } from '../../src/serving/storage';
import { ModelFormat } from '../../src/serving/model-format';
import { withPredictor } from '../flat-props';
import { setup, synthObjects } from '../util';

const RESOURCES = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
const STORE = { name: 'vault' };

type Props = Record<string, unknown>;

/** A valid platform: Gateway `gw` in `edge`, an InferenceService and a route in `models`; `change` replaces props of one construct. */
function build(target: string, change: (props: Props) => Props): unknown {
  const { app, ns } = setup(['edge', 'models']);
  const listenerHttps = (p: Props) => Listener.https(p as never);
  const listenerProps = target === 'Listener.https' ? change({ certificates: [SecretRef.named('gw-tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) }) : { certificates: [SecretRef.named('gw-tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) };
  const gatewayProps: Props = { provider: GatewayProvider.ENVOY_GATEWAY, listeners: [listenerHttps(listenerProps)] };
  const gateway = new Gateway(ns.edge, 'gw', (target === 'Gateway' ? change(gatewayProps) : gatewayProps) as never);
  const isvcProps: Props = { format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris'), resources: RESOURCES };
  const model = new InferenceService(ns.models, 'iris', withPredictor({}, (target === 'InferenceService' ? change(isvcProps) : isvcProps) as never));
  const routeProps: Props = { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('iris-predictor', 80)] }] };
  const route = new HttpRoute(ns.models, 'iris-route', (target === 'HttpRoute' ? change(routeProps) : routeProps) as never);
  const jwtProps: Props = { issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks' };
  const jwt = new JwtAuth((target === 'JwtAuth' ? change(jwtProps) : jwtProps) as never);
  const keyProps: Props = { secretStore: STORE, holders: [{ userId: 'alice', tier: 'basic', remoteKey: 'api-keys/alice' }] };
  const keys = ApiKeyAuth.fromExternalSecrets((target === 'ApiKeyAuth' ? change(keyProps) : keyProps) as never);
  const tierProps: Props = { limits: [RateLimit.perMinute(100)] };
  const tier = new Tier('basic', (target === 'Tier' ? change(tierProps) : tierProps) as never);
  const policyProps: Props = { gateway, routes: [route], authentication: [keys], tiers: [tier], rateLimitMode: RateLimitMode.LOCAL };
  new AccessPolicy(ns.models, 'access', (target === 'AccessPolicy' ? change(policyProps) : policyProps) as never);
  // Envoy Gateway takes one authentication method per policy: JWT protects a second route.
  const tokenRoute = new HttpRoute(ns.models, 'iris-token', { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('iris-predictor', 80)] }] });
  new AccessPolicy(ns.models, 'access-jwt', { gateway, routes: [tokenRoute], authentication: [jwt], tiers: [new Tier('basic', { limits: [RateLimit.perMinute(100)] })], rateLimitMode: RateLimitMode.LOCAL });
  const gmProps: Props = { gateway };
  new GatewayMonitoring(ns.edge, 'gateway-monitoring', (target === 'GatewayMonitoring' ? change(gmProps) : gmProps) as never);
  const kmProps: Props = { model };
  new KServeModelMonitoring(ns.models, 'iris-monitoring', (target === 'KServeModelMonitoring' ? change(kmProps) : kmProps) as never);
  if (target === 'Namespace') new Namespace(ns.edge.node.scope as Platform, 'extra', change({}) as never);
  if (target === 'Platform') new Platform(app, 'other', change({}) as never);
  return synthObjects(app);
}

/** The keys changed per construct. */
const KEYS: Readonly<Record<string, readonly string[]>> = {
  Platform: ['name', 'labels', 'description', 'requireAccessPolicies'],
  Namespace: ['name', 'labels', 'annotations', 'podSecurity', 'defaultDeny', 'external'],
  Gateway: ['name', 'provider', 'listeners', 'addresses', 'labels', 'annotations', 'infrastructure'],
  'Listener.https': ['certificates', 'port', 'hostname', 'name', 'allowedRoutes'],
  HttpRoute: ['parents', 'hostnames', 'rules', 'labels', 'name'],
  InferenceService: ['modelFormat', 'storage', 'resources', 'minReplicas', 'maxReplicas', 'args', 'env', 'nodeSelector', 'tolerations', 'labels', 'annotations', 'timeout'],
  JwtAuth: ['issuer', 'jwksUri', 'audiences', 'algorithms', 'clockSkew', 'userClaim', 'tierClaim', 'claimsToHeaders'],
  ApiKeyAuth: ['secretStore', 'holders', 'location', 'selector'],
  Tier: ['limits', 'tokenLimits', 'unlimited', 'models', 'methods', 'pathPrefixes'],
  AccessPolicy: ['gateway', 'routes', 'authentication', 'tiers', 'rateLimitMode', 'counterKey', 'limitScope', 'redis'],
  GatewayMonitoring: ['gateway', 'metricsPort', 'metricsPath', 'errorRatio'],
  KServeModelMonitoring: ['model', 'metricsPort', 'errorRatio', 'canaryMaxDuration', 'slo', 'dashboard', 'revisionPodLabel'],
};

const BAD: readonly unknown[] = [null, 42, 'text', { text: 42 }, [42], true];

/** The error `build` throws, or undefined. */
function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** True for the library's own errors: ModelServingError, or a SynthError of construct checks. */
const isOwnError = (e: unknown): boolean => e instanceof ModelServingError || (e instanceof SynthError && e.errors.every((m) => m.includes('Fix:') || m.includes('fix')));

describe('wrongly typed props never surface as raw TypeErrors', () => {
  it('the fixture itself is valid', () => {
    expect(errorOf(() => build('none', (p) => p))).toBeUndefined();
  });

  for (const [target, keys] of Object.entries(KEYS)) {
    it(`${target}: null, numbers, strings, objects, lists and booleans in place of each prop`, { timeout: 120_000 }, () => {
      const raw: string[] = [];
      for (const key of keys) {
        for (const bad of BAD) {
          const e = errorOf(() => build(target, (p) => ({ ...p, [key]: bad })));
          if (e !== undefined && !isOwnError(e)) raw.push(`${key} = ${describeValue(bad)}: ${e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e)}`);
        }
      }
      expect(raw).toEqual([]);
    });
  }

  it('props themselves null or not an object', () => {
    const raw: string[] = [];
    for (const target of Object.keys(KEYS)) {
      for (const bad of [null, 42, 'text']) {
        const e = errorOf(() => build(target, () => bad as unknown as Props));
        if (e !== undefined && !isOwnError(e)) raw.push(`${target} props = ${describeValue(bad)}: ${e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e)}`);
      }
    }
    expect(raw).toEqual([]);
  });
});

/** Nested values of the wrong type, per construct. */
const NESTED: Readonly<Record<string, readonly Props[]>> = {
  HttpRoute: [
    { rules: [null] },
    { rules: [{ backends: 'iris' }] },
    { rules: [{ backends: [null] }] },
    { rules: [{ backends: [42] }] },
    { rules: [{ backends: [Backend.service('iris-predictor', 80)], matches: 'x' }] },
    { rules: [{ backends: [Backend.service('iris-predictor', 80)], matches: [null] }] },
    { rules: [{ backends: [Backend.service('iris-predictor', 80)], matches: [{ path: '/v1' }] }] },
    { rules: [{ backends: [Backend.service('iris-predictor', 80)], filters: 'x' }] },
    { rules: [{ backends: [Backend.service('iris-predictor', 80)], filters: [null] }] },
    { rules: [{ backends: [Backend.service('iris-predictor', 80)], timeouts: 30 }] },
    { rules: [{ backends: [Backend.service('iris-predictor', 80)], timeouts: { request: 30 } }] },
    { rules: [{ backends: [Backend.service('iris-predictor', 80)], timeouts: { request: '30s' } }] },
    { rules: [{ backends: [Backend.service('iris-predictor', 80)], timeouts: { backendRequest: 30 } }] },
    { rules: [{ backends: [Backend.service('iris-predictor', 80)], name: 42 }] },
  ],
  InferenceService: [
    { resources: 'x' },
    { resources: { requests: 'x', limits: RESOURCES.limits } },
    { resources: { requests: { cpu: 1, memory: '256Mi' }, limits: RESOURCES.limits } },
    { resources: { requests: RESOURCES.requests, limits: null } },
    { readinessProbe: 'x' },
    { readinessProbe: 42 },
    { readinessProbe: {} },
    { autoscaling: 'x' },
    { storage: 'x' },
    { runtime: 42 },
    { serviceAccount: 'x' },
    { env: { A: 42 } },
    { ports: 'x' },
    { ports: [null] },
    { security: 'x' },
    { transformer: 'x' },
    { explainer: 'x' },
    { logger: 'x' },
    { batcher: 'x' },
    { deploymentMode: 'x' },
    { protocolVersion: 42 },
    { containerConcurrency: 'x' },
    { frameworkField: 'x' },
  ],
  Gateway: [{ infrastructure: { labels: 'x' } }, { infrastructure: 'x' }, { backendClientCertificate: 'x' }, { clientCertificateValidation: 'x' }, { gatewayClassName: 42 }],
  JwtAuth: [{ publicKey: 'x' }, { publicKey: { secretStore: null, remoteKey: 'k' } }, { jwksBackend: 'x' }, { claimsToHeaders: { sub: 42 } }],
  Tier: [{ models: 42 }, { models: [42] }, { inherits: 'x' }, { limits: ['100/min'] }],
  AccessPolicy: [{ externalAuthorizer: 'x' }, { counterKey: 'x' }, { limitScope: 42 }, { engine: 'x' }, { rateLimitMode: 'local' }],
  Namespace: [{ podSecurity: 'x' }, { labels: { a: 1 } }, { defaultDenyWaiver: 42 }],
  Platform: [{ labels: { a: 1 } }, { name: 42 }],
  KServeModelMonitoring: [{ slo: 'x' }, { slo: { objective: 'x' } }, { traffic: 'x' }, { errorRatio: 'x' }],
  GatewayMonitoring: [{ errorRatio: 'x' }, { rateLimitedPerSecond: 'x' }, { authFailureRatio: null }],
};

describe('wrongly typed nested values never surface as raw TypeErrors', () => {
  for (const [target, changes] of Object.entries(NESTED)) {
    it(target, { timeout: 120_000 }, () => {
      const raw: string[] = [];
      for (const change of changes) {
        const e = errorOf(() => build(target, (p) => ({ ...p, ...change })));
        if (e !== undefined && !isOwnError(e)) raw.push(`${describeValue(change)}: ${e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e)}`);
      }
      expect(raw).toEqual([]);
    });
  }
});

describe('messages name what was received', () => {
  it("an algorithm list given as the string 'RS256' is reported whole, not as its first letter", () => {
    const e = errorOf(() => build('JwtAuth', (p) => ({ ...p, algorithms: 'RS256' })));
    expect(e).toBeInstanceOf(ModelServingError);
    expect((e as Error).message).toContain('algorithms must be a list of strings (received: "RS256")');
  });

  it('a number where a Duration belongs is refused before cdk8s serialization', () => {
    const skew = errorOf(() => build('JwtAuth', (p) => ({ ...p, clockSkew: 60 })));
    expect(skew).toBeInstanceOf(ModelServingError);
    expect((skew as Error).message).toContain('clockSkew must be a Duration (received: 60). Fix: use Duration.seconds(60)');
    const timeout = errorOf(() => build('HttpRoute', (p) => ({ ...p, rules: [{ backends: [Backend.service('iris-predictor', 80)], timeouts: { request: 30 } }] })));
    expect(timeout).toBeInstanceOf(ModelServingError);
    expect((timeout as Error).message).toBe('test/models/iris-route: rules[0].timeouts.request must be a Duration (received: 30). Fix: use Duration.seconds(30)');
    const canary = errorOf(() => build('KServeModelMonitoring', (p) => ({ ...p, canaryMaxDuration: 3600 })));
    expect(canary).toBeInstanceOf(ModelServingError);
    expect((canary as Error).message).toMatch(/^test\/models\/iris-monitoring: canaryMaxDuration must be a Duration \(received: 3600\)\. Fix: /);
  });

  it('an object where a string belongs names the object', () => {
    const e = errorOf(() => build('InferenceService', (p) => ({ ...p, storage: { uri: 'gs://models/iris' } })));
    expect(e).toBeInstanceOf(ModelServingError);
    expect((e as Error).message).toContain('storage must be a Storage (received: {"uri":"gs://models/iris"})');
  });

  it('a Duration where one belongs is still accepted', () => {
    expect(errorOf(() => build('JwtAuth', (p) => ({ ...p, clockSkew: Duration.seconds(60) })))).toBeUndefined();
  });

  it('a GRPCRoute rule whose backends are a string, or a rule that is null, names the rule', () => {
    const { ns } = setup(['edge', 'models']);
    const gateway = new Gateway(ns.edge, 'gw', { provider: GatewayProvider.ENVOY_GATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('gw-tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })] });
    const grpc = (rules: unknown, id: string) => errorOf(() => new GrpcRoute(ns.models, id, { parents: [gateway.listener('https')], rules: rules as never }));
    const strings = grpc([{ backends: 'iris-predictor' }], 'g1');
    expect(strings).toBeInstanceOf(ModelServingError);
    expect((strings as Error).message).toBe(`test/models/g1: rules[0].backends must be a list of backends (received: "iris-predictor"). Fix: use Backend.service('my-service', 8081), or { backend, weight }`);
    const nullRule = grpc([null], 'g2');
    expect(nullRule).toBeInstanceOf(ModelServingError);
    expect((nullRule as Error).message).toContain('test/models/g2: rules[0] must be a rule object (received: null)');
  });
});
