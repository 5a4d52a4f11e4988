import { Construct } from 'constructs';
import { invalid } from '../../core/errors';
import { ExternalSecret, SecretStoreReference } from '../../core/external-secret';
import { Namespace } from '../../core/namespace';
import { checkedRecord } from '../../core/records';
import { API_KEY_SECRET_KEY, API_KEY_TIER_LABEL, apiKeyHolderAnnotations, ApiKeyHolder } from '../authentication';
import { checkProps, childPath, isPlainObject, requireShape } from '../../core/prop-types';

/**
 * The label Authorino's Secret watch requires (`--secret-label-selector`,
 * default `authorino.kuadrant.io/managed-by=authorino`): a key Secret
 * without it is never loaded, whatever the AuthPolicy selector says.
 *
 * @see https://docs.kuadrant.io/latest/authorino/docs/user-guides/api-key-authentication/
 */
export const AUTHORINO_SECRET_LABEL = 'authorino.kuadrant.io/managed-by';
/** The value of {@link AUTHORINO_SECRET_LABEL}. */
export const AUTHORINO_SECRET_LABEL_VALUE = 'authorino';

/** Props of {@link ApiKeySecrets}. */
export interface ApiKeySecretsProps {
  /** Name prefix of the Secrets: `<prefix>-<userId>`. */
  readonly namePrefix: string;
  /** The store the keys are pulled from. */
  readonly secretStore: SecretStoreReference;
  /** The key holders. At least one. */
  readonly holders: readonly ApiKeyHolder[];
  /** The labels the AuthPolicy selects the key Secrets by. At least one. */
  readonly selector: Readonly<Record<string, string>>;
}

const selectorsByNamespace = new WeakMap<Namespace, Map<string, string>>();

/**
 * The API-key Secrets of one AccessPolicy in the layout Authorino reads:
 * one ExternalSecret per key holder, whose generated Secret holds the key
 * under `api_key` (Authorino's default key selector), carries the selector
 * labels, Authorino's watch label `authorino.kuadrant.io/managed-by:
 * authorino` and the tier label `models.cdk8s.io/tier`, and the user id in
 * the annotation `models.cdk8s.io/user-id` (and the holder's subscriptions,
 * comma-separated, in `models.cdk8s.io/subscriptions`). AuthPolicies read the tier and
 * user id from the Secret (`auth.identity.metadata.labels` /
 * `.annotations`). Only references reach `dist/`, never a key.
 *
 * Create it in the namespace Authorino reads keys from (the Kuadrant CR's);
 * each selector may be used by one set of Secrets per namespace, so keys of
 * one policy never open another.
 */
export class ApiKeySecrets extends Construct {
  /** The ExternalSecrets, in holder order. */
  public readonly secrets: readonly ExternalSecret[];

  public constructor(scope: Namespace, id: string, props: ApiKeySecretsProps) {
    checkProps(childPath(scope, id), props, 'ApiKeySecretsProps');
    super(scope, id);
    requireShape(this, 'selector', props.selector, isPlainObject, 'an object of labels', "select the key Secrets by at least one label, e.g. { 'kuadrant.io/apikey': 'true' }");
    const selector = checkedRecord(this, 'selector', props.selector);
    const selectorKeys = Object.keys(selector);
    if (selectorKeys.length === 0) invalid(this, 'selector', 'is empty: every Secret Authorino watches would be a key', selector, 'select the key Secrets by at least one label');
    if (selectorKeys.includes(API_KEY_TIER_LABEL)) invalid(this, 'selector', `must not use the tier label '${API_KEY_TIER_LABEL}' (it varies per holder)`, selector, 'select by a label all keys of the policy share');
    if (props.holders.length === 0) invalid(this, 'holders', 'is empty', [], 'list the key holders');
    const key = JSON.stringify(Object.entries(selector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let used = selectorsByNamespace.get(scope);
    if (!used) {
      used = new Map();
      selectorsByNamespace.set(scope, used);
    }
    const other = used.get(key);
    if (other !== undefined) {
      invalid(this, 'selector', `is already used by the API-key Secrets of ${other}: Authorino would accept either policy's keys for both`, selector, 'give the policies distinct names, or distinct selectors');
    }
    used.set(key, this.node.path);

    this.secrets = props.holders.map(
      (h) =>
        new ExternalSecret(this, h.userId, {
          name: `${props.namePrefix}-${h.userId}`,
          secretStore: props.secretStore,
          data: [{ secretKey: API_KEY_SECRET_KEY, remoteKey: h.remoteKey, property: h.property }],
          secretLabels: { ...selector, [AUTHORINO_SECRET_LABEL]: AUTHORINO_SECRET_LABEL_VALUE, [API_KEY_TIER_LABEL]: h.tier },
          secretAnnotations: apiKeyHolderAnnotations(h),
        }),
    );
  }
}
