/**
 * The one message protocol between the extension host and the chat webview, imported by both bundles.
 * Unions discriminated by `type`; everything that belongs to a request carries its `requestId`. The webview
 * sends `ready` first; the host queues what it posts until then. No `vscode` or DOM imports here.
 */
import type { ErrorKind } from '../providers/errors';

export type ErrorKindView = ErrorKind | 'unknown';

/** What a button under an error does; the host carries it out. */
export type ErrorAction = 'setApiKey' | 'retry' | 'openSettings' | 'openBilling' | 'showLog' | 'selectModel';

export interface ErrorView {
  kind: ErrorKindView;
  message: string;
  actions: ErrorAction[];
}

/** Selected code attached to a user message; sent fenced, with its path. */
export interface ContextChip {
  id: string;
  /** Workspace-relative path (or the untitled name). */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  language: string;
  text: string;
}

export interface ImageAttachment {
  id: string;
  name: string;
  mime: string;
  /** A data: URL. */
  dataUrl: string;
}

/**
 * Where a tool call of the chat's workspace tools stands.
 * `cut`: complete, but not run because the answer was cut by the length limit (chat/toolTurn.ts).
 * `refused`: not asked for and not run, since its path is a symbolic link out of the workspace.
 */
export type ToolCallStatus =
  'pending' | 'running' | 'done' | 'denied' | 'error' | 'invalid' | 'skipped' | 'cut' | 'refused';

export interface ToolCallView {
  id: string | null;
  name: string;
  arguments: string;
  complete: boolean;
  /** Set once the chat handles the call (absent while it streams). */
  status?: ToolCallStatus;
  /** What the user approves, in words ("Read src/app.ts"). */
  summary?: string;
  /** The text sent back to the model as this call's `tool` message. */
  result?: string;
  /** The call's path is (or lies under) a symbolic link to another place in the workspace: where it leads. */
  link?: { path: string; realPath: string };
  /** Why the user is asked for this call even when tools run without asking ("… may hold secrets"). */
  askReason?: string;
}

export interface UsageView {
  promptTokens?: number;
  completionTokens?: number;
  reasoningTokens?: number;
  /** From the catalogue's pricing, when known. */
  costUsd?: number;
}

export type MessageState = 'streaming' | 'done' | 'stopped' | 'error';

/** One alternative the model considered for a token. */
export interface TokenAlternativeView {
  token: string;
  /** Natural log of its probability; finite (-Infinity is stored as -100). */
  logprob: number;
}

/** One token of an answer with its probability, compact (it is stored with the conversation). */
export interface TokenLogprobView {
  /** The text the token adds to the answer (bytes decoded; a character split over tokens is one view). */
  token: string;
  logprob: number;
  /** The top alternatives, most likely first (capped). */
  top?: TokenAlternativeView[];
}

export interface ChatMessageView {
  id: string;
  role: 'user' | 'assistant';
  /** Markdown (assistant) or plain text (user). */
  content: string;
  reasoning?: string;
  toolCalls?: ToolCallView[];
  state: MessageState;
  error?: ErrorView;
  /** The model that actually answered (a router such as `auto` names the real one). */
  model?: string;
  usage?: UsageView;
  finishReason?: string | null;
  context?: ContextChip[];
  images?: ImageAttachment[];
  createdAt: number;
  /** Token probabilities, when the chat's Logprobs toggle asked for them; empty when the model sent none. */
  logprobs?: TokenLogprobView[];
}

export interface ConversationView {
  id: string;
  title: string;
  messages: ChatMessageView[];
  createdAt: number;
  updatedAt: number;
}

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: number;
  messageCount: number;
}

export interface ModelOption {
  id: string;
  name: string;
  /** "128k context · $0.045 in / $0.15 out per 1M tokens". */
  detail: string;
  supportsImages: boolean;
}

/** Host → webview. */
export type HostMessage =
  | {
      type: 'state/init';
      conversation: ConversationView;
      history: ConversationSummary[];
      models: ModelOption[];
      currentModel: string;
      credits: number | null;
      pendingContext: ContextChip[];
      /** A request of this conversation still streaming (e.g. after the view was hidden and shown). */
      activeRequestId: string | null;
    }
  | { type: 'conversation/load'; conversation: ConversationView; activeRequestId: string | null }
  | { type: 'chat/started'; requestId: string; userMessage: ChatMessageView | null; assistantMessage: ChatMessageView }
  /** Appended text since the last delta (batched by the host); `logprobs` need not line up with `text`. */
  | {
      type: 'chat/delta';
      requestId: string;
      messageId: string;
      text?: string;
      reasoning?: string;
      toolCalls?: ToolCallView[];
      model?: string;
      logprobs?: TokenLogprobView[];
    }
  /** A lone `</think>` showed that the text so far was reasoning: move it. */
  | { type: 'chat/textWasReasoning'; requestId: string; messageId: string; text: string }
  /** The request ended: the message in its final state (done, stopped or error). */
  | {
      type: 'chat/done';
      requestId: string;
      message: ChatMessageView;
      /** The request goes on: this answer called tools, and another answer follows their results. */
      more?: boolean;
    }
  /** A tool call's status changed (waiting for approval, running, its result). */
  | { type: 'chat/tools'; requestId: string; messageId: string; toolCalls: ToolCallView[] }
  | { type: 'models/update'; models: ModelOption[]; currentModel: string; note?: string }
  | { type: 'credits/update'; credits: number | null }
  | { type: 'history/update'; history: ConversationSummary[] }
  | { type: 'context/add'; chip: ContextChip }
  /** A notice for the input area, e.g. "this model does not accept images". */
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string }
  | { type: 'input/focus' };

/** Webview → host. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'chat/send'; requestId: string; text: string; context: ContextChip[]; images: ImageAttachment[] }
  | { type: 'chat/cancel'; requestId: string }
  /** Re-ask for the assistant message `messageId` (drops it and anything after it). */
  | { type: 'chat/regenerate'; requestId: string; messageId: string }
  /** Replace user message `messageId` with `text`, drop what followed, and ask again. */
  | { type: 'chat/editResend'; requestId: string; messageId: string; text: string }
  | { type: 'chat/new' }
  | { type: 'model/select'; modelId: string }
  | { type: 'history/open'; id: string }
  | { type: 'history/rename'; id: string; title: string }
  | { type: 'history/delete'; id: string }
  | { type: 'code/copy'; code: string }
  | { type: 'code/insert'; code: string }
  | { type: 'code/apply'; code: string; language: string }
  | { type: 'code/newFile'; code: string; language: string }
  | { type: 'link/open'; href: string }
  | { type: 'error/action'; action: ErrorAction; messageId: string }
  | { type: 'context/remove'; id: string }
  | { type: 'chat/export' }
  /** The user's answer to a tool call waiting for approval; `always` also stops asking for read-only tools. */
  | { type: 'tool/decide'; requestId: string; messageId: string; callId: string; allow: boolean; always: boolean }
  /** The surface's Logprobs toggle: its later requests ask for token probabilities (or stop asking). */
  | { type: 'chat/logprobs'; enabled: boolean };

export type HostMessageType = HostMessage['type'];
export type WebviewMessageType = WebviewMessage['type'];

/**
 * A handler for every message type: a missing or misspelt handler is a compile error, not a dropped message.
 */
export type Handlers<M extends { type: string }> = {
  [K in M['type']]: (message: Extract<M, { type: K }>) => void | Promise<void>;
};

/** Calls the handler for `message`'s type. */
export function dispatch<M extends { type: string }>(handlers: Handlers<M>, message: M): void | Promise<void> {
  const handler = handlers[message.type as M['type']] as (m: M) => void | Promise<void>;
  return handler(message);
}

const WEBVIEW_TYPES: ReadonlySet<string> = new Set<WebviewMessageType>([
  'ready',
  'chat/send',
  'chat/cancel',
  'chat/regenerate',
  'chat/editResend',
  'chat/new',
  'model/select',
  'history/open',
  'history/rename',
  'history/delete',
  'code/copy',
  'code/insert',
  'code/apply',
  'code/newFile',
  'link/open',
  'error/action',
  'context/remove',
  'chat/export',
  'tool/decide',
  'chat/logprobs',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const str = (v: unknown): v is string => typeof v === 'string';

/**
 * Checks a message from the webview (untrusted input) before the host acts on it. Returns undefined for
 * anything malformed.
 */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!isRecord(raw) || !str(raw.type) || !WEBVIEW_TYPES.has(raw.type)) return undefined;
  const m = raw as Record<string, unknown> & { type: WebviewMessageType };
  switch (m.type) {
    case 'ready':
    case 'chat/new':
    case 'chat/export':
      return { type: m.type };
    case 'chat/send':
      if (!str(m.requestId) || !str(m.text) || !Array.isArray(m.context) || !Array.isArray(m.images)) return undefined;
      if (!m.context.every(isContextChip) || !m.images.every(isImage)) return undefined;
      return { type: m.type, requestId: m.requestId, text: m.text, context: m.context, images: m.images };
    case 'chat/cancel':
      return str(m.requestId) ? { type: m.type, requestId: m.requestId } : undefined;
    case 'chat/regenerate':
      return str(m.requestId) && str(m.messageId)
        ? { type: m.type, requestId: m.requestId, messageId: m.messageId }
        : undefined;
    case 'chat/editResend':
      return str(m.requestId) && str(m.messageId) && str(m.text)
        ? { type: m.type, requestId: m.requestId, messageId: m.messageId, text: m.text }
        : undefined;
    case 'model/select':
      return str(m.modelId) && m.modelId.trim() ? { type: m.type, modelId: m.modelId.trim() } : undefined;
    case 'history/open':
    case 'history/delete':
      return str(m.id) ? { type: m.type, id: m.id } : undefined;
    case 'history/rename':
      return str(m.id) && str(m.title) ? { type: m.type, id: m.id, title: m.title } : undefined;
    case 'code/copy':
    case 'code/insert':
      return str(m.code) ? { type: m.type, code: m.code } : undefined;
    case 'code/apply':
    case 'code/newFile':
      return str(m.code) && str(m.language) ? { type: m.type, code: m.code, language: m.language } : undefined;
    case 'link/open':
      return str(m.href) ? { type: m.type, href: m.href } : undefined;
    case 'error/action':
      return str(m.action) && ERROR_ACTIONS.has(m.action) && str(m.messageId)
        ? { type: m.type, action: m.action as ErrorAction, messageId: m.messageId }
        : undefined;
    case 'context/remove':
      return str(m.id) ? { type: m.type, id: m.id } : undefined;
    case 'tool/decide':
      return str(m.requestId) && str(m.messageId) && str(m.callId) && typeof m.allow === 'boolean'
        ? {
            type: m.type,
            requestId: m.requestId,
            messageId: m.messageId,
            callId: m.callId,
            allow: m.allow,
            always: m.always === true,
          }
        : undefined;
    case 'chat/logprobs':
      return typeof m.enabled === 'boolean' ? { type: m.type, enabled: m.enabled } : undefined;
  }
}

const ERROR_ACTIONS: ReadonlySet<string> = new Set<ErrorAction>([
  'setApiKey',
  'retry',
  'openSettings',
  'openBilling',
  'showLog',
  'selectModel',
]);

function isContextChip(v: unknown): v is ContextChip {
  return (
    isRecord(v) &&
    str(v.id) &&
    str(v.path) &&
    typeof v.startLine === 'number' &&
    typeof v.endLine === 'number' &&
    str(v.language) &&
    str(v.text)
  );
}

function isImage(v: unknown): v is ImageAttachment {
  return (
    isRecord(v) &&
    str(v.id) &&
    str(v.name) &&
    str(v.mime) &&
    str(v.dataUrl) &&
    /^data:image\/[\w.+-]+;base64,/.test(v.dataUrl)
  );
}

/** Only http(s) and mailto links leave the webview, and only through the host. */
export function isOpenableLink(href: string): boolean {
  try {
    const u = new URL(href);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:';
  } catch {
    return false;
  }
}
