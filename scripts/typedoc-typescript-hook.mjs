// Module resolution hook for `npm run docs` (registered by scripts/docs.mjs).
//
// TypeDoc 0.28 needs the TypeScript compiler API (TypeScript 5.x/6.0): the
// repository compiles with TypeScript 7, whose `typescript` package has no such
// API. The compiler API is installed under the alias `typescript-docs`
// (package.json devDependencies; `overrides` lets TypeDoc's peer dependency
// accept the project's TypeScript), and this hook hands it to every
// `import 'typescript'` / `require('typescript')` in the docs process.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'typescript' || specifier.startsWith('typescript/')) {
    return nextResolve(`typescript-docs${specifier.slice('typescript'.length)}`, context);
  }
  return nextResolve(specifier, context);
}
