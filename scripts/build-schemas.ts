/**
 * `npm run build` (after `tsc`): generates the built-in validators into
 * `lib/schemas/` from the pinned CRDs in `../shared/crds` and the Kubernetes
 * OpenAPI document, so that the published package validates without
 * `../shared`:
 *
 * - `modules/<id>.js.br`: one ajv standalone validator per distinct schema
 *   (every served or unserved version of every CRD, every creatable core
 *   kind, ObjectMeta), named by a hash of its schema and of this generator,
 *   Brotli-compressed (`src/validate/compressed-module.ts`: 20 times smaller);
 * - `skeletons/<id>.json.br`: the structure used for null pruning, list types
 *   and CEL rules, compressed the same way;
 * - `index.json`: which apiVersion/kind uses which module;
 * - `cache/<key>.json`: what each input file produced, keyed by a hash of
 *   the file and of the generator, so an unchanged file is not even parsed.
 *
 * Any CRD version that does not compile fails the build: a skipped CRD would
 * be a silent pass. It also bundles the CEL runtime (`scripts/bundle-cel.ts`)
 * and turns the compiled L1 modules into lazy facades (`scripts/lazy-imports.ts`).
 * Nothing here is written outside `lib/`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoredEntry, StoredIndex } from '../src/validate/catalog';
import { compressText } from '../src/validate/compressed-module';
import { createAjv, standaloneModule } from '../src/validate/schema/ajv-factory';
import { coreToAjv, creatableKinds, OBJECT_META, SwaggerDocument } from '../src/validate/schema/core-to-ajv';
import { crdVersions, readCrdFile } from '../src/validate/schema/crd-file';
import { crdToAjv } from '../src/validate/schema/crd-to-ajv';
import { AjvSchema } from '../src/validate/schema/json-schema';
import { shareRepeatedSubschemas } from '../src/validate/schema/shared-subschemas';
import { packSkeleton } from '../src/validate/schema/skeleton';
import { crdSkeleton } from '../src/validate/schema/skeleton-builder';
import { bundleCel } from './bundle-cel';
import { bundleSecretlint } from './bundle-secretlint';
import { CORE_SCHEMA, CRD_FOLDERS } from './schema-sources';
import { crdsDir } from './crd-files';
import { IMPORT_MODULES } from './import-modules';
import { lazyImports } from './lazy-imports';

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'lib', 'schemas');

/** Generated modules load the runtime helpers from `lib/src/validate/runtime/` by these paths. */
const STANDALONE = { formatsModule: '../../src/validate/runtime/formats.js', re2Module: '../../src/validate/runtime/re2.js' };

/** What one input file produced. */
interface FileResult {
  readonly entries: StoredEntry[];
  readonly metadataModule?: string;
}

interface Stats {
  compiled: number;
  cachedFiles: number;
}

function sha(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/** Hash of everything that shapes the output besides the input files: generator sources and library versions. */
function generatorFingerprint(): string {
  const sources = [path.join(root, 'scripts', 'build-schemas.ts'), path.join(root, 'src', 'validate', 'compressed-module.ts')];
  for (const dir of ['src/validate/schema', 'src/validate/runtime']) {
    for (const f of fs.readdirSync(path.join(root, dir)).sort()) sources.push(path.join(root, dir, f));
  }
  const versions = ['ajv', 'ajv-formats', '@bufbuild/re2'].map((p) => `${p}@${(JSON.parse(fs.readFileSync(path.join(root, 'node_modules', p, 'package.json'), 'utf8')) as { version: string }).version}`);
  return sha(...versions, ...sources.map((f) => `${path.relative(root, f)}:${fs.readFileSync(f, 'utf8')}`));
}

/** Every file below `dir`, sorted. */
function filesBelow(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((d) => (d.isDirectory() ? filesBelow(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

/** Hash of the validator sources and the libraries they run on: cached validation results depend on it. */
function runtimeFingerprint(): string {
  const versions = ['ajv', 'ajv-formats', '@bufbuild/cel', '@bufbuild/protobuf', '@bufbuild/re2', 'yaml'].map((p) => `${p}@${(JSON.parse(fs.readFileSync(path.join(root, 'node_modules', p, 'package.json'), 'utf8')) as { version: string }).version}`);
  return sha(...versions, ...filesBelow(path.join(root, 'src', 'validate')).map((f) => `${path.relative(root, f)}:${fs.readFileSync(f, 'utf8')}`)).slice(0, 24);
}

function writeAtomic(file: string, content: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** Writes the module of an ajv schema unless it exists; returns its id. */
function emitModule(schema: AjvSchema, fingerprint: string, stats: Stats): string {
  const id = sha(fingerprint, JSON.stringify(schema)).slice(0, 24);
  const file = path.join(out, 'modules', `${id}.js.br`);
  if (!fs.existsSync(file)) {
    writeAtomic(file, compressText(standaloneModule(createAjv(STANDALONE), schema)));
    stats.compiled++;
  }
  return id;
}

function emitSkeleton(packed: unknown): string {
  const text = JSON.stringify(packed);
  const id = sha(text).slice(0, 24);
  const file = path.join(out, 'skeletons', `${id}.json.br`);
  if (!fs.existsSync(file)) writeAtomic(file, compressText(text));
  return id;
}

function crdFileResult(file: string, source: string, channel: 'experimental' | undefined, fingerprint: string, stats: Stats): FileResult {
  const entries: StoredEntry[] = [];
  for (const crd of readCrdFile(file)) {
    for (const v of crdVersions(crd)) {
      let module: string;
      try {
        module = emitModule(shareRepeatedSubschemas(crdToAjv(v.schema)), fingerprint, stats);
      } catch (err) {
        throw new Error(`${source}: ${v.kind} ${v.apiVersion} does not compile: ${err instanceof Error ? err.message : String(err)}`);
      }
      const skeleton = emitSkeleton(packSkeleton(crdSkeleton(v.schema)));
      entries.push({ apiVersion: v.apiVersion, kind: v.kind, ...(channel ? { channel } : {}), served: v.served, statusSubresource: v.statusSubresource, core: false, source, module, skeleton });
    }
  }
  return { entries };
}

function coreFileResult(file: string, source: string, fingerprint: string, stats: Stats): FileResult {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as SwaggerDocument;
  const entries: StoredEntry[] = creatableKinds(doc).map((k) => ({
    apiVersion: k.apiVersion,
    kind: k.kind,
    served: true,
    statusSubresource: false,
    core: true,
    source,
    module: emitModule(coreToAjv(doc, k.definition), fingerprint, stats),
  }));
  return { entries, metadataModule: emitModule(coreToAjv(doc, OBJECT_META), fingerprint, stats) };
}

/**
 * The result for a file from the cache, or computed and cached.
 *
 * @param used collects the names of the cache files in use
 */
function fileResult(file: string, source: string, fingerprint: string, stats: Stats, used: Set<string>, compute: () => FileResult): FileResult {
  const name = `${sha(fingerprint, source, fs.readFileSync(file, 'utf8')).slice(0, 32)}.json`;
  used.add(name);
  const cacheFile = path.join(out, 'cache', name);
  if (fs.existsSync(cacheFile)) {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as FileResult;
    const complete = cached.entries.every((e) => fs.existsSync(path.join(out, 'modules', `${e.module}.js.br`)) && (e.skeleton === undefined || fs.existsSync(path.join(out, 'skeletons', `${e.skeleton}.json.br`))));
    if (complete && (cached.metadataModule === undefined || fs.existsSync(path.join(out, 'modules', `${cached.metadataModule}.js.br`)))) {
      stats.cachedFiles++;
      return cached;
    }
  }
  const result = compute();
  writeAtomic(cacheFile, JSON.stringify(result));
  return result;
}

/** Fails when a CRD file the library imports is not in {@link CRD_FOLDERS}. */
function checkImportedGroupsCovered(): void {
  const folders = new Set(CRD_FOLDERS.map((f) => f.dir));
  for (const mod of IMPORT_MODULES) {
    for (const sel of mod.crds) {
      if (!folders.has(path.dirname(sel.file))) throw new Error(`build-schemas: ${sel.file} (imported as '${mod.name}') is not in CRD_FOLDERS: its objects would have no validator.`);
    }
  }
}

/** Removes generated files nothing refers to any more. */
function removeStale(folder: string, keep: ReadonlySet<string>): void {
  for (const f of fs.readdirSync(path.join(out, folder))) {
    if (!keep.has(f)) fs.rmSync(path.join(out, folder, f), { force: true });
  }
}

function main(): void {
  const started = Date.now();
  checkImportedGroupsCovered();
  const crds = crdsDir(root);
  for (const folder of ['modules', 'skeletons', 'cache']) fs.mkdirSync(path.join(out, folder), { recursive: true });
  const fingerprint = generatorFingerprint();
  const stats: Stats = { compiled: 0, cachedFiles: 0 };
  const entries: StoredEntry[] = [];
  const usedCache = new Set<string>();
  const track = (file: string, source: string, compute: () => FileResult): FileResult => fileResult(file, source, fingerprint, stats, usedCache, compute);

  for (const { dir, channel } of CRD_FOLDERS) {
    const folder = path.join(crds, dir);
    for (const f of fs.readdirSync(folder).filter((name) => /\.ya?ml$/.test(name)).sort()) {
      const source = `${dir}/${f}`;
      entries.push(...track(path.join(folder, f), source, () => crdFileResult(path.join(folder, f), source, channel, fingerprint, stats)).entries);
    }
  }
  const core = track(path.join(crds, CORE_SCHEMA), CORE_SCHEMA, () => coreFileResult(path.join(crds, CORE_SCHEMA), CORE_SCHEMA, fingerprint, stats));
  entries.push(...core.entries);
  if (core.metadataModule === undefined) throw new Error('build-schemas: no ObjectMeta validator');

  const seen = new Map<string, string>();
  for (const e of entries) {
    const key = `${e.channel ?? 'standard'} ${e.apiVersion}/${e.kind}`;
    const other = seen.get(key);
    if (other !== undefined) throw new Error(`build-schemas: ${e.kind} ${e.apiVersion} is defined by both ${other} and ${e.source}`);
    seen.set(key, e.source);
  }

  const index: StoredIndex = { format: 1, generator: fingerprint, runtime: runtimeFingerprint(), metadataModule: core.metadataModule, entries };
  writeAtomic(path.join(out, 'index.json'), `${JSON.stringify(index, null, 1)}\n`);
  removeStale('modules', new Set([...entries.map((e) => `${e.module}.js.br`), `${core.metadataModule}.js.br`]));
  removeStale('skeletons', new Set(entries.flatMap((e) => (e.skeleton ? [`${e.skeleton}.json.br`] : []))));
  removeStale('cache', usedCache);
  const bundled = bundleCel(root);
  const secretlintBundled = bundleSecretlint(root);
  const facades = lazyImports(root);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`schemas: ${entries.length} validators (${stats.compiled} modules generated, ${stats.cachedFiles} files cached${bundled ? ', CEL runtime bundled' : ''}${secretlintBundled ? ', secretlint preset bundled' : ''}${facades > 0 ? `, ${facades} L1 modules made lazy` : ''}) in ${seconds}s`);
}

main();
