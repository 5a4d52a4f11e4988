import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AccessControl } from '../core/access-control';
import { invalid } from '../core/errors';
import { assertKnownKeys, keysOf } from '../core/props';
import { Namespace } from '../core/namespace';
import { assertDnsLabel } from '../core/names';
import { checkProps, hasMethod, hasProperty, optionalArray, optionalShape, requireArray, requireShape } from '../core/prop-types';
import { Platform } from '../core/platform';
import type { IGateway } from '../gateway/gateway';
import { Authentication, JwtAuth } from './authentication';
import { OpaAuthorizer } from './opa-authorizer';
import type { PolicyCompiler } from './compiler';
import { CounterKey, LimitScope, RateLimitMode } from './rate-limit';
import { RedisReference } from './redis';
import { PolicyReport } from './report';
import { DEFAULT_SUBSCRIPTION_HEADER, Subscription } from './subscription';
import { isTierTarget, ITierTarget, Tier } from './tier';
import { effectiveTokenBudgets, subscriptionsGranting, TokenBudget } from './token-budget';
import type { IPolicyRoute } from './policy-route';

export type { IPolicyRoute } from './policy-route';

/**
 * The policy engine that enforces an access intent on a gateway: its CRDs
 * are what an {@link AccessPolicy} compiles to. Each gateway provider
 * carries its engine (`GatewayProvider.policyEngine`); the engines of
 * the library are exported by their folders: `KGATEWAY_POLICY_ENGINE`
 * (`cdk8s-model-serving/kgateway`), `ENVOY_GATEWAY_POLICY_ENGINE`
 * (`/envoy-gateway`), `KUADRANT_POLICY_ENGINE` (`/kuadrant`, Istio's) and
 * `KONG_POLICY_ENGINE` (`/kong`) and `AGENTGATEWAY_POLICY_ENGINE`
 * (`/agentgateway`). There is no registry: an engine is the
 * object that holds its compiler.
 */
export class PolicyEngine {
  /** The engine of a compiler (how an engine folder, or a custom implementation, declares its engine). */
  public static of(compiler: PolicyCompiler<AccessPolicy>): PolicyEngine {
    return new PolicyEngine(compiler);
  }

  private constructor(private readonly engineCompiler: PolicyCompiler<AccessPolicy>) {}

  /** Engine id: `kgateway`, `envoy-gateway`, `kuadrant`, `kong`, `agentgateway`, or a custom one. */
  public get id(): string {
    return this.engineCompiler.id;
  }

  /** Human name for reports and errors. */
  public get displayName(): string {
    return this.engineCompiler.displayName;
  }

  /** The engine's compiler. */
  public compiler(): PolicyCompiler<AccessPolicy> {
    return this.engineCompiler;
  }
}


/** Props of {@link AccessPolicy}. */
export interface AccessPolicyProps {
  /**
   * Name prefix of every object the policy emits; a DNS-1123 label of at
   * most 40 characters, so the names built from it (`<name>-rate-limit-<tier>`,
   * `<name>-<user>-key-auth`, ...) stay within Kubernetes' 63.
   *
   * @default - the construct id
   */
  readonly name?: string;
  /** The gateway the protected routes attach to (its provider picks the engine). */
  readonly gateway: IGateway;
  /**
   * The routes (models) protected, each with its own counters when
   * `limitScope` is ROUTE: routes (`HttpRoute`, `GrpcRoute`) or
   * `ModelEndpoint`s, an endpoint standing for every route it made. Tiers
   * name these same objects in their `models`.
   */
  readonly routes: ReadonlyArray<IPolicyRoute | ITierTarget>;
  /** How callers authenticate; any one method suffices. At least one. */
  readonly authentication: readonly Authentication[];
  /** An external authorizer (OPA) consulted after authentication; must allow too. @default - none */
  readonly externalAuthorizer?: OpaAuthorizer;
  /** The tiers (roles). A caller whose tier is not listed is refused. At least one. */
  readonly tiers: readonly Tier[];
  /**
   * Subscriptions: commercial entitlements that grant models with their own
   * token budgets (and optional request limits). A caller may hold several
   * (JWT claim `subscriptionsClaim`, or the API key Secret's annotation
   * `models.cdk8s.io/subscriptions`); each request is counted against one
   * that grants the model: the one named in `subscriptionHeader`, else the
   * highest priority; with none, the tier's token limits count. See
   * {@link Subscription} for the full rule.
   * @default - none (tier token limits only)
   */
  readonly subscriptions?: readonly Subscription[];
  /**
   * The request header in which a caller holding several subscriptions
   * names the one to count against (MaaS uses `x-maas-subscription`). A
   * lower-case header name.
   * @default 'x-subscription'
   */
  readonly subscriptionHeader?: string;
  /** Where counters live; an explicit choice because it changes what a limit means (see {@link RateLimitMode}). */
  readonly rateLimitMode: RateLimitMode;
  /** What limits count by. @default CounterKey.USER */
  readonly counterKey?: CounterKey;
  /** Which routes share a bucket. @default LimitScope.ROUTE */
  readonly limitScope?: LimitScope;
  /** The Redis that holds global counters, for engines that need one (kgateway's rate-limit service, Kong). @default - none */
  readonly redis?: RedisReference;
  /**
   * Override of the engine (e.g. `KUADRANT_POLICY_ENGINE` for Kuadrant on
   * Envoy Gateway). @default - the gateway provider's engine (`gateway.provider.policyEngine`)
   */
  readonly engine?: PolicyEngine;
}

/**
 * One access intent — who may call which model, how often — compiled to the
 * gateway's own CRDs. The meaning is the same on every engine:
 *
 * 1. A request must carry a credential accepted by one of `authentication`;
 *    otherwise 401.
 * 2. The identity yields a user id and a tier (JWT claims, or the API key
 *    Secret's label and annotation). A tier not in `tiers` is refused (403).
 * 3. The tier (with the tiers it inherits) must allow the route (model),
 *    method and path; otherwise 403.
 * 4. The external authorizer, when given, must allow; otherwise 403.
 * 5. Each tier's request limits are counted per `counterKey` within
 *    `limitScope`; over the limit, 429. Unlimited tiers are not counted.
 * 6. Token budgets count LLM tokens from the responses' `usage` (total,
 *    input, output or cached input; streaming responses report usage only
 *    with `stream_options: {include_usage: true}`) per `counterKey` and
 *    model: the budgets of the subscription selected for the request (see
 *    {@link Subscription}), else those of the tier. Once spent, requests
 *    get 429 until the window ends. {@link AccessPolicy.tokenBudgets} lists
 *    them per model.
 *
 * An engine that cannot express a part of this fails synth naming the
 * engine and the alternative; caveats that change the meaning go to the
 * platform's POLICY.md. Each protected route is recorded for the platform's
 * deny-by-default check.
 *
 * @see https://gateway-api.sigs.k8s.io/geps/gep-713/ (Policy Attachment: the engines' policies attach to the gateway and routes this way)
 */
export class AccessPolicy extends Construct {
  /** Name prefix of emitted objects. */
  public readonly policyName: string;
  /** The namespace of the policy (its chart's). */
  public readonly policyNamespace: string;
  /** The gateway. */
  public readonly gateway: IGateway;
  /** The protected routes (endpoints expanded to their routes), in the order given. */
  public readonly routes: readonly IPolicyRoute[];
  /** Authentication methods. */
  public readonly authentication: readonly Authentication[];
  /** External authorizer. */
  public readonly externalAuthorizer?: OpaAuthorizer;
  /** Tiers, in declaration order. */
  public readonly tiers: readonly Tier[];
  /** Subscriptions, in declaration order. */
  public readonly subscriptions: readonly Subscription[];
  /** The header naming the subscription to count against. */
  public readonly subscriptionHeader: string;
  /** Counter location. */
  public readonly rateLimitMode: RateLimitMode;
  /** Counter key. */
  public readonly counterKey: CounterKey;
  /** Bucket scope. */
  public readonly limitScope: LimitScope;
  /** Redis for global counters. */
  public readonly redis?: RedisReference;
  /** The engine. */
  public readonly engine: PolicyEngine;

  /**
   * Checks the intent, then compiles it to the engine's objects.
   *
   * @throws ModelServingError when `name` is not a DNS-1123 label of at most
   *   40 characters; the policy is not inside a Namespace; no engine goes with
   *   the gateway's provider; `routes` is empty, lists a route twice or a route
   *   that does not attach to `gateway`; `authentication` is empty or lists a
   *   kind twice; `tiers` is empty, defines a name twice, inherits a tier or
   *   names a model the policy does not have; a token budget is not a positive
   *   integer or names a model its tier or grant does not include;
   *   `subscriptions` define a name twice, grant a model the policy does not
   *   protect, or two that grant one model share a priority; `rateLimitMode` is not a
   *   RateLimitMode; `redis` is invalid; or the engine cannot express part of
   *   the intent (the message names the engine and the alternative)
   */
  public constructor(scope: Construct, id: string, props: AccessPolicyProps) {
    super(scope, id);
    checkAccessPolicyProps(this, props);
    assertKnownKeys(this, '', props, keysOf<AccessPolicyProps>({ name: true, gateway: true, routes: true, authentication: true, externalAuthorizer: true, tiers: true, subscriptions: true, subscriptionHeader: true, rateLimitMode: true, counterKey: true, limitScope: true, redis: true, engine: true }));
    this.policyName = assertDnsLabel(this, 'name', props.name ?? id, 40);
    const ns = Chart.of(this).namespace;
    if (!ns) invalid(this, 'scope', 'must be a Namespace (policies are namespaced)', this.node.path, 'create the policy inside the Namespace of its routes');
    this.policyNamespace = ns;
    this.gateway = props.gateway;
    this.routes = props.routes.flatMap((r): readonly IPolicyRoute[] => (isTierTarget(r) ? r.tierRoutes : [r as IPolicyRoute]));
    this.authentication = props.authentication;
    this.externalAuthorizer = props.externalAuthorizer;
    this.tiers = props.tiers;
    this.subscriptions = props.subscriptions ?? [];
    this.subscriptionHeader = props.subscriptionHeader ?? DEFAULT_SUBSCRIPTION_HEADER;
    this.rateLimitMode = props.rateLimitMode;
    this.counterKey = props.counterKey ?? CounterKey.USER;
    this.limitScope = props.limitScope ?? LimitScope.ROUTE;
    this.redis = props.redis;

    const engine = props.engine ?? props.gateway.provider?.policyEngine;
    if (!engine) {
      invalid(
        this,
        'engine',
        `is unknown for gateway '${props.gateway.gatewayName}' (provider ${props.gateway.provider?.id ?? 'not set'}, which carries no policy engine)`,
        props.gateway.provider?.id,
        "set the Gateway provider, or pass engine: KUADRANT_POLICY_ENGINE (from 'cdk8s-model-serving/kuadrant') or PolicyEngine.of(compiler); a custom provider takes GatewayProvider.custom(id, className, { policyEngine })",
      );
    }
    this.engine = engine;
    this.check();

    for (const route of this.routes) AccessControl.attach(route, this.policyName);
    this.externalAuthorizer?.allowGateway(this.gateway);
    const compiler = engine.compiler();
    const compiled = compiler.compile(this);
    PolicyReport.of(Platform.of(this)).addPolicy(this, compiler.displayName, compiled);
  }

  /** The tiers by name. */
  public tier(name: string): Tier | undefined {
    return this.tiers.find((t) => t.name === name);
  }

  /** The JWT method, if any. */
  public get jwt(): JwtAuth | undefined {
    return this.authentication.find((a): a is JwtAuth => a.kind === 'jwt');
  }

  /** True when some tier or subscription has token limits. */
  public get hasTokenLimits(): boolean {
    return this.tiers.some((t) => t.tokenLimits.length > 0) || this.subscriptions.length > 0;
  }

  /** The subscriptions by name. */
  public subscription(name: string): Subscription | undefined {
    return this.subscriptions.find((s) => s.name === name);
  }

  /**
   * The subscriptions that grant `route`, in selection order (highest
   * priority first): without a selection header, a caller is counted
   * against the first of these it holds.
   */
  public subscriptionsFor(route: IPolicyRoute): readonly Subscription[] {
    return subscriptionsGranting(this.subscriptions, route);
  }

  /**
   * The effective token budgets, what engine compilers translate: for each
   * protected route (or only `route`), each tier's own token limits that
   * apply to it (for requests no subscription is selected for), then each
   * granting subscription's (in selection order). Every budget counts per
   * `counterKey` within `limitScope`.
   */
  public tokenBudgets(route?: IPolicyRoute): readonly TokenBudget[] {
    return effectiveTokenBudgets(route ? [route] : this.routes, this.tiers, this.subscriptions);
  }

  /** The Namespace chart of the policy. */
  public get namespaceChart(): Namespace {
    return Namespace.of(this);
  }

  private check(): void {
    if (this.routes.length === 0) invalid(this, 'routes', 'must list at least one route', [], 'pass the HttpRoutes the policy protects');
    const names = new Set<string>();
    for (const r of this.routes) {
      if (names.has(r.routeName)) invalid(this, 'routes', 'lists a route twice', r.routeName, 'list each route once');
      names.add(r.routeName);
      if (!r.parentGateways.includes(this.gateway)) {
        invalid(this, 'routes', `contains '${r.routeName}', which does not attach to gateway '${this.gateway.gatewayName}'`, r.routeName, 'list only routes of the policy gateway');
      }
    }
    if (this.authentication.length === 0) {
      invalid(this, 'authentication', 'must have at least one method (deny by default)', [], 'pass authentication: [new JwtAuth({...})] or ApiKeyAuth..., or declare the routes public with allowPublicAccess(reason)');
    }
    const kinds = this.authentication.map((a) => a.kind);
    if (new Set(kinds).size !== kinds.length) invalid(this, 'authentication', 'lists the same kind of method twice', kinds, 'combine the keys of one kind into one method');
    if (this.tiers.length === 0) invalid(this, 'tiers', 'must define at least one tier', [], "pass tiers: [new Tier('basic', { limits: [RateLimit.perMinute(100)] })]");
    const tierNames = new Set<string>();
    this.tiers.forEach((t, i) => {
      t.check(this, `tiers[${i}]`);
      if (tierNames.has(t.name)) invalid(this, `tiers[${i}].name`, 'is defined twice', t.name, 'give each tier a unique name');
      tierNames.add(t.name);
    });
    for (const t of this.tiers) {
      if (t.inherits && !tierNames.has(t.inherits.name)) {
        invalid(this, `tiers(${t.name}).inherits`, 'names a tier the policy does not define', t.inherits.name, `add tier '${t.inherits.name}' to tiers`);
      }
      const own = t.ownTargets;
      if (own !== '*') {
        own.forEach((target, i) => {
          for (const r of target.tierRoutes) {
            if (!this.routes.includes(r)) {
              const what = target.tierRoutes.length === 1 && (target.tierRoutes[0] as unknown) === target ? 'a route' : `a route of ${target instanceof Construct ? target.node.path : 'an endpoint'}`;
              invalid(this, `tiers(${t.name}).models[${i}]`, `names ${what} the policy does not protect`, r.routeName, `add it to the policy's routes, or name one of: ${[...names].join(', ')}`);
            }
          }
        });
      }
    }
    this.checkSubscriptions(names);
    this.authentication.forEach((a, i) => (a.kind === 'jwt' ? a.check(this, `authentication[${i}]`) : a.check(this, `authentication[${i}]`, [...tierNames], this.subscriptions)));
    if (typeof this.rateLimitMode !== 'string' || !Object.values(RateLimitMode).includes(this.rateLimitMode)) {
      invalid(this, 'rateLimitMode', 'must be RateLimitMode.LOCAL or RateLimitMode.GLOBAL (an explicit choice)', this.rateLimitMode, 'choose GLOBAL for exact limits across replicas, LOCAL for per-replica buckets');
    }
    this.redis?.check(this, 'redis');
  }

  /** Subscriptions: valid, unique names, granting protected routes only, unique priority per route, a lower-case selection header. */
  private checkSubscriptions(routeNames: ReadonlySet<string>): void {
    const seen = new Set<string>();
    this.subscriptions.forEach((s, i) => {
      s.check(this, `subscriptions[${i}]`);
      if (seen.has(s.name)) invalid(this, `subscriptions[${i}].name`, 'is defined twice', s.name, 'give each subscription a unique name');
      seen.add(s.name);
      s.grants.forEach((g, gi) => {
        g.models.forEach((target, mi) => {
          for (const r of target.tierRoutes) {
            if (!this.routes.includes(r)) {
              const what = target.tierRoutes.length === 1 && (target.tierRoutes[0] as unknown) === target ? 'a route' : `a route of ${target instanceof Construct ? target.node.path : 'an endpoint'}`;
              invalid(this, `subscriptions(${s.name}).grants[${gi}].models[${mi}]`, `names ${what} the policy does not protect`, r.routeName, `add it to the policy's routes, or name one of: ${[...routeNames].join(', ')}`);
            }
          }
        });
      });
    });
    for (const route of this.routes) {
      const granting = this.subscriptionsFor(route);
      for (let i = 1; i < granting.length; i++) {
        if (granting[i]!.priority === granting[i - 1]!.priority) {
          invalid(
            this,
            `subscriptions(${granting[i]!.name}).priority`,
            `equals that of subscription '${granting[i - 1]!.name}' (${granting[i]!.priority}), and both grant '${route.routeName}': a caller holding both would have no defined budget without a selection header`,
            granting[i]!.priority,
            'give the subscriptions that grant the same model distinct priorities (the highest is counted when the request names none)',
          );
        }
      }
    }
    if (typeof this.subscriptionHeader !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(this.subscriptionHeader) || ['authorization', 'host', 'content-length'].includes(this.subscriptionHeader)) {
      invalid(this, 'subscriptionHeader', 'must be a lower-case header name of letters, digits and "-", other than authorization, host or content-length', this.subscriptionHeader, "use e.g. 'x-subscription'");
    }
  }
}

/** Type checks of the props (for callers without TypeScript). @throws ModelServingError */
function checkAccessPolicyProps(scope: IConstruct, props: AccessPolicyProps): void {
  checkProps(scope, props, 'AccessPolicyProps');
  requireShape(scope, 'gateway', props.gateway, (v): v is IGateway => hasProperty(v, 'gatewayName') && hasProperty(v, 'parentRef'), 'a Gateway', 'pass the Gateway construct the routes attach to');
  requireArray(scope, 'routes', props.routes, (v): v is unknown => (hasProperty(v, 'routeName') && hasProperty(v, 'parentGateways')) || isTierTarget(v), 'a route or ModelEndpoint', 'pass the ModelEndpoints or HttpRoutes the policy protects: routes: [endpoint]');
  requireArray(scope, 'authentication', props.authentication, (v): v is Authentication => hasMethod(v, 'check') && hasProperty(v, 'kind'), 'an authentication method', "pass authentication: [new JwtAuth({ ... })] or [ApiKeyAuth.fromExternalSecrets({ ... })]");
  requireArray(scope, 'tiers', props.tiers, (v): v is Tier => hasMethod(v, 'check') && hasProperty(v, 'name'), 'a Tier', "pass tiers: [new Tier('basic', { limits: [RateLimit.perMinute(100)] })]");
  optionalArray(scope, 'subscriptions', props.subscriptions, (v): v is Subscription => hasMethod(v, 'check') && hasProperty(v, 'grants'), 'a Subscription', "pass subscriptions: [new Subscription('gold', { grants: [{ models: [endpoint], tokenLimits: [TokenLimit.perDay(100000)] }] })]");
  optionalShape(scope, 'externalAuthorizer', props.externalAuthorizer, (v): v is OpaAuthorizer => hasMethod(v, 'allowGateway'), 'an OpaAuthorizer', "pass the OpaAuthorizer construct: externalAuthorizer: new OpaAuthorizer(auth, 'opa', { ... })");
  optionalShape(scope, 'engine', props.engine, (v): v is PolicyEngine => hasMethod(v, 'compiler'), 'a PolicyEngine', "use KUADRANT_POLICY_ENGINE (from 'cdk8s-model-serving/kuadrant') or PolicyEngine.of(compiler), or leave it out to follow the gateway provider");
  optionalShape(scope, 'redis', props.redis, (v): v is RedisReference => hasMethod(v, 'check'), 'a RedisReference', "use RedisReference.of({ host: 'redis.data.svc.cluster.local' })");
}
