import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { invalid } from '../core/errors';

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

/** The folders a run creates beside the folder it replaces (base names), recorded in its lock. */
export interface LockWork {
  /** The staging folder the new content is written to. */
  readonly staging?: string;
  /** The name the old folder is moved to while the new one is moved in. */
  readonly previous?: string;
}

/** Who holds a lock, and what it is doing: the `owner.json` of the lock folder. */
export interface LockOwner extends LockWork {
  readonly pid: number;
  readonly host: string;
  /** When the lock was taken, in ms since the epoch. */
  readonly since: number;
}

/** A lock held by this process. */
export interface FolderLock {
  /** Records the folders this run creates, so a run that takes the lock over after a crash removes exactly those. */
  record(work: LockWork): void;
  /** Releases the lock (a lock that is no longer this process's is left alone). */
  release(): void;
  /** What the crashed run whose lock was taken over had recorded. @default - none */
  readonly recovered?: LockWork;
}

const OWNER_FILE = 'owner.json';

/**
 * Takes the lock `lockPath` for `folder`.
 *
 * The lock is a folder holding `owner.json` (pid, host, time, and the work
 * folders of the run). It appears whole: the folder is prepared under a
 * temporary name and renamed into place, which fails when a lock is there
 * already. It is held for as long as the process that took it lives, however
 * long a synchronous write keeps its event loop busy: unlike a lock kept
 * fresh by a timer (proper-lockfile's `update`, which cannot run during a
 * synchronous write and so lets a second process take the lock over after
 * its `stale` time), it is taken over only when its owner is provably gone,
 * that is a process of this host that no longer exists (`kill(pid, 0)`
 * fails with ESRCH). A lock of another host is never taken over, and
 * anything at `lockPath` that is not such a lock (a user's file or folder)
 * is never removed.
 *
 * @throws FolderLockedError when a live process holds the lock
 * @throws ModelServingError when something else is at `lockPath`
 */
export function acquireFolderLock(lockPath: string, folder: string): FolderLock {
  let recovered: LockWork | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = inspect(lockPath, folder);
    if (existing !== 'free') {
      if (!isStale(existing)) throw new FolderLockedError(folder, existing);
      recovered = takeOverStale(lockPath, existing) ?? recovered;
      continue;
    }
    const me: LockOwner = { pid: process.pid, host: os.hostname(), since: Date.now() };
    const prepared = fs.mkdtempSync(`${lockPath}.new-`);
    try {
      fs.writeFileSync(path.join(prepared, OWNER_FILE), JSON.stringify(me));
      fs.renameSync(prepared, lockPath);
    } catch (err) {
      fs.rmSync(prepared, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') continue; // taken meanwhile
      throw err;
    }
    let current = me;
    return {
      recovered,
      record: (work) => {
        current = { ...me, ...work };
        const tmp = path.join(lockPath, `${OWNER_FILE}.tmp`);
        fs.writeFileSync(tmp, JSON.stringify(current));
        fs.renameSync(tmp, path.join(lockPath, OWNER_FILE));
      },
      release: () => {
        const owner = readOwner(lockPath);
        if (!owner || owner.pid !== current.pid || owner.since !== current.since || owner.host !== current.host) return;
        // Moved aside first (atomic), so no other process ever sees a lock folder without its owner file.
        const gone = `${lockPath}.released-${process.pid}-${current.since}`;
        fs.renameSync(lockPath, gone);
        fs.rmSync(gone, { recursive: true, force: true });
      },
    };
  }
  const owner = readOwner(lockPath);
  throw new FolderLockedError(folder, owner);
}

/**
 * What is at `lockPath`: nothing (`'free'`) or a lock (its owner). A lock
 * folder always holds its owner file (it is written before the folder
 * appears), so anything else there is not a lock.
 *
 * @throws ModelServingError for a file, a symbolic link, or a folder without an owner file
 */
function inspect(lockPath: string, folder: string): 'free' | LockOwner {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(lockPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'free';
    throw err;
  }
  const notOurs = (what: string) =>
    invalid('synth', 'lock', `${lockPath} is ${what}, not a synth lock, so synth cannot lock ${folder} (and removes nothing it did not create)`, lockPath, `move ${path.basename(lockPath)} away, or name another output folder`);
  if (!stat.isDirectory()) return notOurs(stat.isSymbolicLink() ? 'a symbolic link' : 'a file');
  const owner = readOwner(lockPath);
  if (owner) return owner;
  if (!fs.existsSync(lockPath)) return 'free'; // released meanwhile
  return notOurs('a folder without a lock owner file');
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(path.join(lockPath, OWNER_FILE), 'utf8')) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.since === 'number') {
      const name = (v: unknown) => (typeof v === 'string' && v !== '' && !/[/\\]/.test(v) ? v : undefined);
      return { pid: o.pid, host: o.host, since: o.since, staging: name(o.staging), previous: name(o.previous) };
    }
  } catch {
    /* missing or not ours: the caller decides */
  }
  return undefined;
}

function isStale(owner: LockOwner): boolean {
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
 *
 * @returns what the stale owner had recorded, when this process removed its lock
 */
function takeOverStale(lockPath: string, stale: LockOwner): LockWork | undefined {
  const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch {
    return undefined; // someone else moved it first; the next attempt sees the new state
  }
  const moved = readOwner(aside);
  if (moved !== undefined && moved.pid === stale.pid && moved.since === stale.since && moved.host === stale.host) {
    fs.rmSync(aside, { recursive: true, force: true });
    return { staging: moved.staging, previous: moved.previous };
  }
  try {
    fs.renameSync(aside, lockPath);
  } catch {
    // A third process took the lock in between (three synths racing for one
    // stale lock): its lock stands, and the owner moved aside finds, on
    // release, a lock that is not its own and leaves it.
    fs.rmSync(aside, { recursive: true, force: true });
  }
  return undefined;
}
