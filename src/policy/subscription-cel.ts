/**
 * The subscription selection of the access intent (see `Subscription`)
 * written as CEL, for the engines that select in CEL (Kuadrant through
 * Authorino, agentgateway): which subscription a request is counted
 * against, and whether its selection header may stand.
 */
import { celString, celStringList } from './cel';

/** Where an engine's CEL reads what the selection needs, and how it quotes strings. */
export interface SubscriptionCelNames {
  /**
   * The caller's subscriptions (absent when it holds none): a list (API-key
   * metadata, most JWT claims) or one string of names separated by spaces
   * or commas (`JwtAuth.subscriptionsClaim`, a Kuadrant API key annotation).
   */
  readonly held: string;
  /** The request's header map, keyed by lower-case names (`request.headers`, `context.request.http.headers`). */
  readonly headers: string;
  /** The selection header's name (`AccessPolicy.subscriptionHeader`, lower-case). */
  readonly header: string;
  /** The quote of the engine's string literals (see `celString`). */
  readonly quote: '"' | "'";
}

/**
 * CEL: `item` (a CEL string: a literal, or the selection header once checked
 * to be a subscription name) is among the caller's subscriptions; false when
 * it holds none. `in` on a string is an error in CEL, so a string of names is
 * matched on separators instead; subscription names are DNS labels and need
 * no regex escaping.
 */
export function celHoldsSubscription(n: SubscriptionCelNames, item: string): string {
  const f = n.held;
  const within = `${celString('(^|[ ,])', n.quote)} + ${item} + ${celString('([ ,]|$)', n.quote)}`;
  return `(has(${f}) && (type(${f}) == list ? ${item} in ${f} : (type(${f}) == string ? ${f}.matches(${within}) : false)))`;
}

/**
 * CEL yielding the subscription a request is counted against, of those
 * `granting` the route (`Subscription`s, in priority order): the one the
 * selection header names (a header naming one the caller does not hold, or
 * that does not grant the route, is refused by
 * {@link celSubscriptionHeaderAllowed}), else the first one held, else `''`.
 */
export function celSelectedSubscription(n: SubscriptionCelNames, granting: readonly { readonly name: string }[]): string {
  const none = celString('', n.quote);
  if (granting.length === 0) return none;
  let chain = none;
  for (const s of [...granting].reverse()) chain = `(${celHoldsSubscription(n, celString(s.name, n.quote))} ? ${celString(s.name, n.quote)} : ${chain})`;
  return `(${headerPresent(n)} ? ${headerValue(n)} : ${chain})`;
}

/**
 * CEL: the request has no selection header, or one naming a subscription of
 * `granting` that the caller holds. A disjunction: parenthesize it to join
 * it with `&&`.
 */
export function celSubscriptionHeaderAllowed(n: SubscriptionCelNames, granting: readonly { readonly name: string }[]): string {
  const absent = `!(${headerPresent(n)})`;
  if (granting.length === 0) return absent;
  const value = headerValue(n);
  return `${absent} || (${value} in ${celStringList(granting.map((s) => s.name), n.quote)} && ${celHoldsSubscription(n, value)})`;
}

function headerPresent(n: SubscriptionCelNames): string {
  return `${celString(n.header, n.quote)} in ${n.headers}`;
}

function headerValue(n: SubscriptionCelNames): string {
  return `${n.headers}[${celString(n.header, n.quote)}]`;
}
