/** SEC-M02: a PodMonitor that selects pods of the platform finds them (the port it scrapes is declared). */
import { ApiObject, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Namespace } from '../../src/core/namespace';
import { Platform } from '../../src/core/platform';
import { formatFinding } from '../../src/security/check';
import { checkPlatformSecurity } from '../../src/security/platforms';
import { synthPlatforms } from '../../src/delivery/synth';
import { PodMonitor } from '../../src/observability/scrape';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { ModelFormat } from '../../src/serving/model-format';

function findings(build: (ns: Namespace) => void): string[] {
  const app = Testing.app();
  const ns = new Namespace(new Platform(app, 'p', { requireAccessPolicies: false }), 'models');
  build(ns);
  return checkPlatformSecurity(synthPlatforms(app)).filter((f) => f.ruleId === 'SEC-M02').map(formatFinding);
}

const deployment = (ns: Namespace, ports: unknown[]) =>
  new ApiObject(ns, 'web', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1.0.0', ports }] } } },
  });

describe('SEC-M02', () => {
  it('fails for a PodMonitor on a port the selected Deployment does not declare, naming the workload and port', () => {
    expect(
      findings((ns) => {
        deployment(ns, [{ containerPort: 8080, name: 'http' }]);
        new PodMonitor(ns, 'web-monitor', { selector: { app: 'web' }, port: 9090 });
      }),
    ).toEqual([expect.stringMatching(/PodMonitor\/web-monitor \(p\/models\/web-monitor\): spec\.podMetricsEndpoints\[0\]: \[SEC-M02\] finds no target in Deployment web: no container declares port 9090/)]);
  });

  it('passes when the port is declared, and for pods the platform does not describe (a controller makes them)', () => {
    expect(
      findings((ns) => {
        deployment(ns, [{ containerPort: 9090, name: 'metrics' }]);
        new PodMonitor(ns, 'web-monitor', { selector: { app: 'web' }, port: 9090 });
        new PodMonitor(ns, 'proxy-monitor', { selector: { app: 'gateway-proxy' }, port: 19000 });
      }),
    ).toEqual([]);
  });

  it('reads the predictor of an InferenceService: a model whose metrics port is not declared is flagged', () => {
    expect(
      findings((ns) => {
        new InferenceService(ns, 'iris', { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('gs://models/iris') }) });
        new PodMonitor(ns, 'iris-monitor', { selector: { 'serving.kserve.io/inferenceservice': 'iris', component: 'predictor' }, port: 8082 });
      }),
    ).toEqual([expect.stringMatching(/finds no target in the predictor of InferenceService iris: no container declares port 8082/)]);
  });
});
