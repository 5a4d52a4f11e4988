import { Namespace } from '../core/namespace';
import { ResourceRequirements } from '../core/resources';
import { SecretRef } from '../core/secret-ref';
import { AllowedRoutes } from '../gateway/allowed-routes';
import { Gateway } from '../gateway/gateway';
import { GatewayProvider } from '../gateway/gateway-provider';
import { Listener } from '../gateway/listener';
import { DirectResponse } from '../policy/kgateway/direct-response';
import { HttpRouteFilter } from '../routing/filter';
import { HttpRoute } from '../routing/http-route';
import { PathMatch } from '../routing/match';
import { GatewayMonitoring } from '../observability/gateway-monitoring';
import { EndpointAccess, ModelEndpoint } from '../platform/model-endpoint';
import { InferenceService, InferenceServiceProps } from '../serving/inference-service';
import { Predictor } from '../serving/predictor';
import { Storage } from '../serving/storage';
import { ModelFormat, ProtocolVersion } from '../serving/model-format';
import { RUNBOOK_BASE_URL } from './assets';

/**
 * The kgateway Gateway of write-ups 000/001, `kgateway-gateway` (class
 * `kgateway`): an HTTP listener on 80 for health checks and the redirect to
 * HTTPS only, an HTTPS listener on 443 with the referenced certificate Secret
 * admitting routes from the given namespaces; `/health` answered by the
 * gateway itself.
 */
export function kgatewayIngress(system: Namespace, options: { readonly certificate: string; readonly routeNamespaces: readonly Namespace[] }): Gateway {
  const gateway = new Gateway(system, 'kgateway-gateway', {
    provider: GatewayProvider.KGATEWAY,
    listeners: [
      Listener.http({ allowedRoutes: AllowedRoutes.sameNamespace() }),
      Listener.https({ certificates: [SecretRef.named(options.certificate)], allowedRoutes: AllowedRoutes.fromNamespaces([system, ...options.routeNamespaces]) }),
    ],
  });
  // Health checks are answered by the gateway, so they never reach a model.
  const healthy = new DirectResponse(system, 'health-ok', { status: 200, body: 'ok' });
  new HttpRoute(system, 'health', { parents: [gateway], rules: [{ matches: [{ path: PathMatch.exact('/health') }], filters: [healthy] }] });
  new HttpRoute(system, 'https-redirect', {
    parents: [gateway.listener('http')],
    rules: [{ filters: [HttpRouteFilter.requestRedirect({ scheme: 'https', statusCode: 301 })] }],
  });
  return gateway;
}

/** The two models of the kgateway write-ups, with their resources; `extra` adds scaling for production. */
export function kgatewayModels(models: Namespace, extra: Partial<InferenceServiceProps> = {}): { readonly iris: InferenceService; readonly mnist: InferenceService } {
  const model = (name: string, format: ModelFormat, storageUri: string, resources: ResourceRequirements) =>
    new InferenceService(models, name, { predictor: Predictor.model({ format: format, protocolVersion: ProtocolVersion.V1, storage: Storage.uri(storageUri), resources }), ...extra });
  return {
    iris: model('sklearn-iris', ModelFormat.SKLEARN, 'gs://kfserving-examples/models/sklearn/1.0/model', { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '1Gi' } }),
    mnist: model('tensorflow-mnist', ModelFormat.TENSORFLOW, 'gs://kfserving-examples/models/tensorflow/mnist', { requests: { cpu: '200m', memory: '512Mi' }, limits: { cpu: '2000m', memory: '2Gi' } }),
  };
}

/**
 * One endpoint per model on the HTTPS listener: its HTTPRoute matching
 * exactly that model's endpoints, and its monitoring with the gateway's view
 * of its traffic.
 */
export function modelEndpoints(
  models: Namespace,
  gateway: Gateway,
  gatewayMonitoring: GatewayMonitoring,
  list: readonly InferenceService[],
  access: EndpointAccess = EndpointAccess.policy(),
): ModelEndpoint[] {
  return list.map(
    (model) => new ModelEndpoint(models, `${model.serviceName}-endpoint`, { model, gateway: gateway.listener('https'), access, monitoring: { gateway: gatewayMonitoring, runbookBaseUrl: RUNBOOK_BASE_URL } }),
  );
}
