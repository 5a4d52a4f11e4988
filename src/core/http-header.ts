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
