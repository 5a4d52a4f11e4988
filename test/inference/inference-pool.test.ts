import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { SecretRef } from '../../src/core/secret-ref';
import { Namespace } from '../../src/core/namespace';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { EndpointPicker, EndpointPickerMetricsAuth, EndpointPickerPorts, EPP_METRICS_AUTH_WAIVER } from '../../src/inference/endpoint-picker';
import { EndpointPickerConfig } from '../../src/inference/endpoint-picker-config';
import { InferenceModelRewrite } from '../../src/inference/inference-model-rewrite';
import { InferenceObjective } from '../../src/inference/inference-objective';
import { EndpointPickerRef, FailureMode, InferencePool, InferencePoolAppProtocol } from '../../src/inference/inference-pool';
import { ModelServers } from '../../src/inference/model-servers';
import { HttpRoute } from '../../src/routing/http-route';
import { GrpcRoute } from '../../src/routing/grpc-route';
import { PathMatch } from '../../src/routing/match';
import { checkSecurity, formatFinding } from '../../src/security/check';
import { SecurityWaivers } from '../../src/security/waivers';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat } from '../../src/serving/model-format';
import { Transformer } from '../../src/serving/components';
import { formatIssue, validateObjects } from '../../src/validate';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { ServiceMonitor } from '../../src/observability/scrape';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';
import { Storage } from '../../src/serving/storage';

/** A vLLM model as an InferenceService (Standard mode) behind an InferencePool and its picker, routed through `provider`'s gateway. */
function build(options: { provider?: GatewayProvider; replicas?: number; metricsAuth?: EndpointPickerMetricsAuth; failureMode?: FailureMode; route?: boolean } = {}) {
  const f = setup(['gw', 'models'], { requireAccessPolicies: false });
  const gateway = new Gateway(f.ns.gw, 'gateway', { provider: options.provider ?? GatewayProvider.ISTIO, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models, f.ns.gw]) })] });
  const qwen = new InferenceService(f.ns.models, 'qwen', {
    predictor: Predictor.model({
      format: ModelFormat.custom('vllm'),
      storage: Storage.uri('hf://Qwen/Qwen2.5-7B-Instruct'),
      resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', nvidiaGpu: '1' } },
    }),
  });
  const pool = new InferencePool(f.ns.models, 'qwen-pool', { modelServers: ModelServers.of(qwen), failureMode: options.failureMode });
  const epp = new EndpointPicker(f.ns.models, 'qwen-epp', { pool, replicas: options.replicas, metricsAuth: options.metricsAuth });
  if (options.route ?? true) {
    new HttpRoute(f.ns.models, 'qwen-route', { parents: [gateway.listener('https')], rules: [{ matches: [{ path: PathMatch.prefix('/v1') }], backends: [pool] }] });
  }
  return { ...f, gateway, qwen, pool, epp };
}

const securityOf = (root: { node: { findAll(): unknown[] } }) => {
  const objects = root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  return checkSecurity(objects.map((o) => ({ object: o.toJson(), waivers: SecurityWaivers.of(o) }))).map(formatFinding);
};

describe('InferencePool', () => {
  it('selects exactly the pooled pods, on their serving port, with an explicit failure mode and the picker Service', () => {
    const { app, qwen, pool } = build();
    const objects = synthObjects(app);
    const p = findObject(objects, 'InferencePool', 'qwen-pool', 'models');
    expect(p.apiVersion).toBe('inference.networking.k8s.io/v1');
    // The selector is the predictor pods' labels, taken from the InferenceService, not typed here.
    expect(p.spec.selector.matchLabels).toEqual(qwen.backendRef.pods!.selector);
    expect(p.spec.selector.matchLabels).toEqual({ component: 'predictor', 'serving.kserve.io/inferenceservice': 'qwen' });
    expect(p.spec.targetPorts).toEqual([{ number: qwen.backendRef.pods!.port }]);
    expect(p.spec.appProtocol).toBe('http');
    expect(p.spec.endpointPickerRef).toEqual({ name: 'qwen-pool-epp', port: { number: 9002 }, failureMode: 'FailOpen' });
    expect(pool.failureMode).toBe(FailureMode.FAIL_OPEN);
  });

  it('writes FailClose when chosen', () => {
    const { app } = build({ failureMode: FailureMode.FAIL_CLOSE });
    expect(findObject(synthObjects(app), 'InferencePool', 'qwen-pool').spec.endpointPickerRef.failureMode).toBe('FailClose');
  });

  it('is an HTTPRoute backend of kind InferencePool, without port', () => {
    const { app } = build();
    const route = findObject(synthObjects(app), 'HTTPRoute', 'qwen-route', 'models');
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen-pool' }]);
  });

  it('opens the gateway to the model pods on every target port and to the picker on 9002, nothing more', () => {
    const { app } = build();
    const objects = synthObjects(app);
    const toPods = findObject(objects, 'NetworkPolicy', 'allow-gateway-to-pool-qwen-pool', 'models');
    expect(toPods.spec.podSelector.matchLabels).toEqual({ component: 'predictor', 'serving.kserve.io/inferenceservice': 'qwen' });
    expect(toPods.spec.ingress[0].from[0].podSelector.matchLabels).toEqual({ 'gateway.networking.k8s.io/gateway-name': 'gateway' });
    expect(toPods.spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    const toEpp = findObject(objects, 'NetworkPolicy', 'allow-qwen-pool-epp-from-gateway', 'models');
    expect(toEpp.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/component': 'endpoint-picker', 'app.kubernetes.io/name': 'qwen-pool-epp' });
    expect(toEpp.spec.ingress[0].ports).toEqual([{ port: 9002, protocol: 'TCP' }]);
    expect(findObject(objects, 'NetworkPolicy', 'allow-gateway-to-models-qwen-pool-epp', 'gw').spec.egress[0].ports).toEqual([{ port: 9002, protocol: 'TCP' }]);
    expect(findObject(objects, 'NetworkPolicy', 'allow-gateway-to-models-pool-qwen-pool', 'gw').spec.egress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });

  it('is reachable from a route in another namespace through a ReferenceGrant for kind InferencePool', () => {
    const { app, ns, gateway, pool } = build({ route: false });
    new HttpRoute(ns.gw, 'qwen-from-gw', { parents: [gateway.listener('https')], rules: [{ backends: [pool] }] });
    const objects = synthObjects(app);
    expect(findObject(objects, 'HTTPRoute', 'qwen-from-gw', 'gw').spec.rules[0].backendRefs).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen-pool', namespace: 'models' }]);
    const [grant] = objectsOfKind(objects, 'ReferenceGrant');
    expect(grant.metadata.namespace).toBe('models');
    expect(grant.spec).toEqual({ from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'gw' }], to: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen-pool' }] });
  });

  it('pools a Deployment by its template labels and declared ports (data-parallel ranks on several ports)', () => {
    const f = setup(['models'], { requireAccessPolicies: false });
    const labels = { app: 'dp-server' };
    const dep = new k8s.KubeDeployment(f.ns.models, 'dp', {
      metadata: { name: 'dp' },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [3000, 3002, 3004].map((p) => ({ name: `rank-${p}`, image: 'vllm/vllm-openai:v0.11.0', ports: [{ containerPort: p }] })) } } },
    });
    const pool = new InferencePool(f.ns.models, 'dp-pool', { modelServers: ModelServers.fromDeployment(dep), appProtocol: InferencePoolAppProtocol.H2C, endpointPicker: EndpointPickerRef.service('dp-epp') });
    const p = findObject(synthObjects(f.app), 'InferencePool', 'dp-pool');
    expect(p.spec.selector.matchLabels).toEqual(labels);
    expect(p.spec.targetPorts).toEqual([{ number: 3000 }, { number: 3002 }, { number: 3004 }]);
    expect(p.spec.appProtocol).toBe('kubernetes.io/h2c');
    expect(p.spec.endpointPickerRef).toEqual({ name: 'dp-epp', port: { number: 9002 }, failureMode: 'FailOpen' });
    expect(pool.targetPorts).toEqual([3000, 3002, 3004]);
  });

  describe('fails when', () => {
    it('the model servers run in another namespace', () => {
      const f = setup(['models', 'other'], { requireAccessPolicies: false });
      const m = new InferenceService(f.ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.custom('vllm'), storage: Storage.uri('hf://org/m') }) });
      expect(() => new InferencePool(f.ns.other, 'pool', { modelServers: ModelServers.of(m) })).toThrow(
        /test\/other\/pool: modelServers run in namespace models, but an InferencePool selects pods of its own namespace \(other\) only.*create the pool in the Namespace chart models/,
      );
    });

    it('a target port is not served by the model servers, or repeats', () => {
      const f = setup(['models'], { requireAccessPolicies: false });
      const m = new InferenceService(f.ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.custom('vllm'), storage: Storage.uri('hf://org/m') }) });
      expect(() => new InferencePool(f.ns.models, 'pool', { modelServers: ModelServers.of(m), targetPorts: [9000] })).toThrow(/targetPorts\[0\] is not a port the model servers serve \(8080\).*9000/);
      expect(() => new InferencePool(f.ns.models, 'pool2', { modelServers: ModelServers.of(m), targetPorts: [8080, 8080] })).toThrow(/targetPorts\[1\] repeats a port/);
    });

    it('the failure mode or protocol is not one of the CRD values', () => {
      const f = setup(['models'], { requireAccessPolicies: false });
      const m = new InferenceService(f.ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.custom('vllm'), storage: Storage.uri('hf://org/m') }) });
      expect(() => new InferencePool(f.ns.models, 'pool', { modelServers: ModelServers.of(m), failureMode: 'fail-open' as FailureMode })).toThrow(/failureMode.*"fail-open"/);
      expect(() => new InferencePool(f.ns.models, 'pool2', { modelServers: ModelServers.of(m), appProtocol: 'http2' as InferencePoolAppProtocol })).toThrow(/appProtocol.*"http2"/);
    });

    it('the model servers are a Service by name, whose pods are not known', () => {
      expect(() => ModelServers.of(Backend.service('vllm', 8000))).toThrow(/ModelServers.of: backend does not declare the pods behind it.*"vllm".*ModelServers.fromDeployment/);
    });

    it('the InferenceService routes to a transformer, whose pods run no model server', () => {
      const f = setup(['models'], { requireAccessPolicies: false });
      const m = new InferenceService(f.ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.custom('vllm'), storage: Storage.uri('hf://org/m') }), transformer: Transformer.container({ image: 'registry.example.com/pre:1.0.0' }) });
      expect(() => ModelServers.of(m)).toThrow(/ModelServers.of: backend routes to its transformer pods, which run no model server for the picker to score.*"m-transformer".*without a transformer/);
    });

    it('the pool has no endpoint picker (at synth)', () => {
      const f = setup(['models'], { requireAccessPolicies: false });
      const m = new InferenceService(f.ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.custom('vllm'), storage: Storage.uri('hf://org/m') }) });
      new InferencePool(f.ns.models, 'pool', { modelServers: ModelServers.of(m) });
      expect(() => synthObjects(f.app)).toThrow(/test\/models\/pool: spec.endpointPickerRef names no endpoint picker.*new EndpointPicker/);
    });

    it('a second picker is bound to the same pool', () => {
      const { ns, pool } = build({ route: false });
      expect(() => new EndpointPicker(ns.models, 'other-epp', { pool, name: 'other-epp' })).toThrow(/endpointPicker already refers to the endpoint picker qwen-pool-epp \(a pool has one picker\).*"other-epp"/);
    });

    it('the gateway is kgateway, which no longer routes to InferencePools', () => {
      expect(() => build({ provider: GatewayProvider.KGATEWAY })).toThrow(
        /test\/models\/qwen-pool: gateway gateway is a kgateway \(Envoy\) Gateway, which no longer routes to InferencePools.*kgateway-dev\/kgateway#12437.*"kgateway".*Istio, Envoy Gateway with Envoy AI Gateway, or agentgateway/,
      );
    });

    it('Envoy Gateway routes to a pool that says FailOpen (Envoy AI Gateway always fails closed)', () => {
      expect(() => build({ provider: GatewayProvider.ENVOY_GATEWAY })).toThrow(
        /test\/models\/qwen-pool: failureMode is FailOpen, but Gateway gateway is Envoy Gateway, whose InferencePool support \(Envoy AI Gateway v1.1\) always fails closed.*"FailOpen".*set failureMode: FailureMode.FAIL_CLOSE/,
      );
    });

    it('a GRPCRoute sends traffic to the pool', () => {
      const { ns, gateway, pool } = build({ route: false });
      expect(() => new GrpcRoute(ns.models, 'g', { parents: [gateway.listener('https')], rules: [{ backends: [pool] }] })).toThrow(/backendRef is an InferencePool, which Gateway API Inference Extension supports as an HTTPRoute backend only.*"GRPCRoute"/);
    });
  });
});

describe('EndpointPicker', () => {
  const deployment = (objects: ReturnType<typeof synthObjects>) => findObject(objects, 'Deployment', 'qwen-pool-epp', 'models');

  it('runs the pinned picker with Recreate, ext-proc 9002, health 9003, metrics 9090 and gRPC probes, restricted', () => {
    const { app } = build();
    const d = deployment(synthObjects(app));
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.replicas).toBe(1);
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe('ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0');
    expect(c.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual([EndpointPickerPorts.EXT_PROC, EndpointPickerPorts.HEALTH, EndpointPickerPorts.METRICS]);
    expect(c.args.join(' ')).toContain('--pool-name qwen-pool --pool-namespace models --pool-group inference.networking.k8s.io');
    expect(c.args.join(' ')).toContain('--config-file /config/config.yaml --grpc-port 9002 --grpc-health-port 9003 --metrics-port 9090');
    expect(c.args).not.toContain('--ha-enable-leader-election');
    expect(c.args).not.toContain('--metrics-endpoint-auth=false');
    expect(c.livenessProbe).toEqual({ grpc: { port: 9003, service: 'inference-extension' }, initialDelaySeconds: 5, periodSeconds: 10 });
    expect(c.readinessProbe).toEqual({ grpc: { port: 9003, service: 'inference-extension' }, periodSeconds: 2 });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(c.resources.limits).toEqual({ cpu: '8', memory: '16Gi' });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('qwen-pool-epp');
    expect(pod.volumes.find((v: { name: string }) => v.name === 'kube-api-access').projected.sources[0]).toEqual({ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } });
    expect(pod.terminationGracePeriodSeconds).toBe(130);
  });

  it('elects a leader above one replica: flag, lease Role, liveness/readiness services, PDB and spread', () => {
    const { app } = build({ replicas: 2 });
    const objects = synthObjects(app);
    const c = deployment(objects).spec.template.spec.containers[0];
    expect(c.args).toContain('--ha-enable-leader-election');
    expect(c.livenessProbe.grpc.service).toBe('liveness');
    expect(c.readinessProbe.grpc.service).toBe('readiness');
    const role = findObject(objects, 'Role', 'qwen-pool-epp-leader-election', 'models') as unknown as { rules: Array<{ resources: string[] }> };
    expect(role.rules.map((r) => r.resources)).toEqual([['leases'], ['events']]);
    expect(findObject(objects, 'PodDisruptionBudget', 'qwen-pool-epp', 'models').spec.selector.matchLabels).toEqual(deployment(objects).spec.selector.matchLabels);
    expect(deployment(objects).spec.template.spec.topologySpreadConstraints).toHaveLength(1);
  });

  it('reads pods, its pool and llm-d.ai objectives and rewrites, and nothing else, in its namespace', () => {
    const { app } = build();
    const objects = synthObjects(app);
    const role = findObject(objects, 'Role', 'qwen-pool-epp', 'models') as unknown as { rules: unknown[] };
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['inference.networking.k8s.io'], resources: ['inferencepools'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['llm-d.ai'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = findObject(objects, 'RoleBinding', 'qwen-pool-epp', 'models') as unknown as { subjects: unknown[]; roleRef: { name: string } };
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'qwen-pool-epp', namespace: 'models' }]);
    expect(binding.roleRef.name).toBe('qwen-pool-epp');
  });

  it('serves ext-proc and metrics on a ClusterIP Service that selects its pods', () => {
    const { app } = build();
    const objects = synthObjects(app);
    const s = findObject(objects, 'Service', 'qwen-pool-epp', 'models');
    expect(s.spec.type).toBe('ClusterIP');
    expect(s.spec.selector).toEqual(deployment(objects).spec.template.metadata.labels);
    expect(s.spec.ports).toEqual([
      { name: 'grpc-ext-proc', protocol: 'TCP', port: 9002, targetPort: 9002, appProtocol: 'kubernetes.io/h2c' },
      { name: 'http-metrics', protocol: 'TCP', port: 9090, targetPort: 9090 },
    ]);
  });

  it('mounts a typed EndpointPickerConfig: the chart default scorers weighted 2, 2, 3', () => {
    const { app } = build();
    const objects = synthObjects(app);
    const cm = findObject(objects, 'ConfigMap', 'qwen-pool-epp', 'models') as unknown as { data: Record<string, string> };
    const config = parse(cm.data['config.yaml']);
    expect(config.apiVersion).toBe('llm-d.ai/v1alpha1');
    expect(config.kind).toBe('EndpointPickerConfig');
    expect(config.schedulingProfiles).toEqual([
      { name: 'default', plugins: [{ pluginRef: 'queue-scorer', weight: 2 }, { pluginRef: 'kv-cache-utilization-scorer', weight: 2 }, { pluginRef: 'prefix-cache-scorer', weight: 3 }] },
    ]);
    expect(config.plugins.map((p: { type: string }) => p.type)).toEqual(['queue-scorer', 'kv-cache-utilization-scorer', 'prefix-cache-scorer', 'metrics-data-source', 'core-metrics-extractor']);
    expect(deployment(objects).spec.template.spec.volumes.find((v: { name: string }) => v.name === 'config')).toEqual({ name: 'config', configMap: { name: 'qwen-pool-epp' } });
  });

  it('scrapes its metrics with a dedicated reader token the endpoint can verify', () => {
    const { app, platform } = build();
    const objects = synthObjects(app);
    const sm = findObject(objects, 'ServiceMonitor', 'qwen-pool-epp', 'models');
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http-metrics', path: '/metrics', interval: '10s', authorization: { type: 'Bearer', credentials: { name: 'qwen-pool-epp-metrics-reader-token', key: 'token' } } });
    const secret = findObject(objects, 'Secret', 'qwen-pool-epp-metrics-reader-token', 'models') as unknown as { type: string; data?: unknown; metadata: { annotations: Record<string, string> } };
    expect(secret.type).toBe('kubernetes.io/service-account-token');
    expect(secret.data).toBeUndefined();
    expect(secret.metadata.annotations['kubernetes.io/service-account.name']).toBe('qwen-pool-epp-metrics-reader');
    const reader = findObject(objects, 'ClusterRole', 'models-qwen-pool-epp-metrics-reader') as unknown as { rules: unknown[] };
    expect(reader.rules).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    const auth = findObject(objects, 'ClusterRole', 'models-qwen-pool-epp-metrics-auth') as unknown as { rules: Array<{ resources: string[]; verbs: string[] }> };
    expect(auth.rules.map((r) => [r.resources, r.verbs])).toEqual([
      [['tokenreviews'], ['create']],
      [['subjectaccessreviews'], ['create']],
    ]);
    const waivers = platform.node.findAll().filter((c) => c instanceof ApiObject && (c as ApiObject).kind.startsWith('Cluster')).map((c) => SecurityWaivers.of(c));
    expect(waivers.length).toBe(4);
    for (const w of waivers) expect(w).toEqual([expect.objectContaining({ ruleId: 'SEC-R03', reason: EPP_METRICS_AUTH_WAIVER })]);
    const toPrometheus = findObject(objects, 'NetworkPolicy', 'allow-metrics-qwen-pool-epp', 'models');
    expect(toPrometheus.spec.ingress[0].ports).toEqual([{ port: 9090, protocol: 'TCP' }]);
  });

  it('turns metrics authentication off only with a reason, and then has no cluster RBAC', () => {
    const { app } = build({ metricsAuth: EndpointPickerMetricsAuth.disabled('Prometheus scrapes by annotation and sends no token') });
    const objects = synthObjects(app);
    expect(deployment(objects).spec.template.spec.containers[0].args).toContain('--metrics-endpoint-auth=false');
    expect(objectsOfKind(objects, 'ClusterRole')).toEqual([]);
    expect(findObject(objects, 'ServiceMonitor', 'qwen-pool-epp').spec.endpoints[0].authorization).toBeUndefined();
    expect(() => build({ metricsAuth: EndpointPickerMetricsAuth.disabled('no') })).toThrow(/metricsAuth.reason must say in at least 10 characters/);
  });

  it('reaches the API server and the model pods on the target ports, and the model pods admit it', () => {
    const { app } = build();
    const objects = synthObjects(app);
    const api = findObject(objects, 'NetworkPolicy', 'allow-qwen-pool-epp-to-apiserver', 'models');
    expect(api.spec.egress[0].ports).toEqual([
      { port: 443, protocol: 'TCP' },
      { port: 6443, protocol: 'TCP' },
    ]);
    const out = findObject(objects, 'NetworkPolicy', 'allow-qwen-pool-epp-to-model-servers', 'models');
    expect(out.spec.egress[0].to[0].podSelector.matchLabels).toEqual({ component: 'predictor', 'serving.kserve.io/inferenceservice': 'qwen' });
    expect(out.spec.egress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    const into = findObject(objects, 'NetworkPolicy', 'allow-qwen-pool-from-qwen-pool-epp', 'models');
    expect(into.spec.ingress[0].from[0].podSelector.matchLabels).toEqual(deployment(objects).spec.template.metadata.labels);
  });

  it('gives an Istio gateway a DestinationRule for the picker TLS, and notes the istiod flag', () => {
    const { app, platform } = build();
    expect(platform.setupNotes.find((n) => n.topic === 'Istio: Gateway API Inference Extension support in istiod')?.text).toContain('ENABLE_GATEWAY_API_INFERENCE_EXTENSION=true');
    const dr = findObject(synthObjects(app), 'DestinationRule', 'qwen-pool-epp', 'models');
    expect(dr.apiVersion).toBe('networking.istio.io/v1');
    expect(dr.spec).toEqual({ host: 'qwen-pool-epp.models.svc.cluster.local', trafficPolicy: { tls: { mode: 'SIMPLE', insecureSkipVerify: true } } });
  });

  it('notes the Envoy AI Gateway extension-manager setup for Envoy Gateway, without a DestinationRule', () => {
    const { app, platform } = build({ provider: GatewayProvider.ENVOY_GATEWAY, failureMode: FailureMode.FAIL_CLOSE });
    const objects = synthObjects(app);
    expect(objectsOfKind(objects, 'DestinationRule')).toEqual([]);
    expect(findObject(objects, 'InferencePool', 'qwen-pool').spec.endpointPickerRef.failureMode).toBe('FailClose');
    const note = platform.setupNotes.find((n) => n.topic === 'Envoy Gateway: InferencePool backends through Envoy AI Gateway');
    expect(note?.text).toContain('backendResources:\n        - group: inference.networking.k8s.io\n          kind: InferencePool\n          version: v1');
    expect(note?.text).toContain('hostname: ai-gateway-controller.envoy-ai-gateway-system.svc.cluster.local');
    // Envoy Gateway's proxies run in envoy-gateway-system: the picker admits them there.
    const toEpp = findObject(objects, 'NetworkPolicy', 'allow-qwen-pool-epp-from-gateway', 'models');
    expect(toEpp.spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'envoy-gateway-system' });
  });

  it("fails on upstream's moving image tag, or latest", () => {
    const f = setup(['models'], { requireAccessPolicies: false });
    const m = new InferenceService(f.ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.custom('vllm'), storage: Storage.uri('hf://org/m') }) });
    const p1 = new InferencePool(f.ns.models, 'p1', { modelServers: ModelServers.of(m) });
    expect(() => new EndpointPicker(f.ns.models, 'e1', { pool: p1, image: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:main' })).toThrow(
      /test\/models\/e1: image uses the moving tag 'main' .*"ghcr.io\/llm-d\/llm-d-router-endpoint-picker:main".*pin a release, e.g. 'ghcr.io\/llm-d\/llm-d-router-endpoint-picker:v0.10.0'/,
    );
    const p2 = new InferencePool(f.ns.models, 'p2', { modelServers: ModelServers.of(m) });
    expect(() => new EndpointPicker(f.ns.models, 'e2', { pool: p2, image: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:latest' })).toThrow(/test\/models\/e2: container.image uses the ':latest' tag, which is not pinned/);
  });

  it('fails when it is created outside its pool namespace', () => {
    const f = setup(['models', 'epp'], { requireAccessPolicies: false });
    const m = new InferenceService(f.ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.custom('vllm'), storage: Storage.uri('hf://org/m') }) });
    const pool = new InferencePool(f.ns.models, 'pool', { modelServers: ModelServers.of(m) });
    expect(() => new EndpointPicker(f.ns.epp, 'epp', { pool })).toThrow(/test\/epp\/epp: scope is in namespace epp, but the pool pool is in models.*create the picker in the Namespace chart models/);
  });

  it('synthesizes objects that validate against the pinned CRDs and pass the security rules', () => {
    for (const provider of [GatewayProvider.ISTIO, GatewayProvider.ENVOY_GATEWAY]) {
      for (const replicas of [1, 3]) {
        const { app, ns, pool } = build({ provider, replicas, failureMode: provider === GatewayProvider.ENVOY_GATEWAY ? FailureMode.FAIL_CLOSE : undefined });
        new InferenceObjective(ns.models, 'interactive', { pool, priority: 10 });
        new InferenceModelRewrite(ns.models, 'rollout', { pool, rules: [{ models: ['qwen'], targets: [{ model: 'qwen-lora-v1', weight: 9 }, { model: 'qwen-lora-v2', weight: 1 }] }] });
        const objects = synthObjects(app);
        expect(validateObjects(objects.map((object) => ({ object }))).map(formatIssue)).toEqual([]);
        expect(securityOf(app)).toEqual([]);
      }
    }
  });
});

describe('a platform with a pool', () => {
  it('passes the whole build pipeline (validation, security, operability) and lists the cluster setup and waivers in its README', () => {
    for (const provider of [GatewayProvider.ISTIO, GatewayProvider.ENVOY_GATEWAY]) {
      const { app } = build({ provider, replicas: 2, failureMode: provider === GatewayProvider.ENVOY_GATEWAY ? FailureMode.FAIL_CLOSE : undefined });
      const [out] = buildPlatforms(app);
      const files = out.manifests.map((m) => `${m.object.kind}/${m.object.metadata.name}`);
      expect(files).toEqual(expect.arrayContaining(['InferencePool/qwen-pool', 'Deployment/qwen-pool-epp', 'ServiceMonitor/qwen-pool-epp']));
      const readme = out.files['README.md'] ?? '';
      expect(readme).toContain('SEC-R03');
      // The pool is drawn once, with its picker and failure mode, between the route and the model it pools.
      const mode = provider === GatewayProvider.ENVOY_GATEWAY ? 'FailClose' : 'FailOpen';
      expect(readme).toContain(`[["InferencePool models/qwen-pool<br/>picker qwen-pool-epp (${mode})"]]`);
      expect(readme).toContain('HTTPRoute_models_qwen_route --> InferencePool_models_qwen_pool');
      expect(readme).toContain('InferencePool_models_qwen_pool --> InferenceService_models_qwen');
      if (provider === GatewayProvider.ENVOY_GATEWAY) expect(readme).toContain('Envoy Gateway: InferencePool backends through Envoy AI Gateway');
    }
  });
});

describe('ServiceMonitor bearer token (used by the picker)', () => {
  it('renders endpoints[].authorization from a Secret key, and refuses a key that is not a Secret key', () => {
    const f = setup(['models'], { requireAccessPolicies: false });
    new ServiceMonitor(f.ns.models, 'm', { selector: { app: 'x' }, portName: 'http-metrics', bearerToken: { secret: SecretRef.named('reader-token'), key: 'token' } });
    expect(findObject(synthObjects(f.app), 'ServiceMonitor', 'm').spec.endpoints[0].authorization).toEqual({ type: 'Bearer', credentials: { name: 'reader-token', key: 'token' } });
    expect(() => new ServiceMonitor(f.ns.models, 'm2', { selector: { app: 'x' }, portName: 'http-metrics', bearerToken: { secret: SecretRef.named('reader-token'), key: 'to ken' } })).toThrow(/test\/models\/m2: bearerToken.key must be a Secret key.*"to ken"/);
  });
});

describe('EndpointPickerConfig', () => {
  it('renders plugins, profiles with weights, parsers and feature gates', () => {
    const c = EndpointPickerConfig.of({
      featureGates: ['flowControl'],
      plugins: [{ type: 'openai-parser' }, { type: 'prefix-cache-scorer', parameters: { blockSize: 64 } }, { name: 'picker', type: 'max-score-picker' }],
      schedulingProfiles: [{ name: 'default', plugins: [{ pluginRef: 'prefix-cache-scorer', weight: 1.5 }, { pluginRef: 'picker' }] }],
      parsers: ['openai-parser'],
    });
    expect(c.toJson()).toEqual({
      apiVersion: 'llm-d.ai/v1alpha1',
      kind: 'EndpointPickerConfig',
      featureGates: ['flowControl'],
      plugins: [{ type: 'openai-parser' }, { type: 'prefix-cache-scorer', parameters: { blockSize: 64 } }, { name: 'picker', type: 'max-score-picker' }],
      schedulingProfiles: [{ name: 'default', plugins: [{ pluginRef: 'prefix-cache-scorer', weight: 1.5 }, { pluginRef: 'picker' }] }],
      requestHandler: { parsers: [{ pluginRef: 'openai-parser' }] },
    });
  });

  it('fails on a pluginRef that names no plugin, a duplicate name, a negative weight, a credential in parameters', () => {
    const plugins = [{ type: 'queue-scorer' }];
    expect(() => EndpointPickerConfig.of({ plugins, schedulingProfiles: [{ name: 'default', plugins: [{ pluginRef: 'queue-scorrer' }] }] })).toThrow(
      /EndpointPickerConfig: schedulingProfiles\[default\].plugins\[0\].pluginRef names no plugin \(defined: queue-scorer\).*"queue-scorrer"/,
    );
    expect(() => EndpointPickerConfig.of({ plugins: [...plugins, { type: 'queue-scorer' }], schedulingProfiles: [{ name: 'd', plugins: [{ pluginRef: 'queue-scorer' }] }] })).toThrow(/plugins\[1\].name is already used by another plugin/);
    expect(() => EndpointPickerConfig.of({ plugins, schedulingProfiles: [{ name: 'd', plugins: [{ pluginRef: 'queue-scorer', weight: -1 }] }] })).toThrow(/weight must be a number >= 0.*-1/);
    expect(() => EndpointPickerConfig.of({ plugins, schedulingProfiles: [{ name: 'd', plugins: [{ pluginRef: 'queue-scorer' }] }], parsers: ['openai-parser'] })).toThrow(/requestHandler.parsers\[0\].pluginRef names no plugin/);
    expect(() => EndpointPickerConfig.of({ plugins: [{ type: 'tokenizer', parameters: { hfToken: 'hf_abcdefghijklmnopqrstuvwxyzABCDEFGH' } }], schedulingProfiles: [{ name: 'd', plugins: [{ pluginRef: 'tokenizer' }] }] })).toThrow(
      /plugins\[tokenizer\].parameters.hfToken holds what looks like/,
    );
  });
});

describe('InferenceObjective and InferenceModelRewrite', () => {
  it('refer to the pool object (llm-d.ai/v1alpha2)', () => {
    const { app, ns, pool } = build({ route: false });
    new InferenceObjective(ns.models, 'batch', { pool, priority: -5 });
    new InferenceModelRewrite(ns.models, 'food-review-rollout', {
      pool,
      rules: [{ models: ['food-review'], targets: [{ model: 'food-review-v1', weight: 90 }, { model: 'food-review-v2', weight: 10 }] }],
    });
    const objects = synthObjects(app);
    const o = findObject(objects, 'InferenceObjective', 'batch', 'models');
    expect(o.apiVersion).toBe('llm-d.ai/v1alpha2');
    expect(o.spec).toEqual({ priority: -5, poolRef: { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen-pool' } });
    const r = findObject(objects, 'InferenceModelRewrite', 'food-review-rollout', 'models');
    expect(r.spec.rules).toEqual([
      {
        matches: [{ model: { type: 'Exact', value: 'food-review' } }],
        targets: [
          { modelRewrite: 'food-review-v1', weight: 90 },
          { modelRewrite: 'food-review-v2', weight: 10 },
        ],
      },
    ]);
    expect(validateObjects([o, r].map((object) => ({ object }))).map(formatIssue)).toEqual([]);
  });

  it('fail on weights set on some targets only, a weight out of range, a pool elsewhere, a non-integer priority', () => {
    const { ns, pool, platform } = build({ route: false });
    expect(() => new InferenceModelRewrite(ns.models, 'r1', { pool, rules: [{ targets: [{ model: 'a', weight: 50 }, { model: 'b' }] }] })).toThrow(
      /test\/models\/r1: rules\[0\].targets set a weight on 1 of 2 targets; either every target has a weight or none does.*\[50,null\]/,
    );
    expect(() => new InferenceModelRewrite(ns.models, 'r2', { pool, rules: [{ targets: [{ model: 'a', weight: 0 }] }] })).toThrow(/rules\[0\].targets\[0\].weight must be an integer between 1 and 1000000/);
    expect(() => new InferenceModelRewrite(ns.models, 'r3', { pool, rules: [] })).toThrow(/rules must list at least one rule/);
    const other = new Namespace(platform, 'other');
    expect(() => new InferenceObjective(other, 'o', { pool })).toThrow(/test\/other\/o: pool is in namespace models, but poolRef names a pool of this object's namespace \(other\).*"qwen-pool"/);
    expect(() => new InferenceObjective(ns.models, 'o2', { pool, priority: 1.5 })).toThrow(/priority must be an integer.*1.5/);
  });
});
