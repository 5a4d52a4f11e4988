import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { SynthError, synthPlatforms } from '../../src/delivery/synth';
import { SchemaCatalog } from '../../src/validate/catalog';
import { addSchemaValidation, assertValidPlatforms, validateApp, validatePlatforms } from '../../src/validate/app';
import { ValidationCache } from '../../src/validate/result-cache';
import { applyDefaults, builtinCatalog, validateObjects } from '../../src/validate/validator';
import { setup } from '../util';
import { VALID } from './fixtures';
import { changed, tempDir } from './helpers';

/** A platform `test` with one valid and one invalid ConfigMap in namespace `models`. */
function appWithBrokenConfigMap() {
  const { app, ns } = setup(['models']);
  new ApiObject(ns.models, 'good', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'good' }, data: { a: 'b' } });
  new ApiObject(ns.models, 'bad', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad' }, data: { replicas: 3 } as unknown as Record<string, string> });
  return app;
}

const BAD_LINE = 'ConfigMap/bad: data.replicas: Invalid value: 3: must be of type string';

describe('validation of synthesized platforms', () => {
  it('names each object by its output file', () => {
    const outputs = synthPlatforms(appWithBrokenConfigMap());
    expect(validatePlatforms(outputs).map((i) => `${i.file}: ${i.kind}/${i.name}: ${i.path}: ${i.message}`)).toEqual([`test/configmap.models.bad.yaml: ${BAD_LINE}`]);
    expect(validatePlatforms(outputs, { outdir: 'dist' })[0].file).toBe('dist/test/configmap.models.bad.yaml');
  });

  it('throws a SynthError with one formatted line per issue', () => {
    const outputs = synthPlatforms(appWithBrokenConfigMap());
    let error: unknown;
    try {
      assertValidPlatforms(outputs, { outdir: 'dist' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SynthError);
    expect((error as SynthError).errors).toEqual([`dist/test/configmap.models.bad.yaml: ${BAD_LINE}`]);
  });

  it('validates a whole app in one call', () => {
    expect(validateApp(appWithBrokenConfigMap()).map((i) => i.name)).toEqual(['bad']);
  });

  it('hooks into cdk8s validation', () => {
    const app = appWithBrokenConfigMap();
    addSchemaValidation(app);
    expect(() => synthPlatforms(app)).toThrow(BAD_LINE);
  });
});

describe('applyDefaults', () => {
  it('returns a copy with every CRD default filled in, leaving the input alone', () => {
    const route = changed(VALID.httpRoute, (o) => (o.spec.rules = [{ backendRefs: [{ name: 'svc', port: 80 }] }]));
    const before = structuredClone(route);
    const defaulted = applyDefaults(route);
    expect(route).toEqual(before);
    expect(defaulted.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
    expect(defaulted.spec.rules[0].backendRefs[0]).toEqual({ name: 'svc', port: 80, group: '', kind: 'Service', weight: 1 });
    expect(defaulted.spec.parentRefs[0]).toMatchObject({ group: 'gateway.networking.k8s.io', kind: 'Gateway' });
  });

  it('prunes nulls the apiserver drops, then defaults them', () => {
    const gateway = changed(VALID.gateway, (o) => (o.spec.listeners[1].tls.mode = null));
    expect(applyDefaults(gateway).spec.listeners[1].tls.mode).toBe('Terminate');
  });

  it('fails when the kind or version has no schema, naming the field, the value and the fix', () => {
    const unknown = { apiVersion: 'example.com/v1', kind: 'Nothing', metadata: { name: 'x' } };
    expect(() => applyDefaults(unknown)).toThrow(ModelServingError);
    expect(() => applyDefaults(unknown)).toThrow(/^applyDefaults: kind has no schema: unknown kind: no CRD or built-in schema defines Nothing in example\.com\/v1 \(received: "Nothing"\)\. Fix: use an apiVersion and kind the catalog knows/);
    const version = changed(VALID.httpRoute, (o) => (o.apiVersion = 'gateway.networking.k8s.io/v9'));
    expect(() => applyDefaults(version)).toThrow(/^applyDefaults: apiVersion has no schema: HTTPRoute has no version v9 in gateway\.networking\.k8s\.io \(known versions: .*\) \(received: "gateway\.networking\.k8s\.io\/v9"\)\. Fix: /);
  });

  it('fails when the input is not a Kubernetes object', () => {
    expect(() => applyDefaults([VALID.httpRoute])).toThrow(ModelServingError);
    expect(() => applyDefaults('kind: HTTPRoute')).toThrow(/^applyDefaults: object must be a Kubernetes object \(a plain object with apiVersion, kind and metadata\) \(received: "kind: HTTPRoute"\)\. Fix: pass one parsed manifest/);
  });
});

describe('result cache', () => {
  /** The built-in catalog, counting validator loads. */
  function countingCatalog(): { catalog: SchemaCatalog; loads: () => number } {
    const base = builtinCatalog();
    let loads = 0;
    const catalog: SchemaCatalog = {
      entries: (v, k) => base.entries(v, k),
      versions: (g, k) => base.versions(g, k),
      load: (e) => {
        loads++;
        return base.load(e);
      },
      metadata: () => base.metadata(),
      identity: (e) => base.identity(e),
    };
    return { catalog, loads: () => loads };
  }

  it('skips objects found valid by an earlier run, and only those', () => {
    const file = path.join(tempDir(), 'cache', 'validation.json');
    const broken = changed(VALID.service, (o) => (o.spec.ports[0].port = 'http'));
    const objects = [{ object: VALID.gateway }, { object: VALID.service }, { object: broken }];

    const first = countingCatalog();
    const cold = new ValidationCache(file);
    expect(validateObjects(objects, { catalog: first.catalog, cache: cold })).toHaveLength(1);
    cold.save();
    expect(first.loads()).toBe(3);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toHaveLength(2);

    const second = countingCatalog();
    const warm = new ValidationCache(file);
    expect(validateObjects(objects, { catalog: second.catalog, cache: warm })).toHaveLength(1);
    expect(second.loads()).toBe(1);

    // A changed object is a new key: validated again.
    const third = countingCatalog();
    validateObjects([{ object: changed(VALID.gateway, (o) => (o.spec.listeners[0].port = 8080)) }], { catalog: third.catalog, cache: new ValidationCache(file) });
    expect(third.loads()).toBe(1);
  });

  it('treats a missing or corrupt cache file as empty', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'corrupt.json'), '{not json');
    expect(new ValidationCache(path.join(dir, 'corrupt.json')).hit('x')).toBe(false);
    expect(new ValidationCache(path.join(dir, 'missing.json')).hit('x')).toBe(false);
  });
});
