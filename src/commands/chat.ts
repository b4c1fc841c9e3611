import * as path from 'node:path';
import vscode = require('vscode');
import { conversationToMarkdown, newId, type ConversationStore } from '../chat/store';
import type { ChatSurfaces } from '../webview/chatHost';
import type { ContextChip } from '../webview/protocol';

/** The selection (or the current line when nothing is selected) as a context chip. */
export function chipFromEditor(editor: vscode.TextEditor): ContextChip | undefined {
  const doc = editor.document;
  const sel = editor.selection;
  const range = sel.isEmpty ? doc.lineAt(sel.active.line).range : new vscode.Range(sel.start, sel.end);
  const text = doc.getText(range);
  if (!text.trim()) return undefined;
  const rel = vscode.workspace.asRelativePath(doc.uri, false);
  return {
    id: newId('ctx'),
    path: doc.isUntitled ? doc.uri.path : rel || path.basename(doc.uri.fsPath),
    startLine: range.start.line + 1,
    // A selection ending at column 0 of a line does not include that line.
    endLine: range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1,
    language: doc.languageId,
    text,
  };
}

/** Open Chat, Open Chat in Editor, New Chat, Add Selection to Chat, Export Chat as Markdown. */
export function chatCommands(surfaces: ChatSurfaces, store: ConversationStore) {
  return {
    'arcee.openChat': async () => {
      const c = await surfaces.target('sidebar');
      c?.focusInput();
    },
    'arcee.openChatInEditor': () => {
      surfaces.openPanel();
    },
    'arcee.newChat': async () => {
      const c = await surfaces.target('sidebar');
      await c?.handle({ type: 'chat/new' });
    },
    'arcee.addSelectionToChat': async (): Promise<ContextChip | undefined> => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showInformationMessage('Open a file and select code to add it to the chat.');
        return undefined;
      }
      const chip = chipFromEditor(editor);
      if (!chip) {
        void vscode.window.showInformationMessage(
          'Select some code (or put the cursor on a non-empty line) to add it to the chat.',
        );
        return undefined;
      }
      await surfaces.addContextToSidebar(chip);
      return chip;
    },
    'arcee.exportChat': async (id?: unknown): Promise<vscode.TextDocument | undefined> => {
      const conversationId = typeof id === 'string' ? id : (await surfaces.target('sidebar'))?.conversationId;
      const conversation = conversationId ? await store.get(conversationId) : undefined;
      if (!conversation || conversation.messages.length === 0) {
        void vscode.window.showInformationMessage('There is no conversation to export yet.');
        return undefined;
      }
      const doc = await vscode.workspace.openTextDocument({
        content: conversationToMarkdown(conversation),
        language: 'markdown',
      });
      await vscode.window.showTextDocument(doc, { preview: false });
      return doc;
    },
  };
}
