import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ExternalSecret } from '../../src/core/external-secret';
import { invalid } from '../../src/core/errors';
import { Platform } from '../../src/core/platform';
import { loadCatalog, parseCatalog } from '../../src/platform/catalog-loader';
import { BASE } from '../platform/fixtures';
import { KongPlugin } from '../../src/policy/kong/kong-plugin';
import { HttpRouteFilter } from '../../src/routing/filter';
import { InferenceService } from '../../src/serving/inference-service';
import { FlatModelProps, withPredictor } from '../flat-props';
import { ModelFormat } from '../../src/serving/model-format';
import { Storage } from '../../src/serving/storage';
import { setup } from '../util';
import { catalogError, credentialRefusal, randomText } from './hostile-helpers';

const password = () => `Pw${randomText(1, '0123456789')}${randomText(13)}`;
const googleKey = () => `AIza${randomText(35)}`;
const jwt = () => `eyJ${randomText(20)}.eyJ${randomText(40)}.${randomText(43)}`;


const models = () => setup(['models'], { requireAccessPolicies: false }).ns.models;
const isvc = (props: FlatModelProps) => new InferenceService(models(), 'iris', withPredictor({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models-bucket/iris') }, props));

describe('constructs refuse credentials where a reference is expected, at once', () => {
  it('storageUri with user info', () => {
    const secret = password();
    const m = credentialRefusal(secret, () => isvc({ storage: Storage.uri(`https://minio:${secret}@minio.example.com/models/iris.tar.gz`) }));
    expect(m).toContain("models/iris: storage holds what looks like a password in a URL's user info");
    expect(m).toContain('ServiceAccount');
  });

  it('storageUri with a token query parameter', () => {
    const secret = randomText(24);
    expect(credentialRefusal(secret, () => isvc({ storage: Storage.uri(`https://models.example.com/iris.tar.gz?token=${secret}`) }))).toContain('storage holds what looks like a credential in a URL query parameter');
  });

  it('canary storageUri with user info', () => {
    const secret = password();
    const s = isvc({});
    expect(credentialRefusal(secret, () => s.canary({ trafficPercent: 10, storage: Storage.uri(`s3://minio:${secret}@models/iris/v2`) }))).toContain('canary.storage holds what looks like');
  });

  it('a secret_access_key among storage-key parameters', () => {
    const secret = randomText(40);
    expect(credentialRefusal(secret, () => isvc({ storage: Storage.storageKey('minio', 'models/iris', { bucket: 'models', secret_access_key: secret }) }))).toContain(
      "storage.parameters.secret_access_key holds what looks like a literal value under the credential name 'secret_access_key'",
    );
  });

  it('a logger URL with user info', () => {
    const secret = password();
    expect(credentialRefusal(secret, () => isvc({ logger: { url: `https://sink:${secret}@logs.example.com/` } } as never))).toContain("logger.url holds what looks like a password in a URL's user info");
  });

  it.each([
    ['DATABASE_URL', () => `postgresql://app:${password()}@db.models.svc:5432/app`, "a password in a URL's user info"],
    ['MY_PASS', password, "the credential name 'MY_PASS'"],
    ['AUTH_HEADER', () => `Bearer ${randomText(32)}`, "the credential name 'AUTH_HEADER'"],
  ])('env value %s', (name, make, kind) => {
    const secret = make();
    const m = credentialRefusal(secret, () => isvc({ env: { [name]: secret } }));
    expect(m).toContain(`env.${name} holds what looks like`);
    expect(m).toContain(kind);
    expect(m).toContain('EnvValue.fromSecret');
  });

  it('--password= in container args', () => {
    const secret = password();
    const m = credentialRefusal(secret, () => isvc({ args: ['--port=8080', `--password=${secret}`] }));
    expect(m).toMatch(/args\[1\] holds what looks like a literal value of the credential flag '--password'/);
    expect(m).toContain('--password-file');
  });

  it('a header modifier setting a Google API key or a Bearer token under a custom header', () => {
    const key = googleKey();
    expect(credentialRefusal(key, () => HttpRouteFilter.requestHeaderModifier({ set: { 'x-goog-api-key': key } }))).toContain("set.x-goog-api-key holds what looks like a literal value under the credential name 'x-goog-api-key'");
    const token = `Bearer ${randomText(40)}`;
    expect(credentialRefusal(token, () => HttpRouteFilter.requestHeaderModifier({ add: { 'x-upstream-auth': token } }))).toContain('add.x-upstream-auth holds what looks like a literal HTTP Authorization credential');
  });

  it('Kong transformers: a Google API key in x-goog-api-key, a Bearer token under a custom header', () => {
    const key = googleKey();
    expect(credentialRefusal(key, () => KongPlugin.requestTransformer(models(), 'goog', { add: { headers: { 'x-goog-api-key': key } } }))).toContain("headers.x-goog-api-key holds what looks like a literal value under the credential name 'x-goog-api-key'");
    const token = `Bearer ${randomText(40)}`;
    expect(credentialRefusal(token, () => KongPlugin.requestTransformer(models(), 'up', { add: { headers: { 'x-upstream-auth': token } } }))).toContain('headers.x-upstream-auth holds what looks like a literal HTTP Authorization credential');
  });

  it('Kong transformers: a query api_key, a db_password in a response body', () => {
    const key = randomText(32);
    expect(credentialRefusal(key, () => KongPlugin.requestTransformer(models(), 'req', { add: { querystring: { api_key: key } } }))).toContain("querystring.api_key holds what looks like a literal value under the credential name 'api_key'");
    const pw = password();
    expect(credentialRefusal(pw, () => KongPlugin.responseTransformer(models(), 'res', { add: { json: { db_password: pw } } } as never))).toContain("json.db_password holds what looks like a literal value under the credential name 'db_password'");
  });

  it("Kong plugin config: pwd under redis", () => {
    const secret = password();
    expect(credentialRefusal(secret, () => new KongPlugin(models(), 'rl', { plugin: 'rate-limiting', config: { minute: 5, policy: 'redis', redis: { host: 'redis', pwd: secret } } }))).toContain(
      "config.redis.pwd holds what looks like a literal value under the credential name 'pwd'",
    );
  });

  it('CORS origins with user info', () => {
    const secret = password();
    expect(credentialRefusal(secret, () => KongPlugin.cors(models(), 'cors', { origins: [`https://app:${secret}@app.example.com`] }))).toContain('config.origins[0] holds what looks like');
    expect(credentialRefusal(secret, () => HttpRouteFilter.cors({ allowOrigins: [`https://app:${secret}@app.example.com`] }))).toContain('allowOrigins[0] holds what looks like');
  });

  it('a platform description with a password', () => {
    const secret = password();
    expect(credentialRefusal(secret, () => new Platform(new App(), 'plat', { description: `Demo platform; admin password: ${secret}` }))).toContain('plat: description holds what looks like a literal value assigned to a credential name');
  });

  it('an ExternalSecret remoteKey that is a Google API key, not a path', () => {
    const key = googleKey();
    expect(credentialRefusal(key, () => new ExternalSecret(models(), 'keys', { secretStore: { name: 'vault' }, data: [{ secretKey: 'api-key', remoteKey: key }] }))).toContain('data[0].remoteKey holds what looks like a Google API key');
  });
});

describe('catalog values that are credentials are refused at their file:line', () => {
  it.each<[string, (key: string) => [string, string], RegExp]>([
    ['a Google API key as a consumer remoteKey', (key) => ['remoteKey: kong/keys/batch', `remoteKey: ${key}`], /consumers\[0\]\.remoteKey: holds what looks like a Google API key: a secret-store key is a path, not the value/],
    ['a token in a JWKS URL', (key) => ['jwksUri: https://auth.example.com/jwks.json', `jwksUri: https://auth.example.com/jwks.json?token=${key}`], /jwtIssuers\[0\]\.jwksUri: holds what looks like a credential in a URL query parameter: an issuer or JWKS URL is public/],
  ])('%s', (_what, edit, message) => {
    const key = `AIza${randomText(35)}`;
    const [from, to] = edit(key);
    expect(BASE).toContain(from);
    const text = BASE.replace(from, to);
    const err = catalogError(() => parseCatalog(text, 'catalog.yaml'));
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(new RegExp(`^catalog\\.yaml:${text.split('\n').findIndex((l) => l.includes(to.split(':')[0]) && l.includes(key.slice(0, 8))) + 1}:\\d+: `));
    expect(err.message).not.toContain(key);
  });
});

describe('error messages never quote a credential', () => {
  it('a catalog syntax error on a line with a password in a URL with an empty user name (redis://:pw@host) shows its kind, not the line', () => {
    const pw = `Pw1${randomText(14)}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cred-cat-'));
    try {
      const file = path.join(dir, 'catalog.yaml');
      fs.writeFileSync(file, `services: [\n  REDIS_URL=redis://:${pw}@10.0.0.1:6379 ]]\n`);
      const message = catalogError(() => loadCatalog(file)).message;
      expect(message).toContain("(received: <redacted: a password in a URL's user info>)");
      expect(message).not.toContain(pw);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a storage URI with an empty user name and a password is refused at once', () => {
    const pw = `Pw1${randomText(14)}`;
    expect(credentialRefusal(pw, () => isvc({ storage: Storage.uri(`s3://:${pw}@bucket/model`) }))).toMatch(/storage holds what looks like a password in a URL's user info/);
  });

  it('describeValue shows a credential-shaped value by its kind, and any literal under a credential name', () => {
    const token = jwt();
    const m1 = (() => {
      try {
        invalid('plat/x', 'spec.audience', 'must be a URL', token, 'fix it');
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(m1).toBe('plat/x: spec.audience must be a URL (received: <redacted: a JSON Web Token>). Fix: fix it');
    const pw = password();
    const m2 = (() => {
      try {
        invalid('plat/x', 'spec.settings', 'is too long', { nested: { password: pw }, ok: 'visible' }, 'fix it');
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(m2).not.toContain(pw);
    expect(m2).toContain("<redacted: a literal value under the credential name 'password'>");
    expect(m2).toContain('visible');
  });

  it('a .env file passed as a catalog: its content is not printed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-cred-'));
    const file = path.join(dir, '.env');
    const secret = password();
    fs.writeFileSync(file, `HOME=/srv/app\nGREETING=${randomText(12)}\nDB_PASSWORD=${secret}\n`);
    let message = '';
    try {
      loadCatalog(file);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/\(catalog\): must be a mapping \(received: "<the file's text: \d+ characters, not shown>"\)\. Fix: pass a catalog file .*a \.env or environment file is not one/);
    expect(message).not.toContain(secret);
    expect(message).not.toContain('GREETING');
  });

  it.runIf(fs.existsSync('/proc/self/environ'))('/proc/self/environ passed as a catalog: nothing of the environment is printed', () => {
    let message = '';
    try {
      loadCatalog('/proc/self/environ');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('/proc/self/environ');
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && v.length >= 8) expect(message, k).not.toContain(v);
    }
  });
});
