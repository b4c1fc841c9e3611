import * as assert from 'node:assert/strict';
import type { WebviewMessage } from '../../src/webview/protocol';
import { assistantMsg, chip, conversation, init, useWebview, userMsg } from './fixtures';
import type { WebviewPage } from './harness';

type Posted<T extends WebviewMessage['type']> = Extract<WebviewMessage, { type: T }>;

/** Sends a prompt from the input and answers with chat/started, as the host would. */
async function ask(wv: WebviewPage, text: string, ids = { user: 'u1', assistant: 'a1' }): Promise<string> {
  await wv.page.getByTestId('chat-input').fill(text);
  await wv.page.getByTestId('chat-send').click();
  const send = await wv.waitForPosted('chat/send');
  await wv.send({
    type: 'chat/started',
    requestId: send.requestId,
    userMessage: userMsg(ids.user, text),
    assistantMessage: assistantMsg(ids.assistant, '', { state: 'streaming' }),
  });
  await wv.page.locator(`[data-message-id="${ids.assistant}"][data-state="streaming"]`).waitFor();
  return send.requestId;
}

describe('chat webview: handshake, header, sending', () => {
  const t = useWebview();

  it('posts ready first, exactly once', async () => {
    const posted = await t.wv.posted();
    assert.equal(posted[0]?.type, 'ready');
    assert.equal(posted.filter((m) => m.type === 'ready').length, 1);
  });

  it('renders models, credits and history from state/init', async () => {
    const { page } = t.wv;
    const options = await page.getByTestId('chat-model').locator('option').allTextContents();
    assert.deepEqual(options, ['Trinity Mini', 'Trinity Large', 'Auto (router)']);
    assert.equal(await page.getByTestId('chat-model').inputValue(), 'trinity-mini');
    assert.equal(await page.getByTestId('chat-credits').textContent(), '$12.50 credits');
    await t.wv.send({ type: 'credits/update', credits: 3 });
    await page.getByTestId('chat-credits').filter({ hasText: '$3.00 credits' }).waitFor();
    await page.getByTestId('chat-history-toggle').click();
    const titles = await page.getByTestId('history-item').locator('.history-name').allTextContents();
    assert.deepEqual(titles, ['Explain SSE parsing', 'Refactor the retry policy', 'Why is the sky blue?']);
    assert.match((await page.getByTestId('history-item').first().textContent()) ?? '', /5 min ago/);
  });

  it('model picker posts model/select; New Chat posts chat/new', async () => {
    await t.wv.page.getByTestId('chat-model').selectOption('trinity-large');
    assert.equal((await t.wv.waitForPosted('model/select')).modelId, 'trinity-large');
    await t.wv.page.getByTestId('chat-new').click();
    await t.wv.waitForPosted('chat/new');
  });

  it('Send posts chat/send with a new requestId, the chips and images, and clears the input', async () => {
    const { page } = t.wv;
    await t.wv.send({ type: 'context/add', chip: chip('k1') });
    await page.getByTestId('context-chip').waitFor();
    await page.getByTestId('chat-input').fill('First question');
    await page.getByTestId('chat-send').click();
    const send = await t.wv.waitForPosted('chat/send');
    assert.equal(send.text, 'First question');
    assert.match(send.requestId, /\S{8,}/);
    assert.deepEqual(
      send.context.map((c) => c.id),
      ['k1'],
    );
    assert.deepEqual(send.images, []);
    assert.equal(await page.getByTestId('chat-input').inputValue(), '');
    assert.equal(await page.getByTestId('context-chip').count(), 0);
    // Finish it, send another: a different id.
    await t.wv.send({ type: 'chat/done', requestId: send.requestId, message: assistantMsg('a1', 'ok') });
    await page.getByTestId('chat-send').waitFor();
    await t.wv.clearPosted();
    await page.getByTestId('chat-input').fill('Second');
    await page.getByTestId('chat-input').press('Enter');
    const second = await t.wv.waitForPosted('chat/send');
    assert.notEqual(second.requestId, send.requestId);
  });

  it('Enter sends, Shift+Enter adds a line, ArrowUp in an empty input recalls the last prompt', async () => {
    const { page } = t.wv;
    const input = page.getByTestId('chat-input');
    await input.click();
    await page.keyboard.type('line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    assert.equal(await input.inputValue(), 'line one\nline two');
    assert.equal((await t.wv.posted()).filter((m) => m.type === 'chat/send').length, 0);
    await page.keyboard.press('Enter');
    const send = await t.wv.waitForPosted('chat/send');
    assert.equal(send.text, 'line one\nline two');
    assert.equal(await input.inputValue(), '');
    await t.wv.send({ type: 'chat/done', requestId: send.requestId, message: assistantMsg('a1', 'ok') });
    await page.getByTestId('chat-send').waitFor();
    await page.keyboard.press('ArrowUp');
    assert.equal(await input.inputValue(), 'line one\nline two');
  });

  it('keeps the draft across a re-created webview (vscode state) and gets state/init again', async () => {
    const { page } = t.wv;
    await page.getByTestId('chat-input').fill('half-written thought');
    await t.wv.reload();
    await t.wv.send(init());
    assert.equal(await page.getByTestId('chat-input').inputValue(), 'half-written thought');
  });

  it('input/focus focuses the input', async () => {
    await t.wv.page.getByTestId('chat-model').focus();
    await t.wv.send({ type: 'input/focus' });
    await t.wv.page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'chat-input');
  });
});

describe('chat webview: streaming', () => {
  const t = useWebview();

  it('renders deltas; data-state goes streaming → done; Stop replaces Send meanwhile', async () => {
    const { page } = t.wv;
    const requestId = await ask(t.wv, 'Explain SSE');
    assert.equal(await page.getByTestId('chat-stop').isVisible(), true);
    assert.equal(await page.getByTestId('chat-send').isVisible(), false);
    assert.equal(await page.getByTestId('chat-input').isEditable(), true);
    const user = page.locator('[data-message-id="u1"]');
    assert.equal(await user.getAttribute('data-role'), 'user');
    for (const text of ['Server-Sent ', 'Events are **one-way**', ' streams.\n\n- a', '\n- b\n']) {
      await t.wv.send({ type: 'chat/delta', requestId, messageId: 'a1', text });
    }
    const msg = page.locator('[data-message-id="a1"]');
    await msg.locator('strong', { hasText: 'one-way' }).waitFor();
    await msg.locator('li', { hasText: 'b' }).waitFor();
    await t.wv.send({
      type: 'chat/done',
      requestId,
      message: assistantMsg('a1', 'Server-Sent Events are **one-way** streams.\n\n- a\n- b\n', {
        usage: { promptTokens: 1234, completionTokens: 567, costUsd: 0.0012 },
        model: 'trinity-mini',
      }),
    });
    await page.locator('[data-message-id="a1"][data-state="done"]').waitFor();
    assert.equal(await msg.getByTestId('chat-usage').textContent(), '1,234 → 567 tokens · $0.0012');
    assert.equal(await page.getByTestId('chat-send').isVisible(), true);
    assert.equal(await msg.locator('.msg-model').textContent(), '', 'same model as picked: not named');
  });

  it('Stop posts chat/cancel with the request id; a stopped message shows the marker', async () => {
    const { page } = t.wv;
    const requestId = await ask(t.wv, 'Long answer please');
    await t.wv.send({ type: 'chat/delta', requestId, messageId: 'a1', text: 'Partial' });
    await page.getByTestId('chat-stop').click();
    const cancel = await t.wv.waitForPosted('chat/cancel');
    assert.equal(cancel.requestId, requestId);
    await t.wv.send({ type: 'chat/done', requestId, message: assistantMsg('a1', 'Partial', { state: 'stopped' }) });
    const msg = page.locator('[data-message-id="a1"][data-state="stopped"]');
    await msg.getByTestId('chat-stopped').waitFor();
    assert.match((await msg.textContent()) ?? '', /Partial/);
  });

  it('an error shows its message and one button per action, which post error/action', async () => {
    const { page } = t.wv;
    const requestId = await ask(t.wv, 'hi');
    await t.wv.send({
      type: 'chat/done',
      requestId,
      message: assistantMsg('a1', '', {
        state: 'error',
        error: {
          kind: 'auth',
          message: 'The API key was refused (401). <b>Set</b> a new one.',
          actions: ['setApiKey', 'retry', 'showLog'],
        },
      }),
    });
    const err = page.locator('[data-message-id="a1"][data-state="error"]').getByTestId('chat-error');
    await err.waitFor();
    assert.match((await err.textContent()) ?? '', /<b>Set<\/b> a new one/, 'text, not HTML');
    assert.deepEqual(await err.getByRole('button').allTextContents(), ['Set API Key', 'Retry', 'Show Log']);
    await err.getByRole('button', { name: 'Retry' }).click();
    const action = await t.wv.waitForPosted('error/action');
    assert.deepEqual(action, { type: 'error/action', action: 'retry', messageId: 'a1' });
    const labels: Record<string, string> = {
      openSettings: 'Open Settings',
      openBilling: 'Billing',
      selectModel: 'Choose Model',
    };
    await t.wv.send({
      type: 'chat/done',
      requestId,
      message: assistantMsg('a1', '', {
        state: 'error',
        error: { kind: 'payment', message: 'No credits', actions: ['openSettings', 'openBilling', 'selectModel'] },
      }),
    });
    await page.getByTestId('chat-error').filter({ hasText: 'No credits' }).waitFor();
    assert.deepEqual(await page.getByTestId('chat-error').getByRole('button').allTextContents(), Object.values(labels));
  });

  it('reasoning is collapsed above the answer; textWasReasoning moves the text', async () => {
    const { page } = t.wv;
    const requestId = await ask(t.wv, 'Think first');
    await t.wv.send({ type: 'chat/delta', requestId, messageId: 'a1', reasoning: 'Let me think about SSE.' });
    const msg = page.locator('[data-message-id="a1"]');
    const details = msg.getByTestId('chat-reasoning');
    await details.waitFor();
    assert.equal(await details.evaluate((d) => (d as HTMLDetailsElement).open), false);
    assert.match((await details.locator('summary').textContent()) ?? '', /Reasoning/);
    await t.wv.send({ type: 'chat/delta', requestId, messageId: 'a1', text: 'I am still thinking. The answer: 42' });
    await msg.locator('.msg-body', { hasText: 'The answer: 42' }).waitFor();
    await t.wv.send({
      type: 'chat/textWasReasoning',
      requestId,
      messageId: 'a1',
      text: 'I am still thinking. The answer: 42',
    });
    await t.wv.send({ type: 'chat/delta', requestId, messageId: 'a1', text: 'Final: 42.' });
    await msg.locator('.msg-body', { hasText: 'Final: 42.' }).waitFor();
    assert.doesNotMatch((await msg.locator('.msg-body').textContent()) ?? '', /still thinking/);
    await details.locator('summary').click();
    await details
      .locator('.reasoning-body', { hasText: 'Let me think about SSE.I am still thinking. The answer: 42' })
      .waitFor();
  });

  it('tool calls show name, arguments and "incomplete"; another model is named', async () => {
    const { page } = t.wv;
    const requestId = await ask(t.wv, 'Use a tool');
    await t.wv.send({
      type: 'chat/delta',
      requestId,
      messageId: 'a1',
      model: 'trinity-large',
      toolCalls: [{ id: 't1', name: 'get_weather', arguments: '{"city":"Par', complete: false }],
    });
    const call = page.locator('[data-message-id="a1"]').getByTestId('chat-tool-call');
    await call.filter({ hasText: 'incomplete' }).waitFor();
    assert.match((await call.textContent()) ?? '', /get_weather.*\{"city":"Par/s);
    await t.wv.send({
      type: 'chat/delta',
      requestId,
      messageId: 'a1',
      toolCalls: [{ id: 't1', name: 'get_weather', arguments: '{"city":"Paris"}', complete: true }],
    });
    await call.locator('code', { hasText: '"city": "Paris"' }).waitFor();
    assert.equal(await call.filter({ hasText: 'incomplete' }).count(), 0);
    assert.equal(await page.locator('[data-message-id="a1"] .msg-model').textContent(), 'trinity-large');
  });

  it('a tool call waiting for approval: Allow / Deny / Always post tool/decide; the request stays busy between rounds', async () => {
    const { page } = t.wv;
    const requestId = await ask(t.wv, 'Read my file');
    const args = '{"path":"<img src=x onerror=alert(1)>.ts"}';
    const pending = {
      id: 'call_1',
      name: 'read_file',
      arguments: args,
      complete: true,
      status: 'pending' as const,
      summary: 'Read <img src=x onerror=alert(1)>.ts',
    };
    await t.wv.send({
      type: 'chat/done',
      requestId,
      message: assistantMsg('a1', '', { toolCalls: [pending] }),
      more: true,
    });
    await t.wv.send({ type: 'chat/tools', requestId, messageId: 'a1', toolCalls: [pending] });
    const card = page.locator('[data-message-id="a1"]').getByTestId('chat-tool-call');
    await card.and(page.locator('[data-status="pending"]')).waitFor();
    assert.equal(await page.locator('img').count(), 0, 'arguments and summary are text, never markup');
    assert.match((await card.textContent()) ?? '', /Read <img src=x onerror=alert\(1\)>\.ts/);
    assert.equal(await page.getByTestId('chat-stop').isVisible(), true, 'a done answer with more to come keeps Stop');
    assert.equal(await page.getByTestId('message-regenerate').isVisible(), false);

    await card.getByTestId('tool-always').click();
    const decided = await t.wv.waitForPosted('tool/decide');
    assert.deepEqual(decided, {
      type: 'tool/decide',
      requestId,
      messageId: 'a1',
      callId: 'call_1',
      allow: true,
      always: true,
    });
    assert.equal(await card.getByTestId('tool-allow').isDisabled(), true, 'one answer per call');

    await t.wv.send({
      type: 'chat/tools',
      requestId,
      messageId: 'a1',
      toolCalls: [{ ...pending, status: 'done', result: '1  export const x = 1;' }],
    });
    await card.and(page.locator('[data-status="done"]')).waitFor();
    assert.equal(await card.getByTestId('tool-allow').count(), 0);
    await card.getByTestId('tool-result').locator('summary').click();
    assert.match(await card.getByTestId('tool-result').innerText(), /export const x = 1;/);

    await t.wv.send({
      type: 'chat/started',
      requestId,
      userMessage: null,
      assistantMessage: assistantMsg('a2', '', { state: 'streaming' }),
    });
    await t.wv.send({ type: 'chat/done', requestId, message: assistantMsg('a2', 'It exports x.') });
    await page.getByTestId('chat-send').waitFor({ state: 'visible' });
    await page.locator('[data-message-id="a2"]').getByTestId('message-regenerate').waitFor({ state: 'visible' });
  });

  it('Deny posts allow:false; a denied call shows as denied without a result', async () => {
    const { page } = t.wv;
    const requestId = await ask(t.wv, 'Search please');
    const pending = {
      id: 'call_9',
      name: 'search_text',
      arguments: '{"query":"TODO"}',
      complete: true,
      status: 'pending' as const,
      summary: 'Search for "TODO"',
    };
    await t.wv.send({
      type: 'chat/done',
      requestId,
      message: assistantMsg('a1', '', { toolCalls: [pending] }),
      more: true,
    });
    const card = page.locator('[data-message-id="a1"]').getByTestId('chat-tool-call');
    await card.getByTestId('tool-deny').click();
    const decided = await t.wv.waitForPosted('tool/decide');
    assert.deepEqual([decided.callId, decided.allow, decided.always], ['call_9', false, false]);
    await t.wv.send({
      type: 'chat/tools',
      requestId,
      messageId: 'a1',
      toolCalls: [{ ...pending, status: 'denied', result: 'declined' }],
    });
    await card.getByTestId('tool-status').filter({ hasText: 'denied' }).waitFor();
    assert.equal(await card.getByTestId('tool-result').count(), 0);
  });

  it('a file that may hold secrets: the card says why, offers Allow and Deny but not Always; a link shows where it leads', async () => {
    const { page } = t.wv;
    const requestId = await ask(t.wv, 'Read the env');
    const reason = 'settings.txt may hold secrets (keys, passwords, tokens), so this call needs your Allow.';
    const pending = {
      id: 'call_s',
      name: 'read_file',
      arguments: '{"path":"settings.txt"}',
      complete: true,
      status: 'pending' as const,
      summary: 'Read settings.txt',
      askReason: reason,
      link: { path: 'settings.txt', realPath: '<img src=x onerror=alert(1)>/.env' },
    };
    await t.wv.send({
      type: 'chat/done',
      requestId,
      message: assistantMsg('a1', '', { toolCalls: [pending] }),
      more: true,
    });
    const card = page.locator('[data-message-id="a1"]').getByTestId('chat-tool-call');
    await card.and(page.locator('[data-status="pending"]')).waitFor();
    assert.equal(await card.getByTestId('tool-ask-reason').textContent(), reason);
    assert.equal(
      await card.getByTestId('tool-link').textContent(),
      'settings.txt → <img src=x onerror=alert(1)>/.env',
      'the real path, as text',
    );
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await card.getByTestId('tool-allow').isVisible(), true);
    assert.equal(await card.getByTestId('tool-deny').isVisible(), true);
    assert.equal(await card.getByTestId('tool-always').count(), 0, 'Always cannot cover a secret file');
    await t.wv.screenshot('tool-secret-link');
    await card.getByTestId('tool-allow').click();
    const decided = await t.wv.waitForPosted('tool/decide');
    assert.deepEqual([decided.callId, decided.allow, decided.always], ['call_s', true, false]);
    await t.wv.send({
      type: 'chat/tools',
      requestId,
      messageId: 'a1',
      toolCalls: [{ ...pending, status: 'done', result: '1  API_KEY=x' }],
    });
    await card.and(page.locator('[data-status="done"]')).waitFor();
    assert.equal(await card.getByTestId('tool-ask-reason').count(), 0, 'the reason goes with the question');
    assert.equal(await card.getByTestId('tool-link').count(), 1, 'where the link led stays');
  });

  it('a call refused because its path leads outside shows "refused" and the reason, open, and no buttons', async () => {
    const { page } = t.wv;
    const requestId = await ask(t.wv, 'Read the notes');
    const why =
      '"vendor/notes/secret.txt" is a symbolic link (or lies under one) that leads outside the workspace; only files inside the workspace can be read.';
    await t.wv.send({
      type: 'chat/done',
      requestId,
      message: assistantMsg('a1', '', {
        toolCalls: [
          {
            id: 'call_o',
            name: 'read_file',
            arguments: '{"path":"vendor/notes/secret.txt"}',
            complete: true,
            status: 'refused',
            summary: 'Read vendor/notes/secret.txt',
            result: why,
          },
        ],
      }),
      more: true,
    });
    const card = page.locator('[data-message-id="a1"]').getByTestId('chat-tool-call');
    await card.and(page.locator('[data-status="refused"]')).waitFor();
    assert.equal(await card.getByTestId('tool-status').textContent(), 'refused');
    assert.equal(await card.getByTestId('tool-result').getAttribute('open'), '');
    assert.equal(await card.getByTestId('tool-result').locator('code').textContent(), why);
    assert.equal(await card.getByTestId('tool-allow').count(), 0);
    await t.wv.screenshot('tool-refused');
  });

  it('Regenerate on the last answer and Edit & resend on a user message post new requests', async () => {
    const { page } = t.wv;
    await t.wv.send({
      type: 'conversation/load',
      conversation: conversation([
        userMsg('u1', 'one'),
        assistantMsg('a1', 'A1'),
        userMsg('u2', 'two'),
        assistantMsg('a2', 'A2'),
      ]),
      activeRequestId: null,
    });
    await page.locator('[data-message-id="a2"]').waitFor();
    assert.equal(await page.locator('[data-message-id="a1"]').getByTestId('message-regenerate').isHidden(), true);
    await page.locator('[data-message-id="a2"]').hover();
    await page.locator('[data-message-id="a2"]').getByTestId('message-regenerate').click();
    const regen = await t.wv.waitForPosted('chat/regenerate');
    assert.equal(regen.messageId, 'a2');
    assert.equal(await page.locator('[data-message-id="a2"]').count(), 0, 'the replaced answer is gone');
    await t.wv.send({
      type: 'chat/started',
      requestId: regen.requestId,
      userMessage: null,
      assistantMessage: assistantMsg('a3', '', { state: 'streaming' }),
    });
    await t.wv.send({ type: 'chat/done', requestId: regen.requestId, message: assistantMsg('a3', 'A3') });
    await page.locator('[data-message-id="a3"][data-state="done"]').waitFor();

    const u1 = page.locator('[data-message-id="u1"]');
    await u1.hover();
    await u1.getByTestId('message-edit').click();
    await u1.getByTestId('message-edit-input').fill('one, edited');
    await u1.getByTestId('message-edit-send').click();
    const edit: Posted<'chat/editResend'> = await t.wv.waitForPosted('chat/editResend');
    assert.equal(edit.messageId, 'u1');
    assert.equal(edit.text, 'one, edited');
    assert.notEqual(edit.requestId, regen.requestId);
    await t.wv.send({
      type: 'chat/started',
      requestId: edit.requestId,
      userMessage: userMsg('u1', 'one, edited'),
      assistantMessage: assistantMsg('a4', '', { state: 'streaming' }),
    });
    await page.locator('[data-message-id="a4"]').waitFor();
    const ids = await page
      .getByTestId('chat-message')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-message-id')));
    assert.deepEqual(ids, ['u1', 'a4']);
  });

  it('conversation/load with an active request shows Stop and keeps streaming into it', async () => {
    const { page } = t.wv;
    await t.wv.send({
      type: 'conversation/load',
      conversation: conversation([userMsg('u1', 'q'), assistantMsg('a1', 'Half', { state: 'streaming' })]),
      activeRequestId: 'r-live',
    });
    await page.getByTestId('chat-stop').waitFor();
    await t.wv.send({ type: 'chat/delta', requestId: 'r-live', messageId: 'a1', text: ' and the rest' });
    await page.locator('[data-message-id="a1"]', { hasText: 'Half and the rest' }).waitFor();
    await page.getByTestId('chat-stop').click();
    assert.equal((await t.wv.waitForPosted('chat/cancel')).requestId, 'r-live');
  });
});
