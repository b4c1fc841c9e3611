// VS Code's own Chat view (newest code-server) as a person drives it, on Arcee's models through the extension's
// language-model provider, against a fake OpenAI-compatible server that tells agent turns from utility requests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import {
  FakeServer,
  sseReply,
  textStream,
  type RecordedRequest,
  type Responder,
  type ScriptedReply,
} from '../support/fakeServer';
import type { Workbench } from './e2eSupport';

interface ChatBody {
  model: string;
  tools?: { function: { name: string } }[];
  messages: { role: string; content: unknown; tool_calls?: unknown[] }[];
}

export const bodyOf = (r: RecordedRequest): ChatBody => r.json as ChatBody;

/** An agent turn carries VS Code's tools; titles and progress messages (utility requests) carry none. */
export const isAgentTurn = (r: RecordedRequest): boolean => (bodyOf(r).tools?.length ?? 0) > 0;

/**
 * Routes `/chat/completions`: agent turns take the next scripted reply (a plain answer when none is left),
 * everything else (VS Code's utility requests, `@arcee`) gets a short text.
 */
export class ChatRouter {
  private readonly agent: Responder[] = [];
  constructor(readonly server: FakeServer) {}

  install(): void {
    this.server.setDefault('/chat/completions', (req): ScriptedReply => {
      if (!isAgentTurn(req)) return sseReply(textStream('A short title', 'trinity-mini'));
      const next = this.agent.shift() ?? sseReply(textStream('Done.', 'trinity-mini'));
      return typeof next === 'function' ? next(req) : next;
    });
  }

  /** The replies to the next agent turns, in order. */
  script(...replies: Responder[]): void {
    this.agent.push(...replies);
  }

  agentTurns(): RecordedRequest[] {
    return this.server.requestsTo('/chat/completions').filter(isAgentTurn);
  }

  async waitForAgentTurns(count: number, timeoutMs = 60_000): Promise<RecordedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.agentTurns().length < count) {
      if (Date.now() > deadline)
        throw new Error(
          `${count} agent turn(s) did not reach the fake server within ${timeoutMs} ms (got ${this.agentTurns().length})`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.agentTurns();
  }
}

/** A streamed answer that calls one tool (arguments in two pieces), ending with `tool_calls`. */
export function toolCallReply(name: string, args: Record<string, unknown>, id: string): ScriptedReply {
  const json = JSON.stringify(args);
  const half = Math.floor(json.length / 2);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'trinity-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return sseReply(
    chunk({ role: 'assistant', content: '' }) +
      chunk({ tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: json.slice(0, half) } }] }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: json.slice(half) } }] }) +
      chunk({}, 'tool_calls') +
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 9000, completion_tokens: 20, total_tokens: 9020 } })}\n\n` +
      'data: [DONE]\n\n',
  );
}

/** A streamed answer with reasoning first (`reasoning_content`), then the answer text. */
export function reasoningReply(reasoning: string, answer: string, usage?: Record<string, number>): ScriptedReply {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'trinity-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return sseReply(
    reasoning
      .split(/(?<= )/)
      .map((piece) => chunk({ reasoning_content: piece }))
      .join('') +
      chunk({ content: answer }) +
      chunk({}, 'stop') +
      (usage ? `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [], usage })}\n\n` : '') +
      'data: [DONE]\n\n',
  );
}

/** The Chat view's parts a test reads and drives. */
export class ChatView {
  constructor(private readonly wb: Workbench) {}

  get input(): Locator {
    return this.wb.page.locator('.interactive-input-part').first();
  }

  /** The model picker's label in the input toolbar. */
  async pickerLabel(): Promise<string> {
    return (await this.input.locator('.chat-input-picker-label').allInnerTexts()).join(' | ');
  }

  responses(): Locator {
    return this.wb.page.locator('.interactive-item-container.interactive-response');
  }

  lastResponse(): Locator {
    return this.responses().last();
  }

  /** Types into the chat input (a Monaco editor) and sends with Enter. */
  /** Closes the toasts (an earlier failure's fix, the utility-model offer): they may cover the input. */
  async dismissToasts(): Promise<void> {
    const toasts = this.wb.page.locator(
      '.notifications-toasts .notification-toast a.action-label[aria-label^="Clear Notification"]',
    );
    for (let i = 0; i < 5 && (await toasts.count()) > 0; i++)
      await toasts
        .first()
        .click({ force: true })
        .catch(() => undefined);
  }

  /** Types into the chat input and sends; `keepToasts` leaves any toast where it is, as a person in a hurry does. */
  async send(text: string, options: { keepToasts?: boolean } = {}): Promise<void> {
    if (!options.keepToasts) await this.dismissToasts();
    await this.input.locator('.monaco-editor').first().click();
    await this.wb.page.keyboard.type(text);
    // The send button rather than Enter: Enter picks an open suggestion (`/explain`) instead of sending.
    await this.input.locator('a.action-label[aria-label^="Send"]').first().click();
  }

  /** Waits until the last response's text matches. */
  async waitForResponse(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    for (;;) {
      text = (
        await this.lastResponse()
          .innerText()
          .catch(() => '')
      ).replace(/\u00a0/g, ' ');
      if (pattern.test(text)) return text;
      if (Date.now() > deadline)
        throw new Error(`the last chat response did not match ${pattern}: ${JSON.stringify(text.slice(0, 400))}`);
      await this.wb.page.waitForTimeout(200);
    }
  }

  /** Starts a new chat (the view's "New Chat" title button). */
  async newChat(): Promise<void> {
    await this.wb.page.locator('a.action-label[aria-label^="New Chat"]').first().click();
    await this.wb.page.waitForTimeout(500);
  }
}

/** The provider groups VS Code keeps in the profile (where "Add Models" writes). */
export function providerGroups(wb: Workbench): unknown {
  const file = path.join(wb.server.dirs.userDataDir, 'User', 'chatLanguageModels.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as unknown) : undefined;
}
