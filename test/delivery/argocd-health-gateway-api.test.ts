import { describe, expect, it } from 'vitest';
import { GATEWAY_HEALTH, GRPC_ROUTE_HEALTH, HTTP_ROUTE_HEALTH } from '../../src/delivery/argocd/health/gateway-api';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { BACKENDS_SYNCED_LATER_ANNOTATION, CERTIFICATES_SYNCED_LATER_ANNOTATION, SYNC_WAVE_ANNOTATION } from '../../src/delivery/sync-waves';
import { GraphNode, GraphStep, InferenceGraph } from '../../src/serving/inference-graph';
import { Backend } from '../../src/core/backend';
import { HttpRoute } from '../../src/routing/http-route';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { SecretRef } from '../../src/core/secret-ref';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat } from '../../src/serving/model-format';
import { runHealth } from './argocd-health-lua';
import { setup } from '../util';
import { Storage } from '../../src/serving/storage';

/**
 * Argo CD's own HTTPRoute, GRPCRoute and Gateway checks (argo-cd v3.5.1
 * resource_customizations/gateway.networking.k8s.io/*) call a route with a
 * missing backend Service, and a Gateway with a missing certificate Secret,
 * Degraded; in a sync with several waves that fails the sync
 * (gitops-engine/pkg/sync/sync_context.go). The library syncs routes before
 * the InferenceServices whose Services they use, and a Gateway before its
 * Certificate: its replacement checks let exactly those wait.
 */
const cond = (type: string, status: string, reason: string, message = '', observedGeneration = 3) => ({ type, status, reason, message, observedGeneration });

function route(kind: string, annotations: Record<string, string> | undefined, conditions: unknown[] | undefined) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind,
    metadata: { name: 'iris', namespace: 'models', generation: 3, annotations },
    spec: {},
    status: conditions === undefined ? undefined : { parents: [{ parentRef: { name: 'gw' }, controllerName: 'example.com/gateway', conditions }] },
  };
}

const awaiting = { [BACKENDS_SYNCED_LATER_ANNOTATION]: 'InferenceService/models/iris' };
const missing = cond('ResolvedRefs', 'False', 'BackendNotFound', 'Service "iris-predictor" not found');

describe.each([
  ['HTTPRoute', HTTP_ROUTE_HEALTH],
  ['GRPCRoute', GRPC_ROUTE_HEALTH],
] as const)('%s health', (kind, check) => {
  it('waits for a backend Service a later wave creates, naming it, only when the route says so', async () => {
    const waiting = await runHealth(check.lua, route(kind, awaiting, [cond('Accepted', 'True', 'Accepted'), missing]));
    expect(waiting.status).toBe('Healthy');
    expect(waiting.message).toContain('Service "iris-predictor" not found');
    expect(waiting.message).toContain('InferenceService/models/iris');
    // Any other route with a missing backend is Degraded, as Argo CD's own check says.
    expect((await runHealth(check.lua, route(kind, undefined, [cond('Accepted', 'True', 'Accepted'), missing]))).status).toBe('Degraded');
    // A missing backend for another reason (a wrong kind) is Degraded even on an awaiting route.
    expect((await runHealth(check.lua, route(kind, awaiting, [cond('Accepted', 'True', 'Accepted'), cond('ResolvedRefs', 'False', 'InvalidKind', 'bad kind')]))).status).toBe('Degraded');
  });

  it('judges like Argo CD otherwise: no status or an older generation Progressing, refused Degraded, accepted Healthy', async () => {
    expect((await runHealth(check.lua, route(kind, undefined, undefined))).status).toBe('Progressing');
    expect((await runHealth(check.lua, route(kind, undefined, [cond('Accepted', 'True', 'Accepted', '', 2)]))).status).toBe('Progressing');
    const refused = await runHealth(check.lua, route(kind, awaiting, [cond('Accepted', 'False', 'NotAllowedByListeners', 'no listener admits the route')]));
    expect(refused).toEqual({ status: 'Degraded', message: 'Gateway/gw: Accepted=False (NotAllowedByListeners): no listener admits the route' });
    expect((await runHealth(check.lua, route(kind, undefined, [cond('Accepted', 'True', 'Accepted'), cond('ResolvedRefs', 'True', 'ResolvedRefs')]))).status).toBe('Healthy');
    expect((await runHealth(check.lua, route(kind, undefined, [cond('Accepted', 'True', 'Accepted'), cond('Programmed', 'False', 'Pending')]))).status).toBe('Progressing');
  });
});

function gateway(annotations: Record<string, string> | undefined, status: unknown) {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'kong', namespace: 'kong', generation: 3, annotations }, spec: {}, status };
}

describe('Gateway health', () => {
  const certWaiting = {
    conditions: [cond('Accepted', 'True', 'ListenersNotValid', 'some listeners are invalid'), cond('Programmed', 'True', 'Programmed')],
    listeners: [
      { name: 'http', conditions: [cond('Accepted', 'True', 'Accepted'), cond('ResolvedRefs', 'True', 'ResolvedRefs'), cond('Programmed', 'True', 'Programmed')] },
      { name: 'https', conditions: [cond('Accepted', 'True', 'Accepted'), cond('ResolvedRefs', 'False', 'InvalidCertificateRef', 'Secret kong/kong-tls not found'), cond('Programmed', 'False', 'Invalid')] },
    ],
  };

  it('waits for a listener certificate a later wave issues, only when the Gateway says so', async () => {
    const waiting = await runHealth(GATEWAY_HEALTH.lua, gateway({ [CERTIFICATES_SYNCED_LATER_ANNOTATION]: 'Certificate/kong/kong-tls' }, certWaiting));
    expect(waiting.status).toBe('Healthy');
    expect(waiting.message).toContain('Secret kong/kong-tls not found');
    expect(waiting.message).toContain('Certificate/kong/kong-tls');
    const other = await runHealth(GATEWAY_HEALTH.lua, gateway(undefined, certWaiting));
    expect(other).toEqual({ status: 'Degraded', message: 'Listener https: ResolvedRefs=False (InvalidCertificateRef): Secret kong/kong-tls not found' });
    // When the only listener waits, the Gateway itself is not accepted (ListenersNotValid): still waiting.
    const only = { conditions: [cond('Accepted', 'False', 'ListenersNotValid', 'no valid listener'), cond('Programmed', 'False', 'Invalid')], listeners: [certWaiting.listeners[1]] };
    expect((await runHealth(GATEWAY_HEALTH.lua, gateway({ [CERTIFICATES_SYNCED_LATER_ANNOTATION]: 'Certificate/kong/kong-tls' }, only))).status).toBe('Healthy');
    expect((await runHealth(GATEWAY_HEALTH.lua, gateway(undefined, only))).status).toBe('Degraded');
  });

  it('judges like Argo CD otherwise', async () => {
    expect((await runHealth(GATEWAY_HEALTH.lua, gateway(undefined, undefined))).status).toBe('Progressing');
    const programming = { conditions: [cond('Accepted', 'True', 'Accepted'), cond('Programmed', 'False', 'Pending', 'waiting for the proxy')] };
    expect(await runHealth(GATEWAY_HEALTH.lua, gateway(undefined, programming))).toEqual({ status: 'Progressing', message: 'Programmed=False (Pending): waiting for the proxy' });
    const ready = { conditions: [cond('Accepted', 'True', 'Accepted'), cond('Programmed', 'True', 'Programmed')], listeners: certWaiting.listeners.slice(0, 1) };
    expect((await runHealth(GATEWAY_HEALTH.lua, gateway(undefined, ready))).status).toBe('Healthy');
    expect((await runHealth(GATEWAY_HEALTH.lua, gateway(undefined, { conditions: [cond('Accepted', 'False', 'InvalidParameters', 'bad class parameters')] }))).status).toBe('Degraded');
  });
});

describe('which objects wait', () => {
  it('a route to an InferenceService (synced later) is annotated with it; a route to a plain Service is not', () => {
    const { app, ns } = setup(['models']);
    const gw = new Gateway(ns.models, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('gw-tls')], allowedRoutes: AllowedRoutes.sameNamespace() })] });
    const iris = new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://kfserving-examples/models/sklearn/1.0/model') }) });
    new HttpRoute(ns.models, 'iris-route', { name: 'iris', parents: [gw], rules: [{ matches: iris.routeMatches(), backends: [iris] }] }).allowPublicAccess('a test of sync waves only');
    new HttpRoute(ns.models, 'svc-route', { name: 'svc-route', parents: [gw], rules: [{ backends: [Backend.service('catalog', 8080)] }] }).allowPublicAccess('a test of sync waves only');
    const [platform] = buildPlatforms(app, { security: false });
    const annotationsOf = (name: string) => platform.manifests.find((m) => m.object.kind === 'HTTPRoute' && m.object.metadata.name === name)!.object.metadata.annotations!;
    expect(annotationsOf('iris')[BACKENDS_SYNCED_LATER_ANNOTATION]).toBe('InferenceService/models/iris');
    expect(annotationsOf('svc-route')[BACKENDS_SYNCED_LATER_ANNOTATION]).toBeUndefined();
    expect(platform.files['README.md']).toContain('### Argo CD health checks');
  });

  it('an InferenceGraph syncs with the models, and a route to it (even one an access policy protects, wave 7) waits for it', () => {
    const { app, ns } = setup(['models'], { requireAccessPolicies: false });
    const gw = new Gateway(ns.models, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('gw-tls')], allowedRoutes: AllowedRoutes.sameNamespace() })] });
    const graph = new InferenceGraph(ns.models, 'chain', { root: GraphNode.sequence([GraphStep.url('http://scorer.models.svc.cluster.local/v1/models/s:predict')]) });
    new HttpRoute(ns.models, 'chain-route', { name: 'chain', parents: [gw], rules: [{ backends: [graph] }] }).allowPublicAccess('a test of sync waves only');
    const [platform] = buildPlatforms(app, { security: false });
    const find = (kind: string) => platform.manifests.find((m) => m.object.kind === kind && m.object.metadata.name === 'chain')!.object.metadata.annotations!;
    expect(find('InferenceGraph')[SYNC_WAVE_ANNOTATION]).toBe('9');
    expect(find('HTTPRoute')[BACKENDS_SYNCED_LATER_ANNOTATION]).toBe('InferenceGraph/models/chain');
  });
});
