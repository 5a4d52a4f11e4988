import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffDirs, listFiles } from '../dir-compare';

/**
 * `npx cdk8s synth`, as CI or a platform team runs it in the repository
 * (cdk8s.yaml: build, then the precompiled app): exits 0 and produces exactly
 * the committed `dist/`, byte for byte.
 *
 * The app writes to CDK8S_MS_DIST (a temporary folder here, `dist/` by
 * default) and copies the result to the CLI's output folder (`-o`, also
 * temporary): the test never touches `dist/` and checks that it did not.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');

/** One hash over every file of `dir` (relative path and bytes). */
function treeHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of listFiles(dir)) hash.update(`${file}\0`).update(fs.readFileSync(path.join(dir, file))).update('\0');
  return hash.digest('hex');
}

describe('npx cdk8s synth', () => {
  it('exits 0 and its output equals the committed dist/ byte for byte, leaving dist/ untouched', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-ms-cli-synth-'));
    const before = treeHash(DIST);
    try {
      const out = path.join(tmp, 'out');
      // Not as a child of `npm test`: npm's lifecycle variables would leak into the app's `npm run -s build`.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(lifecycle|package|config_(?!cache$|registry$|userconfig$))/i.test(k)));
      const result = spawnSync('npx', ['--no', 'cdk8s', 'synth', '--no-check-upgrade', '--output', out], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...env, CDK8S_MS_DIST: path.join(tmp, 'dist') },
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(result.error).toBeUndefined();
      expect(result.status, `cdk8s synth failed:\n${result.stdout}\n${result.stderr}`).toBe(0);

      expect(listFiles(out).length).toBeGreaterThan(0);
      expect(listFiles(out)).toEqual(listFiles(DIST));
      // On failure: run `npm run synth` and commit dist/ (or, if dist/ is what you expect, fix the app).
      expect(diffDirs(DIST, out)).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      expect(treeHash(DIST), 'cdk8s synth changed dist/').toBe(before);
    }
  }, 240_000);
});
