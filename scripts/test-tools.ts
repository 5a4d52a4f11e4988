/**
 * Provisions the external tools the test suite runs, into the project-local
 * `.tools/` folder, the way Kubernetes projects provision envtest binaries:
 * `npm test` runs it first, so the README's two commands pass on a fresh
 * machine with nothing else done.
 *
 * Today that is `promtool` (the alert, recording-rule and dashboard-query
 * checks), taken from Debian's `prometheus` package: `apt-get download`
 * fetches the package into a scratch folder (after `apt-get update` when the
 * package lists do not know it yet, through sudo when not root) and
 * `dpkg-deb -x` unpacks it into `.tools/prometheus`; nothing is installed
 * system-wide. A promtool already on PATH (or named by `PROMTOOL`) is used
 * as it is.
 *
 * When it cannot be had, it prints one line saying what is missing and how
 * to get it, and exits 0: the tests that need promtool then fail with that
 * message, and no other test is affected.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
/** Where the unpacked package puts promtool; vitest.config.mts points PROMTOOL at it. */
const LOCAL_PROMTOOL = path.join(root, '.tools', 'prometheus', 'usr', 'bin', 'promtool');

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, tool)));
}

function run(cmd: string, args: readonly string[], cwd?: string): boolean {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 300_000 });
  return r.status === 0;
}

/** `cmd args` as root: directly when root, else through sudo when there is one. */
function asRoot(cmd: string, args: readonly string[]): boolean {
  if (process.getuid?.() === 0) return run(cmd, args);
  return onPath('sudo') && run('sudo', ['-n', cmd, ...args]);
}

function provisionPromtool(): string | undefined {
  if (process.env.PROMTOOL || onPath('promtool') || fs.existsSync(LOCAL_PROMTOOL)) return undefined;
  if (!onPath('apt-get') || !onPath('dpkg-deb')) return 'needs apt-get and dpkg-deb (a Debian-based machine)';
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cms-tools-'));
  try {
    const download = () => run('apt-get', ['download', 'prometheus'], scratch);
    if (!download() && !(asRoot('apt-get', ['update']) && download())) return "'apt-get download prometheus' failed (run 'apt-get update' as root first)";
    const deb = fs.readdirSync(scratch).find((f) => f.startsWith('prometheus_') && f.endsWith('.deb'));
    if (!deb) return "'apt-get download prometheus' wrote no package";
    const target = path.join(root, '.tools', 'prometheus');
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true });
    if (!run('dpkg-deb', ['-x', path.join(scratch, deb), target])) return `'dpkg-deb -x ${deb}' failed`;
    if (!fs.existsSync(LOCAL_PROMTOOL)) return `${deb} holds no usr/bin/promtool`;
    console.log(`test tools: promtool unpacked from ${deb} into .tools/prometheus`);
    return undefined;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const problem = provisionPromtool();
  if (problem) {
    console.log(`test tools: promtool is missing and could not be provisioned: ${problem}. Fix: apt-get install prometheus, or set PROMTOOL=/path/to/promtool; until then only the promtool tests fail.`);
  }
}
