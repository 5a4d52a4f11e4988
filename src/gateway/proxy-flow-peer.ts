import type { FlowPeer } from '../core/flows';
import type { DataPlanePods } from './gateway-provider';

/** The proxy pods of Gateway `gatewayName` as a flow end, with the labels their controller puts on them. */
export function proxyFlowPeer(gatewayName: string, dataPlane: DataPlanePods): FlowPeer {
  return { namespace: dataPlane.namespace, labels: dataPlane.labels ?? dataPlane.selector, what: `the proxy pods of Gateway ${gatewayName}` };
}
