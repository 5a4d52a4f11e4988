/**
 * What a credential looks like, in one place: the shapes of credential
 * values, the names of variables and config keys that hold one, and the
 * HTTP headers that carry one. Every check that refuses a literal secret
 * (env vars, route and Kong header changes, Kong plugin config, access
 * logs, the security rules) reads these definitions.
 */

/** A recognisable credential value: what it is (for reports) and its shape. */
export interface CredentialPattern {
  /** What the value is, phrased to follow "looks like": `an AWS access key id`. */
  readonly kind: string;
  /** Its shape (no flags, no anchors: it may appear anywhere in a text). */
  readonly pattern: RegExp;
}

/**
 * Values that are credentials themselves, not references to them: private
 * keys, AWS access key ids, Hugging Face, OpenAI-style and GitHub tokens.
 */
export const CREDENTIAL_PATTERNS: readonly CredentialPattern[] = [
  { kind: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { kind: 'an AWS access key id', pattern: /AKIA[0-9A-Z]{16}/ },
  { kind: 'a Hugging Face token', pattern: /hf_[A-Za-z0-9]{30,}/ },
  { kind: 'an OpenAI-style key', pattern: /sk-[A-Za-z0-9]{20,}/ },
  { kind: 'a GitHub token', pattern: /ghp_[A-Za-z0-9]{36}/ },
];

/**
 * Any of {@link CREDENTIAL_PATTERNS}, one capturing group per pattern in
 * that order (see {@link credentialKind}).
 */
export const CREDENTIAL_VALUE = new RegExp(CREDENTIAL_PATTERNS.map((p) => `(${p.pattern.source})`).join('|'));

/** True when `text` contains something shaped like a credential value. */
export function looksLikeCredential(text: string): boolean {
  return CREDENTIAL_VALUE.test(text);
}

/**
 * What the first credential-shaped value in `text` looks like (`'a private
 * key'`, `'an AWS access key id'`, ...), or undefined when there is none.
 * Reports name the kind, never the value or a part of it.
 */
export function credentialKind(text: string): string | undefined {
  const m = CREDENTIAL_VALUE.exec(text);
  if (!m) return undefined;
  const group = m.slice(1).findIndex((g) => g !== undefined);
  return CREDENTIAL_PATTERNS[group]?.kind ?? 'a credential';
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
