/**
 * The NetworkPolicy evaluator looks policies up in an index (by namespace,
 * direction and one pod-selector label) instead of scanning them all: for any
 * set of policies and any pod, it finds exactly the policies, in the same
 * order, that the definition selects (the namespace's policies for that
 * direction whose pod selector selects the pod's labels).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../src/security/finding';
import { blockingPolicies, Flow, FlowEnd, isolatingPolicies, LabelSelector, selects } from '../../src/security/network-policy-eval';

const NAMESPACES = ['a', 'b'];
const KEYS = ['app', 'component', 'tier'];
const VALUES = ['x', 'y', 'z'];

const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });
const expression = fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'), values: fc.array(fc.constantFrom(...VALUES), { maxLength: 2 }) });
const selector: fc.Arbitrary<LabelSelector> = fc.record({ matchLabels: labels, matchExpressions: fc.array(expression, { maxLength: 2 }) }, { requiredKeys: [] });
const peer = fc.oneof(
  fc.record({ podSelector: selector, namespaceSelector: fc.option(fc.record({ matchLabels: fc.record({ 'kubernetes.io/metadata.name': fc.constantFrom(...NAMESPACES) }) }), { nil: undefined }) }, { requiredKeys: ['podSelector'] }),
  fc.record({ namespaceSelector: fc.record({ matchLabels: fc.record({ 'kubernetes.io/metadata.name': fc.constantFrom(...NAMESPACES) }) }) }),
  fc.record({ ipBlock: fc.record({ cidr: fc.constantFrom('0.0.0.0/0', '10.0.0.0/8') }) }),
);
const rule = fc.record({ peers: fc.option(fc.array(peer, { maxLength: 3 }), { nil: undefined }), ports: fc.option(fc.array(fc.record({ port: fc.constantFrom(53, 80, 443) }), { maxLength: 2 }), { nil: undefined }) });
const policy = fc.record({
  namespace: fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined }),
  podSelector: fc.option(selector, { nil: undefined }),
  policyTypes: fc.option(fc.array(fc.constantFrom('Ingress', 'Egress'), { maxLength: 3 }), { nil: undefined }),
  egress: fc.boolean(),
  ingressRules: fc.array(rule, { maxLength: 3 }),
  egressRules: fc.array(rule, { maxLength: 3 }),
});

type RuleSpec = { peers?: unknown[]; ports?: unknown[] };
const toRule = (r: RuleSpec, peersKey: 'from' | 'to'): Record<string, unknown> => ({ ...(r.peers ? { [peersKey]: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) });

function toObject(p: { namespace?: string; podSelector?: LabelSelector; policyTypes?: string[]; egress: boolean; ingressRules?: RuleSpec[]; egressRules?: RuleSpec[] }, i: number): KObject {
  const egress = [...(p.egress ? [{}] : []), ...(p.egressRules ?? []).map((r) => toRule(r, 'to'))];
  const ingress = (p.ingressRules ?? []).map((r) => toRule(r, 'from'));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `p${i}`, ...(p.namespace !== undefined ? { namespace: p.namespace } : {}) },
    spec: { ...(p.podSelector ? { podSelector: p.podSelector } : {}), ...(p.policyTypes ? { policyTypes: p.policyTypes } : {}), ...(egress.length > 0 ? { egress } : {}), ...(ingress.length > 0 ? { ingress } : {}) },
  };
}

/** The definition, scanning every policy. */
function naive(policies: readonly KObject[], namespace: string, podLabels: Record<string, string>, direction: 'Ingress' | 'Egress'): KObject[] {
  const types = (p: KObject): readonly string[] => {
    const spec = p.spec ?? {};
    if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return spec.policyTypes;
    return Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  };
  return policies.filter((p) => p.metadata.namespace === namespace && types(p).includes(direction) && selects(p.spec?.podSelector, podLabels));
}

/** The definition of a blocked flow, scanning every policy and rule. */
function naiveBlocking(policies: readonly KObject[], flow: Flow, direction: 'Ingress' | 'Egress'): KObject[] {
  const self = direction === 'Egress' ? flow.from : flow.to;
  const other = direction === 'Egress' ? flow.to : flow.from;
  if ('ip' in self) return [];
  const isolating = naive(policies, self.namespace, self.podLabels, direction);
  const key = direction === 'Egress' ? 'egress' : 'ingress';
  const peersKey = direction === 'Egress' ? 'to' : 'from';
  const peerOk = (peer: Record<string, any>): boolean => {
    if (peer.ipBlock) return 'ip' in other ? peer.ipBlock.cidr === '0.0.0.0/0' || (peer.ipBlock.cidr === '10.0.0.0/8' && other.ip.startsWith('10.')) : peer.ipBlock.cidr === '0.0.0.0/0';
    if ('ip' in other) return false;
    const ns = peer.namespaceSelector !== undefined ? selects(peer.namespaceSelector, other.namespaceLabels) : other.namespace === self.namespace;
    return ns && (peer.podSelector === undefined || selects(peer.podSelector, other.podLabels));
  };
  const allowed = isolating.some((p) =>
    ((p.spec?.[key] ?? []) as Array<Record<string, any>>).some((r) => {
      const peers = r[peersKey] as Array<Record<string, any>> | undefined;
      const ports = r.ports as Array<{ port: number }> | undefined;
      return (!peers || peers.length === 0 || peers.some(peerOk)) && (!ports || ports.length === 0 || ports.some((x) => x.port === flow.port));
    }),
  );
  return allowed ? [] : isolating;
}

const end: fc.Arbitrary<FlowEnd> = fc.oneof(
  fc.record({ namespace: fc.constantFrom(...NAMESPACES), podLabels: labels }).map(({ namespace, podLabels }) => ({ namespace, namespaceLabels: { 'kubernetes.io/metadata.name': namespace }, podLabels })),
  fc.constantFrom({ ip: '10.1.2.3' }, { ip: '192.168.0.1' }),
);

describe('blockingPolicies through its index', () => {
  it('blocks exactly the flows the definition blocks, naming the same policies', () => {
    fc.assert(
      fc.property(fc.array(policy, { maxLength: 20 }), fc.array(fc.tuple(end, end, fc.constantFrom(53, 80, 443), fc.constantFrom('Ingress' as const, 'Egress' as const)), { minLength: 1, maxLength: 10 }), (specs, flows) => {
        const policies = specs.map(toObject);
        for (const [from, to, port, direction] of flows) {
          const flow: Flow = { from, to, port };
          expect(blockingPolicies(policies, flow, direction).map((p) => p.metadata.name)).toEqual(naiveBlocking(policies, flow, direction).map((p) => p.metadata.name));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('isolatingPolicies through its index', () => {
  it('finds the policies the definition selects, in their order', () => {
    fc.assert(
      fc.property(fc.array(policy, { maxLength: 30 }), fc.array(fc.tuple(fc.constantFrom(...NAMESPACES), labels, fc.constantFrom('Ingress' as const, 'Egress' as const)), { minLength: 1, maxLength: 10 }), (specs, pods) => {
        const policies = specs.map(toObject);
        for (const [namespace, podLabels, direction] of pods) {
          expect(isolatingPolicies(policies, namespace, podLabels, direction).map((p) => p.metadata.name)).toEqual(naive(policies, namespace, podLabels, direction).map((p) => p.metadata.name));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a policy selecting every pod of its namespace isolates a pod with no labels; one with a label does not', () => {
    const policies = [toObject({ namespace: 'a', egress: false }, 0), toObject({ namespace: 'a', podSelector: { matchLabels: { app: 'x' } }, egress: false }, 1)];
    expect(isolatingPolicies(policies, 'a', {}, 'Ingress').map((p) => p.metadata.name)).toEqual(['p0']);
    expect(isolatingPolicies(policies, 'a', { app: 'x' }, 'Ingress').map((p) => p.metadata.name)).toEqual(['p0', 'p1']);
    expect(isolatingPolicies(policies, 'a', { app: 'x' }, 'Egress')).toEqual([]);
    expect(isolatingPolicies(policies, 'b', { app: 'x' }, 'Ingress')).toEqual([]);
  });
});
