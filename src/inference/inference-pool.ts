import { Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as inf from '../../imports/inference-inference.networking.k8s.io';
import { BackendReference, IBackend } from '../core/backend';
import { errorMessage, invalid } from '../core/errors';
import { Namespace } from '../core/namespace';
import { assertDnsLabel, checkedAnnotations, policyId } from '../core/names';
import { NetworkPeer } from '../core/network-peer';
import { IPolicyTarget, PolicyTargetRef } from '../core/policy-target';
import { assertPort } from '../core/port';
import { assertOneOf } from '../core/props';
import { checkProps, childPath, hasProperty, requireShape } from '../core/prop-types';
import { checkedRecord } from '../core/records';
import type { IGateway } from '../gateway/gateway';
import { findPlatformNamespace } from '../routing/route-wiring';
import { IModelServers, ModelServerPods } from './model-servers';

/** The API group of InferencePool. */
export const INFERENCE_POOL_GROUP = 'inference.networking.k8s.io';

/**
 * What the gateway does when the endpoint picker does not answer
 * (`spec.endpointPickerRef.failureMode`).
 *
 * @see https://github.com/kubernetes-sigs/gateway-api-inference-extension/blob/v1.6.0/api/v1/inferencepool_types.go (EndpointPickerFailureMode)
 */
export enum FailureMode {
  /** Route to a pool endpoint the gateway chooses itself (its own load balancing) while the picker is down. */
  FAIL_OPEN = 'FailOpen',
  /** Answer an error while the picker is down (the CRD default). */
  FAIL_CLOSE = 'FailClose',
}

/** `spec.appProtocol`: the protocol of every target port. */
export enum InferencePoolAppProtocol {
  /** HTTP/1.1 (the CRD default). */
  HTTP = 'http',
  /** HTTP/2 over cleartext (vLLM's gRPC server, SGLang h2c). */
  H2C = 'kubernetes.io/h2c',
}

/**
 * The Service of an endpoint picker (`spec.endpointPickerRef`), and what
 * the pool needs to know of its pods to open the network to it.
 */
export interface IEndpointPickerService {
  /** Service name. */
  readonly endpointPickerServiceName: string;
  /** Its ext-proc (gRPC) port. */
  readonly endpointPickerPort: number;
  /** Labels of the picker pods, when known (to open the gateway -> picker flow). @default - unknown: the flow is not opened */
  readonly endpointPickerPods?: Readonly<Record<string, string>>;
  /**
   * Called once per gateway whose routes send traffic to the pool (opens
   * the picker to it, adds what that gateway needs). @default - nothing
   */
  attachGateway?(gateway: IGateway, pool: InferencePool): void;
}

/** Endpoint pickers this app does not define. */
export class EndpointPickerRef {
  /**
   * A picker Service by name (deployed by another tool, in the pool's namespace).
   *
   * @param port its ext-proc port @default 9002
   */
  public static service(name: string, port = 9002): IEndpointPickerService {
    assertDnsLabel('EndpointPickerRef.service', 'name', name);
    assertPort('EndpointPickerRef.service', 'port', port, 'use the ext-proc port, 9002 by default');
    return { endpointPickerServiceName: name, endpointPickerPort: port };
  }

  private constructor() {}
}

/** Props of {@link InferencePool}. */
export interface InferencePoolProps {
  /** `metadata.name`, a DNS-1123 label (the picker gets it as `--pool-name`). @default - the construct id */
  readonly name?: string;
  /**
   * The model servers pooled: `spec.selector.matchLabels` are their pod
   * labels, taken from the object (`ModelServers.of(inferenceService)`,
   * `ModelServers.fromDeployment(deployment)`), never typed by hand. They
   * must run in the pool's namespace.
   */
  readonly modelServers: IModelServers;
  /**
   * `spec.targetPorts`: the ports of the pods that serve inference (1 to 8,
   * distinct; several for data-parallel ranks), each one the pods serve.
   * @default - every serving port of the model servers
   */
  readonly targetPorts?: readonly number[];
  /** `spec.appProtocol`. @default InferencePoolAppProtocol.HTTP */
  readonly appProtocol?: InferencePoolAppProtocol;
  /**
   * `spec.endpointPickerRef.failureMode`, always written out.
   *
   * The default is `FailOpen`, as every upstream chart sets it (llm-d-router
   * v0.10.0 `routerlib/templates/_inferencepool.yaml`), not the CRD's
   * `FailClose`: the picker only chooses a replica; authentication and
   * limits run in the gateway before it, so failing open costs scheduling
   * quality (no prefix-cache or queue-aware choice, no priority shedding)
   * but no protection, while `FailClose` turns every picker outage, and
   * every picker rollout (its Deployment uses `Recreate`, so there is a
   * gap), into errors for all requests to the pool. Choose `FailClose` when
   * requests must never bypass the picker's flow control.
   *
   * @default FailureMode.FAIL_OPEN
   */
  readonly failureMode?: FailureMode;
  /**
   * The picker's Service, for a picker this app does not define
   * (`EndpointPickerRef.service(name)`). Leave it out and create an
   * {@link EndpointPicker} with `pool: this pool` instead.
   * @default - the EndpointPicker that binds this pool
   */
  readonly endpointPicker?: IEndpointPickerService;
  /** `metadata.labels`. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}

/** Gateway implementations the pool refuses, and why (cited). */
const REFUSED_PROVIDERS: Readonly<Record<string, { readonly problem: string; readonly fix: string }>> = {
  // kgateway deprecated its Envoy-based inference extension (and picker auto-provisioning) in v2.1
  // (kgateway-dev/kgateway PR #12437), removed the picker deployer (PR #12689, see issue #12218) and
  // removed Envoy data-plane support in v2.2 (issues #12442, #12619; GAIE docs PR #1771): InferencePool
  // routing moved to the agentgateway data plane and project.
  kgateway: {
    problem:
      'is a kgateway (Envoy) Gateway, which no longer routes to InferencePools: kgateway deprecated its Envoy-based inference extension in v2.1 and removed it in v2.2 (kgateway-dev/kgateway#12437, #12619; its picker deployer was removed in #12689), so the route would be accepted and never reach a model',
    fix: 'serve the pool through Istio, Envoy Gateway with Envoy AI Gateway, or agentgateway (GatewayProvider.ISTIO, GatewayProvider.ENVOY_GATEWAY or GatewayProvider.AGENTGATEWAY)',
  },
};

/**
 * Refuses a Gateway that cannot route to an InferencePool with the given
 * failure mode: kgateway (Envoy), which no longer routes to pools; Envoy
 * Gateway while failing open, since Envoy AI Gateway's ext_proc filter
 * always fails closed. Used by InferencePool routes and by
 * LLMInferenceServices whose KServe-managed route targets KServe's pool.
 *
 * @param where what to say where the failure mode is set, e.g. `on this pool`
 * @throws ModelServingError for such a Gateway
 */
export function assertPoolGateway(scope: IConstruct, field: string, gateway: IGateway, failureMode: FailureMode, where: string): void {
  const refused = gateway.provider ? REFUSED_PROVIDERS[gateway.provider.id] : undefined;
  if (refused) invalid(scope, `gateway ${gateway.gatewayName}`, refused.problem, gateway.provider?.id, refused.fix);
  if (gateway.provider?.id === 'envoy-gateway' && failureMode === FailureMode.FAIL_OPEN) {
    // Envoy AI Gateway's extension server builds the pool's ext_proc filter with FailureModeAllow: false whatever the
    // pool says (envoyproxy/ai-gateway v1.1.0 internal/extensionserver/inferencepool.go): a picker outage fails requests.
    invalid(
      scope,
      field,
      `is FailOpen, but Gateway ${gateway.gatewayName} is Envoy Gateway, whose InferencePool support (Envoy AI Gateway v1.1) always fails closed (its ext_proc filter ignores failureMode), so the pool would promise what the gateway does not do`,
      failureMode,
      `set failureMode: FailureMode.FAIL_CLOSE ${where} to state what happens when the picker is down (and run the picker with replicas >= 2), or serve it through Istio or agentgateway`,
    );
  }
}

/**
 * A Gateway API Inference Extension `InferencePool`
 * (`inference.networking.k8s.io/v1`): the model-server pods a route sends
 * inference to, and the endpoint picker (EPP) the gateway asks, per
 * request, which of them should serve it (by queue depth, KV-cache use,
 * prefix-cache hits, LoRA adapters).
 *
 * It is a route backend: `backends: [pool]` in an `HttpRoute` renders
 * `group: inference.networking.k8s.io, kind: InferencePool` (no port: the
 * pool's `targetPorts` apply). For each Gateway whose routes use it, it
 * opens the gateway to the model pods on every target port and to the
 * picker, refuses gateways that cannot route to a pool (kgateway), and adds
 * what the gateway needs (Istio: a DestinationRule for the picker's TLS;
 * Envoy Gateway: a setup note for Envoy AI Gateway's extension manager).
 * agentgateway policies (`AgentgatewayPolicy`) may target the pool directly
 * (`targetRefs: [{ group: inference.networking.k8s.io, kind: InferencePool, name }]`).
 *
 * @throws ModelServingError for model servers in another namespace, target
 *   ports the pods do not serve, more than 8 or repeated ports, a bad name,
 *   failure mode or protocol; when a route attaches it to a kgateway
 *   Gateway, or to Envoy Gateway while failing open; at synth, for a pool
 *   without endpoint picker
 * @see https://gateway-api-inference-extension.sigs.k8s.io/api-types/inferencepool/
 */
export class InferencePool extends Construct implements IBackend, IPolicyTarget {
  /** True when `x` is an InferencePool. */
  public static isInferencePool(x: unknown): x is InferencePool {
    return typeof x === 'object' && x !== null && POOL_SYMBOL in x;
  }

  /** `metadata.name`. */
  public readonly poolName: string;
  /** `metadata.namespace`. */
  public readonly poolNamespace: string;
  /** The pooled pods. */
  public readonly modelServerPods: ModelServerPods;
  /** `spec.targetPorts`. */
  public readonly targetPorts: readonly number[];
  /** `spec.appProtocol`. */
  public readonly appProtocol: InferencePoolAppProtocol;
  /** `spec.endpointPickerRef.failureMode`. */
  public readonly failureMode: FailureMode;
  /** The L1 object. */
  public readonly resource: inf.InferencePool;
  private picker?: IEndpointPickerService;
  private readonly gateways = new Map<string, IGateway>();

  /** The pool as a policy target (`inference.networking.k8s.io` `InferencePool`), for providers whose policies attach to pools. */
  public get policyTargetRef(): PolicyTargetRef {
    return { group: inf.InferencePool.GVK.apiVersion.split('/')[0], kind: 'InferencePool', name: this.poolName, namespace: this.poolNamespace };
  }

  public constructor(scope: Construct, id: string, props: InferencePoolProps) {
    checkProps(childPath(scope, id), props, 'InferencePoolProps');
    super(scope, id);
    Object.defineProperty(this, POOL_SYMBOL, { value: true });
    this.poolName = assertDnsLabel(this, 'name', props.name ?? id);
    const ns = Chart.of(this).namespace;
    if (ns === undefined) invalid(this, 'scope', 'must be inside a Namespace', this.node.path, 'create the pool in the Namespace of its model servers');
    this.poolNamespace = ns;
    requireShape(this, 'modelServers', props.modelServers, (v): v is IModelServers => hasProperty(v, 'modelServerPods'), 'model servers', 'pass ModelServers.of(inferenceService) or ModelServers.fromDeployment(deployment)');
    this.modelServerPods = props.modelServers.modelServerPods;
    if (this.modelServerPods.namespace !== ns) {
      invalid(this, 'modelServers', `run in namespace ${this.modelServerPods.namespace}, but an InferencePool selects pods of its own namespace (${ns}) only`, this.modelServerPods.namespace, `create the pool in the Namespace chart ${this.modelServerPods.namespace}`);
    }
    const ports = props.targetPorts ? [...props.targetPorts] : [...this.modelServerPods.ports];
    // CRD: targetPorts minItems 1, maxItems 8, "port number must be unique".
    if (ports.length === 0 || ports.length > 8) invalid(this, 'targetPorts', 'must list 1 to 8 ports (InferencePool CRD)', ports, 'list the serving ports of the model servers');
    ports.forEach((p, i) => {
      assertPort(this, `targetPorts[${i}]`, p, 'use a serving port of the model servers');
      if (ports.indexOf(p) !== i) invalid(this, `targetPorts[${i}]`, 'repeats a port (the CRD requires unique port numbers)', p, 'list each port once');
      if (!this.modelServerPods.ports.includes(p)) invalid(this, `targetPorts[${i}]`, `is not a port the model servers serve (${this.modelServerPods.ports.join(', ')})`, p, 'use one of their serving ports, or declare the port on the model server');
    });
    this.targetPorts = ports;
    this.appProtocol = assertOneOf(this, 'appProtocol', props.appProtocol ?? InferencePoolAppProtocol.HTTP, Object.values(InferencePoolAppProtocol), 'use InferencePoolAppProtocol.HTTP or InferencePoolAppProtocol.H2C');
    this.failureMode = assertOneOf(this, 'failureMode', props.failureMode ?? FailureMode.FAIL_OPEN, Object.values(FailureMode), 'use FailureMode.FAIL_OPEN or FailureMode.FAIL_CLOSE');
    if (props.endpointPicker !== undefined) {
      requireShape(this, 'endpointPicker', props.endpointPicker, (v): v is IEndpointPickerService => hasProperty(v, 'endpointPickerServiceName'), 'an endpoint picker', "pass EndpointPickerRef.service('my-epp'), or leave it out and create an EndpointPicker with pool: this pool");
      this.picker = props.endpointPicker;
    }
    this.resource = new inf.InferencePool(this, 'Resource', {
      metadata: { name: this.poolName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedAnnotations(this, props.annotations) },
      spec: Lazy.any({ produce: () => this.renderSpec() }) as unknown as inf.InferencePoolSpec,
    });
    this.node.addValidation({
      validate: () => (this.picker ? [] : [errorMessage(this, 'spec.endpointPickerRef', 'names no endpoint picker, so the gateway has no one to ask which replica serves a request', undefined, "create new EndpointPicker(namespace, 'my-epp', { pool }) or pass endpointPicker: EndpointPickerRef.service('my-epp')")]),
    });
  }

  /** The picker the pool refers to, once bound. */
  public get endpointPicker(): IEndpointPickerService | undefined {
    return this.picker;
  }

  /**
   * Makes `picker` the pool's endpoint picker. {@link EndpointPicker} calls it.
   *
   * @throws ModelServingError when the pool already has a picker (one pool, one picker)
   */
  public bindEndpointPicker(picker: IEndpointPickerService): void {
    if (this.picker && this.picker !== picker) {
      invalid(this, 'endpointPicker', `already refers to the endpoint picker ${this.picker.endpointPickerServiceName} (a pool has one picker)`, picker.endpointPickerServiceName, 'create one EndpointPicker per pool');
    }
    this.picker = picker;
    for (const g of this.gateways.values()) picker.attachGateway?.(g, this);
  }

  /** The route backend: the pool itself (`group: inference.networking.k8s.io`, `kind: InferencePool`, no port). */
  public get backendRef(): BackendReference {
    return {
      group: INFERENCE_POOL_GROUP,
      kind: 'InferencePool',
      name: this.poolName,
      namespace: this.poolNamespace,
      owner: this,
      onRoute: (_route, routeKind, gateway) => this.attachGateway(routeKind, gateway),
    };
  }

  /** The gateways whose routes send traffic to this pool, so far. */
  public get attachedGateways(): readonly IGateway[] {
    return [...this.gateways.values()];
  }

  /**
   * What a gateway needs to route to the pool; called by routes, once per
   * gateway (idempotent).
   *
   * @throws ModelServingError for a GRPCRoute (the pool is an HTTPRoute
   *   backend), or a gateway implementation that cannot route to a pool
   */
  private attachGateway(routeKind: 'HTTPRoute' | 'GRPCRoute', gateway: IGateway): void {
    if (routeKind !== 'HTTPRoute') {
      invalid(this, 'backendRef', 'is an InferencePool, which Gateway API Inference Extension supports as an HTTPRoute backend only', routeKind, 'route to the pool with an HttpRoute');
    }
    assertPoolGateway(this, 'failureMode', gateway, this.failureMode, 'on this pool');
    const key = `${gateway.gatewayNamespace ?? ''}/${gateway.gatewayName}`;
    if (this.gateways.has(key)) return;
    this.gateways.set(key, gateway);
    this.openGateway(gateway);
    this.picker?.attachGateway?.(gateway, this);
  }

  /** Gateway proxies -> model pods on every target port (both ends, when they are namespaces of the platform). */
  private openGateway(gateway: IGateway): void {
    const dp = gateway.dataPlane;
    if (!dp) return;
    const ports = this.targetPorts.map((port) => ({ port }));
    const own = Namespace.isNamespace(Chart.of(this)) ? (Chart.of(this) as Namespace) : undefined;
    own?.allowIngress(policyId(`${gateway.gatewayName}-to-pool-${this.poolName}`), { pods: { ...this.modelServerPods.selector }, peers: [NetworkPeer.pods(dp.namespace, dp.selector)], ports });
    const gwNs = findPlatformNamespace(this, dp.namespace);
    gwNs?.allowEgress(policyId(`${gateway.gatewayName}-to-${this.poolNamespace}-pool-${this.poolName}`), { pods: dp.selector, peers: [NetworkPeer.pods(this.poolNamespace, { ...this.modelServerPods.selector })], ports });
  }

  private renderSpec(): inf.InferencePoolSpec {
    return {
      selector: { matchLabels: { ...this.modelServerPods.selector } },
      targetPorts: this.targetPorts.map((number) => ({ number })),
      appProtocol: this.appProtocol as unknown as inf.InferencePoolSpecAppProtocol,
      endpointPickerRef: this.picker
        ? {
            name: this.picker.endpointPickerServiceName,
            port: { number: this.picker.endpointPickerPort },
            failureMode: this.failureMode as unknown as inf.InferencePoolSpecEndpointPickerRefFailureMode,
          }
        : (undefined as unknown as inf.InferencePoolSpecEndpointPickerRef),
    };
  }
}

const POOL_SYMBOL = Symbol.for('cdk8s-model-serving.InferencePool');
