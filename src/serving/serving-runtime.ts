import { Chart, Duration } from 'cdk8s';
import { wholeSeconds } from '../core/duration';
import { Construct } from 'constructs';
import * as kserve from '../../imports/kserve-serving.kserve.io';
import { CONTAINER_OPTION_KEYS, ContainerOptions, renderContainer, TMP_VOLUME, toL1Shape } from '../core/container';
import { EmptyDirMedium, renderPodVolumes, toL1Volumes, Volume } from '../core/volume';
import { invalid } from '../core/errors';
import { assertDnsLabel, assertDnsSubdomain } from '../core/names';
import { assertPort } from '../core/port';
import { Probe } from '../core/probe';
import { assertInteger, assertKnownKeys, assertOneOf, INT32_MAX, keysOf } from '../core/props';
import { checkTolerations } from '../core/toleration';
import { WorkloadSecurity } from '../core/security';
import { ModelFormat, ProtocolVersion } from './model-format';
import { checkedRecord } from '../core/records';
import { checkProps, childPath } from '../core/prop-types';

/** A ServingRuntime or ClusterServingRuntime an InferenceService can name. */
export interface IServingRuntime {
  /** `metadata.name` (what `predictor.model.runtime` names). */
  readonly runtimeName: string;
  /** True for a ClusterServingRuntime (usable from every namespace). */
  readonly clusterScoped: boolean;
  /** The namespace of a ServingRuntime (undefined for cluster-scoped ones). */
  readonly runtimeNamespace?: string;
  /** The formats it declares. */
  readonly supportedModelFormats: readonly SupportedModelFormat[];
  /** The protocols it speaks. */
  readonly protocolVersions: readonly ProtocolVersion[];
  /** The port its server listens on. */
  readonly port: number;
  /** The HTTP API its server offers, which decides the paths a route matches. @default ModelServerApi.KSERVE */
  readonly api?: ModelServerApi;
  /** The model-server software it runs, which decides the metrics its pods export (what monitoring may read). @default - unknown */
  readonly modelServer?: ModelServerKind;
  /**
   * True for a runtime defined elsewhere and imported by name
   * ({@link ServingRuntime.fromName}, {@link ClusterServingRuntime.fromName}):
   * its formats, protocols and probes are only what the import declares, and
   * an empty `supportedModelFormats` or `protocolVersions` means "not known",
   * so they are not checked.
   * @default false
   */
  readonly imported?: boolean;
}

/** Options of {@link ServingRuntime.fromName} and {@link ClusterServingRuntime.fromName}: what is known of a runtime defined elsewhere. */
export interface ServingRuntimeImportOptions {
  /**
   * The formats it declares (`spec.supportedModelFormats`), so a model of
   * another format is refused.
   * @default - not known: not checked
   */
  readonly supportedModelFormats?: readonly SupportedModelFormat[];
  /**
   * The protocols it speaks (`spec.protocolVersions`), so a model asking for
   * another protocol is refused, and a model that gives none gets the first
   * one when the format's default is not among them.
   * @default - not known: not checked; models default to their format's protocol
   */
  readonly protocolVersions?: readonly ProtocolVersion[];
  /** The port its server listens on. @default 8080 */
  readonly port?: number;
  /** The HTTP API its server offers (what routes to its models match). @default ModelServerApi.KSERVE */
  readonly api?: ModelServerApi;
  /**
   * The model-server software it runs, so monitoring reads the metrics its
   * pods export.
   * @default - for a ClusterServingRuntime named like one KServe v0.20 installs (e.g. `kserve-sklearnserver`), that runtime's server; unknown otherwise
   */
  readonly modelServer?: ModelServerKind;
}

/** Options of {@link ServingRuntime.fromName}. */
export interface NamespacedServingRuntimeImportOptions extends ServingRuntimeImportOptions {
  /** Its namespace (InferenceServices can only use a ServingRuntime of their own namespace). @default - the namespace of the chart of `scope` */
  readonly namespace?: string;
}

/**
 * The model-server software a runtime runs: what decides the Prometheus
 * metrics its pods export (port, path and names). KServe's own runtimes are
 * known by format; a ServingRuntime says it with `modelServer`.
 */
export enum ModelServerKind {
  /** KServe's Python model server (`kserve.ModelServer`: sklearn, xgboost, lightgbm, pmml, paddle servers and custom `kserve.Model` predictors). */
  KSERVE = 'kserve',
  /** KServe's Hugging Face server (`kserve-huggingfaceserver`): the KServe Python server, with vLLM's engine (and its `vllm:*` metrics) for generative models on its vLLM backend. */
  HUGGINGFACE = 'huggingface',
  /** Seldon MLServer. */
  MLSERVER = 'mlserver',
  /** TorchServe. */
  TORCHSERVE = 'torchserve',
  /** NVIDIA Triton Inference Server. */
  TRITON = 'triton',
  /** TensorFlow Serving. */
  TF_SERVING = 'tensorflow-serving',
  /** vLLM's OpenAI-compatible server. */
  VLLM = 'vllm',
  /** Hugging Face Text Embeddings Inference. */
  TEXT_EMBEDDINGS_INFERENCE = 'text-embeddings-inference',
}

/**
 * The HTTP API a model server offers: what paths a route to it must match.
 */
export enum ModelServerApi {
  /** KServe's protocols, as the model's `protocolVersion` says: V1 `/v1/models/<name>[:predict]`, Open Inference Protocol `/v2/models/<name>/...`. */
  KSERVE = 'kserve',
  /**
   * OpenAI-compatible (vLLM's OpenAI server, Text Embeddings Inference):
   * `/v1/chat/completions`, `/v1/completions`, `/v1/embeddings`, `/v1/models`,
   * the model chosen by the request body's `model`, not by the path.
   * @see https://docs.vllm.ai/en/stable/serving/openai_compatible_server.html
   */
  OPENAI = 'openai',
}

/** The request paths of an OpenAI-compatible server ({@link ModelServerApi.OPENAI}). */
export const OPENAI_API_PATHS: readonly string[] = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/models'];

/** One `supportedModelFormats[]` entry. */
export interface SupportedModelFormat {
  /** `name` and `version`. */
  readonly format: ModelFormat;
  /** `autoSelect`: KServe may pick this runtime for models of this format that name no runtime. @default false */
  readonly autoSelect?: boolean;
  /** `priority` among auto-selected runtimes (higher wins); needs autoSelect. @default - none */
  readonly priority?: number;
}

/** Props of {@link ServingRuntime} and {@link ClusterServingRuntime}. */
export interface ServingRuntimeProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.supportedModelFormats`: at least one. */
  readonly supportedModelFormats: readonly SupportedModelFormat[];
  /** `spec.protocolVersions`. @default [ProtocolVersion.V1, ProtocolVersion.V2] */
  readonly protocolVersions?: readonly ProtocolVersion[];
  /** `spec.containers[0]`, named `kserve-container`; the image must be pinned. */
  readonly container: ContainerOptions;
  /** The port the server listens on (also rendered as the container port). @default 8080 */
  readonly port?: number;
  /** `spec.multiModel`: one server loads many models (TrainedModels). @default false */
  readonly multiModel?: boolean;
  /** `spec.nodeSelector` for the runtime's pods (e.g. GPU nodes). @default - none */
  readonly nodeSelector?: Record<string, string>;
  /** `spec.tolerations`. @default - none */
  readonly tolerations?: ReadonlyArray<{ readonly key: string; readonly operator?: 'Exists' | 'Equal'; readonly value?: string; readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }>;
  /** `spec.annotations` put on the runtime's pods (e.g. Prometheus scraping). @default - none */
  readonly podAnnotations?: Record<string, string>;
  /** Container security. @default WorkloadSecurity.RESTRICTED */
  readonly security?: WorkloadSecurity;
  /** The HTTP API the server offers (what routes to its models match). @default ModelServerApi.KSERVE */
  readonly api?: ModelServerApi;
  /** The model-server software the container runs, so monitoring reads the metrics it exports. @default - unknown: monitoring of its models must name it */
  readonly modelServer?: ModelServerKind;
}

/** Options of the vLLM runtime factories. */
export interface VllmRuntimeOptions {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** The vLLM OpenAI-server image, pinned, e.g. `vllm/vllm-openai:v0.11.0`. */
  readonly image: string;
  /** Pass `--trust-remote-code`: runs Python code shipped in the model repository. Opt-in. @default false */
  readonly trustRemoteCode?: boolean;
  /** GPUs per replica (`nvidia.com/gpu`), also `--tensor-parallel-size`. @default 1 */
  readonly gpus?: number;
  /**
   * `--max-model-len` (tokens) for every model served by this runtime. vLLM
   * exits at start when it exceeds a model's own context length, so on a
   * runtime shared by models of different context lengths set it per model
   * instead (`args: ['--max-model-len=2048']` of the InferenceService).
   * @default - each model's own limit
   */
  readonly maxModelLen?: number;
  /** `--gpu-memory-utilization`, 0-1. @default - vLLM default (0.9) */
  readonly gpuMemoryUtilization?: number;
  /** Extra server arguments. @default - none */
  readonly extraArgs?: readonly string[];
  /** CPU and memory per replica (GPUs come from `gpus`). @default requests 2 CPU / 16Gi, limits 8 CPU / 32Gi */
  readonly resources?: { readonly requests?: { readonly cpu?: string; readonly memory?: string }; readonly limits?: { readonly cpu?: string; readonly memory?: string } };
  /** How long model download plus load may take before the startup probe gives up, whole seconds. @default Duration.minutes(30) */
  readonly maxStartup?: Duration;
  /** `--served-model-name`. @default '{{.Name}}' (the InferenceService name) */
  readonly servedModelName?: string;
  /** The model format the runtime declares (auto-selected). @default ModelFormat.custom('vLLM') */
  readonly modelFormat?: ModelFormat;
  /** Container security (vLLM writes caches: HOME and the caches point into the /tmp emptyDir). @default WorkloadSecurity.RESTRICTED */
  readonly security?: WorkloadSecurity;
  /** Node selector for GPU nodes. @default - none */
  readonly nodeSelector?: Record<string, string>;
  /** Tolerations for GPU nodes. @default - a toleration for the `nvidia.com/gpu` taint when gpus > 0 */
  readonly tolerations?: ServingRuntimeProps['tolerations'];
  /**
   * Shared memory for vLLM's workers (NCCL between tensor-parallel GPUs):
   * a Memory emptyDir of this size (a quantity, e.g. `'8Gi'`) at
   * `/dev/shm`, as KServe's own kserve-vllmserver runtime mounts
   * (kserve v0.20.0 config/runtimes/kserve-vllmserver.yaml). It counts
   * against the memory limit.
   * @default - none: the container runtime's 64 MiB
   */
  readonly sharedMemory?: string;
}

/** Options of the Text Embeddings Inference factories. */
export interface TeiRuntimeOptions {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** The TEI image, pinned, e.g. `ghcr.io/huggingface/text-embeddings-inference:cpu-1.8`. */
  readonly image: string;
  /** Resources per replica. @default requests 1 CPU / 2Gi, limits 4 CPU / 8Gi */
  readonly resources?: ContainerOptions['resources'];
  /** The model format the runtime declares. @default ModelFormat.custom('text-embeddings') */
  readonly modelFormat?: ModelFormat;
}

const VLLM_FORMAT = ModelFormat.custom('vLLM');
const TEI_FORMAT = ModelFormat.custom('text-embeddings');

/** The shared implementation of ServingRuntime and ClusterServingRuntime. */
abstract class ServingRuntimeBase extends Construct implements IServingRuntime {
  public readonly runtimeName: string;
  public readonly supportedModelFormats: readonly SupportedModelFormat[];
  public readonly protocolVersions: readonly ProtocolVersion[];
  public readonly port: number;
  public readonly api: ModelServerApi;
  public readonly modelServer?: ModelServerKind;
  public abstract readonly clusterScoped: boolean;
  public abstract readonly runtimeNamespace?: string;
  /** The rendered spec (shared by both kinds). */
  protected readonly spec: kserve.ServingRuntimeSpec;

  protected constructor(scope: Construct, id: string, props: ServingRuntimeProps) {
    checkProps(childPath(scope, id), props, 'ServingRuntimeProps');
    super(scope, id);
    assertKnownKeys(this, '', props, keysOf<ServingRuntimeProps>({ name: true, supportedModelFormats: true, protocolVersions: true, container: true, port: true, multiModel: true, nodeSelector: true, tolerations: true, podAnnotations: true, security: true, api: true, modelServer: true }));
    assertKnownKeys(this, 'container', props.container, CONTAINER_OPTION_KEYS);
    this.api = props.api === undefined ? ModelServerApi.KSERVE : assertOneOf(this, 'api', props.api, Object.values(ModelServerApi));
    this.modelServer = props.modelServer === undefined ? undefined : assertOneOf(this, 'modelServer', props.modelServer, Object.values(ModelServerKind));
    this.runtimeName = assertDnsSubdomain(this, 'name', props.name ?? id);
    if (!props.supportedModelFormats || props.supportedModelFormats.length === 0) {
      invalid(this, 'supportedModelFormats', 'must list at least one format', props.supportedModelFormats, 'pass [{ format: ModelFormat.custom("vLLM"), autoSelect: true }]');
    }
    props.supportedModelFormats.forEach((f, i) => {
      if (f.priority !== undefined && (!Number.isInteger(f.priority) || f.priority < 1)) invalid(this, `supportedModelFormats[${i}].priority`, 'must be a positive integer', f.priority, 'use 1 or more');
      // priority: int32 in the ServingRuntime CRD (spec.supportedModelFormats[].priority, format int32).
      if (f.priority !== undefined) assertInteger(this, `supportedModelFormats[${i}].priority`, f.priority, { min: 1, max: INT32_MAX, type: 'int32', fix: 'use 1 or more' });
      if (f.priority !== undefined && !f.autoSelect) invalid(this, `supportedModelFormats[${i}].priority`, 'only applies to auto-selected formats', f.priority, 'set autoSelect: true or drop the priority');
    });
    this.supportedModelFormats = props.supportedModelFormats;
    this.protocolVersions = props.protocolVersions ?? [ProtocolVersion.V1, ProtocolVersion.V2];
    if (!Array.isArray(this.protocolVersions) || this.protocolVersions.length === 0) invalid(this, 'protocolVersions', 'must list at least one protocol', this.protocolVersions, 'pass [ProtocolVersion.V2] (or omit it for v1 and v2)');
    this.protocolVersions.forEach((v, i) => assertOneOf(this, `protocolVersions[${i}]`, v, Object.values(ProtocolVersion)));
    this.port = assertPort(this, 'port', props.port ?? 8080, 'use the port the server listens on, e.g. 8080');
    checkTolerations(this, 'tolerations', props.tolerations);
    const security = props.security ?? WorkloadSecurity.RESTRICTED;
    const container = renderContainer(this, 'container', { ...props.container, ports: props.container.ports ?? [{ containerPort: this.port, protocol: 'TCP' }] }, { name: 'kserve-container', security, volumes: true });
    this.spec = {
      supportedModelFormats: props.supportedModelFormats.map((f) => ({ name: f.format.name, version: f.format.version, autoSelect: f.autoSelect, priority: f.priority })),
      protocolVersions: [...this.protocolVersions],
      multiModel: props.multiModel,
      annotations: checkedRecord(this, 'podAnnotations', props.podAnnotations),
      nodeSelector: checkedRecord(this, 'nodeSelector', props.nodeSelector),
      tolerations: props.tolerations?.map((t) => ({ ...t, operator: t.operator ?? 'Exists' })),
      containers: [toL1Shape<kserve.ServingRuntimeSpecContainers>(container)],
      volumes: toL1Volumes<kserve.ServingRuntimeSpecVolumes>(renderPodVolumes(this, [{ field: 'container.volumeMounts', mounts: props.container.volumeMounts }], security.readOnlyRoot ? [{ ...TMP_VOLUME }] : [])),
    };
  }
}

/**
 * A KServe `ServingRuntime` (serving.kserve.io/v1alpha1): a model server
 * template for the InferenceServices of its namespace.
 *
 * @see https://kserve.github.io/website/docs/model-serving/servingruntimes
 */
export class ServingRuntime extends ServingRuntimeBase {
  /**
   * A ServingRuntime defined elsewhere (by another team, or by hand), by
   * name, for `Predictor.model({ runtime })`.
   *
   * ```ts
   * runtime: ServingRuntime.fromName(models, 'team-runtime', 'team-sklearn', { supportedModelFormats: [{ format: ModelFormat.SKLEARN }] })
   * ```
   *
   * @param name its `metadata.name`, a DNS-1123 subdomain
   * @throws ModelServingError for a bad name or namespace, unknown options, or no namespace to put it in
   */
  public static fromName(scope: Construct, id: string, name: string, options: NamespacedServingRuntimeImportOptions = {}): IServingRuntime {
    return new ImportedServingRuntime(scope, id, name, false, options);
  }

  /**
   * vLLM's OpenAI-compatible server on port 8080, serving the model KServe
   * downloaded to /mnt/models under the InferenceService's name, on GPUs.
   * `--trust-remote-code` only when asked for.
   */
  public static vllm(scope: Construct, id: string, options: VllmRuntimeOptions): ServingRuntime {
    return new ServingRuntime(scope, id, vllmProps(options, `${scope.node.path}/${id}`));
  }

  /** Hugging Face Text Embeddings Inference on port 8080, for embedding models. */
  public static textEmbeddingsInference(scope: Construct, id: string, options: TeiRuntimeOptions): ServingRuntime {
    return new ServingRuntime(scope, id, teiProps(options, `${scope.node.path}/${id}`));
  }

  public readonly clusterScoped = false;
  public readonly runtimeNamespace?: string;
  /** The L1 object. */
  public readonly resource: kserve.ServingRuntime;

  public constructor(scope: Construct, id: string, props: ServingRuntimeProps) {
    super(scope, id, props);
    this.runtimeNamespace = Chart.of(this).namespace;
    if (!this.runtimeNamespace) invalid(this, 'scope', 'must be a namespaced chart (a ServingRuntime is namespaced)', this.node.path, 'create it inside a Namespace, or use ClusterServingRuntime');
    this.resource = new kserve.ServingRuntime(this, 'Resource', { metadata: { name: this.runtimeName }, spec: this.spec });
    (props.security ?? WorkloadSecurity.RESTRICTED).waive(this.resource);
  }
}

/**
 * A KServe `ClusterServingRuntime` (serving.kserve.io/v1alpha1): a model
 * server template usable from every namespace. Create it in the Platform (it
 * is cluster-scoped).
 *
 * @see https://kserve.github.io/website/docs/model-serving/servingruntimes
 */
export class ClusterServingRuntime extends ServingRuntimeBase {
  /**
   * A ClusterServingRuntime defined elsewhere, by name: one KServe installs
   * (`kserve-sklearnserver`, `kserve-huggingfaceserver`, ...) or one another
   * team manages, for `Predictor.model({ runtime })`.
   *
   * ```ts
   * runtime: ClusterServingRuntime.fromName(models, 'sklearn-runtime', 'kserve-sklearnserver')
   * ```
   *
   * @param name its `metadata.name`, a DNS-1123 subdomain
   * @throws ModelServingError for a bad name or unknown options
   */
  public static fromName(scope: Construct, id: string, name: string, options: ServingRuntimeImportOptions = {}): IServingRuntime {
    return new ImportedServingRuntime(scope, id, name, true, options);
  }

  /** vLLM's OpenAI-compatible server, as a cluster-wide runtime (see {@link ServingRuntime.vllm}). */
  public static vllm(scope: Construct, id: string, options: VllmRuntimeOptions): ClusterServingRuntime {
    return new ClusterServingRuntime(scope, id, vllmProps(options, `${scope.node.path}/${id}`));
  }

  /** Text Embeddings Inference, as a cluster-wide runtime. */
  public static textEmbeddingsInference(scope: Construct, id: string, options: TeiRuntimeOptions): ClusterServingRuntime {
    return new ClusterServingRuntime(scope, id, teiProps(options, `${scope.node.path}/${id}`));
  }

  public readonly clusterScoped = true;
  public readonly runtimeNamespace = undefined;
  /** The L1 object. */
  public readonly resource: kserve.ClusterServingRuntime;

  public constructor(scope: Construct, id: string, props: ServingRuntimeProps) {
    super(scope, id, props);
    if (Chart.of(this).namespace) invalid(this, 'scope', 'must be the Platform, not a Namespace (a ClusterServingRuntime is cluster-scoped)', Chart.of(this).namespace, 'create it with the Platform as scope');
    this.resource = new kserve.ClusterServingRuntime(this, 'Resource', { metadata: { name: this.runtimeName }, spec: this.spec as kserve.ClusterServingRuntimeSpec });
    (props.security ?? WorkloadSecurity.RESTRICTED).waive(this.resource);
  }
}

const CLUSTER_IMPORT_KEYS = keysOf<ServingRuntimeImportOptions>({ supportedModelFormats: true, protocolVersions: true, port: true, api: true, modelServer: true });

/** A ServingRuntime or ClusterServingRuntime known by name. */
class ImportedServingRuntime extends Construct implements IServingRuntime {
  public readonly runtimeName: string;
  public readonly runtimeNamespace?: string;
  public readonly supportedModelFormats: readonly SupportedModelFormat[];
  public readonly protocolVersions: readonly ProtocolVersion[];
  public readonly port: number;
  public readonly api: ModelServerApi;
  public readonly modelServer?: ModelServerKind;
  public readonly imported = true;

  public constructor(scope: Construct, id: string, name: string, public readonly clusterScoped: boolean, options: NamespacedServingRuntimeImportOptions) {
    const typeName = clusterScoped ? 'ServingRuntimeImportOptions' : 'NamespacedServingRuntimeImportOptions';
    checkProps(childPath(scope, id), options, typeName);
    super(scope, id);
    assertKnownKeys(this, '', options, clusterScoped ? CLUSTER_IMPORT_KEYS : [...CLUSTER_IMPORT_KEYS, 'namespace']);
    this.runtimeName = assertDnsSubdomain(this, 'name', name);
    if (!clusterScoped) {
      this.runtimeNamespace = options.namespace === undefined ? Chart.of(this).namespace : assertDnsLabel(this, 'namespace', options.namespace);
      if (!this.runtimeNamespace) invalid(this, 'namespace', 'is required outside a namespaced chart (a ServingRuntime is namespaced)', undefined, "pass { namespace: 'models' }, import it inside its Namespace, or use ClusterServingRuntime.fromName");
    }
    if (options.supportedModelFormats !== undefined && (!Array.isArray(options.supportedModelFormats) || options.supportedModelFormats.length === 0)) {
      invalid(this, 'supportedModelFormats', 'must list at least one format when given', options.supportedModelFormats, 'pass [{ format: ModelFormat.SKLEARN }], or leave it out when not known');
    }
    this.supportedModelFormats = options.supportedModelFormats ?? [];
    if (options.protocolVersions !== undefined && (!Array.isArray(options.protocolVersions) || options.protocolVersions.length === 0)) {
      invalid(this, 'protocolVersions', 'must list at least one protocol when given', options.protocolVersions, 'pass [ProtocolVersion.V2], or leave it out when not known');
    }
    this.protocolVersions = options.protocolVersions ?? [];
    this.protocolVersions.forEach((v, i) => assertOneOf(this, `protocolVersions[${i}]`, v, Object.values(ProtocolVersion)));
    this.port = assertPort(this, 'port', options.port ?? 8080, 'use the port the server listens on, e.g. 8080');
    this.api = options.api === undefined ? ModelServerApi.KSERVE : assertOneOf(this, 'api', options.api, Object.values(ModelServerApi));
    this.modelServer = options.modelServer === undefined ? undefined : assertOneOf(this, 'modelServer', options.modelServer, Object.values(ModelServerKind));
  }
}

/** @param where the path of the runtime construct about to be created (reported in errors) */
function vllmProps(o: VllmRuntimeOptions, where: string): ServingRuntimeProps {
  checkProps(where, o, 'VllmRuntimeOptions');
  wholeSeconds(where, 'maxStartup', o.maxStartup, { min: 1, example: 'Duration.minutes(30)' });
  const gpus = o.gpus ?? 1;
  if (!Number.isInteger(gpus) || gpus < 0) invalid(where, 'gpus', 'must be a whole number >= 0', gpus, 'use 1 or more for GPU serving, 0 for CPU');
  if (o.gpuMemoryUtilization !== undefined && !(o.gpuMemoryUtilization > 0 && o.gpuMemoryUtilization <= 1)) {
    invalid(where, 'gpuMemoryUtilization', 'must be in (0, 1]', o.gpuMemoryUtilization, 'use e.g. 0.9');
  }
  const args = [
    '--port=8080',
    '--model=/mnt/models',
    `--served-model-name=${o.servedModelName ?? '{{.Name}}'}`,
    ...(gpus > 1 ? [`--tensor-parallel-size=${gpus}`] : []),
    ...(o.maxModelLen !== undefined ? [`--max-model-len=${o.maxModelLen}`] : []),
    ...(o.gpuMemoryUtilization !== undefined ? [`--gpu-memory-utilization=${o.gpuMemoryUtilization}`] : []),
    ...(o.trustRemoteCode ? ['--trust-remote-code'] : []),
    ...(o.extraArgs ?? []),
  ];
  const health = Probe.http('/health', 8080);
  return {
    name: o.name,
    supportedModelFormats: [{ format: o.modelFormat ?? VLLM_FORMAT, autoSelect: true }],
    protocolVersions: [ProtocolVersion.V2],
    api: ModelServerApi.OPENAI,
    modelServer: ModelServerKind.VLLM,
    security: o.security,
    nodeSelector: o.nodeSelector,
    tolerations: o.tolerations ?? (gpus > 0 ? [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] : undefined),
    container: {
      image: o.image,
      command: ['python3', '-m', 'vllm.entrypoints.openai.api_server'],
      args,
      env: { HOME: '/tmp', HF_HOME: '/tmp/hf', XDG_CACHE_HOME: '/tmp/.cache', VLLM_NO_USAGE_STATS: '1', DO_NOT_TRACK: '1' },
      resources: {
        requests: { cpu: o.resources?.requests?.cpu ?? '2', memory: o.resources?.requests?.memory ?? '16Gi', nvidiaGpu: gpus > 0 ? String(gpus) : undefined },
        limits: { cpu: o.resources?.limits?.cpu ?? '8', memory: o.resources?.limits?.memory ?? '32Gi', nvidiaGpu: gpus > 0 ? String(gpus) : undefined },
      },
      readinessProbe: health,
      livenessProbe: Probe.http('/health', 8080, { period: Duration.seconds(30), timeout: Duration.seconds(10), failureThreshold: 5 }),
      startupProbe: Probe.startupFor(health, o.maxStartup ?? Duration.minutes(30)),
      volumeMounts: o.sharedMemory === undefined ? undefined : [{ volume: Volume.emptyDir('dshm', { medium: EmptyDirMedium.MEMORY, sizeLimit: o.sharedMemory }), mountPath: '/dev/shm' }],
    },
  };
}

function teiProps(o: TeiRuntimeOptions, where: string): ServingRuntimeProps {
  checkProps(where, o, 'TeiRuntimeOptions');
  const health = Probe.http('/health', 8080);
  return {
    name: o.name,
    supportedModelFormats: [{ format: o.modelFormat ?? TEI_FORMAT, autoSelect: true }],
    protocolVersions: [ProtocolVersion.V2],
    api: ModelServerApi.OPENAI,
    modelServer: ModelServerKind.TEXT_EMBEDDINGS_INFERENCE,
    container: {
      image: o.image,
      args: ['--model-id=/mnt/models', '--port=8080', '--hostname=0.0.0.0'],
      env: { HOME: '/tmp', HF_HOME: '/tmp/hf' },
      resources: o.resources ?? { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } },
      readinessProbe: health,
      livenessProbe: Probe.http('/health', 8080, { period: Duration.seconds(30), failureThreshold: 5 }),
      startupProbe: Probe.startupFor(health, Duration.minutes(15)),
    },
  };
}
