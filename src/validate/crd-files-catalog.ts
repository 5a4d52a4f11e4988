/**
 * CRDs read from files at run time (`cdk8s-model-serving validate --crds`),
 * compiled in process the first time an object of their kind is validated.
 * Kept apart from `catalog.ts` so that synth, which only uses the built-in
 * schemas, never loads the schema compiler.
 */
import * as fs from 'node:fs';
import { ValidateFunction } from 'ajv';
import { readInputText } from '../core/read-input';
import { BuiltinCatalog, CatalogEntry, EntryIndex, KindValidator, SchemaCatalog } from './catalog';
import { compileInProcess } from './schema/ajv-factory';
import { Crd, CrdVersion, crdVersions, readCrdFile } from './schema/crd-file';
import { crdToAjv } from './schema/crd-to-ajv';
import { shareRepeatedSubschemas } from './schema/shared-subschemas';
import { crdSkeleton } from './schema/skeleton-builder';
import { yamlFiles } from './yaml-files';

interface FileEntry extends CatalogEntry {
  readonly version: CrdVersion;
}

/**
 * CRDs read from files at run time (each file, or each `.yaml`/`.yml`/`.json`
 * file in each folder and below it), compiled in process on first use. Built-in
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
    for (const given of paths) {
      const folder = isFolder(given);
      let found = 0;
      for (const file of folder ? crdFilesBelow(given) : [given]) {
        // A folder may hold other files (the apiserver's OpenAPI document, JSON schemas): only files that
        // mention CustomResourceDefinition are parsed, and those without one are skipped.
        if (folder && !readInputText(file).includes('CustomResourceDefinition')) continue;
        const crds = readCrdFile(file);
        if (crds.length === 0) {
          if (folder) continue;
          throw new Error(`${file}: holds no CustomResourceDefinition (apiextensions.k8s.io). Fix: pass CRD files to --crds, and the objects to validate as arguments.`);
        }
        found += crds.length;
        for (const crd of crds) {
          const channel = gatewayApiChannel(crd);
          for (const version of crdVersions(crd)) {
            // Gateway API's standard and experimental channels define the same kinds: both are kept, and
            // --gateway-api-channel chooses between them as for the built-in CRDs.
            const key = `${channel ?? 'standard'} ${version.apiVersion}/${version.kind}`;
            const other = seen.get(key);
            if (other !== undefined) {
              throw new Error(
                `${version.kind} ${version.apiVersion} is defined twice (${other} and ${file}). Fix: give each CRD once; a folder that holds two generations of the same CRDs (such as Kong's 1.x kinds beside kong-operator-v2.0.1/) must be narrowed to the one the cluster runs.`,
              );
            }
            seen.set(key, file);
            entries.push({ apiVersion: version.apiVersion, kind: version.kind, served: version.served, statusSubresource: version.statusSubresource, core: false, source: file, version, channel });
          }
        }
      }
      if (folder && found === 0) throw new Error(`--crds ${given}: no CustomResourceDefinition in the folder or below it. Fix: pass a folder of CRD files, or the files.`);
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

/** The files read in a `--crds` folder. */
const CRD_FILE = /\.(ya?ml|json)$/;

/**
 * The Gateway API channel a CRD belongs to, from the annotation every Gateway
 * API CRD carries; absent for other CRDs and the standard channel.
 *
 * @see https://github.com/kubernetes-sigs/gateway-api/blob/v1.4.0/pkg/consts/consts.go (BundleVersionAnnotation, ChannelAnnotation)
 */
function gatewayApiChannel(crd: Crd): 'experimental' | undefined {
  return crd.metadata?.annotations?.['gateway.networking.k8s.io/channel'] === 'experimental' ? 'experimental' : undefined;
}

/** @throws Error when the path cannot be read */
function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch (err) {
    throw new Error(`cannot read --crds ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * The `.yaml`, `.yml` and `.json` files in a folder and below it, sorted, as
 * `validate` reads its input folders (names starting with `.` skipped, links
 * to folders not followed).
 *
 * @throws Error when an entry named like a CRD file is not a regular file (a
 *   FIFO, device or directory: reading it could block or never end), or the
 *   folder holds no such file
 */
function crdFilesBelow(dir: string): string[] {
  let files: string[];
  try {
    files = yamlFiles([dir], CRD_FILE);
  } catch (err) {
    throw new Error(`--crds: ${err instanceof Error ? err.message.replace(/Fix: pass YAML files or folders of them\./, 'Fix: pass CRD files or folders of them.') : String(err)}`);
  }
  if (files.length === 0) throw new Error(`--crds ${dir}: the folder holds no .yaml, .yml or .json file. Fix: pass a folder of CRD files, or the files.`);
  return files;
}
