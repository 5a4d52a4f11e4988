/**
 * Turns each compiled L1 module of `lib/imports/` into a lazy facade.
 *
 * The generated modules are large (the KServe one alone is about 5.5 MB of
 * JavaScript, all of them together about 10 MB) and compiling them was
 * about half of the time it took to load the library, paid by every synth
 * and every consumer whether or not it used that API group. After this step
 * `lib/imports/<module>.js` is a small module that stands for the same
 * exports and loads the generated code, moved to
 * `lib/imports/<module>.impl.js`, on the first access to one of them: a
 * platform without Argo CD manifests never compiles the Argo CD module.
 * Types are unchanged (`<module>.d.ts`); tests import `imports/*.ts` from
 * source and are not affected.
 *
 * The implementation is minified (esbuild, names kept): generated code that
 * nobody reads, less than half the size installed.
 *
 * Idempotent: a facade is left as it is; a module that `tsc` has emitted
 * again (the import was regenerated) replaces the old implementation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transformSync } from 'esbuild';

/** The first line of every facade; how a facade is told from a module `tsc` emitted. */
export const FACADE_MARKER = '"use strict"; // lazy facade of';

/**
 * The facade: a proxy that loads the implementation on the first access to
 * any export (or on enumerating them). `__esModule` is answered without
 * loading, since TypeScript's import helpers read it when a module is
 * imported, not used.
 */
function facadeSource(implFile: string): string {
  return [
    `${FACADE_MARKER} ${implFile}, written by scripts/lazy-imports.ts: the generated code compiles on first use.`,
    'let impl;',
    `const load = () => (impl ??= require(${JSON.stringify(`./${implFile}`)}));`,
    'const target = Object.defineProperty({}, "__esModule", { value: true });',
    'module.exports = new Proxy(target, {',
    '  get: (t, name) => (name === "__esModule" ? true : load()[name]),',
    '  has: (t, name) => name in load(),',
    '  ownKeys: () => Reflect.ownKeys(load()),',
    '  getOwnPropertyDescriptor: (t, name) => (name === "__esModule" ? Reflect.getOwnPropertyDescriptor(t, name) : Reflect.getOwnPropertyDescriptor(load(), name)),',
    '});',
    '',
  ].join('\n');
}

/**
 * Makes every `lib/imports/*.js` module a lazy facade (see the file comment).
 *
 * @returns the number of facades written (0 when all were up to date)
 */
export function lazyImports(root: string): number {
  const dir = path.join(root, 'lib', 'imports');
  let written = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.js') && !f.endsWith('.impl.js')).sort()) {
    const facade = path.join(dir, file);
    if (fs.readFileSync(facade, 'utf8').startsWith(FACADE_MARKER)) continue;
    const implFile = file.replace(/\.js$/, '.impl.js');
    const impl = path.join(dir, implFile);
    const code = transformSync(fs.readFileSync(facade, 'utf8'), { minify: true, keepNames: true, format: 'cjs', target: 'node20', sourcefile: file }).code;
    fs.writeFileSync(impl, code);
    fs.writeFileSync(facade, facadeSource(implFile));
    written += 1;
  }
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.impl.js'))) {
    if (!fs.existsSync(path.join(dir, file.replace(/\.impl\.js$/, '.js')))) fs.rmSync(path.join(dir, file));
  }
  return written;
}
