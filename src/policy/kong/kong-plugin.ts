import { Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kong from '../../../imports/kong-configuration.konghq.com';
import { allowShadowedByDeny, isIpOrCidr } from '../../core/cidr';
import { isCredentialHeader, SECRET_NAME } from '../../core/credentials';
import { refuseCredential } from '../../core/credential-refusal';
import { invalid } from '../../core/errors';
import { assertOneOf } from '../../core/props';
import { noteRequiredSecret } from '../../core/required-secret';
import { assertDnsSubdomain, isDnsSubdomain } from '../../core/names';
import { assertPort } from '../../core/port';
import { ISecretReference } from '../../core/secret-ref';
import { checkedRecord, checkRecordKeysDeep } from '../../core/records';
import { assertCorsOrigins, assertHttpHeaderName, assertNoCorsWildcardsWithCredentials, assertHttpHeaderValue } from '../../core/http-header';
import { assertSafePath } from '../../core/url-path';
import { checkProps, childPath } from '../../core/prop-types';
import { KongPluginOptions, KongProtocol } from './kong-plugin-options';
import { BasicAuthOptions, CorrelationIdOptions, HmacAuthOptions, OAuth2Options, ProxyCacheOptions, renderBasicAuth, renderCorrelationId, renderHmacAuth, renderOAuth2, renderProxyCache, renderRequestTermination, renderUdpLog, UdpLogOptions } from './kong-bundled-plugins';

export type { KongPluginOptions, KongProtocol } from './kong-plugin-options';

/** The annotation that attaches KongPlugins to a route, Service, KongConsumer or KongConsumerGroup. */
export const KONG_PLUGINS_ANNOTATION = 'konghq.com/plugins';


const PROTOCOLS: Readonly<Record<KongProtocol, kong.KongPluginProtocols>> = {
  http: kong.KongPluginProtocols.HTTP,
  https: kong.KongPluginProtocols.HTTPS,
  grpc: kong.KongPluginProtocols.GRPC,
  grpcs: kong.KongPluginProtocols.GRPCS,
  tcp: kong.KongPluginProtocols.TCP,
  tls: kong.KongPluginProtocols.TLS,
  udp: kong.KongPluginProtocols.UDP,
};

/** A key of a Secret in the plugin's namespace (`secretKeyRef`). */
export interface KongSecretKeyRef {
  /** The Secret, by reference; it must be in the KongPlugin's namespace (KIC reads it there). */
  readonly secret: ISecretReference;
  /** The key inside the Secret. */
  readonly key: string;
}

/** One `configPatches[]` entry: a config field whose value KIC reads from a Secret. */
export interface KongConfigPatch {
  /** `path`: a JSON pointer (RFC 6901) into `config`, e.g. `/redis/password`. */
  readonly path: string;
  /** `valueFrom.secretKeyRef`: where the value is. */
  readonly valueFrom: KongSecretKeyRef;
}

/** Something that names a KongPlugin (or KongClusterPlugin) for the `konghq.com/plugins` annotation. */
export interface IKongPlugin {
  /** `metadata.name` of the plugin object. */
  readonly pluginName: string;
  /** Its namespace; undefined for a KongClusterPlugin or a plugin defined outside this app. */
  readonly pluginNamespace?: string;
}

/** A plugin named by {@link KongPlugin.fromPluginName}. */
class ImportedKongPlugin extends Construct implements IKongPlugin {
  public readonly pluginName: string;
  public constructor(scope: Construct, id: string, name: string) {
    super(scope, id);
    this.pluginName = assertDnsSubdomain(this, 'name', name);
  }
}


/** Props of {@link KongPlugin}. */
export interface KongPluginProps extends KongPluginOptions {
  /** `plugin`: the Kong plugin name, e.g. `key-auth` (immutable once applied). */
  readonly plugin: string;
  /**
   * `config`: the plugin configuration, exactly as in Kong's Admin API
   * (snake_case keys). Prefer the typed factories ({@link KongPlugin.keyAuth}, ...).
   * Credential-looking keys (`password`, `client_secret`, `api_key`, `token`...)
   * take no literal strings: read them from a Secret with `configPatches`.
   * Exclusive with `configFrom`.
   * @default - the plugin's defaults
   */
  readonly config?: Readonly<Record<string, unknown>>;
  /** `configFrom.secretKeyRef`: the whole config from a Secret key (YAML or JSON). Exclusive with `config` and `configPatches`. @default - none */
  readonly configFrom?: KongSecretKeyRef;
  /** `configPatches`: config fields read from Secrets (passwords), added to `config`. Exclusive with `configFrom`. @default - none */
  readonly configPatches?: readonly KongConfigPatch[];
}

/** Options of {@link KongPlugin.keyAuth}. @see https://developer.konghq.com/plugins/key-auth/reference/ */
export interface KeyAuthOptions extends KongPluginOptions {
  /** `config.key_names`: header (or query/body field) names the key is read from, tried in order. @default ['apikey'] */
  readonly keyNames?: readonly string[];
  /** `config.key_in_header`. @default true */
  readonly keyInHeader?: boolean;
  /** `config.key_in_query`. @default false (Kong's default is true; keys in URLs end up in access logs) */
  readonly keyInQuery?: boolean;
  /** `config.key_in_body`. @default false */
  readonly keyInBody?: boolean;
  /** `config.hide_credentials`: strip the key before proxying. @default true (Kong's default is false) */
  readonly hideCredentials?: boolean;
  /** `config.anonymous`: the consumer (username or id) used when authentication fails, to OR several auth plugins. @default - none: a missing or wrong key gets 401 */
  readonly anonymous?: string;
  /** `config.run_on_preflight`: authenticate CORS preflight requests too. @default true */
  readonly runOnPreflight?: boolean;
}

/** A registered JWT claim Kong can verify. */
export type KongJwtClaim = 'exp' | 'nbf';

/** Options of {@link KongPlugin.jwt}. @see https://developer.konghq.com/plugins/jwt/reference/ */
export interface JwtPluginOptions extends KongPluginOptions {
  /** `config.header_names`: headers read for `Bearer <jwt>`. @default ['authorization'] */
  readonly headerNames?: readonly string[];
  /** `config.uri_param_names`: query parameters read for the token. @default [] (Kong's default is ['jwt']; tokens in URLs end up in logs) */
  readonly uriParamNames?: readonly string[];
  /** `config.cookie_names`: cookies read for the token. @default [] */
  readonly cookieNames?: readonly string[];
  /** `config.claims_to_verify`: registered claims checked (a listed claim must be present). @default ['exp'] (Kong's default checks none) */
  readonly claimsToVerify?: readonly KongJwtClaim[];
  /** `config.key_claim_name`: the claim naming the consumer's jwt credential (`key`). @default 'iss' */
  readonly keyClaimName?: string;
  /** `config.maximum_expiration`: refuse tokens living longer than this (needs `exp` verified), at most 365 days. @default - no maximum */
  readonly maximumExpiration?: Duration;
  /** `config.anonymous`: see {@link KeyAuthOptions.anonymous}. @default - none */
  readonly anonymous?: string;
  /** `config.run_on_preflight`. @default true */
  readonly runOnPreflight?: boolean;
}

/** Options of {@link KongPlugin.acl}: exactly one of `allow` and `deny`. @see https://developer.konghq.com/plugins/acl/reference/ */
export interface AclOptions extends KongPluginOptions {
  /** `config.allow`: ACL groups allowed; everyone else gets 403. @default - none */
  readonly allow?: readonly string[];
  /** `config.deny`: ACL groups refused. @default - none */
  readonly deny?: readonly string[];
  /** `config.hide_groups_header`: do not send `X-Consumer-Groups` upstream. @default false */
  readonly hideGroupsHeader?: boolean;
  /** `config.include_consumer_groups`: also match consumer-group names (consumer groups are Kong Enterprise only). @default false */
  readonly includeConsumerGroups?: boolean;
}

/** What `rate-limiting` counts by (`config.limit_by`). */
export type KongLimitBy = 'consumer' | 'credential' | 'ip' | 'service' | 'header' | 'path';

/** The Redis of `rate-limiting` with `policy: redis` (`config.redis`). */
export interface KongRedisOptions {
  /** `host`. */
  readonly host: string;
  /** `port`. @default 6379 */
  readonly port?: number;
  /** `database`. @default 0 */
  readonly database?: number;
  /** `username` (Redis 6 ACL user). @default - none */
  readonly username?: string;
  /** The password, read by KIC from a Secret into `config.redis.password` (`configPatches`); never a literal. @default - no password */
  readonly password?: KongSecretKeyRef;
  /** `ssl`: connect over TLS. @default false */
  readonly ssl?: boolean;
  /** `ssl_verify`: verify the server certificate (Kong's `lua_ssl_trusted_certificate` must hold its CA). @default true when `ssl` */
  readonly sslVerify?: boolean;
  /** `server_name`: SNI and name checked in the certificate. @default - `host` when `ssl` */
  readonly serverName?: string;
  /** `timeout` of Redis calls. @default - Kong's 2000 ms */
  readonly timeout?: Duration;
}

/** Options of {@link KongPlugin.rateLimiting}: at least one window. @see https://developer.konghq.com/plugins/rate-limiting/reference/ */
export interface RateLimitingOptions extends KongPluginOptions {
  /** `config.second`: requests per second. @default - no per-second limit */
  readonly second?: number;
  /** `config.minute`. @default - none */
  readonly minute?: number;
  /** `config.hour`. @default - none */
  readonly hour?: number;
  /** `config.day`. @default - none */
  readonly day?: number;
  /** `config.month`. @default - none */
  readonly month?: number;
  /** `config.year`. @default - none */
  readonly year?: number;
  /** `config.limit_by`: the counter identifier (the consumer falls back to the credential, then the IP). @default 'consumer' */
  readonly limitBy?: KongLimitBy;
  /** `config.header_name`, required for `limitBy: 'header'`. @default - none */
  readonly headerName?: string;
  /** `config.path`, required for `limitBy: 'path'`. @default - none */
  readonly path?: string;
  /** `config.policy`: `local` (each proxy replica counts alone) or `redis` (shared). `cluster` (counters in Kong's PostgreSQL) is not offered: it adds a database write per request, and Redis is the shared store the platforms use. @default 'local' */
  readonly policy?: 'local' | 'redis';
  /** `config.redis`, required for `policy: 'redis'`. @default - none */
  readonly redis?: KongRedisOptions;
  /** `config.fault_tolerant`: proxy requests (unlimited) when Redis is unreachable instead of answering 500. @default - Kong's default, true */
  readonly faultTolerant?: boolean;
  /** `config.hide_client_headers`: omit `X-RateLimit-*` / `RateLimit-*` response headers. @default - Kong's default, false */
  readonly hideClientHeaders?: boolean;
  /** `config.error_code`: status when over the limit. @default - Kong's default, 429 */
  readonly errorCode?: number;
  /** `config.error_message`. @default - Kong's default, "API rate limit exceeded" */
  readonly errorMessage?: string;
}

/** An HTTP method of CORS `config.methods`. */
export type KongCorsMethod = 'GET' | 'HEAD' | 'PUT' | 'PATCH' | 'POST' | 'DELETE' | 'OPTIONS' | 'TRACE' | 'CONNECT';

/** Options of {@link KongPlugin.cors}. @see https://developer.konghq.com/plugins/cors/reference/ */
export interface CorsOptions extends KongPluginOptions {
  /** `config.origins`: allowed origins (`https://app.example.com`, a regex that starts with `http://` or `https://`, or `*`). At least one; `javascript:`, `file:` or `null` origins are refused. */
  readonly origins: readonly string[];
  /** `config.methods`. @default - Kong's default (GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS, TRACE, CONNECT) */
  readonly methods?: readonly KongCorsMethod[];
  /** `config.headers`: `Access-Control-Allow-Headers`. @default - the request's `Access-Control-Request-Headers` */
  readonly headers?: readonly string[];
  /** `config.exposed_headers`: `Access-Control-Expose-Headers`. @default - none */
  readonly exposedHeaders?: readonly string[];
  /** `config.credentials`: `Access-Control-Allow-Credentials: true` (not with origin `*`). @default false */
  readonly credentials?: boolean;
  /** `config.max_age`: how long browsers cache the preflight. @default - not sent */
  readonly maxAge?: Duration;
  /** `config.preflight_continue`: proxy preflight requests upstream. @default false */
  readonly preflightContinue?: boolean;
  /** `config.private_network`: `Access-Control-Allow-Private-Network: true`. @default false */
  readonly privateNetwork?: boolean;
}

/** Options of {@link KongPlugin.requestTermination}. @see https://developer.konghq.com/plugins/request-termination/reference/ */
export interface RequestTerminationOptions extends KongPluginOptions {
  /** `config.status_code`, 100-599. */
  readonly statusCode: number;
  /** `config.message`: the JSON message (`{"message": ...}`). Not with `body`. @default - Kong's default for the status */
  readonly message?: string;
  /** `config.body`: a raw response body instead of the JSON message. @default - none */
  readonly body?: string;
  /** `config.content_type`: the media type of `body` (requires `body`). @default - none */
  readonly contentType?: string;
  /** `config.echo`: answer with a copy of the request (debugging; not with `body`). @default - Kong's false */
  readonly echo?: boolean;
  /** `config.trigger`: terminate only requests carrying this header or query argument; others pass. @default - every request */
  readonly trigger?: string;
}

/** Name/value pairs of a transformer field (`headers`, `querystring`, `body` or `json`), rendered as Kong's `name:value` list, sorted by name. */
export type KongTransformPairs = Readonly<Record<string, string>>;

/** One request-transformer operation on headers, query string and form body. */
export interface RequestTransformFields<T> {
  /** `headers`. @default - none */
  readonly headers?: T;
  /** `querystring`. @default - none */
  readonly querystring?: T;
  /** `body` (form-encoded, multipart or JSON bodies). @default - none */
  readonly body?: T;
}

/**
 * Options of {@link KongPlugin.requestTransformer}: at least one change.
 * Kong applies the operations in this order: remove, rename, replace, add, append.
 *
 * @see https://developer.konghq.com/plugins/request-transformer/reference/
 */
export interface RequestTransformerOptions extends KongPluginOptions {
  /** `config.remove`: names to drop. @default - none */
  readonly remove?: RequestTransformFields<readonly string[]>;
  /** `config.rename`: old name to new name. @default - none */
  readonly rename?: RequestTransformFields<KongTransformPairs>;
  /** `config.replace`: values replaced when the name is present; `uri` replaces the upstream path. @default - none */
  readonly replace?: RequestTransformFields<KongTransformPairs> & { readonly uri?: string };
  /** `config.add`: values added when the name is absent. @default - none */
  readonly add?: RequestTransformFields<KongTransformPairs>;
  /** `config.append`: values appended (a header may then carry several values). @default - none */
  readonly append?: RequestTransformFields<KongTransformPairs>;
  /** `config.http_method`: the method sent upstream. @default - the client's method */
  readonly httpMethod?: KongCorsMethod;
}

/** One response-transformer operation on headers and JSON body fields. */
export interface ResponseTransformFields<T> {
  /** `headers`. @default - none */
  readonly headers?: T;
  /** `json`: top-level fields of a JSON body. @default - none */
  readonly json?: T;
}

/**
 * Options of {@link KongPlugin.responseTransformer}: at least one change.
 * Kong applies the operations in this order: remove, rename, replace, add, append.
 *
 * @see https://developer.konghq.com/plugins/response-transformer/reference/
 */
export interface ResponseTransformerOptions extends KongPluginOptions {
  /** `config.remove`: names to drop (e.g. `server`, `x-powered-by`). @default - none */
  readonly remove?: ResponseTransformFields<readonly string[]>;
  /** `config.rename`: old name to new name. @default - none */
  readonly rename?: ResponseTransformFields<KongTransformPairs>;
  /** `config.replace`: values replaced when present. @default - none */
  readonly replace?: ResponseTransformFields<KongTransformPairs>;
  /** `config.add`: values added when absent. @default - none */
  readonly add?: ResponseTransformFields<KongTransformPairs>;
  /** `config.append`: values appended. @default - none */
  readonly append?: ResponseTransformFields<KongTransformPairs>;
}

/**
 * Options of {@link KongPlugin.ipRestriction}: at least one of `allow` and
 * `deny`; a `deny` entry wins over an `allow` entry.
 *
 * @see https://developer.konghq.com/plugins/ip-restriction/reference/
 */
export interface IpRestrictionOptions extends KongPluginOptions {
  /** `config.allow`: client addresses or CIDR blocks (IPv4 or IPv6) allowed; every other client is refused. @default - none */
  readonly allow?: readonly string[];
  /** `config.deny`: client addresses or CIDR blocks refused. @default - none */
  readonly deny?: readonly string[];
  /** `config.status`: the status of a refused request. @default - Kong's default, 403 */
  readonly status?: number;
  /** `config.message`: the message of a refused request. @default - Kong's default, "IP address not allowed" */
  readonly message?: string;
}

const PLUGIN_NAME = /^[a-z][a-z0-9-]*$/;
const HEADER_NAME = /^[A-Za-z0-9_-]+$/;
const ORDERED_WINDOWS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;
const CORS_METHODS: readonly KongCorsMethod[] = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'];
const MAX_EXPIRATION_SECONDS = 31_536_000;

/**
 * A Kong Ingress Controller `KongPlugin` (configuration.konghq.com/v1): one
 * Kong plugin configuration, applied to the routes, Services, KongConsumers
 * (and, on Kong Enterprise, KongConsumerGroups) that list it in their
 * `konghq.com/plugins` annotation (see {@link attachKongPlugins}). A plugin
 * listed by both a consumer and a route runs only for that consumer on that
 * route.
 *
 * Typed factories build the plugins the access-policy engine and the
 * catalog use, with secure defaults: {@link KongPlugin.keyAuth},
 * {@link KongPlugin.jwt}, {@link KongPlugin.acl},
 * {@link KongPlugin.rateLimiting}, {@link KongPlugin.cors},
 * {@link KongPlugin.requestTermination}, {@link KongPlugin.requestTransformer},
 * {@link KongPlugin.responseTransformer}, {@link KongPlugin.ipRestriction},
 * {@link KongPlugin.correlationId}, {@link KongPlugin.basicAuth},
 * {@link KongPlugin.oauth2}, {@link KongPlugin.proxyCache},
 * {@link KongPlugin.hmacAuth}, {@link KongPlugin.udpLog}.
 * Any other plugin:
 *
 * ```ts
 * new KongPlugin(models, 'correlation', { plugin: 'correlation-id', config: { header_name: 'x-request-id' } });
 * ```
 *
 * @see https://developer.konghq.com/kubernetes-ingress-controller/reference/custom-resources/#kongplugin
 */
export class KongPlugin extends Construct implements IKongPlugin {
  /**
   * A plugin defined elsewhere (a KongClusterPlugin, or a KongPlugin not in this app), by name,
   * to list in `konghq.com/plugins`. Emits nothing.
   *
   * @throws ModelServingError when `name` is not a DNS-1123 subdomain
   */
  public static fromPluginName(scope: Construct, id: string, name: string): IKongPlugin {
    return new ImportedKongPlugin(scope, id, name);
  }

  /**
   * `key-auth`: callers present a key credential of a KongConsumer; a
   * missing or unknown key gets 401 unless `anonymous` is set.
   *
   * @throws ModelServingError for a bad header name, or no place to read the key from
   */
  public static keyAuth(scope: Construct, id: string, options: KeyAuthOptions = {}): KongPlugin {
    const keyNames = options.keyNames ?? ['apikey'];
    const path = `${scope.node.path}/${id}`;
    if (keyNames.length === 0) invalid(path, 'config.key_names', 'must list at least one name', [], "use e.g. ['x-api-key']");
    keyNames.forEach((k, i) => {
      if (!HEADER_NAME.test(k)) invalid(path, `config.key_names[${i}]`, 'must be a header name (letters, digits, - and _)', k, 'use e.g. x-api-key');
    });
    const inHeader = options.keyInHeader ?? true;
    const inQuery = options.keyInQuery ?? false;
    const inBody = options.keyInBody ?? false;
    if (!inHeader && !inQuery && !inBody) invalid(path, 'config.key_in_header', 'leaves no place to read the key from (header, query and body all off)', false, 'keep keyInHeader: true');
    return new KongPlugin(scope, id, {
      ...options,
      plugin: 'key-auth',
      config: {
        key_names: [...keyNames],
        key_in_header: inHeader,
        key_in_query: inQuery,
        key_in_body: inBody,
        hide_credentials: options.hideCredentials ?? true,
        anonymous: options.anonymous,
        run_on_preflight: options.runOnPreflight,
      },
    });
  }

  /**
   * `jwt`: callers send a JWT signed with the key of a KongConsumer's jwt
   * credential, found by the `key_claim_name` claim (`iss`). Kong OSS never
   * fetches a JWKS and never checks `aud`.
   *
   * @throws ModelServingError for bad header names, no token location, or a maximum expiration without `exp` verification
   */
  public static jwt(scope: Construct, id: string, options: JwtPluginOptions = {}): KongPlugin {
    const path = `${scope.node.path}/${id}`;
    const headerNames = options.headerNames ?? ['authorization'];
    const uriParamNames = options.uriParamNames ?? [];
    const cookieNames = options.cookieNames ?? [];
    const claims = options.claimsToVerify ?? ['exp'];
    headerNames.forEach((h, i) => {
      if (!HEADER_NAME.test(h)) invalid(path, `config.header_names[${i}]`, 'must be a header name (letters, digits, - and _)', h, 'use authorization');
    });
    if (headerNames.length + uriParamNames.length + cookieNames.length === 0) invalid(path, 'config.header_names', 'leaves no place to read the token from', [], "keep headerNames: ['authorization']");
    claims.forEach((c, i) => {
      if (c !== 'exp' && c !== 'nbf') invalid(path, `config.claims_to_verify[${i}]`, "must be 'exp' or 'nbf'", c, "use ['exp']");
    });
    let maximumExpiration: number | undefined;
    if (options.maximumExpiration !== undefined) {
      maximumExpiration = options.maximumExpiration.toSeconds({ integral: false });
      if (!Number.isInteger(maximumExpiration) || maximumExpiration < 1 || maximumExpiration > MAX_EXPIRATION_SECONDS) {
        invalid(path, 'config.maximum_expiration', 'must be between 1 second and 365 days', `${maximumExpiration}s`, 'use e.g. Duration.hours(1)');
      }
      if (!claims.includes('exp')) invalid(path, 'config.maximum_expiration', "needs 'exp' in claimsToVerify", claims, "add 'exp' to claimsToVerify");
    }
    return new KongPlugin(scope, id, {
      ...options,
      plugin: 'jwt',
      config: {
        header_names: [...headerNames],
        uri_param_names: [...uriParamNames],
        cookie_names: [...cookieNames],
        claims_to_verify: [...new Set(claims)].sort(),
        key_claim_name: options.keyClaimName ?? 'iss',
        maximum_expiration: maximumExpiration,
        anonymous: options.anonymous,
        run_on_preflight: options.runOnPreflight,
      },
    });
  }

  /**
   * `acl`: allows (or denies) consumers by ACL group; the groups come from
   * the consumers' `acl` credentials. A consumer not allowed gets 403.
   *
   * @throws ModelServingError unless exactly one of `allow` and `deny` is a non-empty list
   */
  public static acl(scope: Construct, id: string, options: AclOptions): KongPlugin {
    const path = `${scope.node.path}/${id}`;
    const allow = options.allow ?? [];
    const deny = options.deny ?? [];
    if ((allow.length === 0) === (deny.length === 0)) {
      invalid(path, 'config.allow', 'and config.deny: exactly one must be a non-empty list', { allow, deny }, 'pass allow: [groups] (deny by default) or deny: [groups]');
    }
    [...allow, ...deny].forEach((g) => {
      if (typeof g !== 'string' || g.trim() === '' || g.includes(',')) invalid(path, 'config.allow', 'must hold non-empty group names without commas', g, 'use group names such as "premium"');
    });
    return new KongPlugin(scope, id, {
      ...options,
      plugin: 'acl',
      config: {
        allow: allow.length > 0 ? [...new Set(allow)].sort() : undefined,
        deny: deny.length > 0 ? [...new Set(deny)].sort() : undefined,
        hide_groups_header: options.hideGroupsHeader ?? false,
        include_consumer_groups: options.includeConsumerGroups,
      },
    });
  }

  /**
   * `rate-limiting` (Kong OSS): fixed windows per second, minute, hour, day,
   * month or year, counted per `limit_by` identifier and per Kong route (or
   * Service) the plugin instance is scoped to; over the limit, 429.
   *
   * @throws ModelServingError for no window, a non-positive or non-integer
   *   limit, a longer window with a lower limit than a shorter one, a missing
   *   `headerName`/`path`/`redis`, or `redis` with `policy: 'local'`
   */
  public static rateLimiting(scope: Construct, id: string, options: RateLimitingOptions): KongPlugin {
    const path = `${scope.node.path}/${id}`;
    const windows = ORDERED_WINDOWS.filter((w) => options[w] !== undefined);
    if (windows.length === 0) invalid(path, 'config', 'needs at least one limit (second, minute, hour, day, month or year)', {}, 'pass e.g. minute: 100');
    for (const w of windows) {
      const n = options[w];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) invalid(path, `config.${w}`, 'must be a positive integer (requests per window)', n, `use e.g. ${w}: 100`);
      // Kong keeps limits as Lua numbers (doubles): beyond 2^53 the count is no longer exact.
      if (n > Number.MAX_SAFE_INTEGER) invalid(path, `config.${w}`, `must be at most ${Number.MAX_SAFE_INTEGER} (Kong counts in doubles)`, n, `use a smaller ${w} limit`);
    }
    for (let i = 0; i < windows.length; i++) {
      for (let j = i + 1; j < windows.length; j++) {
        const lower = windows[i] as (typeof ORDERED_WINDOWS)[number];
        const upper = windows[j] as (typeof ORDERED_WINDOWS)[number];
        if ((options[upper] as number) < (options[lower] as number)) {
          invalid(path, `config.${upper}`, `(${options[upper]}) must not be lower than config.${lower} (${options[lower]}): Kong rejects the plugin`, options[upper], `raise the ${upper} limit to at least ${options[lower]}, or drop one of them`);
        }
      }
    }
    const limitBy = options.limitBy ?? 'consumer';
    if (limitBy === 'header' && (!options.headerName || !HEADER_NAME.test(options.headerName))) invalid(path, 'config.header_name', "is required (a header name) for limitBy 'header'", options.headerName, "pass headerName: 'x-user-id'");
    if (limitBy === 'path' && !options.path?.startsWith('/')) invalid(path, 'config.path', "is required (an absolute path) for limitBy 'path'", options.path, "pass path: '/v1/chat'");
    const policy = assertOneOf(path, 'config.policy', options.policy ?? 'local', ['local', 'redis']);
    if (policy === 'redis' && !options.redis) invalid(path, 'config.redis', "is required for policy 'redis'", undefined, 'pass redis: { host, port }');
    if (policy === 'local' && options.redis) invalid(path, 'config.redis', "is only used with policy 'redis'", options.redis.host, "set policy: 'redis', or drop redis");
    if (options.errorCode !== undefined && (!Number.isInteger(options.errorCode) || options.errorCode < 100 || options.errorCode > 599)) {
      invalid(path, 'config.error_code', 'must be an HTTP status code', options.errorCode, 'use 429');
    }
    const redis = options.redis;
    let redisConfig: Record<string, unknown> | undefined;
    const patches: KongConfigPatch[] = [];
    if (redis) {
      if (!isDnsSubdomain(redis.host)) invalid(path, 'config.redis.host', "must be a lower-case host name (a DNS-1123 subdomain: letters, digits, '-' and '.', at most 253 characters)", redis.host, 'use the Service DNS name, e.g. redis.data.svc.cluster.local');
      const port = redis.port ?? 6379;
      assertPort(path, 'config.redis.port', port, 'use 6379');
      const database = redis.database ?? 0;
      if (!Number.isInteger(database) || database < 0) invalid(path, 'config.redis.database', 'must be an integer >= 0', database, 'use 0');
      const ssl = redis.ssl ?? false;
      redisConfig = {
        host: redis.host,
        port,
        database,
        username: redis.username,
        ssl,
        ssl_verify: ssl ? (redis.sslVerify ?? true) : redis.sslVerify,
        server_name: ssl ? (redis.serverName ?? redis.host) : redis.serverName,
        timeout: redis.timeout?.toMilliseconds(),
      };
      if (redis.password) patches.push({ path: '/redis/password', valueFrom: redis.password });
    }
    return new KongPlugin(scope, id, {
      ...options,
      plugin: 'rate-limiting',
      config: {
        second: options.second,
        minute: options.minute,
        hour: options.hour,
        day: options.day,
        month: options.month,
        year: options.year,
        limit_by: limitBy,
        header_name: options.headerName,
        path: options.path,
        policy,
        redis: redisConfig,
        fault_tolerant: options.faultTolerant,
        hide_client_headers: options.hideClientHeaders,
        error_code: options.errorCode,
        error_message: options.errorMessage,
      },
      configPatches: patches,
    });
  }

  /**
   * `cors`: answers CORS preflight requests and adds the CORS headers for
   * the allowed origins.
   *
   * @throws ModelServingError for no origin, an origin with a path, an
   *   unknown method, a negative max age, or credentials with origin `*`,
   *   `https://*` or `http://*`, or with `*` headers or exposed headers (Fetch standard)
   */
  public static cors(scope: Construct, id: string, options: CorsOptions): KongPlugin {
    const path = `${scope.node.path}/${id}`;
    if (options.origins.length === 0) invalid(path, 'config.origins', 'must list at least one origin', [], "pass origins: ['https://app.example.com']");
    options.origins.forEach((o, i) => {
      if (typeof o !== 'string' || o.trim() === '') invalid(path, `config.origins[${i}]`, 'must be a non-empty origin', o, 'use e.g. https://app.example.com');
    });
    assertCorsOrigins(path, 'config.origins', options.origins, options.credentials, 'config.credentials');
    options.headers?.forEach((h, i) => h === '*' || assertHttpHeaderName(path, `config.headers[${i}]`, h));
    options.exposedHeaders?.forEach((h, i) => h === '*' || assertHttpHeaderName(path, `config.exposed_headers[${i}]`, h));
    assertNoCorsWildcardsWithCredentials(path, options.credentials, 'config.credentials', { 'config.methods': options.methods as readonly unknown[] | undefined, 'config.headers': options.headers, 'config.exposed_headers': options.exposedHeaders });
    options.methods?.forEach((m, i) => {
      if (!CORS_METHODS.includes(m)) invalid(path, `config.methods[${i}]`, `must be one of ${CORS_METHODS.join(', ')}`, m, 'use an upper-case HTTP method');
    });
    const maxAge = options.maxAge?.toSeconds({ integral: false });
    if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 0)) invalid(path, 'config.max_age', 'must be a whole number of seconds >= 0', maxAge, 'use e.g. Duration.hours(1)');
    return new KongPlugin(scope, id, {
      ...options,
      plugin: 'cors',
      config: {
        origins: [...options.origins],
        methods: options.methods ? [...options.methods] : undefined,
        headers: options.headers ? [...options.headers] : undefined,
        exposed_headers: options.exposedHeaders ? [...options.exposedHeaders] : undefined,
        credentials: options.credentials ?? false,
        max_age: maxAge,
        preflight_continue: options.preflightContinue ?? false,
        private_network: options.privateNetwork,
      },
    });
  }

  /**
   * `request-termination`: answers every request it applies to with a fixed
   * status (e.g. 403 on a route no caller may use), without reaching a backend.
   *
   * @throws ModelServingError for a status outside 100-599
   */
  public static requestTermination(scope: Construct, id: string, options: RequestTerminationOptions): KongPlugin {
    const path = `${scope.node.path}/${id}`;
    if (options.statusCode === undefined) invalid(path, 'config.status_code', 'is required', undefined, 'pass e.g. statusCode: 403');
    return new KongPlugin(scope, id, { ...options, plugin: 'request-termination', config: renderRequestTermination(path, options) });
  }

  /**
   * `correlation-id`: gives each request an id in a header (kept when the
   * client sent one), for tracing a request through logs. Only the options
   * given are written; Kong fills in its defaults.
   *
   * @throws ModelServingError for a bad or credential header name, or an unknown generator
   */
  public static correlationId(scope: Construct, id: string, options: CorrelationIdOptions = {}): KongPlugin {
    return new KongPlugin(scope, id, { ...options, plugin: 'correlation-id', config: renderCorrelationId(`${scope.node.path}/${id}`, options) });
  }

  /**
   * `basic-auth`: callers send `Authorization: Basic` with the username and
   * password of a KongConsumer's basic-auth credential; a missing or wrong
   * password gets 401 unless `anonymous` is set. The password is stripped
   * before proxying unless `hideCredentials: false`.
   *
   * @throws ModelServingError for a realm with quotes or line breaks, or an empty anonymous consumer
   */
  public static basicAuth(scope: Construct, id: string, options: BasicAuthOptions = {}): KongPlugin {
    return new KongPlugin(scope, id, { ...options, plugin: 'basic-auth', config: renderBasicAuth(`${scope.node.path}/${id}`, options) });
  }

  /**
   * `oauth2`: Kong acts as the OAuth 2.0 authorization server of the route
   * (authorization-code and client-credentials grants), issuing and checking
   * its own tokens; clients are the oauth2 credentials of KongConsumers.
   * Kong generates the plugin's `provision_key`: it is never written here.
   *
   * @throws ModelServingError for no grant, the implicit or password grant
   *   (RFC 9700), a mandatory scope without scopes, or a token lifetime of
   *   zero or not whole seconds
   */
  public static oauth2(scope: Construct, id: string, options: OAuth2Options): KongPlugin {
    return new KongPlugin(scope, id, { ...options, plugin: 'oauth2', config: renderOAuth2(`${scope.node.path}/${id}`, options) });
  }

  /**
   * `hmac-auth`: callers sign requests (HTTP Signatures) with the secret of a
   * KongConsumer's hmac-auth credential. The signature is stripped before
   * proxying unless `hideCredentials: false`; the body is signed only with
   * `validateRequestBody`.
   *
   * @throws ModelServingError for an empty or unknown algorithm list, a bad enforced header, or a non-positive clock skew
   */
  public static hmacAuth(scope: Construct, id: string, options: HmacAuthOptions = {}): KongPlugin {
    return new KongPlugin(scope, id, { ...options, plugin: 'hmac-auth', config: renderHmacAuth(`${scope.node.path}/${id}`, options) });
  }

  /**
   * `udp-log`: sends a JSON log entry of each request and response to a UDP
   * server.
   *
   * @throws ModelServingError for a bad host, port or timeout
   */
  public static udpLog(scope: Construct, id: string, options: UdpLogOptions): KongPlugin {
    return new KongPlugin(scope, id, { ...options, plugin: 'udp-log', config: renderUdpLog(`${scope.node.path}/${id}`, options) });
  }

  /**
   * `proxy-cache` (in-memory): serves cached responses to GET and HEAD
   * requests, keyed by consumer, route, path, query and `varyHeaders`.
   * Honours `Cache-Control` unless `cacheControl: false`.
   *
   * @throws ModelServingError for POST, PUT or PATCH (the key ignores the
   *   body), a status outside 100-900, or a TTL that is not a positive whole
   *   number of seconds
   */
  public static proxyCache(scope: Construct, id: string, options: ProxyCacheOptions = {}): KongPlugin {
    return new KongPlugin(scope, id, { ...options, plugin: 'proxy-cache', config: renderProxyCache(`${scope.node.path}/${id}`, options) });
  }

  /**
   * `request-transformer`: changes the request before it is proxied:
   * headers, query string and body fields removed, renamed, replaced, added
   * or appended, and optionally the method and path.
   *
   * @throws ModelServingError for no change at all, a name with characters
   *   Kong's `name:value` lists cannot carry, a value with a line break, a
   *   literal credential header (Authorization, Cookie, API keys), or a path
   *   that is not absolute
   */
  public static requestTransformer(scope: Construct, id: string, options: RequestTransformerOptions): KongPlugin {
    const path = `${scope.node.path}/${id}`;
    const fields = ['headers', 'querystring', 'body'] as const;
    const config: Record<string, unknown> = {};
    for (const op of TRANSFORM_OPERATIONS) {
      const given = options[op] as Record<string, unknown> | undefined;
      const rendered = renderTransform(path, op, given, fields);
      if (op === 'replace' && options.replace?.uri !== undefined) {
        const uri = options.replace.uri;
        if (typeof uri !== 'string' || !uri.startsWith('/') || /\s/.test(uri)) invalid(path, 'config.replace.uri', 'must be an absolute path without spaces', uri, 'use e.g. /v2/orders');
        assertSafePath(path, 'config.replace.uri', uri, 'use the normalized upstream path, e.g. /v2/orders');
        config.replace = { ...(rendered ?? {}), uri };
      } else if (rendered) config[op] = rendered;
    }
    if (options.httpMethod !== undefined) {
      if (!CORS_METHODS.includes(options.httpMethod)) invalid(path, 'config.http_method', `must be one of ${CORS_METHODS.join(', ')}`, options.httpMethod, 'use an upper-case HTTP method');
      config.http_method = options.httpMethod;
    }
    if (Object.keys(config).length === 0) invalid(path, 'config', 'changes nothing (no remove, rename, replace, add, append or http_method)', {}, "pass e.g. add: { headers: { 'x-gateway': 'kong' } }");
    return new KongPlugin(scope, id, { ...options, plugin: 'request-transformer', config });
  }

  /**
   * `response-transformer`: changes the response before it is returned:
   * headers and top-level JSON body fields removed, renamed, replaced, added
   * or appended (e.g. drop `server` and `x-powered-by`).
   *
   * @throws ModelServingError for no change at all, a bad name, a value with
   *   a line break, or a literal credential header (Set-Cookie, Authorization)
   */
  public static responseTransformer(scope: Construct, id: string, options: ResponseTransformerOptions): KongPlugin {
    const path = `${scope.node.path}/${id}`;
    const config: Record<string, unknown> = {};
    for (const op of TRANSFORM_OPERATIONS) {
      const rendered = renderTransform(path, op, options[op] as Record<string, unknown> | undefined, ['headers', 'json']);
      if (rendered) config[op] = rendered;
    }
    if (Object.keys(config).length === 0) invalid(path, 'config', 'changes nothing (no remove, rename, replace, add or append)', {}, "pass e.g. remove: { headers: ['server', 'x-powered-by'] }");
    return new KongPlugin(scope, id, { ...options, plugin: 'response-transformer', config });
  }

  /**
   * `ip-restriction`: refuses clients by address. Kong sees the client
   * address of the TCP connection unless `trusted_ips` and `real_ip_header`
   * are set behind a load balancer, so allow lists must name the addresses
   * Kong sees.
   *
   * @throws ModelServingError for no list, an entry that is not an IPv4/IPv6
   *   address or CIDR block, a duplicate entry, or a status outside 100-599
   */
  public static ipRestriction(scope: Construct, id: string, options: IpRestrictionOptions): KongPlugin {
    const path = `${scope.node.path}/${id}`;
    const allow = options.allow ?? [];
    const deny = options.deny ?? [];
    if (allow.length === 0 && deny.length === 0) invalid(path, 'config.allow', 'and config.deny are both empty: the plugin would restrict nothing', { allow, deny }, "pass allow: ['10.0.0.0/8'] (only those clients) or deny: [...]");
    for (const [field, list] of [
      ['allow', allow],
      ['deny', deny],
    ] as const) {
      const seen = new Set<string>();
      list.forEach((entry, i) => {
        if (!isIpOrCidr(entry)) invalid(path, `config.${field}[${i}]`, 'must be an IPv4 or IPv6 address or CIDR block', entry, 'use e.g. 10.0.0.0/8 or 192.168.1.10');
        if (seen.has(entry)) invalid(path, `config.${field}[${i}]`, 'is listed twice', entry, 'list each address once');
        seen.add(entry);
      });
    }
    // Kong's ip-restriction checks deny before allow (kong/plugins/ip-restriction/handler.lua): an allowed
    // address inside a denied block is refused, so the allow entry would not mean what it says.
    const shadowed = allowShadowedByDeny(allow, deny);
    if (shadowed) {
      invalid(path, `config.allow[${shadowed.allowIndex}]`, `lies inside config.deny[${shadowed.denyIndex}] (${shadowed.deny}): Kong checks deny first, so these clients are refused despite the allow entry`, shadowed.allow, 'remove the address from one of the lists (deny may carve exceptions out of an allowed block, not the other way round)');
    }
    if (options.status !== undefined && (!Number.isInteger(options.status) || options.status < 100 || options.status > 599)) {
      invalid(path, 'config.status', 'must be an HTTP status code between 100 and 599', options.status, 'use 403');
    }
    return new KongPlugin(scope, id, {
      ...options,
      plugin: 'ip-restriction',
      config: {
        allow: allow.length > 0 ? [...allow].sort() : undefined,
        deny: deny.length > 0 ? [...deny].sort() : undefined,
        status: options.status,
        message: options.message,
      },
    });
  }

  /** `metadata.name`. */
  public readonly pluginName: string;
  /** `metadata.namespace` (the chart's). */
  public readonly pluginNamespace?: string;
  /** `plugin`: the Kong plugin name. */
  public readonly plugin: string;
  /** The L1 object. */
  public readonly resource: kong.KongPlugin;

  /**
   * @throws ModelServingError for a bad name or plugin name, `config` with
   *   `configFrom`, `configFrom` with `configPatches`, a patch path that is
   *   not a JSON pointer, a Secret in another namespace, an empty protocol
   *   list, or a literal string under a credential-looking `config` key
   *   (`password`, `client_secret`, `api_key`...: use `configPatches`)
   */
  public constructor(scope: Construct, id: string, props: KongPluginProps) {
    checkProps(childPath(scope, id), props, 'KongPluginProps');
    super(scope, id);
    this.pluginName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.pluginNamespace = Chart.of(this).namespace;
    if (typeof props.plugin !== 'string' || !PLUGIN_NAME.test(props.plugin)) invalid(this, 'plugin', 'must be a Kong plugin name (lower-case letters, digits and -)', props.plugin, "use e.g. 'key-auth'");
    this.plugin = props.plugin;
    if (props.config !== undefined) {
      checkRecordKeysDeep(this, 'config', props.config);
      this.checkNoLiteralSecrets(props.config, []);
      // oauth2's provision_key is a secret Kong generates (auto = true in kong/plugins/oauth2/schema.lua); SECRET_NAME misses it.
      if (props.plugin === 'oauth2' && typeof props.config.provision_key === 'string') invalid(this, 'config.provision_key', 'is a secret Kong generates for the plugin; a literal would be committed to dist/', '<redacted>', 'leave it out: Kong generates it (read it back from the Admin API where the authorization page needs it)');
      refuseCredential(this, 'config', props.config, 'leave it out of config and read it from a Secret with configPatches (or configFrom for the whole config)');
    }
    const patches = props.configPatches ?? [];
    if (props.config !== undefined && props.configFrom) invalid(this, 'configFrom', 'cannot be used together with config (the CRD refuses both)', props.configFrom.secret.secretName, 'put the whole config in the Secret, or use config with configPatches');
    if (props.configFrom && patches.length > 0) invalid(this, 'configPatches', 'cannot be used together with configFrom (the CRD refuses both)', patches.map((p) => p.path), 'use config with configPatches');
    if (props.configFrom) this.checkSecretRef('configFrom.secretKeyRef', props.configFrom);
    const paths = new Set<string>();
    patches.forEach((p, i) => {
      if (!/^(\/([^~/]|~[01])*)+$/.test(p.path)) invalid(this, `configPatches[${i}].path`, 'must be a JSON pointer such as /redis/password', p.path, 'start the path with / and separate fields with /');
      if (paths.has(p.path)) invalid(this, `configPatches[${i}].path`, 'is patched twice', p.path, 'patch each field once');
      paths.add(p.path);
      this.checkSecretRef(`configPatches[${i}].valueFrom.secretKeyRef`, p.valueFrom);
    });
    if (props.protocols !== undefined && props.protocols.length === 0) invalid(this, 'protocols', 'must not be empty', [], 'omit protocols for the plugin default');
    props.protocols?.forEach((p, i) => {
      if (!Object.hasOwn(PROTOCOLS, p)) invalid(this, `protocols[${i}]`, `must be one of ${Object.keys(PROTOCOLS).join(', ')}`, p, "use e.g. 'https'");
    });
    if (props.instanceName !== undefined && !/^[A-Za-z0-9._~-]+$/.test(props.instanceName)) {
      invalid(this, 'instanceName', 'must only contain letters, digits and . _ ~ -', props.instanceName, 'use e.g. "models-auth"');
    }
    this.resource = new kong.KongPlugin(this, 'Resource', {
      metadata: { name: this.pluginName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedRecord(this, 'annotations', props.annotations) },
      plugin: props.plugin,
      config: props.config === undefined ? undefined : withoutUndefined(props.config),
      configFrom: props.configFrom ? { secretKeyRef: { name: props.configFrom.secret.secretName, key: props.configFrom.key } } : undefined,
      configPatches: patches.length > 0 ? patches.map((p) => ({ path: p.path, valueFrom: { secretKeyRef: { name: p.valueFrom.secret.secretName, key: p.valueFrom.key } } })) : undefined,
      disabled: props.disabled,
      instanceName: props.instanceName,
      protocols: props.protocols?.map((p) => PROTOCOLS[p]),
    });
  }

  /**
   * Refuses a literal string under a credential-looking config key
   * (`password`, `client_secret`, `api_key`, `token`, at any depth): it would
   * be committed to `dist/`. Such values come from a Secret through
   * `configPatches` (or the whole config through `configFrom`).
   */
  private checkNoLiteralSecrets(value: unknown, at: readonly string[]): void {
    if (Array.isArray(value)) {
      value.forEach((v) => this.checkNoLiteralSecrets(v, at));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value)) {
      const path = [...at, key];
      const literal = (x: unknown) => typeof x === 'string' && x !== '';
      if (SECRET_NAME.test(key) && (literal(v) || (Array.isArray(v) && v.some(literal)))) {
        const pointer = path.map((k) => `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
        invalid(
          this,
          `config.${path.join('.')}`,
          'looks like a credential but has a literal value, which would be committed to dist/',
          '<redacted>',
          `leave it out of config and read it from a Secret: configPatches: [{ path: '${pointer}', valueFrom: { secret: SecretRef.named('my-secret'), key: '${key}' } }] (or configFrom for the whole config)`,
        );
      }
      this.checkNoLiteralSecrets(v, path);
    }
  }

  private checkSecretRef(field: string, ref: KongSecretKeyRef): void {
    assertDnsSubdomain(this, `${field}.name`, ref.secret.secretName);
    if (!ref.key) invalid(this, `${field}.key`, 'is required', ref.key, 'name the key inside the Secret');
    if (ref.secret.namespace !== undefined && ref.secret.namespace !== this.pluginNamespace) {
      invalid(this, `${field}.name`, `points at a Secret in namespace '${ref.secret.namespace}', but KIC reads it from the plugin's namespace '${this.pluginNamespace ?? '(none)'}'`, ref.secret.secretName, 'create the Secret (or its ExternalSecret) in the plugin namespace');
    }
    noteRequiredSecret(this, this.pluginNamespace, ref.secret.secretName, `${field} (key ${ref.key}) of KongPlugin ${this.node.id}`);
  }
}

/** The transformer operations, in the order Kong applies them. */
const TRANSFORM_OPERATIONS = ['remove', 'rename', 'replace', 'add', 'append'] as const;
const TRANSFORM_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * One transformer operation as Kong's config: `remove` lists names, the
 * others `name:value` (`old:new` for rename) entries sorted by name; empty
 * fields are left out, and undefined when nothing is left.
 */
function renderTransform(path: string, op: (typeof TRANSFORM_OPERATIONS)[number], given: Record<string, unknown> | undefined, fields: readonly string[]): Record<string, string[]> | undefined {
  if (!given) return undefined;
  const out: Record<string, string[]> = {};
  for (const field of fields) {
    const value = given[field];
    if (value === undefined) continue;
    const at = `config.${op}.${field}`;
    let entries: string[];
    if (op === 'remove') {
      const names = value as readonly string[];
      names.forEach((n, i) => {
        if (typeof n !== 'string' || !TRANSFORM_NAME.test(n)) invalid(path, `${at}[${i}]`, 'must be a name of letters, digits, _, . and -', n, 'use e.g. x-powered-by');
      });
      entries = [...new Set(names)].sort();
    } else {
      const pairs = checkedRecord(path, at, value as Readonly<Record<string, string>>);
      entries = Object.keys(pairs)
        .sort()
        .map((name) => {
          const v = pairs[name];
          if (!TRANSFORM_NAME.test(name)) invalid(path, `${at}.${name}`, 'must be a name of letters, digits, _, . and -', name, 'use e.g. x-request-source');
          if (typeof v !== 'string' || /[\r\n]/.test(v)) invalid(path, `${at}.${name}`, 'must be a single-line string', v, 'remove line breaks from the value');
          if (!(field === 'headers' && isCredentialHeader(name))) assertHttpHeaderValue(path, `${at}.${name}`, v);
          if (op === 'rename' && !TRANSFORM_NAME.test(v)) invalid(path, `${at}.${name}`, 'must rename to a name of letters, digits, _, . and -', v, 'use e.g. x-new-name');
          if (op !== 'rename' && field === 'headers' && isCredentialHeader(name)) {
            invalid(path, `${at}.${name}`, 'would set a credential header to a literal committed to dist/', '<redacted>', 'let clients send their own credentials, or inject them from a Secret in the upstream');
          }
          if (op !== 'rename') refuseCredential(path, `${at}.${name}`, v, 'let clients send their own credentials, or inject them from a Secret in the upstream', name);
          return `${name}:${v}`;
        });
    }
    if (entries.length > 0) out[field] = entries;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Something the `konghq.com/plugins` annotation can be put on: a route, Service, KongConsumer or KongConsumerGroup. */
export interface IKongPluginTarget extends IConstruct {
  /** Sets `metadata.annotations[key]`. */
  addAnnotation(key: string, value: string): void;
}

const attached = new WeakMap<IConstruct, Set<string>>();

/**
 * Lists `plugins` in the `konghq.com/plugins` annotation of `target`, after
 * the ones attached before (sorted, without duplicates), so several
 * constructs (an access policy, a CORS plugin from the catalog) can attach
 * plugins to one route.
 *
 * @throws ModelServingError for a plugin in another namespace than the target (KIC needs a ReferenceGrant for that)
 */
export function attachKongPlugins(target: IKongPluginTarget, plugins: readonly IKongPlugin[]): void {
  const targetNamespace = Chart.of(target).namespace;
  let names = attached.get(target);
  if (!names) {
    names = new Set<string>();
    attached.set(target, names);
  }
  for (const p of plugins) {
    if (p.pluginNamespace !== undefined && p.pluginNamespace !== targetNamespace) {
      invalid(target, `metadata.annotations[${KONG_PLUGINS_ANNOTATION}]`, `would list KongPlugin '${p.pluginName}' of namespace '${p.pluginNamespace}' from namespace '${targetNamespace ?? '(none)'}'`, p.pluginName, 'create the plugin in the namespace of the object it is attached to');
    }
    names.add(p.pluginName);
  }
  target.addAnnotation(KONG_PLUGINS_ANNOTATION, [...names].sort().join(','));
}

/** The plugin names attached to `target` with {@link attachKongPlugins}, sorted. */
export function attachedKongPlugins(target: IConstruct): readonly string[] {
  return [...(attached.get(target) ?? [])].sort();
}

/** A copy of `value` without `undefined` entries (nested), so optional fields stay out of the YAML. */
function withoutUndefined(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) ? withoutUndefined(v as Record<string, unknown>) : v;
  }
  return out;
}
