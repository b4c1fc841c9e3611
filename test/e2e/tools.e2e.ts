// Workspace tools in the chat as a person meets them: a call is shown, waits for Allow or Deny, runs, and the
// model answers with its result. code-server + Chromium against a fake server on 127.0.0.1 started here.
import * as assert from 'node:assert/strict';
import { DENIED_RESULT, STOPPED_RESULT } from '../../src/chat/toolTurn';
import { sseReply, textStream, toolCallStream } from '../support/fakeServer';
import { openSidebarChat, send, useChatWorkbench } from './chatSupport';

type Body = {
  tools?: unknown[];
  messages: { role: string; content?: unknown; tool_call_id?: string; reasoning?: string; tool_calls?: unknown[] }[];
};

describe('chat tools (sidebar)', function () {
  this.timeout(120_000);
  const chat = useChatWorkbench({ 'src/config.ts': 'export const PORT = 8123;\n' });
  const workbench = chat.workbench;

  const readConfig = (): ReturnType<typeof sseReply> =>
    sseReply(
      toolCallStream([{ name: 'read_file', arguments: '{"path":"src/config.ts"}' }], {
        reasoning: 'The port must be in the config.',
      }),
    );

  it('shows the call, waits for Allow, runs it, and the model answers from its result', async () => {
    const wb = workbench();
    const frame = await openSidebarChat(wb);
    chat.server.enqueue('/chat/completions', readConfig(), sseReply(textStream('The server listens on port 8123.')));
    const first = await send(frame, 'Which port does the server use?');
    const card = first.locator('[data-testid="chat-tool-call"]');
    await card.and(frame.locator('[data-status="pending"]')).waitFor();
    assert.match(await card.innerText(), /Read src\/config\.ts/);
    assert.match(await card.innerText(), /waiting for you/);
    await frame.locator('[data-testid="chat-stop"]').waitFor({ state: 'visible' });
    assert.equal(
      chat.server.requestsTo('/chat/completions').length,
      1,
      'nothing more is asked before the user allows the call',
    );
    await wb.screenshot('tool-call-waiting');

    await card.locator('[data-testid="tool-allow"]').click();
    await card.and(frame.locator('[data-status="done"]')).waitFor();
    const answer = frame.locator('[data-testid="chat-message"][data-role="assistant"]').nth(1);
    await answer.and(frame.locator('[data-state="done"]')).waitFor({ timeout: 30_000 });
    assert.match(await answer.innerText(), /port 8123/);
    await frame.locator('[data-testid="chat-send"]').waitFor({ state: 'visible' });
    await card.locator('[data-testid="tool-result"] summary').click();
    assert.match(await card.locator('[data-testid="tool-result"]').innerText(), /1 {2}export const PORT = 8123;/);
    await wb.screenshot('tool-call-answered');

    const [, second] = chat.server.requestsTo('/chat/completions').map((r) => r.json as Body);
    const [assistant, toolMessage] = second.messages.slice(-2);
    assert.equal(assistant.content, '');
    assert.equal(assistant.reasoning, 'The port must be in the config.');
    assert.equal(toolMessage.role, 'tool');
    assert.equal(toolMessage.content, 'src/config.ts:\n1  export const PORT = 8123;');
  });

  it('Deny runs nothing and tells the model the user declined', async () => {
    const wb = workbench();
    const frame = await openSidebarChat(wb);
    chat.server.enqueue('/chat/completions', readConfig(), sseReply(textStream('Without the file I cannot tell.')));
    const first = await send(frame, 'Which port, again?');
    const card = first.locator('[data-testid="chat-tool-call"]');
    await card.locator('[data-testid="tool-deny"]').click();
    await card.and(frame.locator('[data-status="denied"]')).waitFor();
    const answer = frame.locator('[data-testid="chat-message"][data-role="assistant"]').nth(1);
    await answer.and(frame.locator('[data-state="done"]')).waitFor({ timeout: 30_000 });
    const [, second] = chat.server.requestsTo('/chat/completions').map((r) => r.json as Body);
    assert.equal(second.messages.at(-1)?.content, DENIED_RESULT);
  });

  it('Stop while a call waits ends the request: no result is read and no further request is made', async () => {
    const wb = workbench();
    const frame = await openSidebarChat(wb);
    chat.server.enqueue('/chat/completions', readConfig(), sseReply(textStream('Next question answered.')));
    const first = await send(frame, 'And the port?');
    const card = first.locator('[data-testid="chat-tool-call"]');
    await card.and(frame.locator('[data-status="pending"]')).waitFor();
    await frame.locator('[data-testid="chat-stop"]').click();
    await card.and(frame.locator('[data-status="denied"]')).waitFor();
    await frame.locator('[data-testid="chat-send"]').waitFor({ state: 'visible' });
    assert.equal(chat.server.requestsTo('/chat/completions').length, 1);

    // The conversation goes on: the stopped call is answered as stopped, so the history stays valid.
    const next = await send(frame, 'Never mind. Something else?');
    await next.and(frame.locator('[data-state="done"]')).waitFor({ timeout: 30_000 });
    const [, second] = chat.server.requestsTo('/chat/completions').map((r) => r.json as Body);
    const tool = second.messages.filter((m) => m.role === 'tool').at(-1);
    assert.equal(tool?.content, STOPPED_RESULT);
  });

  // Last: it changes a user setting for the rest of this workbench.
  it('"Always allow read-only tools" runs this call and later ones without asking', async () => {
    const wb = workbench();
    const frame = await openSidebarChat(wb);
    chat.server.enqueue(
      '/chat/completions',
      readConfig(),
      sseReply(textStream('Port 8123.')),
      readConfig(),
      sseReply(textStream('Still 8123.')),
    );
    const first = await send(frame, 'Port, once more?');
    await first.locator('[data-testid="tool-always"]').click();
    await first.locator('[data-testid="chat-tool-call"][data-status="done"]').waitFor();
    await frame.locator('[data-testid="chat-send"]').waitFor({ state: 'visible' });

    const second = await send(frame, 'And now?');
    const card = second.locator('[data-testid="chat-tool-call"]');
    await card.and(frame.locator('[data-status="done"]')).waitFor({ timeout: 30_000 });
    const answer = frame.locator('[data-testid="chat-message"][data-role="assistant"]').last();
    await answer
      .and(frame.locator('[data-state="done"]'))
      .filter({ hasText: 'Still 8123.' })
      .waitFor({ timeout: 30_000 });
    assert.equal(chat.server.requestsTo('/chat/completions').length, 4);
    assert.equal(await frame.locator('[data-testid="tool-allow"]').count(), 0, 'nothing asked the second time');
  });
});
