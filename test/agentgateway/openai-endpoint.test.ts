import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { ModelServingError } from '../../src/core/errors';
import { synthPlatforms } from '../../src/delivery/synth';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { EndpointPicker } from '../../src/inference/endpoint-picker';
import { FailureMode, InferencePool } from '../../src/inference/inference-pool';
import { LlmProvider } from '../../src/inference/llm-provider';
import { ModelServers } from '../../src/inference/model-servers';
import { OpenAiEndpoint } from '../../src/inference/openai-endpoint';
import { AccessPolicy } from '../../src/policy/access-policy';
import { JwtAuth } from '../../src/policy/authentication';
import { RateLimit, RateLimitMode, TokenCount, TokenLimit } from '../../src/policy/rate-limit';
import { RedisReference } from '../../src/policy/redis';
import { Tier } from '../../src/policy/tier';
import { Subscription } from '../../src/policy/subscription';
import { Backend } from '../../src/core/backend';
import { checkPlatformSecurity } from '../../src/security/platforms';
import { formatFinding } from '../../src/security/check';
import { InferenceService } from '../../src/serving/inference-service';
import { ModelFormat } from '../../src/serving/model-format';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { formatIssue, validateObjects } from '../../src/validate';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';
import { celValue } from './fixture';

const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';

function platform() {
  const f = setup(['edge', 'models'], { requireAccessPolicies: false });
  const gateway = new Gateway(f.ns.edge, 'gateway', {
    provider: GatewayProvider.AGENTGATEWAY,
    listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models]) })],
  });
  const qwen = new InferenceService(f.ns.models, 'qwen', {
    predictor: Predictor.model({ format: ModelFormat.custom('vllm'), storage: Storage.uri('hf://Qwen/Qwen2.5-7B-Instruct'), resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', nvidiaGpu: '1' } } }),
  });
  const pool = new InferencePool(f.ns.models, 'llama-pool', { modelServers: ModelServers.of(qwen), failureMode: FailureMode.FAIL_OPEN });
  new EndpointPicker(f.ns.models, 'llama-epp', { pool });
  const azure = LlmProvider.azureOpenAi('azure', { hostname: 'my-resource.openai.azure.com', apiKey: SecretRef.named('azure-key'), apiVersion: '2025-01-01-preview' });
  const openai = LlmProvider.openAi('openai', { apiKey: SecretRef.named('openai-key') });
  const llms = new OpenAiEndpoint(f.ns.models, 'llms', {
    gateway: gateway.listener('https'),
    models: [
      { name: LLAMA, backends: [pool] },
      { name: 'gpt-4o', backends: [{ target: azure, modelNameOverride: 'gpt-4o-2024-08-06' }, openai] },
      { name: 'qwen', backends: [qwen] },
    ],
  });
  return { ...f, gateway, qwen, pool, azure, openai, llms };
}

/** The HTTPRoute a request with `model` in its body reaches: the gateway's PreRouting header, then the route matches. */
function routeFor(objects: ReturnType<typeof synthObjects>, model: string, method: string, path: string): string[] {
  const header = findObject(objects, 'AgentgatewayPolicy', 'gateway-model-header', 'edge');
  expect(header.spec.traffic.phase).toBe('PreRouting');
  const [set] = header.spec.traffic.transformation.request.set;
  const value = celValue(set.value, {}, { method, path }, JSON.stringify({ model, messages: [] }));
  return objectsOfKind(objects, 'HTTPRoute')
    .filter((r) =>
      r.spec.rules.some((rule: any) =>
        rule.matches.some((m: any) => m.path.value === path && (m.method ?? method) === method && (m.headers ?? []).every((h: any) => h.name === set.name && h.value === value)),
      ),
    )
    .map((r) => r.metadata.name as string);
}

describe('OpenAiEndpoint on agentgateway', () => {
  const fx = platform();
  const objects = synthObjects(fx.app);

  it('routes on the body\'s model: a PreRouting header on the Gateway, one HTTPRoute per model matching it', () => {
    expect(routeFor(objects, LLAMA, 'POST', '/v1/chat/completions')).toEqual(['llms-meta-llama-llama-3-1-8b-instruct']);
    expect(routeFor(objects, 'gpt-4o', 'POST', '/v1/embeddings')).toEqual(['llms-gpt-4o']);
    expect(routeFor(objects, 'qwen', 'POST', '/v1/completions')).toEqual(['llms-qwen']);
    expect(routeFor(objects, 'unknown', 'POST', '/v1/chat/completions')).toEqual([]);
  });

  it('backs each model with an AgentgatewayBackend: the pool or Service as a custom provider, providers by priority with the override, keys by Secret reference', () => {
    const route = findObject(objects, 'HTTPRoute', 'llms-meta-llama-llama-3-1-8b-instruct', 'models');
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: 'agentgateway.dev', kind: 'AgentgatewayBackend', name: 'llms-meta-llama-llama-3-1-8b-instruct' }]);
    const llama = findObject(objects, 'AgentgatewayBackend', 'llms-meta-llama-llama-3-1-8b-instruct', 'models');
    expect(llama.spec.ai.provider.custom.backendRef).toEqual({ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llama-pool' });
    const gpt = findObject(objects, 'AgentgatewayBackend', 'llms-gpt-4o', 'models');
    expect(gpt.spec.ai.groups).toEqual([
      { providers: [{ name: 'p0-azure', azureopenai: { endpoint: 'my-resource.openai.azure.com', apiVersion: '2025-01-01-preview', deploymentName: 'gpt-4o-2024-08-06' }, policies: { auth: { secretRef: { name: 'azure-key', key: 'apiKey' } }, tls: {} } }] },
      { providers: [{ name: 'p1-openai', openai: {}, policies: { auth: { secretRef: { name: 'openai-key', key: 'apiKey' } }, tls: {} } }] },
    ]);
    const qwen = findObject(objects, 'AgentgatewayBackend', 'llms-qwen', 'models');
    expect(qwen.spec.ai.provider.custom).toEqual({ backendRef: { name: fx.qwen.backendRef.name, port: fx.qwen.backendRef.port }, formats: [{ type: 'Completions' }, { type: 'Embeddings' }] });
  });

  it('answers GET /v1/models itself with the endpoint\'s models', () => {
    const list = findObject(objects, 'AgentgatewayPolicy', 'llms-models', 'models');
    expect(list.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'llms-models' }]);
    expect(JSON.parse(list.spec.traffic.directResponse.body).data.map((m: { id: string }) => m.id)).toEqual([LLAMA, 'gpt-4o', 'qwen']);
    expect(routeFor(objects, '', 'GET', '/v1/models')).toEqual(['llms-models']);
    expect(findObject(objects, 'HTTPRoute', 'llms-models', 'models').spec.rules[0].backendRefs).toBeUndefined();
  });

  it('states in the cluster setup notes that agentgateway cannot apply the stream idle timeout', () => {
    const note = fx.platform.setupNotes.find((n) => n.topic === 'agentgateway: timeouts of OpenAiEndpoint models/llms');
    expect(note?.text).toContain('no stream idle timeout');
    expect(note?.text).toContain('5 minutes');
  });

  it('validates against the pinned CRDs', () => {
    expect(validateObjects(objects.map((object) => ({ object, file: `${object.kind}/${object.metadata.name}` })), { gatewayApiChannel: 'standard' }).map(formatIssue)).toEqual([]);
  });
});

describe('OpenAiEndpoint on agentgateway with an AccessPolicy (tiers per model, token budgets)', () => {
  it('protects every model route and the list, counts tokens per model, and passes the security rules', () => {
    const fx = platform();
    const redis = RedisReference.of({ host: 'redis.data.svc.cluster.local', namespace: 'data' });
    const jwt = new JwtAuth({ issuer: 'https://sso.example.com/', jwksUri: 'https://sso.example.com/keys', jwksBackend: Backend.service('sso', 8443) });
    const free = new Tier('free', { limits: [RateLimit.perMinute(60)], tokenLimits: [TokenLimit.perHour(20_000, { counts: TokenCount.OUTPUT })], models: [fx.llms.model(LLAMA)] });
    const pro = new Tier('pro', { limits: [RateLimit.perMinute(600)], models: [fx.llms], inherits: free });
    new AccessPolicy(fx.ns.models, 'access', { gateway: fx.gateway, routes: [fx.llms], authentication: [jwt], tiers: [free, pro], rateLimitMode: RateLimitMode.GLOBAL, redis });
    const outputs = synthPlatforms(fx.app);
    const objects = outputs.flatMap((p) => p.manifests.map((m) => m.object));
    const allow = (route: string, role: string) =>
      (findObject(objects, 'AgentgatewayPolicy', `access-${route}`, 'models').spec.traffic.authorization.policy.matchExpressions as string[]).some((x) => celValue(x, { jwt: { sub: 'u', role } }) === true);
    expect(allow('llms-meta-llama-llama-3-1-8b-instruct', 'free')).toBe(true);
    expect(allow('llms-gpt-4o', 'free')).toBe(false);
    expect(allow('llms-gpt-4o', 'pro')).toBe(true);
    expect(allow('llms-models', 'free')).toBe(true);
    const tokens = findObject(objects, 'AgentgatewayPolicy', 'access-llms-meta-llama-llama-3-1-8b-instruct', 'models').spec.traffic.rateLimit.global.descriptors.filter((d: { unit?: string }) => d.unit === 'Tokens');
    expect(tokens.map((d: { cost: string }) => d.cost)).toEqual(['llm.outputTokens']);
    expect(checkPlatformSecurity(outputs).map(formatFinding)).toEqual([]);
  });

  it('keeps the model list outside budgets and grants: a subscription grants two models in two grants, an unrestricted budget counts only on model routes', () => {
    const fx = platform();
    const redis = RedisReference.of({ host: 'redis.data.svc.cluster.local', namespace: 'data' });
    const jwt = new JwtAuth({ issuer: 'https://sso.example.com/', jwksUri: 'https://sso.example.com/keys', jwksBackend: Backend.service('sso', 8443) });
    const free = new Tier('free', { limits: [RateLimit.perMinute(60)], tokenLimits: [TokenLimit.perHour(20_000)], models: [fx.llms.model(LLAMA)] });
    const team = new Subscription('team', {
      grants: [
        { models: [fx.llms.model(LLAMA)], tokenLimits: [TokenLimit.perDay(1_000_000)] },
        { models: [fx.llms.model('qwen')], tokenLimits: [TokenLimit.perDay(200_000)] },
      ],
    });
    const policy = new AccessPolicy(fx.ns.models, 'access', { gateway: fx.gateway, routes: [fx.llms.model(LLAMA), fx.llms.model('qwen')], authentication: [jwt], tiers: [free], subscriptions: [team], rateLimitMode: RateLimitMode.GLOBAL, redis });
    const list = fx.llms.accessRoutes;
    expect(list.map((r) => r.routeName)).toEqual(['llms-models']);
    // Protected once, callable by a tier that names one model, never budgeted nor granted.
    expect(policy.routes.filter((r) => r === list[0])).toHaveLength(1);
    expect(free.allows(list[0]!)).toBe(true);
    expect(policy.tokenBudgets(list[0]).length).toBe(0);
    expect(policy.tokenBudgets().map((b) => `${b.holderKind}:${b.holder.name}@${b.route.routeName}=${b.limit}`)).toEqual([
      'tier:free@llms-meta-llama-llama-3-1-8b-instruct=20000 tokens/hour',
      'subscription:team@llms-meta-llama-llama-3-1-8b-instruct=1000000 tokens/day',
      'subscription:team@llms-qwen=200000 tokens/day',
    ]);
    const objects = synthPlatforms(fx.app).flatMap((p) => p.manifests.map((m) => m.object));
    const listPolicy = findObject(objects, 'AgentgatewayPolicy', 'access-llms-models', 'models');
    expect((listPolicy.spec.traffic.rateLimit?.global?.descriptors ?? []).filter((d: { unit?: string }) => d.unit === 'Tokens')).toEqual([]);
    // The list selects no subscription: a client that sends its subscription header on every request may still list.
    const listAllows = (headers: Record<string, string>) =>
      (listPolicy.spec.traffic.authorization.policy.matchExpressions as string[]).some((x) => celValue(x, { jwt: { sub: 'u', role: 'free', subscriptions: ['team'] } }, { method: 'GET', path: '/v1/models', headers }) === true);
    expect(listAllows({})).toBe(true);
    expect(listAllows({ 'x-subscription': 'team' })).toBe(true);
    const llamaPolicy = findObject(objects, 'AgentgatewayPolicy', 'access-llms-meta-llama-llama-3-1-8b-instruct', 'models');
    const llamaAllows = (headers: Record<string, string>) =>
      (llamaPolicy.spec.traffic.authorization.policy.matchExpressions as string[]).some((x) => celValue(x, { jwt: { sub: 'u', role: 'free', subscriptions: ['team'] } }, { method: 'POST', path: '/v1/chat/completions', headers }) === true);
    expect(llamaAllows({ 'x-subscription': 'team' })).toBe(true);
    expect(llamaAllows({ 'x-subscription': 'other' })).toBe(false);
  });

  it('refuses AWS Bedrock (a credentials file agentgateway cannot read), naming the alternative', () => {
    const f = setup(['edge', 'models'], { requireAccessPolicies: false });
    const gateway = new Gateway(f.ns.edge, 'gateway', { provider: GatewayProvider.AGENTGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('c')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models]) })] });
    const bedrock = LlmProvider.awsBedrock('bedrock', { region: 'us-east-1', credentials: SecretRef.named('aws') });
    let message = '';
    try {
      new OpenAiEndpoint(f.ns.models, 'llms', { gateway, models: [{ name: 'nova', backends: [bedrock] }] });
    } catch (e) {
      expect(e).toBeInstanceOf(ModelServingError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/bedrock.*credentials file.*GatewayProvider.ENVOY_GATEWAY/s);
  });
});
