/**
 * `npm run bench`: what validation adds to `npm run synth`.
 *
 * Runs the synth of the reference platforms the way `npm run synth` does (a
 * fresh `node` process on the compiled JavaScript in `lib/`, writing into a
 * temporary folder) in three modes, interleaved in rotating order, and
 * prints medians of wall time and CPU time (user + system; steadier on a
 * busy machine):
 *
 * - `plain`: no validation;
 * - `cold`: every object validated (no result cache: what the first synth,
 *   or a synth after changing every object, costs);
 * - `warm`: with the result cache of `npm run synth`, after a previous run
 *   (unchanged objects are not validated again).
 *
 * Also times the CLI over the synthesized output. Usage:
 * `npm run bench [-- --runs N]` (default 5 runs of each).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const lib = path.join(root, 'lib', 'src');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

type Mode = 'plain' | 'cold' | 'warm';

/** The synth of `npm run synth`; prints `<cpu seconds> <issues>` on stderr and exits 0 whether or not objects are valid. */
function synthScript(outdir: string, mode: Mode, cacheFile: string): string {
  const req = (p: string): string => `require(${JSON.stringify(path.join(lib, p))})`;
  return `
const { App } = require('cdk8s');
const { defineReferencePlatforms } = ${req('platforms/index.js')};
const { synthPlatforms, writePlatforms } = ${req('delivery/synth.js')};
const app = new App({ outdir: ${JSON.stringify(outdir)} });
defineReferencePlatforms(app);
const outputs = synthPlatforms(app);
let issues = 0;
if (${JSON.stringify(mode)} !== 'plain') {
  const { ValidationCache } = ${req('validate/result-cache.js')};
  const cache = ${JSON.stringify(mode)} === 'warm' ? new ValidationCache(${JSON.stringify(cacheFile)}) : undefined;
  issues = ${req('validate/app.js')}.validatePlatforms(outputs, { outdir: 'dist', cache }).length;
  cache?.save();
}
writePlatforms(outputs, { outdir: ${JSON.stringify(outdir)} });
const cpu = process.cpuUsage();
process.stderr.write((cpu.user + cpu.system) / 1e6 + ' ' + issues);
`;
}

interface Sample {
  readonly wall: number;
  readonly cpu: number;
  readonly issues: number;
}

function run(args: readonly string[]): Sample {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`bench run failed (${result.status}): ${result.stderr}`);
  const [cpu, issues] = result.stderr.trim().split(' ').map(Number);
  return { wall, cpu, issues };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  if (!fs.existsSync(path.join(root, 'lib', 'schemas', 'index.json'))) throw new Error('run `npm run build` first');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-ms-bench-'));
  try {
    const outdir = path.join(tmp, 'dist');
    const cacheFile = path.join(tmp, 'validation-cache.json');
    const script = (mode: Mode): string[] => ['-e', synthScript(outdir, mode, cacheFile)];
    run(script('warm')); // fills the result cache and the file system cache
    const samples: Record<Mode, Sample[]> = { plain: [], cold: [], warm: [] };
    const cli: number[] = [];
    const modes = ['plain', 'cold', 'warm'] as const;
    for (let i = 0; i < RUNS; i++) {
      // Rotated, so that no mode always runs right after another.
      for (let j = 0; j < modes.length; j++) {
        const mode = modes[(i + j) % modes.length];
        samples[mode].push(run(script(mode)));
      }
      const started = process.hrtime.bigint();
      spawnSync(process.execPath, [path.join(lib, 'cli', 'cdk8s-model-serving.js'), 'validate', outdir], { cwd: root });
      cli.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
    const objects = fs.readdirSync(outdir).reduce((n, p) => n + fs.readdirSync(path.join(outdir, p)).filter((f) => f.endsWith('.yaml')).length, 0);
    const base = { wall: median(samples.plain.map((s) => s.wall)), cpu: median(samples.plain.map((s) => s.cpu)) };
    console.log(`reference platforms: ${objects} objects, ${samples.cold[0].issues} validation issue(s); medians of ${RUNS} interleaved runs`);
    console.log('                                   wall              cpu');
    for (const mode of ['plain', 'cold', 'warm'] as const) {
      const wall = median(samples[mode].map((s) => s.wall));
      const cpu = median(samples[mode].map((s) => s.cpu));
      const ratio = (v: number, b: number): string => {
        const percent = Math.round(((v - b) / b) * 100);
        return mode === 'plain' ? '' : `(${percent >= 0 ? '+' : ''}${percent}%)`;
      };
      const label = { plain: 'synth, no validation', cold: 'synth + validation, no cache', warm: 'synth + validation, warm cache' }[mode];
      console.log(`  ${label.padEnd(32)} ${wall.toFixed(3)} s ${ratio(wall, base.wall).padEnd(7)}  ${cpu.toFixed(3)} s ${ratio(cpu, base.cpu)}`);
    }
    console.log(`  CLI validate of the output       ${median(cli).toFixed(3)} s`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
