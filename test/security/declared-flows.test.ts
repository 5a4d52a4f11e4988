/**
 * SEC-N07: every network flow a construct declares (NetworkFlows.declare)
 * is allowed by the platform's NetworkPolicies at each end the platform owns.
 */
import { ApiObject, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { NetworkFlows } from '../../src/core/flows';
import { Namespace } from '../../src/core/namespace';
import { NetworkPeer } from '../../src/core/network-peer';
import { Platform } from '../../src/core/platform';
import { SecretRef } from '../../src/core/secret-ref';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { SynthError } from '../../src/delivery/synth';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { PodMonitor } from '../../src/observability/scrape';
import { HttpRoute } from '../../src/routing/http-route';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat } from '../../src/serving/model-format';
import { SecurityWaivers } from '../../src/security/waivers';
import { Storage } from '../../src/serving/storage';

function errorsOf(build: () => unknown): string[] {
  try {
    build();
  } catch (err) {
    if (err instanceof SynthError) return [...err.errors];
    throw err;
  }
  return [];
}

const RESOURCES = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };

const n07 = (errors: readonly string[]) => errors.filter((e) => e.includes('[SEC-N07]'));

function platform() {
  const app = Testing.app();
  const p = new Platform(app, 'p', { requireAccessPolicies: false });
  return { app, p };
}

function gatewayIn(ns: Namespace, provider: GatewayProvider) {
  return new Gateway(ns, 'gateway', { provider, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([Namespace.fromName(Platform.tryOf(ns)!, 'models-ref', 'models')]) })] });
}

describe('SEC-N07: declared flows are allowed by the NetworkPolicies', () => {
  it('fails when the proxy pods do not carry the labels the NetworkPolicies select (a provider whose selector its controller does not set), naming source, destination, port and the isolating policy', () => {
    const { app, p } = platform();
    const edge = new Namespace(p, 'edge');
    const models = new Namespace(p, 'models');
    // The controller labels its proxies `app.kubernetes.io/name: <gateway>`, but the provider was written with `app: acme-proxy`.
    const acme = GatewayProvider.custom('acme', 'acme', { dataPlane: (name, ns) => ({ namespace: ns, selector: { app: 'acme-proxy' }, labels: { 'app.kubernetes.io/name': name } }) });
    const gateway = gatewayIn(edge, acme);
    const iris = new InferenceService(models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://bucket/iris'), resources: RESOURCES }) });
    new HttpRoute(models, 'iris-route', { name: 'iris', parents: [gateway.listener('https')], rules: [{ matches: iris.routeMatches(), backends: [iris] }] });
    const errors = n07(errorsOf(() => buildPlatforms(app)));
    expect(errors).toEqual([
      expect.stringMatching(
        /^p\/httproute\.models\.iris\.yaml: HTTPRoute\/iris \(p\/models\/iris-route\): \(declared flow 1: requests the HTTPRoute sends to iris-predictor\): \[SEC-N07\] the flow it needs from the proxy pods of Gateway gateway \(pods \{"app\.kubernetes\.io\/name":"gateway"\} in edge\) to the pods of backend Service iris-predictor \(pods \{"serving\.kserve\.io\/inferenceservice":"iris","component":"predictor","app":"isvc\.iris-predictor"\} in models\) on 8080\/TCP is blocked at its source: NetworkPolicy edge\/allow-dns, edge\/default-deny isolate those pods for egress and none allows the flow; allow it in namespace edge \(Namespace\.allowEgress\), or remove the policy that isolates the pods\..*SecurityWaivers\.waive\(<its construct>, 'SEC-N07', '<why>'\)/,
      ),
      expect.stringMatching(/HTTPRoute\/iris .*\[SEC-N07\] the flow it needs from the proxy pods of Gateway gateway .* on 8080\/TCP is blocked at its destination: NetworkPolicy models\/allow-gateway-to-iris-predictor, models\/default-deny isolate those pods for ingress and none allows the flow; allow it in namespace models \(Namespace\.allowIngress\)/),
    ]);
  });

  it('passes for the same route when the provider states the labels its controller sets (kgateway: the Gateway name three times)', () => {
    const { app, p } = platform();
    const edge = new Namespace(p, 'edge');
    const models = new Namespace(p, 'models');
    const gateway = gatewayIn(edge, GatewayProvider.KGATEWAY);
    const iris = new InferenceService(models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://bucket/iris'), resources: RESOURCES }) });
    new HttpRoute(models, 'iris-route', { name: 'iris', parents: [gateway.listener('https')], rules: [{ matches: iris.routeMatches(), backends: [iris] }] });
    const outputs = buildPlatforms(app);
    const route = outputs[0].manifests.find((m) => m.object.kind === 'HTTPRoute')!;
    expect(route.flows).toEqual([
      {
        from: { namespace: 'edge', labels: { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/instance': 'gateway', 'gateway.networking.k8s.io/gateway-name': 'gateway' }, what: 'the proxy pods of Gateway gateway' },
        to: { namespace: 'models', labels: { 'serving.kserve.io/inferenceservice': 'iris', component: 'predictor', app: 'isvc.iris-predictor' }, what: 'the pods of backend Service iris-predictor' },
        port: 8080,
        purpose: 'requests the HTTPRoute sends to iris-predictor',
      },
    ]);
  });

  it('fails when a flow declared on an object (a workload of the user) is allowed nowhere, and passes once waived on that object with a reason listed in the README', () => {
    const build = (waive: boolean) => {
      const { app, p } = platform();
      const jobs = new Namespace(p, 'jobs');
      new Namespace(p, 'cache');
      const worker = new ApiObject(jobs, 'worker', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'worker' } });
      NetworkFlows.declare(worker, { from: { namespace: 'jobs', labels: { app: 'worker' }, what: 'the worker' }, to: { namespace: 'cache', labels: { app: 'redis' }, what: 'Redis' }, port: 6379, purpose: 'job queue' });
      if (waive) SecurityWaivers.waive(worker, 'SEC-N07', 'the queue is opened by the cluster team, outside this platform');
      return app;
    };
    expect(n07(errorsOf(() => buildPlatforms(build(false))))).toEqual([
      expect.stringMatching(/ConfigMap\/worker \(p\/jobs\/worker\): \(declared flow 1: job queue\): \[SEC-N07\] the flow it needs from the worker \(pods \{"app":"worker"\} in jobs\) to Redis \(pods \{"app":"redis"\} in cache\) on 6379\/TCP is blocked at its source: NetworkPolicy jobs\/allow-dns, jobs\/default-deny isolate those pods for egress/),
      expect.stringMatching(/ConfigMap\/worker .*on 6379\/TCP is blocked at its destination: NetworkPolicy cache\/default-deny isolates those pods for ingress/),
    ]);
    const outputs = buildPlatforms(build(true));
    expect(outputs[0].files['README.md']).toContain('| ConfigMap/jobs/worker | SEC-N07 | the queue is opened by the cluster team, outside this platform |');
  });

  it('checks only the ends the platform owns: a destination in a namespace the platform does not emit is not reported, its source is', () => {
    const { app, p } = platform();
    const jobs = new Namespace(p, 'jobs');
    new Namespace(p, 'shared', { external: true });
    const worker = new ApiObject(jobs, 'worker', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'worker' } });
    NetworkFlows.declare(worker, { from: { namespace: 'jobs', labels: { app: 'worker' }, what: 'the worker' }, to: { namespace: 'shared', labels: { app: 'redis' }, what: 'Redis' }, port: 6379, purpose: 'job queue' });
    NetworkFlows.declare(worker, { from: { namespace: 'monitoring', labels: { app: 'prometheus' }, what: 'Prometheus' }, to: { namespace: 'elsewhere', labels: {}, what: 'x' }, port: 80, purpose: 'nothing of ours' });
    const errors = n07(errorsOf(() => buildPlatforms(app)));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/to Redis \(pods \{"app":"redis"\} in shared\) on 6379\/TCP is blocked at its source: NetworkPolicy jobs\/allow-dns, jobs\/default-deny isolate/);
  });

  it('fails when an address flow is allowed only to other addresses (egress narrowed to the pod network while the flow goes to the internet)', () => {
    const { app, p } = platform();
    const models = new Namespace(p, 'models');
    const job = new ApiObject(models, 'fetch', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fetch' } });
    models.allowEgress('fetch-internal', { pods: { app: 'fetch' }, peers: [NetworkPeer.cidr('10.0.0.0/8')], ports: [{ port: 443 }] });
    NetworkFlows.declare(job, { from: { namespace: 'models', labels: { app: 'fetch' }, what: 'the fetcher' }, to: NetworkFlows.internet('the model hub hf.co'), port: 443, purpose: 'model download' });
    expect(n07(errorsOf(() => buildPlatforms(app)))).toEqual([
      expect.stringMatching(/to the model hub hf\.co \(0\.0\.0\.0\/0\) on 443\/TCP is blocked at its source: NetworkPolicy models\/allow-dns, models\/allow-fetch-internal, models\/default-deny isolate those pods for egress and none allows the flow/),
    ]);
  });
});

describe('flows the library fixes rather than waives', () => {
  it('a PodMonitor in one namespace that scrapes pods of another namespace of the platform opens their port to Prometheus there', () => {
    const { app, p } = platform();
    const ops = new Namespace(p, 'ops');
    new Namespace(p, 'models');
    new PodMonitor(ops, 'iris', { selector: { app: 'iris' }, port: 8080, namespaces: ['models'] });
    const outputs = buildPlatforms(app);
    const policy = outputs[0].manifests.find((m) => m.object.kind === 'NetworkPolicy' && m.object.metadata.namespace === 'models' && m.object.metadata.name === 'allow-metrics-ops-iris');
    expect((policy?.object as any)?.spec).toEqual({
      podSelector: { matchLabels: { app: 'iris' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
    expect(outputs[0].manifests.find((m) => m.object.kind === 'PodMonitor')?.flows?.[0]).toMatchObject({ from: { namespace: 'monitoring' }, to: { namespace: 'models', labels: { app: 'iris' } }, port: 8080 });
  });

  it("a Gateway whose control plane runs in a default-deny namespace of the platform admits its proxies' xDS connections there (and nowhere else)", () => {
    const { app, p } = platform();
    const system = new Namespace(p, 'kgateway-system');
    gatewayIn(system, GatewayProvider.KGATEWAY);
    const outputs = buildPlatforms(app);
    const policy = outputs[0].manifests.find((m) => m.object.kind === 'NetworkPolicy' && m.object.metadata.name === 'allow-gateway-xds-from-kgateway-system');
    expect((policy?.object as any)?.spec).toMatchObject({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kgateway' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 9977, protocol: 'TCP' }] }] });

    const open = platform();
    const openSystem = new Namespace(open.p, 'kgateway-system', { defaultDeny: false, defaultDenyWaiver: 'the controller install owns this namespace' });
    gatewayIn(openSystem, GatewayProvider.KGATEWAY);
    expect(buildPlatforms(open.app)[0].manifests.filter((m) => m.object.metadata.name?.includes('xds'))).toEqual([]);
  });

  it('the JWKS fetch through a StaticBackend reuses the backend’s own policy: one NetworkPolicy per gateway and host, not two identical ones', async () => {
    const { KgatewayProductionPlatform } = await import('../../src/platforms/kgateway-production.js');
    const app = Testing.app();
    new KgatewayProductionPlatform(app);
    const policies = buildPlatforms(app)[0].manifests.filter((m) => m.object.kind === 'NetworkPolicy');
    const specs = policies.map((m) => `${m.object.metadata.namespace} ${JSON.stringify((m.object as any).spec)}`);
    expect(specs.length).toBe(new Set(specs).size);
    expect(policies.map((m) => m.object.metadata.name)).toContain('allow-kgateway-gateway-to-identity-provider');
  });
});

describe('the reference platforms declare what the review found blocked, and dist/ allows it', () => {
  it("maas: every route AuthPolicy needs the Istio proxy's wasm-shim download from the kuadrant operator (8082), Authorino (50051) and Limitador (8081); the gateway end allows them", async () => {
    const { MaasPlatform } = await import('../../src/platforms/maas.js');
    const app = Testing.app();
    new MaasPlatform(app);
    const out = buildPlatforms(app)[0]; // SEC-N07 passes, or this throws
    const auth = out.manifests.filter((m) => m.object.kind === 'AuthPolicy');
    expect(auth.length).toBeGreaterThan(0);
    for (const m of auth) {
      expect((m.flows ?? []).map((f) => [f.purpose, 'namespace' in f.to ? f.to.namespace : '', f.port])).toEqual([
        ['external authorization', 'kuadrant-system', 50051],
        ['rate-limit checks', 'kuadrant-system', 8081],
        ['the wasm-shim download (Kuadrant on Istio)', 'kuadrant-system', 8082],
      ]);
      // The source is the proxy as Istio 1.30 labels it (kube-gateway.yaml), not only the selector the policies use.
      expect(m.flows?.[0].from).toMatchObject({ namespace: 'llm', labels: { 'gateway.networking.k8s.io/gateway-name': 'kuadrant-gateway', 'gateway.istio.io/managed': 'istio.io-gateway-controller' } });
    }
  });

  it('kgateway-kserve: the Gateway declares its proxies\' xDS connection to the kgateway controller (9977), which the platform allows', async () => {
    const { KgatewayKservePlatform } = await import('../../src/platforms/kgateway-kserve.js');
    const app = Testing.app();
    new KgatewayKservePlatform(app);
    const gateway = buildPlatforms(app)[0].manifests.find((m) => m.object.kind === 'Gateway')!;
    expect(gateway.flows).toEqual([
      expect.objectContaining({ to: { namespace: 'kgateway-system', labels: { 'app.kubernetes.io/name': 'kgateway' }, what: 'the kgateway control plane' }, port: 9977, purpose: 'configuration (xDS) of the proxies' }),
    ]);
  });
});
