import { IConstruct } from 'constructs';
import { renderContainer, TMP_VOLUME } from '../core/container';
import { EnvVars } from '../core/env';
import { invalid } from '../core/errors';
import { assertLabels, checkedAnnotations } from '../core/names';
import { hasProperty, isPlainObject, optionalShape, requireShape } from '../core/prop-types';
import { assertInteger, assertKnownKeys, INT32_MAX, keysOf } from '../core/props';
import { checkedRecord } from '../core/records';
import { WorkloadSecurity } from '../core/security';
import { IServiceAccount } from '../core/service-account';
import { checkTolerations } from '../core/toleration';
import { renderPodVolumes } from '../core/volume';
import { Toleration } from './inference-service';
import { renderKvCacheOffloading } from './llm-kv-cache';
import { LlmScaling } from './llm-scaling';
import { LlmConfigWorkload, LlmWorkerOptions, LlmWorkloadOptions, renderParallelism } from './llm-workload';

/**
 * The workload part of an LLMInferenceService spec (`replicas`, `scaling`,
 * `parallelism`, `template`, `worker`, `labels`, `annotations`,
 * `kvCacheOffloading`; at the top or under `prefill`), written the same way
 * for an `LlmInferenceService` and an `LlmInferenceServiceConfig`: KServe
 * merges a config's spec under the service's (kserve v0.20.0
 * pkg/controller/v1alpha2/llmisvc/config_merge.go mergeSpecs), so both
 * carry the same shapes, checks and secure defaults.
 */

/** The label keys KServe selects workload pods by (kserve v0.20.0 pkg/constants/constants.go). */
export const PART_OF = 'app.kubernetes.io/part-of';
/** `app.kubernetes.io/name`: the LLMInferenceService's name on its pods. */
export const APP_NAME = 'app.kubernetes.io/name';
/** `app.kubernetes.io/component`: the part of the service a pod runs. */
export const COMPONENT = 'app.kubernetes.io/component';
/** `kserve.io/component`: `workload` on model-server pods. */
export const KSERVE_COMPONENT = 'kserve.io/component';
/** `llm-d.ai/role`: `both`, `decode` or `prefill`. */
export const LLMD_ROLE = 'llm-d.ai/role';

/**
 * The security of a GPU or multi-node LLMInferenceService by default:
 * restricted (non-root, no privilege escalation, RuntimeDefault seccomp)
 * with a writable root filesystem, which KServe's vLLM presets set because
 * the NVIDIA container toolkit's CDI hook writes to it (kserve v0.20.0
 * config/llmisvcconfig/config-llm-template.yaml, "nvidia-cdi-hook requires a
 * writable root filesystem"); recorded as a waiver of rule SEC-W06.
 */
export const LLM_GPU_SECURITY = WorkloadSecurity.relaxed({
  reason: "KServe's vLLM presets need a writable root filesystem on GPU pods (nvidia-cdi-hook writes to it; kserve v0.20.0 config/llmisvcconfig/config-llm-template.yaml)",
  writableRootFilesystem: true,
});

/** Whether a workload requests NVIDIA GPUs or has workers (read before the props are checked: only plain shapes count). */
export function needsWritableRoot(props: { readonly container?: unknown; readonly worker?: unknown; readonly prefill?: unknown }): boolean {
  const gpu = (c: unknown) => {
    const r = (c as { resources?: { limits?: { nvidiaGpu?: unknown }; requests?: { nvidiaGpu?: unknown } } } | null | undefined)?.resources;
    return typeof r === 'object' && r !== null && (r.limits?.nvidiaGpu !== undefined || r.requests?.nvidiaGpu !== undefined);
  };
  const workload = (w: unknown): boolean => {
    if (typeof w !== 'object' || w === null) return false;
    const x = w as { container?: unknown; worker?: unknown };
    return gpu(x.container) || x.worker !== undefined;
  };
  return workload(props) || workload(props.prefill);
}

/** What the model's storage gives every pod: credentials as environment variables, a ServiceAccount. */
export interface LlmStorageParts {
  readonly env?: EnvVars;
  readonly serviceAccount?: IServiceAccount;
}

/**
 * Writes the workloads of one LLMInferenceService or
 * LLMInferenceServiceConfig spec, and remembers each workload's
 * `podLabels` (for the pod label sets a service reports).
 */
export class LlmWorkloadWriter {
  private readonly podLabelsBy = new Map<string, Record<string, string>>();

  /**
   * @param scope the construct errors name
   * @param partial a config's workload: no container needed (no template then), no default replicas
   * @param poolLabels labels added to every pod (`poolWith`)
   */
  public constructor(
    private readonly scope: IConstruct,
    private readonly partial: boolean,
    private readonly poolLabels?: Readonly<Record<string, string>>,
  ) {}

  /** The labels the workload at `field` ('' or 'prefill.') adds to its pods: its `podLabels` and the pool labels. */
  public extraPodLabels(field: string): Record<string, string> {
    return { ...(this.podLabelsBy.get(field) ?? {}), ...(this.poolLabels ?? {}) };
  }

  /**
   * Checks and renders one workload (the main one at `field` '', the
   * prefill one at 'prefill.'): replicas or scaling, parallelism, the pod
   * template and workers with the library's security, KV-cache offloading.
   */
  public workload(field: string, w: LlmWorkloadOptions | LlmConfigWorkload, binding: LlmStorageParts, security: WorkloadSecurity): Record<string, unknown> {
    const f = (k: string) => `${field}${k}`;
    // A config may leave the container out (it then writes no template), unless it sets the pod's other fields.
    const podless = this.partial && w.container === undefined && w.nodeSelector === undefined && w.tolerations === undefined && w.serviceAccount === undefined;
    const container = this.partial && w.container === undefined ? {} : w.container;
    if (container === undefined || container === null || typeof container !== 'object' || Array.isArray(container)) {
      invalid(this.scope, f('container'), 'must be a container object', w.container, "pass container: { resources: { limits: { nvidiaGpu: '1' } } }");
    }
    // KServe's CRD rule and webhook: "replicas and scaling are mutually exclusive".
    if (w.replicas !== undefined && w.scaling !== undefined) {
      invalid(this.scope, f('replicas'), 'is given with scaling, which KServe refuses ("scaling and replicas are mutually exclusive; use scaling for autoscaled deployments or replicas for static deployments")', w.replicas, `drop ${f('replicas')} (scaling sets minReplicas and maxReplicas), or drop ${f('scaling')}`);
    }
    if (w.scaling !== undefined) requireShape(this.scope, f('scaling'), w.scaling, (v): v is LlmScaling => v instanceof LlmScaling, 'an LlmScaling', 'use LlmScaling.keda({ maxReplicas: 4 }) or LlmScaling.hpa({ maxReplicas: 4 })');
    // The service writes KServe's default of one replica; a config leaves it to the service.
    const replicas = w.scaling || (this.partial && w.replicas === undefined) ? undefined : assertInteger(this.scope, f('replicas'), w.replicas ?? 1, { min: 1, max: INT32_MAX, type: `int32: LLMInferenceService spec.${f('replicas')}`, fix: 'use 1 or more' });
    const parallelism = renderParallelism(this.scope, f('parallelism'), w.parallelism, w.worker !== undefined);
    if (w.worker !== undefined && security.readOnlyRoot) {
      invalid(
        this.scope,
        f('worker'),
        "runs on KServe's multi-node preset, whose vLLM container needs a writable root filesystem (kserve v0.20.0 config/llmisvcconfig/config-llm-worker-data-parallel.yaml: 'nvidia-cdi-hook requires a writable root filesystem'), which the restricted security forbids",
        'WorkloadSecurity.RESTRICTED',
        "pass security: WorkloadSecurity.relaxed({ reason: 'vLLM multi-node (nvidia-cdi-hook) writes to the root filesystem', writableRootFilesystem: true })",
      );
    }
    const podLabels = w.podLabels === undefined ? undefined : (assertLabels(this.scope, f('podLabels'), w.podLabels), { ...w.podLabels });
    for (const key of Object.keys(podLabels ?? {})) {
      if ([PART_OF, APP_NAME, KSERVE_COMPONENT, COMPONENT, LLMD_ROLE].includes(key)) {
        invalid(this.scope, f(`podLabels.${key}`), 'is a label KServe sets and selects pods by: overriding it moves the pods out of (or into) a pool', podLabels?.[key], 'use poolWith to pool with another LLMInferenceService, or a label of your own');
      }
    }
    if (podLabels) this.podLabelsBy.set(field, podLabels);
    const labels = podLabels || this.poolLabels ? { ...(podLabels ?? {}), ...(this.poolLabels ?? {}) } : undefined;
    const serviceAccount = optionalShape(this.scope, f('serviceAccount'), w.serviceAccount, (v): v is IServiceAccount => hasProperty(v, 'serviceAccountName'), 'a ServiceAccount', "pass the ServiceAccount construct");
    if (serviceAccount && binding.serviceAccount && serviceAccount.serviceAccountName !== binding.serviceAccount.serviceAccountName) {
      invalid(this.scope, f('serviceAccount'), `differs from the model storage's ServiceAccount (${binding.serviceAccount.serviceAccountName}), which carries its credentials`, serviceAccount.serviceAccountName, 'leave serviceAccount out, or give the storage this ServiceAccount');
    }
    const saName = serviceAccount?.serviceAccountName ?? binding.serviceAccount?.serviceAccountName;
    const template = podless ? undefined : this.pod(f(''), container, w.nodeSelector, w.tolerations, saName, security, binding.env);
    let worker: Record<string, unknown> | undefined;
    if (w.worker !== undefined) {
      if (!isPlainObject(w.worker)) invalid(this.scope, f('worker'), 'must be an object of LlmWorkerOptions', w.worker, 'pass worker: { container: { resources } }');
      assertKnownKeys(this.scope, f('worker'), w.worker, keysOf<LlmWorkerOptions>({ container: true, nodeSelector: true, tolerations: true }));
      if (isPlainObject(w.worker.container as unknown) && 'name' in w.worker.container) invalid(this.scope, f('worker.container.name'), "is always 'main' (the container KServe merges the preset into)", (w.worker.container as { name?: unknown }).name, 'leave name out');
      worker = this.pod(f('worker.'), w.worker.container, w.worker.nodeSelector ?? w.nodeSelector, w.worker.tolerations, saName, security, binding.env);
    }
    return {
      replicas,
      scaling: w.scaling?.render(),
      parallelism,
      labels,
      annotations: checkedAnnotations(this.scope, w.podAnnotations),
      template,
      worker,
      kvCacheOffloading: renderKvCacheOffloading(this.scope, f('kvCacheOffloading'), w.kvCacheOffloading),
    };
  }

  /** One pod spec (`template` or `worker`) with the library's security and the `main` container. */
  private pod(
    field: string,
    container: LlmWorkloadOptions['container'],
    nodeSelector: Record<string, string> | undefined,
    tolerations: readonly Toleration[] | undefined,
    serviceAccountName: string | undefined,
    security: WorkloadSecurity,
    storageEnv: EnvVars | undefined,
  ): Record<string, unknown> {
    if (container === undefined || container === null || typeof container !== 'object' || Array.isArray(container)) {
      invalid(this.scope, `${field}container`, 'must be a container object', container, "pass container: { resources: { limits: { nvidiaGpu: '1' } } }");
    }
    const gpu = container.resources?.limits?.nvidiaGpu;
    if (container.resources?.requests?.nvidiaGpu !== undefined && gpu === undefined) {
      invalid(this.scope, `${field}container.resources.limits.nvidiaGpu`, 'is required when GPUs are requested', undefined, "set limits: { nvidiaGpu: '1' }");
    }
    // The image may come from KServe's LLMInferenceServiceConfig; when given it must be pinned.
    const main = renderContainer(this.scope, `${field}container`, { ...container, env: { ...(storageEnv ?? {}), ...(container.env ?? {}) } }, { name: 'main', security, imageOptional: true, volumes: true });
    if (tolerations !== undefined) checkTolerations(this.scope, `${field}tolerations`, tolerations);
    const tol = tolerations ?? (gpu !== undefined ? [{ key: 'nvidia.com/gpu', operator: 'Exists' as const, effect: 'NoSchedule' as const }] : undefined);
    return {
      securityContext: security.pod(),
      automountServiceAccountToken: false,
      serviceAccountName,
      nodeSelector: checkedRecord(this.scope, `${field}nodeSelector`, nodeSelector),
      tolerations: tol?.map((t) => ({ key: t.key, operator: t.operator ?? 'Exists', value: t.value, effect: t.effect })),
      containers: [main],
      volumes: renderPodVolumes(this.scope, [{ field: `${field}container.volumeMounts`, mounts: container.volumeMounts }], security.readOnlyRoot ? [{ ...TMP_VOLUME }] : []),
    };
  }
}
