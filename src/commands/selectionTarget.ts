import * as path from 'node:path';
import vscode = require('vscode');
import type { CodeSelection, DiagnosticInfo, Severity } from '../edit/prompts';
import { enclosingBlock, type SymbolNode } from '../edit/scope';

/** Arguments the selection commands take from code actions, keybindings and tests. */
export interface SelectionArgs {
  uri?: vscode.Uri | string;
  range?: vscode.Range | { start: { line: number; character: number }; end: { line: number; character: number } };
  instruction?: string;
  question?: string;
}

export interface ResolvedTarget {
  document: vscode.TextDocument;
  range: vscode.Range;
  editor: vscode.TextEditor | undefined;
}

const CONTEXT_LINES = 30;

export function parseArgs(arg: unknown): SelectionArgs {
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as Record<string, unknown>;
  const out: SelectionArgs = {};
  if (a.uri instanceof vscode.Uri || typeof a.uri === 'string') out.uri = a.uri;
  if (a.range instanceof vscode.Range) out.range = a.range;
  else if (typeof a.range === 'object' && a.range !== null) out.range = a.range as SelectionArgs['range'];
  if (typeof a.instruction === 'string') out.instruction = a.instruction;
  if (typeof a.question === 'string') out.question = a.question;
  return out;
}

function toRange(r: NonNullable<SelectionArgs['range']>): vscode.Range {
  return r instanceof vscode.Range ? r : new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function toNode(s: vscode.DocumentSymbol | vscode.SymbolInformation): SymbolNode {
  if ('children' in s) return { name: s.name, kind: s.kind, range: s.range, children: s.children.map(toNode) };
  return { name: s.name, kind: s.kind, range: s.location.range };
}

/** Shows why there is no target; the chat participant says it in the chat instead of a toast. */
export type SayMissing = (message: string) => void;

const toast: SayMissing = (message) => void vscode.window.showInformationMessage(message);

/**
 * The code a command acts on: the arguments' range, else the editor's selection, else the function or block
 * around the cursor (document symbols). Says what to select (through `say`) and returns undefined when there is none.
 */
export async function resolveTarget(
  args: SelectionArgs,
  verb: string,
  say: SayMissing = toast,
): Promise<ResolvedTarget | undefined> {
  if (args.uri && args.range) {
    const uri = typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri;
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    return { document, range: document.validateRange(toRange(args.range)), editor };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    say(`Open a file and select the code to ${verb}.`);
    return undefined;
  }
  const document = editor.document;
  if (!editor.selection.isEmpty && document.getText(editor.selection).trim())
    return { document, range: new vscode.Range(editor.selection.start, editor.selection.end), editor };
  const symbols = await vscode.commands.executeCommand<
    (vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined
  >('vscode.executeDocumentSymbolProvider', document.uri);
  const block = symbols?.length ? enclosingBlock(symbols.map(toNode), editor.selection.active) : undefined;
  if (!block) {
    say(`Select the code to ${verb}: no function or block was found around the cursor.`);
    return undefined;
  }
  const r = block.range;
  const range = document.validateRange(new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character));
  // Show what the command took.
  editor.selection = new vscode.Selection(range.start, range.end);
  return { document, range, editor };
}

/** Workspace-relative path, or the untitled name. */
export function displayPath(doc: vscode.TextDocument): string {
  if (doc.isUntitled) return doc.uri.path;
  return vscode.workspace.asRelativePath(doc.uri, false) || path.basename(doc.uri.fsPath);
}

/** The prompt's view of a target, with some lines around it for context. */
export function codeSelection(doc: vscode.TextDocument, range: vscode.Range, withContext = true): CodeSelection {
  const sel: CodeSelection = {
    path: displayPath(doc),
    languageId: doc.languageId,
    ...lineSpan(range),
    text: doc.getText(range),
  };
  if (withContext) {
    sel.before = doc.getText(
      new vscode.Range(Math.max(0, range.start.line - CONTEXT_LINES), 0, range.start.line, range.start.character),
    );
    const last = Math.min(doc.lineCount - 1, range.end.line + CONTEXT_LINES);
    sel.after = doc.getText(new vscode.Range(range.end, doc.lineAt(last).range.end));
  }
  return sel;
}

const SEVERITY: Record<vscode.DiagnosticSeverity, Severity> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** A range's 1-based lines as people count them: a range ending at the start of a line does not include that line. */
export function lineSpan(range: vscode.Range): { startLine: number; endLine: number } {
  const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
  return { startLine: range.start.line + 1, endLine };
}

/** The document's diagnostics that touch `range`, most severe first. */
export function diagnosticsIn(doc: vscode.TextDocument, range: vscode.Range): DiagnosticInfo[] {
  return vscode.languages
    .getDiagnostics(doc.uri)
    .filter((d) => d.range.intersection(range) !== undefined)
    .sort((a, b) => a.severity - b.severity || a.range.start.compareTo(b.range.start))
    .map((d) => ({
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      severity: SEVERITY[d.severity],
      message: d.message,
      source: d.source,
      code: typeof d.code === 'object' ? d.code.value : d.code,
    }));
}
