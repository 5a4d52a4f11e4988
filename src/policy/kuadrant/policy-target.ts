import { IConstruct } from 'constructs';
import { invalid } from '../../core/errors';
import { isDnsSubdomain } from '../../core/names';
import { IGateway } from '../../gateway/gateway';
import type { IPolicyRoute } from '../access-policy';

/** The kinds a Kuadrant policy can attach to. */
export type PolicyTargetKind = 'Gateway' | 'HTTPRoute' | 'GRPCRoute';

/** A rendered `spec.targetRef` (the same shape in every Kuadrant policy kind). */
export interface TargetReference {
  /** Always `gateway.networking.k8s.io`. */
  readonly group: string;
  /** `Gateway`, `HTTPRoute` or `GRPCRoute`. */
  readonly kind: string;
  /** `metadata.name` of the target. */
  readonly name: string;
  /** A listener (Gateway) or a named rule (HTTPRoute, GRPCRoute). */
  readonly sectionName?: string;
}

const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/**
 * What a Kuadrant policy attaches to (`spec.targetRef`, a
 * `LocalPolicyTargetReferenceWithSectionName`): a Gateway or one of its
 * listeners, or a route or one of its named rules. Kuadrant attaches a policy
 * only to a target in the policy's own namespace, so the target's namespace
 * is kept and checked.
 *
 * When several policies of one kind apply to a request, the most specific
 * wins: a route policy replaces a Gateway policy's `defaults`, and a Gateway
 * policy's `overrides` replace route policies.
 *
 * ```ts
 * PolicyTarget.route(route)                 // an HTTPRoute or GRPCRoute
 * PolicyTarget.gateway(gateway, 'https')    // one listener
 * PolicyTarget.named('HTTPRoute', 'toystore') // a route created elsewhere
 * ```
 *
 * @see https://docs.kuadrant.io/latest/kuadrant-operator/doc/overviews/rate-limiting/
 */
export class PolicyTarget {
  /**
   * A Gateway, or one of its listeners.
   *
   * @param listener `sectionName`: a listener of the Gateway. @default - the whole Gateway
   * @throws ModelServingError when the Gateway is known to have no such listener
   */
  public static gateway(gateway: IGateway, listener?: string): PolicyTarget {
    if (listener !== undefined) gateway.listener(listener);
    return new PolicyTarget('Gateway', gateway.gatewayName, listener, gateway.gatewayNamespace);
  }

  /**
   * A route (HTTPRoute or GRPCRoute) defined with this library.
   *
   * @param sectionName a named rule of the route. @default - the whole route
   */
  public static route(route: IPolicyRoute, sectionName?: string): PolicyTarget {
    return new PolicyTarget(route.routeKind, route.routeName, sectionName, route.routeNamespace);
  }

  /**
   * An object of the policy's namespace known only by name (created outside
   * this code).
   *
   * @param sectionName a listener (Gateway) or rule (route) name. @default - the whole object
   */
  public static named(kind: PolicyTargetKind, name: string, sectionName?: string): PolicyTarget {
    return new PolicyTarget(kind, name, sectionName, undefined);
  }

  private constructor(
    /** `kind`. */
    public readonly kind: PolicyTargetKind,
    /** `name`. */
    public readonly name: string,
    /** `sectionName`: a listener (Gateway) or rule (route) name. */
    public readonly sectionName: string | undefined,
    /** The target's namespace when known; it must be the policy's. */
    public readonly namespace: string | undefined,
  ) {}

  /** `group`: always the Gateway API group. */
  public get group(): string {
    return GATEWAY_API_GROUP;
  }

  /** The `spec.targetRef` object. */
  public render(): TargetReference {
    return { group: GATEWAY_API_GROUP, kind: this.kind, name: this.name, sectionName: this.sectionName };
  }

  /** `Kind/name[/section]`, for errors. */
  public toString(): string {
    return `${this.kind}/${this.name}${this.sectionName ? `/${this.sectionName}` : ''}`;
  }

  /**
   * Checks the reference for a policy kind that accepts `kinds`, created in
   * `policyNamespace`.
   *
   * @throws ModelServingError for a kind the policy cannot target, a bad name or section, or a target in another namespace
   */
  public check(scope: IConstruct, kinds: readonly PolicyTargetKind[], policyNamespace: string | undefined): void {
    if (!kinds.includes(this.kind)) {
      invalid(scope, 'targetRef.kind', `must be one of ${kinds.join(', ')} for this policy kind`, this.kind, `target a ${kinds.join(' or ')}`);
    }
    if (!isDnsSubdomain(this.name)) invalid(scope, 'targetRef.name', 'must be a DNS-1123 subdomain', this.name, 'use the metadata.name of the target');
    if (this.sectionName !== undefined && !isDnsSubdomain(this.sectionName)) {
      invalid(scope, 'targetRef.sectionName', 'must be a DNS-1123 subdomain (a listener or rule name)', this.sectionName, 'use the listener name, e.g. "https", or the rule name');
    }
    if (this.namespace !== undefined && policyNamespace !== undefined && this.namespace !== policyNamespace) {
      invalid(
        scope,
        'targetRef',
        `points at ${this.kind} '${this.name}' in namespace '${this.namespace}', but Kuadrant only attaches a policy to targets in its own namespace ('${policyNamespace}')`,
        `${this.namespace}/${this.name}`,
        `create the policy in namespace '${this.namespace}'`,
      );
    }
  }
}
