/**
 * Rebuilds the upstream llm-d and Envoy AI Gateway objects that carry an
 * InferencePool, objectives, rewrites and a picker's RBAC through the typed
 * API, and compares their specs (in a namespace of our own: the library
 * refuses `default`, which the upstream samples use):
 * - llm-d router v0.10.0 `test/testdata/inferencepool-with-model-hermetic.yaml`:
 *   the pool, the `llm-d.ai/v1alpha2` objectives the pinned CRD accepts (the
 *   others carry `targetModels`, not a field of the CRD), the model rewrite;
 * - Envoy AI Gateway v1.1.0 `examples/inference-pool/base.yaml`: the picker's
 *   cluster RBAC for its authenticated metrics endpoint (`auth-reviewer`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { k8s } from 'cdk8s-plus-34';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EndpointPicker } from '../../src/inference/endpoint-picker';
import { InferenceModelRewrite } from '../../src/inference/inference-model-rewrite';
import { InferenceObjective } from '../../src/inference/inference-objective';
import { EndpointPickerRef, FailureMode, InferencePool } from '../../src/inference/inference-pool';
import { ModelServers } from '../../src/inference/model-servers';
import { formatIssue, validateObjects } from '../../src/validate';
import { findObject, setup, synthObjects } from '../util';

const EXAMPLES = path.resolve(__dirname, '../../../shared/llm-routing-examples');
type Doc = { apiVersion: string; kind: string; metadata: { name: string }; spec?: any; rules?: any[] };
const read = (file: string): Doc[] => parseAllDocuments(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')).map((d) => d.toJSON()).filter((d): d is Doc => d !== null && typeof d === 'object');

/** `poolRef` with the CRD defaults applied. */
const withPoolRefDefaults = (spec: any) => ({ ...spec, poolRef: { group: 'inference.networking.k8s.io', kind: 'InferencePool', ...spec.poolRef } });

describe('llm-d router v0.10.0 hermetic test data, rebuilt', () => {
  const docs = read('llm-d-router/test__testdata__inferencepool-with-model-hermetic.yaml');
  const upstreamPool = docs.find((d) => d.kind === 'InferencePool')!;
  // Only the llm-d.ai objectives the pinned CRD accepts: no targetModels (see ../shared/llm-routing-examples/README.md).
  const objectives = docs.filter((d) => d.kind === 'InferenceObjective' && d.apiVersion === 'llm-d.ai/v1alpha2' && d.spec.targetModels === undefined);
  const rewrite = docs.find((d) => d.kind === 'InferenceModelRewrite')!;

  function rebuild() {
    const f = setup(['llm'], { requireAccessPolicies: false });
    const labels = upstreamPool.spec.selector.matchLabels;
    const vllm = new k8s.KubeDeployment(f.ns.llm, 'vllm', {
      metadata: { name: 'vllm-qwen3-32b' },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.11.0', ports: [{ containerPort: 8000 }] }] } } },
    });
    const pool = new InferencePool(f.ns.llm, 'pool', {
      name: upstreamPool.metadata.name,
      modelServers: ModelServers.fromDeployment(vllm),
      failureMode: FailureMode.FAIL_CLOSE,
      endpointPicker: EndpointPickerRef.service(upstreamPool.spec.endpointPickerRef.name, upstreamPool.spec.endpointPickerRef.port.number),
    });
    for (const o of objectives) new InferenceObjective(f.ns.llm, o.metadata.name, { pool, priority: o.spec.priority });
    new InferenceModelRewrite(f.ns.llm, rewrite.metadata.name, {
      pool,
      rules: rewrite.spec.rules.map((r: any) => ({ models: r.matches?.map((m: any) => m.model.value), targets: r.targets.map((t: any) => ({ model: t.modelRewrite, weight: t.weight })) })),
    });
    return synthObjects(f.app);
  }

  it('has the objects this test rebuilds', () => {
    expect(objectives.map((o) => o.metadata.name)).toEqual(['direct-model', 'inference-objective-with-priority-4']);
  });

  it('renders the pool with the same spec (CRD defaults applied to both)', () => {
    const ours = findObject(rebuild(), 'InferencePool', upstreamPool.metadata.name).spec;
    const defaults = (s: any) => ({ ...s, appProtocol: s.appProtocol ?? 'http', endpointPickerRef: { group: '', kind: 'Service', failureMode: 'FailClose', ...s.endpointPickerRef } });
    expect(defaults(ours)).toEqual(defaults(upstreamPool.spec));
  });

  it('renders each objective and the rewrite with the same spec', () => {
    const objects = rebuild();
    for (const o of objectives) expect(withPoolRefDefaults(findObject(objects, 'InferenceObjective', o.metadata.name).spec), o.metadata.name).toEqual(withPoolRefDefaults(o.spec));
    const ours = withPoolRefDefaults(findObject(objects, 'InferenceModelRewrite', rewrite.metadata.name).spec);
    const theirs = withPoolRefDefaults(rewrite.spec);
    // CRD default: matches[].model.type Exact.
    theirs.rules = theirs.rules.map((r: any) => ({ ...r, matches: r.matches.map((m: any) => ({ model: { type: 'Exact', ...m.model } })) }));
    expect(ours).toEqual(theirs);
  });

  it('validates what it rebuilt', () => {
    expect(validateObjects(rebuild().map((object) => ({ object }))).map(formatIssue)).toEqual([]);
  });
});

describe('Envoy AI Gateway v1.1.0 inference-pool example: the picker metrics RBAC', () => {
  it('grants the picker the same cluster-scoped reviews upstream does (auth-reviewer), and no more', () => {
    const docs = read('ai-gateway/examples__inference-pool__base.yaml');
    const theirs = docs.find((d) => d.kind === 'ClusterRole' && d.metadata.name === 'auth-reviewer')!;
    const f = setup(['llm'], { requireAccessPolicies: false });
    const labels = { app: 'mistral-upstream' };
    const dep = new k8s.KubeDeployment(f.ns.llm, 'mistral-upstream', { metadata: { name: 'mistral-upstream' }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'm', image: 'vllm/vllm-openai:v0.11.0', ports: [{ containerPort: 8080 }] }] } } } });
    const pool = new InferencePool(f.ns.llm, 'mistral', { modelServers: ModelServers.fromDeployment(dep) });
    new EndpointPicker(f.ns.llm, 'mistral-epp', { pool, name: 'mistral-epp' });
    const objects = synthObjects(f.app);
    const ours = findObject(objects, 'ClusterRole', 'llm-mistral-epp-metrics-auth') as unknown as { rules: unknown[] };
    expect(ours.rules).toEqual(theirs.rules);
    expect(findObject(objects, 'InferencePool', 'mistral').spec.targetPorts).toEqual(docs.find((d) => d.kind === 'InferencePool')!.spec.targetPorts);
  });
});
