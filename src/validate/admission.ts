/**
 * What the admission webhooks of the controllers we target refuse although
 * the CRD schema and its CEL rules accept it: with those controllers
 * installed, the apiserver rejects these objects too. Only rules that are
 * stable upstream, each with its source.
 */
import { PathSegment } from './issue';
import { isPlainObject } from './schema/json-schema';

/** A problem found by an admission rule. */
export interface AdmissionProblem {
  readonly path: readonly PathSegment[];
  readonly message: string;
}

/**
 * The predictor implementations of a KServe v1beta1 InferenceService, in
 * the order KServe's webhook lists them (`GetPredictorImplementations`);
 * `containers` alone makes a custom predictor.
 */
const KSERVE_PREDICTOR_IMPLEMENTATIONS = ['xgboost', 'pytorch', 'triton', 'sklearn', 'tensorflow', 'onnx', 'pmml', 'lightgbm', 'paddle', 'huggingface', 'model'] as const;

/**
 * KServe's validating webhook: a predictor has exactly one implementation
 * (a framework field such as `sklearn`, or `model`), or none and
 * `containers` (a custom predictor).
 *
 * @see https://github.com/kserve/kserve/blob/master/pkg/apis/serving/v1beta1/inference_service_validation.go
 */
function kservePredictorProblems(object: Record<string, unknown>): AdmissionProblem[] {
  const spec = object.spec;
  if (!isPlainObject(spec) || !isPlainObject(spec.predictor)) return [];
  const predictor = spec.predictor;
  const found = KSERVE_PREDICTOR_IMPLEMENTATIONS.filter((k) => predictor[k] !== undefined);
  const custom = Array.isArray(predictor.containers) && predictor.containers.length > 0;
  if (found.length === 1 || (found.length === 0 && custom)) return [];
  const list = `[${KSERVE_PREDICTOR_IMPLEMENTATIONS.join(', ')}]`;
  const message =
    found.length === 0
      ? `exactly one of ${list} must be specified in predictor, or containers for a custom predictor; found none (KServe admission webhook)`
      : `exactly one of ${list} must be specified in predictor; found ${found.length}: ${found.join(', ')} (KServe admission webhook)`;
  return [{ path: ['spec', 'predictor'], message }];
}

/** The deployment-mode values KServe 0.20 reads as Knative (`Serverless` is the older name). */
const KNATIVE_MODES = ['Knative', 'Serverless'];

/**
 * Knative Serving's webhook, which validates the Knative Service KServe
 * makes from a Knative-mode component: with its default features it refuses
 * every field of a pod-level `securityContext` (`PodSecurityContextMask`
 * keeps none unless `kubernetes.podspec-securitycontext` is enabled), so the
 * revision is never created and the model never becomes Ready.
 *
 * @see https://github.com/knative/serving/blob/knative-v1.23.0/pkg/apis/serving/fieldmask.go
 * @see https://github.com/knative/serving/blob/knative-v1.23.0/pkg/apis/serving/k8s_validation.go
 */
function knativePodSecurityContextProblems(object: Record<string, unknown>): AdmissionProblem[] {
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  const annotations = isPlainObject(metadata.annotations) ? metadata.annotations : {};
  const mode = annotations['serving.kserve.io/deploymentMode'];
  if (typeof mode !== 'string' || !KNATIVE_MODES.includes(mode) || !isPlainObject(object.spec)) return [];
  const spec = object.spec;
  return ['predictor', 'transformer', 'explainer'].flatMap((component) => {
    const c = spec[component];
    if (!isPlainObject(c) || !isPlainObject(c.securityContext) || Object.keys(c.securityContext).length === 0) return [];
    return [
      {
        path: ['spec', component, 'securityContext'],
        message: `must not be set in Knative mode: Knative refuses the pod-level securityContext fields ${Object.keys(c.securityContext).sort().join(', ')} unless the kubernetes.podspec-securitycontext feature is enabled (Knative webhook); set them on the containers instead`,
      },
    ];
  });
}

/** The admission problems of `object` (its defaults applied), for the kinds that have such rules. */
export function admissionProblems(object: Record<string, unknown>): AdmissionProblem[] {
  if (object.apiVersion === 'serving.kserve.io/v1beta1' && object.kind === 'InferenceService') return [...kservePredictorProblems(object), ...knativePodSecurityContextProblems(object)];
  return [];
}
