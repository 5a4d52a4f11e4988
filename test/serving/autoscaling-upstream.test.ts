/**
 * Issue 16 §4: Knative autoscaling without an upper bound, proved on
 * `../shared/examples/kserve/autoscaling/autoscale_custom.yaml`.
 *
 * The upstream file sets no deployment mode, so KServe v0.20 runs it in its
 * default mode, Serverless (Knative) (kserve v0.20.0
 * config/configmap/inferenceservice.yaml `defaultDeploymentMode`), with a
 * hard limit of 10 in-flight requests per replica and no replica bounds:
 * KServe writes no Knative `max-scale`, so Knative scales it without an
 * upper bound (kserve v0.20.0 pkg/controller/v1alpha1/utils/utils.go
 * SetAutoScalingAnnotations).
 */
import { describe, expect, it } from 'vitest';
import { Autoscaling } from '../../src/serving/autoscaling';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { DeploymentMode, ModelFormat } from '../../src/serving/model-format';
import { Storage } from '../../src/serving/storage';
import { setup } from '../util';
import { plainChart, predictorExtras, rebuild } from './upstream-rebuild';

const FLOWERS = Storage.gcs('gs://kfserving-examples/models/tensorflow/flowers');
const P = 'spec.predictor';

describe('Knative autoscaling without an upper bound (autoscaling/autoscale_custom.yaml)', () => {
  it('rebuilds the upstream file in Knative mode: containerConcurrency 10, no max-scale of any spelling, no maxReplicas', () => {
    const objects = rebuild(
      'autoscaling/autoscale_custom.yaml',
      (app) => {
        new InferenceService(plainChart(app), 'flowers-sample', {
          predictor: Predictor.model({
            format: ModelFormat.TENSORFLOW,
            frameworkField: true,
            storage: FLOWERS,
          }),
          deploymentMode: DeploymentMode.KNATIVE,
          containerConcurrency: 10,
        });
      },
      {
        'InferenceService/flowers-sample': [
          // The library's explicit and secure defaults (no pod securityContext in Knative mode: Knative refuses it).
          ...predictorExtras('tensorflow', 'knative'),
          `${P}.minReplicas`,
          `${P}.tensorflow.protocolVersion`,
        ],
      },
    );
    const isvc = objects['InferenceService/flowers-sample'] as any;
    expect(isvc.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Knative' });
    expect(isvc.spec.predictor.containerConcurrency).toBe(10);
    expect(isvc.spec.predictor.maxReplicas).toBeUndefined();
    expect(isvc.spec.predictor.minReplicas).toBe(1);
  });

  it('Autoscaling.knative with a target and no maxReplicas adds the target annotations and still no upper bound', () => {
    const { app, ns } = setup(['models']);
    const model = new InferenceService(ns.models, 'flowers-sample', {
      predictor: Predictor.model({
        format: ModelFormat.TENSORFLOW,
        storage: FLOWERS,
      }),
      deploymentMode: DeploymentMode.KNATIVE,
      containerConcurrency: 10,
      autoscaling: Autoscaling.knative({ target: 7 }),
    });
    const isvc = app.charts.flatMap((c) => c.toJson()).find((o: any) => o.kind === 'InferenceService') as any;
    expect(model.deploymentMode).toBe(DeploymentMode.KNATIVE);
    expect(isvc.metadata.annotations).toEqual({
      'autoscaling.knative.dev/metric': 'concurrency',
      'autoscaling.knative.dev/target': '7',
      'serving.kserve.io/deploymentMode': 'Knative',
    });
    expect(Object.keys(isvc.metadata.annotations).filter((k) => /max-?scale/i.test(k))).toEqual([]);
    expect(isvc.spec.predictor.maxReplicas).toBeUndefined();
  });

  it("Knative's maxScale 0 idiom (maxReplicas: 0) is refused with the way to say it: leave maxReplicas out", () => {
    const { ns } = setup(['models']);
    expect(() => new InferenceService(ns.models, 'flowers', { predictor: Predictor.model({ format: ModelFormat.TENSORFLOW, storage: FLOWERS }), deploymentMode: DeploymentMode.KNATIVE, maxReplicas: 0 })).toThrow(
      /test\/models\/flowers.*maxReplicas.*must be an integer >= minReplicas \(1\) and >= 1.*0.*leave maxReplicas out for no upper bound/s,
    );
    // In Standard mode there is no unbounded HPA: the fix does not offer it.
    expect(() => new InferenceService(ns.models, 'flowers-std', { predictor: Predictor.model({ format: ModelFormat.TENSORFLOW, storage: FLOWERS }), maxReplicas: 0 })).toThrow(/use maxReplicas: 1 or more$/m);
  });
});
