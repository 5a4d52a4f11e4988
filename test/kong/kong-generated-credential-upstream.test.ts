/**
 * KongCredential.generatedKeyAuth: a key-auth credential whose key is
 * generated in the cluster (External Secrets Password generator, written
 * once to the store by a PushSecret, read back by an ExternalSecret), proved
 * on the KIC example `examples/kong-consumer-key-auth.yaml`:
 *
 * - the KongConsumer is rebuilt and compared field by field;
 * - the upstream Secret carries a literal key (`stringData.key: password`),
 *   which this library never writes; instead the Secret our ExternalSecret
 *   makes in the cluster (its `target` and `template`) is compared with it:
 *   same name, type, `konghq.com/credential: key-auth` label and the same
 *   key names, and no value at all in dist/.
 *
 * KIC 3.5.13 cannot let Kong generate the key: it refuses a key-auth Secret
 * without `key` (internal/dataplane/kongstate/credentials.go NewKeyAuth,
 * internal/admission/validation/consumers/credentials/vars.go KeyAuthFields).
 */
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { KongConsumer } from '../../src/policy/kong/kong-consumer';
import { KongCredential } from '../../src/policy/kong/kong-credential';
import { KongPlugin } from '../../src/policy/kong/kong-plugin';
import { formatIssue, validateObject } from '../../src/validate';
import { synthObjects, setup } from '../util';
import { compareWithUpstream, Json, readObjects } from '../upstream-compare';

const FILE = path.resolve(__dirname, '../../../shared/examples/kong/kubernetes-ingress-controller/examples/kong-consumer-key-auth.yaml');
const options = { secretStore: { name: 'vault' }, key: { remoteKey: 'api-keys/consumer1' }, generator: { name: 'api-key' } };

function build(): Json[] {
  const app = Testing.app();
  const chart = new Chart(app, 'examples');
  const key = KongCredential.generatedKeyAuth(chart, 'consumer1-auth', options);
  new KongConsumer(chart, 'consumer1', { username: 'consumer1', credentials: [key] });
  KongPlugin.keyAuth(chart, 'key-auth-1');
  return app.charts.flatMap((c) => c.toJson() as Json[]);
}

describe('KongCredential.generatedKeyAuth rebuilds kong-consumer-key-auth.yaml without a literal key', () => {
  const upstream = readObjects(FILE);
  const ours = build();
  const find = (objects: Json[], kind: string, name: string) => objects.find((o) => o.kind === kind && (o.metadata as Json).name === name)!;

  it('the KongConsumer is the upstream one', () => {
    const mine = find(ours, 'KongConsumer', 'consumer1');
    expect(validateObject(mine).map(formatIssue)).toEqual([]);
    expect(compareWithUpstream(find(upstream, 'KongConsumer', 'consumer1'), mine)).toEqual({ missing: [], extra: [] });
  });

  it('the Secret the ExternalSecret makes has the upstream name, type, credential label and keys, and no value', () => {
    const theirs = find(upstream, 'Secret', 'consumer1-auth');
    const es = find(ours, 'ExternalSecret', 'consumer1-auth') as any;
    expect(validateObject(es).map(formatIssue)).toEqual([]);
    const target = es.spec.target;
    expect(target.name).toBe((theirs.metadata as Json).name);
    expect(target.template.type).toBe(theirs.type);
    expect(target.template.metadata.labels).toEqual((theirs.metadata as Json).labels);
    expect(Object.keys(target.template.data)).toEqual(Object.keys(theirs.stringData as Json));
    expect(target.template.data.key).toBe('{{ .key }}');
    expect(es.spec.data).toEqual([{ secretKey: 'key', remoteRef: { key: 'api-keys/consumer1' } }]);
    // The upstream literal key (`password`) appears nowhere as a value of ours: the only `password` is the generator's output key name.
    expect(JSON.stringify(ours).match(/password/g)).toEqual(['password']);
    expect(ours.some((o) => o.kind === 'Secret')).toBe(false);
  });

  it('a PushSecret generates the key into the same store entry, once', () => {
    const push = find(ours, 'PushSecret', 'consumer1-auth-generate') as any;
    expect(validateObject(push).map(formatIssue)).toEqual([]);
    expect(push.apiVersion).toBe('external-secrets.io/v1alpha1');
    expect(push.spec).toEqual({
      refreshInterval: '1h',
      secretStoreRefs: [{ name: 'vault', kind: 'ClusterSecretStore' }],
      selector: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'api-key' } },
      updatePolicy: 'IfNotExists',
      deletionPolicy: 'None',
      data: [{ match: { secretKey: 'password', remoteRef: { remoteKey: 'api-keys/consumer1' } } }],
    });
  });
});

describe('KongCredential.generatedKeyAuth in a platform', () => {
  it('lists the generator under the cluster setup of the platform README', () => {
    const { app, platform, ns } = setup(['models'], { requireAccessPolicies: false });
    KongCredential.generatedKeyAuth(ns.models!, 'alice-key', { ...options, key: { remoteKey: 'api-keys/alice' } });
    synthObjects(app);
    const note = platform.setupNotes.find((n) => n.topic === 'Password models/api-key');
    expect(note?.text).toMatch(/The Password `api-key` in namespace `models` must exist.*generatorRef of PushSecret alice-key-generate \(Kong key-auth key\).*generators\.external-secrets\.io\/v1alpha1 Password/s);
  });

  it('refuses a store entry another generated credential already writes, a bad generator, and a credential as entry', () => {
    const { ns } = setup(['models'], { requireAccessPolicies: false });
    KongCredential.generatedKeyAuth(ns.models!, 'a', options);
    expect(() => KongCredential.generatedKeyAuth(ns.models!, 'b', options)).toThrow(/test\/models\/b: key is the store entry credential test\/models\/a already generates.*api-keys\/consumer1.*its own store entry/s);
    expect(() => KongCredential.generatedKeyAuth(ns.models!, 'c', { ...options, key: { remoteKey: 'api-keys/c' }, generator: { name: 'Bad_Name' } })).toThrow(/test\/models\/c: generator\.name/);
    expect(() => KongCredential.generatedKeyAuth(ns.models!, 'd', { ...options, key: { remoteKey: 'api-keys/d' }, generator: { name: 'g', kind: 'UUID' as any } })).toThrow(/generator\.kind must be 'Password' or 'ClusterGenerator'.*UUID/s);
    expect(() => KongCredential.generatedKeyAuth(ns.models!, 'e', { ...options, key: { remoteKey: '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' } })).toThrow(/test\/models\/e: key\.remoteKey holds what looks like a GitHub token/);
  });
});
