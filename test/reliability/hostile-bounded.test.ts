/**
 * Hostile input to the readers (the `validate` CLI, `--crds`, catalog
 * files): bounded work and clear errors. No input hangs, crashes the process
 * or is read without bound; every refusal names the file, the line where
 * there is one, and the limit.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_INVALID, EXIT_USAGE, EXIT_VALID } from '../../src/cli/run';
import { MAX_INPUT_BYTES } from '../../src/core/read-input';
import { MAX_ALIAS_NODES, MAX_YAML_DEPTH, MAX_YAML_DOCUMENTS, MAX_YAML_TOKENS } from '../../src/core/yaml-input';
import { loadCatalog, parseCatalog } from '../../src/platform/catalog-loader';
import { ModelServingError } from '../../src/core/errors';
import { OpaAuthorizer } from '../../src/policy/opa-authorizer';
import { BASE } from '../platform/fixtures';
import { setup } from '../util';
import { VALID } from '../validate/fixtures';
import { ROOT, widgetCrd } from '../validate/helpers';
import { catalogError, cli } from './hostile-helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-bounded-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let count = 0;
const dir = (): string => fs.mkdtempSync(path.join(tmp, `d${++count}-`));


function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function mkfifo(file: string): string {
  const r = spawnSync('mkfifo', [file]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${String(r.stderr)}`);
  return file;
}


/** The 1-based line of the first `needle` in `text`. */
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

/** A "billion laughs" document: 10 levels of 10 aliases each. */
const BOMB = ['a0: &a0 [lol]', ...Array.from({ length: 10 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`)].join('\n') + '\n';

/** Collections nested `n` levels (flow style). */
const nested = (n: number): string => `${'['.repeat(n)}1${']'.repeat(n)}\n`;

describe('validate reads only regular files, within bounds', () => {
  it('refuses a FIFO given as a file with exit 2, without blocking on it', () => {
    const fifo = mkfifo(path.join(dir(), 'pipe.yaml'));
    const r = cli('validate', fifo);
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err).toEqual([`cdk8s-model-serving validate: cannot read ${fifo}: it is a FIFO (named pipe), not a regular file. Fix: pass YAML files or folders of them.`]);
  });

  it('refuses a FIFO named like a YAML file inside a folder with exit 2', () => {
    const d = dir();
    write(path.join(d, 'a.yaml'), stringify(VALID.namespace));
    mkfifo(path.join(d, 'b.yaml'));
    const r = cli('validate', d);
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err.join('\n')).toMatch(/b\.yaml: it is a FIFO \(named pipe\), not a regular file\. Fix: pass YAML files or folders of them\./);
  });

  it('refuses a character device with exit 2 instead of reading it without end', () => {
    const r = cli('validate', '/dev/zero');
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err).toEqual(['cdk8s-model-serving validate: cannot read /dev/zero: it is a character device, not a regular file. Fix: pass YAML files or folders of them.']);
  });

  it('refuses a directory named like a YAML file with exit 2', () => {
    const d = dir();
    fs.mkdirSync(path.join(d, 'objects.yaml'));
    const given = cli('validate', path.join(d, 'objects.yaml'));
    expect(given.status).toBe(EXIT_USAGE);
    expect(given.err.join('\n')).toContain('objects.yaml: it is a directory, not a regular file');
    write(path.join(d, 'ns.yaml'), stringify(VALID.namespace));
    const inFolder = cli('validate', d);
    expect(inFolder.status).toBe(EXIT_USAGE);
    expect(inFolder.err.join('\n')).toContain('objects.yaml: it is a directory, not a regular file');
  });

  it(`refuses a file over ${MAX_INPUT_BYTES} bytes with exit 2, naming the limit`, () => {
    const file = path.join(dir(), 'huge.yaml');
    fs.writeFileSync(file, `# ${'x'.repeat(MAX_INPUT_BYTES)}\n`);
    const r = cli('validate', file);
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err.join('\n')).toContain(`${file}: is larger than ${MAX_INPUT_BYTES} bytes (8 MiB), the most read from one input file`);
  });

  it('reads a folder linked into itself once', () => {
    const d = dir();
    write(path.join(d, 'sub', 'ns.yaml'), stringify(VALID.namespace));
    fs.symlinkSync('..', path.join(d, 'sub', 'loop'));
    fs.symlinkSync(d, path.join(d, 'self'));
    const r = cli('validate', d);
    expect(r.err).toEqual(['1 object(s) in 1 file(s): all valid']);
    expect(r.status).toBe(EXIT_VALID);
  });
});

describe('validate exits non-zero when nothing was validated', () => {
  it('an empty folder', () => {
    const d = dir();
    const r = cli('validate', d);
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err).toEqual([`cdk8s-model-serving validate: no .yaml or .yml file in ${d}. Fix: pass the folder or files of the manifests (e.g. dist/).`]);
  });

  it('a folder without YAML files', () => {
    const d = dir();
    write(path.join(d, 'README.md'), '# manifests\n');
    write(path.join(d, 'sub', 'notes.txt'), 'apiVersion: v1\n');
    const r = cli('validate', d);
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err[0]).toContain(`no .yaml or .yml file in ${d}`);
  });

  it('YAML files without any object (empty documents, kustomization files)', () => {
    const d = dir();
    write(path.join(d, 'empty.yaml'), '---\n# nothing\n---\n');
    write(path.join(d, 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [] }));
    const r = cli('validate', d);
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err).toEqual(['cdk8s-model-serving validate: no Kubernetes object in 2 file(s) (only empty documents or kustomization files). Fix: pass the files that hold the manifests.']);
  });

  it('nothing readable (a missing path)', () => {
    const missing = path.join(dir(), 'missing');
    const r = cli('validate', missing);
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err).toEqual([`cdk8s-model-serving validate: cannot read ${missing}: ENOENT. Fix: check the path (a symbolic link must point at an existing file or folder).`]);
  });
});

describe('--crds files must hold well-formed CRDs', () => {
  const objects = (): string => write(path.join(dir(), 'ns.yaml'), stringify(VALID.namespace));

  it('a file without any CustomResourceDefinition is an error (exit 2)', () => {
    const notCrd = write(path.join(dir(), 'not-a-crd.yaml'), stringify(VALID.namespace));
    const r = cli('validate', '--crds', notCrd, objects());
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err).toEqual([`cdk8s-model-serving validate: ${notCrd}: holds no CustomResourceDefinition (apiextensions.k8s.io). Fix: pass CRD files to --crds, and the objects to validate as arguments.`]);
  });

  it('a CRD without versions is an error naming file and line (exit 2), not a TypeError', () => {
    const crd = widgetCrd({ type: 'object' }) as { spec: Record<string, unknown> };
    const broken = { ...crd, spec: { ...crd.spec, versions: 'v1' } };
    const text = `${stringify(VALID.namespace)}---\n${stringify(broken)}`;
    const file = write(path.join(dir(), 'crds.yaml'), text);
    const r = cli('validate', '--crds', file, objects());
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err[0]).toMatch(new RegExp(`^cdk8s-model-serving validate: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${lineOf(text, 'apiVersion: apiextensions')}: CustomResourceDefinition widgets\\.example\\.com: spec\\.versions must be a non-empty list\\. Fix: `));
  });

  it('a CRD whose schema is not a mapping is an error (exit 2)', () => {
    const crd = widgetCrd({ type: 'object' }) as { spec: { versions: Array<Record<string, unknown>> } };
    const broken = { ...crd, spec: { ...crd.spec, versions: [{ ...crd.spec.versions[0], schema: { openAPIV3Schema: 'object' } }] } };
    const file = write(path.join(dir(), 'crds.yaml'), stringify(broken));
    const r = cli('validate', '--crds', file, objects());
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err[0]).toContain(`${file}:1: CustomResourceDefinition widgets.example.com: spec.versions[0].schema.openAPIV3Schema must be a mapping`);
  });

  it('a folder without CRD files, and a FIFO among CRD files, are errors (exit 2)', () => {
    const empty = dir();
    expect(cli('validate', '--crds', empty, objects())).toMatchObject({ status: EXIT_USAGE, err: [`cdk8s-model-serving validate: --crds ${empty}: the folder holds no .yaml, .yml or .json file. Fix: pass a folder of CRD files, or the files.`] });
    const withFifo = dir();
    mkfifo(path.join(withFifo, 'crd.yaml'));
    const r = cli('validate', '--crds', withFifo, objects());
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err[0]).toContain('crd.yaml: it is a FIFO (named pipe), not a regular file');
  });
});

describe('YAML bombs, deep nesting and wide mappings', () => {
  it('validate reports a billion-laughs document with file, line of the alias and the limit (exit 1)', () => {
    const text = `${stringify(VALID.namespace)}---\n${BOMB}`;
    const file = write(path.join(dir(), 'bomb.yaml'), text);
    const r = cli('validate', file);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out).toEqual([
      expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\?/\\?: YAML limit at line ${lineOf(text, 'a6:')}, column \\d+: Alias \\*a5 expands the file past ${MAX_ALIAS_NODES} nodes made by aliases \\(the limit of alias expansion, against YAML bombs\\)$`)),
    ]);
  });

  it('a catalog bomb is a CatalogError at the alias with the limit and a fix the catalog can express', () => {
    const text = `${BASE}extra:\n${BOMB.replace(/^/gm, '  ').trimEnd()}\n`;
    const err = catalogError(() => parseCatalog(text, 'catalog.yaml'));
    const line = lineOf(text, '  a6:');
    expect(err.message).toMatch(new RegExp(`^catalog\\.yaml:${line}:\\d+: \\(syntax\\): is beyond a limit of the catalog format: Alias \\*a5 expands the file past ${MAX_ALIAS_NODES} nodes made by aliases`));
    expect(err.fix).toBe(`write the repeated value out, or anchor a larger block once instead of aliases of aliases (aliases may add at most ${MAX_ALIAS_NODES} nodes)`);
  });

  it('a catalog that uses one anchor 120 times loads (no "Excessive alias count")', () => {
    const models = Array.from(
      { length: 120 },
      (_, i) => `  - name: m${i}\n    format: sklearn\n    storageUri: gs://models/m${i}\n    resources: ${i === 0 ? '&res ' : '*res'}${i === 0 ? '\n      requests: { cpu: 100m, memory: 256Mi }\n      limits: { cpu: "1", memory: 1Gi }' : ''}\n    metadata:\n      auth.type: jwt\n      auth.required: "true"\n      auth.issuer: auth`,
    );
    const text = `${BASE.replace(/\nmodels:[\s\S]*$/, '\n')}models:\n${models.join('\n')}\n`;
    const { catalog } = parseCatalog(text, 'catalog.yaml');
    expect(catalog.models).toHaveLength(120);
    expect(catalog.models?.[119].resources).toEqual(catalog.models?.[0].resources);
  });

  it('an alias inside the node it names (a cycle) is refused with its line, not a stack overflow', () => {
    const text = `${BASE}extra: &loop\n  again: *loop\n`;
    const err = catalogError(() => parseCatalog(text, 'catalog.yaml'));
    expect(err.message).toContain(`catalog.yaml:${lineOf(text, '  again: *loop')}:10: (syntax): is not valid YAML: Alias *loop is inside the node it names (a cycle)`);
    const file = write(path.join(dir(), 'cycle.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: x\n  labels: *m\n');
    const r = cli('validate', file);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out).toEqual([`${file}: ?/?: YAML syntax error at line 5, column 11: Alias *m is inside the node it names (a cycle)`]);
  });

  // 4 million '[': parsing stops at the first collection over the limit instead of reading them all (23 s before).
  it(`nesting deeper than ${MAX_YAML_DEPTH} levels is refused with its line; ${MAX_YAML_DEPTH} levels are read`, () => {
    const d = dir();
    const deepText = `${stringify(VALID.namespace)}---\nkind: ConfigMap\nx: ${nested(4_000_000)}`;
    const deep = write(path.join(d, 'deep.yaml'), deepText);
    const r = cli('validate', deep);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out).toEqual([`${deep}: ?/?: YAML limit at line ${lineOf(deepText, 'x: [')}, column ${3 + MAX_YAML_DEPTH}: Collections nest more than ${MAX_YAML_DEPTH} levels deep here (the limit of nesting)`]);
    const block = `${BASE}extra:\n${Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} x\n`;
    const err = catalogError(() => parseCatalog(block, 'catalog.yaml'));
    expect(err.message).toMatch(new RegExp(`^catalog\\.yaml:${lineOf(block, `k${MAX_YAML_DEPTH - 1}:`)}:\\d+: \\(syntax\\): is beyond a limit of the catalog format: Collections nest more than ${MAX_YAML_DEPTH} levels`));
    expect(err.fix).toBe(`flatten the nesting (at most ${MAX_YAML_DEPTH} levels)`);
    // At the limit: read (and validated as any other object).
    const atLimit = write(path.join(d, 'ok.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: deep, namespace: models }\nbinaryData: ${nested(MAX_YAML_DEPTH - 1)}`);
    const ok = cli('validate', atLimit);
    expect(ok.status).toBe(EXIT_INVALID);
    expect(ok.out.join('\n')).toContain('ConfigMap/deep: binaryData');
  });

  it(`a file of more than ${MAX_YAML_DOCUMENTS} documents is refused at the first one over (8 MiB of '---' took 25 s and 3 GB)`, () => {
    const file = write(path.join(dir(), 'docs.yaml'), '---\n'.repeat(2_000_000));
    const r = cli('validate', file);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out).toEqual([`${file}: ?/?: YAML limit at line ${MAX_YAML_DOCUMENTS + 1}, column 1: The file holds more than ${MAX_YAML_DOCUMENTS} documents (the limit of documents in one file)`]);
    const err = catalogError(() => parseCatalog(`${BASE}${'---\n'.repeat(MAX_YAML_DOCUMENTS + 1)}`, 'catalog.yaml'));
    expect(err.fix).toBe('keep one document (one catalog) per file');
  });

  it(`a file of more than ${MAX_YAML_TOKENS} YAML tokens is refused where it crosses the limit (8 MiB of '1,' took 42 s and 3.5 GB)`, () => {
    const file = write(path.join(dir(), 'dense.yaml'), `apiVersion: v1\nkind: ConfigMap\nx: [${'1,'.repeat(1_100_000)}1]\n`);
    const r = cli('validate', file);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out).toEqual([expect.stringMatching(new RegExp(`: \\?/\\?: YAML limit at line 3, column \\d+: The file holds more than ${MAX_YAML_TOKENS} YAML tokens by here \\(the limit of tokens in one file\\)$`))]);
  });

  // The yaml library's own duplicate-key check compares each key with every earlier one: 100 000 keys took 50 s.
  const keys = Array.from({ length: 100_000 }, (_, i) => `  k${i}: v`);
  const WIDE_TIMEOUT = 30_000;

  it('a catalog mapping of 100 000 keys with one duplicate is read, and the duplicate reported at its line', { timeout: WIDE_TIMEOUT }, () => {
    const text = `${BASE}extra:\n${keys.join('\n')}\n  k5: again\n`;
    const err = catalogError(() => parseCatalog(text, 'catalog.yaml'));
    expect(err.message).toBe(`catalog.yaml:${lineOf(text, '  k5: again')}:3: (syntax): repeats a key of the same mapping (received: "k5: again"). Fix: keep one of the two keys`);
  });

  it('validate reads a mapping of 100 000 keys and reports its duplicate key at its line', { timeout: WIDE_TIMEOUT }, () => {
    const file = write(path.join(dir(), 'wide.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: wide, namespace: models }\ndata:\n${keys.join('\n')}\n  k5: again\n`);
    const r = cli('validate', file);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out).toEqual([`${file}: ConfigMap/wide: YAML syntax error at line 100005, column 3: Map keys must be unique`]);
  });
});

describe('catalog files: only regular files', () => {
  it('a FIFO is refused with a CatalogError, without blocking', () => {
    const fifo = mkfifo(path.join(dir(), 'catalog.yaml'));
    const err = catalogError(() => loadCatalog(fifo));
    expect(err.message).toBe(`${fifo}:1:1: (file): is a FIFO (named pipe), not a regular file (received: ${JSON.stringify(fifo)}). Fix: pass the path of a regular catalog file (.yaml or .json) to fromCatalog()`);
  });

  it('a directory and a device are refused with a CatalogError', () => {
    const d = path.join(dir(), 'catalog.yaml');
    fs.mkdirSync(d);
    expect(catalogError(() => loadCatalog(d)).message).toContain(`${d}:1:1: (file): is a directory, not a regular file`);
    expect(catalogError(() => loadCatalog('/dev/zero')).message).toContain('/dev/zero:1:1: (file): is a character device, not a regular file');
  });

  it(`a catalog over ${MAX_INPUT_BYTES} bytes is refused with the limit`, () => {
    const file = path.join(dir(), 'big.yaml');
    fs.writeFileSync(file, `${BASE}# ${'x'.repeat(MAX_INPUT_BYTES)}\n`);
    const err = catalogError(() => loadCatalog(file));
    expect(err.message).toBe(`${file}:1:1: (file): is larger than ${MAX_INPUT_BYTES} bytes (8 MiB), the most read from one input file (received: ${JSON.stringify(file)}). Fix: split the catalog or shorten it below ${MAX_INPUT_BYTES} bytes`);
  });
});

describe('the cdk8s-model-serving bin', () => {
  const bin = path.join(ROOT, 'lib', 'src', 'cli', 'cdk8s-model-serving.js');
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });

  it('exits 2 on a FIFO and on an empty folder, without hanging, and leaves its input as it was', { timeout: 120_000 }, () => {
    const d = dir();
    const fifo = mkfifo(path.join(d, 'pipe.yaml'));
    const onFifo = run('validate', fifo);
    expect(onFifo.error).toBeUndefined();
    expect(onFifo.status).toBe(EXIT_USAGE);
    expect(onFifo.stderr).toContain('it is a FIFO (named pipe), not a regular file');
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
    const empty = dir();
    const onEmpty = run('validate', empty);
    expect(onEmpty.status).toBe(EXIT_USAGE);
    expect(fs.readdirSync(empty)).toEqual([]);
  });

  it('exits 1 on a YAML bomb, naming the file, the line of the alias and the limit', { timeout: 120_000 }, () => {
    const file = write(path.join(dir(), 'bomb.yaml'), BOMB);
    const before = fs.readFileSync(file, 'utf8');
    const r = run('validate', file);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.stdout).toContain(`${file}: ?/?: YAML limit at line ${lineOf(BOMB, 'a6:')}`);
    expect(r.stdout).toContain(`past ${MAX_ALIAS_NODES} nodes`);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('OPA policy files: only regular files of at most 1 MiB (a ConfigMap)', () => {
  const opa = (policyFile: string) => new OpaAuthorizer(setup(['auth']).ns.auth, 'opa', { policyFile });
  const errorOf = (f: () => unknown): Error => {
    try {
      f();
    } catch (e) {
      return e as Error;
    }
    throw new Error('expected an error');
  };

  it('a FIFO is refused without blocking', () => {
    const fifo = mkfifo(path.join(dir(), 'policy.rego'));
    const e = errorOf(() => opa(fifo));
    expect(e).toBeInstanceOf(ModelServingError);
    expect(e.message).toBe(`test/auth/opa: policyFile is a FIFO (named pipe), not a regular file (received: ${JSON.stringify(fifo)}). Fix: give the path of a regular .rego file in the repository`);
  });

  it('a policy over 1 MiB is refused with the limit', () => {
    const file = write(path.join(dir(), 'big.rego'), `package envoy.authz\n# ${'x'.repeat(1024 * 1024)}\n`);
    const e = errorOf(() => opa(file));
    expect(e).toBeInstanceOf(ModelServingError);
    expect(e.message).toBe(`test/auth/opa: policyFile is larger than 1048576 bytes (1 MiB), the most read from one input file (received: ${JSON.stringify(file)}). Fix: split the policy or shorten it (it is stored in a ConfigMap)`);
  });
});
