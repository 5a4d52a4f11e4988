import type { IPolicyRoute } from '../policy/policy-route';
import type { OpenAiEndpoint } from './openai-endpoint';

/**
 * A gateway provider's translation of an {@link OpenAiEndpoint} (one
 * OpenAI-compatible endpoint routed on the body's `model`) into its own
 * objects. A provider carries it as `GatewayProvider.openAiRouteCompiler`,
 * the way it carries its `policyEngine`; a provider without one cannot
 * route on the request body and the endpoint refuses it.
 *
 * `compile` creates the objects as children of the endpoint (so they land
 * in its namespace), wires the network (`wireRouteToBackend`, declared
 * flows) and returns, for each model, the routes an access policy protects
 * for it: each is an `IPolicyRoute` whose `routeKind`/`routeName` name the
 * route object the gateway's policies attach to, and takes part in the
 * platform's deny-by-default check (`IAccessControlled`).
 */
export interface OpenAiRouteCompiler {
  /** Provider id, e.g. `envoy-ai-gateway`, `agentgateway`. */
  readonly id: string;
  /** Human name for reports and errors. */
  readonly displayName: string;
  /**
   * Emits the endpoint's objects.
   * @throws ModelServingError for a model or backend the provider cannot serve (naming the provider and the alternative)
   */
  compile(endpoint: OpenAiEndpoint): CompiledOpenAiEndpoint;
}

/** What an {@link OpenAiRouteCompiler} returns. */
export interface CompiledOpenAiEndpoint {
  /**
   * For each model name of the endpoint, the routes that carry its requests
   * (usually one; a route may carry several models when the provider
   * cannot split them, then a tier naming one model allows the others of
   * that route too, which the compiler must refuse or report).
   */
  readonly modelRoutes: ReadonlyMap<string, readonly IPolicyRoute[]>;
  /** The objects emitted, as `Kind/name`. */
  readonly objects: readonly string[];
}
