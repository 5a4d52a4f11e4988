import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as llmd from '../../imports/llmd-llm-d.ai';
import { invalid } from '../core/errors';
import { assertDnsSubdomain, checkedAnnotations } from '../core/names';
import { assertInteger, INT32_MAX } from '../core/props';
import { checkProps, childPath, requireShape } from '../core/prop-types';
import { checkedRecord } from '../core/records';
import { INFERENCE_POOL_GROUP, InferencePool } from './inference-pool';

/** Props of {@link InferenceObjective}. */
export interface InferenceObjectiveProps {
  /**
   * `metadata.name`: what requests name in the `x-gateway-inference-objective`
   * header to get this objective. A DNS-1123 subdomain. @default - the construct id
   */
  readonly name?: string;
  /** `spec.poolRef`: the pool whose picker applies the objective (same namespace). */
  readonly pool: InferencePool;
  /**
   * `spec.priority`: higher is served first when the pool is saturated and
   * requests queue; negative values are sheddable. An int32.
   * @default - unset, which the picker treats as 0
   */
  readonly priority?: number;
  /** `metadata.labels`. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * An llm-d `InferenceObjective` (`llm-d.ai/v1alpha2`): the serving objective
 * (priority) of the requests that name it, applied by the pool's endpoint
 * picker in its flow control. Successor of GAIE's
 * `inference.networking.x-k8s.io` InferenceObjective (removed in GAIE v1.6.0).
 *
 * @throws ModelServingError for a pool in another namespace, a priority that is not an int32, a bad name
 * @see https://github.com/llm-d/llm-d-router/blob/v0.10.0/config/crd/bases/llm-d.ai_inferenceobjectives.yaml
 */
export class InferenceObjective extends Construct {
  /** `metadata.name`. */
  public readonly objectiveName: string;
  /** `spec.priority`, when set. */
  public readonly priority?: number;
  /** The L1 object. */
  public readonly resource: llmd.InferenceObjective;

  public constructor(scope: Construct, id: string, props: InferenceObjectiveProps) {
    checkProps(childPath(scope, id), props, 'InferenceObjectiveProps');
    super(scope, id);
    this.objectiveName = assertDnsSubdomain(this, 'name', props.name ?? id);
    const pool = samePool(this, props.pool);
    if (props.priority !== undefined) this.priority = assertInteger(this, 'priority', props.priority, { min: -INT32_MAX - 1, max: INT32_MAX, type: 'int32', fix: 'use e.g. 10 for interactive traffic, -10 for sheddable batch' });
    this.resource = new llmd.InferenceObjective(this, 'Resource', {
      metadata: { name: this.objectiveName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedAnnotations(this, props.annotations) },
      spec: { priority: this.priority, poolRef: { group: INFERENCE_POOL_GROUP, kind: 'InferencePool', name: pool.poolName } },
    });
  }
}

/**
 * The pool, checked: an InferencePool of the same namespace (`poolRef` has
 * no namespace field: it names a pool of the referrer's namespace).
 *
 * @throws ModelServingError otherwise
 */
export function samePool(scope: Construct, pool: unknown): InferencePool {
  const p = requireShape(scope, 'pool', pool, (v): v is InferencePool => InferencePool.isInferencePool(v), 'an InferencePool', 'pass the InferencePool construct');
  const ns = Chart.of(scope).namespace;
  if (ns !== p.poolNamespace) {
    invalid(scope, 'pool', `is in namespace ${p.poolNamespace}, but poolRef names a pool of this object's namespace (${ns ?? 'none'})`, p.poolName, `create this object in the Namespace chart ${p.poolNamespace}`);
  }
  return p;
}
