import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { invalid } from '../core/errors';
import { assertDnsSubdomain } from '../core/names';
import { isPlainObject, PropScope } from '../core/prop-types';
import { assertKnownKeys, assertOneOf, keysOf } from '../core/props';
import { HttpRouteFilter, IHttpRouteFilter, PathModifier } from '../routing/filter';
import { HttpRouteTimeouts } from '../routing/http-route';
import {
  checkHttpPathMatch,
  checkHttpRouteFilters,
  checkHttpRouteTimeouts,
  checkHttpRuleShapes,
  MAX_HTTP_ROUTE_RULES,
  MAX_MATCHES_PER_RULE,
  MAX_MATCHES_TOTAL,
  renderHttpRouteMatch,
  renderHttpRouteTimeouts,
} from '../routing/http-route-rule';
import { HttpRouteMatch, PathMatch } from '../routing/match';
import { checkStreamTimeouts, streamSafeTimeouts } from '../routing/stream-timeouts';

/**
 * Where a rule of KServe's managed HTTPRoute sends its requests.
 *
 * KServe rewrites the backendRef that names its own InferencePool
 * (`<name>-inference-pool`, kind InferencePool) to what serves the model:
 * the pool, the InferencePool of `useInferencePool`, or, without a
 * scheduler, the workload Service (kserve v0.20.0
 * pkg/controller/v1alpha2/llmisvc/config_merge.go combineBaseRefsConfig,
 * isDefaultBackendRef); in a routing group it replaces it with the weighted
 * members (router_group_routing.go rewriteRulesForGroup).
 */
export enum LlmRouteBackend {
  /**
   * The model: KServe's InferencePool through the endpoint picker (or the
   * pool of `useInferencePool`), the workload Service without a scheduler.
   * Written as KServe's preset writes it (InferencePool
   * `<name>-inference-pool`, port 8000), which KServe resolves.
   */
  MODEL = 'model',
  /**
   * The workload Service (`<name>-kserve-workload-svc`, port 8000),
   * bypassing the endpoint picker: what KServe's preset uses for paths the
   * picker does not schedule (`/v1/models`, `/health`).
   */
  WORKLOAD_SERVICE = 'workload-service',
}

/**
 * One rule of KServe's managed HTTPRoute (`router.route.http.spec.rules[]`),
 * with the library's match, filter and timeout types. The rules given
 * replace every rule of KServe's `kserve-config-llm-router-route` preset:
 * KServe merges the specs by strategic merge patch, and Gateway API's
 * `rules` list has no merge key, so a list given replaces the preset's
 * (kserve v0.20.0 config_merge.go mergeSpecs).
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */
export interface LlmRouteRule {
  /** `name`, a DNS-1123 subdomain (a policy's `sectionName`). @default - unnamed */
  readonly name?: string;
  /** `matches`: any one must match; at most 64. @default - every request (PathPrefix `/`) */
  readonly matches?: readonly HttpRouteMatch[];
  /**
   * `filters` (URLRewrite, header modifiers, CORS, RequestRedirect, an
   * ExtensionRef); at most one of each standard type. A rule with a
   * RequestRedirect has no backend. RequestMirror is refused (its target
   * would get no NetworkPolicy: mirror from an HttpRoute of your own).
   * @default - none
   */
  readonly filters?: readonly IHttpRouteFilter[];
  /** `backendRefs`: where the rule sends. @default LlmRouteBackend.MODEL (none with a RequestRedirect filter) */
  readonly backend?: LlmRouteBackend;
  /**
   * `timeouts`. The model streams its answers: a `request` or
   * `backendRequest` under 10 minutes is refused without
   * `shortStreamReason`.
   * @default - timeouts that do not cut streams: `request: 0s`, or on Kong `backendRequest: 10m` ({@link streamSafeTimeouts})
   */
  readonly timeouts?: HttpRouteTimeouts;
}

const RULE_KEYS = keysOf<LlmRouteRule>({ name: true, matches: true, filters: true, backend: true, timeouts: true });

/**
 * Checks the rules of an inline route (at `route.http.spec.rules`).
 *
 * @throws ModelServingError for more than 16 rules, 64 matches per rule or
 *   127 in all, a repeated rule name, a bad path, filter or timeout, a
 *   RequestMirror, a backend next to a RequestRedirect, or a timeout that
 *   cuts streams
 */
export function checkLlmRouteRules(where: PropScope, rules: unknown): readonly LlmRouteRule[] {
  if (!Array.isArray(rules) || rules.length === 0) invalid(where, 'rules', 'must be a non-empty list of LlmRouteRule', rules, "pass rules: [{ matches: [{ path: PathMatch.prefix('/v1') }] }], or leave rules out");
  if (rules.length > MAX_HTTP_ROUTE_RULES) invalid(where, 'rules', `can hold at most ${MAX_HTTP_ROUTE_RULES} rules (Gateway API)`, rules.length, 'merge rules: a rule takes up to 64 matches');
  const names = new Set<string>();
  let total = 0;
  (rules as unknown[]).forEach((rule, i) => {
    const field = `rules[${i}]`;
    if (!isPlainObject(rule)) invalid(where, field, 'must be an LlmRouteRule object', rule, 'pass { matches, filters, backend, timeouts }');
    assertKnownKeys(where, field, rule, RULE_KEYS);
    checkHttpRuleShapes(where, field, rule);
    const r = rule as LlmRouteRule;
    if (r.name !== undefined) {
      assertDnsSubdomain(where, `${field}.name`, r.name);
      if (names.has(r.name)) invalid(where, `${field}.name`, 'is already used by another rule', r.name, 'give each rule a unique name');
      names.add(r.name);
    }
    const matches = r.matches ?? [];
    if (matches.length > MAX_MATCHES_PER_RULE) invalid(where, `${field}.matches`, `can hold at most ${MAX_MATCHES_PER_RULE} matches`, matches.length, 'split the rule');
    total += matches.length;
    if (total > MAX_MATCHES_TOTAL) invalid(where, `${field}.matches`, `bring the route above ${MAX_MATCHES_TOTAL} matches in all (Gateway API)`, total, 'use fewer matches, e.g. PathPrefix instead of Exact paths');
    matches.forEach((m, j) => m.path && checkHttpPathMatch(where, `${field}.matches[${j}].path`, m.path));
    const filters = r.filters ?? [];
    checkHttpRouteFilters(where, `${field}.filters`, filters, matches);
    if (filters.some((f) => f.filterSpec.type === gw.HttpRouteSpecRulesFiltersType.REQUEST_MIRROR)) {
      invalid(where, `${field}.filters`, "mirrors requests, whose target KServe's route would reach without the NetworkPolicies an HttpRoute of this app opens", 'RequestMirror', 'mirror from an HttpRoute of your own (LlmRouter.httpRoutes), or leave the mirror out');
    }
    if (r.backend !== undefined) assertOneOf(where, `${field}.backend`, r.backend, Object.values(LlmRouteBackend), 'use LlmRouteBackend.MODEL or LlmRouteBackend.WORKLOAD_SERVICE');
    if (r.backend !== undefined && isRedirect(r)) {
      // Gateway API CRD: "RequestRedirect filter must not be used together with backendRefs".
      invalid(where, `${field}.backend`, 'is set on a rule with a RequestRedirect filter, which answers the request itself (Gateway API refuses backendRefs next to it)', r.backend, 'leave backend out of the redirect rule');
    }
    checkHttpRouteTimeouts(where, `${field}.timeouts`, r.timeouts);
    if (!isRedirect(r)) checkStreamTimeouts(where, `${field}.timeouts`, r.timeouts, 'the LLMInferenceService');
  });
  return [...(rules as LlmRouteRule[])];
}

function isRedirect(r: LlmRouteRule): boolean {
  return (r.filters ?? []).some((f) => f.filterSpec.type === gw.HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT);
}

/** What the rule renders need of the LLMInferenceService. */
export interface LlmRouteContext {
  /** Its namespace. */
  readonly namespace: string | undefined;
  /** `metadata.name`. */
  readonly name: string;
  /** `spec.model.name`. */
  readonly modelName: string;
  /** KServe's InferencePool name (`<name>-inference-pool`). */
  readonly poolName: string;
  /** KServe's workload Service name (`<name>-kserve-workload-svc`). */
  readonly workloadServiceName: string;
  /** The port of both (8000). */
  readonly port: number;
  /** The provider ids of the Gateways the route attaches to (none: KServe's default Gateway, provider unknown). */
  readonly providers: ReadonlyArray<string | undefined>;
}

/**
 * The rules of KServe v0.20.0's `kserve-config-llm-router-route` preset
 * that do not depend on the controller's configuration: the OpenAI
 * inference paths under `/<namespace>/<name>/v1/` and
 * `/publishers/<namespace>/models/<model>/v1/` rewritten to `/v1/` and sent
 * to the model, and the two catch-all prefixes rewritten to `/` and sent to
 * the workload Service. Written when the inline spec gives no rules: the
 * CRD defaults a missing `rules` to one catch-all rule without backends,
 * which would replace the preset's (kserve v0.20.0
 * config/llmisvcconfig/config-llm-router-route.yaml; the header-matched
 * model-routing rules use KServe's configured header name and are left out).
 */
export function presetLlmRouteRules(ctx: Pick<LlmRouteContext, 'namespace' | 'name' | 'modelName'>): LlmRouteRule[] {
  const ns = ctx.namespace ?? 'default';
  const perService = `/${ns}/${ctx.name}`;
  const publisher = `/publishers/${ns}/models/${ctx.modelName}`;
  const inference = ['completions', 'chat/completions', 'responses', 'messages'];
  const rewrite = (prefix: string) => [HttpRouteFilter.urlRewrite({ path: PathModifier.replacePrefixMatch(prefix) })];
  const slug = (p: string) => p.replace('/', '-');
  return [
    ...inference.map((p) => ({ name: `v1-${slug(p)}-path`, matches: [{ path: PathMatch.prefix(`${perService}/v1/${p}`) }], filters: rewrite(`/v1/${p}`) })),
    ...inference.map((p) => ({ name: `v1-${slug(p)}-publisher-path`, matches: [{ path: PathMatch.prefix(`${publisher}/v1/${p}`) }], filters: rewrite(`/v1/${p}`) })),
    { name: 'v1-publisher-path-catch-all', matches: [{ path: PathMatch.prefix(publisher) }], filters: rewrite('/'), backend: LlmRouteBackend.WORKLOAD_SERVICE },
    { name: 'v1-catch-all-path', matches: [{ path: PathMatch.prefix(perService) }], filters: rewrite('/'), backend: LlmRouteBackend.WORKLOAD_SERVICE },
  ];
}

/**
 * The rendered `route.http.spec.rules`, with stream-safe timeouts on rules
 * that give none (the providers' {@link streamSafeTimeouts}: Kong's when
 * every Gateway is Kong, none for a mix, `request: 0s` otherwise).
 */
export function renderLlmRouteRules(ctx: LlmRouteContext, rules: readonly LlmRouteRule[]): Array<Record<string, unknown>> {
  const kong = ctx.providers.map((p) => p === 'kong');
  const streamDefaults = kong.length > 0 && kong.every((k) => k) ? streamSafeTimeouts('kong') : kong.every((k) => !k) ? streamSafeTimeouts(undefined) : undefined;
  return rules.map((r) => {
    const redirect = isRedirect(r);
    const backend = r.backend ?? LlmRouteBackend.MODEL;
    const backendRef =
      backend === LlmRouteBackend.MODEL
        ? { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: ctx.poolName, port: ctx.port, weight: 1 }
        : { kind: 'Service', name: ctx.workloadServiceName, port: ctx.port, weight: 1 };
    return {
      name: r.name,
      matches: r.matches?.map(renderHttpRouteMatch),
      filters: r.filters?.map((f) => f.filterSpec),
      backendRefs: redirect ? undefined : [backendRef],
      timeouts: renderHttpRouteTimeouts(r.timeouts ?? (redirect ? undefined : streamDefaults)),
    };
  });
}
