/**
 * `npm run bench`: synth speed against its floor. For N = 10, 100 and 1000
 * generated models (each with route, access policy, monitor, alerts, SLO
 * rules and dashboard), runs the synth pipeline of `npm run synth` as a
 * fresh process and prints medians of wall time, objects per second, peak
 * RSS, and the ratios to the floor: the same plain objects serialized with
 * the `yaml` package alone, measured in the same run. "synth" is the same run
 * minus the time the process spent validating (measured inside it). Also
 * prints the cost of an empty synth (loading the library).
 *
 * Medians of 5 runs, 3 at N = 1000 so that the whole benchmark stays under
 * three minutes on a 2-core machine. Usage: `npm run bench [-- --runs N]`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const SIZES: ReadonlyArray<{ readonly models: number; readonly runs: number }> = [
  { models: 10, runs: RUNS },
  { models: 100, runs: RUNS },
  { models: 1000, runs: Math.min(RUNS, 3) },
];
const root = path.resolve(__dirname, '..', '..');
const worker = path.join(root, 'lib', 'bench', 'worker.js');

interface Run {
  readonly seconds: number;
  readonly objects: number;
  readonly maxRssMb: number;
  readonly validateSeconds: number;
}

function runOnce(mode: string, models: number, objectsFile?: string): Run {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-out-'));
  try {
    const start = process.hrtime.bigint();
    const stdout = execFileSync(process.execPath, [worker, mode, String(models), path.join(out, 'dist'), ...(objectsFile ? [objectsFile] : [])], { encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { seconds, ...(JSON.parse(stdout) as Omit<Run, 'seconds'>) };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Medians of `runs` fresh processes (peak RSS: the largest); `dumpTo` makes the first run also write its objects. */
function measure(mode: string, models: number, runs: number, objectsFile?: string, dumpTo?: string): Run {
  const all = Array.from({ length: runs }, (_, i) => runOnce(mode, models, objectsFile ?? (i === 0 ? dumpTo : undefined)));
  return {
    seconds: median(all.map((r) => r.seconds)),
    objects: all[0].objects,
    maxRssMb: Math.max(...all.map((r) => r.maxRssMb)),
    validateSeconds: median(all.map((r) => r.validateSeconds)),
  };
}

function main(): void {
  if (!fs.existsSync(worker)) throw new Error('run `npm run build` first');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    const empty = measure('empty', 0, RUNS);
    console.log(`empty synth (module load): ${empty.seconds.toFixed(3)} s, peak RSS ${empty.maxRssMb} MB`);
    console.log('');
    console.log('| models | runs | objects | floor (s) | synth (s) | synth+validate (s) | objects/s | synth/floor | synth+validate/floor | peak RSS (MB) |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    const validated = new Map<number, number>();
    for (const { models, runs } of SIZES) {
      const objectsFile = path.join(tmp, `objects-${models}.json`);
      const synth = measure('synth', models, runs, undefined, objectsFile);
      const floor = measure('floor', models, runs, objectsFile);
      const withoutValidation = synth.seconds - synth.validateSeconds;
      validated.set(models, synth.seconds);
      console.log(
        `| ${models} | ${runs} | ${synth.objects} | ${floor.seconds.toFixed(3)} | ${withoutValidation.toFixed(3)} | ${synth.seconds.toFixed(3)} | ${Math.round(synth.objects / synth.seconds)} | ${(withoutValidation / floor.seconds).toFixed(2)} | ${(synth.seconds / floor.seconds).toFixed(2)} | ${synth.maxRssMb} |`,
      );
    }
    console.log('');
    console.log(`growth N=100 -> N=1000 (synth+validate): ${(validated.get(1000)! / validated.get(100)!).toFixed(2)}x`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
