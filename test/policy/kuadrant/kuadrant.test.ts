import { describe, expect, it } from 'vitest';
import { Namespace } from '../../../src/core/namespace';
import { SecretRef } from '../../../src/core/secret-ref';
import { Kuadrant, Limitador, LimitadorRateLimitHeaders, LimitadorStorage, LimitadorTelemetry } from '../../../src/policy/kuadrant';
import { findObject, setup, synthObjects } from '../../util';
import { expectValid } from './fixture';

describe('Kuadrant', () => {
  it('renders an empty spec by default and observability when given; find() returns it', () => {
    const { app, ns, platform } = setup(['kuadrant-system'], { requireAccessPolicies: false });
    const k = new Kuadrant(ns['kuadrant-system'], 'kuadrant', {
      observability: { enable: true, tracing: { defaultEndpoint: 'rpc://jaeger.observability.svc.cluster.local:4317', insecure: true }, dataPlane: { httpHeaderIdentifier: 'x-request-id' } },
      mtls: { enable: true },
    });
    expect(Kuadrant.find(platform)).toBe(k);
    expect(k.namespace.name).toBe('kuadrant-system');
    const obj = findObject(synthObjects(app), 'Kuadrant', 'kuadrant', 'kuadrant-system');
    expect(obj.apiVersion).toBe('kuadrant.io/v1beta1');
    expect(obj.spec).toEqual({
      observability: { enable: true, tracing: { defaultEndpoint: 'rpc://jaeger.observability.svc.cluster.local:4317', insecure: true }, dataPlane: { httpHeaderIdentifier: 'x-request-id' } },
      mtls: { enable: true },
    });
    expectValid([obj]);
    expect(obj).toMatchSnapshot();
  });

  describe('fails when', () => {
    it('the tracing endpoint is not a URL', () => {
      const { ns } = setup(['kuadrant-system']);
      expect(() => new Kuadrant(ns['kuadrant-system'], 'k', { observability: { tracing: { defaultEndpoint: 'jaeger:4317' } } })).toThrow(
        /test\/kuadrant-system\/k: observability\.tracing\.defaultEndpoint must be an OTLP endpoint URL \(rpc:\/\/, http:\/\/ or https:\/\/\) \(received: "jaeger:4317"\)/,
      );
    });

    it('two are declared in one platform', () => {
      const { platform, ns } = setup(['kuadrant-system']);
      new Kuadrant(ns['kuadrant-system'], 'a');
      new Kuadrant(new Namespace(platform, 'other'), 'b');
      expect(() => Kuadrant.find(platform)).toThrow(/test: Kuadrant is declared more than once in the platform/);
    });
  });
});

describe('Kuadrant (the cluster-wide instance)', () => {
  it('is kept when the Application is deleted: its operator serves every gateway of the cluster', () => {
    const { app, ns, platform } = setup(['kuadrant-system'], { requireAccessPolicies: false });
    new Kuadrant(ns['kuadrant-system'], 'kuadrant');
    expect(findObject(synthObjects(app), 'Kuadrant', 'kuadrant', 'kuadrant-system').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false' });
    expect(platform.setupNotes.map((n) => n.topic)).toContain('Kept when the Application is deleted: Kuadrant/kuadrant-system/kuadrant');
  });
});

describe('Limitador', () => {
  it('renders Redis storage by Secret reference, replicas, headers, resources and a PDB', () => {
    const { app, ns } = setup(['kuadrant-system'], { requireAccessPolicies: false });
    new Limitador(ns['kuadrant-system'], 'limitador', {
      storage: LimitadorStorage.redis(SecretRef.named('redis-credentials')),
      replicas: 2,
      rateLimitHeaders: LimitadorRateLimitHeaders.DRAFT_UNDERSCORE_VERSION_UNDERSCORE_03,
      telemetry: LimitadorTelemetry.EXHAUSTIVE,
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      pdbMinAvailable: 1,
      grpcPort: 8081,
    });
    const obj = findObject(synthObjects(app), 'Limitador', 'limitador', 'kuadrant-system');
    expect(obj.apiVersion).toBe('limitador.kuadrant.io/v1alpha1');
    expect(obj.spec).toEqual({
      storage: { redis: { configSecretRef: { name: 'redis-credentials' } } },
      replicas: 2,
      rateLimitHeaders: 'DRAFT_VERSION_03',
      telemetry: 'exhaustive',
      listener: { grpc: { port: 8081 } },
      resourceRequirements: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      pdb: { minAvailable: 1 },
    });
    expectValid([obj]);
    expect(obj).toMatchSnapshot();
  });

  it("lists Redis storage's Secret (key URL) as cluster setup, since Kuadrant lets requests through when Limitador is down; not for in-memory storage", () => {
    const { platform, ns } = setup(['kuadrant-system'], { requireAccessPolicies: false });
    new Limitador(ns['kuadrant-system'], 'limitador', { storage: LimitadorStorage.redisCached(SecretRef.named('limitador-redis')) });
    const note = platform.setupNotes.find((n) => n.topic === 'Secret kuadrant-system/limitador-redis');
    expect(note?.text).toMatch(/Create the Secret `limitador-redis` in namespace `kuadrant-system`.*Redis connection URL \(key URL.*no limit is enforced/);
    const other = setup(['kuadrant-system'], { requireAccessPolicies: false });
    new Limitador(other.ns['kuadrant-system'], 'limitador');
    expect(other.platform.setupNotes.filter((n) => n.topic.startsWith('Secret'))).toEqual([]);
  });

  it('renders the redis-cached options under their upstream keys', () => {
    const { app, ns } = setup(['kuadrant-system'], { requireAccessPolicies: false });
    new Limitador(ns['kuadrant-system'], 'limitador', { storage: LimitadorStorage.redisCached(SecretRef.named('redis'), { batchSize: 50, flushPeriod: 500 }), pdbMaxUnavailable: '50%' });
    const obj = findObject(synthObjects(app), 'Limitador', 'limitador');
    expect(obj.spec.storage).toEqual({ 'redis-cached': { configSecretRef: { name: 'redis' }, options: { 'batch-size': 50, 'flush-period': 500 } } });
    expect(obj.spec.pdb).toEqual({ maxUnavailable: '50%' });
    expectValid([obj]);
  });

  describe('fails when', () => {
    const make = (props: ConstructorParameters<typeof Limitador>[2]) => {
      const { ns } = setup(['kuadrant-system']);
      return () => new Limitador(ns['kuadrant-system'], 'l', props);
    };

    it('replicas or verbosity are out of range', () => {
      expect(make({ replicas: 0 })).toThrow(/test\/kuadrant-system\/l: replicas must be an integer >= 1 \(received: 0\)/);
      expect(make({ verbosity: 5 })).toThrow(/verbosity must be an integer between 1 and 4 \(received: 5\)/);
    });

    it('both PDB bounds are set, or a bound is malformed', () => {
      expect(make({ pdbMinAvailable: 1, pdbMaxUnavailable: 1 })).toThrow(/pdbMinAvailable and pdbMaxUnavailable are mutually exclusive/);
      expect(make({ pdbMaxUnavailable: '150%' })).toThrow(/pdbMaxUnavailable must be an integer >= 0 or a percentage such as "50%" \(received: "150%"\)/);
    });

    it('a request exceeds its limit', () => {
      expect(make({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } })).toThrow(/resources\.requests\.cpu must not exceed limits\.cpu \(1\)/);
    });
  });
});
