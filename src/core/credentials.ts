/**
 * What a credential looks like, in one place: the shapes of credential
 * values (the project's context rules and secretlint's recommended preset),
 * the names of variables, config keys and flags that hold one, and the HTTP
 * headers that carry one. Every check that refuses a literal secret (the
 * constructs' `refuseCredential`, env vars, route and Kong header changes,
 * Kong plugin config, access logs, the security rules, the credential scan
 * of synthesized output) and every error message that must not quote one
 * (`describeValue`, validation and catalog messages) reads these
 * definitions.
 */

import { secretlintScan } from './secretlint';

/** A recognisable credential value: what it is (for reports) and its shape. */
export interface CredentialPattern {
  /** What the value is, phrased to follow "looks like": `an AWS access key id`. */
  readonly kind: string;
  /** Its shape (no flags but `i`, no anchors: it may appear anywhere in a text). */
  readonly pattern: RegExp;
}

/** The start of a value that refers to a credential instead of holding it: `$(VAR)`, `${VAR}`, `$VAR`, `{{ .x }}`, Kong's `{vault://...}`, `<placeholder>`. */
const REFERENCE = String.raw`\$|\{\{|\{vault:|<`;

/**
 * Values that are credentials themselves, not references to them: private
 * keys, cloud and vendor keys and tokens, JSON Web Tokens, a password in a
 * URL's user info (`https://user:pass@host`), a token in a URL query
 * (`?token=`, `?api_key=`, `?sig=`), a literal HTTP `Bearer`/`Basic`
 * credential. Values that refer to a credential (`$(DB_PASSWORD)`,
 * `${TOKEN}`, `{vault://...}`) are not matched.
 *
 * These are the context rules of the project; the credential scan of
 * synthesized output adds secretlint's recommended preset (see
 * {@link findCredentials}).
 */
export const CREDENTIAL_PATTERNS: readonly CredentialPattern[] = [
  { kind: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { kind: 'an AWS access key id', pattern: /AKIA[0-9A-Z]{16}/ },
  { kind: 'a Hugging Face token', pattern: /hf_[A-Za-z0-9]{30,}/ },
  { kind: 'an OpenAI-style key', pattern: /sk-[A-Za-z0-9]{20,}/ },
  { kind: 'a GitHub token', pattern: /ghp_[A-Za-z0-9]{36}/ },
  // Google Cloud API keys: "AIza" and 35 characters (https://cloud.google.com/docs/authentication/api-keys).
  { kind: 'a Google API key', pattern: /AIza[0-9A-Za-z_-]{35}/ },
  // RFC 7519: base64url header and payload, both JSON objects, so both start with "eyJ" ('{"').
  { kind: 'a JSON Web Token', pattern: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/ },
  // RFC 3986 section 3.2.1: user information "user:password" is deprecated because it exposes the password.
  // The user name may be empty (`redis://:password@host`, Redis' usual form).
  { kind: "a password in a URL's user info", pattern: new RegExp(String.raw`\b[a-z][a-z0-9+.-]*://[^\s/?#@:'"]*:(?!${REFERENCE})[^\s/?#@'"]+@`, 'i') },
  { kind: 'a credential in a URL query parameter', pattern: new RegExp(String.raw`[?&](?:access_token|id_token|refresh_token|token|api_key|api-key|apikey|key|sig|signature|password|passwd|pwd|secret|client_secret|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential)=(?!${REFERENCE})[^&#\s"'<>]+`, 'i') },
  // RFC 9110 section 11: credentials of the Bearer (RFC 6750) and Basic (RFC 7617) schemes; a mix of cases or a digit tells a token from prose.
  { kind: 'a literal HTTP Authorization credential (Bearer or Basic)', pattern: /\b(?:Bearer|Basic)\s+(?=[A-Za-z0-9._~+/-]*[A-Z0-9])(?=[A-Za-z0-9._~+/-]*[a-z])[A-Za-z0-9._~+/-]{16,}=*/ },
];

/**
 * The words that make a key or a variable name hold a credential, as the
 * last word of the name (`db_password`, `MY_PASS`, `AUTH_HEADER`,
 * `secret_access_key`, `pwd`, `clientSecret`, `x-api-key`).
 */
const CREDENTIAL_WORDS = 'password|passwd|pwd|pass|passphrase|secret|secret_key|secret-key|secretkey|token|api_key|api-key|apikey|access_key|access-key|secret_access_key|client_secret|private_key|auth_header|authorization|credential|credentials';

const CREDENTIAL_KEY_WORD = new RegExp(`(?:^|[^a-z0-9])(?:${CREDENTIAL_WORDS})$`);

/**
 * A credential written as an assignment in free text or an embedded file: a
 * credential-named key, then `:`, `=`, `:=` or `=>`, then a literal of six
 * characters or more (`DB_PASSWORD=...`, `password: ...`, Rego
 * `token := "..."`, Kong's `api_key:...`, `--password=...`). Not an HTTP
 * authentication scheme (`Authorization: Bearer`, prose about a header: the
 * token after it is matched by the Bearer/Basic pattern), nor a word followed
 * by a placeholder (`authorization: APIKEY <key>`).
 */
const ASSIGNMENT = new RegExp(
  String.raw`(?<![A-Za-z])(?:${CREDENTIAL_WORDS})["']?[ \t]*(?::=|=>|:|=)[ \t]*["']?(?!${REFERENCE}|(?:true|false|null|none|required|optional)\b|(?:Bearer|Basic|Digest|Negotiate|APIKEY|Token)\b|[A-Za-z-]+[ \t]+(?:${REFERENCE}))[^\s"',;}\])]{6,}`,
  'gi',
);

/** True when `name` (a config key, an annotation, a variable name, a header) names a credential by its last word. */
export function isCredentialKey(name: string): boolean {
  if (typeof name !== 'string' || name === 'PWD') return false; // PWD: the shell's working directory
  // camelCase `credentialsSecret`, `caSecret`: by Kubernetes API convention the name of a Secret object (a reference); `clientSecret` is the OAuth value.
  if (/[a-z0-9]Secret$/.test(name) && name.toLowerCase() !== 'clientsecret') return false;
  // camelCase `secretKey`: the key inside a Secret (ExternalSecret `data[].secretKey`, `secretKeyRef.key`), a reference too;
  // the snake and upper-case spellings (`secret_key`, `SECRET_KEY`) are the application settings that hold one.
  if (/^(?:[a-z0-9]+[A-Z0-9]*)*secretKey$|[a-z0-9]SecretKey$/.test(name)) return false;
  // Kong's `KongConsumer.credentials` lists the names of credential Secrets (references); `CREDENTIALS`, `db_credentials` hold values.
  if (name === 'credentials') return false;
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return CREDENTIAL_KEY_WORD.test(words);
}

/** True when `value` refers to a credential (`$(X)`, `${X}`, `{{ x }}`, `{vault://...}`, `<placeholder>`) or is empty. */
export function isCredentialReference(value: string): boolean {
  return value.trim() === '' || new RegExp(`^(?:${REFERENCE})`).test(value.trim());
}

/** One credential found in a text: what it looks like and where (offsets). Never its text. */
export interface CredentialHit {
  /** What it looks like, phrased to follow "looks like". */
  readonly kind: string;
  /** Offset of the match. */
  readonly start: number;
  /** Offset just past the match. */
  readonly end: number;
}

/**
 * Every credential in `text`: {@link CREDENTIAL_PATTERNS}, credential-named
 * assignments, and the rules of secretlint's recommended preset (cloud keys,
 * vendor tokens, private keys, basic-auth and database URLs).
 *
 * @param text the text
 * @param file the file name the text is written to, if any (some secretlint rules depend on its extension)
 * @returns the hits, by offset
 */
export function findCredentials(text: string, file?: string): CredentialHit[] {
  if (typeof text !== 'string' || text.length < 8) return [];
  const hits: CredentialHit[] = [];
  for (const p of CREDENTIAL_PATTERNS) {
    for (const m of text.matchAll(new RegExp(p.pattern.source, `g${p.pattern.flags}`))) hits.push({ kind: p.kind, start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(ASSIGNMENT)) hits.push({ kind: 'a literal value assigned to a credential name', start: m.index, end: m.index + m[0].length });
  for (const h of secretlintScan(text, file)) hits.push({ kind: `what secretlint's ${h.rule} rule reports as ${h.messageId}`, start: h.start, end: h.end });
  return hits.sort((a, b) => a.start - b.start);
}

/**
 * What the first value shaped like a credential in `text` looks like, by
 * {@link CREDENTIAL_PATTERNS} alone (no names, no secretlint): for texts
 * where names are not meaningful, such as a whole object as JSON.
 */
export function credentialShapeKind(text: string): string | undefined {
  let first: { kind: string; at: number } | undefined;
  for (const p of CREDENTIAL_PATTERNS) {
    const m = p.pattern.exec(text);
    if (m && (first === undefined || m.index < first.at)) first = { kind: p.kind, at: m.index };
  }
  return first?.kind;
}

/** True when `text` contains something shaped like a credential value. */
export function looksLikeCredential(text: string): boolean {
  return credentialKind(text) !== undefined;
}

/**
 * What the first credential in `text` looks like (`'a private key'`, `'a
 * JSON Web Token'`, ...), or undefined when there is none. Reports name the
 * kind, never the value or a part of it.
 */
export function credentialKind(text: string): string | undefined {
  return findCredentials(text)[0]?.kind;
}

/**
 * What the literal `value` set under `name` (a config key, an annotation,
 * an environment variable, a header) looks like when it is a credential:
 * a credential-shaped value anywhere, or any literal under a
 * credential-named key or header. Undefined otherwise, and for references
 * (`$(X)`, `{vault://...}`).
 */
export function credentialKindFor(name: string, value: string): string | undefined {
  if (typeof value !== 'string' || isCredentialReference(value)) return undefined;
  // A switch or a small number under such a name is a setting (`HF_HUB_DISABLE_TOKEN: "1"`, `MAX_TOKEN: "4096"`), not a credential.
  if (/^(?:true|false|yes|no|on|off|\d{1,6})$/i.test(value.trim())) return credentialKind(value);
  if (isCredentialHeader(name)) return `a literal value of the credential header '${name}'`;
  if (isCredentialKey(name)) return `a literal value under the credential name '${name}'`;
  return credentialKind(value);
}

/**
 * The credential in command-line arguments: a credential-named flag with a
 * literal (`--password=...`, or `--token` followed by a value), or a
 * credential-shaped argument.
 *
 * @returns the index of the argument and what it looks like, or undefined
 */
export function credentialInArgs(args: readonly unknown[]): { readonly index: number; readonly kind: string } | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a !== 'string') continue;
    const flag = /^--?([A-Za-z0-9][A-Za-z0-9_.-]*)(?:=(.*))?$/s.exec(a);
    if (flag && isCredentialKey(flag[1])) {
      const value = flag[2] ?? (typeof args[i + 1] === 'string' && !(args[i + 1] as string).startsWith('-') ? (args[i + 1] as string) : undefined);
      if (value !== undefined && !isCredentialReference(value)) return { index: flag[2] !== undefined ? i : i + 1, kind: `a literal value of the credential flag '--${flag[1]}'` };
    }
    const kind = credentialKind(a);
    if (kind !== undefined) return { index: i, kind };
  }
  return undefined;
}

/**
 * Names of environment variables and config keys that hold credentials
 * (`HF_TOKEN`, `DB_PASSWORD`, `client_secret`, `api_key`); their values must
 * come from a Secret, never a literal committed to `dist/`.
 */
export const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/**
 * HTTP headers (lower case) whose values are credentials: HTTP
 * authentication and sessions (RFC 9110 `Authorization`,
 * `Proxy-Authorization`; RFC 6265 `Cookie`, `Set-Cookie`), API keys as
 * Kong's key-auth and the platforms' consumers send them (`apikey`,
 * `x-api-key`), and vendor keys and session tokens (`api-key` as Azure
 * OpenAI reads it, `x-auth-token`, AWS STS `x-amz-security-token`).
 *
 * A gateway must never set one of them to a literal (it would be committed
 * to `dist/` and sent with every request), and access logs must not write them.
 */
export const CREDENTIAL_HEADERS: readonly string[] = [
  'api-key',
  'apikey',
  'authorization',
  'cookie',
  'proxy-authorization',
  'set-cookie',
  'x-amz-security-token',
  'x-api-key',
  'x-auth-token',
];

/** True when `name` (any case) is one of {@link CREDENTIAL_HEADERS}. */
export function isCredentialHeader(name: string): boolean {
  return typeof name === 'string' && CREDENTIAL_HEADERS.includes(name.toLowerCase());
}

/**
 * `value` with every string that looks like a credential replaced by
 * `<redacted: <kind>>`: a credential-shaped string (a key, a token, a URL
 * with a password), or any literal under a credential-named key. For error
 * messages, which must never quote a credential.
 *
 * @param value any value
 * @param name the name it is set under, if any (`DB_PASSWORD`)
 */
export function redactCredentials(value: unknown, name: string | undefined, depth = 0): unknown {
  if (typeof value === 'string') {
    const kind = name !== undefined ? credentialKindFor(name, value) : credentialKind(value);
    return kind === undefined ? value : `<redacted: ${kind}>`;
  }
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactCredentials(v, name, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactCredentials(v, k, depth + 1)]));
}
