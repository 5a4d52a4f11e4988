import { ApiObject, ApiObjectMetadata, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { assertDnsSubdomain, checkedAnnotations } from '../../core/names';
import { checkPredicates, Limit, LimitSet, renderPredicates, RenderedLimit } from './limit';
import { PolicyTarget, PolicyTargetKind, TARGET_FIX, TargetReference } from './policy-target';
import { MergeStrategy, Precedence } from './precedence';
import { errorMessage } from '../../core/errors';
import { checkedRecord } from '../../core/records';
import { checkProps, childPath, requireWith } from '../../core/prop-types';

/** Props shared by {@link RateLimitPolicy} and {@link TokenRateLimitPolicy}. */
export interface LimitPolicyProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.targetRef`: what the limits apply to (in the policy's namespace). */
  readonly target: PolicyTarget;
  /** The limits by name; more with `addLimit()`. At least one in total. @default - none */
  readonly limits?: Readonly<Record<string, Limit>>;
  /**
   * Top-level `when[].predicate`: CEL predicates that must all hold for any
   * limit of the policy to apply.
   * @default - the policy applies to every request of the target
   */
  readonly when?: readonly string[];
  /** Whether the limits are implicit defaults, explicit `defaults` or `overrides`. @default Precedence.IMPLICIT_DEFAULTS */
  readonly precedence?: Precedence;
  /** `metadata.labels`. @default - the platform labels only */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}

/** The spec of a RateLimitPolicy or TokenRateLimitPolicy, as rendered (the two CRDs share it). */
export interface LimitPolicySpec {
  /** `targetRef`. */
  readonly targetRef: TargetReference;
  /** `limits`: implicit defaults (absent with a `defaults` or `overrides` block). */
  readonly limits?: Record<string, RenderedLimit>;
  /** `when[]` of implicit defaults. */
  readonly when?: Array<{ readonly predicate: string }>;
  /** The explicit `defaults` block. */
  readonly defaults?: LimitPolicyBlock;
  /** The `overrides` block. */
  readonly overrides?: LimitPolicyBlock;
}

/** A `defaults` or `overrides` block. */
export interface LimitPolicyBlock {
  /** `limits`. */
  readonly limits?: Record<string, RenderedLimit>;
  /** `when[]`. */
  readonly when?: Array<{ readonly predicate: string }>;
  /** `strategy`, when set explicitly. */
  readonly strategy?: MergeStrategy;
}

/**
 * What RateLimitPolicy and TokenRateLimitPolicy share: a target, named
 * limits (checked when added), top-level predicates and the precedence
 * block. Subclasses pick the L1 kind and the target kinds.
 */
export abstract class LimitPolicyBase extends Construct {
  /** `metadata.name`. */
  public readonly policyName: string;
  /** `spec.targetRef`. */
  public readonly target: PolicyTarget;
  /** The precedence block the limits render in. */
  public readonly precedence: Precedence;
  /** The L1 object. */
  public abstract readonly resource: ApiObject;
  private readonly limitSet: LimitSet;
  private readonly predicates: readonly string[];

  protected constructor(scope: Construct, id: string, props: LimitPolicyProps, kinds: readonly PolicyTargetKind[]) {
    checkProps(childPath(scope, id), props, 'LimitPolicyProps');
    super(scope, id);
    this.policyName = assertDnsSubdomain(this, 'name', props.name ?? id);
    requireWith(this, 'target', props.target, 'check', 'a PolicyTarget', TARGET_FIX);
    props.target.check(this, kinds, Chart.of(this).namespace);
    this.target = props.target;
    this.precedence = props.precedence ?? Precedence.IMPLICIT_DEFAULTS;
    checkPredicates(this, 'when', props.when);
    this.predicates = [...(props.when ?? [])];
    this.limitSet = new LimitSet(this);
    for (const [name, limit] of Object.entries(props.limits ?? {})) this.addLimit(name, limit);
    this.node.addValidation({
      validate: () => (this.limitSet.size === 0 ? [errorMessage(this, 'spec.limits', 'must have at least one limit', {}, "call addLimit('<name>', { rates: [...] }).")] : []),
    });
  }

  /**
   * Adds limit `name` (`limits.<name>`, or inside the `defaults`/`overrides` block).
   *
   * @throws ModelServingError for a duplicate name or a bad rate, window, predicate or counter
   * @returns the limit
   */
  public addLimit(name: string, limit: Limit): Limit {
    return this.limitSet.add(name, limit);
  }

  /** The metadata of the L1 object. */
  protected metadata(props: LimitPolicyProps): ApiObjectMetadata {
    return { name: this.policyName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedAnnotations(this, props.annotations) };
  }

  /** The lazily rendered spec, for the L1 constructor. */
  protected lazySpec(): unknown {
    return Lazy.any({ produce: (): LimitPolicySpec => this.renderSpec() });
  }

  private renderSpec(): LimitPolicySpec {
    const limits = this.limitSet.render();
    const when = renderPredicates(this.predicates);
    const targetRef = this.target.render();
    const { section, strategy } = this.precedence;
    if (section === 'implicit') return { targetRef, limits, when };
    const block: LimitPolicyBlock = { limits, when, strategy };
    return section === 'defaults' ? { targetRef, defaults: block } : { targetRef, overrides: block };
  }
}
