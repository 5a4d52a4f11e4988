import { Construct } from 'constructs';
import { Namespace, PodSecurity } from '../core/namespace';
import { Platform } from '../core/platform';
import { Gateway } from '../gateway/gateway';
import { AccessLog } from '../observability/access-log';
import { GatewayMonitoring } from '../observability/gateway-monitoring';
import { EndpointAccess, ModelEndpoint } from '../platform/model-endpoint';
import { InferenceService } from '../serving/inference-service';
import { RUNBOOK_BASE_URL } from './assets';
import { kgatewayIngress, kgatewayModels, modelEndpoints } from './kgateway-common';

/**
 * Reference platform `kgateway-kserve` (deployment 001): kgateway as the
 * ingress for KServe.
 *
 * - `kgateway-system`: Gateway `kgateway-gateway` (class `kgateway`) with an
 *   HTTP listener on 80 (health checks and a redirect to HTTPS only) and an
 *   HTTPS listener on 443 terminating TLS with the Secret `kgateway-cert`
 *   (referenced, never embedded); `/health` answered by the gateway itself.
 * - `ml-models`: the sklearn and TensorFlow models, each behind its own
 *   HTTPRoute on the HTTPS listener.
 *
 * Compared with the write-up: routes are admitted from the two platform
 * namespaces only (not `All`), plain HTTP no longer reaches models, images
 * and Secrets are not created here, and a default-deny NetworkPolicy plus
 * exact allows isolate `ml-models`. `kgateway-system` is kgateway's install
 * namespace (its controller runs there), so it keeps no default-deny and the
 * baseline Pod Security profile, both as reasoned waivers.
 */
export class KgatewayKservePlatform extends Platform {
  /** The gateway. */
  public readonly gateway: Gateway;
  /** The models, by name. */
  public readonly models: Readonly<Record<string, InferenceService>>;
  /** The models' endpoints (route, access, monitoring), by model name. */
  public readonly endpoints: Readonly<Record<string, ModelEndpoint>>;

  public constructor(scope: Construct, id = 'kgateway-kserve') {
    super(scope, id, { description: 'kgateway as the ingress for KServe: one Gateway, per-model HTTPRoutes, sklearn and TensorFlow models.' });
    // The write-up puts the Gateway in kgateway's own install namespace, where the controller runs too: a
    // default-deny policy or the restricted profile there would cut the controller off (API server, xDS) and
    // refuse its pods (the chart sets no securityContext). kgateway-production uses a namespace of its own.
    const system = new Namespace(this, 'kgateway-system', {
      podSecurity: PodSecurity.waived('baseline', "kgateway's install namespace: the kgateway controller from its Helm chart runs here without the restricted securityContext"),
      defaultDeny: false,
      defaultDenyWaiver: "kgateway's install namespace: a default deny would also cut the kgateway controller off from the API server and from its proxies (xDS on 9977); the gateway proxies get exact allows",
      retainOnRemoval: "kgateway's install namespace: the kgateway controller every Gateway of the cluster depends on runs here, so deleting it with this platform (or each cluster of the fleet) would tear the controller down",
    });
    const models = new Namespace(this, 'ml-models');
    this.gateway = kgatewayIngress(system, { certificate: 'kgateway-cert', routeNamespaces: [models] });
    const { iris, mnist } = kgatewayModels(models);
    this.models = { [iris.serviceName]: iris, [mnist.serviceName]: mnist };
    // Monitored from day one: the gateway and each model (monitors, alerts, SLOs, dashboards).
    const gatewayMonitoring = new GatewayMonitoring(system, 'gateway-monitoring', { gateway: this.gateway, runbookBaseUrl: RUNBOOK_BASE_URL });
    const endpoints = modelEndpoints(models, this.gateway, gatewayMonitoring, [iris, mnist], EndpointAccess.publicAccess(
      'the basic kgateway ingress of write-up 001 has no authentication; kgateway-production is the protected variant of the same models',
    ));
    this.endpoints = Object.fromEntries(endpoints.map((e) => [e.model.serviceName, e]));
    new AccessLog(system, 'access-log', { gateway: this.gateway });
  }
}
