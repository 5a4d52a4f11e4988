/**
 * Kong Ingress Controller (Kong Gateway OSS) kinds, and the access-policy
 * engine that compiles an AccessPolicy into them (KONG_POLICY_ENGINE, the engine of GatewayProvider.KONG).
 */
export { compiler as kongCompiler } from './compiler';
export * from './kong-consumer';
export * from './kong-consumer-group';
export * from './kong-credential';
export type { BasicAuthOptions, CorrelationIdOptions, HmacAuthOptions, KongHmacAlgorithm, UdpLogOptions, KongCacheableMethod, KongCacheResponseHeaders, KongCorrelationIdGenerator, KongOAuth2Flow, KongPkceMode, OAuth2Options, ProxyCacheOptions } from './kong-bundled-plugins';
export * from './kong-plugin';
export * from './kong-route';
export * from './kong-upstream-policy';
export { KONG_POLICY_ENGINE } from './engine';
