/**
 * The import graphs of src/, parsed with the TypeScript 6 compiler API
 * (`typescript-docs`, the project's docs toolchain; TypeScript 7 has no JS
 * API):
 * - {@link typeGraph}: every relative import and re-export, type-only ones
 *   included (what `madge --ts` reports);
 * - {@link runtimeGraph}: the `require()`s of each file once compiled to
 *   CommonJS (`ts.transpileModule` elides imports used only as types), i.e.
 *   the load order of the published package.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript-docs';

export const SRC = resolve(__dirname, '..', '..', 'src');

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function resolveModule(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** One import of a file: the resolved target and whether it survives compilation. */
export interface ImportEdge {
  readonly target: string;
  readonly runtime: boolean;
}

/** The relative imports (and re-exports) of one source file. */
export function importsOf(file: string): ImportEdge[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  for (const stmt of source.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) {
      const target = resolveModule(file, stmt.moduleSpecifier.text);
      if (!target) continue;
      const clause = stmt.importClause;
      let runtime = true;
      if (clause?.isTypeOnly) runtime = false;
      else if (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings)) {
        const elements = clause.namedBindings.elements;
        if (elements.length > 0 && elements.every((e) => e.isTypeOnly)) runtime = false;
      }
      edges.push({ target, runtime });
    } else if (ts.isExportDeclaration(stmt) && stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier)) {
      const target = resolveModule(file, stmt.moduleSpecifier.text);
      if (target) edges.push({ target, runtime: !stmt.isTypeOnly });
    }
  }
  return edges;
}

/** Every relative import of every file under `root` (type-only ones included), keyed by path relative to src/. */
export function typeGraph(root = SRC): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of walk(root)) graph.set(relative(SRC, file), importsOf(file).map((e) => relative(SRC, e.target)));
  return graph;
}

/** The runtime `require()` graph of every file under `root` once compiled to CommonJS, keyed by path relative to src/. */
export function runtimeGraph(root = SRC): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of walk(root)) {
    const js = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const targets = [...js.matchAll(/\brequire\("(\.[^"]*)"\)/g)].map((m) => resolveModule(file, m[1])).filter((t): t is string => t !== undefined);
    graph.set(relative(SRC, file), [...new Set(targets.map((t) => relative(SRC, t)))]);
  }
  return graph;
}

/** The strongly connected components of more than one file (or a file importing itself): the import cycles. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) connect(v);
  return out;
}
