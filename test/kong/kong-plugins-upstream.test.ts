/**
 * The typed factories of bundled Kong plugins added for issue 16 §4
 * (correlation-id, basic-auth, oauth2, proxy-cache, the full
 * request-termination), proved on the upstream files of
 * `../shared/examples/kong` that use them, and on the rules of the plugin
 * schemas of Kong 3.9 (kong/plugins/<name>/schema.lua at tag 3.9.1).
 *
 * Rebuilt: the KongPlugins (through the typed factories) and KongConsumers
 * of each file, in a plain chart in namespace `default`. Not rebuilt:
 * NOT_REBUILT below. The shared set holds no oauth2, proxy-cache or
 * request-termination file; those factories are proved by the schema rules
 * below.
 *
 * Hardening the factories add, asserted per object: `basic-auth`
 * hides the credential from the backend (`config.hide_credentials: true`;
 * Kong's default sends the password upstream).
 */
import * as path from 'node:path';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { KongConsumer } from '../../src/policy/kong/kong-consumer';
import { KongPlugin } from '../../src/policy/kong/kong-plugin';
import { formatIssue, validateObject } from '../../src/validate';
import { compareWithUpstream, Json, objectKey, readObjects } from '../upstream-compare';

const EXAMPLES = path.resolve(__dirname, '../../../shared/examples/kong');
const REBUILT = new Set(['KongPlugin', 'KongConsumer']);
const NOT_REBUILT: Readonly<Record<string, string>> = {
  Secret: 'literal credentials: the library never emits Secret data (KongCredential makes them in the cluster)',
  KongServiceFacade: 'no CRD pinned in shared/crds (KNOWN-INVALID.md: unsupported kind)',
  Service: 'not a Kong kind',
  EndpointSlice: 'not a Kong kind',
  Deployment: 'not a Kong kind',
  Ingress: 'not a Kong kind',
};

/** Each hardening path a factory adds, with its reason. */
const HARDENING: Readonly<Record<string, string>> = {
  'config.hide_credentials': 'basic-auth strips the Authorization header before proxying (Kong default false would send the password to the backend)',
  config: 'a typed factory that hardens a plugin written without config adds the config object itself (here basic-auth hide_credentials: true)',
};

interface Case {
  readonly file: string;
  readonly build: (chart: Chart) => void;
  /** Paths our objects add, by `Kind/namespace/name`, each a key of HARDENING. @default - none */
  readonly extras?: Readonly<Record<string, readonly string[]>>;
}

const CASES: readonly Case[] = [
  {
    file: 'kubernetes-ingress-controller/internal/dataplane/testdata/golden/kongplugin-instance-name/in.yaml',
    build: (chart) => {
      KongPlugin.correlationId(chart, 'kong-id', { headerName: 'kong-id', instanceName: 'example' });
    },
  },
  {
    file: 'kubernetes-ingress-controller/internal/dataplane/testdata/golden/kong-service-facade/in.yaml',
    build: (chart) => {
      KongPlugin.basicAuth(chart, 'auth-alpha');
      KongPlugin.basicAuth(chart, 'auth-beta');
    },
    extras: { 'KongPlugin/default/auth-alpha': ['config'], 'KongPlugin/default/auth-beta': ['config'] },
  },
  {
    file: 'kubernetes-ingress-controller/examples/kong-service-facade.yaml',
    build: (chart) => {
      new KongPlugin(chart, 'key-auth', { plugin: 'key-auth', config: { key_names: ['key'] } });
      KongPlugin.basicAuth(chart, 'basic-auth');
      new KongConsumer(chart, 'alice', { username: 'alice', credentials: [SecretRef.named('alice-credentials')] });
      new KongConsumer(chart, 'bob', { username: 'bob', credentials: [SecretRef.named('bob-credentials')] });
    },
    extras: { 'KongPlugin/default/basic-auth': ['config'] },
  },
];

function synth(app: App): Json[] {
  return app.charts.flatMap((chart) => chart.toJson() as Json[]);
}

describe('upstream Kong plugin files rebuilt through the typed factories', () => {
  for (const c of CASES) {
    it(c.file, () => {
      const upstream = readObjects(path.join(EXAMPLES, c.file));
      for (const o of upstream.filter((x) => !REBUILT.has(x.kind as string))) expect(NOT_REBUILT, `${o.kind as string} is skipped with a reason`).toHaveProperty([o.kind as string]);
      const expected = upstream.filter((o) => REBUILT.has(o.kind as string));
      const app = Testing.app();
      c.build(new Chart(app, 'default', { namespace: 'default' }));
      const ours = synth(app);
      expect(ours.map(objectKey).sort()).toEqual(expected.map(objectKey).sort());
      for (const theirs of expected) {
        const key = objectKey(theirs);
        const mine = ours.find((o) => objectKey(o) === key)!;
        expect(validateObject(mine).map(formatIssue), key).toEqual([]);
        const { missing, extra } = compareWithUpstream(theirs, mine);
        expect(missing, `${key}: upstream fields we do not reproduce`).toEqual([]);
        const allowed = c.extras?.[key] ?? [];
        expect(extra, `${key}: fields we add`).toEqual([...allowed].sort());
        for (const p of allowed) expect(HARDENING, `${p} is documented`).toHaveProperty([p]);
      }
    });
  }

  it('the basic-auth hardening is the hide_credentials flag alone', () => {
    const c = new Chart(Testing.app(), 'c', { namespace: 'default' });
    KongPlugin.basicAuth(c, 'b');
    expect((c.toJson()[0] as Json).config).toEqual({ hide_credentials: true });
  });
});

function plugin(build: (c: Chart) => void): Json {
  const c = new Chart(Testing.app(), 'c', { namespace: 'models' });
  build(c);
  const o = c.toJson()[0] as Json;
  expect(validateObject(o).map(formatIssue)).toEqual([]);
  return o;
}

describe('KongPlugin.correlationId', () => {
  it('writes only what is given', () => {
    expect(plugin((c) => KongPlugin.correlationId(c, 'id')).config).toEqual({});
    expect(plugin((c) => KongPlugin.correlationId(c, 'id', { headerName: 'x-request-id', generator: 'uuid', echoDownstream: true })).config).toEqual({ header_name: 'x-request-id', generator: 'uuid', echo_downstream: true });
  });

  it('refuses a credential header, a bad header and an unknown generator', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(() => KongPlugin.correlationId(c, 'a', { headerName: 'Authorization' })).toThrow(/c\/a: config\.header_name is a credential header: the plugin would overwrite the credentials.*x-request-id/s);
    expect(() => KongPlugin.correlationId(c, 'b', { headerName: 'x id' })).toThrow(/config\.header_name must be a header name/);
    expect(() => KongPlugin.correlationId(c, 'd', { generator: 'random' as any })).toThrow(/config\.generator must be one of uuid, uuid#counter, tracker.*random/s);
  });
});

describe('KongPlugin.basicAuth', () => {
  it('keeps the password from the backend unless told, and refuses a realm that breaks the challenge', () => {
    expect(plugin((c) => KongPlugin.basicAuth(c, 'b', { hideCredentials: false, realm: 'models', anonymous: 'guest' })).config).toEqual({ hide_credentials: false, realm: 'models', anonymous: 'guest' });
    expect(() => KongPlugin.basicAuth(new Chart(Testing.app(), 'c'), 'b', { realm: 'a"b' })).toThrow(/c\/b: config\.realm must be a non-empty string without quotes/);
  });
});

describe('KongPlugin.oauth2', () => {
  it('renders the grants as Kong flags, never the implicit or password grant, and no provision_key', () => {
    const o = plugin((c) => KongPlugin.oauth2(c, 'oauth', { flows: ['client-credentials'], scopes: ['email'], tokenExpiration: Duration.hours(1) }));
    expect(o.config).toEqual({ enable_authorization_code: false, enable_client_credentials: true, enable_implicit_grant: false, enable_password_grant: false, scopes: ['email'], token_expiration: 3600, hide_credentials: true });
    expect(JSON.stringify(o)).not.toContain('provision_key');
  });

  it('refuses no grant, retired grants (RFC 9700), mandatory scope without scopes, never-expiring tokens', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(() => KongPlugin.oauth2(c, 'a', { flows: [] })).toThrow(/c\/a: config\.flows must list at least one grant \(Kong refuses an oauth2 plugin with every enable_\* false\)/);
    expect(() => KongPlugin.oauth2(c, 'b', { flows: ['implicit' as any] })).toThrow(/config\.flows\[0\] must be one of authorization-code, client-credentials \(the implicit grant is retired by the OAuth 2\.0 Security BCP, RFC 9700/);
    expect(() => KongPlugin.oauth2(c, 'd', { flows: ['password' as any] })).toThrow(/RFC 9700 section 2\.4/);
    expect(() => KongPlugin.oauth2(c, 'e', { flows: ['authorization-code'], mandatoryScope: true })).toThrow(/config\.mandatory_scope needs scopes/);
    expect(() => KongPlugin.oauth2(c, 'f', { flows: ['authorization-code'], tokenExpiration: Duration.seconds(0) })).toThrow(/config\.token_expiration must be whole seconds from 1 to 100000000 \(0 would never expire\).*0s/s);
    expect(() => KongPlugin.oauth2(c, 'g', { flows: ['authorization-code'], scopes: ['a b'] })).toThrow(/config\.scopes\[0\] must be an OAuth scope token/);
  });

  it('refuses a literal provision_key in the generic constructor (Kong generates it), without echoing it', () => {
    const t = () => new KongPlugin(new Chart(Testing.app(), 'c'), 'o', { plugin: 'oauth2', config: { enable_client_credentials: true, provision_key: 'kLw8pQ2xTz' } });
    expect(t).toThrow(/c\/o: config\.provision_key is a secret Kong generates for the plugin; a literal would be committed to dist\/.*leave it out/s);
    expect(t).not.toThrow(/kLw8pQ2xTz/);
  });
});

describe('KongPlugin.proxyCache', () => {
  it('caches GET and HEAD in memory and honours Cache-Control by default', () => {
    expect(plugin((c) => KongPlugin.proxyCache(c, 'cache', { cacheTtl: Duration.minutes(1), varyHeaders: ['accept'] })).config).toEqual({ strategy: 'memory', cache_ttl: 60, cache_control: true, vary_headers: ['accept'] });
  });

  it('refuses POST (the cache key ignores the body), bad statuses and TTLs', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(() => KongPlugin.proxyCache(c, 'a', { requestMethods: ['GET', 'POST' as any] })).toThrow(
      /c\/a: config\.request_method\[1\] is not cacheable here: Kong's cache key ignores the request body.*POST.*requestMethods: \['GET', 'HEAD'\]/s,
    );
    expect(() => KongPlugin.proxyCache(c, 'b', { responseCodes: [99] })).toThrow(/config\.response_code\[0\] must be a status from 100 to 900/);
    expect(() => KongPlugin.proxyCache(c, 'd', { cacheTtl: Duration.millis(500) })).toThrow(/config\.cache_ttl must be a positive whole number of seconds.*0\.5s/s);
    expect(() => KongPlugin.proxyCache(c, 'e', { contentTypes: ['json'] })).toThrow(/config\.content_type\[0\] must be a media type/);
  });
});

describe('KongPlugin.requestTermination (full)', () => {
  it('renders a raw body with its content type, or an echo on a trigger', () => {
    expect(plugin((c) => KongPlugin.requestTermination(c, 'gone', { statusCode: 410, body: '{"error":"model retired"}', contentType: 'application/json' })).config).toEqual({ status_code: 410, body: '{"error":"model retired"}', content_type: 'application/json' });
    expect(plugin((c) => KongPlugin.requestTermination(c, 'debug', { statusCode: 200, echo: true, trigger: 'x-debug-echo' })).config).toEqual({ status_code: 200, echo: true, trigger: 'x-debug-echo' });
  });

  it("refuses the combinations Kong's custom_validator refuses", () => {
    const c = new Chart(Testing.app(), 'c');
    expect(() => KongPlugin.requestTermination(c, 'a', { statusCode: 403, message: 'no', body: 'no' })).toThrow(/c\/a: config\.message cannot be used with body or contentType \(Kong refuses it\)/);
    expect(() => KongPlugin.requestTermination(c, 'b', { statusCode: 403, contentType: 'text/plain' })).toThrow(/config\.content_type needs body/);
    expect(() => KongPlugin.requestTermination(c, 'd', { statusCode: 403, echo: true, body: 'x' })).toThrow(/config\.echo cannot be used with body or contentType/);
    expect(() => KongPlugin.requestTermination(c, 'e', { statusCode: 700 })).toThrow(/config\.status_code must be an HTTP status code between 100 and 599.*700/s);
    expect(() => KongPlugin.requestTermination(c, 'f', { statusCode: 403, trigger: 'x debug' })).toThrow(/config\.trigger/);
  });
});

describe('KongConsumer.addPlugin', () => {
  it('refuses plugins Kong cannot scope to a consumer (no_consumer in their schema), and keeps per-consumer limits', () => {
    const c = new Chart(Testing.app(), 'c', { namespace: 'models' });
    const alice = new KongConsumer(c, 'alice', { username: 'alice' });
    expect(() => alice.addPlugin(KongPlugin.basicAuth(c, 'basic'))).toThrow(
      /c\/alice: metadata\.annotations\[konghq\.com\/plugins\] would scope the basic-auth plugin 'basic' to a consumer, which Kong refuses.*attach it to the route instead/s,
    );
    expect(() => new KongConsumer(c, 'bob', { username: 'bob', plugins: [KongPlugin.oauth2(c, 'oauth', { flows: ['client-credentials'] })] })).toThrow(/would scope the oauth2 plugin 'oauth'/);
    alice.addPlugin(KongPlugin.rateLimiting(c, 'limit', { minute: 10 }), KongPlugin.correlationId(c, 'cid'));
    expect((c.toJson().find((o: any) => o.metadata.name === 'alice') as any).metadata.annotations['konghq.com/plugins']).toBe('cid,limit');
  });
});

describe('KongPlugin.hmacAuth and udpLog', () => {
  it('renders hmac-auth with the signature hidden from the backend, and only the given options', () => {
    expect(plugin((c) => KongPlugin.hmacAuth(c, 'h')).config).toEqual({ hide_credentials: true });
    expect(plugin((c) => KongPlugin.hmacAuth(c, 'h', { algorithms: ['hmac-sha256'], enforceHeaders: ['date', 'request-line'], clockSkew: Duration.minutes(1), validateRequestBody: true })).config).toEqual({
      hide_credentials: true,
      algorithms: ['hmac-sha256'],
      enforce_headers: ['date', 'request-line'],
      clock_skew: 60,
      validate_request_body: true,
    });
  });

  it('refuses unknown or no algorithms, and a zero clock skew', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(() => KongPlugin.hmacAuth(c, 'a', { algorithms: [] })).toThrow(/c\/a: config\.algorithms must not be empty/);
    expect(() => KongPlugin.hmacAuth(c, 'b', { algorithms: ['hmac-md5' as any] })).toThrow(/config\.algorithms\[0\] must be one of hmac-sha1, hmac-sha256, hmac-sha384, hmac-sha512.*hmac-md5/s);
    expect(() => KongPlugin.hmacAuth(c, 'd', { clockSkew: Duration.seconds(0) })).toThrow(/config\.clock_skew must be a positive whole number of seconds/);
  });

  it('renders udp-log and refuses a bad host or port', () => {
    expect(plugin((c) => KongPlugin.udpLog(c, 'log', { host: 'example.com', port: 80 })).config).toEqual({ host: 'example.com', port: 80 });
    expect(plugin((c) => KongPlugin.udpLog(c, 'log', { host: '10.0.0.9', port: 514, timeout: Duration.seconds(2) })).config).toEqual({ host: '10.0.0.9', port: 514, timeout: 2000 });
    const c = new Chart(Testing.app(), 'c');
    expect(() => KongPlugin.udpLog(c, 'a', { host: 'udp://logs', port: 514 })).toThrow(/c\/a: config\.host must be a lower-case host name or an IP address.*udp:\/\/logs/s);
    expect(() => KongPlugin.udpLog(c, 'b', { host: 'logs', port: 70000 })).toThrow(/config\.port must be an integer between 1 and 65535.*70000/s);
  });
});

describe('Durations that are not whole seconds', () => {
  it('jwt maximumExpiration and cors maxAge get a ModelServingError, not a cdk8s conversion error', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(() => KongPlugin.jwt(c, 'j', { maximumExpiration: Duration.millis(1500) })).toThrow(/c\/j: config\.maximum_expiration must be between 1 second and 365 days.*1\.5s/s);
    expect(() => KongPlugin.cors(c, 'x', { origins: ['https://app.example.com'], maxAge: Duration.millis(1500) })).toThrow(/c\/x: config\.max_age must be a whole number of seconds >= 0.*1\.5/s);
  });
});
