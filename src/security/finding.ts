import type { DeclaredFlow } from '../core/flows';
/** One violation of a security rule by one object. */
export interface SecurityFinding {
  /** The rule id, e.g. `SEC-W01`. */
  readonly ruleId: string;
  /** The object's kind. */
  readonly kind: string;
  /** The object's name. */
  readonly name: string;
  /** The object's namespace, if any. */
  readonly namespace?: string;
  /** JSON path of the offending field, e.g. `spec.template.spec.containers[0].securityContext`. */
  readonly path: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** The output file, when known. */
  readonly file?: string;
  /** The path of the construct that emitted the object, when known. */
  readonly constructPath?: string;
}

/** A security rule over synthesized objects. */
export interface SecurityRule {
  /** Stable id, `SEC-<area letter><two digits>`: W workloads, N network, S secrets, G gateway/TLS, R RBAC, M monitoring. */
  readonly id: string;
  /** One line: what the rule requires. */
  readonly title: string;
  /** One line: why, with its source (Pod Security Standards, kube-linter, NSA/CISA, Gateway API). */
  readonly rationale: string;
}

/** A plain Kubernetes object. */
export type KObject = { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name?: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> } } & Record<string, any>;

/** What a rule check sees: one object and every object of the platform. */
export interface RuleContext {
  /** Every object of the platform (for cross-object rules). */
  readonly all: readonly KObject[];
  /** The network flows the checked object declares it needs (`NetworkFlows.declare`); empty when none are known (objects read from files). */
  readonly flows: readonly DeclaredFlow[];
  /** Report a violation at `path`. */
  report(path: string, message: string): void;
}

/**
 * The id of the credential scan in reports, in the secrets area of the
 * security rules. It cannot be waived (see `assertNoCredentials`).
 */
export const CREDENTIAL_SCAN_RULE_ID = 'SEC-S04';
