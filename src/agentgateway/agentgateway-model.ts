import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as agw from '../../imports/agentgateway-agentgateway.dev';
import { IBackend } from '../core/backend';
import { requireCredentialSecret } from '../core/credential-secret';
import { invalid } from '../core/errors';
import { assertDnsSubdomain } from '../core/names';
import { checkProps, childPath, hasProperty, requireArray } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import { noteRequiredSecret } from '../core/required-secret';
import type { IRouteParent } from '../gateway/gateway';
import { backendRefOf } from '../policy/kgateway/gateway-extension';
import { AgentgatewayAiFormat } from './ai-provider';
import { AgentgatewayProviderKey } from './agentgateway-backend';

/** Providers an `AgentgatewayModel` names by `spec.provider` (the managed ones; self-hosted servers use {@link AgentgatewayModelProvider.custom}). */
export enum AgentgatewayManagedProvider {
  OPENAI = 'OpenAI',
  ANTHROPIC = 'Anthropic',
  GEMINI = 'Gemini',
  BEDROCK = 'Bedrock',
  MISTRAL = 'Mistral',
  GROQ = 'Groq',
  DEEPSEEK = 'Deepseek',
  OLLAMA = 'Ollama',
}

/** What serves an {@link AgentgatewayModel}: a managed provider, or self-hosted servers (`provider: Custom`). */
export class AgentgatewayModelProvider {
  /**
   * A managed provider; `baseUrl` overrides its address (http or https, no
   * query, e.g. a proxy or an OpenAI-compatible server).
   *
   * @throws ModelServingError for a baseUrl that is not an http(s) URL without query, fragment or user info
   */
  public static managed(provider: AgentgatewayManagedProvider, options: { readonly baseUrl?: string } = {}): AgentgatewayModelProvider {
    if (!Object.values(AgentgatewayManagedProvider).includes(provider)) invalid('AgentgatewayModelProvider.managed', 'provider', `must be one of ${Object.values(AgentgatewayManagedProvider).join(', ')}`, provider, 'use AgentgatewayManagedProvider.OPENAI');
    const url = options.baseUrl;
    if (url !== undefined) {
      let ok = false;
      try {
        const u = new URL(url);
        ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.search === '' && u.hash === '' && u.username === '' && u.password === '';
      } catch {
        ok = false;
      }
      if (!ok) invalid('AgentgatewayModelProvider.managed', 'baseUrl', 'must be an http(s) URL without query, fragment or user info', url, "write e.g. 'https://api.openai.com'");
    }
    return new AgentgatewayModelProvider(provider, { baseUrl: url });
  }

  /**
   * Self-hosted model servers behind an InferencePool or a Service of the
   * model's namespace (`custom.backendRef`), speaking `formats`.
   *
   * @throws ModelServingError without formats or with a backend that is not an IBackend
   */
  public static custom(options: { readonly backend: IBackend; readonly formats: readonly AgentgatewayAiFormat[] }): AgentgatewayModelProvider {
    const where = 'AgentgatewayModelProvider.custom';
    checkProps(where, options, 'options');
    if (!hasProperty(options.backend, 'backendRef')) invalid(where, 'backend', 'must be an IBackend (an InferencePool or a Service)', options.backend, 'pass the InferencePool construct');
    if (!Array.isArray(options.formats) || options.formats.length === 0) invalid(where, 'formats', 'must list the API formats the servers speak', options.formats, 'pass formats: [AgentgatewayAiFormat.COMPLETIONS]');
    options.formats.forEach((f, i) => {
      if (!Object.values(AgentgatewayAiFormat).includes(f)) invalid(where, `formats[${i}]`, `must be one of ${Object.values(AgentgatewayAiFormat).join(', ')}`, f, 'use AgentgatewayAiFormat.COMPLETIONS');
    });
    return new AgentgatewayModelProvider('Custom', {}, options.backend, options.formats);
  }

  private constructor(
    /** `spec.provider`. */
    public readonly provider: string,
    private readonly options: { readonly baseUrl?: string },
    /** The self-hosted backend (`custom.backendRef`). */
    public readonly backend?: IBackend,
    private readonly formats?: readonly AgentgatewayAiFormat[],
  ) {}

  /** The provider fields of the spec. */
  public render(scope: Construct): Pick<agw.AgentgatewayModelSpec, 'provider' | 'baseUrl' | 'custom'> {
    return {
      provider: this.provider as agw.AgentgatewayModelSpecProvider,
      baseUrl: this.options.baseUrl,
      custom: this.backend ? { backendRef: backendRefOf(scope, 'provider.backend', this.backend), formats: this.formats!.map((type) => ({ type: type as unknown as agw.AgentgatewayModelSpecCustomFormatsType })) } : undefined,
    };
  }
}

/** Props of {@link AgentgatewayModel}. */
export interface AgentgatewayModelProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /**
   * `parentRefs`: the Gateway listeners the model attaches to; each
   * listener's `allowedRoutes.kinds` must include `AgentgatewayModel`.
   */
  readonly parents: readonly IRouteParent[];
  /**
   * `match.model`: the `model` clients send in the request body; exact, a
   * prefix (`gpt-*`), a suffix (`*-latest`) or `*`.
   * @default - metadata.name
   */
  readonly model?: string;
  /** `provider` and its settings. */
  readonly provider: AgentgatewayModelProvider;
  /**
   * `policies.transformations: [{ field: model, expression }]`: the model
   * name sent upstream, as a CEL expression over `llmRequest` (e.g.
   * `"'qwen3-8b'"`, or `llmRequest.model.stripPrefix("local/")`).
   * @default - the request's model, unchanged
   */
  readonly upstreamModel?: string;
  /** `policies.auth.secretRef`: the provider key, from a Secret of the model's namespace. @default - none */
  readonly key?: AgentgatewayProviderKey;
  /** `policies.authorization` (ALLOW): CEL expressions; any one allows a client to use the model. @default - none */
  readonly allowWhen?: readonly string[];
  /** `visibility: Internal`: reachable only through virtual models. @default false */
  readonly internal?: boolean;
}

/**
 * An agentgateway `AgentgatewayModel` (`agentgateway.dev/v1alpha1`, new in
 * v1.4): a model-centric route. It attaches to Gateway listeners directly and
 * is selected by the `model` of the client's OpenAI or Anthropic request
 * body; agentgateway then sends the request to the provider (or to
 * self-hosted servers behind an InferencePool or Service).
 *
 * Virtual models (weighted, failover, conditional) are not covered.
 *
 * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/controller/api/v1alpha1/agentgateway/agentgateway_model_types.go
 */
export class AgentgatewayModel extends Construct {
  /** `metadata.name`. */
  public readonly modelName: string;
  /** The model name clients send (`match.model`, or the name). */
  public readonly requestModel: string;
  /** The L1 object. */
  public readonly resource: agw.AgentgatewayModel;

  /**
   * @throws ModelServingError for a bad name; no parent, or a parent listener whose allowedRoutes do not admit
   *   AgentgatewayModel; a provider that is not an AgentgatewayModelProvider; a key that is not a Secret reference or is in
   *   another namespace; empty CEL expressions; an unknown key
   */
  public constructor(scope: Construct, id: string, props: AgentgatewayModelProps) {
    checkProps(childPath(scope, id), props, 'AgentgatewayModelProps');
    super(scope, id);
    assertKnownKeys(this, '', props, keysOf<AgentgatewayModelProps>({ name: true, parents: true, model: true, provider: true, upstreamModel: true, key: true, allowWhen: true, internal: true }));
    this.modelName = assertDnsSubdomain(this, 'name', props.name ?? id);
    const ns = Chart.of(this).namespace;
    requireArray(this, 'parents', props.parents, (v): v is IRouteParent => hasProperty(v, 'parentRef') && hasProperty(v, 'gateway'), 'a Gateway listener', "pass parents: [gateway.listener('llm')]");
    if (props.parents.length === 0) invalid(this, 'parents', 'must list at least one Gateway listener', [], "pass parents: [gateway.listener('llm')]");
    props.parents.forEach((p, i) => {
      const section = p.parentRef.sectionName;
      const listener = section === undefined ? undefined : p.gateway.listeners.find((l) => l.name === section);
      const listeners = listener ? [listener] : section === undefined ? p.gateway.listeners : [];
      const refusing = listeners.filter((l) => !l.allowedRoutes.admitsKind('AgentgatewayModel'));
      if (refusing.length > 0) {
        invalid(this, `parents[${i}]`, `is listener '${refusing[0].name}' of Gateway '${p.gateway.gatewayName}', whose allowedRoutes.kinds do not include AgentgatewayModel, so the model would not attach`, refusing[0].name, "create the listener with allowedRoutes: AllowedRoutes.sameNamespace({ kinds: ['HTTPRoute', 'AgentgatewayModel'] })");
      }
    });
    if (!(props.provider instanceof AgentgatewayModelProvider)) invalid(this, 'provider', 'must be an AgentgatewayModelProvider', props.provider, 'use AgentgatewayModelProvider.custom({ backend: pool, formats }) or .managed(AgentgatewayManagedProvider.OPENAI)');
    if (props.model !== undefined && (typeof props.model !== 'string' || props.model === '')) invalid(this, 'model', 'must be a non-empty model name', props.model, "write the name clients send, e.g. 'qwen3-8b'");
    this.requestModel = props.model ?? this.modelName;
    const key = props.key;
    if (key !== undefined) {
      requireCredentialSecret(this, 'key.secret', typeof key === 'string' ? key : (key as { secret?: unknown } | null)?.secret, "key: { secret: SecretRef.named('openai-key') }");
      if (key.secret.namespace !== undefined && ns !== undefined && key.secret.namespace !== ns) invalid(this, 'key.secret', `is in namespace '${key.secret.namespace}', but the gateway reads it from the model's namespace ('${ns}')`, key.secret.secretName, `copy the Secret into '${ns}'`);
      noteRequiredSecret(this, ns, key.secret.secretName, `provider key of AgentgatewayModel ${this.modelName}`);
    }
    if (props.allowWhen !== undefined) requireArray(this, 'allowWhen', props.allowWhen, (v): v is string => typeof v === 'string', 'a CEL expression', "pass allowWhen: [\"jwt.sub != ''\"]");
    for (const [field, expr] of [['upstreamModel', props.upstreamModel], ...(props.allowWhen ?? []).map((x, i) => [`allowWhen[${i}]`, x])] as Array<[string, unknown]>) {
      if (expr !== undefined && (typeof expr !== 'string' || expr.trim() === '')) invalid(this, field, 'must be a non-empty CEL expression', expr, "write e.g. \"'qwen3-8b'\"");
    }
    const policies: agw.AgentgatewayModelSpecPolicies = {
      auth: key ? { secretRef: { name: key.secret.secretName, key: key.key } } : undefined,
      authorization: props.allowWhen && props.allowWhen.length > 0 ? { policy: { matchExpressions: [...props.allowWhen] } } : undefined,
      transformations: props.upstreamModel !== undefined ? [{ field: 'model', expression: props.upstreamModel }] : undefined,
    };
    this.resource = new agw.AgentgatewayModel(this, 'Resource', {
      metadata: { name: this.modelName },
      spec: {
        parentRefs: props.parents.map((p) => ({ ...p.parentRef, namespace: p.parentRef.namespace ?? (p.gateway.gatewayNamespace !== ns ? p.gateway.gatewayNamespace : undefined) })),
        match: props.model !== undefined ? { model: props.model } : undefined,
        visibility: props.internal ? agw.AgentgatewayModelSpecVisibility.INTERNAL : undefined,
        ...props.provider.render(this),
        policies: Object.values(policies).some((v) => v !== undefined) ? policies : undefined,
      },
    });
  }
}
