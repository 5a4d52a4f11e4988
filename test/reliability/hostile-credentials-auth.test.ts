import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JwtAuth } from '../../src/policy/authentication';
import { PolicyTarget, SecurityPolicy } from '../../src/policy/envoy-gateway';
import { AuthPolicy, PolicyTarget as KuadrantTarget } from '../../src/policy/kuadrant';
import { OpaAuthorizer } from '../../src/policy/opa-authorizer';
import { HttpRoute } from '../../src/routing/http-route';
import { egPlatform } from '../policy/envoy-gateway/fixture';
import { istioPlatform } from '../policy/kuadrant/fixture';
import { setup } from '../util';
import { credentialRefusal, randomText } from './hostile-helpers';



describe('jwksUri and issuer URLs refuse credentials at once (they are also written to POLICY.md)', () => {
  it('JwtAuth: a token query parameter in jwksUri', () => {
    const secret = randomText(24);
    const jwt = new JwtAuth({ issuer: 'https://sso.example.com/', jwksUri: `https://sso.example.com/certs?access_token=${secret}` });
    expect(credentialRefusal(secret, () => jwt.check('plat/access', 'authentication[0]'))).toContain(
      'plat/access: authentication[0].jwksUri holds what looks like a credential in a URL query parameter',
    );
  });

  it('Envoy Gateway SecurityPolicy: user info in jwksUri', () => {
    const secret = `Pw1${randomText(14)}`;
    const { ns, iris } = egPlatform({ requireAccessPolicies: false });
    expect(
      credentialRefusal(secret, () => new SecurityPolicy(ns.models, 'auth', { targets: [PolicyTarget.route(iris)], jwtProviders: [{ name: 'idp', issuer: 'https://idp.example.com/', jwksUri: `https://jwks:${secret}@idp.example.com/jwks.json` }] })),
    ).toContain("jwtProviders[idp].jwksUri holds what looks like a password in a URL's user info");
  });

  it('Kuadrant AuthPolicy: a token query parameter in jwksUrl', () => {
    const secret = randomText(30);
    const fx = istioPlatform({ requireAccessPolicies: false });
    const policy = new AuthPolicy(fx.ns.llm, 'p', { target: KuadrantTarget.route(fx.qwen3) });
    expect(credentialRefusal(secret, () => policy.addAuthentication('j', { jwt: { jwksUrl: `https://idp.example.com/jwks?sig=${secret}` } }))).toContain(
      'rules.authentication.j.jwt.jwksUrl holds what looks like a credential in a URL query parameter',
    );
  });

  it('a public JWKS URL is accepted', () => {
    const jwt = new JwtAuth({ issuer: 'https://sso.example.com/', jwksUri: 'https://sso.example.com/realms/llm/protocol/openid-connect/certs' });
    expect(() => jwt.check('plat/access', 'authentication[0]')).not.toThrow();
  });
});

describe('annotations and embedded policies refuse credentials at once', () => {
  it('an HTTPRoute annotation holding a password', () => {
    const secret = `Pw1${randomText(14)}`;
    const { ns } = setup(['models'], { requireAccessPolicies: false });
    expect(credentialRefusal(secret, () => new HttpRoute(ns.models, 'r', { parents: [], annotations: { 'example.com/db-password': secret }, rules: [] }))).toContain(
      "annotations.example.com/db-password holds what looks like a literal value under the credential name 'example.com/db-password'",
    );
  });

  it('a token inside the Rego file an OpaAuthorizer embeds in its ConfigMap', () => {
    const secret = randomText(32);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-rego-')), 'policy.rego');
    fs.writeFileSync(file, `package envoy.authz\n\nimport rego.v1\n\napi_token := "${secret}"\n\ndefault allow := false\n`);
    const { ns } = setup(['authz'], { requireAccessPolicies: false });
    const m = credentialRefusal(secret, () => new OpaAuthorizer(ns.authz, 'opa', { policyFile: file }));
    expect(m).toContain('authz/opa: policyFile holds what looks like a literal value assigned to a credential name');
    expect(m).toContain('opa.runtime().env');
  });
});
