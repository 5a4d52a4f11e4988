import { describe, expect, it } from 'vitest';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { DeploymentMode, ModelFormat } from '../../src/serving/model-format';
import { Storage } from '../../src/serving/storage';
import { findObject, setup, synthObjects } from '../util';

function model(mode: DeploymentMode) {
  const { app, ns } = setup(['models']);
  const isvc = new InferenceService(ns.models, 'torch', { predictor: Predictor.model({ format: ModelFormat.PYTORCH, storage: Storage.uri('s3://models/torch/v1') }), deploymentMode: mode });
  return { isvc, spec: () => findObject(synthObjects(app), 'InferenceService', 'torch', 'models').spec };
}

describe('InferenceService canary rollouts', () => {
  it('Standard mode: spec.canary holds the new revision and its share', () => {
    const { isvc, spec } = model(DeploymentMode.STANDARD);
    isvc.canary({ trafficPercent: 10, storage: Storage.s3('s3://models/torch/v2') });
    const s = spec();
    expect(s.predictor.model.storageUri).toBe('s3://models/torch/v1');
    expect(s.predictor.canaryTrafficPercent).toBeUndefined();
    expect(s.canary).toHaveLength(1);
    expect(s.canary[0].trafficPercent).toBe(10);
    expect(s.canary[0].predictor.model.storageUri).toBe('s3://models/torch/v2');
    expect(isvc.rollout).toEqual({ state: 'canary', trafficPercent: 10 });
    expect(s).toMatchSnapshot();
  });

  it('Knative mode: the predictor carries the new revision with canaryTrafficPercent', () => {
    const { isvc, spec } = model(DeploymentMode.KNATIVE);
    isvc.canary({ trafficPercent: 20, storage: Storage.uri('s3://models/torch/v2') });
    const s = spec();
    expect(s.predictor.canaryTrafficPercent).toBe(20);
    expect(s.predictor.model.storageUri).toBe('s3://models/torch/v2');
    expect(s.canary).toBeUndefined();
  });

  it('promote(): the new revision becomes the predictor, no canary left', () => {
    for (const mode of [DeploymentMode.STANDARD, DeploymentMode.KNATIVE]) {
      const { isvc, spec } = model(mode);
      isvc.canary({ trafficPercent: 50, storage: Storage.uri('s3://models/torch/v2') });
      isvc.promote();
      const s = spec();
      expect(s.predictor.model.storageUri).toBe('s3://models/torch/v2');
      expect(s.predictor.canaryTrafficPercent).toBeUndefined();
      expect(s.canary).toBeUndefined();
    }
  });

  it('rollback(): Standard drops the canary; Knative pins the new revision at 0%', () => {
    const std = model(DeploymentMode.STANDARD);
    std.isvc.canary({ trafficPercent: 10, storage: Storage.uri('s3://models/torch/v2') });
    std.isvc.rollback();
    expect(std.spec().canary).toBeUndefined();
    expect(std.spec().predictor.model.storageUri).toBe('s3://models/torch/v1');

    const kn = model(DeploymentMode.KNATIVE);
    kn.isvc.canary({ trafficPercent: 10, storage: Storage.uri('s3://models/torch/v2') });
    kn.isvc.rollback();
    expect(kn.spec().predictor.canaryTrafficPercent).toBe(0);
  });

  describe('fails when', () => {
    it('the percent is outside 0-100', () => {
      const { isvc } = model(DeploymentMode.STANDARD);
      expect(() => isvc.canary({ trafficPercent: 120, storage: Storage.uri('s3://models/torch/v2') })).toThrow(
        /test\/models\/torch: canary\.trafficPercent must be an integer percent between 0 and 100 \(received: 120\)\. Fix: use e\.g\. 10/,
      );
      expect(() => isvc.canary({ trafficPercent: -5, storage: Storage.uri('s3://models/torch/v2') })).toThrow(/between 0 and 100/);
      expect(() => isvc.canary({ trafficPercent: 12.5, storage: Storage.uri('s3://models/torch/v2') })).toThrow(/between 0 and 100/);
    });

    it('the canary changes nothing (no previous revision to split with)', () => {
      const { isvc } = model(DeploymentMode.STANDARD);
      expect(() => isvc.canary({ trafficPercent: 10 })).toThrow(/canary changes nothing, so there is no new revision/);
    });

    it('promote() or rollback() come without a canary', () => {
      const { isvc } = model(DeploymentMode.STANDARD);
      expect(() => isvc.promote()).toThrow(/promote\(\) needs a canary in progress \(received: "none"\)/);
      expect(() => isvc.rollback()).toThrow(/rollback\(\) needs a canary in progress/);
    });

    it('a second canary is declared', () => {
      const { isvc } = model(DeploymentMode.STANDARD);
      isvc.canary({ trafficPercent: 10, storage: Storage.uri('s3://models/torch/v2') });
      expect(() => isvc.canary({ trafficPercent: 20, storage: Storage.uri('s3://models/torch/v3') })).toThrow(/canary is already declared/);
    });

    it('the canary image is not pinned', () => {
      const { isvc } = model(DeploymentMode.STANDARD);
      expect(() => isvc.canary({ trafficPercent: 10, image: 'pytorch/torchserve:latest' })).toThrow(/canary\.image uses the ':latest' tag/);
    });

    it('the canary runtimeVersion is latest, empty or not an image tag', () => {
      for (const [version, problem] of [
        ['latest', /canary\.runtimeVersion is the runtime image tag: 'latest' is not pinned \(received: "latest"\)/],
        ['', /canary\.runtimeVersion must be a non-empty image tag \(received: ""\)/],
        ['0.14.0/../x', /canary\.runtimeVersion must be a valid image tag .* \(received: "0\.14\.0\/\.\.\/x"\)\. Fix: use the runtime's release tag/],
      ] as const) {
        const { isvc } = model(DeploymentMode.STANDARD);
        expect(() => isvc.canary({ trafficPercent: 10, runtimeVersion: version })).toThrow(problem);
      }
      const { isvc, spec } = model(DeploymentMode.STANDARD);
      isvc.canary({ trafficPercent: 10, runtimeVersion: '0.14.1' });
      expect(spec().canary[0].predictor.model.runtimeVersion).toBe('0.14.1');
    });
  });
});
