import { describe, expect, it } from 'vitest';
import { TokenLimit } from '../../src/policy/rate-limit';
import { Subscription } from '../../src/policy/subscription';
import { synthObjects } from '../util';
import { allows, Caller, celValue, fixture, policyOf } from './fixture';

/**
 * `JwtAuth.subscriptionsClaim` may be a JSON list or one string of names
 * separated by spaces or commas. agentgateway's CEL `in` is an error on a
 * string, and a descriptor entry that fails is dropped
 * (crates/agentgateway/src/http/remoteratelimit.rs `build_request`): a
 * caller whose claim is a string would be counted by no budget at all, and
 * refused when naming a subscription in the header. Both forms must select
 * the same subscription.
 */
describe('agentgateway reads a subscriptions claim that is a list or one string', () => {
  const f = fixture();
  const gold = new Subscription('gold', { priority: 10, grants: [{ models: [f.qwen3], tokenLimits: [TokenLimit.perDay(1_000_000)] }] });
  const team = new Subscription('team', { priority: 5, grants: [{ models: [f.qwen3], tokenLimits: [TokenLimit.perDay(200_000)] }] });
  f.policy({ subscriptions: [gold, team] });
  const objects = synthObjects(f.app);
  const holderEntry = policyOf(objects, 'qwen3').spec.traffic.rateLimit.global.descriptors.find((d: { unit?: string }) => d.unit === 'Tokens').entries.find((e: { name: string }) => e.name === 'holder');
  const holder = (subscriptions: unknown, headers: Record<string, string> = {}) =>
    celValue(holderEntry.expression, { jwt: { sub: 'u1', role: 'free', subscriptions } } as Caller, { method: 'POST', path: '/v1/chat/completions', headers });

  it.each([
    ['a list', ['team', 'gold']],
    ['a string with spaces', 'team gold'],
    ['a string with commas', 'team,gold'],
  ])('a claim that is %s selects the highest priority held', (_what, claim) => {
    expect(holder(claim)).toBe('subscription:gold');
    expect(holder(typeof claim === 'string' ? 'team' : ['team'])).toBe('subscription:team');
  });

  it('a name that only contains a held one is not held; no claim counts the tier', () => {
    expect(holder('goldfish')).toBe('tier:free');
    expect(holder(['goldfish'])).toBe('tier:free');
    expect(holder(undefined)).toBe('tier:free');
  });

  it('the selection header is accepted for a subscription held in a string claim, refused for one not held', () => {
    const caller = (subscriptions: unknown): Caller => ({ jwt: { sub: 'u1', role: 'free', subscriptions } });
    const call = (header: string) => ({ method: 'POST', path: '/v1/chat/completions', headers: { 'x-subscription': header } });
    expect(allows(objects, 'qwen3', caller('gold team'), call('team'))).toBe(true);
    expect(holder('gold team', { 'x-subscription': 'team' })).toBe('subscription:team');
    expect(allows(objects, 'qwen3', caller('gold'), call('team'))).toBe(false);
    expect(allows(objects, 'qwen3', caller('goldteam'), call('team'))).toBe(false);
  });
});
