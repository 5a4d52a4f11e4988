import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { assertOneOf } from '../core/props';

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
   */
  public static prefix(value: string): PathMatch {
    return new PathMatch(gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value);
  }

  /** `Exact`: exactly this path. */
  public static exact(value: string): PathMatch {
    return new PathMatch(gw.HttpRouteSpecRulesMatchesPathType.EXACT, value);
  }

  /** `RegularExpression`: an implementation-specific regular expression (RE2 for Envoy-based gateways). */
  public static regex(value: string): PathMatch {
    return new PathMatch(gw.HttpRouteSpecRulesMatchesPathType.REGULAR_EXPRESSION, value);
  }

  private constructor(
    /** `type`. */
    public readonly type: gw.HttpRouteSpecRulesMatchesPathType,
    /** `value`. */
    public readonly value: string,
  ) {}
}

/** A header match (`matches[].headers[]`). @see https://gateway-api.sigs.k8s.io/reference/spec/#httpheadermatch */
export class HeaderMatch {
  /** The header `name` equals `value`. */
  public static exact(name: string, value: string): HeaderMatch {
    return new HeaderMatch(gw.HttpRouteSpecRulesMatchesHeadersType.EXACT, name, value);
  }

  /** The header `name` matches the regular expression `value`. */
  public static regex(name: string, value: string): HeaderMatch {
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
  /** The parameter `name` equals `value`. */
  public static exact(name: string, value: string): QueryParamMatch {
    return new QueryParamMatch(gw.HttpRouteSpecRulesMatchesQueryParamsType.EXACT, name, value);
  }

  /** The parameter `name` matches the regular expression `value`. */
  public static regex(name: string, value: string): QueryParamMatch {
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
