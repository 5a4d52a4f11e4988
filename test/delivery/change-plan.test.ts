import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Namespace } from '../../src/core/namespace';
import { Platform } from '../../src/core/platform';
import { SecretRef } from '../../src/core/secret-ref';
import { assertNoDestructiveChanges, formatChangePlan, planChanges } from '../../src/delivery/change-plan';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { writePlatforms } from '../../src/delivery/synth';
import { toYaml } from '../../src/delivery/yaml';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { HttpRoute } from '../../src/routing/http-route';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { ModelFormat } from '../../src/serving/model-format';
import { listFiles } from '../dir-compare';
import { OUTPUT_MARKER } from '../../src/delivery/output-folder';

interface Spec {
  readonly models: readonly string[];
  /** Namespaces for the models (each model goes into the first). */
  readonly modelNamespaces?: readonly string[];
  /** The route name of a model, when not the model's name. */
  readonly routeNames?: Readonly<Record<string, string>>;
  readonly replicas?: number;
}

/** A small platform as a team would write it: a gateway and public models. */
function platformApp(spec: Spec) {
  const app = Testing.app();
  const platform = new Platform(app, 'team');
  const edge = new Namespace(platform, 'edge');
  const namespaces = (spec.modelNamespaces ?? ['models']).map((n) => new Namespace(platform, n));
  const gateway = new Gateway(edge, 'gateway', {
    provider: GatewayProvider.KGATEWAY,
    listeners: [Listener.https({ certificates: [SecretRef.named('tls')], allowedRoutes: AllowedRoutes.fromNamespaces(namespaces) })],
  });
  for (const name of spec.models) {
    const model = new InferenceService(namespaces[0], name, {
      predictor: Predictor.model({
        format: ModelFormat.SKLEARN,
        storage: Storage.uri(`gs://models/${name}`),
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      }),
      minReplicas: spec.replicas,
    });
    new HttpRoute(namespaces[0], `${name}-route`, { name: spec.routeNames?.[name] ?? name, parents: [gateway.listener('https')], rules: [{ matches: model.routeMatches(), backends: [model] }] }).allowPublicAccess(
      'test platform',
    );
  }
  return app;
}

describe('change plan against the dist/ on disk', () => {
  let tmp: string;
  let out: string;
  const base: Spec = { models: ['iris', 'mnist'], modelNamespaces: ['models', 'extra'] };
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    out = path.join(tmp, 'dist');
    writePlatforms(buildPlatforms(platformApp(base)), { outdir: out });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const plan = (spec: Spec) => planChanges(buildPlatforms(platformApp(spec)), out, toYaml);

  it('an unchanged platform plans no change', () => {
    const p = plan(base);
    expect([p.added, p.changed, p.removed, p.renamed]).toEqual([[], [], [], []]);
    expect(p.unchanged).toBe(listFiles(out).filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml')).length);
  });

  it('removing a model shows it, its route and its NetworkPolicies as removed', () => {
    const p = plan({ ...base, models: ['iris'] });
    const removed = p.removed.map((o) => o.id);
    expect(removed).toContain('InferenceService/models/mnist');
    expect(removed).toContain('HTTPRoute/models/mnist');
    expect(removed.some((id) => id.startsWith('NetworkPolicy/') && id.includes('mnist'))).toBe(true);
    expect(removed.every((id) => !id.includes('iris'))).toBe(true);
    expect(p.added).toEqual([]);
    const text = formatChangePlan(p);
    expect(text).toMatch(/^changes against dist\/: 0 added, \d+ changed, \d+ removed, 0 renamed, \d+ unchanged/);
    expect(text).toContain('  - team: InferenceService/models/mnist');
    // removing a model is allowed: nothing protected goes
    expect(() => assertNoDestructiveChanges(p)).not.toThrow();
  });

  it('adding a model shows it as added; changing one shows it as changed', () => {
    const p = plan({ ...base, models: ['iris', 'mnist', 'bert'], replicas: 2 });
    expect(p.added.map((o) => o.id)).toEqual(expect.arrayContaining(['InferenceService/models/bert', 'HTTPRoute/models/bert']));
    expect(p.changed.map((o) => o.id)).toEqual(expect.arrayContaining(['InferenceService/models/iris', 'InferenceService/models/mnist']));
    expect(formatChangePlan(p)).toContain('  + team: InferenceService/models/bert');
    expect(formatChangePlan(p)).toContain('  ~ team: InferenceService/models/iris');
  });

  it('a new name for the same content is a rename (Argo CD deletes and recreates it)', () => {
    const p = plan({ ...base, routeNames: { mnist: 'mnist-v1' } });
    expect(p.renamed.map((r) => [r.from.id, r.to.id])).toEqual([['HTTPRoute/models/mnist', 'HTTPRoute/models/mnist-v1']]);
    expect(formatChangePlan(p)).toContain('  > team: HTTPRoute/models/mnist -> HTTPRoute/models/mnist-v1');
  });

  it('removing a Namespace fails unless allowed, naming the object and the flag', () => {
    const p = plan({ ...base, modelNamespaces: ['models'] });
    expect(p.removed.map((o) => o.id)).toContain('Namespace/extra');
    expect(() => assertNoDestructiveChanges(p)).toThrow(/dist\/team: Namespace\/extra: would be removed, and Argo CD would prune it[\s\S]*--allow-removal=Namespace\/extra/);
    expect(() => assertNoDestructiveChanges(p, ['Namespace/extra'])).not.toThrow();
    expect(() => assertNoDestructiveChanges(p, ['*'])).not.toThrow();
    expect(() => assertNoDestructiveChanges(p, ['Namespace/other'])).toThrow(/Namespace\/extra/);
    expect(() => assertNoDestructiveChanges(p, [], { outdir: 'out' })).toThrow(/^synth failed[\s\S]*out\/team: Namespace\/extra: would be removed/);
    expect(formatChangePlan(p, { outdir: 'out' })).toMatch(/^changes against out\/: /);
  });
});

describe('npm run synth (the compiled entry) on a temporary copy of dist/', () => {
  const root = path.resolve(__dirname, '..', '..');
  const main = path.join(root, 'lib', 'src', 'platforms', 'main.js');
  let tmp: string;
  let copy: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-plan-'));
    copy = path.join(tmp, 'dist');
    fs.cpSync(path.join(root, 'dist'), copy, { recursive: true });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const synth = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { env: { ...process.env, CDK8S_MS_DIST: copy }, encoding: 'utf8' });
  const snapshot = () => listFiles(copy).map((f) => `${f}:${fs.readFileSync(path.join(copy, f), 'utf8').length}`);
  /** Adds a file to the copy as an earlier synth would have written it: listed in the output marker. */
  const addAsWritten = (file: string, text: string) => {
    fs.writeFileSync(path.join(copy, file), text);
    fs.appendFileSync(path.join(copy, OUTPUT_MARKER), `${file}\n`);
  };

  it('prints a model that is no longer declared as removed', () => {
    // dist/ holds a model the code no longer declares: as if it had been removed from the platform.
    const isvc = fs.readFileSync(path.join(copy, 'kgateway-kserve', 'inferenceservice.ml-models.sklearn-iris.yaml'), 'utf8').replace(/name: sklearn-iris$/m, 'name: retired-model');
    addAsWritten('kgateway-kserve/inferenceservice.ml-models.retired-model.yaml', isvc);
    const r = synth();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/changes against \S*synth-plan-\w+\/dist\/: 0 added, 0 changed, 1 removed, 0 renamed/);
    expect(r.stdout).toContain('  - kgateway-kserve: InferenceService/ml-models/retired-model');
    expect(fs.existsSync(path.join(copy, 'kgateway-kserve', 'inferenceservice.ml-models.retired-model.yaml'))).toBe(false);
  });

  it('refuses to remove a Namespace without --allow-removal and leaves dist/ as it was', () => {
    addAsWritten('kgateway-kserve/namespace.retired.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: retired\n');
    const before = snapshot();
    const r = synth();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\S*synth-plan-\w+\/dist\/kgateway-kserve: Namespace\/retired: would be removed/);
    expect(r.stderr).toContain('--allow-removal=Namespace/retired');
    expect(snapshot()).toEqual(before);
    const allowed = synth('--allow-removal=Namespace/retired');
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toContain('  - kgateway-kserve: Namespace/retired');
    expect(fs.existsSync(path.join(copy, 'kgateway-kserve', 'namespace.retired.yaml'))).toBe(false);
  });
});
