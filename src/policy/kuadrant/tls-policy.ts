import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as kuadrant from '../../../imports/kuadrant-kuadrant.io';
import { invalid } from '../../core/errors';
import { assertDnsSubdomain, checkedAnnotations } from '../../core/names';
import { formatCertDuration } from '../../tls/certificate';
import { PolicyTarget, TARGET_FIX } from './policy-target';
import { checkedRecord } from '../../core/records';
import { checkProps, childPath, requireWith } from '../../core/prop-types';

/** A cert-manager issuer that signs the listeners' certificates (`spec.issuerRef`). */
export class CertificateIssuer {
  /** A namespaced cert-manager `Issuer` (in the policy's namespace). */
  public static issuer(name: string): CertificateIssuer {
    return new CertificateIssuer('Issuer', name);
  }

  /** A cluster-wide cert-manager `ClusterIssuer`. */
  public static clusterIssuer(name: string): CertificateIssuer {
    return new CertificateIssuer('ClusterIssuer', name);
  }

  private constructor(
    /** `kind`. */
    public readonly kind: 'Issuer' | 'ClusterIssuer',
    /** `name`. */
    public readonly name: string,
  ) {}
}

/** The private key of the certificates (`spec.privateKey`). */
export class CertificateKey {
  /** ECDSA with curve P-`size` (256, 384 or 521). */
  public static ecdsa(size: 256 | 384 | 521 = 256): CertificateKey {
    return new CertificateKey(kuadrant.TlsPolicySpecPrivateKeyAlgorithm.ECDSA, size);
  }

  /** RSA with `size` bits (at least 2048). */
  public static rsa(size = 3072): CertificateKey {
    return new CertificateKey(kuadrant.TlsPolicySpecPrivateKeyAlgorithm.RSA, size);
  }

  /** Ed25519. */
  public static ed25519(): CertificateKey {
    return new CertificateKey(kuadrant.TlsPolicySpecPrivateKeyAlgorithm.ED25519, undefined);
  }

  private constructor(
    /** `algorithm`. */
    public readonly algorithm: kuadrant.TlsPolicySpecPrivateKeyAlgorithm,
    /** `size` in bits (RSA) or curve size (ECDSA). */
    public readonly size: number | undefined,
  ) {}
}

/** Props of {@link TlsPolicy}. */
export interface TlsPolicyProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.targetRef`: a Gateway or one of its listeners, in the policy's namespace. */
  readonly target: PolicyTarget;
  /** `spec.issuerRef`. */
  readonly issuer: CertificateIssuer;
  /** `spec.privateKey.algorithm`/`size`. @default CertificateKey.ecdsa(256) */
  readonly privateKey?: CertificateKey;
  /** `spec.privateKey.rotationPolicy`: a new key on each renewal. @default true (`Always`) */
  readonly rotatePrivateKey?: boolean;
  /** `spec.duration`: certificate lifetime. @default Duration.days(90) */
  readonly duration?: Duration;
  /** `spec.renewBefore`: renew this long before expiry; shorter than `duration`. @default Duration.days(30) */
  readonly renewBefore?: Duration;
  /** `spec.commonName`. @default - none (the listener hostnames are the SANs) */
  readonly commonName?: string;
  /** `spec.usages`. @default - cert-manager's (digital signature, key encipherment) */
  readonly usages?: readonly kuadrant.TlsPolicySpecUsages[];
  /** `spec.revisionHistoryLimit`. @default - cert-manager's */
  readonly revisionHistoryLimit?: number;
  /** `metadata.labels`. @default - the platform labels only */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * Kuadrant's `TLSPolicy` (kuadrant.io/v1): cert-manager Certificates for the
 * HTTPS listeners of a Gateway, one per listener hostname, stored in the
 * Secrets the listeners reference. Secure by default: ECDSA P-256 keys
 * rotated on renewal, explicit 90-day lifetime, renewal 30 days before
 * expiry.
 *
 * ```ts
 * new TlsPolicy(gatewayNs, 'gateway-tls', { target: PolicyTarget.gateway(gateway), issuer: CertificateIssuer.clusterIssuer('letsencrypt') });
 * ```
 *
 * @see https://docs.kuadrant.io/latest/kuadrant-operator/doc/reference/tlspolicy/
 */
export class TlsPolicy extends Construct {
  /** `metadata.name`. */
  public readonly policyName: string;
  /** The L1 object. */
  public readonly resource: kuadrant.TlsPolicy;

  public constructor(scope: Construct, id: string, props: TlsPolicyProps) {
    checkProps(childPath(scope, id), props, 'TlsPolicyProps');
    super(scope, id);
    this.policyName = assertDnsSubdomain(this, 'name', props.name ?? id);
    requireWith(this, 'target', props.target, 'check', 'a PolicyTarget', TARGET_FIX);
    props.target.check(this, ['Gateway'], Chart.of(this).namespace);
    assertDnsSubdomain(this, 'issuer.name', props.issuer.name);
    const key = props.privateKey ?? CertificateKey.ecdsa(256);
    if (key.algorithm === kuadrant.TlsPolicySpecPrivateKeyAlgorithm.RSA && (key.size === undefined || key.size < 2048)) {
      invalid(this, 'privateKey.size', 'must be at least 2048 bits for RSA', key.size, 'use CertificateKey.rsa(3072) or CertificateKey.ecdsa()');
    }
    if (key.algorithm === kuadrant.TlsPolicySpecPrivateKeyAlgorithm.ECDSA && ![256, 384, 521].includes(key.size ?? 0)) {
      invalid(this, 'privateKey.size', 'must be 256, 384 or 521 for ECDSA', key.size, 'use CertificateKey.ecdsa(256)');
    }
    const duration = props.duration ?? Duration.days(90);
    const renewBefore = props.renewBefore ?? Duration.days(30);
    if (duration.toSeconds() < 3600) invalid(this, 'duration', 'must be at least one hour (cert-manager minimum)', formatCertDuration(duration), 'use e.g. Duration.days(90)');
    if (renewBefore.toSeconds() <= 0 || renewBefore.toSeconds() >= duration.toSeconds()) {
      invalid(this, 'renewBefore', `must be positive and shorter than duration (${formatCertDuration(duration)})`, formatCertDuration(renewBefore), 'use e.g. a third of the duration');
    }
    if (props.revisionHistoryLimit !== undefined && (!Number.isInteger(props.revisionHistoryLimit) || props.revisionHistoryLimit < 1)) {
      invalid(this, 'revisionHistoryLimit', 'must be an integer >= 1', props.revisionHistoryLimit, 'use e.g. 1');
    }
    this.resource = new kuadrant.TlsPolicy(this, 'Resource', {
      metadata: { name: this.policyName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedAnnotations(this, props.annotations) },
      spec: {
        targetRef: props.target.render(),
        issuerRef: { group: 'cert-manager.io', kind: props.issuer.kind, name: props.issuer.name },
        privateKey: {
          algorithm: key.algorithm,
          size: key.size,
          rotationPolicy: props.rotatePrivateKey === false ? kuadrant.TlsPolicySpecPrivateKeyRotationPolicy.NEVER : kuadrant.TlsPolicySpecPrivateKeyRotationPolicy.ALWAYS,
        },
        duration: formatCertDuration(duration),
        renewBefore: formatCertDuration(renewBefore),
        commonName: props.commonName,
        usages: props.usages ? [...props.usages] : undefined,
        revisionHistoryLimit: props.revisionHistoryLimit,
      },
    });
  }
}
