/**
 * Issue 14, section 2, through the `validate` CLI: a manifest with a custom
 * YAML tag (`!Ref`, `!!js/function`) is not valid, since the tag would not
 * be expanded and the object would silently carry its text.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_INVALID, EXIT_VALID } from '../../src/cli/run';
import { cli } from './hostile-helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));


const MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: models
data:
  region: eu-west-1
`;

describe('validate CLI: custom YAML tags', () => {
  it('reports !Ref and !!js/function with file, object, line and column, and exits 1', () => {
    const file = path.join(dir, 'tags.yaml');
    fs.writeFileSync(file, MANIFEST.replace('region: eu-west-1', 'region: !Ref Region\n  hook: !!js/function "function () { return 1 }"'));
    const r = cli('validate', file);
    expect(r.status).toBe(EXIT_INVALID);
    expect(r.out).toContain(`${file}: ConfigMap/settings: YAML tag error at line 7, column 11: Unresolved tag: !Ref (custom tags such as !Ref or !!js/function are not expanded; write the value itself)`);
    expect(r.out).toContain(`${file}: ConfigMap/settings: YAML tag error at line 8, column 9: Unresolved tag: tag:yaml.org,2002:js/function (custom tags such as !Ref or !!js/function are not expanded; write the value itself)`);
  });

  it('accepts the same manifest without the tags', () => {
    const file = path.join(dir, 'plain.yaml');
    fs.writeFileSync(file, MANIFEST);
    expect(cli('validate', file).status).toBe(EXIT_VALID);
  });
});
