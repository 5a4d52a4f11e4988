/**
 * A small, plain-data description of a model-serving platform (models,
 * routes, tiers, a gateway provider), the code that builds it with the
 * library's constructs, and fast-check arbitraries for valid specs, for
 * mutations of them and for reorderings of their declarations.
 *
 * The builder passes every leaf of the spec to the constructs as is, so a
 * mutated leaf (a wrong type, an out-of-range number, a bad name, a
 * dangling reference) reaches the library unchanged.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import fc from 'fast-check';
import { Backend } from '../../src/core/backend';
import { Namespace } from '../../src/core/namespace';
import { Platform } from '../../src/core/platform';
import { SecretRef } from '../../src/core/secret-ref';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { PlatformOutput } from '../../src/delivery/synth';
import { toYaml } from '../../src/delivery/yaml';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { AccessPolicy } from '../../src/policy/access-policy';
import { ApiKeyAuth, Authentication, JwtAuth } from '../../src/policy/authentication';
import { Kuadrant } from '../../src/policy/kuadrant/kuadrant';
import { CounterKey, RateLimit, RateLimitMode } from '../../src/policy/rate-limit';
import { RedisReference } from '../../src/policy/redis';
import { Tier } from '../../src/policy/tier';
import { HttpRoute, HttpRouteRule } from '../../src/routing/http-route';
import { PathMatch } from '../../src/routing/match';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { OUTPUT_MARKER, renderOutputMarker } from '../../src/delivery/output-folder';

export type ProviderId = 'kgateway' | 'envoy-gateway' | 'istio' | 'kong';
export const PROVIDERS: readonly ProviderId[] = ['kgateway', 'envoy-gateway', 'istio', 'kong'];

export interface ModelSpec {
  name: string;
  format: string;
  protocol?: string;
  storageUri: string;
  cpu: string;
  memory: string;
  cpuLimit: string;
  memoryLimit: string;
  minReplicas?: number;
  maxReplicas?: number;
}

export interface RuleSpec {
  /** The model (by name) the rule sends traffic to. */
  model: string;
  /** A PathPrefix match; the model's own inference paths when absent. */
  prefix?: string;
}

export interface RouteSpec {
  name: string;
  listener: string;
  hostname?: string;
  rules: RuleSpec[];
  /** Public on purpose (with a reason), or protected by the access policy. */
  public: boolean;
}

export interface LimitSpec {
  unit: 'second' | 'minute' | 'hour' | 'day';
  requests: number;
}

export interface TierSpec {
  name: string;
  limits: LimitSpec[];
  unlimited?: boolean;
  /** Route names, or '*'. */
  models: string[] | '*';
  /** The name of another tier of the spec. */
  inherits?: string;
}

export interface HolderSpec {
  userId: string;
  tier: string;
  remoteKey: string;
}

export interface PlatformSpec {
  provider: ProviderId;
  gatewayName: string;
  certificate: string;
  models: ModelSpec[];
  routes: RouteSpec[];
  tiers: TierSpec[];
  auth: 'api-key' | 'jwt';
  holders: HolderSpec[];
  rateLimitMode: string;
  counterKey?: string;
  redisHost?: string;
}

const FORMATS: Readonly<Record<string, ModelFormat>> = {
  sklearn: ModelFormat.SKLEARN,
  xgboost: ModelFormat.XGBOOST,
  lightgbm: ModelFormat.LIGHTGBM,
  tensorflow: ModelFormat.TENSORFLOW,
  pytorch: ModelFormat.PYTORCH,
  onnx: ModelFormat.ONNX,
  triton: ModelFormat.TRITON,
  huggingface: ModelFormat.HUGGINGFACE,
  pmml: ModelFormat.PMML,
};

const GATEWAY_PROVIDERS: Readonly<Record<string, GatewayProvider>> = {
  kgateway: GatewayProvider.KGATEWAY,
  'envoy-gateway': GatewayProvider.ENVOY_GATEWAY,
  istio: GatewayProvider.ISTIO,
  kong: GatewayProvider.KONG,
};

const PER_UNIT: Readonly<Record<string, (n: number) => RateLimit>> = {
  second: RateLimit.perSecond,
  minute: RateLimit.perMinute,
  hour: RateLimit.perHour,
  day: RateLimit.perDay,
};

const STORE = { name: 'vault' };

/**
 * The entries of a list of records: a mutated list may be anything (none
 * then), and a mutated entry anything (a record without fields then).
 */
const items = <T>(v: readonly T[] | unknown): readonly T[] => (Array.isArray(v) ? v.map((x) => (x !== null && typeof x === 'object' ? x : {}) as T) : []);

/**
 * Builds the spec into a fresh app: platform `spec`, namespaces `edge`
 * (the Gateway) and `models` (models, routes, the access policy).
 */
export function buildApp(spec: PlatformSpec): App {
  const app = new App();
  const platform = new Platform(app, 'spec');
  const edge = new Namespace(platform, 'edge');
  const models = new Namespace(platform, 'models');
  const providerId = spec.provider as unknown;
  const provider = typeof providerId === 'string' && GATEWAY_PROVIDERS[providerId] ? GATEWAY_PROVIDERS[providerId] : GatewayProvider.custom(String(providerId), providerId as string);
  if (provider === GatewayProvider.ISTIO) new Kuadrant(new Namespace(platform, 'kuadrant-system', { external: true }), 'kuadrant');

  const gateway = new Gateway(edge, 'gateway', {
    name: spec.gatewayName,
    provider,
    listeners: [Listener.https({ certificates: [SecretRef.named(spec.certificate)], allowedRoutes: AllowedRoutes.fromNamespaces([models]) })],
  });

  const isvcs = new Map<string, InferenceService>();
  for (const [i, m] of items<ModelSpec>(spec.models).entries()) {
    const format = typeof m.format === 'string' && FORMATS[m.format] ? FORMATS[m.format] : ModelFormat.custom(m.format);
    const isvc = new InferenceService(models, `model-${String(m.name)}-${i}`, {
      name: m.name,
      predictor: Predictor.model({
        format: format,
        protocolVersion: m.protocol as ProtocolVersion | undefined,
        storage: Storage.uri(m.storageUri),
        resources: { requests: { cpu: m.cpu, memory: m.memory }, limits: { cpu: m.cpuLimit, memory: m.memoryLimit } },
      }),
      minReplicas: m.minReplicas,
      maxReplicas: m.maxReplicas,
    });
    isvcs.set(m.name, isvc);
  }

  const protectedRoutes: HttpRoute[] = [];
  for (const [i, r] of items<RouteSpec>(spec.routes).entries()) {
    const rules: HttpRouteRule[] = items<RuleSpec>(r.rules).map((rule) => {
      const model = isvcs.get(rule.model);
      const backend = model ?? Backend.service(String(rule.model), 80);
      const matches = rule.prefix !== undefined || !model ? [{ path: PathMatch.prefix(rule.prefix ?? `/${String(rule.model)}`) }] : model.routeMatches();
      return { matches, backends: [backend] };
    });
    const route = new HttpRoute(models, `route-${String(r.name)}-${i}`, {
      name: r.name,
      parents: [gateway.listener(r.listener)],
      hostnames: r.hostname === undefined ? undefined : [r.hostname],
      rules,
    });
    if (r.public) route.allowPublicAccess(`a public demo route (${String(r.name)}) without data behind it`);
    else protectedRoutes.push(route);
  }

  if (protectedRoutes.length > 0) {
    const tiers = new Map<string, Tier>();
    const specs = items<TierSpec>(spec.tiers);
    // Tiers are built in declaration order; an inherited tier declared later (or not at all) is a standalone Tier.
    const tierOf = (name: string, seen: readonly string[] = []): Tier => {
      const existing = tiers.get(name);
      if (existing) return existing;
      const t = specs.find((x) => x.name === name);
      const inherits = t?.inherits !== undefined && !seen.includes(t.inherits) ? tierOf(t.inherits, [...seen, name]) : undefined;
      const tier = new Tier(name, {
        limits: t ? (Array.isArray(t.limits) ? items<LimitSpec>(t.limits).map((l) => (PER_UNIT[l.unit] ?? RateLimit.perMinute)(l.requests)) : (t.limits as unknown as RateLimit[])) : [RateLimit.perMinute(1)],
        unlimited: t?.unlimited,
        // Tiers name the route objects; a name no protected route has stays a string (and is refused).
        models: Array.isArray(t?.models) ? (t.models.map((n) => protectedRoutes.find((r) => r.routeName === n) ?? n) as never) : (t?.models as never),
        inherits,
      });
      if (t) tiers.set(name, tier);
      return tier;
    };
    const tierList = specs.map((t) => tierOf(t.name));
    const authentication: Authentication =
      spec.auth === 'jwt'
        ? new JwtAuth({
            issuer: 'https://idp.example.com/',
            jwksUri: 'https://idp.example.com/.well-known/jwks.json',
            jwksBackend: provider === GatewayProvider.KGATEWAY ? Backend.service('idp', 443) : undefined,
            publicKey: provider === GatewayProvider.KONG ? { secretStore: STORE, remoteKey: 'jwt/idp-public-key' } : undefined,
          })
        : ApiKeyAuth.fromExternalSecrets({ secretStore: STORE, holders: items<HolderSpec>(spec.holders).map((h) => ({ userId: h.userId, tier: h.tier, remoteKey: h.remoteKey })) });
    new AccessPolicy(models, 'access', {
      gateway,
      routes: protectedRoutes,
      authentication: [authentication],
      tiers: tierList,
      rateLimitMode: spec.rateLimitMode as RateLimitMode,
      counterKey: spec.counterKey as CounterKey | undefined,
      redis: spec.redisHost === undefined ? undefined : RedisReference.of({ host: spec.redisHost }),
    });
  }
  return app;
}

/** Builds the spec through the whole pipeline (validation and security rules on). */
export function buildSpec(spec: PlatformSpec): PlatformOutput[] {
  return buildPlatforms(buildApp(spec));
}

/** The bytes `writePlatforms` writes (the output marker included), by relative path, without touching the disk. */
export function renderOutputs(outputs: readonly PlatformOutput[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const p of outputs) {
    for (const m of p.manifests) files.set(`${p.name}/${m.file}`, toYaml(m.object));
    for (const name of Object.keys(p.files)) files.set(`${p.name}/${name}`, p.files[name]);
  }
  return new Map([[OUTPUT_MARKER, renderOutputMarker([...files.keys()])], ...files]);
}

/** Every file under `dir`, by relative path, with its bytes. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.set(path.relative(dir, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

// ---------------------------------------------------------------------------
// Arbitraries

const MODEL_NAMES = ['iris', 'mnist', 'churn', 'resnet', 'bert-base', 'fraud-v2', 'llm-small', 'ranker'];
const ROUTE_NAMES = ['predict', 'classify', 'score', 'public-demo', 'v2-api', 'ranking'];
const TIER_NAMES = ['free', 'basic', 'premium', 'enterprise', 'admin'];
const USER_IDS = ['alice', 'bob', 'carol', 'dave', 'erin'];

/** Formats with the protocols their KServe runtimes speak. */
const FORMAT_PROTOCOLS: ReadonlyArray<readonly [string, readonly (string | undefined)[]]> = [
  ['sklearn', [undefined, 'v1', 'v2']],
  ['xgboost', [undefined, 'v1', 'v2']],
  ['lightgbm', [undefined, 'v2']],
  ['tensorflow', [undefined, 'v1']],
  ['pytorch', [undefined, 'v1', 'v2']],
  ['onnx', [undefined, 'v2']],
  ['triton', [undefined, 'v2']],
  ['huggingface', [undefined, 'v1', 'v2']],
  ['pmml', [undefined, 'v1']],
];

const modelArb = (name: string): fc.Arbitrary<ModelSpec> =>
  fc
    .record({
      fp: fc.constantFrom(...FORMAT_PROTOCOLS).chain(([format, protocols]) => fc.record({ format: fc.constant(format), protocol: fc.constantFrom(...protocols) })),
      scheme: fc.constantFrom('gs://models-bucket', 's3://models-bucket', 'pvc://model-store', 'hf://acme'),
      cpu: fc.constantFrom('100m', '250m', '500m', '1'),
      memory: fc.constantFrom('256Mi', '512Mi', '1Gi'),
      cpuLimit: fc.constantFrom('1', '2', '4'),
      memoryLimit: fc.constantFrom('1Gi', '2Gi', '4Gi'),
      replicas: fc.option(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 4 })), { nil: undefined }),
    })
    .map(({ fp, scheme, cpu, memory, cpuLimit, memoryLimit, replicas }) => {
      const m: ModelSpec = { name, format: fp.format, storageUri: `${scheme}/${name}`, cpu, memory, cpuLimit, memoryLimit };
      if (fp.protocol !== undefined) m.protocol = fp.protocol;
      if (replicas) {
        m.minReplicas = replicas[0];
        m.maxReplicas = replicas[0] + replicas[1];
      }
      return m;
    });

/** Which rate-limit modes (and whether Redis) each engine accepts for the spec's shapes. */
const MODES: Readonly<Record<ProviderId, ReadonlyArray<{ mode: RateLimitMode; redis: boolean }>>> = {
  kgateway: [{ mode: RateLimitMode.GLOBAL, redis: true }],
  'envoy-gateway': [
    { mode: RateLimitMode.GLOBAL, redis: false },
    { mode: RateLimitMode.LOCAL, redis: false },
  ],
  istio: [{ mode: RateLimitMode.GLOBAL, redis: false }],
  kong: [
    { mode: RateLimitMode.GLOBAL, redis: true },
    { mode: RateLimitMode.LOCAL, redis: false },
  ],
};

const UNITS: readonly LimitSpec['unit'][] = ['second', 'minute', 'hour', 'day'];

/** Random valid platform specs: 1-4 models of several formats, 1-3 routes, 1-3 tiers with limits, every provider. */
export const validSpec: fc.Arbitrary<PlatformSpec> = fc
  .record({
    provider: fc.constantFrom(...PROVIDERS),
    names: fc.shuffledSubarray(MODEL_NAMES, { minLength: 1, maxLength: 4 }),
    routeNames: fc.shuffledSubarray(ROUTE_NAMES, { minLength: 3, maxLength: 3 }),
    tierNames: fc.shuffledSubarray(TIER_NAMES, { minLength: 1, maxLength: 3 }),
    auth: fc.constantFrom<'api-key' | 'jwt'>('api-key', 'jwt'),
    gatewayName: fc.constantFrom('gateway', 'models-gateway', 'edge-gw'),
    certificate: fc.constantFrom('gateway-tls', 'models.example.com-tls'),
  })
  // Kong OSS maps every JWT of an issuer to one consumer: one tier, counted by client address.
  .map((r) => (r.provider === 'kong' && r.auth === 'jwt' ? { ...r, tierNames: r.tierNames.slice(0, 1) } : r))
  .chain(({ provider, names, routeNames, tierNames, auth, gatewayName, certificate }) =>
    fc
      .record({
        models: fc.tuple(...names.map(modelArb)),
        // Route r takes the models assigned to it, in order: each model is the backend of at most one rule.
        assignment: fc.array(fc.integer({ min: -1, max: 2 }), { minLength: names.length, maxLength: names.length }),
        publicRoutes: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        prefixes: fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }),
        hostnames: fc.array(fc.option(fc.constantFrom('models.example.com', 'api.example.com'), { nil: undefined }), { minLength: 3, maxLength: 3 }),
        tierShapes: fc.array(
          fc.record({
            unlimited: fc.nat({ max: 3 }).map((n) => n === 0),
            units: fc.shuffledSubarray([...UNITS], { minLength: 1, maxLength: provider === 'kgateway' ? 1 : 2 }),
            requests: fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 2, maxLength: 2 }),
            allRoutes: fc.boolean(),
            inherit: fc.boolean(),
          }),
          { minLength: tierNames.length, maxLength: tierNames.length },
        ),
        mode: fc.constantFrom(...MODES[provider]),
        holderTiers: fc.array(fc.nat({ max: tierNames.length - 1 }), { minLength: 1, maxLength: 3 }),
        redisHost: fc.constantFrom('redis.data.svc.cluster.local', 'redis'),
      })
      .map(({ models, assignment, publicRoutes, prefixes, hostnames, tierShapes, mode, holderTiers, redisHost }): PlatformSpec => {
        const routes: RouteSpec[] = routeNames.map((name, r) => {
          const route: RouteSpec = { name, listener: 'https', rules: [], public: publicRoutes[r] };
          if (hostnames[r] !== undefined) route.hostname = hostnames[r];
          return route;
        });
        names.forEach((model, i) => {
          const r = assignment[i];
          if (r < 0) return; // a model without a route
          const rule: RuleSpec = { model };
          if (prefixes[i]) rule.prefix = `/${routes[r].name}/${model}`;
          routes[r].rules.push(rule);
        });
        const used = routes.filter((r) => r.rules.length > 0);
        const protectedNames = used.filter((r) => !r.public).map((r) => r.name);
        const tiers: TierSpec[] = tierNames.map((name, t) => {
          const shape = tierShapes[t];
          const tier: TierSpec = {
            name,
            // A longer window never allows fewer requests than a shorter one.
            limits: shape.unlimited ? [] : shape.units.map((unit, k) => ({ unit, requests: [...shape.requests].sort((a, b) => a - b)[[...shape.units].sort((a, b) => UNITS.indexOf(a) - UNITS.indexOf(b)).indexOf(unit)] ?? shape.requests[k] })),
            models: shape.allRoutes || protectedNames.length === 0 ? '*' : protectedNames.slice(0, 1 + (t % protectedNames.length)),
          };
          if (shape.unlimited) tier.unlimited = true;
          if (shape.inherit && t > 0) tier.inherits = tierNames[t - 1];
          return tier;
        });
        const holders: HolderSpec[] = holderTiers.map((t, k) => ({ userId: USER_IDS[k], tier: tierNames[t], remoteKey: `api-keys/${USER_IDS[k]}` }));
        const spec: PlatformSpec = { provider, gatewayName, certificate, models, routes: used, tiers, auth, holders, rateLimitMode: mode.mode };
        if (mode.redis) spec.redisHost = redisHost;
        if (provider === 'kong' && auth === 'jwt') spec.counterKey = CounterKey.CLIENT_IP;
        return spec;
      }),
  );

// ---------------------------------------------------------------------------
// Mutations

type Segment = string | number;

/** A place in a spec a mutation can hit: a leaf value, a list, or one entry of a list. */
export interface MutationTarget {
  readonly path: readonly Segment[];
  readonly kind: 'leaf' | 'list' | 'entry' | 'object';
}

/** Every place of `spec` (leaves, lists, list entries, nested objects), outermost first. */
export function mutationTargets(spec: PlatformSpec): MutationTarget[] {
  const out: MutationTarget[] = [];
  const walk = (v: unknown, p: Segment[], kind: MutationTarget['kind']) => {
    if (p.length > 0) out.push({ path: p, kind: Array.isArray(v) ? 'list' : v !== null && typeof v === 'object' ? (kind === 'entry' ? 'entry' : 'object') : kind === 'entry' ? 'entry' : 'leaf' });
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i], 'entry'));
    else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...p, k], 'leaf');
  };
  walk(spec, [], 'object');
  return out;
}

/** Values of every kind a caller could pass by mistake (or a JavaScript caller at all). */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<unknown>(undefined, null, '', ' ', 'UPPER_case', 'has space', '-leading', 'a'.repeat(300), '../../etc/passwd', '*', 'ünïcödé', 'image:latest', '/', '0', 'true', 'gs://', 'http://insecure.example.com') },
  { weight: 4, arbitrary: fc.constantFrom<unknown>(-1, 0, 0.5, 1.5, 65536, 1e9, 2 ** 53 + 2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(true, false, {}, [], ['x'], [1, 2], { a: 1 }, [null]) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: -1000, max: 100_000 }) },
  { weight: 1, arbitrary: fc.double() },
);

/** One change to a spec: a value replaced by junk, a field removed, a list entry dropped, or a value of another type. */
export type Mutation = { readonly op: 'set'; readonly target: number; readonly value: unknown } | { readonly op: 'remove'; readonly target: number } | { readonly op: 'retype'; readonly target: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), target: fc.nat(), value: junkValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), target: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('retype' as const), target: fc.nat() }) },
);

/** A deep copy of `spec` with the mutations applied (targets are taken modulo the places of the spec at that point). */
export function mutate(spec: PlatformSpec, mutations: readonly Mutation[]): { spec: PlatformSpec; applied: string[] } {
  const copy = structuredClone(spec);
  const applied: string[] = [];
  for (const m of mutations) {
    const targets = mutationTargets(copy);
    const t = targets[m.target % targets.length];
    const parent = t.path.slice(0, -1).reduce<any>((o, s) => o[s], copy);
    const key = t.path[t.path.length - 1];
    const where = t.path.join('.');
    if (m.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      applied.push(`remove ${where}`);
    } else if (m.op === 'retype') {
      const v = parent[key];
      // The same information as another type: "100" for 100, 100 for "100", a string for a list, ...
      parent[key] = typeof v === 'number' ? String(v) : typeof v === 'string' ? (Number.isNaN(Number(v)) ? v.length : Number(v)) : typeof v === 'boolean' ? String(v) : Array.isArray(v) ? v.join(',') : v === undefined ? null : JSON.stringify(v);
      applied.push(`retype ${where}: ${JSON.stringify(v)} -> ${JSON.stringify(parent[key])}`);
    } else {
      parent[key] = m.value;
      applied.push(`set ${where} = ${typeof m.value === 'number' ? String(m.value) : JSON.stringify(m.value)}`);
    }
  }
  return { spec: copy, applied };
}

/** The spec with its models, routes, tiers and key holders declared in the given orders (rule order kept: it has meaning). */
export function reorder(spec: PlatformSpec, order: { models: number[]; routes: number[]; tiers: number[]; holders: number[] }): PlatformSpec {
  const permute = <T>(list: readonly T[], keys: readonly number[]): T[] => list.map((x, i) => ({ x, k: keys[i] ?? 0, i })).sort((a, b) => a.k - b.k || a.i - b.i).map((e) => e.x);
  return { ...spec, models: permute(spec.models, order.models), routes: permute(spec.routes, order.routes), tiers: permute(spec.tiers, order.tiers), holders: permute(spec.holders, order.holders) };
}
