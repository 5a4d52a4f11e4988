#!/usr/bin/env node
/**
 * The `cdk8s-model-serving` command.
 *
 * `cdk8s-model-serving validate [--crds PATH]... [--gateway-api-channel standard|experimental|auto] FILE_OR_DIR...`
 * validates every object of the given YAML files (folders: every `.yaml` /
 * `.yml` file below them) as the apiserver would, and prints one line per
 * problem: `<file>: <Kind>/<name>: <path>: <message>`.
 *
 * Exit status: 0 when every object is valid, 1 when any is not, 2 on a usage
 * error or unreadable input.
 */
import { runCli } from './run';

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2), { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) });
}
