import { describe, expect, it } from 'vitest';
import { KongCredential } from '../../../src/policy/kong/kong-credential';
import { formatIssue, validateObject } from '../../../src/validate';
import { findObject, setup, synthObjects } from '../../util';

const STORE = { name: 'vault' };
const ns = (names: readonly string[] = ['models']) => setup(names, { requireAccessPolicies: false });

describe('KongCredential', () => {
  it('keyAuth: the key comes from the store into a Secret labelled for KIC', () => {
    const { app, ns: n } = ns();
    const key = KongCredential.keyAuth(n.models, 'alice-key', { secretStore: STORE, key: { remoteKey: 'api-keys/alice', property: 'value' }, secretLabels: { team: 'a' } });
    expect(key.secretName).toBe('alice-key');
    expect(key.namespace).toBe('models');
    const es = findObject(synthObjects(app), 'ExternalSecret', 'alice-key', 'models');
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.spec.data).toEqual([{ secretKey: 'key', remoteRef: { key: 'api-keys/alice', property: 'value' } }]);
    expect(es.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'ClusterSecretStore' });
    expect(es.spec.target).toEqual({
      name: 'alice-key',
      creationPolicy: 'Owner',
      template: {
        type: 'Opaque',
        engineVersion: 'v2',
        mergePolicy: 'Replace',
        metadata: { labels: { team: 'a', 'konghq.com/credential': 'key-auth' } },
        data: { key: '{{ .key }}' },
      },
    });
    expect(es).toMatchSnapshot();
    expect(validateObject(es).map(formatIssue)).toEqual([]);
  });

  it('jwt: issuer and algorithm written as given, the PEM public key from the store', () => {
    const { app, ns: n } = ns();
    KongCredential.jwt(n.models, 'issuer', { secretStore: { name: 'keys', kind: 'SecretStore' }, key: 'https://auth.example.com/', algorithm: 'ES256', rsaPublicKey: { remoteKey: 'jwt/pem' } });
    const es = findObject(synthObjects(app), 'ExternalSecret', 'issuer');
    expect(es.spec.secretStoreRef).toEqual({ name: 'keys', kind: 'SecretStore' });
    expect(es.spec.data).toEqual([{ secretKey: 'rsa_public_key', remoteRef: { key: 'jwt/pem' } }]);
    expect(es.spec.target.template.data).toEqual({ algorithm: 'ES256', key: 'https://auth.example.com/', rsa_public_key: '{{ .rsa_public_key }}' });
    expect(es.spec.target.template.metadata.labels).toEqual({ 'konghq.com/credential': 'jwt' });
  });

  it('acl: the group written as given; the anchor entry is read but not written', () => {
    const { app, ns: n } = ns();
    KongCredential.acl(n.models, 'alice-acl', { secretStore: STORE, group: 'premium', anchor: { remoteKey: 'api-keys/alice' } });
    const es = findObject(synthObjects(app), 'ExternalSecret', 'alice-acl');
    expect(es.spec.data).toEqual([{ secretKey: 'anchor', remoteRef: { key: 'api-keys/alice' } }]);
    expect(es.spec.target.template.data).toEqual({ group: 'premium' });
    expect(es.spec.target.template.mergePolicy).toBe('Replace');
  });

  it('any type from fields in the store and literals', () => {
    const { app, ns: n } = ns();
    new KongCredential(n.models, 'basic', { type: 'basic-auth', secretStore: STORE, literals: { username: 'svc' }, fromStore: { password: { remoteKey: 'pw/svc' } }, refreshInterval: '15m' });
    const es = findObject(synthObjects(app), 'ExternalSecret', 'basic');
    expect(es.spec.refreshInterval).toBe('15m');
    expect(es.spec.target.template.data).toEqual({ password: '{{ .password }}', username: 'svc' });
  });

  describe('fails when', () => {
    it('a secret field is given as a literal (never a literal key)', () => {
      const { ns: n } = ns();
      expect(() => new KongCredential(n.models, 'k', { type: 'key-auth', secretStore: STORE, literals: { key: 'sk-live-123' } })).toThrow(
        /test\/models\/k: literals\.key is a secret of a key-auth credential and must come from the secret store, never a literal \(received: "\(redacted\)"\)/,
      );
      expect(() => new KongCredential(n.models, 'p', { type: 'basic-auth', secretStore: STORE, literals: { username: 'u', password: 'hunter2' } })).toThrow(/literals\.password is a secret of a basic-auth credential/);
    });

    it('a required field is missing', () => {
      const { ns: n } = ns();
      expect(() => new KongCredential(n.models, 'a', { type: 'acl', secretStore: STORE, anchor: { remoteKey: 'x' } })).toThrow(/fields\.group is required for a acl credential/);
      expect(() => new KongCredential(n.models, 'j', { type: 'jwt', secretStore: STORE, fromStore: { rsa_public_key: { remoteKey: 'x' } } })).toThrow(/fields\.algorithm is required for a jwt credential/);
    });

    it('there is no remote entry at all (the ESO webhook refuses it)', () => {
      const { ns: n } = ns();
      expect(() => new KongCredential(n.models, 'a', { type: 'acl', secretStore: STORE, literals: { group: 'g' } })).toThrow(/fromStore is empty and no anchor is given; the External Secrets webhook refuses an ExternalSecret without remote data/);
    });

    it('a field is given twice, has a bad name, or a literal holds template delimiters', () => {
      const { ns: n } = ns();
      expect(() => new KongCredential(n.models, 'a', { type: 'acl', secretStore: STORE, literals: { group: 'g' }, fromStore: { group: { remoteKey: 'x' } } })).toThrow(/literals\.group is also read from the store/);
      expect(() => new KongCredential(n.models, 'b', { type: 'acl', secretStore: STORE, literals: { group: 'g', 'Bad-Field': 'x' }, anchor: { remoteKey: 'x' } })).toThrow(/fields\.Bad-Field must be a Kong credential field name/);
      expect(() => KongCredential.acl(n.models, 'c', { secretStore: STORE, group: '{{ .key }}', anchor: { remoteKey: 'x' } })).toThrow(/literals\.group must be a non-empty string without template delimiters/);
    });

    it('a store entry has no key', () => {
      const { ns: n } = ns();
      expect(() => KongCredential.keyAuth(n.models, 'a', { secretStore: STORE, key: { remoteKey: '' } })).toThrow(/fromStore\.key\.remoteKey is required/);
    });

    it('a jwt credential uses a shared-secret algorithm or repeats an issuer key', () => {
      const { ns: n } = ns();
      expect(() => KongCredential.jwt(n.models, 'hs', { secretStore: STORE, key: 'iss', algorithm: 'HS256' as 'RS256', rsaPublicKey: { remoteKey: 'x' } })).toThrow(/algorithm must be an asymmetric algorithm/);
      KongCredential.jwt(n.models, 'one', { secretStore: STORE, key: 'https://auth.example.com/', algorithm: 'RS256', rsaPublicKey: { remoteKey: 'x' } });
      expect(() => KongCredential.jwt(n.models, 'two', { secretStore: STORE, key: 'https://auth.example.com/', algorithm: 'RS256', rsaPublicKey: { remoteKey: 'y' } })).toThrow(
        /test\/models\/two: literals\.key is already the key of jwt credential test\/models\/one \(Kong requires jwt credential keys to be unique\)/,
      );
    });

    it('the type is unknown', () => {
      const { ns: n } = ns();
      expect(() => new KongCredential(n.models, 'x', { type: 'ldap' as 'acl', secretStore: STORE, anchor: { remoteKey: 'x' } })).toThrow(/type must be one of key-auth, basic-auth, hmac-auth, jwt, acl, oauth2, mtls-auth \(received: "ldap"\)/);
    });
  });
});
