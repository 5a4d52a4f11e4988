import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { CertificateIssuer, CertificateKey, CertificateUsage, PolicyTarget, TelemetryPolicy, TlsPolicy } from '../../../src/policy/kuadrant';
import { findObject, synthObjects } from '../../util';
import { expectValid, istioPlatform } from './fixture';

describe('TelemetryPolicy', () => {
  it('adds per-request metric labels on a Gateway, sorted', () => {
    const { app, ns, gateway } = istioPlatform({ requireAccessPolicies: false });
    const t = new TelemetryPolicy(ns.gateway, 'usage', { target: PolicyTarget.gateway(gateway), metricLabels: { user: 'auth.identity.userid' } });
    t.addMetricLabel('model', 'responseBodyJSON("/model")');
    const obj = findObject(synthObjects(app), 'TelemetryPolicy', 'usage', 'gateway');
    expect(obj.apiVersion).toBe('extensions.kuadrant.io/v1alpha1');
    expect(obj.spec).toEqual({
      targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'maas' },
      metrics: { default: { labels: { model: 'responseBodyJSON("/model")', user: 'auth.identity.userid' } } },
    });
    expect(Object.keys(obj.spec.metrics.default.labels)).toEqual(['model', 'user']);
    expectValid([obj]);
    expect(obj).toMatchSnapshot();
  });

  describe('fails when', () => {
    it('it targets a route (TelemetryPolicy attaches to Gateways only)', () => {
      const { ns, qwen3 } = istioPlatform();
      expect(() => new TelemetryPolicy(ns.llm, 't', { target: PolicyTarget.route(qwen3) })).toThrow(/test\/llm\/t: targetRef\.kind must be one of Gateway for this policy kind \(received: "HTTPRoute"\)/);
    });

    it('a label name is not a Prometheus label, or there is no label (at synth)', () => {
      const { app, ns, gateway } = istioPlatform({ requireAccessPolicies: false });
      const t = new TelemetryPolicy(ns.gateway, 't', { target: PolicyTarget.gateway(gateway) });
      expect(() => t.addMetricLabel('cost-center', 'x')).toThrow(/metrics\.default\.labels needs Prometheus label names .*\(received: "cost-center"\)/);
      expect(() => synthObjects(app)).toThrow(/test\/gateway\/t: spec\.metrics\.default\.labels must have at least one label/);
    });
  });
});

describe('TlsPolicy', () => {
  it('secure defaults: ECDSA P-256 rotated on renewal, 90-day lifetime renewed 30 days before expiry', () => {
    const { app, ns, gateway } = istioPlatform({ requireAccessPolicies: false });
    new TlsPolicy(ns.gateway, 'maas-tls', { target: PolicyTarget.gateway(gateway, 'https'), issuer: CertificateIssuer.clusterIssuer('letsencrypt') });
    const obj = findObject(synthObjects(app), 'TLSPolicy', 'maas-tls', 'gateway');
    expect(obj.apiVersion).toBe('kuadrant.io/v1');
    expect(obj.spec).toEqual({
      targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'maas', sectionName: 'https' },
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      duration: '2160h',
      renewBefore: '720h',
    });
    expectValid([obj]);
    expect(obj).toMatchSnapshot();
  });

  it('renders an RSA key, usages and explicit durations', () => {
    const { app, ns, gateway } = istioPlatform({ requireAccessPolicies: false });
    new TlsPolicy(ns.gateway, 'tls', {
      target: PolicyTarget.gateway(gateway),
      issuer: CertificateIssuer.issuer('gateway-ca'),
      privateKey: CertificateKey.rsa(4096),
      duration: Duration.hours(24 * 30),
      renewBefore: Duration.minutes(90),
      usages: [CertificateUsage.SERVER_AUTH],
    });
    const spec = findObject(synthObjects(app), 'TLSPolicy', 'tls').spec;
    expect(spec.privateKey).toEqual({ algorithm: 'RSA', size: 4096, rotationPolicy: 'Always' });
    expect(spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'Issuer', name: 'gateway-ca' });
    expect([spec.duration, spec.renewBefore, spec.usages]).toEqual(['720h', '90m', ['server auth']]);
  });

  describe('fails when', () => {
    it('an RSA key is shorter than 2048 bits', () => {
      const { ns, gateway } = istioPlatform();
      expect(() => new TlsPolicy(ns.gateway, 't', { target: PolicyTarget.gateway(gateway), issuer: CertificateIssuer.issuer('ca'), privateKey: CertificateKey.rsa(1024) })).toThrow(
        /test\/gateway\/t: privateKey\.size must be at least 2048 bits for RSA \(received: 1024\)/,
      );
    });

    it('renewBefore is not shorter than duration', () => {
      const { ns, gateway } = istioPlatform();
      expect(() => new TlsPolicy(ns.gateway, 't', { target: PolicyTarget.gateway(gateway), issuer: CertificateIssuer.issuer('ca'), duration: Duration.days(10), renewBefore: Duration.days(10) })).toThrow(
        /renewBefore must be positive and shorter than duration \(240h\) \(received: "240h"\)/,
      );
    });

    it('the listener does not exist', () => {
      const { gateway } = istioPlatform();
      expect(() => PolicyTarget.gateway(gateway, 'grpc')).toThrow(/sectionName names no listener of Gateway 'maas' \(received: "grpc"\)/);
    });
  });
});
