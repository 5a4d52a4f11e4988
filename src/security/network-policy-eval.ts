/**
 * Kubernetes NetworkPolicy semantics, offline: whether a pod is isolated for
 * a direction, and whether the policies of its namespace allow a flow.
 *
 * - A pod is isolated for ingress (egress) once any NetworkPolicy of its
 *   namespace selects it and lists that direction in `policyTypes`
 *   (`policyTypes` missing: Ingress, plus Egress when the policy has egress
 *   rules).
 * - An isolated pod may take part in a flow when any policy selecting it for
 *   that direction has a rule whose peers and ports match; the allowed
 *   traffic is the union of those rules.
 * - A peer with `podSelector` only selects pods of the policy's namespace;
 *   `namespaceSelector` only, every pod of the selected namespaces; both, the
 *   selected pods of the selected namespaces; `ipBlock` (with `except`)
 *   addresses, which here only match flows to addresses. An empty or missing
 *   peer list matches every peer; an empty or missing port list every port.
 * - Selectors read `matchLabels` and `matchExpressions` (In, NotIn, Exists,
 *   DoesNotExist); ports a number (or a name, matched by name), `endPort`
 *   for ranges, and the protocol (TCP by default).
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { cidrContains } from '../core/cidr';
import { KObject } from './finding';

/** A label selector as NetworkPolicies write it. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: string; readonly values?: readonly string[] }>;
}

/** One end of a flow: pods (by namespace and labels) or an address. */
export type FlowEnd =
  | { readonly namespace: string; readonly namespaceLabels: Readonly<Record<string, string>>; readonly podLabels: Readonly<Record<string, string>> }
  | { readonly ip: string };

/** A connection from one end to another, on a port. */
export interface Flow {
  readonly from: FlowEnd;
  readonly to: FlowEnd;
  readonly port: number;
  /** The port's name on the destination pods, when it has one. */
  readonly portName?: string;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** True when `selector` selects `labels` (an empty selector selects everything). */
export function selects(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

type Direction = 'Ingress' | 'Egress';

function policyTypes(policy: KObject): readonly string[] {
  const spec = policy.spec ?? {};
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return spec.policyTypes;
  return Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** The NetworkPolicies of `namespace` that select pods labelled `labels` for `direction`. */
export function isolatingPolicies(policies: readonly KObject[], namespace: string, labels: Readonly<Record<string, string>>, direction: Direction): KObject[] {
  return policies.filter((p) => p.metadata.namespace === namespace && policyTypes(p).includes(direction) && selects(p.spec?.podSelector, labels));
}

function peerMatches(peer: Record<string, any>, policyNamespace: string, other: FlowEnd): boolean {
  if (peer.ipBlock) {
    if (!('ip' in other)) return peer.ipBlock.cidr === '0.0.0.0/0' || peer.ipBlock.cidr === '::/0'; // every address: pods too, on the common CNIs
    const address = other.ip.includes('/') ? other.ip : `${other.ip}/${other.ip.includes(':') ? 128 : 32}`;
    if (!cidrContains(peer.ipBlock.cidr, address)) return false;
    return !(peer.ipBlock.except ?? []).some((e: string) => cidrContains(e, address));
  }
  if ('ip' in other) return false;
  const namespaceOk = peer.namespaceSelector !== undefined ? selects(peer.namespaceSelector, other.namespaceLabels) : other.namespace === policyNamespace;
  const podsOk = peer.podSelector !== undefined ? selects(peer.podSelector, other.podLabels) : true;
  return namespaceOk && podsOk;
}

function portMatches(ports: ReadonlyArray<Record<string, any>> | undefined, flow: Flow): boolean {
  if (!ports || ports.length === 0) return true;
  const protocol = flow.protocol ?? 'TCP';
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string' && !/^\d+$/.test(p.port)) return p.port === flow.portName;
    const start = Number(p.port);
    const end = p.endPort ?? start;
    return flow.port >= start && flow.port <= end;
  });
}

/**
 * Why `flow` is blocked at the end `direction` names (the source's egress
 * or the destination's ingress): the policies that isolate that end while
 * none of them allows the flow; empty when that end lets it through (not
 * isolated, or allowed), and always empty for an address.
 */
export function blockingPolicies(policies: readonly KObject[], flow: Flow, direction: Direction): KObject[] {
  const self = direction === 'Egress' ? flow.from : flow.to;
  const other = direction === 'Egress' ? flow.to : flow.from;
  if ('ip' in self) return [];
  const isolating = isolatingPolicies(policies, self.namespace, self.podLabels, direction);
  if (isolating.length === 0) return [];
  const key = direction === 'Egress' ? 'egress' : 'ingress';
  const peersKey = direction === 'Egress' ? 'to' : 'from';
  const allowed = isolating.some((p) =>
    ((p.spec?.[key] ?? []) as Array<Record<string, any>>).some((rule) => {
      const peers = rule[peersKey] as Array<Record<string, any>> | undefined;
      const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, self.namespace, other));
      return peerOk && portMatches(rule.ports, flow);
    }),
  );
  return allowed ? [] : isolating;
}
