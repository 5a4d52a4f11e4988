import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kserve from '../../imports/kserve-serving.kserve.io';
import { invalid } from '../core/errors';
import { assertDnsLabel, policyId } from '../core/names';
import { Namespace } from '../core/namespace';
import { NetworkPeer } from '../core/network-peer';
import { checkProps, childPath, hasProperty, requireShape, requireWith } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import { assertQuantity, parseQuantity } from '../core/quantity';
import { InferenceService, ISVC_LABEL } from './inference-service';
import { ModelFormat } from './model-format';
import { Storage } from './storage';

/**
 * The URI schemes KServe's model agent downloads TrainedModels from
 * (kserve v0.20.0 pkg/agent/storage/provider.go SupportedProtocols, checked
 * by the TrainedModel webhook, pkg/apis/serving/v1alpha1/trainedmodel_webhook.go).
 */
const AGENT_SCHEMES = ['s3://', 'gs://', 'https://', 'http://'] as const;

/** Props of {@link TrainedModel}. */
export interface TrainedModelProps {
  /**
   * `metadata.name`: a DNS-1123 label (KServe's webhook also allows `_` and
   * upper case, which Kubernetes names do not). The model is served under
   * this name by its InferenceService's server.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * `spec.inferenceService`: the multi-model InferenceService that loads
   * the model (KServe looks it up in the TrainedModel's namespace).
   */
  readonly inferenceService: InferenceService;
  /** `spec.model.storageUri`: where the model is; an `s3://`, `gs://`, `https://` or `http://` URI, without credentials of its own. */
  readonly storage: Storage;
  /** `spec.model.framework`: the model's framework, e.g. `ModelFormat.SKLEARN` (`sklearn`) or `ModelFormat.PYTORCH` on Triton. */
  readonly framework: ModelFormat;
  /**
   * `spec.model.memory`: the most memory the model takes, a quantity of
   * bytes (e.g. `'256Mi'`). KServe loads the model only while the sum over
   * the InferenceService's TrainedModels fits its memory limit; immutable
   * after creation.
   */
  readonly memory: string;
}

const PROPS_KEYS = keysOf<TrainedModelProps>({ name: true, inferenceService: true, storage: true, framework: true, memory: true });

/** The TrainedModels created so far, by InferenceService, for the memory check. */
const BY_SERVICE = new WeakMap<InferenceService, TrainedModel[]>();

/**
 * A KServe `TrainedModel` (serving.kserve.io/v1alpha1): one more model
 * loaded into a multi-model InferenceService by KServe's model agent.
 *
 * Refused at construction: an InferenceService that is not a multi-model
 * server (it has storage of its own, or is a huggingface model: KServe
 * marks the TrainedModel `IsNotMMSPredictor` and never loads it), one in
 * another namespace, a storage scheme the model agent cannot download
 * (KServe's webhook refuses it) or one carrying credentials (the agent uses
 * the InferenceService's), a malformed memory quantity, and memory the
 * InferenceService cannot hold: without a memory limit, or once the
 * TrainedModels of one InferenceService add up to more than its limit
 * (KServe marks them `MemoryResourceNotAvailable`; kserve v0.20.0
 * pkg/controller/v1alpha1/trainedmodel/controller.go, IsMemoryResourceAvailable).
 *
 * In a platform Namespace it opens the model download (443, or 80 for http://) from the
 * InferenceService's pods, as a model with storage does.
 *
 * @see https://kserve.github.io/website/docs/reference/crd-api#trainedmodel
 */
export class TrainedModel extends Construct {
  /** `metadata.name`. */
  public readonly modelName: string;
  /** The multi-model InferenceService that loads it. */
  public readonly inferenceService: InferenceService;
  /** `spec.model.memory`. */
  public readonly memory: string;
  /** The L1 object. */
  public readonly resource: kserve.TrainedModel;

  public constructor(scope: Construct, id: string, props: TrainedModelProps) {
    checkProps(childPath(scope, id), props, 'TrainedModelProps');
    super(scope, id);
    assertKnownKeys(this, '', props, PROPS_KEYS);
    this.modelName = assertDnsLabel(this, 'name', props.name ?? id);
    const isvc = requireShape(this, 'inferenceService', props.inferenceService, (v): v is InferenceService => v instanceof InferenceService, 'an InferenceService', 'pass the multi-model InferenceService construct');
    this.inferenceService = isvc;
    const framework = requireShape(this, 'framework', props.framework, (v): v is ModelFormat => hasProperty(v, 'name') && typeof (v as ModelFormat).name === 'string', 'a ModelFormat', "use e.g. ModelFormat.SKLEARN or ModelFormat.custom('my-framework')");
    requireWith<Storage>(this, 'storage', props.storage, 'bind', 'a Storage', "pass storage: Storage.gcs('gs://bucket/model')");
    this.memory = assertQuantity(this, 'memory', props.memory);
    const bytes = parseQuantity(this.memory)!;
    if (bytes <= 0) invalid(this, 'memory', 'must be more than zero', props.memory, "use the model's memory, e.g. '256Mi'");

    const ns = Chart.of(this).namespace;
    if (isvc.serviceNamespace !== ns) {
      invalid(this, 'inferenceService', `is in namespace ${isvc.serviceNamespace ?? '(none)'}, but KServe looks it up in the TrainedModel's namespace (${ns ?? '(none)'})`, isvc.node.path, "create the TrainedModel in its InferenceService's namespace");
    }
    if (!isvc.isMultiModelServer) {
      invalid(
        this,
        'inferenceService',
        'is not a multi-model server (it has storage of its own, is a huggingface model, or its custom container does not set MULTI_MODEL_SERVER=true), so KServe never loads the TrainedModel',
        isvc.node.path,
        'give the InferenceService no storage (its TrainedModels bring the models), or set MULTI_MODEL_SERVER=true on its custom container',
      );
    }

    const binding = props.storage.bind(this, 'storage');
    const uri = binding.storageUri;
    if (uri === undefined || !AGENT_SCHEMES.some((s) => uri.startsWith(s))) {
      invalid(this, 'storage', `must be a URI KServe's model agent downloads (${AGENT_SCHEMES.join(', ')})`, props.storage.location, "use Storage.s3(...), Storage.gcs(...) or Storage.uri('https://...')");
    }
    if (binding.env || binding.serviceAccount || binding.podAnnotations) {
      invalid(this, 'storage', "carries credentials of its own, which a TrainedModel cannot pass: KServe's model agent downloads with the InferenceService's", props.storage.location, "give the credentials to the InferenceService (its serviceAccount), and the TrainedModel the plain location");
    }

    const limit = isvc.memoryLimit;
    if (limit === undefined) {
      invalid(this, 'inferenceService', "has no memory limit, so KServe finds no memory for any TrainedModel and never loads it", isvc.node.path, "set resources.limits.memory on the InferenceService, at least the sum of its TrainedModels' memory");
    }
    const siblings = [...(BY_SERVICE.get(isvc) ?? []), this];
    const total = siblings.reduce((sum, m) => sum + parseQuantity(m.memory)!, 0);
    const limitBytes = parseQuantity(limit);
    if (limitBytes !== undefined && total > limitBytes) {
      invalid(
        this,
        'memory',
        `brings the TrainedModels of ${isvc.serviceName} to more memory than its limit (${limit}), so KServe leaves this one unloaded`,
        siblings.map((m) => `${m.modelName}: ${m.memory}`).join(', '),
        `raise the InferenceService's resources.limits.memory, or place the model on another multi-model InferenceService`,
      );
    }
    BY_SERVICE.set(isvc, siblings);

    this.resource = new kserve.TrainedModel(this, 'Resource', {
      metadata: { name: this.modelName },
      spec: {
        inferenceService: isvc.serviceName,
        model: { storageUri: uri, framework: framework.name, memory: kserve.TrainedModelSpecModelMemory.fromString(this.memory) },
      },
    });

    // The model agent in the InferenceService's pods downloads the model: the same egress a model with storage gets
    // (443; 80 for an http:// URI, under an id of its own).
    const plain = uri.startsWith('http://');
    namespaceChart(this)?.allowEgress(policyId(`${isvc.serviceName}-model-download${plain ? '-http' : ''}`, 57), { pods: { [ISVC_LABEL]: isvc.serviceName }, peers: [NetworkPeer.anywhere()], ports: [{ port: plain ? 80 : 443 }] });
  }
}

function namespaceChart(c: IConstruct): Namespace | undefined {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) if (Namespace.isNamespace(s)) return s;
  return undefined;
}

