import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as es from '../../imports/externalsecrets-external-secrets.io';
import { refuseCredential } from './credential-refusal';
import { invalid } from './errors';
import { assertOneOf } from './props';
import { assertDnsSubdomain } from './names';
import { noteRequiredObject } from './required-object';
import { ISecretReference } from './secret-ref';
import { checkProps, childPath, isPlainObject, requireArray } from './prop-types';

/** A SecretStore or ClusterSecretStore of the External Secrets Operator, by name. */
export interface SecretStoreReference {
  /** The store's name. */
  readonly name: string;
  /** @default 'ClusterSecretStore' */
  readonly kind?: 'SecretStore' | 'ClusterSecretStore';
}

/** One key of the generated Secret and where its value comes from. */
export interface ExternalSecretData {
  /** The key in the generated Secret. */
  readonly secretKey: string;
  /** `remoteRef.key`: the entry in the external store (e.g. a path in Vault or AWS Secrets Manager); a value shaped like a credential (a key, a token) is refused, as it would be committed to `dist/`. */
  readonly remoteKey: string;
  /** `remoteRef.property`: a property of that entry. @default - the whole entry */
  readonly property?: string;
}

/** Props of {@link ExternalSecret}. */
export interface ExternalSecretProps {
  /** `metadata.name`, also the generated Secret's name. @default - the construct id */
  readonly name?: string;
  /** `spec.secretStoreRef`. */
  readonly secretStore: SecretStoreReference;
  /** `spec.data`: at least one. */
  readonly data: readonly ExternalSecretData[];
  /** Labels of the generated Secret (`target.template.metadata.labels`). @default - none */
  readonly secretLabels?: Record<string, string>;
  /** Annotations of the generated Secret (`target.template.metadata.annotations`). @default - none */
  readonly secretAnnotations?: Record<string, string>;
  /**
   * `target.template.data`: the generated Secret's entries, as External
   * Secrets templates over the `data` keys (e.g. `{{ .key | toJson }}`);
   * only these entries are written. Templates, never values.
   * @default - the `data` entries as they are
   */
  readonly secretTemplate?: Record<string, string>;
  /** `target.template.type` of the generated Secret. @default 'Opaque' */
  readonly secretType?: string;
  /** `spec.refreshInterval`, e.g. `1h`. @default '1h' */
  readonly refreshInterval?: string;
}

/**
 * An External Secrets Operator `ExternalSecret` (external-secrets.io/v1): a
 * Secret the operator creates in the cluster from an external store. Only
 * the reference reaches `dist/`, never the value.
 *
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export class ExternalSecret extends Construct implements ISecretReference {
  /** The generated Secret's name. */
  public readonly secretName: string;
  /** The L1 object. */
  public readonly resource: es.ExternalSecret;

  public constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    checkProps(childPath(scope, id), props, 'ExternalSecretProps');
    super(scope, id);
    this.secretName = assertDnsSubdomain(this, 'name', props.name ?? id);
    requireArray(this, 'data', props.data, isPlainObject, 'a mapping { secretKey, remoteKey }', 'pass data: [{ secretKey, remoteKey }]');
    if (props.data.length === 0) invalid(this, 'data', 'must map at least one key', [], 'pass data: [{ secretKey, remoteKey }]');
    props.data.forEach((d, i) => refuseCredential(this, `data[${i}].remoteKey`, d.remoteKey, 'give the path of the value in the secret store (e.g. api-keys/alice), not the value'));
    assertDnsSubdomain(this, 'secretStore.name', props.secretStore.name);
    if (props.secretStore.kind !== undefined) assertOneOf(this, 'secretStore.kind', props.secretStore.kind, ['SecretStore', 'ClusterSecretStore']);
    const storeKind = props.secretStore.kind ?? 'ClusterSecretStore';
    noteRequiredObject(this, {
      kind: storeKind,
      namespace: storeKind === 'SecretStore' ? Chart.of(this).namespace : undefined,
      name: props.secretStore.name,
      purpose: `secretStoreRef of ExternalSecret ${this.secretName}`,
      setup: 'Create it with the External Secrets Operator, connected to the secret manager that holds the values.',
    });
    this.resource = new es.ExternalSecret(this, 'Resource', {
      metadata: { name: this.secretName },
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: { name: props.secretStore.name, kind: storeKind as es.ExternalSecretSpecSecretStoreRefKind },
        target: {
          name: this.secretName,
          creationPolicy: es.ExternalSecretSpecTargetCreationPolicy.OWNER,
          template: {
            type: props.secretType ?? 'Opaque',
            data: props.secretTemplate,
            metadata: { labels: props.secretLabels, annotations: props.secretAnnotations },
          },
        },
        data: props.data.map((d) => ({ secretKey: d.secretKey, remoteRef: { key: d.remoteKey, property: d.property } })),
      },
    });
  }
}
