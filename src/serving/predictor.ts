import { ContainerOptions, ContainerPort } from '../core/container';
import { EnvVars } from '../core/env';
import { Probe } from '../core/probe';
import { ResourceRequirements } from '../core/resources';
import { VolumeMount } from '../core/volume';
import { ModelFormat, ProtocolVersion } from './model-format';
import { IServingRuntime } from './serving-runtime';
import { Storage } from './storage';

/** Options of {@link Predictor.model}: a model served by a KServe runtime (`spec.predictor.model`). */
export interface ModelPredictorOptions {
  /** `predictor.model.modelFormat`, e.g. `ModelFormat.SKLEARN` or `ModelFormat.custom('vLLM')`. */
  readonly format: ModelFormat;
  /**
   * Emit the framework field `spec.predictor.<format>` (e.g. `sklearn:`)
   * instead of `spec.predictor.model` — the older shortcut form, for the
   * built-in frameworks only.
   * @default false
   */
  readonly frameworkField?: boolean;
  /**
   * `predictor.model.runtime`: a ServingRuntime or ClusterServingRuntime
   * defined here, or one defined elsewhere imported by name
   * (`ClusterServingRuntime.fromName(scope, id, 'kserve-sklearnserver')`,
   * `ServingRuntime.fromName(scope, id, name, options?)`).
   * @default - KServe auto-selects one for the format
   * @throws ModelServingError (from the InferenceService) for a name string (import the runtime instead), or a runtime that does not declare the model's format or protocol, or a ServingRuntime of another namespace
   */
  readonly runtime?: IServingRuntime;
  /** `runtimeVersion`: the runtime image tag to use. @default - the runtime's */
  readonly runtimeVersion?: string;
  /**
   * Where the model is: `Storage.uri('gs://bucket/model')` for a plain URI
   * (`storageUri`), or `Storage.s3(...)`, `Storage.hf(...)`, `Storage.pvc(...)`,
   * ... with credentials by reference.
   * @default - none
   */
  readonly storage?: Storage;
  /**
   * `predictor.<format>.name` (or `predictor.model.name`): the model server
   * container's name, a DNS-1123 label.
   * @default - KServe's: kserve-container
   */
  readonly containerName?: string;
  /** `image`: override of the runtime image (pinned). @default - the runtime's image */
  readonly image?: string;
  /** `args` for the model server. @default - none */
  readonly args?: readonly string[];
  /** `env` of the model server: literals or Secret references. @default - none */
  readonly env?: EnvVars;
  /**
   * `protocolVersion`. Without a `runtime`, it must be one KServe v0.20's own
   * runtimes speak for the format (see {@link builtInProtocols}: e.g. Triton
   * and ONNX v2/grpc-v2 only, TensorFlow v1/grpc-v1, scikit-learn v1/v2).
   * @default the format's default (V2 for Triton and ONNX, V1 otherwise), or the runtime's first protocol when it does not speak that one
   */
  readonly protocolVersion?: ProtocolVersion;
  /** `resources` of the model server; GPUs in `limits.nvidiaGpu`. @default - none (the security rules require them on platforms) */
  readonly resources?: ResourceRequirements;
  /**
   * Probes of the model server. For built-in runtimes the library adds, by
   * default, readiness and startup probes (startup allows 10 minutes for the
   * model load) and a TCP liveness probe. The readiness check is the model's
   * KServe endpoint (`/v1/models/<name>` or `/v2/models/<name>/ready`) for
   * servers that name the model after the InferenceService (sklearn,
   * xgboost, lightgbm, pmml, tensorflow, paddle, huggingface), and a TCP
   * check on 8080 for the others (TorchServe, Triton and ONNX take the model
   * name from the model repository).
   * @default - as above for built-in runtimes; the runtime's own for ServingRuntime objects
   */
  readonly readinessProbe?: Probe;
  /** See `readinessProbe`. */
  readonly livenessProbe?: Probe;
  /** See `readinessProbe`. */
  readonly startupProbe?: Probe;
  /**
   * `volumeMounts` of the model server container, e.g. shared memory for vLLM or PyTorch:
   * `[{ volume: Volume.emptyDir('dshm', { medium: EmptyDirMedium.MEMORY, sizeLimit: '2Gi' }), mountPath: '/dev/shm' }]`.
   * Their volumes go to `predictor.volumes`, after the library's /tmp
   * emptyDir. A PersistentVolumeClaim is refused in Knative mode (Knative's
   * `kubernetes.podspec-persistent-volume-claim` is off by default).
   * @default - none (besides the library's /tmp mount)
   */
  readonly volumeMounts?: readonly VolumeMount[];
  /**
   * `ports` of the model server. A gRPC model declares its HTTP/2 port named
   * `h2c` here; KServe's Service port 80 forwards to the first one.
   * @default - [{ containerPort: 8081, name: 'h2c' }] for gRPC protocols, the runtime's otherwise
   */
  readonly ports?: readonly ContainerPort[];
}

/** Options of {@link Predictor.containers}. */
export interface ContainersPredictorOptions {
  /**
   * Where the model is, as a storage URI (`Storage.uri(...)`, `Storage.s3(...)`,
   * ...): KServe's storage initializer downloads it to /mnt/models and the
   * first container gets `STORAGE_URI`. A storage-config key
   * (`Storage.key(...)`) needs a model format and is refused here.
   * @default - none
   */
  readonly storage?: Storage;
}

/**
 * What serves an InferenceService (`spec.predictor`): either a model of a
 * format served by a KServe runtime ({@link Predictor.model}), or custom
 * containers ({@link Predictor.containers}). The two are exclusive, so they
 * are one prop, `predictor`, of {@link InferenceServiceProps}.
 *
 * Values are checked by the InferenceService that uses the predictor (the
 * errors name `predictor` fields there).
 *
 * @see https://kserve.github.io/website/docs/reference/crd-api#predictorspec
 */
export class Predictor {
  /**
   * A model of a format, served by a ServingRuntime KServe selects or that
   * `runtime` names (`spec.predictor.model`, or the framework field).
   */
  public static model(options: ModelPredictorOptions): Predictor {
    return new Predictor('model', options, undefined);
  }

  /**
   * A custom predictor: `spec.predictor.containers`, the first one being the
   * model server (`kserve-container`). At least one container.
   */
  public static containers(containers: readonly ContainerOptions[], options: ContainersPredictorOptions = {}): Predictor {
    return new Predictor('containers', options, containers);
  }

  /** @internal */
  public readonly kind: 'model' | 'containers';
  /** @internal */
  public readonly modelOptions?: ModelPredictorOptions;
  /** @internal */
  public readonly containerList?: readonly ContainerOptions[];
  /** @internal */
  public readonly containersOptions?: ContainersPredictorOptions;

  private constructor(kind: 'model' | 'containers', options: ModelPredictorOptions | ContainersPredictorOptions, containers: readonly ContainerOptions[] | undefined) {
    this.kind = kind;
    if (kind === 'model') this.modelOptions = options as ModelPredictorOptions;
    else this.containersOptions = options ?? {};
    this.containerList = containers;
  }
}
