/**
 * Subscriptions on Envoy Gateway with Envoy AI Gateway, compiled per API-key
 * holder: which rule counts a holder's request to a model (the subscription
 * named in `x-subscription`, else the holder's highest-priority one granting
 * the model, else its tier's budgets), which authorization rule refuses a
 * header naming a subscription the holder does not hold or that does not
 * grant the model, and what cannot be compiled. Requests are evaluated
 * against the emitted objects the way Envoy applies them: a header selector
 * never matches an absent header and `invert` turns its result around
 * (envoyproxy/gateway v1.9.0 internal/xds/translator/ratelimit.go,
 * envoyproxy/envoy source/common/http/header_utility.cc); authorization
 * rules in order, first match decides, CEL over `request.headers`.
 */
import { describe, expect, it } from 'vitest';
import { isCelError, run } from '@bufbuild/cel';
import { Backend } from '../../../src/core/backend';
import { SecretRef } from '../../../src/core/secret-ref';
import { KubeObject } from '../../../src/delivery/manifest';
import { buildPlatforms } from '../../../src/delivery/pipeline';
import { AllowedRoutes } from '../../../src/gateway/allowed-routes';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { OpenAiEndpoint } from '../../../src/inference/openai-endpoint';
import { AccessPolicy } from '../../../src/policy/access-policy';
import { ApiKeyAuth, JwtAuth } from '../../../src/policy/authentication';
import { LimitScope, RateLimit, RateLimitMode, TokenLimit } from '../../../src/policy/rate-limit';
import { Subscription } from '../../../src/policy/subscription';
import { Tier } from '../../../src/policy/tier';
import { HttpRoute } from '../../../src/routing/http-route';
import { formatIssue, validateObjects } from '../../../src/validate';
import { findObject, objectsOfKind, setup, synthObjects } from '../../util';
import { refusal } from '../../reliability/hostile-helpers';

const MODELS = ['qwen', 'granite', 'llama'] as const;
type Model = (typeof MODELS)[number];

/**
 * Tiers basic (qwen, granite; 10k tokens/day) and premium (every model; 100k
 * tokens/day); subscriptions gold (priority 10: qwen and granite, 1M/day)
 * and team (priority 5: qwen and llama, 200k/day and 50 requests/minute);
 * holders alice (basic; team and gold), bob (basic), carol
 * (premium; team), dan (premium).
 */
function build(options: { limitScope?: LimitScope; jwt?: boolean; httpRoute?: boolean } = {}) {
  const { app, ns } = setup(['edge', 'models']);
  const gateway = new Gateway(ns.edge, 'gateway', {
    provider: GatewayProvider.ENVOY_GATEWAY,
    listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })],
  });
  const llms = new OpenAiEndpoint(ns.models, 'llms', { gateway: gateway.listener('https'), models: MODELS.map((m) => ({ name: m, backends: [Backend.service(`${m}-vllm`, 8000)] })) });
  const plain = options.httpRoute ? new HttpRoute(ns.models, 'plain', { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('plain', 8000)] }] }) : undefined;
  const model = (m: Model) => llms.model(m);
  const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)], tokenLimits: [TokenLimit.perDay(10_000)], models: [model('qwen'), model('granite')] });
  const premium = new Tier('premium', { unlimited: true, tokenLimits: [TokenLimit.perDay(100_000)], models: [llms] });
  const gold = new Subscription('gold', { priority: 10, grants: [{ models: [model('qwen'), model('granite'), ...(plain ? [plain] : [])], tokenLimits: [TokenLimit.perDay(1_000_000)] }] });
  const team = new Subscription('team', { priority: 5, grants: [{ models: [model('qwen'), model('llama')], tokenLimits: [TokenLimit.perDay(200_000)], limits: [RateLimit.perMinute(50)] }] });
  const authentication = options.jwt
    ? [new JwtAuth({ issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks.json', claimsToHeaders: { tier: 'x-user-tier', sub: 'x-user-id' } })]
    : [
        ApiKeyAuth.fromExternalSecrets({
          secretStore: { name: 'vault' },
          holders: [
            { userId: 'alice', tier: 'basic', remoteKey: 'keys/alice', subscriptions: [team, gold] },
            { userId: 'bob', tier: 'basic', remoteKey: 'keys/bob' },
            { userId: 'carol', tier: 'premium', remoteKey: 'keys/carol', subscriptions: [team] },
            { userId: 'dan', tier: 'premium', remoteKey: 'keys/dan' },
          ],
        }),
      ];
  const compile = () =>
    new AccessPolicy(ns.models, 'access', {
      gateway,
      routes: [llms, ...(plain ? [plain] : [])],
      authentication,
      tiers: [basic, premium],
      subscriptions: [gold, team],
      rateLimitMode: RateLimitMode.GLOBAL,
      limitScope: options.limitScope,
    });
  return { app, compile };
}

type Headers = Readonly<Record<string, string>>;

/** A rate-limit header selector applied as Envoy applies it. */
function selects(h: any, headers: Headers): boolean {
  const v = headers[h.name];
  if (h.type === 'Distinct') return v !== undefined;
  const match = v !== undefined && (h.type === 'Exact' ? v === h.value : new RegExp(`^(?:${h.value})$`).test(v));
  return h.invert === true ? !match : match;
}

function compiled() {
  const { app, compile } = build();
  compile();
  const objects: KubeObject[] = JSON.parse(JSON.stringify(synthObjects(app)));
  const rules: any[] = findObject(objects, 'BackendTrafficPolicy', 'access-rate-limits', 'models').spec.rateLimit.global.rules;
  /** The rules counting a request: `<tokens or requests>/<unit>` per rule. */
  const counting = (clientId: string, model: Model, subscription?: string) => {
    const headers: Headers = { 'x-user-id': clientId, 'x-ai-eg-model': model, ...(subscription !== undefined ? { 'x-subscription': subscription } : {}) };
    return rules.filter((r) => r.clientSelectors.some((s: any) => s.headers.every((h: any) => selects(h, headers))));
  };
  const tokens = (clientId: string, model: Model, subscription?: string) =>
    counting(clientId, model, subscription)
      .filter((r) => r.cost?.response)
      .map((r) => r.limit.requests)
      .sort((a, b) => a - b);
  /** The name and action of the first authorization rule a `POST /v1/chat/completions` meets on the model's route. */
  const decision = (clientId: string, model: Model, subscription?: string) => {
    const sp = findObject(objects, 'SecurityPolicy', `access-llms-${model}`, 'models');
    const headers: Headers = { 'x-user-id': clientId, ...(subscription !== undefined ? { 'x-subscription': subscription } : {}) };
    const principal = (p: any) => p === undefined || p.headers.every((h: any) => h.values.includes(headers[h.name]));
    const cel = (x: string | undefined) => {
      if (x === undefined) return true;
      const result = run(x, { request: { headers: { ...headers }, method: 'POST', path: '/v1/chat/completions' } } as Parameters<typeof run>[1]);
      return !isCelError(result) && result === true;
    };
    const hit = sp.spec.authorization.rules.find((r: any) => principal(r.principal) && cel(r.cel));
    return hit ? `${hit.action} ${hit.name}` : `${sp.spec.authorization.defaultAction} (default)`;
  };
  return { objects, rules, counting, tokens, decision };
}

describe('subscriptions on Envoy Gateway, per API-key holder', () => {
  const c = compiled();

  it('counts a request without the header against the highest-priority subscription the holder holds for the model', () => {
    // alice holds gold (10) and team (5): gold on qwen and granite, team on llama (gold does not grant it).
    expect(c.tokens('alice', 'qwen')).toEqual([1_000_000]);
    expect(c.tokens('alice', 'granite')).toEqual([1_000_000]);
    expect(c.tokens('alice', 'llama')).toEqual([200_000]);
    // carol holds team only.
    expect(c.tokens('carol', 'qwen')).toEqual([200_000]);
    expect(c.tokens('carol', 'llama')).toEqual([200_000]);
  });

  it('counts a request naming a subscription in the header against that one, and only there', () => {
    expect(c.tokens('alice', 'qwen', 'team')).toEqual([200_000]);
    expect(c.tokens('alice', 'qwen', 'gold')).toEqual([1_000_000]);
    expect(c.decision('alice', 'qwen', 'team')).toBe('Allow basic/team');
    expect(c.decision('alice', 'qwen', 'gold')).toBe('Allow basic/gold');
    // The rules of alice's team budget on qwen require the header: her request without it is not counted by team there.
    const team = c.rules.filter((r) => r.cost?.response && r.limit.requests === 200_000);
    const onQwen = team.filter((r) => r.clientSelectors[0].headers.some((h: any) => h.name === 'x-ai-eg-model' && selects(h, { 'x-ai-eg-model': 'qwen' })) && r.clientSelectors[0].headers.some((h: any) => h.name === 'x-user-id' && h.type !== 'Distinct' && selects(h, { 'x-user-id': 'alice' })));
    expect(onQwen.map((r) => r.clientSelectors[0].headers.find((h: any) => h.name === 'x-subscription'))).toEqual([{ name: 'x-subscription', type: 'Exact', value: 'team' }]);
  });

  it('refuses (403) a header naming a subscription the holder does not hold or that does not grant the model, before any budget counts', () => {
    expect(c.decision('carol', 'qwen', 'gold')).toBe('Deny refuse-subscription-header');
    expect(c.decision('alice', 'llama', 'gold')).toBe('Deny refuse-subscription-header');
    expect(c.decision('alice', 'qwen', 'platinum')).toBe('Deny refuse-subscription-header');
    expect(c.decision('bob', 'qwen', 'team')).toBe('Deny refuse-subscription-header');
    expect(c.decision('bob', 'qwen', '')).toBe('Deny refuse-subscription-header');
    // A valid header does not open a model the tier refuses: that is the tier's 403, named after the subscription.
    expect(c.decision('alice', 'llama', 'team')).toBe('Deny team:other-tiers');
    expect(c.decision('alice', 'llama')).toBe('Deny (default)');
    // Without the header the tier decides, as without subscriptions.
    expect(c.decision('bob', 'qwen')).toBe('Allow basic');
    expect(c.decision('carol', 'llama', 'team')).toBe('Allow premium/team');
  });

  it("counts the tier's budgets only for its holders no subscription counts on the model", () => {
    expect(c.tokens('bob', 'qwen')).toEqual([10_000]);
    expect(c.tokens('dan', 'llama')).toEqual([100_000]);
    // carol holds team, which does not grant granite: her tier counts there, and only there.
    expect(c.tokens('carol', 'granite')).toEqual([100_000]);
    const tierRules = c.rules.filter((r) => r.cost?.response && [10_000, 100_000].includes(r.limit.requests));
    const selectsClient = (r: any, id: string) => r.clientSelectors[0].headers.some((h: any) => h.name === 'x-user-id' && h.type !== 'Distinct' && selects(h, { 'x-user-id': id }));
    const models = (r: any) => MODELS.filter((m) => selects(r.clientSelectors[0].headers.find((h: any) => h.name === 'x-ai-eg-model'), { 'x-ai-eg-model': m }));
    expect(tierRules.filter((r) => selectsClient(r, 'alice'))).toEqual([]);
    expect(tierRules.filter((r) => selectsClient(r, 'carol')).map(models)).toEqual([['granite']]);
    expect(tierRules.filter((r) => selectsClient(r, 'dan')).map(models)).toEqual([['qwen', 'granite', 'llama']]);
    // No tier rule reads the subscription header: a request that carries one is counted by a subscription or refused.
    expect(tierRules.every((r) => r.clientSelectors[0].headers.every((h: any) => h.name !== 'x-subscription'))).toBe(true);
  });

  it('counts every (holder, model, header) request in at most one bucket per budget, and subscription request limits only while the subscription is selected', () => {
    for (const id of ['alice', 'bob', 'carol', 'dan']) {
      for (const m of MODELS) {
        for (const header of [undefined, 'gold', 'team']) {
          const hits = c.counting(id, m, header).map((r) => `${r.limit.requests}/${r.limit.unit}/${r.cost?.response?.metadata.key ?? 'requests'}`);
          expect({ id, m, header, twice: hits.filter((x, i) => hits.indexOf(x) !== i) }).toEqual({ id, m, header, twice: [] });
        }
      }
    }
    // Requests per minute: basic's 100 for its holders, team's 50 added while team is selected (premium is unlimited).
    const requestLimit = (id: string, m: Model, header?: string) =>
      c
        .counting(id, m, header)
        .filter((r) => !r.cost)
        .map((r) => `${r.limit.requests}/${r.limit.unit}`)
        .sort();
    expect(requestLimit('carol', 'llama')).toEqual(['50/Minute']);
    expect(requestLimit('carol', 'qwen', 'team')).toEqual(['50/Minute']);
    expect(requestLimit('alice', 'llama')).toEqual(['100/Minute', '50/Minute']);
    // gold is alice's default on qwen: team's request limit counts there only when she names team.
    expect(requestLimit('alice', 'qwen')).toEqual(['100/Minute']);
    expect(requestLimit('alice', 'qwen', 'team')).toEqual(['100/Minute', '50/Minute']);
    expect(requestLimit('dan', 'llama')).toEqual([]);
  });

  it('emits objects the pinned CRDs accept, the holders subscriptions on their key Secrets, and says so in POLICY.md', () => {
    const issues = validateObjects(c.objects.map((object) => ({ object, file: `${object.kind}/${object.metadata.name}` })), { gatewayApiChannel: 'standard' });
    expect(issues.map(formatIssue)).toEqual([]);
    const annotations = (id: string) => objectsOfKind(c.objects, 'ExternalSecret').find((e) => e.metadata.name === `access-key-${id}`)!.spec.target.template.metadata.annotations;
    expect(annotations('alice')['models.cdk8s.io/subscriptions']).toBe('team,gold');
    expect(annotations('bob')['models.cdk8s.io/subscriptions']).toBeUndefined();
    const { app, compile } = build();
    compile();
    const policyMd = buildPlatforms(app)[0]!.files['POLICY.md']!;
    expect(policyMd).toContain('refuse-subscription-header');
    expect(policyMd).toMatch(/\| gold \| 10 \| llms-granite, llms-qwen \|/);
  });

  it('a selector matching any value but the subscription, inverted, holds without the header or with exactly that name', () => {
    const rule = c.rules.find((r) => r.clientSelectors[0].headers.some((h: any) => h.name === 'x-subscription' && h.invert === true && selects(h, { 'x-subscription': 'gold' })))!;
    const h = rule.clientSelectors[0].headers.find((x: any) => x.name === 'x-subscription');
    for (const v of ['', 'g', 'go', 'gol', 'golden', 'gold ', 'old', 'Gold', 'xgold', 'team', 'gole']) expect({ v, selected: selects(h, { 'x-subscription': v }) }).toEqual({ v, selected: false });
    expect(selects(h, {})).toBe(true);
    expect(selects(h, { 'x-subscription': 'gold' })).toBe(true);
  });
});

describe('subscriptions Envoy Gateway refuses', () => {
  it('with JWT, naming the claim and the API-key alternative', () => {
    const { compile } = build({ jwt: true });
    expect(refusal(compile).message).toMatch(/subscriptions cannot be expressed by provider 'envoy-gateway'.*claim 'subscriptions' at request time.*use API keys.*ApiKeyAuth\.fromExternalSecrets.*Kuadrant engine/s);
  });

  it('on a route that is not an Envoy AI Gateway route (no token counts, no model header)', () => {
    const { compile } = build({ httpRoute: true });
    expect(refusal(compile).message).toMatch(/subscriptions\(gold\)\.grants\[0\]\.tokenLimits\[0\] cannot be expressed by provider 'envoy-gateway'.*HTTPRoute\/plain.*OpenAiEndpoint/s);
  });

  it('with one bucket per gateway, when a holder would need two buckets for one budget', () => {
    // alice: team is her default on llama but counted only when named on qwen (gold wins there).
    const { compile } = build({ limitScope: LimitScope.GATEWAY });
    expect(refusal(compile).message).toMatch(/limitScope cannot be expressed by provider 'envoy-gateway'.*alice.*subscription 'team' is the default on some of its models \(llms-llama\).*\(llms-qwen\).*use LimitScope\.ROUTE/s);
  });
});
