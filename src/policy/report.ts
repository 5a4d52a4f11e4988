import { isAccessControlled } from '../core/access-control';
import { Platform } from '../core/platform';
import type { IGateway } from '../gateway/gateway';
import { API_KEY_SUBSCRIPTIONS_ANNOTATION, ApiKeyAuth, Authentication } from './authentication';
import { CompiledPolicy } from './compiler';
import { CounterKey, LimitScope, RateLimitMode, SECONDS_PER_UNIT, TOKEN_COUNT_FIELD, TokenCount } from './rate-limit';
import type { Subscription } from './subscription';
import { Tier } from './tier';
import type { TokenBudget } from './token-budget';
import type { OpaAuthorizer } from './opa-authorizer';

/**
 * What the report reads of an AccessPolicy (which satisfies it); declared
 * here so the report does not import the policy that writes to it. Each
 * member is the AccessPolicy's of the same name, as resolved at
 * construction (defaults applied); the report only reads them.
 *
 * @see `AccessPolicy` and `AccessPolicyProps`, whose members these are; `PolicyReport`, which renders them to `dist/<platform>/POLICY.md`
 */
export interface ReportedPolicy {
  /** The policy's name prefix (`AccessPolicyProps.name`, a DNS-1123 label of at most 40 characters): a `## <name>` section of POLICY.md. */
  readonly policyName: string;
  /** The namespace the policy is in (its chart's); also the gateway's, shown when the gateway declares none. */
  readonly policyNamespace: string;
  /** The gateway the protected routes attach to, shown as `<namespace>/<name>`. */
  readonly gateway: IGateway;
  /** The protected routes (endpoints expanded to their routes), one table row per route and tier, sorted by `routeName`. */
  readonly routes: ReadonlyArray<Parameters<Tier['allows']>[0]>;
  /** How callers authenticate (any one method suffices; at least one): JWT issuer, JWKS and claims, or where API keys are read and kept. */
  readonly authentication: readonly Authentication[];
  /** The OPA authorizer that must allow too. @default - none (no line in the report) */
  readonly externalAuthorizer?: OpaAuthorizer;
  /** The tiers (roles): what each may call, its request limits (requests per unit) and token limits (tokens per unit). At least one. */
  readonly tiers: readonly Tier[];
  /** Where counters live: `GLOBAL` (shared by gateway replicas) or `LOCAL` (per replica, N replicas allow up to N times a limit). */
  readonly rateLimitMode: RateLimitMode;
  /** What limits and budgets count by: user, credential (API key) or client IP. @default CounterKey.USER (in AccessPolicy) */
  readonly counterKey: CounterKey;
  /** Which routes share a bucket: `ROUTE` (one per route) or `GATEWAY` (one for every route of the policy). @default LimitScope.ROUTE (in AccessPolicy) */
  readonly limitScope: LimitScope;
  /** The subscriptions (name, priority, granted routes) in declaration order. @default - none (no subscription section) */
  readonly subscriptions: readonly Subscription[];
  /** The lower-case request header naming the subscription to count against. @default 'x-subscription' (in AccessPolicy) */
  readonly subscriptionHeader: string;
  /**
   * The effective token budgets (`AccessPolicy.tokenBudgets()`): per route, each holder's (tier or subscription)
   * `TokenLimit` in tokens per `TimeUnit` window, of the `TokenCount` kind it counts; empty when there are none.
   */
  tokenBudgets(): readonly TokenBudget[];
  /** The subscriptions that grant `route`, highest priority first (`AccessPolicy.subscriptionsFor`); empty when none does. */
  subscriptionsFor(route: Parameters<Tier['allows']>[0]): readonly Subscription[];
}

interface PolicyEntry {
  readonly policy: ReportedPolicy;
  readonly engine: string;
  readonly compiled: CompiledPolicy;
}

const reports = new WeakMap<Platform, PolicyReport>();

/**
 * The effective access policy of a platform, written by synth as
 * `dist/<platform>/POLICY.md`: a table of route × tier × authentication ×
 * authorization × limits per policy, the subscriptions and how one is
 * selected, each token budget (what counts against it, per what key, in
 * which window), the engine caveats that change the meaning, and the routes
 * that are public on purpose.
 */
export class PolicyReport {
  /** The report of `platform` (created, and registered as POLICY.md, on first use). */
  public static of(platform: Platform): PolicyReport {
    let r = reports.get(platform);
    if (!r) {
      r = new PolicyReport(platform);
      reports.set(platform, r);
      const report = r;
      platform.addOutputFile('POLICY.md', () => report.render());
    }
    return r;
  }

  private readonly entries: PolicyEntry[] = [];

  private constructor(private readonly platform: Platform) {}

  /** Adds a compiled policy. */
  public addPolicy(policy: ReportedPolicy, engine: string, compiled: CompiledPolicy): void {
    this.entries.push({ policy, engine, compiled });
  }

  /** The Markdown document. */
  public render(): string {
    const lines: string[] = [
      `# Access policy of \`${this.platform.platformName}\``,
      '',
      'Generated from the platform code by cdk8s-model-serving; do not edit. Every route that sends traffic to a backend is either protected by a policy below or listed as public with its reason.',
      '',
    ];
    // Declaration order of policies, routes, tiers and emitted objects has no meaning here: sort, so the file is stable.
    const byName = <T>(list: readonly T[], name: (x: T) => string): T[] => [...list].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
    for (const { policy, engine, compiled } of byName(this.entries, (e) => `${e.policy.policyNamespace}/${e.policy.policyName}`)) {
      lines.push(`## ${policy.policyName}`, '');
      lines.push(`- Engine: ${engine}; gateway \`${policy.gateway.gatewayNamespace ?? policy.policyNamespace}/${policy.gateway.gatewayName}\`; namespace \`${policy.policyNamespace}\``);
      lines.push(`- Authentication: ${policy.authentication.map(describeAuth).join('; or ')}`);
      if (policy.externalAuthorizer) lines.push(`- External authorizer: OPA \`${policy.externalAuthorizer.serviceNamespace}/${policy.externalAuthorizer.serviceName}\` (must allow; where it runs relative to authentication is engine-specific, see the caveats)`);
      lines.push(`- Counters: ${modeText(policy.rateLimitMode)}, per ${counterText(policy.counterKey)}, ${policy.limitScope === LimitScope.ROUTE ? 'one bucket per route' : 'one bucket shared by all routes of the policy'}`);
      lines.push(`- Emitted: ${byName(compiled.objects, (o) => o).map((o) => `\`${o}\``).join(', ')}`, '');
      lines.push('| route | tier | authorization | request limits | token limits |', '|---|---|---|---|---|');
      for (const route of byName(policy.routes, (r) => r.routeName)) {
        for (const tier of byName(policy.tiers, (t) => t.name)) {
          const allowed = tier.allows(route);
          lines.push(`| ${route.routeName} | ${tier.name} | ${allowed ? allowText(tier) : 'denied (403)'} | ${allowed ? limitsText(tier) : '-'} | ${allowed && tier.tokenLimits.length > 0 ? tier.tokenLimits.map(String).join(', ') : '-'} |`);
        }
      }
      lines.push('', 'Callers without a valid credential get 401; callers whose tier is not listed get 403.', '');
      lines.push(...subscriptionLines(policy, byName), ...budgetLines(policy));
      if (compiled.caveats.length > 0) {
        lines.push('Caveats on this engine:', '');
        for (const c of compiled.caveats) lines.push(`- ${c}`);
        lines.push('');
      }
    }
    const controlled = this.platform.node.findAll().filter(isAccessControlled);
    const open = byName(controlled, (c) => c.accessTargetName)
      .map((c) => ({ c, s: c.accessState() }))
      .filter((x) => x.s.kind === 'public' || x.s.kind === 'exempt')
      .map((x) => `| ${x.c.accessTargetName} | ${x.s.kind} | ${x.s.kind === 'public' || x.s.kind === 'exempt' ? x.s.reason : ''} |`);
    if (open.length > 0) {
      lines.push('## Routes without an access policy', '', '| route | why | reason |', '|---|---|---|', ...open, '');
    }
    if (this.entries.length === 0 && open.length === 0) lines.push('No routes.', '');
    return lines.join('\n');
  }
}

/** What a holder's subscriptions are, and how one is selected per request. */
function subscriptionLines(policy: ReportedPolicy, byName: <T>(list: readonly T[], name: (x: T) => string) => T[]): string[] {
  if (policy.subscriptions.length === 0) return [];
  const sources = policy.authentication.map((a) => (a.kind === 'jwt' ? `the JWT claim \`${a.subscriptionsClaim}\` (a list, or names separated by spaces or commas)` : a.holders !== undefined ? `the platform code's list of API key holders (below; written to each key Secret's annotation \`${API_KEY_SUBSCRIPTIONS_ANNOTATION}\`)` : `the API key Secret's annotation \`${API_KEY_SUBSCRIPTIONS_ANNOTATION}\` (names separated by commas)`));
  const lines = [
    `Subscriptions: a caller holds those named in ${sources.join(', or ')}. Per request, one subscription that grants the model is counted: the one named in the request header \`${policy.subscriptionHeader}\` (403 when the caller does not hold it or it does not grant the model); without the header, the highest priority the caller holds; with none, the caller's tier budgets count. The tier still decides access.`,
    '',
    '| subscription | priority | models |',
    '|---|---|---|',
  ];
  for (const s of byName(policy.subscriptions, (x) => x.name)) {
    lines.push(`| ${s.name} | ${s.priority} | ${byName(s.routes, (r) => r.routeName).map((r) => r.routeName).join(', ')} |`);
  }
  lines.push('');
  // Key holders listed in the platform code (ApiKeyAuth.fromExternalSecrets): who holds what is known here, and is
  // what an engine that compiles per holder (Envoy Gateway) applies.
  const defined = new Set(policy.subscriptions.map((s) => s.name));
  const holders = policy.authentication.flatMap((a) => (a.kind === 'api-key' ? (a.holders ?? []) : [])).filter((h) => (h.subscriptions ?? []).some((s) => defined.has(s.name)));
  if (holders.length > 0) {
    lines.push('| API key holder | tier | subscriptions |', '|---|---|---|');
    for (const h of byName(holders, (x) => x.userId)) {
      lines.push(`| ${h.userId} | ${h.tier} | ${byName(h.subscriptions ?? [], (x) => x.name).filter((x) => defined.has(x.name)).map((x) => x.name).join(', ')} |`);
    }
    lines.push('');
  }
  return lines;
}

/** Each token budget: what counts against it, per what key, in which window. */
function budgetLines(policy: ReportedPolicy): string[] {
  const budgets = policy.tokenBudgets();
  if (budgets.length === 0) return [];
  const per = `${counterText(policy.counterKey)}, ${policy.limitScope === LimitScope.ROUTE ? 'per route' : 'shared by all routes of the policy'}`;
  const rows = budgets.map((b) => {
    const subscribed = b.holderKind === 'tier' && policy.subscriptionsFor(b.route).length > 0;
    const holder = `${b.holderKind} ${b.holder.name}${subscribed ? ' (requests no subscription is selected for)' : ''}`;
    return `| ${b.route.routeName} | ${holder} | ${b.limit.tokensPerUnit} | ${countText(b.limit.counts)} | ${per} | ${windowText(SECONDS_PER_UNIT[b.limit.unit])} |`;
  });
  return [
    "Token budgets: counted from each response's `usage` after it is sent, so the request that spends a budget completes and later ones get 429 until the window ends. A streaming response reports usage only when the request sets `stream_options: {\"include_usage\": true}`; the gateway can count only what the response reports.",
    '',
    '| route | holder | tokens | what counts | counted per | window |',
    '|---|---|---|---|---|---|',
    ...[...rows].sort(),
    '',
  ];
}

function countText(c: TokenCount): string {
  const what = c === TokenCount.TOTAL ? 'total (input + output)' : c === TokenCount.INPUT ? 'input' : c === TokenCount.OUTPUT ? 'output' : 'cached input';
  return `${what}: \`${TOKEN_COUNT_FIELD[c]}\``;
}

function windowText(seconds: number): string {
  return seconds === 86400 ? '1 day' : seconds === 3600 ? '1 hour' : seconds === 60 ? '1 minute' : `${seconds} seconds`;
}

function describeAuth(a: Authentication): string {
  if (a.kind === 'jwt') {
    return `JWT from \`${a.issuer}\` (${a.algorithms.join('/')}, JWKS \`${a.jwksUri}\`${a.audiences.length ? `, audiences ${a.audiences.join(', ')}` : ''}); tier from claim \`${a.tierClaim}\`, user from \`${a.userClaim}\``;
  }
  const key = a as ApiKeyAuth;
  const where = key.location.prefix ? `\`${key.location.header}: ${key.location.prefix} <key>\`` : `header \`${key.location.header}\``;
  return `API key in ${where}; keys in Secrets ${key.holders ? `pulled by ExternalSecrets from \`${key.secretStore?.name}\` (${key.holders.length} holders)` : 'selected by labels'}; tier from label \`models.cdk8s.io/tier\``;
}

function allowText(t: Tier): string {
  const parts = ['allowed'];
  if (t.methods) parts.push(`methods ${t.methods.join(', ')}`);
  if (t.pathPrefixes) parts.push(`paths ${t.pathPrefixes.join(', ')}`);
  if (t.inherits) parts.push(`inherits ${t.inherits.name}`);
  return parts.join('; ');
}

function limitsText(t: Tier): string {
  return t.unlimited ? 'unlimited' : t.limits.map(String).join(', ');
}

function modeText(m: RateLimitMode): string {
  return m === RateLimitMode.GLOBAL ? 'global (shared across gateway replicas)' : 'local (each gateway replica counts alone: N replicas allow up to N times the limit)';
}

function counterText(k: CounterKey): string {
  return k === CounterKey.USER ? 'user' : k === CounterKey.API_KEY ? 'credential' : 'client IP';
}
