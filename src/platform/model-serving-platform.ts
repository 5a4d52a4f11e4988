import * as path from 'node:path';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Backend } from '../core/backend';
import { invalid, ModelServingError } from '../core/errors';
import { Namespace } from '../core/namespace';
import { assertDnsLabel } from '../core/names';
import { Platform } from '../core/platform';
import { ResourceRequirements } from '../core/resources';
import { AllowedRoutes } from '../gateway/allowed-routes';
import { Gateway } from '../gateway/gateway';
import { GatewayProvider } from '../gateway/gateway-provider';
import { Listener } from '../gateway/listener';
import { KongBackup, KongBackupProps } from '../kong/kong-backup';
import { KongGateway, KongGatewayProps, KongUpstream } from '../kong/kong-gateway';
import { KongMigrations } from '../kong/kong-migrations';
import { PostgresReference } from '../kong/postgres';
import { KongAccessLog } from '../observability/access-log';
import { GatewayMonitoring } from '../observability/gateway-monitoring';
import { KongMonitoring } from '../observability/kong-monitoring';
import { PrometheusLocation } from '../observability/scrape';
import { KongTracing } from '../observability/tracing';
import { TracingCollector } from '../observability/tracing-collector';
import { AccessPolicy } from '../policy/access-policy';
import { ApiKeyAuth, Authentication, JwtAuth } from '../policy/authentication';
import { attachKongPlugins, IKongPlugin, KongCorsMethod, KongPlugin } from '../policy/kong/kong-plugin';
import { CounterKey, RateLimit, RateLimitMode } from '../policy/rate-limit';
import { RedisReference } from '../policy/redis';
import { Tier } from '../policy/tier';
import { HttpRouteFilter, IHttpRouteFilter } from '../routing/filter';
import { HttpRoute, HttpRouteRule } from '../routing/http-route';
import { HttpRouteMatch, PathMatch } from '../routing/match';
import { InferenceService } from '../serving/inference-service';
import { Predictor } from '../serving/predictor';
import { Storage } from '../serving/storage';
import { ModelFormat, ProtocolVersion } from '../serving/model-format';
import { Certificate, CertificateIssuer, PrivateKey } from '../tls/certificate';
import { loadCatalog, LoadedCatalog } from './catalog-loader';
import { ModelEndpoint } from './model-endpoint';
import { CATALOG_TIER, CatalogMetadata, CatalogModel, CatalogService, CatalogTransformations, limitsOf, requiresAuth, serviceOfHost } from './catalog-schema';
import { checkProps, childPath, requireString } from '../core/prop-types';

/** The certificate of the gateway's HTTPS listener. */
export interface PlatformCertificateOptions {
  /** The cert-manager issuer. */
  readonly issuer: CertificateIssuer;
  /** Extra DNS names besides the hostname. @default - the hostname only */
  readonly extraDnsNames?: readonly string[];
  /** @default PrivateKey.ECDSA_P256 */
  readonly privateKey?: PrivateKey;
  /** @default Duration.days(90) */
  readonly duration?: Duration;
  /** @default Duration.days(30) */
  readonly renewBefore?: Duration;
}

/** The Kong workload of a platform whose provider is Kong. */
export interface PlatformKongOptions extends Pick<KongGatewayProps, 'image' | 'controllerImage' | 'minReplicas' | 'maxReplicas' | 'cpuUtilization' | 'memoryUtilization' | 'resources' | 'controllerResources' | 'tuning' | 'trustedIps' | 'serviceType' | 'apiServer'> {
  /** Kong's PostgreSQL database (its password Secret in the gateway namespace). */
  readonly database: PostgresReference;
  /** The configuration backup, or `false` for none. @default - a daily export kept 7 days on the cluster's default storage class */
  readonly backup?: Omit<KongBackupProps, 'database' | 'image'> | false;
}

/** Monitoring of the gateway. */
export interface PlatformMonitoringOptions {
  /** Prefix of runbook URLs. @default - the library default */
  readonly runbookBaseUrl?: string;
  /** The Prometheus that scrapes. @default DEFAULT_PROMETHEUS */
  readonly prometheus?: PrometheusLocation;
}

/** Options of {@link ModelServingPlatform}. */
export interface ModelServingPlatformOptions {
  /** Platform name (output folder). @default - the construct id */
  readonly name?: string;
  /** Description for the generated README. @default - none */
  readonly description?: string;
  /** The gateway implementation. @default GatewayProvider.KONG */
  readonly provider?: GatewayProvider;
  /** Namespace of the gateway, the routes and the access policies. @default 'kong' for Kong, 'gateway' otherwise */
  readonly gatewayNamespace?: string;
  /** Namespace of the catalog's models. @default 'models' */
  readonly modelNamespace?: string;
  /** The public host name: the HTTPS listener's hostname and the certificate's first DNS name. */
  readonly hostname: string;
  /** The listener certificate. */
  readonly certificate: PlatformCertificateOptions;
  /** The Kong workload; required when the provider is Kong. @default - none */
  readonly kong?: PlatformKongOptions;
  /** Redis for rate-limit counters; required when a catalog entry sets `rateLimit.*` (Kong: `rate-limiting` with `policy: redis`). @default - none */
  readonly redis?: RedisReference;
  /** Gateway monitoring (Kong: KongMonitoring; others: GatewayMonitoring), or `false`. @default {} */
  readonly monitoring?: PlatformMonitoringOptions | false;
  /** Tracing to an OTLP collector (Kong only: the `opentelemetry` plugin). @default - none */
  readonly tracing?: { readonly collector: TracingCollector; readonly samplingRate?: number };
  /** Kong's global access log (file-log to stdout without credential headers). @default true for Kong */
  readonly accessLog?: boolean;
  /**
   * The namespaces catalog services may route into: deny by default, so a
   * catalog line alone can route nowhere the code does not name. Routing a
   * service into a namespace publishes its Services through the gateway and
   * writes a ReferenceGrant (and, with Kong, the controller's Role and
   * RoleBinding) into it, so this allow lives in reviewed code. Listing a
   * protected namespace ({@link PROTECTED_BACKEND_NAMESPACES}, the gateway's
   * or the models' own, one another platform of the app creates) is an
   * explicit allow of it too; `kube-*` and `default` cannot be allowed.
   * Names (DNS labels) or {@link Namespace} objects.
   * @default - none: a catalog with services fails until their namespaces are listed
   */
  readonly allowBackendNamespaces?: ReadonlyArray<string | Namespace>;
}

/**
 * Namespaces of the cluster and of the controllers a platform depends on: a
 * catalog service routed into one would publish a control-plane Service
 * (Argo CD's API server, a webhook, a metrics endpoint) through the
 * gateway. `kube-*` and `default` are refused outright.
 */
export const PROTECTED_BACKEND_NAMESPACES: readonly string[] = [
  'argocd',
  'cert-manager',
  'envoy-gateway-system',
  'external-secrets',
  'istio-system',
  'kgateway-system',
  'knative-serving',
  'kserve',
  'kuadrant-system',
];

/** Where a catalog entry is: `services[i]` or `models[i]`. */
type EntryRef = { readonly kind: 'services' | 'models'; readonly index: number; readonly name: string; readonly metadata?: CatalogMetadata };

const MODEL_FORMATS: Readonly<Record<string, ModelFormat>> = {
  sklearn: ModelFormat.SKLEARN,
  tensorflow: ModelFormat.TENSORFLOW,
  pytorch: ModelFormat.PYTORCH,
  xgboost: ModelFormat.XGBOOST,
  lightgbm: ModelFormat.LIGHTGBM,
  onnx: ModelFormat.ONNX,
  pmml: ModelFormat.PMML,
  huggingface: ModelFormat.HUGGINGFACE,
  triton: ModelFormat.TRITON,
};
const RESERVED_NAMES = ['https-redirect'];

/**
 * A whole model-serving platform built from a reviewed catalog file
 * (see `catalog-schema.ts` for the format): one Gateway with an HTTPS
 * listener (cert-manager Certificate, TLS only; HTTP only redirects), and
 * for every catalog entry an HTTPRoute with its access:
 *
 * - a service: one rule per endpoint, `path` `/x/*` a PathPrefix (`/x`
 *   exact), `methods` method matches, the endpoint host
 *   `<service>.<namespace>.svc.cluster.local:<port>` the backend Service
 *   (with a ReferenceGrant in its namespace);
 * - a model: a KServe InferenceService in the model namespace and a route
 *   to its predictor;
 * - `auth.required: true`: an {@link AccessPolicy} with one tier (the
 *   entry's `rateLimit.*`, counted in Redis), `jwt` (the issuer's public key
 *   from the secret store) or `key-auth` (the catalog's consumers of that
 *   entry); otherwise the route is public on purpose, its reason naming the
 *   catalog entry;
 * - Kong only: public limits (`rate-limiting` by client IP in Redis),
 *   `cors` (Kong's cors plugin), `ipRestriction.*` (`ip-restriction`),
 *   `transformations` (`request-transformer`, `response-transformer`).
 *
 * With Kong, the platform also runs the workload ({@link KongGateway}, its
 * migrations and backup), Kong monitoring (alerts and dashboard), the
 * access log and, optionally, tracing.
 *
 * ```ts
 * ModelServingPlatform.fromCatalog(app, 'kong-gateway', 'catalogs/kong-gateway.yaml', {
 *   hostname: 'api.example.com',
 *   certificate: { issuer: CertificateIssuer.clusterIssuer('letsencrypt-prod') },
 *   kong: { database: PostgresReference.of({ ... }) },
 *   redis: RedisReference.of({ host: 'redis.data.svc.cluster.local' }),
 * });
 * ```
 *
 * @throws CatalogError (`<file>:<line>:<column>: <field>: ...`) for a catalog
 *   entry the chosen provider cannot serve (Kong-only features elsewhere, two
 *   Kong JWT services of one issuer), or a service endpoint in a namespace
 *   `allowBackendNamespaces` does not list (deny by default; `kube-*` and
 *   `default` can never be allowed)
 * @throws ModelServingError for bad options (no Kong options with Kong, no
 *   Redis while entries set limits, a bad hostname)
 */
export class ModelServingPlatform extends Platform {
  /**
   * Reads a catalog file and builds its platform.
   *
   * @param file path of the catalog (YAML or JSON), relative to the working directory or absolute
   * @throws CatalogError naming the file, line, column and field of every problem
   */
  public static fromCatalog(scope: Construct, id: string, file: string, options: ModelServingPlatformOptions): ModelServingPlatform {
    checkProps(childPath(scope, id), options, 'ModelServingPlatformOptions');
    requireString(childPath(scope, id), 'file', file, "pass the path of the catalog file, e.g. 'catalogs/platform.yaml'");
    return new ModelServingPlatform(scope, id, loadCatalog(file), options);
  }

  /** The catalog it was built from. */
  public readonly source: LoadedCatalog;
  /** The gateway. */
  public readonly gateway: Gateway;
  /** The listener certificate. */
  public readonly certificate: Certificate;
  /** The gateway namespace (routes, policies, Kong). */
  public readonly gatewayNamespace: Namespace;
  /** The Kong workload, when the provider is Kong. */
  public readonly kong?: KongGateway;
  /** The HTTPRoutes, by catalog entry name. */
  public readonly routes: ReadonlyMap<string, HttpRoute>;
  /** The access policies, by catalog entry name (authenticated entries only). */
  public readonly accessPolicies: ReadonlyMap<string, AccessPolicy>;
  /** The models, by name. */
  public readonly models: ReadonlyMap<string, InferenceService>;
  /** The models' endpoints (route and access), by catalog entry name. */
  public readonly endpoints: ReadonlyMap<string, ModelEndpoint>;
  private readonly provider: GatewayProvider;
  private readonly redis?: RedisReference;

  public constructor(scope: Construct, id: string, source: LoadedCatalog, options: ModelServingPlatformOptions) {
    checkProps(childPath(scope, id), options, 'ModelServingPlatformOptions');
    super(scope, id, { name: options.name, description: options.description });
    this.source = source;
    const catalog = source.catalog;
    this.provider = options.provider ?? GatewayProvider.KONG;
    const isKong = this.provider.id === GatewayProvider.KONG.id;
    this.redis = options.redis;
    const services = catalog.services ?? [];
    const modelEntries = catalog.models ?? [];
    const entries: EntryRef[] = [
      ...services.map((s, index) => ({ kind: 'services' as const, index, name: s.name, metadata: s.metadata })),
      ...modelEntries.map((m, index) => ({ kind: 'models' as const, index, name: m.name, metadata: m.metadata })),
    ];
    this.checkEntries(entries, services, isKong);
    if (isKong && !options.kong) invalid(this, 'kong', 'is required when the provider is Kong (the platform runs the Kong workload)', undefined, 'pass kong: { database: PostgresReference.of({...}) }');
    if (!isKong && options.kong) invalid(this, 'kong', `only applies to the Kong provider (provider: ${this.provider.id})`, options.kong, 'remove the kong options, or use GatewayProvider.KONG');
    if (!isKong && options.tracing) invalid(this, 'tracing', `is only wired for Kong here (provider: ${this.provider.id})`, options.tracing.collector.service, 'add tracingFor(...) to the platform for other providers');

    this.gatewayNamespace = new Namespace(this, assertDnsLabel(this, 'gatewayNamespace', options.gatewayNamespace ?? (isKong ? 'kong' : 'gateway')));
    const gwNs = this.gatewayNamespace;
    const modelNs = modelEntries.length > 0 ? new Namespace(this, assertDnsLabel(this, 'modelNamespace', options.modelNamespace ?? 'models')) : undefined;
    if (modelNs && modelNs.name === gwNs.name) invalid(this, 'modelNamespace', 'must differ from the gateway namespace (models get their own pods and policies)', modelNs.name, "use e.g. 'models'");

    this.checkBackendNamespaces(services, gwNs.name, modelNs?.name, options.allowBackendNamespaces ?? []);

    // Upstream namespaces of the catalog's services: managed elsewhere, but they receive the ReferenceGrants and the controller's Roles.
    const upstreamNamespaces = new Map<string, Namespace>();
    const upstreamPorts = new Map<string, Set<number>>();
    for (const s of services) {
      for (const e of s.endpoints) {
        const target = serviceOfHost(e.host) as { service: string; namespace: string };
        if (target.namespace !== gwNs.name && target.namespace !== modelNs?.name && !upstreamNamespaces.has(target.namespace)) {
          upstreamNamespaces.set(target.namespace, new Namespace(this, target.namespace, { external: true }));
        }
        const ports = upstreamPorts.get(target.namespace) ?? new Set<number>();
        ports.add(e.targetPort ?? e.port);
        upstreamPorts.set(target.namespace, ports);
      }
    }

    const dnsNames = [options.hostname, ...(options.certificate.extraDnsNames ?? [])];
    this.certificate = new Certificate(gwNs, 'certificate', {
      name: `${gwNs.name}-tls`,
      issuer: options.certificate.issuer,
      dnsNames,
      privateKey: options.certificate.privateKey,
      duration: options.certificate.duration,
      renewBefore: options.certificate.renewBefore,
    });

    const kongOptions = options.kong;
    let kongTracing: KongTracing | undefined;
    if (isKong && kongOptions) {
      const watch = [...(modelNs ? [modelNs] : []), ...[...upstreamNamespaces.values()]].sort((a, b) => (a.name < b.name ? -1 : 1));
      const { database, backup, ...workload } = kongOptions;
      this.kong = new KongGateway(gwNs, 'kong', {
        ...workload,
        database,
        redis: this.redis,
        watchNamespaces: watch,
        upstreams: [...upstreamPorts.entries()].filter(([ns]) => ns !== modelNs?.name).map(([namespace, ports]): KongUpstream => ({ namespace, ports: [...ports] })),
        environment: options.tracing ? KongTracing.kongEnvironment() : undefined,
      });
      new KongMigrations(gwNs, 'migrations', { database, image: kongOptions.image });
      if (backup !== false) new KongBackup(gwNs, 'backup', { ...(backup ?? {}), database, image: kongOptions.image });
      if (options.tracing) {
        kongTracing = new KongTracing(gwNs, 'tracing', { collector: options.tracing.collector, samplingRate: options.tracing.samplingRate });
        options.tracing.collector.connect(this.kong, { dataPlane: this.kong.dataPlane, port: options.tracing.collector.httpPort, id: this.kong.gatewayName });
      }
      if (options.accessLog ?? true) new KongAccessLog(this, 'access-log');
    } else if (options.accessLog) {
      invalid(this, 'accessLog', `is only wired for Kong here (provider: ${this.provider.id})`, true, 'add AccessLog to the platform for other providers');
    }

    this.gateway = new Gateway(gwNs, 'gateway', {
      name: isKong ? (this.kong?.gatewayName ?? 'kong') : 'gateway',
      provider: this.provider,
      gatewayClassName: this.kong?.gatewayClassName,
      listeners: [Listener.http({ allowedRoutes: AllowedRoutes.sameNamespace() }), Listener.https({ hostname: options.hostname, certificates: [this.certificate], allowedRoutes: AllowedRoutes.sameNamespace() })],
    });
    new HttpRoute(gwNs, 'https-redirect', { parents: [this.gateway.listener('http')], rules: [{ filters: [HttpRouteFilter.requestRedirect({ scheme: 'https', statusCode: 301 })] }] });

    const monitoring = options.monitoring ?? {};
    const routePlugins: IKongPlugin[] = [];
    if (monitoring !== false) {
      if (isKong && this.kong) {
        const m = new KongMonitoring(gwNs, 'kong-monitoring', { name: this.kong.gatewayName, connectionCapacity: this.kong.connectionCapacity, runbookBaseUrl: monitoring.runbookBaseUrl, prometheus: monitoring.prometheus });
        routePlugins.push({ pluginName: m.plugin.name, pluginNamespace: gwNs.name });
      } else {
        new GatewayMonitoring(gwNs, 'gateway-monitoring', { gateway: this.gateway, runbookBaseUrl: monitoring.runbookBaseUrl, prometheus: monitoring.prometheus });
      }
    }
    if (kongTracing) routePlugins.push({ pluginName: kongTracing.resource.name, pluginNamespace: gwNs.name });

    const routes = new Map<string, HttpRoute>();
    const policies = new Map<string, AccessPolicy>();
    const models = new Map<string, InferenceService>();
    const endpoints = new Map<string, ModelEndpoint>();
    services.forEach((s, index) => {
      const entry = entries[index];
      const cors = this.corsFilter(entry);
      const rules: HttpRouteRule[] = s.endpoints.map((e) => {
        const target = serviceOfHost(e.host) as { service: string; namespace: string };
        return { matches: endpointMatches(e.path, e.methods), backends: [Backend.service(target.service, e.port, { namespace: target.namespace })], filters: cors ? [cors] : undefined };
      });
      const route = new HttpRoute(gwNs, `service-${s.name}`, { name: s.name, parents: [this.gateway.listener('https')], rules, labels: { 'app.kubernetes.io/version': s.version } });
      routes.set(s.name, route);
      this.protect(entry, route, policies, routePlugins);
      if (isKong) this.kongPlugins(entry, route, s.transformations);
    });
    modelEntries.forEach((m, index) => {
      const entry = entries[services.length + index];
      const isvc = this.model(modelNs as Namespace, m);
      models.set(m.name, isvc);
      const cors = this.corsFilter(entry);
      const endpoint = new ModelEndpoint(gwNs, `model-${m.name}`, {
        model: isvc,
        name: m.name,
        gateway: this.gateway.listener('https'),
        filters: cors ? [cors] : undefined,
        labels: m.version ? { 'app.kubernetes.io/version': m.version } : undefined,
      });
      const route = endpoint.route as HttpRoute;
      endpoints.set(m.name, endpoint);
      routes.set(m.name, route);
      this.protect(entry, route, policies, routePlugins);
      if (isKong) this.kongPlugins(entry, route, undefined);
    });
    this.routes = routes;
    this.accessPolicies = policies;
    this.models = models;
    this.endpoints = endpoints;
  }

  /**
   * Refuses a service endpoint in a namespace the code does not allow
   * (deny by default), naming why the namespace matters when it is
   * protected (the cluster's, a controller's, the gateway's or the models'
   * own, or one another platform of the app creates).
   */
  private checkBackendNamespaces(services: readonly CatalogService[], gatewayNs: string, modelNs: string | undefined, allow: ReadonlyArray<string | Namespace>): void {
    const allowed = new Set<string>();
    allow.forEach((n, i) => {
      const name = typeof n === 'string' ? n : n?.name;
      assertDnsLabel(this, `allowBackendNamespaces[${i}]`, name);
      if (name === 'default' || name.startsWith('kube-')) invalid(this, `allowBackendNamespaces[${i}]`, 'names a namespace reserved for the cluster, which no catalog service may route into', name, 'route to a Service in an application namespace');
      allowed.add(name);
    });
    const src = this.source;
    const check = (ownersOf: (ns: string) => string | undefined, mode: 'throw' | 'collect'): string[] => {
      const errors: string[] = [];
      services.forEach((s, i) =>
        s.endpoints.forEach((e, j) => {
          const ns = (serviceOfHost(e.host) as { namespace: string }).namespace;
          const reason =
            ns === 'default' || ns.startsWith('kube-')
              ? 'a namespace reserved for the cluster'
              : allowed.has(ns)
                ? undefined
                : ns === gatewayNs
                  ? "the gateway's own namespace (its admin and proxy Services)"
                  : ns === modelNs
                    ? "the models' namespace (predictors are routed with their access policies, not as services)"
                    : PROTECTED_BACKEND_NAMESPACES.includes(ns)
                      ? 'a controller namespace (PROTECTED_BACKEND_NAMESPACES)'
                      : (ownersOf(ns) ?? 'which allowBackendNamespaces does not list (deny by default)');
          if (reason === undefined) return;
          const canAllow = !(ns === 'default' || ns.startsWith('kube-'));
          try {
            src.fail(
              ['services', i, 'endpoints', j, 'host'],
              `routes service '${s.name}' into the namespace '${ns}', ${reason}: a catalog line alone may not publish its Services through the gateway (nor write a ReferenceGrant and Role there)`,
              canAllow
                ? `route '${s.name}' to a Service in an application namespace, or allow the namespace in code: ModelServingPlatform.fromCatalog(scope, id, file, { ..., allowBackendNamespaces: ['${ns}'] })`
                : `route '${s.name}' to a Service in an application namespace (${ns} cannot be allowed)`,
            );
          } catch (err) {
            if (!(err instanceof ModelServingError) || mode === 'throw') throw err;
            errors.push(err.message);
          }
        }),
      );
      return errors;
    };
    // Deny by default: every namespace not allowed by name is refused now, whatever the order the platforms are built in.
    // The check runs again at validation, when every platform of the app exists, to name the owner of a namespace created later.
    const owners = (): ((ns: string) => string | undefined) => {
      const byName = new Map<string, string>();
      for (const c of this.node.root.node.findAll()) {
        if (Namespace.isNamespace(c) && !c.external && c.platform !== this && !byName.has(c.name)) byName.set(c.name, c.platform.platformName);
      }
      return (ns) => (byName.has(ns) ? `a namespace the platform '${byName.get(ns)}' creates` : undefined);
    };
    check(owners(), 'throw');
    this.node.addValidation({ validate: () => check(owners(), 'collect') });
  }

  /** Provider-dependent checks of the catalog, reported at the entry's position. */
  private checkEntries(entries: readonly EntryRef[], services: readonly CatalogService[], isKong: boolean): void {
    const src = this.source;
    const jwtIssuerUse = new Map<string, string>();
    const limited = entries.find((e) => Object.values(limitsOf(e.metadata)).some((v) => v !== undefined));
    if (limited && !this.redis) {
      invalid(this, 'redis', `is required: ${limited.kind}[${limited.index}] '${limited.name}' of ${src.file} sets rate limits, which are counted in Redis`, undefined, 'pass redis: RedisReference.of({ host, namespace, password })');
    }
    for (const e of entries) {
      const md = e.metadata ?? {};
      const at = [e.kind, e.index, 'metadata'];
      if (RESERVED_NAMES.includes(e.name)) src.fail([e.kind, e.index, 'name'], `is reserved by the platform (${RESERVED_NAMES.join(', ')})`, 'choose another name');
      if (!isKong) {
        const kongOnly = (['ipRestriction.allow', 'ipRestriction.deny'] as const).find((k) => md[k] !== undefined);
        if (kongOnly) src.fail([...at, kongOnly], `needs Kong's ip-restriction plugin, but the provider is ${this.provider.id}`, 'remove it, or use GatewayProvider.KONG');
        if (!requiresAuth(md)) {
          const limit = (['rateLimit.minute', 'rateLimit.hour', 'rateLimit.day'] as const).find((k) => md[k] !== undefined);
          if (limit) src.fail([...at, limit], `limits a public entry, which needs Kong's rate-limiting by client address, but the provider is ${this.provider.id}`, 'require authentication (auth.type, auth.required), or use GatewayProvider.KONG');
        }
      }
      if (isKong && md['auth.type'] === 'jwt' && requiresAuth(md)) {
        const issuer = md['auth.issuer'] ?? (this.source.catalog.jwtIssuers ?? [])[0]?.name ?? '';
        const first = jwtIssuerUse.get(issuer);
        if (first !== undefined) {
          src.fail([...at, 'auth.type'], `is jwt with issuer '${issuer}', already used by ${first}: Kong keeps one jwt credential per issuer (its key is the iss claim)`, `give '${e.name}' its own issuer, or use key-auth`);
        }
        jwtIssuerUse.set(issuer, `${e.kind}[${e.index}] '${e.name}'`);
      }
    }
    if (!isKong) {
      services.forEach((s, i) => {
        if (s.transformations) src.fail(['services', i, 'transformations'], `need Kong's request-transformer and response-transformer plugins, but the provider is ${this.provider.id}`, 'remove them, or use GatewayProvider.KONG');
      });
    }
  }

  /** The CORS filter for non-Kong providers (Kong uses its cors plugin instead). */
  private corsFilter(e: EntryRef): IHttpRouteFilter | undefined {
    const md = e.metadata;
    if (md?.['cors.enabled'] !== true || this.provider.id === GatewayProvider.KONG.id) return undefined;
    return HttpRouteFilter.cors({ allowOrigins: md['cors.origins'] ?? [], allowMethods: md['cors.methods'], allowHeaders: md['cors.headers'] });
  }

  /** The entry's access: an AccessPolicy when authenticated, else public (with Kong's per-IP limit when limited). */
  private protect(e: EntryRef, route: HttpRoute, policies: Map<string, AccessPolicy>, routePlugins: readonly IKongPlugin[]): void {
    const md = e.metadata ?? {};
    const gwNs = this.gatewayNamespace;
    const isKong = this.provider.id === GatewayProvider.KONG.id;
    const { minute, hour, day } = limitsOf(md);
    const limits = [minute !== undefined ? RateLimit.perMinute(minute) : undefined, hour !== undefined ? RateLimit.perHour(hour) : undefined, day !== undefined ? RateLimit.perDay(day) : undefined].filter(
      (l): l is RateLimit => l !== undefined,
    );
    if (isKong && routePlugins.length > 0) attachKongPlugins(route, routePlugins);
    if (requiresAuth(md)) {
      const jwt = md['auth.type'] === 'jwt';
      const policy = new AccessPolicy(gwNs, `access-${e.name}`, {
        name: e.name,
        gateway: this.gateway,
        routes: [route],
        authentication: [jwt ? this.jwtAuth(md) : this.apiKeys(e.name)],
        tiers: [new Tier(CATALOG_TIER, limits.length > 0 ? { limits } : { unlimited: true })],
        rateLimitMode: limits.length > 0 ? RateLimitMode.GLOBAL : RateLimitMode.LOCAL,
        // Kong OSS makes every token of an issuer one consumer: count JWT callers by address.
        counterKey: jwt && isKong ? CounterKey.CLIENT_IP : CounterKey.USER,
        redis: limits.length > 0 ? this.redis : undefined,
      });
      policies.set(e.name, policy);
      return;
    }
    route.allowPublicAccess(`Public by catalog ${path.basename(this.source.file)}: ${e.kind}[${e.index}] '${e.name}' does not set auth.required: "true"`);
    if (limits.length > 0 && isKong) {
      const r = this.redis as RedisReference;
      const plugin = KongPlugin.rateLimiting(gwNs, `${e.name}-rate-limit`, {
        name: `${e.name}-rate-limit`,
        minute,
        hour,
        day,
        limitBy: 'ip',
        policy: 'redis',
        redis: { host: r.props.host, port: r.port, database: r.props.database ?? 0, ssl: r.props.tls ?? false, password: r.props.password },
      });
      attachKongPlugins(route, [plugin]);
    }
  }

  private jwtAuth(md: CatalogMetadata): Authentication {
    const catalog = this.source.catalog;
    const issuers = catalog.jwtIssuers ?? [];
    const iss = issuers.find((i) => i.name === (md['auth.issuer'] ?? issuers[0]?.name)) as (typeof issuers)[number];
    const store = catalog.secretStore as NonNullable<typeof catalog.secretStore>;
    return new JwtAuth({
      issuer: iss.issuer,
      jwksUri: iss.jwksUri,
      algorithms: [iss.algorithm],
      publicKey: { secretStore: { name: store.name, kind: store.kind }, remoteKey: iss.publicKey.remoteKey, property: iss.publicKey.property },
    });
  }

  private apiKeys(entry: string): Authentication {
    const catalog = this.source.catalog;
    const store = catalog.secretStore as NonNullable<typeof catalog.secretStore>;
    return ApiKeyAuth.fromExternalSecrets({
      secretStore: { name: store.name, kind: store.kind },
      holders: (catalog.consumers ?? []).filter((c) => c.service === entry).map((c) => ({ userId: c.userId, tier: CATALOG_TIER, remoteKey: c.remoteKey, property: c.property })),
    });
  }

  /** Kong's cors, ip-restriction and transformer plugins of an entry. */
  private kongPlugins(e: EntryRef, route: HttpRoute, transformations: CatalogTransformations | undefined): void {
    const gwNs = this.gatewayNamespace;
    const md = e.metadata ?? {};
    const plugins: KongPlugin[] = [];
    if (md['cors.enabled'] === true) {
      plugins.push(KongPlugin.cors(gwNs, `${e.name}-cors`, { name: `${e.name}-cors`, origins: md['cors.origins'] ?? [], methods: md['cors.methods'] as KongCorsMethod[] | undefined, headers: md['cors.headers'] }));
    }
    if (md['ipRestriction.allow'] !== undefined || md['ipRestriction.deny'] !== undefined) {
      plugins.push(KongPlugin.ipRestriction(gwNs, `${e.name}-ip-restriction`, { name: `${e.name}-ip-restriction`, allow: md['ipRestriction.allow'], deny: md['ipRestriction.deny'] }));
    }
    if (transformations?.request) plugins.push(KongPlugin.requestTransformer(gwNs, `${e.name}-request-transformer`, { name: `${e.name}-request-transformer`, ...transformations.request }));
    if (transformations?.response) plugins.push(KongPlugin.responseTransformer(gwNs, `${e.name}-response-transformer`, { name: `${e.name}-response-transformer`, ...transformations.response }));
    if (plugins.length > 0) attachKongPlugins(route, plugins);
  }

  private model(ns: Namespace, m: CatalogModel): InferenceService {
    const res = (r: CatalogModel['resources']['requests']): ResourceRequirements['requests'] => ({ cpu: r.cpu, memory: r.memory, nvidiaGpu: r['nvidia.com/gpu'] });
    return new InferenceService(ns, m.name, {
      predictor: Predictor.model({
        format: MODEL_FORMATS[m.format],
        // No protocol: the format's own (v2 for Triton and ONNX, v1 otherwise); the catalog refuses a protocol the format's runtimes do not speak.
        protocolVersion: m.protocol === undefined ? undefined : m.protocol === 'v2' ? ProtocolVersion.V2 : ProtocolVersion.V1,
        storage: Storage.uri(m.storageUri),
        resources: { requests: res(m.resources.requests), limits: res(m.resources.limits) },
      }),
      minReplicas: m.minReplicas,
      maxReplicas: m.maxReplicas,
      labels: m.version ? { 'app.kubernetes.io/version': m.version } : undefined,
    });
  }
}

/** Matches of an endpoint: `/x/*` a PathPrefix `/x`, `/x` exact; one match per method when methods are listed. */
export function endpointMatches(path: string, methods: readonly HttpRouteMatch['method'][] | undefined): HttpRouteMatch[] {
  const prefix = path.endsWith('*');
  const value = prefix ? path.slice(0, -1).replace(/\/+$/, '') || '/' : path;
  const match = prefix ? PathMatch.prefix(value) : PathMatch.exact(value);
  return methods && methods.length > 0 ? methods.map((method) => ({ path: match, method })) : [{ path: match }];
}
