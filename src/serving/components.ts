import { ContainerOptions } from '../core/container';
import { WorkloadSecurity } from '../core/security';

/**
 * Props of a transformer or explainer: one container plus its replicas.
 * Without probes of its own, the container gets TCP readiness/liveness
 * checks on its port (8080 by default) and a 5-minute startup allowance.
 */
export interface ComponentProps extends ContainerOptions {
  /** `minReplicas`. @default 1 */
  readonly minReplicas?: number;
  /** `maxReplicas`. @default - equal to minReplicas */
  readonly maxReplicas?: number;
  /** Container security. @default WorkloadSecurity.RESTRICTED */
  readonly security?: WorkloadSecurity;
}

/**
 * An InferenceService transformer (`spec.transformer`): a custom container
 * that pre- and post-processes requests before the predictor. The library
 * sets `PREDICTOR_HOST` to the predictor Service, and routes reach the
 * transformer first.
 *
 * @see https://kserve.github.io/website/docs/model-serving/predictive-inference/transformers/custom-transformer
 */
export class Transformer {
  /** A transformer running `props.image` (pinned). */
  public static container(props: ComponentProps): Transformer {
    return new Transformer(props);
  }

  private constructor(
    /** The container and replicas. */
    public readonly props: ComponentProps,
  ) {}
}

/**
 * An InferenceService explainer (`spec.explainer`): a custom container that
 * answers `:explain` requests.
 *
 * @see https://kserve.github.io/website/docs/model-serving/predictive-inference/explainers/
 */
export class Explainer {
  /** An explainer running `props.image` (pinned). */
  public static container(props: ComponentProps): Explainer {
    return new Explainer(props);
  }

  private constructor(
    /** The container and replicas. */
    public readonly props: ComponentProps,
  ) {}
}
