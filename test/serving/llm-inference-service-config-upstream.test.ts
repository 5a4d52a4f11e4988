import { Duration } from 'cdk8s';
/**
 * Issue 16 §4: `LlmInferenceServiceConfig` (serving.kserve.io/v1alpha2) and
 * the `baseRefs`, LoRA limits and `storageInitializer` of
 * `LlmInferenceService`, proved on `../shared/examples/kserve/llmisvc/e2e-gpt-oss`:
 *
 * - `inference_default.yaml` (an LLMInferenceService whose `baseRefs` name
 *   the config) is rebuilt with its base ref an LlmInferenceServiceConfig
 *   object. One difference is asserted explicitly: `LlmRouter.managed`
 *   always asks KServe for its HTTPRoute (`router.route: {}`), which the
 *   e2e sample leaves out;
 * - `llmisvc_config_default.yaml` is listed in KNOWN-INVALID.md (its
 *   `router.scheduler.pool.spec` lacks the CRD's required fields), so only
 *   its valid `spec.template` is rebuilt and compared.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Probe } from '../../src/core/probe';
import { EmptyDirMedium, Volume } from '../../src/core/volume';
import { LlmInferenceService } from '../../src/serving/llm-inference-service';
import { LlmRouter } from '../../src/serving/llm-router';
import { KSERVE_NAMESPACE, LlmInferenceServiceConfig } from '../../src/serving/llm-inference-service-config';
import { Storage } from '../../src/serving/storage';
import { buildPlatforms } from '../../src/delivery';
import { formatIssue, validateObject } from '../../src/validate';
import { compareWithUpstream, Json } from '../upstream-compare';
import { findObject, setup, synthObjects } from '../util';
import { plainChart, rebuild, synthCharts, upstreamObjects } from './upstream-rebuild';

const DIR = 'llmisvc/e2e-gpt-oss';
const T = 'spec.template';
const C = `${T}.containers[0]`;
const VLLM_ARGS = 'vllm serve /mnt/models --served-model-name "{{ .Spec.Model.Name }}" --port 8000 --disable-access-log-for-endpoints /health,/metrics,/ping --disable-log-requests $VLLM_ADDITIONAL_ARGS\n';

/**
 * The config of the e2e sample. Its probes override only the timing of the
 * well-known config's (kserve v0.20.0 config/llmisvcconfig/config-llm-template.yaml:
 * httpGet /health on 8000, HTTPS with KServe's TLS; liveness every 10 s, 10 failures;
 * readiness 2 failures); a Probe always spells out its check, so the rebuild does.
 */
function gptOssConfig(scope: import('constructs').Construct): LlmInferenceServiceConfig {
  return new LlmInferenceServiceConfig(scope, 'llmisvc-intelligent-inference-scheduling', {
    container: {
      image: 'ghcr.io/llm-d/llm-d-cuda:v0.8.0',
      command: ['/bin/sh', '-c'],
      args: [VLLM_ARGS],
      livenessProbe: Probe.http('/health', 8000, { scheme: 'HTTPS', initialDelay: Duration.seconds(1200), period: Duration.seconds(10), timeout: Duration.seconds(1), failureThreshold: 10 }),
      readinessProbe: Probe.http('/health', 8000, { scheme: 'HTTPS', initialDelay: Duration.seconds(10), period: Duration.seconds(10), timeout: Duration.seconds(1), failureThreshold: 2 }),
    },
  });
}

describe('LlmInferenceServiceConfig and baseRefs rebuild the e2e-gpt-oss sample', () => {
  it('inference_default.yaml: the LLMInferenceService refers to the config object by baseRefs', () => {
    const objects = rebuild(
      `${DIR}/inference_default.yaml`,
      (app) => {
        const c = plainChart(app);
        new LlmInferenceService(c, 'gpt-oss-20b', {
          model: Storage.pvc('gpt-oss-20b-pvc'),
          modelName: 'RedHatAI/gpt-oss-20b',
          replicas: 2,
          router: LlmRouter.managed({ scheduler: true, explicitDefaultGateway: true }),
          baseRefs: [gptOssConfig(c)],
          container: { resources: { limits: { cpu: '8', memory: '64Gi', nvidiaGpu: '1' }, requests: { cpu: '4', memory: '32Gi', nvidiaGpu: '1' } } },
        });
      },
      {
        'LLMInferenceService/gpt-oss-20b': [
          // The library's secure defaults (DESIGN §4; a GPU pod keeps the writable root KServe's presets need) and the GPU toleration.
          `${T}.automountServiceAccountToken`,
          `${T}.securityContext`,
          `${C}.securityContext`,
          `${T}.tolerations`,
          // Not a hardening: LlmRouter.managed always manages the HTTPRoute; the e2e sample leaves router.route out.
          'spec.router.route',
        ],
      },
      {},
      ['LLMInferenceServiceConfig/llmisvc-intelligent-inference-scheduling'],
    );
    expect((objects['LLMInferenceService/gpt-oss-20b'] as any).spec.baseRefs).toEqual([{ name: 'llmisvc-intelligent-inference-scheduling' }]);
  });

  it("llmisvc_config_default.yaml: the config's spec.template (the file's router part is known invalid), as serving.kserve.io/v1alpha2", () => {
    const app = Testing.app();
    gptOssConfig(plainChart(app));
    const [ours] = synthCharts(app);
    expect(ours.apiVersion).toBe('serving.kserve.io/v1alpha2');
    expect(validateObject(ours).map(formatIssue)).toEqual([]);
    const [upstream] = upstreamObjects(`${DIR}/llmisvc_config_default.yaml`);
    expect(Object.keys(upstream.spec as Json).sort(), 'the file holds the template and the known-invalid router').toEqual(['router', 'template']);
    const { missing, extra } = compareWithUpstream({ ...upstream, spec: { template: (upstream.spec as Json).template } }, ours);
    expect(missing).toEqual([]);
    expect(extra).toEqual(
      [
        // Secure defaults of the template (as on an LLMInferenceService), next to upstream's runAsNonRoot.
        `${T}.automountServiceAccountToken`,
        `${T}.securityContext`,
        `${T}.volumes`,
        `${C}.volumeMounts`,
        ...['allowPrivilegeEscalation', 'capabilities', 'readOnlyRootFilesystem', 'seccompProfile'].map((k) => `${C}.securityContext.${k}`),
        // The probes spelled out (see gptOssConfig).
        `${C}.livenessProbe.httpGet`,
        `${C}.livenessProbe.periodSeconds`,
        `${C}.livenessProbe.timeoutSeconds`,
        `${C}.livenessProbe.failureThreshold`,
        `${C}.readinessProbe.httpGet`,
        `${C}.readinessProbe.timeoutSeconds`,
        `${C}.readinessProbe.failureThreshold`,
      ].sort(),
    );
  });
});

describe('LlmInferenceServiceConfig, baseRefs, LoRA limits and storageInitializer', () => {
  it('a config with replicas, storageInitializer and a /dev/shm mount; LoRA limits and two baseRefs (one in KServe namespace) on the service', () => {
    const { app, ns } = setup(['llm', KSERVE_NAMESPACE], { requireAccessPolicies: false });
    const local = new LlmInferenceServiceConfig(ns.llm, 'no-download', { storageInitializer: false, replicas: 2 });
    const shared = new LlmInferenceServiceConfig(ns[KSERVE_NAMESPACE], 'shm', {
      container: { volumeMounts: [{ volume: Volume.emptyDir('dshm', { medium: EmptyDirMedium.MEMORY, sizeLimit: '8Gi' }), mountPath: '/dev/shm' }] },
    });
    new LlmInferenceService(ns.llm, 'qwen', {
      model: Storage.hf('facebook/opt-125m'),
      loraAdapters: [{ name: 'a', storage: Storage.hf('edbeeching/opt-125m-lora') }],
      loraLimits: { maxAdapters: 1, maxCpuAdapters: 2, maxRank: 64 },
      baseRefs: [local, shared],
      container: { resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } } },
    });
    const objects = synthObjects(app);
    const svc = findObject(objects, 'LLMInferenceService', 'qwen', 'llm');
    expect(svc.spec.baseRefs).toEqual([{ name: 'no-download' }, { name: 'shm' }]);
    expect(svc.spec.model.lora).toEqual({ adapters: [{ name: 'a', uri: 'hf://edbeeching/opt-125m-lora' }], maxAdapters: 1, maxCpuAdapters: 2, maxRank: 64 });
    expect(findObject(objects, 'LLMInferenceServiceConfig', 'no-download', 'llm').spec).toEqual({ replicas: 2, storageInitializer: { enabled: false } });
    const shm = findObject(objects, 'LLMInferenceServiceConfig', 'shm', KSERVE_NAMESPACE);
    expect(shm.apiVersion).toBe('serving.kserve.io/v1alpha2');
    expect(shm.spec.template.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '8Gi' } }]);
    expect(shm.spec.template.containers[0].name).toBe('main');
    for (const o of objects.filter((x) => x.kind.startsWith('LLMInferenceService'))) expect(validateObject(o as unknown as Json).map(formatIssue)).toEqual([]);
    // The whole build (validation, security rules) passes.
    expect(() => buildPlatforms(app)).not.toThrow();
  });

  it('refuses a config in another namespace, a config referred to twice, a string for a config, LoRA limits vLLM or KServe refuse, an empty config, a container name', () => {
    const { ns } = setup(['llm', 'other']);
    const RES = { limits: { cpu: '1', memory: '2Gi' } };
    const elsewhere = new LlmInferenceServiceConfig(ns.other, 'cfg', { replicas: 1 });
    const here = new LlmInferenceServiceConfig(ns.llm, 'cfg', { replicas: 1 });
    let n = 0;
    const svc = (props: object) => () => new LlmInferenceService(ns.llm, `s${n++}`, { model: Storage.hf('facebook/opt-125m'), container: { resources: RES }, ...props });
    expect(svc({ baseRefs: [elsewhere] })).toThrow(/test\/llm\/s0.*baseRefs\[0\].*is in namespace other.*\(llm\).*\(kserve\).*test\/other\/cfg.*create the config in llm or in kserve/s);
    expect(svc({ baseRefs: [here, here] })).toThrow(/baseRefs\[1\].*already referred to.*"cfg"/s);
    expect(svc({ baseRefs: ['cfg'] })).toThrow(/baseRefs\[0\].*must be an LlmInferenceServiceConfig.*"cfg"/s);
    expect(svc({ loraLimits: { maxAdapters: 4, maxCpuAdapters: 2 } })).toThrow(/loraLimits\.maxCpuAdapters.*below maxAdapters \(4\).*--max-cpu-loras.*2.*use maxCpuAdapters: 4 or more/s);
    expect(svc({ loraAdapters: [{ name: 'a', storage: Storage.hf('x/a') }, { name: 'b', storage: Storage.hf('x/b') }], loraLimits: { maxAdapters: 3 } })).toThrow(/maxCpuAdapters.*below maxAdapters \(3\).*2/s);
    expect(svc({ loraLimits: { maxRank: 0 } })).toThrow(/loraLimits\.maxRank.*0.*use 1 or more/s);
    expect(svc({ loraLimits: { maxLoras: 2 } })).toThrow(/loraLimits\.maxLoras.*not a known field/s);
    expect(svc({ storageInitializer: 'no' })).toThrow(/storageInitializer.*must be a boolean.*"no"/s);
    expect(() => new LlmInferenceServiceConfig(ns.llm, 'empty')).toThrow(/test\/llm\/empty.*sets nothing.*give container, replicas, scaling.*router or storageInitializer/s);
    expect(() => new LlmInferenceServiceConfig(ns.llm, 'named', { container: { name: 'vllm' } as never })).toThrow(/container\.name.*always 'main'.*"vllm"/s);
    expect(() => new LlmInferenceServiceConfig(ns.llm, 'Bad_Name', { replicas: 1 })).toThrow(/name.*"Bad_Name"/s);
  });
});

describe('LlmInferenceServiceConfig and the new LlmInferenceService props never surface raw TypeErrors', () => {
  it('null, numbers, strings, objects, lists and booleans in place of each prop', () => {
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
      for (const key of ['name', 'container', 'replicas', 'storageInitializer', 'security']) attempt(`config ${key}`, () => new LlmInferenceServiceConfig(ns.llm, `c${n++}`, { replicas: 1, [key]: bad } as never));
      attempt('config props', () => new LlmInferenceServiceConfig(ns.llm, `c${n++}`, bad as never));
      for (const key of ['baseRefs', 'loraLimits', 'storageInitializer']) {
        attempt(`service ${key}`, () => new LlmInferenceService(ns.llm, `s${n++}`, { model: Storage.hf('facebook/opt-125m'), container: {}, [key]: bad } as never));
      }
      for (const key of ['maxAdapters', 'maxCpuAdapters', 'maxRank']) {
        attempt(`loraLimits.${key}`, () => new LlmInferenceService(ns.llm, `s${n++}`, { model: Storage.hf('facebook/opt-125m'), container: {}, loraLimits: { [key]: bad } } as never));
      }
    }
    expect(raw).toEqual([]);
  });
});
