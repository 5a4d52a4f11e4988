/**
 * Envoy Gateway (v1.9) policy engine: typed SecurityPolicy,
 * BackendTrafficPolicy (rate limits) and ClientTrafficPolicy (early header
 * edits) constructs, and the compiler of the access intent to them.
 */
export * from './backend-traffic-policy';
export * from './client-traffic-policy';
export { compiler as envoyGatewayCompiler, ENVOY_GATEWAY_CLIENT_ID_HEADER, ENVOY_GATEWAY_ENGINE, tokenCostMetadataKey } from './compiler';
export { PolicyTarget } from './policy-target';
export type { PolicyTargetKind } from './policy-target';
export * from './rate-limit-selector';
export * from './security-policy';
export * from './envoy-proxy';
export { ENVOY_GATEWAY_POLICY_ENGINE } from './engine';
