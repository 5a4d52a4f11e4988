import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_INVALID, runCli } from '../../src/cli/run';
import { formatIssue, ValidationIssue } from '../../src/validate/issue';
import { validateObjects } from '../../src/validate/validator';
import { readYamlObjects, yamlFiles } from '../../src/validate/yaml-files';
import { SHARED } from './helpers';

/**
 * Conformance with the upstream examples in `../shared/examples`: every
 * manifest validates, except the samples the pinned CRDs reject
 * (`KNOWN-INVALID.md`) and the objects of kinds we have no CRD for.
 */
const EXAMPLES = path.join(SHARED, 'examples');

/**
 * The upstream samples the pinned CRDs reject, with the part of the listed
 * reason each rejection must show (the path, and a word of the message).
 */
const KNOWN_INVALID: Readonly<Record<string, ReadonlyArray<{ readonly path: string; readonly message: string }>>> = {
  'kserve/bentoml/bentoml.yaml': [{ path: '', message: 'YAML syntax error at line 10' }],
  'kserve/rollout-strategy/rollout-strategy-example.yaml': [{ path: 'spec.transformer.custom', message: 'unknown field' }],
  'kserve/llmisvc/e2e-gpt-oss/llmisvc_config_default.yaml': [
    { path: 'spec.router.scheduler.pool.spec.selector', message: 'Required value' },
    { path: 'spec.router.scheduler.pool.spec.targetPorts', message: 'Required value' },
  ],
  'kserve/llmisvc/e2e-gpt-oss/llmisvc_config_prefix_cache.yaml': [
    { path: 'spec.router.scheduler.pool.spec.selector', message: 'Required value' },
    { path: 'spec.router.scheduler.pool.spec.targetPorts', message: 'Required value' },
  ],
  'kserve/llmisvc/kv-cache-offloading/llm-inference-service-kv-cache-offloading.yaml': [{ path: 'spec.workload', message: 'unknown field' }],
  'kserve/explanation/alibi/cifar10/cifar10.yaml': [
    { path: 'spec.explainer.alibi', message: 'unknown field' },
    { path: 'spec.predictor.tensorflow.resources.requests.cpu', message: 'Invalid value: 0.1: must be of type integer or string' },
  ],
  'kserve/explanation/alibi/moviesentiment/moviesentiment.yaml': [
    { path: 'spec.explainer.alibi', message: 'unknown field' },
    { path: 'spec.predictor.sklearn.resources.requests.cpu', message: 'Invalid value: 0.1: must be of type integer or string' },
  ],
  // `image: {username}/...`: a flow mapping followed by more text, which no YAML parser reads as a string.
  'kserve/v1beta1/custom/torchserve/gpu.yaml': [{ path: '', message: 'YAML syntax error at line 8' }],
  'kserve/v1beta1/custom/torchserve/torchserve-custom-pv.yaml': [{ path: '', message: 'YAML syntax error at line 8' }],
  'kserve/v1beta1/custom/torchserve/bert-sample/bert.yaml': [{ path: '', message: 'YAML syntax error at line 8' }],
  'kserve/v1beta1/custom/torchserve/logger/torchserve-logger.yaml': [{ path: '', message: 'YAML syntax error at line 12' }],
  'kserve/v1beta1/torchserve/v1/bloom/bloom-560m.yaml': [{ path: 'spec.nodeName', message: 'unknown field' }],
  'kuadrant/kuadrant-operator/config/samples/kuadrant_v1alpha1_tokenratelimitpolicy.yaml': [{ path: 'spec.limits.free.rates[0].window', message: "should match '^([0-9]{1,5}(h|m|s|ms)){1,4}$'" }],
  'kuadrant/kuadrant-operator/examples/toystore/tokenratelimitpolicy_httproute.yaml': [{ path: 'spec.limits.free.rates[0].window', message: "should match '^([0-9]{1,5}(h|m|s|ms)){1,4}$'" }],
  'kuadrant/kuadrant-operator/examples/toystore/authpolicy.yaml': [{ path: 'spec.rules.authentication.credentials.authorizationHeader', message: 'unknown field' }],
  'kuadrant/kuadrant-operator/cmd/extensions/oidc-policy/config/samples/extensions_kuadrant_v1alpha1_oidcpolicy.yaml': [
    { path: 'spec.provider.cliendID', message: 'unknown field' },
    { path: 'spec.provider.clientID', message: 'Required value' },
  ],
  'kuadrant/kuadrant-operator/examples/dnspolicy/dnspolicy-bad-strategy.yaml': [{ path: 'metadata.namespace', message: 'Invalid value: "${DNSPOLICY_NAMESPACE}": a lowercase RFC 1123 label' }],
  'kuadrant/kuadrant-operator/examples/dnspolicy/dnspolicy-exclude-address.yaml': [{ path: 'metadata.namespace', message: 'Invalid value: "${DNSPOLICY_NAMESPACE}": a lowercase RFC 1123 label' }],
  'kuadrant/kuadrant-operator/examples/dnspolicy/dnspolicy-healthchecks.yaml': [{ path: 'metadata.namespace', message: 'Invalid value: "${DNSPOLICY_NAMESPACE}": a lowercase RFC 1123 label' }],
};

/**
 * Files with objects of kinds that have no CRD in `../shared/crds` (or only in
 * the Kong Operator 2.x set, which is not loaded: it redefines the 1.x Kong
 * kinds the library targets). Each is rejected as an unknown kind, and only
 * for these kinds.
 */
const UNSUPPORTED_KINDS: Readonly<Record<string, readonly string[]>> = {
  // Konnect kinds (konnect.konghq.com) have no CRD here; KongCredentialAPIKey is a Kong Operator 2.x kind.
  'kong/kubernetes-configuration/config/samples/konnect_kongconsumer_apikey.yaml': ['KongCredentialAPIKey', 'KonnectAPIAuthConfiguration', 'KonnectGatewayControlPlane'],
  // KongServiceFacade (incubator.ingress-controller.konghq.com) has no CRD here.
  'kong/kubernetes-ingress-controller/examples/kong-service-facade.yaml': ['KongServiceFacade'],
  'kong/kubernetes-ingress-controller/internal/dataplane/testdata/golden/fallback-config-kong-upstream-policy/in.yaml': ['KongServiceFacade'],
  'kong/kubernetes-ingress-controller/internal/dataplane/testdata/golden/kong-service-facade/in.yaml': ['KongServiceFacade'],
};

function issuesOf(file: string): ValidationIssue[] {
  const { objects, syntaxIssues } = readYamlObjects([path.join(EXAMPLES, file)]);
  return [...syntaxIssues, ...validateObjects(objects)];
}

const files = yamlFiles([EXAMPLES]).map((f) => path.relative(EXAMPLES, f).split(path.sep).join('/'));

describe('upstream examples', () => {
  it('finds the examples and every listed file', () => {
    expect(files.length).toBeGreaterThan(200);
    for (const f of [...Object.keys(KNOWN_INVALID), ...Object.keys(UNSUPPORTED_KINDS)]) expect(files).toContain(f);
  });

  it('lists exactly the files of KNOWN-INVALID.md', () => {
    const table = fs.readFileSync(path.join(EXAMPLES, 'KNOWN-INVALID.md'), 'utf8');
    const listed = [...table.matchAll(/^\| ([^ |]+\.ya?ml) \|/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual(Object.keys(KNOWN_INVALID).sort());
  });

  const valid = files.filter((f) => !(f in KNOWN_INVALID) && !(f in UNSUPPORTED_KINDS));
  it.each(valid)('accepts %s', (file) => {
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

  it('makes the CLI reject exactly the known-invalid and unsupported files of the whole folder', () => {
    const out: string[] = [];
    expect(runCli(['validate', EXAMPLES], { out: (l) => out.push(l), err: () => undefined })).toBe(EXIT_INVALID);
    const rejected = new Set(out.map((l) => path.relative(EXAMPLES, l.slice(0, l.indexOf(': '))).split(path.sep).join('/')));
    expect([...rejected].sort()).toEqual([...Object.keys(KNOWN_INVALID), ...Object.keys(UNSUPPORTED_KINDS)].sort());
  });

  it.each(Object.entries(UNSUPPORTED_KINDS))('rejects only the unsupported kinds of %s', (file, kinds) => {
    const issues = issuesOf(file);
    expect(issues.map(formatIssue).filter((l) => !l.includes(': kind: unknown kind: no CRD or built-in schema defines'))).toEqual([]);
    expect([...new Set(issues.map((i) => i.kind))].sort()).toEqual(kinds);
  });
});
