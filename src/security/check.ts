import { KObject, SecurityFinding } from './finding';
import { CheckedRule } from './rule';
import { GATEWAY_RULES } from './rules/gateway';
import { MONITORING_RULES } from './rules/monitoring';
import { NETWORK_RULES } from './rules/network';
import { NETWORK_FLOW_RULES } from './rules/network-flows';
import { RBAC_RULES } from './rules/rbac';
import { SECRET_RULES } from './rules/secrets';
import { WORKLOAD_RULES } from './rules/workload';
import { SecurityWaiver } from './waivers';

/** Every security rule, in id order. */
export const SECURITY_RULES: readonly CheckedRule[] = [...WORKLOAD_RULES, ...NETWORK_RULES, ...NETWORK_FLOW_RULES, ...SECRET_RULES, ...GATEWAY_RULES, ...RBAC_RULES, ...MONITORING_RULES].sort((a, b) =>
  a.id < b.id ? -1 : 1,
);

/** An object to check, with its file and waivers. */
export interface CheckedObject {
  readonly object: KObject;
  readonly file?: string;
  readonly waivers?: readonly SecurityWaiver[];
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
  for (const { object, file, waivers } of objects) {
    for (const r of SECURITY_RULES) {
      if (waivers?.some((w) => w.ruleId === r.id)) continue;
      r.check(object, {
        all,
        report: (path, message) =>
          findings.push({ ruleId: r.id, kind: object.kind, name: object.metadata.name ?? '', namespace: object.metadata.namespace, path, message, file }),
      });
    }
  }
  return findings.sort((a, b) => ((a.file ?? '') + a.ruleId + a.path < (b.file ?? '') + b.ruleId + b.path ? -1 : 1));
}

/** `file: Kind/name: path: [RULE] message`. */
export function formatFinding(f: SecurityFinding): string {
  return `${f.file ? `${f.file}: ` : ''}${f.kind}/${f.name}: ${f.path || '(object)'}: [${f.ruleId}] ${f.message}`;
}
