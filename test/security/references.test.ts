/**
 * References: every ConfigMap, ServiceAccount, Service and GatewayClass an
 * object refers to is produced by the platform (or by the controller that
 * serves its objects, or by Kubernetes), or is listed automatically, from the
 * reference itself, in the README's "Cluster setup outside dist/" section.
 */
import { ApiObject, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { Namespace } from '../../src/core/namespace';
import { Platform } from '../../src/core/platform';
import { SecretRef } from '../../src/core/secret-ref';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { HttpRoute } from '../../src/routing/http-route';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat } from '../../src/serving/model-format';
import { Storage } from '../../src/serving/storage';

const RESOURCES = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };

function platform() {
  const app = Testing.app();
  const p = new Platform(app, 'p', { requireAccessPolicies: false });
  return { app, p, models: new Namespace(p, 'models') };
}

function setupSection(app: ReturnType<typeof Testing.app>): string {
  const readme = buildPlatforms(app, { validate: false, security: false })[0].files['README.md'];
  const start = readme.indexOf('Cluster setup outside dist/');
  return start < 0 ? '' : readme.slice(start, readme.indexOf('\n## ', start + 1) < 0 ? undefined : readme.indexOf('\n## ', start + 1));
}

/** A Deployment the user writes as a raw object (the escape hatch), with the given pod spec. */
function rawDeployment(ns: Namespace, pod: Record<string, unknown>) {
  return new ApiObject(ns, 'worker', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'worker' },
    spec: { selector: { matchLabels: { app: 'worker' } }, template: { metadata: { labels: { app: 'worker' } }, spec: pod } },
  });
}

describe('References are produced or listed as cluster setup', () => {
  it('lists a ConfigMap a pod mounts, reads with envFrom or a configMapKeyRef, when nothing in the folder creates it, with every reference', () => {
    const { app, models } = platform();
    rawDeployment(models, {
      volumes: [{ name: 'cfg', configMap: { name: 'worker-config' } }, { name: 'ca', configMap: { name: 'kube-root-ca.crt' } }],
      containers: [{ name: 'w', image: 'w:1', envFrom: [{ configMapRef: { name: 'worker-env' } }], env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'worker-config', key: 'mode' } } }] }],
    });
    const setup = setupSection(app);
    expect(setup).toContain(
      '### ConfigMap models/worker-config\n\nThe ConfigMap `worker-config` in namespace `models` must exist; nothing in this folder creates it. Referred to by: spec.template.spec.containers[0].env MODE of Deployment models/worker; spec.template.spec.volumes[0] of Deployment models/worker. Pods that mount it',
    );
    expect(setup).toContain('### ConfigMap models/worker-env\n');
    expect(setup).not.toContain('kube-root-ca.crt'); // Kubernetes publishes it in every namespace
  });

  it('does not list a ConfigMap the platform emits, nor an optional one', () => {
    const { app, models } = platform();
    new ApiObject(models, 'cfg', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'worker-config' }, data: { mode: 'fast' } });
    rawDeployment(models, { volumes: [{ name: 'cfg', configMap: { name: 'worker-config' } }, { name: 'opt', configMap: { name: 'maybe', optional: true } }], containers: [{ name: 'w', image: 'w:1' }] });
    expect(setupSection(app)).not.toMatch(/ConfigMap models\//);
  });

  it('lists the ServiceAccount of an InferenceService that nothing creates (KServe then creates no predictor pod), not the default one', () => {
    const { app, models } = platform();
    new InferenceService(models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://bucket/iris'), resources: RESOURCES }), serviceAccount: { serviceAccountName: 'model-reader' } });
    rawDeployment(models, { serviceAccountName: 'default', containers: [{ name: 'w', image: 'w:1' }] });
    const setup = setupSection(app);
    expect(setup).toContain('### ServiceAccount models/model-reader\n\nThe ServiceAccount `model-reader` in namespace `models` must exist; nothing in this folder creates it. Referred to by: spec.predictor.serviceAccountName of InferenceService models/iris.');
    expect(setup).not.toContain('ServiceAccount models/default');
  });

  it('lists a backend Service outside the platform a route sends to, but not the Services KServe creates for an InferenceService', () => {
    const { app, p, models } = platform();
    const edge = new Namespace(p, 'edge');
    const gateway = new Gateway(edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([models]) })] });
    const iris = new InferenceService(models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://bucket/iris'), resources: RESOURCES }) });
    new HttpRoute(models, 'iris-route', { name: 'iris', parents: [gateway.listener('https')], rules: [{ matches: iris.routeMatches(), backends: [iris] }] });
    new HttpRoute(models, 'api-route', { name: 'api', parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('inventory', 8080, { namespace: 'apps' })] }] });
    const setup = setupSection(app);
    expect(setup).toContain('### Service apps/inventory\n\nThe Service `inventory` in namespace `apps` must exist; nothing in this folder creates it. Referred to by: spec.rules[0].backendRefs[0] of HTTPRoute models/api.');
    expect(setup).not.toContain('iris-predictor');
  });

  it("lists the Gateway's GatewayClass with who creates it at the pinned controller (kgateway, Istio), and not one the platform emits", () => {
    const { app, p } = platform();
    const edge = new Namespace(p, 'edge');
    new Gateway(edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.http()] });
    new Gateway(edge, 'mesh', { provider: GatewayProvider.ISTIO, listeners: [Listener.http()] });
    new Gateway(edge, 'own', { gatewayClassName: 'own-class', listeners: [Listener.http()] });
    new ApiObject(p, 'own-class', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'own-class' }, spec: { controllerName: 'example.com/gateway' } });
    const setup = setupSection(app);
    expect(setup).toContain('### GatewayClass kgateway\n\nThe GatewayClass `kgateway` must exist; nothing in this folder creates it. Referred to by: gatewayClassName of Gateway edge/gw. The Gateway stays unaccepted');
    expect(setup).toContain('The kgateway installation creates it (controllerName `kgateway.dev/kgateway`).');
    expect(setup).toContain('### GatewayClass istio\n');
    expect(setup).not.toContain('own-class');
  });

  it('lists the reference platforms’ real prerequisites: the kgateway class, the Services Kong routes to outside it, the tracing collector', async () => {
    const { defineReferencePlatforms } = await import('../../src/platforms/index.js');
    const app = Testing.app();
    defineReferencePlatforms(app);
    const byName = Object.fromEntries(buildPlatforms(app).map((o) => [o.name, (o.setupNotes ?? []).map((n) => n.topic)]));
    expect(byName['kgateway-kserve']).toContain('GatewayClass kgateway');
    expect(byName['kong-gateway']).toEqual(expect.arrayContaining(['Service aikernel/catalog-web', 'Service platform-internal/ops-console']));
    expect(byName['kong-gateway']).not.toContain('GatewayClass kong'); // emitted by the platform
    expect(byName['kgateway-production']).toContain('Service monitoring/jaeger-collector');
  });

  it('says where Grafana must look for the dashboard ConfigMaps, which stay in the namespaces they describe', async () => {
    const { KgatewayProductionPlatform } = await import('../../src/platforms/kgateway-production.js');
    const app = Testing.app();
    new KgatewayProductionPlatform(app);
    const note = (buildPlatforms(app)[0].setupNotes ?? []).find((n) => n.topic === 'Grafana dashboard discovery');
    expect(note?.text).toContain('in the namespaces they describe (`ml-models-prod`, `monitoring`)');
    expect(note?.text).toContain('`sidecar.dashboards.searchNamespace: ALL`');
  });
});
