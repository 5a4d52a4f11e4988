import { Construct } from 'constructs';
import * as argo from '../../../imports/argocd-argoproj.io';
import { invalid } from '../../core/errors';
import { assertDnsLabel, assertDnsSubdomain } from '../../core/names';
import { checkProps, childPath } from '../../core/prop-types';

/** The cluster Argo CD runs in, as Argo CD names its API server. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** The destination namespace of an {@link Application} or of the Applications an {@link ApplicationSet} generates. */
export interface DestinationNamespaceProps {
  /**
   * `destination.namespace`: where namespaced objects without a
   * `metadata.namespace` go. Our platforms name a namespace on every object,
   * but Argo CD also matches this field against the AppProject's
   * `destinations`, and an empty one matches none: the Application would be
   * refused as "not permitted in project" (argo-cd#11510). So it is
   * required; pass a namespace the project allows, e.g. the platform's first
   * namespace.
   *
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/#managing-projects
   */
  readonly namespace: string;
}

/** Props of {@link Application}. */
export interface ApplicationProps extends DestinationNamespaceProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.project`. */
  readonly project: string;
  /** `spec.source.repoURL`. */
  readonly repoUrl: string;
  /** `spec.source.targetRevision`. @default 'main' */
  readonly targetRevision?: string;
  /** `spec.source.path`: the folder in the repository, e.g. `dist/maas`. */
  readonly path: string;
  /** `spec.destination.server`. @default IN_CLUSTER_SERVER */
  readonly server?: string;
  /** `spec.syncPolicy.automated.prune`: delete objects removed from Git. @default true */
  readonly prune?: boolean;
  /** `spec.syncPolicy.automated.selfHeal`: revert drift in the cluster. @default true */
  readonly selfHeal?: boolean;
  /**
   * `ServerSideApply=true`: needed for objects larger than the 256 KiB
   * last-applied annotation (large CRD specs, dashboards).
   * @default true
   */
  readonly serverSideApply?: boolean;
  /** Read the folder recursively (the app-of-apps root reads only its own folder). @default false */
  readonly recurse?: boolean;
  /**
   * `CreateNamespace=true`: Argo CD creates the destination namespace at the
   * start of a sync. Needed when the folder has PreSync hooks, which run
   * before the folder's own Namespace object is applied; the Namespace object
   * (labels, Pod Security) is applied over it in the sync.
   * @default false
   */
  readonly createNamespace?: boolean;
}

/**
 * An Argo CD `Application` (argoproj.io/v1alpha1) for one `dist/` folder:
 * automated sync (prune and self-heal as props), the folder read as a plain
 * directory (never through kustomize, which is slow on large folders, so
 * `kustomization.yaml` and Markdown files are excluded), and retries with
 * back-off.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/application-specification/
 */
export class Application extends Construct {
  /** `metadata.name`. */
  public readonly applicationName: string;
  /** `spec.source.path`. */
  public readonly sourcePath: string;
  /** The L1 object. */
  public readonly resource: argo.Application;

  public constructor(scope: Construct, id: string, props: ApplicationProps) {
    checkProps(childPath(scope, id), props, 'ApplicationProps');
    super(scope, id);
    this.applicationName = assertDnsSubdomain(this, 'name', props.name ?? id);
    checkSource(this, props);
    if (props.server !== undefined && !/^https:\/\/\S+$/.test(props.server)) invalid(this, 'server', 'must be the https URL of a cluster API server', props.server, "use 'https://kubernetes.default.svc' (the cluster Argo CD runs in) or a registered cluster's URL");
    assertDnsLabel(this, 'namespace', props.namespace);
    this.sourcePath = props.path;
    const options = [`CreateNamespace=${props.createNamespace ?? false}`, 'PrunePropagationPolicy=foreground', 'PruneLast=true'];
    if (props.serverSideApply ?? true) options.push('ServerSideApply=true');
    this.resource = new argo.Application(this, 'Resource', {
      metadata: { name: this.applicationName, finalizers: ['resources-finalizer.argocd.argoproj.io'] },
      spec: {
        project: props.project,
        source: {
          repoUrl: props.repoUrl,
          targetRevision: props.targetRevision ?? 'main',
          path: props.path,
          directory: { recurse: props.recurse ?? false, exclude: '{kustomization.yaml,*.md}' },
        },
        destination: { server: props.server ?? IN_CLUSTER_SERVER, namespace: props.namespace },
        syncPolicy: {
          automated: { prune: props.prune ?? true, selfHeal: props.selfHeal ?? true },
          syncOptions: options,
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
        },
      },
    });
  }
}

/**
 * Checks what an Application or ApplicationSet deploys from: the project
 * (an AppProject name), the repository URL and a relative path inside it.
 *
 * @throws ModelServingError naming the field
 */
export function checkSource(scope: Construct, props: { readonly project: string; readonly repoUrl: string; readonly path: string }): void {
  assertDnsSubdomain(scope, 'project', props.project);
  // Checked first, so no later message echoes the URL: user info in an https URL is a token or password committed to dist/.
  if (typeof props.repoUrl === 'string' && hasCredentialsInUrl(props.repoUrl)) {
    invalid(scope, 'repoUrl', 'carries user info (user:token@), a credential that would be committed to dist/', '<redacted>', 'use the plain clone URL (https://host/org/repo.git) and give Argo CD the credentials in a repository Secret (label argocd.argoproj.io/secret-type: repository)');
  }
  if (typeof props.repoUrl !== 'string' || !/^(https:\/\/|ssh:\/\/|git@)\S+$/.test(props.repoUrl)) invalid(scope, 'repoUrl', 'must be an https, ssh or git@ URL', props.repoUrl, 'use the clone URL of the repository');
  if (typeof props.path !== 'string' || props.path.startsWith('/') || props.path.split('/').includes('..')) invalid(scope, 'path', 'must be a relative path inside the repository', props.path, 'use e.g. dist/maas');
}

/**
 * True when a URL carries credentials in its user info: a password
 * (`user:secret@`) in any form, or any user info of an http(s) URL (a token
 * is often passed as the user name). `ssh://git@host/...` and
 * `git@host:org/repo`, with a user name only, are the normal ssh forms.
 */
function hasCredentialsInUrl(url: string): boolean {
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/?#@\s]*)@/i.exec(url);
  if (!m) return false;
  return m[2].includes(':') || /^https?$/i.test(m[1] ?? '');
}
