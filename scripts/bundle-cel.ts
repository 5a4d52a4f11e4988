/**
 * Bundles the CEL runtime packages (`@bufbuild/cel`, its strings extension,
 * `@bufbuild/protobuf`) into `lib/vendor/cel.js`, the file
 * `src/validate/cel/packages.ts` loads: one file loads in about half the
 * time of the packages' hundreds of small modules, which matters on every
 * `npm run synth`. The versions are the pinned ones in `node_modules`; a
 * banner names them and their license (Apache-2.0). Rebuilt only when a
 * version changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

/** The modules of the bundle, by the name `CelPackages` gives them. */
const MODULES: Readonly<Record<string, string>> = {
  cel: '@bufbuild/cel',
  ext: '@bufbuild/cel/ext',
  protobuf: '@bufbuild/protobuf',
  wkt: '@bufbuild/protobuf/wkt',
  reflect: '@bufbuild/protobuf/reflect',
};

const VERSIONED = ['@bufbuild/cel', '@bufbuild/cel-spec', '@bufbuild/protobuf', 'esbuild'];

/**
 * Writes `lib/vendor/cel.js` unless it is up to date.
 *
 * @returns true when the bundle was (re)built
 */
export function bundleCel(root: string): boolean {
  const out = path.join(root, 'lib', 'vendor', 'cel.js');
  const key = VERSIONED.map((p) => `${p}@${(JSON.parse(fs.readFileSync(path.join(root, 'node_modules', p, 'package.json'), 'utf8')) as { version: string }).version}`).join(' ');
  const keyFile = `${out}.key`;
  if (fs.existsSync(out) && fs.existsSync(keyFile) && fs.readFileSync(keyFile, 'utf8') === key) return false;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  buildSync({
    banner: { js: `/* Bundled by cdk8s-model-serving from ${key.split(' ').filter((p) => !p.startsWith('esbuild@')).join(', ')}: Apache License 2.0, Copyright Buf Technologies, Inc. (see each package's LICENSE). */` },
    stdin: { contents: `module.exports = {${Object.entries(MODULES).map(([name, id]) => `${name}: require(${JSON.stringify(id)})`).join(', ')}};`, resolveDir: root, sourcefile: 'cel-packages.js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    // Shared with the schema validators (runtime/re2.ts), loaded once.
    external: ['@bufbuild/re2'],
    legalComments: 'eof',
    outfile: out,
    logLevel: 'warning',
  });
  fs.writeFileSync(keyFile, key);
  return true;
}
