import { Testing } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { KubeObject } from '../../src/delivery/manifest';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { PlatformOutput } from '../../src/delivery/synth';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Catalogs } from '../../src/observability/catalogs';
import { findPrometheusRules } from '../../src/observability/prometheus-rule';
import { metricNamesIn } from '../../src/observability/promql';
import { verifyMonitoring } from '../../src/observability/verify-monitoring';
import { LlmGatewayPlatform } from '../../src/platforms/llm-gateway';
import { blockingPolicies } from '../../src/security/network-policy-eval';
import { findObject, objectsOfKind } from '../util';

const EDGE = 'llm-edge';
const NAME_LABEL = 'kubernetes.io/metadata.name';

describe('the llm-gateway platform on agentgateway monitors and logs its gateway', () => {
  let app: ReturnType<typeof Testing.app>;
  let platform: LlmGatewayPlatform;
  let out: PlatformOutput;
  let objects: KubeObject[];
  beforeAll(() => {
    app = Testing.app();
    platform = new LlmGatewayPlatform(app, 'llm-gateway', { provider: GatewayProvider.AGENTGATEWAY });
    // Validated against the CRDs and the security and operability rules.
    [out] = buildPlatforms(app);
    objects = out.manifests.map((m) => m.object);
  });

  it('scrapes the agentgateway proxies, which Prometheus may reach on 15020', () => {
    const pm = findObject(objects, 'PodMonitor', 'llm-gateway-proxy', EDGE);
    const proxyLabels = platform.gateway.dataPlane!.labels!;
    expect(Object.entries(pm.spec.selector.matchLabels).every(([k, v]) => proxyLabels[k] === v)).toBe(true);
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 15020, path: '/metrics' });
    const from = { namespace: 'monitoring', namespaceLabels: { [NAME_LABEL]: 'monitoring' }, podLabels: { 'app.kubernetes.io/name': 'prometheus' } };
    const to = { namespace: EDGE, namespaceLabels: { [NAME_LABEL]: EDGE }, podLabels: { ...proxyLabels } };
    expect(blockingPolicies(objectsOfKind(objects, 'NetworkPolicy'), { from, to, port: 15020 }, 'Ingress')).toEqual([]);
  });

  it('alerts on agentgateway metrics only, and every alert passes its promtool unit tests', () => {
    const rule = findObject(objects, 'PrometheusRule', 'llm-gateway-gateway-alerts', EDGE);
    const rules = (rule.spec.groups as Array<{ rules: Array<{ alert: string; expr: string; labels: Record<string, string> }> }>).flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert).sort()).toEqual(['Gateway5xxRatioHigh', 'GatewayAuthFailureSpike', 'GatewayDown', 'GatewayRateLimitedSustained']);
    expect(rules.every((r) => r.labels.gateway_provider === 'agentgateway')).toBe(true);
    expect(rules.flatMap((r) => metricNamesIn(r.expr)).filter((n) => !Catalogs.AGENTGATEWAY.has(n) && n !== 'up')).toEqual([]);
    const report = verifyMonitoring(app);
    expect(report.alerts).toBe(findPrometheusRules(app).reduce((n, r) => n + r.alerts.length, 0));
    expect(report.testCases).toBeGreaterThanOrEqual(report.alerts * 2);
  });

  it('writes the audit access log through an AgentgatewayPolicy on the Gateway, and says how to get JSON lines', () => {
    const policy = findObject(objects, 'AgentgatewayPolicy', 'llm-gateway-access-log', EDGE);
    expect(policy.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'llm-gateway' }]);
    expect(policy.spec.frontend.accessLog.attributes.add.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['user_id', 'tier', 'path']));
    expect(out.files['README.md']).toContain('### agentgateway access log as JSON');
  });
});
