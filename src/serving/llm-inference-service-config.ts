import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as kserve from '../../imports/kserve-serving.kserve.io';
import { ContainerOptions, renderContainer, TMP_VOLUME, toL1Shape } from '../core/container';
import { invalid } from '../core/errors';
import { assertDnsSubdomain } from '../core/names';
import { checkProps, childPath, hasMethod, optionalShape } from '../core/prop-types';
import { assertInteger, assertKnownKeys, INT32_MAX, keysOf } from '../core/props';
import { WorkloadSecurity } from '../core/security';
import { renderPodVolumes, toL1Volumes } from '../core/volume';

/**
 * The namespace KServe also looks `baseRefs` up in when the
 * LLMInferenceService's own namespace has no config of that name: KServe's
 * install namespace, `kserve` unless its controller runs elsewhere
 * (kserve v0.20.0 pkg/controller/v1alpha2/llmisvc/config_merge.go getConfig,
 * pkg/constants KServeNamespace).
 */
export const KSERVE_NAMESPACE = 'kserve';

/** Props of {@link LlmInferenceServiceConfig}. */
export interface LlmInferenceServiceConfigProps {
  /** `metadata.name`, by which LLMInferenceServices' `baseRefs` reach it (a DNS-1123 subdomain). @default - the construct id */
  readonly name?: string;
  /**
   * `spec.template.containers[main]`: what the config sets on the `main`
   * (vLLM) container, merged over KServe's well-known configs and under the
   * LLMInferenceService's own container. With it, the template gets the
   * library's secure defaults (restricted security context, the /tmp
   * emptyDir, no API token), as an LLMInferenceService does.
   * @default - no template
   */
  readonly container?: Omit<ContainerOptions, 'image' | 'name'> & { readonly image?: string };
  /** `spec.replicas`, an int32 >= 1. @default - the LLMInferenceService's or KServe's */
  readonly replicas?: number;
  /** `spec.storageInitializer.enabled`: `false` skips the model download for every LLMInferenceService using the config. @default - unset (KServe's: enabled) */
  readonly storageInitializer?: boolean;
  /** Security of the template (with `container`). @default WorkloadSecurity.RESTRICTED */
  readonly security?: WorkloadSecurity;
}

const PROPS_KEYS = keysOf<LlmInferenceServiceConfigProps>({ name: true, container: true, replicas: true, storageInitializer: true, security: true });

/**
 * A KServe `LLMInferenceServiceConfig` (serving.kserve.io/v1alpha2, the
 * storage version): a reusable part of an LLMInferenceService spec, which
 * LLMInferenceServices name in `baseRefs` (`LlmInferenceService` prop
 * `baseRefs` takes these objects) and KServe merges under their own spec.
 *
 * It has no `baseRefs` of its own: KServe's webhook forbids them
 * (kserve v0.20.0 pkg/apis/serving/v1alpha1/llm_inference_service_config_validation.go,
 * "support for recursive refs has been disabled").
 *
 * @see https://kserve.github.io/website/docs/model-serving/generative-inference/llmisvc/llmisvc-configuration
 */
export class LlmInferenceServiceConfig extends Construct {
  /** `metadata.name`. */
  public readonly configName: string;
  /** The L1 object. */
  public readonly resource: kserve.LlmInferenceServiceConfig;

  public constructor(scope: Construct, id: string, props: LlmInferenceServiceConfigProps = {}) {
    checkProps(childPath(scope, id), props, 'LlmInferenceServiceConfigProps', true);
    super(scope, id);
    props = props ?? {};
    assertKnownKeys(this, '', props, PROPS_KEYS);
    this.configName = assertDnsSubdomain(this, 'name', props.name ?? id);
    optionalShape(this, 'security', props.security, (v): v is WorkloadSecurity => hasMethod(v, 'check'), 'a WorkloadSecurity', 'use WorkloadSecurity.RESTRICTED');
    if (props.replicas !== undefined) assertInteger(this, 'replicas', props.replicas, { min: 1, max: INT32_MAX, type: 'int32: LLMInferenceServiceConfig spec.replicas', fix: 'use 1 or more' });
    if (props.storageInitializer !== undefined && typeof props.storageInitializer !== 'boolean') invalid(this, 'storageInitializer', 'must be a boolean', props.storageInitializer, 'use false to skip the model download, or leave it out');
    if (props.container !== undefined && (props.container === null || typeof props.container !== 'object' || Array.isArray(props.container))) {
      invalid(this, 'container', 'must be a container object', props.container, "pass container: { image: 'ghcr.io/llm-d/llm-d-cuda:v0.8.0' }");
    }
    if (props.container && 'name' in props.container) invalid(this, 'container.name', "is always 'main' (the container KServe merges the config into)", (props.container as { name?: unknown }).name, 'leave name out');
    const security = props.security ?? WorkloadSecurity.RESTRICTED;
    let template: kserve.LlmInferenceServiceConfigSpecTemplate | undefined;
    if (props.container) {
      const main = renderContainer(this, 'container', props.container, { name: 'main', security, imageOptional: true, volumes: true });
      template = {
        securityContext: security.pod(),
        automountServiceAccountToken: false,
        containers: [toL1Shape<kserve.LlmInferenceServiceConfigSpecTemplateContainers>(main)],
        volumes: toL1Volumes<kserve.LlmInferenceServiceConfigSpecTemplateVolumes>(renderPodVolumes(this, [{ field: 'container.volumeMounts', mounts: props.container.volumeMounts }], security.readOnlyRoot ? [{ ...TMP_VOLUME }] : [])),
      };
    }
    if (template === undefined && props.replicas === undefined && props.storageInitializer === undefined) {
      invalid(this, '', 'sets nothing: an empty config changes no LLMInferenceService', props, 'give container, replicas or storageInitializer');
    }
    this.resource = new kserve.LlmInferenceServiceConfig(this, 'Resource', {
      metadata: { name: this.configName },
      spec: {
        replicas: props.replicas,
        storageInitializer: props.storageInitializer === undefined ? undefined : { enabled: props.storageInitializer },
        template,
      },
    });
    if (template) security.waive(this.resource);
  }

  /** The config's namespace (its chart's). */
  public get configNamespace(): string | undefined {
    return Chart.of(this).namespace;
  }
}
