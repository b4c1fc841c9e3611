/** Host messages and views the webview tests send, with defaults a test overrides. */
import type {
  ChatMessageView,
  ContextChip,
  ConversationSummary,
  ConversationView,
  HostMessage,
  ModelOption,
} from '../../src/webview/protocol';
import { WebviewPage, startServer } from './harness';
import type { PageOptions } from './harness';

export const MODELS: ModelOption[] = [
  {
    id: 'trinity-mini',
    name: 'Trinity Mini',
    detail: '128k context · $0.045 in / $0.15 out per 1M tokens',
    supportsImages: false,
  },
  {
    id: 'trinity-large',
    name: 'Trinity Large',
    detail: '128k context · $0.25 in / $1 out per 1M tokens',
    supportsImages: true,
  },
  { id: 'auto', name: 'Auto (router)', detail: 'picks a model per request', supportsImages: true },
];

export const HISTORY: ConversationSummary[] = [
  { id: 'c1', title: 'Explain SSE parsing', updatedAt: Date.now() - 5 * 60_000, messageCount: 4 },
  { id: 'c2', title: 'Refactor the retry policy', updatedAt: Date.now() - 26 * 3600_000, messageCount: 8 },
  { id: 'c3', title: 'Why is the sky blue?', updatedAt: Date.now() - 5 * 86400_000, messageCount: 2 },
];

export function chip(id: string, path = 'src/providers/client.ts', startLine = 10, endLine = 24): ContextChip {
  return { id, path, startLine, endLine, language: 'typescript', text: 'const x = 1;' };
}

export function conversation(messages: ChatMessageView[] = [], id = 'c1'): ConversationView {
  return { id, title: 'Explain SSE parsing', messages, createdAt: Date.now() - 3600_000, updatedAt: Date.now() };
}

export function userMsg(id: string, content: string, extra: Partial<ChatMessageView> = {}): ChatMessageView {
  return { id, role: 'user', content, state: 'done', createdAt: Date.now(), ...extra };
}

export function assistantMsg(id: string, content: string, extra: Partial<ChatMessageView> = {}): ChatMessageView {
  return { id, role: 'assistant', content, state: 'done', createdAt: Date.now(), ...extra };
}

export function init(over: Partial<Extract<HostMessage, { type: 'state/init' }>> = {}): HostMessage {
  return {
    type: 'state/init',
    conversation: conversation(),
    history: HISTORY,
    models: MODELS,
    currentModel: 'trinity-mini',
    credits: 12.5,
    pendingContext: [],
    activeRequestId: null,
    ...over,
  };
}

/** Starts a server for the suite and a fresh page (already `ready`) for each test, `init` sent. */
export function useWebview(
  options: PageOptions = {},
  initial: HostMessage | null = init(),
): { readonly wv: WebviewPage } {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let page: WebviewPage | undefined;
  before(async () => {
    server = await startServer();
    page = await WebviewPage.create(server.origin, options);
  });
  after(async () => {
    await page?.close();
    page = undefined;
    await server?.close();
  });
  beforeEach(async () => {
    await page!.load();
    if (initial) await page!.send(initial);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await page.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  return {
    get wv(): WebviewPage {
      if (!page) throw new Error('no page: use wv inside a test');
      return page;
    },
  };
}
