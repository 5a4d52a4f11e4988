import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { KubeObject } from '../../src/delivery/manifest';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Catalogs } from '../../src/observability/catalogs';
import { dashboardQueries } from '../../src/observability/dashboard';
import { GatewayMonitoring } from '../../src/observability/gateway-monitoring';
import { PlatformDashboard } from '../../src/observability/platform-dashboard';
import { metricNamesIn } from '../../src/observability/promql';
import { findPrometheusRules } from '../../src/observability/prometheus-rule';
import { verifyMonitoring } from '../../src/observability/verify-monitoring';
import { blockingPolicies } from '../../src/security/network-policy-eval';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';
import { gatewayOf } from './fixtures';
import { alertNames, alertOf } from './helpers';

const NAME_LABEL = 'kubernetes.io/metadata.name';

/** An agentgateway Gateway `gw` in `edge` with its monitoring (and the platform dashboard's panels of it). */
function monitored() {
  const { app, ns } = setup(['edge', 'monitoring']);
  const gateway = gatewayOf(ns.edge, GatewayProvider.AGENTGATEWAY, 'gw');
  const monitoring = new GatewayMonitoring(ns.edge, 'gateway-monitoring', { gateway, runbookBaseUrl: 'https://runbooks.example.com/alerts/' });
  new PlatformDashboard(ns.monitoring, 'overview', { gateways: [monitoring], namespaces: ['llm'] });
  return { app, ns, gateway, monitoring, objects: synthObjects(app) };
}

/** Every PromQL expression of the synthesized rules and dashboards. */
function expressions(objects: readonly KubeObject[]): string[] {
  const rules = objectsOfKind(objects, 'PrometheusRule').flatMap((o) => (o.spec.groups as Array<{ rules: Array<{ expr: string }> }>).flatMap((g) => g.rules.map((r) => r.expr)));
  const panels = objectsOfKind(objects, 'ConfigMap')
    .filter((c) => c.metadata.labels?.grafana_dashboard === '1')
    .flatMap((c) => Object.values((c as unknown as { data: Record<string, string> }).data).flatMap((json) => dashboardQueries(JSON.parse(json))));
  return [...rules, ...panels];
}

describe('GatewayMonitoring on agentgateway', () => {
  it("scrapes the agentgateway proxy pods of the Gateway on 15020 /metrics, selecting them by labels the controller puts on them", () => {
    const { gateway, objects } = monitored();
    const pm = findObject(objects, 'PodMonitor', 'gw-proxy', 'edge');
    const podLabels = gateway.dataPlane!.labels!;
    expect(Object.entries(pm.spec.selector.matchLabels).every(([k, v]) => podLabels[k] === v)).toBe(true);
    // A proxy of another Gateway in the namespace is not scraped.
    expect(Object.entries(pm.spec.selector.matchLabels).every(([k, v]) => ({ ...podLabels, [k]: `${v}-other` })[k] === v)).toBe(false);
    expect(pm.spec.namespaceSelector).toEqual({ matchNames: ['edge'] });
    expect(pm.spec.podMetricsEndpoints).toEqual([
      { interval: '30s', path: '/metrics', portNumber: 15020, relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_gateway_networking_k8s_io_gateway_name'], targetLabel: 'gateway' }], scheme: 'http' },
    ]);
  });

  it('lets Prometheus, and only it, reach the proxies\' metrics port', () => {
    const { gateway, objects } = monitored();
    const policies = objectsOfKind(objects, 'NetworkPolicy');
    const proxies = { namespace: 'edge', namespaceLabels: { [NAME_LABEL]: 'edge' }, podLabels: { ...gateway.dataPlane!.labels! } };
    const prometheus: { namespace: string; namespaceLabels: Record<string, string>; podLabels: Record<string, string> } = { namespace: 'monitoring', namespaceLabels: { [NAME_LABEL]: 'monitoring' }, podLabels: { 'app.kubernetes.io/name': 'prometheus' } };
    // The proxies' namespace denies ingress by default; Prometheus's own egress is its installation's concern.
    const blocked = (from: typeof prometheus, port: number) => blockingPolicies(policies, { from, to: proxies, port }, 'Ingress');
    expect(blocked(prometheus, 15020)).toEqual([]);
    expect(blocked({ ...prometheus, podLabels: { app: 'grafana' } }, 15020).length).toBeGreaterThan(0);
    expect(blocked(prometheus, 15021).length).toBeGreaterThan(0);
  });

  it('alerts like the other gateways, on agentgateway\'s own request counter', () => {
    const { objects } = monitored();
    expect(alertNames(objects, 'gw-gateway-alerts')).toEqual(['Gateway5xxRatioHigh', 'GatewayAuthFailureSpike', 'GatewayDown', 'GatewayRateLimitedSustained']);
    expect(alertOf(objects, 'gw-gateway-alerts', 'Gateway5xxRatioHigh').expr).toContain('agentgateway_requests_total{gateway="gw",namespace="edge",status=~"5.."}');
    // 429 with the rate limit reason: a rate limit service failing closed answers 500 with the same reason.
    expect(alertOf(objects, 'gw-gateway-alerts', 'GatewayRateLimitedSustained').expr).toBe('sum by (gateway, namespace, route) (rate(agentgateway_requests_total{gateway="gw",namespace="edge",reason="RateLimit",status="429"}[10m])) > 1');
    const auth = alertOf(objects, 'gw-gateway-alerts', 'GatewayAuthFailureSpike');
    expect(auth.expr).toContain('reason=~"JwtAuth|APIKeyAuth|BasicAuth|Oidc|ExtAuth|Authorization",status=~"401|403"');
    expect(auth.labels).toEqual({ gateway_provider: 'agentgateway', severity: 'warning' });
    expect(auth.annotations!.runbook_url).toBe('https://runbooks.example.com/alerts/gateway-auth-failure-spike');
  });

  it('reads only catalogued agentgateway metrics, LLM tokens and time to first token among them', () => {
    const { objects, monitoring } = monitored();
    // The gateway's rules and panels (the platform dashboard also has namespace panels of other components).
    const names = [...new Set(expressions(objects).filter((e) => e.includes('agentgateway_') || e.includes('gateway="gw"')).flatMap((e) => metricNamesIn(e)))].sort();
    expect(names.filter((n) => !Catalogs.AGENTGATEWAY.has(n) && !Catalogs.PROMETHEUS.has(n))).toEqual([]);
    expect(names.every((n) => monitoring.catalog.has(n))).toBe(true);
    expect(names).toEqual(expect.arrayContaining(['agentgateway_gen_ai_client_token_usage_sum', 'agentgateway_gen_ai_server_time_to_first_token_bucket', 'agentgateway_request_duration_seconds_bucket', 'agentgateway_requests_total', 'up']));
  });

  it('passes promtool check and its unit tests: every alert fires on breaching series and stays silent on healthy ones', () => {
    const { app } = monitored();
    const report = verifyMonitoring(app);
    expect(report.alerts).toBe(4);
    expect(report.testCases).toBeGreaterThanOrEqual(8);
    expect(report.panelQueries).toBeGreaterThanOrEqual(7);
    for (const a of findPrometheusRules(app).flatMap((r) => r.alerts)) {
      expect(a.tests.some((t) => t.expectedAlerts.length > 0), a.name).toBe(true);
      expect(a.tests.some((t) => t.expectedAlerts.length === 0), a.name).toBe(true);
    }
  });

  it("gives the gateway's view of a Service backend by agentgateway's backend label, and refuses an InferencePool", () => {
    const { ns } = setup(['edge', 'llm']);
    const gw = new GatewayMonitoring(ns.edge, 'm', { gateway: gatewayOf(ns.edge, GatewayProvider.AGENTGATEWAY, 'gw') });
    const traffic = gw.trafficTo(Backend.service('qwen', 8000, { namespace: 'llm' }));
    expect(traffic.spec.target).toEqual({ namespace: 'edge', gateway: 'gw', backend: 'qwen.llm.svc.cluster.local:8000' });
    expect(traffic.errorRatio(Duration.minutes(5))).toContain('agentgateway_requests_total{backend="qwen.llm.svc.cluster.local:8000",gateway="gw",namespace="edge",status=~"5.."}');
    const pool = Backend.ref({ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen', namespace: 'llm', port: 8000 });
    expect(() => gw.trafficTo(pool)).toThrow(/test\/edge\/m: backend must be a Service on agentgateway .*Fix: monitor an InferencePool through its endpoint picker/);
  });

});

// The agentgateway mirror is on the development machine only; elsewhere the facts below are taken as cited.
const AGW_REPO = '/work/.mirror/agentgateway+agentgateway/repo';
const upstream = (file: string): string => execFileSync('git', ['-C', AGW_REPO, 'show', `v1.4.1:${file}`], { encoding: 'utf8' });

describe.skipIf(!fs.existsSync(AGW_REPO))('agentgateway v1.4.1 upstream facts', () => {
  it('every catalogued metric is registered by the proxy under that exposed name', () => {
    const src = upstream('crates/agentgateway/src/telemetry/metrics.rs');
    expect(upstream('crates/core/src/metrics.rs')).toContain('pub const PREFIX: &str = "agentgateway";');
    // prometheus_client exposes a counter as <prefix>_<name>[_<unit>]_total, any other type as <prefix>_<name>[_<unit>].
    const registered = new Set<string>();
    for (const m of src.matchAll(/register(_with_unit)?\(\s*"([a-z_]+)",\s*"[^"]*",\s*(?:Unit::(\w+)[^,]*,\s*)?([a-z_]+)/g)) {
      const [, , name, unit] = m;
      const suffix = unit === 'Seconds' ? '_seconds' : unit === 'Bytes' ? '_bytes' : unit ? `_${unit.toLowerCase()}` : '';
      registered.add(`agentgateway_${name}${suffix}`);
    }
    for (const m of src.matchAll(/build\(\s*&mut registry,\s*"([a-z_]+)"/g)) registered.add(`agentgateway_${m[1]}`);
    for (const [name, info] of Catalogs.AGENTGATEWAY.entries) {
      const base = info.type === 'counter' ? name.replace(/_total$/, '') : name;
      expect(registered, name).toContain(base);
    }
  });

  it('the proxy pods carry the labels the PodMonitor selects, and serve metrics on 15020 /metrics', () => {
    const helpers = upstream('controller/pkg/helm/agentgateway/templates/_helpers.tpl');
    const selectorLabels = /define "kgateway\.gateway\.selectorLabels" -}}\n([\s\S]*?)\{\{- end }}/.exec(helpers)![1];
    const { gateway } = monitored();
    for (const key of Object.keys(gateway.dataPlane!.selector)) expect(selectorLabels, key).toContain(`${key}: {{ include "kgateway.gateway.fullname" . }}`);
    // The pod template merges the GatewayClass label with the selector labels.
    expect(helpers).toMatch(/labels:\n\s+\{\{- toYaml \(merge\n\s+\(dict "gateway\.networking\.k8s\.io\/gateway-class-name"/);
    expect(helpers).toMatch(/- containerPort: 15020\n\s+name: metrics/);
    expect(helpers).toContain('"prometheus.io/path" "/metrics"');
    expect(upstream('crates/agentgateway/src/config.rs')).toContain('SocketAddr::new(bind_wildcard, 15020)');
  });

  it('the reasons and statuses the alerts match are the proxy\'s', () => {
    const mod = upstream('crates/agentgateway/src/proxy/mod.rs');
    const reasons = /pub enum ProxyResponseReason \{([\s\S]*?)\n\}/.exec(mod)![1];
    for (const r of ['Upstream', 'RateLimit', 'JwtAuth', 'APIKeyAuth', 'BasicAuth', 'ExtAuth', 'Authorization']) expect(reasons, r).toMatch(new RegExp(`\\n\\s+${r},`));
    expect(mod).toContain('ProxyError::RateLimitExceeded { .. } => StatusCode::TOO_MANY_REQUESTS');
    expect(mod).toContain('ProxyError::APIKeyAuthenticationFailure(_) => StatusCode::UNAUTHORIZED');
    expect(mod).toContain('ProxyError::AuthorizationFailed => StatusCode::FORBIDDEN');
    // The label value is the Debug name of the reason (Display writes `{:?}`).
    expect(mod).toMatch(/impl Display for ProxyResponseReason \{[\s\S]*?write!\(f, "\{:\?\}", self\)/);
  });

  it("a Service backend's label is its cluster host and port", () => {
    expect(upstream('crates/agentgateway/src/types/agent.rs')).toContain('Backend::Service(svc, port) => strng::format!("{}:{}", svc.hostname.clone(), port)');
    expect(upstream('controller/pkg/utils/kubeutils/domain.go')).toContain('return fmt.Sprintf("%s.%s.svc.%s", name, namespace, GetClusterDomainName())');
  });
});
