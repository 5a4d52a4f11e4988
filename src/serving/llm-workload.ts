import { IConstruct } from 'constructs';
import { ContainerOptions } from '../core/container';
import { invalid } from '../core/errors';
import { IServiceAccount } from '../core/service-account';
import { isPlainObject } from '../core/prop-types';
import { assertInteger, assertKnownKeys, INT32_MAX, keysOf } from '../core/props';
import { Toleration } from './inference-service';
import { LlmKvCacheOffloading } from './llm-kv-cache';
import { LlmScaling } from './llm-scaling';

/**
 * `parallelism`: how vLLM splits the model across GPUs and pods. KServe
 * turns it into vLLM flags, and a multi-node workload (a LeaderWorkerSet
 * of `data / dataLocal` or `pipeline` pods) when `worker` is set.
 *
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_types.go (ParallelismSpec)
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_validation.go (validateWorkloadParallelism)
 */
export interface LlmParallelism {
  /** `tensor`: tensor-parallel size (GPUs per model replica within a pod), an int32 >= 1. @default - vLLM's (1) */
  readonly tensor?: number;
  /** `pipeline`: pipeline-parallel size (pods per replica with `worker`), an int32 >= 1; not with `data`. @default - none */
  readonly pipeline?: number;
  /** `data`: data-parallel size (ranks in total), an int32 >= 1; needs `dataLocal`; not with `pipeline`. @default - none */
  readonly data?: number;
  /** `dataLocal`: data-parallel ranks per pod, an int32 >= 1 dividing `data`; needs `data`. @default - none */
  readonly dataLocal?: number;
  /** `dataRPCPort`: the data-parallel RPC port, 1 to 65535. @default - KServe's */
  readonly dataRpcPort?: number;
  /** `expert`: expert parallelism (MoE models). @default false */
  readonly expert?: boolean;
}

/**
 * The worker pods of a multi-node workload (`worker`): the `main`
 * container of each worker, which KServe merges over its data-parallel or
 * pipeline preset; the head pod is configured by the workload's own
 * `container`. Workers run with the same security as the head.
 */
export interface LlmWorkerOptions {
  /** The worker's `main` container overrides (image, env, resources; GPUs in `limits.nvidiaGpu`). */
  readonly container: Omit<ContainerOptions, 'image' | 'name'> & { readonly image?: string };
  /** `worker.nodeSelector`. @default - the workload's */
  readonly nodeSelector?: Record<string, string>;
  /** `worker.tolerations`. @default - a toleration of the `nvidia.com/gpu` taint when GPUs are requested */
  readonly tolerations?: readonly Toleration[];
}

/**
 * One workload of an LLMInferenceService: the main (decode) one, whose
 * fields sit at the top of its props, or the prefill one (`prefill`).
 *
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_types.go (WorkloadSpec)
 */
export interface LlmWorkloadOptions {
  /**
   * `replicas`, an int32 >= 1 (pods, or LeaderWorkerSet groups with
   * `worker`). Not with `scaling`.
   * @default 1 without `scaling`
   */
  readonly replicas?: number;
  /** `scaling`: WVA autoscaling ({@link LlmScaling}). Not with `replicas`. @default - none: static replicas */
  readonly scaling?: LlmScaling;
  /** `parallelism`. Required with `worker` (data or pipeline). @default - none */
  readonly parallelism?: LlmParallelism;
  /**
   * The `main` (vLLM) container overrides of `template` (image, args, env,
   * resources, probes). KServe's LLMInferenceServiceConfig supplies the
   * vLLM defaults; set at least `resources` (GPUs in `limits.nvidiaGpu`).
   */
  readonly container: Omit<ContainerOptions, 'image'> & { readonly image?: string };
  /** `template.nodeSelector`. @default - none */
  readonly nodeSelector?: Record<string, string>;
  /** `template.tolerations`. @default - a toleration of the `nvidia.com/gpu` taint when GPUs are requested */
  readonly tolerations?: readonly Toleration[];
  /** `template.serviceAccountName` (and the workers'). @default - the model storage's, else KServe's `<name>-kserve` */
  readonly serviceAccount?: IServiceAccount;
  /** `worker`: makes the workload multi-node (a LeaderWorkerSet); needs `parallelism` with `data` or `pipeline`. @default - single-node */
  readonly worker?: LlmWorkerOptions;
  /** `kvCacheOffloading`: KV-cache offloading to CPU RAM and disk. @default - none */
  readonly kvCacheOffloading?: LlmKvCacheOffloading;
  /** `labels` added to the workload's pods (not the selector labels KServe sets). @default - none */
  readonly podLabels?: Record<string, string>;
  /** `annotations` added to the workload's pods. @default - none */
  readonly podAnnotations?: Record<string, string>;
}

/**
 * A workload's part of an `LlmInferenceServiceConfig` (the top one, or
 * `prefill`): the fields of {@link LlmWorkloadOptions}, each optional,
 * merged under the LLMInferenceService's own.
 */
export interface LlmConfigWorkload extends Omit<LlmWorkloadOptions, 'container'> {
  /**
   * The `main` container's overrides of `template`.
   * @default - no template (unless `nodeSelector`, `tolerations` or `serviceAccount` ask for one)
   */
  readonly container?: LlmWorkloadOptions['container'];
}

/** Keys of {@link LlmWorkloadOptions}. */
export const WORKLOAD_KEYS = keysOf<LlmWorkloadOptions>({
  replicas: true,
  scaling: true,
  parallelism: true,
  container: true,
  nodeSelector: true,
  tolerations: true,
  serviceAccount: true,
  worker: true,
  kvCacheOffloading: true,
  podLabels: true,
  podAnnotations: true,
});

/**
 * Checks and renders `parallelism` as KServe's webhook checks it, with
 * `worker` (whether the workload is multi-node).
 *
 * @throws ModelServingError for a size below 1, `data` without `dataLocal`
 *   (or the reverse), `dataLocal` not dividing `data`, `pipeline` with
 *   `data`, a bad RPC port, or `worker` without data or pipeline parallelism
 */
export function renderParallelism(scope: IConstruct, field: string, p: LlmParallelism | undefined, worker: boolean): Record<string, unknown> | undefined {
  const workerField = field === 'parallelism' ? 'worker' : field.replace(/parallelism$/, 'worker');
  if (p === undefined) {
    if (worker) {
      invalid(scope, workerField, 'needs parallelism with data or pipeline: KServe refuses a worker without it ("when worker is specified, parallelism must be configured for either data parallelism or pipeline parallelism")', undefined, `add ${field}: { data: 16, dataLocal: 8 } or ${field}: { pipeline: 2 }`);
    }
    return undefined;
  }
  if (!isPlainObject(p as unknown)) invalid(scope, field, 'must be an object', p, 'pass { tensor: 8 }');
  assertKnownKeys(scope, field, p, keysOf<LlmParallelism>({ tensor: true, pipeline: true, data: true, dataLocal: true, dataRpcPort: true, expert: true }));
  for (const k of ['tensor', 'pipeline', 'data', 'dataLocal'] as const) {
    if (p[k] !== undefined) assertInteger(scope, `${field}.${k}`, p[k], { min: 1, max: INT32_MAX, type: `int32 >= 1: ${field}.${k}`, fix: 'use 1 or more' });
  }
  if (p.dataRpcPort !== undefined) assertInteger(scope, `${field}.dataRpcPort`, p.dataRpcPort, { min: 1, max: 65535, type: 'a port', fix: 'use a free port such as 5555' });
  if (p.expert !== undefined && typeof p.expert !== 'boolean') invalid(scope, `${field}.expert`, 'must be a boolean', p.expert, 'use true for MoE models, or leave it out');
  const isData = p.data !== undefined || p.dataLocal !== undefined;
  if (p.data !== undefined && p.dataLocal === undefined) invalid(scope, `${field}.dataLocal`, 'must be set when data is set (KServe webhook)', undefined, `set dataLocal to the ranks per pod, e.g. dataLocal: ${Math.min(p.data, 8)}`);
  if (p.dataLocal !== undefined && p.data === undefined) invalid(scope, `${field}.data`, 'must be set when dataLocal is set (KServe webhook)', undefined, `set data to the ranks in total, e.g. data: ${p.dataLocal}`);
  if (p.data !== undefined && p.dataLocal !== undefined && p.data % p.dataLocal !== 0) {
    // KServe sizes the LeaderWorkerSet as data / dataLocal pods (ParallelismSpec.GetSize): a remainder would leave ranks without a pod.
    invalid(scope, `${field}.dataLocal`, `must divide data (${p.data}): KServe runs data / dataLocal pods`, p.dataLocal, 'use a divisor of data, e.g. 8 GPUs per node');
  }
  if (p.pipeline !== undefined && isData) invalid(scope, field, 'sets both pipeline and data parallelism, which KServe refuses ("cannot set both pipeline parallelism and data parallelism")', p, 'use pipeline, or data with dataLocal');
  if (worker && !isData && p.pipeline === undefined) {
    invalid(scope, workerField, 'needs data or pipeline parallelism: KServe refuses a worker with only tensor or expert parallelism', p, `add data and dataLocal, or pipeline, to ${field}`);
  }
  return { tensor: p.tensor, pipeline: p.pipeline, data: p.data, dataLocal: p.dataLocal, dataRPCPort: p.dataRpcPort, expert: p.expert };
}
