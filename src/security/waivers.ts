import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { CREDENTIAL_SCAN_RULE_ID } from './finding';

/** A documented exception to one security rule for one object. */
export interface SecurityWaiver {
  /** The rule id, e.g. `SEC-W06`. */
  readonly ruleId: string;
  /** Why the object cannot comply (listed in the platform README). */
  readonly reason: string;
}

const waivers = new WeakMap<IConstruct, SecurityWaiver[]>();

/**
 * Per-object waivers of the security rules, declared in code next to the
 * object they concern. A waiver names the rule and carries a reason; the
 * platform README lists every waiver.
 */
export class SecurityWaivers {
  /**
   * Waives rule `ruleId` for the object `target` (an ApiObject, or an L2
   * construct whose `Resource` child is the object).
   *
   * @throws ModelServingError for a reason shorter than 10 characters, a malformed rule id, or the credential scan's id (`SEC-S04`: a credential in Git is never acceptable)
   */
  public static waive(target: IConstruct, ruleId: string, reason: string): void {
    if (!/^SEC-[A-Z]\d{2}$/.test(ruleId)) invalid(target, 'security waiver', 'must name a rule id like SEC-W06', ruleId, 'use the id printed in the finding');
    if (ruleId === CREDENTIAL_SCAN_RULE_ID) {
      invalid(target, `security waiver ${ruleId}`, 'cannot be given: the credential scan has no exceptions (a credential committed to dist/ is leaked to every reader of the repository and stays in its history)', ruleId, 'remove the credential: reference a Secret, or pull it with an ExternalSecret');
    }
    if (typeof reason !== 'string' || reason.trim().length < 10) invalid(target, `security waiver ${ruleId}`, 'needs a reason of at least 10 characters', reason, 'say why the object cannot comply');
    const obj = SecurityWaivers.objectOf(target);
    const list = waivers.get(obj) ?? [];
    if (!list.some((w) => w.ruleId === ruleId)) list.push({ ruleId, reason });
    waivers.set(obj, list);
  }

  /** The waivers of an object. */
  public static of(obj: IConstruct): readonly SecurityWaiver[] {
    return waivers.get(obj) ?? [];
  }

  private static objectOf(target: IConstruct): IConstruct {
    if (target instanceof ApiObject) return target;
    const child = target.node.tryFindChild('Resource');
    return child ?? target;
  }

  private constructor() {}
}
