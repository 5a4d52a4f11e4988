/**
 * POLICY.md of the llm-gateway platform names who holds which subscription:
 * on Envoy Gateway the holders list of the platform code is what the
 * rate-limit rules apply, so the report lists it (and says where the
 * subscriptions come from), in agreement with each key Secret's annotation.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { LlmGatewayPlatform } from '../../src/platforms/llm-gateway';
import { API_KEY_SUBSCRIPTIONS_ANNOTATION } from '../../src/policy/authentication';

describe('llm-gateway POLICY.md lists the API key holders and their subscriptions', () => {
  const app = Testing.app();
  new LlmGatewayPlatform(app, 'llm-gateway');
  const [out] = buildPlatforms(app);
  const policy = out.files['POLICY.md'];

  it("says the subscriptions come from the platform code's holders list", () => {
    expect(policy).toContain("a caller holds those named in the platform code's list of API key holders (below; written to each key Secret's annotation `models.cdk8s.io/subscriptions`)");
  });

  it('lists exactly the holders with a subscription, each row agreeing with its Secret annotation', () => {
    // The table runs from its header to the next blank line.
    const table = policy.slice(policy.indexOf('| API key holder | tier | subscriptions |')).split('\n\n')[0];
    const parsed = table
      .split('\n')
      .slice(2)
      .map((l) => l.split('|').map((c) => c.trim()).slice(1, 4));
    expect(parsed).toEqual([
      ['team-labs', 'free', 'bulk'],
      ['team-research', 'pro', 'adapters, bulk'],
    ]);
    // The ExternalSecrets' templates write the same subscriptions to each key Secret.
    for (const [holder, , subs] of parsed) {
      const es = out.manifests.map((m) => m.object as any).find((o) => o.kind === 'ExternalSecret' && JSON.stringify(o).includes(holder));
      expect(es, holder).toBeDefined();
      const annotation = es.spec.target.template.metadata.annotations[API_KEY_SUBSCRIPTIONS_ANNOTATION];
      expect(annotation.split(',').sort().join(', ')).toBe(subs);
    }
  });
});
