import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Application, ApplicationSet } from '../../src/delivery/argocd';
import { KubeObject } from '../../src/delivery/manifest';
import { PROTECTED_ROUTE_SYNC_WAVE, SYNC_WAVE_ANNOTATION, syncWaveOf } from '../../src/delivery/sync-waves';
import { validateObjects } from '../../src/validate/validator';
import { listFiles } from '../dir-compare';
import { setup } from '../util';

const dist = path.resolve(__dirname, '..', '..', 'dist');
const read = (f: string) => parse(fs.readFileSync(path.join(dist, f), 'utf8'), { version: '1.1' });
const platforms = fs.readdirSync(dist).filter((d) => fs.statSync(path.join(dist, d)).isDirectory());
// The objects Argo CD applies: the folder's own YAML files (its directory source is not recursive, so patches/ is not applied).
const objectFiles = (p: string) => listFiles(path.join(dist, p)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && !f.includes(path.sep));
const argo = objectFiles('argocd').map((f) => read(path.join('argocd', f)) as KubeObject & { spec: any });

describe('dist/ as Argo CD reads it', () => {
  it('has the AppProject, one Application per platform folder, the app-of-apps root and an ApplicationSet', () => {
    const kinds = argo.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toContain('AppProject/model-serving');
    expect(kinds).toContain('Application/model-serving-root');
    expect(kinds.filter((k) => k.startsWith('ApplicationSet/'))).toHaveLength(1);
    const appPaths = argo.filter((o) => o.kind === 'Application').map((o) => o.spec.source.path).sort();
    expect(appPaths).toEqual(platforms.map((p) => `dist/${p}`).sort());
  });

  it('every spec.source.path (and template path) is a folder of dist/', () => {
    const paths = argo.flatMap((o) => [o.spec?.source?.path, o.spec?.template?.spec?.source?.path]).filter((p): p is string => typeof p === 'string');
    expect(paths.length).toBeGreaterThanOrEqual(platforms.length + 1);
    for (const p of paths) {
      expect(p, p).toMatch(/^dist\/[a-z0-9-]+$/);
      expect(fs.existsSync(path.join(dist, '..', p)) && fs.statSync(path.join(dist, '..', p)).isDirectory(), p).toBe(true);
    }
  });

  it('the Argo CD manifests pass the validator', () => {
    expect(validateObjects(argo.map((object, i) => ({ object, file: `dist/argocd/${i}` })))).toEqual([]);
  });

  it('Applications sync automatically with prune and selfHeal, server-side apply, and read only the objects of their folder', () => {
    for (const app of argo.filter((o) => o.kind === 'Application')) {
      expect(app.spec.project, app.metadata.name).toBe('model-serving');
      expect(app.spec.syncPolicy.automated, app.metadata.name).toEqual({ prune: true, selfHeal: true });
      expect(app.spec.syncPolicy.syncOptions, app.metadata.name).toContain('ServerSideApply=true');
      expect(app.spec.source.directory, app.metadata.name).toEqual({ exclude: '{kustomization.yaml,*.md}', recurse: false });
    }
  });

  it('Argo CD permits every Application and ApplicationSet destination in its project (server and namespace glob match)', () => {
    const projects = new Map(argo.filter((o) => o.kind === 'AppProject').map((p) => [p.metadata.name, p]));
    // Argo CD's rule: some destination matches both the server and the namespace; an empty namespace matches none (argo-cd#11510).
    const glob = (pattern: string, value: string) => value !== '' && new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
    const permitted = (project: string, server: string, namespace: string | undefined) =>
      (projects.get(project)?.spec.destinations ?? []).some((d: { server: string; namespace: string }) => glob(d.server, server) && glob(d.namespace, namespace ?? ''));
    const apps = argo.filter((o) => o.kind === 'Application').map((a) => ({ name: a.metadata.name, project: a.spec.project, ...a.spec.destination }));
    const sets = argo.filter((o) => o.kind === 'ApplicationSet').map((a) => ({ name: a.metadata.name, project: a.spec.template.spec.project, ...a.spec.template.spec.destination, server: 'https://fleet-cluster.example.com' }));
    expect(apps.length).toBeGreaterThan(1);
    expect(sets).toHaveLength(1);
    for (const d of [...apps, ...sets]) expect(permitted(d.project, d.server, d.namespace), `${d.name} -> ${d.server} ${d.namespace}`).toBe(true);
    expect(permitted('model-serving', 'https://kubernetes.default.svc', undefined)).toBe(false);
    expect(permitted('model-serving', 'https://fleet-cluster.example.com', 'kgateway-system')).toBe(false);
  });

  it('an Application whose folder has PreSync hooks creates its namespace (hooks run before the Namespace object is applied); the others do not', () => {
    for (const app of argo.filter((o) => o.kind === 'Application')) {
      const folder = app.spec.source.path.replace(/^dist\//, '');
      const preSync = objectFiles(folder).some((f) => ((read(path.join(folder, f)) as KubeObject).metadata.annotations?.['argocd.argoproj.io/hook'] ?? '').includes('PreSync'));
      expect(app.spec.syncPolicy.syncOptions, app.metadata.name).toContain(`CreateNamespace=${preSync}`);
    }
    expect(argo.find((o) => o.kind === 'Application' && o.metadata.name === 'kong-gateway')!.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
  });

  it('the fleet AppProject admits only clusters registered to it, and only the rolled-out platform', () => {
    const set = argo.find((o) => o.kind === 'ApplicationSet')!;
    const fleet = argo.find((o) => o.kind === 'AppProject' && o.metadata.name === set.spec.template.spec.project)!;
    expect(fleet.metadata.name).toBe('kgateway-kserve-fleet');
    expect(fleet.spec.permitOnlyProjectScopedClusters).toBe(true);
    expect(fleet.spec.destinations).toEqual([
      { namespace: 'kgateway-system', server: '*' },
      { namespace: 'ml-models', server: '*' },
    ]);
    const kinds = new Set<string>();
    for (const f of objectFiles('kgateway-kserve')) {
      const o = read(path.join('kgateway-kserve', f)) as KubeObject;
      kinds.add(`${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`);
    }
    const allowed = [...(fleet.spec.clusterResourceWhitelist ?? []), ...fleet.spec.namespaceResourceWhitelist].map((g: { group: string; kind: string }) => `${g.group}/${g.kind}`);
    expect(allowed.sort()).toEqual([...kinds].sort());
  });

  it('the AppProject allows exactly the namespaces and kinds the platforms use', () => {
    const project = argo.find((o) => o.kind === 'AppProject' && o.metadata.name === 'model-serving')!;
    const allowed = new Set<string>(project.spec.destinations.map((d: { namespace: string }) => d.namespace));
    const clusterKinds = new Set<string>((project.spec.clusterResourceWhitelist ?? []).map((g: { group: string; kind: string }) => `${g.group}/${g.kind}`));
    const namespacedKinds = new Set<string>((project.spec.namespaceResourceWhitelist ?? []).map((g: { group: string; kind: string }) => `${g.group}/${g.kind}`));
    for (const p of platforms) {
      for (const f of objectFiles(p)) {
        const o = read(path.join(p, f)) as KubeObject;
        const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
        if (o.metadata.namespace) {
          expect(allowed.has(o.metadata.namespace), `${p}/${f}: namespace ${o.metadata.namespace}`).toBe(true);
          expect(namespacedKinds.has(`${group}/${o.kind}`), `${p}/${f}`).toBe(true);
        } else {
          expect(clusterKinds.has(`${group}/${o.kind}`), `${p}/${f}`).toBe(true);
        }
      }
    }
    expect([...allowed].some((n) => n === '*')).toBe(false);
  });

  it('every object carries its sync wave; the kustomization lists every object file in wave order', () => {
    for (const p of platforms) {
      const files = objectFiles(p);
      const waves = new Map(files.map((f) => [f, Number((read(path.join(p, f)) as KubeObject).metadata.annotations?.[SYNC_WAVE_ANNOTATION])]));
      for (const [f, w] of waves) expect(Number.isInteger(w), `${p}/${f}`).toBe(true);
      const k = read(path.join(p, 'kustomization.yaml')) as { kind: string; resources: string[] };
      expect(k.kind).toBe('Kustomization');
      expect([...k.resources].sort()).toEqual([...files].sort());
      const ordered = k.resources.map((f) => waves.get(f)!);
      expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
    }
  });

  it('waves follow the platform order: namespaces, identities and runtimes, gateways, routes, policies, monitoring, and the models last', () => {
    const order = ['Namespace', 'ServiceAccount', 'ServingRuntime', 'Gateway', 'HTTPRoute', 'AuthPolicy', 'PrometheusRule', 'InferenceService'].map(syncWaveOf);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(order.length);
  });

  it('a model that never becomes ready holds up nothing: every model is in the last wave before the Applications, after every route, policy and monitor', () => {
    for (const p of platforms.filter((x) => x !== 'argocd')) {
      const objects = fs.readdirSync(path.join(dist, p)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').map((f) => read(path.join(p, f)) as KubeObject);
      const wave = (o: KubeObject) => Number(o.metadata.annotations?.[SYNC_WAVE_ANNOTATION]);
      const models = objects.filter((o) => o.kind === 'InferenceService' || o.kind === 'LLMInferenceService');
      const others = objects.filter((o) => !models.includes(o) && !o.metadata.annotations?.['argocd.argoproj.io/hook']);
      if (models.length === 0) continue;
      const firstModel = Math.min(...models.map(wave));
      const after = others.filter((o) => wave(o) > firstModel && !(o.kind === 'PersistentVolumeClaim' || o.kind === 'CronJob'));
      expect(after.map((o) => `${o.kind}/${o.metadata.name}`), p).toEqual([]);
    }
  });

  it('a Certificate syncs after the gateways (an HTTP-01 challenge is answered through them; before them the two would wait for each other) and before the models', () => {
    expect(syncWaveOf('Certificate')).toBeGreaterThan(Math.max(...['Gateway', 'Deployment', 'Service'].map(syncWaveOf)));
    expect(syncWaveOf('Certificate')).toBeLessThan(syncWaveOf('InferenceService'));
    expect(Number((read(path.join('kong-gateway', 'certificate.kong.kong-tls.yaml')) as KubeObject).metadata.annotations?.[SYNC_WAVE_ANNOTATION])).toBe(syncWaveOf('Certificate'));
  });

  it('a protected route syncs after its policies (no window in which it serves without authentication), a public route at the route wave', () => {
    const wave = (p: string, f: string) => Number((read(path.join(p, f)) as KubeObject).metadata.annotations?.[SYNC_WAVE_ANNOTATION]);
    expect(wave('maas', 'authpolicy.llm.maas-qwen3.yaml')).toBe(6);
    expect(wave('maas', 'httproute.llm.qwen3.yaml')).toBe(PROTECTED_ROUTE_SYNC_WAVE);
    expect(wave('kgateway-production', 'trafficpolicy.ml-models-prod.model-access-sklearn-iris.yaml')).toBe(6);
    expect(wave('kgateway-production', 'httproute.ml-models-prod.sklearn-iris.yaml')).toBe(PROTECTED_ROUTE_SYNC_WAVE);
    expect(wave('kgateway-kserve', 'httproute.ml-models.sklearn-iris.yaml')).toBe(syncWaveOf('HTTPRoute'));
    // A public Kong route that names plugins (CORS, limits) also waits for them.
    expect(wave('kong-gateway', 'kongplugin.kong.catalog-browser-cors.yaml')).toBe(6);
    expect(wave('kong-gateway', 'httproute.kong.catalog-browser.yaml')).toBe(PROTECTED_ROUTE_SYNC_WAVE);
    expect(wave('kong-gateway', 'httproute.kong.https-redirect.yaml')).toBe(syncWaveOf('HTTPRoute'));
    expect(PROTECTED_ROUTE_SYNC_WAVE).toBeGreaterThan(Math.max(...['AuthPolicy', 'RateLimitPolicy', 'TrafficPolicy', 'SecurityPolicy', 'KongPlugin', 'KongConsumer'].map(syncWaveOf)));
    expect(PROTECTED_ROUTE_SYNC_WAVE).toBeLessThan(syncWaveOf('PodMonitor'));
  });

  it('each platform folder has a README with a diagram, endpoints and the waivers, next to POLICY.md', () => {
    for (const p of platforms.filter((x) => x !== 'argocd')) {
      const readme = fs.readFileSync(path.join(dist, p, 'README.md'), 'utf8');
      expect(readme, p).toContain('```mermaid');
      expect(readme, p).toContain('## Endpoints');
      expect(readme, p).toContain('## Security waivers');
      expect(fs.existsSync(path.join(dist, p, 'POLICY.md')), p).toBe(true);
    }
  });
});

describe('Argo CD Application and ApplicationSet', () => {
  const application = (repoUrl: string) => () => new Application(setup(['argocd']).ns.argocd, 'app', { project: 'models', repoUrl, path: 'dist/maas', namespace: 'llm' });
  const applicationSet = (repoUrl: string) => () => new ApplicationSet(setup(['argocd']).ns.argocd, 'set', { project: 'models', repoUrl, path: 'dist/maas', namespace: 'llm', clusterSelector: { env: 'prod' }, values: {} });
  const messageOf = (build: () => unknown) => {
    try {
      build();
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  };

  it.each([
    ['https://deploy:ghp_' + 'Q'.repeat(36) + '@github.com/org/models.git', 'ghp_'],
    ['https://oauth2:glpat-s3cr3t@gitlab.example.com/org/models.git', 's3cr3t'],
    ['https://ghp_' + 'Q'.repeat(36) + '@github.com/org/models.git', 'ghp_'],
    ['ssh://git:s3cr3t@git.example.com/org/models.git', 's3cr3t'],
  ])('fails when repoUrl carries credentials: %s', (repoUrl, secret) => {
    for (const [build, path] of [
      [application(repoUrl), 'test/argocd/app'],
      [applicationSet(repoUrl), 'test/argocd/set'],
    ] as const) {
      const message = messageOf(build);
      expect(message).toMatch(new RegExp(`^${path}: repoUrl carries user info \\(user:token@\\), a credential that would be committed to dist/ \\(received: "<redacted>"\\)\\. Fix: use the plain clone URL`));
      expect(message).not.toContain(secret);
    }
  });

  it.each(['https://git.example.com/org/models.git', 'ssh://git@github.com/org/models.git', 'git@github.com:org/models.git', 'https://github.com/org/models@main'])('(not) a repoUrl without credentials: %s', (repoUrl) => {
    expect(application(repoUrl)).not.toThrow();
    expect(applicationSet(repoUrl)).not.toThrow();
  });
});
