// What a person does first: open the palette, set the key in a password box, check the connection, pick a
// model. A fake OpenAI-compatible server on 127.0.0.1 (started here) sees what the extension sends.
import * as assert from 'node:assert/strict';
import { FakeServer, sseReply, textStream } from '../support/fakeServer';
import { useWorkbench } from './e2eSupport';

const KEY = 'rcai-e2e-test-key-0000';

describe('command palette', () => {
  let server: FakeServer;
  before(async () => {
    server = await FakeServer.start();
  });
  after(async () => {
    await server.close();
  });
  const workbench = useWorkbench(() => ({
    userSettings: { 'arcee.baseUrl': server.baseUrl, 'arcee.model': 'trinity-mini' },
  }));

  it('lists the Arcee commands', async () => {
    const wb = workbench();
    const rows = await wb.searchPalette('Arcee:', 'Arcee: Set API Key');
    const labels = await rows.allInnerTexts();
    for (const title of ['Set API Key', 'Clear API Key', 'Select Model', 'Test Connection', 'Show Log']) {
      assert.ok(
        labels.some((l) => l.includes(`Arcee: ${title}`)),
        `"Arcee: ${title}" is not in the palette: ${labels.join(' | ')}`,
      );
    }
    await wb.screenshot('palette-arcee-commands');
    await wb.page.keyboard.press('Escape');
  });

  it('"Arcee: Set API Key" asks for the key in a password box and warns softly about the prefix', async () => {
    const wb = workbench();
    await wb.runCommand('Arcee: Set API Key');
    const input = await wb.fillPassword('sk-not-arcee');
    assert.equal(await input.getAttribute('type'), 'password');
    await wb.quickInput.getByText(/Arcee keys start with "rcai-"/).waitFor({ state: 'visible' });
    await input.fill(KEY);
    await wb.screenshot('set-api-key-password-box');
    await wb.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
    await wb.waitForToast(/API key saved/);
  });

  it('"Arcee: Test Connection" sends the key as a bearer token and says which model answered', async () => {
    const wb = workbench();
    server.enqueue('/chat/completions', sseReply(textStream('OK', 'trinity-large-preview'), { pieceDelayMs: 20 }));
    await wb.runCommand('Arcee: Test Connection');
    const toast = await wb.waitForToast(/answered with trinity-large-preview/);
    assert.match(toast, /127\.0\.0\.1:\d+ answered with trinity-large-preview in \d+ ms/);
    const [request] = server.requestsTo('/chat/completions');
    assert.equal(request.headers.authorization, `Bearer ${KEY}`);
    assert.equal((request.json as { model: string }).model, 'trinity-mini');
    assert.ok(!(await wb.page.content()).includes(KEY), 'the key is visible somewhere in the page');
    await wb.screenshot('test-connection-toast');
  });

  it('"Arcee: Select Model" shows the live catalogue and switches the status bar model', async () => {
    const wb = workbench();
    await wb.runCommand('Arcee: Select Model');
    const row = wb.quickInput.locator('.monaco-list-row', { hasText: 'trinity-large-thinking' });
    await row.waitFor({ state: 'visible' });
    assert.match((await row.innerText()).replace(/\u00a0/g, ' '), /262k context/);
    await wb.screenshot('select-model-quick-pick');
    await row.click();
    await wb.page
      .locator('#workbench\\.parts\\.statusbar', { hasText: 'trinity-large-thinking' })
      .waitFor({ state: 'visible' });
    server.enqueue('/chat/completions', sseReply(textStream('OK')));
    const before = server.requestsTo('/chat/completions').length;
    await wb.runCommand('Arcee: Test Connection');
    const requests = await server.waitForRequests('/chat/completions', before + 1);
    assert.equal((requests.at(-1)!.json as { model: string }).model, 'trinity-large-thinking');
  });
});
