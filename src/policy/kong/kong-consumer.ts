import { Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kong from '../../../imports/kong-configuration.konghq.com';
import { invalid } from '../../core/errors';
import { assertDnsSubdomain } from '../../core/names';
import { Platform } from '../../core/platform';
import { ISecretReference } from '../../core/secret-ref';
import { DEFAULT_KONG_INGRESS_CLASS, IKongConsumerGroup, INGRESS_CLASS_ANNOTATION } from './kong-consumer-group';
import { attachKongPlugins, IKongPlugin, KONG_PLUGINS_ANNOTATION } from './kong-plugin';
import { checkedRecord } from '../../core/records';
import { checkProps, childPath } from '../../core/prop-types';

/** Props of {@link KongConsumer}: `username`, `customId` or both. */
export interface KongConsumerProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `username`: unique across the Kong cluster; sent upstream as `X-Consumer-Username`. @default - none (then `customId` is required) */
  readonly username?: string;
  /** `custom_id`: an id from another system, unique across the Kong cluster; sent upstream as `X-Consumer-Custom-ID`. @default - none */
  readonly customId?: string;
  /**
   * `credentials`: Secrets in the consumer's namespace, each labelled
   * `konghq.com/credential: <type>` (see {@link KongCredential}); more with
   * {@link KongConsumer.addCredential}.
   * @default - none
   */
  readonly credentials?: readonly ISecretReference[];
  /** `consumerGroups` (Kong Enterprise only); more with {@link KongConsumer.addConsumerGroup}. @default - none */
  readonly consumerGroups?: readonly IKongConsumerGroup[];
  /** Plugins scoped to this consumer (`konghq.com/plugins`); more with {@link KongConsumer.addPlugin}. @default - none */
  readonly plugins?: readonly IKongPlugin[];
  /** `spec.tags`: tags of the consumer in Kong, 1-128 characters each. @default - none */
  readonly tags?: readonly string[];
  /** The KIC ingress class (`kubernetes.io/ingress.class` annotation; KIC ignores consumers of other classes). @default 'kong' */
  readonly ingressClass?: string;
  /** `metadata.labels`. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - only the ingress class */
  readonly annotations?: Record<string, string>;
}

const identities = new WeakMap<IConstruct, Map<string, string>>();
/** Bundled Kong 3.9 plugins whose schema has `consumer = typedefs.no_consumer`. */
const NO_CONSUMER_PLUGINS: readonly string[] = ['acl', 'basic-auth', 'bot-detection', 'cors', 'hmac-auth', 'jwt', 'key-auth', 'ldap-auth', 'oauth2', 'session'];

/**
 * A Kong Ingress Controller `KongConsumer` (configuration.konghq.com/v1): a
 * Kong consumer (an API client) with its credentials, read from Secrets by
 * reference, and the plugins scoped to it.
 *
 * Kong consumers are cluster-wide: the `username` and `custom_id` must be
 * unique across every KIC namespace, so a duplicate within the platform is
 * refused here.
 *
 * ```ts
 * const alice = new KongConsumer(models, 'alice', { username: 'alice', credentials: [aliceKey] });
 * alice.addPlugin(premiumRateLimit);
 * ```
 *
 * @see https://developer.konghq.com/kubernetes-ingress-controller/reference/custom-resources/#kongconsumer
 */
export class KongConsumer extends Construct {
  /** `metadata.name`. */
  public readonly consumerName: string;
  /** `username`. */
  public readonly username?: string;
  /** `custom_id`. */
  public readonly customId?: string;
  /** The L1 object. */
  public readonly resource: kong.KongConsumer;
  private readonly namespace?: string;
  private readonly credentialNames = new Set<string>();
  private readonly groupNames = new Set<string>();

  /**
   * @throws ModelServingError for neither username nor customId, a username
   *   or customId already used by another consumer of the platform, a bad tag,
   *   or a credential Secret in another namespace
   */
  public constructor(scope: Construct, id: string, props: KongConsumerProps) {
    checkProps(childPath(scope, id), props, 'KongConsumerProps');
    super(scope, id);
    this.consumerName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.namespace = Chart.of(this).namespace;
    if (!props.username && !props.customId) invalid(this, 'username', 'or custom_id is required (the CRD refuses a consumer with neither)', undefined, "pass username: 'alice'");
    this.username = props.username;
    this.customId = props.customId;
    if (props.username !== undefined) this.claim('username', props.username);
    if (props.customId !== undefined) this.claim('custom_id', props.customId);
    const tags = props.tags ?? [];
    tags.forEach((t, i) => {
      if (typeof t !== 'string' || t.length < 1 || t.length > 128) invalid(this, `spec.tags[${i}]`, 'must be 1 to 128 characters', t, 'shorten the tag');
    });
    this.resource = new kong.KongConsumer(this, 'Resource', {
      metadata: {
        name: this.consumerName,
        labels: checkedRecord(this, 'labels', props.labels),
        annotations: { ...(checkedRecord(this, 'annotations', props.annotations) ?? {}), [INGRESS_CLASS_ANNOTATION]: props.ingressClass ?? DEFAULT_KONG_INGRESS_CLASS },
      },
      username: props.username,
      customId: props.customId,
      credentials: Lazy.any({ produce: (): string[] | undefined => (this.credentialNames.size > 0 ? [...this.credentialNames].sort() : undefined) }),
      consumerGroups: Lazy.any({ produce: (): string[] | undefined => (this.groupNames.size > 0 ? [...this.groupNames].sort() : undefined) }),
      spec: tags.length > 0 ? { tags: [...tags] } : undefined,
    });
    for (const c of props.credentials ?? []) this.addCredential(c);
    for (const g of props.consumerGroups ?? []) this.addConsumerGroup(g);
    if (props.plugins && props.plugins.length > 0) this.addPlugin(...props.plugins);
  }

  /**
   * Adds a credential Secret (`credentials[]`, a set: listed once, sorted).
   *
   * @throws ModelServingError for a Secret in another namespace (KIC reads credentials from the consumer's namespace)
   */
  public addCredential(secret: ISecretReference): void {
    assertDnsSubdomain(this, 'credentials[]', secret.secretName);
    if (secret.namespace !== undefined && secret.namespace !== this.namespace) {
      invalid(this, 'credentials[]', `names a Secret in namespace '${secret.namespace}', but KIC reads credentials from the consumer's namespace '${this.namespace ?? '(none)'}'`, secret.secretName, 'create the credential Secret (or its ExternalSecret) in the consumer namespace');
    }
    this.credentialNames.add(secret.secretName);
  }

  /** Adds the consumer to a consumer group (`consumerGroups[]`; Kong Enterprise only). */
  public addConsumerGroup(group: IKongConsumerGroup): void {
    this.groupNames.add(assertDnsSubdomain(this, 'consumerGroups[]', group.consumerGroupName));
  }

  /**
   * Scopes `plugins` to this consumer (`konghq.com/plugins`); a plugin also listed by a route then runs only for this consumer on that route.
   *
   * @throws ModelServingError for an authentication plugin (key-auth, jwt, basic-auth, oauth2, acl, cors, ...): Kong refuses those scoped to a consumer
   */
  public addPlugin(...plugins: IKongPlugin[]): void {
    for (const p of plugins) {
      const name = (p as { plugin?: unknown }).plugin;
      // `consumer = typedefs.no_consumer` in these plugins' schemas (kong/plugins/<name>/schema.lua, Kong 3.9.1): Kong
      // refuses an instance scoped to a consumer, so KIC's whole configuration push would fail.
      if (typeof name === 'string' && NO_CONSUMER_PLUGINS.includes(name)) {
        invalid(this, `metadata.annotations[${KONG_PLUGINS_ANNOTATION}]`, `would scope the ${name} plugin '${p.pluginName}' to a consumer, which Kong refuses (the plugin identifies consumers, it cannot run for one)`, p.pluginName, 'attach it to the route instead (attachKongPlugins(route, [plugin]), or an AccessPolicy); scope only per-consumer plugins such as rate-limiting to a consumer');
      }
    }
    attachKongPlugins(this, plugins);
  }

  /** Sets `metadata.annotations[key]`. */
  public addAnnotation(key: string, value: string): void {
    this.resource.metadata.addAnnotation(key, value);
  }

  private claim(field: 'username' | 'custom_id', value: string): void {
    if (typeof value !== 'string' || value.trim() === '') invalid(this, field, 'must be a non-empty string', value, "use e.g. 'alice'");
    const scope = uniquenessScope(this);
    let seen = identities.get(scope);
    if (!seen) {
      seen = new Map();
      identities.set(scope, seen);
    }
    const key = `${field}=${value}`;
    const other = seen.get(key);
    if (other !== undefined) invalid(this, field, `is already used by KongConsumer ${other} (Kong consumers are cluster-wide)`, value, `give each consumer a unique ${field}`);
    seen.set(key, this.node.path);
  }
}

/** The platform of `c` (Kong entities of one platform share a Kong cluster), or the app root outside platforms. */
export function uniquenessScope(c: IConstruct): IConstruct {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (Platform.isPlatform(s)) return s;
  }
  return c.node.root;
}
