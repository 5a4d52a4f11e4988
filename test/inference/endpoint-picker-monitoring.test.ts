import { describe, expect, it } from 'vitest';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { SecretRef } from '../../src/core/secret-ref';
import { EndpointPicker } from '../../src/inference/endpoint-picker';
import { EndpointPickerMonitoring } from '../../src/inference/endpoint-picker-monitoring';
import { FailureMode, InferencePool } from '../../src/inference/inference-pool';
import { ModelServers } from '../../src/inference/model-servers';
import { HttpRoute } from '../../src/routing/http-route';
import { PathMatch } from '../../src/routing/match';
import { InferenceService } from '../../src/serving/inference-service';
import { ModelFormat } from '../../src/serving/model-format';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { verifyMonitoring } from '../../src/observability/verify-monitoring';
import { metricNamesIn } from '../../src/observability/promql';
import { Catalogs } from '../../src/observability/catalogs';
import { objectsOfKind, setup, synthObjects } from '../util';

function build(options: { failureMode?: FailureMode } = {}) {
  const f = setup(['gw', 'models'], { requireAccessPolicies: false });
  const gateway = new Gateway(f.ns.gw, 'gateway', { provider: GatewayProvider.ISTIO, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models]) })] });
  const qwen = new InferenceService(f.ns.models, 'qwen', {
    predictor: Predictor.model({
      format: ModelFormat.custom('vllm'),
      storage: Storage.uri('hf://Qwen/Qwen2.5-7B-Instruct'),
      resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', nvidiaGpu: '1' } },
    }),
  });
  const pool = new InferencePool(f.ns.models, 'qwen-pool', { modelServers: ModelServers.of(qwen), failureMode: options.failureMode });
  const picker = new EndpointPicker(f.ns.models, 'qwen-epp', { pool });
  new HttpRoute(f.ns.models, 'qwen-route', { parents: [gateway.listener('https')], rules: [{ matches: [{ path: PathMatch.prefix('/v1') }], backends: [pool] }] });
  return { ...f, pool, picker };
}

describe('EndpointPickerMonitoring', () => {
  it("alerts on the picker and its pool from the picker's own metrics, scoped to the pool, each alert unit-tested by promtool", () => {
    const { app, ns, picker } = build();
    new EndpointPickerMonitoring(ns.models, 'qwen-epp-monitoring', { picker });
    const [rule] = objectsOfKind(synthObjects(app), 'PrometheusRule') as Array<{ metadata: { name: string }; spec: { groups: Array<{ rules: Array<{ alert: string; expr: string; annotations: Record<string, string> }> }> } }>;
    expect(rule.metadata.name).toBe('qwen-pool-epp-alerts');
    const alerts = rule.spec.groups.flatMap((g) => g.rules);
    expect(alerts.map((a) => a.alert).sort()).toEqual(['EndpointPickerDown', 'EndpointPickerKvCacheHigh', 'EndpointPickerNoReadyEndpoints', 'EndpointPickerQueueHigh', 'EndpointPickerSchedulingFailing']);
    // Every expression reads the picker's catalog (or up), scoped to the pool's series.
    for (const a of alerts) {
      for (const metric of metricNamesIn(a.expr)) expect(Catalogs.ENDPOINT_PICKER.has(metric) || metric === 'up', `${a.alert}: ${metric}`).toBe(true);
      expect(a.expr, a.alert).toContain('inferencepool="qwen-pool"');
    }
    expect(alerts.find((a) => a.alert === 'EndpointPickerNoReadyEndpoints')!.expr).toContain('llm_d_epp_ready_endpoints{inferencepool="qwen-pool",name="qwen-pool",namespace="models"}) < 1');
    // The failure mode decides what "down" means for requests.
    expect(alerts.find((a) => a.alert === 'EndpointPickerDown')!.annotations.description).toContain('FailOpen: requests go to a model server without the picker choosing it');
    const report = verifyMonitoring(app);
    expect(report.alerts).toBe(5);
    expect(report.testCases).toBeGreaterThanOrEqual(10);
  });

  it('says every request fails when the pool fails closed', () => {
    const { app, ns, picker } = build({ failureMode: FailureMode.FAIL_CLOSE });
    new EndpointPickerMonitoring(ns.models, 'm', { picker });
    const [rule] = objectsOfKind(synthObjects(app), 'PrometheusRule') as any[];
    expect(rule.spec.groups[0].rules.find((a: any) => a.alert === 'EndpointPickerDown').annotations.description).toContain('FailClose: every request to the pool fails');
  });

  it('refuses a picker without metrics and thresholds out of range, with the fix', () => {
    const f = setup(['models'], { requireAccessPolicies: false });
    const qwen = new InferenceService(f.ns.models, 'qwen', { predictor: Predictor.model({ format: ModelFormat.custom('vllm'), storage: Storage.uri('hf://Qwen/Qwen2.5-7B-Instruct'), resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', nvidiaGpu: '1' } } }) });
    const pool = new InferencePool(f.ns.models, 'p', { modelServers: ModelServers.of(qwen) });
    const quiet = new EndpointPicker(f.ns.models, 'epp', { pool, monitoring: false });
    expect(quiet.serviceMonitor).toBeUndefined();
    expect(() => new EndpointPickerMonitoring(f.ns.models, 'm1', { picker: quiet })).toThrow(/serves no metrics Prometheus scrapes.*Fix: leave the picker's metrics on/);
    const { ns, picker } = build();
    expect(() => new EndpointPickerMonitoring(ns.models, 'm2', { picker, kvCacheUtilization: 1.5 })).toThrow(/kvCacheUtilization must be strictly between 0 and 1 \(received: 1\.5\)/);
    expect(() => new EndpointPickerMonitoring(ns.models, 'm3', { picker, queueSize: 0 })).toThrow(/queueSize must be a number > 0/);
    expect(() => new EndpointPickerMonitoring(ns.models, 'm4', { picker: 'qwen-epp' as never })).toThrow(/picker/);
  });
});
