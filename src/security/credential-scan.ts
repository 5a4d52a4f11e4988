import * as path from 'node:path';
import { credentialInArgs, credentialShapeKind, credentialKindFor, findCredentials, isCredentialHeader, isCredentialKey } from '../core/credentials';
import type { PlatformOutput } from '../delivery/synth';
import { SynthError } from '../delivery/synth';
import { CREDENTIAL_SCAN_RULE_ID } from './finding';


/** One credential found in an output file. Never its text. */
export interface CredentialFinding {
  /** The output file: `<outdir>/<platform>/<file>`. */
  readonly file: string;
  /** The object (`Kind/name`) when the file holds one. */
  readonly object?: string;
  /** Where in the object (`spec.predictor.model.storageUri`, `data.policy.rego`), or the line of a generated file (`line 12`). */
  readonly path: string;
  /** What the credential looks like (`a JSON Web Token`, `a password in a URL's user info`). */
  readonly kind: string;
}

/** How to fix a finding: the same for every kind. */
const FIX = 'keep the credential in a Secret and reference it (valueFrom.secretKeyRef, EnvValue.fromSecret, SecretRef.named), or pull it from a secret store with an ExternalSecret; then rotate it, as it may have been shared already';

/** `<file>: <Kind/name>: <path>: [SEC-S04] holds what looks like <kind> ... Fix: ...` */
export function formatCredentialFinding(f: CredentialFinding): string {
  return `${f.file}: ${f.object ? `${f.object}: ` : ''}${f.path || '(object)'}: [${CREDENTIAL_SCAN_RULE_ID}] holds what looks like ${f.kind}, which must never be written to dist/ (its text is not shown). Fix: ${FIX}`;
}

interface Leaf {
  readonly path: string;
  readonly value: string;
}

/** Every string of `value` with its path (`a.b[0].c`, `data["policy.rego"]` written as `data.policy.rego`), and the context checks of keys, headers and args. */
function walk(value: unknown, at: string, key: string | undefined, leaves: Leaf[], report: (path: string, kind: string) => void, pair = false): void {
  // A number under a credential name is a literal too (`password: 83749283749`); a small one is a setting (`max_tokens: 4096`).
  if ((typeof value === 'number' || typeof value === 'bigint') && key !== undefined && isCredentialKey(key) && Math.abs(Number(value)) >= 1e6) {
    report(at, `a literal value under the credential name '${key}'`);
    return;
  }
  if (typeof value === 'string') {
    leaves.push({ path: at, value });
    // A header name counts only as the name of a `{ name, value }` pair (a header modifier); as an object key it is often a setting about the header (access-log redaction).
    if (key !== undefined && (isCredentialKey(key) || (pair && isCredentialHeader(key)))) {
      const kind = credentialKindFor(key, value);
      if (kind !== undefined) report(at, kind);
    }
    return;
  }
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) {
      const hit = credentialInArgs(value);
      if (hit && /^(args|command)$/.test(key ?? '')) report(`${at}[${hit.index}]`, hit.kind);
    }
    value.forEach((v, i) => walk(v, `${at}[${i}]`, key, leaves, report));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  // `{ name, value }` pairs (env vars, header modifiers, Kong config lists): the name is the value's key.
  const pairName = typeof o.name === 'string' && typeof o.value === 'string' ? o.name : undefined;
  // Label values are identifiers (at most 63 characters of [A-Za-z0-9._-]) that select objects, such as `konghq.com/credential: key-auth`: their keys name no credential.
  const labels = key === 'labels' || key === 'matchLabels';
  // Kong's `custom_fields_by_lua` maps log field names (`request.headers.authorization`) to Lua code run when logging, often to drop the header: the names hold nothing.
  const logFields = key === 'custom_fields_by_lua';
  for (const [k, v] of Object.entries(o)) {
    const p = at === '' ? k : `${at}.${k}`;
    // A key can hold a credential too (a ConfigMap data key, an annotation key): scanned for credential shapes,
    // not for names (a key naming a credential is what the value checks are for).
    const inKey = credentialShapeKind(k);
    if (inKey !== undefined) report(at === '' ? '<key>' : `${at}.<key>`, `${inKey} (as a key, not shown)`);
    const isPairValue = k === 'value' && pairName !== undefined;
    walk(v, p, labels || logFields ? undefined : isPairValue ? pairName : k, leaves, report, isPairValue);
  }
}

/**
 * The base64 values of a Secret's `data` and a ConfigMap's `binaryData`,
 * decoded, so that an encoded credential is found too (the apiserver stores
 * them decoded; base64 hides nothing), and the ConfigMap `data` values that
 * are base64 of text.
 */
function decodedLeaves(o: { readonly kind: string } & Record<string, unknown>): Leaf[] {
  const leaves: Leaf[] = [];
  const field = o.kind === 'Secret' ? 'data' : o.kind === 'ConfigMap' ? 'binaryData' : undefined;
  const values = field !== undefined ? o[field] : undefined;
  if (values !== null && typeof values === 'object') {
    for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
      if (typeof v === 'string' && /^[A-Za-z0-9+/=\s]+$/.test(v)) leaves.push({ path: `${field}.${k}`, value: Buffer.from(v, 'base64').toString('utf8') });
    }
  }
  // A ConfigMap's text data may hold a base64 blob too (an encoded credentials file): decoded when it is
  // base64 through and through and decodes to text.
  const data = o.kind === 'ConfigMap' ? o.data : undefined;
  if (data !== null && typeof data === 'object') {
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
      if (typeof v !== 'string' || v.length < 16 || v.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(v)) continue;
      const text = Buffer.from(v, 'base64').toString('utf8');
      if (/^[\t\n\r\x20-\x7e]+$/.test(text)) leaves.push({ path: `data.${k} (base64)`, value: text });
    }
  }
  return leaves;
}

/**
 * Scans the strings of one object as one text, one string a line, so that
 * every rule (ours and secretlint's) runs once per object, and maps each hit
 * back to the string it is in. Keys are checked by {@link walk}: for
 * credential shapes, and as names, where references (`secretKey`, Secret
 * names) are told apart.
 */
function scanLeaves(leaves: readonly Leaf[], file: string, report: (path: string, kind: string) => void): void {
  const starts: number[] = [];
  let text = '';
  for (const l of leaves) {
    starts.push(text.length);
    text += `${l.value}\n`;
  }
  for (const hit of findCredentials(text, file)) {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= hit.start) lo = mid;
      else hi = mid - 1;
    }
    const leaf = leaves[lo];
    if (leaf !== undefined) report(leaf.path, hit.kind);
  }
}

/**
 * Scans every output of the platforms, objects and generated files alike
 * (`README.md`, `POLICY.md`, `kustomization.yaml`, ConfigMap data and the
 * policies and dashboards embedded in it), for credentials: secretlint's
 * recommended preset (cloud keys, vendor tokens, private keys, basic-auth and
 * database URLs) and the context rules of `core/credentials` (URL user info,
 * token query parameters, JSON Web Tokens, Bearer/Basic values, literals
 * under credential-named keys, env vars, headers, annotations and flags).
 *
 * @param outputs the platforms, with their generated files
 * @param options.outdir the output folder as shown in reports
 * @returns one finding per string (or file line) holding a credential, by file and path
 */
export function scanCredentials(outputs: readonly PlatformOutput[], options: { readonly outdir?: string } = {}): CredentialFinding[] {
  const findings = new Map<string, CredentialFinding>();
  // One finding per string (or line), naming every kind of credential found in it.
  const add = (f: CredentialFinding) => {
    const id = `${f.file}\u0000${f.path}`;
    const seen = findings.get(id);
    if (seen === undefined) findings.set(id, f);
    else if (!seen.kind.split(', and ').includes(f.kind)) findings.set(id, { ...seen, kind: `${seen.kind}, and ${f.kind}` });
  };
  for (const p of outputs) {
    const shown = (name: string) => (options.outdir !== undefined ? path.posix.join(options.outdir, p.name, name) : `${p.name}/${name}`);
    for (const m of p.manifests) {
      const file = shown(m.file);
      const object = `${m.object.kind}/${m.object.metadata.namespace ? `${m.object.metadata.namespace}/` : ''}${m.object.metadata.name ?? ''}`;
      const report = (at: string, kind: string) => add({ file, object, path: at, kind });
      const leaves: Leaf[] = [];
      walk(m.object, '', undefined, leaves, report);
      leaves.push(...decodedLeaves(m.object));
      scanLeaves(leaves, m.file, report);
    }
    for (const name of Object.keys(p.files).sort()) {
      const text = p.files[name];
      for (const hit of findCredentials(text, name)) {
        add({ file: shown(name), path: `line ${text.slice(0, hit.start).split('\n').length}`, kind: hit.kind });
      }
    }
  }
  return [...findings.values()].sort((a, b) => (a.file + a.path < b.file + b.path ? -1 : 1));
}

/**
 * Fails when any output holds a credential. Run on everything that would be
 * written, generated files included, before anything is written.
 *
 * Findings of this scan cannot be waived ({@link SecurityWaivers} refuses
 * its id): a waiver documents why an object cannot meet a rule, but nothing
 * makes a credential in Git acceptable; once committed it is leaked to
 * everyone with read access and stays in the history. The fix is always a
 * reference to a Secret.
 *
 * @throws SynthError with one line per finding: file, object, path, the kind of credential (never its text) and the fix
 */
export function assertNoCredentials(outputs: readonly PlatformOutput[], options: { readonly outdir?: string } = {}): void {
  const findings = scanCredentials(outputs, options);
  if (findings.length > 0) throw new SynthError(findings.map(formatCredentialFinding));
}
