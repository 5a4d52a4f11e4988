/**
 * Reads the token budgets agentgateway enforces back out of the synthesized
 * objects (the {@link BudgetReader} of this engine, same shapes as the
 * Kuadrant reader in ../policy/budget-readback.ts): each `Tokens` descriptor
 * of a route's AgentgatewayPolicy is walked down the rate limit service
 * configuration (the ConfigMap of its domain) for every tier there; what it
 * counts is read from its `cost` (agentgateway's `llm.*` count; none: total
 * tokens), its window and limit from the service's `rate_limit`.
 */
import { parse } from 'yaml';
import { KubeObject } from '../../src/delivery/manifest';
import { SECONDS_PER_UNIT, TimeUnit, TokenCount } from '../../src/policy/rate-limit';
import { BudgetCaller, BudgetEntry, BudgetReader, sortBudgets } from '../policy/budget-readback';
import { celValue } from './fixture';

/** What each descriptor cost counts, in the intent's terms (crates/agentgateway/src/cel/types.rs LLMContext). */
const COUNTS: Readonly<Record<string, `${TokenCount}`>> = {
  '': TokenCount.TOTAL,
  'llm.inputTokens': TokenCount.INPUT,
  'llm.outputTokens': TokenCount.OUTPUT,
  'llm.cachedInputTokens': TokenCount.CACHED_INPUT,
};

interface ServiceDescriptor {
  key: string;
  value?: string;
  rate_limit?: { unit: TimeUnit; requests_per_unit: number };
  descriptors?: ServiceDescriptor[];
}

interface Entry {
  readonly name: string;
  readonly expression: string;
}

function configOf(objects: readonly KubeObject[], domain: string): ServiceDescriptor[] {
  for (const cm of objects.filter((o) => o.kind === 'ConfigMap') as any[]) {
    const text = cm.data?.['config.yaml'];
    if (typeof text !== 'string') continue;
    const config = parse(text);
    if (config.domain === domain) return config.descriptors ?? [];
  }
  throw new Error(`no rate limit service configuration for domain ${domain}`);
}

/** The service's leaves reached by `values` (key, value) in order; a descriptor without value matches any value. */
function walk(level: ServiceDescriptor[], values: ReadonlyArray<{ key: string; value: string | undefined }>): ServiceDescriptor[] {
  if (values.length === 0) return [];
  const [head, ...rest] = values;
  const found = level.filter((d) => d.key === head.key && (head.value === undefined ? true : d.value === head.value || d.value === undefined));
  return found.flatMap((d) => (rest.length === 0 ? [d] : walk(d.descriptors ?? [], rest)));
}

/** A literal entry's value (`'x'`), or undefined for an entry evaluated per request (tier, user). */
function literal(e: Entry): string | undefined {
  const m = /^'([^'\\]*)'$/.exec(e.expression);
  return m ? m[1] : undefined;
}

function tokenDescriptors(objects: readonly KubeObject[]): Array<{ route: string; domain: string; d: any }> {
  return (objects.filter((o) => o.kind === 'AgentgatewayPolicy') as any[]).flatMap((p) => {
    const global = p.spec.traffic?.rateLimit?.global;
    if (!global) return [];
    const route = p.spec.targetRefs[0].name as string;
    return (global.descriptors as any[]).filter((d) => d.unit === 'Tokens').map((d) => ({ route, domain: global.domain as string, d }));
  });
}

function entriesOf(objects: readonly KubeObject[], tierValue: (tierEntry: Entry) => string | undefined): Map<string, BudgetEntry[]> {
  const byRoute = new Map<string, BudgetEntry[]>();
  for (const { route, domain, d } of tokenDescriptors(objects)) {
    const entries = d.entries as Entry[];
    if (entries[1].name !== 'tier') throw new Error(`${route}: descriptor without tier entry`);
    const counts = COUNTS[d.cost ?? ''];
    if (!counts) throw new Error(`${route}: unknown cost ${d.cost}`);
    const tier = tierValue(entries[1]);
    const values = entries.map((e, i) => ({ key: e.name, value: i === 1 ? tier : literal(e) }));
    // Walk to the tier level to learn which tier each leaf belongs to.
    const config = configOf(objects, domain);
    for (const t of walk(config, values.slice(0, 2))) {
      for (const leaf of walk(t.descriptors ?? [], values.slice(2))) {
        if (!leaf.rate_limit) continue;
        const list = byRoute.get(route) ?? [];
        list.push({ holderKind: 'tier', holder: t.value!, route, counts, limit: leaf.rate_limit.requests_per_unit, windowSeconds: SECONDS_PER_UNIT[leaf.rate_limit.unit] });
        byRoute.set(route, list);
      }
    }
  }
  return byRoute;
}

/** Bindings in which the tier entry's expression (`jwt.<claim>` or `apiKey.tier`) yields `tier`. */
function tierBindings(expression: string, tier: string): { jwt?: Record<string, string>; apiKey?: Record<string, string> } {
  const m = /^(jwt|apiKey)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expression);
  if (!m) throw new Error(`unexpected tier expression ${expression}`);
  return { [m[1]]: { [m[2]]: tier } };
}

export const AGENTGATEWAY_BUDGETS: BudgetReader = {
  budgets(objects) {
    return sortBudgets([...entriesOf(objects, () => undefined).values()].flat());
  },
  budgetsFor(objects, caller: BudgetCaller, route) {
    const found = entriesOf(objects, (e) => celValue(e.expression, tierBindings(e.expression, caller.tier)) as string | undefined).get(route) ?? [];
    return sortBudgets(found);
  },
};
