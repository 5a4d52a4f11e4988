import { randomBytes } from 'node:crypto';
import { lintSource } from '@secretlint/core';
import { creator as presetRecommend } from '@secretlint/secretlint-rule-preset-recommend';
import { ApiObject, App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Platform } from '../../src/core/platform';
import { secretlintRuleIds, secretlintScan } from '../../src/core/secretlint';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { SynthError } from '../../src/delivery/synth';
import { SecurityWaivers } from '../../src/security/waivers';

// Every credential below is built at test time from random characters: no literal secret is in the repository.
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
function rand(n: number, alphabet = ALNUM): string {
  return [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
}
/** Random text with at least one of each class, so "looks real" heuristics accept it. */
function mixed(n: number): string {
  return `${rand(1, UPPER)}${rand(1, LOWER)}${rand(1, DIGITS)}${rand(n - 3)}`;
}
const BEGIN = ['-----BEGIN', 'RSA', 'PRIVATE', 'KEY-----'].join(' ');
const END = ['-----END', 'RSA', 'PRIVATE', 'KEY-----'].join(' ');
// DER private keys start with a SEQUENCE, 'MI' in base64, which the preset's rule checks.
const pem = () => `${BEGIN}\nMIIEow${rand(58, `${ALNUM}+/`)}\n${Array.from({ length: 5 }, () => rand(64, `${ALNUM}+/`)).join('\n')}\n${END}`;

/** One generated credential per rule of secretlint's recommended preset (the rule that must report it). */
const PRESET_SAMPLES: ReadonlyArray<readonly [string, () => string]> = [
  ['aws', () => `aws_secret_access_key = ${mixed(40)}`],
  ['privatekey', pem],
  ['npm', () => `npm_${mixed(36)}`],
  ['basicauth', () => `https://${rand(6, LOWER)}ops:${mixed(18)}@models.example.com/v1`],
  ['slack', () => `xoxb-${rand(12, DIGITS)}-${rand(12, DIGITS)}-${mixed(24)}`],
  ['sendgrid', () => `SG.${mixed(22)}.${mixed(43)}`],
  ['shopify', () => `shpat_${rand(32, HEX)}`],
  ['stripe', () => `sk_live_${mixed(24)}`],
  ['github', () => `ghp_${mixed(36)}`],
  ['gitlab', () => `glpat-${mixed(20)}`],
  ['grafana', () => `glsa_${mixed(32)}_${rand(8, HEX)}`],
  ['openai', () => `sk-proj-${mixed(74)}T3BlbkFJ${mixed(74)}`],
  ['anthropic', () => `sk-ant-api03-${mixed(95)}AA`],
  ['groq', () => `gsk_${mixed(52)}`],
  ['huggingface', () => `hf_${rand(1, UPPER)}${rand(33, UPPER + LOWER)}`],
  ['linear', () => `lin_api_${mixed(40)}`],
  ['notion', () => `ntn_${rand(11, DIGITS)}${mixed(35)}`],
  ['database-connection-string', () => `postgres://app${rand(4, LOWER)}:${mixed(16)}@db.internal.example.com:5432/models`],
  ['hashicorp-vault', () => `hvs.${mixed(95)}`],
  ['databricks', () => `dapi${rand(32, HEX)}`],
  ['docker', () => `dckr_pat_${mixed(27)}`],
  ['figma', () => `figd_${mixed(43)}`],
  ['cloudflare', () => `cfat_${mixed(40)}${rand(8, HEX)}`],
  ['tailscale', () => `tskey-auth-${mixed(12)}-${mixed(30)}`],
];

/** Credentials our context rules find (secretlint's preset has no rule for them). */
const CONTEXT_SAMPLES: ReadonlyArray<readonly [string, () => string]> = [
  ['a JSON Web Token', () => `eyJ${rand(20, `${ALNUM}_-`)}.eyJ${rand(40, `${ALNUM}_-`)}.${rand(43, `${ALNUM}_-`)}`],
  ['a Google API key', () => `AIza${rand(35, `${ALNUM}_-`)}`],
  ["a password in a URL's user info", () => `s3://minio:${mixed(12)}@minio.storage.svc/models/iris`],
  ['a credential in a URL query parameter', () => `https://models.example.com/iris.tar.gz?token=${mixed(24)}`],
  ['a literal HTTP Authorization credential (Bearer or Basic)', () => `Bearer ${mixed(32)}`],
  ['a literal value assigned to a credential name', () => `package authz\ntoken := "${mixed(24)}"`],
];

/** A platform holding one ConfigMap (an L1 object: nothing checks it before synth), plus a description. */
function platformWith(data: Record<string, string>, extra: (p: Platform) => void = () => undefined): App {
  const app = new App();
  const p = new Platform(app, 'plat', { requireAccessPolicies: false });
  new ApiObject(p, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'models' }, data });
  extra(p);
  return app;
}

function synthError(app: App, outdir = 'dist'): string {
  try {
    buildPlatforms(app, { outdir, validate: false, security: false });
  } catch (err) {
    if (err instanceof SynthError) return err.message;
    throw err;
  }
  throw new Error('synth did not fail');
}

describe('credential scan at synth (SEC-S04)', () => {
  it('runs the whole recommended preset but its comment filter, synchronously', () => {
    const ids = secretlintRuleIds();
    expect(ids).toEqual(presetRecommend.rules.map((r) => r.meta.id.replace('@secretlint/secretlint-rule-', '')).filter((id) => id !== 'filter-comments'));
    expect(ids).toEqual(expect.arrayContaining(PRESET_SAMPLES.map(([rule]) => rule)));
  });

  it.each(PRESET_SAMPLES)('secretlint rule %s: the runner reports what lintSource of @secretlint/core reports', async (rule, make) => {
    const text = `value: ${make()}\n`;
    const sync = secretlintScan(text).map((h) => `${h.rule} ${h.messageId} ${h.start}-${h.end}`);
    expect(sync.some((h) => h.startsWith(`${rule} `))).toBe(true);
    const rules = presetRecommend.rules.filter((r) => r.meta.id !== '@secretlint/secretlint-rule-filter-comments').map((r) => ({ id: r.meta.id, rule: r, options: {} }));
    const result = await lintSource({ source: { content: text, filePath: 'x.yaml', ext: '.yaml', contentType: 'text' }, options: { config: { rules } as never } });
    const core = result.messages.map((m) => `${m.ruleId.replace('@secretlint/secretlint-rule-', '')} ${m.messageId} ${m.range[0]}-${m.range[1]}`);
    expect(sync.sort()).toEqual(core.sort());
  });

  it.each(PRESET_SAMPLES)('secretlint rule %s: a ConfigMap value fails synth with file, path and kind, never the text', (rule, make) => {
    const secret = make();
    const message = synthError(platformWith({ 'settings.yaml': `endpoint: models\nkey: ${secret}\n` }));
    expect(message).toContain(`dist/plat/configmap.models.settings.yaml: ConfigMap/models/settings: data.settings.yaml: [SEC-S04] holds what looks like`);
    expect(message).toContain(`secretlint's ${rule} rule`);
    expect(message).toContain('Fix: keep the credential in a Secret');
    expect(message).toContain('ExternalSecret');
    expect(message).not.toContain(secret);
    expect(message).not.toContain(secret.slice(8, 24));
  });

  it.each(CONTEXT_SAMPLES)('context rule: %s in ConfigMap data fails synth', (kind, make) => {
    const secret = make();
    const message = synthError(platformWith({ 'policy.rego': `# settings\n${secret}\n` }));
    expect(message).toContain(`data.policy.rego: [SEC-S04] holds what looks like ${kind}`);
    expect(message).not.toContain(secret.slice(-12));
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['pwd under redis in a Kong-style config', { config: { redis: { host: 'redis', pwd: mixed(14) } } }, 'config.redis.pwd', "the credential name 'pwd'"],
    ['a raw ConfigMap password', { data: { password: mixed(14) } }, 'data.password', "the credential name 'password'"],
    ['a secret_access_key storage parameter', { spec: { storage: { key: 'minio', parameters: { secret_access_key: mixed(40) } } } }, 'spec.storage.parameters.secret_access_key', "'secret_access_key'"],
    ['an env value named MY_PASS', { spec: { env: [{ name: 'MY_PASS', value: mixed(12) }] } }, 'spec.env[0].value', "the credential name 'MY_PASS'"],
    ['an env value named AUTH_HEADER', { spec: { env: [{ name: 'AUTH_HEADER', value: mixed(12) }] } }, 'spec.env[0].value', "'AUTH_HEADER'"],
    ['a header modifier x-goog-api-key', { spec: { set: [{ name: 'x-goog-api-key', value: mixed(20) }] } }, 'spec.set[0].value', "'x-goog-api-key'"],
    ['--password= in args', { spec: { containers: [{ name: 'c', args: ['--port=8080', `--password=${mixed(12)}`] }] } }, 'spec.containers[0].args[1]', "flag '--password'"],
    ['--token then a value in args', { spec: { containers: [{ name: 'c', args: ['--token', mixed(20)] }] } }, 'spec.containers[0].args[1]', "flag '--token'"],
    ['a password in an annotation', { metadata: { name: 'x', namespace: 'models', annotations: { 'example.com/db-password': mixed(14) } } }, 'metadata.annotations.example.com/db-password', "'example.com/db-password'"],
    ['a Google API key as a secret-store remoteKey', { spec: { data: [{ secretKey: 'k', remoteRef: { key: `AIza${rand(35)}` } }] } }, 'spec.data[0].remoteRef.key', 'a Google API key'],
    ['a DATABASE_URL with a password', { spec: { env: [{ name: 'DATABASE_URL', value: `postgresql://app:${mixed(14)}@db:5432/app` }] } }, 'spec.env[0].value', "a password in a URL's user info"],
    ['a Redis URL with a password and no user name', { data: { cache: `redis://:${mixed(14)}@10.0.0.1:6379` } }, 'data.cache', "a password in a URL's user info"],
    ['a Django SECRET_KEY assignment in ConfigMap text', { data: { 'settings.env': `SECRET_KEY=django-insecure-${rand(16, LOWER + DIGITS)}` } }, 'data.settings.env', 'a literal value assigned to a credential name'],
    ['an upper-case CREDENTIALS variable', { spec: { env: [{ name: 'CREDENTIALS', value: mixed(18) }] } }, 'spec.env[0].value', "the credential name 'CREDENTIALS'"],
    ['a number under a credential name', { data: { config: { password: 83749283749 } } }, 'data.config.password', "the credential name 'password'"],
    ['an AWS access key id as a ConfigMap data key', { data: { [`AKIA${rand(16, UPPER + DIGITS)}`]: 'x' } }, 'data.<key>', 'an AWS access key id (as a key, not shown)'],
    ['a GitHub token in an annotation key', { metadata: { name: 'x', namespace: 'models', annotations: { [`example.com/ghp_${rand(36)}`]: 'x' } } }, 'metadata.annotations.<key>', 'a GitHub token (as a key, not shown)'],
  ])('context rule: %s', (_title, body, at, kind) => {
    const app = new App();
    const p = new Platform(app, 'plat', { requireAccessPolicies: false });
    new ApiObject(p, 'obj', { apiVersion: 'example.com/v1', kind: 'Example', metadata: { name: 'x', namespace: 'models' }, ...body });
    const message = synthError(app, 'out');
    expect(message).toContain(`out/plat/example.models.x.yaml: Example/models/x: ${at}: [SEC-S04] holds what looks like`);
    expect(message).toContain(kind);
    // Never the credential's text: no generated random run of the body appears in the message.
    for (const secret of JSON.stringify(body).match(/[A-Za-z0-9_-]{14,}/g) ?? []) if (/[0-9]/.test(secret) && /[A-Z]/.test(secret)) expect(message).not.toContain(secret);
  });

  it('decodes base64: a key in a ConfigMap binaryData entry or a Secret data entry is found', () => {
    const secret = `ghp_${mixed(36)}`;
    const app = new App();
    const p = new Platform(app, 'plat', { requireAccessPolicies: false });
    new ApiObject(p, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bin', namespace: 'models' }, binaryData: { 'token.bin': Buffer.from(`token=${secret}\n`).toString('base64') } });
    new ApiObject(p, 'sec', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'models' }, data: { password: Buffer.from(secret).toString('base64') } });
    const message = synthError(app);
    expect(message).toContain('ConfigMap/models/bin: binaryData.token.bin: [SEC-S04] holds what looks like');
    expect(message).toContain('Secret/models/creds: data.password: [SEC-S04] holds what looks like');
    expect(message).not.toContain(secret);
    expect(message).not.toContain(Buffer.from(secret).toString('base64'));
  });

  it('decodes a base64 blob in ConfigMap text data (an encoded credentials file), and leaves plain text alone', () => {
    const secret = mixed(20);
    const app = new App();
    const p = new Platform(app, 'plat', { requireAccessPolicies: false });
    const blob = Buffer.from(`[default]\naws_secret_access_key = ${secret}\n`).toString('base64');
    new ApiObject(p, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws', namespace: 'models' }, data: { credentials: blob, region: 'eu-west-1', note: 'abcdefghijklmnop' } });
    const message = synthError(app);
    expect(message).toContain('ConfigMap/models/aws: data.credentials (base64): [SEC-S04] holds what looks like');
    expect(message).not.toContain('data.note');
    expect(message).not.toContain(secret);
    expect(message).not.toContain(blob);
  });

  it('scans generated files: a password in the platform description reaches README.md only through the scan', () => {
    const secret = mixed(16);
    const app = new App();
    // The construct refuses it at once; a description set after construction (as a subclass or a mutation could) is caught at synth.
    const p = new Platform(app, 'plat', { requireAccessPolicies: false, description: 'Serving models' });
    (p as { description?: string }).description = `Serving models. Admin password: ${secret}`;
    const message = synthError(app);
    expect(message).toMatch(/dist\/plat\/README\.md: line \d+: \[SEC-S04\] holds what looks like a literal value assigned to a credential name/);
    expect(message).not.toContain(secret);
  });

  it('a secretlint-disable comment in scanned text does not silence the scan', () => {
    const secret = `ghp_${mixed(36)}`;
    const message = synthError(platformWith({ 'notes.md': `<!-- secretlint-disable -->\n${secret}\n` }));
    expect(message).toContain("secretlint's github rule");
  });

  it('runs even with security: false, and cannot be waived', () => {
    expect(() => buildPlatforms(platformWith({ 'k': `ghp_${mixed(36)}` }), { validate: false, security: false })).toThrow(/\[SEC-S04\]/);
    const app = new App();
    const p = new Platform(app, 'plat', { requireAccessPolicies: false });
    const o = new ApiObject(p, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    expect(() => SecurityWaivers.waive(o, 'SEC-S04', 'the value is only a test fixture')).toThrow(/security waiver SEC-S04 cannot be given: the credential scan has no exceptions.*Fix: remove the credential/);
  });

  it('no false positives on legitimate content: digests, public JWKS URLs, references, prose, Secret names', () => {
    const app = platformWith(
      {
        'deploy.yaml': `image: registry.example.com/app@sha256:${rand(64, HEX)}\njwks: https://idp.example.com/.well-known/jwks.json\n`,
        'env.sh': 'DB_PASSWORD=$(DB_PASSWORD)\nTOKEN=${TOKEN}\nAuthorization: Bearer $TOKEN\nauthorization: APIKEY <key>\n',
        'kong.yaml': 'config:\n  key_names: [apikey]\n  hide_credentials: true\n  password: {vault://env/redis-password}\n',
        'README.md': 'Basic authentication is refused; the token is read from a Secret named hf-token.\nTokens are read only from `Authorization: Bearer`, with a 60s clock skew.\n',
        'sa.yaml': 'credentialsSecret: s3-credentials\ncaSecret: internal-ca\n',
      },
      (p) => {
        new ApiObject(p, 'es', { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'k', namespace: 'models', labels: { 'konghq.com/credential': 'key-auth' } }, spec: { data: [{ secretKey: 'password', remoteRef: { key: 'db/password' } }] } });
        new ApiObject(p, 'kp', { apiVersion: 'configuration.konghq.com/v1', kind: 'KongClusterPlugin', metadata: { name: 'log' }, plugin: 'file-log', config: { custom_fields_by_lua: { 'request.headers.authorization': 'return nil' } } });
        new ApiObject(p, 'dep', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'vllm', namespace: 'models' }, spec: { containers: [{ name: 'vllm', env: [{ name: 'HF_HUB_DISABLE_TOKEN', value: '1' }, { name: 'MAX_TOKEN', value: '4096' }, { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } }], args: ['--api-key-file=/secrets/key', '--token', '$(HF_TOKEN)'] }] } });
      },
    );
    expect(() => buildPlatforms(app, { validate: false, security: false })).not.toThrow();
  });

  // Timing claims belong to `npm run bench` (as ratios), not to tests: this one checks only the result.
  it('finds no credential in the reference platforms', async () => {
    const { referenceApp } = await import('../../src/platforms/main.js');
    const { synthPlatforms } = await import('../../src/delivery/synth.js');
    const { scanCredentials } = await import('../../src/security/credential-scan.js');
    const outputs = synthPlatforms(referenceApp('/tmp/unused'));
    expect(outputs.map((o) => o.name)).toContain('llm-gateway');
    expect(scanCredentials(outputs)).toEqual([]);
  });
});
