import vscode = require('vscode');
import { needsKey } from '../config/settings';
import type { ChatMessage, ChatRequest } from '../providers/api';
import type { ArceeClient } from '../providers/client';
import type { ArceeError } from '../providers/errors';
import type { CatalogResult } from '../providers/models';
import { features } from '../lazy';
import { Disposable, signalFromToken } from '../services/dispose';
import { modelInformation } from './modelInfo';
import type { LmResponder } from './respond';
import { TokenCalibration } from './report';

/** Whether the running VS Code can show a provider's reasoning as thinking (a part its 1.104 typings lack). */
export function canReportThinking(): boolean {
  return typeof (vscode as unknown as { LanguageModelThinkingPart?: unknown }).LanguageModelThinkingPart === 'function';
}

/** What the provider needs of `ArceeService` (narrow, so a test can drive the provider directly). */
export interface LmBackend {
  readonly settings: { readonly baseUrl: string };
  /** The key entered for the server in use. */
  key(): Promise<string | undefined>;
  readonly log: { info(message: string): void; warn(message: string): void };
  readonly onDidChange: vscode.Event<void>;
  client(options: { askForKey?: boolean }): Promise<ArceeClient | undefined>;
  request(messages: ChatMessage[], overrides?: Partial<ChatRequest>): ChatRequest;
  models(options: { signal: AbortSignal; refresh?: boolean; askForKey?: boolean }): Promise<CatalogResult>;
}

/** What the provider tells its owner, for what needs the window (toasts, offers). */
export interface LmProviderHooks {
  /** A request failed with an error the user can fix (key, credits, model, settings). */
  failed?(error: ArceeError): void;
  /** VS Code's own Chat or agent sent a request to one of the models. */
  servedChat?(modelId: string): void;
  /** VS Code's own Chat or agent got a whole answer from one of the models. */
  answeredChat?(modelId: string): void;
}

/**
 * Arcee's models in VS Code's own AI surfaces (`vscode.lm`): the model list from `/models`, answers streamed as
 * text parts and tool calls, through the extension's one client and key (respond.ts).
 */
export class ArceeChatProvider extends Disposable implements vscode.LanguageModelChatProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /**
   * Settings or key changed. VS Code 1.104 ignores this event (its LanguageModelsService never subscribes), but
   * re-resolves the list on every `selectChatModels` and when the model picker opens; later versions use it.
   */
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;

  /** Token estimates per model, calibrated by the prompt sizes the server reported. */
  readonly calibration = new TokenCalibration();
  private responder: LmResponder | undefined;

  constructor(
    private readonly service: LmBackend,
    private readonly hooks: LmProviderHooks = {},
  ) {
    super();
    this._register(service.onDidChange(() => this.changed.fire()));
  }

  /** Tells VS Code to ask for the model list again. */
  refresh(): void {
    this.changed.fire();
  }

  async provideLanguageModelChatInformation(
    options: vscode.PrepareLanguageModelChatModelOptions,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelChatInformation[]> {
    const { signal, dispose } = signalFromToken(token);
    try {
      // Silent resolution must not prompt; without a key Arcee's own server has nothing to list yet.
      if (options.silent && needsKey(this.service.settings.baseUrl) && !(await this.service.key())) return [];
      const { models } = await this.service.models({ signal, askForKey: !options.silent });
      return models.map(modelInformation);
    } catch (e) {
      if (!token.isCancellationRequested)
        this.service.log.warn(`Language model list for VS Code: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    } finally {
      dispose();
    }
  }

  provideLanguageModelChatResponse(
    model: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    return this.answers().respond(model, messages, options, progress, token);
  }

  provideTokenCount(
    model: vscode.LanguageModelChatInformation,
    text: string | vscode.LanguageModelChatRequestMessage,
    _token: vscode.CancellationToken,
  ): Promise<number> {
    return this.answers().tokenCount(model, text);
  }

  /** The answering half (respond.ts), loaded with the first request or token count. */
  private answers(): LmResponder {
    return (this.responder ??= new (features().LmResponder)(this.service, this.hooks, this.calibration));
  }
}
