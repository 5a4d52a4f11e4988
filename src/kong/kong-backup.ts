import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { ARGOCD_HOOK_ANNOTATION, ARGOCD_HOOK_DELETE_POLICY_ANNOTATION, SYNC_WAVE_ANNOTATION } from '../delivery/sync-waves';
import { assertPinnedImage } from '../core/image';
import { Namespace } from '../core/namespace';
import { assertDnsLabel, assertDnsSubdomain } from '../core/names';
import { assertQuantity } from '../core/quantity';
import { noteRequiredObject } from '../core/required-object';
import { ResourceRequirements } from '../core/resources';
import { ServiceAccount } from '../core/service-account';
import { allowPostgresEgress, KONG_IMAGE, kongBaseEnvironment, kongDatabaseMounts, kongDatabaseVolumes, kongContainer, kongPodLabels, kongPodSecurity } from './kong-pod';
import { PostgresReference } from './postgres';
import { checkProps, childPath, requireWith } from '../core/prop-types';

/** Where the backup CronJob mounts its volume. */
export const KONG_BACKUP_PATH = '/backup';

/** Props of {@link KongBackup}. */
export interface KongBackupProps {
  /** Name of the CronJob, PersistentVolumeClaim and ServiceAccount; a DNS-1123 label. @default 'kong-backup' */
  readonly name?: string;
  /** The Kong image, pinned (the same version as the proxies: an export belongs to a schema version). @default KONG_IMAGE */
  readonly image?: string;
  /** The database to export (the password Secret must be in this namespace). */
  readonly database: PostgresReference;
  /** `schedule` in cron format (five fields, UTC unless `timeZone`). @default '0 2 * * *' (daily at 02:00) */
  readonly schedule?: string;
  /** `timeZone` of the schedule (IANA name). @default 'Etc/UTC' */
  readonly timeZone?: string;
  /** Exports kept on the volume; older ones are deleted after each successful export. 1 to 365. @default 7 */
  readonly retention?: number;
  /** `storageClassName` of the PersistentVolumeClaim; use an encrypted class: exports contain consumer credentials. @default - the cluster's default class */
  readonly storageClassName?: string;
  /** Size of the PersistentVolumeClaim. @default '5Gi' */
  readonly storageSize?: string;
  /** Resources of the export container. @default requests 100m CPU / 256Mi, limits 500m CPU / 512Mi */
  readonly resources?: ResourceRequirements;
}

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
const TIME_ZONE = /^[A-Za-z]+(?:[/_+-][A-Za-z0-9]+)*$/;

/** The sync wave of the backup's claim and CronJob: after everything else of a platform (monitoring is 8). */
const LAST_WAVE = 9;

/**
 * A scheduled export of Kong's configuration (`kong config db_export`) to
 * a PersistentVolumeClaim, keeping the last `retention` exports:
 *
 * - `PersistentVolumeClaim/<name>` (ReadWriteOnce, `storageClassName` as given),
 *   with the CronJob in the last sync wave, and `Job/<name>-bind`, an Argo CD
 *   Sync hook of that wave that only mounts the claim: a claim that binds on
 *   first use would otherwise stay Pending (Progressing) until the first
 *   backup, and Argo CD would never see the sync complete;
 * - `CronJob/<name>`: daily by default, one run at a time (`Forbid`), each
 *   export written as `kong-<UTC timestamp>.yaml` and the oldest beyond
 *   the retention deleted;
 * - `ServiceAccount/<name>` without an API token, and the NetworkPolicy
 *   `allow-<name>-to-postgres`.
 *
 * Runs restricted with a read-only root filesystem (writes go to the
 * volume and emptyDirs). The exports hold consumer credentials in clear
 * text (Kong's declarative format), so the volume must be encrypted and
 * access to the namespace restricted; restore with `kong config db_import`.
 *
 * @throws ModelServingError for an unpinned image, a bad name, schedule,
 *   time zone, retention, storage class or size
 * @see https://developer.konghq.com/gateway/cli/reference/#kong-config
 */
export class KongBackup extends Construct {
  /** The CronJob. */
  public readonly cronJob: k8s.KubeCronJob;
  /** The PersistentVolumeClaim the exports are written to. */
  public readonly claim: k8s.KubePersistentVolumeClaim;
  /** The Argo CD Sync hook that mounts the claim in its wave, so a claim that binds on first use binds during the sync. */
  public readonly bindJob: k8s.KubeJob;
  /** Exports kept. */
  public readonly retention: number;

  public constructor(scope: Construct, id: string, props: KongBackupProps) {
    checkProps(childPath(scope, id), props, 'KongBackupProps');
    super(scope, id);
    const ns = Namespace.of(this);
    const name = assertDnsLabel(this, 'name', props.name ?? 'kong-backup', 52);
    const image = assertPinnedImage(this, 'image', props.image ?? KONG_IMAGE);
    requireWith(this, 'database', props.database, 'check', 'a PostgresReference', 'pass database: PostgresReference.of({ host, database, user, password })');
    props.database.check(this, 'database', ns.name);
    const schedule = props.schedule ?? '0 2 * * *';
    const fields = typeof schedule === 'string' ? schedule.trim().split(/\s+/) : [];
    if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
      invalid(this, 'schedule', 'must be a five-field cron expression (minute hour day-of-month month day-of-week)', schedule, "use e.g. '0 2 * * *' for daily at 02:00");
    }
    const timeZone = props.timeZone ?? 'Etc/UTC';
    if (!TIME_ZONE.test(timeZone)) invalid(this, 'timeZone', 'must be an IANA time zone name', timeZone, "use e.g. 'Etc/UTC' or 'Europe/Paris'");
    this.retention = props.retention ?? 7;
    if (!Number.isInteger(this.retention) || this.retention < 1 || this.retention > 365) invalid(this, 'retention', 'must be an integer between 1 and 365 (exports kept)', this.retention, 'use e.g. 7');
    if (props.storageClassName !== undefined) assertDnsSubdomain(this, 'storageClassName', props.storageClassName);
    const size = assertQuantity(this, 'storageSize', props.storageSize ?? '5Gi');

    // The last wave, bound by the Sync hook below: with a WaitForFirstConsumer storage class the claim stays
    // Pending until a pod uses it, and Argo CD waits for every resource of a sync, the last wave included, to
    // be healthy (gitops-engine sync_context.go; a Pending claim is Progressing) before the sync succeeds.
    if (props.storageClassName !== undefined) {
      noteRequiredObject(this, { kind: 'StorageClass', name: props.storageClassName, purpose: `PersistentVolumeClaim ${name} (Kong backups)`, setup: 'Create it (encrypted: the exports hold consumer credentials), or leave storageClassName out to use the default class.' });
    }
    this.claim = new k8s.KubePersistentVolumeClaim(this, 'Claim', {
      metadata: { name, annotations: { [SYNC_WAVE_ANNOTATION]: String(LAST_WAVE) } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: props.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(size) } },
      },
    });
    const sa = new ServiceAccount(this, 'ServiceAccount', { name });
    const labels = kongPodLabels(name, 'backup');
    // Exports are named by UTC time, so a name sort is a time sort; only exports older than the newest `retention` are removed.
    const script = [
      'set -eu',
      `file="${KONG_BACKUP_PATH}/kong-$(date -u +%Y%m%dT%H%M%SZ).yaml"`,
      'kong config db_export "$file"',
      `find ${KONG_BACKUP_PATH} -maxdepth 1 -name 'kong-*.yaml' | sort -r | tail -n +$((BACKUP_RETENTION + 1)) | xargs -r rm -f --`,
    ].join('\n');
    const container = kongContainer(
      this,
      'containers[backup]',
      {
        name: 'backup',
        image,
        command: ['/bin/sh', '-c'],
        args: [script],
        env: { ...kongBaseEnvironment(props.database), BACKUP_RETENTION: String(this.retention) },
        resources: props.resources ?? { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      },
      [...kongDatabaseMounts(props.database), { name: 'backup', mountPath: KONG_BACKUP_PATH }],
    );
    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: { name, annotations: { [SYNC_WAVE_ANNOTATION]: String(LAST_WAVE) } },
      spec: {
        schedule: fields.join(' '),
        timeZone,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 1800,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: 'OnFailure',
                serviceAccountName: sa.serviceAccountName,
                automountServiceAccountToken: false,
                securityContext: kongPodSecurity(),
                containers: [container],
                volumes: [
                  { name: 'tmp', emptyDir: {} },
                  ...kongDatabaseVolumes(props.database),
                  { name: 'backup', persistentVolumeClaim: { claimName: name } },
                ],
              },
            },
          },
        },
      },
    });
    allowPostgresEgress(ns, `${name}-to-postgres`, labels, props.database, [this.cronJob], `Kong backup ${name}`);

    // A pod that mounts the claim in the claim's own wave, so a WaitForFirstConsumer class binds it during the
    // sync instead of at the first scheduled backup. It only mounts the volume: no database, no credentials.
    const bind = kongContainer(
      this,
      'containers[bind]',
      { name: 'bind', image, command: ['/bin/sh', '-c', 'true'], resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } } },
      [{ name: 'backup', mountPath: KONG_BACKUP_PATH }],
    );
    this.bindJob = new k8s.KubeJob(this, 'BindJob', {
      metadata: {
        name: `${name}-bind`,
        annotations: { [ARGOCD_HOOK_ANNOTATION]: 'Sync', [ARGOCD_HOOK_DELETE_POLICY_ANNOTATION]: 'BeforeHookCreation,HookSucceeded', [SYNC_WAVE_ANNOTATION]: String(LAST_WAVE) },
      },
      spec: {
        backoffLimit: 2,
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels: kongPodLabels(name, 'backup-bind') },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: sa.serviceAccountName,
            automountServiceAccountToken: false,
            securityContext: kongPodSecurity(),
            containers: [bind],
            volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'backup', persistentVolumeClaim: { claimName: name } }],
          },
        },
      },
    });
  }
}
