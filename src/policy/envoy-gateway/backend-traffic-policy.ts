import { Chart, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as eg from '../../../imports/envoygateway-gateway.envoyproxy.io';
import { isCidr } from '../../core/cidr';
import { errorMessage, invalid } from '../../core/errors';
import { isHttpHeaderName } from '../../core/http-header';
import { assertDnsSubdomain } from '../../core/names';
import { Namespace } from '../../core/namespace';
import { assertGatewayDuration } from '../../routing/duration';
import { assertHttpMethods } from '../../routing/match';
import { SECONDS_PER_UNIT, TimeUnit } from '../rate-limit';
import { l1Enum } from './l1-enum';
import { checkTargets, PolicyTarget } from './policy-target';
import { ClientSelector } from './rate-limit-selector';
import { checkProps, childPath } from '../../core/prop-types';

/** The window of a rate limit (`limit.unit`). */
export type RateLimitUnit = 'Second' | 'Minute' | 'Hour' | 'Day' | 'Week' | 'Month' | 'Year';

/**
 * Seconds per {@link RateLimitUnit}: the library's {@link SECONDS_PER_UNIT}
 * plus Envoy Gateway's longer units (a month is 30 days, a year 365, as in Envoy Gateway).
 */
const DAY = SECONDS_PER_UNIT[TimeUnit.DAY];
const UNIT_SECONDS: Readonly<Record<RateLimitUnit, number>> = {
  Second: SECONDS_PER_UNIT[TimeUnit.SECOND],
  Minute: SECONDS_PER_UNIT[TimeUnit.MINUTE],
  Hour: SECONDS_PER_UNIT[TimeUnit.HOUR],
  Day: DAY,
  Week: 7 * DAY,
  Month: 30 * DAY,
  Year: 365 * DAY,
};
const MAX_REQUESTS = 4294967295;
const MAX_LOCAL_RULES = 16;
const MAX_GLOBAL_RULES = 256;
const MAX_SELECTORS = 8;
const MAX_HEADERS = 128;

/**
 * What a request costs against a global rule (`cost`): charged when it
 * arrives, and after the response from dynamic metadata a filter wrote
 * (e.g. the token counts of Envoy AI Gateway's `llmRequestCosts`).
 *
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#ratelimitcost
 */
export interface RateLimitCost {
  /** `cost.request` (`from: Number`): charged on arrival; 0 only checks that the bucket is not exhausted. @default 1 */
  readonly request?: number;
  /**
   * `cost.response` (`from: Metadata`): the dynamic metadata `namespace`
   * and `key` whose number is charged once the response is complete; the
   * request that exhausts the bucket still completes, the next ones get 429.
   * @default - nothing charged on the response
   */
  readonly responseMetadata?: { readonly namespace: string; readonly key: string };
}

/**
 * One rate-limit rule (`rateLimit.local.rules[]` or `rateLimit.global.rules[]`):
 * requests selected by `clientSelectors` are counted, and once `requests`
 * were counted in the current `unit` the next ones get 429.
 *
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#ratelimitrule
 */
export interface RateLimitRule {
  /** `clientSelectors`: all must hold; at most 8. @default - every request of the target (one bucket per route) */
  readonly clientSelectors?: readonly ClientSelector[];
  /** `limit.requests`: requests allowed per unit, 0 to 4294967295. */
  readonly requests: number;
  /** `limit.unit`. */
  readonly unit: RateLimitUnit;
  /**
   * `shared`: one bucket for all targets of the policy instead of one per
   * route. Global rules only (Envoy Gateway implements shared buckets with
   * its rate-limit service).
   * @default false
   */
  readonly shared?: boolean;
  /** `shadowMode`: count and report, never refuse. Global rules only. @default false */
  readonly shadowMode?: boolean;
  /** `cost`: what each request costs. Global rules only (Envoy Gateway charges responses for HTTP global limits only). @default - 1 per request, nothing on the response */
  readonly cost?: RateLimitCost;
}

/** What makes Envoy retry a request (`retry.retryOn.triggers`). */
export type RetryTrigger = '5xx' | 'gateway-error' | 'reset' | 'reset-before-request' | 'connect-failure' | 'retriable-4xx' | 'refused-stream' | 'retriable-status-codes' | 'cancelled' | 'deadline-exceeded' | 'internal' | 'resource-exhausted' | 'unavailable';

const RETRY_TRIGGERS: readonly RetryTrigger[] = ['5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream', 'retriable-status-codes', 'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable'];

/**
 * Retries of a request (`spec.retry`), e.g. to fall over to the backends of
 * the next priority.
 *
 * @see https://gateway.envoyproxy.io/docs/tasks/traffic/retry/
 */
export interface RetryPolicy {
  /** `numRetries`: retries after the first attempt, 1-10. */
  readonly retries: number;
  /**
   * `numAttemptsPerPriority`: attempts on one priority level before the
   * next retry goes to the next level (provider fallback).
   * @default - Envoy's: retries may pick the same priority again
   */
  readonly attemptsPerPriority?: number;
  /** `retryOn.triggers`. At least one, or `statusCodes` with `retriable-status-codes`. */
  readonly on: readonly RetryTrigger[];
  /** `retryOn.httpStatusCodes` (with the `retriable-status-codes` trigger). @default - none */
  readonly statusCodes?: readonly number[];
  /** `perRetry.timeout`: the deadline of each attempt. @default - none (the route's timeouts apply) */
  readonly perTryTimeout?: Duration;
}

/** Props of {@link BackendTrafficPolicy}. */
export interface BackendTrafficPolicyProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.targetRefs`: routes, Gateways or listeners of the policy's namespace. */
  readonly targets: readonly PolicyTarget[];
  /**
   * `spec.rateLimit.local.rules`: counted by each Envoy replica on its own
   * (N replicas allow up to N times the limit); at most 16. More with
   * {@link BackendTrafficPolicy.addLocalRateLimit}.
   * @default - no local rate limit
   */
  readonly localRateLimits?: readonly RateLimitRule[];
  /**
   * `spec.rateLimit.global.rules`: counted by Envoy Gateway's rate-limit
   * service (needs rate limiting enabled, with a Redis, in the EnvoyGateway
   * configuration); at most 256. More with {@link BackendTrafficPolicy.addGlobalRateLimit}.
   * @default - no global rate limit
   */
  readonly globalRateLimits?: readonly RateLimitRule[];
  /** `spec.retry`. @default - Envoy Gateway's (no retries) */
  readonly retry?: RetryPolicy;
}

/**
 * Envoy Gateway's `BackendTrafficPolicy` (gateway.envoyproxy.io/v1alpha1),
 * rate-limit part (`spec.rateLimit`): local and global request limits for
 * the routes or Gateways it targets. Other traffic settings of the kind
 * (retries, timeouts, load balancing) are not modelled by this construct.
 *
 * Every route has its own buckets, even when the policy targets a Gateway,
 * unless a global rule is `shared`. When a request matches several rules,
 * each counts it and any exhausted one refuses it (429). Only one
 * BackendTrafficPolicy applies to a route: one on the route replaces one on
 * its Gateway (most specific wins).
 *
 * ```ts
 * new BackendTrafficPolicy(models, 'limits', {
 *   targets: [PolicyTarget.route(route)],
 *   globalRateLimits: [{ clientSelectors: [{ headers: [HeaderSelector.exact('x-user-tier', 'basic'), HeaderSelector.distinct('x-user-id')] }], requests: 100, unit: 'Minute' }],
 * });
 * ```
 *
 * @see https://gateway.envoyproxy.io/docs/tasks/traffic/global-rate-limit/
 * @see https://gateway.envoyproxy.io/docs/tasks/traffic/local-rate-limit/
 */
export class BackendTrafficPolicy extends Construct {
  /** The BackendTrafficPolicies created so far in `namespace` (one applies per route: a compiler adds to the one a route already has). */
  public static inNamespace(namespace: Namespace): readonly BackendTrafficPolicy[] {
    return POLICIES_BY_NAMESPACE.get(namespace) ?? [];
  }

  /** `metadata.name`. */
  public readonly policyName: string;
  /** `spec.targetRefs`. */
  public readonly targets: readonly PolicyTarget[];
  /** The L1 object. */
  public readonly resource: eg.BackendTrafficPolicy;
  private readonly local: RateLimitRule[] = [];
  private readonly global: RateLimitRule[] = [];

  public constructor(scope: Construct, id: string, props: BackendTrafficPolicyProps) {
    checkProps(childPath(scope, id), props, 'BackendTrafficPolicyProps');
    super(scope, id);
    this.policyName = assertDnsSubdomain(this, 'name', props.name ?? id);
    const targetRefs = checkTargets(this, Chart.of(this).namespace, props.targets, ['Gateway', 'HTTPRoute', 'GRPCRoute']);
    this.targets = [...props.targets];
    const retry = props.retry === undefined ? undefined : this.renderRetry(props.retry);
    if (Namespace.isNamespace(Chart.of(this))) {
      const ns = Chart.of(this) as Namespace;
      POLICIES_BY_NAMESPACE.set(ns, [...BackendTrafficPolicy.inNamespace(ns), this]);
    }
    this.resource = new eg.BackendTrafficPolicy(this, 'Resource', {
      metadata: { name: this.policyName },
      spec: Lazy.any({
        produce: (): eg.BackendTrafficPolicySpec => ({
          targetRefs,
          rateLimit:
            this.local.length + this.global.length > 0
              ? {
                  local: this.local.length > 0 ? { rules: this.local.map(renderLocalRule) } : undefined,
                  global: this.global.length > 0 ? { rules: this.global.map(renderGlobalRule) } : undefined,
                }
              : undefined,
          retry,
        }),
      }) as unknown as eg.BackendTrafficPolicySpec,
    });
    for (const r of props.localRateLimits ?? []) this.addLocalRateLimit(r);
    for (const r of props.globalRateLimits ?? []) this.addGlobalRateLimit(r);
    this.node.addValidation({
      validate: () => (this.local.length + this.global.length === 0 && retry === undefined ? [errorMessage(this, 'spec.rateLimit', 'has no rule (and the policy sets no retry)', [], 'add a rule with addLocalRateLimit() or addGlobalRateLimit(), or remove the policy.')] : []),
    });
  }

  /** The local rules, in order. */
  public get localRateLimits(): readonly RateLimitRule[] {
    return [...this.local];
  }

  /** The global rules, in order. */
  public get globalRateLimits(): readonly RateLimitRule[] {
    return [...this.global];
  }

  /**
   * Adds a local rule (`spec.rateLimit.local.rules[]`).
   *
   * @throws ModelServingError for an invalid rule, `shared` or `shadowMode`
   *   (global only), a second rule without selectors, a unit that is not a
   *   multiple of the selector-less rule's unit, or more than 16 rules
   * @returns the rule
   */
  public addLocalRateLimit(rule: RateLimitRule): RateLimitRule {
    const field = `localRateLimits[${this.local.length}]`;
    if (this.local.length >= MAX_LOCAL_RULES) invalid(this, 'localRateLimits', `can hold at most ${MAX_LOCAL_RULES} rules`, this.local.length + 1, 'combine rules with Distinct selectors, or use global rate limits (256 rules)');
    this.checkRule(field, rule);
    if (rule.shared) invalid(this, `${field}.shared`, 'is implemented by Envoy Gateway for global rate limits only (local buckets are per route)', true, 'use addGlobalRateLimit() for a bucket shared by several routes');
    if (rule.shadowMode) invalid(this, `${field}.shadowMode`, 'is supported for global rate limits only', true, 'use addGlobalRateLimit(), or drop shadowMode');
    if (rule.cost) invalid(this, `${field}.cost`, 'is supported by Envoy Gateway for global rate limits only (response costs are charged by its rate-limit service)', rule.cost, 'use addGlobalRateLimit(), or drop cost');
    const defaults = [...this.local, rule].filter((r) => (r.clientSelectors ?? []).length === 0);
    if (defaults.length > 1) invalid(this, `${field}.clientSelectors`, 'are missing, but another local rule has no selectors either (Envoy Gateway uses the one selector-less rule as the route default)', rule, 'give the rule client selectors');
    if (defaults.length === 1) {
      const base = UNIT_SECONDS[defaults[0].unit];
      const bad = [...this.local, rule].find((r) => UNIT_SECONDS[r.unit] % base !== 0);
      if (bad) invalid(this, `${field}.unit`, `must be a multiple of the unit of the selector-less rule (${defaults[0].unit}) for Envoy's local token buckets`, bad.unit, `use ${defaults[0].unit} or a longer unit`);
    }
    this.local.push(rule);
    return rule;
  }

  /**
   * Adds a global rule (`spec.rateLimit.global.rules[]`).
   *
   * @throws ModelServingError for an invalid rule or more than 256 rules
   * @returns the rule
   */
  public addGlobalRateLimit(rule: RateLimitRule): RateLimitRule {
    const field = `globalRateLimits[${this.global.length}]`;
    if (this.global.length >= MAX_GLOBAL_RULES) invalid(this, 'globalRateLimits', `can hold at most ${MAX_GLOBAL_RULES} rules`, this.global.length + 1, 'combine rules with Distinct selectors, or split the targets across policies');
    this.checkRule(field, rule);
    this.global.push(rule);
    return rule;
  }

  private renderRetry(r: RetryPolicy): eg.BackendTrafficPolicySpecRetry {
    if (typeof r !== 'object' || r === null) invalid(this, 'retry', 'must be a RetryPolicy object', r, 'pass retry: { retries: 1, on: ["connect-failure"] }');
    if (!Number.isInteger(r.retries) || r.retries < 1 || r.retries > 10) invalid(this, 'retry.retries', 'must be an integer 1-10', r.retries, 'use e.g. retries: 1');
    if (r.attemptsPerPriority !== undefined && (!Number.isInteger(r.attemptsPerPriority) || r.attemptsPerPriority < 1)) invalid(this, 'retry.attemptsPerPriority', 'must be a positive integer', r.attemptsPerPriority, 'use attemptsPerPriority: 1 to fall over to the next priority on each retry');
    if (!Array.isArray(r.on) || r.on.length === 0) invalid(this, 'retry.on', 'must list at least one trigger', r.on, "pass on: ['connect-failure']");
    r.on.forEach((t, i) => {
      if (!RETRY_TRIGGERS.includes(t)) invalid(this, `retry.on[${i}]`, `must be one of ${RETRY_TRIGGERS.join(', ')}`, t, "use e.g. 'connect-failure'");
    });
    const codes = r.statusCodes ?? [];
    codes.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 100 || c > 599) invalid(this, `retry.statusCodes[${i}]`, 'must be an HTTP status code 100-599', c, 'use e.g. 503');
    });
    if (codes.length > 0 !== r.on.includes('retriable-status-codes')) invalid(this, 'retry.statusCodes', "go together with the 'retriable-status-codes' trigger", codes, "list statusCodes and add 'retriable-status-codes' to on, or drop both");
    const perTry = r.perTryTimeout === undefined ? undefined : assertGatewayDuration(this, 'retry.perTryTimeout', r.perTryTimeout);
    return {
      numRetries: r.retries,
      numAttemptsPerPriority: r.attemptsPerPriority,
      retryOn: { triggers: r.on.map((t) => l1Enum(eg.BackendTrafficPolicySpecRetryRetryOnTriggers, t)), httpStatusCodes: codes.length > 0 ? [...codes] : undefined },
      perRetry: perTry === undefined ? undefined : { timeout: perTry },
    };
  }

  private checkRule(field: string, rule: RateLimitRule): void {
    if (!Number.isInteger(rule.requests) || rule.requests < 0 || rule.requests > MAX_REQUESTS) {
      invalid(this, `${field}.requests`, `must be an integer between 0 and ${MAX_REQUESTS}`, rule.requests, 'use e.g. requests: 100');
    }
    if (!Object.hasOwn(UNIT_SECONDS, rule.unit)) invalid(this, `${field}.unit`, `must be one of ${Object.keys(UNIT_SECONDS).join(', ')}`, rule.unit, "use e.g. unit: 'Minute'");
    const selectors = rule.clientSelectors ?? [];
    if (selectors.length > MAX_SELECTORS) invalid(this, `${field}.clientSelectors`, `can hold at most ${MAX_SELECTORS} selectors`, selectors.length, 'combine the conditions into fewer selectors');
    selectors.forEach((s, i) => {
      const sf = `${field}.clientSelectors[${i}]`;
      const headers = s.headers ?? [];
      if (headers.length === 0 && (s.methods ?? []).length === 0 && !s.path && !s.sourceCidr) {
        invalid(this, sf, 'needs at least one of headers, methods, path or sourceCidr', s, 'select requests, e.g. headers: [HeaderSelector.distinct("x-user-id")]');
      }
      if (headers.length > MAX_HEADERS) invalid(this, `${sf}.headers`, `can hold at most ${MAX_HEADERS} conditions`, headers.length, 'split the rule');
      headers.forEach((h, j) => {
        if (!isHttpHeaderName(h.name) || h.name.length > 256) invalid(this, `${sf}.headers[${j}].name`, 'must be an HTTP header name of at most 256 characters', h.name, 'use e.g. x-user-id');
        if (h.value !== undefined && h.value.length > 1024) invalid(this, `${sf}.headers[${j}].value`, 'must be at most 1024 characters', h.value.length, 'shorten the value');
      });
      if (s.path && s.path.type !== 'RegularExpression' && !s.path.value.startsWith('/')) invalid(this, `${sf}.path`, "must start with '/'", s.path.value, 'use an absolute path such as /v1/chat');
      if (s.methods !== undefined) assertHttpMethods(this, `${sf}.methods`, s.methods);
      if (s.sourceCidr && !isCidr(s.sourceCidr.cidr)) invalid(this, `${sf}.sourceCidr`, 'must be an IPv4 or IPv6 CIDR', s.sourceCidr.cidr, 'use e.g. 0.0.0.0/0 or ::/0');
    });
    const cost = rule.cost;
    if (cost?.request !== undefined && (!Number.isInteger(cost.request) || cost.request < 0 || cost.request > MAX_REQUESTS)) invalid(this, `${field}.cost.request`, `must be an integer between 0 and ${MAX_REQUESTS}`, cost.request, 'use 0 to only check the bucket, or 1');
    const meta = cost?.responseMetadata;
    if (meta !== undefined && (typeof meta.namespace !== 'string' || meta.namespace === '' || typeof meta.key !== 'string' || meta.key === '')) {
      invalid(this, `${field}.cost.responseMetadata`, 'needs a non-empty namespace and key', meta, "use e.g. { namespace: 'io.envoy.ai_gateway', key: 'llm_total_token' }");
    }
  }
}

function renderLocalRule(r: RateLimitRule): eg.BackendTrafficPolicySpecRateLimitLocalRules {
  return {
    clientSelectors: r.clientSelectors?.map((s) => ({
      headers: s.headers?.map((h) => ({ name: h.name, type: l1Enum(eg.BackendTrafficPolicySpecRateLimitLocalRulesClientSelectorsHeadersType, h.type), value: h.value, invert: h.invert })),
      methods: s.methods?.map((m) => ({ value: l1Enum(eg.BackendTrafficPolicySpecRateLimitLocalRulesClientSelectorsMethodsValue, m) })),
      path: s.path ? { type: l1Enum(eg.BackendTrafficPolicySpecRateLimitLocalRulesClientSelectorsPathType, s.path.type), value: s.path.value } : undefined,
      sourceCidr: s.sourceCidr
        ? { type: l1Enum(eg.BackendTrafficPolicySpecRateLimitLocalRulesClientSelectorsSourceCidrType, s.sourceCidr.type), value: s.sourceCidr.cidr, invert: s.sourceCidr.invert }
        : undefined,
    })),
    limit: { requests: r.requests, unit: l1Enum(eg.BackendTrafficPolicySpecRateLimitLocalRulesLimitUnit, r.unit) },
  };
}

function renderGlobalRule(r: RateLimitRule): eg.BackendTrafficPolicySpecRateLimitGlobalRules {
  return {
    clientSelectors: r.clientSelectors?.map((s) => ({
      headers: s.headers?.map((h) => ({ name: h.name, type: l1Enum(eg.BackendTrafficPolicySpecRateLimitGlobalRulesClientSelectorsHeadersType, h.type), value: h.value, invert: h.invert })),
      methods: s.methods?.map((m) => ({ value: l1Enum(eg.BackendTrafficPolicySpecRateLimitGlobalRulesClientSelectorsMethodsValue, m) })),
      path: s.path ? { type: l1Enum(eg.BackendTrafficPolicySpecRateLimitGlobalRulesClientSelectorsPathType, s.path.type), value: s.path.value } : undefined,
      sourceCidr: s.sourceCidr
        ? { type: l1Enum(eg.BackendTrafficPolicySpecRateLimitGlobalRulesClientSelectorsSourceCidrType, s.sourceCidr.type), value: s.sourceCidr.cidr, invert: s.sourceCidr.invert }
        : undefined,
    })),
    limit: { requests: r.requests, unit: l1Enum(eg.BackendTrafficPolicySpecRateLimitGlobalRulesLimitUnit, r.unit) },
    shared: r.shared,
    shadowMode: r.shadowMode,
    cost: r.cost
      ? {
          request: r.cost.request === undefined ? undefined : { from: eg.BackendTrafficPolicySpecRateLimitGlobalRulesCostRequestFrom.NUMBER, number: r.cost.request },
          response: r.cost.responseMetadata ? { from: eg.BackendTrafficPolicySpecRateLimitGlobalRulesCostResponseFrom.METADATA, metadata: { ...r.cost.responseMetadata } } : undefined,
        }
      : undefined,
  };
}

const POLICIES_BY_NAMESPACE = new WeakMap<Namespace, readonly BackendTrafficPolicy[]>();
