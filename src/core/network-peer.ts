import { k8s } from 'cdk8s-plus-34';
import { cidrContains, isCidr } from './cidr';
import { invalid } from './errors';
import { assertDnsLabel, assertLabels } from './names';
import { sortRecord } from './sort-keys';
import { checkedRecord } from './records';

const WHERE = 'NetworkPeer';

/** Well-known label Kubernetes sets on every Namespace to its own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The other side of a NetworkPolicy rule: pods, namespaces or address blocks.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class NetworkPeer {
  /** Any address, IPv4 and IPv6 (`ipBlock` 0.0.0.0/0 and ::/0). */
  public static anywhere(): NetworkPeer {
    return new NetworkPeer('anywhere', [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }]);
  }

  /**
   * Every pod of the namespace `name`.
   *
   * @throws ModelServingError when `name` is not a DNS-1123 label (it becomes a label value the selector must match exactly)
   */
  public static namespace(name: string): NetworkPeer {
    assertDnsLabel(`${WHERE}.namespace`, 'namespace', name);
    return new NetworkPeer(`namespace ${name}`, [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } }]);
  }

  /**
   * The pods matching `selector` in the namespace `namespace`.
   *
   * @throws ModelServingError for a namespace that is not a DNS-1123 label,
   *   or a selector key or value that is not a valid label (a value such as
   *   `*` is no wildcard: the apiserver refuses it in a NetworkPolicy)
   */
  public static pods(namespace: string, selector: Record<string, string>): NetworkPeer {
    assertDnsLabel(`${WHERE}.pods`, 'namespace', namespace);
    if (selector === undefined || selector === null) invalid(`${WHERE}.pods`, 'selector', 'is required: the labels of the peer pods', selector, "pass the pod labels, e.g. NetworkPeer.pods('models', { app: 'iris' })");
    const labels = checkedRecord(`${WHERE}.pods`, 'selector', selector);
    assertLabels(`${WHERE}.pods`, 'podSelector.matchLabels', labels);
    return new NetworkPeer(`pods ${JSON.stringify(labels)} in ${namespace}`, [
      { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } }, podSelector: { matchLabels: sortRecord(labels) } },
    ]);
  }

  /**
   * An address block, optionally with exceptions (e.g. the cluster's pod CIDR).
   *
   * @throws ModelServingError for a block that is not a CIDR, or an exception outside it
   */
  public static cidr(cidr: string, except?: readonly string[]): NetworkPeer {
    if (!isCidr(cidr)) invalid(`${WHERE}.cidr`, 'ipBlock.cidr', 'must be a CIDR block (address/prefix)', cidr, "use e.g. '10.0.0.0/8' or '192.168.1.10/32'");
    except?.forEach((e, i) => {
      if (!isCidr(e) || !cidrContains(cidr, e) || Number(e.split('/')[1]) === Number(cidr.split('/')[1])) invalid(`${WHERE}.cidr`, `ipBlock.except[${i}]`, `must be a CIDR block strictly inside ${cidr} (the apiserver refuses any other exception)`, e, `use a block inside ${cidr}`);
    });
    return new NetworkPeer(`cidr ${cidr}`, [{ ipBlock: { cidr, except: except ? [...except] : undefined } }]);
  }

  private constructor(
    /** A readable description, for reports. */
    public readonly description: string,
    /** The `from`/`to` entries this peer renders to. */
    public readonly peers: readonly k8s.NetworkPolicyPeer[],
  ) {}
}

/** A port a NetworkPolicy rule opens. */
export interface NetworkPort {
  /** Port number (1-65535). */
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}
