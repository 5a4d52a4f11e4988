import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as aig from '../../imports/aigateway-aigateway.envoyproxy.io';
import { invalid } from '../core/errors';
import { assertDnsSubdomain } from '../core/names';
import { checkProps, childPath, optionalString, requireShape } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import { assertSafePathPrefix } from '../core/url-path';
import { EnvoyGatewayBackend } from './envoy-gateway-backend';

/** The Envoy AI Gateway API group. */
export const AI_GATEWAY_GROUP = 'aigateway.envoyproxy.io';

/**
 * The API a backend speaks (`spec.schema.name`); Envoy AI Gateway
 * translates the client's OpenAI request to it.
 * @see https://aigateway.envoyproxy.io/docs/capabilities/llm-integrations/supported-providers
 */
export enum AIServiceBackendSchema {
  /** OpenAI and every OpenAI-compatible server (vLLM, TGI, ...). */
  OPENAI = 'OpenAI',
  /** Cohere. */
  COHERE = 'Cohere',
  /** AWS Bedrock (Converse API). */
  AWS_BEDROCK = 'AWSBedrock',
  /** Azure OpenAI (`schemaVersion` is the `api-version`). */
  AZURE_OPENAI = 'AzureOpenAI',
  /** Gemini on GCP Vertex AI. */
  GCP_VERTEX_AI = 'GCPVertexAI',
  /** Anthropic models on GCP Vertex AI. */
  GCP_ANTHROPIC = 'GCPAnthropic',
  /** Anthropic's Messages API. */
  ANTHROPIC = 'Anthropic',
  /** Anthropic models on AWS Bedrock. */
  AWS_ANTHROPIC = 'AWSAnthropic',
}

/** Props of {@link AIServiceBackend}. */
export interface AIServiceBackendProps {
  /** `metadata.name`, a DNS-1123 subdomain. @default - the construct id */
  readonly name?: string;
  /** `spec.schema.name`. */
  readonly schema: AIServiceBackendSchema;
  /** `spec.schema.version`: the Azure OpenAI `api-version` (ignored upstream for the other schemas, so refused there). @default - none */
  readonly schemaVersion?: string;
  /**
   * `spec.schema.prefix`: the path prefix of an OpenAI- or Anthropic-compatible
   * API (e.g. `/v1beta/openai` for Gemini's OpenAI API), with or without the
   * leading `/`; no `.` or `..` segments, encoded characters, `?`, `#` or
   * whitespace (`assertSafePath`, as routes).
   * @default - the schema's own (`/v1` for OpenAI)
   */
  readonly schemaPrefix?: string;
  /** `spec.backendRef`: the Envoy Gateway `Backend` (Envoy AI Gateway v1.1 accepts only that kind). */
  readonly backend: EnvoyGatewayBackend;
}

/**
 * An Envoy AI Gateway `AIServiceBackend` (aigateway.envoyproxy.io/v1beta1):
 * one LLM backend, the API it speaks, and the Envoy Gateway `Backend` that
 * reaches it. An `AIGatewayRoute` rule sends to it; a
 * `BackendSecurityPolicy` gives it its credential.
 *
 * @see envoyproxy/ai-gateway v1.1.0 api/v1beta1/ai_service_backend.go
 * @throws ModelServingError for a bad name or schema, a version on a schema other than AzureOpenAI, a prefix on a schema that ignores it or that is not a safe path (dot segments, encoded characters, `?`, `#`), or a backend that is not an EnvoyGatewayBackend
 */
export class AIServiceBackend extends Construct {
  /** `metadata.name`. */
  public readonly backendName: string;
  /** The namespace (the chart's). */
  public readonly backendNamespace?: string;
  /** The API it speaks. */
  public readonly schema: AIServiceBackendSchema;
  /** The Envoy Gateway Backend. */
  public readonly backend: EnvoyGatewayBackend;
  /** The L1 object. */
  public readonly resource: aig.AiServiceBackend;

  public constructor(scope: Construct, id: string, props: AIServiceBackendProps) {
    checkProps(childPath(scope, id), props, 'AIServiceBackendProps');
    super(scope, id);
    assertKnownKeys(this, '', props, keysOf<AIServiceBackendProps>({ name: true, schema: true, schemaVersion: true, schemaPrefix: true, backend: true }));
    this.backendName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.backendNamespace = Chart.of(this).namespace;
    if (!Object.values(AIServiceBackendSchema).includes(props.schema)) invalid(this, 'schema', 'must be an AIServiceBackendSchema', props.schema, 'pass e.g. schema: AIServiceBackendSchema.OPENAI');
    this.schema = props.schema;
    const version = optionalString(this, 'schemaVersion', props.schemaVersion);
    // api/v1beta1/shared_types.go (VersionedAPISchema.Version): "This field is ignored for OpenAI, AWSBedrock, GCPVertexAI, and Anthropic."
    if (version !== undefined && props.schema !== AIServiceBackendSchema.AZURE_OPENAI) invalid(this, 'schemaVersion', `is ignored by Envoy AI Gateway for schema ${props.schema} (only AzureOpenAI reads it, as the api-version)`, version, 'drop schemaVersion, or use schemaPrefix for a custom path');
    const prefix = optionalString(this, 'schemaPrefix', props.schemaPrefix);
    // VersionedAPISchema.Prefix: "This field is ignored for AWSAnthropic and GCPAnthropic."
    if (prefix !== undefined) {
      if (props.schema === AIServiceBackendSchema.AWS_ANTHROPIC || props.schema === AIServiceBackendSchema.GCP_ANTHROPIC) invalid(this, 'schemaPrefix', `is ignored by Envoy AI Gateway for schema ${props.schema}`, prefix, 'drop schemaPrefix');
      assertSafePathPrefix(this, 'schemaPrefix', prefix, "write e.g. '/v1beta/openai'");
      if (!/^\/?[A-Za-z0-9._~/-]*$/.test(prefix) || prefix.includes('//')) invalid(this, 'schemaPrefix', 'must be a URL path', prefix, "write e.g. '/v1beta/openai'");
    }
    this.backend = requireShape(this, 'backend', props.backend, (v): v is EnvoyGatewayBackend => v instanceof EnvoyGatewayBackend, 'an EnvoyGatewayBackend', "pass backend: new EnvoyGatewayBackend(ns, 'openai', { endpoints: [BackendEndpoint.fqdn('api.openai.com', 443)], tls: {} })");
    if (this.backend.backendNamespace !== this.backendNamespace) invalid(this, 'backend', 'is in another namespace (an AIServiceBackend refers to a Backend of its own namespace)', this.backend.backendNamespace, 'create the EnvoyGatewayBackend in the namespace of the AIServiceBackend');
    this.resource = new aig.AiServiceBackend(this, 'Resource', {
      metadata: { name: this.backendName },
      spec: {
        schema: { name: props.schema as unknown as aig.AiServiceBackendSpecSchemaName, version, prefix },
        backendRef: { group: this.backend.backendRef.group, kind: 'Backend', name: this.backend.backendName },
      },
    });
  }
}
