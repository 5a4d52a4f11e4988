import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireFolderLock, LockWork } from './folder-lock';
import { resolveOutputTarget } from './output-folder';

/** Options of {@link replaceDirectory}. */
export interface ReplaceOptions {
  /**
   * Called with the folder's real path while the lock is held, before
   * anything changes: throws to refuse replacing what is there (see
   * `assertOwnedOutput`).
   * @default - any folder that passes `resolveOutputTarget` is replaced
   */
  readonly check?: (real: string) => void;
  /** The name of `target` in messages (`outdir`, `CDK8S_MS_DIST`). @default 'outdir' */
  readonly field?: string;
}

/**
 * Replaces the folder `target` with a freshly written one, so that readers
 * see either the old or the new content, and a failure at any point leaves
 * the old one in place:
 *
 * - `target` must pass {@link resolveOutputTarget} (never the root, the
 *   home or working folder, a repository root or a file); a symlinked
 *   `target` stays a symlink and the folder it points to is replaced;
 * - a lock (`<target>.lock`, see {@link acquireFolderLock}) keeps two synths
 *   from interleaving for as long as the writer lives; the second one fails
 *   at once; `options.check` then runs under the lock;
 * - `write` fills a staging folder next to `target` (same file system, so the
 *   final renames are atomic); if it throws, the staging folder is removed;
 * - the old folder is moved aside (to an unused name), the new one moved
 *   in, and the old one deleted; a failure between the two moves puts the
 *   old one back. The lock records both folders, so a process killed there
 *   is repaired by the next run, which takes the dead run's lock over: the
 *   folder moved aside is restored and the staging folder removed before
 *   anything else happens. Nothing is removed by name pattern alone.
 *
 * @throws ModelServingError when `target` is refused by {@link resolveOutputTarget} or `options.check`
 * @throws FolderLockedError when another process holds the lock
 */
export function replaceDirectory(target: string, write: (staging: string) => void, options: ReplaceOptions = {}): void {
  const abs = resolveOutputTarget(target, options.field);
  const parent = path.dirname(abs);
  const base = path.basename(abs);
  fs.mkdirSync(parent, { recursive: true });
  const lock = acquireFolderLock(`${abs}.lock`, target);
  try {
    if (lock.recovered) recoverInterrupted(parent, abs, lock.recovered);
    options.check?.(abs);
    const staging = fs.mkdtempSync(path.join(parent, `.${base}.staging-`));
    const previous = unusedPath(parent, `.${base}.previous-`);
    const hadTarget = fs.existsSync(abs);
    try {
      lock.record({ staging: path.basename(staging), previous: path.basename(previous) });
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
    // The new folder is in place: removing the old one is housekeeping, never a reason to fail.
    if (hadTarget) {
      try {
        fs.rmSync(previous, { recursive: true, force: true });
      } catch {
        /* a leftover named by the lock's record; nothing reads it */
      }
    }
  } finally {
    lock.release();
  }
}

/** A path `<parent>/<prefix><random>` that does not exist (the old folder is renamed to it). */
function unusedPath(parent: string, prefix: string): string {
  for (;;) {
    const candidate = path.join(parent, `${prefix}${randomBytes(6).toString('hex')}`);
    if (!fs.existsSync(candidate)) return candidate;
  }
}

/**
 * Repairs what a run killed while holding the lock left, as its lock
 * recorded it (never by name pattern: folders named like them that the
 * user made are not touched): the old folder moved aside but not replaced
 * is put back, and the staging folder is removed.
 */
function recoverInterrupted(parent: string, target: string, work: LockWork): void {
  if (work.previous !== undefined) {
    const previous = path.join(parent, work.previous);
    if (fs.existsSync(previous)) {
      if (fs.existsSync(target)) fs.rmSync(previous, { recursive: true, force: true });
      else fs.renameSync(previous, target);
    }
  }
  if (work.staging !== undefined) fs.rmSync(path.join(parent, work.staging), { recursive: true, force: true });
}
