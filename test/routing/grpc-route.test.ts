import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { GrpcMethodMatch, GrpcRoute } from '../../src/routing/grpc-route';
import { HttpRoute } from '../../src/routing/http-route';
import { HeaderMatch, PathMatch } from '../../src/routing/match';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { findObject, setup, synthObjects } from '../util';

function fixture() {
  const { app, ns } = setup(['gw', 'models']);
  const gateway = new Gateway(ns.gw, 'gateway', {
    provider: GatewayProvider.ISTIO,
    listeners: [Listener.http(), Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })],
  });
  return { app, ns, gateway };
}

describe('GrpcRoute', () => {
  it('routes a grpc-v2 InferenceService by service name and host, and opens its h2c port to the gateway', () => {
    const { app, ns, gateway } = fixture();
    const model = new InferenceService(ns.models, 'iris-grpc', { predictor: Predictor.model({ format: ModelFormat.TRITON, protocolVersion: ProtocolVersion.GRPC_V2, storage: Storage.uri('gs://b/iris') }) });
    const route = new GrpcRoute(ns.models, 'iris-grpc-route', {
      name: 'iris-grpc',
      parents: [gateway.listener('https')],
      hostnames: ['iris-grpc.models.example.com'],
      rules: [{ matches: model.grpcRouteMatches(), backends: [model] }],
    });
    route.allowPublicAccess('a test of gRPC routing without authentication');
    const objects = synthObjects(app);
    const r = findObject(objects, 'GRPCRoute', 'iris-grpc', 'models');
    expect(r.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(r.spec.hostnames).toEqual(['iris-grpc.models.example.com']);
    expect(r.spec.rules[0].matches).toEqual([{ method: { type: 'Exact', service: 'inference.GRPCInferenceService' } }]);
    expect(r.spec.rules[0].backendRefs).toEqual([{ name: 'iris-grpc-predictor', port: 80 }]);
    const isvc = findObject(objects, 'InferenceService', 'iris-grpc', 'models');
    expect(isvc.spec.predictor.model.ports).toEqual([{ containerPort: 8081, name: 'h2c', protocol: 'TCP' }]);
    expect(isvc.spec.predictor.model.protocolVersion).toBe('grpc-v2');
    expect(isvc.spec.predictor.model.readinessProbe.tcpSocket).toEqual({ port: 8081 });
    const np = findObject(objects, 'NetworkPolicy', 'allow-gateway-to-iris-grpc-predictor', 'models');
    expect(np.spec.ingress[0].ports).toEqual([{ port: 8081, protocol: 'TCP' }]);
    expect(r).toMatchSnapshot();
  });

  it('renders method and metadata matches, weights and header modifiers', () => {
    const { app, ns, gateway } = fixture();
    const r = new GrpcRoute(ns.models, 'r', {
      parents: [gateway.listener('https')],
      rules: [
        {
          matches: [{ method: GrpcMethodMatch.exact('helloworld.Greeter', 'SayHello'), headers: [HeaderMatch.exact('env', 'canary')] }],
          requestHeaders: { set: { 'x-via': 'gateway' } },
          backends: [
            { backend: Backend.service('greeter-v1', 50051), weight: 90 },
            { backend: Backend.service('greeter-v2', 50051), weight: 10 },
          ],
        },
      ],
    });
    r.allowPublicAccess('a test of gRPC routing without authentication');
    const rule = findObject(synthObjects(app), 'GRPCRoute', 'r').spec.rules[0];
    expect(rule.matches[0]).toEqual({ method: { type: 'Exact', service: 'helloworld.Greeter', method: 'SayHello' }, headers: [{ type: 'Exact', name: 'env', value: 'canary' }] });
    expect(rule.filters).toEqual([{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-via', value: 'gateway' }] } }]);
    expect(rule.backendRefs.map((b: { weight: number }) => b.weight)).toEqual([90, 10]);
  });

  describe('fails when', () => {
    it('it attaches to a plain-HTTP listener', () => {
      const { ns, gateway } = fixture();
      expect(() => new GrpcRoute(ns.gw, 'r', { parents: [gateway.listener('http')], rules: [] })).toThrow(/points at a plain-HTTP listener; gRPC needs an HTTPS listener/);
    });

    it('a method match names neither service nor method, or has bad characters', () => {
      const { ns, gateway } = fixture();
      const r = new GrpcRoute(ns.models, 'r', { parents: [gateway.listener('https')] });
      expect(() => r.addRule({ matches: [{ method: GrpcMethodMatch.exact() }], backends: [Backend.service('a', 1)] })).toThrow(/needs a service or a method/);
      expect(() => r.addRule({ matches: [{ method: GrpcMethodMatch.exact('bad service') }], backends: [Backend.service('a', 1)] })).toThrow(/must be a package-qualified service name/);
    });

    it.each(['requestHeaders', 'responseHeaders'] as const)('a %s modifier gives a credential header a literal value (never echoed)', (where) => {
      const { ns, gateway } = fixture();
      const r = new GrpcRoute(ns.models, 'r', { parents: [gateway.listener('https')] });
      const add = () => r.addRule({ [where]: { set: { Authorization: 'Bearer s3cr3t-token' } }, backends: [Backend.service('a', 8081)] });
      expect(add).toThrow(new RegExp(`rules\\[0\\]\\.${where}\\.set\\.Authorization would give a credential header a literal value.*\\(received: "<redacted>"\\)`));
      expect(add).not.toThrow(/s3cr3t/);
    });

    it('an HTTP-only model is attached through gRPC matches', () => {
      const { ns } = fixture();
      const rest = new InferenceService(ns.models, 'rest', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
      expect(() => rest.grpcRouteMatches()).toThrow(/protocolVersion is v1; only grpc-v2 models have a standard gRPC service/);
    });

    it('a GRPCRoute points at an HTTP-only model (the route construct refuses it, whatever the matches)', () => {
      const { ns, gateway } = fixture();
      const rest = new InferenceService(ns.models, 'rest', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
      const add = () => new GrpcRoute(ns.models, 'r', { parents: [gateway.listener('https')], rules: [{ matches: [{ method: GrpcMethodMatch.exact('inference.GRPCInferenceService') }], backends: [rest] }] });
      expect(add).toThrow(/rules\[0\]\.backendRefs\[0\] points at a backend that serves HTTP only, which a GRPCRoute cannot carry \(received: "rest-predictor"\)\. Fix: route it with an HttpRoute/);
    });

    it('an HTTPRoute points at a gRPC model', () => {
      const { ns, gateway } = fixture();
      const g = new InferenceService(ns.models, 'g', { predictor: Predictor.model({ format: ModelFormat.TRITON, protocolVersion: ProtocolVersion.GRPC_V2 }) });
      const add = () => new HttpRoute(ns.models, 'h', { parents: [gateway.listener('https')], rules: [{ matches: [{ path: PathMatch.prefix('/v2/models/g') }], backends: [g] }] });
      expect(add).toThrow(/rules\[0\]\.backendRefs\[0\] points at a backend that serves gRPC only, which an HTTPRoute cannot carry \(received: "g-predictor"\)\. Fix: route it with a GrpcRoute/);
    });

    it('a gRPC model is attached to an HTTPRoute', () => {
      const { ns } = fixture();
      const g = new InferenceService(ns.models, 'g', { predictor: Predictor.model({ format: ModelFormat.TRITON, protocolVersion: ProtocolVersion.GRPC_V2 }) });
      expect(() => g.routeMatches()).toThrow(/is gRPC, which an HTTPRoute cannot carry/);
    });

    it('a gRPC port is not named h2c', () => {
      const { ns } = fixture();
      expect(() => new InferenceService(ns.models, 'g', { predictor: Predictor.model({ format: ModelFormat.TRITON, protocolVersion: ProtocolVersion.GRPC_V2, ports: [{ containerPort: 9000, name: 'grpc' }] }) })).toThrow(
        /ports\[0\]\.name must be 'h2c' for a gRPC model/,
      );
    });
  });

  it('renders labels and annotations only when given', () => {
    const { app, ns, gateway } = fixture();
    const labelled = new GrpcRoute(ns.models, 'labelled', {
      parents: [gateway.listener('https')],
      labels: { gateway: 'gateway' },
      annotations: { 'example.com/owner': 'team-a' },
      rules: [{ backends: [Backend.service('svc', 8081)] }],
    });
    labelled.allowPublicAccess('a test of GRPCRoute metadata only');
    const plain = new GrpcRoute(ns.models, 'plain', { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('svc', 8081)] }] });
    plain.allowPublicAccess('a test of GRPCRoute metadata only');
    const objects = synthObjects(app);
    const l = findObject(objects, 'GRPCRoute', 'labelled', 'models');
    expect(l.metadata.labels).toMatchObject({ gateway: 'gateway' });
    expect(l.metadata.annotations).toEqual({ 'example.com/owner': 'team-a' });
    const p = findObject(objects, 'GRPCRoute', 'plain', 'models');
    expect(p.metadata.labels?.gateway).toBeUndefined();
    expect(p.metadata.annotations).toBeUndefined();
  });
});
