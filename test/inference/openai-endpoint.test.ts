import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { SecretRef } from '../../src/core/secret-ref';
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
import { RateLimit, RateLimitMode } from '../../src/policy/rate-limit';
import { Tier } from '../../src/policy/tier';
import { formatIssue, validateObject } from '../../src/validate';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';
import { openAiBackends } from './openai-fixture';
import { InferenceService } from '../../src/serving/inference-service';
import { LlmInferenceService } from '../../src/serving/llm-inference-service';
import { LlmRouter } from '../../src/serving/llm-router';
import { Predictor } from '../../src/serving/predictor';
import { ModelFormat } from '../../src/serving/model-format';
import { Storage } from '../../src/serving/storage';

const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';

const platform = openAiBackends;

function endpoint(fx: ReturnType<typeof platform>) {
  return new OpenAiEndpoint(fx.ns.models, 'llms', {
    gateway: fx.gateway.listener('https'),
    models: [
      { name: LLAMA, backends: [fx.pool] },
      { name: 'gpt-4o', backends: [{ target: fx.azure, modelNameOverride: 'gpt-4o-2024-08-06' }, fx.openai] },
      { name: 'qwen', backends: [fx.qwen] },
    ],
  });
}

const routeOf = (objects: ReturnType<typeof synthObjects>, model: string) =>
  objectsOfKind(objects, 'AIGatewayRoute').filter((r) => r.spec.rules.some((rule: any) => rule.matches?.some((m: any) => m.headers.some((h: any) => h.name === 'x-ai-eg-model' && h.value === model))));

describe('OpenAiEndpoint on Envoy Gateway (Envoy AI Gateway)', () => {
  it('routes each body model to its backend: the pool, the providers by priority with the override, the Service through a Backend', () => {
    const fx = platform(GatewayProvider.ENVOY_GATEWAY);
    endpoint(fx);
    const objects = synthObjects(fx.app);

    const [llama] = routeOf(objects, LLAMA);
    expect(llama.metadata.namespace).toBe('models');
    expect(llama.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gateway', namespace: 'edge', sectionName: 'https' }]);
    expect(llama.spec.rules).toHaveLength(1);
    expect(llama.spec.rules[0].backendRefs).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llama-pool' }]);
    // No implicit 60 s deadline: the request timeout is disabled explicitly, the idle timeout guards streams.
    expect(llama.spec.rules[0].timeouts).toEqual({ request: '0s' });
    expect(llama.spec.rules[0].streamIdleTimeout).toBe('5m');

    const [gpt] = routeOf(objects, 'gpt-4o');
    expect(gpt.spec.rules[0].backendRefs).toEqual([
      { name: 'llms-azure', modelNameOverride: 'gpt-4o-2024-08-06', priority: 0 },
      { name: 'llms-openai', priority: 1 },
    ]);
    // A failed request falls over to the next priority (retried there once), as upstream's provider_fallback example does.
    const fallback = findObject(objects, 'BackendTrafficPolicy', `${gpt.metadata.name}-fallback`, 'models');
    expect(fallback.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: gpt.metadata.name }]);
    expect(fallback.spec.retry).toMatchObject({ numRetries: 1, numAttemptsPerPriority: 1, retryOn: { triggers: expect.arrayContaining(['connect-failure', 'retriable-status-codes']), httpStatusCodes: [429, 500, 502, 503, 504] } });
    expect(objectsOfKind(objects, 'BackendTrafficPolicy')).toHaveLength(1);
    const azureBackend = findObject(objects, 'AIServiceBackend', 'llms-azure', 'models');
    expect(azureBackend.spec).toEqual({ schema: { name: 'AzureOpenAI', version: '2025-01-01-preview' }, backendRef: { group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'llms-azure' } });
    expect(findObject(objects, 'Backend', 'llms-azure', 'models').spec).toEqual({
      endpoints: [{ fqdn: { hostname: 'my-resource.openai.azure.com', port: 443 } }],
      tls: { sni: 'my-resource.openai.azure.com', wellKnownCACertificates: 'System' },
    });

    const [qwen] = routeOf(objects, 'qwen');
    const qwenBackend = qwen.spec.rules[0].backendRefs[0].name;
    expect(findObject(objects, 'AIServiceBackend', qwenBackend, 'models').spec.schema).toEqual({ name: 'OpenAI' });
    expect(findObject(objects, 'Backend', qwenBackend, 'models').spec.endpoints).toEqual([{ fqdn: { hostname: 'qwen-predictor.models.svc.cluster.local', port: 80 } }]);

    for (const o of objects.filter((x) => x.apiVersion.startsWith('aigateway.envoyproxy.io/') || x.apiVersion.startsWith('gateway.envoyproxy.io/'))) {
      expect(validateObject(o).map(formatIssue), `${o.kind}/${o.metadata.name}`).toEqual([]);
    }
  });

  it('references each provider key Secret by name and never embeds it', () => {
    const fx = platform(GatewayProvider.ENVOY_GATEWAY);
    endpoint(fx);
    const objects = synthObjects(fx.app);
    expect(findObject(objects, 'BackendSecurityPolicy', 'llms-azure', 'models').spec).toEqual({
      type: 'AzureAPIKey',
      targetRefs: [{ group: 'aigateway.envoyproxy.io', kind: 'AIServiceBackend', name: 'llms-azure' }],
      azureAPIKey: { secretRef: { name: 'azure-key' } },
    });
    expect(findObject(objects, 'BackendSecurityPolicy', 'llms-openai', 'models').spec.apiKey).toEqual({ secretRef: { name: 'openai-key' } });
    expect(objectsOfKind(objects, 'Secret').map((x) => x.metadata.name)).not.toEqual(expect.arrayContaining(['azure-key']));
    expect(JSON.stringify(objects)).not.toMatch(/stringData|sk-/);
    expect(() => LlmProvider.openAi('x', { apiKey: 'sk-abc' as never })).toThrow(/Secret reference, never a value/);
  });

  it('is protected like any route: a tier naming one model reaches only the HTTPRoute Envoy AI Gateway generates for it', () => {
    const fx = platform(GatewayProvider.ENVOY_GATEWAY, { requireAccessPolicies: true });
    const llms = endpoint(fx);
    const basic = new Tier('basic', { limits: [RateLimit.perMinute(10)], models: [llms.model(LLAMA)] });
    const premium = new Tier('premium', { limits: [RateLimit.perMinute(100)], models: [llms] });
    new AccessPolicy(fx.ns.models, 'access', {
      gateway: fx.gateway,
      routes: [llms],
      authentication: [new JwtAuth({ issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks.json', audiences: ['llm'] })],
      tiers: [basic, premium],
      rateLimitMode: RateLimitMode.LOCAL,
    });
    const objects = synthObjects(fx.app);
    const llama = { metadata: { name: routeOf(objects, LLAMA)[0].metadata.name! } };
    const gpt = { metadata: { name: routeOf(objects, 'gpt-4o')[0].metadata.name! } };
    const sps = objectsOfKind(objects, 'SecurityPolicy');
    const spOf = (route: string) => sps.find((sp) => sp.spec.targetRefs?.some((t: any) => t.kind === 'HTTPRoute' && t.name === route));
    expect(spOf(llama.metadata.name)).toBeDefined();
    expect(spOf(gpt.metadata.name)).toBeDefined();
    // One BackendTrafficPolicy per route: the limits join the fallback policy of gpt-4o, the other models share the policy's own.
    const btps = objectsOfKind(objects, 'BackendTrafficPolicy');
    expect(btps.map((b) => b.metadata.name).sort()).toEqual(['access-rate-limits', `${gpt.metadata.name}-fallback`]);
    const fallback = btps.find((b) => b.metadata.name?.endsWith('-fallback'))!;
    expect(fallback.spec.retry.numAttemptsPerPriority).toBe(1);
    expect(fallback.spec.rateLimit.local.rules.map((r: any) => r.limit)).toEqual(expect.arrayContaining([{ requests: 10, unit: 'Minute' }, { requests: 100, unit: 'Minute' }]));
    const own = btps.find((b) => b.metadata.name === 'access-rate-limits')!;
    expect(own.spec.targetRefs.map((t: any) => t.name)).not.toContain(gpt.metadata.name);
    expect(own.spec.targetRefs.map((t: any) => t.name)).toContain(llama.metadata.name);
    for (const b of btps) expect(validateObject(b).map(formatIssue)).toEqual([]);
    const tiersAllowed = (route: string) => JSON.stringify(spOf(route)!.spec.authorization);
    expect(tiersAllowed(llama.metadata.name)).toContain('basic');
    expect(tiersAllowed(gpt.metadata.name)).not.toContain('basic');
    expect(tiersAllowed(gpt.metadata.name)).toContain('premium');
  });

  it('needs one access policy for every model route of the Gateway: authentication runs before Envoy AI Gateway picks the model route', () => {
    const fx = platform(GatewayProvider.ENVOY_GATEWAY, { requireAccessPolicies: true });
    const llms = endpoint(fx);
    const other = new OpenAiEndpoint(fx.ns.models, 'other', { gateway: fx.gateway.listener('https'), models: [{ name: 'mistral', backends: [Backend.service('mistral', 8000)] }] });
    other.allowPublicAccess('a demo model anyone may call');
    new AccessPolicy(fx.ns.models, 'access', {
      gateway: fx.gateway,
      routes: [llms],
      authentication: [new JwtAuth({ issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks.json', audiences: ['llm'] })],
      tiers: [new Tier('all', { unlimited: true })],
      rateLimitMode: RateLimitMode.LOCAL,
    });
    expect(() => synthObjects(fx.app)).toThrow(/routes does not cover AIGatewayRoute models\/other-mistral of Gateway 'gateway' \(public\)/);
  });

  it('is denied by default: without an access policy the platform does not synthesize', () => {
    const fx = platform(GatewayProvider.ENVOY_GATEWAY, { requireAccessPolicies: true });
    endpoint(fx);
    expect(() => synthObjects(fx.app)).toThrow(/AIGatewayRoute\/models\/llms-.*has no access policy/);
  });

  it('refuses gateways that cannot route on the body (kgateway, Kong, Istio without a pinned body-based router), naming the provider and why', () => {
    const fx = platform(GatewayProvider.ISTIO);
    expect(() => new OpenAiEndpoint(fx.ns.models, 'llms', { gateway: fx.gateway, models: [{ name: 'gpt-4o', backends: [fx.openai] }] })).toThrow(/provider 'istio'.*body-based router.*#2959/);
    for (const provider of [GatewayProvider.KGATEWAY, GatewayProvider.KONG]) {
      const fx = platform(provider);
      expect(() => new OpenAiEndpoint(fx.ns.models, 'llms', { gateway: fx.gateway, models: [{ name: 'gpt-4o', backends: [fx.openai] }] })).toThrow(new RegExp(`provider '${provider.id}', which cannot route on the request body`));
    }
  });

  it('refuses a pool mixed with fallbacks, an override on a pool, a model listed twice, an unknown model name', () => {
    const fx = platform(GatewayProvider.ENVOY_GATEWAY);
    const make = (id: string, models: ConstructorParameters<typeof OpenAiEndpoint>[2]['models']) => new OpenAiEndpoint(fx.ns.models, id, { gateway: fx.gateway, models });
    expect(() => make('a', [{ name: 'x', backends: [fx.pool, fx.openai] }])).toThrow(/mixes an InferencePool with other backends/);
    expect(() => make('b', [{ name: 'x', backends: [{ target: fx.pool, modelNameOverride: 'y' }] }])).toThrow(/InferenceModelRewrite/);
    expect(() => make('c', [{ name: 'x', backends: [fx.openai] }, { name: 'x', backends: [fx.azure] }])).toThrow(/names a model twice/);
    expect(() => make('d', [{ name: 'x', backends: [] }])).toThrow(/backends.*is empty/);
    const ok = make('e', [{ name: 'x', backends: [Backend.service('vllm', 8000)] }]);
    expect(() => make('g', [{ name: 'x', backends: [fx.openai] }])).toThrow(/models\(x\) is already served on Gateway 'gateway' by OpenAiEndpoint test\/models\/e/);
    expect(() => ok.model('y')).toThrow(/does not serve/);
    expect(() => new OpenAiEndpoint(fx.ns.models, 'f', { gateway: fx.gateway, models: [{ name: 'x', backends: [fx.openai] }], streamIdleTimeout: Duration.seconds(0) })).toThrow(/streamIdleTimeout/);
  });
});

describe('OpenAiEndpoint attachment and setup notes', () => {
  it("routes a model to an LLMInferenceService's workload Service, and refuses one whose route KServe manages", () => {
    const fx = platform(GatewayProvider.ENVOY_GATEWAY);
    const gpu = { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', nvidiaGpu: '1' } };
    const mistral = new LlmInferenceService(fx.ns.models, 'mistral', { model: Storage.hf('mistralai/Mistral-7B-Instruct-v0.3'), container: { resources: gpu } });
    new OpenAiEndpoint(fx.ns.models, 'llms', { gateway: fx.gateway.listener('https'), models: [{ name: 'mistral', backends: [mistral] }] });
    const objects = synthObjects(fx.app);
    const [route] = routeOf(objects, 'mistral');
    const backend = findObject(objects, 'Backend', route.spec.rules[0].backendRefs[0].name, 'models');
    expect(backend.spec.endpoints).toEqual([{ fqdn: { hostname: 'mistral-kserve-workload-svc.models.svc.cluster.local', port: mistral.backendRef.port } }]);

    const managed = new LlmInferenceService(fx.ns.models, 'managed', { model: Storage.hf('mistralai/Mistral-7B-Instruct-v0.3'), router: LlmRouter.managedRoute(fx.gateway), container: { resources: gpu } });
    expect(() => new OpenAiEndpoint(fx.ns.models, 'other', { gateway: fx.gateway.listener('https'), models: [{ name: 'managed', backends: [managed] }] })).toThrow(/router is managed by KServe/);
  });

  it('grants the AIGatewayRoute and its generated HTTPRoute the reference to a pool of another namespace', () => {
    const f = setup(['edge', 'models', 'pools'], { requireAccessPolicies: false });
    const gateway = new Gateway(f.ns.edge, 'gateway', { provider: GatewayProvider.ENVOY_GATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('c')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models]) })] });
    const qwen = new InferenceService(f.ns.pools, 'qwen', {
      predictor: Predictor.model({ format: ModelFormat.custom('vllm'), storage: Storage.uri('hf://Qwen/Qwen2.5-7B-Instruct'), resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', nvidiaGpu: '1' } } }),
    });
    const pool = new InferencePool(f.ns.pools, 'qwen-pool', { modelServers: ModelServers.of(qwen), failureMode: FailureMode.FAIL_CLOSE });
    new EndpointPicker(f.ns.pools, 'qwen-epp', { pool, replicas: 2 });
    new OpenAiEndpoint(f.ns.models, 'llms', { gateway, models: [{ name: 'qwen', backends: [pool] }] }).allowPublicAccess('cross-namespace wiring only');
    const grants = objectsOfKind(synthObjects(f.app), 'ReferenceGrant').filter((g) => g.metadata.namespace === 'pools');
    expect(grants.map((g) => g.spec.from[0])).toEqual(
      expect.arrayContaining([
        { group: 'aigateway.envoyproxy.io', kind: 'AIGatewayRoute', namespace: 'models' },
        { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'models' },
      ]),
    );
    for (const g of grants) expect(g.spec.to).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen-pool' }]);
  });

  it('shares one AIServiceBackend between models on the same Service, even from two Backend.service calls, and refuses two backends of one name', () => {
    const fx = platform(GatewayProvider.ENVOY_GATEWAY);
    new OpenAiEndpoint(fx.ns.models, 'shared', {
      gateway: fx.gateway.listener('https'),
      hostnames: ['shared.example.com'],
      models: [
        { name: 'a', backends: [Backend.service('vllm', 8000)] },
        { name: 'b', backends: [Backend.service('vllm', 8000)] },
      ],
    });
    const objects = synthObjects(fx.app);
    expect(objectsOfKind(objects, 'AIServiceBackend').filter((o) => o.metadata.name === 'shared-vllm')).toHaveLength(1);
    const fy = platform(GatewayProvider.ENVOY_GATEWAY);
    expect(() => new OpenAiEndpoint(fy.ns.models, 'clash', {
      gateway: fy.gateway.listener('https'),
      models: [
        { name: 'a', backends: [LlmProvider.openAi('vllm', { apiKey: SecretRef.named('k') })] },
        { name: 'b', backends: [Backend.service('vllm', 8000)] },
      ],
    })).toThrow(/has two different backends named 'clash-vllm'/);
  });

  it('refuses a listener that does not admit the endpoint namespace, as any route', () => {
    const f = setup(['edge', 'models', 'other'], { requireAccessPolicies: false });
    const gateway = new Gateway(f.ns.edge, 'gateway', { provider: GatewayProvider.ENVOY_GATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('c')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.other]) })] });
    expect(() => new OpenAiEndpoint(f.ns.models, 'llms', { gateway, models: [{ name: 'x', backends: [Backend.service('vllm', 8000)] }] })).toThrow(/does not admit routes from namespace 'models'/);
  });
});
