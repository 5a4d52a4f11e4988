import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { CatalogError, parseCatalog } from '../../src/platform/catalog-loader';
import { ModelServingPlatform, ModelServingPlatformOptions } from '../../src/platform/model-serving-platform';
import { CertificateIssuer } from '../../src/tls/certificate';
import { database, redis, securityFindings, validationIssues } from '../kong/fixtures';
import { findObject, objectsOfKind, synthObjects } from '../util';
import { BASE, positionOf } from './fixtures';

const OPTIONS: ModelServingPlatformOptions = {
  hostname: 'api.example.com',
  allowBackendNamespaces: ['apps'],
  certificate: { issuer: CertificateIssuer.clusterIssuer('letsencrypt-prod') },
  kong: { database: database(), backup: { storageClassName: 'encrypted-ssd' } },
  redis: redis(),
};

function build(text = BASE, options: Partial<ModelServingPlatformOptions> = {}) {
  const app = Testing.app();
  const platform = new ModelServingPlatform(app, 'catalog', parseCatalog(text, 'catalog.yaml'), { ...OPTIONS, ...options });
  return { app, platform, objects: synthObjects(app) };
}

const plugins = (objects: ReturnType<typeof build>['objects'], route: string) => findObject(objects, 'HTTPRoute', route, 'kong').metadata.annotations?.['konghq.com/plugins'].split(',');

describe('ModelServingPlatform.fromCatalog on Kong', () => {
  const { objects, app, platform } = build();

  it('routes each service endpoint to its Service, across namespaces with a ReferenceGrant', () => {
    const r = findObject(objects, 'HTTPRoute', 'registry', 'kong');
    expect(r.metadata.labels?.['app.kubernetes.io/version']).toBe('v1.0.0');
    expect(r.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'kong', sectionName: 'https' }]);
    expect(r.spec.rules).toEqual([
      {
        backendRefs: [{ name: 'registry', namespace: 'apps', port: 8080 }],
        matches: [
          { method: 'GET', path: { type: 'PathPrefix', value: '/api/v1' } },
          { method: 'POST', path: { type: 'PathPrefix', value: '/api/v1' } },
        ],
      },
    ]);
    expect(findObject(objects, 'HTTPRoute', 'orders', 'kong').spec.rules[0].matches).toEqual([{ path: { type: 'Exact', value: '/orders' } }]);
    const grant = findObject(objects, 'ReferenceGrant', 'httproute-from-kong-to-registry', 'apps');
    expect(grant.spec).toEqual({ from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'kong' }], to: [{ group: '', kind: 'Service', name: 'registry' }] });
    expect(objectsOfKind(objects, 'Namespace').map((n) => n.metadata.name).sort()).toEqual(['kong', 'models']); // apps is managed elsewhere
  });

  it('protects a JWT service with jwt, its limits in Redis per client address', () => {
    expect(plugins(objects, 'registry')).toEqual(['kong-prometheus', 'registry-acl-registry', 'registry-jwt', 'registry-rate-limit-standard']);
    const rl = findObject(objects, 'KongPlugin', 'registry-rate-limit-standard', 'kong') as any;
    expect(rl.config).toMatchObject({ minute: 100, hour: 1000, day: 10000, limit_by: 'ip', policy: 'redis' });
    expect(rl.configPatches).toEqual([{ path: '/redis/password', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } }]);
    const key = findObject(objects, 'ExternalSecret', 'registry-jwt-issuer-jwt', 'kong');
    expect(key.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
    expect(platform.accessPolicies.get('registry')?.counterKey).toBe('client-ip');
  });

  it('protects a key-auth service with one consumer per catalog key holder', () => {
    expect(plugins(objects, 'orders')).toEqual(['kong-prometheus', 'orders-acl-orders', 'orders-key-auth']);
    expect((findObject(objects, 'KongConsumer', 'orders-batch', 'kong') as any).username).toBe('batch');
    expect(findObject(objects, 'ExternalSecret', 'orders-batch-key-auth', 'kong').spec.data).toEqual([{ secretKey: 'key', remoteRef: { key: 'kong/keys/batch' } }]);
  });

  it('declares a service without auth public, naming the catalog entry, with CORS and a per-address limit', () => {
    expect(platform.routes.get('web')?.accessState()).toEqual({ kind: 'public', reason: 'Public by catalog catalog.yaml: services[2] \'web\' does not set auth.required: "true"' });
    expect(plugins(objects, 'web')).toEqual(['kong-prometheus', 'web-cors', 'web-rate-limit']);
    expect((findObject(objects, 'KongPlugin', 'web-cors') as any).config).toEqual({ origins: ['https://portal.example.com'], methods: ['GET', 'OPTIONS'], credentials: false, preflight_continue: false });
    expect((findObject(objects, 'KongPlugin', 'web-rate-limit') as any).config).toMatchObject({ minute: 300, limit_by: 'ip', policy: 'redis' });
  });

  it('serves a model with KServe behind the same gateway', () => {
    const isvc = findObject(objects, 'InferenceService', 'iris', 'models');
    expect(isvc.spec.predictor.model).toMatchObject({ modelFormat: { name: 'sklearn' }, storageUri: 'gs://kfserving-examples/models/sklearn/iris' });
    expect(findObject(objects, 'HTTPRoute', 'iris', 'kong').spec.rules[0].backendRefs).toEqual([{ name: 'iris-predictor', namespace: 'models', port: 80 }]);
    expect(platform.routes.get('iris')?.accessState().kind).toBe('public');
  });

  it('runs Kong watching the route, model and upstream namespaces, with egress to the upstream pod ports', () => {
    const env = findObject(objects, 'Deployment', 'kong', 'kong').spec.template.spec.containers[1].env;
    expect(env.find((e: { name: string }) => e.name === 'CONTROLLER_WATCH_NAMESPACE').value).toBe('apps,kong,models');
    expect(findObject(objects, 'NetworkPolicy', 'allow-kong-to-apps', 'kong').spec.egress[0].ports.map((p: { port: number }) => p.port)).toEqual([8080]);
    // The controller reads the upstream Services (and their EndpointSlices) in the namespaces it watches.
    const role = findObject(objects, 'Role', 'kong-ingress-controller', 'apps') as any;
    expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['configmaps', 'secrets', 'services'], verbs: ['get', 'list', 'watch'] });
    expect(role.rules).toContainEqual({ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] });
    expect(findObject(objects, 'Gateway', 'kong', 'kong').spec.listeners.map((l: { name: string; port: number }) => `${l.name}:${l.port}`)).toEqual(['http:80', 'https:443']);
    expect(findObject(objects, 'HTTPRoute', 'https-redirect', 'kong').spec.rules[0].filters[0].requestRedirect).toEqual({ scheme: 'https', statusCode: 301 });
    expect(findObject(objects, 'Certificate', 'kong-tls', 'kong').spec.dnsNames).toEqual(['api.example.com']);
  });

  it('passes the validator and the security rules', () => {
    expect(validationIssues(objects)).toEqual([]);
    expect(securityFindings(app)).toEqual([]);
  });
});

/** The base catalog without JWT and limits (kgateway's JWT needs a JWKS backend, its limits a rate-limit service). */
const KGATEWAY_CATALOG = BASE.replace(/ {4}metadata:\n {6}rateLimit\.minute: "100"[\s\S]*?auth\.required: "true"\n/, '')
  .replace(/ {6}rateLimit\.minute: 300\n/, '')
  .replace(/jwtIssuers:[\s\S]*?consumers:/, 'consumers:');

describe('ModelServingPlatform on another provider', () => {
  const text = KGATEWAY_CATALOG;
  const options = { provider: GatewayProvider.KGATEWAY, kong: undefined, redis: undefined };

  it('compiles the same catalog to kgateway: standard CORS filter, policies by the kgateway engine, no Kong workload', () => {
    const { objects, app } = build(text, options);
    expect(findObject(objects, 'Gateway', 'gateway', 'gateway').spec.gatewayClassName).toBe('kgateway');
    expect(objectsOfKind(objects, 'Deployment')).toEqual([]);
    expect(objectsOfKind(objects, 'KongPlugin')).toEqual([]);
    expect(findObject(objects, 'HTTPRoute', 'web', 'gateway').spec.rules[0].filters).toEqual([{ type: 'CORS', cors: { allowOrigins: ['https://portal.example.com'], allowMethods: ['GET', 'OPTIONS'] } }]);
    expect(objectsOfKind(objects, 'TrafficPolicy').length).toBeGreaterThan(0);
    expect(validationIssues(objects)).toEqual([]);
    expect(securityFindings(app)).toEqual([]);
  });

  it('fails with file and line for a Kong-only feature', () => {
    const restricted = text.replace('      cors.enabled: "true"', '      ipRestriction.allow: "10.0.0.0/8"\n      cors.enabled: "true"');
    const pos = positionOf(restricted, 'ipRestriction.allow');
    expect(() => build(restricted, options)).toThrow(new RegExp(`^catalog\\.yaml:${pos.line}:${pos.column + 'ipRestriction.allow: '.length}: services\\[2\\]\\.metadata\\.ipRestriction\\.allow: needs Kong's ip-restriction plugin, but the provider is kgateway`));
    const limited = text.replace('      cors.enabled: "true"', '      rateLimit.minute: "5"\n      cors.enabled: "true"');
    expect(() => build(limited, { ...options, redis: redis() })).toThrow(/services\[2\]\.metadata\.rateLimit\.minute: limits a public entry, which needs Kong's rate-limiting by client address/);
  });
});

describe('ModelServingPlatform fails when', () => {
  it('two Kong JWT services share an issuer', () => {
    const text = BASE.replace('      auth.type: key-auth\n      auth.required: true', '      auth.type: jwt\n      auth.required: true').replace('consumers:\n  - userId: batch\n    service: orders\n    remoteKey: kong/keys/batch\n', '');
    const second = text.indexOf('auth.type: jwt', text.indexOf('name: orders'));
    const line = text.slice(0, second).split('\n').length;
    expect(() => build(text)).toThrow(new RegExp(`^catalog\\.yaml:${line}:18: services\\[1\\]\\.metadata\\.auth\\.type: is jwt with issuer 'auth', already used by services\\[0\\] 'registry'`));
  });

  it('an entry sets limits but no Redis is given', () => {
    expect(() => build(BASE, { redis: undefined })).toThrow(/catalog: redis is required: services\[0\] 'registry' of catalog\.yaml sets rate limits/);
  });

  it('the provider is Kong without Kong options, or Kong options are given for another provider', () => {
    expect(() => build(BASE, { kong: undefined })).toThrow(/catalog: kong is required when the provider is Kong/);
    // The catalog is checked first: the base catalog's public, rate-limited entry needs Kong.
    expect(() => build(BASE, { provider: GatewayProvider.KGATEWAY })).toThrow(CatalogError);
    expect(() => build(BASE, { provider: GatewayProvider.KGATEWAY })).toThrow(/^catalog\.yaml:\d+:\d+: services\[2\]\.metadata\.rateLimit\.minute: limits a public entry, which needs Kong's rate-limiting by client address, but the provider is kgateway \(received: 300\)\. Fix: /);
    // A catalog kgateway can serve, with Kong options left in.
    expect(() => build(KGATEWAY_CATALOG, { provider: GatewayProvider.KGATEWAY, redis: undefined })).toThrow(ModelServingError);
    expect(() => build(KGATEWAY_CATALOG, { provider: GatewayProvider.KGATEWAY, redis: undefined })).toThrow(/^catalog: kong only applies to the Kong provider \(provider: kgateway\) \(received: \{.*\)\. Fix: remove the kong options, or use GatewayProvider\.KONG$/);
  });

  it('an entry uses a name the platform reserves', () => {
    expect(() => build(BASE.replace('name: web', 'name: https-redirect'))).toThrow(/services\[2\]\.name: is reserved by the platform \(https-redirect\)/);
  });
});
