import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as eg from '../../imports/envoygateway-gateway.envoyproxy.io';
import { BackendReference, IBackend } from '../core/backend';
import { invalid } from '../core/errors';
import { NetworkFlows } from '../core/flows';
import { assertDnsSubdomain, isDnsSubdomain } from '../core/names';
import { NetworkPeer } from '../core/network-peer';
import { assertPort } from '../core/port';
import { checkProps, childPath, optionalShape, requireArray } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import { isIP } from 'node:net';
import type { IGateway } from '../gateway/gateway';
import { proxyFlowPeer } from '../gateway/proxy-flow-peer';
import { findPlatformNamespace, wireRouteToBackend } from '../routing/route-wiring';

/** The Envoy Gateway API group of `Backend`. */
export const ENVOY_GATEWAY_GROUP = 'gateway.envoyproxy.io';

/**
 * One endpoint of an Envoy Gateway `Backend`: a host name, an IP address,
 * or a Service of the cluster (by its cluster DNS name).
 */
export class BackendEndpoint {
  /**
   * A fully qualified host name and port (`endpoints[].fqdn`).
   * @throws ModelServingError for a host that is not a DNS name with a dot, or a bad port
   */
  public static fqdn(hostname: string, port: number): BackendEndpoint {
    if (!isDnsSubdomain(hostname) || !hostname.includes('.')) invalid('BackendEndpoint.fqdn', 'hostname', 'must be a fully qualified lower-case host name', hostname, "write e.g. 'api.openai.com'");
    assertPort('BackendEndpoint.fqdn', 'port', port, 'use the port, 1-65535');
    return new BackendEndpoint({ fqdn: { hostname, port } }, `${hostname}:${port}`);
  }

  /**
   * An IP address and port (`endpoints[].ip`).
   * @throws ModelServingError for an address that is not an IPv4 or IPv6 address, or a bad port
   */
  public static ip(address: string, port: number): BackendEndpoint {
    if (typeof address !== 'string' || isIP(address) === 0) invalid('BackendEndpoint.ip', 'address', 'must be an IPv4 or IPv6 address', address, "write e.g. '10.0.0.12'");
    assertPort('BackendEndpoint.ip', 'port', port, 'use the port, 1-65535');
    return new BackendEndpoint({ ip: { address, port } }, `${address}:${port}`);
  }

  /**
   * A Service of the cluster (an InferenceService, an LlmInferenceService
   * with `router: LlmRouter.none()`, `Backend.service(name, port)`), reached
   * at `<name>.<namespace>.svc.cluster.local:<port>`; the gateway's proxies
   * are let through to its pods when they are known.
   * @throws ModelServingError for a backend that is not a core Service with a port
   */
  public static service(backend: IBackend): BackendEndpoint {
    const ref = backend.backendRef;
    if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service' || ref.port === undefined) {
      invalid('BackendEndpoint.service', 'backend', 'must be a core Service with a port (an Envoy Gateway Backend endpoint is a host, an address or a Service)', `${ref.kind ?? 'Service'} ${ref.name}`, 'pass an InferenceService, an LlmInferenceService, or Backend.service(name, port)');
    }
    return new BackendEndpoint(undefined, `Service ${ref.name}:${ref.port}`, backend);
  }

  private constructor(
    private readonly fixed: eg.BackendSpecEndpoints | undefined,
    /** `host:port`, for messages. */
    public readonly description: string,
    /** The cluster Service, for a Service endpoint. */
    public readonly service?: IBackend,
  ) {}

  /** The rendered `endpoints[]` entry; a Service resolves in `namespace` unless its reference names one. */
  public render(namespace: string): eg.BackendSpecEndpoints {
    if (this.fixed) return this.fixed;
    const ref = this.service!.backendRef;
    return { fqdn: { hostname: `${ref.name}.${ref.namespace ?? namespace}.svc.cluster.local`, port: ref.port! } };
  }

  /** True when the endpoint is outside the cluster (a host name or an address). */
  public get external(): boolean {
    return this.service === undefined;
  }

  /** The port. */
  public get port(): number {
    return this.fixed?.fqdn?.port ?? this.fixed?.ip?.port ?? this.service!.backendRef.port!;
  }
}

/** TLS to the endpoints of a {@link EnvoyGatewayBackend}. */
export interface EnvoyGatewayBackendTls {
  /** SNI and the host name the certificate must match. @default - the first endpoint's host name */
  readonly sni?: string;
}

/** Props of {@link EnvoyGatewayBackend}. */
export interface EnvoyGatewayBackendProps {
  /** `metadata.name`, a DNS-1123 subdomain. @default - the construct id */
  readonly name?: string;
  /** `spec.endpoints`: at least one; all of one kind (hosts and addresses, or Services). */
  readonly endpoints: readonly BackendEndpoint[];
  /**
   * `spec.tls`: originate TLS, verified against the system CAs
   * (`wellKnownCACertificates: System`). Set it for every provider on the
   * internet.
   * @default - plain text
   */
  readonly tls?: EnvoyGatewayBackendTls;
}

/**
 * An Envoy Gateway `Backend` (gateway.envoyproxy.io/v1alpha1): hosts,
 * addresses or cluster Services a route (or an Envoy AI Gateway
 * `AIServiceBackend`) sends traffic to, optionally over TLS verified
 * against the system CAs. Needs `extensionApis.enableBackend: true` in the
 * Envoy Gateway configuration (Envoy AI Gateway's installation sets it).
 *
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#backend
 * @throws ModelServingError for no endpoints, a bad name, or an SNI that is not a host name
 */
export class EnvoyGatewayBackend extends Construct implements IBackend {
  /** `metadata.name`. */
  public readonly backendName: string;
  /** The namespace (the chart's). */
  public readonly backendNamespace?: string;
  /** The endpoints. */
  public readonly endpoints: readonly BackendEndpoint[];
  /** The L1 object. */
  public readonly resource: eg.Backend;

  public constructor(scope: Construct, id: string, props: EnvoyGatewayBackendProps) {
    checkProps(childPath(scope, id), props, 'EnvoyGatewayBackendProps');
    super(scope, id);
    assertKnownKeys(this, '', props, keysOf<EnvoyGatewayBackendProps>({ name: true, endpoints: true, tls: true }));
    this.backendName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.backendNamespace = Chart.of(this).namespace;
    this.endpoints = requireArray(this, 'endpoints', props.endpoints, (v): v is BackendEndpoint => v instanceof BackendEndpoint, 'a BackendEndpoint', "pass endpoints: [BackendEndpoint.fqdn('api.openai.com', 443)]");
    if (this.endpoints.length === 0) invalid(this, 'endpoints', 'is empty', [], "pass endpoints: [BackendEndpoint.fqdn('api.openai.com', 443)]");
    if (new Set(this.endpoints.map((e) => e.external)).size > 1) invalid(this, 'endpoints', 'mixes cluster Services with external hosts', this.endpoints.map((e) => e.description), 'use one Backend for the Services and another for the external hosts');
    const tls = optionalShape(this, 'tls', props.tls, (v): v is EnvoyGatewayBackendTls => typeof v === 'object' && v !== null, 'a TLS options object', 'pass tls: {} (SNI from the host name) or tls: { sni }');
    if (tls) assertKnownKeys(this, 'tls', tls, keysOf<EnvoyGatewayBackendTls>({ sni: true }));
    const ns = this.backendNamespace ?? 'default';
    const rendered = this.endpoints.map((e) => e.render(ns));
    let sni: string | undefined;
    if (tls) {
      sni = tls.sni ?? rendered.find((e) => e.fqdn)?.fqdn?.hostname;
      if (sni === undefined) invalid(this, 'tls.sni', 'is needed: the endpoints are addresses, so there is no host name for SNI and verification', undefined, "pass tls: { sni: 'api.example.com' }");
      if (!isDnsSubdomain(sni)) invalid(this, 'tls.sni', 'must be a host name', sni, "write e.g. 'api.example.com'");
    }
    this.resource = new eg.Backend(this, 'Resource', {
      metadata: { name: this.backendName },
      spec: {
        endpoints: rendered,
        tls: sni === undefined ? undefined : { sni, wellKnownCaCertificates: 'System' },
      },
    });
  }

  /** The Backend as a route target (`group: gateway.envoyproxy.io`, `kind: Backend`). */
  public get backendRef(): BackendReference {
    return { group: ENVOY_GATEWAY_GROUP, kind: 'Backend', name: this.backendName, namespace: this.backendNamespace, owner: this };
  }

  /**
   * Lets `gateway`'s proxies reach the endpoints: the pods of each cluster
   * Service (a NetworkPolicy pair and a declared flow), or any address on
   * each external endpoint's port. Called by the routes that send traffic
   * here; idempotent.
   */
  public allowGateway(route: IConstruct, gateway: IGateway): void {
    for (const e of this.endpoints) {
      if (e.service) {
        wireRouteToBackend(route, 'HTTPRoute', gateway, e.service);
        continue;
      }
      const dp = gateway.dataPlane;
      if (!dp) continue;
      findPlatformNamespace(this, dp.namespace)?.allowEgress(`${gateway.gatewayName}-to-${this.backendName}-${e.port}`, { pods: dp.selector, peers: [NetworkPeer.anywhere()], ports: [{ port: e.port }] });
      NetworkFlows.declare(this, { from: proxyFlowPeer(gateway.gatewayName, dp), to: NetworkFlows.internet(e.description), port: e.port, purpose: `requests to the Envoy Gateway Backend ${this.backendName}` });
    }
  }
}

