/**
 * `@arcee`'s answers (participant.ts registers the participant at start-up; this loads with its first request):
 * the code a request names, the prompt (plan.ts), the streamed answer, an Apply button for /fix and /doc, and
 * failures as a sentence with the buttons that fix them.
 */
import vscode = require('vscode');
import { errorView } from '../chat/streamToView';
import { needsKey } from '../config/settings';
import {
  codeSelection,
  diagnosticsIn,
  lineSpan,
  resolveTarget,
  type ResolvedTarget,
} from '../commands/selectionTarget';
import { checkContext, estimateMessageTokens } from '../edit/tokens';
import type { ChatRequest } from '../providers/api';
import type { ArceeClient } from '../providers/client';
import { ArceeError, isArceeError } from '../providers/errors';
import { signalFromToken } from '../services/dispose';
import { ARCEE_ACCOUNT_URL } from '../services/errorUi';
import { APPLY_CODE_COMMAND, LM_VENDOR, PARTICIPANT_ID } from '../ids';
import type { ApplyTarget } from '../webview/codeActions';
import type { ErrorAction } from '../webview/protocol';
import type { ArceeResultMetadata, ParticipantBackend } from './participant';
import { codeToApply, isEditCommand, parseRequest, participantMessages, verbOf, type HistoryTurn } from './plan';

const ERROR_BUTTONS: Partial<Record<ErrorAction, vscode.Command>> = {
  setApiKey: { title: 'Set API Key', command: 'arcee.setApiKey' },
  openSettings: {
    title: 'Open Settings',
    command: 'workbench.action.openSettings',
    arguments: ['@ext:arcee-community.arcee-vscode'],
  },
  openBilling: { title: 'Open Billing', command: 'vscode.open', arguments: [vscode.Uri.parse(ARCEE_ACCOUNT_URL)] },
  selectModel: { title: 'Choose Model', command: 'arcee.selectModel' },
  showLog: { title: 'Show Log', command: 'arcee.showLog' },
};

/** The markdown text of an earlier response (its anchors, buttons and trees are not part of the conversation). */
function responseText(turn: vscode.ChatResponseTurn): string {
  return turn.response
    .filter((p): p is vscode.ChatResponseMarkdownPart => p instanceof vscode.ChatResponseMarkdownPart)
    .map((p) => p.value.value)
    .join('');
}

/** This participant's earlier turns, without failed answers. */
export function historyOf(context: vscode.ChatContext): HistoryTurn[] {
  const out: HistoryTurn[] = [];
  for (const turn of context.history) {
    if (turn.participant !== PARTICIPANT_ID) continue;
    if (turn instanceof vscode.ChatRequestTurn)
      out.push({ role: 'user', text: turn.command ? `/${turn.command} ${turn.prompt}`.trim() : turn.prompt });
    else if (!turn.result.errorDetails) out.push({ role: 'assistant', text: responseText(turn) });
  }
  // A question whose answer failed is dropped with it.
  while (out.length && out[out.length - 1].role === 'user') out.pop();
  return out;
}

/**
 * The code a request names: an attached range (`#selection`, a dragged range) before an attached file, then the
 * Chat view's implicit selection. Its implicit file and viewport are left out: the editor's selection (or the
 * function around the cursor) says more precisely what the user means, as in the selection commands.
 */
async function referencedTarget(request: vscode.ChatRequest): Promise<ResolvedTarget | undefined> {
  const explicit = request.references.filter((r) => !r.id.startsWith('vscode.implicit')).map((r) => r.value);
  const implicitSelection = request.references.find((r) => r.id === 'vscode.implicit.selection')?.value;
  const location =
    explicit.find((v): v is vscode.Location => v instanceof vscode.Location) ??
    (implicitSelection instanceof vscode.Location ? implicitSelection : undefined);
  const uri = location ? undefined : explicit.find((v): v is vscode.Uri => v instanceof vscode.Uri);
  if (!location && !uri) return undefined;
  const document = await vscode.workspace.openTextDocument(location?.uri ?? uri!);
  const range = location
    ? document.validateRange(location.range)
    : new vscode.Range(0, 0, document.lineCount - 1, document.lineAt(document.lineCount - 1).range.end.character);
  if (range.isEmpty) return undefined;
  return { document, range, editor: vscode.window.visibleTextEditors.find((e) => e.document === document) };
}

/** A free-form question uses the editor's selection if there is one, and nothing otherwise. */
function selectedTarget(): ResolvedTarget | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty || !editor.document.getText(editor.selection).trim()) return undefined;
  return { document: editor.document, range: new vscode.Range(editor.selection.start, editor.selection.end), editor };
}

/** Answers `@arcee` requests through the extension's own client and key. */
export class ParticipantAnswers {
  constructor(private readonly service: ParticipantBackend) {}

  /** Answers one request; never throws (a failure becomes a sentence, buttons and `errorDetails`). */
  async handle(
    request: vscode.ChatRequest,
    context: vscode.ChatContext,
    stream: vscode.ChatResponseStream,
    token: vscode.CancellationToken,
  ): Promise<vscode.ChatResult> {
    const { command, prompt } = parseRequest(request.command, request.prompt);
    const meta: ArceeResultMetadata = { command, ok: false, hadCode: false };
    try {
      let missing: string | undefined;
      const target =
        (await referencedTarget(request)) ??
        (command ? await resolveTarget({}, verbOf(command), (m) => (missing = m)) : selectedTarget());
      if (command && !target) {
        stream.markdown(
          `${missing ?? `Select the code to ${verbOf(command)}.`} You can also attach code with \`#selection\` or \`#file\`, then ask \`@arcee /${command}\` again.`,
        );
        return { metadata: meta };
      }
      if (!command && !prompt) {
        stream.markdown('Ask a question, or use `/explain`, `/fix`, `/tests` or `/doc` on the selected code.');
        return { metadata: meta };
      }
      meta.hadCode = !!target;
      const sel = target ? codeSelection(target.document, target.range, isEditCommand(command)) : undefined;
      const messages = participantMessages({
        command,
        prompt,
        code: sel,
        diagnostics: command === 'fix' && target ? diagnosticsIn(target.document, target.range) : [],
        history: command ? [] : historyOf(context),
      });
      if (target) stream.reference(new vscode.Location(target.document.uri, target.range));
      // The picked Arcee model says how much it takes; a prompt that cannot fit is refused before it is sent.
      if (request.model?.vendor === LM_VENDOR) {
        const fit = checkContext({
          promptTokens: estimateMessageTokens(messages),
          answerTokens: 0,
          contextLength: request.model.maxInputTokens,
          model: request.model.id,
          what: 'code',
        });
        if (!fit.ok) {
          stream.markdown(fit.message ?? 'The code is too large for this model.');
          return { metadata: meta };
        }
      }

      // The chat does not pop up a key prompt of its own: it says what is missing and offers the command.
      if (needsKey(this.service.settings.baseUrl) && !(await this.service.key())) {
        throw new ArceeError('auth', 'No Arcee API key is set. Set one with "Arcee: Set API Key", then ask again.');
      }
      const client = await this.service.client({ askForKey: false });
      if (!client || token.isCancellationRequested) return { metadata: meta };
      const model = request.model?.vendor === LM_VENDOR ? request.model.id : this.service.settings.model;
      // One answer: the settings' alternatives and logprobs belong to other surfaces.
      const apiRequest = this.service.request(messages, { model, n: null, logprobs: null, top_logprobs: null });
      const answer = await this.stream(client, apiRequest, stream, token);
      if (answer === undefined) return { metadata: meta };
      meta.ok = true;
      if (isEditCommand(command) && target) this.offerApply(answer, target, stream);
      return { metadata: meta };
    } catch (e) {
      if (token.isCancellationRequested || (isArceeError(e) && e.kind === 'cancelled')) return { metadata: meta };
      return this.failed(e, stream, meta);
    }
  }

  /** Streams the answer's text into the chat; returns the answer, or undefined when cancelled. */
  private async stream(
    client: ArceeClient,
    request: ChatRequest,
    stream: vscode.ChatResponseStream,
    token: vscode.CancellationToken,
  ): Promise<string | undefined> {
    const { signal, dispose } = signalFromToken(token);
    let thinking = false;
    let answered = false;
    try {
      for await (const ev of client.streamChat(request, { signal })) {
        if ('index' in ev && ev.index !== 0) continue;
        switch (ev.type) {
          case 'reasoning':
            // Reasoning is shown as progress, never mixed into the answer (or into code that gets applied).
            if (!thinking && !answered) stream.progress('Arcee is thinking…');
            thinking = true;
            break;
          case 'text':
            answered = true;
            stream.markdown(ev.text);
            break;
          case 'textWasReasoning':
            // A lone `</think>`: what was shown so far was reasoning. It cannot be taken back, so mark the end.
            stream.markdown('\n\n---\n\n');
            break;
          case 'done': {
            const choice = ev.result.choices[0];
            if (choice?.finish_reason === 'length')
              stream.markdown('\n\n*(The answer was cut off at the token limit.)*');
            return choice?.content ?? '';
          }
          default:
            break;
        }
      }
      return token.isCancellationRequested ? undefined : '';
    } finally {
      dispose();
    }
  }

  /** /fix and /doc: a button that shows the answer's code as a diff of the code it was about. */
  private offerApply(answer: string, target: ResolvedTarget, stream: vscode.ChatResponseStream): void {
    const code = codeToApply(answer);
    if (code === undefined) return;
    const r = target.range;
    const where: ApplyTarget = {
      uri: target.document.uri.toString(),
      range: [r.start.line, r.start.character, r.end.line, r.end.character],
      text: target.document.getText(r),
    };
    // The same lines the prompt named (a selection ending at the start of a line does not include that line).
    const { startLine, endLine } = lineSpan(r);
    const lines = startLine === endLine ? `line ${startLine}` : `lines ${startLine}-${endLine}`;
    stream.button({
      title: `Apply to ${vscode.workspace.asRelativePath(target.document.uri, false)} (${lines})`,
      command: APPLY_CODE_COMMAND,
      arguments: [code, target.document.languageId, where],
      tooltip: 'Opens a diff of the change; Accept or Reject it there.',
    });
  }

  private failed(e: unknown, stream: vscode.ChatResponseStream, meta: ArceeResultMetadata): vscode.ChatResult {
    const view = errorView(e);
    this.service.log.error(`@arcee${meta.command ? ` /${meta.command}` : ''}: ${view.kind}: ${view.message}`);
    for (const action of view.actions) {
      const button = ERROR_BUTTONS[action];
      if (button) stream.button(button);
    }
    return { errorDetails: { message: view.message }, metadata: meta };
  }
}
