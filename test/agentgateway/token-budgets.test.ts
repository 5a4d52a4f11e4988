import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { LimitScope, RateLimit, TokenCount, TokenLimit } from '../../src/policy/rate-limit';
import { Subscription } from '../../src/policy/subscription';
import { Tier } from '../../src/policy/tier';
import { synthObjects } from '../util';
import { allows, fixture, limits, policyOf } from './fixture';

/**
 * Token budgets on agentgateway: each kind is counted by a `Tokens`
 * descriptor whose `cost` reads agentgateway's own count of that kind
 * (crates/agentgateway/src/cel/types.rs LLMContext), per model when the
 * budget names models; read back through the rate limit service config.
 */
describe('token budgets on agentgateway', () => {
  function compile(scope: LimitScope) {
    const f = fixture();
    const basic = new Tier('basic', {
      limits: [RateLimit.perMinute(100)],
      models: [f.qwen3, f.llama],
      tokenLimits: [
        TokenLimit.perHour(50_000), // total, every model
        TokenLimit.perMinute(2_000, { counts: TokenCount.INPUT, models: [f.qwen3] }),
        TokenLimit.perDay(30_000, { counts: TokenCount.OUTPUT, models: [f.llama] }),
        TokenLimit.perDay(10_000, { counts: TokenCount.CACHED_INPUT }),
      ],
    });
    f.policy({ tiers: [basic], limitScope: scope });
    return synthObjects(f.app);
  }
  const alice = { jwt: { sub: 'alice', role: 'basic' } };

  it('input, output, cached input and total tokens each get their budget, on the models it names (scope: route)', () => {
    const objects = compile(LimitScope.ROUTE);
    expect(limits(objects, 'qwen3', alice)).toEqual(['100 requests/minute', '10000 tokens:llm.cachedInputTokens/day', '2000 tokens:llm.inputTokens/minute', '50000 tokens:llm.totalTokens/hour']);
    expect(limits(objects, 'llama', alice)).toEqual(['100 requests/minute', '10000 tokens:llm.cachedInputTokens/day', '30000 tokens:llm.outputTokens/day', '50000 tokens:llm.totalTokens/hour']);
    const tokens = policyOf(objects, 'qwen3').spec.traffic.rateLimit.global.descriptors.filter((d: { unit?: string }) => d.unit === 'Tokens');
    expect(tokens.map((d: { cost?: string }) => d.cost ?? 'default')).toEqual(expect.arrayContaining(['llm.inputTokens', 'llm.cachedInputTokens', 'default']));
    expect(allows(objects, 'llama', alice, { method: 'POST', path: '/v1/completions' })).toBe(true);
  });

  it('with one bucket for the gateway, a per-model budget still counts only its models', () => {
    const objects = compile(LimitScope.GATEWAY);
    expect(limits(objects, 'qwen3', alice)).toContain('2000 tokens:llm.inputTokens/minute');
    expect(limits(objects, 'llama', alice)).not.toContain('2000 tokens:llm.inputTokens/minute');
    // The same descriptor values on both routes: one shared bucket.
    const entries = (route: string) => policyOf(objects, route).spec.traffic.rateLimit.global.descriptors.find((d: { cost?: string; entries: Array<{ name: string }> }) => d.cost === undefined && d.entries.some((e: { name: string }) => e.name === 'tokens')).entries;
    expect(entries('qwen3')).toEqual(entries('llama'));
  });

  it("counts a subscription's budgets instead of the tier's when one is selected (header, else priority), and refuses a header naming one not held", () => {
    const f = fixture();
    const gold = new Subscription('gold', { priority: 10, grants: [{ models: [f.qwen3], tokenLimits: [TokenLimit.perDay(1_000_000, { counts: TokenCount.OUTPUT })] }] });
    const silver = new Subscription('silver', { priority: 5, grants: [{ models: [f.qwen3], tokenLimits: [TokenLimit.perDay(100_000)] }] });
    f.policy({ subscriptions: [gold, silver] });
    const objects = synthObjects(f.app);
    const caller = (subscriptions: string[]) => ({ jwt: { sub: 'u', role: 'free', subscriptions } });
    expect(limits(objects, 'qwen3', caller([]))).toContain('10000 tokens:llm.totalTokens/hour');
    expect(limits(objects, 'qwen3', caller(['silver', 'gold']))).toEqual(['1000000 tokens:llm.outputTokens/day', '60 requests/minute']);
    expect(limits(objects, 'qwen3', caller(['silver']))).toEqual(['100000 tokens:llm.totalTokens/day', '60 requests/minute']);
    const post = (headers: Record<string, string>) => ({ method: 'POST', path: '/v1/chat/completions', headers });
    expect(allows(objects, 'qwen3', caller(['silver', 'gold']), post({ 'x-subscription': 'silver' }))).toBe(true);
    expect(allows(objects, 'qwen3', caller(['silver']), post({ 'x-subscription': 'gold' }))).toBe(false);
    expect(allows(objects, 'llama', { jwt: { sub: 'u', role: 'pro', subscriptions: ['gold'] } }, post({ 'x-subscription': 'gold' }))).toBe(false); // gold does not grant llama
  });

  it('refuses request limits inside a subscription grant, naming the engine and the alternative', () => {
    const f = fixture();
    const gold = new Subscription('gold', { grants: [{ models: [f.qwen3], tokenLimits: [TokenLimit.perDay(1_000_000)], limits: [RateLimit.perMinute(5)] }] });
    let message = '';
    try {
      f.policy({ subscriptions: [gold] });
    } catch (e) {
      expect(e).toBeInstanceOf(ModelServingError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/subscriptions\(gold\)\.grants\[0\]\.limits cannot be expressed by provider 'agentgateway'.*KUADRANT_POLICY_ENGINE/s);
  });
});
