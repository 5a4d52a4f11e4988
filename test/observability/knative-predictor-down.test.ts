import { describe, expect, it } from 'vitest';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { verifyMonitoring } from '../../src/observability/verify-monitoring';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { DeploymentMode, ModelFormat } from '../../src/serving/model-format';
import { setup, synthObjects } from '../util';
import { alertOf } from './helpers';

/**
 * A model server that exports no metrics until configured (TF Serving): its
 * "predictor down" alert reads kube-state-metrics, where the Deployment's
 * name depends on the deployment mode.
 */
describe('predictor down from kube-state-metrics', () => {
  it('a Knative-mode model is judged by its revision Deployments, and an idle (scaled-to-zero) revision does not fire', () => {
    const { app, ns } = setup(['models']);
    const mnist = new InferenceService(ns.models, 'mnist', { predictor: Predictor.model({ format: ModelFormat.TENSORFLOW, storage: Storage.uri('gs://kfserving-examples/models/tensorflow/mnist') }), deploymentMode: DeploymentMode.KNATIVE });
    new KServeModelMonitoring(ns.models, 'mnist-monitoring', { model: mnist });
    const expr = alertOf(synthObjects(app), 'kserve-tensorflow-serving-models-alerts', 'KServePredictorDown').expr;
    // Knative names the Deployment after the revision (mnist-predictor-00001-deployment), never mnist-predictor.
    expect(expr).not.toContain('deployment="mnist-predictor"');
    expect(expr).toContain('kube_deployment_spec_replicas{namespace="models",deployment=~"mnist-predictor-[0-9]+-deployment"}');
    expect(expr).toContain('kube_deployment_status_replicas_available{namespace="models",deployment=~"mnist-predictor-[0-9]+-deployment"}');
    // promtool runs the unit tests (it throws on a failing one): fires with a wanted replica unavailable, silent when
    // scaled to zero or ready.
    const report = verifyMonitoring(app);
    expect(report.testCases).toBeGreaterThanOrEqual(3);
  });

  it('a Standard-mode model keeps the Deployment KServe names <isvc>-predictor', () => {
    const { app, ns } = setup(['models']);
    const mnist = new InferenceService(ns.models, 'mnist', { predictor: Predictor.model({ format: ModelFormat.TENSORFLOW, storage: Storage.uri('gs://kfserving-examples/models/tensorflow/mnist') }), deploymentMode: DeploymentMode.STANDARD });
    new KServeModelMonitoring(ns.models, 'mnist-monitoring', { model: mnist });
    expect(alertOf(synthObjects(app), 'kserve-tensorflow-serving-models-alerts', 'KServePredictorDown').expr).toContain('kube_deployment_status_replicas_available{deployment="mnist-predictor",namespace="models"}');
  });
});

describe('predictor down of a long-named Knative model', () => {
  it('is refused when Knative would shorten its revision Deployment names with a hash', () => {
    const { ns } = setup(['models']);
    const name = 'a-very-long-tensorflow-model-name-xyz';
    const isvc = new InferenceService(ns.models, name, { predictor: Predictor.model({ format: ModelFormat.TENSORFLOW, storage: Storage.uri('gs://kfserving-examples/models/tensorflow/mnist') }), deploymentMode: DeploymentMode.KNATIVE });
    expect(() => new KServeModelMonitoring(ns.models, 'long-monitoring', { model: isvc })).toThrow(/would be named over 63 characters.*at most 36 characters/);
  });
});
