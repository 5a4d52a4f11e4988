import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_USAGE, EXIT_VALID, runCli } from '../../src/cli/run';

/** `cdk8s-model-serving init DIR` (the generated project installing and testing itself is in consumer.test.ts). */
function cli(...args: string[]): { status: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { status: runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }), out, err };
}

const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cms-init-'));

describe('cdk8s-model-serving init', () => {
  it('writes the project files into a new folder, the CI script executable', () => {
    const dir = path.join(scratch(), 'team-platform');
    const r = cli('init', dir);
    expect(r.status).toBe(EXIT_VALID);
    expect(r.out[0]).toContain('package.json');
    for (const f of ['package.json', 'cdk8s.yaml', 'tsconfig.json', '.gitignore', '.ci/run', 'src/platform.ts', 'src/main.ts', 'test/platform.test.ts', 'README.md']) expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    expect(fs.statSync(path.join(dir, '.ci/run')).mode & 0o111).not.toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name).toBe('team-platform');
    expect(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8')).toContain('app: npm run -s build && node lib/src/main.js');
  });

  it('never overwrites: a folder with files is refused, naming them', () => {
    const dir = scratch();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const r = cli('init', dir);
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err.join('\n')).toMatch(/is not empty \(notes\.txt\): init never overwrites files\. Fix: pass a new or empty folder/);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('refuses a folder name npm would refuse as a package name, and a missing or extra argument', () => {
    const r = cli('init', path.join(scratch(), 'My Platform'));
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err.join('\n')).toMatch(/'My Platform' is not a valid npm package name.*Fix: name the folder like my-platform/);
    expect(cli('init').status).toBe(EXIT_USAGE);
    // An empty path is not the working directory: nothing is written there.
    const cwd = process.cwd();
    const before = fs.readdirSync(cwd).sort();
    const empty = cli('init', '');
    expect(empty.status).toBe(EXIT_USAGE);
    expect(empty.err.join('\n')).toMatch(/the folder is an empty path\. Fix: pass the new folder/);
    expect(fs.readdirSync(cwd).sort()).toEqual(before);
    expect(cli('init', 'a', 'b').status).toBe(EXIT_USAGE);
  });
});
