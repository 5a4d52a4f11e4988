/**
 * Upstream KServe examples (`../shared/examples/kserve`) rebuilt through
 * `InferenceService` and `LlmInferenceService`, and compared with the
 * upstream objects (`test/upstream-compare.ts`): after CRD defaults on both
 * sides, every upstream field must be in ours with the same value, and the
 * fields ours adds must be exactly the ones listed per object, each one a
 * documented entry of {@link ALLOWED_EXTRAS} (the library's secure and
 * explicit defaults).
 *
 * The universe is every file holding a kind we build (InferenceService,
 * LLMInferenceService) that `KNOWN-INVALID.md` does not list (the pinned
 * CRDs reject those). Each such file is either rebuilt ({@link CASES}) or
 * listed in {@link SKIPPED} with the reason: mostly content the library
 * refuses on purpose (`:latest` or untagged images, unexpanded placeholders)
 * or fields the constructs do not offer (yet).
 *
 * Objects are built in plain cdk8s charts (no Platform, so no platform labels
 * or NetworkPolicies), with the upstream namespace when the file has one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Probe } from '../../src/core/probe';
import { WorkloadSecurity } from '../../src/core/security';
import { Gateway } from '../../src/gateway/gateway';
import { Explainer } from '../../src/serving/components';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { FlatModelProps, withPredictor } from '../flat-props';
import { LlmInferenceService, LlmInferenceServiceProps } from '../../src/serving/llm-inference-service';
import { LlmRouter } from '../../src/serving/llm-router';
import { DeploymentMode, ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { Storage } from '../../src/serving/storage';
import { ClusterServingRuntime } from '../../src/serving/serving-runtime';
import { formatIssue, validateObject } from '../../src/validate';
import { compareWithUpstream, Json, matchesPattern, objectKey, readObjects } from '../upstream-compare';
import { toV1alpha2 } from './llmisvc-conversion';

const EXAMPLES = path.resolve(__dirname, '../../../shared/examples/kserve');
const KNOWN_INVALID = path.resolve(EXAMPLES, '../KNOWN-INVALID.md');
const BUILT_KINDS = ['InferenceService', 'LLMInferenceService'];

const P = 'spec.predictor';
const DEPLOYMENT_MODE = "metadata.annotations['serving.kserve.io/deploymentMode']";
const MIN_REPLICAS = `${P}.minReplicas`;
const TOLERATIONS = `${P}.tolerations`;
const protocol = (field: string) => `${P}.${field}.protocolVersion`;

/** Every path our objects may add to an upstream one, with the reason (`*`: one path segment). */
const ALLOWED_EXTRAS: Readonly<Record<string, string>> = {
  [DEPLOYMENT_MODE]: 'the deployment mode is always explicit (Standard unless Knative is asked for)',
  [MIN_REPLICAS]: 'replicas are always explicit (1 by default)',
  [`${P}.automountServiceAccountToken`]: 'no API token in model pods (DESIGN §4)',
  [`${P}.securityContext`]: 'restricted pod security: non-root uid/gid 1000, RuntimeDefault seccomp',
  [`${P}.volumes`]: 'the emptyDir behind /tmp (the root filesystem is read-only)',
  [`${P}.*.securityContext`]: 'restricted container security: no privilege escalation, no capabilities, read-only root filesystem',
  [`${P}.*.volumeMounts`]: 'the /tmp mount of that emptyDir',
  [`${P}.pytorch.env`]: "TorchServe's log, metrics-log and temp locations on that emptyDir (LOG_LOCATION, METRICS_LOCATION, TEMP)",
  [`${P}.model.env`]: "TorchServe's log, metrics-log and temp locations on that emptyDir (LOG_LOCATION, METRICS_LOCATION, TEMP)",
  [`${P}.*.readinessProbe`]: "default probes for built-in runtimes: the model's KServe endpoint, or TCP",
  [`${P}.*.livenessProbe`]: 'default TCP liveness probe',
  [`${P}.*.startupProbe`]: 'default startup probe allowing 10 minutes for the model load',
  [`${P}.*.readinessProbe.httpGet.port`]: 'a Probe names its port (upstream leaves it to the container port)',
  [`${P}.*.readinessProbe.periodSeconds`]: 'a Probe spells out its timing (the Kubernetes defaults)',
  [`${P}.*.readinessProbe.failureThreshold`]: 'a Probe spells out its timing (the Kubernetes defaults)',
  [`${P}.*.livenessProbe.httpGet.port`]: 'a Probe names its port (upstream leaves it to the container port)',
  [`${P}.*.livenessProbe.periodSeconds`]: 'a Probe spells out its timing (the Kubernetes defaults)',
  [`${P}.*.livenessProbe.failureThreshold`]: 'a Probe spells out its timing (the Kubernetes defaults)',
  [`${P}.*.protocolVersion`]: "the protocol is always explicit: KServe's implied one where upstream leaves it out (v1; v2 for Triton, set explicitly)",
  [TOLERATIONS]: 'a toleration of the nvidia.com/gpu taint when GPUs are requested',
  [`${P}.batcher.timeout`]: 'the batcher timeout is always explicit (60 s)',
  [`${P}.containers[*].securityContext`]: 'restricted container security for a custom predictor container',
  [`${P}.containers[*].volumeMounts`]: 'the /tmp mount of that emptyDir',
  'spec.explainer.minReplicas': 'replicas are always explicit (1 by default)',
  'spec.explainer.automountServiceAccountToken': 'no API token in explainer pods (DESIGN §4)',
  'spec.explainer.securityContext': 'restricted pod security: non-root uid/gid 1000, RuntimeDefault seccomp',
  'spec.explainer.volumes': 'the emptyDir behind /tmp (the root filesystem is read-only)',
  'spec.explainer.containers[*].securityContext': 'restricted container security: no privilege escalation, no capabilities, read-only root filesystem',
  'spec.explainer.containers[*].volumeMounts': 'the /tmp mount of that emptyDir',
  'spec.explainer.containers[*].readinessProbe': 'default TCP probe on the component port (8080)',
  'spec.explainer.containers[*].livenessProbe': 'default TCP probe on the component port (8080)',
  'spec.explainer.containers[*].startupProbe': 'default startup probe for a slow component start',
  'spec.template.automountServiceAccountToken': 'no API token in model pods (DESIGN §4)',
  'spec.template.securityContext': 'restricted pod security (or its reasoned relaxation)',
  'spec.template.volumes': 'the emptyDir behind /tmp (the root filesystem is read-only)',
  'spec.template.tolerations': 'a toleration of the nvidia.com/gpu taint when GPUs are requested',
  'spec.template.containers[*].securityContext': 'restricted container security',
  'spec.template.containers[*].securityContext.*': 'restricted container security, next to the relaxation upstream asks for',
  'spec.template.containers[*].volumeMounts': 'the /tmp mount of that emptyDir',
  'spec.template.containers[*].livenessProbe.httpGet':
    "a Probe always names its check: upstream overrides only the timing of the LLMInferenceServiceConfig's probe (httpGet /health on 8000, HTTPS), which the rebuild spells out",
};

/**
 * What every predictor of ours adds to a hand-written one: the deployment
 * mode and the secure defaults of DESIGN §4 (in Knative mode on the
 * container only: Knative refuses a pod-level securityContext by default).
 */
function predictorDefaults(field: string, mode: 'standard' | 'knative' = 'standard'): string[] {
  const c = `${P}.${field}`;
  const pod = mode === 'knative' ? [] : [`${P}.securityContext`];
  // TorchServe gets its log locations on the /tmp emptyDir.
  const env = field === 'pytorch' ? [`${c}.env`] : [];
  return [DEPLOYMENT_MODE, `${P}.automountServiceAccountToken`, ...pod, `${P}.volumes`, `${c}.securityContext`, `${c}.volumeMounts`, ...env, `${c}.readinessProbe`, `${c}.livenessProbe`, `${c}.startupProbe`];
}

/** What every LLMInferenceService of ours adds: the secure defaults of DESIGN §4. */
const LLM_DEFAULTS = ['spec.template.automountServiceAccountToken', 'spec.template.securityContext', 'spec.template.volumes', 'spec.template.containers[0].securityContext', 'spec.template.containers[0].volumeMounts'];
/** The same for a GPU service: its root stays writable, as KServe's vLLM presets need (LLM_GPU_SECURITY), so no /tmp emptyDir. */
const LLM_GPU_DEFAULTS = ['spec.template.automountServiceAccountToken', 'spec.template.securityContext', 'spec.template.containers[0].securityContext'];

/** Kinds found in rebuilt files that are not rebuilt, and why. */
const NOT_REBUILT_KINDS: Readonly<Record<string, string>> = {
  InferenceGraph: 'rebuilt, with its InferenceServices, by test/serving/inference-graph-upstream.test.ts',
};

const LATEST = "the image is ':latest' (or untagged, which means latest); the library refuses unpinned images on purpose";

/** Files in the universe that are not rebuilt, and why. */
const SKIPPED: Readonly<Record<string, string>> = {
  'explanation/aif/germancredit/bias.yaml': `${LATEST}: explainer aipipeline/aifserver:latest`,
  'explanation/art/mnist/art.yaml': 'the built-in ART explainer (explainer.art): Explainer offers custom containers only',
  'autoscaling/autoscale_custom.yaml': "rebuilt in KServe's default deployment mode (Knative), without an upper bound, by test/serving/autoscaling-upstream.test.ts",
  'fluid/kserve-isvc.yaml': 'storageUri s3://${bucket}/... is an unexpanded template placeholder (Storage.s3 refuses it as a bucket name)',
  'kafka/mnist_kafka_new.yaml': `${LATEST}: transformer kserve/mnist-transformer:latest`,
  'multimodelserving/sklearn/inferenceservice.yaml': 'rebuilt with its TrainedModels (multi-model serving, containerName) by test/serving/trained-model-upstream.test.ts',
  'v1beta1/advanced/pod-overrides.yaml': 'the deprecated predictor.serviceAccount alias; the library writes serviceAccountName (serviceAccount prop)',
  'v1beta1/torchserve/v1/grpc.yaml':
    "pytorch over grpc-v1: KServe v0.20's kserve-torchserve ClusterServingRuntime declares v1, v2 and grpc-v2 only, so KServe selects no runtime for it; the library refuses a protocol the format's runtimes do not speak",
  'v1beta1/custom/simple.yaml': `${LATEST}: codait/max-object-detector has no tag`,
  'v1beta1/custom/prebuilt-image/custom.yaml': `${LATEST}: codait/max-object-detector has no tag`,
  'v1beta1/custom/custom_model/custom.yaml': `${LATEST}: kserve/custom-model:latest, kserve/custom-model-grpc:latest`,
  'v1beta1/transformer/feast/driver_transformer.yaml': `${LATEST}: transformer kserve/driver-transformer:latest`,
  'v1beta1/transformer/feast/driver_transformer_modelmesh.yaml': 'the ModelMesh deployment mode (DeploymentMode offers Standard and Knative), and a {username}/driver-transformer:latest placeholder image',
  'v1beta1/transformer/torchserve_image_transformer/transformer.yaml': `${LATEST}: transformer kserve/image-transformer:latest`,
  'v1beta1/triton/torchscript/torch_transformer.yaml': `${LATEST}: transformer kserve/image-transformer:latest`,
  'v1beta1/triton/torchscript/torch_grpc_transformer.yaml': `${LATEST}: transformer kserve/image-transformer:latest`,
  'llmisvc/dp-ep/deepseek-r1-gpu-rdma-roce/llm-inference-service-dp-ep-deepseek-r1-gpu-deepep-ht.yaml': 'spec.parallelism (data/expert parallelism over RDMA) and the rdma/roce_gdr resource: no props',
  'llmisvc/dp-ep/deepseek-r1-gpu-rdma-roce/llm-inference-service-dp-ep-deepseek-r1-pd-gpu-p-deepep-ht-d-deepep-ht.yaml': 'spec.parallelism and spec.prefill (prefill/decode disaggregation): no props',
  'llmisvc/e2e-gpt-oss/inference_default.yaml': 'rebuilt with its baseRefs config (LlmInferenceServiceConfig) by test/serving/llm-inference-service-config-upstream.test.ts',
  'llmisvc/e2e-gpt-oss/inference_pd_disaggregation.yaml': 'spec.prefill (prefill/decode disaggregation): no props',
  'llmisvc/managed-dra/llm-inference-service-managed-dra-minimal.yaml': 'metadata.annotations serving.kserve.io/exp-dra-device-class (managed DRA): no props',
  'llmisvc/precise-prefix-kv-cache-routing/llm-inference-service-opt-125m-cpu-kv-cache-routing-simulator.yaml': 'a scheduler with its own template and EndpointPickerConfig: no props',
  'llmisvc/multi-gpu-vendor/llm-inference-service-qwen2-7b-amd-no-scheduler.yaml': 'amd.com/gpu resources (ResourceRequirements in src/core knows cpu, memory, ephemeral-storage and nvidia.com/gpu) and spec.labels: no props',
  'llmisvc/single-node-gpu/llm-inference-service-pd-qwen2-7b-gpu.yaml': 'spec.prefill (prefill/decode disaggregation) and the rdma/roce_gdr resource: no props',
  'models-as-a-service/docs/samples/models/e2e-distinct-2-simulated/model.yaml': 'rebuilt (named probe ports, storageInitializer: false) by test/serving/container-volumes-upstream.test.ts',
  'models-as-a-service/docs/samples/models/simulator/model.yaml': 'rebuilt (named probe ports, storageInitializer: false) by test/serving/container-volumes-upstream.test.ts',
  'models-as-a-service/docs/samples/models/facebook-opt-125m-cpu/model.yaml': `${LATEST}: quay.io/pierdipi/vllm-cpu:latest`,
  'models-as-a-service/docs/samples/models/qwen3/model.yaml': `${LATEST}: vllm/vllm-openai:latest`,
};

interface Case {
  /** The upstream file, relative to the folder. */
  readonly file: string;
  /** Builds our objects into `app`. */
  readonly build: (app: App) => void;
  /** The paths our object adds, by `Kind/name` (or `Kind/namespace/name`), each one matched by an ALLOWED_EXTRAS entry. */
  readonly extras: Readonly<Record<string, readonly string[]>>;
}

/** A plain cdk8s chart, in `namespace` when the upstream object has one. */
function chartIn(app: App, namespace?: string): Chart {
  return new Chart(app, namespace ?? 'cluster-default', { namespace });
}

const gcs = (bucketPath: string) => Storage.gcs(`gs://${bucketPath}`);
const FLOWERS = 'kfserving-examples/models/tensorflow/flowers';
const IMAGE_CLASSIFIER_V1 = 'kfserving-examples/models/torchserve/image_classifier/v1';

/** One InferenceService with a framework field (`spec.predictor.<format>`) in a namespace-less chart. */
function frameworkCase(file: string, name: string, props: Omit<FlatModelProps, 'frameworkField'>, extras: readonly string[]): Case {
  return {
    file,
    build: (app) => {
      new InferenceService(chartIn(app), name, withPredictor({ frameworkField: true }, props));
    },
    extras: { [`InferenceService/${name}`]: extras },
  };
}

/** One LLMInferenceService. */
function llmCase(file: string, name: string, namespace: string | undefined, props: LlmInferenceServiceProps, extras: readonly string[]): Case {
  return {
    file,
    build: (app) => {
      new LlmInferenceService(chartIn(app, namespace), name, props);
    },
    extras: { [namespace ? `LLMInferenceService/${namespace}/${name}` : `LLMInferenceService/${name}`]: extras },
  };
}

const CPU_VLLM = 'public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo';
const HEALTH_PROBE = (timing: { initialDelaySeconds: number; periodSeconds: number; timeoutSeconds: number; failureThreshold: number }) =>
  Probe.http('/health', 8000, {
    scheme: 'HTTPS',
    initialDelay: Duration.seconds(timing.initialDelaySeconds),
    period: Duration.seconds(timing.periodSeconds),
    timeout: Duration.seconds(timing.timeoutSeconds),
    failureThreshold: timing.failureThreshold,
  });
const VLLM_CPU_ENV = { VLLM_LOGGING_LEVEL: 'DEBUG', VLLM_CPU_KVCACHE_SPACE: '1' };
const RUNS_AS_ROOT = WorkloadSecurity.relaxed({ reason: 'upstream vLLM CPU image runs as root (runAsNonRoot: false in the sample)', allowRoot: true });
/** The container security fields we add next to upstream's `runAsNonRoot: false`. */
const ROOT_CONTAINER_EXTRAS = ['allowPrivilegeEscalation', 'capabilities', 'readOnlyRootFilesystem', 'seccompProfile'].map((k) => `spec.template.containers[0].securityContext.${k}`);

function optCpu(file: string, router: LlmRouter): Case {
  return llmCase(
    `llmisvc/opt-125m-cpu/${file}`,
    'facebook-opt-125m-single',
    undefined,
    {
      model: Storage.hf('facebook/opt-125m'),
      replicas: 1,
      router,
      security: RUNS_AS_ROOT,
      container: {
        image: `${CPU_VLLM}:v0.19.0`,
        env: VLLM_CPU_ENV,
        resources: { limits: { cpu: '1', memory: '10Gi' }, requests: { cpu: '100m', memory: '8Gi' } },
        livenessProbe: HEALTH_PROBE({ initialDelaySeconds: 30, periodSeconds: 30, timeoutSeconds: 30, failureThreshold: 5 }),
      },
    },
    [
      'spec.template.automountServiceAccountToken',
      'spec.template.securityContext',
      'spec.template.volumes',
      'spec.template.containers[0].volumeMounts',
      ...ROOT_CONTAINER_EXTRAS,
      'spec.template.containers[0].livenessProbe.httpGet',
    ],
  );
}

function loraCpu(file: string, name: string, adapter: { name: string; storage: Storage }): Case {
  return llmCase(
    `llmisvc/lora-adapters/test-examples/${file}`,
    name,
    'kserve-ci-e2e-test',
    {
      model: Storage.hf('facebook/opt-125m'),
      loraAdapters: [adapter],
      replicas: 1,
      router: LlmRouter.managed({ scheduler: true, explicitDefaultGateway: true }),
      container: {
        image: `${CPU_VLLM}:v0.17.1`,
        env: VLLM_CPU_ENV,
        resources: { limits: { cpu: '2', memory: '7Gi' }, requests: { cpu: '200m', memory: '2Gi' } },
        livenessProbe: HEALTH_PROBE({ initialDelaySeconds: 180, periodSeconds: 30, timeoutSeconds: 30, failureThreshold: 8 }),
        readinessProbe: HEALTH_PROBE({ initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
      },
    },
    LLM_DEFAULTS,
  );
}

const CASES: readonly Case[] = [
  frameworkCase('v1beta1/sklearn/v2/sklearn.yaml', 'sklearn-irisv2', { format: ModelFormat.SKLEARN, protocolVersion: ProtocolVersion.V2, storage: Storage.gcs('gs://seldon-models/sklearn/iris') }, [
    ...predictorDefaults('sklearn'),
    MIN_REPLICAS,
  ]),
  frameworkCase('v1beta1/sklearn/v1/sklearn-mixedtype-model/sklearn-mixedtype.yaml', 'sklearn-mixedtype', { format: ModelFormat.SKLEARN, storage: gcs('kfserving-examples/models/sklearn/1.3/mixedtype') }, [
    ...predictorDefaults('sklearn'),
    MIN_REPLICAS,
    protocol('sklearn'),
  ]),
  frameworkCase('v1beta1/tensorflow/tensorflow.yaml', 'flower-sample', {
    format: ModelFormat.TENSORFLOW,
    storage: gcs(FLOWERS),
    annotations: { 'serving.kserve.io/enable-metric-aggregation': 'true', 'serving.kserve.io/enable-prometheus-scraping': 'true' },
  }, [...predictorDefaults('tensorflow'), MIN_REPLICAS, protocol('tensorflow')]),
  frameworkCase('v1beta1/tensorflow/gpu.yaml', 'tensorflow-gpu', { format: ModelFormat.TENSORFLOW, storage: gcs(FLOWERS), resources: { limits: { nvidiaGpu: '1' } } }, [
    ...predictorDefaults('tensorflow'),
    MIN_REPLICAS,
    protocol('tensorflow'),
    TOLERATIONS,
  ]),
  frameworkCase('v1beta1/tensorflow/versioning.yaml', 'tensorflow-versioning', { format: ModelFormat.TENSORFLOW, storage: gcs(FLOWERS), image: 'tensorflow/serving:v1.14' }, [
    ...predictorDefaults('tensorflow'),
    MIN_REPLICAS,
    protocol('tensorflow'),
  ]),
  {
    file: 'v1beta1/torchserve/canary/canary.yaml',
    build: (app) => {
      const isvc = new InferenceService(chartIn(app), 'torchserve', {
        predictor: Predictor.model({
          format: ModelFormat.PYTORCH,
          frameworkField: true,
          storage: gcs(IMAGE_CLASSIFIER_V1),
        }),
        deploymentMode: DeploymentMode.KNATIVE,
      });
      isvc.canary({ trafficPercent: 20, storage: gcs('kfserving-examples/models/torchserve/image_classifier/v2') });
    },
    extras: { 'InferenceService/torchserve': [...predictorDefaults('pytorch', 'knative'), MIN_REPLICAS, protocol('pytorch')] },
  },
  frameworkCase('v1beta1/rollout/default.yaml', 'my-model', { format: ModelFormat.TENSORFLOW, storage: gcs(FLOWERS) }, [...predictorDefaults('tensorflow'), MIN_REPLICAS, protocol('tensorflow')]),
  {
    file: 'v1beta1/rollout/pinned.yaml',
    build: (app) => {
      const isvc = new InferenceService(chartIn(app), 'my-model', { predictor: Predictor.model({ format: ModelFormat.TENSORFLOW, frameworkField: true, storage: gcs(FLOWERS) }), deploymentMode: DeploymentMode.KNATIVE });
      isvc.canary({ trafficPercent: 0, storage: gcs(`${FLOWERS}-2`) });
    },
    extras: { 'InferenceService/my-model': [...predictorDefaults('tensorflow', 'knative'), MIN_REPLICAS, protocol('tensorflow')] },
  },
  {
    file: 'storage/oci-image-volume/inference_service.yaml',
    build: (app) => {
      new InferenceService(chartIn(app, 'kserve-test'), 'sklearn-oci-native', {
        predictor: Predictor.model({
          format: ModelFormat.SKLEARN,
          storage: Storage.uri('oci+native://ghcr.io/my-org/my-sklearn-model:v1'),
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        }),
      });
    },
    extras: { 'InferenceService/kserve-test/sklearn-oci-native': [...predictorDefaults('model'), MIN_REPLICAS, protocol('model')] },
  },
  frameworkCase('storage/s3/tensorflow_s3.yaml', 'mnist-s3', { format: ModelFormat.TENSORFLOW, storage: Storage.s3('s3://kfserving-examples/mnist', { serviceAccount: { serviceAccountName: 'sa' } }) }, [
    ...predictorDefaults('tensorflow'),
    MIN_REPLICAS,
    protocol('tensorflow'),
  ]),
  frameworkCase('storage/storageSpec/sklearn_storagespec.yaml', 'example-sklearn-isvc', { format: ModelFormat.SKLEARN, storage: Storage.storageKey('localMinIO', 'sklearn', { bucket: 'example-models' }) }, [
    ...predictorDefaults('sklearn'),
    MIN_REPLICAS,
    protocol('sklearn'),
  ]),
  frameworkCase(
    'storage/uri/tensorflow.yaml',
    'tensorflow-from-uri',
    { format: ModelFormat.TENSORFLOW, storage: Storage.uri('https://raw.githubusercontent.com/tduffy000/kfserving-uri-examples/master/tensorflow/frozen/model_artifacts.tar.gz') },
    [...predictorDefaults('tensorflow'), MIN_REPLICAS, protocol('tensorflow')],
  ),
  frameworkCase(
    'accelerators/tensorflow-gpu.yaml',
    'tensorflow-gpu',
    { format: ModelFormat.TENSORFLOW, storage: gcs(FLOWERS), runtimeVersion: '1.11.0-gpu', resources: { limits: { nvidiaGpu: '1' } }, annotations: { 'serving.kserve.io/gke-accelerator': 'nvidia-tesla-t4' } },
    [...predictorDefaults('tensorflow'), MIN_REPLICAS, protocol('tensorflow'), TOLERATIONS],
  ),
  frameworkCase('batcher/basic/batcher_v1beta1.yaml', 'pytorch-batcher', { format: ModelFormat.PYTORCH, storage: gcs(IMAGE_CLASSIFIER_V1), minReplicas: 1, batcher: { maxBatchSize: 16, maxLatency: Duration.millis(300) } }, [
    ...predictorDefaults('pytorch'),
    protocol('pytorch'),
    `${P}.batcher.timeout`,
  ]),
  frameworkCase('logger/basic/sklearn-logging.yaml', 'sklearn-iris', { format: ModelFormat.SKLEARN, storage: gcs('kfserving-examples/models/sklearn/1.0/model'), logger: { mode: 'all', url: 'http://message-dumper.default/' } }, [
    ...predictorDefaults('sklearn'),
    MIN_REPLICAS,
    protocol('sklearn'),
  ]),
  frameworkCase('v1beta1/lightgbm/lightgbm.yaml', 'lightgbm-iris', { format: ModelFormat.LIGHTGBM, storage: gcs('kfserving-examples/models/lightgbm/iris') }, [...predictorDefaults('lightgbm'), MIN_REPLICAS, protocol('lightgbm')]),
  frameworkCase('v1beta1/onnx/onnx.yaml', 'style-sample', { format: ModelFormat.ONNX, storage: gcs('kfserving-examples/models/onnx') }, [...predictorDefaults('onnx'), MIN_REPLICAS, protocol('onnx')]),
  frameworkCase('v1beta1/pmml/pmml.yaml', 'pmml-demo', { format: ModelFormat.PMML, storage: gcs('kfserving-examples/models/pmml') }, [...predictorDefaults('pmml'), MIN_REPLICAS, protocol('pmml')]),
  frameworkCase('v1beta1/spark/spark_pmml.yaml', 'spark-pmml', { format: ModelFormat.PMML, storage: gcs('kfserving-examples/models/sparkpmml') }, [...predictorDefaults('pmml'), MIN_REPLICAS, protocol('pmml')]),
  frameworkCase(
    'v1beta1/triton/torchscript/torchscript_grpc.yaml',
    'torchscript-cifar',
    {
      format: ModelFormat.TRITON,
      storage: gcs('kfserving-examples/models/torchscript'),
      runtimeVersion: '20.10-py3',
      // No protocolVersion: ModelFormat.TRITON defaults to v2, KServe's implied protocol for Triton (TritonSpec.GetProtocol).
      ports: [{ containerPort: 9000, name: 'h2c' }],
      env: { OMP_NUM_THREADS: '1' },
    },
    [...predictorDefaults('triton'), MIN_REPLICAS, protocol('triton')],
  ),
  frameworkCase('v1beta1/torchserve/v1/bert/bert.yaml', 'torchserve-bert', { format: ModelFormat.PYTORCH, storage: gcs('kfserving-examples/models/torchserve/huggingface') }, [
    ...predictorDefaults('pytorch'),
    MIN_REPLICAS,
    protocol('pytorch'),
  ]),
  frameworkCase('v1beta1/torchserve/v2/bert/bert.yaml', 'torchserve-bert-v2', { format: ModelFormat.PYTORCH, protocolVersion: ProtocolVersion.V2, storage: gcs('kfserving-examples/models/torchserve/bert/v2') }, [
    ...predictorDefaults('pytorch'),
    MIN_REPLICAS,
  ]),
  frameworkCase(
    'v1beta1/torchserve/v2/bert/bert_gpu.yaml',
    'torchserve-bert-v2',
    { format: ModelFormat.PYTORCH, protocolVersion: ProtocolVersion.V2, storage: gcs('kfserving-examples/models/torchserve/bert/v2'), resources: { limits: { memory: '4Gi', nvidiaGpu: '1' } } },
    [...predictorDefaults('pytorch'), MIN_REPLICAS, TOLERATIONS],
  ),
  frameworkCase(
    'v1beta1/torchserve/v2/mnist_gpu.yaml',
    'torchserve-mnist-v2',
    {
      format: ModelFormat.PYTORCH,
      protocolVersion: ProtocolVersion.V2,
      storage: gcs('kfserving-examples/models/torchserve/image_classifier/v2'),
      resources: { limits: { memory: '4Gi', nvidiaGpu: '1' } },
      args: ['--disable-token-auth', '--enable-model-api'],
    },
    [...predictorDefaults('pytorch'), MIN_REPLICAS, TOLERATIONS],
  ),
  frameworkCase(
    'v1beta1/advanced/probes.yaml',
    'flowers',
    { format: ModelFormat.TENSORFLOW, storage: gcs(FLOWERS), readinessProbe: Probe.http('/v1/models/flowers', 8080), livenessProbe: Probe.http('/v1/models/flowers', 8080) },
    [
      ...predictorDefaults('tensorflow').filter((p) => !/(readiness|liveness)Probe$/.test(p)),
      ...['readinessProbe', 'livenessProbe'].flatMap((probe) => ['httpGet.port', 'periodSeconds', 'failureThreshold'].map((f) => `${P}.tensorflow.${probe}.${f}`)),
      MIN_REPLICAS,
      protocol('tensorflow'),
    ],
  ),
  {
    file: 'explanation/aix/mnist/aix-explainer.yaml',
    build: (app) => {
      new InferenceService(chartIn(app, 'default'), 'aix-explainer', {
        predictor: Predictor.containers([{ name: 'predictor', image: 'aipipeline/rf-predictor:0.4.1', command: ['python', '-m', 'rfserver', '--model_name', 'aix-explainer'], imagePullPolicy: 'Always' }]),
        explainer: Explainer.container({
          name: 'explainer',
          image: 'kserve/aix-explainer:v0.10.1',
          args: ['--model_name', 'aix-explainer', '--explainer_type', 'LimeImages', '--num_samples', '100', '--top_labels', '10', '--min_weight', '0.01'],
          imagePullPolicy: 'Always',
          resources: { limits: { cpu: '1', memory: '2Gi' }, requests: { cpu: '1', memory: '2Gi' } },
        }),
      });
    },
    extras: {
      'InferenceService/default/aix-explainer': [
        DEPLOYMENT_MODE,
        MIN_REPLICAS,
        `${P}.automountServiceAccountToken`,
        `${P}.securityContext`,
        `${P}.volumes`,
        `${P}.containers[0].securityContext`,
        `${P}.containers[0].volumeMounts`,
        'spec.explainer.minReplicas',
        'spec.explainer.automountServiceAccountToken',
        'spec.explainer.securityContext',
        'spec.explainer.volumes',
        'spec.explainer.containers[0].securityContext',
        'spec.explainer.containers[0].volumeMounts',
        'spec.explainer.containers[0].readinessProbe',
        'spec.explainer.containers[0].livenessProbe',
        'spec.explainer.containers[0].startupProbe',
      ],
    },
  },
  {
    file: 'istio-dex/sklearn.yaml',
    build: (app) => {
      new InferenceService(chartIn(app), 'sklearn-iris', {
        predictor: Predictor.model({
          format: ModelFormat.SKLEARN,
          storage: gcs('kfserving-examples/models/sklearn/1.0/model'),
        }),
        annotations: { 'sidecar.istio.io/inject': 'false' },
      });
    },
    extras: { 'InferenceService/sklearn-iris': [...predictorDefaults('model'), MIN_REPLICAS, protocol('model')] },
  },
  {
    file: 'outlier-detection/alibi-detect/cifar10/cifar10.yaml',
    build: (app) => {
      new InferenceService(chartIn(app, 'cifar10'), 'tfserving-cifar10', {
        predictor: Predictor.model({
          format: ModelFormat.TENSORFLOW,
          frameworkField: true,
          storage: gcs('seldon-models/tfserving/cifar10/resnet32'),
        }),
        logger: { mode: 'all', url: 'http://broker-ingress.knative-eventing.svc.cluster.local/cifar10/default' },
      });
    },
    extras: { 'InferenceService/cifar10/tfserving-cifar10': [...predictorDefaults('tensorflow'), MIN_REPLICAS, protocol('tensorflow')] },
  },
  ...['graph/sequence.yaml', 'graph/splitter.yaml'].map(
    (file): Case => ({
      file,
      build: (app) => {
        const c = chartIn(app);
        new InferenceService(c, 'sklearn-iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, frameworkField: true, storage: gcs('kfserving-examples/models/sklearn/1.0/model') }) });
        new InferenceService(c, 'xgboost-iris', { predictor: Predictor.model({ format: ModelFormat.XGBOOST, frameworkField: true, storage: gcs('kfserving-examples/models/xgboost/iris') }) });
      },
      extras: {
        'InferenceService/sklearn-iris': [...predictorDefaults('sklearn'), MIN_REPLICAS, protocol('sklearn')],
        'InferenceService/xgboost-iris': [...predictorDefaults('xgboost'), MIN_REPLICAS, protocol('xgboost')],
      },
    }),
  ),
  {
    file: 'fluid/fluid-isvc.yaml',
    build: (app) => {
      const chart = chartIn(app);
      new InferenceService(chart, 'llama-31-8b-instruct', {
        predictor: Predictor.model({
          format: ModelFormat.HUGGINGFACE,
          runtime: ClusterServingRuntime.fromName(chart, 'runtime', 'custom-kserve-huggingfaceserver'),
          storage: Storage.pvc('s3-data', 'llama-31-8b-instruct'),
          args: ['--gpu-memory-utilization=0.95', '--max-model-len=1024', '--tensor-parallel-size=1', '--enforce-eager', '--disable-log-stats'],
          resources: { limits: { cpu: '24', memory: '48Gi', nvidiaGpu: '1' }, requests: { cpu: '24', memory: '48Gi', nvidiaGpu: '1' } },
        }),
        // Scale to zero needs Knative mode.
        deploymentMode: DeploymentMode.KNATIVE,
        minReplicas: 0,
        nodeSelector: { 'node.kubernetes.io/instance-type': 'g5.8xlarge' },
      });
    },
    extras: { 'InferenceService/llama-31-8b-instruct': [...predictorDefaults('model', 'knative'), protocol('model'), TOLERATIONS] },
  },
  optCpu('llm-inference-service-facebook-opt-125m-cpu-no-scheduler.yaml', LlmRouter.managed()),
  optCpu('llm-inference-service-facebook-opt-125m-cpu.yaml', LlmRouter.managed({ scheduler: true, explicitDefaultGateway: true })),
  llmCase(
    'llmisvc/single-node-gpu/llm-inference-service-qwen2-7b-gpu-no-scheduler.yaml',
    'qwen2-7b-instruct-single-no-scheduler',
    undefined,
    {
      model: Storage.hf('Qwen/Qwen2.5-7B-Instruct'),
      replicas: 3,
      router: LlmRouter.managed(),
      container: {
        resources: { limits: { cpu: '4', memory: '32Gi', nvidiaGpu: '1' }, requests: { cpu: '2', memory: '16Gi', nvidiaGpu: '1' } },
        livenessProbe: HEALTH_PROBE({ initialDelaySeconds: 120, periodSeconds: 30, timeoutSeconds: 30, failureThreshold: 5 }),
      },
    },
    [...LLM_GPU_DEFAULTS, 'spec.template.tolerations'],
  ),
  loraCpu('01-lora-hf-cpu.yaml', 'lora-hf-test', { name: 'lora-adapter-1', storage: Storage.hf('edbeeching/opt-125m-lora') }),
  loraCpu('04-lora-pvc-cpu.yaml', 'lora-pvc-test', { name: 'pvc-adapter', storage: Storage.pvc('lora-adapters-pvc', 'opt-125m-lora') }),
  {
    file: 'models-as-a-service/docs/samples/models/ibm-granite-2b-gpu/model.yaml',
    build: (app) => {
      const c = chartIn(app, 'llm');
      new LlmInferenceService(c, 'ibm-granite-2b-gpu', {
        model: Storage.hf('ibm-granite/granite-3.1-2b-instruct'),
        replicas: 1,
        router: LlmRouter.managedRoute(Gateway.fromGatewayName(c, 'maas-gateway', 'maas-default-gateway', { namespace: 'openshift-ingress' })),
        nodeSelector: { 'nvidia.com/gpu.present': 'true' },
        container: {
          env: { VLLM_ADDITIONAL_ARGS: '--max-model-len 4096 --trust-remote-code --dtype float16', VLLM_ATTENTION_BACKEND: 'XFORMERS', VLLM_USE_V1: '0' },
          resources: { limits: { cpu: '2', memory: '12Gi', nvidiaGpu: '1' }, requests: { cpu: '500m', memory: '8Gi', nvidiaGpu: '1' } },
        },
      });
    },
    extras: { 'LLMInferenceService/llm/ibm-granite-2b-gpu': LLM_GPU_DEFAULTS },
  },
];

/** Files under the folder holding a kind we build, relative to it. */
function filesWithBuiltKinds(): string[] {
  return fs
    .readdirSync(EXAMPLES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => {
      const text = fs.readFileSync(path.join(EXAMPLES, f), 'utf8');
      return BUILT_KINDS.some((k) => new RegExp(`^kind:\\s*"?${k}"?\\s*$`, 'm').test(text));
    })
    .sort();
}

/** The kserve files `KNOWN-INVALID.md` lists, relative to the folder. */
function knownInvalid(): string[] {
  return [...fs.readFileSync(KNOWN_INVALID, 'utf8').matchAll(/^\| kserve\/(\S+) \|/gm)].map((m) => m[1]).sort();
}

function synth(app: App): Json[] {
  return app.charts.flatMap((chart) => chart.toJson() as Json[]);
}

describe('upstream KServe examples rebuilt through InferenceService and LlmInferenceService', () => {
  it('every file with a kind we build (and not known invalid) is rebuilt once or skipped with a reason', () => {
    const invalid = knownInvalid();
    expect(invalid.length).toBeGreaterThanOrEqual(10);
    const universe = filesWithBuiltKinds().filter((f) => !invalid.includes(f));
    const rebuilt = CASES.map((c) => c.file);
    expect(new Set(rebuilt).size, 'a file is rebuilt twice').toBe(rebuilt.length);
    expect(rebuilt.filter((f) => f in SKIPPED), 'rebuilt and skipped').toEqual([]);
    expect([...rebuilt, ...Object.keys(SKIPPED)].sort()).toEqual(universe);
  });

  it('rebuilds at least 18 InferenceService files and the CPU OPT-125m LLMInferenceServices', () => {
    const kinds = (c: Case) => readObjects(path.join(EXAMPLES, c.file)).map((o) => o.kind);
    expect(CASES.filter((c) => kinds(c).includes('InferenceService')).length).toBeGreaterThanOrEqual(18);
    expect(CASES.map((c) => c.file)).toEqual(expect.arrayContaining(['llmisvc/opt-125m-cpu/llm-inference-service-facebook-opt-125m-cpu.yaml']));
  });

  it("skipped ':latest' files do carry an unpinned image", () => {
    for (const [file, reason] of Object.entries(SKIPPED).filter(([, r]) => r.startsWith(LATEST))) {
      const images = JSON.stringify(readObjects(path.join(EXAMPLES, file))).match(/"image":"[^"]*"/g) ?? [];
      expect(images.some((i) => i.endsWith(':latest"') || !/:[\w][\w.-]*"$/.test(i)), `${file}: ${reason}`).toBe(true);
    }
  });

  it('the comparison reads integer quantities as the apiserver stores them, ignores env order, and still fails on a changed value', () => {
    const [gpu] = readObjects(path.join(EXAMPLES, 'v1beta1/tensorflow/gpu.yaml'));
    const copy = () => structuredClone(gpu) as any;
    const asString = copy();
    asString.spec.predictor.tensorflow.resources.limits['nvidia.com/gpu'] = '1';
    expect(compareWithUpstream(gpu, asString)).toEqual({ missing: [], extra: [] });
    const two = copy();
    two.spec.predictor.tensorflow.resources.limits['nvidia.com/gpu'] = '2';
    expect(compareWithUpstream(gpu, two).missing).toEqual([`${P}.tensorflow.resources.limits['nvidia.com/gpu']: upstream "1" ≠ ours "2"`]);

    const [triton] = readObjects(path.join(EXAMPLES, 'v1beta1/triton/torchscript/torch_transformer.yaml'));
    const env = (list: object[]) => {
      const o = structuredClone(triton) as any;
      o.spec.predictor.triton.env = list;
      return o;
    };
    const a = { name: 'A', value: '1' };
    const b = { name: 'B', value: '2' };
    expect(compareWithUpstream(env([a, b]), env([b, a])).missing).toEqual([]);
    expect(compareWithUpstream(env([a, b]), env([b, { ...a, value: '3' }])).missing).toEqual([`${P}.triton.env[0].value: upstream "1" ≠ ours "3"`]);
    const refers = { name: 'C', value: '$(A)-x' };
    expect(compareWithUpstream(env([a, refers]), env([refers, a])).missing.length, '$(VAR) references keep their order').toBeGreaterThan(0);
  });

  for (const c of CASES) {
    it(c.file, () => {
      // A v1alpha1 LLMInferenceService is compared as KServe's conversion stores it (v1alpha2, the version the construct emits).
      const upstream = readObjects(path.join(EXAMPLES, c.file)).map(toV1alpha2);
      for (const o of upstream.filter((x) => !BUILT_KINDS.includes(x.kind as string))) expect(NOT_REBUILT_KINDS).toHaveProperty([o.kind as string]);
      const expected = upstream.filter((o) => BUILT_KINDS.includes(o.kind as string));

      const app = Testing.app();
      c.build(app);
      const ours = synth(app);
      expect(ours.map(objectKey).sort(), 'the objects we build').toEqual(expected.map(objectKey).sort());
      expect(Object.keys(c.extras).sort(), 'extras are listed for every object').toEqual(expected.map(objectKey).sort());

      for (const theirs of expected) {
        const key = objectKey(theirs);
        const mine = ours.find((o) => objectKey(o) === key)!;
        expect(validateObject(mine).map(formatIssue), `${key} is valid`).toEqual([]);
        const { missing, extra } = compareWithUpstream(theirs, mine);
        expect(missing, `${key}: upstream fields we do not reproduce`).toEqual([]);
        expect(extra, `${key}: fields we add`).toEqual([...c.extras[key]].sort());
        for (const p of c.extras[key]) expect(Object.keys(ALLOWED_EXTRAS).some((pattern) => matchesPattern(p, pattern)), `${p} is documented in ALLOWED_EXTRAS`).toBe(true);
      }
    });
  }
});
