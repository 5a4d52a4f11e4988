import { KObject, RuleContext, SecurityRule } from './finding';

/** A rule with its check. */
export interface CheckedRule extends SecurityRule {
  /** Checks one object, reporting violations through `ctx`. */
  check(o: KObject, ctx: RuleContext): void;
}

/** Defines a rule (for the rule lists of each area). */
export function rule(id: string, title: string, rationale: string, check: CheckedRule['check']): CheckedRule {
  return { id, title, rationale, check };
}
