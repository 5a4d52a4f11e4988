import { KObject } from '../finding';
import { CheckedRule, rule } from '../rule';

interface Listener {
  name: string;
  protocol: string;
  port: number;
  tls?: { certificateRefs?: unknown[] };
  allowedRoutes?: { namespaces?: { from?: string } };
}

function routesOf(all: readonly KObject[], gw: KObject, listener: Listener): KObject[] {
  const gwNs = gw.metadata.namespace;
  return all.filter(
    (r) =>
      (r.kind === 'HTTPRoute' || r.kind === 'GRPCRoute') &&
      ((r as any).spec?.parentRefs ?? []).some(
        (p: { name: string; namespace?: string; sectionName?: string; kind?: string }) =>
          (p.kind ?? 'Gateway') === 'Gateway' && p.name === gw.metadata.name && (p.namespace ?? r.metadata.namespace) === gwNs && (p.sectionName === undefined || p.sectionName === listener.name),
      ),
  );
}

/** Gateway and TLS hygiene: Gateway API security model, cert-manager guidance. */
const GRANTS = new WeakMap<readonly KObject[], readonly KObject[]>();

/** The ReferenceGrants among `all`, computed once per object set (the rule runs for every object). */
function referenceGrantsIn(all: readonly KObject[]): readonly KObject[] {
  let grants = GRANTS.get(all);
  if (!grants) {
    grants = all.filter((g) => g.kind === 'ReferenceGrant');
    GRANTS.set(all, grants);
  }
  return grants;
}

export const GATEWAY_RULES: readonly CheckedRule[] = [
  rule('SEC-G01', 'HTTPS listeners reference a certificate', 'Gateway API: TLS termination needs tls.certificateRefs', (o, ctx) => {
    if (o.kind !== 'Gateway') return;
    ((o as any).spec?.listeners ?? []).forEach((l: Listener, i: number) => {
      if (l.protocol === 'HTTPS' && !(l.tls?.certificateRefs ?? []).length) ctx.report(`spec.listeners[${i}].tls.certificateRefs`, 'an HTTPS listener needs a certificate Secret');
    });
  }),
  rule('SEC-G02', 'plain-HTTP listeners carry no traffic to backends (only redirects and direct responses)', 'TLS for every request that reaches a model (DESIGN section 4: HTTP only to redirect)', (o, ctx) => {
    if (o.kind !== 'Gateway') return;
    ((o as any).spec?.listeners ?? []).forEach((l: Listener, i: number) => {
      if (l.protocol !== 'HTTP') return;
      for (const r of routesOf(ctx.all, o, l)) {
        if (((r as any).spec?.rules ?? []).some((rule: { backendRefs?: unknown[] }) => (rule.backendRefs ?? []).length > 0)) {
          ctx.report(`spec.listeners[${i}]`, `plain-HTTP listener '${l.name}' carries ${r.kind} '${r.metadata.namespace}/${r.metadata.name}' to backends; attach it to the HTTPS listener`);
        }
      }
    });
  }),
  rule('SEC-G03', "listeners do not admit routes from all namespaces", "Gateway API security model: allowedRoutes 'All' lets any namespace publish on the gateway", (o, ctx) => {
    if (o.kind !== 'Gateway') return;
    ((o as any).spec?.listeners ?? []).forEach((l: Listener, i: number) => {
      if (l.allowedRoutes?.namespaces?.from === 'All') ctx.report(`spec.listeners[${i}].allowedRoutes.namespaces.from`, "must be 'Same' or 'Selector'");
    });
  }),
  rule('SEC-G04', 'cross-namespace backend and certificate references are allowed by a ReferenceGrant', 'Gateway API: ReferenceGrant is required for cross-namespace references', (o, ctx) => {
    const grants = referenceGrantsIn(ctx.all);
    const granted = (fromKind: string, fromNs: string | undefined, toKind: string, toNs: string, name: string): boolean =>
      grants.some(
        (g) =>
          g.metadata.namespace === toNs &&
          ((g as any).spec?.from ?? []).some((f: { kind: string; namespace: string }) => f.kind === fromKind && f.namespace === fromNs) &&
          ((g as any).spec?.to ?? []).some((t: { kind: string; name?: string }) => t.kind === toKind && (t.name === undefined || t.name === name)),
      );
    if (o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute') {
      ((o as any).spec?.rules ?? []).forEach((r: { backendRefs?: Array<{ name: string; namespace?: string; kind?: string }> }, i: number) =>
        (r.backendRefs ?? []).forEach((b, j) => {
          if (b.namespace && b.namespace !== o.metadata.namespace && !granted(o.kind, o.metadata.namespace, b.kind ?? 'Service', b.namespace, b.name)) {
            ctx.report(`spec.rules[${i}].backendRefs[${j}]`, `refers to ${b.kind ?? 'Service'} '${b.namespace}/${b.name}' without a ReferenceGrant in '${b.namespace}'`);
          }
        }),
      );
    }
    if (o.kind === 'Gateway') {
      ((o as any).spec?.listeners ?? []).forEach((l: { tls?: { certificateRefs?: Array<{ name: string; namespace?: string }> } }, i: number) =>
        (l.tls?.certificateRefs ?? []).forEach((c, j) => {
          if (c.namespace && c.namespace !== o.metadata.namespace && !granted('Gateway', o.metadata.namespace, 'Secret', c.namespace, c.name)) {
            ctx.report(`spec.listeners[${i}].tls.certificateRefs[${j}]`, `refers to Secret '${c.namespace}/${c.name}' without a ReferenceGrant`);
          }
        }),
      );
    }
  }),
  rule('SEC-G05', 'Certificates name a Secret, use ECDSA P-256+ or RSA 2048+, and set duration and renewBefore', 'cert-manager best practice; NIST SP 800-57 key sizes', (o, ctx) => {
    if (o.kind !== 'Certificate') return;
    const s = (o as any).spec ?? {};
    if (!s.secretName) ctx.report('spec.secretName', 'must be set');
    const pk = s.privateKey ?? {};
    const alg = pk.algorithm ?? 'RSA';
    const size = pk.size ?? (alg === 'ECDSA' ? 256 : 2048);
    if (alg === 'RSA' && size < 2048) ctx.report('spec.privateKey.size', 'RSA keys must be at least 2048 bits');
    if (alg === 'ECDSA' && size < 256) ctx.report('spec.privateKey.size', 'ECDSA keys must be at least P-256');
    if (!s.duration) ctx.report('spec.duration', 'must be set explicitly');
    if (!s.renewBefore) ctx.report('spec.renewBefore', 'must be set explicitly');
  }),
];
