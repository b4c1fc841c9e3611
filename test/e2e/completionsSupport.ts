// Ghost-text completions as a person sees them in code-server: the grey text after the cursor, the document
// without it, and the `arcee.completions` status-bar item; plus the fake server's side (SSE chunks, request counts).
import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import type { FakeServer, RecordedRequest } from '../support/fakeServer';
import type { Workbench } from './e2eSupport';

export const CHAT = '/chat/completions';

/** The editor in the active group (one group in these tests). */
function editor(wb: Workbench): Locator {
  return wb.page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
}

/**
 * The ghost text shown in the active editor, '' when none: the inline part on the cursor line
 * (`.ghost-text-decoration` spans, and `.ghost-text-decoration-preview` ones: with the suggest widget open, the
 * part beyond the selected item) and the further lines of a multi-line suggestion, which VS Code (1.104 and
 * 1.139 alike) renders in a view zone (`.view-zones .suggest-preview-text .view-line`), with spaces (rendered as
 * U+00A0) normalised. `only: 'preview'` reads the `.ghost-text-decoration-preview` spans alone.
 */
export async function ghostText(wb: Workbench, only?: 'preview'): Promise<string> {
  return editor(wb).evaluate((root, onlyPreview) => {
    const selector = onlyPreview
      ? '.view-lines .ghost-text-decoration-preview'
      : '.view-lines .ghost-text-decoration, .view-lines .ghost-text-decoration-preview';
    const inline = [...root.querySelectorAll(selector)].map((el) => el.textContent ?? '').join('');
    if (onlyPreview) return inline.replace(/\u00a0/g, ' ');
    const zoneLines = [...root.querySelectorAll('.view-zones .suggest-preview-text .view-line')].map(
      (el) => el.textContent ?? '',
    );
    return [inline, ...zoneLines].join('\n').replace(/\u00a0/g, ' ');
  }, only === 'preview');
}

/** Waits (bounded) until the ghost text is exactly `expected` ('' for none); fails with what it saw. */
export async function waitForGhostText(wb: Workbench, expected: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = await ghostText(wb);
  while (seen !== expected) {
    if (Date.now() > deadline)
      assert.equal(seen, expected, `the ghost text did not become ${JSON.stringify(expected)} within ${timeoutMs} ms`);
    await wb.page.waitForTimeout(50);
    seen = await ghostText(wb);
  }
}

/** The document's lines as the editor renders them, without ghost text (lines are placed by `top`, not DOM order). */
export async function documentLines(wb: Workbench): Promise<string[]> {
  return editor(wb).evaluate((root) => {
    const lines = [...root.querySelectorAll<HTMLElement>('.view-lines > .view-line')].sort(
      (a, b) => parseFloat(a.style.top) - parseFloat(b.style.top),
    );
    return lines.map((line) => {
      const copy = line.cloneNode(true) as HTMLElement;
      for (const ghost of copy.querySelectorAll('[class*="ghost-text"]')) ghost.remove();
      return (copy.textContent ?? '').replace(/\u00a0/g, ' ');
    });
  });
}

/** Waits (bounded) until the document's lines are `expected`; fails with what it saw. */
export async function waitForDocument(wb: Workbench, expected: string[], timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = await documentLines(wb);
  while (JSON.stringify(seen) !== JSON.stringify(expected)) {
    if (Date.now() > deadline)
      assert.deepEqual(seen, expected, `the document did not become what was expected within ${timeoutMs} ms`);
    await wb.page.waitForTimeout(50);
    seen = await documentLines(wb);
  }
}

/** Opens a workspace file and puts the cursor at its end (the files here end on the line being written). */
export async function openAtEnd(wb: Workbench, name: string, visibleText: string): Promise<void> {
  await wb.openFile(name, visibleText);
  await editor(wb).locator('.view-lines').click();
  await wb.page.keyboard.press('Control+End');
}

/** The `arcee.completions` status-bar item. */
export function statusItem(wb: Workbench): Locator {
  return wb.page.locator('#workbench\\.parts\\.statusbar .statusbar-item[id$=".arcee.completions"]');
}

/** Waits until the status-bar item reads `text` with the codicon `icon` (check, circle-slash, warning). */
export async function waitForStatus(wb: Workbench, icon: string, text: string): Promise<void> {
  const item = statusItem(wb);
  await item.locator(`.codicon-${icon}`).waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal((await item.innerText()).replace(/\u00a0/g, ' ').trim(), text);
}

/**
 * Waits `ms` and checks that the fake server saw exactly `expected` completion requests meanwhile. Only for
 * proving that nothing is sent: callers wait at least three debounce periods.
 */
export async function assertRequestsStay(
  wb: Workbench,
  server: FakeServer,
  expected: number,
  ms: number,
  why: string,
): Promise<void> {
  await wb.page.waitForTimeout(ms);
  assert.equal(server.requestsTo(CHAT).length, expected, why);
}

/**
 * Presses `key` (a character or a key name such as `Enter`) and waits for the `count`-th completion request, which must come no sooner than `debounceMs` after
 * the key: a pause in typing is what asks. (The time is measured from before the key until the request was seen,
 * which is never less than the real delay, so a working debounce cannot fail this.)
 */
export async function typeAndAwaitRequest(
  wb: Workbench,
  server: FakeServer,
  key: string,
  count: number,
  debounceMs: number,
): Promise<RecordedRequest> {
  const typed = Date.now();
  await wb.page.keyboard.press(key);
  const requests = await server.waitForRequests(CHAT, count);
  const waited = Date.now() - typed;
  assert.ok(waited >= debounceMs, `the request came ${waited} ms after the key, before the ${debounceMs} ms debounce`);
  return requests[count - 1];
}

/** Resolves when the client closed the request's connection, or fails after `timeoutMs`. */
export async function closedWithin(request: RecordedRequest, timeoutMs: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(() => reject(new Error(`${what}: the server never saw the connection close`)), timeoutMs)),
  );
  try {
    await Promise.race([request.closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The user message of a recorded completion request (the code around the `<CURSOR>` marker). */
export function promptOf(request: RecordedRequest): string {
  return (request.json as { messages: { content: string }[] }).messages[1].content;
}

/**
 * A streamed chat answer as explicit SSE events, one content delta per piece (so `stallAfterPieces` can stop
 * the server between two of them), then the finish chunk, usage and [DONE].
 */
export function chunkedStream(pieces: string[], model = 'trinity-mini'): string[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({ id: 'chatcmpl-ghost', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const usage = { prompt_tokens: 90, completion_tokens: pieces.length, total_tokens: 90 + pieces.length };
  return [
    chunk({ role: 'assistant', content: '' }),
    ...pieces.map((content) => chunk({ content })),
    chunk({}, 'stop'),
    `data: ${JSON.stringify({ id: 'chatcmpl-ghost', object: 'chat.completion.chunk', model, choices: [], usage })}\n\ndata: [DONE]\n\n`,
  ];
}
