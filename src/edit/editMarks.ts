/**
 * What the editor shows of an inline edit: the target range highlighted with its state ("Arcee is editing…",
 * "ready") and CodeLens buttons (Accept, Reject, Retry, alternatives, Show Diff) above it, in the file and in
 * the diff's preview side.
 */
import vscode = require('vscode');
import { Disposable } from '../services/dispose';
import type { EditSession } from './session';

export class EditMarks extends Disposable implements vscode.CodeLensProvider {
  private readonly lensesChanged = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly range = this._register(
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.modifiedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    }),
  );
  private readonly label = this._register(
    vscode.window.createTextEditorDecorationType({
      after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
    }),
  );

  constructor(private readonly session: () => EditSession | undefined) {
    super();
    this._register(vscode.languages.registerCodeLensProvider('*', this));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.decorate()));
  }

  /** The session changed (state, text, candidate, range): redraw. */
  update(): void {
    this.decorate();
    this.lensesChanged.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const s = this.session();
    if (!s || s.state === 'ended') return [];
    const isTarget = document === s.document;
    if (!isTarget && document.uri.toString() !== s.proposedUri.toString()) return [];
    const at = new vscode.Range(s.range.start.line, 0, s.range.start.line, 0);
    const lens = (title: string, command: string, tooltip?: string): vscode.CodeLens =>
      new vscode.CodeLens(at, { title, command, tooltip });
    if (s.state === 'streaming')
      return [
        lens('$(loading~spin) Arcee is editing…', 'arcee.inlineEdit.showDiff'),
        lens('Cancel (Esc)', 'arcee.inlineEdit.cancel'),
      ];
    const out = [
      lens('$(check) Accept', 'arcee.inlineEdit.accept', 'Apply this edit (Ctrl+Alt+Enter)'),
      lens('$(close) Reject', 'arcee.inlineEdit.reject', 'Keep the original (Ctrl+Alt+X)'),
    ];
    // Code applied from the chat was not asked for here: there is nothing to ask again.
    if (!s.proposed) out.push(lens('$(refresh) Retry', 'arcee.inlineEdit.retry', 'Ask again (Ctrl+Alt+R)'));
    if (s.candidates.length > 1)
      out.push(
        lens(`$(arrow-right) alternative ${s.position()}`, 'arcee.inlineEdit.next', 'Next alternative (Ctrl+Alt+])'),
      );
    if (s.candidate?.truncated)
      out.push(
        lens('$(warning) cut off', 'arcee.inlineEdit.showDiff', 'The answer was cut off: check the end of the code'),
      );
    if (isTarget) out.push(lens('Show Diff', 'arcee.inlineEdit.showDiff'));
    return out;
  }

  /** Marks the target range in every editor of the document: progress while streaming, "ready" under review. */
  private decorate(): void {
    const s = this.session();
    for (const editor of vscode.window.visibleTextEditors) {
      if (!s || s.state === 'ended' || editor.document !== s.document) {
        editor.setDecorations(this.range, []);
        editor.setDecorations(this.label, []);
        continue;
      }
      const r = s.range;
      const text =
        s.state === 'streaming'
          ? `Arcee is editing… ${s.replacement().split('\n').length} lines (Esc to cancel)`
          : `Arcee edit ${s.position()} ready: review it in the diff`;
      editor.setDecorations(this.range, [r]);
      editor.setDecorations(this.label, [
        { range: new vscode.Range(r.start.line, 0, r.start.line, 0), renderOptions: { after: { contentText: text } } },
      ]);
    }
  }
}
