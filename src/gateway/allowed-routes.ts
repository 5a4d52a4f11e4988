import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { invalid } from '../core/errors';
import { Namespace } from '../core/namespace';
import { NAMESPACE_NAME_LABEL } from '../core/network-peer';
import { sortRecord } from '../core/sort-keys';
import { checkedRecord } from '../core/records';

/**
 * Route kinds a listener accepts: the Gateway API's, and agentgateway's
 * `AgentgatewayModel` (group `agentgateway.dev`), which attaches to a
 * listener only when its `allowedRoutes.kinds` names it.
 */
export type RouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'TCPRoute' | 'UDPRoute' | 'AgentgatewayModel';

/** The API group of route kinds outside the Gateway API. */
const ROUTE_KIND_GROUPS: Partial<Record<RouteKind, string>> = { AgentgatewayModel: 'agentgateway.dev' };

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
   * Routes from these namespaces, selected by the `kubernetes.io/metadata.name`
   * label Kubernetes sets on every Namespace. A namespace managed elsewhere
   * is a `Namespace.fromName(platform, id, name)` (or `new Namespace(platform, id, { external: true })`).
   *
   * @param namespaces the Namespace constructs whose routes may attach (names deduplicated and sorted)
   * @throws ModelServingError when an entry is not a Namespace construct (a name string, for instance)
   */
  public static fromNamespaces(namespaces: readonly Namespace[], options: { readonly kinds?: readonly RouteKind[] } = {}): AllowedRoutes {
    if (!Array.isArray(namespaces)) {
      invalid('AllowedRoutes.fromNamespaces', 'namespaces', 'must be a list of Namespace constructs', namespaces, 'pass the Namespaces whose routes may attach: AllowedRoutes.fromNamespaces([models])');
    }
    namespaces.forEach((n, i) => {
      if (!Namespace.isNamespace(n)) {
        invalid(
          'AllowedRoutes.fromNamespaces',
          `namespaces[${i}]`,
          'must be a Namespace construct, not a name',
          n,
          "pass the Namespace construct: AllowedRoutes.fromNamespaces([models]); for a namespace managed elsewhere, Namespace.fromName(platform, 'models', 'models')",
        );
      }
    });
    const sorted = [...new Set(namespaces.map((n) => n.name))].sort();
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

  /** True when routes of `kind` may attach (no `kinds` list: the listener's protocol decides, which admits Gateway API routes only). */
  public admitsKind(kind: RouteKind): boolean {
    const kinds = this.spec.kinds;
    if (kinds === undefined) return ROUTE_KIND_GROUPS[kind] === undefined;
    return kinds.some((k) => k.kind === kind && (k.group ?? 'gateway.networking.k8s.io') === (ROUTE_KIND_GROUPS[kind] ?? 'gateway.networking.k8s.io'));
  }

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
  return kinds?.map((kind) => (ROUTE_KIND_GROUPS[kind] ? { group: ROUTE_KIND_GROUPS[kind], kind } : { kind }));
}
