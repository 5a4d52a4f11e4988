import * as path from 'node:path';
import { limitIssueLines } from '../core/issue-limit';
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node, visit, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { isCredentialHeader, looksLikeCredential } from '../core/credentials';
import { describeValue, ModelServingError } from '../core/errors';
import { InputFileError, MAX_INPUT_BYTES, readInputBytes } from '../core/read-input';
import { closestKey } from '../core/props';
import { FORBIDDEN_RECORD_KEYS, isForbiddenRecordKey } from '../core/records';
import { MAX_ALIAS_NODES, MAX_YAML_DEPTH, parseYamlDocuments } from '../core/yaml-input';
import { Catalog, catalogSchema } from './catalog-schema';
import { codePoint } from '../core/control-character';

/** A place in a catalog file (1-based line and column). */
export interface CatalogLocation {
  /** The file, as displayed (relative to the working directory when inside it). */
  readonly file: string;
  /** Line, from 1. */
  readonly line: number;
  /** Column, from 1. */
  readonly column: number;
}

/** One problem of a catalog file. */
export interface CatalogIssue {
  /** Where it is. */
  readonly location: CatalogLocation;
  /** The field path, e.g. `services[2].metadata.auth.type`. */
  readonly field: string;
  /** What is wrong, phrased to follow the field. */
  readonly problem: string;
  /** The value found (undefined when missing). */
  readonly value: unknown;
  /** How to fix it. */
  readonly fix: string;
}

/** `<file>:<line>:<column>: <field>: <problem> (received: <value>). Fix: <fix>` */
export function formatCatalogIssue(i: CatalogIssue): string {
  // The field's last name can make any literal a credential (`...headers.Authorization`, `password`): describeValue then shows only its kind.
  const name = /([^.[\]]+)\]?$/.exec(i.field)?.[1];
  return `${i.location.file}:${i.location.line}:${i.location.column}: ${i.field}: ${i.problem} (received: ${describeValue(i.value, name)}). Fix: ${i.fix}`;
}

/**
 * A catalog file that cannot be used: every problem found, each with its
 * file, line, column and field. The message is one formatted issue per
 * line (see {@link formatCatalogIssue}), the first problem first.
 */
export class CatalogError extends ModelServingError {
  /** Every problem, in file order. */
  public readonly issues: readonly CatalogIssue[];

  public constructor(issues: readonly CatalogIssue[]) {
    const first = issues[0];
    super({ path: `${first.location.file}:${first.location.line}:${first.location.column}`, field: first.field, problem: first.problem, value: first.value, fix: first.fix });
    this.name = 'CatalogError';
    this.issues = issues;
    // Every issue stays in `issues`; the message lists the first MAX_ISSUES_PER_FILE.
    this.message = limitIssueLines(issues.map(formatCatalogIssue)).join('\n');
  }
}

/** One step of a path into a catalog document: a mapping key or a list index. */
export type Segment = string | number;

/**
 * A parsed, valid catalog with the source positions of its fields, so
 * later checks (the platform's, which depend on the gateway provider) can
 * report `file:line:column` too.
 */
export class LoadedCatalog {
  /** The catalog. */
  public readonly catalog: Catalog;

  /** @internal */
  public constructor(
    /** The file as displayed in errors. */
    public readonly file: string,
    catalog: Catalog,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {
    this.catalog = catalog;
  }

  /** The location of the value at `fieldPath` (or of the nearest enclosing value that exists). */
  public locate(fieldPath: readonly Segment[]): CatalogLocation {
    return locateIn(this.doc, this.lines, this.file, fieldPath).location;
  }

  /**
   * Throws a {@link CatalogError} for the value at `fieldPath`.
   *
   * @param problem what is wrong, phrased to follow the field
   * @param fix how to fix it
   */
  public fail(fieldPath: readonly Segment[], problem: string, fix: string): never {
    throw new CatalogError([{ location: this.locate(fieldPath), field: formatField(fieldPath), problem, value: valueAt(this.doc.toJS(), fieldPath), fix }]);
  }
}

/**
 * Reads and checks a catalog file (YAML or JSON).
 *
 * The file must be a regular file of at most 8 MiB (`MAX_INPUT_BYTES`);
 * YAML nesting and alias expansion are bounded (`MAX_YAML_DEPTH`,
 * `MAX_ALIAS_NODES`), so a hostile file cannot block or exhaust the
 * process.
 *
 * @param file path of the file (relative paths are resolved against the working directory)
 * @throws CatalogError listing every problem (syntax, unknown keys, types,
 *   values, references between entries) with file, line, column and field;
 *   for a file that is missing, not a regular file (FIFO, device,
 *   directory) or too large, one issue at `<file>:1:1` on `(file)`; for a
 *   YAML limit, the line of the alias or of the deepest collection
 */
export function loadCatalog(file: string): LoadedCatalog {
  const absolute = path.resolve(file);
  const shown = displayPath(absolute);
  let bytes: Buffer;
  try {
    bytes = readInputBytes(absolute);
  } catch (err) {
    if (!(err instanceof InputFileError)) throw err;
    const fix =
      err.problem === 'too-large'
        ? `split the catalog or shorten it below ${MAX_INPUT_BYTES} bytes`
        : err.problem === 'not-a-file'
          ? 'pass the path of a regular catalog file (.yaml or .json) to fromCatalog()'
          : 'check the path passed to fromCatalog()';
    throw new CatalogError([{ location: { file: shown, line: 1, column: 1 }, field: '(file)', problem: err.detail, value: shown, fix }]);
  }
  return parseCatalog(decodeUtf8(bytes, shown), shown);
}

/**
 * Checks catalog text (YAML or JSON) as if read from `file`.
 *
 * @throws CatalogError as {@link loadCatalog}
 */
export function parseCatalog(text: string, file: string): LoadedCatalog {
  const control = CONTROL_CHARACTER.exec(text);
  if (control) {
    const before = text.slice(0, control.index);
    const line = before.split('\n').length;
    const column = control.index - before.lastIndexOf('\n');
    const code = codePoint(control[0]);
    throw new CatalogError([
      {
        location: { file, line, column },
        field: '(file)',
        problem: `holds the control character ${code}${code === 'U+0000' ? ' (NUL)' : ''}, which YAML 1.2 does not allow in a document (c-printable) and which would end a header or path early`,
        value: code,
        fix: 'remove it (save the catalog as plain UTF-8 text)',
      },
    ]);
  }
  const { docs, lines } = parseYamlDocuments(text, { strict: true });
  const doc = docs[0];
  if (docs.length > 1) doc.errors.push(new YAMLParseError([docs[1].range[0], docs[1].range[0] + 1], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
  const at = (offset: number): CatalogLocation => {
    const p = lines.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const issues: CatalogIssue[] = doc.errors.map((e) => ({
      location: at(e.pos[0]),
      field: '(syntax)',
      problem: syntaxProblem(e),
      value: sourceLine(text, e.pos[0]),
      fix: syntaxFix(e),
    }));
    // The parser may report one mistake several times.
    throw new CatalogError([...new Map(issues.map((i) => [formatCatalogIssue(i), i])).values()]);
  }
  const unsafe = unsafeNodes(doc, text, at);
  if (unsafe.length > 0) throw new CatalogError(unsafe);
  const raw: unknown = doc.toJS();
  const result = catalogSchema().safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => toCatalogIssue(issue, doc, lines, file, raw));
    const unique = new Map(issues.map((i) => [formatCatalogIssue(i), i]));
    throw new CatalogError([...unique.values()].sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column || (a.field < b.field ? -1 : 1)));
  }
  const loaded = new LoadedCatalog(file, result.data, doc, lines);
  const conflicts = pathConflicts(loaded);
  if (conflicts.length > 0) throw new CatalogError(conflicts);
  return loaded;
}

/**
 * Two service endpoints that claim the same requests: every route of a
 * catalog hangs off the one HTTPS listener (one host name), so two
 * endpoints with the same path match (`/x/*` a prefix, `/x` exact) and
 * overlapping methods (none listed: every method) claim the same requests,
 * and the gateway sends them to one of the two Services only. An Exact
 * `/x` or `/x/` beside a PathPrefix `/x` (`/x/*`) of another service (or
 * another backend) is reported too: the prefix matches `/x` and `/x/`, and
 * Gateway API gives Exact precedence, so the exact endpoint takes the
 * prefix's own root from its service and access policy. A more specific
 * path under a prefix (`/x/health` beside `/x/*`) is a deliberate route,
 * as a longer prefix is, and is accepted.
 * Reported at the later endpoint, naming the `file:line:column` of both.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproutematch (precedence: Exact before PathPrefix)
 */
function pathConflicts(loaded: LoadedCatalog): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  type Seen = { readonly prefix: boolean; readonly value: string; readonly methods?: readonly string[]; readonly at: readonly Segment[]; readonly service: string; readonly backend: string };
  const seen: Seen[] = [];
  /** The Exact `path` is the root of the PathPrefix `prefix`, which the prefix matches too (Gateway API ignores a trailing '/'). */
  const rootOf = (prefix: string, path: string) => path === prefix || path === `${prefix.replace(/\/$/, '')}/`;
  (loaded.catalog.services ?? []).forEach((s, i) => {
    s.endpoints.forEach((e, j) => {
      const prefix = e.path.endsWith('*');
      const value = prefix ? e.path.slice(0, -1).replace(/\/+$/, '') || '/' : e.path;
      const backend = `${e.host}:${e.port}`;
      const at: Segment[] = ['services', i, 'endpoints', j, 'path'];
      const methodsOverlap = (x: Seen) => !x.methods || !e.methods || x.methods.some((m) => e.methods!.includes(m as (typeof e.methods)[number]));
      const same = seen.find((x) => x.prefix === prefix && x.value === value && methodsOverlap(x));
      const nested = same
        ? undefined
        : seen.find((x) => x.prefix !== prefix && (x.service !== s.name || x.backend !== backend) && (x.prefix ? rootOf(x.value, value) : rootOf(value, x.value)) && methodsOverlap(x));
      const first = same ?? nested;
      if (first) {
        const there = loaded.locate(first.at);
        const where = `${formatField(first.at)} of service '${first.service}' at ${there.file}:${there.line}:${there.column}`;
        issues.push({
          location: loaded.locate(at),
          field: formatField(at),
          problem: same
            ? `is the same ${prefix ? 'PathPrefix' : 'Exact'} match as ${where}, with overlapping methods: both routes would claim the same requests on the one host name, and the gateway would send them to one Service only`
            : prefix
              ? `is a PathPrefix ${value} that matches the Exact path ${first.value} of ${where}, with overlapping methods: the exact endpoint (Gateway API: Exact before PathPrefix) takes those requests from service '${s.name}' and its access policy`
              : `is an Exact path the PathPrefix ${first.value} of ${where} matches too (a prefix matches ${first.value === '/' ? '/' : `${first.value} and ${first.value}/`}), with overlapping methods: it would take those requests from service '${first.service}' and its access policy (Gateway API: Exact before PathPrefix)`,
          value: e.path,
          fix: 'give one of the endpoints a distinct path, or distinct methods',
        });
      } else {
        seen.push({ prefix, value, methods: e.methods, at, service: s.name, backend });
      }
    });
  });
  return issues;
}

function syntaxProblem(e: YAMLParseError): string {
  if (e.code === 'DUPLICATE_KEY') return 'repeats a key of the same mapping';
  if (e.code === 'RESOURCE_EXHAUSTION') return `is beyond a limit of the catalog format: ${e.message.split('\n')[0]}`;
  return `is not valid YAML: ${e.message.split('\n')[0]}`;
}

function syntaxFix(e: YAMLParseError): string {
  if (e.code === 'DUPLICATE_KEY') return 'keep one of the two keys';
  if (e.code === 'MULTIPLE_DOCS') return 'keep one document (one catalog) per file';
  if (e.code === 'RESOURCE_EXHAUSTION' && e.message.startsWith('Alias')) return `write the repeated value out, or anchor a larger block once instead of aliases of aliases (aliases may add at most ${MAX_ALIAS_NODES} nodes)`;
  if (e.code === 'RESOURCE_EXHAUSTION' && e.message.includes('documents')) return 'keep one document (one catalog) per file';
  if (e.code === 'RESOURCE_EXHAUSTION' && e.message.includes('tokens')) return 'split the catalog into smaller files, or shorten it';
  if (e.code === 'RESOURCE_EXHAUSTION') return `flatten the nesting (at most ${MAX_YAML_DEPTH} levels)`;
  if (e.code === 'BAD_ALIAS') return 'point the alias at an anchor defined before it and outside the node that holds the alias';
  return 'fix the YAML syntax at this position';
}

function toCatalogIssue(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, file: string, raw: unknown): CatalogIssue {
  const p = issue.path.filter((s): s is Segment => typeof s === 'string' || typeof s === 'number');
  const described = describeIssue(issue, p, doc, lines, file, raw);
  // A whole file that is not a mapping (a .env file, /proc/self/environ passed by mistake) is never echoed: it may be all credentials, of any shape.
  if (p.length === 0 && typeof described.value === 'string') {
    return { ...described, value: `<the file's text: ${described.value.length} characters, not shown>`, fix: 'pass a catalog file (a YAML mapping with services:); a .env or environment file is not one' };
  }
  // An error must not repeat a credential the catalog holds by mistake (a literal Authorization header, a key).
  const secret = p.some((s) => typeof s === 'string' && isCredentialHeader(s)) || (typeof described.value === 'string' && looksLikeCredential(described.value));
  return secret && described.value !== undefined ? { ...described, value: '<redacted>' } : described;
}

function describeIssue(issue: z.core.$ZodIssue, p: readonly Segment[], doc: Document, lines: LineCounter, file: string, raw: unknown): CatalogIssue {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const known = knownKeys(p);
    const suggestion = closestKey(key, known);
    return {
      location: locateIn(doc, lines, file, [...p, key], true).location,
      field: formatField([...p, key]),
      problem: 'is not a known field',
      value: valueAt(raw, [...p, key]),
      fix: `${suggestion ? `did you mean '${suggestion}'? ` : 'remove it. '}Known fields here: ${known.join(', ')}`,
    };
  }
  const value = valueAt(raw, p);
  const found = locateIn(doc, lines, file, p);
  const field = formatField(p);
  const fixOf = (issue as { params?: { fix?: string } }).params?.fix;
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return { location: found.location, field, problem: 'is required', value, fix: `add ${formatField(p.slice(-1))}` };
      return { location: found.location, field, problem: `must be ${article(issue.expected)}`, value, fix: `write ${article(issue.expected)}` };
    case 'invalid_value':
      return { location: found.location, field, problem: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`, value, fix: `use one of ${issue.values.map((v) => String(v)).join(', ')}` };
    case 'invalid_union': {
      const expected = [...new Set(issue.errors.flat().filter((e) => e.code === 'invalid_type').map((e) => (e as { expected: string }).expected))];
      return { location: found.location, field, problem: `must be ${expected.map(article).join(' or ')}`, value, fix: 'write it as documented in the catalog format' };
    }
    case 'too_small':
      return { location: found.location, field, problem: issue.origin === 'array' ? `must have at least ${issue.minimum} entries` : issue.origin === 'string' ? `must have at least ${issue.minimum} characters` : `must be >= ${issue.minimum}`, value, fix: 'raise it' };
    case 'too_big':
      return { location: found.location, field, problem: issue.origin === 'array' ? `must have at most ${issue.maximum} entries` : issue.origin === 'string' ? `must have at most ${issue.maximum} characters` : `must be <= ${issue.maximum}`, value, fix: 'lower it' };
    case 'invalid_format': {
      const own = !issue.message.startsWith('Invalid');
      const pattern = (issue as { pattern?: string }).pattern;
      // A fix written in catalog terms (never a pointer into the TypeScript sources).
      const fix =
        issue.format === 'url'
          ? 'write an https:// URL'
          : own && /^must be (a|an) /.test(issue.message)
            ? issue.message.replace(/^must be /, 'write ')
            : pattern !== undefined
              ? `write a value matching ${pattern}`
              : `write a value in the ${issue.format} format`;
      return { location: found.location, field, problem: own ? issue.message : `has an invalid format (${issue.format})`, value, fix };
    }
    case 'not_multiple_of':
      return { location: found.location, field, problem: 'must be a whole number', value, fix: 'remove the fraction' };
    case 'invalid_key':
      return { location: found.location, field, problem: 'has a key that is not a header or field name (letters, digits, _, . and -)', value, fix: 'rename the key' };
    default:
      return { location: found.location, field, problem: issue.message, value, fix: fixOf ?? 'write it as in the example catalogs (src/platforms/catalogs/*.yaml)' };
  }
}

function article(t: string): string {
  if (t === 'array') return 'a list';
  if (t === 'object') return 'a mapping';
  if (t === 'int') return 'a whole number';
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** `services[2].metadata.rateLimit.minute`. */
export function formatField(p: readonly Segment[]): string {
  let out = '';
  for (const s of p) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out === '' ? '(catalog)' : out;
}

function valueAt(raw: unknown, p: readonly Segment[]): unknown {
  let v: unknown = raw;
  for (const s of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[s];
  }
  return v;
}

/** The fields the schema allows in the object at `p`, for the fix of an unknown key. */
function knownKeys(p: readonly Segment[]): string[] {
  let schema: z.core.$ZodType | undefined = catalogSchema() as unknown as z.core.$ZodType;
  for (const s of p) {
    schema = unwrap(schema);
    if (!schema) return [];
    const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (def.type === 'array' && typeof s === 'number') schema = def.element;
    else if (def.type === 'object' && typeof s === 'string') schema = def.shape?.[s];
    else return [];
  }
  schema = unwrap(schema);
  const def = schema?._zod.def as { type?: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let s = schema;
  for (let i = 0; s && i < 10; i++) {
    const def = s._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else return s;
  }
  return s;
}


/**
 * The node at `p` (its key node when `atKey`), or the nearest enclosing
 * node that exists (for a missing key: the mapping that should hold it).
 */
function locateIn(doc: Document, lines: LineCounter, file: string, p: readonly Segment[], atKey = false): { location: CatalogLocation } {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < p.length; i++) {
    const s = p[i];
    let next: unknown;
    let keyNode: unknown;
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(s));
      if (pair) {
        keyNode = pair.key;
        next = pair.value ?? pair.key;
      }
    } else if (isSeq(node) && typeof s === 'number') {
      next = node.items[s];
    }
    if (next === undefined) break;
    const last = i === p.length - 1;
    offset = (last && atKey ? rangeStart(keyNode) : rangeStart(next)) ?? offset;
    node = next;
  }
  const pos = lines.linePos(offset);
  return { location: { file, line: pos.line, column: pos.col } };
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as Node | undefined)?.range;
  return r ? r[0] : undefined;
}

function displayPath(absolute: string): string {
  const rel = path.relative(process.cwd(), absolute);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : absolute;
}

/** The line of `text` holding `offset`, trimmed and cut at 80 characters: what a syntax error points at. */
function sourceLine(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  const end = text.indexOf('\n', offset);
  const line = text.slice(start, end === -1 ? text.length : end).trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/**
 * C0 control characters other than tab, line feed and carriage return, and
 * DEL: outside YAML 1.2's `c-printable` set (JSON allows none of them
 * unescaped either). NUL would end a header value or path early in C code.
 *
 * @see https://yaml.org/spec/1.2.2/#51-character-set
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The tags of YAML 1.2's core schema: the only ones a catalog may write (`!!str "1"`). */
const CORE_TAGS = ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`);

/**
 * The text of a catalog file, decoded as strict UTF-8: a byte sequence that
 * is not UTF-8 is refused (with its byte offset and line) instead of being
 * replaced by U+FFFD, which would change names and keys silently.
 *
 * @throws CatalogError naming the file, the line and the byte offset
 */
function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Find the first bad byte: a streaming fatal decoder throws on it.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let offset = 0;
    try {
      for (; offset < bytes.length; offset++) decoder.decode(bytes.subarray(offset, offset + 1), { stream: true });
      decoder.decode();
    } catch {
      // offset is the byte that made the sequence invalid
    }
    // The decoder notices a bad sequence at the byte that breaks it: report where the sequence starts.
    let shownOffset = offset;
    for (let j = offset - 1; j >= Math.max(0, offset - 3); j--) {
      if ((bytes[j] & 0xc0) === 0x80) continue;
      if (bytes[j] >= 0xc0) shownOffset = j;
      break;
    }
    shownOffset = Math.min(shownOffset, bytes.length - 1);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < shownOffset; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const hex = Buffer.from(bytes.subarray(shownOffset, shownOffset + 4)).toString('hex').replace(/(..)/g, '$1 ').trim();
    throw new CatalogError([
      {
        location: { file, line, column: shownOffset - lineStart + 1 },
        field: '(file)',
        problem: `is not valid UTF-8 at byte offset ${shownOffset}`,
        value: hex,
        fix: 'save the catalog as UTF-8 (YAML and JSON files are UTF-8 text)',
      },
    ]);
  }
}

/**
 * Tags outside the core schema (`!Ref`, `!!js/function`, `!!binary`) and
 * mapping keys that JavaScript objects reserve (`__proto__`, `constructor`,
 * `prototype`: the YAML parser makes an own `__proto__` property that the
 * schema's records would drop), each at its position.
 */
function unsafeNodes(doc: Document, text: string, at: (offset: number) => CatalogLocation): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  visit(doc, {
    Node: (_key, node, ancestors) => {
      if (isScalar(node) && typeof node.value === 'string' && node.value.includes('\u0000')) {
        issues.push({
          location: at(rangeStart(node) ?? 0),
          field: formatField(pathOf(ancestors, node)),
          problem: 'holds a NUL character (written as an escape such as \\0 or \\x00), which would end a header, path or name early',
          value: node.value,
          fix: 'remove the NUL character',
        });
      }
      const tag = (node as { tag?: string }).tag;
      if (tag !== undefined && !CORE_TAGS.includes(tag)) {
        const shown = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
        // The node's range starts at its value; point at the tag written before it.
        const start = rangeStart(node) ?? 0;
        const written = text.lastIndexOf(shown, start);
        issues.push({
          location: at(written >= 0 && !text.slice(written, start).includes('\n') ? written : start),
          field: formatField(pathOf(ancestors, node)),
          problem: `has the tag ${shown}, which is not one of YAML's core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq): the catalog is data, and custom tags such as !Ref or !!js/function are not expanded`,
          value: shown,
          fix: 'remove the tag and write the value itself',
        });
      }
    },
    Pair: (_key, pair, ancestors) => {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && isForbiddenRecordKey(pair.key.value)) {
        issues.push({
          location: at(rangeStart(pair.key) ?? 0),
          field: formatField([...pathOf(ancestors, undefined), pair.key.value]),
          problem: `is a key that JavaScript objects reserve (${FORBIDDEN_RECORD_KEYS.join(', ')}): it would be dropped or change what the mapping means`,
          value: pair.key.value,
          fix: 'remove the key, or rename it',
        });
      }
    },
  });
  return issues.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
}

/** The field path of a node from the visitor's ancestors (document, maps, pairs, sequences). */
function pathOf(ancestors: readonly unknown[], node: unknown): Segment[] {
  const out: Segment[] = [];
  const chain = node === undefined ? ancestors : [...ancestors, node];
  for (let i = 0; i < chain.length; i++) {
    const a = chain[i];
    if (isPair(a) && isScalar(a.key)) out.push(String(a.key.value));
    else if (isSeq(a) && i + 1 < chain.length) {
      const idx = a.items.indexOf(chain[i + 1] as never);
      if (idx >= 0) out.push(idx);
    }
  }
  return out;
}
