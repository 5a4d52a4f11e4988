import { describe, expect, it } from 'vitest';
import { formatIssue, validateObject } from '../../src/validate';
import { randomText } from './hostile-helpers';


describe('validation messages never quote a credential', () => {
  it('an invalid metadata value that is a Google API key is shown by its kind', () => {
    const key = `AIza${randomText(35)}`;
    const issues = validateObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: key, namespace: 'models' }, data: {} }).map(formatIssue);
    expect(issues.join('\n')).toContain('Invalid value: "<redacted: a Google API key>"');
    expect(issues.join('\n')).not.toContain(key);
  });

  it('a schema error on a field holding a JSON Web Token is shown by its kind', () => {
    const token = `eyJ${randomText(20)}.eyJ${randomText(40)}.${randomText(43)}`;
    const issues = validateObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'iris', namespace: 'models' }, spec: { ports: [{ port: token }] } }).map(formatIssue);
    expect(issues.join('\n')).toContain('<redacted: a JSON Web Token>');
    expect(issues.join('\n')).not.toContain(token);
  });
});
