import { describe, expect, it } from 'vitest';
import { InferenceService } from '../../src/serving/inference-service';
import { ModelFormat } from '../../src/serving/model-format';
import { findObject, setup, synthObjects } from '../util';

describe('InferenceService batcher', () => {
  it('renders predictor.batcher', () => {
    const { app, ns } = setup(['models']);
    new InferenceService(ns.models, 'torch', { modelFormat: ModelFormat.PYTORCH, batcher: { maxBatchSize: 32, maxLatencyMs: 300 } });
    expect(findObject(synthObjects(app), 'InferenceService', 'torch').spec.predictor.batcher).toEqual({ maxBatchSize: 32, maxLatency: 300, timeout: 60 });
  });

  it.each([
    [{ maxBatchSize: 0, maxLatencyMs: 100 }, /batcher\.maxBatchSize must be an integer between 10 and 100.*\(received: 0\)/],
    [{ maxBatchSize: 500, maxLatencyMs: 100 }, /batcher\.maxBatchSize must be an integer between 10 and 100/],
    [{ maxBatchSize: 16, maxLatencyMs: 0 }, /batcher\.maxLatencyMs must be an integer between 1 and 10000/],
    [{ maxBatchSize: 16, maxLatencyMs: 5000, timeoutSeconds: 2 }, /batcher\.timeoutSeconds must be a whole number of seconds longer than maxLatencyMs \(5000 ms\)/],
  ])('fails when the batcher is %j', (batcher, message) => {
    const { ns } = setup(['models']);
    expect(() => new InferenceService(ns.models, 'm', { modelFormat: ModelFormat.PYTORCH, batcher })).toThrow(message);
  });
});
