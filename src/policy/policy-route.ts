import type { IRouteTarget } from '../core/policy-target';
import type { IGateway } from '../gateway/gateway';

/** A route an access policy protects. HttpRoute and GrpcRoute implement it. */
export interface IPolicyRoute extends IRouteTarget {
  /** `HTTPRoute` or `GRPCRoute`. */
  readonly routeKind: 'HTTPRoute' | 'GRPCRoute';
  /** `metadata.name`; also the model name tiers refer to. */
  readonly routeName: string;
  /** `metadata.namespace`. */
  readonly routeNamespace?: string;
  /** The gateways it attaches to. */
  readonly parentGateways: readonly IGateway[];
  /** Adds an annotation to the route object (used by engines that attach plugins by annotation). */
  addAnnotation(key: string, value: string): void;
}
