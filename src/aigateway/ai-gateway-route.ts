import { Chart, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as aig from '../../imports/aigateway-aigateway.envoyproxy.io';
import { AccessControl, AccessState, IAccessControlled } from '../core/access-control';
import { IBackend } from '../core/backend';
import { invalid } from '../core/errors';
import { assertDnsSubdomain, assertDnsLabel, checkedAnnotations, isGatewayHostname, policyId } from '../core/names';
import type { PolicyTargetRef } from '../core/policy-target';
import { checkProps, childPath, hasProperty, isPlainObject, optionalArray, optionalDuration, optionalNumber, optionalString, optionalStringMap, requireArray } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import type { IGateway, IRouteParent } from '../gateway/gateway';
import type { IPolicyRoute } from '../policy/policy-route';
import { HeaderMatch } from '../routing/match';
import { assertGatewayDuration } from '../routing/duration';
import { ReferenceGrant } from '../routing/reference-grant';
import { findPlatformNamespace, wireRouteToBackend } from '../routing/route-wiring';
import { applyLlmClientTraffic } from '../policy/envoy-gateway/llm-client-traffic';
import { Platform } from '../core/platform';
import { AI_GATEWAY_GROUP, AIServiceBackend } from './ai-service-backend';
import { LlmRequestCost } from './llm-request-cost';

/**
 * The header Envoy AI Gateway fills with the body's `model` before routing
 * (envoyproxy/ai-gateway v1.1.0 api/v1beta1/shared_types.go `AIModelHeaderKey`).
 */
export const AI_GATEWAY_MODEL_HEADER = 'x-ai-eg-model';

/** The `Exact` header match type, as HeaderMatch.exact renders it. */
const AI_GATEWAY_EXACT = HeaderMatch.exact(AI_GATEWAY_MODEL_HEADER, 'x').type;

/** Rules per AIGatewayRoute: 15 (one HTTPRoute slot is kept for the controller's catch-all rule; api/v1beta1/ai_gateway_route.go). */
const MAX_RULES = 15;
/** `llmRequestCosts` MaxItems. */
const MAX_COSTS = 36;

/** One `matches[]` entry of a rule: header matches, all of which must hold. */
export interface AIGatewayRouteMatch {
  /** `headers`: at most 16, one per header name. */
  readonly headers: readonly HeaderMatch[];
}

/** Matches for AIGatewayRoute rules. */
export class AIGatewayRouteMatches {
  /**
   * Requests whose body asks for `model` (`x-ai-eg-model` equals it), and
   * whose other headers match `extra` too.
   * @throws ModelServingError for a model name that cannot be a header value
   */
  public static model(model: string, ...extra: HeaderMatch[]): AIGatewayRouteMatch {
    return { headers: [HeaderMatch.exact(AI_GATEWAY_MODEL_HEADER, model), ...extra] };
  }

  private constructor() {}
}

/** A backend of a rule with its options. */
export interface AIGatewayRouteBackend {
  /** An AIServiceBackend, or an InferencePool (then alone in its rule). */
  readonly backend: AIServiceBackend | IBackend;
  /** `modelNameOverride`: the model name sent to this backend (not for an InferencePool, which ignores it). @default - the client's */
  readonly modelNameOverride?: string;
  /** `weight`, relative to the other backends of the same priority. @default 1 */
  readonly weight?: number;
  /** `priority`: 0 is used first; higher numbers only when the lower ones are unhealthy (not for an InferencePool). @default 0 */
  readonly priority?: number;
}

/** One rule of an {@link AIGatewayRoute}. */
export interface AIGatewayRouteRule {
  /** `name`, a DNS-1123 label unique in the route (not `route-not-found`, reserved). @default - unnamed */
  readonly name?: string;
  /** `matches`: any one must hold; usually `AIGatewayRouteMatches.model('<model>')`. @default - every request */
  readonly matches?: readonly AIGatewayRouteMatch[];
  /** `backendRefs`. At least one. */
  readonly backends: ReadonlyArray<AIServiceBackend | IBackend | AIGatewayRouteBackend>;
  /**
   * `timeouts.request`: the overall deadline, streams included.
   * Envoy AI Gateway sets 60 s when it is absent; `Duration.seconds(0)` disables it.
   * @default - Envoy AI Gateway's 60 s
   */
  readonly requestTimeout?: Duration;
  /** `streamIdleTimeout`: longest silence from the backend (per try). @default - none */
  readonly streamIdleTimeout?: Duration;
  /** `modelsOwnedBy`, shown by `/v1/models`. @default 'Envoy AI Gateway' */
  readonly modelsOwnedBy?: string;
}

/** Props of {@link AIGatewayRoute}. */
export interface AIGatewayRouteProps {
  /** `metadata.name` (also the name of the HTTPRoute Envoy AI Gateway generates), a DNS-1123 subdomain. @default - the construct id */
  readonly name?: string;
  /** `spec.parentRefs`: Gateways (or listeners of them). At least one, at most 16. */
  readonly parents: readonly IRouteParent[];
  /** `spec.hostnames`. @default - every hostname of the listener */
  readonly hostnames?: readonly string[];
  /** `spec.rules`: 1-15. */
  readonly rules: readonly AIGatewayRouteRule[];
  /** `spec.llmRequestCosts`; more with {@link AIGatewayRoute.addLlmRequestCost}. @default - none */
  readonly llmRequestCosts?: readonly LlmRequestCost[];
  /** `metadata.labels`. @default - the platform labels */
  readonly labels?: Record<string, string>;
}

const RULE_KEYS = keysOf<AIGatewayRouteRule>({ name: true, matches: true, backends: true, requestTimeout: true, streamIdleTimeout: true, modelsOwnedBy: true });
const BACKEND_KEYS = keysOf<AIGatewayRouteBackend>({ backend: true, modelNameOverride: true, weight: true, priority: true });

function isPool(b: unknown): b is IBackend {
  if (!hasProperty(b, 'backendRef') || b instanceof AIServiceBackend) return false;
  const ref = (b as IBackend).backendRef;
  return ref.group === 'inference.networking.k8s.io' && ref.kind === 'InferencePool';
}

/**
 * An Envoy AI Gateway `AIGatewayRoute` (aigateway.envoyproxy.io/v1beta1):
 * OpenAI-protocol requests on the parent Gateways, matched on headers (the
 * body's model as `x-ai-eg-model`), sent to AIServiceBackends (with
 * priorities for fallback and `modelNameOverride`) or to one InferencePool,
 * with token costs (`llmRequestCosts`) written to dynamic metadata.
 *
 * Envoy AI Gateway generates an HTTPRoute of the same name, which is what
 * Envoy Gateway policies attach to: the route is an `IPolicyRoute` of kind
 * HTTPRoute with that name, protected like any route (deny by default).
 * `OpenAiEndpoint` builds these for you; use the construct directly for
 * shapes it does not cover.
 *
 * ```ts
 * const openaiBackend = new EnvoyGatewayBackend(llm, 'openai', { endpoints: [BackendEndpoint.fqdn('api.openai.com', 443)], tls: {} });
 * const openai = new AIServiceBackend(llm, 'openai-ai', { name: 'openai', schema: AIServiceBackendSchema.OPENAI, backend: openaiBackend });
 * new BackendSecurityPolicy(llm, 'openai-key', { targets: [openai], credential: BackendCredential.apiKey(SecretRef.named('openai-api-key')) });
 * new AIGatewayRoute(llm, 'models', {
 *   parents: [gateway],
 *   rules: [
 *     { matches: [AIGatewayRouteMatches.model('llama-3-8b')], backends: [llamaPool] },
 *     { matches: [AIGatewayRouteMatches.model('gpt-4o-mini')], backends: [{ backend: openai, modelNameOverride: 'gpt-4o-mini-2024-07-18' }] },
 *   ],
 *   llmRequestCosts: [LlmRequestCost.totalTokens('llm_total_token')],
 * });
 * ```
 *
 * @see envoyproxy/ai-gateway v1.1.0 api/v1beta1/ai_gateway_route.go
 * @throws ModelServingError for no parents or rules, more than 15 rules, a
 *   rule without backends, an InferencePool mixed with other backends or
 *   given `modelNameOverride`/`priority`, duplicate rule names, bad
 *   durations, or two costs under one metadata key
 */
export class AIGatewayRoute extends Construct implements IPolicyRoute, IAccessControlled {
  /** The generated route's kind: `HTTPRoute`. */
  public readonly routeKind = 'HTTPRoute' as const;
  /** `metadata.name` (the generated HTTPRoute's too). */
  public readonly routeName: string;
  /** The L1 object. */
  public readonly resource: aig.AiGatewayRoute;
  private readonly parentList: readonly IRouteParent[];
  private readonly costs: LlmRequestCost[] = [];
  private readonly ruleBackends: ReadonlyArray<ReadonlyArray<AIServiceBackend | IBackend>>;
  private readonly ruleModels: ReadonlyArray<readonly string[] | undefined>;

  public constructor(scope: Construct, id: string, props: AIGatewayRouteProps) {
    checkProps(childPath(scope, id), props, 'AIGatewayRouteProps');
    super(scope, id);
    assertKnownKeys(this, '', props, keysOf<AIGatewayRouteProps>({ name: true, parents: true, hostnames: true, rules: true, llmRequestCosts: true, labels: true }));
    this.routeName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.parentList = requireArray(this, 'parents', props.parents, (v): v is IRouteParent => hasProperty(v, 'parentRef') && hasProperty(v, 'gateway'), 'a Gateway or listener', "pass parents: [gateway] or [gateway.listener('http')]");
    if (this.parentList.length === 0 || this.parentList.length > 16) invalid(this, 'parents', 'must list 1-16 Gateways', this.parentList.length, 'pass parents: [gateway]');
    this.parentList.forEach((parent, i) => this.checkParent(parent, i));
    const hostnames = optionalArray(this, 'hostnames', props.hostnames, isGatewayHostname, 'a lower-case DNS name', "pass hostnames: ['llm.example.com']") ?? [];
    if (hostnames.length > 16) invalid(this, 'hostnames', 'can hold at most 16 entries', hostnames.length, 'split the route');
    const rules = requireArray(this, 'rules', props.rules, isPlainObject, 'a rule object', 'pass rules: [{ matches: [AIGatewayRouteMatches.model("llama")], backends: [pool] }]') as unknown as readonly AIGatewayRouteRule[];
    if (rules.length === 0 || rules.length > MAX_RULES) invalid(this, 'rules', `must hold 1-${MAX_RULES} rules (Envoy AI Gateway keeps one HTTPRoute slot for its catch-all rule)`, rules.length, 'split the rules over several AIGatewayRoutes');
    const rendered = rules.map((r, i) => this.renderRule(r, i));
    const names = rules.map((r) => r.name).filter((n): n is string => n !== undefined);
    if (new Set(names).size !== names.length) invalid(this, 'rules', 'has two rules of the same name', names, 'name each rule once');
    this.ruleBackends = rendered.map((r) => r.backends);
    this.ruleModels = rules.map((r) => {
      const ms = r.matches ?? [];
      const names = ms.map((m) => m.headers.find((h) => h.name.toLowerCase() === AI_GATEWAY_MODEL_HEADER && h.type === AI_GATEWAY_EXACT)?.value);
      return ms.length > 0 && names.every((n): n is string => n !== undefined) ? names : undefined;
    });
    const labels = optionalStringMap(this, 'labels', props.labels);
    this.resource = new aig.AiGatewayRoute(this, 'Resource', {
      metadata: { name: this.routeName, labels, annotations: checkedAnnotations(this, undefined) },
      spec: {
        parentRefs: this.parentList.map((p) => {
          const r = p.parentRef;
          return { group: r.group ?? 'gateway.networking.k8s.io', kind: r.kind ?? 'Gateway', name: r.name, namespace: r.namespace === this.routeNamespace ? undefined : r.namespace, sectionName: r.sectionName, port: r.port };
        }),
        hostnames: hostnames.length > 0 ? [...hostnames] : undefined,
        rules: rendered.map((r) => r.spec),
        llmRequestCosts: Lazy.any({ produce: () => (this.costs.length > 0 ? this.costs.map((c) => ({ metadataKey: c.metadataKey, type: c.type as unknown as aig.AiGatewayRouteSpecLlmRequestCostsType, cel: c.expression })) : undefined) }) as unknown as aig.AiGatewayRouteSpecLlmRequestCosts[],
      },
    });
    optionalArray(this, 'llmRequestCosts', props.llmRequestCosts, (v): v is LlmRequestCost => v instanceof LlmRequestCost, 'an LlmRequestCost', "pass llmRequestCosts: [LlmRequestCost.totalTokens('llm_total_token')]")?.forEach((c) => this.addLlmRequestCost(c));
    for (const p of this.parentList) for (const b of this.ruleBackends.flat()) this.wire(p.gateway, b);
    // Envoy AI Gateway's router ext-proc reads the whole request body to find the model (request body mode BUFFERED:
    // envoyproxy/ai-gateway v1.1.0 internal/extensionserver/post_translate_modify.go), so every AIGatewayRoute's Gateway
    // needs the LLM client-traffic defaults: a buffer limit above Envoy Gateway's 32 KiB (else long prompts get 413) and a
    // stream idle timeout, whatever its backends are (external providers included).
    for (const p of this.parentList) {
      const gw = p.gateway;
      if (gw.provider?.id !== 'envoy-gateway') continue;
      applyLlmClientTraffic(findPlatformNamespace(this, gw.gatewayNamespace ?? this.routeNamespace ?? ''), gw, (topic, text) => Platform.tryOf(this)?.addSetupNote(topic, text));
    }
  }

  /** The route's namespace (its chart's). */
  public get routeNamespace(): string | undefined {
    return Chart.of(this).namespace;
  }

  /** The generated HTTPRoute, as Envoy Gateway policies name it. */
  public get policyTargetRef(): PolicyTargetRef {
    return { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: this.routeName, namespace: this.routeNamespace };
  }

  /** The distinct Gateways the route attaches to. */
  public get parentGateways(): readonly IGateway[] {
    return [...new Set(this.parentList.map((p) => p.gateway))];
  }

  /** The route itself, as a tier target. */
  public get tierRoutes(): readonly AIGatewayRoute[] {
    return [this];
  }

  /** `AIGatewayRoute/<namespace>/<name>`. */
  public get accessTargetName(): string {
    return `AIGatewayRoute/${this.routeNamespace ?? ''}/${this.routeName}`;
  }

  /**
   * The body models this route serves, when every match of every rule
   * names one (`x-ai-eg-model` Exact): what a rate limit selects to count
   * only this route's models. Undefined when a rule matches other requests too.
   */
  public get models(): readonly string[] | undefined {
    if (this.ruleModels.some((m) => m === undefined)) return undefined;
    return [...new Set(this.ruleModels.flatMap((m) => m ?? []))];
  }

  /** The costs configured so far. */
  public get llmRequestCosts(): readonly LlmRequestCost[] {
    return [...this.costs];
  }

  /** Adds `metadata.annotations[key]`. */
  public addAnnotation(key: string, value: string): void {
    this.resource.metadata.addAnnotation(key, value);
  }

  /**
   * Adds an `llmRequestCosts[]` entry (an engine compiling token budgets
   * does this); the same cost twice is kept once.
   * @throws ModelServingError when another cost already uses the metadata key, or past 36 costs
   */
  public addLlmRequestCost(cost: LlmRequestCost): void {
    if (!(cost instanceof LlmRequestCost)) invalid(this, 'llmRequestCosts', 'must be an LlmRequestCost', cost, "pass LlmRequestCost.totalTokens('llm_total_token')");
    const same = this.costs.find((c) => c.metadataKey === cost.metadataKey);
    if (same?.equals(cost)) return;
    if (same) invalid(this, 'llmRequestCosts', `already stores ${same.toString()} under metadata key '${cost.metadataKey}'`, cost.toString(), 'use another metadataKey for the second cost');
    if (this.costs.length >= MAX_COSTS) invalid(this, 'llmRequestCosts', `can hold at most ${MAX_COSTS} costs`, this.costs.length + 1, 'share costs between budgets');
    this.costs.push(cost);
  }

  /**
   * Declares the route reachable without authentication, on purpose.
   * @throws ModelServingError for a reason shorter than 10 characters, or a route already protected
   */
  public allowPublicAccess(reason: string): void {
    AccessControl.markPublic(this, reason);
  }

  /** How the route is protected (policies on it or its gateways, or public on purpose). */
  public accessState(): AccessState {
    return AccessControl.stateOf(this, this.parentGateways);
  }

  /** The generated HTTPRoute attaches like any route: the CRD accepts Gateways only, whose listeners must admit this namespace. */
  private checkParent(parent: IRouteParent, i: number): void {
    const ref = parent.parentRef;
    if ((ref.kind ?? 'Gateway') !== 'Gateway') invalid(this, `parents[${i}]`, 'must be a Gateway or one of its listeners (Envoy AI Gateway accepts only Gateway parents)', ref.kind, 'pass the Gateway or gateway.listener(name)');
    const listeners = ref.sectionName ? parent.gateway.listeners.filter((l) => l.name === ref.sectionName) : parent.gateway.listeners;
    if (listeners.length > 0 && listeners.every((l) => l.allowedRoutes.admits(this.routeNamespace, parent.gateway.gatewayNamespace) === false)) {
      invalid(
        this,
        `parents[${i}]`,
        `points at Gateway '${ref.name}'${ref.sectionName ? ` listener '${ref.sectionName}'` : ''}, which does not admit routes from namespace '${this.routeNamespace ?? '(none)'}'`,
        ref.name,
        `add the namespace to the listener's allowedRoutes: AllowedRoutes.fromNamespaces([...]) listing the Namespace construct '${this.routeNamespace ?? 'my-namespace'}'`,
      );
    }
  }

  private wire(gateway: IGateway, b: AIServiceBackend | IBackend): void {
    if (b instanceof AIServiceBackend) {
      b.backend.allowGateway(this, gateway);
      return;
    }
    // The generated HTTPRoute refers to the pool (its grant comes with the wiring); Envoy AI Gateway also checks a
    // grant from the AIGatewayRoute itself (envoyproxy/ai-gateway v1.1.0 internal/controller/referencegrant.go matchesFrom).
    wireRouteToBackend(this, 'HTTPRoute', gateway, b);
    const ref = b.backendRef;
    const ns = this.routeNamespace;
    if (ref.namespace === undefined || ns === undefined || ref.namespace === ns) return;
    const target = findPlatformNamespace(this, ref.namespace);
    const id = `grant-aigatewayroute-${ns}-${ref.name}`;
    if (!target || target.node.tryFindChild(id)) return;
    new ReferenceGrant(target, id, {
      name: policyId(`aigatewayroute-from-${ns}-to-${ref.name}`),
      from: [{ group: AI_GATEWAY_GROUP, kind: 'AIGatewayRoute', namespace: ns }],
      to: [{ group: ref.group ?? '', kind: ref.kind ?? 'Service', name: ref.name }],
    });
  }

  private renderRule(rule: AIGatewayRouteRule, i: number): { spec: aig.AiGatewayRouteSpecRules; backends: Array<AIServiceBackend | IBackend> } {
    const field = `rules[${i}]`;
    assertKnownKeys(this, field, rule, RULE_KEYS);
    const name = rule.name === undefined ? undefined : assertDnsLabel(this, `${field}.name`, rule.name);
    if (name === 'route-not-found') invalid(this, `${field}.name`, 'is reserved by Envoy AI Gateway', name, 'choose another name');
    const matches = optionalArray(this, `${field}.matches`, rule.matches, (v): v is AIGatewayRouteMatch => isPlainObject(v) && Array.isArray((v as { headers?: unknown }).headers), 'a match { headers: [...] }', 'pass matches: [AIGatewayRouteMatches.model("llama")]') ?? [];
    matches.forEach((m, j) => {
      assertKnownKeys(this, `${field}.matches[${j}]`, m, keysOf<AIGatewayRouteMatch>({ headers: true }));
      requireArray(this, `${field}.matches[${j}].headers`, m.headers, (v): v is HeaderMatch => v instanceof HeaderMatch, 'a HeaderMatch', 'pass headers: [HeaderMatch.exact(name, value)]');
      const hn = m.headers.map((h) => h.name.toLowerCase());
      if (new Set(hn).size !== hn.length) invalid(this, `${field}.matches[${j}].headers`, 'matches one header twice', hn, 'match each header once per match');
      if (hn.length > 16) invalid(this, `${field}.matches[${j}].headers`, 'can hold at most 16 matches', hn.length, 'split the match');
    });
    const raw = requireArray(this, `${field}.backends`, rule.backends, (v): v is AIServiceBackend | IBackend | AIGatewayRouteBackend => v instanceof AIServiceBackend || hasProperty(v, 'backendRef') || (isPlainObject(v) && hasProperty(v, 'backend')), 'an AIServiceBackend, an InferencePool or { backend, ... }', 'pass backends: [aiServiceBackend] or [pool]');
    if (raw.length === 0) invalid(this, `${field}.backends`, 'is empty', [], 'give the rule at least one backend');
    const entries = raw.map((b, j): AIGatewayRouteBackend => {
      if (b instanceof AIServiceBackend || !isPlainObject(b)) return { backend: b as AIServiceBackend | IBackend };
      assertKnownKeys(this, `${field}.backends[${j}]`, b, BACKEND_KEYS);
      return b as AIGatewayRouteBackend;
    });
    const backends = entries.map((e, j) => {
      const bf = `${field}.backends[${j}]`;
      if (!(e.backend instanceof AIServiceBackend) && !isPool(e.backend)) invalid(this, `${bf}.backend`, 'must be an AIServiceBackend or an InferencePool (Envoy AI Gateway v1.1 routes to nothing else)', e.backend, 'wrap a Service or external host in an EnvoyGatewayBackend and an AIServiceBackend');
      for (const [k, max] of [['weight', 1_000_000], ['priority', 4_294_967_295]] as const) {
        const v = optionalNumber(this, `${bf}.${k}`, e[k]);
        if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > max)) invalid(this, `${bf}.${k}`, `must be an integer 0-${max}`, v, `use e.g. ${k}: 1`);
      }
      optionalString(this, `${bf}.modelNameOverride`, e.modelNameOverride);
      if (e.backend instanceof AIServiceBackend && e.backend.backendNamespace !== this.routeNamespace) {
        invalid(this, `${bf}.backend`, 'is an AIServiceBackend of another namespace', e.backend.backendNamespace, 'create the AIServiceBackend in the namespace of the AIGatewayRoute');
      }
      if (isPool(e.backend) && (e.modelNameOverride !== undefined || e.priority !== undefined)) {
        invalid(this, bf, 'gives an InferencePool modelNameOverride or priority, which Envoy AI Gateway ignores for pools (api/v1beta1/ai_gateway_route.go)', e.modelNameOverride ?? e.priority, 'drop them; rename with an InferenceModelRewrite, fail over through the pool');
      }
      return e;
    });
    const pools = backends.filter((e) => isPool(e.backend));
    if (pools.length > 0 && backends.length > 1) invalid(this, `${field}.backends`, 'mixes an InferencePool with other backends (the CRD allows one pool per rule, alone)', backends.length, 'give the pool a rule of its own');
    const req = optionalDuration(this, `${field}.requestTimeout`, rule.requestTimeout, 'Duration.minutes(10)');
    const idle = optionalDuration(this, `${field}.streamIdleTimeout`, rule.streamIdleTimeout, 'Duration.minutes(5)');
    const owned = optionalString(this, `${field}.modelsOwnedBy`, rule.modelsOwnedBy);
    return {
      backends: backends.map((e) => e.backend),
      spec: {
        name,
        matches: matches.length > 0 ? matches.map((m) => ({ headers: m.headers.map((h) => ({ type: h.type as unknown as aig.AiGatewayRouteSpecRulesMatchesHeadersType, name: h.name, value: h.value })) })) : undefined,
        backendRefs: backends.map((e) => {
          if (e.backend instanceof AIServiceBackend) {
            return { name: e.backend.backendName, modelNameOverride: e.modelNameOverride, weight: e.weight, priority: e.priority };
          }
          const ref = e.backend.backendRef;
          return { group: ref.group, kind: ref.kind, name: ref.name, namespace: ref.namespace === this.routeNamespace ? undefined : ref.namespace, weight: e.weight };
        }),
        timeouts: req === undefined ? undefined : { request: assertGatewayDuration(this, `${field}.requestTimeout`, req) },
        streamIdleTimeout: idle === undefined ? undefined : assertGatewayDuration(this, `${field}.streamIdleTimeout`, idle),
        modelsOwnedBy: owned,
      },
    };
  }
}

