import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Namespace } from '../core/namespace';
import { Platform } from '../core/platform';
import { AppProject, GroupKind } from '../delivery/argocd/app-project';
import { Application, IN_CLUSTER_SERVER } from '../delivery/argocd/application';
import { ApplicationSet } from '../delivery/argocd/application-set';

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

/**
 * Reference platform `argocd`: how Argo CD delivers `dist/`. In the existing
 * `argocd` namespace: an AppProject limited to this repository, the
 * platforms' namespaces and exactly the kinds they contain; one Application
 * per platform folder; a root app-of-apps for this folder; and an
 * ApplicationSet with a cluster generator that rolls one platform out to
 * every labelled cluster with per-cluster replicas.
 */
export class ArgoCdPlatform extends Platform {
  public constructor(scope: Construct, id: string, props: ArgoCdPlatformProps) {
    super(scope, id, { description: 'Argo CD delivery of the platforms: project, one Application per platform, app-of-apps root, multi-cluster ApplicationSet.' });
    const repoUrl = props.repoUrl ?? REPO_URL;
    const targetRevision = props.targetRevision ?? 'main';
    const argocd = new Namespace(this, 'argocd', { external: true });

    const namespaces = new Set<string>(['argocd']);
    const clusterKinds = new Map<string, GroupKind>();
    const namespacedKinds = new Map<string, GroupKind>([
      ['argoproj.io/Application', { group: 'argoproj.io', kind: 'Application' }],
      ['argoproj.io/AppProject', { group: 'argoproj.io', kind: 'AppProject' }],
      ['argoproj.io/ApplicationSet', { group: 'argoproj.io', kind: 'ApplicationSet' }],
    ]);
    for (const p of [...props.platforms, props.multiClusterPlatform]) {
      for (const c of p.node.findAll()) {
        // Every namespace that receives objects, ours or external (Argo CD refuses the others).
        if (Namespace.isNamespace(c) && !c.external) namespaces.add(c.name);
        if (!(c instanceof ApiObject)) continue;
        if (c.metadata.namespace) namespaces.add(c.metadata.namespace);
        const group = c.apiVersion.includes('/') ? c.apiVersion.split('/')[0] : '';
        const gk = { group, kind: c.kind };
        const key = `${group}/${c.kind}`;
        if (c.metadata.namespace) namespacedKinds.set(key, gk);
        else clusterKinds.set(key, gk);
      }
    }

    const project = new AppProject(argocd, 'project', {
      name: 'model-serving',
      description: 'Platforms synthesized by cdk8s-model-serving',
      sourceRepos: [repoUrl],
      destinations: [{ server: IN_CLUSTER_SERVER, namespaces: [...namespaces] }],
      clusterResources: [...clusterKinds.values()],
      namespaceResources: [...namespacedKinds.values()],
    });

    new Application(argocd, 'root', { name: 'model-serving-root', project: project.projectName, repoUrl, targetRevision, path: `dist/${this.platformName}` });
    for (const p of props.platforms) {
      new Application(argocd, `app-${p.platformName}`, { name: p.platformName, project: project.projectName, repoUrl, targetRevision, path: `dist/${p.platformName}` });
    }
    new ApplicationSet(argocd, 'fleet', {
      name: `${props.multiClusterPlatform.platformName}-fleet`,
      project: project.projectName,
      repoUrl,
      targetRevision,
      path: `dist/${props.multiClusterPlatform.platformName}`,
      clusterSelector: { 'models.cdk8s.io/fleet': props.multiClusterPlatform.platformName },
      values: { minReplicas: '1' },
      overrides: [{ kind: 'InferenceService', path: '/spec/predictor/minReplicas', value: 'minReplicas' }],
    });
  }
}
