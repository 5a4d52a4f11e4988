import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../../src/core/backend';
import { SecretRef } from '../../../src/core/secret-ref';
import { ApiKeySource, ExtAuthService, PolicyTarget, SecurityPolicy } from '../../../src/policy/envoy-gateway';
import { HttpRoute } from '../../../src/routing/http-route';
import { PathMatch } from '../../../src/routing/match';
import { findObject, synthObjects } from '../../util';
import { egPlatform, expectValid } from './fixture';

const provider = { name: 'idp', issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks.json' };

describe('SecurityPolicy', () => {
  it('validates JWTs, calls a gRPC authorizer and allows by claims, headers and CIDRs', () => {
    const { app, ns, iris } = egPlatform({ requireAccessPolicies: false });
    const sp = new SecurityPolicy(ns.models, 'iris-auth', {
      targets: [PolicyTarget.route(iris)],
      jwtProviders: [{ ...provider, audiences: ['models'], jwksCacheDuration: Duration.minutes(10), claimToHeaders: { sub: 'x-user-id', role: 'x-user-tier' } }],
      extAuth: { service: ExtAuthService.grpc(Backend.service('opa', 9191, { namespace: 'authz' })), timeout: Duration.seconds(2) },
      authorizationRules: [
        { name: 'admins', action: 'Allow', principal: { jwt: { provider: 'idp', claims: [{ name: 'role', values: ['admin'] }] } } },
        { name: 'readers', action: 'Allow', principal: { jwt: { provider: 'idp', claims: [{ name: 'groups', values: ['ml'], valueType: 'StringArray' }], scopes: ['models:read'] } }, methods: ['GET', 'POST'], path: PathMatch.prefix('/v1/models') },
        { name: 'office', action: 'Allow', principal: { clientCidrs: ['10.0.0.0/8', '2001:db8::/32'], headers: { 'x-client-id': ['batch'] } } },
      ],
    });
    expect(sp.policyName).toBe('iris-auth');
    expect(sp.targets.map(String)).toEqual(['HTTPRoute/iris']);
    const objects = synthObjects(app);
    const obj = findObject(objects, 'SecurityPolicy', 'iris-auth', 'models');
    expect(obj.apiVersion).toBe('gateway.envoyproxy.io/v1alpha1');
    expect(obj.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'iris' }]);
    expect(obj.spec.jwt.providers).toEqual([
      {
        name: 'idp',
        issuer: 'https://idp.example.com/',
        audiences: ['models'],
        remoteJWKS: { uri: 'https://idp.example.com/jwks.json', cacheDuration: '10m' },
        claimToHeaders: [
          { claim: 'role', header: 'x-user-tier' },
          { claim: 'sub', header: 'x-user-id' },
        ],
        extractFrom: { headers: [{ name: 'Authorization', valuePrefix: 'Bearer ' }] },
      },
    ]);
    expect(obj.spec.extAuth).toEqual({ grpc: { backendRefs: [{ name: 'opa', namespace: 'authz', port: 9191 }] }, failOpen: false, timeout: '2s' });
    expect(obj.spec.authorization.defaultAction).toBe('Deny');
    expect(obj.spec.authorization.rules[1]).toEqual({
      name: 'readers',
      action: 'Allow',
      operation: { methods: ['GET', 'POST'], path: { type: 'PathPrefix', value: '/v1/models' } },
      principal: { jwt: { provider: 'idp', claims: [{ name: 'groups', values: ['ml'], valueType: 'StringArray' }], scopes: ['models:read'] } },
    });
    expect(obj.spec.authorization.rules[2].principal).toEqual({ headers: [{ name: 'x-client-id', values: ['batch'] }], clientCIDRs: ['10.0.0.0/8', '2001:db8::/32'] });
    expectValid([obj]);
    expect(obj).toMatchSnapshot();
  });

  it('authenticates API keys from Secrets, forwards the client id and removes the key', () => {
    const { app, ns, iris, mnist } = egPlatform({ requireAccessPolicies: false });
    new SecurityPolicy(ns.models, 'keys', {
      targets: [PolicyTarget.route(iris), PolicyTarget.route(mnist)],
      apiKeyAuth: { credentials: [SecretRef.named('team-a-keys'), SecretRef.named('shared-keys', { namespace: 'secrets' })], extractFrom: [ApiKeySource.header('x-api-key'), ApiKeySource.cookie('key')], forwardClientIdHeader: 'x-client-id' },
    });
    const obj = findObject(synthObjects(app), 'SecurityPolicy', 'keys', 'models');
    expect(obj.spec.apiKeyAuth).toEqual({
      credentialRefs: [{ name: 'team-a-keys' }, { name: 'shared-keys', namespace: 'secrets' }],
      extractFrom: [{ headers: ['x-api-key'] }, { cookies: ['key'] }],
      forwardClientIDHeader: 'x-client-id',
      sanitize: true,
    });
    expect(obj.spec.authorization).toBeUndefined();
    expect(obj.spec.targetRefs.map((t: { name: string }) => t.name)).toEqual(['iris', 'mnist']);
    expectValid([obj]);
  });

  it('renders rules and providers added after construction, and an explicit default action alone', () => {
    const { app, ns, gateway } = egPlatform({ requireAccessPolicies: false });
    const sp = new SecurityPolicy(ns.edge, 'gw-auth', { targets: [PolicyTarget.gateway(gateway, 'https')], defaultAction: 'Allow' });
    const objBefore = findObject(synthObjects(app), 'SecurityPolicy', 'gw-auth', 'edge');
    expect(objBefore.spec.authorization).toEqual({ defaultAction: 'Allow' });
    expect(objBefore.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gateway', sectionName: 'https' }]);
    sp.addJwtProvider(provider);
    sp.addAuthorizationRule({ name: 'blocked', action: 'Deny', cel: "request.headers['x-env'] == 'test'" });
    const obj = findObject(synthObjects(app), 'SecurityPolicy', 'gw-auth', 'edge');
    expect(obj.spec.jwt.providers.map((p: { name: string }) => p.name)).toEqual(['idp']);
    expect(obj.spec.authorization.rules).toEqual([{ name: 'blocked', action: 'Deny', cel: "request.headers['x-env'] == 'test'" }]);
    expect(sp.jwtProviders).toHaveLength(1);
    expect(sp.authorizationRules).toHaveLength(1);
    expectValid([obj]);
  });

  describe('fails when', () => {
    it('there is no target, or a target is in another namespace or listed twice', () => {
      const { ns, iris, gateway } = egPlatform({ requireAccessPolicies: false });
      expect(() => new SecurityPolicy(ns.models, 'a', { targets: [], jwtProviders: [provider] })).toThrow(/test\/models\/a: targets must list at least one target \(received: \[\]\)/);
      expect(() => new SecurityPolicy(ns.models, 'b', { targets: [PolicyTarget.gateway(gateway)], jwtProviders: [provider] })).toThrow(
        /targets\[0\] is in namespace 'edge', but Envoy Gateway policies attach only to objects of their own namespace \('models'\) \(received: "Gateway\/gateway"\)\. Fix: create the policy in namespace 'edge'/,
      );
      expect(() => new SecurityPolicy(ns.models, 'c', { targets: [PolicyTarget.route(iris), PolicyTarget.of(HttpRoute.fromRouteName(ns.models, 'iris-import', 'iris'))], jwtProviders: [provider] })).toThrow(/targets\[1\] is listed twice/);
      expect(() => PolicyTarget.gateway(gateway, 'grpc')).toThrow(/sectionName names no listener of Gateway 'gateway'/);
    });

    it('a JWT provider is repeated, fetches keys over http or lists more than 8 audiences', () => {
      const { ns, iris } = egPlatform({ requireAccessPolicies: false });
      const sp = new SecurityPolicy(ns.models, 'a', { targets: [PolicyTarget.route(iris)], jwtProviders: [provider] });
      expect(() => sp.addJwtProvider(provider)).toThrow(/jwtProviders\[idp\]\.name is already used by another provider/);
      expect(() => sp.addJwtProvider({ ...provider, name: 'plain', jwksUri: 'http://idp/jwks' })).toThrow(/jwtProviders\[plain\]\.jwksUri must be an https URL .* \(received: "http:\/\/idp\/jwks"\)\. Fix: serve the JWKS over https/);
      expect(() => sp.addJwtProvider({ ...provider, name: 'many', audiences: ['1', '2', '3', '4', '5', '6', '7', '8', '9'] })).toThrow(/audiences can hold at most 8 audiences/);
      expect(() => sp.addJwtProvider({ ...provider, name: 'h', claimToHeaders: { sub: 'x user' } })).toThrow(/claimToHeaders\.sub must be an HTTP header name \(received: "x user"\)/);
    });

    it('an authorization rule has no principal, an empty JWT principal, a bad CIDR or a repeated name', () => {
      const { ns, iris } = egPlatform({ requireAccessPolicies: false });
      const sp = new SecurityPolicy(ns.models, 'a', { targets: [PolicyTarget.route(iris)], jwtProviders: [provider] });
      expect(() => sp.addAuthorizationRule({ action: 'Allow' })).toThrow(/authorizationRules\[0\] needs a principal or a cel expression/);
      expect(() => sp.addAuthorizationRule({ action: 'Allow', principal: { jwt: { provider: 'idp' } } })).toThrow(/principal\.jwt needs claims or scopes/);
      expect(() => sp.addAuthorizationRule({ action: 'Allow', principal: { clientCidrs: ['10.0.0.0/33'] } })).toThrow(/clientCidrs\[0\] must be an IPv4 or IPv6 CIDR \(received: "10\.0\.0\.0\/33"\)/);
      expect(() => sp.addAuthorizationRule({ action: 'Allow', principal: { jwt: { provider: 'idp', claims: [{ name: 'role', values: [] }] } } })).toThrow(/claims\[0\]\.values must hold 1 to 128 values/);
      sp.addAuthorizationRule({ name: 'r', action: 'Allow', principal: { headers: { 'x-client-id': ['a'] } } });
      expect(() => sp.addAuthorizationRule({ name: 'r', action: 'Deny', principal: { headers: { 'x-client-id': ['b'] } } })).toThrow(/authorizationRules\[r\]\.name is already used by another rule/);
    });

    it('a rule names an unknown JWT provider, jwtOptional has no provider, or the policy configures nothing (at synth)', () => {
      const { app, ns, iris, mnist } = egPlatform({ requireAccessPolicies: false });
      new SecurityPolicy(ns.models, 'a', { targets: [PolicyTarget.route(iris)], jwtProviders: [provider], authorizationRules: [{ action: 'Allow', principal: { jwt: { provider: 'other', scopes: ['x'] } } }] });
      new SecurityPolicy(ns.models, 'b', { targets: [PolicyTarget.route(mnist)], jwtOptional: true });
      expect(() => synthObjects(app)).toThrow(/test\/models\/a: authorizationRules\[0\]\.principal\.jwt\.provider names no JWT provider of this policy \(received: "other"\)\. Fix: use one of: idp/);
      expect(() => synthObjects(app)).toThrow(/test\/models\/b: spec configures nothing/);
      expect(() => synthObjects(app)).toThrow(/test\/models\/b: jwtOptional is set but the policy has no JWT provider \(received: true\)/);
    });

    it('API keys have no Secret or source, or the authorizer Service has no port', () => {
      const { ns, iris } = egPlatform({ requireAccessPolicies: false });
      const targets = [PolicyTarget.route(iris)];
      expect(() => new SecurityPolicy(ns.models, 'a', { targets, apiKeyAuth: { credentials: [], extractFrom: [ApiKeySource.header('x-api-key')] } })).toThrow(/apiKeyAuth\.credentials must reference at least one Secret/);
      expect(() => new SecurityPolicy(ns.models, 'b', { targets, apiKeyAuth: { credentials: [SecretRef.named('k')], extractFrom: [] } })).toThrow(/apiKeyAuth\.extractFrom must list at least one source/);
      expect(() => new SecurityPolicy(ns.models, 'c', { targets, apiKeyAuth: { credentials: [SecretRef.named('k')], extractFrom: [ApiKeySource.header('x api key')] } })).toThrow(/apiKeyAuth\.extractFrom\[0\] is not a valid header name/);
      expect(() => new SecurityPolicy(ns.models, 'd', { targets, extAuth: { service: ExtAuthService.grpc(Backend.ref({ name: 'opa' })) } })).toThrow(/extAuth\.service\.backendRef\.port is required for a Service \(received: "opa"\)/);
    });
  });
});
