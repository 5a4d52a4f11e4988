/**
 * The checks LlmProvider (src/inference) and the Envoy AI Gateway and
 * agentgateway backends share: a credential is a Secret reference (a
 * string is refused without being echoed), an AWS region is a region code,
 * and a path prefix is a safe path (as route matches are).
 */
import { describe, expect, it } from 'vitest';
import { AgentgatewayAiProvider, AgentgatewayBackend, AgentgatewayManagedProvider, AgentgatewayModel, AgentgatewayModelProvider, AgentgatewayPolicy } from '../../src/agentgateway';
import { Gateway } from '../../src/gateway/gateway';
import { AIServiceBackend, AIServiceBackendSchema, BackendCredential, BackendEndpoint, EnvoyGatewayBackend } from '../../src/aigateway';
import { SecretRef } from '../../src/core/secret-ref';
import { LlmProvider } from '../../src/inference/llm-provider';
import { refusal as thrown } from '../reliability/hostile-helpers';
import { setup } from '../util';

const KEY = 'sk-proj-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH';

describe('credentials are Secret references, in LlmProvider and BackendCredential alike', () => {
  const refusals: Array<[string, () => unknown, string]> = [
    ['LlmProvider.openAi', () => LlmProvider.openAi('openai', { apiKey: KEY as never }), 'apiKey'],
    ['LlmProvider.awsBedrock', () => LlmProvider.awsBedrock('bedrock', { region: 'us-east-1', credentials: KEY as never }), 'credentials'],
    ['BackendCredential.apiKey', () => BackendCredential.apiKey(KEY as never), 'secret'],
    ['BackendCredential.azureClientSecret', () => BackendCredential.azureClientSecret('client', 'tenant', KEY as never), 'clientSecret'],
  ];
  it.each(refusals)('%s refuses a string, without echoing it', (_name, f, field) => {
    const e = thrown(f);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(/is a string: a credential is a Secret reference, never a value/);
    expect(e.message).not.toContain(KEY);
    expect(e.message).toContain('<redacted>');
    expect(e.fix).toMatch(/SecretRef\.named/);
  });

  it("agentgateway's provider keys (AgentgatewayBackend, AgentgatewayModel, AgentgatewayPolicy backend.auth) refuse a string the same way", () => {
    const f = setup(['llm']);
    const listener = Gateway.fromGatewayName(f.ns.llm, 'ai-gateway', 'ai-gateway').listener('llm');
    const cases: Array<[() => unknown, string]> = [
      [() => new AgentgatewayBackend(f.ns.llm, 'b1', { provider: AgentgatewayAiProvider.openAi(), key: KEY as never }), 'key.secret'],
      [() => new AgentgatewayBackend(f.ns.llm, 'b2', { provider: AgentgatewayAiProvider.openAi(), key: { secret: KEY as never } }), 'key.secret'],
      [() => new AgentgatewayModel(f.ns.llm, 'm1', { parents: [listener], provider: AgentgatewayModelProvider.managed(AgentgatewayManagedProvider.OPENAI), key: { secret: KEY as never } }), 'key.secret'],
      [() => new AgentgatewayPolicy(f.ns.llm, 'p1', { targets: [listener.gateway], backend: { auth: { secret: KEY as never } } }), 'backend.auth.secret'],
    ];
    for (const [make, field] of cases) {
      const e = thrown(make);
      expect(e.field).toBe(field);
      expect(e.message).toMatch(/is a string: a credential is a Secret reference, never a value/);
      expect(e.message).not.toContain(KEY);
    }
    expect(thrown(() => new AgentgatewayBackend(f.ns.llm, 'b3', { provider: AgentgatewayAiProvider.openAi(), key: { secret: { secretName: 'Bad_Name' } } })).field).toBe('key.secret.secretName');
    expect(thrown(() => new AgentgatewayModel(f.ns.llm, 'm2', { parents: [listener], provider: AgentgatewayModelProvider.managed(AgentgatewayManagedProvider.OPENAI), key: {} as never })).message).toMatch(/key\.secret is required \(a Secret reference\)/);
  });

  it('both refuse an object that is not a Secret reference, and a bad Secret name', () => {
    expect(thrown(() => LlmProvider.anthropic('anthropic', { apiKey: { name: 'x' } as never })).message).toMatch(/apiKey must be a Secret reference/);
    expect(thrown(() => BackendCredential.anthropicApiKey({ name: 'x' } as never)).message).toMatch(/secret must be a Secret reference/);
    expect(thrown(() => LlmProvider.openAi('openai', { apiKey: { secretName: 'Bad_Name' } })).field).toBe('apiKey.secretName');
    expect(thrown(() => BackendCredential.apiKey({ secretName: 'Bad_Name' })).field).toBe('secret.secretName');
  });

  it('both accept a SecretRef', () => {
    expect(LlmProvider.openAi('openai', { apiKey: SecretRef.named('openai-key') }).credential?.secret.secretName).toBe('openai-key');
    expect(BackendCredential.apiKey(SecretRef.named('openai-key')).secrets[0][0].secretName).toBe('openai-key');
  });
});

describe('AWS regions', () => {
  it.each(['us-east-1', 'eu-central-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1'])('%s is accepted by LlmProvider.awsBedrock and BackendCredential', (region) => {
    expect(LlmProvider.awsBedrock('bedrock', { region, credentials: SecretRef.named('aws') }).hostname).toBe(`bedrock-runtime.${region}.amazonaws.com`);
    expect(BackendCredential.awsCredentialsFile(region, SecretRef.named('aws')).spec.awsCredentials?.region).toBe(region);
    expect(BackendCredential.awsDefaultChain(region).spec.awsCredentials?.region).toBe(region);
  });

  it.each(['us-east', 'US-EAST-1', 'bedrock-runtime.us-east-1.amazonaws.com', 'us-east-1 ', ''])('%j is refused the same way by each', (region) => {
    for (const f of [
      () => LlmProvider.awsBedrock('bedrock', { region, credentials: SecretRef.named('aws') }),
      () => BackendCredential.awsCredentialsFile(region, SecretRef.named('aws')),
      () => BackendCredential.awsDefaultChain(region),
    ]) {
      const e = thrown(f);
      expect(e.field).toBe('region');
      expect(e.message).toMatch(/region must be an AWS region/);
      expect(e.fix).toContain('us-east-1');
    }
  });

  it('a region that is not a string is refused as such', () => {
    expect(thrown(() => BackendCredential.awsDefaultChain(1 as never)).message).toMatch(/region must be a string/);
    expect(thrown(() => LlmProvider.awsBedrock('bedrock', { region: undefined as never, credentials: SecretRef.named('aws') })).message).toMatch(/region is required/);
  });
});

const UNSAFE: Array<[string, RegExp]> = [
  ['/v1/../admin', /'\.' or '\.\.' segment/],
  ['/v1/./x', /'\.' or '\.\.' segment/],
  ['/openai%2fv1', /encoded character %2f/],
  ['/openai%2Fv1', /encoded character %2F/],
  ['/v1%252e', /double-encoded/],
  ['/v1?api-version=1', /holds '\?'/],
  ['/v1#x', /holds '#'/],
];

describe('path prefixes are safe paths', () => {
  it.each(UNSAFE)('LlmProvider.openAiCompatible refuses pathPrefix %j', (pathPrefix, problem) => {
    const e = thrown(() => LlmProvider.openAiCompatible('together', { hostname: 'api.together.xyz', pathPrefix }));
    expect(e.field).toBe('pathPrefix');
    expect(e.message).toMatch(problem);
    expect(e.value).toBe(pathPrefix);
  });

  it.each(UNSAFE)('AIServiceBackend refuses schemaPrefix %j', (schemaPrefix, problem) => {
    const f = setup(['llm']);
    const backend = new EnvoyGatewayBackend(f.ns.llm, 'gemini', { endpoints: [BackendEndpoint.fqdn('generativelanguage.googleapis.com', 443)], tls: {} });
    const e = thrown(() => new AIServiceBackend(f.ns.llm, 'gemini-ai', { schema: AIServiceBackendSchema.OPENAI, schemaPrefix, backend }));
    expect(e.field).toBe('schemaPrefix');
    expect(e.message).toMatch(problem);
  });

  it.each(UNSAFE)('AgentgatewayAiProvider refuses pathPrefix %j', (pathPrefix, problem) => {
    const f = setup(['llm']);
    const e = thrown(() => new AgentgatewayBackend(f.ns.llm, 'openai', { provider: AgentgatewayAiProvider.openAi({ pathPrefix }) }));
    expect(e.field).toBe('provider.pathPrefix');
    expect(e.message).toMatch(problem);
  });

  it('AgentgatewayAiProvider refuses an unsafe path override', () => {
    const f = setup(['llm']);
    const e = thrown(() => new AgentgatewayBackend(f.ns.llm, 'openai', { provider: AgentgatewayAiProvider.openAi({ host: 'localhost', port: 8443, path: '/v1/../admin' }) }));
    expect(e.field).toBe('provider.path');
    expect(e.message).toMatch(/'\.' or '\.\.' segment/);
  });

  it('safe prefixes pass and reach the objects as given', () => {
    expect(LlmProvider.openAiCompatible('together', { hostname: 'api.together.xyz', pathPrefix: '/openai/v1' }).pathPrefix).toBe('/openai/v1');
    const f = setup(['llm']);
    const backend = new EnvoyGatewayBackend(f.ns.llm, 'gemini', { endpoints: [BackendEndpoint.fqdn('generativelanguage.googleapis.com', 443)], tls: {} });
    for (const [id, schemaPrefix] of [['a', '/v1beta/openai'], ['b', 'compatibility/v1']]) {
      const ai = new AIServiceBackend(f.ns.llm, id, { schema: AIServiceBackendSchema.OPENAI, schemaPrefix, backend });
      expect((ai.resource.toJson() as any).spec.schema.prefix).toBe(schemaPrefix);
    }
    const agw = new AgentgatewayBackend(f.ns.llm, 'openai', { provider: AgentgatewayAiProvider.openAi({ pathPrefix: '/openai/v1' }) });
    expect((agw.resource.toJson() as any).spec.ai.provider.pathPrefix).toBe('/openai/v1');
  });
});
