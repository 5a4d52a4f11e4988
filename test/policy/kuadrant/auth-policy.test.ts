import { describe, expect, it } from 'vitest';
import { AuthPolicy, MergeStrategy, PolicyTarget, Precedence } from '../../../src/policy/kuadrant';
import { findObject, synthObjects } from '../../util';
import { expectValid, istioPlatform } from './fixture';

function fixture() {
  const fx = istioPlatform({ requireAccessPolicies: false });
  return { ...fx, target: PolicyTarget.route(fx.qwen3) };
}

describe('AuthPolicy', () => {
  it('renders authentication, authorization, success metadata and denials in upstream field terms', () => {
    const { app, ns, target } = fixture();
    const auth = new AuthPolicy(ns.llm, 'qwen3-auth', {
      target,
      authentication: {
        'api-key': {
          apiKey: { selector: { matchLabels: { app: 'llm' } } },
          credentials: { authorizationHeader: { prefix: 'APIKEY' } },
          overrides: { userid: { selector: 'auth.identity.metadata.annotations.secret\\.kuadrant\\.io/user-id' } },
        },
      },
      unauthorized: { code: 403, body: { value: 'denied' } },
    });
    auth.addAuthentication('jwt', { jwt: { issuerUrl: 'https://sso.example.com/realms/llm' }, credentials: { authorizationHeader: { prefix: 'Bearer' } } });
    auth.addAuthorization('tier', { patternMatching: { patterns: [{ predicate: 'auth.identity.tier in ["free"]' }] } });
    auth.addAuthorization('groups', { opa: { rego: 'allow { input.auth.identity.group == "admins" }' } });
    auth.addSuccessFilter('identity', { json: { properties: { userid: { expression: 'auth.identity.userid' } } } });
    auth.addSuccessHeader('x-user-id', { plain: { expression: 'auth.identity.userid' } });

    const obj = findObject(synthObjects(app), 'AuthPolicy', 'qwen3-auth', 'llm');
    expect(obj.apiVersion).toBe('kuadrant.io/v1');
    expect(obj.spec.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'qwen3' });
    expect(obj.spec.rules.authentication['api-key']).toEqual({
      apiKey: { selector: { matchLabels: { app: 'llm' } } },
      credentials: { authorizationHeader: { prefix: 'APIKEY' } },
      overrides: { userid: { selector: 'auth.identity.metadata.annotations.secret\\.kuadrant\\.io/user-id' } },
    });
    expect(obj.spec.rules.authentication.jwt.jwt).toEqual({ issuerUrl: 'https://sso.example.com/realms/llm' });
    expect(Object.keys(obj.spec.rules.authorization)).toEqual(['groups', 'tier']);
    expect(obj.spec.rules.authorization.groups.opa.rego).toBe('allow { input.auth.identity.group == "admins" }');
    expect(obj.spec.rules.response).toEqual({
      success: { filters: { identity: { json: { properties: { userid: { expression: 'auth.identity.userid' } } } } }, headers: { 'x-user-id': { plain: { expression: 'auth.identity.userid' } } } },
      unauthorized: { code: 403, body: { value: 'denied' } },
    });
    expectValid([obj]);
    expect(obj).toMatchSnapshot();
  });

  it('renders explicit defaults and overrides blocks with their strategy, and top-level predicates', () => {
    const { app, ns, gateway } = fixture();
    new AuthPolicy(ns.gateway, 'deny-all', {
      target: PolicyTarget.gateway(gateway),
      precedence: Precedence.defaults(MergeStrategy.ATOMIC),
      authorization: { 'deny-all': { opa: { rego: 'allow = false' } } },
      unauthorized: { code: 403, headers: { 'content-type': { value: 'application/json' } } },
    });
    new AuthPolicy(ns.gateway, 'listener-guard', {
      target: PolicyTarget.gateway(gateway, 'https'),
      precedence: Precedence.overrides(),
      when: ['request.path != "/health"'],
      authentication: { anonymous: { anonymous: {} } },
    });
    const objects = synthObjects(app);
    const deny = findObject(objects, 'AuthPolicy', 'deny-all', 'gateway').spec;
    expect(deny.rules).toBeUndefined();
    expect(deny.defaults).toEqual({
      strategy: 'atomic',
      rules: { authorization: { 'deny-all': { opa: { rego: 'allow = false' } } }, response: { unauthorized: { code: 403, headers: { 'content-type': { value: 'application/json' } } } } },
    });
    const guard = findObject(objects, 'AuthPolicy', 'listener-guard', 'gateway').spec;
    expect(guard.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'maas', sectionName: 'https' });
    expect(guard.overrides).toEqual({ rules: { authentication: { anonymous: { anonymous: {} } } }, when: [{ predicate: 'request.path != "/health"' }] });
    expectValid([findObject(objects, 'AuthPolicy', 'deny-all'), findObject(objects, 'AuthPolicy', 'listener-guard')]);
  });

  describe('fails when', () => {
    const policy = () => {
      const { ns, target } = fixture();
      return new AuthPolicy(ns.llm, 'p', { target });
    };

    it('a rule has no method or two methods', () => {
      expect(() => policy().addAuthentication('none', {})).toThrow(
        /test\/llm\/p: rules\.authentication\.none needs exactly one of apiKey, jwt, oauth2Introspection, kubernetesTokenReview, x509, plain, anonymous \(received: \[\]\)/,
      );
      expect(() => policy().addAuthorization('two', { opa: { rego: 'allow = true' }, patternMatching: { patterns: [{ predicate: 'true' }] } })).toThrow(
        /rules\.authorization\.two needs exactly one of patternMatching, opa, kubernetesSubjectAccessReview, spicedb \(received: \["patternMatching","opa"\]\)/,
      );
    });

    it('an API-key selector is empty (every watched Secret would be a key)', () => {
      expect(() => policy().addAuthentication('k', { apiKey: { selector: {} } })).toThrow(/rules\.authentication\.k\.apiKey\.selector is empty: every Secret Authorino watches would be an API key/);
    });

    it('a credential has two locations', () => {
      expect(() => policy().addAuthentication('k', { apiKey: { selector: { matchLabels: { a: 'b' } } }, credentials: { customHeader: { name: 'x-key' }, queryString: { name: 'key' } } })).toThrow(
        /rules\.authentication\.k\.credentials names more than one location \(received: \["customHeader","queryString"\]\)/,
      );
    });

    it('a JWT rule has both URLs, or fetches keys over plain HTTP', () => {
      expect(() => policy().addAuthentication('j', { jwt: { issuerUrl: 'https://a', jwksUrl: 'https://a/jwks' } })).toThrow(/rules\.authentication\.j\.jwt needs exactly one of issuerUrl, jwksUrl/);
      expect(() => policy().addAuthentication('j', { jwt: { jwksUrl: 'http://idp/jwks' } })).toThrow(/rules\.authentication\.j\.jwt must fetch keys over https \(keys fetched over plain HTTP can be forged\) \(received: "http:\/\/idp\/jwks"\)/);
    });

    it('Rego declares default allow (Authorino adds it) or has no source', () => {
      expect(() => policy().addAuthorization('o', { opa: { rego: 'default allow := false\nallow { true }' } })).toThrow(/rules\.authorization\.o\.opa\.rego declares 'default allow', which Authorino adds itself/);
      expect(() => policy().addAuthorization('o', { opa: {} })).toThrow(/rules\.authorization\.o\.opa needs exactly one of rego, externalPolicy/);
    });

    it('a rule name is repeated', () => {
      const p = policy();
      p.addAuthorization('t', { patternMatching: { patterns: [{ predicate: 'true' }] } });
      expect(() => p.addAuthorization('t', { patternMatching: { patterns: [{ predicate: 'true' }] } })).toThrow(/rules\.authorization\.t is defined twice/);
    });

    it('a denial status is outside 300-599', () => {
      const { ns, target } = fixture();
      expect(() => new AuthPolicy(ns.llm, 'p', { target, unauthenticated: { code: 200 } })).toThrow(/rules\.response\.unauthenticated\.code must be an HTTP status between 300 and 599 \(received: 200\)/);
    });

    it('the target is in another namespace', () => {
      const { ns, target } = fixture();
      expect(() => new AuthPolicy(ns.gateway, 'p', { target })).toThrow(
        /test\/gateway\/p: targetRef points at HTTPRoute 'qwen3' in namespace 'llm', but Kuadrant only attaches a policy to targets in its own namespace \('gateway'\).*Fix: create the policy in namespace 'llm'/,
      );
    });

    it('it has no rule at all (at synth)', () => {
      const { app, ns, target } = fixture();
      new AuthPolicy(ns.llm, 'empty', { target });
      expect(() => synthObjects(app)).toThrow(/test\/llm\/empty: spec\.rules must define at least one rule/);
    });
  });
});
