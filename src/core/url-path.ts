import { IConstruct } from 'constructs';
import { invalid } from './errors';

/**
 * What is wrong with a URL path given to a gateway or a storage location, or
 * undefined when it is fine. Refused: control characters (NUL, CR, LF: they
 * end or split the request line), `.` and `..` segments (a proxy or a file
 * system normalizes them away, so `/public/../admin` reaches `/admin`),
 * encoded dots, slashes, backslashes and NUL (`%2e`, `%2f`, `%5c`, `%00`:
 * gateways and backends decode them differently, the classic way around
 * a path-based rule), and backslashes (Envoy and some backends read them as
 * `/`). Gateway API's own CEL rules refuse `//`, `/./`, `/../` and `%2f`
 * in path matches; this check refuses what they let through, earlier.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httppathmatch
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-5.2.4 (remove_dot_segments)
 */
export function unsafePathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return 'must be a string';
  const control = /[\u0000-\u001F\u007F]/.exec(path);
  if (control) {
    const c = control[0];
    const name = c === '\r' ? 'CR' : c === '\n' ? 'LF' : c === '\u0000' ? 'NUL' : `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    return `holds the control character ${name}, which would end or split the request line`;
  }
  const encoded = /%(2e|2f|5c|00)/i.exec(path);
  if (encoded) return `holds the encoded character ${encoded[0]} (an encoded '.', '/', '\\' or NUL), which gateways and backends decode differently: a path rule could be bypassed`;
  if (path.includes('\\')) return "holds a backslash, which some proxies and backends read as '/'";
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
