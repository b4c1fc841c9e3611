import * as assert from 'node:assert/strict';
import { chip, init, useWebview } from './fixtures';

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('chat webview: context, images, notices, history', () => {
  const t = useWebview({}, init({ pendingContext: [chip('k0', 'src/extension.ts', 1, 1)] }));

  it('shows context chips from state/init and context/add; removing one posts context/remove', async () => {
    const { page } = t.wv;
    await page.getByTestId('context-chip').first().waitFor();
    assert.match((await page.getByTestId('context-chip').first().textContent()) ?? '', /extension\.ts:1/);
    await t.wv.send({ type: 'context/add', chip: chip('k1') });
    const second = page.locator('[data-testid="context-chip"][data-id="k1"]');
    await second.waitFor();
    assert.match((await second.textContent()) ?? '', /client\.ts:10-24.*typescript/);
    await second.getByTestId('context-chip-remove').click();
    assert.deepEqual(await t.wv.waitForPosted('context/remove'), { type: 'context/remove', id: 'k1' });
    assert.equal(await page.getByTestId('context-chip').count(), 1);
  });

  it('refuses an image for a model without image input, with a notice naming one that has it', async () => {
    const { page } = t.wv;
    await page.getByTestId('chat-image-file').setInputFiles({ name: 'shot.png', mimeType: 'image/png', buffer: PNG });
    const notice = page.getByTestId('chat-notice');
    await notice.waitFor();
    assert.equal(await notice.getAttribute('data-level'), 'warning');
    assert.match(
      (await notice.textContent()) ?? '',
      /Trinity Mini does not accept images; choose a model that does, e\.g\. Trinity Large/,
    );
    assert.equal(await page.getByTestId('image-attachment').count(), 0);
  });

  it('attaches an image (file picker or paste) for a model that accepts them, and sends it', async () => {
    const { page } = t.wv;
    await page.getByTestId('chat-model').selectOption('trinity-large');
    await page.getByTestId('chat-image-file').setInputFiles({ name: 'shot.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('image-attachment').waitFor();
    // A pasted image, as the clipboard delivers it.
    await page.getByTestId('chat-input').evaluate((el, b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, PNG.toString('base64'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="image-attachment"]').length === 2);
    await page.getByTestId('chat-input').fill('What is in these?');
    await page.getByTestId('chat-send').click();
    const send = await t.wv.waitForPosted('chat/send');
    assert.deepEqual(
      send.images.map((i) => [i.name, i.mime]),
      [
        ['shot.png', 'image/png'],
        ['pasted.png', 'image/png'],
      ],
    );
    for (const img of send.images) assert.match(img.dataUrl, /^data:image\/png;base64,iVBOR/);
    assert.equal(await page.getByTestId('image-attachment').count(), 0, 'cleared after sending');
  });

  it('shows notices by level', async () => {
    await t.wv.send({ type: 'notice', level: 'error', message: 'Could not reach <b>the server</b>.' });
    const n = t.wv.page.locator('[data-testid="chat-notice"][data-level="error"]');
    await n.waitFor();
    assert.match((await n.textContent()) ?? '', /<b>the server<\/b>/);
  });

  it('history: open, rename inline, delete after confirming, export', async () => {
    const { page } = t.wv;
    await page.getByTestId('chat-history-toggle').click();
    const list = page.getByTestId('chat-history');
    await list.waitFor();
    const row = (id: string) => list.locator(`[data-testid="history-item"][data-id="${id}"]`);
    await row('c2').getByTestId('history-rename').click();
    const input = row('c2').getByTestId('history-rename-input');
    await input.fill('Retry policy, revisited');
    await input.press('Enter');
    assert.deepEqual(await t.wv.waitForPosted('history/rename'), {
      type: 'history/rename',
      id: 'c2',
      title: 'Retry policy, revisited',
    });
    await row('c2').locator('.history-name', { hasText: 'Retry policy, revisited' }).waitFor();

    await row('c3').getByTestId('history-delete').click();
    assert.equal(
      (await t.wv.posted()).some((m) => m.type === 'history/delete'),
      false,
      'not before confirming',
    );
    await row('c3').getByTestId('history-delete-cancel').click();
    await row('c3').getByTestId('history-delete').click();
    await row('c3').getByTestId('history-delete-confirm').click();
    assert.deepEqual(await t.wv.waitForPosted('history/delete'), { type: 'history/delete', id: 'c3' });
    await row('c3').waitFor({ state: 'detached' });

    await page.getByTestId('chat-export').click();
    await t.wv.waitForPosted('chat/export');
    await row('c2').getByTestId('history-open').click();
    assert.deepEqual(await t.wv.waitForPosted('history/open'), { type: 'history/open', id: 'c2' });
    assert.equal(await list.isHidden(), true, 'the list closes on open');
    await t.wv.send({
      type: 'history/update',
      history: [{ id: 'c9', title: 'Fresh', updatedAt: Date.now(), messageCount: 1 }],
    });
    await page.getByTestId('chat-history-toggle').click();
    await row('c9').waitFor();
    assert.equal(await list.getByTestId('history-item').count(), 1);
  });
});
