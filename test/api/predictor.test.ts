import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { Probe } from '../../src/core/probe';
import { InferenceService } from '../../src/serving/inference-service';
import { ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { Predictor } from '../../src/serving/predictor';
import { ClusterServingRuntime } from '../../src/serving/serving-runtime';
import { Storage } from '../../src/serving/storage';
import { findObject, setup, synthObjects } from '../util';

const RESOURCES = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
const IMAGE = 'registry.example.com/ml/server:1.2.0';

function predictorOf(build: (ns: ReturnType<typeof setup>['ns']['models']) => void, name = 'iris') {
  const { app, ns } = setup(['models']);
  build(ns.models);
  return findObject(synthObjects(app), 'InferenceService', name, 'models').spec.predictor;
}

function errorOf(build: () => unknown): Error {
  try {
    build();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('Predictor: what serves an InferenceService is one prop', () => {
  it('Predictor.model renders spec.predictor.model with every model option in place', () => {
    const predictor = predictorOf((models) => new InferenceService(models, 'iris', {
      minReplicas: 2,
      predictor: Predictor.model({
        format: ModelFormat.SKLEARN,
        storage: Storage.uri('gs://models/iris'),
        runtime: ClusterServingRuntime.fromName(models, 'rt', 'kserve-sklearnserver'),
        runtimeVersion: '1.14.0',
        protocolVersion: ProtocolVersion.V2,
        args: ['--workers=2'],
        env: { LOG_LEVEL: 'debug' },
        resources: RESOURCES,
        containerName: 'server',
        readinessProbe: Probe.http('/v2/health/ready', 8080),
      }),
    }));
    expect(predictor.minReplicas).toBe(2);
    expect(predictor.containers).toBeUndefined();
    expect(predictor.model).toMatchObject({
      name: 'server',
      modelFormat: { name: 'sklearn' },
      runtime: 'kserve-sklearnserver',
      runtimeVersion: '1.14.0',
      protocolVersion: 'v2',
      storageUri: 'gs://models/iris',
      args: ['--workers=2'],
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      readinessProbe: { httpGet: { path: '/v2/health/ready', port: 8080 } },
    });
    expect(predictor.model.env).toContainEqual({ name: 'LOG_LEVEL', value: 'debug' });
  });

  it('Predictor.model with frameworkField renders the framework field', () => {
    const predictor = predictorOf((models) => new InferenceService(models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, frameworkField: true, storage: Storage.uri('gs://models/iris') }) }));
    expect(predictor.model).toBeUndefined();
    expect(predictor.sklearn.storageUri).toBe('gs://models/iris');
  });

  it('Predictor.containers renders spec.predictor.containers, with the storage URI on the first container', () => {
    const predictor = predictorOf((models) => new InferenceService(models, 'custom', {
      predictor: Predictor.containers([{ image: IMAGE, resources: RESOURCES }], { storage: Storage.uri('gs://models/custom') }),
    }), 'custom');
    expect(predictor.model).toBeUndefined();
    expect(predictor.containers).toHaveLength(1);
    expect(predictor.containers[0]).toMatchObject({ name: 'kserve-container', image: IMAGE });
    expect(predictor.containers[0].env).toContainEqual({ name: 'STORAGE_URI', value: 'gs://models/custom' });
  });

  it('the same model written as before renders the same predictor (the flat props moved, the output did not)', () => {
    const a = predictorOf((models) => new InferenceService(models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris'), resources: RESOURCES }) }));
    const b = predictorOf((models) => new InferenceService(models, 'iris', { minReplicas: 1, predictor: Predictor.model({ resources: RESOURCES, storage: Storage.uri('gs://models/iris'), format: ModelFormat.SKLEARN }) }));
    expect(b).toEqual(a);
    expect(a.model.modelFormat).toEqual({ name: 'sklearn' });
  });

  it('refuses the flat props of before (JavaScript callers), naming the move that fixes them', () => {
    const { ns } = setup(['models']);
    const e = errorOf(() => new InferenceService(ns.models, 'iris', { modelFormat: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris') } as never));
    expect(e).toBeInstanceOf(ModelServingError);
    expect(e.message).toBe('test/models/iris: modelFormat is no longer a prop of InferenceService: the model server\'s props are one prop, predictor (Predictor.model(...) or Predictor.containers(...)), so a model format and custom containers cannot both be given (received: ["modelFormat","storage"]). Fix: move modelFormat (as format), storage into predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: ... })');
    const c = errorOf(() => new InferenceService(ns.models, 'custom', { containers: [{ image: IMAGE }] } as never));
    expect(c.message).toMatch(/^test\/models\/custom: containers is no longer a prop of InferenceService.*Fix: pass predictor: Predictor\.containers\(\[\{ image: \.\.\. \}\]\) instead$/s);
  });

  it('refuses both a model and containers, and neither', () => {
    const { ns } = setup(['models']);
    const both = errorOf(() => new InferenceService(ns.models, 'both', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }), containers: [{ image: IMAGE }] } as never));
    expect(both).toBeInstanceOf(ModelServingError);
    expect(both.message).toMatch(/^test\/models\/both: containers is no longer a prop of InferenceService.*cannot both be given \(received: \["containers"\]\)\. Fix: pass predictor: Predictor\.containers/s);
    const modelWithContainers = errorOf(() => new InferenceService(ns.models, 'mixed', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, containers: [{ image: IMAGE }] } as never) }));
    expect(modelWithContainers.message).toMatch(/^test\/models\/mixed: predictor\.containers .*is not a known field/s);
    const neither = errorOf(() => new InferenceService(ns.models, 'neither', {} as never));
    expect(neither).toBeInstanceOf(ModelServingError);
    expect(neither.message).toMatch(/^test\/models\/neither: predictor is required: it says what serves the model \(received: undefined\)\. Fix: pass predictor: Predictor\.model\(\{ format: ModelFormat\.SKLEARN/);
    const noFormat = errorOf(() => new InferenceService(ns.models, 'noformat', { predictor: Predictor.model({ storage: Storage.uri('gs://models/iris') } as never) }));
    expect(noFormat.message).toMatch(/^test\/models\/noformat: predictor\.format is required/);
    const plain = errorOf(() => new InferenceService(ns.models, 'plain', { predictor: { format: ModelFormat.SKLEARN } as never }));
    expect(plain.message).toMatch(/^test\/models\/plain: predictor must be a Predictor \(received: \["format"\]\)\. Fix: use Predictor\.model/);
    const empty = errorOf(() => new InferenceService(ns.models, 'empty', { predictor: Predictor.containers([]) }));
    expect(empty.message).toMatch(/^test\/models\/empty: containers must have at least one container.*Fix: pass predictor: Predictor\.containers/s);
  });

  it('the flat props no longer compile', () => {
    const { ns } = setup(['models']);
    expect(() =>
      // @ts-expect-error modelFormat moved into predictor: Predictor.model({ format })
      new InferenceService(ns.models, 'iris', { modelFormat: ModelFormat.SKLEARN }),
    ).toThrow(/modelFormat is no longer a prop/);
    expect(() =>
      // @ts-expect-error containers moved into predictor: Predictor.containers([...])
      new InferenceService(ns.models, 'c', { containers: [{ image: IMAGE }] }),
    ).toThrow(/containers is no longer a prop/);
    expect(() =>
      // @ts-expect-error a predictor is required
      new InferenceService(ns.models, 'n', { minReplicas: 1 }),
    ).toThrow(/predictor is required/);
    expect(() =>
      // @ts-expect-error Predictor has a private constructor: use Predictor.model or Predictor.containers
      new Predictor('model', { format: ModelFormat.SKLEARN }, undefined),
    ).not.toThrow();
  });
});
