/**
 * A generated platform for the benchmark: an Istio gateway and N models,
 * each with its InferenceService, HTTPRoute, access policy (JWT, two tiers,
 * Kuadrant AuthPolicy and RateLimitPolicy) and monitoring bundle (monitor,
 * and its place in the alert and SLO rules and the dashboard of its kind).
 */
import { Construct } from 'constructs';
import { Namespace } from '../src/core/namespace';
import { Platform } from '../src/core/platform';
import { SecretRef } from '../src/core/secret-ref';
import { AllowedRoutes } from '../src/gateway/allowed-routes';
import { Gateway } from '../src/gateway/gateway';
import { GatewayProvider } from '../src/gateway/gateway-provider';
import { Listener } from '../src/gateway/listener';
import { GatewayMonitoring } from '../src/observability/gateway-monitoring';
import { KServeModelMonitoring } from '../src/observability/kserve-model-monitoring';
import { AccessPolicy } from '../src/policy/access-policy';
import { JwtAuth } from '../src/policy/authentication';
import { RateLimit, RateLimitMode } from '../src/policy/rate-limit';
import { Tier } from '../src/policy/tier';
import { HttpRoute } from '../src/routing/http-route';
import { InferenceService } from '../src/serving/inference-service';
import { Predictor } from '../src/serving/predictor';
import { Storage } from '../src/serving/storage';
import { ModelFormat } from '../src/serving/model-format';

/** Adds the generated platform with `models` models to `scope`. */
export function generatedPlatform(scope: Construct, models: number): Platform {
  const platform = new Platform(scope, `bench-${models}`);
  const edge = new Namespace(platform, 'edge');
  const ns = new Namespace(platform, 'models');
  const gateway = new Gateway(edge, 'gateway', {
    provider: GatewayProvider.ISTIO,
    listeners: [Listener.https({ certificates: [SecretRef.named('gateway-tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns]) })],
  });
  const gatewayMonitoring = new GatewayMonitoring(edge, 'gateway-monitoring', { gateway });
  const jwt = new JwtAuth({ issuer: 'https://auth.example.com/', jwksUri: 'https://auth.example.com/jwks' });
  for (let i = 0; i < models; i++) {
    const name = `model-${String(i).padStart(4, '0')}`;
    const model = new InferenceService(ns, name, {
      predictor: Predictor.model({
        format: ModelFormat.SKLEARN,
        storage: Storage.uri(`gs://bench-models/${name}`),
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      }),
    });
    const route = new HttpRoute(ns, `${name}-route`, { name, parents: [gateway.listener('https')], rules: [{ matches: model.routeMatches(), backends: [model] }] });
    const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)] });
    new AccessPolicy(ns, `${name}-access`, {
      gateway,
      routes: [route],
      authentication: [jwt],
      tiers: [basic, new Tier('premium', { limits: [RateLimit.perMinute(1000)], inherits: basic })],
      rateLimitMode: RateLimitMode.GLOBAL,
    });
    new KServeModelMonitoring(ns, `${name}-monitoring`, { model, traffic: gatewayMonitoring.trafficTo(model) });
  }
  return platform;
}
