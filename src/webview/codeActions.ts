import vscode = require('vscode');
import type { EditOutcome, InlineEditController } from '../edit/inlineEdit';
import type { EditTarget } from '../edit/session';
import { APPLY_CODE_COMMAND, EDIT_SCHEME } from '../ids';
import type { Log } from '../services/log';

export type CodeAction = 'copy' | 'insert' | 'apply' | 'newFile';

/**
 * The editor to act on: the active one, else the last visible text editor (the chat webview has focus). The
 * sides of an inline edit's diff are previews, never a target.
 */
function targetEditor(): vscode.TextEditor | undefined {
  const usable = (e: vscode.TextEditor | undefined): e is vscode.TextEditor =>
    !!e && e.document.uri.scheme !== EDIT_SCHEME;
  const active = vscode.window.activeTextEditor;
  return usable(active) ? active : vscode.window.visibleTextEditors.find(usable);
}

/**
 * Where to apply code when it is not the editor's selection (the chat participant's Apply button, clicked while
 * the Chat view has focus). Plain data, so it survives being passed as a command argument; `text` is the code
 * that was sent to the model, so a range that changed since is refused instead of overwritten.
 */
export interface ApplyTarget {
  uri: string;
  /** 0-based start line, start character, end line, end character. */
  range: [number, number, number, number];
  text: string;
}

/** An ApplyTarget from an unknown command argument, or undefined. */
export function parseApplyTarget(arg: unknown): ApplyTarget | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as Record<string, unknown>;
  const r = a.range;
  if (
    typeof a.uri !== 'string' ||
    typeof a.text !== 'string' ||
    !Array.isArray(r) ||
    r.length !== 4 ||
    !r.every((n) => Number.isInteger(n) && (n as number) >= 0)
  )
    return undefined;
  return { uri: a.uri, range: r as ApplyTarget['range'], text: a.text };
}

function editTargetOf(
  editor: vscode.TextEditor | undefined,
  document: vscode.TextDocument,
  range: vscode.Range,
): EditTarget {
  const options = editor?.options;
  return {
    document,
    range,
    viewColumn: editor?.viewColumn,
    insertSpaces: typeof options?.insertSpaces === 'boolean' ? options.insertSpaces : undefined,
    tabSize: typeof options?.tabSize === 'number' ? options.tabSize : undefined,
  };
}

/**
 * Apply: proposes `code` through the inline edit diff (Accept is one undo step, Reject changes nothing), for
 * `target` when given, else for the target editor's selection. With no selection, or a target whose code
 * changed meanwhile, it says what to do instead.
 */
export async function applyCode(
  edits: InlineEditController,
  code: string,
  target?: ApplyTarget,
): Promise<EditOutcome | undefined> {
  if (target) {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(target.uri));
    const range = document.validateRange(new vscode.Range(...target.range));
    const norm = (s: string): string => s.replace(/\r\n?/g, '\n');
    if (norm(document.getText(range)) !== norm(target.text)) {
      void vscode.window.showWarningMessage(
        `The code in ${vscode.workspace.asRelativePath(document.uri)} changed since Arcee answered, so the answer was not applied. Ask again on the code as it is now.`,
      );
      return { state: 'conflict', candidates: 0 };
    }
    const editor =
      vscode.window.visibleTextEditors.find((e) => e.document === document) ??
      (await vscode.window.showTextDocument(document, { preview: false }));
    return edits.propose(editTargetOf(editor, document, range), code, 'Apply from Chat');
  }
  const editor = targetEditor();
  if (!editor) {
    void vscode.window.showInformationMessage('Open a file to apply the code to.');
    return undefined;
  }
  if (editor.selection.isEmpty) {
    void vscode.window.showInformationMessage(
      'Select the code to replace, then Apply again (or use Insert at Cursor).',
    );
    return undefined;
  }
  return edits.propose(
    editTargetOf(editor, editor.document, new vscode.Range(editor.selection.start, editor.selection.end)),
    code,
    'Apply from Chat',
  );
}

/** Maps a fence's info string to a VS Code language id where they differ. */
function languageId(fenceLang: string): string {
  const l = fenceLang.trim().toLowerCase();
  const aliases: Record<string, string> = {
    ts: 'typescript',
    js: 'javascript',
    py: 'python',
    sh: 'shellscript',
    bash: 'shellscript',
    yml: 'yaml',
    md: 'markdown',
    rs: 'rust',
    'c++': 'cpp',
  };
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
