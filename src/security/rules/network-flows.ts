import type { FlowPeer } from '../../core/flows';
import { KObject, RuleContext } from '../finding';
import { blockingPolicies, Flow, FlowEnd } from '../network-policy-eval';
import { CheckedRule, rule } from '../rule';

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The cluster DNS pods (CoreDNS and kube-dns keep the `k8s-app: kube-dns` label), as a flow end. */
const CLUSTER_DNS: FlowEnd = { namespace: 'kube-system', namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' }, podLabels: { 'k8s-app': 'kube-dns' } };

/** The Namespaces (by name) and NetworkPolicies of an object set, found once per set (the rules run for every object). */
const SCANS = new WeakMap<readonly KObject[], { readonly namespaces: ReadonlyMap<string, KObject>; readonly policies: readonly KObject[] }>();

function scan(all: readonly KObject[]): { readonly namespaces: ReadonlyMap<string, KObject>; readonly policies: readonly KObject[] } {
  let found = SCANS.get(all);
  if (found === undefined) {
    const namespaces = new Map<string, KObject>();
    // The first Namespace of a name wins, as a search from the start would find it.
    for (const o of all) if (o.kind === 'Namespace' && o.metadata.name !== undefined && !namespaces.has(o.metadata.name)) namespaces.set(o.metadata.name, o);
    found = { namespaces, policies: all.filter((o) => o.kind === 'NetworkPolicy') };
    SCANS.set(all, found);
  }
  return found;
}

/** The labels of namespace `name`: the label Kubernetes sets on every namespace, plus those of the platform's Namespace object. */
function namespaceLabels(all: readonly KObject[], name: string): Record<string, string> {
  const ns = scan(all).namespaces.get(name);
  return { ...(ns?.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: name };
}

/** The NetworkPolicies of `all` (the same array for the same set, so that the evaluation's index is built once). */
function policies(all: readonly KObject[]): readonly KObject[] {
  return scan(all).policies;
}

/** `pods {a=b} in ns`, for messages. */
function describeEnd(end: FlowEnd): string {
  return 'ip' in end ? end.ip : `pods ${JSON.stringify(end.podLabels)} in ${end.namespace}`;
}

function report(ctx: RuleContext, path: string, flow: Flow, blockedBy: readonly KObject[], side: 'egress' | 'ingress'): void {
  const names = blockedBy.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ');
  ctx.report(
    path,
    `the flow from ${describeEnd(flow.from)} to ${describeEnd(flow.to)} on ${flow.port}/${flow.protocol ?? 'TCP'} is blocked at its ${side === 'egress' ? 'source' : 'destination'}: ${names} ${blockedBy.length === 1 ? 'isolates' : 'isolate'} those pods for ${side} and none allows it; add the matching allow rule there (Namespace.allow${side === 'egress' ? 'Egress' : 'Ingress'})`,
  );
}

/**
 * Network flows that must work, checked with Kubernetes NetworkPolicy
 * semantics over the platform's own NetworkPolicies (a namespace the
 * platform emits no policy for is not isolated as far as it can know).
 */
export const NETWORK_FLOW_RULES: readonly CheckedRule[] = [
  rule(
    'SEC-N05',
    'pods a NetworkPolicy isolates for egress can resolve names (cluster DNS on 53/UDP and 53/TCP)',
    'Kubernetes NetworkPolicy: once a policy selects a pod for egress, only what the policies allow leaves it, DNS included; without it every Service name fails (a strict_dns xDS cluster, a model store, Redis by name)',
    (o, ctx) => {
      if (o.kind !== 'NetworkPolicy' || !((o as any).spec?.policyTypes ?? []).includes('Egress')) return;
      const podLabels: Record<string, string> = (o as any).spec?.podSelector?.matchLabels ?? {};
      const namespace = o.metadata.namespace ?? '';
      const from: FlowEnd = { namespace, namespaceLabels: namespaceLabels(ctx.all, namespace), podLabels };
      for (const protocol of ['UDP', 'TCP'] as const) {
        const flow: Flow = { from, to: CLUSTER_DNS, port: 53, protocol };
        const blocked = blockingPolicies(policies(ctx.all), flow, 'Egress');
        if (blocked.length > 0) report(ctx, 'spec.podSelector', flow, blocked, 'egress');
      }
    },
  ),
  rule(
    'SEC-N06',
    'a flow one end of the platform allows is allowed at its other end too, when that end is isolated (egress at the source, ingress at the destination)',
    'Kubernetes NetworkPolicy: a connection needs the egress of its source and the ingress of its destination; an allow on one side only is a blocked flow that passes every schema check',
    (o, ctx) => {
      if (o.kind !== 'NetworkPolicy') return;
      const spec = (o as any).spec ?? {};
      const namespace = o.metadata.namespace ?? '';
      const self: FlowEnd = { namespace, namespaceLabels: namespaceLabels(ctx.all, namespace), podLabels: spec.podSelector?.matchLabels ?? {} };
      for (const [key, peersKey, otherSide] of [
        ['egress', 'to', 'Ingress'],
        ['ingress', 'from', 'Egress'],
      ] as const) {
        ((spec[key] ?? []) as Array<Record<string, any>>).forEach((r, i) => {
          ((r[peersKey] ?? []) as Array<Record<string, any>>).forEach((peer, j) => {
            // Only pods of a namespace named by its name label: the other end is then known exactly.
            const otherNamespace: string | undefined = peer.namespaceSelector?.matchLabels?.[NAMESPACE_NAME_LABEL] ?? (peer.namespaceSelector === undefined && peer.podSelector !== undefined ? namespace : undefined);
            if (otherNamespace === undefined || peer.ipBlock) return;
            const other: FlowEnd = { namespace: otherNamespace, namespaceLabels: namespaceLabels(ctx.all, otherNamespace), podLabels: peer.podSelector?.matchLabels ?? {} };
            for (const p of (r.ports ?? []) as Array<Record<string, any>>) {
              if (typeof p.port !== 'number') continue;
              const flow: Flow = key === 'egress' ? { from: self, to: other, port: p.port, protocol: p.protocol ?? 'TCP' } : { from: other, to: self, port: p.port, protocol: p.protocol ?? 'TCP' };
              const blocked = blockingPolicies(policies(ctx.all), flow, otherSide);
              if (blocked.length > 0) report(ctx, `spec.${key}[${i}].${peersKey}[${j}]`, flow, blocked, otherSide === 'Egress' ? 'egress' : 'ingress');
            }
          });
        });
      }
    },
  ),
  rule(
    'SEC-N07',
    'every network flow a construct declares it needs (gateway to backends, proxies to their control plane, Prometheus to scraped ports, policy data plane, model download, databases) is allowed by the NetworkPolicies at each end the platform owns',
    'Kubernetes NetworkPolicy: a pod any policy selects for a direction (default deny included) gets only what the union of the policies allows; a flow the pods need but no policy allows fails at run time, not at apply',
    (_o, ctx) => {
      if (ctx.flows.length === 0) return;
      const all = policies(ctx.all);
      // Only the ends in namespaces the platform emits: an external namespace's policies are not known here.
      const owned = (p: FlowPeer): p is Extract<FlowPeer, { namespace: string }> => !('address' in p) && scan(ctx.all).namespaces.has(p.namespace);
      const end = (p: FlowPeer): FlowEnd => ('address' in p ? { ip: p.address } : { namespace: p.namespace, namespaceLabels: namespaceLabels(ctx.all, p.namespace), podLabels: p.labels });
      const show = (p: FlowPeer) => ('address' in p ? `${p.what} (${p.address})` : `${p.what} (pods ${JSON.stringify(p.labels)} in ${p.namespace})`);
      ctx.flows.forEach((f, i) => {
        const flow: Flow = { from: end(f.from), to: end(f.to), port: f.port, protocol: f.protocol ?? 'TCP' };
        for (const [side, peer, direction] of [
          ['source', f.from, 'Egress'],
          ['destination', f.to, 'Ingress'],
        ] as const) {
          if (!owned(peer)) continue;
          const blocked = blockingPolicies(all, flow, direction);
          if (blocked.length === 0) continue;
          const names = blocked.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ');
          ctx.report(
            `(declared flow ${i + 1}: ${f.purpose})`,
            `the flow it needs from ${show(f.from)} to ${show(f.to)} on ${f.port}/${f.protocol ?? 'TCP'} is blocked at its ${side}: NetworkPolicy ${names} ${blocked.length === 1 ? 'isolates' : 'isolate'} those pods for ${direction.toLowerCase()} and none allows the flow; allow it in namespace ${peer.namespace} (Namespace.allow${direction}), or remove the policy that isolates the pods`,
          );
        }
      });
    },
  ),
];
