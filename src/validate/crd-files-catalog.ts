/**
 * CRDs read from files at run time (`cdk8s-model-serving validate --crds`),
 * compiled in process the first time an object of their kind is validated.
 * Kept apart from `catalog.ts` so that synth, which only uses the built-in
 * schemas, never loads the schema compiler.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValidateFunction } from 'ajv';
import { fileType } from '../core/read-input';
import { BuiltinCatalog, CatalogEntry, EntryIndex, KindValidator, SchemaCatalog } from './catalog';
import { compileInProcess } from './schema/ajv-factory';
import { CrdVersion, crdVersions, readCrdFile } from './schema/crd-file';
import { crdToAjv } from './schema/crd-to-ajv';
import { shareRepeatedSubschemas } from './schema/shared-subschemas';
import { crdSkeleton } from './schema/skeleton-builder';

interface FileEntry extends CatalogEntry {
  readonly version: CrdVersion;
}

/**
 * CRDs read from files at run time (each file, or each `.yaml`/`.yml`/`.json`
 * file directly in each folder), compiled in process on first use. Built-in
 * kinds and ObjectMeta still come from `base`; the CRDs of `base` are not
 * used.
 */
export class CrdFilesCatalog implements SchemaCatalog {
  private readonly index: EntryIndex<FileEntry>;
  private readonly loaded = new Map<FileEntry, KindValidator>();

  /**
   * @throws Error when a file cannot be read or parsed, holds no
   *   CustomResourceDefinition or a malformed one, a folder holds no CRD
   *   file, or two files define the same kind and version
   */
  public constructor(
    paths: readonly string[],
    private readonly base: SchemaCatalog = new BuiltinCatalog(),
  ) {
    const entries: FileEntry[] = [];
    const seen = new Map<string, string>();
    for (const file of paths.flatMap(crdFilesIn)) {
      const crds = readCrdFile(file);
      if (crds.length === 0) throw new Error(`${file}: holds no CustomResourceDefinition (apiextensions.k8s.io). Fix: pass CRD files to --crds, and the objects to validate as arguments.`);
      for (const crd of crds) {
        for (const version of crdVersions(crd)) {
          const key = `${version.apiVersion}/${version.kind}`;
          const other = seen.get(key);
          if (other !== undefined) throw new Error(`${version.kind} ${version.apiVersion} is defined twice (${other} and ${file}). Fix: give each CRD once.`);
          seen.set(key, file);
          entries.push({ apiVersion: version.apiVersion, kind: version.kind, served: version.served, statusSubresource: version.statusSubresource, core: false, source: file, version });
        }
      }
    }
    this.index = new EntryIndex(entries);
  }

  public entries(apiVersion: string, kind: string): readonly CatalogEntry[] {
    const own = this.index.entries(apiVersion, kind);
    return own.length > 0 ? own : this.base.entries(apiVersion, kind).filter((e) => e.core);
  }

  public versions(group: string, kind: string): readonly string[] {
    const own = this.index.versions(group, kind);
    if (own.length > 0) return own;
    return this.base.versions(group, kind).filter((v) => this.base.entries(group === '' ? v : `${group}/${v}`, kind).some((e) => e.core));
  }

  public load(entry: CatalogEntry): KindValidator {
    if (entry.core) return this.base.load(entry);
    const fileEntry = entry as FileEntry;
    let v = this.loaded.get(fileEntry);
    if (v === undefined) {
      const schema = fileEntry.version.schema;
      let validate: ValidateFunction;
      try {
        validate = compileInProcess(shareRepeatedSubschemas(crdToAjv(schema)));
      } catch (err) {
        // Name the CRD file: the schema of a --crds file is the user's (an invalid or over-long RE2 pattern).
        throw new Error(`--crds ${fileEntry.source}: the schema of ${fileEntry.kind} ${fileEntry.apiVersion} cannot be compiled: ${err instanceof Error ? err.message : String(err)}`);
      }
      v = { entry, validate, skeleton: crdSkeleton(schema) };
      this.loaded.set(fileEntry, v);
    }
    return v;
  }

  public metadata(): ValidateFunction {
    return this.base.metadata();
  }

  /** Results are not cached: the CRD files may change between runs. */
  public identity(): undefined {
    return undefined;
  }
}

/**
 * A file, or the CRD files directly in a folder (sorted).
 *
 * @throws Error when the path cannot be read, a folder holds no CRD file, or
 *   an entry named like a CRD file is not a regular file (a FIFO, device or
 *   directory: reading it could block or never end)
 */
function crdFilesIn(p: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch (err) {
    throw new Error(`cannot read --crds ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (!stat.isDirectory()) return [p];
  const files = fs
    .readdirSync(p)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => path.join(p, f));
  for (const f of files) {
    const s = fs.statSync(f);
    if (!s.isFile()) throw new Error(`cannot read --crds ${f}: it is ${fileType(s)}, not a regular file. Fix: pass CRD files or folders of them.`);
  }
  if (files.length === 0) throw new Error(`--crds ${p}: the folder holds no .yaml, .yml or .json file. Fix: pass a folder of CRD files, or the files.`);
  return files;
}
