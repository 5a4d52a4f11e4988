/**
 * `npm run bench`: wide input grows linearly. Times, at N and 10N,
 *
 * - parsing a YAML mapping of N keys with the duplicate-key check
 *   (`parseYamlDocuments`, shared by `validate` and the catalog loader);
 * - synthesizing a platform with N labels (every object carries them).
 *
 * Prints the ratio time(10N) / time(N): about 10 when linear, about 100
 * when quadratic (as before: 100 000 keys took 50 s, 10 000 labels 38 s).
 * Medians of 3 runs each.
 */
import { Testing } from 'cdk8s';
import { Namespace } from '../src/core/namespace';
import { Platform } from '../src/core/platform';
import { parseYamlDocuments } from '../src/core/yaml-input';
import { synthPlatforms } from '../src/delivery/synth';

function median(f: () => void, runs = 3): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

function mappingOf(n: number): string {
  return `data:\n${Array.from({ length: n }, (_, i) => `  k${i}: v`).join('\n')}\n`;
}

function platformWith(n: number): () => void {
  return () => {
    const labels: Record<string, string> = {};
    for (let i = 0; i < n; i++) labels[`example.com/l${i}`] = 'v';
    const app = Testing.app();
    new Namespace(new Platform(app, 'wide', { labels, requireAccessPolicies: false }), 'models');
    synthPlatforms(app);
  };
}

const cases: Array<[string, number, (n: number) => () => void]> = [
  ['YAML mapping keys (duplicate check)', 10_000, (n) => { const text = mappingOf(n); return () => parseYamlDocuments(text); }],
  ['platform labels (synth)', 1_000, platformWith],
];

console.log('wide input: time at N and 10N (ratio ~10 linear, ~100 quadratic)');
for (const [name, n, make] of cases) {
  const small = median(make(n));
  const large = median(make(10 * n));
  console.log(`  ${name}: N=${n} ${small.toFixed(0)} ms, 10N=${10 * n} ${large.toFixed(0)} ms, ratio ${(large / small).toFixed(1)}`);
}
