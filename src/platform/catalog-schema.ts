import { createRequire } from 'node:module';
import type * as Zod from 'zod';
import { allowShadowedByDeny, isIpOrCidr } from '../core/cidr';
import { credentialKind, isCredentialHeader } from '../core/credentials';
import { corsOriginProblem, httpHeaderValueProblem, isHttpHeaderName } from '../core/http-header';
import { unsafePathProblem } from '../core/url-path';
import { isDnsLabel } from '../core/names';
import { parseQuantity, quantityExceeds, quantityProblem } from '../core/quantity';
import { JWT_ALGORITHMS } from '../policy/authentication';
import { builtInProtocols, ModelFormat } from '../serving/model-format';

/** `apiVersion` of a catalog file. */
export const CATALOG_API_VERSION = 'catalog.models.cdk8s.io/v1alpha1';
/** `kind` of a catalog file. */
export const CATALOG_KIND = 'Catalog';

/** A fix suggestion attached to a custom issue (`params.fix`). */
interface FixParams {
  readonly fix: string;
}

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;
/** The model formats a catalog can name (KServe's built-in formats). */
export const CATALOG_MODEL_FORMATS = ['sklearn', 'tensorflow', 'pytorch', 'xgboost', 'lightgbm', 'onnx', 'pmml', 'huggingface', 'triton'] as const;
/** The tier every catalog entry's access policy defines (one tier: the entry's limits). */
export const CATALOG_TIER = 'standard';
/** User ids the Kong engine keeps for itself. */
const RESERVED_USER_IDS = ['anonymous', 'jwt-issuer'];
/** Cluster-local Service host: `<service>.<namespace>.svc[.cluster.local]`. */
const SERVICE_HOST = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?$/;
const STORAGE_URI = /^(gs|s3|pvc|hf|oci|https):\/\/\S+$/;
const PATH = /^\/[-A-Za-z0-9/._~!$&'()+,;=:@%]*\*?$/;
const HEADER = /^[A-Za-z0-9_.-]+$/;

function custom(ctx: Zod.z.RefinementCtx, message: string, fix: string, path: readonly PropertyKey[] = []): void {
  ctx.addIssue({ code: 'custom', message, params: { fix } satisfies FixParams, path: [...path] });
}

/**
 * The schemas of the catalog format, built with `z` (zod). Built on first
 * use by {@link catalogSchema}: zod takes about 50 ms to load, which only
 * reading a catalog needs to pay.
 */
function shapes(z: typeof Zod.z) {
  /** A DNS-1123 label of at most `max` characters (object names derive from it). */
  const dnsLabel = (max: number, what: string) =>
    z.string().superRefine((v, ctx) => {
      if (!isDnsLabel(v) || v.length > max) custom(ctx, `must be a DNS-1123 label of at most ${max} characters (lower-case letters, digits and '-')`, `name the ${what} like "inventory-api"`);
    });

  /** A positive whole number, given as a number or a string of digits (the write-up writes `"100"`). */
  const positiveInt = (what: string) =>
    z.union([z.number(), z.string()]).transform((v, ctx) => {
      const n = typeof v === 'number' ? v : /^\s*[-+]?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : Number.NaN;
      if (!Number.isInteger(n) || n < 1) {
        custom(ctx, `must be a positive whole number of ${what}`, `write e.g. "100"${typeof v === 'number' && v < 1 ? '; to lift a limit, remove the key' : ''}`);
        return z.NEVER;
      }
      if (n > Number.MAX_SAFE_INTEGER) {
        custom(ctx, `must be at most ${Number.MAX_SAFE_INTEGER} ${what} (a larger number is no longer exact; kgateway allows at most 4294967295)`, 'write a smaller limit, or a longer window');
        return z.NEVER;
      }
      return n;
    });

  /** `true`/`false`, as a boolean or a string. */
  const bool = z.union([z.boolean(), z.string()]).transform((v, ctx) => {
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    custom(ctx, 'must be true or false', 'write "true" or "false"');
    return z.NEVER;
  });

  /** A list: a YAML list of strings, or one comma-separated string (`"GET,POST"`). */
  const list = z.union([z.string(), z.array(z.string())]).transform((v, ctx) => {
    const items = (typeof v === 'string' ? v.split(',') : v).map((s) => s.trim());
    if (items.length === 0 || items.some((s) => s === '')) {
      custom(ctx, 'must be a non-empty list without empty entries', 'write e.g. "GET,POST" or a YAML list');
      return z.NEVER;
    }
    return items;
  });

  const methodList = list.transform((items, ctx) => {
    const bad = items.find((m) => !(HTTP_METHODS as readonly string[]).includes(m));
    if (bad !== undefined) {
      custom(ctx, `contains '${bad}', which is not an upper-case HTTP method (${HTTP_METHODS.join(', ')})`, 'write methods in upper case, e.g. "GET,POST"');
      return z.NEVER;
    }
    const twice = items.find((m, i) => items.indexOf(m) !== i);
    if (twice !== undefined) {
      custom(ctx, `lists '${twice}' twice`, 'list each method once');
      return z.NEVER;
    }
    return items as Array<(typeof HTTP_METHODS)[number]>;
  });

  const addressList = list.transform((items, ctx) => {
    const bad = items.find((a) => !isIpOrCidr(a));
    if (bad !== undefined) {
      custom(ctx, `contains '${bad}', which is not an IPv4/IPv6 address or CIDR block`, 'write e.g. "10.0.0.0/8,192.168.0.0/16"');
      return z.NEVER;
    }
    return items;
  });

  const originList = list.transform((items, ctx) => {
    for (const o of items) {
      const problem = corsOriginProblem(o);
      if (problem !== undefined) {
        custom(ctx, `contains ${JSON.stringify(o)}, which ${problem}`, 'list web origins such as "https://app.example.com"');
        return z.NEVER;
      }
    }
    return items;
  });

  const headerNameList = list.transform((items, ctx) => {
    const bad = items.find((h) => h !== '*' && !isHttpHeaderName(h));
    if (bad !== undefined) {
      custom(ctx, `contains ${JSON.stringify(bad)}, which is not an HTTP header name (an RFC 9110 token: no spaces, ':', CR, LF or NUL)`, 'write header names such as "Content-Type,X-Request-Id"');
      return z.NEVER;
    }
    return items;
  });

  const port = z.number().int().min(1).max(65535);

  /**
   * The `metadata` of a service or model: the write-up's flat keys, plus
   * `auth.issuer` (which JWT issuer) and `ipRestriction.allow/deny`.
   */
  const Metadata = z.strictObject({
    'rateLimit.minute': positiveInt('requests per minute').optional(),
    'rateLimit.hour': positiveInt('requests per hour').optional(),
    'rateLimit.day': positiveInt('requests per day').optional(),
    'auth.type': z.enum(['jwt', 'key-auth']).optional(),
    'auth.required': bool.optional(),
    'auth.issuer': z.string().optional(),
    'cors.enabled': bool.optional(),
    'cors.origins': originList.optional(),
    'cors.methods': methodList.optional(),
    'cors.headers': headerNameList.optional(),
    'ipRestriction.allow': addressList.optional(),
    'ipRestriction.deny': addressList.optional(),
  });

  /** A header or field value: no CR, LF or NUL (RFC 9110 section 5.5). */
  const FieldValue = z.string().superRefine((v, ctx) => {
    const problem = httpHeaderValueProblem(v);
    if (problem !== undefined) custom(ctx, problem, 'remove the line breaks and control characters; send one value per header');
  });
  const HeaderPairs = z.record(z.string().regex(HEADER), FieldValue);
  const Names = z.array(z.string().regex(HEADER)).min(1);

  /** Request/response transformations of a service (Kong's request-transformer and response-transformer). */
  const Transformations = z.strictObject({
    request: z
      .strictObject({
        remove: z.strictObject({ headers: Names.optional(), querystring: Names.optional() }).optional(),
        rename: z.strictObject({ headers: HeaderPairs.optional(), querystring: HeaderPairs.optional() }).optional(),
        replace: z.strictObject({ headers: HeaderPairs.optional(), querystring: HeaderPairs.optional() }).optional(),
        add: z.strictObject({ headers: HeaderPairs.optional(), querystring: HeaderPairs.optional() }).optional(),
        append: z.strictObject({ headers: HeaderPairs.optional(), querystring: HeaderPairs.optional() }).optional(),
      })
      .optional(),
    response: z
      .strictObject({
        remove: z.strictObject({ headers: Names.optional(), json: Names.optional() }).optional(),
        rename: z.strictObject({ headers: HeaderPairs.optional(), json: HeaderPairs.optional() }).optional(),
        replace: z.strictObject({ headers: HeaderPairs.optional(), json: HeaderPairs.optional() }).optional(),
        add: z.strictObject({ headers: HeaderPairs.optional(), json: HeaderPairs.optional() }).optional(),
        append: z.strictObject({ headers: HeaderPairs.optional(), json: HeaderPairs.optional() }).optional(),
      })
      .optional(),
  });

  const Endpoint = z.strictObject({
    protocol: z.enum(['http', 'https']),
    host: z.string(),
    port,
    targetPort: port.optional(),
    path: z.string(),
    methods: z
      .array(z.enum(HTTP_METHODS))
      .min(1)
      .superRefine((methods, ctx) => {
        const twice = methods.findIndex((m, i) => methods.indexOf(m) !== i);
        if (twice >= 0) custom(ctx, `lists '${methods[twice]}' twice (each method becomes a route match)`, 'list each method once', [twice]);
      })
      .optional(),
  });

  const Service = z.strictObject({
    name: dnsLabel(40, 'service'),
    version: z.string().min(1).max(63).regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/),
    description: z.string().optional(),
    endpoints: z.array(Endpoint).min(1).max(16),
    metadata: Metadata.optional(),
    transformations: Transformations.optional(),
  });

  const Quantity = z.union([z.string(), z.number()]).transform((v, ctx) => {
    const s = String(v);
    const problem = quantityProblem(s);
    if (problem !== undefined) {
      custom(ctx, parseQuantity(s) === undefined ? 'must be a Kubernetes quantity such as 500m, 2, 256Mi or 4Gi' : problem, parseQuantity(s) === undefined ? "write e.g. '1Gi'" : "write a quantity the cluster can hold, e.g. '4' or '64Gi'");
      return z.NEVER;
    }
    return s;
  });
  const ResourceList = z.strictObject({ cpu: Quantity.optional(), memory: Quantity.optional(), 'nvidia.com/gpu': Quantity.optional() });

  const Model = z.strictObject({
    name: dnsLabel(40, 'model'),
    version: z.string().min(1).max(63).optional(),
    description: z.string().optional(),
    format: z.enum(CATALOG_MODEL_FORMATS),
    protocol: z.enum(['v1', 'v2']).optional(),
    storageUri: z.string().check((c) => {
      // A control character is named as such, not as a malformed URI.
      const control = /[\u0000-\u001F\u007F]/.test(c.value) ? unsafePathProblem(c.value) : undefined;
      if (control !== undefined) c.issues.push({ code: 'custom', message: control, params: { fix: 'remove the line break or control character from the URI' }, input: c.value });
      else if (!STORAGE_URI.test(c.value)) c.issues.push({ code: 'custom', message: 'must be a model URI (gs://, s3://, pvc://, hf://, oci:// or https://)', params: { fix: 'write a model URI (gs://, s3://, pvc://, hf://, oci:// or https://)' }, input: c.value });
    }),
    resources: z.strictObject({ requests: ResourceList, limits: ResourceList }),
    minReplicas: z.number().int().min(0).max(100).optional(),
    maxReplicas: z.number().int().min(1).max(100).optional(),
    metadata: Metadata.optional(),
  });

  // A value that is itself a credential where the catalog takes a reference (a secret-store path) or a public URL:
  // refused at its file:line, its kind named and never its text.
  const noCredential = (what: string, fix: string) =>
    z.string().superRefine((v, ctx) => {
      const kind = credentialKind(v);
      if (kind !== undefined) custom(ctx, `holds what looks like ${kind}: ${what} would be committed to dist/ in plain text`, fix);
    });
  const remoteKey = noCredential('a secret-store key is a path, not the value', 'write the path of the value in the secret store (e.g. api-keys/alice), not the value itself').pipe(z.string().min(1));
  const Consumer = z.strictObject({
    userId: dnsLabel(40, 'consumer'),
    service: z.string(),
    remoteKey,
    property: z.string().min(1).optional(),
  });

  const publicUrl = noCredential('an issuer or JWKS URL is public', 'write the URL without user info or token query parameters (a JWKS holds public keys)').pipe(z.url({ protocol: /^https$/ }));
  const JwtIssuer = z.strictObject({
    name: dnsLabel(40, 'issuer'),
    issuer: publicUrl,
    jwksUri: publicUrl,
    algorithm: z.enum(JWT_ALGORITHMS),
    publicKey: z.strictObject({ remoteKey, property: z.string().min(1).optional() }),
  });

  const SecretStore = z.strictObject({ name: dnsLabel(253, 'secret store'), kind: z.enum(['SecretStore', 'ClusterSecretStore']).optional() });

  const CatalogShape = z.strictObject({
    apiVersion: z.literal(CATALOG_API_VERSION),
    kind: z.literal(CATALOG_KIND),
    secretStore: SecretStore.optional(),
    jwtIssuers: z.array(JwtIssuer).optional(),
    consumers: z.array(Consumer).optional(),
    services: z.array(Service).optional(),
    models: z.array(Model).optional(),
  });
  return { Metadata, Transformations, Endpoint, Service, Model, Consumer, JwtIssuer, CatalogShape };
}

type Shapes = ReturnType<typeof shapes>;

function buildCatalogSchema(z: typeof Zod.z) {
  return shapes(z).CatalogShape.superRefine((c, ctx) => checkCatalog(c, ctx));
}

const load = createRequire(__filename);
let built: ReturnType<typeof buildCatalogSchema> | undefined;

/**
 * The catalog file format (`apiVersion: catalog.models.cdk8s.io/v1alpha1`,
 * `kind: Catalog`), in YAML or JSON: the services of the Kong deployment
 * write-up (name, version, endpoints, `metadata` with the write-up's flat
 * keys such as `rateLimit.minute` and `auth.type`), the models, and the
 * access data they reference (secret store, JWT issuers, API-key holders).
 * Every object is strict: an unknown key is an error.
 *
 * ```yaml
 * apiVersion: catalog.models.cdk8s.io/v1alpha1
 * kind: Catalog
 * secretStore: { name: vault }
 * consumers:
 *   - { userId: billing-batch, service: inventory-api, remoteKey: kong/api-keys/billing-batch }
 * services:
 *   - name: inventory-api
 *     version: v2.3.1
 *     endpoints:
 *       - { protocol: http, host: inventory.aikernel.svc.cluster.local, port: 8080, path: /api/v2/*, methods: [GET] }
 *     metadata:
 *       rateLimit.minute: "60"
 *       auth.type: key-auth
 *       auth.required: "true"
 * models:
 *   - name: sklearn-iris
 *     format: sklearn
 *     storageUri: gs://kfserving-examples/models/sklearn/1.0/model
 *     resources: { requests: { cpu: 100m, memory: 256Mi }, limits: { cpu: "1", memory: 1Gi } }
 *     metadata: { auth.type: key-auth, auth.required: true, rateLimit.minute: 100 }
 * ```
 *
 * Values may be strings as in the write-up (`"100"`, `"true"`, `"GET,POST"`);
 * they are coerced and checked: limits are positive whole numbers, booleans
 * `true`/`false`, lists comma-separated or YAML lists.
 *
 * Fields. Services: `name`, `version`, `description`, `endpoints[]`
 * (`protocol: http`, `host: <service>.<namespace>.svc.cluster.local`, `port`,
 * optional `targetPort` (the pod port, for egress policies; default `port`),
 * `path` (`/x/*` prefix or exact `/x`), `methods`), `metadata`, and
 * `transformations.request|response.{remove,rename,replace,add,append}`.
 * Models: `name`, `version`, `format` (KServe format), `protocol` (`v1`/`v2`),
 * `storageUri`, `resources.requests|limits.{cpu,memory,nvidia.com/gpu}`,
 * `minReplicas`, `maxReplicas`, `metadata`. Metadata keys: `rateLimit.minute`,
 * `rateLimit.hour`, `rateLimit.day`, `auth.type` (`jwt`, `key-auth`),
 * `auth.required`, `auth.issuer` (a `jwtIssuers[].name`), `cors.enabled`,
 * `cors.origins`, `cors.methods`, `cors.headers`, `ipRestriction.allow`,
 * `ipRestriction.deny`. Top level: `secretStore` (`name`, `kind`),
 * `jwtIssuers[]` (`name`, `issuer`, `jwksUri`, `algorithm`, `publicKey.remoteKey`,
 * `publicKey.property`), `consumers[]` (`userId`, `service`, `remoteKey`,
 * `property`): an API-key holder of one key-auth entry.
 *
 * This schema (zod) checks shapes, types, and the rules across fields and
 * entries; `loadCatalog` reports its issues with file, line and column.
 * Refused besides: endpoint paths and storage locations with `.`/`..`
 * or `..;` segments, encoded dots or slashes (`%2e`, `%2f`, or encoded
 * twice: `%252e`) or control characters; transformation values with CR, LF
 * or NUL; CORS origins other than `*` or an http(s) `scheme://host[:port]`
 * (no path); and, by the loader, files that are not UTF-8, hold NUL or other
 * control characters, use tags outside YAML's core schema (`!Ref`,
 * `!!js/function`) or the keys `__proto__`, `constructor`, `prototype`, and
 * endpoints claiming the same requests (the same path, or an exact `/x` or
 * `/x/` beside another service's `/x/*`, with overlapping methods). A
 * service host in a namespace the code does not list
 * (`ModelServingPlatformOptions.allowBackendNamespaces`, deny by default) is
 * refused by `ModelServingPlatform`; `kube-*` and `default` always are.
 *
 * Built by the first call (zod is loaded then), the same object after.
 */
export function catalogSchema(): ReturnType<typeof buildCatalogSchema> {
  return (built ??= buildCatalogSchema((load('zod') as typeof Zod).z));
}

/** A parsed catalog. */
export type Catalog = Zod.z.output<Shapes['CatalogShape']>;
/** A parsed service entry. */
export type CatalogService = Zod.z.output<Shapes['Service']>;
/** A parsed endpoint of a service. */
export type CatalogEndpoint = Zod.z.output<Shapes['Endpoint']>;
/** A parsed model entry. */
export type CatalogModel = Zod.z.output<Shapes['Model']>;
/** The parsed `metadata` of a service or model. */
export type CatalogMetadata = Zod.z.output<Shapes['Metadata']>;
/** A parsed API-key holder. */
export type CatalogConsumer = Zod.z.output<Shapes['Consumer']>;
/** A parsed JWT issuer. */
export type CatalogJwtIssuer = Zod.z.output<Shapes['JwtIssuer']>;
/** Parsed transformations of a service. */
export type CatalogTransformations = Zod.z.output<Shapes['Transformations']>;

/** The cluster-local Service an endpoint host names: `<service>.<namespace>.svc[.cluster.local]`. */
export function serviceOfHost(host: string): { readonly service: string; readonly namespace: string } | undefined {
  const m = SERVICE_HOST.exec(host);
  return m ? { service: m[1], namespace: m[3] } : undefined;
}

/** The rate limits of an entry's metadata, by window. */
export function limitsOf(m: CatalogMetadata | undefined): { readonly minute?: number; readonly hour?: number; readonly day?: number } {
  return { minute: m?.['rateLimit.minute'], hour: m?.['rateLimit.hour'], day: m?.['rateLimit.day'] };
}

/** True when an entry requires authentication (`auth.required: true`). */
export function requiresAuth(m: CatalogMetadata | undefined): boolean {
  return m?.['auth.required'] === true;
}

/** The checks that span fields or entries. */
function checkCatalog(cat: Catalog, ctx: Zod.z.RefinementCtx): void {
  const services = cat.services ?? [];
  const models = cat.models ?? [];
  const issuers = cat.jwtIssuers ?? [];
  const consumers = cat.consumers ?? [];
  if (services.length + models.length === 0) custom(ctx, 'lists no service and no model', 'add at least one entry under services: or models:', ['services']);

  // Names: services and models become HTTPRoutes and access policies of one namespace.
  const seen = new Map<string, string>();
  const entries: Array<{ kind: 'services' | 'models'; index: number; name: string; metadata?: CatalogMetadata }> = [
    ...services.map((s, index) => ({ kind: 'services' as const, index, name: s.name, metadata: s.metadata })),
    ...models.map((m, index) => ({ kind: 'models' as const, index, name: m.name, metadata: m.metadata })),
  ];
  for (const e of entries) {
    const first = seen.get(e.name);
    if (first !== undefined) custom(ctx, `duplicates the name of ${first}`, 'give every service and model a unique name', [e.kind, e.index, 'name']);
    else seen.set(e.name, `${e.kind}[${e.index}]`);
  }
  seen.clear();
  issuers.forEach((iss, i) => {
    const first = seen.get(iss.name);
    if (first !== undefined) custom(ctx, `duplicates the name of ${first}`, 'give every issuer a unique name', ['jwtIssuers', i, 'name']);
    else seen.set(iss.name, `jwtIssuers[${i}]`);
  });

  services.forEach((s, i) => {
    s.endpoints.forEach((e, j) => {
      const at = ['services', i, 'endpoints', j];
      if (e.protocol === 'https') {
        custom(ctx, 'is https, but the catalog routes to upstream Services over plain HTTP (TLS to an upstream needs a BackendTLSPolicy, which this catalog does not emit)', 'use protocol: http (inside a mesh, mTLS protects the hop)', [...at, 'protocol']);
      }
      if (!serviceOfHost(e.host)) {
        custom(ctx, 'must be a cluster-local Service host <service>.<namespace>.svc.cluster.local (routes reference Services, not external hosts)', `write e.g. "${s.name}.my-namespace.svc.cluster.local"`, [...at, 'host']);
      }
      if (!PATH.test(e.path) || e.path.slice(0, -1).includes('*') || e.path.includes('//')) {
        custom(ctx, "must be an absolute path, optionally ending with '*' (a prefix match), without '//' or other wildcards", 'write e.g. "/api/v1/*" or "/health"', [...at, 'path']);
      } else {
        const problem = unsafePathProblem(e.path.endsWith('*') ? e.path.slice(0, -1) : e.path);
        if (problem !== undefined) custom(ctx, problem, "write the normalized path without '.' or '..' segments or encoded characters, e.g. \"/api/v1/*\"", [...at, 'path']);
      }
    });
    checkTransformations(s, i, ctx);
  });

  models.forEach((m, i) => {
    const location = m.storageUri.slice(m.storageUri.indexOf('://') + 3).split(/[?#]/)[0];
    const unsafe = unsafePathProblem(location);
    if (unsafe !== undefined) custom(ctx, unsafe, "give the model's normalized location without '.' or '..' segments or encoded characters, e.g. pvc://models-pvc/iris", ['models', i, 'storageUri']);
    for (const key of ['cpu', 'memory', 'nvidia.com/gpu'] as const) {
      const req = m.resources.requests[key];
      const lim = m.resources.limits[key];
      if (req !== undefined && lim !== undefined && quantityExceeds(req, lim)) {
        custom(ctx, `must not exceed resources.limits.${key} (${lim})`, `lower the request or raise the limit to at least ${req}`, ['models', i, 'resources', 'requests', key]);
      }
    }
    for (const key of ['cpu', 'memory'] as const) {
      if (m.resources.requests[key] === undefined) custom(ctx, `is required (the scheduler reserves it)`, `add resources.requests.${key}`, ['models', i, 'resources', 'requests']);
      if (m.resources.limits[key] === undefined) custom(ctx, `is required (the security rules require limits)`, `add resources.limits.${key}`, ['models', i, 'resources', 'limits']);
    }
    const spoken = builtInProtocols(ModelFormat.custom(m.format));
    if (m.protocol !== undefined && spoken && !(spoken.protocols as readonly string[]).includes(m.protocol)) {
      custom(ctx, `is not spoken by any of KServe's runtimes for format '${m.format}' (${spoken.why}), so KServe would find no runtime for the model`, `write protocol: ${spoken.protocols.filter((x) => x === 'v1' || x === 'v2').join(' or ')}, or remove it for the format's default${spoken.hint ? ` (${spoken.hint})` : ''}`, ['models', i, 'protocol']);
    }
    if (m.minReplicas !== undefined && m.maxReplicas !== undefined && m.maxReplicas < m.minReplicas) {
      custom(ctx, `must be >= minReplicas (${m.minReplicas})`, `raise maxReplicas to at least ${m.minReplicas}`, ['models', i, 'maxReplicas']);
    }
  });

  const byName = new Map<string, (typeof entries)[number]>();
  for (const e of entries) if (!byName.has(e.name)) byName.set(e.name, e);
  for (const e of entries) {
    const md = e.metadata;
    const at = [e.kind, e.index, 'metadata'];
    if (!md) continue;
    const { minute, hour, day } = limitsOf(md);
    if (minute !== undefined && hour !== undefined && hour < minute) custom(ctx, `(${hour}) must not be lower than rateLimit.minute (${minute})`, `raise it to at least ${minute}, or remove one of them`, [...at, 'rateLimit.hour']);
    const floor = hour ?? minute;
    if (floor !== undefined && day !== undefined && day < floor) custom(ctx, `(${day}) must not be lower than rateLimit.${hour !== undefined ? 'hour' : 'minute'} (${floor})`, `raise it to at least ${floor}, or remove one of them`, [...at, 'rateLimit.day']);
    const type = md['auth.type'];
    const required = md['auth.required'];
    if (required === true && type === undefined) custom(ctx, 'is true, but auth.type is missing', 'add auth.type: jwt or key-auth', [...at, 'auth.required']);
    if (type !== undefined && required !== true) custom(ctx, `is ${type}, but auth.required is not true (an entry is either authenticated or public)`, 'set auth.required: "true", or remove auth.type to make the entry public', [...at, 'auth.type']);
    if (md['auth.issuer'] !== undefined && type !== 'jwt') custom(ctx, 'only applies to auth.type jwt', 'remove auth.issuer, or set auth.type: jwt', [...at, 'auth.issuer']);
    if (type === 'jwt' && required === true) {
      const wanted = md['auth.issuer'];
      if (issuers.length === 0) custom(ctx, 'is jwt, but the catalog defines no jwtIssuers', 'add the issuer under jwtIssuers:', [...at, 'auth.type']);
      else if (wanted === undefined && issuers.length > 1) custom(ctx, `is jwt with ${issuers.length} issuers defined, but auth.issuer does not say which`, `add auth.issuer: one of ${issuers.map((x) => x.name).join(', ')}`, [...at, 'auth.type']);
      else if (wanted !== undefined && !issuers.some((x) => x.name === wanted)) custom(ctx, 'names no issuer of jwtIssuers', `use one of ${issuers.map((x) => x.name).join(', ')}`, [...at, 'auth.issuer']);
      if (!cat.secretStore) custom(ctx, "is jwt, whose issuer's public key is read from a secret store, but secretStore is missing", 'add secretStore: { name: <ClusterSecretStore> }', [...at, 'auth.type']);
    }
    if (type === 'key-auth' && required === true) {
      if (!cat.secretStore) custom(ctx, 'is key-auth, whose keys are read from a secret store, but secretStore is missing', 'add secretStore: { name: <ClusterSecretStore> }', [...at, 'auth.type']);
      if (!consumers.some((k) => k.service === e.name)) custom(ctx, `is key-auth, but no consumer may call '${e.name}'`, `add a consumer with service: ${e.name}`, [...at, 'auth.type']);
    }
    const shadowed = allowShadowedByDeny(md['ipRestriction.allow'] ?? [], md['ipRestriction.deny'] ?? []);
    if (shadowed) {
      custom(ctx, `lists ${shadowed.allow}, which lies inside ipRestriction.deny entry ${shadowed.deny}: Kong checks deny first, so these clients are refused despite the allow entry`, 'remove the address from one of the lists (deny may carve exceptions out of an allowed block, not the other way round)', [...at, 'ipRestriction.allow']);
    }
    const corsKeys = (['cors.origins', 'cors.methods', 'cors.headers'] as const).filter((k) => md[k] !== undefined);
    if (md['cors.enabled'] === true && md['cors.origins'] === undefined) custom(ctx, 'is true, but cors.origins is missing', 'add cors.origins, e.g. "https://app.example.com"', [...at, 'cors.enabled']);
    if (md['cors.enabled'] !== true && corsKeys.length > 0) custom(ctx, 'is set, but cors.enabled is not true', 'add cors.enabled: "true", or remove the cors keys', [...at, corsKeys[0]]);
  }

  seen.clear();
  consumers.forEach((k, i) => {
    const first = seen.get(k.userId);
    if (first !== undefined) custom(ctx, `duplicates the user id of ${first} (a Kong consumer username is unique)`, 'give each key holder one entry and one service', ['consumers', i, 'userId']);
    else seen.set(k.userId, `consumers[${i}]`);
    if (RESERVED_USER_IDS.includes(k.userId)) custom(ctx, `is reserved (${RESERVED_USER_IDS.join(', ')})`, 'choose another user id', ['consumers', i, 'userId']);
    const target = byName.get(k.service);
    if (!target) custom(ctx, 'names no service or model of the catalog', `use one of ${[...byName.keys()].join(', ')}`, ['consumers', i, 'service']);
    else if (target.metadata?.['auth.type'] !== 'key-auth') custom(ctx, `names '${k.service}', which is not a key-auth entry`, `set auth.type: key-auth on '${k.service}', or remove the consumer`, ['consumers', i, 'service']);
  });
}

function checkTransformations(s: CatalogService, i: number, ctx: Zod.z.RefinementCtx): void {
  const t = s.transformations;
  if (!t) return;
  for (const side of ['request', 'response'] as const) {
    const ops = t[side] as Record<string, Record<string, unknown> | undefined> | undefined;
    if (!ops) continue;
    if (Object.values(ops).every((o) => o === undefined || Object.keys(o).length === 0)) custom(ctx, 'changes nothing', 'add remove, rename, replace, add or append, or remove the key', ['services', i, 'transformations', side]);
    for (const op of ['replace', 'add', 'append'] as const) {
      const headers = (ops[op]?.headers ?? {}) as Record<string, string>;
      for (const h of Object.keys(headers)) {
        if (isCredentialHeader(h)) custom(ctx, 'would set a credential header to a literal committed to dist/', 'let clients send their own credentials', ['services', i, 'transformations', side, op, 'headers', h]);
      }
    }
  }
}
