import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { wholeSeconds } from '../core/duration';
import { invalid } from '../core/errors';
import { assertPinnedImage } from '../core/image';
import { Namespace } from '../core/namespace';
import { assertDnsLabel } from '../core/names';
import { ResourceRequirements } from '../core/resources';
import { ServiceAccount } from '../core/service-account';
import { ARGOCD_HOOK_ANNOTATION, ARGOCD_HOOK_DELETE_POLICY_ANNOTATION, SYNC_WAVE_ANNOTATION } from '../delivery/sync-waves';
import { allowPostgresEgress, KONG_IMAGE, kongBaseEnvironment, kongDatabaseMounts, kongDatabaseVolumes, kongContainer, kongPodLabels, kongPodSecurity } from './kong-pod';
import { PostgresReference } from './postgres';
import { checkProps, childPath, requireWith } from '../core/prop-types';

/** Props of {@link KongMigrations}. */
export interface KongMigrationsProps {
  /** Name prefix of the Jobs and the ServiceAccount; a DNS-1123 label. @default 'kong' */
  readonly name?: string;
  /** The Kong image, pinned: the same version as the proxies, since migrations belong to a release. @default KONG_IMAGE */
  readonly image?: string;
  /** The database to migrate (the password Secret must be in this namespace). */
  readonly database: PostgresReference;
  /** Resources of the migration containers. @default requests 100m CPU / 256Mi, limits 1 CPU / 512Mi */
  readonly resources?: ResourceRequirements;
  /** `activeDeadlineSeconds` of each Job (whole seconds, 1 minute to 1 day): a stuck migration fails the sync. @default Duration.minutes(10) */
  readonly timeout?: Duration;
  /** `backoffLimit`. @default 2 */
  readonly backoffLimit?: number;
}

/**
 * Kong's database migrations as Argo CD hooks, Kong's documented upgrade
 * path (migrations `up` before the new version runs, `finish` after):
 *
 * - `Job/<name>-migrations` (PreSync): `kong migrations bootstrap` (a no-op
 *   on a bootstrapped database) then `kong migrations up`, before any new
 *   proxy starts;
 * - `Job/<name>-migrations-finish` (PostSync): `kong migrations finish`
 *   once the new proxies run;
 * - `ServiceAccount/<name>-migrations`, a PreSync hook in an earlier wave
 *   (it must exist before the PreSync Job on the first sync), without an
 *   API token.
 *
 * Both Jobs are deleted before the next sync creates them again and once
 * they succeed (`BeforeHookCreation,HookSucceeded`), run restricted with a
 * read-only root filesystem, and reach only PostgreSQL (NetworkPolicy
 * `allow-<name>-migrations-to-postgres`).
 *
 * @throws ModelServingError for an unpinned image, a bad name, or a timeout or back-off out of range
 * @see https://developer.konghq.com/gateway/upgrade/
 */
export class KongMigrations extends Construct {
  /** The PreSync Job (`bootstrap` + `up`). */
  public readonly upJob: k8s.KubeJob;
  /** The PostSync Job (`finish`). */
  public readonly finishJob: k8s.KubeJob;
  /** The hooks' ServiceAccount. */
  public readonly serviceAccount: ServiceAccount;

  public constructor(scope: Construct, id: string, props: KongMigrationsProps) {
    checkProps(childPath(scope, id), props, 'KongMigrationsProps');
    super(scope, id);
    const ns = Namespace.of(this);
    const name = assertDnsLabel(this, 'name', props.name ?? 'kong', 40);
    const image = assertPinnedImage(this, 'image', props.image ?? KONG_IMAGE);
    requireWith(this, 'database', props.database, 'check', 'a PostgresReference', 'pass database: PostgresReference.of({ host, database, user, password })');
    props.database.check(this, 'database', ns.name);
    const timeout = wholeSeconds(this, 'timeout', props.timeout, { min: 60, max: 86_400, example: 'Duration.minutes(10)' }) ?? 600;
    const backoff = props.backoffLimit ?? 2;
    if (!Number.isInteger(backoff) || backoff < 0 || backoff > 10) invalid(this, 'backoffLimit', 'must be an integer between 0 and 10', backoff, 'use e.g. 2');

    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      name: `${name}-migrations`,
      annotations: { [ARGOCD_HOOK_ANNOTATION]: 'PreSync', [ARGOCD_HOOK_DELETE_POLICY_ANNOTATION]: 'BeforeHookCreation', [SYNC_WAVE_ANNOTATION]: '-1' },
    });
    const labels = kongPodLabels(name, 'migrations');
    const job = (jobId: string, jobName: string, hook: 'PreSync' | 'PostSync', script: string): k8s.KubeJob => {
      const container = kongContainer(
        this,
        `${jobId}.containers[migrations]`,
        {
          name: 'migrations',
          image,
          command: ['/bin/sh', '-c'],
          args: [script],
          env: kongBaseEnvironment(props.database),
          resources: props.resources ?? { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
        },
        kongDatabaseMounts(props.database),
      );
      return new k8s.KubeJob(this, jobId, {
        metadata: {
          name: jobName,
          annotations: { [ARGOCD_HOOK_ANNOTATION]: hook, [ARGOCD_HOOK_DELETE_POLICY_ANNOTATION]: 'BeforeHookCreation,HookSucceeded' },
        },
        spec: {
          backoffLimit: backoff,
          activeDeadlineSeconds: timeout,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              serviceAccountName: this.serviceAccount.serviceAccountName,
              automountServiceAccountToken: false,
              securityContext: kongPodSecurity(),
              containers: [container],
              volumes: [
                { name: 'tmp', emptyDir: {} },
                ...kongDatabaseVolumes(props.database),
              ],
            },
          },
        },
      });
    };
    this.upJob = job('UpJob', `${name}-migrations`, 'PreSync', 'kong migrations bootstrap && kong migrations up');
    this.finishJob = job('FinishJob', `${name}-migrations-finish`, 'PostSync', 'kong migrations finish');
    allowPostgresEgress(ns, `${name}-migrations-to-postgres`, labels, props.database, [this.upJob, this.finishJob], `Kong migrations ${name}`);
  }
}
