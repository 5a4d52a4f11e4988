import { BlockList, isIP } from 'node:net';

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

/**
 * True when every address of `inner` is also in `outer` (both IP addresses
 * or CIDR blocks of one family; a bare address is a /32 or /128). Two CIDR
 * blocks are either nested or disjoint, so two entries overlap exactly when
 * one contains the other.
 *
 * @returns false for values that are not addresses or blocks, or of different families
 */
export function cidrContains(outer: string, inner: string): boolean {
  const o = prefixLength(outer);
  const i = prefixLength(inner);
  if (o === undefined || i === undefined) return false;
  const [outerAddress] = outer.split('/');
  const [innerAddress] = inner.split('/');
  const family = isIP(outerAddress);
  if (family !== isIP(innerAddress)) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const outerPrefix = o ?? (family === 4 ? 32 : 128);
  const innerPrefix = i ?? (family === 4 ? 32 : 128);
  if (innerPrefix < outerPrefix) return false;
  const list = new BlockList();
  list.addSubnet(outerAddress, outerPrefix, type);
  // Blocks nest: an inner block at least as long as the outer one is inside it when any one of its addresses is.
  return list.check(innerAddress, type);
}

/**
 * The first entry of `allow` that lies inside (or equals) an entry of
 * `deny`, with that deny entry: an allow entry that can never take effect
 * where deny is checked first (Kong's ip-restriction refuses a client on
 * the deny list before it reads the allow list).
 */
export function allowShadowedByDeny(allow: readonly string[], deny: readonly string[]): { readonly allow: string; readonly allowIndex: number; readonly deny: string; readonly denyIndex: number } | undefined {
  for (const [allowIndex, a] of allow.entries()) {
    const denyIndex = deny.findIndex((d) => cidrContains(d, a));
    if (denyIndex >= 0) return { allow: a, allowIndex, deny: deny[denyIndex], denyIndex };
  }
  return undefined;
}
