/**
 * CEL literals and conditions the policy compilers write (Kuadrant,
 * kgateway, agentgateway), with values quoted and escaped so that user
 * input (tier names, claims, header names, paths) cannot change an
 * expression's meaning.
 *
 * @see https://github.com/google/cel-spec/blob/master/doc/langdef.md#string-and-bytes-values
 */

/**
 * A CEL string literal for `value`. Its escapes are JSON's (`\\`, `\"`,
 * `\n`, `\uXXXX`, ...), which CEL reads alike; in single quotes `"` needs
 * no escape and `'` gets one.
 *
 * @param quote the quote character: `"` (Kuadrant's policies) or `'` (kgateway's and agentgateway's, whose own expressions use it)
 */
export function celString(value: string, quote: '"' | "'" = '"'): string {
  const json = JSON.stringify(value);
  if (quote === '"') return json;
  return `'${json.slice(1, -1).replace(/\\.|'/g, (m) => (m === '\\"' ? '"' : m === "'" ? "\\'" : m))}'`;
}

/** A CEL list literal of strings (see {@link celString}). */
export function celStringList(values: readonly string[], quote: '"' | "'" = '"'): string {
  return `[${values.map((v) => celString(v, quote)).join(', ')}]`;
}

/**
 * A CEL condition matching `prefix` on whole path segments, as HTTPRoute
 * `PathPrefix` does: `/v1/models` matches `/v1/models` and `/v1/models/x`,
 * not `/v1/modelsx`; a prefix ending in `/` matches anything below it.
 *
 * @param path the request's path without its query string (`request.path` on agentgateway, `request.url_path` on kgateway)
 */
export function celPathPrefix(path: string, prefix: string): string {
  if (prefix.endsWith('/')) return `${path}.startsWith(${celString(prefix, "'")})`;
  return `(${path} == ${celString(prefix, "'")} || ${path}.startsWith(${celString(`${prefix}/`, "'")}))`;
}
