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
import { Caller, celValue } from './fixture';

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

/** The budgets per route: every holder's (`holderValue` undefined), or the one holder the expression yields for a caller. */
function entriesOf(objects: readonly KubeObject[], holderValue?: (holderEntry: Entry) => string | undefined): Map<string, BudgetEntry[]> {
  const byRoute = new Map<string, BudgetEntry[]>();
  for (const { route, domain, d } of tokenDescriptors(objects)) {
    const entries = d.entries as Entry[];
    if (entries[1].name !== 'holder') throw new Error(`${route}: descriptor without holder entry`);
    const counts = COUNTS[d.cost ?? ''];
    if (!counts) throw new Error(`${route}: unknown cost ${d.cost}`);
    const holder = holderValue?.(entries[1]);
    if (holderValue && holder === undefined) continue; // the caller's holder does not evaluate: agentgateway skips the descriptor
    const values = entries.map((e, i) => ({ key: e.name, value: i === 1 ? holder : literal(e) }));
    // Walk to the holder level to learn whose budget each leaf is (`tier:<name>` or `subscription:<name>`).
    const config = configOf(objects, domain);
    for (const h of walk(config, values.slice(0, 2))) {
      const [kind, name] = h.value!.split(':') as ['tier' | 'subscription', string];
      for (const leaf of walk(h.descriptors ?? [], values.slice(2))) {
        if (!leaf.rate_limit) continue;
        const list = byRoute.get(route) ?? [];
        list.push({ holderKind: kind, holder: name, route, counts, limit: leaf.rate_limit.requests_per_unit, windowSeconds: SECONDS_PER_UNIT[leaf.rate_limit.unit] });
        byRoute.set(route, list);
      }
    }
  }
  return byRoute;
}

/**
 * The identity agentgateway would hold for `caller`, in the claims (or key
 * metadata) the holder expression reads: its tier after `'tier:' + `, its
 * subscriptions in the list `has()` guards; and the selection header.
 */
function callerBindings(expression: string, caller: BudgetCaller): { identity: Caller; headers: Record<string, string> } {
  const tier = /'tier:' \+ (jwt|apiKey)\.([A-Za-z_][A-Za-z0-9_]*)/.exec(expression);
  if (!tier) throw new Error(`unexpected holder expression ${expression}`);
  const held = /has\((?:jwt|apiKey)\.([A-Za-z_][A-Za-z0-9_]*)\)/.exec(expression);
  const subs = caller.subscriptions === undefined ? [] : typeof caller.subscriptions === 'string' ? caller.subscriptions.split(/[ ,]+/).filter((x) => x !== '') : [...caller.subscriptions];
  const claims: Record<string, unknown> = { [tier[2]]: caller.tier, ...(held && subs.length > 0 ? { [held[1]]: subs } : {}) };
  const header = /'([a-z0-9-]+)' in request\.headers/.exec(expression);
  return { identity: { [tier[1]]: claims } as Caller, headers: header && caller.header !== undefined ? { [header[1]]: caller.header } : {} };
}

export const AGENTGATEWAY_BUDGETS: BudgetReader = {
  budgets(objects) {
    return sortBudgets([...entriesOf(objects).values()].flat());
  },
  budgetsFor(objects, caller: BudgetCaller, route) {
    const policy = (objects.filter((o) => o.kind === 'AgentgatewayPolicy') as any[]).find((p) => p.spec.targetRefs?.[0]?.name === route && p.spec.traffic?.authorization);
    const auth: string[] = policy?.spec.traffic.authorization.policy.matchExpressions ?? [];
    const holderEntry = tokenDescriptors(objects).find((t) => t.route === route)?.d.entries[1] as Entry | undefined;
    if (holderEntry) {
      const { identity, headers } = callerBindings(holderEntry.expression, caller);
      // A selection header the authorization rules refuse (403) counts nothing.
      if (caller.header !== undefined && !auth.some((x) => celValue(x, identity, { method: 'POST', path: '/v1/chat/completions', headers }) === true)) return 'refused';
    }
    const found = entriesOf(objects, (e) => {
      const { identity, headers } = callerBindings(e.expression, caller);
      return celValue(e.expression, identity, { method: 'POST', path: '/v1/chat/completions', headers }) as string | undefined;
    }).get(route) ?? [];
    return sortBudgets(found);
  },
};
