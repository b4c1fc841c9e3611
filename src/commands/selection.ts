import vscode = require('vscode');
import { newId } from '../chat/store';
import type { EditContentProvider } from '../edit/content';
import { InlineEditController, type EditOutcome } from '../edit/inlineEdit';
import {
  askPrompt,
  editMessages,
  explainPrompt,
  testsMessages,
  type CodeSelection,
  type EditKind,
} from '../edit/prompts';
import { streamIntoNewEditor, type StreamedFile } from '../edit/streamToEditor';
import { checkContext, estimateMessageTokens, estimateTokens } from '../edit/tokens';
import { APPLY_CODE_COMMAND } from '../ids';
import type { ChatMessage } from '../providers/api';
import type { ArceeService } from '../services/arceeService';
import { showError } from '../services/errorUi';
import type { ChatSurfaces } from '../webview/chatHost';
import { applyCode, parseApplyTarget } from '../webview/codeActions';
import type { ContextChip } from '../webview/protocol';
import { codeSelection, diagnosticsIn, parseArgs, resolveTarget } from './selectionTarget';

const CHAT_SYSTEM_ALLOWANCE = 200;
const CATALOG_WAIT_MS = 5000;

function chatTarget(): 'sidebar' | 'panel' {
  return vscode.workspace.getConfiguration('arcee').get('chatTarget') === 'panel' ? 'panel' : 'sidebar';
}

function alternatives(): number {
  const n = vscode.workspace.getConfiguration('arcee').get<unknown>('editAlternatives');
  return typeof n === 'number' && Number.isInteger(n) ? Math.min(5, Math.max(1, n)) : 1;
}

/**
 * Refuses, with a clear message, a prompt that cannot fit the current model's context (from `/models`).
 * Unknown context lengths pass; a catalogue that cannot be had within a few seconds does not block.
 */
async function fitsContext(service: ArceeService, promptTokens: number, answerTokens: number): Promise<boolean> {
  const model = service.settings.model;
  let contextLength: number | undefined;
  try {
    // The catalogue shares one in-flight request between callers, so a stuck one is raced here, not awaited.
    let stop: (v: undefined) => void = () => undefined;
    const timeout = new Promise<undefined>((resolve) => (stop = resolve));
    const timer = setTimeout(() => stop(undefined), CATALOG_WAIT_MS);
    const result = await Promise.race([
      service.models({ signal: AbortSignal.timeout(CATALOG_WAIT_MS), askForKey: false }),
      timeout,
    ]).finally(() => clearTimeout(timer));
    if (!result) service.log.warn('context check skipped: the model list did not arrive in time');
    contextLength = result?.models.find((m) => m.id === model)?.contextLength;
  } catch (e) {
    service.log.warn(`context check skipped: ${e instanceof Error ? e.message : String(e)}`);
  }
  const check = checkContext({ promptTokens, answerTokens, contextLength, model, what: 'selection' });
  if (!check.ok) {
    service.log.warn(check.message ?? '');
    void vscode.window.showWarningMessage(check.message ?? '');
  }
  return check.ok;
}

function chipOf(sel: CodeSelection): ContextChip {
  return {
    id: newId('ctx'),
    path: sel.path,
    startLine: sel.startLine,
    endLine: sel.endLine,
    language: sel.languageId,
    text: sel.text,
  };
}

/**
 * Explain Selection, Ask About Selection…, Edit Selection…, Fix Selection, Add Docs, Write Tests, and the inline
 * edit's own commands. The table owns the inline edit controller: `dispose` goes with the registrations (lazy.ts).
 */
export function selectionCommands(service: ArceeService, surfaces: () => ChatSurfaces, content: EditContentProvider) {
  const edits = new InlineEditController(service, content);

  const toChat = async (text: string, sel: CodeSelection): Promise<boolean> => {
    if (!(await fitsContext(service, estimateTokens(text + sel.text) + CHAT_SYSTEM_ALLOWANCE, 0))) return false;
    const preferred = chatTarget();
    let chat = await surfaces().target(preferred);
    // The sidebar's view may need a moment to resolve after it is first revealed.
    for (let i = 0; !chat && preferred === 'sidebar' && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      chat = await surfaces().target('sidebar');
    }
    chat ??= await surfaces().target('panel');
    if (!chat) return false;
    await chat.ask(text, [chipOf(sel)]);
    service.reached('selectionSent');
    return true;
  };

  const inlineEdit = async (kind: EditKind, rawArgs: unknown): Promise<EditOutcome | undefined> => {
    const args = parseArgs(rawArgs);
    const verb = kind === 'fix' ? 'fix' : kind === 'docs' ? 'document' : 'edit';
    const t = await resolveTarget(args, verb);
    if (!t) return undefined;
    let instruction = args.instruction;
    if (kind === 'edit' && instruction === undefined) {
      instruction = await vscode.window.showInputBox({
        title: 'Arcee: Edit Selection',
        prompt: `How should Arcee change ${t.document.getText(t.range).split('\n').length} line(s) of ${vscode.workspace.asRelativePath(t.document.uri)}?`,
        placeHolder: 'e.g. use async/await, handle errors, rename x to count',
        ignoreFocusOut: true,
      });
      if (!instruction?.trim()) return undefined;
    }
    const sel = codeSelection(t.document, t.range);
    const messages: ChatMessage[] = editMessages(kind, sel, {
      instruction,
      diagnostics: kind === 'fix' ? diagnosticsIn(t.document, t.range) : [],
    });
    if (!(await fitsContext(service, estimateMessageTokens(messages), estimateTokens(sel.text) * alternatives())))
      return undefined;
    const title = kind === 'fix' ? 'Fix' : kind === 'docs' ? 'Add Docs' : 'Edit';
    const options = t.editor?.options;
    const outcome = await edits.start(
      {
        document: t.document,
        range: t.range,
        viewColumn: t.editor?.viewColumn,
        insertSpaces: typeof options?.insertSpaces === 'boolean' ? options.insertSpaces : undefined,
        tabSize: typeof options?.tabSize === 'number' ? options.tabSize : undefined,
      },
      messages,
      title,
      alternatives(),
    );
    if (outcome.state === 'review') service.reached('selectionSent');
    return outcome;
  };

  return {
    dispose: () => edits.dispose(),
    'arcee.explainSelection': async (rawArgs?: unknown): Promise<boolean> => {
      const t = await resolveTarget(parseArgs(rawArgs), 'explain');
      if (!t) return false;
      const sel = codeSelection(t.document, t.range, false);
      return toChat(explainPrompt(sel), sel);
    },
    'arcee.askAboutSelection': async (rawArgs?: unknown): Promise<boolean> => {
      const args = parseArgs(rawArgs);
      const t = await resolveTarget(args, 'ask about');
      if (!t) return false;
      const question =
        args.question ??
        (await vscode.window.showInputBox({
          title: 'Arcee: Ask About Selection',
          prompt: 'Your question about the selected code',
          placeHolder: 'e.g. Why is this loop O(n²)?',
          ignoreFocusOut: true,
        }));
      if (!question?.trim()) return false;
      const sel = codeSelection(t.document, t.range, false);
      return toChat(askPrompt(sel, question), sel);
    },
    'arcee.editSelection': (rawArgs?: unknown) => inlineEdit('edit', rawArgs),
    'arcee.fixSelection': (rawArgs?: unknown) => inlineEdit('fix', rawArgs),
    'arcee.addDocsToSelection': (rawArgs?: unknown) => inlineEdit('docs', rawArgs),
    'arcee.writeTestsForSelection': async (rawArgs?: unknown): Promise<StreamedFile | undefined> => {
      const t = await resolveTarget(parseArgs(rawArgs), 'write tests for');
      if (!t) return undefined;
      const sel = codeSelection(t.document, t.range, false);
      const messages = testsMessages(sel);
      if (!(await fitsContext(service, estimateMessageTokens(messages), Math.max(1024, estimateTokens(sel.text) * 2))))
        return undefined;
      const client = await service.client();
      if (!client) return undefined;
      const run = async (): Promise<StreamedFile | undefined> => {
        try {
          const file = await streamIntoNewEditor(
            client,
            service.request(messages),
            t.document.languageId,
            `Arcee: writing tests for ${sel.path}`,
          );
          service.reached('selectionSent');
          return file;
        } catch (e) {
          void showError(service.log, e, run);
          return undefined;
        }
      };
      return run();
    },
    'arcee.inlineEdit.accept': () => edits.accept(),
    'arcee.inlineEdit.reject': () => edits.reject(),
    'arcee.inlineEdit.cancel': () => edits.cancel(),
    'arcee.inlineEdit.retry': () => edits.retry(),
    'arcee.inlineEdit.next': () => edits.step(1),
    'arcee.inlineEdit.previous': () => edits.step(-1),
    'arcee.inlineEdit.showDiff': () => edits.showDiff(),
    // The chat's Apply (internal: not in the palette): the code block goes through the inline edit diff. The
    // webview passes (code, language); the chat participant adds the target it answered about.
    [APPLY_CODE_COMMAND]: (code: unknown, _language?: unknown, target?: unknown) =>
      typeof code === 'string' ? applyCode(edits, code, parseApplyTarget(target)) : undefined,
  };
}
