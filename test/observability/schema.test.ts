import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/validate/issue';
import { validateObjects } from '../../src/validate/validator';
import { synthObjects } from '../util';
import { everything } from './fixtures';

describe('observability objects', () => {
  it('pass the CRD and core schemas (strict fields, CEL rules) of the pinned versions', () => {
    const objects = synthObjects(everything().app);
    const kinds = new Set(objects.map((o) => o.kind));
    for (const k of ['PodMonitor', 'ServiceMonitor', 'PrometheusRule', 'ConfigMap', 'GrafanaDashboard', 'KongPlugin', 'EnvoyProxy', 'HTTPListenerPolicy', 'Telemetry', 'ReferenceGrant', 'NetworkPolicy']) expect(kinds).toContain(k);
    const issues = validateObjects(objects.map((o) => ({ object: o, file: `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` })));
    expect(issues.map(formatIssue)).toEqual([]);
  });
});
