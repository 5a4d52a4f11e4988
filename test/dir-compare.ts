import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every file under `dir`, as sorted relative paths. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}

/** The differences between two folders: files only in one, and files whose bytes differ. */
export function diffDirs(expected: string, actual: string): string[] {
  const a = listFiles(expected);
  const b = listFiles(actual);
  const diffs: string[] = [];
  for (const f of a) if (!b.includes(f)) diffs.push(`missing: ${f}`);
  for (const f of b) if (!a.includes(f)) diffs.push(`extra: ${f}`);
  for (const f of a.filter((x) => b.includes(x))) {
    if (!fs.readFileSync(path.join(expected, f)).equals(fs.readFileSync(path.join(actual, f)))) diffs.push(`changed: ${f}`);
  }
  return diffs;
}
