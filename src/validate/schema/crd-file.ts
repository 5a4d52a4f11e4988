/**
 * Reading CustomResourceDefinitions from YAML or JSON files, and listing the
 * validators one CRD defines (one per version).
 */
import * as fs from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { CrdSchema, isPlainObject } from './json-schema';

/** The fields of a CustomResourceDefinition the validator reads. */
export interface Crd {
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string };
    readonly versions: ReadonlyArray<{
      readonly name: string;
      readonly served: boolean;
      readonly schema?: { readonly openAPIV3Schema?: CrdSchema };
      readonly subresources?: { readonly status?: unknown };
    }>;
  };
}

/** One version of one CRD: what a validator is built from. */
export interface CrdVersion {
  readonly apiVersion: string;
  readonly kind: string;
  readonly served: boolean;
  /** With a status subresource, the apiserver ignores `status` on create. */
  readonly statusSubresource: boolean;
  readonly schema: CrdSchema;
}

/**
 * Every CustomResourceDefinition in a file (multi-document YAML, read as YAML
 * 1.1 like the apiserver's decoder; other documents are ignored).
 *
 * @throws Error on a YAML syntax error
 */
export function readCrdFile(file: string): Crd[] {
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1' });
  const crds: Crd[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const obj: unknown = doc.toJS({ maxAliasCount: -1 });
    if (isPlainObject(obj) && obj.kind === 'CustomResourceDefinition' && typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith('apiextensions.k8s.io/')) crds.push(obj as unknown as Crd);
  }
  return crds;
}

/**
 * The versions of a CRD, each with its own schema.
 *
 * @throws Error when a version has no `openAPIV3Schema` (the apiserver
 *   requires one for `apiextensions.k8s.io/v1`; validating without it would
 *   accept anything)
 */
export function crdVersions(crd: Crd): CrdVersion[] {
  const { group, names, versions } = crd.spec;
  return versions.map((v) => {
    const schema = v.schema?.openAPIV3Schema;
    if (schema === undefined) throw new Error(`CRD ${names.kind}.${group} version ${v.name} has no openAPIV3Schema`);
    return {
      apiVersion: `${group}/${v.name}`,
      kind: names.kind,
      served: v.served,
      statusSubresource: v.subresources?.status !== undefined,
      schema,
    };
  });
}
