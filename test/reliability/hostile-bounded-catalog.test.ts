/**
 * Wrongly typed values in a catalog file: every one is a CatalogError at
 * file:line:column with a fix the catalog can express, never a raw
 * TypeError from the platform built from it.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { describeValue } from '../../src/core/errors';
import { SynthError } from '../../src/delivery/synth';
import { CatalogError, parseCatalog } from '../../src/platform/catalog-loader';
import { ModelServingPlatform, ModelServingPlatformOptions } from '../../src/platform/model-serving-platform';
import { CertificateIssuer } from '../../src/tls/certificate';
import { database, redis } from '../kong/fixtures';
import { synthObjects } from '../util';
import { BASE } from '../platform/fixtures';

const OPTIONS: ModelServingPlatformOptions = {
  hostname: 'api.example.com',
  allowBackendNamespaces: ['apps'],
  certificate: { issuer: CertificateIssuer.clusterIssuer('letsencrypt-prod') },
  kong: { database: database(), backup: { storageClassName: 'encrypted-ssd' } },
  redis: redis(),
};

const BAD = ['null', '42', 'text', '[]', '{}', '[1]', '{ a: 1 }', 'true'];

/** Every `key: value` line of the base catalog (value or nested block). */
const KEY_LINES = BASE.split('\n')
  .map((line, i) => ({ line, i }))
  .filter(({ line }) => /^\s*(- )?[A-Za-z.]+:/.test(line));

function attempt(text: string): unknown {
  try {
    const app = Testing.app();
    new ModelServingPlatform(app, 'catalog', parseCatalog(text, 'catalog.yaml'), OPTIONS);
    synthObjects(app);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('wrongly typed catalog values', () => {
  it('the base catalog builds', () => {
    expect(attempt(BASE)).toBeUndefined();
  });

  it('are CatalogErrors at file:line with a catalog fix, never raw errors', { timeout: 300_000 }, () => {
    const raw: string[] = [];
    for (const { line, i } of KEY_LINES) {
      const key = /^(\s*(?:- )?[A-Za-z.]+:)/.exec(line)![1];
      for (const bad of BAD) {
        const lines = BASE.split('\n');
        // Replace the value (and drop a nested block below a key without a value).
        lines[i] = `${key} ${bad}`;
        const indent = line.length - line.trimStart().length;
        let end = i + 1;
        if (line.trimEnd().endsWith(':')) while (end < lines.length && lines[end].trim() !== '' && lines[end].length - lines[end].trimStart().length > indent + (line.trimStart().startsWith('- ') ? 2 : 0)) end++;
        lines.splice(i + 1, end - i - 1);
        const text = lines.join('\n');
        const e = attempt(text);
        if (e === undefined) continue;
        const where = `${line.trim()} -> ${describeValue(bad)}`;
        if (e instanceof CatalogError) {
          if (!/^catalog\.yaml:\d+:\d+: /.test(e.message)) raw.push(`${where}: no location: ${e.message}`);
          if (/src\/|\.ts\b|new [A-Z]|props/.test(e.fix)) raw.push(`${where}: fix is not a catalog fix: ${e.fix}`);
        } else if (!(e instanceof SynthError)) raw.push(`${where}: ${e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e)}`);
      }
    }
    expect(raw).toEqual([]);
  });

  it('a method list given as one string, and a number given as an entry, point at their line with a catalog fix', () => {
    const text = BASE.replace('methods: [GET, POST]', 'methods: GET');
    const e = attempt(text);
    expect(e).toBeInstanceOf(CatalogError);
    const line = text.slice(0, text.indexOf('methods: GET')).split('\n').length;
    expect((e as CatalogError).message).toBe(`catalog.yaml:${line}:18: services[0].endpoints[0].methods: must be a list (received: "GET"). Fix: write a list`);
    const models = BASE.replace('storageUri: gs://kfserving-examples/models/sklearn/iris', 'storageUri: not-a-uri');
    const m = attempt(models) as CatalogError;
    expect(m).toBeInstanceOf(CatalogError);
    expect(m.fix).toBe('write a model URI (gs://, s3://, pvc://, hf://, oci:// or https://)');
  });
});

describe('ModelServingPlatform.fromCatalog refuses options and a file argument that are not what it takes', () => {
  it.each<[string, unknown, string]>([
    ['null options', null, 'null'],
    ['a string as options', 'kong', '"kong"'],
  ])('%s', (_what, options, shown) => {
    expect(() => ModelServingPlatform.fromCatalog(Testing.app(), 'cat', 'catalog.yaml', options as ModelServingPlatformOptions)).toThrow(
      new RegExp(`^cat: props must be an object of ModelServingPlatformOptions \\(received: ${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)\\. Fix: `),
    );
  });

  it('a number as the file', () => {
    expect(() => ModelServingPlatform.fromCatalog(Testing.app(), 'cat', 42 as unknown as string, {} as ModelServingPlatformOptions)).toThrow(/^cat: file must be a string \(received: 42\)\. Fix: pass the path of the catalog file/);
  });
});
