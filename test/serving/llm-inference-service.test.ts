import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { Gateway } from '../../src/gateway/gateway';
import { LlmInferenceService, LlmRouter } from '../../src/serving/llm-inference-service';
import { Storage } from '../../src/serving/storage';
import { findObject, setup, synthObjects } from '../util';

describe('LlmInferenceService', () => {
  it('one vLLM model with GPUs and a managed route on an existing Gateway', () => {
    const { app, ns } = setup(['llm']);
    const gw = Gateway.fromGatewayName(ns.llm, 'gw', 'maas-default-gateway', { namespace: 'openshift-ingress' });
    new LlmInferenceService(ns.llm, 'qwen3', {
      model: Storage.hf('Qwen/Qwen3-0.6B', { tokenSecretRef: SecretRef.named('hf-token') }),
      replicas: 1,
      router: LlmRouter.managedRoute(gw),
      container: { image: 'vllm/vllm-openai:v0.11.0', resources: { requests: { cpu: '1', memory: '8Gi', nvidiaGpu: '1' }, limits: { cpu: '4', memory: '12Gi', nvidiaGpu: '1' } } },
      nodeSelector: { 'nvidia.com/gpu.present': 'true' },
    });
    const o = findObject(synthObjects(app), 'LLMInferenceService', 'qwen3', 'llm');
    expect(o.apiVersion).toBe('serving.kserve.io/v1alpha1');
    expect(o.spec.model).toEqual({ uri: 'hf://Qwen/Qwen3-0.6B', name: 'Qwen/Qwen3-0.6B' });
    expect(o.spec.router).toEqual({ route: {}, gateway: { refs: [{ name: 'maas-default-gateway', namespace: 'openshift-ingress' }] } });
    const main = o.spec.template.containers[0];
    expect(main.name).toBe('main');
    expect(main.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(main.env).toEqual([{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'HF_TOKEN' } } }]);
    expect(o.spec.template.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(o).toMatchSnapshot();
  });

  it('the image may be left to the LLMInferenceServiceConfig', () => {
    const { app, ns } = setup(['llm']);
    new LlmInferenceService(ns.llm, 'opt', { model: Storage.hf('facebook/opt-125m'), container: { resources: { limits: { cpu: '1', memory: '10Gi' } } } });
    expect(findObject(synthObjects(app), 'LLMInferenceService', 'opt').spec.template.containers[0].image).toBeUndefined();
  });

  it('fails when GPUs are requested without limits, or the image is latest', () => {
    const { ns } = setup(['llm']);
    expect(() => new LlmInferenceService(ns.llm, 'a', { model: Storage.hf('a/b'), container: { resources: { requests: { nvidiaGpu: '1' } } } })).toThrow(/container\.resources\.limits\.nvidiaGpu is required/);
    expect(() => new LlmInferenceService(ns.llm, 'b', { model: Storage.hf('a/b'), container: { image: 'vllm/vllm-openai:latest' } })).toThrow(/':latest'/);
  });
});
