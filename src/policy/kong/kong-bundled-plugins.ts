/**
 * Typed configurations of bundled Kong OSS plugins that the access-policy
 * engine does not build: correlation-id, basic-auth, oauth2, proxy-cache,
 * and the full request-termination. Each `render*` checks the options and
 * returns the `config` object (snake_case, as Kong's Admin API); the
 * {@link KongPlugin} factories of the same name wrap them.
 *
 * Field names, defaults and bounds follow the plugin schemas of Kong 3.9
 * (`kong/plugins/<name>/schema.lua` at tag 3.9.1, the gateway this library
 * deploys: KONG_IMAGE).
 */
import { Duration } from 'cdk8s';
import { isCredentialHeader } from '../../core/credentials';
import { refuseCredential } from '../../core/credential-refusal';
import { invalid } from '../../core/errors';
import { assertHttpHeaderName } from '../../core/http-header';
import { isIpOrCidr } from '../../core/cidr';
import { isDnsSubdomain } from '../../core/names';
import { assertPort } from '../../core/port';
import type { KongPluginOptions } from './kong-plugin-options';

/** How `correlation-id` makes its ids (`config.generator`). */
export type KongCorrelationIdGenerator = 'uuid' | 'uuid#counter' | 'tracker';

/** Options of {@link KongPlugin.correlationId}. @see https://developer.konghq.com/plugins/correlation-id/reference/ */
export interface CorrelationIdOptions extends KongPluginOptions {
  /** `config.header_name`: the request header that carries the id (kept when the client sent one). @default - Kong's 'Kong-Request-ID' */
  readonly headerName?: string;
  /** `config.generator`: `uuid`, `uuid#counter` (a uuid per worker plus a counter) or `tracker` (nginx variables). @default - Kong's 'uuid#counter' */
  readonly generator?: KongCorrelationIdGenerator;
  /** `config.echo_downstream`: send the header back to the client too. @default - Kong's false */
  readonly echoDownstream?: boolean;
}

/** Options of {@link KongPlugin.basicAuth}. @see https://developer.konghq.com/plugins/basic-auth/reference/ */
export interface BasicAuthOptions extends KongPluginOptions {
  /** `config.hide_credentials`: strip the `Authorization` header before proxying. @default true (Kong's default is false: the backend would see the password) */
  readonly hideCredentials?: boolean;
  /** `config.anonymous`: the consumer (username or id) used when authentication fails, to OR several auth plugins. @default - none: a missing or wrong password gets 401 */
  readonly anonymous?: string;
  /** `config.realm`: the realm of the `WWW-Authenticate` challenge. @default - Kong's 'service' */
  readonly realm?: string;
}

/**
 * An OAuth 2.0 grant the `oauth2` plugin serves. Only the grants the OAuth
 * 2.0 Security Best Current Practice keeps (RFC 9700): the implicit grant
 * (section 2.1.2) and the resource owner password grant (section 2.4) are
 * not offered.
 */
export type KongOAuth2Flow = 'authorization-code' | 'client-credentials';

/** PKCE handling of the authorization-code grant (`config.pkce`). */
export type KongPkceMode = 'none' | 'lax' | 'strict';

/**
 * Options of {@link KongPlugin.oauth2}. Kong then runs the authorization
 * server itself (`/oauth2/authorize`, `/oauth2/token` under the route path),
 * keeps tokens in its database (the plugin does not work DB-less; this
 * library's Kong runs on PostgreSQL), and generates the plugin's
 * `provision_key`, which is never written here.
 *
 * @see https://developer.konghq.com/plugins/oauth2/reference/
 */
export interface OAuth2Options extends KongPluginOptions {
  /** The grants served (`config.enable_authorization_code`, `config.enable_client_credentials`); at least one. */
  readonly flows: readonly KongOAuth2Flow[];
  /** `config.scopes`: the scopes clients may ask for. @default - none */
  readonly scopes?: readonly string[];
  /** `config.mandatory_scope`: require at least one scope (then `scopes` is required). @default - Kong's false */
  readonly mandatoryScope?: boolean;
  /** `config.token_expiration`: access-token lifetime, whole seconds, at least 1 (Kong's 0, never expiring, is refused). @default - Kong's 7200 seconds */
  readonly tokenExpiration?: Duration;
  /** `config.refresh_token_ttl`: refresh-token lifetime, whole seconds, 1 to 100000000 (Kong's 0, never expiring, is refused). @default - Kong's 1209600 seconds (14 days) */
  readonly refreshTokenTtl?: Duration;
  /** `config.reuse_refresh_token`: keep the refresh token when refreshing. @default - Kong's false (rotated) */
  readonly reuseRefreshToken?: boolean;
  /** `config.pkce`: `lax` (required for public clients), `strict` (for all) or `none`. @default - Kong's 'lax' */
  readonly pkce?: KongPkceMode;
  /** `config.hide_credentials`: strip the token before proxying. @default true (Kong's default is false) */
  readonly hideCredentials?: boolean;
  /** `config.global_credentials`: accept tokens issued by other oauth2 plugin instances with this flag. @default - Kong's false */
  readonly globalCredentials?: boolean;
  /** `config.accept_http_if_already_terminated`: accept requests a proxy in front terminated TLS for (`X-Forwarded-Proto: https`). @default - Kong's false */
  readonly acceptHttpIfAlreadyTerminated?: boolean;
  /** `config.auth_header_name`: the header carrying the access token. @default - Kong's 'authorization' */
  readonly authHeaderName?: string;
  /** `config.anonymous`: see {@link BasicAuthOptions.anonymous}. @default - none */
  readonly anonymous?: string;
  /** `config.realm`: realm of the `WWW-Authenticate` challenge. @default - none */
  readonly realm?: string;
}

/** A signature algorithm `hmac-auth` accepts (`config.algorithms`). */
export type KongHmacAlgorithm = 'hmac-sha1' | 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512';

/** Options of {@link KongPlugin.hmacAuth}. @see https://developer.konghq.com/plugins/hmac-auth/reference/ */
export interface HmacAuthOptions extends KongPluginOptions {
  /** `config.hide_credentials`: strip the signature before proxying. @default true (Kong's default is false) */
  readonly hideCredentials?: boolean;
  /** `config.clock_skew`: how far the request `Date` may be from Kong's clock, whole seconds, at least 1. @default - Kong's 300 seconds */
  readonly clockSkew?: Duration;
  /** `config.validate_request_body`: require a `Digest` header and check the body against it (else the body is not signed). @default - Kong's false */
  readonly validateRequestBody?: boolean;
  /** `config.enforce_headers`: headers the signature must cover, e.g. `date`, `request-line`. @default - none */
  readonly enforceHeaders?: readonly string[];
  /** `config.algorithms`: accepted algorithms. @default - Kong's (all four) */
  readonly algorithms?: readonly KongHmacAlgorithm[];
  /** `config.anonymous`: see {@link BasicAuthOptions.anonymous}. @default - none */
  readonly anonymous?: string;
  /** `config.realm`. @default - none */
  readonly realm?: string;
}

/** Options of {@link KongPlugin.udpLog}. @see https://developer.konghq.com/plugins/udp-log/reference/ */
export interface UdpLogOptions extends KongPluginOptions {
  /** `config.host`: the log server, a host name or IP address. */
  readonly host: string;
  /** `config.port`, 1-65535. */
  readonly port: number;
  /** `config.timeout` of sending a log entry, whole milliseconds. @default - Kong's 10000 ms */
  readonly timeout?: Duration;
}

/** A request method `proxy-cache` may cache (`config.request_method`): only methods whose response depends on the URL alone. */
export type KongCacheableMethod = 'GET' | 'HEAD';

/** Diagnostic headers of cached responses (`config.response_headers`). */
export interface KongCacheResponseHeaders {
  /** `age`. @default - Kong's true */
  readonly age?: boolean;
  /** `X-Cache-Status`. @default - Kong's true */
  readonly cacheStatus?: boolean;
  /** `X-Cache-Key`. @default - Kong's true */
  readonly cacheKey?: boolean;
}

/**
 * Options of {@link KongPlugin.proxyCache} (strategy `memory`, the only one
 * of Kong OSS). The cache key is the consumer, the route, the method, the
 * path, the query arguments and `varyHeaders`, never the body
 * (kong/plugins/proxy-cache/cache_key.lua), so only GET and HEAD are
 * cacheable here: a cached POST to `/v1/chat/completions` would answer every
 * prompt with the first one's completion.
 *
 * @see https://developer.konghq.com/plugins/proxy-cache/reference/
 */
export interface ProxyCacheOptions extends KongPluginOptions {
  /** `config.cache_ttl`: how long an entry is served, whole seconds, at least 1. @default - Kong's 300 seconds */
  readonly cacheTtl?: Duration;
  /** `config.response_code`: cacheable statuses, 100-900. @default - Kong's [200, 301, 404] */
  readonly responseCodes?: readonly number[];
  /** `config.request_method`: cacheable methods. @default - Kong's ['GET', 'HEAD'] */
  readonly requestMethods?: readonly KongCacheableMethod[];
  /** `config.content_type`: cacheable response content types, matched exactly. @default - Kong's ['text/plain', 'application/json'] */
  readonly contentTypes?: readonly string[];
  /** `config.cache_control`: honour `Cache-Control` (RFC 7234). @default true (Kong's default false ignores `Cache-Control: private` and `no-store`) */
  readonly cacheControl?: boolean;
  /** `config.storage_ttl`: how long entries stay in memory, whole seconds. @default - none (the TTLs above) */
  readonly storageTtl?: Duration;
  /** `config.ignore_uri_case`. @default - Kong's false */
  readonly ignoreUriCase?: boolean;
  /** `config.vary_query_params`: the query arguments in the key. @default - all of them */
  readonly varyQueryParams?: readonly string[];
  /** `config.vary_headers`: the request headers in the key. @default - none */
  readonly varyHeaders?: readonly string[];
  /** `config.memory.dictionary_name`: the nginx shared dict (must exist in Kong's nginx template). @default - Kong's 'kong_db_cache' */
  readonly dictionaryName?: string;
  /** `config.response_headers`. @default - Kong's (all sent) */
  readonly responseHeaders?: KongCacheResponseHeaders;
}

const HEADER_NAME = /^[A-Za-z0-9_-]+$/;
const OAUTH2_FLOWS: readonly string[] = ['authorization-code', 'client-credentials'];
const GENERATORS: readonly string[] = ['uuid', 'uuid#counter', 'tracker'];

/** `config` of `correlation-id`. @throws ModelServingError for a bad or credential header name, or an unknown generator */
export function renderCorrelationId(path: string, o: CorrelationIdOptions): Record<string, unknown> {
  if (o.headerName !== undefined) {
    if (typeof o.headerName !== 'string' || !HEADER_NAME.test(o.headerName)) invalid(path, 'config.header_name', 'must be a header name (letters, digits, - and _)', o.headerName, 'use e.g. x-request-id');
    if (isCredentialHeader(o.headerName)) invalid(path, 'config.header_name', 'is a credential header: the plugin would overwrite the credentials of requests without an id', o.headerName, 'use e.g. x-request-id');
  }
  if (o.generator !== undefined && !GENERATORS.includes(o.generator)) invalid(path, 'config.generator', `must be one of ${GENERATORS.join(', ')}`, o.generator, "use 'uuid'");
  return { header_name: o.headerName, generator: o.generator, echo_downstream: o.echoDownstream };
}

/** `config` of `basic-auth`. @throws ModelServingError for a realm with a quote or line break */
export function renderBasicAuth(path: string, o: BasicAuthOptions): Record<string, unknown> {
  assertRealm(path, o.realm);
  assertAnonymous(path, o.anonymous);
  return { hide_credentials: o.hideCredentials ?? true, anonymous: o.anonymous, realm: o.realm };
}

/**
 * `config` of `oauth2`.
 *
 * @throws ModelServingError for no flow, a flow Kong offers but RFC 9700
 *   retires (implicit, password), a mandatory scope without scopes, a token
 *   lifetime that is zero or not whole seconds, or a bad header name
 */
export function renderOAuth2(path: string, o: OAuth2Options): Record<string, unknown> {
  const flows = o.flows ?? [];
  if (!Array.isArray(flows) || flows.length === 0) invalid(path, 'config.flows', 'must list at least one grant (Kong refuses an oauth2 plugin with every enable_* false)', flows, "pass flows: ['client-credentials']");
  flows.forEach((f, i) => {
    if (!OAUTH2_FLOWS.includes(f)) {
      const retired = f === ('implicit' as string) ? ' (the implicit grant is retired by the OAuth 2.0 Security BCP, RFC 9700 section 2.1.2: tokens leak through URLs)' : f === ('password' as string) ? ' (the password grant must not be used, RFC 9700 section 2.4: the client sees the user password)' : '';
      invalid(path, `config.flows[${i}]`, `must be one of ${OAUTH2_FLOWS.join(', ')}${retired}`, f, "use 'authorization-code' with PKCE for users, 'client-credentials' for services");
    }
  });
  const scopes = o.scopes ?? [];
  scopes.forEach((s, i) => {
    if (typeof s !== 'string' || !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s)) invalid(path, `config.scopes[${i}]`, 'must be an OAuth scope token (printable ASCII without spaces, quotes or backslashes: RFC 6749 section 3.3)', s, "use e.g. 'models:read'");
  });
  if (o.mandatoryScope && scopes.length === 0) invalid(path, 'config.mandatory_scope', 'needs scopes (Kong refuses mandatory_scope without them)', o.mandatoryScope, "pass scopes: ['models:read']");
  const lifetime = (field: string, d: Duration | undefined, max: number): number | undefined => {
    if (d === undefined) return undefined;
    const s = d.toSeconds({ integral: false });
    if (!Number.isInteger(s) || s < 1 || s > max) invalid(path, field, `must be whole seconds from 1 to ${max} (0 would never expire)`, `${s}s`, 'use e.g. Duration.hours(1)');
    return s;
  };
  if (o.authHeaderName !== undefined) assertHttpHeaderName(path, 'config.auth_header_name', o.authHeaderName);
  if (o.pkce !== undefined && !['none', 'lax', 'strict'].includes(o.pkce)) invalid(path, 'config.pkce', 'must be none, lax or strict', o.pkce, "use 'strict'");
  assertRealm(path, o.realm);
  assertAnonymous(path, o.anonymous);
  return {
    enable_authorization_code: flows.includes('authorization-code'),
    enable_client_credentials: flows.includes('client-credentials'),
    enable_implicit_grant: false,
    enable_password_grant: false,
    scopes: scopes.length > 0 ? [...scopes] : undefined,
    mandatory_scope: o.mandatoryScope,
    // typedefs.ttl bounds: kong/db/schema/typedefs.lua (0..100000000).
    token_expiration: lifetime('config.token_expiration', o.tokenExpiration, 100_000_000),
    refresh_token_ttl: lifetime('config.refresh_token_ttl', o.refreshTokenTtl, 100_000_000),
    reuse_refresh_token: o.reuseRefreshToken,
    pkce: o.pkce,
    hide_credentials: o.hideCredentials ?? true,
    global_credentials: o.globalCredentials,
    accept_http_if_already_terminated: o.acceptHttpIfAlreadyTerminated,
    auth_header_name: o.authHeaderName,
    anonymous: o.anonymous,
    realm: o.realm,
  };
}

/**
 * `config` of `proxy-cache`.
 *
 * @throws ModelServingError for a method other than GET and HEAD (the key
 *   ignores the body), a status outside 100-900, an empty list, a TTL that is
 *   not a positive whole number of seconds, or a bad header name
 */
export function renderProxyCache(path: string, o: ProxyCacheOptions): Record<string, unknown> {
  (o.requestMethods ?? []).forEach((m, i) => {
    if (m !== 'GET' && m !== 'HEAD') {
      invalid(path, `config.request_method[${i}]`, "is not cacheable here: Kong's cache key ignores the request body (kong/plugins/proxy-cache/cache_key.lua), so every request with another body (another prompt) would get the first one's cached response", m, "cache GET and HEAD only: requestMethods: ['GET', 'HEAD']");
    }
  });
  if (o.requestMethods !== undefined && o.requestMethods.length === 0) invalid(path, 'config.request_method', 'must not be empty', [], "use ['GET', 'HEAD']");
  if (o.responseCodes !== undefined) {
    if (o.responseCodes.length === 0) invalid(path, 'config.response_code', 'must not be empty (Kong requires at least one)', [], 'use [200]');
    o.responseCodes.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 100 || c > 900) invalid(path, `config.response_code[${i}]`, 'must be a status from 100 to 900', c, 'use e.g. 200');
    });
  }
  o.contentTypes?.forEach((t, i) => {
    if (typeof t !== 'string' || !/^[\w.+-]+\/[\w.+-]+(;.*)?$/.test(t)) invalid(path, `config.content_type[${i}]`, 'must be a media type such as application/json', t, "use e.g. 'application/json'");
  });
  o.varyHeaders?.forEach((h, i) => assertHttpHeaderName(path, `config.vary_headers[${i}]`, h));
  const seconds = (field: string, d: Duration | undefined): number | undefined => {
    if (d === undefined) return undefined;
    const s = d.toSeconds({ integral: false });
    if (!Number.isInteger(s) || s < 1) invalid(path, field, 'must be a positive whole number of seconds', `${s}s`, 'use e.g. Duration.minutes(5)');
    return s;
  };
  if (o.dictionaryName !== undefined && !/^[A-Za-z0-9_]+$/.test(o.dictionaryName)) invalid(path, 'config.memory.dictionary_name', 'must be an nginx shared dict name (letters, digits, _)', o.dictionaryName, "use 'kong_db_cache'");
  const rh = o.responseHeaders;
  return {
    strategy: 'memory',
    cache_ttl: seconds('config.cache_ttl', o.cacheTtl),
    storage_ttl: seconds('config.storage_ttl', o.storageTtl),
    response_code: o.responseCodes ? [...o.responseCodes] : undefined,
    request_method: o.requestMethods ? [...o.requestMethods] : undefined,
    content_type: o.contentTypes ? [...o.contentTypes] : undefined,
    cache_control: o.cacheControl ?? true,
    ignore_uri_case: o.ignoreUriCase,
    vary_query_params: o.varyQueryParams ? [...o.varyQueryParams] : undefined,
    vary_headers: o.varyHeaders ? [...o.varyHeaders] : undefined,
    memory: o.dictionaryName ? { dictionary_name: o.dictionaryName } : undefined,
    response_headers: rh ? { age: rh.age, 'X-Cache-Status': rh.cacheStatus, 'X-Cache-Key': rh.cacheKey } : undefined,
  };
}

const HMAC_ALGORITHMS: readonly string[] = ['hmac-sha1', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'];

/** `config` of `hmac-auth`. @throws ModelServingError for an unknown algorithm, an empty list, a non-positive clock skew, or a bad header name */
export function renderHmacAuth(path: string, o: HmacAuthOptions): Record<string, unknown> {
  if (o.algorithms !== undefined) {
    if (o.algorithms.length === 0) invalid(path, 'config.algorithms', 'must not be empty (no request could authenticate)', [], "use ['hmac-sha256']");
    o.algorithms.forEach((a, i) => {
      if (!HMAC_ALGORITHMS.includes(a)) invalid(path, `config.algorithms[${i}]`, `must be one of ${HMAC_ALGORITHMS.join(', ')}`, a, "use 'hmac-sha256'");
    });
  }
  o.enforceHeaders?.forEach((h, i) => {
    if (h !== 'request-line' && h !== '@request-target') assertHttpHeaderName(path, `config.enforce_headers[${i}]`, h);
  });
  let clockSkew: number | undefined;
  if (o.clockSkew !== undefined) {
    clockSkew = o.clockSkew.toSeconds({ integral: false });
    if (!Number.isInteger(clockSkew) || clockSkew < 1) invalid(path, 'config.clock_skew', 'must be a positive whole number of seconds', `${clockSkew}s`, 'use e.g. Duration.minutes(5)');
  }
  assertRealm(path, o.realm);
  assertAnonymous(path, o.anonymous);
  return {
    hide_credentials: o.hideCredentials ?? true,
    clock_skew: clockSkew,
    validate_request_body: o.validateRequestBody,
    enforce_headers: o.enforceHeaders ? [...o.enforceHeaders] : undefined,
    algorithms: o.algorithms ? [...o.algorithms] : undefined,
    anonymous: o.anonymous,
    realm: o.realm,
  };
}

/** `config` of `udp-log`. @throws ModelServingError for a bad host, port or timeout */
export function renderUdpLog(path: string, o: UdpLogOptions): Record<string, unknown> {
  if (typeof o.host !== 'string' || !(isDnsSubdomain(o.host) || isIpOrCidr(o.host)) || o.host.includes('/')) invalid(path, 'config.host', 'must be a lower-case host name or an IP address', o.host, 'use e.g. logs.observability.svc.cluster.local');
  assertPort(path, 'config.port', o.port, 'use e.g. 514');
  let timeout: number | undefined;
  if (o.timeout !== undefined) {
    timeout = o.timeout.toMilliseconds();
    if (!Number.isInteger(timeout) || timeout < 1) invalid(path, 'config.timeout', 'must be a positive whole number of milliseconds', timeout, 'use e.g. Duration.seconds(10)');
  }
  return { host: o.host, port: o.port, timeout };
}

/** Options of the full `request-termination` (see {@link KongPlugin.requestTermination}). */
export interface RequestTerminationConfig {
  readonly statusCode?: number;
  readonly message?: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly echo?: boolean;
  readonly trigger?: string;
}

/**
 * `config` of `request-termination`, with the rules of its schema's
 * custom_validator (kong/plugins/request-termination/schema.lua).
 *
 * @throws ModelServingError for a status outside 100-599, `message` with
 *   `body` or `contentType`, `contentType` without `body`, `echo` with a
 *   body, a bad trigger header, or a body holding a credential
 */
export function renderRequestTermination(path: string, o: RequestTerminationConfig): Record<string, unknown> {
  if (o.statusCode !== undefined && (!Number.isInteger(o.statusCode) || o.statusCode < 100 || o.statusCode > 599)) {
    invalid(path, 'config.status_code', 'must be an HTTP status code between 100 and 599', o.statusCode, 'use e.g. 403');
  }
  if (o.message !== undefined && (o.body !== undefined || o.contentType !== undefined)) invalid(path, 'config.message', 'cannot be used with body or contentType (Kong refuses it)', o.message, 'put the text in body with contentType, or use message alone');
  if (o.contentType !== undefined && o.body === undefined) invalid(path, 'config.content_type', 'needs body (Kong refuses it alone)', o.contentType, "pass body: '{\"error\":\"gone\"}'");
  if (o.echo && (o.body !== undefined || o.contentType !== undefined)) invalid(path, 'config.echo', 'cannot be used with body or contentType (Kong refuses it)', o.echo, 'drop body and contentType, or echo');
  if (o.contentType !== undefined && (typeof o.contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+(;.*)?$/.test(o.contentType))) invalid(path, 'config.content_type', 'must be a media type such as application/json', o.contentType, "use 'application/json'");
  if (o.trigger !== undefined) assertHttpHeaderName(path, 'config.trigger', o.trigger);
  if (o.body !== undefined) refuseCredential(path, 'config.body', o.body, 'answer with a fixed text that holds no credential');
  return { status_code: o.statusCode, message: o.message, body: o.body, content_type: o.contentType, echo: o.echo, trigger: o.trigger };
}

function assertRealm(path: string, realm: string | undefined): void {
  if (realm !== undefined && (typeof realm !== 'string' || realm === '' || /["\\\r\n]/.test(realm))) invalid(path, 'config.realm', 'must be a non-empty string without quotes, backslashes or line breaks (it is quoted in WWW-Authenticate)', realm, "use e.g. 'models'");
}

function assertAnonymous(path: string, anonymous: string | undefined): void {
  if (anonymous !== undefined && (typeof anonymous !== 'string' || anonymous.trim() === '')) invalid(path, 'config.anonymous', 'must be a consumer username or id', anonymous, "use e.g. 'anonymous'");
}
