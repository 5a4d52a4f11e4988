/**
 * Issue 16 §4: `InferenceGraph`, proved by rebuilding
 * `../shared/examples/kserve/graph/sequence.yaml` and `splitter.yaml`
 * (the two InferenceServices and the graph, whose steps are the
 * InferenceService objects), and its refusals of what KServe's webhook
 * refuses (kserve v0.20.0 pkg/apis/serving/v1alpha1/inference_graph_validation.go)
 * or the router misreads (cmd/router/main.go).
 */
import { Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes, Gateway, GatewayProvider, Listener } from '../../src/gateway';
import { HttpRoute, PathMatch } from '../../src/routing';
import { InferenceGraph, GraphNode, GraphStep, StepDependency, StepInput } from '../../src/serving/inference-graph';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { DeploymentMode, ModelFormat, ProtocolVersion } from '../../src/serving/model-format';
import { Storage } from '../../src/serving/storage';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';
import { plainChart, predictorExtras, rebuild } from './upstream-rebuild';

const SKLEARN = Storage.gcs('gs://kfserving-examples/models/sklearn/1.0/model');
const XGBOOST = Storage.gcs('gs://kfserving-examples/models/xgboost/iris');
const DEPLOYMENT_MODE = "metadata.annotations['serving.kserve.io/deploymentMode']";

/** The two InferenceServices of both upstream files, in the framework-field form they are written in. */
function irisModels(scope: Construct): { sklearn: InferenceService; xgboost: InferenceService } {
  return {
    sklearn: new InferenceService(scope, 'sklearn-iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, frameworkField: true, storage: SKLEARN }) }),
    xgboost: new InferenceService(scope, 'xgboost-iris', { predictor: Predictor.model({ format: ModelFormat.XGBOOST, frameworkField: true, storage: XGBOOST }) }),
  };
}

const ISVC_EXTRAS = {
  'InferenceService/sklearn-iris': [...predictorExtras('sklearn'), 'spec.predictor.minReplicas', 'spec.predictor.sklearn.protocolVersion'],
  'InferenceService/xgboost-iris': [...predictorExtras('xgboost'), 'spec.predictor.minReplicas', 'spec.predictor.xgboost.protocolVersion'],
};

describe('InferenceGraph rebuilds the upstream graph examples', () => {
  it('graph/sequence.yaml: a Sequence of sklearn-iris then xgboost-iris (with $request)', () => {
    const objects = rebuild(
      'graph/sequence.yaml',
      (app) => {
        const c = plainChart(app);
        const { sklearn, xgboost } = irisModels(c);
        new InferenceGraph(c, 'model-chainer', { root: GraphNode.sequence([GraphStep.model(sklearn), GraphStep.model(xgboost, { input: StepInput.REQUEST })]) });
      },
      // The one addition to the graph: the deployment mode is explicit, as on InferenceServices (Standard by default).
      { ...ISVC_EXTRAS, 'InferenceGraph/model-chainer': [DEPLOYMENT_MODE] },
    );
    expect((objects['InferenceGraph/model-chainer'] as any).metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Standard' });
  });

  it('graph/splitter.yaml: a Splitter sending 20% to sklearn-iris and 80% to xgboost-iris', () => {
    rebuild(
      'graph/splitter.yaml',
      (app) => {
        const c = plainChart(app);
        const { sklearn, xgboost } = irisModels(c);
        new InferenceGraph(c, 'splitter-model', { root: GraphNode.splitter([GraphStep.model(sklearn, { weight: 20 }), GraphStep.model(xgboost, { weight: 80 })]) });
      },
      { ...ISVC_EXTRAS, 'InferenceGraph/splitter-model': [DEPLOYMENT_MODE] },
    );
  });
});

describe('InferenceGraph', () => {
  it('emits every node the root reaches, named, with Ensemble/Switch steps and graph-level settings', () => {
    const app = Testing.app();
    const c = plainChart(app, 'models');
    const { sklearn, xgboost } = irisModels(c);
    const ensemble = GraphNode.ensemble([GraphStep.model(sklearn, { name: 'sk' }), GraphStep.model(xgboost, { name: 'xgb', dependency: StepDependency.HARD })], { name: 'ensemble-model' });
    const choose = GraphNode.switch([GraphStep.node(ensemble, { condition: 'instances.#(ensemble==true)' }), GraphStep.url('http://other.team.svc.cluster.local/v1/models/other:predict', { condition: 'instances' })], { name: 'choose' });
    new InferenceGraph(c, 'g', {
      root: GraphNode.sequence([GraphStep.model(sklearn), GraphStep.node(choose, { input: StepInput.RESPONSE, mapPredictionsToInstances: true })]),
      timeout: Duration.seconds(30),
      minReplicas: 2,
      maxReplicas: 4,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
    });
    const graph = app.charts.flatMap((x) => x.toJson()).find((o: any) => o.kind === 'InferenceGraph') as any;
    expect(graph.spec).toEqual({
      nodes: {
        root: { routerType: 'Sequence', steps: [{ serviceName: 'sklearn-iris' }, { nodeName: 'choose', data: '$response', mapPredictionsToInstances: true }] },
        choose: {
          routerType: 'Switch',
          steps: [
            { nodeName: 'ensemble-model', condition: 'instances.#(ensemble==true)' },
            { serviceUrl: 'http://other.team.svc.cluster.local/v1/models/other:predict', condition: 'instances' },
          ],
        },
        'ensemble-model': { routerType: 'Ensemble', steps: [{ name: 'sk', serviceName: 'sklearn-iris' }, { name: 'xgb', serviceName: 'xgboost-iris', dependency: 'Hard' }] },
      },
      timeout: 30,
      minReplicas: 2,
      maxReplicas: 4,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
    });
  });

  it('in a platform Namespace, opens the router pods to each model and each model to the router (port 8080), nothing more', () => {
    const { app, ns } = setup(['models']);
    const { sklearn, xgboost } = irisModels(ns.models);
    new InferenceGraph(ns.models, 'model-chainer', { root: GraphNode.sequence([GraphStep.model(sklearn), GraphStep.model(xgboost)]) });
    const objects = synthObjects(app);
    const egress = findObject(objects, 'NetworkPolicy', 'allow-graph-model-chainer-to-sklearn-iris', 'models');
    expect(egress.spec).toEqual({
      podSelector: { matchLabels: { 'serving.kserve.io/inferencegraph': 'model-chainer' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'models' } }, podSelector: { matchLabels: { 'serving.kserve.io/inferenceservice': 'sklearn-iris', component: 'predictor' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
    const ingress = findObject(objects, 'NetworkPolicy', 'allow-xgboost-iris-from-graph-model-chainer', 'models');
    expect(ingress.spec.podSelector).toEqual({ matchLabels: { 'serving.kserve.io/inferenceservice': 'xgboost-iris', component: 'predictor' } });
    expect(ingress.spec.ingress[0].from[0].podSelector).toEqual({ matchLabels: { 'serving.kserve.io/inferencegraph': 'model-chainer' } });
    expect(objectsOfKind(objects, 'NetworkPolicy').filter((p) => (p.metadata.name ?? '').includes('graph')).map((p) => p.metadata.name).sort()).toEqual([
      'allow-graph-model-chainer-to-sklearn-iris',
      'allow-graph-model-chainer-to-xgboost-iris',
      'allow-sklearn-iris-from-graph-model-chainer',
      'allow-xgboost-iris-from-graph-model-chainer',
    ]);
  });
});

describe('InferenceGraph refuses what KServe refuses or the router misreads', () => {
  /** Builds a graph in namespace models of a fresh platform; returns the thrown message. */
  function refusal(build: (scope: Construct, m: { sklearn: InferenceService; xgboost: InferenceService }) => void): string {
    const { ns } = setup(['models']);
    const m = irisModels(ns.models);
    try {
      build(ns.models, m);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected a refusal');
  }

  it('Splitter weights that do not sum to 100, or a missing weight', () => {
    const msg = refusal((s, { sklearn, xgboost }) => new InferenceGraph(s, 'g', { root: GraphNode.splitter([GraphStep.model(sklearn, { weight: 20 }), GraphStep.model(xgboost, { weight: 70 })]) }));
    expect(msg).toMatch(/test\/models\/g/);
    expect(msg).toMatch(/nodes\.root\.steps.*do not sum to 100.*\[20,70\].*sum to 100/s);
    const missing = refusal((s, { sklearn, xgboost }) => new InferenceGraph(s, 'g', { root: GraphNode.splitter([GraphStep.model(sklearn, { weight: 100 }), GraphStep.model(xgboost)]) }));
    expect(missing).toMatch(/nodes\.root\.steps\[1\]\.weight.*is required in a Splitter node.*pass weight/s);
  });

  it('options the node type ignores: weight outside a Splitter, input outside a Sequence', () => {
    expect(refusal((s, { sklearn, xgboost }) => new InferenceGraph(s, 'g', { root: GraphNode.sequence([GraphStep.model(sklearn), GraphStep.model(xgboost, { weight: 50 })]) }))).toMatch(
      /nodes\.root\.steps\[1\]\.weight.*read by Splitter nodes only.*this node is a Sequence.*50.*drop weight/s,
    );
    expect(refusal((s, { sklearn, xgboost }) => new InferenceGraph(s, 'g', { root: GraphNode.ensemble([GraphStep.model(sklearn), GraphStep.model(xgboost, { input: StepInput.RESPONSE })]) }))).toMatch(
      /nodes\.root\.steps\[1\]\.input.*read by Sequence nodes only.*\$response/s,
    );
  });

  it('$response or a condition on the first step of a Sequence, and a Switch step without a condition', () => {
    expect(refusal((s, { sklearn }) => new InferenceGraph(s, 'g', { root: GraphNode.sequence([GraphStep.model(sklearn, { input: StepInput.RESPONSE })]) }))).toMatch(
      /nodes\.root\.steps\[0\]\.input.*first step of a Sequence has none.*"\$response".*StepInput\.REQUEST/s,
    );
    expect(refusal((s, { sklearn }) => new InferenceGraph(s, 'g', { root: GraphNode.sequence([GraphStep.model(sklearn, { condition: 'predictions' })]) }))).toMatch(/steps\[0\]\.condition.*previous response.*move the condition/s);
    expect(refusal((s, { sklearn, xgboost }) => new InferenceGraph(s, 'g', { root: GraphNode.switch([GraphStep.model(sklearn, { condition: 'a' }), GraphStep.model(xgboost)]) }))).toMatch(
      /steps\[1\]\.condition.*required in a Switch node.*never matches/s,
    );
  });

  it('duplicate step names, unnamed or clashing nodes, and cycles', () => {
    expect(refusal((s, { sklearn, xgboost }) => new InferenceGraph(s, 'g', { root: GraphNode.ensemble([GraphStep.model(sklearn, { name: 'a' }), GraphStep.model(xgboost, { name: 'a' })]) }))).toMatch(
      /steps\[1\]\.name.*another step of node 'root'.*"a"/s,
    );
    expect(refusal((s, { sklearn }) => new InferenceGraph(s, 'g', { root: GraphNode.sequence([GraphStep.node(GraphNode.sequence([GraphStep.model(sklearn)]))]) }))).toMatch(
      /nodes\.root\.steps\[0\]\.node\.name.*is required for a node other than the root.*name:/s,
    );
    expect(
      refusal((s, { sklearn, xgboost }) =>
        new InferenceGraph(s, 'g', { root: GraphNode.sequence([GraphStep.node(GraphNode.sequence([GraphStep.model(sklearn)], { name: 'x' })), GraphStep.node(GraphNode.sequence([GraphStep.model(xgboost)], { name: 'x' }))]) }),
      ),
    ).toMatch(/steps\[1\]\.node\.name.*name of another node.*"x"/s);
    const steps: GraphStep[] = [];
    const loop = GraphNode.sequence(steps, { name: 'loop' });
    steps.push(GraphStep.node(loop));
    expect(refusal(() => new InferenceGraph(setup(['models']).ns.models, 'g', { root: GraphNode.sequence([GraphStep.node(loop)]) }))).toMatch(/closes a cycle of nodes.*root -> loop -> loop.*acyclic/s);
  });

  it('a model in another namespace, a gRPC model, a Knative model behind default deny, a name starting with a digit', () => {
    const { ns } = setup(['models', 'other']);
    const elsewhere = new InferenceService(ns.other, 'far', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: SKLEARN }) });
    expect(() => new InferenceGraph(ns.models, 'g', { root: GraphNode.sequence([GraphStep.model(elsewhere)]) })).toThrow(/test\/models\/g.*steps\[0\]\.model.*namespace other.*graph's namespace \(models\).*test\/other\/far.*GraphStep\.url/s);
    const grpc = new InferenceService(ns.models, 'tri', { predictor: Predictor.model({ format: ModelFormat.TRITON, protocolVersion: ProtocolVersion.GRPC_V2, storage: SKLEARN }) });
    expect(() => new InferenceGraph(ns.models, 'g2', { root: GraphNode.sequence([GraphStep.model(grpc)]) })).toThrow(/steps\[0\]\.model.*speaks grpc-v2.*v1 or v2 HTTP.*"tri"/s);
    const kn = new InferenceService(ns.models, 'kn', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: SKLEARN }), deploymentMode: DeploymentMode.KNATIVE });
    expect(() => new InferenceGraph(ns.models, 'g3', { root: GraphNode.sequence([GraphStep.model(kn)]) })).toThrow(/Knative-mode model.*default deny.*DeploymentMode\.STANDARD/s);
    expect(() => new InferenceGraph(ns.models, '1g', { root: GraphNode.sequence([GraphStep.model(grpc)]) })).toThrow(/name.*must start with a letter.*"1g"/s);
    expect(() => new InferenceGraph(ns.models, 'g4', { root: GraphNode.sequence([GraphStep.url('ftp://x')]) })).toThrow(/steps\[0\]\.url.*http\(s\) URL.*"ftp:\/\/x"/s);
    expect(() => new InferenceGraph(ns.models, 'g5', { root: GraphNode.sequence([GraphStep.url('http://x/')]), timeout: Duration.millis(1500) })).toThrow(/timeout.*whole seconds.*1500ms/s);
  });
});

describe('InferenceGraph and its nodes never surface wrongly typed props as raw TypeErrors', () => {
  it('null, numbers, strings, objects, lists and booleans in place of each prop and step option', () => {
    const raw: string[] = [];
    const BAD: readonly unknown[] = [null, 42, 'text', { text: 42 }, [42], true];
    const attempt = (what: string, f: (scope: Construct, m: InferenceService) => void) => {
      const { ns } = setup(['models']);
      const m = new InferenceService(ns.models, 'sklearn-iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: SKLEARN }) });
      try {
        f(ns.models, m);
      } catch (e) {
        if (!(e instanceof Error) || e.name !== 'ModelServingError') raw.push(`${what}: ${String(e)}`);
      }
    };
    for (const bad of BAD) {
      for (const key of ['name', 'root', 'deploymentMode', 'resources', 'minReplicas', 'maxReplicas', 'timeout', 'nodeSelector']) {
        attempt(`${key} = ${JSON.stringify(bad)}`, (s, m) => new InferenceGraph(s, 'g', { root: GraphNode.sequence([GraphStep.model(m)]), [key]: bad } as never));
      }
      for (const key of ['name', 'input', 'mapPredictionsToInstances', 'weight', 'condition', 'dependency']) {
        attempt(`step ${key} = ${JSON.stringify(bad)}`, (s, m) => new InferenceGraph(s, 'g', { root: GraphNode.splitter([GraphStep.model(m, { weight: 100, [key]: bad } as never)]) }));
      }
      attempt(`steps = ${JSON.stringify(bad)}`, (s) => new InferenceGraph(s, 'g', { root: GraphNode.sequence(bad as never) }));
      attempt(`step = ${JSON.stringify(bad)}`, (s) => new InferenceGraph(s, 'g', { root: GraphNode.sequence([bad as never]) }));
      attempt(`step model = ${JSON.stringify(bad)}`, (s) => new InferenceGraph(s, 'g', { root: GraphNode.sequence([GraphStep.model(bad as never)]) }));
      attempt(`step url = ${JSON.stringify(bad)}`, (s) => new InferenceGraph(s, 'g', { root: GraphNode.sequence([GraphStep.url(bad as never)]) }));
      attempt(`step options = ${JSON.stringify(bad)}`, (s, m) => new InferenceGraph(s, 'g', { root: GraphNode.sequence([GraphStep.model(m, bad as never)]) }));
      attempt(`props = ${JSON.stringify(bad)}`, (s) => new InferenceGraph(s, 'g', bad as never));
    }
    expect(raw).toEqual([]);
  });
});

describe('InferenceGraph behind a Gateway', () => {
  it("is a backend: a route reaches KServe's <name> Service on 80 and opens the router pods' 8080 to the gateway; Knative mode is refused", () => {
    const { app, ns } = setup(['edge', 'models'], { requireAccessPolicies: false });
    const gateway = new Gateway(ns.edge, 'gateway', {
      provider: GatewayProvider.KGATEWAY,
      listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.edge, ns.models]) })],
    });
    const { sklearn, xgboost } = irisModels(ns.models);
    const graph = new InferenceGraph(ns.models, 'model-chainer', { root: GraphNode.sequence([GraphStep.model(sklearn), GraphStep.model(xgboost)]) });
    new HttpRoute(ns.models, 'chain', { parents: [gateway], rules: [{ matches: [{ path: PathMatch.exact('/') }], backends: [graph] }] }).allowPublicAccess('test: no authentication');
    const objects = synthObjects(app);
    const route = findObject(objects, 'HTTPRoute', 'chain', 'models');
    expect(route.spec.rules[0].backendRefs).toEqual([expect.objectContaining({ name: 'model-chainer', port: 80 })]);
    const toRouter = objectsOfKind(objects, 'NetworkPolicy').filter(
      (p) => p.metadata.namespace === 'models' && JSON.stringify(p.spec.podSelector) === JSON.stringify({ matchLabels: { 'serving.kserve.io/inferencegraph': 'model-chainer' } }) && p.spec.policyTypes.includes('Ingress'),
    );
    expect(toRouter.map((p) => p.spec.ingress[0].ports)).toEqual([[{ port: 8080, protocol: 'TCP' }]]);
    const kn = new InferenceGraph(ns.models, 'kn', { deploymentMode: DeploymentMode.KNATIVE, minReplicas: 0, root: GraphNode.sequence([GraphStep.url('http://x.y/')]) });
    expect(() => kn.backendRef).toThrow(/test\/models\/kn.*deploymentMode.*Knative.*DeploymentMode\.STANDARD/s);
  });
});
