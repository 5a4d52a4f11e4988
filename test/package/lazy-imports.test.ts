import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FACADE_MARKER, lazyImports } from '../../scripts/lazy-imports';

/**
 * The compiled L1 modules of `lib/imports/` are lazy facades
 * (`scripts/lazy-imports.ts`): the package's code is loaded only when a
 * construct of that API group is used, and the facade stands for exactly
 * the exports of the generated module.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const LIB_IMPORTS = path.join(ROOT, 'lib', 'imports');

/** Runs `script` in a fresh Node process at the repository root and returns its stdout parsed as JSON. */
function nodeJson(script: string): unknown {
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}

describe('lazy L1 modules in lib/imports', () => {
  it('every compiled L1 module is a facade over its implementation', () => {
    const facades = fs.readdirSync(LIB_IMPORTS).filter((f) => f.endsWith('.js') && !f.endsWith('.impl.js'));
    expect(facades.length).toBeGreaterThanOrEqual(15);
    for (const f of facades) {
      expect(fs.readFileSync(path.join(LIB_IMPORTS, f), 'utf8').startsWith(FACADE_MARKER), f).toBe(true);
      expect(fs.existsSync(path.join(LIB_IMPORTS, f.replace(/\.js$/, '.impl.js'))), f).toBe(true);
    }
  });

  it('loading the library does not load the KServe, Argo CD or Envoy Gateway modules; using a construct does', () => {
    const loaded = nodeJson(`
      const impl = () => Object.keys(require.cache).filter((f) => f.endsWith('.impl.js')).map((f) => require('path').basename(f));
      const lib = require('./lib/src');
      const before = impl();
      const platform = new lib.Platform(new (require('cdk8s').App)(), 'demo');
      new lib.InferenceService(new lib.Namespace(platform, 'models'), 'iris', { predictor: lib.Predictor.model({ format: lib.ModelFormat.SKLEARN, storage: lib.Storage.uri('gs://b/iris') }) });
      console.log(JSON.stringify({ before, after: impl() }));
    `) as { before: string[]; after: string[] };
    for (const heavy of ['kserve-serving.kserve.io.impl.js', 'argocd-argoproj.io.impl.js', 'envoygateway-gateway.envoyproxy.io.impl.js']) {
      expect(loaded.before).not.toContain(heavy);
    }
    expect(loaded.after).toContain('kserve-serving.kserve.io.impl.js');
  });

  it('a facade has the exports of its implementation, the same values, and imports like an ES module', () => {
    const facts = nodeJson(`
      const facade = require('./lib/imports/kserve-serving.kserve.io.js');
      const impl = require('./lib/imports/kserve-serving.kserve.io.impl.js');
      console.log(JSON.stringify({
        esModule: facade.__esModule,
        sameKeys: JSON.stringify(Object.keys(facade)) === JSON.stringify(Object.keys(impl)),
        keys: Object.keys(facade).length,
        sameClass: facade.InferenceService === impl.InferenceService,
        gvk: facade.InferenceService.GVK,
        inOperator: 'ServingRuntime' in facade && !('NoSuchExport' in facade),
      }));
    `);
    expect(facts).toEqual({ esModule: true, sameKeys: true, keys: expect.any(Number), sameClass: true, gvk: { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService' }, inOperator: true });
    expect((facts as { keys: number }).keys).toBeGreaterThan(100);
  });

  it('lazyImports wraps what tsc emitted, leaves facades alone, and replaces an implementation tsc emitted again', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lazy-imports-'));
    try {
      const dir = path.join(root, 'lib', 'imports');
      fs.mkdirSync(dir, { recursive: true });
      const emit = (value: number) => fs.writeFileSync(path.join(dir, 'demo.js'), `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.VALUE = ${value};\n`);
      emit(1);
      fs.writeFileSync(path.join(dir, 'gone.impl.js'), 'exports.VALUE = 0;\n');
      expect(lazyImports(root)).toBe(1);
      const facade = fs.readFileSync(path.join(dir, 'demo.js'), 'utf8');
      expect(facade.startsWith(FACADE_MARKER)).toBe(true);
      expect(fs.existsSync(path.join(dir, 'gone.impl.js'))).toBe(false);
      expect(lazyImports(root)).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'demo.js'), 'utf8')).toBe(facade);
      emit(2);
      expect(lazyImports(root)).toBe(1);
      expect(fs.readFileSync(path.join(dir, 'demo.impl.js'), 'utf8')).toMatch(/exports\.VALUE ?= ?2\b/); // minified
      const value = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(path.join(dir, 'demo.js'))}).VALUE)`], { encoding: 'utf8' }).stdout.trim();
      expect(value).toBe('2');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
