import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as agw from '../../imports/agentgateway-agentgateway.dev';
import { BackendReference, IBackend } from '../core/backend';
import { requireCredentialSecret } from '../core/credential-secret';
import { invalid } from '../core/errors';
import { assertDnsSubdomain, isDnsLabel } from '../core/names';
import { PolicyTargetRef, IPolicyTarget } from '../core/policy-target';
import { checkProps, childPath, hasMethod, hasProperty, optionalStringMap, requireArray } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import { noteRequiredSecret } from '../core/required-secret';
import { ISecretReference } from '../core/secret-ref';
import { sortRecord } from '../core/sort-keys';
import { AgentgatewayAiProvider } from './ai-provider';

/** A named provider of a priority group (`spec.ai.groups[].providers[]`). */
export interface AgentgatewayNamedAiProvider {
  /** `name`: a DNS-1123 label, unique in the backend (policies may target it as `sectionName`). */
  readonly name: string;
  /** The provider. */
  readonly provider: AgentgatewayAiProvider;
  /** `policies.auth`: this provider's key (providers of one backend may use different keys). @default - the backend's `key` */
  readonly key?: AgentgatewayProviderKey;
  /** `policies.tls: {}`: TLS to this provider with the system CAs. @default - the backend's `tls` */
  readonly tls?: boolean;
}

/** The provider credential, read by the gateway from a Secret of the backend's namespace (`policies.auth.secretRef`). */
export interface AgentgatewayProviderKey {
  /** The Secret. Never a value: keys reach the cluster through a Secret (e.g. an ExternalSecret). */
  readonly secret: ISecretReference;
  /** `secretRef.key`: the data key holding the key. @default 'Authorization' */
  readonly key?: string;
}

/** Props of {@link AgentgatewayBackend}: exactly one of `provider` and `groups`. */
export interface AgentgatewayBackendProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.ai.provider`: one provider. @default - none */
  readonly provider?: AgentgatewayAiProvider;
  /**
   * `spec.ai.groups`: providers by priority, for fallback: the first group
   * is used while one of its providers is healthy, then the next.
   * @default - none
   */
  readonly groups?: ReadonlyArray<readonly AgentgatewayNamedAiProvider[]>;
  /** `spec.policies.auth`: the key sent to the provider. @default - none (self-hosted servers without auth) */
  readonly key?: AgentgatewayProviderKey;
  /** `spec.policies.tls: {}`: TLS to the provider with the system CAs. @default false */
  readonly tls?: boolean;
  /** `spec.policies.ai.modelAliases`: names clients may send, mapped to provider model names. @default - none */
  readonly modelAliases?: Record<string, string>;
}

/**
 * An agentgateway `AgentgatewayBackend` (`agentgateway.dev/v1alpha1`) for
 * LLM providers: one provider or priority groups of providers, the provider
 * key referenced from a Secret, TLS, model aliases. It is a route backend
 * (`HttpRoute` `backends`) and a policy target.
 *
 * MCP and A2A backends are not covered.
 *
 * @see https://agentgateway.dev/docs/kubernetes/latest/llm/providers/
 */
export class AgentgatewayBackend extends Construct implements IBackend, IPolicyTarget {
  /** `metadata.name`. */
  public readonly backendName: string;
  /** `metadata.namespace`. */
  public readonly backendNamespace: string;
  /** The providers, in priority order (one group for `provider`). */
  public readonly providers: ReadonlyArray<readonly AgentgatewayAiProvider[]>;
  /** The L1 object. */
  public readonly resource: agw.AgentgatewayBackend;

  /**
   * @throws ModelServingError for a bad name; not exactly one of provider and groups; an empty group; a provider
   *   name that is not a DNS-1123 label or is used twice; a key that is not a Secret reference or is in another
   *   namespace; an unknown key
   */
  public constructor(scope: Construct, id: string, props: AgentgatewayBackendProps) {
    checkProps(childPath(scope, id), props, 'AgentgatewayBackendProps');
    super(scope, id);
    assertKnownKeys(this, '', props, keysOf<AgentgatewayBackendProps>({ name: true, provider: true, groups: true, key: true, tls: true, modelAliases: true }));
    this.backendName = assertDnsSubdomain(this, 'name', props.name ?? id);
    const ns = Chart.of(this).namespace;
    if (ns === undefined) invalid(this, 'scope', 'must be inside a Namespace', this.node.path, 'create the backend in the Namespace of its routes');
    this.backendNamespace = ns;
    const isProvider = (v: unknown): v is AgentgatewayAiProvider => hasMethod(v, 'render');
    if ((props.provider === undefined) === (props.groups === undefined)) invalid(this, 'provider', 'and groups: exactly one must be set', Object.keys(props), 'pass provider: AgentgatewayAiProvider.openAi(), or groups: [[{ name, provider }], ...]');
    let ai: agw.AgentgatewayBackendSpecAi;
    if (props.provider !== undefined) {
      if (!isProvider(props.provider)) invalid(this, 'provider', 'must be an AgentgatewayAiProvider', props.provider, 'use AgentgatewayAiProvider.openAi() or .custom({ backend, formats })');
      this.providers = [[props.provider]];
      ai = { provider: props.provider.render(this, 'provider') as agw.AgentgatewayBackendSpecAiProvider };
    } else {
      requireArray(this, 'groups', props.groups, Array.isArray, 'a list of named providers', 'pass groups: [[{ name: "primary", provider }], [{ name: "fallback", provider }]]');
      const names = new Set<string>();
      const groups = props.groups!.map((g, i) => {
        if (g.length === 0) invalid(this, `groups[${i}]`, 'is empty', g, 'give each priority group at least one provider');
        return {
          providers: g.map((p, j) => {
            const f = `groups[${i}][${j}]`;
            if (!hasProperty(p, 'name') || typeof p.name !== 'string' || !isDnsLabel(p.name)) invalid(this, `${f}.name`, 'must be a DNS-1123 label', p?.name, "name the provider, e.g. 'openai'");
            if (names.has(p.name)) invalid(this, `${f}.name`, 'is used twice', p.name, 'give each provider a unique name');
            names.add(p.name);
            if (!isProvider(p.provider)) invalid(this, `${f}.provider`, 'must be an AgentgatewayAiProvider', p.provider, 'use AgentgatewayAiProvider.openAi()');
            assertKnownKeys(this, f, p, keysOf<AgentgatewayNamedAiProvider>({ name: true, provider: true, key: true, tls: true }));
            const auth = p.key === undefined ? undefined : this.keyAuth(`${f}.key`, p.key, ns);
            const own = auth || p.tls ? { auth, tls: p.tls ? {} : undefined } : undefined;
            return { name: p.name, ...p.provider.render(this, f), policies: own } as agw.AgentgatewayBackendSpecAiGroupsProviders;
          }),
        };
      });
      this.providers = props.groups!.map((g) => g.map((p) => p.provider));
      ai = { groups };
    }
    const key = props.key;
    const aliases = optionalStringMap(this, 'modelAliases', props.modelAliases);
    const policies: agw.AgentgatewayBackendSpecPolicies = {
      auth: key === undefined ? undefined : this.keyAuth('key', key, ns),
      tls: props.tls ? {} : undefined,
      ai: aliases && Object.keys(aliases).length > 0 ? { modelAliases: sortRecord(aliases) } : undefined,
    };
    const hasPolicies = Object.values(policies).some((v) => v !== undefined);
    this.resource = new agw.AgentgatewayBackend(this, 'Resource', { metadata: { name: this.backendName }, spec: { ai, policies: hasPolicies ? policies : undefined } });
  }

  /**
   * The backend as a route `backendRefs[]` entry (`agentgateway.dev`
   * `AgentgatewayBackend`). The proxies connect to the self-hosted servers
   * of its custom providers: when there is one, its pods are the
   * backend's (so the route opens them to the gateway), and a route to this
   * backend is a route to them (an InferencePool opens its picker flows).
   */
  public get backendRef(): BackendReference {
    const inner = this.providers.flat().flatMap((p) => (p.backend ? [p.backend.backendRef] : []));
    return {
      group: 'agentgateway.dev',
      kind: 'AgentgatewayBackend',
      name: this.backendName,
      namespace: this.backendNamespace,
      owner: this,
      pods: inner.length === 1 ? inner[0].pods : undefined,
      onRoute: inner.some((r) => r.onRoute) ? (route, kind, gateway) => inner.forEach((r) => r.onRoute?.(route, kind, gateway)) : undefined,
    };
  }

  /** `policies.auth.secretRef` of a key, checked and listed as a required Secret. */
  private keyAuth(field: string, key: AgentgatewayProviderKey, ns: string): { secretRef: { name: string; key?: string } } {
    // A key given as a string is the credential itself: refused (redacted) as the Secret reference it should be.
    requireCredentialSecret(this, `${field}.secret`, typeof key === 'string' ? key : (key as { secret?: unknown } | null)?.secret, "key: { secret: SecretRef.named('openai-key') }");
    if (key.secret.namespace !== undefined && key.secret.namespace !== ns) {
      invalid(this, `${field}.secret`, `is in namespace '${key.secret.namespace}', but the gateway reads the key from the backend's namespace ('${ns}')`, `${key.secret.namespace}/${key.secret.secretName}`, `copy the Secret into '${ns}' (e.g. with an ExternalSecret)`);
    }
    noteRequiredSecret(this, ns, key.secret.secretName, `provider key of AgentgatewayBackend ${this.backendName}${key.key ? ` (key ${key.key})` : ''}`);
    return { secretRef: { name: key.secret.secretName, key: key.key } };
  }

  /** The backend as a policy target. */
  public get policyTargetRef(): PolicyTargetRef {
    return { group: 'agentgateway.dev', kind: 'AgentgatewayBackend', name: this.backendName, namespace: this.backendNamespace };
  }
}
