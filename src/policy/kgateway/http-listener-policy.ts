import { Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kgw from '../../../imports/kgateway-gateway.kgateway.dev';
import { invalid } from '../../core/errors';
import { isHttpHeaderName } from '../../core/http-header';
import { assertDnsSubdomain } from '../../core/names';
import { IGateway } from '../../gateway/gateway';
import { findPlatformNamespace } from '../../routing/route-wiring';
import { checkProps, childPath, hasProperty, requireArray } from '../../core/prop-types';

/** Props of {@link HttpListenerPolicy}. */
export interface HttpListenerPolicyProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.targetRefs`: the Gateways (1 to 16) whose HTTP listeners this configures; they must be in the policy's namespace. */
  readonly gateways: readonly IGateway[];
  /**
   * `earlyRequestHeaderModifier.remove`: request headers removed before
   * route selection and every filter, so a client cannot send a header that
   * the gateway sets after authentication (e.g. `x-user-id`); more with
   * {@link HttpListenerPolicy.removeEarlyRequestHeaders}.
   * @default - none
   */
  readonly removeEarlyRequestHeaders?: readonly string[];
  /** `xffNumTrustedHops`: trusted proxies in front of the gateway whose `X-Forwarded-For` entries are skipped to find the client address. @default - 0 (the downstream peer is the client) */
  readonly xffNumTrustedHops?: number;
  /** `useRemoteAddress`: use the connection's address (not `X-Forwarded-For`) as the client address. @default - kgateway's default */
  readonly useRemoteAddress?: boolean;
}

/**
 * kgateway's `HTTPListenerPolicy` (gateway.kgateway.dev/v1alpha1): settings
 * of a Gateway's HTTP connection manager. Upstream marks it deprecated in
 * favour of `ListenerPolicy` `httpSettings` (not imported here yet); it is
 * still served. This construct covers the early request header modifier
 * and the client-address settings.
 *
 * @see https://kgateway.dev/docs/envoy/main/reference/api/#httplistenerpolicy
 */
export class HttpListenerPolicy extends Construct {
  /** `metadata.name`. */
  public readonly policyName: string;
  /** The L1 object. */
  public readonly resource: kgw.HttpListenerPolicy;
  private readonly removed = new Set<string>();
  private tracing?: kgw.HttpListenerPolicySpecTracing;
  private readonly accessLogs: kgw.HttpListenerPolicySpecAccessLog[] = [];

  /**
   * The one HTTPListenerPolicy of a Gateway defined in the platform
   * (`<gateway>-listener` in the Gateway's namespace), created on first use.
   * Every listener-level feature (identity header stripping, tracing,
   * access logs) goes into it, because kgateway does not merge several
   * HTTPListenerPolicies on one Gateway predictably.
   *
   * @throws ModelServingError when the Gateway's namespace is not part of the platform of `scope`
   */
  public static forGateway(scope: IConstruct, gateway: IGateway): HttpListenerPolicy {
    const ns = gateway.gatewayNamespace;
    const chart = ns !== undefined ? findPlatformNamespace(scope, ns) : undefined;
    if (!chart) {
      invalid(scope, 'gateway', `'${gateway.gatewayName}' is not in a namespace of this platform (${ns ?? 'unknown'}), so its HTTPListenerPolicy cannot be emitted`, gateway.gatewayName, 'define the Gateway (or at least its Namespace) in this platform');
    }
    const id = `listener-policy-${gateway.gatewayName}`;
    const existing = chart.node.tryFindChild(id);
    return existing instanceof HttpListenerPolicy ? existing : new HttpListenerPolicy(chart, id, { name: `${gateway.gatewayName}-listener`, gateways: [gateway] });
  }

  public constructor(scope: Construct, id: string, props: HttpListenerPolicyProps) {
    checkProps(childPath(scope, id), props, 'HttpListenerPolicyProps');
    super(scope, id);
    this.policyName = assertDnsSubdomain(this, 'name', props.name ?? id);
    const ns = Chart.of(this).namespace;
    requireArray(this, 'gateways', props.gateways, (v): v is IGateway => hasProperty(v, 'gatewayName'), 'a Gateway', 'pass gateways: [gateway]');
    if (props.gateways.length < 1 || props.gateways.length > 16) invalid(this, 'targetRefs', 'must list 1 to 16 Gateways', props.gateways.length, 'pass gateways: [gateway]');
    for (const g of props.gateways) {
      if (g.gatewayNamespace !== undefined && ns !== undefined && g.gatewayNamespace !== ns) {
        invalid(this, 'targetRefs', `points at Gateway '${g.gatewayName}' in namespace '${g.gatewayNamespace}', but the policy must be in the Gateway's namespace`, `${g.gatewayNamespace}/${g.gatewayName}`, `create the policy in namespace '${g.gatewayNamespace}'`);
      }
    }
    if (props.xffNumTrustedHops !== undefined && (!Number.isInteger(props.xffNumTrustedHops) || props.xffNumTrustedHops < 0)) {
      invalid(this, 'xffNumTrustedHops', 'must be an integer >= 0', props.xffNumTrustedHops, 'use the number of load balancers in front of the gateway, e.g. 1');
    }
    this.removeEarlyRequestHeaders(...(props.removeEarlyRequestHeaders ?? []));
    const targetRefs = [...new Set(props.gateways.map((g) => g.gatewayName))].sort().map((name) => ({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name }));
    this.resource = new kgw.HttpListenerPolicy(this, 'Resource', {
      metadata: { name: this.policyName },
      spec: Lazy.any({
        produce: (): kgw.HttpListenerPolicySpec => ({
          targetRefs,
          earlyRequestHeaderModifier: this.removed.size > 0 ? { remove: [...this.removed].sort() } : undefined,
          xffNumTrustedHops: props.xffNumTrustedHops,
          useRemoteAddress: props.useRemoteAddress,
          tracing: this.tracing,
          accessLog: this.accessLogs.length > 0 ? [...this.accessLogs] : undefined,
        }),
      }) as unknown as kgw.HttpListenerPolicySpec,
    });
  }

  /** The headers removed early, sorted. */
  /**
   * Sets `spec.tracing`.
   *
   * @throws ModelServingError when tracing is already configured
   */
  public setTracing(tracing: kgw.HttpListenerPolicySpecTracing): void {
    if (this.tracing) invalid(this, 'tracing', 'is already configured on this Gateway', 'tracing', 'configure tracing once per Gateway');
    this.tracing = tracing;
  }

  /** Appends an `spec.accessLog[]` entry. */
  public addAccessLog(log: kgw.HttpListenerPolicySpecAccessLog): void {
    this.accessLogs.push(log);
  }

  public get removedEarlyRequestHeaders(): readonly string[] {
    return [...this.removed].sort();
  }

  /**
   * Removes more request headers before any filter runs (idempotent; names
   * are lower-cased).
   *
   * @throws ModelServingError for an invalid header name or more than 16 headers
   */
  public removeEarlyRequestHeaders(...names: string[]): void {
    for (const raw of names) {
      if (!isHttpHeaderName(raw)) invalid(this, 'earlyRequestHeaderModifier.remove', 'contains an invalid header name', raw, 'use RFC 7230 token characters, e.g. x-user-id');
      this.removed.add(raw.toLowerCase());
    }
    if (this.removed.size > 16) invalid(this, 'earlyRequestHeaderModifier.remove', 'can hold at most 16 headers', this.removed.size, 'remove fewer headers');
  }
}
