import { PolicyEngine } from '../access-policy';
import { compiler } from './compiler';

/** Kong Ingress Controller: KongPlugins, KongConsumers and consumer groups. */
export const KONG_POLICY_ENGINE: PolicyEngine = PolicyEngine.of(compiler);
