import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { ModelServerMetrics } from '../../src/observability/model-servers';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { ClusterServingRuntime, ModelServerApi, ModelServerKind, ServingRuntime } from '../../src/serving/serving-runtime';
import { Storage } from '../../src/serving/storage';
import { findObject, setup, synthObjects } from '../util';

const iris = Storage.uri('gs://kfserving-examples/models/sklearn/iris');

describe('runtimes are IServingRuntime objects (issue 16 §3)', () => {
  it('takes a ClusterServingRuntime imported by name and renders its name', () => {
    const { app, platform, ns } = setup(['models']);
    const runtime = ClusterServingRuntime.fromName(platform, 'sklearn-runtime', 'kserve-sklearnserver');
    expect(runtime).toMatchObject({ runtimeName: 'kserve-sklearnserver', clusterScoped: true, imported: true });
    new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: iris, runtime }) });
    expect(findObject(synthObjects(app), 'InferenceService', 'iris', 'models').spec.predictor.model.runtime).toBe('kserve-sklearnserver');
  });

  it('refuses a runtime name string, with the import that replaces it', () => {
    const { ns } = setup(['models']);
    const props = { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: iris, runtime: 'kserve-sklearnserver' as never }) };
    expect(() => new InferenceService(ns.models, 'iris', props)).toThrow(
      /test\/models\/iris: runtime must be a runtime object \(IServingRuntime\), not a name \(received: "kserve-sklearnserver"\)\. Fix: import the runtime by name: runtime: ClusterServingRuntime\.fromName\(this, 'kserve-sklearnserver-runtime', 'kserve-sklearnserver'\) .*or ServingRuntime\.fromName\(namespace, /,
    );
  });

  it('refuses a value that is no runtime at all', () => {
    const { ns } = setup(['models']);
    expect(() => new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: iris, runtime: { name: 'x' } as never }) })).toThrow(
      /test\/models\/iris: runtime must be a runtime object \(IServingRuntime\) .*Fix: pass a ServingRuntime or ClusterServingRuntime, or import one: ClusterServingRuntime\.fromName/,
    );
  });

  it('does not compile with a runtime name string', () => {
    const { ns } = setup(['models']);
    // @ts-expect-error runtime takes an IServingRuntime, not a name
    expect(() => new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: iris, runtime: 'kserve-sklearnserver' }) })).toThrow(/runtime must be a runtime object/);
  });

  it("checks the formats and protocols an import declares, and defaults the model's protocol to the runtime's", () => {
    const { ns } = setup(['models']);
    const triton = ClusterServingRuntime.fromName(ns.models, 'triton', 'team-triton', { supportedModelFormats: [{ format: ModelFormat.ONNX }], protocolVersions: [ProtocolVersion.V2, ProtocolVersion.GRPC_V2] });
    expect(() => new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: iris, runtime: triton }) })).toThrow(
      /test\/models\/iris: runtime 'team-triton' does not declare model format 'sklearn' \(received: "team-triton"\)\. Fix: use a runtime that supports it, or add the format to the runtime \(declares: onnx\)/,
    );
    expect(() => new InferenceService(ns.models, 'densenet', { predictor: Predictor.model({ format: ModelFormat.ONNX, storage: iris, runtime: triton, protocolVersion: ProtocolVersion.V1 }) })).toThrow(
      /test\/models\/densenet: protocolVersion is not spoken by runtime 'team-triton' \(received: "v1"\)\. Fix: use one of: v2, grpc-v2/,
    );
    const sk = ClusterServingRuntime.fromName(ns.models, 'mlserver', 'team-mlserver', { protocolVersions: [ProtocolVersion.V2] });
    expect(new InferenceService(ns.models, 'iris-v2', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: iris, runtime: sk }) }).protocolVersion).toBe(ProtocolVersion.V2);
    // Nothing declared: nothing checked, the format's protocol.
    const unknown = ClusterServingRuntime.fromName(ns.models, 'unknown', 'somebody-elses');
    expect(new InferenceService(ns.models, 'iris-v1', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: iris, runtime: unknown }) }).protocolVersion).toBe(ProtocolVersion.V1);
  });

  it('refuses a ServingRuntime of another namespace, and one imported where no namespace is known', () => {
    const { platform, ns } = setup(['models', 'other']);
    const theirs = ServingRuntime.fromName(ns.other, 'theirs', 'team-sklearn');
    expect(theirs.runtimeNamespace).toBe('other');
    expect(() => new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: iris, runtime: theirs }) })).toThrow(
      /test\/models\/iris: runtime is a ServingRuntime in namespace 'other', which InferenceServices of 'models' cannot use \(received: "team-sklearn"\)\. Fix: define the ServingRuntime in the model namespace, or use a ClusterServingRuntime/,
    );
    expect(ServingRuntime.fromName(platform, 'ours', 'team-sklearn', { namespace: 'models' }).runtimeNamespace).toBe('models');
    expect(() => ServingRuntime.fromName(platform, 'nowhere', 'team-sklearn')).toThrow(
      /test\/nowhere: namespace is required outside a namespaced chart \(a ServingRuntime is namespaced\) .*Fix: pass \{ namespace: 'models' \}, import it inside its Namespace, or use ClusterServingRuntime\.fromName/,
    );
  });

  it('refuses bad import options: a bad name, an unknown key, an empty format list', () => {
    const { platform } = setup(['models']);
    expect(() => ClusterServingRuntime.fromName(platform, 'a', 'Not_A_Name')).toThrow(/test\/a: name .*Not_A_Name/);
    expect(() => ClusterServingRuntime.fromName(platform, 'b', 'rt', { namespace: 'models' } as never)).toThrow(/test\/b: .*namespace/);
    expect(() => ClusterServingRuntime.fromName(platform, 'c', 'rt', { supportedModelFormats: [] })).toThrow(/test\/c: supportedModelFormats must list at least one format when given \(received: \[\]\)\. Fix: pass \[\{ format: ModelFormat\.SKLEARN \}\], or leave it out when not known/);
    expect(() => ClusterServingRuntime.fromName(platform, 'd', 'rt', { modelServer: 'seldon' as ModelServerKind })).toThrow(/test\/d: modelServer .*seldon/);
  });

  it("recognizes KServe's own runtimes by the imported name for monitoring, and the modelServer an import declares", () => {
    const { platform, ns } = setup(['models']);
    const hf = ClusterServingRuntime.fromName(platform, 'hf', 'kserve-huggingfaceserver');
    const bert = new InferenceService(ns.models, 'bert', { predictor: Predictor.model({ format: ModelFormat.HUGGINGFACE, storage: iris, runtime: hf }) });
    expect(new KServeModelMonitoring(ns.models, 'bert-monitoring', { model: bert }).modelServer).toBe(ModelServerMetrics.HUGGINGFACE);
    const sk = ClusterServingRuntime.fromName(platform, 'sk', 'kserve-sklearnserver');
    const a = new InferenceService(ns.models, 'a', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: iris, runtime: sk }) });
    expect(new KServeModelMonitoring(ns.models, 'a-monitoring', { model: a }).modelServer).toBe(ModelServerMetrics.KSERVE);
    const team = ClusterServingRuntime.fromName(platform, 'team', 'team-triton', { modelServer: ModelServerKind.TRITON });
    const b = new InferenceService(ns.models, 'b', { predictor: Predictor.model({ format: ModelFormat.ONNX, storage: iris, runtime: team }) });
    expect(new KServeModelMonitoring(ns.models, 'b-monitoring', { model: b }).modelServer).toBe(ModelServerMetrics.TRITON);
    const unknown = ClusterServingRuntime.fromName(platform, 'unknown', 'team-server');
    const c = new InferenceService(ns.models, 'c', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: iris, runtime: unknown }) });
    expect(() => new KServeModelMonitoring(ns.models, 'c-monitoring', { model: c })).toThrow(
      /models\/c-monitoring: modelServer cannot be inferred from InferenceService models\/c: runtime 'team-server' is imported by name, is not one of KServe v0.20's own ClusterServingRuntimes, and its import does not say which model server it runs \(the modelServer option of fromName\)/,
    );
  });

  it("routes an imported OpenAI-compatible runtime's model on the OpenAI paths", () => {
    const { ns } = setup(['models']);
    const vllm = ClusterServingRuntime.fromName(Testing.app(), 'vllm', 'team-vllm', { supportedModelFormats: [{ format: ModelFormat.custom('vLLM') }], api: ModelServerApi.OPENAI, modelServer: ModelServerKind.VLLM });
    const qwen = new InferenceService(ns.models, 'qwen', { predictor: Predictor.model({ format: ModelFormat.custom('vLLM'), storage: Storage.uri('hf://Qwen/Qwen3-0.6B'), runtime: vllm }) });
    expect(qwen.routeMatches().map((m) => m.path?.value)).toEqual(['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/models']);
  });
});
