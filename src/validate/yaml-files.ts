/**
 * Reading Kubernetes manifests from YAML files for validation: every
 * document of every file, with the file it came from. A document with a YAML
 * syntax error cannot be applied at all, so it becomes an issue of its own
 * instead of a half-parsed object.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileType, InputFileError, readInputText } from '../core/read-input';
import type { Tags } from 'yaml';
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
 * The most bytes `validate` reads in one run, over all files: 256 MiB (32
 * files at the 8 MiB limit of one file). A folder holding more (a disk
 * image, a whole repository's history exported as YAML) is refused at once
 * instead of being parsed for minutes.
 */
export const MAX_TOTAL_INPUT_BYTES = 256 * 1024 * 1024;

function errnoCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

function typeKnown(d: fs.Dirent): boolean {
  return d.isFile() || d.isDirectory() || d.isSymbolicLink() || d.isFIFO() || d.isSocket() || d.isCharacterDevice() || d.isBlockDevice();
}

function linkTarget(p: string): string {
  try {
    return fs.readlinkSync(p);
  } catch {
    return 'a path';
  }
}

function tooMuch(total: number): UnreadableInputError {
  return new UnreadableInputError(
    `the files to validate hold ${total} bytes, more than the ${MAX_TOTAL_INPUT_BYTES} bytes (256 MiB) read in one run. Fix: validate fewer files per run (e.g. one folder of manifests at a time).`,
  );
}

/**
 * The YAML files of a list of paths: a file as given, a folder as every
 * `.yaml`/`.yml` file below it (sorted, recursively; names starting with `.`
 * are skipped, such as `.git` or a staging folder).
 *
 * Symbolic links found inside a folder are not followed to folders: a link
 * such as `usr -> /usr` or `root -> /` would walk outside the folder given.
 * A link to a YAML file is read; other links, including dangling ones, are
 * skipped unless named `.yaml`/`.yml`. A path given on the command line may
 * itself be a link, to a file or a folder.
 *
 * @throws UnreadableInputError when a path given does not exist or cannot be
 *   read, when a path given, or an entry named `.yaml`/`.yml` in a folder, is
 *   not a regular file (a FIFO, socket, device, a dangling link, or a
 *   directory named like a file): reading it could block or never end; or
 *   when the files hold more than `MAX_TOTAL_INPUT_BYTES` together
 * @param pattern the file names read in folders (and not walked as folders)
 */
export function yamlFiles(paths: readonly string[], pattern: RegExp = YAML_FILE): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  let total = 0;
  const addFile = (p: string, stat: fs.Stats): void => {
    if (!stat.isFile()) throw new UnreadableInputError(`cannot read ${p}: it is ${fileType(stat)}, not a regular file. Fix: pass YAML files or folders of them.`);
    total += stat.size;
    if (total > MAX_TOTAL_INPUT_BYTES) throw tooMuch(total);
    files.push(p);
  };
  const walk = (dir: string, stat: fs.Stats): void => {
    const id = `${stat.dev}:${stat.ino}`;
    if (seen.has(id)) return;
    seen.add(id);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (err) {
      throw new UnreadableInputError(`cannot read ${dir}: ${errnoCode(err)}`);
    }
    for (const dirent of entries) {
      if (dirent.name.startsWith('.')) continue;
      const p = path.join(dir, dirent.name);
      const yaml = pattern.test(dirent.name);
      let entry: fs.Dirent | fs.Stats = dirent;
      // Some file systems do not report the type of an entry: ask for it.
      if (!typeKnown(dirent)) {
        try {
          entry = fs.lstatSync(p);
        } catch {
          if (yaml) throw new UnreadableInputError(`cannot read ${p}: it vanished or cannot be read. Fix: check that the file exists and can be read.`);
          continue;
        }
      }
      if (entry.isSymbolicLink()) {
        // Only a link to a YAML file matters; a link to a folder is not followed.
        if (!yaml) continue;
        let target: fs.Stats;
        try {
          target = fs.statSync(p);
        } catch (err) {
          throw new UnreadableInputError(`cannot read ${p}: it is a symbolic link to ${linkTarget(p)}, which cannot be read (${errnoCode(err)}). Fix: point the link at an existing YAML file, or remove it.`);
        }
        addFile(p, target);
      } else if (entry.isDirectory() && !yaml) {
        let sub: fs.Stats;
        try {
          sub = fs.lstatSync(p);
        } catch (err) {
          throw new UnreadableInputError(`cannot read ${p}: ${errnoCode(err)}`);
        }
        walk(p, sub);
      } else if (yaml) {
        let target: fs.Stats;
        try {
          target = fs.lstatSync(p);
        } catch (err) {
          throw new UnreadableInputError(`cannot read ${p}: ${errnoCode(err)}. Fix: check that the file exists and can be read.`);
        }
        addFile(p, target);
      }
    }
  };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      const code = errnoCode(err);
      const fix = code === 'ENOENT' ? 'Fix: check the path (a symbolic link must point at an existing file or folder).' : 'Fix: check that it can be read.';
      throw new UnreadableInputError(`cannot read ${p}: ${code}. ${fix}`);
    }
    if (stat.isDirectory() && !pattern.test(p)) walk(p, stat);
    else addFile(p, stat);
  }
  return files;
}

/**
 * Parses the documents of YAML files (YAML 1.1, as kubectl reads them).
 * Empty documents are skipped, and so are kustomize configuration files
 * (`kind: Kustomization`): they are not objects of the cluster.
 *
 * @throws UnreadableInputError when a file cannot be read, or the files hold more than `MAX_TOTAL_INPUT_BYTES` together
 */
/**
 * YAML 1.1 as kubectl and the apiserver read it (go-yaml v2 through
 * sigs.k8s.io/yaml): booleans `yes`/`on`, octal `010`, `_` in numbers, but
 * no sexagesimal numbers (`190:20:30` stays a string), and a plain scalar
 * shaped like a timestamp stays a string when decoded into a generic value
 * (`apiVersion: 2024-01-01` is the string `"2024-01-01"`, not a date).
 *
 * @see https://github.com/kubernetes-sigs/yaml/blob/v1.4.0/goyaml.v2/decode.go (timestamps kept as strings for interface{})
 * @see https://github.com/kubernetes-sigs/yaml/blob/v1.4.0/goyaml.v2/resolve.go (no base-60 numbers)
 */
function goYamlV2Tags(tags: Tags): Tags {
  return tags.filter((t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME'));
}

export function readYamlObjects(files: readonly string[]): ReadResult {
  const objects: SourcedObject[] = [];
  const syntaxIssues: ValidationIssue[] = [];
  let total = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readInputText(file);
    } catch (err) {
      if (err instanceof InputFileError) throw new UnreadableInputError(`cannot read ${err.message}`);
      throw err;
    }
    // Files may have grown since they were listed.
    total += Buffer.byteLength(text);
    if (total > MAX_TOTAL_INPUT_BYTES) throw tooMuch(total);
    const { docs, lines } = parseYamlDocuments(text, { version: '1.1', customTags: goYamlV2Tags });
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
