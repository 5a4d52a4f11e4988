import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as kserve from '../../imports/kserve-serving.kserve.io';
import { BackendReference, IBackend } from '../core/backend';
import { NetworkFlows } from '../core/flows';
import { Namespace } from '../core/namespace';
import { Platform } from '../core/platform';
import { NetworkPeer } from '../core/network-peer';
import { invalid } from '../core/errors';
import { assertDnsLabel, assertDnsSubdomain, checkedAnnotations, policyId } from '../core/names';
import { checkProps, childPath, hasMethod, isPlainObject, optionalShape, requireShape, requireWith } from '../core/prop-types';
import { assertInteger, assertKnownKeys, INT32_MAX, keysOf } from '../core/props';
import { WorkloadSecurity } from '../core/security';
import { sortRecord } from '../core/sort-keys';
import { IGateway } from '../gateway/gateway';
import { proxyFlowPeer } from '../gateway/proxy-flow-peer';
import { assertPoolGateway, FailureMode, INFERENCE_POOL_GROUP, InferencePool } from '../inference/inference-pool';
import { IModelServers, ModelServerPods } from '../inference/model-servers';
import { ENVOY_AI_GATEWAY_NOTE, ISTIO_INFERENCE_NOTE, pickerDestinationRule } from '../inference/picker-gateway';
import { HttpRoute } from '../routing/http-route';
import { findPlatformNamespace } from '../routing/route-wiring';
import { HttpRouteMatch, PathMatch } from '../routing/match';
import { KSERVE_NAMESPACE, LlmInferenceServiceConfig } from './llm-inference-service-config';
import { LLM_SCHEDULER_GRPC_PORT, LlmSchedulerContext } from './llm-scheduler';
import { LlmRouteContext } from './llm-route';
import { pruneUndefined, withPlainSpec } from './llm-plain-spec';
import { LlmRouter } from './llm-router';
import { LlmTracing, renderTracing } from './llm-tracing';
import { LlmWorkloadOptions, WORKLOAD_KEYS } from './llm-workload';
import { APP_NAME, COMPONENT, KSERVE_COMPONENT, LLM_GPU_SECURITY, LlmWorkloadWriter, LLMD_ROLE, needsWritableRoot, PART_OF } from './llm-workload-spec';
import { OPENAI_API_PATHS } from './serving-runtime';
import { Storage } from './storage';

/**
 * The port of the workload Service KServe creates for an
 * LLMInferenceService, and of the vLLM server behind it (kserve v0.20.0
 * pkg/controller/v1alpha2/llmisvc/workload.go, reconcileWorkloadService:
 * port 8000 to target port 8000, "the presets we bundle assume 8000").
 */
export const LLM_WORKLOAD_PORT = 8000;

/** A LoRA adapter served on top of the base model (`spec.model.lora.adapters[]`). */
export interface LlmLoraAdapter {
  /** `name`: the model name clients send to use the adapter. */
  readonly name: string;
  /** `uri`: where the adapter weights are (`hf://`, `pvc://`, `s3://`, ...). */
  readonly storage: Storage;
}

/**
 * Limits of the LoRA adapters vLLM serves (`spec.model.lora`).
 *
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_types.go (LoRASpec)
 */
export interface LlmLoraLimits {
  /** `maxAdapters`: adapters loaded on the GPU at once (vLLM `--max-loras`), an int32 >= 1. @default - the number of adapters */
  readonly maxAdapters?: number;
  /** `maxCpuAdapters`: adapters cached in CPU memory (vLLM `--max-cpu-loras`), an int32 >= maxAdapters. @default - the number of adapters */
  readonly maxCpuAdapters?: number;
  /** `maxRank`: the highest adapter rank the server accepts (vLLM `--max-lora-rank`), an int32 >= 1. @default - vLLM's (16) */
  readonly maxRank?: number;
}

/**
 * KServe's managed DRA (experimental): KServe creates a ResourceClaimTemplate
 * for the devices and adds the claim to the `main` container, instead of
 * device-plugin resources such as `nvidia.com/gpu`. Written as KServe's
 * `serving.kserve.io/exp-dra-*` annotations.
 *
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/managed_dra.go
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_validation.go (validateManagedDRAAnnotations)
 */
export interface LlmManagedDra {
  /** `exp-dra-device-class`: the DeviceClass to request (a DNS-1123 subdomain, e.g. `gpu.nvidia.com`). */
  readonly deviceClass: string;
  /** `exp-dra-device-count`: devices per pod, an integer >= 1. @default 1 (KServe's) */
  readonly count?: number;
  /** `exp-dra-cel-selector`: CEL expressions the devices must match (one per line). @default - none */
  readonly celSelectors?: readonly string[];
}

/** KServe's managed-DRA annotation keys (kserve v0.20.0 pkg/constants/constants.go). */
const DRA_ANNOTATIONS = { deviceClass: 'serving.kserve.io/exp-dra-device-class', count: 'serving.kserve.io/exp-dra-device-count', cel: 'serving.kserve.io/exp-dra-cel-selector' } as const;

/** Props of {@link LlmInferenceService}: the model, the router, and the main (decode) workload's {@link LlmWorkloadOptions}. */
export interface LlmInferenceServiceProps extends LlmWorkloadOptions {
  /** `metadata.name`, a DNS-1123 label. @default - the construct id */
  readonly name?: string;
  /** `metadata.annotations` (e.g. `k8s.v1.cni.cncf.io/networks` for an RDMA network). @default - none */
  readonly annotations?: Record<string, string>;
  /** `spec.model.uri`: where the weights are (`hf://`, `s3://`, `pvc://`, `oci://`). */
  readonly model: Storage;
  /** `spec.model.name`: the model name clients send (OpenAI `model`). @default - the repository id for hf:// models, else the construct name */
  readonly modelName?: string;
  /** `spec.router`. Not with a `baseRefs` config that sets a router (the service then takes that one). @default - the router of a `baseRefs` config, else LlmRouter.none() */
  readonly router?: LlmRouter;
  /**
   * `spec.model.lora.adapters`: LoRA adapters vLLM loads on top of the base
   * model, each served under its own model name.
   * @default - none
   */
  readonly loraAdapters?: readonly LlmLoraAdapter[];
  /** `spec.model.lora` limits (`maxAdapters`, `maxCpuAdapters`, `maxRank`). @default - KServe's and vLLM's */
  readonly loraLimits?: LlmLoraLimits;
  /**
   * `spec.baseRefs`: configs KServe merges under this spec, in order:
   * KServe's well-known configs first, then these (later ones win), then
   * this spec (see {@link LlmInferenceServiceConfig} for the merge). Each
   * must be in this LLMInferenceService's namespace or in KServe's
   * ({@link KSERVE_NAMESPACE}), where KServe looks them up. A config's
   * router, prefill and workers count as this service's (its names, pod
   * labels and NetworkPolicies).
   * @default - none: KServe's well-known configs only
   */
  readonly baseRefs?: readonly LlmInferenceServiceConfig[];
  /**
   * Security of the workload pods (decode, prefill, workers). KServe's vLLM
   * presets run the container with a writable root filesystem ("nvidia-cdi-hook
   * requires a writable root filesystem", kserve v0.20.0
   * config/llmisvcconfig/config-llm-template.yaml and the multi-node
   * presets, which also add the IPC_LOCK, SYS_RAWIO and NET_RAW
   * capabilities); the construct's settings are merged over them, so a
   * read-only root would break GPU pods. Multi-node workloads refuse a
   * read-only root.
   * @default {@link LLM_GPU_SECURITY} when a workload requests NVIDIA GPUs or
   *   has workers (restricted but for the writable root, a waiver with that
   *   reason), else WorkloadSecurity.RESTRICTED
   */
  readonly security?: WorkloadSecurity;
  /**
   * `spec.storageInitializer.enabled`: `false` skips KServe's download of
   * `model` into the pod, for servers that need no weights (e.g. the
   * llm-d-inference-sim simulator) or fetch them themselves; `model` is
   * still written (the CRD requires `spec.model.uri`).
   * @default - KServe's: the storage initializer runs
   */
  readonly storageInitializer?: boolean;
  /**
   * `spec.prefill`: prefill/decode disaggregation. KServe runs a second
   * workload for prompt processing (`<name>-kserve-prefill`, pods labelled
   * `llm-d.ai/role: prefill`); the top-level workload becomes the decode one
   * (`llm-d.ai/role: decode`), and the scheduler's picker pairs them.
   * @default - none: one workload serves both phases (`llm-d.ai/role: both`)
   */
  readonly prefill?: LlmWorkloadOptions;
  /** `spec.tracing`: OpenTelemetry tracing of vLLM and the scheduler (`{}` for KServe's defaults). @default - no tracing */
  readonly tracing?: LlmTracing;
  /**
   * Pool this service's pods with another LLMInferenceService's (`spec.labels`
   * set to that service's pool selector), so the other's scheduler also
   * sends to these pods (e.g. the same model on another GPU vendor). This
   * service's own workload Service then selects no pods: route through the
   * other service.
   * @default - none
   */
  readonly poolWith?: LlmInferenceService;
  /** Managed DRA: request devices through a DeviceClass instead of device-plugin resources. @default - none */
  readonly managedDra?: LlmManagedDra;
}

const PROPS_KEYS = [
  ...WORKLOAD_KEYS,
  ...keysOf<Omit<LlmInferenceServiceProps, keyof LlmWorkloadOptions>>({
    name: true,
    annotations: true,
    model: true,
    modelName: true,
    router: true,
    loraAdapters: true,
    loraLimits: true,
    baseRefs: true,
    security: true,
    storageInitializer: true,
    prefill: true,
    tracing: true,
    poolWith: true,
    managedDra: true,
  }),
];

/** Whether a `baseRefs` config makes the service multi-node (read before the refs are checked). */
function configWorkers(refs: unknown): boolean {
  return Array.isArray(refs) && refs.some((c) => c instanceof LlmInferenceServiceConfig && (c.hasWorker || c.hasPrefillWorker));
}

/** The routing sidecar of KServe's decode pods (kserve v0.20.0 constants.LLMISVCRoutingSidecarContainerName). */
const ROUTING_SIDECAR = 'llm-d-routing-sidecar';

export { LLM_GPU_SECURITY };

/** The pods KServe runs for one part of an LLMInferenceService, as the controller labels them. */
export interface LlmPods {
  /** Every label KServe sets on the pods (not those of `podLabels`). */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A KServe `LLMInferenceService` (serving.kserve.io/v1alpha2, the storage
 * version since KServe 0.17): a vLLM-based LLM deployment managed by
 * KServe's LLM controller (llm-d): one workload, or a prefill and a decode
 * one; single-node or multi-node (LeaderWorkerSet) with parallelism;
 * static or WVA-autoscaled; exposed through a KServe-managed HTTPRoute,
 * with an optional inference scheduler (endpoint picker and InferencePool).
 *
 * The objects KServe creates for it are not emitted here (the library
 * never duplicates them); their names and pod labels are properties
 * ({@link workloadServiceName}, {@link routeName}, {@link inferencePoolName},
 * {@link endpointPickerServiceName}, {@link decodePods}, {@link prefillPods},
 * {@link workerPods}, {@link schedulerPods}, {@link modelServerPods}), read
 * from the controller at v0.20.0, for NetworkPolicies, monitors and
 * InferencePools of your own.
 *
 * Upstream v1alpha1 objects convert to this one field for field (KServe's
 * conversion), except `model.criticality` (kept in the
 * `internal.serving.kserve.io/model-criticality` annotation).
 *
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_types.go
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha1/llm_inference_service_conversion.go
 * @see https://kserve.github.io/website/docs/model-serving/generative-inference/llmisvc/llmisvc-overview
 * @throws ModelServingError for `replicas` with `scaling`, `worker` without
 *   data or pipeline parallelism, a restricted multi-node workload, prefill
 *   and decode on different autoscaling actuators, a managed scheduler
 *   behind a Gateway that cannot route to its pool, and the checks of each
 *   field; the name properties throw when the name KServe derives is over
 *   63 characters (KServe would hash it)
 */
export class LlmInferenceService extends Construct implements IBackend, IModelServers {
  /** `metadata.name`. */
  public readonly serviceName: string;
  /** The L1 object. */
  public readonly resource: kserve.LlmInferenceService;
  /** How it is exposed (`spec.router`). */
  public readonly router: LlmRouter;
  /** `spec.model.name`: the model name clients send. */
  public readonly modelName: string;
  /** Whether the workload is split into prefill and decode (`spec.prefill`). */
  public readonly disaggregated: boolean;
  /** Whether the main workload is multi-node (`spec.worker`). */
  public readonly multiNode: boolean;
  private readonly spec: Record<string, unknown>;
  private readonly routes: HttpRoute[] = [];
  private pool?: InferencePool;
  private sidecarPool?: InferencePool;
  private workloadSecurity?: WorkloadSecurity;
  private readonly prefillMultiNode: boolean;
  /** Whether `router` is this service's own (not a baseRefs config's). */
  private readonly ownRouter: boolean;
  /** Writes the workloads (shared with LlmInferenceServiceConfig). */
  private readonly writer: LlmWorkloadWriter;
  /** The remote URIs KServe's storage initializer downloads (model and adapters; not pvc:// nor oci://, which the kubelet pulls). */
  private readonly downloads: string[] = [];

  public constructor(scope: Construct, id: string, props: LlmInferenceServiceProps) {
    checkProps(childPath(scope, id), props, 'LlmInferenceServiceProps');
    super(scope, id);
    assertKnownKeys(this, '', props, PROPS_KEYS);
    this.serviceName = assertDnsLabel(this, 'name', props.name ?? id);
    requireWith(this, 'model', props.model, 'bind', 'a Storage', "pass model: Storage.hf('meta-llama/Llama-3.1-8B-Instruct') or Storage.s3('s3://bucket/model')");
    const binding = props.model.bind(this, 'model');
    if (!binding.storageUri) invalid(this, 'model', 'must be a URI location', props.model.location, 'use Storage.hf(...), Storage.s3(...), Storage.pvc(...) or Storage.oci(...)');
    if (props.storageInitializer !== undefined && typeof props.storageInitializer !== 'boolean') invalid(this, 'storageInitializer', 'must be a boolean', props.storageInitializer, 'use false to skip the model download, or leave it out');
    const security = optionalShape(this, 'security', props.security, (v): v is WorkloadSecurity => hasMethod(v, 'check'), 'a WorkloadSecurity', 'use WorkloadSecurity.RESTRICTED') ?? (needsWritableRoot(props) || configWorkers(props.baseRefs) ? LLM_GPU_SECURITY : WorkloadSecurity.RESTRICTED);
    this.workloadSecurity = security;
    security.check(this, 'security');
    this.modelName = props.modelName ?? (binding.storageUri.startsWith('hf://') ? binding.storageUri.slice('hf://'.length) : this.serviceName);
    const ns = Chart.of(this).namespace;
    const baseRefs = props.baseRefs === undefined ? undefined : this.baseRefs(props.baseRefs, ns);
    const configs = props.baseRefs ?? [];
    if (props.router !== undefined) requireShape(this, 'router', props.router, (v): v is LlmRouter => v instanceof LlmRouter, 'an LlmRouter', 'use LlmRouter.managed(...), LlmRouter.httpRoutes(...) or LlmRouter.none()');
    // A config's router is this service's (KServe merges it in): one router, said once.
    const withRouter = configs.filter((c) => c.router !== undefined);
    if (withRouter.length > 0 && props.router !== undefined) {
      invalid(this, 'router', `is given, and baseRefs config ${withRouter[0].configName} sets a router too: KServe would merge the two field by field`, withRouter[0].configName, 'set the router on the service or in one config');
    }
    if (withRouter.length > 1) invalid(this, 'baseRefs', 'name two configs that set a router, which KServe would merge field by field', withRouter.map((c) => c.configName), 'set the router in one config');
    const router = props.router ?? withRouter[0]?.router ?? LlmRouter.none();
    this.router = router;
    this.ownRouter = props.router !== undefined;
    const adapters = props.loraAdapters?.map((a, i) => {
      if (typeof a.name !== 'string' || a.name.trim().length === 0) invalid(this, `loraAdapters[${i}].name`, 'must be a model name', a.name, "pass e.g. name: 'my-adapter'");
      // KServe's webhook (validateLoRAAdapters): no "." or "..", and not the base model's name.
      if (a.name === '.' || a.name === '..') invalid(this, `loraAdapters[${i}].name`, 'must not be "." or ".." (KServe refuses it: path traversal risk)', a.name, 'give the adapter a real name');
      if (a.name === this.modelName) invalid(this, `loraAdapters[${i}].name`, `must differ from the base model name "${this.modelName}" (KServe refuses it)`, a.name, 'give the adapter a name of its own');
      const adapter = a.storage.bind(this, `loraAdapters[${i}].storage`);
      if (!adapter.storageUri) invalid(this, `loraAdapters[${i}].storage`, 'must be a URI location', a.storage.location, 'use Storage.hf(...), Storage.pvc(...) or Storage.s3(...)');
      if (adapter.env || adapter.serviceAccount) {
        invalid(this, `loraAdapters[${i}].storage`, 'carries credentials of its own, which an adapter entry cannot pass', a.storage.location, "give the credentials on the model's storage (they apply to every download of the workload)");
      }
      return { name: a.name, uri: adapter.storageUri };
    });
    const lora = this.loraLimits(props.loraLimits, adapters?.length ?? 0);
    if (adapters && new Set(adapters.map((a) => a.name)).size !== adapters.length) {
      invalid(this, 'loraAdapters', 'repeats an adapter name', adapters.map((a) => a.name), 'give each adapter a unique name');
    }
    if (props.poolWith !== undefined) {
      requireShape(this, 'poolWith', props.poolWith, (v): v is LlmInferenceService => v instanceof LlmInferenceService, 'an LlmInferenceService', 'pass the LlmInferenceService whose scheduler should also send to these pods');
      if (props.poolWith === this) invalid(this, 'poolWith', 'names this service itself', this.serviceName, 'name another LlmInferenceService');
      if (props.poolWith.serviceNamespace !== ns) invalid(this, 'poolWith', `is in namespace ${props.poolWith.serviceNamespace ?? '(none)'}, but an InferencePool selects pods of its own namespace (${ns ?? '(none)'}) only`, props.poolWith.serviceName, 'create both services in one namespace');
    }
    this.writer = new LlmWorkloadWriter(this, false, props.poolWith ? { ...props.poolWith.poolSelector } : undefined);
    // A config's prefill or worker makes KServe run those workloads too (it merges the baseRefs before choosing its presets: config_merge.go combineBaseRefsConfig).
    this.disaggregated = props.prefill !== undefined || configs.some((c) => c.hasPrefill);
    this.multiNode = props.worker !== undefined || configs.some((c) => c.hasWorker);
    this.prefillMultiNode = props.prefill?.worker !== undefined || configs.some((c) => c.hasPrefillWorker);

    const main = this.writer.workload('', props, binding, security);
    let prefill: Record<string, unknown> | undefined;
    if (props.prefill !== undefined) {
      if (!isPlainObject(props.prefill)) invalid(this, 'prefill', 'must be an object of LlmWorkloadOptions', props.prefill, 'pass prefill: { replicas: 2, container: { resources } }');
      assertKnownKeys(this, 'prefill', props.prefill, WORKLOAD_KEYS);
      prefill = this.writer.workload('prefill.', props.prefill, binding, security);
      // KServe's webhook (ValidateActuatorConsistency): decode and prefill scale through the same actuator.
      if (props.scaling && props.prefill.scaling && props.scaling.actuator !== props.prefill.scaling.actuator) {
        invalid(this, 'prefill.scaling', `uses ${props.prefill.scaling.actuator} but the decode workload uses ${props.scaling.actuator}: KServe requires one actuator backend for both (two metric pipelines would scale them out of step)`, props.prefill.scaling.actuator, `use LlmScaling.${props.scaling.actuator}(...) for both`);
      }
    }
    const remote = (uri: string) => !/^(pvc|oci):\/\//.test(uri);
    if (props.storageInitializer !== false && remote(binding.storageUri)) this.downloads.push(binding.storageUri);
    for (const a of adapters ?? []) if (remote(a.uri)) this.downloads.push(a.uri);
    const tracing = renderTracing(this, 'tracing', props.tracing);
    this.spec = {
      model: { uri: binding.storageUri, name: this.modelName, lora: (adapters && adapters.length > 0) || lora ? { adapters: adapters && adapters.length > 0 ? adapters : undefined, ...lora } : undefined },
      baseRefs,
      storageInitializer: props.storageInitializer === undefined ? undefined : { enabled: props.storageInitializer },
      ...main,
      prefill,
      tracing,
    };
    // KServe's managed route targets KServe's pool (FailOpen in its preset unless failureMode says otherwise): the Gateways must route to pools.
    if (router.managed && router.schedulerOptions !== undefined) {
      const failureMode = router.schedulerOptions === true ? undefined : router.schedulerOptions.failureMode;
      for (const g of router.gateways) assertPoolGateway(this, 'router.scheduler.failureMode', g, failureMode ?? FailureMode.FAIL_OPEN, "in the scheduler options (KServe's preset pool fails open)");
    }
    // Render the router now, so that its errors surface at construction (it is rendered again at synth with the routes and pool named later).
    router.render(this.schedulerContext(), this.routeContext());
    router.checkParentsAdmit(this, ns);

    const own = checkedAnnotations(this, props.annotations) ?? {};
    for (const key of Object.keys(own)) {
      if (key.startsWith('serving.kserve.io/exp-dra-')) invalid(this, `annotations.${key}`, 'is a managed-DRA setting of KServe', own[key], 'use managedDra: { deviceClass, count }');
    }
    const annotations = { ...own, ...this.managedDra(props.managedDra), ...(binding.podAnnotations ?? {}) };
    // The spec is plain JSON written at synth (see withPlainSpec); the L1 class would drop int-or-string quantities given as strings.
    this.resource = withPlainSpec(kserve.LlmInferenceService, this, 'Resource', {
      // KServe reads the storage initializer's credentials annotation (a gated model's token) from the
      // LLMInferenceService's own annotations (v0.20.0 pkg/controller/v1alpha2/llmisvc/workload_storage.go).
      metadata: { name: this.serviceName, annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
      spec: { model: { uri: binding.storageUri } },
    }, () => this.renderSpec());
    security.waive(this.resource);
    this.openNetwork();
  }

  /**
   * Routes the KServe-managed HTTPRoute to an InferencePool of this app
   * (`router.scheduler.pool.ref`) instead of the pool KServe creates; KServe
   * then deploys no picker (the pool's `EndpointPicker` is yours). Create the
   * pool with `modelServers: this service`.
   *
   * @throws ModelServingError without a scheduler in `router`, with an
   *   inline pool spec (`failureMode`) or picker settings, for a pool in
   *   another namespace, one that does not select this service's pods or
   *   port 8000, or a second pool
   */
  public useInferencePool(pool: InferencePool): void {
    if (!InferencePool.isInferencePool(pool)) invalid(this, 'router.scheduler.pool', 'must be an InferencePool of this app', pool, 'pass the InferencePool construct');
    const opts = this.router.schedulerOptions;
    if (opts === undefined) invalid(this, 'router.scheduler', 'is not set, so KServe routes to the workload Service and would ignore the pool', pool.poolName, 'create the router with scheduler: true');
    if (opts !== true && opts.failureMode !== undefined) {
      // KServe's InferencePoolSpec: "'Spec' and 'Ref' are mutually exclusive".
      invalid(this, 'router.scheduler.pool', 'would be written both inline (failureMode writes pool.spec) and by reference (pool.ref); KServe takes one', pool.poolName, 'drop failureMode from the scheduler options (set it on the InferencePool), or keep KServe\'s pool');
    }
    const managedOnly = opts === true ? [] : (['config', 'replicas', 'containers', 'podLabels', 'podAnnotations'] as const).filter((k) => opts[k] !== undefined);
    if (managedOnly.length > 0) {
      invalid(this, `router.scheduler.${managedOnly[0]}`, "configures KServe's endpoint picker, which KServe does not deploy when the scheduler refers to an InferencePool (kserve v0.20.0 scheduler.go hasManagedScheduler)", managedOnly, 'configure the EndpointPicker of that pool instead');
    }
    if (this.pool && this.pool !== pool) invalid(this, 'router.scheduler.pool', `already refers to InferencePool ${this.pool.poolName}`, pool.poolName, 'use one pool');
    if (pool.poolNamespace !== this.serviceNamespace) {
      invalid(this, 'router.scheduler.pool', `is in namespace ${pool.poolNamespace}, but KServe refers to a pool of the LLMInferenceService's namespace (${this.serviceNamespace ?? '(none)'}) by name only`, pool.node.path, `create the pool in ${this.serviceNamespace ?? "the LLMInferenceService's namespace"}`);
    }
    const labels = this.decodePods.labels;
    const missing = Object.entries(pool.modelServerPods.selector).filter(([k, v]) => labels[k] !== v);
    if (missing.length > 0) {
      invalid(this, 'router.scheduler.pool', `selects pods by ${missing.map(([k, v]) => `${k}=${v}`).join(', ')}, which this LLMInferenceService's pods do not carry, so the route would reach other pods or none`, pool.poolName, 'create the pool with modelServers: this LlmInferenceService');
    }
    if (!pool.targetPorts.includes(LLM_WORKLOAD_PORT)) invalid(this, 'router.scheduler.pool', `does not target port ${LLM_WORKLOAD_PORT}, where vLLM serves`, pool.targetPorts, `target port ${LLM_WORKLOAD_PORT}`);
    this.pool = pool;
    if (this.disaggregated) this.useRoutingSidecarPool(pool);
    // KServe deploys no picker with a pool ref: the pool's own picker takes the Gateways.
    this.node.tryRemoveChild('EndpointPickerDestinationRule');
    // KServe's route sends to the pool: the pool opens each Gateway to its pods and its picker, as a route of this app would.
    if (this.router.managed) for (const g of this.router.gateways) pool.backendRef.onRoute?.(this.resource, 'HTTPRoute', g);
  }

  /**
   * Names HTTPRoutes of this app in `router.route.http.refs` (with
   * {@link LlmRouter.httpRoutes}): KServe checks they exist and reports
   * their URLs.
   *
   * @throws ModelServingError when the router is not `LlmRouter.httpRoutes`,
   *   for a route in another namespace, or a route named twice
   */
  public useHttpRoutes(...routes: HttpRoute[]): void {
    if (this.router.mode !== 'refs') invalid(this, 'router', 'does not take HTTPRoute refs (only LlmRouter.httpRoutes does)', this.router.mode, 'create the service with router: LlmRouter.httpRoutes({ gateways })');
    routes.forEach((r, i) => {
      if (!(r instanceof HttpRoute)) invalid(this, `router.route.http.refs[${i}]`, 'must be an HttpRoute of this app', r, 'pass the HttpRoute construct');
      if (r.routeNamespace !== this.serviceNamespace) invalid(this, `router.route.http.refs[${i}]`, `is in namespace ${r.routeNamespace ?? '(none)'}, but KServe refers to routes of the LLMInferenceService's namespace (${this.serviceNamespace ?? '(none)'}) by name only`, r.routeName, 'create the route in the same namespace');
      if (this.routes.includes(r)) invalid(this, `router.route.http.refs[${i}]`, 'names a route already referred to', r.routeName, 'refer to each route once');
      this.routes.push(r);
    });
  }

  /**
   * Makes the routing sidecar of the decode pods (prefill/decode split)
   * accept prefill pods of `pool`, an InferencePool of this app that pools
   * this service (`modelServers: this`). The sidecar forwards a prompt only
   * to a prefill pod of the InferencePool it watches (SSRF protection,
   * llm-d router v0.10.0 pkg/sidecar/proxy/allowlist.go); KServe v0.20.0's
   * decode preset has it watch the pool KServe creates
   * (`--pool-group=inference.networking.x-k8s.io`,
   * `--inference-pool=<namespace>/<name>-inference-pool`,
   * config/llmisvcconfig/config-llm-decode-template.yaml), which does not
   * exist when the pool is the app's. Writes
   * `template.initContainers[llm-d-routing-sidecar].args` with the pool's
   * group and name: KServe merges them by container name over the preset,
   * and the sidecar's flags (spf13/pflag, interspersed) take the last
   * value given. {@link useInferencePool} calls it for a split service.
   *
   * @throws ModelServingError for a service without `prefill`, a pool in
   *   another namespace or one that does not select this service's pods
   */
  public useRoutingSidecarPool(pool: InferencePool): void {
    if (!InferencePool.isInferencePool(pool)) invalid(this, 'routingSidecarPool', 'must be an InferencePool of this app', pool, 'pass the InferencePool construct');
    if (!this.disaggregated) invalid(this, 'routingSidecarPool', 'applies to a prefill/decode split only (the routing sidecar runs in the decode pods when prefill is set)', pool.poolName, 'set prefill on the service, or drop this call');
    if (pool.poolNamespace !== this.serviceNamespace) {
      invalid(this, 'routingSidecarPool', `is in namespace ${pool.poolNamespace}, but the decode pods run in ${this.serviceNamespace ?? '(none)'} and the sidecar's RBAC (KServe's workload Role) covers that namespace only`, pool.node.path, `create the pool in ${this.serviceNamespace ?? "the LLMInferenceService's namespace"}`);
    }
    const prefill = this.prefillPods!.labels;
    const missing = Object.entries(pool.modelServerPods.selector).filter(([k, v]) => prefill[k] !== v);
    if (missing.length > 0) {
      invalid(this, 'routingSidecarPool', `selects pods by ${missing.map(([k, v]) => `${k}=${v}`).join(', ')}, which this service's prefill pods do not carry, so the sidecar would refuse every prefill target`, pool.poolName, 'create the pool with modelServers: this LlmInferenceService');
    }
    if (this.sidecarPool && this.sidecarPool !== pool) invalid(this, 'routingSidecarPool', `already is InferencePool ${this.sidecarPool.poolName}`, pool.poolName, 'use one pool');
    this.sidecarPool = pool;
  }

  /** The LLMInferenceService's namespace (its chart's). */
  public get serviceNamespace(): string | undefined {
    return Chart.of(this).namespace;
  }

  /**
   * The workload Service KServe creates, `<name>-kserve-workload-svc`, on
   * port 8000 ({@link LLM_WORKLOAD_PORT}) to the workload pods (decode and
   * prefill: it selects {@link poolSelector}).
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/workload.go (workloadServiceName, GetWorkloadLabelSelector)
   * @throws ModelServingError when the name is too long for KServe to keep the suffix
   */
  public get workloadServiceName(): string {
    return this.childName('-kserve-workload-svc');
  }

  /**
   * The HTTPRoute KServe manages, `<name>-kserve-route` (also for a routing
   * group member); `undefined` unless the router is `LlmRouter.managed`.
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/router.go (expectedHTTPRoute)
   */
  public get routeName(): string | undefined {
    return this.router.mode === 'managed' ? this.childName('-kserve-route') : undefined;
  }

  /**
   * The InferencePool the route sends to: `<name>-inference-pool`, which
   * KServe creates, or the pool of {@link useInferencePool}; `undefined`
   * without a scheduler.
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_types_func.go (InferencePoolName)
   */
  public get inferencePoolName(): string | undefined {
    if (!this.router.scheduler) return undefined;
    return this.pool ? this.pool.poolName : this.childName('-inference-pool');
  }

  /**
   * The endpoint picker Service KServe creates, `<name>-epp-service` (ports
   * `grpc` 9002, `grpc-health` 9003, `metrics` 9090, `zmq` 5557 of the
   * preset); `undefined` without a scheduler KServe manages.
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_types_func.go (EPPServiceName)
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/scheduler.go (expectedSchedulerService)
   */
  public get endpointPickerServiceName(): string | undefined {
    return this.router.scheduler && !this.pool ? this.childName('-epp-service') : undefined;
  }

  /**
   * The endpoint picker Deployment KServe creates, `<name>-kserve-router-scheduler`;
   * `undefined` without a scheduler KServe manages.
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/scheduler.go (schedulerDeploymentName)
   */
  public get schedulerDeploymentName(): string | undefined {
    return this.router.scheduler && !this.pool ? this.childName('-kserve-router-scheduler') : undefined;
  }

  /**
   * The main (decode) workload KServe creates: the Deployment
   * `<name>-kserve`, or the LeaderWorkerSet `<name>-kserve-mn` when multi-node.
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/workload_single_node.go (mainDeploymentName)
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/workload_multi_node.go (mainLWSName)
   */
  public get workloadName(): string {
    return this.childName(this.multiNode ? '-kserve-mn' : '-kserve');
  }

  /**
   * The prefill workload: the Deployment `<name>-kserve-prefill`, or the
   * LeaderWorkerSet `<name>-kserve-mn-prefill`; `undefined` without `prefill`.
   */
  public get prefillWorkloadName(): string | undefined {
    if (!this.disaggregated) return undefined;
    return this.childName(this.prefillMultiNode ? '-kserve-mn-prefill' : '-kserve-prefill');
  }

  /**
   * KServe's selector of this service's model-server pods (decode and
   * prefill), used by its workload Service and its InferencePool:
   * `app.kubernetes.io/part-of: llminferenceservice`,
   * `app.kubernetes.io/name: <name>`, `kserve.io/component: workload`.
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/workload.go (GetWorkloadLabelSelector)
   * @see https://github.com/kserve/kserve/blob/v0.20.0/config/llmisvcconfig/config-llm-scheduler.yaml (pool selector)
   */
  public get poolSelector(): Readonly<Record<string, string>> {
    return { [PART_OF]: 'llminferenceservice', [APP_NAME]: this.serviceName, [KSERVE_COMPONENT]: 'workload' };
  }

  /**
   * The labels KServe sets on the main (decode) vLLM pods: the pool
   * selector, `app.kubernetes.io/component: llminferenceservice-workload`
   * (`-workload-leader` on the head pod of a multi-node workload) and
   * `llm-d.ai/role: both`, or `decode` when a prefill workload exists
   * (plus `podLabels` and `poolWith`'s labels, which KServe adds).
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/workload_single_node.go (expectedSingleNodeMainDeployment)
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/workload_multi_node.go (expectedMainMultiNodeLWS)
   */
  public get decodePods(): LlmPods {
    const component = this.multiNode ? 'llminferenceservice-workload-leader' : 'llminferenceservice-workload';
    return { labels: { ...this.poolSelector, [COMPONENT]: component, [LLMD_ROLE]: this.disaggregated ? 'decode' : 'both', ...this.writer.extraPodLabels('') } };
  }

  /**
   * The labels KServe sets on the prefill vLLM pods (`llm-d.ai/role: prefill`,
   * `app.kubernetes.io/component: llminferenceservice-workload-prefill`, or
   * `-workload-leader-prefill` multi-node); `undefined` without `prefill`.
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/workload_single_node.go (expectedPrefillMainDeployment)
   */
  public get prefillPods(): LlmPods | undefined {
    if (!this.disaggregated) return undefined;
    const component = this.prefillMultiNode ? 'llminferenceservice-workload-leader-prefill' : 'llminferenceservice-workload-prefill';
    return { labels: { ...this.poolSelector, [COMPONENT]: component, [LLMD_ROLE]: 'prefill', ...this.writer.extraPodLabels('prefill.') } };
  }

  /**
   * The labels of the worker pods of a multi-node main workload
   * (`app.kubernetes.io/component: llminferenceservice-workload-worker`,
   * name, part-of; not in the pool, since the construct always writes the
   * head's `template`); `undefined` when single-node.
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/workload_multi_node.go (expectedMainMultiNodeLWS, workerLabels)
   */
  public get workerPods(): LlmPods | undefined {
    if (!this.multiNode) return undefined;
    return { labels: { [PART_OF]: 'llminferenceservice', [APP_NAME]: this.serviceName, [COMPONENT]: 'llminferenceservice-workload-worker' } };
  }

  /**
   * The labels of the endpoint picker pods KServe runs
   * (`app.kubernetes.io/component: llminferenceservice-router-scheduler`,
   * name, part-of); `undefined` without a scheduler KServe manages.
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/scheduler.go (SchedulerLabels)
   */
  public get schedulerPods(): LlmPods | undefined {
    if (!this.router.scheduler || this.pool) return undefined;
    return { labels: { [PART_OF]: 'llminferenceservice', [APP_NAME]: this.serviceName, [COMPONENT]: 'llminferenceservice-router-scheduler' } };
  }

  /**
   * The model-server pods for an {@link InferencePool} of this app
   * (`modelServers: this`, or `ModelServers.of(this)`): KServe's pool
   * selector ({@link poolSelector}) on port 8000, as KServe's own pool.
   */
  public get modelServerPods(): ModelServerPods {
    const namespace = this.serviceNamespace;
    if (namespace === undefined) invalid(this, 'scope', 'has no namespace, so no InferencePool can select its pods', this.node.path, 'create the LLMInferenceService inside a Namespace chart');
    return { namespace, selector: sortRecord({ ...this.poolSelector }), ports: [LLM_WORKLOAD_PORT], owner: this };
  }

  /**
   * KServe's InferencePool (`<name>-inference-pool`) as a route backend, for
   * an HttpRoute of this app (with `LlmRouter.httpRoutes({ scheduler })`):
   * `group: inference.networking.k8s.io, kind: InferencePool`, no port. Each
   * Gateway of such a route gets what it needs to reach the pool and
   * KServe's picker (refused when it cannot route to pools).
   *
   * @throws ModelServingError without a scheduler KServe manages, or when KServe manages the route
   */
  public get schedulerPoolBackend(): IBackend {
    if (!this.router.scheduler || this.pool) {
      invalid(this, 'router.scheduler', "is not KServe's: there is no KServe-managed InferencePool to route to", this.pool?.poolName ?? this.router.mode, this.pool ? 'route to the InferencePool given to useInferencePool' : 'create the router with scheduler: true');
    }
    if (this.router.managed) {
      invalid(this, 'router', 'is managed by KServe, which routes to its pool itself: a second route of your own would compete with it', 'LlmRouter.managed', 'use LlmRouter.httpRoutes({ scheduler: true }) to route the pool yourself');
    }
    const failureMode = this.router.schedulerOptions === true ? undefined : this.router.schedulerOptions?.failureMode;
    const backendRef: BackendReference = {
      group: INFERENCE_POOL_GROUP,
      kind: 'InferencePool',
      name: this.childName('-inference-pool'),
      namespace: this.serviceNamespace,
      owner: this,
      onRoute: (route, routeKind, gateway) => {
        if (routeKind !== 'HTTPRoute') invalid(this, 'schedulerPoolBackend', 'is an InferencePool, which Gateway API Inference Extension supports as an HTTPRoute backend only', routeKind, 'route to it with an HttpRoute');
        assertPoolGateway(this, 'router.scheduler.failureMode', gateway, failureMode ?? FailureMode.FAIL_OPEN, "in the scheduler options (KServe's preset pool fails open)");
        this.attachGateway(gateway, `HTTPRoute ${(route as { routeName?: string }).routeName ?? route.node.id}`);
      },
    };
    return { backendRef };
  }

  /**
   * The workload Service as a route backend ({@link workloadServiceName} on
   * port 8000), for an HTTPRoute of your own (or a `ModelEndpoint`); the
   * gateway's flow goes to the pods KServe selects. Assumes KServe's
   * default plain-HTTP workload (`enableLLMInferenceServiceTLS` off).
   *
   * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/workload.go (reconcileWorkloadService)
   * @throws ModelServingError when KServe manages the route (a second route
   *   of your own would compete with it), or the name is too long for
   *   KServe to keep the suffix (kmeta.ChildName hashes names over 63 characters)
   */
  public get backendRef(): BackendReference {
    if (this.router.managed) {
      invalid(this, 'router', 'is managed by KServe, which creates its own HTTPRoute to the workload: a second route of your own would compete with it', 'LlmRouter.managed', 'pass router: LlmRouter.none() or LlmRouter.httpRoutes() to route the model yourself, or leave the route to KServe');
    }
    const name = this.workloadServiceName;
    return { name, namespace: this.serviceNamespace, port: LLM_WORKLOAD_PORT, owner: this, pods: { selector: { ...this.poolSelector }, port: LLM_WORKLOAD_PORT, labels: { ...this.decodePods.labels } }, protocol: 'HTTP', streaming: true };
  }

  /**
   * The HTTPRoute matches of vLLM's OpenAI-compatible server: `Exact`
   * `/v1/chat/completions`, `/v1/completions`, `/v1/embeddings`,
   * `/v1/models` (the model is chosen by the body's `model`, so two LLMs on
   * one listener need a hostname or path prefix each).
   */
  public routeMatches(): HttpRouteMatch[] {
    return OPENAI_API_PATHS.map((path) => ({ path: PathMatch.exact(path) }));
  }

  private managedDra(dra: LlmManagedDra | undefined): Record<string, string> {
    if (dra === undefined) return {};
    if (!isPlainObject(dra as unknown)) invalid(this, 'managedDra', 'must be an object', dra, "pass { deviceClass: 'gpu.nvidia.com' }");
    assertKnownKeys(this, 'managedDra', dra, keysOf<LlmManagedDra>({ deviceClass: true, count: true, celSelectors: true }));
    assertDnsSubdomain(this, 'managedDra.deviceClass', dra.deviceClass);
    const out: Record<string, string> = { [DRA_ANNOTATIONS.deviceClass]: dra.deviceClass };
    if (dra.count !== undefined) out[DRA_ANNOTATIONS.count] = String(assertInteger(this, 'managedDra.count', dra.count, { min: 1, max: INT32_MAX, type: 'devices per pod', fix: 'use 1 or more' }));
    if (dra.celSelectors !== undefined) {
      if (!Array.isArray(dra.celSelectors) || dra.celSelectors.length === 0) invalid(this, 'managedDra.celSelectors', 'must be a non-empty list of CEL expressions', dra.celSelectors, "pass [\"device.attributes['gpu.nvidia.com'].productName == 'H100'\"]");
      dra.celSelectors.forEach((c, i) => {
        if (typeof c !== 'string' || c.trim().length === 0 || c.includes('\n')) invalid(this, `managedDra.celSelectors[${i}]`, 'must be one non-empty CEL expression on one line (KServe splits the annotation by lines)', c, 'write one expression per entry');
      });
      out[DRA_ANNOTATIONS.cel] = dra.celSelectors.join('\n');
    }
    return out;
  }

  /**
   * The NetworkPolicies (in a Namespace chart) and declared flows of what
   * KServe runs: the model download (HTTPS, for remote model and adapter
   * URIs while the storage initializer runs); the Gateways of a managed route to the vLLM pods (8000)
   * and to KServe's picker (ext-proc 9002); the picker to the API server;
   * the service's own pods to each other (picker <-> vLLM metrics and KV
   * events, prefill <-> decode KV transfer, multi-node leader <-> workers,
   * on ports vLLM and NCCL choose).
   */
  private openNetwork(): void {
    const chart = Chart.of(this);
    if (!Namespace.isNamespace(chart)) return;
    const ns = chart as Namespace;
    const name = this.serviceName;
    const mine = { [PART_OF]: 'llminferenceservice', [APP_NAME]: name };
    const managedScheduler = this.router.scheduler;
    if (managedScheduler || this.disaggregated || this.multiNode) {
      ns.allowIngress(policyId(`llmisvc-${name}-internal-in`), { pods: mine, peers: [NetworkPeer.pods(ns.name, mine)] });
      ns.allowEgress(policyId(`llmisvc-${name}-internal-out`), { pods: mine, peers: [NetworkPeer.pods(ns.name, mine)] });
    }
    const scheduler = managedScheduler ? this.schedulerPods!.labels : undefined;
    const vllm = { namespace: ns.name, labels: this.decodePods.labels, what: `the vLLM pods of LLMInferenceService ${name}` };
    if (this.downloads.length > 0) {
      // KServe's storage-initializer init container downloads the model and LoRA adapters before vLLM starts (HTTPS hubs and object stores).
      ns.allowEgress(policyId(`llmisvc-${name}-model-download`), { pods: mine, peers: [NetworkPeer.anywhere()], ports: [{ port: 443 }] });
      NetworkFlows.declare(this.resource, { from: { ...vllm, what: `the vLLM pods of LLMInferenceService ${name} (storage-initializer)` }, to: NetworkFlows.internet(`the model store (${this.downloads.map((u) => u.replace(/\?.*$/, '')).join(', ')})`), port: 443, purpose: 'model download' });
    }
    if (scheduler) {
      // The picker watches Pods and InferencePools (kserve v0.20.0 scheduler.go expectedSchedulerRole).
      ns.allowEgress(policyId(`llmisvc-${name}-epp-to-apiserver`), { pods: { ...scheduler }, peers: [NetworkPeer.anywhere()], ports: [{ port: 443 }, { port: 6443 }] });
      NetworkFlows.declare(this.resource, { from: { namespace: ns.name, labels: scheduler, what: `KServe's endpoint picker of ${name}` }, to: vllm, port: LLM_WORKLOAD_PORT, purpose: "the picker reading the vLLM pods' metrics (queue depth, KV cache)" });
    }
    if (this.router.managed) for (const g of this.router.gateways) this.attachGateway(g, `KServe's HTTPRoute ${this.routeName}`);
  }

  private readonly attached = new Set<IGateway>();

  /**
   * What a Gateway sending to this service needs (once per Gateway): the
   * NetworkPolicies and flows to the vLLM pods (8000) and, with KServe's
   * picker, to the picker (ext-proc 9002); for KServe's picker on Istio, a
   * DestinationRule originating TLS to `<name>-epp-service` (the llm-d
   * picker serves ext-proc over TLS with a self-signed certificate by
   * default, and KServe's default build creates no such rule: kserve v0.20.0
   * pkg/controller/v1alpha2/llmisvc/router_platform_networking_default.go)
   * and istiod's setup note; on Envoy Gateway, Envoy AI Gateway's setup note.
   */
  private attachGateway(g: IGateway, via: string): void {
    if (this.attached.has(g)) return;
    this.attached.add(g);
    const name = this.serviceName;
    const scheduler = this.router.scheduler && !this.pool ? this.schedulerPods!.labels : undefined;
    if (scheduler) {
      const platform = Platform.tryOf(this);
      if (g.provider?.id === 'istio') {
        if (!this.node.tryFindChild('EndpointPickerDestinationRule')) pickerDestinationRule(this, 'EndpointPickerDestinationRule', this.childName('-epp-service'), this.serviceNamespace ?? 'default');
        platform?.addSetupNote(ISTIO_INFERENCE_NOTE.topic, ISTIO_INFERENCE_NOTE.text);
      } else if (g.provider?.id === 'envoy-gateway') {
        platform?.addSetupNote(ENVOY_AI_GATEWAY_NOTE.topic, ENVOY_AI_GATEWAY_NOTE.text);
      }
    }
    const chart = Chart.of(this);
    const dp = g.dataPlane;
    if (!Namespace.isNamespace(chart) || !dp) return;
    const ns = chart as Namespace;
    const vllm = { namespace: ns.name, labels: this.decodePods.labels, what: `the vLLM pods of LLMInferenceService ${name}` };
    const gwNs = findPlatformNamespace(this, dp.namespace);
    ns.allowIngress(policyId(`${g.gatewayName}-to-llmisvc-${name}`), { pods: { ...this.poolSelector }, peers: [NetworkPeer.pods(dp.namespace, dp.selector)], ports: [{ port: LLM_WORKLOAD_PORT }] });
    gwNs?.allowEgress(policyId(`${g.gatewayName}-to-${ns.name}-llmisvc-${name}`), { pods: dp.selector, peers: [NetworkPeer.pods(ns.name, { ...this.poolSelector })], ports: [{ port: LLM_WORKLOAD_PORT }] });
    NetworkFlows.declare(this.resource, { from: proxyFlowPeer(g.gatewayName, dp), to: vllm, port: LLM_WORKLOAD_PORT, purpose: `requests of ${via} through Gateway ${g.gatewayName}` });
    if (scheduler) {
      ns.allowIngress(policyId(`${g.gatewayName}-to-llmisvc-${name}-epp`), { pods: { ...scheduler }, peers: [NetworkPeer.pods(dp.namespace, dp.selector)], ports: [{ port: LLM_SCHEDULER_GRPC_PORT }] });
      gwNs?.allowEgress(policyId(`${g.gatewayName}-to-${ns.name}-llmisvc-${name}-epp`), { pods: dp.selector, peers: [NetworkPeer.pods(ns.name, { ...scheduler })], ports: [{ port: LLM_SCHEDULER_GRPC_PORT }] });
      NetworkFlows.declare(this.resource, {
        from: proxyFlowPeer(g.gatewayName, dp),
        to: { namespace: ns.name, labels: scheduler, what: `KServe's endpoint picker of ${name}` },
        port: LLM_SCHEDULER_GRPC_PORT,
        purpose: `ext-proc calls of Gateway ${g.gatewayName} asking KServe's picker where to send requests for ${name}`,
      });
    }
  }

  /** The spec at synth: the one checked at construction, with the router's late parts (routes, pool). */
  private renderSpec(): Record<string, unknown> {
    if (this.router.mode === 'refs' && this.routes.length === 0) {
      invalid(this, 'router', 'is LlmRouter.httpRoutes but names no HTTPRoute', undefined, 'call useHttpRoutes(route) with the HttpRoute that sends to this service');
    }
    // A config's router is merged in by KServe: only what this service learnt (its pool) is written here.
    const router = this.ownRouter
      ? this.router.render(this.schedulerContext(), this.routeContext(), { routes: this.routes.map((r) => r.routeName), pool: this.pool?.poolName })
      : this.pool
        ? { scheduler: { pool: { ref: { name: this.pool.poolName } } } }
        : undefined;
    const spec = { ...this.spec, router } as Record<string, unknown>;
    if (this.sidecarPool) {
      // Merged by name over KServe's decode preset (strategic merge, kserve v0.20.0 config_merge.go mergeSpecs).
      const args = [`--pool-group=${INFERENCE_POOL_GROUP}`, `--inference-pool=${this.sidecarPool.poolNamespace}/${this.sidecarPool.poolName}`];
      // The workload's security context too, so the merged sidecar keeps the restricted settings the preset gives it.
      const securityContext = this.workloadSecurity?.container();
      spec.template = { ...(spec.template as Record<string, unknown>), initContainers: [{ name: ROUTING_SIDECAR, args, securityContext }] };
    }
    return pruneUndefined(spec) as Record<string, unknown>;
  }

  /** The names the inline route's rules need (computed only with an inline spec: the names throw when too long). */
  private routeContext(): Omit<LlmRouteContext, 'providers'> {
    const inline = this.router.inlineSpec;
    return {
      namespace: this.serviceNamespace,
      name: this.serviceName,
      modelName: this.modelName,
      poolName: inline ? this.childName('-inference-pool') : '',
      workloadServiceName: inline ? this.workloadServiceName : '',
      port: LLM_WORKLOAD_PORT,
    };
  }

  private schedulerContext(): LlmSchedulerContext {
    return { scope: this, namespace: this.serviceNamespace, poolSelector: this.poolSelector, endpointPickerServiceName: this.childName('-epp-service'), port: LLM_WORKLOAD_PORT };
  }

  /** KServe's `kmeta.ChildName(name, suffix)` when it keeps the suffix (at most 63 characters). */
  private childName(suffix: string): string {
    const name = `${this.serviceName}${suffix}`;
    if (name.length > 63) {
      invalid(this, 'name', `is too long: KServe names its ${suffix.slice(1)} object '<name>${suffix}' and hashes names over 63 characters (knative kmeta.ChildName), so that name cannot be known here`, this.serviceName, `use a name of at most ${63 - suffix.length} characters`);
    }
    return name;
  }

  private loraLimits(limits: LlmLoraLimits | undefined, adapters: number): LlmLoraLimits | undefined {
    if (limits === undefined) return undefined;
    if (limits === null || typeof limits !== 'object' || Array.isArray(limits)) invalid(this, 'loraLimits', 'must be an object', limits, 'pass loraLimits: { maxAdapters: 2, maxRank: 16 }');
    assertKnownKeys(this, 'loraLimits', limits, keysOf<LlmLoraLimits>({ maxAdapters: true, maxCpuAdapters: true, maxRank: true }));
    // int32 >= 1: the CRD's minimum and KServe's webhook (v0.20.0 pkg/apis/serving/v1alpha2/llm_inference_service_validation.go validateLoRAAdapters).
    for (const key of ['maxAdapters', 'maxCpuAdapters', 'maxRank'] as const) {
      if (limits[key] !== undefined) assertInteger(this, `loraLimits.${key}`, limits[key], { min: 1, max: INT32_MAX, type: `int32 >= 1: spec.model.lora.${key}`, fix: 'use 1 or more' });
    }
    // vLLM refuses to start when max_cpu_loras < max_loras (vllm/config/lora.py LoRAConfig); KServe defaults both to the number of adapters.
    const gpu = limits.maxAdapters ?? adapters;
    const cpu = limits.maxCpuAdapters ?? adapters;
    if ((limits.maxAdapters !== undefined || limits.maxCpuAdapters !== undefined) && gpu > 0 && cpu < gpu) {
      invalid(this, 'loraLimits.maxCpuAdapters', `is below maxAdapters (${gpu}): vLLM refuses to start when --max-cpu-loras is below --max-loras`, cpu, `use maxCpuAdapters: ${gpu} or more`);
    }
    return { maxAdapters: limits.maxAdapters, maxCpuAdapters: limits.maxCpuAdapters, maxRank: limits.maxRank };
  }

  private baseRefs(refs: readonly LlmInferenceServiceConfig[], ns: string | undefined): Array<{ name: string }> {
    if (!Array.isArray(refs)) invalid(this, 'baseRefs', 'must be a list of LlmInferenceServiceConfig', refs, 'pass baseRefs: [config]');
    const names = new Set<string>();
    return refs.map((ref, i) => {
      if (!(ref instanceof LlmInferenceServiceConfig)) invalid(this, `baseRefs[${i}]`, 'must be an LlmInferenceServiceConfig', ref, 'pass the LlmInferenceServiceConfig construct (a config KServe installs needs no ref: KServe applies its well-known configs itself)');
      const where = ref.configNamespace;
      if (where !== ns && where !== KSERVE_NAMESPACE) {
        invalid(this, `baseRefs[${i}]`, `is in namespace ${where ?? '(none)'}, but KServe looks configs up in the LLMInferenceService's namespace (${ns ?? '(none)'}) and in its own (${KSERVE_NAMESPACE}) only`, ref.node.path, `create the config in ${ns ?? "the LLMInferenceService's namespace"} or in ${KSERVE_NAMESPACE}`);
      }
      if (names.has(ref.configName)) invalid(this, `baseRefs[${i}]`, 'names a config already referred to', ref.configName, 'refer to each config once');
      names.add(ref.configName);
      return { name: ref.configName };
    });
  }
}
