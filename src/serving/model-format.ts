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
  /** ONNX (`onnx`). */
  public static readonly ONNX = new ModelFormat('onnx');
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
