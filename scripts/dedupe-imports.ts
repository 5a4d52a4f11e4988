/**
 * Shares the repeated types of a module `cdk8s import` generated.
 *
 * `cdk8s import` names every nested object after its path, so a CRD that
 * embeds a PodSpec in five places (KServe's predictor, transformer, explainer,
 * worker spec; LLMInferenceService's template, worker, prefill) gets five
 * copies of every container, probe, volume and affinity type, each with its
 * own `toJson_` function: the KServe module alone was 15,000 declarations,
 * most of them copies. This step finds the declarations that are the same
 * shape (same fields, docs, enum values and conversion code, and referring
 * to types that are themselves the same shape: the coarsest such partition,
 * found by refinement as for minimizing an automaton) and keeps the first of
 * each shape; every other becomes an alias of it (`export type X = First;`,
 * and `export const X = First;` too for enums and IntOrString classes), and
 * the kept declarations call the conversion of the first of each shape.
 * Every exported type name stays, with the same structural type and the
 * same JSON; the `toJson_` copies go (the module's own classes call the kept
 * ones).
 *
 * Generic: it reads only the shape of `cdk8s import`'s output, whatever the
 * API group. Idempotent: a module already deduplicated is returned as it is
 * (`test/package/imports-shared.test.ts` checks `imports/`).
 */

/** One top-level statement with its leading comments. */
interface Unit {
  readonly text: string;
  /** Declared type name (for `toJson_X`: X). */
  readonly name?: string;
  readonly kind: 'interface' | 'toJson' | 'enum' | 'class' | 'apiObject' | 'alias' | 'other';
  /** For aliases: the name it stands for. */
  readonly target?: string;
}

const DECL = /^export (interface|function|enum|class) (\w+)/;
const ALIAS = /^export (?:type|const) (\w+) = (\w+);$/;
const IDENT = /[A-Za-z_$][\w$]*/g;

function parse(source: string): { header: string; units: Unit[]; trailer: string } {
  const lines = source.split('\n');
  let i = 0;
  while (i < lines.length && !lines[i].startsWith('/**') && !lines[i].startsWith('export ')) i++;
  const header = lines.slice(0, i).join('\n');
  const units: Unit[] = [];
  let pending: string[] = [];
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (!line.startsWith('export ')) {
      pending.push(line);
      continue;
    }
    const alias = ALIAS.exec(line);
    if (alias) {
      units.push({ text: [...pending, line].join('\n'), kind: 'alias', name: alias[1].replace(/^toJson_/, ''), target: alias[2].replace(/^toJson_/, '') });
      pending = [];
      continue;
    }
    const decl = DECL.exec(line);
    let end = i;
    while (end < lines.length && lines[end] !== '}') end++;
    if (end >= lines.length) throw new Error(`dedupe-imports: no closing brace for '${line}'`);
    if (lines[end + 1]?.startsWith('/* eslint-enable')) end++;
    const text = [...pending, ...lines.slice(i, end + 1)].join('\n');
    pending = [];
    i = end;
    if (!decl) {
      units.push({ text, kind: 'other' });
    } else if (decl[1] === 'function') {
      units.push(decl[2].startsWith('toJson_') ? { text, kind: 'toJson', name: decl[2].slice('toJson_'.length) } : { text, kind: 'other' });
    } else if (decl[1] === 'class') {
      units.push({ text, kind: / extends ApiObject /.test(line) ? 'apiObject' : 'class', name: decl[2] });
    } else {
      units.push({ text, kind: decl[1] as 'interface' | 'enum', name: decl[2] });
    }
  }
  return { header, units, trailer: pending.join('\n') };
}

/** The text of a unit split into literal text and references to declared names. */
type Parts = Array<string | { readonly ref: string }>;

function split(text: string, own: string, known: (name: string) => boolean): Parts {
  const parts: Parts = [];
  let last = 0;
  for (const m of text.matchAll(IDENT)) {
    const token = m[0];
    const name = token.startsWith('toJson_') ? token.slice('toJson_'.length) : token;
    if (name !== own && !known(name)) continue;
    parts.push(text.slice(last, m.index), { ref: name === own ? '' : name });
    last = (m.index as number) + token.length;
  }
  parts.push(text.slice(last));
  return parts;
}

/**
 * The module with each repeated shape declared once (see the file comment).
 *
 * @param source the TypeScript `cdk8s import` wrote, or this function's output
 */
export function dedupeImportModule(source: string): string {
  const { header, units, trailer } = parse(source);
  const aliasOf = new Map<string, string>();
  for (const u of units) if (u.kind === 'alias') aliasOf.set(u.name as string, u.target as string);
  const resolve = (name: string): string => {
    let n = name;
    for (let seen = 0; aliasOf.has(n) && seen < 1000; seen++) n = aliasOf.get(n) as string;
    return n;
  };
  // The declared shapes: interface + toJson, enum, class. ApiObject classes are kept (they carry a GVK).
  const shapes = new Map<string, { kind: string; units: Unit[] }>();
  for (const u of units) {
    if (u.name === undefined || u.kind === 'alias' || u.kind === 'other') continue;
    const key = u.name;
    const shape = shapes.get(key) ?? { kind: u.kind === 'toJson' ? 'interface' : u.kind, units: [] };
    shape.units.push(u);
    shapes.set(key, shape);
  }
  const known = (name: string): boolean => shapes.has(name) || aliasOf.has(name);
  const names = [...shapes.keys()];
  const parts = new Map(names.map((n) => [n, split((shapes.get(n) as { units: Unit[] }).units.map((u) => u.text).join('\n'), n, known)]));

  // Refinement: start with one class per kind, split by text with references replaced by their class, until stable.
  let classOf = new Map<string, number>(names.map((n) => [n, 0]));
  let count = 0;
  for (;;) {
    const ids = new Map<string, number>();
    const next = new Map<string, number>();
    for (const n of names) {
      const shape = shapes.get(n) as { kind: string };
      const body = (parts.get(n) as Parts).map((p) => (typeof p === 'string' ? p : p.ref === '' ? '\u0000self' : `\u0000${classOf.get(resolve(p.ref)) ?? `=${p.ref}`}`)).join('');
      const key = `${shape.kind === 'apiObject' ? `api:${n}` : shape.kind}\u0001${classOf.get(n)}\u0001${body}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
      }
      next.set(n, id);
    }
    classOf = next;
    if (ids.size === count) break;
    count = ids.size;
  }
  const first = new Map<number, string>();
  for (const n of names) if (!first.has(classOf.get(n) as number)) first.set(classOf.get(n) as number, n);

  // Kept units call the conversion of the first of each shape (the `toJson_` copies are not kept: nothing outside
  // the module calls them); type references keep their names, which stay as aliases, so a field still reads as
  // its own path (`...LivenessProbeHttpGetPort`, not the name of the first int-or-string class of the module).
  const repOf = (name: string): string => {
    const target = resolve(name);
    const c = classOf.get(target);
    return c === undefined ? target : (first.get(c) as string);
  };
  const rewrite = (u: Unit): string =>
    u.text.replace(IDENT, (token) => {
      if (!token.startsWith('toJson_')) return token;
      const name = token.slice('toJson_'.length);
      return shapes.has(name) || aliasOf.has(name) ? `toJson_${repOf(name)}` : token;
    });
  const out: string[] = [header];
  for (const u of units) {
    if (u.kind === 'alias') {
      out.push(u.text);
      continue;
    }
    if (u.name === undefined || u.kind === 'other' || u.kind === 'apiObject') {
      out.push(rewrite(u));
      continue;
    }
    const rep = repOf(u.name);
    if (rep === u.name) {
      out.push(rewrite(u));
      continue;
    }
    if (u.kind === 'toJson') continue;
    out.push(u.kind === 'interface' ? `export type ${u.name} = ${rep};` : `export const ${u.name} = ${rep};\nexport type ${u.name} = ${rep};`);
  }
  out.push(trailer);
  return out.join('\n');
}
