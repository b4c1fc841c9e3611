import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { HostMessage } from '../../src/webview/protocol';
import { assistantMsg, chip, conversation, init, useWebview, userMsg } from './fixtures';
import type { WebviewPage } from './harness';
import type { ThemeName } from './theme';

const ANSWER = [
  '## Parsing SSE',
  '',
  'Each event is a block of `field: value` lines ended by a blank line; see [the spec](https://html.spec.whatwg.org/multipage/server-sent-events.html).',
  '',
  '1. Split the bytes into lines.',
  '2. Collect `data:` lines until a blank one.',
  '3. Parse the JSON of each event.',
  '',
  '```ts',
  'export async function* events(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {',
  '  const decoder = new TextDecoder();',
  "  let buffer = '';",
  '  for await (const chunk of body) {',
  '    buffer += decoder.decode(chunk, { stream: true });',
  "    const parts = buffer.split('\\n\\n'); // one event each",
  '    buffer = parts.pop() ?? "";',
  '    yield* parts;',
  '  }',
  '}',
  '```',
  '',
  '| field | meaning |',
  '| --- | --- |',
  '| `data` | the payload |',
  '| `id` | resume point |',
  '',
  '> Keep-alive comments start with `:` and carry no data.',
].join('\n');

const RICH: HostMessage = {
  type: 'conversation/load',
  activeRequestId: 'r-live',
  conversation: conversation([
    userMsg('u1', 'How should I parse the SSE stream here?', { context: [chip('k1', 'src/providers/sse.ts', 12, 48)] }),
    assistantMsg('a1', ANSWER, {
      reasoning: 'The user wants a parser. Show the event framing first.',
      usage: { promptTokens: 1234, completionTokens: 567, costUsd: 0.0012 },
      model: 'trinity-large',
    }),
    userMsg('u2', 'And with a bad key?'),
    assistantMsg('a2', '', {
      state: 'error',
      error: {
        kind: 'auth',
        message: 'The API key was refused (401). Set a new key to continue.',
        actions: ['setApiKey', 'showLog'],
      },
    }),
    userMsg('u3', 'Summarise it in one line.'),
    assistantMsg('a3', 'SSE is a one-way stream of text events over a long-lived HTTP response; each', {
      state: 'streaming',
    }),
  ]),
};

async function shoot(wv: WebviewPage, name: string, theme: ThemeName): Promise<void> {
  await wv.setTheme(theme);
  await wv.page.getByTestId('chat-input').fill('Follow-up question…');
  const file = await wv.screenshot(`${name}-${theme}`);
  assert.ok(fs.statSync(file).size > 10_000, `${file} has content`);
}

describe('chat webview: screenshots (test-artifacts/webview/)', () => {
  describe('sidebar', () => {
    const t = useWebview(
      { surface: 'sidebar', viewport: { width: 320, height: 900 } },
      init({ pendingContext: [chip('k2', 'src/providers/client.ts', 40, 72)] }),
    );
    for (const theme of ['dark', 'light', 'hc'] as const) {
      it(`sidebar, ${theme}`, async () => {
        await t.wv.send(RICH);
        await t.wv.page.locator('[data-message-id="a3"]').waitFor();
        await shoot(t.wv, 'sidebar', theme);
        if (theme === 'dark') {
          await t.wv.page.getByTestId('chat-messages').evaluate((el) => (el.scrollTop = 0));
          await t.wv.page.locator('[data-message-id="a1"]').getByTestId('chat-reasoning').locator('summary').click();
          await t.wv.screenshot('sidebar-top-dark');
        }
      });
    }
    it('sidebar, history open', async () => {
      await t.wv.page.getByTestId('chat-history-toggle').click();
      await t.wv.send({
        type: 'notice',
        level: 'warning',
        message: 'Trinity Mini does not accept images; choose a model that does, e.g. Trinity Large.',
      });
      await shoot(t.wv, 'sidebar-history', 'dark');
    });
  });

  describe('editor panel', () => {
    const t = useWebview({ surface: 'panel', viewport: { width: 1100, height: 900 } });
    for (const theme of ['light', 'dark'] as const) {
      it(`panel, ${theme}`, async () => {
        await t.wv.send(RICH);
        await t.wv.page.locator('[data-message-id="a3"]').waitFor();
        await shoot(t.wv, 'panel', theme);
      });
    }
  });
});
