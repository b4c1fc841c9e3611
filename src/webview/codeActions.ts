import * as vscode from 'vscode';
import type { EditOutcome, InlineEditController } from '../edit/inlineEdit';
import { EDIT_SCHEME } from '../edit/session';
import type { Log } from '../services/log';

export type CodeAction = 'copy' | 'insert' | 'apply' | 'newFile';

/** The command behind Apply; registered with the inline edit controller (src/commands/selection.ts). */
export const APPLY_CODE_COMMAND = 'arcee.applyCode';

/**
 * The editor to act on: the active one, else the last visible text editor (the chat webview has focus). The
 * sides of an inline edit's diff are previews, never a target.
 */
function targetEditor(): vscode.TextEditor | undefined {
  const usable = (e: vscode.TextEditor | undefined): e is vscode.TextEditor => !!e && e.document.uri.scheme !== EDIT_SCHEME;
  const active = vscode.window.activeTextEditor;
  return usable(active) ? active : vscode.window.visibleTextEditors.find(usable);
}

/**
 * Apply: proposes `code` for the target editor's selection through the inline edit diff (Accept is one undo
 * step, Reject changes nothing). With no selection it says what to do instead.
 */
export async function applyCode(edits: InlineEditController, code: string): Promise<EditOutcome | undefined> {
  const editor = targetEditor();
  if (!editor) {
    void vscode.window.showInformationMessage('Open a file to apply the code to.');
    return undefined;
  }
  if (editor.selection.isEmpty) {
    void vscode.window.showInformationMessage('Select the code to replace, then Apply again (or use Insert at Cursor).');
    return undefined;
  }
  const options = editor.options;
  return edits.propose(
    {
      document: editor.document,
      range: new vscode.Range(editor.selection.start, editor.selection.end),
      viewColumn: editor.viewColumn,
      insertSpaces: typeof options.insertSpaces === 'boolean' ? options.insertSpaces : undefined,
      tabSize: typeof options.tabSize === 'number' ? options.tabSize : undefined,
    },
    code,
    'Apply from Chat',
  );
}

/** Maps a fence's info string to a VS Code language id where they differ. */
function languageId(fenceLang: string): string {
  const l = fenceLang.trim().toLowerCase();
  const aliases: Record<string, string> = { ts: 'typescript', js: 'javascript', py: 'python', sh: 'shellscript', bash: 'shellscript', yml: 'yaml', md: 'markdown', rs: 'rust', 'c++': 'cpp' };
  return aliases[l] ?? (l || 'plaintext');
}

/**
 * Copy / Insert at Cursor / Apply to Selection / New File for a code block of the chat. Insert is one edit (one
 * undo step); Apply goes through the inline edit diff (`applyCode`); with no editor they say what to do
 * instead of failing silently.
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
    case 'apply':
      await vscode.commands.executeCommand(APPLY_CODE_COMMAND, code, language);
      return;
    case 'insert': {
      const editor = targetEditor();
      if (!editor) {
        void vscode.window.showInformationMessage('Open a file to insert the code into.');
        return;
      }
      const eol = editor.document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
      const text = code.replace(/\r?\n/g, eol);
      const ok = await editor.edit((b) => b.insert(editor.selection.active, text));
      if (!ok) {
        log.warn(`code ${action}: the editor refused the edit`);
        void vscode.window.showWarningMessage('The editor did not accept the change (it may be read-only).');
      }
      return;
    }
  }
}
