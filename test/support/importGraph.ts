/**
 * The import graph of a source folder, read with the TypeScript compiler's parser, and its cycles (strongly
 * connected components). Used by the unit test that keeps src/ free of import circles.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export interface GraphOptions {
  /**
   * Count `import type`, `export type` and imports whose every name is marked `type` as edges too. They are
   * erased from the JavaScript, so they cannot make a circle at run time, but they still say which module
   * knows about which.
   */
  types?: boolean;
}

/**
 * The module specifiers `fileName` imports. Run-time imports are `import … from`, `import '…'`, `export … from`,
 * `import x = require('…')`, `require('…')` and `import('…')` with a literal specifier. An import without the
 * `type` keyword counts even if its names are only used as types (tsc would erase it): reading that needs the
 * type checker, and a module that wants to be left out can say `type`.
 */
export function importsOf(fileName: string, text: string, options: GraphOptions = {}): string[] {
  const types = options.types ?? false;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const add = (specifier: ts.Expression | undefined): void => {
    if (specifier && ts.isStringLiteralLike(specifier)) found.push(specifier.text);
  };
  const allTyped = (elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>): boolean =>
    elements.length > 0 && elements.every((e) => e.isTypeOnly);

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            allTyped(clause.namedBindings.elements)));
      if (types || !typeOnly) add(node.moduleSpecifier);
    } else if (ts.isExportDeclaration(node)) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause !== undefined &&
          ts.isNamedExports(node.exportClause) &&
          allTyped(node.exportClause.elements));
      if (types || !typeOnly) add(node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node)) {
      if (ts.isExternalModuleReference(node.moduleReference) && (types || !node.isTypeOnly))
        add(node.moduleReference.expression);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1) {
      const callee = node.expression;
      if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword)
        add(node.arguments[0]);
    } else if (types && ts.isImportTypeNode(node)) {
      // `typeof import('./x')` in a type.
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument)) add(argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Module → the modules it imports, both as paths relative to the graph's root folder's parent (`src/x.ts`). */
export type ImportGraph = Map<string, string[]>;

/**
 * The import graph of the `.ts` files under `dir` (a folder under `base`). Only relative imports that resolve to
 * one of those files are edges: `vscode`, Node and npm modules are left out.
 */
export function importGraph(base: string, dir: string, options: GraphOptions = {}): ImportGraph {
  const files = tsFilesUnder(path.join(base, dir));
  const known = new Set(files);
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const targets = new Set<string>();
    for (const specifier of importsOf(file, fs.readFileSync(file, 'utf8'), options)) {
      const target = resolveRelative(file, specifier, known);
      if (target) targets.add(relative(base, target));
    }
    graph.set(relative(base, file), [...targets].sort());
  }
  return graph;
}

/**
 * The cycles of `graph`: each strongly connected component with more than one module (or a module that imports
 * itself), its modules sorted; the components sorted by their first module. Tarjan's algorithm.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (module: string): void => {
    index.set(module, index.size);
    low.set(module, index.get(module)!);
    stack.push(module);
    onStack.add(module);
    for (const next of graph.get(module) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(module, Math.min(low.get(module)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(module, Math.min(low.get(module)!, index.get(next)!));
      }
    }
    if (low.get(module) !== index.get(module)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== module);
    if (component.length > 1 || (graph.get(module) ?? []).includes(module)) cycles.push(component.sort());
  };
  for (const module of graph.keys()) if (!index.has(module)) connect(module);
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}

/** `./x` or `../x` as Node's resolution finds a TypeScript file (x.ts, x/index.ts); undefined for packages. */
function resolveRelative(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const bare = path.resolve(path.dirname(from), specifier).replace(/\.js$/, '');
  return [`${bare}.ts`, path.join(bare, 'index.ts')].find((f) => known.has(f));
}

function tsFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const full = path.resolve(dir, e.name);
      if (e.isDirectory()) return tsFilesUnder(full);
      return e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
    })
    .sort();
}

/** A path relative to `base`, with forward slashes on every platform. */
function relative(base: string, file: string): string {
  return path.relative(base, file).split(path.sep).join('/');
}
