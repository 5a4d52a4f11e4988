import type { DeclaredFlow } from '../core/flows';
import { KObject, SecurityFinding } from './finding';
import { CheckedRule } from './rule';
import { GATEWAY_RULES } from './rules/gateway';
import { MONITORING_RULES } from './rules/monitoring';
import { MONITORING_TARGET_RULES } from './rules/monitoring-targets';
import { NETWORK_RULES } from './rules/network';
import { NETWORK_FLOW_RULES } from './rules/network-flows';
import { RBAC_RULES } from './rules/rbac';
import { SECRET_RULES } from './rules/secrets';
import { WORKLOAD_RULES } from './rules/workload';
import { SecurityWaiver } from './waivers';

/** Every security rule, in id order. */
export const SECURITY_RULES: readonly CheckedRule[] = [...WORKLOAD_RULES, ...NETWORK_RULES, ...NETWORK_FLOW_RULES, ...SECRET_RULES, ...GATEWAY_RULES, ...RBAC_RULES, ...MONITORING_RULES, ...MONITORING_TARGET_RULES].sort((a, b) =>
  a.id < b.id ? -1 : 1,
);

/** An object to check, with its file, construct path and waivers. */
export interface CheckedObject {
  readonly object: KObject;
  readonly file?: string;
  /** The path of the construct that emitted it, for messages. @default - not shown */
  readonly constructPath?: string;
  readonly waivers?: readonly SecurityWaiver[];
  /** The network flows the object needs (rule SEC-N07). @default - none */
  readonly flows?: readonly DeclaredFlow[];
}

/**
 * Runs every security rule over the objects of one platform. Waived rules
 * are skipped for the objects that waive them.
 *
 * @returns the findings, ordered by file, rule and path
 */
export function checkSecurity(objects: readonly CheckedObject[]): SecurityFinding[] {
  const all = objects.map((o) => o.object);
  const findings: SecurityFinding[] = [];
  for (const { object, file, waivers, constructPath, flows } of objects) {
    for (const r of SECURITY_RULES) {
      if (waivers?.some((w) => w.ruleId === r.id)) continue;
      r.check(object, {
        all,
        flows: flows ?? [],
        report: (path, message) =>
          findings.push({ ruleId: r.id, kind: object.kind, name: object.metadata.name ?? '', namespace: object.metadata.namespace, path, message, file, constructPath }),
      });
    }
  }
  return findings.sort((a, b) => ((a.file ?? '') + a.ruleId + a.path < (b.file ?? '') + b.ruleId + b.path ? -1 : 1));
}

/**
 * `file: Kind/name (construct path): path: [RULE] message. Rule: title (why).
 * Waive: ...`: what is wrong and where, why the rule exists, and how to
 * waive it in code with a reason when the object cannot comply.
 */
export function formatFinding(f: SecurityFinding): string {
  const r = SECURITY_RULES.find((x) => x.id === f.ruleId);
  // The library's constructs keep their object as the child `Resource`: the construct is what a user wrote.
  const construct = f.constructPath?.replace(/\/Resource$/, '');
  const where = `${f.file ? `${f.file}: ` : ''}${f.kind}/${f.name}${construct ? ` (${construct})` : ''}`;
  const why = r ? ` Rule: ${r.title} (${r.rationale}).` : '';
  return `${where}: ${f.path || '(object)'}: [${f.ruleId}] ${f.message.replace(/\.$/, '')}.${why} If the object cannot comply, waive it in code with the reason: SecurityWaivers.waive(<its construct>, '${f.ruleId}', '<why>'), listed in the platform README.`;
}
