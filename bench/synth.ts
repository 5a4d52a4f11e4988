/**
 * `npm run bench`: synth speed and memory against their floor.
 *
 * For N = 100, 1000 and 10000 generated models (each with route, access
 * policy, monitor, alerts, SLO rules, in one kind dashboard), runs the pipeline of
 * `npm run synth` (synthesis, validation, security rules, writing with the
 * change plan) as a fresh process, and its floor: the same objects
 * serialized with the `yaml` package alone, one file each, in a fresh
 * process. Synth and floor run in pairs, back to back and in alternating
 * order, so that both see the same load on a shared machine; the ratio is
 * taken per pair and its median printed. Peak RSS is the largest of the
 * runs. The first synth run (always before its floor) also writes the
 * objects the floor serializes, after taking its measurements.
 *
 * Then the reference platforms through the `cdk8s.yaml` app command (the
 * up-to-date build check, then `lib/src/platforms/main.js` into a scratch
 * folder), paired the same way with the floor of their objects.
 *
 * Runs: 5 pairs at N = 100, 3 at N = 1000, 1 at N = 10000, 5 for the
 * reference platforms. Usage: `npm run bench [-- --runs N] [-- --sizes 100,1000]`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg('--runs') ?? 5);
const SIZES = (arg('--sizes') ?? '100,1000,10000').split(',').map(Number);
const runsAt = (models: number): number => (models >= 10_000 ? 1 : models >= 1000 ? Math.min(RUNS, 3) : RUNS);
const root = path.resolve(__dirname, '..', '..');
const worker = path.join(root, 'lib', 'bench', 'worker.js');

interface Run {
  readonly seconds: number;
  readonly objects: number;
  readonly maxRssMb: number;
  readonly validateSeconds: number;
  /** User + system CPU time of the process (0 when not measured). */
  readonly cpuSeconds: number;
}

/** One worker process; its own measurements (wall time from its start to before any dump). */
function runWorker(mode: string, models: number, objectsFile?: string): Run {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-out-'));
  try {
    const stdout = execFileSync(process.execPath, [worker, mode, String(models), path.join(out, 'dist'), ...(objectsFile ? [objectsFile] : [])], { encoding: 'utf8', maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as Run;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface Paired {
  readonly synth: readonly Run[];
  readonly floor: readonly Run[];
  /** synth / floor of each pair (wall time). */
  readonly ratios: readonly number[];
  /** synth / floor of each pair (CPU time). */
  readonly cpuRatios: readonly number[];
}

/** `runs` pairs of (synth, floor), alternating which goes first. */
function paired(runs: number, synth: () => Run, floor: () => Run): Paired {
  const s: Run[] = [];
  const f: Run[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      s.push(synth());
      f.push(floor());
    } else {
      f.push(floor());
      s.push(synth());
    }
  }
  return { synth: s, floor: f, ratios: s.map((r, i) => r.seconds / f[i].seconds), cpuRatios: s.map((r, i) => r.cpuSeconds / f[i].cpuSeconds) };
}

const fmt = (x: number, digits = 2): string => x.toFixed(digits);
const peak = (runs: readonly Run[]): number => Math.max(...runs.map((r) => r.maxRssMb));

/** The objects of a written output folder as the floor reads them (one JSON line each). */
function dumpFolder(dir: string, objectsFile: string): number {
  const fd = fs.openSync(objectsFile, 'w');
  let count = 0;
  for (const platform of fs.readdirSync(dir).sort()) {
    const pdir = path.join(dir, platform);
    if (!fs.statSync(pdir).isDirectory()) continue;
    for (const file of fs.readdirSync(pdir).sort()) {
      if (!file.endsWith('.yaml')) continue;
      fs.writeSync(fd, `${JSON.stringify({ file: `${platform}.${file}`, object: parse(fs.readFileSync(path.join(pdir, file), 'utf8'), { version: '1.1' }) })}\n`);
      count++;
    }
  }
  fs.closeSync(fd);
  return count;
}

/** The `cdk8s.yaml` app command (the up-to-date build check, then the app) writing into `dist`: wall time. */
function referenceApp(dist: string): Run {
  const command = /^app:\s*(.+)$/m.exec(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8'))![1];
  const start = process.hrtime.bigint();
  const r = spawnSync('/bin/sh', ['-c', command], { cwd: root, env: { ...process.env, CDK8S_MS_DIST: dist }, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`the cdk8s.yaml app failed (${r.status}): ${r.stderr}`);
  return { seconds, objects: 0, maxRssMb: 0, validateSeconds: 0, cpuSeconds: 0 };
}

function main(): void {
  if (!fs.existsSync(worker)) throw new Error('run `npm run build` first');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    const empty = runWorker('empty', 0);
    console.log(`empty synth (module load): ${fmt(empty.seconds, 3)} s, peak RSS ${empty.maxRssMb} MB`);
    console.log('');
    console.log('| models | pairs | objects | floor (s) | synth+validate (s) | validate (s) | objects/s | synth+validate / floor, wall (median of pairs) | same, CPU | peak RSS synth (MB) | peak RSS floor (MB) |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    const seconds = new Map<number, number>();
    const cpuSeconds = new Map<number, number>();
    for (const models of SIZES) {
      const objectsFile = path.join(tmp, `objects-${models}.jsonl`);
      // The first synth of each size also writes the floor's objects (after measuring), so it runs before its floor.
      let first = true;
      const p = paired(
        runsAt(models),
        () => runWorker('synth', models, first ? ((first = false), objectsFile) : undefined),
        () => runWorker('floor', models, objectsFile),
      );
      fs.rmSync(objectsFile, { force: true });
      const s = median(p.synth.map((r) => r.seconds));
      seconds.set(models, s);
      cpuSeconds.set(models, median(p.synth.map((r) => r.cpuSeconds)));
      console.log(
        `| ${models} | ${p.synth.length} | ${p.synth[0].objects} | ${fmt(median(p.floor.map((r) => r.seconds)))} | ${fmt(s)} | ${fmt(median(p.synth.map((r) => r.validateSeconds)))} | ${Math.round(p.synth[0].objects / s)} | ${fmt(median(p.ratios))} (${p.ratios.map((r) => fmt(r)).join(', ')}) | ${fmt(median(p.cpuRatios))} | ${peak(p.synth)} | ${peak(p.floor)} |`,
      );
    }
    console.log('');
    const sizes = [...seconds.keys()].sort((a, b) => a - b);
    for (let i = 1; i < sizes.length; i++) {
      const [a, b] = [sizes[i - 1], sizes[i]];
      // CPU time as well: on a shared machine, wall time also grows with the load of the moment.
      console.log(`growth N=${a} -> N=${b} (synth+validate, medians): ${fmt(seconds.get(b)! / seconds.get(a)!)}x wall, ${fmt(cpuSeconds.get(b)! / cpuSeconds.get(a)!)}x CPU for ${b / a}x the models`);
    }

    // The reference platforms, as `cdk8s synth` runs them.
    const dist = path.join(tmp, 'reference', 'dist');
    referenceApp(dist); // fills the validation cache and the file system cache
    const objectsFile = path.join(tmp, 'reference.jsonl');
    const count = dumpFolder(dist, objectsFile);
    const p = paired(RUNS, () => referenceApp(dist), () => runWorker('floor', 0, objectsFile));
    console.log('');
    console.log(`reference platforms through the cdk8s.yaml app command (${count} files): ${fmt(median(p.synth.map((r) => r.seconds)))} s against a floor of ${fmt(median(p.floor.map((r) => r.seconds)))} s: ${fmt(median(p.ratios))}x (pairs: ${p.ratios.map((r) => fmt(r)).join(', ')})`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
