/**
 * The one check constructs run where a reference is expected and a
 * credential would end up committed to `dist/` (a URL, a header value, an
 * argument, config, ConfigMap data, a description, an annotation, a path in a
 * secret store). It is kept apart from `core/credentials` (what a
 * credential looks like), which `core/errors` reads to redact messages.
 */
import { IConstruct } from 'constructs';
import { credentialInArgs, credentialKindFor, credentialKind } from './credentials';
import { invalid } from './errors';

/** The fix of every refusal, after what the caller says. */
const REFERENCE_FIX = 'keep the credential in a Secret (or a secret store, pulled by an ExternalSecret) and reference it';

/**
 * Throws at once when `value` holds a credential: a credential-shaped
 * string (a key, a token, a JWT, a URL with a password or a token query), a
 * literal under a credential-named key (`pwd`, `db_password`,
 * `secret_access_key`, `MY_PASS`) at any depth, or a credential flag in
 * an argument list (`--password=...`). The message names the field and the
 * kind of credential, never its text.
 *
 * @param scope the construct that received the value
 * @param field the prop or upstream field (`spec.predictor.model.storageUri`)
 * @param value a string, a list (args: flags are read in pairs) or a record (keys are names)
 * @param fix how to give the credential instead, in the terms of the field (`pass EnvValue.fromSecret(...)`)
 * @param name the name the value is set under when `field` does not end with it (an env var, a header)
 * @throws ModelServingError naming the field, the kind of credential and the fix
 */
export function refuseCredential(scope: IConstruct | string, field: string, value: unknown, fix: string, name?: string): void {
  const hit = findIn(value, field, name, 0);
  if (hit) invalid(scope, hit.field, `holds what looks like ${hit.kind}: it would be committed to dist/ in plain text`, `<redacted: ${hit.kind}>`, `${fix}; ${REFERENCE_FIX}`);
}

function findIn(value: unknown, field: string, name: string | undefined, depth: number): { field: string; kind: string } | undefined {
  if (typeof value === 'string') {
    const kind = name !== undefined ? credentialKindFor(name, value) : credentialKind(value);
    return kind !== undefined ? { field, kind } : undefined;
  }
  if (depth > 20 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    const args = credentialInArgs(value);
    if (args) return { field: `${field}[${args.index}]`, kind: args.kind };
    for (let i = 0; i < value.length; i++) {
      const hit = findIn(value[i], `${field}[${i}]`, name, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const hit = findIn(v, `${field}.${k}`, k, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}
