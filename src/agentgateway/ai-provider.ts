import { IConstruct } from 'constructs';
import { IBackend } from '../core/backend';
import { invalid } from '../core/errors';
import { checkProps, hasProperty } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import { assertPort } from '../core/port';
import { assertSafePath, assertSafePathPrefix } from '../core/url-path';
import { backendRefOf } from '../policy/kgateway/gateway-extension';

/** An API format a custom (self-hosted) provider speaks (`custom.formats[].type`). */
export enum AgentgatewayAiFormat {
  /** OpenAI `/v1/chat/completions` (and `/v1/completions`). */
  COMPLETIONS = 'Completions',
  /** OpenAI `/v1/embeddings`. */
  EMBEDDINGS = 'Embeddings',
  /** OpenAI `/v1/responses`. */
  RESPONSES = 'Responses',
  /** Anthropic `/v1/messages`. */
  MESSAGES = 'Messages',
  /** Anthropic token counting. */
  ANTHROPIC_TOKEN_COUNT = 'AnthropicTokenCount',
  /** Realtime sessions. */
  REALTIME = 'Realtime',
  /** Rerank. */
  RERANK = 'Rerank',
}

/** Where a managed provider is reached instead of its default endpoint (self-hosted or proxied). */
export interface AiProviderEndpoint {
  /** `host`. @default - the provider's */
  readonly host?: string;
  /** `port`. @default - the provider's */
  readonly port?: number;
  /** `path`: the request path upstream. @default - the provider's for the format */
  readonly path?: string;
  /** `pathPrefix`: the API's base path on the host, e.g. `/openai/v1` (OpenAI and Anthropic only). @default - the provider's (`/v1`) */
  readonly pathPrefix?: string;
}

/** Options of the managed providers (OpenAI, Anthropic, Gemini). */
export interface ManagedAiProviderOptions extends AiProviderEndpoint {
  /** `model`: the model sent upstream, whatever the client asked for. @default - the request's model */
  readonly model?: string;
}

/** Options of {@link AgentgatewayAiProvider.custom}. */
export interface CustomAiProviderOptions {
  /**
   * `custom.backendRef`: the self-hosted model servers: an `InferencePool`
   * (the endpoint picker chooses the replica), a Service, or any IBackend.
   */
  readonly backend: IBackend;
  /** `custom.formats`: the API formats the servers speak (at least one). */
  readonly formats: readonly AgentgatewayAiFormat[];
  /** `custom.model`: the model sent upstream. @default - the request's model */
  readonly model?: string;
}

/** The rendered provider (`spec.ai.provider`, or an entry of `spec.ai.groups[].providers[]` without its `name`). */
export type RenderedAiProvider = Record<string, unknown>;

/**
 * One LLM provider of an `AgentgatewayBackend` (or `AgentgatewayModel`):
 * which API it speaks and where it is. Provider credentials are not part of
 * it: they are referenced from a Secret by the backend (`auth`), never given.
 *
 * ```ts
 * AgentgatewayAiProvider.openAi({ model: 'gpt-4o-mini' })
 * AgentgatewayAiProvider.custom({ backend: pool, formats: [AgentgatewayAiFormat.COMPLETIONS] })
 * ```
 *
 * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/controller/api/v1alpha1/agentgateway/agentgateway_backend_types.go
 */
export class AgentgatewayAiProvider {
  /** OpenAI (or an OpenAI-compatible endpoint through `host`/`port`/`path`). */
  public static openAi(options: ManagedAiProviderOptions = {}): AgentgatewayAiProvider {
    return AgentgatewayAiProvider.managed('openai', 'OpenAI', options);
  }

  /** Anthropic. */
  public static anthropic(options: ManagedAiProviderOptions = {}): AgentgatewayAiProvider {
    return AgentgatewayAiProvider.managed('anthropic', 'Anthropic', options);
  }

  /** Google Gemini. */
  public static gemini(options: ManagedAiProviderOptions = {}): AgentgatewayAiProvider {
    return AgentgatewayAiProvider.managed('gemini', 'Gemini', options);
  }

  /** Google Vertex AI in `projectId`; `region` defaults to `global`. */
  public static vertexAi(options: ManagedAiProviderOptions & { readonly projectId: string; readonly region?: string }): AgentgatewayAiProvider {
    checkProps('AgentgatewayAiProvider.vertexAi', options, 'options');
    if (typeof options.projectId !== 'string' || options.projectId === '') invalid('AgentgatewayAiProvider.vertexAi', 'projectId', 'is required', options.projectId, 'pass the Google Cloud project id');
    const { projectId, region, ...rest } = options;
    return AgentgatewayAiProvider.managed('vertexai', 'Vertex AI', rest, { projectId, region });
  }

  /** Azure OpenAI at `endpoint` (e.g. `my-endpoint.openai.azure.com`). */
  public static azureOpenAi(options: AiProviderEndpoint & { readonly endpoint: string; readonly deploymentName?: string; readonly apiVersion?: string }): AgentgatewayAiProvider {
    checkProps('AgentgatewayAiProvider.azureOpenAi', options, 'options');
    if (typeof options.endpoint !== 'string' || options.endpoint === '') invalid('AgentgatewayAiProvider.azureOpenAi', 'endpoint', 'is required', options.endpoint, "pass endpoint: 'my-endpoint.openai.azure.com'");
    const { endpoint, deploymentName, apiVersion, ...rest } = options;
    return AgentgatewayAiProvider.managed('azureopenai', 'Azure OpenAI', rest, { endpoint, deploymentName, apiVersion });
  }

  /**
   * Self-hosted model servers (vLLM and others) behind `backend`: an
   * InferencePool, a Service, or any IBackend.
   *
   * @throws ModelServingError without formats, with a format twice, or with a backend that names nothing
   */
  public static custom(options: CustomAiProviderOptions): AgentgatewayAiProvider {
    const where = 'AgentgatewayAiProvider.custom';
    checkProps(where, options, 'CustomAiProviderOptions');
    assertKnownKeys(where, '', options, keysOf<CustomAiProviderOptions>({ backend: true, formats: true, model: true }));
    if (!hasProperty(options.backend, 'backendRef')) invalid(where, 'backend', 'must be an IBackend (an InferencePool, a Service)', options.backend, 'pass the InferencePool construct, or Backend.service(name, port)');
    if (!Array.isArray(options.formats) || options.formats.length === 0) invalid(where, 'formats', 'must list the API formats the servers speak', options.formats, 'pass formats: [AgentgatewayAiFormat.COMPLETIONS]');
    options.formats.forEach((f, i) => {
      if (!Object.values(AgentgatewayAiFormat).includes(f)) invalid(where, `formats[${i}]`, `must be one of ${Object.values(AgentgatewayAiFormat).join(', ')}`, f, 'use AgentgatewayAiFormat.COMPLETIONS');
    });
    if (new Set(options.formats).size !== options.formats.length) invalid(where, 'formats', 'lists a format twice', options.formats, 'list each format once');
    return new AgentgatewayAiProvider('custom', 'custom', {}, (scope, field) => ({
      backendRef: backendRefOf(scope, `${field}.backend`, options.backend),
      formats: options.formats.map((type) => ({ type })),
      model: options.model,
    }), options.backend);
  }

  private static managed(key: string, displayName: string, options: ManagedAiProviderOptions, extra: Record<string, unknown> = {}): AgentgatewayAiProvider {
    checkProps(`AgentgatewayAiProvider(${displayName})`, options, 'ManagedAiProviderOptions');
    assertKnownKeys(`AgentgatewayAiProvider(${displayName})`, '', options, keysOf<ManagedAiProviderOptions>({ model: true, host: true, port: true, path: true, pathPrefix: true }));
    const { model, ...endpoint } = options;
    return new AgentgatewayAiProvider(key, displayName, endpoint, () => ({ ...(model !== undefined ? { model } : {}), ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)) }));
  }

  private constructor(
    /** The provider's field in the CRD: `openai`, `anthropic`, `gemini`, `vertexai`, `azureopenai`, `custom`. */
    public readonly kind: string,
    /** Human name for messages. */
    public readonly displayName: string,
    private readonly endpoint: AiProviderEndpoint,
    private readonly settings: (scope: IConstruct, field: string) => Record<string, unknown>,
    /** The self-hosted backend of a custom provider. */
    public readonly backend?: IBackend,
  ) {}

  /**
   * The rendered provider.
   *
   * @throws ModelServingError for a port outside 1..65535, a path or path prefix not starting with '/', or one with dot segments, encoded characters or control characters (a path prefix also with `?`, `#` or whitespace)
   */
  public render(scope: IConstruct, field: string): RenderedAiProvider {
    const e = this.endpoint;
    if (e.port !== undefined) assertPort(scope, `${field}.port`, e.port, 'use the provider port, e.g. 443');
    if (e.path !== undefined && (typeof e.path !== 'string' || !e.path.startsWith('/'))) invalid(scope, `${field}.path`, "must start with '/'", e.path, "write e.g. '/v1/chat/completions'");
    if ((e.host === undefined) !== (e.port === undefined)) invalid(scope, `${field}.host`, 'and port go together', e, 'set both host and port, or neither');
    if (e.pathPrefix !== undefined && (!['openai', 'anthropic'].includes(this.kind) || typeof e.pathPrefix !== 'string' || !e.pathPrefix.startsWith('/'))) {
      invalid(scope, `${field}.pathPrefix`, "must be a path starting with '/', for an OpenAI or Anthropic provider", e.pathPrefix, "write e.g. '/openai/v1'");
    }
    if (e.path !== undefined) assertSafePath(scope, `${field}.path`, e.path, "write the normalized path, e.g. '/v1/chat/completions'");
    if (e.pathPrefix !== undefined) assertSafePathPrefix(scope, `${field}.pathPrefix`, e.pathPrefix, "write e.g. '/openai/v1'");
    return { [this.kind]: this.settings(scope, field), host: e.host, port: e.port, path: e.path, pathPrefix: e.pathPrefix };
  }
}
