import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import { defineConfig } from 'vitest/config';

// promtool as scripts/test-tools.ts provisions it when none is on PATH.
const localPromtool = join(import.meta.dirname, '.tools', 'prometheus', 'usr', 'bin', 'promtool');
const promtoolOnPath = (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, 'promtool')));
const env: Record<string, string> = !process.env.PROMTOOL && !promtoolOnPath && existsSync(localPromtool) ? { PROMTOOL: localPromtool } : {};

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Vitest keeps a core free by default; many tests wait on child processes (promtool, npm, tsc), so use them all.
    maxWorkers: Math.max(2, availableParallelism()),
    env,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
