import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

/**
 * A provider's translation of an access intent into its own CRDs. Each
 * provider folder (`src/policy/<provider>/`) exports one.
 *
 * `compile` creates the provider objects as children of the policy construct
 * (so they land in its namespace, or in the namespaces the provider needs),
 * and returns the caveats that change what the intent means on this
 * provider. It throws {@link unsupported} for a feature the provider cannot
 * express — never silently drops it.
 */
export interface PolicyCompiler<P> {
  /** Provider id: `kgateway`, `envoy-gateway`, `kuadrant`, `kong`. */
  readonly id: string;
  /** Human name for reports and errors. */
  readonly displayName: string;
  /** Translates one access policy. */
  compile(policy: P): CompiledPolicy;
}

/** What a compiler reports back. */
export interface CompiledPolicy {
  /** Provider-specific caveats that change the meaning (bucket scope, per-replica limits, ...). */
  readonly caveats: readonly string[];
  /** The objects emitted, as `Kind/name`, for the report. */
  readonly objects: readonly string[];
}

/**
 * Throws the error for a feature a provider cannot express: names the
 * provider, the feature and the alternative.
 */
export function unsupported(scope: IConstruct, provider: string, feature: string, value: unknown, alternative: string): never {
  return invalid(scope, feature, `cannot be expressed by provider '${provider}'`, value, alternative);
}
