import { IConstruct } from 'constructs';
import { invalid } from './errors';

/** How a route (or gateway) is protected. */
export type AccessState =
  | { readonly kind: 'protected'; readonly policies: readonly string[] }
  | { readonly kind: 'public'; readonly reason: string }
  | { readonly kind: 'exempt'; readonly reason: string }
  | { readonly kind: 'unprotected' };

/** Something the deny-by-default check looks at: routes that send traffic to backends. */
export interface IAccessControlled extends IConstruct {
  /** `Kind/namespace/name` of the route object, for reports and errors. */
  readonly accessTargetName: string;
  /** The route's access state, considering policies on the route and on its gateways. */
  accessState(): AccessState;
}

/** True when `x` takes part in the deny-by-default check. */
export function isAccessControlled(x: unknown): x is IAccessControlled {
  return typeof x === 'object' && x !== null && typeof (x as { accessState?: unknown }).accessState === 'function';
}

interface Registration {
  readonly policies: string[];
  publicReason?: string;
}

const registry = new WeakMap<IConstruct, Registration>();

function entry(target: IConstruct): Registration {
  let e = registry.get(target);
  if (!e) {
    e = { policies: [] };
    registry.set(target, e);
  }
  return e;
}

/**
 * The record of which access policies cover which routes and gateways, and
 * which routes are public on purpose. Access policies write to it; the
 * deny-by-default check of {@link Platform} reads it.
 */
export class AccessControl {
  /** Records that `policyName` protects `target` (a route or a gateway). */
  public static attach(target: IConstruct, policyName: string): void {
    const e = entry(target);
    if (e.publicReason !== undefined) {
      invalid(target, 'access', `is declared public ("${e.publicReason}") and cannot also be protected by policy '${policyName}'`, policyName, 'remove the public declaration or the policy');
    }
    if (!e.policies.includes(policyName)) e.policies.push(policyName);
  }

  /**
   * Declares `target` reachable without authentication, on purpose. The
   * reason is listed in the platform's POLICY.md.
   *
   * @throws ModelServingError for a reason shorter than 10 characters, or a target already protected
   */
  public static markPublic(target: IConstruct, reason: string): void {
    if (typeof reason !== 'string' || reason.trim().length < 10) {
      invalid(target, 'public access', 'needs a reason of at least 10 characters', reason, 'say why this route may be called without authentication');
    }
    const e = entry(target);
    if (e.policies.length > 0) invalid(target, 'public access', `conflicts with access policy '${e.policies[0]}' already attached`, reason, 'remove the policy or the public declaration');
    e.publicReason = reason;
  }

  /** The policies attached to `target` (not counting its gateways). */
  public static policiesOf(target: IConstruct): readonly string[] {
    return registry.get(target)?.policies ?? [];
  }

  /** The public reason of `target`, if declared public. */
  public static publicReasonOf(target: IConstruct): string | undefined {
    return registry.get(target)?.publicReason;
  }

  /**
   * The access state of a route: `protected` by the policies on it or on
   * its `gateways` (its own first), else `public` with its declared reason,
   * else `exempt` when `exemptReason` is given (a route that reaches no
   * backend), else `unprotected`.
   *
   * @param target the route
   * @param gateways the Gateways it attaches to
   * @param exemptReason why the route needs no policy, when it needs none
   */
  public static stateOf(target: IConstruct, gateways: readonly IConstruct[], exemptReason?: string): AccessState {
    const policies = [...AccessControl.policiesOf(target), ...gateways.flatMap((g) => AccessControl.policiesOf(g))];
    if (policies.length > 0) return { kind: 'protected', policies };
    const reason = AccessControl.publicReasonOf(target);
    if (reason !== undefined) return { kind: 'public', reason };
    if (exemptReason !== undefined) return { kind: 'exempt', reason: exemptReason };
    return { kind: 'unprotected' };
  }

  private constructor() {}
}
