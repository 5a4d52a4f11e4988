import { invalid } from '../core/errors';

/**
 * The dynamic-metadata namespace under which Envoy AI Gateway's filter
 * stores each `llmRequestCosts` value (envoyproxy/ai-gateway v1.1.0
 * api/v1beta1/shared_types.go `AIGatewayFilterMetadataNamespace`): what an
 * Envoy Gateway `BackendTrafficPolicy` rate-limit `cost.response.metadata.namespace` reads.
 */
export const AI_GATEWAY_METADATA_NAMESPACE = 'io.envoy.ai_gateway';

/** What a cost counts (`llmRequestCosts[].type`). */
export enum LlmRequestCostType {
  /** Prompt tokens (`usage.prompt_tokens`). */
  INPUT_TOKEN = 'InputToken',
  /** Completion tokens (`usage.completion_tokens`). */
  OUTPUT_TOKEN = 'OutputToken',
  /** Prompt plus completion tokens (`usage.total_tokens`). */
  TOTAL_TOKEN = 'TotalToken',
  /** Prompt tokens served from the provider's prompt cache (`usage.prompt_tokens_details.cached_tokens`). */
  CACHED_INPUT_TOKEN = 'CachedInputToken',
  /** Prompt tokens written to the provider's prompt cache (Anthropic). */
  CACHE_CREATION_INPUT_TOKEN = 'CacheCreationInputToken',
  /** Reasoning tokens (`usage.completion_tokens_details.reasoning_tokens`). */
  REASONING_TOKEN = 'ReasoningToken',
  /** A CEL expression over the token counts, the model and the backend. */
  CEL = 'CEL',
}

const METADATA_KEY = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * One `llmRequestCosts[]` entry of an `AIGatewayRoute`: a number Envoy AI
 * Gateway computes from each response's usage and stores as dynamic
 * metadata `io.envoy.ai_gateway/<metadataKey>`, for a rate limit to charge.
 *
 * @see envoyproxy/ai-gateway v1.1.0 api/v1beta1/shared_types.go (LLMRequestCost)
 */
export class LlmRequestCost {
  /** `InputToken`. @throws ModelServingError for a bad key */
  public static inputTokens(metadataKey: string): LlmRequestCost {
    return new LlmRequestCost(checkKey(metadataKey), LlmRequestCostType.INPUT_TOKEN);
  }

  /** `OutputToken`. @throws ModelServingError for a bad key */
  public static outputTokens(metadataKey: string): LlmRequestCost {
    return new LlmRequestCost(checkKey(metadataKey), LlmRequestCostType.OUTPUT_TOKEN);
  }

  /** `TotalToken`. @throws ModelServingError for a bad key */
  public static totalTokens(metadataKey: string): LlmRequestCost {
    return new LlmRequestCost(checkKey(metadataKey), LlmRequestCostType.TOTAL_TOKEN);
  }

  /** `CachedInputToken`. @throws ModelServingError for a bad key */
  public static cachedInputTokens(metadataKey: string): LlmRequestCost {
    return new LlmRequestCost(checkKey(metadataKey), LlmRequestCostType.CACHED_INPUT_TOKEN);
  }

  /** `CacheCreationInputToken`. @throws ModelServingError for a bad key */
  public static cacheCreationInputTokens(metadataKey: string): LlmRequestCost {
    return new LlmRequestCost(checkKey(metadataKey), LlmRequestCostType.CACHE_CREATION_INPUT_TOKEN);
  }

  /** `ReasoningToken`. @throws ModelServingError for a bad key */
  public static reasoningTokens(metadataKey: string): LlmRequestCost {
    return new LlmRequestCost(checkKey(metadataKey), LlmRequestCostType.REASONING_TOKEN);
  }

  /**
   * `CEL`: an expression returning a non-negative integer over `model`,
   * `backend`, `input_tokens`, `cached_input_tokens`,
   * `cache_creation_input_tokens`, `output_tokens`, `total_tokens`,
   * `reasoning_tokens` (e.g. `input_tokens + output_tokens * 4`).
   * @throws ModelServingError for a bad key or an empty expression
   */
  public static cel(metadataKey: string, expression: string): LlmRequestCost {
    if (typeof expression !== 'string' || expression.trim() === '') invalid('LlmRequestCost.cel', 'expression', 'must be a non-empty CEL expression', expression, "write e.g. 'input_tokens + output_tokens * 4'");
    return new LlmRequestCost(checkKey(metadataKey), LlmRequestCostType.CEL, expression);
  }

  private constructor(
    /** `metadataKey`. */
    public readonly metadataKey: string,
    /** `type`. */
    public readonly type: LlmRequestCostType,
    /** `cel`, for the CEL type. */
    public readonly expression?: string,
  ) {}

  /** True when `other` stores the same value under the same key. */
  public equals(other: LlmRequestCost): boolean {
    return this.metadataKey === other.metadataKey && this.type === other.type && this.expression === other.expression;
  }

  /** `<type> -> io.envoy.ai_gateway/<key>`. */
  public toString(): string {
    return `${this.type}${this.expression ? `(${this.expression})` : ''} -> ${AI_GATEWAY_METADATA_NAMESPACE}/${this.metadataKey}`;
  }
}

function checkKey(key: string): string {
  if (typeof key !== 'string' || !METADATA_KEY.test(key)) invalid('LlmRequestCost', 'metadataKey', 'must be 1-128 letters, digits, _ . or -', key, "write e.g. 'llm_total_token'");
  return key;
}
