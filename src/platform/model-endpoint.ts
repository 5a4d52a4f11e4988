import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { checkProps, hasProperty, isPlainObject, isString, optionalArray, optionalShape, optionalString, requireArray, requireShape } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import { assertSafePath } from '../core/url-path';
import { IRouteParent } from '../gateway/gateway';
import { GatewayMonitoring } from '../observability/gateway-monitoring';
import { KServeModelMonitoring } from '../observability/kserve-model-monitoring';
import { LlmInferenceServiceMonitoring } from '../observability/llm-inference-service-monitoring';
import { LlmMonitoring, LlmMonitoringProps } from '../observability/llm-monitoring';
import { ITierTarget } from '../policy/tier';
import { HttpRouteFilter, IHttpRouteFilter, PathModifier } from '../routing/filter';
import { GrpcRoute } from '../routing/grpc-route';
import { HttpRoute, HttpRouteTimeouts } from '../routing/http-route';
import { checkStreamTimeouts, streamSafeTimeouts } from '../routing/stream-timeouts';
import { findPlatformNamespace } from '../routing/route-wiring';
import { GatewayProvider } from '../gateway/gateway-provider';
import { applyLlmClientTraffic } from '../policy/envoy-gateway/llm-client-traffic';
import { Platform } from '../core/platform';
import { OPENAI_API_PATHS } from '../serving/serving-runtime';
import { PathMatch } from '../routing/match';
import { RouteBase } from '../routing/route-base';
import { InferenceService } from '../serving/inference-service';
import { LlmInferenceService } from '../serving/llm-inference-service';

/** The format name of vLLM models (`ServingRuntime.vllm`'s default format, or `ModelFormat.custom('vLLM')`), compared case-insensitively. */
const VLLM_FORMAT_NAME = 'vllm';

/**
 * Who may call a {@link ModelEndpoint}: deny by default, so either an
 * `AccessPolicy` lists the endpoint in its `routes`, or the endpoint is
 * public on purpose with a reason (listed in the platform's POLICY.md).
 */
export class EndpointAccess {
  /**
   * Protected by an `AccessPolicy` that lists the endpoint in its `routes`
   * (and whose tiers name it in `models`). The policy is created after the
   * endpoint, since its tiers refer to the endpoint; synth fails (deny by
   * default) when no policy lists it.
   */
  public static policy(): EndpointAccess {
    return new EndpointAccess(undefined);
  }

  /**
   * Reachable without authentication, on purpose: the route is declared
   * public (`allowPublicAccess`) and the reason goes to POLICY.md.
   *
   * @param reason why the model may be called without authentication, at least 10 characters
   */
  public static publicAccess(reason: string): EndpointAccess {
    return new EndpointAccess(reason);
  }

  private constructor(
    /** The reason of public access; undefined when a policy protects the endpoint. */
    public readonly publicReason: string | undefined,
  ) {}
}

/**
 * Monitoring of a {@link ModelEndpoint}: the model bundle that fits its
 * runtime, with the gateway's view of its traffic. For an
 * LLMInferenceService it is {@link LlmInferenceServiceMonitoring} (vLLM's
 * own metrics), which takes the vLLM thresholds, `runbookBaseUrl`, `labels`
 * and `prometheus` only: `gateway`, `traffic`, `llm: false` and the
 * InferenceService options are refused.
 */
export interface ModelEndpointMonitoring extends Omit<LlmMonitoringProps, 'model'> {
  /**
   * The gateway's monitoring: the model's requests, errors and latency are
   * measured at the gateway (`gateway.trafficTo(model)`), which gives the
   * error-rate alert and the availability SLO. Kong has no GatewayMonitoring:
   * pass `traffic: RequestMetrics.kong(<Kong service>)` instead.
   * @default - `traffic`, else the model server's own metrics only (no error rate)
   */
  readonly gateway?: GatewayMonitoring;
  /**
   * Monitor as an LLM ({@link LlmMonitoring}: vLLM's latency, time to first
   * token, queue and KV cache) rather than with {@link KServeModelMonitoring}.
   * @default - true for vLLM models (format `vLLM`, as `ServingRuntime.vllm` declares), false otherwise
   */
  readonly llm?: boolean;
}

/** Props of {@link ModelEndpoint}. */
export interface ModelEndpointProps {
  /**
   * The model served: an `InferenceService` (any protocol: KServe v1, Open
   * Inference Protocol v2, OpenAI-compatible runtimes, grpc-v2) or an
   * `LlmInferenceService` with `router: LlmRouter.none()`.
   */
  readonly model: InferenceService | LlmInferenceService;
  /**
   * Where the route attaches (`parentRefs[]`): a Gateway, or one of its
   * listeners (`gateway.listener('https')`). Any provider: kgateway, Envoy
   * Gateway, Istio, Kong. The listener must admit routes from the
   * endpoint's namespace.
   */
  readonly gateway: IRouteParent;
  /**
   * A path prefix of its own (`/qwen3`): the route matches `PathPrefix
   * <path>` and rewrites it to `/` before the model (`URLRewrite
   * ReplacePrefixMatch`), so clients call `<path>/v1/chat/completions` for
   * a model serving `/v1/chat/completions`. Not for gRPC models (a GRPCRoute
   * matches services, not paths: give a `hostname`).
   * @default - the model's own paths (`model.routeMatches()`: `/v1/models/<name>[:predict]`, `/v2/models/<name>`, the OpenAI paths), or its gRPC service
   * @see https://gateway-api.sigs.k8s.io/reference/spec/#httpurlrewritefilter (ReplacePrefixMatch)
   */
  readonly path?: string;
  /**
   * A hostname of its own (`spec.hostnames`): requests for this host only.
   * Needed to tell apart models whose paths do not name them (OpenAI-compatible, gRPC) on one listener, unless `path` is given.
   * @default - every hostname of the listener
   * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproutespec (hostnames)
   */
  readonly hostname?: string;
  /** `metadata.name` of the route; also the route name access policies name their objects after. @default - the model's name */
  readonly name?: string;
  /** Who may call it. @default EndpointAccess.policy() - an AccessPolicy must list the endpoint (deny by default) */
  readonly access?: EndpointAccess;
  /** The model's monitoring bundle, or none. @default - none */
  readonly monitoring?: ModelEndpointMonitoring;
  /** Extra filters of the HTTP route's rule (e.g. `HttpRouteFilter.cors(...)`), after the path rewrite. Not for gRPC models. @default - none */
  readonly filters?: readonly IHttpRouteFilter[];
  /** `metadata.labels` of the route. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /**
   * The OpenAI paths the route matches, for a model whose server is
   * OpenAI-compatible (vLLM, TEI, an LLMInferenceService): a subset of the
   * paths the server answers (`model.openAiPaths`), e.g. only
   * `['/v1/embeddings']` for an embedding model. Not with `path`, which
   * forwards everything under the prefix.
   * @default - every OpenAI path the server answers: `/v1/chat/completions`, `/v1/completions`, `/v1/embeddings`, `/v1/models` (vLLM), `/v1/embeddings` (TEI)
   * @throws ModelServingError for a path the server does not answer, a model that does not speak the OpenAI API, or together with `path`
   */
  readonly openAiPaths?: readonly string[];
  /**
   * Timeouts of the route's rule. On an LLM (an OpenAI-compatible server
   * or an LLMInferenceService: its answers stream for minutes) a
   * `request` or `backendRequest` timeout under 10 minutes is refused unless
   * `shortStreamReason` says why.
   * @default - for an LLM, the timeouts that let answers stream on the gateway's provider ({@link streamSafeTimeouts}: `request: 0s`, or on Kong `backendRequest: 10m`, over Kong's 60 s read timeout) with a 5-minute stream idle timeout instead (Envoy's default; set on Envoy Gateway's ClientTrafficPolicy, where `request: 0s` would turn it off); none for other models
   * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproutetimeouts
   */
  readonly timeouts?: HttpRouteTimeouts;
}

const PROPS_KEYS = keysOf<ModelEndpointProps>({ model: true, gateway: true, path: true, hostname: true, name: true, access: true, monitoring: true, filters: true, labels: true, openAiPaths: true, timeouts: true });


/**
 * One served model on a gateway, wired the way every model needs: the
 * protocol-correct route (an `HTTPRoute` with the model's own matches, or
 * a path prefix rewritten to `/`; a `GRPCRoute` for a grpc-v2 model), its
 * access (listed by an `AccessPolicy`, whose tiers name the endpoint, or
 * public with a reason), and the monitoring bundle that fits the runtime
 * (`LlmMonitoring` for vLLM, `KServeModelMonitoring` otherwise, with the
 * gateway's view of its traffic). The NetworkPolicies come with the route
 * (gateway to predictor pods) and the monitor (Prometheus to the metrics
 * port). Works with every gateway provider (kgateway, Envoy Gateway,
 * Istio/Kuadrant, Kong).
 *
 * The endpoint is created in the Namespace of its route (the model's, or
 * the gateway's for routes across namespaces: a ReferenceGrant is written
 * in the model's namespace); the monitoring goes next to the route.
 *
 * ```ts
 * const gwMonitoring = new GatewayMonitoring(system, 'gateway-monitoring', { gateway });
 * const qwen = new ModelEndpoint(models, 'qwen', { model: qwenIsvc, gateway: gateway.listener('https'), path: '/qwen', monitoring: { gateway: gwMonitoring } });
 * const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)], models: [qwen] });
 * new AccessPolicy(models, 'access', { gateway, routes: [qwen], authentication: [...], tiers: [basic], rateLimitMode: RateLimitMode.GLOBAL });
 * ```
 *
 * @throws ModelServingError when `model` is not an InferenceService or
 *   LlmInferenceService (or is an LLMInferenceService whose route KServe
 *   manages); `path` is not an absolute, normalized path, or is given for a
 *   gRPC model; `filters` are given for a gRPC model; monitoring of an
 *   LLMInferenceService is given `gateway`, `traffic`, `llm: false` or an
 *   option only InferenceService bundles take; or the route, access or monitoring constructs refuse their part
 */
export class ModelEndpoint extends Construct implements ITierTarget {
  /** The model. */
  public readonly model: InferenceService | LlmInferenceService;
  /** The route: an HTTPRoute, or a GRPCRoute for a gRPC model. */
  public readonly route: HttpRoute | GrpcRoute;
  /** The monitoring bundle, when asked for: {@link LlmMonitoring} or {@link KServeModelMonitoring} for an InferenceService, {@link LlmInferenceServiceMonitoring} for an LLMInferenceService. */
  public readonly monitoring?: KServeModelMonitoring | LlmInferenceServiceMonitoring;
  /** The path prefix clients call, when the endpoint has one. */
  public readonly path?: string;

  public constructor(scope: Construct, id: string, props: ModelEndpointProps) {
    super(scope, id);
    checkProps(this, props, 'ModelEndpointProps');
    assertKnownKeys(this, '', props, PROPS_KEYS);
    requireShape(this, 'model', props.model, (v): v is InferenceService | LlmInferenceService => v instanceof InferenceService || v instanceof LlmInferenceService, 'an InferenceService or LlmInferenceService', 'pass the model construct: model: new InferenceService(models, ...)');
    requireShape(this, 'gateway', props.gateway, (v): v is IRouteParent => hasProperty(v, 'parentRef') && hasProperty(v, 'gateway'), 'a Gateway or one of its listeners', "pass gateway: gateway, or gateway: gateway.listener('https')");
    optionalString(this, 'path', props.path, "write the prefix as a string, e.g. '/qwen3'");
    optionalString(this, 'hostname', props.hostname, "write the host as a string, e.g. 'qwen.models.example.com'");
    optionalShape(this, 'access', props.access, (v): v is EndpointAccess => v instanceof EndpointAccess, 'an EndpointAccess', "pass access: EndpointAccess.policy(), or EndpointAccess.publicAccess('<reason>')");
    optionalArray(this, 'filters', props.filters, (v): v is IHttpRouteFilter => typeof v === 'object' && v !== null, 'an HttpRouteFilter', 'pass filters: [HttpRouteFilter.cors({...})]');
    optionalShape(this, 'monitoring', props.monitoring, (v): v is ModelEndpointMonitoring => isPlainObject(v), 'an object of monitoring options', 'pass monitoring: { gateway: gatewayMonitoring }, or leave it out for none');
    if (props.monitoring?.llm !== undefined && typeof props.monitoring.llm !== 'boolean') invalid(this, 'monitoring.llm', 'must be true or false', props.monitoring.llm, 'pass llm: true to monitor the model as a vLLM LLM, or leave it out to follow the model format');
    if (props.name !== undefined && !isString(props.name)) invalid(this, 'name', 'must be a string', props.name, "pass the route name, e.g. name: 'qwen3'");
    this.model = props.model;
    const model = props.model;
    const grpc = model instanceof InferenceService && model.isGrpc;
    const name = props.name ?? model.serviceName;
    const hostnames = props.hostname !== undefined ? [props.hostname] : undefined;
    const labels = props.labels;

    if (props.path !== undefined) {
      if (grpc) invalid(this, 'path', 'cannot be given for a gRPC model: a GRPCRoute matches gRPC services, not paths', props.path, 'give the model a hostname of its own instead (hostname: ...)');
      if (!props.path.startsWith('/') || props.path === '/' || props.path.endsWith('/')) {
        invalid(this, 'path', "must be an absolute prefix of at least one segment, without a trailing '/'", props.path, "use e.g. '/qwen3'");
      }
      assertSafePath(this, 'path', props.path, "write the normalized prefix, e.g. '/qwen3'");
      this.path = props.path;
    }

    const llm = model instanceof LlmInferenceService || model.servesOpenAi;
    const served = model instanceof LlmInferenceService ? OPENAI_API_PATHS : model.openAiPaths;
    let matches = this.path !== undefined || grpc ? undefined : model.routeMatches();
    if (props.openAiPaths !== undefined) {
      const paths = requireArray(this, 'openAiPaths', props.openAiPaths, isString, 'an OpenAI path', "pass openAiPaths: ['/v1/embeddings']");
      if (!llm) invalid(this, 'openAiPaths', `are OpenAI paths, but ${model.node.path} does not serve the OpenAI API (its runtime is not OpenAI-compatible)`, paths, 'leave openAiPaths out: the route matches the paths of the model\'s protocol');
      if (this.path !== undefined) invalid(this, 'openAiPaths', 'cannot be given with path, which forwards every request under the prefix', paths, 'give one of path and openAiPaths');
      if (paths.length === 0) invalid(this, 'openAiPaths', 'is empty, so the route would match nothing', paths, `list some of ${served.join(', ')}`);
      for (const p of paths) {
        if (!served.includes(p)) invalid(this, 'openAiPaths', `contains a path the model's server does not answer (it serves ${served.join(', ')})`, p, `use only ${served.join(', ')}`);
      }
      if (new Set(paths).size !== paths.length) invalid(this, 'openAiPaths', 'lists a path twice', paths, 'list each path once');
      matches = paths.map((p) => ({ path: PathMatch.exact(p) }));
    }
    optionalShape(this, 'timeouts', props.timeouts, isPlainObject, 'an object of Durations', 'pass timeouts: { request: Duration.minutes(30) }');
    const provider = props.gateway.gateway.provider;
    if (llm && !grpc) checkStreamTimeouts(this, 'timeouts', props.timeouts, `${model instanceof LlmInferenceService ? 'LLMInferenceService' : 'the LLM'} ${model.serviceName}`);
    const timeouts: HttpRouteTimeouts | undefined = props.timeouts ?? (llm && !grpc ? streamSafeTimeouts(provider?.id) : undefined);

    if (grpc) {
      if (props.timeouts !== undefined) invalid(this, 'timeouts', 'are HTTPRoute rule timeouts, which a GRPCRoute (gRPC model) does not have', props.timeouts, 'leave timeouts out for a gRPC model');
      if (props.filters !== undefined && props.filters.length > 0) invalid(this, 'filters', 'are HTTPRoute filters, which a GRPCRoute (gRPC model) cannot carry', props.filters.length, 'drop them, or serve the model over HTTP');
      this.route = new GrpcRoute(this, 'route', { name, parents: [props.gateway], hostnames, labels, rules: [{ matches: (model as InferenceService).grpcRouteMatches(), backends: [model] }] });
    } else {
      const rewrite = this.path !== undefined ? [HttpRouteFilter.urlRewrite({ path: PathModifier.replacePrefixMatch('/') })] : [];
      const filters = [...rewrite, ...(props.filters ?? [])];
      this.route = new HttpRoute(this, 'route', {
        name,
        parents: [props.gateway],
        hostnames,
        labels,
        rules: [{ matches: this.path !== undefined ? [{ path: PathMatch.prefix(this.path) }] : matches, filters: filters.length > 0 ? filters : undefined, backends: [model], timeouts }],
      });
      if (model instanceof LlmInferenceService) this.keepStreamsAlive(props.gateway);
    }

    const access = props.access ?? EndpointAccess.policy();
    if (access.publicReason !== undefined) this.route.allowPublicAccess(access.publicReason);

    if (props.monitoring !== undefined) this.monitoring = this.monitor(model, props.monitoring);
  }

  /** The routes a tier naming this endpoint may call (the endpoint's one route). */
  public get tierRoutes(): readonly RouteBase[] {
    return [this.route];
  }

  /** The route's `metadata.name`. */
  public get routeName(): string {
    return this.route.routeName;
  }

  /**
   * On Envoy Gateway, what an LLMInferenceService's route needs on the
   * Gateway's ClientTrafficPolicy ({@link applyLlmClientTraffic}); routes
   * to other streaming backends get it from the route wiring.
   */
  private keepStreamsAlive(parent: IRouteParent): void {
    const gateway = parent.gateway;
    if (gateway.provider !== GatewayProvider.ENVOY_GATEWAY) return;
    applyLlmClientTraffic(findPlatformNamespace(this, gateway.gatewayNamespace ?? Chart.of(this).namespace ?? ''), gateway, (topic, text) => Platform.tryOf(this)?.addSetupNote(topic, text));
  }

  private monitor(model: InferenceService | LlmInferenceService, options: ModelEndpointMonitoring): KServeModelMonitoring | LlmInferenceServiceMonitoring {
    const { gateway, llm, traffic, ...bundle } = options;
    if (!(model instanceof InferenceService)) {
      // The LLMInferenceService bundle reads vLLM's own metrics on KServe's workload pods; it has no request-level source to swap.
      const given = gateway !== undefined ? 'gateway' : traffic !== undefined ? 'traffic' : llm === false ? 'llm' : undefined;
      if (given !== undefined) invalid(this, `monitoring.${given}`, "does not apply to an LLMInferenceService: its bundle (LlmInferenceServiceMonitoring) always monitors it as a vLLM LLM from vLLM's own metrics", model.serviceName, `leave monitoring.${given} out`);
      return new LlmInferenceServiceMonitoring(this, 'monitoring', { model, ...bundle });
    }
    optionalShape(this, 'monitoring.gateway', gateway, (v): v is GatewayMonitoring => v instanceof GatewayMonitoring, 'a GatewayMonitoring', "pass monitoring: { gateway: new GatewayMonitoring(system, 'gateway-monitoring', { gateway }) }");
    if (gateway !== undefined && traffic !== undefined) invalid(this, 'monitoring', 'gives both gateway and traffic, two sources of the same request metrics', traffic.spec.source, 'pass gateway (its view of the model is used), or traffic, not both');
    const isLlm = llm ?? model.modelFormat?.name.toLowerCase() === VLLM_FORMAT_NAME;
    const props = { model, traffic: traffic ?? gateway?.trafficTo(model), ...bundle };
    return isLlm ? new LlmMonitoring(this, 'monitoring', props) : new KServeModelMonitoring(this, 'monitoring', props);
  }
}
