/** Inference-aware routing: Gateway API Inference Extension InferencePool, its endpoint picker, llm-d objectives and model rewrites. */
export * from './model-servers';
export * from './inference-pool';
export * from './endpoint-picker-config';
export * from './endpoint-picker';
export * from './inference-objective';
export * from './inference-model-rewrite';
export * from './endpoint-picker-monitoring';
export * from './llm-provider';
export * from './openai-route-compiler';
export * from './openai-endpoint';
export * from './embeddings-response';
