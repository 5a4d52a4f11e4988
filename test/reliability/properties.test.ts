/**
 * Property tests of the whole pipeline (synth, route conflicts, schema and
 * CEL validation, security rules, delivery files) over random platform
 * specs: every provider, 1-4 models of several formats, tiers with limits,
 * public and protected routes. Fixed seeds: a failure prints its seed and
 * path, and `fc.assert` replays it exactly.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { SynthError, writePlatforms } from '../../src/delivery/synth';
import { buildSpec, mutate, mutationArb, PlatformSpec, PROVIDERS, readTree, renderOutputs, reorder, validSpec } from './platform-spec';

const RUNS = 500;
/** Generous: 500 builds take 10-40 s on a busy 2-core machine; this only keeps a slow machine from failing the run. */
const TIMEOUT = 240_000;
const SEED_VALID = 0x5eed_0001;
const SEED_MUTATIONS = 0x5eed_0002;
const SEED_ORDER = 0x5eed_0003;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Counts of what the runs covered, checked after each property so a generator that stops covering a case fails. */
function tally(): { count(key: string): void; get(key: string): number } {
  const counts = new Map<string, number>();
  return { count: (key) => counts.set(key, (counts.get(key) ?? 0) + 1), get: (key) => counts.get(key) ?? 0 };
}

describe('random valid platform specs', () => {
  it('always build (validation and security rules on), and writing twice gives byte-identical folders', { timeout: TIMEOUT }, () => {
    const seen = tally();
    let run = 0;
    fc.assert(
      fc.property(validSpec, (spec) => {
        run++;
        const a = path.join(tmp, 'valid', `a-${run}`);
        const b = path.join(tmp, 'valid', `b-${run}`);
        try {
          // Two independent builds of the same spec, each written through the atomic writer.
          writePlatforms(buildSpec(spec), { outdir: a });
          writePlatforms(buildSpec(spec), { outdir: b });
          const first = readTree(a);
          const second = readTree(b);
          expect(first.size).toBeGreaterThan(0);
          expect([...second.keys()]).toEqual([...first.keys()]);
          for (const [file, bytes] of first) expect(second.get(file), file).toBe(bytes);
          expect([...first.keys()].filter((f) => f.startsWith('spec/inferenceservice.')).length).toBe(spec.models.length);
        } finally {
          fs.rmSync(a, { recursive: true, force: true });
          fs.rmSync(b, { recursive: true, force: true });
        }
        seen.count(spec.provider);
        seen.count(spec.routes.some((r) => !r.public) ? 'protected' : 'all-public');
        if (spec.routes.some((r) => r.public)) seen.count('public');
        if (spec.tiers.some((t) => t.limits.length > 0)) seen.count('limits');
        seen.count(`models-${spec.models.length}`);
      }),
      { numRuns: RUNS, seed: SEED_VALID },
    );
    for (const key of [...PROVIDERS, 'protected', 'public', 'limits', 'models-1', 'models-4']) expect(seen.get(key), key).toBeGreaterThan(0);
  });
});

describe('mutated specs (wrong types, out-of-range numbers, bad names, missing references, removed fields, junk)', () => {
  it('either build, or fail with ModelServingError / SynthError and leave the folder written before byte-identical', { timeout: TIMEOUT }, () => {
    const outdir = path.join(tmp, 'mutated', 'dist');
    const base = fc.sample(validSpec, { numRuns: 1, seed: SEED_MUTATIONS })[0];
    writePlatforms(buildSpec(base), { outdir });
    let before = readTree(outdir);
    expect(before.size).toBeGreaterThan(0);
    const seen = tally();
    fc.assert(
      fc.property(validSpec, fc.array(mutationArb, { minLength: 1, maxLength: 2 }), (spec: PlatformSpec, mutations) => {
        const { spec: mutated, applied } = mutate(spec, mutations);
        let thrown: unknown;
        try {
          const outputs = buildSpec(mutated);
          writePlatforms(outputs, { outdir });
          // What was written is exactly what was built.
          const written = readTree(outdir);
          expect(written).toEqual(renderOutputs(outputs));
          before = written;
          seen.count('built');
          return;
        } catch (err) {
          thrown = err;
        }
        const ours = thrown instanceof ModelServingError || thrown instanceof SynthError;
        expect(ours, `${applied.join('; ')} threw ${String(thrown)}\n${(thrown as Error)?.stack ?? ''}`).toBe(true);
        // Our construct errors say how to fix it.
        if (thrown instanceof ModelServingError) expect(thrown.message).toContain('. Fix: ');
        const after = readTree(outdir);
        expect([...after.keys()]).toEqual([...before.keys()]);
        for (const [file, bytes] of before) expect(after.get(file), file).toBe(bytes);
        seen.count(thrown instanceof SynthError ? 'synth-error' : 'construct-error');
      }),
      { numRuns: RUNS, seed: SEED_MUTATIONS },
    );
    // Both outcomes, and both error types, occur: the mutations reach the checks.
    for (const key of ['built', 'construct-error', 'synth-error']) expect(seen.get(key), key).toBeGreaterThan(0);
  });
});

describe('declaration order', () => {
  const order = fc.record({
    models: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
    routes: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
    tiers: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
    holders: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
  });

  it('of models, routes, tiers and key holders does not change a byte (rule order is kept: it has meaning)', { timeout: TIMEOUT }, () => {
    let reordered = 0;
    fc.assert(
      fc.property(validSpec, order, (spec, o) => {
        const shuffled = reorder(spec, o);
        const a = renderOutputs(buildSpec(spec));
        const b = renderOutputs(buildSpec(shuffled));
        expect([...b.keys()]).toEqual([...a.keys()]);
        for (const [file, bytes] of a) expect(b.get(file), file).toBe(bytes);
        if (JSON.stringify(shuffled) !== JSON.stringify(spec)) reordered++;
      }),
      { numRuns: RUNS, seed: SEED_ORDER },
    );
    expect(reordered).toBeGreaterThan(RUNS / 4);
  });

  it('of rules within a route does change the output (the comparison above can see order)', () => {
    const spec = fc.sample(validSpec.filter((s) => s.routes.some((r) => r.rules.length > 1)), { numRuns: 1, seed: SEED_ORDER })[0];
    const swapped = structuredClone(spec);
    const route = swapped.routes.find((r) => r.rules.length > 1)!;
    route.rules.reverse();
    const a = renderOutputs(buildSpec(spec));
    const b = renderOutputs(buildSpec(swapped));
    expect([...a].filter(([file, bytes]) => b.get(file) !== bytes).map(([file]) => file)).toContain(`spec/httproute.models.${route.name}.yaml`);
  });
});
