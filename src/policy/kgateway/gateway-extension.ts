import { Chart, Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kgw from '../../../imports/kgateway-gateway.kgateway.dev';
import { IBackend } from '../../core/backend';
import { errorMessage, invalid } from '../../core/errors';
import { assertDnsLabel, assertDnsSubdomain, isDnsSubdomain } from '../../core/names';
import { assertOneOf } from '../../core/props';
import { assertPort } from '../../core/port';
import { sortRecord } from '../../core/sort-keys';
import { assertGatewayDuration, formatGatewayDuration } from '../../routing/duration';
import { checkClaimsToHeaders } from '../authentication';
import { checkProps, childPath } from '../../core/prop-types';

/** The kind of service a GatewayExtension connects the gateway to (`spec.type`). */
export enum GatewayExtensionType {
  /** An external authorization service (Envoy `ext_authz`). */
  EXT_AUTH = 'ExtAuth',
  /** A global rate-limit service (Envoy rate limit service protocol). */
  RATE_LIMIT = 'RateLimit',
  /** JWT providers (Envoy `jwt_authn`). */
  JWT = 'JWT',
}

/** A GatewayExtension, defined here or elsewhere, that kgateway policies refer to with `extensionRef`. */
export interface IGatewayExtension {
  /** `metadata.name`. */
  readonly extensionName: string;
  /** `metadata.namespace`, when known. */
  readonly extensionNamespace?: string;
  /** `spec.type`. */
  readonly extensionType: GatewayExtensionType;
}

/** Options of {@link GatewayExtension.fromName}. */
export interface GatewayExtensionImportOptions {
  /** Its `spec.type`. */
  readonly type: GatewayExtensionType;
  /** Its namespace. @default - the namespace of the policy that refers to it */
  readonly namespace?: string;
}

/** A GatewayExtension named by {@link GatewayExtension.fromName}. */
class ImportedGatewayExtension extends Construct implements IGatewayExtension {
  public readonly extensionName: string;
  public readonly extensionNamespace?: string;
  public readonly extensionType: GatewayExtensionType;
  public constructor(scope: Construct, id: string, name: string, options: GatewayExtensionImportOptions) {
    super(scope, id);
    checkProps(this, options, 'GatewayExtensionImportOptions');
    this.extensionName = assertDnsSubdomain(this, 'name', name);
    this.extensionNamespace = options.namespace === undefined ? undefined : assertDnsLabel(this, 'namespace', options.namespace);
    assertOneOf(this, 'type', options.type, Object.values(GatewayExtensionType), 'use GatewayExtensionType.EXT_AUTH, RATE_LIMIT or JWT');
    this.extensionType = options.type;
  }
}

/** A gRPC service a GatewayExtension calls (`grpcService`). */
export interface ExtGrpcService {
  /** `backendRef`: the Service (with port) or kgateway Backend serving gRPC. */
  readonly backend: IBackend;
  /** `authority`: the `:authority` header sent. @default - the cluster name */
  readonly authority?: string;
  /** `requestTimeout`: deadline of each call. @default - Envoy's default */
  readonly requestTimeout?: Duration;
}

/** An HTTP authorization service (`extAuth.httpService`). */
export interface ExtHttpService {
  /** `backendRef`: the Service (with port) or kgateway Backend. */
  readonly backend: IBackend;
  /** `pathPrefix`: prefix of the check request path. @default - the request path unchanged */
  readonly pathPrefix?: string;
  /** `requestTimeout`. @default '2s' (kgateway's HTTP default) */
  readonly requestTimeout?: Duration;
  /** `authorizationRequest.headersToAdd`: headers added to each check request. @default - none */
  readonly headersToAdd?: Record<string, string>;
  /** `authorizationResponse.headersToBackend`: headers of the auth response copied to the upstream request. @default - none */
  readonly headersToBackend?: readonly string[];
}

/** `spec.extAuth`: an external authorization service. Exactly one of `grpcService`/`httpService`. */
export interface ExtAuthProvider {
  /** `grpcService`: an Envoy `ext_authz` gRPC server (e.g. OPA's envoy plugin). @default - none */
  readonly grpcService?: ExtGrpcService;
  /** `httpService`: an HTTP authorization server. @default - none */
  readonly httpService?: ExtHttpService;
  /** `failOpen`: let requests through when the service is unreachable. @default false */
  readonly failOpen?: boolean;
  /** `statusOnError`: status returned when the service fails (100-511). @default 403 */
  readonly statusOnError?: number;
  /** `clearRouteCache`: re-evaluate the route after the check (when it adds headers used in matches). @default false */
  readonly clearRouteCache?: boolean;
  /** `headersToForward`: request headers sent to the service. @default - all */
  readonly headersToForward?: readonly string[];
  /** `withRequestBody.maxRequestBytes`: buffer and send up to this many body bytes (requests above get 413). @default - body not sent */
  readonly maxRequestBytes?: number;
  /** `statPrefix`. @default - none */
  readonly statPrefix?: string;
}

/** Which rate-limit headers the gateway adds to responses (`xRateLimitHeaders`). */
export enum RateLimitHeaders {
  /** No headers. */
  OFF = 'Off',
  /** `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset` (IETF draft 03). */
  DRAFT_VERSION_03 = 'DraftVersion03',
}

/** `spec.rateLimit`: a global rate-limit service speaking the Envoy rate limit protocol. */
export interface RateLimitProvider {
  /** `domain`: the configuration domain of the service the descriptors belong to. */
  readonly domain: string;
  /** `grpcService`: the rate-limit service. */
  readonly grpcService: ExtGrpcService;
  /**
   * `failOpen`: let requests through unlimited when the service is unreachable.
   * @default false - refuse them, so limits are never silently lifted (kgateway's own default is true)
   */
  readonly failOpen?: boolean;
  /** `timeout` of each call. @default Duration.millis(100) */
  readonly timeout?: Duration;
  /** `xRateLimitHeaders`. @default RateLimitHeaders.OFF */
  readonly xRateLimitHeaders?: RateLimitHeaders;
}

/**
 * Where a JWT provider gets its signing keys (`jwks`).
 *
 * @see https://kgateway.dev/docs/envoy/main/security/jwt/basic/
 */
export class JwksSource {
  /**
   * A JWKS fetched from `url` through `backend` (`jwks.remote`); the
   * backend must originate TLS for an https URL.
   */
  public static remote(url: string, backend: IBackend, options: { readonly cacheDuration?: Duration } = {}): JwksSource {
    return new JwksSource('remote', { url, backend, cacheDuration: options.cacheDuration });
  }

  /** A JWKS, JWK or PEM public key given inline (`jwks.local.inline`, at most 16384 characters). Public keys only. */
  public static inline(keys: string): JwksSource {
    return new JwksSource('inline', { keys });
  }

  /** A ConfigMap of the extension's namespace holding the keys under `jwks` (`jwks.local.configMapRef`). */
  public static configMap(name: string): JwksSource {
    return new JwksSource('configMap', { configMap: name });
  }

  private constructor(
    /** The source kind. */
    public readonly kind: 'remote' | 'inline' | 'configMap',
    private readonly spec: { readonly url?: string; readonly backend?: IBackend; readonly cacheDuration?: Duration; readonly keys?: string; readonly configMap?: string },
  ) {}

  /** The remote URL, for `remote` sources. */
  public get url(): string | undefined {
    return this.spec.url;
  }

  /** Checks and renders `jwks`. @throws ModelServingError */
  public render(scope: IConstruct, field: string): kgw.GatewayExtensionSpecJwtProvidersJwks {
    const s = this.spec;
    if (this.kind === 'remote') {
      if (!s.url || !/^https?:\/\/\S+$/.test(s.url) || s.url.length > 2048) invalid(scope, `${field}.remote.url`, 'must be an http(s) URL of at most 2048 characters', s.url, 'use the JWKS URL of the issuer, e.g. https://auth.example.com/.well-known/jwks.json');
      return {
        remote: {
          url: s.url,
          backendRef: backendRefOf(scope, `${field}.remote.backendRef`, s.backend!),
          cacheDuration: s.cacheDuration ? formatGatewayDuration(s.cacheDuration) : undefined,
        },
      };
    }
    if (this.kind === 'inline') {
      if (!s.keys || s.keys.length > 16384) invalid(scope, `${field}.local.inline`, 'must hold 1 to 16384 characters', s.keys?.length ?? 0, 'inline a JWKS document, or use JwksSource.configMap()');
      if (/PRIVATE KEY|"d"\s*:/.test(s.keys)) invalid(scope, `${field}.local.inline`, 'contains private key material', '<redacted>', 'inline the public keys only');
      return { local: { inline: s.keys } };
    }
    assertDnsSubdomain(scope, `${field}.local.configMapRef.name`, s.configMap);
    return { local: { configMapRef: { name: s.configMap } } };
  }
}

/** Where a JWT provider reads the token (`tokenSource`). */
export class JwtTokenSource {
  /** A header, with an optional prefix before the token (e.g. `Authorization` with `Bearer `). */
  public static header(header: string, prefix?: string): JwtTokenSource {
    return new JwtTokenSource({ header: { header, prefix } });
  }

  /** A query parameter (tokens in URLs end up in logs: prefer a header). */
  public static queryParameter(name: string): JwtTokenSource {
    return new JwtTokenSource({ queryParameter: name });
  }

  private constructor(
    /** The rendered `tokenSource`. */
    public readonly spec: kgw.GatewayExtensionSpecJwtProvidersTokenSource,
  ) {}
}

/** One JWT provider (`jwt.providers[]`). */
export interface JwtProvider {
  /** `name`, unique in the extension. */
  readonly name: string;
  /** `issuer`: the `iss` tokens must carry. @default - not checked */
  readonly issuer?: string;
  /** `audiences`: accepted `aud` values (any one). @default - not checked */
  readonly audiences?: readonly string[];
  /** `jwks`: the signing keys. */
  readonly jwks: JwksSource;
  /**
   * `claimsToHeaders`: claim name to request header. Envoy appends the
   * header; strip client copies at the listener (HttpListenerPolicy
   * `earlyRequestHeaderModifier`) before trusting it.
   * @default - none
   */
  readonly claimsToHeaders?: Record<string, string>;
  /** `forwardToken`: keep the token in the upstream request. @default false */
  readonly forwardToken?: boolean;
  /** `tokenSource`. @default - Envoy's defaults: `Authorization: Bearer`, then the `access_token` query parameter */
  readonly tokenSource?: JwtTokenSource;
}

/** What a failing or missing token means (`jwt.validationMode`). */
export enum JwtValidationMode {
  /** A valid token is required (401 otherwise). */
  STRICT = 'Strict',
  /** Requests without a token pass; invalid tokens are still refused. */
  ALLOW_MISSING = 'AllowMissing',
}

/** `spec.jwt`: JWT providers; a token valid for any one of them is accepted. */
export interface JwtProviders {
  /** `providers`: at most 32; more with {@link GatewayExtension.addJwtProvider}. @default - none */
  readonly providers?: readonly JwtProvider[];
  /** `validationMode`. @default JwtValidationMode.STRICT */
  readonly validationMode?: JwtValidationMode;
}

/** Props of {@link GatewayExtension}: exactly one of `extAuth`, `rateLimit`, `jwt`. */
export interface GatewayExtensionProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.extAuth`. @default - none */
  readonly extAuth?: ExtAuthProvider;
  /** `spec.rateLimit`. @default - none */
  readonly rateLimit?: RateLimitProvider;
  /** `spec.jwt`. @default - none */
  readonly jwt?: JwtProviders;
}

/**
 * kgateway's `GatewayExtension` (gateway.kgateway.dev/v1alpha1): a service
 * the gateway's filters call, referenced by TrafficPolicies in the same
 * namespace (`extAuth.extensionRef`, `rateLimit.global.extensionRef`,
 * `jwtAuth.extensionRef`). This construct covers the `ExtAuth`, `RateLimit`
 * and `JWT` types; the `type` field is set from the one given.
 *
 * ```ts
 * new GatewayExtension(ns, 'opa', { extAuth: { grpcService: { backend: opa } } });
 * ```
 *
 * @see https://kgateway.dev/docs/envoy/main/reference/api/#gatewayextension
 */
export class GatewayExtension extends Construct implements IGatewayExtension {
  /**
   * A GatewayExtension defined elsewhere, by name. Emits nothing.
   *
   * @param options its `spec.type`, and its namespace (@default - the referring policy's)
   * @throws ModelServingError when `name` is not a DNS-1123 subdomain, `namespace` not a DNS-1123 label, or `type` not a GatewayExtensionType
   */
  public static fromName(scope: Construct, id: string, name: string, options: GatewayExtensionImportOptions): IGatewayExtension {
    return new ImportedGatewayExtension(scope, id, name, options);
  }

  public readonly extensionName: string;
  public readonly extensionNamespace?: string;
  public readonly extensionType: GatewayExtensionType;
  /** The L1 object. */
  public readonly resource: kgw.GatewayExtension;
  private readonly providers = new Map<string, JwtProvider>();

  public constructor(scope: Construct, id: string, props: GatewayExtensionProps) {
    checkProps(childPath(scope, id), props, 'GatewayExtensionProps');
    super(scope, id);
    this.extensionName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.extensionNamespace = Chart.of(this).namespace;
    const given = (['extAuth', 'rateLimit', 'jwt'] as const).filter((k) => props[k] !== undefined);
    if (given.length !== 1) invalid(this, 'spec', 'must set exactly one of extAuth, rateLimit, jwt', given, 'create one GatewayExtension per service');
    const kind = given[0];
    this.extensionType = kind === 'extAuth' ? GatewayExtensionType.EXT_AUTH : kind === 'rateLimit' ? GatewayExtensionType.RATE_LIMIT : GatewayExtensionType.JWT;

    const extAuth = props.extAuth && this.renderExtAuth(props.extAuth);
    const rateLimit = props.rateLimit && this.renderRateLimit(props.rateLimit);
    for (const p of props.jwt?.providers ?? []) this.addJwtProvider(p);
    const validationMode = props.jwt ? L1_VALIDATION_MODE[props.jwt.validationMode ?? JwtValidationMode.STRICT] : undefined;

    this.resource = new kgw.GatewayExtension(this, 'Resource', {
      metadata: { name: this.extensionName },
      spec: Lazy.any({
        produce: (): kgw.GatewayExtensionSpec => ({
          type: L1_TYPE[this.extensionType],
          extAuth,
          rateLimit,
          jwt: props.jwt ? { providers: this.renderProviders(), validationMode } : undefined,
        }),
      }) as unknown as kgw.GatewayExtensionSpec,
    });
    if (props.jwt) {
      this.node.addValidation({ validate: () => (this.providers.size === 0 ? [errorMessage(this, 'spec.jwt.providers', 'is empty', [], 'pass jwt: { providers: [...] } or call addJwtProvider().')] : []) });
    }
  }

  /**
   * Adds a JWT provider (`spec.jwt.providers[]`).
   *
   * @throws ModelServingError on a non-JWT extension, a duplicate or invalid name, more than 32 providers, or bad claims, audiences or keys
   * @returns the provider
   */
  public addJwtProvider(provider: JwtProvider): JwtProvider {
    const field = `jwt.providers[${provider.name}]`;
    if (this.extensionType !== GatewayExtensionType.JWT) invalid(this, field, `cannot be added to a ${this.extensionType} extension`, provider.name, 'add JWT providers to a GatewayExtension created with jwt: {...}');
    if (typeof provider.name !== 'string' || provider.name.length < 1 || provider.name.length > 253) invalid(this, `${field}.name`, 'must be 1 to 253 characters', provider.name, 'name the provider after its issuer, e.g. "corporate-idp"');
    if (this.providers.has(provider.name)) invalid(this, `${field}.name`, 'is already used by another provider of this extension', provider.name, 'give each provider a unique name');
    if (this.providers.size >= 32) invalid(this, 'jwt.providers', 'can hold at most 32 providers', this.providers.size + 1, 'split the providers across extensions');
    if (provider.issuer !== undefined && provider.issuer.length > 2048) invalid(this, `${field}.issuer`, 'must be at most 2048 characters', provider.issuer.length, 'use the issuer URL');
    if (provider.audiences !== undefined && (provider.audiences.length < 1 || provider.audiences.length > 32)) invalid(this, `${field}.audiences`, 'must list 1 to 32 audiences when given', provider.audiences.length, 'omit audiences to skip the check');
    provider.audiences?.forEach((a, j) => {
      if (typeof a !== 'string' || a.trim() === '') invalid(this, `${field}.audiences[${j}]`, 'must be a non-empty string (no token carries an empty aud)', a, "use the aud value tokens carry, e.g. 'models-api'");
    });
    const claims = provider.claimsToHeaders ?? {};
    if (Object.keys(claims).length > 32) invalid(this, `${field}.claimsToHeaders`, 'can map at most 32 claims', Object.keys(claims).length, 'forward fewer claims');
    // A provider need not come from a JwtAuth (this construct is public API), so its claims get JwtAuth's check here.
    checkClaimsToHeaders(this, `${field}.claimsToHeaders`, claims);
    if (provider.jwks.kind === 'remote' && provider.jwks.url === undefined) invalid(this, `${field}.jwks.remote.url`, 'is required', undefined, 'pass JwksSource.remote(url, backend)');
    provider.jwks.render(this, `${field}.jwks`);
    this.providers.set(provider.name, provider);
    return provider;
  }

  private renderProviders(): kgw.GatewayExtensionSpecJwtProviders[] {
    return [...this.providers.values()].map((p) => ({
      name: p.name,
      issuer: p.issuer,
      audiences: p.audiences ? [...p.audiences] : undefined,
      jwks: p.jwks.render(this, `jwt.providers[${p.name}].jwks`),
      claimsToHeaders: p.claimsToHeaders && Object.keys(p.claimsToHeaders).length > 0
        ? Object.keys(p.claimsToHeaders).sort().map((name) => ({ name, header: p.claimsToHeaders![name] }))
        : undefined,
      forwardToken: p.forwardToken,
      tokenSource: p.tokenSource?.spec,
    }));
  }

  private renderExtAuth(e: ExtAuthProvider): kgw.GatewayExtensionSpecExtAuth {
    if ((e.grpcService === undefined) === (e.httpService === undefined)) invalid(this, 'extAuth', 'must set exactly one of grpcService, httpService', Object.keys(e), 'pass grpcService: { backend } for an Envoy ext_authz gRPC server such as OPA');
    const status = e.statusOnError ?? 403;
    if (!Number.isInteger(status) || status < 100 || status > 511) invalid(this, 'extAuth.statusOnError', 'must be an HTTP status between 100 and 511', status, 'use 403 (deny) or 503');
    if (e.maxRequestBytes !== undefined && (!Number.isInteger(e.maxRequestBytes) || e.maxRequestBytes < 1)) invalid(this, 'extAuth.maxRequestBytes', 'must be a positive integer', e.maxRequestBytes, 'use e.g. 8192');
    const http = e.httpService;
    return {
      grpcService: e.grpcService && grpcServiceOf(this, 'extAuth.grpcService', e.grpcService),
      httpService: http && {
        backendRef: backendRefOf(this, 'extAuth.httpService.backendRef', http.backend),
        pathPrefix: http.pathPrefix,
        requestTimeout: http.requestTimeout && timeoutOf(this, 'extAuth.httpService.requestTimeout', http.requestTimeout),
        authorizationRequest: http.headersToAdd ? { headersToAdd: sortRecord(http.headersToAdd) } : undefined,
        authorizationResponse: http.headersToBackend ? { headersToBackend: [...http.headersToBackend].sort() } : undefined,
      },
      failOpen: e.failOpen ?? false,
      statusOnError: status,
      clearRouteCache: e.clearRouteCache,
      headersToForward: e.headersToForward ? [...e.headersToForward].sort() : undefined,
      withRequestBody: e.maxRequestBytes !== undefined ? { maxRequestBytes: e.maxRequestBytes } : undefined,
      statPrefix: e.statPrefix,
    };
  }

  private renderRateLimit(r: RateLimitProvider): kgw.GatewayExtensionSpecRateLimit {
    if (typeof r.domain !== 'string' || r.domain.length === 0) invalid(this, 'rateLimit.domain', 'is required', r.domain, 'use the domain of the rate-limit service configuration');
    return {
      domain: r.domain,
      grpcService: grpcServiceOf(this, 'rateLimit.grpcService', r.grpcService),
      failOpen: r.failOpen ?? false,
      timeout: formatGatewayDuration(r.timeout ?? Duration.millis(100)),
      xRateLimitHeaders: L1_RATE_LIMIT_HEADERS[r.xRateLimitHeaders ?? RateLimitHeaders.OFF],
    };
  }
}

const L1_TYPE: Record<GatewayExtensionType, kgw.GatewayExtensionSpecType> = {
  [GatewayExtensionType.EXT_AUTH]: kgw.GatewayExtensionSpecType.EXT_AUTH,
  [GatewayExtensionType.RATE_LIMIT]: kgw.GatewayExtensionSpecType.RATE_LIMIT,
  [GatewayExtensionType.JWT]: kgw.GatewayExtensionSpecType.JWT,
};

const L1_VALIDATION_MODE: Record<JwtValidationMode, kgw.GatewayExtensionSpecJwtValidationMode> = {
  [JwtValidationMode.STRICT]: kgw.GatewayExtensionSpecJwtValidationMode.STRICT,
  [JwtValidationMode.ALLOW_MISSING]: kgw.GatewayExtensionSpecJwtValidationMode.ALLOW_MISSING,
};

const L1_RATE_LIMIT_HEADERS: Record<RateLimitHeaders, kgw.GatewayExtensionSpecRateLimitXRateLimitHeaders> = {
  [RateLimitHeaders.OFF]: kgw.GatewayExtensionSpecRateLimitXRateLimitHeaders.OFF,
  [RateLimitHeaders.DRAFT_VERSION_03]: kgw.GatewayExtensionSpecRateLimitXRateLimitHeaders.DRAFT_VERSION03,
};

/** A `backendRef` (group, kind, name, namespace, port) of `backend`; group and kind are omitted for core Services. */
export function backendRefOf(scope: IConstruct, field: string, backend: IBackend): { group?: string; kind?: string; name: string; namespace?: string; port?: number } {
  const ref = backend?.backendRef;
  if (!ref || !isDnsSubdomain(ref.name)) invalid(scope, `${field}.name`, 'must name a Service or Backend (DNS-1123 subdomain)', ref?.name, 'pass a backend such as Backend.service("opa", 9191)');
  const isService = (ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service';
  if (isService && ref.port === undefined) invalid(scope, `${field}.port`, 'is required for a Service backend', ref.name, `pass Backend.service('${ref.name}', <port>)`);
  if (ref.port !== undefined) assertPort(scope, `${field}.port`, ref.port, 'use the Service port');
  const own = Chart.of(scope).namespace;
  return {
    group: isService ? undefined : ref.group,
    kind: isService ? undefined : ref.kind,
    name: ref.name,
    namespace: ref.namespace !== undefined && ref.namespace !== own ? ref.namespace : undefined,
    port: ref.port,
  };
}

function grpcServiceOf(scope: IConstruct, field: string, g: ExtGrpcService): kgw.GatewayExtensionSpecRateLimitGrpcService & kgw.GatewayExtensionSpecExtAuthGrpcService {
  if (!g) invalid(scope, field, 'is required', g, 'pass { backend: Backend.service("name", port) }');
  return {
    backendRef: backendRefOf(scope, `${field}.backendRef`, g.backend),
    authority: g.authority,
    requestTimeout: g.requestTimeout && timeoutOf(scope, `${field}.requestTimeout`, g.requestTimeout),
  };
}

function timeoutOf(scope: IConstruct, field: string, d: Duration): string {
  if (d.toMilliseconds() < 1) invalid(scope, field, 'must be at least 1ms', formatGatewayDuration(d), 'use e.g. Duration.millis(200)');
  return assertGatewayDuration(scope, field, d);
}
