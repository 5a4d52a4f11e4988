/**
 * Acceptance review of issue 14 §4 ("bounded work, clear errors"): long RE2
 * patterns, symbolic links and dangling links in folders given to
 * `validate`, a total input cap, props that are not objects for every
 * exported construct, and a bound on the problems listed per file.
 * A refusal that does not come at once hangs the test into vitest's timeout;
 * timings themselves are measured by `npm run bench`, never asserted here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import * as lib from '../../src';
import { ModelServingError } from '../../src/core/errors';
import { MAX_ISSUES_PER_FILE } from '../../src/core/issue-limit';
import { ModelServingPlatform } from '../../src/platform/model-serving-platform';
import { catalogError, cli } from './hostile-helpers';
import { setup } from '../util';
import * as agentgateway from '../../src/agentgateway';
import * as aigateway from '../../src/aigateway';
import * as envoyGateway from '../../src/policy/envoy-gateway';
import * as istio from '../../src/policy/istio';
import * as kgateway from '../../src/policy/kgateway';
import * as kong from '../../src/policy/kong';
import * as kuadrant from '../../src/policy/kuadrant';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-review-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A fresh folder under the test's temporary folder. */
function folder(name: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  namespace: models\ndata:\n  a: b\n';

function refusal(build: () => unknown): ModelServingError {
  try {
    build();
  } catch (err) {
    if (!(err instanceof ModelServingError)) throw err;
    return err;
  }
  throw new Error('expected a ModelServingError, but nothing was thrown');
}

describe('RE2 patterns are bounded before compiling', () => {
  it.each([
    ['PathMatch.regex', () => lib.PathMatch.regex(`/${'a'.repeat(200_000)}`), 1024],
    ['HeaderMatch.regex', () => lib.HeaderMatch.regex('x-model', 'a'.repeat(200_000)), 4096],
    ['QueryParamMatch.regex', () => lib.QueryParamMatch.regex('model', 'a'.repeat(200_000)), 1024],
  ])('%s refuses a 200 000 character expression at once, naming the CRD limit', (scope, build, max) => {
    const err = refusal(build);
    expect(err.message).toMatch(new RegExp(`^${scope.replace('.', '\\.')}: value is 20000[01] characters long`));
    expect(err.message).toContain(`more than the ${max} the CRD accepts`);
    expect(err.message).toMatch(/\(received: "\/?a+\.\.\.\)\. Fix: shorten the expression to at most \d+ characters/);
  });

  it('accepts an expression of exactly the CRD limit', () => {
    expect(lib.PathMatch.regex(`/${'a'.repeat(1023)}`).value).toHaveLength(1024);
  });

  it('a --crds schema pattern longer than 4096 characters is refused at once, not compiled for seconds', () => {
    const dir = folder('long-pattern');
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { v: { type: 'string', pattern: 'a'.repeat(60_000) } } } } } },
          },
        ],
      },
    };
    fs.writeFileSync(path.join(dir, 'crd.json.yaml'), JSON.stringify(crd));
    fs.writeFileSync(path.join(dir, 'widget.yaml'), `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: models\nspec:\n  v: ${'a'.repeat(1000)}\n`);
    const r = cli('validate', '--crds', path.join(dir, 'crd.json.yaml'), path.join(dir, 'widget.yaml'));
    expect(r.status).not.toBe(0);
    expect(r.status).toBe(2);
    expect(r.err[0]).toContain(`--crds ${path.join(dir, 'crd.json.yaml')}: the schema of Widget example.com/v1 cannot be compiled: the RE2 pattern "${'a'.repeat(40)}"... has 60000 characters, more than the 4096 this validator compiles. Fix: shorten the pattern`);
  });

  it('a CEL matches() whose pattern comes from the object is bounded the same way (an error of that object)', () => {
    const dir = folder('cel-pattern');
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Gadget', plural: 'gadgets', singular: 'gadget', listKind: 'GadgetList' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { v: { type: 'string' }, p: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: 'self.v.matches(self.p)' }] } },
              },
            },
          },
        ],
      },
    };
    fs.writeFileSync(path.join(dir, 'crd.yaml'), JSON.stringify(crd));
    fs.writeFileSync(path.join(dir, 'gadget.yaml'), `apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\n  namespace: models\nspec:\n  v: aaa\n  p: "${'a'.repeat(200_000)}"\n`);
    const r = cli('validate', '--crds', path.join(dir, 'crd.yaml'), path.join(dir, 'gadget.yaml'));
    expect(r.status).toBe(1);
    expect(r.out[0]).toContain('Gadget/g: spec: the RE2 pattern');
    expect(r.out[0]).toContain('has 200000 characters, more than the 4096 this validator compiles');
  });
});

describe('validate stays inside the folders given', () => {
  it('does not follow a symbolic link to a folder found inside a folder (usr -> /usr, root -> /)', () => {
    const dir = folder('links');
    fs.writeFileSync(path.join(dir, 'cm.yaml'), CONFIG_MAP);
    fs.symlinkSync('/usr', path.join(dir, 'usr'));
    fs.symlinkSync('/', path.join(dir, 'root'));
    const outside = folder('outside');
    fs.writeFileSync(path.join(outside, 'bad.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_Valid\n');
    fs.symlinkSync(outside, path.join(dir, 'elsewhere'));
    const r = cli('validate', dir);
    expect(r.err).toEqual(['1 object(s) in 1 file(s): all valid']);
    expect(r.status).toBe(0);
  });

  it('follows a link given on the command line, to a folder or a file', () => {
    const dir = folder('given-link');
    fs.writeFileSync(path.join(dir, 'cm.yaml'), CONFIG_MAP);
    fs.symlinkSync(dir, path.join(tmp, 'given-link-dir'));
    fs.symlinkSync(path.join(dir, 'cm.yaml'), path.join(tmp, 'given-link.yaml'));
    expect(cli('validate', path.join(tmp, 'given-link-dir')).status).toBe(0);
    expect(cli('validate', path.join(tmp, 'given-link.yaml')).status).toBe(0);
  });

  it('reads a link to a YAML file inside a folder', () => {
    const dir = folder('file-link');
    const target = path.join(folder('file-link-target'), 'cm.yaml');
    fs.writeFileSync(target, CONFIG_MAP);
    fs.symlinkSync(target, path.join(dir, 'linked.yaml'));
    expect(cli('validate', dir).err).toEqual(['1 object(s) in 1 file(s): all valid']);
  });

  it('skips a dangling link that is not a YAML file', () => {
    const dir = folder('dangling-txt');
    fs.writeFileSync(path.join(dir, 'cm.yaml'), CONFIG_MAP);
    fs.symlinkSync(path.join(tmp, 'nowhere'), path.join(dir, 'dangling.txt'));
    fs.symlinkSync(path.join(tmp, 'nowhere'), path.join(dir, 'dangling'));
    const r = cli('validate', dir);
    expect(r.err).toEqual(['1 object(s) in 1 file(s): all valid']);
    expect(r.status).toBe(0);
  });

  it('reports a dangling link named .yaml with its target and a fix (exit 2)', () => {
    const dir = folder('dangling-yaml');
    fs.writeFileSync(path.join(dir, 'cm.yaml'), CONFIG_MAP);
    fs.symlinkSync(path.join(tmp, 'nowhere.yaml'), path.join(dir, 'gone.yaml'));
    const r = cli('validate', dir);
    expect(r.status).toBe(2);
    expect(r.err.join('\n')).toContain(`cannot read ${path.join(dir, 'gone.yaml')}: it is a symbolic link to ${path.join(tmp, 'nowhere.yaml')}, which cannot be read (ENOENT). Fix: point the link at an existing YAML file, or remove it.`);
  });

  it('refuses more than 256 MiB of files in one run, naming the limit (exit 2)', () => {
    const dir = folder('huge');
    // Sparse files: 33 x 8 MiB is over the total, on disk they take nothing; the sizes are checked before reading.
    for (let i = 0; i < 33; i++) {
      const f = path.join(dir, `f${String(i).padStart(2, '0')}.yaml`);
      fs.writeFileSync(f, '');
      fs.truncateSync(f, 8 * 1024 * 1024);
    }
    const r = cli('validate', dir);
    expect(r.status).toBe(2);
    expect(r.err.join('\n')).toMatch(/the files to validate hold \d+ bytes, more than the 268435456 bytes \(256 MiB\) read in one run\. Fix: validate fewer files per run/);
  });
});

describe('at most 50 problems are listed per file', () => {
  it('validate: a ConfigMap with one key repeated 100 000 times', () => {
    const dir = folder('wide');
    fs.writeFileSync(path.join(dir, 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wide\n  namespace: models\ndata:\n${'  k: v\n'.repeat(100_000)}`);
    const r = cli('validate', dir);
    expect(r.status).toBe(1);
    expect(r.out).toHaveLength(MAX_ISSUES_PER_FILE + 1);
    expect(r.out[MAX_ISSUES_PER_FILE]).toMatch(/^\.\.\. and 99949 more problems of this file \(.*cm\.yaml\)/);
    expect(r.err.at(-1)).toContain('99999 error(s)');
  });

  it('catalog: 100 000 wrong models give a message of 51 lines, and every issue is kept', () => {
    const dir = folder('wide-catalog');
    const file = path.join(dir, 'catalog.yaml');
    fs.writeFileSync(file, `apiVersion: catalog.models.cdk8s.io/v1alpha1\nkind: Catalog\nmodels:\n${'- 1\n'.repeat(100_000)}`);
    const { app } = setup([]);
    const err = catalogError(() => ModelServingPlatform.fromCatalog(app, 'p', file, {} as never));
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(MAX_ISSUES_PER_FILE + 1);
    expect(lines[0]).toContain('models[0]: must be a mapping (received: 1)');
    expect(lines[MAX_ISSUES_PER_FILE]).toBe('... and 99950 more problems of this file (only the first 50 are listed; fix these and run again)');
    expect(err.issues).toHaveLength(100_000);
  });
});

type Ctor = new (scope: Construct, id: string, props: unknown) => Construct;

/**
 * Every exported construct class of src/ (outside src/platforms): its
 * constructor, and whether its props may be left out. Abstract bases are
 * covered through their subclasses; charts (Platform, Namespace,
 * ModelServingPlatform) take a scope of their own and are checked where
 * their props are.
 */
/** The root export and the provider subpaths (`cdk8s-model-serving/policy/kuadrant`, ...). */
const EXPORTS: Record<string, unknown> = { ...lib, ...agentgateway, ...aigateway, ...envoyGateway, ...istio, ...kgateway, ...kong, ...kuadrant };

const CONSTRUCTS: ReadonlyArray<readonly [string, boolean]> = [
  ['AIGatewayRoute', false],
  ['AIServiceBackend', false],
  ['AccessLog', false],
  ['AccessPolicy', false],
  ['AgentgatewayBackend', false],
  ['AgentgatewayModel', false],
  ['AgentgatewayPolicy', false],
  ['AgentgatewayTracing', false],
  ['ApiKeySecrets', false],
  ['AppProject', false],
  ['Application', false],
  ['ApplicationSet', false],
  ['AuthPolicy', false],
  ['AuthorinoMonitoring', true],
  ['AuthorizationPolicy', false],
  ['BackendSecurityPolicy', false],
  ['BackendTrafficPolicy', false],
  ['Certificate', false],
  ['ClientTrafficPolicy', false],
  ['ClusterServingRuntime', false],
  ['DirectResponse', false],
  ['EndpointPicker', false],
  ['EndpointPickerMonitoring', false],
  ['EnvoyGatewayBackend', false],
  ['EnvoyGatewayTracing', false],
  ['ExternalSecret', false],
  ['Gateway', false],
  ['GatewayExtension', false],
  ['GatewayMonitoring', false],
  ['GrafanaDashboard', false],
  ['GrpcRoute', false],
  ['HttpListenerPolicy', false],
  ['HttpRoute', false],
  ['InferenceGraph', false],
  ['InferenceModelRewrite', false],
  ['InferenceObjective', false],
  ['InferencePool', false],
  ['InferenceService', false],
  ['IstioTracing', false],
  ['KServeModelMonitoring', false],
  ['KgatewayTracing', false],
  ['KongAccessLog', true],
  ['KongBackup', false],
  ['KongConsumer', false],
  ['KongConsumerGroup', true],
  ['KongCredential', false],
  ['KongGateway', false],
  ['KongMigrations', false],
  ['KongMonitoring', true],
  ['KongPlugin', false],
  ['KongTracing', false],
  ['KongUpstreamPolicy', true],
  ['Kuadrant', true],
  ['Limitador', true],
  ['LimitadorMonitoring', true],
  ['LlmInferenceService', false],
  ['LlmInferenceServiceConfig', true],
  ['LlmInferenceServiceMonitoring', false],
  ['LlmMonitoring', false],
  ['MeshMtls', false],
  ['ModelEndpoint', false],
  ['OpaAuthorizer', false],
  ['OpenAiEndpoint', false],
  ['OpaMonitoring', true],
  ['PeerAuthentication', true],
  ['PlatformDashboard', false],
  ['PodMonitor', false],
  ['PrometheusRule', false],
  ['RateLimitPolicy', false],
  ['RateLimitService', false],
  ['ReferenceGrant', false],
  ['S3ServiceAccount', false],
  ['SecurityPolicy', false],
  ['ServiceAccount', true],
  ['ServiceMonitor', false],
  ['ServingRuntime', false],
  ['Slo', false],
  ['StaticBackend', false],
  ['TelemetryPolicy', false],
  ['TlsPolicy', false],
  ['TokenRateLimitPolicy', false],
  ['TrafficPolicy', true],
  ['TrainedModel', false],
];

/** Classes users do not construct: abstract bases exported for typing (their subclasses are in the table), and classes with a private constructor made through a factory (EnvoyProxyConfig.forGateway). */
function isAbstractBase(v: unknown): boolean {
  return ['ComponentMonitoring', 'RouteBase', 'LimitPolicyBase', 'EnvoyProxyConfig'].includes((v as { name: string }).name);
}

const BAD: ReadonlyArray<readonly [string, unknown, string]> = [
  ['null', null, 'null'],
  ['a number', 42, '42'],
  ['a string', 'props', '"props"'],
  ['a list', [], '[]'],
];

describe('every exported construct refuses props that are not an object', () => {
  it('the table lists every exported construct class (a new construct without the check fails here)', () => {
    const charts = new Set(['Platform', 'Namespace', 'ModelServingPlatform']);
    const exported = Object.entries(EXPORTS)
      .filter(([name, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Construct && !charts.has(name))
      .filter(([, v]) => !Object.prototype.hasOwnProperty.call(v, 'prototype') || !isAbstractBase(v))
      .map(([name]) => name)
      .sort();
    expect(exported.filter((n) => !CONSTRUCTS.some(([c]) => c === n))).toEqual([]);
  });

  const cases = CONSTRUCTS.flatMap(([name, optional]) => [...BAD, ...(optional ? [] : ([['undefined', undefined, 'undefined']] as const))].map(([what, value, shown]) => [name, what, value, shown] as const));

  it.each(cases)('%s with %s', (name, _what, value, shown) => {
    const ctor = EXPORTS[name] as Ctor;
    expect(typeof ctor).toBe('function');
    const { ns } = setup(['models']);
    const err = refusal(() => new ctor(ns.models, 'c', value));
    expect(err.message).toContain('test/models/c: ');
    expect(err.message).toContain(`(received: ${shown})`);
    expect(err.message).toContain('Fix: ');
  });

  it.each(CONSTRUCTS.map(([name]) => name))('%s with {} is built or refused with a ModelServingError, never a TypeError', (name) => {
    const ctor = EXPORTS[name] as Ctor;
    const { ns } = setup(['models']);
    try {
      new ctor(ns.models, 'c', {});
    } catch (err) {
      expect(err).toBeInstanceOf(ModelServingError);
      expect((err as Error).message).toContain('(received: ');
    }
  });

  it.each([
    ['ServingRuntime.vllm', (s: Construct, v: unknown) => lib.ServingRuntime.vllm(s, 'c', v as never)],
    ['ServingRuntime.textEmbeddingsInference', (s: Construct, v: unknown) => lib.ServingRuntime.textEmbeddingsInference(s, 'c', v as never)],
    ['ClusterServingRuntime.vllm', (s: Construct, v: unknown) => lib.ClusterServingRuntime.vllm(s, 'c', v as never)],
    ['ClusterServingRuntime.textEmbeddingsInference', (s: Construct, v: unknown) => lib.ClusterServingRuntime.textEmbeddingsInference(s, 'c', v as never)],
  ])('%s refuses options that are not an object', (_name, build) => {
    for (const [, value, shown] of [...BAD, ['undefined', undefined, 'undefined'] as const]) {
      const { ns } = setup(['models']);
      const err = refusal(() => build(ns.models, value));
      expect(err.message).toContain(`(received: ${shown})`);
    }
  });
});
