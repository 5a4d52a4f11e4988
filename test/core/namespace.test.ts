import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Namespace, PodSecurity } from '../../src/core/namespace';
import { NetworkPeer } from '../../src/core/network-peer';
import { Platform } from '../../src/core/platform';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';

describe('Namespace', () => {
  it('emits a restricted Namespace, a default-deny policy and DNS egress', () => {
    const { app } = setup(['models']);
    const objects = synthObjects(app);
    const ns = findObject(objects, 'Namespace', 'models');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'app.kubernetes.io/part-of': 'test',
      'app.kubernetes.io/managed-by': 'cdk8s-model-serving',
    });
    expect(findObject(objects, 'NetworkPolicy', 'default-deny', 'models').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = findObject(objects, 'NetworkPolicy', 'allow-dns', 'models');
    expect(dns.spec.egress[0].ports).toEqual([
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ]);
    expect(objects.filter((o) => o.metadata.namespace === 'models').every((o) => o.metadata.labels?.['app.kubernetes.io/part-of'] === 'test')).toBe(true);
    expect(objectsOfKind(objects, 'NetworkPolicy').map((o) => o.metadata.name)).toMatchSnapshot();
  });

  it('allowIngress is idempotent for the same rule and refuses a different one under the same id', () => {
    const { ns } = setup(['models']);
    const rule = { peers: [NetworkPeer.namespace('edge')], ports: [{ port: 8080 }] };
    expect(ns.models.allowIngress('edge', rule)).toBe('allow-edge');
    expect(ns.models.allowIngress('edge', rule)).toBe('allow-edge');
    expect(() => ns.models.allowIngress('edge', { peers: [NetworkPeer.anywhere()] })).toThrow(/NetworkPolicy\/allow-edge is already defined with a different rule/);
  });

  it('a pod-security waiver lowers enforce only, and needs a reason', () => {
    const app = Testing.app();
    const platform = new Platform(app, 'p');
    new Namespace(platform, 'gpu', { podSecurity: PodSecurity.waived('baseline', 'the NVIDIA device plugin mounts host devices') });
    const ns = findObject(synthObjects(app), 'Namespace', 'gpu');
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' });
    expect(() => new Namespace(platform, 'gpu2', { podSecurity: PodSecurity.waived('privileged', 'gpu') })).toThrow(/podSecurity waiver needs a reason of at least 10 characters/);
  });

  it('fails when the name is reserved or invalid', () => {
    const app = Testing.app();
    const platform = new Platform(app, 'p');
    expect(() => new Namespace(platform, 'default')).toThrow(/p\/default: name is reserved for the cluster \(received: "default"\)/);
    expect(() => new Namespace(platform, 'kube-public')).toThrow(/is reserved/);
    expect(() => new Namespace(platform, 'ML_Models')).toThrow(/name must be a DNS-1123 label/);
  });

  it('fails when an allow rule has an empty peers list (from: [] / to: [] is allow-all in Kubernetes)', () => {
    const { app, ns } = setup(['models']);
    expect(() => ns.models.allowIngress('open', { peers: [], ports: [{ port: 8080 }] })).toThrow(
      /test\/models: NetworkPolicy\/allow-open\.peers must list at least one peer: an empty list renders 'ingress\[\]\.from: \[\]', which Kubernetes reads as allow-all \(received: \[\]\)\. Fix: .*pass \[NetworkPeer\.anywhere\(\)\] explicitly/,
    );
    expect(() => ns.models.allowEgress('open', { peers: [] })).toThrow(/NetworkPolicy\/allow-open\.peers must list at least one peer: an empty list renders 'egress\[\]\.to: \[\]'/);
    // Nothing was emitted, and asking for every address explicitly still works.
    expect(objectsOfKind(synthObjects(app), 'NetworkPolicy').map((o) => o.metadata.name)).not.toContain('allow-open');
    expect(ns.models.allowEgress('anywhere', { peers: [NetworkPeer.anywhere()], ports: [{ port: 443 }] })).toBe('allow-anywhere');
  });

  it('fails when default-deny is turned off without a reason', () => {
    const app = Testing.app();
    const platform = new Platform(app, 'p');
    expect(() => new Namespace(platform, 'open', { defaultDeny: false })).toThrow(/defaultDenyWaiver is required when defaultDeny is false/);
  });

  it('without a default deny, pods an egress rule isolates get DNS from a rule of their own (once per selector)', () => {
    const app = Testing.app();
    const platform = new Platform(app, 'p');
    const open = new Namespace(platform, 'gateway-system', { defaultDeny: false, defaultDenyWaiver: 'the controller needs the API server' });
    const proxy = { 'gateway.networking.k8s.io/gateway-name': 'edge' };
    open.allowEgress('edge-control-plane', { pods: proxy, peers: [NetworkPeer.pods('gateway-system', { app: 'controller' })], ports: [{ port: 9977 }] });
    open.allowEgress('edge-to-models', { pods: proxy, peers: [NetworkPeer.namespace('models')], ports: [{ port: 8080 }] });
    const closed = new Namespace(platform, 'models');
    closed.allowEgress('download', { pods: { app: 'model' }, peers: [NetworkPeer.anywhere()], ports: [{ port: 443 }] });
    const policies = objectsOfKind(synthObjects(app), 'NetworkPolicy');
    const dnsFor = (ns: string) => policies.filter((p) => p.metadata.namespace === ns && p.spec.egress?.some((e: { ports?: { port: number }[] }) => e.ports?.some((port) => port.port === 53)));
    // The proxy pods: one DNS rule scoped to them (not podSelector: {}, which would isolate the controller too).
    expect(dnsFor('gateway-system').map((p) => [p.metadata.name, p.spec.podSelector])).toEqual([[expect.stringMatching(/^allow-dns-gateway-networking-k8s-io-gateway-name-/), { matchLabels: proxy }]]);
    // Selectors that differ only in their keys get rules of their own.
    open.allowEgress('a', { pods: { app: 'x' }, peers: [NetworkPeer.namespace('models')], ports: [{ port: 80 }] });
    expect(() => open.allowEgress('b', { pods: { role: 'x' }, peers: [NetworkPeer.namespace('models')], ports: [{ port: 80 }] })).not.toThrow();
    expect(dnsFor('gateway-system')[0].spec.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
    // With a default deny the namespace-wide allow-dns covers every pod: no extra rule.
    expect(dnsFor('models').map((p) => p.metadata.name)).toEqual(['allow-dns']);
  });

  it('keeps a shared namespace when the Application is deleted (Delete=false,Prune=false), listed with its reason; refuses a retention without one', () => {
    const app = Testing.app();
    const platform = new Platform(app, 'p');
    new Namespace(platform, 'gateway-system', { retainOnRemoval: "the gateway controller's install namespace" });
    new Namespace(platform, 'models');
    const objects = synthObjects(app);
    expect(findObject(objects, 'Namespace', 'gateway-system').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false' });
    expect(findObject(objects, 'Namespace', 'models').metadata.annotations).toBeUndefined();
    expect(platform.setupNotes.find((n) => n.topic === 'Kept when the Application is deleted: Namespace/gateway-system')?.text).toMatch(/the gateway controller's install namespace\. Remove it by hand once nothing uses it\./);
    expect(() => new Namespace(platform, 'other', { retainOnRemoval: 'shared' })).toThrow(/p\/other-namespace: retainOnRemoval needs a reason of at least 10 characters \(received: "shared"\)/);
  });
});
