import { describe, expect, it } from 'vitest';
import { Namespace } from '../../src/core/namespace';
import { NetworkPeer } from '../../src/core/network-peer';
import { SecretRef } from '../../src/core/secret-ref';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { KIC_CLUSTER_ROLE_WAIVER, KongGateway, KongGatewayProps } from '../../src/kong/kong-gateway';
import { KongMonitoring } from '../../src/observability/kong-monitoring';
import { SecurityWaivers } from '../../src/security/waivers';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';
import { database, redis, securityFindings, validationIssues } from './fixtures';

function build(props: Partial<KongGatewayProps> = {}) {
  const f = setup(['kong', 'models'], { requireAccessPolicies: false });
  const upstream = new Namespace(f.platform, 'aikernel', { external: true });
  const kong = new KongGateway(f.ns.kong, 'kong', { database: database(), redis: redis(), watchNamespaces: [f.ns.models, upstream], upstreams: [{ namespace: 'aikernel', ports: [8080, 9000] }], ...props });
  return { ...f, kong, objects: synthObjects(f.app) };
}

const container = (objects: ReturnType<typeof build>['objects'], name: string) => findObject(objects, 'Deployment', 'kong', 'kong').spec.template.spec.containers.find((c: { name: string }) => c.name === name);
const env = (c: { env: Array<{ name: string; value?: string; valueFrom?: unknown }> }) => Object.fromEntries(c.env.map((e) => [e.name, e.value ?? e.valueFrom]));

describe('KongGateway', () => {
  it('runs Kong and the ingress controller in one pod, with pinned images', () => {
    const { objects, kong } = build();
    const d = findObject(objects, 'Deployment', 'kong', 'kong');
    expect(d.spec.template.spec.containers.map((c: { name: string; image: string }) => [c.name, c.image])).toEqual([
      ['proxy', 'kong:3.9.1'],
      ['ingress-controller', 'kong/kubernetes-ingress-controller:3.5.13'],
    ]);
    expect(d.spec.replicas).toBeUndefined(); // the autoscaler owns the count
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/instance': 'kong', 'app.kubernetes.io/name': 'kong' });
    expect(kong.dataPlane).toEqual(GatewayProvider.KONG.dataPlane(kong.gatewayName, 'kong'));
    expect(kong.dataPlane.labels).toEqual(d.spec.template.metadata.labels); // the flows start from the labels the pods carry
    expect(d).toMatchSnapshot();
  });

  it('selects the same pods as GatewayProvider.KONG and KongMonitoring', () => {
    const f = setup(['kong'], { requireAccessPolicies: false });
    new KongGateway(f.ns.kong, 'kong', { database: database() });
    new KongMonitoring(f.ns.kong, 'monitoring', { name: 'kong' });
    const objects = synthObjects(f.app);
    const podLabels = findObject(objects, 'Deployment', 'kong').spec.template.metadata.labels;
    const monitorSelector = findObject(objects, 'PodMonitor', 'kong').spec.selector.matchLabels;
    for (const selector of [monitorSelector, GatewayProvider.KONG.dataPlane('kong', 'kong')!.selector]) {
      for (const [k, v] of Object.entries(selector)) expect(podLabels[k]).toBe(v);
    }
    const ports = findObject(objects, 'Deployment', 'kong').spec.template.spec.containers[0].ports.map((p: { containerPort: number }) => p.containerPort);
    expect(ports).toContain(findObject(objects, 'PodMonitor', 'kong').spec.podMetricsEndpoints[0].targetPort ?? 8100);
  });

  it('maps tuning to Kong environment, TLS 1.3 only through the modern suite, admin on localhost, status on 8100', () => {
    const { objects } = build({ tuning: { workerProcesses: 8, workerConnections: 20000, memCacheSize: '256m' }, trustedIps: ['10.0.0.0/8'] });
    const e = env(container(objects, 'proxy'));
    expect(e).toMatchObject({
      KONG_NGINX_WORKER_PROCESSES: '8',
      KONG_NGINX_EVENTS_WORKER_CONNECTIONS: '20000',
      KONG_MEM_CACHE_SIZE: '256m',
      KONG_SSL_CIPHER_SUITE: 'modern',
      KONG_ADMIN_LISTEN: '127.0.0.1:8001',
      KONG_STATUS_LISTEN: '0.0.0.0:8100',
      KONG_PREFIX: '/kong_prefix',
      KONG_TRUSTED_IPS: '10.0.0.0/8',
      KONG_REAL_IP_HEADER: 'X-Forwarded-For',
      KONG_ANONYMOUS_REPORTS: 'off',
    });
    expect(e.KONG_PROXY_LISTEN).toMatch(/^0\.0\.0\.0:8000 .*, 0\.0\.0\.0:8443 http2 ssl/);
    const p = container(objects, 'proxy');
    expect(p.readinessProbe.httpGet).toEqual({ path: '/status/ready', port: 8100 });
    expect(p.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'kong-prefix', mountPath: '/kong_prefix' },
      { name: 'postgres-ca', mountPath: '/etc/kong/postgres-ca', readOnly: true },
    ]);
    expect(env(container(build({ tls13Only: false }).objects, 'proxy')).KONG_SSL_CIPHER_SUITE).toBe('intermediate');
  });

  it('reads PostgreSQL by reference, the password from its Secret', () => {
    const { objects } = build();
    const e = env(container(objects, 'proxy'));
    expect(e).toMatchObject({ KONG_DATABASE: 'postgres', KONG_PG_HOST: 'postgresql.data.svc.cluster.local', KONG_PG_PORT: '5432', KONG_PG_DATABASE: 'kong', KONG_PG_USER: 'kong', KONG_PG_SSL: 'on', KONG_PG_SSL_VERIFY: 'on' });
    expect(e.KONG_PG_PASSWORD).toEqual({ secretKeyRef: { name: 'kong-pg', key: 'password' } });
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
  });

  it("verifies an in-cluster PostgreSQL against its CA: mounted from a Secret and trusted next to the system bundle", () => {
    const { objects, platform } = build();
    expect(env(container(objects, 'proxy')).KONG_LUA_SSL_TRUSTED_CERTIFICATE).toBe('system,/etc/kong/postgres-ca/ca.crt');
    expect(findObject(objects, 'Deployment', 'kong', 'kong').spec.template.spec.volumes).toContainEqual({ name: 'postgres-ca', secret: { secretName: 'postgresql-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(platform.setupNotes.map((n) => n.topic)).toContain('Secret kong/postgresql-ca');
    // The controller container never talks to PostgreSQL.
    expect(container(objects, 'ingress-controller').volumeMounts.map((m: { name: string }) => m.name)).not.toContain('postgres-ca');
  });

  it('refuses to verify an in-cluster PostgreSQL against the system bundle alone (the migrations would fail the TLS handshake); unverified TLS is an explicit choice', () => {
    const noCa = database({ caCertificate: undefined });
    expect(() => build({ database: noCa })).toThrow(
      /test\/kong\/kong: database\.caCertificate is required to verify the in-cluster server postgresql\.data\.svc\.cluster\.local: its certificate is signed by a private CA .*Fix: pass caCertificate: .*or sslVerify: false/,
    );
    const unverified = build({ database: database({ caCertificate: undefined, sslVerify: false }) }).objects;
    expect(env(container(unverified, 'proxy'))).toMatchObject({ KONG_PG_SSL: 'on', KONG_PG_SSL_VERIFY: 'off' });
    expect(env(container(unverified, 'proxy')).KONG_LUA_SSL_TRUSTED_CERTIFICATE).toBeUndefined();
    // A server outside the cluster may have a publicly signed certificate: the system bundle is enough.
    expect(() => build({ database: database({ caCertificate: undefined, host: 'kong.abc123.eu-west-1.rds.amazonaws.com', namespace: undefined }) })).not.toThrow();
    expect(() => build({ database: database({ sslVerify: false }) })).toThrow(/database\.caCertificate is only read to verify the server certificate/);
  });

  it('configures the controller: Gateway API through the local Admin API, watched namespaces, unused controllers off', () => {
    const { objects } = build();
    const e = env(container(objects, 'ingress-controller'));
    expect(e).toMatchObject({
      CONTROLLER_KONG_ADMIN_URL: 'http://127.0.0.1:8001',
      CONTROLLER_PUBLISH_SERVICE: 'kong/kong-proxy',
      CONTROLLER_WATCH_NAMESPACE: 'aikernel,kong,models',
      CONTROLLER_INGRESS_CLASS: 'kong',
      CONTROLLER_ANONYMOUS_REPORTS: 'false',
      CONTROLLER_ENABLE_CONTROLLER_INGRESS_CLASS_NETWORKINGV1: 'false',
      CONTROLLER_ENABLE_CONTROLLER_KONG_VAULT: 'false',
    });
    const gc = findObject(objects, 'GatewayClass', 'kong');
    expect(gc.metadata.namespace).toBeUndefined();
    expect(gc.spec.controllerName).toBe('konghq.com/kic-gateway-controller');
    expect(gc.metadata.annotations).toEqual({ 'konghq.com/gatewayclass-unmanaged': 'true' });
  });

  it('gives the API token to the controller container only', () => {
    const { objects } = build();
    const pod = findObject(objects, 'Deployment', 'kong').spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('kong');
    const mounts = (name: string) => container(objects, name).volumeMounts.map((m: { name: string }) => m.name);
    expect(mounts('ingress-controller')).toContain('kube-api-access');
    expect(mounts('proxy')).not.toContain('kube-api-access');
    const projected = pod.volumes.find((v: { name: string }) => v.name === 'kube-api-access').projected;
    expect(projected.sources.map((s: object) => Object.keys(s)[0])).toEqual(['serviceAccountToken', 'configMap', 'downwardAPI']);
    expect(findObject(objects, 'ServiceAccount', 'kong').automountServiceAccountToken).toBe(false);
  });

  it('scales 3 to 10 on CPU and memory, keeps all but one pod through disruptions, spreads over zones and nodes', () => {
    const { objects } = build();
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'kong', 'kong');
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 10, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kong' } });
    expect(hpa.spec.metrics.map((m: { resource: { name: string; target: { averageUtilization: number } } }) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([
      ['cpu', 70],
      ['memory', 80],
    ]);
    const pdb = findObject(objects, 'PodDisruptionBudget', 'kong', 'kong');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(findObject(objects, 'Deployment', 'kong').spec.selector.matchLabels);
    expect(findObject(objects, 'Deployment', 'kong').spec.template.spec.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
  });

  it('exposes the proxy on 80/443 with client addresses preserved', () => {
    const svc = findObject(build().objects, 'Service', 'kong-proxy', 'kong');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.externalTrafficPolicy).toBe('Local');
    expect(svc.spec.ports.map((p: { port: number; targetPort: number }) => [p.port, p.targetPort])).toEqual([
      [80, 8000],
      [443, 8443],
    ]);
  });

  it('grants minimal namespaced RBAC in every watched namespace, and a waived read-only ClusterRole', () => {
    const { objects, kong } = build();
    for (const ns of ['kong', 'models', 'aikernel']) {
      const role = findObject(objects, 'Role', 'kong-ingress-controller', ns) as any;
      const verbs = role.rules.flatMap((r: { verbs: string[] }) => r.verbs);
      expect(verbs).not.toContain('*');
      expect(verbs).not.toContain('delete');
      const secrets = role.rules.find((r: { resources: string[] }) => r.resources.includes('secrets'));
      expect(secrets.verbs).toEqual(['get', 'list', 'watch']);
      expect(role.rules.find((r: { resources: string[] }) => r.resources.includes('events')).verbs).toEqual(['create', 'patch']);
      const binding = findObject(objects, 'RoleBinding', 'kong-ingress-controller', ns) as any;
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kong', namespace: 'kong' }]);
    }
    expect((findObject(objects, 'Role', 'kong-leader-election', 'kong') as any).rules[0].resources).toEqual(['leases']);
    const cr = findObject(objects, 'ClusterRole', 'kong-kong-ingress-controller') as any;
    const writes = cr.rules.filter((r: { verbs: string[] }) => r.verbs.some((v) => !['get', 'list', 'watch'].includes(v)));
    expect(writes.flatMap((r: { resources: string[] }) => r.resources)).toEqual(['gatewayclasses/status', 'kongclusterplugins/status']);
    expect(SecurityWaivers.of(kong.clusterRole)).toEqual([{ ruleId: 'SEC-R03', reason: KIC_CLUSTER_ROLE_WAIVER }]);
  });

  it('lets the proxy ports in from anywhere, and out only to PostgreSQL, Redis, the upstreams and the API server', () => {
    const { objects } = build({ apiServer: { peers: [NetworkPeer.cidr('10.96.0.1/32')], ports: [443] } });
    const policy = (name: string) => findObject(objects, 'NetworkPolicy', name, 'kong').spec;
    expect(policy('allow-kong-proxy').ingress[0].ports.map((p: { port: number }) => p.port)).toEqual([8000, 8443]);
    expect(policy('allow-kong-to-postgres').egress).toEqual([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }]);
    expect(policy('allow-kong-to-redis').egress[0].ports).toEqual([{ port: 6379, protocol: 'TCP' }]);
    expect(policy('allow-kong-to-aikernel').egress[0].ports.map((p: { port: number }) => p.port)).toEqual([8080, 9000]);
    expect(policy('allow-kong-to-apiserver').egress).toEqual([{ to: [{ ipBlock: { cidr: '10.96.0.1/32' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
    const egress = objectsOfKind(objects, 'NetworkPolicy').filter((n) => n.metadata.namespace === 'kong' && n.spec.policyTypes.includes('Egress'));
    expect(egress.map((n) => n.metadata.name).sort()).toEqual(['allow-dns', 'allow-kong-to-aikernel', 'allow-kong-to-apiserver', 'allow-kong-to-postgres', 'allow-kong-to-redis', 'default-deny']);
  });

  it('exposes the connection capacity for the connections alert', () => {
    expect(build({ tuning: { workerProcesses: 4, workerConnections: 4096 } }).kong.connectionCapacity).toBe(16384);
  });

  it('passes the validator and the security rules', () => {
    const { objects, app } = build();
    expect(validationIssues(objects)).toEqual([]);
    expect(securityFindings(app)).toEqual([]);
  });

  describe('fails when', () => {
    const make = (props: Partial<KongGatewayProps>) => () => build(props);
    it('an image is not pinned', () => {
      expect(make({ image: 'kong' })).toThrow(/test\/kong\/kong: image has no tag, so it means ':latest' and is not pinned/);
      expect(make({ controllerImage: 'kong/kubernetes-ingress-controller:latest' })).toThrow(/controllerImage uses the ':latest' tag/);
    });
    it('replicas are below 2 or out of order', () => {
      expect(make({ minReplicas: 1 })).toThrow(/minReplicas must be an integer of at least 2/);
      expect(make({ minReplicas: 5, maxReplicas: 3 })).toThrow(/maxReplicas must be an integer >= minReplicas \(5\) \(received: 3\)/);
      expect(make({ cpuUtilization: 0 })).toThrow(/cpuUtilization must be an integer percentage between 1 and 100/);
    });
    it('tuning values are out of range', () => {
      expect(make({ tuning: { workerProcesses: 0 } })).toThrow(/tuning.workerProcesses must be an integer between 1 and 64/);
      expect(make({ tuning: { workerConnections: 10 } })).toThrow(/tuning.workerConnections must be an integer between 512 and 65536/);
      expect(make({ tuning: { memCacheSize: '1g' } })).toThrow(/tuning.memCacheSize must be a size in k or m units \(Kong's mem_cache_size\) \(received: "1g"\)/);
    });
    it('the database password Secret is in another namespace, or the reference is malformed', () => {
      expect(make({ database: database({ password: { secret: SecretRef.named('pg', { namespace: 'data' }), key: 'password' } }) })).toThrow(
        /database.password.secret is in namespace 'data', but pods read secretKeyRef only from their own namespace 'kong'/,
      );
      expect(make({ database: database({ host: 'PG!' }) })).toThrow(/database.host must be a lower-case host name/);
      expect(make({ database: database({ ssl: false, sslVerify: true }) })).toThrow(/database.sslVerify needs ssl: true/);
    });
    it('extra environment is not a Kong setting or holds a credential', () => {
      expect(make({ environment: { FOO: 'x' } })).toThrow(/environment.FOO must be a Kong setting/);
      expect(make({ environment: { KONG_ADMIN_TOKEN: 'hunter2' } })).toThrow(/KONG_ADMIN_TOKEN holds what looks like a literal value under the credential name 'KONG_ADMIN_TOKEN'/);
      expect(make({ environment: { KONG_PG_HOST: 'elsewhere' } })).toThrow(/environment.KONG_PG_HOST is set by KongGateway itself/);
    });
    it('a watched namespace is listed twice', () => {
      const f = setup(['kong'], { requireAccessPolicies: false });
      expect(() => new KongGateway(f.ns.kong, 'kong', { database: database(), watchNamespaces: [f.ns.kong] })).toThrow(/watchNamespaces lists a namespace twice/);
    });
    it('an upstream port is invalid', () => {
      expect(make({ upstreams: [{ namespace: 'aikernel', ports: [0] }] })).toThrow(/upstreams\[0\].ports\[0\] must be an integer between 1 and 65535/);
      expect(make({ upstreams: [{ namespace: 'aikernel', ports: [] }] })).toThrow(/upstreams\[0\].ports must list at least one port/);
    });
  });
});
