import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Testing } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { KubeObject } from '../../src/delivery/manifest';
import { synthPlatforms, writePlatforms } from '../../src/delivery/synth';
import { toYaml } from '../../src/delivery/yaml';
import { CatalogError } from '../../src/platform/catalog-loader';
import { platformAsset } from '../../src/platforms/assets';
import { ModelServingPlatform } from '../../src/platform/model-serving-platform';
import { KONG_GATEWAY_CATALOG, kongGatewayOptions, kongGatewayPlatform } from '../../src/platforms/kong-gateway';
import { podsOf } from '../../src/security/pod-specs';
import { validatePlatforms } from '../../src/validate';
import { formatIssue } from '../../src/validate';
import { diffDirs } from '../dir-compare';
import { securityFindings } from '../kong/fixtures';
import { findObject, objectsOfKind, synthObjects } from '../util';

const CATALOG = platformAsset(KONG_GATEWAY_CATALOG);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kong-gateway-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the committed catalog with `edit` applied, in a temporary folder. */
function catalogCopy(name: string, edit: (text: string) => string): string {
  const file = path.join(tmp, name);
  const text = fs.readFileSync(CATALOG, 'utf8');
  const edited = edit(text);
  expect(edited).not.toBe(text);
  fs.writeFileSync(file, edited);
  return file;
}

/** `Kind/namespace/name` -> YAML of every object of the platform built from `catalogFile` (with `allow` added to its allowed backend namespaces). */
function objectMap(catalogFile?: string, allow: readonly string[] = []): Map<string, string> {
  const app = Testing.app();
  if (allow.length === 0) kongGatewayPlatform(app, { catalogFile });
  else {
    const options = kongGatewayOptions();
    ModelServingPlatform.fromCatalog(app, 'kong-gateway', catalogFile as string, { ...options, allowBackendNamespaces: [...(options.allowBackendNamespaces ?? []), ...allow] });
  }
  return new Map(synthObjects(app).map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, toYaml(o)]));
}

/** What changed between two object maps. */
function changes(before: Map<string, string>, after: Map<string, string>): { added: string[]; removed: string[]; changed: string[] } {
  return {
    added: [...after.keys()].filter((k) => !before.has(k)).sort(),
    removed: [...before.keys()].filter((k) => !after.has(k)).sort(),
    changed: [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k)).sort(),
  };
}

describe('kong-gateway platform', () => {
  const app = Testing.app();
  const platform = kongGatewayPlatform(app);
  const objects: KubeObject[] = synthObjects(app);
  const baseline = new Map(objects.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, toYaml(o)]));

  it('is built from the committed catalog: 4 services, the internal console and a model', () => {
    expect(platform.platformName).toBe('kong-gateway');
    expect(platform.source.file).toBe('src/platforms/catalogs/kong-gateway.yaml');
    expect([...platform.routes.keys()]).toEqual(['model-registry', 'inventory-api', 'catalog-browser', 'ops-console', 'fraud-detector']);
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort()).toMatchSnapshot();
  });

  it('protects the JWT service with minute/hour/day limits in Redis and transforms its traffic', () => {
    const route = findObject(objects, 'HTTPRoute', 'model-registry', 'kong');
    expect(route.metadata.annotations?.['konghq.com/plugins'].split(',')).toEqual([
      'kong-prometheus',
      'model-registry-acl-model-registry',
      'model-registry-jwt',
      'model-registry-rate-limit-standard',
      'model-registry-request-transformer',
      'model-registry-response-transformer',
      'opentelemetry',
    ]);
    expect((findObject(objects, 'KongPlugin', 'model-registry-rate-limit-standard') as any).config).toMatchObject({ minute: 100, hour: 1000, day: 10000, policy: 'redis', limit_by: 'ip' });
    expect((findObject(objects, 'KongPlugin', 'model-registry-request-transformer') as any).config).toEqual({ remove: { headers: ['x-debug'] }, add: { headers: ['x-gateway:kong'] } });
    expect((findObject(objects, 'KongPlugin', 'model-registry-response-transformer') as any).config).toEqual({ remove: { headers: ['server', 'x-powered-by'] } });
  });

  it('protects the key-auth service and the model with one Kong consumer per key holder', () => {
    for (const [route, holders] of [
      ['inventory-api', ['billing-batch', 'partner-acme']],
      ['fraud-detector', ['fraud-scoring']],
    ] as const) {
      expect(findObject(objects, 'HTTPRoute', route, 'kong').metadata.annotations?.['konghq.com/plugins']).toContain(`${route}-key-auth`);
      for (const h of holders) expect((findObject(objects, 'KongConsumer', `${route}-${h}`, 'kong') as any).username).toBe(h);
    }
    expect(findObject(objects, 'InferenceService', 'fraud-detector', 'kong-models').spec.predictor).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
  });

  it('serves the public service with CORS and a per-address limit', () => {
    expect(platform.routes.get('catalog-browser')?.accessState().kind).toBe('public');
    expect((findObject(objects, 'KongPlugin', 'catalog-browser-cors') as any).config).toMatchObject({ origins: ['https://portal.aikernel.io'], methods: ['GET', 'OPTIONS'], headers: ['Authorization', 'Content-Type'] });
    expect((findObject(objects, 'KongPlugin', 'catalog-browser-rate-limit') as any).config).toMatchObject({ minute: 300, limit_by: 'ip' });
  });

  it('restricts the internal console to private networks', () => {
    expect((findObject(objects, 'KongPlugin', 'ops-console-ip-restriction') as any).config).toEqual({ allow: ['10.0.0.0/8', '192.168.0.0/16'] });
    expect(findObject(objects, 'HTTPRoute', 'ops-console', 'kong').metadata.annotations?.['konghq.com/plugins']).toContain('ops-console-ip-restriction');
  });

  it('runs Kong 3 to 10 replicas on PostgreSQL with migrations, a backup, TLS 1.3 and the write-up tuning', () => {
    const d = findObject(objects, 'Deployment', 'kong', 'kong');
    const env = Object.fromEntries(d.spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ KONG_NGINX_WORKER_PROCESSES: '4', KONG_NGINX_EVENTS_WORKER_CONNECTIONS: '16384', KONG_MEM_CACHE_SIZE: '256m', KONG_SSL_CIPHER_SUITE: 'modern', KONG_TRACING_INSTRUMENTATIONS: 'all' });
    expect(findObject(objects, 'HorizontalPodAutoscaler', 'kong').spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect(findObject(objects, 'Job', 'kong-migrations').metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
    const backup = findObject(objects, 'CronJob', 'kong-backup', 'kong');
    expect(backup.spec.jobTemplate.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'BACKUP_RETENTION').value).toBe('14');
    expect(findObject(objects, 'PersistentVolumeClaim', 'kong-backup').spec.storageClassName).toBe('encrypted-ssd');
    const cert = findObject(objects, 'Certificate', 'kong-tls', 'kong');
    expect(cert.spec).toMatchObject({ dnsNames: ['api.aikernel.io'], duration: '2160h', renewBefore: '720h', privateKey: { algorithm: 'ECDSA', size: 256 } });
    expect(findObject(objects, 'Gateway', 'kong').spec.listeners[1].tls.certificateRefs[0].name).toBe(cert.spec.secretName);
  });

  it('monitors Kong: the pods it creates, the write-up alerts and a dashboard', () => {
    const monitor = findObject(objects, 'PodMonitor', 'kong', 'kong');
    const labels = findObject(objects, 'Deployment', 'kong').spec.template.metadata.labels;
    for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels)) expect(labels[k]).toBe(v);
    const alerts = findObject(objects, 'PrometheusRule', 'kong-alerts').spec.groups.flatMap((g: { rules: Array<{ alert: string; expr: string }> }) => g.rules);
    expect(alerts.map((a: { alert: string }) => a.alert).sort()).toEqual(['KongConnectionsHigh', 'KongDown', 'KongErrorRateHigh', 'KongLatencyHigh', 'KongUpstreamUnhealthy']);
    // The connections alert uses this workload's capacity: 4 workers x 16384 connections, 80%.
    expect(alerts.find((a: { alert: string }) => a.alert === 'KongConnectionsHigh').expr).toContain('52428.8');
    const dashboard = findObject(objects, 'ConfigMap', 'kong-dashboard', 'kong') as any;
    expect(dashboard.metadata.labels.grafana_dashboard).toBe('1');
    const model = JSON.parse(dashboard.data['kong-dashboard.json']);
    expect(model.title).toBe('Kong kong/kong');
    expect(model.panels.map((p: { title: string }) => p.title)).toEqual(expect.arrayContaining(['Requests per service', 'Error ratio (5xx)', 'Latency', 'Active connections per pod', 'Unhealthy upstream targets']));
    expect(findObject(objects, 'KongClusterPlugin', 'access-log').metadata.namespace).toBeUndefined();
  });

  it('passes the validator (schemas, CEL, metadata) and every security rule', () => {
    expect(validatePlatforms(synthPlatforms(app)).map(formatIssue)).toEqual([]);
    expect(securityFindings(platform)).toEqual([]);
  });

  it('pins every image and grants no wildcard', () => {
    for (const o of objects) {
      for (const pod of podsOf(o)) {
        // KServe models run the runtime's image (no image field); every image we set is tagged with a version.
        for (const c of pod.containers) if (c.container.image !== undefined) expect(c.container.image, `${o.kind}/${o.metadata.name}`).toMatch(/^[a-z0-9./-]+:[0-9][\w.-]*$/);
      }
      if (o.kind === 'Role' || o.kind === 'ClusterRole') expect(JSON.stringify((o as any).rules)).not.toContain('"*"');
    }
  });

  it('writes no password or key value to dist/: credentials are references only', () => {
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
    for (const o of objects) {
      for (const pod of podsOf(o)) {
        for (const c of pod.containers) {
          for (const e of c.container.env ?? []) {
            if (/PASSWORD|TOKEN|SECRET|KEY/.test(e.name)) expect(e.value, `${o.metadata.name} ${e.name}`).toBeUndefined();
          }
        }
      }
      if (o.kind === 'KongPlugin') expect(JSON.stringify((o as any).config ?? {})).not.toMatch(/"(password|key|secret|rsa_public_key)":/);
      if (o.kind === 'ExternalSecret') {
        // Credential values come from the store through template references; literals are only ACL groups, the issuer (a jwt key) and its algorithm.
        for (const [k, v] of Object.entries((o as any).spec.target.template.data ?? {})) {
          if (!String(v).startsWith('{{')) expect(['group', 'key', 'algorithm'], `${o.metadata.name} ${k}`).toContain(k);
        }
      }
    }
    const text = objects.map((o) => toYaml(o)).join('\n');
    expect(text).not.toMatch(/-----BEGIN/);
    expect(text).not.toMatch(/^\s*(password|api_key|apikey):\s*\S/m);
    expect((findObject(objects, 'Deployment', 'kong').spec.template.spec.containers[0].env as Array<{ name: string; valueFrom?: unknown }>).find((e) => e.name === 'KONG_PG_PASSWORD')?.valueFrom).toEqual({
      secretKeyRef: { name: 'kong-postgres-credentials', key: 'password' },
    });
  });

  describe('editing the catalog (in a temporary copy) changes exactly the expected objects', () => {
    it('a limit: only that rate-limiting plugin', () => {
      const file = catalogCopy('limit.yaml', (t) => t.replace('rateLimit.minute: "60"', 'rateLimit.minute: "90"'));
      expect(changes(baseline, objectMap(file))).toEqual({ added: [], removed: [], changed: ['KongPlugin/kong/inventory-api-rate-limit-standard'] });
    });

    it('a new public service: its route and the ReferenceGrant in its namespace', () => {
      const file = catalogCopy('added.yaml', (t) =>
        t.replace(
          'models:\n',
          'services:\n  - name: status-page\n    version: v1.0.0\n    endpoints:\n      - { protocol: http, host: status.aikernel.svc.cluster.local, port: 8080, path: /status/* }\nmodels:\n',
        ).replace(/\nservices:\n([\s\S]*?)\nservices:\n/, '\nservices:\n$1\n'),
      );
      expect(changes(baseline, objectMap(file))).toEqual({ added: ['HTTPRoute/kong/status-page', 'ReferenceGrant/aikernel/httproute-from-kong-to-status'], removed: [], changed: [] });
    });

    it('a service in a new namespace: refused from the catalog alone; allowed in code, also the controller Role, its egress and watch list', () => {
      const file = catalogCopy('namespace.yaml', (t) => t.replace('host: inventory.aikernel.svc.cluster.local', 'host: inventory.supply-chain.svc.cluster.local'));
      expect(() => objectMap(file)).toThrow(/services\[1\]\.endpoints\[0\]\.host: routes service 'inventory-api' into the namespace 'supply-chain', which allowBackendNamespaces does not list \(deny by default\)/);
      expect(changes(baseline, objectMap(file, ['supply-chain']))).toEqual({
        added: ['NetworkPolicy/kong/allow-kong-to-supply-chain', 'ReferenceGrant/supply-chain/httproute-from-kong-to-inventory', 'Role/supply-chain/kong-ingress-controller', 'RoleBinding/supply-chain/kong-ingress-controller'],
        removed: ['ReferenceGrant/aikernel/httproute-from-kong-to-inventory'],
        changed: ['Deployment/kong/kong', 'HTTPRoute/kong/inventory-api'],
      });
    });
  });

  describe('a malformed catalog fails synth with file, line and field, and leaves the output untouched', () => {
    const outdir = path.join(tmp, 'dist');
    const synthInto = (catalogFile?: string) => {
      const synthApp = new App({ outdir });
      kongGatewayPlatform(synthApp, { catalogFile });
      writePlatforms(synthPlatforms(synthApp), { outdir });
    };
    const snapshot = path.join(tmp, 'dist-before');

    it.each([
      ['wrong type', (t: string) => t.replace('port: 9000', 'port: nine-thousand'), /services\[3\]\.endpoints\[0\]\.port: must be a number/],
      ['unknown auth.type', (t: string) => t.replace('auth.type: key-auth\n      auth.required: "true"\n\n  # Public', 'auth.type: basic-auth\n      auth.required: "true"\n\n  # Public'), /services\[1\]\.metadata\.auth\.type: must be one of "jwt", "key-auth"/],
      ['negative limit', (t: string) => t.replace('rateLimit.day: "10000"', 'rateLimit.day: "-10000"'), /services\[0\]\.metadata\.rateLimit\.day: must be a positive whole number/],
      ['duplicate service name', (t: string) => t.replace('  - name: ops-console\n', '  - name: inventory-api\n'), /services\[3\]\.name: duplicates the name of services\[1\]/],
      ['unknown key', (t: string) => t.replace('    description: Model metadata and lineage\n', '    description: Model metadata and lineage\n    owner: ml-platform\n'), /services\[0\]\.owner: is not a known field/],
    ])('%s', (name, edit, field) => {
      if (!fs.existsSync(snapshot)) {
        synthInto();
        fs.cpSync(outdir, snapshot, { recursive: true });
      }
      const file = catalogCopy(`${String(name).replace(/\W+/g, '-')}.yaml`, edit);
      let error: unknown;
      try {
        synthInto(file);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CatalogError);
      const message = (error as Error).message;
      // One line per problem, each `<file>:<line>:<column>: <field>: ...` (renaming a service also orphans its consumer).
      expect(message).toMatch(new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')}:\\d+:\\d+: ${field.source}`, 'm'));
      expect(diffDirs(snapshot, outdir)).toEqual([]);
    });
  });
});
