import { ApiObject, Chart, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { AccessControl } from '../core/access-control';
import { IBackend } from '../core/backend';
import { bytesQuantity, sizeInBytes } from '../core/byte-size';
import { invalid } from '../core/errors';
import { assertDnsLabel, assertLabels, isGatewayHostname } from '../core/names';
import { checkProps, hasProperty, isPlainObject, optionalArray, optionalDuration, optionalStringMap, requireArray, requireShape } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import type { IGateway, IRouteParent } from '../gateway/gateway';
import type { IPolicyRoute } from '../policy/policy-route';
import type { ITierTarget } from '../policy/tier';
import { EmbeddingsResponse } from './embeddings-response';
import { isLlmProvider, LlmProvider } from './llm-provider';
import type { CompiledOpenAiEndpoint } from './openai-route-compiler';

/** A backend of a model with its options. */
export interface OpenAiModelBackend {
  /**
   * Where the model runs: an `InferencePool` (its endpoint picker chooses
   * the replica), an `LlmInferenceService` (with `router: LlmRouter.none()`),
   * an `InferenceService`, a Service (`Backend.service(name, port)`), or an
   * external {@link LlmProvider}.
   */
  readonly target: IBackend | LlmProvider;
  /**
   * The model name sent to this backend instead of the client's (e.g. the
   * client asks `gpt-4o`, Bedrock is sent `us.amazon.nova-pro-v1:0`).
   * Not with an InferencePool: rename there with an `InferenceModelRewrite`.
   * @default - the name the client sent
   */
  readonly modelNameOverride?: string;
}

/** One model of an {@link OpenAiEndpoint}. */
export interface OpenAiModel {
  /** The name clients send in the request body's `model` (e.g. `meta-llama/Llama-3.1-8B-Instruct`). */
  readonly name: string;
  /**
   * The backends in fallback order: the first takes every request while it
   * is healthy (priority 0), the next one (priority 1) when the ones before
   * fail, and so on. An InferencePool is a model's only backend (its
   * endpoint picker handles replicas and failures).
   */
  readonly backends: ReadonlyArray<IBackend | LlmProvider | OpenAiModelBackend>;
  /**
   * For an embeddings model: its largest answer to `POST /v1/embeddings`
   * (`EmbeddingsResponse.batch({ dimensions, maxInputs })`, or
   * `EmbeddingsResponse.ofSize(size)`). The gateway reads a non-streamed
   * answer whole, so the endpoint raises its Gateway's body buffer to hold
   * it (see {@link OpenAiEndpointProps.bufferLimit}).
   * @default - not an embeddings model, or one whose answers fit the gateway's default buffer (50 MiB)
   */
  readonly embeddings?: EmbeddingsResponse;
}

/** A backend of a model as the endpoint resolved it. */
export interface ResolvedOpenAiBackend {
  /** The cluster backend or external provider. */
  readonly target: IBackend | LlmProvider;
  /** The model name sent instead of the client's, if any. */
  readonly modelNameOverride?: string;
  /** Fallback priority: 0 for the primary, then 1, 2, ... (the order given). */
  readonly priority: number;
}

/** A model as the endpoint resolved it. */
export interface ResolvedOpenAiModel {
  /** The body `model` it answers. */
  readonly name: string;
  /** Its backends, by priority. */
  readonly backends: readonly ResolvedOpenAiBackend[];
  /** Its largest embeddings answer, when stated. */
  readonly embeddings?: EmbeddingsResponse;
}

/** Props of {@link OpenAiEndpoint}. */
export interface OpenAiEndpointProps {
  /** Name prefix of the emitted objects, a DNS-1123 label of at most 40 characters. @default - the construct id */
  readonly name?: string;
  /** The Gateway (or one of its listeners) that serves the endpoint; its provider compiles it (`provider.openAiRouteCompiler`). */
  readonly gateway: IRouteParent;
  /** The Host headers served. @default - every hostname of the listener */
  readonly hostnames?: readonly string[];
  /** The models, each by the name clients send in the body's `model`. At least one; names unique. */
  readonly models: readonly OpenAiModel[];
  /**
   * Overall deadline of a request, streamed responses included. Set it
   * only on purpose: a deadline cuts long generations.
   * @default - none (no deadline; Envoy AI Gateway's implicit 60 s is overridden with `0s`)
   */
  readonly requestTimeout?: Duration;
  /**
   * Longest silence from a backend (before the first byte, and between the
   * chunks of a stream) before the request fails (and a fallback backend is tried when no byte was sent yet).
   * @default Duration.minutes(5)
   */
  readonly streamIdleTimeout?: Duration;
  /**
   * The most of one request or response body the Gateway holds in memory
   * where it reads a body whole, at least: the request to find `model`, and
   * every non-streamed answer (Envoy AI Gateway reads it for the usage;
   * agentgateway parses its AI backends' answers). A larger request fails
   * with 413; a larger answer with 500 (Envoy AI Gateway) or 503
   * (agentgateway). It is Gateway-wide (the largest any endpoint of the
   * Gateway asks for wins) and becomes Envoy Gateway's
   * `ClientTrafficPolicy` `connection.bufferLimit` and
   * `http2.initialStreamWindowSize` (the two limits of a stream's buffer,
   * HTTP/1.1 and HTTP/2) or agentgateway's `frontend.http.maxBufferSize`.
   * Memory: each request in flight may hold this much.
   * @default - the larger of 50 MiB and the largest `embeddings` answer of the models
   * @throws ModelServingError when it is below a model's largest embeddings answer
   * @see https://github.com/envoyproxy/ai-gateway/blob/v1.1.0/internal/extensionserver/post_translate_modify.go (router-level ext-proc, ResponseBodyMode BUFFERED)
   * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/crates/agentgateway/src/llm/mod.rs (buffer_response)
   */
  readonly bufferLimit?: Size;
  /**
   * `metadata.labels` added, over the platform labels, to every object the
   * endpoint emits for whichever provider compiles it: Envoy AI Gateway's
   * `AIGatewayRoute`s, Envoy Gateway `Backend`s, `AIServiceBackend`s,
   * `BackendSecurityPolicy`s and fallback `BackendTrafficPolicy`s;
   * agentgateway's `HTTPRoute`s, `AgentgatewayBackend`s and model-list
   * `AgentgatewayPolicy`. Not on what the endpoint shares with the other
   * endpoints of its Gateway (agentgateway's `PreRouting` model-header
   * policy, in the Gateway's namespace), nor on the policies an
   * `AccessPolicy` attaches to its routes.
   * @default - the platform labels only
   * @throws ModelServingError for a key or value Kubernetes refuses as a label
   */
  readonly labels?: Record<string, string>;
}

const PROPS_KEYS = keysOf<OpenAiEndpointProps>({ name: true, gateway: true, hostnames: true, models: true, requestTimeout: true, streamIdleTimeout: true, bufferLimit: true, labels: true });

/** A body size the endpoint needs its Gateway to buffer, and why. */
export interface OpenAiBodyBuffer {
  /** Bytes. */
  readonly bytes: number;
  /** The prop that states it: `bufferLimit`, or `models[<i>].embeddings`. */
  readonly field: string;
  /** What needs it, for notes and errors (`bufferLimit of OpenAiEndpoint ns/name`, `embeddings of model 'x' (...)`). */
  readonly reason: string;
}

/** Why a known provider without an OpenAI route compiler cannot serve the endpoint, by provider id. */
const NO_BODY_ROUTING: Readonly<Record<string, string>> = {
  kgateway: "kgateway's Envoy data plane routes on headers and paths, and nothing at the pinned version copies the body's model into a header (its inference extension was removed in v2.2, kgateway-dev/kgateway#12619)",
  kong: "Kong routes match headers and paths, not the body; choosing the upstream by the body's model needs Kong Enterprise's ai-proxy-advanced plugin, which the library's Kong engine does not target",
  istio:
    "Istio routes on the body's model only with Gateway API Inference Extension's body-based router in front of it, which GAIE v1.6.0 (the pinned version) no longer ships (removed from the repository, kubernetes-sigs/gateway-api-inference-extension#2959), so there is no pinned router to deploy",
};

/** The model names each Gateway's endpoints answer, by listener, host and model: which endpoint claimed it. */
const CLAIMED_MODELS = new WeakMap<IGateway, Map<string, string>>();

/** Longest model name accepted: it travels as a header value (`x-ai-eg-model` on Envoy AI Gateway). */
const MAX_MODEL_NAME = 253;

/** True when `s` holds a control character (it could not travel in a header). */
function hasControlCharacter(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(s);
}

function isOpenAiModelBackend(x: unknown): x is OpenAiModelBackend {
  return isPlainObject(x) && hasProperty(x, 'target');
}

function isBackend(x: unknown): x is IBackend {
  return hasProperty(x, 'backendRef');
}

/** True for an InferencePool backend. */
export function isInferencePoolBackend(target: IBackend | LlmProvider): target is IBackend {
  if (isLlmProvider(target)) return false;
  const ref = target.backendRef;
  return ref.kind === 'InferencePool' && ref.group === 'inference.networking.k8s.io';
}

/**
 * One model of an {@link OpenAiEndpoint}, as a tier target: a tier that
 * names it may call this model (and no other model of the endpoint).
 */
export class OpenAiEndpointModel implements ITierTarget {
  /** @internal */
  public constructor(
    /** The endpoint. */
    public readonly endpoint: OpenAiEndpoint,
    /** The body `model` name. */
    public readonly name: string,
    /** The routes that carry this model's requests. */
    public readonly tierRoutes: readonly IPolicyRoute[],
    /** The endpoint's routes that serve no model (its model list), which a tier naming this model may call too. */
    public readonly accessRoutes: readonly IPolicyRoute[] = [],
  ) {}
}

/**
 * One OpenAI-compatible endpoint (`/v1/chat/completions`,
 * `/v1/completions`, `/v1/embeddings`, `/v1/models`) on a Gateway, routed
 * on the request body's `model`: each model is backed by an InferencePool,
 * an LLMInferenceService, an InferenceService or Service, or an external
 * provider (whose key is a Secret reference), with fallback backends by
 * priority and an optional `modelNameOverride`.
 *
 * The gateway's provider compiles it (`GatewayProvider.openAiRouteCompiler`):
 * Envoy Gateway with Envoy AI Gateway (`AIGatewayRoute`, `AIServiceBackend`,
 * `BackendSecurityPolicy`), agentgateway; providers that cannot route on the
 * body are refused with the reason (kgateway, Kong; Istio, whose body-based
 * router GAIE v1.6.0 no longer ships). Like every route, the endpoint is deny
 * by default: an `AccessPolicy` lists it in `routes` (or
 * {@link allowPublicAccess} says why not), and tiers name it (every model)
 * or {@link model}`('<name>')` (one model).
 *
 * ```ts
 * const llms = new OpenAiEndpoint(models, 'llms', {
 *   gateway: gateway.listener('https'),
 *   models: [
 *     { name: 'meta-llama/Llama-3.1-8B-Instruct', backends: [llamaPool] },
 *     { name: 'gpt-4o', backends: [{ target: azure, modelNameOverride: 'gpt-4o-2024-08-06' }, openai] },
 *   ],
 * });
 * const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)], models: [llms.model('meta-llama/Llama-3.1-8B-Instruct')] });
 * new AccessPolicy(models, 'access', { gateway, routes: [llms], tiers: [basic], ... });
 * ```
 *
 * @throws ModelServingError when `models` is empty, names a model twice or
 *   gives a model no backend; a model mixes an InferencePool with other
 *   backends or overrides its name; a model name is empty, too long or holds
 *   control characters; a label key or value is invalid; another endpoint already serves a model name on the
 *   same Gateway listener and host; `streamIdleTimeout` is not positive;
 *   `bufferLimit` is below a model's largest embeddings answer, or the need
 *   is more than the provider can buffer (2147483647 bytes on Envoy Gateway,
 *   4294967295 on agentgateway); the
 *   gateway's provider cannot route on the body; or the provider's compiler
 *   refuses a backend or the parent (a listener that does not admit the
 *   endpoint's namespace)
 */
export class OpenAiEndpoint extends Construct implements ITierTarget {
  /** Name prefix of the emitted objects. */
  public readonly endpointName: string;
  /** The endpoint's namespace (its chart's). */
  public readonly endpointNamespace: string;
  /** The parent (Gateway or listener). */
  public readonly parent: IRouteParent;
  /** The Host headers served (empty: every hostname of the listener). */
  public readonly hostnames: readonly string[];
  /** The models, with their backends by priority. */
  public readonly models: readonly ResolvedOpenAiModel[];
  /** Overall request deadline, if any. */
  public readonly requestTimeout?: Duration;
  /** Longest silence from a backend. */
  public readonly streamIdleTimeout: Duration;
  /** `metadata.labels` added to every object the endpoint emits (see {@link OpenAiEndpointProps.labels}), if given. */
  public readonly labels?: Record<string, string>;
  /**
   * The body buffer the endpoint asks its Gateway for beyond the provider's
   * LLM default: `bufferLimit` when given, else the largest embeddings
   * answer of its models; undefined when neither is stated.
   */
  public readonly bodyBuffer?: OpenAiBodyBuffer;
  /** What the provider's compiler emitted. */
  public readonly compiled: CompiledOpenAiEndpoint;

  public constructor(scope: Construct, id: string, props: OpenAiEndpointProps) {
    super(scope, id);
    checkProps(this, props, 'OpenAiEndpointProps');
    assertKnownKeys(this, '', props, PROPS_KEYS);
    this.endpointName = assertDnsLabel(this, 'name', props.name ?? id, 40);
    const ns = Chart.of(this).namespace;
    if (!ns) invalid(this, 'scope', 'must be a Namespace (the endpoint emits namespaced objects)', this.node.path, 'create the endpoint inside a Namespace construct');
    this.endpointNamespace = ns;
    this.parent = requireShape(this, 'gateway', props.gateway, (v): v is IRouteParent => hasProperty(v, 'parentRef') && hasProperty(v, 'gateway'), 'a Gateway or one of its listeners', "pass gateway: gateway, or gateway: gateway.listener('https')");
    const hostnames = optionalArray(this, 'hostnames', props.hostnames, isGatewayHostname, 'a lower-case DNS name (optionally starting with *.)', "pass hostnames: ['llm.example.com']") ?? [];
    if (new Set(hostnames).size !== hostnames.length) invalid(this, 'hostnames', 'lists a host name twice', hostnames, 'list each host name once');
    this.hostnames = hostnames;
    this.requestTimeout = optionalDuration(this, 'requestTimeout', props.requestTimeout, 'Duration.minutes(30)');
    this.streamIdleTimeout = optionalDuration(this, 'streamIdleTimeout', props.streamIdleTimeout, 'Duration.minutes(5)') ?? Duration.minutes(5);
    if (this.streamIdleTimeout.toMilliseconds() <= 0) invalid(this, 'streamIdleTimeout', 'must be positive', `${this.streamIdleTimeout.toMilliseconds()}ms`, 'use e.g. Duration.minutes(5)');
    assertLabels(this, 'labels', props.labels);
    this.labels = optionalStringMap(this, 'labels', props.labels);
    this.models = this.resolveModels(props.models);
    this.bodyBuffer = this.resolveBodyBuffer(props.bufferLimit);

    const gateway = this.parent.gateway;
    this.claimModels(gateway);
    const compiler = gateway.provider?.openAiRouteCompiler;
    if (!compiler) {
      const id = gateway.provider?.id ?? 'unknown';
      invalid(
        this,
        'gateway',
        `is served by provider '${id}', which cannot route on the request body's model: ${NO_BODY_ROUTING[id] ?? 'it has no OpenAI route compiler'}`,
        gateway.gatewayName,
        'serve the endpoint on a Gateway of Envoy Gateway with Envoy AI Gateway (GatewayProvider.ENVOY_GATEWAY) or agentgateway, or give a custom provider an openAiRouteCompiler (GatewayProvider.custom(id, className, { openAiRouteCompiler }))',
      );
    }
    this.compiled = compiler.compile(this);
    const labels = this.labels;
    if (labels) {
      for (const o of this.node.findAll().filter(ApiObject.isApiObject)) for (const [k, v] of Object.entries(labels)) o.metadata.addLabel(k, v);
    }
    for (const m of this.models) {
      if ((this.compiled.modelRoutes.get(m.name) ?? []).length === 0) invalid(this, `models(${m.name})`, `got no route from the ${compiler.displayName} compiler`, m.name, 'report this: every model must be routed');
    }
  }

  /** The Gateway that serves the endpoint. */
  public get gateway(): IGateway {
    return this.parent.gateway;
  }

  /** Every route of the endpoint: a tier (or access policy) that names the endpoint covers every model. */
  public get tierRoutes(): readonly IPolicyRoute[] {
    return [...new Set([...this.compiled.modelRoutes.values()].flat())];
  }

  /** The endpoint's routes that serve no model (e.g. agentgateway's `GET /v1/models` list): callable by any tier naming the endpoint or one of its models; never budgeted. */
  public get accessRoutes(): readonly IPolicyRoute[] {
    return this.compiled.sharedRoutes ?? [];
  }

  /**
   * One model, as a tier target.
   * @throws ModelServingError when the endpoint has no model of that name
   */
  public model(name: string): OpenAiEndpointModel {
    const routes = this.compiled.modelRoutes.get(name);
    if (!this.models.some((m) => m.name === name) || !routes) {
      invalid(this, 'model', 'names a model the endpoint does not serve', name, `use one of: ${this.models.map((m) => m.name).join(', ')}`);
    }
    return new OpenAiEndpointModel(this, name, routes, this.accessRoutes);
  }

  /**
   * Declares every model reachable without authentication, on purpose (the
   * reason is listed in POLICY.md).
   * @throws ModelServingError for a reason shorter than 10 characters, or routes already protected
   */
  public allowPublicAccess(reason: string): void {
    for (const r of [...this.tierRoutes, ...this.accessRoutes]) AccessControl.markPublic(r, reason);
  }

  /**
   * Two endpoints answering one model name on the same Gateway and host
   * would race for its requests (the gateway keeps one route by its own
   * precedence): refused, naming the other endpoint.
   */
  private claimModels(gateway: IGateway): void {
    let claimed = CLAIMED_MODELS.get(gateway);
    if (!claimed) CLAIMED_MODELS.set(gateway, (claimed = new Map()));
    const hosts = this.hostnames.length > 0 ? this.hostnames : ['*'];
    for (const m of this.models) {
      for (const h of hosts) {
        const key = `${this.parent.parentRef.sectionName ?? ''}\u0000${h}\u0000${m.name}`;
        const other = claimed.get(key);
        if (other !== undefined && other !== this.node.path) {
          invalid(this, `models(${m.name})`, `is already served on Gateway '${gateway.gatewayName}'${h === '*' ? '' : ` for host ${h}`} by OpenAiEndpoint ${other}`, m.name, 'serve each model name from one endpoint per Gateway and host (list its backends there as fallbacks), or give the endpoints different hostnames');
        }
        claimed.set(key, this.node.path);
      }
    }
  }

  /** `bufferLimit`, refused below the largest embeddings answer; else that answer. */
  private resolveBodyBuffer(bufferLimit: unknown): OpenAiBodyBuffer | undefined {
    let largest: number | undefined;
    this.models.forEach((m, i) => {
      if (m.embeddings && (largest === undefined || m.embeddings.bytes > this.models[largest].embeddings!.bytes)) largest = i;
    });
    const need: OpenAiBodyBuffer | undefined =
      largest === undefined
        ? undefined
        : { bytes: this.models[largest].embeddings!.bytes, field: `models[${largest}].embeddings`, reason: `the embeddings of model '${this.models[largest].name}' (${this.models[largest].embeddings!.toString()})` };
    if (bufferLimit === undefined) return need;
    const bytes = sizeInBytes(this, 'bufferLimit', bufferLimit);
    if (need && bytes < need.bytes) {
      invalid(
        this,
        'bufferLimit',
        `is ${bytes} bytes, below the ${need.bytes} bytes of ${need.reason}: the gateway would fail the model's largest answers (Envoy AI Gateway with 500, agentgateway with 503)`,
        (bufferLimit as Size).asString(),
        `raise bufferLimit to at least Size.mebibytes(${Math.ceil(need.bytes / 1024 ** 2)}) (${bytesQuantity(Math.ceil(need.bytes / 1024 ** 2) * 1024 ** 2)}), leave it out (the endpoint then asks for what its models need), or lower the model's maxInputs`,
      );
    }
    return { bytes, field: 'bufferLimit', reason: `bufferLimit of OpenAiEndpoint ${this.endpointNamespace}/${this.endpointName}` };
  }

  private resolveModels(models: unknown): ResolvedOpenAiModel[] {
    const list = requireArray(this, 'models', models, isPlainObject, 'a model object', "pass models: [{ name: 'llama-3-8b', backends: [pool] }]") as unknown as readonly OpenAiModel[];
    if (list.length === 0) invalid(this, 'models', 'is empty', [], "pass at least one model: models: [{ name: 'llama-3-8b', backends: [pool] }]");
    const seen = new Set<string>();
    return list.map((m, i) => {
      const field = `models[${i}]`;
      assertKnownKeys(this, field, m, keysOf<OpenAiModel>({ name: true, backends: true, embeddings: true }));
      if (m.embeddings !== undefined && !(m.embeddings instanceof EmbeddingsResponse)) {
        invalid(this, `${field}.embeddings`, 'must be an EmbeddingsResponse', m.embeddings, 'pass embeddings: EmbeddingsResponse.batch({ dimensions: 1024, maxInputs: 32 })');
      }
      const name = m.name;
      if (typeof name !== 'string' || name.trim() !== name || name.length === 0 || name.length > MAX_MODEL_NAME || hasControlCharacter(name)) {
        invalid(this, `${field}.name`, `must be the model name clients send (1-${MAX_MODEL_NAME} characters, no surrounding spaces or control characters)`, name, "write e.g. 'meta-llama/Llama-3.1-8B-Instruct'");
      }
      if (seen.has(name)) invalid(this, `${field}.name`, 'names a model twice', name, 'give each model one entry, with its backends in fallback order');
      seen.add(name);
      const raw = requireArray(this, `${field}.backends`, m.backends, (v): v is IBackend | LlmProvider | OpenAiModelBackend => isBackend(v) || isLlmProvider(v) || isOpenAiModelBackend(v), 'a backend (InferencePool, LlmInferenceService, InferenceService, Service), an LlmProvider, or { target, modelNameOverride }', 'pass backends: [pool] or backends: [{ target: openai, modelNameOverride: "gpt-4o" }]');
      if (raw.length === 0) invalid(this, `${field}.backends`, 'is empty', [], `give model '${name}' at least one backend`);
      const backends = raw.map((b, j): ResolvedOpenAiBackend => {
        const bf = `${field}.backends[${j}]`;
        if (!isOpenAiModelBackend(b)) return { target: b, priority: j };
        assertKnownKeys(this, bf, b, keysOf<OpenAiModelBackend>({ target: true, modelNameOverride: true }));
        if (!isBackend(b.target) && !isLlmProvider(b.target)) invalid(this, `${bf}.target`, 'must be a backend or an LlmProvider', b.target, 'pass target: pool (or a model, a Service, an LlmProvider)');
        const o = b.modelNameOverride;
        if (o !== undefined && (typeof o !== 'string' || o.length === 0 || o.length > MAX_MODEL_NAME || hasControlCharacter(o))) {
          invalid(this, `${bf}.modelNameOverride`, `must be a model name (1-${MAX_MODEL_NAME} characters, no control characters)`, o, "write the provider's model id, e.g. 'gpt-4o-2024-08-06'");
        }
        return { target: b.target, modelNameOverride: o, priority: j };
      });
      const pools = backends.filter((b) => isInferencePoolBackend(b.target));
      if (pools.length > 0 && backends.length > 1) {
        invalid(this, `${field}.backends`, 'mixes an InferencePool with other backends: a pool is a model\'s only backend (its endpoint picker handles replicas and failures; Envoy AI Gateway allows one pool per rule, not mixed)', backends.length, `give model '${name}' the pool alone, or serve the fallback under another model name`);
      }
      if (pools.some((b) => b.modelNameOverride !== undefined)) {
        invalid(this, `${field}.backends[0].modelNameOverride`, 'is given for an InferencePool, whose gateways ignore it (Envoy AI Gateway v1.1.0 api/v1beta1/ai_gateway_route.go: "This field is ignored when referencing InferencePool resources")', pools[0]?.modelNameOverride, 'rename the model with an InferenceModelRewrite on the pool, or drop modelNameOverride');
      }
      return { name, backends, embeddings: m.embeddings };
    });
  }
}
