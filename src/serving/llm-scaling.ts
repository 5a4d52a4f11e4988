import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { wholeSeconds } from '../core/duration';
import { invalid } from '../core/errors';
import { isPlainObject } from '../core/prop-types';
import { assertInteger, assertKnownKeys, INT32_MAX, keysOf } from '../core/props';

/** The replica range of {@link LlmScaling}. */
export interface LlmScalingRange {
  /** `minReplicas`: the floor while scaling is active, an int32 >= 1, at most `maxReplicas`. @default 1 (the CRD's) */
  readonly minReplicas?: number;
  /** `maxReplicas`: the ceiling, an int32 >= 1. */
  readonly maxReplicas: number;
  /**
   * `wva.variantCost`: the cost of one replica of this variant in WVA's
   * saturation analysis, a non-negative decimal written as a string
   * (`'10'`, `'0.5'`).
   * @default '10.0' (the CRD's)
   */
  readonly variantCost?: string;
}

/** Options of {@link LlmScaling.hpa}. */
export interface LlmHpaScalingOptions extends LlmScalingRange {
  /**
   * `wva.hpa.behavior.scaleDown.stabilizationWindowSeconds`: how long the
   * HPA waits before removing replicas (whole seconds, 0 to 3600).
   * @default - the HPA's (300 s)
   */
  readonly scaleDownStabilization?: Duration;
  /**
   * `wva.hpa.behavior.scaleUp.stabilizationWindowSeconds` (whole seconds, 0 to 3600).
   * @default - the HPA's (0 s)
   */
  readonly scaleUpStabilization?: Duration;
}

/** Options of {@link LlmScaling.keda}. */
export interface LlmKedaScalingOptions extends LlmScalingRange {
  /** `wva.keda.pollingInterval`: how often KEDA checks the trigger (whole seconds >= 1). @default - KEDA's (30 s) */
  readonly pollingInterval?: Duration;
  /** `wva.keda.cooldownPeriod`: wait after the last active trigger before scaling to the floor (whole seconds >= 0). @default - KEDA's (300 s) */
  readonly cooldownPeriod?: Duration;
  /** `wva.keda.initialCooldownPeriod`: wait after creation before KEDA evaluates (whole seconds >= 0; covers model loading). @default - KEDA's (0 s) */
  readonly initialCooldownPeriod?: Duration;
  /**
   * `wva.keda.idleReplicaCount`: replicas kept while no trigger is active,
   * an int32 >= 1 below `minReplicas` (which must then be set).
   * @default - none: KEDA never goes below minReplicas
   */
  readonly idleReplicas?: number;
  /**
   * `wva.keda.fallback`: replicas held after `failureThreshold` failed
   * reads of the metric (Prometheus or WVA down).
   * @default - none
   */
  readonly fallback?: { readonly failureThreshold: number; readonly replicas: number };
}

/** The actuator WVA drives (`wva.hpa` or `wva.keda`). */
export enum LlmScalingActuator {
  /** A HorizontalPodAutoscaler reading `wva_desired_replicas` through a Prometheus Adapter (external metrics API). */
  HPA = 'hpa',
  /** A KEDA ScaledObject querying Prometheus directly for `wva_desired_replicas`. */
  KEDA = 'keda',
}

/**
 * Autoscaling of an LLMInferenceService workload (`spec.scaling` or
 * `spec.prefill.scaling`): KServe creates a Workload Variant Autoscaler
 * `VariantAutoscaling`, a ServiceMonitor, and the actuator, an HPA or a KEDA
 * ScaledObject, which scale on inference metrics (KV-cache use, queue
 * depth) rather than CPU. Mutually exclusive with `replicas`.
 *
 * Checks what KServe's webhook and CRD check (min <= max, idle replicas
 * below min and min set, the variant cost a decimal).
 *
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_types.go (ScalingSpec, WVASpec, ActuatorSpec)
 * @see https://github.com/kserve/kserve/blob/v0.20.0/pkg/apis/serving/v1alpha2/llm_inference_service_validation.go (ValidateWorkloadScaling)
 */
export class LlmScaling {
  /**
   * WVA with an HPA actuator. Needs a Prometheus Adapter serving
   * `wva_desired_replicas` on the external metrics API; without it the HPA
   * stops scaling silently (KEDA does not need one).
   *
   * @throws ModelServingError for a bad range, variant cost or window
   */
  public static hpa(options: LlmHpaScalingOptions): LlmScaling {
    const where = 'LlmScaling.hpa';
    if (!isPlainObject(options)) invalid(where, 'options', 'must be an object', options, 'pass { maxReplicas: 4 }');
    assertKnownKeys(where, 'options', options, keysOf<LlmHpaScalingOptions>({ minReplicas: true, maxReplicas: true, variantCost: true, scaleDownStabilization: true, scaleUpStabilization: true }));
    const range = checkRange(where, options);
    const window = (d: Duration | undefined, field: string) => wholeSeconds(where, field, d, { max: 3600, example: 'Duration.minutes(5)', limit: 'HPA stabilizationWindowSeconds' });
    const down = window(options.scaleDownStabilization, 'scaleDownStabilization');
    const up = window(options.scaleUpStabilization, 'scaleUpStabilization');
    const behavior =
      down === undefined && up === undefined
        ? undefined
        : { scaleDown: down === undefined ? undefined : { stabilizationWindowSeconds: down }, scaleUp: up === undefined ? undefined : { stabilizationWindowSeconds: up } };
    return new LlmScaling(LlmScalingActuator.HPA, range.min, range.max, { ...range.wva, hpa: behavior ? { behavior } : {} }, options.minReplicas);
  }

  /**
   * WVA with a KEDA ScaledObject actuator (KEDA reads Prometheus itself, at
   * the URL of KServe's `autoscaling-wva-controller-config`).
   *
   * @throws ModelServingError for a bad range, variant cost, period,
   *   idle replicas not below minReplicas (or without minReplicas), or fallback
   */
  public static keda(options: LlmKedaScalingOptions): LlmScaling {
    const where = 'LlmScaling.keda';
    if (!isPlainObject(options)) invalid(where, 'options', 'must be an object', options, 'pass { maxReplicas: 4 }');
    assertKnownKeys(
      where,
      'options',
      options,
      keysOf<LlmKedaScalingOptions>({ minReplicas: true, maxReplicas: true, variantCost: true, pollingInterval: true, cooldownPeriod: true, initialCooldownPeriod: true, idleReplicas: true, fallback: true }),
    );
    const range = checkRange(where, options);
    const pollingInterval = wholeSeconds(where, 'pollingInterval', options.pollingInterval, { min: 1, example: 'Duration.seconds(30)', limit: 'wva.keda.pollingInterval minimum 1' });
    const cooldownPeriod = wholeSeconds(where, 'cooldownPeriod', options.cooldownPeriod, { example: 'Duration.minutes(5)' });
    const initialCooldownPeriod = wholeSeconds(where, 'initialCooldownPeriod', options.initialCooldownPeriod, { example: 'Duration.minutes(10)' });
    let idleReplicaCount: number | undefined;
    if (options.idleReplicas !== undefined) {
      idleReplicaCount = assertInteger(where, 'idleReplicas', options.idleReplicas, { min: 1, max: INT32_MAX, type: 'int32 >= 1: wva.keda.idleReplicaCount', fix: 'use 1 or more, below minReplicas' });
      // CRD rules on ScalingSpec and ValidateWorkloadScaling: idleReplicaCount needs minReplicas and stays below it.
      if (options.minReplicas === undefined) invalid(where, 'minReplicas', 'is required with idleReplicas (KServe: idleReplicaCount must be less than minReplicas)', undefined, `set minReplicas above ${idleReplicaCount}`);
      if (idleReplicaCount >= range.min) invalid(where, 'idleReplicas', `must be less than minReplicas (${range.min}): it is the floor while no trigger is active`, idleReplicaCount, `use at most ${range.min - 1}, or raise minReplicas`);
    }
    let fallback: { failureThreshold: number; replicas: number } | undefined;
    if (options.fallback !== undefined) {
      if (!isPlainObject(options.fallback)) invalid(where, 'fallback', 'must be an object', options.fallback, 'pass { failureThreshold: 3, replicas: 2 }');
      assertKnownKeys(where, 'fallback', options.fallback, ['failureThreshold', 'replicas']);
      fallback = {
        failureThreshold: assertInteger(where, 'fallback.failureThreshold', options.fallback.failureThreshold, { min: 0, max: INT32_MAX, type: 'int32: KEDA Fallback.failureThreshold', fix: 'use e.g. 3' }),
        replicas: assertInteger(where, 'fallback.replicas', options.fallback.replicas, { min: 0, max: INT32_MAX, type: 'int32: KEDA Fallback.replicas', fix: `use a count between ${range.min} and ${range.max}` }),
      };
    }
    return new LlmScaling(LlmScalingActuator.KEDA, range.min, range.max, { ...range.wva, keda: { pollingInterval, cooldownPeriod, initialCooldownPeriod, idleReplicaCount, fallback } }, options.minReplicas);
  }

  private constructor(
    /** The actuator. */
    public readonly actuator: LlmScalingActuator,
    /** The effective `minReplicas`. */
    public readonly minReplicas: number,
    /** `maxReplicas`. */
    public readonly maxReplicas: number,
    private readonly wva: Record<string, unknown>,
    private readonly explicitMin?: number,
  ) {}

  /** The rendered `scaling` object. */
  public render(): Record<string, unknown> {
    return { minReplicas: this.explicitMin, maxReplicas: this.maxReplicas, wva: this.wva };
  }
}

const VARIANT_COST = /^\d+(\.\d+)?$/;

function checkRange(where: string | IConstruct, r: LlmScalingRange): { min: number; max: number; wva: Record<string, unknown> } {
  const max = assertInteger(where, 'maxReplicas', r.maxReplicas, { min: 1, max: INT32_MAX, type: 'int32 >= 1: scaling.maxReplicas', fix: 'use 1 or more' });
  const min = r.minReplicas === undefined ? 1 : assertInteger(where, 'minReplicas', r.minReplicas, { min: 1, max: INT32_MAX, type: 'int32 >= 1: scaling.minReplicas', fix: 'use 1 or more' });
  // KServe's CRD rule and webhook: "minReplicas cannot exceed maxReplicas".
  if (min > max) invalid(where, 'minReplicas', `cannot exceed maxReplicas (${max})`, min, `use at most ${max}, or raise maxReplicas`);
  if (r.variantCost !== undefined && (typeof r.variantCost !== 'string' || !VARIANT_COST.test(r.variantCost))) {
    invalid(where, 'variantCost', 'must be a non-negative decimal written as a string (KServe wva.variantCost pattern ^\\d+(\\.\\d+)?$)', r.variantCost, "use e.g. '10' or '0.5'");
  }
  return { min, max, wva: r.variantCost === undefined ? {} : { variantCost: r.variantCost } };
}
