import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { assertPort, assertPortName, isPortName } from '../../src/core/port';

describe('port numbers', () => {
  it.each([1, 80, 65535])('accepts %s', (port) => expect(assertPort('x', 'port', port, 'use 8080')).toBe(port));

  it.each([0, 65536, -1, 8080.5, Number.NaN, '8080'])('refuses %s', (port) => {
    expect(() => assertPort('x', 'port', port, 'use 8080')).toThrow(/^x: port must be an integer between 1 and 65535 \(received: .*\)\. Fix: use 8080$/);
  });
});

describe('port names (Kubernetes IsValidPortName)', () => {
  it.each(['http', 'h2c', 'http1', 'proxy-tls', 'a', '9p', 'abcdefghijklmno'])('accepts %s', (name) => {
    expect(isPortName(name)).toBe(true);
    expect(assertPortName('x', 'ports[0].name', name, "use e.g. 'http'")).toBe(name);
  });

  it.each<[unknown, RegExp]>([
    ['', /must not be empty/],
    ['abcdefghijklmnop', /must be at most 15 characters/],
    ['Status_Port', /must contain only lower-case letters, digits and '-'/],
    ['123', /must contain at least one letter/],
    ['-http', /must not start or end with '-'/],
    ['http-', /must not start or end with '-'/],
    ['h2--c', /must not contain '--'/],
    [8080, /must be a string/],
  ])('refuses %s', (name, problem) => {
    expect(isPortName(name)).toBe(false);
    let error: unknown;
    try {
      assertPortName('x', 'ports[0].name', name, "use e.g. 'http'");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelServingError);
    const message = (error as ModelServingError).message;
    expect(message).toMatch(problem);
    expect(message).toMatch(/^x: ports\[0\]\.name must .*\(a port name is an IANA_SVC_NAME: .*\) \(received: .*\)\. Fix: use e\.g\. 'http'$/);
  });
});
