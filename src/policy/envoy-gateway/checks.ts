import { isIP } from 'node:net';

/** An HTTP header name as RFC 7230 allows it (a token); the pattern Envoy Gateway's CRDs use. */
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

/** True when `value` is an IPv4 or IPv6 CIDR such as `10.0.0.0/8` or `::/0`. */
export function isCidr(value: string): boolean {
  const [addr, len, extra] = value.split('/');
  const version = isIP(addr ?? '');
  return version !== 0 && extra === undefined && len !== undefined && /^\d+$/.test(len) && Number(len) <= (version === 6 ? 128 : 32);
}
