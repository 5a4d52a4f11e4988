import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Autoscaling } from '../../src/serving/autoscaling';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { DeploymentMode, ModelFormat } from '../../src/serving/model-format';
import { findObject, setup, synthObjects } from '../util';

function render(autoscaling: Autoscaling, mode: DeploymentMode, extra: { minReplicas?: number; maxReplicas?: number } = {}) {
  const { app, ns } = setup(['models']);
  new InferenceService(ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }), deploymentMode: mode, autoscaling, ...extra });
  return findObject(synthObjects(app), 'InferenceService', 'm');
}

describe('Autoscaling', () => {
  it('Knative annotations: target, window; the replica bounds go to predictor.minReplicas/maxReplicas, which KServe turns into min-scale/max-scale', () => {
    const isvc = render(Autoscaling.knative({ target: 10, window: Duration.seconds(60) }), DeploymentMode.KNATIVE, { minReplicas: 1, maxReplicas: 10 });
    expect(isvc.metadata.annotations).toEqual({
      'autoscaling.knative.dev/metric': 'concurrency',
      'autoscaling.knative.dev/target': '10',
      'autoscaling.knative.dev/window': '60s',
      'serving.kserve.io/deploymentMode': 'Knative',
    });
    expect(isvc.spec.predictor.minReplicas).toBe(1);
    expect(isvc.spec.predictor.maxReplicas).toBe(10);
  });

  it('Knative autoscaling without maxReplicas has no upper bound: no max-scale of any spelling is written (it used to cap the model at minReplicas)', () => {
    const isvc = render(Autoscaling.knative({ target: 10 }), DeploymentMode.KNATIVE, { minReplicas: 1 });
    expect(Object.keys(isvc.metadata.annotations ?? {}).filter((k) => /max-?scale/i.test(k))).toEqual([]);
    expect(isvc.spec.predictor.maxReplicas).toBeUndefined();
  });

  it('scaleMetric/scaleTarget for concurrency (Knative) and CPU (HPA)', () => {
    expect(render(Autoscaling.concurrency(5), DeploymentMode.KNATIVE).spec.predictor).toMatchObject({ scaleMetric: 'concurrency', scaleTarget: 5 });
    expect(render(Autoscaling.cpu(70), DeploymentMode.STANDARD).spec.predictor).toMatchObject({ scaleMetric: 'cpu', scaleTarget: 70 });
  });

  it('KEDA on a Prometheus query (Standard mode)', () => {
    const isvc = render(Autoscaling.keda({ serverAddress: 'http://prometheus.monitoring:9090', query: 'sum(rate(http_requests_total[1m]))', threshold: '50' }), DeploymentMode.STANDARD, { maxReplicas: 5 });
    expect(isvc.metadata.annotations?.['serving.kserve.io/autoscalerClass']).toBe('keda');
    expect(isvc.spec.predictor.autoScaling.metrics[0]).toEqual({
      type: 'External',
      external: { metric: { backend: 'prometheus', serverAddress: 'http://prometheus.monitoring:9090', query: 'sum(rate(http_requests_total[1m]))' }, target: { type: 'Value', value: '50' } },
    });
  });

  describe('fails when', () => {
    it('concurrency scaling is asked of Standard mode', () => {
      expect(() => render(Autoscaling.concurrency(5), DeploymentMode.STANDARD)).toThrow(/autoscaling concurrency scaling is available in Knative mode only/);
    });
    it('KEDA is asked of Knative mode', () => {
      expect(() => render(Autoscaling.keda({ serverAddress: 'http://p:9090', query: 'up', threshold: '1' }), DeploymentMode.KNATIVE)).toThrow(/KEDA scaling is available in Standard mode only/);
    });
    it('a utilization is outside 1-100', () => {
      expect(() => render(Autoscaling.cpu(150), DeploymentMode.STANDARD)).toThrow(/utilizationPercent must be an integer between 1 and 100 \(received: 150\)/);
    });
    it('a Knative window is outside 6s-1h', () => {
      expect(() => render(Autoscaling.knative({ target: 1, window: Duration.seconds(2) }), DeploymentMode.KNATIVE)).toThrow(/window must be between 6s and 1h/);
    });
  });
});
