/**
 * The chat webview's entry: builds the page, says `ready`, then applies what the host sends through a typed
 * handler table (a missing handler does not compile). Everything the user does becomes one WebviewMessage.
 */
import {
  dispatch,
  type ContextChip,
  type Handlers,
  type HostMessage,
  type ImageAttachment,
  type ModelOption,
} from '../protocol';
import { Composer } from './composer';
import { h } from './dom';
import { newRequestId } from './format';
import { Header } from './header';
import { LogprobToggle } from './logprobToggle';
import { codeInfoFor } from './markdown';
import { MessageList } from './messageList';
import { loadState, post, saveState, type PersistedState } from './vscodeApi';

interface AppState {
  conversationId: string;
  models: ModelOption[];
  currentModel: string;
  /** The request streaming now (ours or one the host says is still running). */
  activeRequestId: string | null;
  /** Whether the host has started the active request (a Stop before that cannot reach a stream). */
  started: boolean;
}

const persisted: PersistedState = loadState();
const state: AppState = { conversationId: '', models: [], currentModel: '', activeRequestId: null, started: false };

function setActive(requestId: string | null, started: boolean): void {
  state.activeRequestId = requestId;
  state.started = started;
  composer.setStreaming(requestId !== null);
  list.setBusy(requestId !== null);
}

const header = new Header({
  selectModel: (modelId) => {
    state.currentModel = modelId;
    post({ type: 'model/select', modelId });
    list.modelChanged();
  },
  newChat: () => post({ type: 'chat/new' }),
  open: (id) => post({ type: 'history/open', id }),
  rename: (id, title) => post({ type: 'history/rename', id, title }),
  remove: (id) => post({ type: 'history/delete', id }),
  exportChat: () => post({ type: 'chat/export' }),
});

const list = new MessageList({
  regenerate: (messageId) => {
    if (state.activeRequestId) return;
    const requestId = newRequestId();
    list.dropFrom(messageId);
    setActive(requestId, false);
    post({ type: 'chat/regenerate', requestId, messageId });
  },
  editResend: (messageId, text) => {
    if (state.activeRequestId) return;
    const requestId = newRequestId();
    setActive(requestId, false);
    post({ type: 'chat/editResend', requestId, messageId, text });
  },
  errorAction: (action, messageId) => post({ type: 'error/action', action, messageId }),
  decideTool: (messageId, callId, allow, always) => {
    if (state.activeRequestId)
      post({ type: 'tool/decide', requestId: state.activeRequestId, messageId, callId, allow, always });
  },
  currentModel: () => state.currentModel,
});

const composer = new Composer(
  {
    send: (text: string, context: ContextChip[], images: ImageAttachment[]) => {
      const requestId = newRequestId();
      setActive(requestId, false);
      post({ type: 'chat/send', requestId, text, context, images });
      persisted.prompts = composer.sentPrompts;
    },
    stop: () => {
      const id = state.activeRequestId;
      if (!id) return;
      post({ type: 'chat/cancel', requestId: id });
      // Not started yet: there is no stream whose end would give the input back.
      if (!state.started) setActive(null, false);
    },
    removeChip: (id) => post({ type: 'context/remove', id }),
    model: () => state.models.find((m) => m.id === state.currentModel),
    models: () => state.models,
    draftChanged: (draft) => {
      persisted.draft = draft;
      saveState(persisted);
    },
  },
  persisted.prompts,
);

const logprobToggle = new LogprobToggle(persisted.logprobs === true, (enabled) => {
  persisted.logprobs = enabled;
  saveState(persisted);
  post({ type: 'chat/logprobs', enabled });
});
composer.addControl(logprobToggle.el);

const handlers: Handlers<HostMessage> = {
  'state/init': (m) => {
    state.conversationId = m.conversation.id;
    state.models = m.models;
    state.currentModel = m.currentModel;
    header.setModels(m.models, m.currentModel);
    header.setCredits(m.credits);
    header.setHistory(m.history, m.conversation.id);
    composer.setChips(m.pendingContext);
    list.load(m.conversation);
    setActive(m.activeRequestId, m.activeRequestId !== null);
  },
  'conversation/load': (m) => {
    state.conversationId = m.conversation.id;
    list.load(m.conversation);
    setActive(m.activeRequestId, m.activeRequestId !== null);
  },
  'chat/started': (m) => {
    list.started(m);
    setActive(m.requestId, true);
  },
  'chat/delta': (m) => list.delta(m),
  'chat/textWasReasoning': (m) => list.textWasReasoning(m),
  'chat/done': (m) => {
    list.done(m);
    // `more`: this answer called tools; the request goes on (Stop stays) until its last answer.
    if (m.more) return;
    if (state.activeRequestId === m.requestId || state.activeRequestId === null) setActive(null, false);
  },
  'chat/tools': (m) => list.tools(m),
  'models/update': (m) => {
    state.models = m.models;
    state.currentModel = m.currentModel;
    header.setModels(m.models, m.currentModel);
    list.modelChanged();
    if (m.note) composer.notice('info', m.note);
  },
  'credits/update': (m) => header.setCredits(m.credits),
  'history/update': (m) => header.setHistory(m.history, state.conversationId),
  'context/add': (m) => composer.addChip(m.chip),
  notice: (m) => composer.notice(m.level, m.message),
  'input/focus': () => composer.focus(),
};

function isHostMessage(data: unknown): data is HostMessage {
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { type?: unknown }).type === 'string' &&
    (data as { type: string }).type in handlers
  );
}

/** Links never navigate the webview: the host decides what to open. Code buttons act on their block. */
function onClick(e: MouseEvent): void {
  const target = e.target instanceof Element ? e.target : null;
  if (!target) return;
  const link = target.closest('a');
  if (link) {
    e.preventDefault();
    const href = link.getAttribute('href');
    if (href) post({ type: 'link/open', href });
    return;
  }
  const codeButton = target.closest<HTMLElement>('button[data-code-action]');
  const info = codeButton ? codeInfoFor(codeButton) : undefined;
  if (!codeButton || !info) return;
  switch (codeButton.dataset.codeAction) {
    case 'copy':
      post({ type: 'code/copy', code: info.code });
      flash(codeButton, 'Copied');
      break;
    case 'insert':
      post({ type: 'code/insert', code: info.code });
      break;
    case 'apply':
      post({ type: 'code/apply', code: info.code, language: info.language });
      break;
    case 'newFile':
      post({ type: 'code/newFile', code: info.code, language: info.language });
      break;
  }
}

function flash(el: HTMLElement, text: string): void {
  const before = el.textContent;
  el.textContent = text;
  setTimeout(() => (el.textContent = before), 1200);
}

function main(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
  root.className = 'chat';
  root.replaceChildren(header.el, header.panel, list.el, composer.el);
  composer.setDraft(persisted.draft);
  document.addEventListener('click', onClick);
  // A middle click would open a link elsewhere; it goes through the host too.
  document.addEventListener('auxclick', (e) => {
    if (e.target instanceof Element && e.target.closest('a')) e.preventDefault();
  });
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isHostMessage(event.data)) void dispatch(handlers, event.data);
  });
  post({ type: 'ready' });
  // The host keeps no toggle state of its own across a re-created webview: say it every time.
  post({ type: 'chat/logprobs', enabled: logprobToggle.enabled });
}

main();
