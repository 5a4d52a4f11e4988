import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { KubeObject } from '../../src/delivery/manifest';
import { DEFAULT_PROMETHEUS } from '../../src/observability/scrape';
import { LlmGatewayPlatform } from '../../src/platforms/llm-gateway';
import { blockingPolicies, Flow, FlowEnd } from '../../src/security/network-policy-eval';
import { findObject, objectsOfKind, synthObjects } from '../util';
import { selectsValue } from '../observability/helpers';

const MODELS = 'llm-models';
const NAME_LABEL = 'kubernetes.io/metadata.name';

function pods(namespace: string, labels: Readonly<Record<string, string>>): FlowEnd {
  return { namespace, namespaceLabels: { [NAME_LABEL]: namespace }, podLabels: { ...labels } };
}

function blocked(objects: readonly KubeObject[], flow: Flow): string[] {
  const policies = objectsOfKind(objects, 'NetworkPolicy');
  return [...blockingPolicies(policies, flow, 'Egress'), ...blockingPolicies(policies, flow, 'Ingress')].map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
}

function matches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

type Rule = { alert?: string; record?: string; expr: string; labels?: Record<string, string> };
const rules = (o: KubeObject & { spec?: any }): Rule[] => o.spec.groups.flatMap((g: { rules: Rule[] }) => g.rules);

/** The vLLM monitoring of the LLM gateway reference platform: every model's alerts and TTFT SLO read the pods its PodMonitor scrapes. */
describe('llm-gateway: vLLM monitoring of each LLMInferenceService', () => {
  const app = Testing.app();
  const platform = new LlmGatewayPlatform(app);
  const objects = synthObjects(app);
  const prometheus = pods(DEFAULT_PROMETHEUS.namespace, DEFAULT_PROMETHEUS.selector);

  for (const name of ['granite-3-3-8b', 'llama-3-1-8b', 'qwen2-5-7b']) {
    it(`${name}: a PodMonitor on its decode vLLM pods, the TTFT alert and SLO selecting them, and Prometheus let in on the metrics port`, () => {
      const service = platform.models[name].service;
      const pm = findObject(objects, 'PodMonitor', `${name}-vllm`, MODELS);
      expect(matches(pm.spec.selector.matchLabels, service.decodePods.labels)).toBe(true);
      const port = pm.spec.podMetricsEndpoints[0].portNumber;
      expect(port).toBe(service.disaggregated ? 8001 : 8000);
      const role = service.decodePods.labels['llm-d.ai/role'];
      // The rules of its kind (shared with the LLMInferenceServices of the same thresholds and role) select it and its role.
      const monitoring = platform.models[name].monitoring;
      const ttft = rules(findObject(objects, 'PrometheusRule', monitoring.prometheusRule.ruleName, MODELS)).find((r) => r.alert === 'LlmTimeToFirstTokenHigh')!;
      expect(ttft.expr).toContain('vllm:time_to_first_token_seconds_bucket{');
      expect(selectsValue(ttft.expr, 'llminferenceservice', name) && selectsValue(ttft.expr, 'role', role) && selectsValue(ttft.expr, 'namespace', MODELS)).toBe(true);
      expect(ttft.expr).toContain('sum by (le, llminferenceservice, namespace, role)');
      const sli = rules(findObject(objects, 'PrometheusRule', monitoring.timeToFirstTokenSlo!.prometheusRule.ruleName, MODELS)).find((r) => r.record === 'slo:sli_error:ratio_rate5m')!;
      expect(sli.expr).toContain('vllm:time_to_first_token_seconds_count{');
      expect(selectsValue(sli.expr, 'llminferenceservice', name) && selectsValue(sli.expr, 'role', role)).toBe(true);
      expect(blocked(objects, { from: prometheus, to: pods(MODELS, service.decodePods.labels), port })).toEqual([]);
      // Only Prometheus: the gateway namespace's pods are not let in on the metrics port.
      expect(blocked(objects, { from: pods('llm-edge', { app: 'other' }), to: pods(MODELS, service.decodePods.labels), port })).not.toEqual([]);
    });
  }

  it('scrapes the prefill pods of the split Qwen model on vLLM:8000', () => {
    const qwen = platform.models['qwen2-5-7b'].service;
    const pm = findObject(objects, 'PodMonitor', 'qwen2-5-7b-vllm-prefill', MODELS);
    expect(matches(pm.spec.selector.matchLabels, qwen.prefillPods!.labels)).toBe(true);
    expect(pm.spec.podMetricsEndpoints[0].portNumber).toBe(8000);
    expect(blocked(objects, { from: prometheus, to: pods(MODELS, qwen.prefillPods!.labels), port: 8000 })).toEqual([]);
    expect(platform.models['qwen2-5-7b'].monitoring.prefillMonitor?.monitorName).toBe('qwen2-5-7b-vllm-prefill');
  });
});
