/**
 * `npm run bench`: synth speed against its floor. For N = 10, 100 and 1000
 * generated models (each with route, policy, monitor and alerts), runs each
 * mode as a fresh process 5 times and prints the median wall time, objects
 * per second, peak RSS, and the ratio to the floor — the same plain objects
 * serialized with the `yaml` package alone, measured in the same run. Also
 * prints the cost of an empty synth (loading the library).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const RUNS = 5;
const SIZES = [10, 100, 1000];
const root = path.resolve(__dirname, '..', '..');
const worker = path.join(root, 'lib', 'bench', 'worker.js');

interface Run {
  readonly seconds: number;
  readonly objects: number;
  readonly maxRssMb: number;
}

function runOnce(mode: string, models: number, objectsFile?: string): Run {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-out-'));
  try {
    const start = process.hrtime.bigint();
    const stdout = execFileSync(process.execPath, [worker, mode, String(models), path.join(out, 'dist'), ...(objectsFile ? [objectsFile] : [])], { encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const { objects, maxRssMb } = JSON.parse(stdout) as { objects: number; maxRssMb: number };
    return { seconds, objects, maxRssMb };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(mode: string, models: number, objectsFile?: string): Run {
  const runs = Array.from({ length: RUNS }, () => runOnce(mode, models, objectsFile));
  return { seconds: median(runs.map((r) => r.seconds)), objects: runs[0].objects, maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)) };
}

function main(): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    const empty = measure('empty', 0);
    console.log(`empty synth (module load): ${empty.seconds.toFixed(3)} s, peak RSS ${empty.maxRssMb} MB`);
    console.log('');
    console.log('| models | objects | floor (s) | synth (s) | synth+validate (s) | objects/s | synth/floor | synth+validate/floor | peak RSS (MB) |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    const rows: Array<{ n: number; validated: number }> = [];
    for (const n of SIZES) {
      const objectsFile = path.join(tmp, `objects-${n}.json`);
      runOnce('synth', n, objectsFile); // writes the objects the floor serializes
      const floor = measure('floor', n, objectsFile);
      const synth = measure('synth', n);
      const validated = measure('synth-validate', n);
      rows.push({ n, validated: validated.seconds });
      console.log(
        `| ${n} | ${synth.objects} | ${floor.seconds.toFixed(3)} | ${synth.seconds.toFixed(3)} | ${validated.seconds.toFixed(3)} | ${Math.round(synth.objects / validated.seconds)} | ${(synth.seconds / floor.seconds).toFixed(2)} | ${(validated.seconds / floor.seconds).toFixed(2)} | ${validated.maxRssMb} |`,
      );
    }
    const growth = rows.find((r) => r.n === 1000)!.validated / rows.find((r) => r.n === 100)!.validated;
    console.log('');
    console.log(`growth N=100 -> N=1000 (synth+validate): ${growth.toFixed(2)}x`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
