import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { afterAll, expect } from 'vitest';
import { SchemaCatalog } from '../../src/validate/catalog';
import { CrdFilesCatalog } from '../../src/validate/crd-files-catalog';
import { ValidationIssue } from '../../src/validate/issue';
import { builtinCatalog } from '../../src/validate/validator';

/** The project root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** `../shared` beside the project. */
export const SHARED = process.env.CDK8S_MS_CRDS ? path.resolve(process.env.CDK8S_MS_CRDS, '..') : path.resolve(ROOT, '..', 'shared');

/** A Kubernetes object from YAML text. */
export function yaml(text: string): Record<string, any> {
  return parse(text, { version: '1.1' }) as Record<string, any>;
}

/** A deep copy of `base` changed by `change`. */
export function changed<T>(base: T, change: (copy: any) => void): T {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

const tempDirs = new Set<string>();
// Modules are loaded once per test file: this removes the file's folders when its tests are done.
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
});

/** A fresh temporary folder, removed when the test file's tests are done. */
export function tempDir(prefix = 'cdk8s-ms-validate-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** A catalog of the given CustomResourceDefinitions (written to a temporary folder) plus the built-in core kinds. */
export function crdCatalog(...crds: object[]): SchemaCatalog {
  const dir = tempDir('cdk8s-ms-crds-');
  crds.forEach((crd, i) => fs.writeFileSync(path.join(dir, `crd-${i}.json`), JSON.stringify(crd)));
  return new CrdFilesCatalog([dir], builtinCatalog());
}

/** A namespaced CRD `Widget` of group `example.com`, version `v1`, with the given root schema. */
export function widgetCrd(schema: object, extra: { subresources?: object; served?: boolean } = {}): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: extra.served ?? true, storage: true, schema: { openAPIV3Schema: schema }, ...(extra.subresources ? { subresources: extra.subresources } : {}) }],
    },
  };
}

/** A Widget object with the given spec. */
export function widget(spec: unknown, name = 'w'): Record<string, unknown> {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: 'default' }, spec };
}

/** Asserts that `issues` has one at `path` whose message contains `message`. */
export function expectIssue(issues: readonly ValidationIssue[], path: string, message: string): void {
  const found = issues.some((i) => i.path === path && i.message.includes(message));
  expect(found, `expected an issue at '${path}' containing '${message}', got:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n') || '  (none)'}`).toBe(true);
}
