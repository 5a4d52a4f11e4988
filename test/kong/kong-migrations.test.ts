import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { KongMigrations } from '../../src/kong/kong-migrations';
import { findObject, setup, synthObjects } from '../util';
import { database, securityFindings, validationIssues } from './fixtures';

function build(props: Partial<ConstructorParameters<typeof KongMigrations>[2]> = {}) {
  const f = setup(['kong'], { requireAccessPolicies: false });
  const m = new KongMigrations(f.ns.kong, 'migrations', { database: database(), ...props });
  return { ...f, m, objects: synthObjects(f.app) };
}

describe('KongMigrations', () => {
  it('bootstraps and runs pending migrations in an Argo CD PreSync hook Job', () => {
    const { objects } = build();
    const job = findObject(objects, 'Job', 'kong-migrations', 'kong');
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded' });
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe('kong:3.9.1');
    expect([...c.command, ...c.args]).toEqual(['/bin/sh', '-c', 'kong migrations bootstrap && kong migrations up']);
    expect(c.env.find((e: { name: string }) => e.name === 'KONG_PG_PASSWORD').valueFrom).toEqual({ secretKeyRef: { name: 'kong-pg', key: 'password' } });
    // The migrations verify the in-cluster server against its CA (the system bundle alone fails the handshake).
    expect(c.env.find((e: { name: string }) => e.name === 'KONG_LUA_SSL_TRUSTED_CERTIFICATE').value).toBe('system,/etc/kong/postgres-ca/ca.crt');
    expect(c.volumeMounts).toContainEqual({ name: 'postgres-ca', mountPath: '/etc/kong/postgres-ca', readOnly: true });
    expect(job.spec.template.spec.volumes).toContainEqual({ name: 'postgres-ca', secret: { secretName: 'postgresql-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(job.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 600 });
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job).toMatchSnapshot();
  });

  it('finishes migrations in a PostSync hook once the new proxies run', () => {
    const job = findObject(build().objects, 'Job', 'kong-migrations-finish', 'kong');
    expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PostSync');
    expect(job.spec.template.spec.containers[0].args).toEqual(['kong migrations finish']);
  });

  it('creates its ServiceAccount in an earlier PreSync wave, without an API token', () => {
    const { objects } = build();
    const sa = findObject(objects, 'ServiceAccount', 'kong-migrations', 'kong') as any;
    expect(sa.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation', 'argocd.argoproj.io/sync-wave': '-1' });
    expect(sa.automountServiceAccountToken).toBe(false);
    for (const name of ['kong-migrations', 'kong-migrations-finish']) {
      const pod = findObject(objects, 'Job', name).spec.template.spec;
      expect(pod.serviceAccountName).toBe('kong-migrations');
      expect(pod.automountServiceAccountToken).toBe(false);
    }
  });

  it('reaches only PostgreSQL', () => {
    const np = findObject(build().objects, 'NetworkPolicy', 'allow-kong-migrations-to-postgres', 'kong');
    expect(np.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/component': 'migrations', 'app.kubernetes.io/instance': 'kong', 'app.kubernetes.io/name': 'kong' });
    expect(np.spec.egress[0].ports).toEqual([{ port: 5432, protocol: 'TCP' }]);
  });

  it('passes the validator and the security rules', () => {
    const { objects, app } = build();
    expect(validationIssues(objects)).toEqual([]);
    expect(securityFindings(app)).toEqual([]);
  });

  describe('fails when', () => {
    it('the image is not pinned', () => {
      expect(() => build({ image: 'kong:latest' })).toThrow(/test\/kong\/migrations: image uses the ':latest' tag/);
    });
    it('the timeout or back-off is out of range', () => {
      expect(() => build({ timeout: Duration.seconds(10) })).toThrow(/test\/kong\/migrations: timeout must be between 60s and 86400s \(received: "10s"\)/);
      expect(() => build({ backoffLimit: -1 })).toThrow(/backoffLimit must be an integer between 0 and 10/);
    });
    it('the database reference is malformed', () => {
      expect(() => build({ database: database({ database: 'kong db' }) })).toThrow(/database.database must be a PostgreSQL identifier/);
    });
  });
});
