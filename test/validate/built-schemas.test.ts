import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPORT_MODULES } from '../../scripts/import-modules';
import { CORE_SCHEMA, CRD_FOLDERS } from '../../scripts/schema-sources';
import { BuiltinCatalog, builtinSchemasDir, StoredEntry, StoredIndex } from '../../src/validate/catalog';
import { readCompressed } from '../../src/validate/compressed-module';
import { compileRe2 } from '../../src/validate/runtime/re2';
import { crdVersions, readCrdFile } from '../../src/validate/schema/crd-file';
import { validateObject } from '../../src/validate/validator';
import { changed, expectIssue, SHARED, yaml } from './helpers';

/** What `npm run build` generated into `lib/schemas/`. */
const dir = builtinSchemasDir();
const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as StoredIndex;
const crds = path.join(SHARED, 'crds');

describe('built-in schemas', () => {
  it('has a validator for every version of every CRD of the selected folders, none skipped', () => {
    const expected: string[] = [];
    for (const { dir: folder, channel } of CRD_FOLDERS) {
      for (const f of fs.readdirSync(path.join(crds, folder)).filter((n) => /\.ya?ml$/.test(n))) {
        for (const crd of readCrdFile(path.join(crds, folder, f))) {
          for (const v of crdVersions(crd)) expected.push(`${channel ?? 'standard'} ${v.apiVersion}/${v.kind} ${v.served ? 'served' : 'unserved'} ${folder}/${f}`);
        }
      }
    }
    const actual = index.entries.filter((e) => !e.core).map((e) => `${e.channel ?? 'standard'} ${e.apiVersion}/${e.kind} ${e.served ? 'served' : 'unserved'} ${e.source}`);
    expect(actual.sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(150);
  });

  it('covers every kind the library imports, and the core kinds it emits', () => {
    const kinds = new Set(index.entries.map((e) => e.kind));
    for (const sel of IMPORT_MODULES.flatMap((m) => m.crds)) expect(kinds, sel.kind).toContain(sel.kind);
    for (const kind of ['Namespace', 'Service', 'Deployment', 'Secret', 'ConfigMap', 'NetworkPolicy', 'Ingress', 'EndpointSlice', 'ServiceAccount', 'Role', 'RoleBinding', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'CronJob', 'Job']) {
      expect(index.entries.some((e) => e.core && e.kind === kind && e.source === CORE_SCHEMA), kind).toBe(true);
    }
  });

  it('loads every generated validator without ../shared, and every pattern in them is valid RE2', () => {
    const catalog = new BuiltinCatalog(dir);
    const modules = new Map<string, StoredEntry>(index.entries.map((e) => [e.module, e]));
    for (const entry of modules.values()) {
      const loaded = catalog.load(entry);
      expect(typeof loaded.validate, `${entry.kind} ${entry.apiVersion}`).toBe('function');
      expect(loaded.skeleton === undefined, `${entry.kind} skeleton`).toBe(entry.core);
    }
    let patterns = 0;
    for (const file of fs.readdirSync(path.join(dir, 'modules'))) {
      const source = readCompressed(path.join(dir, 'modules', file));
      expect(source, file).not.toMatch(/\.\.\/shared|\/work\//);
      // Patterns compile lazily at run time; compile each one now.
      const engine = /const (func\d+) = require\("[^"]*\/re2\.js"\)\.re2;/.exec(source)?.[1];
      if (engine === undefined) continue;
      for (const m of source.matchAll(new RegExp(`${engine}\\(("(?:[^"\\\\]|\\\\.)*"), "u"\\)`, 'g'))) {
        expect(() => compileRe2(JSON.parse(m[1]) as string), `${file}: ${m[1]}`).not.toThrow();
        patterns++;
      }
    }
    expect(patterns).toBeGreaterThan(500);
  });

  it('checks RE2-only patterns with RE2 semantics', () => {
    // `\-` (rejected by the ECMAScript u flag) in Kong's UUID pattern, before the CEL rule.
    const group = yaml(`
apiVersion: configuration.konghq.com/v1beta1
kind: KongConsumerGroup
metadata: {name: g, namespace: kong}
spec: {name: gold, controlPlaneRef: {type: konnectID, konnectID: 123e4567-e89b-12d3-a456-426614174000}}
`);
    expectIssue(validateObject(group), 'spec.controlPlaneRef', "'konnectID' type is not supported");
    expectIssue(validateObject(changed(group, (o) => (o.spec.controlPlaneRef.konnectID = 'not-a-uuid'))), 'spec.controlPlaneRef.konnectID', 'should match');
    // `(?i)` inline flag in AlertmanagerConfig time intervals.
    const config = yaml(`
apiVersion: monitoring.coreos.com/v1alpha1
kind: AlertmanagerConfig
metadata: {name: c, namespace: monitoring}
spec:
  muteTimeIntervals:
  - name: weekends
    timeIntervals: [{weekdays: [Saturday, sunday], months: [JANUARY]}]
`);
    expect(validateObject(config)).toEqual([]);
    expectIssue(validateObject(changed(config, (o) => (o.spec.muteTimeIntervals[0].timeIntervals[0].weekdays = ['Funday']))), 'spec.muteTimeIntervals[0].timeIntervals[0].weekdays[0]', 'should match');
  });
});
