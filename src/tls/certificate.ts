import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as cm from '../../imports/certmanager-cert-manager.io';
import { invalid } from '../core/errors';
import { assertDnsSubdomain, assertGatewayHostname } from '../core/names';
import { ISecretReference } from '../core/secret-ref';
import { checkedRecord } from '../core/records';
import { checkProps, childPath } from '../core/prop-types';
import { noteRequiredObject } from '../core/required-object';

/**
 * The cert-manager issuer that signs a {@link Certificate}
 * (`spec.issuerRef`): an `Issuer` in the Certificate's namespace or a
 * cluster-wide `ClusterIssuer`, referenced by name (the issuer is managed
 * outside the platform).
 *
 * @see https://cert-manager.io/docs/usage/certificate/#reference
 */
export class CertificateIssuer {
  /** A `ClusterIssuer` by name, e.g. `letsencrypt-prod`. */
  public static clusterIssuer(name: string): CertificateIssuer {
    return new CertificateIssuer('ClusterIssuer', name);
  }

  /** An `Issuer` of the Certificate's namespace, by name. */
  public static issuer(name: string): CertificateIssuer {
    return new CertificateIssuer('Issuer', name);
  }

  private constructor(
    /** `issuerRef.kind`. */
    public readonly kind: 'Issuer' | 'ClusterIssuer',
    /** `issuerRef.name`. */
    public readonly name: string,
  ) {}
}

/**
 * The private key of a {@link Certificate} (`spec.privateKey`): ECDSA on
 * P-256 or P-384, or RSA of at least 2048 bits. Weaker keys cannot be
 * expressed.
 *
 * @see https://cert-manager.io/docs/reference/api-docs/#cert-manager.io/v1.CertificatePrivateKey
 */
export class PrivateKey {
  /** ECDSA P-256: small, fast, accepted by every current client (the default). */
  public static readonly ECDSA_P256 = new PrivateKey(cm.CertificateSpecPrivateKeyAlgorithm.ECDSA, 256);
  /** ECDSA P-384. */
  public static readonly ECDSA_P384 = new PrivateKey(cm.CertificateSpecPrivateKeyAlgorithm.ECDSA, 384);

  /**
   * RSA with `size` bits (2048, 3072 or 4096).
   *
   * @throws ModelServingError (when the Certificate is created) for another size
   */
  public static rsa(size: 2048 | 3072 | 4096 = 2048): PrivateKey {
    return new PrivateKey(cm.CertificateSpecPrivateKeyAlgorithm.RSA, size);
  }

  private constructor(
    /** `privateKey.algorithm`. */
    public readonly algorithm: cm.CertificateSpecPrivateKeyAlgorithm,
    /** `privateKey.size` in bits (the curve size for ECDSA). */
    public readonly size: number,
  ) {}
}

/** Props of {@link Certificate}. */
export interface CertificateProps {
  /** `metadata.name`, a DNS-1123 subdomain. @default - the construct id */
  readonly name?: string;
  /** `spec.secretName`: the `kubernetes.io/tls` Secret cert-manager writes, in the Certificate's namespace. @default - the Certificate name */
  readonly secretName?: string;
  /** `spec.issuerRef`. */
  readonly issuer: CertificateIssuer;
  /** `spec.dnsNames`: at least one lower-case DNS name, optionally a leading `*.` wildcard (no IP address). */
  readonly dnsNames: readonly string[];
  /** `spec.privateKey` algorithm and size. @default PrivateKey.ECDSA_P256 */
  readonly privateKey?: PrivateKey;
  /** `spec.duration`: the certificate lifetime, at least 1 hour. @default Duration.days(90) */
  readonly duration?: Duration;
  /** `spec.renewBefore`: renew this long before expiry, at least 5 minutes and shorter than `duration`. @default Duration.days(30) */
  readonly renewBefore?: Duration;
  /** `spec.privateKey.rotationPolicy`: a new key on every renewal (`Always`) or the same key (`Never`). @default 'Always' */
  readonly rotateKey?: boolean;
  /** `metadata.labels`. @default - the platform labels */
  readonly labels?: Record<string, string>;
}

const MIN_DURATION_MS = 3_600_000;
const MIN_RENEW_BEFORE_MS = 300_000;

/**
 * A cert-manager `Certificate` (cert-manager.io/v1): cert-manager obtains
 * the certificate from the issuer and keeps it, renewed `renewBefore` its
 * expiry, in the Secret `secretName`. Only the request reaches `dist/`,
 * never key material.
 *
 * It is an {@link ISecretReference}, so it can be passed where a TLS Secret
 * is expected: `Listener.https({ certificates: [certificate] })`.
 *
 * Secure by default: ECDSA P-256 key rotated on every renewal, 90-day
 * lifetime renewed 30 days before expiry, both explicit in the output.
 *
 * ```ts
 * const cert = new Certificate(edge, 'kong-tls', {
 *   issuer: CertificateIssuer.clusterIssuer('letsencrypt-prod'),
 *   dnsNames: ['api.example.com'],
 * });
 * new Gateway(edge, 'kong', { provider: GatewayProvider.KONG, listeners: [Listener.https({ certificates: [cert] })] });
 * ```
 *
 * @throws ModelServingError for a bad name, no or invalid DNS names, a
 *   duplicate DNS name, a duration under 1 hour, a renewBefore under 5
 *   minutes or not shorter than the duration, or an RSA key under 2048 bits
 * @see https://cert-manager.io/docs/usage/certificate/
 */
export class Certificate extends Construct implements ISecretReference {
  /** `metadata.name`. */
  public readonly certificateName: string;
  /** `spec.secretName`: the TLS Secret cert-manager maintains. */
  public readonly secretName: string;
  /** The Secret's namespace (the Certificate's). */
  public readonly namespace?: string;
  /** The DNS names. */
  public readonly dnsNames: readonly string[];
  /** The L1 object. */
  public readonly resource: cm.Certificate;

  public constructor(scope: Construct, id: string, props: CertificateProps) {
    checkProps(childPath(scope, id), props, 'CertificateProps');
    super(scope, id);
    this.certificateName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.secretName = assertDnsSubdomain(this, 'secretName', props.secretName ?? this.certificateName);
    this.namespace = Chart.of(this).namespace;
    if (!props.issuer || !(props.issuer instanceof CertificateIssuer)) {
      invalid(this, 'issuerRef', 'is required', props.issuer, "pass issuer: CertificateIssuer.clusterIssuer('letsencrypt-prod')");
    }
    assertDnsSubdomain(this, 'issuerRef.name', props.issuer.name);
    if (props.dnsNames.length === 0) invalid(this, 'dnsNames', 'must list at least one DNS name', [], "pass dnsNames: ['api.example.com']");
    const seen = new Set<string>();
    props.dnsNames.forEach((n, i) => {
      assertGatewayHostname(this, `dnsNames[${i}]`, n);
      if (seen.has(n)) invalid(this, `dnsNames[${i}]`, 'is listed twice', n, 'list each name once');
      seen.add(n);
    });
    this.dnsNames = [...props.dnsNames];
    const key = props.privateKey ?? PrivateKey.ECDSA_P256;
    if (key.algorithm === cm.CertificateSpecPrivateKeyAlgorithm.RSA && ![2048, 3072, 4096].includes(key.size)) {
      invalid(this, 'privateKey.size', 'must be 2048, 3072 or 4096 bits for RSA', key.size, 'use PrivateKey.rsa(2048) or PrivateKey.ECDSA_P256');
    }
    const duration = props.duration ?? Duration.days(90);
    const renewBefore = props.renewBefore ?? Duration.days(30);
    if (duration.toMilliseconds() < MIN_DURATION_MS) invalid(this, 'duration', 'must be at least 1 hour (cert-manager minimum)', formatCertDuration(duration), 'use e.g. Duration.days(90)');
    if (renewBefore.toMilliseconds() < MIN_RENEW_BEFORE_MS) invalid(this, 'renewBefore', 'must be at least 5 minutes', formatCertDuration(renewBefore), 'use e.g. Duration.days(30)');
    if (renewBefore.toMilliseconds() >= duration.toMilliseconds()) {
      invalid(this, 'renewBefore', `must be shorter than duration (${formatCertDuration(duration)}), or cert-manager renews continuously`, formatCertDuration(renewBefore), 'use e.g. duration 90 days with renewBefore 30 days');
    }
    noteRequiredObject(this, {
      kind: props.issuer.kind,
      namespace: props.issuer.kind === 'Issuer' ? this.namespace : undefined,
      name: props.issuer.name,
      purpose: `issuerRef of Certificate ${this.certificateName}`,
      setup: 'Create it with cert-manager (an ACME HTTP-01 solver answers through the gateway, which comes up before the Certificate).',
    });
    this.resource = new cm.Certificate(this, 'Resource', {
      metadata: { name: this.certificateName, labels: checkedRecord(this, 'labels', props.labels) },
      spec: {
        secretName: this.secretName,
        issuerRef: { group: 'cert-manager.io', kind: props.issuer.kind, name: props.issuer.name },
        dnsNames: [...this.dnsNames],
        duration: formatCertDuration(duration),
        renewBefore: formatCertDuration(renewBefore),
        privateKey: {
          algorithm: key.algorithm,
          size: key.size,
          rotationPolicy: (props.rotateKey ?? true) ? cm.CertificateSpecPrivateKeyRotationPolicy.ALWAYS : cm.CertificateSpecPrivateKeyRotationPolicy.NEVER,
        },
      },
    });
  }
}

/**
 * Renders a duration as the Go duration cert-manager reads (`Certificate`,
 * and Kuadrant's `TLSPolicy`, which creates Certificates): whole hours
 * (`2160h`), else whole minutes (`90m`), else seconds, rounded up (`3601s`).
 */
export function formatCertDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.ceil(ms / 1000)}s`;
}
