// VS Code's own Chat and agent mode on Arcee's models, on the newest VS Code (code-server 4.139): the models are
// in the picker from the first window, an agent turn reads a file and edits it (kept with Keep), the context
// indicator reads the usage, reasoning stays out of the answer, errors are one sentence, and `@arcee /explain`
// sends the selection. 1.104 has no such view (its chat needs Copilot): the suite runs only on the newest.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeServer, jsonReply } from '../support/fakeServer';
import { vscodeChoice } from '../support/codeServer';
import { useWorkbench } from './e2eSupport';
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
