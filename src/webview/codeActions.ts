import * as vscode from 'vscode';
import type { Log } from '../services/log';

export type CodeAction = 'copy' | 'insert' | 'apply' | 'newFile';

/** The editor to act on: the active one, else the last visible text editor (the chat webview has focus). */
function targetEditor(): vscode.TextEditor | undefined {
  return vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
}

/** Maps a fence's info string to a VS Code language id where they differ. */
function languageId(fenceLang: string): string {
  const l = fenceLang.trim().toLowerCase();
  const aliases: Record<string, string> = { ts: 'typescript', js: 'javascript', py: 'python', sh: 'shellscript', bash: 'shellscript', yml: 'yaml', md: 'markdown', rs: 'rust', 'c++': 'cpp' };
  return aliases[l] ?? (l || 'plaintext');
}

/**
 * Copy / Insert at Cursor / Apply to Selection / New File for a code block of the chat. Insert and Apply are
 * one edit each (one undo step); with no editor they say what to do instead of failing silently.
 */
export async function runCodeAction(log: Log, action: CodeAction, code: string, language = ''): Promise<void> {
  switch (action) {
    case 'copy':
      await vscode.env.clipboard.writeText(code);
      void vscode.window.setStatusBarMessage('$(check) Code copied', 2000);
      return;
    case 'newFile': {
      const doc = await vscode.workspace.openTextDocument({ content: code, language: languageId(language) });
      await vscode.window.showTextDocument(doc, { preview: false });
      return;
    }
    case 'insert':
    case 'apply': {
      const editor = targetEditor();
      if (!editor) {
        void vscode.window.showInformationMessage(`Open a file to ${action === 'insert' ? 'insert the code into' : 'apply the code to'}.`);
        return;
      }
      if (action === 'apply' && editor.selection.isEmpty) {
        void vscode.window.showInformationMessage('Select the code to replace, then Apply again (or use Insert at Cursor).');
        return;
      }
      const eol = editor.document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
      const text = code.replace(/\r?\n/g, eol);
      const ok = await editor.edit((b) => {
        if (action === 'insert') b.insert(editor.selection.active, text);
        else b.replace(editor.selection, text);
      });
      if (!ok) {
        log.warn(`code ${action}: the editor refused the edit`);
        void vscode.window.showWarningMessage('The editor did not accept the change (it may be read-only).');
      }
      return;
    }
  }
}
