import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat } from '../../src/serving/model-format';
import { findObject, setup, synthObjects } from '../util';

describe('InferenceService batcher', () => {
  it('renders predictor.batcher', () => {
    const { app, ns } = setup(['models']);
    new InferenceService(ns.models, 'torch', { predictor: Predictor.model({ format: ModelFormat.PYTORCH }), batcher: { maxBatchSize: 32, maxLatency: Duration.millis(300) } });
    expect(findObject(synthObjects(app), 'InferenceService', 'torch').spec.predictor.batcher).toEqual({ maxBatchSize: 32, maxLatency: 300, timeout: 60 });
  });

  it.each([
    [{ maxBatchSize: 0, maxLatency: Duration.millis(100) }, /batcher\.maxBatchSize must be an integer between 10 and 100.*\(received: 0\)/],
    [{ maxBatchSize: 500, maxLatency: Duration.millis(100) }, /batcher\.maxBatchSize must be an integer between 10 and 100/],
    [{ maxBatchSize: 16, maxLatency: Duration.millis(0) }, /batcher\.maxLatency must be between 1ms and 10000ms/],
    [{ maxBatchSize: 16, maxLatency: Duration.seconds(5), timeout: Duration.seconds(2) }, /batcher\.timeout must be longer than maxLatency \(5000ms\) \(received: "2s"\)/],
  ])('fails when the batcher is %j', (batcher, message) => {
    const { ns } = setup(['models']);
    expect(() => new InferenceService(ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.PYTORCH }), batcher })).toThrow(message);
  });
});
