import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { StoredIndex } from '../../src/validate/catalog';
import { readCompressed } from '../../src/validate/compressed-module';

/**
 * What `npm pack` puts in the package another team installs: its size and
 * its file list (the consumer test installs and runs the same tarball).
 */
const ROOT = path.resolve(__dirname, '..', '..');

/** The budget for the unpacked package (issue 18 §2), in bytes. */
const MAX_UNPACKED = 15_000_000;

interface PackInfo {
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: ReadonlyArray<{ readonly path: string; readonly size: number }>;
}

/** Bytes per top folder (`lib/imports`, `lib/schemas/modules`, ...), largest first: the failure message of a size check. */
function sizeByFolder(info: PackInfo): string {
  const by = new Map<string, number>();
  for (const f of info.files) {
    const folder = f.path.split('/').slice(0, f.path.startsWith('lib/schemas/') ? 3 : 2).join('/');
    by.set(folder, (by.get(folder) ?? 0) + f.size);
  }
  return [...by].sort((a, b) => b[1] - a[1]).map(([folder, bytes]) => `${(bytes / 1e6).toFixed(2)} MB ${folder}`).join('\n');
}

/**
 * The relative module specifiers a shipped file loads: `require('./x')` in
 * JavaScript, `from '../x'` and `import('./x')` in declarations (the `from`
 * of JavaScript is text, such as the files `init` writes).
 */
function relativeSpecifiers(file: string, source: string): string[] {
  const pattern = file.endsWith('.d.ts') ? /(?:from |import\()\s*["'](\.{1,2}\/[^"']+)["']/g : /require\(\s*["'](\.{1,2}\/[^"']+)["']/g;
  return [...source.matchAll(pattern)].map((m) => m[1]);
}

describe('npm pack', () => {
  let info: PackInfo;
  let files: Set<string>;

  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'schemas', 'index.json'))) throw new Error('lib/ is not built. Fix: npm run build');
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`npm pack --dry-run failed:\n${r.stderr}`);
    [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as PackInfo[];
    files = new Set(info.files.map((f) => f.path));
  }, 120_000);

  it(`unpacks to less than ${MAX_UNPACKED / 1e6} MB`, () => {
    expect(info.unpackedSize, `unpacked ${info.unpackedSize} bytes:\n${sizeByFolder(info)}`).toBeLessThan(MAX_UNPACKED);
    // Packed, it is a fraction of that (the validators are stored compressed, so it is not 10x).
    expect(info.size).toBeLessThan(info.unpackedSize);
  });

  it('holds no tests, benches, sources, maps, build caches or reference platforms', () => {
    const unwanted = [...files].filter((f) => /^(dist|test|bench|src|imports|scripts|docs|node_modules)\/|^lib\/(bench|src\/platforms|schemas\/cache)\/|\.map$|tsbuildinfo|build-stamp|\.key$|\.tmp$|\.test\.|\.tgz$/.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
    expect(unwanted).toEqual([]);
    // Every file is under lib/ or one of the package's own documents.
    expect([...files].filter((f) => !f.startsWith('lib/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
  });

  it('holds every entry point package.json names, and what each shipped file loads by a relative path', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string; types: string; bin: Record<string, string>; exports: Record<string, string | Record<string, string>> };
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin), ...Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))].map((t) => t.replace(/^\.\//, ''));
    expect(targets.filter((t) => !files.has(t))).toEqual([]);

    const resolves = (from: string, spec: string): boolean => {
      const base = path.posix.join(path.posix.dirname(from), spec);
      return ['', '.js', '.d.ts', '/index.js', '/index.d.ts'].some((ext) => files.has(`${base}${ext}`)) || (spec.endsWith('.js') && files.has(`${base.slice(0, -3)}.d.ts`) && from.endsWith('.d.ts'));
    };
    const missing: string[] = [];
    let checked = 0;
    for (const f of files) {
      if (!/\.(js|d\.ts|js\.br)$/.test(f)) continue;
      const source = f.endsWith('.br') ? readCompressed(path.join(ROOT, f)) : fs.readFileSync(path.join(ROOT, f), 'utf8');
      const target = f.replace(/\.br$/, '');
      for (const spec of relativeSpecifiers(target, source)) {
        checked++;
        if (!resolves(target, spec)) missing.push(`${f} -> ${spec}`);
      }
      // No file names a source map (none is shipped).
      if (/sourceMappingURL=/.test(source)) missing.push(`${f} -> its source map`);
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it('holds exactly the validators and skeletons lib/schemas/index.json refers to', () => {
    const index = JSON.parse(fs.readFileSync(path.join(ROOT, 'lib', 'schemas', 'index.json'), 'utf8')) as StoredIndex;
    const referenced = new Set([`lib/schemas/modules/${index.metadataModule}.js.br`, ...index.entries.flatMap((e) => [`lib/schemas/modules/${e.module}.js.br`, ...(e.skeleton ? [`lib/schemas/skeletons/${e.skeleton}.json.br`] : [])])]);
    const shipped = [...files].filter((f) => /^lib\/schemas\/(modules|skeletons)\//.test(f));
    expect([...referenced].filter((f) => !files.has(f))).toEqual([]);
    expect(shipped.filter((f) => !referenced.has(f))).toEqual([]);
    expect(index.entries.length).toBeGreaterThan(250);
  });
});
