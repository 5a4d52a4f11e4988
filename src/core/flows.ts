import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * One end of a network flow a construct needs: pods, by namespace and the
 * labels the pods carry (for pods a controller creates, the labels that
 * controller puts on them at its pinned version, not a selector), or an
 * address outside the cluster.
 */
export type FlowPeer =
  | {
      /** The pods' namespace. */
      readonly namespace: string;
      /** Every label the pods are known to carry (a NetworkPolicy selecting any subset of them selects the pods). */
      readonly labels: Readonly<Record<string, string>>;
      /** What the pods are, for messages, e.g. `the proxy of Gateway kgateway-gateway`. */
      readonly what: string;
    }
  | {
      /** An address or CIDR block (`0.0.0.0/0`: any address, e.g. an object store on the internet). */
      readonly address: string;
      /** What is there, for messages, e.g. `the model store (gs://...)`. */
      readonly what: string;
    };

/** A connection a construct needs for its pods (or the pods a controller makes from its objects) to work. */
export interface DeclaredFlow {
  /** The client end. */
  readonly from: FlowPeer;
  /** The server end. */
  readonly to: FlowPeer;
  /** The destination port as the destination pods see it (the container port, after a Service's translation), 1-65535. */
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  /** Why the flow is needed, one phrase, e.g. `requests routed by HTTPRoute ml-models/sklearn-iris`. */
  readonly purpose: string;
}

const flows = new WeakMap<IConstruct, DeclaredFlow[]>();


function key(f: DeclaredFlow): string {
  const end = (p: FlowPeer) => ('address' in p ? p.address : `${p.namespace}/${JSON.stringify(Object.entries(p.labels).sort())}`);
  return `${end(f.from)} ${end(f.to)} ${f.port}/${f.protocol ?? 'TCP'}`;
}

/**
 * The network flows the objects of a platform need, declared by the
 * constructs that make them (a route: gateway proxy to backend pods; a
 * Gateway: proxy to its control plane; a monitor: Prometheus to the scraped
 * port; a model: its download). Synth checks each declared flow against the
 * platform's NetworkPolicies with Kubernetes semantics (rule `SEC-N07`) and
 * fails for a blocked one, naming source, destination, port and the
 * isolating policy. A flow is attached to the object that needs it, so it
 * is waived with that object (`SecurityWaivers.waive(object, 'SEC-N07', reason)`).
 */
export class NetworkFlows {
  /**
   * Declares that `target` (an ApiObject, or an L2 construct whose
   * `Resource` child is the object) needs `flow`. The same flow twice is
   * kept once.
   */
  public static declare(target: IConstruct, flow: DeclaredFlow): void {
    const list = flows.get(target) ?? [];
    if (!list.some((f) => key(f) === key(flow))) list.push(flow);
    flows.set(target, list);
  }

  /**
   * The flows declared for the object `obj`: on it, or on a construct
   * (not a chart) whose main object it is (its `Resource` child, else its
   * `Deployment` child, else its first ApiObject descendant).
   */
  public static of(obj: IConstruct): readonly DeclaredFlow[] {
    const own = [...(flows.get(obj) ?? [])];
    if (!(obj instanceof ApiObject)) return own;
    // Flows declared on an L2 construct (not a chart) belong to its main object, found among its descendants.
    for (let parent = obj.node.scope; parent && !(parent instanceof Chart); parent = parent.node.scope) {
      if (!flows.has(parent)) continue;
      const main = parent.node.tryFindChild('Resource') ?? parent.node.tryFindChild('Deployment') ?? parent.node.findAll().find((c) => c instanceof ApiObject);
      if (main === obj) own.push(...(flows.get(parent) ?? []));
    }
    return own;
  }

  /** Any address outside the cluster (an object store, an identity provider, a model hub on the internet). */
  public static internet(what: string): FlowPeer {
    return { address: '0.0.0.0/0', what };
  }

  private constructor() {}
}
