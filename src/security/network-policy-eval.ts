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

/**
 * The policies of one namespace and direction, indexed by one `matchLabels`
 * entry of their pod selector, the one fewest policies of the scope share (a
 * policy selects a pod only if the pod has each entry); `any` holds the
 * policies whose selector has no `matchLabels` (empty, or only
 * expressions). Each entry keeps the policy's position in its list.
 */
interface SelectorIndex {
  readonly any: ReadonlyArray<readonly [number, KObject]>;
  readonly byLabel: ReadonlyMap<string, ReadonlyArray<readonly [number, KObject]>>;
}

/** Index of a policy list by namespace and direction, computed once per list (the rules evaluate many flows against one list). */
const INDEXES = new WeakMap<readonly KObject[], ReadonlyMap<string, SelectorIndex>>();

const labelKey = (k: string, v: string): string => `${k}\u0000${v}`;

function buildIndex(policies: readonly KObject[]): Map<string, SelectorIndex> {
  const scopes = new Map<string, Array<readonly [number, KObject, string[]]>>();
  const shared = new Map<string, number>(); // how many policies of a scope have each entry
  policies.forEach((p, i) => {
    if (p.metadata.namespace === undefined) return; // selects pods of no namespace a flow can name
    const entries = Object.entries((p.spec?.podSelector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => labelKey(k, v));
    for (const d of new Set(policyTypes(p))) {
      const scope = `${p.metadata.namespace}\u0000${d}`;
      const list = scopes.get(scope);
      if (list === undefined) scopes.set(scope, [[i, p, entries]]);
      else list.push([i, p, entries]);
      for (const e of entries) shared.set(`${scope}\u0000${e}`, (shared.get(`${scope}\u0000${e}`) ?? 0) + 1);
    }
  });
  const indexes = new Map<string, SelectorIndex>();
  for (const [scope, list] of scopes) {
    const any: Array<readonly [number, KObject]> = [];
    const byLabel = new Map<string, Array<readonly [number, KObject]>>();
    for (const [i, p, entries] of list) {
      if (entries.length === 0) {
        any.push([i, p]);
        continue;
      }
      const rarest = entries.reduce((a, b) => (shared.get(`${scope}\u0000${b}`)! < shared.get(`${scope}\u0000${a}`)! ? b : a));
      const bucket = byLabel.get(rarest);
      if (bucket === undefined) byLabel.set(rarest, [[i, p]]);
      else bucket.push([i, p]);
    }
    indexes.set(scope, { any, byLabel });
  }
  return indexes;
}

function indexOf(policies: readonly KObject[], namespace: string, direction: Direction): SelectorIndex | undefined {
  let byScope = INDEXES.get(policies);
  if (byScope === undefined) INDEXES.set(policies, (byScope = buildIndex(policies)));
  return byScope.get(`${namespace}\u0000${direction}`);
}

/**
 * The NetworkPolicies of `namespace` that select pods labelled `labels` for
 * `direction`, in their order in `policies`. Looked up in an index built
 * once per `policies` array, so checking every object of a large platform
 * stays linear in its policies.
 */
export function isolatingPolicies(policies: readonly KObject[], namespace: string, labels: Readonly<Record<string, string>>, direction: Direction): KObject[] {
  const index = indexOf(policies, namespace, direction);
  if (index === undefined) return [];
  const candidates = [...index.any];
  for (const [k, v] of Object.entries(labels)) for (const c of index.byLabel.get(labelKey(k, v)) ?? []) candidates.push(c);
  return candidates
    .filter(([, p]) => selects(p.spec?.podSelector, labels))
    .sort((a, b) => a[0] - b[0])
    .map(([, p]) => p);
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

/** One way an isolating policy may allow a flow: one of its rules, and one peer of that rule (none: the rule allows every peer). */
interface Allow {
  readonly rule: Record<string, any>;
  readonly peer?: Record<string, any>;
}

/**
 * The policies isolating one set of pods for one direction, and their
 * allows indexed by one `matchLabels` entry of the peer's pod selector (the
 * one fewest peers share: a peer selects a pod only if it has each entry);
 * `any` holds the allows whose peer has no pod `matchLabels` (every peer,
 * namespaces, addresses).
 */
interface AllowIndex {
  readonly isolating: readonly KObject[];
  readonly any: readonly Allow[];
  readonly byLabel: ReadonlyMap<string, readonly Allow[]>;
}

/** Allow indexes per policy list and isolated pods (namespace, direction, labels): the flows of one pod are checked against one index. */
const ALLOWS = new WeakMap<readonly KObject[], Map<string, AllowIndex>>();

function allowIndex(policies: readonly KObject[], namespace: string, podLabels: Readonly<Record<string, string>>, direction: Direction): AllowIndex {
  let cache = ALLOWS.get(policies);
  if (cache === undefined) ALLOWS.set(policies, (cache = new Map()));
  const key = `${namespace}\u0000${direction}\u0000${JSON.stringify(Object.entries(podLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const isolating = isolatingPolicies(policies, namespace, podLabels, direction);
  const rulesKey = direction === 'Egress' ? 'egress' : 'ingress';
  const peersKey = direction === 'Egress' ? 'to' : 'from';
  const allows: Array<{ readonly allow: Allow; readonly entries: readonly string[] }> = [];
  const shared = new Map<string, number>();
  for (const p of isolating) {
    for (const rule of (p.spec?.[rulesKey] ?? []) as Array<Record<string, any>>) {
      const peers = rule[peersKey] as Array<Record<string, any>> | undefined;
      if (!peers || peers.length === 0) {
        allows.push({ allow: { rule }, entries: [] });
        continue;
      }
      for (const peer of peers) {
        const entries = peer.ipBlock ? [] : Object.entries((peer.podSelector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => labelKey(k, v));
        for (const e of entries) shared.set(e, (shared.get(e) ?? 0) + 1);
        allows.push({ allow: { rule, peer }, entries });
      }
    }
  }
  const any: Allow[] = [];
  const byLabel = new Map<string, Allow[]>();
  for (const { allow, entries } of allows) {
    if (entries.length === 0) {
      any.push(allow);
      continue;
    }
    const rarest = entries.reduce((a, b) => (shared.get(b)! < shared.get(a)! ? b : a));
    const bucket = byLabel.get(rarest);
    if (bucket === undefined) byLabel.set(rarest, [allow]);
    else bucket.push(allow);
  }
  const index = { isolating, any, byLabel };
  cache.set(key, index);
  return index;
}

/**
 * Why `flow` is blocked at the end `direction` names (the source's egress
 * or the destination's ingress): the policies that isolate that end while
 * none of them allows the flow; empty when that end lets it through (not
 * isolated, or allowed), and always empty for an address. The policies
 * isolating an end and their allow rules are indexed once per policy list
 * and end, so checking one flow per model stays linear in the models (a
 * gateway that every model's policy lets through is isolated by all of them).
 */
export function blockingPolicies(policies: readonly KObject[], flow: Flow, direction: Direction): KObject[] {
  const self = direction === 'Egress' ? flow.from : flow.to;
  const other = direction === 'Egress' ? flow.to : flow.from;
  if ('ip' in self) return [];
  const index = allowIndex(policies, self.namespace, self.podLabels, direction);
  if (index.isolating.length === 0) return [];
  const permits = (a: Allow): boolean => (a.peer === undefined || peerMatches(a.peer, self.namespace, other)) && portMatches(a.rule.ports, flow);
  // An address matches only peers without pod matchLabels; pods also those indexed under one of their labels.
  let allowed = index.any.some(permits);
  if (!allowed && !('ip' in other)) {
    for (const [k, v] of Object.entries(other.podLabels)) {
      if ((index.byLabel.get(labelKey(k, v)) ?? []).some(permits)) {
        allowed = true;
        break;
      }
    }
  }
  return allowed ? [] : [...index.isolating];
}
