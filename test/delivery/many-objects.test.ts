/**
 * `writePlatforms` with more objects than one function call takes arguments
 * (spreading 150 000 file names into one `push` overflowed the stack at
 * N = 10000 models): the file list is built, and the write goes on to its
 * next check (here the refused output folder) instead of a RangeError.
 */
import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import type { Manifest } from '../../src/delivery/manifest';
import { PlatformOutput, writePlatforms } from '../../src/delivery/synth';

describe('writePlatforms with 150 000 objects', () => {
  it('lists every file without overflowing the stack', () => {
    const manifests: Manifest[] = Array.from({ length: 150_000 }, (_, i) => ({
      file: `configmap.models.m${i}.yaml`,
      constructPath: `p/m${i}`,
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `m${i}`, namespace: 'models' } },
      waivers: [],
    }));
    const outputs: PlatformOutput[] = [{ name: 'big', manifests, files: { 'README.md': '# big\n' } }];
    let error: unknown;
    try {
      writePlatforms(outputs, { outdir: '/' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelServingError);
    expect((error as Error).message).toMatch(/outdir/);
  });
});
