import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../../src/core/backend';
import { GatewayExtension, JwksSource, JwtTokenSource, JwtValidationMode, RateLimitHeaders } from '../../../src/policy/kgateway/gateway-extension';
import { findObject, setup, synthObjects } from '../../util';
import { validationIssues } from './fixture';

describe('GatewayExtension', () => {
  it('renders an ext_authz gRPC service, a rate limit service and JWT providers', () => {
    const { app, ns } = setup(['edge']);
    new GatewayExtension(ns.edge, 'opa', {
      extAuth: { grpcService: { backend: Backend.service('opa', 9191, { namespace: 'auth' }), requestTimeout: Duration.millis(250) }, headersToForward: ['x-user-id', 'authorization'], maxRequestBytes: 4096 },
    });
    new GatewayExtension(ns.edge, 'limits', { rateLimit: { domain: 'edge', grpcService: { backend: Backend.service('ratelimit', 8081) }, timeout: Duration.millis(50), xRateLimitHeaders: RateLimitHeaders.DRAFT_VERSION_03 } });
    const jwt = new GatewayExtension(ns.edge, 'idp', {
      jwt: {
        validationMode: JwtValidationMode.ALLOW_MISSING,
        providers: [{ name: 'corp', issuer: 'https://idp.example.com', audiences: ['api'], jwks: JwksSource.remote('https://idp.example.com/keys', Backend.service('idp', 443), { cacheDuration: Duration.minutes(5) }), claimsToHeaders: { sub: 'x-sub' }, tokenSource: JwtTokenSource.header('Authorization', 'Bearer ') }],
      },
    });
    jwt.addJwtProvider({ name: 'local', jwks: JwksSource.configMap('local-jwks') });
    const objects = synthObjects(app);
    expect(findObject(objects, 'GatewayExtension', 'opa', 'edge').spec).toEqual({
      type: 'ExtAuth',
      extAuth: { grpcService: { backendRef: { name: 'opa', namespace: 'auth', port: 9191 }, requestTimeout: '250ms' }, failOpen: false, statusOnError: 403, headersToForward: ['authorization', 'x-user-id'], withRequestBody: { maxRequestBytes: 4096 } },
    });
    expect(findObject(objects, 'GatewayExtension', 'limits').spec).toEqual({ type: 'RateLimit', rateLimit: { domain: 'edge', grpcService: { backendRef: { name: 'ratelimit', port: 8081 } }, failOpen: false, timeout: '50ms', xRateLimitHeaders: 'DraftVersion03' } });
    const idp = findObject(objects, 'GatewayExtension', 'idp');
    expect(idp.spec.type).toBe('JWT');
    expect(idp.spec.jwt.validationMode).toBe('AllowMissing');
    expect(idp.spec.jwt.providers).toEqual([
      { name: 'corp', issuer: 'https://idp.example.com', audiences: ['api'], jwks: { remote: { url: 'https://idp.example.com/keys', backendRef: { name: 'idp', port: 443 }, cacheDuration: '5m' } }, claimsToHeaders: [{ name: 'sub', header: 'x-sub' }], tokenSource: { header: { header: 'Authorization', prefix: 'Bearer ' } } },
      { name: 'local', jwks: { local: { configMapRef: { name: 'local-jwks' } } } },
    ]);
    expect(validationIssues(objects)).toEqual([]);
    expect(idp).toMatchSnapshot();
  });

  describe('fails when', () => {
    it('no section or two sections are given', () => {
      const { ns } = setup(['edge']);
      expect(() => new GatewayExtension(ns.edge, 'x', {})).toThrow(/test\/edge\/x: spec must set exactly one of extAuth, rateLimit, jwt \(received: \[\]\)/);
      expect(() => new GatewayExtension(ns.edge, 'y', { jwt: {}, rateLimit: { domain: 'd', grpcService: { backend: Backend.service('r', 8081) } } })).toThrow(/spec must set exactly one of extAuth, rateLimit, jwt \(received: \["rateLimit","jwt"\]\)/);
    });

    it('a Service backend has no port', () => {
      const { ns } = setup(['edge']);
      expect(() => new GatewayExtension(ns.edge, 'x', { extAuth: { grpcService: { backend: Backend.ref({ name: 'opa' }) } } })).toThrow(/extAuth\.grpcService\.backendRef\.port is required for a Service backend/);
    });

    it('statusOnError is not an HTTP status', () => {
      const { ns } = setup(['edge']);
      expect(() => new GatewayExtension(ns.edge, 'x', { extAuth: { grpcService: { backend: Backend.service('opa', 9191) }, statusOnError: 600 } })).toThrow(/extAuth\.statusOnError must be an HTTP status between 100 and 511 \(received: 600\)/);
    });

    it('a JWT provider is repeated, or added to another type', () => {
      const { ns } = setup(['edge']);
      const jwks = JwksSource.inline('{"keys":[{"kty":"RSA","n":"x","e":"AQAB"}]}');
      const jwt = new GatewayExtension(ns.edge, 'jwt', { jwt: { providers: [{ name: 'a', jwks }] } });
      expect(() => jwt.addJwtProvider({ name: 'a', jwks })).toThrow(/jwt\.providers\[a\]\.name is already used by another provider/);
      const rl = new GatewayExtension(ns.edge, 'rl', { rateLimit: { domain: 'd', grpcService: { backend: Backend.service('r', 8081) } } });
      expect(() => rl.addJwtProvider({ name: 'b', jwks })).toThrow(/cannot be added to a RateLimit extension/);
    });

    it('inline keys contain a private key', () => {
      const { ns } = setup(['edge']);
      expect(() => new GatewayExtension(ns.edge, 'x', { jwt: { providers: [{ name: 'a', jwks: JwksSource.inline('-----BEGIN PRIVATE KEY-----') }] } })).toThrow(/jwks\.local\.inline contains private key material \(received: "<redacted>"\)/);
    });

    it('a JWT extension has no provider (at synth)', () => {
      const { app, ns } = setup(['edge']);
      new GatewayExtension(ns.edge, 'empty', { jwt: {} });
      expect(() => synthObjects(app)).toThrow(/test\/edge\/empty: spec\.jwt\.providers is empty/);
    });
  });
});
