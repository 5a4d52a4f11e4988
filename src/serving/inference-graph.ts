import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as kserve from '../../imports/kserve-serving.kserve.io';
import { BackendReference, IBackend } from '../core/backend';
import { invalid } from '../core/errors';
import { assertLabels, assertDnsLabel } from '../core/names';
import { Namespace } from '../core/namespace';
import { NetworkPeer } from '../core/network-peer';
import { Platform } from '../core/platform';
import { checkProps, childPath, isDuration, optionalStringMap } from '../core/prop-types';
import { assertInteger, assertKnownKeys, assertOneOf, INT32_MAX, keysOf } from '../core/props';
import { checkedRecord } from '../core/records';
import { l1Quantities, renderResources, ResourceRequirements } from '../core/resources';
import { InferenceService } from './inference-service';
import { DeploymentMode, ProtocolVersion } from './model-format';

/** Label KServe puts on the router pods of an InferenceGraph (kserve v0.20.0 pkg/constants/constants.go InferenceGraphLabel). */
export const INFERENCE_GRAPH_LABEL = 'serving.kserve.io/inferencegraph';

/** Name of the node that receives the graph's requests (kserve v0.20.0 inference_graph.go GraphRootNodeName). */
const ROOT = 'root';

/**
 * What a {@link GraphStep.options} `input` sends to a step of a Sequence
 * (`steps[].data`).
 */
export enum StepInput {
  /** `$request`: the request the node received. */
  REQUEST = '$request',
  /** `$response`: the response of the previous step (not on the first step, where the router sends the request). */
  RESPONSE = '$response',
}

/** Whether a failed step stops its node (`steps[].dependency`). */
export enum StepDependency {
  /** `Soft`: the node goes on (a Sequence with the step's response, an Ensemble with the step's entry). */
  SOFT = 'Soft',
  /** `Hard`: a non-2xx answer of the step becomes the node's answer. */
  HARD = 'Hard',
}

/** Options of a {@link GraphStep}. Which ones a step may carry depends on its node's router type (see each). */
export interface GraphStepOptions {
  /**
   * `name`: the step's name, unique in its node. In an Ensemble it is the
   * key of the step's response in the merged answer.
   * @default - none (an Ensemble keys the response by the step's index)
   */
  readonly name?: string;
  /**
   * `data` (Sequence only): what the step receives.
   * @default - the request the node received ($request)
   */
  readonly input?: StepInput;
  /**
   * `mapPredictionsToInstances` (Sequence only): turn the `predictions` of
   * the step's input into `instances` (chaining KServe v1 models).
   * @default false
   */
  readonly mapPredictionsToInstances?: boolean;
  /**
   * `weight` (Splitter only, and required there): the percent of the
   * node's requests the step receives, 0-100; the weights of a Splitter sum
   * to 100.
   * @default - none
   */
  readonly weight?: number;
  /**
   * `condition`: a GJSON path (https://github.com/tidwall/gjson/blob/master/SYNTAX.md).
   * In a Switch (required there) the first step whose condition finds
   * something in the request is taken; in a Sequence (not on the first
   * step) the sequence stops, answering the previous response, when the
   * condition finds nothing in it.
   * @default - none
   */
  readonly condition?: string;
  /** `dependency`: whether a failed step stops the node. @default StepDependency.SOFT (KServe's behaviour without the field) */
  readonly dependency?: StepDependency;
}

const STEP_OPTION_KEYS = keysOf<GraphStepOptions>({ name: true, input: true, mapPredictionsToInstances: true, weight: true, condition: true, dependency: true });

/** Where an InferenceGraph step sends its request: a model, another node, or a URL. */
export type StepTarget = { readonly kind: 'model'; readonly model: InferenceService } | { readonly kind: 'node'; readonly node: GraphNode } | { readonly kind: 'url'; readonly url: string };

/**
 * One step of a {@link GraphNode} (`nodes.<name>.steps[]`): an
 * InferenceService, another node of the graph, or an external URL.
 *
 * @see https://kserve.github.io/website/docs/reference/crd-api#inferencestep
 */
export class GraphStep {
  /**
   * Sends to an InferenceService (`serviceName`). KServe resolves it in the
   * graph's namespace, so the model must be in the same namespace (refused
   * otherwise), and it must speak KServe's v1 or v2 HTTP protocol (the
   * router cannot call gRPC).
   */
  public static model(model: InferenceService, options: GraphStepOptions = {}): GraphStep {
    return new GraphStep({ kind: 'model', model }, options);
  }

  /** Sends to another node of the graph (`nodeName`); that node is emitted with the graph. */
  public static node(node: GraphNode, options: GraphStepOptions = {}): GraphStep {
    return new GraphStep({ kind: 'node', node }, options);
  }

  /**
   * Sends to an http(s) URL outside the graph (`serviceUrl`), e.g. a model
   * served elsewhere; the full inference URL, such as
   * `http://model.other.svc.cluster.local/v1/models/model:predict`.
   */
  public static url(url: string, options: GraphStepOptions = {}): GraphStep {
    return new GraphStep({ kind: 'url', url }, options);
  }

  private constructor(
    /** What the step sends to. */
    public readonly target: StepTarget,
    /** The step's options. */
    public readonly options: GraphStepOptions,
  ) {}
}

/** The router type of a node (`routerType`). */
export enum GraphRouterType {
  /** Steps one after the other, each with the request or the previous response. */
  SEQUENCE = 'Sequence',
  /** One step per request, picked at random by weight. */
  SPLITTER = 'Splitter',
  /** Every step in parallel; the answers merged into one object keyed by step name (or index). */
  ENSEMBLE = 'Ensemble',
  /** The first step whose condition matches the request. */
  SWITCH = 'Switch',
}

/** Options of a {@link GraphNode}. */
export interface GraphNodeOptions {
  /**
   * The node's name (its key under `spec.nodes`), by which other nodes'
   * steps reach it. The node given as the graph's `root` is named `root`.
   * @default - required for every node but the root
   */
  readonly name?: string;
}

/**
 * A router node of an {@link InferenceGraph} (`spec.nodes.<name>`).
 *
 * @see https://kserve.github.io/website/docs/model-serving/inferencegraph/overview/
 */
export class GraphNode {
  /** A Sequence: steps called in order. */
  public static sequence(steps: readonly GraphStep[], options: GraphNodeOptions = {}): GraphNode {
    return new GraphNode(GraphRouterType.SEQUENCE, steps, options);
  }

  /** A Splitter: each request goes to one step, by `weight` (percent; they sum to 100). */
  public static splitter(steps: readonly GraphStep[], options: GraphNodeOptions = {}): GraphNode {
    return new GraphNode(GraphRouterType.SPLITTER, steps, options);
  }

  /** An Ensemble: every step gets the request; the answers are merged by step `name` (or index). */
  public static ensemble(steps: readonly GraphStep[], options: GraphNodeOptions = {}): GraphNode {
    return new GraphNode(GraphRouterType.ENSEMBLE, steps, options);
  }

  /** A Switch: the request goes to the first step whose `condition` matches it (none: the graph answers an error). */
  public static switch(steps: readonly GraphStep[], options: GraphNodeOptions = {}): GraphNode {
    return new GraphNode(GraphRouterType.SWITCH, steps, options);
  }

  private constructor(
    /** `routerType`. */
    public readonly routerType: GraphRouterType,
    /** `steps`. */
    public readonly steps: readonly GraphStep[],
    /** The node's options. */
    public readonly options: GraphNodeOptions,
  ) {}
}

/** Props of {@link InferenceGraph}. */
export interface InferenceGraphProps {
  /**
   * `metadata.name`: a DNS-1123 label starting with a letter (KServe's
   * webhook, `[a-z]([-a-z0-9]*[a-z0-9])?`).
   * @default - the construct id
   */
  readonly name?: string;
  /** The node that receives the graph's requests (`spec.nodes.root`); the nodes its steps reach are emitted with it. */
  readonly root: GraphNode;
  /** `serving.kserve.io/deploymentMode` annotation. @default DeploymentMode.STANDARD */
  readonly deploymentMode?: DeploymentMode;
  /** `spec.resources` of the router container. @default - KServe's router defaults (inferenceservice-config `router`) */
  readonly resources?: ResourceRequirements;
  /** `spec.minReplicas`, an int32 >= 0 (0 only in Knative mode). @default 1 */
  readonly minReplicas?: number;
  /** `spec.maxReplicas`, an int32 >= minReplicas. @default - KServe's (no upper bound in Knative mode) */
  readonly maxReplicas?: number;
  /** `spec.timeout`: how long the router waits for a step, whole seconds >= 1. @default - KServe's (60 s) */
  readonly timeout?: Duration;
  /** `spec.nodeSelector` of the router pods. @default - none */
  readonly nodeSelector?: Record<string, string>;
}

const PROPS_KEYS = keysOf<InferenceGraphProps>({ name: true, root: true, deploymentMode: true, resources: true, minReplicas: true, maxReplicas: true, timeout: true, nodeSelector: true });

/**
 * A KServe `InferenceGraph` (serving.kserve.io/v1alpha1): a router that
 * chains, splits, ensembles or switches requests between InferenceServices.
 *
 * Refused at construction, as KServe's webhook would refuse them
 * (kserve v0.20.0 pkg/apis/serving/v1alpha1/inference_graph_validation.go)
 * or as the router would misread them (cmd/router/main.go): a name not
 * starting with a letter; two nodes of one name, or a non-root node
 * without a name; duplicate step names in a node; a Splitter whose steps
 * lack a weight or whose weights do not sum to 100; a Switch step without a
 * condition; options the node's router type ignores (weight outside a
 * Splitter, input outside a Sequence, ...); `$response` or a condition on
 * the first step of a Sequence (there is no previous response); a cycle of
 * nodes (the router would recurse forever); a model in another namespace
 * (KServe resolves `serviceName` in the graph's) or speaking gRPC.
 *
 * In a platform Namespace (default deny) it opens the router pods to the
 * entry pods of each Standard-mode model on 8080, and refuses Knative-mode
 * models (their address is Knative's ingress, not their pods).
 *
 * It is an {@link IBackend}: in Standard mode a route reaches KServe's
 * Service `<name>` on port 80, and opens the router pods' 8080 to the
 * gateway (kserve v0.20.0 raw_ig.go and service_reconciler.go
 * createDefaultSvc: a container without ports is served 80 -> 8080).
 *
 * @see https://kserve.github.io/website/docs/model-serving/inferencegraph/overview/
 */
export class InferenceGraph extends Construct implements IBackend {
  /** `metadata.name`. */
  public readonly graphName: string;
  /** The deployment mode. */
  public readonly deploymentMode: DeploymentMode;
  /** The InferenceServices the graph's steps call. */
  public readonly models: readonly InferenceService[];
  /** The L1 object. */
  public readonly resource: kserve.InferenceGraph;

  public constructor(scope: Construct, id: string, props: InferenceGraphProps) {
    checkProps(childPath(scope, id), props, 'InferenceGraphProps');
    super(scope, id);
    assertKnownKeys(this, '', props, PROPS_KEYS);
    this.graphName = assertDnsLabel(this, 'name', props.name ?? id);
    if (!/^[a-z]/.test(this.graphName)) invalid(this, 'name', "must start with a letter (KServe's InferenceGraph name format [a-z]([-a-z0-9]*[a-z0-9])?)", this.graphName, `use e.g. 'graph-${this.graphName}'`);
    this.deploymentMode = assertOneOf(this, 'deploymentMode', props.deploymentMode ?? DeploymentMode.STANDARD, Object.values(DeploymentMode), 'use DeploymentMode.STANDARD or DeploymentMode.KNATIVE');
    if (!(props.root instanceof GraphNode)) invalid(this, 'root', 'must be a GraphNode', props.root, 'use GraphNode.sequence([...]), splitter, ensemble or switch');
    const minReplicas = props.minReplicas ?? 1;
    assertInteger(this, 'minReplicas', minReplicas, { min: 0, max: INT32_MAX, type: 'int32: InferenceGraph spec.minReplicas', fix: 'use 1 or more' });
    if (minReplicas === 0 && this.deploymentMode !== DeploymentMode.KNATIVE) invalid(this, 'minReplicas', 'can be 0 (scale to zero) only in Knative mode', 0, 'use minReplicas: 1, or deploymentMode: DeploymentMode.KNATIVE');
    if (props.maxReplicas !== undefined) {
      assertInteger(this, 'maxReplicas', props.maxReplicas, { min: Math.max(1, minReplicas), max: INT32_MAX, type: 'int32: InferenceGraph spec.maxReplicas, >= minReplicas', fix: `use maxReplicas: ${Math.max(1, minReplicas)} or more, or leave it out` });
    }
    let timeout: number | undefined;
    if (props.timeout !== undefined) {
      if (!isDuration(props.timeout)) invalid(this, 'timeout', 'must be a Duration', props.timeout, 'use e.g. Duration.seconds(60)');
      const ms = props.timeout.toMilliseconds();
      if (ms < 1000 || ms % 1000 !== 0) invalid(this, 'timeout', 'must be whole seconds, at least 1 (spec.timeout is in seconds)', `${ms}ms`, 'use e.g. Duration.seconds(60)');
      timeout = ms / 1000;
    }
    optionalStringMap(this, 'nodeSelector', props.nodeSelector);
    assertLabels(this, 'nodeSelector', props.nodeSelector);
    const resources = renderResources(this, 'resources', props.resources);

    const ns = Chart.of(this).namespace;
    const nodes = this.collectNodes(props.root);
    const models = new Set<InferenceService>();
    const rendered: Record<string, kserve.InferenceGraphSpecNodes> = {};
    for (const [name, node] of nodes) rendered[name] = this.renderNode(name, node, nodes, ns, models);
    this.models = [...models];

    this.resource = new kserve.InferenceGraph(this, 'Resource', {
      metadata: { name: this.graphName, annotations: { 'serving.kserve.io/deploymentMode': this.deploymentMode } },
      spec: {
        nodes: rendered,
        resources: resources && { requests: l1Quantities<kserve.InferenceGraphSpecResourcesRequests>(resources.requests), limits: l1Quantities<kserve.InferenceGraphSpecResourcesLimits>(resources.limits) },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        timeout,
        nodeSelector: checkedRecord(this, 'nodeSelector', props.nodeSelector),
      },
    });
    this.openNetwork();
  }

  /** Every node reachable from the root, by name (root first, then in the order steps reach them); refuses unnamed, clashing and cyclic nodes. */
  private collectNodes(root: GraphNode): Map<string, GraphNode> {
    const nodes = new Map<string, GraphNode>();
    const nameOf = (node: GraphNode, at: string): string => {
      if (node === root) return ROOT;
      const name = node.options.name;
      if (name === undefined) invalid(this, `${at}.name`, 'is required for a node other than the root (steps reach it by name)', undefined, "pass GraphNode.ensemble([...], { name: 'ensemble' })");
      if (typeof name !== 'string' || !/^[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?$/.test(name)) invalid(this, `${at}.name`, 'must be letters, digits, - and _, starting and ending with a letter or digit', name, "use e.g. 'ensemble-model'");
      if (name === ROOT) invalid(this, `${at}.name`, `is '${ROOT}', the name of the graph's root node`, name, 'name it after what it does, or pass it as the root');
      return name;
    };
    const visit = (node: GraphNode, at: string, path: readonly GraphNode[]): void => {
      if (!(node instanceof GraphNode)) invalid(this, at, 'must be a GraphNode', node, 'use GraphNode.sequence([...]), splitter, ensemble or switch');
      if (path.includes(node)) invalid(this, at, 'closes a cycle of nodes: the router would call them forever', path.map((n) => nameOf(n, at)).concat(nameOf(node, at)).join(' -> '), 'make the graph acyclic');
      const name = nameOf(node, at);
      const known = nodes.get(name);
      if (known !== undefined && known !== node) invalid(this, `${at}.name`, 'is the name of another node of the graph', name, 'give each node its own name');
      if (known === undefined) nodes.set(name, node);
      if (!Array.isArray(node.steps) || node.steps.length === 0) invalid(this, `nodes.${name}.steps`, 'must list at least one step', node.steps, 'pass [GraphStep.model(model), ...]');
      node.steps.forEach((step, i) => {
        if (!(step instanceof GraphStep)) invalid(this, `nodes.${name}.steps[${i}]`, 'must be a GraphStep', step, 'use GraphStep.model(model), GraphStep.node(node) or GraphStep.url(url)');
        if (step.target.kind === 'node') visit(step.target.node, `nodes.${name}.steps[${i}].node`, [...path, node]);
      });
    };
    visit(root, 'root', []);
    return nodes;
  }

  private renderNode(name: string, node: GraphNode, nodes: Map<string, GraphNode>, ns: string | undefined, models: Set<InferenceService>): kserve.InferenceGraphSpecNodes {
    const type = node.routerType;
    const stepNames = new Set<string>();
    let weights = 0;
    const steps = node.steps.map((step, i): kserve.InferenceGraphSpecNodesSteps => {
      const at = `nodes.${name}.steps[${i}]`;
      const o = step.options ?? {};
      assertKnownKeys(this, at, o, STEP_OPTION_KEYS);
      const only = (key: keyof GraphStepOptions, types: readonly GraphRouterType[], why: string) => {
        if (o[key] !== undefined && !types.includes(type)) invalid(this, `${at}.${key}`, `is read by ${types.join(' and ')} nodes only (${why}); this node is a ${type}, whose router ignores it`, o[key], `drop ${key}, or use a ${types.join('/')} node`);
      };
      only('input', [GraphRouterType.SEQUENCE], 'it chooses between the request and the previous response');
      only('mapPredictionsToInstances', [GraphRouterType.SEQUENCE], 'it reshapes the previous response');
      only('weight', [GraphRouterType.SPLITTER], 'it is the share of traffic');
      only('condition', [GraphRouterType.SWITCH, GraphRouterType.SEQUENCE], 'it picks or stops steps');
      if (o.name !== undefined) {
        if (typeof o.name !== 'string' || o.name.length === 0) invalid(this, `${at}.name`, 'must be a non-empty string', o.name, "use e.g. 'sklearn'");
        if (stepNames.has(o.name)) invalid(this, `${at}.name`, `is the name of another step of node '${name}' (KServe's webhook refuses duplicate step names)`, o.name, 'give each step of a node its own name');
        stepNames.add(o.name);
      }
      if (o.input !== undefined) assertOneOf(this, `${at}.input`, o.input, Object.values(StepInput), 'use StepInput.REQUEST or StepInput.RESPONSE');
      if (o.input === StepInput.RESPONSE && i === 0) invalid(this, `${at}.input`, 'is the previous response, but the first step of a Sequence has none (the router sends it the request)', o.input, 'drop input on the first step, or use StepInput.REQUEST');
      if (o.dependency !== undefined) assertOneOf(this, `${at}.dependency`, o.dependency, Object.values(StepDependency), 'use StepDependency.SOFT or StepDependency.HARD');
      if (o.mapPredictionsToInstances !== undefined && typeof o.mapPredictionsToInstances !== 'boolean') invalid(this, `${at}.mapPredictionsToInstances`, 'must be a boolean', o.mapPredictionsToInstances, 'use true or leave it out');
      if (o.condition !== undefined && (typeof o.condition !== 'string' || o.condition.trim().length === 0)) invalid(this, `${at}.condition`, 'must be a non-empty GJSON path', o.condition, "use e.g. 'predictions.#(class==\"dog\")'");
      if (type === GraphRouterType.SWITCH && o.condition === undefined) invalid(this, `${at}.condition`, 'is required in a Switch node (a step without one never matches)', undefined, "pass condition: 'instances.#(userId==1)'");
      if (type === GraphRouterType.SEQUENCE && o.condition !== undefined && i === 0) invalid(this, `${at}.condition`, 'is tested on the previous response, which the first step of a Sequence does not have (the router answers 500)', o.condition, 'move the condition to a later step');
      if (type === GraphRouterType.SPLITTER) {
        if (o.weight === undefined) invalid(this, `${at}.weight`, "is required in a Splitter node (KServe's webhook refuses a step without one)", undefined, 'pass weight: <percent of the traffic>');
        assertInteger(this, `${at}.weight`, o.weight, { min: 0, max: 100, type: 'percent of the traffic', fix: 'use a percent; the weights of the node sum to 100' });
        weights += o.weight;
      }
      const target = this.renderTarget(at, step.target, nodes, ns, models);
      return {
        name: o.name,
        ...target,
        data: o.input,
        mapPredictionsToInstances: o.mapPredictionsToInstances,
        weight: o.weight,
        condition: o.condition,
        dependency: o.dependency as kserve.InferenceGraphSpecNodesStepsDependency | undefined,
      };
    });
    if (type === GraphRouterType.SPLITTER && weights !== 100) {
      invalid(this, `nodes.${name}.steps`, "have weights that do not sum to 100 (KServe's webhook refuses the graph)", node.steps.map((s) => s.options?.weight), 'make the weights of the Splitter sum to 100');
    }
    return { routerType: type as unknown as kserve.InferenceGraphSpecNodesRouterType, steps };
  }

  private renderTarget(at: string, target: StepTarget, nodes: Map<string, GraphNode>, ns: string | undefined, models: Set<InferenceService>): Pick<kserve.InferenceGraphSpecNodesSteps, 'serviceName' | 'nodeName' | 'serviceUrl'> {
    if (target.kind === 'node') {
      const name = [...nodes].find(([, n]) => n === target.node)![0];
      return { nodeName: name };
    }
    if (target.kind === 'url') {
      if (typeof target.url !== 'string' || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(target.url)) invalid(this, `${at}.url`, 'must be an http(s) URL without spaces', target.url, "use e.g. 'http://model.team.svc.cluster.local/v1/models/model:predict'");
      return { serviceUrl: target.url };
    }
    const model = target.model;
    if (!(model instanceof InferenceService)) invalid(this, `${at}.model`, 'must be an InferenceService', model, 'pass the InferenceService construct');
    if (model.serviceNamespace !== ns) {
      invalid(this, `${at}.model`, `is in namespace ${model.serviceNamespace ?? '(none)'}, but KServe looks the step's InferenceService up in the graph's namespace (${ns ?? '(none)'})`, model.node.path, "create the graph in the model's namespace, or call the model with GraphStep.url(...)");
    }
    if (model.protocolVersion !== ProtocolVersion.V1 && model.protocolVersion !== ProtocolVersion.V2) {
      invalid(this, `${at}.model`, `speaks ${model.protocolVersion}; the graph router calls models over KServe's v1 or v2 HTTP protocol only`, model.serviceName, 'serve the model with protocolVersion V1 or V2');
    }
    models.add(model);
    return { serviceName: model.serviceName };
  }

  /**
   * The Service KServe creates for the router (Standard mode): `<name>`,
   * port 80, pods on 8080.
   *
   * @throws ModelServingError in Knative mode, whose Service is an alias a Gateway API route cannot target
   */
  public get backendRef(): BackendReference {
    if (this.deploymentMode === DeploymentMode.KNATIVE) {
      invalid(this, 'deploymentMode', 'is Knative, whose Services are ExternalName aliases a Gateway API route cannot target', this.deploymentMode, 'use DeploymentMode.STANDARD for a graph behind a Gateway');
    }
    return {
      name: this.graphName,
      port: 80,
      namespace: Chart.of(this).namespace,
      owner: this,
      pods: { selector: { [INFERENCE_GRAPH_LABEL]: this.graphName }, port: 8080 },
      protocol: 'HTTP',
    };
  }

  /** In a default-deny Namespace: the router pods may call each model's entry pods on 8080, and those pods accept them. */
  private openNetwork(): void {
    let ns: Namespace | undefined;
    for (let s: Construct | undefined = this; s && !ns; s = s.node.scope as Construct | undefined) if (Namespace.isNamespace(s)) ns = s;
    if (!ns) return;
    const namespace = ns;
    const router = { [INFERENCE_GRAPH_LABEL]: this.graphName };
    for (const model of this.models) {
      if (model.deploymentMode === DeploymentMode.KNATIVE) {
        invalid(this, 'root', `calls ${model.serviceName}, a Knative-mode model, whose address is Knative's ingress: the namespace's default deny would block the router, and the library cannot open that path`, model.node.path, 'serve the model in DeploymentMode.STANDARD');
      }
      // The router calls the model's address: its entry Service (transformer, else predictor), whose pods serve on `pods.port`.
      const entry = model.backendRef.pods!;
      namespace.allowEgress(`graph-${this.graphName}-to-${model.serviceName}`, { pods: router, peers: [NetworkPeer.pods(namespace.name, entry.selector)], ports: [{ port: entry.port }] });
      namespace.allowIngress(`${model.serviceName}-from-graph-${this.graphName}`, { pods: entry.selector, peers: [NetworkPeer.pods(namespace.name, router)], ports: [{ port: entry.port }] });
    }
    Platform.of(this).addSetupNote('KServe InferenceGraph router under restricted Pod Security', () =>
      namespace.label('pod-security.kubernetes.io/enforce') === 'restricted'
        ? "The InferenceGraph router pod's securityContext comes from KServe (kserve v0.20.0 pkg/controller/v1alpha1/inferencegraph/raw_ig.go), which sets no `seccompProfile`: under `pod-security.kubernetes.io/enforce: restricted` the router pods are refused unless a mutating policy (or a newer KServe) adds `seccompProfile.type: RuntimeDefault`."
        : undefined,
    );
  }
}
