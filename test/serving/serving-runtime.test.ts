import { describe, expect, it } from 'vitest';
import { Testing } from 'cdk8s';
import { Namespace } from '../../src/core/namespace';
import { Platform } from '../../src/core/platform';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { ClusterServingRuntime, ServingRuntime } from '../../src/serving/serving-runtime';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { Storage } from '../../src/serving/storage';
import { findObject, setup, synthObjects } from '../util';

describe('ServingRuntime and ClusterServingRuntime', () => {
  it('vLLM: pinned image, OpenAI server on 8080, GPU, no --trust-remote-code unless asked', () => {
    const app = Testing.app();
    const platform = new Platform(app, 'p');
    new ClusterServingRuntime(platform, 'placeholder', {
      supportedModelFormats: [{ format: ModelFormat.SKLEARN }],
      container: { image: 'kserve/sklearnserver:v0.20.0' },
    });
    ClusterServingRuntime.vllm(platform, 'vllm-runtime', { image: 'vllm/vllm-openai:v0.11.0', maxModelLen: 8192 });
    const rt = findObject(synthObjects(app), 'ClusterServingRuntime', 'vllm-runtime');
    expect(rt.metadata.namespace).toBeUndefined();
    expect(rt.spec.supportedModelFormats).toEqual([{ name: 'vLLM', autoSelect: true }]);
    expect(rt.spec.protocolVersions).toEqual(['v2']);
    const c = rt.spec.containers[0];
    expect(c.name).toBe('kserve-container');
    expect(c.image).toBe('vllm/vllm-openai:v0.11.0');
    expect(c.args).toEqual(['--port=8080', '--model=/mnt/models', '--served-model-name={{.Name}}', '--max-model-len=8192']);
    expect(c.args).not.toContain('--trust-remote-code');
    expect(c.ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
    expect(c.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(c.resources.requests['nvidia.com/gpu']).toBe('1');
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/health', port: 8080 }, failureThreshold: 180 });
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(rt.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(rt).toMatchSnapshot();
  });

  it('vLLM with trustRemoteCode and tensor parallelism', () => {
    const { app, ns } = setup(['llm']);
    ServingRuntime.vllm(ns.llm, 'vllm', { image: 'vllm/vllm-openai:v0.11.0', trustRemoteCode: true, gpus: 2 });
    const c = findObject(synthObjects(app), 'ServingRuntime', 'vllm', 'llm').spec.containers[0];
    expect(c.args).toContain('--trust-remote-code');
    expect(c.args).toContain('--tensor-parallel-size=2');
    expect(c.resources.limits['nvidia.com/gpu']).toBe('2');
  });

  it('TEI for embeddings', () => {
    const { app, ns } = setup(['llm']);
    ServingRuntime.textEmbeddingsInference(ns.llm, 'tei', { image: 'ghcr.io/huggingface/text-embeddings-inference:cpu-1.8' });
    const rt = findObject(synthObjects(app), 'ServingRuntime', 'tei', 'llm');
    expect(rt.spec.supportedModelFormats).toEqual([{ name: 'text-embeddings', autoSelect: true }]);
    expect(rt.spec.containers[0].args).toContain('--model-id=/mnt/models');
  });

  it('an InferenceService can name it; its protocol defaults to what the runtime speaks', () => {
    const { app, ns } = setup(['llm']);
    const vllm = ServingRuntime.vllm(ns.llm, 'vllm', { image: 'vllm/vllm-openai:v0.11.0' });
    const m = new InferenceService(ns.llm, 'qwen', { predictor: Predictor.model({ format: ModelFormat.custom('vLLM'), runtime: vllm, resources: { limits: { nvidiaGpu: '1' } } }) });
    expect(m.protocolVersion).toBe(ProtocolVersion.V2);
    const p = findObject(synthObjects(app), 'InferenceService', 'qwen', 'llm').spec.predictor;
    expect(p.model.runtime).toBe('vllm');
    expect(p.model.readinessProbe).toBeUndefined();
  });

  describe('fails when', () => {
    it('the image is latest or untagged', () => {
      const { ns } = setup(['llm']);
      expect(() => ServingRuntime.vllm(ns.llm, 'a', { image: 'vllm/vllm-openai:latest' })).toThrow(/test\/llm\/a: container\.image uses the ':latest' tag, which is not pinned \(received: "vllm\/vllm-openai:latest"\)/);
      expect(() => ServingRuntime.vllm(ns.llm, 'b', { image: 'vllm/vllm-openai' })).toThrow(/container\.image has no tag/);
    });

    it('no model format is declared', () => {
      const { ns } = setup(['llm']);
      expect(() => new ServingRuntime(ns.llm, 'r', { supportedModelFormats: [], container: { image: 'a/b:1' } })).toThrow(/supportedModelFormats must list at least one format/);
    });

    it('a ClusterServingRuntime is created in a Namespace, or a ServingRuntime outside one', () => {
      const app = Testing.app();
      const platform = new Platform(app, 'p');
      const ns = new Namespace(platform, 'llm');
      expect(() => ClusterServingRuntime.vllm(ns, 'c', { image: 'vllm/vllm-openai:v0.11.0' })).toThrow(/must be the Platform, not a Namespace/);
      expect(() => ServingRuntime.vllm(platform, 's', { image: 'vllm/vllm-openai:v0.11.0' })).toThrow(/must be a namespaced chart/);
    });

    it('an InferenceService names a runtime that does not support its format', () => {
      const { ns } = setup(['llm']);
      const tei = ServingRuntime.textEmbeddingsInference(ns.llm, 'tei', { image: 'ghcr.io/huggingface/text-embeddings-inference:cpu-1.8' });
      expect(() => new InferenceService(ns.llm, 'm', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, runtime: tei }) })).toThrow(/runtime 'tei' does not declare model format 'sklearn'/);
    });

    it('an InferenceService uses a ServingRuntime of another namespace', () => {
      const { ns } = setup(['a', 'b']);
      const rt = ServingRuntime.vllm(ns.a, 'vllm', { image: 'vllm/vllm-openai:v0.11.0' });
      expect(() => new InferenceService(ns.b, 'm', { predictor: Predictor.model({ format: ModelFormat.custom('vLLM'), runtime: rt }) })).toThrow(/is a ServingRuntime in namespace 'a'/);
    });
  });
});

describe('a model on a runtime inherits its resources (KServe merges the runtime container with the model)', () => {
  const build = (withRuntime: boolean) => {
    const app = Testing.app();
    const platform = new Platform(app, 'p', { requireAccessPolicies: false });
    const llm = new Namespace(platform, 'llm');
    const vllm = ClusterServingRuntime.vllm(platform, 'vllm', { image: 'vllm/vllm-openai:v0.11.0', gpus: 1 });
    new InferenceService(llm, 'qwen', { predictor: withRuntime ? Predictor.model({ format: ModelFormat.custom('vLLM'), runtime: vllm, storage: Storage.hf('Qwen/Qwen3-0.6B') }) : Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris') }) });
    return app;
  };

  it('a model naming ServingRuntime.vllm({ gpus }) needs no resources of its own: the security rules pass', () => {
    const outputs = buildPlatforms(build(true));
    const model = outputs[0].manifests.find((m) => m.object.kind === 'InferenceService')!.object as unknown as { spec: { predictor: { model: { resources?: unknown; runtime: string } } } };
    expect(model.spec.predictor.model.runtime).toBe('vllm');
    expect(model.spec.predictor.model.resources).toBeUndefined();
  });

  it('a model without a named runtime still must set them (SEC-W07)', () => {
    expect(() => buildPlatforms(build(false))).toThrow(/SEC-W07.*spec\.predictor\.model\.resources\.requests\.cpu/s);
  });
});
