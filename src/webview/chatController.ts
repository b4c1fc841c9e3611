import vscode = require('vscode');
import { CHAT_SYSTEM_PROMPT, toApiMessages, TOOLS_SYSTEM_HINT } from '../chat/prompt';
import { emptyConversation, newId, titleFrom, type ConversationStore } from '../chat/store';
import { logprobPlan } from '../chat/logprobs';
import { StreamToView } from '../chat/streamToView';
import { answerToolCalls, holdCutToolCalls, skipToolCalls, wantsToolRound, type Decision } from '../chat/toolTurn';
import { TOOL_DEFINITIONS } from '../tools/definitions';
import {
  allowToolsWithoutAsking,
  preflightWorkspaceTool,
  readToolSettings,
  runWorkspaceTool,
} from '../tools/workspaceTools';
import { needsKey } from '../config/settings';
import type { ModelInfo } from '../providers/api';
import { ArceeError, isArceeError } from '../providers/errors';
import { describeModel } from '../providers/models';
import type { ArceeService } from '../services/arceeService';
import { Disposable } from '../services/dispose';
import { runErrorAction } from '../services/errorUi';
import { runCodeAction } from './codeActions';
import type {
  ChatMessageView,
  ContextChip,
  ConversationView,
  HostMessage,
  ModelOption,
  WebviewMessage,
} from './protocol';
import { dispatch, isOpenableLink, type Handlers } from './protocol';

interface Active {
  requestId: string;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * One chat surface (the sidebar view or an editor panel): its conversation, its one active request, its
 * pending context chips. Handles every webview message; a new request aborts the surface's old one.
 */
export class ChatController extends Disposable {
  private conversation: ConversationView = emptyConversation();
  private active: Active | undefined;
  private pendingContext: ContextChip[] = [];
  private models: ModelInfo[] = [];
  /** Tool calls waiting for the user's answer, by call id. */
  private readonly decisions = new Map<string, (d: Decision) => void>();
  /** Models whose server refused a request with tools in this session. */
  private readonly toolsRefused = new Set<string>();
  /** The surface's Logprobs toggle, as its webview last said. */
  private logprobs = false;
  private readonly conversationChanged = this._register(new vscode.EventEmitter<string>());
  /** Fires with the id of the conversation this surface shows, to remember it across reloads. */
  readonly onDidChangeConversation = this.conversationChanged.event;

  constructor(
    private readonly service: ArceeService,
    private readonly store: ConversationStore,
    private readonly post: (m: HostMessage) => void,
    initialConversationId?: string,
  ) {
    super();
    this._register(store.onDidChange((history) => this.post({ type: 'history/update', history })));
    this._register(service.onDidChange(() => void this.sendModels(false)));
    service.log.debug(`chat surface starts with conversation ${initialConversationId ?? '(new)'}`);
    this.initialized = initialConversationId ? this.open(initialConversationId, false) : Promise.resolve();
  }

  /** The conversation this surface showed before a reload, loaded before the first `state/init`. */
  private readonly initialized: Promise<void>;

  get conversationId(): string {
    return this.conversation.id;
  }

  /** Entry point for every (validated) message from the webview. */
  handle(message: WebviewMessage): Promise<void> | void {
    return dispatch(this.handlers, message);
  }

  /** Attaches code to the next message (Add Selection to Chat). */
  addContext(chip: ContextChip): void {
    this.pendingContext.push(chip);
    this.post({ type: 'context/add', chip });
  }

  /**
   * Sends a message as if typed in this chat (commands such as Explain Selection use it). The answer streams
   * into this surface; returns when it has finished.
   */
  async ask(text: string, context: ContextChip[] = []): Promise<void> {
    await this.handlers['chat/send']({ type: 'chat/send', requestId: newId('r'), text, context, images: [] });
  }

  focusInput(): void {
    this.post({ type: 'input/focus' });
  }

  /** Cancels what runs and waits for it to settle (its partial answer saved). */
  async stop(): Promise<void> {
    const a = this.active;
    if (!a) return;
    a.controller.abort();
    await a.done;
  }

  override dispose(): void {
    this.active?.controller.abort();
    super.dispose();
  }

  private readonly handlers: Handlers<WebviewMessage> = {
    ready: async () => {
      await this.initialized;
      const history = await this.store.list();
      this.post({
        type: 'state/init',
        conversation: this.conversation,
        history,
        models: this.modelOptions(),
        currentModel: this.service.settings.model,
        credits: null,
        pendingContext: this.pendingContext,
        activeRequestId: this.active?.requestId ?? null,
      });
      void this.sendModels(false);
      void this.sendCredits();
    },
    'chat/send': async (m) => {
      if (!m.text.trim() && m.images.length === 0) {
        this.post({ type: 'notice', level: 'info', message: 'Type a message (or attach an image) first.' });
        return;
      }
      const user: ChatMessageView = {
        id: newId('u'),
        role: 'user',
        content: m.text,
        state: 'done',
        createdAt: Date.now(),
        ...(m.context.length ? { context: m.context } : {}),
        ...(m.images.length ? { images: m.images } : {}),
      };
      this.pendingContext = [];
      if (this.conversation.messages.length === 0)
        this.conversation.title = titleFrom(m.text || m.images[0]?.name || 'Image');
      await this.run(m.requestId, user);
    },
    'chat/cancel': (m) => {
      if (this.active?.requestId === m.requestId) this.active.controller.abort();
    },
    'chat/regenerate': async (m) => {
      const i = this.conversation.messages.findIndex((x) => x.id === m.messageId);
      if (i < 0) return;
      await this.stop();
      this.conversation.messages.splice(i);
      this.post({ type: 'conversation/load', conversation: this.conversation, activeRequestId: null });
      await this.run(m.requestId, undefined);
    },
    'chat/editResend': async (m) => {
      const i = this.conversation.messages.findIndex((x) => x.id === m.messageId && x.role === 'user');
      if (i < 0 || !m.text.trim()) return;
      await this.stop();
      const edited = { ...this.conversation.messages[i], content: m.text };
      this.conversation.messages.splice(i, this.conversation.messages.length - i, edited);
      this.post({ type: 'conversation/load', conversation: this.conversation, activeRequestId: null });
      await this.run(m.requestId, undefined);
    },
    'chat/new': async () => {
      await this.stop();
      this.show(emptyConversation());
    },
    'model/select': async (m) => {
      await this.service.setModel(m.modelId);
      await this.sendModels(false);
    },
    'history/open': async (m) => {
      await this.open(m.id, true);
    },
    'history/rename': async (m) => {
      const c = await this.store.rename(m.id, m.title);
      if (c && c.id === this.conversation.id) this.conversation.title = c.title;
    },
    'history/delete': async (m) => {
      if (m.id === this.conversation.id) {
        await this.stop();
        this.show(emptyConversation());
      }
      await this.store.delete(m.id);
    },
    'code/copy': (m) => runCodeAction(this.service.log, 'copy', m.code),
    'code/insert': (m) => runCodeAction(this.service.log, 'insert', m.code),
    'code/apply': (m) => runCodeAction(this.service.log, 'apply', m.code, m.language),
    'code/newFile': (m) => runCodeAction(this.service.log, 'newFile', m.code, m.language),
    'link/open': async (m) => {
      if (!isOpenableLink(m.href)) {
        this.post({
          type: 'notice',
          level: 'warning',
          message: 'Only http, https and mailto links open from the chat.',
        });
        return;
      }
      await vscode.env.openExternal(vscode.Uri.parse(m.href, true));
    },
    'error/action': (m) =>
      runErrorAction(m.action, this.service.log, () =>
        this.handlers['chat/regenerate']({ type: 'chat/regenerate', requestId: newId('r'), messageId: m.messageId }),
      ),
    'context/remove': (m) => {
      this.pendingContext = this.pendingContext.filter((c) => c.id !== m.id);
    },
    'chat/export': async () => {
      await vscode.commands.executeCommand('arcee.exportChat', this.conversation.id);
    },
    'tool/decide': async (m) => {
      if (this.active?.requestId !== m.requestId) return;
      const resolve = this.decisions.get(m.callId);
      if (!resolve) return;
      this.decisions.delete(m.callId);
      if (m.allow && m.always) await allowToolsWithoutAsking(this.service.log);
      resolve(m.allow ? 'allow' : 'deny');
    },
    'chat/logprobs': (m) => {
      this.logprobs = m.enabled;
    },
  };

  private show(c: ConversationView): void {
    this.conversation = c;
    this.conversationChanged.fire(c.id);
    this.post({ type: 'conversation/load', conversation: c, activeRequestId: null });
  }

  private async open(id: string, notify: boolean): Promise<void> {
    if (id === this.conversation.id) return;
    const c = await this.store.get(id);
    if (!c) {
      if (notify)
        this.post({
          type: 'notice',
          level: 'error',
          message: 'That conversation could not be read; it may have been deleted.',
        });
      return;
    }
    await this.stop();
    this.show(c);
  }

  /**
   * Answers the conversation as it stands (plus `user`, when given). When an answer calls workspace tools,
   * the calls are approved and run and another answer follows, for at most `arcee.chatTools.maxRounds`.
   */
  private async run(requestId: string, user: ChatMessageView | undefined): Promise<void> {
    await this.stop();
    const conversation = this.conversation;
    if (user) conversation.messages.push(user);
    const controller = new AbortController();
    let settle: () => void = () => undefined;
    const done = new Promise<void>((r) => (settle = r));
    this.active = { requestId, controller, done };
    const tools = readToolSettings();
    let view: StreamToView | undefined;
    try {
      for (let round = 1; ; round++) {
        const lastRound = round >= tools.maxRounds;
        const answer = await this.answer(
          requestId,
          conversation,
          round === 1 ? user : undefined,
          controller.signal,
          tools.enabled ? (lastRound ? 'final' : 'offer') : 'none',
        );
        view = answer.view;
        const m = view.message;
        if (answer.error !== undefined || controller.signal.aborted || !wantsToolRound(m) || lastRound) {
          const cut = answer.error === undefined ? holdCutToolCalls(m) : undefined;
          if (answer.error === undefined && wantsToolRound(m)) skipToolCalls(m);
          view.finish(answer.error);
          if (cut) this.post({ type: 'notice', level: 'warning', message: cut });
          if (answer.error === undefined && !controller.signal.aborted) this.service.reached('answered');
          view = undefined;
          break;
        }
        view.finish(undefined, true);
        await answerToolCalls(m, {
          autoApprove: () => readToolSettings().autoApprove,
          preflight: preflightWorkspaceTool,
          approve: (call) => new Promise<Decision>((resolve) => this.decisions.set(call.id, resolve)),
          run: runWorkspaceTool,
          changed: () => {
            this.post({
              type: 'chat/tools',
              requestId,
              messageId: m.id,
              toolCalls: (m.toolCalls ?? []).map((c) => ({ ...c })),
            });
            void this.store.save(conversation);
          },
          signal: controller.signal,
        });
        if (controller.signal.aborted) {
          // The request ends here: the last answer is final after all.
          this.post({ type: 'chat/done', requestId, message: m });
          view = undefined;
          break;
        }
      }
    } catch (e) {
      view?.finish(e);
    } finally {
      this.decisions.clear();
      if (this.active?.requestId === requestId) this.active = undefined;
      conversation.updatedAt = Date.now();
      await this.store.save(conversation);
      settle();
      void this.sendCredits();
    }
  }

  /**
   * Streams one answer into a new assistant message (not finished: the caller decides whether the request
   * goes on). `tools`: offer the workspace tools, offer them but forbid calls (`final`, the last round), or not.
   */
  private async answer(
    requestId: string,
    conversation: ConversationView,
    user: ChatMessageView | undefined,
    signal: AbortSignal,
    tools: 'offer' | 'final' | 'none',
  ): Promise<{ view: StreamToView; error?: unknown }> {
    const assistant: ChatMessageView = {
      id: newId('a'),
      role: 'assistant',
      content: '',
      state: 'streaming',
      createdAt: Date.now(),
    };
    // An empty list says "asked for": StreamToView fills it, and the webview can tell "none came" from "not asked".
    const logprobs = logprobPlan(this.logprobs, this.service.settings);
    if (logprobs.keep) assistant.logprobs = [];
    const history = conversation.messages.slice();
    conversation.messages.push(assistant);
    conversation.updatedAt = Date.now();
    this.post({ type: 'chat/started', requestId, userMessage: user ?? null, assistantMessage: assistant });
    // Remembered per surface, so a reloaded window reopens this conversation.
    this.conversationChanged.fire(conversation.id);
    void this.store.save(conversation);
    const view = new StreamToView(requestId, assistant, this.post, (id) => this.modelInfo(id));
    let lastSave = Date.now();
    try {
      const client = await this.service.client();
      if (!client) throw new ArceeError('auth', 'No API key is set. Set one to chat with Arcee.');
      const model = this.service.settings.model;
      const offer =
        tools !== 'none' && !this.toolsRefused.has(model) && (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
      for (let attempt = 0; ; attempt++) {
        const withTools = offer && attempt === 0;
        const request = this.service.request(
          toApiMessages(history, withTools ? CHAT_SYSTEM_PROMPT + TOOLS_SYSTEM_HINT : CHAT_SYSTEM_PROMPT),
          {
            n: null,
            ...(withTools
              ? { tools: TOOL_DEFINITIONS, ...(tools === 'final' ? { tool_choice: 'none' as const } : {}) }
              : {}),
            ...logprobs.overrides,
          },
        );
        assistant.model = request.model;
        try {
          for await (const ev of client.streamChat(request, { signal })) {
            view.apply(ev);
            if (Date.now() - lastSave > 2000) {
              lastSave = Date.now();
              void this.store.save(conversation);
            }
          }
          return { view };
        } catch (e) {
          // A server or model without tool support may refuse the request outright ("tools are not supported",
          // vLLM's '"auto" tool choice requires --enable-auto-tool-choice'): answer without tools. Other 400/422s
          // (a bad temperature) are shown as they are.
          const refused =
            isArceeError(e) &&
            (e.kind === 'bad_request' || e.kind === 'validation') &&
            /\btool/i.test(e.message) &&
            !assistant.content &&
            !assistant.toolCalls;
          if (!(offer && attempt === 0 && refused)) throw e;
          this.toolsRefused.add(model);
          this.service.log.warn(`${model} refused the workspace tools: ${e.message}`);
          this.post({
            type: 'notice',
            level: 'info',
            message: `${model} did not accept the workspace tools (${e.message}); it answers without them.`,
          });
        }
      }
    } catch (e) {
      return { view, error: e };
    }
  }

  private modelInfo(id: string): ModelInfo | undefined {
    return this.models.find((m) => m.id === id);
  }

  private modelOptions(): ModelOption[] {
    return this.models.map((m) => ({
      id: m.id,
      name: m.name,
      detail: describeModel(m),
      supportsImages: m.inputModalities.includes('image'),
    }));
  }

  private async sendModels(refresh: boolean): Promise<void> {
    try {
      const result = await this.service.models({ signal: new AbortController().signal, refresh, askForKey: false });
      this.models = result.models;
      this.post({
        type: 'models/update',
        models: this.modelOptions(),
        currentModel: this.service.settings.model,
        ...(result.source === 'fallback'
          ? { note: `Could not load the model list (${result.error ?? 'unknown error'}); showing built-in models.` }
          : {}),
      });
    } catch (e) {
      this.service.log.warn(`model list for the chat: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async sendCredits(): Promise<void> {
    if (!needsKey(this.service.settings.baseUrl)) return;
    try {
      const client = await this.service.client({ askForKey: false });
      if (!client) return;
      const credits = await client.getCredits({ signal: AbortSignal.timeout(10_000) });
      this.post({ type: 'credits/update', credits });
    } catch (e) {
      this.service.log.debug(`credits: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
