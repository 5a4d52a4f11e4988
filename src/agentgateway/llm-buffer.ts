import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { policyId } from '../core/names';
import type { IGateway } from '../gateway/gateway';
import { AgentgatewayPolicy } from './agentgateway-policy';

/**
 * The body buffer (`frontend.http.maxBufferSize`) an agentgateway Gateway
 * in front of LLMs gets, at least: agentgateway's default 2 MiB caps every
 * body it reads whole, and an `OpenAiEndpoint`'s AI backends read the whole
 * request (for `model`) and every non-streamed answer (for the usage:
 * crates/agentgateway/src/llm/mod.rs `buffer_response`, whose limit is the
 * request's, crates/agentgateway/src/client/mod.rs). A larger answer (e.g.
 * 100 embeddings of 1024 dimensions) fails with 503 "response was too
 * large" (`AIError::ResponseTooLarge`, a `ProxyError::Processing`:
 * crates/agentgateway/src/proxy/mod.rs). 50 MiB, as on Envoy Gateway.
 * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/crates/http/src/lib.rs (DEFAULT_BUFFER_LIMIT 2097152)
 * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/crates/agentgateway/src/proxy/gateway.rs (the listener's max_buffer_size on each request)
 */
export const AGENTGATEWAY_LLM_MAX_BUFFER_SIZE = Size.mebibytes(50);

/**
 * Raises the `frontend.http.maxBufferSize` of the Gateway's shared frontend
 * policy (`<gateway>-frontend`, created in `gatewayChart` on first use) to
 * at least {@link AGENTGATEWAY_LLM_MAX_BUFFER_SIZE} and `atLeast`.
 *
 * @returns the policy
 * @throws ModelServingError when `atLeast` is above 4294967295 bytes
 */
export function applyAgentgatewayLlmBuffer(gatewayChart: Construct, gateway: IGateway, atLeast?: Size): AgentgatewayPolicy {
  const id = `agentgateway-frontend-${gateway.gatewayName}`;
  const existing = gatewayChart.node.tryFindChild(id);
  const policy =
    existing instanceof AgentgatewayPolicy
      ? existing
      : new AgentgatewayPolicy(gatewayChart, id, { name: policyId(`${gateway.gatewayName}-frontend`, 63), targets: [gateway], frontend: { maxBufferSize: AGENTGATEWAY_LLM_MAX_BUFFER_SIZE } });
  if (atLeast !== undefined) policy.raiseMaxBufferSize(atLeast);
  return policy;
}
