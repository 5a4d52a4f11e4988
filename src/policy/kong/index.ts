/**
 * Kong Ingress Controller (Kong Gateway OSS) kinds, and the access-policy
 * engine that compiles an AccessPolicy into them (KONG_POLICY_ENGINE, the engine of GatewayProvider.KONG).
 */
export { compiler as kongCompiler } from './compiler';
export * from './kong-consumer';
export * from './kong-consumer-group';
export * from './kong-credential';
export * from './kong-plugin';
export { KONG_POLICY_ENGINE } from './engine';
