import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CliIo, EXIT_INVALID, EXIT_USAGE, EXIT_VALID, runCli } from '../../src/cli/run';
import { SHARED, tempDir, widget, widgetCrd } from './helpers';

/** `validate --crds FOLDER` reads the folder as `validate` reads its inputs: recursively. */
function cli(...args: string[]): { status: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  return { status: runCli(args, io), out, err };
}

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const CRDS = path.join(SHARED, 'crds');

const TCP_ROUTE = {
  apiVersion: 'gateway.networking.k8s.io/v1alpha2',
  kind: 'TCPRoute',
  metadata: { name: 'db', namespace: 'default' },
  spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'db', port: 5432 }] }] },
};

describe('validate --crds FOLDER', () => {
  it('reads CRDs in subfolders and skips files that hold none (a JSON schema, a README)', () => {
    const dir = tempDir();
    const crds = path.join(dir, 'crds');
    write(path.join(crds, 'example.com', 'v1', 'widgets.json'), JSON.stringify(widgetCrd({ type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', maximum: 3 } } } } })));
    write(path.join(crds, 'k8s', '_definitions.json'), JSON.stringify({ definitions: { 'io.k8s.api.core.v1.Pod': { type: 'object' } } }));
    write(path.join(crds, 'notes.yaml'), 'title: not a CRD\n');
    const good = write(path.join(dir, 'good.yaml'), stringify(widget({ size: 2 })));
    const bad = write(path.join(dir, 'bad.yaml'), stringify(widget({ size: 9 })));
    expect(cli('validate', '--crds', crds, good).status).toBe(EXIT_VALID);
    const r = cli('validate', '--crds', crds, bad);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out.join('\n')).toContain('spec.size: Invalid value: 9: should be less than or equal to 3');
  });

  it('refuses a folder with no CRD anywhere below it, naming it', () => {
    const dir = tempDir();
    write(path.join(dir, 'crds', 'sub', 'notes.yaml'), 'title: not a CRD\n');
    const obj = write(path.join(dir, 'w.yaml'), stringify(widget({ size: 2 })));
    const r = cli('validate', '--crds', path.join(dir, 'crds'), obj);
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err.join('\n')).toContain(`--crds ${path.join(dir, 'crds')}: no CustomResourceDefinition in the folder or below it`);
  });

  it('still refuses a file given by name that holds no CRD', () => {
    const dir = tempDir();
    const notCrd = write(path.join(dir, 'notes.yaml'), 'title: not a CRD\n');
    const obj = write(path.join(dir, 'w.yaml'), stringify(widget({ size: 2 })));
    const r = cli('validate', '--crds', notCrd, obj);
    expect(r.status).toBe(EXIT_USAGE);
    expect(r.err.join('\n')).toContain('holds no CustomResourceDefinition');
  });

  it('keeps both Gateway API channels of a folder and lets --gateway-api-channel choose', () => {
    const dir = tempDir();
    const route = write(path.join(dir, 'tcp.yaml'), stringify(TCP_ROUTE));
    const gatewayApi = path.join(CRDS, 'gateway.networking.k8s.io');
    // TCPRoute v1alpha2 is served by the experimental channel's CRD only.
    expect(cli('validate', '--crds', gatewayApi, route).status).toBe(EXIT_VALID);
    expect(cli('validate', '--crds', gatewayApi, '--gateway-api-channel', 'experimental', route).status).toBe(EXIT_VALID);
    const standard = cli('validate', '--crds', gatewayApi, '--gateway-api-channel', 'standard', route);
    expect(standard.status).toBe(EXIT_INVALID);
    expect(standard.out.join('\n')).toContain('TCPRoute gateway.networking.k8s.io/v1alpha2 is not served');
  });

  it('names the collision when two generations of the same CRDs sit in one folder (the root of ../shared/crds)', () => {
    const dir = tempDir();
    const route = write(path.join(dir, 'tcp.yaml'), stringify(TCP_ROUTE));
    const r = cli('validate', '--crds', CRDS, route);
    expect(r.status).toBe(EXIT_USAGE);
    const message = r.err.join('\n');
    expect(message).toMatch(/configuration\.konghq\.com\/v1\w* is defined twice \(.*configuration\.konghq\.com\/[a-z]+\.yaml and .*configuration\.konghq\.com\/kong-operator-v2\.0\.1\/[a-z]+\.yaml\)/);
    expect(message).toContain('must be narrowed to the one the cluster runs');
    // Not an unknown-kind report for every Gateway API object.
    expect(message).not.toContain('unknown kind');
  });
});
