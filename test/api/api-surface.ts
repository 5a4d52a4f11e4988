/**
 * Checks of the public API surface, type-checked with the TypeScript 6
 * compiler API (`typescript-docs`; TypeScript 7 has no JS API): props
 * arguments that could be optional, and generated L1 enums that public
 * props expose without exporting them.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript-docs';
import { SRC } from './import-graph';

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function isPublic(node: ts.Node): boolean {
  const flags = ts.getCombinedModifierFlags(node as ts.Declaration);
  return (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0;
}

let cached: ts.Program | undefined;

/** One program over src/ (and what it imports), built once per test file. */
function program(): ts.Program {
  cached ??= ts.createProgram(walk(SRC), { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true, types: [] });
  return cached;
}

/** `file:line Class.method(param: Type)` for every required parameter whose object type has only optional properties. */
export function requiredAllOptionalParams(exclude: (relativePath: string) => boolean = () => false): string[] {
  const checker = program().getTypeChecker();
  const found: string[] = [];
  for (const source of program().getSourceFiles()) {
    const rel = relative(SRC, source.fileName);
    if (rel.startsWith('..') || exclude(rel)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isClassDeclaration(node) && node.name && ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Export) {
        for (const member of node.members) {
          const isCtor = ts.isConstructorDeclaration(member);
          const isStatic = ts.isMethodDeclaration(member) && (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static) !== 0;
          if (!(isCtor || isStatic) || !isPublic(member)) continue;
          const params = (member as ts.FunctionLikeDeclaration).parameters;
          params.forEach((param, index) => {
            if (param.questionToken || param.initializer || param.dotDotDotToken) return;
            // Only the last parameter(s) may become optional: a required parameter after it keeps it required.
            if (params.slice(index + 1).some((p) => !p.questionToken && !p.initializer)) return;
            const type = checker.getTypeAtLocation(param);
            if (!(type.flags & ts.TypeFlags.Object) || type.getCallSignatures().length > 0 || checker.isArrayType(type)) return;
            const props = checker.getPropertiesOfType(type);
            if (props.length === 0) return;
            if (props.every((p) => (p.flags & ts.SymbolFlags.Optional) !== 0)) {
              const line = source.getLineAndCharacterOfPosition(param.getStart()).line + 1;
              const name = isCtor ? 'constructor' : (member as ts.MethodDeclaration).name.getText(source);
              found.push(`${rel}:${line} ${node.name!.text}.${name}(${param.name.getText(source)}: ${checker.typeToString(type)})`);
            }
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found.sort();
}

function resolve(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/**
 * The enums declared in the generated L1 modules (imports/) that a public
 * declaration of the package entry (src/index.ts, namespaces included)
 * names in a property, parameter or return type, but that the entry does
 * not export: `file Declaration -> Enum` for each.
 *
 * @param exclude source files (relative to src/) whose declarations are not checked
 */
export function unexportedL1Enums(exclude: (relativePath: string) => boolean = () => false): string[] {
  const checker = program().getTypeChecker();
  const index = program().getSourceFile(join(SRC, 'index.ts'))!;
  const exported = new Set<ts.Symbol>();
  const declarations: ts.Declaration[] = [];
  const collect = (moduleSymbol: ts.Symbol): void => {
    for (const e of checker.getExportsOfModule(moduleSymbol)) {
      const target = resolve(checker, e);
      if (exported.has(target)) continue;
      exported.add(target);
      if (target.flags & ts.SymbolFlags.ValueModule && target.valueDeclaration && ts.isSourceFile(target.valueDeclaration)) collect(target);
      else declarations.push(...(target.declarations ?? []));
    }
  };
  collect(checker.getSymbolAtLocation(index)!);
  const found = new Set<string>();
  const isL1 = (d: ts.Node) => d.getSourceFile().fileName.includes('/imports/');
  for (const decl of declarations) {
    const file = relative(SRC, decl.getSourceFile().fileName);
    if (file.startsWith('..') || exclude(file)) continue;
    const where = `${file} ${(decl as ts.NamedDeclaration).name?.getText() ?? '?'}`;
    const scanType = (node: ts.Node | undefined): void => {
      if (!node) return;
      if (ts.isTypeReferenceNode(node)) {
        const symbol = checker.getSymbolAtLocation(ts.isQualifiedName(node.typeName) ? node.typeName.right : node.typeName);
        const target = symbol && resolve(checker, symbol);
        const enumSymbol = target && target.flags & ts.SymbolFlags.EnumMember ? (target as ts.Symbol & { parent?: ts.Symbol }).parent : target;
        if (enumSymbol && enumSymbol.flags & ts.SymbolFlags.Enum && enumSymbol.declarations?.some(isL1) && !exported.has(enumSymbol)) found.add(`${where} -> ${enumSymbol.name}`);
      }
      ts.forEachChild(node, scanType);
    };
    const isPublicMember = (m: ts.Node) => (ts.getCombinedModifierFlags(m as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0;
    const scanSignature = (sig: ts.SignatureDeclarationBase) => {
      sig.parameters.forEach((p) => scanType(p.type));
      scanType(sig.type);
    };
    if (ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl)) scanType(decl);
    else if (ts.isFunctionDeclaration(decl)) scanSignature(decl);
    else if (ts.isClassDeclaration(decl)) {
      for (const m of decl.members) {
        if (!isPublicMember(m)) continue;
        if (ts.isConstructorDeclaration(m) || ts.isMethodDeclaration(m) || ts.isGetAccessor(m)) scanSignature(m);
        else if (ts.isPropertyDeclaration(m)) scanType(m.type);
      }
    }
  }
  return [...found].sort();
}
