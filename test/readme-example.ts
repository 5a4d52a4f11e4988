import * as fs from 'node:fs';
import * as path from 'node:path';

/** The README's opening example: the first ```ts block under `## A platform in one file`, as written there. */
export function readmeExample(root: string = path.resolve(__dirname, '..')): string {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const block = /## A platform in one file\n\n[\s\S]*?```ts\n([\s\S]*?)\n```/.exec(readme);
  if (!block) throw new Error('README.md has no ```ts block under ## A platform in one file');
  return block[1];
}
