/**
 * Bundles secretlint's recommended preset
 * (`@secretlint/secretlint-rule-preset-recommend`, an ES module) into
 * `lib/vendor/secretlint.js`, a CommonJS file that `src/core/secretlint.ts`
 * loads: the library is CommonJS, and `require()` of an ES module needs
 * Node.js 20.19 or later, while the package supports every Node.js 20. The
 * version is the pinned one in `node_modules`; a banner names it and its
 * license (MIT). Rebuilt only when a version changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const VERSIONED = ['@secretlint/secretlint-rule-preset-recommend', 'esbuild'];

/**
 * Writes `lib/vendor/secretlint.js` unless it is up to date.
 *
 * @returns true when the bundle was (re)built
 */
export function bundleSecretlint(root: string): boolean {
  const out = path.join(root, 'lib', 'vendor', 'secretlint.js');
  const key = VERSIONED.map((p) => `${p}@${(JSON.parse(fs.readFileSync(path.join(root, 'node_modules', p, 'package.json'), 'utf8')) as { version: string }).version}`).join(' ');
  const keyFile = `${out}.key`;
  if (fs.existsSync(out) && fs.existsSync(keyFile) && fs.readFileSync(keyFile, 'utf8') === key) return false;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  buildSync({
    banner: { js: `/* Bundled by cdk8s-model-serving from ${key.split(' ').filter((p) => !p.startsWith('esbuild@')).join(', ')}: MIT License, Copyright azu (see the package's LICENSE). */` },
    stdin: { contents: `module.exports = require('@secretlint/secretlint-rule-preset-recommend');`, resolveDir: root, sourcefile: 'secretlint-preset.js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    legalComments: 'eof',
    outfile: out,
    logLevel: 'warning',
  });
  fs.writeFileSync(keyFile, key);
  return true;
}
