/**
 * The rules of secretlint's recommended preset
 * (`@secretlint/secretlint-rule-preset-recommend`: cloud keys, vendor
 * tokens, private keys, basic-auth and database URLs), run synchronously.
 *
 * secretlint's own runner (`lintSource` of `@secretlint/core`) returns a
 * Promise, but synthesis (`buildPlatforms`) is synchronous and public. The
 * preset's rules are plain objects with the documented rule contract
 * (`create(context, options)` returning a `file(source)` handler that calls
 * `context.report`), and every handler of the preset is synchronous for text
 * sources: the only asynchronous branch (the GCP rule's `.p12` check) reads a
 * binary file by path, which a text source given here never is. This module
 * is a minimal runner for that contract. A handler that ever returns a
 * Promise (a future preset version) fails loudly instead of being skipped,
 * and a test checks that this runner reports exactly what `lintSource` does.
 *
 * Left out on purpose: the preset's `filter-comments` rule, which lets a
 * `secretlint-disable` comment in the scanned text silence the other rules.
 * The scanned text is generated from user input (a description, a ConfigMap
 * file), so that input must not be able to switch the scan off.
 *
 * Reports carry the rule and message ids only: a rule's message quotes the
 * credential, so it is never kept.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { SecretLintRuleContext, SecretLintRuleCreator, SecretLintRuleReportHandler, SecretLintSourceCode } from '@secretlint/types';
import { libDir } from '../validate/package-dir';

/** One report of a secretlint rule. */
export interface SecretlintHit {
  /** The rule's short id, e.g. `aws` for `@secretlint/secretlint-rule-aws`. */
  readonly rule: string;
  /** What the rule found, e.g. `AWSSecretAccessKey`. */
  readonly messageId: string;
  /** Offset of the match in the text. */
  readonly start: number;
  /** Offset just past the match. */
  readonly end: number;
}

/** The preset rule that turns `secretlint-disable` comments into ignores (see the module doc). */
const FILTER_COMMENTS = '@secretlint/secretlint-rule-filter-comments';

const load = createRequire(__filename);

interface LoadedRule {
  readonly id: string;
  readonly handler: SecretLintRuleReportHandler;
  readonly contentTypes: readonly string[];
}

let sink: SecretlintHit[] | undefined;
let loaded: LoadedRule[] | undefined;

function shortId(id: string): string {
  return id.replace(/^@secretlint\/secretlint-rule-/, '');
}

/** The preset's rules, created once with a context that records reports into the current scan. */
function presetRules(): LoadedRule[] {
  if (loaded === undefined) {
    // `npm run build` bundles the preset (an ES module) as CommonJS (scripts/bundle-secretlint.ts), so that every Node.js 20 loads it;
    // without the bundle (sources run by tsx or vitest) it is required from node_modules.
    const bundle = path.join(libDir(), 'vendor', 'secretlint.js');
    const preset = load(fs.existsSync(bundle) ? bundle : '@secretlint/secretlint-rule-preset-recommend') as { rules: readonly SecretLintRuleCreator[] };
    loaded = preset.rules
      .filter((r) => r.meta.id !== FILTER_COMMENTS)
      .map((r) => {
        const rule = shortId(r.meta.id);
        const context: SecretLintRuleContext = {
          sharedOptions: {},
          createTranslator: (messages) =>
            ((messageId: string, props?: unknown) => {
              const m = (messages as Record<string, unknown>)[messageId];
              if (m === undefined) throw new Error(`secretlint rule ${r.meta.id}: message ${messageId} is missing`);
              // The text itself quotes the credential; only the id is kept.
              return { message: '', messageId, data: props };
            }) as never,
          report: (d) => sink?.push({ rule, messageId: d.message.messageId, start: d.range[0], end: d.range[1] }),
          // Only filter rules ignore reports; the one of the preset is left out.
          ignore: () => undefined,
        };
        return { id: r.meta.id, handler: r.create(context, {}), contentTypes: r.meta.supportedContentTypes };
      });
  }
  return loaded;
}

/**
 * Runs every rule of the recommended preset over `text`.
 *
 * @param text the text to scan
 * @param file the name the text is written to (`README.md`, `configmap.x.yaml`): some rules look only at some kinds of file (`.json`, `.npmrc`). It is never read.
 * @returns every report, in rule order
 * @throws Error when a rule handler is asynchronous (it could not be waited for)
 */
export function secretlintScan(text: string, file?: string): SecretlintHit[] {
  const rules = presetRules();
  const ext = file === undefined ? '' : (/\.[^./]+$/.exec(file)?.[0] ?? '');
  const source: SecretLintSourceCode = {
    hasBOM: false,
    content: text,
    filePath: file,
    physicalFilePath: undefined,
    contentType: 'text',
    ext,
    getFilePath: () => file,
    getPhysicalFilePath: () => undefined,
  } as unknown as SecretLintSourceCode;
  const hits: SecretlintHit[] = [];
  sink = hits;
  try {
    for (const r of rules) {
      if (!r.handler.file || !(r.contentTypes.includes('text') || r.contentTypes.includes('all'))) continue;
      const result = r.handler.file(source);
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
        (result as Promise<void>).catch(() => undefined);
        throw new Error(`secretlint rule ${r.id} answered asynchronously; the credential scan runs synchronously and cannot wait for it`);
      }
    }
  } finally {
    sink = undefined;
  }
  return hits;
}

/** The secretlint rules this runner applies (short ids), for reports and tests. */
export function secretlintRuleIds(): string[] {
  return presetRules().map((r) => shortId(r.id));
}
