import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as ext from '../../../imports/kuadrantext-extensions.kuadrant.io';
import { errorMessage, invalid } from '../../core/errors';
import { assertDnsSubdomain, checkedAnnotations } from '../../core/names';
import { PolicyTarget, TARGET_FIX } from './policy-target';
import { checkedRecord } from '../../core/records';
import { checkProps, childPath, requireWith } from '../../core/prop-types';

/** Props of {@link TelemetryPolicy}. */
export interface TelemetryPolicyProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.targetRef`: a Gateway (or one listener) in the policy's namespace. */
  readonly target: PolicyTarget;
  /**
   * `spec.metrics.default.labels`: metric label name to CEL expression over
   * Kuadrant's well-known attributes (e.g. `user: auth.identity.userid`,
   * `model: responseBodyJSON("/model")`). At least one, in total with
   * `addMetricLabel()`.
   * @default - none
   */
  readonly metricLabels?: Readonly<Record<string, string>>;
  /** `metadata.labels`. @default - the platform labels only */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * Kuadrant's `TelemetryPolicy` (extensions.kuadrant.io/v1alpha1): extra
 * labels on the gateway's request metrics, computed per request from CEL
 * expressions (user, tier, model...), for usage reports and chargeback.
 *
 * ```ts
 * new TelemetryPolicy(gatewayNs, 'usage', { target: PolicyTarget.gateway(gateway), metricLabels: { user: 'auth.identity.userid', tier: 'auth.identity.tier' } });
 * ```
 *
 * @see https://docs.kuadrant.io/latest/kuadrant-operator/doc/reference/telemetrypolicy/
 */
export class TelemetryPolicy extends Construct {
  /** `metadata.name`. */
  public readonly policyName: string;
  /** The L1 object. */
  public readonly resource: ext.TelemetryPolicy;
  private readonly metricLabels = new Map<string, string>();

  public constructor(scope: Construct, id: string, props: TelemetryPolicyProps) {
    checkProps(childPath(scope, id), props, 'TelemetryPolicyProps');
    super(scope, id);
    this.policyName = assertDnsSubdomain(this, 'name', props.name ?? id);
    requireWith(this, 'target', props.target, 'check', 'a PolicyTarget', TARGET_FIX);
    props.target.check(this, ['Gateway'], Chart.of(this).namespace);
    const target = props.target.render();
    this.resource = new ext.TelemetryPolicy(this, 'Resource', {
      metadata: { name: this.policyName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedAnnotations(this, props.annotations) },
      spec: {
        targetRef: target,
        metrics: { default: { labels: Lazy.any({ produce: () => Object.fromEntries([...this.metricLabels.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) }) as unknown as Record<string, string> } },
      },
    });
    for (const [name, expression] of Object.entries(checkedRecord(this, 'metricLabels', props.metricLabels) ?? {})) this.addMetricLabel(name, expression);
    this.node.addValidation({
      validate: () => (this.metricLabels.size === 0 ? [errorMessage(this, 'spec.metrics.default.labels', 'must have at least one label', {}, "call addMetricLabel('user', 'auth.identity.userid').")] : []),
    });
  }

  /**
   * Adds metric label `name`, computed from the CEL `expression`.
   *
   * @throws ModelServingError for a duplicate or non-Prometheus label name, or an empty expression
   * @returns the expression
   */
  public addMetricLabel(name: string, expression: string): string {
    checkedRecord(this, 'metricLabels', { [name]: expression });
    if (typeof name !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name.startsWith('__')) {
      invalid(this, 'metrics.default.labels', 'needs Prometheus label names ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)', name, 'use e.g. "user" or "cost_center"');
    }
    if (this.metricLabels.has(name)) invalid(this, `metrics.default.labels.${name}`, 'is defined twice', name, 'give each label a unique name');
    if (typeof expression !== 'string' || expression.trim() === '') invalid(this, `metrics.default.labels.${name}`, 'must be a non-empty CEL expression', expression, 'use e.g. auth.identity.userid');
    this.metricLabels.set(name, expression);
    return expression;
  }
}
