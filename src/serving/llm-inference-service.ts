import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as kserve from '../../imports/kserve-serving.kserve.io';
import { BackendReference, IBackend } from '../core/backend';
import { ContainerOptions, renderContainer, TMP_VOLUME, toL1Shape } from '../core/container';
import { renderPodVolumes, toL1Volumes } from '../core/volume';
import { invalid } from '../core/errors';
import { assertInteger, assertKnownKeys, INT32_MAX, keysOf } from '../core/props';
import { assertDnsLabel } from '../core/names';
import { WorkloadSecurity } from '../core/security';
import { IGateway } from '../gateway/gateway';
import { HttpRouteMatch, PathMatch } from '../routing/match';
import { Toleration } from './inference-service';
import { OPENAI_API_PATHS } from './serving-runtime';
import { Storage } from './storage';
import { checkedRecord } from '../core/records';
import { checkProps, childPath, requireWith } from '../core/prop-types';
import { KSERVE_NAMESPACE, LlmInferenceServiceConfig } from './llm-inference-service-config';

/** Options of {@link LlmRouter.managed}. */
export interface LlmManagedRouterOptions {
  /**
   * `router.gateway.refs`: the Gateways KServe attaches its HTTPRoute to.
   * @default - none: KServe's configured default Gateway
   */
  readonly gateways?: readonly IGateway[];
  /**
   * Without `gateways`, say the default-Gateway choice explicitly as
   * `router.gateway: {}` (as KServe's samples with a scheduler do) instead of
   * leaving `router.gateway` out.
   * @default false
   */
  readonly explicitDefaultGateway?: boolean;
  /**
   * `router.scheduler: {}`: KServe deploys the llm-d inference scheduler
   * (endpoint picker) and an InferencePool, and its route targets the pool.
   * @default false - no scheduler: the route targets the workload Service
   */
  readonly scheduler?: boolean;
}

/** How an LLMInferenceService is exposed (`spec.router`). */
export class LlmRouter {
  /** KServe creates and manages the HTTPRoute on the named Gateway(s) (`router.route: {}` plus `router.gateway.refs`). */
  public static managedRoute(...gateways: IGateway[]): LlmRouter {
    return new LlmRouter(gateways, true);
  }

  /**
   * KServe creates and manages the HTTPRoute (`router.route: {}`), with the
   * choices of {@link LlmManagedRouterOptions}: an inference scheduler, and
   * the Gateways to attach to (KServe's default Gateway when none is named).
   *
   * @throws ModelServingError when `explicitDefaultGateway` is combined with `gateways`
   */
  public static managed(options: LlmManagedRouterOptions = {}): LlmRouter {
    const gateways = options.gateways ?? [];
    if (options.explicitDefaultGateway && gateways.length > 0) {
      invalid('LlmRouter.managed', 'explicitDefaultGateway', 'cannot be combined with gateways (the refs name the Gateways)', gateways.map((g) => g.gatewayName), 'drop explicitDefaultGateway, or the gateways');
    }
    return new LlmRouter(gateways, true, options.scheduler ?? false, gateways.length > 0 ? 'refs' : options.explicitDefaultGateway ? 'empty' : 'omitted');
  }

  /** No route: traffic reaches the workload Service directly (e.g. through your own HTTPRoute). */
  public static none(): LlmRouter {
    return new LlmRouter([], false);
  }

  private constructor(
    /** Gateways referenced in `router.gateway.refs`. */
    public readonly gateways: readonly IGateway[],
    /** Whether KServe manages an HTTPRoute. */
    public readonly managed: boolean,
    /** Whether KServe deploys an inference scheduler (`router.scheduler: {}`). */
    public readonly scheduler = false,
    /** How `router.gateway` is written: with `refs`, as `{}`, or left out. */
    private readonly gatewayField: 'refs' | 'empty' | 'omitted' = 'refs',
  ) {}

  /** The rendered `spec.router` (`ns`: the namespace of the LLMInferenceService, for Gateways without one). */
  public render(ns: string | undefined): kserve.LlmInferenceServiceSpecRouter | undefined {
    if (!this.managed) return undefined;
    const gateway =
      this.gatewayField === 'refs'
        ? { refs: this.gateways.map((g) => ({ name: g.gatewayName, namespace: g.gatewayNamespace ?? ns })) }
        : this.gatewayField === 'empty'
          ? {}
          : undefined;
    return { scheduler: this.scheduler ? {} : undefined, route: {}, gateway };
  }
}

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

/** Props of {@link LlmInferenceService}. */
export interface LlmInferenceServiceProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.model.uri`: where the weights are (`hf://`, `s3://`, `pvc://`, `oci://`). */
  readonly model: Storage;
  /** `spec.model.name`: the model name clients send (OpenAI `model`). @default - the repository id for hf:// models, else the construct name */
  readonly modelName?: string;
  /** `spec.replicas`. @default 1 */
  readonly replicas?: number;
  /** `spec.router`. @default LlmRouter.none() */
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
   * `spec.baseRefs`: configs KServe merges under this spec, in order (later
   * ones win). Each must be in this LLMInferenceService's namespace or in
   * KServe's ({@link KSERVE_NAMESPACE}), where KServe looks them up.
   * @default - none: KServe's well-known configs only
   */
  readonly baseRefs?: readonly LlmInferenceServiceConfig[];
  /**
   * The `main` container overrides (image, args, env, resources, probes).
   * KServe's LLMInferenceServiceConfig supplies the vLLM defaults; set at
   * least `resources` (GPUs in `limits.nvidiaGpu`).
   */
  readonly container: Omit<ContainerOptions, 'image'> & { readonly image?: string };
  /** `template.nodeSelector`. @default - none */
  readonly nodeSelector?: Record<string, string>;
  /** `template.tolerations`. @default - a toleration of the `nvidia.com/gpu` taint when GPUs are requested */
  readonly tolerations?: readonly Toleration[];
  /** Security of the workload. @default WorkloadSecurity.RESTRICTED */
  readonly security?: WorkloadSecurity;
  /**
   * `spec.storageInitializer.enabled`: `false` skips KServe's download of
   * `model` into the pod, for servers that need no weights (e.g. the
   * llm-d-inference-sim simulator) or fetch them themselves; `model` is
   * still written (the CRD requires `spec.model.uri`).
   * @default - KServe's: the storage initializer runs
   */
  readonly storageInitializer?: boolean;
}

/**
 * A KServe `LLMInferenceService` (serving.kserve.io/v1alpha2, the storage
 * version since KServe 0.17): a vLLM-based LLM deployment managed by
 * KServe's LLM controller (llm-d), with an optional KServe-managed route on
 * an existing Gateway.
 *
 * Every field the construct writes has the same name and shape in
 * v1alpha1 and v1alpha2 (`model.uri`, `model.name`, `model.lora`,
 * `baseRefs`, `replicas`, `storageInitializer`, `router.route`,
 * `router.gateway.refs`, `router.scheduler`, `template`): KServe's
 * conversion copies them field for field. What differs does not concern
 * it: v1alpha2 drops `model.criticality` (kept in the
 * `internal.serving.kserve.io/model-criticality` annotation), and
 * converts `router.scheduler.pool.spec` from InferencePool v1alpha2 to v1.
 *
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha1/llm_inference_service_conversion.go
 *
 * @see https://kserve.github.io/website/docs/model-serving/generative-inference/llmisvc/llmisvc-overview
 */
export class LlmInferenceService extends Construct implements IBackend {
  /** `metadata.name`. */
  public readonly serviceName: string;
  /** The L1 object. */
  public readonly resource: kserve.LlmInferenceService;
  /** How it is exposed (`spec.router`). */
  public readonly router: LlmRouter;

  public constructor(scope: Construct, id: string, props: LlmInferenceServiceProps) {
    checkProps(childPath(scope, id), props, 'LlmInferenceServiceProps');
    super(scope, id);
    this.serviceName = assertDnsLabel(this, 'name', props.name ?? id);
    requireWith(this, 'model', props.model, 'bind', 'a Storage', "pass model: Storage.hf('meta-llama/Llama-3.1-8B-Instruct') or Storage.s3('s3://bucket/model')");
    const binding = props.model.bind(this, 'model');
    if (!binding.storageUri) invalid(this, 'model', 'must be a URI location', props.model.location, 'use Storage.hf(...), Storage.s3(...), Storage.pvc(...) or Storage.oci(...)');
    if (props.storageInitializer !== undefined && typeof props.storageInitializer !== 'boolean') invalid(this, 'storageInitializer', 'must be a boolean', props.storageInitializer, 'use false to skip the model download, or leave it out');
    const replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) invalid(this, 'replicas', 'must be an integer >= 1', replicas, 'use 1 or more');
    assertInteger(this, 'replicas', replicas, { min: 1, max: INT32_MAX, type: 'int32: LLMInferenceService spec.replicas', fix: 'use 1 or more' });
    const security = props.security ?? WorkloadSecurity.RESTRICTED;
    const gpu = props.container.resources?.limits?.nvidiaGpu;
    if (props.container.resources?.requests?.nvidiaGpu !== undefined && gpu === undefined) {
      invalid(this, 'container.resources.limits.nvidiaGpu', 'is required when GPUs are requested', undefined, "set limits: { nvidiaGpu: '1' }");
    }
    const modelName = props.modelName ?? (binding.storageUri.startsWith('hf://') ? binding.storageUri.slice('hf://'.length) : this.serviceName);
    // The image may come from KServe's LLMInferenceServiceConfig; when given it must be pinned.
    const main = renderContainer(this, 'container', { ...props.container, env: { ...(binding.env ?? {}), ...(props.container.env ?? {}) } }, { name: 'main', security, imageOptional: true, volumes: true });
    const tolerations = props.tolerations ?? (gpu !== undefined ? [{ key: 'nvidia.com/gpu', operator: 'Exists' as const, effect: 'NoSchedule' as const }] : undefined);
    const router = props.router ?? LlmRouter.none();
    this.router = router;
    const ns = Chart.of(this).namespace;
    const adapters = props.loraAdapters?.map((a, i) => {
      if (typeof a.name !== 'string' || a.name.trim().length === 0) invalid(this, `loraAdapters[${i}].name`, 'must be a model name', a.name, "pass e.g. name: 'my-adapter'");
      const adapter = a.storage.bind(this, `loraAdapters[${i}].storage`);
      if (!adapter.storageUri) invalid(this, `loraAdapters[${i}].storage`, 'must be a URI location', a.storage.location, 'use Storage.hf(...), Storage.pvc(...) or Storage.s3(...)');
      if (adapter.env || adapter.serviceAccount) {
        invalid(this, `loraAdapters[${i}].storage`, 'carries credentials of its own, which an adapter entry cannot pass', a.storage.location, "give the credentials on the model's storage (they apply to every download of the workload)");
      }
      return { name: a.name, uri: adapter.storageUri };
    });
    const lora = this.loraLimits(props.loraLimits, adapters?.length ?? 0);
    const baseRefs = props.baseRefs === undefined ? undefined : this.baseRefs(props.baseRefs, ns);
    if (adapters && new Set(adapters.map((a) => a.name)).size !== adapters.length) {
      invalid(this, 'loraAdapters', 'repeats an adapter name', adapters.map((a) => a.name), 'give each adapter a unique name');
    }

    this.resource = new kserve.LlmInferenceService(this, 'Resource', {
      // KServe reads the storage initializer's credentials annotation (a gated model's token) from the
      // LLMInferenceService's own annotations (v0.20.0 pkg/controller/v1alpha2/llmisvc/workload_storage.go).
      metadata: { name: this.serviceName, annotations: binding.podAnnotations ? { ...binding.podAnnotations } : undefined },
      spec: {
        model: { uri: binding.storageUri, name: modelName, lora: (adapters && adapters.length > 0) || lora ? { adapters: adapters && adapters.length > 0 ? adapters : undefined, ...lora } : undefined },
        baseRefs,
        replicas,
        storageInitializer: props.storageInitializer === undefined ? undefined : { enabled: props.storageInitializer },
        router: router.render(ns),
        template: {
          securityContext: security.pod(),
          automountServiceAccountToken: false,
          serviceAccountName: binding.serviceAccount?.serviceAccountName,
          nodeSelector: checkedRecord(this, 'nodeSelector', props.nodeSelector),
          tolerations: tolerations?.map((t) => ({ key: t.key, operator: t.operator ?? 'Exists', value: t.value, effect: t.effect })),
          containers: [toL1Shape<kserve.LlmInferenceServiceSpecTemplateContainers>(main)],
          volumes: toL1Volumes<kserve.LlmInferenceServiceSpecTemplateVolumes>(renderPodVolumes(this, [{ field: 'container.volumeMounts', mounts: props.container.volumeMounts }], security.readOnlyRoot ? [{ ...TMP_VOLUME }] : [])),
        },
      },
    });
    security.waive(this.resource);
  }

  /** The LLMInferenceService's namespace (its chart's). */
  public get serviceNamespace(): string | undefined {
    return Chart.of(this).namespace;
  }

  /**
   * The workload Service KServe creates, `<name>-kserve-workload-svc` on
   * port 8000 ({@link LLM_WORKLOAD_PORT}), selecting the workload pods
   * (`app.kubernetes.io/part-of: llminferenceservice`,
   * `app.kubernetes.io/name: <name>`, `kserve.io/component: workload`), so
   * an HTTPRoute of your own (or a `ModelEndpoint`) can send to it. Assumes
   * KServe's default plain-HTTP workload (`enableLLMInferenceServiceTLS`
   * off in the ingress config).
   *
   * @see kserve v0.20.0 pkg/controller/v1alpha2/llmisvc/workload.go (workloadServiceName, GetWorkloadLabelSelector)
   * @throws ModelServingError when KServe manages the route (`router` is
   *   not `LlmRouter.none()`), or the name is too long for KServe to keep
   *   the suffix (kmeta.ChildName hashes names over 63 characters)
   */
  public get backendRef(): BackendReference {
    if (this.router.managed) {
      invalid(this, 'router', 'is managed by KServe, which creates its own HTTPRoute to the workload: a second route of your own would compete with it', 'LlmRouter.managed', 'pass router: LlmRouter.none() to route the model yourself, or leave the route to KServe');
    }
    const name = `${this.serviceName}-kserve-workload-svc`;
    if (name.length > 63) {
      invalid(this, 'name', `is too long for a routable workload Service: KServe names it '<name>-kserve-workload-svc' and hashes names over 63 characters (kmeta.ChildName), so the Service name cannot be known here`, this.serviceName, `use a name of at most ${63 - '-kserve-workload-svc'.length} characters`);
    }
    const selector = { 'app.kubernetes.io/part-of': 'llminferenceservice', 'app.kubernetes.io/name': this.serviceName, 'kserve.io/component': 'workload' };
    return { name, namespace: this.serviceNamespace, port: LLM_WORKLOAD_PORT, owner: this, pods: { selector, port: LLM_WORKLOAD_PORT }, protocol: 'HTTP' };
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
