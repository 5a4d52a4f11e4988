import { Duration } from 'cdk8s';
import type { IBackend } from '../core/backend';
import { invalid } from '../core/errors';
import { policyId } from '../core/names';
import { Platform } from '../core/platform';
import { noteRequired } from '../core/required-object';
import { isLlmProvider, LlmProvider, LlmProviderKind } from '../inference/llm-provider';
import { isInferencePoolBackend, OpenAiEndpoint, ResolvedOpenAiBackend } from '../inference/openai-endpoint';
import type { CompiledOpenAiEndpoint, OpenAiRouteCompiler } from '../inference/openai-route-compiler';
import { BackendTrafficPolicy } from '../policy/envoy-gateway/backend-traffic-policy';
import { MAX_HTTP2_STREAM_WINDOW } from '../policy/envoy-gateway/client-traffic-policy';
import { applyLlmClientTraffic } from '../policy/envoy-gateway/llm-client-traffic';
import { PolicyTarget } from '../policy/envoy-gateway/policy-target';
import type { IPolicyRoute } from '../policy/policy-route';
import { AIGatewayRoute, AIGatewayRouteBackend, AIGatewayRouteMatches } from './ai-gateway-route';
import { AIServiceBackend, AIServiceBackendSchema } from './ai-service-backend';
import { BackendCredential, BackendSecurityPolicy } from './backend-security-policy';
import { BackendEndpoint, EnvoyGatewayBackend } from './envoy-gateway-backend';
import { findPlatformNamespace } from '../routing/route-wiring';

/** The AIServiceBackend schema of each provider kind. */
const SCHEMA: Readonly<Record<LlmProviderKind, AIServiceBackendSchema>> = {
  [LlmProviderKind.OPENAI]: AIServiceBackendSchema.OPENAI,
  [LlmProviderKind.OPENAI_COMPATIBLE]: AIServiceBackendSchema.OPENAI,
  [LlmProviderKind.AZURE_OPENAI]: AIServiceBackendSchema.AZURE_OPENAI,
  [LlmProviderKind.AWS_BEDROCK]: AIServiceBackendSchema.AWS_BEDROCK,
  [LlmProviderKind.ANTHROPIC]: AIServiceBackendSchema.ANTHROPIC,
};

/** The credential of a provider, in Envoy AI Gateway's terms. */
function credentialOf(p: LlmProvider): BackendCredential | undefined {
  const c = p.credential;
  if (!c) return undefined;
  if (c.kind === 'aws-credentials-file') return BackendCredential.awsCredentialsFile(p.region!, c.secret, c.profile);
  if (p.kind === LlmProviderKind.AZURE_OPENAI) return BackendCredential.azureApiKey(c.secret);
  if (p.kind === LlmProviderKind.ANTHROPIC) return BackendCredential.anthropicApiKey(c.secret);
  return BackendCredential.apiKey(c.secret);
}

/**
 * `name`, refused when another backend of the endpoint already has it: a provider and a Service of one name, two
 * providers of one name, or one Service name in two namespaces or on two ports would emit two objects of one name.
 */
function unusedBackendName(endpoint: OpenAiEndpoint, name: string): string {
  if (endpoint.node.tryFindChild(`ai-backend-${name}`)) {
    invalid(endpoint, 'models', `has two different backends named '${name}' (a provider and a Service, two providers, or one Service name in two namespaces or on two ports)`, name, 'give the providers distinct names, or back the models with one Service');
  }
  return name;
}

/** The answers of a backend after which the next priority is tried: rate limited, or failed. */
const FALLBACK_STATUS_CODES = [429, 500, 502, 503, 504] as const;

/** A DNS-label slug of a model name (`meta-llama/Llama-3.1-8B` → `meta-llama-llama-3-1-8b`). */
function slug(model: string): string {
  return model.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

/**
 * Compiles an {@link OpenAiEndpoint} for Envoy Gateway with Envoy AI Gateway
 * v1.1: one `AIGatewayRoute` per model (`<endpoint>-<model>`, one rule
 * matching `x-ai-eg-model`), so that Envoy Gateway policies (and tiers) can
 * tell the models apart by the HTTPRoute Envoy AI Gateway generates for
 * each; an InferencePool as the rule's only backend; each cluster Service
 * and external provider behind an Envoy Gateway `Backend` and an
 * `AIServiceBackend` (schema from the provider kind), providers with a
 * `BackendSecurityPolicy` whose credential is the provider's Secret
 * reference; fallback backends by `priority`; the request deadline set
 * explicitly (`0s` unless `requestTimeout` is given: Envoy AI Gateway would
 * otherwise cut every request, streams included, at 60 s) and the stream
 * idle timeout.
 */
class EnvoyAiGatewayOpenAiCompiler implements OpenAiRouteCompiler {
  public readonly id = 'envoy-ai-gateway';
  public readonly displayName = 'Envoy AI Gateway';

  public compile(endpoint: OpenAiEndpoint): CompiledOpenAiEndpoint {
    // One AIServiceBackend per provider object and per Service (namespace, name, port): two models on the same
    // Service share it, whether their backends are one object or two `Backend.service(...)` calls.
    const services = new Map<object | string, AIServiceBackend>();
    const objects: string[] = [];
    const modelRoutes = new Map<string, readonly IPolicyRoute[]>();
    const names = new Set<string>();
    const ai = (target: IBackend | LlmProvider): AIServiceBackend => {
      const ref = isLlmProvider(target) ? undefined : target.backendRef;
      const key = ref ? `${ref.namespace ?? endpoint.endpointNamespace}/${ref.name}:${ref.port ?? ''}` : target;
      const known = services.get(key);
      if (known) return known;
      const made = isLlmProvider(target) ? this.provider(endpoint, target) : this.service(endpoint, target);
      services.set(key, made);
      objects.push(`AIServiceBackend/${made.backendName}`);
      return made;
    };
    endpoint.models.forEach((m) => {
      let name = policyId(`${endpoint.endpointName}-${slug(m.name)}`, 63);
      if (names.has(name)) name = policyId(`${endpoint.endpointName}-${slug(m.name)}-${names.size}`, 63);
      names.add(name);
      const backends = m.backends.map((b): AIGatewayRouteBackend => this.backendOf(b, ai, m.backends.length > 1));
      const route = new AIGatewayRoute(endpoint, `route-${name}`, {
        name,
        parents: [endpoint.parent],
        hostnames: endpoint.hostnames.length > 0 ? endpoint.hostnames : undefined,
        rules: [
          {
            matches: [AIGatewayRouteMatches.model(m.name)],
            backends,
            requestTimeout: endpoint.requestTimeout ?? Duration.seconds(0),
            streamIdleTimeout: endpoint.streamIdleTimeout,
          },
        ],
      });
      objects.push(`AIGatewayRoute/${name}`);
      modelRoutes.set(m.name, [route]);
      if (m.backends.length > 1) {
        // Priorities alone move traffic only once Envoy deems a backend unhealthy: a failed request is retried on the next
        // priority as upstream's provider_fallback example does (examples/provider_fallback/fallback.yaml: a
        // BackendTrafficPolicy with numAttemptsPerPriority 1 on the HTTPRoute generated for the AIGatewayRoute), on
        // failures where the primary generated nothing (no connection, reset before the request, 429 and 5xx answers).
        const btp = new BackendTrafficPolicy(endpoint, `fallback-${name}`, {
          name: policyId(`${name}-fallback`, 63),
          targets: [PolicyTarget.route(route)],
          retry: { retries: m.backends.length - 1, attemptsPerPriority: 1, on: ['connect-failure', 'reset-before-request', 'refused-stream', 'retriable-status-codes'], statusCodes: [...FALLBACK_STATUS_CODES] },
        });
        objects.push(`BackendTrafficPolicy/${btp.policyName}`);
      }
    });
    this.bodyBuffer(endpoint);
    noteRequired(
      endpoint,
      'Envoy AI Gateway',
      `OpenAiEndpoint ${endpoint.endpointNamespace}/${endpoint.endpointName}`,
      (_platform, purposes) =>
        'Install Envoy AI Gateway v1.1 (its controller and CRDs) and configure Envoy Gateway for it: the extension manager pointing at the Envoy AI Gateway controller (translation hooks, InferencePool as a backend resource) and `extensionApis.enableBackend: true`, as in the Envoy AI Gateway Helm values for Envoy Gateway (https://aigateway.envoyproxy.io/docs/getting-started/prerequisites). Used by: ' +
        `${purposes}.`,
    );
    return { modelRoutes, objects };
  }

  /**
   * Raises the Gateway's body buffer to the endpoint's need (its largest embeddings answer, or its `bufferLimit`):
   * Envoy AI Gateway's router-level ext-proc reads a non-streamed answer whole (ResponseBodyMode BUFFERED, STREAMED only
   * for a streamed 200: v1.1.0 internal/extensionserver/post_translate_modify.go, internal/extproc/processor_impl.go), so
   * the downstream stream's buffer must hold it: the listener's buffer limit for HTTP/1.1 and the HTTP/2 stream window,
   * both on the Gateway's ClientTrafficPolicy ({@link applyLlmClientTraffic}). The backend's cluster buffer limit
   * (BackendTrafficPolicy connection.bufferLimit) only paces reads from the backend, so nothing goes there.
   */
  private bodyBuffer(endpoint: OpenAiEndpoint): void {
    const need = endpoint.bodyBuffer;
    if (!need) return;
    if (need.bytes > MAX_HTTP2_STREAM_WINDOW) {
      invalid(
        endpoint,
        need.field,
        `needs the Gateway to buffer ${need.bytes} bytes (${need.reason}), above the ${MAX_HTTP2_STREAM_WINDOW} bytes an HTTP/2 stream window of Envoy Gateway can hold`,
        need.bytes,
        "lower the model's maxInputs (or dimensions) so that one answer stays below 2 GiB",
      );
    }
    const gw = endpoint.gateway;
    applyLlmClientTraffic(findPlatformNamespace(endpoint, gw.gatewayNamespace ?? endpoint.endpointNamespace), gw, (topic, text) => Platform.tryOf(endpoint)?.addSetupNote(topic, text), need.bytes, need.reason);
  }

  private backendOf(b: ResolvedOpenAiBackend, ai: (t: IBackend | LlmProvider) => AIServiceBackend, fallback: boolean): AIGatewayRouteBackend {
    if (!isLlmProvider(b.target) && isInferencePoolBackend(b.target)) return { backend: b.target };
    return { backend: ai(b.target), modelNameOverride: b.modelNameOverride, priority: fallback ? b.priority : undefined };
  }

  /** An in-cluster Service (InferenceService, LLMInferenceService workload, any Service) behind a Backend and an OpenAI AIServiceBackend. */
  private service(endpoint: OpenAiEndpoint, target: IBackend): AIServiceBackend {
    const ref = target.backendRef;
    if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') {
      invalid(endpoint, 'models', `has a backend of kind ${ref.kind ?? 'Service'} (${ref.name}), which Envoy AI Gateway cannot route to`, ref.name, 'back the model with an InferencePool, an LlmInferenceService (router: LlmRouter.none()), an InferenceService, a Service (Backend.service) or an LlmProvider');
    }
    const name = unusedBackendName(endpoint, policyId(`${endpoint.endpointName}-${ref.name}`, 63));
    const backend = new EnvoyGatewayBackend(endpoint, `backend-${name}`, { name, endpoints: [BackendEndpoint.service(target)] });
    return new AIServiceBackend(endpoint, `ai-backend-${name}`, { name, schema: AIServiceBackendSchema.OPENAI, backend });
  }

  /** An external provider: a TLS Backend to its host, an AIServiceBackend of its schema, its credential by Secret reference. */
  private provider(endpoint: OpenAiEndpoint, p: LlmProvider): AIServiceBackend {
    const name = unusedBackendName(endpoint, policyId(`${endpoint.endpointName}-${p.name}`, 63));
    const backend = new EnvoyGatewayBackend(endpoint, `backend-${name}`, { name, endpoints: [BackendEndpoint.fqdn(p.hostname, p.port)], tls: {} });
    const service = new AIServiceBackend(endpoint, `ai-backend-${name}`, {
      name,
      schema: SCHEMA[p.kind],
      schemaVersion: p.kind === LlmProviderKind.AZURE_OPENAI ? p.apiVersion : undefined,
      schemaPrefix: p.kind === LlmProviderKind.OPENAI_COMPATIBLE && p.pathPrefix !== '/v1' ? p.pathPrefix : undefined,
      backend,
    });
    const credential = credentialOf(p);
    if (credential) new BackendSecurityPolicy(endpoint, `credential-${name}`, { name, targets: [service], credential });
    return service;
  }
}

/**
 * The {@link OpenAiRouteCompiler} of Envoy Gateway with Envoy AI Gateway
 * v1.1 (`GatewayProvider.ENVOY_GATEWAY.openAiRouteCompiler`).
 */
export const ENVOY_AI_GATEWAY_OPENAI_COMPILER: OpenAiRouteCompiler = new EnvoyAiGatewayOpenAiCompiler();
