import { Construct } from 'constructs';
import * as kuadrant from '../../../imports/kuadrant-kuadrant.io';
import { LimitPolicyBase, LimitPolicyProps } from './limit-policy';
import { checkProps, childPath } from '../../core/prop-types';

/** Props of {@link RateLimitPolicy}. */
export type RateLimitPolicyProps = LimitPolicyProps;

/**
 * Kuadrant's `RateLimitPolicy` (kuadrant.io/v1): request limits on a Gateway,
 * an HTTPRoute or a GRPCRoute, enforced by Limitador. Each limit counts the
 * requests that satisfy its `when` predicates, one counter per distinct
 * value of its `counters` expressions; over any rate, requests get 429.
 *
 * Limitador keys every counter by the HTTPRoute the request went through
 * (its limits namespace is `<route-namespace>/<route-name>`), so even a
 * Gateway policy counts each route separately.
 *
 * ```ts
 * const rlp = new RateLimitPolicy(ns, 'toystore', { target: PolicyTarget.route(route) });
 * rlp.addLimit('per-user', { rates: [{ limit: 100, window: '1m' }], counters: ['auth.identity.userid'] });
 * ```
 *
 * @see https://docs.kuadrant.io/latest/kuadrant-operator/doc/reference/ratelimitpolicy/
 */
export class RateLimitPolicy extends LimitPolicyBase {
  /** The L1 object. */
  public readonly resource: kuadrant.RateLimitPolicy;

  public constructor(scope: Construct, id: string, props: RateLimitPolicyProps) {
    checkProps(childPath(scope, id), props, 'RateLimitPolicyProps');
    super(scope, id, props, ['Gateway', 'HTTPRoute', 'GRPCRoute']);
    this.resource = new kuadrant.RateLimitPolicy(this, 'Resource', {
      metadata: this.metadata(props),
      spec: this.lazySpec() as kuadrant.RateLimitPolicySpec,
    });
  }
}
