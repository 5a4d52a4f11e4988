import { Construct } from 'constructs';
import * as llmd from '../../imports/llmd-llm-d.ai';
import { invalid } from '../core/errors';
import { assertDnsSubdomain, checkedAnnotations } from '../core/names';
import { assertInteger } from '../core/props';
import { checkProps, childPath, isPlainObject } from '../core/prop-types';
import { checkedRecord } from '../core/records';
import { INFERENCE_POOL_GROUP } from './inference-pool';
import { samePool } from './inference-objective';
import type { InferencePool } from './inference-pool';

const isObject = (v: unknown): boolean => isPlainObject(v);
const isList = (v: unknown): boolean => Array.isArray(v);

/** One target of a rewrite: the model name requests are sent as, and its share. */
export interface ModelRewriteTarget {
  /** `modelRewrite`: the model name (a base model or a LoRA adapter) written into the request. */
  readonly model: string;
  /**
   * `weight`: share of the matched requests, relative to the other targets
   * (1 to 1000000; not a percentage). Either every target has one or none
   * does (CRD). @default - unset (equal shares)
   */
  readonly weight?: number;
}

/** One `spec.rules[]` entry: requests for `models` are rewritten to the weighted `targets`. */
export interface ModelRewriteRule {
  /** `matches[].model.value` (Exact): the model names clients ask for. @default - every request of the pool */
  readonly models?: readonly string[];
  /** `targets`: at least one. */
  readonly targets: readonly ModelRewriteTarget[];
}

/** Props of {@link InferenceModelRewrite}. */
export interface InferenceModelRewriteProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.poolRef`: the pool whose picker rewrites (same namespace). */
  readonly pool: InferencePool;
  /** `spec.rules`: at least one. */
  readonly rules: readonly ModelRewriteRule[];
  /** `metadata.labels`. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * An llm-d `InferenceModelRewrite` (`llm-d.ai/v1alpha2`): the pool's picker
 * rewrites the request body's `model` to weighted targets, e.g. a LoRA
 * rollout that sends 90% of `food-review` to `food-review-v1` and 10% to
 * `food-review-v2`:
 *
 * ```ts
 * new InferenceModelRewrite(models, 'food-review-rollout', {
 *   pool,
 *   rules: [{ models: ['food-review'], targets: [{ model: 'food-review-v1', weight: 90 }, { model: 'food-review-v2', weight: 10 }] }],
 * });
 * ```
 *
 * @throws ModelServingError for no rules or targets, a weight outside 1-1000000,
 *   weights on some targets only, an empty or repeated model name, a pool in another namespace
 * @see https://github.com/llm-d/llm-d-router/blob/v0.10.0/config/crd/bases/llm-d.ai_inferencemodelrewrites.yaml
 */
export class InferenceModelRewrite extends Construct {
  /** `metadata.name`. */
  public readonly rewriteName: string;
  /** The L1 object. */
  public readonly resource: llmd.InferenceModelRewrite;

  public constructor(scope: Construct, id: string, props: InferenceModelRewriteProps) {
    checkProps(childPath(scope, id), props, 'InferenceModelRewriteProps');
    super(scope, id);
    this.rewriteName = assertDnsSubdomain(this, 'name', props.name ?? id);
    const pool = samePool(this, props.pool);
    if (!isList(props.rules) || props.rules.length === 0) invalid(this, 'rules', 'must list at least one rule (the CRD requires rules)', props.rules, "pass rules: [{ models: ['my-model'], targets: [{ model: 'my-model-v2' }] }]");
    const matched = new Set<string>();
    const rules: llmd.InferenceModelRewriteSpecRules[] = props.rules.map((r, i) => {
      const field = `rules[${i}]`;
      if (!isObject(r)) invalid(this, field, 'must be a rule object', r, 'pass { models, targets }');
      (r.models ?? []).forEach((m, j) => {
        if (typeof m !== 'string' || m.length === 0) invalid(this, `${field}.models[${j}]`, 'must be a non-empty model name', m, "use the name clients send in the body's model field");
        if (matched.has(m)) invalid(this, `${field}.models[${j}]`, 'is matched by an earlier rule already, so this rule would never apply to it', m, 'match each model name in one rule');
        matched.add(m);
      });
      if (!isList(r.targets) || r.targets.length === 0) invalid(this, `${field}.targets`, 'must list at least one target (CRD minItems 1)', r.targets, "pass targets: [{ model: 'my-model-v2', weight: 10 }]");
      const weighted = r.targets.filter((t) => t.weight !== undefined).length;
      if (weighted !== 0 && weighted !== r.targets.length) {
        invalid(this, `${field}.targets`, `set a weight on ${weighted} of ${r.targets.length} targets; either every target has a weight or none does (InferenceModelRewrite API)`, r.targets.map((t) => t.weight ?? null), 'give every target a weight, or none for equal shares');
      }
      const seen = new Set<string>();
      r.targets.forEach((t, j) => {
        if (typeof t.model !== 'string' || t.model.length === 0) invalid(this, `${field}.targets[${j}].model`, 'must be a non-empty model name', t.model, 'name the model or LoRA adapter the pool serves');
        if (seen.has(t.model)) invalid(this, `${field}.targets[${j}].model`, 'is listed twice in this rule', t.model, 'merge the two targets and add their weights');
        seen.add(t.model);
        if (t.weight !== undefined) assertInteger(this, `${field}.targets[${j}].weight`, t.weight, { min: 1, max: 1_000_000, type: 'CRD weight', fix: 'use relative weights such as 90 and 10' });
      });
      return {
        matches: r.models?.map((value) => ({ model: { type: llmd.InferenceModelRewriteSpecRulesMatchesModelType.EXACT, value } })),
        targets: r.targets.map((t) => ({ modelRewrite: t.model, weight: t.weight })),
      };
    });
    this.resource = new llmd.InferenceModelRewrite(this, 'Resource', {
      metadata: { name: this.rewriteName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedAnnotations(this, props.annotations) },
      spec: { poolRef: { group: INFERENCE_POOL_GROUP, kind: 'InferencePool', name: pool.poolName }, rules },
    });
  }
}
