import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');

describe('CHANGELOG.md follows the package version', () => {
  const versions = [...changelog.matchAll(/^## (\S+)(.*)$/gm)].map((m) => ({ version: m[1], rest: m[2] }));

  it("its newest entry is the package's version, released (no '(unreleased)' on a version the package carries)", () => {
    expect(versions[0]).toEqual({ version: pkg.version, rest: '' });
  });

  it('lists each version once, newest first', () => {
    const numbers = versions.map((v) => v.version.split('.').map(Number));
    for (const n of numbers) expect(n.every((x) => Number.isInteger(x))).toBe(true);
    for (let i = 1; i < numbers.length; i++) {
      const [a, b] = [numbers[i - 1], numbers[i]];
      const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
      expect(cmp, `${versions[i - 1].version} before ${versions[i].version}`).toBeGreaterThan(0);
    }
  });

  it('each section heading is a known one', () => {
    const sections = [...changelog.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    expect(sections.length).toBeGreaterThan(0);
    for (const s of sections) expect(['Breaking', 'Added', 'Changed', 'Fixed', 'Removed', 'Deprecated', 'Security']).toContain(s);
  });
});
