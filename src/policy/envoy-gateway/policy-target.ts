import { IConstruct } from 'constructs';
import { invalid } from '../../core/errors';
import { assertDnsSubdomain } from '../../core/names';
import { IPolicyTarget, IRouteTarget, requirePolicyTarget } from '../../core/policy-target';
import type { IGateway } from '../../gateway/gateway';
import { hasProperty, requireArray } from '../../core/prop-types';

/** The kinds an Envoy Gateway policy can attach to. */
export type PolicyTargetKind = 'Gateway' | 'HTTPRoute' | 'GRPCRoute';

/**
 * What an Envoy Gateway policy attaches to (`spec.targetRefs[]`): a route, a
 * Gateway, or one listener of a Gateway. Envoy Gateway policies attach only
 * to objects of their own namespace (`LocalPolicyTargetReferenceWithSectionName`),
 * so the target's namespace is kept to check that.
 *
 * When several policies of one kind apply to a request, the most specific
 * wins: a policy on a route replaces (does not merge with) one on its
 * Gateway, and one on a listener replaces one on the whole Gateway.
 *
 * ```ts
 * PolicyTarget.route(route)                  // an HTTPRoute or GRPCRoute
 * PolicyTarget.gateway(gateway, 'https')     // one listener
 * PolicyTarget.of(HttpRoute.fromRouteName(ns, 'health', 'health')) // a route created elsewhere
 * ```
 *
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#localpolicytargetreferencewithsectionname
 */
export class PolicyTarget {
  /** A route (HTTPRoute or GRPCRoute), defined with this library or imported with `HttpRoute.fromRouteName` / `GrpcRoute.fromRouteName`. */
  public static route(route: IRouteTarget): PolicyTarget {
    return PolicyTarget.of(route);
  }

  /**
   * A Gateway, or one of its listeners.
   *
   * @param listener `sectionName`: the listener name. @default - the whole Gateway
   */
  public static gateway(gateway: IGateway, listener?: string): PolicyTarget {
    return PolicyTarget.of(listener === undefined ? gateway : gateway.listener(listener));
  }

  /**
   * Any object a policy can attach to ({@link IPolicyTarget}): a Gateway, a
   * listener of it (`gateway.listener('https')`), a route, or one of these
   * defined elsewhere and imported by name (`Gateway.fromGatewayName`,
   * `HttpRoute.fromRouteName`, `GrpcRoute.fromRouteName`). The policy checks
   * that its kind accepts the target, and that it is in the policy's namespace.
   *
   * @param sectionName a listener name (Gateway) or rule name (HTTPRoute). @default - the target's own (a listener's name), or the whole object
   * @throws ModelServingError for a name string or another value that is not an IPolicyTarget
   */
  public static of(target: IPolicyTarget, sectionName?: string): PolicyTarget {
    const ref = requirePolicyTarget('PolicyTarget.of', 'target', target);
    return new PolicyTarget(ref.kind, ref.name, sectionName ?? ref.sectionName, ref.namespace);
  }

  private constructor(
    /** `kind`. */
    public readonly kind: string,
    /** `name`. */
    public readonly name: string,
    /** `sectionName`: a listener (Gateway) or rule (HTTPRoute) name. */
    public readonly sectionName: string | undefined,
    /** The target's namespace when known; it must be the policy's. */
    public readonly namespace: string | undefined,
  ) {}

  /** `group`: always the Gateway API group. */
  public get group(): string {
    return 'gateway.networking.k8s.io';
  }

  /** `Kind/name[/section]`, for errors and duplicate checks. */
  public toString(): string {
    return `${this.kind}/${this.name}${this.sectionName ? `/${this.sectionName}` : ''}`;
  }
}

/** A rendered `targetRefs[]` entry (the same shape in every Envoy Gateway policy kind). */
export interface TargetReference {
  /** `group`: `gateway.networking.k8s.io`. */
  readonly group: string;
  /** `kind`. */
  readonly kind: string;
  /** `name`. */
  readonly name: string;
  /** `sectionName`: a listener or rule name. */
  readonly sectionName?: string;
}

/**
 * Checks the targets of a policy created in `namespace` and renders them in
 * the given order.
 *
 * @param kinds the kinds the policy kind accepts
 * @throws ModelServingError for no target, a duplicate, a kind the policy cannot
 *   attach to, a bad name, or a target in another namespace
 */
export function checkTargets(scope: IConstruct, namespace: string | undefined, targets: readonly PolicyTarget[], kinds: readonly PolicyTargetKind[]): TargetReference[] {
  requireArray(scope, 'targets', targets, (v): v is PolicyTarget => v instanceof PolicyTarget || hasProperty(v, 'kind'), 'a PolicyTarget', `pass targets: [PolicyTarget.${kinds.includes('HTTPRoute') ? 'route(route)' : 'gateway(gateway)'}]; for an object defined elsewhere, import it: PolicyTarget.of(${kinds.includes('HTTPRoute') ? 'HttpRoute.fromRouteName(scope, id, name)' : 'Gateway.fromGatewayName(scope, id, name)'})`);
  if (targets.length === 0) invalid(scope, 'targets', 'must list at least one target', [], `pass targets: [PolicyTarget.${kinds.includes('HTTPRoute') ? 'route(route)' : 'gateway(gateway)'}]`);
  const seen = new Set<string>();
  return targets.map((t, i) => {
    const field = `targets[${i}]`;
    if (!(kinds as readonly string[]).includes(t.kind)) invalid(scope, `${field}.kind`, `must be one of ${kinds.join(', ')} for this policy`, t.kind, `attach the policy to a ${kinds.join(' or ')}`);
    assertDnsSubdomain(scope, `${field}.name`, t.name);
    if (t.sectionName !== undefined) assertDnsSubdomain(scope, `${field}.sectionName`, t.sectionName);
    if (t.namespace !== undefined && namespace !== undefined && t.namespace !== namespace) {
      invalid(scope, field, `is in namespace '${t.namespace}', but Envoy Gateway policies attach only to objects of their own namespace ('${namespace}')`, t.toString(), `create the policy in namespace '${t.namespace}'`);
    }
    if (seen.has(t.toString())) invalid(scope, field, 'is listed twice', t.toString(), 'list each target once');
    seen.add(t.toString());
    return { group: t.group, kind: t.kind, name: t.name, sectionName: t.sectionName };
  });
}
