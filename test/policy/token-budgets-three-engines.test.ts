/**
 * Issue 17 acceptance: one access intent with token budgets (per tier, per
 * model, several kinds) declared by ONE function, compiled for Kuadrant,
 * Envoy Gateway with Envoy AI Gateway, and agentgateway, each output read
 * back (by that engine's BudgetReader) into the same budgets per model and
 * per caller as the intent states; what an engine cannot count is refused
 * with the engine and the alternative named.
 */
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { ModelServingError } from '../../src/core/errors';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { LlmProvider } from '../../src/inference/llm-provider';
import { OpenAiEndpoint } from '../../src/inference/openai-endpoint';
import { AccessPolicy, PolicyEngine } from '../../src/policy/access-policy';
import { JwtAuth } from '../../src/policy/authentication';
import { KUADRANT_POLICY_ENGINE } from '../../src/policy/kuadrant/engine';
import { RateLimit, RateLimitMode, TokenCount, TokenLimit } from '../../src/policy/rate-limit';
import { RedisReference } from '../../src/policy/redis';
import { Subscription } from '../../src/policy/subscription';
import { Tier } from '../../src/policy/tier';
import { setup, synthObjects } from '../util';
import { AGENTGATEWAY_BUDGETS } from '../agentgateway/budget-readback';
import { BudgetReader, intentBudgets, intentBudgetsFor, kuadrantBudgetReader } from './budget-readback';
import { envoyGatewayBudgetReader } from './envoy-gateway/budget-readback';

const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';

interface Variant {
  /** An input-token budget (Kuadrant counts total tokens only). */
  readonly inputBudget: boolean;
  /** A subscription (only Kuadrant selects one per request). */
  readonly subscription: boolean;
}

/** The intent, for one gateway provider (and engine override). */
function declare(provider: GatewayProvider, engine: PolicyEngine | undefined, v: Variant, redis?: RedisReference) {
  const { app, ns } = setup(['edge', 'models']);
  const gateway = new Gateway(ns.edge, 'gateway', { provider, listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })] });
  const llms = new OpenAiEndpoint(ns.models, 'llms', {
    gateway: gateway.listener('https'),
    models: [
      { name: LLAMA, backends: [Backend.service('llama', 8000)] },
      { name: 'gpt-4o', backends: [LlmProvider.openAi('openai', { apiKey: SecretRef.named('openai-key') })] },
    ],
  });
  const jwt = new JwtAuth({ issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks.json', audiences: ['llm'], claimsToHeaders: { role: 'x-user-tier', sub: 'x-user-id' }, jwksBackend: Backend.service('idp', 8443) });
  const free = new Tier('free', {
    limits: [RateLimit.perMinute(60)],
    models: [llms.model(LLAMA)],
    tokenLimits: [TokenLimit.perHour(20_000), ...(v.inputBudget ? [TokenLimit.perMinute(4_000, { counts: TokenCount.INPUT })] : [])],
  });
  const pro = new Tier('pro', { limits: [RateLimit.perMinute(600)], models: [llms], inherits: free, tokenLimits: [TokenLimit.perDay(1_000_000), TokenLimit.perDay(200_000, { models: [llms.model('gpt-4o')] })] });
  const subscriptions = v.subscription ? [new Subscription('gold', { grants: [{ models: [llms.model('gpt-4o')], tokenLimits: [TokenLimit.perDay(5_000_000)] }] })] : undefined;
  const build = () =>
    new AccessPolicy(ns.models, 'access', {
      gateway,
      routes: [llms],
      authentication: [jwt],
      tiers: [free, pro],
      subscriptions,
      rateLimitMode: RateLimitMode.GLOBAL,
      redis,
      engine,
    });
  return { app, build };
}

interface Engine {
  readonly name: string;
  readonly provider: GatewayProvider;
  readonly engine?: PolicyEngine;
  readonly reader: BudgetReader;
  /** The Redis of the counters, for the engine that runs its own rate limit service (infrastructure, not intent). */
  readonly redis?: RedisReference;
  /** The largest variant it compiles, and the refusals of the others. */
  readonly compiles: Variant;
  readonly refusals: ReadonlyArray<readonly [Variant, RegExp]>;
}

const ENGINES: readonly Engine[] = [
  {
    name: 'Kuadrant (on Envoy Gateway)',
    provider: GatewayProvider.ENVOY_GATEWAY,
    engine: KUADRANT_POLICY_ENGINE,
    reader: kuadrantBudgetReader,
    compiles: { inputBudget: false, subscription: true },
    refusals: [[{ inputBudget: true, subscription: false }, /kuadrant.*usage.total_tokens/is]],
  },
  {
    name: 'Envoy Gateway with Envoy AI Gateway',
    provider: GatewayProvider.ENVOY_GATEWAY,
    reader: envoyGatewayBudgetReader,
    compiles: { inputBudget: true, subscription: false },
    refusals: [[{ inputBudget: true, subscription: true }, /subscriptions cannot be expressed by provider 'envoy-gateway'/]],
  },
  {
    name: 'agentgateway',
    provider: GatewayProvider.AGENTGATEWAY,
    reader: AGENTGATEWAY_BUDGETS,
    redis: RedisReference.of({ host: 'redis.data.svc.cluster.local', namespace: 'data' }),
    compiles: { inputBudget: true, subscription: true },
    refusals: [],
  },
];

describe('one intent with token budgets, three engines, read back into the same budgets', () => {
  for (const e of ENGINES) {
    it(`${e.name}: every budget per model, and per caller`, () => {
      const { app, build } = declare(e.provider, e.engine, e.compiles, e.redis);
      const policy = build();
      const objects = synthObjects(app);
      const expected = intentBudgets(policy);
      expect(expected.length).toBeGreaterThanOrEqual(4);
      expect(e.reader.budgets(objects)).toEqual(expected.filter((b) => b.holderKind === 'tier' || e.compiles.subscription));
      const callers = [{ tier: 'free' }, { tier: 'pro' }, ...(e.compiles.subscription ? [{ tier: 'pro', subscriptions: ['gold'] }, { tier: 'pro', subscriptions: ['gold'], header: 'gold' }] : [])];
      for (const caller of callers) {
        for (const route of policy.routes.map((r) => r.routeName)) {
          expect(e.reader.budgetsFor(objects, caller, route), `${JSON.stringify(caller)} on ${route}`).toEqual(intentBudgetsFor(policy, caller, route));
        }
      }
    });
    for (const [variant, message] of e.refusals) {
      it(`${e.name}: refuses ${JSON.stringify(variant)} naming the engine and the alternative`, () => {
        const { build } = declare(e.provider, e.engine, variant, e.redis);
        let error: unknown;
        try {
          build();
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(ModelServingError);
        expect((error as Error).message).toMatch(message);
      });
    }
  }
});
