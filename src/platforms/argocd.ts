import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { Namespace } from '../core/namespace';
import { Platform } from '../core/platform';
import { AppProject, GroupKind } from '../delivery/argocd/app-project';
import { Application, IN_CLUSTER_SERVER } from '../delivery/argocd/application';
import { ApplicationSet } from '../delivery/argocd/application-set';
import { HEALTH_PATCH_FILE, healthChecksFor, renderHealthPatch } from '../delivery/argocd/health-checks';
import { ARGOCD_HOOK_ANNOTATION } from '../delivery/sync-waves';

/** The Git repository Argo CD reads `dist/` from. Change it when you fork the project. */
export const REPO_URL = 'https://github.com/example-org/cdk8s-model-serving.git';

/** Props of {@link ArgoCdPlatform}. */
export interface ArgoCdPlatformProps {
  /** The platforms to deliver (one Application each). */
  readonly platforms: readonly Platform[];
  /** The platform rolled out to many clusters by an ApplicationSet. */
  readonly multiClusterPlatform: Platform;
  /** Git repository. @default REPO_URL */
  readonly repoUrl?: string;
  /** Branch or tag. @default 'main' */
  readonly targetRevision?: string;
}

/** What a set of platforms deploys: the namespaces and kinds an AppProject must allow. */
interface DeployedScope {
  readonly namespaces: Set<string>;
  readonly clusterKinds: Map<string, GroupKind>;
  readonly namespacedKinds: Map<string, GroupKind>;
}

function scopeOf(platforms: readonly Platform[]): DeployedScope {
  const scope: DeployedScope = { namespaces: new Set(), clusterKinds: new Map(), namespacedKinds: new Map() };
  for (const p of platforms) {
    for (const c of p.node.findAll()) {
      // Every namespace that receives objects, ours or external (Argo CD refuses the others).
      if (Namespace.isNamespace(c) && !c.external) scope.namespaces.add(c.name);
      if (!(c instanceof ApiObject)) continue;
      if (c.metadata.namespace) scope.namespaces.add(c.metadata.namespace);
      const group = c.apiVersion.includes('/') ? c.apiVersion.split('/')[0] : '';
      const key = `${group}/${c.kind}`;
      (c.metadata.namespace ? scope.namespacedKinds : scope.clusterKinds).set(key, { group, kind: c.kind });
    }
  }
  return scope;
}

/** True when the platform has Argo CD PreSync hooks (which run before its Namespace objects are applied). */
function hasPreSyncHooks(platform: Platform): boolean {
  return platform.node.findAll().some((c) => c instanceof ApiObject && ((c.metadata.toJson() as { annotations?: Record<string, string> }).annotations?.[ARGOCD_HOOK_ANNOTATION] ?? '').split(',').includes('PreSync'));
}

/** The destination namespace of a platform's Application: its first namespace (the one its first objects go to). */
function firstNamespace(platform: Platform): string {
  for (const c of platform.node.findAll()) {
    if (Namespace.isNamespace(c) && !c.external) return c.name;
    if (c instanceof ApiObject && c.metadata.namespace) return c.metadata.namespace;
  }
  return invalid(platform, 'namespaces', 'has no namespace to deploy to', platform.platformName, 'add a Namespace to the platform');
}

/**
 * Reference platform `argocd`: how Argo CD delivers `dist/`. In the existing
 * `argocd` namespace:
 * - the AppProject `model-serving`, limited to this repository, the
 *   in-cluster API server, the platforms' namespaces and exactly the kinds
 *   they contain;
 * - one Application per platform folder, and a root app-of-apps for this
 *   folder; each names a destination namespace the project allows;
 * - an ApplicationSet with a cluster generator that rolls one platform out
 *   to every labelled cluster with per-cluster replicas, in its own
 *   AppProject `<platform>-fleet`: only clusters registered to that project
 *   (`permitOnlyProjectScopedClusters`), only that platform's namespaces and
 *   kinds. A cluster joins the fleet with
 *   `argocd cluster add <context> --project <platform>-fleet --label models.cdk8s.io/fleet=<platform>`;
 * - `patches/argocd-cm.health.yaml`: an `argocd-cm` merge patch with the
 *   Argo CD health checks for the kinds of these platforms (and of this
 *   one) that Argo CD does not judge itself; operators apply it to Argo CD
 *   (the root Application does not: its directory source is not recursive).
 */
export class ArgoCdPlatform extends Platform {
  public constructor(scope: Construct, id: string, props: ArgoCdPlatformProps) {
    super(scope, id, { description: 'Argo CD delivery of the platforms: project, one Application per platform, app-of-apps root, multi-cluster ApplicationSet.' });
    const repoUrl = props.repoUrl ?? REPO_URL;
    const targetRevision = props.targetRevision ?? 'main';
    const argocd = new Namespace(this, 'argocd', { external: true });
    const argoKinds: GroupKind[] = ['Application', 'AppProject', 'ApplicationSet'].map((kind) => ({ group: 'argoproj.io', kind }));

    const local = scopeOf(props.platforms);
    const project = new AppProject(argocd, 'project', {
      name: 'model-serving',
      description: 'Platforms synthesized by cdk8s-model-serving',
      sourceRepos: [repoUrl],
      destinations: [{ server: IN_CLUSTER_SERVER, namespaces: [...local.namespaces, argocd.name] }],
      clusterResources: [...local.clusterKinds.values()],
      namespaceResources: [...local.namespacedKinds.values(), ...argoKinds],
    });
    new Application(argocd, 'root', { name: 'model-serving-root', project: project.projectName, repoUrl, targetRevision, path: `dist/${this.platformName}`, namespace: argocd.name });
    for (const p of props.platforms) {
      new Application(argocd, `app-${p.platformName}`, { name: p.platformName, project: project.projectName, repoUrl, targetRevision, path: `dist/${p.platformName}`, namespace: firstNamespace(p), createNamespace: hasPreSyncHooks(p) });
    }

    const fleetPlatform = props.multiClusterPlatform;
    const fleet = scopeOf([fleetPlatform]);
    const fleetProject = new AppProject(argocd, 'fleet-project', {
      name: `${fleetPlatform.platformName}-fleet`,
      description: `${fleetPlatform.platformName} on every cluster registered to this project`,
      sourceRepos: [repoUrl],
      destinations: [{ server: '*', namespaces: [...fleet.namespaces] }],
      permitOnlyProjectScopedClusters: true,
      clusterResources: [...fleet.clusterKinds.values()],
      namespaceResources: [...fleet.namespacedKinds.values()],
    });
    new ApplicationSet(argocd, 'fleet', {
      name: `${fleetPlatform.platformName}-fleet`,
      project: fleetProject.projectName,
      repoUrl,
      targetRevision,
      path: `dist/${fleetPlatform.platformName}`,
      namespace: firstNamespace(fleetPlatform),
      clusterSelector: { 'models.cdk8s.io/fleet': fleetPlatform.platformName },
      values: { minReplicas: '1' },
      overrides: [{ kind: 'InferenceService', path: '/spec/predictor/minReplicas', value: 'minReplicas' }],
    });

    // Rendered at synth time, so objects added to the platforms after this constructor count too.
    const delivered = [...props.platforms, this];
    this.addOutputFile(HEALTH_PATCH_FILE, () => renderHealthPatch(healthChecksFor(delivered.flatMap((p) => p.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)))));
  }
}
