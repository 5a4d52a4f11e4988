import { IConstruct } from 'constructs';
import { IGateway, IRouteParent } from '../gateway/gateway';
import { invalid } from '../core/errors';
import { assertDnsLabel, assertGatewayHostname } from '../core/names';
import { checkProps, hasProperty, isPlainObject, requireShape } from '../core/prop-types';
import { assertInteger, assertKnownKeys, keysOf } from '../core/props';
import { checkLlmRouteRules, LlmRouteContext, LlmRouteRule, presetLlmRouteRules, renderLlmRouteRules } from './llm-route';
import { checkSchedulerOptions, LlmSchedulerContext, LlmSchedulerOptions, renderScheduler } from './llm-scheduler';

/** `router.route.group` and `router.route.weight`: a share of a routing group's traffic. */
export interface LlmRouteGroup {
  /** `group`: the routing group, a DNS-1123 label; every member LLMInferenceService names the same group. */
  readonly name: string;
  /** `weight`: this member's proportional share (Gateway API backendRef weight), 0 to 1000000. */
  readonly weight: number;
}

/** Options of {@link LlmRouter.managed}. */
export interface LlmManagedRouterOptions {
  /**
   * `router.gateway.refs`: the Gateways (or single listeners,
   * `gateway.listener('https')`, written as `sectionName`) KServe attaches
   * its HTTPRoute to.
   * @default - none: KServe's configured default Gateway
   */
  readonly gateways?: readonly IRouteParent[];
  /**
   * Without `gateways`, say the default-Gateway choice explicitly as
   * `router.gateway: {}` (as KServe's samples with a scheduler do) instead of
   * leaving `router.gateway` out.
   * @default false
   */
  readonly explicitDefaultGateway?: boolean;
  /**
   * `router.scheduler`: KServe deploys the llm-d inference scheduler
   * (endpoint picker) and an InferencePool, and its route targets the pool.
   * `true` takes KServe's presets ({@link LlmSchedulerOptions} to configure
   * it; {@link LlmInferenceService.useInferencePool} to route to a pool of
   * this app instead).
   * @default false - no scheduler: the route targets the workload Service
   */
  readonly scheduler?: boolean | LlmSchedulerOptions;
  /**
   * `router.route.http.spec.hostnames`: the Host headers KServe's managed
   * HTTPRoute answers (part of the inline route spec: see `rules` for the
   * rules written with it).
   * @default - no hostnames: every hostname of the listeners
   */
  readonly hostnames?: readonly string[];
  /**
   * `router.route.http.spec.parentRefs`: attach KServe's HTTPRoute to these
   * Gateways (or listeners) through the inline route spec, replacing the
   * preset's default Gateway, without `router.gateway.refs`. Not with
   * `gateways`: KServe overwrites the route's parentRefs with the gateway
   * refs and its webhook rejects parentRefs that differ from them (kserve
   * v0.20.0 pkg/apis/serving/v1alpha2/llm_inference_service_validation.go
   * validateRouterCrossFieldConstraints; config_merge.go ToParentRefs), so
   * name the Gateways once, in one of the two.
   * @default - none: `gateways`, else KServe's default Gateway
   */
  readonly parents?: readonly IRouteParent[];
  /**
   * `router.route.http.spec.rules`: the rules of KServe's managed HTTPRoute
   * (matches, filters, timeouts, and {@link LlmRouteBackend} as backend,
   * which KServe resolves to its pool or workload Service). They replace
   * all the rules of KServe's `kserve-config-llm-router-route` preset.
   * @default - the preset's path rules ({@link presetLlmRouteRules}) when
   *   `hostnames` or `parents` write an inline spec (the CRD would default a
   *   missing `rules` to one catch-all rule without backends, which replaces
   *   the preset's); no inline spec otherwise (KServe's preset applies whole)
   */
  readonly rules?: readonly LlmRouteRule[];
  /** `router.route.group` and `weight`: share a routing group's traffic with other LLMInferenceServices. @default - no group */
  readonly group?: LlmRouteGroup;
}

/** Options of {@link LlmRouter.httpRoutes}. */
export interface LlmHttpRoutesRouterOptions {
  /** `router.gateway.refs`: the Gateways (or listeners) the routes attach to (KServe refuses HTTPRoute refs with its default Gateway `{}`). @default - none */
  readonly gateways?: readonly IRouteParent[];
  /** `router.scheduler`, as in {@link LlmManagedRouterOptions.scheduler}. @default false */
  readonly scheduler?: boolean | LlmSchedulerOptions;
}

/**
 * How an LLMInferenceService is exposed (`spec.router`).
 *
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_types.go (RouterSpec, GatewayRoutesSpec, HTTPRouteSpec, GatewaySpec)
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_validation.go (validateRouterCrossFieldConstraints, validateTrafficFields)
 */
export class LlmRouter {
  /** KServe creates and manages the HTTPRoute on the named Gateway(s) (`router.route: {}` plus `router.gateway.refs`). */
  public static managedRoute(...gateways: IRouteParent[]): LlmRouter {
    return LlmRouter.managed({ gateways });
  }

  /**
   * KServe creates and manages the HTTPRoute (`router.route: {}`), with the
   * choices of {@link LlmManagedRouterOptions}: an inference scheduler,
   * hostnames, a routing group, and the Gateways to attach to (KServe's
   * default Gateway when none is named).
   *
   * @throws ModelServingError when `explicitDefaultGateway` is combined with
   *   `gateways` or `parents`, `parents` with `gateways` (KServe's webhook
   *   rejects parentRefs other than the gateway refs), for a bad hostname,
   *   group name or weight, bad rules (more than 16, a repeated name, a bad path, filter or timeout, a
   *   RequestMirror, a backend next to a RequestRedirect, a timeout that cuts streams), or bad
   *   scheduler options
   */
  public static managed(options: LlmManagedRouterOptions = {}): LlmRouter {
    const where = 'LlmRouter.managed';
    checkProps(where, options, 'LlmManagedRouterOptions');
    assertKnownKeys(where, '', options, keysOf<LlmManagedRouterOptions>({ gateways: true, explicitDefaultGateway: true, scheduler: true, hostnames: true, parents: true, rules: true, group: true }));
    const gateways = checkGateways(where, options.gateways);
    if (options.explicitDefaultGateway && gateways.length > 0) {
      invalid(where, 'explicitDefaultGateway', 'cannot be combined with gateways (the refs name the Gateways)', gateways.map((g) => g.gateway.gatewayName), 'drop explicitDefaultGateway, or the gateways');
    }
    const parents = checkGateways(where, options.parents, 'parents');
    if (parents.length > 0 && gateways.length > 0) {
      // kserve v0.20.0 llm_inference_service_validation.go validateRouterCrossFieldConstraints: parentRefs other than the gateway refs are rejected; equal ones are redundant (KServe derives them).
      invalid(where, 'parents', "is given with gateways: KServe writes the route's parentRefs from router.gateway.refs and rejects other parentRefs", parents.map((p) => p.gateway.gatewayName), 'name the Gateways once: in gateways (router.gateway.refs) or in parents (route.http.spec.parentRefs)');
    }
    if (parents.length > 0 && options.explicitDefaultGateway) {
      invalid(where, 'explicitDefaultGateway', "cannot be combined with parents: the route attaches to the parents, not to KServe's default Gateway", parents.map((p) => p.gateway.gatewayName), 'drop explicitDefaultGateway, or the parents');
    }
    const rules = options.rules === undefined ? undefined : checkLlmRouteRules(where, options.rules);
    const scheduler = checkScheduler(where, options.scheduler);
    let hostnames: string[] | undefined;
    if (options.hostnames !== undefined) {
      if (!Array.isArray(options.hostnames) || options.hostnames.length === 0) invalid(where, 'hostnames', 'must be a non-empty list', options.hostnames, "pass hostnames: ['llm.example.com'], or leave it out");
      hostnames = [...options.hostnames];
      hostnames.forEach((h, i) => assertGatewayHostname(where, `hostnames[${i}]`, h));
    }
    let group: LlmRouteGroup | undefined;
    if (options.group !== undefined) {
      if (!isPlainObject(options.group)) invalid(where, 'group', 'must be { name, weight }', options.group, "pass group: { name: 'qwen', weight: 90 }");
      assertKnownKeys(where, 'group', options.group, ['name', 'weight']);
      // CRD: group is a DNS-1123 label (1-63), weight 0..1000000; KServe's webhook: one needs the other.
      assertDnsLabel(where, 'group.name', options.group.name);
      assertInteger(where, 'group.weight', options.group.weight, { min: 0, max: 1_000_000, type: 'router.route.weight', fix: 'use a proportional share such as 90 and 10' });
      group = { name: options.group.name, weight: options.group.weight };
    }
    return new LlmRouter('managed', gateways, scheduler, gateways.length > 0 ? 'refs' : options.explicitDefaultGateway ? 'empty' : 'omitted', hostnames, group, parents, rules);
  }

  /**
   * HTTPRoutes of this app route to the service (`router.route.http.refs`,
   * KServe's "bring your own route"): KServe checks they exist and leaves
   * them alone. Name them with {@link LlmInferenceService.useHttpRoutes}
   * once created (they refer to the service, so they come after it).
   *
   * @throws ModelServingError for bad gateways or scheduler options
   */
  public static httpRoutes(options: LlmHttpRoutesRouterOptions = {}): LlmRouter {
    const where = 'LlmRouter.httpRoutes';
    checkProps(where, options, 'LlmHttpRoutesRouterOptions');
    assertKnownKeys(where, '', options, keysOf<LlmHttpRoutesRouterOptions>({ gateways: true, scheduler: true }));
    const gateways = checkGateways(where, options.gateways);
    return new LlmRouter('refs', gateways, checkScheduler(where, options.scheduler), gateways.length > 0 ? 'refs' : 'omitted');
  }

  /** No route: traffic reaches the workload Service directly (e.g. through your own HTTPRoute). */
  public static none(): LlmRouter {
    return new LlmRouter('none', [], undefined, 'omitted');
  }

  private constructor(
    /** `managed`: KServe creates the HTTPRoute; `refs`: routes of this app; `none`: no `spec.router`. */
    public readonly mode: 'managed' | 'refs' | 'none',
    /** Gateways (or listeners) referenced in `router.gateway.refs`. */
    private readonly parents: readonly IRouteParent[],
    /** The scheduler options (`true`: KServe's presets), when KServe deploys an inference scheduler. */
    public readonly schedulerOptions: LlmSchedulerOptions | true | undefined,
    /** How `router.gateway` is written: with `refs`, as `{}`, or left out. */
    private readonly gatewayField: 'refs' | 'empty' | 'omitted',
    /** `route.http.spec.hostnames`. */
    public readonly hostnames?: readonly string[],
    /** `route.group` and `route.weight`. */
    public readonly group?: LlmRouteGroup,
    /** `route.http.spec.parentRefs`. */
    private readonly routeParents: readonly IRouteParent[] = [],
    /** `route.http.spec.rules`, as given. */
    public readonly rules?: readonly LlmRouteRule[],
  ) {}

  /** The Gateways the route attaches to: those of `router.gateway.refs`, or of `route.http.spec.parentRefs`. */
  public get gateways(): readonly IGateway[] {
    return [...new Set([...this.parents, ...this.routeParents].map((p) => p.gateway))];
  }

  /** Whether the router writes an inline route spec (`route.http.spec`). */
  public get inlineSpec(): boolean {
    return this.hostnames !== undefined || this.routeParents.length > 0 || this.rules !== undefined;
  }

  /** Whether KServe manages an HTTPRoute. */
  public get managed(): boolean {
    return this.mode === 'managed';
  }

  /** Whether KServe deploys an inference scheduler (`router.scheduler`). */
  public get scheduler(): boolean {
    return this.schedulerOptions !== undefined;
  }

  /**
   * The rendered `spec.router`.
   *
   * @param ctx the LLMInferenceService's namespace and names (Gateways without a namespace get the service's)
   * @param route the names the inline route's rules need (its backends, its default paths)
   * @param late what the service learnt after its construction: the HTTPRoutes of {@link LlmInferenceService.useHttpRoutes}, the pool of {@link LlmInferenceService.useInferencePool}
   */
  public render(ctx: LlmSchedulerContext, route: Omit<LlmRouteContext, 'providers'>, late: { readonly routes?: readonly string[]; readonly pool?: string } = {}): Record<string, unknown> | undefined {
    if (this.mode === 'none') return undefined;
    const ns = ctx.namespace;
    const gateway =
      this.gatewayField === 'refs'
        ? { refs: this.parents.map((p) => ({ name: p.gateway.gatewayName, namespace: p.gateway.gatewayNamespace ?? ns, sectionName: p.parentRef.sectionName })) }
        : this.gatewayField === 'empty'
          ? {}
          : undefined;
    let scheduler = this.schedulerOptions === undefined ? undefined : renderScheduler(ctx, this.schedulerOptions);
    if (late.pool !== undefined) scheduler = { ...(scheduler ?? {}), pool: { ref: { name: late.pool } } };
    const routeField =
      this.mode === 'refs'
        ? { http: { refs: (late.routes ?? []).map((name) => ({ name })) } }
        : { http: this.inlineSpec ? { spec: this.renderInlineSpec(ns, route) } : undefined, group: this.group?.name, weight: this.group?.weight };
    return { scheduler, route: routeField, gateway };
  }

  /**
   * Refuses `parents` whose listeners do not admit routes from `namespace`,
   * where KServe creates its HTTPRoute (the LLMInferenceService's).
   *
   * @throws ModelServingError naming the parent and the namespace
   */
  public checkParentsAdmit(scope: IConstruct, namespace: string | undefined): void {
    const ns = namespace;
    for (const [i, p] of this.routeParents.entries()) {
      const ref = p.parentRef;
      const listeners = ref.sectionName ? p.gateway.listeners.filter((l) => l.name === ref.sectionName) : p.gateway.listeners;
      if (listeners.length > 0 && listeners.every((l) => l.allowedRoutes.admits(ns, p.gateway.gatewayNamespace) === false)) {
        invalid(scope, `router.parents[${i}]`, `points at Gateway '${ref.name}'${ref.sectionName ? ` listener '${ref.sectionName}'` : ''}, which does not admit routes from namespace '${ns ?? '(none)'}' (KServe creates its HTTPRoute there)`, ref.name, `add the namespace to the listener's allowedRoutes`);
      }
    }
  }

  /** `route.http.spec`: parentRefs, hostnames, and the rules (the preset's path rules when none are given). */
  private renderInlineSpec(ns: string | undefined, route: Omit<LlmRouteContext, 'providers'>): Record<string, unknown> {
    const providers = this.gateways.map((g) => g.provider?.id);
    const parentRefs =
      this.routeParents.length > 0
        ? this.routeParents.map((p) => ({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: p.gateway.gatewayName, namespace: p.gateway.gatewayNamespace ?? ns, sectionName: p.parentRef.sectionName, port: p.parentRef.port }))
        : undefined;
    return { parentRefs, hostnames: this.hostnames ? [...this.hostnames] : undefined, rules: renderLlmRouteRules({ ...route, providers }, this.rules ?? presetLlmRouteRules(route)) };
  }
}

function checkGateways(where: string, gateways: readonly IRouteParent[] | undefined, field = 'gateways'): readonly IRouteParent[] {
  if (gateways === undefined) return [];
  if (!Array.isArray(gateways)) invalid(where, field, 'must be a list of Gateways', gateways, `pass ${field}: [gateway]`);
  gateways.forEach((g, i) =>
    requireShape(where, `${field}[${i}]`, g, (v): v is IRouteParent => hasProperty(v, 'parentRef') && hasProperty(v, 'gateway'), 'a Gateway or a listener', "pass the Gateway construct (or Gateway.fromGatewayName(...)), or gateway.listener('https')"),
  );
  return [...gateways];
}

function checkScheduler(where: string, s: boolean | LlmSchedulerOptions | undefined): LlmSchedulerOptions | true | undefined {
  if (s === undefined || s === false) return undefined;
  if (s === true) return true;
  checkSchedulerOptions(where, s);
  return s;
}

