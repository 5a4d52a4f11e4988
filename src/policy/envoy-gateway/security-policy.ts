import { Chart, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as eg from '../../../imports/envoygateway-gateway.envoyproxy.io';
import { IBackend } from '../../core/backend';
import { isCidr } from '../../core/cidr';
import { refuseCredential } from '../../core/credential-refusal';
import { errorMessage, invalid } from '../../core/errors';
import { isHttpHeaderName } from '../../core/http-header';
import { assertDnsSubdomain } from '../../core/names';
import { Namespace } from '../../core/namespace';
import { ISecretReference } from '../../core/secret-ref';
import { formatGatewayDuration } from '../../routing/duration';
import { assertHttpMethods, HttpMethod, PathMatch } from '../../routing/match';
import { l1Enum } from './l1-enum';
import { checkTargets, PolicyTarget } from './policy-target';
import { checkProps, childPath } from '../../core/prop-types';

/** Upstream limits of `spec.jwt.providers` and of a provider's `audiences`. */
const MAX_JWT_PROVIDERS = 16;
const MAX_AUDIENCES = 8;

/** A request header a JWT is read from (`extractFrom.headers[]`). */
export interface JwtHeaderSource {
  /** `name`: the header, e.g. `Authorization`. */
  readonly name: string;
  /** `valuePrefix`: stripped before the token, e.g. `Bearer ` (with the space). @default - none */
  readonly valuePrefix?: string;
}

/**
 * One JWT provider of a SecurityPolicy (`spec.jwt.providers[]`): how a
 * token is validated and which claims are copied into request headers.
 * Keys are always fetched from a JWKS URL (never embedded).
 *
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#jwtprovider
 */
export interface JwtProvider {
  /** `name`: unique in the policy; authorization rules refer to it ({@link JwtPrincipal.provider}). */
  readonly name: string;
  /** `issuer`: the `iss` the tokens must carry. @default - the issuer is not checked */
  readonly issuer?: string;
  /** `audiences`: accepted `aud` values, any one suffices; at most 8. @default - the audience is not checked */
  readonly audiences?: readonly string[];
  /** `remoteJWKS.uri`: the https URL of the signing keys. */
  readonly jwksUri: string;
  /** `remoteJWKS.cacheDuration`: how long fetched keys are cached. @default - upstream default, 300s */
  readonly jwksCacheDuration?: Duration;
  /**
   * `claimToHeaders`: claim name (dots for nested claims) to request header.
   * Envoy appends the claim value to a header the client may already have
   * sent; strip client copies early with a ClientTrafficPolicy.
   * @default - no claim is copied
   */
  readonly claimToHeaders?: Readonly<Record<string, string>>;
  /**
   * `extractFrom.headers`: where the token is read.
   * @default [{ name: 'Authorization', valuePrefix: 'Bearer ' }] - stricter than upstream, which also reads an `access_token` query parameter
   */
  readonly extractFrom?: readonly JwtHeaderSource[];
  /** `recomputeRoute`: re-match the route after claims were copied into headers. @default false */
  readonly recomputeRoute?: boolean;
}

/** Where an API key is read from (`apiKeyAuth.extractFrom[]`). */
export class ApiKeySource {
  /**
   * A request header, e.g. `x-api-key`. Envoy strips a leading `Bearer `
   * from the header value (so `Authorization: Bearer <key>` works too).
   */
  public static header(name: string): ApiKeySource {
    return new ApiKeySource('headers', name);
  }

  /** A query parameter (the key then appears in URLs and access logs; prefer a header). */
  public static query(name: string): ApiKeySource {
    return new ApiKeySource('params', name);
  }

  /** A cookie. */
  public static cookie(name: string): ApiKeySource {
    return new ApiKeySource('cookies', name);
  }

  private constructor(
    /** The `extractFrom[]` field: `headers`, `params` or `cookies`. */
    public readonly field: 'headers' | 'params' | 'cookies',
    /** The header, parameter or cookie name. */
    public readonly name: string,
  ) {}
}

/**
 * API-key authentication (`spec.apiKeyAuth`): the key must be one of the
 * values of the referenced Secrets; the Secret data key holding it is the
 * client id. A missing or unknown key gets 401.
 *
 * @see https://gateway.envoyproxy.io/docs/tasks/security/apikey-auth/
 */
export interface ApiKeyAuthentication {
  /**
   * `credentialRefs`: Opaque Secrets whose data keys are client ids and
   * values are API keys. A Secret in another namespace needs a ReferenceGrant there.
   */
  readonly credentials: readonly ISecretReference[];
  /** `extractFrom`: where keys are looked for, in order; the first source holding a key is used. */
  readonly extractFrom: readonly ApiKeySource[];
  /** `forwardClientIDHeader`: a request header set to the client id (overwriting any client-sent value). @default - the client id is not forwarded */
  readonly forwardClientIdHeader?: string;
  /** `sanitize`: remove the key from the request before it reaches the backend. @default true */
  readonly sanitize?: boolean;
}

/** The external authorization service of a SecurityPolicy. */
export class ExtAuthService {
  /** An Envoy `ext_authz` gRPC service (e.g. OPA's Envoy plugin); all request headers are sent by default. */
  public static grpc(backend: IBackend): ExtAuthService {
    return new ExtAuthService('grpc', backend, undefined);
  }

  /**
   * An HTTP authorization service; only Host, Method, Path, Content-Length
   * and Authorization are sent by default.
   *
   * @param options `path` prefix of the check requests
   */
  public static http(backend: IBackend, options: { readonly path?: string } = {}): ExtAuthService {
    return new ExtAuthService('http', backend, options.path);
  }

  private constructor(
    /** `grpc` or `http`. */
    public readonly protocol: 'grpc' | 'http',
    /** The Service (with port) answering the checks. */
    public readonly backend: IBackend,
    /** `http.path`. */
    public readonly path: string | undefined,
  ) {}
}

/**
 * External authorization (`spec.extAuth`): every request is checked by a
 * service that must allow it (else 403).
 *
 * @see https://gateway.envoyproxy.io/docs/tasks/security/ext-auth/
 */
export interface ExternalAuthorization {
  /** `grpc` or `http`: the service. */
  readonly service: ExtAuthService;
  /** `headersToExtAuth`: the request headers sent to the service. @default - all (gRPC) or the few listed on {@link ExtAuthService.http} */
  readonly headersToExtAuth?: readonly string[];
  /** `failOpen`: let requests through when the service cannot be reached. @default false (fail closed) */
  readonly failOpen?: boolean;
  /** `timeout` of each check. @default - upstream default, 10s */
  readonly timeout?: Duration;
}

/** `Allow` or `Deny`. */
export type AuthorizationAction = 'Allow' | 'Deny';

/** A JWT claim condition (`principal.jwt.claims[]`). */
export interface JwtClaimMatch {
  /** `name` of the claim; dots for nested claims (`org.team`). */
  readonly name: string;
  /** `values`: any one matches; 1 to 128. */
  readonly values: readonly string[];
  /** `valueType`: `StringArray` when the claim is a list (a value must be one of its items). @default 'String' */
  readonly valueType?: 'String' | 'StringArray';
}

/** The verified JWT a rule matches (`principal.jwt`), from a provider of the same policy. */
export interface JwtPrincipal {
  /** `provider`: the name of a {@link JwtProvider} of this policy. */
  readonly provider: string;
  /** `claims`: all must match; at most 16. @default - none */
  readonly claims?: readonly JwtClaimMatch[];
  /** `scopes`: all must be in the `scope`/`scp` claim; at most 16. @default - none */
  readonly scopes?: readonly string[];
}

/** Who a rule applies to (`principal`); all given conditions must hold. */
export interface AuthorizationPrincipal {
  /** `jwt`: claims and scopes of the verified token (read from Envoy's metadata, not from headers). @default - not checked */
  readonly jwt?: JwtPrincipal;
  /**
   * `headers`: header name to accepted values (any value matches; every
   * header must match). Only trust headers the gateway itself sets
   * (e.g. `forwardClientIdHeader`).
   * @default - not checked
   */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  /** `clientCIDRs`: the client IP must be in one of them. @default - not checked */
  readonly clientCidrs?: readonly string[];
}

/**
 * An authorization rule (`spec.authorization.rules[]`). Rules are evaluated
 * in order and the first that matches decides; when none matches the
 * policy's default action applies.
 *
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#authorizationrule
 */
export interface AuthorizationRule {
  /** `name`, unique in the policy. @default - generated by Envoy Gateway */
  readonly name?: string;
  /** `action` when the rule matches. */
  readonly action: AuthorizationAction;
  /** `principal`: who. At least a principal or `cel` is required. @default - none */
  readonly principal?: AuthorizationPrincipal;
  /** `operation.methods`: any one matches; 1 to 16. @default - every method */
  readonly methods?: readonly HttpMethod[];
  /** `operation.path`: `PathPrefix` compares whole `/`-separated segments, like HTTPRoute. @default - every path */
  readonly path?: PathMatch;
  /** `cel`: a CEL expression over Envoy request attributes that must be true. @default - none */
  readonly cel?: string;
}

/** Props of {@link SecurityPolicy}. */
export interface SecurityPolicyProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.targetRefs`: routes, Gateways or listeners of the policy's namespace. */
  readonly targets: readonly PolicyTarget[];
  /** `spec.jwt.providers`: a token valid for any one provider is accepted; more with {@link SecurityPolicy.addJwtProvider}. @default - no JWT authentication */
  readonly jwtProviders?: readonly JwtProvider[];
  /** `spec.jwt.optional`: accept requests without a token (an invalid token is still refused). @default false */
  readonly jwtOptional?: boolean;
  /** `spec.apiKeyAuth`. @default - no API-key authentication */
  readonly apiKeyAuth?: ApiKeyAuthentication;
  /** `spec.extAuth`. @default - no external authorization */
  readonly extAuth?: ExternalAuthorization;
  /** `spec.authorization.rules`, in order; more with {@link SecurityPolicy.addAuthorizationRule}. @default - none */
  readonly authorizationRules?: readonly AuthorizationRule[];
  /**
   * `spec.authorization.defaultAction` when no rule matches. Rendered whenever
   * there are rules, so the deny is visible in the YAML.
   * @default 'Deny'
   */
  readonly defaultAction?: AuthorizationAction;
}

/**
 * Envoy Gateway's `SecurityPolicy` (gateway.envoyproxy.io/v1alpha1):
 * authentication (JWT, API keys), external authorization and authorization
 * rules for the routes or Gateways it targets.
 *
 * Several methods in one policy are all required (Envoy runs one filter per
 * method): a JWT-only caller is refused by the API-key filter. In Envoy's
 * default filter order the external authorizer runs before the JWT and
 * API-key filters, and authorization rules run after them.
 *
 * Only one SecurityPolicy applies to a request: one on a route replaces one
 * on its Gateway (most specific wins).
 *
 * ```ts
 * new SecurityPolicy(models, 'iris-auth', {
 *   targets: [PolicyTarget.route(route)],
 *   jwtProviders: [{ name: 'idp', issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks.json', claimToHeaders: { sub: 'x-user-id' } }],
 *   authorizationRules: [{ name: 'premium', action: 'Allow', principal: { jwt: { provider: 'idp', claims: [{ name: 'role', values: ['premium'] }] } } }],
 * });
 * ```
 *
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#securitypolicy
 */
export class SecurityPolicy extends Construct {
  /** The SecurityPolicies declared in `namespace`, in declaration order. */
  public static inNamespace(namespace: Namespace): readonly SecurityPolicy[] {
    return POLICIES_BY_NAMESPACE.get(namespace) ?? [];
  }

  /** `metadata.name`. */
  public readonly policyName: string;
  /** `spec.targetRefs`. */
  public readonly targets: readonly PolicyTarget[];
  /** The L1 object. */
  public readonly resource: eg.SecurityPolicy;
  private readonly providers: JwtProvider[] = [];
  private readonly rules: AuthorizationRule[] = [];

  public constructor(scope: Construct, id: string, props: SecurityPolicyProps) {
    checkProps(childPath(scope, id), props, 'SecurityPolicyProps');
    super(scope, id);
    const namespace = Namespace.of(this);
    POLICIES_BY_NAMESPACE.set(namespace, [...SecurityPolicy.inNamespace(namespace), this]);
    this.policyName = assertDnsSubdomain(this, 'name', props.name ?? id);
    const targetRefs = checkTargets(this, Chart.of(this).namespace, props.targets, ['Gateway', 'HTTPRoute', 'GRPCRoute']);
    this.targets = [...props.targets];
    if (props.apiKeyAuth) this.checkApiKeyAuth(props.apiKeyAuth);
    if (props.extAuth) this.checkExtAuth(props.extAuth);
    const defaultAction = props.defaultAction ?? 'Deny';

    this.resource = new eg.SecurityPolicy(this, 'Resource', {
      metadata: { name: this.policyName },
      spec: Lazy.any({
        produce: (): eg.SecurityPolicySpec => ({
          targetRefs,
          jwt: this.providers.length > 0 ? { optional: props.jwtOptional, providers: this.providers.map(renderProvider) } : undefined,
          apiKeyAuth: props.apiKeyAuth ? this.renderApiKeyAuth(props.apiKeyAuth) : undefined,
          extAuth: props.extAuth ? this.renderExtAuth(props.extAuth) : undefined,
          authorization:
            this.rules.length > 0 || props.defaultAction !== undefined
              ? { defaultAction: l1Enum(eg.SecurityPolicySpecAuthorizationDefaultAction, defaultAction), rules: this.rules.length > 0 ? this.rules.map(renderRule) : undefined }
              : undefined,
        }),
      }) as unknown as eg.SecurityPolicySpec,
    });

    for (const p of props.jwtProviders ?? []) this.addJwtProvider(p);
    for (const r of props.authorizationRules ?? []) this.addAuthorizationRule(r);
    this.node.addValidation({ validate: () => this.validateReferences(props) });
  }

  /** The JWT providers, in order. */
  public get jwtProviders(): readonly JwtProvider[] {
    return [...this.providers];
  }

  /** The authorization rules, in evaluation order. */
  public get authorizationRules(): readonly AuthorizationRule[] {
    return [...this.rules];
  }

  /**
   * Adds a JWT provider (`spec.jwt.providers[]`).
   *
   * @throws ModelServingError for a duplicate or empty name, a JWKS URL that is
   *   not https, more than 8 audiences, a bad header name, or more than 16 providers
   * @returns the provider
   */
  public addJwtProvider(provider: JwtProvider): JwtProvider {
    const field = `jwtProviders[${provider.name}]`;
    if (typeof provider.name !== 'string' || provider.name.length < 1 || provider.name.length > 253) invalid(this, `${field}.name`, 'must be 1 to 253 characters', provider.name, 'name the provider after its issuer, e.g. "idp"');
    if (this.providers.some((p) => p.name === provider.name)) invalid(this, `${field}.name`, 'is already used by another provider', provider.name, 'give each provider a unique name');
    if (this.providers.length >= MAX_JWT_PROVIDERS) invalid(this, 'jwtProviders', `can hold at most ${MAX_JWT_PROVIDERS} providers`, this.providers.length + 1, 'split the routes across policies');
    if (!/^https:\/\/[^\s/]+\S*$/.test(provider.jwksUri) || provider.jwksUri.length > 253) {
      invalid(this, `${field}.jwksUri`, 'must be an https URL of at most 253 characters (keys fetched over plain HTTP can be forged)', provider.jwksUri, 'serve the JWKS over https');
    }
    refuseCredential(this, `${field}.jwksUri`, provider.jwksUri, 'a JWKS holds public keys: serve it without user info or token query parameters');
    if (provider.issuer !== undefined && (provider.issuer.length < 1 || provider.issuer.length > 253)) invalid(this, `${field}.issuer`, 'must be 1 to 253 characters', provider.issuer, 'use the issuer URL, e.g. https://idp.example.com/');
    if ((provider.audiences?.length ?? 0) > MAX_AUDIENCES) invalid(this, `${field}.audiences`, `can hold at most ${MAX_AUDIENCES} audiences`, provider.audiences, 'accept fewer audiences, or split the routes across policies');
    // An empty list would be dropped (Envoy Gateway then checks no audience): say "no check" by omitting it.
    if (provider.audiences !== undefined && (provider.audiences.length === 0 || provider.audiences.some((a) => typeof a !== 'string' || a.trim() === ''))) {
      invalid(this, `${field}.audiences`, 'is empty or holds an empty audience, which Envoy Gateway reads as "accept any audience"', provider.audiences, "list the accepted audiences, e.g. ['models-api'], or omit audiences to skip the check on purpose");
    }
    for (const [claim, header] of Object.entries(provider.claimToHeaders ?? {})) {
      if (claim.length === 0) invalid(this, `${field}.claimToHeaders`, 'has an empty claim name', claim, 'name the claim, e.g. "sub"');
      if (!isHttpHeaderName(header)) invalid(this, `${field}.claimToHeaders.${claim}`, 'must be an HTTP header name', header, 'use e.g. x-user-id');
    }
    provider.extractFrom?.forEach((h, i) => {
      if (!isHttpHeaderName(h.name)) invalid(this, `${field}.extractFrom[${i}].name`, 'must be an HTTP header name', h.name, 'use e.g. Authorization');
    });
    this.providers.push(provider);
    return provider;
  }

  /**
   * Appends an authorization rule (`spec.authorization.rules[]`); order matters.
   *
   * @throws ModelServingError for a duplicate name, a rule with neither principal
   *   nor CEL, an empty condition list, a bad CIDR or path, or too many values
   * @returns the rule
   */
  public addAuthorizationRule(rule: AuthorizationRule): AuthorizationRule {
    const field = `authorizationRules[${rule.name ?? this.rules.length}]`;
    if (rule.name !== undefined) {
      if (rule.name.length < 1 || rule.name.length > 253) invalid(this, `${field}.name`, 'must be 1 to 253 characters', rule.name, 'name the rule after what it allows, e.g. "premium"');
      if (this.rules.some((r) => r.name === rule.name)) invalid(this, `${field}.name`, 'is already used by another rule', rule.name, 'give each rule a unique name');
    }
    if (rule.action !== 'Allow' && rule.action !== 'Deny') invalid(this, `${field}.action`, "must be 'Allow' or 'Deny'", rule.action, "use action: 'Allow'");
    const p = rule.principal;
    if (!p && rule.cel === undefined) invalid(this, field, 'needs a principal or a cel expression', rule, 'say who the rule applies to: principal: { jwt: {...} }');
    if (p) {
      if (!p.jwt && !p.headers && !p.clientCidrs) invalid(this, `${field}.principal`, 'needs at least one of jwt, headers or clientCidrs', p, 'match the caller by JWT claims, a header the gateway sets, or client CIDRs');
      if (p.jwt) {
        const claims = p.jwt.claims ?? [];
        const scopes = p.jwt.scopes ?? [];
        if (claims.length === 0 && scopes.length === 0) invalid(this, `${field}.principal.jwt`, 'needs claims or scopes', p.jwt, "match e.g. claims: [{ name: 'role', values: ['admin'] }]");
        if (claims.length > 16 || scopes.length > 16) invalid(this, `${field}.principal.jwt`, 'can hold at most 16 claims and 16 scopes', { claims: claims.length, scopes: scopes.length }, 'split the rule');
        claims.forEach((c, i) => {
          if (c.values.length < 1 || c.values.length > 128) invalid(this, `${field}.principal.jwt.claims[${i}].values`, 'must hold 1 to 128 values', c.values.length, 'list the accepted claim values');
        });
      }
      for (const [name, values] of Object.entries(p.headers ?? {})) {
        if (!isHttpHeaderName(name)) invalid(this, `${field}.principal.headers`, 'has a name that is not an HTTP header name', name, 'use e.g. x-client-id');
        if (values.length < 1 || values.length > 256) invalid(this, `${field}.principal.headers.${name}`, 'must hold 1 to 256 values', values.length, 'list the accepted header values');
      }
      if (p.headers && Object.keys(p.headers).length === 0) invalid(this, `${field}.principal.headers`, 'is empty', {}, 'name at least one header, or drop headers');
      if (p.clientCidrs !== undefined && p.clientCidrs.length === 0) invalid(this, `${field}.principal.clientCidrs`, 'is empty', [], 'list at least one CIDR, or drop clientCidrs');
      p.clientCidrs?.forEach((c, i) => {
        if (!isCidr(c)) invalid(this, `${field}.principal.clientCidrs[${i}]`, 'must be an IPv4 or IPv6 CIDR', c, 'use e.g. 10.0.0.0/8 or 2001:db8::/32');
      });
    }
    if (rule.methods !== undefined && (rule.methods.length < 1 || rule.methods.length > 16)) invalid(this, `${field}.methods`, 'must hold 1 to 16 methods', rule.methods.length, 'list the methods, or drop methods to match all');
    if (rule.methods !== undefined) assertHttpMethods(this, `${field}.methods`, rule.methods);
    if (rule.path && rule.path.type !== 'RegularExpression' && !rule.path.value.startsWith('/')) invalid(this, `${field}.path`, "must start with '/'", rule.path.value, 'use an absolute path such as /v1/models');
    if (rule.cel !== undefined && (rule.cel.length < 1 || rule.cel.length > 4096)) invalid(this, `${field}.cel`, 'must be 1 to 4096 characters', rule.cel.length, 'shorten the expression');
    this.rules.push(rule);
    return rule;
  }

  private checkApiKeyAuth(a: ApiKeyAuthentication): void {
    if (a.credentials.length === 0) invalid(this, 'apiKeyAuth.credentials', 'must reference at least one Secret', [], 'reference the Secrets holding the keys, e.g. [SecretRef.named("api-keys")]');
    a.credentials.forEach((c, i) => assertDnsSubdomain(this, `apiKeyAuth.credentials[${i}].secretName`, c.secretName));
    if (a.extractFrom.length === 0) invalid(this, 'apiKeyAuth.extractFrom', 'must list at least one source', [], "pass extractFrom: [ApiKeySource.header('x-api-key')]");
    a.extractFrom.forEach((s, i) => {
      if (s.name.length === 0 || (s.field === 'headers' && !isHttpHeaderName(s.name))) invalid(this, `apiKeyAuth.extractFrom[${i}]`, `is not a valid ${s.field === 'headers' ? 'header' : s.field === 'params' ? 'query parameter' : 'cookie'} name`, s.name, "use e.g. ApiKeySource.header('x-api-key')");
    });
    if (a.forwardClientIdHeader !== undefined && !isHttpHeaderName(a.forwardClientIdHeader)) invalid(this, 'apiKeyAuth.forwardClientIdHeader', 'must be an HTTP header name', a.forwardClientIdHeader, 'use e.g. x-client-id');
  }

  private checkExtAuth(x: ExternalAuthorization): void {
    const ref = x.service.backend.backendRef;
    if ((ref.kind ?? 'Service') === 'Service' && (ref.group ?? '') === '' && ref.port === undefined) {
      invalid(this, 'extAuth.service.backendRef.port', 'is required for a Service', ref.name, 'give the Service port, e.g. Backend.service("opa", 9191)');
    }
    if (x.service.path !== undefined && !x.service.path.startsWith('/')) invalid(this, 'extAuth.service.path', "must start with '/'", x.service.path, 'use e.g. /authz');
    x.headersToExtAuth?.forEach((h, i) => {
      if (!isHttpHeaderName(h)) invalid(this, `extAuth.headersToExtAuth[${i}]`, 'must be an HTTP header name', h, 'use e.g. authorization');
    });
  }

  private validateReferences(props: SecurityPolicyProps): string[] {
    const errors: string[] = [];
    const names = this.providers.map((p) => p.name);
    this.rules.forEach((r, i) => {
      if (r.principal?.jwt && !names.includes(r.principal.jwt.provider)) {
        errors.push(`${this.node.path}: authorizationRules[${r.name ?? i}].principal.jwt.provider names no JWT provider of this policy (received: "${r.principal.jwt.provider}"). Fix: use one of: ${names.join(', ') || '(none: add a JWT provider)'}.`);
      }
    });
    if (props.jwtOptional !== undefined && this.providers.length === 0) {
      errors.push(`${this.node.path}: jwtOptional is set but the policy has no JWT provider (received: ${props.jwtOptional}). Fix: add a provider with addJwtProvider(), or drop jwtOptional.`);
    }
    if (this.providers.length === 0 && !props.apiKeyAuth && !props.extAuth && this.rules.length === 0 && props.defaultAction === undefined) {
      errors.push(errorMessage(this, 'spec', 'configures nothing (no JWT, API key, external authorization or authorization rule)', {}, 'configure at least one, or remove the policy.'));
    }
    return errors;
  }

  private renderApiKeyAuth(a: ApiKeyAuthentication): eg.SecurityPolicySpecApiKeyAuth {
    const ns = Chart.of(this).namespace;
    return {
      credentialRefs: a.credentials.map((c) => ({ name: c.secretName, namespace: c.namespace === ns ? undefined : c.namespace })),
      extractFrom: a.extractFrom.map((s) => (s.field === 'headers' ? { headers: [s.name] } : s.field === 'params' ? { params: [s.name] } : { cookies: [s.name] })),
      forwardClientIdHeader: a.forwardClientIdHeader,
      sanitize: a.sanitize ?? true,
    };
  }

  private renderExtAuth(x: ExternalAuthorization): eg.SecurityPolicySpecExtAuth {
    const ref = x.service.backend.backendRef;
    const ns = Chart.of(this).namespace;
    const backendRefs = [{ group: ref.group, kind: ref.kind, name: ref.name, namespace: ref.namespace === ns ? undefined : ref.namespace, port: ref.port }];
    return {
      grpc: x.service.protocol === 'grpc' ? { backendRefs } : undefined,
      http: x.service.protocol === 'http' ? { backendRefs, path: x.service.path } : undefined,
      headersToExtAuth: x.headersToExtAuth ? [...x.headersToExtAuth] : undefined,
      failOpen: x.failOpen ?? false,
      timeout: x.timeout ? formatGatewayDuration(x.timeout) : undefined,
    };
  }
}

function renderProvider(p: JwtProvider): eg.SecurityPolicySpecJwtProviders {
  const claims = Object.entries(p.claimToHeaders ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return {
    name: p.name,
    issuer: p.issuer,
    audiences: p.audiences && p.audiences.length > 0 ? [...p.audiences] : undefined,
    remoteJwks: { uri: p.jwksUri, cacheDuration: p.jwksCacheDuration ? formatGatewayDuration(p.jwksCacheDuration) : undefined },
    claimToHeaders: claims.length > 0 ? claims.map(([claim, header]) => ({ claim, header })) : undefined,
    extractFrom: { headers: (p.extractFrom ?? [{ name: 'Authorization', valuePrefix: 'Bearer ' }]).map((h) => ({ name: h.name, valuePrefix: h.valuePrefix })) },
    recomputeRoute: p.recomputeRoute,
  };
}

function renderRule(r: AuthorizationRule): eg.SecurityPolicySpecAuthorizationRules {
  const p = r.principal;
  const operation =
    r.methods || r.path
      ? {
          methods: r.methods?.map((m) => l1Enum(eg.SecurityPolicySpecAuthorizationRulesOperationMethods, m)),
          path: r.path ? { type: l1Enum(eg.SecurityPolicySpecAuthorizationRulesOperationPathType, r.path.type), value: r.path.value } : undefined,
        }
      : undefined;
  return {
    name: r.name,
    action: l1Enum(eg.SecurityPolicySpecAuthorizationRulesAction, r.action),
    operation,
    principal: p
      ? {
          jwt: p.jwt
            ? {
                provider: p.jwt.provider,
                claims: p.jwt.claims?.map((c) => ({
                  name: c.name,
                  values: [...c.values],
                  valueType: c.valueType ? l1Enum(eg.SecurityPolicySpecAuthorizationRulesPrincipalJwtClaimsValueType, c.valueType) : undefined,
                })),
                scopes: p.jwt.scopes ? [...p.jwt.scopes] : undefined,
              }
            : undefined,
          headers: p.headers ? Object.entries(p.headers).map(([name, values]) => ({ name, values: [...values] })) : undefined,
          clientCidRs: p.clientCidrs ? [...p.clientCidrs] : undefined,
        }
      : undefined,
    cel: r.cel,
  };
}

/** SecurityPolicies per namespace, so finding the one on a route needs no walk of the construct tree. */
const POLICIES_BY_NAMESPACE = new WeakMap<Namespace, readonly SecurityPolicy[]>();
