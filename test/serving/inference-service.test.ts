import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { EnvValue } from '../../src/core/env';
import { SecretRef } from '../../src/core/secret-ref';
import { WorkloadSecurity } from '../../src/core/security';
import { Explainer, Transformer } from '../../src/serving/components';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { ClusterServingRuntime } from '../../src/serving/serving-runtime';
import { DeploymentMode, ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { Storage } from '../../src/serving/storage';
import { findObject, setup, synthObjects } from '../util';

function isvcOf(props: ConstructorParameters<typeof InferenceService>[2], name = 'iris') {
  const { app, ns } = setup(['models']);
  const isvc = new InferenceService(ns.models, name, props);
  return { app, ns, isvc, objects: () => synthObjects(app), spec: () => findObject(synthObjects(app), 'InferenceService', name, 'models').spec };
}

describe('InferenceService', () => {
  it('renders the predictor with format, storage, protocol, resources, probes and restricted security', () => {
    const { objects } = isvcOf({
      predictor: Predictor.model({
        format: ModelFormat.SKLEARN,
        storage: Storage.uri('gs://kfserving-examples/models/sklearn/iris'),
        runtime: ClusterServingRuntime.fromName(Testing.app(), 'sklearn-runtime', 'kserve-sklearnserver'),
        protocolVersion: ProtocolVersion.V2,
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      }),
      minReplicas: 2,
      maxReplicas: 4,
    });
    const isvc = findObject(objects(), 'InferenceService', 'iris', 'models');
    expect(isvc.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Standard' });
    const p = isvc.spec.predictor;
    expect(p.model.modelFormat).toEqual({ name: 'sklearn' });
    expect(p.model.storageUri).toBe('gs://kfserving-examples/models/sklearn/iris');
    expect(p.model.runtime).toBe('kserve-sklearnserver');
    expect(p.model.protocolVersion).toBe('v2');
    expect(p.model.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect([p.minReplicas, p.maxReplicas]).toEqual([2, 4]);
    expect(p.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(p.model.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(p.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(p.model.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(p.automountServiceAccountToken).toBe(false);
    // probes sized for slow loads: 60 x 10 s = 10 minutes of startup
    expect(p.model.readinessProbe.httpGet).toEqual({ path: '/v2/models/iris/ready', port: 8080 });
    expect(p.model.startupProbe).toMatchObject({ httpGet: { path: '/v2/models/iris/ready', port: 8080 }, periodSeconds: 10, failureThreshold: 60 });
    expect(p.model.livenessProbe.tcpSocket).toEqual({ port: 8080 });
    expect(isvc).toMatchSnapshot();
  });

  it('opens egress on 443 for the model download in a default-deny namespace', () => {
    const { objects } = isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://bucket/iris') }) });
    const np = findObject(objects(), 'NetworkPolicy', 'allow-iris-model-download', 'models');
    expect(np.spec.podSelector.matchLabels).toEqual({ 'serving.kserve.io/inferenceservice': 'iris' });
    expect(np.spec.egress[0].ports).toEqual([{ port: 443, protocol: 'TCP' }]);
  });

  it('can emit the framework field form', () => {
    const { spec } = isvcOf({ predictor: Predictor.model({ format: ModelFormat.TENSORFLOW, frameworkField: true, storage: Storage.uri('gs://b/flowers') }) });
    const p = spec().predictor;
    expect(p.model).toBeUndefined();
    expect(p.tensorflow.storageUri).toBe('gs://b/flowers');
    expect(p.tensorflow.modelFormat).toBeUndefined();
  });

  it('is a backend: the predictor Service on port 80, pods on 8080', () => {
    const { isvc } = isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
    expect(isvc.backendRef).toMatchObject({ name: 'iris-predictor', port: 80, namespace: 'models', pods: { port: 8080, selector: { 'serving.kserve.io/inferenceservice': 'iris', component: 'predictor' } } });
  });

  it('route matches fit the protocol: exact V1 paths (so :predict matches), V2 prefix', () => {
    const { ns } = setup(['models']);
    const v1 = new InferenceService(ns.models, 'a', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
    const v2 = new InferenceService(ns.models, 'b', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, protocolVersion: ProtocolVersion.V2 }) });
    expect(v1.routeMatches().map((m) => [m.path?.type, m.path?.value])).toEqual([
      ['Exact', '/v1/models/a'],
      ['Exact', '/v1/models/a:predict'],
    ]);
    expect(v2.routeMatches().map((m) => [m.path?.type, m.path?.value])).toEqual([['PathPrefix', '/v2/models/b']]);
  });

  it('route matches follow an OpenAI-compatible runtime (vLLM, TEI): the OpenAI paths, not /v2/models/<name>, which vLLM answers 404', () => {
    const { app, platform, ns } = setup(['models']);
    const vllm = ClusterServingRuntime.vllm(platform, 'vllm', { image: 'vllm/vllm-openai:v0.11.0' });
    const tei = ClusterServingRuntime.textEmbeddingsInference(platform, 'tei', { image: 'ghcr.io/huggingface/text-embeddings-inference:cpu-1.8' });
    const qwen = new InferenceService(ns.models, 'qwen', { predictor: Predictor.model({ format: ModelFormat.custom('vLLM'), runtime: vllm, storage: Storage.hf('Qwen/Qwen3-0.6B') }) });
    const embed = new InferenceService(ns.models, 'embed', { predictor: Predictor.model({ format: ModelFormat.custom('text-embeddings'), runtime: tei, storage: Storage.hf('nomic-ai/nomic-embed-text-v1.5') }) });
    const openai = [
      ['Exact', '/v1/chat/completions'],
      ['Exact', '/v1/completions'],
      ['Exact', '/v1/embeddings'],
      ['Exact', '/v1/models'],
    ];
    expect(qwen.routeMatches().map((m) => [m.path?.type, m.path?.value])).toEqual(openai);
    expect(embed.routeMatches().map((m) => [m.path?.type, m.path?.value])).toEqual([['Exact', '/v1/embeddings']]);
    expect(findObject(synthObjects(app), 'ClusterServingRuntime', 'vllm').spec.protocolVersions).toEqual(['v2']);
  });

  it('a model renamed by --model_name is routed and probed under that name (the server answers nothing under the InferenceService name)', () => {
    const { app, ns } = setup(['models']);
    // With storage: a model without one is a multi-model server (TrainedModels), which gets TCP probes.
    const storage = Storage.gcs('gs://kfserving-examples/models/sklearn/1.0/model');
    const m = new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage, args: ['--model_name=flowers'] }) });
    const v2 = new InferenceService(ns.models, 'iris2', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage, protocolVersion: ProtocolVersion.V2, args: ['--model_name', 'flowers2'] }) });
    expect(m.servedModelName).toBe('flowers');
    expect(m.routeMatches().map((x) => x.path?.value)).toEqual(['/v1/models/flowers', '/v1/models/flowers:predict']);
    expect(v2.routeMatches().map((x) => x.path?.value)).toEqual(['/v2/models/flowers2']);
    const objects = synthObjects(app);
    expect(findObject(objects, 'InferenceService', 'iris', 'models').spec.predictor.model.readinessProbe.httpGet).toEqual({ path: '/v1/models/flowers', port: 8080 });
    expect(findObject(objects, 'InferenceService', 'iris2', 'models').spec.predictor.model.readinessProbe.httpGet).toEqual({ path: '/v2/models/flowers2/ready', port: 8080 });
  });

  it('TorchServe under a read-only root filesystem writes its logs, metrics log and temp files to the /tmp emptyDir; the user env wins; other formats get none', () => {
    const { app, ns } = setup(['models']);
    new InferenceService(ns.models, 'torch', { predictor: Predictor.model({ format: ModelFormat.PYTORCH }) });
    new InferenceService(ns.models, 'torch2', { predictor: Predictor.model({ format: ModelFormat.PYTORCH, env: { LOG_LOCATION: '/var/log/ts' } }) });
    new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
    const objects = synthObjects(app);
    const env = (name: string) => Object.fromEntries((findObject(objects, 'InferenceService', name, 'models').spec.predictor.model.env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env('torch')).toEqual({ LOG_LOCATION: '/tmp/logs', METRICS_LOCATION: '/tmp/logs', TEMP: '/tmp' });
    expect(env('torch2')).toMatchObject({ LOG_LOCATION: '/var/log/ts', METRICS_LOCATION: '/tmp/logs' });
    expect(env('iris')).toEqual({});
    expect(findObject(objects, 'InferenceService', 'torch', 'models').spec.predictor.model.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  it('a model serving on an h2c port without a gRPC protocol version gets TCP probes, not HTTP on the HTTP/2 port', () => {
    const { app, ns } = setup(['models']);
    new InferenceService(ns.models, 'tf', { predictor: Predictor.model({ format: ModelFormat.TENSORFLOW, ports: [{ containerPort: 9000, name: 'h2c' }] }) });
    const model = findObject(synthObjects(app), 'InferenceService', 'tf', 'models').spec.predictor.model;
    expect(model.readinessProbe.httpGet).toBeUndefined();
    expect(model.readinessProbe.tcpSocket).toBeDefined();
    expect(model.startupProbe.httpGet).toBeUndefined();
  });

  it('protocolVersion defaults to the format\'s protocol: v1 for sklearn, v2 for Triton (which speaks no v1)', () => {
    const { ns } = setup(['models']);
    expect(new InferenceService(ns.models, 'a', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) }).protocolVersion).toBe(ProtocolVersion.V1);
    expect(new InferenceService(ns.models, 'b', { predictor: Predictor.model({ format: ModelFormat.TRITON }) }).protocolVersion).toBe(ProtocolVersion.V2);
    expect(new InferenceService(ns.models, 'c', { predictor: Predictor.model({ format: ModelFormat.TRITON.withVersion('2') }) }).protocolVersion).toBe(ProtocolVersion.V2);
  });

  it('wires a transformer to the predictor: PREDICTOR_HOST, routes reach the transformer, NetworkPolicies between them', () => {
    const { isvc, objects } = isvcOf({
      predictor: Predictor.model({
        format: ModelFormat.SKLEARN,
        storage: Storage.uri('s3://my-bucket/models/model'),
      }),
      transformer: Transformer.container({ image: 'registry.example.com/feature-transformer:1.4.0', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } } }),
    });
    const spec = findObject(objects(), 'InferenceService', 'iris', 'models').spec;
    const t = spec.transformer.containers[0];
    expect(t.image).toBe('registry.example.com/feature-transformer:1.4.0');
    expect(t.env).toEqual([{ name: 'PREDICTOR_HOST', value: 'iris-predictor.models' }]);
    expect(t.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(isvc.backendRef).toMatchObject({ name: 'iris-transformer', pods: { selector: { component: 'transformer' } } });
    const ing = findObject(objects(), 'NetworkPolicy', 'allow-iris-predictor-from-components', 'models');
    expect(ing.spec.podSelector.matchLabels).toEqual({ component: 'predictor', 'serving.kserve.io/inferenceservice': 'iris' });
  });

  it('adds an explainer with its own backend', () => {
    const { isvc, spec } = isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }), explainer: Explainer.container({ image: 'registry.example.com/explainer:0.3.1' }) });
    expect(spec().explainer.containers[0].image).toBe('registry.example.com/explainer:0.3.1');
    expect(isvc.explainerBackend().backendRef.name).toBe('iris-explainer');
  });

  it('GPU models get nvidia.com/gpu limits, a node selector and a GPU toleration', () => {
    const { spec } = isvcOf({
      predictor: Predictor.model({
        format: ModelFormat.PYTORCH,
        storage: Storage.uri('s3://b/m'),
        resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { cpu: '4', memory: '16Gi', nvidiaGpu: '1' } },
      }),
      nodeSelector: { accelerator: 'nvidia-tesla-k80' },
    });
    const p = spec().predictor;
    expect(p.model.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(p.nodeSelector).toEqual({ accelerator: 'nvidia-tesla-k80' });
    expect(p.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  it('custom containers form a custom predictor', () => {
    const { spec } = isvcOf({ predictor: Predictor.containers([{ image: 'registry.example.com/custom-model:2.0.0', ports: [{ containerPort: 8080, protocol: 'TCP' }] }]) });
    const c = spec().predictor.containers[0];
    expect(c).toMatchObject({ name: 'kserve-container', image: 'registry.example.com/custom-model:2.0.0', ports: [{ containerPort: 8080, protocol: 'TCP' }] });
    expect(spec().predictor.model).toBeUndefined();
  });

  it('a documented relaxation lets a runtime write its root filesystem', () => {
    const { spec } = isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }), security: WorkloadSecurity.relaxed({ reason: 'the server writes its cache to /opt/cache', writableRootFilesystem: true }) });
    expect(spec().predictor.model.securityContext.readOnlyRootFilesystem).toBe(false);
    expect(spec().predictor.model.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(spec().predictor.volumes).toBeUndefined();
  });

  it('secrets reach the model only by reference', () => {
    const { spec } = isvcOf({ predictor: Predictor.model({ format: ModelFormat.HUGGINGFACE, storage: Storage.hf('meta-llama/Llama-3.1-8B', { tokenSecretRef: SecretRef.named('hf-token') }), env: { API_KEY: EnvValue.fromSecret(SecretRef.named('k'), 'key') } }) });
    expect(spec().predictor.model.env).toEqual([
      { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'k', key: 'key' } } },
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'HF_TOKEN' } } },
    ]);
  });

  it('renders a valid runtimeVersion as given (the runtime image tag)', () => {
    for (const v of ['1.3.0', 'v0.14.0-gpu', '2024_06.1']) expect(isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN, runtimeVersion: v }) }).spec().predictor.model.runtimeVersion).toBe(v);
  });

  describe('fails when', () => {
    it('the name is not a DNS-1123 label', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }) }, 'Iris_Model')).toThrow(/test\/models\/Iris_Model: name must be a DNS-1123 label.*Fix: use a name such as "iris-model"/);
    });

    it('the name is longer than 45 characters', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }) }, 'a'.repeat(46))).toThrow(/at most 45 characters/);
    });

    it('both a model format and custom containers are given, or neither', () => {
      expect(() => isvcOf({ modelFormat: ModelFormat.SKLEARN, predictor: Predictor.containers([{ image: 'a/b:1' }]) } as never)).toThrow(/modelFormat is no longer a prop of InferenceService.*Fix: move modelFormat \(as format\) into predictor: Predictor\.model/s);
      expect(() => isvcOf({} as never)).toThrow(/predictor is required/);
    });

    it('an image is latest or untagged', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN, image: 'kserve/sklearnserver:latest' }) })).toThrow(/image uses the ':latest' tag, which is not pinned/);
      expect(() => isvcOf({ predictor: Predictor.containers([{ image: 'kserve/custom-model' }]) })).toThrow(/containers\[0\]\.image has no tag, so it means ':latest' and is not pinned/);
    });

    it.each([
      ['latest', /test\/models\/iris: runtimeVersion is the runtime image tag: 'latest' is not pinned \(received: "latest"\)\. Fix: use the runtime's release tag/],
      ['', /runtimeVersion must be a non-empty image tag \(received: ""\)/],
      ['-rc1', /runtimeVersion must be a valid image tag \(letters, digits, _ \. and -, at most 128 characters, not starting with \. or -\) \(received: "-rc1"\)/],
      ['v1 2', /runtimeVersion must be a valid image tag .*\(received: "v1 2"\)/],
      ['1.0@sha256:' + 'a'.repeat(64), /runtimeVersion must be a valid image tag/],
      ['x'.repeat(129), /runtimeVersion must be a valid image tag/],
    ])('runtimeVersion is %j (it becomes the runtime image tag)', (runtimeVersion, problem) => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN, runtimeVersion }) })).toThrow(problem);
    });

    it('knativeIngressNamespaces is empty (the queue-proxy would be open to every source)', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }), deploymentMode: DeploymentMode.KNATIVE, minReplicas: 0, knativeIngressNamespaces: [] })).toThrow(
        /test\/models\/iris: knativeIngressNamespaces must list at least one namespace/,
      );
    });

    it('a transformer has no image', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }), transformer: Transformer.container({} as never) })).toThrow(/test\/models\/iris: transformer\.image is required/);
    });

    it('GPUs are requested without limits', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.PYTORCH, resources: { requests: { nvidiaGpu: '1' } } }) })).toThrow(
        /resources\.limits\.nvidiaGpu is required when GPUs are requested .*Fix: set limits: \{ nvidiaGpu: '1' \}/,
      );
    });

    it('a GPU count is fractional', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.PYTORCH, resources: { limits: { nvidiaGpu: '0.5' } } }) })).toThrow(/must be a whole number of GPUs/);
    });

    it('a quantity is a number or malformed', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN, resources: { requests: { cpu: 0.1 as unknown as string } } }) })).toThrow(
        /resources\.requests\.cpu must be a Kubernetes quantity string .*\(received: 0\.1\)\. Fix: write it as a string: '0\.1'/,
      );
    });

    it('a request exceeds its limit', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN, resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } }) })).toThrow(
        /resources\.requests\.memory must not exceed limits\.memory \(1Gi\) \(received: "2Gi"\)/,
      );
    });

    it('maxReplicas is below minReplicas', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }), minReplicas: 3, maxReplicas: 1 })).toThrow(/maxReplicas must be an integer >= minReplicas \(3\) and >= 1 \(received: 1\)/);
    });

    it('minReplicas is 0 outside Knative mode', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }), minReplicas: 0 })).toThrow(/minReplicas can be 0 \(scale to zero\) only in Knative mode/);
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }), minReplicas: 0, deploymentMode: DeploymentMode.KNATIVE })).not.toThrow();
    });

    it('a Knative-mode model is used as a route backend', () => {
      const { isvc } = isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }), deploymentMode: DeploymentMode.KNATIVE });
      expect(() => isvc.backendRef).toThrow(/deploymentMode is Knative/);
    });

    it('a credential-looking env var has a literal value', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN, env: { HF_TOKEN: 'hf_abc123' } }) })).toThrow(/env\.HF_TOKEN holds what looks like a literal value under the credential name 'HF_TOKEN'.*\(received: <redacted: [^>]+>\)/);
      // A setting whose name merely contains a credential word is not refused.
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN, env: { MAX_TOKEN: '4096', HF_HUB_DISABLE_TOKEN: '1' } }) })).not.toThrow();
    });

    it('frameworkField is used with a custom format', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.custom('vLLM'), frameworkField: true }) })).toThrow(/frameworkField only exists for the built-in frameworks/);
    });

    it('a relaxation has no reason', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }), security: WorkloadSecurity.relaxed({ reason: 'x', allowRoot: true }) })).toThrow(/security\.reason must explain the relaxation/);
    });
  });
});

describe('InferenceService pod annotations', () => {
  it('renders spec.predictor.annotations from props and addPodAnnotation, sorted; the same value twice is one annotation', () => {
    const { isvc, objects } = isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://bucket/iris') }), podAnnotations: { 'sidecar.istio.io/proxyCPU': '100m' } });
    isvc.addPodAnnotation('prometheus.io/scrape', 'true');
    isvc.addPodAnnotation('prometheus.io/scrape', 'true');
    const predictor = findObject(objects(), 'InferenceService', 'iris', 'models').spec.predictor;
    expect(predictor.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'sidecar.istio.io/proxyCPU': '100m' });
    expect(Object.keys(predictor.annotations)).toEqual(['prometheus.io/scrape', 'sidecar.istio.io/proxyCPU']);
  });

  describe('fails when', () => {
    it('an annotation key is not a qualified name', () => {
      expect(() => isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }), podAnnotations: { 'bad key!': 'x' } })).toThrow(/podAnnotations\.bad key! is not a valid annotation key/);
    });

    it('an annotation is set again to another value', () => {
      const { isvc } = isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN }), podAnnotations: { 'prometheus.io/port': '8080' } });
      expect(() => isvc.addPodAnnotation('prometheus.io/port', '9000')).toThrow(/podAnnotations\.prometheus\.io\/port is already set to '8080' \(received: "9000"\)/);
    });
  });
});

describe('InferenceService metrics ports (a PodMonitor finds only declared container ports)', () => {
  it('declares the serving port first, then the metrics port', () => {
    const { isvc, spec } = isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://bucket/iris') }) });
    isvc.exposeMetricsPort(8082);
    expect(spec().predictor.sklearn?.ports ?? spec().predictor.model.ports).toEqual([
      { containerPort: 8080, name: 'http1', protocol: 'TCP' },
      { containerPort: 8082, name: 'metrics', protocol: 'TCP' },
    ]);
  });

  it('adds nothing when the serving port serves the metrics; a gRPC model keeps h2c first', () => {
    const http = isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://bucket/iris') }) });
    http.isvc.exposeMetricsPort(8080);
    expect(http.spec().predictor.model.ports).toEqual([{ containerPort: 8080, name: 'http1', protocol: 'TCP' }]);
    const grpc = isvcOf({ predictor: Predictor.model({ format: ModelFormat.TRITON, protocolVersion: ProtocolVersion.GRPC_V2, storage: Storage.uri('gs://bucket/iris') }) }, 'g');
    grpc.isvc.exposeMetricsPort(8080);
    expect(grpc.spec().predictor.model.ports.map((p: any) => p.name)).toEqual(['h2c', 'metrics']);
  });

  it('in Knative mode, which allows one container port, accepts the serving port and refuses another (a monitor on it would find no target)', () => {
    const { isvc, spec } = isvcOf({ predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://bucket/iris') }), deploymentMode: DeploymentMode.KNATIVE });
    isvc.exposeMetricsPort(8080);
    expect(spec().predictor.model.ports).toEqual([{ containerPort: 8080, name: 'http1', protocol: 'TCP' }]);
    expect(() => isvc.exposeMetricsPort(8082)).toThrow(/metricsPort cannot be declared in Knative mode, which accepts one container port \(8080, the serving port\): a PodMonitor on 8082 would find no target \(received: 8082\)\. Fix: run the model in Standard mode/);
  });
});
