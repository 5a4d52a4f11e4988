/**
 * Where this package's generated files are: `lib/` under the package root
 * (the project checkout, or the installed package in `node_modules`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The nearest folder above `from` with a package.json (the package root, from any file in it). */
export function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** `lib/` of this package (found from this file, in `src/` or in `lib/src/`). */
export function libDir(): string {
  return path.join(packageRoot(__dirname), 'lib');
}
