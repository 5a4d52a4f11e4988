import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { IBackend } from '../core/backend';
import { invalid } from '../core/errors';
import { assertDnsSubdomain, checkedAnnotations } from '../core/names';
import { IRouteParent } from '../gateway/gateway';
import { checkHeaderModifications, HeaderModifications } from './filter';
import { assertRe2, HeaderMatch } from './match';
import { IRouteTarget } from '../core/policy-target';
import { ImportedRoute } from './imported-route';
import { checkRouteProps, RouteBase, RouteImportOptions } from './route-base';
import { checkedRecord } from '../core/records';
import { hasProperty, isPlainObject, optionalArray, requireArray, requireShape } from '../core/prop-types';

const SERVICE = /^\.?[a-zA-Z_][a-zA-Z_0-9]*(\.[a-zA-Z_][a-zA-Z_0-9]*)*$/;
const METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;

/**
 * A gRPC method match (`matches[].method`): a service (package-qualified)
 * and/or a method.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#grpcmethodmatch
 */
export class GrpcMethodMatch {
  /** Exactly `service` (and `method`, when given), e.g. `inference.GRPCInferenceService` / `ModelInfer`. */
  public static exact(service?: string, method?: string): GrpcMethodMatch {
    return new GrpcMethodMatch(gw.GrpcRouteSpecRulesMatchesMethodType.EXACT, service, method);
  }

  /**
   * `service`/`method` as RE2 regular expressions.
   *
   * @throws ModelServingError when either is not valid RE2
   */
  public static regex(service?: string, method?: string): GrpcMethodMatch {
    if (service !== undefined) assertRe2('GrpcMethodMatch.regex', 'service', service);
    if (method !== undefined) assertRe2('GrpcMethodMatch.regex', 'method', method);
    return new GrpcMethodMatch(gw.GrpcRouteSpecRulesMatchesMethodType.REGULAR_EXPRESSION, service, method);
  }

  private constructor(
    /** `type`. */
    public readonly type: gw.GrpcRouteSpecRulesMatchesMethodType,
    /** `service`. */
    public readonly service?: string,
    /** `method`. */
    public readonly method?: string,
  ) {}
}

/** One `matches[]` entry of a GRPCRoute rule. */
export interface GrpcRouteMatch {
  /** `method`. @default - every method */
  readonly method?: GrpcMethodMatch;
  /** `headers` (gRPC metadata). @default - none */
  readonly headers?: readonly HeaderMatch[];
}

/** A backend of a gRPC rule with its share of traffic. */
export interface GrpcBackend {
  /** The backend. */
  readonly backend: IBackend;
  /** `weight`, 0-1000000. @default 1 */
  readonly weight?: number;
}

/** One `rules[]` entry of a GRPCRoute. */
export interface GrpcRouteRule {
  /** `name`. @default - unnamed */
  readonly name?: string;
  /** `matches`: any one must match. @default - every call */
  readonly matches?: readonly GrpcRouteMatch[];
  /** Request header (metadata) changes. @default - none */
  readonly requestHeaders?: HeaderModifications;
  /** Response header (metadata) changes. @default - none */
  readonly responseHeaders?: HeaderModifications;
  /** `backendRefs`. At least one. */
  readonly backends: ReadonlyArray<IBackend | GrpcBackend>;
}

/** Props of {@link GrpcRoute}. */
export interface GrpcRouteProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.parentRefs`: Gateways or HTTPS listeners (gRPC needs HTTP/2, which the library only offers over TLS). */
  readonly parents: readonly IRouteParent[];
  /** `spec.hostnames` (gRPC clients route by `:authority`: one host per model is the usual way to expose several). @default - every hostname of the listener */
  readonly hostnames?: readonly string[];
  /** `spec.rules`. @default - none (add with addRule) */
  readonly rules?: readonly GrpcRouteRule[];
  /** `metadata.labels`. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * A Gateway API `GRPCRoute` (gateway.networking.k8s.io/v1): gRPC calls
 * matched by service, method and metadata, sent to weighted backends (for
 * models, an InferenceService speaking `grpc-v2` or `grpc-v1`). Attaches to
 * HTTPS listeners only; access policies apply to it as to HTTPRoutes.
 *
 * @see https://gateway-api.sigs.k8s.io/api-types/grpcroute/
 */
export class GrpcRoute extends RouteBase {
  /**
   * A GRPCRoute defined elsewhere (another platform, another team, by hand),
   * by name: a target for policies (`PolicyTarget.route(route)` of each
   * provider).
   *
   * @param name its `metadata.name`, a DNS-1123 subdomain
   * @throws ModelServingError for a bad name or namespace, or an unknown option
   */
  public static fromRouteName(scope: Construct, id: string, name: string, options: RouteImportOptions = {}): IRouteTarget {
    return new ImportedRoute(scope, id, 'GRPCRoute', name, options);
  }

  /** `GRPCRoute`. */
  public readonly routeKind = 'GRPCRoute' as const;
  /** `metadata.name`. */
  public readonly routeName: string;
  /** The L1 object. */
  public readonly resource: gw.GrpcRoute;
  private readonly ruleList: GrpcRouteRule[] = [];

  public constructor(scope: Construct, id: string, props: GrpcRouteProps) {
    super(scope, id);
    checkRouteProps(this, props, 'GrpcRouteProps');
    this.routeName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.resource = new gw.GrpcRoute(this, 'Resource', {
      metadata: { name: this.routeName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedAnnotations(this, props.annotations) },
      spec: Lazy.any({ produce: () => this.renderSpec() }) as unknown as gw.GrpcRouteSpec,
    });
    for (const p of props.parents) this.addParent(p);
    for (const h of props.hostnames ?? []) this.addHostname(h);
    for (const r of props.rules ?? []) this.addRule(r);
    this.addEmptinessValidation(() => this.ruleList.length);
  }

  /** The rules, in order. */
  public get rules(): readonly GrpcRouteRule[] {
    return [...this.ruleList];
  }

  /**
   * Appends a rule.
   *
   * @throws ModelServingError for invalid service/method names, a rule with
   *   no backends, a Service backend without a port, or more than 16 rules
   */
  public addRule(rule: GrpcRouteRule): GrpcRouteRule {
    requireShape(this, `rules[${this.ruleList.length}]`, rule, isPlainObject, 'a rule object', 'pass { backends: [...] } (and matches)');
    const field = `rules[${rule.name ?? this.ruleList.length}]`;
    optionalArray(this, `${field}.matches`, rule.matches, isPlainObject, 'a match object', "pass matches: [{ method: GrpcMethodMatch.exact('pkg.Service', 'Method') }]");
    requireArray(this, `${field}.backends`, rule.backends, (v): v is GrpcRouteRule['backends'][number] => isPlainObject(v) && ('backendRef' in v || hasProperty(v.backend, 'backendRef')), 'a backend', "use Backend.service('my-service', 8081), or { backend, weight }");
    if (this.ruleList.length >= 16) invalid(this, 'rules', 'can hold at most 16 rules', this.ruleList.length + 1, 'split the rules across GRPCRoutes');
    (rule.matches ?? []).forEach((m, i) => {
      const mm = m.method;
      if (!mm) return;
      if (!mm.service && !mm.method) invalid(this, `${field}.matches[${i}].method`, 'needs a service or a method', mm, "pass GrpcMethodMatch.exact('pkg.Service', 'Method')");
      if (mm.type === gw.GrpcRouteSpecRulesMatchesMethodType.EXACT) {
        if (mm.service && !SERVICE.test(mm.service)) invalid(this, `${field}.matches[${i}].method.service`, 'must be a package-qualified service name', mm.service, 'use e.g. inference.GRPCInferenceService');
        if (mm.method && !METHOD.test(mm.method)) invalid(this, `${field}.matches[${i}].method.method`, 'must be a method name', mm.method, 'use e.g. ModelInfer');
      }
    });
    if (rule.requestHeaders) checkHeaderModifications(this, `${field}.requestHeaders`, rule.requestHeaders);
    if (rule.responseHeaders) checkHeaderModifications(this, `${field}.responseHeaders`, rule.responseHeaders);
    if (rule.backends.length === 0) invalid(this, `${field}.backendRefs`, 'must have at least one backend', [], 'pass backends: [model]');
    rule.backends.forEach((b, i) => {
      const ref = ('backendRef' in b ? b : b.backend).backendRef;
      this.checkBackendRef(`${field}.backendRefs[${i}]`, ref);
      if ((ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service' && ref.port === undefined) {
        invalid(this, `${field}.backendRefs[${i}].port`, 'is required for a Service backend', ref.name, `pass Backend.service('${ref.name}', 8081)`);
      }
      const weight = 'backendRef' in b ? undefined : b.weight;
      if (weight !== undefined && (!Number.isInteger(weight) || weight < 0 || weight > 1_000_000)) invalid(this, `${field}.backendRefs[${i}].weight`, 'must be an integer between 0 and 1000000', weight, 'use relative weights');
    });
    this.ruleList.push(rule);
    this.wireBackends(rule.backends.map((b) => ('backendRef' in b ? b : b.backend)));
    return rule;
  }

  protected allBackends(): IBackend[] {
    return this.ruleList.flatMap((r) => r.backends.map((b) => ('backendRef' in b ? b : b.backend)));
  }

  protected override checkParent(parent: IRouteParent): void {
    const section = parent.parentRef.sectionName;
    const listeners = section ? parent.gateway.listeners.filter((l) => l.name === section) : parent.gateway.listeners;
    if (listeners.length > 0 && listeners.every((l) => l.protocol !== 'HTTPS')) {
      invalid(this, 'parentRefs', 'points at a plain-HTTP listener; gRPC needs an HTTPS listener (TLS with HTTP/2)', section ?? parent.gateway.gatewayName, "attach to an HTTPS listener: gateway.listener('https')");
    }
  }

  private renderSpec(): gw.GrpcRouteSpec {
    const ns = this.routeNamespace;
    const headers = (h: HeaderModifications | undefined) =>
      h && {
        set: h.set ? Object.keys(h.set).map((name) => ({ name, value: h.set![name] })) : undefined,
        add: h.add ? Object.keys(h.add).map((name) => ({ name, value: h.add![name] })) : undefined,
        remove: h.remove ? [...h.remove] : undefined,
      };
    return {
      parentRefs: this.renderParentRefs(),
      hostnames: this.renderHostnames(),
      rules: this.ruleList.map((r) => ({
        name: r.name,
        matches: r.matches?.map((m) => ({
          method: m.method ? { type: m.method.type, service: m.method.service, method: m.method.method } : undefined,
          headers: m.headers?.map((h) => ({ type: h.type as unknown as gw.GrpcRouteSpecRulesMatchesHeadersType, name: h.name, value: h.value })),
        })),
        filters:
          r.requestHeaders || r.responseHeaders
            ? [
                ...(r.requestHeaders ? [{ type: gw.GrpcRouteSpecRulesFiltersType.REQUEST_HEADER_MODIFIER, requestHeaderModifier: headers(r.requestHeaders) }] : []),
                ...(r.responseHeaders ? [{ type: gw.GrpcRouteSpecRulesFiltersType.RESPONSE_HEADER_MODIFIER, responseHeaderModifier: headers(r.responseHeaders) }] : []),
              ]
            : undefined,
        backendRefs: r.backends.map((b) => {
          const hb = 'backendRef' in b ? { backend: b, weight: undefined } : b;
          const ref = hb.backend.backendRef;
          return { group: ref.group, kind: ref.kind, name: ref.name, namespace: ref.namespace === ns ? undefined : ref.namespace, port: ref.port, weight: hb.weight };
        }),
      })),
    };
  }
}
