import { describe, expect, it } from 'vitest';
import { ARGOCD_HEALTH_CHECKS } from '../../src/delivery/argocd/health-checks';
import { runHealth } from '../delivery/argocd-health-lua';

/** AgentgatewayPolicy status samples, written from agentgateway v1.4.1 (traffic_plugin.go PolicyConditionMap), run in a Lua VM. */

const check = ARGOCD_HEALTH_CHECKS.find((c) => c.group === 'agentgateway.dev' && c.kind === 'AgentgatewayPolicy')!;
const cond = (type: string, status: string, reason: string, message: string, observedGeneration = 2) => ({ type, status, reason, message, observedGeneration, lastTransitionTime: '2026-12-01T00:00:00Z' });
const route = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'qwen3', namespace: 'llm' };
const ancestors = (...conditions: unknown[]) => ({ ancestors: [{ ancestorRef: route, controllerName: 'agentgateway.dev/agentgateway', conditions }] });
const accepted = cond('Accepted', 'True', 'Valid', 'Policy accepted');
const attached = cond('Attached', 'True', 'Attached', 'Attached to all targets');

async function health(status: unknown, extra: { generation?: number; wave?: string; spec?: unknown } = {}) {
  return runHealth(check.lua, {
    apiVersion: 'agentgateway.dev/v1alpha1',
    kind: 'AgentgatewayPolicy',
    metadata: { name: 'access-qwen3', namespace: 'llm', generation: extra.generation ?? 2, annotations: extra.wave ? { 'argocd.argoproj.io/sync-wave': extra.wave } : undefined },
    spec: extra.spec ?? { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'agw' }] },
    status,
  });
}

describe('Argo CD health of AgentgatewayPolicy', () => {
  it('is shipped in the catalog', () => {
    expect(check).toBeDefined();
  });
  it('is Healthy once accepted (Valid) and attached', async () => {
    expect((await health(ancestors(accepted, attached))).status).toBe('Healthy');
    expect((await health(ancestors(accepted, cond('Attached', 'True', 'Merged', 'merged')))).status).toBe('Healthy');
  });
  it('is Degraded with agentgateway\'s message when invalid, or when only part of it was translated (PartiallyValid)', async () => {
    const invalid = await health(ancestors(cond('Accepted', 'False', 'Invalid', 'authorization matchExpression is not a valid CEL expression: jwt.'), cond('Attached', 'False', 'Pending', 'Policy is not attached due to invalid status')));
    expect(invalid.status).toBe('Degraded');
    expect(invalid.message).toContain('authorization matchExpression is not a valid CEL expression');
    const partial = await health(ancestors(cond('Accepted', 'True', 'PartiallyValid', 'rate limit: backend ratelimit not found'), attached));
    expect(partial.status).toBe('Degraded');
    expect(partial.message).toContain('rate limit: backend ratelimit not found');
  });
  it('is Progressing without ancestors, while a target is not resolved (Attached=False Pending), or for an older generation', async () => {
    expect((await health(undefined)).status).toBe('Progressing');
    expect((await health(ancestors(accepted, cond('Attached', 'False', 'Pending', 'HTTPRoute llm/qwen3 not found')))).status).toBe('Progressing');
    expect((await health(ancestors(accepted, attached), { generation: 3 })).status).toBe('Progressing');
  });
  it('is Healthy with the message when a more specific policy overrides it', async () => {
    const r = await health(ancestors(accepted, cond('Attached', 'False', 'Overridden', 'Overridden by a route rule policy')));
    expect(r.status).toBe('Healthy');
    expect(r.message).toContain('Overridden by a route rule policy');
  });
  it('is Healthy before the route it targets is synced (a later wave)', async () => {
    const r = await health(undefined, { wave: '6', spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'qwen3' }] } });
    expect(r.status).toBe('Healthy');
  });
});

describe('Argo CD health of AgentgatewayBackend', () => {
  const backend = ARGOCD_HEALTH_CHECKS.find((c) => c.group === 'agentgateway.dev' && c.kind === 'AgentgatewayBackend')!;
  const run = (status: unknown, generation = 2) => runHealth(backend.lua, { apiVersion: 'agentgateway.dev/v1alpha1', kind: 'AgentgatewayBackend', metadata: { name: 'qwen3', namespace: 'llm', generation }, spec: {}, status });
  it('follows the Accepted condition the controller writes (backend_plugin.go)', async () => {
    expect((await run(undefined)).status).toBe('Progressing');
    expect((await run({ conditions: [cond('Accepted', 'True', 'Accepted', 'Backend successfully accepted')] })).status).toBe('Healthy');
    expect((await run({ conditions: [cond('Accepted', 'True', 'Accepted', 'Backend successfully accepted')] }, 3)).status).toBe('Progressing');
    const bad = await run({ conditions: [cond('Accepted', 'False', 'TranslationError', 'failed to translate backend: custom provider needs formats')] });
    expect(bad.status).toBe('Degraded');
    expect(bad.message).toContain('failed to translate backend');
  });
});
