import vscode = require('vscode');

/** Whole lines around some ranges (a QuickFix's diagnostics), without the last line break. */
export function wholeLines(doc: vscode.TextDocument, ranges: readonly vscode.Range[]): vscode.Range {
  const start = Math.min(...ranges.map((r) => r.start.line));
  const end = Math.max(...ranges.map((r) => r.end.line));
  return new vscode.Range(start, 0, end, doc.lineAt(end).range.end.character);
}

/**
 * The lightbulb: "Fix with Arcee" (QuickFix) on diagnostics, "Edit with Arcee…" and "Explain with Arcee"
 * (RefactorRewrite) on a selection. Each runs the command on the range the lightbulb was shown for. Registered
 * at start-up and asked on every selection change, so it needs nothing the commands themselves load.
 */
export class SelectionCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    const wants = (kind: vscode.CodeActionKind): boolean =>
      !context.only || context.only.contains(kind) || kind.contains(context.only);
    if (context.diagnostics.length && wants(vscode.CodeActionKind.QuickFix)) {
      const fix = new vscode.CodeAction('Fix with Arcee', vscode.CodeActionKind.QuickFix);
      fix.diagnostics = [...context.diagnostics];
      const target =
        range.isEmpty || !document.getText(range).trim()
          ? wholeLines(
              document,
              context.diagnostics.map((d) => d.range),
            )
          : range;
      fix.command = {
        title: 'Fix with Arcee',
        command: 'arcee.fixSelection',
        arguments: [{ uri: document.uri, range: target }],
      };
      out.push(fix);
    }
    if (!range.isEmpty && document.getText(range).trim() && wants(vscode.CodeActionKind.RefactorRewrite)) {
      const edit = new vscode.CodeAction('Edit with Arcee…', vscode.CodeActionKind.RefactorRewrite);
      edit.command = {
        title: 'Edit with Arcee…',
        command: 'arcee.editSelection',
        arguments: [{ uri: document.uri, range }],
      };
      const explain = new vscode.CodeAction('Explain with Arcee', vscode.CodeActionKind.RefactorRewrite);
      explain.command = {
        title: 'Explain with Arcee',
        command: 'arcee.explainSelection',
        arguments: [{ uri: document.uri, range }],
      };
      out.push(edit, explain);
    }
    return out;
  }
}

export function registerSelectionCodeActions(): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(
    [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-userdata' }],
    new SelectionCodeActions(),
    {
      providedCodeActionKinds: SelectionCodeActions.kinds,
    },
  );
}
