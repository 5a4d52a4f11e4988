/**
 * The README's opening example ("A platform in one file") (issue 16 §5): a gateway, an sklearn and a vLLM
 * model as ModelEndpoints, JWT with two tiers and request limits, monitoring.
 * The code block is read from README.md, its package imports pointed at
 * src/, and run: it must compile, synthesize, validate and pass the
 * security rules as written.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { findObject, objectsOfKind } from '../util';
import { readmeExample } from '../readme-example';

const ROOT = path.resolve(__dirname, '..', '..');

/** The README's example with `cdk8s-model-serving/<area>` imports pointed at src/ and the write replaced by an export of the app. */
function readmeExampleFromSource(): string {
  const code = readmeExample(ROOT)
    .replace(/from 'cdk8s-model-serving\/([a-z-]+)'/g, (_m, area: string) => `from ${JSON.stringify(path.join(ROOT, 'src', area))}`)
    .replace(/from 'cdk8s'/g, `from ${JSON.stringify(require.resolve('cdk8s'))}`);
  const write = /^writePlatforms\(buildPlatforms\(app, \{ outdir: 'dist' \}\), \{ outdir: 'dist' \}\);$/m;
  expect(code).toMatch(write);
  return `${code.replace(write, '')}\nexport { app };\n`;
}

describe('README example', () => {
  it('synthesizes a valid, secure platform with two endpoints, two tiers and monitoring', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-example-'));
    const file = path.join(dir, 'example.ts');
    fs.writeFileSync(file, readmeExampleFromSource());
    const { app } = (await import(file)) as { app: App };
    // buildPlatforms throws a SynthError on any validation, security or deny-by-default problem.
    const objects = buildPlatforms(app).flatMap((p) => p.manifests.map((m) => m.object));
    expect(findObject(objects, 'HTTPRoute', 'iris', 'models').spec.rules[0].matches.map((m: { path: { value: string } }) => m.path.value)).toEqual(['/v1/models/iris', '/v1/models/iris:predict']);
    expect(findObject(objects, 'HTTPRoute', 'qwen', 'models').spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/qwen' } }]);
    expect(objectsOfKind(objects, 'SecurityPolicy').length).toBeGreaterThan(0);
    // The LLM's alerts are in the rules of its kind (one PrometheusRule per namespace and model kind), selecting it.
    const llmRules = objectsOfKind(objects, 'PrometheusRule').filter((o) => o.metadata.name?.startsWith('llm-') && o.metadata.name.endsWith('-models-alerts'));
    expect(llmRules).toHaveLength(1);
    const ttft = (llmRules[0].spec as { groups: Array<{ rules: Array<{ alert?: string; expr: string }> }> }).groups[0].rules.find((r) => r.alert === 'LlmTimeToFirstTokenHigh');
    expect(ttft?.expr).toContain('inferenceservice="qwen"');
    expect(findObject(objects, 'PodMonitor', 'iris-predictor', 'models')).toBeDefined();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
