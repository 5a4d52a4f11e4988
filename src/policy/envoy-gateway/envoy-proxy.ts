import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as eg from '../../../imports/envoygateway-gateway.envoyproxy.io';
import { invalid } from '../../core/errors';
import type { Gateway, IGateway } from '../../gateway/gateway';
import { findPlatformNamespace } from '../../routing/route-wiring';

/**
 * The one Envoy Gateway `EnvoyProxy` (gateway.envoyproxy.io/v1alpha1) of a
 * Gateway (`<gateway>-proxy` in the Gateway's namespace), referenced from
 * the Gateway's `spec.infrastructure.parametersRef`. A Gateway can point at
 * one EnvoyProxy only, so tracing, access logs and the filter order all go
 * into it.
 *
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#envoyproxy
 */
export class EnvoyProxyConfig extends Construct {
  /**
   * The EnvoyProxy of a Gateway defined in the platform, created on first use
   * (which also sets the Gateway's parametersRef).
   *
   * @throws ModelServingError when the Gateway is not defined in the platform of `scope`
   */
  public static forGateway(scope: IConstruct, gateway: IGateway): EnvoyProxyConfig {
    const ns = gateway.gatewayNamespace;
    const chart = ns !== undefined ? findPlatformNamespace(scope, ns) : undefined;
    const defined = definedGateway(gateway);
    if (!chart || !defined) {
      invalid(scope, 'gateway', `'${gateway.gatewayName}' is not defined in this platform, so its EnvoyProxy cannot be attached`, gateway.gatewayName, 'define the Gateway in this platform, or set its parametersRef yourself');
    }
    const id = `envoy-proxy-${gateway.gatewayName}`;
    const existing = chart.node.tryFindChild(id);
    if (existing instanceof EnvoyProxyConfig) return existing;
    const config = new EnvoyProxyConfig(chart, id, `${gateway.gatewayName}-proxy`);
    defined.useParameters({ group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: config.proxyName });
    return config;
  }

  /** The L1 object. */
  public readonly resource: eg.EnvoyProxy;
  private tracing?: eg.EnvoyProxySpecTelemetryTracing;
  private readonly accessLogs: eg.EnvoyProxySpecTelemetryAccessLogSettings[] = [];
  private extAuthzAfterAuthentication = false;

  private constructor(
    scope: Construct,
    id: string,
    /** `metadata.name`. */
    public readonly proxyName: string,
  ) {
    super(scope, id);
    this.resource = new eg.EnvoyProxy(this, 'Resource', {
      metadata: { name: proxyName },
      spec: Lazy.any({
        produce: (): eg.EnvoyProxySpec => ({
          telemetry:
            this.tracing || this.accessLogs.length > 0
              ? { tracing: this.tracing, accessLog: this.accessLogs.length > 0 ? { settings: [...this.accessLogs] } : undefined }
              : undefined,
          filterOrder: this.extAuthzAfterAuthentication
            ? [{ name: eg.EnvoyProxySpecFilterOrderName.ENVOY_PERIOD_FILTERS_PERIOD_HTTP_PERIOD_EXT_UNDERSCORE_AUTHZ, after: eg.EnvoyProxySpecFilterOrderAfter.ENVOY_PERIOD_FILTERS_PERIOD_HTTP_PERIOD_JWT_UNDERSCORE_AUTHN }]
            : undefined,
        }),
      }) as unknown as eg.EnvoyProxySpec,
    });
  }

  /** Sets `telemetry.tracing`. @throws ModelServingError when already set */
  public setTracing(tracing: eg.EnvoyProxySpecTelemetryTracing): void {
    if (this.tracing) invalid(this, 'telemetry.tracing', 'is already configured for this Gateway', 'tracing', 'configure tracing once per Gateway');
    this.tracing = tracing;
  }

  /** Appends a `telemetry.accessLog.settings[]` entry. */
  public addAccessLog(settings: eg.EnvoyProxySpecTelemetryAccessLogSettings): void {
    this.accessLogs.push(settings);
  }

  /**
   * Moves the ext_authz filter after jwt_authn (and so after api_key_auth,
   * which precedes jwt_authn by default), so an external authorizer sees
   * only authenticated requests and their identity headers.
   */
  public runExtAuthzAfterAuthentication(): void {
    this.extAuthzAfterAuthentication = true;
  }
}

/**
 * The Gateway construct behind `gateway` when it is defined in the platform
 * (it can take a parametersRef), undefined for an imported one. Recognised
 * by its `useParameters` method rather than `instanceof`, so this engine does
 * not load the gateway module, whose providers load the engines.
 */
export function definedGateway(gateway: IGateway): Gateway | undefined {
  return typeof (gateway as Partial<Gateway>).useParameters === 'function' ? (gateway as Gateway) : undefined;
}
