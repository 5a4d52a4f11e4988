import { describe, expect, it } from 'vitest';
import { Backend } from '../../../src/core/backend';
import { MergeStrategy, PolicyTarget, Precedence, RateLimitPolicy, TokenRateLimitPolicy } from '../../../src/policy/kuadrant';
import { GrpcRoute } from '../../../src/routing/grpc-route';
import { findObject, synthObjects } from '../../util';
import { expectValid, istioPlatform } from './fixture';

function fixture() {
  const fx = istioPlatform({ requireAccessPolicies: false });
  return { ...fx, target: PolicyTarget.route(fx.qwen3) };
}

describe('RateLimitPolicy', () => {
  it('renders named limits (sorted) with rates, predicates and counters', () => {
    const { app, ns, target } = fixture();
    const rlp = new RateLimitPolicy(ns.llm, 'qwen3-limits', {
      target,
      limits: { 'per-user': { rates: [{ limit: 100, window: '1m' }, { limit: 1000, window: '1h' }], when: ['auth.identity.tier == "free"'], counters: ['auth.identity.userid'] } },
    });
    rlp.addLimit('global', { rates: [{ limit: 6, window: '30s' }] });
    const obj = findObject(synthObjects(app), 'RateLimitPolicy', 'qwen3-limits', 'llm');
    expect(obj.apiVersion).toBe('kuadrant.io/v1');
    expect(obj.spec.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'qwen3' });
    expect(Object.keys(obj.spec.limits)).toEqual(['global', 'per-user']);
    expect(obj.spec.limits.global).toEqual({ rates: [{ limit: 6, window: '30s' }] });
    expect(obj.spec.limits['per-user']).toEqual({
      rates: [
        { limit: 100, window: '1m' },
        { limit: 1000, window: '1h' },
      ],
      when: [{ predicate: 'auth.identity.tier == "free"' }],
      counters: [{ expression: 'auth.identity.userid' }],
    });
    expectValid([obj]);
    expect(obj).toMatchSnapshot();
  });

  it('renders defaults and overrides blocks, and targets a GRPCRoute', () => {
    const { app, ns, gateway } = fixture();
    const grpc = new GrpcRoute(ns.llm, 'grpcbin', { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('grpcbin', 9000)] }] });
    new RateLimitPolicy(ns.llm, 'grpc', {
      target: PolicyTarget.route(grpc),
      precedence: Precedence.defaults(),
      limits: { 'non-reflection': { rates: [{ limit: 10, window: '10s' }], when: ["!request.path.startsWith('/grpc.reflection.')"] } },
    });
    new RateLimitPolicy(ns.gateway, 'gateway-cap', {
      target: PolicyTarget.gateway(gateway),
      precedence: Precedence.overrides(MergeStrategy.MERGE),
      when: ['request.host != "health.local"'],
      limits: { all: { rates: [{ limit: 0, window: '1m' }] } },
    });
    const objects = synthObjects(app);
    const g = findObject(objects, 'RateLimitPolicy', 'grpc', 'llm');
    expect(g.spec).toEqual({
      targetRef: { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', name: 'grpcbin' },
      defaults: { limits: { 'non-reflection': { rates: [{ limit: 10, window: '10s' }], when: [{ predicate: "!request.path.startsWith('/grpc.reflection.')" }] } } },
    });
    const o = findObject(objects, 'RateLimitPolicy', 'gateway-cap', 'gateway');
    expect(o.spec.overrides).toEqual({ strategy: 'merge', when: [{ predicate: 'request.host != "health.local"' }], limits: { all: { rates: [{ limit: 0, window: '1m' }] } } });
    expect(o.spec.limits).toBeUndefined();
    expectValid([g, o]);
  });

  describe('fails when', () => {
    const limit = (l: Parameters<RateLimitPolicy['addLimit']>[1]) => {
      const { ns, target } = fixture();
      return () => new RateLimitPolicy(ns.llm, 'p', { target, limits: { l } });
    };

    it('a limit is negative or fractional', () => {
      expect(limit({ rates: [{ limit: -1, window: '1m' }] })).toThrow(/test\/llm\/p: limits\.l\.rates\[0\]\.limit must be an integer >= 0 \(received: -1\)/);
      expect(limit({ rates: [{ limit: 1.5, window: '1m' }] })).toThrow(/limits\.l\.rates\[0\]\.limit must be an integer >= 0 \(received: 1\.5\)/);
    });

    it('a window does not match the CRD pattern (days) or is zero', () => {
      expect(limit({ rates: [{ limit: 1, window: '1d' }] })).toThrow(/limits\.l\.rates\[0\]\.window must match .*\(received: "1d"\)\. Fix: write e\.g\. '1m', '30s' or '24h' for a day/);
      expect(limit({ rates: [{ limit: 1, window: '0s' }] })).toThrow(/limits\.l\.rates\[0\]\.window must be longer than zero/);
    });

    it('a limit has no rates, an empty predicate or an empty counter', () => {
      expect(limit({ rates: [] })).toThrow(/limits\.l\.rates must have at least one rate/);
      expect(limit({ rates: [{ limit: 1, window: '1s' }], when: [' '] })).toThrow(/limits\.l\.when\[0\] must be a non-empty CEL predicate/);
      expect(limit({ rates: [{ limit: 1, window: '1s' }], counters: [''] })).toThrow(/limits\.l\.counters\[0\] must be a non-empty CEL expression/);
    });

    it('a limit name is repeated or malformed', () => {
      const { ns, target } = fixture();
      const p = new RateLimitPolicy(ns.llm, 'p', { target });
      p.addLimit('a', { rates: [{ limit: 1, window: '1s' }] });
      expect(() => p.addLimit('a', { rates: [{ limit: 1, window: '1s' }] })).toThrow(/limits\.a is defined twice/);
      expect(() => p.addLimit('a b', { rates: [{ limit: 1, window: '1s' }] })).toThrow(/limits needs names of letters, digits/);
    });

    it('it has no limit (at synth)', () => {
      const { app, ns, target } = fixture();
      new RateLimitPolicy(ns.llm, 'empty', { target });
      expect(() => synthObjects(app)).toThrow(/test\/llm\/empty: spec\.limits must have at least one limit/);
    });
  });
});

describe('TokenRateLimitPolicy', () => {
  it('renders token limits per tier on an HTTPRoute', () => {
    const { app, ns, target } = fixture();
    new TokenRateLimitPolicy(ns.llm, 'qwen3-tokens', {
      target,
      limits: { free: { rates: [{ limit: 20000, window: '24h' }], when: ['auth.identity.tier == "free"'], counters: ['auth.identity.userid'] } },
    });
    const obj = findObject(synthObjects(app), 'TokenRateLimitPolicy', 'qwen3-tokens', 'llm');
    expect(obj.apiVersion).toBe('kuadrant.io/v1alpha1');
    expect(obj.spec.limits.free).toEqual({ rates: [{ limit: 20000, window: '24h' }], when: [{ predicate: 'auth.identity.tier == "free"' }], counters: [{ expression: 'auth.identity.userid' }] });
    expectValid([obj]);
    expect(obj).toMatchSnapshot();
  });

  it('fails when it targets a GRPCRoute (token limits read OpenAI-style JSON)', () => {
    const { ns, gateway } = fixture();
    const grpc = new GrpcRoute(ns.llm, 'grpcbin', { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('grpcbin', 9000)] }] });
    expect(() => new TokenRateLimitPolicy(ns.llm, 't', { target: PolicyTarget.route(grpc) })).toThrow(/test\/llm\/t: targetRef\.kind must be one of Gateway, HTTPRoute for this policy kind \(received: "GRPCRoute"\)/);
  });
});
