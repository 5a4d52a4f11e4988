/**
 * Issue 17 §2: `LlmInferenceServiceConfig` carries the v1alpha2 fields an
 * `LlmInferenceService` has (scaling, parallelism, worker, prefill,
 * kvCacheOffloading, tracing, a managed router with its scheduler and
 * inline route), written by the same code: the same props give the same
 * spec fields on both. A service using the config takes the config's router,
 * prefill and workers as its own (KServe merges the baseRefs before it
 * chooses its presets, kserve v0.20.0 config_merge.go combineBaseRefsConfig),
 * so its names, pod labels and NetworkPolicies follow.
 */
import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { FailureMode } from '../../src/inference/inference-pool';
import { PathMatch } from '../../src/routing/match';
import { LlmInferenceService } from '../../src/serving/llm-inference-service';
import { LlmInferenceServiceConfig, LlmInferenceServiceConfigProps } from '../../src/serving/llm-inference-service-config';
import { KvCacheEvictionPolicy, KvCacheTier } from '../../src/serving/llm-kv-cache';
import { LlmRouteBackend } from '../../src/serving/llm-route';
import { LlmRouter } from '../../src/serving/llm-router';
import { LlmScaling } from '../../src/serving/llm-scaling';
import { LlmTracingSampler } from '../../src/serving/llm-tracing';
import { Storage } from '../../src/serving/storage';
import { formatIssue, validateObject } from '../../src/validate';
import { Json } from '../upstream-compare';
import { findObject, setup, synthObjects } from '../util';
import { plainChart, synthCharts } from './upstream-rebuild';

const GPU = { limits: { cpu: '8', memory: '64Gi', nvidiaGpu: '8' }, requests: { cpu: '4', memory: '32Gi', nvidiaGpu: '8' } };

/** The workload, prefill and tracing props, given to a config and to a service. */
const shared = (): Omit<LlmInferenceServiceConfigProps, 'name' | 'router'> & { container: object } => ({
  scaling: LlmScaling.keda({ minReplicas: 1, maxReplicas: 4, cooldownPeriod: Duration.minutes(5) }),
  parallelism: { data: 16, dataLocal: 8, expert: true },
  container: { resources: GPU, env: { VLLM_LOGGING_LEVEL: 'INFO' } },
  worker: { container: { resources: GPU } },
  kvCacheOffloading: { cpu: '10Gi', evictionPolicy: KvCacheEvictionPolicy.LRU, secondary: [KvCacheTier.emptyDir('100Gi')] },
  podLabels: { team: 'llm' },
  prefill: { replicas: 2, container: { resources: GPU } },
  tracing: { exporterEndpoint: 'http://otel-collector.observability:4317', sampler: LlmTracingSampler.PARENT_BASED_RATIO, samplerRatio: 0.1 },
});

function synth(build: (chart: ReturnType<typeof plainChart>) => void): Array<Json & { kind: string; spec: any; metadata: any }> {
  const app = Testing.app();
  build(plainChart(app, 'llm'));
  const objects = synthCharts(app) as Array<Json & { kind: string; spec: any; metadata: any }>;
  for (const o of objects) expect(validateObject(o).map(formatIssue), `${o.kind} valid against the v1alpha2 CRD`).toEqual([]);
  return objects;
}

describe('LlmInferenceServiceConfig: the v1alpha2 fields, written as on LlmInferenceService', () => {
  it('scaling, parallelism, worker, kvCacheOffloading, pod labels, prefill and tracing: the same fields as a service with the same props', () => {
    const [config, service] = synth((chart) => {
      new LlmInferenceServiceConfig(chart, 'dp-ep', shared());
      new LlmInferenceService(chart, 'qwen', { model: Storage.hf('Qwen/Qwen3-8B'), ...(shared() as any) });
    });
    expect(config.kind).toBe('LLMInferenceServiceConfig');
    expect(config.apiVersion).toBe('serving.kserve.io/v1alpha2');
    for (const key of ['scaling', 'parallelism', 'template', 'worker', 'kvCacheOffloading', 'labels', 'prefill', 'tracing']) {
      expect(config.spec[key], key).toBeDefined();
      expect(config.spec[key], key).toEqual(service.spec[key]);
    }
    expect(config.spec.scaling).toEqual({ minReplicas: 1, maxReplicas: 4, wva: { keda: { cooldownPeriod: 300 } } });
    expect(config.spec.parallelism).toEqual({ data: 16, dataLocal: 8, expert: true });
    expect(config.spec.worker.containers[0].resources.limits['nvidia.com/gpu']).toBe('8');
    // A GPU multi-node config gets the presets' writable root, as a service does.
    expect(config.spec.template.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(config.spec.kvCacheOffloading).toEqual({ cpu: '10Gi', evictionPolicy: 'lru', secondary: [{ fileSystem: { emptyDir: { size: '100Gi' } } }] });
    expect(config.spec.tracing).toEqual({ exporterEndpoint: 'http://otel-collector.observability:4317', sampler: 'parentbased_traceidratio', samplerArg: '0.1' });
    // What only a service has: the model, and the default of one replica (a config leaves replicas to the service).
    expect(config.spec.model).toBeUndefined();
    expect(config.spec.prefill.replicas).toBe(2);
    expect(config.spec.router).toBeUndefined();
  });

  it('a config without a container writes no template; replicas stays unset unless given', () => {
    const [config] = synth((chart) => new LlmInferenceServiceConfig(chart, 'tp', { parallelism: { tensor: 4 }, tracing: {} }));
    expect(config.spec).toEqual({ parallelism: { tensor: 4 }, tracing: {} });
  });

  it("a managed router with scheduler and inline rules: KServe's templates stand for the names of each service, the pool selector is left to KServe", () => {
    const [config] = synth((chart) =>
      new LlmInferenceServiceConfig(chart, 'routing', {
        router: LlmRouter.managed({
          explicitDefaultGateway: true,
          scheduler: { failureMode: FailureMode.FAIL_CLOSE, replicas: 2 },
          hostnames: ['llm.example.com'],
          rules: [{ name: 'chat', matches: [{ path: PathMatch.prefix('/v1/chat/completions') }] }, { name: 'models', matches: [{ path: PathMatch.exact('/v1/models') }], backend: LlmRouteBackend.WORKLOAD_SERVICE }],
        }),
      }),
    );
    const r = config.spec.router;
    expect(r.gateway).toEqual({});
    expect(r.scheduler.replicas).toBe(2);
    expect(r.scheduler.pool.spec).toEqual({
      selector: { matchLabels: {} },
      targetPorts: [{ number: 8000 }],
      endpointPickerRef: { kind: 'Service', name: '{{ ChildName .ObjectMeta.Name `-epp-service` }}', port: { number: 9002 }, failureMode: 'FailClose' },
    });
    expect(r.route.http.spec.hostnames).toEqual(['llm.example.com']);
    expect(r.route.http.spec.rules[0].backendRefs).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: '{{ ChildName .ObjectMeta.Name `-inference-pool` }}', port: 8000, weight: 1 }]);
    expect(r.route.http.spec.rules[1].backendRefs).toEqual([{ kind: 'Service', name: '{{ ChildName .ObjectMeta.Name `-kserve-workload-svc` }}', port: 8000, weight: 1 }]);
    expect(r.route.http.spec.rules[0].timeouts).toEqual({ request: '0s' });
  });

  it("a service takes its config's router, prefill and workers as its own: names, pod labels, NetworkPolicies, and no router written twice", () => {
    const f = setup(['gw', 'llm'], { requireAccessPolicies: false });
    const gateway = new Gateway(f.ns.gw, 'gateway', { provider: GatewayProvider.ISTIO, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.llm]) })] });
    const config = new LlmInferenceServiceConfig(f.ns.llm, 'pd-routing', { router: LlmRouter.managed({ gateways: [gateway], scheduler: true }), prefill: { replicas: 2, container: { resources: GPU } } });
    const svc = new LlmInferenceService(f.ns.llm, 'qwen', { model: Storage.hf('Qwen/Qwen3-8B'), container: { resources: GPU }, baseRefs: [config] });
    expect(svc.router).toBe(config.router);
    expect(svc.disaggregated).toBe(true);
    expect(svc.decodePods.labels['llm-d.ai/role']).toBe('decode');
    expect(svc.prefillWorkloadName).toBe('qwen-kserve-prefill');
    expect(svc.routeName).toBe('qwen-kserve-route');
    expect(svc.endpointPickerServiceName).toBe('qwen-epp-service');
    expect(svc.schedulerPods?.labels['app.kubernetes.io/component']).toBe('llminferenceservice-router-scheduler');
    const objects = synthObjects(f.app);
    const own = findObject(objects, 'LLMInferenceService', 'qwen', 'llm');
    expect(own.spec.router).toBeUndefined();
    expect(own.spec.prefill).toBeUndefined();
    expect(own.spec.baseRefs).toEqual([{ name: 'pd-routing' }]);
    expect(findObject(objects, 'LLMInferenceServiceConfig', 'pd-routing', 'llm').spec.router.gateway).toEqual({ refs: [{ name: 'gateway', namespace: 'gw' }] });
    // The Gateway reaches the picker (9002) and the vLLM pods (8000), as if the router were the service's; the picker gets its TLS DestinationRule on Istio.
    const [platform] = buildPlatforms(f.app);
    const flows = platform.manifests.find((m) => m.object.kind === 'LLMInferenceService')!.flows ?? [];
    const ports = flows.filter((x) => 'namespace' in x.from && x.from.namespace === 'gw').map((x) => x.port);
    expect(ports.sort()).toEqual([8000, 9002]);
    expect(objects.some((o) => o.kind === 'DestinationRule' && (o.spec as any).host?.startsWith('qwen-epp-service'))).toBe(true);
  });

  it("a config in KServe's namespace: its parents are checked against each service's namespace, and a config's workers give the service the presets' writable root", () => {
    const f = setup(['gw', 'llm', 'other', 'kserve'], { requireAccessPolicies: false });
    const gateway = new Gateway(f.ns.gw, 'gateway', { provider: GatewayProvider.ISTIO, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.llm]) })] });
    const config = new LlmInferenceServiceConfig(f.ns.kserve, 'shared-route', { router: LlmRouter.managed({ parents: [gateway], rules: [{ matches: [{ path: PathMatch.prefix('/v1') }] }] }) });
    expect(() => new LlmInferenceService(f.ns.llm, 'qwen', { model: Storage.hf('Qwen/Qwen3-8B'), container: {}, baseRefs: [config] })).not.toThrow();
    expect(() => new LlmInferenceService(f.ns.other, 'qwen', { model: Storage.hf('Qwen/Qwen3-8B'), container: {}, baseRefs: [config] })).toThrow(/test\/other\/qwen.*router\.parents\[0\].*does not admit routes from namespace 'other'/s);
    const dp = new LlmInferenceServiceConfig(f.ns.llm, 'dp', { parallelism: { data: 16, dataLocal: 8 }, worker: { container: { resources: GPU } } });
    const svc = new LlmInferenceService(f.ns.llm, 'deepseek', { model: Storage.hf('deepseek-ai/DeepSeek-R1'), container: {}, baseRefs: [dp] });
    expect(svc.multiNode).toBe(true);
    expect(svc.workloadName).toBe('deepseek-kserve-mn');
    const own = findObject(synthObjects(f.app), 'LLMInferenceService', 'deepseek', 'llm');
    expect(own.spec.template.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
  });

  it('refuses two routers, an HTTPRoute-refs router or an inline spec without rules in a config, and the checks a service makes', () => {
    const { ns } = setup(['llm']);
    const routing = new LlmInferenceServiceConfig(ns.llm, 'routing', { router: LlmRouter.managed({ scheduler: true }) });
    const other = new LlmInferenceServiceConfig(ns.llm, 'other', { router: LlmRouter.managed() });
    const svc = (props: object, id: string) => () => new LlmInferenceService(ns.llm, id, { model: Storage.hf('Qwen/Qwen3-8B'), container: { resources: GPU }, ...props });
    expect(svc({ baseRefs: [routing], router: LlmRouter.managed() }, 'a')).toThrow(/test\/llm\/a.*router is given, and baseRefs config routing sets a router too.*set the router on the service or in one config/s);
    expect(svc({ baseRefs: [routing, other] }, 'b')).toThrow(/baseRefs name two configs that set a router.*\["routing","other"\]/s);
    expect(() => new LlmInferenceServiceConfig(ns.llm, 'refs', { router: LlmRouter.httpRoutes() })).toThrow(/test\/llm\/refs.*router is LlmRouter\.httpRoutes.*give LlmRouter\.httpRoutes to the LlmInferenceService itself/s);
    expect(() => new LlmInferenceServiceConfig(ns.llm, 'hosts', { router: LlmRouter.managed({ hostnames: ['llm.example.com'] }) })).toThrow(/router\.rules are needed with an inline route spec.*CRD defaults a missing rules list/s);
    expect(() => new LlmInferenceServiceConfig(ns.llm, 'both', { replicas: 2, scaling: LlmScaling.hpa({ maxReplicas: 4 }) })).toThrow(/test\/llm\/both.*replicas is given with scaling/s);
    expect(() => new LlmInferenceServiceConfig(ns.llm, 'worker', { worker: { container: { resources: GPU } } })).toThrow(/worker needs parallelism with data or pipeline/);
    expect(() => new LlmInferenceServiceConfig(ns.llm, 'pname', { prefill: { container: { name: 'x' } as never } })).toThrow(/prefill\.container\.name.*always 'main'/s);
    expect(() => new LlmInferenceServiceConfig(ns.llm, 'pbad', { prefill: 3 as never })).toThrow(/prefill must be an object of LlmConfigWorkload/);
    expect(() => new LlmInferenceServiceConfig(ns.llm, 'tbad', { tracing: { exporterEndpoint: 'otel:4317' } })).toThrow(/tracing\.exporterEndpoint/);
    expect(() => new LlmInferenceServiceConfig(ns.llm, 'rbad', { router: 'managed' as never })).toThrow(/router must be an LlmRouter/);
  });

  it('never surfaces raw TypeErrors for the new props', () => {
    const raw: string[] = [];
    for (const bad of [null, 42, 'text', { text: 42 }, [42], true] as const) {
      const { ns } = setup(['llm']);
      let n = 0;
      for (const key of ['scaling', 'parallelism', 'worker', 'kvCacheOffloading', 'podLabels', 'podAnnotations', 'prefill', 'tracing', 'router', 'nodeSelector', 'tolerations', 'serviceAccount']) {
        try {
          new LlmInferenceServiceConfig(ns.llm, `c${n++}`, { tracing: {}, [key]: bad } as never);
        } catch (e) {
          if (!(e instanceof Error) || e.name !== 'ModelServingError') raw.push(`${key} = ${JSON.stringify(bad)}: ${String(e)}`);
        }
      }
    }
    expect(raw).toEqual([]);
  });
});
