import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as kserve from '../../imports/kserve-serving.kserve.io';
import { invalid } from '../core/errors';
import { assertDnsSubdomain } from '../core/names';
import { checkProps, childPath, hasMethod, isPlainObject, optionalShape, requireShape } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import { WorkloadSecurity } from '../core/security';
import { withPlainSpec } from './llm-plain-spec';
import { LlmRouter } from './llm-router';
import { LlmTracing, renderTracing } from './llm-tracing';
import { LlmConfigWorkload, WORKLOAD_KEYS } from './llm-workload';
import { LLM_GPU_SECURITY, LlmWorkloadWriter, needsWritableRoot } from './llm-workload-spec';

/**
 * The namespace KServe also looks `baseRefs` up in when the
 * LLMInferenceService's own namespace has no config of that name: KServe's
 * install namespace, `kserve` unless its controller runs elsewhere
 * (kserve v0.20.0 pkg/controller/v1alpha2/llmisvc/config_merge.go getConfig,
 * pkg/constants KServeNamespace).
 */
export const KSERVE_NAMESPACE = 'kserve';

/**
 * Props of {@link LlmInferenceServiceConfig}: the parts of an
 * LLMInferenceService spec the config sets, each optional, with the same
 * shapes, checks and secure defaults as on `LlmInferenceService` (the
 * top-level workload fields are those of {@link LlmConfigWorkload}:
 * `replicas` or `scaling`, `parallelism`, `container`, `nodeSelector`,
 * `tolerations`, `serviceAccount`, `worker`, `kvCacheOffloading`,
 * `podLabels`, `podAnnotations`).
 */
export interface LlmInferenceServiceConfigProps extends LlmConfigWorkload {
  /** `metadata.name`, by which LLMInferenceServices' `baseRefs` reach it (a DNS-1123 subdomain). @default - the construct id */
  readonly name?: string;
  /** `spec.storageInitializer.enabled`: `false` skips the model download for every LLMInferenceService using the config. @default - unset (KServe's: enabled) */
  readonly storageInitializer?: boolean;
  /** `spec.prefill`: the prefill workload's part (a service using the config is split into prefill and decode). @default - none */
  readonly prefill?: LlmConfigWorkload;
  /** `spec.tracing`: OpenTelemetry tracing of vLLM and the scheduler. @default - none */
  readonly tracing?: LlmTracing;
  /**
   * `spec.router`: a managed route (`LlmRouter.managed`: gateways,
   * scheduler, inline rules, group) for every service using the config.
   * Names that depend on the service are written as KServe's templates
   * (`{{ ChildName .ObjectMeta.Name "-epp-service" }}`), which KServe fills
   * in per service; the scheduler pool's selector is left for KServe to
   * fill. A service using the config takes its router as its own (its
   * NetworkPolicies, names and checks) and must not set one itself.
   * @default - none
   */
  readonly router?: LlmRouter;
  /**
   * Security of the pods the config writes (template, worker, prefill).
   * @default {@link LLM_GPU_SECURITY} when a workload requests NVIDIA GPUs or
   *   has workers, else WorkloadSecurity.RESTRICTED (as on an LlmInferenceService)
   */
  readonly security?: WorkloadSecurity;
}

const PROPS_KEYS = [...WORKLOAD_KEYS, ...keysOf<Omit<LlmInferenceServiceConfigProps, keyof LlmConfigWorkload>>({ name: true, storageInitializer: true, prefill: true, tracing: true, router: true, security: true })];

/** KServe's templates for the names a config cannot know (kserve v0.20.0 config_merge.go ReplaceVariables: the merged config is a Go template over the LLMInferenceService). */
const CHILD_NAME = (suffix: string) => `{{ ChildName .ObjectMeta.Name \`${suffix}\` }}`;

/**
 * A KServe `LLMInferenceServiceConfig` (serving.kserve.io/v1alpha2, the
 * storage version): a reusable part of an LLMInferenceService spec, which
 * LLMInferenceServices name in `baseRefs` (`LlmInferenceService` prop
 * `baseRefs` takes these objects). It writes its spec with the same code as
 * `LlmInferenceService` (workloads, prefill, router, tracing).
 *
 * How KServe merges (kserve v0.20.0
 * pkg/controller/v1alpha2/llmisvc/config_merge.go combineBaseRefsConfig,
 * MergeSpecs): it first merges the `baseRefs` into the service's spec to
 * learn what is enabled, then picks its well-known configs
 * (`kserve-config-llm-scheduler` with a scheduler that has no pool ref,
 * `kserve-config-llm-router-route` with a managed route, `-tracing` with
 * tracing, then the workload template: `-template`, or
 * `-decode-template` and `-prefill-template` with prefill, or the
 * `-worker-data-parallel` ones with workers), and merges, later winning:
 * the well-known configs, then the `baseRefs` in order, then the service's
 * own spec. Each merge is a strategic merge patch of the fields set:
 * containers merge by name, other lists (route rules, hostnames, args)
 * are replaced whole. Configs are looked up in the service's namespace,
 * then in KServe's ({@link KSERVE_NAMESPACE}).
 *
 * It has no `baseRefs` of its own: KServe's webhook forbids them
 * (kserve v0.20.0 pkg/apis/serving/v1alpha1/llm_inference_service_config_validation.go,
 * "support for recursive refs has been disabled").
 *
 * @see https://kserve.github.io/website/docs/model-serving/generative-inference/llmisvc/llmisvc-configuration
 * @throws ModelServingError for an empty config, a container named other
 *   than `main`, an `LlmRouter.httpRoutes` router (its routes belong to one
 *   service), an inline route spec without rules (KServe's preset paths
 *   name each service), and the checks of each field as on LlmInferenceService
 */
export class LlmInferenceServiceConfig extends Construct {
  /** `metadata.name`. */
  public readonly configName: string;
  /** The L1 object. */
  public readonly resource: kserve.LlmInferenceServiceConfig;
  /** `spec.router`, which services using the config take as theirs. */
  public readonly router?: LlmRouter;
  /** Whether the config sets `prefill` (services using it are split into prefill and decode). */
  public readonly hasPrefill: boolean;
  /** Whether the config sets `worker` (multi-node main workload). */
  public readonly hasWorker: boolean;
  /** Whether the config sets `prefill.worker` (multi-node prefill workload). */
  public readonly hasPrefillWorker: boolean;

  public constructor(scope: Construct, id: string, props: LlmInferenceServiceConfigProps = {}) {
    checkProps(childPath(scope, id), props, 'LlmInferenceServiceConfigProps', true);
    super(scope, id);
    props = props ?? {};
    assertKnownKeys(this, '', props, PROPS_KEYS);
    this.configName = assertDnsSubdomain(this, 'name', props.name ?? id);
    const security = optionalShape(this, 'security', props.security, (v): v is WorkloadSecurity => hasMethod(v, 'check'), 'a WorkloadSecurity', 'use WorkloadSecurity.RESTRICTED') ?? (needsWritableRoot(props) ? LLM_GPU_SECURITY : WorkloadSecurity.RESTRICTED);
    security.check(this, 'security');
    if (props.storageInitializer !== undefined && typeof props.storageInitializer !== 'boolean') invalid(this, 'storageInitializer', 'must be a boolean', props.storageInitializer, 'use false to skip the model download, or leave it out');
    for (const [field, w] of [['', props], ['prefill.', props.prefill]] as const) {
      const c = (w as LlmConfigWorkload | undefined)?.container as unknown;
      if (isPlainObject(c) && 'name' in c) invalid(this, `${field}container.name`, "is always 'main' (the container KServe merges the config into)", c.name, 'leave name out');
    }
    const writer = new LlmWorkloadWriter(this, true);
    const main = writer.workload('', props, {}, security);
    let prefill: Record<string, unknown> | undefined;
    if (props.prefill !== undefined) {
      if (!isPlainObject(props.prefill)) invalid(this, 'prefill', 'must be an object of LlmConfigWorkload', props.prefill, 'pass prefill: { replicas: 2 }');
      assertKnownKeys(this, 'prefill', props.prefill, WORKLOAD_KEYS);
      prefill = writer.workload('prefill.', props.prefill, {}, security);
    }
    this.hasPrefill = props.prefill !== undefined;
    this.hasWorker = props.worker !== undefined;
    this.hasPrefillWorker = props.prefill?.worker !== undefined;
    const router = props.router === undefined ? undefined : requireShape(this, 'router', props.router, (v): v is LlmRouter => v instanceof LlmRouter, 'an LlmRouter', 'use LlmRouter.managed(...)');
    if (router && router.mode === 'refs') invalid(this, 'router', "is LlmRouter.httpRoutes, whose HTTPRoutes refer to one service: a config's would be shared by every service using it", 'LlmRouter.httpRoutes', 'give LlmRouter.httpRoutes to the LlmInferenceService itself');
    if (router && router.inlineSpec && router.rules === undefined) {
      invalid(this, 'router.rules', "are needed with an inline route spec (hostnames or parents) in a config: the CRD defaults a missing rules list to one catch-all rule without backends, and KServe's preset path rules name each service (/<namespace>/<name>/v1/...)", undefined, 'pass rules to LlmRouter.managed, or give the hostnames on each LlmInferenceService');
    }
    this.router = router;
    const ns = Chart.of(this).namespace;
    const renderRouter = () =>
      router?.render(
        { scope: this, namespace: ns, poolSelector: {}, endpointPickerServiceName: CHILD_NAME('-epp-service'), port: 8000 },
        { namespace: ns, name: '{{ .ObjectMeta.Name }}', modelName: '{{ .Spec.Model.Name }}', poolName: CHILD_NAME('-inference-pool'), workloadServiceName: CHILD_NAME('-kserve-workload-svc'), port: 8000 },
      );
    const spec: Record<string, unknown> = {
      storageInitializer: props.storageInitializer === undefined ? undefined : { enabled: props.storageInitializer },
      ...main,
      prefill,
      tracing: renderTracing(this, 'tracing', props.tracing),
      router: renderRouter(),
    };
    if (Object.values(spec).every((v) => v === undefined)) {
      invalid(this, '', 'sets nothing: an empty config changes no LLMInferenceService', props, 'give container, replicas, scaling, parallelism, worker, prefill, kvCacheOffloading, tracing, router or storageInitializer');
    }
    this.resource = withPlainSpec(kserve.LlmInferenceServiceConfig, this, 'Resource', { metadata: { name: this.configName } }, () => ({ ...spec, router: renderRouter() }));
    if (spec.template || spec.worker || prefill) security.waive(this.resource);
  }

  /** The config's namespace (its chart's). */
  public get configNamespace(): string | undefined {
    return Chart.of(this).namespace;
  }
}
