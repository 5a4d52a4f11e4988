/**
 * How a policy's rules merge with the rules of policies on other levels of
 * the hierarchy (Gateway → route), when a `defaults` or `overrides` block
 * applies.
 *
 * @see https://docs.kuadrant.io/latest/kuadrant-operator/doc/reference/ratelimitpolicy/
 */
export enum MergeStrategy {
  /** The more specific set of rules replaces the other one entirely (the CRD default). */
  ATOMIC = 'atomic',
  /** Rules are merged by name; on a name clash the more specific (defaults) or less specific (overrides) rule wins. */
  MERGE = 'merge',
}

/**
 * Where a policy's rules go in the spec, which decides who wins when a
 * Gateway policy and a route policy both apply:
 *
 * - {@link Precedence.IMPLICIT_DEFAULTS}: bare `rules`/`limits` at the top of
 *   the spec; act as defaults (replaced by a more specific policy).
 * - {@link Precedence.defaults}: an explicit `defaults` block, with a merge strategy.
 * - {@link Precedence.overrides}: an `overrides` block: enforced on every
 *   route below the target, replacing more specific policies.
 *
 * @see https://gateway-api.sigs.k8s.io/geps/gep-713/
 */
export class Precedence {
  /** Bare `rules`/`limits`: implicit defaults. */
  public static readonly IMPLICIT_DEFAULTS = new Precedence('implicit', undefined);

  /**
   * An explicit `defaults` block.
   *
   * @param strategy `defaults.strategy`. @default - not rendered (the CRD defaults it to `atomic`)
   */
  public static defaults(strategy?: MergeStrategy): Precedence {
    return new Precedence('defaults', strategy);
  }

  /**
   * An `overrides` block.
   *
   * @param strategy `overrides.strategy`. @default - not rendered (the CRD defaults it to `atomic`)
   */
  public static overrides(strategy?: MergeStrategy): Precedence {
    return new Precedence('overrides', strategy);
  }

  private constructor(
    /** The spec section: top level (`implicit`), `defaults` or `overrides`. */
    public readonly section: 'implicit' | 'defaults' | 'overrides',
    /** The merge strategy, when set explicitly. */
    public readonly strategy: MergeStrategy | undefined,
  ) {}
}
