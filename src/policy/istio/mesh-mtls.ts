import { Construct } from 'constructs';
import { invalid } from '../../core/errors';
import { NetworkFlows } from '../../core/flows';
import { Namespace } from '../../core/namespace';
import { NetworkPeer } from '../../core/network-peer';
import { Platform } from '../../core/platform';
import { IGateway } from '../../gateway/gateway';
import { AuthorizationPolicy } from './authorization-policy';
import { PeerAuthentication } from './peer-authentication';
import { checkProps, childPath, hasProperty, requireShape } from '../../core/prop-types';

/** Props of {@link MeshMtls}. */
export interface MeshMtlsProps {
  /** The Istio Gateway whose proxies are the only callers admitted to the model pods. */
  readonly gateway: IGateway;
  /**
   * Labels of the pods only the gateway may call (e.g. the predictors).
   * @default { 'component': 'predictor' } — KServe predictor pods
   */
  readonly workloadSelector?: Record<string, string>;
  /** Ports the gateway may call. @default - every port */
  readonly ports?: readonly number[];
  /**
   * The gateway proxies' ServiceAccount. Istio's Gateway API deployment names
   * it `<gateway>-istio`.
   * @default `${gateway.gatewayName}-istio`
   */
  readonly gatewayServiceAccount?: string;
  /** Namespace of istiod, which sidecars must reach for configuration and certificates. @default 'istio-system' */
  readonly istiodNamespace?: string;
}

/**
 * Mutual TLS inside an Istio mesh for a model namespace: `PeerAuthentication`
 * STRICT (no plain-text traffic), an `AuthorizationPolicy` admitting only the
 * gateway's identity to the model pods, sidecar injection on the namespace,
 * and the NetworkPolicy egress sidecars need to istiod (15012).
 *
 * Only for gateways on Istio: asking it of another provider is an error.
 * Sidecars under the restricted Pod Security profile need the Istio CNI
 * plugin (no privileged init container).
 *
 * @see https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
 */
export class MeshMtls extends Construct {
  /** The SPIFFE principal of a gateway's proxies. */
  public static gatewayPrincipal(gateway: IGateway, serviceAccount?: string): string {
    return `cluster.local/ns/${gateway.gatewayNamespace}/sa/${serviceAccount ?? `${gateway.gatewayName}-istio`}`;
  }

  /** The PeerAuthentication. */
  public readonly peerAuthentication: PeerAuthentication;
  /** The AuthorizationPolicy. */
  public readonly authorizationPolicy: AuthorizationPolicy;

  public constructor(scope: Construct, id: string, props: MeshMtlsProps) {
    checkProps(childPath(scope, id), props, 'MeshMtlsProps');
    super(scope, id);
    const ns = Namespace.of(this);
    requireShape(this, 'gateway', props.gateway, (v): v is IGateway => hasProperty(v, 'gatewayName'), 'a Gateway', 'pass a Gateway construct, or Gateway.fromGatewayName(...)');
    if (props.gateway.provider?.id !== 'istio') {
      invalid(this, 'gateway', `uses provider '${props.gateway.provider?.id ?? 'unknown'}', which runs without a service mesh, so mesh mTLS cannot be enforced`, props.gateway.gatewayName, 'use an Istio gateway (GatewayProvider.ISTIO), or rely on TLS at the gateway and NetworkPolicies');
    }
    ns.addLabel('istio-injection', 'enabled');
    this.peerAuthentication = new PeerAuthentication(this, 'PeerAuthentication', { name: 'default', mode: 'STRICT' });
    this.authorizationPolicy = new AuthorizationPolicy(this, 'AuthorizationPolicy', {
      name: 'allow-gateway-only',
      selector: props.workloadSelector ?? { component: 'predictor' },
      rules: [{ principals: [MeshMtls.gatewayPrincipal(props.gateway, props.gatewayServiceAccount)], ports: props.ports }],
    });
    Platform.of(this).addSetupNote(
      `Istio CNI plugin and metrics merging (namespace ${ns.name})`,
      [
        `Namespace \`${ns.name}\` runs Istio sidecars under the restricted Pod Security profile, which refuses the privileged \`istio-init\` container: install Istio with its CNI plugin (\`components.cni.enabled: true\`), which sets up the traffic redirection instead.`,
        '',
        "Under STRICT mTLS Prometheus cannot scrape a model's port in plain text: monitors created after `MeshMtls` scrape the sidecars' merged metrics on port 15020, which needs Istio's metrics merging (`meshConfig.enablePrometheusMerge`, on by default).",
      ].join('\n'),
    );
    // Every injected sidecar of the namespace (the predictors the AuthorizationPolicy guards among them) fetches its
    // configuration and certificates from istiod (xDS and CA on 15012).
    NetworkFlows.declare(this.peerAuthentication, {
      from: { namespace: ns.name, labels: props.workloadSelector ?? { component: 'predictor' }, what: 'the Istio sidecars' },
      to: { namespace: props.istiodNamespace ?? 'istio-system', labels: { app: 'istiod' }, what: 'istiod' },
      port: 15012,
      purpose: 'sidecar configuration (xDS) and certificates',
    });
    ns.allowEgress('istiod', {
      peers: [NetworkPeer.pods(props.istiodNamespace ?? 'istio-system', { app: 'istiod' })],
      ports: [{ port: 15012 }],
    });
  }
}
