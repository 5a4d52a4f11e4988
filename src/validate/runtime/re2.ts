/**
 * The regular-expression engine for schema `pattern`s.
 *
 * Kubernetes evaluates `pattern` with Go's RE2, not ECMAScript: inline flags
 * such as `(?i)`, POSIX classes (`[[:alpha:]]`) and escapes such as `\-`
 * (which the ECMAScript `u` flag rejects) are valid there, and some
 * ECMAScript-only syntax is not. Using an RE2 engine (`@bufbuild/re2`, the
 * one `@bufbuild/cel` uses for `matches()`) keeps both semantics and
 * acceptance identical to the apiserver. A pattern matches when it matches
 * any part of the string, as in Go's `MatchString`.
 *
 * Generated validators (`lib/schemas/`) load this module by relative path.
 * The engine itself is loaded when the first pattern is compiled.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from '@bufbuild/re2';

const load = createRequire(__filename);
let engine: typeof RE2JS | undefined;

function compile(pattern: string): RE2JS {
  engine ??= (load('@bufbuild/re2') as typeof import('@bufbuild/re2')).RE2JS;
  return engine.compile(pattern);
}

/** What ajv needs from a compiled pattern; ajv tells patterns apart by `toString()`. */
export interface PatternMatcher {
  test(value: string): boolean;
  toString(): string;
}

const cache = new Map<string, PatternMatcher>();

/**
 * An RE2 pattern, compiled when first used (generated validators create all
 * their patterns when they load; most are never needed by a given object).
 * Matchers are cached by pattern text.
 *
 * @throws Error (on first use) when the pattern is not valid RE2 syntax
 */
export function re2(pattern: string): PatternMatcher {
  let matcher = cache.get(pattern);
  if (matcher === undefined) {
    let compiled: RE2JS | undefined;
    matcher = {
      test: (value: string) => {
        compiled ??= compile(pattern);
        return compiled.test(value);
      },
      toString: () => `re2:${pattern}`,
    };
    cache.set(pattern, matcher);
  }
  return matcher;
}

/**
 * Compiles an RE2 pattern now.
 *
 * @throws Error when the pattern is not valid RE2 syntax
 */
export function compileRe2(pattern: string): void {
  compile(pattern);
}
