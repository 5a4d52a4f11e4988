/**
 * agentgateway (v1.4.1) typed constructs: `AgentgatewayPolicy`,
 * `AgentgatewayBackend` (LLM providers), `AgentgatewayModel` (model-centric
 * routes on the request's model name). Its access-policy engine is
 * `AGENTGATEWAY_POLICY_ENGINE` (`GatewayProvider.AGENTGATEWAY`).
 */
export * from './agentgateway-backend';
export * from './agentgateway-model';
export * from './agentgateway-policy';
export * from './ai-provider';
export { AGENTGATEWAY_LLM_MAX_BUFFER_SIZE, applyAgentgatewayLlmBuffer } from './llm-buffer';
export { AGENTGATEWAY_MODEL_HEADER, AGENTGATEWAY_OPENAI_COMPILER, AGENTGATEWAY_PROVIDER_KEY } from './openai-compiler';
export { AGENTGATEWAY_POLICY_ENGINE } from '../policy/agentgateway/engine';
export { AGENTGATEWAY_ENGINE, AGENTGATEWAY_TIER_HEADER, AGENTGATEWAY_USER_ID_HEADER, compiler as agentgatewayCompiler } from '../policy/agentgateway/compiler';
