import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SecretRef } from '../../../src/core/secret-ref';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { RateLimitService } from '../../../src/policy/kgateway/rate-limit-service';
import { RateLimit } from '../../../src/policy/rate-limit';
import { RedisReference } from '../../../src/policy/redis';
import { findObject, setup, synthObjects } from '../../util';
import { validationIssues } from './fixture';

const redis = RedisReference.of({ host: 'redis.data.svc.cluster.local', port: 6380, tls: true, password: { secret: SecretRef.named('redis-auth'), key: 'password' } });

describe('RateLimitService', () => {
  it('runs envoyproxy/ratelimit with its configuration, Redis by reference and locked-down networking', () => {
    const { app, ns } = setup(['edge', 'limits']);
    const gateway = new Gateway(ns.edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('c')] })] });
    const svc = new RateLimitService(ns.limits, 'ratelimit', {
      domain: 'models',
      redis,
      descriptors: [{ key: 'x-user-id', value: 'yes', rateLimit: RateLimit.perSecond(5) }, { key: 'remote_address', rateLimit: RateLimit.perMinute(60) }],
    });
    svc.addDescriptor({ key: 'route', value: 'iris', descriptors: [{ key: 'x-user-id', unlimited: true, shadowMode: true }] });
    svc.allowGateway(gateway);
    expect(svc.backendRef).toMatchObject({ name: 'ratelimit', namespace: 'limits', port: 8081 });
    const objects = synthObjects(app);

    const config = findObject(objects, 'ConfigMap', 'ratelimit-config', 'limits') as any;
    expect(config.data['config.yaml']).toContain('value: "yes"');
    expect(parse(config.data['config.yaml'])).toEqual({
      domain: 'models',
      descriptors: [
        { key: 'remote_address', rate_limit: { unit: 'minute', requests_per_unit: 60 } },
        { key: 'route', value: 'iris', descriptors: [{ key: 'x-user-id', rate_limit: { unlimited: true }, shadow_mode: true }] },
        { key: 'x-user-id', value: 'yes', rate_limit: { unit: 'second', requests_per_unit: 5 } },
      ],
    });

    const dep = findObject(objects, 'Deployment', 'ratelimit', 'limits');
    const pod = dep.spec.template;
    expect(pod.metadata.annotations['checksum/config']).toMatch(/^[a-f0-9]{64}$/);
    const c = pod.spec.containers[0];
    expect(c.command).toEqual(['/bin/ratelimit']);
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({ REDIS_URL: 'redis.data.svc.cluster.local:6380', REDIS_TLS: 'true', REDIS_SOCKET_TYPE: 'tcp', RUNTIME_ROOT: '/data', RUNTIME_SUBDIRECTORY: 'ratelimit', GRPC_PORT: '8081', DEBUG_HOST: '127.0.0.1' });
    expect(env.REDIS_AUTH).toEqual({ secretKeyRef: { name: 'redis-auth', key: 'password' } });
    expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: '/data/ratelimit/config', readOnly: true });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthcheck', port: 8080 });
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(findObject(objects, 'Service', 'ratelimit', 'limits').spec.ports).toEqual([{ name: 'grpc', port: 8081, targetPort: 8081, appProtocol: 'kubernetes.io/h2c' }]);
    expect(findObject(objects, 'PodDisruptionBudget', 'ratelimit', 'limits').spec.minAvailable).toBe(1);
    expect(findObject(objects, 'NetworkPolicy', 'allow-ratelimit-to-redis', 'limits').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ port: 6380, protocol: 'TCP' }] }]);
    expect(findObject(objects, 'NetworkPolicy', 'allow-ratelimit-from-gw', 'limits').spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } }, podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'gw' } } },
    ]);
    expect(findObject(objects, 'NetworkPolicy', 'allow-gw-to-limits-ratelimit', 'edge').spec.egress[0].ports).toEqual([{ port: 8081, protocol: 'TCP' }]);
    expect(validationIssues(objects)).toEqual([]);
    expect(dep).toMatchSnapshot();
  });

  describe('fails when', () => {
    it('the Redis database is not 0', () => {
      const { ns } = setup(['limits']);
      expect(() => new RateLimitService(ns.limits, 'rl', { domain: 'd', redis: RedisReference.of({ host: 'redis', database: 3 }) })).toThrow(/test\/limits\/rl: redis\.database must be 0: the Envoy rate limit service has no database setting \(REDIS_URL is host:port\) \(received: 3\)/);
    });

    it('the Redis password Secret is in another namespace', () => {
      const { ns } = setup(['limits']);
      const r = RedisReference.of({ host: 'redis', password: { secret: SecretRef.named('p', { namespace: 'data' }), key: 'k' } });
      expect(() => new RateLimitService(ns.limits, 'rl', { domain: 'd', redis: r })).toThrow(/redis\.password\.secret is in namespace 'data', but a pod reads Secrets of its own namespace \('limits'\) only/);
    });

    it('a descriptor is repeated or has a limit and unlimited', () => {
      const { ns } = setup(['limits']);
      const svc = new RateLimitService(ns.limits, 'rl', { domain: 'd', redis });
      svc.addDescriptor({ key: 'route', value: 'a', rateLimit: RateLimit.perMinute(1) });
      expect(() => svc.addDescriptor({ key: 'route', value: 'a', rateLimit: RateLimit.perMinute(2) })).toThrow(/descriptors\[route=a\] is defined twice/);
      expect(() => svc.addDescriptor({ key: 'u', unlimited: true, rateLimit: RateLimit.perMinute(2) })).toThrow(/descriptors\[u=\*\]\.rate_limit cannot be unlimited and have a limit/);
      expect(() => svc.addDescriptor({ key: 'z', rateLimit: RateLimit.perMinute(0) })).toThrow(/rate_limit\.requestsPerUnit must be a positive integer/);
    });

    it('the image is not pinned', () => {
      const { ns } = setup(['limits']);
      expect(() => new RateLimitService(ns.limits, 'rl', { domain: 'd', redis, image: 'envoyproxy/ratelimit:latest' })).toThrow(/container\.image uses the ':latest' tag/);
    });
  });
});
