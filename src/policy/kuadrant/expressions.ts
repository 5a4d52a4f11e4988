/**
 * Helpers to write the CEL expressions and JSON-path selectors Kuadrant
 * policies contain, with values quoted and escaped so that user input
 * (tier names, claims, paths) cannot change an expression's meaning.
 */

import { invalid } from '../../core/errors';

export { celString, celStringList } from '../cel';

/** The user id the Kuadrant engine publishes for rate limits (`response.success.filters.identity`). */
export const IDENTITY_USER_ID = 'auth.identity.userid';
/** The tier the Kuadrant engine publishes for rate limits. */
export const IDENTITY_TIER = 'auth.identity.tier';
/** The subscription a request is counted against, as the Kuadrant engine publishes it (`""` when none): what TokenRateLimitPolicy limits select on. */
export const IDENTITY_SUBSCRIPTION = 'auth.identity.subscription';
/** The caller's subscriptions inside Authorino (JWT claim or API key annotation, set by the authentication rule's overrides). */
export const IDENTITY_SUBSCRIPTIONS = 'auth.identity.subscriptions';
/** The key Secret name the Kuadrant engine publishes when limits count per API key. */
export const IDENTITY_CREDENTIAL = 'auth.identity.credential';
/** The client address without port (Kuadrant well-known attribute computed by the wasm-shim from Envoy's trusted `source.address`). */
export const SOURCE_REMOTE_ADDRESS = 'source.remote_address';


/** Characters a claim or label key may contain to be used in a selector path. */
export const SELECTOR_KEY = /^[A-Za-z0-9_:/.-]+$/;

/**
 * A JSON-path selector (gjson, as Authorino reads it) from path segments,
 * with the dots inside a segment escaped: `selector('auth', 'identity',
 * 'models.cdk8s.io/tier')` → `auth.identity.models\.cdk8s\.io/tier`.
 *
 * @throws ModelServingError for a segment outside `SELECTOR_KEY` (callers check user input first)
 */
export function selector(...segments: readonly string[]): string {
  return segments
    .map((s, i) => {
      if (!SELECTOR_KEY.test(s)) invalid('selector', `segments[${i}]`, 'must only contain characters in [A-Za-z0-9_:/.-]', s, "rename the claim or key to letters, digits and '_:/.-' (e.g. 'models.cdk8s.io/tier')");
      return s.replace(/\./g, '\\.');
    })
    .join('.');
}

/**
 * An RE2 pattern matching `prefix` as a path prefix on segment boundaries:
 * `/v1/models` matches `/v1/models`, `/v1/models/x` and `/v1/models?q`, not
 * `/v1/modelsx`; a prefix ending in `/` matches anything below it.
 */
export function pathPrefixPattern(prefix: string): string {
  const escaped = prefix.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
  return prefix.endsWith('/') ? `^${escaped}` : `^${escaped}(?:[/?]|$)`;
}
