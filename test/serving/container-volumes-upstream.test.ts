/**
 * Issue 16 §4: container volumes and mounts, and named probe ports.
 *
 * Named probe ports are proved by rebuilding the two llm-d simulator
 * LLMInferenceServices of `../shared/examples/kserve/models-as-a-service`
 * (probes on `port: https`, a port the container declares; with
 * `storageInitializer.enabled: false`). `../shared/examples` holds no
 * InferenceService or runtime with volumes, so volumes are proved on KServe
 * v0.20.0's own `config/runtimes/kserve-huggingfaceserver.yaml` (its
 * `/dev/shm` Memory emptyDir), quoted verbatim below, rebuilt through
 * ClusterServingRuntime.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EnvValue } from '../../src/core/env';
import { Probe } from '../../src/core/probe';
import { EmptyDirMedium, Volume } from '../../src/core/volume';
import { Gateway } from '../../src/gateway/gateway';
import { Transformer } from '../../src/serving/components';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { FlatModelProps, withPredictor } from '../flat-props';
import { LlmInferenceService } from '../../src/serving/llm-inference-service';
import { LlmRouter } from '../../src/serving/llm-router';
import { DeploymentMode, ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { ClusterServingRuntime, ServingRuntime } from '../../src/serving/serving-runtime';
import { Storage } from '../../src/serving/storage';
import { formatIssue, validateObject } from '../../src/validate';
import { compareWithUpstream, Json } from '../upstream-compare';
import { findObject, setup, synthObjects } from '../util';
import { plainChart, rebuild } from './upstream-rebuild';

const MAAS = 'models-as-a-service/docs/samples/models';
const T = 'spec.template';
/** What every LLMInferenceService of ours adds: the secure defaults of DESIGN §4 (see upstream-examples.test.ts). */
const LLM_DEFAULTS = [`${T}.automountServiceAccountToken`, `${T}.securityContext`, `${T}.volumes`, `${T}.containers[0].securityContext`, `${T}.containers[0].volumeMounts`];
/** A Probe spells out periodSeconds and failureThreshold (the Kubernetes defaults) where upstream leaves them out. */
const PROBE_TIMING = ['livenessProbe', 'readinessProbe'].flatMap((p) => [`${T}.containers[0].${p}.periodSeconds`, `${T}.containers[0].${p}.failureThreshold`]);

function simulator(file: string, name: string, model: string) {
  return () =>
    rebuild(
      `${MAAS}/${file}`,
      (app) => {
        const c = plainChart(app);
        new LlmInferenceService(c, name, {
          model: Storage.hf('placeholder/no-model'),
          modelName: model,
          storageInitializer: false,
          replicas: 1,
          router: LlmRouter.managedRoute(Gateway.fromGatewayName(c, 'maas-gateway', 'maas-default-gateway', { namespace: 'openshift-ingress' })),
          container: {
            image: 'ghcr.io/llm-d/llm-d-inference-sim:v0.8.2',
            imagePullPolicy: 'Always',
            command: ['/app/llm-d-inference-sim'],
            args: ['--port', '8000', '--model', model, '--mode', 'random', '--no-mm-encoder-only', '--ssl-certfile', '/var/run/kserve/tls/tls.crt', '--ssl-keyfile', '/var/run/kserve/tls/tls.key'],
            env: { POD_NAME: EnvValue.fromField('metadata.name'), POD_NAMESPACE: EnvValue.fromField('metadata.namespace'), POD_IP: EnvValue.fromField('status.podIP') },
            ports: [{ name: 'https', containerPort: 8000, protocol: 'TCP' }],
            // Named probe ports: 'https' resolves to the container's port 8000.
            livenessProbe: Probe.http('/health', 'https', { scheme: 'HTTPS' }),
            readinessProbe: Probe.http('/ready', 'https', { scheme: 'HTTPS' }),
            resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
          },
        });
      },
      { [`LLMInferenceService/${name}`]: [...LLM_DEFAULTS, ...PROBE_TIMING] },
      // EnvValue.fromField leaves fieldRef.apiVersion to Kubernetes, which defaults it to "v1" in the pod KServe
      // creates (k8s.io/kubernetes pkg/apis/core/v1/defaults.go SetDefaults_ObjectFieldSelector).
      { [`LLMInferenceService/${name}`]: [0, 1, 2].map((i) => `${T}.containers[0].env[${i}].valueFrom.fieldRef.apiVersion: upstream "v1" ≠ ours undefined`) },
    );
}

describe('named probe ports, proved on the llm-d simulator LLMInferenceServices', () => {
  it('models-as-a-service/.../simulator/model.yaml', simulator('simulator/model.yaml', 'simulated', 'facebook/opt-125m'));
  it('models-as-a-service/.../e2e-distinct-2-simulated/model.yaml', simulator('e2e-distinct-2-simulated/model.yaml', 'e2e-distinct-2-simulated', 'test/e2e-distinct-model-2'));

  it('a probe naming a port the container does not declare is refused, with the declared names (LLMInferenceService, custom container, model server, transformer, runtime)', () => {
    const { ns } = setup(['models']);
    const RES = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
    expect(
      () =>
        new LlmInferenceService(ns.models, 'llm', {
          model: Storage.hf('facebook/opt-125m'),
          container: { resources: RES, ports: [{ name: 'https', containerPort: 8000 }], readinessProbe: Probe.http('/ready', 'http', { scheme: 'HTTPS' }) },
        }),
    ).toThrow(/test\/models\/llm.*container\.readinessProbe\.httpGet\.port.*names a port the container does not declare \(its ports: https\).*"http".*use one of https, or a port number/s);
    expect(
      () => new InferenceService(ns.models, 'custom', { predictor: Predictor.containers([{ image: 'example.com/server:1.0.0', livenessProbe: Probe.tcp('grpc') }]) }),
    ).toThrow(/test\/models\/custom.*containers\[0\]\.livenessProbe\.tcpSocket\.port.*declares no named port.*"grpc".*ports: \[\{ name: 'grpc'/s);
    expect(() => new InferenceService(ns.models, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.gcs('gs://bucket/model'), readinessProbe: Probe.http('/v1/models/iris', 'http1') }) })).toThrow(
      /test\/models\/iris.*readinessProbe\.httpGet\.port.*declares no named port.*"http1"/s,
    );
    expect(
      () =>
        new InferenceService(ns.models, 'tx', {
          predictor: Predictor.model({
            format: ModelFormat.SKLEARN,
            storage: Storage.gcs('gs://bucket/model'),
          }),
          transformer: Transformer.container({ image: 'example.com/tx:1.0.0', ports: [{ name: 'http', containerPort: 8080 }], startupProbe: Probe.tcp('htp') }),
        }),
    ).toThrow(/transformer\.startupProbe\.tcpSocket\.port.*its ports: http.*"htp"/s);
    expect(
      () => new ServingRuntime(ns.models, 'rt', { supportedModelFormats: [{ format: ModelFormat.custom('x') }], container: { image: 'example.com/rt:1.0.0', readinessProbe: Probe.http('/', 'metrics') } }),
    ).toThrow(/test\/models\/rt.*container\.readinessProbe\.httpGet\.port.*declares no named port.*"metrics"/s);
  });

  it('a named probe port the model server declares is accepted and rendered by name', () => {
    const { app, ns } = setup(['models']);
    new InferenceService(ns.models, 'iris', {
      predictor: Predictor.model({
        format: ModelFormat.SKLEARN,
        storage: Storage.gcs('gs://bucket/model'),
        ports: [{ name: 'http1', containerPort: 8080 }],
        readinessProbe: Probe.http('/v1/models/iris', 'http1'),
        livenessProbe: Probe.tcp('http1'),
      }),
    });
    const model = findObject(synthObjects(app), 'InferenceService', 'iris').spec.predictor.model;
    expect(model.readinessProbe.httpGet.port).toBe('http1');
    expect(model.livenessProbe.tcpSocket.port).toBe('http1');
  });
});

/** KServe v0.20.0 config/runtimes/kserve-huggingfaceserver.yaml, verbatim (https://github.com/kserve/kserve/blob/v0.20.0/config/runtimes/kserve-huggingfaceserver.yaml). */
const KSERVE_HUGGINGFACESERVER = `apiVersion: serving.kserve.io/v1alpha1
kind: ClusterServingRuntime
metadata:
  name: kserve-huggingfaceserver
  annotations:
    serving.kserve.io/server-type: huggingfaceserver
spec:
  annotations:
    prometheus.kserve.io/port: '8080'
    prometheus.kserve.io/path: "/metrics"
  supportedModelFormats:
    - name: huggingface
      version: "1"
      autoSelect: true
      priority: 1
  protocolVersions:
    - v2
    - v1
  containers:
    - name: kserve-container
      image: huggingfaceserver:replace
      args:
        - --model_name={{.Name}}
      env:
        - name: LMCACHE_USE_EXPERIMENTAL
          value: "True"
      securityContext:
        allowPrivilegeEscalation: false
        privileged: false
        runAsNonRoot: true
        capabilities:
          drop:
            - ALL
      resources:
        requests:
          cpu: "1"
          memory: 2Gi
        limits:
          cpu: "1"
          memory: 2Gi
      volumeMounts:
        - name: devshm
          mountPath: /dev/shm
  volumes:
    - name: devshm
      emptyDir:
        medium: Memory
  hostIPC: false
`;

const DEVSHM = Volume.emptyDir('devshm', { medium: EmptyDirMedium.MEMORY });
const SHM_MOUNT = { volume: DEVSHM, mountPath: '/dev/shm' };

describe('container volumes and mounts', () => {
  it("rebuilds KServe's kserve-huggingfaceserver runtime: its /dev/shm Memory emptyDir and mount, after the library's /tmp", () => {
    const app = Testing.app();
    new ClusterServingRuntime(plainChart(app), 'kserve-huggingfaceserver', {
      supportedModelFormats: [{ format: ModelFormat.custom('huggingface', '1'), autoSelect: true, priority: 1 }],
      protocolVersions: [ProtocolVersion.V2, ProtocolVersion.V1],
      podAnnotations: { 'prometheus.kserve.io/port': '8080', 'prometheus.kserve.io/path': '/metrics' },
      container: {
        image: 'huggingfaceserver:replace',
        args: ['--model_name={{.Name}}'],
        env: { LMCACHE_USE_EXPERIMENTAL: 'True' },
        resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } },
        volumeMounts: [SHM_MOUNT],
      },
    });
    const ours = app.charts.flatMap((c) => c.toJson() as Json[]);
    expect(ours.map((o) => o.kind)).toEqual(['ClusterServingRuntime']);
    const upstream = parse(KSERVE_HUGGINGFACESERVER) as Json;
    expect(validateObject(ours[0]).map(formatIssue)).toEqual([]);
    // The /tmp emptyDir comes first, so upstream's devshm is item 1 of ours: compare the lists on their own too.
    const spec = ours[0].spec as any;
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, { name: 'devshm', emptyDir: { medium: 'Memory' } }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'devshm', mountPath: '/dev/shm' }]);
    const { missing } = compareWithUpstream(upstream, ours[0]);
    // Fields the constructs do not offer, each one Kubernetes' default or a label of KServe's own install;
    // and the two lists, which hold the library's /tmp entries first (checked above).
    expect(missing.map((m) => m.split(':')[0]).sort()).toEqual(
      [
        'metadata.annotations',
        'spec.containers[0].securityContext.privileged',
        'spec.containers[0].volumeMounts',
        'spec.hostIPC',
        'spec.volumes',
      ].sort(),
    );
  });

  it('an InferenceService model server with /dev/shm: predictor.volumes and the mount, valid against the CRD; sizeLimit kept', () => {
    const { app, ns } = setup(['models']);
    const shm = Volume.emptyDir('dshm', { medium: EmptyDirMedium.MEMORY, sizeLimit: '2Gi' });
    const config = Volume.configMap('config', 'model-config');
    new InferenceService(ns.models, 'qwen', {
      predictor: Predictor.model({
        format: ModelFormat.HUGGINGFACE,
        storage: Storage.hf('Qwen/Qwen3-0.6B'),
        volumeMounts: [
          { volume: shm, mountPath: '/dev/shm' },
          { volume: config, mountPath: '/etc/model', readOnly: true },
        ],
      }),
    });
    const isvc = findObject(synthObjects(app), 'InferenceService', 'qwen');
    expect(isvc.spec.predictor.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } }, { name: 'config', configMap: { name: 'model-config' } }]);
    expect(isvc.spec.predictor.model.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'dshm', mountPath: '/dev/shm' },
      { name: 'config', mountPath: '/etc/model', readOnly: true },
    ]);
    expect(validateObject(isvc as unknown as Json).map(formatIssue)).toEqual([]);
  });

  it('custom containers, transformers and LLMInferenceServices mount volumes too; one Volume mounted by two containers is one pod volume', () => {
    const { app, ns } = setup(['models']);
    new InferenceService(ns.models, 'custom', {
      predictor: Predictor.containers([
        { image: 'example.com/server:1.0.0', volumeMounts: [SHM_MOUNT] },
        { image: 'example.com/sidecar:1.0.0', volumeMounts: [{ volume: DEVSHM, mountPath: '/shm' }] },
      ], { storage: Storage.gcs('gs://bucket/model') }),
      transformer: Transformer.container({ image: 'example.com/tx:1.0.0', volumeMounts: [{ volume: Volume.secret('certs', 'tx-certs', { defaultMode: 0o440 }), mountPath: '/certs' }] }),
    });
    new LlmInferenceService(ns.models, 'llm', { model: Storage.hf('facebook/opt-125m'), container: { resources: { limits: { cpu: '1', memory: '1Gi' } }, volumeMounts: [SHM_MOUNT] } });
    const objects = synthObjects(app);
    const isvc = findObject(objects, 'InferenceService', 'custom').spec;
    expect(isvc.predictor.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, { name: 'devshm', emptyDir: { medium: 'Memory' } }]);
    expect(isvc.predictor.containers[1].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'devshm', mountPath: '/shm' }]);
    expect(isvc.transformer.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, { name: 'certs', secret: { secretName: 'tx-certs', defaultMode: 0o440 } }]);
    const llm = findObject(objects, 'LLMInferenceService', 'llm').spec.template;
    expect(llm.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, { name: 'devshm', emptyDir: { medium: 'Memory' } }]);
    expect(llm.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'devshm', mountPath: '/dev/shm' }]);
  });

  it('refuses /tmp (the library mounts it), a path mounted twice, two volumes of one name, the reserved name, a relative path, a bad sizeLimit, a PVC in Knative mode, mounts on a custom-container model prop', () => {
    const { ns } = setup(['models']);
    let n = 0;
    const isvc = (props: object) => () => new InferenceService(ns.models, `m${n++}`, withPredictor({ format: ModelFormat.SKLEARN, storage: Storage.gcs('gs://bucket/model') }, props as FlatModelProps));
    expect(isvc({ volumeMounts: [{ volume: DEVSHM, mountPath: '/tmp' }] })).toThrow(/test\/models\/m0.*volumeMounts\[0\]\.mountPath.*is \/tmp, where the library mounts its own emptyDir.*"\/tmp"/s);
    expect(isvc({ volumeMounts: [SHM_MOUNT, { volume: Volume.emptyDir('other'), mountPath: '/dev/shm/' }] })).toThrow(/volumeMounts\[1\]\.mountPath.*mounted twice.*"\/dev\/shm\/"/s);
    expect(isvc({ volumeMounts: [SHM_MOUNT, { volume: Volume.emptyDir('devshm'), mountPath: '/other' }] })).toThrow(/volumeMounts\[1\]\.volume.*two different volumes of one name.*"devshm".*same Volume object/s);
    expect(isvc({ volumeMounts: [{ volume: Volume.emptyDir('tmp'), mountPath: '/scratch' }] })).toThrow(/volumeMounts\[0\]\.volume\.name.*library's own \/tmp emptyDir.*"tmp"/s);
    expect(isvc({ volumeMounts: [{ volume: DEVSHM, mountPath: 'dev/shm' }] })).toThrow(/volumeMounts\[0\]\.mountPath.*absolute path.*"dev\/shm"/s);
    expect(isvc({ volumeMounts: [{ volume: Volume.emptyDir('big', { sizeLimit: 'lots' }), mountPath: '/big' }] })).toThrow(/volumeMounts\[0\]\.volume\.sizeLimit.*"lots"/s);
    expect(isvc({ volumeMounts: [{ volume: '/dev/shm', mountPath: '/dev/shm' }] })).toThrow(/volumeMounts\[0\]\.volume.*must be a Volume.*Volume\.emptyDir/s);
    expect(isvc({ deploymentMode: DeploymentMode.KNATIVE, volumeMounts: [{ volume: Volume.persistentVolumeClaim('cache', 'cache-pvc'), mountPath: '/cache' }] })).toThrow(
      /volumeMounts\[0\]\.volume.*PersistentVolumeClaim, which Knative refuses.*"cache".*DeploymentMode\.STANDARD/s,
    );
    expect(() => new InferenceService(ns.models, 'c', { predictor: Predictor.containers([{ image: 'example.com/s:1.0.0' }], { volumeMounts: [SHM_MOUNT] } as never) })).toThrow(/test\/models\/c.*predictor\.volumeMounts.*is not a known field/s);
  });
});

describe('volumes never surface wrongly typed values as raw TypeErrors', () => {
  it('null, numbers, strings, objects, lists and booleans in place of each mount and volume field', () => {
    const raw: string[] = [];
    for (const bad of [null, 42, 'text', { text: 42 }, [42], true] as const) {
      const cases: Array<[string, () => unknown]> = [
        ['volumeMounts', () => bad],
        ['mount', () => [bad]],
        ['mountPath', () => [{ volume: DEVSHM, mountPath: bad }]],
        ['readOnly', () => [{ volume: DEVSHM, mountPath: '/x', readOnly: bad }]],
        ['subPath', () => [{ volume: DEVSHM, mountPath: '/x', subPath: bad }]],
        ['emptyDir options', () => [{ volume: Volume.emptyDir('v', bad as never), mountPath: '/x' }]],
        ['emptyDir name', () => [{ volume: Volume.emptyDir(bad as never), mountPath: '/x' }]],
        ['secret name', () => [{ volume: Volume.secret('v', bad as never, bad as never), mountPath: '/x' }]],
        ['configMap name', () => [{ volume: Volume.configMap('v', bad as never), mountPath: '/x' }]],
        ['pvc', () => [{ volume: Volume.persistentVolumeClaim('v', bad as never, bad as never), mountPath: '/x' }]],
      ];
      for (const [what, mounts] of cases) {
        for (const where of ['model', 'container', 'llm']) {
          const { ns } = setup(['models']);
          try {
            if (where === 'model') new InferenceService(ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.gcs('gs://bucket/model'), volumeMounts: mounts() as never }) });
            else if (where === 'container') new InferenceService(ns.models, 'm', { predictor: Predictor.containers([{ image: 'example.com/s:1.0.0', volumeMounts: mounts() as never }]) });
            else new LlmInferenceService(ns.models, 'm', { model: Storage.hf('facebook/opt-125m'), container: { volumeMounts: mounts() as never } });
          } catch (e) {
            if (!(e instanceof Error) || e.name !== 'ModelServingError') raw.push(`${where} ${what} = ${JSON.stringify(bad)}: ${String(e)}`);
          }
        }
      }
    }
    expect(raw).toEqual([]);
  });
});

describe('named probe ports on a named runtime', () => {
  it("are not refused: KServe merges the runtime's container, whose port names count too", () => {
    const { app, ns } = setup(['models']);
    const rt = new ServingRuntime(ns.models, 'rt', {
      supportedModelFormats: [{ format: ModelFormat.custom('x') }],
      container: { image: 'example.com/rt:1.0.0', ports: [{ name: 'http1', containerPort: 8080 }], readinessProbe: Probe.http('/ready', 'http1') },
    });
    new InferenceService(ns.models, 'm', { predictor: Predictor.model({ format: ModelFormat.custom('x'), runtime: rt, storage: Storage.gcs('gs://bucket/model'), readinessProbe: Probe.http('/ready', 'http1') }) });
    expect(findObject(synthObjects(app), 'InferenceService', 'm').spec.predictor.model.readinessProbe.httpGet.port).toBe('http1');
  });
});

describe('ServingRuntime.vllm sharedMemory', () => {
  it("mounts a Memory emptyDir of that size at /dev/shm, as KServe's kserve-vllmserver runtime does; a bad size is refused", () => {
    const { app, ns } = setup(['llm']);
    ServingRuntime.vllm(ns.llm, 'vllm', { image: 'vllm/vllm-openai:v0.11.0', gpus: 2, sharedMemory: '8Gi' });
    const spec = findObject(synthObjects(app), 'ServingRuntime', 'vllm', 'llm').spec;
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '8Gi' } }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'dshm', mountPath: '/dev/shm' }]);
    expect(() => ServingRuntime.vllm(ns.llm, 'vllm2', { image: 'vllm/vllm-openai:v0.11.0', sharedMemory: '8 GB' })).toThrow(/test\/llm\/vllm2.*container\.volumeMounts\[0\]\.volume\.sizeLimit.*"8 GB"/s);
  });
});
