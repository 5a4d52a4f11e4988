/**
 * A bound on the problems reported for one file: a catalog or manifest with
 * 100 000 bad keys would otherwise print 100 000 lines, drowning the first
 * ones (usually the cause) and the summary.
 */

/** The most problems reported per file: 50; the rest are counted in one line. */
export const MAX_ISSUES_PER_FILE = 50;

/**
 * The first {@link MAX_ISSUES_PER_FILE} lines, then one line
 * `... and N more problems of this file` when there are more.
 */
export function limitIssueLines(lines: readonly string[], file?: string): string[] {
  if (lines.length <= MAX_ISSUES_PER_FILE) return [...lines];
  const more = lines.length - MAX_ISSUES_PER_FILE;
  return [...lines.slice(0, MAX_ISSUES_PER_FILE), `... and ${more} more problem${more === 1 ? '' : 's'} of this file${file === undefined ? '' : ` (${file})`} (only the first ${MAX_ISSUES_PER_FILE} are listed; fix these and run again)`];
}
