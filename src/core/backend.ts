import { IConstruct } from 'constructs';
import type { IGateway } from '../gateway/gateway';

/**
 * Something an HTTPRoute (or GRPCRoute) can send traffic to: a Service, an
 * InferenceService's predictor, an imported backend.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#backendref
 */
export interface IBackend {
  /** What the route's `backendRefs[]` entry points at. */
  readonly backendRef: BackendReference;
}

/**
 * A `backendRefs[]` target: `group`/`kind` default to the core Service.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#backendobjectreference
 */
export interface BackendReference {
  /** `name` of the referenced object. */
  readonly name: string;
  /** `namespace`; a reference across namespaces needs a ReferenceGrant in the target namespace. @default - the route's namespace */
  readonly namespace?: string;
  /** `port` on the Service (required for Services). */
  readonly port?: number;
  /** API group. @default '' (core) */
  readonly group?: string;
  /** Kind. @default 'Service' */
  readonly kind?: string;
  /** The construct that owns the backend, when it is ours (used to wire NetworkPolicies and checks). */
  readonly owner?: IConstruct;
  /**
   * Labels of the pods behind the backend and the port they listen on, when
   * known: lets the library open exactly that port to the gateway in a NetworkPolicy.
   */
  readonly pods?: {
    readonly selector: Record<string, string>;
    readonly port: number;
    /** Every label the pods carry (a superset of `selector`; for pods a controller makes, what it labels them with): the destination of the gateway's declared flow (rule SEC-N07). @default - the selector */
    readonly labels?: Record<string, string>;
  };
  /**
   * The one application protocol the backend serves, when known (an
   * InferenceService predictor: `gRPC` for the grpc-v1/grpc-v2 protocols,
   * `HTTP` otherwise). A route refuses a backend that cannot carry its own
   * protocol: an HTTPRoute to a `gRPC` backend, a GRPCRoute to an `HTTP` one.
   * @default - unknown: not checked
   */
  readonly protocol?: 'HTTP' | 'gRPC';
  /**
   * The backend answers with long streamed responses (an LLM's server-sent
   * events: OpenAI-compatible runtimes, InferencePools, LLMInferenceServices).
   * A route to it refuses a whole-request timeout that would cut the streams
   * (`checkStreamTimeouts`).
   * @default false
   */
  readonly streaming?: boolean;
  /**
   * Called by a route for each Gateway whose traffic it sends to this
   * backend (possibly more than once for the same Gateway): lets a backend
   * that needs more than a NetworkPolicy to the pods (an InferencePool and
   * its endpoint picker) open its own flows, or refuse a gateway that cannot
   * route to it.
   * @default - nothing
   */
  readonly onRoute?: (route: IConstruct, routeKind: 'HTTPRoute' | 'GRPCRoute', gateway: IGateway) => void;
}

/** Plain Services (or any backend object) referenced by name. */
export class Backend {
  /**
   * A core Service by name and port.
   *
   * @param name Service name (DNS-1123 label)
   * @param port Service port, 1-65535
   * @param options `namespace` for a cross-namespace reference (needs a ReferenceGrant)
   */
  public static service(name: string, port: number, options: { readonly namespace?: string } = {}): IBackend {
    return { backendRef: { name, port, namespace: options.namespace } };
  }

  /**
   * Any backend object by group and kind (e.g. a kgateway `Backend` or an
   * InferencePool).
   */
  public static ref(ref: BackendReference): IBackend {
    return { backendRef: ref };
  }

  private constructor() {}
}
