import * as assert from 'node:assert/strict';
import type { TokenLogprobView } from '../../src/webview/protocol';
import { assistantMsg, conversation, useWebview, userMsg } from './fixtures';
import type { WebviewPage } from './harness';

/** A token with probability `p` and alternatives given as [token, p] (the chosen one included by the caller). */
function tok(token: string, p: number, alts: [string, number][] = []): TokenLogprobView {
  return {
    token,
    logprob: Math.log(p),
    ...(alts.length ? { top: alts.map(([t, ap]) => ({ token: t, logprob: Math.log(ap) })) } : {}),
  };
}

/** An answer with bold text, a code block and a link; "blue" is the unlikely token. */
const TOKENS: TokenLogprobView[] = [
  tok('The', 0.99),
  tok(' sky', 0.98),
  tok(' is', 0.97),
  tok(' **', 0.95),
  tok('blue', 0.1, [
    ['blue', 0.1],
    [' clear', 0.6],
    [' grey', 0.25],
  ]),
  tok('**', 0.99),
  tok(' today', 0.8),
  tok('.\n\n', 0.99),
  tok('```', 0.99),
  tok('ts', 0.95),
  tok('\n', 0.99),
  tok('const', 0.99),
  tok(' x', 0.5),
  tok(' =', 0.99),
  tok(' 1', 0.3),
  tok(';\n', 0.99),
  tok('```', 0.99),
  tok('\n\nSee', 0.9),
  tok(' [', 0.99),
  tok('docs', 0.7),
  tok('](https://example.com/a?b=1&c=2)', 0.99),
  tok('.', 0.99),
];
const CONTENT = TOKENS.map((t) => t.token).join('');

async function start(wv: WebviewPage, logprobs: TokenLogprobView[] | undefined): Promise<void> {
  await wv.send({
    type: 'chat/started',
    requestId: 'r1',
    userMessage: userMsg('u1', 'question'),
    assistantMessage: assistantMsg('a1', '', { state: 'streaming', ...(logprobs ? { logprobs } : {}) }),
  });
  await wv.page.locator('[data-message-id="a1"]').waitFor();
}

function bg(wv: WebviewPage, selector: string): Promise<string> {
  return wv.page
    .locator(selector)
    .first()
    .evaluate((el) => getComputedStyle(el).backgroundColor);
}

describe('chat webview: token probabilities', () => {
  const t = useWebview();

  it('the Logprobs toggle says its state to the host, and keeps it across a re-created webview', async () => {
    const { page } = t.wv;
    const toggle = page.getByTestId('chat-logprobs-toggle');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    const first = await t.wv.waitForPosted('chat/logprobs');
    assert.deepEqual(first, { type: 'chat/logprobs', enabled: false });
    await t.wv.clearPosted();
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    assert.deepEqual(await t.wv.waitForPosted('chat/logprobs'), { type: 'chat/logprobs', enabled: true });
    await t.wv.reload();
    assert.equal(await page.getByTestId('chat-logprobs-toggle').getAttribute('aria-pressed'), 'true');
    const posted = await t.wv.posted();
    const types = posted.map((m) => m.type);
    assert.ok(types.indexOf('chat/logprobs') > types.indexOf('ready'), types.join(','));
    assert.deepEqual(posted.filter((m) => m.type === 'chat/logprobs').pop(), { type: 'chat/logprobs', enabled: true });
    await page.getByTestId('chat-logprobs-toggle').click();
    assert.equal(await page.getByTestId('chat-logprobs-toggle').getAttribute('aria-pressed'), 'false');
  });

  it('shades each token by probability without losing markdown; hover shows the alternatives', async () => {
    const { page } = t.wv;
    await start(t.wv, []);
    await t.wv.send({ type: 'chat/done', requestId: 'r1', message: assistantMsg('a1', CONTENT, { logprobs: TOKENS }) });
    const msg = page.locator('[data-message-id="a1"]');
    await msg.locator('.msg-body[data-logprobs="shaded"]').waitFor();
    // Markdown still renders: bold, a highlighted code block with its buttons, a link.
    assert.equal(await msg.locator('strong').textContent(), 'blue');
    assert.equal(await msg.locator('.code-block .code-lang').textContent(), 'ts');
    assert.ok((await msg.locator('.code-block .hljs-keyword').count()) > 0, 'still highlighted');
    assert.equal(await msg.getByRole('link', { name: 'docs' }).getAttribute('href'), 'https://example.com/a?b=1&c=2');
    // Text is unchanged, and the code buttons act on the exact code.
    assert.equal(
      (await msg.locator('.msg-body').innerText()).replace(/\s+/g, ' ').trim(),
      'The sky is blue today. ts Copy Insert Apply New File const x = 1; See docs.',
    );
    await msg.getByTestId('code-copy').click();
    assert.equal((await t.wv.waitForPosted('code/copy')).code, 'const x = 1;');
    // The bold word is the unlikely token, the first word a likely one.
    const blue = msg.locator('strong [data-testid="logprob-token"]');
    assert.equal(await blue.textContent(), 'blue');
    assert.equal(Number(await blue.getAttribute('data-p')).toFixed(2), '0.10');
    const likely = msg.locator('[data-testid="logprob-token"]', { hasText: 'The' }).first();
    assert.ok(Number(await likely.getAttribute('data-p')) > 0.98);
    const low = await bg(t.wv, '[data-message-id="a1"] strong [data-testid="logprob-token"]');
    const high = await likely.evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(low, high, `p=0.1 ${low} vs p=0.99 ${high}`);
    assert.notEqual(low, 'rgba(0, 0, 0, 0)', 'the unlikely token is visibly shaded');
    // Tokens inside the code block are shaded too.
    assert.ok((await msg.locator('.code-block code [data-testid="logprob-token"]').count()) >= 4);
    // Hover: the tooltip names the token, its probability and the alternatives with percentages.
    const tip = page.getByTestId('logprob-tooltip');
    await blue.hover();
    await tip.waitFor({ state: 'visible' });
    assert.match((await tip.innerText()).replace(/\s+/g, ' '), /blue 10\.0%/);
    const alts = await tip.getByTestId('logprob-alternative').allInnerTexts();
    assert.deepEqual(
      alts.map((a) => a.replace(/\s+/g, ' ').trim()),
      ['blue 10.0%', '␣clear 60.0%', '␣grey 25.0%'],
    );
    const box = await tip.boundingBox();
    const tokenBox = await blue.boundingBox();
    assert.ok(box && tokenBox && box.y >= tokenBox.y + tokenBox.height - 1, 'below the token');
    await page.mouse.move(2, 2);
    await tip.waitFor({ state: 'hidden' });
    // The legend explains the shading.
    assert.match((await msg.getByTestId('logprob-legend').textContent()) ?? '', /likely.*unlikely/);
    assert.deepEqual(t.wv.errors, []);
    await t.wv.screenshot('logprobs-shading');
  });

  it('the least likely tokens stand out in light, dark and high-contrast themes', async () => {
    const { page } = t.wv;
    await start(t.wv, []);
    await t.wv.send({ type: 'chat/done', requestId: 'r1', message: assistantMsg('a1', CONTENT, { logprobs: TOKENS }) });
    await page.locator('[data-message-id="a1"] .msg-body[data-logprobs="shaded"]').waitFor();
    for (const theme of ['light', 'dark', 'hc'] as const) {
      await t.wv.setTheme(theme);
      const low = await bg(t.wv, '[data-message-id="a1"] strong [data-testid="logprob-token"]');
      const page_ = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      // rgba(r, g, b, a) or, from color-mix, color(srgb r g b / a).
      const alpha = Number(/(?:,|\/)\s*([\d.]+)\)$/.exec(low)?.[1] ?? (low.startsWith('rgb(') ? 1 : 0));
      assert.ok(alpha >= 0.4, `${theme}: p=0.1 background ${low} is strong enough`);
      assert.notEqual(low, page_, theme);
      await t.wv.screenshot(`logprobs-${theme}`);
    }
  });

  it('keyboard: focus the answer, arrows walk the tokens with the tooltip, Escape hides it', async () => {
    const { page } = t.wv;
    await start(t.wv, []);
    await t.wv.send({ type: 'chat/done', requestId: 'r1', message: assistantMsg('a1', CONTENT, { logprobs: TOKENS }) });
    const body = page.locator('[data-message-id="a1"] .msg-body');
    await page.locator('[data-message-id="a1"] .msg-body[data-logprobs="shaded"]').waitFor();
    await body.focus();
    await page.keyboard.press('ArrowRight');
    const tip = page.getByTestId('logprob-tooltip');
    await tip.waitFor({ state: 'visible' });
    assert.match(await tip.innerText(), /^The/);
    await page.keyboard.press('ArrowRight');
    assert.match(await tip.innerText(), /^␣sky/);
    assert.equal(await page.locator('.lp-active').textContent(), ' sky');
    assert.equal(await page.locator('.lp-active').getAttribute('aria-describedby'), 'logprob-tooltip');
    await page.keyboard.press('Escape');
    await tip.waitFor({ state: 'hidden' });
  });

  it('a reopened conversation is shaded again; re-rendering does not nest or lose spans', async () => {
    const { page } = t.wv;
    const c = conversation([userMsg('u1', 'q'), assistantMsg('a1', CONTENT, { logprobs: TOKENS })]);
    await t.wv.send({ type: 'conversation/load', conversation: c, activeRequestId: null });
    const tokens = page.locator('[data-message-id="a1"] [data-testid="logprob-token"]');
    const done = page.locator('[data-message-id="a1"] .msg-body[data-logprobs="shaded"]');
    await done.waitFor();
    // One span per token with visible text: The sky is blue today . const x = 1 ; See docs .
    const count = await tokens.count();
    assert.equal(count, 14);
    // Picking another model re-renders every answer (to name its model).
    await page.getByTestId('chat-model').selectOption('trinity-large');
    await t.wv.frames(2);
    await done.waitFor();
    assert.equal(await tokens.count(), count);
    assert.equal(
      await page.locator('[data-testid="logprob-token"] [data-testid="logprob-token"]').count(),
      0,
      'no nested spans',
    );
  });

  it('no probabilities from the model: the answer renders as usual, with a one-line note', async () => {
    const { page } = t.wv;
    await start(t.wv, []);
    await t.wv.send({ type: 'chat/delta', requestId: 'r1', messageId: 'a1', text: 'Plain **answer**.' });
    await t.wv.send({
      type: 'chat/done',
      requestId: 'r1',
      message: assistantMsg('a1', 'Plain **answer**.', { logprobs: [] }),
    });
    const msg = page.locator('[data-message-id="a1"]');
    await msg.getByTestId('logprob-none').waitFor();
    assert.equal(await msg.getByTestId('logprob-none').textContent(), 'This model returned no token probabilities.');
    assert.equal(await msg.locator('strong').textContent(), 'answer');
    assert.equal(await msg.getByTestId('logprob-token').count(), 0);
  });

  it('without the toggle nothing changes: no spans, no legend, no note', async () => {
    const { page } = t.wv;
    await start(t.wv, undefined);
    await t.wv.send({ type: 'chat/done', requestId: 'r1', message: assistantMsg('a1', CONTENT) });
    const msg = page.locator('[data-message-id="a1"]');
    await msg.locator('strong').waitFor();
    assert.equal(await msg.getByTestId('logprob-token').count(), 0);
    assert.equal(await msg.getByTestId('logprob-legend').count(), 0);
    assert.equal(await msg.getByTestId('logprob-none').count(), 0);
  });

  it('tokens that do not line up (reasoning, other text) stay unshaded and never break the message', async () => {
    const { page } = t.wv;
    await start(t.wv, []);
    const tokens = [
      tok('<think>', 0.9),
      tok('hmm', 0.5),
      tok('</think>', 0.9),
      tok('Completely', 0.2),
      tok(' different', 0.4),
      tok(' 👋', 0.3),
    ];
    await t.wv.send({
      type: 'chat/done',
      requestId: 'r1',
      message: assistantMsg('a1', 'An answer with `code` and 👋 here.', { reasoning: 'hmm', logprobs: tokens }),
    });
    const msg = page.locator('[data-message-id="a1"]');
    await msg.locator('.msg-body[data-logprobs="shaded"]').waitFor();
    assert.equal((await msg.locator('.msg-body').innerText()).trim(), 'An answer with code and 👋 here.');
    const shadedText = (await msg.getByTestId('logprob-token').allTextContents()).join('');
    assert.ok(shadedText.length < 6, `little or nothing is shaded: "${shadedText}"`);
    assert.deepEqual(t.wv.errors, []);
  });

  it('streamed deltas carry probabilities; the answer is shaded when it finishes', async () => {
    const { page } = t.wv;
    await start(t.wv, []);
    const half = Math.floor(TOKENS.length / 2);
    await t.wv.send({
      type: 'chat/delta',
      requestId: 'r1',
      messageId: 'a1',
      text: CONTENT.slice(0, 30),
      logprobs: TOKENS.slice(0, half),
    });
    await t.wv.send({
      type: 'chat/delta',
      requestId: 'r1',
      messageId: 'a1',
      text: CONTENT.slice(30),
      logprobs: TOKENS.slice(half),
    });
    const msg = page.locator('[data-message-id="a1"]');
    await msg.locator('strong').waitFor();
    await t.wv.send({ type: 'chat/done', requestId: 'r1', message: assistantMsg('a1', CONTENT, { logprobs: TOKENS }) });
    await msg.getByTestId('logprob-legend').waitFor();
    await msg.locator('.msg-body[data-logprobs="shaded"]').waitFor();
    assert.equal(await msg.getByTestId('logprob-token').count(), 14);
  });
});
