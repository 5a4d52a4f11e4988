import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as aig from '../../imports/aigateway-aigateway.envoyproxy.io';
import { requireAwsRegion } from '../core/aws-region';
import { requireCredentialSecret } from '../core/credential-secret';
import { invalid } from '../core/errors';
import { assertDnsSubdomain } from '../core/names';
import { checkProps, childPath, optionalString, requireArray, requireShape } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import { noteRequiredSecret } from '../core/required-secret';
import type { ISecretReference } from '../core/secret-ref';
import { AI_GATEWAY_GROUP, AIServiceBackend } from './ai-service-backend';

/** The data key of the Secret an API key is read from (envoyproxy/ai-gateway v1.1.0 internal/controller/ai_gateway_route.go `apiKeyInSecret`). */
export const AI_GATEWAY_API_KEY_SECRET_KEY = 'apiKey';
/** The data key of the Secret an AWS credentials file is read from (internal/controller/rotators/aws_common.go `AwsCredentialsKey`). */
export const AI_GATEWAY_AWS_CREDENTIALS_SECRET_KEY = 'credentials';
/** The data key of the Secret an Azure client secret is read from (internal/controller/backend_security_policy.go `clientSecretKey`). */
export const AI_GATEWAY_AZURE_CLIENT_SECRET_KEY = 'client-secret';
/** The data key of the Secret a GCP service account file is read from (internal/controller/rotators/gcp_oidc_token_rotator.go `GCPServiceAccountJSON`). */
export const AI_GATEWAY_GCP_SERVICE_ACCOUNT_SECRET_KEY = 'service_account.json';

/**
 * How Envoy AI Gateway authenticates to a backend (`BackendSecurityPolicy`
 * `type` and its field): always from a Secret reference, never a value.
 */
export class BackendCredential {
  /**
   * `APIKey`: a bearer token in `Authorization`, from the Secret's `apiKey` key.
   * @throws ModelServingError unless `secret` is a Secret reference
   */
  public static apiKey(secret: ISecretReference): BackendCredential {
    const ref = requireCredentialSecret('BackendCredential.apiKey', 'secret', secret);
    return new BackendCredential(aig.BackendSecurityPolicySpecType.API_KEY, { apiKey: { secretRef: secretRefOf(ref) } }, [[ref, AI_GATEWAY_API_KEY_SECRET_KEY]]);
  }

  /**
   * `AzureAPIKey`: the `api-key` header of Azure OpenAI, from the Secret's `apiKey` key.
   * @throws ModelServingError unless `secret` is a Secret reference
   */
  public static azureApiKey(secret: ISecretReference): BackendCredential {
    const ref = requireCredentialSecret('BackendCredential.azureApiKey', 'secret', secret);
    return new BackendCredential(aig.BackendSecurityPolicySpecType.AZURE_API_KEY, { azureApiKey: { secretRef: secretRefOf(ref) } }, [[ref, AI_GATEWAY_API_KEY_SECRET_KEY]]);
  }

  /**
   * `AnthropicAPIKey`: the `x-api-key` header of Anthropic, from the Secret's `apiKey` key.
   * @throws ModelServingError unless `secret` is a Secret reference
   */
  public static anthropicApiKey(secret: ISecretReference): BackendCredential {
    const ref = requireCredentialSecret('BackendCredential.anthropicApiKey', 'secret', secret);
    return new BackendCredential(aig.BackendSecurityPolicySpecType.ANTHROPIC_API_KEY, { anthropicApiKey: { secretRef: secretRefOf(ref) } }, [[ref, AI_GATEWAY_API_KEY_SECRET_KEY]]);
  }

  /**
   * `AWSCredentials` from an AWS shared credentials file (the Secret's `credentials` key): SigV4 signing for Bedrock.
   * @param region the AWS region, e.g. `us-east-1`
   * @param profile the file's profile @default 'default'
   * @throws ModelServingError for a bad region, or `secret` not a Secret reference
   */
  public static awsCredentialsFile(region: string, secret: ISecretReference, profile?: string): BackendCredential {
    const where = 'BackendCredential.awsCredentialsFile';
    requireAwsRegion(where, 'region', region);
    optionalString(where, 'profile', profile);
    const ref = requireCredentialSecret(where, 'secret', secret);
    return new BackendCredential(aig.BackendSecurityPolicySpecType.AWS_CREDENTIALS, { awsCredentials: { region, credentialsFile: { secretRef: secretRefOf(ref), profile } } }, [[ref, AI_GATEWAY_AWS_CREDENTIALS_SECRET_KEY]]);
  }

  /**
   * `AWSCredentials` from the AWS SDK's default chain of the gateway's
   * pods (IRSA or EKS Pod Identity on the Envoy proxies' ServiceAccount):
   * no Secret at all.
   * @param region the AWS region, e.g. `us-east-1`
   * @throws ModelServingError for a bad region
   */
  public static awsDefaultChain(region: string): BackendCredential {
    const where = 'BackendCredential.awsDefaultChain';
    requireAwsRegion(where, 'region', region);
    return new BackendCredential(aig.BackendSecurityPolicySpecType.AWS_CREDENTIALS, { awsCredentials: { region } }, []);
  }

  /**
   * `AzureCredentials` with a client secret (the Secret's `client-secret` key): Entra ID tokens for Azure OpenAI.
   * @throws ModelServingError for an empty client or tenant id, or `clientSecret` not a Secret reference
   */
  public static azureClientSecret(clientId: string, tenantId: string, clientSecret: ISecretReference): BackendCredential {
    const where = 'BackendCredential.azureClientSecret';
    for (const [f, v] of [['clientId', clientId], ['tenantId', tenantId]] as const) {
      if (typeof v !== 'string' || v.length === 0) invalid(where, f, 'must be a non-empty string', v, `pass the Entra ID ${f}`);
    }
    const ref = requireCredentialSecret(where, 'clientSecret', clientSecret);
    return new BackendCredential(aig.BackendSecurityPolicySpecType.AZURE_CREDENTIALS, { azureCredentials: { clientId, tenantId, clientSecretRef: secretRefOf(ref) } }, [[ref, AI_GATEWAY_AZURE_CLIENT_SECRET_KEY]]);
  }

  /**
   * `GCPCredentials` from a service account key file (the Secret's `service_account.json` key): Vertex AI.
   * @throws ModelServingError for an empty project or region, or `secret` not a Secret reference
   */
  public static gcpCredentialsFile(projectName: string, region: string, secret: ISecretReference): BackendCredential {
    const where = 'BackendCredential.gcpCredentialsFile';
    for (const [f, v] of [['projectName', projectName], ['region', region]] as const) {
      if (typeof v !== 'string' || v.length === 0) invalid(where, f, 'must be a non-empty string', v, `pass the GCP ${f}`);
    }
    const ref = requireCredentialSecret(where, 'secret', secret);
    return new BackendCredential(aig.BackendSecurityPolicySpecType.GCP_CREDENTIALS, { gcpCredentials: { projectName, region, credentialsFile: { secretRef: secretRefOf(ref) } } }, [[ref, AI_GATEWAY_GCP_SERVICE_ACCOUNT_SECRET_KEY]]);
  }

  private constructor(
    /** `spec.type`. */
    public readonly type: aig.BackendSecurityPolicySpecType,
    /** The type's field of `spec`. */
    public readonly spec: Omit<aig.BackendSecurityPolicySpec, 'type' | 'targetRefs'>,
    /** The Secrets read, with the data key Envoy AI Gateway reads from each. */
    public readonly secrets: ReadonlyArray<readonly [ISecretReference, string]>,
  ) {}
}

function secretRefOf(ref: ISecretReference): { name: string; namespace?: string } {
  return { name: ref.secretName, namespace: ref.namespace };
}

/** Props of {@link BackendSecurityPolicy}. */
export interface BackendSecurityPolicyProps {
  /** `metadata.name`, a DNS-1123 subdomain. @default - the construct id */
  readonly name?: string;
  /** `spec.targetRefs`: the AIServiceBackends (of this namespace) that use the credential. At least one. */
  readonly targets: readonly AIServiceBackend[];
  /** `spec.type` and its field. */
  readonly credential: BackendCredential;
}

/**
 * An Envoy AI Gateway `BackendSecurityPolicy`
 * (aigateway.envoyproxy.io/v1beta1): the credential the gateway presents
 * to the AIServiceBackends it targets (an API key, AWS, Azure or GCP
 * credentials), always read from a Secret the policy references: the
 * Secret is listed as cluster setup unless the platform writes it.
 *
 * @see envoyproxy/ai-gateway v1.1.0 api/v1beta1/backendsecurity_policy.go
 * @throws ModelServingError for no targets, a target in another namespace, or a credential that is not a BackendCredential
 */
export class BackendSecurityPolicy extends Construct {
  /** `metadata.name`. */
  public readonly policyName: string;
  /** The credential. */
  public readonly credential: BackendCredential;
  /** The L1 object. */
  public readonly resource: aig.BackendSecurityPolicy;

  public constructor(scope: Construct, id: string, props: BackendSecurityPolicyProps) {
    checkProps(childPath(scope, id), props, 'BackendSecurityPolicyProps');
    super(scope, id);
    assertKnownKeys(this, '', props, keysOf<BackendSecurityPolicyProps>({ name: true, targets: true, credential: true }));
    this.policyName = assertDnsSubdomain(this, 'name', props.name ?? id);
    const targets = requireArray(this, 'targets', props.targets, (v): v is AIServiceBackend => v instanceof AIServiceBackend, 'an AIServiceBackend', 'pass targets: [aiServiceBackend]');
    if (targets.length === 0) invalid(this, 'targets', 'is empty', [], 'pass targets: [aiServiceBackend]');
    const ns = Chart.of(this).namespace;
    targets.forEach((t, i) => {
      if (t.backendNamespace !== ns) invalid(this, `targets[${i}]`, 'is in another namespace (targetRefs are local)', t.backendNamespace, 'create the policy in the namespace of its AIServiceBackends');
    });
    this.credential = requireShape(this, 'credential', props.credential, (v): v is BackendCredential => v instanceof BackendCredential, 'a BackendCredential', 'pass credential: BackendCredential.apiKey(SecretRef.named("openai-api-key"))');
    for (const [ref, key] of this.credential.secrets) noteRequiredSecret(this, ref.namespace ?? ns, ref.secretName, `BackendSecurityPolicy ${this.policyName} (key ${key})`);
    this.resource = new aig.BackendSecurityPolicy(this, 'Resource', {
      metadata: { name: this.policyName },
      spec: {
        type: this.credential.type,
        targetRefs: targets.map((t) => ({ group: AI_GATEWAY_GROUP, kind: 'AIServiceBackend', name: t.backendName })),
        ...this.credential.spec,
      },
    });
  }
}
