import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../../src/core/secret-ref';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { HttpListenerPolicy } from '../../../src/policy/kgateway/http-listener-policy';
import { findObject, setup, synthObjects } from '../../util';
import { validationIssues } from './fixture';

function gatewayIn(namespaces = ['edge']) {
  const s = setup(namespaces);
  const gateway = new Gateway(s.ns.edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('c')] })] });
  return { ...s, gateway };
}

describe('HttpListenerPolicy', () => {
  it('removes client-sent headers before any filter and sets the trusted hops', () => {
    const { app, ns, gateway } = gatewayIn();
    const p = new HttpListenerPolicy(ns.edge, 'strip', { gateways: [gateway], removeEarlyRequestHeaders: ['X-User-Id'], xffNumTrustedHops: 1 });
    p.removeEarlyRequestHeaders('x-user-tier', 'x-user-id');
    expect(p.removedEarlyRequestHeaders).toEqual(['x-user-id', 'x-user-tier']);
    const objects = synthObjects(app);
    const obj = findObject(objects, 'HTTPListenerPolicy', 'strip', 'edge');
    expect(obj.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }],
      earlyRequestHeaderModifier: { remove: ['x-user-id', 'x-user-tier'] },
      xffNumTrustedHops: 1,
    });
    expect(validationIssues(objects)).toEqual([]);
    expect(obj).toMatchSnapshot();
  });

  describe('fails when', () => {
    it('the Gateway is in another namespace', () => {
      const { ns, gateway } = gatewayIn(['edge', 'other']);
      expect(() => new HttpListenerPolicy(ns.other, 'x', { gateways: [gateway] })).toThrow(/test\/other\/x: targetRefs points at Gateway 'gw' in namespace 'edge', but the policy must be in the Gateway's namespace/);
    });

    it('a header name is invalid or there are more than 16', () => {
      const { ns, gateway } = gatewayIn();
      expect(() => new HttpListenerPolicy(ns.edge, 'x', { gateways: [gateway], removeEarlyRequestHeaders: ['bad header'] })).toThrow(/earlyRequestHeaderModifier\.remove contains an invalid header name \(received: "bad header"\)/);
      const p = new HttpListenerPolicy(ns.edge, 'y', { gateways: [gateway] });
      expect(() => p.removeEarlyRequestHeaders(...Array.from({ length: 17 }, (_, i) => `x-h${i}`))).toThrow(/can hold at most 16 headers \(received: 17\)/);
    });

    it('no Gateway is targeted', () => {
      const { ns } = gatewayIn();
      expect(() => new HttpListenerPolicy(ns.edge, 'x', { gateways: [] })).toThrow(/targetRefs must list 1 to 16 Gateways \(received: 0\)/);
    });
  });
});
