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
 * reason (fields the construct lacks, or KNOWN-INVALID.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Probe } from '../../src/core/probe';
import { WorkloadSecurity } from '../../src/core/security';
import { LlmInferenceService, LlmInferenceServiceProps, LlmRouter } from '../../src/serving/llm-inference-service';
import { Storage } from '../../src/serving/storage';
import { compareWithUpstream, Json, readObjects } from '../upstream-compare';
import { LORA_CRITICALITIES_ANNOTATION, MODEL_CRITICALITY_ANNOTATION, toV1alpha2, V1ALPHA1, V1ALPHA2 } from './llmisvc-conversion';
import { EXAMPLES, plainChart, rebuild, synthCharts } from './upstream-rebuild';

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
/** A toleration of the nvidia.com/gpu taint, added when GPUs are requested. */
const GPU_TOLERATION = 'spec.template.tolerations';
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

interface Case {
  readonly file: string;
  readonly name: string;
  readonly namespace?: string;
  readonly props: LlmInferenceServiceProps;
  readonly extras: readonly string[];
}

const CASES: readonly Case[] = [
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
    extras: [...HARDENING, GPU_TOLERATION],
  },
  { file: 'lora-adapters/test-examples/01-lora-hf-cpu.yaml', name: 'lora-hf-test', namespace: 'kserve-ci-e2e-test', props: loraCpu({ name: 'lora-adapter-1', storage: Storage.hf('edbeeching/opt-125m-lora') }), extras: HARDENING },
  { file: 'lora-adapters/test-examples/04-lora-pvc-cpu.yaml', name: 'lora-pvc-test', namespace: 'kserve-ci-e2e-test', props: loraCpu({ name: 'pvc-adapter', storage: Storage.pvc('lora-adapters-pvc', 'opt-125m-lora') }), extras: HARDENING },
];

/** The folder's other LLMInferenceService files, and why they are not rebuilt here. */
const SKIPPED: Readonly<Record<string, string>> = {
  'e2e-gpt-oss/inference_default.yaml': 'v1alpha2 upstream; rebuilt with its baseRefs config by test/serving/llm-inference-service-config-upstream.test.ts (same v1alpha2 comparison)',
  'e2e-gpt-oss/inference_pd_disaggregation.yaml': 'spec.prefill (prefill/decode disaggregation): no props',
  'managed-dra/llm-inference-service-managed-dra-minimal.yaml': 'metadata.annotations serving.kserve.io/exp-dra-device-class (managed DRA): no props',
  'precise-prefix-kv-cache-routing/llm-inference-service-opt-125m-cpu-kv-cache-routing-simulator.yaml': 'router.scheduler with its own template and EndpointPickerConfig: no props',
  'multi-gpu-vendor/llm-inference-service-qwen2-7b-amd-no-scheduler.yaml': 'amd.com/gpu resources and spec.labels: no props',
  'single-node-gpu/llm-inference-service-pd-qwen2-7b-gpu.yaml': 'spec.prefill and the rdma/roce_gdr resource: no props',
  'dp-ep/deepseek-r1-gpu-rdma-roce/llm-inference-service-dp-ep-deepseek-r1-gpu-deepep-ht.yaml': 'spec.parallelism (data/expert) and the rdma/roce_gdr resource: no props',
  'dp-ep/deepseek-r1-gpu-rdma-roce/llm-inference-service-dp-ep-deepseek-r1-pd-gpu-p-deepep-ht-d-deepep-ht.yaml': 'spec.parallelism and spec.prefill: no props',
  'kv-cache-offloading/llm-inference-service-kv-cache-offloading.yaml': 'listed in KNOWN-INVALID.md (spec.workload is not a field of the v0.20 LLMInferenceService)',
};

function build(c: Case) {
  return (app: ReturnType<typeof Testing.app>) => {
    new LlmInferenceService(plainChart(app, c.namespace), c.name, c.props);
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

  for (const c of CASES) {
    it(`${c.file} (upstream ${readObjects(path.join(EXAMPLES, DIR, c.file))[0].apiVersion as string}, compared at v1alpha2)`, () => {
      const objects = rebuild(`${DIR}/${c.file}`, build(c), { [key(c)]: c.extras });
      expect(objects[key(c)].apiVersion).toBe(V1ALPHA2);
    });
  }

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
