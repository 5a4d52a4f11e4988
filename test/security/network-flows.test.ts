/**
 * The network-flow rules (SEC-N05, SEC-N06): flows evaluated with
 * Kubernetes NetworkPolicy semantics over the platform's own policies.
 */
import { ApiObject, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Namespace } from '../../src/core/namespace';
import { NetworkPeer } from '../../src/core/network-peer';
import { Platform } from '../../src/core/platform';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { SynthError } from '../../src/delivery/synth';
import { blockingPolicies, selects } from '../../src/security/network-policy-eval';
import { SecurityWaivers } from '../../src/security/waivers';

function errorsOf(build: () => unknown): string[] {
  try {
    build();
  } catch (err) {
    if (err instanceof SynthError) return [...err.errors];
    throw err;
  }
  return [];
}

function platform() {
  const app = Testing.app();
  const p = new Platform(app, 'p', { requireAccessPolicies: false });
  return { app, p };
}

describe('SEC-N05: pods isolated for egress can resolve names', () => {
  it('fails when an egress allow isolates pods in a namespace that gives them no DNS (a raw policy, as an escape hatch would write it)', () => {
    const { app, p } = platform();
    const system = new Namespace(p, 'gateway-system', { defaultDeny: false, defaultDenyWaiver: 'the controller needs the API server' });
    new ApiObject(system, 'raw', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-proxy-to-controller' },
      spec: { podSelector: { matchLabels: { app: 'proxy' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'controller' } } }], ports: [{ port: 9977, protocol: 'TCP' }] }] },
    });
    const errors = errorsOf(() => buildPlatforms(app));
    expect(errors.filter((e) => e.includes('[SEC-N05]'))).toEqual([
      expect.stringMatching(/NetworkPolicy\/allow-proxy-to-controller \(p\/gateway-system\/raw\): spec\.podSelector: \[SEC-N05\] the flow from pods \{"app":"proxy"\} in gateway-system to pods \{"k8s-app":"kube-dns"\} in kube-system on 53\/UDP is blocked at its source: gateway-system\/allow-proxy-to-controller isolates those pods for egress and none allows it/),
      expect.stringMatching(/on 53\/TCP is blocked at its source/),
    ]);
  });

  it('passes with the library’s own allows: the namespace-wide allow-dns, or the pod-scoped DNS rule of a namespace without default deny', () => {
    const { app, p } = platform();
    const system = new Namespace(p, 'gateway-system', { defaultDeny: false, defaultDenyWaiver: 'the controller needs the API server' });
    system.allowEgress('proxy-to-controller', { pods: { app: 'proxy' }, peers: [NetworkPeer.pods('gateway-system', { app: 'controller' })], ports: [{ port: 9977 }] });
    const models = new Namespace(p, 'models');
    models.allowEgress('download', { pods: { app: 'model' }, peers: [NetworkPeer.anywhere()], ports: [{ port: 443 }] });
    expect(errorsOf(() => buildPlatforms(app)).filter((e) => /SEC-N0[56]/.test(e))).toEqual([]);
  });
});

describe('SEC-N06: a flow allowed at one end is allowed at the other', () => {
  it('fails when the source allows egress to pods of a default-deny namespace that admits nothing from it', () => {
    const { app, p } = platform();
    const edge = new Namespace(p, 'edge');
    new Namespace(p, 'models');
    edge.allowEgress('gateway-to-iris', { pods: { app: 'gateway' }, peers: [NetworkPeer.pods('models', { app: 'iris' })], ports: [{ port: 8080 }] });
    const errors = errorsOf(() => buildPlatforms(app)).filter((e) => e.includes('[SEC-N06]'));
    expect(errors).toEqual([
      expect.stringMatching(
        /p\/networkpolicy\.edge\.allow-gateway-to-iris\.yaml: NetworkPolicy\/allow-gateway-to-iris \(p\/edge\/netpol-allow-gateway-to-iris\): spec\.egress\[0\]\.to\[0\]: \[SEC-N06\] the flow from pods \{"app":"gateway"\} in edge to pods \{"app":"iris"\} in models on 8080\/TCP is blocked at its destination: models\/default-deny isolates those pods for ingress and none allows it; add the matching allow rule there \(Namespace\.allowIngress\)/,
      ),
    ]);
  });

  it('passes once the destination admits it, and can be waived on the policy with a reason', () => {
    const { app, p } = platform();
    const edge = new Namespace(p, 'edge');
    const models = new Namespace(p, 'models');
    edge.allowEgress('gateway-to-iris', { pods: { app: 'gateway' }, peers: [NetworkPeer.pods('models', { app: 'iris' })], ports: [{ port: 8080 }] });
    models.allowIngress('iris-from-gateway', { pods: { app: 'iris' }, peers: [NetworkPeer.pods('edge', { app: 'gateway' })], ports: [{ port: 8080 }] });
    expect(errorsOf(() => buildPlatforms(app)).filter((e) => e.includes('SEC-N06'))).toEqual([]);

    const other = platform();
    const e2 = new Namespace(other.p, 'edge');
    new Namespace(other.p, 'models');
    e2.allowEgress('gateway-to-iris', { pods: { app: 'gateway' }, peers: [NetworkPeer.pods('models', { app: 'iris' })], ports: [{ port: 8080 }] });
    const policy = e2.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.name === 'allow-gateway-to-iris')!;
    SecurityWaivers.waive(policy, 'SEC-N06', 'the models namespace admits the gateway through a policy of another team');
    expect(errorsOf(() => buildPlatforms(other.app)).filter((e) => e.includes('SEC-N06'))).toEqual([]);
  });
});

describe('NetworkPolicy semantics of the evaluator', () => {
  const np = (namespace: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x', namespace }, spec });
  const pod = (namespace: string, podLabels: Record<string, string>, namespaceLabels: Record<string, string> = {}) => ({ namespace, podLabels, namespaceLabels: { 'kubernetes.io/metadata.name': namespace, ...namespaceLabels } });

  it('selectors: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist)', () => {
    expect(selects({ matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'In', values: ['x', 'y'] }] }, { a: '1', b: 'y' })).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'b', operator: 'NotIn', values: ['y'] }] }, { b: 'y' })).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'b', operator: 'Exists' }] }, {})).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] }, {})).toBe(true);
    expect(selects({}, { any: 'thing' })).toBe(true);
  });

  it('policyTypes default, union of policies, peers (pod only = same namespace), ports with endPort and protocol, ipBlock with except', () => {
    const from = pod('a', { app: 'x' });
    const to = pod('b', { app: 'y' });
    const flow = { from, to, port: 8443 };
    // Ingress-only by default: no egress isolation.
    expect(blockingPolicies([np('a', { podSelector: {} })], flow, 'Egress')).toEqual([]);
    // Egress listed: isolated, nothing allowed.
    expect(blockingPolicies([np('a', { podSelector: {}, policyTypes: ['Egress'] })], flow, 'Egress')).toHaveLength(1);
    // A pod-only peer selects pods of the policy's own namespace, not b.
    expect(blockingPolicies([np('a', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'y' } } }] }] })], flow, 'Egress')).toHaveLength(1);
    // A port range admits 8443; the wrong protocol does not.
    const range = (protocol: string) => np('a', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }], ports: [{ port: 8000, endPort: 9000, protocol }] }] });
    expect(blockingPolicies([range('TCP')], flow, 'Egress')).toEqual([]);
    expect(blockingPolicies([range('UDP')], flow, 'Egress')).toHaveLength(1);
    // The union: a second policy allowing it is enough.
    expect(blockingPolicies([range('UDP'), range('TCP')], flow, 'Egress')).toEqual([]);
    // ipBlock with except.
    const ip = np('a', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }] });
    expect(blockingPolicies([ip], { from, to: { ip: '10.2.3.4' }, port: 443 }, 'Egress')).toEqual([]);
    expect(blockingPolicies([ip], { from, to: { ip: '10.1.3.4' }, port: 443 }, 'Egress')).toHaveLength(1);
    // Ingress at the destination, named ports.
    const named = np('b', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 'https' }] }] });
    expect(blockingPolicies([named], { ...flow, portName: 'https' }, 'Ingress')).toEqual([]);
    expect(blockingPolicies([named], flow, 'Ingress')).toHaveLength(1);
  });
});
