import { describe, expect, it } from 'vitest';
import { ARGOCD_HEALTH_CHECKS } from '../../src/delivery/argocd/health-checks';
import { runHealth } from './argocd-health-lua';

/** AIGatewayRoute health, from the statuses Envoy AI Gateway v1.1.0 writes (one condition, no observedGeneration), run in a Lua VM. */
describe('AIGatewayRoute health', () => {
  const c = ARGOCD_HEALTH_CHECKS.find((x) => x.group === 'aigateway.envoyproxy.io' && x.kind === 'AIGatewayRoute')!;
  const route = (conditions?: unknown[]) => ({
    apiVersion: 'aigateway.envoyproxy.io/v1beta1',
    kind: 'AIGatewayRoute',
    metadata: { name: 'llms-llama', namespace: 'models', generation: 2 },
    spec: {},
    status: conditions === undefined ? undefined : { conditions },
  });
  const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastTransitionTime: '2026-12-01T00:00:00Z' });

  it('is Progressing until the controller reconciles it', async () => {
    const result = await runHealth(c.lua, route());
    expect(result.status).toBe('Progressing');
    expect(result.message).toContain('Waiting for the Envoy AI Gateway controller');
  });

  it('is Healthy once accepted (the HTTPRoute is generated)', async () => {
    expect((await runHealth(c.lua, route([cond('Accepted', 'True', 'ReconciliationSucceeded', 'AI Gateway Route reconciled successfully')]))).status).toBe('Healthy');
  });

  it('is Degraded with the controller message when not accepted', async () => {
    const message = 'failed to get backend: AIServiceBackend models/missing not found';
    const result = await runHealth(c.lua, route([cond('NotAccepted', 'False', 'ReconciliationFailed', message)]));
    expect(result.status).toBe('Degraded');
    expect(result.message).toContain(message);
  });
});
