import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AccessControl, AccessState, IAccessControlled } from '../core/access-control';
import { BackendReference, IBackend } from '../core/backend';
import { errorMessage, invalid } from '../core/errors';
import { assertDnsLabel, assertDnsSubdomain, isGatewayHostname } from '../core/names';
import { IGateway, IRouteParent } from '../gateway/gateway';
import { wireRouteToBackend } from './route-wiring';
import { checkProps, hasProperty, isPlainObject, optionalArray, optionalStringMap, requireArray } from '../core/prop-types';
import { IRouteTarget, PolicyTargetRef } from '../core/policy-target';

/** Options of {@link HttpRoute.fromRouteName} and {@link GrpcRoute.fromRouteName}. */
export interface RouteImportOptions {
  /** The route's namespace. @default - the namespace of the chart of `scope`, if any */
  readonly namespace?: string;
}

/**
 * What HTTPRoute and GRPCRoute share: parents (with the listener admission
 * check), hostnames, the NetworkPolicy/ReferenceGrant wiring to backends,
 * and access control (deny by default).
 */
export abstract class RouteBase extends Construct implements IAccessControlled, IRouteTarget {
  /** `HTTPRoute` or `GRPCRoute`. */
  public abstract readonly routeKind: 'HTTPRoute' | 'GRPCRoute';
  /** `metadata.name`. */
  public abstract readonly routeName: string;
  /** The L1 object. */
  public abstract readonly resource: ApiObject;
  private readonly parentList: IRouteParent[] = [];
  private readonly hostnameList: string[] = [];

  /** The route's namespace (its chart's), if any. */
  public get routeNamespace(): string | undefined {
    return Chart.of(this).namespace;
  }

  /** The route as a policy target (`targetRef`). */
  public get policyTargetRef(): PolicyTargetRef {
    return { group: 'gateway.networking.k8s.io', kind: this.routeKind, name: this.routeName, namespace: this.routeNamespace };
  }

  /** The parents attached so far. */
  public get parents(): readonly IRouteParent[] {
    return [...this.parentList];
  }

  /** The distinct Gateways the route attaches to. */
  public get parentGateways(): readonly IGateway[] {
    return [...new Set(this.parentList.map((p) => p.gateway))];
  }

  /** The route itself, as a tier target: `new Tier('basic', { models: [route] })` lets the tier call this route. */
  public get tierRoutes(): readonly RouteBase[] {
    return [this];
  }

  /** `<Kind>/<namespace>/<name>`. */
  public get accessTargetName(): string {
    return `${this.routeKind}/${this.routeNamespace ?? ''}/${this.routeName}`;
  }

  /** Adds `metadata.annotations[key]` (engines attach plugins this way). */
  public addAnnotation(key: string, value: string): void {
    this.resource.metadata.addAnnotation(key, value);
  }

  /**
   * Declares the route reachable without authentication, on purpose. Routes
   * that reach backends otherwise need an access policy (deny by default).
   * The reason is listed in the platform's POLICY.md.
   *
   * @throws ModelServingError for a reason shorter than 10 characters, or a route already protected
   */
  public allowPublicAccess(reason: string): void {
    AccessControl.markPublic(this, reason);
  }

  /**
   * How the route is protected: by policies on it or on its gateways,
   * public on purpose, exempt (no backends: redirects and direct
   * responses), or unprotected.
   */
  public accessState(): AccessState {
    return AccessControl.stateOf(this, this.parentGateways, this.allBackends().length === 0 ? 'no backends: the gateway answers itself (redirect or direct response)' : undefined);
  }

  /**
   * Attaches the route to a Gateway or one of its listeners (`parentRefs[]`).
   *
   * @throws ModelServingError when the same parent is attached twice, or the
   *   listener is known not to admit routes from this route's namespace
   */
  public addParent(parent: IRouteParent): void {
    const ref = parent.parentRef;
    const key = (r: typeof ref) => `${r.namespace ?? this.routeNamespace}/${r.name}/${r.sectionName ?? ''}`;
    if (this.parentList.some((p) => key(p.parentRef) === key(ref))) {
      invalid(this, 'parentRefs', 'already contains this parent', `${ref.name}${ref.sectionName ? `/${ref.sectionName}` : ''}`, 'attach each Gateway or listener once');
    }
    const listeners = ref.sectionName ? parent.gateway.listeners.filter((l) => l.name === ref.sectionName) : parent.gateway.listeners;
    if (listeners.length > 0 && listeners.every((l) => l.allowedRoutes.admits(this.routeNamespace, parent.gateway.gatewayNamespace) === false)) {
      invalid(
        this,
        'parentRefs',
        `points at Gateway '${ref.name}'${ref.sectionName ? ` listener '${ref.sectionName}'` : ''}, which does not admit routes from namespace '${this.routeNamespace ?? '(none)'}'`,
        ref.name,
        `add the namespace to the listener's allowedRoutes: AllowedRoutes.fromNamespaces([...]) listing the Namespace construct '${this.routeNamespace ?? 'my-namespace'}'`,
      );
    }
    this.checkParent(parent);
    this.parentList.push(parent);
    for (const b of this.allBackends()) wireRouteToBackend(this, this.routeKind, parent.gateway, b);
  }

  /**
   * Adds a hostname (`spec.hostnames[]`).
   *
   * @throws ModelServingError for an invalid or duplicate hostname, or more than 16
   */
  public addHostname(hostname: string): void {
    if (!isGatewayHostname(hostname)) {
      invalid(this, 'hostnames', "must be lower-case DNS names, optionally starting with '*.' (no IP address, no port)", hostname, 'use a host such as "models.example.com"');
    }
    if (this.hostnameList.includes(hostname)) invalid(this, 'hostnames', 'contains a duplicate', hostname, 'list each hostname once');
    if (this.hostnameList.length >= 16) invalid(this, 'hostnames', 'can hold at most 16 entries', hostname, 'split the route');
    this.hostnameList.push(hostname);
  }

  /** Every backend the rules send traffic to (including mirrors). */
  public get backends(): readonly IBackend[] {
    return this.allBackends();
  }

  /** Every backend the rules send traffic to (including mirrors). */
  protected abstract allBackends(): IBackend[];

  /**
   * Checks a backend reference of `field` (`rules[0].backendRefs[1]`): its
   * name a DNS-1123 label for a Service (a subdomain for other kinds), its
   * namespace a DNS-1123 label. The CRD only limits their length, so a bad
   * name would only show as a route the gateway cannot resolve.
   */
  protected checkBackendRef(field: string, ref: BackendReference): void {
    const service = (ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service';
    if (service) assertDnsLabel(this, `${field}.name`, ref.name);
    else assertDnsSubdomain(this, `${field}.name`, ref.name);
    if (ref.namespace !== undefined) assertDnsLabel(this, `${field}.namespace`, ref.namespace);
    const carries = this.routeKind === 'GRPCRoute' ? 'gRPC' : 'HTTP';
    if (ref.protocol !== undefined && ref.protocol !== carries) {
      invalid(
        this,
        field,
        `points at a backend that serves ${ref.protocol} only, which ${carries === 'HTTP' ? 'an' : 'a'} ${this.routeKind} cannot carry`,
        ref.name,
        carries === 'gRPC' ? 'route it with an HttpRoute, or serve the model over gRPC (protocolVersion: ProtocolVersion.GRPC_V2)' : 'route it with a GrpcRoute (rules: [{ matches: model.grpcRouteMatches(), backends: [model] }])',
      );
    }
  }

  /** A subclass check of a new parent (e.g. listener protocol). */
  protected checkParent(_parent: IRouteParent): void {}

  /** Opens the network from every parent to newly added backends. */
  protected wireBackends(backends: readonly IBackend[]): void {
    for (const parent of this.parentList) for (const b of backends) wireRouteToBackend(this, this.routeKind, parent.gateway, b);
  }

  /** The rendered `parentRefs` (namespace omitted when it is the route's own). */
  protected renderParentRefs(): Array<{ group?: string; kind?: string; name: string; namespace?: string; sectionName?: string; port?: number }> {
    const ns = this.routeNamespace;
    return this.parentList.map((p) => {
      const r = p.parentRef;
      return { group: r.group, kind: r.kind, name: r.name, namespace: r.namespace === ns ? undefined : r.namespace, sectionName: r.sectionName, port: r.port };
    });
  }

  /** The rendered `hostnames`. */
  protected renderHostnames(): string[] | undefined {
    return this.hostnameList.length > 0 ? [...this.hostnameList] : undefined;
  }

  /** End-of-build checks shared by routes (parents and rules present). */
  protected addEmptinessValidation(ruleCount: () => number): void {
    this.node.addValidation({
      validate: () => [
        ...(this.parentList.length === 0 ? [errorMessage(this, 'spec.parentRefs', 'is empty, so the route attaches nowhere', [], 'pass parents: [gateway] or call addParent().')] : []),
        ...(ruleCount() === 0 ? [errorMessage(this, 'spec.rules', 'is empty, so the route sends traffic nowhere', [], 'pass rules: [...] or call addRule().')] : []),
      ],
    });
  }
}

/**
 * Type checks of the props every route takes (for callers without
 * TypeScript): parents, hostnames, rules, labels and annotations.
 *
 * @throws ModelServingError naming the prop and the value received
 */
export function checkRouteProps(scope: IConstruct, props: { readonly parents: unknown; readonly hostnames?: unknown; readonly rules?: unknown; readonly labels?: unknown; readonly annotations?: unknown }, type: string): void {
  checkProps(scope, props, type);
  requireArray(scope, 'parents', props.parents, (v): v is unknown => hasProperty(v, 'parentRef') && hasProperty(v, 'gateway'), 'a Gateway or listener', "pass parents: [gateway.listener('https')] (or the Gateway)");
  // Each hostname is checked when added.
  optionalArray(scope, 'hostnames', props.hostnames, (_v): _v is unknown => true, 'hostname', "pass hostnames: ['models.example.com']");
  optionalArray(scope, 'rules', props.rules, isPlainObject, 'a rule object', 'pass rules: [{ backends: [...] }]');
  optionalStringMap(scope, 'labels', props.labels);
  optionalStringMap(scope, 'annotations', props.annotations);
}
