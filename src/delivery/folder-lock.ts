import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Thrown when another process is replacing the same folder. */
export class FolderLockedError extends Error {
  public constructor(folder: string, owner?: LockOwner) {
    const by = owner ? ` by process ${owner.pid} on ${owner.host} since ${new Date(owner.since).toISOString()}` : '';
    super(
      `another synth is writing ${folder} right now (lock ${folder}.lock held${by}); wait for it to finish and run again` +
        (owner && owner.host !== os.hostname() ? `, or remove ${folder}.lock if that process is gone` : ''),
    );
    this.name = 'FolderLockedError';
  }
}

/** Who holds a lock: written into the lock folder by the process that took it. */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** When the lock was taken, in ms since the epoch. */
  readonly since: number;
}

const OWNER_FILE = 'owner.json';

/**
 * How long a lock folder without its owner file (a process killed between
 * creating the folder and writing the file) is taken for a lock being
 * taken right now, in ms.
 */
const UNOWNED_GRACE_MS = 10_000;

/**
 * Takes the lock `lockPath` (a folder: `mkdir` is atomic on every local
 * file system) and returns the function that releases it.
 *
 * The lock is held for as long as the process that took it lives, however
 * long a synchronous write keeps its event loop busy: unlike a lock kept
 * fresh by a timer (proper-lockfile's `update`, which cannot run during a
 * synchronous write and so lets a second process take the lock over after
 * its `stale` time), it is taken over only when its owner is provably gone,
 * that is a process of this host that no longer exists (`kill(pid, 0)`
 * fails with ESRCH). A lock of another host is never taken over.
 *
 * @throws FolderLockedError when a live process holds the lock
 */
export function acquireFolderLock(lockPath: string, folder: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.mkdirSync(lockPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readOwner(lockPath);
      if (!isStale(lockPath, owner)) throw new FolderLockedError(folder, owner);
      takeOverStale(lockPath, owner);
      continue;
    }
    const me: LockOwner = { pid: process.pid, host: os.hostname(), since: Date.now() };
    try {
      fs.writeFileSync(path.join(lockPath, OWNER_FILE), JSON.stringify(me));
    } catch (err) {
      fs.rmSync(lockPath, { recursive: true, force: true });
      throw err;
    }
    return () => {
      // Release only a lock that is still ours.
      const owner = readOwner(lockPath);
      if (owner && owner.pid === me.pid && owner.since === me.since && owner.host === me.host) fs.rmSync(lockPath, { recursive: true, force: true });
    };
  }
  throw new FolderLockedError(folder, readOwner(lockPath));
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(path.join(lockPath, OWNER_FILE), 'utf8')) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.since === 'number') return { pid: o.pid, host: o.host, since: o.since };
  } catch {
    /* missing or half-written: handled by the caller */
  }
  return undefined;
}

function isStale(lockPath: string, owner: LockOwner | undefined): boolean {
  if (!owner) {
    try {
      return Date.now() - fs.statSync(lockPath).mtimeMs > UNOWNED_GRACE_MS;
    } catch {
      return true; // released meanwhile
    }
  }
  if (owner.host !== os.hostname()) return false;
  if (owner.pid === process.pid) return false; // this process holds it (a nested replacement)
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes a stale lock without removing one another process has just taken:
 * the lock folder is first renamed (atomic: of two processes taking over
 * the same stale lock, one rename fails), then checked to still be the
 * stale owner's, and put back when it is not.
 */
function takeOverStale(lockPath: string, stale: LockOwner | undefined): void {
  const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch {
    return; // someone else moved it first; the next attempt sees the new state
  }
  const moved = readOwner(aside);
  const same = stale === undefined ? moved === undefined : moved !== undefined && moved.pid === stale.pid && moved.since === stale.since && moved.host === stale.host;
  if (same) {
    fs.rmSync(aside, { recursive: true, force: true });
    return;
  }
  try {
    fs.renameSync(aside, lockPath);
  } catch {
    // A third process took the lock in between (three synths racing for one
    // stale lock): its lock stands, and the owner moved aside finds, on
    // release, a lock that is not its own and leaves it.
    fs.rmSync(aside, { recursive: true, force: true });
  }
}
