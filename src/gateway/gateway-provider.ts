import { AGENTGATEWAY_OPENAI_COMPILER } from '../agentgateway/openai-compiler';
import { ENVOY_AI_GATEWAY_OPENAI_COMPILER } from '../aigateway/openai-compiler';
import type { OpenAiRouteCompiler } from '../inference/openai-route-compiler';
import type { PolicyEngine } from '../policy/policy-engine';
import { AGENTGATEWAY_POLICY_ENGINE } from '../policy/agentgateway/engine';
import { ENVOY_GATEWAY_POLICY_ENGINE } from '../policy/envoy-gateway/engine';
import { KGATEWAY_POLICY_ENGINE } from '../policy/kgateway/engine';
import { KONG_POLICY_ENGINE } from '../policy/kong/engine';
import { KUADRANT_POLICY_ENGINE } from '../policy/kuadrant/engine';

/**
 * Where a gateway implementation runs the data-plane pods of a Gateway, so
 * NetworkPolicies can let them (and only them) reach backends.
 */
export interface DataPlanePods {
  /** Namespace of the proxy pods. */
  readonly namespace: string;
  /** Labels selecting the proxy pods of this Gateway. */
  readonly selector: Record<string, string>;
  /**
   * Every label the controller puts on the proxy pods at its pinned version
   * (a superset of `selector`): the source of the flows the proxies need,
   * checked against the platform's NetworkPolicies (rule SEC-N07).
   * @default - the selector
   */
  readonly labels?: Record<string, string>;
}

/** Where a provider's control plane serves configuration (xDS) to the proxies. */
export interface ControlPlaneEndpoint {
  /** Namespace of the control plane. */
  readonly namespace: string;
  /** Labels of the control-plane pods. @default - every pod of the namespace */
  readonly selector?: Record<string, string>;
  /** The xDS port the proxies connect to. */
  readonly port: number;
}

/** The ports the library's Kong proxy serves the usual listener ports on (it runs unprivileged). */
const KONG_PROXY_PORTS: Readonly<Record<number, number>> = { 80: 8000, 443: 8443 };

/** The standard label Gateway API implementations put on a Gateway's proxy pods (GEP-1762). */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** Options of {@link GatewayProvider.custom}. */
export interface CustomGatewayProviderOptions {
  /** Where the proxy pods of a Gateway run. @default - unknown (no NetworkPolicy opens them) */
  readonly dataPlane?: (gatewayName: string, gatewayNamespace: string) => DataPlanePods;
  /** Where the proxies get their configuration, when it runs in a namespace of the platform. @default - none */
  readonly controlPlane?: ControlPlaneEndpoint;
  /** The container ports of a listener port. @default - the listener port itself */
  readonly podPorts?: (listenerPort: number) => number[];
  /**
   * The engine that compiles an AccessPolicy on this provider's gateways
   * (e.g. `KUADRANT_POLICY_ENGINE` from `cdk8s-model-serving/kuadrant`, or
   * `PolicyEngine.of(myCompiler)`).
   * @default - none: an AccessPolicy on such a gateway must pass `engine`
   */
  readonly policyEngine?: PolicyEngine;
  /**
   * How an `OpenAiEndpoint` (one OpenAI-compatible endpoint routed on the
   * body's `model`) compiles on this provider's gateways.
   * @default - none: such an endpoint is refused on these gateways
   */
  readonly openAiRouteCompiler?: OpenAiRouteCompiler;
}

/**
 * A Gateway API implementation: its usual GatewayClass name, where it
 * places a Gateway's proxy pods, and the policy engine its access and
 * rate-limit intents compile to ({@link GatewayProvider.policyEngine}).
 */
export class GatewayProvider {
  /**
   * kgateway (Envoy-based); proxies run in the Gateway's namespace. Listener
   * ports below 1024 are bound at port + 8000 (80 → 8080) unless the
   * installation disables port mapping, so both are opened.
   * @see https://kgateway.dev/docs/
   */
  public static readonly KGATEWAY = new GatewayProvider(
    'kgateway',
    'kgateway',
    // kgateway's proxy chart (internal/kgateway/helm/kgateway/templates/_helpers.tpl, `kgateway.gateway.selectorLabels`)
    // labels the pods with the Gateway name three times.
    (name, ns) => ({ namespace: ns, selector: { [GATEWAY_NAME_LABEL]: name }, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name, [GATEWAY_NAME_LABEL]: name } }),
    { namespace: 'kgateway-system', selector: { 'app.kubernetes.io/name': 'kgateway' }, port: 9977 },
    (port) => (port < 1024 ? [port, port + 8000] : [port]),
    'set the pod and container securityContext (`seccompProfile.type: RuntimeDefault` among them) in the GatewayParameters the GatewayClass uses',
    KGATEWAY_POLICY_ENGINE,
  );
  /**
   * Envoy Gateway; by default proxies run in the controller namespace
   * `envoy-gateway-system`, labelled with the owning Gateway. Listener ports
   * below 1024 are bound at port + 10000 (443 → 10443). An `OpenAiEndpoint`
   * compiles through Envoy AI Gateway (`AIGatewayRoute`).
   * @see https://gateway.envoyproxy.io/docs/
   */
  public static readonly ENVOY_GATEWAY = new GatewayProvider(
    'envoy-gateway',
    'eg',
    (name, ns) => ({
      namespace: 'envoy-gateway-system',
      selector: { 'gateway.envoyproxy.io/owning-gateway-name': name, 'gateway.envoyproxy.io/owning-gateway-namespace': ns },
      // internal/infrastructure/kubernetes/proxy (envoyLabels + owning-gateway labels).
      labels: {
        'app.kubernetes.io/name': 'envoy',
        'app.kubernetes.io/component': 'proxy',
        'app.kubernetes.io/managed-by': 'envoy-gateway',
        'gateway.envoyproxy.io/owning-gateway-name': name,
        'gateway.envoyproxy.io/owning-gateway-namespace': ns,
      },
    }),
    undefined,
    (port) => (port < 1024 ? [port + 10000] : [port]),
    undefined,
    ENVOY_GATEWAY_POLICY_ENGINE,
    ENVOY_AI_GATEWAY_OPENAI_COMPILER,
  );
  /** Istio (with Kuadrant for policies); proxies run in the Gateway's namespace. @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/ */
  public static readonly ISTIO = new GatewayProvider(
    'istio',
    'istio',
    // Istio's gateway template (manifests/charts/istio-control/istio-discovery/files/kube-gateway.yaml): the pod labels of
    // the `<name>-istio` Deployment.
    (name, ns) => ({
      namespace: ns,
      selector: { [GATEWAY_NAME_LABEL]: name },
      labels: {
        [GATEWAY_NAME_LABEL]: name,
        'gateway.istio.io/managed': 'istio.io-gateway-controller',
        'service.istio.io/canonical-name': `${name}-istio`,
        'service.istio.io/canonical-revision': 'latest',
        'sidecar.istio.io/inject': 'false',
      },
    }),
    { namespace: 'istio-system', selector: { app: 'istiod' }, port: 15012 },
    undefined,
    'set `gateways.seccompProfile.type: RuntimeDefault` in the values of the Istio installation (its gateway pods have no seccomp profile otherwise)',
    KUADRANT_POLICY_ENGINE,
  );
  /**
   * Kong Ingress Controller; the proxy Deployment is the library's own
   * `KongGateway` workload, which serves 80 on 8000 and 443 on 8443.
   * @see https://docs.konghq.com/kubernetes-ingress-controller/
   */
  public static readonly KONG = new GatewayProvider(
    'kong',
    'kong',
    // The library's KongGateway labels its pods so (src/kong/kong-pod.ts kongPodLabels).
    (name, ns) => ({
      namespace: ns,
      selector: { 'app.kubernetes.io/name': 'kong', 'app.kubernetes.io/component': 'proxy' },
      labels: { 'app.kubernetes.io/name': 'kong', 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/instance': name },
    }),
    undefined,
    (port) => [KONG_PROXY_PORTS[port] ?? port],
    undefined,
    KONG_POLICY_ENGINE,
  );

  /**
   * agentgateway (v1.4.1, its own data plane, not Envoy); GatewayClass
   * `agentgateway` (controller `agentgateway.dev/agentgateway`). The
   * controller deploys each Gateway's proxy in the Gateway's namespace,
   * binding listener ports directly (the pod allows unprivileged ports from
   * 0), and the proxies fetch their configuration over xDS from the
   * controller's Service on 9978 in `agentgateway-system`.
   * Its policies (`AgentgatewayPolicy`) attach to Gateways, routes and
   * InferencePools.
   * @see https://agentgateway.dev/docs/kubernetes/latest/
   */
  public static readonly AGENTGATEWAY = new GatewayProvider(
    'agentgateway',
    // controller/pkg/wellknown/controller.go DefaultAgwClassName.
    'agentgateway',
    // controller/pkg/helm/agentgateway/templates/_helpers.tpl (agentgateway v1.4.1): `kgateway.gateway.selectorLabels`
    // (name and instance are the Gateway's name) plus the GatewayClass label of the pod template.
    (name, ns) => ({
      namespace: ns,
      selector: { [GATEWAY_NAME_LABEL]: name },
      labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name, [GATEWAY_NAME_LABEL]: name, 'gateway.networking.k8s.io/gateway-class-name': 'agentgateway' },
    }),
    // controller/install/helm/agentgateway values.yaml `controller.service.ports.agwGrpc` and `agentgateway.selectorLabels` (_helpers.tpl).
    { namespace: 'agentgateway-system', selector: { agentgateway: 'agentgateway', 'app.kubernetes.io/name': 'agentgateway' }, port: 9978 },
    (port) => [port],
    'set the pod and container securityContext (`seccompProfile.type: RuntimeDefault`) in the AgentgatewayParameters the GatewayClass uses (the proxy template sets none)',
    AGENTGATEWAY_POLICY_ENGINE,
    AGENTGATEWAY_OPENAI_COMPILER,
  );

  /** The provider with this usual GatewayClass name, if it is one of the known ones. */
  public static forClassName(gatewayClassName: string): GatewayProvider | undefined {
    return [GatewayProvider.KGATEWAY, GatewayProvider.ENVOY_GATEWAY, GatewayProvider.ISTIO, GatewayProvider.KONG, GatewayProvider.AGENTGATEWAY].find((p) => p.gatewayClassName === gatewayClassName);
  }

  /**
   * Another implementation: its id, its GatewayClass name and (optionally)
   * where its proxy pods run, where they get their configuration, the pod
   * ports a listener port is served on, its policy engine and its
   * OpenAI route compiler.
   */
  public static custom(id: string, gatewayClassName: string, options: CustomGatewayProviderOptions = {}): GatewayProvider {
    return new GatewayProvider(id, gatewayClassName, options.dataPlane, options.controlPlane, options.podPorts, undefined, options.policyEngine, options.openAiRouteCompiler);
  }

  private constructor(
    /** Stable id: `kgateway`, `envoy-gateway`, `istio`, `kong`, `agentgateway`, or a custom one. */
    public readonly id: string,
    /** The GatewayClass name this provider is usually installed with. */
    public readonly gatewayClassName: string,
    private readonly dataPlaneOf?: (gatewayName: string, gatewayNamespace: string) => DataPlanePods,
    /** Where the proxies get their configuration, when they run in a namespace of the platform (opened in its NetworkPolicies). */
    public readonly controlPlane?: ControlPlaneEndpoint,
    private readonly podPortsOf: (listenerPort: number) => number[] = (port) => [port],
    /**
     * For a controller that creates the proxy pods in the Gateway's
     * namespace: how its installation gives them the restricted
     * securityContext (the Gateway cannot). Listed in the platform README
     * when that namespace enforces the restricted profile.
     */
    public readonly restrictedProxyPodsSetup?: string,
    /**
     * The engine an AccessPolicy on this provider's gateways compiles with:
     * kgateway's, Envoy Gateway's, Kuadrant's (Istio), Kong's or agentgateway's; none for a
     * custom provider unless given.
     */
    public readonly policyEngine?: PolicyEngine,
    /**
     * How an `OpenAiEndpoint` compiles on this provider's gateways: Envoy
     * Gateway's goes through Envoy AI Gateway; kgateway and Kong have none
     * (they cannot route on the request body), so the endpoint refuses them.
     */
    public readonly openAiRouteCompiler?: OpenAiRouteCompiler,
  ) {}

  /**
   * The container ports on which the proxy pods serve a listener port: what
   * NetworkPolicies must open, since they see traffic after the Service has
   * translated the port.
   */
  public podPorts(listenerPort: number): number[] {
    return this.podPortsOf(listenerPort);
  }

  /** Where the proxy pods of Gateway `name` in `namespace` run, when known. */
  public dataPlane(name: string, namespace: string): DataPlanePods | undefined {
    return this.dataPlaneOf?.(name, namespace);
  }
}
