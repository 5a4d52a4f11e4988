import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { invalid } from '../core/errors';

/**
 * The file synth writes at the top of its output folder: it proves the
 * folder is synth's own and lists every file synth wrote there, so a later
 * synth replaces the folder only when it holds nothing else.
 */
export const OUTPUT_MARKER = '.cdk8s-model-serving-output';

const MARKER_HEADER = [
  '# Written by cdk8s-model-serving synth, which replaces this folder as a whole.',
  '# Synth refuses to replace it while it holds a file not listed below: keep',
  '# other files out of this folder.',
];

/** The marker's text for the files (relative, `/`-separated) written to the folder. */
export function renderOutputMarker(files: readonly string[]): string {
  return `${[...MARKER_HEADER, ...[...files].sort()].join('\n')}\n`;
}

/** True when `inner` is `outer` or lies inside it (both absolute and resolved). */
function isWithin(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** `p` with symlinks resolved, also when `p` (or a part of its tail) does not exist yet. */
function realPath(p: string): string {
  const missing: string[] = [];
  let existing = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync(existing), ...missing.reverse());
    } catch (err) {
      const parent = path.dirname(existing);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === existing) throw err;
      missing.push(path.basename(existing));
      existing = parent;
    }
  }
}

/**
 * Checks that `outdir` is a folder synth may replace as a whole, and returns
 * its real path (symlinks resolved, so a symlinked output folder stays a
 * symlink and its target is replaced).
 *
 * Refused: an empty path; the file-system root; the home folder; a folder
 * that holds the working directory or this library (replacing it would
 * delete them); a repository root (a folder with `.git`); a path that is a
 * file, not a folder.
 *
 * @param field the name the caller gave the path (`outdir`, `CDK8S_MS_DIST`), for messages
 * @throws ModelServingError for each refused target, naming it and the fix
 */
export function resolveOutputTarget(outdir: string, field = 'outdir'): string {
  const fix = 'name a folder of its own for the output, such as ./dist: synth replaces that folder as a whole';
  if (typeof outdir !== 'string' || outdir.trim() === '') invalid('synth', field, 'is empty: synth would replace the working directory', outdir, fix);
  if (outdir.includes('\0')) invalid('synth', field, 'contains a NUL character', outdir, fix);
  let real: string;
  try {
    real = realPath(path.resolve(outdir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
    // Some part of the path is a file: name it.
    let p = path.resolve(outdir);
    while ((!fs.existsSync(p) || fs.statSync(p).isDirectory()) && p !== path.dirname(p)) p = path.dirname(p);
    return invalid('synth', field, `goes through ${path.basename(p)}, which is a file, not a folder`, outdir, `${fix}; name a path whose every part is a folder`);
  }
  if (real === path.parse(real).root) invalid('synth', field, 'is the file-system root', outdir, fix);
  const home = realPath(os.homedir());
  if (real === home) invalid('synth', field, 'is the home folder', outdir, fix);
  if (isWithin(realPath(process.cwd()), real)) invalid('synth', field, 'is or holds the working directory, which replacing it would delete', outdir, fix);
  if (isWithin(realPath(__dirname), real)) invalid('synth', field, 'is or holds the cdk8s-model-serving library itself', outdir, fix);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(real);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (stat && !stat.isDirectory()) invalid('synth', field, 'is a file, not a folder', outdir, `${fix}; move the file away or name another path.`);
  if (stat && fs.existsSync(path.join(real, '.git'))) invalid('synth', field, 'is the root of a repository (it holds .git)', outdir, fix);
  return real;
}

/** At most this many foreign files are named in an error. */
const SHOWN = 5;

/**
 * Checks that the existing folder `real` is synth output that may be
 * replaced: it is empty, or its {@link OUTPUT_MARKER} lists every file in
 * it, or (output of a version without the marker) it holds nothing but
 * folders of the platforms being written, each holding only `.yaml` and
 * `.md` files.
 *
 * @param outdir the folder as the caller named it, for messages
 * @param platforms the names of the platform folders being written
 * @throws ModelServingError naming the files synth did not write
 */
export function assertOwnedOutput(real: string, outdir: string, platforms: readonly string[], field = 'outdir'): void {
  if (!fs.existsSync(real)) return;
  const foreign: string[] = [];
  let markerText: string | undefined;
  try {
    markerText = fs.readFileSync(path.join(real, OUTPUT_MARKER), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (markerText !== undefined) {
    const listed = new Set(markerText.split('\n').filter((l) => l !== '' && !l.startsWith('#')));
    const dirs = new Set([...listed].flatMap((f) => f.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
    const walk = (rel: string): void => {
      for (const entry of fs.readdirSync(path.join(real, rel), { withFileTypes: true })) {
        if (foreign.length > SHOWN) return;
        const p = rel ? `${rel}/${entry.name}` : entry.name;
        if (p === OUTPUT_MARKER) continue;
        if (entry.isDirectory() && dirs.has(p)) walk(p);
        else if (!(entry.isFile() && listed.has(p))) foreign.push(entry.isDirectory() ? `${p}/` : p);
      }
    };
    walk('');
  } else {
    const known = new Set(platforms);
    for (const entry of fs.readdirSync(real, { withFileTypes: true })) {
      if (foreign.length > SHOWN) break;
      if (!entry.isDirectory() || !known.has(entry.name)) {
        foreign.push(entry.isDirectory() ? `${entry.name}/` : entry.name);
        continue;
      }
      for (const file of fs.readdirSync(path.join(real, entry.name), { withFileTypes: true })) {
        if (!file.isFile() || !/\.(yaml|md)$/.test(file.name)) foreign.push(`${entry.name}/${file.name}${file.isDirectory() ? '/' : ''}`);
      }
    }
  }
  if (foreign.length === 0) return;
  const shown = foreign.slice(0, SHOWN).join(', ') + (foreign.length > SHOWN ? ', ...' : '');
  invalid(
    'synth',
    field,
    `holds files synth did not write (${shown}), which replacing the folder would delete` +
      (markerText === undefined ? ` (it has no ${OUTPUT_MARKER} marker, so only the platform folders being written may be there)` : ''),
    outdir,
    'move those files out of the folder, or name another output folder: synth replaces its output folder as a whole.',
  );
}

/**
 * Checks that `name` is one path segment that stays inside the folder it is
 * written to (no separator, no `.` or `..`, no NUL, not hidden).
 *
 * @param what what the name is, for messages (`platform name`, `file name of Gateway/edge/gw`)
 * @throws ModelServingError when it is not
 */
export function assertPathSegment(name: string, what: string, where: string): void {
  if (typeof name !== 'string' || name === '' || name.startsWith('.') || /[/\\\0]/.test(name)) invalid(where, what, 'must be one file or folder name inside the output folder (no /, \\, NUL, or leading dot)', name, 'give the object or platform a DNS-1123 name (lower-case letters, digits, - and .).');
}
