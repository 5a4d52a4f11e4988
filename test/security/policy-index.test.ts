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
import { isolatingPolicies, LabelSelector, selects } from '../../src/security/network-policy-eval';

const NAMESPACES = ['a', 'b'];
const KEYS = ['app', 'component', 'tier'];
const VALUES = ['x', 'y', 'z'];

const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });
const expression = fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'), values: fc.array(fc.constantFrom(...VALUES), { maxLength: 2 }) });
const selector: fc.Arbitrary<LabelSelector> = fc.record({ matchLabels: labels, matchExpressions: fc.array(expression, { maxLength: 2 }) }, { requiredKeys: [] });
const policy = fc.record({
  namespace: fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined }),
  podSelector: fc.option(selector, { nil: undefined }),
  policyTypes: fc.option(fc.array(fc.constantFrom('Ingress', 'Egress'), { maxLength: 3 }), { nil: undefined }),
  egress: fc.boolean(),
});

function toObject(p: { namespace?: string; podSelector?: LabelSelector; policyTypes?: string[]; egress: boolean }, i: number): KObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `p${i}`, ...(p.namespace !== undefined ? { namespace: p.namespace } : {}) },
    spec: { ...(p.podSelector ? { podSelector: p.podSelector } : {}), ...(p.policyTypes ? { policyTypes: p.policyTypes } : {}), ...(p.egress ? { egress: [{}] } : {}) },
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
