/**
 * The app `npm run synth` and `cdk8s synth` run: synthesizes every reference
 * platform, validates it, and replaces `dist/` only when all of it is valid.
 * Exits 1 (leaving `dist/` untouched) on any error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { ModelServingError } from '../core/errors';
import { SynthError, synthPlatforms, writePlatforms } from '../delivery/synth';
import { assertValidPlatforms } from '../validate/app';
import { ValidationCache } from '../validate/result-cache';
import { defineReferencePlatforms } from './index';

/** The project root: the nearest folder above `from` with a package.json. */
export function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/**
 * Synthesizes the reference platforms into `outdir`, after validating every
 * object against the CRDs and core schemas (issues name files relative to the
 * working directory, as `dist/<platform>/<file>`).
 *
 * @param validationCache a file remembering objects found valid, so that an
 *   unchanged object is not validated again (see `validate/result-cache.ts`)
 * @throws SynthError listing every construct or validation error; nothing is written then
 */
export function synthReferencePlatforms(outdir: string, validationCache?: string): void {
  const app = new App({ outdir });
  defineReferencePlatforms(app);
  const outputs = synthPlatforms(app);
  const cache = validationCache !== undefined ? new ValidationCache(validationCache) : undefined;
  try {
    assertValidPlatforms(outputs, { outdir: path.relative(process.cwd(), outdir) || '.', cache });
  } finally {
    cache?.save();
  }
  writePlatforms(outputs, { outdir });
}

if (require.main === module) {
  const root = projectRoot(__dirname);
  const outdir = process.env.CDK8S_MS_DIST ?? path.join(root, 'dist');
  try {
    synthReferencePlatforms(outdir, path.join(root, 'node_modules', '.cache', 'cdk8s-model-serving', 'validation.json'));
    console.log(`synthesized ${path.relative(process.cwd(), outdir) || '.'}`);
  } catch (err) {
    // Our errors carry the construct path and the fix; anything else is
    // reported by its message too, never as a raw stack from a dependency.
    const known = err instanceof SynthError || err instanceof ModelServingError;
    console.error(known ? err.message : `synth failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
