import { IConstruct } from 'constructs';
import { invalid } from '../../core/errors';
import { isDnsSubdomain } from '../../core/names';
import { IPolicyTarget, IRouteTarget, requirePolicyTarget } from '../../core/policy-target';
import type { IGateway } from '../../gateway/gateway';

/** The rendered `targetRefs[]` entry of a kgateway policy. */
export interface PolicyTargetReference {
  /** `group`, e.g. `gateway.networking.k8s.io`. */
  readonly group: string;
  /** `kind`: `Gateway`, `HTTPRoute` or `ListenerSet`. */
  readonly kind: string;
  /** `name`. */
  readonly name: string;
  /** `sectionName`: a listener of a Gateway or a named rule of an HTTPRoute. */
  readonly sectionName?: string;
}


/**
 * What a kgateway `TrafficPolicy` attaches to (`spec.targetRefs[]`): a
 * Gateway (optionally one listener), an HTTPRoute (optionally one named
 * rule) or a ListenerSet. kgateway only attaches a policy to objects in the
 * policy's own namespace and silently ignores other targets, so the
 * constructs check the namespace.
 *
 * @see https://kgateway.dev/docs/envoy/main/about/policies/trafficpolicy/
 */
export class PolicyTarget {
  /** A Gateway, or one of its listeners (`sectionName`). */
  public static gateway(gateway: IGateway, sectionName?: string): PolicyTarget {
    return PolicyTarget.of(gateway, sectionName);
  }

  /** An HTTPRoute, or one of its named rules (`sectionName`), defined with this library or imported with `HttpRoute.fromRouteName`. */
  public static httpRoute(route: IRouteTarget, sectionName?: string): PolicyTarget {
    return PolicyTarget.of(route, sectionName);
  }

  /**
   * Any object a policy can attach to ({@link IPolicyTarget}): a Gateway, a
   * listener of it (`gateway.listener('https')`), an HTTPRoute, or one of
   * these defined elsewhere and imported by name (`Gateway.fromGatewayName`,
   * `HttpRoute.fromRouteName`; a ListenerSet with
   * `PolicyTargetObject.fromName(scope, id, name, { kind: 'ListenerSet' })`).
   * The policy checks that kgateway attaches to its kind, and that it is in
   * the policy's namespace.
   *
   * @param sectionName a listener (Gateway) or rule (HTTPRoute) name. @default - the target's own (a listener's name), or the whole object
   * @throws ModelServingError for a name string or another value that is not an IPolicyTarget
   */
  public static of(target: IPolicyTarget, sectionName?: string): PolicyTarget {
    const ref = requirePolicyTarget('PolicyTarget.of', 'target', target);
    return new PolicyTarget({ group: ref.group, kind: ref.kind, name: ref.name, sectionName: sectionName ?? ref.sectionName }, ref.namespace);
  }

  private constructor(
    /** The reference. */
    public readonly ref: PolicyTargetReference,
    /** The target's namespace, when known. */
    public readonly namespace: string | undefined,
  ) {}

  /**
   * Checks the reference for a policy in `policyNamespace`.
   *
   * @throws ModelServingError for a kind kgateway does not attach to, a bad name or section, or a target in another namespace
   */
  public check(scope: IConstruct, field: string, policyNamespace: string | undefined): void {
    const { kind, name, sectionName } = this.ref;
    if (kind !== 'Gateway' && kind !== 'HTTPRoute' && !kind.endsWith('ListenerSet')) {
      invalid(scope, `${field}.kind`, 'must be Gateway, HTTPRoute or a ListenerSet (kgateway TrafficPolicy targets)', kind, 'attach the policy to the Gateway or to the HTTPRoute of the traffic');
    }
    if (!isDnsSubdomain(name)) invalid(scope, `${field}.name`, 'must be a DNS-1123 subdomain', name, 'use the metadata.name of the target');
    if (sectionName !== undefined && !isDnsSubdomain(sectionName)) invalid(scope, `${field}.sectionName`, 'must be a DNS-1123 subdomain (a listener or rule name)', sectionName, 'use the listener name, e.g. "https"');
    if (this.namespace !== undefined && policyNamespace !== undefined && this.namespace !== policyNamespace) {
      invalid(
        scope,
        field,
        `points at ${kind} '${name}' in namespace '${this.namespace}', but kgateway only attaches a policy to targets in its own namespace ('${policyNamespace}') and ignores the others`,
        `${this.namespace}/${name}`,
        `create the policy in namespace '${this.namespace}'`,
      );
    }
  }
}
