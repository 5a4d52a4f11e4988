/**
 * CRDs read from files at run time (`cdk8s-model-serving validate --crds`),
 * compiled in process the first time an object of their kind is validated.
 * Kept apart from `catalog.ts` so that synth, which only uses the built-in
 * schemas, never loads the schema compiler.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValidateFunction } from 'ajv';
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
   * @throws Error when a file cannot be read or parsed, or two files define the same kind and version
   */
  public constructor(
    paths: readonly string[],
    private readonly base: SchemaCatalog = new BuiltinCatalog(),
  ) {
    const entries: FileEntry[] = [];
    const seen = new Map<string, string>();
    for (const file of paths.flatMap(crdFilesIn)) {
      for (const crd of readCrdFile(file)) {
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
      v = { entry, validate: compileInProcess(shareRepeatedSubschemas(crdToAjv(schema))), skeleton: crdSkeleton(schema) };
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

/** A file, or the CRD files directly in a folder (sorted). */
function crdFilesIn(p: string): string[] {
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs
    .readdirSync(p)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => path.join(p, f))
    .filter((f) => fs.statSync(f).isFile());
}
