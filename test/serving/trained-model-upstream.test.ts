/**
 * Issue 16 §4: `TrainedModel`, proved by rebuilding
 * `../shared/examples/kserve/multimodelserving/sklearn/` (the multi-model
 * InferenceService and its two TrainedModels, which refer to it as an
 * object) and `multimodelserving/triton/trained_model.yaml` (whose parent
 * InferenceService `triton-mms` the file does not hold: it is built so the
 * TrainedModel can refer to it, and not compared).
 */
import { describe, expect, it } from 'vitest';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { Storage } from '../../src/serving/storage';
import { TrainedModel } from '../../src/serving/trained-model';
import { findObject, setup, synthObjects } from '../util';
import { plainChart, predictorExtras, rebuild } from './upstream-rebuild';

const SKLEARN_MODEL = 'gs://kfserving-examples/models/sklearn/1.0/model';

describe('TrainedModel rebuilds the upstream multi-model serving examples', () => {
  it('multimodelserving/sklearn: the multi-model InferenceService and its two TrainedModels', () => {
    const objects = rebuild(
      ['multimodelserving/sklearn/inferenceservice.yaml', 'multimodelserving/sklearn/trainedmodels.yaml'],
      (app) => {
        const c = plainChart(app);
        const server = new InferenceService(c, 'sklearn-iris-example', {
          predictor: Predictor.model({
            format: ModelFormat.SKLEARN,
            frameworkField: true,
            protocolVersion: ProtocolVersion.V1,
            containerName: 'sklearn-iris-predictor',
            resources: { limits: { cpu: '100m', memory: '512Mi' }, requests: { cpu: '100m', memory: '512Mi' } },
          }),
          minReplicas: 1,
        });
        for (const name of ['model1-sklearn', 'model2-sklearn']) {
          new TrainedModel(c, name, { inferenceService: server, storage: Storage.gcs(SKLEARN_MODEL), framework: ModelFormat.SKLEARN, memory: '256Mi' });
        }
      },
      {
        'InferenceService/sklearn-iris-example': predictorExtras('sklearn'),
        'TrainedModel/model1-sklearn': [],
        'TrainedModel/model2-sklearn': [],
      },
    );
    // A multi-model server serves its TrainedModels, none under its own name: its readiness probe is TCP, not /v1/models/sklearn-iris-example.
    const sklearn = (objects['InferenceService/sklearn-iris-example'] as any).spec.predictor.sklearn;
    expect(sklearn.readinessProbe).toEqual({ tcpSocket: { port: 8080 }, periodSeconds: 10, failureThreshold: 3 });
    expect(sklearn.storageUri).toBeUndefined();
  });

  it('multimodelserving/triton/trained_model.yaml: a PyTorch model on a Triton multi-model InferenceService', () => {
    rebuild(
      'multimodelserving/triton/trained_model.yaml',
      (app) => {
        const c = plainChart(app);
        const triton = new InferenceService(c, 'triton-mms', {
          predictor: Predictor.model({
            format: ModelFormat.TRITON,
            frameworkField: true,
            args: ['--model-control-mode=explicit'],
            resources: { limits: { cpu: '1', memory: '16Gi' }, requests: { cpu: '1', memory: '16Gi' } },
          }),
        });
        new TrainedModel(c, 'cifar10', { inferenceService: triton, framework: ModelFormat.PYTORCH, storage: Storage.gcs('gs://kfserving-examples/models/torchscript/cifar10'), memory: '1Gi' });
      },
      { 'TrainedModel/cifar10': [] },
      {},
      ['InferenceService/triton-mms'],
    );
  });
});

describe('TrainedModel refuses what KServe would never load', () => {
  const RES = { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '1', memory: '512Mi' } };

  it('the sum of memory over the InferenceService limit, naming every TrainedModel', () => {
    const { ns } = setup(['models']);
    const server = new InferenceService(ns.models, 'mms', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, resources: RES }) });
    new TrainedModel(ns.models, 'a', { inferenceService: server, storage: Storage.gcs(SKLEARN_MODEL), framework: ModelFormat.SKLEARN, memory: '256Mi' });
    new TrainedModel(ns.models, 'b', { inferenceService: server, storage: Storage.gcs(SKLEARN_MODEL), framework: ModelFormat.SKLEARN, memory: '256Mi' });
    expect(() => new TrainedModel(ns.models, 'c', { inferenceService: server, storage: Storage.gcs(SKLEARN_MODEL), framework: ModelFormat.SKLEARN, memory: '1Mi' })).toThrow(
      /test\/models\/c.*memory.*more memory than its limit \(512Mi\).*a: 256Mi, b: 256Mi, c: 1Mi.*raise the InferenceService's resources\.limits\.memory/s,
    );
  });

  it('an InferenceService with storage of its own, without a memory limit, or in another namespace; a huggingface model', () => {
    const { ns } = setup(['models', 'other']);
    const single = new InferenceService(ns.models, 'single', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.gcs(SKLEARN_MODEL), resources: RES }) });
    const tm = (id: string, isvc: InferenceService, scope = ns.models) => () => new TrainedModel(scope, id, { inferenceService: isvc, storage: Storage.gcs(SKLEARN_MODEL), framework: ModelFormat.SKLEARN, memory: '256Mi' });
    expect(tm('t1', single)).toThrow(/test\/models\/t1.*inferenceService.*is not a multi-model server.*test\/models\/single.*give the InferenceService no storage/s);
    const hf = new InferenceService(ns.models, 'hf', { predictor: Predictor.model({ format: ModelFormat.HUGGINGFACE, resources: RES }) });
    expect(tm('t2', hf)).toThrow(/inferenceService.*is not a multi-model server.*huggingface/s);
    const unbounded = new InferenceService(ns.models, 'unbounded', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
    expect(tm('t3', unbounded)).toThrow(/inferenceService.*has no memory limit.*never loads it.*set resources\.limits\.memory/s);
    const far = new InferenceService(ns.other, 'far', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, resources: RES }) });
    expect(tm('t4', far)).toThrow(/test\/models\/t4.*inferenceService.*is in namespace other.*TrainedModel's namespace \(models\).*test\/other\/far/s);
  });

  it('a storage the model agent cannot download, or with credentials of its own; a bad memory; a string instead of the InferenceService', () => {
    const { ns } = setup(['models']);
    const server = new InferenceService(ns.models, 'mms', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, resources: RES }) });
    const tm = (id: string, props: object) => () => new TrainedModel(ns.models, id, { inferenceService: server, storage: Storage.gcs(SKLEARN_MODEL), framework: ModelFormat.SKLEARN, memory: '256Mi', ...props });
    expect(tm('p', { storage: Storage.pvc('models', 'iris') })).toThrow(/test\/models\/p.*storage.*must be a URI KServe's model agent downloads \(s3:\/\/, gs:\/\/, https:\/\/, http:\/\/\).*"pvc:\/\/models\/iris"/s);
    expect(tm('h', { storage: Storage.hf('Qwen/Qwen3-0.6B') })).toThrow(/storage.*model agent downloads/s);
    expect(tm('s', { storage: Storage.s3('s3://bucket/model', { serviceAccount: { serviceAccountName: 'sa' } as never }) })).toThrow(/storage.*credentials of its own.*InferenceService's.*serviceAccount/s);
    expect(tm('m', { memory: 256 })).toThrow(/test\/models\/m.*memory.*256.*'256'/s);
    expect(tm('z', { memory: '0' })).toThrow(/memory.*more than zero/s);
    expect(tm('n', { inferenceService: 'mms' })).toThrow(/test\/models\/n.*inferenceService.*an InferenceService.*"mms"/s);
    expect(tm('Bad_Name', {})).toThrow(/name.*"Bad_Name"/s);
  });

  it('in a platform Namespace, opens the model download from the InferenceService pods (the rule a model with storage gets)', () => {
    const { app, ns } = setup(['models']);
    const server = new InferenceService(ns.models, 'mms', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, resources: RES }) });
    new TrainedModel(ns.models, 'a', { inferenceService: server, storage: Storage.gcs(SKLEARN_MODEL), framework: ModelFormat.SKLEARN, memory: '256Mi' });
    new TrainedModel(ns.models, 'b', { inferenceService: server, storage: Storage.gcs(SKLEARN_MODEL), framework: ModelFormat.SKLEARN, memory: '256Mi' });
    const objects = synthObjects(app);
    const egress = findObject(objects, 'NetworkPolicy', 'allow-mms-model-download', 'models');
    expect(egress.spec.podSelector).toEqual({ matchLabels: { 'serving.kserve.io/inferenceservice': 'mms' } });
    expect(egress.spec.egress[0].ports).toEqual([{ port: 443, protocol: 'TCP' }]);
    const tm = findObject(objects, 'TrainedModel', 'a', 'models');
    expect(tm.spec).toEqual({ inferenceService: 'mms', model: { storageUri: SKLEARN_MODEL, framework: 'sklearn', memory: '256Mi' } });
  });
});

describe('TrainedModel never surfaces wrongly typed props as raw TypeErrors', () => {
  it('null, numbers, strings, objects, lists and booleans in place of each prop', () => {
    const raw: string[] = [];
    for (const bad of [null, 42, 'text', { text: 42 }, [42], true] as const) {
      for (const key of ['name', 'inferenceService', 'storage', 'framework', 'memory', undefined]) {
        const { ns } = setup(['models']);
        const server = new InferenceService(ns.models, 'mms', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, resources: { limits: { memory: '1Gi' } } }) });
        const good = { inferenceService: server, storage: Storage.gcs(SKLEARN_MODEL), framework: ModelFormat.SKLEARN, memory: '256Mi' };
        try {
          new TrainedModel(ns.models, 'tm', (key === undefined ? bad : { ...good, [key]: bad }) as never);
        } catch (e) {
          if (!(e instanceof Error) || e.name !== 'ModelServingError') raw.push(`${key ?? 'props'} = ${JSON.stringify(bad)}: ${String(e)}`);
        }
      }
    }
    expect(raw).toEqual([]);
  });
});
