import { IConstruct } from 'constructs';
import { refuseCredential } from './credential-refusal';
import { invalid } from './errors';
import { controlCharacterName } from './control-character';

/**
 * An HTTP field (header) name: an RFC 9110 `token` (RFC 7230 before it),
 * the pattern the Envoy Gateway and kgateway CRDs use for header names.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.1
 */
const HTTP_HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

/** True when `value` is an HTTP header name (a non-empty RFC 9110 token); false for a non-string. */
export function isHttpHeaderName(value: unknown): value is string {
  return typeof value === 'string' && HTTP_HEADER_NAME.test(value);
}

/**
 * What is wrong with an HTTP field (header) value, or undefined when it is
 * fine: CR, LF and NUL are refused (RFC 9110 §5.5: "Field values containing
 * CR, LF, or NUL characters are invalid and dangerous"): a CR or LF would
 * end the header and start another one (header injection), a NUL ends it
 * early in C code. Other control characters except tab are refused too
 * (they are not `field-vchar`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.5
 */
export function httpHeaderValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  const bad = /[\u0000-\u0008\u000A-\u001F\u007F]/.exec(value);
  if (!bad) return undefined;
  const c = bad[0];
  const name = controlCharacterName(c);
  return `holds the control character ${name}, which RFC 9110 (section 5.5) forbids in a header value: CR and LF would start another header, NUL would end it early`;
}

/**
 * Refuses an HTTP header name that is not an RFC 9110 token (which also
 * refuses CR, LF, NUL, spaces and ':').
 *
 * @throws ModelServingError naming the field and the value
 */
export function assertHttpHeaderName(scope: IConstruct | string, field: string, name: unknown): string {
  if (!isHttpHeaderName(name)) invalid(scope, field, "must be an HTTP header name (an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~; no spaces, ':', CR, LF or NUL)", name, 'use e.g. x-user-id');
  return name;
}

/**
 * Refuses an HTTP header value with CR, LF, NUL or another control character
 * ({@link httpHeaderValueProblem}).
 *
 * @throws ModelServingError naming the field and the value
 */
export function assertHttpHeaderValue(scope: IConstruct | string, field: string, value: unknown): string {
  const problem = httpHeaderValueProblem(value);
  if (problem !== undefined) invalid(scope, field, problem, value, 'remove the line breaks and control characters; send one value per header');
  return value as string;
}

/**
 * What is wrong with a CORS allowed origin, or undefined when it is fine:
 * `*`, or an `http://` / `https://` origin (`https://app.example.com`,
 * `https://*.example.com`), scheme://host[:port] only: an origin with a
 * path (`https://a.example.com/path`) is refused. A `javascript:`, `file:`, `data:` or `null`
 * origin is refused: no web site has it, and allowing it lets sandboxed
 * documents and local files call the API with the user's cookies.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6454#section-7 (the Origin header)
 */
export function corsOriginProblem(origin: unknown): string | undefined {
  if (typeof origin !== 'string' || origin.trim() === '') return 'must be a non-empty origin';
  if (origin === '*') return undefined;
  const control = httpHeaderValueProblem(origin);
  if (control !== undefined) return control;
  if (/\s/.test(origin)) return 'must not contain spaces';
  if (!/^https?:\/\/[^/]/i.test(origin)) return "is not an http:// or https:// origin: a javascript:, file:, data: or 'null' origin is not a web site, and allowing it lets sandboxed documents and local files call with the user's credentials";
  // RFC 6454 §7: the Origin header is scheme "://" host [ ":" port ], nothing after it.
  if (!/^https?:\/\/[^/?#]+$/i.test(origin)) return "is not an origin: an origin is scheme://host[:port] only (no path, not even '/', no query or fragment), so a browser's Origin header never equals it";
  return undefined;
}

/**
 * Checks CORS allowed origins ({@link corsOriginProblem}) and refuses `*`
 * together with credentials: the Fetch standard forbids
 * `Access-Control-Allow-Origin: *` on a credentialed request, and gateways
 * that "fix" it by echoing the request's Origin (Gateway API's CORS filter
 * does) then let every site call with the user's cookies.
 *
 * @param origins the origins' field, e.g. `cors.allowOrigins`; an entry is reported as `<field>[i]`
 * @param credentialsField the credentials' field, e.g. `cors.allowCredentials`
 * @throws ModelServingError for the first bad origin, or `*` with credentials
 * @see https://fetch.spec.whatwg.org/#cors-protocol-and-credentials
 */
export function assertCorsOrigins(scope: IConstruct | string, field: string, origins: readonly unknown[], credentials: boolean | undefined, credentialsField: string): void {
  if (!Array.isArray(origins)) invalid(scope, field, 'must be a list of origins', origins, "pass e.g. ['https://app.example.com']");
  origins.forEach((o, i) => {
    refuseCredential(scope, `${field}[${i}]`, o, 'an origin is scheme://host[:port] only');
    const problem = corsOriginProblem(o);
    if (problem !== undefined) invalid(scope, `${field}[${i}]`, problem, o, 'list the web origins allowed, e.g. https://app.example.com');
  });
  // `https://*` and `http://*` are the wildcard under another spelling: every https (or http) site.
  const wildcard = credentials === true ? origins.find((o) => o === '*' || (typeof o === 'string' && /^https?:\/\/\*(:\d*)?$/i.test(o))) : undefined;
  if (wildcard !== undefined) {
    invalid(scope, credentialsField, `cannot be true with origin '${String(wildcard)}'${wildcard === '*' ? '' : ' (every site of that scheme)'}: the Fetch standard forbids a wildcard origin on credentialed requests, and a gateway that echoes the Origin instead lets every site call with the user's cookies`, origins, 'list the allowed origins explicitly, or leave credentials off');
  }
}

/**
 * Refuses `*` in the allowed methods, allowed headers or exposed headers of
 * a CORS configuration with credentials: the Fetch standard gives `*` its
 * wildcard meaning in `Access-Control-Allow-Methods`,
 * `Access-Control-Allow-Headers` and `Access-Control-Expose-Headers` only
 * for requests without credentials, and gateways that expand it instead
 * (echoing the preflight's requested headers) open every header, e.g.
 * Authorization, to every allowed site.
 *
 * @param lists the lists by field name, e.g. `{ allowHeaders: [...] }`
 * @throws ModelServingError naming the first list holding `*`
 * @see https://fetch.spec.whatwg.org/#http-new-header-syntax (the `*` of the CORS response headers)
 * @see https://fetch.spec.whatwg.org/#cors-protocol-and-credentials
 */
export function assertNoCorsWildcardsWithCredentials(scope: IConstruct | string, credentials: boolean | undefined, credentialsField: string, lists: Readonly<Record<string, readonly unknown[] | undefined>>): void {
  if (credentials !== true) return;
  for (const [field, list] of Object.entries(lists)) {
    const i = (list ?? []).indexOf('*');
    if (i >= 0) {
      invalid(scope, `${field}[${i}]`, `is '*' while ${credentialsField} is true: the Fetch standard treats '*' as a wildcard only without credentials, and a gateway that expands it opens every value (Authorization included) to every allowed site`, '*', `list the values explicitly, or leave ${credentialsField} off`);
    }
  }
}
