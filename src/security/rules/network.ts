import { KObject } from '../finding';
import { CheckedRule, rule } from '../rule';

const MODEL_LABELS = ['serving.kserve.io/inferenceservice'];

function isDefaultDeny(np: KObject): boolean {
  const s = (np as any).spec ?? {};
  const types: string[] = s.policyTypes ?? [];
  return Object.keys(s.podSelector ?? {}).length === 0 && types.includes('Ingress') && types.includes('Egress') && !s.ingress && !s.egress;
}

/** Network isolation: NSA/CISA Kubernetes Hardening Guide (network separation). */
export const NETWORK_RULES: readonly CheckedRule[] = [
  rule('SEC-N01', 'every Namespace of the platform has a default-deny NetworkPolicy (ingress and egress)', 'NSA/CISA Kubernetes Hardening Guide: default-deny network policies, explicit allows', (o, ctx) => {
    if (o.kind !== 'Namespace') return;
    const name = o.metadata.name;
    if (!ctx.all.some((x) => x.kind === 'NetworkPolicy' && x.metadata.namespace === name && isDefaultDeny(x))) {
      ctx.report('metadata.name', `namespace '${name}' has no default-deny NetworkPolicy`);
    }
  }),
  rule('SEC-N02', 'no NodePort or LoadBalancer Services for models', 'models are reachable only through the gateway (NSA/CISA: limit exposure)', (o, ctx) => {
    if (o.kind !== 'Service') return;
    const spec = (o as any).spec ?? {};
    const selector: Record<string, string> = spec.selector ?? {};
    if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && MODEL_LABELS.some((l) => l in selector)) {
      ctx.report('spec.type', `exposes model pods directly as ${spec.type}`);
    }
  }),
  rule('SEC-N03', 'namespaced objects name a namespace other than default', 'never the default namespace (DESIGN section 4); objects without a namespace land wherever they are applied', (o, ctx) => {
    if (o.metadata.namespace === 'default') ctx.report('metadata.namespace', "must not be 'default'");
  }),
  rule(
    'SEC-N04',
    'every NetworkPolicy ingress rule names its sources (from) and every egress rule its destinations (to)',
    'Kubernetes NetworkPolicy: an empty or missing from/to list selects all sources/destinations, so the rule allows everything on its ports',
    (o, ctx) => {
      if (o.kind !== 'NetworkPolicy') return;
      const spec = (o as any).spec ?? {};
      // The library always renders from/to (Namespace.allowIngress/allowEgress refuse empty peers), so a missing list is flagged too.
      for (const [direction, list] of [
        ['ingress', 'from'],
        ['egress', 'to'],
      ] as const) {
        const rules: unknown = spec[direction];
        if (!Array.isArray(rules)) continue;
        rules.forEach((r: Record<string, unknown> | null, i: number) => {
          const peers = r?.[list];
          if (!Array.isArray(peers) || peers.length === 0) {
            ctx.report(`spec.${direction}[${i}].${list}`, `${peers === undefined ? 'is missing' : 'is empty'}, which Kubernetes reads as allow-all; list the allowed peers, or an explicit 0.0.0.0/0 and ::/0 ipBlock if every address is meant`);
          }
        });
      }
    },
  ),
];
