/**
 * Issue 17 §2 (first part): `LlmInferenceService` emits
 * `serving.kserve.io/v1alpha2`, the storage version of LLMInferenceService
 * since KServe 0.17, proved on `../shared/examples/kserve/llmisvc`.
 *
 * Every LLMInferenceService example the construct can express is rebuilt
 * through the typed construct and compared semantically with the upstream
 * object (`test/upstream-compare.ts`, via `rebuild` of upstream-rebuild.ts:
 * CRD defaults on both sides, every upstream field equal in ours, each of
 * our objects valid against the v1alpha2 schema). Upstream v1alpha1 examples
 * are compared after KServe's v1alpha1 → v1alpha2 conversion
 * (`llmisvc-conversion.ts`, mirroring kserve v0.20.0
 * pkg/apis/serving/v1alpha1/llm_inference_service_conversion.go). The only
 * fields ours may add are the library's documented hardening (DESIGN §4),
 * listed per object below.
 *
 * The other examples of the folder are listed in {@link SKIPPED} with the
 * reason (fields the construct lacks, or KNOWN-INVALID.md). The folder's
 * LLMInferenceServiceConfig files are listed in {@link CONFIG_FILES}: the
 * prefix-cache one is rebuilt here through `LlmInferenceServiceConfig`
 * (its template and its router's scheduler), but for its known-invalid pool
 * and the picker container fields LlmSchedulerContainer does not type.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Construct } from 'constructs';
import { EnvValue, EnvVars } from '../../src/core/env';
import { Probe } from '../../src/core/probe';
import { ResourceRequirements } from '../../src/core/resources';
import { WorkloadSecurity } from '../../src/core/security';
import { ServiceAccount } from '../../src/core/service-account';
import { EndpointPickerConfig } from '../../src/inference/endpoint-picker-config';
import { LlmInferenceService, LlmInferenceServiceProps } from '../../src/serving/llm-inference-service';
import { LlmRouter } from '../../src/serving/llm-router';
import { LlmInferenceServiceConfig } from '../../src/serving/llm-inference-service-config';
import { SecretRef } from '../../src/core/secret-ref';
import { Storage } from '../../src/serving/storage';
import { compareWithUpstream, Json, readObjects } from '../upstream-compare';
import { LORA_CRITICALITIES_ANNOTATION, MODEL_CRITICALITY_ANNOTATION, toV1alpha2, V1ALPHA1, V1ALPHA2 } from './llmisvc-conversion';
import { EXAMPLES, plainChart, rebuild, synthCharts, upstreamObjects } from './upstream-rebuild';
import { formatIssue, validateObject } from '../../src/validate';
import { KvCacheEvictionPolicy, KvCacheTier } from '../../src/serving/llm-kv-cache';

const DIR = 'llmisvc';

/** The secure defaults every LlmInferenceService adds (DESIGN §4): no API token, restricted pod and container security, the /tmp emptyDir. */
const HARDENING = ['spec.template.automountServiceAccountToken', 'spec.template.securityContext', 'spec.template.volumes', 'spec.template.containers[0].securityContext', 'spec.template.containers[0].volumeMounts'];
/** Next to upstream's `runAsNonRoot: false`, the restricted container fields we still add. */
const ROOT_HARDENING = [
  'spec.template.automountServiceAccountToken',
  'spec.template.securityContext',
  'spec.template.volumes',
  'spec.template.containers[0].volumeMounts',
  ...['allowPrivilegeEscalation', 'capabilities', 'readOnlyRootFilesystem', 'seccompProfile'].map((k) => `spec.template.containers[0].securityContext.${k}`),
];
/** A Probe always names its check; upstream overrides only the timing of the config's probe (httpGet /health on 8000, HTTPS). */
const PROBE_CHECK = 'spec.template.containers[0].livenessProbe.httpGet';

const CPU_VLLM = 'public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo';
const VLLM_CPU_ENV = { VLLM_LOGGING_LEVEL: 'DEBUG', VLLM_CPU_KVCACHE_SPACE: '1' };
const RUNS_AS_ROOT = WorkloadSecurity.relaxed({ reason: 'upstream vLLM CPU image runs as root (runAsNonRoot: false in the sample)', allowRoot: true });
const health = (initialDelaySeconds: number, periodSeconds: number, timeoutSeconds: number, failureThreshold: number) =>
  Probe.http('/health', 8000, { scheme: 'HTTPS', initialDelay: Duration.seconds(initialDelaySeconds), period: Duration.seconds(periodSeconds), timeout: Duration.seconds(timeoutSeconds), failureThreshold });

function optCpu(router: LlmRouter): LlmInferenceServiceProps {
  return {
    model: Storage.hf('facebook/opt-125m'),
    replicas: 1,
    router,
    security: RUNS_AS_ROOT,
    container: {
      image: `${CPU_VLLM}:v0.19.0`,
      env: VLLM_CPU_ENV,
      resources: { limits: { cpu: '1', memory: '10Gi' }, requests: { cpu: '100m', memory: '8Gi' } },
      livenessProbe: health(30, 30, 30, 5),
    },
  };
}

function loraCpu(adapter: { name: string; storage: Storage }): LlmInferenceServiceProps {
  return {
    model: Storage.hf('facebook/opt-125m'),
    loraAdapters: [adapter],
    replicas: 1,
    router: LlmRouter.managed({ scheduler: true, explicitDefaultGateway: true }),
    container: {
      image: `${CPU_VLLM}:v0.17.1`,
      env: VLLM_CPU_ENV,
      resources: { limits: { cpu: '2', memory: '7Gi' }, requests: { cpu: '200m', memory: '2Gi' } },
      livenessProbe: health(180, 30, 30, 8),
      readinessProbe: health(30, 10, 5, 3),
    },
  };
}

/** The secure defaults of a pod spec at `at` (`spec.template`, `spec.prefill.template`, ...), with the GPU toleration. */
const hardened = (at: string, gpu = true) => [`${at}.automountServiceAccountToken`, `${at}.securityContext`, `${at}.volumes`, `${at}.containers[0].securityContext`, `${at}.containers[0].volumeMounts`, ...(gpu ? [`${at}.tolerations`] : [])];
/** The same for a GPU or multi-node pod, whose root stays writable as KServe's presets need (no /tmp emptyDir). */
const hardenedWritable = (at: string) => [`${at}.automountServiceAccountToken`, `${at}.securityContext`, `${at}.containers[0].securityContext`, `${at}.tolerations`];
const ROCE = { 'k8s.v1.cni.cncf.io/networks': 'roce-p2' };
const nixl = (role: 'kv_consumer' | 'kv_producer') => `--kv_transfer_config '{"kv_connector":"NixlConnector","kv_role":"${role}"}'`;

/** single-node-gpu P/D sample: RDMA KV transfer through NIXL. */
function pdQwenContainer(role: 'kv_consumer' | 'kv_producer') {
  const both = { nvidiaGpu: '1', extended: { 'rdma/roce_gdr': '1' } };
  return {
    env: { KSERVE_INFER_ROCE: 'true', VLLM_NIXL_SIDE_CHANNEL_HOST: EnvValue.fromField('status.podIP'), VLLM_ADDITIONAL_ARGS: nixl(role), UCX_PROTO_INFO: 'y', UCX_TLS: 'rc,sm,self,cuda_copy,cuda_ipc' },
    resources: { limits: { ...both, cpu: '4', memory: '32Gi' }, requests: { ...both, cpu: '2', memory: '16Gi' } },
    livenessProbe: health(120, 30, 30, 5),
  };
}

/** The dp-ep samples' environment (NCCL, NVSHMEM, UCX over RoCE). */
function deepEpEnv(vllmArgs: string, pd: boolean): EnvVars {
  return {
    VLLM_LOGGING_LEVEL: 'INFO',
    KSERVE_INFER_ROCE: 'true',
    CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
    VLLM_ADDITIONAL_ARGS: vllmArgs,
    VLLM_ALL2ALL_BACKEND: 'deepep_high_throughput',
    PYTORCH_CUDA_ALLOC_CONF: 'expandable_segments:True',
    NCCL_IB_GID_INDEX: '3',
    NCCL_DEBUG: 'WARN',
    NCCL_SOCKET_IFNAME: 'net1',
    NCCL_IB_TIMEOUT: '100',
    NVSHMEM_REMOTE_TRANSPORT: 'ibgda',
    NVSHMEM_BOOTSTRAP_TWO_STAGE: '1',
    NVSHMEM_BOOTSTRAP_TIMEOUT: '300',
    NVSHMEM_BOOTSTRAP_UID_SOCK_IFNAME: 'net1',
    NVSHMEM_IB_GID_INDEX: '3',
    NVSHMEM_USE_IBGDA: '1',
    NVSHMEM_ENABLE_NIC_PE_MAPPING: '1',
    NVSHMEM_IBGDA_SUPPORT: '1',
    NVSHMEM_IB_ENABLE_IBGDA: '1',
    NVSHMEM_IBGDA_NIC_HANDLER: 'gpu',
    NVSHMEM_DEBUG: 'WARN',
    UCX_TLS: 'rc,sm,self,cuda_copy,cuda_ipc',
    UCX_IB_GID_INDEX: '3',
    UCX_RC_MLX5_TM_ENABLE: 'n',
    UCX_UD_MLX5_RX_QUEUE_LEN: '1024',
    NVIDIA_GDRCOPY: 'enabled',
    ...(pd ? { VLLM_NIXL_SIDE_CHANNEL_HOST: EnvValue.fromField('status.podIP'), UCX_PROTO_INFO: 'y' } : {}),
  };
}

const DEEPEP_RESOURCES: ResourceRequirements = {
  limits: { cpu: '128', ephemeralStorage: '800Gi', memory: '512Gi', nvidiaGpu: '8', extended: { 'rdma/roce_gdr': '1' } },
  requests: { cpu: '64', ephemeralStorage: '800Gi', memory: '256Gi', nvidiaGpu: '8', extended: { 'rdma/roce_gdr': '1' } },
};

/** A dp-ep workload (head and workers) over `data` ranks, 8 per node. */
function deepEpWorkload(sa: ServiceAccount, data: number, vllmArgs: string, pd: boolean) {
  const env = deepEpEnv(vllmArgs, pd);
  return {
    replicas: 1,
    parallelism: { data, dataLocal: 8, expert: true, tensor: 1 },
    serviceAccount: sa,
    container: { env, resources: DEEPEP_RESOURCES, livenessProbe: Probe.http('/health', 8000, { scheme: 'HTTPS', initialDelay: Duration.seconds(4800), period: Duration.seconds(10), timeout: Duration.seconds(10), failureThreshold: 3 }) },
    worker: { container: { env, resources: DEEPEP_RESOURCES } },
  };
}

// No security given: a GPU multi-node workload gets LLM_GPU_SECURITY (the presets' writable root).
const DEEPEP_MODEL = { model: Storage.pvc('llm-test-pvc-deepseek'), modelName: 'deepseek-ai/DeepSeek-R1-0528', annotations: ROCE };

/** The prefix-cache config's EndpointPickerConfig (e2e-gpt-oss/llmisvc_config_prefix_cache.yaml; its apiVersion aside). */
const PREFIX_CACHE_CONFIG = () =>
  EndpointPickerConfig.of({
    plugins: [
      { type: 'single-profile-handler' },
      {
        type: 'precise-prefix-cache-scorer',
        parameters: {
          tokenProcessorConfig: { blockSize: 64, hashSeed: '42' },
          kvEventsConfig: { zmqEndpoint: 'tcp://*:5557', topicFilter: 'kv@', discoverPods: false },
          indexerConfig: { kvBlockIndexConfig: { enableMetrics: true, metricsLoggingInterval: 60000000000 }, tokenizersPoolConfig: { modelName: '{{ .Spec.Model.Name }}', hf: { tokenizersCacheDir: '/mnt/tokenizers' } } },
        },
      },
      { type: 'kv-cache-utilization-scorer' },
      { type: 'queue-scorer' },
      { type: 'active-request-scorer', parameters: { requestTimeout: '2m', idleThreshold: 0, maxBusyScore: 0 } },
      { type: 'max-score-picker' },
    ],
    schedulingProfiles: [
      {
        name: 'default',
        plugins: [
          { pluginRef: 'precise-prefix-cache-scorer', weight: 3 },
          { pluginRef: 'kv-cache-utilization-scorer', weight: 2 },
          { pluginRef: 'queue-scorer', weight: 2 },
          { pluginRef: 'active-request-scorer', weight: 3 },
          { pluginRef: 'max-score-picker' },
        ],
      },
    ],
  });

/** The precise-prefix sample's EndpointPickerConfig (its apiVersion aside, see the case). */
const PRECISE_PREFIX_CONFIG = () =>
  EndpointPickerConfig.of({
    plugins: [
      { type: 'single-profile-handler' },
      {
        type: 'precise-prefix-cache-scorer',
        parameters: {
          tokenProcessorConfig: { blockSize: 16, hashSeed: '42' },
          kvEventsConfig: { zmqEndpoint: 'tcp://*:5557' },
          indexerConfig: { kvBlockIndexConfig: { enableMetrics: true, metricsLoggingInterval: 60000000000 } },
        },
      },
      { type: 'kv-cache-utilization-scorer' },
      { type: 'queue-scorer' },
      { type: 'active-request-scorer', parameters: { requestTimeout: '2m', idleThreshold: 0, maxBusyScore: 0 } },
      { type: 'max-score-picker' },
    ],
    schedulingProfiles: [
      {
        name: 'default',
        plugins: [
          { pluginRef: 'precise-prefix-cache-scorer', weight: 3 },
          { pluginRef: 'kv-cache-utilization-scorer', weight: 2 },
          { pluginRef: 'queue-scorer', weight: 2 },
          { pluginRef: 'active-request-scorer', weight: 3 },
          { pluginRef: 'max-score-picker' },
        ],
      },
    ],
  });

interface Case {
  readonly file: string;
  readonly name: string;
  readonly namespace?: string;
  readonly props: LlmInferenceServiceProps | ((scope: Construct) => LlmInferenceServiceProps);
  readonly extras: readonly string[];
  /** Upstream fields ours writes otherwise, each with its reason in a comment (`path: upstream ≠ ours`). @default - none */
  readonly defaulted?: readonly string[];
  /** Objects built only to be referred to (a config of baseRefs, a ServiceAccount, another service). @default - none */
  readonly alsoBuilt?: readonly string[];
}

const CASES: Case[] = [
  { file: 'opt-125m-cpu/llm-inference-service-facebook-opt-125m-cpu.yaml', name: 'facebook-opt-125m-single', props: optCpu(LlmRouter.managed({ scheduler: true, explicitDefaultGateway: true })), extras: [...ROOT_HARDENING, PROBE_CHECK] },
  { file: 'opt-125m-cpu/llm-inference-service-facebook-opt-125m-cpu-no-scheduler.yaml', name: 'facebook-opt-125m-single', props: optCpu(LlmRouter.managed()), extras: [...ROOT_HARDENING, PROBE_CHECK] },
  {
    file: 'single-node-gpu/llm-inference-service-qwen2-7b-gpu-no-scheduler.yaml',
    name: 'qwen2-7b-instruct-single-no-scheduler',
    props: {
      model: Storage.hf('Qwen/Qwen2.5-7B-Instruct'),
      replicas: 3,
      router: LlmRouter.managed(),
      container: {
        resources: { limits: { cpu: '4', memory: '32Gi', nvidiaGpu: '1' }, requests: { cpu: '2', memory: '16Gi', nvidiaGpu: '1' } },
        livenessProbe: health(120, 30, 30, 5),
      },
    },
    extras: hardenedWritable('spec.template'),
  },
  { file: 'lora-adapters/test-examples/01-lora-hf-cpu.yaml', name: 'lora-hf-test', namespace: 'kserve-ci-e2e-test', props: loraCpu({ name: 'lora-adapter-1', storage: Storage.hf('edbeeching/opt-125m-lora') }), extras: HARDENING },
  { file: 'lora-adapters/test-examples/04-lora-pvc-cpu.yaml', name: 'lora-pvc-test', namespace: 'kserve-ci-e2e-test', props: loraCpu({ name: 'pvc-adapter', storage: Storage.pvc('lora-adapters-pvc', 'opt-125m-lora') }), extras: HARDENING },
];

const T = 'spec.template';
const PT = 'spec.prefill.template';

CASES.push(
  {
    file: 'e2e-gpt-oss/inference_pd_disaggregation.yaml',
    name: 'gpt-oss-20b',
    props: (scope) => ({
      model: Storage.pvc('gpt-oss-20b-pvc'),
      modelName: 'RedHatAI/gpt-oss-20b',
      replicas: 1,
      baseRefs: [new LlmInferenceServiceConfig(scope, 'llmisvc-config-pd-disagg', { storageInitializer: true })],
      container: { resources: { limits: { nvidiaGpu: '1' }, requests: { nvidiaGpu: '1' } } },
      prefill: { replicas: 2, container: { resources: { limits: { nvidiaGpu: '1' }, requests: { nvidiaGpu: '1' } } } },
    }),
    extras: [...hardenedWritable(T), ...hardenedWritable(PT)],
    alsoBuilt: ['LLMInferenceServiceConfig/llmisvc-config-pd-disagg'],
  },
  {
    file: 'single-node-gpu/llm-inference-service-pd-qwen2-7b-gpu.yaml',
    name: 'qwen2-7b-instruct-pd',
    props: {
      model: Storage.hf('Qwen/Qwen2.5-7B-Instruct'),
      annotations: ROCE,
      replicas: 1,
      router: LlmRouter.managed({ scheduler: true, explicitDefaultGateway: true }),
      container: pdQwenContainer('kv_consumer'),
      prefill: { replicas: 2, container: pdQwenContainer('kv_producer') },
    },
    extras: [...hardenedWritable(T), ...hardenedWritable(PT)],
  },
  {
    file: 'dp-ep/deepseek-r1-gpu-rdma-roce/llm-inference-service-dp-ep-deepseek-r1-gpu-deepep-ht.yaml',
    name: 'deepseek-r1-0528',
    props: (scope) => ({
      ...DEEPEP_MODEL,
      router: LlmRouter.managed({ scheduler: true, explicitDefaultGateway: true }),
      ...deepEpWorkload(new ServiceAccount(scope, 'hfsa'), 32, '--gpu-memory-utilization 0.95 --max-model-len 8192 --enforce-eager', false),
    }),
    extras: [...hardenedWritable(T), ...hardenedWritable('spec.worker')],
    alsoBuilt: ['ServiceAccount/hfsa'],
  },
  {
    file: 'dp-ep/deepseek-r1-gpu-rdma-roce/llm-inference-service-dp-ep-deepseek-r1-pd-gpu-p-deepep-ht-d-deepep-ht.yaml',
    name: 'deepseek-r1-0528-pd',
    props: (scope) => {
      const sa = new ServiceAccount(scope, 'hfsa');
      return {
        ...DEEPEP_MODEL,
        router: LlmRouter.managed({ scheduler: true, explicitDefaultGateway: true }),
        ...deepEpWorkload(sa, 16, `--gpu-memory-utilization 0.99 --max-model-len 4096 --enforce-eager ${nixl('kv_consumer')}`, true),
        prefill: deepEpWorkload(sa, 16, `--gpu-memory-utilization 0.97 --max-model-len 4096 --enforce-eager ${nixl('kv_producer')}`, true),
      };
    },
    extras: [...hardenedWritable(T), ...hardenedWritable('spec.worker'), ...hardenedWritable(PT), ...hardenedWritable('spec.prefill.worker')],
    alsoBuilt: ['ServiceAccount/hfsa'],
  },
  {
    file: 'precise-prefix-kv-cache-routing/llm-inference-service-opt-125m-cpu-kv-cache-routing-simulator.yaml',
    name: 'precise-prefix-test',
    props: {
      model: Storage.hf('facebook/opt-125m'),
      modelName: 'opt-125m',
      replicas: 2,
      router: LlmRouter.managed({ explicitDefaultGateway: true, scheduler: { containers: { tokenizer: { env: { LOG_LEVEL: 'DEBUG' } } }, config: PRECISE_PREFIX_CONFIG() } }),
      container: {
        image: 'ghcr.io/llm-d/llm-d-inference-sim:v0.10.0',
        command: ['/app/llm-d-inference-sim'],
        args: ['--port', '8000', '--model', '{{ .Spec.Model.Name }}', '--mode', 'random', '--enable-kvcache', '--block-size', '16', '--zmq-endpoint', 'tcp://{{ ChildName .ObjectMeta.Name `-epp-service` }}:5557', '--hash-seed', '42', '--event-batch-size', '1'],
        env: { POD_IP: EnvValue.fromField('status.podIP') },
        resources: { limits: { cpu: '1', memory: '2Gi' }, requests: { cpu: '100m', memory: '100Mi' } },
      },
    },
    extras: hardened(T, false),
    defaulted: [
      // The picker reads both apiVersions; the sample's is deprecated (llm-d-router v0.10.0 pkg/epp/config/loader/configloader.go logs
      // "DEPRECATION: apiVersion inference.networking.x-k8s.io/v1alpha1/EndpointPickerConfig is deprecated", replacement llm-d.ai/v1alpha1).
      'spec.router.scheduler.config.inline.apiVersion: upstream "inference.networking.x-k8s.io/v1alpha1" ≠ ours "llm-d.ai/v1alpha1"',
      // EnvValue.fromField writes the fieldPath only; the apiserver defaults apiVersion to v1 when KServe creates the Deployment.
      'spec.template.containers[0].env[0].valueFrom.fieldRef.apiVersion: upstream "v1" ≠ ours undefined',
    ],
  },
  {
    file: 'managed-dra/llm-inference-service-managed-dra-minimal.yaml',
    name: 'qwen2-7b-instruct-dra-minimal',
    props: {
      model: Storage.hf('Qwen/Qwen2.5-7B-Instruct'),
      managedDra: { deviceClass: 'gpu.nvidia.com' },
      replicas: 1,
      router: LlmRouter.managed({ scheduler: true, explicitDefaultGateway: true }),
      container: { resources: { limits: { cpu: '4', memory: '32Gi' }, requests: { cpu: '2', memory: '16Gi' } }, livenessProbe: health(120, 30, 30, 5) },
    },
    extras: hardened(T, false),
  },
  {
    file: 'multi-gpu-vendor/llm-inference-service-qwen2-7b-amd-no-scheduler.yaml',
    name: 'qwen2-7b-instruct-amd',
    props: (scope) => ({
      model: Storage.hf('Qwen/Qwen2.5-7B-Instruct'),
      replicas: 2,
      // The NVIDIA service whose scheduler pools these pods too (the sample's "shared label").
      poolWith: new LlmInferenceService(scope, 'qwen2-7b-instruct-nvidia', {
        model: Storage.hf('Qwen/Qwen2.5-7B-Instruct'),
        router: LlmRouter.managed({ scheduler: true }),
        container: { resources: { limits: { nvidiaGpu: '1' } } },
      }),
      container: { image: 'ghcr.io/llm-d/llm-d-rocm:v0.8.0', resources: { limits: { cpu: '4', memory: '32Gi', extended: { 'amd.com/gpu': '1' } }, requests: { cpu: '2', memory: '16Gi', extended: { 'amd.com/gpu': '1' } } } },
    }),
    extras: hardened(T, false),
    alsoBuilt: ['LLMInferenceService/qwen2-7b-instruct-nvidia'],
  },
);

/**
 * The folder's LLMInferenceServiceConfig files: where each is rebuilt, and
 * what of it cannot be (both are in KNOWN-INVALID.md: their
 * `router.scheduler.pool.spec` lacks the CRD's required selector and targetPorts).
 */
const CONFIG_FILES: Readonly<Record<string, string>> = {
  'e2e-gpt-oss/llmisvc_config_default.yaml': "spec.template rebuilt by test/serving/llm-inference-service-config-upstream.test.ts; its router part is the known-invalid pool and a picker container with args and gRPC probes, which LlmSchedulerContainer (image, env, resources) does not type",
  'e2e-gpt-oss/llmisvc_config_prefix_cache.yaml': 'rebuilt below with its router.scheduler (EndpointPickerConfig, picker image and env) through LlmInferenceServiceConfig.router, but for the known-invalid pool and the picker\'s volumes, ports, args, mounts and probes',
};

/** The folder's other LLMInferenceService files, and why they are not rebuilt here. */
const SKIPPED: Readonly<Record<string, string>> = {
  'e2e-gpt-oss/inference_default.yaml': 'v1alpha2 upstream; rebuilt with its baseRefs config by test/serving/llm-inference-service-config-upstream.test.ts (same v1alpha2 comparison)',
  'kv-cache-offloading/llm-inference-service-kv-cache-offloading.yaml': 'listed in KNOWN-INVALID.md (spec.workload is not a field of the v0.20 LLMInferenceService); rebuilt below with its kvCacheOffloading where the CRD has it (spec.kvCacheOffloading)',
};

function build(c: Case) {
  return (app: ReturnType<typeof Testing.app>) => {
    const chart = plainChart(app, c.namespace);
    new LlmInferenceService(chart, c.name, typeof c.props === 'function' ? c.props(chart) : c.props);
  };
}

const key = (c: Case) => (c.namespace ? `LLMInferenceService/${c.namespace}/${c.name}` : `LLMInferenceService/${c.name}`);

describe('LlmInferenceService emits serving.kserve.io/v1alpha2, rebuilding the llmisvc examples', () => {
  it('every LLMInferenceService file of the folder is rebuilt or skipped with a reason', () => {
    const root = path.join(EXAMPLES, DIR);
    const files = fs
      .readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.ya?ml$/.test(f) && readObjects(path.join(root, f)).some((o) => o.kind === 'LLMInferenceService'))
      .sort();
    expect([...CASES.map((c) => c.file), ...Object.keys(SKIPPED)].sort()).toEqual(files);
    expect(CASES.map((c) => c.file)).toEqual(expect.arrayContaining(['opt-125m-cpu/llm-inference-service-facebook-opt-125m-cpu.yaml', 'single-node-gpu/llm-inference-service-qwen2-7b-gpu-no-scheduler.yaml']));
  });

  it('every LLMInferenceServiceConfig file of the folder is listed with where it is rebuilt', () => {
    const root = path.join(EXAMPLES, DIR);
    const files = fs
      .readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.ya?ml$/.test(f) && readObjects(path.join(root, f)).some((o) => o.kind === 'LLMInferenceServiceConfig'))
      .sort();
    expect(Object.keys(CONFIG_FILES).sort()).toEqual(files);
  });

  it('e2e-gpt-oss/llmisvc_config_prefix_cache.yaml (known invalid: pool.spec) matches ours but for the pool and the untyped parts of the picker container', () => {
    const [upstream] = upstreamObjects(`${DIR}/e2e-gpt-oss/llmisvc_config_prefix_cache.yaml`);
    const scheduler = ((upstream.spec as Json).router as Json).scheduler as Json;
    const template = scheduler.template as Json;
    const [picker] = template.containers as Json[];
    // What is taken out of upstream, exactly: the known-invalid pool, and what LlmSchedulerContainer does not type.
    expect(Object.keys(scheduler).sort()).toEqual(['config', 'pool', 'template']);
    expect(scheduler.pool).toEqual({ spec: { endpointPickerRef: { group: '' } } });
    expect(Object.keys(template).sort()).toEqual(['containers', 'volumes']);
    const untyped = ['args', 'livenessProbe', 'ports', 'readinessProbe', 'volumeMounts'];
    expect(Object.keys(picker).filter((k) => !['name', 'image', 'env'].includes(k)).sort()).toEqual(untyped);
    const corrected = structuredClone(upstream);
    const cs = ((corrected.spec as Json).router as Json).scheduler as Json;
    delete cs.pool;
    delete (cs.template as Json).volumes;
    for (const k of untyped) delete ((cs.template as Json).containers as Json[])[0][k];

    const app = Testing.app();
    new LlmInferenceServiceConfig(plainChart(app), 'llmisvc-prefix-caching', {
      container: {
        image: 'ghcr.io/llm-d/llm-d-cuda:v0.8.0',
        command: ['/bin/sh', '-c'],
        args: [
          'vllm serve /mnt/models --served-model-name "{{ .Spec.Model.Name }}" --port 8000 --disable-access-log-for-endpoints /health,/metrics,/ping --disable-log-requests --prefix-caching-hash-algo sha256_cbor --block-size 64 --kv_transfer_config \'{"kv_connector":"NixlConnector","kv_role":"kv_both"}\' --kv-events-config "$KV_EVENTS_CONFIG" $VLLM_ADDITIONAL_ARGS\n',
        ],
        env: {
          POD_IP: EnvValue.fromField('status.podIP'),
          KV_EVENTS_CONFIG: '{\n  "enable_kv_cache_events": true,\n  "publisher": "zmq",\n  "endpoint": "tcp://{{ ChildName .ObjectMeta.Name `-epp-service` }}.{{ .ObjectMeta.Namespace }}.svc.cluster.local:5557",\n  "topic": "kv@$(POD_IP)@{{ .Spec.Model.Name }}"\n}\n',
          PYTHONHASHSEED: '42',
        },
        livenessProbe: Probe.http('/health', 8000, { scheme: 'HTTPS', initialDelay: Duration.seconds(1200), period: Duration.seconds(10), timeout: Duration.seconds(1), failureThreshold: 10 }),
        readinessProbe: Probe.http('/health', 8000, { scheme: 'HTTPS', initialDelay: Duration.seconds(10), period: Duration.seconds(10), timeout: Duration.seconds(1), failureThreshold: 2 }),
      },
      router: LlmRouter.managed({
        scheduler: {
          config: PREFIX_CACHE_CONFIG(),
          containers: {
            main: {
              image: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.9.0',
              env: { HF_HOME: '/mnt/tokenizers', TMPDIR: '/mnt/tokenizers', HF_TOKEN: EnvValue.fromSecret(SecretRef.named('hf-token'), 'HF_TOKEN') },
            },
          },
        },
      }),
    });
    const [ours] = synthCharts(app);
    expect(ours.kind).toBe('LLMInferenceServiceConfig');
    expect(validateObject(ours).map(formatIssue)).toEqual([]);
    const C = 'spec.template.containers[0]';
    const { missing, extra } = compareWithUpstream(corrected, ours);
    expect(missing).toEqual([
      // As in the precise-prefix case: the picker reads both apiVersions, ours is the current one.
      'spec.router.scheduler.config.inline.apiVersion: upstream "inference.networking.x-k8s.io/v1alpha1" ≠ ours "llm-d.ai/v1alpha1"',
    ]);
    // POD_IP comes before KV_EVENTS_CONFIG, which refers to it as $(POD_IP) (Kubernetes expands only earlier variables).
    expect(((ours.spec as any).template.containers[0].env as Array<{ name: string }>).map((e) => e.name)).toEqual(['POD_IP', 'KV_EVENTS_CONFIG', 'PYTHONHASHSEED']);
    expect(extra).toEqual(
      [
        // The secure defaults of the template, next to upstream's runAsNonRoot.
        'spec.template.automountServiceAccountToken',
        'spec.template.securityContext',
        'spec.template.volumes',
        `${C}.volumeMounts`,
        ...['allowPrivilegeEscalation', 'capabilities', 'readOnlyRootFilesystem', 'seccompProfile'].map((k) => `${C}.securityContext.${k}`),
        // The probes spelled out (the config overrides the timing of the well-known config's /health probes).
        ...['httpGet', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'].map((k) => `${C}.livenessProbe.${k}`),
        ...['httpGet', 'timeoutSeconds', 'failureThreshold'].map((k) => `${C}.readinessProbe.${k}`),
        // LlmRouter.managed asks KServe for its managed HTTPRoute (router.route: {}), which the sample leaves to the service.
        'spec.router.route',
      ].sort(),
    );
  });

  for (const c of CASES) {
    it(`${c.file} (upstream ${readObjects(path.join(EXAMPLES, DIR, c.file))[0].apiVersion as string}, compared at v1alpha2)`, () => {
      const objects = rebuild(`${DIR}/${c.file}`, build(c), { [key(c)]: c.extras }, c.defaulted ? { [key(c)]: c.defaulted } : {}, c.alsoBuilt ?? []);
      expect(objects[key(c)].apiVersion).toBe(V1ALPHA2);
    });
  }

  it('kv-cache-offloading (known invalid: spec.workload) matches ours once its kvCacheOffloading sits where the CRD has it', () => {
    const file = 'kv-cache-offloading/llm-inference-service-kv-cache-offloading.yaml';
    const [upstream] = upstreamObjects(`${DIR}/${file}`);
    const spec = upstream.spec as Json;
    // The only correction: WorkloadSpec is inlined in the v1alpha2 spec (json:",inline"), so the field is spec.kvCacheOffloading.
    expect(Object.keys(spec.workload as Json)).toEqual(['kvCacheOffloading']);
    const corrected: Json = { ...upstream, spec: { ...spec, workload: undefined, kvCacheOffloading: (spec.workload as Json).kvCacheOffloading } };
    delete (corrected.spec as Json).workload;
    const app = Testing.app();
    new LlmInferenceService(plainChart(app), 'qwen2-7b-kv-cache-offloading', {
      model: Storage.hf('Qwen/Qwen2.5-7B-Instruct'),
      router: LlmRouter.managed({ scheduler: true, explicitDefaultGateway: true }),
      container: { resources: { limits: { cpu: '8', memory: '64Gi', nvidiaGpu: '1' }, requests: { cpu: '4', memory: '32Gi', nvidiaGpu: '1' } } },
      kvCacheOffloading: { cpu: '10Gi', evictionPolicy: KvCacheEvictionPolicy.LRU, secondary: [KvCacheTier.emptyDir('100Gi')] },
    });
    const [ours] = synthCharts(app);
    expect(validateObject(ours).map(formatIssue)).toEqual([]);
    // replicas: ours writes the default 1 that the sample leaves to KServe.
    expect(compareWithUpstream(corrected, ours)).toEqual({ missing: [], extra: [...hardenedWritable(T), 'spec.replicas'].sort() });
    expect(compareWithUpstream(upstream, ours).missing).toEqual(['spec.workload: upstream {"kvCacheOffloading":{"cpu":"10Gi","evictionPolicy":"lru","secondary":[{"fileSystem":{"emptyDir":{"size":"100Gi"}}}]}} ≠ ours undefined']);
  });

  it('a v1alpha1 example converted by hand as KServe would (only apiVersion changes: no criticality) matches ours', () => {
    const file = path.join(EXAMPLES, DIR, 'opt-125m-cpu/llm-inference-service-facebook-opt-125m-cpu.yaml');
    const [upstream] = readObjects(file);
    expect(upstream.apiVersion).toBe(V1ALPHA1);
    // By hand: ConvertTo copies metadata and every spec field this example has; it has no criticality to move.
    const byHand: Json = { ...upstream, apiVersion: V1ALPHA2 };
    expect(toV1alpha2(upstream)).toEqual(byHand);
    const app = Testing.app();
    build(CASES[0])(app);
    const [ours] = synthCharts(app);
    expect(compareWithUpstream(byHand, ours)).toEqual({ missing: [], extra: [...CASES[0].extras].sort() });
    // The unconverted v1alpha1 object differs in its apiVersion only: the comparison sees it.
    expect(compareWithUpstream(upstream, ours).missing).toEqual([`apiVersion: upstream "${V1ALPHA1}" ≠ ours "${V1ALPHA2}"`]);
  });

  it("the conversion moves model and adapter criticality to KServe's annotations (v1alpha2 has no criticality field)", () => {
    const v1: Json = {
      apiVersion: V1ALPHA1,
      kind: 'LLMInferenceService',
      metadata: { name: 'm' },
      spec: { model: { uri: 'hf://a/b', criticality: 'Critical', lora: { adapters: [{ name: 'x', uri: 'hf://c/d' }, { name: 'y', uri: 'hf://e/f', criticality: 'Sheddable' }] } } },
    };
    expect(toV1alpha2(v1)).toEqual({
      apiVersion: V1ALPHA2,
      kind: 'LLMInferenceService',
      metadata: { name: 'm', annotations: { [MODEL_CRITICALITY_ANNOTATION]: 'Critical', [LORA_CRITICALITIES_ANNOTATION]: '{"1":"Sheddable"}' } },
      spec: { model: { uri: 'hf://a/b', lora: { adapters: [{ name: 'x', uri: 'hf://c/d' }, { name: 'y', uri: 'hf://e/f' }] } } },
    });
  });
});
