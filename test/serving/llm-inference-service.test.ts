import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { Gateway } from '../../src/gateway/gateway';
import { LlmInferenceService } from '../../src/serving/llm-inference-service';
import { LlmRouter } from '../../src/serving/llm-router';
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
    expect(o.apiVersion).toBe('serving.kserve.io/v1alpha2');
    expect(o.spec.model).toEqual({ uri: 'hf://Qwen/Qwen3-0.6B', name: 'Qwen/Qwen3-0.6B' });
    expect(o.spec.router).toEqual({ route: {}, gateway: { refs: [{ name: 'maas-default-gateway', namespace: 'openshift-ingress' }] } });
    const main = o.spec.template.containers[0];
    expect(main.name).toBe('main');
    expect(main.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(main.env).toEqual([{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'HF_TOKEN' } } }]);
    // KServe's storage initializer reads the gated model's token from the Secret this annotation names.
    expect(o.metadata.annotations).toEqual({ 'serving.kserve.io/storageSecretName': 'hf-token' });
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

  it("LlmRouter.managed(): KServe's default Gateway (left out or said as {}), named Gateways, and the inference scheduler", () => {
    const { app, ns } = setup(['llm']);
    const gw = Gateway.fromGatewayName(ns.llm, 'gw', 'inference-gateway', { namespace: 'gateways' });
    const container = { resources: { limits: { cpu: '1', memory: '10Gi' } } };
    new LlmInferenceService(ns.llm, 'default-gw', { model: Storage.hf('a/b'), router: LlmRouter.managed(), container });
    new LlmInferenceService(ns.llm, 'explicit-gw', { model: Storage.hf('a/b'), router: LlmRouter.managed({ scheduler: true, explicitDefaultGateway: true }), container });
    new LlmInferenceService(ns.llm, 'named-gw', { model: Storage.hf('a/b'), router: LlmRouter.managed({ gateways: [gw], scheduler: true }), container });
    new LlmInferenceService(ns.llm, 'no-router', { model: Storage.hf('a/b'), container });
    const objects = synthObjects(app);
    const router = (name: string) => findObject(objects, 'LLMInferenceService', name, 'llm').spec.router;
    expect(router('default-gw')).toEqual({ route: {} });
    expect(router('explicit-gw')).toEqual({ scheduler: {}, route: {}, gateway: {} });
    expect(router('named-gw')).toEqual({ scheduler: {}, route: {}, gateway: { refs: [{ name: 'inference-gateway', namespace: 'gateways' }] } });
    expect(router('no-router')).toBeUndefined();
  });

  it('renders LoRA adapters under spec.model.lora only when given', () => {
    const { app, ns } = setup(['llm']);
    new LlmInferenceService(ns.llm, 'lora', {
      model: Storage.hf('facebook/opt-125m'),
      loraAdapters: [
        { name: 'sql', storage: Storage.hf('org/opt-125m-sql-lora') },
        { name: 'chat', storage: Storage.pvc('adapters', 'chat') },
      ],
      container: { resources: { limits: { cpu: '1', memory: '10Gi' } } },
    });
    const o = findObject(synthObjects(app), 'LLMInferenceService', 'lora', 'llm');
    expect(o.spec.model).toEqual({
      uri: 'hf://facebook/opt-125m',
      name: 'facebook/opt-125m',
      lora: { adapters: [{ name: 'sql', uri: 'hf://org/opt-125m-sql-lora' }, { name: 'chat', uri: 'pvc://adapters/chat' }] },
    });
  });

  it('fails when the default Gateway is asked for next to named ones, or LoRA adapters repeat a name or are not URIs', () => {
    const { ns } = setup(['llm']);
    const gw = Gateway.fromGatewayName(ns.llm, 'gw', 'g', { namespace: 'gateways' });
    expect(() => LlmRouter.managed({ gateways: [gw], explicitDefaultGateway: true })).toThrow(/explicitDefaultGateway cannot be combined with gateways/);
    const container = { resources: { limits: { cpu: '1', memory: '10Gi' } } };
    const adapter = { name: 'a', storage: Storage.hf('org/a') };
    expect(() => new LlmInferenceService(ns.llm, 'dup', { model: Storage.hf('a/b'), loraAdapters: [adapter, adapter], container })).toThrow(/loraAdapters repeats an adapter name/);
    expect(() => new LlmInferenceService(ns.llm, 'key', { model: Storage.hf('a/b'), loraAdapters: [{ name: 'k', storage: Storage.storageKey('minio', 'k') }], container })).toThrow(
      /loraAdapters\[0\]\.storage must be a URI location/,
    );
    expect(() =>
      new LlmInferenceService(ns.llm, 'token', { model: Storage.hf('a/b'), loraAdapters: [{ name: 't', storage: Storage.hf('org/gated', { tokenSecretRef: SecretRef.named('hf') }) }], container }),
    ).toThrow(/loraAdapters\[0\]\.storage carries credentials of its own/);
  });
});
