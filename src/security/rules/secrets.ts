import { credentialKindFor, credentialShapeKind } from '../../core/credentials';
import { podsOf } from '../pod-specs';
import { CheckedRule, rule } from '../rule';

/** Secret hygiene: no secret values in Git (OWASP Kubernetes Top 10, K08 secrets management). */
export const SECRET_RULES: readonly CheckedRule[] = [
  rule('SEC-S01', 'no Secret carries data in dist/', 'OWASP Kubernetes Top 10 K08: secrets belong in a secret store, referenced, never committed', (o, ctx) => {
    if (o.kind !== 'Secret') return;
    const s = o as any;
    if (s.data && Object.keys(s.data).length > 0) ctx.report('data', 'must not be committed; reference the Secret or pull it with an ExternalSecret');
    if (s.stringData && Object.keys(s.stringData).length > 0) ctx.report('stringData', 'must not be committed; reference the Secret or pull it with an ExternalSecret');
  }),
  rule('SEC-S02', 'no literal credential values in container env', 'OWASP Kubernetes Top 10 K08; kube-linter env-var-secret', (o, ctx) => {
    for (const p of podsOf(o)) {
      for (const c of p.containers) {
        (c.container.env ?? []).forEach((e: { name: string; value?: string }, i: number) => {
          if (e.value !== undefined && e.value !== '' && credentialKindFor(e.name, e.value) !== undefined) {
            ctx.report(`${c.path}.env[${i}]`, `'${e.name}' has a literal value that looks like a credential; use valueFrom.secretKeyRef`);
          }
        });
      }
    }
  }),
  rule('SEC-S03', 'no private keys or cloud access keys anywhere in an object', 'OWASP Kubernetes Top 10 K08', (o, ctx) => {
    // Name only the kind of credential: a report (CI log, README) must not leak any part of the value.
    const kind = credentialShapeKind(JSON.stringify(o));
    if (kind !== undefined) ctx.report('', `contains what looks like ${kind}; reference it from a Secret instead`);
  }),
];
