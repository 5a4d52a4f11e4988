import { IConstruct } from 'constructs';
import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { IBackend } from '../core/backend';
import { isCredentialHeader } from '../core/credentials';
import { refuseCredential } from '../core/credential-refusal';
import { invalid } from '../core/errors';
import { assertCorsOrigins, assertHttpHeaderName, assertNoCorsWildcardsWithCredentials, assertHttpHeaderValue } from '../core/http-header';
import { assertSafePath } from '../core/url-path';
import { checkedRecord } from '../core/records';

/**
 * Something usable as an HTTPRoute filter (`rules[].filters[]`): a
 * {@link HttpRouteFilter}, or a vendor object referenced through
 * `ExtensionRef` (e.g. kgateway's `DirectResponse`).
 */
export interface IHttpRouteFilter {
  /** The rendered `filters[]` entry. */
  readonly filterSpec: gw.HttpRouteSpecRulesFilters;
  /** Backends the filter sends traffic to (mirrors), so NetworkPolicies and checks see them. @default - none */
  readonly filterBackends?: readonly IBackend[];
}

/** A path modification of `URLRewrite` or `RequestRedirect`. @see https://gateway-api.sigs.k8s.io/reference/spec/#httppathmodifier */
export class PathModifier {
  /**
   * Replace the whole path with `path`.
   *
   * @throws ModelServingError for a path with NUL, CR, LF, a `.` or `..` segment, or an encoded dot, slash or NUL
   */
  public static replaceFullPath(path: string): PathModifier {
    assertSafePath('PathModifier.replaceFullPath', 'path', path, "write the normalized path, e.g. '/v1/chat/completions'");
    return new PathModifier({ type: gw.HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_FULL_PATH, replaceFullPath: path });
  }

  /**
   * Replace the matched PathPrefix with `prefix` (the rule must have exactly
   * one PathPrefix match): `/qwen3/v1/chat` with prefix `/` becomes `/v1/chat`.
   *
   * @throws ModelServingError as {@link replaceFullPath}
   */
  public static replacePrefixMatch(prefix: string): PathModifier {
    assertSafePath('PathModifier.replacePrefixMatch', 'prefix', prefix, "write the normalized prefix, e.g. '/v1'");
    return new PathModifier({ type: gw.HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_PREFIX_MATCH, replacePrefixMatch: prefix });
  }

  private constructor(
    /** The rendered `path`. */
    public readonly spec: gw.HttpRouteSpecRulesFiltersUrlRewritePath,
  ) {}
}

/** Header changes of a header-modifier filter. Header names are case-insensitive. */
export interface HeaderModifications {
  /** Headers set (overwritten). @default - none */
  readonly set?: Record<string, string>;
  /** Headers added (appended to existing values). @default - none */
  readonly add?: Record<string, string>;
  /** Headers removed. @default - none */
  readonly remove?: readonly string[];
}

/** Options of {@link HttpRouteFilter.requestRedirect}. */
export interface RequestRedirectOptions {
  /** `scheme`. @default - the request's scheme */
  readonly scheme?: 'http' | 'https';
  /** `hostname`. @default - the request's host */
  readonly hostname?: string;
  /** `port`. @default - the well-known port of the scheme */
  readonly port?: number;
  /** `path`. @default - unchanged */
  readonly path?: PathModifier;
  /** `statusCode`. @default 302 (upstream default) */
  readonly statusCode?: 301 | 302 | 303 | 307 | 308;
}

/** Options of {@link HttpRouteFilter.cors}. */
export interface CorsOptions {
  /** `allowOrigins`: origins (scheme://host[:port], no path) such as `https://app.example.com` or `https://*.example.com`, or `*` (not with `allowCredentials`, nor `https://*` / `http://*`); other schemes (`javascript:`, `file:`, `null`) are refused. */
  readonly allowOrigins: readonly string[];
  /** `allowMethods` (`*` not with `allowCredentials`). @default - implementation default */
  readonly allowMethods?: readonly string[];
  /** `allowHeaders` (`*` not with `allowCredentials`). @default - none */
  readonly allowHeaders?: readonly string[];
  /** `exposeHeaders` (`*` not with `allowCredentials`). @default - none */
  readonly exposeHeaders?: readonly string[];
  /** `allowCredentials`. @default false */
  readonly allowCredentials?: boolean;
  /** `maxAge` in seconds. @default 5 (upstream default) */
  readonly maxAge?: number;
}

/**
 * Standard HTTPRoute filters (`rules[].filters[]`).
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproutefilter
 */
export class HttpRouteFilter implements IHttpRouteFilter {
  /**
   * `URLRewrite`: rewrite the host and/or path before forwarding.
   *
   * @throws ModelServingError when neither `hostname` nor `path` is given (the filter would change nothing)
   */
  public static urlRewrite(options: { readonly hostname?: string; readonly path?: PathModifier }): HttpRouteFilter {
    if (options === null || typeof options !== 'object' || (options.hostname === undefined && options.path === undefined)) {
      invalid('HttpRouteFilter.urlRewrite', 'options', 'changes nothing (neither hostname nor path)', options, "pass hostname: 'models.internal' and/or path: PathModifier.replacePrefixMatch('/')");
    }
    return new HttpRouteFilter({
      type: gw.HttpRouteSpecRulesFiltersType.URL_REWRITE,
      urlRewrite: { hostname: options.hostname, path: options.path?.spec },
    });
  }

  /**
   * `RequestRedirect`: answer with a redirect instead of forwarding (no backends allowed on the rule).
   *
   * @param options what the redirect changes @default - nothing: the request's own URL with status 302 (Gateway API defaults)
   */
  public static requestRedirect(options: RequestRedirectOptions = {}): HttpRouteFilter {
    return new HttpRouteFilter({
      type: gw.HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
      requestRedirect: {
        scheme: options.scheme as gw.HttpRouteSpecRulesFiltersRequestRedirectScheme | undefined,
        hostname: options.hostname,
        port: options.port,
        path: options.path?.spec as gw.HttpRouteSpecRulesFiltersRequestRedirectPath | undefined,
        statusCode: options.statusCode as gw.HttpRouteSpecRulesFiltersRequestRedirectStatusCode | undefined,
      },
    });
  }

  /**
   * `RequestHeaderModifier`: change request headers before forwarding.
   *
   * @throws ModelServingError when `set` or `add` gives a credential header
   *   (Authorization, Cookie, API keys, tokens: see `CREDENTIAL_HEADERS`) a literal value, or nothing is changed
   */
  public static requestHeaderModifier(changes: HeaderModifications): HttpRouteFilter {
    return new HttpRouteFilter({ type: gw.HttpRouteSpecRulesFiltersType.REQUEST_HEADER_MODIFIER, requestHeaderModifier: renderHeaders('HttpRouteFilter.requestHeaderModifier', changes) });
  }

  /**
   * `ResponseHeaderModifier`: change response headers before returning them.
   *
   * @throws ModelServingError when `set` or `add` gives a credential header (e.g. Set-Cookie) a literal value, or nothing is changed
   */
  public static responseHeaderModifier(changes: HeaderModifications): HttpRouteFilter {
    return new HttpRouteFilter({ type: gw.HttpRouteSpecRulesFiltersType.RESPONSE_HEADER_MODIFIER, responseHeaderModifier: renderHeaders('HttpRouteFilter.responseHeaderModifier', changes) });
  }

  /**
   * `RequestMirror`: send a copy of each request (or `percent` of them) to
   * `backend`, ignoring its responses.
   */
  public static requestMirror(backend: IBackend, options: { readonly percent?: number } = {}): HttpRouteFilter {
    const ref = backend.backendRef;
    return new HttpRouteFilter(
      {
        type: gw.HttpRouteSpecRulesFiltersType.REQUEST_MIRROR,
        requestMirror: {
          backendRef: { group: ref.group, kind: ref.kind, name: ref.name, namespace: ref.namespace, port: ref.port },
          percent: options.percent,
        },
      },
      [backend],
    );
  }

  /**
   * `CORS`: answer CORS preflight requests and add CORS headers.
   *
   * @throws ModelServingError for an origin that is not `*` or an http(s)
   *   origin (`javascript:`, `file:`, `null`, or one with a path), `*`,
   *   `https://*` or `http://*` with `allowCredentials`, `*` methods or
   *   headers with `allowCredentials` (Fetch standard), or an
   *   allowed or exposed header that is not a header name (CR, LF, NUL, spaces)
   */
  public static cors(options: CorsOptions): HttpRouteFilter {
    const scope = 'HttpRouteFilter.cors';
    assertCorsOrigins(scope, 'allowOrigins', options.allowOrigins, options.allowCredentials, 'allowCredentials');
    options.allowHeaders?.forEach((h, i) => h === '*' || assertHttpHeaderName(scope, `allowHeaders[${i}]`, h));
    options.exposeHeaders?.forEach((h, i) => h === '*' || assertHttpHeaderName(scope, `exposeHeaders[${i}]`, h));
    assertNoCorsWildcardsWithCredentials(scope, options.allowCredentials, 'allowCredentials', { allowMethods: options.allowMethods, allowHeaders: options.allowHeaders, exposeHeaders: options.exposeHeaders });
    return new HttpRouteFilter({
      type: gw.HttpRouteSpecRulesFiltersType.CORS,
      cors: {
        allowOrigins: [...options.allowOrigins],
        allowMethods: options.allowMethods?.map((m) => m as gw.HttpRouteSpecRulesFiltersCorsAllowMethods),
        allowHeaders: options.allowHeaders ? [...options.allowHeaders] : undefined,
        exposeHeaders: options.exposeHeaders ? [...options.exposeHeaders] : undefined,
        allowCredentials: options.allowCredentials,
        maxAge: options.maxAge,
      },
    });
  }

  /** `ExtensionRef`: an implementation-specific filter object, by group, kind and name. */
  public static extensionRef(ref: { readonly group: string; readonly kind: string; readonly name: string }): HttpRouteFilter {
    return new HttpRouteFilter({ type: gw.HttpRouteSpecRulesFiltersType.EXTENSION_REF, extensionRef: { group: ref.group, kind: ref.kind, name: ref.name } });
  }

  private constructor(
    public readonly filterSpec: gw.HttpRouteSpecRulesFilters,
    public readonly filterBackends?: readonly IBackend[],
  ) {}
}

function renderHeaders(scope: string, changes: HeaderModifications): gw.HttpRouteSpecRulesFiltersRequestHeaderModifier {
  checkHeaderModifications(scope, '', changes);
  const count = Object.keys(changes?.set ?? {}).length + Object.keys(changes?.add ?? {}).length + (changes?.remove?.length ?? 0);
  if (count === 0) invalid(scope, 'changes', 'changes nothing (no set, add or remove)', changes, "pass e.g. set: { 'x-model': 'iris' } or remove: ['x-internal']");
  const pairs = (r: Record<string, string> | undefined) => (r ? Object.keys(r).map((name) => ({ name, value: r[name] })) : undefined);
  return { set: pairs(changes.set), add: pairs(changes.add), remove: changes.remove ? [...changes.remove] : undefined };
}

/**
 * Refuses header changes that give a credential header (Authorization,
 * Cookie, API keys, tokens: `CREDENTIAL_HEADERS`) a literal value: it would
 * be committed to `dist/` and sent (or returned) with every request.
 * Removing such a header is fine.
 *
 * @param scope the construct (or factory) that received the changes
 * @param field the prop holding them, e.g. `rules[0].requestHeaders`; '' for the factory's own argument
 * @throws ModelServingError naming the header, never its value
 */
export function checkHeaderModifications(scope: IConstruct | string, field: string, changes: HeaderModifications): void {
  for (const op of ['set', 'add'] as const) {
    const at = `${field ? `${field}.` : ''}${op}`;
    const record = checkedRecord(scope, at, changes[op]) ?? {};
    for (const [name, value] of Object.entries(record)) {
      assertHttpHeaderName(scope, `${at}.${name}`, name);
      if (isCredentialHeader(name)) {
        invalid(
          scope,
          `${at}.${name}`,
          'would give a credential header a literal value, committed to dist/ and sent with every request',
          '<redacted>',
          'let clients send their own credentials (a filter may remove the header), or have the backend read the credential from a Secret',
        );
      }
      refuseCredential(scope, `${at}.${name}`, value, 'let clients send their own credentials, or have the backend read the credential from a Secret', name);
      assertHttpHeaderValue(scope, `${at}.${name}`, value);
    }
  }
  changes.remove?.forEach((name, i) => assertHttpHeaderName(scope, `${field ? `${field}.` : ''}remove[${i}]`, name));
}
