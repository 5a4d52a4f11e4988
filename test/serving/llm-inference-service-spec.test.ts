/**
 * Issue 17 §2: the LLMInferenceService v1alpha2 spec through the typed API
 * (scaling, parallelism, worker, prefill, kvCacheOffloading, router with
 * scheduler, tracing, managed DRA), the refusals KServe's webhook and CRD
 * would answer (with the messages), and the names and labels of what
 * KServe's controller creates itself at v0.20.0.
 */
import { Duration, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { describe, expect, it } from 'vitest';
import { WorkloadSecurity } from '../../src/core/security';
import { SecretRef } from '../../src/core/secret-ref';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { EndpointPickerConfig } from '../../src/inference/endpoint-picker-config';
import { EndpointPickerRef, FailureMode, InferencePool } from '../../src/inference/inference-pool';
import { ModelServers } from '../../src/inference/model-servers';
import { HttpRoute } from '../../src/routing/http-route';
import { LLM_GPU_SECURITY, LlmInferenceService, LlmInferenceServiceProps } from '../../src/serving/llm-inference-service';
import { LlmRouter } from '../../src/serving/llm-router';
import { KvCacheEvictionPolicy, KvCacheTier } from '../../src/serving/llm-kv-cache';
import { LlmScaling } from '../../src/serving/llm-scaling';
import { LlmTracingSampler } from '../../src/serving/llm-tracing';
import { Storage } from '../../src/serving/storage';
import { formatIssue, validateObject } from '../../src/validate';
import { Json } from '../upstream-compare';
import { findObject, setup, synthObjects } from '../util';
import { plainChart, synthCharts } from './upstream-rebuild';

const GPU = { limits: { cpu: '8', memory: '64Gi', nvidiaGpu: '1' }, requests: { cpu: '4', memory: '32Gi', nvidiaGpu: '1' } };
const base = (extra: Partial<LlmInferenceServiceProps> = {}): LlmInferenceServiceProps => ({ model: Storage.hf('Qwen/Qwen3-8B'), container: { resources: GPU }, ...extra });
const WRITABLE = WorkloadSecurity.relaxed({ reason: 'vLLM multi-node (nvidia-cdi-hook) writes to the root filesystem', writableRootFilesystem: true });

/** Synthesizes one service in a plain chart of namespace `llm` and returns its object (checked against the CRD). */
function one(props: LlmInferenceServiceProps, name = 'qwen'): Json & { spec: any; metadata: any } {
  const app = Testing.app();
  new LlmInferenceService(plainChart(app, 'llm'), name, props);
  const [o] = synthCharts(app);
  expect(validateObject(o).map(formatIssue), 'valid against the v1alpha2 CRD').toEqual([]);
  return o as Json & { spec: any; metadata: any };
}

describe('prefill/decode disaggregation', () => {
  it('renders spec.prefill with its own replicas and template, and names the decode/prefill pods as KServe labels them', () => {
    const o = one(base({ replicas: 2, prefill: { replicas: 3, container: { resources: GPU }, podLabels: { tier: 'prefill' } } }));
    expect(o.spec.replicas).toBe(2);
    expect(o.spec.prefill.replicas).toBe(3);
    expect(o.spec.prefill.labels).toEqual({ tier: 'prefill' });
    expect(o.spec.prefill.template.containers[0].name).toBe('main');
    expect(o.spec.prefill.template.containers[0].resources.limits['nvidia.com/gpu']).toBe('1');
    expect(o.spec.prefill.template.securityContext.runAsNonRoot).toBe(true);

    const { ns } = setup(['llm']);
    const svc = new LlmInferenceService(ns.llm, 'qwen', base({ prefill: { container: { resources: GPU } } }));
    expect(svc.disaggregated).toBe(true);
    expect(svc.workloadName).toBe('qwen-kserve');
    expect(svc.prefillWorkloadName).toBe('qwen-kserve-prefill');
    const selector = { 'app.kubernetes.io/part-of': 'llminferenceservice', 'app.kubernetes.io/name': 'qwen', 'kserve.io/component': 'workload' };
    expect(svc.poolSelector).toEqual(selector);
    expect(svc.decodePods.labels).toEqual({ ...selector, 'app.kubernetes.io/component': 'llminferenceservice-workload', 'llm-d.ai/role': 'decode' });
    expect(svc.prefillPods?.labels).toEqual({ ...selector, 'app.kubernetes.io/component': 'llminferenceservice-workload-prefill', 'llm-d.ai/role': 'prefill' });
    // Without prefill, one workload serves both phases.
    const single = new LlmInferenceService(ns.llm, 'single', base());
    expect(single.decodePods.labels['llm-d.ai/role']).toBe('both');
    expect(single.prefillPods).toBeUndefined();
    expect(single.prefillWorkloadName).toBeUndefined();
  });
});

describe('scaling (WVA with HPA or KEDA) or replicas', () => {
  it('KEDA: minReplicas, maxReplicas, variantCost and the KEDA periods in seconds; no replicas', () => {
    const o = one(
      base({
        scaling: LlmScaling.keda({ minReplicas: 2, maxReplicas: 8, variantCost: '12.5', pollingInterval: Duration.seconds(15), cooldownPeriod: Duration.minutes(5), initialCooldownPeriod: Duration.minutes(10), idleReplicas: 1, fallback: { failureThreshold: 3, replicas: 2 } }),
      }),
    );
    expect(o.spec.replicas).toBeUndefined();
    expect(o.spec.scaling).toEqual({
      minReplicas: 2,
      maxReplicas: 8,
      wva: { variantCost: '12.5', keda: { pollingInterval: 15, cooldownPeriod: 300, initialCooldownPeriod: 600, idleReplicaCount: 1, fallback: { failureThreshold: 3, replicas: 2 } } },
    });
  });

  it('HPA: the stabilization windows as behavior; minReplicas left to the CRD default when not given', () => {
    const o = one(base({ scaling: LlmScaling.hpa({ maxReplicas: 4, scaleDownStabilization: Duration.minutes(10) }) }));
    expect(o.spec.scaling).toEqual({ maxReplicas: 4, wva: { hpa: { behavior: { scaleDown: { stabilizationWindowSeconds: 600 } } } } });
    expect(one(base({ scaling: LlmScaling.hpa({ maxReplicas: 2 }) })).spec.scaling).toEqual({ maxReplicas: 2, wva: { hpa: {} } });
  });

  it('refuses replicas with scaling, min above max, idle replicas not below min or without min, a bad cost, and two actuators for prefill and decode', () => {
    const { ns } = setup(['llm']);
    expect(() => new LlmInferenceService(ns.llm, 'both', base({ replicas: 2, scaling: LlmScaling.hpa({ maxReplicas: 4 }) }))).toThrow(
      /^test\/llm\/both: replicas is given with scaling, which KServe refuses \("scaling and replicas are mutually exclusive; use scaling for autoscaled deployments or replicas for static deployments"\) \(received: 2\)\. Fix: drop replicas/,
    );
    expect(() => new LlmInferenceService(ns.llm, 'p', base({ prefill: { replicas: 1, scaling: LlmScaling.keda({ maxReplicas: 2 }), container: {} } }))).toThrow(/prefill\.replicas is given with scaling.*drop prefill\.replicas/s);
    expect(() => LlmScaling.keda({ minReplicas: 5, maxReplicas: 2 })).toThrow(/^LlmScaling\.keda: minReplicas cannot exceed maxReplicas \(2\) \(received: 5\)/);
    expect(() => LlmScaling.keda({ minReplicas: 2, maxReplicas: 4, idleReplicas: 2 })).toThrow(/idleReplicas must be less than minReplicas \(2\).*received: 2/s);
    expect(() => LlmScaling.keda({ maxReplicas: 4, idleReplicas: 1 })).toThrow(/minReplicas is required with idleReplicas/);
    expect(() => LlmScaling.hpa({ maxReplicas: 4, variantCost: '-1' })).toThrow(/variantCost must be a non-negative decimal.*"-1"/s);
    expect(() => LlmScaling.keda({ maxReplicas: 4, pollingInterval: Duration.millis(500) })).toThrow(/pollingInterval must be a whole number of seconds/);
    expect(() => new LlmInferenceService(ns.llm, 'mixed', base({ scaling: LlmScaling.keda({ maxReplicas: 4 }), prefill: { scaling: LlmScaling.hpa({ maxReplicas: 2 }), container: {} } }))).toThrow(
      /prefill\.scaling uses hpa but the decode workload uses keda: KServe requires one actuator backend for both/,
    );
  });
});

describe('parallelism and multi-node workers', () => {
  it('a data/expert-parallel multi-node workload: parallelism, worker pod, LeaderWorkerSet name and leader/worker labels', () => {
    const props = base({ security: WRITABLE, parallelism: { data: 16, dataLocal: 8, expert: true, tensor: 1, dataRpcPort: 5555 }, worker: { container: { resources: GPU } } });
    const o = one(props, 'deepseek');
    expect(o.spec.parallelism).toEqual({ tensor: 1, data: 16, dataLocal: 8, dataRPCPort: 5555, expert: true });
    expect(o.spec.worker.containers[0].name).toBe('main');
    expect(o.spec.worker.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(o.spec.worker.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    const { ns } = setup(['llm']);
    const svc = new LlmInferenceService(ns.llm, 'deepseek', props);
    expect(svc.multiNode).toBe(true);
    expect(svc.workloadName).toBe('deepseek-kserve-mn');
    expect(svc.decodePods.labels['app.kubernetes.io/component']).toBe('llminferenceservice-workload-leader');
    expect(svc.workerPods?.labels).toEqual({ 'app.kubernetes.io/part-of': 'llminferenceservice', 'app.kubernetes.io/name': 'deepseek', 'app.kubernetes.io/component': 'llminferenceservice-workload-worker' });
    expect(new LlmInferenceService(ns.llm, 'pp', base({ security: WRITABLE, parallelism: { pipeline: 2 }, worker: { container: {} } })).multiNode).toBe(true);
  });

  it("refuses what KServe's webhook refuses, with its words, and a restricted multi-node workload", () => {
    const { ns } = setup(['llm']);
    let n = 0;
    const svc = (extra: Partial<LlmInferenceServiceProps>) => () => new LlmInferenceService(ns.llm, `s${n++}`, base({ security: WRITABLE, ...extra }));
    expect(svc({ worker: { container: {} } })).toThrow(/^test\/llm\/s0: worker needs parallelism with data or pipeline: KServe refuses a worker without it \("when worker is specified, parallelism must be configured for either data parallelism or pipeline parallelism"\).*Fix: add parallelism: \{ data: 16, dataLocal: 8 \}/);
    expect(svc({ parallelism: { tensor: 8 }, worker: { container: {} } })).toThrow(/worker needs data or pipeline parallelism: KServe refuses a worker with only tensor or expert parallelism/);
    expect(svc({ parallelism: { pipeline: 2, data: 4, dataLocal: 2 } })).toThrow(/parallelism sets both pipeline and data parallelism, which KServe refuses/);
    expect(svc({ parallelism: { data: 16 } })).toThrow(/parallelism\.dataLocal must be set when data is set \(KServe webhook\).*Fix: set dataLocal/s);
    expect(svc({ parallelism: { dataLocal: 8 } })).toThrow(/parallelism\.data must be set when dataLocal is set/);
    expect(svc({ parallelism: { data: 12, dataLocal: 8 } })).toThrow(/parallelism\.dataLocal must divide data \(12\): KServe runs data \/ dataLocal pods/);
    expect(svc({ parallelism: { tensor: 0 } })).toThrow(/parallelism\.tensor must be an integer between 1 and/);
    expect(svc({ prefill: { worker: { container: {} }, container: {} } })).toThrow(/prefill\.worker needs parallelism.*add prefill\.parallelism/s);
    expect(() => new LlmInferenceService(ns.llm, 'restricted', base({ security: WorkloadSecurity.RESTRICTED, parallelism: { data: 16, dataLocal: 8 }, worker: { container: {} } }))).toThrow(
      /^test\/llm\/restricted: worker runs on KServe's multi-node preset, whose vLLM container needs a writable root filesystem \(kserve v0\.20\.0 config\/llmisvcconfig\/config-llm-worker-data-parallel\.yaml.*Fix: pass security: WorkloadSecurity\.relaxed/s,
    );
  });
});

describe("security: restricted, but for the writable root KServe's GPU presets need", () => {
  it('a GPU service defaults to LLM_GPU_SECURITY (writable root, no /tmp emptyDir, still non-root without escalation); a CPU one stays restricted', () => {
    const gpu = one(base());
    const c = gpu.spec.template.containers[0];
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, readOnlyRootFilesystem: false, seccompProfile: { type: 'RuntimeDefault' } });
    expect(gpu.spec.template.volumes).toBeUndefined();
    const cpu = one({ model: Storage.hf('facebook/opt-125m'), container: { resources: { limits: { cpu: '1', memory: '2Gi' } } } });
    expect(cpu.spec.template.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(cpu.spec.template.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    // A prefill workload with GPUs, or workers, count too.
    expect(one({ model: Storage.hf('facebook/opt-125m'), container: {}, prefill: { container: { resources: GPU } } }).spec.template.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    // The waiver is recorded with its reason, so the security rules (SEC-W06) accept it.
    const { app, ns } = setup(['llm'], { requireAccessPolicies: false });
    new LlmInferenceService(ns.llm, 'qwen', base());
    expect(() => buildPlatforms(app)).not.toThrow();
    expect(LLM_GPU_SECURITY.relaxation?.reason).toMatch(/nvidia-cdi-hook/);
  });
});

describe('kvCacheOffloading, tracing, managed DRA', () => {
  it('renders the CPU tier and the three disk tiers; the trace settings; the DRA annotations', () => {
    const app = Testing.app();
    const chart = plainChart(app, 'llm');
    const claim = new k8s.KubePersistentVolumeClaim(chart, 'cache', { metadata: { name: 'kv-cache' }, spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: k8s.Quantity.fromString('1Ti') } } } });
    new LlmInferenceService(chart, 'qwen', {
      ...base(),
      kvCacheOffloading: {
        cpu: '10Gi',
        evictionPolicy: KvCacheEvictionPolicy.ARC,
        secondary: [KvCacheTier.emptyDir('100Gi'), KvCacheTier.ephemeralPvc({ size: '200Gi', storageClassName: 'fast-nvme' }), KvCacheTier.pvc(claim, { path: 'kv/' })],
      },
      tracing: { exporterEndpoint: 'http://otel-collector.observability:4317', sampler: LlmTracingSampler.PARENT_BASED_RATIO, samplerRatio: 0.1 },
      managedDra: { deviceClass: 'gpu.nvidia.com', count: 2 },
    });
    const o = synthCharts(app).find((x) => x.kind === 'LLMInferenceService') as any;
    expect(validateObject(o).map(formatIssue)).toEqual([]);
    expect(o.spec.kvCacheOffloading).toEqual({
      cpu: '10Gi',
      evictionPolicy: 'arc',
      secondary: [
        { fileSystem: { emptyDir: { size: '100Gi' } } },
        { fileSystem: { pvc: { spec: { storageClassName: 'fast-nvme', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '200Gi' } } } } } },
        { fileSystem: { pvc: { ref: { name: 'kv-cache', path: 'kv/' } } } },
      ],
    });
    expect(o.spec.tracing).toEqual({ exporterEndpoint: 'http://otel-collector.observability:4317', sampler: 'parentbased_traceidratio', samplerArg: '0.1' });
    expect(o.metadata.annotations).toEqual({ 'serving.kserve.io/exp-dra-device-class': 'gpu.nvidia.com', 'serving.kserve.io/exp-dra-device-count': '2' });
    expect(one(base({ tracing: {} })).spec.tracing).toEqual({});
  });

  it('refuses a zero CPU tier, a tier that is not a KvCacheTier, a bad trace endpoint or ratio, a DRA annotation typed by hand', () => {
    const { ns } = setup(['llm']);
    let n = 0;
    const svc = (extra: object) => () => new LlmInferenceService(ns.llm, `s${n++}`, base(extra as Partial<LlmInferenceServiceProps>));
    expect(svc({ kvCacheOffloading: { cpu: '0' } })).toThrow(/kvCacheOffloading\.cpu must be a positive quantity/);
    expect(svc({ kvCacheOffloading: { cpu: '10Gi', secondary: [{ fileSystem: { emptyDir: { size: '1Gi' } } }] } })).toThrow(/kvCacheOffloading\.secondary\[0\] must be a KvCacheTier/);
    expect(svc({ tracing: { exporterEndpoint: 'otel:4317' } })).toThrow(/tracing\.exporterEndpoint must be an http:\/\/ or https:\/\/ URL/);
    expect(svc({ tracing: { samplerRatio: 2 } })).toThrow(/tracing\.samplerRatio must be a number between 0 and 1/);
    expect(svc({ tracing: { sampler: LlmTracingSampler.ALWAYS_ON, samplerRatio: 0.5 } })).toThrow(/samplerRatio is read by the ratio samplers only, not by always_on/);
    expect(svc({ annotations: { 'serving.kserve.io/exp-dra-device-class': 'gpu.nvidia.com' } })).toThrow(/annotations\.serving\.kserve\.io\/exp-dra-device-class is a managed-DRA setting of KServe.*use managedDra/s);
  });
});

describe('router: managed route, HTTPRoute refs, routing groups, the scheduler', () => {
  it('managed route with hostnames, group and weight on a Gateway; KServe names its route <name>-kserve-route', () => {
    const { app, ns } = setup(['llm']);
    const gw = Gateway.fromGatewayName(ns.llm, 'gw', 'inference-gateway', { namespace: 'gateways' });
    const svc = new LlmInferenceService(ns.llm, 'qwen-v2', base({ router: LlmRouter.managed({ gateways: [gw], hostnames: ['llm.example.com'], group: { name: 'qwen', weight: 90 } }) }));
    const o = findObject(synthObjects(app), 'LLMInferenceService', 'qwen-v2', 'llm');
    // With hostnames the inline spec also carries the preset's path rules (the CRD would default a missing rules list): test/serving/llm-router-inline-route.test.ts.
    const { rules, ...spec } = o.spec.router.route.http.spec;
    expect(rules.map((r: { name: string }) => r.name)).toContain('v1-chat-completions-path');
    expect({ ...o.spec.router, route: { ...o.spec.router.route, http: { spec } } }).toEqual({ route: { http: { spec: { hostnames: ['llm.example.com'] } }, group: 'qwen', weight: 90 }, gateway: { refs: [{ name: 'inference-gateway', namespace: 'gateways' }] } });
    expect(svc.routeName).toBe('qwen-v2-kserve-route');
    expect(svc.inferencePoolName).toBeUndefined();
    expect(svc.endpointPickerServiceName).toBeUndefined();
    expect(() => LlmRouter.managed({ group: { name: 'Qwen', weight: 1 } })).toThrow(/group\.name/);
    expect(() => LlmRouter.managed({ group: { name: 'qwen', weight: 2_000_000 } })).toThrow(/group\.weight must be an integer between 0 and 1000000/);
    expect(() => LlmRouter.managed({ hostnames: ['LLM.example.com'] })).toThrow(/hostnames\[0\] must be a lower-case DNS name/);
  });

  it('HTTPRoute refs: the library HttpRoute is named in route.http.refs; the route may send to the workload Service', () => {
    const { app, ns } = setup(['llm'], { requireAccessPolicies: false });
    const gw = Gateway.fromGatewayName(ns.llm, 'gw', 'inference-gateway', { namespace: 'gateways' });
    const svc = new LlmInferenceService(ns.llm, 'qwen', base({ router: LlmRouter.httpRoutes({ gateways: [gw] }) }));
    const route = new HttpRoute(ns.llm, 'qwen-route', { parents: [gw], rules: [{ matches: svc.routeMatches(), backends: [svc] }] });
    svc.useHttpRoutes(route);
    const objects = synthObjects(app);
    expect(findObject(objects, 'LLMInferenceService', 'qwen', 'llm').spec.router).toEqual({ route: { http: { refs: [{ name: 'qwen-route' }] } }, gateway: { refs: [{ name: 'inference-gateway', namespace: 'gateways' }] } });
    expect(findObject(objects, 'HTTPRoute', 'qwen-route', 'llm').spec.rules[0].backendRefs[0]).toMatchObject({ name: 'qwen-kserve-workload-svc', port: 8000 });
    expect(svc.routeName).toBeUndefined();
    expect(() => svc.useHttpRoutes(route)).toThrow(/names a route already referred to/);
    const managed = new LlmInferenceService(ns.llm, 'managed', base({ router: LlmRouter.managed() }));
    expect(() => managed.useHttpRoutes(route)).toThrow(/router does not take HTTPRoute refs \(only LlmRouter\.httpRoutes does\)/);
  });

  it('an httpRoutes router that names no route fails at synth', () => {
    const { app, ns } = setup(['llm']);
    new LlmInferenceService(ns.llm, 'lonely', base({ router: LlmRouter.httpRoutes() }));
    expect(() => synthObjects(app)).toThrow(/router is LlmRouter\.httpRoutes but names no HTTPRoute/);
  });

  it("scheduler with KServe's pool written inline (failure mode), an inline EndpointPickerConfig, replicas and a container override; KServe's names", () => {
    const { app, ns } = setup(['llm']);
    const config = EndpointPickerConfig.default();
    const svc = new LlmInferenceService(
      ns.llm,
      'qwen',
      base({ router: LlmRouter.managed({ scheduler: { failureMode: FailureMode.FAIL_CLOSE, config, replicas: 2, containers: { main: { resources: { limits: { cpu: '2', memory: '4Gi' } } } }, podLabels: { team: 'ml' } } }) }),
    );
    const scheduler = findObject(synthObjects(app), 'LLMInferenceService', 'qwen', 'llm').spec.router.scheduler;
    expect(scheduler.pool).toEqual({
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/part-of': 'llminferenceservice', 'app.kubernetes.io/name': 'qwen', 'kserve.io/component': 'workload' } },
        targetPorts: [{ number: 8000 }],
        endpointPickerRef: { kind: 'Service', name: 'qwen-epp-service', port: { number: 9002 }, failureMode: 'FailClose' },
      },
    });
    expect(scheduler.config).toEqual({ inline: config.toJson() });
    expect(scheduler.replicas).toBe(2);
    expect(scheduler.labels).toEqual({ team: 'ml' });
    expect(scheduler.template).toEqual({ containers: [{ name: 'main', resources: { limits: { cpu: '2', memory: '4Gi' } } }] });
    expect(svc.inferencePoolName).toBe('qwen-inference-pool');
    expect(svc.endpointPickerServiceName).toBe('qwen-epp-service');
    // The same spec is valid against the v1alpha2 CRD (the inline pool spec has what InferencePool v1 requires).
    one(base({ router: LlmRouter.managed({ scheduler: { failureMode: FailureMode.FAIL_CLOSE, config, replicas: 2, containers: { main: { resources: { limits: { cpu: '2', memory: '4Gi' } } } }, podLabels: { team: 'ml' } } }) }));
    expect(svc.schedulerDeploymentName).toBe('qwen-kserve-router-scheduler');
    expect(svc.schedulerPods?.labels).toEqual({ 'app.kubernetes.io/part-of': 'llminferenceservice', 'app.kubernetes.io/name': 'qwen', 'app.kubernetes.io/component': 'llminferenceservice-router-scheduler' });
  });

  it('scheduler config from a ConfigMap key; refuses a key the ConfigMap lacks, a ConfigMap of another namespace, zero replicas', () => {
    const { app, ns } = setup(['llm', 'other']);
    const cm = new k8s.KubeConfigMap(ns.llm, 'epp-config', { metadata: { name: 'epp-config' }, data: { 'config.yaml': EndpointPickerConfig.default().toYaml() } });
    new LlmInferenceService(ns.llm, 'qwen', base({ router: LlmRouter.managed({ scheduler: { config: { configMap: cm, key: 'config.yaml' } } }) }));
    expect(findObject(synthObjects(app), 'LLMInferenceService', 'qwen', 'llm').spec.router.scheduler).toEqual({ config: { ref: { name: 'epp-config', key: 'config.yaml' } } });
    expect(() => LlmRouter.managed({ scheduler: { config: { configMap: cm, key: 'epp.yaml' } } })).toThrow(/scheduler\.config\.key is not a key of ConfigMap epp-config \(its keys: config\.yaml\)/);
    expect(() => LlmRouter.managed({ scheduler: { containers: { main: { image: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:latest' } } } })).toThrow(/scheduler\.containers\.main\.image/);
    const pinned = LlmRouter.managed({ scheduler: { containers: { main: { image: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0' } } } });
    expect(pinned.schedulerOptions).toEqual({ containers: { main: { image: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0' } } });
    expect(() => LlmRouter.managed({ scheduler: { replicas: 0 } })).toThrow(/scheduler\.replicas must be an integer between 1 and .*scheduler replicas must be greater than zero/s);
    const elsewhere = new k8s.KubeConfigMap(ns.other, 'epp-config', { metadata: { name: 'epp-config' }, data: { 'config.yaml': 'x' } });
    expect(() => new LlmInferenceService(ns.llm, 'far', base({ router: LlmRouter.managed({ scheduler: { config: { configMap: elsewhere, key: 'config.yaml' } } }) }))).toThrow(
      /router\.scheduler\.config\.configMap is in namespace other, but KServe reads the ConfigMap from the LLMInferenceService's namespace \(llm\)/,
    );
  });

  it('useInferencePool: the route goes to a pool of this app that pools the service (ModelServers.of works with a managed router); KServe deploys no picker', () => {
    const { app, ns } = setup(['llm']);
    const svc = new LlmInferenceService(ns.llm, 'qwen', base({ router: LlmRouter.managed({ scheduler: true }) }));
    const pool = new InferencePool(ns.llm, 'qwen-pool', { modelServers: ModelServers.of(svc), endpointPicker: EndpointPickerRef.service('qwen-epp') });
    svc.useInferencePool(pool);
    const objects = synthObjects(app);
    expect(findObject(objects, 'LLMInferenceService', 'qwen', 'llm').spec.router.scheduler).toEqual({ pool: { ref: { name: 'qwen-pool' } } });
    expect(findObject(objects, 'InferencePool', 'qwen-pool', 'llm').spec.selector.matchLabels).toEqual(svc.poolSelector);
    expect(findObject(objects, 'InferencePool', 'qwen-pool', 'llm').spec.targetPorts).toEqual([{ number: 8000 }]);
    expect(svc.inferencePoolName).toBe('qwen-pool');
    expect(svc.endpointPickerServiceName).toBeUndefined();
    expect(svc.schedulerPods).toBeUndefined();
  });

  it('useInferencePool refuses a pool both inline and by ref, picker settings with a ref, no scheduler, a pool of other pods', () => {
    const { ns } = setup(['llm']);
    const other = new LlmInferenceService(ns.llm, 'other', base());
    const otherPool = new InferencePool(ns.llm, 'other-pool', { modelServers: other, endpointPicker: EndpointPickerRef.service('epp') });
    const inline = new LlmInferenceService(ns.llm, 'inline', base({ router: LlmRouter.managed({ scheduler: { failureMode: FailureMode.FAIL_OPEN } }) }));
    const pool = new InferencePool(ns.llm, 'inline-pool', { modelServers: inline, endpointPicker: EndpointPickerRef.service('epp') });
    expect(() => inline.useInferencePool(pool)).toThrow(
      /^test\/llm\/inline: router\.scheduler\.pool would be written both inline \(failureMode writes pool\.spec\) and by reference \(pool\.ref\); KServe takes one \(received: "inline-pool"\)\. Fix: drop failureMode/,
    );
    const configured = new LlmInferenceService(ns.llm, 'configured', base({ router: LlmRouter.managed({ scheduler: { replicas: 2 } }) }));
    expect(() => configured.useInferencePool(new InferencePool(ns.llm, 'c-pool', { modelServers: configured, endpointPicker: EndpointPickerRef.service('epp') }))).toThrow(
      /router\.scheduler\.replicas configures KServe's endpoint picker, which KServe does not deploy when the scheduler refers to an InferencePool/,
    );
    const noScheduler = new LlmInferenceService(ns.llm, 'plain', base({ router: LlmRouter.managed() }));
    expect(() => noScheduler.useInferencePool(otherPool)).toThrow(/router\.scheduler is not set, so KServe routes to the workload Service and would ignore the pool/);
    const withScheduler = new LlmInferenceService(ns.llm, 'mine', base({ router: LlmRouter.managed({ scheduler: true }) }));
    expect(() => withScheduler.useInferencePool(otherPool)).toThrow(/router\.scheduler\.pool selects pods by app\.kubernetes\.io\/name=other, which this LLMInferenceService's pods do not carry/);
  });

  it('an InferencePool of a prefill/decode service pools both roles, as KServe\'s pool does (the picker pairs them by llm-d.ai/role)', () => {
    const { ns } = setup(['llm']);
    const svc = new LlmInferenceService(ns.llm, 'pd', base({ router: LlmRouter.managed({ scheduler: true }), prefill: { container: { resources: GPU } } }));
    const pool = new InferencePool(ns.llm, 'pd-pool', { modelServers: svc, endpointPicker: EndpointPickerRef.service('epp') });
    for (const pods of [svc.decodePods, svc.prefillPods!]) {
      for (const [k, v] of Object.entries(pool.modelServerPods.selector)) expect(pods.labels[k]).toBe(v);
    }
  });
});

describe('poolWith and pod labels', () => {
  it("poolWith writes the other service's pool selector as spec.labels; KServe's own label keys are refused in podLabels", () => {
    const { app, ns } = setup(['llm', 'other']);
    const nvidia = new LlmInferenceService(ns.llm, 'qwen-nvidia', base({ router: LlmRouter.managed({ scheduler: true }) }));
    const amd = new LlmInferenceService(ns.llm, 'qwen-amd', { model: Storage.hf('Qwen/Qwen3-8B'), poolWith: nvidia, podLabels: { vendor: 'amd' }, container: { resources: { limits: { extended: { 'amd.com/gpu': '1' } } } } });
    const o = findObject(synthObjects(app), 'LLMInferenceService', 'qwen-amd', 'llm');
    expect(o.spec.labels).toEqual({ vendor: 'amd', ...nvidia.poolSelector });
    expect(o.spec.template.containers[0].resources.limits).toEqual({ 'amd.com/gpu': '1' });
    // KServe's pool (and an InferencePool of nvidia) selects the AMD pods too.
    for (const [k, v] of Object.entries(nvidia.poolSelector)) expect(amd.decodePods.labels[k]).toBe(v);
    expect(() => new LlmInferenceService(ns.llm, 'own', base({ podLabels: { 'app.kubernetes.io/name': 'x' } }))).toThrow(/podLabels\.app\.kubernetes\.io\/name is a label KServe sets and selects pods by.*use poolWith/s);
    const far = new LlmInferenceService(ns.other, 'far', base());
    expect(() => new LlmInferenceService(ns.llm, 'near', base({ poolWith: far }))).toThrow(/poolWith is in namespace other, but an InferencePool selects pods of its own namespace \(llm\) only/);
    expect(() => new LlmInferenceService(ns.llm, 'odd', base({ container: { resources: { limits: { extended: { 'amd.com/gpu': '0.5' } } } } }))).toThrow(/extended\.amd\.com\/gpu must be a whole number/);
    expect(() => new LlmInferenceService(ns.llm, 'rdma', base({ container: { resources: { requests: { extended: { 'rdma/roce_gdr': '1' } } } } }))).toThrow(/requests\.extended\.rdma\/roce_gdr must equal limits\.extended\.rdma\/roce_gdr \(unset\)/);
  });
});

describe('names KServe derives from the service name', () => {
  it('refuses a name whose child names KServe would hash (over 63 characters) when that name is asked for', () => {
    const { ns } = setup(['llm']);
    const name = 'a'.repeat(45);
    const svc = new LlmInferenceService(ns.llm, name, base({ router: LlmRouter.managed({ scheduler: true }) }));
    expect(svc.routeName).toBe(`${name}-kserve-route`);
    expect(() => svc.schedulerDeploymentName).toThrow(/name is too long: KServe names its kserve-router-scheduler object '<name>-kserve-router-scheduler' and hashes names over 63 characters.*use a name of at most 39 characters/s);
  });

  it('the backend of a ModelEndpoint-style route carries the pod labels KServe sets (the gateway flow goes to them)', () => {
    const { ns } = setup(['llm']);
    const svc = new LlmInferenceService(ns.llm, 'qwen', base());
    expect(svc.backendRef.pods).toEqual({ selector: svc.poolSelector, port: 8000, labels: svc.decodePods.labels });
    expect(svc.backendRef.name).toBe('qwen-kserve-workload-svc');
  });
});

describe("the network of what KServe runs (SEC-N07 checks the declared flows against the NetworkPolicies)", () => {
  it("a managed route with KServe's scheduler on an Istio Gateway: gateway -> vLLM 8000 and -> picker 9002, picker -> vLLM; P/D pods talk to each other", () => {
    const f = setup(['gw', 'llm'], { requireAccessPolicies: false });
    const gateway = new Gateway(f.ns.gw, 'gateway', { provider: GatewayProvider.ISTIO, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.llm]) })] });
    new LlmInferenceService(f.ns.llm, 'qwen', base({ router: LlmRouter.managed({ gateways: [gateway], scheduler: true }), prefill: { container: { resources: GPU } } }));
    const [platform] = buildPlatforms(f.app);
    const svc = platform.manifests.find((m) => m.object.kind === 'LLMInferenceService')!;
    const flows = (svc.flows ?? []).map((x) => `${'namespace' in x.from ? x.from.namespace : x.from.address} -> ${'namespace' in x.to ? `${x.to.namespace}/${x.to.labels['app.kubernetes.io/component']}` : x.to.address}:${x.port}`);
    expect(flows.sort()).toEqual(['gw -> llm/llminferenceservice-router-scheduler:9002', 'gw -> llm/llminferenceservice-workload:8000', 'llm -> 0.0.0.0/0:443', 'llm -> llm/llminferenceservice-workload:8000']);
    const policies = platform.manifests.filter((m) => m.object.kind === 'NetworkPolicy' && m.object.metadata.namespace === 'llm').map((m) => m.object as any);
    const toVllm = policies.find((p) => p.metadata.name === 'allow-gateway-to-llmisvc-qwen');
    expect(toVllm.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/part-of': 'llminferenceservice', 'app.kubernetes.io/name': 'qwen', 'kserve.io/component': 'workload' });
    expect(toVllm.spec.ingress[0].ports).toEqual([{ port: 8000, protocol: 'TCP' }]);
    const internal = policies.find((p) => p.metadata.name === 'allow-llmisvc-qwen-internal-in');
    const mine = { 'app.kubernetes.io/part-of': 'llminferenceservice', 'app.kubernetes.io/name': 'qwen' };
    expect(internal.spec.podSelector.matchLabels).toEqual(mine);
    expect(internal.spec.ingress[0].from[0].podSelector.matchLabels).toEqual(mine);
    // The storage initializer downloads the hf:// model over HTTPS.
    // Istio originates TLS to KServe's picker (its self-signed certificate), and istiod needs its inference flag.
    const rule = platform.manifests.find((m) => m.object.kind === 'DestinationRule')!.object as any;
    expect(rule.metadata).toMatchObject({ name: 'qwen-epp-service', namespace: 'llm' });
    expect(rule.spec).toEqual({ host: 'qwen-epp-service.llm.svc.cluster.local', trafficPolicy: { tls: { mode: 'SIMPLE', insecureSkipVerify: true } } });
    expect(f.platform.setupNotes.map((n) => n.topic)).toContain('Istio: Gateway API Inference Extension support in istiod');
    const download = policies.find((p) => p.metadata.name === 'allow-llmisvc-qwen-model-download');
    expect(download.spec.podSelector.matchLabels).toEqual(mine);
    expect(download.spec.egress[0].ports).toEqual([{ port: 443, protocol: 'TCP' }]);
  });

  it('no download egress for a pvc:// model, nor when the storage initializer is off; LoRA adapters from a hub still download', () => {
    const f = setup(['llm'], { requireAccessPolicies: false });
    new LlmInferenceService(f.ns.llm, 'on-pvc', { model: Storage.pvc('models', 'qwen'), container: { resources: GPU } });
    new LlmInferenceService(f.ns.llm, 'sim', { model: Storage.hf('facebook/opt-125m'), storageInitializer: false, container: { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } } });
    new LlmInferenceService(f.ns.llm, 'lora', { model: Storage.pvc('models', 'opt'), loraAdapters: [{ name: 'sql', storage: Storage.hf('org/sql-lora') }], container: { resources: GPU } });
    const [platform] = buildPlatforms(f.app);
    const names = platform.manifests.filter((m) => m.object.kind === 'NetworkPolicy').map((m) => String(m.object.metadata.name));
    expect(names.filter((n) => n.endsWith('-model-download')).sort()).toEqual(['allow-llmisvc-lora-model-download']);
  });
});

describe('the new props never surface raw TypeErrors', () => {
  it('null, numbers, strings, objects, lists and booleans in place of each new prop and option', () => {
    const raw: string[] = [];
    for (const bad of [null, 42, 'text', { text: 42 }, [42], true] as const) {
      const { ns } = setup(['llm']);
      const attempt = (what: string, f: () => unknown) => {
        try {
          f();
        } catch (e) {
          if (!(e instanceof Error) || e.name !== 'ModelServingError') raw.push(`${what} = ${JSON.stringify(bad)}: ${String(e)}`);
        }
      };
      let n = 0;
      const keys = ['scaling', 'parallelism', 'worker', 'prefill', 'kvCacheOffloading', 'tracing', 'router', 'serviceAccount', 'podLabels', 'podAnnotations', 'annotations', 'poolWith', 'managedDra', 'security'];
      for (const key of keys) attempt(`service ${key}`, () => new LlmInferenceService(ns.llm, `s${n++}`, { ...base({ security: WRITABLE }), [key]: bad } as never));
      for (const key of ['tensor', 'pipeline', 'data', 'dataLocal', 'dataRpcPort', 'expert']) attempt(`parallelism.${key}`, () => new LlmInferenceService(ns.llm, `s${n++}`, base({ parallelism: { [key]: bad } as never })));
      for (const key of ['container', 'nodeSelector', 'tolerations']) attempt(`worker.${key}`, () => new LlmInferenceService(ns.llm, `s${n++}`, base({ security: WRITABLE, parallelism: { pipeline: 2 }, worker: { container: {}, [key]: bad } as never })));
      for (const key of ['cpu', 'evictionPolicy', 'secondary']) attempt(`kvCacheOffloading.${key}`, () => new LlmInferenceService(ns.llm, `s${n++}`, base({ kvCacheOffloading: { cpu: '1Gi', [key]: bad } as never })));
      for (const key of ['exporterEndpoint', 'sampler', 'samplerRatio']) attempt(`tracing.${key}`, () => new LlmInferenceService(ns.llm, `s${n++}`, base({ tracing: { [key]: bad } as never })));
      for (const key of ['gateways', 'explicitDefaultGateway', 'scheduler', 'hostnames', 'group']) attempt(`LlmRouter.managed ${key}`, () => LlmRouter.managed({ [key]: bad } as never));
      for (const key of ['failureMode', 'config', 'replicas', 'containers', 'podLabels', 'podAnnotations']) attempt(`scheduler.${key}`, () => new LlmInferenceService(ns.llm, `s${n++}`, base({ router: LlmRouter.managed({ scheduler: { [key]: bad } as never }) })));
      for (const key of ['minReplicas', 'maxReplicas', 'variantCost', 'pollingInterval', 'cooldownPeriod', 'initialCooldownPeriod', 'idleReplicas', 'fallback']) attempt(`LlmScaling.keda ${key}`, () => LlmScaling.keda({ maxReplicas: 4, [key]: bad } as never));
      for (const key of ['minReplicas', 'maxReplicas', 'variantCost', 'scaleDownStabilization', 'scaleUpStabilization']) attempt(`LlmScaling.hpa ${key}`, () => LlmScaling.hpa({ maxReplicas: 4, [key]: bad } as never));
      attempt('LlmScaling.keda options', () => LlmScaling.keda(bad as never));
      attempt('KvCacheTier.emptyDir', () => KvCacheTier.emptyDir(bad as never));
      attempt('KvCacheTier.ephemeralPvc', () => KvCacheTier.ephemeralPvc(bad as never));
      attempt('KvCacheTier.pvc', () => KvCacheTier.pvc(bad as never));
      attempt('managedDra.deviceClass', () => new LlmInferenceService(ns.llm, `s${n++}`, base({ managedDra: { deviceClass: bad } as never })));
      attempt('managedDra.celSelectors', () => new LlmInferenceService(ns.llm, `s${n++}`, base({ managedDra: { deviceClass: 'gpu.nvidia.com', celSelectors: bad } as never })));
      const svc = new LlmInferenceService(ns.llm, `s${n++}`, base({ router: LlmRouter.managed({ scheduler: true }) }));
      attempt('useInferencePool', () => svc.useInferencePool(bad as never));
      const refs = new LlmInferenceService(ns.llm, `s${n++}`, base({ router: LlmRouter.httpRoutes() }));
      attempt('useHttpRoutes', () => refs.useHttpRoutes(bad as never));
    }
    expect(raw).toEqual([]);
  });
});

describe('router gateway refs name a listener', () => {
  it("gateway.listener('https') is written as router.gateway.refs[].sectionName", () => {
    const f = setup(['gw', 'llm'], { requireAccessPolicies: false });
    const gateway = new Gateway(f.ns.gw, 'gateway', { provider: GatewayProvider.ISTIO, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.llm]) })] });
    const svc = new LlmInferenceService(f.ns.llm, 'qwen', base({ router: LlmRouter.managed({ gateways: [gateway.listener('https')] }) }));
    expect(findObject(synthObjects(f.app), 'LLMInferenceService', 'qwen', 'llm').spec.router.gateway).toEqual({ refs: [{ name: 'gateway', namespace: 'gw', sectionName: 'https' }] });
    expect(svc.router.gateways).toEqual([gateway]);
    expect(() => LlmRouter.managed({ gateways: ['gateway'] as never })).toThrow(/gateways\[0\] must be a Gateway or a listener/);
  });
});

describe("KServe's pool behind Gateways that cannot route to it", () => {
  it('refuses a managed scheduler on a kgateway (Envoy) Gateway, and on Envoy Gateway unless it fails closed', () => {
    const f = setup(['gw', 'llm'], { requireAccessPolicies: false });
    const listeners = [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.llm]) })];
    const kgw = new Gateway(f.ns.gw, 'kgw', { provider: GatewayProvider.KGATEWAY, listeners });
    const eg = new Gateway(f.ns.gw, 'eg', { provider: GatewayProvider.ENVOY_GATEWAY, listeners });
    expect(() => new LlmInferenceService(f.ns.llm, 'a', base({ router: LlmRouter.managed({ gateways: [kgw], scheduler: true }) }))).toThrow(/gateway kgw is a kgateway \(Envoy\) Gateway, which no longer routes to InferencePools/);
    expect(() => new LlmInferenceService(f.ns.llm, 'b', base({ router: LlmRouter.managed({ gateways: [eg], scheduler: true }) }))).toThrow(
      /router\.scheduler\.failureMode is FailOpen, but Gateway eg is Envoy Gateway.*Fix: set failureMode: FailureMode\.FAIL_CLOSE in the scheduler options/s,
    );
    expect(new LlmInferenceService(f.ns.llm, 'c', base({ router: LlmRouter.managed({ gateways: [eg], scheduler: { failureMode: FailureMode.FAIL_CLOSE } }) })).inferencePoolName).toBe('c-inference-pool');
    // Without a scheduler the route goes to the workload Service: any Gateway will do.
    expect(new LlmInferenceService(f.ns.llm, 'd', base({ router: LlmRouter.managed({ gateways: [kgw] }) })).routeName).toBe('d-kserve-route');
  });
});

describe("an HttpRoute of this app to KServe's pool", () => {
  it('routes to <name>-inference-pool (group inference.networking.k8s.io), opens the Gateway to the pods and the picker, and passes the security rules', () => {
    const f = setup(['gw', 'llm'], { requireAccessPolicies: false });
    const gateway = new Gateway(f.ns.gw, 'gateway', { provider: GatewayProvider.ISTIO, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.llm]) })] });
    const svc = new LlmInferenceService(f.ns.llm, 'qwen', base({ router: LlmRouter.httpRoutes({ gateways: [gateway], scheduler: true }) }));
    const route = new HttpRoute(f.ns.llm, 'qwen-route', { parents: [gateway], rules: [{ matches: svc.routeMatches(), backends: [svc.schedulerPoolBackend] }] });
    svc.useHttpRoutes(route);
    const [platform] = buildPlatforms(f.app);
    const find = (kind: string, name: string) => platform.manifests.find((m) => m.object.kind === kind && m.object.metadata.name === name)!.object as any;
    expect(find('HTTPRoute', 'qwen-route').spec.rules[0].backendRefs).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen-inference-pool' }]);
    expect(find('LLMInferenceService', 'qwen').spec.router).toEqual({ scheduler: {}, route: { http: { refs: [{ name: 'qwen-route' }] } }, gateway: { refs: [{ name: 'gateway', namespace: 'gw' }] } });
    expect(find('DestinationRule', 'qwen-epp-service').spec.host).toBe('qwen-epp-service.llm.svc.cluster.local');
    const flows = (platform.manifests.find((m) => m.object.kind === 'LLMInferenceService')!.flows ?? []).map((x) => `${'namespace' in x.from ? x.from.namespace : '?'} -> ${'namespace' in x.to ? x.to.labels['app.kubernetes.io/component'] : x.to.address}:${x.port}`);
    expect(flows).toEqual(expect.arrayContaining(['gw -> llminferenceservice-workload:8000', 'gw -> llminferenceservice-router-scheduler:9002']));
  });

  it('is refused without a KServe scheduler, under a managed route, and behind a kgateway Gateway', () => {
    const f = setup(['gw', 'llm'], { requireAccessPolicies: false });
    expect(() => new LlmInferenceService(f.ns.llm, 'a', base({ router: LlmRouter.httpRoutes() })).schedulerPoolBackend).toThrow(/router\.scheduler is not KServe's: there is no KServe-managed InferencePool to route to/);
    expect(() => new LlmInferenceService(f.ns.llm, 'b', base({ router: LlmRouter.managed({ scheduler: true }) })).schedulerPoolBackend).toThrow(/router is managed by KServe, which routes to its pool itself/);
    const kgw = new Gateway(f.ns.gw, 'kgw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.llm]) })] });
    const svc = new LlmInferenceService(f.ns.llm, 'c', base({ router: LlmRouter.httpRoutes({ gateways: [kgw], scheduler: true }) }));
    expect(() => new HttpRoute(f.ns.llm, 'c-route', { parents: [kgw], rules: [{ backends: [svc.schedulerPoolBackend] }] })).toThrow(/gateway kgw is a kgateway \(Envoy\) Gateway/);
  });
});
