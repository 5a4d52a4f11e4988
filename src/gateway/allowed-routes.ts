import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { NAMESPACE_NAME_LABEL } from '../core/network-peer';
import { sortRecord } from '../core/sort-keys';
import { checkedRecord } from '../core/records';

/** Route kinds a listener accepts. */
export type RouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'TCPRoute' | 'UDPRoute';

/**
 * Which namespaces may attach routes to a listener (`listeners[].allowedRoutes`).
 *
 * Prefer {@link sameNamespace} or {@link fromNamespaces}: `All` lets any
 * namespace of the cluster publish routes on the gateway, and the library's
 * security rules reject it unless waived.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#allowedroutes
 */
export class AllowedRoutes {
  /** Routes from the Gateway's own namespace only (`from: Same`, the upstream default). */
  public static sameNamespace(options: { readonly kinds?: readonly RouteKind[] } = {}): AllowedRoutes {
    return new AllowedRoutes({ namespaces: { from: gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME }, kinds: renderKinds(options.kinds) });
  }

  /**
   * Routes from the named namespaces, selected by the `kubernetes.io/metadata.name`
   * label Kubernetes sets on every Namespace.
   */
  public static fromNamespaces(names: readonly string[], options: { readonly kinds?: readonly RouteKind[] } = {}): AllowedRoutes {
    const sorted = [...new Set(names)].sort();
    const selector =
      sorted.length === 1
        ? { matchLabels: { [NAMESPACE_NAME_LABEL]: sorted[0] } }
        : { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: sorted }] };
    return new AllowedRoutes({ namespaces: { from: gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR, selector }, kinds: renderKinds(options.kinds) }, sorted);
  }

  /**
   * Routes from namespaces whose labels match `matchLabels`.
   *
   * @throws ModelServingError for a key of `FORBIDDEN_RECORD_KEYS` (an empty selector is refused by the Gateway)
   */
  public static fromSelector(matchLabels: Record<string, string>, options: { readonly kinds?: readonly RouteKind[] } = {}): AllowedRoutes {
    const labels = checkedRecord('AllowedRoutes.fromSelector', 'matchLabels', matchLabels);
    return new AllowedRoutes({ namespaces: { from: gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR, selector: { matchLabels: sortRecord(labels) } }, kinds: renderKinds(options.kinds) });
  }

  /** Routes from every namespace (`from: All`); rejected by the security rules unless waived. */
  public static allNamespaces(options: { readonly kinds?: readonly RouteKind[] } = {}): AllowedRoutes {
    return new AllowedRoutes({ namespaces: { from: gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.ALL }, kinds: renderKinds(options.kinds) });
  }

  private constructor(
    /** The rendered `allowedRoutes`. */
    public readonly spec: gw.GatewaySpecListenersAllowedRoutes,
    /** The namespaces named by {@link fromNamespaces}, when that was used. */
    public readonly namespaceNames?: readonly string[],
  ) {}

  /** True when a route in `routeNamespace` may attach, given the Gateway's namespace (unknown for label selectors). */
  public admits(routeNamespace: string | undefined, gatewayNamespace: string | undefined): boolean | undefined {
    switch (this.spec.namespaces?.from) {
      case gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.ALL:
        return true;
      case gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME:
        return routeNamespace === gatewayNamespace;
      default:
        return this.namespaceNames ? routeNamespace !== undefined && this.namespaceNames.includes(routeNamespace) : undefined;
    }
  }
}

function renderKinds(kinds: readonly RouteKind[] | undefined): gw.GatewaySpecListenersAllowedRoutesKinds[] | undefined {
  return kinds?.map((kind) => ({ kind }));
}
