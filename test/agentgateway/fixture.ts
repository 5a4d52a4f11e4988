import { isCelError, run } from '@bufbuild/cel';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { AgentgatewayAiFormat, AgentgatewayAiProvider, AgentgatewayBackend } from '../../src/agentgateway';
import { Backend } from '../../src/core/backend';
import { SecretRef } from '../../src/core/secret-ref';
import { KubeObject } from '../../src/delivery/manifest';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { AccessPolicy, AccessPolicyProps } from '../../src/policy/access-policy';
import { ApiKeyAuth, ApiKeyLocation, JwtAuth } from '../../src/policy/authentication';
import { RateLimit, RateLimitMode, TokenLimit } from '../../src/policy/rate-limit';
import { RedisReference } from '../../src/policy/redis';
import { Tier } from '../../src/policy/tier';
import { HttpRoute } from '../../src/routing/http-route';
import { findObject, objectsOfKind, setup } from '../util';

/**
 * An agentgateway platform: a Gateway in `gateways`, two LLM routes in `llm`
 * (`qwen3` and `llama`, each to an AgentgatewayBackend that wraps the
 * self-hosted servers), and three tiers: free (60/min and 10000 tokens/hour
 * on qwen3, POST under /v1 only), pro (600/min and 5000/day, 200000
 * tokens/hour, inherits free and adds llama), admin (unlimited, everything).
 */
export function fixture() {
  const { app, platform, ns } = setup(['gateways', 'llm']);
  const gateway = new Gateway(ns.gateways, 'agw', {
    provider: GatewayProvider.AGENTGATEWAY,
    listeners: [Listener.https({ certificates: [SecretRef.named('agw-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.llm]) })],
  });
  const backend = (name: string) => new AgentgatewayBackend(ns.llm, name, { provider: AgentgatewayAiProvider.custom({ backend: Backend.service(`${name}-vllm`, 8000), formats: [AgentgatewayAiFormat.COMPLETIONS] }) });
  const qwen3 = new HttpRoute(ns.llm, 'qwen3', { parents: [gateway.listener('https')], rules: [{ backends: [backend('qwen3-backend')] }] });
  const llama = new HttpRoute(ns.llm, 'llama', { parents: [gateway.listener('https')], rules: [{ backends: [backend('llama-backend')] }] });
  const free = new Tier('free', { limits: [RateLimit.perMinute(60)], tokenLimits: [TokenLimit.perHour(10000)], models: [qwen3], methods: ['POST'], pathPrefixes: ['/v1'] });
  const pro = new Tier('pro', { limits: [RateLimit.perMinute(600), RateLimit.perDay(5000)], tokenLimits: [TokenLimit.perHour(200000)], models: [llama], inherits: free });
  const admin = new Tier('admin', { unlimited: true, models: '*', inherits: pro });
  const redis = RedisReference.of({ host: 'redis.data.svc.cluster.local', namespace: 'data', password: { secret: SecretRef.named('redis-auth'), key: 'password' } });
  const jwt = () => new JwtAuth({ issuer: 'https://sso.example.com/', jwksUri: 'https://sso.example.com/keys?v=2', audiences: ['llm'], jwksBackend: Backend.service('sso', 8443) });
  const apiKeys = () =>
    ApiKeyAuth.fromExternalSecrets({
      secretStore: { name: 'vault' },
      holders: [
        { userId: 'alice', tier: 'free', remoteKey: 'llm/alice' },
        { userId: 'bob', tier: 'pro', remoteKey: 'llm/bob' },
      ],
      location: ApiKeyLocation.header('x-api-key'),
    });
  const policy = (props: Partial<AccessPolicyProps> = {}, id = 'access') =>
    new AccessPolicy(ns.llm, id, { gateway, routes: [qwen3, llama], authentication: [jwt()], tiers: [free, pro, admin], rateLimitMode: RateLimitMode.GLOBAL, redis, ...props });
  return { app, platform, ns, gateway, qwen3, llama, free, pro, admin, redis, jwt, apiKeys, policy, backend };
}

/** A caller as agentgateway sees it after authentication. */
export interface Caller {
  /** `jwt` claims, or `apiKey` metadata. */
  readonly jwt?: Record<string, unknown>;
  readonly apiKey?: Record<string, unknown>;
  readonly address?: string;
}

/** A request. */
export interface Call {
  readonly method: string;
  readonly path: string;
  /** Request headers (lower-case names). @default - none */
  readonly headers?: Record<string, string>;
}

/**
 * Evaluates a CEL expression as agentgateway would; an evaluation error does
 * not match. agentgateway's `json(request.body)` (its CEL extension parsing
 * the buffered body) is evaluated as the parsed body, bound as `__body`.
 */
export function celValue(expression: string, caller: Caller, call: Call = { method: 'POST', path: '/v1/chat/completions' }, body = ''): unknown {
  let parsed: unknown;
  try {
    parsed = body === '' ? undefined : JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const bindings = { jwt: caller.jwt ?? {}, apiKey: caller.apiKey ?? {}, request: { method: call.method, path: call.path, body, headers: call.headers ?? {} }, source: { address: caller.address ?? '10.0.0.1' }, __body: parsed ?? {} };
  const result = run(expression.replace(/json\(request\.body\)/g, '__body'), bindings as unknown as Parameters<typeof run>[1]);
  return isCelError(result) ? undefined : result;
}

/** The AgentgatewayPolicy of `route` (named `<policy>-<route>`). */
export function policyOf(objects: readonly KubeObject[], route: string, policy = 'access'): any {
  return findObject(objects, 'AgentgatewayPolicy', `${policy}-${route}`, 'llm');
}

/** True when the AgentgatewayPolicy on `route` lets `caller` make `call`: some Allow expression is true. */
export function allows(objects: readonly KubeObject[], route: string, caller: Caller, call: Call): boolean {
  const auth = policyOf(objects, route).spec.traffic.authorization;
  if ((auth.action ?? 'Allow') !== 'Allow') throw new Error(`unexpected action ${auth.action}`);
  return (auth.policy.matchExpressions as string[]).some((x) => celValue(x, caller, call) === true);
}

interface ServiceDescriptor {
  key: string;
  value?: string;
  rate_limit?: { unit: string; requests_per_unit: number };
  descriptors?: ServiceDescriptor[];
}

/**
 * The limits the rate limit service applies to `caller` on `route`, as
 * `<n> <requests|tokens:kind>/<unit>`: each descriptor of the route's
 * policy, its entries evaluated as agentgateway would, walked down the
 * service's configuration (keys in order, a descriptor without value
 * matching any value, as envoyproxy/ratelimit does).
 */
export function limits(objects: readonly KubeObject[], route: string, caller: Caller, policy = 'access'): string[] {
  const rl = policyOf(objects, route, policy).spec.traffic.rateLimit;
  if (!rl) return [];
  const global = rl.global;
  const config = parse((objectsOfKind(objects, 'ConfigMap').find((c) => c.metadata.name === `${policy}-ratelimit-config`)!.data as Record<string, string>)['config.yaml']);
  expect(config.domain).toBe(global.domain);
  const out: string[] = [];
  for (const d of global.descriptors) {
    const values = (d.entries as Array<{ name: string; expression: string }>).map((e) => ({ key: e.name, value: celValue(e.expression, caller) }));
    if (values.some((v) => typeof v.value !== 'string')) continue; // agentgateway skips a descriptor whose entry fails
    let level: ServiceDescriptor[] = config.descriptors;
    let found: ServiceDescriptor | undefined;
    for (const v of values) {
      found = level.find((x) => x.key === v.key && x.value === v.value) ?? level.find((x) => x.key === v.key && x.value === undefined);
      if (!found) break;
      level = found.descriptors ?? [];
    }
    if (found?.rate_limit) {
      const what = d.unit === 'Tokens' ? `tokens:${d.cost ?? 'llm.totalTokens'}` : 'requests';
      out.push(`${found.rate_limit.requests_per_unit} ${what}/${found.rate_limit.unit}`);
    }
  }
  return out.sort();
}
