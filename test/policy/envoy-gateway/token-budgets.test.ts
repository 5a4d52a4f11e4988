import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../../src/core/secret-ref';
import { Backend } from '../../../src/core/backend';
import { AllowedRoutes } from '../../../src/gateway/allowed-routes';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { LlmProvider } from '../../../src/inference/llm-provider';
import { OpenAiEndpoint } from '../../../src/inference/openai-endpoint';
import { AccessPolicy, AccessPolicyProps } from '../../../src/policy/access-policy';
import { JwtAuth } from '../../../src/policy/authentication';
import { tokenCostMetadataKey } from '../../../src/policy/envoy-gateway';
import { RateLimit, RateLimitMode, TokenCount, TokenLimit } from '../../../src/policy/rate-limit';
import { Subscription } from '../../../src/policy/subscription';
import { Tier } from '../../../src/policy/tier';
import { HttpRoute } from '../../../src/routing/http-route';
import { formatIssue, validateObject } from '../../../src/validate';
import { buildPlatforms } from '../../../src/delivery/pipeline';
import { findObject, objectsOfKind, setup, synthObjects } from '../../util';
import { intentBudgets, intentBudgetsFor } from '../budget-readback';
import { envoyAiGatewayBudgetReader } from '../budget-readback-envoy-ai-gateway';

const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';

function fixture() {
  const f = setup(['edge', 'models']);
  const gateway = new Gateway(f.ns.edge, 'gateway', {
    provider: GatewayProvider.ENVOY_GATEWAY,
    listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models]) })],
  });
  const llms = new OpenAiEndpoint(f.ns.models, 'llms', {
    gateway: gateway.listener('https'),
    models: [
      { name: LLAMA, backends: [Backend.service('llama', 8000)] },
      { name: 'gpt-4o', backends: [LlmProvider.openAi('openai', { apiKey: SecretRef.named('openai-key') })] },
    ],
  });
  const jwt = new JwtAuth({ issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks.json', audiences: ['llm'], claimsToHeaders: { role: 'x-user-tier', sub: 'x-user-id' } });
  return { ...f, gateway, llms, jwt };
}

function policy(fx: ReturnType<typeof fixture>, tiers: readonly Tier[], props: Partial<AccessPolicyProps> = {}) {
  return new AccessPolicy(fx.ns.models, 'access', { gateway: fx.gateway, routes: [fx.llms], authentication: [fx.jwt], tiers, rateLimitMode: RateLimitMode.GLOBAL, ...props });
}

const routeFor = (objects: ReturnType<typeof synthObjects>, model: string) => objectsOfKind(objects, 'AIGatewayRoute').find((r) => r.spec.rules[0].matches[0].headers[0].value === model)!;

describe('token budgets on Envoy Gateway with Envoy AI Gateway', () => {
  it('keeps the models of two tiers apart when they share one TokenLimit object', () => {
    const fx = fixture();
    const daily = TokenLimit.perDay(100_000);
    const free = new Tier('free', { limits: [RateLimit.perMinute(60)], tokenLimits: [daily], models: [fx.llms.model(LLAMA)] });
    const pro = new Tier('pro', { limits: [RateLimit.perMinute(600)], tokenLimits: [daily], models: [fx.llms.model('gpt-4o')] });
    policy(fx, [free, pro]);
    const rules = findObject(synthObjects(fx.app), 'BackendTrafficPolicy', 'access-rate-limits', 'models').spec.rateLimit.global.rules.filter((r: any) => r.cost?.response);
    const modelsOf = (tier: string) =>
      rules
        .filter((r: any) => r.clientSelectors.some((c: any) => c.headers.some((h: any) => h.value === tier)))
        .flatMap((r: any) => r.clientSelectors.flatMap((c: any) => c.headers.filter((h: any) => h.name === 'x-ai-eg-model').map((h: any) => h.value)));
    const matches = (tier: string, model: string) => modelsOf(tier).some((v: string) => new RegExp(v).test(model));
    expect(modelsOf('free')).toHaveLength(1);
    expect([matches('free', LLAMA), matches('free', 'gpt-4o')]).toEqual([true, false]);
    expect(modelsOf('pro')).toHaveLength(1);
    expect([matches('pro', LLAMA), matches('pro', 'gpt-4o')]).toEqual([false, true]);
  });

  it('writes each counted kind to dynamic metadata on the budget routes, and the global rate limit charges exactly that key after the response', () => {
    const fx = fixture();
    const free = new Tier('free', {
      limits: [RateLimit.perMinute(60)],
      tokenLimits: [TokenLimit.perMinute(10_000), TokenLimit.perDay(50_000, { counts: TokenCount.OUTPUT, models: [fx.llms.model('gpt-4o')] })],
    });
    policy(fx, [free]);
    const objects = synthObjects(fx.app);

    const gpt = routeFor(objects, 'gpt-4o');
    const llama = routeFor(objects, LLAMA);
    expect(gpt.spec.llmRequestCosts).toEqual([
      { metadataKey: 'llm_total_token', type: 'TotalToken' },
      { metadataKey: 'llm_output_token', type: 'OutputToken' },
    ]);
    expect(llama.spec.llmRequestCosts).toEqual([{ metadataKey: 'llm_total_token', type: 'TotalToken' }]);

    const btp = findObject(objects, 'BackendTrafficPolicy', 'access-rate-limits', 'models');
    expect(btp.spec.targetRefs.map((t: any) => t.name).sort()).toEqual([gpt.metadata.name, llama.metadata.name].sort());
    const rules = btp.spec.rateLimit.global.rules;
    const tokenRules = rules.filter((r: any) => r.cost?.response);
    expect(tokenRules).toHaveLength(2);
    for (const r of tokenRules) {
      // Checked on arrival without charging, charged with the response's count: the key the routes write.
      expect(r.cost.request).toEqual({ from: 'Number', number: 0 });
      expect(r.cost.response.from).toBe('Metadata');
      expect(r.cost.response.metadata.namespace).toBe('io.envoy.ai_gateway');
      const writers = [gpt, llama].filter((route) => route.spec.llmRequestCosts.some((c: any) => c.metadataKey === r.cost.response.metadata.key));
      expect(writers.length).toBeGreaterThan(0);
    }
    const total = tokenRules.find((r: any) => r.cost.response.metadata.key === tokenCostMetadataKey(TokenCount.TOTAL));
    expect(total.limit).toEqual({ requests: 10_000, unit: 'Minute' });
    const totalModels = total.clientSelectors[0].headers.find((h: any) => h.name === 'x-ai-eg-model');
    expect(new RegExp(totalModels.value).test(LLAMA)).toBe(true);
    expect(new RegExp(totalModels.value).test('gpt-4o')).toBe(true);
    expect(total.clientSelectors[0].headers).toEqual(expect.arrayContaining([{ name: 'x-user-tier', type: 'Exact', value: 'free' }, { name: 'x-user-id', type: 'Distinct' }]));

    const output = tokenRules.find((r: any) => r.cost.response.metadata.key === tokenCostMetadataKey(TokenCount.OUTPUT));
    expect(output.limit).toEqual({ requests: 50_000, unit: 'Day' });
    const outputModels = output.clientSelectors[0].headers.find((h: any) => h.name === 'x-ai-eg-model');
    // The per-model budget counts gpt-4o only.
    expect(new RegExp(outputModels.value).test('gpt-4o')).toBe(true);
    expect(new RegExp(outputModels.value).test(LLAMA)).toBe(false);
    // The request limit stays a plain request counter.
    expect(rules.filter((r: any) => !r.cost)).toEqual([expect.objectContaining({ limit: { requests: 60, unit: 'Minute' } })]);

    for (const o of [btp, gpt, llama]) expect(validateObject(o).map(formatIssue)).toEqual([]);

    // Cluster setup outside dist/: the rate-limit service's Redis, Envoy AI Gateway, the provider key Secret; POLICY.md says how tokens count.
    const files = buildPlatforms(fx.app)[0].files;
    expect(files['README.md']).toContain('rateLimit.backend.type: Redis');
    expect(files['README.md']).toContain('Install Envoy AI Gateway v1.1');
    expect(files['README.md']).toMatch(/Create the Secret `openai-key` in namespace `models`.*BackendSecurityPolicy llms-openai \(key apiKey\)/);
    expect(files['POLICY.md']).toContain('io.envoy.ai_gateway/llm_output_token');
    expect(files['POLICY.md']).toContain('stream_options.include_usage');
  });

  it('reads back into the intent: every tier budget on every model, per caller', () => {
    const fx = fixture();
    const free = new Tier('free', {
      limits: [RateLimit.perMinute(60)],
      models: [fx.llms.model(LLAMA)],
      tokenLimits: [TokenLimit.perMinute(10_000), TokenLimit.perHour(2_000, { counts: TokenCount.INPUT })],
    });
    const pro = new Tier('pro', {
      limits: [RateLimit.perMinute(600)],
      models: [fx.llms],
      tokenLimits: [TokenLimit.perDay(1_000_000), TokenLimit.perDay(100_000, { counts: TokenCount.CACHED_INPUT, models: [fx.llms.model('gpt-4o')] })],
    });
    const access = policy(fx, [free, pro]);
    const objects = synthObjects(fx.app);
    const expected = intentBudgets(access);
    expect(expected.length).toBe(5);
    expect(envoyAiGatewayBudgetReader.budgets(objects)).toEqual(expected);
    for (const route of objectsOfKind(objects, 'AIGatewayRoute').map((r) => r.metadata.name!)) {
      for (const tier of ['free', 'pro']) expect(envoyAiGatewayBudgetReader.budgetsFor(objects, { tier }, route)).toEqual(intentBudgetsFor(access, { tier }, route));
    }
  });

  it('refuses what it cannot count: local limits, routes Envoy AI Gateway does not serve, subscriptions', () => {
    const local = fixture();
    expect(() => policy(local, [new Tier('free', { limits: [RateLimit.perMinute(60)], tokenLimits: [TokenLimit.perMinute(1000)] })], { rateLimitMode: RateLimitMode.LOCAL })).toThrow(
      /rateLimitMode cannot be expressed by provider 'envoy-gateway'.*global rate limits only/,
    );

    const plain = fixture();
    const http = new HttpRoute(plain.ns.models, 'plain', { parents: [plain.gateway.listener('https')], rules: [{ backends: [Backend.service('vllm', 8000)] }] });
    expect(() =>
      new AccessPolicy(plain.ns.models, 'access', {
        gateway: plain.gateway,
        routes: [http],
        authentication: [plain.jwt],
        tiers: [new Tier('free', { limits: [RateLimit.perMinute(60)], tokenLimits: [TokenLimit.perMinute(1000)] })],
        rateLimitMode: RateLimitMode.GLOBAL,
      }),
    ).toThrow(/tiers\(free\)\.tokenLimits\[0\].*only on Envoy AI Gateway routes.*OpenAiEndpoint/);

    const subs = fixture();
    const gold = new Subscription('gold', { grants: [{ models: [subs.llms], tokenLimits: [TokenLimit.perDay(1_000_000)] }] });
    expect(() => policy(subs, [new Tier('free', { limits: [RateLimit.perMinute(60)] })], { subscriptions: [gold] })).toThrow(/subscriptions.*subscription selection rule/);
  });
});
