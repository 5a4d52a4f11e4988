import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../../src/core/secret-ref';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { DirectResponse } from '../../../src/policy/kgateway/direct-response';
import { HttpRoute } from '../../../src/routing/http-route';
import { PathMatch } from '../../../src/routing/match';
import { findObject, setup, synthObjects } from '../../util';

describe('DirectResponse', () => {
  it('answers a route without backends, referenced as an ExtensionRef filter', () => {
    const { app, ns } = setup(['edge']);
    const gateway = new Gateway(ns.edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('c')] })] });
    const ok = new DirectResponse(ns.edge, 'health-ok', { status: 200, body: 'ok' });
    new HttpRoute(ns.edge, 'health', { parents: [gateway], rules: [{ matches: [{ path: PathMatch.exact('/health') }], filters: [ok] }] });
    const objects = synthObjects(app);
    expect(findObject(objects, 'DirectResponse', 'health-ok', 'edge').spec).toEqual({ status: 200, body: 'ok' });
    const rule = findObject(objects, 'HTTPRoute', 'health', 'edge').spec.rules[0];
    expect(rule.backendRefs).toBeUndefined();
    expect(rule.filters).toEqual([{ type: 'ExtensionRef', extensionRef: { group: 'gateway.kgateway.dev', kind: 'DirectResponse', name: 'health-ok' } }]);
    expect(findObject(objects, 'DirectResponse', 'health-ok')).toMatchSnapshot();
  });

  it('fails when the status is outside 200-599 or the body is too long', () => {
    const { ns } = setup(['edge']);
    expect(() => new DirectResponse(ns.edge, 'a', { status: 100 })).toThrow(/test\/edge\/a: status must be an HTTP status code between 200 and 599 \(received: 100\)/);
    expect(() => new DirectResponse(ns.edge, 'b', { status: 200, body: 'x'.repeat(4097) })).toThrow(/body must be 1 to 4096 characters/);
  });
});
