import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, ValidationIssue } from '../../src/validate/issue';
import { validateObjects } from '../../src/validate/validator';
import { readYamlObjects, yamlFiles } from '../../src/validate/yaml-files';
import { SHARED } from './helpers';

/**
 * Conformance with `../shared/llm-routing-examples` (read its README): the
 * LLM routing kinds (InferencePool, llm-d objectives, Envoy AI Gateway,
 * agentgateway) validate like every other kind.
 */
const EXAMPLES = path.join(SHARED, 'llm-routing-examples');

/** The files the README lists as rejected by the pinned CRDs, with the issue each must show. */
const KNOWN_INVALID: Readonly<Record<string, ReadonlyArray<{ readonly path: string; readonly message: string }>>> = {
  'ai-gateway/examples__basic__aws-irsa.yaml': [{ path: 'spec.provider.kubernetes.envoyDeployment.pod.serviceAccountName', message: 'unknown field' }],
  // InferenceObjective moved from inference.networking.x-k8s.io (GAIE v1.5.0) to llm-d.ai.
  'ai-gateway/examples__inference-pool__base.yaml': [{ path: 'kind', message: 'no CRD or built-in schema defines InferenceObjective in inference.networking.x-k8s.io/v1alpha2' }],
  'ai-gateway/examples__inference-pool__with-annotations.yaml': [{ path: 'kind', message: 'no CRD or built-in schema defines InferenceObjective in inference.networking.x-k8s.io/v1alpha2' }],
  'llm-d-router/test__testdata__inferencepool-with-model-hermetic.yaml': [{ path: 'spec.targetModels', message: 'unknown field' }],
  // Templates: `${POOL_NAME}` placeholders.
  'llm-d-router/deploy__components__inference-gateway__httproutes.yaml': [{ path: 'metadata.name', message: 'Invalid value: "${POOL_NAME}-inference-route"' }],
  'llm-d-router/deploy__components__inference-gateway__inference-pools.yaml': [{ path: 'spec.targetPorts', message: 'must be of type array' }],
};

function rel(file: string): string {
  return path.relative(EXAMPLES, file).split(path.sep).join('/');
}

const files = yamlFiles([EXAMPLES]).map(rel);
const conformance = files.filter((f) => f.startsWith('agentgateway/'));
const manifests = files.filter((f) => !f.startsWith('agentgateway/'));

function issuesOf(file: string): ValidationIssue[] {
  const { objects, syntaxIssues } = readYamlObjects([path.join(EXAMPLES, file)]);
  return [...syntaxIssues, ...validateObjects(objects)];
}

/** Each document of an agentgateway test file, with upstream's expected error (`_err`) taken out. */
function documents(file: string): Array<{ readonly name: string; readonly expected?: string; readonly object: Record<string, unknown> }> {
  const { objects, syntaxIssues } = readYamlObjects([path.join(EXAMPLES, file)]);
  expect(syntaxIssues).toEqual([]);
  return objects.map(({ object }) => {
    const { _err: expected, ...rest } = object as Record<string, unknown>;
    const metadata = rest.metadata as { readonly name?: string } | undefined;
    return { name: String(metadata?.name), expected: typeof expected === 'string' ? expected.trim() : undefined, object: rest };
  });
}

/**
 * True when one of our issues says what upstream's expected message says.
 * Upstream's messages are the apiserver's: CEL messages are the CRD's own
 * text (compared as is); schema errors are phrased `<field> in body should
 * ...`, `unknown fields [<path>]` or `<field>: Required`, which our issues
 * say as `<path>: should ...`, `<path>: unknown field` and `<path>: Required value`;
 * a bare field path names the field at fault.
 */
function saysExpected(expected: string, issues: readonly ValidationIssue[]): boolean {
  const unknown = /^unknown fields?(?: \[(.+)\])?$/.exec(expected);
  if (unknown) return issues.some((i) => i.message.startsWith('unknown field') && (unknown[1] === undefined || i.path === unknown[1]));
  const inBody = /^([\w.[\]]+) in body (.+)$/.exec(expected);
  if (inBody) {
    const rest = inBody[2].replace(/ char$/, ' characters');
    return issues.some((i) => i.path.endsWith(inBody[1]) && i.message.includes(rest));
  }
  const atField = /^([\w.]+): (.+)$/.exec(expected);
  if (atField) return issues.some((i) => i.message.includes(expected) || (i.path.endsWith(atField[1]) && i.message.startsWith(atField[2])));
  // A bare field path (`keepalive.retries`): an issue at that field.
  if (/^[\w.]+\.[\w.]+$/.test(expected)) return issues.some((i) => i.path.endsWith(expected));
  return issues.some((i) => i.message.includes(expected));
}

describe('LLM routing examples', () => {
  it('finds the examples and every listed file', () => {
    expect(conformance).toHaveLength(6);
    expect(manifests.length).toBeGreaterThanOrEqual(20);
    for (const f of Object.keys(KNOWN_INVALID)) expect(files).toContain(f);
  });

  it.each(manifests.filter((f) => !(f in KNOWN_INVALID)))('accepts %s', (file) => {
    expect(issuesOf(file).map(formatIssue)).toEqual([]);
  });

  it.each(Object.entries(KNOWN_INVALID))('rejects %s with the listed reason', (file, reasons) => {
    const issues = issuesOf(file);
    for (const reason of reasons) {
      expect(
        issues.some((i) => i.path === reason.path && i.message.includes(reason.message)),
        `${file}: expected ${reason.path}: ${reason.message}\n${issues.map(formatIssue).join('\n')}`,
      ).toBe(true);
    }
  });
});

describe('agentgateway API conformance (upstream test data)', () => {
  const valid = conformance.filter((f) => f.endsWith('_valid.yaml'));
  const invalid = conformance.filter((f) => f.endsWith('_invalid.yaml'));

  it('has the valid and invalid test data of the three kinds', () => {
    expect(valid).toHaveLength(3);
    expect(invalid).toHaveLength(3);
  });

  it.each(valid)('accepts every document of %s', (file) => {
    const docs = documents(file);
    expect(docs.length).toBeGreaterThan(5);
    expect(validateObjects(docs.map((d) => ({ object: d.object }))).map(formatIssue)).toEqual([]);
  });

  it.each(invalid)('rejects every document of %s with upstream\'s reason', (file) => {
    const docs = documents(file);
    expect(docs.length).toBeGreaterThan(5);
    for (const doc of docs) {
      expect(doc.expected, `${file}: ${doc.name} has no _err`).toBeDefined();
      const issues = validateObjects([{ object: doc.object }]);
      expect(issues.length, `${file}: ${doc.name} was accepted`).toBeGreaterThan(0);
      expect(saysExpected(doc.expected!, issues), `${file}: ${doc.name}: expected "${doc.expected}", got\n${issues.map(formatIssue).join('\n')}`).toBe(true);
    }
  });
});

describe('reading YAML as kubectl does', () => {
  it('keeps timestamp-shaped and sexagesimal-shaped plain scalars as strings (go-yaml v2)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-v2-'));
    const file = path.join(dir, 'cm.yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  date: 2024-01-01\n  time: 1:30\n');
    const { objects } = readYamlObjects([file]);
    expect((objects[0].object as { data: unknown }).data).toEqual({ date: '2024-01-01', time: '1:30' });
    expect(validateObjects(objects)).toEqual([]);
  });
});
