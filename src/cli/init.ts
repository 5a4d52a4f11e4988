/**
 * `cdk8s-model-serving init <dir>`: a new platform repository, as `cdk8s
 * init typescript-app` would make one for this library: package.json with
 * pinned versions, cdk8s.yaml running the compiled JavaScript, tsconfig.json,
 * one platform file using the main constructs, a test (snapshot plus facts),
 * .gitignore, a CI script and a README with the two commands.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../validate/package-dir';

/** The packages the new project pins, at the versions this library is built and tested with. */
const DEPENDENCIES = ['cdk8s', 'cdk8s-plus-34', 'constructs'] as const;
const DEV_DEPENDENCIES = ['@types/node', 'cdk8s-cli', 'typescript', 'vitest'] as const;

/** npm's rule for a new package name: lower case, URL-safe, at most 214 characters. */
const NPM_NAME = /^[a-z0-9][a-z0-9._-]{0,213}$/;

interface OwnPackage {
  readonly name: string;
  readonly version: string;
  readonly devDependencies: Readonly<Record<string, string>>;
}

/** Why `dir` cannot receive a new project, or undefined. */
function targetProblem(dir: string): string | undefined {
  // An empty path would resolve to the working directory, which existsSync('') reports as missing: refused outright.
  if (dir.trim() === '') return 'the folder is an empty path. Fix: pass the new folder, e.g. my-platform.';
  if (!fs.existsSync(dir)) return undefined;
  if (!fs.statSync(dir).isDirectory()) return `${dir} exists and is not a folder. Fix: pass a new folder's path.`;
  const entries = fs.readdirSync(dir).filter((e) => e !== '.git');
  if (entries.length > 0) return `${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}): init never overwrites files. Fix: pass a new or empty folder.`;
  return undefined;
}

/**
 * Writes a new project into `dir` (created; it must be new or empty, a `.git`
 * folder aside) and returns the files written, relative to `dir`.
 *
 * @throws Error when `dir` is empty, exists and is not an empty folder, or its name is
 *   not a valid npm package name
 */
export function initProject(dir: string): string[] {
  const problem = targetProblem(dir);
  if (problem !== undefined) throw new Error(problem);
  const name = path.basename(path.resolve(dir));
  if (!NPM_NAME.test(name)) throw new Error(`the folder name '${name}' is not a valid npm package name (lower-case letters, digits, '.', '_' and '-'). Fix: name the folder like my-platform.`);
  const own = JSON.parse(fs.readFileSync(path.join(packageRoot(__dirname), 'package.json'), 'utf8')) as OwnPackage;
  const pin = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, own.devDependencies[n]]));
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify(
      {
        name,
        version: '0.1.0',
        private: true,
        scripts: { build: 'tsc -p tsconfig.json', synth: 'npm run build && node lib/src/main.js', test: 'npm run build && vitest run' },
        dependencies: { [own.name]: `^${own.version}`, ...pin(DEPENDENCIES) },
        devDependencies: pin(DEV_DEPENDENCIES),
      },
      null,
      2,
    )}\n`,
    'cdk8s.yaml': '# `cdk8s synth` runs the compiled app (no ts-node); the app writes dist/ itself, so the CLI output is a scratch folder.\nlanguage: typescript\napp: npm run -s build && node lib/src/main.js\noutput: .cdk8s.out\n',
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: { target: 'ES2022', module: 'node20', moduleResolution: 'node16', lib: ['ES2022'], types: ['node'], strict: true, esModuleInterop: true, skipLibCheck: true, rootDir: '.', outDir: 'lib' },
        include: ['src/**/*.ts'],
      },
      null,
      2,
    )}\n`,
    '.gitignore': 'node_modules/\nlib/\n.cdk8s.out/\n',
    '.ci/run': '#!/usr/bin/env bash\n# What CI runs on a clean clone: install exactly the locked versions, then build, synth checks and tests.\nset -euo pipefail\nnpm ci\nnpm test\n',
    'src/platform.ts': PLATFORM,
    'src/main.ts': MAIN,
    'test/platform.test.ts': TEST,
    'README.md': readme(name, own.name),
  };
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text, { mode: file.startsWith('.ci/') ? 0o755 : 0o644 });
  }
  return Object.keys(files);
}

const PLATFORM = `import { Construct } from 'constructs';
import { Namespace, Platform, SecretRef } from 'cdk8s-model-serving/core';
import { AllowedRoutes, Gateway, GatewayProvider, Listener } from 'cdk8s-model-serving/gateway';
import { GatewayMonitoring } from 'cdk8s-model-serving/observability';
import { ModelEndpoint } from 'cdk8s-model-serving/platform';
import { AccessPolicy, JwtAuth, RateLimit, RateLimitMode, Tier } from 'cdk8s-model-serving/policy';
import { InferenceService, ModelFormat, Predictor, Storage } from 'cdk8s-model-serving/serving';

/**
 * The platform: one folder of dist/ and one Argo CD Application. A gateway,
 * one model behind it, JWT with two tiers, monitoring. Add models as
 * ModelEndpoints; construct ids are object names, so keep them stable.
 */
export function definePlatform(scope: Construct): Platform {
  const platform = new Platform(scope, 'models-platform');
  const edge = new Namespace(platform, 'edge');
  const models = new Namespace(platform, 'models');

  const gateway = new Gateway(edge, 'gateway', {
    provider: GatewayProvider.ENVOY_GATEWAY,
    listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([models]) })],
  });
  const gatewayMonitoring = new GatewayMonitoring(edge, 'gateway-monitoring', { gateway });

  const iris = new InferenceService(models, 'iris', {
    predictor: Predictor.model({
      format: ModelFormat.SKLEARN,
      storage: Storage.uri('gs://kfserving-examples/models/sklearn/1.0/model'),
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    }),
  });
  const irisEndpoint = new ModelEndpoint(models, 'iris-endpoint', { model: iris, gateway: gateway.listener('https'), monitoring: { gateway: gatewayMonitoring } });

  const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)], models: [irisEndpoint] });
  const premium = new Tier('premium', { limits: [RateLimit.perMinute(1000)], models: [irisEndpoint], inherits: basic });
  new AccessPolicy(models, 'access', {
    gateway,
    routes: [irisEndpoint],
    authentication: [new JwtAuth({ issuer: 'https://sso.example.com/realms/models', jwksUri: 'https://sso.example.com/realms/models/protocol/openid-connect/certs', tierClaim: 'tier' })],
    tiers: [basic, premium],
    rateLimitMode: RateLimitMode.LOCAL,
  });
  return platform;
}
`;

const MAIN = `import { App } from 'cdk8s';
import { buildPlatforms, writePlatforms } from 'cdk8s-model-serving/delivery';
import { definePlatform } from './platform';

// Validation, security rules, sync waves, README.md and POLICY.md per platform; dist/ is replaced only when all pass.
const app = new App();
definePlatform(app);
writePlatforms(buildPlatforms(app, { outdir: 'dist' }), { outdir: 'dist' });
`;

const TEST = `import { Testing } from 'cdk8s';
import { buildPlatforms } from 'cdk8s-model-serving/delivery';
import { describe, expect, it } from 'vitest';
import { definePlatform } from '../src/platform';

describe('the platform', () => {
  // buildPlatforms validates every object against the pinned CRDs and runs the security rules: it throws otherwise.
  const app = Testing.app();
  definePlatform(app);
  const [platform] = buildPlatforms(app);
  const objects = platform.manifests.map((m) => m.object as { kind: string; metadata: { name?: string; namespace?: string }; spec?: any });

  it('routes the model endpoint to its predictor', () => {
    const route = objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'iris');
    expect(route?.spec.rules[0].backendRefs).toEqual([{ name: 'iris-predictor', port: 80 }]);
  });

  it('gives each tier its limit', () => {
    expect(platform.files['POLICY.md']).toMatch(/\\| iris \\| basic \\| allowed[^|]*\\| 100 requests\\/minute \\|/);
    expect(platform.files['POLICY.md']).toMatch(/\\| iris \\| premium \\| allowed[^|]*\\| 1000 requests\\/minute \\|/);
  });

  it('emits exactly these objects (update with vitest -u when a change is intended)', () => {
    expect(objects.map((o) => \`\${o.kind} \${o.metadata.namespace ?? '-'}/\${o.metadata.name}\`).sort()).toMatchSnapshot();
  });
});
`;

function readme(name: string, library: string): string {
  return `# ${name}

\`\`\`sh
npm ci && npm run synth
npm test
\`\`\`

A model-serving platform written with [${library}](https://www.npmjs.com/package/${library}): \`src/platform.ts\`
describes it, \`npm run synth\` writes validated YAML into \`dist/\` (commit it; Argo CD applies it), \`npm test\`
checks the platform (facts and a snapshot of its objects; \`npx vitest run -u\` updates the snapshot when a change is
intended). \`cdk8s synth\` runs the same app through \`cdk8s.yaml\`. The platform README in \`dist/\` lists what the
cluster needs beyond \`dist/\` (Secrets, controllers, the Argo CD health checks).
`;
}
