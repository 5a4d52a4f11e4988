/**
 * Parsing YAML input (catalogs, manifests, CRDs) with bounded work.
 *
 * - Nesting deeper than {@link MAX_YAML_DEPTH} is refused before the
 *   documents are built (building them recurses once per level).
 * - Aliases may add at most {@link MAX_ALIAS_NODES} nodes to a file when
 *   expanded ("billion laughs"); an alias inside the node it names (a
 *   cycle) is refused.
 * - A file may hold at most {@link MAX_YAML_DOCUMENTS} documents and
 *   {@link MAX_YAML_TOKENS} tokens, checked while it is read.
 * - Duplicate keys are found with one set per mapping (the yaml library's
 *   own check compares every key with every earlier one: quadratic).
 *
 * Once the budget is spent, the first alias of each later document of the
 * file fails too. Problems are added to `doc.errors` as `YAMLParseError`s with the offset of
 * the node at fault (the alias, the key, the deepest collection), so callers
 * report them like syntax errors, with file and line. Aliases are replaced
 * by the nodes they name, so `doc.toJS()` is linear in the expanded size
 * (the library resolves each alias by scanning the document: quadratic).
 */
import { Composer, CST, Document, DocumentOptions, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Node, ParseOptions, Parser, SchemaOptions, YAMLParseError } from 'yaml';

/**
 * The deepest nesting of collections accepted: 128 levels.
 *
 * go-yaml, which kubectl and the apiserver decode YAML with, stops at
 * 10 000 levels (`max_flow_level`, `max_indents`); building the documents
 * here recurses on the JavaScript stack, which ends near 900 levels, so the
 * bound is lower. The deepest object of the CRDs this project validates
 * nests 40 levels.
 *
 * @see https://github.com/go-yaml/yaml/blob/v3.0.1/scannerc.go (max_flow_level, max_indents)
 */
export const MAX_YAML_DEPTH = 128;

/**
 * The most nodes aliases may add to one file when expanded: 400 000.
 *
 * go-yaml lets small documents (up to 400 000 decode operations) come
 * 99% from alias expansion, and larger ones only 10%; this is the same
 * absolute bound without the ratio. A catalog that reuses an anchor a few
 * hundred times stays far below it; a YAML bomb (an alias of aliases of
 * aliases...) crosses it at the alias where it would.
 *
 * @see https://github.com/go-yaml/yaml/blob/v2.4.0/decode.go (allowedAliasRatio, alias_ratio_range_low)
 */
export const MAX_ALIAS_NODES = 400_000;

/**
 * The most documents read from one file: 10 000.
 *
 * Each document costs the YAML library about 1.5 KB and 10 µs even when
 * empty: 8 MiB of `---` lines (2 million documents) took 25 s and 3 GB.
 * Real multi-document files (CRD bundles, installation manifests) hold
 * hundreds; the reference platforms write one object per file.
 */
export const MAX_YAML_DOCUMENTS = 10_000;

/**
 * The most lexical tokens (scalars, indicators, spaces, line breaks) read
 * from one file: 2 000 000.
 *
 * The YAML library keeps about 400 bytes per token while it builds the
 * documents: 8 MiB of `1,` (10.5 million tokens) took 42 s and 3.5 GB;
 * 2 million take 7 s and 770 MB. The largest CRD file this project reads
 * (KServe's LLMInferenceService, 2.2 MB) has 278 533.
 */
export const MAX_YAML_TOKENS = 2_000_000;

/** Options of {@link parseYamlDocuments}. */
export type YamlInputOptions = ParseOptions & DocumentOptions & SchemaOptions & {
  /** @default MAX_YAML_DEPTH */
  readonly maxDepth?: number;
  /** @default MAX_ALIAS_NODES */
  readonly maxAliasNodes?: number;
  /** @default MAX_YAML_DOCUMENTS */
  readonly maxDocuments?: number;
  /** @default MAX_YAML_TOKENS */
  readonly maxTokens?: number;
};

/** The documents of a YAML text, with the line counter of the text. */
export interface YamlInput {
  readonly docs: Document.Parsed[];
  readonly lines: LineCounter;
}

/**
 * Parses every document of `text` within the limits. A text over the
 * nesting, document or token limit gives one document holding only that
 * error (reading stops there). Every problem is in the
 * `errors` of its document; a document without errors can be converted with
 * `toJS()` in time linear in its expanded size.
 *
 * The library's `uniqueKeys` option is replaced by a linear check (any
 * value given is ignored: keys are always unique).
 */
export function parseYamlDocuments(text: string, options: YamlInputOptions = {}): YamlInput {
  const { maxDepth = MAX_YAML_DEPTH, maxAliasNodes = MAX_ALIAS_NODES, maxDocuments = MAX_YAML_DOCUMENTS, maxTokens = MAX_YAML_TOKENS, ...yamlOptions } = options;
  const lines = new LineCounter();
  const composeOptions = { ...yamlOptions, uniqueKeys: false, prettyErrors: false };
  // Lexed and parsed token by token, to stop as soon as the nesting is too deep (not after megabytes of '[').
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0);
  const tokens: CST.Token[] = [];
  let tooDeep: number | undefined;
  let tooMany: number | undefined;
  let tooLong: number | undefined;
  let documents = 0;
  let lexemes = 0;
  const add = (token: CST.Token): void => {
    tokens.push(token);
    if (token.type === 'document' && ++documents > maxDocuments && tooMany === undefined) tooMany = token.offset;
  };
  for (const lexeme of new Lexer().lex(text)) {
    if (++lexemes > maxTokens) {
      tooLong = parser.offset;
      break;
    }
    for (const token of parser.next(lexeme)) add(token);
    if (tooMany !== undefined) break;
    if (parser.stack.length > maxDepth + 1) {
      tooDeep = deepestOpen(parser.stack, maxDepth);
      if (tooDeep !== undefined) break;
    }
  }
  if (tooDeep === undefined && tooMany === undefined && tooLong === undefined) {
    for (const token of parser.end()) add(token);
    tooDeep = deepest(tokens, maxDepth);
  }
  if (tooDeep !== undefined || tooMany !== undefined || tooLong !== undefined) {
    const doc = new Document(null, composeOptions) as Document.Parsed;
    const at = (tooDeep ?? tooMany ?? tooLong) as number;
    const message =
      tooDeep !== undefined
        ? `Collections nest more than ${maxDepth} levels deep here (the limit of nesting)`
        : tooMany !== undefined
          ? `The file holds more than ${maxDocuments} documents (the limit of documents in one file)`
          : `The file holds more than ${maxTokens} YAML tokens by here (the limit of tokens in one file)`;
    doc.errors.push(new YAMLParseError([at, at + 1], 'RESOURCE_EXHAUSTION', message));
    return { docs: [doc], lines };
  }
  const docs = Array.from(new Composer(composeOptions).compose(tokens, true, text.length));
  const budget: Budget = { left: maxAliasNodes, limit: maxAliasNodes };
  for (const doc of docs) checkDocument(doc, budget);
  return { docs, lines };
}

/** The offset of the collection deeper than `maxDepth` among the open tokens of the parser, or undefined. */
function deepestOpen(stack: readonly CST.Token[], maxDepth: number): number | undefined {
  let depth = 0;
  for (const token of stack) {
    if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      depth++;
      if (depth > maxDepth) return token.offset;
    }
  }
  return undefined;
}

/** The offset of the first collection deeper than `maxDepth`, or undefined (walks the CST without recursion). */
function deepest(tokens: readonly CST.Token[], maxDepth: number): number | undefined {
  const stack: Array<[CST.Token, number]> = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop() as [CST.Token, number];
    if (token.type === 'document') {
      if (token.value) stack.push([token.value, depth]);
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > maxDepth) return token.offset;
      for (const item of token.items as CST.CollectionItem[]) {
        if (item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

interface Budget {
  left: number;
  readonly limit: number;
}

class LimitReached extends Error {}

/**
 * Checks duplicate keys, alias cycles and alias expansion, replacing every
 * alias by the node it names. Recursion is bounded by the nesting check.
 */
function checkDocument(doc: Document.Parsed, budget: Budget): void {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  const fail = (node: Node | null | undefined, code: 'RESOURCE_EXHAUSTION' | 'BAD_ALIAS' | 'DUPLICATE_KEY', message: string): void => {
    const start = node?.range?.[0] ?? 0;
    doc.errors.push(new YAMLParseError([start, start + 1], code, message));
  };

  /** The expanded size of `node` (its nodes, counting what aliases name), or the node that replaces it. */
  const visit = (node: unknown): { node: unknown; size: number } => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) {
        fail(node, 'BAD_ALIAS', `Unresolved alias *${node.source} (the anchor &${node.source} must come before it)`);
        return { node, size: 1 };
      }
      if (open.has(target)) {
        fail(node, 'BAD_ALIAS', `Alias *${node.source} is inside the node it names (a cycle)`);
        return { node, size: 1 };
      }
      const size = sizes.get(target) ?? 1;
      budget.left -= size;
      if (budget.left < 0) {
        fail(node, 'RESOURCE_EXHAUSTION', `Alias *${node.source} expands the file past ${budget.limit} nodes made by aliases (the limit of alias expansion, against YAML bombs)`);
        throw new LimitReached();
      }
      return { node: target, size };
    }
    if (!isMap(node) && !isSeq(node)) {
      if (isScalar(node) && node.anchor) anchors.set(node.anchor, node);
      return { node, size: 1 };
    }
    if (node.anchor) anchors.set(node.anchor, node);
    open.add(node);
    let size = 1;
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key)) {
          if (keys.has(pair.key.value)) fail(pair.key, 'DUPLICATE_KEY', 'Map keys must be unique');
          keys.add(pair.key.value);
        }
        const key = visit(pair.key);
        pair.key = key.node;
        const value = visit(pair.value);
        pair.value = value.node;
        size += key.size + value.size;
      }
    } else {
      for (let i = 0; i < node.items.length; i++) {
        const item = visit(node.items[i]);
        node.items[i] = item.node;
        size += item.size;
      }
    }
    open.delete(node);
    sizes.set(node, size);
    return { node, size };
  };

  try {
    doc.contents = visit(doc.contents).node as Document.Parsed['contents'];
  } catch (err) {
    if (!(err instanceof LimitReached)) throw err;
  }
}
