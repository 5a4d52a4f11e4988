import { requireAwsRegion } from '../core/aws-region';
import { requireCredentialSecret } from '../core/credential-secret';
import { invalid } from '../core/errors';
import { assertDnsLabel, isDnsSubdomain } from '../core/names';
import { assertPort } from '../core/port';
import { checkProps, optionalNumber, optionalString, requireString } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import type { ISecretReference } from '../core/secret-ref';
import { assertSafePathPrefix } from '../core/url-path';

/**
 * The API an external LLM provider speaks, which decides how a gateway
 * translates the OpenAI request and how it presents the credential.
 */
export enum LlmProviderKind {
  /** OpenAI (`api.openai.com`): bearer API key. */
  OPENAI = 'openai',
  /** Any OpenAI-compatible service (vLLM elsewhere, a hosted inference API): bearer API key, or none. */
  OPENAI_COMPATIBLE = 'openai-compatible',
  /** Azure OpenAI: `api-key` header, `api-version` query. */
  AZURE_OPENAI = 'azure-openai',
  /** AWS Bedrock (Converse API): SigV4 signing with AWS credentials. */
  AWS_BEDROCK = 'aws-bedrock',
  /** Anthropic's Messages API: `x-api-key` header. */
  ANTHROPIC = 'anthropic',
}

/** How a provider's credential is kept: always a Secret reference, never a value. */
export interface LlmProviderCredential {
  /** `api-key` (a bearer/api-key/x-api-key header, per provider kind) or `aws-credentials-file` (an AWS shared credentials file). */
  readonly kind: 'api-key' | 'aws-credentials-file';
  /** The Secret holding it; the data key each gateway reads is documented by its compiler (e.g. `apiKey`, `credentials`). */
  readonly secret: ISecretReference;
  /** The profile of an AWS credentials file. @default 'default' */
  readonly profile?: string;
}

/** Options of {@link LlmProvider.openAi}. */
export interface OpenAiProviderOptions {
  /** The Secret with the API key (a reference: the key never reaches `dist/`). */
  readonly apiKey: ISecretReference;
}

/** Options of {@link LlmProvider.openAiCompatible}. */
export interface OpenAiCompatibleProviderOptions {
  /** The provider's host name, e.g. `api.together.xyz`. */
  readonly hostname: string;
  /** HTTPS port. @default 443 */
  readonly port?: number;
  /** The Secret with the API key. @default - none: requests go without a credential */
  readonly apiKey?: ISecretReference;
  /**
   * The path prefix of the OpenAI API on that host (e.g. `/v1`, `/openai/v1`): absolute, no trailing `/`, no `.`
   * or `..` segments, encoded characters, `?`, `#` or whitespace (`assertSafePath`, as routes).
   * @default '/v1'
   */
  readonly pathPrefix?: string;
}

/** Options of {@link LlmProvider.azureOpenAi}. */
export interface AzureOpenAiProviderOptions {
  /** The resource's host name, e.g. `my-resource.openai.azure.com`. */
  readonly hostname: string;
  /** The Secret with the API key (sent as the `api-key` header). */
  readonly apiKey: ISecretReference;
  /** The `api-version` of the Azure OpenAI API, e.g. `2025-01-01-preview`. */
  readonly apiVersion: string;
}

/** Options of {@link LlmProvider.awsBedrock}. */
export interface AwsBedrockProviderOptions {
  /** The AWS region, e.g. `us-east-1` (the host is `bedrock-runtime.<region>.amazonaws.com`). */
  readonly region: string;
  /** The Secret with an AWS shared credentials file. */
  readonly credentials: ISecretReference;
  /** The profile of the credentials file. @default 'default' */
  readonly profile?: string;
}

/** Options of {@link LlmProvider.anthropic}. */
export interface AnthropicProviderOptions {
  /** The Secret with the API key (sent as the `x-api-key` header). */
  readonly apiKey: ISecretReference;
}


/**
 * An LLM served outside the cluster by a provider (OpenAI, Azure OpenAI,
 * AWS Bedrock, Anthropic, any OpenAI-compatible API), as a backend of an
 * `OpenAiEndpoint` model. Its credential is a Secret reference, never a
 * value; each gateway's compiler injects it the way the provider expects.
 *
 * ```ts
 * const openai = LlmProvider.openAi('openai', { apiKey: SecretRef.named('openai-api-key') });
 * ```
 */
export class LlmProvider {
  /**
   * OpenAI's API at `api.openai.com:443`.
   * @throws ModelServingError for a bad name, or an API key that is not a Secret reference
   */
  public static openAi(name: string, options: OpenAiProviderOptions): LlmProvider {
    const where = `LlmProvider.openAi(${String(name)})`;
    checkProps(where, options, 'OpenAiProviderOptions');
    assertKnownKeys(where, '', options, keysOf<OpenAiProviderOptions>({ apiKey: true }));
    return new LlmProvider(assertDnsLabel(where, 'name', name, 40), LlmProviderKind.OPENAI, 'api.openai.com', 443, { kind: 'api-key', secret: requireCredentialSecret(where, 'apiKey', options.apiKey) }, '/v1');
  }

  /**
   * An OpenAI-compatible API on another host.
   * @throws ModelServingError for a bad name, host name or port, a path prefix that is not a safe absolute path (dot segments, encoded characters, `?`, `#`), or an API key that is not a Secret reference
   */
  public static openAiCompatible(name: string, options: OpenAiCompatibleProviderOptions): LlmProvider {
    const where = `LlmProvider.openAiCompatible(${String(name)})`;
    checkProps(where, options, 'OpenAiCompatibleProviderOptions');
    assertKnownKeys(where, '', options, keysOf<OpenAiCompatibleProviderOptions>({ hostname: true, port: true, apiKey: true, pathPrefix: true }));
    const hostname = hostOf(where, options.hostname);
    const port = optionalNumber(where, 'port', options.port) ?? 443;
    assertPort(where, 'port', port, 'use the HTTPS port, 1-65535 (usually 443)');
    const prefix = optionalString(where, 'pathPrefix', options.pathPrefix) ?? '/v1';
    assertSafePathPrefix(where, 'pathPrefix', prefix, "write e.g. '/v1' or '/openai/v1'");
    if (!/^\/[A-Za-z0-9._~/-]*$/.test(prefix) || prefix.endsWith('/') || prefix.includes('//')) invalid(where, 'pathPrefix', "must be an absolute path without a trailing '/'", prefix, "write e.g. '/v1' or '/openai/v1'");
    const credential = options.apiKey === undefined ? undefined : ({ kind: 'api-key', secret: requireCredentialSecret(where, 'apiKey', options.apiKey) } as const);
    return new LlmProvider(assertDnsLabel(where, 'name', name, 40), LlmProviderKind.OPENAI_COMPATIBLE, hostname, port, credential, prefix);
  }

  /**
   * An Azure OpenAI resource.
   * @throws ModelServingError for a bad name, host name or api version, or an API key that is not a Secret reference
   */
  public static azureOpenAi(name: string, options: AzureOpenAiProviderOptions): LlmProvider {
    const where = `LlmProvider.azureOpenAi(${String(name)})`;
    checkProps(where, options, 'AzureOpenAiProviderOptions');
    assertKnownKeys(where, '', options, keysOf<AzureOpenAiProviderOptions>({ hostname: true, apiKey: true, apiVersion: true }));
    const apiVersion = requireString(where, 'apiVersion', options.apiVersion, "write the API version, e.g. '2025-01-01-preview'");
    if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion)) invalid(where, 'apiVersion', 'must be an Azure OpenAI API version (YYYY-MM-DD, optionally -preview)', apiVersion, "write e.g. '2025-01-01-preview'");
    return new LlmProvider(assertDnsLabel(where, 'name', name, 40), LlmProviderKind.AZURE_OPENAI, hostOf(where, options.hostname), 443, { kind: 'api-key', secret: requireCredentialSecret(where, 'apiKey', options.apiKey) }, undefined, undefined, apiVersion);
  }

  /**
   * AWS Bedrock in one region, signed with the credentials of a shared credentials file.
   * @throws ModelServingError for a bad name or region, or credentials that are not a Secret reference
   */
  public static awsBedrock(name: string, options: AwsBedrockProviderOptions): LlmProvider {
    const where = `LlmProvider.awsBedrock(${String(name)})`;
    checkProps(where, options, 'AwsBedrockProviderOptions');
    assertKnownKeys(where, '', options, keysOf<AwsBedrockProviderOptions>({ region: true, credentials: true, profile: true }));
    const region = requireAwsRegion(where, 'region', options.region);
    const profile = optionalString(where, 'profile', options.profile);
    return new LlmProvider(assertDnsLabel(where, 'name', name, 40), LlmProviderKind.AWS_BEDROCK, `bedrock-runtime.${region}.amazonaws.com`, 443, { kind: 'aws-credentials-file', secret: requireCredentialSecret(where, 'credentials', options.credentials), profile }, undefined, region);
  }

  /**
   * Anthropic's API at `api.anthropic.com:443`.
   * @throws ModelServingError for a bad name, or an API key that is not a Secret reference
   */
  public static anthropic(name: string, options: AnthropicProviderOptions): LlmProvider {
    const where = `LlmProvider.anthropic(${String(name)})`;
    checkProps(where, options, 'AnthropicProviderOptions');
    assertKnownKeys(where, '', options, keysOf<AnthropicProviderOptions>({ apiKey: true }));
    return new LlmProvider(assertDnsLabel(where, 'name', name, 40), LlmProviderKind.ANTHROPIC, 'api.anthropic.com', 443, { kind: 'api-key', secret: requireCredentialSecret(where, 'apiKey', options.apiKey) });
  }

  private constructor(
    /** A DNS-1123 label naming the provider in the emitted objects. */
    public readonly name: string,
    /** The API it speaks. */
    public readonly kind: LlmProviderKind,
    /** Its host name (reached over TLS, validated against the system CAs). */
    public readonly hostname: string,
    /** Its HTTPS port. */
    public readonly port: number,
    /** Its credential, when it needs one. */
    public readonly credential?: LlmProviderCredential,
    /** The path prefix of the OpenAI API on the host (OpenAI and OpenAI-compatible providers). */
    public readonly pathPrefix?: string,
    /** The AWS region (AWS Bedrock). */
    public readonly region?: string,
    /** The API version (Azure OpenAI). */
    public readonly apiVersion?: string,
  ) {}

  /** `<kind> <hostname>`, for messages. */
  public toString(): string {
    return `${this.kind} ${this.hostname}`;
  }
}

/** True when `x` is an {@link LlmProvider}. */
export function isLlmProvider(x: unknown): x is LlmProvider {
  return x instanceof LlmProvider;
}

function hostOf(where: string, value: unknown): string {
  const host = requireString(where, 'hostname', value, "write the host name, e.g. 'api.example.com'");
  if (!isDnsSubdomain(host) || !host.includes('.')) invalid(where, 'hostname', 'must be a fully qualified host name (no scheme, port or path)', host, "write e.g. 'api.example.com'");
  return host;
}
