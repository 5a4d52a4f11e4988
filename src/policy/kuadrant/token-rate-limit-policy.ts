import { Construct } from 'constructs';
import * as kuadrant from '../../../imports/kuadrant-kuadrant.io';
import { LimitPolicyBase, LimitPolicyProps } from './limit-policy';
import { checkProps, childPath } from '../../core/prop-types';

/** Props of {@link TokenRateLimitPolicy}. */
export type TokenRateLimitPolicyProps = LimitPolicyProps;

/**
 * Kuadrant's `TokenRateLimitPolicy` (kuadrant.io/v1alpha1): LLM token limits
 * on a Gateway or an HTTPRoute. After each response the gateway reads
 * `usage.total_tokens` from the OpenAI-style response body and adds it to
 * the counters in Limitador; once a counter is over its rate, requests get
 * 429 until the window ends. Tokens are known only after the response, so
 * the request that exhausts a budget still completes. Only non-streaming
 * responses carry the usage Kuadrant reads.
 *
 * ```ts
 * const trlp = new TokenRateLimitPolicy(ns, 'llm', { target: PolicyTarget.route(route) });
 * trlp.addLimit('free', { rates: [{ limit: 20000, window: '24h' }], when: ['auth.identity.tier == "free"'], counters: ['auth.identity.userid'] });
 * ```
 *
 * @see https://docs.kuadrant.io/latest/kuadrant-operator/doc/overviews/token-rate-limiting/
 */
export class TokenRateLimitPolicy extends LimitPolicyBase {
  /** The L1 object. */
  public readonly resource: kuadrant.TokenRateLimitPolicy;

  public constructor(scope: Construct, id: string, props: TokenRateLimitPolicyProps) {
    checkProps(childPath(scope, id), props, 'TokenRateLimitPolicyProps');
    super(scope, id, props, ['Gateway', 'HTTPRoute']);
    this.resource = new kuadrant.TokenRateLimitPolicy(this, 'Resource', {
      metadata: this.metadata(props),
      spec: this.lazySpec() as kuadrant.TokenRateLimitPolicySpec,
    });
  }
}
