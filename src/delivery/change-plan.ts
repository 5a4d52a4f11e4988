import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { KubeObject } from './manifest';
import type { PlatformOutput } from './synth';
import { SynthError } from './synth';

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

/** The files in subfolders of each platform folder on disk (`<platform>/<sub>/<file>` -> text). */
function readManualFiles(outdir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!fs.existsSync(outdir)) return files;
  for (const platform of fs.readdirSync(outdir).sort()) {
    const dir = path.join(outdir, platform);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const sub of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!sub.isDirectory()) continue;
      for (const file of fs.readdirSync(path.join(dir, sub.name), { withFileTypes: true })) {
        if (file.isFile()) files.set(`${platform}/${sub.name}/${file.name}`, fs.readFileSync(path.join(dir, sub.name, file.name), 'utf8'));
      }
    }
  }
  return files;
}

interface Entry {
  readonly planned: PlannedObject;
  readonly text: string;
  readonly body: string;
}

const identity = (o: KubeObject): string => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** The objects of an output folder as it is on disk (absent folder: none). */
function readExisting(outdir: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  if (!fs.existsSync(outdir)) return entries;
  for (const platform of fs.readdirSync(outdir).sort()) {
    const dir = path.join(outdir, platform);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      if (!file.endsWith('.yaml') || file === 'kustomization.yaml') continue;
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const o = parse(text, { version: '1.1' }) as KubeObject | null;
      if (!o || typeof o !== 'object' || !o.kind || !o.metadata) continue;
      const planned = { platform, kind: o.kind, id: identity(o) };
      entries.set(`${platform}:${planned.id}`, { planned, text, body: bodyOf(o) });
    }
  }
  return entries;
}

/** The content of an object without its identity, to recognise renames. */
function bodyOf(o: KubeObject): string {
  const { metadata, ...rest } = o;
  return JSON.stringify({ ...rest, labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} });
}

/**
 * Compares the new platforms with the `dist/` already on disk: objects
 * added, changed, removed and renamed (a removal and an addition of the same
 * kind with the same content).
 *
 * @param render renders an object as it will be written (to compare bytes)
 */
export function planChanges(outputs: readonly PlatformOutput[], outdir: string, render: (o: KubeObject) => string): ChangePlan {
  const before = readExisting(outdir);
  const after = new Map<string, Entry>();
  for (const p of outputs) {
    for (const m of p.manifests) {
      const planned = { platform: p.name, kind: m.object.kind, id: identity(m.object) };
      after.set(`${p.name}:${planned.id}`, { planned, text: render(m.object), body: bodyOf(m.object) });
    }
  }
  const added: Entry[] = [];
  const changed: PlannedObject[] = [];
  let unchanged = 0;
  for (const [key, e] of after) {
    const old = before.get(key);
    if (!old) added.push(e);
    else if (old.text !== e.text) changed.push(e.planned);
    else unchanged++;
  }
  const removed: Entry[] = [...before].filter(([key]) => !after.has(key)).map(([, e]) => e);
  const renamed: Array<{ from: PlannedObject; to: PlannedObject }> = [];
  for (const r of [...removed]) {
    const match = added.find((a) => a.planned.platform === r.planned.platform && a.planned.kind === r.planned.kind && a.body === r.body);
    if (match) {
      renamed.push({ from: r.planned, to: match.planned });
      removed.splice(removed.indexOf(r), 1);
      added.splice(added.indexOf(match), 1);
    }
  }
  const manualBefore = readManualFiles(outdir);
  const manualFiles: Array<{ file: string; change: 'added' | 'changed' | 'removed' }> = [];
  const manualAfter = new Set<string>();
  for (const p of outputs) {
    for (const [name, text] of Object.entries(p.files)) {
      if (!name.includes('/')) continue;
      const file = `${p.name}/${name}`;
      manualAfter.add(file);
      const old = manualBefore.get(file);
      if (old === undefined) manualFiles.push({ file, change: 'added' });
      else if (old !== text) manualFiles.push({ file, change: 'changed' });
    }
  }
  for (const file of manualBefore.keys()) if (!manualAfter.has(file)) manualFiles.push({ file, change: 'removed' });
  manualFiles.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { added: added.map((e) => e.planned), changed, removed: removed.map((e) => e.planned), renamed, unchanged, manualFiles };
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
