import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { assertOneOf } from '../core/props';
import { assertHttpHeaderName, assertHttpHeaderValue } from '../core/http-header';
import { pathMatchProblem, unsafePathProblem } from '../core/url-path';
import { compileRe2 } from '../validate/runtime/re2';

/**
 * Refuses a regular expression that is not valid RE2, the syntax of
 * Envoy-based gateways (Envoy's `safe_regex` is RE2) and of the Gateway API
 * conformance profile; lookarounds and backreferences are not RE2.
 *
 * @param scope the factory, e.g. `PathMatch.regex`
 * Control characters (NUL, CR, LF, ...) are refused too: no request path,
 * header or query value the gateway compares holds one (RFC 9110 §5.5,
 * RFC 3986 §3.3), and a NUL ends the expression early in C code.
 *
 * @param maxLength the CRD's `maxLength` of the field (Gateway API v1.6.1
 *   `HTTPPathMatch.value`, `HTTPQueryParamMatch.value`, `GRPCMethodMatch`
 *   service/method and Envoy Gateway rate-limit `HeaderMatch.value`: 1024;
 *   `HTTPHeaderMatch.value`: 4096; see the pinned httproutes.yaml)
 * @throws ModelServingError naming the expression and the RE2 parse error, the control character, or the length over the limit
 * @see https://github.com/google/re2/wiki/Syntax
 */
export function assertRe2(scope: string, field: string, pattern: unknown, maxLength = 1024): string {
  if (typeof pattern !== 'string' || pattern === '') invalid(scope, field, 'must be a non-empty RE2 regular expression', pattern, "pass e.g. '/v1/models/[a-z0-9-]+'");
  // Checked before compiling: compiling is quadratic in the pattern's length (50 000 characters take seconds).
  if (pattern.length > maxLength) invalid(scope, field, `is ${pattern.length} characters long, more than the ${maxLength} the CRD accepts`, pattern, `shorten the expression to at most ${maxLength} characters (e.g. match a common prefix instead of listing every value)`);
  if (/[\u0000-\u001F\u007F]/.test(pattern)) {
    const control = (unsafePathProblem(pattern) as string).replace(', which would end or split the request line', '');
    invalid(scope, field, `${control}, which no request path, header or query value holds (and a NUL ends the expression early in C code)`, pattern, 'remove it; match a character class such as [^/] instead');
  }
  try {
    compileRe2(pattern);
  } catch (err) {
    invalid(scope, field, `is not a valid RE2 regular expression (${(err as Error).message})`, pattern, 'use RE2 syntax: no lookarounds (?=, (?!, no backreferences \\1, repeat counts up to 1000');
  }
  return pattern;
}

/** HTTP methods a route can match (Gateway API `HTTPMethod`). */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'CONNECT' | 'OPTIONS' | 'TRACE' | 'PATCH';

/** Every {@link HttpMethod}, for run-time checks. */
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

/**
 * Checks a list of HTTP methods: each one of {@link HTTP_METHODS} (upper
 * case), none twice (a repeated method is a copy-paste slip that some
 * providers refuse as a duplicate set entry).
 *
 * @throws ModelServingError naming `field[i]`
 */
export function assertHttpMethods(scope: IConstruct | string, field: string, methods: readonly unknown[]): void {
  methods.forEach((m, i) => {
    assertOneOf(scope, `${field}[${i}]`, m, HTTP_METHODS);
    if (methods.indexOf(m) !== i) invalid(scope, `${field}[${i}]`, 'is listed twice', m, 'list each method once');
  });
}

/**
 * A path match (`matches[].path`).
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httppathmatch
 */
export class PathMatch {
  /**
   * `PathPrefix`: the path and everything below it, compared by whole
   * `/`-separated segments: `/v2/models/iris` matches `/v2/models/iris/infer`
   * but neither `/v2/models/iris-2` nor `/v1/models/iris:predict`-style
   * suffixes of the last segment (use {@link exact} for those).
   *
   * @throws ModelServingError for a path with NUL, CR, LF, a `.`, `..` or
   *   `..;` segment, an encoded dot, slash, backslash or NUL (`%2e`, `%2f`,
   *   `%5c`, `%00`, or encoded twice: `%252e`), or `?`, `#` or a space (a
   *   request path never holds them: use a {@link QueryParamMatch})
   */
  public static prefix(value: string): PathMatch {
    // A value that is not a string is reported by the route, with its field.
    if (typeof value === 'string') assertPathMatch('PathMatch.prefix', value, 'prefix', "'/v2/models/iris'");
    return new PathMatch(gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value);
  }

  /**
   * `Exact`: exactly this path.
   *
   * @throws ModelServingError as {@link prefix}
   */
  public static exact(value: string): PathMatch {
    // A value that is not a string is reported by the route, with its field.
    if (typeof value === 'string') assertPathMatch('PathMatch.exact', value, 'path', "'/v1/models/iris:predict'");
    return new PathMatch(gw.HttpRouteSpecRulesMatchesPathType.EXACT, value);
  }

  /**
   * `RegularExpression`: an implementation-specific regular expression (RE2 for Envoy-based gateways).
   *
   * @throws ModelServingError when `value` is not valid RE2 (the parse error is named), holds a control character (NUL, CR, LF), or is longer than 1024 characters (the CRD's `maxLength`)
   */
  public static regex(value: string): PathMatch {
    assertRe2('PathMatch.regex', 'value', value);
    return new PathMatch(gw.HttpRouteSpecRulesMatchesPathType.REGULAR_EXPRESSION, value);
  }

  private constructor(
    /** `type`. */
    public readonly type: gw.HttpRouteSpecRulesMatchesPathType,
    /** `value`. */
    public readonly value: string,
  ) {}
}

/** Refuses the path of an Exact or PathPrefix match ({@link pathMatchProblem}). */
function assertPathMatch(scope: string, value: string, what: string, example: string): void {
  const problem = pathMatchProblem(value);
  if (problem === undefined) return;
  const fix = /[?#\s]/.test(value) && unsafePathProblem(value) === undefined
    ? `match the path alone, e.g. ${example}, and the query with QueryParamMatch.exact(name, value) (a space is written %20)`
    : `write the normalized ${what}, e.g. ${example}`;
  invalid(scope, 'value', problem, value, fix);
}

/** A header match (`matches[].headers[]`). @see https://gateway-api.sigs.k8s.io/reference/spec/#httpheadermatch */
export class HeaderMatch {
  /**
   * The header `name` equals `value`.
   *
   * @throws ModelServingError for a name that is not an HTTP header name, or a value with CR, LF or NUL
   */
  public static exact(name: string, value: string): HeaderMatch {
    assertHttpHeaderName('HeaderMatch.exact', 'name', name);
    assertHttpHeaderValue('HeaderMatch.exact', 'value', value);
    return new HeaderMatch(gw.HttpRouteSpecRulesMatchesHeadersType.EXACT, name, value);
  }

  /**
   * The header `name` matches the regular expression `value` (RE2).
   *
   * @throws ModelServingError for a bad header name, or a value that is not valid RE2, longer than 4096 characters (the CRD's `maxLength`) or holds CR, LF or NUL
   */
  public static regex(name: string, value: string): HeaderMatch {
    assertHttpHeaderName('HeaderMatch.regex', 'name', name);
    assertHttpHeaderValue('HeaderMatch.regex', 'value', value);
    assertRe2('HeaderMatch.regex', 'value', value, 4096);
    return new HeaderMatch(gw.HttpRouteSpecRulesMatchesHeadersType.REGULAR_EXPRESSION, name, value);
  }

  private constructor(
    /** `type`. */
    public readonly type: gw.HttpRouteSpecRulesMatchesHeadersType,
    /** `name` (case-insensitive). */
    public readonly name: string,
    /** `value`. */
    public readonly value: string,
  ) {}
}

/** A query parameter match (`matches[].queryParams[]`). @see https://gateway-api.sigs.k8s.io/reference/spec/#httpqueryparammatch */
export class QueryParamMatch {
  /**
   * The parameter `name` equals `value`.
   *
   * @throws ModelServingError for a name or value with CR, LF, NUL or another control character
   */
  public static exact(name: string, value: string): QueryParamMatch {
    assertHttpHeaderValue('QueryParamMatch.exact', 'name', name);
    assertHttpHeaderValue('QueryParamMatch.exact', 'value', value);
    return new QueryParamMatch(gw.HttpRouteSpecRulesMatchesQueryParamsType.EXACT, name, value);
  }

  /**
   * The parameter `name` matches the regular expression `value` (RE2).
   *
   * @throws ModelServingError for a name with control characters, or a value that is not valid RE2 or longer than 1024 characters (the CRD's `maxLength`)
   */
  public static regex(name: string, value: string): QueryParamMatch {
    assertHttpHeaderValue('QueryParamMatch.regex', 'name', name);
    assertHttpHeaderValue('QueryParamMatch.regex', 'value', value);
    assertRe2('QueryParamMatch.regex', 'value', value);
    return new QueryParamMatch(gw.HttpRouteSpecRulesMatchesQueryParamsType.REGULAR_EXPRESSION, name, value);
  }

  private constructor(
    /** `type`. */
    public readonly type: gw.HttpRouteSpecRulesMatchesQueryParamsType,
    /** `name` (case-sensitive). */
    public readonly name: string,
    /** `value`. */
    public readonly value: string,
  ) {}
}

/**
 * One `matches[]` entry of an HTTPRoute rule: all given conditions must hold.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproutematch
 */
export interface HttpRouteMatch {
  /** `path`. @default - upstream default, PathPrefix `/` */
  readonly path?: PathMatch;
  /** `headers`: all must match. @default - none */
  readonly headers?: readonly HeaderMatch[];
  /** `queryParams`: all must match. @default - none */
  readonly queryParams?: readonly QueryParamMatch[];
  /** `method`. @default - any method */
  readonly method?: HttpMethod;
}
