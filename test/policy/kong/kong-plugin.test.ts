import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../../src/core/secret-ref';
import { KongConsumer } from '../../../src/policy/kong/kong-consumer';
import { attachedKongPlugins, attachKongPlugins, KongPlugin } from '../../../src/policy/kong/kong-plugin';
import { formatIssue, validateObject } from '../../../src/validate';
import { findObject, setup, synthObjects } from '../../util';

const ns = () => setup(['models'], { requireAccessPolicies: false });

describe('KongPlugin', () => {
  it('renders any plugin with config, instance name, protocols and disabled', () => {
    const { app, ns: n } = ns();
    new KongPlugin(n.models, 'correlation', { plugin: 'correlation-id', config: { header_name: 'x-request-id', echo_downstream: true }, instanceName: 'models-ids', protocols: ['https'], disabled: false });
    const p = findObject(synthObjects(app), 'KongPlugin', 'correlation', 'models') as any;
    expect(p.apiVersion).toBe('configuration.konghq.com/v1');
    expect(p.plugin).toBe('correlation-id');
    expect(p.config).toEqual({ header_name: 'x-request-id', echo_downstream: true });
    expect(p.instance_name).toBe('models-ids');
    expect(p.protocols).toEqual(['https']);
    expect(p.disabled).toBe(false);
    expect(p).toMatchSnapshot();
    expect(validateObject(p).map(formatIssue)).toEqual([]);
  });

  it('reads the whole config from a Secret (configFrom)', () => {
    const { app, ns: n } = ns();
    new KongPlugin(n.models, 'oidc', { plugin: 'key-auth', configFrom: { secret: SecretRef.named('plugin-config'), key: 'config' } });
    const p = findObject(synthObjects(app), 'KongPlugin', 'oidc') as any;
    expect(p.configFrom).toEqual({ secretKeyRef: { name: 'plugin-config', key: 'config' } });
    expect(p.config).toBeUndefined();
  });

  it('every factory emits a KongPlugin the apiserver accepts', () => {
    const { app, ns: n } = ns();
    KongPlugin.keyAuth(n.models, 'key-auth');
    KongPlugin.jwt(n.models, 'jwt');
    KongPlugin.acl(n.models, 'acl', { allow: ['a'] });
    KongPlugin.rateLimiting(n.models, 'rl', { minute: 1, policy: 'redis', redis: { host: 'redis', password: { secret: SecretRef.named('pw'), key: 'p' } } });
    KongPlugin.cors(n.models, 'cors', { origins: ['*'] });
    KongPlugin.requestTermination(n.models, 'rt', { statusCode: 403 });
    KongPlugin.requestTransformer(n.models, 'req', { add: { headers: { 'x-gateway': 'kong' } }, replace: { uri: '/v2' }, httpMethod: 'POST' });
    KongPlugin.responseTransformer(n.models, 'res', { remove: { headers: ['server'] }, add: { json: { gateway: 'kong' } } });
    KongPlugin.ipRestriction(n.models, 'ip', { allow: ['10.0.0.0/8', '2001:db8::/32'], deny: ['10.0.0.1'], status: 403, message: 'no' });
    const plugins = synthObjects(app).filter((o) => o.kind === 'KongPlugin');
    expect(plugins).toHaveLength(9);
    expect(plugins.flatMap((p) => validateObject(p).map(formatIssue))).toEqual([]);
  });

  describe('factories', () => {
    it('keyAuth: header only, key hidden from the backend by default', () => {
      const { app, ns: n } = ns();
      KongPlugin.keyAuth(n.models, 'key-auth', { keyNames: ['x-api-key'] });
      KongPlugin.keyAuth(n.models, 'key-auth-or', { anonymous: 'anon', keyInQuery: true, hideCredentials: false, runOnPreflight: false });
      const objects = synthObjects(app);
      expect((findObject(objects, 'KongPlugin', 'key-auth') as any).config).toEqual({ key_names: ['x-api-key'], key_in_header: true, key_in_query: false, key_in_body: false, hide_credentials: true });
      expect((findObject(objects, 'KongPlugin', 'key-auth-or') as any).config).toEqual({
        key_names: ['apikey'],
        key_in_header: true,
        key_in_query: true,
        key_in_body: false,
        hide_credentials: false,
        anonymous: 'anon',
        run_on_preflight: false,
      });
    });

    it('jwt: bearer header only, exp verified, optional maximum expiration', () => {
      const { app, ns: n } = ns();
      KongPlugin.jwt(n.models, 'jwt', { maximumExpiration: Duration.hours(1), claimsToVerify: ['nbf', 'exp'] });
      const p = findObject(synthObjects(app), 'KongPlugin', 'jwt') as any;
      expect(p.plugin).toBe('jwt');
      expect(p.config).toEqual({ header_names: ['authorization'], uri_param_names: [], cookie_names: [], claims_to_verify: ['exp', 'nbf'], key_claim_name: 'iss', maximum_expiration: 3600 });
    });

    it('acl: sorted, deduplicated allow list', () => {
      const { app, ns: n } = ns();
      KongPlugin.acl(n.models, 'acl', { allow: ['premium', 'basic', 'premium'] });
      KongPlugin.acl(n.models, 'deny', { deny: ['blocked'], hideGroupsHeader: true });
      const objects = synthObjects(app);
      expect((findObject(objects, 'KongPlugin', 'acl') as any).config).toEqual({ allow: ['basic', 'premium'], hide_groups_header: false });
      expect((findObject(objects, 'KongPlugin', 'deny') as any).config).toEqual({ deny: ['blocked'], hide_groups_header: true });
    });

    it('rateLimiting: windows, limit_by, Redis with TLS and the password as a config patch', () => {
      const { app, ns: n } = ns();
      KongPlugin.rateLimiting(n.models, 'rl', {
        minute: 60,
        hour: 1000,
        day: 10000,
        limitBy: 'ip',
        policy: 'redis',
        redis: { host: 'redis.data.svc.cluster.local', port: 6380, database: 2, ssl: true, password: { secret: SecretRef.named('redis'), key: 'password' }, timeout: Duration.seconds(1) },
        faultTolerant: false,
        errorCode: 429,
      });
      KongPlugin.rateLimiting(n.models, 'header', { second: 5, limitBy: 'header', headerName: 'x-user-id', hideClientHeaders: true });
      const objects = synthObjects(app);
      const rl = findObject(objects, 'KongPlugin', 'rl') as any;
      expect(rl.config).toEqual({
        minute: 60,
        hour: 1000,
        day: 10000,
        limit_by: 'ip',
        policy: 'redis',
        redis: { host: 'redis.data.svc.cluster.local', port: 6380, database: 2, ssl: true, ssl_verify: true, server_name: 'redis.data.svc.cluster.local', timeout: 1000 },
        fault_tolerant: false,
        error_code: 429,
      });
      expect(rl.configPatches).toEqual([{ path: '/redis/password', valueFrom: { secretKeyRef: { name: 'redis', key: 'password' } } }]);
      expect(JSON.stringify(rl)).not.toContain('"password":');
      expect((findObject(objects, 'KongPlugin', 'header') as any).config).toEqual({ second: 5, limit_by: 'header', header_name: 'x-user-id', policy: 'local', hide_client_headers: true });
    });

    it('cors: origins, methods, headers, credentials and max age', () => {
      const { app, ns: n } = ns();
      KongPlugin.cors(n.models, 'cors', {
        origins: ['https://catalog.example.com'],
        methods: ['GET', 'POST', 'OPTIONS'],
        headers: ['authorization', 'content-type'],
        exposedHeaders: ['x-request-id'],
        credentials: true,
        maxAge: Duration.hours(1),
      });
      const p = findObject(synthObjects(app), 'KongPlugin', 'cors') as any;
      expect(p.plugin).toBe('cors');
      expect(p.config).toEqual({
        origins: ['https://catalog.example.com'],
        methods: ['GET', 'POST', 'OPTIONS'],
        headers: ['authorization', 'content-type'],
        exposed_headers: ['x-request-id'],
        credentials: true,
        max_age: 3600,
        preflight_continue: false,
      });
    });

    it('requestTransformer: every operation on headers, query string and body, sorted name:value entries', () => {
      const { app, ns: n } = ns();
      KongPlugin.requestTransformer(n.models, 'req', {
        remove: { headers: ['x-debug', 'cookie2', 'x-debug'], querystring: ['trace'] },
        rename: { headers: { 'x-old': 'x-new' } },
        replace: { headers: { 'x-tenant': 'aikernel' }, uri: '/v2/orders' },
        add: { headers: { 'x-b': '2', 'x-a': '1' }, body: { source: 'gateway' } },
        append: { querystring: { tag: 'kong' } },
        httpMethod: 'POST',
      });
      const p = findObject(synthObjects(app), 'KongPlugin', 'req') as any;
      expect(p.plugin).toBe('request-transformer');
      expect(p.config).toEqual({
        remove: { headers: ['cookie2', 'x-debug'], querystring: ['trace'] },
        rename: { headers: ['x-old:x-new'] },
        replace: { headers: ['x-tenant:aikernel'], uri: '/v2/orders' },
        add: { headers: ['x-a:1', 'x-b:2'], body: ['source:gateway'] },
        append: { querystring: ['tag:kong'] },
        http_method: 'POST',
      });
      expect(p).toMatchSnapshot();
    });

    it('responseTransformer: headers and JSON fields', () => {
      const { app, ns: n } = ns();
      KongPlugin.responseTransformer(n.models, 'res', { remove: { headers: ['server', 'x-powered-by'] }, rename: { json: { err: 'error' } }, add: { headers: { 'x-served-by': 'kong' } } });
      const p = findObject(synthObjects(app), 'KongPlugin', 'res') as any;
      expect(p.plugin).toBe('response-transformer');
      expect(p.config).toEqual({ remove: { headers: ['server', 'x-powered-by'] }, rename: { json: ['err:error'] }, add: { headers: ['x-served-by:kong'] } });
    });

    it('ipRestriction: sorted allow and deny lists of addresses and CIDR blocks', () => {
      const { app, ns: n } = ns();
      KongPlugin.ipRestriction(n.models, 'ip', { allow: ['192.168.0.0/16', '10.0.0.0/8', 'fd00::/8'] });
      const p = findObject(synthObjects(app), 'KongPlugin', 'ip') as any;
      expect(p.plugin).toBe('ip-restriction');
      expect(p.config).toEqual({ allow: ['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8'] });
    });

    it('requestTermination: a fixed status', () => {
      const { app, ns: n } = ns();
      KongPlugin.requestTermination(n.models, 'closed', { statusCode: 403, message: 'closed' });
      expect((findObject(synthObjects(app), 'KongPlugin', 'closed') as any).config).toEqual({ status_code: 403, message: 'closed' });
    });
  });

  describe('attachKongPlugins', () => {
    it('merges plugins from several callers into one sorted konghq.com/plugins list', () => {
      const { app, ns: n } = ns();
      const cors = KongPlugin.cors(n.models, 'cors', { origins: ['*'] });
      const rl = KongPlugin.rateLimiting(n.models, 'rl', { minute: 10 });
      const target = new KongConsumer(n.models, 'target', { username: 'target' });
      attachKongPlugins(target, [rl]);
      attachKongPlugins(target, [cors, rl, KongPlugin.fromPluginName(n.models, 'global', 'global-cluster-plugin')]);
      expect(attachedKongPlugins(target)).toEqual(['cors', 'global-cluster-plugin', 'rl']);
      expect(findObject(synthObjects(app), 'KongConsumer', 'target').metadata.annotations?.['konghq.com/plugins']).toBe('cors,global-cluster-plugin,rl');
    });

    it('fails when the plugin is in another namespace', () => {
      const { ns: n } = setup(['models', 'other'], { requireAccessPolicies: false });
      const cors = KongPlugin.cors(n.other, 'cors', { origins: ['*'] });
      const target = new KongConsumer(n.models, 'target', { username: 'target' });
      expect(() => attachKongPlugins(target, [cors])).toThrow(
        /test\/models\/target: metadata\.annotations\[konghq\.com\/plugins\] would list KongPlugin 'cors' of namespace 'other' from namespace 'models'/,
      );
      expect(() => KongPlugin.fromPluginName(n.models, 'bad', 'Bad')).toThrow(/test\/models\/bad: name must be a DNS-1123 subdomain/);
    });
  });

  describe('fails when', () => {
    it('the plugin name or object name is invalid', () => {
      const { ns: n } = ns();
      expect(() => new KongPlugin(n.models, 'a', { plugin: 'Key Auth' })).toThrow(/test\/models\/a: plugin must be a Kong plugin name \(lower-case letters, digits and -\) \(received: "Key Auth"\)/);
      expect(() => new KongPlugin(n.models, 'b', { name: 'Bad_Name', plugin: 'cors' })).toThrow(/name must be a DNS-1123 subdomain/);
    });

    it('config and configFrom, or configFrom and configPatches, are combined', () => {
      const { ns: n } = ns();
      const ref = { secret: SecretRef.named('s'), key: 'k' };
      expect(() => new KongPlugin(n.models, 'a', { plugin: 'cors', config: {}, configFrom: ref })).toThrow(/configFrom cannot be used together with config \(the CRD refuses both\)/);
      expect(() => new KongPlugin(n.models, 'b', { plugin: 'cors', configFrom: ref, configPatches: [{ path: '/x', valueFrom: ref }] })).toThrow(/configPatches cannot be used together with configFrom/);
    });

    it('a config patch is not a JSON pointer, is repeated, or reads a Secret of another namespace', () => {
      const { ns: n } = ns();
      const ref = { secret: SecretRef.named('s'), key: 'k' };
      expect(() => new KongPlugin(n.models, 'a', { plugin: 'x', config: {}, configPatches: [{ path: 'redis.password', valueFrom: ref }] })).toThrow(/configPatches\[0\]\.path must be a JSON pointer such as \/redis\/password/);
      expect(() => new KongPlugin(n.models, 'b', { plugin: 'x', configPatches: [{ path: '/a', valueFrom: ref }, { path: '/a', valueFrom: ref }] })).toThrow(/configPatches\[1\]\.path is patched twice/);
      expect(() => new KongPlugin(n.models, 'c', { plugin: 'x', configPatches: [{ path: '/a', valueFrom: { secret: SecretRef.named('s', { namespace: 'data' }), key: 'k' } }] })).toThrow(
        /configPatches\[0\]\.valueFrom\.secretKeyRef\.name points at a Secret in namespace 'data', but KIC reads it from the plugin's namespace 'models'/,
      );
    });

    it('a protocol list is empty or an instance name has bad characters', () => {
      const { ns: n } = ns();
      expect(() => new KongPlugin(n.models, 'a', { plugin: 'cors', protocols: [] })).toThrow(/protocols must not be empty/);
      expect(() => new KongPlugin(n.models, 'b', { plugin: 'cors', instanceName: 'a b' })).toThrow(/instanceName must only contain letters, digits/);
    });

    it('key-auth has a bad header name or nowhere to read the key', () => {
      const { ns: n } = ns();
      expect(() => KongPlugin.keyAuth(n.models, 'a', { keyNames: ['x api key'] })).toThrow(/test\/models\/a: config\.key_names\[0\] must be a header name/);
      expect(() => KongPlugin.keyAuth(n.models, 'b', { keyInHeader: false })).toThrow(/config\.key_in_header leaves no place to read the key from/);
    });

    it('jwt has a maximum expiration without exp, or out of range', () => {
      const { ns: n } = ns();
      expect(() => KongPlugin.jwt(n.models, 'a', { claimsToVerify: ['nbf'], maximumExpiration: Duration.hours(1) })).toThrow(/config\.maximum_expiration needs 'exp' in claimsToVerify/);
      expect(() => KongPlugin.jwt(n.models, 'b', { maximumExpiration: Duration.days(400) })).toThrow(/config\.maximum_expiration must be between 1 second and 365 days \(received: "34560000s"\)/);
      expect(() => KongPlugin.jwt(n.models, 'c', { headerNames: [], uriParamNames: [], cookieNames: [] })).toThrow(/leaves no place to read the token from/);
    });

    it('acl has both or neither list', () => {
      const { ns: n } = ns();
      expect(() => KongPlugin.acl(n.models, 'a', {})).toThrow(/config\.allow and config\.deny: exactly one must be a non-empty list/);
      expect(() => KongPlugin.acl(n.models, 'b', { allow: ['a'], deny: ['b'] })).toThrow(/exactly one must be a non-empty list/);
      expect(() => KongPlugin.acl(n.models, 'c', { allow: ['a,b'] })).toThrow(/must hold non-empty group names without commas/);
    });

    it('rate-limiting has no window, a bad limit, disordered windows, or a policy without its fields', () => {
      const { ns: n } = ns();
      expect(() => KongPlugin.rateLimiting(n.models, 'a', {})).toThrow(/test\/models\/a: config needs at least one limit/);
      expect(() => KongPlugin.rateLimiting(n.models, 'b', { minute: 0 })).toThrow(/config\.minute must be a positive integer \(requests per window\) \(received: 0\)/);
      expect(() => KongPlugin.rateLimiting(n.models, 'c', { minute: 1.5 })).toThrow(/config\.minute must be a positive integer/);
      expect(() => KongPlugin.rateLimiting(n.models, 'd', { second: 10, day: 5 })).toThrow(/config\.day \(5\) must not be lower than config\.second \(10\): Kong rejects the plugin/);
      expect(() => KongPlugin.rateLimiting(n.models, 'e', { minute: 1, policy: 'redis' })).toThrow(/config\.redis is required for policy 'redis'/);
      expect(() => KongPlugin.rateLimiting(n.models, 'f', { minute: 1, redis: { host: 'r' } })).toThrow(/config\.redis is only used with policy 'redis'/);
      expect(() => KongPlugin.rateLimiting(n.models, 'g', { minute: 1, limitBy: 'header' })).toThrow(/config\.header_name is required \(a header name\) for limitBy 'header'/);
      expect(() => KongPlugin.rateLimiting(n.models, 'h', { minute: 1, limitBy: 'path' })).toThrow(/config\.path is required \(an absolute path\) for limitBy 'path'/);
      expect(() => KongPlugin.rateLimiting(n.models, 'i', { minute: 1, policy: 'redis', redis: { host: 'Redis!' } })).toThrow(/config\.redis\.host must be a lower-case host name/);
      expect(() => KongPlugin.rateLimiting(n.models, 'j', { minute: 1, policy: 'redis', redis: { host: 'r', port: 70000 } })).toThrow(/config\.redis\.port must be an integer between 1 and 65535/);
      expect(() => KongPlugin.rateLimiting(n.models, 'k', { minute: 1, errorCode: 99 })).toThrow(/config\.error_code must be an HTTP status code/);
    });

    it('cors has no origin, an unknown method, or credentials with a wildcard origin', () => {
      const { ns: n } = ns();
      expect(() => KongPlugin.cors(n.models, 'a', { origins: [] })).toThrow(/config\.origins must list at least one origin/);
      expect(() => KongPlugin.cors(n.models, 'b', { origins: ['*'], methods: ['get' as 'GET'] })).toThrow(/config\.methods\[0\] must be one of GET, HEAD/);
      expect(() => KongPlugin.cors(n.models, 'c', { origins: ['*'], credentials: true })).toThrow(/config\.credentials cannot be true with origin '\*'/);
    });

    it('a transformer changes nothing, names a bad field, or sets a credential header', () => {
      const { ns: n } = ns();
      expect(() => KongPlugin.requestTransformer(n.models, 'a', {})).toThrow(/test\/models\/a: config changes nothing/);
      expect(() => KongPlugin.requestTransformer(n.models, 'b', { add: { headers: {} } })).toThrow(/config changes nothing/);
      expect(() => KongPlugin.responseTransformer(n.models, 'c', {})).toThrow(/config changes nothing/);
      expect(() => KongPlugin.requestTransformer(n.models, 'd', { add: { headers: { 'x bad': '1' } } })).toThrow(/config\.add\.headers\.x bad must be a name of letters, digits/);
      expect(() => KongPlugin.requestTransformer(n.models, 'e', { add: { headers: { 'x-a': 'line\nbreak' } } })).toThrow(/config\.add\.headers\.x-a must be a single-line string/);
      expect(() => KongPlugin.requestTransformer(n.models, 'f', { add: { headers: { Authorization: 'Bearer abc' } } })).toThrow(
        /config\.add\.headers\.Authorization would set a credential header to a literal committed to dist\/ \(received: "<redacted>"\)/,
      );
      expect(() => KongPlugin.responseTransformer(n.models, 'g', { add: { headers: { 'Set-Cookie': 'a=b' } } })).toThrow(/would set a credential header/);
      expect(() => KongPlugin.requestTransformer(n.models, 'h', { replace: { uri: 'v2' } })).toThrow(/config\.replace\.uri must be an absolute path without spaces/);
      expect(() => KongPlugin.requestTransformer(n.models, 'i', { httpMethod: 'post' as 'POST' })).toThrow(/config\.http_method must be one of GET/);
      expect(() => KongPlugin.requestTransformer(n.models, 'j', { rename: { headers: { 'x-a': 'x b' } } })).toThrow(/must rename to a name of letters/);
    });

    it.each(['x-auth-token', 'api-key', 'X-Amz-Security-Token', 'Proxy-Authorization'])('a transformer sets the credential header %s (the shared CREDENTIAL_HEADERS list)', (header) => {
      const { ns: n } = ns();
      expect(() => KongPlugin.requestTransformer(n.models, 't', { append: { headers: { [header]: 'literal-secret' } } })).toThrow(
        new RegExp(`config\\.append\\.headers\\.${header} would set a credential header to a literal committed to dist/ \\(received: "<redacted>"\\)`),
      );
    });

    it('a generic config key that names a credential has a literal value (nested and list values too)', () => {
      const { ns: n } = ns();
      let count = 0;
      const failure = (config: Record<string, unknown>) => {
        try {
          new KongPlugin(n.models, `p${count++}`, { plugin: 'openid-connect', config });
        } catch (e) {
          return (e as Error).message;
        }
        return '';
      };
      const nested = failure({ issuer: 'https://idp.example.com', redis: { host: 'redis', password: 'hunter2-secret' } });
      expect(nested).toMatch(/config\.redis\.password looks like a credential but has a literal value, which would be committed to dist\/ \(received: "<redacted>"\)\. Fix: leave it out of config and read it from a Secret: configPatches: \[\{ path: '\/redis\/password'/);
      expect(nested).not.toContain('hunter2');
      expect(failure({ client_secret: ['s3cr3t-value'] })).toMatch(/config\.client_secret looks like a credential.*\(received: "<redacted>"\)/);
      expect(failure({ api_key: 'k-123' })).toMatch(/config\.api_key looks like a credential/);
      expect(failure({ Token: 'abc' })).toMatch(/config\.Token looks like a credential/);
      // Non-string values and empty strings under such keys are not credentials; the Secret route stays open.
      expect(failure({ hide_credentials: true, secret_is_base64: false, password: '', redis: { host: 'redis' } })).toBe('');
      expect(() =>
        new KongPlugin(n.models, 'patched', { plugin: 'openid-connect', config: { redis: { host: 'redis' } }, configPatches: [{ path: '/redis/password', valueFrom: { secret: SecretRef.named('redis'), key: 'password' } }] }),
      ).not.toThrow();
    });

    it('ip-restriction has no list, a malformed entry or a duplicate', () => {
      const { ns: n } = ns();
      expect(() => KongPlugin.ipRestriction(n.models, 'a', {})).toThrow(/config\.allow and config\.deny are both empty: the plugin would restrict nothing/);
      expect(() => KongPlugin.ipRestriction(n.models, 'b', { allow: ['10.0.0.0/33'] })).toThrow(/config\.allow\[0\] must be an IPv4 or IPv6 address or CIDR block \(received: "10.0.0.0\/33"\)/);
      expect(() => KongPlugin.ipRestriction(n.models, 'c', { deny: ['example.com'] })).toThrow(/config\.deny\[0\] must be an IPv4 or IPv6 address/);
      expect(() => KongPlugin.ipRestriction(n.models, 'd', { allow: ['10.0.0.1', '10.0.0.1'] })).toThrow(/config\.allow\[1\] is listed twice/);
      expect(() => KongPlugin.ipRestriction(n.models, 'e', { allow: ['10.0.0.1'], status: 99 })).toThrow(/config\.status must be an HTTP status code/);
    });

    it('request-termination has a status outside 100-599', () => {
      const { ns: n } = ns();
      expect(() => KongPlugin.requestTermination(n.models, 'a', { statusCode: 700 })).toThrow(/config\.status_code must be an HTTP status code between 100 and 599 \(received: 700\)/);
    });
  });
});
