/**
 * cdk8s-model-serving: typed cdk8s constructs for model-serving platforms.
 *
 * Every area is also published as a subpath export (`cdk8s-model-serving/<area>`):
 * core, gateway, routing, serving, policy (the access intent), observability,
 * security, validate, delivery, tls, platform (the catalog-driven
 * `ModelServingPlatform`) and kong-gateway (the Kong workload); each engine's
 * constructs are published as `cdk8s-model-serving/<engine>` and, here, as one
 * namespace per engine.
 */
export * from './core';
export * from './gateway';
export * from './routing';
export * from './serving';
export * from './policy';
export * from './observability';
export * from './security';
export * from './validate';
export * from './delivery';
export * from './tls';
export * from './platform';
export * from './kong';
export * from './inference';
// Engine-specific constructs share names across engines (PolicyTarget, JwtProvider, ...): one namespace each.
export * as kgateway from './policy/kgateway';
export * as envoyGateway from './policy/envoy-gateway';
export * as kuadrant from './policy/kuadrant';
export * as kong from './policy/kong';
export * as agentgateway from './agentgateway';
export * as istio from './policy/istio';
export * as aiGateway from './aigateway';
