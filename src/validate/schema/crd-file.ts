/**
 * Reading CustomResourceDefinitions from YAML or JSON files, and listing the
 * validators one CRD defines (one per version).
 */
import { readInputText } from '../../core/read-input';
import { parseYamlDocuments } from '../../core/yaml-input';
import { CrdSchema, isPlainObject } from './json-schema';

/** The fields of a CustomResourceDefinition the validator reads. */
export interface Crd {
  readonly metadata?: { readonly name?: string; readonly annotations?: Readonly<Record<string, string>> };
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
 * 1.1 like the apiserver's decoder; other documents are ignored), each
 * checked for the fields the validator reads.
 *
 * @throws Error when the file cannot be read (not a regular file, over the
 *   size limit), on a YAML syntax error or limit, or when a
 *   CustomResourceDefinition lacks `spec.group`,
 *   `spec.names.kind` or well-formed `spec.versions`
 */
export function readCrdFile(file: string): Crd[] {
  const text = readInputText(file);
  const { docs, lines } = parseYamlDocuments(text, { version: '1.1' });
  const crds: Crd[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const at = lines.linePos(doc.errors[0].pos[0]);
      throw new Error(`${file}:${at.line}:${at.col}: ${doc.errors[0].message.split('\n')[0]}`);
    }
    const obj: unknown = doc.toJS({ maxAliasCount: -1 });
    if (isPlainObject(obj) && obj.kind === 'CustomResourceDefinition' && typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith('apiextensions.k8s.io/')) {
      const problem = crdProblem(obj);
      if (problem !== undefined) {
        const at = lines.linePos(doc.contents?.range?.[0] ?? doc.range[0]);
        const name = isPlainObject(obj.metadata) && typeof obj.metadata.name === 'string' ? ` ${obj.metadata.name}` : '';
        throw new Error(`${file}:${at.line}: CustomResourceDefinition${name}: ${problem}. Fix: pass CRDs as the apiserver accepts them (apiextensions.k8s.io/v1).`);
      }
      crds.push(obj as unknown as Crd);
    }
  }
  return crds;
}

/** What is wrong with the fields of a CRD the validator reads, or undefined. */
function crdProblem(crd: Record<string, unknown>): string | undefined {
  const spec = crd.spec;
  if (!isPlainObject(spec)) return 'spec must be a mapping';
  if (typeof spec.group !== 'string' || spec.group === '') return 'spec.group must be a non-empty string';
  if (!isPlainObject(spec.names) || typeof spec.names.kind !== 'string' || spec.names.kind === '') return 'spec.names.kind must be a non-empty string';
  if (!Array.isArray(spec.versions) || spec.versions.length === 0) return 'spec.versions must be a non-empty list';
  for (const [i, v] of spec.versions.entries()) {
    if (!isPlainObject(v)) return `spec.versions[${i}] must be a mapping`;
    if (typeof v.name !== 'string' || v.name === '') return `spec.versions[${i}].name must be a non-empty string`;
    if (typeof v.served !== 'boolean') return `spec.versions[${i}].served must be true or false`;
    if (v.schema !== undefined && !isPlainObject(v.schema)) return `spec.versions[${i}].schema must be a mapping`;
    const schema = isPlainObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
    if (schema !== undefined && !isPlainObject(schema)) return `spec.versions[${i}].schema.openAPIV3Schema must be a mapping`;
    if (v.subresources !== undefined && !isPlainObject(v.subresources)) return `spec.versions[${i}].subresources must be a mapping`;
  }
  return undefined;
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
