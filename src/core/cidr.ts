import { isIP } from 'node:net';

/**
 * The prefix length of `value` as an IP address or CIDR block: `null` for a
 * bare address, the number for a block, undefined when `value` is neither
 * (not an IPv4/IPv6 address, more than one '/', or a prefix that is not 1 to
 * 3 digits within 32 for IPv4 and 128 for IPv6).
 */
function prefixLength(value: unknown): number | null | undefined {
  if (typeof value !== 'string') return undefined;
  const [address, prefix, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return undefined;
  if (prefix === undefined) return null;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) return undefined;
  return Number(prefix);
}

/** True for an IPv4 or IPv6 address, or a CIDR block with a prefix length valid for its family: `192.168.1.10`, `10.0.0.0/8`, `::/0`. */
export function isIpOrCidr(value: unknown): boolean {
  return prefixLength(value) !== undefined;
}

/** True for an IPv4 or IPv6 CIDR block (the prefix length is required): `10.0.0.0/8`, `::/0`. */
export function isCidr(value: unknown): boolean {
  return typeof prefixLength(value) === 'number';
}
