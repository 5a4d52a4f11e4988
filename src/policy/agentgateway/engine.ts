import { PolicyEngine } from '../access-policy';
import { compiler } from './compiler';

/** agentgateway: AgentgatewayPolicy per route, with the Envoy rate limit service for request and token limits. */
export const AGENTGATEWAY_POLICY_ENGINE: PolicyEngine = PolicyEngine.of(compiler);
