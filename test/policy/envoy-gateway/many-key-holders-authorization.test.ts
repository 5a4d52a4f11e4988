/**
 * Authorization rules of a tier (and of a subscription) with more API-key
 * holders than Envoy Gateway accepts in one principal header condition
 * (envoyproxy/gateway v1.9.0 api/v1alpha1/authorization_types.go
 * `AuthorizationHeaderMatch.Values`, MaxItems=256): the rule is written as
 * consecutive rules of the same action over slices of the holders, which
 * decide every request as the one rule would (rules are evaluated in order,
 * first match decides).
 */
import { describe, expect, it } from 'vitest';
import { Backend } from '../../../src/core/backend';
import { SecretRef } from '../../../src/core/secret-ref';
import { KubeObject } from '../../../src/delivery/manifest';
import { AllowedRoutes } from '../../../src/gateway/allowed-routes';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { OpenAiEndpoint } from '../../../src/inference/openai-endpoint';
import { AccessPolicy } from '../../../src/policy/access-policy';
import { ApiKeyAuth } from '../../../src/policy/authentication';
import { RateLimit, RateLimitMode, TokenLimit } from '../../../src/policy/rate-limit';
import { Subscription } from '../../../src/policy/subscription';
import { Tier } from '../../../src/policy/tier';
import { findObject, setup, synthObjects } from '../../util';

/** 600 holders: even ones in tier basic (qwen only), odd ones in premium (qwen and llama); every fifth holds gold (qwen, llama). */
function build() {
  const { app, ns } = setup(['edge', 'models']);
  const gateway = new Gateway(ns.edge, 'gateway', {
    provider: GatewayProvider.ENVOY_GATEWAY,
    listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })],
  });
  const llms = new OpenAiEndpoint(ns.models, 'llms', { gateway: gateway.listener('https'), models: ['qwen', 'llama'].map((name) => ({ name, backends: [Backend.service(`${name}-vllm`, 8000)] })) });
  const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)], models: [llms.model('qwen')] });
  const premium = new Tier('premium', { unlimited: true, models: [llms] });
  const gold = new Subscription('gold', { grants: [{ models: [llms], tokenLimits: [TokenLimit.perDay(1_000_000)] }] });
  const ids = Array.from({ length: 600 }, (_, i) => `h${i}`);
  new AccessPolicy(ns.models, 'access', {
    gateway,
    routes: [llms],
    authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: { name: 'vault' }, holders: ids.map((userId, i) => ({ userId, tier: i % 2 === 0 ? 'basic' : 'premium', remoteKey: `keys/${userId}`, subscriptions: i % 5 === 0 ? [gold] : undefined })) })],
    tiers: [basic, premium],
    subscriptions: [gold],
    rateLimitMode: RateLimitMode.GLOBAL,
  });
  const objects: KubeObject[] = JSON.parse(JSON.stringify(synthObjects(app)));
  return { ids, objects };
}

describe('Envoy Gateway authorization rules over more than 256 API-key holders', () => {
  const { ids, objects } = build();
  /** The action and name of the first rule a request meets on the model's route (CEL: only the presence of the subscription header). */
  const decision = (model: string, id: string, subscription?: string) => {
    const headers: Record<string, string> = { 'x-user-id': id, ...(subscription ? { 'x-subscription': subscription } : {}) };
    const sp = findObject(objects, 'SecurityPolicy', `access-llms-${model}`, 'models');
    const hit = sp.spec.authorization.rules.find(
      (r: any) => (r.principal === undefined || r.principal.headers.every((h: any) => h.values.includes(headers[h.name]))) && (r.cel === undefined || (r.cel === "'x-subscription' in request.headers" && subscription !== undefined)),
    );
    return hit ? hit.action : sp.spec.authorization.defaultAction;
  };

  it('keeps every principal header condition within 256 values', () => {
    for (const sp of objects.filter((o) => o.kind === 'SecurityPolicy')) {
      for (const r of (sp as any).spec.authorization.rules) for (const h of r.principal?.headers ?? []) expect(h.values.length).toBeLessThanOrEqual(256);
    }
  });

  it('decides each holder as the tier and subscription rules say', () => {
    ids.forEach((id, i) => {
      const premium = i % 2 === 1;
      const gold = i % 5 === 0;
      expect({ id, d: decision('qwen', id) }).toEqual({ id, d: 'Allow' });
      expect({ id, d: decision('llama', id) }).toEqual({ id, d: premium ? 'Allow' : 'Deny' });
      expect({ id, d: decision('llama', id, 'gold') }).toEqual({ id, d: premium && gold ? 'Allow' : 'Deny' });
      expect({ id, d: decision('qwen', id, 'gold') }).toEqual({ id, d: gold ? 'Allow' : 'Deny' });
    });
    expect(decision('qwen', 'stranger')).toBe('Deny');
  });
});
