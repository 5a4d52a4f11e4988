// `npm run build`: `tsc -p tsconfig.json`, then `tsx scripts/build-schemas.ts` (validators, CEL and secretlint
// bundles, lazy L1 facades), skipped when nothing they read changed since the last complete build.
//
// Plain Node (no tsx, no TypeScript): an up-to-date check costs a few stat calls, so `npm run synth` and
// `cdk8s synth` pay next to nothing for a build when only the app ran again. The check is make's: the newest
// modification time and the number of the input files (src/, imports/, bench/, scripts/, the tsconfigs,
// package.json, package-lock.json and the CRD folder), against what `lib/.build-stamp` recorded before the last
// build that succeeded. A deleted input changes the count; an edit during a build makes the next one run.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = path.join(root, 'lib', '.build-stamp');
const crds = process.env.CDK8S_MS_CRDS ?? path.resolve(root, '..', 'shared', 'crds');

/** The newest mtime and the number of files under `p` (a file or a folder; names starting with '.' skipped). */
function scan(p, acc) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return acc;
  }
  if (st.isDirectory()) {
    for (const e of fs.readdirSync(p)) if (!e.startsWith('.') && e !== 'node_modules') scan(path.join(p, e), acc);
  } else {
    acc.count += 1;
    acc.newest = Math.max(acc.newest, st.mtimeMs);
  }
  return acc;
}

const inputs = ['src', 'imports', 'bench', 'scripts', 'tsconfig.json', 'tsconfig.docs.json', 'package.json', 'package-lock.json'].map((p) => path.join(root, p));
const state = [...inputs, crds].reduce((acc, p) => scan(p, acc), { newest: 0, count: 0 });
const current = JSON.stringify({ newest: state.newest, count: state.count, crds, node: process.version });
const outputs = ['lib/src/index.js', 'lib/src/platforms/main.js', 'lib/schemas/index.json'].map((f) => path.join(root, f));

const recorded = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8') : '';
const upToDate = recorded === current && outputs.every((f) => fs.existsSync(f));
// `--check`: only say whether a build is needed (exit 0: up to date, 1: it would build).
if (process.argv.includes('--check')) process.exit(upToDate ? 0 : 1);
if (upToDate && !process.argv.includes('--force')) {
  console.log('build: up to date (lib/.build-stamp); `npm run build -- --force` rebuilds');
  process.exit(0);
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
for (const [command, args] of [
  [bin('tsc'), ['-p', 'tsconfig.json']],
  [bin('tsx'), [path.join('scripts', 'build-schemas.ts')]],
]) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    fs.rmSync(stampFile, { force: true });
    process.exit(r.status ?? 1);
  }
}
fs.writeFileSync(stampFile, current);
