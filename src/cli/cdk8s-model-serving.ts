#!/usr/bin/env node
/**
 * The `cdk8s-model-serving` command.
 *
 * `cdk8s-model-serving validate [--crds PATH]... [--gateway-api-channel standard|experimental|auto] FILE_OR_DIR...`
 * validates every object of the given YAML files (folders: every `.yaml` /
 * `.yml` file below them) as the apiserver would, and prints one line per
 * problem: `<file>: <Kind>/<name>: <path>: <message>`.
 *
 * Exit status: 0 when every object is valid, 1 when any is not (a YAML syntax
 * error or limit included), 2 on a usage error, unreadable input (missing,
 * not a regular file, over 8 MiB, a `--crds` file without a valid CRD) or
 * nothing to validate (no YAML file, no object).
 */
import { runCli } from './run';

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2), { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) });
}
