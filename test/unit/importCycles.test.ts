// Import circles in src/. The feature code loads on first use through src/lazy.ts (which requires ./features), so
// a module below the loader that calls `features()` pulls the whole feature tree into one circle with itself:
// the loader belongs at the top (STYLE.md, "Lazy loading without cycles"), and low layers are handed factories.
import * as assert from 'node:assert/strict';
import { importCycles, importGraph, importsOf, type ImportGraph } from '../support/importGraph';
import { repoRoot } from '../support/paths';

/**
 * The circles left when type-only imports count: each is closed by a type import only, so none exists at run
 * time. The second is feature code (respond.ts, answer.ts, chatActions.ts) naming the narrow backend and hook
 * interfaces that the registration modules declare, and those modules load the feature code through lazy.ts.
 * A new circle, or one of these growing (a service calling `features()` again), fails the test.
 */
const TYPE_CYCLES = [
  [
    'src/features.ts',
    'src/lazy.ts',
    'src/lm/chatActions.ts',
    'src/lm/provider.ts',
    'src/lm/respond.ts',
    'src/participant/answer.ts',
    'src/participant/participant.ts',
  ],
  ['src/providers/errorClassify.ts', 'src/providers/errors.ts'],
];

describe('import cycles', () => {
  describe('reading imports', () => {
    const source = [
      "import a = require('./a');",
      "import type b = require('./b');",
      "import { c } from './c';",
      "import { type d } from './d';",
      "import { type e1, e2 } from './e';",
      "import type { f } from './f';",
      "import type * as g from './g';",
      "import './h';",
      "export { i } from './i';",
      "export type { j } from './j';",
      "export { type k } from './k';",
      "export * from './l';",
      "const m = require('./m') as typeof import('./n');",
      "void import('./o');",
      "type P = typeof import('./p');",
    ].join('\n');

    it('finds run-time imports: import … from, import =, require(), import(), export … from', () => {
      assert.deepEqual(importsOf('x.ts', source), ['./a', './c', './e', './h', './i', './l', './m', './o']);
    });

    it('finds type-only imports too when asked', () => {
      assert.deepEqual(importsOf('x.ts', source, { types: true }), [
        './a',
        './b',
        './c',
        './d',
        './e',
        './f',
        './g',
        './h',
        './i',
        './j',
        './k',
        './l',
        './m',
        './n',
        './o',
        './p',
      ]);
    });
  });

  describe('finding cycles', () => {
    it('returns each strongly connected component once, sorted, and a module that imports itself', () => {
      const graph: ImportGraph = new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a', 'd']],
        ['d', ['e']],
        ['e', ['d']],
        ['f', ['a', 'f']],
        ['g', []],
      ]);
      assert.deepEqual(importCycles(graph), [['a', 'b', 'c'], ['d', 'e'], ['f']]);
    });

    it('returns none for a graph without cycles', () => {
      const graph: ImportGraph = new Map([
        ['a', ['b', 'c']],
        ['b', ['c']],
        ['c', []],
      ]);
      assert.deepEqual(importCycles(graph), []);
    });
  });

  describe('src/', () => {
    it('has no cycle of run-time imports', () => {
      assert.deepEqual(importCycles(importGraph(repoRoot, 'src')), []);
    });

    it('has only the known cycles when type-only imports count, none of them through a service', () => {
      assert.deepEqual(importCycles(importGraph(repoRoot, 'src', { types: true })), TYPE_CYCLES);
    });
  });
});
