/**
 * The platform README's diagram looks objects up in maps (by kind,
 * namespace and name) instead of scanning every object for each route,
 * policy, monitor and rule: for any set of objects it draws exactly the
 * edges the definition gives, in the same order. The definition below is
 * the scan: for each one, the first object (in the platform's order) that
 * matches.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KubeObject } from '../../src/delivery/manifest';
import { renderPlatformReadme } from '../../src/delivery/platform-readme';

type Obj = KubeObject & { spec?: any };

const NAMESPACES = ['a', 'b'];
const NAMES = ['m', 'm-x', 'm-x-y', 'g'];

const id = (o: KubeObject): string => `${o.kind}_${o.metadata.namespace ?? ''}_${o.metadata.name}`.replace(/[^A-Za-z0-9_]/g, '_');

/** The edges of the diagram by the definition: `from -> to` for each first match of a scan. */
function definedEdges(objs: readonly Obj[]): string[] {
  const of = (kind: string) => objs.filter((o) => o.kind === kind);
  const models = [...of('InferenceService'), ...of('LLMInferenceService')];
  const gateways = of('Gateway');
  const pools = of('InferencePool');
  const edges: string[] = [];
  for (const p of pools) {
    const selector: Record<string, string> = p.spec?.selector?.matchLabels ?? {};
    for (const m of models.filter((x) => x.metadata.namespace === p.metadata.namespace && (selector['serving.kserve.io/inferenceservice'] === x.metadata.name || (x.kind === 'LLMInferenceService' && selector['app.kubernetes.io/name'] === x.metadata.name)))) {
      edges.push(`${id(p)} --> ${id(m)}`);
    }
  }
  for (const r of of('HTTPRoute')) {
    for (const rule of r.spec?.rules ?? []) {
      for (const b of rule.backendRefs ?? []) {
        const ns = b.namespace ?? r.metadata.namespace;
        const m = models.find((x) => x.metadata.namespace === ns && [`${x.metadata.name}-predictor`, `${x.metadata.name}-transformer`].includes(b.name));
        const pool = b.kind === 'InferencePool' ? pools.find((x) => x.metadata.namespace === ns && x.metadata.name === b.name) : undefined;
        if (m) edges.push(`${id(r)} --> ${id(m)}`);
        else if (pool) edges.push(`${id(r)} --> ${id(pool)}`);
      }
    }
  }
  for (const p of objs.filter((o) => o.spec?.targetRef)) {
    const t = objs.find((x) => x.kind === p.spec.targetRef.kind && x.metadata.name === p.spec.targetRef.name && x.metadata.namespace === p.metadata.namespace);
    if (t) edges.push(`${id(p)} -.-> ${id(t)}`);
  }
  for (const m of of('PodMonitor')) {
    const labels: Record<string, string> = m.spec?.selector?.matchLabels ?? {};
    const namespaces: string[] = m.spec?.namespaceSelector?.matchNames ?? [m.metadata.namespace ?? ''];
    const model = models.find((x) => namespaces.includes(x.metadata.namespace ?? '') && labels['serving.kserve.io/inferenceservice'] === x.metadata.name);
    if (model) edges.push(`${id(m)} -.-> ${id(model)}`);
  }
  for (const r of of('PrometheusRule')) {
    const target = [...models, ...gateways].find((x) => x.metadata.namespace === r.metadata.namespace && (r.metadata.name ?? '').startsWith(`${x.metadata.name}-`));
    if (target) edges.push(`${id(r)} -.-> ${id(target)}`);
  }
  return edges;
}

/** The edges the README draws between objects (not to Services drawn for a backend nothing emits). */
function drawnEdges(readme: string): string[] {
  return readme
    .split('\n')
    .filter((l) => / (-->|-\.->) /.test(l) && !/ --> svc_/.test(l) && !/-->\|/.test(l) && !/^ {2}Gateway_\S+ --> /.test(l))
    .map((l) => l.trim());
}

const nsArb = fc.constantFrom(...NAMESPACES);
const nameArb = fc.constantFrom(...NAMES);
const objectArb: fc.Arbitrary<Obj> = fc.oneof(
  fc.record({ kind: fc.constantFrom('InferenceService', 'LLMInferenceService'), ns: nsArb, name: nameArb }).map(({ kind, ns, name }) => ({ apiVersion: 'serving.kserve.io/v1beta1', kind, metadata: { name, namespace: ns } })),
  fc.record({ ns: nsArb, name: nameArb }).map(({ ns, name }) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace: ns } })),
  fc.record({ ns: nsArb, name: nameArb, model: nameArb, app: fc.option(nameArb, { nil: undefined }) }).map(({ ns, name, model, app }) => ({
    apiVersion: 'inference.networking.k8s.io/v1',
    kind: 'InferencePool',
    metadata: { name: `${name}-pool`, namespace: ns },
    spec: { selector: { matchLabels: { 'serving.kserve.io/inferenceservice': model, ...(app ? { 'app.kubernetes.io/name': app } : {}) } } },
  })),
  fc.record({ ns: nsArb, backends: fc.array(fc.record({ name: nameArb, suffix: fc.constantFrom('-predictor', '-transformer', '-pool'), ns: fc.option(nsArb, { nil: undefined }) }), { maxLength: 3 }) }).map(({ ns, backends }) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'r', namespace: ns },
    spec: { rules: [{ backendRefs: backends.map((b) => ({ name: `${b.name}${b.suffix}`, ...(b.suffix === '-pool' ? { kind: 'InferencePool' } : {}), ...(b.ns ? { namespace: b.ns } : {}) })) }] },
  })),
  fc.record({ ns: nsArb, kind: fc.constantFrom('InferenceService', 'Gateway', 'HTTPRoute'), name: nameArb }).map(({ ns, kind, name }) => ({ apiVersion: 'x/v1', kind: 'AuthPolicy', metadata: { name: 'policy', namespace: ns }, spec: { targetRef: { kind, name } } })),
  fc.record({ ns: nsArb, model: nameArb, namespaces: fc.option(fc.array(nsArb, { maxLength: 2 }), { nil: undefined }) }).map(({ ns, model, namespaces }) => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: `${model}-monitor`, namespace: ns },
    spec: { selector: { matchLabels: { component: 'predictor', 'serving.kserve.io/inferenceservice': model } }, ...(namespaces ? { namespaceSelector: { matchNames: namespaces } } : {}) },
  })),
  fc.record({ ns: nsArb, name: fc.constantFrom('m-alerts', 'm-x-alerts', 'm-x-y-latency-slo', 'g-gateway-alerts', 'other') }).map(({ ns, name }) => ({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name, namespace: ns } })),
);

describe('platform README diagram, looked up in maps', () => {
  it('draws the edges of the definition, in its order, for any objects', () => {
    fc.assert(
      fc.property(fc.array(objectArb, { maxLength: 14 }), (objs) => {
        const readme = renderPlatformReadme({ name: 'p', objects: objs.map((object) => ({ file: 'x.yaml', object })), waivers: [] });
        expect(drawnEdges(readme)).toEqual(definedEdges(objs));
      }),
      { numRuns: 400 },
    );
  });

  it('attaches a rule to the first model whose name and a dash begin its name, models before gateways', () => {
    const obj = (kind: string, name: string): Obj => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'a' } });
    const readme = (objects: Obj[]) => renderPlatformReadme({ name: 'p', objects: objects.map((object) => ({ file: 'x.yaml', object })), waivers: [] });
    const rule = obj('PrometheusRule', 'm-x-alerts');
    expect(readme([obj('Gateway', 'm-x'), obj('InferenceService', 'm'), rule])).toContain('PrometheusRule_a_m_x_alerts -.-> InferenceService_a_m');
    expect(readme([obj('InferenceService', 'm-x'), obj('InferenceService', 'm'), rule])).toContain('PrometheusRule_a_m_x_alerts -.-> InferenceService_a_m_x');
  });

  it('draws every model of a large platform once with its route, monitor and rule', () => {
    const objects: Obj[] = [];
    for (let i = 0; i < 3000; i++) {
      const name = `model-${i}`;
      objects.push({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name, namespace: 'a' } });
      objects.push({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: 'a' }, spec: { rules: [{ backendRefs: [{ name: `${name}-predictor` }] }] } });
      objects.push({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name, namespace: 'a' }, spec: { selector: { matchLabels: { component: 'predictor', 'serving.kserve.io/inferenceservice': name } } } });
      objects.push({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: `${name}-alerts`, namespace: 'a' } });
    }
    const edges = drawnEdges(renderPlatformReadme({ name: 'p', objects: objects.map((object) => ({ file: 'x.yaml', object })), waivers: [] }));
    expect(edges).toHaveLength(9000);
    expect(edges).toContain('HTTPRoute_a_model_2999 --> InferenceService_a_model_2999');
    expect(edges).toContain('PodMonitor_a_model_17 -.-> InferenceService_a_model_17');
    expect(edges).toContain('PrometheusRule_a_model_1_alerts -.-> InferenceService_a_model_1');
  });
});
