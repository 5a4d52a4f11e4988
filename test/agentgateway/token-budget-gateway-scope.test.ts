import { describe, expect, it } from 'vitest';
import { LimitScope, TokenLimit } from '../../src/policy/rate-limit';
import { Subscription } from '../../src/policy/subscription';
import { synthObjects } from '../util';
import { Caller, fixture, limits } from './fixture';

/**
 * With one bucket for the gateway (LimitScope.GATEWAY) the rate limit
 * service configuration is not split per route, so a budget's descriptor key
 * must name the models the budget covers for its holder: a subscription's
 * budget for one grant must not count on the models of its other grants,
 * and a tier's budget only on the tier's models.
 */
describe('agentgateway token budgets with one bucket for the gateway', () => {
  const f = fixture();
  const gold = new Subscription('gold', {
    grants: [
      { models: [f.qwen3], tokenLimits: [TokenLimit.perDay(1_000_000)] },
      { models: [f.llama], tokenLimits: [TokenLimit.perDay(50_000), TokenLimit.perHour(5_000)] },
    ],
  });
  f.policy({ subscriptions: [gold], limitScope: LimitScope.GATEWAY });
  const objects = synthObjects(f.app);
  const subscriber: Caller = { jwt: { sub: 'u1', role: 'pro', subscriptions: ['gold'] } };

  it("counts each grant's budget on its own model only", () => {
    expect(limits(objects, 'qwen3', subscriber).filter((l) => l.includes('tokens'))).toEqual(['1000000 tokens:llm.totalTokens/day']);
    expect(limits(objects, 'llama', subscriber).filter((l) => l.includes('tokens'))).toEqual(['5000 tokens:llm.totalTokens/hour', '50000 tokens:llm.totalTokens/day']);
  });

  it("counts a tier's budget on the tier's models only (free: qwen3), one bucket across them", () => {
    const free: Caller = { jwt: { sub: 'u2', role: 'free' } };
    expect(limits(objects, 'qwen3', free).filter((l) => l.includes('tokens'))).toEqual(['10000 tokens:llm.totalTokens/hour']);
    expect(limits(objects, 'llama', free).filter((l) => l.includes('tokens'))).toEqual([]);
    const pro: Caller = { jwt: { sub: 'u3', role: 'pro' } };
    expect(limits(objects, 'qwen3', pro).filter((l) => l.includes('tokens'))).toEqual(['200000 tokens:llm.totalTokens/hour']);
    expect(limits(objects, 'llama', pro).filter((l) => l.includes('tokens'))).toEqual(['200000 tokens:llm.totalTokens/hour']);
  });
});
