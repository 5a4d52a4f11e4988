/**
 * `writePlatformsWithPlan`: the change plan built while writing (one YAML
 * rendering per object) is the plan `planChanges` computes beforehand, the
 * files are the objects' YAML, and a refused plan leaves the folder as it was.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Namespace } from '../../src/core/namespace';
import { Platform } from '../../src/core/platform';
import { SecretRef } from '../../src/core/secret-ref';
import { planChanges, writePlatformsWithPlan } from '../../src/delivery/change-plan';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { SynthError, writePlatforms } from '../../src/delivery/synth';
import { toYaml } from '../../src/delivery/yaml';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { HttpRoute } from '../../src/routing/http-route';
import { InferenceService } from '../../src/serving/inference-service';
import { ModelFormat } from '../../src/serving/model-format';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { listFiles } from '../dir-compare';

/** A gateway and public models; `extra` adds a second model namespace. */
function outputs(models: readonly string[], extra = true, labels: Record<string, string> = {}) {
  const app = Testing.app();
  const platform = new Platform(app, 'team', { labels });
  const edge = new Namespace(platform, 'edge');
  const namespaces = [new Namespace(platform, 'models'), ...(extra ? [new Namespace(platform, 'extra')] : [])];
  const gateway = new Gateway(edge, 'gateway', {
    provider: GatewayProvider.KGATEWAY,
    listeners: [Listener.https({ certificates: [SecretRef.named('tls')], allowedRoutes: AllowedRoutes.fromNamespaces(namespaces) })],
  });
  for (const name of models) {
    const model = new InferenceService(namespaces[0], name, {
      predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri(`gs://models/${name}`), resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } } }),
    });
    new HttpRoute(namespaces[0], `${name}-route`, { name, parents: [gateway.listener('https')], rules: [{ matches: model.routeMatches(), backends: [model] }] }).allowPublicAccess('test platform');
  }
  return buildPlatforms(app);
}

describe('writePlatformsWithPlan', () => {
  let tmp: string;
  let out: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'planned-write-'));
    out = path.join(tmp, 'dist');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('into an absent folder: every object added, each file its YAML', () => {
    const next = outputs(['iris']);
    const plan = writePlatformsWithPlan(next, { outdir: out });
    const objects = next[0].manifests;
    expect(plan.added.map((o) => o.id)).toEqual(objects.map((m) => `${m.object.kind}/${m.object.metadata.namespace ? `${m.object.metadata.namespace}/` : ''}${m.object.metadata.name}`));
    expect([plan.changed, plan.removed, plan.renamed, plan.unchanged]).toEqual([[], [], [], 0]);
    for (const m of objects) expect(fs.readFileSync(path.join(out, 'team', m.file), 'utf8')).toBe(toYaml(m.object));
  });

  it('gives the plan planChanges computes: model removed, model added, objects changed', () => {
    writePlatforms(outputs(['iris', 'mnist']), { outdir: out });
    const next = outputs(['iris', 'bert'], true, { team: 'ml' });
    const expected = planChanges(next, out, toYaml);
    expect(expected.added.length).toBeGreaterThan(0);
    expect(expected.removed.some((o) => o.id === 'InferenceService/models/mnist')).toBe(true);
    expect(expected.changed.some((o) => o.id === 'InferenceService/models/iris')).toBe(true); // the new platform label
    expect(writePlatformsWithPlan(next, { outdir: out })).toEqual(expected);
    expect(fs.existsSync(path.join(out, 'team', 'inferenceservice.models.mnist.yaml'))).toBe(false);
  });

  it('a second write of the same output: every object unchanged', () => {
    writePlatforms(outputs(['iris']), { outdir: out });
    const plan = writePlatformsWithPlan(outputs(['iris']), { outdir: out });
    expect([plan.added, plan.changed, plan.removed, plan.renamed]).toEqual([[], [], [], []]);
    expect(plan.unchanged).toBe(listFiles(out).filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml')).length);
  });

  it('refuses to remove a protected Namespace and leaves the folder as it was', () => {
    writePlatforms(outputs(['iris']), { outdir: out });
    const before = listFiles(out).map((f) => [f, fs.readFileSync(path.join(out, f), 'utf8')]);
    expect(() => writePlatformsWithPlan(outputs(['iris'], false), { outdir: out, displayOutdir: 'dist' })).toThrow(SynthError);
    expect(() => writePlatformsWithPlan(outputs(['iris'], false), { outdir: out, displayOutdir: 'dist' })).toThrow(/dist\/team: Namespace\/extra: would be removed/);
    expect(listFiles(out).map((f) => [f, fs.readFileSync(path.join(out, f), 'utf8')])).toEqual(before);
    expect(fs.readdirSync(tmp).filter((f) => f.includes('staging'))).toEqual([]);
    const allowed = writePlatformsWithPlan(outputs(['iris'], false), { outdir: out, allowRemovals: ['Namespace/extra'] });
    expect(allowed.removed.map((o) => o.id)).toContain('Namespace/extra');
    expect(fs.existsSync(path.join(out, 'team', 'namespace.extra.yaml'))).toBe(false);
  });
});
