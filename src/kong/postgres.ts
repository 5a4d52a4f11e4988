import { k8s } from 'cdk8s-plus-34';
import { IConstruct } from 'constructs';
import { EnvValue, EnvVars } from '../core/env';
import { invalid } from '../core/errors';
import { assertDnsLabel, assertDnsSubdomain, isDnsSubdomain } from '../core/names';
import { assertPort } from '../core/port';
import { noteRequiredSecret } from '../core/required-secret';
import { ISecretReference } from '../core/secret-ref';

/** Props of {@link PostgresReference}. */
export interface PostgresReferenceProps {
  /** Host name of the server, e.g. `postgresql.data.svc.cluster.local`. */
  readonly host: string;
  /** Port. @default 5432 */
  readonly port?: number;
  /** Database name (`pg_database`). */
  readonly database: string;
  /** User name (`pg_user`); not a secret, so it is rendered as a literal. */
  readonly user: string;
  /**
   * The Secret and key holding the user's password (`pg_password`), read by
   * the pods through `secretKeyRef`; it must be in the namespace of the pods
   * that use it. Never a literal.
   */
  readonly password: { readonly secret: ISecretReference; readonly key: string };
  /** Namespace of the PostgreSQL pods, so NetworkPolicies open egress to them (and only them). @default - egress opened to the port on any address */
  readonly namespace?: string;
  /** Connect over TLS (`pg_ssl`). @default true */
  readonly ssl?: boolean;
  /**
   * Verify the server certificate (`pg_ssl_verify`) against Kong's
   * `lua_ssl_trusted_certificate`: the system bundle, plus `caCertificate`
   * when given. Turning it off is an explicit choice (the connection is then
   * encrypted but not authenticated).
   * @default true when `ssl`
   */
  readonly sslVerify?: boolean;
  /**
   * The CA that signed the server's certificate (a Secret key holding a PEM
   * bundle, e.g. cert-manager's `ca.crt`): mounted read-only into every Kong
   * pod that connects (proxy, migrations, backup) and added to
   * `KONG_LUA_SSL_TRUSTED_CERTIFICATE` next to the system bundle. Required to
   * verify an in-cluster server (`*.svc`, `*.svc.cluster.local`), whose
   * certificate no public CA signs: without it the PreSync migrations fail
   * the TLS handshake and the sync never completes.
   * @default - the system bundle only
   * @see https://developer.konghq.com/gateway/configuration/#lua-ssl-trusted-certificate
   */
  readonly caCertificate?: { readonly secret: ISecretReference; readonly key: string };
}

/** Where {@link PostgresReferenceProps.caCertificate} is mounted in Kong pods. */
const PG_CA_DIR = '/etc/kong/postgres-ca';
const PG_CA_VOLUME = 'postgres-ca';

/** True for a host name of a Service inside the cluster. */
function isClusterHost(host: string): boolean {
  return /\.svc(\.cluster\.local)?$/.test(host) || !host.includes('.');
}

const PG_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;

/**
 * A PostgreSQL database that already exists (the library never deploys
 * stateful stores), referenced by host, database, user and a password
 * Secret. Kong keeps its configuration there; the migrations Job and the
 * backup CronJob use the same reference.
 *
 * ```ts
 * const db = PostgresReference.of({
 *   host: 'postgresql.data.svc.cluster.local', database: 'kong', user: 'kong',
 *   password: { secret: SecretRef.named('kong-postgres-credentials'), key: 'password' },
 *   namespace: 'data',
 * });
 * ```
 *
 * @see https://developer.konghq.com/gateway/configuration/#datastore-section
 */
export class PostgresReference {
  /** A PostgreSQL database by host, database, user and password Secret. */
  public static of(props: PostgresReferenceProps): PostgresReference {
    return new PostgresReference(props);
  }

  private constructor(
    /** The reference. */
    public readonly props: PostgresReferenceProps,
  ) {}

  /** The port. */
  public get port(): number {
    return this.props.port ?? 5432;
  }

  /** True when connections use TLS. */
  public get ssl(): boolean {
    return this.props.ssl ?? true;
  }

  /**
   * Checks host, port, names and the password reference; `podNamespace` is
   * the namespace of the pods that read the password.
   *
   * @throws ModelServingError naming the field, the value and the fix
   */
  public check(scope: IConstruct | string, field: string, podNamespace: string | undefined): void {
    const p = this.props;
    if (!isDnsSubdomain(p.host)) invalid(scope, `${field}.host`, "must be a lower-case host name (a DNS-1123 subdomain: letters, digits, '-' and '.', at most 253 characters)", p.host, 'use the Service DNS name, e.g. postgresql.data.svc.cluster.local');
    assertPort(scope, `${field}.port`, this.port, 'use 5432');
    if (typeof p.database !== 'string' || !PG_NAME.test(p.database)) invalid(scope, `${field}.database`, 'must be a PostgreSQL identifier (letters, digits, _, $ and -, at most 63)', p.database, 'use e.g. kong');
    if (typeof p.user !== 'string' || !PG_NAME.test(p.user)) invalid(scope, `${field}.user`, 'must be a PostgreSQL role name (letters, digits, _, $ and -, at most 63)', p.user, 'use e.g. kong');
    if (!p.password || !p.password.secret) invalid(scope, `${field}.password`, 'is required (a Secret reference, never a literal)', undefined, "pass password: { secret: SecretRef.named('kong-postgres-credentials'), key: 'password' }");
    assertDnsSubdomain(scope, `${field}.password.secret`, p.password.secret.secretName);
    if (!p.password.key) invalid(scope, `${field}.password.key`, 'is required', p.password.key, 'name the key inside the Secret, e.g. password');
    if (p.password.secret.namespace !== undefined && podNamespace !== undefined && p.password.secret.namespace !== podNamespace) {
      invalid(scope, `${field}.password.secret`, `is in namespace '${p.password.secret.namespace}', but pods read secretKeyRef only from their own namespace '${podNamespace}'`, p.password.secret.secretName, `create the Secret (or its ExternalSecret) in namespace '${podNamespace}'`);
    }
    if (p.namespace !== undefined) assertDnsLabel(scope, `${field}.namespace`, p.namespace);
    if (!this.ssl && p.sslVerify) invalid(scope, `${field}.sslVerify`, 'needs ssl: true', p.sslVerify, 'turn ssl on, or drop sslVerify');
    if (p.caCertificate !== undefined) {
      if (!this.ssl || p.sslVerify === false) invalid(scope, `${field}.caCertificate`, 'is only read to verify the server certificate', p.caCertificate.secret?.secretName, 'drop caCertificate, or keep ssl and sslVerify on');
      assertDnsSubdomain(scope, `${field}.caCertificate.secret`, p.caCertificate.secret?.secretName);
      if (typeof p.caCertificate.key !== 'string' || p.caCertificate.key === '') invalid(scope, `${field}.caCertificate.key`, 'is required', p.caCertificate.key, "name the key of the PEM bundle inside the Secret, e.g. 'ca.crt'");
      if (typeof scope !== 'string') noteRequiredSecret(scope, podNamespace, p.caCertificate.secret.secretName, `CA of the PostgreSQL server (key ${p.caCertificate.key}) for Kong's pg_ssl_verify`);
    } else if (this.verifies && isClusterHost(p.host)) {
      invalid(
        scope,
        `${field}.caCertificate`,
        `is required to verify the in-cluster server ${p.host}: its certificate is signed by a private CA that Kong's system bundle does not hold, so the migrations would fail the TLS handshake`,
        undefined,
        "pass caCertificate: { secret: SecretRef.named('postgresql-ca'), key: 'ca.crt' } (the CA that signed the server's certificate), or sslVerify: false to encrypt without verifying, as an explicit choice",
      );
    }
  }

  /** True when Kong verifies the server certificate. */
  public get verifies(): boolean {
    return this.ssl && (this.props.sslVerify ?? true);
  }

  /** The volume holding {@link PostgresReferenceProps.caCertificate}, if any. */
  public caVolume(): k8s.Volume | undefined {
    const ca = this.props.caCertificate;
    return ca ? { name: PG_CA_VOLUME, secret: { secretName: ca.secret.secretName, items: [{ key: ca.key, path: 'ca.crt' }] } } : undefined;
  }

  /** The read-only mount of {@link caVolume} for the container that connects, if any. */
  public caVolumeMount(): { readonly name: string; readonly mountPath: string; readonly readOnly: true } | undefined {
    return this.props.caCertificate ? { name: PG_CA_VOLUME, mountPath: PG_CA_DIR, readOnly: true } : undefined;
  }

  /**
   * The Kong environment that points at this database: `KONG_DATABASE=postgres`,
   * `KONG_PG_HOST/PORT/DATABASE/USER`, TLS settings, and `KONG_PG_PASSWORD`
   * from the Secret.
   */
  public kongEnvironment(): EnvVars {
    const p = this.props;
    return {
      KONG_DATABASE: 'postgres',
      KONG_PG_HOST: p.host,
      KONG_PG_PORT: String(this.port),
      KONG_PG_DATABASE: p.database,
      KONG_PG_USER: p.user,
      KONG_PG_PASSWORD: EnvValue.fromSecret(p.password.secret, p.password.key),
      KONG_PG_SSL: this.ssl ? 'on' : 'off',
      KONG_PG_SSL_VERIFY: this.verifies ? 'on' : 'off',
      ...(p.caCertificate ? { KONG_LUA_SSL_TRUSTED_CERTIFICATE: `system,${PG_CA_DIR}/ca.crt` } : {}),
    };
  }
}
