import { Construct } from 'constructs';
import * as kong from '../../../imports/kong-configuration.konghq.com';
import { invalid } from '../../core/errors';
import { assertDnsSubdomain } from '../../core/names';
import { attachKongPlugins, IKongPlugin } from './kong-plugin';
import { checkedRecord } from '../../core/records';
import { checkProps, childPath } from '../../core/prop-types';

/** The ingress class KIC processes by default (`--ingress-class`); KongConsumer and KongConsumerGroup carry it as an annotation. */
export const DEFAULT_KONG_INGRESS_CLASS = 'kong';
/** The annotation KIC filters Kong consumers and consumer groups by. */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** A KongConsumerGroup, defined here or by name. */
export interface IKongConsumerGroup {
  /** `metadata.name`: the group name consumers list in `consumerGroups`. */
  readonly consumerGroupName: string;
}

/** A consumer group named by {@link KongConsumerGroup.fromConsumerGroupName}. */
class ImportedKongConsumerGroup extends Construct implements IKongConsumerGroup {
  public readonly consumerGroupName: string;
  public constructor(scope: Construct, id: string, name: string) {
    super(scope, id);
    this.consumerGroupName = assertDnsSubdomain(this, 'name', name);
  }
}

/** Props of {@link KongConsumerGroup}. */
export interface KongConsumerGroupProps {
  /** `metadata.name`, also the consumer group's name in Kong. @default - the construct id */
  readonly name?: string;
  /** `spec.tags`: tags of the group in Kong, 1-128 characters each. @default - none */
  readonly tags?: readonly string[];
  /** Plugins scoped to the group's members (`konghq.com/plugins`); more with {@link KongConsumerGroup.addPlugin}. @default - none */
  readonly plugins?: readonly IKongPlugin[];
  /** The KIC ingress class (`kubernetes.io/ingress.class` annotation). @default 'kong' */
  readonly ingressClass?: string;
  /** `metadata.labels`. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - only the ingress class */
  readonly annotations?: Record<string, string>;
}

/**
 * A Kong Ingress Controller `KongConsumerGroup`
 * (configuration.konghq.com/v1beta1): a named group of KongConsumers that
 * plugins can be scoped to (e.g. one rate limit per tier).
 *
 * Consumer groups are a **Kong Gateway Enterprise** feature (KIC documents
 * the CRD as "supported by Kong Enterprise only"): Kong OSS has no consumer
 * groups, so the access-policy engine never emits this kind; it maps tiers
 * to ACL groups and per-consumer plugins instead.
 *
 * @see https://developer.konghq.com/kubernetes-ingress-controller/reference/custom-resources/#kongconsumergroup
 */
export class KongConsumerGroup extends Construct implements IKongConsumerGroup {
  /**
   * A consumer group defined elsewhere, by name. Emits nothing.
   *
   * @throws ModelServingError when `name` is not a DNS-1123 subdomain
   */
  public static fromConsumerGroupName(scope: Construct, id: string, name: string): IKongConsumerGroup {
    return new ImportedKongConsumerGroup(scope, id, name);
  }

  /** `metadata.name`. */
  public readonly consumerGroupName: string;
  /** The L1 object. */
  public readonly resource: kong.KongConsumerGroup;

  /** @throws ModelServingError for a bad name, an empty or too long tag, or a plugin in another namespace */
  public constructor(scope: Construct, id: string, props: KongConsumerGroupProps = {}) {
    checkProps(childPath(scope, id), props, 'KongConsumerGroupProps');
    super(scope, id);
    this.consumerGroupName = assertDnsSubdomain(this, 'name', props.name ?? id);
    const tags = props.tags ?? [];
    tags.forEach((t, i) => {
      if (typeof t !== 'string' || t.length < 1 || t.length > 128) invalid(this, `spec.tags[${i}]`, 'must be 1 to 128 characters', t, 'shorten the tag');
    });
    this.resource = new kong.KongConsumerGroup(this, 'Resource', {
      metadata: {
        name: this.consumerGroupName,
        labels: checkedRecord(this, 'labels', props.labels),
        annotations: { ...(checkedRecord(this, 'annotations', props.annotations) ?? {}), [INGRESS_CLASS_ANNOTATION]: props.ingressClass ?? DEFAULT_KONG_INGRESS_CLASS },
      },
      spec: tags.length > 0 ? { tags: [...tags] } : undefined,
    });
    if (props.plugins && props.plugins.length > 0) this.addPlugin(...props.plugins);
  }

  /** Scopes `plugins` to the group's members (`konghq.com/plugins`). */
  public addPlugin(...plugins: IKongPlugin[]): void {
    attachKongPlugins(this, plugins);
  }

  /** Sets `metadata.annotations[key]`. */
  public addAnnotation(key: string, value: string): void {
    this.resource.metadata.addAnnotation(key, value);
  }
}
