import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { SecurityWaivers } from '../security/waivers';
import { assertAnnotations, assertDnsLabel, assertLabels, policyId } from './names';
import { assertPort } from './port';
import { assertKnownKeys, assertOneOf, keysOf } from './props';
import { retainOnRemoval } from './retain';
import { NetworkPeer, NetworkPort } from './network-peer';
import { checkProps } from './prop-types';
import { Platform } from './platform';
import { checkedRecord } from './records';

/** Pod Security Standards levels. @see https://kubernetes.io/docs/concepts/security/pod-security-standards/ */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** Every {@link PodSecurityLevel}: the values Pod Security admission reads in its namespace labels. */
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];

/**
 * The Pod Security admission level of a Namespace: `restricted` unless a
 * documented waiver lowers it.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export class PodSecurity {
  /** `restricted` for enforce, warn and audit (the default). */
  public static readonly RESTRICTED = new PodSecurity('restricted');

  /**
   * Lowers `enforce` to `level` for a stated reason (e.g. a GPU runtime that
   * needs host devices). `warn` and `audit` stay `restricted`, so every
   * violation is still reported. The reason is listed in the platform README.
   *
   * @param reason why the workload cannot run restricted (at least 10 characters)
   */
  public static waived(level: 'baseline' | 'privileged', reason: string): PodSecurity {
    return new PodSecurity(level, reason);
  }

  private constructor(
    /** The `enforce` level. */
    public readonly enforce: PodSecurityLevel,
    /** Why `enforce` is lower than `restricted`, when it is. */
    public readonly waiverReason?: string,
  ) {}
}

/** Props of {@link Namespace}. */
export interface NamespaceProps {
  /** Namespace name (DNS-1123 label). @default - the construct id */
  readonly name?: string;
  /** Extra labels on the Namespace object (e.g. `istio-injection: enabled`). @default - none */
  readonly labels?: Record<string, string>;
  /** Annotations on the Namespace object. @default - none */
  readonly annotations?: Record<string, string>;
  /** Pod Security admission labels. @default PodSecurity.RESTRICTED */
  readonly podSecurity?: PodSecurity;
  /**
   * Emit a `default-deny` NetworkPolicy (all ingress and egress denied) plus an
   * `allow-dns` egress rule, so only explicit allows let traffic through.
   * Turning it off is a security waiver: give the reason in `defaultDenyWaiver`.
   *
   * @default true
   */
  readonly defaultDeny?: boolean;
  /** Why the namespace has no default-deny NetworkPolicy; required when `defaultDeny` is false. @default - none */
  readonly defaultDenyWaiver?: string;
  /**
   * The namespace exists already and is managed elsewhere (e.g. `argocd`):
   * no Namespace object and no NetworkPolicies are emitted, only the
   * objects created in it.
   * @default false
   */
  readonly external?: boolean;
  /**
   * Keep the Namespace when the platform's Application is deleted or stops
   * declaring it (see `retainOnRemoval`): for a namespace an installation
   * shares, such as a controller's install namespace. The reason is listed
   * in the platform README.
   * @default - removed with the platform
   */
  readonly retainOnRemoval?: string;
}

/** Options of {@link Namespace.allowIngress} and {@link Namespace.allowEgress}. */
export interface NetworkRuleOptions {
  /** The pods of this namespace the rule applies to (`podSelector.matchLabels`). @default - every pod of the namespace */
  readonly pods?: Record<string, string>;
  /**
   * The peers allowed (sources for ingress, destinations for egress); at
   * least one. An empty list is refused: Kubernetes reads `from: []`/`to: []`
   * as allow-all, so pass `[NetworkPeer.anywhere()]` when that is meant.
   */
  readonly peers: readonly NetworkPeer[];
  /** The ports opened. @default - every port */
  readonly ports?: readonly NetworkPort[];
}

/**
 * A Kubernetes Namespace, and the cdk8s Chart in which everything of that
 * namespace is created: objects defined inside it get `metadata.namespace`.
 *
 * Secure by default: Pod Security admission `restricted` (enforce, warn,
 * audit) and a default-deny NetworkPolicy with DNS allowed; other traffic
 * needs an explicit {@link allowIngress}/{@link allowEgress} (the library adds
 * the ones routes need, gateway to model pods, automatically).
 *
 * Emits `Namespace/<name>` (cluster-scoped, in the Platform chart) and, in
 * the namespace, `NetworkPolicy/default-deny` and `NetworkPolicy/allow-dns`.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
 */
export class Namespace extends Chart {
  /** True when `x` is a Namespace chart. */
  public static isNamespace(x: unknown): x is Namespace {
    return typeof x === 'object' && x !== null && NAMESPACE_SYMBOL in x;
  }

  /**
   * A namespace that exists already and is managed elsewhere (e.g. a
   * controller's install namespace): the same as `new Namespace(scope, id,
   * { name, external: true })`. No Namespace object and no NetworkPolicies
   * are emitted; objects created in it get `metadata.namespace: name`, and it
   * can be named wherever a Namespace is expected (`AllowedRoutes.fromNamespaces`).
   *
   * @param name the namespace name (DNS-1123 label)
   * @throws ModelServingError when `name` is not a DNS-1123 label, or is `default` or `kube-*`
   */
  public static fromName(scope: Platform, id: string, name: string): Namespace {
    return new Namespace(scope, id, { name, external: true });
  }

  /**
   * The Namespace chart a construct is in.
   *
   * @throws ModelServingError when the construct is not inside a Namespace
   */
  public static override of(c: IConstruct): Namespace {
    for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
      if (Namespace.isNamespace(s)) return s;
    }
    return invalid(c, 'scope', 'must be inside a Namespace', c.node.path, 'create namespaced constructs inside a Namespace: new Namespace(platform, "ml-models")');
  }

  /** The namespace name. */
  public readonly name: string;
  /** The Pod Security admission setting. */
  public readonly podSecurity: PodSecurity;
  /** The platform this namespace belongs to. */
  public readonly platform: Platform;
  private readonly policies = new Map<string, string>();
  /** True when the namespace has `default-deny` and the namespace-wide `allow-dns`. */
  private readonly defaultDeny: boolean;
  private readonly namespaceObject?: k8s.KubeNamespace;
  /** True when the namespace is managed elsewhere (no Namespace object emitted). */
  public readonly external: boolean;

  public constructor(scope: Platform, id: string, props: NamespaceProps = {}) {
    checkProps(`${scope.node.path}/${id}`, props, 'NamespaceProps');
    const name = props.name ?? id;
    assertDnsLabel(`${scope.node.path}/${id}`, 'name', name);
    super(scope, id, { namespace: name, labels: { ...scope.platformLabels }, disableResourceNameHashes: true });
    Object.defineProperty(this, NAMESPACE_SYMBOL, { value: true });
    this.name = name;
    this.platform = scope;
    this.podSecurity = props.podSecurity ?? PodSecurity.RESTRICTED;
    // Pod Security admission refuses to create pods in a namespace whose level label it cannot parse
    // (k8s.io/pod-security-admission/api: ParseLevel), so a level outside the set would block every pod.
    assertOneOf(this, 'podSecurity.enforce', this.podSecurity?.enforce, POD_SECURITY_LEVELS, "use PodSecurity.RESTRICTED, or PodSecurity.waived('baseline' | 'privileged', reason)");
    if (this.podSecurity.waiverReason !== undefined && this.podSecurity.waiverReason.trim().length < 10) {
      invalid(this, 'podSecurity', 'waiver needs a reason of at least 10 characters', this.podSecurity.waiverReason, 'say why the workload cannot run under the restricted profile');
    }
    if (name === 'default' || name.startsWith('kube-')) {
      invalid(this, 'name', 'is reserved for the cluster', name, 'use a dedicated namespace for platform workloads');
    }
    assertLabels(this, 'labels', props.labels);
    assertAnnotations(this, 'annotations', props.annotations);
    this.external = props.external ?? false;
    this.defaultDeny = !this.external && (props.defaultDeny ?? true);
    if (this.external) return;

    // The Namespace object is cluster-scoped: it lives in the Platform chart, which has no namespace.
    this.namespaceObject = new k8s.KubeNamespace(scope, `${id}-namespace`, {
      metadata: {
        name,
        labels: {
          ...(checkedRecord(this, 'labels', props.labels) ?? {}),
          'pod-security.kubernetes.io/enforce': this.podSecurity.enforce,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
        annotations: checkedRecord(this, 'annotations', props.annotations),
      },
    });

    if (this.podSecurity.waiverReason !== undefined) SecurityWaivers.waive(this.namespaceObject, 'SEC-W13', this.podSecurity.waiverReason);
    if (props.retainOnRemoval !== undefined) retainOnRemoval(this.namespaceObject, props.retainOnRemoval);
    if (this.defaultDeny) {
      this.policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      this.allowEgress('dns', { peers: [CLUSTER_DNS], ports: DNS_PORTS });
    } else if (!props.defaultDenyWaiver || props.defaultDenyWaiver.trim().length < 10) {
      invalid(this, 'defaultDenyWaiver', 'is required when defaultDeny is false', props.defaultDenyWaiver, 'keep defaultDeny on, or state why this namespace cannot deny traffic by default');
    } else {
      SecurityWaivers.waive(this.namespaceObject, 'SEC-N01', props.defaultDenyWaiver);
    }
  }

  /** True when the namespace denies traffic by default (its `default-deny` NetworkPolicy isolates every pod of it). */
  public get deniesByDefault(): boolean {
    return this.defaultDeny;
  }

  /** The value of a label of the Namespace object, or undefined (always for an external namespace). */
  public label(key: string): string | undefined {
    return this.namespaceObject?.metadata.getLabel(key);
  }

  /**
   * Adds a label to the Namespace object (e.g. `istio-injection: enabled`).
   * The Pod Security labels cannot be changed this way.
   *
   * @throws ModelServingError for a pod-security label
   */
  public addLabel(key: string, value: string): void {
    checkedRecord(this, 'labels', { [key]: value });
    if (key.startsWith('pod-security.kubernetes.io/')) invalid(this, `labels.${key}`, 'is managed by the podSecurity prop', value, 'pass podSecurity: PodSecurity.waived(...) instead');
    if (!this.namespaceObject) invalid(this, `labels.${key}`, 'cannot be set on an external namespace', value, 'label the namespace where it is managed');
    assertLabels(this, 'labels', { [key]: value });
    this.namespaceObject.metadata.addLabel(key, value);
  }

  /**
   * Allows ingress to this namespace's pods: emits `NetworkPolicy/allow-<id>`.
   * Calling it again with the same id and the same rule returns the existing
   * policy name; a different rule under the same id throws.
   *
   * @throws ModelServingError for an empty `peers` list (Kubernetes reads `from: []` as every source)
   * @returns the NetworkPolicy name
   */
  public allowIngress(id: string, options: NetworkRuleOptions): string {
    this.assertPeers(id, 'ingress', options);
    return this.policy(`allow-${id}`, {
      podSelector: { matchLabels: checkedRecord(this, `allow-${id}.pods`, options.pods) },
      policyTypes: ['Ingress'],
      ingress: [{ from: options.peers.flatMap((p) => p.peers), ports: renderPorts(options.ports) }],
    });
  }

  /**
   * Allows egress from this namespace's pods: emits `NetworkPolicy/allow-<id>`.
   * Same keying rules as {@link allowIngress}.
   *
   * @throws ModelServingError for an empty `peers` list (Kubernetes reads `to: []` as every destination)
   * @returns the NetworkPolicy name
   */
  public allowEgress(id: string, options: NetworkRuleOptions): string {
    this.assertPeers(id, 'egress', options);
    const name = this.policy(`allow-${id}`, {
      podSelector: { matchLabels: checkedRecord(this, `allow-${id}.pods`, options.pods) },
      policyTypes: ['Egress'],
      egress: [{ to: options.peers.flatMap((p) => p.peers), ports: renderPorts(options.ports) }],
    });
    // An egress rule isolates the pods it selects for egress: all they may
    // reach is what the rules selecting them allow. With a default deny the
    // namespace-wide allow-dns covers name resolution; without one, the
    // selected pods get DNS from a rule of their own, or every name they
    // resolve (a strict_dns xDS cluster, a model store) fails.
    const pods = checkedRecord(this, `allow-${id}.pods`, options.pods);
    if (!this.defaultDeny && pods && Object.keys(pods).length > 0) {
      // Named after the whole selector (keys and values), so two selectors never share a name.
      const selector = Object.entries(pods).sort(([a], [b]) => (a < b ? -1 : 1));
      this.policy(`allow-dns-${policyId(selector.map(([k, v]) => `${k}-${v}`).join('-'), 53)}`, {
        podSelector: { matchLabels: pods },
        policyTypes: ['Egress'],
        egress: [{ to: [...CLUSTER_DNS.peers], ports: renderPorts(DNS_PORTS) }],
      });
    }
    return name;
  }

  /**
   * An allow rule must name its peers: Kubernetes reads an empty (or
   * missing) `from`/`to` list as "every source/destination", so `peers: []`
   * would silently open the namespace instead of allowing nothing.
   */
  private assertPeers(id: string, direction: 'ingress' | 'egress', options: NetworkRuleOptions): void {
    const at = `NetworkPolicy/allow-${id}`;
    assertKnownKeys(this, at, options, keysOf<NetworkRuleOptions>({ pods: true, peers: true, ports: true }));
    if (options?.pods !== undefined) checkedRecord(this, `allow-${id}.pods`, options.pods); // reserved keys first: the more exact message
    assertLabels(this, `${at}.pods`, options?.pods);
    options?.ports?.forEach((p, i) => {
      assertKnownKeys(this, `${at}.ports[${i}]`, p, keysOf<NetworkPort>({ port: true, protocol: true }));
      assertPort(this, `${at}.ports[${i}].port`, p.port, 'use the port the pods listen on, e.g. 8080');
      if (p.protocol !== undefined) assertOneOf(this, `${at}.ports[${i}].protocol`, p.protocol, ['TCP', 'UDP', 'SCTP']);
    });
    const peers: unknown = options?.peers;
    if (!Array.isArray(peers) || peers.length === 0) {
      const list = direction === 'ingress' ? 'from' : 'to';
      invalid(
        this,
        `NetworkPolicy/allow-${id}.peers`,
        `must list at least one peer: an empty list renders '${direction}[].${list}: []', which Kubernetes reads as allow-all`,
        peers,
        'list the pods, namespaces or address blocks allowed (NetworkPeer.pods/namespace/cidr); pass [NetworkPeer.anywhere()] explicitly if every address is really meant',
      );
    }
  }

  private policy(name: string, spec: k8s.NetworkPolicySpec): string {
    assertDnsLabel(this, 'NetworkPolicy name', name);
    if (this.external) return name; // managed elsewhere: its network policies are not ours to emit
    const key = JSON.stringify(spec);
    const existing = this.policies.get(name);
    if (existing !== undefined) {
      if (existing !== key) {
        invalid(this, `NetworkPolicy/${name}`, 'is already defined with a different rule', name, 'use a distinct id for each allow rule');
      }
      return name;
    }
    this.policies.set(name, key);
    new k8s.KubeNetworkPolicy(this, `netpol-${name}`, { metadata: { name }, spec });
    return name;
  }
}

/** The cluster DNS pods (CoreDNS or kube-dns keep the `k8s-app: kube-dns` label). */
const CLUSTER_DNS = NetworkPeer.pods('kube-system', { 'k8s-app': 'kube-dns' });
const DNS_PORTS: readonly NetworkPort[] = [
  { port: 53, protocol: 'UDP' },
  { port: 53, protocol: 'TCP' },
];

function renderPorts(ports: readonly NetworkPort[] | undefined): k8s.NetworkPolicyPort[] | undefined {
  return ports?.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol ?? 'TCP' }));
}

const NAMESPACE_SYMBOL = Symbol.for('cdk8s-model-serving.Namespace');
