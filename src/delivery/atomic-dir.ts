import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Replaces the folder `target` with a freshly written one, so that readers
 * see either the old or the new content and a failure part-way leaves the old
 * one in place.
 *
 * `write` fills a staging folder next to `target` (same file system, so the
 * final renames are atomic). Only when it returns is the staging folder
 * swapped in; if it throws, the staging folder is removed and `target` is
 * untouched.
 */
export function replaceDirectory(target: string, write: (staging: string) => void): void {
  const parent = path.dirname(path.resolve(target));
  const base = path.basename(target);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${base}.staging-`));
  try {
    write(staging);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  const previous = path.join(parent, `.${base}.previous-${process.pid}`);
  const hadTarget = fs.existsSync(target);
  if (hadTarget) fs.renameSync(target, previous);
  try {
    fs.renameSync(staging, target);
  } catch (err) {
    if (hadTarget) fs.renameSync(previous, target);
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  if (hadTarget) fs.rmSync(previous, { recursive: true, force: true });
}
