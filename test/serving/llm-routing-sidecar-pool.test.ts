import { describe, expect, it } from 'vitest';
import { EndpointPickerRef, InferencePool } from '../../src/inference/inference-pool';
import { LlmInferenceService } from '../../src/serving/llm-inference-service';
import { LlmRouter } from '../../src/serving/llm-router';
import { Storage } from '../../src/serving/storage';
import { findObject, setup, synthObjects } from '../util';

const gpu = { resources: { requests: { cpu: '2', memory: '16Gi', nvidiaGpu: '1' }, limits: { cpu: '4', memory: '16Gi', nvidiaGpu: '1' } } };

/** The routing sidecar of a prefill/decode service watches the app's own InferencePool (KServe's preset names the pool KServe would create). */
describe('LlmInferenceService.useRoutingSidecarPool', () => {
  function build(props: { readonly prefill?: boolean; readonly router?: LlmRouter } = {}) {
    const { app, ns } = setup(['llm', 'other']);
    const svc = new LlmInferenceService(ns.llm, 'qwen', { model: Storage.hf('Qwen/Qwen2.5-7B-Instruct'), container: gpu, prefill: props.prefill === false ? undefined : { replicas: 2, container: gpu }, router: props.router });
    const pool = new InferencePool(ns.llm, 'pool', { name: 'qwen', modelServers: svc, endpointPicker: EndpointPickerRef.service('qwen-epp') });
    return { app, ns, svc, pool };
  }

  it("writes the sidecar's pool group and name over KServe's decode preset, with the workload's security", () => {
    const { app, svc, pool } = build();
    svc.useRoutingSidecarPool(pool);
    const spec = findObject(synthObjects(app), 'LLMInferenceService', 'qwen', 'llm').spec;
    expect(spec.template.initContainers).toHaveLength(1);
    expect(spec.template.initContainers[0].name).toBe('llm-d-routing-sidecar');
    expect(spec.template.initContainers[0].args).toEqual(['--pool-group=inference.networking.k8s.io', '--inference-pool=llm/qwen']);
    expect(spec.template.initContainers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    // The prefill template is not touched (its pods run no sidecar).
    expect(spec.prefill.template.initContainers).toBeUndefined();
  });

  it('is set by useInferencePool for a split service', () => {
    const { app, svc, pool } = build({ router: LlmRouter.managed({ scheduler: true }) });
    svc.useInferencePool(pool);
    const spec = findObject(synthObjects(app), 'LLMInferenceService', 'qwen', 'llm').spec;
    expect(spec.router.scheduler.pool).toEqual({ ref: { name: 'qwen' } });
    expect(spec.template.initContainers[0].args).toContain('--inference-pool=llm/qwen');
  });

  it('leaves a service without prefill alone, and refuses the call there', () => {
    const { app, svc, pool } = build({ prefill: false });
    expect(findObject(synthObjects(app), 'LLMInferenceService', 'qwen', 'llm').spec.template.initContainers).toBeUndefined();
    expect(() => svc.useRoutingSidecarPool(pool)).toThrow(/routingSidecarPool.*prefill\/decode split only/);
  });

  it('refuses a pool of another namespace, or one that does not pool this service', () => {
    const { ns, svc } = build();
    const other = new LlmInferenceService(ns.other, 'granite', { model: Storage.hf('ibm-granite/granite-3.3-8b-instruct'), container: gpu });
    expect(() => svc.useRoutingSidecarPool(new InferencePool(ns.other, 'p', { modelServers: other }))).toThrow(/routingSidecarPool.*namespace other/);
    const mine = new LlmInferenceService(ns.llm, 'granite', { model: Storage.hf('ibm-granite/granite-3.3-8b-instruct'), container: gpu });
    expect(() => svc.useRoutingSidecarPool(new InferencePool(ns.llm, 'p2', { modelServers: mine }))).toThrow(/routingSidecarPool.*app.kubernetes.io\/name=granite/);
  });
});
