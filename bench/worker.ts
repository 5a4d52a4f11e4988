/**
 * One benchmark run, as its own process: `node lib/bench/worker.js <mode> <models> <outdir> [objects.json]`.
 * Modes: `empty` (load the library and synth an empty app), `synth` (the
 * whole pipeline of `npm run synth`: synthesis, sync waves, validation,
 * security rules, kustomization and README, writing), `floor` (serialize the
 * objects of objects.json with the `yaml` package alone). `synth` writes its
 * objects to objects.json when given. Prints `{ objects, maxRssMb,
 * validateSeconds }` as JSON on stdout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { App } from 'cdk8s';
import { stringify } from 'yaml';
import { YAML_OPTIONS } from '../src/delivery/yaml';

const [mode, modelsArg, outdir, objectsFile] = process.argv.slice(2);
const models = Number(modelsArg);

function report(objects: number, validateSeconds = 0): void {
  process.stdout.write(JSON.stringify({ objects, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), validateSeconds }));
}

if (mode === 'floor') {
  const objects = JSON.parse(fs.readFileSync(objectsFile, 'utf8')) as Array<{ file: string; object: unknown }>;
  fs.mkdirSync(outdir, { recursive: true });
  for (const o of objects) fs.writeFileSync(path.join(outdir, o.file), stringify(o.object, YAML_OPTIONS));
  report(objects.length);
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
  lib.writePlatforms(outputs, { outdir });
  const count = outputs.reduce((n, p) => n + p.manifests.length, 0);
  if (objectsFile) {
    fs.writeFileSync(objectsFile, JSON.stringify(outputs.flatMap((p) => p.manifests.map((m) => ({ file: `${p.name}.${m.file}`, object: m.object })))));
  }
  report(count, validateSeconds);
}
