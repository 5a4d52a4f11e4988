import { Construct } from 'constructs';
import { Namespace } from '../core/namespace';
import { Platform } from '../core/platform';
import { SecretRef } from '../core/secret-ref';
import { Gateway } from '../gateway/gateway';
import { AccessLog } from '../observability/access-log';
import { GatewayMonitoring } from '../observability/gateway-monitoring';
import { KServeModelMonitoring } from '../observability/kserve-model-monitoring';
import { OpaMonitoring } from '../observability/opa-monitoring';
import { PlatformDashboard } from '../observability/platform-dashboard';
import { tracingFor } from '../observability/tracing';
import { TracingCollector } from '../observability/tracing-collector';
import { AccessPolicy } from '../policy/access-policy';
import { JwtAuth } from '../policy/authentication';
import { StaticBackend } from '../policy/kgateway/static-backend';
import { OpaAuthorizer } from '../policy/opa-authorizer';
import { RateLimit, RateLimitMode } from '../policy/rate-limit';
import { RedisReference } from '../policy/redis';
import { Tier } from '../policy/tier';
import { ModelEndpoint } from '../platform/model-endpoint';
import { Autoscaling } from '../serving/autoscaling';
import { InferenceService } from '../serving/inference-service';
import { platformAsset, RUNBOOK_BASE_URL } from './assets';
import { kgatewayIngress, kgatewayModels, modelEndpoints } from './kgateway-common';

/** Identity provider of the production platform (a Keycloak realm in the write-up). */
const PRODUCTION_ISSUER = 'https://auth.example.com/realms/ml-platform';

/**
 * Reference platform `kgateway-production` (deployment 000): the models of
 * `kgateway-kserve`, protected and operated for production.
 *
 * - Access: JWT (RS256) from the `ml-platform` realm, role claim `role`
 *   with admin > premium > basic; basic may call `sklearn-iris`, premium also
 *   `tensorflow-mnist`, admin everything; OPA (Envoy ext_authz) enforces the
 *   request-shape rules of `policies/kgateway-production.rego`; deny by
 *   default.
 * - Limits: basic 100 requests/minute per user, premium 1000, admin
 *   unlimited, counted globally in Redis by the Envoy rate-limit service.
 * - Scale: 2 to 10 replicas per model on CPU, resource limits as the write-up.
 * - Observability: gateway, model and OPA monitors, alerts with unit tests,
 *   SLOs, dashboards, access logs, tracing to Jaeger in `monitoring`.
 *
 * Namespaces are suffixed `-prod` so this platform and `kgateway-kserve`
 * can share a cluster. The write-up's insecure parts (default Grafana
 * password, port-forwards, `allowedRoutes: All`) are not reproduced.
 */
export class KgatewayProductionPlatform extends Platform {
  /** The gateway. */
  public readonly gateway: Gateway;
  /** The models, by name. */
  public readonly models: Readonly<Record<string, InferenceService>>;
  /** The models' endpoints (route, access, monitoring), by model name. */
  public readonly endpoints: Readonly<Record<string, ModelEndpoint>>;
  /** The access policy. */
  public readonly accessPolicy: AccessPolicy;

  public constructor(scope: Construct, id = 'kgateway-production') {
    super(scope, id, { description: 'kgateway ingress for KServe in production: JWT with roles, RBAC per model, OPA, per-tier limits in Redis, full observability.' });
    const system = new Namespace(this, 'kgateway-prod');
    const models = new Namespace(this, 'ml-models-prod');
    const monitoring = new Namespace(this, 'monitoring', { external: true });

    this.gateway = kgatewayIngress(system, { certificate: 'kgateway-prod-cert', routeNamespaces: [models] });
    const { iris, mnist } = kgatewayModels(models, { minReplicas: 2, maxReplicas: 10, autoscaling: Autoscaling.cpu(70) });
    this.models = { [iris.serviceName]: iris, [mnist.serviceName]: mnist };
    const bundle = { runbookBaseUrl: RUNBOOK_BASE_URL };
    const gatewayMonitoring = new GatewayMonitoring(system, 'gateway-monitoring', { gateway: this.gateway, ...bundle });
    const endpoints = modelEndpoints(models, this.gateway, gatewayMonitoring, [iris, mnist]);
    const [irisEndpoint, mnistEndpoint] = endpoints;
    this.endpoints = Object.fromEntries(endpoints.map((e) => [e.model.serviceName, e]));

    const idp = new StaticBackend(models, 'identity-provider', { host: 'auth.example.com' });
    idp.allowGateway(this.gateway);
    const opa = new OpaAuthorizer(system, 'opa', { policyFile: platformAsset('policies/kgateway-production.rego') });

    const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)], models: [irisEndpoint] });
    const premium = new Tier('premium', { limits: [RateLimit.perMinute(1000)], models: [mnistEndpoint], inherits: basic });
    const admin = new Tier('admin', { unlimited: true, models: '*', inherits: premium });
    this.accessPolicy = new AccessPolicy(models, 'model-access', {
      gateway: this.gateway,
      routes: endpoints,
      authentication: [
        new JwtAuth({
          issuer: PRODUCTION_ISSUER,
          jwksUri: `${PRODUCTION_ISSUER}/protocol/openid-connect/certs`,
          algorithms: ['RS256'],
          tierClaim: 'role',
          jwksBackend: idp,
        }),
      ],
      externalAuthorizer: opa,
      tiers: [basic, premium, admin],
      rateLimitMode: RateLimitMode.GLOBAL,
      redis: RedisReference.of({ host: 'redis-master.redis.svc.cluster.local', password: { secret: SecretRef.named('redis-auth'), key: 'redis-password' }, namespace: 'redis' }),
    });

    new OpaMonitoring(system, 'opa-monitoring', { ...bundle });
    new PlatformDashboard(monitoring, 'overview', { name: 'kgateway-production-overview', gateways: [gatewayMonitoring], models: endpoints.map((e) => e.monitoring).filter((m): m is KServeModelMonitoring => m instanceof KServeModelMonitoring), namespaces: [system.name, models.name] });
    tracingFor(system, 'tracing', { gateway: this.gateway, collector: TracingCollector.jaeger(), samplingRate: 0.1 });
    new AccessLog(system, 'access-log', { gateway: this.gateway });
  }
}
