import * as fs from 'node:fs';
import * as path from 'node:path';
import { IConstruct } from 'constructs';
import { errorMessage } from '../core/errors';
import { PolicyReport } from '../policy/report';
import { replaceDirectory } from './atomic-dir';
import { constructErrors, findPlatforms, Manifest, platformManifests } from './manifest';
import { referenceSetupNotes } from './references';
import { assertOwnedOutput, assertPathSegment, OUTPUT_MARKER, renderOutputMarker } from './output-folder';
import { toYaml } from './yaml';

/** One platform's synthesized output. */
export interface PlatformOutput {
  /** The platform (and folder) name. */
  readonly name: string;
  /** Its objects, sorted by file name. */
  readonly manifests: readonly Manifest[];
  /** Extra files of the folder (README, POLICY.md, ...), by name (`/`-separated when in a subfolder). */
  readonly files: Readonly<Record<string, string>>;
  /** The platform's description. */
  readonly description?: string;
  /** What the cluster needs that the folder cannot carry (`Platform.addSetupNote`), sorted by topic. @default - none */
  readonly setupNotes?: ReadonlyArray<{ readonly topic: string; readonly text: string }>;
}

/** Thrown when synthesis finds errors; `errors` lists every one, one line each. */
export class SynthError extends Error {
  /** Every problem, one line each, each once. */
  public readonly errors: readonly string[];

  public constructor(errors: readonly string[]) {
    // Each problem once, in the order first reported.
    const unique = [...new Set(errors)];
    super(`synth failed with ${unique.length} error(s):\n${unique.map((e) => `  ${e}`).join('\n')}`);
    this.errors = unique;
    this.name = 'SynthError';
  }
}

/**
 * Synthesizes every Platform under `root` in memory: runs the constructs'
 * end-of-build validations, then renders each platform's objects.
 *
 * @throws SynthError listing every construct error
 */
export function synthPlatforms(root: IConstruct): PlatformOutput[] {
  const errors = constructErrors(root);
  if (errors.length > 0) throw new SynthError(errors);
  const outputs: PlatformOutput[] = [];
  const names = new Set<string>();
  for (const platform of findPlatforms(root)) {
    if (names.has(platform.platformName)) {
      throw new SynthError([errorMessage(platform, 'name', 'is used by another Platform of the app (each platform is one output folder)', platform.platformName, 'give each Platform its own name.')]);
    }
    names.add(platform.platformName);
    PolicyReport.of(platform); // every platform documents its access policy, even when all routes are public
    const manifests = platformManifests(platform);
    outputs.push({ name: platform.platformName, description: platform.description, setupNotes: withReferenceNotes(platform.setupNotes, manifests), manifests, files: platform.renderOutputFiles() });
  }
  const shared = objectsOfTwoPlatforms(outputs);
  if (shared.length > 0) throw new SynthError(shared);
  return outputs.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * One object, one platform (DESIGN 4b, Ownership): an object with the same
 * API group, kind, namespace and name emitted by two platforms of one app
 * would be applied by two Argo CD Applications, each pruning or
 * overwriting the other's copy (Argo CD reports it as a
 * SharedResourceWarning and the two never both stay in sync). One message
 * per object, at the second platform's construct, naming both platforms.
 */
function objectsOfTwoPlatforms(outputs: readonly PlatformOutput[]): string[] {
  const owners = new Map<string, { readonly platform: string; readonly constructPath: string }>();
  const errors: string[] = [];
  for (const p of outputs) {
    for (const m of p.manifests) {
      const o = m.object;
      const group = o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.lastIndexOf('/')) : '';
      const ns = o.metadata.namespace;
      const key = `${group}|${o.kind}|${ns ?? ''}|${o.metadata.name}`;
      const first = owners.get(key);
      if (first === undefined) {
        owners.set(key, { platform: p.name, constructPath: m.constructPath });
        continue;
      }
      if (first.platform === p.name) continue;
      const what = `${o.kind}${group ? `.${group}` : ''} ${ns ? `${ns}/` : ''}${o.metadata.name}`;
      errors.push(
        errorMessage(
          m.constructPath,
          'metadata.name',
          `makes ${what}, which platform '${first.platform}' also emits (${first.constructPath}): two Argo CD Applications would own one object and prune or overwrite each other's copy`,
          o.metadata.name,
          `let one platform own it: give platform '${p.name}' its own ${o.kind === 'Namespace' ? 'namespace' : 'name for it'}, or declare it external there (e.g. new Namespace(platform, '${o.metadata.name}', { external: true }))`,
        ),
      );
    }
  }
  return errors;
}

/** Options of {@link writePlatforms}. */
export interface WriteOptions {
  /**
   * The output folder, replaced as a whole. It must be a folder of its own:
   * new, empty, or synth output (see `OUTPUT_MARKER`); never the root, the
   * home or working folder, a repository root or a file.
   */
  readonly outdir: string;
  /** What `outdir` is called in messages (an environment variable that named it, say). @default 'outdir' */
  readonly field?: string;
}

/**
 * Writes platforms to `outdir/<platform>/<file>` (one object per file),
 * replacing `outdir` atomically: on any error it is left as it was.
 * Beside the platform folders it writes `OUTPUT_MARKER`, which lists every
 * file written; a later write replaces the folder only when it holds
 * nothing but those files.
 *
 * @throws ModelServingError when `outdir` is not a folder synth may replace
 *   (see `resolveOutputTarget`), holds files synth did not write, or a
 *   platform or file name would leave it
 * @throws FolderLockedError when another synth is writing `outdir`
 */
export function writePlatforms(outputs: readonly PlatformOutput[], options: WriteOptions): void {
  writeOutputs(outputs, options);
}

/**
 * Sees each file as {@link writeOutputs} writes it into the staging folder
 * (the change plan is built this way, from the one rendering of each
 * object); `done` runs after the last file, before the folder is replaced,
 * and may throw to leave the output folder as it was.
 */
export interface WriteObserver {
  /** An object of `platform` written as `text` (its YAML) to `manifest.file`. */
  object(platform: string, manifest: Manifest, text: string): void;
  /** Another file of `platform` (README, POLICY.md, `patches/...`) written as `text`. */
  file(platform: string, name: string, text: string): void;
  /** After the last file, before the staging folder replaces the output folder; throw to keep the old one. */
  done(): void;
}

/**
 * {@link writePlatforms}, telling `observer` about every file written.
 * Each object is rendered once and its YAML released as soon as it is
 * written (and observed).
 */
export function writeOutputs(outputs: readonly PlatformOutput[], options: WriteOptions, observer?: WriteObserver): void {
  const files: string[] = [];
  for (const p of outputs) {
    assertPathSegment(p.name, 'platform name', 'writePlatforms');
    for (const m of p.manifests) assertPathSegment(m.file, `file name of ${m.object.kind} '${m.object.metadata?.name}'`, m.constructPath);
    // A file may sit in a subfolder (`patches/x.yaml`): each segment is checked.
    for (const name of Object.keys(p.files)) for (const segment of name.split('/')) assertPathSegment(segment, 'file name', `writePlatforms: platform '${p.name}'`);
    // One push per file: spreading a platform's files into one call overflows the stack past about 100 000 objects.
    for (const m of p.manifests) files.push(`${p.name}/${m.file}`);
    for (const f of Object.keys(p.files)) files.push(`${p.name}/${f}`);
  }
  replaceDirectory(
    options.outdir,
    (staging) => {
      for (const p of outputs) {
        const dir = path.join(staging, p.name);
        fs.mkdirSync(dir, { recursive: true });
        for (const m of p.manifests) {
          const text = toYaml(m.object);
          observer?.object(p.name, m, text);
          fs.writeFileSync(path.join(dir, m.file), text);
        }
        for (const name of Object.keys(p.files).sort()) {
          observer?.file(p.name, name, p.files[name]);
          fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
          fs.writeFileSync(path.join(dir, name), p.files[name]);
        }
      }
      fs.writeFileSync(path.join(staging, OUTPUT_MARKER), renderOutputMarker(files));
      observer?.done();
    },
    { field: options.field, check: (real) => assertOwnedOutput(real, options.outdir, outputs.map((p) => p.name), options.field) },
  );
}

/**
 * The platform's setup notes plus one for each ConfigMap, ServiceAccount,
 * Service or GatewayClass its objects refer to and nothing creates
 * ({@link referenceSetupNotes}); a note the constructs wrote on the same
 * topic wins. Sorted by topic.
 */
function withReferenceNotes(notes: ReadonlyArray<{ readonly topic: string; readonly text: string }>, manifests: readonly Manifest[]): Array<{ readonly topic: string; readonly text: string }> {
  const topics = new Set(notes.map((n) => n.topic));
  const added = referenceSetupNotes(manifests.map((m) => m.object)).filter((n) => !topics.has(n.topic));
  return [...notes, ...added].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}
