import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = path.join(ROOT, 'scripts', 'build.mjs');
const STAMP = path.join(ROOT, 'lib', '.build-stamp');

/** Exit status of `node scripts/build.mjs --check`: 0 up to date, 1 a build is needed (it builds nothing). */
const check = () => spawnSync(process.execPath, [BUILD, '--check'], { cwd: ROOT, encoding: 'utf8' }).status;

/** `npm run build` (scripts/build.mjs) skips tsc and the schema step when nothing it reads changed. */
describe('the up-to-date build', () => {
  it('is up to date right after a build, and not once an input is newer, added or removed (as the stamp tells)', () => {
    // npm test has just built: the stamp records this state.
    expect(fs.existsSync(STAMP)).toBe(true);
    expect(check()).toBe(0);
    const recorded = fs.readFileSync(STAMP, 'utf8');
    const state = JSON.parse(recorded) as { newest: number; count: number; crds: string };
    expect(state.count).toBeGreaterThan(500);
    expect(state.crds).toMatch(/crds$/);
    try {
      fs.writeFileSync(STAMP, JSON.stringify({ ...state, newest: state.newest - 1000 })); // an input edited since
      expect(check()).toBe(1);
      fs.writeFileSync(STAMP, JSON.stringify({ ...state, count: state.count - 1 })); // a file added since
      expect(check()).toBe(1);
      fs.rmSync(STAMP); // never built
      expect(check()).toBe(1);
    } finally {
      fs.writeFileSync(STAMP, recorded);
    }
    expect(check()).toBe(0);
  });

});
