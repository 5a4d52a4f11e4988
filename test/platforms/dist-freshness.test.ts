import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthReferencePlatforms } from '../../src/platforms/main';
import { diffDirs, listFiles } from '../dir-compare';

const root = path.resolve(__dirname, '..', '..');

describe('committed dist/', () => {
  it('is exactly what synth produces now (run `npm run synth` and commit dist/ when this fails)', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-fresh-'));
    try {
      const out = path.join(tmp, 'dist');
      synthReferencePlatforms(out);
      expect(listFiles(out).length).toBeGreaterThan(0);
      expect(diffDirs(path.join(root, 'dist'), out)).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('is byte-identical across two synths (deterministic)', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-det-'));
    try {
      synthReferencePlatforms(path.join(tmp, 'a'));
      synthReferencePlatforms(path.join(tmp, 'b'));
      expect(diffDirs(path.join(tmp, 'a'), path.join(tmp, 'b'))).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('contains no Secret with data and no private key material', () => {
    for (const f of listFiles(path.join(root, 'dist'))) {
      const text = fs.readFileSync(path.join(root, 'dist', f), 'utf8');
      expect(/^kind: Secret$/m.test(text) && /^(data|stringData):/m.test(text), f).toBe(false);
      expect(text, f).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    }
  });
});
