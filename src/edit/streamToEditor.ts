/**
 * Streams the code of an answer into a new untitled editor (Write Tests for Selection): prose, fences and
 * reasoning are stripped as it arrives, so the editor only ever holds code.
 */
import vscode = require('vscode');
import type { ChatRequest } from '../providers/api';
import type { ArceeClient } from '../providers/client';
import { isArceeError } from '../providers/errors';
import { signalFromToken } from '../services/dispose';
import { extractCode } from './extract';

export interface StreamedFile {
  document: vscode.TextDocument;
  /** `done`, `cancelled`, or `truncated` (the answer was cut; what arrived is kept). */
  state: 'done' | 'cancelled' | 'truncated';
}

const REFRESH_MS = 50;

export async function streamIntoNewEditor(
  client: ArceeClient,
  request: ChatRequest,
  languageId: string,
  title: string,
): Promise<StreamedFile> {
  const document = await vscode.workspace.openTextDocument({ language: languageId, content: '' });
  const editor = await vscode.window.showTextDocument(document, {
    viewColumn: vscode.ViewColumn.Beside,
    preview: false,
  });
  let raw = '';
  let shown = '';
  let writing: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // One write at a time, of the latest text; the document is whole-replaced (it holds only our text).
  const flush = (): Promise<unknown> => {
    timer = undefined;
    writing = writing.then(async () => {
      const code = extractCode(raw).code;
      if (code === shown || document.isClosed) return;
      const full = new vscode.Range(0, 0, document.lineCount, 0);
      shown = code;
      await editor.edit((b) => b.replace(full, code), { undoStopBefore: false, undoStopAfter: false });
    });
    return writing;
  };
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (_progress, token) => {
      const link = signalFromToken(token);
      let state: StreamedFile['state'] = 'done';
      try {
        for await (const ev of client.streamChat(request, { signal: link.signal })) {
          if (ev.type === 'text') {
            raw += ev.text;
            timer ??= setTimeout(() => void flush(), REFRESH_MS);
          } else if (ev.type === 'textWasReasoning') {
            raw = raw.startsWith(ev.text) ? raw.slice(ev.text.length) : '';
          } else if (ev.type === 'done') {
            raw = ev.result.choices[0]?.content ?? raw;
            if (ev.result.choices[0]?.finish_reason === 'length') state = 'truncated';
          }
        }
      } catch (e) {
        if (isArceeError(e) && e.kind === 'cancelled') state = 'cancelled';
        else if (isArceeError(e) && e.kind === 'truncated') {
          state = 'truncated';
          raw = e.partial?.choices[0]?.content ?? raw;
        } else {
          throw e;
        }
      } finally {
        link.dispose();
        if (timer) clearTimeout(timer);
      }
      await flush();
      if (shown && !shown.endsWith('\n'))
        await editor.edit((b) => b.insert(document.lineAt(document.lineCount - 1).range.end, '\n'), {
          undoStopBefore: false,
          undoStopAfter: true,
        });
      if (state === 'truncated')
        void vscode.window.showWarningMessage(
          'The answer was cut off before the end (max tokens reached or the stream ended early): the tests are incomplete.',
        );
      return { document, state };
    },
  );
}
