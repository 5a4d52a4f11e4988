import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { CREDENTIAL_HEADERS } from '../../src/core/credentials';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { AccessLog, DEFAULT_LOG_FIELDS, KONG_REDACTED_HEADERS, KongAccessLog, LogField } from '../../src/observability/access-log';
import { findObject, setup, synthObjects } from '../util';

function gateway(provider: GatewayProvider) {
  const { app, ns } = setup(['edge']);
  const gw = new Gateway(ns.edge, 'gw', { provider, listeners: [Listener.https({ certificates: [SecretRef.named('c')], allowedRoutes: AllowedRoutes.sameNamespace() })] });
  return { app, ns, gw };
}

const NO_CREDENTIALS = /authorization|cookie|api-?key|token/i;

describe('AccessLog', () => {
  it('kgateway: a JSON file sink on the Gateway HTTPListenerPolicy with identity, model, status and latency', () => {
    const { app, ns, gw } = gateway(GatewayProvider.KGATEWAY);
    new AccessLog(ns.edge, 'access-log', { gateway: gw });
    const policy = findObject(synthObjects(app), 'HTTPListenerPolicy', 'gw-listener', 'edge');
    const format = policy.spec.accessLog[0].fileSink.jsonFormat;
    expect(policy.spec.accessLog[0].fileSink.path).toBe('/dev/stdout');
    expect(format).toMatchObject({ user_id: '%REQ(X-USER-ID)%', tier: '%REQ(X-USER-TIER)%', route: '%ROUTE_NAME%', status: '%RESPONSE_CODE%', latency_ms: '%DURATION%' });
    expect(format.path).toBe('%REQ_WITHOUT_QUERY(X-ENVOY-ORIGINAL-PATH?:PATH)%');
    expect(JSON.stringify(format)).not.toMatch(NO_CREDENTIALS);
    expect(policy).toMatchSnapshot();
  });

  it('Envoy Gateway: a JSON file access log on the Gateway EnvoyProxy', () => {
    const { app, ns, gw } = gateway(GatewayProvider.ENVOY_GATEWAY);
    new AccessLog(ns.edge, 'access-log', { gateway: gw });
    const objects = synthObjects(app);
    const proxy = findObject(objects, 'EnvoyProxy', 'gw-proxy', 'edge');
    expect(proxy.spec.telemetry.accessLog.settings).toEqual([
      { format: { type: 'JSON', json: expect.objectContaining({ user_id: '%REQ(X-USER-ID)%' }) }, sinks: [{ type: 'File', file: { path: '/dev/stdout' } }] },
    ]);
    expect(findObject(objects, 'Gateway', 'gw', 'edge').spec.infrastructure.parametersRef.name).toBe('gw-proxy');
  });

  it('Istio: a Telemetry selecting the gateway proxies, and the mesh-config provider with the format', () => {
    const { app, ns, gw } = gateway(GatewayProvider.ISTIO);
    const log = new AccessLog(ns.edge, 'access-log', { gateway: gw });
    const t = findObject(synthObjects(app), 'Telemetry', 'gw-access-log', 'edge');
    expect(t.spec).toEqual({ selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'gw' } }, accessLogging: [{ providers: [{ name: 'model-access-log' }] }] });
    expect(log.istioMeshConfigProvider().envoyFileAccessLog.logFormat.labels).toEqual(log.format);
  });

  it('Istio: the platform README shows the mesh-config provider with the audit fields, since dist/ cannot carry mesh config', () => {
    const { app, ns, gw } = gateway(GatewayProvider.ISTIO);
    const log = new AccessLog(ns.edge, 'access-log', { gateway: gw });
    const readme = buildPlatforms(app)[0].files['README.md'];
    const section = readme.slice(readme.indexOf('## Cluster setup outside dist/'), readme.indexOf('## Security waivers'));
    expect(section).toContain('### Istio mesh config: access log provider `model-access-log`');
    expect(section).toContain('The Telemetry `edge/gw-access-log` names the extension provider `model-access-log`');
    const yaml = parse(section.slice(section.indexOf('```yaml') + 7, section.lastIndexOf('```')));
    expect(yaml).toEqual({ meshConfig: { extensionProviders: [log.istioMeshConfigProvider()] } });
    for (const field of ['user_id', 'tier', 'status', 'latency_ms', 'route']) expect(yaml.meshConfig.extensionProviders[0].envoyFileAccessLog.logFormat.labels).toHaveProperty(field);
    expect(section.toLowerCase()).not.toContain('authorization');
  });

  it('Kong: a global file-log plugin that removes credential headers from the log', () => {
    const { app, ns } = setup(['kong']);
    new KongAccessLog(ns.kong, 'access-log');
    const p = findObject(synthObjects(app), 'KongClusterPlugin', 'access-log');
    expect(p.metadata.labels).toMatchObject({ global: 'true' });
    expect((p as unknown as { plugin: string }).plugin).toBe('file-log');
    const config = (p as unknown as { config: { custom_fields_by_lua: Record<string, string> } }).config;
    expect(config.custom_fields_by_lua['request.headers.authorization']).toBe('return nil');
    expect(config.custom_fields_by_lua['request.headers.x-api-key']).toBe('return nil');
  });

  it('both credential-header lists come from the one CREDENTIAL_HEADERS list', () => {
    // The Kong log removes every request-side name; every name is refused in an Envoy log format.
    expect(KONG_REDACTED_HEADERS).toEqual(CREDENTIAL_HEADERS.filter((h) => h !== 'set-cookie').sort());
    expect(KONG_REDACTED_HEADERS).toEqual(expect.arrayContaining(['authorization', 'cookie', 'x-api-key', 'x-auth-token', 'x-amz-security-token']));
    expect(KONG_REDACTED_HEADERS.every((h) => CREDENTIAL_HEADERS.includes(h))).toBe(true);
    for (const header of [...CREDENTIAL_HEADERS, 'X-Session-Token', 'x-db-password']) {
      const { ns, gw } = gateway(GatewayProvider.KGATEWAY);
      expect(() => new AccessLog(ns.edge, 'log', { gateway: gw, fields: [...DEFAULT_LOG_FIELDS, LogField.requestHeader('h', header)] }), header).toThrow(/fields\.h would write credentials/);
    }
  });

  it('the default fields never read a credential', () => {
    for (const f of DEFAULT_LOG_FIELDS) expect(f.envoy).not.toMatch(NO_CREDENTIALS);
  });

  describe('fails when', () => {
    it.each(['Authorization', 'Cookie', 'x-api-key', 'X-Auth-Token'])('a format would include the %s header', (header) => {
      const { ns, gw } = gateway(GatewayProvider.KGATEWAY);
      expect(() => new AccessLog(ns.edge, 'log', { gateway: gw, fields: [...DEFAULT_LOG_FIELDS, LogField.requestHeader('auth', header)] })).toThrow(
        /fields\.auth would write credentials \(Authorization, cookies, API keys or tokens\) to the logs/,
      );
    });

    it('a key is duplicated', () => {
      const { ns, gw } = gateway(GatewayProvider.KGATEWAY);
      expect(() => new AccessLog(ns.edge, 'log', { gateway: gw, fields: [LogField.status(), LogField.status()] })).toThrow(/fields has a duplicate key \(received: "status"\)/);
    });

    it('the provider has no access log here (Kong has its own)', () => {
      const { ns, gw } = gateway(GatewayProvider.KONG);
      expect(() => new AccessLog(ns.edge, 'log', { gateway: gw })).toThrow(/use kgateway, Envoy Gateway, Istio or agentgateway, or KongAccessLog for Kong/);
    });
  });
});
