import { Chart, Lazy, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as kserve from '../../imports/kserve-serving.kserve.io';
import { BackendReference, IBackend } from '../core/backend';
import { assertProbePortNames, CONTAINER_OPTION_KEYS, ContainerJson, ContainerOptions, ContainerPort, renderContainer, TMP_MOUNT, TMP_VOLUME, toL1Shape } from '../core/container';
import { renderPodVolumes, renderVolumeMounts, toL1Volumes } from '../core/volume';
import { EnvVars, renderEnv } from '../core/env';
import { refuseCredential } from '../core/credential-refusal';
import { wholeMilliseconds, wholeSeconds } from '../core/duration';
import { invalid } from '../core/errors';
import { assertPinnedImage, imageTag } from '../core/image';
import { NetworkFlows } from '../core/flows';
import { Namespace } from '../core/namespace';
import { Platform } from '../core/platform';
import { assertAnnotations, assertDnsLabel, assertLabels, policyId } from '../core/names';
import { NetworkPeer } from '../core/network-peer';
import { assertPort } from '../core/port';
import { assertInteger, assertKnownKeys, assertOneOf, INT32_MAX, keysOf, SAFE_INT_MAX } from '../core/props';
import { checkProps, hasMethod, hasProperty, isPlainObject, isString, optionalArray, optionalShape, optionalString, optionalStringMap } from '../core/prop-types';
import { checkProbe, Probe } from '../core/probe';
import { renderResources, ResourceRequirements } from '../core/resources';
import { WorkloadSecurity } from '../core/security';
import { sortRecord } from '../core/sort-keys';
import { checkTolerations } from '../core/toleration';
import { IServiceAccount } from '../core/service-account';
import { GrpcMethodMatch, GrpcRouteMatch } from '../routing/grpc-route';
import { HttpRouteMatch, PathMatch } from '../routing/match';
import { Autoscaling } from './autoscaling';
import { ComponentProps, Explainer, Transformer } from './components';
import { builtInProtocols, DeploymentMode, ModelFormat, ProtocolVersion } from './model-format';
import { IServingRuntime, ModelServerApi, ModelServerKind, OPENAI_API_PATHS } from './serving-runtime';
import { ContainersPredictorOptions, ModelPredictorOptions, Predictor } from './predictor';
import { Storage, StorageBinding } from './storage';
import { checkedRecord } from '../core/records';

/** Label KServe puts on every pod of an InferenceService. */
export const ISVC_LABEL = 'serving.kserve.io/inferenceservice';

/** Port KServe's model server containers listen on (the `kserve-container` default). */
export const PREDICTOR_CONTAINER_PORT = 8080;

/** Name of the canary predictor in Standard mode (`spec.canary[0].predictor.name`). */
export const CANARY_NAME = 'canary';

/** Port KServe's model servers serve gRPC (grpc-v2) on. */
export const GRPC_CONTAINER_PORT = 8081;

/** Batch size bounds of {@link Batcher} (the platform write-ups batch 10 to 100 requests). */
const MIN_BATCH = 10;
const MAX_BATCH = 100;

/**
 * Knative's default `container-concurrency-max-limit`: Knative's webhook
 * refuses a Revision whose `containerConcurrency` is above it.
 * @see https://github.com/knative/serving/blob/main/pkg/apis/config/defaults.go (DefaultMaxRevisionContainerConcurrency)
 */
const KNATIVE_MAX_CONTAINER_CONCURRENCY = 1000;
/**
 * Knative's default `max-revision-timeout-seconds`: Knative's webhook refuses
 * a Revision whose `timeoutSeconds` is above it.
 * @see https://github.com/knative/serving/blob/main/pkg/apis/config/defaults.go (DefaultMaxRevisionTimeoutSeconds)
 */
const KNATIVE_MAX_TIMEOUT_SECONDS = 600;

/** The props of {@link InferenceService}, for refusing unknown (misspelt) keys. */
const PROPS_KEYS = keysOf<FlatProps>({ name: true, modelFormat: true, frameworkField: true, runtime: true, runtimeVersion: true, storage: true, image: true, args: true, env: true, protocolVersion: true, resources: true, containers: true, nodeSelector: true, tolerations: true, serviceAccount: true, minReplicas: true, maxReplicas: true, autoscaling: true, containerConcurrency: true, timeout: true, deploymentMode: true, readinessProbe: true, livenessProbe: true, startupProbe: true, transformer: true, explainer: true, logger: true, batcher: true, ports: true, knativeIngressNamespaces: true, security: true, labels: true, annotations: true, podAnnotations: true, volumeMounts: true, containerName: true });

/** Port of Knative's queue-proxy sidecar, which receives a Knative-mode model's traffic. */
export const KNATIVE_QUEUE_PROXY_PORT = 8012;
/** The queue-proxy port the Knative autoscaler scrapes its request metrics from. */
export const KNATIVE_AUTOSCALER_METRICS_PORT = 9090;

/** Formats whose KServe runtimes serve the model under the InferenceService's name (so `/v1/models/<name>` is its readiness endpoint). */
const SERVICE_NAMED_FORMATS = ['sklearn', 'xgboost', 'lightgbm', 'pmml', 'tensorflow', 'paddle', 'huggingface'] as const;

/** Formats KServe has a framework field for (`spec.predictor.<format>`). */
const FRAMEWORK_FIELDS = ['sklearn', 'tensorflow', 'pytorch', 'xgboost', 'lightgbm', 'onnx', 'pmml', 'triton', 'huggingface', 'paddle'] as const;

/** A toleration (`tolerations[]`). */
export interface Toleration {
  /** `key`, e.g. `nvidia.com/gpu`. */
  readonly key: string;
  /** @default 'Exists' */
  readonly operator?: 'Exists' | 'Equal';
  /** `value`, with operator Equal. */
  readonly value?: string;
  /** `effect`. @default - every effect */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/**
 * KServe's request batcher (`predictor.batcher`): groups requests into one
 * model call.
 *
 * @see https://kserve.github.io/website/docs/model-serving/predictive-inference/batcher/
 */
export interface Batcher {
  /** `maxBatchSize`: requests per batch; the platform write-ups size batches at 10 to 100. */
  readonly maxBatchSize: number;
  /** `maxLatency`: how long a batch may wait to fill, 1 ms to 10 s in whole milliseconds (KServe takes milliseconds). */
  readonly maxLatency: Duration;
  /** `timeout`: per-request timeout of the batcher, whole seconds (KServe takes integer seconds); must exceed maxLatency. @default Duration.seconds(60) */
  readonly timeout?: Duration;
}

/** Request/response logging (`predictor.logger`). */
export interface InferenceLogger {
  /** Where events are sent (CloudEvents over HTTP). */
  readonly url: string;
  /** `mode`. @default 'all' */
  readonly mode?: 'all' | 'request' | 'response';
}

/** What a canary changes relative to the current predictor. */
export interface CanaryChanges {
  /** New model location, e.g. `Storage.uri('gs://bucket/model-v2')`. */
  readonly storage?: Storage;
  /** New server image (pinned). */
  readonly image?: string;
  /** New `runtimeVersion`. */
  readonly runtimeVersion?: string;
  /** New resources. */
  readonly resources?: ResourceRequirements;
  /** New args. */
  readonly args?: readonly string[];
  /** New environment (replaces the model's env). */
  readonly env?: EnvVars;
}

/** Options of {@link InferenceService.canary}. */
export interface CanaryOptions extends CanaryChanges {
  /** Share of traffic for the new revision, 0-100 percent. */
  readonly trafficPercent: number;
}

/** Props of {@link InferenceService}. */
export interface InferenceServiceProps {
  /**
   * `metadata.name`: a DNS-1123 label of at most 45 characters (KServe
   * derives `<name>-predictor-...` object names from it). It is also the
   * model name in the inference URLs.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * What serves the model (`spec.predictor`): `Predictor.model({ format,
   * runtime?, storage?, ... })` for a model served by a KServe runtime, or
   * `Predictor.containers([{ image: ... }])` for custom containers.
   * @throws ModelServingError when missing, or when the old flat props
   *   (`modelFormat`, `storage`, `containers`, ...) are given beside it
   */
  readonly predictor: Predictor;
  /** `predictor.nodeSelector` (e.g. `accelerator: nvidia-tesla-t4`). @default - none */
  readonly nodeSelector?: Record<string, string>;
  /** `predictor.tolerations`. @default - a toleration of the `nvidia.com/gpu` taint when GPUs are requested */
  readonly tolerations?: readonly Toleration[];
  /** `predictor.serviceAccountName`. @default - the storage's ServiceAccount, if any */
  readonly serviceAccount?: IServiceAccount;
  /** `predictor.minReplicas`, an int32 >= 0 (0 only in Knative mode). @default 1 */
  readonly minReplicas?: number;
  /**
   * `predictor.maxReplicas`, an int32 >= minReplicas. In Knative mode KServe
   * turns it into the Knative Service's `max-scale`.
   * @default - in Knative mode, no upper bound (up to the cluster's Knative `max-scale`); in Standard mode KServe's (equal to minReplicas)
   */
  readonly maxReplicas?: number;
  /** How replicas scale. @default - KServe's default for the mode */
  readonly autoscaling?: Autoscaling;
  /** `predictor.containerConcurrency`: hard limit of in-flight requests per replica, 0 (unlimited) to 1000 in Knative mode (Knative's `container-concurrency-max-limit`). @default - unlimited */
  readonly containerConcurrency?: number;
  /**
   * `predictor.timeout`: whole seconds (KServe's field is integer seconds; a
   * Duration with a fraction of a second is refused), at most 10 minutes in
   * Knative mode (Knative's `max-revision-timeout-seconds`).
   * @default - KServe default (60 seconds)
   */
  readonly timeout?: Duration;
  /** `serving.kserve.io/deploymentMode` annotation: `Standard` or `Knative`. @default DeploymentMode.STANDARD */
  readonly deploymentMode?: DeploymentMode;
  /** `spec.transformer`. @default - none */
  readonly transformer?: Transformer;
  /** `spec.explainer`. @default - none */
  readonly explainer?: Explainer;
  /** `predictor.logger`. @default - none */
  readonly logger?: InferenceLogger;
  /** `predictor.batcher`. @default - no batching */
  readonly batcher?: Batcher;
  /**
   * Knative mode: namespaces whose pods may reach the model's queue-proxy
   * through the namespace's default-deny policy (port 8012 for requests,
   * 9090 for the autoscaler's metrics) — the Knative activator and
   * autoscaler, and the Knative ingress gateway.
   * @default ['knative-serving', 'istio-system']
   */
  readonly knativeIngressNamespaces?: readonly string[];
  /** Security of the predictor and components. @default WorkloadSecurity.RESTRICTED */
  readonly security?: WorkloadSecurity;
  /** `metadata.labels`. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations` (the deployment-mode annotation is added). @default - none */
  readonly annotations?: Record<string, string>;
  /**
   * `spec.predictor.annotations`: annotations KServe puts on the predictor
   * pods (e.g. the `prometheus.io/*` annotations Istio's metrics merging
   * reads). More with {@link InferenceService.addPodAnnotation}.
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;
}
/**
 * The predictor's props flattened as the renderer reads them (the props of
 * before `predictor`): the model options with `modelFormat`, or `containers`.
 */
interface FlatProps extends Omit<InferenceServiceProps, 'predictor'>, Omit<Partial<ModelPredictorOptions>, 'format'> {
  readonly modelFormat?: ModelFormat;
  readonly containers?: readonly ContainerOptions[];
}

type CanaryState = { readonly state: 'none' } | { readonly state: 'canary' | 'promoted' | 'rolled-back'; readonly options: CanaryOptions };

/**
 * A KServe `InferenceService` (serving.kserve.io/v1beta1): one model served
 * by a predictor, optionally with a transformer and an explainer.
 *
 * Values a controller would reject or misread are refused at construction:
 * unknown prop keys (a misspelt key would be dropped), counts beyond the
 * CRD's int32 fields, enums outside their set, a protocol no KServe runtime
 * of the format speaks, and a model without a namespace in a Platform (or
 * with a transformer).
 *
 * It is an {@link IBackend}: a route to it reaches `<name>-predictor` (or
 * `<name>-transformer` when there is one) on port 80 in Standard mode, and
 * the route opens the pods' port 8080 to the gateway only. Pods run under
 * the restricted Pod Security profile with a read-only root filesystem
 * unless a reasoned {@link WorkloadSecurity.relaxed} waiver says otherwise;
 * a default-deny namespace gets the egress the storage initializer needs.
 *
 * Rollouts: {@link canary}, then {@link promote} or {@link rollback}.
 *
 * @see https://kserve.github.io/website/docs/reference/crd-api#inferenceservice
 */
export class InferenceService extends Construct implements IBackend {
  /** `metadata.name` (and the model name in URLs). */
  public readonly serviceName: string;
  /** The deployment mode. */
  public readonly deploymentMode: DeploymentMode;
  /** The protocol the predictor speaks. */
  public readonly protocolVersion: ProtocolVersion;
  /** The L1 object. */
  public readonly resource: kserve.InferenceService;
  private readonly props: FlatProps;
  private readonly security: WorkloadSecurity;
  private readonly storage?: StorageBinding;
  private readonly minReplicas: number;
  private canaryState: CanaryState = { state: 'none' };
  private readonly podAnnotationMap = new Map<string, string>();
  private readonly metricsPortSet = new Set<number>();

  public constructor(scope: Construct, id: string, given: InferenceServiceProps) {
    super(scope, id);
    checkProps(this, given, 'InferenceServiceProps');
    const props = flattenPredictor(this, given);
    optionalShape(this, 'modelFormat', props.modelFormat, (v): v is ModelFormat => hasProperty(v, 'name'), 'a ModelFormat', "use ModelFormat.SKLEARN or ModelFormat.custom('name')");
    optionalString(this, 'image', props.image);
    optionalString(this, 'runtimeVersion', props.runtimeVersion);
    optionalArray(this, 'args', props.args, isString, 'a string', "pass args: ['--flag=value']");
    optionalArray(this, 'containers', props.containers, isPlainObject, 'a container object', 'pass predictor: Predictor.containers([{ image: ... }])');
    optionalArray(this, 'tolerations', props.tolerations, isPlainObject, 'a toleration object', "pass tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]");
    optionalArray(this, 'knativeIngressNamespaces', props.knativeIngressNamespaces, isString, 'a string', "pass knativeIngressNamespaces: ['knative-serving']");
    optionalStringMap(this, 'nodeSelector', props.nodeSelector);
    optionalStringMap(this, 'labels', props.labels);
    optionalStringMap(this, 'annotations', props.annotations);
    optionalStringMap(this, 'podAnnotations', props.podAnnotations);
    optionalArray(this, 'ports', props.ports, isPlainObject, 'a port object', "pass ports: [{ name: 'h2c', containerPort: 9000 }]");
    optionalArray(this, 'volumeMounts', props.volumeMounts, isPlainObject, 'a mount object', "pass volumeMounts: [{ volume: Volume.emptyDir('dshm', { medium: EmptyDirMedium.MEMORY }), mountPath: '/dev/shm' }]");
    optionalShape(this, 'autoscaling', props.autoscaling, (v): v is Autoscaling => hasMethod(v, 'bind'), 'an Autoscaling', 'use Autoscaling.concurrency(10) (or another Autoscaling factory)');
    optionalShape(this, 'security', props.security, (v): v is WorkloadSecurity => hasMethod(v, 'check'), 'a WorkloadSecurity', 'use WorkloadSecurity.RESTRICTED');
    optionalShape(this, 'transformer', props.transformer, (v): v is Transformer => isPlainObject(v) && isPlainObject(v.props), 'a Transformer', 'use Transformer.container({ ... })');
    optionalShape(this, 'explainer', props.explainer, (v): v is Explainer => isPlainObject(v) && isPlainObject(v.props), 'an Explainer', 'use Explainer.container({ ... })');
    this.props = props;
    assertKnownKeys(this, '', props, PROPS_KEYS);
    this.serviceName = assertDnsLabel(this, 'name', props.name ?? id, 45);
    this.deploymentMode = assertOneOf(this, 'deploymentMode', props.deploymentMode ?? DeploymentMode.STANDARD, Object.values(DeploymentMode), 'use DeploymentMode.STANDARD or DeploymentMode.KNATIVE');
    if (!Chart.of(this).namespace && (Platform.tryOf(this) !== undefined || props.transformer)) {
      invalid(
        this,
        'metadata.namespace',
        props.transformer
          ? "is missing: the model is in a chart without a namespace, so the object lands in whatever namespace kubectl or Argo CD applies it to, and its transformer's PREDICTOR_HOST cannot name the predictor's namespace"
          : 'is missing: the model is in a chart without a namespace, so the object lands in whatever namespace kubectl or Argo CD applies it to, outside the namespace policies and routes expect',
        undefined,
        "create it inside a Namespace: new InferenceService(new Namespace(platform, 'models'), ...)",
      );
    }
    const runtime = checkRuntimeShape(this, props.runtime);
    const formatDefault = props.modelFormat?.defaultProtocolVersion ?? ProtocolVersion.V1;
    // An imported runtime may not say its protocols (an empty list): then the format's default, as KServe would pick.
    this.protocolVersion = props.protocolVersion ?? (runtime && runtime.protocolVersions.length > 0 && !runtime.protocolVersions.includes(formatDefault) ? runtime.protocolVersions[0] : formatDefault);
    if (!(Object.values(ProtocolVersion) as unknown[]).includes(this.protocolVersion)) {
      invalid(this, 'protocolVersion', `must be one of ${Object.values(ProtocolVersion).join(', ')}`, props.protocolVersion, 'use ProtocolVersion.V1, V2, GRPC_V1 or GRPC_V2');
    }
    // KServe picks a runtime for a format by protocol too: a built-in format asked to speak a protocol none of its runtimes speaks gets none.
    const spoken = props.modelFormat && props.runtime === undefined ? builtInProtocols(props.modelFormat) : undefined;
    if (spoken && !spoken.protocols.includes(this.protocolVersion)) {
      invalid(this, 'protocolVersion', `is not spoken by any of KServe's runtimes for format '${props.modelFormat!.name}' (${spoken.why}), so KServe would find no runtime for the model`, this.protocolVersion, `use one of ${spoken.protocols.join(', ')}${spoken.hint ? `, ${spoken.hint}` : ''}, or name a runtime that speaks it (runtime: ...)`);
    }
    this.security = props.security ?? WorkloadSecurity.RESTRICTED;
    this.security.check(this, 'security');

    const hasFormat = props.modelFormat !== undefined;
    const hasContainers = props.containers !== undefined;
    if (hasFormat === hasContainers) {
      invalid(this, 'predictor', 'must give exactly one predictor: a model format (served by a runtime) or custom containers', { format: props.modelFormat?.name, containers: props.containers?.length }, 'pass predictor: Predictor.model({ format: ModelFormat.SKLEARN, ... }), or predictor: Predictor.containers([{ image: ... }])');
    }
    if (props.modelFormat && (typeof props.modelFormat.name !== 'string' || props.modelFormat.name.length === 0)) {
      invalid(this, 'modelFormat', 'needs a name', props.modelFormat, 'use ModelFormat.SKLEARN or ModelFormat.custom("name")');
    }
    if (hasContainers && props.containers!.length === 0) invalid(this, 'containers', 'must have at least one container', [], 'pass predictor: Predictor.containers([{ image: ... }])');
    props.containers?.forEach((c, i) => assertKnownKeys(this, `containers[${i}]`, c, CONTAINER_OPTION_KEYS));
    if (props.frameworkField && !(FRAMEWORK_FIELDS as readonly string[]).includes(props.modelFormat?.name ?? '')) {
      invalid(this, 'frameworkField', `only exists for the built-in frameworks (${FRAMEWORK_FIELDS.join(', ')})`, props.modelFormat?.name, 'drop frameworkField, or use a built-in format');
    }
    if (props.frameworkField && runtime !== undefined) invalid(this, 'runtime', 'cannot be set with frameworkField (the framework field picks its runtime)', runtime.runtimeName, 'drop frameworkField to name a runtime');
    if (runtime) this.checkRuntime(runtime);

    this.storage = this.bindStorage(props.storage, 'storage');
    if (this.storage?.storageUri) noteStorageInitializer(this);
    for (const [key, value] of Object.entries(this.storage?.podAnnotations ?? {})) this.addPodAnnotation(key, value);
    if (hasContainers && this.storage?.storageSpec) invalid(this, 'storage', 'a storage-config key needs a model format', props.storage?.location, 'use a storage URI with custom containers');
    if (props.containerName !== undefined) {
      if (!hasFormat) invalid(this, 'containerName', 'names the model server of a model format; custom containers carry their own name', props.containerName, 'set name on the container');
      assertDnsLabel(this, 'containerName', props.containerName);
    }
    if (props.image !== undefined) {
      if (!hasFormat) invalid(this, 'image', 'overrides a runtime image; custom containers carry their own', props.image, 'set the image on the container');
      assertPinnedImage(this, 'image', props.image);
    }
    if (props.runtimeVersion !== undefined) assertRuntimeVersion(this, 'runtimeVersion', props.runtimeVersion);
    if (props.knativeIngressNamespaces !== undefined && props.knativeIngressNamespaces.length === 0) {
      invalid(this, 'knativeIngressNamespaces', 'must list at least one namespace: an empty list would open the queue-proxy to every source', [], "omit it for ['knative-serving', 'istio-system'], or list the namespaces of the Knative activator and ingress");
    }

    this.minReplicas = props.minReplicas ?? 1;
    // minReplicas, maxReplicas: int32 in the InferenceService CRD (spec.predictor.minReplicas/maxReplicas, format int32).
    if (!Number.isInteger(this.minReplicas) || this.minReplicas < 0) invalid(this, 'minReplicas', 'must be an integer >= 0', props.minReplicas, 'use 1 or more');
    assertInteger(this, 'minReplicas', this.minReplicas, { min: 0, max: INT32_MAX, type: 'int32: spec.predictor.minReplicas', fix: 'use the replicas the model needs, e.g. 2' });
    if (this.minReplicas === 0 && this.deploymentMode !== DeploymentMode.KNATIVE) {
      invalid(this, 'minReplicas', 'can be 0 (scale to zero) only in Knative mode', 0, 'use minReplicas: 1, or deploymentMode: DeploymentMode.KNATIVE');
    }
    if (props.maxReplicas !== undefined && (!Number.isInteger(props.maxReplicas) || props.maxReplicas < Math.max(1, this.minReplicas))) {
      // Knative's `maxScale: 0` (no upper bound) is said by leaving maxReplicas out in Knative mode.
      const unbounded = this.deploymentMode === DeploymentMode.KNATIVE ? ', or leave maxReplicas out for no upper bound (Knative max-scale 0)' : '';
      invalid(this, 'maxReplicas', `must be an integer >= minReplicas (${this.minReplicas}) and >= 1`, props.maxReplicas, `use maxReplicas: ${Math.max(1, this.minReplicas)} or more${unbounded}`);
    }
    if (props.maxReplicas !== undefined) assertInteger(this, 'maxReplicas', props.maxReplicas, { min: 1, max: INT32_MAX, type: 'int32: spec.predictor.maxReplicas', fix: 'use the most replicas the cluster can run, e.g. 10' });
    const knative = this.deploymentMode === DeploymentMode.KNATIVE;
    if (props.containerConcurrency !== undefined && (!Number.isInteger(props.containerConcurrency) || props.containerConcurrency < 0)) {
      invalid(this, 'containerConcurrency', 'must be an integer >= 0', props.containerConcurrency, 'use e.g. 10, or 0 for unlimited');
    }
    if (props.containerConcurrency !== undefined) {
      assertInteger(this, 'containerConcurrency', props.containerConcurrency, knative
        ? { min: 0, max: KNATIVE_MAX_CONTAINER_CONCURRENCY, type: "Knative's container-concurrency-max-limit", fix: 'use e.g. 10, or 0 for unlimited' }
        : { min: 0, max: SAFE_INT_MAX, type: 'int64: spec.predictor.containerConcurrency', fix: 'use e.g. 10, or 0 for unlimited' });
    }
    // Knative's max-revision-timeout-seconds; KServe's predictor.timeout is an int64 of seconds.
    wholeSeconds(this, 'timeout', props.timeout, knative
      ? { min: 1, max: KNATIVE_MAX_TIMEOUT_SECONDS, limit: "Knative's max-revision-timeout-seconds", example: 'Duration.seconds(60)' }
      : { min: 1, max: SAFE_INT_MAX, limit: 'int64: spec.predictor.timeout', example: 'Duration.seconds(60)' });
    checkTolerations(this, 'tolerations', props.tolerations);
    if (props.logger) {
      assertKnownKeys(this, 'logger', props.logger, keysOf<InferenceLogger>({ url: true, mode: true }));
      if (props.logger.mode !== undefined) assertOneOf(this, 'logger.mode', props.logger.mode, ['all', 'request', 'response']);
    }
    this.checkGpu(props.resources, 'resources');
    checkedRecord(this, 'nodeSelector', props.nodeSelector);
    assertLabels(this, 'nodeSelector', props.nodeSelector);
    if (props.logger && !/^https?:\/\/[^\s\u0000-\u001F\u007F]+$/.test(props.logger.url)) invalid(this, 'logger.url', 'must be an http(s) URL without spaces or control characters', props.logger.url, 'use e.g. http://message-dumper.observability/');
    refuseCredential(this, 'args', props.args, 'pass the credential as a file mounted from a Secret (e.g. --password-file=/secrets/db/password) or as $(VAR) of an environment variable set from env with EnvValue.fromSecret');
    if (props.logger) refuseCredential(this, 'logger.url', props.logger.url, 'give the URL of the logger sink without user info or token query parameters (the sink authenticates by network policy or mesh identity)');
    if (props.batcher) this.checkBatcher(props.batcher);
    props.ports?.forEach((port, i) => {
      assertPort(this, `ports[${i}].containerPort`, port.containerPort, 'use the server port');
    });
    if (this.isGrpc && props.ports && props.ports[0]?.name !== 'h2c') {
      invalid(this, 'ports[0].name', "must be 'h2c' for a gRPC model (KServe and the gateways read it as HTTP/2)", props.ports[0]?.name, "name the gRPC port 'h2c'");
    }
    const scaling = props.autoscaling?.bind(this, this.deploymentMode);
    for (const [key, value] of Object.entries(props.podAnnotations ?? {})) this.addPodAnnotation(key, value);

    // Render the predictor once now so bad input fails at construction, not at synth.
    this.renderPredictor(undefined);
    const transformer = props.transformer ? this.renderComponent('transformer', props.transformer.props, true) : undefined;
    const explainer = props.explainer ? this.renderComponent('explainer', props.explainer.props, false) : undefined;

    // No Knative min/max-scale annotations here: KServe writes `min-scale` and `max-scale` on the Knative Service
    // from predictor.minReplicas and maxReplicas, and none for an unset maxReplicas (no upper bound below the
    // cluster's max-scale) (kserve v0.20.0 pkg/controller/v1alpha1/utils/utils.go SetAutoScalingAnnotations).
    // An old-style `maxScale` beside them would be read when `max-scale` is absent, and cap the model at it.
    const annotations: Record<string, string> = { ...(checkedRecord(this, 'annotations', props.annotations) ?? {}), ...(scaling?.annotations ?? {}), 'serving.kserve.io/deploymentMode': this.deploymentMode };

    this.resource = new kserve.InferenceService(this, 'Resource', {
      metadata: { name: this.serviceName, labels: checkedRecord(this, 'labels', props.labels), annotations },
      spec: Lazy.any({
        produce: (): kserve.InferenceServiceSpec => {
          const c = this.canaryState;
          const knative = this.deploymentMode === DeploymentMode.KNATIVE;
          let predictor: kserve.InferenceServiceSpecPredictor;
          let canary: kserve.InferenceServiceSpecCanary[] | undefined;
          if (c.state === 'none') predictor = this.renderPredictor(undefined);
          else if (c.state === 'promoted') predictor = this.renderPredictor(c.options);
          else if (knative) predictor = { ...this.renderPredictor(c.options), canaryTrafficPercent: c.state === 'canary' ? c.options.trafficPercent : 0 };
          else {
            predictor = this.renderPredictor(undefined);
            if (c.state === 'canary') {
              // KServe v0.20: the canary predictor needs a name (its Deployment and Service are named after it)
              // and takes no scaling fields (its replicas follow the traffic share).
              const { minReplicas: _min, maxReplicas: _max, ...entry } = this.renderPredictor(c.options, true);
              canary = [{ trafficPercent: c.options.trafficPercent, predictor: { ...entry, name: CANARY_NAME } as unknown as kserve.InferenceServiceSpecCanaryPredictor }];
            }
          }
          return {
            predictor: { ...predictor, scaleMetric: scaling?.scaleMetric, scaleTarget: scaling?.scaleTarget, autoScaling: scaling?.autoScaling },
            canary,
            transformer: transformer as kserve.InferenceServiceSpecTransformer | undefined,
            explainer: explainer as kserve.InferenceServiceSpecExplainer | undefined,
          };
        },
      }) as unknown as kserve.InferenceServiceSpec,
    });

    this.security.waive(this.resource);
    for (const c of [props.transformer, props.explainer]) c?.props.security?.waive(this.resource);
    this.openNetwork();
  }

  /** The InferenceService's namespace (its chart's). */
  public get serviceNamespace(): string | undefined {
    return Chart.of(this).namespace;
  }

  /** True when a transformer receives the traffic first. */
  public get hasTransformer(): boolean {
    return this.props.transformer !== undefined;
  }

  /** True when an explainer answers `:explain`. */
  public get hasExplainer(): boolean {
    return this.props.explainer !== undefined;
  }

  /**
   * True when KServe serves the predictor as a multi-model server, into
   * which {@link TrainedModel}s load: a model format (other than
   * huggingface) without storage, or custom containers whose first one
   * sets `MULTI_MODEL_SERVER=true`
   * (kserve v0.20.0 pkg/controller/v1beta1/inferenceservice/utils/utils.go IsMMSPredictor).
   */
  public get isMultiModelServer(): boolean {
    const p = this.props;
    if (p.containers) return p.containers[0]?.env?.MULTI_MODEL_SERVER === 'true';
    return p.modelFormat?.name !== 'huggingface' && this.storage === undefined;
  }

  /** The model server's memory limit (`resources.limits.memory`), if declared. */
  public get memoryLimit(): string | undefined {
    return this.props.containers ? this.props.containers[0]?.resources?.limits?.memory : this.props.resources?.limits?.memory;
  }

  /** The storage location, if any. */
  public get storageLocation(): string | undefined {
    return this.storage?.storageUri ?? (this.storage?.storageSpec ? `${this.storage.storageSpec.key}:${this.storage.storageSpec.path ?? ''}` : undefined);
  }

  /**
   * The entry Service KServe creates (Standard mode): `<name>-transformer`
   * when there is a transformer, else `<name>-predictor`; port 80, pods on 8080.
   *
   * @throws ModelServingError in Knative mode, where the Service is an
   *   ExternalName alias that gateways cannot route to
   */
  public get backendRef(): BackendReference {
    return this.componentBackend(this.hasTransformer ? 'transformer' : 'predictor');
  }

  /**
   * The explainer as a backend (for `:explain` routes).
   *
   * @throws ModelServingError when there is no explainer
   */
  public explainerBackend(): IBackend {
    if (!this.hasExplainer) invalid(this, 'explainer', 'is not defined', undefined, 'pass explainer: Explainer.container({...})');
    return { backendRef: this.componentBackend('explainer') };
  }

  /**
   * The HTTPRoute matches that reach this model's predictor (or transformer)
   * and nothing else, by the API its server offers (`<name>` is
   * {@link servedModelName}):
   * - V1: `Exact /v1/models/<name>` and `Exact /v1/models/<name>:predict`
   *   (a PathPrefix would not match `:predict`, which is part of the last segment);
   * - V2: `PathPrefix /v2/models/<name>` (`/infer`, `/ready`, `/versions/...`);
   * - an OpenAI-compatible server ({@link servesOpenAi}: vLLM, TEI, or a
   *   `vLLM`-format model on KServe's own vLLM runtime): `Exact` `/v1/chat/completions`, `/v1/completions`,
   *   `/v1/embeddings` and `/v1/models` (the model is chosen by the body's
   *   `model`, so two such models on one listener need a hostname or path
   *   prefix of their own; synth refuses routes that compete for the same requests).
   *
   * @throws ModelServingError for a gRPC model
   */
  public routeMatches(): HttpRouteMatch[] {
    if (this.isGrpc) {
      invalid(this, 'protocolVersion', 'is gRPC, which an HTTPRoute cannot carry', this.protocolVersion, 'attach the model to a GrpcRoute (with grpcRouteMatches()) instead');
    }
    // An OpenAI-compatible server (vLLM, TEI) serves the OpenAI paths, whatever the protocol version says.
    if (this.servesOpenAi) {
      return this.openAiPaths.map((path) => ({ path: PathMatch.exact(path) }));
    }
    const name = this.servedModelName;
    if (this.protocolVersion === ProtocolVersion.V1) {
      return [{ path: PathMatch.exact(`/v1/models/${name}`) }, { path: PathMatch.exact(`/v1/models/${name}:predict`) }];
    }
    return [{ path: PathMatch.prefix(`/v2/models/${name}`) }];
  }

  /**
   * Whether the predictor runs an OpenAI-compatible server
   * ({@link ModelServerApi.OPENAI}): its runtime says so (`ServingRuntime.vllm`,
   * `ServingRuntime.textEmbeddingsInference`), or the model names no runtime
   * and has format `vLLM`, which KServe v0.20.0 serves with its
   * `kserve-vllmserver` runtime (`vllm.entrypoints.openai.api_server`: the
   * OpenAI paths only, no KServe protocol).
   * @see https://github.com/kserve/kserve/blob/v0.20.0/config/runtimes/kserve-vllmserver.yaml
   */
  public get servesOpenAi(): boolean {
    if (this.props.runtime !== undefined) return this.props.runtime.api === ModelServerApi.OPENAI;
    return this.modelFormat?.name.toLowerCase() === 'vllm';
  }

  /**
   * The OpenAI paths the predictor's server answers (none unless
   * {@link servesOpenAi}): Text Embeddings Inference serves only
   * `/v1/embeddings` (its router's `openai_embed`); vLLM's OpenAI server and
   * other OpenAI-compatible runtimes serve `/v1/chat/completions`,
   * `/v1/completions`, `/v1/embeddings` and `/v1/models`.
   * @see https://github.com/huggingface/text-embeddings-inference/blob/v1.9.3/router/src/http/server.rs (routes)
   */
  public get openAiPaths(): readonly string[] {
    if (!this.servesOpenAi) return [];
    return this.props.runtime?.modelServer === ModelServerKind.TEXT_EMBEDDINGS_INFERENCE ? ['/v1/embeddings'] : OPENAI_API_PATHS;
  }

  /**
   * The name the model server serves the model under: the InferenceService
   * name, unless the model's args rename it (`--model_name=<name>`, the
   * KServe Python servers' flag), which the paths of the KServe protocols and
   * the default probes then use.
   */
  public get servedModelName(): string {
    const args = this.props.args ?? [];
    for (let i = 0; i < args.length; i++) {
      if (args[i].startsWith('--model_name=')) return args[i].slice('--model_name='.length);
      if (args[i] === '--model_name' && args[i + 1] !== undefined) return args[i + 1];
    }
    return this.serviceName;
  }

  /**
   * Starts a canary rollout: a new revision with `changes` gets
   * `trafficPercent` of the traffic, the current one the rest. Knative mode
   * renders `predictor.canaryTrafficPercent` (the predictor carries the new
   * revision, Knative splits the traffic); Standard mode renders
   * `spec.canary` (KServe v0.20: a canary Deployment named `canary` with
   * replicas following its share; KServe splits the traffic on the routes
   * it manages, so expose Standard-mode canaries through KServe's Gateway
   * API integration rather than your own HTTPRoute).
   *
   * @throws ModelServingError when the percent is outside 0-100, nothing
   *   changes, a canary is already declared, or the model has custom containers
   */
  public canary(options: CanaryOptions): void {
    if (this.canaryState.state !== 'none') invalid(this, 'canary', 'is already declared', this.canaryState.state, 'declare one canary, then promote() or rollback() it');
    const p = options.trafficPercent;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 100) {
      invalid(this, 'canary.trafficPercent', 'must be an integer percent between 0 and 100', p, 'use e.g. 10');
    }
    if (this.props.containers) invalid(this, 'canary', 'needs a model-format predictor (custom containers have no revision fields to change)', 'containers', 'use predictor: Predictor.model({ format, runtime, ... }), or roll out a second InferenceService');
    const changed = (['storage', 'image', 'runtimeVersion', 'resources', 'args', 'env'] as const).filter((k) => options[k] !== undefined);
    if (changed.length === 0) {
      invalid(this, 'canary', 'changes nothing, so there is no new revision to send traffic to', options, 'give the new revision: storage, image, runtimeVersion, resources, args or env');
    }
    if (options.image !== undefined) assertPinnedImage(this, 'canary.image', options.image);
    if (options.runtimeVersion !== undefined) assertRuntimeVersion(this, 'canary.runtimeVersion', options.runtimeVersion);
    this.checkGpu(options.resources, 'canary.resources');
    refuseCredential(this, 'canary.args', options.args, 'pass the credential as a file mounted from a Secret or as $(VAR) of an environment variable set from a Secret');
    const storage = this.bindStorage(options.storage, 'canary.storage');
    // The predictor's pods share one set of annotations: a canary's download credentials must be the current ones.
    for (const [key, value] of Object.entries(storage?.podAnnotations ?? {})) this.addPodAnnotation(key, value);
    // A canary equal to the current predictor has no previous revision to split traffic with.
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const location = (b: StorageBinding | undefined) => [b?.storageUri, b?.storageSpec];
    const differs = changed.filter((k) => (k === 'storage' ? !same(location(storage), location(this.storage)) : !same(options[k], this.props[k])));
    if (differs.length === 0) {
      invalid(
        this,
        'canary',
        `repeats the current revision (${changed.join(', ')} unchanged), so there is no previous revision to split traffic with`,
        Object.fromEntries(changed.map((k) => [k, k === 'storage' ? options.storage?.location : options[k]])),
        'give the new revision a different storage location, image, runtimeVersion, resources, args or env',
      );
    }
    this.canaryState = { state: 'canary', options };
    this.renderPredictor(options);
  }

  /**
   * Ends the canary: the new revision becomes the predictor with all traffic.
   *
   * @throws ModelServingError when no canary is declared
   */
  public promote(): void {
    const c = this.canaryState;
    if (c.state !== 'canary') invalid(this, 'promote()', 'needs a canary in progress', c.state, 'call canary({...}) first');
    this.canaryState = { state: 'promoted', options: c.options };
  }

  /**
   * Ends the canary the other way: all traffic back to the current revision.
   * Standard mode drops `spec.canary`; Knative mode pins the new revision at
   * `canaryTrafficPercent: 0`, as KServe documents for rollbacks.
   *
   * @throws ModelServingError when no canary is declared
   */
  public rollback(): void {
    const c = this.canaryState;
    if (c.state !== 'canary') invalid(this, 'rollback()', 'needs a canary in progress', c.state, 'call canary({...}) first');
    this.canaryState = { state: 'rolled-back', options: c.options };
  }

  /** The current rollout state: `none`, `canary` (with percent), `promoted`, `rolled-back`. */
  public get rollout(): { readonly state: string; readonly trafficPercent?: number } {
    const c = this.canaryState;
    return c.state === 'none' ? { state: 'none' } : { state: c.state, trafficPercent: c.state === 'canary' ? c.options.trafficPercent : undefined };
  }

  /**
   * Adds an annotation to the predictor pods (`spec.predictor.annotations`).
   * Adding the same key again with the same value does nothing.
   *
   * @throws ModelServingError for an invalid key, or a key already set to another value
   */
  public addPodAnnotation(key: string, value: string): void {
    checkedRecord(this, 'podAnnotations', { [key]: value });
    assertAnnotations(this, 'podAnnotations', { [key]: value });
    const existing = this.podAnnotationMap.get(key);
    if (existing !== undefined && existing !== value) invalid(this, `podAnnotations.${key}`, `is already set to '${existing}'`, value, 'set each pod annotation once');
    this.podAnnotationMap.set(key, value);
  }

  /**
   * Declares the port the model server serves its metrics on as a port of
   * the predictor container, next to the serving port: a PodMonitor's
   * `portNumber` only finds declared container ports, and KServe's runtimes
   * declare none. `KServeModelMonitoring` calls it. A custom-container
   * predictor (`containers`) declares its ports itself.
   *
   * @throws ModelServingError for a port outside 1-65535
   */
  public exposeMetricsPort(port: number): void {
    assertPort(this, 'metricsPort', port, 'use the port of the model server\'s /metrics, e.g. 8080');
    // Knative accepts one container port (the serving one): a second could not be declared, and a PodMonitor
    // finds only declared ports, so its down alert would fire forever.
    if (this.isKnative && port !== this.podPort) {
      invalid(this, 'metricsPort', `cannot be declared in Knative mode, which accepts one container port (${this.podPort}, the serving port): a PodMonitor on ${port} would find no target`, port, 'run the model in Standard mode to scrape the model server itself, or measure it from the gateway or Knative\'s queue-proxy');
    }
    this.metricsPortSet.add(port);
  }

  /** The model format (`predictor.model.modelFormat`), undefined for a custom-container predictor. */
  public get modelFormat(): ModelFormat | undefined {
    return this.props.modelFormat;
  }

  /** The runtime the model names (`predictor.model.runtime`): a runtime construct or an imported one, or undefined when KServe auto-selects one for the format. */
  public get runtime(): IServingRuntime | undefined {
    return this.props.runtime;
  }

  /** True when the model speaks gRPC. */
  public get isGrpc(): boolean {
    return this.protocolVersion === ProtocolVersion.GRPC_V1 || this.protocolVersion === ProtocolVersion.GRPC_V2;
  }

  /**
   * The GRPCRoute matches for an Open Inference Protocol (grpc-v2) model:
   * the `inference.GRPCInferenceService` service. The model is chosen by the
   * message, so expose several gRPC models with one hostname each.
   *
   * @throws ModelServingError for a model that does not speak grpc-v2
   */
  public grpcRouteMatches(): GrpcRouteMatch[] {
    if (this.protocolVersion !== ProtocolVersion.GRPC_V2) {
      invalid(this, 'protocolVersion', `is ${this.protocolVersion}; only grpc-v2 models have a standard gRPC service`, this.protocolVersion, 'serve it over an HttpRoute, or set protocolVersion: ProtocolVersion.GRPC_V2 (or pass your own GrpcMethodMatch)');
    }
    return [{ method: GrpcMethodMatch.exact('inference.GRPCInferenceService') }];
  }

  /** The port the model server pods listen on (the first declared port). */
  private get podPort(): number {
    return this.props.ports?.[0]?.containerPort ?? (this.isGrpc ? GRPC_CONTAINER_PORT : PREDICTOR_CONTAINER_PORT);
  }

  private checkRuntime(runtime: IServingRuntime): void {
    const fmt = this.props.modelFormat;
    // An imported runtime that does not say its formats or protocols (empty lists) is not checked for them.
    if (fmt && runtime.supportedModelFormats.length > 0 && !runtime.supportedModelFormats.some((f) => f.format.name === fmt.name && (fmt.version === undefined || f.format.version === undefined || f.format.version === fmt.version))) {
      invalid(this, 'runtime', `'${runtime.runtimeName}' does not declare model format '${fmt.name}'`, runtime.runtimeName, `use a runtime that supports it, or add the format to the runtime (declares: ${runtime.supportedModelFormats.map((f) => f.format.name).join(', ')})`);
    }
    if (this.props.protocolVersion !== undefined && runtime.protocolVersions.length > 0 && !runtime.protocolVersions.includes(this.props.protocolVersion)) {
      invalid(this, 'protocolVersion', `is not spoken by runtime '${runtime.runtimeName}'`, this.props.protocolVersion, `use one of: ${runtime.protocolVersions.join(', ')}`);
    }
    if (!runtime.clusterScoped && runtime.runtimeNamespace !== Chart.of(this).namespace) {
      invalid(this, 'runtime', `is a ServingRuntime in namespace '${runtime.runtimeNamespace}', which InferenceServices of '${Chart.of(this).namespace}' cannot use`, runtime.runtimeName, 'define the ServingRuntime in the model namespace, or use a ClusterServingRuntime');
    }
  }

  private checkBatcher(b: Batcher): void {
    assertKnownKeys(this, 'batcher', b, keysOf<Batcher>({ maxBatchSize: true, maxLatency: true, timeout: true }));
    if (!Number.isInteger(b.maxBatchSize) || b.maxBatchSize < MIN_BATCH || b.maxBatchSize > MAX_BATCH) {
      invalid(this, 'batcher.maxBatchSize', `must be an integer between ${MIN_BATCH} and ${MAX_BATCH} (the batch sizes the platform write-ups recommend)`, b.maxBatchSize, 'use e.g. 32');
    }
    if (b.maxLatency === undefined) invalid(this, 'batcher.maxLatency', 'is required', undefined, 'use e.g. Duration.millis(50)');
    const latency = wholeMilliseconds(this, 'batcher.maxLatency', b.maxLatency, { min: 1, max: 10_000, example: 'Duration.millis(50)' })!;
    // batcher.timeout is a Go int of seconds in KServe's Batcher; the agent reads it as int32-safe seconds.
    const timeout = wholeSeconds(this, 'batcher.timeout', b.timeout, { min: 1, max: INT32_MAX, limit: 'int32', example: 'Duration.seconds(60)' }) ?? 60;
    if (timeout * 1000 <= latency) {
      invalid(this, 'batcher.timeout', `must be longer than maxLatency (${latency}ms)`, `${timeout}s`, 'use e.g. Duration.seconds(60)');
    }
  }

  private bindStorage(storage: Storage | undefined, field: string): StorageBinding | undefined {
    if (storage !== undefined && (typeof storage !== 'object' || storage === null || typeof (storage as Partial<Storage>).bind !== 'function')) {
      invalid(this, field, 'must be a Storage', storage, "use Storage.uri('gs://bucket/model'), Storage.s3(...), Storage.hf(...) or Storage.pvc(...)");
    }
    return storage?.bind(this, field);
  }

  private checkGpu(resources: ResourceRequirements | undefined, field: string): void {
    const req = resources?.requests?.nvidiaGpu;
    const lim = resources?.limits?.nvidiaGpu;
    if (req !== undefined && lim === undefined) {
      invalid(this, `${field}.limits.nvidiaGpu`, 'is required when GPUs are requested (Kubernetes schedules extended resources by their limit)', undefined, `set limits: { nvidiaGpu: '${req}' }`);
    }
    if (req !== undefined && lim !== undefined && req !== lim) invalid(this, `${field}.requests.nvidiaGpu`, `must equal limits.nvidiaGpu (${lim}): GPUs cannot be overcommitted`, req, `use '${lim}' or drop the request`);
  }

  private get gpuRequested(): boolean {
    return this.props.resources?.limits?.nvidiaGpu !== undefined || (this.props.containers ?? []).some((c) => c.resources?.limits?.nvidiaGpu !== undefined);
  }

  private defaultProbes(): { readinessProbe?: Probe; livenessProbe?: Probe; startupProbe?: Probe } {
    const p = this.props;
    // The library adds probes for KServe's own runtimes (auto-selected or imported by name); a runtime defined here brings its own.
    const ownRuntime = p.runtime !== undefined && !p.runtime.imported;
    if (p.containers || ownRuntime) return { readinessProbe: p.readinessProbe, livenessProbe: p.livenessProbe, startupProbe: p.startupProbe };
    // A port named h2c serves gRPC (HTTP/2 without TLS), also when no gRPC protocol version is given: no HTTP probe there.
    const grpc = this.isGrpc || p.ports?.[0]?.name === 'h2c';
    // Only servers that serve the model under its name (the InferenceService's, or --model_name) get an HTTP
    // probe on its endpoint; TorchServe, Triton and ONNX name models after their repository, so they get TCP probes.
    // A multi-model server (no storage of its own) serves its TrainedModels, none under the InferenceService's name.
    const namedByService = (SERVICE_NAMED_FORMATS as readonly string[]).includes(p.modelFormat?.name ?? '') && !this.isMultiModelServer;
    const name = this.servedModelName;
    const ready = grpc || !namedByService
      ? Probe.tcp(this.podPort)
      : Probe.http(this.protocolVersion === ProtocolVersion.V1 ? `/v1/models/${name}` : `/v2/models/${name}/ready`, this.podPort);
    return {
      readinessProbe: p.readinessProbe ?? ready,
      livenessProbe: p.livenessProbe ?? Probe.tcp(this.podPort, { period: Duration.seconds(30), failureThreshold: 5 }),
      startupProbe: p.startupProbe ?? Probe.startupFor(ready, Duration.minutes(10)),
    };
  }

  /**
   * Renders the predictor, with a canary's changes applied when given.
   * `canaryEntry`: the `spec.canary[]` schema requires the `model` form with
   * a container `name`, so the framework-field form is not used there.
   */
  private renderPredictor(changes: CanaryChanges | undefined, canaryEntry = false): kserve.InferenceServiceSpecPredictor {
    const p = this.props;
    const storage = changes?.storage !== undefined ? this.bindStorage(changes.storage, 'canary.storage') : this.storage;
    const serviceAccount = p.serviceAccount ?? storage?.serviceAccount;
    const tolerations = p.tolerations ?? (this.gpuRequested ? [{ key: 'nvidia.com/gpu', operator: 'Exists' as const, effect: 'NoSchedule' as const }] : undefined);
    const pod = {
      annotations: this.podAnnotationMap.size > 0 ? sortRecord(Object.fromEntries(this.podAnnotationMap)) : undefined,
      minReplicas: this.minReplicas,
      maxReplicas: p.maxReplicas,
      containerConcurrency: p.containerConcurrency,
      timeout: p.timeout?.toSeconds(),
      serviceAccountName: serviceAccount?.serviceAccountName,
      automountServiceAccountToken: false,
      securityContext: this.podSecurityContext(this.security),
      nodeSelector: p.nodeSelector,
      tolerations: tolerations?.map((t) => ({ key: t.key, operator: t.operator ?? 'Exists', value: t.value, effect: t.effect })),
      logger: p.logger ? { url: p.logger.url, mode: (p.logger.mode ?? 'all') as kserve.InferenceServiceSpecPredictorLoggerMode } : undefined,
      batcher: p.batcher ? { maxBatchSize: p.batcher.maxBatchSize, maxLatency: p.batcher.maxLatency.toMilliseconds(), timeout: p.batcher.timeout?.toSeconds() ?? 60 } : undefined,
      volumes: toL1Volumes<object>(renderPodVolumes(this, p.containers ? p.containers.map((c, i) => ({ field: `containers[${i}].volumeMounts`, mounts: c.volumeMounts })) : [{ field: 'volumeMounts', mounts: p.volumeMounts }], this.security.readOnlyRoot ? [{ ...TMP_VOLUME }] : [], { knative: this.isKnative })),
    };
    if (p.containers) {
      if (p.volumeMounts !== undefined) invalid(this, 'volumeMounts', 'mounts into the model server of a model format; custom containers carry their own', p.volumeMounts, 'set volumeMounts on each container of containers');
      const containers = p.containers.map((c, i) =>
        renderContainer(this, `containers[${i}]`, c, { name: i === 0 ? 'kserve-container' : `container-${i}`, security: this.security, noPodSecurityContext: this.isKnative, volumes: true }),
      );
      if (storage?.storageUri) {
        containers[0] = { ...containers[0], env: [...(containers[0].env ?? []), { name: 'STORAGE_URI', value: storage.storageUri }] };
      }
      return { ...pod, containers: containers.map((c) => toL1Shape<kserve.InferenceServiceSpecPredictorContainers>(c)) } as kserve.InferenceServiceSpecPredictor;
    }
    const probes = this.defaultProbes();
    checkProbe(this, 'readinessProbe', p.readinessProbe);
    checkProbe(this, 'livenessProbe', p.livenessProbe);
    checkProbe(this, 'startupProbe', p.startupProbe);
    const ports = this.renderModelPorts();
    // A named runtime's container is merged into the model's (KServe MergeRuntimeContainers), so its port names count
    // too and the library cannot see them: the names are checked only against KServe's built-in runtimes, which name none.
    if (p.runtime === undefined) assertProbePortNames(this, '', p, ports);
    const mounts = [...(this.security.readOnlyRoot ? [{ ...TMP_MOUNT }] : []), ...renderVolumeMounts(this, 'volumeMounts', p.volumeMounts, this.security.readOnlyRoot)];
    // TorchServe writes its logs and metrics log under its working directory (/home/model-server/logs), which a
    // read-only root filesystem refuses: they go to the /tmp emptyDir instead (LOG_LOCATION, METRICS_LOCATION,
    // pytorch/serve docs/configuration.md; the user's env wins).
    const torchserve: EnvVars = p.modelFormat?.name === 'pytorch' && this.security.readOnlyRoot ? { LOG_LOCATION: '/tmp/logs', METRICS_LOCATION: '/tmp/logs', TEMP: '/tmp' } : {};
    const env = renderEnv(this, 'env', { ...torchserve, ...(storage?.env ?? {}), ...((changes?.env ?? p.env) || {}) });
    const image = changes?.image ?? p.image;
    const frameworkField = p.frameworkField && !canaryEntry;
    const model = toL1Shape<kserve.InferenceServiceSpecPredictorModel>({
      name: canaryEntry ? 'kserve-container' : p.containerName,
      modelFormat: frameworkField ? undefined : { name: p.modelFormat!.name, version: p.modelFormat!.version },
      runtime: p.runtime?.runtimeName,
      runtimeVersion: changes?.runtimeVersion ?? p.runtimeVersion,
      protocolVersion: this.protocolVersion,
      storageUri: storage?.storageUri,
      storage: storage?.storageSpec ? { key: storage.storageSpec.key, path: storage.storageSpec.path, parameters: storage.storageSpec.parameters } : undefined,
      image,
      ports: ports?.map((x) => ({ containerPort: x.containerPort, name: x.name, protocol: x.protocol ?? 'TCP' })),
      args: (changes?.args ?? p.args) ? [...(changes?.args ?? p.args)!] : undefined,
      env,
      resources: renderResources(this, changes?.resources ? 'canary.resources' : 'resources', changes?.resources ?? p.resources),
      readinessProbe: probes.readinessProbe?.spec,
      livenessProbe: probes.livenessProbe?.spec,
      startupProbe: probes.startupProbe?.spec,
      securityContext: this.isKnative ? this.security.containerWithPodIdentity() : this.security.container(),
      volumeMounts: mounts.length > 0 ? mounts : undefined,
    } satisfies Partial<ContainerJson> & Record<string, unknown>);
    return frameworkField ? ({ ...pod, [p.modelFormat!.name]: model } as kserve.InferenceServiceSpecPredictor) : ({ ...pod, model } as kserve.InferenceServiceSpecPredictor);
  }

  /**
   * The ports of the model container: the given ones (or `h2c` 8081 for
   * gRPC), then the metrics ports not among them (`metrics`, or
   * `metrics-<port>` when there are several; none in Knative mode, which
   * allows one port). With metrics ports but no given ones, the serving port
   * is declared first (`http1`), since KServe's Service forwards to the
   * first port.
   */
  private renderModelPorts(): readonly ContainerPort[] | undefined {
    const given = this.props.ports ?? (this.isGrpc ? [{ containerPort: GRPC_CONTAINER_PORT, name: 'h2c' }] : undefined);
    if (this.metricsPortSet.size === 0) return given;
    const ports: ContainerPort[] = given ? [...given] : [{ containerPort: this.podPort, name: 'http1' }];
    // Knative accepts one port on the user container: there only the serving port is declared.
    const extra = this.deploymentMode === DeploymentMode.KNATIVE ? [] : [...this.metricsPortSet].filter((port) => !ports.some((x) => x.containerPort === port)).sort((a, b) => a - b);
    return [...ports, ...extra.map((containerPort) => ({ containerPort, name: extra.length === 1 ? 'metrics' : `metrics-${containerPort}` }))];
  }

  private renderComponent(kind: 'transformer' | 'explainer', c: ComponentProps, wirePredictor: boolean): object {
    const security = c.security ?? this.security;
    const env: EnvVars = { ...(c.env ?? {}) };
    if (wirePredictor && env.PREDICTOR_HOST === undefined) {
      // The constructor refuses a transformer without a namespace.
      env.PREDICTOR_HOST = `${this.serviceName}-predictor.${this.serviceNamespace}`;
    }
    // KServe components serve on 8080; without probes of their own they get TCP checks there.
    const port = c.ports?.[0]?.containerPort ?? PREDICTOR_CONTAINER_PORT;
    const container = renderContainer(
      this,
      kind,
      {
        ...c,
        env,
        readinessProbe: c.readinessProbe ?? Probe.tcp(port),
        livenessProbe: c.livenessProbe ?? Probe.tcp(port, { period: Duration.seconds(30), failureThreshold: 5 }),
        startupProbe: c.startupProbe ?? Probe.startupFor(Probe.tcp(port), Duration.minutes(5)),
      },
      { name: 'kserve-container', security, noPodSecurityContext: this.isKnative, volumes: true },
    );
    const min = c.minReplicas ?? 1;
    assertInteger(this, `${kind}.minReplicas`, min, { min: 0, max: INT32_MAX, type: `int32: spec.${kind}.minReplicas`, fix: 'use e.g. 1' });
    if (c.maxReplicas !== undefined) assertInteger(this, `${kind}.maxReplicas`, c.maxReplicas, { min: 1, max: INT32_MAX, type: `int32: spec.${kind}.maxReplicas`, fix: 'use e.g. 3' });
    if (!Number.isInteger(min) || min < 0 || (c.maxReplicas !== undefined && c.maxReplicas < Math.max(1, min))) {
      invalid(this, `${kind}.maxReplicas`, `must be >= minReplicas (${min}) and >= 1`, c.maxReplicas, 'raise maxReplicas');
    }
    return {
      minReplicas: min,
      maxReplicas: c.maxReplicas,
      automountServiceAccountToken: false,
      securityContext: this.podSecurityContext(security),
      containers: [toL1Shape(container)],
      volumes: toL1Volumes<object>(renderPodVolumes(this, [{ field: `${kind}.volumeMounts`, mounts: c.volumeMounts }], security.readOnlyRoot ? [{ ...TMP_VOLUME }] : [], { knative: this.isKnative })),
    };
  }

  private get isKnative(): boolean {
    return this.deploymentMode === DeploymentMode.KNATIVE;
  }

  /**
   * The pod-level `securityContext`: none in Knative mode, where the
   * restricted settings and the non-root identity go on each container
   * instead. KServe copies the predictor's pod spec into the Knative
   * Service, and Knative's webhook refuses every pod-level securityContext
   * field unless `kubernetes.podspec-securitycontext` is enabled
   * (knative/serving v1.23.0 pkg/apis/serving/k8s_validation.go,
   * `ValidatePodSecurityContext` with `PodSecurityContextMask`): the
   * revision would never become Ready.
   */
  private podSecurityContext(security: WorkloadSecurity): ReturnType<WorkloadSecurity['pod']> | undefined {
    return this.isKnative ? undefined : security.pod();
  }

  private componentBackend(component: 'predictor' | 'transformer' | 'explainer'): BackendReference {
    if (this.deploymentMode === DeploymentMode.KNATIVE) {
      invalid(this, 'deploymentMode', 'is Knative, whose Services are ExternalName aliases a Gateway API route cannot target', this.deploymentMode, 'use DeploymentMode.STANDARD for models behind a Gateway');
    }
    return {
      name: `${this.serviceName}-${component}`,
      port: 80,
      namespace: this.serviceNamespace,
      owner: this,
      pods: { selector: { [ISVC_LABEL]: this.serviceName, component }, port: component === 'predictor' ? this.podPort : PREDICTOR_CONTAINER_PORT, labels: this.componentPodLabels(component) },
      // Transformers and explainers are the user's containers: their protocol is not known.
      protocol: component === 'predictor' ? (this.isGrpc ? 'gRPC' : 'HTTP') : undefined,
      streaming: component === 'predictor' && this.servesOpenAi ? true : undefined,
    };
  }

  /**
   * The labels KServe 0.20 puts on the pods of a component in raw deployment
   * mode: the InferenceService name, the component, and `app:
   * isvc.<name>-<component>` (pkg/controller/v1beta1/inferenceservice/components/predictor.go,
   * reconcilers/deployment/deployment_reconciler.go `GetRawServiceLabel`).
   */
  private componentPodLabels(component: 'predictor' | 'transformer' | 'explainer'): Record<string, string> {
    return { [ISVC_LABEL]: this.serviceName, component, app: `isvc.${this.serviceName}-${component}` };
  }

  /**
   * Opens what the model needs in a default-deny namespace: model download,
   * transformer/explainer to predictor, and (Knative mode) the activator and
   * Knative ingress to the queue-proxy.
   */
  private openNetwork(): void {
    const ns = findNamespaceChart(this);
    if (!ns) return;
    const pods = { [ISVC_LABEL]: this.serviceName };
    if (this.deploymentMode === DeploymentMode.KNATIVE) {
      const from = this.props.knativeIngressNamespaces ?? ['knative-serving', 'istio-system'];
      // 8012: requests through the activator and ingress; 9090: the autoscaler scraping the queue-proxy's metrics.
      ns.allowIngress(`${this.serviceName}-from-knative`, { pods, peers: from.map((n) => NetworkPeer.namespace(n)), ports: [{ port: KNATIVE_QUEUE_PROXY_PORT }, { port: KNATIVE_AUTOSCALER_METRICS_PORT }] });
      // Knative's activator (knative-serving, `app: activator`) proxies requests to the queue-proxy while the revision scales from zero.
      if (from.includes('knative-serving')) {
        NetworkFlows.declare(this, {
          from: { namespace: 'knative-serving', labels: { app: 'activator' }, what: 'the Knative activator' },
          to: { namespace: ns.name, labels: { [ISVC_LABEL]: this.serviceName, component: 'predictor' }, what: `the predictor of ${this.serviceName} (queue-proxy)` },
          port: KNATIVE_QUEUE_PROXY_PORT,
          purpose: 'requests through the Knative activator',
        });
      }
    }
    const remote = this.storage?.storageUri !== undefined && !/^pvc:\/\//.test(this.storage.storageUri);
    if (remote || this.storage?.storageSpec) {
      ns.allowEgress(policyId(`${this.serviceName}-model-download`, 57), { pods, peers: [NetworkPeer.anywhere()], ports: [{ port: 443 }] });
      // KServe's storage-initializer init container downloads the model before the server starts (HTTPS object stores and hubs).
      const where = this.storage?.storageUri ?? 'the storage spec';
      NetworkFlows.declare(this, { from: { namespace: ns.name, labels: this.componentPodLabels('predictor'), what: `the predictor of ${this.serviceName} (storage-initializer)` }, to: NetworkFlows.internet(`the model store (${where.replace(/\?.*$/, '')})`), port: 443, purpose: 'model download' });
    }
    if (this.hasTransformer || this.hasExplainer) {
      const predictorPods = { ...pods, component: 'predictor' };
      ns.allowIngress(`${this.serviceName}-predictor-from-components`, { pods: predictorPods, peers: [NetworkPeer.pods(ns.name, pods)], ports: [{ port: PREDICTOR_CONTAINER_PORT }] });
      ns.allowEgress(`${this.serviceName}-components-egress`, { pods, peers: [NetworkPeer.pods(ns.name, predictorPods)], ports: [{ port: PREDICTOR_CONTAINER_PORT }] });
      for (const component of [...(this.hasTransformer ? ['transformer' as const] : []), ...(this.hasExplainer ? ['explainer' as const] : [])]) {
        NetworkFlows.declare(this, {
          from: { namespace: ns.name, labels: this.componentPodLabels(component), what: `the ${component} of ${this.serviceName}` },
          to: { namespace: ns.name, labels: this.componentPodLabels('predictor'), what: `the predictor of ${this.serviceName}` },
          port: PREDICTOR_CONTAINER_PORT,
          purpose: `${component} calls to the predictor`,
        });
      }
    }
  }
}

/**
 * `runtimeVersion` becomes the tag of the runtime image, so it is pinned like
 * one: a valid image tag (as {@link assertPinnedImage} parses it) other than
 * `latest`.
 */
function assertRuntimeVersion(scope: Construct, field: string, version: unknown): void {
  const fix = "use the runtime's release tag, e.g. '1.3.0'";
  if (typeof version !== 'string' || version === '') invalid(scope, field, 'must be a non-empty image tag', version, fix);
  if (version === 'latest') invalid(scope, field, "is the runtime image tag: 'latest' is not pinned", version, fix);
  // Parse it as the tag of an image reference, with the same rules as images (letters, digits, _ . -, at most 128, no leading . or -).
  const probe = `runtime.invalid/image:${version}`;
  let valid = false;
  try {
    valid = imageTag(assertPinnedImage(scope, field, probe)) === version;
  } catch {
    valid = false;
  }
  if (!valid) invalid(scope, field, 'must be a valid image tag (letters, digits, _ . and -, at most 128 characters, not starting with . or -)', version, fix);
}


function findNamespaceChart(c: Construct): Namespace | undefined {
  for (let s: Construct | undefined = c; s; s = s.node.scope as Construct | undefined) {
    if (Namespace.isNamespace(s)) return s;
  }
  return undefined;
}

/**
 * Notes on the platform what KServe's storage initializer needs under the
 * restricted Pod Security profile: its securityContext comes from KServe's
 * installation (the `default` ClusterStorageContainer), not from the
 * InferenceService.
 */
function noteStorageInitializer(model: InferenceService): void {
  const ns = findNamespaceChart(model);
  if (!ns) return;
  Platform.of(model).addSetupNote('KServe storage initializer under restricted Pod Security', () =>
    ns.label('pod-security.kubernetes.io/enforce') === 'restricted'
      ? "Models with a `storageUri` get KServe's `storage-initializer` init container, whose securityContext comes from KServe's installation (the ClusterStorageContainer `default`), not from the InferenceService. Under `pod-security.kubernetes.io/enforce: restricted` it must set `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]`, `runAsNonRoot: true` and `seccompProfile.type: RuntimeDefault`; add them there if your KServe version does not, or the predictor pods are refused."
      : undefined,
  );
}

/**
 * `runtime` is a runtime object: a name string is refused with the import
 * that replaces it.
 *
 * @throws ModelServingError for a string or another non-runtime value
 */
function checkRuntimeShape(scope: Construct, runtime: unknown): IServingRuntime | undefined {
  if (runtime === undefined) return undefined;
  if (typeof runtime === 'string') {
    invalid(
      scope,
      'runtime',
      'must be a runtime object (IServingRuntime), not a name',
      runtime,
      `import the runtime by name: runtime: ClusterServingRuntime.fromName(this, '${runtime}-runtime', '${runtime}') for a ClusterServingRuntime (such as KServe's own), or ServingRuntime.fromName(namespace, '${runtime}-runtime', '${runtime}') for a ServingRuntime of the model's namespace`,
    );
  }
  if (!hasProperty(runtime, 'runtimeName') || !hasProperty(runtime, 'supportedModelFormats') || !hasProperty(runtime, 'protocolVersions')) {
    invalid(scope, 'runtime', 'must be a runtime object (IServingRuntime)', runtime, "pass a ServingRuntime or ClusterServingRuntime, or import one: ClusterServingRuntime.fromName(this, 'sklearn', 'kserve-sklearnserver')");
  }
  return runtime as IServingRuntime;
}

/** The keys that moved into {@link Predictor.model} (`modelFormat` as `format`) or {@link Predictor.containers}. */
const MOVED_KEYS = ['modelFormat', 'frameworkField', 'runtime', 'runtimeVersion', 'storage', 'containerName', 'image', 'args', 'env', 'protocolVersion', 'resources', 'containers', 'readinessProbe', 'livenessProbe', 'startupProbe', 'volumeMounts', 'ports'] as const;
const MODEL_KEYS = keysOf<ModelPredictorOptions>({ format: true, frameworkField: true, runtime: true, runtimeVersion: true, storage: true, containerName: true, image: true, args: true, env: true, protocolVersion: true, resources: true, readinessProbe: true, livenessProbe: true, startupProbe: true, volumeMounts: true, ports: true });
const CONTAINERS_KEYS = keysOf<ContainersPredictorOptions>({ storage: true });

/**
 * Turns `predictor` into the flat props the renderer reads, refusing the
 * flat props of before (JavaScript callers, or `as any`) with the fix.
 */
function flattenPredictor(scope: Construct, props: InferenceServiceProps): FlatProps {
  const loose = props as unknown as Record<string, unknown>;
  const moved = MOVED_KEYS.filter((k) => loose[k] !== undefined);
  if (moved.length > 0) {
    const key = moved[0];
    const fix = key === 'containers'
      ? 'pass predictor: Predictor.containers([{ image: ... }]) instead'
      : `move ${moved.map((k) => (k === 'modelFormat' ? 'modelFormat (as format)' : k)).join(', ')} into predictor: Predictor.model({ format: ModelFormat.SKLEARN, ${key === 'modelFormat' ? 'storage' : key === 'storage' ? 'storage' : key}: ... })`;
    invalid(scope, key, `is no longer a prop of InferenceService: the model server's props are one prop, predictor (Predictor.model(...) or Predictor.containers(...)), so a model format and custom containers cannot both be given`, moved, fix);
  }
  const predictor = props.predictor;
  if (predictor === undefined) {
    invalid(scope, 'predictor', 'is required: it says what serves the model', undefined, "pass predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://bucket/model') }), or predictor: Predictor.containers([{ image: ... }])");
  }
  if (!(predictor instanceof Predictor)) {
    invalid(scope, 'predictor', 'must be a Predictor', typeof predictor === 'object' && predictor !== null ? Object.keys(predictor) : predictor, 'use Predictor.model({ format: ... }) or Predictor.containers([...])');
  }
  const { predictor: _predictor, ...rest } = props;
  if (predictor.kind === 'containers') {
    const options = predictor.containersOptions ?? {};
    assertKnownKeys(scope, 'predictor', options, CONTAINERS_KEYS);
    return { ...rest, containers: predictor.containerList, storage: options.storage };
  }
  const options = predictor.modelOptions ?? ({} as ModelPredictorOptions);
  assertKnownKeys(scope, 'predictor', options, MODEL_KEYS);
  if (options.format === undefined) invalid(scope, 'predictor.format', 'is required: the model format the runtime serves', undefined, 'use Predictor.model({ format: ModelFormat.SKLEARN, ... }), or Predictor.containers([...]) for custom containers');
  const { format, ...model } = options;
  return { ...rest, ...model, modelFormat: format };
}
