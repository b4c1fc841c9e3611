// VS Code's own Chat and agent mode on Arcee's models, on the newest VS Code (code-server 4.139): the models are
// in the picker from the first window, an agent turn reads a file and edits it (kept with Keep), the context
// indicator reads the usage, reasoning stays out of the answer, errors are one sentence, and `@arcee /explain`
// sends the selection. 1.104 has no such view (its chat needs Copilot): the suite runs only on the newest.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { FakeServer, jsonReply, sseReply, textStream, useFakeServer, type ScriptedReply } from '../support/fakeServer';
import { vscodeChoice } from '../support/codeServer';
import { useWorkbench, type Workbench } from './e2eSupport';
import { ChatRouter, ChatView, bodyOf, providerGroups, reasoningReply, toolCallReply } from './vscodeChatSupport';

const SOURCE = 'export const limit = 1;\n\nexport function twice(n: number): number {\n  return n * 2;\n}\n';

(vscodeChoice() === 'newest' ? describe : describe.skip)("VS Code's Chat and agent on Arcee models", function () {
  this.timeout(180_000);
  let server: FakeServer | undefined;
  let router: ChatRouter;
  before(async () => {
    server = await FakeServer.start();
    router = new ChatRouter(server);
    router.install();
  });
  after(async () => {
    await server?.close();
  });
  const workbench = useWorkbench(() => ({
    // A user who turned nothing on: AI features are on by default in VS Code; only the server is configured.
    userSettings: {
      'arcee.baseUrl': server!.baseUrl,
      'arcee.model': 'trinity-mini',
      'arcee.maxRetries': 0,
      'chat.disableAIFeatures': false,
    },
    files: { 'src/limits.ts': SOURCE },
  }));

  let ready: ChatView | undefined;
  /** Chat runs on an Arcee model (what the tests after the first need; once per workbench). */
  async function agentReady(): Promise<ChatView> {
    if (ready) return ready;
    const wb = workbench();
    // code-server ships VS Code's built-in chat extension disabled (desktop VS Code has it on); turn it on.
    await wb.runCommand('Extensions: Enable All Extensions');
    await wb.runCommand('Arcee: Use Arcee Models in VS Code Chat');
    const chat = new ChatView(wb);
    await chat.input.locator('.chat-input-picker-label', { hasText: 'Trinity Mini' }).waitFor({ timeout: 60_000 });
    return (ready = chat);
  }

  it('the Arcee models are in the picker from the first window, with no command run', async () => {
    const wb = workbench();
    const chat = new ChatView(wb);
    await wb.runCommand('Chat: Open Chat');
    const deadline = Date.now() + 60_000;
    let label = '';
    while (!/Trinity|Spotlight/.test((label = await chat.pickerLabel()))) {
      if (Date.now() > deadline) throw new Error(`the picker still shows ${JSON.stringify(label)}`);
      await wb.page.waitForTimeout(250);
    }
    await chat.input
      .locator('.chat-input-picker-label', { hasText: /Trinity|Spotlight/ })
      .first()
      .click();
    const list = wb.page.locator('.action-widget').first();
    await list.waitFor({ state: 'visible' });
    try {
      const items = await list.innerText();
      // The picker lists the chosen model first and the rest under "Other Models"; no sign-in entry.
      assert.match(items, /Trinity|Spotlight/);
      assert.doesNotMatch(items, /Sign in/);
      await wb.screenshot('vscode-chat-picker');
    } finally {
      await wb.page.keyboard.press('Escape');
    }
    // The provider group that lets VS Code's Chat run without a GitHub sign-in, recorded as "Add Models" would.
    const until = Date.now() + 20_000;
    while (JSON.stringify(providerGroups(wb) ?? []) === '[]' && Date.now() < until) await wb.page.waitForTimeout(200);
    assert.deepEqual(providerGroups(wb), [{ name: 'Arcee', vendor: 'arcee' }]);
  });

  it('agent mode: a read_file round trip, then an edit kept with Keep', async () => {
    const wb = workbench();
    const chat = await agentReady();
    const file = path.join(wb.workspace, 'src', 'limits.ts');
    router.script(
      toolCallReply('read_file', { filePath: file, startLine: 1, endLine: 20 }, 'call_read1'),
      toolCallReply(
        'replace_string_in_file',
        { filePath: file, oldString: 'export const limit = 1;', newString: 'export const limit = 2;' },
        'call_edit1',
      ),
      // The last answer says what it did; its usage feeds the context indicator.
      reasoningReply('', 'I raised the limit to 2.', {
        prompt_tokens: 18_000,
        completion_tokens: 9,
        total_tokens: 18_009,
      }),
    );
    await chat.send('Raise the limit in src/limits.ts to 2');
    const turns = await router.waitForAgentTurns(3);
    const offered = (bodyOf(turns[0]).tools ?? []).map((t) => t.function.name);
    assert.ok(
      offered.includes('read_file') && offered.includes('replace_string_in_file'),
      `VS Code's tools are offered: ${offered.join(', ')}`,
    );
    assert.ok(offered.length >= 20, `the whole tool list passes through (${offered.length})`);
    const second = bodyOf(turns[1]).messages;
    const toolResult = second.find((m) => m.role === 'tool');
    assert.match(
      JSON.stringify(toolResult?.content),
      /export const limit = 1;/,
      'the file VS Code read goes back as a tool message',
    );
    const assistant = second.find((m) => m.role === 'assistant' && m.tool_calls);
    assert.ok(assistant, 'the assistant turn with its tool call goes back');
    assert.equal((assistant as { content: unknown }).content, '', 'content "" (not null) on tool-call turns');
    await chat.waitForResponse(/I raised the limit to 2\./);
    const keep = wb.page.getByRole('button', { name: /^Keep/ }).first();
    await keep.waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('vscode-chat-agent-edit');
    await keep.click();
    const deadline = Date.now() + 20_000;
    while (!fs.readFileSync(file, 'utf8').includes('limit = 2')) {
      if (Date.now() > deadline) throw new Error('the kept edit did not reach the file');
      await wb.page.waitForTimeout(200);
    }
    assert.equal(fs.readFileSync(file, 'utf8'), SOURCE.replace('limit = 1', 'limit = 2'));
  });

  it('the context indicator reads the usage the provider reports (above 0%)', async () => {
    const wb = workbench();
    const text = await new ChatView(wb).input.innerText();
    const percent = /(\d+)%/.exec(text);
    assert.ok(percent, `a context indicator is shown: ${JSON.stringify(text)}`);
    assert.ok(Number(percent[1]) > 0, `the indicator is above 0%: ${percent[0]}`);
  });

  it("a small Arcee model becomes Chat's utility model (titles, progress messages), never the thinking one", async () => {
    const wb = workbench();
    await agentReady();
    await wb.runCommand("Arcee: Use a Small Arcee Model for Chat's Utility Tasks");
    const recommended = wb.quickInput.locator('.monaco-list-row', { hasText: 'recommended' });
    await recommended.first().waitFor();
    assert.equal(await recommended.count(), 1);
    assert.match(await recommended.innerText(), /trinity-mini/);
    await recommended.click();
    const settingsFile = path.join(wb.server.dirs.userDataDir, 'User', 'settings.json');
    const deadline = Date.now() + 10_000;
    while (!/"chat\.utilitySmallModel"/.test(fs.readFileSync(settingsFile, 'utf8')) && Date.now() < deadline)
      await wb.page.waitForTimeout(200);
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    assert.equal(settings['chat.utilityModel'], 'arcee/trinity-mini');
    assert.equal(settings['chat.utilitySmallModel'], 'arcee/trinity-mini');
  });

  it('reasoning stays out of the answer', async () => {
    const wb = workbench();
    const chat = await agentReady();
    await chat.newChat();
    router.script(
      reasoningReply('SECRET-PLAN: first I will think about blue skies. ', 'Rayleigh scattering makes the sky blue.'),
    );
    await chat.send('Why is the sky blue?');
    await chat.waitForResponse(/Rayleigh scattering makes the sky blue\./);
    const markdown = (await chat.lastResponse().locator('.chat-markdown-part').allInnerTexts()).join('\n');
    assert.match(markdown, /Rayleigh scattering/);
    assert.doesNotMatch(markdown, /SECRET-PLAN/, 'the reasoning is not part of the answer text');
    // It is shown as thinking instead: collapsed ("Completed … steps"), with the reasoning inside.
    await chat
      .lastResponse()
      .getByText(/^Completed \d+ steps?/)
      .first()
      .click();
    await chat
      .lastResponse()
      .getByText(/^Finished with \d+ steps?/)
      .first()
      .click();
    await chat.waitForResponse(/SECRET-PLAN: first I will think about blue skies/, 10_000);
    await wb.screenshot('vscode-chat-reasoning');
  });

  it('an error is one sentence, with no stack frame or file path', async () => {
    const wb = workbench();
    const chat = await agentReady();
    await chat.newChat();
    router.script(jsonReply(402, { detail: 'Insufficient credits. Add credits at chat.arcee.ai to continue.' }));
    await chat.send('Explain closures');
    const text = await chat.waitForResponse(/credit/i);
    assert.doesNotMatch(
      text,
      /\bat [\w.$<>]+ \(|extension\.js|extensionHostProcess|ArceeError|LanguageModelError/,
      `no stack: ${text}`,
    );
    await wb.screenshot('vscode-chat-error');
  });

  it('@arcee /explain with a selection sends the code', async () => {
    const wb = workbench();
    const chat = await agentReady();
    await chat.newChat();
    await wb.openFile('limits.ts', 'twice');
    await wb.page.locator('.editor-instance .view-lines').first().click();
    await wb.page.keyboard.press('Control+A');
    const before = server!.requestsTo('/chat/completions').length;
    await chat.send('@arcee /explain');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const sent = server!
        .requestsTo('/chat/completions')
        .slice(before)
        .find((r) => JSON.stringify(bodyOf(r).messages).includes('export function twice'));
      if (sent) {
        assert.match(JSON.stringify(bodyOf(sent).messages), /Explain the selected code from src\/limits\.ts/);
        break;
      }
      if (Date.now() > deadline) throw new Error('@arcee /explain did not send the selected code');
      await wb.page.waitForTimeout(200);
    }
  });

  it('setting a key offers "Use in Chat", which opens the Chat view on an Arcee model', async () => {
    const wb = workbench();
    await agentReady();
    // The Arcee model of the settings becomes Spotlight; the picker still shows Trinity Mini.
    await wb.runCommand('Arcee: Select Model');
    await wb.quickInput.locator('.monaco-list-row', { hasText: 'spotlight' }).first().click();
    await wb.runCommand('Arcee: Set API Key');
    const input = await wb.fillPassword('rcai-e2e-0123456789abcdef0123');
    await input.press('Enter');
    const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'API key saved' }).first();
    await toast.waitFor({ state: 'visible' });
    assert.match(await toast.innerText(), /model picker/);
    await toast.getByRole('button', { name: 'Use in Chat' }).click();
    await new ChatView(wb).input.locator('.chat-input-picker-label', { hasText: 'Spotlight' }).waitFor();
  });
});

/** A streamed answer that sends its first words and then stalls, so Chat's Stop button stays up. */
function stalledReply(text: string): ScriptedReply {
  return sseReply(textStream(`${text} and more to come`).split(/(?<=\n\n)/), { stallAfterPieces: 3 });
}

// A toast lies over Chat's input and Stop button in the secondary side bar, so the extension's offers and fixes
// for VS Code's Chat wait in the model's status bar item instead (src/commands/modelStatus.ts). At the window size
// the suites use, the Stop button is what a click at its centre hits, on the first answer (when the utility-model
// offer comes) and after a failure (whose fix comes), and that click stops the answer.
(vscodeChoice() === 'newest' ? describe : describe.skip)(
  "VS Code's Chat: Arcee's notices never cover Stop",
  function () {
    this.timeout(240_000);
    const fixture = useFakeServer();
    let router: ChatRouter;
    before(() => {
      router = new ChatRouter(fixture.server);
    });
    beforeEach(() => router.install());
    const workbench = useWorkbench(() => ({
      userSettings: {
        'arcee.baseUrl': fixture.server.baseUrl,
        'arcee.model': 'trinity-mini',
        'arcee.maxRetries': 0,
        'chat.disableAIFeatures': false,
      },
    }));

    const modelItem = (wb: Workbench): Locator =>
      wb.page.locator('#workbench\\.parts\\.statusbar .statusbar-item[id$=".arcee.model"]');

    /** While an answer streams: the point at Stop's centre is Stop, no Arcee toast shows, and a click there stops it. */
    async function stopIsFree(wb: Workbench, chat: ChatView): Promise<void> {
      const stop = chat.input.locator('a.action-label[aria-label^="Cancel"]').first();
      await stop.waitFor({ state: 'visible', timeout: 60_000 });
      const box = await stop.boundingBox();
      assert.ok(box, 'Stop has no box');
      const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
      const hit = await wb.page.evaluate(
        ([px, py]) => {
          const el = document.elementFromPoint(px, py);
          if (el?.closest('.notifications-toasts')) return `a toast: ${el.closest('.notification-toast')?.textContent}`;
          return el?.closest('a.action-label')?.getAttribute('aria-label') ?? `${el?.tagName}.${el?.className}`;
        },
        [x, y],
      );
      assert.match(hit, /^Cancel/, `a click on Stop hits ${hit}`);
      const toasts = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'Arcee' });
      assert.equal(await toasts.count(), 0, `an Arcee toast shows: ${(await toasts.allInnerTexts()).join(' | ')}`);
      const streaming = router.agentTurns().at(-1)!;
      await wb.page.mouse.click(x, y);
      const deadline = Date.now() + 20_000;
      while (streaming.closedAt === undefined) {
        if (Date.now() > deadline) throw new Error('the click on Stop did not close the request');
        await wb.page.waitForTimeout(100);
      }
    }

    it('the first answer: the utility-model offer waits in the status bar, and Stop stays free', async () => {
      const wb = workbench();
      await wb.runCommand('Extensions: Enable All Extensions');
      await wb.runCommand('Arcee: Use Arcee Models in VS Code Chat');
      const chat = new ChatView(wb);
      await chat.input.locator('.chat-input-picker-label', { hasText: 'Trinity Mini' }).waitFor({ timeout: 60_000 });
      router.script(stalledReply('Working on it'));
      await chat.send('Explain closures', { keepToasts: true });
      await chat.waitForResponse(/Working on it/);
      // The offer is made once the first Arcee answer starts: the item gains its dot (where a toast used to come).
      await modelItem(wb).locator('.codicon-circle-small-filled').waitFor({ timeout: 30_000 });
      await stopIsFree(wb, chat);
      await wb.screenshot('vscode-chat-stop-free-first-answer');
      await modelItem(wb).click();
      const use = wb.quickInput.locator('.monaco-list-row', { hasText: 'Use trinity-mini for Them' });
      await use.waitFor();
      await use.click();
      const settingsFile = path.join(wb.server.dirs.userDataDir, 'User', 'settings.json');
      const deadline = Date.now() + 10_000;
      while (!/"chat\.utilityModel": "arcee\/trinity-mini"/.test(fs.readFileSync(settingsFile, 'utf8'))) {
        if (Date.now() > deadline) throw new Error('the utility models were not set');
        await wb.page.waitForTimeout(200);
      }
      await modelItem(wb).locator('.codicon-circle-small-filled').waitFor({ state: 'detached' });
    });

    it('after a failure: the fix waits in the status bar, Chat shows the sentence, and Stop stays free', async () => {
      const wb = workbench();
      const chat = new ChatView(wb);
      await chat.newChat();
      router.script(jsonReply(401, { error: { message: 'Invalid API key', type: 'authentication_error' } }));
      await chat.send('Explain generators', { keepToasts: true });
      await chat.waitForResponse(/key/i);
      // Where a toast with "Set API Key" used to come, the item turns to a warning.
      await modelItem(wb).locator('.codicon-warning').waitFor({ timeout: 30_000 });
      await chat.newChat();
      router.script(stalledReply('Still here'));
      await chat.send('Explain iterators', { keepToasts: true });
      await chat.waitForResponse(/Still here/);
      await stopIsFree(wb, chat);
      await wb.screenshot('vscode-chat-stop-free-after-error');
      // The server answered this time, so the warning goes.
      await modelItem(wb).locator('.codicon-warning').waitFor({ state: 'detached', timeout: 30_000 });
      // The fix is one click away: after another failure, the item's menu offers it.
      await chat.newChat();
      router.script(jsonReply(401, { error: { message: 'Invalid API key', type: 'authentication_error' } }));
      await chat.send('Explain generators again', { keepToasts: true });
      await modelItem(wb).locator('.codicon-warning').waitFor({ timeout: 30_000 });
      await modelItem(wb).click();
      await wb.quickInput.locator('.monaco-list-row', { hasText: 'Set API Key' }).waitFor();
      await wb.page.keyboard.press('Escape');
    });
  },
);
