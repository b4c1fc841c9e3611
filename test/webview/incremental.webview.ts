import * as assert from 'node:assert/strict';
import type { HostMessage } from '../../src/webview/protocol';
import { assistantMsg, conversation, useWebview, userMsg } from './fixtures';

/** A long answer the way models write them: paragraphs, lists, headings and code, in ~4-character tokens. */
function longAnswer(tokens: number): string[] {
  const words = ['stream', 'the ', 'parser', 'reads', 'bytes', 'into ', 'events', 'and', 'each', 'chunk'];
  const out: string[] = [];
  let i = 0;
  while (out.length < tokens) {
    const section = Math.floor(i / 60);
    if (i % 60 === 0) out.push(`\n\n## Part ${section + 1}\n\n`);
    else if (i % 60 === 25)
      out.push('\n\n```ts\n', 'const x', ` = ${i};`, '\nfunction f', '() {\n  ', 'return x;', '\n}\n', '```\n\n');
    else if (i % 60 === 40) out.push('\n\n- item', ' one\n', '- item', ' two\n\n');
    else out.push(`${words[i % words.length]} `);
    if (i % 12 === 11) out.push('\n\n');
    i += 1;
  }
  return out.slice(0, tokens);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

describe('chat webview: incremental render', () => {
  const t = useWebview();

  beforeEach(async () => {
    await t.wv.send({
      type: 'chat/started',
      requestId: 'r1',
      userMessage: userMsg('u1', 'long please'),
      assistantMessage: assistantMsg('a1', '', { state: 'streaming' }),
    });
    await t.wv.page.locator('[data-message-id="a1"]').waitFor();
  });

  it('many deltas in one frame cause one render', async () => {
    const before = await t.wv.renderCount();
    const batch: HostMessage[] = [];
    for (let i = 0; i < 200; i++)
      batch.push({ type: 'chat/delta', requestId: 'r1', messageId: 'a1', text: `word${i} ` });
    await t.wv.sendBatch(batch);
    await t.wv.frames(3);
    assert.equal((await t.wv.renderCount()) - before, 1);
    assert.match((await t.wv.page.locator('[data-message-id="a1"] .msg-body').textContent()) ?? '', /word0 .*word199/);
  });

  /** ARCEE_WEBVIEW_TOKENS=20000 runs the long version (about 20 s). */
  const total = Number(process.env.ARCEE_WEBVIEW_TOKENS ?? 5000);

  it(`${total.toLocaleString('en-US')} deltas: finished blocks stay the same DOM nodes, and updates do not slow down as the answer grows`, async function () {
    this.timeout(30_000 + total * 5);
    const tokens = longAnswer(total);
    const send = async (from: number, to: number): Promise<void> => {
      // Posted (not dispatched) in slices: the deltas arrive over many frames, as from a real stream.
      for (let i = from; i < to; i += 25) {
        const slice = tokens
          .slice(i, Math.min(i + 25, to))
          .map((text): HostMessage => ({ type: 'chat/delta', requestId: 'r1', messageId: 'a1', text }));
        await t.wv.page.evaluate((ms) => {
          for (const m of ms) window.postMessage(m, '*');
        }, slice);
        await t.wv.frames(1);
      }
      await t.wv.frames(2);
    };
    const renders0 = await t.wv.renderCount();
    await send(0, 1000);
    const kept = await t.wv.page.evaluate(() => {
      const blocks = Array.from(document.querySelectorAll('[data-message-id="a1"] .msg-body .md-block'));
      (window as unknown as { __kept: Element[] }).__kept = blocks;
      return blocks.length;
    });
    assert.ok(kept >= 3, `finished blocks after 1,000 deltas: ${kept}`);
    await send(1000, total);
    const renders = (await t.wv.renderCount()) - renders0;
    assert.ok(renders < total / 2, `renders are batched per frame: ${renders} for ${total} deltas`);
    const same = (): Promise<boolean> =>
      t.wv.page.evaluate(() => {
        const keptBlocks = (window as unknown as { __kept: Element[] }).__kept;
        const now = Array.from(document.querySelectorAll('[data-message-id="a1"] .msg-body .md-block'));
        return keptBlocks.every((el, i) => el.isConnected && now[i] === el);
      });
    assert.equal(await same(), true, `blocks rendered after 1,000 deltas are the same nodes after ${total}`);
    const full = tokens.join('');
    await t.wv.send({ type: 'chat/done', requestId: 'r1', message: assistantMsg('a1', full) });
    await t.wv.page.locator('[data-message-id="a1"][data-state="done"]').waitFor();
    assert.equal(await same(), true, 'and after chat/done with the same text');
    const blockCount = await t.wv.page.locator('[data-message-id="a1"] .msg-body .md-block').count();
    assert.ok(blockCount > kept, `${blockCount} blocks`);
    assert.equal(await t.wv.page.locator('[data-message-id="a1"] .code-block').count(), full.split('```ts').length - 1);

    const times = await t.wv.page.evaluate(
      () => (window as unknown as { __arceeRenderTimes: number[] }).__arceeRenderTimes,
    );
    const streamed = times.slice(-renders - 1, -1);
    const fifth = Math.max(5, Math.floor(streamed.length / 5));
    const early = median(streamed.slice(0, fifth));
    const late = median(streamed.slice(-fifth));
    console.log(`      renders: ${renders}; median render early ${early.toFixed(2)} ms, late ${late.toFixed(2)} ms`);
    assert.ok(
      late < early * 3 + 2,
      `late renders (${late.toFixed(2)} ms) are not much slower than early ones (${early.toFixed(2)} ms)`,
    );
  });
});

describe('chat webview: a long answer loaded at once', () => {
  const t = useWebview();
  const text = longAnswer(12_000).join('');
  const parts = (text.match(/## Part \d+/g) ?? []).length;

  it('renders over several frames, in order, and all of it: headings, code and the end', async () => {
    const before = await t.wv.renderCount();
    await t.wv.send({
      type: 'conversation/load',
      conversation: conversation([userMsg('u1', 'long'), assistantMsg('a1', text)]),
      activeRequestId: null,
    });
    const body = t.wv.page.locator('[data-message-id="a1"] .msg-body');
    await body.locator('h2', { hasText: `Part ${parts}` }).waitFor({ timeout: 30_000 });
    await t.wv.frames(3);
    assert.ok((await t.wv.renderCount()) - before >= 2, 'the text did not all render in one go');
    const headings = await body.locator('h2').allTextContents();
    assert.deepEqual(
      headings,
      Array.from({ length: parts }, (_, i) => `Part ${i + 1}`),
    );
    assert.equal(await body.locator('pre').count(), (text.match(/```ts/g) ?? []).length);
    const squash = (x: string): string => x.replace(/\s+/g, ' ').trim();
    const lastLine = squash(text.trim().split('\n').at(-1)!);
    assert.ok(squash(await body.innerText()).endsWith(lastLine), `the last line is there: ${lastLine}`);
  });

  it('text streamed into it while it is still rendering lands after it', async () => {
    await t.wv.send({
      type: 'conversation/load',
      conversation: conversation([userMsg('u1', 'long'), assistantMsg('a1', text, { state: 'streaming' })]),
      activeRequestId: 'r1',
    });
    await t.wv.send({ type: 'chat/delta', requestId: 'r1', messageId: 'a1', text: '\n\nTHE VERY END' });
    const body = t.wv.page.locator('[data-message-id="a1"] .msg-body');
    await body.getByText('THE VERY END').waitFor({ timeout: 30_000 });
    const all = (await body.innerText()).trim();
    assert.ok(all.endsWith('THE VERY END'), all.slice(-200));
    assert.ok(all.includes(`Part ${parts}`));
  });
});
