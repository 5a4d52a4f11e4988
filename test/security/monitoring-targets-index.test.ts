/**
 * SEC-M02 finds the pods a PodMonitor selects through an index of the
 * platform's pods by label, starting from the matchLabels entry fewest pods
 * carry (not the first one, which may be `component: predictor`, carried by
 * every model's pods). For any pods and monitors it reports exactly what the
 * definition gives: each pod of the monitor's namespaces that its selector
 * selects and whose containers do not declare the scraped port, in the order
 * of the objects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSecurity } from '../../src/security/check';
import type { KObject } from '../../src/security/finding';
import { selects } from '../../src/security/network-policy-eval';

const NAMESPACES = ['a', 'b'];
const KEYS = ['app', 'component', 'tier'];
const VALUES = ['x', 'y'];
const PORTS = [8080, 9090];

const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });
const deployment = fc.record({ ns: fc.constantFrom(...NAMESPACES), labels, port: fc.constantFrom(...PORTS) });
const monitor = fc.record({ ns: fc.constantFrom(...NAMESPACES), matchLabels: labels, port: fc.constantFrom(...PORTS), namespaces: fc.option(fc.array(fc.constantFrom(...NAMESPACES), { maxLength: 2 }), { nil: undefined }) });

const deploymentObject = (d: { ns: string; labels: Record<string, string>; port: number }, i: number): KObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `d${i}`, namespace: d.ns },
    spec: { template: { metadata: { labels: d.labels }, spec: { containers: [{ name: 'c', ports: [{ containerPort: d.port }] }] } } },
  }) as unknown as KObject;

const monitorObject = (m: { ns: string; matchLabels: Record<string, string>; port: number; namespaces?: string[] }, i: number): KObject =>
  ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: `m${i}`, namespace: m.ns },
    spec: { selector: { matchLabels: m.matchLabels }, ...(m.namespaces ? { namespaceSelector: { matchNames: m.namespaces } } : {}), podMetricsEndpoints: [{ portNumber: m.port }] },
  }) as unknown as KObject;

/** The SEC-M02 messages by the definition: every selected pod without the port, for each monitor, in object order. */
function defined(deployments: ReadonlyArray<{ ns: string; labels: Record<string, string>; port: number }>, monitors: ReadonlyArray<{ ns: string; matchLabels: Record<string, string>; port: number; namespaces?: string[] }>): string[] {
  const out: string[] = [];
  monitors.forEach((m, i) => {
    const namespaces = m.namespaces ?? [m.ns];
    const selected = deployments.map((d, j) => [d, j] as const).filter(([d]) => namespaces.includes(d.ns) && selects({ matchLabels: m.matchLabels }, d.labels));
    for (const [d, j] of selected) if (d.port !== m.port) out.push(`m${i}: Deployment d${j}`);
  });
  return out;
}

function reported(objects: readonly KObject[]): string[] {
  return checkSecurity(objects.map((object) => ({ object })))
    .filter((f) => f.ruleId === 'SEC-M02')
    .map((f) => `${f.name}: ${/finds no target in (\S+ \S+):/.exec(f.message)![1]}`);
}

describe('SEC-M02 looks pods up by their rarest label', () => {
  it('reports exactly the unscraped pods the definition selects, for any pods and monitors', () => {
    fc.assert(
      fc.property(fc.array(deployment, { maxLength: 8 }), fc.array(monitor, { maxLength: 4 }), (deployments, monitors) => {
        const objects = [...deployments.map(deploymentObject), ...monitors.map(monitorObject)];
        // Findings are sorted by file, rule and path; without files, by path: compare as sets per monitor.
        expect(reported(objects).sort()).toEqual(defined(deployments, monitors).sort());
      }),
      { numRuns: 400 },
    );
  });

  it('finds one model among many whose pods share `component: predictor`', () => {
    const objects: KObject[] = [];
    for (let i = 0; i < 2000; i++) objects.push(deploymentObject({ ns: 'a', labels: { component: 'predictor', model: `m${i}` }, port: 8080 }, i));
    objects.push(monitorObject({ ns: 'a', matchLabels: { component: 'predictor', model: 'm1234' }, port: 9090 }, 0));
    expect(reported(objects)).toEqual(['m0: Deployment d1234']);
  });
});
