/**
 * agentgateway v1.4.1's API test data (`../shared/llm-routing-examples/agentgateway/*_valid.yaml`)
 * rebuilt through the typed constructs of `cdk8s-model-serving/agentgateway`
 * and compared with the upstream objects, modulo CRD defaults (both sides go
 * through the validator's `applyDefaults`). Our objects add only
 * `metadata.namespace` and the platform labels.
 *
 * Left out, with the reason:
 * - every `frontend` policy (http, http2, tls, tcp, proxy protocol, connect,
 *   access log, tracing), `backend.tls`/`tcp`/`http`/`tunnel`, `transformation`
 *   other than request header set/remove (`traffic-transform` adds headers,
 *   `traffic-body-transform` rewrites the body), `extProc`, `cors`, `csrf`,
 *   `timeouts`, `buffer`, conditional `directResponse`, `basicAuthentication`, the
 *   guardrails and prompt settings, `strategy.inheritance`, `targetSelectors`
 *   and `port` targets: not covered by the typed API (the access intent does
 *   not need them);
 * - `backend-auth-inline` and the AgentgatewayModel `openai-default`: they
 *   carry an inline key (`auth.key`); keys are always Secret references here;
 * - `traffic-extauth*`, `ext-auth-conditional*`: grpc `contextExtensions`,
 *   forwarded bodies and conditional external authorization are not covered
 *   (only `grpc: {}`/`http: {}`);
 * - `backend-auth-credential-ref-*`: an explicit `kind: Secret` / `group: ""`
 *   on the secretRef (the typed API always references a Secret);
 * - AgentgatewayBackend `ai-full`, `mcp-*`, `static-full`,
 *   `custom-provider-direct-host-port`: prompt guards and policies per
 *   provider, MCP, static hosts, a custom provider without backendRef;
 * - AgentgatewayModel `bedrock` (provider settings `bedrock: {}`), and the
 *   virtual models `fast`, `resilient`, `smart`.
 */
import * as path from 'node:path';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  AgentgatewayAiFormat,
  AgentgatewayAiProvider,
  AgentgatewayBackend,
  AgentgatewayFailureMode,
  AgentgatewayLocalRateLimitUnit,
  AgentgatewayManagedProvider,
  AgentgatewayModel,
  AgentgatewayModelProvider,
  AgentgatewayPolicy,
  AgentgatewayPolicyPhase,
  AgentgatewayRateLimitUnit,
} from '../../src/agentgateway';
import { Backend } from '../../src/core/backend';
import { PolicyTargetObject } from '../../src/core/policy-target';
import { SecretRef } from '../../src/core/secret-ref';
import { Gateway } from '../../src/gateway/gateway';
import { HttpRoute } from '../../src/routing/http-route';
import { formatIssue, validateObject } from '../../src/validate';
import { setup, synthObjects } from '../util';
import { compareWithUpstream, Json, readObjects } from '../upstream-compare';

const DATA = path.resolve(__dirname, '../../../shared/llm-routing-examples/agentgateway');
const file = (kind: string) => path.join(DATA, `controller__api__tests__testdata__agentgateway_${kind}_valid.yaml`);

type Build = (ns: Construct) => void;

const gateway = (ns: Construct) => Gateway.fromGatewayName(ns, 'dummy-gw', 'dummy');
const route = (ns: Construct) => HttpRoute.fromRouteName(ns, 'dummy-route', 'dummy');
const pool = () => Backend.ref({ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llama-pool' });

const POLICIES: Readonly<Record<string, Build>> = {
  'backend-ai-prompt': (ns) =>
    new AgentgatewayPolicy(ns, 'p', {
      name: 'backend-ai-prompt',
      targets: [PolicyTargetObject.fromName(ns, 'dummy', 'dummy', { kind: 'AgentgatewayBackend', group: 'agentgateway.dev' })],
      backend: { modelAliases: { fast: 'gpt-3.5-turbo', smart: 'gpt-4-turbo' } },
    }),
  'backend-auth-secret': (ns) => new AgentgatewayPolicy(ns, 'p', { name: 'backend-auth-secret', targets: [gateway(ns)], backend: { auth: { secret: SecretRef.named('api-key-secret') } } }),
  'traffic-ratelimit-local-requests': (ns) =>
    new AgentgatewayPolicy(ns, 'p', { name: 'traffic-ratelimit-local-requests', targets: [gateway(ns)], traffic: { rateLimit: { local: [{ requests: 100, unit: AgentgatewayLocalRateLimitUnit.MINUTES, burst: 20 }] } } }),
  'traffic-ratelimit-local-tokens': (ns) =>
    new AgentgatewayPolicy(ns, 'p', { name: 'traffic-ratelimit-local-tokens', targets: [gateway(ns)], traffic: { rateLimit: { local: [{ tokens: 10000, unit: AgentgatewayLocalRateLimitUnit.HOURS }] } } }),
  'traffic-ratelimit-global': (ns) =>
    new AgentgatewayPolicy(ns, 'p', {
      name: 'traffic-ratelimit-global',
      targets: [gateway(ns)],
      traffic: { rateLimit: { global: { backend: Backend.service('ratelimit-service', 8080), failureMode: AgentgatewayFailureMode.FAIL_OPEN, domain: 'example.com', descriptors: [{ entries: [{ name: 'client-ip', expression: 'source.address' }] }] } } },
    }),
  'traffic-ratelimit-global-tokens': (ns) =>
    new AgentgatewayPolicy(ns, 'p', {
      name: 'traffic-ratelimit-global-tokens',
      targets: [gateway(ns)],
      traffic: { rateLimit: { global: { backend: Backend.service('ratelimit-service', 8080), domain: 'example.com', descriptors: [{ entries: [{ name: 'user-id', expression: 'request.headers["x-user-id"]' }], unit: AgentgatewayRateLimitUnit.TOKENS }] } } },
    }),
  'traffic-multi-ratelimit': (ns) =>
    new AgentgatewayPolicy(ns, 'p', {
      name: 'traffic-multi-ratelimit',
      targets: [gateway(ns)],
      traffic: {
        rateLimit: {
          local: [
            { requests: 1000, unit: AgentgatewayLocalRateLimitUnit.HOURS },
            { requests: 100, unit: AgentgatewayLocalRateLimitUnit.MINUTES },
            { requests: 10, unit: AgentgatewayLocalRateLimitUnit.SECONDS, burst: 5 },
          ],
        },
      },
    }),
  'rate-limit-conditional': (ns) =>
    new AgentgatewayPolicy(ns, 'p', {
      name: 'rate-limit-conditional',
      targets: [gateway(ns)],
      traffic: { rateLimit: { conditional: [{ condition: "request.path == '/limited'", policy: { local: [{ requests: 10, unit: AgentgatewayLocalRateLimitUnit.SECONDS }] } }] } },
    }),
  'rate-limit-conditional-fallback': (ns) =>
    new AgentgatewayPolicy(ns, 'p', {
      name: 'rate-limit-conditional-fallback',
      targets: [gateway(ns)],
      traffic: {
        rateLimit: {
          conditional: [
            { condition: "request.path == '/limited'", policy: { local: [{ requests: 10, unit: AgentgatewayLocalRateLimitUnit.SECONDS }] } },
            { policy: { local: [{ requests: 1, unit: AgentgatewayLocalRateLimitUnit.MINUTES }] } },
          ],
        },
      },
    }),
  'jwt-auth-expression-location': (ns) =>
    new AgentgatewayPolicy(ns, 'p', {
      name: 'jwt-auth-expression-location',
      targets: [route(ns)],
      traffic: { jwtAuthentication: { location: { expression: 'request.headers["x-jwt-token"]' }, providers: [{ issuer: 'solo.io', jwks: { inline: '{"keys":[]}' } }] } },
    }),
  'traffic-gateway-phase': (ns) =>
    new AgentgatewayPolicy(ns, 'p', { name: 'traffic-gateway-phase', targets: [gateway(ns)], traffic: { phase: AgentgatewayPolicyPhase.PRE_ROUTING, requestHeaders: { set: { 'X-Gateway': '"true"' } } } }),
  'traffic-route-phase': (ns) =>
    new AgentgatewayPolicy(ns, 'p', { name: 'traffic-route-phase', targets: [gateway(ns)], traffic: { phase: AgentgatewayPolicyPhase.POST_ROUTING, requestHeaders: { set: { 'X-Route': '"true"' } } } }),
  'api-key-auth-expression-location': (ns) =>
    new AgentgatewayPolicy(ns, 'p', {
      name: 'api-key-auth-expression-location',
      targets: [route(ns)],
      traffic: { apiKeyAuthentication: { location: { expression: 'request.headers["x-api-key"]' }, secret: SecretRef.named('api-keys') } },
    }),
};

const BACKENDS: Readonly<Record<string, Build>> = {
  'ai-simple': (ns) => new AgentgatewayBackend(ns, 'b', { name: 'ai-simple', provider: AgentgatewayAiProvider.openAi() }),
  'ai-providers': (ns) =>
    new AgentgatewayBackend(ns, 'b', {
      name: 'ai-providers',
      groups: [
        [
          { name: 'openai', provider: AgentgatewayAiProvider.openAi({ model: 'gpt-4' }) },
          { name: 'vertex', provider: AgentgatewayAiProvider.vertexAi({ projectId: '123', region: 'global' }) },
          { name: 'azure', provider: AgentgatewayAiProvider.azureOpenAi({ endpoint: 'test' }) },
          { name: 'anthropic', provider: AgentgatewayAiProvider.anthropic({ model: 'claude' }) },
          { name: 'gemini', provider: AgentgatewayAiProvider.gemini({ model: 'xx' }) },
          { name: 'local', provider: AgentgatewayAiProvider.openAi({ model: 'ollama', host: 'localhost', port: 8443, path: '/custom' }) },
        ],
      ],
    }),
  'custom-provider-service-backendref': (ns) =>
    new AgentgatewayBackend(ns, 'b', { name: 'custom-provider-service-backendref', provider: AgentgatewayAiProvider.custom({ backend: Backend.service('llm-service', 8080), formats: [AgentgatewayAiFormat.COMPLETIONS] }) }),
  'custom-provider-inferencepool-backendref': (ns) =>
    new AgentgatewayBackend(ns, 'b', { name: 'custom-provider-inferencepool-backendref', provider: AgentgatewayAiProvider.custom({ backend: pool(), formats: [AgentgatewayAiFormat.COMPLETIONS] }) }),
};

const llmListener = (ns: Construct) => Gateway.fromGatewayName(ns, 'ai-gateway', 'ai-gateway').listener('llm');

const MODELS: Readonly<Record<string, Build>> = {
  'suffix-wildcard': (ns) => new AgentgatewayModel(ns, 'm', { name: 'suffix-wildcard', parents: [llmListener(ns)], model: '*-latest', provider: AgentgatewayModelProvider.managed(AgentgatewayManagedProvider.OPENAI) }),
  'openai-models': (ns) =>
    new AgentgatewayModel(ns, 'm', { name: 'openai-models', parents: [llmListener(ns)], model: 'openai/*', internal: true, provider: AgentgatewayModelProvider.managed(AgentgatewayManagedProvider.OPENAI), upstreamModel: 'llmRequest.model.stripPrefix("openai/")' }),
  'anthropic-models': (ns) =>
    new AgentgatewayModel(ns, 'm', { name: 'anthropic-models', parents: [llmListener(ns)], model: 'anthropic/*', internal: true, provider: AgentgatewayModelProvider.managed(AgentgatewayManagedProvider.ANTHROPIC), upstreamModel: 'llmRequest.model.stripPrefix("anthropic/")' }),
  'llama-inference-pool': (ns) =>
    new AgentgatewayModel(ns, 'm', {
      name: 'llama-inference-pool',
      parents: [llmListener(ns)],
      model: 'local/llama-3.3',
      provider: AgentgatewayModelProvider.custom({ backend: pool(), formats: [AgentgatewayAiFormat.COMPLETIONS, AgentgatewayAiFormat.EMBEDDINGS] }),
      upstreamModel: 'llmRequest.model.stripPrefix("local/")',
    }),
};

/** What our objects may add to an upstream one: the namespace and the platform labels. */
const ALLOWED_EXTRA = /^metadata\.(namespace|labels\['[^']+'\])$/;

function rebuild(kind: string, cases: Readonly<Record<string, Build>>): void {
  const upstream = new Map(readObjects(file(kind)).map((o) => [(o.metadata as Json).name as string, o]));
  for (const [name, build] of Object.entries(cases)) {
    it(`${kind} ${name}`, () => {
      const theirs = upstream.get(name);
      expect(theirs, `${name} is in the upstream file`).toBeDefined();
      const { app, ns } = setup(['models'], { requireAccessPolicies: false });
      build(ns.models);
      const mine = synthObjects(app).find((o) => o.metadata.name === name && o.kind === theirs!.kind) as unknown as Json;
      expect(mine, `${name} is synthesized`).toBeDefined();
      const { missing, extra } = compareWithUpstream(theirs!, mine);
      expect(missing, `${name}: upstream fields we do not reproduce`).toEqual([]);
      expect(extra.filter((p) => !ALLOWED_EXTRA.test(p)), `${name}: fields we add`).toEqual([]);
      expect(validateObject(mine as never).map(formatIssue)).toEqual([]);
    });
  }
}

describe('agentgateway v1.4.1 API test data rebuilt through the typed API', () => {
  rebuild('policy', POLICIES);
  rebuild('backend', BACKENDS);
  rebuild('model', MODELS);

  it('keeps provider keys out of the objects: an inline key has no field in the typed API, a Secret is referenced', () => {
    const { app, ns } = setup(['models'], { requireAccessPolicies: false });
    new AgentgatewayBackend(ns.models, 'openai', { provider: AgentgatewayAiProvider.openAi(), key: { secret: SecretRef.named('openai-key') }, tls: true });
    const b = synthObjects(app).find((o) => o.kind === 'AgentgatewayBackend') as any;
    expect(b.spec.policies).toEqual({ auth: { secretRef: { name: 'openai-key' } }, tls: {} });
    // @ts-expect-error an inline key is not a prop
    expect(() => new AgentgatewayBackend(ns.models, 'x', { provider: AgentgatewayAiProvider.openAi(), key: 'sk-123' })).toThrow(/key\.secret is a string: a credential is a Secret reference, never a value/);
  });

  it('refuses what the CRD or the controller would reject, with the field and a fix', () => {
    const { ns } = setup(['models'], { requireAccessPolicies: false });
    const gw = gateway(ns.models);
    expect(() => new AgentgatewayModel(ns.models, 'bad-allow', { name: 'm', parents: [llmListener(ns.models)], model: 'm', provider: AgentgatewayModelProvider.managed(AgentgatewayManagedProvider.OPENAI), allowWhen: 'true' as never })).toThrow(/allowWhen must be a list/);
    expect(() => new AgentgatewayPolicy(ns.models, 'a', { targets: [gw, route(ns.models)], traffic: { authorization: { matchExpressions: ['true'] } } })).toThrow(/targets mix kinds: one AgentgatewayPolicy targets objects of one kind/);
    expect(() => new AgentgatewayPolicy(ns.models, 'b', { targets: [gw], traffic: { rateLimit: { local: [{ requests: 1, tokens: 2, unit: AgentgatewayLocalRateLimitUnit.MINUTES }] } } })).toThrow(/local\[0\] must set exactly one of requests and tokens/);
    expect(() => new AgentgatewayPolicy(ns.models, 'c', { targets: [gw], traffic: { rateLimit: { conditional: [{ policy: { local: [{ requests: 1, unit: AgentgatewayLocalRateLimitUnit.MINUTES }] } }, { condition: 'true', policy: { local: [{ requests: 1, unit: AgentgatewayLocalRateLimitUnit.MINUTES }] } }] } } })).toThrow(/only the last entry may be the fallback/);
    expect(() => new AgentgatewayPolicy(ns.models, 'd', { targets: [PolicyTargetObject.fromName(ns.models, 'be', 'be', { kind: 'AgentgatewayBackend', group: 'agentgateway.dev' })], traffic: { authorization: { matchExpressions: ['true'] } } })).toThrow(/a traffic policy attaches only to Gateway, HTTPRoute, GRPCRoute, ListenerSet, InferencePool/);
    expect(() => new AgentgatewayPolicy(ns.models, 'e', { targets: [gw], traffic: { jwtAuthentication: { providers: [{ issuer: 'x', jwks: { remote: { backend: Backend.service('idp', 443), jwksPath: 'keys', cacheDuration: Duration.minutes(5) } } }] } } })).toThrow(/jwksPath must be a path starting with '\/'/);
  });
});
