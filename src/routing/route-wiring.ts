import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { BackendReference, IBackend } from '../core/backend';
import { Namespace } from '../core/namespace';
import { policyId } from '../core/names';
import { NetworkPeer } from '../core/network-peer';
import { Platform } from '../core/platform';
import { IGateway } from '../gateway/gateway';
import { proxyFlowPeer } from '../gateway/proxy-flow-peer';
import { NetworkFlows } from '../core/flows';
import { ReferenceGrant } from './reference-grant';
import { applyLlmClientTraffic } from '../policy/envoy-gateway/llm-client-traffic';

/**
 * The plumbing a route needs beyond its own object, shared by HTTPRoute and
 * GRPCRoute: NetworkPolicies that let the gateway's proxy pods (and only
 * them) reach each backend's pods on their port, and ReferenceGrants for
 * backends in another namespace of the platform, and, for a streaming
 * backend behind Envoy Gateway, the Gateway's LLM client-traffic defaults
 * (`applyLlmClientTraffic`). Idempotent.
 */
export function wireRouteToBackend(route: IConstruct, routeKind: 'HTTPRoute' | 'GRPCRoute', gateway: IGateway, backend: IBackend): void {
  const ref = backend.backendRef;
  const routeNs = Chart.of(route).namespace;
  const backendNs = ref.namespace ?? routeNs;
  ref.onRoute?.(route, routeKind, gateway);
  if (ref.streaming === true && gateway.provider?.id === 'envoy-gateway') {
    applyLlmClientTraffic(findPlatformNamespace(route, gateway.gatewayNamespace ?? routeNs ?? ''), gateway, (topic, text) => Platform.tryOf(route)?.addSetupNote(topic, text));
  }

  if (ref.namespace !== undefined && ref.namespace !== routeNs && routeNs !== undefined) {
    const target = findPlatformNamespace(route, ref.namespace);
    if (target) grantFor(target, routeKind, routeNs, ref);
  }

  const dp = gateway.dataPlane;
  if (!dp || !ref.pods || backendNs === undefined) return;
  NetworkFlows.declare(route, {
    from: proxyFlowPeer(gateway.gatewayName, dp),
    to: { namespace: backendNs, labels: ref.pods.labels ?? ref.pods.selector, what: `the pods of backend ${ref.kind ?? 'Service'} ${ref.name}` },
    port: ref.pods.port,
    purpose: `requests the ${routeKind} sends to ${ref.name}`,
  });
  const backendChart = findPlatformNamespace(route, backendNs);
  if (backendChart) {
    backendChart.allowIngress(policyId(`${gateway.gatewayName}-to-${ref.name}`), {
      pods: ref.pods.selector,
      peers: [NetworkPeer.pods(dp.namespace, dp.selector)],
      ports: [{ port: ref.pods.port }],
    });
  }
  const gatewayChart = findPlatformNamespace(route, dp.namespace);
  if (gatewayChart) {
    gatewayChart.allowEgress(policyId(`${gateway.gatewayName}-to-${backendNs}-${ref.name}`), {
      pods: dp.selector,
      peers: [NetworkPeer.pods(backendNs, ref.pods.selector)],
      ports: [{ port: ref.pods.port }],
    });
  }
}

function grantFor(target: Namespace, routeKind: string, routeNs: string, ref: BackendReference): void {
  const id = `grant-${routeKind.toLowerCase()}-${routeNs}-${ref.name}`;
  if (target.node.tryFindChild(id)) return;
  new ReferenceGrant(target, id, {
    name: policyId(`${routeKind.toLowerCase()}-from-${routeNs}-to-${ref.name}`),
    from: [{ kind: routeKind, namespace: routeNs }],
    to: [{ group: ref.group ?? '', kind: ref.kind ?? 'Service', name: ref.name }],
  });
}

/** The platform's Namespace chart called `name`, if the construct is in a platform that defines it. */
export function findPlatformNamespace(c: IConstruct, name: string): Namespace | undefined {
  let platform: Platform | undefined;
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (Platform.isPlatform(s)) platform = s;
  }
  return platform?.node.children.find((x): x is Namespace => Namespace.isNamespace(x) && x.name === name);
}

