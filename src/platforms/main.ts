/**
 * The app `npm run synth` and `cdk8s synth` run: builds every reference
 * platform (validation and security rules included), prints what changes
 * against the committed `dist/`, refuses to remove protected objects unless
 * allowed, and replaces `dist/` atomically. Exits 1, leaving `dist/`
 * untouched, on any error.
 *
 * Flags: `--allow-removal=<Kind/namespace/name>` (repeatable, or `*`) allows
 * removing or renaming a protected object (Namespace, PVC, Gateway,
 * Certificate).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { invalid, ModelServingError } from '../core/errors';
import { ChangePlan, formatChangePlan, writePlatformsWithPlan } from '../delivery/change-plan';
import { preparePlatforms } from '../delivery/pipeline';
import { SynthError, synthPlatforms } from '../delivery/synth';
import { resolveOutputTarget } from '../delivery/output-folder';
import { packageRoot } from '../validate/package-dir';
import { ValidationCache } from '../validate/result-cache';
import { defineReferencePlatforms } from './index';

/** `dir` as messages show it: relative to the working directory. */
function displayPath(dir: string): string {
  return path.relative(process.cwd(), dir) || '.';
}

/** A cdk8s App holding every reference platform. */
export function referenceApp(outdir?: string): App {
  const app = new App({ outdir });
  defineReferencePlatforms(app);
  return app;
}

/** Options of {@link synthReferencePlatforms}. */
interface ReferenceSynthOptions {
  /** A file remembering objects found valid, so unchanged objects are not validated again. @default - no cache */
  readonly validationCache?: string;
  /** Protected objects (`Kind/namespace/name`, or `*`) the caller accepts removing or renaming. @default - none */
  readonly allowRemovals?: readonly string[];
  /** What `outdir` is called in messages (the environment variable that named it). @default 'outdir' */
  readonly outdirField?: string;
}

/**
 * Synthesizes the reference platforms into `outdir`: build (validate,
 * security rules), change plan against what `outdir` holds, then an atomic
 * replacement of `outdir`.
 *
 * @returns the change plan
 * @throws ModelServingError when `outdir` is not a folder synth may replace (checked first, again before writing)
 * @throws SynthError listing every error (construct, validation, security, destructive change); nothing is written then
 */
export function synthReferencePlatforms(outdir: string, options: ReferenceSynthOptions = {}): ChangePlan {
  resolveOutputTarget(outdir, options.outdirField);
  const cache = options.validationCache !== undefined ? new ValidationCache(options.validationCache) : undefined;
  // The app is only referenced during synthesis, so its construct tree can be freed before validation and writing.
  const shown = displayPath(outdir);
  const outputs = preparePlatforms(synthPlatforms(referenceApp(outdir)), { outdir: shown, validationCache: cache });
  // One rendering per object, compared with dist/ and written as it goes; the plan is checked before dist/ is replaced.
  return writePlatformsWithPlan(outputs, { outdir, field: options.outdirField, allowRemovals: options.allowRemovals, displayOutdir: shown });
}

/**
 * Copies the written output into the cdk8s CLI's output folder (`cdk8s
 * synth` lists what it finds there), which must be absent or empty.
 *
 * @throws ModelServingError when `cliOut` holds anything
 */
function copyForCdk8sCli(outdir: string, cliOut: string): void {
  fs.cpSync(outdir, cdk8sCliOutdir(cliOut), { recursive: true });
}

/**
 * The real path of the cdk8s CLI's output folder, which must pass the
 * checks of an output folder and be absent or empty.
 *
 * @throws ModelServingError when it does not
 */
function cdk8sCliOutdir(cliOut: string): string {
  const real = resolveOutputTarget(cliOut, 'CDK8S_OUTDIR');
  if (fs.existsSync(real) && fs.readdirSync(real).length > 0) {
    invalid('synth', 'CDK8S_OUTDIR', 'is not empty (the cdk8s CLI empties its output folder before running the app): copying the output there would overwrite files synth does not own', cliOut, `run through 'cdk8s synth', or empty ${displayPath(real)} first`);
  }
  return real;
}

if (require.main === module) {
  const root = packageRoot(__dirname);
  // An empty CDK8S_MS_DIST is refused (it would name the working directory), not taken for unset.
  const outdir = process.env.CDK8S_MS_DIST ?? path.join(root, 'dist');
  const outdirField = process.env.CDK8S_MS_DIST !== undefined ? 'CDK8S_MS_DIST' : 'outdir';
  const allowRemovals = process.argv.slice(2).flatMap((a) => (a.startsWith('--allow-removal=') ? [a.slice('--allow-removal='.length)] : []));
  // `cdk8s synth` names its own output folder, which it wiped before running the app: the copy goes only
  // into a folder that passes the same checks as dist/ and is empty, so it never overwrites anything.
  const cliOut = process.env.CDK8S_OUTDIR;
  try {
    if (cliOut !== undefined) cdk8sCliOutdir(cliOut); // refused before anything is synthesized
    const plan = synthReferencePlatforms(outdir, { validationCache: path.join(root, 'node_modules', '.cache', 'cdk8s-model-serving', 'validation.json'), allowRemovals, outdirField });
    console.log(formatChangePlan(plan, { outdir: displayPath(outdir) }));
    console.log(`synthesized ${displayPath(outdir)}`);
    if (cliOut !== undefined && path.resolve(cliOut) !== path.resolve(outdir)) copyForCdk8sCli(outdir, cliOut);
  } catch (err) {
    // Our errors carry the construct path and the fix; anything else is
    // reported by its message too, never as a raw stack from a dependency.
    const known = err instanceof SynthError || err instanceof ModelServingError;
    console.error(known ? err.message : `synth failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
