/**
 * Helpers shared by the hostile-input tests (test/reliability/hostile-*):
 * generated credentials, the refusals they assert, and the CLI run in process.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { runCli } from '../../src/cli/run';
import type { CliIo } from '../../src/cli/run';
import { ModelServingError } from '../../src/core/errors';
import { CatalogError } from '../../src/platform/catalog-loader';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `n` random characters of `alphabet`: credentials are built at test time,
 * so no literal secret is in the repository.
 */
export function randomText(n: number, alphabet = ALNUM): string {
  return [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
}

/**
 * Runs `build`, expecting a ModelServingError that refuses a credential:
 * checks that its message names the kind, never the text `secret`, and
 * gives a fix through a Secret. Returns the message.
 */
export function credentialRefusal(secret: string, build: () => unknown): string {
  let message: string | undefined;
  try {
    build();
  } catch (err) {
    if (!(err instanceof ModelServingError)) throw err;
    message = err.message;
  }
  if (message === undefined) throw new Error('no ModelServingError was thrown');
  expect(message).not.toContain(secret);
  expect(message).toMatch(/holds what looks like .+: it would be committed to dist\/ in plain text \(received: <redacted: .+>\)\. Fix: .+Secret/);
  return message;
}

/** Runs `build`, expecting a CatalogError, and returns it. */
export function catalogError(build: () => unknown): CatalogError {
  try {
    build();
  } catch (err) {
    expect(err).toBeInstanceOf(CatalogError);
    return err as CatalogError;
  }
  throw new Error('expected a CatalogError, but nothing was thrown');
}

/** Runs the `cdk8s-model-serving` CLI in process: its exit status and the lines it wrote to stdout and stderr. */
export function cli(...args: string[]): { status: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  return { status: runCli(args, io), out, err };
}

/** The ModelServingError `build` throws; fails the test when it throws nothing or something else. */
export function refusal(build: () => unknown): ModelServingError {
  try {
    build();
  } catch (err) {
    expect(err).toBeInstanceOf(ModelServingError);
    return err as ModelServingError;
  }
  throw new Error('expected a ModelServingError, but nothing was thrown');
}

/** Asserts the refusal's message: `<where>: <field> <problem> (received: <value>). Fix: <fix>`. */
export function expectRefused(build: () => unknown, where: string, field: string, problem: string | RegExp, value: string, fix: string): void {
  const message = refusal(build).message;
  expect(message.startsWith(`${where}: ${field} `), message).toBe(true);
  if (typeof problem === 'string') expect(message).toContain(problem);
  else expect(message).toMatch(problem);
  expect(message).toContain(`(received: ${value})`);
  expect(message).toContain(`Fix: ${fix}`);
}
