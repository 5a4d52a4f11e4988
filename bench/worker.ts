/**
 * One benchmark run, as its own process: `node lib/bench/worker.js <mode> <models> <outdir> [objects.jsonl]`.
 * Modes:
 * - `empty`: load the library and synth an empty app;
 * - `synth`: the whole pipeline of `npm run synth` (synthesis, sync waves,
 *   validation, security rules, kustomization and README, writing with the
 *   change plan) on the generated platform of `models` models; with
 *   objects.jsonl, writes its objects there afterwards, one JSON line each
 *   (for the floor), after taking its measurements;
 * - `floor`: serialize the objects of objects.jsonl with the `yaml` package
 *   alone into `outdir`, one file each, reading them a line at a time.
 * Prints `{ objects, seconds, maxRssMb, validateSeconds, cpuSeconds }` as JSON on stdout
 * (seconds: since the process started)
 * (CPU: user + system of the whole process, steadier than wall time on a busy machine).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { App } from 'cdk8s';
import { stringify } from 'yaml';
import { YAML_OPTIONS } from '../src/delivery/yaml';

const [mode, modelsArg, outdir, objectsFile] = process.argv.slice(2);
const models = Number(modelsArg);

/** What the run measured, taken before the objects are dumped (so that the dumping run counts as any other). */
function measured(objects: number, validateSeconds = 0): string {
  const cpu = process.cpuUsage();
  return JSON.stringify({ objects, seconds: process.uptime(), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), validateSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
}

/** Calls `f` with each line of `file`, reading it in chunks (the file may be larger than a string may be). */
function eachLine(file: string, f: (line: string) => void): void {
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.alloc(1 << 20);
  let rest = '';
  try {
    for (let n = fs.readSync(fd, chunk); n > 0; n = fs.readSync(fd, chunk)) {
      const lines = (rest + chunk.toString('utf8', 0, n)).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line !== '') f(line);
    }
  } finally {
    fs.closeSync(fd);
  }
  if (rest !== '') f(rest);
}

if (mode === 'floor') {
  fs.mkdirSync(outdir, { recursive: true });
  let count = 0;
  eachLine(objectsFile, (line) => {
    const o = JSON.parse(line) as { file: string; object: unknown };
    fs.writeFileSync(path.join(outdir, o.file), stringify(o.object, YAML_OPTIONS));
    count++;
  });
  process.stdout.write(measured(count));
} else {
  // Loaded here, not at the top, so the floor run pays only for `yaml`.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const lib = require('../src') as typeof import('../src');
  const cdk8s = require('cdk8s') as typeof import('cdk8s');
  const { generatedPlatform } = require('./generated-platform') as typeof import('./generated-platform');
  const createApp = (): App => {
    const app = new cdk8s.App();
    if (mode !== 'empty') generatedPlatform(app, models);
    return app;
  };
  // The pipeline of `npm run synth` (the app is dropped after synthesis), with the validation timed on its own.
  const outputs = lib.preparePlatforms(lib.synthPlatforms(createApp()), { outdir, validate: false });
  const start = process.hrtime.bigint();
  lib.assertValidPlatforms(outputs, { outdir });
  const validateSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  lib.writePlatformsWithPlan(outputs, { outdir });
  const count = outputs.reduce((n, p) => n + p.manifests.length, 0);
  const result = measured(count, validateSeconds);
  if (objectsFile) {
    const fd = fs.openSync(objectsFile, 'w');
    for (const p of outputs) for (const m of p.manifests) fs.writeSync(fd, `${JSON.stringify({ file: `${p.name}.${m.file}`, object: m.object })}\n`);
    fs.closeSync(fd);
  }
  process.stdout.write(result);
}
