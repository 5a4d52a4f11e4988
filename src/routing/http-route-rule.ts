import { Duration } from 'cdk8s';
import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { invalid } from '../core/errors';
import { hasProperty, isPlainObject, optionalArray, optionalDuration, optionalShape, PropScope } from '../core/prop-types';
import { assertGatewayDuration, formatGatewayDuration } from './duration';
import { IHttpRouteFilter } from './filter';
import { HttpRouteMatch, PathMatch } from './match';

/**
 * The checks and renders of one HTTPRoute rule's matches, filters and
 * timeouts, shared by every writer of an `HTTPRouteSpec`: the `HttpRoute`
 * construct, and the inline route KServe manages for an LLMInferenceService
 * (`router.route.http.spec`, whose schema embeds Gateway API's).
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */

/** `spec.rules`: at most 16 (Gateway API CRD `maxItems`). */
export const MAX_HTTP_ROUTE_RULES = 16;
/** `rules[].matches`: at most 64 per rule (Gateway API CRD `maxItems`). */
export const MAX_MATCHES_PER_RULE = 64;
/** Matches across all rules: Gateway API's CEL rule ("less than 128"). */
export const MAX_MATCHES_TOTAL = 127;

const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;
const REPEATABLE = new Set<string>([gw.HttpRouteSpecRulesFiltersType.EXTENSION_REF, gw.HttpRouteSpecRulesFiltersType.REQUEST_MIRROR]);

/** The timeouts of a rule, as the rule writers take them (an `HttpRouteTimeouts`). */
export interface RuleTimeouts {
  readonly request?: Duration;
  readonly backendRequest?: Duration;
}

/**
 * Checks a match's path (Gateway API `HTTPPathMatch` validation: absolute,
 * normalized, the allowed characters; a regular expression of 1 to 1024
 * characters).
 *
 * @throws ModelServingError naming the field and the path
 */
export function checkHttpPathMatch(scope: PropScope, field: string, path: PathMatch): void {
  if (typeof path.value !== 'string') invalid(scope, field, 'must be a string path', path.value, 'use e.g. PathMatch.prefix("/v1/models/my-model")');
  if (path.type === gw.HttpRouteSpecRulesMatchesPathType.REGULAR_EXPRESSION) {
    if (path.value.length === 0 || path.value.length > 1024) invalid(scope, field, 'regular expression must be 1 to 1024 characters', path.value, 'give a non-empty expression');
    return;
  }
  const v = path.value;
  const bad = ['//', '/./', '/../', '%2f', '%2F', '#'].find((s) => v.includes(s));
  const problem = !v.startsWith('/')
    ? "must be an absolute path starting with '/'"
    : v.length > 1024
      ? 'must be at most 1024 characters'
      : bad
        ? `must not contain '${bad}'`
        : v.endsWith('/..') || v.endsWith('/.')
          ? "must not end with '/.' or '/..'"
          : !PATH_CHARS.test(v)
            ? "must only contain the characters A-Z a-z 0-9 - / . _ ~ ! $ & ' ( ) * + , ; = : @ and %-escapes"
            : undefined;
  if (problem) invalid(scope, field, problem, v, 'use a normalized absolute path such as "/v1/models/my-model"');
}

/**
 * Checks a rule's (or a backend's) filters: at most 16, each standard type
 * once, `replacePrefixMatch` only with exactly one PathPrefix match, no
 * RequestRedirect with URLRewrite (the Gateway API CRD's CEL rules).
 *
 * @throws ModelServingError naming the field
 */
export function checkHttpRouteFilters(scope: PropScope, field: string, filters: readonly IHttpRouteFilter[], matches: readonly HttpRouteMatch[]): void {
  if (filters.length > 16) invalid(scope, field, 'can hold at most 16 filters', filters.length, 'combine header changes into one filter');
  const seen = new Set<string>();
  for (const f of filters) {
    const type = f.filterSpec.type;
    if (seen.has(type) && !REPEATABLE.has(type)) invalid(scope, field, `repeats the ${type} filter`, type, `merge the two ${type} filters into one`);
    seen.add(type);
    const pathMod = f.filterSpec.urlRewrite?.path ?? f.filterSpec.requestRedirect?.path;
    if (pathMod?.type === gw.HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_PREFIX_MATCH) {
      const prefixMatches = matches.filter((m) => m.path?.type === gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX);
      if (matches.length !== 1 || prefixMatches.length !== 1) {
        invalid(scope, field, `uses path.replacePrefixMatch in ${type}, which needs exactly one PathPrefix match on the rule`, matches.length, 'give the rule a single PathMatch.prefix(...) match');
      }
    }
  }
  if (seen.has(gw.HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT) && seen.has(gw.HttpRouteSpecRulesFiltersType.URL_REWRITE)) {
    invalid(scope, field, 'combines RequestRedirect and URLRewrite', [...seen], 'use one or the other');
  }
}

/**
 * Checks a rule's timeouts: Gateway API durations, and `backendRequest`
 * not longer than a non-zero `request`.
 *
 * @throws ModelServingError naming the field
 */
export function checkHttpRouteTimeouts(scope: PropScope, field: string, t: RuleTimeouts | undefined): void {
  if (t?.request) assertGatewayDuration(scope, `${field}.request`, t.request);
  if (t?.backendRequest) assertGatewayDuration(scope, `${field}.backendRequest`, t.backendRequest);
  if (t?.request && t.backendRequest && t.request.toMilliseconds() !== 0 && t.backendRequest.toMilliseconds() > t.request.toMilliseconds()) {
    invalid(scope, `${field}.backendRequest`, `must not be longer than timeouts.request (${formatGatewayDuration(t.request)})`, formatGatewayDuration(t.backendRequest), 'shorten backendRequest or lengthen request');
  }
}

/** Type checks of a rule's matches, filters and timeouts (for callers without TypeScript). @throws ModelServingError */
export function checkHttpRuleShapes(scope: PropScope, field: string, rule: { readonly matches?: unknown; readonly filters?: unknown; readonly timeouts?: unknown }): void {
  optionalArray(scope, `${field}.matches`, rule.matches, isPlainObject, 'a match object', "pass matches: [{ path: PathMatch.prefix('/v1/models/my-model') }]");
  optionalArray(scope, `${field}.filters`, rule.filters, (v): v is IHttpRouteFilter => hasProperty(v, 'filterSpec'), 'an HttpRouteFilter', 'use the HttpRouteFilter factories');
  const timeouts = optionalShape(scope, `${field}.timeouts`, rule.timeouts, isPlainObject, 'an object of Durations', 'pass timeouts: { request: Duration.seconds(30) }');
  optionalDuration(scope, `${field}.timeouts.request`, timeouts?.request, 'Duration.seconds(30)');
  optionalDuration(scope, `${field}.timeouts.backendRequest`, timeouts?.backendRequest, 'Duration.seconds(10)');
}

/** The rendered `timeouts` of a rule, or `undefined` when it sets none. */
export function renderHttpRouteTimeouts(t: RuleTimeouts | undefined): gw.HttpRouteSpecRulesTimeouts | undefined {
  if (!t || (!t.request && !t.backendRequest)) return undefined;
  return {
    request: t.request ? formatGatewayDuration(t.request) : undefined,
    backendRequest: t.backendRequest ? formatGatewayDuration(t.backendRequest) : undefined,
  };
}

/** The rendered `matches[]` entry. */
export function renderHttpRouteMatch(m: HttpRouteMatch): gw.HttpRouteSpecRulesMatches {
  return {
    path: m.path ? { type: m.path.type, value: m.path.value } : undefined,
    headers: m.headers?.map((h) => ({ type: h.type, name: h.name, value: h.value })),
    queryParams: m.queryParams?.map((q) => ({ type: q.type, name: q.name, value: q.value })),
    method: m.method as gw.HttpRouteSpecRulesMatchesMethod | undefined,
  };
}
