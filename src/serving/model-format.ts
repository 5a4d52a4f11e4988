/** The inference protocol a model speaks (`protocolVersion`). */
export enum ProtocolVersion {
  /** KServe V1 REST (`/v1/models/<name>:predict`). */
  V1 = 'v1',
  /** Open Inference Protocol (V2) over REST (`/v2/models/<name>/infer`). */
  V2 = 'v2',
  /** KServe V1 over gRPC (TensorFlow Serving / TorchServe gRPC APIs). */
  GRPC_V1 = 'grpc-v1',
  /** Open Inference Protocol (V2) over gRPC. */
  GRPC_V2 = 'grpc-v2',
}

/**
 * The format of a model (`modelFormat`): KServe picks a ServingRuntime that
 * declares it in `supportedModelFormats`.
 *
 * @see https://kserve.github.io/website/docs/model-serving/predictive-inference/frameworks/overview
 */
export class ModelFormat {
  /** scikit-learn (`sklearn`), served by the kserve-sklearnserver runtime. */
  public static readonly SKLEARN = new ModelFormat('sklearn');
  /** TensorFlow SavedModel (`tensorflow`), served by TensorFlow Serving. */
  public static readonly TENSORFLOW = new ModelFormat('tensorflow');
  /** PyTorch (`pytorch`), served by TorchServe. */
  public static readonly PYTORCH = new ModelFormat('pytorch');
  /** XGBoost (`xgboost`). */
  public static readonly XGBOOST = new ModelFormat('xgboost');
  /** LightGBM (`lightgbm`). */
  public static readonly LIGHTGBM = new ModelFormat('lightgbm');
  /** ONNX (`onnx`), served by Triton, which speaks only the Open Inference Protocol: models default to `v2`. */
  public static readonly ONNX = new ModelFormat('onnx', undefined, ProtocolVersion.V2);
  /** PMML (`pmml`). */
  public static readonly PMML = new ModelFormat('pmml');
  /** Hugging Face transformers (`huggingface`), served by the Hugging Face runtime (vLLM backend for LLMs). */
  public static readonly HUGGINGFACE = new ModelFormat('huggingface');
  /** TensorRT / Triton (`triton`); Triton speaks only the Open Inference Protocol, so models default to `v2`. */
  public static readonly TRITON = new ModelFormat('triton', undefined, ProtocolVersion.V2);

  /**
   * Any other format name a ServingRuntime declares, e.g. `ModelFormat.custom('vLLM')`.
   *
   * @param name `modelFormat.name`
   * @param version `modelFormat.version`, e.g. `'1'` @default - any version
   */
  public static custom(name: string, version?: string): ModelFormat {
    return new ModelFormat(name, version);
  }

  private constructor(
    /** `modelFormat.name`. */
    public readonly name: string,
    /** `modelFormat.version`. */
    public readonly version?: string,
    /** The protocol KServe's runtime for this format speaks when the model names none. @default ProtocolVersion.V1 */
    public readonly defaultProtocolVersion: ProtocolVersion = ProtocolVersion.V1,
  ) {}

  /** The same format at a specific version (`modelFormat.version`). */
  public withVersion(version: string): ModelFormat {
    return new ModelFormat(this.name, version, this.defaultProtocolVersion);
  }
}


/**
 * How KServe deploys the model: the `serving.kserve.io/deploymentMode`
 * annotation it reads.
 *
 * @see https://kserve.github.io/website/docs/admin-guide/kubernetes-deployment
 */
export enum DeploymentMode {
  /** Plain Deployment + Service + HPA (formerly RawDeployment); reachable as `<name>-predictor:80`. */
  STANDARD = 'Standard',
  /** Knative Service with scale-to-zero (formerly Serverless). */
  KNATIVE = 'Knative',
}

/** The protocols KServe's runtimes speak for a built-in format, and where that comes from. */
export interface BuiltInProtocols {
  /** The protocols (`protocolVersion`) a model of the format can ask for without naming a runtime. */
  readonly protocols: readonly ProtocolVersion[];
  /** The runtimes and their `protocolVersions`, for messages. */
  readonly why: string;
  /** Another way to serve the model, for messages. @default - none */
  readonly hint?: string;
}

const { V1, V2, GRPC_V1, GRPC_V2 } = ProtocolVersion;
const TRITON_RUNTIME = 'kserve-tritonserver: v2, grpc-v2';

/**
 * The protocols of the ClusterServingRuntimes KServe v0.20 installs
 * (`config/runtimes/*.yaml`), per format they auto-select. KServe picks a
 * runtime for a model that names none among those that declare its format
 * with `autoSelect: true` AND list its `protocolVersion`
 * (`ModelSpec.GetSupportingRuntimes`: `RuntimeSupportsModel` and
 * `IsProtocolVersionSupported`; an unset protocol means v1), so a format
 * written with another protocol gets no runtime and the model never starts.
 *
 * TensorFlow: kserve-tensorflow-serving speaks v1 and grpc-v1. Triton also
 * declares `tensorflow`, but it loads a Triton model repository
 * (`<model>/<version>/model.savedmodel` plus `config.pbtxt`) and names the
 * model after it, not a SavedModel directory served under the
 * InferenceService's name, so a TensorFlow model is refused on v2 here;
 * serve such a repository as `ModelFormat.TRITON`.
 *
 * @see https://github.com/kserve/kserve/tree/v0.20.0/config/runtimes
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1beta1/predictor_model.go (GetSupportingRuntimes)
 */
const RUNTIME_PROTOCOLS: Readonly<Record<string, BuiltInProtocols>> = {
  sklearn: { protocols: [V1, V2], why: 'kserve-sklearnserver: v1, v2; kserve-mlserver: v2' },
  xgboost: { protocols: [V1, V2], why: 'kserve-xgbserver: v1, v2; kserve-mlserver: v2' },
  lightgbm: { protocols: [V1, V2], why: 'kserve-lgbserver: v1, v2; kserve-mlserver: v2' },
  pmml: { protocols: [V1, V2], why: 'kserve-pmmlserver: v1, v2' },
  paddle: { protocols: [V1, V2], why: 'kserve-paddleserver: v1, v2' },
  huggingface: { protocols: [V1, V2], why: 'kserve-huggingfaceserver: v2, v1' },
  pytorch: { protocols: [V1, V2, GRPC_V2], why: 'kserve-torchserve: v1, v2, grpc-v2' },
  tensorflow: { protocols: [V1, GRPC_V1], why: 'kserve-tensorflow-serving: v1, grpc-v1', hint: 'or ModelFormat.TRITON for a Triton model repository over v2/grpc-v2' },
  onnx: { protocols: [V2, GRPC_V2], why: TRITON_RUNTIME },
  triton: { protocols: [V2, GRPC_V2], why: TRITON_RUNTIME },
  tensorrt: { protocols: [V2, GRPC_V2], why: TRITON_RUNTIME },
};

/**
 * The protocols KServe v0.20's own runtimes speak for `format` (see the
 * table above), or undefined for a format they do not serve (a custom
 * format, served by a runtime of your own).
 */
export function builtInProtocols(format: ModelFormat): BuiltInProtocols | undefined {
  const name = (format as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(RUNTIME_PROTOCOLS, name) ? RUNTIME_PROTOCOLS[name] : undefined;
}
