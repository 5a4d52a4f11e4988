import { Size } from 'cdk8s';
import type { IBackend } from '../core/backend';
import { invalid } from '../core/errors';
import { Platform } from '../core/platform';
import { policyId } from '../core/names';
import { isLlmProvider, LlmProvider, LlmProviderKind } from '../inference/llm-provider';
import { isInferencePoolBackend, OpenAiEndpoint, ResolvedOpenAiBackend, ResolvedOpenAiModel } from '../inference/openai-endpoint';
import type { CompiledOpenAiEndpoint, OpenAiRouteCompiler } from '../inference/openai-route-compiler';
import type { IPolicyRoute } from '../policy/policy-route';
import { HttpRoute } from '../routing/http-route';
import { HeaderMatch, PathMatch } from '../routing/match';
import { findPlatformNamespace } from '../routing/route-wiring';
import { AgentgatewayBackend, AgentgatewayNamedAiProvider } from './agentgateway-backend';
import { AGENTGATEWAY_MAX_BUFFER_SIZE_LIMIT, AgentgatewayPolicy, AgentgatewayPolicyPhase } from './agentgateway-policy';
import { AgentgatewayAiFormat, AgentgatewayAiProvider } from './ai-provider';
import { applyAgentgatewayLlmBuffer } from './llm-buffer';

/**
 * The request header the gateway sets from the body's `model` before routing
 * (the Gateway API Inference Extension body-based router's header), which
 * each model's HTTPRoute matches.
 */
export const AGENTGATEWAY_MODEL_HEADER = 'x-gateway-model-name';

/**
 * The CEL that reads the body's `model` (agentgateway buffers the body for
 * an expression that reads it: crates/agentgateway/src/cel/mod.rs
 * `maybe_buffer_request_body`; the same expression is its "bbr" benchmark
 * case, crates/agentgateway/src/cel/benches.rs).
 */
const MODEL_FROM_BODY = 'string(json(request.body).model)';

/** The paths that carry a model in the body; `/v1/models` is answered by the gateway. */
const MODEL_PATHS = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings'] as const;

/** The Secret data key the provider key is read from: the same as Envoy AI Gateway's (`apiKey`), so one Secret serves both. */
export const AGENTGATEWAY_PROVIDER_KEY = 'apiKey';

/** A DNS-label slug of a model name (`meta-llama/Llama-3.1-8B` -> `meta-llama-llama-3-1-8b`). */
function slug(model: string): string {
  return model.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

/**
 * Compiles an {@link OpenAiEndpoint} for agentgateway v1.4.1 with the
 * body-based router header in front of the routes:
 *
 * - one `AgentgatewayPolicy` on the Gateway (phase `PreRouting`, shared by
 *   the Gateway's endpoints) setting `x-gateway-model-name` from the body's
 *   `model` before a route is chosen (replacing a client's value);
 * - one frontend `AgentgatewayPolicy` on the Gateway (`<gateway>-frontend`,
 *   shared) raising `http.maxBufferSize` from agentgateway's 2 MiB to 50 MiB
 *   or the endpoint's `bodyBuffer` (its largest embeddings answer): the AI
 *   backends read requests and non-streamed answers whole;
 * - per model, an `AgentgatewayBackend` (its LLM backend, so agentgateway
 *   parses requests and usage: token budgets count) whose providers are the
 *   model's backends in priority groups (fallback): an InferencePool or a
 *   Service (InferenceService, LLMInferenceService workload) as a custom
 *   provider speaking the OpenAI formats, an external provider with its key
 *   read from the Secret's `apiKey` and TLS; `modelNameOverride` is the
 *   provider's `model`;
 * - per model, an HTTPRoute `<endpoint>-<model>` matching the header on the
 *   three model paths, to that backend: the route policies and tiers tell
 *   apart;
 * - one HTTPRoute `<endpoint>-models` for `GET /v1/models`, which an
 *   `AgentgatewayPolicy` answers with the endpoint's model list (a shared
 *   route of the endpoint: a caller allowed any model may list; no budget
 *   counts on it).
 *
 * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/controller/api/v1alpha1/agentgateway/agentgateway_policy_types.go (traffic.phase PreRouting)
 */
class AgentgatewayOpenAiCompiler implements OpenAiRouteCompiler {
  public readonly id = 'agentgateway';
  public readonly displayName = 'agentgateway';

  public compile(endpoint: OpenAiEndpoint): CompiledOpenAiEndpoint {
    const objects: string[] = [];
    objects.push(...this.modelHeader(endpoint));
    const names = new Set<string>();
    const perModel: Array<[string, IPolicyRoute]> = [];
    for (const m of endpoint.models) {
      let name = policyId(`${endpoint.endpointName}-${slug(m.name)}`, 63);
      if (names.has(name)) name = policyId(`${endpoint.endpointName}-${slug(m.name)}-${names.size}`, 63);
      names.add(name);
      const backend = this.backend(endpoint, name, m);
      objects.push(`AgentgatewayBackend/${backend.backendName}`);
      const route = new HttpRoute(endpoint, `route-${name}`, {
        name,
        parents: [endpoint.parent],
        hostnames: endpoint.hostnames.length > 0 ? endpoint.hostnames : undefined,
        rules: [
          {
            matches: MODEL_PATHS.map((p) => ({ path: PathMatch.exact(p), method: 'POST' as const, headers: [HeaderMatch.exact(AGENTGATEWAY_MODEL_HEADER, m.name)] })),
            backends: [backend],
            timeouts: endpoint.requestTimeout ? { request: endpoint.requestTimeout } : undefined,
          },
        ],
      });
      objects.push(`HTTPRoute/${name}`);
      perModel.push([m.name, route]);
    }
    const list = this.modelList(endpoint);
    objects.push(`HTTPRoute/${list.routeName}`, `AgentgatewayPolicy/${list.routeName}`);
    const modelRoutes = new Map<string, readonly IPolicyRoute[]>(perModel.map(([model, route]) => [model, [route]]));
    // agentgateway v1.4.1 has a whole-request and a backend-request timeout (crates/agentgateway/src/http/timeout.rs), no
    // idle timeout between the chunks of a stream, and sets no timeout unless one is given.
    Platform.tryOf(endpoint)?.addSetupNote(
      `agentgateway: timeouts of OpenAiEndpoint ${endpoint.endpointNamespace}/${endpoint.endpointName}`,
      `agentgateway has no stream idle timeout: OpenAiEndpoint ${endpoint.endpointNamespace}/${endpoint.endpointName} cannot apply its streamIdleTimeout (${endpoint.streamIdleTimeout.toHumanString()}), and a silent backend is cut only by its requestTimeout (${endpoint.requestTimeout ? endpoint.requestTimeout.toHumanString() : 'none: no deadline, agentgateway sets none by default'}).`,
    );
    return { modelRoutes, sharedRoutes: [list], objects };
  }

  /** The Gateway's PreRouting policy setting the model header from the body and its frontend buffer policy (one each per Gateway). */
  private modelHeader(endpoint: OpenAiEndpoint): string[] {
    const gateway = endpoint.gateway;
    const ns = gateway.gatewayNamespace ?? endpoint.endpointNamespace;
    const chart = findPlatformNamespace(endpoint, ns);
    if (!chart) {
      invalid(
        endpoint,
        'gateway',
        `is in namespace '${ns}', which this platform does not define, so the Gateway's PreRouting AgentgatewayPolicy that sets '${AGENTGATEWAY_MODEL_HEADER}' from the body's model cannot be emitted there (policies attach to objects of their own namespace)`,
        gateway.gatewayName,
        `define the Gateway's Namespace in this platform, or serve the endpoint through a Gateway defined here`,
      );
    }
    const need = endpoint.bodyBuffer;
    if (need && need.bytes > AGENTGATEWAY_MAX_BUFFER_SIZE_LIMIT) {
      invalid(
        endpoint,
        need.field,
        `needs the Gateway to buffer ${need.bytes} bytes (${need.reason}), above the ${AGENTGATEWAY_MAX_BUFFER_SIZE_LIMIT} bytes agentgateway's maxBufferSize can hold (uint32)`,
        need.bytes,
        "lower the model's maxInputs (or dimensions) so that one answer stays below 4 GiB",
      );
    }
    const frontend = applyAgentgatewayLlmBuffer(chart, gateway, need ? Size.kibibytes(Math.ceil(need.bytes / 1024)) : undefined);
    const id = `agentgateway-model-header-${gateway.gatewayName}`;
    if (chart.node.tryFindChild(id)) return [];
    const policy = new AgentgatewayPolicy(chart, id, {
      name: policyId(`${gateway.gatewayName}-model-header`, 63),
      targets: [gateway],
      traffic: { phase: AgentgatewayPolicyPhase.PRE_ROUTING, requestHeaders: { set: { [AGENTGATEWAY_MODEL_HEADER]: MODEL_FROM_BODY } } },
    });
    return [`AgentgatewayPolicy/${policy.policyName}`, `AgentgatewayPolicy/${frontend.policyName}`];
  }

  /** The model's AgentgatewayBackend: its backends as providers, one priority group each. */
  private backend(endpoint: OpenAiEndpoint, name: string, m: ResolvedOpenAiModel): AgentgatewayBackend {
    if (m.backends.length === 1) {
      const b = m.backends[0];
      const provider = this.provider(endpoint, m, b);
      return new AgentgatewayBackend(endpoint, `backend-${name}`, {
        name,
        provider,
        key: isLlmProvider(b.target) && b.target.credential ? { secret: b.target.credential.secret, key: AGENTGATEWAY_PROVIDER_KEY } : undefined,
        tls: isLlmProvider(b.target) ? true : undefined,
      });
    }
    const groups = m.backends.map((b): AgentgatewayNamedAiProvider[] => [
      {
        name: policyId(`p${b.priority}-${isLlmProvider(b.target) ? b.target.name : b.target.backendRef.name}`, 63),
        provider: this.provider(endpoint, m, b),
        key: isLlmProvider(b.target) && b.target.credential ? { secret: b.target.credential.secret, key: AGENTGATEWAY_PROVIDER_KEY } : undefined,
        tls: isLlmProvider(b.target) ? true : undefined,
      },
    ]);
    return new AgentgatewayBackend(endpoint, `backend-${name}`, { name, groups });
  }

  private provider(endpoint: OpenAiEndpoint, m: ResolvedOpenAiModel, b: ResolvedOpenAiBackend): AgentgatewayAiProvider {
    const model = b.modelNameOverride;
    if (!isLlmProvider(b.target)) {
      const ref = b.target.backendRef;
      const isService = (ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service';
      if (!isService && !isInferencePoolBackend(b.target)) {
        invalid(endpoint, `models(${m.name}).backends[${b.priority}]`, `is a ${ref.kind} (${ref.name}), which an agentgateway custom provider cannot target (a Service or InferencePool of the namespace only)`, ref.name, 'back the model with an InferencePool, an LlmInferenceService, an InferenceService, a Service, or an LlmProvider');
      }
      return AgentgatewayAiProvider.custom({ backend: b.target as IBackend, formats: [AgentgatewayAiFormat.COMPLETIONS, AgentgatewayAiFormat.EMBEDDINGS], model });
    }
    return this.external(endpoint, m, b.target, model);
  }

  private external(endpoint: OpenAiEndpoint, m: ResolvedOpenAiModel, p: LlmProvider, model: string | undefined): AgentgatewayAiProvider {
    switch (p.kind) {
      case LlmProviderKind.OPENAI:
        return AgentgatewayAiProvider.openAi({ model });
      case LlmProviderKind.OPENAI_COMPATIBLE:
        return AgentgatewayAiProvider.openAi({ model, host: p.hostname, port: p.port, pathPrefix: p.pathPrefix !== undefined && p.pathPrefix !== '/v1' ? p.pathPrefix : undefined });
      case LlmProviderKind.AZURE_OPENAI:
        return AgentgatewayAiProvider.azureOpenAi({ endpoint: p.hostname, apiVersion: p.apiVersion, deploymentName: model });
      case LlmProviderKind.ANTHROPIC:
        return AgentgatewayAiProvider.anthropic({ model });
      default:
        return invalid(
          endpoint,
          `models(${m.name}).backends`,
          `has provider '${p.name}' (${p.kind}) whose AWS credentials file agentgateway cannot read (its Bedrock auth takes access keys or the pod's AWS identity, not a shared credentials file)`,
          p.name,
          'serve Bedrock through Envoy Gateway with Envoy AI Gateway (GatewayProvider.ENVOY_GATEWAY), or back the model with another provider',
        );
    }
  }

  /** The `GET /v1/models` route, answered by the gateway with the endpoint's models (OpenAI's list format). */
  private modelList(endpoint: OpenAiEndpoint): HttpRoute {
    const name = policyId(`${endpoint.endpointName}-models`, 63);
    const route = new HttpRoute(endpoint, `route-${name}`, {
      name,
      parents: [endpoint.parent],
      hostnames: endpoint.hostnames.length > 0 ? endpoint.hostnames : undefined,
      rules: [{ matches: [{ path: PathMatch.exact('/v1/models'), method: 'GET' }] }],
    });
    const body = JSON.stringify({ object: 'list', data: endpoint.models.map((m) => ({ id: m.name, object: 'model', owned_by: endpoint.endpointName })) });
    new AgentgatewayPolicy(endpoint, `models-list-${name}`, { name, targets: [route], traffic: { directResponse: { status: 200, body, headers: { 'content-type': '"application/json"' } } } });
    return route;
  }
}

/** The {@link OpenAiRouteCompiler} of agentgateway v1.4.1 (`GatewayProvider.AGENTGATEWAY.openAiRouteCompiler`). */
export const AGENTGATEWAY_OPENAI_COMPILER: OpenAiRouteCompiler = new AgentgatewayOpenAiCompiler();
