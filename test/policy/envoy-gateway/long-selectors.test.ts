/**
 * Rate-limit rules whose client-id or model expression would pass Envoy
 * Gateway's 1024-character limit on a header match value
 * (envoyproxy/gateway v1.9.0 api/v1alpha1/ratelimit_types.go `HeaderMatch.Value`,
 * MaxLength=1024): a tier of many API-key holders, or a budget over many
 * models. The rule is split into rules over slices of the holders (or of the
 * models) that count the same requests in the same buckets: every holder
 * meets exactly one rule of a limit, and each rule counts per holder
 * (`Distinct`). Requests are evaluated against the emitted objects as Envoy
 * applies them (a selector never matches an absent header; see
 * subscriptions.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { AIGatewayRoute, AIGatewayRouteMatches } from '../../../src/aigateway/ai-gateway-route';
import { Backend } from '../../../src/core/backend';
import { ModelServingError } from '../../../src/core/errors';
import { SecretRef } from '../../../src/core/secret-ref';
import { KubeObject } from '../../../src/delivery/manifest';
import { AllowedRoutes } from '../../../src/gateway/allowed-routes';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { OpenAiEndpoint } from '../../../src/inference/openai-endpoint';
import { AccessPolicy } from '../../../src/policy/access-policy';
import { ApiKeyAuth } from '../../../src/policy/authentication';
import { CounterKey, LimitScope, RateLimit, RateLimitMode, TokenLimit } from '../../../src/policy/rate-limit';
import { Subscription } from '../../../src/policy/subscription';
import { Tier } from '../../../src/policy/tier';
import { findObject, setup, synthObjects } from '../../util';
import { refusal } from '../../reliability/hostile-helpers';

type Headers = Readonly<Record<string, string>>;

function selects(h: any, headers: Headers): boolean {
  const v = headers[h.name];
  if (h.type === 'Distinct') return v !== undefined;
  const match = v !== undefined && (h.type === 'Exact' ? v === h.value : new RegExp(`^(?:${h.value})$`).test(v));
  return h.invert === true ? !match : match;
}

/**
 * 120 API-key holders of tier basic (a request limit and a token budget);
 * with `subscribed`, every third holds subscription gold. `models` models
 * with long names on one endpoint.
 */
function build(options: { holders?: number; models?: number; subscribed?: boolean; limitScope?: LimitScope; counterKey?: CounterKey } = {}) {
  const { app, ns } = setup(['edge', 'models']);
  const gateway = new Gateway(ns.edge, 'gateway', {
    provider: GatewayProvider.ENVOY_GATEWAY,
    listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })],
  });
  const names = Array.from({ length: options.models ?? 2 }, (_, i) => `organisation-${i}/a-rather-long-model-name-${i}-instruct`);
  const llms = new OpenAiEndpoint(ns.models, 'llms', { gateway: gateway.listener('https'), models: names.map((name, i) => ({ name, backends: [Backend.service(`vllm-${i}`, 8000)] })) });
  const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)], tokenLimits: [TokenLimit.perDay(10_000)], models: [llms] });
  const gold = new Subscription('gold', { grants: [{ models: [llms], tokenLimits: [TokenLimit.perDay(1_000_000)], limits: [RateLimit.perMinute(50)] }] });
  const ids = Array.from({ length: options.holders ?? 120 }, (_, i) => `holder-number-${i}`);
  const holders = ids.map((userId, i) => ({ userId, tier: 'basic', remoteKey: `keys/${userId}`, subscriptions: options.subscribed && i % 3 === 0 ? [gold] : undefined }));
  const compile = () =>
    new AccessPolicy(ns.models, 'access', {
      gateway,
      routes: [llms],
      authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: { name: 'vault' }, holders })],
      tiers: [basic],
      subscriptions: options.subscribed ? [gold] : [],
      rateLimitMode: RateLimitMode.GLOBAL,
      limitScope: options.limitScope,
      counterKey: options.counterKey,
    });
  const rules = () => {
    compile();
    const objects: KubeObject[] = JSON.parse(JSON.stringify(synthObjects(app)));
    return findObject(objects, 'BackendTrafficPolicy', 'access-rate-limits', 'models').spec.rateLimit.global.rules as any[];
  };
  return { ids, names, rules, compile };
}

/** The limits counting a request, as `<requests>/<unit>/<tokens or requests>`. */
function counting(rules: any[], headers: Headers): string[] {
  return rules.filter((r) => r.clientSelectors.some((s: any) => s.headers.every((h: any) => selects(h, headers)))).map((r) => `${r.limit.requests}/${r.limit.unit}/${r.cost?.response?.metadata.key ?? 'requests'}`);
}

function values(rules: any[]): string[] {
  return rules.flatMap((r) => r.clientSelectors.flatMap((s: any) => s.headers.map((h: any) => h.value ?? '')));
}

describe('Envoy Gateway rate-limit rules over many API-key holders or models', () => {
  it('splits a tier of 120 holders into rules within 1024 characters, each holder counted once per limit', () => {
    const b = build();
    const rules = b.rules();
    expect(Math.max(...values(rules).map((v) => v.length))).toBeLessThanOrEqual(1024);
    for (const id of b.ids) {
      for (const model of b.names) {
        expect(counting(rules, { 'x-user-id': id, 'x-ai-eg-model': model }).sort()).toEqual(['10000/Day/llm_total_token', '100/Minute/requests'].sort());
      }
    }
    expect(counting(rules, { 'x-user-id': 'someone-else', 'x-ai-eg-model': b.names[0]! })).toEqual([]);
  });

  it('splits the holders of tier budgets and subscriptions alike, the subscription selection unchanged', () => {
    const b = build({ subscribed: true });
    const rules = b.rules();
    expect(Math.max(...values(rules).map((v) => v.length))).toBeLessThanOrEqual(1024);
    b.ids.forEach((id, i) => {
      const model = b.names[1]!;
      if (i % 3 === 0) {
        expect(counting(rules, { 'x-user-id': id, 'x-ai-eg-model': model }).sort()).toEqual(['1000000/Day/llm_total_token', '100/Minute/requests', '50/Minute/requests'].sort());
        expect(counting(rules, { 'x-user-id': id, 'x-ai-eg-model': model, 'x-subscription': 'gold' }).sort()).toEqual(['1000000/Day/llm_total_token', '100/Minute/requests', '50/Minute/requests'].sort());
      } else {
        expect(counting(rules, { 'x-user-id': id, 'x-ai-eg-model': model }).sort()).toEqual(['10000/Day/llm_total_token', '100/Minute/requests'].sort());
      }
    });
  });

  it('splits a budget over 40 long model names per route, each model counted once', () => {
    const b = build({ holders: 3, models: 40 });
    const rules = b.rules();
    expect(Math.max(...values(rules).map((v) => v.length))).toBeLessThanOrEqual(1024);
    for (const model of b.names) expect(counting(rules, { 'x-user-id': 'holder-number-1', 'x-ai-eg-model': model }).sort()).toEqual(['10000/Day/llm_total_token', '100/Minute/requests'].sort());
  });

  it('refuses counting per client address when the holders need two rules (two buckets for one address)', () => {
    const { message } = refusal(() => build({ counterKey: CounterKey.CLIENT_IP }).compile());
    expect(message).toContain('models/access');
    expect(message).toContain('counterKey');
    expect(message).toContain('1024');
    // Few holders: one rule, as before.
    expect(() => build({ holders: 5, counterKey: CounterKey.CLIENT_IP }).rules()).not.toThrow();
  });

  it('refuses, naming the policy, a budget of LimitScope.GATEWAY whose models need two rules (two buckets)', () => {
    const b = build({ holders: 3, models: 40, limitScope: LimitScope.GATEWAY });
    let message = '';
    try {
      b.compile();
    } catch (e) {
      if (!(e instanceof ModelServingError)) throw e;
      message = e.message;
    }
    expect(message).toContain('models/access');
    expect(message).toContain('limitScope');
    expect(message).toContain('1024');
  });

  it("keeps the models of one AIGatewayRoute in one rule (one bucket per route)", () => {
    const { app, ns } = setup(['edge', 'models']);
    const gateway = new Gateway(ns.edge, 'gateway', {
      provider: GatewayProvider.ENVOY_GATEWAY,
      listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })],
    });
    const models = (route: string) => Array.from({ length: 12 }, (_, i) => `organisation-${route}/a-rather-long-model-name-${i}-instruct`);
    const routes = ['a', 'b', 'c'].map(
      (name) =>
        new AIGatewayRoute(ns.models, `route-${name}`, {
          name,
          parents: [gateway.listener('https')],
          rules: models(name).map((m) => ({ matches: [AIGatewayRouteMatches.model(m)], backends: [{ backend: Backend.ref({ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: `pool-${name}` }) }] })),
        }),
    );
    const basic = new Tier('basic', { unlimited: true, tokenLimits: [TokenLimit.perDay(10_000)], models: routes });
    new AccessPolicy(ns.models, 'access', {
      gateway,
      routes,
      authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: { name: 'vault' }, holders: [{ userId: 'alice', tier: 'basic', remoteKey: 'keys/alice' }] })],
      tiers: [basic],
      rateLimitMode: RateLimitMode.GLOBAL,
    });
    const objects: KubeObject[] = JSON.parse(JSON.stringify(synthObjects(app)));
    const rules = findObject(objects, 'BackendTrafficPolicy', 'access-rate-limits', 'models').spec.rateLimit.global.rules as any[];
    expect(rules.length).toBeGreaterThan(1);
    for (const name of ['a', 'b', 'c']) {
      const hits = new Set(models(name).map((m) => rules.findIndex((r) => r.clientSelectors[0].headers.every((h: any) => selects(h, { 'x-user-id': 'alice', 'x-ai-eg-model': m })))));
      expect({ name, rules: hits.size, unmatched: hits.has(-1) }).toEqual({ name, rules: 1, unmatched: false });
    }
  });
});
