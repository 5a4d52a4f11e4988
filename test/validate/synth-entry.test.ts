import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers';

/**
 * The synth entry (`src/platforms/main.ts`) in a temporary copy of the
 * project, changed to synthesize `KgatewayKservePlatform` and, when `BREAK`
 * is set, to break one field of its Gateway: synth must then exit non-zero
 * with the error line and leave the output folder byte for byte as it was.
 */
const copy = tempDir('cdk8s-ms-synth-');
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

const BREAK_ONE_FIELD = `
import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { KgatewayKservePlatform } from './kgateway-kserve';

/** The reference platform; with BREAK=1, its Gateway's first listener gets port 0. */
export function defineBrokenPlatform(app: IConstruct): void {
  new KgatewayKservePlatform(app);
  if (process.env.BREAK !== '1') return;
  const gateway = app.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Gateway');
  if (gateway === undefined) throw new Error('no Gateway to break');
  gateway.addJsonPatch(JsonPatch.replace('/spec/listeners/0/port', 0));
}
`;

function prepareCopy(): void {
  for (const dir of ['src', 'imports']) fs.cpSync(path.join(ROOT, dir), path.join(copy, dir), { recursive: true });
  for (const file of ['package.json', 'tsconfig.json']) fs.copyFileSync(path.join(ROOT, file), path.join(copy, file));
  // Dependencies and generated schemas are shared, not copied (but not the
  // validation result cache in node_modules/.cache: synth starts cold).
  fs.mkdirSync(path.join(copy, 'node_modules'));
  for (const entry of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry !== '.cache') fs.symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(copy, 'node_modules', entry));
  }
  fs.symlinkSync(path.join(ROOT, 'lib'), path.join(copy, 'lib'));
  const main = path.join(copy, 'src', 'platforms', 'main.ts');
  const source = fs.readFileSync(main, 'utf8');
  const changedSource = source.replace('defineReferencePlatforms(app);', 'defineBrokenPlatform(app);').replace("import { defineReferencePlatforms } from './index';", "import { defineBrokenPlatform } from './break-one-field';");
  expect(changedSource).not.toBe(source);
  expect(changedSource).not.toContain('defineReferencePlatforms');
  fs.writeFileSync(main, changedSource);
  fs.writeFileSync(path.join(copy, 'src', 'platforms', 'break-one-field.ts'), BREAK_ONE_FIELD);
}

function synth(env: Record<string, string>) {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  return spawnSync(tsx, ['src/platforms/main.ts'], { cwd: copy, encoding: 'utf8', env: { ...process.env, CDK8S_MS_DIST: path.join(copy, 'dist'), ...env } });
}

/** Every file below `dir` with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, file)] = fs.readFileSync(file).toString('base64');
    }
  }
  return out;
}

describe('npm run synth with an invalid field', () => {
  it('exits non-zero with the error line and leaves the output untouched', () => {
    prepareCopy();
    const valid = synth({ BREAK: '0' });
    expect(valid.stderr).toBe('');
    expect(valid.status).toBe(0);
    const before = snapshot(path.join(copy, 'dist'));
    const gatewayFile = Object.keys(before).find((f) => /^kgateway-kserve\/gateway\..*\.yaml$/.test(f));
    expect(gatewayFile).toBeDefined();

    const broken = synth({ BREAK: '1' });
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain(`dist/${gatewayFile}: Gateway/`);
    expect(broken.stderr).toMatch(/: spec\.listeners\[0\]\.port: Invalid value: 0: should be greater than or equal to 1/);
    expect(snapshot(path.join(copy, 'dist'))).toEqual(before);
    expect(fs.readdirSync(copy).filter((f) => f.startsWith('.dist.'))).toEqual([]);
    // Objects found valid by the first run are remembered; the broken one is not.
    expect(fs.existsSync(path.join(copy, 'node_modules', '.cache', 'cdk8s-model-serving', 'validation.json'))).toBe(true);
  });
});
