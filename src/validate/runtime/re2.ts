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

/**
 * The longest pattern compiled: 4096 characters. Compiling takes time
 * quadratic in the pattern's length (about 0.1 s at this bound, 9 s at
 * 50 000 characters), so a longer pattern (from a `--crds` schema, or a CEL
 * `matches()` whose pattern comes from the object) is refused instead of
 * stalling. Matching is linear in the subject (RE2 has no backtracking).
 * The longest `pattern` of the CRDs this project validates has 851
 * characters; Gateway API match values are at most 4096
 * (`HTTPHeaderMatch.value` maxLength).
 */
export const MAX_RE2_PATTERN_LENGTH = 4096;

function compile(pattern: string): RE2JS {
  if (pattern.length > MAX_RE2_PATTERN_LENGTH) throw new Error(`the RE2 pattern ${JSON.stringify(pattern.slice(0, 40))}... has ${pattern.length} characters, more than the ${MAX_RE2_PATTERN_LENGTH} this validator compiles. Fix: shorten the pattern (a schema pattern or a CEL matches() pattern) to at most ${MAX_RE2_PATTERN_LENGTH} characters`);
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
