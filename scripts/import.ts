/**
 * `npm run import`: regenerates `imports/` (the L1 classes) with `cdk8s import`
 * from the pinned CRD files in `../shared/crds`, offline.
 *
 * Each module is one API group under a stable `NAME:=` prefix. Only the kinds
 * and versions the library uses are imported: the CRDs are trimmed to those
 * versions in a temporary folder first, which keeps `imports/` (and the
 * compile) several times smaller than importing every served version; the
 * types repeated inside a module (a PodSpec embedded in five places) are then
 * declared once (`dedupe-imports.ts`).
 *
 * Idempotent: the same CRD files always produce the same `imports/` bytes.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IMPORT_MODULES } from './import-modules';
import { crdsDir, readCrds } from './crd-files';
import { dedupeImportModule } from './dedupe-imports';

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'imports');
const cdk8s = path.join(root, 'node_modules', '.bin', 'cdk8s');

const run = promisify(execFile);

async function main(): Promise<void> {
  const crds = crdsDir(root);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-ms-import-'));
  const staged = path.join(tmp, 'imports');
  try {
    const specs: string[] = [];
    for (const mod of IMPORT_MODULES) {
      const docs: string[] = [];
      for (const sel of mod.crds) {
        const crd = readCrds(path.join(crds, sel.file)).find((c) => c.spec.names.kind === sel.kind);
        if (!crd) throw new Error(`import '${mod.name}': no CRD of kind ${sel.kind} in ${sel.file}`);
        const versions = crd.spec.versions.filter((v) => sel.versions.includes(v.name));
        const missing = sel.versions.filter((v) => !versions.some((x) => x.name === v));
        if (missing.length > 0) throw new Error(`import '${mod.name}': ${sel.kind} has no version(s) ${missing.join(', ')} in ${sel.file}`);
        docs.push(JSON.stringify({ ...crd, spec: { ...crd.spec, versions } }));
      }
      const file = path.join(tmp, `${mod.name}.json`);
      // cdk8s import reads a multi-document YAML stream; JSON documents are valid YAML.
      fs.writeFileSync(file, docs.join('\n---\n'));
      specs.push(`${mod.name}:=${file}`);
    }
    // cdk8s import takes one spec per call; two at a time keeps both cores busy.
    const queue = [...specs];
    const worker = async (): Promise<void> => {
      for (let spec = queue.shift(); spec !== undefined; spec = queue.shift()) {
        await run(cdk8s, ['import', spec, '--language', 'typescript', '--output', staged, '--no-class-prefix', '--no-save', '--no-check-upgrade'], { cwd: tmp });
      }
    };
    await Promise.all([worker(), worker()]);
    // Each repeated shape once (PodSpec copies and the like): see dedupe-imports.ts.
    for (const f of fs.readdirSync(staged).filter((name) => name.endsWith('.ts'))) {
      fs.writeFileSync(path.join(staged, f), dedupeImportModule(fs.readFileSync(path.join(staged, f), 'utf8')));
    }
    fs.rmSync(out, { recursive: true, force: true });
    fs.cpSync(staged, out, { recursive: true });
    for (const f of fs.readdirSync(out).sort()) console.log(`imports/${f}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
