import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as es from '../../../imports/externalsecrets-external-secrets.io';
import { invalid } from '../../core/errors';
import { SecretStoreReference } from '../../core/external-secret';
import { assertDnsSubdomain } from '../../core/names';
import { ISecretReference } from '../../core/secret-ref';
import { uniquenessScope } from './kong-consumer';
import { checkProps, childPath } from '../../core/prop-types';
import { refuseCredential } from '../../core/credential-refusal';
import { noteRequiredObject } from '../../core/required-object';

/** The label KIC 3.x reads a credential Secret's type from. */
export const KONG_CREDENTIAL_LABEL = 'konghq.com/credential';

/** A credential type KIC provisions from a Secret (`konghq.com/credential` label value). */
export type KongCredentialType = 'key-auth' | 'basic-auth' | 'hmac-auth' | 'jwt' | 'acl' | 'oauth2' | 'mtls-auth';

/** JWT algorithms of a Kong `jwt` credential (Kong Gateway 3.7+ for ES512 and PS*). */
export type KongJwtAlgorithm = 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'ES384' | 'ES512' | 'PS256' | 'PS384' | 'PS512' | 'EdDSA';

/** An entry of a secret store (`remoteRef`). */
export interface KongStoreEntry {
  /** `remoteRef.key`: the entry (e.g. a path in Vault or AWS Secrets Manager). */
  readonly remoteKey: string;
  /** `remoteRef.property`: a property of that entry. @default - the whole entry */
  readonly property?: string;
}

/** Props of {@link KongCredential}. */
export interface KongCredentialProps {
  /** `metadata.name` of the ExternalSecret and of the Secret it creates (what KongConsumer `credentials` lists). @default - the construct id */
  readonly name?: string;
  /** The credential type (`konghq.com/credential` label). */
  readonly type: KongCredentialType;
  /** The SecretStore or ClusterSecretStore the secret fields come from. */
  readonly secretStore: SecretStoreReference;
  /** Credential fields read from the store and written to the Secret, by Kong field name (`key`, `rsa_public_key`, ...). @default - none */
  readonly fromStore?: Readonly<Record<string, KongStoreEntry>>;
  /**
   * Non-secret credential fields written as given (`group` of an acl
   * credential, `key` and `algorithm` of a jwt credential). Fields that are
   * secrets (a key-auth `key`, a `password`, a `secret`) are refused here:
   * they must come from the store.
   * @default - none
   */
  readonly literals?: Readonly<Record<string, string>>;
  /**
   * A store entry that is read but not written. The External Secrets
   * webhook refuses an ExternalSecret without remote data, so a credential
   * made only of literals (an acl group) names the entry it belongs with,
   * typically the holder's key, and is refreshed with it.
   * @default - none (then `fromStore` must not be empty)
   */
  readonly anchor?: KongStoreEntry;
  /** Extra labels of the generated Secret. @default - only `konghq.com/credential` */
  readonly secretLabels?: Record<string, string>;
  /** Annotations of the generated Secret. @default - none */
  readonly secretAnnotations?: Record<string, string>;
  /** `spec.refreshInterval`. @default '1h' */
  readonly refreshInterval?: string;
}

/** Options of {@link KongCredential.keyAuth}. */
export interface KeyAuthCredentialOptions {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** The store. */
  readonly secretStore: SecretStoreReference;
  /** Where the API key is in the store (written as `key`). */
  readonly key: KongStoreEntry;
  /** Extra labels of the Secret. @default - none */
  readonly secretLabels?: Record<string, string>;
  /** Annotations of the Secret. @default - none */
  readonly secretAnnotations?: Record<string, string>;
}

/** The External Secrets generator that makes a key (`generatorRef`). */
export interface KongKeyGenerator {
  /** Its name. */
  readonly name: string;
  /** `Password` (generators.external-secrets.io/v1alpha1, in the credential's namespace) or a cluster-wide `ClusterGenerator` of kind Password. @default 'Password' */
  readonly kind?: 'Password' | 'ClusterGenerator';
}

/** Options of {@link KongCredential.generatedKeyAuth}. */
export interface GeneratedKeyAuthCredentialOptions {
  /** `metadata.name` of the ExternalSecret and of the Secret KIC reads. @default - the construct id */
  readonly name?: string;
  /** The store the generated key is kept in: written once there, read back from there by the ExternalSecret, and fetched there by the API client. */
  readonly secretStore: SecretStoreReference;
  /** The store entry of the key (`remoteKey`, optional `property`). */
  readonly key: KongStoreEntry;
  /** The generator that makes the key (must exist in the cluster; the platform README lists it). */
  readonly generator: KongKeyGenerator;
  /** Extra labels of the Secret. @default - none */
  readonly secretLabels?: Record<string, string>;
  /** Annotations of the Secret. @default - none */
  readonly secretAnnotations?: Record<string, string>;
}

/** Options of {@link KongCredential.jwt} (asymmetric algorithms only: a shared HS* secret would have to be handed to Kong). */
export interface JwtCredentialOptions {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** The store. */
  readonly secretStore: SecretStoreReference;
  /** `key`: the value of the token claim the jwt plugin looks credentials up by (`iss` by default), e.g. the issuer URL. */
  readonly key: string;
  /** `algorithm`. */
  readonly algorithm: Exclude<KongJwtAlgorithm, 'HS256' | 'HS384' | 'HS512'>;
  /** Where the PEM public key is in the store (written as `rsa_public_key`, which Kong uses for RSA, ECDSA and EdDSA keys alike). */
  readonly rsaPublicKey: KongStoreEntry;
  /** Extra labels of the Secret. @default - none */
  readonly secretLabels?: Record<string, string>;
}

/** Options of {@link KongCredential.acl}. */
export interface AclCredentialOptions {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** The store. */
  readonly secretStore: SecretStoreReference;
  /** `group`: the ACL group the consumer joins. */
  readonly group: string;
  /** The store entry the credential is refreshed with (read, not written; see {@link KongCredentialProps.anchor}). */
  readonly anchor: KongStoreEntry;
  /** Extra labels of the Secret. @default - none */
  readonly secretLabels?: Record<string, string>;
}

const REQUIRED_FIELDS: Readonly<Record<KongCredentialType, readonly string[]>> = {
  'key-auth': ['key'],
  'basic-auth': ['username', 'password'],
  'hmac-auth': ['username', 'secret'],
  jwt: ['algorithm'],
  acl: ['group'],
  oauth2: ['name', 'client_id', 'client_secret'],
  'mtls-auth': ['subject_name'],
};
const SECRET_FIELDS: Readonly<Record<KongCredentialType, readonly string[]>> = {
  'key-auth': ['key'],
  'basic-auth': ['password'],
  'hmac-auth': ['secret'],
  jwt: ['secret'],
  acl: [],
  oauth2: ['client_secret'],
  'mtls-auth': [],
};
/**
 * The algorithms of a public-key `jwt` credential: every asymmetric one
 * Kong's jwt plugin verifies (HS* would need the shared secret in Kong).
 * Deliberately wider than `JWT_ALGORITHMS`, the provider-neutral list of
 * the access intent (`JwtAuth`): this construct is Kong's own, for
 * Kong-specific setups, so it offers what Kong verifies, ES512, PS384,
 * PS512 and EdDSA included.
 */
const PUBLIC_KEY_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA'] satisfies readonly JwtCredentialOptions['algorithm'][];
const FIELD = /^[a-z][a-z0-9_]*$/;
const ANCHOR_KEY = 'anchor';
const jwtKeys = new WeakMap<IConstruct, Map<string, string>>();
const generatedEntries = new WeakMap<IConstruct, Map<string, string>>();

/**
 * A Kong consumer credential Secret (the `konghq.com/credential: <type>`
 * layout KIC 3.x reads), created in the cluster by an External Secrets
 * `ExternalSecret` (external-secrets.io/v1) whose template writes the
 * secret fields from the store and the non-secret fields as given. Only
 * the reference reaches `dist/`; list it in {@link KongConsumer} `credentials`.
 *
 * ```ts
 * const key = KongCredential.keyAuth(models, 'alice-key', { secretStore: { name: 'vault' }, key: { remoteKey: 'api-keys/alice' } });
 * new KongConsumer(models, 'alice', { username: 'alice', credentials: [key] });
 * ```
 *
 * @see https://developer.konghq.com/kubernetes-ingress-controller/reference/custom-resources/#kongconsumer
 * @see https://external-secrets.io/latest/guides/templating/
 */
export class KongCredential extends Construct implements ISecretReference {
  /** A `key-auth` credential: the API key from the store. */
  public static keyAuth(scope: Construct, id: string, options: KeyAuthCredentialOptions): KongCredential {
    return new KongCredential(scope, id, { ...options, type: 'key-auth', fromStore: { key: options.key } });
  }

  /**
   * A `jwt` credential verified with a public key: `key` (the issuer),
   * `algorithm`, and `rsa_public_key` from the store.
   *
   * @throws ModelServingError for a key already used by another jwt credential of the platform (Kong requires it unique)
   */
  public static jwt(scope: Construct, id: string, options: JwtCredentialOptions): KongCredential {
    if (!PUBLIC_KEY_ALGORITHMS.includes(options.algorithm)) {
      invalid(`${scope.node.path}/${id}`, 'algorithm', 'must be an asymmetric algorithm (RS*, ES*, PS*, EdDSA)', options.algorithm, "use 'RS256'");
    }
    return new KongCredential(scope, id, {
      ...options,
      type: 'jwt',
      literals: { key: options.key, algorithm: options.algorithm },
      fromStore: { rsa_public_key: options.rsaPublicKey },
    });
  }

  /**
   * A `key-auth` credential whose key is generated in the cluster and never
   * written anywhere by hand: an External Secrets `PushSecret`
   * (external-secrets.io/v1alpha1) runs the generator (an ESO `Password`)
   * and writes the result to `key` in the store, once (`updatePolicy:
   * IfNotExists`: a key already there is never replaced, so refreshes do not
   * rotate it); the credential's ExternalSecret reads it back into the
   * Secret KIC provisions, and the API client fetches it from the store.
   * Delete the store entry to rotate the key.
   *
   * Why not let Kong generate it: KIC 3.5 provisions consumer credentials
   * only from Secrets and refuses a key-auth Secret without `key`
   * (internal/dataplane/kongstate/credentials.go NewKeyAuth: "key-auth is
   * invalid: no key"; admission webhook: internal/admission/validation/consumers/credentials/vars.go),
   * and a key Kong generated would stay in Kong's database where no client
   * could fetch it.
   *
   * ```ts
   * const key = KongCredential.generatedKeyAuth(models, 'alice-key', {
   *   secretStore: { name: 'vault' }, key: { remoteKey: 'api-keys/alice' }, generator: { name: 'api-key' },
   * });
   * new KongConsumer(models, 'alice', { username: 'alice', credentials: [key] });
   * ```
   *
   * @throws ModelServingError for a bad generator name or kind, a store entry
   *   shaped like a credential, or a store entry another generated credential
   *   of the platform already writes
   * @see https://external-secrets.io/latest/api/pushsecret/
   * @see https://external-secrets.io/latest/api/generator/password/
   */
  public static generatedKeyAuth(scope: Construct, id: string, options: GeneratedKeyAuthCredentialOptions): KongCredential {
    const path = `${scope.node.path}/${id}`;
    checkProps(path, options, 'GeneratedKeyAuthCredentialOptions');
    const kind = options.generator?.kind ?? 'Password';
    if (kind !== 'Password' && kind !== 'ClusterGenerator') invalid(path, 'generator.kind', "must be 'Password' or 'ClusterGenerator'", kind, "use 'Password'");
    assertDnsSubdomain(path, 'generator.name', options.generator?.name);
    refuseCredential(path, 'key.remoteKey', options.key?.remoteKey, 'give the path of the key in the secret store (e.g. api-keys/alice), not the key');
    const credential = KongCredential.keyAuth(scope, id, options);
    credential.claimGeneratedEntry(options.secretStore, options.key);
    const storeKind = options.secretStore.kind ?? 'ClusterSecretStore';
    noteRequiredObject(credential, {
      kind,
      namespace: kind === 'Password' ? credential.namespace : undefined,
      name: options.generator.name,
      purpose: `generatorRef of PushSecret ${credential.secretName}-generate (Kong key-auth key)`,
      setup:
        kind === 'Password'
          ? 'Create it as a generators.external-secrets.io/v1alpha1 Password (e.g. spec: { length: 48, digits: 10, symbols: 0, noUpper: false, allowRepeat: true }: an HTTP-header-safe key of about 280 bits).'
          : 'Create it as a generators.external-secrets.io/v1alpha1 ClusterGenerator of kind Password (e.g. length 48, no symbols: an HTTP-header-safe key).',
    });
    const pushName = assertDnsSubdomain(credential, 'name', `${credential.secretName}-generate`);
    new es.PushSecret(credential, 'Generate', {
      metadata: { name: pushName },
      spec: {
        refreshInterval: '1h',
        secretStoreRefs: [{ name: options.secretStore.name, kind: storeKind as es.PushSecretSpecSecretStoreRefsKind }],
        selector: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: kind as es.PushSecretSpecSelectorGeneratorRefKind, name: options.generator.name } },
        updatePolicy: es.PushSecretSpecUpdatePolicy.IF_NOT_EXISTS,
        deletionPolicy: es.PushSecretSpecDeletionPolicy.NONE,
        // The Password generator's output key is `password` (ESO generators/v1alpha1 Password).
        data: [{ match: { secretKey: 'password', remoteRef: { remoteKey: options.key.remoteKey, property: options.key.property } } }],
      },
    });
    return credential;
  }

  /** An `acl` credential: the consumer joins ACL group `group`. */
  public static acl(scope: Construct, id: string, options: AclCredentialOptions): KongCredential {
    return new KongCredential(scope, id, { ...options, type: 'acl', literals: { group: options.group } });
  }

  /** The generated Secret's name. */
  public readonly secretName: string;
  /** The Secret's namespace (the chart's). */
  public readonly namespace?: string;
  /** The credential type. */
  public readonly type: KongCredentialType;
  /** The L1 ExternalSecret. */
  public readonly resource: es.ExternalSecret;

  /**
   * @throws ModelServingError for a missing required field, a secret field
   *   given as a literal, a field given twice, a bad field name, a literal
   *   containing template delimiters, or no remote entry at all
   */
  public constructor(scope: Construct, id: string, props: KongCredentialProps) {
    checkProps(childPath(scope, id), props, 'KongCredentialProps');
    super(scope, id);
    this.secretName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.namespace = Chart.of(this).namespace;
    this.type = props.type;
    if (!Object.hasOwn(REQUIRED_FIELDS, props.type)) invalid(this, 'type', `must be one of ${Object.keys(REQUIRED_FIELDS).join(', ')}`, props.type, "use e.g. 'key-auth'");
    assertDnsSubdomain(this, 'secretStore.name', props.secretStore.name);
    const fromStore = props.fromStore ?? {};
    const literals = props.literals ?? {};
    const fields = [...Object.keys(fromStore), ...Object.keys(literals)];
    for (const f of fields) {
      if (!FIELD.test(f) || f === ANCHOR_KEY) invalid(this, `fields.${f}`, 'must be a Kong credential field name (lower-case snake_case)', f, 'use the field name of the Kong credential, e.g. key');
    }
    for (const f of Object.keys(literals)) {
      if (f in fromStore) invalid(this, `literals.${f}`, 'is also read from the store', f, 'give each field once');
      if (SECRET_FIELDS[props.type].includes(f)) invalid(this, `literals.${f}`, `is a secret of a ${props.type} credential and must come from the secret store, never a literal`, '(redacted)', `pass fromStore: { ${f}: { remoteKey } }`);
      const v = literals[f] as string;
      if (typeof v !== 'string' || v === '' || v.includes('{{') || v.includes('}}')) invalid(this, `literals.${f}`, 'must be a non-empty string without template delimiters {{ }}', v, 'pass the plain value');
    }
    for (const f of REQUIRED_FIELDS[props.type]) {
      if (!fields.includes(f)) invalid(this, `fields.${f}`, `is required for a ${props.type} credential`, fields, `pass ${f} in fromStore or literals`);
    }
    const entries: Array<[string, KongStoreEntry]> = Object.entries(fromStore).sort(([a], [b]) => a.localeCompare(b));
    if (props.anchor) entries.push([ANCHOR_KEY, props.anchor]);
    if (entries.length === 0) invalid(this, 'fromStore', 'is empty and no anchor is given; the External Secrets webhook refuses an ExternalSecret without remote data', {}, 'pass anchor: the store entry of the key holder');
    for (const [f, e] of entries) {
      if (!e.remoteKey) invalid(this, `fromStore.${f}.remoteKey`, 'is required', e.remoteKey, 'give the path of the value in the secret store');
    }
    if (props.type === 'jwt' && typeof literals.key === 'string') this.claimJwtKey(literals.key);

    const template: Record<string, string> = {};
    for (const f of [...fields].sort()) template[f] = f in literals ? (literals[f] as string) : `{{ .${f} }}`;
    this.resource = new es.ExternalSecret(this, 'Resource', {
      metadata: { name: this.secretName },
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: {
          name: props.secretStore.name,
          kind: props.secretStore.kind === 'SecretStore' ? es.ExternalSecretSpecSecretStoreRefKind.SECRET_STORE : es.ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE,
        },
        target: {
          name: this.secretName,
          creationPolicy: es.ExternalSecretSpecTargetCreationPolicy.OWNER,
          template: {
            type: 'Opaque',
            engineVersion: es.ExternalSecretSpecTargetTemplateEngineVersion.V2,
            mergePolicy: es.ExternalSecretSpecTargetTemplateMergePolicy.REPLACE,
            metadata: { labels: { ...(props.secretLabels ?? {}), [KONG_CREDENTIAL_LABEL]: props.type }, annotations: props.secretAnnotations },
            data: template,
          },
        },
        data: entries.map(([f, e]) => ({ secretKey: f, remoteRef: { key: e.remoteKey, property: e.property } })),
      },
    });
  }

  /** Refuses two generated credentials writing the same store entry (the second would never be written: IfNotExists). */
  private claimGeneratedEntry(store: SecretStoreReference, entry: KongStoreEntry): void {
    const scope = uniquenessScope(this);
    let seen = generatedEntries.get(scope);
    if (!seen) generatedEntries.set(scope, (seen = new Map()));
    const key = `${store.kind ?? 'ClusterSecretStore'}/${store.name}/${entry.remoteKey}#${entry.property ?? ''}`;
    const other = seen.get(key);
    if (other !== undefined) invalid(this, 'key', `is the store entry credential ${other} already generates, so both consumers would share one key`, entry.remoteKey, 'give each generated credential its own store entry');
    seen.set(key, this.node.path);
  }

  private claimJwtKey(key: string): void {
    const scope = uniquenessScope(this);
    let seen = jwtKeys.get(scope);
    if (!seen) {
      seen = new Map();
      jwtKeys.set(scope, seen);
    }
    const other = seen.get(key);
    if (other !== undefined) invalid(this, 'literals.key', `is already the key of jwt credential ${other} (Kong requires jwt credential keys to be unique)`, key, 'trust each issuer in one place (one consumer per issuer)');
    seen.set(key, this.node.path);
  }
}
