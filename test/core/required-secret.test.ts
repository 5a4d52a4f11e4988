import { ApiObject } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { EnvValue, renderEnv } from '../../src/core/env';
import { ExternalSecret } from '../../src/core/external-secret';
import { noteRequiredSecret } from '../../src/core/required-secret';
import { SecretRef } from '../../src/core/secret-ref';
import { Certificate, CertificateIssuer } from '../../src/tls/certificate';
import { setup } from '../util';

describe('noteRequiredSecret', () => {
  it('lists a Secret nothing in the platform writes, with every reader, once', () => {
    const { platform, ns } = setup(['models']);
    noteRequiredSecret(ns.models, undefined, 'db', 'DB_PASSWORD (key password) of api');
    noteRequiredSecret(ns.models, undefined, 'db', 'DB_USER (key user) of api');
    expect(platform.setupNotes).toEqual([
      { topic: 'Secret models/db', text: expect.stringContaining('Read by: DB_PASSWORD (key password) of api; DB_USER (key user) of api.') },
    ]);
  });

  it('(not) a Secret an ExternalSecret of the platform writes', () => {
    const { platform, ns } = setup(['models']);
    noteRequiredSecret(ns.models, undefined, 'db', 'DB_PASSWORD');
    new ApiObject(ns.models, 'es', { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'db-sync' }, spec: { target: { name: 'db' } } });
    expect(platform.setupNotes).toEqual([]);
  });

  it('(not) a TLS Secret a cert-manager Certificate of the platform writes', () => {
    const { platform, ns } = setup(['models']);
    noteRequiredSecret(ns.models, 'models', 'api-tls', 'TLS');
    new Certificate(ns.models, 'api-tls', { dnsNames: ['api.example.com'], issuer: CertificateIssuer.clusterIssuer('letsencrypt') });
    // The Secret is written by the Certificate; its issuer is what the cluster must have.
    expect(platform.setupNotes.map((n) => n.topic)).toEqual(['ClusterIssuer letsencrypt']);
  });

  it('what objects refer to by name: a secret store, an issuer, a storage class; not when the platform emits it', () => {
    const { platform, ns } = setup(['models']);
    new ExternalSecret(ns.models, 'keys', { secretStore: { name: 'vault', kind: 'SecretStore' }, data: [{ secretKey: 'k', remoteKey: 'models/keys' }] });
    new Certificate(ns.models, 'api-tls', { dnsNames: ['api.example.com'], issuer: CertificateIssuer.issuer('local-ca') });
    new ApiObject(ns.models, 'issuer', { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'local-ca' } });
    const notes = platform.setupNotes;
    expect(notes.map((n) => n.topic)).toEqual(['SecretStore models/vault']);
    expect(notes[0].text).toMatch(/^The SecretStore `vault` in namespace `models` must exist; nothing in this folder creates it.*Referred to by: secretStoreRef of ExternalSecret keys\. Create it with the External Secrets Operator/);
  });

  it('is what a container env var from a Secret leads to', () => {
    const { platform, ns } = setup(['models']);
    renderEnv(ns.models, 'env', { HF_TOKEN: EnvValue.fromSecret(SecretRef.named('hf-token'), 'token') });
    expect(platform.setupNotes.map((n) => n.topic)).toEqual(['Secret models/hf-token']);
  });
});
