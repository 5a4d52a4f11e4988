import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { IConstruct } from 'constructs';
import { renderEnv, EnvVars } from '../core/env';
import { invalid } from '../core/errors';
import { assertPinnedImage } from '../core/image';
import { assertDnsLabel, assertLabels, checkedAnnotations } from '../core/names';
import { isPlainObject } from '../core/prop-types';
import { assertInteger, assertKnownKeys, assertOneOf, INT32_MAX, keysOf } from '../core/props';
import { renderResources, ResourceRequirements } from '../core/resources';
import { EndpointPickerConfig } from '../inference/endpoint-picker-config';
import { FailureMode } from '../inference/inference-pool';

/**
 * A key of a ConfigMap of this app holding the picker's configuration file
 * (`router.scheduler.config.ref`): e.g. the ConfigMap an
 * {@link EndpointPickerConfig} was written to.
 */
export interface LlmSchedulerConfigMapKey {
  /** The ConfigMap, in the LLMInferenceService's namespace. */
  readonly configMap: k8s.KubeConfigMap;
  /** The key of `data` holding the EndpointPickerConfig YAML. */
  readonly key: string;
}

/**
 * Overrides of one container of KServe's scheduler pod
 * (`router.scheduler.template.containers[]`), merged by name over the
 * well-known `kserve-config-llm-scheduler` (containers `main`, the picker,
 * and `tokenizer`, its tokenizer sidecar).
 */
export interface LlmSchedulerContainer {
  /** `image`, pinned by tag or digest (e.g. another llm-d-router-endpoint-picker release). @default - the config's (KServe v0.20.0: `ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.9.0`) */
  readonly image?: string;
  /** `env`. @default - the config's */
  readonly env?: EnvVars;
  /** `resources`. @default - the config's (main: 1 CPU, 2 GiB requested) */
  readonly resources?: ResourceRequirements;
}

/**
 * The inference scheduler KServe deploys for an LLMInferenceService
 * (`spec.router.scheduler`): an llm-d endpoint picker (EPP) Deployment and
 * Service, and an InferencePool the managed HTTPRoute sends to. (To route
 * to an InferencePool of this app instead, whose picker is then yours, see
 * `LlmInferenceService.useInferencePool`.)
 *
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_types.go (SchedulerSpec, InferencePoolSpec, SchedulerConfigSpec)
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/controller/v1alpha2/llmisvc/scheduler.go
 */
export interface LlmSchedulerOptions {
  /**
   * `pool.spec`: KServe's pool written out inline, to state the failure
   * mode (`endpointPickerRef.failureMode`; KServe's preset says
   * `FailOpen`). The spec selects this service's workload pods on port 8000
   * and names KServe's picker Service, as the preset does.
   * @default - KServe's preset pool (FailOpen)
   */
  readonly failureMode?: FailureMode;
  /**
   * `config`: the picker's EndpointPickerConfig, inline (an
   * {@link EndpointPickerConfig}) or a key of a ConfigMap.
   * @default - KServe's preset configuration
   */
  readonly config?: EndpointPickerConfig | LlmSchedulerConfigMapKey;
  /** `replicas` of the picker Deployment, an int32 >= 1. @default - KServe's (1) */
  readonly replicas?: number;
  /** Overrides of the scheduler pod's containers, by name (`main`, `tokenizer`). @default - none */
  readonly containers?: Readonly<Record<string, LlmSchedulerContainer>>;
  /** `labels` added to the scheduler pod. @default - none */
  readonly podLabels?: Record<string, string>;
  /** `annotations` added to the scheduler pod. @default - none */
  readonly podAnnotations?: Record<string, string>;
}

/** What the scheduler renders need to know of its LLMInferenceService. */
export interface LlmSchedulerContext {
  /** The LLMInferenceService construct. */
  readonly scope: IConstruct;
  /** Its namespace. */
  readonly namespace: string | undefined;
  /** KServe's pool selector (kserve v0.20.0 GetWorkloadLabelSelector). */
  readonly poolSelector: Readonly<Record<string, string>>;
  /** KServe's picker Service name (`<name>-epp-service`). */
  readonly endpointPickerServiceName: string;
  /** The vLLM port. */
  readonly port: number;
}

const SCHEDULER_KEYS = keysOf<LlmSchedulerOptions>({ failureMode: true, config: true, replicas: true, containers: true, podLabels: true, podAnnotations: true });

/** The ext-proc port of KServe's picker (kserve v0.20.0 config/llmisvcconfig/config-llm-scheduler.yaml, `--grpc-port 9002`). */
export const LLM_SCHEDULER_GRPC_PORT = 9002;

/**
 * Checks the scheduler options (at `router.scheduler`).
 *
 * @throws ModelServingError for bad replicas, failure mode, labels, containers or config
 */
export function checkSchedulerOptions(where: string, o: LlmSchedulerOptions): void {
  if (!isPlainObject(o)) invalid(where, 'scheduler', 'must be true or an object of LlmSchedulerOptions', o, 'pass scheduler: true, or scheduler: { failureMode: FailureMode.FAIL_OPEN }');
  assertKnownKeys(where, 'scheduler', o, SCHEDULER_KEYS);
  if (o.failureMode !== undefined) assertOneOf(where, 'scheduler.failureMode', o.failureMode, Object.values(FailureMode), 'use FailureMode.FAIL_OPEN or FailureMode.FAIL_CLOSE');
  if (o.replicas !== undefined) assertInteger(where, 'scheduler.replicas', o.replicas, { min: 1, max: INT32_MAX, type: 'int32 > 0: KServe "scheduler replicas must be greater than zero"', fix: 'use 1 or more (2 for a picker that survives a node loss)' });
  if (o.config !== undefined && !(o.config instanceof EndpointPickerConfig)) {
    if (!isPlainObject(o.config)) invalid(where, 'scheduler.config', 'must be an EndpointPickerConfig or { configMap, key }', o.config, 'pass EndpointPickerConfig.of({...}), or { configMap, key }');
    assertKnownKeys(where, 'scheduler.config', o.config, ['configMap', 'key']);
    const ref = o.config;
    if (!(ref.configMap instanceof k8s.KubeConfigMap)) invalid(where, 'scheduler.config.configMap', 'must be a k8s.KubeConfigMap of this app', ref.configMap, 'pass the ConfigMap object');
    const data = ((ref.configMap.toJson() as { data?: Record<string, string> }).data ?? {}) as Record<string, string>;
    if (typeof ref.key !== 'string' || !(ref.key in data)) {
      invalid(where, 'scheduler.config.key', `is not a key of ConfigMap ${ref.configMap.name} (its keys: ${Object.keys(data).join(', ') || 'none'})`, ref.key, 'name the key holding the EndpointPickerConfig YAML');
    }
  }
  if (o.containers !== undefined) {
    if (!isPlainObject(o.containers)) invalid(where, 'scheduler.containers', 'must be an object of container overrides by name', o.containers, "pass { tokenizer: { env: { LOG_LEVEL: 'DEBUG' } } }");
    for (const [name, c] of Object.entries(o.containers)) {
      assertDnsLabel(where, `scheduler.containers.${name}`, name);
      if (!isPlainObject(c)) invalid(where, `scheduler.containers.${name}`, 'must be an object', c, 'pass { env, resources }');
      assertKnownKeys(where, `scheduler.containers.${name}`, c, keysOf<LlmSchedulerContainer>({ image: true, env: true, resources: true }));
      if (c.image !== undefined) assertPinnedImage(where, `scheduler.containers.${name}.image`, c.image);
    }
  }
  if (o.podLabels !== undefined) assertLabels(where, 'scheduler.podLabels', o.podLabels);
}

/** Renders `router.scheduler` (`true` is `{}`). */
export function renderScheduler(ctx: LlmSchedulerContext, o: LlmSchedulerOptions | true): Record<string, unknown> {
  if (o === true) return {};
  const scope = ctx.scope;
  const pool =
    o.failureMode === undefined
      ? undefined
      : {
          spec: {
            selector: { matchLabels: { ...ctx.poolSelector } },
            targetPorts: [{ number: ctx.port }],
            endpointPickerRef: { kind: 'Service', name: ctx.endpointPickerServiceName, port: { number: LLM_SCHEDULER_GRPC_PORT }, failureMode: o.failureMode },
          },
        };
  let config: Record<string, unknown> | undefined;
  if (o.config instanceof EndpointPickerConfig) config = { inline: o.config.toJson() };
  else if (o.config !== undefined) {
    const cm = o.config.configMap;
    if (Chart.of(cm).namespace !== ctx.namespace) {
      invalid(scope, 'router.scheduler.config.configMap', `is in namespace ${Chart.of(cm).namespace ?? '(none)'}, but KServe reads the ConfigMap from the LLMInferenceService's namespace (${ctx.namespace ?? '(none)'})`, cm.name, `create the ConfigMap in ${ctx.namespace ?? "the LLMInferenceService's namespace"}`);
    }
    config = { ref: { name: cm.name, key: o.config.key } };
  }
  const containers = o.containers
    ? Object.entries(o.containers).map(([name, c]) => ({ name, image: c.image, env: renderEnv(scope, `router.scheduler.containers.${name}.env`, c.env), resources: renderResources(scope, `router.scheduler.containers.${name}.resources`, c.resources) }))
    : undefined;
  return {
    pool,
    config,
    replicas: o.replicas,
    template: containers && containers.length > 0 ? { containers } : undefined,
    labels: o.podLabels ? { ...o.podLabels } : undefined,
    annotations: checkedAnnotations(scope, o.podAnnotations),
  };
}
