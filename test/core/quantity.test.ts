import { describe, expect, it } from 'vitest';
import { compareRational, exactQuantity, isWholeQuantity, parseQuantity, quantityExceeds, quantityProblem } from '../../src';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { ModelFormat } from '../../src/serving/model-format';
import { findObject, setup, synthObjects } from '../util';

/** Quantities are compared exactly (one parser for constructs, the schema format and CEL). */
describe('quantities', () => {
  it('compares requests with limits exactly, not in floating point (700m is not above 0.7)', () => {
    const { app, ns: { models: ns } } = setup();
    new InferenceService(ns, 'iris', {
      predictor: Predictor.model({
        format: ModelFormat.SKLEARN,
        storage: Storage.uri('gs://kfserving-examples/models/sklearn/1.0/model'),
        resources: { requests: { cpu: '700m', memory: '3300Mi' }, limits: { cpu: '0.7', memory: '3300Mi' } },
      }),
    });
    const iris = findObject(synthObjects(app), 'InferenceService', 'iris') as { spec: { predictor: { model: { resources: unknown } } } };
    expect(iris.spec.predictor.model.resources).toEqual({ requests: { cpu: '700m', memory: '3300Mi' }, limits: { cpu: '0.7', memory: '3300Mi' } });
    // 700 * 10^-3 is 0.7000000000000001 in floating point, which once refused this valid pair.
    expect(quantityExceeds('700m', '0.7')).toBe(false);
    expect(quantityExceeds('701m', '0.7')).toBe(true);
    expect(() =>
      new InferenceService(ns, 'big', {
        predictor: Predictor.model({
          format: ModelFormat.SKLEARN,
          storage: Storage.uri('gs://kfserving-examples/models/sklearn/1.0/model'),
          resources: { requests: { cpu: '701m' }, limits: { cpu: '0.7' } },
        }),
      }),
    ).toThrow(/requests\.cpu.*must not exceed limits\.cpu \(0\.7\)/);
  });

  it('reads every suffix of resource.Quantity exactly', () => {
    const eq = (a: string, b: string) => compareRational(exactQuantity(a)!, exactQuantity(b)!);
    expect(eq('1Gi', '1073741824')).toBe(0);
    expect(eq('1k', '1000')).toBe(0);
    expect(eq('1500m', '1.5')).toBe(0);
    expect(eq('2u', '2000n')).toBe(0);
    expect(eq('1e3', '1k')).toBe(0);
    expect(eq('-1', '0')).toBe(-1);
    expect(exactQuantity('1.5.2')).toBeUndefined();
    expect(parseQuantity('256Mi')).toBe(268435456);
  });

  it('accepts whole GPU counts however they are written, and refuses fractions', () => {
    expect(isWholeQuantity('2')).toBe(true);
    expect(isWholeQuantity('2000m')).toBe(true);
    expect(isWholeQuantity('1500m')).toBe(false);
  });

  it('refuses negative, out-of-range and sub-nano amounts', () => {
    expect(quantityProblem('-1')).toMatch(/must be a Kubernetes quantity string/);
    expect(quantityProblem('1e400')).toMatch(/beyond what Kubernetes counts/);
    expect(quantityProblem('1e-400')).toMatch(/below 1n/);
    expect(quantityProblem('500u')).toBeUndefined();
    expect(quantityProblem('4Gi')).toBeUndefined();
  });
});
