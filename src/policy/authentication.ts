import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { IBackend } from '../core/backend';
import { looksLikeCredential } from '../core/credentials';
import { refuseCredential } from '../core/credential-refusal';
import { invalid } from '../core/errors';
import { assertKnownKeys, keysOf } from '../core/props';
import { SecretStoreReference } from '../core/external-secret';
import { isDnsLabel, isDnsSubdomain } from '../core/names';
import { checkProps, hasMethod, hasProperty, isPlainObject, isString, optionalArray, optionalDuration, optionalShape, optionalStringMap, requireArray, requireShape, requireString } from '../core/prop-types';
import { checkedRecord } from '../core/records';
import type { Subscription } from './subscription';

/** Label of an API-key Secret carrying the key holder's tier. */
export const API_KEY_TIER_LABEL = 'models.cdk8s.io/tier';
/** Annotation of an API-key Secret carrying the key holder's user id. */
export const API_KEY_USER_ANNOTATION = 'models.cdk8s.io/user-id';
/**
 * Annotation of an API-key Secret listing the key holder's subscriptions:
 * subscription names separated by commas, e.g. `gold,team-a`.
 */
export const API_KEY_SUBSCRIPTIONS_ANNOTATION = 'models.cdk8s.io/subscriptions';
/** Key of the API key inside an API-key Secret. */
export const API_KEY_SECRET_KEY = 'api_key';

/**
 * The annotations of a holder's API-key Secret: the user id, and its
 * subscriptions' names separated by commas when it holds any.
 */
export function apiKeyHolderAnnotations(holder: ApiKeyHolder): Record<string, string> {
  const subscriptions = holder.subscriptions ?? [];
  return subscriptions.length > 0 ? { [API_KEY_USER_ANNOTATION]: holder.userId, [API_KEY_SUBSCRIPTIONS_ANNOTATION]: subscriptions.map((x) => x.name).join(',') } : { [API_KEY_USER_ANNOTATION]: holder.userId };
}

/** Where a client presents its API key. */
export class ApiKeyLocation {
  /** A dedicated header, e.g. `x-api-key: <key>` (supported by every provider). */
  public static header(name = 'x-api-key'): ApiKeyLocation {
    return new ApiKeyLocation(name.toLowerCase());
  }

  /**
   * The `Authorization` header with a prefix, e.g. `Authorization: APIKEY <key>`
   * (Kuadrant/Authorino only; other providers cannot strip a prefix).
   */
  public static authorizationHeader(prefix: string): ApiKeyLocation {
    return new ApiKeyLocation('authorization', prefix);
  }

  private constructor(
    /** The header name, lower-case. */
    public readonly header: string,
    /** A prefix before the key in the header value. */
    public readonly prefix?: string,
  ) {}
}

/** One API key holder, whose key an ExternalSecret pulls from a secret store. */
export interface ApiKeyHolder {
  /** The user id (counter key, forwarded to the model). A DNS-1123 label. */
  readonly userId: string;
  /** The holder's tier name. */
  readonly tier: string;
  /**
   * The holder's subscriptions (see `Subscription`), written to the key
   * Secret's annotation `models.cdk8s.io/subscriptions`; each must be one of
   * the policy's.
   * @default - none (the tier's token limits count)
   */
  readonly subscriptions?: readonly Subscription[];
  /** `remoteRef.key`: where the key is in the external store. */
  readonly remoteKey: string;
  /** `remoteRef.property`. @default - the whole entry */
  readonly property?: string;
}

/** Options shared by the {@link ApiKeyAuth} factories. */
export interface ApiKeyOptions {
  /** Where clients send the key. @default ApiKeyLocation.header('x-api-key') */
  readonly location?: ApiKeyLocation;
  /** Labels every API-key Secret carries, which providers select by. @default { 'models.cdk8s.io/api-key': '<policy namespace>.<policy name>' } */
  readonly selector?: Record<string, string>;
}

/**
 * API-key authentication. Keys live in Secrets, one per key holder, never in
 * `dist/`: each Secret holds the key under `api_key`, the holder's tier in
 * the label `models.cdk8s.io/tier`, user id in the annotation
 * `models.cdk8s.io/user-id` and subscriptions (comma-separated names) in the
 * annotation `models.cdk8s.io/subscriptions` (the way Authorino and Kong consumers carry
 * identity metadata). Either the Secrets exist already and are selected by
 * labels, or the library emits ExternalSecrets that pull each key from a
 * secret store.
 */
export class ApiKeyAuth {
  /**
   * Keys in existing Secrets, selected by labels. The holders are not known
   * at synth time, so providers that need one object per consumer (Kong)
   * cannot use this form.
   *
   * @throws ModelServingError when the selector is empty (it would select
   *   every Secret the engine watches) or has a key of `FORBIDDEN_RECORD_KEYS`
   *   (`__proto__`, `constructor`, `prototype`)
   */
  public static fromLabeledSecrets(options: ApiKeyOptions & { readonly selector: Record<string, string> }): ApiKeyAuth {
    checkProps('ApiKeyAuth.fromLabeledSecrets()', options, 'ApiKeyOptions');
    const scope = 'ApiKeyAuth.fromLabeledSecrets';
    const selector = checkedRecord(scope, 'selector', options.selector);
    if (Object.keys(selector).length === 0) invalid(scope, 'selector', 'is empty: every Secret the engine watches would be an API key', selector, 'select the key Secrets by at least one label, e.g. { app: "llm-keys" }');
    return new ApiKeyAuth(options.location ?? ApiKeyLocation.header(), selector, undefined, undefined);
  }

  /**
   * Keys pulled by ExternalSecrets from `secretStore`, one Secret per holder,
   * labelled and annotated with the holder's tier and user id.
   *
   * @throws ModelServingError when a given selector is empty or has a key of
   *   `FORBIDDEN_RECORD_KEYS` (`__proto__`, `constructor`, `prototype`)
   */
  public static fromExternalSecrets(options: ApiKeyOptions & { readonly secretStore: SecretStoreReference; readonly holders: readonly ApiKeyHolder[] }): ApiKeyAuth {
    checkProps('ApiKeyAuth.fromExternalSecrets()', options, 'ApiKeyOptions');
    const scope = 'ApiKeyAuth.fromExternalSecrets';
    const selector = checkedRecord(scope, 'selector', options.selector);
    if (selector && Object.keys(selector).length === 0) invalid(scope, 'selector', 'is empty: every Secret the engine watches would be an API key', selector, 'leave selector out (the policy label is used), or select by at least one label');
    return new ApiKeyAuth(options.location ?? ApiKeyLocation.header(), selector, options.secretStore, options.holders);
  }

  private constructor(
    /** Where clients send the key. */
    public readonly location: ApiKeyLocation,
    /** Labels selecting the key Secrets (undefined: derived from the policy name). */
    public readonly selector: Record<string, string> | undefined,
    /** The secret store the keys come from, for ExternalSecret-backed keys. */
    public readonly secretStore: SecretStoreReference | undefined,
    /** The key holders, when known at synth time. */
    public readonly holders: readonly ApiKeyHolder[] | undefined,
  ) {}

  /** Kind tag for provider compilers. */
  public readonly kind = 'api-key' as const;

  /**
   * The labels selecting this policy's key Secrets: the given selector, or
   * `models.cdk8s.io/api-key: <namespace>.<policy name>` (unique in the
   * platform, since engines such as Kuadrant keep every key in one namespace).
   */
  public selectorFor(policy: { readonly policyName: string; readonly policyNamespace: string }): Record<string, string> {
    return this.selector ?? { 'models.cdk8s.io/api-key': `${policy.policyNamespace}.${policy.policyName}` };
  }

  /**
   * Checks holders, their tiers and subscriptions.
   * @param subscriptions the policy's subscriptions (a holder's must be among them)
   * @throws ModelServingError
   */
  public check(scope: IConstruct | string, field: string, tierNames: readonly string[], subscriptions: readonly Subscription[] = []): void {
    const seen = new Set<string>();
    optionalArray(scope, `${field}.holders`, this.holders, isPlainObject, 'a key holder object', "pass holders: [{ userId: 'alice', tier: 'basic', remoteKey: 'api-keys/alice' }]");
    requireShape(scope, `${field}.location`, this.location, (v): v is ApiKeyLocation => hasProperty(v, 'header') && typeof (v as ApiKeyLocation).header === 'string', 'an ApiKeyLocation', "use ApiKeyLocation.header('x-api-key')");
    optionalStringMap(scope, `${field}.selector`, this.selector);
    optionalShape(scope, `${field}.secretStore`, this.secretStore, (v): v is SecretStoreReference => isPlainObject(v) && typeof v.name === 'string', 'a secret store reference', "pass secretStore: { name: 'vault' }");
    this.holders?.forEach((h, i) => {
      if (!isDnsLabel(h.userId)) invalid(scope, `${field}.holders[${i}].userId`, 'must be a DNS-1123 label', h.userId, 'use a lower-case id such as "alice"');
      if (seen.has(h.userId)) invalid(scope, `${field}.holders[${i}].userId`, 'is listed twice', h.userId, 'list each key holder once');
      seen.add(h.userId);
      if (!tierNames.includes(h.tier)) invalid(scope, `${field}.holders[${i}].tier`, `names a tier the policy does not define (defined: ${tierNames.join(', ')})`, h.tier, 'define the tier in tiers: [...] or fix the name');
      optionalArray(scope, `${field}.holders[${i}].subscriptions`, h.subscriptions, (v): v is Subscription => hasMethod(v, 'check') && hasProperty(v, 'grants'), 'a Subscription', 'pass subscriptions: [gold] (the Subscription objects of the policy)');
      (h.subscriptions ?? []).forEach((sub, j) => {
        if (!subscriptions.includes(sub)) invalid(scope, `${field}.holders[${i}].subscriptions[${j}]`, `is not one of the policy's subscriptions (defined: ${subscriptions.map((x) => x.name).join(', ') || 'none'})`, sub.name, "add the subscription to the policy's subscriptions");
      });
      if (new Set(h.subscriptions ?? []).size !== (h.subscriptions ?? []).length) invalid(scope, `${field}.holders[${i}].subscriptions`, 'lists a subscription twice', (h.subscriptions ?? []).map((x) => x.name), 'list each subscription once');
      if (typeof h.remoteKey !== 'string' || h.remoteKey.trim() === '') invalid(scope, `${field}.holders[${i}].remoteKey`, 'is required (a non-empty path in the secret store)', h.remoteKey, 'give the key path in the secret store');
      if (looksLikeCredential(h.remoteKey)) {
        invalid(scope, `${field}.holders[${i}].remoteKey`, 'looks like a key value, not its path in the secret store: it would be committed to dist/', '<redacted>', 'store the key in the secret store and give its path, e.g. api-keys/alice');
      }
    });
    if (this.holders && this.holders.length === 0) invalid(scope, `${field}.holders`, 'is empty', [], 'list the key holders, or use ApiKeyAuth.fromLabeledSecrets');
  }
}

/**
 * Where an issuer's public signing key (PEM) is kept in a secret store, for
 * engines that verify tokens against one configured key instead of fetching
 * the JWKS.
 */
export interface JwtPublicKeySource {
  /** The SecretStore or ClusterSecretStore that holds the key. */
  readonly secretStore: SecretStoreReference;
  /** `remoteRef.key`: the store entry with the PEM-encoded public key. */
  readonly remoteKey: string;
  /** `remoteRef.property`: a property of that entry. @default - the whole entry */
  readonly property?: string;
}

/**
 * The JWT signature algorithms the provider-neutral access intent
 * ({@link JwtAuth}) and the catalog format accept: asymmetric only, since a
 * shared-secret (HS*) key would have to be embedded in the gateway
 * configuration. An engine may still refuse one it cannot express.
 * Engine-specific constructs may accept more: Kong's `KongCredential.jwt`
 * takes every algorithm Kong verifies with a public key.
 */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256'] as const;

/** A JWT signature algorithm of {@link JWT_ALGORITHMS}. */
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Props of {@link JwtAuth}. */
export interface JwtAuthProps {
  /** `iss` the tokens must carry, e.g. `https://auth.example.com/`. */
  readonly issuer: string;
  /** The JWKS document with the signing keys (https). */
  readonly jwksUri: string;
  /**
   * `aud` values accepted (any one): non-empty strings, at least one when
   * given. An empty list is refused: engines read it as "audience not
   * checked", which is what omitting the prop says.
   * @default - audience not checked
   */
  readonly audiences?: readonly string[];
  /** Signature algorithms accepted; symmetric (HS*) algorithms are refused. @default ['RS256'] */
  readonly algorithms?: readonly JwtAlgorithm[];
  /** Clock skew tolerated on `exp`/`nbf`. @default Duration.seconds(60) */
  readonly clockSkew?: Duration;
  /** The claim with the user id (counter key, forwarded). @default 'sub' */
  readonly userClaim?: string;
  /** The claim with the caller's tier/role. @default 'role' */
  readonly tierClaim?: string;
  /**
   * The claim listing the caller's subscriptions (see `Subscription`): a
   * JSON list of names, or one string of names separated by spaces or
   * commas. A token without it holds no subscription.
   * @default 'subscriptions'
   */
  readonly subscriptionsClaim?: string;
  /** Claims forwarded to the backend as request headers, claim name to header name. @default { <userClaim>: 'x-user-id', <tierClaim>: 'x-user-tier' } */
  readonly claimsToHeaders?: Record<string, string>;
  /**
   * The backend through which the gateway fetches `jwksUri`, for engines
   * that reach the JWKS host only through a backend reference (kgateway:
   * `GatewayExtension` `jwks.remote.backendRef`). It must originate TLS to
   * the JWKS host: an in-cluster Service of the identity provider, or a
   * gateway `Backend` of the external host with TLS enabled (kgateway:
   * `Backend` plus a `BackendConfigPolicy` with `tls`). Engines that fetch
   * the URL directly ignore it.
   * @default - none; engines that need it fail synth and say so
   */
  readonly jwksBackend?: IBackend;
  /**
   * The issuer's public signing key (PEM) in a secret store, for engines
   * that cannot fetch `jwksUri` and verify tokens against one configured key
   * (Kong OSS's `jwt` plugin). It is referenced, never embedded; rotate it in
   * the store when the issuer rotates its keys. Engines that read the JWKS
   * ignore it.
   * @default - none; engines that cannot read a JWKS fail synth and say so
   */
  readonly publicKey?: JwtPublicKeySource;
}

/**
 * JWT bearer-token authentication (`Authorization: Bearer <jwt>`), validated
 * against the issuer's JWKS; the tier/role and user id come from claims.
 */
export class JwtAuth {
  /** Kind tag for provider compilers. */
  public readonly kind = 'jwt' as const;
  /** `iss`. */
  public readonly issuer: string;
  /** JWKS URI. */
  public readonly jwksUri: string;
  /** Accepted audiences. */
  public readonly audiences: readonly string[];
  /** Accepted algorithms. */
  public readonly algorithms: readonly JwtAlgorithm[];
  /** Tolerated clock skew. */
  public readonly clockSkew: Duration;
  /** User id claim. */
  public readonly userClaim: string;
  /** Tier claim. */
  public readonly tierClaim: string;
  /** Subscriptions claim. */
  public readonly subscriptionsClaim: string;
  /** Claims forwarded as headers. */
  public readonly claimsToHeaders: Readonly<Record<string, string>>;
  /** The issuer's public key in a secret store, for engines that cannot read the JWKS. */
  public readonly publicKey?: JwtPublicKeySource;
  /** The backend the gateway fetches the JWKS through, when the engine needs one. */
  public readonly jwksBackend?: IBackend;
  private readonly audiencesGiven: boolean;

  public constructor(props: JwtAuthProps) {
    checkProps('JwtAuth', props, 'JwtAuthProps');
    assertKnownKeys('JwtAuth', '', props, keysOf<JwtAuthProps>({ issuer: true, jwksUri: true, audiences: true, algorithms: true, clockSkew: true, userClaim: true, tierClaim: true, subscriptionsClaim: true, claimsToHeaders: true, jwksBackend: true, publicKey: true }));
    this.issuer = props.issuer;
    this.jwksUri = props.jwksUri;
    this.audiences = props.audiences ?? [];
    this.audiencesGiven = props.audiences !== undefined;
    this.algorithms = props.algorithms ?? ['RS256'];
    this.clockSkew = props.clockSkew ?? Duration.seconds(60);
    this.userClaim = props.userClaim ?? 'sub';
    this.tierClaim = props.tierClaim ?? 'role';
    this.subscriptionsClaim = props.subscriptionsClaim ?? 'subscriptions';
    this.claimsToHeaders = props.claimsToHeaders ?? { [this.userClaim]: 'x-user-id', [this.tierClaim]: 'x-user-tier' };
    this.jwksBackend = props.jwksBackend;
    this.publicKey = props.publicKey;
  }

  /** Checks URLs, algorithms and headers. @throws ModelServingError */
  public check(scope: IConstruct | string, field: string): void {
    requireString(scope, `${field}.issuer`, this.issuer, "write the issuer URL as a string, e.g. 'https://auth.example.com/'");
    requireString(scope, `${field}.jwksUri`, this.jwksUri, "write the JWKS URL as a string, e.g. 'https://auth.example.com/jwks.json'");
    requireArray(scope, `${field}.audiences`, this.audiences, isString, 'a string', "pass audiences: ['my-api']");
    requireArray(scope, `${field}.algorithms`, this.algorithms, isString, 'a string', "pass algorithms: ['RS256']");
    optionalDuration(scope, `${field}.clockSkew`, this.clockSkew, 'Duration.seconds(60)');
    requireString(scope, `${field}.userClaim`, this.userClaim, "write the claim name as a string, e.g. 'sub'");
    requireString(scope, `${field}.tierClaim`, this.tierClaim, "write the claim name as a string, e.g. 'role'");
    requireString(scope, `${field}.subscriptionsClaim`, this.subscriptionsClaim, "write the claim name as a string, e.g. 'subscriptions'");
    optionalStringMap(scope, `${field}.claimsToHeaders`, this.claimsToHeaders, "write it as claim name to header name, e.g. { sub: 'x-user-id' }");
    optionalShape(
      scope,
      `${field}.publicKey`,
      this.publicKey,
      (v): v is JwtPublicKeySource => isPlainObject(v) && isPlainObject(v.secretStore) && typeof v.secretStore.name === 'string',
      'a public key source',
      "pass publicKey: { secretStore: { name: 'vault' }, remoteKey: 'jwt/issuer-public-key' }",
    );
    optionalShape(scope, `${field}.jwksBackend`, this.jwksBackend, (v): v is IBackend => hasProperty(v, 'backendRef'), 'a backend', "use Backend.service('idp', 443)");
    if (!/^https:\/\/[^\s/]+/.test(this.issuer) && !/^[a-z][a-z0-9+.-]*:\/\//.test(this.issuer)) invalid(scope, `${field}.issuer`, 'must be an issuer URL', this.issuer, 'use e.g. https://auth.example.com/');
    if (!/^https:\/\/[^\s\u0000-\u001F\u007F]+$/.test(this.jwksUri)) invalid(scope, `${field}.jwksUri`, 'must be an https URL without spaces or control characters (keys fetched over plain HTTP can be forged)', this.jwksUri, 'serve the JWKS over https');
    refuseCredential(scope, `${field}.jwksUri`, this.jwksUri, 'a JWKS holds public keys: serve it without user info or token query parameters');
    if (this.algorithms.length === 0) invalid(scope, `${field}.algorithms`, 'must list at least one algorithm', [], "use ['RS256']");
    if (this.audiencesGiven) {
      if (!Array.isArray(this.audiences) || this.audiences.length === 0) {
        invalid(scope, `${field}.audiences`, 'is an empty list, which every engine reads as "accept any audience": tokens minted for other services would be accepted', this.audiences, "list the audiences this API accepts, e.g. ['models-api'], or omit audiences to say on purpose that the audience is not checked");
      }
      this.audiences.forEach((a, i) => {
        if (typeof a !== 'string' || a.trim() === '') invalid(scope, `${field}.audiences[${i}]`, 'must be a non-empty string (no token carries an empty aud)', a, "use the aud value tokens carry, e.g. 'models-api'");
      });
    }
    for (const a of this.algorithms) {
      if (!(JWT_ALGORITHMS as readonly string[]).includes(a)) {
        invalid(scope, `${field}.algorithms`, `may only contain the asymmetric algorithms ${JWT_ALGORITHMS.join(', ')}; shared-secret HS* keys would have to be embedded`, a, "use 'RS256' or 'ES256'");
      }
    }
    const skew = this.clockSkew.toSeconds();
    if (skew < 0 || skew > 300) invalid(scope, `${field}.clockSkew`, 'must be between 0 and 300 seconds', `${skew}s`, 'use a small skew such as Duration.seconds(60)');
    checkClaimsToHeaders(scope, `${field}.claimsToHeaders`, this.claimsToHeaders);
    if (this.publicKey) {
      if (!isDnsSubdomain(this.publicKey.secretStore.name)) invalid(scope, `${field}.publicKey.secretStore.name`, 'must be a DNS-1123 subdomain', this.publicKey.secretStore.name, 'use the name of the SecretStore or ClusterSecretStore');
      if (typeof this.publicKey.remoteKey !== 'string' || this.publicKey.remoteKey.trim() === '') invalid(scope, `${field}.publicKey.remoteKey`, 'is required (a non-empty path in the secret store)', this.publicKey.remoteKey, 'give the path of the PEM public key in the secret store');
    }
  }
}

/**
 * Checks a map of JWT claims to the request headers they are forwarded in
 * (`JwtAuth.claimsToHeaders`, or an engine's own provider): each header is a
 * lower-case name (letters, digits and '-') and never `authorization`,
 * which would replace the token itself.
 *
 * @param field the map's field, e.g. `jwt.claimsToHeaders`; an entry is reported as `<field>.<claim>`
 * @throws ModelServingError for the first bad header
 */
export function checkClaimsToHeaders(scope: IConstruct | string, field: string, claimsToHeaders: Readonly<Record<string, string>>): void {
  checkedRecord(scope, field, claimsToHeaders);
  for (const [claim, header] of Object.entries(claimsToHeaders)) {
    if (!/^[a-z0-9-]+$/.test(header)) invalid(scope, `${field}.${claim}`, 'must be a lower-case header name', header, 'use e.g. x-user-id');
    if (header === 'authorization') invalid(scope, `${field}.${claim}`, 'must not overwrite the Authorization header', header, 'forward claims as x- headers');
  }
}

/** An authentication method: an API key or a JWT. */
export type Authentication = ApiKeyAuth | JwtAuth;
