/**
 * The one ajv configuration for Kubernetes schemas, shared by the build step
 * (which writes standalone validator modules into `lib/schemas/`) and by
 * run-time compilation (`--crds DIR`).
 */
import { createRequire } from 'node:module';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { _ as CodeTemplate } from 'ajv/dist/compile/codegen';
import type StandaloneCode from 'ajv/dist/standalone';
import { formats } from '../runtime/formats';
import { compileRe2, re2 } from '../runtime/re2';
import { AjvSchema } from './json-schema';

const load = createRequire(__filename);

/**
 * The ajv schema compiler, loaded on first use. Only the build step and
 * `validate --crds` compile schemas; a synth validates with the prebuilt
 * modules of `lib/schemas/` and never pays for loading the compiler.
 */
function ajvCompiler(): { readonly Ajv: typeof Ajv; readonly _: typeof CodeTemplate; readonly standaloneCode: typeof StandaloneCode } {
  return {
    Ajv: (load('ajv') as { default: typeof Ajv }).default,
    _: (load('ajv/dist/compile/codegen') as { _: typeof CodeTemplate })._,
    standaloneCode: (load('ajv/dist/standalone') as { default: typeof StandaloneCode }).default,
  };
}

/** Where generated modules find the runtime helpers (`formats`, `re2`), relative to themselves. */
export interface StandaloneOptions {
  /** `require` path of `runtime/formats.js` as seen from the generated module. */
  readonly formatsModule: string;
  /** `require` path of `runtime/re2.js` as seen from the generated module. */
  readonly re2Module: string;
}

/**
 * A fresh ajv instance:
 * - strict mode (unknown keywords, ambiguous types are schema errors), except
 *   `strictRequired`: Istio lists fields in `required` inside `oneOf`
 *   branches that do not repeat the properties, which is valid OpenAPI;
 * - `allowUnionTypes` for int-or-string;
 * - `allErrors`, because the apiserver reports every error, not the first;
 * - `messages: false`: messages are rendered from keyword and params by
 *   `schema-errors.ts`, in the apiserver's words;
 * - Kubernetes formats and the RE2 engine for `pattern`.
 *
 * @param standalone when given, the instance keeps generated source so that
 *   {@link standaloneModule} can write it out
 */
export function createAjv(standalone?: StandaloneOptions): Ajv {
  const { Ajv: AjvClass, _ } = ajvCompiler();
  // Patterns are checked when the schema compiles: an invalid RE2 pattern fails the build.
  const regExp = Object.assign(
    (pattern: string) => {
      compileRe2(pattern);
      return re2(pattern);
    },
    { code: standalone ? `require(${JSON.stringify(standalone.re2Module)}).re2` : 're2' },
  );
  return new AjvClass({
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    allErrors: true,
    messages: false,
    validateFormats: true,
    formats: { ...formats },
    inlineRefs: false,
    code: standalone
      ? { source: true, optimize: true, regExp, formats: _`require(${standalone.formatsModule}).formats` }
      : { optimize: true, regExp },
  });
}

const SCHEMA_PATH = /schemaPath:"((?:[^"\\]|\\.)*)"/g;
const IN_ALTERNATIVES = /\/(?:oneOf|anyOf)(?:\/|$)/;

/**
 * Compiles `schema` and returns the CommonJS source of a module exporting its
 * validate function.
 *
 * Errors keep their `schemaPath` only where `schema-errors.ts` reads it (a
 * `oneOf`/`anyOf` and the errors of its branches); elsewhere it is emptied,
 * which makes the modules smaller and faster to load.
 */
export function standaloneModule(ajv: Ajv, schema: AjvSchema): string {
  return ajvCompiler().standaloneCode(ajv, ajv.compile(schema)).replace(SCHEMA_PATH, (whole, p: string) => (IN_ALTERNATIVES.test(p) ? whole : 'schemaPath:""'));
}

/** Compiles `schema` in process (no generated module), for CRDs given at run time. */
export function compileInProcess(schema: AjvSchema): ValidateFunction {
  return createAjv().compile(schema);
}
