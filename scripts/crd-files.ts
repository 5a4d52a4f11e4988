/** Reading the pinned upstream CRD files in `../shared/crds` (shared by the import and schema scripts). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
  readonly schema?: { readonly openAPIV3Schema?: Record<string, unknown> };
  readonly [key: string]: unknown;
}

export interface Crd {
  readonly apiVersion: string;
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string; readonly [key: string]: unknown };
  readonly spec: {
    readonly group: string;
    readonly scope: 'Namespaced' | 'Cluster';
    readonly names: { readonly kind: string; readonly plural: string; readonly [key: string]: unknown };
    readonly versions: readonly CrdVersion[];
    readonly [key: string]: unknown;
  };
}

/** The `../shared/crds` folder next to the project checkout; `CDK8S_MS_CRDS` overrides it. */
export function crdsDir(projectRoot: string): string {
  const dir = process.env.CDK8S_MS_CRDS ?? path.resolve(projectRoot, '..', 'shared', 'crds');
  if (!fs.existsSync(dir)) {
    throw new Error(`CRD folder not found: ${dir}. Check out ../shared beside the project or set CDK8S_MS_CRDS.`);
  }
  return dir;
}

/** Every CustomResourceDefinition in a (multi-document, possibly YAML 1.1) file. */
export function readCrds(file: string): Crd[] {
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1' });
  const crds: Crd[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const obj = doc.toJS({ maxAliasCount: -1 }) as Crd | null;
    if (obj && obj.kind === 'CustomResourceDefinition') crds.push(obj);
  }
  return crds;
}
