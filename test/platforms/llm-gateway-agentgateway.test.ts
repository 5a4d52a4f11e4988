import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KubeObject } from '../../src/delivery/manifest';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { LlmGatewayPlatform } from '../../src/platforms/llm-gateway';
import { blockingPolicies, FlowEnd } from '../../src/security/network-policy-eval';
import { agentgatewayBudgetReader } from '../policy/budget-readback-agentgateway';
import { celValue } from '../agentgateway/fixture';
import { BudgetEntry, intentBudgets, intentBudgetsFor } from '../policy/budget-readback';
import { envoyAiGatewayBudgetReader } from '../policy/budget-readback-envoy-ai-gateway';
import { findObject, objectsOfKind, synthObjects } from '../util';

const MODELS = 'llm-models';
const NAME_LABEL = 'kubernetes.io/metadata.name';

function compile(provider: GatewayProvider): { platform: LlmGatewayPlatform; objects: KubeObject[] } {
  const app = Testing.app();
  const platform = new LlmGatewayPlatform(app, 'llm-gateway', { provider });
  return { platform, objects: synthObjects(app) };
}

/** Model name -> pool, read from Envoy AI Gateway's AIGatewayRoutes (`x-ai-eg-model`, InferencePool backends). */
function envoyRouting(objects: readonly KubeObject[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of objectsOfKind(objects, 'AIGatewayRoute')) {
    for (const rule of r.spec.rules) {
      for (const m of rule.matches) {
        const model = m.headers.find((h: { name: string }) => h.name === 'x-ai-eg-model').value;
        out[model] = rule.backendRefs.map((b: { kind: string; name: string }) => `${b.kind}/${b.name}`).join(',');
      }
    }
  }
  return out;
}

/**
 * Model name -> pool, read from agentgateway's objects: the Gateway policy
 * that copies the body's `model` into a header (evaluated as CEL on a
 * request body), the HTTPRoutes matching that header, and the
 * AgentgatewayBackends they send to (an InferencePool as custom provider).
 */
function agentgatewayRouting(objects: readonly KubeObject[]): Record<string, string> {
  const pre = objectsOfKind(objects, 'AgentgatewayPolicy').find((p) => p.spec.traffic?.phase === 'PreRouting')!;
  const set = pre.spec.traffic.transformation.request.set[0] as { name: string; value: string };
  const out: Record<string, string> = {};
  for (const r of objectsOfKind(objects, 'HTTPRoute')) {
    for (const rule of r.spec.rules) {
      for (const m of rule.matches ?? []) {
        const header = (m.headers ?? []).find((h: { name: string }) => h.name === set.name);
        if (!header) continue;
        // The header the route matches is what the gateway writes for a body naming this model.
        expect(celValue(set.value, {}, { method: 'POST', path: m.path.value }, JSON.stringify({ model: header.value, messages: [] }))).toBe(header.value);
        out[header.value] = rule.backendRefs
          .map((b: { name: string }) => findObject(objects, 'AgentgatewayBackend', b.name, MODELS).spec.ai.provider.custom.backendRef)
          .map((b: { kind: string; name: string }) => `${b.kind}/${b.name}`)
          .join(',');
      }
    }
  }
  return out;
}

/** The key holders and the metadata the gateway reads with their key (from each ExternalSecret's template). */
function holders(objects: readonly KubeObject[]): Array<{ user: string; tier: string; metadata?: Record<string, string> }> {
  return objectsOfKind(objects, 'ExternalSecret').map((s) => {
    const template = s.spec.target.template;
    const user = template.metadata.annotations['models.cdk8s.io/user-id'];
    const value = template.data?.[user] as string | undefined;
    // agentgateway keys carry JSON metadata; the key itself is a template expression (no key is in dist/).
    const metadata = value?.startsWith('{') ? (JSON.parse(value.replace(/\{\{[^}]*\}\}/, '"k"')) as { metadata: Record<string, string> }).metadata : undefined;
    return { user, tier: template.metadata.labels['models.cdk8s.io/tier'], metadata };
  });
}

/** Model routes a holder may call on Envoy Gateway: a SecurityPolicy Allow rule lists its user id. */
function envoyAllowed(objects: readonly KubeObject[], user: string): string[] {
  return objectsOfKind(objects, 'SecurityPolicy')
    .filter((sp) => sp.spec.authorization.defaultAction === 'Deny' && sp.spec.authorization.rules.some((r: { action: string; principal: { headers: Array<{ name: string; values: string[] }> } }) => r.action === 'Allow' && r.principal.headers.some((h) => h.name === 'x-user-id' && h.values.includes(user))))
    .map((sp) => sp.spec.targetRefs[0].name)
    .sort();
}

/** Model routes a holder may call on agentgateway: an Allow expression of the route's policy is true for its key's metadata. */
function agentgatewayAllowed(objects: readonly KubeObject[], apiKey: Record<string, string>): string[] {
  return objectsOfKind(objects, 'AgentgatewayPolicy')
    .filter((p) => p.spec.traffic?.authorization)
    .filter((p) => (p.spec.traffic.authorization.policy.matchExpressions as string[]).some((x) => celValue(x, { apiKey }) === true))
    .map((p) => p.spec.targetRefs[0].name)
    .filter((r) => r !== 'openai-models')
    .sort();
}

interface RateLimitDescriptor {
  key: string;
  value?: string;
  rate_limit?: { unit: string; requests_per_unit: number };
  descriptors?: RateLimitDescriptor[];
}

/** Request limits (not tokens) agentgateway applies to a key on a route: its descriptors walked down the rate limit service's config. */
function agentgatewayRequestLimits(objects: readonly KubeObject[], route: string, apiKey: Record<string, string>): string[] {
  const policy = findObject(objects, 'AgentgatewayPolicy', `llm-access-${route}`, MODELS);
  const global = policy.spec.traffic.rateLimit.global;
  const config = parse((findObject(objects, 'ConfigMap', 'llm-access-ratelimit-config', MODELS) as { data?: Record<string, string> }).data!['config.yaml']);
  const out: string[] = [];
  for (const d of global.descriptors.filter((x: { unit: string }) => x.unit === 'Requests')) {
    const values = (d.entries as Array<{ name: string; expression: string }>).map((e) => ({ key: e.name, value: celValue(e.expression, { apiKey }) }));
    let level: RateLimitDescriptor[] = config.descriptors;
    let found: RateLimitDescriptor | undefined;
    for (const v of values) {
      found = level.find((x) => x.key === v.key && x.value === v.value) ?? level.find((x) => x.key === v.key && x.value === undefined);
      if (!found) break;
      level = found.descriptors ?? [];
    }
    if (found?.rate_limit) out.push(`${found.rate_limit.requests_per_unit}/${found.rate_limit.unit}`);
  }
  return out.sort();
}

/** Request limits (not tokens) Envoy Gateway's global rate limit applies to a user. */
function envoyRequestLimits(objects: readonly KubeObject[], route: string, user: string): string[] {
  const btp = findObject(objects, 'BackendTrafficPolicy', 'llm-access-rate-limits', MODELS);
  if (!btp.spec.targetRefs.some((t: { name: string }) => t.name === route)) return [];
  return (btp.spec.rateLimit.global.rules as Array<{ cost?: unknown; clientSelectors: Array<{ headers: Array<{ name: string; type: string; value?: string }> }>; limit: { requests: number; unit: string } }>)
    .filter((r) => r.cost === undefined && r.clientSelectors.some((c) => c.headers.every((h) => h.type === 'Distinct' || (h.name === 'x-user-id' && new RegExp(h.value!).test(user)))))
    .map((r) => `${r.limit.requests}/${r.limit.unit.toLowerCase()}`)
    .sort();
}

/** Budgets as comparable lines, sorted. */
const byRoute = (entries: readonly BudgetEntry[]) => entries.map((e) => `${e.route} ${e.holderKind}:${e.holder} ${e.limit} ${e.counts}/${e.windowSeconds}s`).sort();

/**
 * The llm-gateway platform compiled for its second provider, agentgateway
 * (v1.4.1), read back into the same decisions and limits as on Envoy
 * Gateway with Envoy AI Gateway: which pool serves each model name, which
 * key holder may call which model, the request limits and token budgets of
 * each, and the serving flows.
 */
describe('llm-gateway on agentgateway: the same decisions and limits as on Envoy Gateway', () => {
  const eg = compile(GatewayProvider.ENVOY_GATEWAY);
  const agw = compile(GatewayProvider.AGENTGATEWAY);
  const expectedRouting = {
    'meta-llama/Llama-3.1-8B-Instruct': 'InferencePool/llama-3-1-8b',
    'food-review': 'InferencePool/llama-3-1-8b',
    'food-review-v1': 'InferencePool/llama-3-1-8b',
    'food-review-v2': 'InferencePool/llama-3-1-8b',
    'Qwen/Qwen2.5-7B-Instruct': 'InferencePool/qwen2-5-7b',
    'ibm-granite/granite-3.3-8b-instruct': 'InferencePool/granite-3-3-8b',
  };

  it('synthesizes, validates and passes the security rules on agentgateway too', () => {
    const app = Testing.app();
    new LlmGatewayPlatform(app, 'llm-gateway', { provider: GatewayProvider.AGENTGATEWAY });
    const [out] = buildPlatforms(app);
    expect(out.manifests.some((m) => m.object.kind === 'AgentgatewayPolicy')).toBe(true);
    expect(out.files['POLICY.md']).toContain('agentgateway');
  });

  it('routes each model name to the same pool', () => {
    expect(envoyRouting(eg.objects)).toEqual(expectedRouting);
    expect(agentgatewayRouting(agw.objects)).toEqual(expectedRouting);
    // The same pools and pickers behind both gateways, one picker per pool.
    for (const objects of [eg.objects, agw.objects]) {
      expect(objectsOfKind(objects, 'InferencePool').map((p) => `${p.metadata.name}->${p.spec.endpointPickerRef.name}`).sort()).toEqual(['granite-3-3-8b->granite-3-3-8b-epp', 'llama-3-1-8b->llama-3-1-8b-epp', 'qwen2-5-7b->qwen2-5-7b-epp']);
    }
  });

  it('lets each key holder call the same models', () => {
    const egHolders = holders(eg.objects);
    const agwHolders = holders(agw.objects);
    expect(agwHolders.map((h) => `${h.user}:${h.tier}`).sort()).toEqual(egHolders.map((h) => `${h.user}:${h.tier}`).sort());
    for (const h of agwHolders) {
      const intent = eg.platform.accessPolicy.routes.filter((r) => eg.platform.accessPolicy.tiers.find((t) => t.name === h.tier)!.allows(r)).map((r) => r.routeName).sort();
      expect(envoyAllowed(eg.objects, h.user), h.user).toEqual(intent);
      expect(agentgatewayAllowed(agw.objects, h.metadata!), h.user).toEqual(intent);
    }
    expect(envoyAllowed(eg.objects, 'team-search')).toEqual(['openai-ibm-granite-granite-3-3-8b-instruct', 'openai-qwen-qwen2-5-7b-instruct']);
    expect(agentgatewayAllowed(agw.objects, { user: 'team-search', tier: 'free' })).toEqual(['openai-ibm-granite-granite-3-3-8b-instruct', 'openai-qwen-qwen2-5-7b-instruct']);
  });

  it('applies the same request limits to each key holder on each model', () => {
    for (const h of holders(agw.objects)) {
      for (const route of agentgatewayAllowed(agw.objects, h.metadata!)) {
        expect(agentgatewayRequestLimits(agw.objects, route, h.metadata!), `${h.user} ${route}`).toEqual(envoyRequestLimits(eg.objects, route, h.user));
      }
    }
    expect(agentgatewayRequestLimits(agw.objects, 'openai-qwen-qwen2-5-7b-instruct', { user: 'team-search', tier: 'free' })).toEqual(['20/minute']);
  });

  it('counts the same token budgets (input, output, total; per tier, subscription and model) as the intent', () => {
    const intent = intentBudgets(eg.platform.accessPolicy);
    // Envoy Gateway: the global rules charging Envoy AI Gateway's token counts, read by the engine's reader (tiers and
    // subscriptions, per key holder).
    expect(byRoute(envoyAiGatewayBudgetReader.budgets(eg.objects))).toEqual(byRoute(intent));
    // agentgateway answers GET /v1/models itself (a direct response, no backend): a shared route of the endpoint
    // that carries no usage, so no budget counts there.
    const models = findObject(agw.objects, 'HTTPRoute', 'openai-models', MODELS);
    expect(models.spec.rules.every((r: { backendRefs?: unknown[] }) => r.backendRefs === undefined)).toBe(true);
    expect(findObject(agw.objects, 'AgentgatewayPolicy', 'openai-models', MODELS).spec.traffic.directResponse.status).toBe(200);
    expect(agentgatewayBudgetReader.budgets(agw.objects).filter((b) => b.route === 'openai-models')).toEqual([]);
    expect(byRoute(agentgatewayBudgetReader.budgets(agw.objects))).toEqual(byRoute(intent));
    for (const tier of ['free', 'pro']) {
      for (const route of ['openai-meta-llama-llama-3-1-8b-instruct', 'openai-qwen-qwen2-5-7b-instruct', 'openai-food-review']) {
        const expected = intentBudgetsFor(eg.platform.accessPolicy, { tier }, route) as BudgetEntry[];
        expect(byRoute(agentgatewayBudgetReader.budgetsFor(agw.objects, { tier }, route) as BudgetEntry[]), `${tier} ${route}`).toEqual(byRoute(expected));
        expect(byRoute(envoyAiGatewayBudgetReader.budgetsFor(eg.objects, { tier }, route) as BudgetEntry[]), `${tier} ${route}`).toEqual(byRoute(expected));
      }
    }
    expect(byRoute(intentBudgetsFor(eg.platform.accessPolicy, { tier: 'pro' }, 'openai-meta-llama-llama-3-1-8b-instruct') as BudgetEntry[])).toEqual([
      'openai-meta-llama-llama-3-1-8b-instruct tier:pro 2000000 input/3600s',
      'openai-meta-llama-llama-3-1-8b-instruct tier:pro 400000 output/3600s',
      'openai-meta-llama-llama-3-1-8b-instruct tier:pro 5000000 total/86400s',
    ]);
  });

  it('allows the gateway -> picker -> vLLM flows for the agentgateway proxies', () => {
    const gw = findObject(agw.objects, 'Gateway', 'llm-gateway', 'llm-edge');
    expect(gw.spec.gatewayClassName).toBe(GatewayProvider.AGENTGATEWAY.gatewayClassName);
    const dp = agw.platform.gateway.dataPlane!;
    const proxies: FlowEnd = { namespace: dp.namespace, namespaceLabels: { [NAME_LABEL]: dp.namespace }, podLabels: dp.labels ?? dp.selector };
    const policies = objectsOfKind(agw.objects, 'NetworkPolicy');
    const allowed = (to: Record<string, string>, port: number) => [...blockingPolicies(policies, { from: proxies, to: { namespace: MODELS, namespaceLabels: { [NAME_LABEL]: MODELS }, podLabels: to }, port }, 'Egress'), ...blockingPolicies(policies, { from: proxies, to: { namespace: MODELS, namespaceLabels: { [NAME_LABEL]: MODELS }, podLabels: to }, port }, 'Ingress')].length === 0;
    for (const m of Object.values(agw.platform.models)) {
      expect(allowed({ ...m.picker.endpointPickerPods }, 9002), m.service.serviceName).toBe(true);
      expect(allowed({ ...m.service.decodePods.labels }, 8000), m.service.serviceName).toBe(true);
      expect(allowed({ ...m.picker.endpointPickerPods }, 9090), m.service.serviceName).toBe(false);
    }
  });
});
