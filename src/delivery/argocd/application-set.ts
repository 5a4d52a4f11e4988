import { Construct } from 'constructs';
import * as argo from '../../../imports/argocd-argoproj.io';
import { invalid } from '../../core/errors';
import { assertDnsLabel, assertDnsSubdomain } from '../../core/names';
import { sortRecord } from '../../core/sort-keys';
import { checkSource, DestinationNamespaceProps } from './application';
import { checkedRecord } from '../../core/records';
import { checkProps, childPath } from '../../core/prop-types';

/** A per-cluster override: a JSON patch applied to every object of a kind. */
export interface ClusterOverride {
  /** Kind of the patched objects, e.g. `InferenceService`. */
  readonly kind: string;
  /** JSON pointer of the field, e.g. `/spec/predictor/minReplicas`. */
  readonly path: string;
  /** The generator value that supplies it (`values.<name>` of the cluster generator). */
  readonly value: string;
}

/** Props of {@link ApplicationSet}. */
export interface ApplicationSetProps extends DestinationNamespaceProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /**
   * `template.spec.project`. The project must allow the selected clusters:
   * with a cluster generator, an AppProject with
   * `permitOnlyProjectScopedClusters` and a `'*'` server, to which clusters
   * are added with `argocd cluster add --project <project>`.
   */
  readonly project: string;
  /** `template.spec.source.repoURL`. */
  readonly repoUrl: string;
  /** `template.spec.source.targetRevision`. @default 'main' */
  readonly targetRevision?: string;
  /** The `dist/` folder rolled out to every selected cluster. */
  readonly path: string;
  /** `generators[].clusters.selector.matchLabels`: the Argo CD cluster Secrets selected. */
  readonly clusterSelector: Record<string, string>;
  /** Default values of the generator (`generators[].clusters.values`), overridable per cluster through cluster Secret annotations in your Argo CD setup. */
  readonly values: Record<string, string>;
  /** Fields overridden per cluster from `values`. @default - none */
  readonly overrides?: readonly ClusterOverride[];
  /** `automated.prune`. @default true */
  readonly prune?: boolean;
  /** `automated.selfHeal`. @default true */
  readonly selfHeal?: boolean;
}

/**
 * An Argo CD `ApplicationSet` with a cluster generator: one platform rolled
 * out to every cluster whose Argo CD cluster Secret matches the selector,
 * one Application per cluster (`<name>-<cluster>`). Per-cluster overrides
 * (e.g. replicas) come from generator values, applied as kustomize patches —
 * so this source uses kustomize, unlike the single-cluster Applications.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Cluster/
 */
export class ApplicationSet extends Construct {
  /** `metadata.name`. */
  public readonly applicationSetName: string;
  /** The source path. */
  public readonly sourcePath: string;
  /** The L1 object. */
  public readonly resource: argo.ApplicationSet;

  public constructor(scope: Construct, id: string, props: ApplicationSetProps) {
    checkProps(childPath(scope, id), props, 'ApplicationSetProps');
    super(scope, id);
    this.applicationSetName = assertDnsSubdomain(this, 'name', props.name ?? id);
    checkSource(this, props);
    assertDnsLabel(this, 'namespace', props.namespace);
    this.sourcePath = props.path;
    checkedRecord(this, 'clusterSelector', props.clusterSelector);
    checkedRecord(this, 'values', props.values);
    if (Object.keys(props.clusterSelector).length === 0) invalid(this, 'clusterSelector', 'must select clusters by label (an empty selector targets every cluster)', props.clusterSelector, "pass e.g. { 'models.cdk8s.io/platform': 'maas' }");
    for (const o of props.overrides ?? []) {
      if (!Object.hasOwn(props.values, o.value)) invalid(this, 'overrides', `uses value '${o.value}' that the generator does not define`, o.value, `add it to values: { ${o.value}: '...' }`);
      if (!o.path.startsWith('/')) invalid(this, 'overrides', 'needs a JSON pointer path', o.path, 'use e.g. /spec/predictor/minReplicas');
    }
    this.resource = new argo.ApplicationSet(this, 'Resource', {
      metadata: { name: this.applicationSetName },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{ clusters: { selector: { matchLabels: sortRecord(props.clusterSelector) }, values: sortRecord(props.values) } }],
        template: {
          metadata: { name: `${this.applicationSetName}-{{.name}}` },
          spec: {
            project: props.project,
            source: {
              repoUrl: props.repoUrl,
              targetRevision: props.targetRevision ?? 'main',
              path: props.path,
              kustomize: props.overrides?.length
                ? {
                    patches: props.overrides.map((o) => ({
                      target: { kind: o.kind },
                      patch: `- op: replace\n  path: ${o.path}\n  value: {{ .values.${o.value} }}\n`,
                    })),
                  }
                : undefined,
            },
            destination: { server: '{{.server}}', namespace: props.namespace },
            syncPolicy: {
              automated: { prune: props.prune ?? true, selfHeal: props.selfHeal ?? true },
              syncOptions: ['CreateNamespace=false', 'ServerSideApply=true', 'PruneLast=true'],
            },
          },
        },
      },
    });
  }
}
