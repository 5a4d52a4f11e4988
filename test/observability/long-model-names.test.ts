import { describe, expect, it } from 'vitest';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { InferenceService } from '../../src/serving/inference-service';
import { ModelFormat } from '../../src/serving/model-format';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { objectsOfKind, setup, synthObjects } from '../util';

// An InferenceService name may have 45 characters (KServe's limit, with '-predictor-<revision>' after it). The
// NetworkPolicies named after it ('allow-<name>-model-download', 'allow-metrics-<name>-predictor') must stay DNS
// labels of at most 63 characters: a long name is shortened with a digest, a short one is kept as it is.
describe('a model with the longest name KServe allows is served and monitored', () => {
  const monitored = (name: string) => {
    const { app, ns } = setup(['ml-models']);
    const isvc = new InferenceService(ns['ml-models'], name, { predictor: Predictor.model({ format: ModelFormat.SKLEARN, storage: Storage.uri('s3://bucket/iris') }) });
    new KServeModelMonitoring(ns['ml-models'], 'monitoring', { model: isvc });
    return objectsOfKind(synthObjects(app), 'NetworkPolicy');
  };

  it('45 characters: every NetworkPolicy name is a DNS label, and the download and scrape policies select the model', () => {
    const name = `m${'x'.repeat(43)}1`;
    expect(name).toHaveLength(45);
    const policies = monitored(name);
    for (const p of policies) expect(p.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    const download = policies.filter((p) => p.metadata.name!.includes('model-download') || (p.spec.egress?.[0]?.ports ?? []).some((x: { port: number }) => x.port === 443));
    expect(download.length).toBeGreaterThan(0);
    expect(download.some((p) => p.spec.podSelector.matchLabels['serving.kserve.io/inferenceservice'] === name)).toBe(true);
    const scrape = policies.filter((p) => p.metadata.name!.startsWith('allow-metrics-'));
    expect(scrape).toHaveLength(1);
    expect(scrape[0].spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(Object.values(scrape[0].spec.podSelector.matchLabels)).toContain(name);
  });

  it('a short name keeps its plain policy names', () => {
    const names = monitored('iris').map((p) => p.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['allow-iris-model-download', 'allow-metrics-iris-predictor']));
  });
});
