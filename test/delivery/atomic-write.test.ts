import { fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonPatch, Testing } from 'cdk8s';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Namespace } from '../../src/core/namespace';
import { Platform } from '../../src/core/platform';
import { replaceDirectory } from '../../src/delivery/atomic-dir';
import { FolderLockedError } from '../../src/delivery/folder-lock';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { SynthError, writePlatforms } from '../../src/delivery/synth';
import { SecretRef } from '../../src/core/secret-ref';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { HttpRoute } from '../../src/routing/http-route';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { ModelFormat } from '../../src/serving/model-format';
import { listFiles } from '../dir-compare';

/** A small platform: a gateway and `models` public models, each with its route. */
function platformApp(models: readonly string[], options: { readonly badPort?: boolean } = {}) {
  const app = Testing.app();
  const platform = new Platform(app, 'team');
  const edge = new Namespace(platform, 'edge');
  const ns = new Namespace(platform, 'models');
  const gateway = new Gateway(edge, 'gateway', {
    provider: GatewayProvider.KGATEWAY,
    listeners: [Listener.https({ certificates: [SecretRef.named('tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns]) })],
  });
  // An escape-hatch patch the constructs cannot check: only the schema validation catches it.
  if (options.badPort) gateway.resource.addJsonPatch(JsonPatch.replace('/spec/listeners/0/port', 0));
  for (const name of models) {
    const model = new InferenceService(ns, name, {
      predictor: Predictor.model({
        format: ModelFormat.SKLEARN,
        storage: Storage.uri(`gs://models/${name}`),
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      }),
    });
    new HttpRoute(ns, `${name}-route`, { name, parents: [gateway.listener('https')], rules: [{ matches: model.routeMatches(), backends: [model] }] }).allowPublicAccess('test platform');
  }
  return app;
}

/** Replaces fs.<fn> (for the CommonJS and ES module views alike) with one that throws on its `nth` call (1-based). */
function failOnCall(fn: 'writeFileSync' | 'mkdirSync' | 'renameSync' | 'mkdtempSync', nth: number): () => void {
  const original = fs[fn] as (...args: unknown[]) => unknown;
  let calls = 0;
  (fs as unknown as Record<string, unknown>)[fn] = (...args: unknown[]) => {
    calls++;
    if (calls === nth) throw Object.assign(new Error(`injected failure in ${fn} #${nth}`), { code: 'EIO' });
    return original.apply(fs, args);
  };
  syncBuiltinESMExports();
  return () => {
    (fs as unknown as Record<string, unknown>)[fn] = original;
    syncBuiltinESMExports();
  };
}

/** Every file under `dir` with its bytes. */
function snapshotDir(dir: string): Map<string, Buffer> {
  return new Map(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}

describe('writing dist/ is all or nothing', () => {
  let tmp: string;
  let out: string;
  let before: Map<string, Buffer>;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-'));
    out = path.join(tmp, 'dist');
    writePlatforms(buildPlatforms(platformApp(['iris', 'mnist'])), { outdir: out });
    before = snapshotDir(out);
    expect(before.size).toBeGreaterThan(10);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const unchanged = () => {
    const now = snapshotDir(out);
    expect([...now.keys()]).toEqual([...before.keys()]);
    for (const [f, bytes] of before) expect(now.get(f)!.equals(bytes), f).toBe(true);
    // nothing left beside it either: no staging folder, no lock, no previous copy
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  };

  // The new platform differs from the one on disk (a third model), so a partial write would show.
  const next = () => buildPlatforms(platformApp(['iris', 'mnist', 'bert']));

  // Call order of one write: mkdtempSync #1 the lock prepared under a temporary name, writeFileSync #1 its owner
  // file, renameSync #1 the lock into place; mkdtempSync #2 the staging folder; writeFileSync #2 and renameSync #2
  // the lock's record of the work folders; mkdirSync #2 the first platform folder (#1 is the parent); then one
  // writeFileSync per output file, the output marker last; renameSync #3 the old folder aside, #4 the new one in.
  it.each<[string, 'writeFileSync' | 'mkdirSync' | 'renameSync' | 'mkdtempSync', number | 'last']>([
    ['preparing the lock', 'mkdtempSync', 1],
    ['writing the lock owner', 'writeFileSync', 1],
    ['moving the lock into place', 'renameSync', 1],
    ['creating the staging folder', 'mkdtempSync', 2],
    ['recording the work folders in the lock', 'writeFileSync', 2],
    ['creating the platform folder', 'mkdirSync', 2],
    ['writing the first file', 'writeFileSync', 3],
    ['writing the fifth file', 'writeFileSync', 7],
    ['writing the twentieth file', 'writeFileSync', 22],
    ['writing the output marker (the last file)', 'writeFileSync', 'last'],
    ['moving the old folder aside', 'renameSync', 3],
    ['moving the new folder in', 'renameSync', 4],
  ])('a failure while %s leaves dist/ byte-identical', (_what, fn, nth) => {
    const outputs = next();
    const files = outputs.reduce((n, p) => n + p.manifests.length + Object.keys(p.files).length, 0);
    const restore = failOnCall(fn, nth === 'last' ? files + 3 : nth);
    try {
      expect(() => writePlatforms(outputs, { outdir: out })).toThrow(/injected failure/);
    } finally {
      restore();
    }
    unchanged();
  });

  it('an invalid object fails before anything is written (validation)', () => {
    expect(() => writePlatforms(buildPlatforms(platformApp(['iris', 'mnist', 'bert'], { badPort: true })), { outdir: out })).toThrow(SynthError);
    expect(() => buildPlatforms(platformApp(['iris'], { badPort: true }))).toThrow(/Gateway\/gateway: spec\.listeners\[0\]\.port/);
    unchanged();
  });

  it('a construct error fails before anything is written', () => {
    expect(() => writePlatforms(buildPlatforms(platformApp(['iris', 'Not_A_Name'])), { outdir: out })).toThrow(/name must be/);
    unchanged();
  });

  it('a process killed between the two moves is repaired by the next write, from what its lock recorded', () => {
    // The state a kill leaves: the old folder moved aside, no new folder in place, and the dead run's lock naming both.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.renameSync(out, path.join(tmp, '.dist.previous-abc'));
    fs.mkdirSync(path.join(tmp, '.dist.staging-xyz'));
    fs.mkdirSync(`${out}.lock`);
    fs.writeFileSync(path.join(`${out}.lock`, 'owner.json'), JSON.stringify({ pid: Number(dead.stdout), host: os.hostname(), since: 1, staging: '.dist.staging-xyz', previous: '.dist.previous-abc' }));
    // A folder of the user's named like a leftover, which no lock names, is not touched.
    fs.mkdirSync(path.join(tmp, '.dist.previous'));
    fs.writeFileSync(path.join(tmp, '.dist.previous', 'mine.txt'), 'mine\n');
    writePlatforms(next(), { outdir: out });
    expect(fs.readdirSync(tmp).sort()).toEqual(['.dist.previous', 'dist']);
    expect(listFiles(out)).toContain('team/inferenceservice.models.bert.yaml');
    expect(fs.readFileSync(path.join(tmp, '.dist.previous', 'mine.txt'), 'utf8')).toBe('mine\n');
  });

  it('a successful write replaces the folder and leaves nothing beside it', () => {
    writePlatforms(next(), { outdir: out });
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
    const added = listFiles(out).filter((f) => !before.has(f));
    expect(added).toContain('team/httproute.models.bert.yaml');
    expect(added).toContain('team/inferenceservice.models.bert.yaml');
  });
});

describe('concurrent synths', () => {
  it('a second writer fails at once while the first holds the lock, and the first completes', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));
    try {
      const out = path.join(tmp, 'dist');
      let inner: unknown;
      replaceDirectory(out, (staging) => {
        fs.writeFileSync(path.join(staging, 'a.yaml'), 'a: 1\n');
        try {
          replaceDirectory(out, (s) => fs.writeFileSync(path.join(s, 'b.yaml'), 'b: 1\n'));
        } catch (err) {
          inner = err;
        }
      });
      expect(inner).toBeInstanceOf(FolderLockedError);
      expect((inner as Error).message).toMatch(/another synth is writing .*dist right now/);
      expect(listFiles(out)).toEqual(['a.yaml']);
      expect(fs.readdirSync(tmp)).toEqual(['dist']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('two processes writing the same folder never interleave: the result is one of them, whole', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'race-'));
    try {
      const out = path.join(tmp, 'dist');
      const script = path.join(tmp, 'writer.js');
      const atomic = path.resolve(__dirname, '..', '..', 'lib', 'src', 'delivery', 'atomic-dir.js');
      // Each writer writes 200 files tagged with its id, slowly enough to overlap.
      fs.writeFileSync(
        script,
        `const fs = require('fs'); const path = require('path'); const { replaceDirectory } = require(${JSON.stringify(atomic)});
         const id = process.argv[2];
         for (let attempt = 0; ; attempt++) {
           try {
             replaceDirectory(${JSON.stringify(out)}, (s) => { for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(s, i + '.txt'), id); });
             process.exit(0);
           } catch (e) {
             if (e.name !== 'FolderLockedError' || attempt > 2000) { console.error(e.message); process.exit(1); }
             Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
           }
         }`,
      );
      const run = (id: string) => new Promise<number>((resolve) => fork(script, [id], { stdio: 'ignore' }).on('exit', (code) => resolve(code ?? 1)));
      const codes = await Promise.all([run('a'), run('b'), run('c')]);
      expect(codes).toEqual([0, 0, 0]);
      const contents = new Set(listFiles(out).map((f) => fs.readFileSync(path.join(out, f), 'utf8')));
      expect(listFiles(out)).toHaveLength(200);
      expect(contents.size).toBe(1);
      expect(fs.readdirSync(tmp).sort()).toEqual(['dist', 'writer.js']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
