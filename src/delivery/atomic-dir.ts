import * as fs from 'node:fs';
import * as path from 'node:path';
import { lockSync } from 'proper-lockfile';

/** Thrown when another process is replacing the same folder. */
export class FolderLockedError extends Error {
  public constructor(folder: string) {
    super(`another synth is writing ${folder} right now (lock ${folder}.lock); wait for it to finish and run again`);
    this.name = 'FolderLockedError';
  }
}

/**
 * Replaces the folder `target` with a freshly written one, so that readers
 * see either the old or the new content, and a failure at any point leaves
 * the old one in place:
 *
 * - a lock (`<target>.lock`, via proper-lockfile) keeps two synths from
 *   interleaving; the second one fails at once;
 * - `write` fills a staging folder next to `target` (same file system, so the
 *   final renames are atomic); if it throws, the staging folder is removed;
 * - the old folder is moved aside, the new one moved in, and the old one
 *   deleted; a failure between the two moves puts the old one back, and a
 *   process killed there is repaired by the next run (the folder moved aside
 *   is restored before anything else happens).
 *
 * @throws FolderLockedError when another process holds the lock
 */
export function replaceDirectory(target: string, write: (staging: string) => void): void {
  const abs = path.resolve(target);
  const parent = path.dirname(abs);
  const base = path.basename(abs);
  fs.mkdirSync(parent, { recursive: true });
  let release: () => void;
  try {
    release = lockSync(abs, { realpath: false, lockfilePath: `${abs}.lock` });
  } catch (err) {
    if ((err as { code?: string }).code === 'ELOCKED') throw new FolderLockedError(target);
    throw err;
  }
  try {
    recoverInterrupted(parent, base);
    const staging = fs.mkdtempSync(path.join(parent, `.${base}.staging-`));
    const previous = path.join(parent, `.${base}.previous`);
    const hadTarget = fs.existsSync(abs);
    try {
      write(staging);
      if (hadTarget) fs.renameSync(abs, previous);
      try {
        fs.renameSync(staging, abs);
      } catch (err) {
        if (hadTarget) fs.renameSync(previous, abs);
        throw err;
      }
    } catch (err) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw err;
    }
    // The new folder is in place: removing the old one is housekeeping (a
    // leftover is removed by the next run), never a reason to fail.
    if (hadTarget) {
      try {
        fs.rmSync(previous, { recursive: true, force: true });
      } catch {
        /* left for recoverInterrupted */
      }
    }
  } finally {
    release();
  }
}

/** Repairs what a killed run may have left: the old folder moved aside but not replaced, and stale staging folders. */
function recoverInterrupted(parent: string, base: string): void {
  const previous = path.join(parent, `.${base}.previous`);
  const target = path.join(parent, base);
  if (fs.existsSync(previous)) {
    if (fs.existsSync(target)) fs.rmSync(previous, { recursive: true, force: true });
    else fs.renameSync(previous, target);
  }
  for (const entry of fs.readdirSync(parent)) {
    if (entry.startsWith(`.${base}.staging-`)) fs.rmSync(path.join(parent, entry), { recursive: true, force: true });
  }
}
