import { describe, expect, it } from 'vitest';
import { LimitScope, RateLimit, TokenCount, TokenLimit } from '../../src/policy/rate-limit';
import { Tier } from '../../src/policy/tier';
import { intentBudgets, intentBudgetsFor } from '../policy/budget-readback';
import { synthObjects } from '../util';
import { AGENTGATEWAY_BUDGETS } from './budget-readback';
import { fixture } from './fixture';

describe('agentgateway token budgets read back into the intent', () => {
  for (const scope of [LimitScope.ROUTE, LimitScope.GATEWAY]) {
    it(`every tier budget on every model, and per caller (scope ${scope})`, () => {
      const f = fixture();
      const free = new Tier('free', { limits: [RateLimit.perMinute(60)], models: [f.qwen3], tokenLimits: [TokenLimit.perHour(10_000), TokenLimit.perMinute(1_000, { counts: TokenCount.INPUT })] });
      const pro = new Tier('pro', {
        limits: [RateLimit.perMinute(600)],
        models: [f.llama],
        inherits: free,
        tokenLimits: [TokenLimit.perDay(500_000), TokenLimit.perHour(50_000, { counts: TokenCount.OUTPUT, models: [f.llama] }), TokenLimit.perDay(100_000, { counts: TokenCount.CACHED_INPUT, models: [f.qwen3] })],
      });
      const admin = new Tier('admin', { unlimited: true, models: '*' });
      const policy = f.policy({ tiers: [free, pro, admin], limitScope: scope });
      const objects = synthObjects(f.app);
      expect(intentBudgets(policy)).toHaveLength(6);
      expect(AGENTGATEWAY_BUDGETS.budgets(objects)).toEqual(intentBudgets(policy));
      for (const tier of ['free', 'pro', 'admin']) {
        for (const route of ['qwen3', 'llama']) {
          expect(AGENTGATEWAY_BUDGETS.budgetsFor(objects, { tier }, route), `${tier} on ${route}`).toEqual(intentBudgetsFor(policy, { tier }, route));
        }
      }
    });
  }
});
