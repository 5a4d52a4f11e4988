import { Construct } from 'constructs';
import { Namespace } from '../core/namespace';
import { Platform } from '../core/platform';
import { SecretRef } from '../core/secret-ref';
import { AllowedRoutes } from '../gateway/allowed-routes';
import { Gateway } from '../gateway/gateway';
import { GatewayProvider } from '../gateway/gateway-provider';
import { Listener } from '../gateway/listener';
import { DirectResponse } from '../policy/kgateway/direct-response';
import { HttpRouteFilter } from '../routing/filter';
import { HttpRoute } from '../routing/http-route';
import { PathMatch } from '../routing/match';
import { InferenceService } from '../serving/inference-service';
import { ModelFormat, ProtocolVersion } from '../serving/model-format';

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
 * exact allows isolate each namespace.
 */
export class KgatewayKservePlatform extends Platform {
  /** The gateway. */
  public readonly gateway: Gateway;
  /** The models, by name. */
  public readonly models: Readonly<Record<string, InferenceService>>;

  public constructor(scope: Construct, id = 'kgateway-kserve') {
    super(scope, id, { description: 'kgateway as the ingress for KServe: one Gateway, per-model HTTPRoutes, sklearn and TensorFlow models.' });
    const system = new Namespace(this, 'kgateway-system');
    const models = new Namespace(this, 'ml-models');

    this.gateway = new Gateway(system, 'kgateway-gateway', {
      provider: GatewayProvider.KGATEWAY,
      listeners: [
        Listener.http({ allowedRoutes: AllowedRoutes.sameNamespace() }),
        Listener.https({
          certificates: [SecretRef.named('kgateway-cert')],
          allowedRoutes: AllowedRoutes.fromNamespaces([system.name, models.name]),
        }),
      ],
    });

    // Health checks are answered by the gateway, so they never reach a model.
    const healthy = new DirectResponse(system, 'health-ok', { status: 200, body: 'ok' });
    new HttpRoute(system, 'health', {
      parents: [this.gateway],
      rules: [{ matches: [{ path: PathMatch.exact('/health') }], filters: [healthy] }],
    });
    new HttpRoute(system, 'https-redirect', {
      parents: [this.gateway.listener('http')],
      rules: [{ filters: [HttpRouteFilter.requestRedirect({ scheme: 'https', statusCode: 301 })] }],
    });

    const iris = new InferenceService(models, 'sklearn-iris', {
      modelFormat: ModelFormat.SKLEARN,
      protocolVersion: ProtocolVersion.V1,
      storageUri: 'gs://kfserving-examples/models/sklearn/iris',
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '1Gi' } },
    });
    const mnist = new InferenceService(models, 'tensorflow-mnist', {
      modelFormat: ModelFormat.TENSORFLOW,
      protocolVersion: ProtocolVersion.V1,
      storageUri: 'gs://kfserving-examples/models/tensorflow/mnist',
      resources: { requests: { cpu: '200m', memory: '512Mi' }, limits: { cpu: '2000m', memory: '2Gi' } },
    });
    this.models = { [iris.serviceName]: iris, [mnist.serviceName]: mnist };

    for (const model of [iris, mnist]) {
      const route = new HttpRoute(models, `${model.serviceName}-route`, {
        name: model.serviceName,
        parents: [this.gateway.listener('https')],
        rules: [{ matches: model.routeMatches(), backends: [model] }],
      });
      route.allowPublicAccess('the basic kgateway ingress of write-up 001 has no authentication; kgateway-production is the protected variant of the same models');
    }
  }
}
