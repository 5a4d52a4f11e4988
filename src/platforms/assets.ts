import * as path from 'node:path';
import { packageRoot } from '../validate/package-dir';
import { REPO_URL } from './argocd';

/**
 * The path of a file kept next to the reference platforms' sources
 * (`src/platforms/policies/...`), found from the package root, so compiled
 * (`lib/`) and source (tests) runs read the same file.
 */
export function platformAsset(relative: string): string {
  return path.join(packageRoot(__dirname), 'src', 'platforms', relative);
}

/** Where the alert runbooks live: `docs/runbooks.md` of this repository, {@link REPO_URL} (headings are the alert names in kebab case). */
export const RUNBOOK_BASE_URL = `${REPO_URL.replace(/\.git$/, '')}/blob/main/docs/runbooks.md#`;
