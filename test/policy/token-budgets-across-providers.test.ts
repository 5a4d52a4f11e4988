/**
 * Acceptance test of issue 17 §4: ONE access intent with token budgets
 * (tiers with request limits and total/input/output/cached-input budgets,
 * per-model budgets, subscriptions with grants, API keys and JWT, three
 * models) declared by one function and compiled for Istio + Kuadrant,
 * Envoy Gateway + Envoy AI Gateway, and agentgateway. Each provider's
 * synthesized objects (only them, never the intent objects) are read back
 * into provider-neutral budgets (`BudgetEntry`) and per-caller decisions
 * (who may call which model; which budgets count its request) and compared
 * with what the intent means (`intentBudgets`, `intentBudgetsFor`) and with
 * one list of facts written by hand. What a provider cannot count is
 * refused, naming the engine and the alternative; the largest part of the
 * intent it can count is compiled instead.
 */
import { describe, expect, it } from 'vitest';
import { isCelError, run } from '@bufbuild/cel';
import { AgentgatewayAiFormat, AgentgatewayAiProvider, AgentgatewayBackend } from '../../src/agentgateway';
import { Backend } from '../../src/core/backend';
import { ModelServingError } from '../../src/core/errors';
import { Namespace } from '../../src/core/namespace';
import { SecretRef } from '../../src/core/secret-ref';
import { KubeObject } from '../../src/delivery/manifest';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { OpenAiEndpoint } from '../../src/inference/openai-endpoint';
import { AccessPolicy } from '../../src/policy/access-policy';
import { ApiKeyAuth, Authentication, JwtAuth } from '../../src/policy/authentication';
import { Kuadrant } from '../../src/policy/kuadrant';
import type { IPolicyRoute } from '../../src/policy/policy-route';
import { LimitScope, RateLimit, RateLimitMode, TokenCount, TokenLimit } from '../../src/policy/rate-limit';
import { RedisReference } from '../../src/policy/redis';
import { Subscription } from '../../src/policy/subscription';
import { ITierTarget, Tier } from '../../src/policy/tier';
import { HttpRoute } from '../../src/routing/http-route';
import { PathMatch } from '../../src/routing/match';
import { formatIssue, validateObjects } from '../../src/validate';
import { setup, synthObjects } from '../util';
import { BudgetCaller, BudgetEntry, BudgetReader, intentBudgets, intentBudgetsFor, kuadrantBudgetReader } from './budget-readback';
import { agentgatewayBudgetReader, agentgatewayMayCall } from './budget-readback-agentgateway';
import { envoyAiGatewayBudgetReader, envoyGatewayMayCall, envoyGatewayRepresents } from './budget-readback-envoy-ai-gateway';

// ---------------------------------------------------------------------------
// The intent
// ---------------------------------------------------------------------------

const NS = 'llm';
type ModelName = 'qwen3' | 'granite' | 'llama';
const MODELS: readonly ModelName[] = ['qwen3', 'granite', 'llama'];

/**
 * What a variant of the intent keeps: the token kinds counted, the
 * subscriptions (and request limits in their grants), JWT, API keys. The full intent keeps all; a
 * provider that refuses a part gets the largest variant it can express.
 */
interface Variant {
  readonly counts: readonly TokenCount[];
  readonly subscriptions: boolean;
  /** A request limit inside a subscription grant (gold: 120 requests/minute on granite). */
  readonly grantLimits: boolean;
  readonly jwt: boolean;
  readonly apiKeys: boolean;
}
const FULL: Variant = { counts: [TokenCount.TOTAL, TokenCount.INPUT, TokenCount.OUTPUT, TokenCount.CACHED_INPUT], subscriptions: true, grantLimits: true, jwt: true, apiKeys: true };

/** The models, served the provider's way; route names are `llm-<model>` on every provider. */
interface ServedModels {
  readonly routes: ReadonlyArray<IPolicyRoute | ITierTarget>;
  readonly model: (name: ModelName) => ITierTarget;
}

/**
 * The three models behind the gateway, route names `llm-<model>` on every
 * provider: on Envoy Gateway one OpenAiEndpoint routed on the body's model
 * (Envoy AI Gateway makes one route per model, `<endpoint>-<model>`; llama
 * falls back to a second server, so its route has its own
 * BackendTrafficPolicy, which the budgets join); on agentgateway one
 * HTTPRoute per model to an AgentgatewayBackend (agentgateway counts tokens
 * of LLM backends only); on Istio one HTTPRoute per model under its path.
 *
 * agentgateway's OpenAiEndpoint is not used: its compiler gives every model
 * the shared `GET /v1/models` route too, so a subscription granting two
 * models in two grants is refused ("grants 'llm-models', which grants[0]
 * grants already") and each per-model budget also lands on the list route.
 */
function serveModels(provider: GatewayProvider, ns: Namespace, gateway: Gateway): ServedModels {
  if (provider === GatewayProvider.ENVOY_GATEWAY) {
    const backends = (m: ModelName) => (m === 'llama' ? [Backend.service('llama-vllm', 8000), Backend.service('llama-vllm-spare', 8000)] : [Backend.service(`${m}-vllm`, 8000)]);
    const llm = new OpenAiEndpoint(ns, 'llm', { gateway: gateway.listener('https'), models: MODELS.map((m) => ({ name: m, backends: backends(m) })) });
    return { routes: [llm], model: (m) => llm.model(m) };
  }
  const backend = (m: ModelName) =>
    provider === GatewayProvider.AGENTGATEWAY
      ? new AgentgatewayBackend(ns, `${m}-backend`, { provider: AgentgatewayAiProvider.custom({ backend: Backend.service(`${m}-vllm`, 8000), formats: [AgentgatewayAiFormat.COMPLETIONS] }) })
      : Backend.service(`${m}-vllm`, 8000);
  const routes = new Map(MODELS.map((m) => [m, new HttpRoute(ns, `llm-${m}`, { parents: [gateway.listener('https')], rules: [{ matches: [{ path: PathMatch.prefix(`/${m}`) }], backends: [backend(m)] }] })]));
  return { routes: [...routes.values()], model: (m) => routes.get(m)! };
}

/**
 * THE intent, for any provider (the variant drops what a provider refuses):
 *
 * - tier free: qwen3; 100 requests/minute; 10k total tokens/minute;
 * - tier pro (inherits free, adds granite): 1000 requests/minute; 100k total
 *   tokens/hour on each model, 20k total tokens/minute on granite, 60k input
 *   tokens/hour, 30k output tokens/hour on granite;
 * - tier enterprise (inherits pro, every model, no request limit): 1M total
 *   tokens/day, 500k cached input tokens/day;
 * - subscription gold (priority 10): qwen3 with 1M total tokens/day; granite
 *   with 50k total and 20k output tokens/minute and 120 requests/minute;
 * - subscription team (priority 5): qwen3 and llama with 200k total
 *   tokens/day, and on llama 20k total tokens/hour and 100k input tokens/day;
 * - JWT (tier claim `tier`, subscriptions claim `subs`) and API keys (alice:
 *   free with team and gold; bob: pro; carol: enterprise; dave: free; eve:
 *   free with team; erin: pro with gold and team; frank: enterprise with
 *   team; grace: pro with gold: a key holder for each caller described below
 *   that API keys can express).
 *
 * Counted per user, per model (or, with `limitScope` GATEWAY, in one bucket
 * per budget across the models it covers), in global counters.
 */
function declareIntent(provider: GatewayProvider, variant: Variant = FULL, limitScope?: LimitScope) {
  const { app, ns } = setup(['gateway', NS, ...(provider === GatewayProvider.ISTIO ? ['kuadrant-system'] : [])]);
  if (provider === GatewayProvider.ISTIO) new Kuadrant(ns['kuadrant-system'], 'kuadrant');
  const gateway = new Gateway(ns.gateway, 'llm-gateway', {
    provider,
    listeners: [Listener.https({ certificates: [SecretRef.named('llm-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns[NS]]) })],
  });
  const { routes, model } = serveModels(provider, ns[NS], gateway);
  const kept = (...limits: TokenLimit[]) => limits.filter((l) => variant.counts.includes(l.counts));
  const { qwen3, granite, llama } = { qwen3: model('qwen3'), granite: model('granite'), llama: model('llama') };

  const free = new Tier('free', { limits: [RateLimit.perMinute(100)], tokenLimits: kept(TokenLimit.perMinute(10_000)), models: [qwen3] });
  const pro = new Tier('pro', {
    limits: [RateLimit.perMinute(1000)],
    tokenLimits: kept(
      TokenLimit.perHour(100_000),
      TokenLimit.perMinute(20_000, { models: [granite] }),
      TokenLimit.perHour(60_000, { counts: TokenCount.INPUT }),
      TokenLimit.perHour(30_000, { counts: TokenCount.OUTPUT, models: [granite] }),
    ),
    models: [granite],
    inherits: free,
  });
  const enterprise = new Tier('enterprise', { unlimited: true, tokenLimits: kept(TokenLimit.perDay(1_000_000), TokenLimit.perDay(500_000, { counts: TokenCount.CACHED_INPUT })), models: '*', inherits: pro });

  const gold = new Subscription('gold', {
    priority: 10,
    grants: [
      { models: [qwen3], tokenLimits: kept(TokenLimit.perDay(1_000_000)) },
      { models: [granite], tokenLimits: kept(TokenLimit.perMinute(50_000), TokenLimit.perMinute(20_000, { counts: TokenCount.OUTPUT })), limits: variant.grantLimits ? [RateLimit.perMinute(120)] : undefined },
    ],
  });
  const team = new Subscription('team', { priority: 5, grants: [{ models: [qwen3, llama], tokenLimits: kept(TokenLimit.perDay(200_000), TokenLimit.perHour(20_000, { models: [llama] }), TokenLimit.perDay(100_000, { counts: TokenCount.INPUT, models: [llama] })) }] });
  const subscriptions = variant.subscriptions ? [gold, team] : [];

  const authentication: Authentication[] = [];
  // agentgateway fetches the JWKS through a backend reference (infrastructure, not intent).
  const jwksBackend = provider === GatewayProvider.AGENTGATEWAY ? Backend.service('sso', 8443) : undefined;
  if (variant.jwt) authentication.push(new JwtAuth({ issuer: 'https://sso.example.com/realms/llm', jwksUri: 'https://sso.example.com/realms/llm/certs', audiences: ['llm'], tierClaim: 'tier', subscriptionsClaim: 'subs', jwksBackend }));
  if (variant.apiKeys) {
    authentication.push(
      ApiKeyAuth.fromExternalSecrets({
        secretStore: { name: 'vault' },
        holders: [
          { userId: 'alice', tier: 'free', remoteKey: 'llm/keys/alice', subscriptions: variant.subscriptions ? [team, gold] : undefined },
          { userId: 'bob', tier: 'pro', remoteKey: 'llm/keys/bob' },
          { userId: 'carol', tier: 'enterprise', remoteKey: 'llm/keys/carol' },
          { userId: 'dave', tier: 'free', remoteKey: 'llm/keys/dave' },
          ...(variant.subscriptions
            ? [
                { userId: 'eve', tier: 'free', remoteKey: 'llm/keys/eve', subscriptions: [team] },
                { userId: 'erin', tier: 'pro', remoteKey: 'llm/keys/erin', subscriptions: [gold, team] },
                { userId: 'frank', tier: 'enterprise', remoteKey: 'llm/keys/frank', subscriptions: [team] },
                { userId: 'grace', tier: 'pro', remoteKey: 'llm/keys/grace', subscriptions: [gold] },
              ]
            : []),
        ],
      }),
    );
  }
  // agentgateway runs its own rate limit service, whose counters live in Redis (infrastructure, not intent).
  const redis = provider === GatewayProvider.AGENTGATEWAY ? RedisReference.of({ host: 'redis.data.svc.cluster.local', namespace: 'data' }) : undefined;
  const build = () => new AccessPolicy(ns[NS], 'access', { gateway, routes, authentication, tiers: [free, pro, enterprise], subscriptions, rateLimitMode: RateLimitMode.GLOBAL, redis, limitScope });
  return { app, build };
}

// ---------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------

/** Every budget of the full intent, stated once by hand: `<route> <holder> <counts> <limit>/<window>s`. */
const FULL_BUDGETS: readonly string[] = [
  'llm-granite subscription:gold output 20000/60s',
  'llm-granite subscription:gold total 50000/60s',
  'llm-granite tier:enterprise cached-input 500000/86400s',
  'llm-granite tier:enterprise total 1000000/86400s',
  'llm-granite tier:pro input 60000/3600s',
  'llm-granite tier:pro output 30000/3600s',
  'llm-granite tier:pro total 20000/60s',
  'llm-granite tier:pro total 100000/3600s',
  'llm-llama subscription:team input 100000/86400s',
  'llm-llama subscription:team total 20000/3600s',
  'llm-llama subscription:team total 200000/86400s',
  'llm-llama tier:enterprise cached-input 500000/86400s',
  'llm-llama tier:enterprise total 1000000/86400s',
  'llm-qwen3 subscription:gold total 1000000/86400s',
  'llm-qwen3 subscription:team total 200000/86400s',
  'llm-qwen3 tier:enterprise cached-input 500000/86400s',
  'llm-qwen3 tier:enterprise total 1000000/86400s',
  'llm-qwen3 tier:free total 10000/60s',
  'llm-qwen3 tier:pro input 60000/3600s',
  'llm-qwen3 tier:pro total 100000/3600s',
];

const show = (e: BudgetEntry) => `${e.route} ${e.holderKind}:${e.holder} ${e.counts} ${e.limit}/${e.windowSeconds}s`;
/** The hand-written facts a variant keeps. */
const expectedFor = (v: Variant) => FULL_BUDGETS.filter((s) => v.counts.includes(s.split(' ')[2] as TokenCount) && (v.subscriptions || !s.includes(' subscription:')));

const ROUTES = MODELS.map((m) => `llm-${m}`);
const TIERS = ['free', 'pro', 'enterprise', 'guest'];

/** Callers without subscriptions: every tier, and a tier the policy does not define. */
const TIER_CALLERS: readonly BudgetCaller[] = TIERS.map((tier) => ({ tier }));
/** Callers holding subscriptions (JWT claim lists and key annotations), with and without a selection header. */
const SUBSCRIBED_CALLERS: readonly BudgetCaller[] = [
  { tier: 'free', subscriptions: ['team'] },
  { tier: 'free', subscriptions: ['team', 'gold'] },
  { tier: 'free', subscriptions: 'team,gold' },
  { tier: 'pro', subscriptions: 'gold team' },
  { tier: 'enterprise', subscriptions: ['team'] },
  { tier: 'free', subscriptions: ['team', 'gold'], header: 'team' },
  { tier: 'free', subscriptions: ['team'], header: 'gold' },
  { tier: 'pro', subscriptions: ['gold'], header: 'platinum' },
  { tier: 'pro', subscriptions: 'goldfish' },
];

/** Who may call a model, read out of one provider's objects. */
type MayCall = (objects: readonly KubeObject[], tier: string, route: string) => boolean;

function celTrue(expression: string, bindings: Record<string, unknown>): boolean {
  const result = run(expression, bindings as Parameters<typeof run>[1]);
  return !isCelError(result) && result === true;
}

/** Kuadrant: every AuthPolicy authorization rule that applies (`when`) must hold, evaluated as Authorino would. */
const kuadrantMayCall: MayCall = (objects, tier, route) => {
  const auth = objects.find((o: any) => o.kind === 'AuthPolicy' && o.spec.targetRef.name === route) as any;
  const bindings = { auth: { identity: { tier, userid: 'caller' } }, context: { request: { http: { method: 'POST', path: `/${route.slice(4)}/v1/chat/completions`, headers: {} } } } };
  return Object.values(auth.spec.rules.authorization as Record<string, any>).every((r) => !(r.when ?? []).every((w: any) => celTrue(w.predicate, bindings)) || r.patternMatching.patterns.every((p: any) => celTrue(p.predicate, bindings)));
};

/** One provider under test: the variant it compiles, its readers, and the refusals of the parts it cannot express. */
interface ProviderCase {
  readonly name: string;
  readonly provider: GatewayProvider;
  readonly variant: Variant;
  /** @default LimitScope.ROUTE */
  readonly limitScope?: LimitScope;
  readonly reader: BudgetReader;
  readonly mayCall: MayCall;
  /** The described callers the provider's objects can stand for (API-key callers are the key holders compiled in). @default every caller */
  readonly represents?: (objects: readonly KubeObject[], caller: BudgetCaller, route: string) => boolean;
  /** Variants the provider refuses, and the message (engine, limit, alternative). */
  readonly refusals: ReadonlyArray<{ readonly variant: Variant; readonly message: RegExp }>;
}

const TOTAL_ONLY = [TokenCount.TOTAL];
const CASES: readonly ProviderCase[] = [
  {
    name: 'Istio + Kuadrant',
    provider: GatewayProvider.ISTIO,
    variant: { ...FULL, counts: TOTAL_ONLY },
    reader: kuadrantBudgetReader,
    mayCall: kuadrantMayCall,
    refusals: [
      { variant: { ...FULL, counts: [TokenCount.TOTAL, TokenCount.INPUT] }, message: /tiers\(pro\)\.tokenLimits\[2\] cannot be expressed by provider 'kuadrant'.*usage\.prompt_tokens.*counts only usage\.total_tokens.*Envoy AI Gateway.*agentgateway/s },
      { variant: { ...FULL, counts: [TokenCount.TOTAL, TokenCount.OUTPUT] }, message: /tiers\(pro\)\.tokenLimits\[2\] cannot be expressed by provider 'kuadrant'.*usage\.completion_tokens.*counts only usage\.total_tokens.*Envoy AI Gateway.*agentgateway/s },
      { variant: { ...FULL, counts: [TokenCount.TOTAL, TokenCount.CACHED_INPUT] }, message: /tiers\(enterprise\)\.tokenLimits\[1\] cannot be expressed by provider 'kuadrant'.*cached_tokens.*counts only usage\.total_tokens.*Envoy AI Gateway.*agentgateway/s },
    ],
  },
  {
    name: 'Envoy Gateway + Envoy AI Gateway',
    provider: GatewayProvider.ENVOY_GATEWAY,
    variant: { ...FULL, subscriptions: false, apiKeys: false },
    reader: envoyAiGatewayBudgetReader,
    mayCall: (objects, tier, route) => envoyGatewayMayCall(objects, NS, tier, route),
    refusals: [
      { variant: { ...FULL, apiKeys: false }, message: /subscriptions cannot be expressed by provider 'envoy-gateway'.*claim 'subs'.*subscription selection rule.*use API keys.*Kuadrant engine/s },
      { variant: { ...FULL, subscriptions: false }, message: /authentication cannot be expressed by provider 'envoy-gateway'.*Kuadrant engine/s },
    ],
  },
  {
    // Subscriptions compiled per key holder: the rules select client ids, the model and the selection header.
    name: 'Envoy Gateway + Envoy AI Gateway (API keys)',
    provider: GatewayProvider.ENVOY_GATEWAY,
    variant: { ...FULL, jwt: false },
    reader: envoyAiGatewayBudgetReader,
    mayCall: (objects, tier, route) => envoyGatewayMayCall(objects, NS, tier, route),
    represents: (objects, caller, route) => envoyGatewayRepresents(objects, NS, caller, route),
    refusals: [],
  },
  {
    name: 'agentgateway',
    provider: GatewayProvider.AGENTGATEWAY,
    variant: { ...FULL, grantLimits: false, apiKeys: false },
    reader: agentgatewayBudgetReader,
    mayCall: agentgatewayMayCall,
    refusals: [
      { variant: { ...FULL, apiKeys: false }, message: /subscriptions\(gold\)\.grants\[1\]\.limits cannot be expressed by provider 'agentgateway'.*give the request limits to the tiers, or use KUADRANT_POLICY_ENGINE/s },
      { variant: { ...FULL, grantLimits: false }, message: /authentication cannot be expressed by provider 'agentgateway'.*KUADRANT_POLICY_ENGINE/s },
    ],
  },
  {
    // One bucket per budget for the gateway: each budget must still count only on the models it covers.
    name: 'agentgateway (one bucket per gateway)',
    provider: GatewayProvider.AGENTGATEWAY,
    variant: { ...FULL, grantLimits: false, apiKeys: false },
    limitScope: LimitScope.GATEWAY,
    reader: agentgatewayBudgetReader,
    mayCall: agentgatewayMayCall,
    refusals: [],
  },
  {
    name: 'agentgateway (API keys)',
    provider: GatewayProvider.AGENTGATEWAY,
    variant: { ...FULL, grantLimits: false, jwt: false },
    reader: agentgatewayBudgetReader,
    mayCall: agentgatewayMayCall,
    refusals: [],
  },
];

// ---------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------

/** Compiles the provider's variant; its objects as the YAML carries them (plain JSON, no construct). */
function compile(c: ProviderCase) {
  const intent = declareIntent(c.provider, c.variant, c.limitScope);
  const policy = intent.build();
  const objects: KubeObject[] = JSON.parse(JSON.stringify(synthObjects(intent.app)));
  return { policy, objects };
}

function refusal(f: () => unknown): ModelServingError {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelServingError) return e;
    throw e;
  }
  throw new Error('expected a ModelServingError');
}

const compiled = new Map(CASES.map((c) => [c.name, compile(c)]));

describe.each(CASES)('one token-budget intent on $name', (c) => {
  const { policy, objects } = compiled.get(c.name)!;

  it('refuses the parts of the intent it cannot count, naming the engine, the limit and the alternative', () => {
    for (const r of c.refusals) expect(refusal(() => declareIntent(c.provider, r.variant).build()).message).toMatch(r.message);
  });

  it('emits objects the pinned CRDs accept', () => {
    const issues = validateObjects(objects.map((object) => ({ object, file: `${object.kind}/${object.metadata.name}` })), { gatewayApiChannel: 'standard' });
    expect(issues.map(formatIssue)).toEqual([]);
  });

  it('reads back into every budget of the intent it can count: the same holders, models, kinds, limits and windows', () => {
    const read = c.reader.budgets(objects);
    expect(read).toEqual(intentBudgets(policy));
    expect(read.map(show)).toEqual(expectedFor(c.variant));
  });

  it('reads back into the same per-caller decisions: who may call which model, which budgets count the request', () => {
    const described = c.variant.subscriptions ? [...TIER_CALLERS, ...SUBSCRIBED_CALLERS] : TIER_CALLERS;
    for (const route of ROUTES) {
      const callers = described.filter((caller) => c.represents?.(objects, caller, route) ?? true);
      // API keys stand for every described caller but the one holding a subscription the policy does not define.
      if (c.represents) expect(callers.length).toBe(described.length - (c.variant.subscriptions ? 1 : 0));
      const r = policy.routes.find((x) => x.routeName === route)!;
      for (const tier of TIERS) expect({ tier, route, allowed: c.mayCall(objects, tier, route) }).toEqual({ tier, route, allowed: policy.tier(tier)?.allows(r) ?? false });
      for (const caller of callers) expect({ caller, route, budgets: c.reader.budgetsFor(objects, caller, route) }).toEqual({ caller, route, budgets: intentBudgetsFor(policy, caller, route) });
      // And by the hand-written facts: a caller without subscriptions is counted by its own tier's budgets on the model.
      for (const caller of TIER_CALLERS) {
        const read = c.reader.budgetsFor(objects, caller, route);
        expect({ caller, route, read: read === 'refused' ? read : read.map(show) }).toEqual({ caller, route, read: expectedFor(c.variant).filter((s) => s.startsWith(`${route} tier:${caller.tier} `)) });
      }
    }
  });
});

describe('the providers agree', () => {
  const read = (name: string) => {
    const c = CASES.find((x) => x.name === name)!;
    return c.reader.budgets(compiled.get(name)!.objects).map(show);
  };

  it.each(['Istio + Kuadrant', 'Envoy Gateway + Envoy AI Gateway (API keys)'])('a subscriber is counted by the subscription the rule selects (%s)', (name) => {
    const c = CASES.find((x) => x.name === name)!;
    const { objects } = compiled.get(name)!;
    const holders = (caller: BudgetCaller, route: string) => {
      const b = c.reader.budgetsFor(objects, caller, route);
      return b === 'refused' ? b : b.map(show).filter((x) => x.includes(' total '));
    };
    expect(holders({ tier: 'free', subscriptions: ['team', 'gold'] }, 'llm-qwen3')).toEqual(['llm-qwen3 subscription:gold total 1000000/86400s']);
    expect(holders({ tier: 'free', subscriptions: ['team', 'gold'], header: 'team' }, 'llm-qwen3')).toEqual(['llm-qwen3 subscription:team total 200000/86400s']);
    expect(holders({ tier: 'enterprise', subscriptions: ['team'] }, 'llm-llama')).toEqual(['llm-llama subscription:team total 20000/3600s', 'llm-llama subscription:team total 200000/86400s']);
    expect(holders({ tier: 'enterprise', subscriptions: ['team'] }, 'llm-granite')).toEqual(['llm-granite tier:enterprise total 1000000/86400s']);
    expect(holders({ tier: 'free', subscriptions: ['team'], header: 'gold' }, 'llm-qwen3')).toBe('refused');
  });

  it('where two providers count the same kinds and holders, they read back the same budgets', () => {
    const tierTotals = (xs: string[]) => xs.filter((s) => s.includes(' tier:') && s.includes(' total '));
    const [first, ...rest] = CASES.map((c) => tierTotals(read(c.name)));
    expect(first!.length).toBe(7);
    for (const r of rest) expect(r).toEqual(first);
    // Envoy AI Gateway and agentgateway count every kind for tiers; Kuadrant and agentgateway count subscriptions' totals.
    const tiers = (xs: string[]) => xs.filter((s) => s.includes(' tier:'));
    expect(tiers(read('agentgateway'))).toEqual(tiers(read('Envoy Gateway + Envoy AI Gateway')));
    const subscriptionTotals = (xs: string[]) => xs.filter((s) => s.includes(' subscription:') && s.includes(' total '));
    expect(subscriptionTotals(read('agentgateway'))).toEqual(subscriptionTotals(read('Istio + Kuadrant')));
    expect(subscriptionTotals(read('Istio + Kuadrant')).length).toBe(5);
    // Envoy Gateway with API keys counts every kind for subscriptions too, as agentgateway does.
    const subscriptions = (xs: string[]) => xs.filter((s) => s.includes(' subscription:'));
    expect(subscriptions(read('Envoy Gateway + Envoy AI Gateway (API keys)'))).toEqual(subscriptions(read('agentgateway')));
    expect(subscriptions(read('agentgateway')).length).toBe(7);
  });

  it('a budget the reader cannot find in the objects is not read back (the readers read the objects, not the intent)', () => {
    const { objects } = compiled.get('Envoy Gateway + Envoy AI Gateway')!;
    const tampered: any[] = JSON.parse(JSON.stringify(objects));
    const granite = tampered.find((o) => o.kind === 'AIGatewayRoute' && o.metadata.name === 'llm-granite');
    granite.spec.llmRequestCosts = granite.spec.llmRequestCosts.filter((x: any) => x.type !== 'OutputToken');
    expect(envoyAiGatewayBudgetReader.budgets(tampered).map(show)).toEqual(read('Envoy Gateway + Envoy AI Gateway').filter((s) => !s.startsWith('llm-granite tier:pro output')));

    // Envoy Gateway with API keys: without the rule refusing the header, a header naming a subscription the caller does
    // not hold is no longer refused; without the header condition, the subscription also counts requests naming another.
    const keys: any[] = JSON.parse(JSON.stringify(compiled.get('Envoy Gateway + Envoy AI Gateway (API keys)')!.objects));
    const eve = { tier: 'free', subscriptions: ['team'], header: 'gold' };
    expect(envoyAiGatewayBudgetReader.budgetsFor(keys, eve, 'llm-qwen3')).toBe('refused');
    const sp = keys.find((o) => o.kind === 'SecurityPolicy' && o.spec.targetRefs[0].name === 'llm-qwen3');
    sp.spec.authorization.rules = sp.spec.authorization.rules.filter((r: any) => r.name !== 'refuse-subscription-header');
    expect(envoyAiGatewayBudgetReader.budgetsFor(keys, eve, 'llm-qwen3')).not.toBe('refused');
    const alice = { tier: 'free', subscriptions: ['team', 'gold'], header: 'team' };
    expect((envoyAiGatewayBudgetReader.budgetsFor(keys, alice, 'llm-qwen3') as BudgetEntry[]).map(show)).toEqual(['llm-qwen3 subscription:team total 200000/86400s']);
    // An inverted selector holds when the header is absent: not inverted, alice's requests without it count against nothing.
    const quiet = { tier: 'free', subscriptions: ['team', 'gold'] };
    const totals = (b: BudgetEntry[] | 'refused') => (b === 'refused' ? b : b.map(show).filter((x) => x.includes(' total ')));
    expect(totals(envoyAiGatewayBudgetReader.budgetsFor(keys, quiet, 'llm-qwen3'))).toEqual(['llm-qwen3 subscription:gold total 1000000/86400s']);
    const btp = keys.find((o) => o.kind === 'BackendTrafficPolicy' && o.spec.targetRefs.some((t: any) => t.name === 'llm-qwen3'));
    for (const rule of btp.spec.rateLimit.global.rules) for (const h of rule.clientSelectors[0].headers) if (h.invert) h.invert = false;
    expect(totals(envoyAiGatewayBudgetReader.budgetsFor(keys, quiet, 'llm-qwen3'))).toEqual([]);

    // agentgateway: a descriptor charging output instead of input tokens reads back as an output budget.
    const agw: any[] = JSON.parse(JSON.stringify(compiled.get('agentgateway')!.objects));
    const llama = agw.find((o) => o.kind === 'AgentgatewayPolicy' && o.spec.targetRefs[0].name === 'llm-llama');
    const input = llama.spec.traffic.rateLimit.global.descriptors.find((d: any) => d.cost === 'llm.inputTokens');
    input.cost = 'llm.outputTokens';
    const changed = agentgatewayBudgetReader.budgets(agw).map(show).filter((x) => x.startsWith('llm-llama '));
    expect(changed).toContain('llm-llama subscription:team output 100000/86400s');
    expect(changed).not.toContain('llm-llama subscription:team input 100000/86400s');
  });
});
