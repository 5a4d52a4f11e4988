import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as kserve from '../../imports/kserve-serving.kserve.io';
import { ContainerOptions, renderContainer, TMP_VOLUME, toL1Shape } from '../core/container';
import { invalid } from '../core/errors';
import { assertDnsLabel } from '../core/names';
import { WorkloadSecurity } from '../core/security';
import { IGateway } from '../gateway/gateway';
import { Toleration } from './inference-service';
import { Storage } from './storage';

/** How an LLMInferenceService is exposed (`spec.router`). */
export class LlmRouter {
  /** KServe creates and manages the HTTPRoute on the named Gateway(s) (`router.route: {}` plus `router.gateway.refs`). */
  public static managedRoute(...gateways: IGateway[]): LlmRouter {
    return new LlmRouter(gateways, true);
  }

  /** No route: traffic reaches the workload Service directly (e.g. through your own HTTPRoute). */
  public static none(): LlmRouter {
    return new LlmRouter([], false);
  }

  private constructor(
    /** Gateways referenced in `router.gateway.refs`. */
    public readonly gateways: readonly IGateway[],
    /** Whether KServe manages an HTTPRoute. */
    public readonly managed: boolean,
  ) {}
}

/** Props of {@link LlmInferenceService}. */
export interface LlmInferenceServiceProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.model.uri`: where the weights are (`hf://`, `s3://`, `pvc://`, `oci://`). */
  readonly model: Storage;
  /** `spec.model.name`: the model name clients send (OpenAI `model`). @default - the repository id for hf:// models, else the construct name */
  readonly modelName?: string;
  /** `spec.replicas`. @default 1 */
  readonly replicas?: number;
  /** `spec.router`. @default LlmRouter.none() */
  readonly router?: LlmRouter;
  /**
   * The `main` container overrides (image, args, env, resources, probes).
   * KServe's LLMInferenceServiceConfig supplies the vLLM defaults; set at
   * least `resources` (GPUs in `limits.nvidiaGpu`).
   */
  readonly container: Omit<ContainerOptions, 'image'> & { readonly image?: string };
  /** `template.nodeSelector`. @default - none */
  readonly nodeSelector?: Record<string, string>;
  /** `template.tolerations`. @default - a toleration of the `nvidia.com/gpu` taint when GPUs are requested */
  readonly tolerations?: readonly Toleration[];
  /** Security of the workload. @default WorkloadSecurity.RESTRICTED */
  readonly security?: WorkloadSecurity;
}

/**
 * A KServe `LLMInferenceService` (serving.kserve.io/v1alpha1): a
 * vLLM-based LLM deployment managed by KServe's LLM controller (llm-d),
 * with an optional KServe-managed route on an existing Gateway.
 *
 * @see https://kserve.github.io/website/docs/model-serving/generative-inference/llmisvc/llmisvc-overview
 */
export class LlmInferenceService extends Construct {
  /** `metadata.name`. */
  public readonly serviceName: string;
  /** The L1 object. */
  public readonly resource: kserve.LlmInferenceService;

  public constructor(scope: Construct, id: string, props: LlmInferenceServiceProps) {
    super(scope, id);
    this.serviceName = assertDnsLabel(this, 'name', props.name ?? id);
    const binding = props.model.bind(this, 'model');
    if (!binding.storageUri) invalid(this, 'model', 'must be a URI location', props.model.location, 'use Storage.hf(...), Storage.s3(...), Storage.pvc(...) or Storage.oci(...)');
    const replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) invalid(this, 'replicas', 'must be an integer >= 1', replicas, 'use 1 or more');
    const security = props.security ?? WorkloadSecurity.RESTRICTED;
    const gpu = props.container.resources?.limits?.nvidiaGpu;
    if (props.container.resources?.requests?.nvidiaGpu !== undefined && gpu === undefined) {
      invalid(this, 'container.resources.limits.nvidiaGpu', 'is required when GPUs are requested', undefined, "set limits: { nvidiaGpu: '1' }");
    }
    const modelName = props.modelName ?? (binding.storageUri.startsWith('hf://') ? binding.storageUri.slice('hf://'.length) : this.serviceName);
    // The image may come from KServe's LLMInferenceServiceConfig; when given it must be pinned.
    const main = renderContainer(this, 'container', { ...props.container, env: { ...(binding.env ?? {}), ...(props.container.env ?? {}) } }, { name: 'main', security, imageOptional: true });
    const tolerations = props.tolerations ?? (gpu !== undefined ? [{ key: 'nvidia.com/gpu', operator: 'Exists' as const, effect: 'NoSchedule' as const }] : undefined);
    const router = props.router ?? LlmRouter.none();
    const ns = Chart.of(this).namespace;

    this.resource = new kserve.LlmInferenceService(this, 'Resource', {
      metadata: { name: this.serviceName },
      spec: {
        model: { uri: binding.storageUri, name: modelName },
        replicas,
        router: router.managed
          ? {
              route: {},
              gateway: { refs: router.gateways.map((g) => ({ name: g.gatewayName, namespace: g.gatewayNamespace ?? ns })) },
            }
          : undefined,
        template: {
          securityContext: security.pod(),
          automountServiceAccountToken: false,
          serviceAccountName: binding.serviceAccount?.serviceAccountName,
          nodeSelector: props.nodeSelector,
          tolerations: tolerations?.map((t) => ({ key: t.key, operator: t.operator ?? 'Exists', value: t.value, effect: t.effect })),
          containers: [toL1Shape<kserve.LlmInferenceServiceSpecTemplateContainers>(main)],
          volumes: security.readOnlyRoot ? [{ ...TMP_VOLUME }] : undefined,
        },
      },
    });
  }
}
