/**
 * kgateway: its policy kinds (TrafficPolicy, GatewayExtension,
 * HTTPListenerPolicy, DirectResponse), the Envoy rate limit service that
 * its global rate limits call, and the compiler of access policies.
 */
export { compiler as kgatewayCompiler, KGATEWAY_JWT_PAYLOAD_CEL, KGATEWAY_TIER_HEADER, KGATEWAY_USER_ID_HEADER } from './compiler';
export * from './direct-response';
export * from './gateway-extension';
export * from './http-listener-policy';
export * from './policy-target';
export * from './rate-limit-service';
export * from './traffic-policy';
export * from './static-backend';
export { KGATEWAY_POLICY_ENGINE } from './engine';
