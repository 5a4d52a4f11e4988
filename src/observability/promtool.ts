import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The outcome of one promtool run. */
export interface PromtoolResult {
  /** True when promtool exited 0. */
  readonly ok: boolean;
  /** Its exit code. */
  readonly exitCode: number;
  /** stdout and stderr together. */
  readonly output: string;
}

/**
 * The Prometheus `promtool` binary (Debian package `prometheus`), run once
 * per batch of files so hundreds of rules cost one process.
 *
 * @see https://prometheus.io/docs/prometheus/latest/command-line/promtool/
 */
export class Promtool {
  /**
   * The promtool on `PATH` (or at `PROMTOOL`).
   *
   * @throws Error when it cannot be found: monitoring checks never pass silently without it
   */
  public static find(): Promtool {
    const explicit = process.env.PROMTOOL;
    if (explicit) {
      if (!fs.existsSync(explicit)) throw new Error(`PROMTOOL=${explicit} does not exist. Fix: install promtool (apt-get install prometheus) or unset PROMTOOL.`);
      return new Promtool(explicit);
    }
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      const candidate = path.join(dir, 'promtool');
      if (dir && fs.existsSync(candidate)) return new Promtool(candidate);
    }
    throw new Error('promtool not found on PATH. Fix: apt-get update && apt-get install -y prometheus, or set PROMTOOL=/path/to/promtool (npm test unpacks it into .tools/ itself, see scripts/test-tools.ts).');
  }

  private constructor(
    /** The binary's path. */
    public readonly binary: string,
  ) {}

  /** `promtool --version`, first line. */
  public version(): string {
    return this.run(['--version'], process.cwd()).output.split('\n')[0].trim();
  }

  /** `promtool check rules --lint=all --lint-fatal <files>` in `cwd`. */
  public checkRules(files: readonly string[], cwd: string): PromtoolResult {
    return this.run(['check', 'rules', '--lint=all', '--lint-fatal', ...files], cwd);
  }

  /** `promtool test rules <files>` in `cwd`. */
  public testRules(files: readonly string[], cwd: string): PromtoolResult {
    return this.run(['test', 'rules', ...files], cwd);
  }

  private run(args: readonly string[], cwd: string): PromtoolResult {
    const r = spawnSync(this.binary, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.error) throw r.error;
    return { ok: r.status === 0, exitCode: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  }
}
