import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../../src/core/secret-ref';
import { KongConsumer } from '../../../src/policy/kong/kong-consumer';
import { KongConsumerGroup } from '../../../src/policy/kong/kong-consumer-group';
import { KongPlugin } from '../../../src/policy/kong/kong-plugin';
import { formatIssue, validateObject } from '../../../src/validate';
import { findObject, setup, synthObjects } from '../../util';

const ns = (names: readonly string[] = ['models']) => setup(names, { requireAccessPolicies: false });

describe('KongConsumer', () => {
  it('lists its credentials and groups as sorted sets, its plugins in konghq.com/plugins, and the KIC ingress class', () => {
    const { app, ns: n } = ns();
    const rl = KongPlugin.rateLimiting(n.models, 'premium-limit', { minute: 1000 });
    const gold = new KongConsumerGroup(n.models, 'gold');
    const alice = new KongConsumer(n.models, 'alice', {
      username: 'alice',
      customId: 'u-42',
      credentials: [SecretRef.named('alice-key-auth')],
      tags: ['team-a'],
      annotations: { 'example.com/owner': 'team-a' },
    });
    alice.addCredential(SecretRef.named('alice-acl'));
    alice.addCredential(SecretRef.named('alice-acl'));
    alice.addConsumerGroup(gold);
    alice.addPlugin(rl);
    const c = findObject(synthObjects(app), 'KongConsumer', 'alice', 'models') as any;
    expect(c.apiVersion).toBe('configuration.konghq.com/v1');
    expect(c.username).toBe('alice');
    expect(c.custom_id).toBe('u-42');
    expect(c.credentials).toEqual(['alice-acl', 'alice-key-auth']);
    expect(c.consumerGroups).toEqual(['gold']);
    expect(c.spec).toEqual({ tags: ['team-a'] });
    expect(c.metadata.annotations).toEqual({ 'example.com/owner': 'team-a', 'konghq.com/plugins': 'premium-limit', 'kubernetes.io/ingress.class': 'kong' });
    expect(c).toMatchSnapshot();
    expect(validateObject(c).map(formatIssue)).toEqual([]);
  });

  it('omits empty credential and group lists', () => {
    const { app, ns: n } = ns();
    new KongConsumer(n.models, 'anon', { username: 'anonymous', ingressClass: 'kong-internal' });
    const c = findObject(synthObjects(app), 'KongConsumer', 'anon') as any;
    expect(c.credentials).toBeUndefined();
    expect(c.consumerGroups).toBeUndefined();
    expect(c.metadata.annotations).toEqual({ 'kubernetes.io/ingress.class': 'kong-internal' });
  });

  describe('fails when', () => {
    it('it has neither username nor custom_id', () => {
      const { ns: n } = ns();
      expect(() => new KongConsumer(n.models, 'x', {})).toThrow(/test\/models\/x: username or custom_id is required \(the CRD refuses a consumer with neither\)/);
    });

    it('the username or custom_id is taken by another consumer of the platform', () => {
      const { ns: n } = ns(['models', 'other']);
      new KongConsumer(n.models, 'a', { username: 'alice', customId: 'u-1' });
      expect(() => new KongConsumer(n.other, 'b', { username: 'alice' })).toThrow(/test\/other\/b: username is already used by KongConsumer test\/models\/a \(Kong consumers are cluster-wide\)/);
      expect(() => new KongConsumer(n.other, 'c', { username: 'carol', customId: 'u-1' })).toThrow(/custom_id is already used by KongConsumer test\/models\/a/);
    });

    it('a credential Secret is in another namespace', () => {
      const { ns: n } = ns();
      expect(() => new KongConsumer(n.models, 'x', { username: 'x', credentials: [SecretRef.named('k', { namespace: 'vault' })] })).toThrow(
        /credentials\[\] names a Secret in namespace 'vault', but KIC reads credentials from the consumer's namespace 'models'/,
      );
    });

    it('a tag is empty or too long', () => {
      const { ns: n } = ns();
      expect(() => new KongConsumer(n.models, 'x', { username: 'x', tags: [''] })).toThrow(/spec\.tags\[0\] must be 1 to 128 characters/);
      expect(() => new KongConsumerGroup(n.models, 'g', { tags: ['t'.repeat(129)] })).toThrow(/spec\.tags\[0\] must be 1 to 128 characters/);
    });
  });
});

describe('KongConsumerGroup', () => {
  it('is a v1beta1 object with the ingress class, tags and scoped plugins', () => {
    const { app, ns: n } = ns();
    const rl = KongPlugin.rateLimiting(n.models, 'gold-limit', { minute: 5000 });
    new KongConsumerGroup(n.models, 'gold', { tags: ['tier'], plugins: [rl] });
    const g = findObject(synthObjects(app), 'KongConsumerGroup', 'gold', 'models') as any;
    expect(g.apiVersion).toBe('configuration.konghq.com/v1beta1');
    expect(g.spec).toEqual({ tags: ['tier'] });
    expect(g.metadata.annotations).toEqual({ 'konghq.com/plugins': 'gold-limit', 'kubernetes.io/ingress.class': 'kong' });
    expect(g).toMatchSnapshot();
    expect(validateObject(g).map(formatIssue)).toEqual([]);
  });

  it('can be referenced by name', () => {
    const { app, ns: n } = ns();
    new KongConsumer(n.models, 'c', { username: 'c', consumerGroups: [KongConsumerGroup.fromConsumerGroupName(n.models, 'existing', 'existing-group')] });
    expect((findObject(synthObjects(app), 'KongConsumer', 'c') as any).consumerGroups).toEqual(['existing-group']);
    expect(() => KongConsumerGroup.fromConsumerGroupName(n.models, 'bad', 'Bad Name')).toThrow(/test\/models\/bad: name must be a DNS-1123 subdomain/);
  });
});
