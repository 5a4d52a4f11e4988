/**
 * Registers every policy engine's compiler with {@link PolicyEngine}.
 * Imported by AccessPolicy, so creating a policy always finds its engine.
 * Compilers import only types from `access-policy` (no import cycle).
 */
import { compiler as envoyGatewayCompiler } from './envoy-gateway/compiler';
import { compiler as kgatewayCompiler } from './kgateway/compiler';
import { compiler as kongCompiler } from './kong/compiler';
import { compiler as kuadrantCompiler } from './kuadrant/compiler';
import { PolicyEngine } from './policy-engine';

PolicyEngine.register(envoyGatewayCompiler);
PolicyEngine.register(kgatewayCompiler);
PolicyEngine.register(kongCompiler);
PolicyEngine.register(kuadrantCompiler);

export { PolicyEngine };
