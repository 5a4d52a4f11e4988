import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ModelServingError } from '../../src/core/errors';
import { Platform } from '../../src/core/platform';
import {
  apiGroupOf,
  ARGOCD_BUILT_IN_HEALTH,
  ARGOCD_BUILT_IN_HEALTH_REPLACED,
  ARGOCD_HEALTH_CHECKS,
  HEALTH_PATCH_FILE,
  healthChecksFor,
  healthCustomizationKey,
  renderHealthPatch,
  WITHOUT_HEALTH_STATUS,
} from '../../src/delivery/argocd/health-checks';
import { formatChangePlan, planChanges } from '../../src/delivery/change-plan';
import { KubeObject } from '../../src/delivery/manifest';
import { SYNC_WAVE_ANNOTATION } from '../../src/delivery/sync-waves';
import { PlatformOutput, writePlatforms } from '../../src/delivery/synth';
import { toYaml } from '../../src/delivery/yaml';
import { listFiles } from '../dir-compare';
import { runHealth } from './argocd-health-lua';

const dist = path.resolve(__dirname, '..', '..', 'dist');
const platforms = fs.readdirSync(dist).filter((d) => fs.statSync(path.join(dist, d)).isDirectory());
/** Every object Argo CD applies from dist/, with its platform folder. */
const distObjects: Array<{ platform: string; object: KubeObject & { spec?: any } }> = platforms.flatMap((p) =>
  listFiles(path.join(dist, p))
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && !f.includes(path.sep))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dist, p, f), 'utf8'), { version: '1.1' }).map((d) => ({ platform: p, object: d.toJS() as KubeObject }))),
);
const groupKind = (o: { apiVersion: string; kind: string }) => `${apiGroupOf(o.apiVersion)}/${o.kind}`;
const ours = new Set(ARGOCD_HEALTH_CHECKS.map((c) => `${c.group}/${c.kind}`));
const patchPath = path.join(dist, 'argocd', HEALTH_PATCH_FILE);

describe('dist/argocd/patches/argocd-cm.health.yaml', () => {
  const patch = parse(fs.readFileSync(patchPath, 'utf8'), { version: '1.1' }) as { apiVersion: string; kind: string; metadata: Record<string, unknown>; data: Record<string, string> };

  it('is a merge patch of the ConfigMap argocd-cm (no namespace) holding only resource.customizations.health.* keys', () => {
    expect(patch.apiVersion).toBe('v1');
    expect(patch.kind).toBe('ConfigMap');
    expect(patch.metadata).toEqual({ name: 'argocd-cm' });
    expect(Object.keys(patch).sort()).toEqual(['apiVersion', 'data', 'kind', 'metadata']);
    for (const key of Object.keys(patch.data)) expect(key).toMatch(/^resource\.customizations\.health\.[a-z0-9.-]+_[A-Za-z0-9]+$/);
    expect(fs.readFileSync(patchPath, 'utf8')).toContain('kubectl -n argocd patch configmap argocd-cm --type merge --patch-file dist/argocd/patches/argocd-cm.health.yaml');
  });

  it('holds exactly our checks for the kinds present in dist/, each as the library defines it', () => {
    const expected = healthChecksFor(distObjects.map((d) => d.object));
    expect(Object.keys(patch.data)).toEqual(expected.map((c) => healthCustomizationKey(c.group, c.kind)));
    for (const c of expected) expect(patch.data[healthCustomizationKey(c.group, c.kind)]).toBe(c.lua);
    const present = new Set(distObjects.map((d) => groupKind(d.object)));
    expect(expected.length).toBe([...ours].filter((k) => present.has(k)).length);
    expect(expected.map((c) => c.kind)).toEqual(expect.arrayContaining(['AuthPolicy', 'TrafficPolicy', 'KongConsumer', 'Limitador', 'PodMonitor']));
  });

  it('is listed in the output marker but not applied by the root Application (non-recursive directory source)', () => {
    expect(fs.readFileSync(path.join(dist, '.cdk8s-model-serving-output'), 'utf8').split('\n')).toContain(`argocd/${HEALTH_PATCH_FILE}`);
    const root = distObjects.find((d) => d.object.kind === 'Application' && d.object.metadata.name === 'model-serving-root')!.object;
    expect(root.spec.source.path).toBe('dist/argocd');
    expect(root.spec.source.directory.recurse).toBe(false);
    expect(fs.readFileSync(path.join(dist, 'argocd', 'kustomization.yaml'), 'utf8')).not.toContain('patches/');
  });
});

describe('every kind in dist/ has its health decided', () => {
  it('has a built-in Argo CD check, no status to judge, or one of ours (adding a kind without deciding fails here)', () => {
    const kinds = [...new Set(distObjects.map((d) => groupKind(d.object)))].sort();
    const undecided = kinds.filter((k) => !(k in ARGOCD_BUILT_IN_HEALTH) && !(k in WITHOUT_HEALTH_STATUS) && !ours.has(k));
    expect(undecided, 'add a check to src/delivery/argocd/health, or list the kind in health/coverage.ts with its reason').toEqual([]);
  });

  it('decides each kind once: ours replace an Argo CD check only where listed with the reason, and no kind is both judged and without status', () => {
    for (const k of ours) {
      expect(ARGOCD_BUILT_IN_HEALTH, k).not.toHaveProperty([k]);
      expect(WITHOUT_HEALTH_STATUS, k).not.toHaveProperty([k]);
    }
    for (const k of Object.keys(ARGOCD_BUILT_IN_HEALTH_REPLACED)) expect(ours.has(k), k).toBe(true);
    for (const k of Object.keys(ARGOCD_BUILT_IN_HEALTH)) expect(WITHOUT_HEALTH_STATUS, k).not.toHaveProperty([k]);
    expect(new Set(ARGOCD_HEALTH_CHECKS.map((c) => `${c.group}/${c.kind}`)).size).toBe(ARGOCD_HEALTH_CHECKS.length);
  });

  // The argo-cd mirror is on the development machine only; elsewhere the listed files are taken as written.
  const argoRepo = '/work/.mirror/argoproj+argo-cd/repo';
  it.skipIf(!fs.existsSync(argoRepo))('the built-in checks listed exist in argo-cd v3.5.1, and argo-cd v3.5.1 has none for our kinds', () => {
    const files = execFileSync('git', ['-C', argoRepo, 'ls-tree', '-r', '--name-only', 'v3.5.1', 'resource_customizations', 'gitops-engine/pkg/health'], { encoding: 'utf8' }).split('\n');
    for (const [k, source] of Object.entries(ARGOCD_BUILT_IN_HEALTH)) expect(files, k).toContain(source.replace('argoproj/argo-cd v3.5.1 ', ''));
    for (const c of ARGOCD_HEALTH_CHECKS) {
      const builtIn = `resource_customizations/${c.group}/${c.kind}/health.lua`;
      if (`${c.group}/${c.kind}` in ARGOCD_BUILT_IN_HEALTH_REPLACED) expect(files, c.kind).toContain(builtIn);
      else expect(files, c.kind).not.toContain(builtIn);
    }
  });
});

describe('health and Argo CD sync waves', () => {
  it('an object of dist/ that targets an object of a later wave is Healthy before any status, so the sync does not wait forever for it', async () => {
    const waveOf = new Map(distObjects.map((d) => [`${d.platform}/${d.object.kind}/${d.object.metadata.namespace ?? ''}/${d.object.metadata.name}`, Number(d.object.metadata.annotations?.[SYNC_WAVE_ANNOTATION])]));
    let checked = 0;
    for (const { platform, object } of distObjects) {
      const c = ARGOCD_HEALTH_CHECKS.find((x) => `${x.group}/${x.kind}` === groupKind(object));
      const refs = [object.spec?.targetRef, ...(object.spec?.targetRefs ?? [])].filter((r) => r !== undefined);
      if (!c || refs.length === 0) continue;
      const own = Number(object.metadata.annotations?.[SYNC_WAVE_ANNOTATION]);
      const later = refs.some((r: { kind: string; name: string }) => (waveOf.get(`${platform}/${r.kind}/${object.metadata.namespace}/${r.name}`) ?? -Infinity) > own);
      if (!later) continue;
      checked++;
      const result = await runHealth(c.lua, { ...object, metadata: { ...object.metadata, generation: 1 } });
      expect(result.status, `${object.kind} ${object.metadata.namespace}/${object.metadata.name}: ${result.message}`).toBe('Healthy');
    }
    // The maas Kuadrant policies and the kgateway-production TrafficPolicy protect routes synced after them.
    expect(checked).toBeGreaterThanOrEqual(4);
  });
});

describe('healthCustomizationKey, healthChecksFor, renderHealthPatch', () => {
  it('names a kind as Argo CD v3.5.1 reads it: <group>_<kind>, or the bare kind for the core group', () => {
    expect(healthCustomizationKey('kuadrant.io', 'AuthPolicy')).toBe('resource.customizations.health.kuadrant.io_AuthPolicy');
    expect(healthCustomizationKey('', 'ConfigMap')).toBe('resource.customizations.health.ConfigMap');
  });

  it('refuses a group holding "_" (Argo CD splits group and kind there) and a kind that is not a kind', () => {
    expect(() => healthCustomizationKey('my_group.io', 'Thing')).toThrow(ModelServingError);
    expect(() => healthCustomizationKey('my_group.io', 'Thing')).toThrow(/healthCustomizationKey: group holds '_', which Argo CD reads as the separator of group and kind \(received: "my_group.io"\)\. Fix: pass the API group/);
    expect(() => healthCustomizationKey('x.io', 'Bad_Kind')).toThrow(/kind must be a Kubernetes kind/);
  });

  it('picks our checks for the kinds present (the replaced built-in ones too), once each, sorted by key; none for other built-in or status-less kinds', () => {
    const picked = healthChecksFor([
      { apiVersion: 'kuadrant.io/v1', kind: 'RateLimitPolicy' },
      { apiVersion: 'kuadrant.io/v1', kind: 'AuthPolicy' },
      { apiVersion: 'kuadrant.io/v1', kind: 'AuthPolicy' },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { apiVersion: 'serving.kserve.io/v1alpha2', kind: 'LLMInferenceService' },
    ]);
    expect(picked.map((c) => c.kind)).toEqual(['HTTPRoute', 'AuthPolicy', 'RateLimitPolicy', 'LLMInferenceService']);
    expect(healthChecksFor([])).toEqual([]);
  });

  it('refuses an object without apiVersion or kind, naming it', () => {
    expect(() => healthChecksFor([{ apiVersion: 'v1', kind: 'ConfigMap' }, { apiVersion: 'kuadrant.io/v1' } as never])).toThrow(/healthChecksFor: objects\[1\]\.kind must be a non-empty string \(received: undefined\)\. Fix: pass synthesized Kubernetes objects/);
    expect(() => healthChecksFor([{ kind: 'AuthPolicy' } as never])).toThrow(/objects\[0\]\.apiVersion must be a non-empty string/);
  });

  it('renders an empty patch for no checks, and refuses two checks of one kind', () => {
    expect(parse(renderHealthPatch([]))).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm' }, data: {} });
    expect(() => renderHealthPatch([ARGOCD_HEALTH_CHECKS[0], ARGOCD_HEALTH_CHECKS[0]])).toThrow(/renderHealthPatch: checks holds two checks for one kind/);
  });
});

describe('output files in a subfolder', () => {
  it('Platform.addOutputFile accepts one lower-case subfolder and refuses anything else, naming the file', () => {
    const platform = new Platform(Testing.app(), 'p');
    expect(() => platform.addOutputFile('patches/argocd-cm.health.yaml', () => '')).not.toThrow();
    for (const bad of ['../x.yaml', 'a/b/c.yaml', '/abs.yaml', 'Patches/x.yaml', 'patches/.hidden.yaml']) {
      expect(() => platform.addOutputFile(bad, () => ''), bad).toThrow(/output file must be a plain file name ending in \.md, \.yaml, \.json or \.txt, optionally in one lower-case subfolder/);
    }
  });

  it('writes it atomically with the marker, and the change plan says when it must be applied again', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'health-patch-'));
    try {
      const out = path.join(tmp, 'dist');
      const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } };
      const output = (text: string | undefined): PlatformOutput[] => [
        { name: 'argocd', manifests: [{ file: 'namespace.a.yaml', constructPath: 'app/argocd/a', object: ns, waivers: [] }], files: text === undefined ? {} : { 'patches/argocd-cm.health.yaml': text } },
      ];
      const first = planChanges(output('one'), out, toYaml);
      expect(first.manualFiles).toEqual([{ file: 'argocd/patches/argocd-cm.health.yaml', change: 'added' }]);
      expect(formatChangePlan(first, { outdir: 'dist' })).toContain('  ! dist/argocd/patches/argocd-cm.health.yaml added: Argo CD does not apply it; apply it as its header says');
      writePlatforms(output('one'), { outdir: out });
      expect(fs.readFileSync(path.join(out, 'argocd', 'patches', 'argocd-cm.health.yaml'), 'utf8')).toBe('one');
      expect(fs.readFileSync(path.join(out, '.cdk8s-model-serving-output'), 'utf8')).toContain('argocd/patches/argocd-cm.health.yaml');
      expect(planChanges(output('one'), out, toYaml).manualFiles).toEqual([]);
      expect(planChanges(output('two'), out, toYaml).manualFiles).toEqual([{ file: 'argocd/patches/argocd-cm.health.yaml', change: 'changed' }]);
      const removed = planChanges(output(undefined), out, toYaml);
      expect(removed.manualFiles).toEqual([{ file: 'argocd/patches/argocd-cm.health.yaml', change: 'removed' }]);
      expect(formatChangePlan(removed)).toContain('removed: Argo CD does not apply it; undo it by hand if it was applied');
      // A second write replaces the folder as a whole (the marker lists the subfolder file, so it is ours).
      writePlatforms(output(undefined), { outdir: out });
      expect(fs.existsSync(path.join(out, 'argocd', 'patches'))).toBe(false);
      expect(() => writePlatforms([{ ...output('x')[0], files: { 'patches/../../escape.yaml': 'x' } }], { outdir: out })).toThrow(/must be one file or folder name inside the output folder/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
