import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { KubeObject } from './manifest';
import type { PlatformOutput, WriteOptions } from './synth';
import { SynthError, writeOutputs } from './synth';

/** Kinds whose removal loses state or breaks other teams: removing or renaming one needs an explicit allowance. */
export const PROTECTED_KINDS: readonly string[] = ['Namespace', 'PersistentVolumeClaim', 'Gateway', 'Certificate'];

/** One object in a change plan: `Kind/namespace/name` in `platform`. */
export interface PlannedObject {
  readonly platform: string;
  readonly kind: string;
  readonly id: string;
}

/** What a synth changes against the `dist/` already there. */
export interface ChangePlan {
  readonly added: readonly PlannedObject[];
  readonly changed: readonly PlannedObject[];
  readonly removed: readonly PlannedObject[];
  /** Same kind and content under a new identity (Argo CD deletes the old object and creates the new one). */
  readonly renamed: ReadonlyArray<{ readonly from: PlannedObject; readonly to: PlannedObject }>;
  /** Objects left as they were. */
  readonly unchanged: number;
  /**
   * Files in a subfolder of a platform folder (`<platform>/patches/...`),
   * which Argo CD does not apply (its directory source is not recursive):
   * operators apply them by hand, so each one added, changed or removed is
   * listed (`<platform>/<file>`) to say it must be applied again.
   * @default - none
   */
  readonly manualFiles?: ReadonlyArray<{ readonly file: string; readonly change: 'added' | 'changed' | 'removed' }>;
}

interface Entry {
  readonly planned: PlannedObject;
  /** Its content without identity ({@link bodyOf}), computed when first compared. */
  body(): string;
}

/** An entry whose body is computed once, and only when a rename is looked for. */
function entry(planned: PlannedObject, object: KubeObject): Entry {
  let body: string | undefined;
  return { planned, body: () => (body ??= bodyOf(object)) };
}

const identity = (o: KubeObject): string => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** The object a file of an output folder holds, or undefined when it holds none. */
function readObject(file: string): KubeObject | undefined {
  const o = parse(fs.readFileSync(file, 'utf8'), { version: '1.1' }) as KubeObject | null;
  return o && typeof o === 'object' && o.kind && o.metadata ? o : undefined;
}

/** The content of an object without its identity, to recognise renames. */
function bodyOf(o: KubeObject): string {
  const { metadata, ...rest } = o;
  return JSON.stringify({ ...rest, labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} });
}

/**
 * Builds a {@link ChangePlan} one object at a time, as the objects are
 * rendered (each object's YAML is compared with the file of the same name
 * on disk, then released): memory stays flat whatever the number of
 * objects, and each object is rendered once for both the plan and the
 * write. Only files whose text differs are parsed (to confirm the identity
 * of a changed object, and to read removed ones).
 */
export class ChangePlanner {
  private readonly added: Entry[] = [];
  private readonly changed: PlannedObject[] = [];
  private unchanged = 0;
  /** The files of the existing folder that hold an object of the new output (`<platform>/<file>`). */
  private readonly matched = new Set<string>();
  private readonly manualFiles: Array<{ file: string; change: 'added' | 'changed' | 'removed' }> = [];
  private readonly manualAfter = new Set<string>();

  /** @param outdir the output folder as it is on disk before the write (absent: every object is added) */
  public constructor(private readonly outdir: string) {}

  /** Records one object of `platform`, written to `file` as `text`. Call in output order (platforms, then files, sorted). */
  public object(platform: string, file: string, object: KubeObject, text: string): void {
    const planned = { platform, kind: object.kind, id: identity(object) };
    const old = path.join(this.outdir, platform, file);
    let before: string | undefined;
    try {
      before = fs.readFileSync(old, 'utf8');
    } catch {
      before = undefined;
    }
    if (before === text) {
      // The same text is the same object, identity included.
      this.matched.add(`${platform}/${file}`);
      this.unchanged++;
      return;
    }
    const o = before === undefined || file === 'kustomization.yaml' ? undefined : readObject(old);
    if (o !== undefined && identity(o) === planned.id) {
      this.matched.add(`${platform}/${file}`);
      this.changed.push(planned);
    } else {
      this.added.push(entry(planned, object));
    }
  }

  /** Records a file of `platform` that is not an object (README, patches/...); those in subfolders are listed as applied by hand. */
  public file(platform: string, name: string, text: string): void {
    if (!name.includes('/')) return;
    const file = `${platform}/${name}`;
    this.manualAfter.add(file);
    let old: string | undefined;
    try {
      old = fs.readFileSync(path.join(this.outdir, platform, name), 'utf8');
    } catch {
      old = undefined;
    }
    if (old === undefined) this.manualFiles.push({ file, change: 'added' });
    else if (old !== text) this.manualFiles.push({ file, change: 'changed' });
  }

  /** The plan: objects of the existing folder no new object matched are removed, or renamed when an added one has the same kind and content. */
  public finish(): ChangePlan {
    const removed: Entry[] = [];
    const manualBefore: string[] = [];
    if (fs.existsSync(this.outdir)) {
      for (const platform of fs.readdirSync(this.outdir).sort()) {
        const dir = path.join(this.outdir, platform);
        if (!fs.statSync(dir).isDirectory()) continue;
        for (const dirent of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
          if (dirent.isDirectory()) {
            for (const f of fs.readdirSync(path.join(dir, dirent.name), { withFileTypes: true })) if (f.isFile()) manualBefore.push(`${platform}/${dirent.name}/${f.name}`);
            continue;
          }
          const file = dirent.name;
          if (!file.endsWith('.yaml') || file === 'kustomization.yaml' || this.matched.has(`${platform}/${file}`)) continue;
          const o = readObject(path.join(dir, file));
          if (o !== undefined) removed.push(entry({ platform, kind: o.kind, id: identity(o) }, o));
        }
      }
    }
    // Each removed object, in order, is renamed to the first added object left with its platform, kind and body:
    // added objects are grouped by those once (comparing every pair is quadratic when a large platform is renamed).
    const renamed: Array<{ from: PlannedObject; to: PlannedObject }> = [];
    const paired = new Set<Entry>();
    if (removed.length > 0 && this.added.length > 0) {
      const byContent = new Map<string, Entry[]>();
      for (const a of this.added) {
        const key = JSON.stringify([a.planned.platform, a.planned.kind, a.body()]);
        const list = byContent.get(key);
        if (list === undefined) byContent.set(key, [a]);
        else list.push(a);
      }
      for (const r of removed) {
        const match = byContent.get(JSON.stringify([r.planned.platform, r.planned.kind, r.body()]))?.shift();
        if (match === undefined) continue;
        renamed.push({ from: r.planned, to: match.planned });
        paired.add(r).add(match);
      }
    }
    const added = this.added.filter((a) => !paired.has(a));
    const manualFiles = [...this.manualFiles];
    for (const file of manualBefore) if (!this.manualAfter.has(file)) manualFiles.push({ file, change: 'removed' });
    manualFiles.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    return { added: added.map((e) => e.planned), changed: [...this.changed], removed: removed.filter((r) => !paired.has(r)).map((e) => e.planned), renamed, unchanged: this.unchanged, manualFiles };
  }
}

/**
 * Compares the new platforms with the `dist/` already on disk: objects
 * added, changed, removed and renamed (a removal and an addition of the same
 * kind with the same content).
 *
 * @param render renders an object as it will be written (to compare bytes)
 */
export function planChanges(outputs: readonly PlatformOutput[], outdir: string, render: (o: KubeObject) => string): ChangePlan {
  const planner = new ChangePlanner(outdir);
  for (const p of outputs) {
    for (const m of p.manifests) planner.object(p.name, m.file, m.object, render(m.object));
    for (const [name, text] of Object.entries(p.files)) planner.file(p.name, name, text);
  }
  return planner.finish();
}

/** Options of {@link writePlatformsWithPlan}. */
export interface PlannedWriteOptions extends WriteOptions {
  /** Protected objects (`Kind/namespace/name`, or `*`) the caller accepts removing or renaming (see {@link assertNoDestructiveChanges}). @default - none */
  readonly allowRemovals?: readonly string[];
  /** The output folder as messages show it. @default 'dist' */
  readonly displayOutdir?: string;
}

/**
 * {@link writePlatforms} and {@link planChanges} in one pass: each object
 * is rendered once, compared with the file already in `outdir`, written to
 * the staging folder and released, so memory does not grow with the YAML of
 * every object. The plan is checked ({@link assertNoDestructiveChanges})
 * before the staging folder replaces `outdir`: a refused plan leaves
 * `outdir` as it was.
 *
 * @returns the change plan against what `outdir` held
 * @throws SynthError when the plan removes or renames a protected object not allowed
 * @throws ModelServingError when `outdir` is not a folder synth may replace (see `writePlatforms`)
 * @throws FolderLockedError when another synth is writing `outdir`
 */
export function writePlatformsWithPlan(outputs: readonly PlatformOutput[], options: PlannedWriteOptions): ChangePlan {
  const planner = new ChangePlanner(options.outdir);
  let plan: ChangePlan | undefined;
  writeOutputs(outputs, options, {
    object: (platform, m, text) => planner.object(platform, m.file, m.object, text),
    file: (platform, name, text) => planner.file(platform, name, text),
    done: () => {
      plan = planner.finish();
      assertNoDestructiveChanges(plan, options.allowRemovals, { outdir: options.displayOutdir });
    },
  });
  return plan!;
}

/** How a change plan names the output folder in messages. */
export interface ChangePlanDisplayOptions {
  /** The output folder as it should appear in messages (`<outdir>/<platform>`), e.g. relative to the working directory. @default 'dist' */
  readonly outdir?: string;
}

/**
 * Fails when the plan removes or renames a protected object (a Namespace,
 * PersistentVolumeClaim, Gateway or Certificate): Argo CD's prune would
 * delete it with everything in it. `allowed` lists the `Kind/namespace/name`
 * identities (or `*`) the caller accepts losing.
 *
 * @throws SynthError naming each protected object (as `<outdir>/<platform>: <id>`) and how to allow it
 */
export function assertNoDestructiveChanges(plan: ChangePlan, allowed: readonly string[] = [], options: ChangePlanDisplayOptions = {}): void {
  const outdir = displayDir(options);
  const lost = [...plan.removed, ...plan.renamed.map((r) => r.from)].filter((o) => PROTECTED_KINDS.includes(o.kind) && !allowed.includes('*') && !allowed.includes(o.id));
  if (lost.length > 0) {
    throw new SynthError(
      lost.map(
        (o) =>
          `${outdir}/${o.platform}: ${o.id}: would be ${plan.renamed.some((r) => r.from === o) ? 'renamed' : 'removed'}, and Argo CD would prune it with everything it holds. Fix: keep its construct id and name, or allow it explicitly with --allow-removal=${o.id}`,
      ),
    );
  }
}

/** A short human summary of a plan, one line per object, for the synth output. */
export function formatChangePlan(plan: ChangePlan, options: ChangePlanDisplayOptions = {}): string {
  const lines = [`changes against ${displayDir(options)}/: ${plan.added.length} added, ${plan.changed.length} changed, ${plan.removed.length} removed, ${plan.renamed.length} renamed, ${plan.unchanged} unchanged`];
  for (const o of plan.added) lines.push(`  + ${o.platform}: ${o.id}`);
  for (const o of plan.changed) lines.push(`  ~ ${o.platform}: ${o.id}`);
  for (const o of plan.removed) lines.push(`  - ${o.platform}: ${o.id}`);
  for (const r of plan.renamed) lines.push(`  > ${r.from.platform}: ${r.from.id} -> ${r.to.id}`);
  for (const f of plan.manualFiles ?? []) {
    lines.push(`  ! ${displayDir(options)}/${f.file} ${f.change}: Argo CD does not apply it; ${f.change === 'removed' ? 'undo it by hand if it was applied' : 'apply it as its header says'}`);
  }
  return lines.join('\n');
}

/** The output folder for messages, without a trailing separator. */
function displayDir(options: ChangePlanDisplayOptions): string {
  const dir = (options.outdir ?? 'dist').replace(/[\\/]+$/, '');
  return dir === '' ? '.' : dir;
}
