import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { ModelServingError } from '../../src/core/errors';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { AccessPolicy, PolicyEngine } from '../../src/policy/access-policy';
import { JwtAuth } from '../../src/policy/authentication';
import { AGENTGATEWAY_POLICY_ENGINE } from '../../src/policy/agentgateway/engine';
import { ENVOY_GATEWAY_POLICY_ENGINE } from '../../src/policy/envoy-gateway/engine';
import { KGATEWAY_POLICY_ENGINE } from '../../src/policy/kgateway/engine';
import { KONG_POLICY_ENGINE } from '../../src/policy/kong/engine';
import { KUADRANT_POLICY_ENGINE } from '../../src/policy/kuadrant/engine';
import { RateLimit, RateLimitMode } from '../../src/policy/rate-limit';
import { Tier } from '../../src/policy/tier';
import { HttpRoute } from '../../src/routing/http-route';
import { setup } from '../util';
import { cycles, importsOf, runtimeGraph, SRC, typeGraph } from './import-graph';

const POLICY = join(SRC, 'policy');
/** The provider folders under src/policy/: each engine's constructs and compiler. */
const PROVIDER_FOLDERS = readdirSync(POLICY).filter((e) => statSync(join(POLICY, e)).isDirectory());

describe('the policy engine comes from the gateway provider', () => {
  it('no file of src/policy/*.ts imports a provider folder, not even for a side effect or a type', () => {
    expect(PROVIDER_FOLDERS).toEqual(expect.arrayContaining(['agentgateway', 'envoy-gateway', 'kgateway', 'kong', 'kuadrant']));
    const offending: string[] = [];
    for (const file of readdirSync(POLICY).filter((f) => f.endsWith('.ts'))) {
      for (const edge of importsOf(join(POLICY, file))) {
        const rel = edge.target.slice(POLICY.length + 1);
        if (PROVIDER_FOLDERS.some((folder) => rel.startsWith(`${folder}/`))) offending.push(`${file} -> ${rel}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('src/policy/ has no import cycle, type-only imports included (what madge --ts reports)', () => {
    const graph = new Map([...typeGraph()].filter(([file]) => file.startsWith('policy/')).map(([file, targets]) => [file, targets.filter((t) => t.startsWith('policy/'))]));
    expect(cycles(graph)).toEqual([]);
  });

  it('the compiled package has no load-order cycle (require graph of every src/ file)', () => {
    expect(cycles(runtimeGraph())).toEqual([]);
  });

  it('each known provider carries its engine', () => {
    expect(GatewayProvider.KGATEWAY.policyEngine).toBe(KGATEWAY_POLICY_ENGINE);
    expect(GatewayProvider.ENVOY_GATEWAY.policyEngine).toBe(ENVOY_GATEWAY_POLICY_ENGINE);
    expect(GatewayProvider.ISTIO.policyEngine).toBe(KUADRANT_POLICY_ENGINE);
    expect(GatewayProvider.KONG.policyEngine).toBe(KONG_POLICY_ENGINE);
    expect(GatewayProvider.AGENTGATEWAY.policyEngine).toBe(AGENTGATEWAY_POLICY_ENGINE);
    expect([KGATEWAY_POLICY_ENGINE, ENVOY_GATEWAY_POLICY_ENGINE, KUADRANT_POLICY_ENGINE, KONG_POLICY_ENGINE, AGENTGATEWAY_POLICY_ENGINE].map((e) => e.id)).toEqual(['kgateway', 'envoy-gateway', 'kuadrant', 'kong', 'agentgateway']);
    expect(GatewayProvider.custom('acme', 'acme-class').policyEngine).toBeUndefined();
  });

  it('has no registry: an engine is the object holding its compiler', () => {
    // @ts-expect-error PolicyEngine.register (the side-effect registry) is gone
    expect(PolicyEngine.register).toBeUndefined();
    // @ts-expect-error PolicyEngine.forProvider is gone: the provider carries its engine
    expect(PolicyEngine.forProvider).toBeUndefined();
  });

  function platformWith(provider: GatewayProvider) {
    const { ns } = setup(['edge', 'models']);
    const gateway = new Gateway(ns.edge, 'gw', { provider, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })] });
    const route = new HttpRoute(ns.models, 'iris', { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('iris-predictor', 80)] }] });
    const jwt = new JwtAuth({ issuer: 'https://auth.example.com/', jwksUri: 'https://auth.example.com/jwks', publicKey: { secretStore: { name: 'vault' }, remoteKey: 'jwt/key' } });
    const props = { gateway, routes: [route], authentication: [jwt], tiers: [new Tier('basic', { limits: [RateLimit.perMinute(10)] })], rateLimitMode: RateLimitMode.GLOBAL };
    return { ns, props };
  }

  it("a custom provider's own engine compiles the policy (nothing to register)", () => {
    const compiled: AccessPolicy[] = [];
    const engine = PolicyEngine.of({ id: 'acme', displayName: 'Acme', compile: (p) => (compiled.push(p), { caveats: [], objects: [] }) });
    const provider = GatewayProvider.custom('acme', 'acme-class', { policyEngine: engine });
    const { ns, props } = platformWith(provider);
    const policy = new AccessPolicy(ns.models, 'access', props);
    expect(policy.engine).toBe(engine);
    expect(compiled).toEqual([policy]);
  });

  it('refuses a policy whose provider carries no engine, naming the fix', () => {
    const { ns, props } = platformWith(GatewayProvider.custom('acme', 'acme-class'));
    let error: unknown;
    try {
      new AccessPolicy(ns.models, 'access', props);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelServingError);
    const message = (error as Error).message;
    expect(message).toContain('test/models/access');
    expect(message).toContain('engine');
    expect(message).toContain('"acme"');
    expect(message).toContain('which carries no policy engine');
    expect(message).toContain('GatewayProvider.custom(id, className, { policyEngine })');
  });

  it('an explicit engine overrides the provider (Kuadrant on Envoy Gateway)', () => {
    const { ns, props } = platformWith(GatewayProvider.ENVOY_GATEWAY);
    const policy = new AccessPolicy(ns.models, 'access', { ...props, engine: KUADRANT_POLICY_ENGINE });
    expect(policy.engine).toBe(KUADRANT_POLICY_ENGINE);
  });
});
