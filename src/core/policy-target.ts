import { Construct, IConstruct } from 'constructs';
import { invalid } from './errors';
import { assertDnsLabel, assertDnsSubdomain } from './names';
import { checkProps, hasProperty, requireString } from './prop-types';
import { assertKnownKeys, keysOf } from './props';

/**
 * What a policy attaches to, as every gateway provider's `targetRef(s)`
 * needs it (Gateway API `PolicyTargetReference`, GEP-713): group, kind,
 * name, the object's namespace when known, and a section of it (a listener
 * of a Gateway, a named rule of a route).
 *
 * @see https://gateway-api.sigs.k8s.io/geps/gep-713/
 */
export interface PolicyTargetRef {
  /** API group, e.g. `gateway.networking.k8s.io`. */
  readonly group: string;
  /** Kind, e.g. `Gateway`, `HTTPRoute`, `GRPCRoute`, `InferencePool`. */
  readonly kind: string;
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`, when known (providers check it against the policy's own). @default - not known */
  readonly namespace?: string;
  /** `sectionName`: a listener of a Gateway or a named rule of a route. @default - the whole object */
  readonly sectionName?: string;
}

/**
 * Anything a policy can attach to: a Gateway (and a listener of it, from
 * `gateway.listener('https')`), an HttpRoute, a GrpcRoute, an InferencePool,
 * and such objects defined elsewhere and imported by name
 * (`Gateway.fromGatewayName`, `HttpRoute.fromRouteName`,
 * `GrpcRoute.fromRouteName`, {@link PolicyTargetObject.fromName}).
 * Each provider's `PolicyTarget` factories take it and apply the
 * provider's own rules (kinds it attaches to, same namespace only).
 */
export interface IPolicyTarget {
  /** The object, as a policy names it. */
  readonly policyTargetRef: PolicyTargetRef;
}

/** A route as a policy target: one defined here (HttpRoute, GrpcRoute), or one defined elsewhere and imported by name (`HttpRoute.fromRouteName`, `GrpcRoute.fromRouteName`). */
export interface IRouteTarget extends IPolicyTarget, IConstruct {
  /** `HTTPRoute` or `GRPCRoute`. */
  readonly routeKind: 'HTTPRoute' | 'GRPCRoute';
  /** `metadata.name`. */
  readonly routeName: string;
  /** `metadata.namespace`, when known. */
  readonly routeNamespace?: string;
}

/** True when `value` is an {@link IPolicyTarget}. */
export function isPolicyTarget(value: unknown): value is IPolicyTarget {
  return hasProperty(value, 'policyTargetRef') && typeof (value as IPolicyTarget).policyTargetRef === 'object' && (value as IPolicyTarget).policyTargetRef !== null;
}

/** The fix for a target given as a name string, or as something that is no target. */
export const POLICY_TARGET_FIX =
  "pass the object: a Gateway (or gateway.listener('https')), an HttpRoute or GrpcRoute, an InferencePool; import one defined elsewhere with Gateway.fromGatewayName(scope, id, name), HttpRoute.fromRouteName(scope, id, name) or GrpcRoute.fromRouteName(scope, id, name)";

/**
 * The target of `value`, or a refusal naming `where` and `field`: a kind or
 * name string, or anything else that is not an {@link IPolicyTarget}.
 *
 * @throws ModelServingError unless `value` is an IPolicyTarget
 */
export function requirePolicyTarget(where: string, field: string, value: unknown): PolicyTargetRef {
  if (!isPolicyTarget(value)) {
    invalid(where, field, typeof value === 'string' ? 'must be the object a policy attaches to (IPolicyTarget), not a name' : 'must be an IPolicyTarget (a Gateway, a listener of it, a route, an InferencePool)', value, POLICY_TARGET_FIX);
  }
  return value.policyTargetRef;
}

/** Options of {@link PolicyTargetObject.fromName}. */
export interface PolicyTargetObjectOptions {
  /** `kind`, e.g. `ListenerSet` (for kinds the library has a construct for, use its own import). */
  readonly kind: string;
  /** API group. @default 'gateway.networking.k8s.io' */
  readonly group?: string;
  /** Its namespace. @default - not known: assumed to be the policy's */
  readonly namespace?: string;
}

/** Kinds the library imports with their own `fromXxx`, so a policy target of that kind is imported there. */
const OWN_IMPORTS: Readonly<Record<string, string>> = {
  Gateway: 'Gateway.fromGatewayName(scope, id, name)',
  HTTPRoute: 'HttpRoute.fromRouteName(scope, id, name)',
  GRPCRoute: 'GrpcRoute.fromRouteName(scope, id, name)',
};

/**
 * A policy target of a kind the library has no construct for (e.g. a
 * Gateway API `ListenerSet`), defined elsewhere, by name.
 *
 * ```ts
 * PolicyTarget.of(PolicyTargetObject.fromName(ns, 'extra-listeners', 'extra-listeners', { kind: 'ListenerSet' }))
 * ```
 */
export class PolicyTargetObject {
  /**
   * An object defined elsewhere, by name.
   *
   * @param name its `metadata.name`, a DNS-1123 subdomain
   * @throws ModelServingError for a bad name, group or namespace, an unknown option, or a kind the library imports with its own `fromXxx` (Gateway, HTTPRoute, GRPCRoute)
   */
  public static fromName(scope: Construct, id: string, name: string, options: PolicyTargetObjectOptions): IPolicyTarget {
    return new ImportedPolicyTarget(scope, id, name, options);
  }

  private constructor() {}
}

/** An object of a kind without a construct, known by name. */
class ImportedPolicyTarget extends Construct implements IPolicyTarget {
  public readonly policyTargetRef: PolicyTargetRef;

  public constructor(scope: Construct, id: string, name: string, options: PolicyTargetObjectOptions) {
    super(scope, id);
    checkProps(this, options, 'PolicyTargetObjectOptions');
    assertKnownKeys(this, '', options, keysOf<PolicyTargetObjectOptions>({ kind: true, group: true, namespace: true }));
    const kind = requireString(this, 'kind', options.kind, "write the kind, e.g. kind: 'ListenerSet'");
    if (!/^[A-Z][A-Za-z0-9]*$/.test(kind)) invalid(this, 'kind', 'must be a Kubernetes kind (CamelCase, starting with a capital letter)', kind, "write e.g. kind: 'ListenerSet'");
    const own = OWN_IMPORTS[kind];
    if (own !== undefined) invalid(this, 'kind', `is a kind the library imports itself, so import the ${kind} with ${own}`, kind, `use ${own}`);
    const group = options.group === undefined ? 'gateway.networking.k8s.io' : assertDnsSubdomain(this, 'group', options.group);
    this.policyTargetRef = {
      group,
      kind,
      name: assertDnsSubdomain(this, 'name', name),
      namespace: options.namespace === undefined ? undefined : assertDnsLabel(this, 'namespace', options.namespace),
    };
  }
}
