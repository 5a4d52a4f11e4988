import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles } from '../dir-compare';

const root = path.resolve(__dirname, '..', '..');
const headings = new Set(
  fs
    .readFileSync(path.join(root, 'docs', 'runbooks.md'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('## '))
    .map((l) => l.slice(3).trim()),
);

describe('docs/runbooks.md', () => {
  it('has a section for every alert in dist/, at the anchor its runbook_url names', () => {
    const urls = new Set<string>();
    for (const f of listFiles(path.join(root, 'dist')).filter((f) => f.includes('/prometheusrule.'))) {
      for (const m of fs.readFileSync(path.join(root, 'dist', f), 'utf8').matchAll(/runbook_url: (\S+)/g)) urls.add(m[1]);
    }
    expect(urls.size).toBeGreaterThan(10);
    const missing = [...urls].filter((u) => !u.includes('docs/runbooks.md#') || !headings.has(u.split('#')[1]));
    expect(missing).toEqual([]);
  });
});
