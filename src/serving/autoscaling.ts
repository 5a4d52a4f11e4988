import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as kserve from '../../imports/kserve-serving.kserve.io';

/** KServe's `predictor.scaleMetric` values (the generated L1 enum), as {@link AutoscalingBinding.scaleMetric} carries them. */
export { InferenceServiceSpecPredictorScaleMetric as ScaleMetric } from '../../imports/kserve-serving.kserve.io';
import { invalid } from '../core/errors';
import { assertInteger, assertKnownKeys, assertOneOf, INT32_MAX, keysOf } from '../core/props';
import { DeploymentMode } from './model-format';

/** What an {@link Autoscaling} choice contributes to an InferenceService. */
export interface AutoscalingBinding {
  /** `predictor.scaleMetric`. */
  readonly scaleMetric?: kserve.InferenceServiceSpecPredictorScaleMetric;
  /** `predictor.scaleTarget`. */
  readonly scaleTarget?: number;
  /** `predictor.autoScaling` (KEDA external metrics). */
  readonly autoScaling?: kserve.InferenceServiceSpecPredictorAutoScaling;
  /** Annotations on the InferenceService (`autoscaling.knative.dev/*`, `serving.kserve.io/autoscalerClass`). */
  readonly annotations?: Record<string, string>;
}

/** Options of {@link Autoscaling.knative}. */
export interface KnativeAutoscalingOptions {
  /** `autoscaling.knative.dev/metric`. @default 'concurrency' */
  readonly metric?: 'concurrency' | 'rps';
  /** `autoscaling.knative.dev/target`: in-flight requests (concurrency) or requests per second per replica. */
  readonly target: number;
  /** `autoscaling.knative.dev/window`: the stable window, 6 s to 1 h. @default - Knative default (60 s) */
  readonly window?: Duration;
}

/** Options of {@link Autoscaling.keda}. */
export interface KedaAutoscalingOptions {
  /** Prometheus server address, e.g. `http://prometheus.monitoring:9090`. */
  readonly serverAddress: string;
  /** PromQL query whose value drives scaling. */
  readonly query: string;
  /** Target value per replica (`target.value`). */
  readonly threshold: string;
}

/**
 * How an InferenceService scales between its min and max replicas. Some
 * choices exist in one deployment mode only: Knative scales on concurrency
 * or requests per second, Standard mode on CPU/memory (HPA) or on any
 * Prometheus query through KEDA.
 *
 * @see https://kserve.github.io/website/docs/model-serving/predictive-inference/autoscaling/
 */
export class Autoscaling {
  /** Scale on in-flight requests per replica (Knative mode). */
  public static concurrency(target: number): Autoscaling {
    return new Autoscaling('concurrency', (scope, mode) => {
      positive(scope, 'autoscaling.target', target);
      knativeOnly(scope, mode, 'concurrency');
      return { scaleMetric: kserve.InferenceServiceSpecPredictorScaleMetric.CONCURRENCY, scaleTarget: target };
    });
  }

  /** Scale on requests per second per replica (Knative mode). */
  public static rps(target: number): Autoscaling {
    return new Autoscaling('rps', (scope, mode) => {
      positive(scope, 'autoscaling.target', target);
      knativeOnly(scope, mode, 'rps');
      return { scaleMetric: kserve.InferenceServiceSpecPredictorScaleMetric.RPS, scaleTarget: target };
    });
  }

  /** Scale on CPU utilization, percent of the CPU request (HPA). */
  public static cpu(utilizationPercent: number): Autoscaling {
    return new Autoscaling('cpu', (scope) => {
      percent(scope, utilizationPercent);
      return { scaleMetric: kserve.InferenceServiceSpecPredictorScaleMetric.CPU, scaleTarget: utilizationPercent };
    });
  }

  /** Scale on memory utilization, percent of the memory request (HPA, Standard mode). */
  public static memory(utilizationPercent: number): Autoscaling {
    return new Autoscaling('memory', (scope, mode) => {
      percent(scope, utilizationPercent);
      if (mode === DeploymentMode.KNATIVE) invalid(scope, 'autoscaling', 'memory scaling needs the HPA autoscaler of Standard mode', 'memory', 'use Autoscaling.concurrency() in Knative mode, or DeploymentMode.STANDARD');
      return { scaleMetric: kserve.InferenceServiceSpecPredictorScaleMetric.MEMORY, scaleTarget: utilizationPercent };
    });
  }

  /**
   * Knative Pod Autoscaler settings as `autoscaling.knative.dev/*`
   * annotations (Knative mode); min/max scale come from min/maxReplicas.
   */
  public static knative(options: KnativeAutoscalingOptions): Autoscaling {
    return new Autoscaling('knative', (scope, mode) => {
      assertKnownKeys(scope, 'autoscaling', options, keysOf<KnativeAutoscalingOptions>({ metric: true, target: true, window: true }));
      knativeOnly(scope, mode, 'knative');
      if (options.metric !== undefined) assertOneOf(scope, 'autoscaling.metric', options.metric, ['concurrency', 'rps']);
      positive(scope, 'autoscaling.target', options.target);
      const annotations: Record<string, string> = {
        'autoscaling.knative.dev/metric': options.metric ?? 'concurrency',
        'autoscaling.knative.dev/target': String(options.target),
      };
      if (options.window) {
        const s = options.window.toSeconds();
        if (s < 6 || s > 3600) invalid(scope, 'autoscaling.window', 'must be between 6s and 1h', `${s}s`, 'use e.g. Duration.seconds(60)');
        annotations['autoscaling.knative.dev/window'] = `${s}s`;
      }
      return { annotations };
    });
  }

  /**
   * KEDA scaling on a Prometheus query (Standard mode): KServe creates a
   * ScaledObject from `predictor.autoScaling.metrics[].external`.
   */
  public static keda(options: KedaAutoscalingOptions): Autoscaling {
    return new Autoscaling('keda', (scope, mode) => {
      assertKnownKeys(scope, 'autoscaling', options, keysOf<KedaAutoscalingOptions>({ serverAddress: true, query: true, threshold: true }));
      if (mode !== DeploymentMode.STANDARD) invalid(scope, 'autoscaling', 'KEDA scaling is available in Standard mode only', 'keda', 'use DeploymentMode.STANDARD, or Autoscaling.knative() in Knative mode');
      if (!/^https?:\/\/\S+$/.test(options.serverAddress)) invalid(scope, 'autoscaling.serverAddress', 'must be an http(s) URL', options.serverAddress, 'use e.g. http://prometheus.monitoring:9090');
      if (options.query.trim().length === 0) invalid(scope, 'autoscaling.query', 'must be a PromQL query', options.query, 'give the query that measures load');
      return {
        annotations: { 'serving.kserve.io/autoscalerClass': 'keda' },
        autoScaling: {
          metrics: [
            {
              type: kserve.InferenceServiceSpecPredictorAutoScalingMetricsType.EXTERNAL,
              external: {
                metric: { backend: kserve.InferenceServiceSpecPredictorAutoScalingMetricsExternalMetricBackend.PROMETHEUS, serverAddress: options.serverAddress, query: options.query },
                target: { type: kserve.InferenceServiceSpecPredictorAutoScalingMetricsExternalTargetType.VALUE, value: { value: options.threshold } as unknown as kserve.InferenceServiceSpecPredictorAutoScalingMetricsExternalTargetValue },
              },
            },
          ],
        },
      };
    });
  }

  private constructor(
    /** The kind of scaling. */
    public readonly kind: string,
    private readonly binder: (scope: IConstruct, mode: DeploymentMode) => AutoscalingBinding,
  ) {}

  /** Checks the choice against the deployment mode and returns what to render. */
  public bind(scope: IConstruct, mode: DeploymentMode): AutoscalingBinding {
    return this.binder(scope, mode);
  }
}

/** A scale target: `predictor.scaleTarget` is int32 in the InferenceService CRD (format int32), as is Knative's target. */
function positive(scope: IConstruct, field: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) invalid(scope, field, 'must be a positive integer', n, 'use e.g. 10');
  assertInteger(scope, field, n, { min: 1, max: INT32_MAX, type: 'int32: spec.predictor.scaleTarget', fix: 'use the load one replica handles, e.g. 10' });
}

function percent(scope: IConstruct, n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 100) invalid(scope, 'autoscaling.utilizationPercent', 'must be an integer between 1 and 100', n, 'use e.g. 70');
}

function knativeOnly(scope: IConstruct, mode: DeploymentMode, what: string): void {
  if (mode !== DeploymentMode.KNATIVE) {
    invalid(scope, 'autoscaling', `${what} scaling is available in Knative mode only (Standard mode scales with an HPA on CPU/memory or with KEDA)`, what, 'use Autoscaling.cpu(), Autoscaling.keda(), or deploymentMode: DeploymentMode.KNATIVE');
  }
}
