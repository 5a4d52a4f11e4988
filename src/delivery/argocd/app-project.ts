import { Construct } from 'constructs';
import * as argo from '../../../imports/argocd-argoproj.io';
import { invalid } from '../../core/errors';
import { assertDnsSubdomain } from '../../core/names';
import { checkProps, childPath, isPlainObject, isString, requireArray } from '../../core/prop-types';

/** A group/kind pair for AppProject allow lists. */
export interface GroupKind {
  /** API group (`''` for core). */
  readonly group: string;
  /** Kind. */
  readonly kind: string;
}

/** Props of {@link AppProject}. */
export interface AppProjectProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.description`. @default - none */
  readonly description?: string;
  /** `spec.sourceRepos`: the Git repositories Applications of the project may read. */
  readonly sourceRepos: readonly string[];
  /**
   * `spec.destinations`: cluster server URL and the namespaces allowed there.
   * Namespaces are always listed; the server may be `'*'` only with
   * `permitOnlyProjectScopedClusters`.
   */
  readonly destinations: ReadonlyArray<{ readonly server: string; readonly namespaces: readonly string[] }>;
  /**
   * `spec.permitOnlyProjectScopedClusters`: Applications of the project may
   * only deploy to clusters registered to it (`argocd cluster add <context>
   * --project <name>`). With it, a destination server may be `'*'` (any
   * cluster scoped to the project): how a fleet that an ApplicationSet's
   * cluster generator selects is allowed without listing each cluster.
   * @default false
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/#project-scoped-repositories-and-clusters
   */
  readonly permitOnlyProjectScopedClusters?: boolean;
  /** `spec.clusterResourceWhitelist`: cluster-scoped kinds allowed (Namespace, ClusterServingRuntime...). */
  readonly clusterResources: readonly GroupKind[];
  /** `spec.namespaceResourceWhitelist`: namespaced kinds allowed; everything else is refused. */
  readonly namespaceResources: readonly GroupKind[];
}

/**
 * An Argo CD `AppProject` (argoproj.io/v1alpha1): the guard rails of the
 * platform Applications — which repositories, which destinations and
 * namespaces, and which kinds they may create. Lists are sorted.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
 */
export class AppProject extends Construct {
  /** `metadata.name`. */
  public readonly projectName: string;
  /** The L1 object. */
  public readonly resource: argo.AppProject;

  public constructor(scope: Construct, id: string, props: AppProjectProps) {
    checkProps(childPath(scope, id), props, 'AppProjectProps');
    super(scope, id);
    requireArray(this, 'sourceRepos', props.sourceRepos, isString, 'a repository URL', "list the Git URL of this repository: sourceRepos: ['https://github.com/org/platform.git']");
    requireArray(this, 'destinations', props.destinations, isPlainObject, 'a destination', "pass destinations: [{ server: 'https://kubernetes.default.svc', namespaces: ['models'] }]");
    requireArray(this, 'clusterResources', props.clusterResources, isPlainObject, 'a group and kind', "pass clusterResources: [{ group: '', kind: 'Namespace' }] (or [])");
    requireArray(this, 'namespaceResources', props.namespaceResources, isPlainObject, 'a group and kind', "pass namespaceResources: [{ group: 'apps', kind: 'Deployment' }]");
    this.projectName = assertDnsSubdomain(this, 'name', props.name ?? id);
    if (props.sourceRepos.length === 0 || props.sourceRepos.includes('*')) invalid(this, 'sourceRepos', 'must list the repositories explicitly (no wildcard)', props.sourceRepos, 'list the Git URL of this repository');
    if (props.destinations.some((d) => d.namespaces.includes('*'))) invalid(this, 'destinations', 'must not allow every namespace', props.destinations, 'list each namespace');
    if (!props.permitOnlyProjectScopedClusters && props.destinations.some((d) => d.server === '*')) {
      invalid(this, 'destinations', "allows every cluster (server '*') of an Argo CD that may manage clusters of other teams", props.destinations, 'list each cluster, or set permitOnlyProjectScopedClusters: true and add the clusters to this project');
    }
    const key = (g: GroupKind) => `${g.group}/${g.kind}`;
    const sortGk = (l: readonly GroupKind[]) => [...l].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).map((g) => ({ group: g.group, kind: g.kind }));
    this.resource = new argo.AppProject(this, 'Resource', {
      metadata: { name: this.projectName },
      spec: {
        description: props.description,
        sourceRepos: [...props.sourceRepos].sort(),
        destinations: props.destinations.flatMap((d) => [...d.namespaces].sort().map((namespace) => ({ server: d.server, namespace }))),
        clusterResourceWhitelist: sortGk(props.clusterResources),
        namespaceResourceWhitelist: sortGk(props.namespaceResources),
        permitOnlyProjectScopedClusters: props.permitOnlyProjectScopedClusters || undefined,
      },
    });
  }
}
