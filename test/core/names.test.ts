import { describe, expect, it } from 'vitest';
import { assertGatewayHostname, isGatewayHostname } from '../../src/core/names';

describe('Gateway API hostnames', () => {
  it.each(['models.example.com', '*.example.com', 'localhost', 'a-b.c', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`])('accepts %s', (host) => {
    expect(isGatewayHostname(host)).toBe(true);
    expect(assertGatewayHostname('x', 'hostname', host)).toBe(host);
  });

  it.each([
    '10.0.0.1',
    '::1',
    'Models.example.com',
    'models.example.com:443',
    'a.*.example.com',
    '*',
    '-models.example.com',
    '',
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`,
    42,
  ])('refuses %s', (host) => {
    expect(isGatewayHostname(host)).toBe(false);
    expect(() => assertGatewayHostname('x', 'hostname', host)).toThrow(/^x: hostname must be a lower-case DNS name, optionally starting with '\*\.' \(received: .*\)\. Fix: use a host such as/);
  });
});
