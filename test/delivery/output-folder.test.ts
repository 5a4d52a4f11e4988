/**
 * Synth never deletes what it does not own: hostile and careless output
 * targets through `writePlatforms` and the synth entry, each in a scratch
 * folder whose every byte is compared before and after.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { Namespace } from '../../src/core/namespace';
import { Platform } from '../../src/core/platform';
import { replaceDirectory } from '../../src/delivery/atomic-dir';
import { acquireFolderLock, FolderLockedError } from '../../src/delivery/folder-lock';
import { OUTPUT_MARKER } from '../../src/delivery/output-folder';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { PlatformOutput, synthPlatforms, writePlatforms } from '../../src/delivery/synth';
import { listFiles } from '../dir-compare';

const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'lib', 'src', 'platforms', 'main.js');

/** A small valid platform with one Namespace. */
function outputs(name = 'team'): PlatformOutput[] {
  const app = Testing.app();
  new Namespace(new Platform(app, name), 'models');
  return buildPlatforms(app);
}

/** Every file and symlink under `dir` (symlinks not followed) with its bytes or target. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = path.join(rel, e.name);
      if (e.isSymbolicLink()) out.set(p, `-> ${fs.readlinkSync(path.join(dir, p))}`);
      else if (e.isDirectory()) {
        out.set(`${p}/`, '');
        walk(p);
      } else out.set(p, fs.readFileSync(path.join(dir, p)).toString('base64'));
    }
  };
  walk('');
  return out;
}

/** A scratch working directory that looks like a checkout: `.git`, `src`, `package.json`. */
function scratchCheckout(tmp: string): string {
  const dir = path.join(tmp, 'checkout');
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  fs.writeFileSync(path.join(dir, 'src', 'app.ts'), 'export {};\n');
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"x"}\n');
  return dir;
}

let tmp: string;
beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'outdir-')));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('writePlatforms refuses targets it does not own', () => {
  it.each<[string, (tmp: string) => string, RegExp]>([
    ['an empty path', () => '', /outdir is empty: synth would replace the working directory \(received: ""\)/],
    ['"."', () => '.', /outdir is or holds the working directory.*\(received: "\."\)/],
    ['the working directory by its absolute path', () => process.cwd(), /is or holds the working directory/],
    ['a parent of the working directory', () => path.dirname(process.cwd()), /is or holds the working directory/],
    ['the file-system root', () => '/', /outdir is the file-system root \(received: "\/"\)/],
    ['a repository root', (t) => scratchCheckout(t), /is the root of a repository \(it holds \.git\)/],
    ['a regular file', (t) => {
      fs.writeFileSync(path.join(t, 'notes.txt'), 'keep me\n');
      return path.join(t, 'notes.txt');
    }, /is a file, not a folder/],
    ['a path through a file', (t) => {
      fs.writeFileSync(path.join(t, 'keep.txt'), 'keep me\n');
      return path.join(t, 'keep.txt', 'dist');
    }, /outdir goes through keep\.txt, which is a file, not a folder/],
    ['a folder with files synth did not write', (t) => {
      fs.mkdirSync(path.join(t, 'docs'));
      fs.writeFileSync(path.join(t, 'docs', 'plan.md'), 'mine\n');
      return path.join(t, 'docs');
    }, /holds files synth did not write \(plan\.md\).*no \.cdk8s-model-serving-output marker/],
  ])('%s', (_what, target, message) => {
    const outdir = target(tmp);
    const before = snapshot(tmp);
    let err: unknown;
    try {
      writePlatforms(outputs(), { outdir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelServingError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/Fix: /);
    expect(snapshot(tmp)).toEqual(before);
  });

  it('the home folder', () => {
    const home = path.join(tmp, 'home');
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(home, '.bashrc'), 'x\n');
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      expect(() => writePlatforms(outputs(), { outdir: home })).toThrow(/outdir is the home folder/);
    } finally {
      process.env.HOME = saved;
    }
    expect(fs.readdirSync(home)).toEqual(['.bashrc']);
  });

  it('a file added to synth output is not deleted: the next write refuses and names it', () => {
    const out = path.join(tmp, 'dist');
    writePlatforms(outputs(), { outdir: out });
    expect(fs.readFileSync(path.join(out, OUTPUT_MARKER), 'utf8')).toMatch(/^# Written by cdk8s-model-serving synth[\s\S]*\nteam\/namespace\.models\.yaml\n/);
    fs.writeFileSync(path.join(out, 'team', 'extra.yaml'), 'mine: true\n');
    fs.mkdirSync(path.join(out, 'notes'));
    fs.writeFileSync(path.join(out, 'notes', 'a.md'), 'mine\n');
    const before = snapshot(tmp);
    expect(() => writePlatforms(outputs(), { outdir: out })).toThrow(/holds files synth did not write \(notes\/, team\/extra\.yaml\)/);
    expect(snapshot(tmp)).toEqual(before);
  });

  it('output of a version without the marker (only platform folders) is replaced, and gets the marker', () => {
    const out = path.join(tmp, 'dist');
    fs.mkdirSync(path.join(out, 'team'), { recursive: true });
    fs.writeFileSync(path.join(out, 'team', 'namespace.old.yaml'), 'kind: Namespace\n');
    writePlatforms(outputs(), { outdir: out });
    expect(listFiles(out)).toContain(OUTPUT_MARKER);
    expect(listFiles(out)).not.toContain('team/namespace.old.yaml');
    // ... but not a folder of another platform
    fs.rmSync(path.join(out, OUTPUT_MARKER));
    fs.mkdirSync(path.join(out, 'other'));
    expect(() => writePlatforms(outputs(), { outdir: out })).toThrow(/holds files synth did not write \(other\/\)/);
  });

  it('a symlinked output folder stays a symlink; the folder it points to is replaced', () => {
    const real = path.join(tmp, 'real-dist');
    const link = path.join(tmp, 'dist');
    fs.mkdirSync(real);
    fs.symlinkSync(real, link);
    writePlatforms(outputs(), { outdir: link });
    writePlatforms(outputs(), { outdir: link });
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(listFiles(real)).toContain('team/namespace.models.yaml');
    expect(fs.readdirSync(tmp).sort()).toEqual(['dist', 'real-dist']);
  });

  it('an object name with ../ is refused before anything is written outside (or inside) the folder', () => {
    const app = Testing.app();
    const platform = new Platform(app, 'team');
    const chart = new Chart(platform, 'raw');
    new ApiObject(chart, 'escape', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '../../../escaped', namespace: 'x' } });
    const out = path.join(tmp, 'a', 'b', 'dist');
    const before = snapshot(tmp);
    expect(() => writePlatforms(synthPlatforms(app), { outdir: out })).toThrow(/file name of ConfigMap '\.\.\/\.\.\/\.\.\/escaped' must be one file or folder name inside the output folder/);
    expect(snapshot(tmp)).toEqual(before);
  });

  it('a platform name that is not one folder name is refused', () => {
    const [p] = outputs();
    expect(() => writePlatforms([{ ...p, name: '../team' }], { outdir: path.join(tmp, 'dist') })).toThrow(/platform name must be one file or folder name/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

describe('the write lock is held for as long as its writer lives', () => {
  it('a lock of a live process is never taken over, however old', () => {
    const out = path.join(tmp, 'dist');
    const lock = `${out}.lock`;
    // The lock as another live process of this host holds it: this test's parent (the vitest main process).
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'owner.json'), JSON.stringify({ pid: process.ppid, host: os.hostname(), since: 0 }));
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(lock, old, old);
    expect(() => replaceDirectory(out, (s) => fs.writeFileSync(path.join(s, 'a.yaml'), 'a: 1\n'))).toThrow(FolderLockedError);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(path.join(lock, 'owner.json'))).toBe(true);
  });

  it('a lock of a process that is gone is taken over, and the staging folder it recorded removed; a staging-like folder it did not record stays', () => {
    const out = path.join(tmp, 'dist');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    expect(deadPid).toBeGreaterThan(0);
    fs.mkdirSync(`${out}.lock`);
    fs.writeFileSync(path.join(`${out}.lock`, 'owner.json'), JSON.stringify({ pid: deadPid, host: os.hostname(), since: Date.now(), staging: '.dist.staging-abc' }));
    fs.mkdirSync(path.join(tmp, '.dist.staging-abc'));
    fs.mkdirSync(path.join(tmp, '.dist.staging-mine'));
    replaceDirectory(out, (s) => fs.writeFileSync(path.join(s, 'a.yaml'), 'a: 1\n'));
    expect(fs.readdirSync(tmp).sort()).toEqual(['.dist.staging-mine', 'dist']);
  });

  it('a lock of another host is not taken over, and the message says how to remove it', () => {
    const lock = path.join(tmp, 'dist.lock');
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'owner.json'), JSON.stringify({ pid: 1, host: 'elsewhere.example', since: 0 }));
    expect(() => acquireFolderLock(lock, path.join(tmp, 'dist'))).toThrow(/held by process 1 on elsewhere\.example since 1970-01-01T00:00:00\.000Z.*remove .*dist\.lock if that process is gone/);
  });

  it('releasing leaves a lock that is no longer its own', () => {
    const lock = path.join(tmp, 'dist.lock');
    const held = acquireFolderLock(lock, 'dist');
    fs.writeFileSync(path.join(lock, 'owner.json'), JSON.stringify({ pid: 1, host: 'elsewhere.example', since: 0 }));
    held.release();
    expect(fs.existsSync(lock)).toBe(true);
  });

  it.each<[string, (lock: string) => void]>([
    ['a folder of the user without a lock owner file', (lock) => {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'notes.txt'), 'mine\n');
    }],
    ['a regular file', (lock) => fs.writeFileSync(lock, 'mine\n')],
  ])('something of the user named like the lock (%s) is never removed: synth refuses', (_what, make) => {
    const out = path.join(tmp, 'dist');
    make(`${out}.lock`);
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(`${out}.lock`, old, old);
    const before = snapshot(tmp);
    expect(() => writePlatforms(outputs(), { outdir: out })).toThrow(/dist\.lock is a (folder without a lock owner file|file), not a synth lock.*Fix: move dist\.lock away, or name another output folder/);
    expect(snapshot(tmp)).toEqual(before);
  });

  it('folders of the user named like leftovers of a synth (.dist.previous, .dist.staging-*) are never touched, also when synth refuses', () => {
    const out = path.join(tmp, 'dist');
    for (const d of ['.dist.previous', '.dist.previous-1', '.dist.staging-mine']) {
      fs.mkdirSync(path.join(tmp, d));
      fs.writeFileSync(path.join(tmp, d, 'mine.txt'), 'mine\n');
    }
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'foreign.txt'), 'mine\n');
    const before = snapshot(tmp);
    expect(() => writePlatforms(outputs(), { outdir: out })).toThrow(/holds files synth did not write \(foreign\.txt\)/);
    expect(snapshot(tmp)).toEqual(before);
    fs.rmSync(path.join(out, 'foreign.txt'));
    writePlatforms(outputs(), { outdir: out });
    for (const d of ['.dist.previous', '.dist.previous-1', '.dist.staging-mine']) expect(fs.readFileSync(path.join(tmp, d, 'mine.txt'), 'utf8')).toBe('mine\n');
  });
});

describe('the synth entry with hostile CDK8S_MS_DIST values', () => {
  /** Runs the synth entry in `cwd` with `env`; returns its exit status and output. */
  function synth(cwd: string, env: Record<string, string>) {
    const r = spawnSync(process.execPath, [MAIN], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }

  it.each<[string, (checkout: string) => string, RegExp]>([
    ['set but empty', () => '', /CDK8S_MS_DIST is empty: synth would replace the working directory/],
    ['"."', () => '.', /CDK8S_MS_DIST is or holds the working directory/],
    ['"/"', () => '/', /CDK8S_MS_DIST is the file-system root/],
    ['the checkout by its path', (c) => c, /CDK8S_MS_DIST is or holds the working directory/],
    ['a file of the checkout', (c) => path.join(c, 'package.json'), /CDK8S_MS_DIST is a file, not a folder/],
    ['the source folder', (c) => path.join(c, 'src'), /CDK8S_MS_DIST holds files synth did not write \(app\.ts\)/],
  ])('%s: exits 1, names the problem, and changes nothing', (_what, target, message) => {
    const checkout = scratchCheckout(tmp);
    const before = snapshot(tmp);
    const r = synth(checkout, { CDK8S_MS_DIST: target(checkout) });
    expect(r.out).toMatch(message);
    expect(r.out).not.toMatch(/added|synthesized/);
    expect(r.status).toBe(1);
    expect(snapshot(tmp)).toEqual(before);
  });

  it.each<[string, string, (c: string) => void, RegExp]>([
    ['a folder with files (it would be overwritten)', 'cli-out', (c) => {
      fs.mkdirSync(path.join(c, 'cli-out', 'kserve-platform'), { recursive: true });
      fs.writeFileSync(path.join(c, 'cli-out', 'kserve-platform', 'README.md'), 'mine\n');
    }, /CDK8S_OUTDIR is not empty .*would overwrite files synth does not own/],
    ['the working directory', '.', () => undefined, /CDK8S_OUTDIR is or holds the working directory/],
  ])('CDK8S_OUTDIR naming %s is refused before anything is written', (_what, cliOut, make, message) => {
    const checkout = scratchCheckout(tmp);
    make(checkout);
    const before = snapshot(tmp);
    const r = synth(checkout, { CDK8S_MS_DIST: 'dist', CDK8S_OUTDIR: cliOut });
    expect(r.out).toMatch(message);
    expect(r.status).toBe(1);
    expect(snapshot(tmp)).toEqual(before);
  });

  it('a symlinked output folder is written through, and a second run sees no change', () => {
    const checkout = scratchCheckout(tmp);
    const real = path.join(tmp, 'out-real');
    fs.mkdirSync(real);
    fs.symlinkSync(real, path.join(checkout, 'dist'));
    const first = synth(checkout, { CDK8S_MS_DIST: 'dist' });
    expect(first.out).toMatch(/synthesized dist/);
    expect(first.status).toBe(0);
    expect(fs.lstatSync(path.join(checkout, 'dist')).isSymbolicLink()).toBe(true);
    expect(listFiles(real)).toEqual(expect.arrayContaining([OUTPUT_MARKER, 'maas/kustomization.yaml', 'argocd/README.md']));
    const second = synth(checkout, { CDK8S_MS_DIST: 'dist' });
    expect(second.out).toMatch(/0 added, 0 changed, 0 removed/);
    expect(fs.readdirSync(checkout).sort()).toEqual(['.git', 'dist', 'package.json', 'src']);
  }, 180_000);
});
