import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { KservePlatform } from '../../src/platforms/kserve-platform';
import { findObject, objectsOfKind, synthObjects } from '../util';

/** The facts of the KServe reference platform (its YAML is pinned by the dist/ freshness test). */
describe('kserve-platform', () => {
  const app = Testing.app();
  const platform = new KservePlatform(app);
  const objects = synthObjects(app);
  const isvc = (name: string) => findObject(objects, 'InferenceService', name, 'models');

  it('reads models from S3 through an IRSA ServiceAccount, with no credentials in the cluster', () => {
    const sa = findObject(objects, 'ServiceAccount', 'kserve-models-s3', 'models');
    expect(sa.metadata.annotations?.['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(isvc('sklearn-iris').spec.predictor.serviceAccountName).toBe('kserve-models-s3');
    expect(isvc('sklearn-iris').spec.predictor.model.storageUri).toMatch(/^s3:\/\//);
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
  });

  it('rolls out a canary: Knative mode, 10% to the new revision', () => {
    const canary = isvc('pytorch-model');
    expect(canary.metadata.annotations?.['serving.kserve.io/deploymentMode']).toBe('Knative');
    expect(canary.spec.predictor.canaryTrafficPercent).toBe(10);
  });

  it('gives Knative-mode models no pod-level securityContext (Knative refuses it by default) and their containers the restricted settings and non-root identity', () => {
    const knative = objectsOfKind(objects, 'InferenceService').filter((o) => o.metadata.annotations?.['serving.kserve.io/deploymentMode'] === 'Knative');
    expect(knative.map((o) => o.metadata.name).sort()).toEqual(['pytorch-model', 'sklearn-autoscaled']);
    for (const o of knative) {
      expect(o.spec.predictor.securityContext, o.metadata.name).toBeUndefined();
      const container = o.spec.predictor.model ?? o.spec.predictor.containers[0];
      expect(container.securityContext, o.metadata.name).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsGroup: 1000,
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    // Standard mode keeps the pod-level context (fsGroup for volumes).
    expect(isvc('sklearn-iris').spec.predictor.securityContext).toMatchObject({ fsGroup: 1000, runAsNonRoot: true });
  });

  it('wires the transformer to its predictor, with a pinned image', () => {
    const t = isvc('model-with-transformer').spec.transformer.containers[0];
    expect(t.image).toMatch(/:\d+\.\d+\.\d+$/);
    expect(t.env).toContainEqual({ name: 'PREDICTOR_HOST', value: 'model-with-transformer-predictor.models' });
    expect(findObject(objects, 'HTTPRoute', 'model-with-transformer', 'models').spec.rules[0].backendRefs[0].name).toBe('model-with-transformer-transformer');
  });

  it('schedules the GPU model on GPU nodes with a GPU limit', () => {
    const p = isvc('pytorch-gpu').spec.predictor;
    expect(p.model.resources.limits['nvidia.com/gpu']).toBe('1');
    // Not pinned to K80 nodes (no current CUDA release supports them): any node with an NVIDIA GPU.
    expect(p.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(p.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
  });

  it('autoscales on concurrency in Knative mode between 1 and 10 replicas (KServe writes min-scale/max-scale from the predictor bounds)', () => {
    expect(isvc('sklearn-autoscaled').metadata.annotations).toMatchObject({
      'serving.kserve.io/deploymentMode': 'Knative',
      'autoscaling.knative.dev/metric': 'concurrency',
      'autoscaling.knative.dev/target': '10',
    });
    expect(isvc('sklearn-autoscaled').spec.predictor).toMatchObject({ minReplicas: 1, maxReplicas: 10 });
  });

  it('serves the grpc-v2 model (on Triton, whose KServe runtime declares grpc-v2) through a GRPCRoute on the HTTPS listener', () => {
    const route = findObject(objects, 'GRPCRoute', 'triton-grpc', 'models');
    expect(route.spec.rules[0].backendRefs[0]).toMatchObject({ name: 'triton-grpc-predictor', port: 80 });
    expect(route.spec.parentRefs[0]).toMatchObject({ name: 'kserve-gateway', sectionName: 'https' });
    const triton = isvc('triton-grpc').spec.predictor.triton;
    expect(triton.protocolVersion).toBe('grpc-v2');
    expect(triton.ports[0]).toMatchObject({ containerPort: 9000, name: 'h2c' });
    expect(findObject(objects, 'NetworkPolicy', 'allow-kserve-gateway-to-triton-grpc-predictor', 'models').spec.ingress[0].ports).toEqual([{ port: 9000, protocol: 'TCP' }]);
  });

  it('runs every model under the restricted pod security defaults, in a default-deny namespace', () => {
    for (const m of objectsOfKind(objects, 'InferenceService')) {
      const container = m.spec.predictor.model ?? m.spec.predictor.triton;
      // Pod level in Standard mode; on the container in Knative mode (see above): either way each container runs restricted.
      const effective = { ...(m.spec.predictor.securityContext ?? {}), ...container.securityContext };
      expect(effective, m.metadata.name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
    expect(findObject(objects, 'Namespace', 'models').metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(findObject(objects, 'NetworkPolicy', 'default-deny', 'models').spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('lists the Istio mesh config its access log and tracing Telemetries need', () => {
    const topics = platform.setupNotes.map((n) => n.topic);
    expect(topics).toEqual([
      'Gateway proxy pods under restricted Pod Security (kserve-ingress/kserve-gateway)',
      'Istio mesh config: access log provider `model-access-log`',
      'Istio mesh config: tracing provider `otel-tracing`',
      'KServe storage initializer under restricted Pod Security',
      'Monitoring of the Knative-mode PyTorch model',
      'Secret kserve-ingress/kserve-gateway-tls',
      'TorchServe metrics',
    ]);
    // The Knative-mode TorchServe model gets no monitor that could never find a target.
    expect(objectsOfKind(objects, 'PodMonitor').map((m) => m.metadata.name)).not.toContain('pytorch-model-predictor');
    const tls = platform.setupNotes.find((n) => n.topic === 'Secret kserve-ingress/kserve-gateway-tls')!;
    expect(tls.text).toContain('TLS certificate (tls.crt, tls.key) of listener https of Gateway kserve-gateway');
    expect(findObject(objects, 'Telemetry', 'kserve-gateway-tracing', 'kserve-ingress').spec.tracing[0].providers).toEqual([{ name: 'otel-tracing' }]);
  });
});
