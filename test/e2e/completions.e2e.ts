// Ghost-text completions in a real VS Code (code-server, headless Chromium) against a fake server: what a person
// sees after a pause in typing, Tab, Escape, typing on, the status-bar toggle and a rejected key, and what the
// server sees (how many requests, and which connections the extension closed before the answer ended).
import * as assert from 'node:assert/strict';
import { FakeServer, jsonReply, sseReply, textStream } from '../support/fakeServer';
import {
  CHAT,
  assertRequestsStay,
  chunkedStream,
  closedWithin,
  ghostText,
  openAtEnd,
  promptOf,
  statusItem,
  typeAndAwaitRequest,
  waitForDocument,
  waitForGhostText,
  waitForStatus,
} from './completionsSupport';
import { useWorkbench } from './e2eSupport';

const DEBOUNCE_MS = 200;
/** How long to wait to show that no request follows: well over the debounce. */
const QUIET_MS = 4 * DEBOUNCE_MS;

const FILES: Record<string, string> = {
  'pause.ts': 'const items = [1, 2, 3];\nconst total =',
  'accept.ts': 'const prices = [4, 5, 6];\nconst sum =',
  'escape.ts': 'const sizes = [7, 8];\nconst largest =',
  'through.ts': "const names = ['ada', 'bob'];\nconst joined =",
  'abort.ts': 'const numbers = [1, 2, 3];\nconst count =',
  'line.ts': 'const values = [3, 1, 2];\nconst biggest =',
  'block.ts': 'export function total(items: number[]): number {\n}',
  'toggle.ts': "const words = ['hi'];\nconst first",
  'paused401.ts': 'const rows = [1];\nconst n =',
  'paused402.ts': 'const rows = [2];\nconst n =',
  'suggest.txt': 'reduceTotal sums the items.\nconst n =',
};

describe('ghost-text completions', () => {
  let server: FakeServer;
  before(async () => {
    server = await FakeServer.start();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(async function () {
    this.timeout(30_000);
    // A request VS Code started at the end of the previous test (it asks again after an accept) must not count
    // in this one: wait until the server has been quiet for a while, then start afresh.
    for (let seen = -1; seen !== server.requests.length;) {
      seen = server.requests.length;
      await new Promise((r) => setTimeout(r, QUIET_MS));
    }
    server.reset();
    // An empty answer shows nothing: what VS Code asks beyond a test's own replies stays invisible.
    server.setDefault(CHAT, sseReply(textStream('')));
  });
  const workbench = useWorkbench(() => ({
    userSettings: {
      'arcee.baseUrl': server.baseUrl,
      'arcee.maxRetries': 0,
      'arcee.completions.enabled': true,
      'arcee.completions.debounceMs': DEBOUNCE_MS,
      // TypeScript's suggest widget would change which ghost text VS Code shows (it must extend the selected
      // item); these tests are about ghost text alone.
      'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
      'editor.suggestOnTriggerCharacters': false,
      // Except in plain text, where word-based suggestions open the widget for the test that needs it.
      '[plaintext]': { 'editor.quickSuggestions': { other: 'on', comments: 'off', strings: 'off' } },
    },
    files: FILES,
  }));

  it('after a pause in typing: one request, and its answer as ghost text', async () => {
    const wb = workbench();
    server.enqueue(CHAT, sseReply(textStream('items.reduce((a, b) => a + b, 0);')));
    await openAtEnd(wb, 'pause.ts', 'const total');
    await waitForStatus(wb, 'check', 'Completions');
    const request = await typeAndAwaitRequest(wb, server, ' ', 1, DEBOUNCE_MS);
    await waitForGhostText(wb, 'items.reduce((a, b) => a + b, 0);');
    await wb.screenshot('completions-ghost-text');
    await waitForDocument(wb, ['const items = [1, 2, 3];', 'const total = ']);
    await assertRequestsStay(wb, server, 1, QUIET_MS, 'one pause in typing sends one request');
    const body = request.json as { model: string; stream: boolean };
    assert.equal(body.model, 'trinity-mini');
    assert.equal(body.stream, true);
    assert.match(
      promptOf(request),
      /File: pause\.ts\nLanguage: typescript\n```typescript\nconst items = \[1, 2, 3\];\nconst total = <CURSOR>\n```$/,
    );
  });

  it('Tab accepts the ghost text, and one Ctrl+Z restores the text before', async () => {
    const wb = workbench();
    server.enqueue(CHAT, sseReply(textStream('prices.reduce((a, b) => a + b, 0);')));
    await openAtEnd(wb, 'accept.ts', 'const sum');
    await typeAndAwaitRequest(wb, server, ' ', 1, DEBOUNCE_MS);
    await waitForGhostText(wb, 'prices.reduce((a, b) => a + b, 0);');
    const before = ['const prices = [4, 5, 6];', 'const sum = '];
    await waitForDocument(wb, before);
    await wb.page.keyboard.press('Tab');
    await waitForGhostText(wb, '');
    await waitForDocument(wb, ['const prices = [4, 5, 6];', 'const sum = prices.reduce((a, b) => a + b, 0);']);
    await wb.page.keyboard.press('Control+Z');
    await waitForDocument(wb, before);
  });

  it('Escape dismisses the ghost text and leaves the document as it was', async () => {
    const wb = workbench();
    server.enqueue(CHAT, sseReply(textStream('Math.max(...sizes);')));
    await openAtEnd(wb, 'escape.ts', 'const largest');
    await typeAndAwaitRequest(wb, server, ' ', 1, DEBOUNCE_MS);
    await waitForGhostText(wb, 'Math.max(...sizes);');
    await wb.page.keyboard.press('Escape');
    await waitForGhostText(wb, '');
    await assertRequestsStay(wb, server, 1, QUIET_MS, 'Escape asks nothing');
    assert.equal(await ghostText(wb), '', 'the dismissed ghost text came back');
    await waitForDocument(wb, ['const sizes = [7, 8];', 'const largest = ']);
  });

  it('typing what the ghost text starts with keeps showing the rest, with no new request', async () => {
    const wb = workbench();
    server.enqueue(CHAT, sseReply(textStream("names.join(', ');")));
    await openAtEnd(wb, 'through.ts', 'const joined');
    await typeAndAwaitRequest(wb, server, ' ', 1, DEBOUNCE_MS);
    await waitForGhostText(wb, "names.join(', ');");
    await wb.page.keyboard.type('na');
    await waitForGhostText(wb, "mes.join(', ');");
    await assertRequestsStay(wb, server, 1, QUIET_MS, 'the rest of the suggestion came from the cache');
    assert.equal(await ghostText(wb), "mes.join(', ');");
    await waitForDocument(wb, ["const names = ['ada', 'bob'];", 'const joined = na']);
  });

  it('a different character while a request is in flight closes it and asks again', async () => {
    const wb = workbench();
    // The first answer never comes (the server sends the role chunk, then stalls); the second does.
    server.enqueue(
      CHAT,
      sseReply(chunkedStream(['numbers.length;']), { stallAfterPieces: 1 }),
      sseReply(textStream('umbers.length;')),
    );
    await openAtEnd(wb, 'abort.ts', 'const count');
    const first = await typeAndAwaitRequest(wb, server, ' ', 1, DEBOUNCE_MS);
    await wb.page.keyboard.type('n');
    await closedWithin(first, 5_000, 'the request the user typed past');
    assert.ok(first.closedEarly, 'the first request was closed before its answer ended');
    const requests = await server.waitForRequests(CHAT, 2);
    assert.match(promptOf(requests[1]), /const count = n<CURSOR>\n```$/);
    await waitForGhostText(wb, 'umbers.length;');
    await assertRequestsStay(wb, server, 2, QUIET_MS, 'one request per pause');
  });

  it('in line mode, the request is closed as soon as the first line arrives', async () => {
    const wb = workbench();
    // Line 1 arrives in two pieces, then the server stalls in the middle of line 2.
    server.enqueue(
      CHAT,
      sseReply(chunkedStream(['Math.max(', '...values);\n', 'console.log(', 'biggest);']), {
        stallAfterPieces: 4,
        pieceDelayMs: 20,
      }),
    );
    await openAtEnd(wb, 'line.ts', 'const biggest');
    const request = await typeAndAwaitRequest(wb, server, ' ', 1, DEBOUNCE_MS);
    await closedWithin(request, 5_000, 'the line-mode request');
    assert.ok(request.closedEarly, 'closed before the answer ended');
    await waitForGhostText(wb, 'Math.max(...values);');
    assert.equal((request.json as { max_tokens: number }).max_tokens, 64, 'a line-mode request');
  });

  it('on a new line, a block suggestion shows its lines, the request is closed where the block ends, Tab inserts it', async () => {
    const wb = workbench();
    // The model closes the function and starts another one, then the server stalls.
    const pieces = [
      '    let sum = 0;\n',
      '    for (const i of items) sum += i;\n',
      '    return sum;\n',
      '}\n',
      '\nexport function',
    ];
    server.enqueue(CHAT, sseReply(chunkedStream(pieces), { stallAfterPieces: 1 + pieces.length, pieceDelayMs: 20 }));
    await openAtEnd(wb, 'block.ts', 'export function');
    await wb.page.keyboard.press('ArrowUp');
    await wb.page.keyboard.press('End');
    const request = await typeAndAwaitRequest(wb, server, 'Enter', 1, DEBOUNCE_MS);
    await closedWithin(request, 5_000, 'the block-mode request');
    assert.ok(request.closedEarly, 'closed before the answer ended');
    assert.match(promptOf(request), /number \{\n {4}<CURSOR>\n\}\n```$/);
    // The closing brace is already in the file: not suggested again.
    const body = '    let sum = 0;\n    for (const i of items) sum += i;\n    return sum;';
    await waitForGhostText(wb, body.trimStart());
    await wb.screenshot('completions-block');
    await wb.page.keyboard.press('Tab');
    await waitForDocument(wb, ['export function total(items: number[]): number {', ...body.split('\n'), '}']);
  });

  it('the status-bar item turns completions off (nothing is sent) and on again', async () => {
    const wb = workbench();
    server.enqueue(CHAT, sseReply(textStream('words[0];')));
    await openAtEnd(wb, 'toggle.ts', 'const first');
    await statusItem(wb).click();
    await waitForStatus(wb, 'circle-slash', 'Completions');
    await openAtEnd(wb, 'toggle.ts', 'const first');
    await wb.page.keyboard.type(' =');
    await waitForDocument(wb, ["const words = ['hi'];", 'const first =']);
    await assertRequestsStay(wb, server, 0, QUIET_MS, 'no request while completions are off');
    assert.equal(await ghostText(wb), '');
    await wb.screenshot('completions-off');

    await statusItem(wb).click();
    await waitForStatus(wb, 'check', 'Completions');
    await openAtEnd(wb, 'toggle.ts', 'const first');
    await wb.page.keyboard.type(' ');
    await waitForGhostText(wb, 'words[0];');
    assert.equal(server.requestsTo(CHAT).length, 1);
  });

  const pauses = [
    { status: 401, body: { detail: 'Invalid API key' }, fix: 'Set API Key…' },
    { status: 402, body: { detail: 'Insufficient balance' }, fix: 'Add Credits…' },
  ];
  for (const c of pauses) {
    it(`a ${c.status} pauses completions: one status-bar message, no toasts, no more requests until resumed`, async () => {
      const wb = workbench();
      const file = `paused${c.status}.ts`;
      server.enqueue(CHAT, jsonReply(c.status, c.body));
      await openAtEnd(wb, file, 'const n');
      await typeAndAwaitRequest(wb, server, ' ', 1, DEBOUNCE_MS);
      await waitForStatus(wb, 'warning', 'Completions paused');
      // The server's reason is in the item's tooltip (its accessible label).
      assert.match(
        (await statusItem(wb).locator('a').first().getAttribute('aria-label')) ?? '',
        new RegExp(`paused: .*${c.body.detail}`),
      );
      // Several pauses in typing: still one request, no toast.
      for (const key of ['r', 'o', 'w']) {
        await wb.page.keyboard.type(key);
        await assertRequestsStay(wb, server, 1, QUIET_MS, `typing "${key}" while paused sent a request`);
      }
      const toasts = wb.page.locator('.notifications-toasts .notification-toast');
      assert.equal(await toasts.count(), 0, `toasts while paused: ${(await toasts.allInnerTexts()).join(' | ')}`);
      await waitForStatus(wb, 'warning', 'Completions paused');
      await wb.screenshot(`completions-paused-${c.status}`);

      // The item offers the fix and Resume Now; resuming asks again on the next pause in typing.
      await statusItem(wb).click();
      const rows = wb.quickInput.locator('.monaco-list-row');
      await rows.filter({ hasText: c.fix }).first().waitFor();
      await rows.filter({ hasText: 'Resume Now' }).first().click();
      await waitForStatus(wb, 'check', 'Completions');
      server.enqueue(CHAT, sseReply(textStream('.length;')));
      await openAtEnd(wb, file, 'const n');
      await wb.page.keyboard.type('s');
      await waitForGhostText(wb, '.length;');
      assert.equal(server.requestsTo(CHAT).length, 2);
    });
  }

  it('with the suggest widget open, the ghost text extends the selected item; Tab takes the item, then the rest', async () => {
    const wb = workbench();
    // Only a prompt that continues after the selected item is answered: when the widget opens later than the
    // debounce, VS Code first asks without a selected item (after `red`), and that answer must show nothing.
    const afterItem = /\nconst n = reduceTotal<CURSOR>\n```$/;
    server.setDefault(CHAT, (req) => sseReply(textStream(afterItem.test(promptOf(req)) ? '(items);' : '')));
    await openAtEnd(wb, 'suggest.txt', 'const n');
    await wb.page.keyboard.type(' red');
    const widget = wb.page.locator('.editor-widget.suggest-widget.visible');
    const row = widget.locator('.monaco-list-row', { hasText: 'reduceTotal' });
    const focused = widget.locator('.monaco-list-row.focused');
    // Quick suggestions open the widget as you type; if they have not (a loaded machine), ask as a user would.
    await row.waitFor({ timeout: 5_000 }).catch(async () => {
      await wb.page.keyboard.press('Control+Space');
      await row.waitFor({ timeout: 15_000 });
    });
    // On a loaded machine 1.104 may also list the word being typed ("red", from the text as it was when the list
    // was computed), first and so selected: then go down to the item, as a user would.
    for (let down = 0; !/reduceTotal/.test(await focused.innerText({ timeout: 5_000 }).catch(() => '')); down++) {
      assert.ok(down < 5, `reduceTotal never got selected: ${(await widget.allInnerTexts()).join(' | ')}`);
      await wb.page.keyboard.press('ArrowDown');
    }
    // VS Code shows the rest of the item, then the suggestion in its lighter preview style.
    await waitForGhostText(wb, 'uceTotal(items);');
    assert.equal(await ghostText(wb, 'preview'), '(items);');
    assert.ok(
      server.requestsTo(CHAT).some((r) => afterItem.test(promptOf(r))),
      'the model was asked to continue after the selected item',
    );
    await wb.screenshot('completions-suggest-widget');
    await waitForDocument(wb, ['reduceTotal sums the items.', 'const n = red']);
    const asked = server.requestsTo(CHAT).length;
    await wb.page.keyboard.press('Tab');
    await waitForDocument(wb, ['reduceTotal sums the items.', 'const n = reduceTotal']);
    await widget.waitFor({ state: 'hidden' });
    await waitForGhostText(wb, '(items);');
    assert.equal(server.requestsTo(CHAT).length, asked, 'the rest came from the cache');
    await wb.page.keyboard.press('Tab');
    await waitForDocument(wb, ['reduceTotal sums the items.', 'const n = reduceTotal(items);']);
  });
});
