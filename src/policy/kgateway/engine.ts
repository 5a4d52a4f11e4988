import { PolicyEngine } from '../access-policy';
import { compiler } from './compiler';

/** kgateway: TrafficPolicy, GatewayExtension (JWT, ext auth, global rate limit service). */
export const KGATEWAY_POLICY_ENGINE: PolicyEngine = PolicyEngine.of(compiler);
