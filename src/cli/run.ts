/**
 * The command-line interface, callable in process (tests) or from the
 * `cdk8s-model-serving` bin.
 */
import { CrdFilesCatalog } from '../validate/crd-files-catalog';
import { formatIssue } from '../validate/issue';
import { builtinCatalog, GatewayApiChannel, validateObjects } from '../validate/validator';
import { readYamlObjects, yamlFiles } from '../validate/yaml-files';
import { limitIssueLines } from '../core/issue-limit';
import { initProject } from './init';

/** Where the CLI writes: `out` for results, `err` for usage and summaries. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Exit status: all valid. */
export const EXIT_VALID = 0;
/** Exit status: some object is invalid. */
export const EXIT_INVALID = 1;
/** Exit status: usage error, unreadable input (missing, not a regular file, over the size limit, an invalid `--crds` file) or nothing to validate. */
export const EXIT_USAGE = 2;

const USAGE = `Usage: cdk8s-model-serving validate [--crds PATH]... [--gateway-api-channel standard|experimental|auto] FILE_OR_DIR...
       cdk8s-model-serving init DIR

init creates a new platform project in DIR (new or empty): package.json with
pinned versions, cdk8s.yaml, tsconfig.json, src/platform.ts, a test, .gitignore,
a CI script (.ci/run) and a README with the two commands.

Validates every object in the YAML files (folders: every .yaml/.yml file below
them) the way the Kubernetes apiserver would, with the built-in CRDs installed.

  --crds PATH                 validate custom resources against the CRDs in PATH (a file,
                              or the .yaml/.yml/.json files below a folder that hold CRDs)
                              instead of the built-in CRDs; may be repeated. Built-in
                              kinds are always known; both Gateway API channels may be
                              given, --gateway-api-channel chooses.
  --gateway-api-channel C     the Gateway API channel of the cluster (default: auto =
                              standard, experimental for what only it serves)

Files must be regular files of at most 8 MiB (256 MiB in all), 10000 documents
and 2000000 YAML tokens; YAML may nest 128 levels and aliases may add 400000
nodes. Symbolic links inside a folder are not followed to folders. At most 50
problems are printed per file.

Exit status: 0 all valid, 1 some object invalid (or a YAML syntax error or
limit), 2 usage error, unreadable input (missing, not a regular file, too
large, a dangling link named .yaml/.yml, a --crds file without a valid CRD)
or nothing to validate (no YAML
file, no object).`;

const CHANNELS: readonly GatewayApiChannel[] = ['standard', 'experimental', 'auto'];

interface ValidateArgs {
  crds: string[];
  channel: GatewayApiChannel;
  paths: string[];
}

/** Parses `validate` arguments, or returns the usage problem. */
function parseValidateArgs(args: readonly string[]): ValidateArgs | string {
  const parsed: ValidateArgs = { crds: [], channel: 'auto', paths: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (flag === '--crds') {
      const v = value();
      if (v === undefined || v === '') return '--crds needs a path';
      parsed.crds.push(v);
    } else if (flag === '--gateway-api-channel') {
      const v = value();
      if (!CHANNELS.includes(v as GatewayApiChannel)) return `--gateway-api-channel must be one of ${CHANNELS.join(', ')} (received: ${v ?? 'nothing'})`;
      parsed.channel = v as GatewayApiChannel;
    } else if (arg === '--') {
      parsed.paths.push(...args.slice(i + 1));
      break;
    } else if (arg.startsWith('-')) {
      return `unknown option ${arg}`;
    } else {
      parsed.paths.push(arg);
    }
  }
  if (parsed.paths.length === 0) return 'no file or folder to validate';
  return parsed;
}

/**
 * Runs the command line `args` (without `node` and the script).
 *
 * @returns the exit status
 */
export function runCli(args: readonly string[], io: CliIo): number {
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return EXIT_VALID;
  }
  if (command === 'init') return runInit(rest, io);
  if (command !== 'validate') {
    io.err(command === undefined ? 'missing command' : `unknown command: ${command}`);
    io.err(USAGE);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(USAGE);
    return EXIT_VALID;
  }
  const parsed = parseValidateArgs(rest);
  if (typeof parsed === 'string') {
    io.err(`cdk8s-model-serving validate: ${parsed}`);
    io.err(USAGE);
    return EXIT_USAGE;
  }
  try {
    const catalog = parsed.crds.length > 0 ? new CrdFilesCatalog(parsed.crds, builtinCatalog()) : builtinCatalog();
    const files = yamlFiles(parsed.paths);
    // Nothing validated is not "all valid": a wrong folder must not pass a CI check.
    if (files.length === 0) {
      io.err(`cdk8s-model-serving validate: no .yaml or .yml file in ${parsed.paths.join(', ')}. Fix: pass the folder or files of the manifests (e.g. dist/).`);
      return EXIT_USAGE;
    }
    const { objects, syntaxIssues } = readYamlObjects(files);
    if (objects.length === 0 && syntaxIssues.length === 0) {
      io.err(`cdk8s-model-serving validate: no Kubernetes object in ${files.length} file(s) (only empty documents or kustomization files). Fix: pass the files that hold the manifests.`);
      return EXIT_USAGE;
    }
    // In file order (a file's syntax errors first).
    const order = new Map(files.map((f, i) => [f, i]));
    const issues = [...syntaxIssues, ...validateObjects(objects, { catalog, gatewayApiChannel: parsed.channel })].sort((a, b) => (order.get(a.file ?? '') ?? 0) - (order.get(b.file ?? '') ?? 0));
    // At most MAX_ISSUES_PER_FILE lines per file (the count and summary cover all).
    const byFile = new Map<string, string[]>();
    for (const issue of issues) {
      const key = issue.file ?? '';
      let lines = byFile.get(key);
      if (lines === undefined) byFile.set(key, (lines = []));
      lines.push(formatIssue(issue));
    }
    for (const [file, lines] of byFile) for (const line of limitIssueLines(lines, file || undefined)) io.out(line);
    const invalid = new Set(issues.map((i) => `${i.file}\0${i.kind}\0${i.name}\0${i.namespace ?? ''}`)).size;
    io.err(`${objects.length} object(s) in ${files.length} file(s): ${issues.length === 0 ? 'all valid' : `${issues.length} error(s) in ${invalid} object(s)`}`);
    return issues.length === 0 ? EXIT_VALID : EXIT_INVALID;
  } catch (err) {
    // Unreadable files or CRDs, missing built-in schemas: nothing was validated.
    io.err(`cdk8s-model-serving validate: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT_USAGE;
  }
}

/** `init DIR`: a new platform project in DIR (new or empty). */
function runInit(args: readonly string[], io: CliIo): number {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return EXIT_VALID;
  }
  if (args.length !== 1 || args[0].startsWith('-')) {
    io.err('cdk8s-model-serving init: needs exactly one folder, e.g. `cdk8s-model-serving init my-platform`');
    io.err(USAGE);
    return EXIT_USAGE;
  }
  try {
    const files = initProject(args[0]);
    io.out(`created ${args[0]}: ${files.join(', ')}`);
    io.out(`next: cd ${args[0]} && npm install && npm run synth && npm test`);
    return EXIT_VALID;
  } catch (err) {
    io.err(`cdk8s-model-serving init: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT_USAGE;
  }
}
