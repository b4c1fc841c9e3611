// Workspace tools in the chat as a person meets them: a call is shown, waits for Allow or Deny, runs, and the
// model answers with its result. code-server + Chromium against a fake server on 127.0.0.1 started here.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
    // This conversation goes on from the test before: its second assistant message is that test's answer, done
    // already. Wait for this test's own answer (reading the requests before it came was a flake).
    const answer = frame
      .locator('[data-testid="chat-message"][data-role="assistant"]')
      .last()
      .filter({ hasText: 'Without the file I cannot tell.' });
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

  // After "Always allow": auto-approval is on for what follows.
  it('with auto-approval, a file that may hold secrets still waits for Allow and says why; a link out is refused', async () => {
    const wb = workbench();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-e2e-outside-'));
    fs.writeFileSync(path.join(outside, 'canary.txt'), 'outside-canary-e2e\n');
    fs.mkdirSync(path.join(wb.workspace, 'vendor'), { recursive: true });
    fs.symlinkSync(outside, path.join(wb.workspace, 'vendor', 'notes'), 'dir');
    fs.writeFileSync(path.join(wb.workspace, '.env'), 'API_KEY=e2e-secret\n');
    try {
      const frame = await openSidebarChat(wb);
      chat.server.enqueue(
        '/chat/completions',
        sseReply(
          toolCallStream([
            { name: 'read_file', arguments: '{"path":"vendor/notes/canary.txt"}' },
            { name: 'read_file', arguments: '{"path":".env"}' },
          ]),
        ),
        sseReply(textStream('The key is set.')),
      );
      const before = chat.server.requestsTo('/chat/completions').length;
      const first = await send(frame, 'Read the notes and the env');
      const cards = first.locator('[data-testid="chat-tool-call"]');
      await cards.nth(0).and(frame.locator('[data-status="refused"]')).waitFor();
      const secret = cards.nth(1);
      await secret.and(frame.locator('[data-status="pending"]')).waitFor();
      assert.match(
        await secret.locator('[data-testid="tool-ask-reason"]').innerText(),
        /^\.env may hold secrets .*needs your Allow even when tools run without asking/,
      );
      assert.equal(await secret.locator('[data-testid="tool-always"]').count(), 0);
      assert.equal(chat.server.requestsTo('/chat/completions').length, before + 1, 'nothing more until Allow');
      await wb.screenshot('tool-call-secret');

      await secret.locator('[data-testid="tool-allow"]').click();
      await secret.and(frame.locator('[data-status="done"]')).waitFor();
      const answer = frame.locator('[data-testid="chat-message"][data-role="assistant"]').last();
      await answer
        .and(frame.locator('[data-state="done"]'))
        .filter({ hasText: 'The key is set.' })
        .waitFor({ timeout: 30_000 });
      const last = chat.server.requestsTo('/chat/completions').at(-1)!.json as Body;
      const results = last.messages.filter((m) => m.role === 'tool').slice(-2);
      assert.match(
        String(results[0].content),
        /^"vendor\/notes\/canary\.txt" is a symbolic link .*outside the workspace/,
      );
      assert.equal(results[1].content, '.env:\n1  API_KEY=e2e-secret');
      assert.ok(!JSON.stringify(last).includes('outside-canary-e2e'), 'the outside file never reaches the server');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
