// The chat as a person uses it, in code-server + Chromium, against a fake server on 127.0.0.1 started here.
import * as assert from 'node:assert/strict';
import { jsonReply, logprobStream, sseReply, textStream, type StreamToken } from '../support/fakeServer';
import {
  chatFrame,
  lastAssistant,
  newChat,
  openSidebarChat,
  reloadWindow,
  send,
  useChatWorkbench,
} from './chatSupport';

/** A long answer, streamed slowly enough to watch. */
function slowAnswer(words: number): string {
  return textStream(Array.from({ length: words }, (_, i) => `word${i}`).join(' '));
}

describe('chat (sidebar)', function () {
  this.timeout(120_000);
  const chat = useChatWorkbench({ 'main.py': 'def add(a, b):\n    return a - b\n' });
  const workbench = chat.workbench;

  it('sends, shows the reply while it streams, then done', async () => {
    const wb = workbench();
    const frame = await openSidebarChat(wb);
    chat.server.enqueue(
      '/chat/completions',
      sseReply(slowAnswer(60), { pieceDelayMs: 25, randomSplit: { seed: 1, maxPiece: 200 } }),
    );
    const answer = await send(frame, 'Count for me');
    await answer.and(frame.locator('[data-state="streaming"]')).waitFor();
    await answer.getByText('word3', { exact: false }).waitFor();
    assert.equal(await answer.getAttribute('data-state'), 'streaming', 'text is visible before the stream ends');
    await wb.screenshot('chat-streaming');
    await answer.and(frame.locator('[data-state="done"]')).waitFor({ timeout: 30_000 });
    assert.match(await answer.innerText(), /word59/);
    const [req] = chat.server.requestsTo('/chat/completions');
    const body = req.json as { model: string; messages: { role: string; content: string }[] };
    assert.equal(body.model, 'trinity-mini');
    assert.deepEqual(body.messages.at(-1), { role: 'user', content: 'Count for me' });
  });

  it('Stop closes the connection at the server and keeps the partial answer, marked stopped', async () => {
    const wb = workbench();
    const frame = await openSidebarChat(wb);
    chat.server.enqueue(
      '/chat/completions',
      sseReply(slowAnswer(400), { pieceDelayMs: 40, randomSplit: { seed: 2, maxPiece: 150 } }),
    );
    const answer = await send(frame, 'A long one please');
    await answer.getByText('word2', { exact: false }).waitFor();
    const [req] = await chat.server.waitForRequests('/chat/completions');
    const clicked = Date.now();
    await frame.locator('[data-testid="chat-stop"]').click();
    await Promise.race([
      req.closed,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('the server never saw the connection close')), 5000),
      ),
    ]);
    const closeMs = Date.now() - clicked;
    assert.ok(req.closedEarly, 'closed before the reply finished');
    await answer.and(frame.locator('[data-state="stopped"]')).waitFor();
    assert.match(await answer.innerText(), /word1/);
    await frame.locator('[data-testid="chat-send"]').waitFor({ state: 'visible' });
    console.log(`      stop → server saw close: ${closeMs} ms`);
  });

  const errorCases: { status: number; body: unknown; kind: string; button: string }[] = [
    { status: 401, body: { detail: 'Invalid API key' }, kind: 'auth', button: 'setApiKey' },
    { status: 402, body: { detail: 'Insufficient balance' }, kind: 'payment', button: 'openBilling' },
    { status: 404, body: { detail: 'Not Found' }, kind: 'not_found', button: 'openSettings' },
    {
      status: 422,
      body: { detail: [{ loc: ['body', 'temperature'], msg: 'too hot', type: 'x' }] },
      kind: 'validation',
      button: 'openSettings',
    },
    { status: 429, body: { detail: 'Slow down' }, kind: 'rate_limit', button: 'retry' },
    { status: 500, body: 'Internal Server Error', kind: 'server', button: 'retry' },
  ];
  it('renders each error kind inline with its action', async () => {
    const wb = workbench();
    const frame = await openSidebarChat(wb);
    for (const c of errorCases) {
      chat.server.enqueue(
        '/chat/completions',
        typeof c.body === 'string'
          ? { status: c.status, headers: { 'content-type': 'text/plain' }, body: c.body }
          : jsonReply(c.status, c.body),
      );
      const answer = await send(frame, `trigger ${c.status}`);
      const error = answer.locator('[data-testid="chat-error"]');
      await error.waitFor();
      assert.equal(await error.getAttribute('data-kind'), c.kind, `status ${c.status}`);
      await error.locator(`[data-testid="error-action"][data-action="${c.button}"]`).waitFor();
      assert.doesNotMatch(await error.innerText(), /object Object|<html/);
    }
    await wb.screenshot('chat-errors');
    // Retry re-asks and replaces the failed answer.
    chat.server.enqueue('/chat/completions', sseReply(textStream('Recovered answer')));
    await lastAssistant(frame).locator('[data-testid="error-action"][data-action="retry"]').click();
    await lastAssistant(frame).getByText('Recovered answer').waitFor();
  });

  it('a model switch in the picker changes the request model', async () => {
    const wb = workbench();
    const frame = await openSidebarChat(wb);
    const picker = frame.locator('[data-testid="chat-model"]');
    await picker.locator('option[value="trinity-large-thinking"]').waitFor({ state: 'attached' });
    await picker.selectOption('trinity-large-thinking');
    await wb.page.locator('#workbench\\.parts\\.statusbar', { hasText: 'trinity-large-thinking' }).waitFor();
    await send(frame, 'Which model?');
    const [req] = await chat.server.waitForRequests('/chat/completions');
    assert.equal((req.json as { model: string }).model, 'trinity-large-thinking');
    await picker.selectOption('trinity-mini');
  });

  it('code-block Insert and Apply change the editor; Copy fills the clipboard', async () => {
    const wb = workbench();
    await wb.runCommand('Go to File...');
    await wb.quickInput.locator('input.input').fill('main.py');
    await wb.quickInput.locator('.monaco-list-row', { hasText: 'main.py' }).first().waitFor();
    await wb.page.keyboard.press('Enter');
    const editorText = wb.page.locator('.editor-instance .view-lines').first();
    await editorText.getByText('return a - b').waitFor();
    // Select the whole file, then go to the chat.
    await wb.page.locator('.editor-instance .view-lines').first().click();
    await wb.page.keyboard.press('Control+A');
    const frame = await openSidebarChat(wb);
    chat.server.enqueue(
      '/chat/completions',
      sseReply(textStream('Fixed:\n\n```python\ndef add(a, b):\n    return a + b\n```\n')),
    );
    const answer = await send(frame, 'Fix it');
    await answer.locator('pre').first().waitFor();
    await answer.locator('[data-testid="code-apply"]').first().click();
    // Apply goes through the inline edit diff: the file changes only on Accept (Ctrl+Alt+Enter in the diff).
    const diff = wb.page.locator('.monaco-diff-editor');
    await diff.locator('.view-lines', { hasText: 'return a + b' }).first().waitFor({ timeout: 20_000 });
    await wb.page
      .locator('.editor-actions a.action-label[aria-label^="Accept Edit"]')
      .first()
      .waitFor({ state: 'visible' });
    await wb.screenshot('chat-apply-diff');
    await diff
      .locator('.modified-in-monaco-diff-editor .view-lines, .editor.modified .view-lines')
      .first()
      .click()
      .catch(() => diff.locator('.view-lines').last().click());
    await wb.page.keyboard.press('Control+Alt+Enter');
    await diff.waitFor({ state: 'hidden' });
    await editorText.getByText('return a + b').waitFor();
    const text = (await editorText.innerText()).replace(/\u00a0/g, ' ');
    assert.doesNotMatch(text, /a - b/);
    await wb.screenshot('chat-apply');

    // Insert at Cursor: at the end of the file, one more copy of the block.
    const defs = (): Promise<number> => editorText.locator('.view-line', { hasText: 'def add(a, b):' }).count();
    await editorText.click();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.press('Enter');
    await answer.locator('[data-testid="code-insert"]').first().click();
    for (let i = 0; i < 50 && (await defs()) < 2; i++) await wb.page.waitForTimeout(100);
    assert.equal(await defs(), 2, 'Insert put the code at the cursor');

    // Copy: paste it into the editor, as a person would check.
    await answer.locator('[data-testid="code-copy"]').first().click();
    await editorText.click();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.press('Control+V');
    for (let i = 0; i < 50 && (await defs()) < 3; i++) await wb.page.waitForTimeout(100);
    assert.equal(await defs(), 3, 'Copy put the code on the clipboard');
  });

  it('history survives a window reload', async () => {
    const wb = workbench();
    let frame = await openSidebarChat(wb);
    await newChat(frame);
    chat.server.enqueue('/chat/completions', sseReply(textStream('Remember this answer')));
    const answer = await send(frame, 'Something to remember');
    await answer.getByText('Remember this answer').waitFor();
    await reloadWindow(wb);
    frame = await openSidebarChat(wb);
    await frame
      .locator('[data-testid="chat-message"][data-role="user"]', { hasText: 'Something to remember' })
      .waitFor({ timeout: 30_000 });
    await frame
      .locator('[data-testid="chat-message"][data-role="assistant"]', { hasText: 'Remember this answer' })
      .waitFor();
    await frame.locator('[data-testid="chat-history-toggle"]').click();
    await frame
      .locator('[data-testid="chat-history"] [data-testid="history-item"]', { hasText: 'Something to remember' })
      .first()
      .waitFor();
    await wb.screenshot('chat-after-reload');
  });

  it('the editor panel chat works the same and is restored after a reload', async () => {
    const wb = workbench();
    await wb.runCommand('Arcee: Open Chat in Editor');
    let frame = await chatFrame(wb, 'panel');
    await frame.locator('[data-testid="chat-input"]').waitFor();
    chat.server.enqueue('/chat/completions', sseReply(textStream('Panel answer here')));
    const answer = await send(frame, 'Asked in the panel');
    await answer.getByText('Panel answer here').waitFor();
    await answer.and(frame.locator('[data-state="done"]')).waitFor();
    await wb.screenshot('chat-panel');
    await reloadWindow(wb);
    frame = await chatFrame(wb, 'panel');
    await frame
      .locator('[data-testid="chat-message"][data-role="assistant"]', { hasText: 'Panel answer here' })
      .waitFor({ timeout: 30_000 });
  });

  it('Edit-and-resend replaces a question and drops what followed; Export gives Markdown', async () => {
    const wb = workbench();
    const frame = await openSidebarChat(wb);
    await newChat(frame);
    chat.server.enqueue('/chat/completions', sseReply(textStream('First answer')));
    await (await send(frame, 'Original question')).getByText('First answer').waitFor();
    const id = await frame
      .locator('[data-testid="chat-message"][data-role="user"]', { hasText: 'Original question' })
      .getAttribute('data-message-id');
    // By id: once editing, the message shows a textarea and no longer has the text as text.
    const user = frame.locator(`[data-testid="chat-message"][data-message-id="${id}"]`);
    await user.hover();
    await user.locator('[data-testid="message-edit"]').click();
    await user.locator('[data-testid="message-edit-input"]').fill('Edited question');
    chat.server.enqueue('/chat/completions', sseReply(textStream('Second answer')));
    await user.locator('[data-testid="message-edit-send"]').click();
    await frame.locator('[data-testid="chat-message"][data-role="assistant"]', { hasText: 'Second answer' }).waitFor();
    assert.equal(await frame.locator('[data-testid="chat-message"]', { hasText: 'First answer' }).count(), 0);
    const requests = await chat.server.waitForRequests('/chat/completions', 2);
    const messages = (requests[1].json as { messages: { role: string; content: string }[] }).messages;
    assert.deepEqual(messages.slice(1), [{ role: 'user', content: 'Edited question' }]);

    await wb.runCommand('Arcee: Export Chat as Markdown');
    const editor = wb.page.locator('.editor-group-container.active .editor-instance .view-lines').first();
    await editor.getByText('Edited question').first().waitFor();
    const text = (await editor.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /# Original question/);
    assert.match(text, /## Arcee/);
    assert.doesNotMatch(text, /First answer/);
  });

  it('the Logprobs toggle asks for token probabilities and shades the answer by them; alternatives on hover', async () => {
    const wb = workbench();
    const frame = await openSidebarChat(wb);
    await newChat(frame);
    const toggle = frame.locator('[data-testid="chat-logprobs-toggle"]');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    const tokens: StreamToken[] = [
      { token: 'Use', p: 0.97 },
      { token: ' a', p: 0.93 },
      { token: ' **', p: 0.9 },
      {
        token: 'Map',
        p: 0.08,
        top: [
          [' Set', 0.55],
          [' dictionary', 0.3],
          ['Map', 0.08],
        ],
      },
      { token: '**', p: 0.99 },
      { token: ' keyed', p: 0.6 },
      { token: ' by', p: 0.98 },
      { token: ' id', p: 0.35 },
      { token: ':\n\n', p: 0.95 },
      { token: '```', p: 0.99 },
      { token: 'ts', p: 0.9 },
      { token: '\n', p: 0.99 },
      { token: 'const', p: 0.96 },
      { token: ' byId', p: 0.2 },
      { token: ' =', p: 0.99 },
      { token: ' new', p: 0.97 },
      { token: ' Map', p: 0.9 },
      { token: '();\n', p: 0.95 },
      { token: '```', p: 0.99 },
      { token: '\n\nLookups', p: 0.5 },
      { token: ' are', p: 0.9 },
      { token: ' O(1)', p: 0.7 },
      { token: ' 🚀', p: 0.15 },
    ];
    chat.server.enqueue(
      '/chat/completions',
      sseReply(logprobStream(tokens), { randomSplit: { seed: 7, maxPiece: 120 } }),
    );
    const answer = await send(frame, 'How should I index users?');
    await answer.and(frame.locator('[data-state="done"]')).waitFor({ timeout: 30_000 });
    const [req] = chat.server.requestsTo('/chat/completions');
    const body = req.json as { logprobs?: unknown; top_logprobs?: unknown };
    assert.equal(body.logprobs, true);
    assert.equal(body.top_logprobs, 5);

    // Shaded, with markdown intact: the unlikely bold word is visibly shaded, a likely word is not.
    const spans = answer.locator('[data-testid="logprob-token"]');
    await answer.locator('.msg-body[data-logprobs="shaded"]').waitFor();
    assert.equal(await answer.locator('strong').textContent(), 'Map');
    assert.equal(await answer.locator('.code-block .code-lang').textContent(), 'ts');
    const low = answer.locator('strong [data-testid="logprob-token"]');
    const high = spans.filter({ hasText: 'Use' }).first();
    const [lowBg, highBg] = await Promise.all(
      [low, high].map((l) => l.evaluate((el) => getComputedStyle(el).backgroundColor)),
    );
    assert.notEqual(lowBg, highBg, `p=0.08 ${lowBg} vs p=0.97 ${highBg}`);
    assert.notEqual(lowBg, 'rgba(0, 0, 0, 0)');
    assert.ok(
      (await answer.locator('.code-block code [data-testid="logprob-token"]').count()) >= 4,
      'code tokens shaded too',
    );
    assert.equal(await spans.filter({ hasText: '🚀' }).count(), 1, 'the emoji is one token');

    await low.hover();
    const tip = frame.locator('[data-testid="logprob-tooltip"]');
    await tip.waitFor({ state: 'visible' });
    const alternatives = (await tip.locator('[data-testid="logprob-alternative"]').allInnerTexts()).map((a) =>
      a.replace(/\s+/g, ' ').trim(),
    );
    assert.deepEqual(alternatives, ['␣Set 55.0%', '␣dictionary 30.0%', 'Map 8.0%']);
    await wb.screenshot('logprobs-shading');

    // After a window reload: the toggle is still on and the reopened answer is shaded again.
    await reloadWindow(wb);
    const again = await chatFrame(wb);
    const reopened = again.locator('[data-testid="chat-message"][data-role="assistant"]', { hasText: 'Lookups' });
    await reopened.locator('.msg-body[data-logprobs="shaded"]').waitFor({ timeout: 30_000 });
    assert.equal(await reopened.locator('strong [data-testid="logprob-token"]').getAttribute('data-p'), '0.0800');
    assert.equal(await again.locator('[data-testid="chat-logprobs-toggle"]').getAttribute('aria-pressed'), 'true');

    // A model that ignores logprobs: the answer as usual, and one line saying so.
    chat.server.enqueue('/chat/completions', sseReply(textStream('No probabilities here.')));
    const plain = await send(again, 'And without?');
    await plain.getByTestId('logprob-none').waitFor({ timeout: 30_000 });
    assert.match(await plain.innerText(), /No probabilities here\./);
    assert.equal(await plain.locator('[data-testid="logprob-token"]').count(), 0);

    // Off again: requests no longer ask (and later tests start from the default).
    await again.locator('[data-testid="chat-logprobs-toggle"]').click();
    assert.equal(await again.locator('[data-testid="chat-logprobs-toggle"]').getAttribute('aria-pressed'), 'false');
    chat.server.enqueue('/chat/completions', sseReply(textStream('Off.')));
    await (await send(again, 'Off?')).getByText('Off.').waitFor();
    const last = (await chat.server.waitForRequests('/chat/completions', 3))[2].json as { logprobs?: unknown };
    assert.equal(last.logprobs, undefined);
  });
});
