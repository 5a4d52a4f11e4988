import { IConstruct } from 'constructs';
import { invalid } from '../../core/errors';
import { isDnsSubdomain } from '../../core/names';
import { IGateway } from '../../gateway/gateway';
import type { IPolicyRoute } from '../access-policy';

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

const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

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
    return new PolicyTarget({ group: GATEWAY_API_GROUP, kind: 'Gateway', name: gateway.gatewayName, sectionName }, gateway.gatewayNamespace);
  }

  /** An HTTPRoute, or one of its named rules (`sectionName`). */
  public static httpRoute(route: IPolicyRoute, sectionName?: string): PolicyTarget {
    return new PolicyTarget({ group: GATEWAY_API_GROUP, kind: route.routeKind, name: route.routeName, sectionName }, route.routeNamespace);
  }

  /** Any object by group, kind and name (e.g. a ListenerSet), assumed to be in the policy's namespace. */
  public static of(ref: PolicyTargetReference): PolicyTarget {
    return new PolicyTarget({ ...ref }, undefined);
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
