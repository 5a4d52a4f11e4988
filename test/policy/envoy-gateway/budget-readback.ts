/**
 * Reads the token budgets Envoy Gateway with Envoy AI Gateway enforces back
 * out of the synthesized objects (the {@link BudgetReader} of this engine,
 * same shapes as the Kuadrant reader in ../budget-readback.ts): a global
 * BackendTrafficPolicy rule charging `io.envoy.ai_gateway/<key>` on the
 * response is a budget of the tier its `x-user-tier` selector names, on each
 * targeted route whose AIGatewayRoute (the generated HTTPRoute has its name)
 * both writes `<key>` in its `llmRequestCosts` and serves a model the rule's
 * `x-ai-eg-model` selector matches. A rule whose key no route writes counts
 * nothing, so it reads back as no budget.
 */
import { KubeObject } from '../../../src/delivery/manifest';
import { SECONDS_PER_UNIT, TimeUnit, TokenCount } from '../../../src/policy/rate-limit';
import { BudgetCaller, BudgetEntry, BudgetReader, sortBudgets } from '../budget-readback';

/** What each llmRequestCosts type counts, in the intent's terms. */
const COUNTS: Readonly<Record<string, `${TokenCount}`>> = {
  TotalToken: TokenCount.TOTAL,
  InputToken: TokenCount.INPUT,
  OutputToken: TokenCount.OUTPUT,
  CachedInputToken: TokenCount.CACHED_INPUT,
};

const WINDOW: Readonly<Record<string, number>> = {
  Second: SECONDS_PER_UNIT[TimeUnit.SECOND],
  Minute: SECONDS_PER_UNIT[TimeUnit.MINUTE],
  Hour: SECONDS_PER_UNIT[TimeUnit.HOUR],
  Day: SECONDS_PER_UNIT[TimeUnit.DAY],
};

/** The models an AIGatewayRoute serves: the Exact `x-ai-eg-model` values of its matches. */
function modelsOf(route: any): string[] {
  return (route.spec.rules ?? []).flatMap((r: any) => (r.matches ?? []).flatMap((m: any) => (m.headers ?? []).filter((h: any) => h.name === 'x-ai-eg-model' && (h.type ?? 'Exact') === 'Exact').map((h: any) => h.value as string)));
}

function budgets(objects: readonly KubeObject[]): BudgetEntry[] {
  const routes = objects.filter((o) => o.kind === 'AIGatewayRoute') as any[];
  const out: BudgetEntry[] = [];
  for (const btp of objects.filter((o) => o.kind === 'BackendTrafficPolicy') as any[]) {
    for (const rule of btp.spec.rateLimit?.global?.rules ?? []) {
      const meta = rule.cost?.response?.from === 'Metadata' ? rule.cost.response.metadata : undefined;
      if (!meta || meta.namespace !== 'io.envoy.ai_gateway') continue;
      const headers = rule.clientSelectors?.[0]?.headers ?? [];
      const tier = headers.find((h: any) => h.name === 'x-user-tier' && h.type === 'Exact')?.value;
      const model = headers.find((h: any) => h.name === 'x-ai-eg-model');
      const matches = (m: string) => (model === undefined ? true : model.type === 'RegularExpression' ? new RegExp(model.value).test(m) : model.value === m);
      for (const t of btp.spec.targetRefs.filter((x: any) => x.kind === 'HTTPRoute')) {
        const route = routes.find((r) => r.metadata.name === t.name && r.metadata.namespace === btp.metadata.namespace);
        if (!route) continue;
        const cost = (route.spec.llmRequestCosts ?? []).find((c: any) => c.metadataKey === meta.key);
        if (!cost || COUNTS[cost.type] === undefined || !modelsOf(route).some(matches)) continue;
        out.push({ holderKind: 'tier', holder: tier, route: t.name, counts: COUNTS[cost.type], limit: rule.limit.requests, windowSeconds: WINDOW[rule.limit.unit] });
      }
    }
  }
  return sortBudgets(out);
}

/** The reader of Envoy Gateway's token budgets (tiers only: the engine refuses subscriptions). */
export const envoyGatewayBudgetReader: BudgetReader = {
  budgets,
  budgetsFor(objects: readonly KubeObject[], caller: BudgetCaller, route: string): BudgetEntry[] {
    return budgets(objects).filter((b) => b.route === route && b.holder === caller.tier);
  },
};
