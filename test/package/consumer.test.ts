import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readmeExample } from '../readme-example';

/**
 * The package as another team gets it: `npm pack`, installed from the tarball
 * into a fresh consumer project offline (from the npm cache that `npm ci`
 * filled), an app written against the root and subpath exports compiled with
 * `tsc --strict` and run to synthesize validated YAML, far from `../shared`
 * and from this repository's layout.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly license?: string;
  readonly engines?: Record<string, string>;
  readonly bin?: Record<string, string>;
  readonly exports: Record<string, unknown>;
  readonly dependencies: Record<string, string>;
  readonly peerDependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
}

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

/** The registry `npm ci` fetched from (the tarballs are cached under their URL). */
const REGISTRY = (process.env.npm_config_registry ?? 'https://registry.npmjs.org/').replace(/\/?$/, '/');

/** What the consumer depends on, at the versions this repository pins and tests with. */
const CONSUMER_DEPENDENCIES = ['cdk8s', 'constructs', 'cdk8s-plus-34'];
const CONSUMER_DEV_DEPENDENCIES = ['typescript', '@types/node'];

/** The consumer app: root and subpath imports, validation, the library's own build and write. */
const APP = `
import { App } from 'cdk8s';
import * as ms from 'cdk8s-model-serving';
import { Namespace, Platform, SecretRef } from 'cdk8s-model-serving/core';
import { AllowedRoutes, Gateway, GatewayProvider, Listener } from 'cdk8s-model-serving/gateway';
import { HttpRoute, PathMatch } from 'cdk8s-model-serving/routing';
import { InferenceService, ModelFormat, Predictor, Storage } from 'cdk8s-model-serving/serving';
import { DirectResponse } from 'cdk8s-model-serving/kgateway';
import { buildPlatforms, writePlatforms } from 'cdk8s-model-serving/delivery';
import { formatIssue, validateObject } from 'cdk8s-model-serving/validate';

const outdir = process.argv[2];
if (outdir === undefined) throw new Error('usage: node app.js OUTDIR');

const app = new App();
const platform = new Platform(app, 'team-a');
const edge = new Namespace(platform, 'edge');
const models = new Namespace(platform, 'models');

const gateway = new Gateway(edge, 'gateway', {
  provider: GatewayProvider.KGATEWAY,
  listeners: [
    Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([edge, models]) }),
  ],
});
const health = new DirectResponse(edge, 'health-ok', { status: 200, body: 'ok' });
new HttpRoute(edge, 'health', { parents: [gateway], rules: [{ matches: [{ path: PathMatch.exact('/health') }], filters: [health] }] });
const iris = new InferenceService(models, 'iris', {
  predictor: Predictor.model({
    format: ModelFormat.SKLEARN,
    storage: Storage.uri('gs://kfserving-examples/models/sklearn/iris'),
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  }),
});
// The root entry and the subpaths are the same modules: one class, one identity.
const route: ms.HttpRoute = new ms.HttpRoute(models, 'iris-route', {
  name: 'iris',
  parents: [gateway.listener('https')],
  rules: [{ matches: iris.routeMatches(), backends: [iris] }],
});
route.allowPublicAccess('consumer test: no access policy needed');

// Validation runs from the validators shipped in the package (no ../shared anywhere near).
const broken = validateObject({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'broken', namespace: 'edge' },
  spec: { gatewayClassName: 'kgateway', listeners: [{ name: 'http', port: 0, protocol: 'HTTP' }] },
});

const outputs = buildPlatforms(app, { outdir });
writePlatforms(outputs, { outdir });
console.log(JSON.stringify({
  sameClass: ms.Gateway === Gateway && ms.InferenceService === InferenceService && ms.buildPlatforms === buildPlatforms,
  kgatewayNamespace: ms.kgateway.DirectResponse === DirectResponse,
  brokenIssues: broken.map((i) => formatIssue(i)),
  platforms: outputs.map((p) => p.name),
}));
`;

/** A closed set of lockfile entries: the packages `roots` need, as this repository's lockfile places them. */
function lockClosure(roots: readonly string[]): Record<string, LockEntry> {
  const parentOf = (p: string): string => (p.lastIndexOf('/node_modules/') < 0 ? '' : p.slice(0, p.lastIndexOf('/node_modules/')));
  const resolve = (from: string, name: string): string | undefined => {
    for (let dir = from; ; dir = parentOf(dir)) {
      const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
      if (lock.packages[candidate] !== undefined) return candidate;
      if (dir === '') return undefined;
    }
  };
  const out: Record<string, LockEntry> = {};
  const visit = (from: string, name: string, required: boolean): void => {
    const at = resolve(from, name);
    if (at === undefined) {
      if (required) throw new Error(`package-lock.json has no ${name} reachable from ${from || 'the root'}. Fix: npm install`);
      return;
    }
    if (out[at] !== undefined) return;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = lock.packages[at];
    // Where npm fetched it from: with the URL, npm finds the tarball in its cache by that key (else it asks the registry for metadata first).
    const pkgName = typeof entry.name === 'string' ? entry.name : at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length);
    entry.resolved ??= `${REGISTRY}${pkgName}/-/${pkgName.slice(pkgName.lastIndexOf('/') + 1)}-${entry.version}.tgz`;
    out[at] = entry;
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(at, dep, true);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(at, dep, false);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) visit(at, dep, entry.peerDependenciesMeta?.[dep]?.optional !== true);
  };
  for (const name of roots) visit('', name, true);
  return out;
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  // Run npm and node as a user would: not as children of `npm test`.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(lifecycle|package|config_(?!cache$|registry$|userconfig$))/i.test(k)));
  return spawnSync(command, args, { cwd, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
}

function check(result: SpawnSyncReturns<string>, what: string, fix = ''): string {
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}${fix ? `\nFix: ${fix}` : ''}`);
  return result.stdout;
}

describe('the packed package in a consumer project', () => {
  let work = '';
  let tarballFile = '';
  let selfEntry: LockEntry | undefined;
  let consumer = '';
  let packed: string[] = [];
  let unpackedSize = 0;
  let appOutput: { sameClass: boolean; kgatewayNamespace: boolean; brokenIssues: string[]; platforms: string[] } | undefined;

  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'index.js')) || !fs.existsSync(path.join(ROOT, 'lib', 'schemas', 'index.json'))) {
      throw new Error('lib/ is not built. Fix: npm run build (npm test does it first)');
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-ms-consumer-'));
    consumer = path.join(work, 'consumer');
    fs.mkdirSync(consumer);

    const pack = check(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT), 'npm pack');
    const [info] = JSON.parse(pack.slice(pack.indexOf('['))) as Array<{ filename: string; unpackedSize: number; files: Array<{ path: string }> }>;
    packed = info.files.map((f) => f.path);
    unpackedSize = info.unpackedSize;
    const tarballName = path.basename(info.filename);
    fs.renameSync(path.join(work, tarballName), path.join(consumer, tarballName));
    tarballFile = path.join(consumer, tarballName);

    // The consumer pins what this repository tests with, through a lockfile
    // taken from ours: `npm ci --offline` then needs nothing but the tarballs
    // `npm ci` put in the npm cache (no registry metadata, no network).
    const pinned = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, pkg.devDependencies[n]]));
    const consumerPkg = { name: 'consumer', version: '0.0.0', private: true, dependencies: { [pkg.name]: `file:${tarballName}`, ...pinned(CONSUMER_DEPENDENCIES) }, devDependencies: pinned(CONSUMER_DEV_DEPENDENCIES) };
    const closure = lockClosure([...CONSUMER_DEPENDENCIES, ...CONSUMER_DEV_DEPENDENCIES, ...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
    const tarball = fs.readFileSync(path.join(consumer, tarballName));
    const self: LockEntry = {
      version: pkg.version,
      resolved: `file:${tarballName}`,
      integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
      peerDependencies: pkg.peerDependencies,
    };
    selfEntry = self;
    const consumerLock = { name: 'consumer', version: '0.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'consumer', version: '0.0.0', dependencies: consumerPkg.dependencies, devDependencies: consumerPkg.devDependencies }, [`node_modules/${pkg.name}`]: self, ...closure } };
    fs.writeFileSync(path.join(consumer, 'package.json'), `${JSON.stringify(consumerPkg, null, 2)}\n`);
    fs.writeFileSync(path.join(consumer, 'package-lock.json'), `${JSON.stringify(consumerLock, null, 2)}\n`);

    check(
      run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], consumer),
      'offline install of the packed tarball and its dependencies from the npm cache',
      'run `npm ci` in the repository first: it puts every dependency in the npm cache (~/.npm/_cacache), which this test installs from without network',
    );

    fs.writeFileSync(path.join(consumer, 'app.ts'), APP);
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    check(run(process.execPath, [tsc, '--strict', '--module', 'node16', '--target', 'es2022', '--types', 'node', '--outDir', 'out', 'app.ts'], consumer), 'tsc --strict of the consumer app');
    const synth = check(run(process.execPath, [path.join('out', 'app.js'), 'dist'], consumer), 'the consumer app');
    appOutput = JSON.parse(synth.trim().split('\n').pop() as string);

    // The README's opening example, as a platform team copies it: compiled against the package and run in a folder of its own.
    const readmeApp = path.join(consumer, 'readme');
    fs.mkdirSync(readmeApp);
    fs.writeFileSync(path.join(readmeApp, 'platform.ts'), `${readmeExample(ROOT)}\n`);
    check(run(process.execPath, [tsc, '--strict', '--module', 'node16', '--target', 'es2022', '--types', 'node', '--outDir', 'out', 'platform.ts'], readmeApp), "tsc --strict of the README's example");
    check(run(process.execPath, [path.join('out', 'platform.js')], readmeApp), "the README's example");
  }, 240_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('packs only what consumers need (no dist/, test/, bench/, reference platforms or build caches)', () => {
    expect(packed).toContain('package.json');
    expect(packed).toContain('README.md');
    expect(packed).toContain('lib/src/index.js');
    expect(packed).toContain('lib/src/index.d.ts');
    expect(packed).toContain('lib/schemas/index.json');
    expect(packed.some((f) => f.startsWith('lib/schemas/modules/'))).toBe(true);
    expect(packed.some((f) => f.startsWith('lib/imports/'))).toBe(true);
    for (const bin of Object.values(pkg.bin ?? {})) expect(packed).toContain(bin);
    const unwanted = packed.filter((f) => /^(dist|test|bench|src|imports|scripts|docs|node_modules)\/|^lib\/(bench|src\/platforms|schemas\/cache)\/|tsbuildinfo|\.test\.|\.tgz$/.test(f));
    expect(unwanted).toEqual([]);
    // Under the 15 MB budget installed (test/package/pack-contents.test.ts has the breakdown).
    expect(unpackedSize).toBeGreaterThan(1_000_000);
    expect(unpackedSize).toBeLessThan(15_000_000);
  });

  it('installs, compiles with tsc --strict against root and subpath imports, and synthesizes validated YAML', () => {
    expect(appOutput).toBeDefined();
    expect(appOutput?.sameClass).toBe(true);
    expect(appOutput?.kgatewayNamespace).toBe(true);
    expect(appOutput?.platforms).toEqual(['team-a']);
    // Validation really ran, from the validators shipped in lib/schemas.
    expect(appOutput?.brokenIssues.join('\n')).toMatch(/Gateway\/broken: spec\.listeners\[0\]\.port: .*greater than or equal to 1/);

    const dir = path.join(consumer, 'dist', 'team-a');
    const objects = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; spec?: any }));
    const find = (kind: string, name: string) => {
      const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
      expect(found, `${kind}/${name}`).toHaveLength(1);
      return found[0];
    };
    expect(find('Gateway', 'gateway').metadata.namespace).toBe('edge');
    expect(find('InferenceService', 'iris').metadata.namespace).toBe('models');
    const route = find('HTTPRoute', 'iris');
    expect(route.spec.parentRefs).toEqual([expect.objectContaining({ kind: 'Gateway', name: 'gateway', namespace: 'edge', sectionName: 'https' })]);
    expect(route.spec.rules.flatMap((r: { backendRefs?: unknown[] }) => r.backendRefs ?? [])).toEqual([{ name: 'iris-predictor', port: 80 }]);
    expect(fs.existsSync(path.join(dir, 'kustomization.yaml'))).toBe(true);
  });

  it("compiles and runs the README's opening example: a valid, secure platform with its endpoints, tiers and monitoring", () => {
    const dir = path.join(consumer, 'readme', 'dist', 'team-a');
    const objects = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; spec?: any }));
    const routes = objects.filter((o) => o.kind === 'HTTPRoute');
    expect(routes.map((r) => r.metadata.name).sort()).toEqual(['iris', 'qwen']);
    // The vLLM endpoint's prefix is rewritten to / at the model; the sklearn one keeps KServe's own paths.
    const qwen = routes.find((r) => r.metadata.name === 'qwen')!;
    expect(qwen.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/qwen' } }]);
    expect(qwen.spec.rules[0].backendRefs).toEqual([{ name: 'qwen-predictor', port: 80 }]);
    expect(objects.filter((o) => o.kind === 'SecurityPolicy').length).toBeGreaterThan(0);
    expect(objects.filter((o) => o.kind === 'PodMonitor').map((o) => o.metadata.name).sort()).toEqual(['gateway-proxy', 'iris-predictor', 'qwen-predictor']);
    expect(fs.readFileSync(path.join(dir, 'POLICY.md'), 'utf8')).toMatch(/premium/);
  });

  it('init creates a project that installs offline, synthesizes, and passes its own tests (first run writes the snapshot, CI then checks it)', () => {
    const bin = path.join(consumer, 'node_modules', '.bin', Object.keys(pkg.bin ?? {})[0]);
    const repo = path.join(work, 'my-platform');
    check(run(bin, ['init', repo], work), 'cdk8s-model-serving init');
    const generated = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };
    // Pinned to what this library is built and tested with.
    expect(generated.dependencies).toEqual({ [pkg.name]: `^${pkg.version}`, cdk8s: pkg.devDependencies.cdk8s, 'cdk8s-plus-34': pkg.devDependencies['cdk8s-plus-34'], constructs: pkg.devDependencies.constructs });
    expect(Object.keys(generated.devDependencies).sort()).toEqual(['@types/node', 'cdk8s-cli', 'typescript', 'vitest']);
    for (const f of ['cdk8s.yaml', 'tsconfig.json', '.gitignore', '.ci/run', 'src/platform.ts', 'src/main.ts', 'test/platform.test.ts', 'README.md']) expect(fs.existsSync(path.join(repo, f)), f).toBe(true);
    expect(fs.readFileSync(path.join(repo, 'README.md'), 'utf8')).toContain('npm ci && npm run synth\nnpm test');
    // This version is not published: install the packed tarball in its place, with a lockfile of the versions this repository pins (offline).
    fs.copyFileSync(tarballFile, path.join(repo, path.basename(tarballFile)));
    const deps = { ...generated.dependencies, [pkg.name]: `file:${path.basename(tarballFile)}` };
    fs.writeFileSync(path.join(repo, 'package.json'), `${JSON.stringify({ ...generated, dependencies: deps }, null, 2)}\n`);
    const closure = lockClosure([...Object.keys(generated.dependencies).filter((d) => d !== pkg.name), ...Object.keys(generated.devDependencies), ...Object.keys(pkg.dependencies)]);
    const lockfile = { name: 'my-platform', version: '0.1.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'my-platform', version: '0.1.0', dependencies: deps, devDependencies: generated.devDependencies }, [`node_modules/${pkg.name}`]: selfEntry, ...closure } };
    fs.writeFileSync(path.join(repo, 'package-lock.json'), `${JSON.stringify(lockfile, null, 2)}\n`);
    check(run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], repo), 'offline install of the generated project');
    check(run('npm', ['run', 'synth'], repo), 'npm run synth of the generated project');
    expect(fs.readdirSync(path.join(repo, 'dist', 'models-platform'))).toEqual(expect.arrayContaining(['httproute.models.iris.yaml', 'inferenceservice.models.iris.yaml', 'POLICY.md', 'README.md']));
    const test = (ci: boolean) => {
      const env = { ...process.env };
      delete env.CI;
      if (ci) env.CI = 'true';
      return spawnSync('npm', ['test'], { cwd: repo, encoding: 'utf8', env: Object.fromEntries(Object.entries(env).filter(([k]) => !/^(npm_|VITEST)/i.test(k))) });
    };
    const first = test(false);
    expect(first.status, `${first.stdout}\n${first.stderr}`).toBe(0);
    expect(fs.readdirSync(path.join(repo, 'test', '__snapshots__'))).toEqual(['platform.test.ts.snap']);
    const again = test(true);
    expect(again.status, `${again.stdout}\n${again.stderr}`).toBe(0);
    expect(again.stdout).toMatch(/3 passed/);
  }, 300_000);

  it('loads every export of package.json, and runs the bin on the output', () => {
    const subpaths = Object.keys(pkg.exports).map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
    const script = `for (const s of ${JSON.stringify(subpaths)}) { const m = require(s); if (Object.keys(m).length === 0) throw new Error(s + ' exports nothing'); }`;
    check(run(process.execPath, ['-e', script], consumer), 'require() of every export');
    const bin = Object.keys(pkg.bin ?? {})[0];
    expect(bin).toBeDefined();
    const validate = run(path.join(consumer, 'node_modules', '.bin', bin), ['validate', 'dist'], consumer);
    expect(validate.stdout).toBe('');
    expect(validate.stderr).toMatch(/: all valid$/m);
    expect(validate.status).toBe(0);
  });

  it('refuses deep imports that are not exported', () => {
    const deep = `${pkg.name}/lib/src/core/errors`;
    const result = run(process.execPath, ['-e', `require(${JSON.stringify(deep)})`], consumer);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    // ... while the same module is reachable through its export.
    check(run(process.execPath, ['-e', `if (typeof require(${JSON.stringify(`${pkg.name}/core`)}).ModelServingError !== 'function') process.exit(1)`], consumer), 'require of the core export');
  });
});
