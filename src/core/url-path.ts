import { IConstruct } from 'constructs';
import { controlCharacterName } from './control-character';
import { invalid } from './errors';

/**
 * What is wrong with a URL path given to a gateway or a storage location, or
 * undefined when it is fine. Refused: control characters (NUL, CR, LF: they
 * end or split the request line), `.` and `..` segments (a proxy or a file
 * system normalizes them away, so `/public/../admin` reaches `/admin`),
 * encoded dots, slashes, backslashes and NUL (`%2e`, `%2f`, `%5c`, `%00`:
 * gateways and backends decode them differently, the classic way around
 * a path-based rule), the same encoded a second time (`%252e`: a backend
 * that decodes twice sees `.`), `..;` and `.;` segments (Tomcat and Jetty
 * strip `;` path parameters, so `/api/..;/admin` reaches `/admin`), and
 * backslashes (Envoy and some backends read them as `/`). Gateway API's own CEL rules refuse `//`, `/./`, `/../` and `%2f`
 * in path matches; this check refuses what they let through, earlier.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httppathmatch
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-5.2.4 (remove_dot_segments)
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-3.3 (`;` parameters in a segment)
 */
export function unsafePathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return 'must be a string';
  const control = /[\u0000-\u001F\u007F]/.exec(path);
  if (control) {
    const c = control[0];
    const name = controlCharacterName(c);
    return `holds the control character ${name}, which would end or split the request line`;
  }
  const twice = /%(25)+(2e|2f|5c|00)/i.exec(path);
  if (twice) return `holds the double-encoded character ${twice[0]} (an encoded '%' before an encoded '.', '/', '\\' or NUL), which a backend that decodes twice reads as '.', '/', '\\' or NUL: a path rule could be bypassed`;
  const encoded = /%(2e|2f|5c|00)/i.exec(path);
  if (encoded) return `holds the encoded character ${encoded[0]} (an encoded '.', '/', '\\' or NUL), which gateways and backends decode differently: a path rule could be bypassed`;
  if (path.includes('\\')) return "holds a backslash, which some proxies and backends read as '/'";
  const param = path.split('/').find((s) => s.includes(';') && ['.', '..'].includes(s.split(';')[0]));
  if (param !== undefined) return `holds the segment '${param}', which Tomcat and Jetty read as '${param.split(';')[0]}' (they strip ';' path parameters): '/api/..;/admin' reaches '/admin'`;
  if (path.split('/').some((s) => s === '..' || s === '.')) return "holds a '.' or '..' segment, which is normalized away (RFC 3986 remove_dot_segments): '/public/../admin' reaches '/admin'";
  return undefined;
}

/**
 * Refuses an unsafe path ({@link unsafePathProblem}).
 *
 * @param fix how to fix it
 * @throws ModelServingError naming the field and the value
 */
export function assertSafePath(scope: IConstruct | string, field: string, path: unknown, fix = "write the normalized path without '.', '..', encoded characters or control characters, e.g. /v1/models"): string {
  const problem = unsafePathProblem(path);
  if (problem !== undefined) invalid(scope, field, problem, path, fix);
  return path as string;
}

/**
 * What is wrong with the path of an `Exact` or `PathPrefix` match, or
 * undefined when it is fine: {@link unsafePathProblem}, and `?`, `#` or
 * whitespace, which a request path never holds (the query and fragment are
 * not part of it, a space is sent encoded), so the match would never match.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-3.3
 */
export function pathMatchProblem(path: unknown): string | undefined {
  const unsafe = unsafePathProblem(path);
  if (unsafe !== undefined) return unsafe;
  const c = /[?#\s]/.exec(path as string);
  if (c) return `holds ${c[0] === '?' ? "'?'" : c[0] === '#' ? "'#'" : 'whitespace'}, which a request path never holds (the query and fragment are not part of the path; a space is sent encoded): the match would never match`;
  return undefined;
}

/**
 * Refuses a path prefix a gateway puts before the paths it sends upstream
 * (an OpenAI API's `/v1`, an AI backend's `/v1beta/openai`): an unsafe path
 * ({@link unsafePathProblem}), and `?`, `#` or whitespace, since the
 * gateway appends the API's own path (`/chat/completions`) after the
 * prefix: a query or fragment there would swallow it.
 *
 * @param fix how to fix it, e.g. "write e.g. '/v1'"
 * @throws ModelServingError naming the field and the value
 */
export function assertSafePathPrefix(scope: IConstruct | string, field: string, path: unknown, fix: string): string {
  assertSafePath(scope, field, path, fix);
  const c = /[?#\s]/.exec(path as string);
  if (c) invalid(scope, field, `holds ${c[0] === '?' ? "'?'" : c[0] === '#' ? "'#'" : 'whitespace'}: a path prefix holds no query or fragment (the API's path, e.g. /chat/completions, is appended to it; a space is sent encoded)`, path, fix);
  return path as string;
}
