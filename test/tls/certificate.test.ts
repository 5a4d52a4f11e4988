import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { Certificate, CertificateIssuer, formatCertDuration, PrivateKey } from '../../src/tls/certificate';
import { securityFindings, validationIssues } from '../kong/fixtures';
import { findObject, setup, synthObjects } from '../util';

const issuer = CertificateIssuer.clusterIssuer('letsencrypt-prod');

describe('Certificate', () => {
  it('requests an ECDSA P-256 certificate for 90 days, renewed 30 days before expiry, key rotated', () => {
    const { app, ns } = setup(['edge'], { requireAccessPolicies: false });
    const cert = new Certificate(ns.edge, 'api-tls', { issuer, dnsNames: ['api.example.com', '*.api.example.com'] });
    const objects = synthObjects(app);
    const c = findObject(objects, 'Certificate', 'api-tls', 'edge');
    expect(c.apiVersion).toBe('cert-manager.io/v1');
    expect(c.spec).toEqual({
      secretName: 'api-tls',
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' },
      dnsNames: ['api.example.com', '*.api.example.com'],
      duration: '2160h',
      renewBefore: '720h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    });
    expect(cert.secretName).toBe('api-tls');
    expect(cert.namespace).toBe('edge');
    expect(c).toMatchSnapshot();
    expect(validationIssues(objects)).toEqual([]);
    expect(securityFindings(app)).toEqual([]);
  });

  it('is the Secret an HTTPS listener references', () => {
    const { app, ns } = setup(['edge'], { requireAccessPolicies: false });
    const cert = new Certificate(ns.edge, 'kong-tls', { issuer: CertificateIssuer.issuer('internal-ca'), dnsNames: ['api.example.com'], secretName: 'kong-tls-secret', privateKey: PrivateKey.rsa(3072), duration: Duration.days(30), renewBefore: Duration.days(10), rotateKey: false });
    new Gateway(ns.edge, 'kong', { provider: GatewayProvider.KONG, listeners: [Listener.https({ certificates: [cert] })] });
    const objects = synthObjects(app);
    expect(findObject(objects, 'Gateway', 'kong').spec.listeners[0].tls.certificateRefs).toEqual([{ group: '', kind: 'Secret', name: 'kong-tls-secret', namespace: 'edge' }]);
    const c = findObject(objects, 'Certificate', 'kong-tls');
    expect(c.spec.issuerRef.kind).toBe('Issuer');
    expect(c.spec.privateKey).toEqual({ algorithm: 'RSA', size: 3072, rotationPolicy: 'Never' });
    expect([c.spec.duration, c.spec.renewBefore]).toEqual(['720h', '240h']);
    expect(validationIssues(objects)).toEqual([]);
  });

  it('renders durations as cert-manager Go durations', () => {
    expect(formatCertDuration(Duration.days(90))).toBe('2160h');
    expect(formatCertDuration(Duration.minutes(90))).toBe('90m');
    expect(formatCertDuration(Duration.seconds(3601))).toBe('3601s');
  });

  describe('fails when', () => {
    const make = (props: Partial<ConstructorParameters<typeof Certificate>[2]>) => () => {
      const { ns } = setup(['edge'], { requireAccessPolicies: false });
      new Certificate(ns.edge, 'c', { issuer, dnsNames: ['api.example.com'], ...props });
    };
    it('no DNS name is given, a name is invalid or repeated', () => {
      expect(make({ dnsNames: [] })).toThrow(/test\/edge\/c: dnsNames must list at least one DNS name/);
      expect(make({ dnsNames: ['API.example.com'] })).toThrow(/dnsNames\[0\] must be a lower-case DNS name, optionally starting with '\*\.' \(received: "API.example.com"\)/);
      expect(make({ dnsNames: ['a.example.com', 'a.example.com'] })).toThrow(/dnsNames\[1\] is listed twice/);
    });
    it('the RSA key is shorter than 2048 bits', () => {
      expect(make({ privateKey: PrivateKey.rsa(1024 as 2048) })).toThrow(/privateKey.size must be 2048, 3072 or 4096 bits for RSA \(received: 1024\)/);
    });
    it('the duration is under an hour, or renewBefore is not shorter than it', () => {
      expect(make({ duration: Duration.minutes(30) })).toThrow(/duration must be at least 1 hour/);
      expect(make({ duration: Duration.days(30), renewBefore: Duration.days(30) })).toThrow(/renewBefore must be shorter than duration \(720h\), or cert-manager renews continuously \(received: "720h"\)/);
      expect(make({ renewBefore: Duration.minutes(1) })).toThrow(/renewBefore must be at least 5 minutes/);
    });
    it('the issuer or the names are invalid', () => {
      expect(make({ issuer: CertificateIssuer.clusterIssuer('Lets Encrypt') })).toThrow(/issuerRef.name must be a DNS-1123 subdomain/);
      expect(make({ secretName: 'Bad_Secret' })).toThrow(/secretName must be a DNS-1123 subdomain/);
    });
  });
});
