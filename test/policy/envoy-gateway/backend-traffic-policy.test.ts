import { describe, expect, it } from 'vitest';
import { BackendTrafficPolicy, HeaderSelector, PolicyTarget, SourceCidrSelector } from '../../../src/policy/envoy-gateway';
import { PathMatch } from '../../../src/routing/match';
import { findObject, synthObjects } from '../../util';
import { egPlatform, expectValid } from './fixture';

describe('BackendTrafficPolicy', () => {
  it('renders global rules with tier, per-user and shared buckets', () => {
    const { app, ns, iris, mnist } = egPlatform({ requireAccessPolicies: false });
    const btp = new BackendTrafficPolicy(ns.models, 'limits', {
      targets: [PolicyTarget.route(iris), PolicyTarget.route(mnist)],
      globalRateLimits: [
        { clientSelectors: [{ headers: [HeaderSelector.exact('x-user-tier', 'basic'), HeaderSelector.distinct('x-user-id')] }], requests: 100, unit: 'Minute' },
        { clientSelectors: [{ headers: [HeaderSelector.regex('x-client-id', '^(alice|bob)$')], sourceCidr: SourceCidrSelector.distinct('0.0.0.0/0') }], requests: 10, unit: 'Second', shared: true },
        { clientSelectors: [{ methods: ['POST'], path: PathMatch.prefix('/v1/chat'), headers: [HeaderSelector.exact('x-env', 'test', { invert: true })] }], requests: 5, unit: 'Hour', shadowMode: true },
      ],
    });
    expect(btp.globalRateLimits).toHaveLength(3);
    expect(btp.targets.map(String)).toEqual(['HTTPRoute/iris', 'HTTPRoute/mnist']);
    const obj = findObject(synthObjects(app), 'BackendTrafficPolicy', 'limits', 'models');
    expect(obj.spec.targetRefs.map((t: { name: string }) => t.name)).toEqual(['iris', 'mnist']);
    expect(obj.spec.rateLimit.local).toBeUndefined();
    const [perUser, shared, shadow] = obj.spec.rateLimit.global.rules;
    expect(perUser).toEqual({
      clientSelectors: [
        {
          headers: [
            { name: 'x-user-tier', type: 'Exact', value: 'basic' },
            { name: 'x-user-id', type: 'Distinct' },
          ],
        },
      ],
      limit: { requests: 100, unit: 'Minute' },
    });
    expect(shared.shared).toBe(true);
    expect(shared.clientSelectors[0].sourceCIDR).toEqual({ type: 'Distinct', value: '0.0.0.0/0' });
    expect(shadow).toEqual({
      clientSelectors: [{ headers: [{ name: 'x-env', type: 'Exact', value: 'test', invert: true }], methods: [{ value: 'POST' }], path: { type: 'PathPrefix', value: '/v1/chat' } }],
      limit: { requests: 5, unit: 'Hour' },
      shadowMode: true,
    });
    expectValid([obj]);
    expect(obj).toMatchSnapshot();
  });

  it('renders local rules added after construction, with a selector-less route default', () => {
    const { app, ns, gateway } = egPlatform({ requireAccessPolicies: false });
    const btp = new BackendTrafficPolicy(ns.edge, 'edge-limits', { targets: [PolicyTarget.gateway(gateway)] });
    btp.addLocalRateLimit({ requests: 1000, unit: 'Second' });
    btp.addLocalRateLimit({ clientSelectors: [{ sourceCidr: SourceCidrSelector.range('10.0.0.0/8', { invert: true }) }], requests: 50, unit: 'Minute' });
    const obj = findObject(synthObjects(app), 'BackendTrafficPolicy', 'edge-limits', 'edge');
    expect(obj.spec.rateLimit.local.rules).toEqual([
      { limit: { requests: 1000, unit: 'Second' } },
      { clientSelectors: [{ sourceCIDR: { type: 'Exact', value: '10.0.0.0/8', invert: true } }], limit: { requests: 50, unit: 'Minute' } },
    ]);
    expect(obj.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gateway' }]);
    expect(btp.localRateLimits).toHaveLength(2);
    expectValid([obj]);
  });

  describe('fails when', () => {
    const policy = () => {
      const { app, ns, iris } = egPlatform({ requireAccessPolicies: false });
      return { app, btp: new BackendTrafficPolicy(ns.models, 'l', { targets: [PolicyTarget.route(iris)] }) };
    };

    it('a limit is negative, fractional or above 2^32-1', () => {
      const { btp } = policy();
      expect(() => btp.addGlobalRateLimit({ requests: -1, unit: 'Minute' })).toThrow(/test\/models\/l: globalRateLimits\[0\]\.requests must be an integer between 0 and 4294967295 \(received: -1\)/);
      expect(() => btp.addLocalRateLimit({ requests: 1.5, unit: 'Minute' })).toThrow(/localRateLimits\[0\]\.requests must be an integer/);
      expect(() => btp.addGlobalRateLimit({ requests: 2 ** 32, unit: 'Minute' })).toThrow(/must be an integer between 0 and 4294967295/);
    });

    it('a selector selects nothing or a source CIDR is malformed', () => {
      const { btp } = policy();
      expect(() => btp.addGlobalRateLimit({ clientSelectors: [{}], requests: 1, unit: 'Second' })).toThrow(/clientSelectors\[0\] needs at least one of headers, methods, path or sourceCidr/);
      expect(() => btp.addGlobalRateLimit({ clientSelectors: [{ sourceCidr: SourceCidrSelector.distinct('0.0.0.0') }], requests: 1, unit: 'Second' })).toThrow(/sourceCidr must be an IPv4 or IPv6 CIDR \(received: "0\.0\.0\.0"\)/);
      expect(() => btp.addGlobalRateLimit({ clientSelectors: [{ headers: [HeaderSelector.distinct('x user')] }], requests: 1, unit: 'Second' })).toThrow(/headers\[0\]\.name must be an HTTP header name/);
    });

    it('a local rule asks for a shared bucket or shadow mode', () => {
      const { btp } = policy();
      expect(() => btp.addLocalRateLimit({ requests: 1, unit: 'Second', shared: true })).toThrow(/localRateLimits\[0\]\.shared is implemented by Envoy Gateway for global rate limits only/);
      expect(() => btp.addLocalRateLimit({ requests: 1, unit: 'Second', shadowMode: true })).toThrow(/shadowMode is supported for global rate limits only/);
    });

    it('two local rules lack selectors, or a local unit is shorter than the default rule unit', () => {
      const { btp } = policy();
      btp.addLocalRateLimit({ requests: 100, unit: 'Minute' });
      expect(() => btp.addLocalRateLimit({ requests: 10, unit: 'Hour' })).toThrow(/another local rule has no selectors either/);
      expect(() => btp.addLocalRateLimit({ clientSelectors: [{ methods: ['POST'] }], requests: 1, unit: 'Second' })).toThrow(
        /unit must be a multiple of the unit of the selector-less rule \(Minute\) for Envoy's local token buckets \(received: "Second"\)/,
      );
    });

    it('there are more than 16 local rules', () => {
      const { btp } = policy();
      for (let i = 0; i < 16; i++) btp.addLocalRateLimit({ clientSelectors: [{ headers: [HeaderSelector.exact('x-n', String(i))] }], requests: 1, unit: 'Second' });
      expect(() => btp.addLocalRateLimit({ clientSelectors: [{ methods: ['GET'] }], requests: 1, unit: 'Second' })).toThrow(/localRateLimits can hold at most 16 rules \(received: 17\)/);
    });

    it('the policy has no rule (at synth)', () => {
      const { app } = policy();
      expect(() => synthObjects(app)).toThrow(/test\/models\/l: spec\.rateLimit has no rule/);
    });
  });
});
