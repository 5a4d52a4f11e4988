import { PolicyEngine } from '../access-policy';
import { compiler } from './compiler';

/** Kuadrant (Authorino and Limitador) on Istio or Envoy Gateway: AuthPolicy, RateLimitPolicy, TokenRateLimitPolicy. The engine of `GatewayProvider.ISTIO`; pass it as `engine` for Kuadrant on Envoy Gateway. */
export const KUADRANT_POLICY_ENGINE: PolicyEngine = PolicyEngine.of(compiler);
