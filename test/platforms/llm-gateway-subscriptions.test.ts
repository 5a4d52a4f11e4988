/**
 * The llm-gateway reference platform's subscriptions (`bulk`, `adapters`)
 * read back from its objects alone, on Envoy Gateway with Envoy AI Gateway
 * (the platform's provider, dist/llm-gateway) and on agentgateway: the same
 * budgets as the intent, and for each key holder (with and without the
 * `x-subscription` header) the same budgets counting its request, or the
 * same refusal.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { KubeObject } from '../../src/delivery/manifest';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { LlmGatewayPlatform } from '../../src/platforms/llm-gateway';
import { agentgatewayBudgetReader } from '../policy/budget-readback-agentgateway';
import { BudgetCaller, BudgetEntry, BudgetReader, intentBudgets, intentBudgetsFor } from '../policy/budget-readback';
import { envoyAiGatewayBudgetReader } from '../policy/budget-readback-envoy-ai-gateway';
import { synthObjects } from '../util';

const QWEN = 'openai-qwen-qwen2-5-7b-instruct';
const GRANITE = 'openai-ibm-granite-granite-3-3-8b-instruct';
const LLAMA = 'openai-meta-llama-llama-3-1-8b-instruct';
const ROUTES = [QWEN, GRANITE, LLAMA, 'openai-food-review', 'openai-food-review-v1', 'openai-food-review-v2'];

function compile(provider: GatewayProvider) {
  const app = Testing.app();
  const platform = new LlmGatewayPlatform(app, 'llm-gateway', { provider });
  const objects: KubeObject[] = JSON.parse(JSON.stringify(synthObjects(app)));
  return { app, platform, objects };
}

/** The key holders (team-search: free; team-support: pro; team-labs: free with bulk; team-research: pro with bulk and adapters), with and without a selection header. */
const CALLERS: readonly BudgetCaller[] = [
  { tier: 'free' },
  { tier: 'pro' },
  ...[undefined, 'bulk', 'adapters', 'premium'].flatMap((header): BudgetCaller[] => [
    { tier: 'free', subscriptions: ['bulk'], ...(header !== undefined ? { header } : {}) },
    { tier: 'pro', subscriptions: ['bulk', 'adapters'], ...(header !== undefined ? { header } : {}) },
  ]),
];

const show = (b: BudgetEntry[] | 'refused') => (b === 'refused' ? b : b.map((e) => `${e.holderKind}:${e.holder} ${e.counts} ${e.limit}/${e.windowSeconds}s`).sort());

describe.each([
  ['Envoy Gateway + Envoy AI Gateway', GatewayProvider.ENVOY_GATEWAY, envoyAiGatewayBudgetReader],
  ['agentgateway', GatewayProvider.AGENTGATEWAY, agentgatewayBudgetReader],
] as Array<[string, GatewayProvider, BudgetReader]>)('llm-gateway subscriptions on %s', (_name, provider, reader) => {
  const { platform, objects } = compile(provider);
  const policy = platform.accessPolicy;

  it('reads back every budget of the intent: the tiers and both subscriptions on each model', () => {
    const read = reader.budgets(objects);
    expect(read).toEqual(intentBudgets(policy));
    expect(read.filter((b) => b.holderKind === 'subscription').map((b) => `${b.route} ${b.holder}`)).toEqual(expect.arrayContaining([`${QWEN} bulk`, `${GRANITE} bulk`, `${QWEN} adapters`, `${LLAMA} adapters`]));
  });

  it('counts each key holder by the subscription the header names, else its highest priority one, else its tier; refuses a header it may not use', () => {
    for (const route of ROUTES) {
      for (const caller of CALLERS) {
        expect({ route, caller, budgets: show(reader.budgetsFor(objects, caller, route)) }).toEqual({ route, caller, budgets: show(intentBudgetsFor(policy, caller, route)) });
      }
    }
    // team-research holds bulk (10) and adapters (5): bulk counts on Qwen unless the request names adapters.
    const research = (header?: string) => show(reader.budgetsFor(objects, { tier: 'pro', subscriptions: ['bulk', 'adapters'], ...(header ? { header } : {}) }, QWEN));
    expect(research()).toEqual(['subscription:bulk total 20000000/86400s']);
    expect(research('adapters')).toEqual(['subscription:adapters output 1000000/3600s', 'subscription:adapters total 10000000/86400s']);
    // team-labs holds bulk only; naming adapters is refused (403).
    expect(show(reader.budgetsFor(objects, { tier: 'free', subscriptions: ['bulk'], header: 'adapters' }, QWEN))).toBe('refused');
    // team-support holds none: its tier's input and output budgets.
    expect(show(reader.budgetsFor(objects, { tier: 'pro' }, GRANITE))).toEqual(['tier:pro input 2000000/3600s', 'tier:pro output 400000/3600s']);
  });
});

describe('llm-gateway explains its subscriptions', () => {
  it('in README.md and POLICY.md: who holds what, how one is selected, what Envoy Gateway compiles', () => {
    const { app } = compile(GatewayProvider.ENVOY_GATEWAY);
    const files = buildPlatforms(app)[0]!.files;
    expect(files['README.md']).toContain('subscriptions whose token budgets replace the tier budgets');
    expect(files['POLICY.md']).toContain('| bulk | 10 | openai-ibm-granite-granite-3-3-8b-instruct, openai-qwen-qwen2-5-7b-instruct |');
    expect(files['POLICY.md']).toContain('`x-subscription`');
    expect(files['POLICY.md']).toMatch(/Subscriptions are compiled per API-key holder.*refuse-subscription-header/);
  });
});
