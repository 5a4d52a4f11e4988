import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The path of a file kept next to the reference platforms' sources
 * (`src/platforms/policies/...`), found from the package root, so compiled
 * (`lib/`) and source (tests) runs read the same file.
 */
export function platformAsset(relative: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'src', 'platforms', relative);
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

/** Where the alert runbooks live: `docs/runbooks.md` of this repository (headings are the alert names in kebab case). */
export const RUNBOOK_BASE_URL = 'https://github.com/example-org/cdk8s-model-serving/blob/main/docs/runbooks.md#';
