// `npm run docs`: the API reference of the published package in docs/api/
// (gitignored), one TypeDoc module per export of package.json
// (`cdk8s-model-serving`, `cdk8s-model-serving/core`, ...), read from the
// TypeScript sources. Runs offline: everything it needs is a devDependency.
//
// TypeDoc 0.28 runs on the TypeScript 5.x/6.0 compiler API, which the
// TypeScript 7 the project builds with does not have: the API comes from the
// `typescript-docs` alias (see scripts/typedoc-typescript-hook.mjs).
//
// Extra arguments are passed to TypeDoc (`npm run docs -- --logLevel Verbose`).
// Exit status: 0 generated without warnings, 6 generated with warnings (a broken link, a public type not
// documented: CI runs this and fails), other non-zero values when nothing was generated.
import * as fs from 'node:fs';
import { register } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

register('./typedoc-typescript-hook.mjs', import.meta.url);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

const ts = (await import('typescript')).default;
if (!/^[56]\./.test(ts.version ?? '')) {
  throw new Error(`npm run docs: TypeDoc needs the TypeScript 5.x/6.0 compiler API, found typescript ${ts.version ?? '(no compiler API)'}. Fix: npm ci (installs the typescript-docs alias).`);
}
const td = await import('typedoc');

/** The entry points: one per export of package.json, the root last (so declarations land in their area and the root re-exports them). */
function entryPoints() {
  const entries = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const types = typeof target === 'string' ? undefined : target.types;
    if (types === undefined) continue; // ./package.json
    const match = /^\.\/lib\/(src\/(?:.+\/)?index)\.d\.ts$/.exec(types);
    if (!match) throw new Error(`npm run docs: export ${subpath} has types ${types}, expected ./lib/src/<area>/index.d.ts`);
    const source = path.join(root, `${match[1]}.ts`);
    if (!fs.existsSync(source)) throw new Error(`npm run docs: export ${subpath} has no source ${path.relative(root, source)}`);
    entries.push({ name: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`, source });
  }
  return [...entries.filter((e) => e.name !== pkg.name), ...entries.filter((e) => e.name === pkg.name)];
}

/** `imports/<file>:<Name>` of every generated L1 type the documented API refers to (TypeDoc's file-qualified form). */
function referencedGeneratedTypes(json) {
  const found = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const file = node.type === 'reference' && node.target?.packageName === pkg.name ? node.target.packagePath : undefined;
    if (typeof file === 'string' && /^imports\/[^/]+\.ts$/.test(file)) found.add(`${file}:${node.target.qualifiedName}`);
    Object.values(node).forEach(visit);
  };
  visit(json);
  return [...found].sort();
}

const entries = entryPoints();
const app = await td.Application.bootstrapWithPlugins(
  {
    name: `${pkg.name} ${pkg.version}`,
    entryPoints: entries.map((e) => e.source),
    entryPointStrategy: 'resolve',
    tsconfig: path.join(root, 'tsconfig.docs.json'),
    out: path.join(root, 'docs', 'api'),
    readme: path.join(root, 'README.md'),
    excludePrivate: true,
    excludeInternal: true,
    // Sorted and without git links: the same sources give the same pages.
    disableSources: true,
    sort: ['kind', 'alphabetical'],
    // `cdk8s import` marks each generated type with the CRD schema it came from.
    blockTags: [...td.OptionDefaults.blockTags, '@schema'],
  },
  [new td.ArgumentsReader(0), new td.TSConfigReader(), new td.ArgumentsReader(300).ignoreErrors()],
);

// Module names as consumers import them, not as file paths ('policy/kong').
const nameOf = new Map(entries.map((e) => [path.normalize(e.source), e.name]));
app.converter.on(td.Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
  if (!reflection.kindOf(td.ReflectionKind.Module)) return;
  const symbol = context.getSymbolFromReflection(reflection);
  const file = symbol?.declarations?.[0]?.getSourceFile().fileName;
  const name = file === undefined ? undefined : nameOf.get(path.normalize(file));
  if (name !== undefined) reflection.name = name;
});

const project = await app.convert();
if (!project) process.exit(3);
// The L1 classes generated from the pinned CRDs (imports/) are documented by the CRDs themselves (each field's
// description is the CRD's) and are not an export of the package: a public prop typed with one
// (`resource: kserve.InferenceService`) names it without a page of its own. Only those referenced are listed
// (TypeDoc warns about a listed name nothing references).
// The catalog types are zod's output types of the schema builder, which stays internal (its zod objects are not API).
app.options.setValue('intentionallyNotExported', [...referencedGeneratedTypes(app.serializer.projectToObject(project, root)), 'src/platform/catalog-schema.ts:Shapes']);
app.validate(project);
if (app.logger.hasErrors()) process.exit(4);
await app.generateOutputs(project);
if (app.logger.hasErrors()) process.exit(5);
console.log(`docs: ${path.relative(process.cwd(), path.join(root, 'docs', 'api')) || '.'} (${entries.length} modules, ${app.logger.warningCount} warnings)`);
if (app.logger.warningCount > 0) process.exit(6);
