import { ContainerOptions } from '../src/core/container';
import { InferenceServiceProps } from '../src/serving/inference-service';
import { ModelPredictorOptions, Predictor } from '../src/serving/predictor';

/** InferenceService props with the predictor's options flat beside them (test helpers that vary one field over a valid model). */
export type FlatModelProps = Partial<Omit<InferenceServiceProps, 'predictor'>> & Partial<ModelPredictorOptions> & { readonly predictor?: Predictor; readonly containers?: readonly ContainerOptions[] };

const MODEL_KEYS: readonly (keyof ModelPredictorOptions)[] = ['format', 'frameworkField', 'runtime', 'runtimeVersion', 'storage', 'containerName', 'image', 'args', 'env', 'protocolVersion', 'resources', 'readinessProbe', 'livenessProbe', 'startupProbe', 'volumeMounts', 'ports'];

/**
 * `props` over `defaults`, with the model options moved into
 * `predictor: Predictor.model(...)` (or `Predictor.containers(...)` when
 * `containers` is given); an explicit `predictor` wins.
 */
export function withPredictor(defaults: Partial<ModelPredictorOptions>, props: FlatModelProps): InferenceServiceProps {
  // Hostile-value tests pass null or a non-object as the props themselves: hand them on unchanged.
  if (typeof props !== 'object' || props === null || Array.isArray(props)) return props as unknown as InferenceServiceProps;
  const rest: Record<string, unknown> = {};
  const model: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(props)) {
    if ((MODEL_KEYS as readonly string[]).includes(key)) model[key] = value;
    else if (key !== 'containers') rest[key] = value;
  }
  const predictor = props.predictor
    ?? (props.containers ? Predictor.containers(props.containers, props.storage ? { storage: props.storage } : {}) : Predictor.model(model as unknown as ModelPredictorOptions));
  return { ...rest, predictor } as InferenceServiceProps;
}
