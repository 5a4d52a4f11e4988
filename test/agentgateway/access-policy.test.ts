import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { synthPlatforms } from '../../src/delivery/synth';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { AGENTGATEWAY_POLICY_ENGINE } from '../../src/agentgateway';
import { CounterKey, LimitScope, RateLimitMode } from '../../src/policy/rate-limit';
import { Backend } from '../../src/core/backend';
import { ApiKeyAuth } from '../../src/policy/authentication';
import { HttpRoute } from '../../src/routing/http-route';
import { Tier } from '../../src/policy/tier';
import { RateLimit, TokenLimit } from '../../src/policy/rate-limit';
import { formatIssue, validateObjects } from '../../src/validate';
import { checkPlatformSecurity } from '../../src/security/platforms';
import { formatFinding } from '../../src/security/check';
import { findObject, objectsOfKind, synthObjects } from '../util';
import { allows, celValue, fixture, limits, policyOf } from './fixture';

const POST = { method: 'POST', path: '/v1/chat/completions' };
const GET_MODELS = { method: 'GET', path: '/v1/models' };

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelServingError);
    return (e as Error).message;
  }
  throw new Error('expected a ModelServingError');
}

describe('GatewayProvider.AGENTGATEWAY', () => {
  it('carries the controller facts of agentgateway v1.4.1 and its engine', () => {
    const p = GatewayProvider.AGENTGATEWAY;
    expect(p.gatewayClassName).toBe('agentgateway');
    expect(GatewayProvider.forClassName('agentgateway')).toBe(p);
    expect(p.policyEngine).toBe(AGENTGATEWAY_POLICY_ENGINE);
    expect(p.dataPlane('agw', 'gateways')).toEqual({
      namespace: 'gateways',
      selector: { 'gateway.networking.k8s.io/gateway-name': 'agw' },
      labels: { 'app.kubernetes.io/name': 'agw', 'app.kubernetes.io/instance': 'agw', 'gateway.networking.k8s.io/gateway-name': 'agw', 'gateway.networking.k8s.io/gateway-class-name': 'agentgateway' },
    });
    expect(p.controlPlane).toEqual({ namespace: 'agentgateway-system', selector: { agentgateway: 'agentgateway', 'app.kubernetes.io/name': 'agentgateway' }, port: 9978 });
    expect(p.podPorts(443)).toEqual([443]);
  });
});

describe('AccessPolicy on an agentgateway Gateway (JWT)', () => {
  const f = fixture();
  f.policy();
  const objects = synthObjects(f.app);
  const free = { jwt: { sub: 'u1', role: 'free' } };
  const pro = { jwt: { sub: 'u2', role: 'pro' } };
  const admin = { jwt: { sub: 'root', role: 'admin' } };

  it('emits one AgentgatewayPolicy per route, targeting the route, with Strict JWT authentication through the JWKS backend', () => {
    const ap = policyOf(objects, 'qwen3');
    expect(ap.apiVersion).toBe('agentgateway.dev/v1alpha1');
    expect(ap.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'qwen3' }]);
    expect(ap.spec.traffic.jwtAuthentication).toEqual({
      providers: [{ issuer: 'https://sso.example.com/', audiences: ['llm'], jwks: { remote: { jwksPath: '/keys?v=2', backendRef: { name: 'sso', port: 8443 } } } }],
    });
    expect(objectsOfKind(objects, 'AgentgatewayPolicy').map((o) => o.metadata.name).sort()).toEqual(['access-llama', 'access-qwen3']);
  });

  it('reads back into the same decisions: who may call which route, with which method and path', () => {
    expect(allows(objects, 'qwen3', free, POST)).toBe(true);
    expect(allows(objects, 'qwen3', free, GET_MODELS)).toBe(false); // free: POST only
    expect(allows(objects, 'qwen3', free, { method: 'POST', path: '/v1beta/x' })).toBe(false); // /v1 on whole segments
    expect(allows(objects, 'llama', free, POST)).toBe(false); // free: qwen3 only
    expect(allows(objects, 'llama', pro, POST)).toBe(true);
    expect(allows(objects, 'qwen3', pro, POST)).toBe(true); // inherited from free
    expect(allows(objects, 'llama', admin, GET_MODELS)).toBe(true);
    expect(allows(objects, 'qwen3', { jwt: { sub: 'x', role: 'guest' } }, POST)).toBe(false); // unknown tier
    expect(allows(objects, 'qwen3', { jwt: { sub: 'x' } }, POST)).toBe(false); // no tier claim
  });

  it('reads back into the same limits: how often and how many tokens, per user and route', () => {
    expect(limits(objects, 'qwen3', free)).toEqual(['10000 tokens:llm.totalTokens/hour', '60 requests/minute']);
    expect(limits(objects, 'llama', pro)).toEqual(['200000 tokens:llm.totalTokens/hour', '5000 requests/day', '600 requests/minute']);
    expect(limits(objects, 'qwen3', admin)).toEqual([]);
    // Each user has their own counter: the descriptor's last entry is the user claim.
    const d = policyOf(objects, 'qwen3').spec.traffic.rateLimit.global.descriptors[0];
    expect(d.entries.map((e: { name: string }) => e.name)).toEqual(['route', 'tier', 'window', 'user']);
    expect(celValue(d.entries[3].expression, free)).toBe('u1');
  });

  it('runs the Envoy rate limit service on Redis, reachable from the proxies only', () => {
    const global = policyOf(objects, 'qwen3').spec.traffic.rateLimit.global;
    expect(global.backendRef).toEqual({ name: 'access-ratelimit', port: 8081 });
    expect(global.domain).toBe('llm-access');
    const deploy = findObject(objects, 'Deployment', 'access-ratelimit', 'llm');
    expect(deploy.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'REDIS_URL').value).toBe('redis.data.svc.cluster.local:6379');
    const np = objectsOfKind(objects, 'NetworkPolicy').find((n) => n.metadata.name === 'allow-access-ratelimit-from-agw')!;
    expect(JSON.stringify(np.spec)).toContain('"gateway.networking.k8s.io/gateway-name":"agw"');
  });

  it('sets the user and tier headers for the backend from the verified claims', () => {
    expect(policyOf(objects, 'qwen3').spec.traffic.transformation.request.set).toEqual([
      { name: 'x-user-id', value: 'jwt.sub' },
      { name: 'x-user-tier', value: 'jwt.role' },
    ]);
  });

  it('validates against the pinned agentgateway CRDs', () => {
    const issues = validateObjects(objects.map((object) => ({ object, file: `${object.kind}/${object.metadata.name}` })), { gatewayApiChannel: 'standard' });
    expect(issues.map(formatIssue)).toEqual([]);
  });
});

describe('AccessPolicy on an agentgateway Gateway (API keys)', () => {
  const f = fixture();
  f.policy({ authentication: [f.apiKeys()], counterKey: CounterKey.CLIENT_IP, limitScope: LimitScope.GATEWAY });
  const objects = synthObjects(f.app);

  it('selects the key Secrets, written in agentgateway\'s format by External Secrets (templates, never values)', () => {
    expect(policyOf(objects, 'qwen3').spec.traffic.apiKeyAuthentication).toEqual({ secretSelector: { matchLabels: { 'models.cdk8s.io/api-key': 'llm.access' } }, location: { header: { name: 'x-api-key' } } });
    const es = findObject(objects, 'ExternalSecret', 'access-key-alice', 'llm');
    expect(es.spec.target.template.data).toEqual({ alice: '{"key":{{ .key | toJson }},"metadata":{"user":"alice","tier":"free"}}' });
    expect(es.spec.target.template.metadata.labels['models.cdk8s.io/api-key']).toBe('llm.access');
    expect(es.spec.data).toEqual([{ secretKey: 'key', remoteRef: { key: 'llm/alice' } }]);
    expect(validateObjects(objects.map((object) => ({ object, file: `${object.kind}/${object.metadata.name}` })), { gatewayApiChannel: 'standard' }).map(formatIssue)).toEqual([]);
  });

  it('reads back into the same decisions and limits from the key metadata (one bucket per client address across the policy)', () => {
    const alice = { apiKey: { user: 'alice', tier: 'free' }, address: '10.1.1.1' };
    const bob = { apiKey: { user: 'bob', tier: 'pro' }, address: '10.1.1.2' };
    expect(allows(objects, 'qwen3', alice, POST)).toBe(true);
    expect(allows(objects, 'llama', alice, POST)).toBe(false);
    expect(allows(objects, 'llama', bob, POST)).toBe(true);
    expect(limits(objects, 'llama', alice)).toEqual(['10000 tokens:llm.totalTokens/hour', '60 requests/minute']);
    const d = policyOf(objects, 'qwen3').spec.traffic.rateLimit.global.descriptors[0];
    expect(d.entries.map((e: { name: string }) => e.name)).toEqual(['policy', 'tier', 'window', 'client']);
    expect(celValue(d.entries[3].expression, alice)).toBe('10.1.1.1');
    expect(policyOf(objects, 'qwen3').spec.traffic.transformation.request.set).toEqual([
      { name: 'x-user-id', value: 'apiKey.user' },
      { name: 'x-user-tier', value: 'apiKey.tier' },
    ]);
  });
});

describe('refusals', () => {
  it('refuses local limits: agentgateway\'s local bucket is shared by every caller', () => {
    const f = fixture();
    expect(refusal(() => f.policy({ rateLimitMode: RateLimitMode.LOCAL }))).toMatch(/rateLimitMode cannot be expressed by provider 'agentgateway'.*shared by every caller.*RateLimitMode.GLOBAL/s);
  });
  it('refuses global limits without Redis', () => {
    const f = fixture();
    expect(refusal(() => f.policy({ redis: undefined }))).toMatch(/redis is required for request and token limits on agentgateway/);
  });
  it('refuses token limits on a route whose backend is not an AgentgatewayBackend (no token usage seen)', () => {
    const f = fixture();
    const plain = new HttpRoute(f.ns.llm, 'plain', { parents: [f.gateway.listener('https')], rules: [{ backends: [Backend.service('vllm', 8000)] }] });
    const t = new Tier('t', { limits: [RateLimit.perMinute(1)], tokenLimits: [TokenLimit.perMinute(100)] });
    expect(refusal(() => f.policy({ routes: [plain], tiers: [t] }, 'p2'))).toMatch(/routes\(plain\)\.backends cannot be expressed by provider 'agentgateway'.*Service\/vllm.*AgentgatewayBackend/s);
  });
  it('refuses JWT and API keys together, and a counter per bearer token', () => {
    const f = fixture();
    expect(refusal(() => f.policy({ authentication: [f.jwt(), f.apiKeys()] }))).toMatch(/authentication cannot be expressed by provider 'agentgateway'/);
    const g = fixture();
    expect(refusal(() => g.policy({ counterKey: CounterKey.API_KEY }))).toMatch(/counterKey cannot be expressed.*raw bearer tokens/);
  });
  it('refuses API keys from labelled Secrets (agentgateway reads identity from key metadata)', () => {
    const f = fixture();
    expect(refusal(() => f.policy({ authentication: [ApiKeyAuth.fromLabeledSecrets({ selector: { app: 'keys' } })] }))).toMatch(/fromLabeledSecrets.*JSON metadata/s);
  });
  it('synthesizes a platform that passes the security rules (declared flows open: proxies to backends, rate limit service, Redis; xDS) and states the engine in POLICY.md', () => {
    const f = fixture();
    f.policy();
    const outputs = synthPlatforms(f.app);
    expect(checkPlatformSecurity(outputs).map(formatFinding)).toEqual([]);
    const policyMd = outputs[0].files['POLICY.md'];
    expect(policyMd).toContain('Engine: agentgateway');
    expect(policyMd).toContain('| qwen3 | free | allowed; methods POST; paths /v1 | 60 requests/minute | 10000 tokens/hour |');
    expect(policyMd).toContain('stream_options.include_usage');
  });
});
