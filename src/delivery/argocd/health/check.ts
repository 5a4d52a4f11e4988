/** One Argo CD health check that the library ships for a kind Argo CD does not judge itself. */
export interface ArgoCdHealthCheck {
  /** API group of the kind (never empty: core kinds have Argo CD's own checks). */
  readonly group: string;
  /** Kind. */
  readonly kind: string;
  /**
   * The Lua script (Lua 5.1, base and table libraries only), as
   * `argocd-cm` key `resource.customizations.health.<group>_<kind>` holds it.
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#custom-health-checks
   */
  readonly lua: string;
  /** The upstream files (repository, version, path) the check follows. */
  readonly sources: readonly string[];
}
