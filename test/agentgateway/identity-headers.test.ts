import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { JwtAuth } from '../../src/policy/authentication';
import { synthObjects } from '../util';
import { fixture, policyOf } from './fixture';

// The backend trusts x-user-id and x-user-tier: agentgateway must set them from the verified token whatever the
// claimsToHeaders map says, or a client's own copies reach the backend (kgateway's engine does the same).
describe('agentgateway identity headers from a JWT', () => {
  it('sets x-user-id and x-user-tier from the user and tier claims even when claimsToHeaders maps neither', () => {
    const fx = fixture();
    const jwt = new JwtAuth({ issuer: 'https://sso.example.com/', jwksUri: 'https://sso.example.com/keys', audiences: ['llm'], jwksBackend: Backend.service('sso', 8443), claimsToHeaders: {} });
    fx.policy({ authentication: [jwt] });
    const set: Array<{ name: string; value: string }> = policyOf(synthObjects(fx.app), 'qwen3').spec.traffic.transformation.request.set;
    const headers = Object.fromEntries(set.map((h) => [h.name, h.value]));
    expect(headers['x-user-id']).toBe(`jwt.${jwt.userClaim}`);
    expect(headers['x-user-tier']).toBe(`jwt.${jwt.tierClaim}`);
  });
});
