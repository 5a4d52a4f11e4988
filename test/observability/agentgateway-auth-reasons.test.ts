/**
 * Review of the agentgateway gateway monitoring (0.5.0): GatewayAuthFailureSpike
 * counts the requests agentgateway v1.4.1 refuses in authentication or
 * authorization, by the `reason` label of `agentgateway_requests_total`
 * (crates/agentgateway/src/proxy/mod.rs: `ProxyError::as_reason` and
 * `into_response_with_grpc`). An OIDC policy that finds no session answers
 * 401 with reason `Oidc` (`OidcFailure(AuthenticationRequired)`): a credential
 * scan against an OIDC-protected route is an authentication failure too.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { GatewayMonitoring } from '../../src/observability/gateway-monitoring';
import { setup, synthObjects } from '../util';
import { gatewayOf } from './fixtures';
import { alertOf, selectsValue } from './helpers';

function authAlert() {
  const { app, ns } = setup(['edge']);
  new GatewayMonitoring(ns.edge, 'gateway-monitoring', { gateway: gatewayOf(ns.edge, GatewayProvider.AGENTGATEWAY, 'gw') });
  return alertOf(synthObjects(app), 'gw-gateway-alerts', 'GatewayAuthFailureSpike');
}

/** The refusal reasons of authentication and authorization, with the status agentgateway answers them with. */
const AUTH_REFUSALS: ReadonlyArray<readonly [string, string]> = [
  ['JwtAuth', '401'],
  ['APIKeyAuth', '401'],
  ['BasicAuth', '401'],
  ['Oidc', '401'],
  ['ExtAuth', '403'],
  ['Authorization', '403'],
];

describe('agentgateway authentication failures', () => {
  it('counts every authentication and authorization refusal of the proxy, OIDC’s 401 among them', () => {
    const auth = authAlert();
    for (const [reason, status] of AUTH_REFUSALS) {
      expect(selectsValue(auth.expr, 'reason', reason), reason).toBe(true);
      expect(selectsValue(auth.expr, 'status', status), `${reason} ${status}`).toBe(true);
    }
    // Not what a client did wrong with its credentials: rate limits, timeouts, upstream failures.
    for (const reason of ['RateLimit', 'Timeout', 'Upstream', 'UpstreamFailure', 'NotFound']) expect(selectsValue(auth.expr, 'reason', reason), reason).toBe(false);
  });

  const AGW_REPO = '/work/.mirror/agentgateway+agentgateway/repo';
  it.skipIf(!fs.existsSync(AGW_REPO))('v1.4.1 answers a missing OIDC session 401 with reason Oidc', () => {
    const mod = execFileSync('git', ['-C', AGW_REPO, 'show', 'v1.4.1:crates/agentgateway/src/proxy/mod.rs'], { encoding: 'utf8' });
    expect(mod).toContain('ProxyError::OidcFailure(_) => ProxyResponseReason::Oidc');
    expect(mod).toContain('http::oidc::Error::AuthenticationRequired => StatusCode::UNAUTHORIZED');
  });
});
