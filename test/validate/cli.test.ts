import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CliIo, EXIT_INVALID, EXIT_USAGE, EXIT_VALID, runCli } from '../../src/cli/run';
import { VALID } from './fixtures';
import { changed, ROOT, SHARED, tempDir, widgetCrd } from './helpers';

function cli(...args: string[]): { status: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  return { status: runCli(args, io), out, err };
}

function writeYaml(dir: string, name: string, ...docs: unknown[]): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
  return file;
}

describe('cdk8s-model-serving validate', () => {
  it('exits 0 when every object of every file is valid, reading folders recursively', () => {
    const dir = tempDir();
    writeYaml(dir, 'a.yaml', VALID.gateway, VALID.httpRoute);
    writeYaml(dir, 'nested/b.yml', VALID.inferenceService);
    fs.writeFileSync(path.join(dir, 'README.md'), '# not YAML');
    const r = cli('validate', dir);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual(['3 object(s) in 2 file(s): all valid']);
    expect(r.status).toBe(EXIT_VALID);
  });

  it('exits 1 and prints one line per error, for every object of a multi-document file', () => {
    const dir = tempDir();
    const file = writeYaml(
      dir,
      'route.yaml',
      VALID.service,
      changed(VALID.httpRoute, (o) => delete o.spec.rules[0].backendRefs[0].port),
      changed(VALID.namespace, (o) => (o.metadata.name = 'Bad_Name')),
    );
    const r = cli('validate', file);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out).toEqual([
      `${file}: HTTPRoute/route: spec.rules[0].backendRefs[0]: Must have port for Service reference`,
      expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Namespace/Bad_Name: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label`)),
    ]);
    expect(r.err).toEqual(['3 object(s) in 1 file(s): 2 error(s) in 2 object(s)']);
  });

  it('reports YAML syntax errors as invalid objects and skips kustomization files', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  image: {user}/app\n');
    writeYaml(dir, 'kustomization.yaml', { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['broken.yaml'] });
    const r = cli('validate', dir);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out).toEqual([expect.stringMatching(/broken\.yaml: ConfigMap\/x: YAML syntax error at line 6, column 16: Unexpected scalar at node end/)]);
  });

  it('exits 2 on usage errors and unreadable input', () => {
    expect(cli().status).toBe(EXIT_USAGE);
    expect(cli('lint', 'x').status).toBe(EXIT_USAGE);
    expect(cli('validate').status).toBe(EXIT_USAGE);
    expect(cli('validate', '--frobnicate', 'x').status).toBe(EXIT_USAGE);
    expect(cli('validate', '--gateway-api-channel', 'beta', 'x').status).toBe(EXIT_USAGE);
    const missing = cli('validate', path.join(tempDir(), 'missing.yaml'));
    expect(missing.status).toBe(EXIT_USAGE);
    expect(missing.err[0]).toMatch(/cannot read .*missing\.yaml: ENOENT/);
    expect(cli('validate', '--help').status).toBe(EXIT_VALID);
  });

  it('validates against other CRDs with --crds (built-in kinds stay known)', () => {
    const dir = tempDir();
    const crds = writeYaml(dir, 'crds/widgets.yaml', widgetCrd({ type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', maximum: 3 } } } } }));
    const file = writeYaml(dir, 'objects.yaml', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'a' }, spec: { size: 4 } }, VALID.configMap, VALID.gateway);
    const r = cli('validate', '--crds', path.dirname(crds), file);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out).toEqual([`${file}: Widget/w: spec.size: Invalid value: 4: should be less than or equal to 3`, `${file}: Gateway/gw: kind: unknown kind: no CRD or built-in schema defines Gateway in gateway.networking.k8s.io/v1`]);
    expect(cli('validate', '--crds', path.join(dir, 'nope'), file).status).toBe(EXIT_USAGE);
  });

  it('chooses the Gateway API channel with --gateway-api-channel', () => {
    const file = path.join(SHARED, 'examples', 'gateway-api', 'experimental', 'v1alpha2', 'tls-routing', 'tls-route.yaml');
    expect(cli('validate', file).status).toBe(EXIT_VALID);
    expect(cli('validate', '--gateway-api-channel', 'experimental', file).status).toBe(EXIT_VALID);
    const standard = cli('validate', '--gateway-api-channel=standard', file);
    expect(standard.status).toBe(EXIT_INVALID);
    expect(standard.out[0]).toContain(': apiVersion: TLSRoute gateway.networking.k8s.io/v1alpha2 is not served');
  });

  it('runs as the package bin with the same exit codes', () => {
    const bin = path.join(ROOT, 'lib', 'src', 'cli', 'cdk8s-model-serving.js');
    expect(fs.readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    const dir = tempDir();
    const good = writeYaml(dir, 'good.yaml', VALID.certificate);
    const bad = writeYaml(dir, 'bad.yaml', changed(VALID.certificate, (o) => delete o.spec.issuerRef));
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    expect(run('validate', good).status).toBe(EXIT_VALID);
    const invalid = run('validate', good, bad);
    expect(invalid.status).toBe(EXIT_INVALID);
    expect(invalid.stdout).toBe(`${bad}: Certificate/gateway-cert: spec.issuerRef: Required value\n`);
    expect(run('validate').status).toBe(EXIT_USAGE);
  });
});
