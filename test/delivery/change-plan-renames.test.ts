/**
 * Renames in a change plan are found by grouping the added objects by
 * platform, kind and content once, not by comparing every removed object
 * with every added one: each removed object, in order, pairs with the first
 * added object left of its platform, kind and content; the same content
 * twice pairs twice, in order; other platforms and kinds never pair.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangePlan, ChangePlanner } from '../../src/delivery/change-plan';
import { fileName, KubeObject } from '../../src/delivery/manifest';
import { toYaml } from '../../src/delivery/yaml';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-renames-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An object whose content is `content` (its `data`, a string here, compared by value). */
const object = (kind: string, name: string, content: string): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'ns' }, data: content });

/** The plan from `before` (written to disk first) to `after`, objects given as [platform, object]. */
function plan(before: ReadonlyArray<readonly [string, KubeObject]>, after: ReadonlyArray<readonly [string, KubeObject]>): ChangePlan {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [p, o] of before) {
    fs.mkdirSync(path.join(dir, p), { recursive: true });
    fs.writeFileSync(path.join(dir, p, fileName(o)), toYaml(o));
  }
  const planner = new ChangePlanner(dir);
  for (const [p, o] of after) planner.object(p, fileName(o), o, toYaml(o));
  return planner.finish();
}

const ids = (p: ChangePlan) => ({
  renamed: p.renamed.map((r) => `${r.from.platform}:${r.from.id} -> ${r.to.platform}:${r.to.id}`),
  added: p.added.map((o) => `${o.platform}:${o.id}`),
  removed: p.removed.map((o) => `${o.platform}:${o.id}`),
});

describe('change plan renames', () => {
  it('pairs the same content twice in order, and never across platforms or kinds', () => {
    const before = [
      ['p', object('ConfigMap', 'a', 'x')],
      ['p', object('ConfigMap', 'b', 'x')],
      ['p', object('Secret', 'c', 'y')],
      ['q', object('ConfigMap', 'd', 'z')],
    ] as const;
    const after = [
      ['p', object('ConfigMap', 'a2', 'x')],
      ['p', object('ConfigMap', 'b2', 'x')],
      ['p', object('ConfigMap', 'c2', 'y')],
      ['p', object('ConfigMap', 'd2', 'z')],
    ] as const;
    expect(ids(plan(before, after))).toEqual({
      renamed: ['p:ConfigMap/ns/a -> p:ConfigMap/ns/a2', 'p:ConfigMap/ns/b -> p:ConfigMap/ns/b2'],
      added: ['p:ConfigMap/ns/c2', 'p:ConfigMap/ns/d2'],
      removed: ['p:Secret/ns/c', 'q:ConfigMap/ns/d'],
    });
  });

  it('finds the renames the pairwise definition finds, for any objects', () => {
    const named = fc.record({ platform: fc.constantFrom('p', 'q'), kind: fc.constantFrom('ConfigMap', 'Secret'), content: fc.constantFrom('x', 'y', 'z') });
    fc.assert(
      fc.property(fc.array(named, { maxLength: 6 }), fc.array(named, { maxLength: 6 }), (olds, news) => {
        const before = olds.map((o, i) => [o.platform, object(o.kind, `old-${i}`, o.content)] as const);
        const after = news.map((o, i) => [o.platform, object(o.kind, `new-${i}`, o.content)] as const);
        // The definition: each removed object (in file order) takes the first added object left with its platform, kind and content.
        const removed = [...before].sort(([p, a], [q, b]) => (p + fileName(a) < q + fileName(b) ? -1 : 1));
        const added = [...after];
        const renamed: string[] = [];
        for (const [p, r] of removed) {
          const i = added.findIndex(([q, a]) => q === p && a.kind === r.kind && a.data === r.data);
          if (i < 0) continue;
          renamed.push(`${p}:${r.kind}/ns/${r.metadata.name} -> ${p}:${added[i][1].kind}/ns/${added[i][1].metadata.name}`);
          added.splice(i, 1);
        }
        expect(ids(plan(before, after)).renamed).toEqual(renamed);
      }),
      { numRuns: 50 },
    );
  });

  it('pairs every object of a large renamed platform', () => {
    const before = Array.from({ length: 1000 }, (_, i) => ['p', object('ConfigMap', `old-${i}`, `c${i % 300}`)] as const);
    const after = Array.from({ length: 1000 }, (_, i) => ['p', object('ConfigMap', `new-${i}`, `c${i % 300}`)] as const);
    const p = plan(before, after);
    expect([p.renamed.length, p.added.length, p.removed.length]).toEqual([1000, 0, 0]);
  });
});
