import { k8s } from 'cdk8s-plus-28';
import { sortRecord } from './sort-keys';
import { checkedRecord } from './records';

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

  /** Every pod of the namespace `name`. */
  public static namespace(name: string): NetworkPeer {
    return new NetworkPeer(`namespace ${name}`, [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } }]);
  }

  /** The pods matching `selector` in the namespace `namespace`. */
  public static pods(namespace: string, selector: Record<string, string>): NetworkPeer {
    const labels = checkedRecord('NetworkPeer.pods', 'selector', selector);
    return new NetworkPeer(`pods ${JSON.stringify(labels)} in ${namespace}`, [
      { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } }, podSelector: { matchLabels: sortRecord(labels) } },
    ]);
  }

  /** An address block, optionally with exceptions (e.g. the cluster's pod CIDR). */
  public static cidr(cidr: string, except?: readonly string[]): NetworkPeer {
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
