/**
 * Review of the grouped model rules (0.5.0): the PrometheusRules of a model
 * kind (`<family>-<server>-models-alerts`, `...-models-<slo>-slo`, numbered
 * `-2-`, `-3-`; src/observability/model-kind-rules.ts) select many models
 * and belong to none. The README diagram attaches a rule to the model or
 * Gateway whose name and a dash begin the rule's name; a Gateway or model
 * whose name is the kind's first word (a Gateway `llm` in namespace `llm`,
 * whose vLLM models' rules are `llm-vllm-models-...`) must not get them.
 */
import { describe, expect, it } from 'vitest';
import { KubeObject } from '../../src/delivery/manifest';
import { renderPlatformReadme } from '../../src/delivery/platform-readme';

const obj = (kind: string, name: string): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'llm' } });

/** The `from -.-> to` edges of the README diagram. */
function ruleEdges(objects: KubeObject[]): string[] {
  const readme = renderPlatformReadme({ name: 'p', objects: objects.map((object) => ({ file: 'x.yaml', object })), waivers: [] });
  return readme.split('\n').filter((l) => l.includes(' -.-> ') && l.trim().startsWith('PrometheusRule_')).map((l) => l.trim());
}

describe('platform README diagram and the rules grouped per model kind', () => {
  it('draws no kind rule as a Gateway’s or a model’s, whose name begins the kind’s', () => {
    const edges = ruleEdges([
      obj('Gateway', 'llm'),
      obj('InferenceService', 'kserve'),
      obj('LLMInferenceService', 'llmisvc'),
      obj('PrometheusRule', 'llm-gateway-alerts'),
      obj('PrometheusRule', 'kserve-epp-alerts'),
      obj('PrometheusRule', 'llm-vllm-models-alerts'),
      obj('PrometheusRule', 'llm-vllm-models-ttft-slo'),
      obj('PrometheusRule', 'llm-vllm-models-availability-2-slo'),
      obj('PrometheusRule', 'kserve-kserve-models-alerts'),
      obj('PrometheusRule', 'kserve-kserve-models-3-alerts'),
      obj('PrometheusRule', 'llmisvc-vllm-models-2-alerts'),
    ]);
    expect(edges).toEqual(['PrometheusRule_llm_llm_gateway_alerts -.-> Gateway_llm_llm', 'PrometheusRule_llm_kserve_epp_alerts -.-> InferenceService_llm_kserve']);
  });

  it('still draws the rules named after one model or Gateway', () => {
    const edges = ruleEdges([obj('InferenceService', 'iris'), obj('Gateway', 'edge'), obj('PrometheusRule', 'iris-availability-slo'), obj('PrometheusRule', 'edge-gateway-alerts')]);
    expect(edges).toEqual(['PrometheusRule_llm_iris_availability_slo -.-> InferenceService_llm_iris', 'PrometheusRule_llm_edge_gateway_alerts -.-> Gateway_llm_edge']);
  });
});
