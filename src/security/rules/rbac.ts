import { CheckedRule, rule } from '../rule';

const DANGEROUS = ['escalate', 'bind', 'impersonate'];

/** RBAC least privilege: NSA/CISA Kubernetes Hardening Guide, kube-linter. */
export const RBAC_RULES: readonly CheckedRule[] = [
  rule('SEC-R01', 'Role rules use no wildcards', 'kube-linter wildcard-in-rules; NSA/CISA least privilege', (o, ctx) => {
    if (o.kind !== 'Role' && o.kind !== 'ClusterRole') return;
    ((o as any).rules ?? []).forEach((r: Record<string, string[] | undefined>, i: number) => {
      for (const f of ['apiGroups', 'resources', 'verbs', 'resourceNames']) if ((r[f] ?? []).includes('*')) ctx.report(`rules[${i}].${f}`, "must not contain '*'");
    });
  }),
  rule('SEC-R02', 'no escalate, bind or impersonate verbs', 'kube-linter access-to-create-pods / privilege escalation through RBAC', (o, ctx) => {
    if (o.kind !== 'Role' && o.kind !== 'ClusterRole') return;
    ((o as any).rules ?? []).forEach((r: { verbs?: string[] }, i: number) => {
      for (const v of r.verbs ?? []) if (DANGEROUS.includes(v)) ctx.report(`rules[${i}].verbs`, `must not grant '${v}'`);
    });
  }),
  rule('SEC-R03', 'RBAC is namespaced (Role/RoleBinding, no ClusterRole/ClusterRoleBinding)', 'NSA/CISA: scope permissions to a namespace', (o, ctx) => {
    if (o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding') ctx.report('kind', `${o.kind} grants cluster-wide permissions; use a namespaced Role and RoleBinding`);
  }),
  rule('SEC-R04', 'no pods/exec or write access to Secrets', 'kube-linter access-to-secrets / exec; least privilege', (o, ctx) => {
    if (o.kind !== 'Role' && o.kind !== 'ClusterRole') return;
    ((o as any).rules ?? []).forEach((r: { resources?: string[]; verbs?: string[] }, i: number) => {
      const res = r.resources ?? [];
      if (res.includes('pods/exec') || res.includes('pods/attach')) ctx.report(`rules[${i}].resources`, 'must not grant pods/exec or pods/attach');
      if (res.includes('secrets') && (r.verbs ?? []).some((v) => !['get', 'list', 'watch'].includes(v))) ctx.report(`rules[${i}].verbs`, 'Secrets may only be read');
    });
  }),
];
