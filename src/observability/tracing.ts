import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AgentgatewayOtlpProtocol, AgentgatewayPolicy } from '../agentgateway/agentgateway-policy';
import { Backend } from '../core/backend';
import { EnvoyProxyConfig } from '../policy/envoy-gateway/envoy-proxy';
import { HttpListenerPolicy } from '../policy/kgateway/http-listener-policy';
import * as eg from '../../imports/envoygateway-gateway.envoyproxy.io';
import * as istio from '../../imports/istio-telemetry.istio.io';
import * as kong from '../../imports/kong-configuration.konghq.com';
import { invalid } from '../core/errors';
import { assertDnsLabel } from '../core/names';
import { sortRecord } from '../core/sort-keys';
import { IGateway } from '../gateway/gateway';
import { noteIstioExtensionProvider } from './istio-mesh-config';
import { assertSamplingRate, TracingCollector } from './tracing-collector';
import { checkProps, childPath, hasProperty, requireShape } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';

/** Props of the gateway tracing constructs. */
export interface GatewayTracingProps {
  /** The Gateway whose proxies send spans. */
  readonly gateway: IGateway;
  /** Where spans go. */
  readonly collector: TracingCollector;
  /** Fraction of requests traced when no upstream decision was made (0-1). @default 0.1 */
  readonly samplingRate?: number;
  /** `service.name` of the spans. @default - `<gateway>.<namespace>` (agentgateway: the Gateway's name, with `service.namespace` its namespace) */
  readonly serviceName?: string;
}

function gatewayNamespace(scope: Construct, gateway: IGateway): string {
  requireShape(scope, 'gateway', gateway, (v): v is IGateway => hasProperty(v, 'gatewayName'), 'a Gateway', 'pass a Gateway construct, or Gateway.fromGatewayName(...)');
  const ns = gateway.gatewayNamespace;
  if (!ns) invalid(scope, 'gateway', 'must have a namespace', gateway.gatewayName, 'create the Gateway inside a Namespace');
  if (Chart.of(scope).namespace !== ns) invalid(scope, 'scope', `must be the Gateway's namespace '${ns}' (the tracing policy attaches to it locally)`, Chart.of(scope).namespace, 'create the tracing construct in the Gateway\'s Namespace');
  return ns;
}

/**
 * Envoy Gateway tracing: `telemetry.tracing` of the Gateway's EnvoyProxy
 * (gateway.envoyproxy.io/v1alpha1), sending OpenTelemetry spans to the
 * collector with a sampling fraction. The EnvoyProxy is shared with access
 * logs and the filter order ({@link EnvoyProxyConfig}), and the Gateway's
 * `spec.infrastructure.parametersRef` is set to it.
 *
 * @see https://gateway.envoyproxy.io/docs/tasks/observability/proxy-trace/
 */
export class EnvoyGatewayTracing extends Construct {
  /** The Gateway's EnvoyProxy that carries the tracing settings. */
  public readonly proxyConfig: EnvoyProxyConfig;

  public constructor(scope: Construct, id: string, props: GatewayTracingProps) {
    checkProps(childPath(scope, id), props, 'GatewayTracingProps');
    super(scope, id);
    const ns = gatewayNamespace(this, props.gateway);
    const rate = assertSamplingRate(this, props.samplingRate ?? 0.1);
    this.proxyConfig = EnvoyProxyConfig.forGateway(this, props.gateway);
    this.proxyConfig.setTracing({
      provider: {
        type: eg.EnvoyProxySpecTelemetryTracingProviderType.OPEN_TELEMETRY,
        backendRefs: [{ name: props.collector.service, namespace: props.collector.namespace, port: props.collector.grpcPort }],
        serviceName: props.serviceName,
      },
      samplingFraction: { numerator: Math.round(rate * 10000), denominator: 10000 },
    });
    props.collector.connect(this, { referrer: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', namespace: ns }, dataPlane: props.gateway.dataPlane, port: props.collector.grpcPort, id: props.gateway.gatewayName });
  }

  /** The Gateway's `spec.infrastructure.parametersRef` that applies the EnvoyProxy. */
  public get parametersRef(): { readonly group: string; readonly kind: string; readonly name: string } {
    return { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: this.proxyConfig.proxyName };
  }
}

/**
 * kgateway tracing: an `HTTPListenerPolicy` (gateway.kgateway.dev/v1alpha1)
 * on the Gateway whose `tracing` sends OpenTelemetry spans over gRPC to the
 * collector, with `randomSampling` as a whole percentage.
 *
 * @see https://kgateway.dev/docs/observability/tracing/
 */
export class KgatewayTracing extends Construct {
  /** The Gateway's HTTPListenerPolicy that carries the tracing settings. */
  public readonly listenerPolicy: HttpListenerPolicy;

  public constructor(scope: Construct, id: string, props: GatewayTracingProps) {
    checkProps(childPath(scope, id), props, 'GatewayTracingProps');
    super(scope, id);
    const ns = gatewayNamespace(this, props.gateway);
    const rate = assertSamplingRate(this, props.samplingRate ?? 0.1);
    const percent = rate * 100;
    if (!Number.isInteger(Number(percent.toFixed(6)))) invalid(this, 'samplingRate', 'must be a whole percentage for kgateway (randomSampling is an integer 0-100)', rate, `use ${Math.max(0.01, Math.round(percent) / 100)}`);
    this.listenerPolicy = HttpListenerPolicy.forGateway(this, props.gateway);
    this.listenerPolicy.setTracing({
      provider: {
        openTelemetry: {
          grpcService: { backendRef: { name: props.collector.service, namespace: props.collector.namespace, port: props.collector.grpcPort } },
          serviceName: props.serviceName,
        },
      },
      randomSampling: Math.round(percent),
    });
    props.collector.connect(this.listenerPolicy, { referrer: { group: 'gateway.kgateway.dev', kind: 'HTTPListenerPolicy', namespace: ns }, dataPlane: props.gateway.dataPlane, port: props.collector.grpcPort, id: props.gateway.gatewayName });
  }
}

/**
 * agentgateway tracing: an `AgentgatewayPolicy` (agentgateway.dev/v1alpha1)
 * on the Gateway whose `frontend.tracing` sends OpenTelemetry spans over
 * OTLP/gRPC to the collector, with `randomSampling` the sampling fraction
 * (a CEL float). Requests that arrive with a trace are traced as the
 * client decided (`clientSampling` left at its default). Without
 * `serviceName`, agentgateway names the spans' service after the Gateway
 * and sets `service.namespace` to its namespace (crates/agentgateway/src/telemetry/trc.rs).
 *
 * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/controller/pkg/agentgateway/plugins/frontend_policies.go (translateFrontendTracing)
 */
export class AgentgatewayTracing extends Construct {
  /** The Gateway's AgentgatewayPolicy that carries the tracing settings. */
  public readonly policy: AgentgatewayPolicy;

  public constructor(scope: Construct, id: string, props: GatewayTracingProps) {
    checkProps(childPath(scope, id), props, 'GatewayTracingProps');
    super(scope, id);
    assertKnownKeys(this, '', props, keysOf<GatewayTracingProps>({ gateway: true, collector: true, samplingRate: true, serviceName: true }));
    const ns = gatewayNamespace(this, props.gateway);
    requireShape(this, 'collector', props.collector, (v): v is TracingCollector => hasProperty(v, 'grpcPort'), 'a TracingCollector', "pass collector: TracingCollector.otlp('otel-collector')");
    const rate = assertSamplingRate(this, props.samplingRate ?? 0.1);
    if (props.serviceName !== undefined && (typeof props.serviceName !== 'string' || props.serviceName.length === 0)) invalid(this, 'serviceName', 'must be a non-empty string', props.serviceName, "use e.g. 'llm-gateway'");
    this.policy = new AgentgatewayPolicy(this, 'Policy', {
      name: `${props.gateway.gatewayName}-tracing`,
      targets: [props.gateway],
      frontend: {
        tracing: {
          backend: Backend.service(props.collector.service, props.collector.grpcPort, { namespace: props.collector.namespace }),
          protocol: AgentgatewayOtlpProtocol.GRPC,
          // A CEL float literal (an integer literal is an int in CEL): "0.1", "1.0".
          randomSampling: Number.isInteger(rate) ? rate.toFixed(1) : String(rate),
          resources: props.serviceName !== undefined ? [{ name: 'service.name', expression: JSON.stringify(props.serviceName) }] : undefined,
        },
      },
    });
    // controller/pkg/agentgateway/plugins/traffic_plugin.go BuildBackendRef: a Service of another namespace needs a
    // ReferenceGrant from AgentgatewayPolicy there.
    props.collector.connect(this, { referrer: { group: 'agentgateway.dev', kind: 'AgentgatewayPolicy', namespace: ns }, dataPlane: props.gateway.dataPlane, port: props.collector.grpcPort, id: props.gateway.gatewayName });
  }
}

/** Props of {@link IstioTracing}. */
export interface IstioTracingProps extends GatewayTracingProps {
  /** Name of the OpenTelemetry extension provider in Istio's mesh config. @default 'otel-tracing' */
  readonly providerName?: string;
}

/**
 * Istio tracing: a `Telemetry` (telemetry.istio.io/v1) for the Gateway's
 * proxies with `randomSamplingPercentage`. Istio reads the collector address
 * from its mesh config: add {@link meshConfigExtensionProvider} to
 * `meshConfig.extensionProviders` when installing Istio.
 *
 * @see https://istio.io/latest/docs/tasks/observability/distributed-tracing/opentelemetry/
 */
export class IstioTracing extends Construct {
  /** The L1 object. */
  public readonly resource: istio.Telemetry;
  /** The extension provider name. */
  public readonly providerName: string;
  private readonly collector: TracingCollector;

  public constructor(scope: Construct, id: string, props: IstioTracingProps) {
    checkProps(childPath(scope, id), props, 'IstioTracingProps');
    super(scope, id);
    gatewayNamespace(this, props.gateway);
    const rate = assertSamplingRate(this, props.samplingRate ?? 0.1);
    this.providerName = props.providerName ?? 'otel-tracing';
    this.collector = props.collector;
    const dataPlane = props.gateway.dataPlane;
    if (!dataPlane) invalid(this, 'gateway', 'must have known proxy pods', props.gateway.gatewayName, 'pass provider: GatewayProvider.ISTIO on the Gateway');
    this.resource = new istio.Telemetry(this, 'Resource', {
      metadata: { name: assertDnsLabel(this, 'name', `${props.gateway.gatewayName}-tracing`) },
      spec: {
        selector: { matchLabels: sortRecord(dataPlane.selector) },
        tracing: [{ providers: [{ name: this.providerName }], randomSamplingPercentage: Number((rate * 100).toFixed(4)) }],
      },
    });
    props.collector.connect(this, { dataPlane, port: props.collector.grpcPort, id: props.gateway.gatewayName });
    noteIstioExtensionProvider(this, 'tracing', `${props.gateway.gatewayNamespace}/${this.resource.name}`, this.meshConfigExtensionProvider());
  }

  /** The `meshConfig.extensionProviders[]` entry Istio needs for this provider (also listed in the platform README). */
  public meshConfigExtensionProvider(): { readonly name: string; readonly opentelemetry: { readonly service: string; readonly port: number } } {
    return { name: this.providerName, opentelemetry: { service: this.collector.host, port: this.collector.grpcPort } };
  }
}

/** Props of {@link KongTracing}. */
export interface KongTracingProps {
  /** Where spans go (OTLP/HTTP). */
  readonly collector: TracingCollector;
  /** Fraction of requests traced (0-1). @default 0.1 */
  readonly samplingRate?: number;
  /** `metadata.name` of the KongPlugin. @default 'opentelemetry' */
  readonly name?: string;
}

/**
 * Kong tracing: a `KongPlugin` running Kong's `opentelemetry` plugin, which
 * sends spans over OTLP/HTTP to the collector with `sampling_rate`. Attach
 * it to the routes or services (`konghq.com/plugins` annotation), and set
 * {@link KongTracing.kongEnvironment} on the Kong container.
 *
 * @see https://developer.konghq.com/plugins/opentelemetry/
 */
export class KongTracing extends Construct {
  /** The L1 object. */
  public readonly resource: kong.KongPlugin;

  public constructor(scope: Construct, id: string, props: KongTracingProps) {
    checkProps(childPath(scope, id), props, 'KongTracingProps');
    super(scope, id);
    requireShape(this, 'collector', props.collector, (v): v is TracingCollector => hasProperty(v, 'httpTracesUrl'), 'a TracingCollector', "pass collector: TracingCollector.otlp('otel-collector.observability')");
    const rate = assertSamplingRate(this, props.samplingRate ?? 0.1);
    this.resource = new kong.KongPlugin(this, 'Resource', {
      metadata: { name: assertDnsLabel(this, 'name', props.name ?? 'opentelemetry') },
      plugin: 'opentelemetry',
      config: { sampling_rate: rate, traces_endpoint: props.collector.httpTracesUrl },
    });
  }

  /** Environment the Kong container needs for tracing: every instrumentation on, sampling left to the plugin. */
  public static kongEnvironment(): Readonly<Record<string, string>> {
    return { KONG_TRACING_INSTRUMENTATIONS: 'all', KONG_TRACING_SAMPLING_RATE: '1.0' };
  }
}

/** The tracing construct for a Gateway's provider: kgateway, Envoy Gateway, Istio or agentgateway. */
export type GatewayTracing = KgatewayTracing | EnvoyGatewayTracing | IstioTracing | AgentgatewayTracing;

/**
 * Wires a Gateway's proxies to the collector with the provider's own kind
 * (HTTPListenerPolicy, EnvoyProxy, Telemetry or AgentgatewayPolicy).
 *
 * @throws ModelServingError for another provider (Kong has {@link KongTracing})
 */
export function tracingFor(scope: Construct, id: string, props: GatewayTracingProps): GatewayTracing {
  switch (props.gateway.provider?.id) {
    case 'kgateway':
      return new KgatewayTracing(scope, id, props);
    case 'envoy-gateway':
      return new EnvoyGatewayTracing(scope, id, props);
    case 'istio':
      return new IstioTracing(scope, id, props);
    case 'agentgateway':
      return new AgentgatewayTracing(scope, id, props);
    default:
      return invalid(scope, 'gateway.provider', 'has no gateway tracing support here', props.gateway.provider?.id, 'use kgateway, Envoy Gateway, Istio or agentgateway, or KongTracing for Kong');
  }
}
