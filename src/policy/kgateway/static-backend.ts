import { Construct } from 'constructs';
import * as kgw from '../../../imports/kgateway-gateway.kgateway.dev';
import { BackendReference, IBackend } from '../../core/backend';
import { invalid } from '../../core/errors';
import { Namespace } from '../../core/namespace';
import { assertDnsLabel, isDnsSubdomain } from '../../core/names';
import { NetworkPeer } from '../../core/network-peer';
import { assertPort } from '../../core/port';
import { IGateway } from '../../gateway/gateway';
import { proxyFlowPeer } from '../../gateway/proxy-flow-peer';
import { NetworkFlows } from '../../core/flows';
import { checkProps, childPath } from '../../core/prop-types';

/** Props of {@link StaticBackend}. */
export interface StaticBackendProps {
  /** Name of the Backend and its BackendConfigPolicy. @default - the construct id */
  readonly name?: string;
  /** The external host, e.g. `auth.example.com`. */
  readonly host: string;
  /** @default 443 */
  readonly port?: number;
  /** Originate TLS to the host, verified against the system CAs with SNI = host. @default true */
  readonly tls?: boolean;
}

/**
 * A kgateway `Backend` of type Static (gateway.kgateway.dev/v1alpha1): a
 * host outside the cluster the gateway can send traffic to (an identity
 * provider's JWKS, an external API), with a `BackendConfigPolicy` that
 * originates TLS (SNI and system CA verification) by default.
 *
 * @see https://kgateway.dev/docs/envoy/main/traffic-management/destination-types/backends/static/
 */
export class StaticBackend extends Construct implements IBackend {
  /** `metadata.name`. */
  public readonly backendName: string;
  /** The host. */
  public readonly host: string;
  /** The port. */
  public readonly port: number;
  private readonly namespaceChart: Namespace;

  public constructor(scope: Construct, id: string, props: StaticBackendProps) {
    checkProps(childPath(scope, id), props, 'StaticBackendProps');
    super(scope, id);
    this.backendName = assertDnsLabel(this, 'name', props.name ?? id);
    this.namespaceChart = Namespace.of(this);
    if (!isDnsSubdomain(props.host) || !props.host.includes('.')) {
      invalid(this, 'host', "must be a fully qualified lower-case host name (a DNS-1123 subdomain with at least one '.', at most 253 characters)", props.host, 'use e.g. auth.example.com');
    }
    this.host = props.host;
    this.port = props.port ?? 443;
    assertPort(this, 'port', this.port, 'use 443');
    new kgw.Backend(this, 'Resource', {
      metadata: { name: this.backendName },
      spec: { type: kgw.BackendSpecType.STATIC, static: { hosts: [{ host: this.host, port: this.port }] } },
    });
    if (props.tls ?? true) {
      new kgw.BackendConfigPolicy(this, 'Tls', {
        metadata: { name: `${this.backendName}-tls` },
        spec: {
          targetRefs: [{ group: 'gateway.kgateway.dev', kind: 'Backend', name: this.backendName }],
          tls: { sni: this.host, wellKnownCaCertificates: kgw.BackendConfigPolicySpecTlsWellKnownCaCertificates.SYSTEM },
        },
      });
    }
  }

  /** The Backend as a route or extension target. */
  public get backendRef(): BackendReference {
    return { group: 'gateway.kgateway.dev', kind: 'Backend', name: this.backendName, namespace: this.namespaceChart.name, owner: this };
  }

  /** Lets `gateway`'s proxies reach the host (egress to any address on the port, since the host is outside the cluster). */
  public allowGateway(gateway: IGateway): void {
    const dp = gateway.dataPlane;
    if (!dp) invalid(this, 'allowGateway', 'needs a gateway whose proxy pods are known', gateway.gatewayName, 'set the Gateway provider');
    const ns = this.namespaceChart.platform.node.children.find((c): c is Namespace => Namespace.isNamespace(c) && c.name === dp.namespace);
    ns?.allowEgress(`${gateway.gatewayName}-to-${this.backendName}`, { pods: dp.selector, peers: [NetworkPeer.anywhere()], ports: [{ port: this.port }] });
    NetworkFlows.declare(this, { from: proxyFlowPeer(gateway.gatewayName, dp), to: NetworkFlows.internet(`${this.host}:${this.port}`), port: this.port, purpose: `requests to the static backend ${this.backendName}` });
  }
}
