import { describe, expect, it } from 'vitest';
import { isCidr, isIpOrCidr } from '../../src/core/cidr';

describe('IP addresses and CIDR blocks', () => {
  it.each(['10.0.0.0/8', '0.0.0.0/0', '192.168.1.10/32', '::/0', '2001:db8::/32', '2001:db8::1/128'])('%s is a CIDR block and an IP-or-CIDR', (v) => {
    expect(isCidr(v)).toBe(true);
    expect(isIpOrCidr(v)).toBe(true);
  });

  it.each(['192.168.1.10', '::1'])('%s is an address: IP-or-CIDR, not a CIDR block', (v) => {
    expect(isIpOrCidr(v)).toBe(true);
    expect(isCidr(v)).toBe(false);
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/a', '10.0.0.0/0008', 'example.com', '300.0.0.0/8', '', undefined, 42])('%s is neither', (v) => {
    expect(isIpOrCidr(v)).toBe(false);
    expect(isCidr(v)).toBe(false);
  });
});
