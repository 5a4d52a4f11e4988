import { describe, expect, it } from 'vitest';
import { ClientTrafficPolicy, PolicyTarget } from '../../../src/policy/envoy-gateway';
import { findObject, synthObjects } from '../../util';
import { egPlatform, expectValid } from './fixture';

describe('ClientTrafficPolicy', () => {
  it('drops and sets request headers on arrival, names sorted and lower-cased', () => {
    const { app, ns, gateway } = egPlatform({ requireAccessPolicies: false });
    const ctp = new ClientTrafficPolicy(ns.edge, 'identity', {
      targets: [PolicyTarget.gateway(gateway, 'https')],
      removeEarlyRequestHeaders: ['X-User-Tier', 'x-user-id'],
      setEarlyRequestHeaders: { 'x-gateway': 'edge' },
    });
    ctp.removeEarlyRequestHeaders('x-client-id', 'x-user-id');
    expect(ctp.removedHeaders).toEqual(['x-client-id', 'x-user-id', 'x-user-tier']);
    const obj = findObject(synthObjects(app), 'ClientTrafficPolicy', 'identity', 'edge');
    expect(obj.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gateway', sectionName: 'https' }],
      headers: { earlyRequestHeaders: { remove: ['x-client-id', 'x-user-id', 'x-user-tier'], set: [{ name: 'x-gateway', value: 'edge' }] } },
    });
    expectValid([obj]);
    expect(obj).toMatchSnapshot();
  });

  describe('fails when', () => {
    it('it targets a route', () => {
      const { ns, iris } = egPlatform({ requireAccessPolicies: false });
      expect(() => new ClientTrafficPolicy(ns.models, 'a', { targets: [PolicyTarget.route(iris)], removeEarlyRequestHeaders: ['x-a'] })).toThrow(
        /test\/models\/a: targets\[0\]\.kind must be one of Gateway for this policy \(received: "HTTPRoute"\)\. Fix: attach the policy to a Gateway/,
      );
    });

    it('a header name is invalid, or one header is both removed and set', () => {
      const { ns, gateway } = egPlatform({ requireAccessPolicies: false });
      const ctp = new ClientTrafficPolicy(ns.edge, 'a', { targets: [PolicyTarget.gateway(gateway)], removeEarlyRequestHeaders: ['x-user-id'] });
      expect(() => ctp.removeEarlyRequestHeaders('x user')).toThrow(/removeEarlyRequestHeaders must contain HTTP header names of at most 256 characters \(received: "x user"\)/);
      expect(() => ctp.setEarlyRequestHeader('X-User-Id', 'alice')).toThrow(/setEarlyRequestHeaders\.X-User-Id names a header that is also removed/);
      expect(() => ctp.setEarlyRequestHeader('x-env', '')).toThrow(/must be 1 to 4096 printable ASCII characters/);
    });

    it('it edits nothing (at synth)', () => {
      const { app, ns, gateway } = egPlatform({ requireAccessPolicies: false });
      new ClientTrafficPolicy(ns.edge, 'empty', { targets: [PolicyTarget.gateway(gateway)] });
      expect(() => synthObjects(app)).toThrow(/test\/edge\/empty: spec sets nothing/);
    });
  });
});
