import { describe, expect, it } from 'vitest';
import { KongBackup, KongBackupProps } from '../../src/kong/kong-backup';
import { findObject, setup, synthObjects } from '../util';
import { database, securityFindings, validationIssues } from './fixtures';

function build(props: Partial<KongBackupProps> = {}) {
  const f = setup(['kong'], { requireAccessPolicies: false });
  const b = new KongBackup(f.ns.kong, 'backup', { database: database(), storageClassName: 'encrypted-ssd', ...props });
  return { ...f, b, objects: synthObjects(f.app) };
}

describe('KongBackup', () => {
  it('exports the configuration daily to a PersistentVolumeClaim of the given class', () => {
    const { objects } = build();
    const pvc = findObject(objects, 'PersistentVolumeClaim', 'kong-backup', 'kong');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'encrypted-ssd', resources: { requests: { storage: '5Gi' } } });
    const cj = findObject(objects, 'CronJob', 'kong-backup', 'kong');
    expect(cj.spec).toMatchObject({ schedule: '0 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.volumes.find((v: { name: string }) => v.name === 'backup')).toEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'kong-backup' } });
    const c = pod.containers[0];
    expect(c.image).toBe('kong:3.9.1');
    expect(c.args[0]).toContain('kong config db_export "$file"');
    expect(c.volumeMounts).toContainEqual({ name: 'backup', mountPath: '/backup' });
    expect(cj).toMatchSnapshot();
  });

  it('comes last in the sync (wave 9), with a Sync hook of that wave that mounts the claim: a claim that binds on first use binds during the sync, since Argo CD waits for every resource to be healthy', () => {
    const { objects } = build();
    for (const kind of ['PersistentVolumeClaim', 'CronJob']) {
      expect(findObject(objects, kind, 'kong-backup', 'kong').metadata.annotations?.['argocd.argoproj.io/sync-wave'], kind).toBe('9');
    }
    const bind = findObject(objects, 'Job', 'kong-backup-bind', 'kong');
    expect(bind.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded', 'argocd.argoproj.io/sync-wave': '9' });
    const pod = bind.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'kong-backup' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'backup', mountPath: '/backup' });
    // It only mounts the volume: no database environment, no credentials.
    expect(pod.containers[0].env).toBeUndefined();
    expect([...pod.containers[0].command]).toEqual(['/bin/sh', '-c', 'true']);
  });

  it('keeps the newest `retention` exports', () => {
    const { objects } = build({ retention: 14 });
    const c = findObject(objects, 'CronJob', 'kong-backup').spec.jobTemplate.spec.template.spec.containers[0];
    expect(c.env.find((e: { name: string }) => e.name === 'BACKUP_RETENTION').value).toBe('14');
    expect(c.args[0]).toContain("sort -r | tail -n +$((BACKUP_RETENTION + 1)) | xargs -r rm -f --");
  });

  it('omits storageClassName to use the cluster default, and honours schedule and size', () => {
    const { objects } = build({ storageClassName: undefined, schedule: '30 3 * * 0', storageSize: '20Gi', timeZone: 'Europe/Paris' });
    expect(findObject(objects, 'PersistentVolumeClaim', 'kong-backup').spec.storageClassName).toBeUndefined();
    expect(findObject(objects, 'PersistentVolumeClaim', 'kong-backup').spec.resources.requests.storage).toBe('20Gi');
    expect(findObject(objects, 'CronJob', 'kong-backup').spec).toMatchObject({ schedule: '30 3 * * 0', timeZone: 'Europe/Paris' });
  });

  it('runs restricted with its own ServiceAccount and reaches only PostgreSQL', () => {
    const { objects, app } = build();
    expect(findObject(objects, 'ServiceAccount', 'kong-backup').automountServiceAccountToken).toBe(false);
    expect(findObject(objects, 'NetworkPolicy', 'allow-kong-backup-to-postgres').spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe('backup');
    expect(validationIssues(objects)).toEqual([]);
    expect(securityFindings(app)).toEqual([]);
  });

  describe('fails when', () => {
    it('the retention is out of range', () => {
      expect(() => build({ retention: 0 })).toThrow(/test\/kong\/backup: retention must be an integer between 1 and 365 \(exports kept\) \(received: 0\)/);
      expect(() => build({ retention: 2.5 })).toThrow(/retention must be an integer/);
    });
    it('the schedule is not a five-field cron expression', () => {
      expect(() => build({ schedule: '@daily' })).toThrow(/schedule must be a five-field cron expression/);
      expect(() => build({ schedule: '0 2 * *' })).toThrow(/schedule must be a five-field cron expression/);
    });
    it('the storage class, size, time zone or image is invalid', () => {
      expect(() => build({ storageClassName: 'Fast SSD' })).toThrow(/storageClassName must be a DNS-1123 subdomain/);
      expect(() => build({ storageSize: '5GB' })).toThrow(/storageSize must be a Kubernetes quantity string/);
      expect(() => build({ timeZone: 'UTC+1 hour' })).toThrow(/timeZone must be an IANA time zone name/);
      expect(() => build({ image: 'kong' })).toThrow(/image has no tag/);
    });
  });
});
