// What a person does first: open the palette, run "Arcee: Set API Key", type the key into a password box.
import * as assert from 'node:assert/strict';
import { useWorkbench } from './e2eSupport';

describe('command palette', () => {
  const workbench = useWorkbench();

  it('lists the Arcee commands', async () => {
    const wb = workbench();
    const rows = await wb.searchPalette('Arcee:', 'Arcee: Set API Key');
    const labels = await rows.allInnerTexts();
    for (const title of ['Set API Key', 'Clear API Key', 'Select Model', 'Test Connection', 'Show Log']) {
      assert.ok(labels.some((l) => l.includes(`Arcee: ${title}`)), `"Arcee: ${title}" is not in the palette: ${labels.join(' | ')}`);
    }
    await wb.screenshot('palette-arcee-commands');
    await wb.page.keyboard.press('Escape');
  });

  it('"Arcee: Set API Key" asks for the key in a password box', async () => {
    const wb = workbench();
    await wb.runCommand('Arcee: Set API Key');
    const input = await wb.fillPassword('sk-e2e-test-key');
    assert.equal(await input.getAttribute('type'), 'password');
    await wb.screenshot('set-api-key-password-box');
    await wb.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  });
});
