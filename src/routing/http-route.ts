import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { IBackend } from '../core/backend';
import { invalid } from '../core/errors';
import { assertDnsSubdomain, checkedAnnotations } from '../core/names';
import { assertPort } from '../core/port';
import { hasProperty, isPlainObject, optionalArray, optionalDuration, optionalShape, requireShape } from '../core/prop-types';
import { IRouteParent } from '../gateway/gateway';
import { assertGatewayDuration, formatGatewayDuration } from './duration';
import { IHttpRouteFilter } from './filter';
import { HttpRouteMatch, PathMatch } from './match';
import { IRouteTarget } from '../core/policy-target';
import { ImportedRoute } from './imported-route';
import { checkRouteProps, RouteBase, RouteImportOptions } from './route-base';
import { checkStreamTimeouts, describeStreamingBackend, streamingBackends, streamSafeTimeouts } from './stream-timeouts';
import { checkedRecord } from '../core/records';

/** A backend of a rule with its share of traffic. */
export interface HttpBackend {
  /** The backend (a Service, an InferenceService, ...). */
  readonly backend: IBackend;
  /** `weight`: share of the rule's traffic, 0-1000000, relative to the other backends. @default 1 (upstream default) */
  readonly weight?: number;
  /** Filters applied only to traffic sent to this backend. @default - none */
  readonly filters?: readonly IHttpRouteFilter[];
}

/** Timeouts of a rule. @see https://gateway-api.sigs.k8s.io/reference/spec/#httproutetimeouts */
export interface HttpRouteTimeouts {
  /** `request`: whole request, from the client's view. @default - implementation default */
  readonly request?: Duration;
  /** `backendRequest`: one request to a backend; must not exceed `request`. @default - implementation default */
  readonly backendRequest?: Duration;
  /**
   * Why a `request` or `backendRequest` shorter than 10 minutes is fine on a
   * rule whose backends stream (an LLM: `backendRef.streaming`), where it
   * would cut long answers; at least 10 characters. Not rendered.
   * @default - none: such a timeout is refused
   */
  readonly shortStreamReason?: string;
}

/**
 * One `rules[]` entry: which requests (matches), what to do with them
 * (filters), and where they go (backends).
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */
export interface HttpRouteRule {
  /** `name`: lets policies target this rule (`sectionName`). A DNS-1123 label. @default - unnamed */
  readonly name?: string;
  /** `matches`: any one must match. At most 64. @default - every request (PathPrefix `/`) */
  readonly matches?: readonly HttpRouteMatch[];
  /** `filters`: at most 16, at most one of each standard type. @default - none */
  readonly filters?: readonly IHttpRouteFilter[];
  /** `backendRefs`: an {@link IBackend} takes weight 1. @default - none (the filters must answer, e.g. a redirect) */
  readonly backends?: ReadonlyArray<IBackend | HttpBackend>;
  /**
   * `timeouts`.
   * @default - implementation defaults; for a rule to a streaming backend (`backendRef.streaming`: an OpenAI-compatible model, an InferencePool), timeouts that do not cut streams: `request: 0s`, or on Kong `backendRequest: 10m` ({@link streamSafeTimeouts})
   */
  readonly timeouts?: HttpRouteTimeouts;
}

/** Props of {@link HttpRoute}. */
export interface HttpRouteProps {
  /** `metadata.name`, a DNS-1123 subdomain. @default - the construct id */
  readonly name?: string;
  /** `spec.parentRefs`: the Gateways (or their listeners) to attach to. More with {@link HttpRoute.addParent}. */
  readonly parents: readonly IRouteParent[];
  /** `spec.hostnames`: the Host headers this route answers. @default - every hostname of the listener */
  readonly hostnames?: readonly string[];
  /** `spec.rules`; more with {@link HttpRoute.addRule}. At most 16. @default - none (at least one must be added) */
  readonly rules?: readonly HttpRouteRule[];
  /** `metadata.labels`. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. Values that hold a credential are refused. @default - none */
  readonly annotations?: Record<string, string>;
}

const MAX_RULES = 16;
const MAX_MATCHES_PER_RULE = 64;
const MAX_MATCHES_TOTAL = 127;
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;
const REPEATABLE = new Set<string>([gw.HttpRouteSpecRulesFiltersType.EXTENSION_REF, gw.HttpRouteSpecRulesFiltersType.REQUEST_MIRROR]);

/**
 * A Gateway API `HTTPRoute` (gateway.networking.k8s.io/v1): HTTP requests
 * arriving at the parent Gateways, matched by path, headers, query and
 * method, filtered, and sent to weighted backends.
 *
 * Beyond the HTTPRoute itself, it opens the NetworkPolicies that let the
 * parent Gateway's proxy pods reach each backend's pods (and nothing else),
 * and creates a ReferenceGrant for a backend in another namespace of the
 * platform.
 *
 * ```ts
 * new HttpRoute(models, 'sklearn-iris', {
 *   parents: [gateway.listener('https')],
 *   rules: [{ matches: iris.routeMatches(), backends: [iris] }],
 * });
 * ```
 *
 * @throws ModelServingError for bad paths, hostnames, weights, timeouts
 *   (among them a whole-request timeout under 10 minutes on a rule to a
 *   streaming LLM backend, without `timeouts.shortStreamReason`),
 *   repeated filters, a redirect next to backends, a Service backend without
 *   a port, a listener that does not admit routes from this namespace, or
 *   more than 16 rules / 64 matches per rule / 127 matches in all
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproute
 */
export class HttpRoute extends RouteBase {
  /**
   * A HTTPRoute defined elsewhere (another platform, another team, by hand),
   * by name: a target for policies (`PolicyTarget.route(route)` of each
   * provider).
   *
   * @param name its `metadata.name`, a DNS-1123 subdomain
   * @throws ModelServingError for a bad name or namespace, or an unknown option
   */
  public static fromRouteName(scope: Construct, id: string, name: string, options: RouteImportOptions = {}): IRouteTarget {
    return new ImportedRoute(scope, id, 'HTTPRoute', name, options);
  }

  /** `HTTPRoute`. */
  public readonly routeKind = 'HTTPRoute' as const;
  /** `metadata.name`. */
  public readonly routeName: string;
  /** The L1 object. */
  public readonly resource: gw.HttpRoute;
  private readonly ruleList: HttpRouteRule[] = [];
  private matchCount = 0;

  public constructor(scope: Construct, id: string, props: HttpRouteProps) {
    super(scope, id);
    checkRouteProps(this, props, 'HttpRouteProps');
    this.routeName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.resource = new gw.HttpRoute(this, 'Resource', {
      metadata: { name: this.routeName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedAnnotations(this, props.annotations) },
      spec: Lazy.any({ produce: () => this.renderSpec() }) as unknown as gw.HttpRouteSpec,
    });
    for (const p of props.parents) this.addParent(p);
    for (const h of props.hostnames ?? []) this.addHostname(h);
    for (const r of props.rules ?? []) this.addRule(r);
    this.addEmptinessValidation(() => this.ruleList.length);
  }

  /** The rules added so far, in order (rule order has meaning: it breaks match ties). */
  public get rules(): readonly HttpRouteRule[] {
    return [...this.ruleList];
  }

  /**
   * Appends a rule (`spec.rules[]`). Rule order is kept: it has meaning.
   *
   * @throws ModelServingError for invalid matches, filters, backends or timeouts
   * @returns the rule
   */
  public addRule(rule: HttpRouteRule): HttpRouteRule {
    const index = this.ruleList.length;
    requireShape(this, `rules[${index}]`, rule, isPlainObject, 'a rule object', 'pass { backends: [...] } (and matches, filters, timeouts)');
    const field = `rules[${rule.name ?? index}]`;
    checkRuleTypes(this, field, rule);
    if (index >= MAX_RULES) invalid(this, 'rules', `can hold at most ${MAX_RULES} rules`, index + 1, 'split the rules across several HTTPRoutes');
    if (rule.name !== undefined) {
      assertDnsSubdomain(this, `${field}.name`, rule.name);
      if (this.ruleList.some((r) => r.name === rule.name)) invalid(this, `${field}.name`, 'is already used by another rule', rule.name, 'give each rule a unique name');
    }
    const matches = rule.matches ?? [];
    if (matches.length > MAX_MATCHES_PER_RULE) invalid(this, `${field}.matches`, `can hold at most ${MAX_MATCHES_PER_RULE} matches`, matches.length, 'split the rule');
    if (this.matchCount + matches.length > MAX_MATCHES_TOTAL) invalid(this, `${field}.matches`, `bring the route above ${MAX_MATCHES_TOTAL} matches in all`, this.matchCount + matches.length, 'split the route into several HTTPRoutes');
    matches.forEach((m, i) => m.path && this.checkPath(`${field}.matches[${i}].path`, m.path));
    this.checkFilters(`${field}.filters`, rule.filters ?? [], matches);
    const backends = rule.backends ?? [];
    backends.forEach((b, i) => {
      const hb = asHttpBackend(b);
      const ref = hb.backend.backendRef;
      this.checkBackendRef(`${field}.backendRefs[${i}]`, ref);
      if ((ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service' && ref.port === undefined) {
        invalid(this, `${field}.backendRefs[${i}].port`, 'is required for a Service backend', ref.name, `pass Backend.service('${ref.name}', 8080)`);
      }
      if (ref.port !== undefined) assertPort(this, `${field}.backendRefs[${i}].port`, ref.port, 'use the Service port');
      if (hb.weight !== undefined && (!Number.isInteger(hb.weight) || hb.weight < 0 || hb.weight > 1_000_000)) {
        invalid(this, `${field}.backendRefs[${i}].weight`, 'must be an integer between 0 and 1000000', hb.weight, 'use relative weights such as 90 and 10');
      }
      this.checkFilters(`${field}.backendRefs[${i}].filters`, hb.filters ?? [], matches);
    });
    if (backends.length > 0 && (rule.filters ?? []).some((f) => f.filterSpec.type === gw.HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT)) {
      invalid(this, `${field}.filters`, 'has a RequestRedirect filter next to backendRefs (a redirect answers the request itself)', backends.length, 'remove the backends from the redirect rule');
    }
    const t = rule.timeouts;
    if (t?.request) assertGatewayDuration(this, `${field}.timeouts.request`, t.request);
    if (t?.backendRequest) assertGatewayDuration(this, `${field}.timeouts.backendRequest`, t.backendRequest);
    if (t?.request && t.backendRequest && t.request.toMilliseconds() !== 0 && t.backendRequest.toMilliseconds() > t.request.toMilliseconds()) {
      invalid(this, `${field}.timeouts.backendRequest`, `must not be longer than timeouts.request (${formatGatewayDuration(t.request)})`, formatGatewayDuration(t.backendRequest), 'shorten backendRequest or lengthen request');
    }
    const streaming = streamingBackends(backendsOf(rule));
    checkStreamTimeouts(this, `${field}.timeouts`, t, streaming.length > 0 ? describeStreamingBackend(streaming[0]) : undefined);
    this.matchCount += matches.length;
    this.ruleList.push(rule);
    this.wireBackends(backendsOf(rule));
    return rule;
  }

  protected allBackends(): IBackend[] {
    return this.ruleList.flatMap(backendsOf);
  }

  private checkPath(field: string, path: PathMatch): void {
    if (typeof path.value !== 'string') invalid(this, field, 'must be a string path', path.value, 'use e.g. PathMatch.prefix("/v1/models/my-model")');
    if (path.type === gw.HttpRouteSpecRulesMatchesPathType.REGULAR_EXPRESSION) {
      if (path.value.length === 0 || path.value.length > 1024) invalid(this, field, 'regular expression must be 1 to 1024 characters', path.value, 'give a non-empty expression');
      return;
    }
    const v = path.value;
    const problem = !v.startsWith('/')
      ? "must be an absolute path starting with '/'"
      : v.length > 1024
        ? 'must be at most 1024 characters'
        : ['//', '/./', '/../', '%2f', '%2F', '#'].find((s) => v.includes(s))
          ? `must not contain '${['//', '/./', '/../', '%2f', '%2F', '#'].find((s) => v.includes(s))}'`
          : v.endsWith('/..') || v.endsWith('/.')
            ? "must not end with '/.' or '/..'"
            : !PATH_CHARS.test(v)
              ? "must only contain the characters A-Z a-z 0-9 - / . _ ~ ! $ & ' ( ) * + , ; = : @ and %-escapes"
              : undefined;
    if (problem) invalid(this, field, problem, v, 'use a normalized absolute path such as "/v1/models/my-model"');
  }

  private checkFilters(field: string, filters: readonly IHttpRouteFilter[], matches: readonly HttpRouteMatch[]): void {
    if (filters.length > 16) invalid(this, field, 'can hold at most 16 filters', filters.length, 'combine header changes into one filter');
    const seen = new Set<string>();
    for (const f of filters) {
      const type = f.filterSpec.type;
      if (seen.has(type) && !REPEATABLE.has(type)) invalid(this, field, `repeats the ${type} filter`, type, `merge the two ${type} filters into one`);
      seen.add(type);
      const pathMod = f.filterSpec.urlRewrite?.path ?? f.filterSpec.requestRedirect?.path;
      if (pathMod?.type === gw.HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_PREFIX_MATCH) {
        const prefixMatches = matches.filter((m) => m.path?.type === gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX);
        if (matches.length !== 1 || prefixMatches.length !== 1) {
          invalid(this, field, `uses path.replacePrefixMatch in ${type}, which needs exactly one PathPrefix match on the rule`, matches.length, 'give the rule a single PathMatch.prefix(...) match');
        }
      }
    }
    if (seen.has(gw.HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT) && seen.has(gw.HttpRouteSpecRulesFiltersType.URL_REWRITE)) {
      invalid(this, field, 'combines RequestRedirect and URLRewrite', [...seen], 'use one or the other');
    }
  }

  /**
   * The timeouts of a rule that gives none and sends to a streaming backend:
   * {@link streamSafeTimeouts} of its gateways' provider (Kong's when every
   * parent is Kong, the others' when none is; none for a mix, whose
   * providers read different fields).
   */
  private streamDefaults(rule: HttpRouteRule): HttpRouteTimeouts | undefined {
    if (streamingBackends(backendsOf(rule)).length === 0) return undefined;
    const kong = this.parentGateways.map((g) => g.provider?.id === 'kong');
    if (kong.every((k) => k)) return streamSafeTimeouts('kong');
    if (kong.every((k) => !k)) return streamSafeTimeouts(undefined);
    return undefined;
  }

  private renderSpec(): gw.HttpRouteSpec {
    const ns = this.routeNamespace;
    return {
      parentRefs: this.renderParentRefs(),
      hostnames: this.renderHostnames(),
      rules: this.ruleList.map((rule) => ({
        name: rule.name,
        matches: rule.matches?.map(renderMatch),
        filters: rule.filters?.map((f) => f.filterSpec),
        backendRefs: rule.backends?.map((b) => {
          const hb = asHttpBackend(b);
          const r = hb.backend.backendRef;
          return {
            group: r.group,
            kind: r.kind,
            name: r.name,
            namespace: r.namespace === ns ? undefined : r.namespace,
            port: r.port,
            weight: hb.weight,
            filters: hb.filters?.map((f) => f.filterSpec as unknown as gw.HttpRouteSpecRulesBackendRefsFilters),
          };
        }),
        timeouts: renderTimeouts(rule.timeouts ?? this.streamDefaults(rule)),
      })),
    };
  }
}

function renderTimeouts(t: HttpRouteTimeouts | undefined): gw.HttpRouteSpecRulesTimeouts | undefined {
  if (!t || (!t.request && !t.backendRequest)) return undefined;
  return {
    request: t.request ? formatGatewayDuration(t.request) : undefined,
    backendRequest: t.backendRequest ? formatGatewayDuration(t.backendRequest) : undefined,
  };
}

function renderMatch(m: HttpRouteMatch): gw.HttpRouteSpecRulesMatches {
  return {
    path: m.path ? { type: m.path.type, value: m.path.value } : undefined,
    headers: m.headers?.map((h) => ({ type: h.type, name: h.name, value: h.value })),
    queryParams: m.queryParams?.map((q) => ({ type: q.type, name: q.name, value: q.value })),
    method: m.method as gw.HttpRouteSpecRulesMatchesMethod | undefined,
  };
}

/** Type checks of a rule (for callers without TypeScript). @throws ModelServingError */
function checkRuleTypes(scope: HttpRoute, field: string, rule: HttpRouteRule): void {
  optionalArray(scope, `${field}.matches`, rule.matches, isPlainObject, 'a match object', "pass matches: [{ path: PathMatch.prefix('/v1/models/my-model') }]");
  optionalArray(scope, `${field}.filters`, rule.filters, (v): v is IHttpRouteFilter => hasProperty(v, 'filterSpec'), 'an HttpRouteFilter', 'use the HttpRouteFilter factories');
  const backends = optionalArray(scope, `${field}.backends`, rule.backends, (v): v is IBackend | HttpBackend => isPlainObject(v) && ('backendRef' in v || hasProperty(v.backend, 'backendRef')), 'a backend', "use Backend.service('my-service', 8080), or { backend, weight }");
  backends?.forEach((b, i) => {
    if (!('backendRef' in b)) optionalArray(scope, `${field}.backends[${i}].filters`, b.filters, (v): v is IHttpRouteFilter => hasProperty(v, 'filterSpec'), 'an HttpRouteFilter', 'use the HttpRouteFilter factories');
  });
  optionalShape(scope, `${field}.timeouts`, rule.timeouts, isPlainObject, 'an object of Durations', 'pass timeouts: { request: Duration.seconds(30) }');
  optionalDuration(scope, `${field}.timeouts.request`, rule.timeouts?.request, 'Duration.seconds(30)');
  optionalDuration(scope, `${field}.timeouts.backendRequest`, rule.timeouts?.backendRequest, 'Duration.seconds(10)');
}

function asHttpBackend(b: IBackend | HttpBackend): HttpBackend {
  return 'backendRef' in b ? { backend: b } : b;
}

function backendsOf(rule: HttpRouteRule): IBackend[] {
  return [
    ...(rule.backends ?? []).map((b) => asHttpBackend(b).backend),
    ...(rule.filters ?? []).flatMap((f) => f.filterBackends ?? []),
  ];
}
