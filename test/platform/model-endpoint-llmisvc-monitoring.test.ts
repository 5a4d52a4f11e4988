import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { LlmInferenceServiceMonitoring } from '../../src/observability/llm-inference-service-monitoring';
import { ModelEndpoint } from '../../src/platform/model-endpoint';
import { LlmInferenceService } from '../../src/serving/llm-inference-service';
import { Storage } from '../../src/serving/storage';
import { findObject, setup, synthObjects } from '../util';

const GPU = { requests: { cpu: '2', memory: '8Gi', nvidiaGpu: '1' }, limits: { cpu: '8', memory: '8Gi', nvidiaGpu: '1' } };

function world() {
  const { app, ns } = setup(['edge', 'models'], { requireAccessPolicies: false });
  const gateway = new Gateway(ns.edge, 'gateway', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('gateway-tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.edge, ns.models]) })] });
  const llama = new LlmInferenceService(ns.models, 'llama', { model: Storage.hf('meta-llama/Llama-3.1-8B-Instruct'), container: { resources: GPU } });
  return { app, ns, gateway, llama };
}

describe('ModelEndpoint: monitoring of an LLMInferenceService', () => {
  it('gives it the vLLM bundle (LlmInferenceServiceMonitoring) with the thresholds given', () => {
    const { app, ns, gateway, llama } = world();
    const e = new ModelEndpoint(ns.models, 'llama-endpoint', { model: llama, gateway, monitoring: { requestsWaiting: 25 } });
    expect(e.monitoring).toBeInstanceOf(LlmInferenceServiceMonitoring);
    const objects = synthObjects(app);
    expect(findObject(objects, 'PodMonitor', 'llama-vllm', 'models').spec.selector.matchLabels).toMatchObject(llama.poolSelector);
    const rules = findObject(objects, 'PrometheusRule', 'llmisvc-vllm-models-alerts', 'models').spec.groups.flatMap((g: { rules: Array<{ alert?: string; expr: string }> }) => g.rules);
    expect(rules.find((r: { alert?: string }) => r.alert === 'LlmRequestsQueued').expr).toBe('max by (llminferenceservice, namespace) (vllm:num_requests_waiting{llminferenceservice="llama",namespace="models"}) > 25');
    expect(findObject(objects, 'PrometheusRule', 'llmisvc-vllm-models-ttft-slo', 'models')).toBeDefined();
  });

  it('refuses the options that only apply to an InferenceService bundle', () => {
    const { ns, gateway, llama } = world();
    expect(() => new ModelEndpoint(ns.models, 'a', { model: llama, gateway, monitoring: { llm: false } })).toThrow(/monitoring\.llm does not apply to an LLMInferenceService/);
    expect(() => new ModelEndpoint(ns.models, 'b', { model: llama, gateway, monitoring: { dashboard: false } })).toThrow(/dashboard/);
  });
});
