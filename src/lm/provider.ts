import * as vscode from 'vscode';
import { needsKey } from '../config/settings';
import type { ChatMessage, ChatRequest } from '../providers/api';
import type { ArceeClient } from '../providers/client';
import { ArceeError } from '../providers/errors';
import type { CatalogResult } from '../providers/models';
import { Disposable, signalFromToken } from '../services/dispose';
import { estimateTokenCount, finishedToolCalls, modelInformation, modelOptionFields, toApiMessages, toolFields } from './mapping';

/** The vendor id of `contributes.languageModelChatProviders`. */
export const LM_VENDOR = 'arcee';

/** What the provider needs of `ArceeService` (narrow, so a test can drive the provider directly). */
export interface LmBackend {
  readonly settings: { readonly baseUrl: string };
  readonly keys: { get(): Promise<string | undefined> };
  readonly log: { warn(message: string): void };
  readonly onDidChange: vscode.Event<void>;
  client(options: { askForKey?: boolean }): Promise<ArceeClient | undefined>;
  request(messages: ChatMessage[], overrides?: Partial<ChatRequest>): ChatRequest;
  models(options: { signal: AbortSignal; refresh?: boolean; askForKey?: boolean }): Promise<CatalogResult>;
}

/**
 * Arcee's models in VS Code's own AI surfaces (`vscode.lm`): the model list from `/models`, answers streamed as
 * text parts and tool calls, through the extension's one client and key.
 */
export class ArceeChatProvider extends Disposable implements vscode.LanguageModelChatProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /**
   * Settings or key changed. VS Code 1.104 ignores this event (its LanguageModelsService never subscribes), but
   * re-resolves the list on every `selectChatModels` and when the model picker opens; later versions use it.
   */
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;

  constructor(private readonly service: LmBackend) {
    super();
    this._register(service.onDidChange(() => this.changed.fire()));
  }

  /** Tells VS Code to ask for the model list again. */
  refresh(): void {
    this.changed.fire();
  }

  async provideLanguageModelChatInformation(options: vscode.PrepareLanguageModelChatModelOptions, token: vscode.CancellationToken): Promise<vscode.LanguageModelChatInformation[]> {
    const { signal, dispose } = signalFromToken(token);
    try {
      // Silent resolution must not prompt; without a key Arcee's own server has nothing to list yet.
      if (options.silent && needsKey(this.service.settings.baseUrl) && !(await this.service.keys.get())) return [];
      const { models } = await this.service.models({ signal, askForKey: !options.silent });
      return models.map(modelInformation);
    } catch (e) {
      if (!token.isCancellationRequested) this.service.log.warn(`Language model list for VS Code: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    } finally {
      dispose();
    }
  }

  async provideLanguageModelChatResponse(
    model: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const client = await this.service.client({ askForKey: true });
    if (!client) throw new Error('Arcee needs an API key: run "Arcee: Set API Key".');
    if (token.isCancellationRequested) return;
    const request = this.service.request(toApiMessages(messages), {
      model: model.id,
      // The settings' multi-answer, logprob and tool-choice fields belong to the Arcee chat, not to this API.
      n: null,
      logprobs: null,
      top_logprobs: null,
      tool_choice: undefined,
      ...modelOptionFields(options.modelOptions),
      ...toolFields(options.tools, options.toolMode),
    });
    const { signal, dispose } = signalFromToken(token);
    try {
      for await (const event of client.streamChat(request, { signal })) {
        if (event.type === 'text' && event.index === 0) {
          progress.report(new vscode.LanguageModelTextPart(event.text));
        } else if (event.type === 'done') {
          const { calls, dropped } = finishedToolCalls(event.result);
          for (const c of calls) progress.report(new vscode.LanguageModelToolCallPart(c.callId, c.name, c.input));
          if (dropped.length) {
            const what = `The answer's tool call${dropped.length === 1 ? '' : 's'} ${dropped.join(', ')} ${dropped.length === 1 ? 'was' : 'were'} cut off or not valid JSON`;
            this.service.log.warn(`${what}; not passed on.`);
            if (!calls.length && !event.result.choices[0]?.content) throw new Error(`${what}. Try again, or raise the answer length (arcee.maxTokens).`);
          }
        }
        // Reasoning is not passed on: the stable 1.104 API has no thinking part.
      }
    } catch (e) {
      // A cancelled request is not an error: the caller asked for it. (VS Code 1.104 forwards a caller's cancellation
      // only until the request has started, microsoft/vscode#277872; the token is honoured whenever it fires.)
      if (token.isCancellationRequested || (e instanceof ArceeError && e.kind === 'cancelled')) return;
      throw e;
    } finally {
      dispose();
    }
  }

  provideTokenCount(_model: vscode.LanguageModelChatInformation, text: string | vscode.LanguageModelChatRequestMessage, _token: vscode.CancellationToken): Promise<number> {
    return Promise.resolve(estimateTokenCount(text));
  }
}
