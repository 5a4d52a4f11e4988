import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { IConstruct } from 'constructs';
import { IBackend } from '../core/backend';
import { invalid } from '../core/errors';
import { assertDnsLabel, assertLabels } from '../core/names';
import { assertPort } from '../core/port';
import { hasProperty } from '../core/prop-types';
import { checkedRecord } from '../core/records';
import { sortRecord } from '../core/sort-keys';

/**
 * The model-server pods an {@link InferencePool} pools: their namespace,
 * the labels that select them (what becomes `spec.selector.matchLabels`)
 * and the ports they serve inference on.
 */
export interface ModelServerPods {
  /** Namespace of the pods (an InferencePool selects pods of its own namespace only). */
  readonly namespace: string;
  /** Labels every model-server pod carries, and only they (at least one). */
  readonly selector: Readonly<Record<string, string>>;
  /** Container ports serving inference, first the main one (1 to 8, distinct). */
  readonly ports: readonly number[];
  /** The construct that owns the pods, when it is ours. @default - unknown */
  readonly owner?: IConstruct;
}

/**
 * Something whose pods serve a model and can be pooled: an InferenceService
 * predictor, a Deployment of vLLM, or any construct of your own that knows
 * its pod labels and serving ports. Obtain one with {@link ModelServers}.
 */
export interface IModelServers {
  /** The pods and their serving ports. */
  readonly modelServerPods: ModelServerPods;
}

/** Ways to name the model servers of an {@link InferencePool} by the object that runs them, never by labels typed by hand. */
export class ModelServers {
  /**
   * The pods behind a route backend whose pods are known: an
   * `InferenceService` (its predictor pods `serving.kserve.io/inferenceservice: <name>`,
   * `component: predictor` on its container port), or any backend that
   * declares `backendRef.pods`; an `LlmInferenceService` (KServe's pool
   * selector of its vLLM pods on port 8000, whatever its router), or any
   * object that knows its `modelServerPods`.
   *
   * @throws ModelServingError for a backend whose pods are not known (a
   *   Service by name, an imported object) or whose namespace is not known
   */
  public static of(backend: IBackend | IModelServers): IModelServers {
    if (hasProperty(backend, 'modelServerPods')) {
      const pods = (backend as IModelServers).modelServerPods;
      return { modelServerPods: checkPods('ModelServers.of', { ...pods, selector: sortRecord(pods.selector), ports: [...pods.ports] }) };
    }
    if (!hasProperty(backend, 'backendRef')) invalid('ModelServers.of', 'backend', 'must be a route backend (an InferenceService, or an object with backendRef)', backend, 'pass the InferenceService that serves the model');
    const ref = (backend as IBackend).backendRef;
    if (!ref.pods) {
      invalid('ModelServers.of', 'backend', 'does not declare the pods behind it (a Service by name has no known pods), so the pool could not select them', ref.name, 'pass the InferenceService itself, or use ModelServers.fromDeployment(deployment)');
    }
    // KServe labels its component pods `component: predictor|transformer|explainer`: an InferenceService with a
    // transformer routes to the transformer, whose pods serve no model (and no model-server metrics to score).
    if (ref.pods.selector.component === 'transformer') {
      invalid('ModelServers.of', 'backend', 'routes to its transformer pods, which run no model server for the picker to score', ref.name, 'pool an InferenceService without a transformer (do the pre-processing in the model server or the gateway)');
    }
    const namespace = ref.namespace ?? (ref.owner ? Chart.of(ref.owner).namespace : undefined);
    if (namespace === undefined) invalid('ModelServers.of', 'backend', 'has no known namespace', ref.name, 'create the model inside a Namespace chart');
    return { modelServerPods: checkPods('ModelServers.of', { namespace, selector: sortRecord(ref.pods.selector), ports: [ref.pods.port], owner: ref.owner }) };
  }

  /**
   * The pods of a Deployment (`apps/v1`) defined in this app: its pod
   * template labels and the container ports it declares.
   *
   * @param options `ports`: the serving ports among the declared ones, first the main one @default - every declared container port, in order
   * @throws ModelServingError for a Deployment outside a Namespace chart,
   *   without template labels or container ports, or a port it does not declare
   */
  public static fromDeployment(deployment: k8s.KubeDeployment, options: { readonly ports?: readonly number[] } = {}): IModelServers {
    const where = `ModelServers.fromDeployment(${deployment?.node?.path ?? '?'})`;
    if (!(deployment instanceof k8s.KubeDeployment)) invalid(where, 'deployment', 'must be a k8s.KubeDeployment', deployment, 'pass the Deployment that runs the model server');
    const json = deployment.toJson() as { metadata?: { namespace?: string }; spec?: { template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: Array<{ ports?: Array<{ containerPort: number }> }> } } } };
    const namespace = json.metadata?.namespace ?? Chart.of(deployment).namespace;
    if (namespace === undefined) invalid(where, 'namespace', 'is not known', undefined, 'create the Deployment inside a Namespace chart');
    const labels = json.spec?.template?.metadata?.labels ?? {};
    const declared = (json.spec?.template?.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
    const ports = options.ports ? [...options.ports] : declared;
    ports.forEach((p, i) => {
      if (!declared.includes(p)) invalid(where, `ports[${i}]`, `is not a container port of the Deployment (it declares ${declared.length > 0 ? declared.join(', ') : 'none'})`, p, 'declare the port on the model-server container, or pass one it declares');
    });
    return { modelServerPods: checkPods(where, { namespace, selector: sortRecord(labels), ports, owner: deployment }) };
  }

  /**
   * Pods described directly, for model servers this app does not define
   * (a Deployment of another tool): prefer {@link of} or {@link fromDeployment}.
   *
   * @throws ModelServingError for an empty selector, a bad namespace or ports
   */
  public static pods(pods: ModelServerPods): IModelServers {
    return { modelServerPods: checkPods('ModelServers.pods', { ...pods, selector: sortRecord(pods.selector ?? {}), ports: [...(pods.ports ?? [])] }) };
  }

  private constructor() {}
}

/** Checks pods the way InferencePool `spec.selector` and `spec.targetPorts` need them. */
function checkPods(where: string, pods: ModelServerPods): ModelServerPods {
  assertDnsLabel(where, 'namespace', pods.namespace);
  const selector = checkedRecord(where, 'selector', pods.selector) ?? {};
  if (Object.keys(selector).length === 0) invalid(where, 'selector', 'must have at least one label (the InferencePool CRD requires 1 to 64 matchLabels; an empty selector would pool every pod)', selector, 'label the model-server pods, e.g. app: my-model');
  if (Object.keys(selector).length > 64) invalid(where, 'selector', 'can hold at most 64 labels (InferencePool spec.selector.matchLabels maxProperties)', Object.keys(selector).length, 'select the pods with fewer labels');
  assertLabels(where, 'selector', selector);
  if (pods.ports.length === 0) invalid(where, 'ports', 'must list at least one serving port', pods.ports, 'declare the port the model server listens on');
  pods.ports.forEach((p, i) => assertPort(where, `ports[${i}]`, p, 'use the port the model server listens on, e.g. 8000'));
  return { ...pods, selector };
}
