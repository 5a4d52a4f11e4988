/**
 * Engines that cannot select a subscription per request (kgateway, Kong OSS)
 * refuse subscriptions and token budgets with an error naming the
 * engine, the field and the alternative; the Kuadrant engine refuses the
 * kinds it cannot count (see test/policy/kuadrant/budgets.test.ts). Envoy
 * Gateway compiles subscriptions of API-key holders on Envoy AI Gateway
 * routes and refuses them elsewhere (test/policy/envoy-gateway/subscriptions.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { ModelServingError } from '../../src/core/errors';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { AccessPolicy } from '../../src/policy/access-policy';
import { ApiKeyAuth } from '../../src/policy/authentication';
import { RateLimit, RateLimitMode, TokenCount, TokenLimit } from '../../src/policy/rate-limit';
import { RedisReference } from '../../src/policy/redis';
import { Subscription } from '../../src/policy/subscription';
import { Tier } from '../../src/policy/tier';
import { HttpRoute } from '../../src/routing/http-route';
import { setup } from '../util';

function build(provider: GatewayProvider, withSubscription: boolean) {
  const { ns } = setup(['edge', 'models']);
  const gateway = new Gateway(ns.edge, 'gw', { provider, listeners: [Listener.https({ certificates: [SecretRef.named('gw-tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })] });
  const qwen = new HttpRoute(ns.models, 'qwen', { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('qwen-predictor', 80)] }] });
  const gold = new Subscription('gold', { grants: [{ models: [qwen], tokenLimits: [TokenLimit.perDay(100_000, { counts: TokenCount.OUTPUT })] }] });
  return () =>
    new AccessPolicy(ns.models, 'access', {
      gateway,
      routes: [qwen],
      authentication: [ApiKeyAuth.fromExternalSecrets({ secretStore: { name: 'vault' }, holders: [{ userId: 'alice', tier: 'basic', remoteKey: 'api-keys/alice', subscriptions: withSubscription ? [gold] : [] }] })],
      tiers: [new Tier('basic', { limits: [RateLimit.perMinute(100)] })],
      subscriptions: withSubscription ? [gold] : [],
      rateLimitMode: RateLimitMode.GLOBAL,
      redis: RedisReference.of({ host: 'redis.data.svc.cluster.local' }),
    });
}

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ModelServingError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('engines that count requests only refuse subscriptions', () => {
  it.each([
    [GatewayProvider.KGATEWAY, 'kgateway', /kgateway TrafficPolicy counts requests only.*KUADRANT_POLICY_ENGINE/],
    [GatewayProvider.KONG, 'kong', /ai-rate-limiting-advanced \(Kong Enterprise only\)/],
  ])('%s', (provider, engine, alternative) => {
    expect(build(provider, false)).not.toThrow();
    const message = refusal(build(provider, true));
    expect(message).toContain(`test/models/access: subscriptions cannot be expressed by provider '${engine}' (received: ["gold"])`);
    expect(message).toMatch(alternative);
  });
});
