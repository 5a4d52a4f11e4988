import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../../src/core/errors';
import { AccessPolicy, AccessPolicyProps } from '../../../src/policy/access-policy';
import { ApiKeyAuth, JwtAuth } from '../../../src/policy/authentication';
import { Kuadrant } from '../../../src/policy/kuadrant';
import { RateLimit, RateLimitMode, TokenCount, TokenLimit } from '../../../src/policy/rate-limit';
import { Subscription } from '../../../src/policy/subscription';
import { Tier } from '../../../src/policy/tier';
import { synthPlatforms } from '../../../src/delivery/synth';
import { findObject, synthObjects } from '../../util';
import { intentBudgets, intentBudgetsFor, kuadrantBudgetReader } from '../budget-readback';
import { expectValid, istioPlatform, kuadrantObjects } from './fixture';

const jwt = () => new JwtAuth({ issuer: 'https://sso.example.com/realms/llm', jwksUri: 'https://sso.example.com/realms/llm/certs', tierClaim: 'tier', subscriptionsClaim: 'subs' });

/**
 * free: qwen3, 10k tokens/minute; pro: qwen3 + granite, 100k/hour and 20k/minute on granite only.
 * gold (priority 10): qwen3 1M/day, granite 50k/minute + 120 requests/minute; team (priority 5): qwen3 200k/day.
 */
function fixture(overrides: (fx: ReturnType<typeof istioPlatform>) => Partial<AccessPolicyProps> = () => ({})) {
  const fx = istioPlatform();
  new Kuadrant(fx.ns['kuadrant-system'], 'kuadrant');
  const free = new Tier('free', { limits: [RateLimit.perMinute(100)], tokenLimits: [TokenLimit.perMinute(10_000)], models: [fx.qwen3] });
  const pro = new Tier('pro', { limits: [RateLimit.perMinute(1000)], tokenLimits: [TokenLimit.perHour(100_000), TokenLimit.perMinute(20_000, { models: [fx.granite] })], models: [fx.granite], inherits: free });
  const gold = new Subscription('gold', {
    priority: 10,
    grants: [
      { models: [fx.qwen3], tokenLimits: [TokenLimit.perDay(1_000_000)] },
      { models: [fx.granite], tokenLimits: [TokenLimit.perMinute(50_000)], limits: [RateLimit.perMinute(120)] },
    ],
  });
  const team = new Subscription('team', { priority: 5, grants: [{ models: [fx.qwen3], tokenLimits: [TokenLimit.perDay(200_000)] }] });
  const keys = ApiKeyAuth.fromExternalSecrets({
    secretStore: { name: 'vault' },
    holders: [
      { userId: 'alice', tier: 'free', remoteKey: 'llm/keys/alice', subscriptions: [team, gold] },
      { userId: 'bob', tier: 'pro', remoteKey: 'llm/keys/bob' },
    ],
  });
  const props: AccessPolicyProps = {
    gateway: fx.gateway,
    routes: [fx.qwen3, fx.granite],
    authentication: [keys, jwt()],
    tiers: [free, pro],
    subscriptions: [gold, team],
    rateLimitMode: RateLimitMode.GLOBAL,
    ...overrides(fx),
  };
  const build = () => new AccessPolicy(fx.ns.llm, 'maas', props);
  return { ...fx, build, tiers: { free, pro }, subscriptions: { gold, team } };
}

describe('Kuadrant token budgets and subscriptions', () => {
  it('compiles every budget of the intent to a TokenRateLimitPolicy limit per tier or subscription and model, read back to the same numbers', () => {
    const fx = fixture();
    const policy = fx.build();
    const objects = synthObjects(fx.app);
    expectValid(kuadrantObjects(objects));
    const read = kuadrantBudgetReader.budgets(objects);
    expect(read).toEqual(intentBudgets(policy));
    // The facts, stated once by hand: per route, per holder, total tokens per window.
    expect(read.map((b) => `${b.route} ${b.holderKind}:${b.holder} ${b.counts} ${b.limit}/${b.windowSeconds}s`)).toEqual([
      'granite subscription:gold total 50000/60s',
      'granite tier:pro total 20000/60s',
      'granite tier:pro total 100000/3600s',
      'qwen3 subscription:gold total 1000000/86400s',
      'qwen3 subscription:team total 200000/86400s',
      'qwen3 tier:free total 10000/60s',
      'qwen3 tier:pro total 100000/3600s',
    ]);
    // A tier's budget counts only the requests no subscription is selected for.
    expect(findObject(objects, 'TokenRateLimitPolicy', 'maas-qwen3', 'llm').spec.limits.free.when).toEqual([{ predicate: 'auth.identity.tier == "free"' }, { predicate: 'auth.identity.subscription == ""' }]);
    // The subscription's request limit adds to the tier's, only while it is selected.
    expect(findObject(objects, 'RateLimitPolicy', 'maas-granite', 'llm').spec.limits['subscription-gold']).toEqual({
      rates: [{ limit: 120, window: '1m' }],
      when: [{ predicate: 'auth.identity.subscription == "gold"' }],
      counters: [{ expression: 'auth.identity.userid' }],
    });
  });

  it('selects one subscription per request as the intent says: the header, else the highest priority held, else the tier', () => {
    const fx = fixture();
    const policy = fx.build();
    const objects = synthObjects(fx.app);
    const callers = [
      { tier: 'free' },
      { tier: 'free', subscriptions: ['team'] },
      { tier: 'free', subscriptions: ['team', 'gold'] },
      { tier: 'free', subscriptions: 'team,gold' },
      { tier: 'pro', subscriptions: 'gold team' },
      { tier: 'free', subscriptions: ['team', 'gold'], header: 'team' },
      { tier: 'free', subscriptions: ['team'], header: 'gold' },
      { tier: 'pro', subscriptions: ['gold'], header: 'platinum' },
      { tier: 'pro', subscriptions: ['team'], header: 'team' },
      { tier: 'pro', subscriptions: 'goldfish' },
    ];
    for (const caller of callers) {
      for (const route of ['qwen3', 'granite']) {
        expect({ caller, route, budgets: kuadrantBudgetReader.budgetsFor(objects, caller, route) }).toEqual({ caller, route, budgets: intentBudgetsFor(policy, caller, route) });
      }
    }
    // Spot checks of the rule itself.
    const holders = (caller: Parameters<typeof intentBudgetsFor>[1], route: string) => {
      const b = kuadrantBudgetReader.budgetsFor(objects, caller, route);
      return b === 'refused' ? b : [...new Set(b.map((x) => `${x.holderKind}:${x.holder}`))];
    };
    expect(holders({ tier: 'free', subscriptions: ['team', 'gold'] }, 'qwen3')).toEqual(['subscription:gold']);
    expect(holders({ tier: 'free', subscriptions: ['team', 'gold'], header: 'team' }, 'qwen3')).toEqual(['subscription:team']);
    expect(holders({ tier: 'pro', subscriptions: ['team'] }, 'granite')).toEqual(['tier:pro']);
    expect(holders({ tier: 'pro', subscriptions: ['team'], header: 'team' }, 'granite')).toBe('refused');
    expect(holders({ tier: 'pro', subscriptions: 'goldfish' }, 'qwen3')).toEqual(['tier:pro']);
  });

  it("exposes the holder's subscriptions in the identity: JWT claim, API key Secret annotation", () => {
    const fx = fixture();
    fx.build();
    const objects = synthObjects(fx.app);
    const auth = findObject(objects, 'AuthPolicy', 'maas-qwen3', 'llm').spec.rules;
    expect(auth.authentication.jwt.overrides.subscriptions).toEqual({ selector: 'auth.identity.subs' });
    expect(auth.authentication['api-key'].overrides.subscriptions).toEqual({ selector: 'auth.identity.metadata.annotations.models\\.cdk8s\\.io/subscriptions' });
    expect(Object.keys(auth.response.success.filters.identity.json.properties)).toEqual(['subscription', 'tier', 'userid']);
    const alice = objects.find((o) => o.kind === 'ExternalSecret' && o.metadata.name === 'maas-alice') as any;
    expect(alice.spec.target.template.metadata.annotations).toEqual({ 'models.cdk8s.io/subscriptions': 'team,gold', 'models.cdk8s.io/user-id': 'alice' });
    const bob = objects.find((o) => o.kind === 'ExternalSecret' && o.metadata.name === 'maas-bob') as any;
    expect(bob.spec.target.template.metadata.annotations).toEqual({ 'models.cdk8s.io/user-id': 'bob' });
  });

  it('states each budget, what counts against it, per what key and window, streaming usage and subscription selection in POLICY.md', () => {
    const fx = fixture();
    fx.build();
    const report = synthPlatforms(fx.app)[0]!.files['POLICY.md']!;
    expect(report).toContain('| qwen3 | subscription gold | 1000000 | total (input + output): `usage.total_tokens` | user, per route | 1 day |');
    expect(report).toContain('| qwen3 | tier free (requests no subscription is selected for) | 10000 | total (input + output): `usage.total_tokens` | user, per route | 1 minute |');
    expect(report).toContain('| granite | tier pro (requests no subscription is selected for) | 20000 | total (input + output): `usage.total_tokens` | user, per route | 1 minute |');
    expect(report).toContain('`stream_options: {"include_usage": true}`');
    expect(report).toContain('the JWT claim `subs`');
    expect(report).toContain("the platform code's list of API key holders (below; written to each key Secret's annotation `models.cdk8s.io/subscriptions`)");
    expect(report).toMatch(/\| API key holder \| tier \| subscriptions \|/);
    expect(report).toContain('the request header `x-subscription` (403 when the caller does not hold it or it does not grant the model); without the header, the highest priority the caller holds');
    expect(report).toContain('| gold | 10 | granite, qwen3 |');
    expect(report).toContain('| team | 5 | qwen3 |');
  });

  it('leaves policies without subscriptions as they were (no subscription rule, identity or predicate)', () => {
    const fx = fixture(() => ({ subscriptions: [], authentication: [jwt()] }));
    fx.build();
    const objects = synthObjects(fx.app);
    const auth = findObject(objects, 'AuthPolicy', 'maas-qwen3', 'llm').spec.rules;
    expect(auth.authorization.subscription).toBeUndefined();
    expect(auth.authentication.jwt.overrides.subscriptions).toBeUndefined();
    expect(findObject(objects, 'TokenRateLimitPolicy', 'maas-qwen3', 'llm').spec.limits.free.when).toEqual([{ predicate: 'auth.identity.tier == "free"' }]);
  });

  it.each([
    [TokenCount.INPUT, 'usage.prompt_tokens'],
    [TokenCount.OUTPUT, 'usage.completion_tokens'],
    [TokenCount.CACHED_INPUT, 'usage.prompt_tokens_details.cached_tokens'],
  ])('refuses %s budgets: Kuadrant counts usage.total_tokens only', (counts, field) => {
    const fx = fixture((f) => ({ authentication: [jwt()], subscriptions: [new Subscription('gold', { grants: [{ models: [f.granite], tokenLimits: [TokenLimit.perDay(1000), TokenLimit.perMinute(500, { counts })] }] })] }));
    expect(fx.build).toThrow(new RegExp(`subscriptions\\(gold\\)\\.grants\\[0\\]\\.tokenLimits\\[1\\].*cannot be expressed by provider 'kuadrant'.*${field.replace(/\./g, '\\.')}.*counts only usage\\.total_tokens`, 's'));
  });

  it('refuses a tier input budget naming the tier and the alternative engines', () => {
    const fx = fixture((f) => ({ authentication: [jwt()], subscriptions: [], tiers: [new Tier('free', { limits: [RateLimit.perMinute(1)], tokenLimits: [TokenLimit.perMinute(100, { counts: TokenCount.INPUT })], models: [f.qwen3] })] }));
    expect(fx.build).toThrow(/tiers\(free\)\.tokenLimits\[0\].*Envoy AI Gateway.*agentgateway/s);
  });
});

describe('subscription intent checks', () => {
  it('refuses a subscription granting a model the policy does not protect', () => {
    const fx = fixture((f) => ({ routes: [f.qwen3], tiers: [new Tier('free', { limits: [RateLimit.perMinute(1)], models: [f.qwen3] })], authentication: [jwt()] }));
    expect(fx.build).toThrow(/subscriptions\(gold\)\.grants\[1\]\.models\[0\].*names a route the policy does not protect.*granite/s);
  });

  it('refuses two subscriptions of one name', () => {
    const fx = fixture((f) => ({ authentication: [jwt()], subscriptions: [new Subscription('gold', { grants: [{ models: [f.qwen3], tokenLimits: [TokenLimit.perDay(1)] }] }), new Subscription('gold', { priority: 1, grants: [{ models: [f.granite], tokenLimits: [TokenLimit.perDay(1)] }] })] }));
    expect(fx.build).toThrow(/subscriptions\[1\]\.name.*is defined twice/s);
  });

  it('refuses a budget of 0 tokens, and says how to deny a model instead', () => {
    const fx = fixture((f) => ({ authentication: [jwt()], subscriptions: [new Subscription('gold', { grants: [{ models: [f.qwen3], tokenLimits: [TokenLimit.perDay(0)] }] })] }));
    expect(fx.build).toThrow(/subscriptions\[0\]\(gold\)\.grants\[0\]\.tokenLimits\[0\]\.tokensPerUnit.*positive integer.*leave it out of the tier or subscription/s);
  });

  it('refuses two subscriptions of equal priority that grant one model', () => {
    const fx = fixture((f) => ({
      authentication: [jwt()],
      subscriptions: [new Subscription('a', { grants: [{ models: [f.qwen3], tokenLimits: [TokenLimit.perDay(1)] }] }), new Subscription('b', { grants: [{ models: [f.qwen3, f.granite], tokenLimits: [TokenLimit.perDay(1)] }] })],
    }));
    expect(fx.build).toThrow(/subscriptions\(b\)\.priority.*equals that of subscription 'a' \(0\), and both grant 'qwen3'/s);
  });

  it('refuses a budget on a model outside its grant or its tier, a subscription without budgets, a model in two grants', () => {
    expect(fixture((f) => ({ authentication: [jwt()], subscriptions: [new Subscription('a', { grants: [{ models: [f.qwen3], tokenLimits: [TokenLimit.perDay(1, { models: [f.granite] })] }] })] })).build).toThrow(
      /grants\[0\]\.tokenLimits\[0\]\.models.*names a model the grant does not include.*granite/s,
    );
    expect(fixture((f) => ({ subscriptions: [], authentication: [jwt()], tiers: [new Tier('free', { limits: [RateLimit.perMinute(1)], tokenLimits: [TokenLimit.perDay(1, { models: [f.granite] })], models: [f.qwen3] })] })).build).toThrow(
      /tiers\[0\]\(free\)\.tokenLimits\[0\]\.models.*may not call/s,
    );
    expect(fixture((f) => ({ authentication: [jwt()], subscriptions: [new Subscription('a', { grants: [{ models: [f.qwen3], tokenLimits: [] }] })] })).build).toThrow(/grants\[0\]\.tokenLimits.*is empty/s);
    expect(
      fixture((f) => ({
        authentication: [jwt()],
        subscriptions: [new Subscription('a', { grants: [{ models: [f.qwen3], tokenLimits: [TokenLimit.perDay(1)] }, { models: [f.qwen3], tokenLimits: [TokenLimit.perDay(2)] }] })],
      })).build,
    ).toThrow(/grants\[1\]\.models.*grants 'qwen3', which grants\[0\] grants already/s);
  });

  it("refuses an API key holder's subscription the policy does not define, and a model named by a string", () => {
    const fx = fixture((f) => ({
      subscriptions: [],
      authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: { name: 'vault' }, holders: [{ userId: 'alice', tier: 'free', remoteKey: 'llm/keys/alice', subscriptions: [new Subscription('x', { grants: [{ models: [f.qwen3], tokenLimits: [TokenLimit.perDay(1)] }] })] }] })],
    }));
    expect(fx.build).toThrow(/holders\[0\]\.subscriptions\[0\].*is not one of the policy's subscriptions/s);
    expect(() => new Subscription('a', { grants: [{ models: ['qwen3' as never], tokenLimits: [TokenLimit.perDay(1)] }] }).check('test', 'subscriptions[0]')).toThrow(/names a model by a string/);
  });
});

describe('subscription props from callers without TypeScript', () => {
  it.each([
    ['props null', () => new Subscription('a', null as never), /props must be an object of SubscriptionProps/],
    ['an unknown prop', () => new Subscription('a', { grants: [], budget: 1 } as never), /budget/],
    ['grants not a list', () => new Subscription('a', { grants: 'qwen3' as never }).check('t', 'subscriptions[0]'), /grants/],
    ['a grant that is null', () => new Subscription('a', { grants: [null as never] }).check('t', 'subscriptions[0]'), /grants\[0\]/],
    ['grant models not a list', () => new Subscription('a', { grants: [{ models: 'qwen3' as never, tokenLimits: [] }] }).check('t', 'subscriptions[0]'), /grants\[0\]\.models/],
    ['a token limit that is a number', () => new Subscription('a', { grants: [{ models: [], tokenLimits: [1000 as never] }] }).check('t', 'subscriptions[0]'), /grants\[0\]\.(models|tokenLimits)/],
    ['a priority that is a string', () => new Subscription('a', { priority: 'high' as never, grants: [] }).check('t', 'subscriptions[0]'), /priority must be an integer/],
    ['TokenLimit options not an object', () => TokenLimit.perMinute(1, 'total' as never), /props must be an object of TokenLimitOptions/],
    ['TokenLimit counts unknown', () => TokenLimit.perMinute(1, { counts: 'reasoning' as never }).check('t', 'l'), /l\.counts/],
  ])('%s is refused with a ModelServingError', (_what, build, message) => {
    let error: unknown;
    try {
      build();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ModelServingError);
    expect((error as Error).message).toMatch(message);
  });
});
