/** Envoy AI Gateway (aigateway.envoyproxy.io v1beta1, v1.1.0): AIGatewayRoute, AIServiceBackend, BackendSecurityPolicy, the Envoy Gateway Backend they reach, and the OpenAiEndpoint compiler for Envoy Gateway. */
export * from './envoy-gateway-backend';
export * from './ai-service-backend';
export * from './backend-security-policy';
export * from './llm-request-cost';
export * from './ai-gateway-route';
export * from './openai-compiler';
