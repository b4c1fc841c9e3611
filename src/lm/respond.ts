/**
 * The language-model provider's answers (provider.ts registers the provider and lists the models at start-up;
 * this loads with the first request): VS Code's messages and tools → one streamed API request → text, thinking,
 * tool calls and usage parts.
 */
import vscode = require('vscode');
import { CHARS_PER_TOKEN, estimateMessageTokens } from '../edit/tokens';
import type { ChatResult } from '../providers/api';
import { ArceeError, isArceeError } from '../providers/errors';
import { signalFromToken } from '../services/dispose';
import {
  estimateTokenCount,
  finishedToolCalls,
  modelOptionFields,
  toApiMessages,
  toolFields,
  type LmMessage,
} from './mapping';
import type { LmBackend, LmProviderHooks } from './provider';
import { USAGE_MIME, isChatInitiator, lmFailure, usagePayload, type TokenCalibration } from './report';

/**
 * Parts that VS Code has at run time but 1.104's typings do not declare as stable. Both are accepted from a
 * provider without any API proposal (checked in 1.104's and 1.139's extension host): found by feature
 * detection, so older builds simply get neither.
 */
interface ThinkingPartClass {
  new (value: string | string[], id?: string): { value: string | string[] };
}
interface DataPartClass {
  new (data: Uint8Array, mimeType: string): unknown;
}
const runtime = vscode as unknown as {
  LanguageModelThinkingPart?: ThinkingPartClass;
  LanguageModelDataPart?: DataPartClass;
};

/** Thinking parts in the history VS Code sends back become `{ thinking }`: never text of the answer. */
function withoutThinkingParts(messages: readonly vscode.LanguageModelChatRequestMessage[]): LmMessage[] {
  const Thinking = runtime.LanguageModelThinkingPart;
  return messages.map((m) => ({
    role: m.role,
    name: m.name,
    content: m.content.map((p: unknown) =>
      Thinking && p instanceof Thinking ? { thinking: ([] as string[]).concat(p.value).join('') } : p,
    ),
  }));
}

/** Answers the provider's requests, through the extension's one client and key. */
export class LmResponder {
  constructor(
    private readonly service: LmBackend,
    private readonly hooks: LmProviderHooks,
    private readonly calibration: TokenCalibration,
  ) {}

  /** Streams one answer into `progress`; a failure becomes one sentence (and, where the user can fix it, a toast). */
  async respond(
    model: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    // Proposed in the typings, passed by every version since 1.104: which extension asked ("core" is VS Code).
    const initiator = (options as { requestInitiator?: unknown }).requestInitiator;
    const fromChat = isChatInitiator(initiator);
    const started = Date.now();
    const { signal, dispose } = signalFromToken(token);
    try {
      const client = await this.service.client({ askForKey: true });
      if (!client) throw new ArceeError('auth', 'Arcee needs an API key: run "Arcee: Set API Key", then ask again.');
      if (token.isCancellationRequested) return;
      if (fromChat) this.hooks.servedChat?.(model.id);
      const request = this.service.request(toApiMessages(withoutThinkingParts(messages)), {
        model: model.id,
        // The settings' multi-answer, logprob and tool-choice fields belong to the Arcee chat, not to this API.
        n: null,
        logprobs: null,
        top_logprobs: null,
        tool_choice: undefined,
        ...modelOptionFields(options.modelOptions),
        ...toolFields(options.tools, options.toolMode),
      });
      const estimated =
        estimateMessageTokens(request.messages) +
        Math.ceil(JSON.stringify(request.tools ?? []).length / CHARS_PER_TOKEN);
      const Thinking = runtime.LanguageModelThinkingPart;
      for await (const event of client.streamChat(request, { signal })) {
        if (event.type === 'text' && event.index === 0) {
          progress.report(new vscode.LanguageModelTextPart(event.text));
        } else if (event.type === 'reasoning' && event.index === 0) {
          // Reasoning never joins the answer: thinking where VS Code shows it, dropped elsewhere.
          if (Thinking) progress.report(new Thinking(event.text) as unknown as vscode.LanguageModelResponsePart);
        } else if (event.type === 'done') {
          this.finish(event.result, model.id, estimated, progress);
          if (fromChat) this.hooks.answeredChat?.(model.id);
        }
      }
    } catch (e) {
      // A cancelled request is not an error: the caller asked for it. (VS Code 1.104 forwards a caller's cancellation
      // only until the request has started, microsoft/vscode#277872; the token is honoured whenever it fires.)
      if (token.isCancellationRequested || (e instanceof ArceeError && e.kind === 'cancelled')) {
        this.service.log.info(
          `VS Code ${fromChat ? 'Chat' : `(${String(initiator)})`} cancelled the request to ${model.id} after ${Date.now() - started} ms; the connection is closed.`,
        );
        return;
      }
      throw this.failure(e, fromChat, model.id);
    } finally {
      dispose();
    }
  }

  /** The answer's end: its tool calls, and its usage where VS Code's chat reads it; the estimate learns from it. */
  private finish(
    result: ChatResult,
    modelId: string,
    estimated: number,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
  ): void {
    const { calls, dropped } = finishedToolCalls(result);
    for (const c of calls) progress.report(new vscode.LanguageModelToolCallPart(c.callId, c.name, c.input));
    if (dropped.length) {
      const what = `The answer's tool call${dropped.length === 1 ? '' : 's'} ${dropped.join(', ')} ${dropped.length === 1 ? 'was' : 'were'} cut off or not valid JSON`;
      this.service.log.warn(`${what}; not passed on.`);
      if (!calls.length && !result.choices[0]?.content)
        throw new ArceeError('truncated', `${what}. Try again, or raise the answer length (arcee.maxTokens).`);
    }
    this.calibration.observe(modelId, estimated, result.usage?.prompt_tokens);
    const usage = usagePayload(result.usage);
    const Data = runtime.LanguageModelDataPart;
    if (usage && Data)
      progress.report(
        new Data(new TextEncoder().encode(JSON.stringify(usage)), USAGE_MIME) as vscode.LanguageModelResponsePart,
      );
  }

  /**
   * The error a caller gets: one sentence. VS Code's chat gets a plain error without a stack (it would print the
   * stack after the sentence); another extension gets a `LanguageModelError` with the kind it can branch on.
   */
  private failure(e: unknown, fromChat: boolean, modelId: string): Error {
    const f = lmFailure(e);
    this.service.log.warn(
      `VS Code ${fromChat ? 'Chat' : 'language model'} request to ${modelId} failed: ${f.kind}: ${f.message}`,
    );
    if (isArceeError(e) && f.code) this.hooks.failed?.(e);
    const error = !fromChat && f.code ? vscode.LanguageModelError[f.code](f.message) : new Error(f.message);
    // Serialised across the process boundary as name, message and stack; an empty stack is left out when shown.
    error.stack = '';
    return error;
  }

  /** VS Code's token count: the estimate, scaled by what the server reported for this model. */
  tokenCount(
    model: vscode.LanguageModelChatInformation,
    text: string | vscode.LanguageModelChatRequestMessage,
  ): Promise<number> {
    return Promise.resolve(this.calibration.scale(model.id, estimateTokenCount(text)));
  }
}
