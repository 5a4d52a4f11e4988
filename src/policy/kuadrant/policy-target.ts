import { IConstruct } from 'constructs';
import { invalid } from '../../core/errors';
import { isDnsSubdomain } from '../../core/names';
import { IPolicyTarget, IRouteTarget, requirePolicyTarget } from '../../core/policy-target';
import type { IGateway } from '../../gateway/gateway';

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

/** The fix for a policy target that is not a PolicyTarget (a name string, or an object not wrapped). */
export const TARGET_FIX =
  'pass target: PolicyTarget.gateway(gateway) or PolicyTarget.route(route); for an object defined elsewhere, import it: PolicyTarget.of(Gateway.fromGatewayName(scope, id, name)) or PolicyTarget.of(HttpRoute.fromRouteName(scope, id, name))';

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
 * PolicyTarget.of(HttpRoute.fromRouteName(ns, 'toystore', 'toystore')) // a route created elsewhere
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
    return PolicyTarget.of(listener === undefined ? gateway : gateway.listener(listener));
  }

  /**
   * A route (HTTPRoute or GRPCRoute), defined with this library or imported
   * with `HttpRoute.fromRouteName` / `GrpcRoute.fromRouteName`.
   *
   * @param sectionName a named rule of the route. @default - the whole route
   */
  public static route(route: IRouteTarget, sectionName?: string): PolicyTarget {
    return PolicyTarget.of(route, sectionName);
  }

  /**
   * Any object a policy can attach to ({@link IPolicyTarget}): a Gateway, a
   * listener of it (`gateway.listener('https')`), a route, or one of these
   * defined elsewhere and imported by name (`Gateway.fromGatewayName`,
   * `HttpRoute.fromRouteName`, `GrpcRoute.fromRouteName`). The policy checks
   * that Kuadrant attaches its kind, and that it is in the policy's namespace.
   *
   * @param sectionName a listener (Gateway) or rule (route) name. @default - the target's own (a listener's name), or the whole object
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
    if (!(kinds as readonly string[]).includes(this.kind)) {
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
