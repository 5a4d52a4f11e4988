import { CheckedRule, rule } from '../rule';

const SEVERITIES = ['critical', 'warning', 'info'];

/** Monitoring hygiene: every alert is actionable (Prometheus alerting practice, SRE workbook). */
export const MONITORING_RULES: readonly CheckedRule[] = [
  rule('SEC-M01', "alerts have 'for', a severity of critical|warning|info, and summary, description and runbook_url annotations", 'Prometheus alerting practice: actionable, documented alerts (SRE workbook)', (o, ctx) => {
    if (o.kind !== 'PrometheusRule') return;
    ((o as any).spec?.groups ?? []).forEach((g: { rules?: Array<Record<string, any>> }, i: number) =>
      (g.rules ?? []).forEach((r, j) => {
        if (!r.alert) return;
        const path = `spec.groups[${i}].rules[${j}]`;
        if (!r.for) ctx.report(`${path}.for`, `alert '${r.alert}' must wait a 'for' duration`);
        if (!SEVERITIES.includes(r.labels?.severity)) ctx.report(`${path}.labels.severity`, `alert '${r.alert}' needs severity critical, warning or info`);
        for (const a of ['summary', 'description', 'runbook_url']) if (!r.annotations?.[a]) ctx.report(`${path}.annotations.${a}`, `alert '${r.alert}' needs ${a}`);
      }),
    );
  }),
];
