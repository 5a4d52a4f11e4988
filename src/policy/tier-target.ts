import type { IPolicyRoute } from './policy-route';

/**
 * What a tier, a subscription or a per-model budget may name: a route
 * (`HttpRoute`, `GrpcRoute`) or a `ModelEndpoint`, which stands for the
 * routes it made. The intent refers to these objects, not to route name
 * strings, so a renamed or misspelt model cannot silently drop out of a
 * tier, a subscription or a budget.
 */
export interface ITierTarget {
  /** The routes a tier that names this target may call. */
  readonly tierRoutes: readonly IPolicyRoute[];
}

/** True when `x` is a {@link ITierTarget} (has a `tierRoutes` list). */
export function isTierTarget(x: unknown): x is ITierTarget {
  return typeof x === 'object' && x !== null && Array.isArray((x as { tierRoutes?: unknown }).tierRoutes);
}

/** How a tier target appears in messages: its construct path when it is a construct. */
export function describeTarget(x: unknown): unknown {
  const path = (x as { node?: { path?: unknown } } | null)?.node?.path;
  return typeof path === 'string' ? path : x;
}
