/**
 * KServe's v1alpha1 → v1alpha2 conversion of an `LLMInferenceService` (and
 * `LLMInferenceServiceConfig`), rewritten for the tests that compare an
 * upstream v1alpha1 example with the v1alpha2 object `LlmInferenceService`
 * emits: the apiserver stores a v1alpha1 object as v1alpha2 (the storage
 * version since KServe 0.17) through this conversion, so that is the object
 * to compare with.
 *
 * Mirrors kserve v0.20.0 pkg/apis/serving/v1alpha1/llm_inference_service_conversion.go
 * (`ConvertTo`): every spec field is copied as is (model uri/name/lora,
 * baseRefs, storageInitializer, replicas, labels, annotations, template,
 * worker, parallelism, scaling, router route/gateway/ingress/scheduler,
 * prefill, tracing), except `model.criticality` and the adapters'
 * `criticality`, which v1alpha2 drops: `saveCriticalityToAnnotations` keeps
 * them in the `internal.serving.kserve.io/model-criticality` and
 * `internal.serving.kserve.io/lora-criticalities` (JSON, by adapter index)
 * annotations. (`router.scheduler.pool.spec` is also converted from
 * InferencePool v1alpha2 to v1 by `convertInferencePoolSpecToV1`; no example
 * rebuilt here has one, and {@link toV1alpha2} refuses it rather than guess.)
 */
import { Json } from '../upstream-compare';

const KINDS = ['LLMInferenceService', 'LLMInferenceServiceConfig'];
export const V1ALPHA1 = 'serving.kserve.io/v1alpha1';
export const V1ALPHA2 = 'serving.kserve.io/v1alpha2';
/** kserve v0.20.0 llm_inference_service_conversion.go ModelCriticalityAnnotationKey. */
export const MODEL_CRITICALITY_ANNOTATION = 'internal.serving.kserve.io/model-criticality';
/** kserve v0.20.0 llm_inference_service_conversion.go LoRACriticalitiesAnnotationKey. */
export const LORA_CRITICALITIES_ANNOTATION = 'internal.serving.kserve.io/lora-criticalities';

/**
 * The object as KServe's conversion stores it at v1alpha2: a v1alpha1
 * LLMInferenceService(Config) converted; any other object (or one already
 * at v1alpha2) returned unchanged.
 */
export function toV1alpha2(o: Json): Json {
  if (!KINDS.includes(o.kind as string) || o.apiVersion !== V1ALPHA1) return o;
  const copy = structuredClone(o);
  copy.apiVersion = V1ALPHA2;
  const spec = (copy.spec ?? {}) as Json;
  const meta = (copy.metadata ?? {}) as Json;
  const annotations: Record<string, string> = { ...((meta.annotations ?? {}) as Record<string, string>) };
  const model = spec.model as Json | undefined;
  if (model) {
    if (typeof model.criticality === 'string' && model.criticality !== '') annotations[MODEL_CRITICALITY_ANNOTATION] = model.criticality;
    delete model.criticality;
    const adapters = ((model.lora as Json | undefined)?.adapters ?? []) as Json[];
    const byIndex: Record<number, string> = {};
    adapters.forEach((a, i) => {
      if (typeof a.criticality === 'string' && a.criticality !== '') byIndex[i] = a.criticality;
      delete a.criticality;
    });
    if (Object.keys(byIndex).length > 0) annotations[LORA_CRITICALITIES_ANNOTATION] = JSON.stringify(byIndex);
  }
  const pool = ((spec.router as Json | undefined)?.scheduler as Json | undefined)?.pool as Json | undefined;
  if (pool?.spec !== undefined) throw new Error(`${o.kind as string}/${String(meta.name)}: router.scheduler.pool.spec is converted from InferencePool v1alpha2 to v1, which toV1alpha2 does not model`);
  if (Object.keys(annotations).length > 0) copy.metadata = { ...meta, annotations };
  return copy;
}
