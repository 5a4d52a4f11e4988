/**
 * The provider-neutral access intent (who may call which model, how often)
 * and its compilation to each engine. Engine-specific constructs live in
 * the engine folders (`cdk8s-model-serving/kgateway`, `/envoy-gateway`,
 * `/kuadrant`, `/kong`, `/istio`).
 */
export * from './access-policy';
export * from './authentication';
export * from './compiler';
export * from './opa-authorizer';
export * from './rate-limit';
export * from './redis';
export * from './report';
export * from './subscription';
export * from './tier';
export * from './token-budget';
