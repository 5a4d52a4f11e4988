/**
 * cdk8s-model-serving: typed cdk8s constructs for model-serving platforms.
 *
 * Areas (also published as subpath exports): core, gateway, routing,
 * serving, policy (the access intent), observability, security, validate,
 * delivery; one namespace per engine for engine-specific constructs.
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
// Engine-specific constructs share names across engines (PolicyTarget, JwtProvider, ...): one namespace each.
export * as kgateway from './policy/kgateway';
export * as envoyGateway from './policy/envoy-gateway';
export * as kuadrant from './policy/kuadrant';
export * as kong from './policy/kong';
export * as istio from './policy/istio';
