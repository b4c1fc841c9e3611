import vscode = require('vscode');
import type { EditSession } from './session';

/**
 * Serves both sides of every session's diff; `refresh` makes open diffs re-read them. Registered at start-up
 * (commands/register.ts), as it always was; the inline edit code that fills it loads with the first edit.
 */
export class EditContentProvider implements vscode.TextDocumentContentProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly sessions = new Map<string, EditSession>();

  add(s: EditSession): void {
    this.sessions.set(s.id, s);
  }

  remove(s: EditSession): void {
    this.sessions.delete(s.id);
  }

  refresh(s: EditSession): void {
    this.emitter.fire(s.originalUri);
    this.emitter.fire(s.proposedUri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, id, side] = uri.path.split('/');
    const s = this.sessions.get(id);
    if (!s) return '';
    return side === 'proposed' ? s.proposedText() : s.document.getText();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
