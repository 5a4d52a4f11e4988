/** KServe: InferenceService, InferenceGraph, TrainedModel, ServingRuntime, LLMInferenceService and its configs, storage, autoscaling. */
export * from './autoscaling';
export * from './components';
export * from './inference-graph';
export * from './inference-service';
export * from './llm-inference-service';
export * from './llm-inference-service-config';
export * from './llm-kv-cache';
export * from './llm-scaling';
export * from './llm-scheduler';
export * from './llm-tracing';
export * from './llm-workload';
export * from './model-format';
export * from './predictor';
export * from './s3-service-account';
export * from './serving-runtime';
export * from './storage';
export * from './trained-model';
