import { PolicyEngine } from '../access-policy';
import { compiler } from './compiler';

/** Envoy Gateway: SecurityPolicy and BackendTrafficPolicy. */
export const ENVOY_GATEWAY_POLICY_ENGINE: PolicyEngine = PolicyEngine.of(compiler);
