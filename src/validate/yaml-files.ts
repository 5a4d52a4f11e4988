/**
 * Reading Kubernetes manifests from YAML files for validation: every
 * document of every file, with the file it came from. A document with a YAML
 * syntax error cannot be applied at all, so it becomes an issue of its own
 * instead of a half-parsed object.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileType, InputFileError, readInputText } from '../core/read-input';
import { parseYamlDocuments } from '../core/yaml-input';
import { ValidationIssue } from './issue';
import { isPlainObject } from './schema/json-schema';
import { SourcedObject } from './validator';

/** The objects of some files, and the documents that could not be parsed. */
export interface ReadResult {
  readonly objects: SourcedObject[];
  readonly syntaxIssues: ValidationIssue[];
}

/** Thrown when a file or folder cannot be read (missing, not a file, no permission). */
export class UnreadableInputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UnreadableInputError';
  }
}

const YAML_FILE = /\.ya?ml$/;

/**
 * The YAML files of a list of paths: a file as given, a folder as every
 * `.yaml`/`.yml` file below it (sorted, recursively; names starting with `.`
 * are skipped, such as `.git` or a staging folder; a folder reached twice
 * through symbolic links is read once).
 *
 * @throws UnreadableInputError when a path does not exist or cannot be read,
 *   or when a path given, or an entry named `.yaml`/`.yml` in a folder, is
 *   not a regular file (a FIFO, socket, device, or a directory named like a
 *   file): reading it could block or never end
 */
export function yamlFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  const visit = (p: string, given: boolean): void => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      throw new UnreadableInputError(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (stat.isDirectory() && !YAML_FILE.test(p)) {
      const id = `${stat.dev}:${stat.ino}`;
      if (seen.has(id)) return;
      seen.add(id);
      let names: string[];
      try {
        names = fs.readdirSync(p).sort();
      } catch (err) {
        throw new UnreadableInputError(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      for (const name of names) if (!name.startsWith('.')) visit(path.join(p, name), false);
    } else if (given || YAML_FILE.test(p)) {
      if (!stat.isFile()) throw new UnreadableInputError(`cannot read ${p}: it is ${fileType(stat)}, not a regular file. Fix: pass YAML files or folders of them.`);
      files.push(p);
    }
  };
  for (const p of paths) visit(p, true);
  return files;
}

/**
 * Parses the documents of YAML files (YAML 1.1, as kubectl reads them).
 * Empty documents are skipped, and so are kustomize configuration files
 * (`kind: Kustomization`): they are not objects of the cluster.
 *
 * @throws UnreadableInputError when a file cannot be read
 */
export function readYamlObjects(files: readonly string[]): ReadResult {
  const objects: SourcedObject[] = [];
  const syntaxIssues: ValidationIssue[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readInputText(file);
    } catch (err) {
      if (err instanceof InputFileError) throw new UnreadableInputError(`cannot read ${err.message}`);
      throw err;
    }
    const { docs, lines } = parseYamlDocuments(text, { version: '1.1' });
    for (const doc of docs) {
      // A tag YAML does not know (`!Ref`, `!!js/function`) is not expanded: the value would silently be its text.
      const unknownTags = doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED');
      const problems = doc.errors.length > 0 ? doc.errors : unknownTags;
      if (problems.length > 0) {
        // A document over a limit is not converted at all: that is what the limit is for.
        const overLimit = doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION' || e.code === 'BAD_ALIAS');
        const partial: unknown = overLimit ? undefined : doc.toJS({ maxAliasCount: -1 });
        const meta = isPlainObject(partial) && isPlainObject(partial.metadata) ? partial.metadata : {};
        for (const problem of problems) {
          const at = lines.linePos(problem.pos[0]);
          const what = problem.code === 'RESOURCE_EXHAUSTION' ? 'limit' : problem.code === 'TAG_RESOLVE_FAILED' ? 'tag error' : 'syntax error';
          const hint = problem.code === 'TAG_RESOLVE_FAILED' ? ' (custom tags such as !Ref or !!js/function are not expanded; write the value itself)' : '';
          syntaxIssues.push({
            file,
            kind: isPlainObject(partial) && typeof partial.kind === 'string' ? partial.kind : '?',
            name: typeof meta.name === 'string' ? meta.name : '?',
            path: '',
            message: `YAML ${what} at line ${at.line}, column ${at.col}: ${problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}${hint}`,
          });
        }
        continue;
      }
      const object: unknown = doc.toJS({ maxAliasCount: -1 });
      if (object === null || object === undefined) continue;
      if (isPlainObject(object) && typeof object.apiVersion === 'string' && object.apiVersion.startsWith('kustomize.config.k8s.io/')) continue;
      objects.push({ object, file });
    }
  }
  return { objects, syntaxIssues };
}
