import { describe, expect, it } from 'vitest';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { Listener } from '../../src/gateway/listener';
import { GatewayMonitoring } from '../../src/observability/gateway-monitoring';
import { HttpRoute } from '../../src/routing/http-route';
import { PathMatch } from '../../src/routing/match';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { findObject, setup, synthObjects } from '../util';
import { gatewayOf } from './fixtures';
import { alertNames, alertOf, selects } from './helpers';

describe('GatewayMonitoring', () => {
  for (const [provider, port, path, gatewayLabel] of [
    [GatewayProvider.KGATEWAY, 9091, '/metrics', 'gateway.networking.k8s.io/gateway-name'],
    [GatewayProvider.ENVOY_GATEWAY, 19001, '/stats/prometheus', 'gateway.envoyproxy.io/owning-gateway-name'],
    [GatewayProvider.ISTIO, 15090, '/stats/prometheus', 'gateway.networking.k8s.io/gateway-name'],
  ] as const) {
    it(`scrapes the ${provider.id} proxy pods of the Gateway`, () => {
      const { app, ns } = setup(['edge']);
      const gateway = gatewayOf(ns.edge, provider);
      new GatewayMonitoring(ns.edge, 'gateway-monitoring', { gateway });
      const objects = synthObjects(app);
      const pm = findObject(objects, 'PodMonitor', `${gateway.gatewayName}-proxy`, 'edge');
      const dataPlane = gateway.dataPlane!;
      expect(pm.spec.selector.matchLabels).toEqual(Object.fromEntries(Object.entries(dataPlane.selector).sort()));
      expect(selects(pm.spec.selector.matchLabels, { ...dataPlane.selector, 'app.kubernetes.io/name': 'proxy' })).toBe(true);
      expect(pm.spec.namespaceSelector).toEqual({ matchNames: [dataPlane.namespace] });
      expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: port, path });
      expect(pm.spec.podMetricsEndpoints[0].relabelings).toEqual([{ action: 'replace', sourceLabels: [`__meta_kubernetes_pod_label_${gatewayLabel.replace(/[./-]/g, '_')}`], targetLabel: 'gateway' }]);
      expect(alertNames(objects, `${gateway.gatewayName}-gateway-alerts`)).toEqual(['Gateway5xxRatioHigh', 'GatewayAuthFailureSpike', 'GatewayDown', 'GatewayRateLimitedSustained']);
      expect(findObject(objects, 'PrometheusRule', `${gateway.gatewayName}-gateway-alerts`)).toMatchSnapshot();
    });
  }

  it('reads Envoy listener and filter stats for kgateway', () => {
    const { app, ns } = setup(['edge']);
    const gateway = gatewayOf(ns.edge, GatewayProvider.KGATEWAY, 'gw');
    new GatewayMonitoring(ns.edge, 'gateway-monitoring', { gateway, errorRatio: 0.02, rateLimitedPerSecond: 5 });
    const objects = synthObjects(app);
    const errors = alertOf(objects, 'gw-gateway-alerts', 'Gateway5xxRatioHigh');
    expect(errors.expr).toContain('envoy_http_downstream_rq_xx{gateway="gw",namespace="edge",envoy_response_code_class="5"}');
    expect(errors.expr.endsWith('> 0.02')).toBe(true);
    const limited = alertOf(objects, 'gw-gateway-alerts', 'GatewayRateLimitedSustained');
    expect(limited.expr).toBe('sum by (envoy_cluster_name, gateway, namespace) (rate(envoy_cluster_ratelimit_over_limit{gateway="gw",namespace="edge"}[10m])) > 5');
    expect(limited.for).toBe('15m');
    const auth = alertOf(objects, 'gw-gateway-alerts', 'GatewayAuthFailureSpike');
    expect(auth.expr).toContain('envoy_cluster_ext_authz_denied');
    expect(auth.expr).toContain('envoy_http_jwt_authn_denied');
    expect(auth.labels).toEqual({ gateway_provider: 'kgateway', severity: 'warning' });
    expect(findObject(objects, 'NetworkPolicy', 'allow-metrics-gw-proxy', 'edge').spec.ingress[0].ports).toEqual([{ port: 9091, protocol: 'TCP' }]);
  });

  it('counts 429 and 401/403 responses for Istio', () => {
    const { app, ns } = setup(['edge']);
    const gateway = gatewayOf(ns.edge, GatewayProvider.ISTIO, 'gw');
    new GatewayMonitoring(ns.edge, 'gateway-monitoring', { gateway });
    const objects = synthObjects(app);
    expect(alertOf(objects, 'gw-gateway-alerts', 'GatewayRateLimitedSustained').expr).toContain('istio_requests_total{gateway="gw",namespace="edge",response_code="429"}');
    expect(alertOf(objects, 'gw-gateway-alerts', 'GatewayAuthFailureSpike').expr).toContain('response_code=~"401|403"');
  });

  it('gives the gateway view of a model backend', () => {
    const { ns } = setup(['edge', 'ml-models']);
    const iris = new InferenceService(ns['ml-models'], 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
    const kg = new GatewayMonitoring(ns.edge, 'kg', { gateway: gatewayOf(ns.edge, GatewayProvider.KGATEWAY) });
    expect(kg.trafficTo(iris).spec.target).toEqual({ envoy_cluster_name: 'kube_ml-models_iris-predictor_80' });
    const is = new GatewayMonitoring(ns.edge, 'is', { gateway: gatewayOf(ns.edge, GatewayProvider.ISTIO) });
    expect(is.trafficTo(iris).spec.target).toEqual({ destination_service_name: 'iris-predictor', destination_service_namespace: 'ml-models' });
  });

  it('on Istio, counts a gRPC model\'s failures by its non-zero grpc-status (gRPC answers HTTP 200 on errors, invisible to a 5xx count)', () => {
    const { ns } = setup(['edge', 'ml-models']);
    const triton = new InferenceService(ns['ml-models'], 'triton', { predictor: Predictor.model({ format: ModelFormat.TRITON, protocolVersion: ProtocolVersion.GRPC_V2 }) });
    const iris = new InferenceService(ns['ml-models'], 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
    const is = new GatewayMonitoring(ns.edge, 'is', { gateway: gatewayOf(ns.edge, GatewayProvider.ISTIO) });
    const errors = (m: InferenceService) => is.trafficTo(m).spec.errors?.matchers?.map((x) => x.render());
    expect(errors(triton)).toEqual(['grpc_response_status!~"0|"']);
    expect(errors(iris)).toEqual(['response_code=~"5.."']);
  });

  it('on Envoy Gateway, finds the route rule that sends to the model (Envoy Gateway names clusters per rule), and refuses a model no rule reaches', () => {
    const { ns } = setup(['edge', 'ml-models']);
    const models = ns['ml-models'];
    const iris = new InferenceService(models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
    const other = new InferenceService(models, 'other', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
    const gateway = new Gateway(ns.edge, 'eg-gateway', { provider: GatewayProvider.ENVOY_GATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([models]) })] });
    new HttpRoute(models, 'iris-route', {
      name: 'iris',
      parents: [gateway.listener('https')],
      rules: [
        { matches: [{ path: PathMatch.exact('/health') }], backends: [other] },
        { matches: iris.routeMatches(), backends: [iris] },
      ],
    }).allowPublicAccess('a test platform without authentication');
    const eg = new GatewayMonitoring(ns.edge, 'eg', { gateway });
    expect(eg.trafficTo(iris).spec.target).toEqual({ envoy_cluster_name: 'httproute/ml-models/iris/rule/1' });
    const unrouted = new InferenceService(models, 'unrouted', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
    expect(() => eg.trafficTo(unrouted)).toThrow(/test\/edge\/eg: backend is reached by no HTTPRoute rule of Gateway eg-gateway yet .*\(received: "ml-models\/unrouted-predictor:80"\)\. Fix: create the HttpRoute to the backend before its monitoring/);
  });

  it('fails when the Gateway is served by Kong or an unknown provider', () => {
    const { ns } = setup(['edge']);
    expect(() => new GatewayMonitoring(ns.edge, 'm', { gateway: gatewayOf(ns.edge, GatewayProvider.KONG) })).toThrow(/use KongMonitoring/);
    expect(() => new GatewayMonitoring(ns.edge, 'n', { gateway: gatewayOf(ns.edge, GatewayProvider.custom('x', 'x-class')) })).toThrow(/provider: unknown|provider: x/);
  });

  it('fails when a threshold is out of range', () => {
    const { ns } = setup(['edge']);
    expect(() => new GatewayMonitoring(ns.edge, 'm', { gateway: gatewayOf(ns.edge, GatewayProvider.KGATEWAY), authFailureRatio: 1.5 })).toThrow(/authFailureRatio must be strictly between 0 and 1/);
  });
});
