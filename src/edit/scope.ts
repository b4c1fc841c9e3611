/**
 * With no selection, the commands act on the function or block around the cursor, found in the document's
 * symbols. Pure: symbols are plain data, numbered like `vscode.SymbolKind`.
 */

export interface Pos {
  line: number;
  character: number;
}

export interface SymbolRange {
  start: Pos;
  end: Pos;
}

export interface SymbolNode {
  name: string;
  kind: number;
  range: SymbolRange;
  children?: SymbolNode[];
}

/** `vscode.SymbolKind` values used here. */
export const SymbolKinds = {
  File: 0,
  Module: 1,
  Namespace: 2,
  Package: 3,
  Class: 4,
  Method: 5,
  Constructor: 8,
  Enum: 9,
  Interface: 10,
  Function: 11,
  Object: 18,
  Struct: 22,
} as const;

const FUNCTION_LIKE = new Set<number>([SymbolKinds.Method, SymbolKinds.Constructor, SymbolKinds.Function]);
const TOO_WIDE = new Set<number>([SymbolKinds.File, SymbolKinds.Module, SymbolKinds.Namespace, SymbolKinds.Package]);

const before = (a: Pos, b: Pos): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);
const contains = (r: SymbolRange, p: Pos): boolean => before(r.start, p) && before(p, r.end);

/** Every symbol containing `pos`, outermost first (a flat list with ranges nests the same way). */
function chain(symbols: readonly SymbolNode[], pos: Pos): SymbolNode[] {
  const out: SymbolNode[] = [];
  const visit = (list: readonly SymbolNode[]): void => {
    for (const s of list) {
      if (!contains(s.range, pos)) continue;
      out.push(s);
      if (s.children?.length) visit(s.children);
    }
  };
  visit(symbols);
  // Flat lists (SymbolInformation) are not nested: order by size, largest first.
  const size = (s: SymbolNode): number =>
    (s.range.end.line - s.range.start.line) * 1e6 + (s.range.end.character - s.range.start.character);
  return out.sort((a, b) => size(b) - size(a));
}

/**
 * The innermost function, method or constructor around `pos`; else the innermost other symbol of more than
 * one line (a class, an object literal, a variable holding a function), never a whole module or file.
 */
export function enclosingBlock(symbols: readonly SymbolNode[], pos: Pos): SymbolNode | undefined {
  const around = chain(symbols, pos);
  for (let i = around.length - 1; i >= 0; i--) if (FUNCTION_LIKE.has(around[i].kind)) return around[i];
  for (let i = around.length - 1; i >= 0; i--) {
    const s = around[i];
    if (!TOO_WIDE.has(s.kind) && s.range.end.line > s.range.start.line) return s;
  }
  return undefined;
}
