import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { IBackend } from '../core/backend';
import { invalid } from '../core/errors';
import { assertDnsSubdomain, checkedAnnotations } from '../core/names';
import { assertPort } from '../core/port';
import { hasProperty, isPlainObject, optionalArray, requireShape } from '../core/prop-types';
import { IRouteParent } from '../gateway/gateway';
import { IHttpRouteFilter } from './filter';
import { HttpRouteMatch } from './match';
import { checkHttpPathMatch, checkHttpRouteFilters, checkHttpRouteTimeouts, checkHttpRuleShapes, MAX_HTTP_ROUTE_RULES, MAX_MATCHES_PER_RULE, MAX_MATCHES_TOTAL, renderHttpRouteMatch, renderHttpRouteTimeouts } from './http-route-rule';
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
    if (index >= MAX_HTTP_ROUTE_RULES) invalid(this, 'rules', `can hold at most ${MAX_HTTP_ROUTE_RULES} rules`, index + 1, 'split the rules across several HTTPRoutes');
    if (rule.name !== undefined) {
      assertDnsSubdomain(this, `${field}.name`, rule.name);
      if (this.ruleList.some((r) => r.name === rule.name)) invalid(this, `${field}.name`, 'is already used by another rule', rule.name, 'give each rule a unique name');
    }
    const matches = rule.matches ?? [];
    if (matches.length > MAX_MATCHES_PER_RULE) invalid(this, `${field}.matches`, `can hold at most ${MAX_MATCHES_PER_RULE} matches`, matches.length, 'split the rule');
    if (this.matchCount + matches.length > MAX_MATCHES_TOTAL) invalid(this, `${field}.matches`, `bring the route above ${MAX_MATCHES_TOTAL} matches in all`, this.matchCount + matches.length, 'split the route into several HTTPRoutes');
    matches.forEach((m, i) => m.path && checkHttpPathMatch(this, `${field}.matches[${i}].path`, m.path));
    checkHttpRouteFilters(this, `${field}.filters`, rule.filters ?? [], matches);
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
      checkHttpRouteFilters(this, `${field}.backendRefs[${i}].filters`, hb.filters ?? [], matches);
    });
    if (backends.length > 0 && (rule.filters ?? []).some((f) => f.filterSpec.type === gw.HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT)) {
      invalid(this, `${field}.filters`, 'has a RequestRedirect filter next to backendRefs (a redirect answers the request itself)', backends.length, 'remove the backends from the redirect rule');
    }
    const t = rule.timeouts;
    checkHttpRouteTimeouts(this, `${field}.timeouts`, t);
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
        matches: rule.matches?.map(renderHttpRouteMatch),
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
        timeouts: renderHttpRouteTimeouts(rule.timeouts ?? this.streamDefaults(rule)),
      })),
    };
  }
}

/** Type checks of a rule (for callers without TypeScript). @throws ModelServingError */
function checkRuleTypes(scope: HttpRoute, field: string, rule: HttpRouteRule): void {
  checkHttpRuleShapes(scope, field, rule);
  const backends = optionalArray(scope, `${field}.backends`, rule.backends, (v): v is IBackend | HttpBackend => isPlainObject(v) && ('backendRef' in v || hasProperty(v.backend, 'backendRef')), 'a backend', "use Backend.service('my-service', 8080), or { backend, weight }");
  backends?.forEach((b, i) => {
    if (!('backendRef' in b)) optionalArray(scope, `${field}.backends[${i}].filters`, b.filters, (v): v is IHttpRouteFilter => hasProperty(v, 'filterSpec'), 'an HttpRouteFilter', 'use the HttpRouteFilter factories');
  });
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
