// `npm start` as a daily driver: its profile is kept between runs, and ARCEE_API_KEY reaches SecretStorage through a
// private file the extension deletes (what scripts/start.mjs passes as ARCEE_START_KEY_FILE). Two workbenches on one
// profile folder, as two `npm start` runs: the second still sends the key, and the key is in no file of the profile
// that a person reads (settings, logs).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { vscodeChoice } from '../support/codeServer';
import { FakeServer, sseReply, textStream } from '../support/fakeServer';
import { START_SETTINGS, startEnv } from '../support/startProfile';
import { Workbench } from './e2eSupport';
import { ChatView } from './vscodeChatSupport';

const KEY = 'rcai-start-profile-key-4242';

/** Every file under `dir` whose name ends with one of `suffixes`. */
function filesUnder(dir: string, suffixes: string[]): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory() && !entry.isSymbolicLink()) walk(p);
      else if (suffixes.some((s) => entry.name.endsWith(s))) found.push(p);
    }
  };
  walk(dir);
  return found;
}

describe('npm start: a kept profile, and the key from ARCEE_API_KEY', () => {
  let server: FakeServer;
  let profile: string;
  before(async () => {
    server = await FakeServer.start();
    // Short: code-server keeps a Unix socket in the profile.
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-prof-'));
  });
  after(async () => {
    await server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  });

  async function testConnection(wb: Workbench): Promise<string | undefined> {
    server.enqueue('/chat/completions', sseReply(textStream('OK')));
    const before = server.requestsTo('/chat/completions').length;
    await wb.runCommand('Arcee: Test Connection');
    const requests = await server.waitForRequests('/chat/completions', before + 1, 30_000);
    return requests.at(-1)!.headers.authorization;
  }

  // code-server disables VS Code's built-in chat on a new profile ("Sign in to use GitHub Copilot" on every
  // question); npm start's profile has it on from the first window, with nothing run by hand.
  (vscodeChoice() === 'newest' ? it : it.skip)(
    "VS Code's Chat answers on an Arcee model in a new npm start profile, with no command run first",
    async function () {
      this.timeout(240_000);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-prof-'));
      // Every request gets this answer: the question in Ask or Agent mode, and Chat's own title requests.
      server.setDefault('/chat/completions', sseReply(textStream('Hello from Arcee in VS Code Chat.', 'trinity-mini')));
      const wb = await Workbench.open({
        profileDir: dir,
        // What npm start writes for ARCEE_BASE_URL=<a server that needs no key> ARCEE_MODEL=trinity-mini.
        userSettings: { ...START_SETTINGS, 'arcee.baseUrl': server.baseUrl, 'arcee.model': 'trinity-mini' },
        exactSettings: true,
        env: startEnv({ newest: true }),
      });
      try {
        const chat = new ChatView(wb);
        // A new profile shows Chat in the secondary side bar; its picker fills in once the models are there.
        await chat.input.waitFor({ state: 'visible', timeout: 60_000 });
        const deadline = Date.now() + 60_000;
        let label = '';
        while (!/Trinity|Spotlight/.test((label = await chat.pickerLabel()))) {
          if (Date.now() > deadline) throw new Error(`the picker still shows ${JSON.stringify(label)}`);
          await wb.page.waitForTimeout(250);
        }
        await chat.send('Say hello');
        const text = await chat.waitForResponse(/Hello from Arcee in VS Code Chat\./);
        assert.doesNotMatch(text, /Sign in/i);
        const asked = server.requestsTo('/chat/completions').some((r) => JSON.stringify(r.json).includes('Say hello'));
        assert.ok(asked, 'the question did not reach the Arcee server');
        await wb.screenshot('start-profile-vscode-chat');
      } finally {
        await wb.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('stores the key in SecretStorage and deletes its file; a second run on the profile still has it', async function () {
    this.timeout(240_000);
    const keyFile = path.join(profile, 'start-key');
    fs.writeFileSync(keyFile, KEY, { mode: 0o600 });
    // A key-checking base URL (an arcee.ai host) would need the network; any URL works for the bearer header.
    const settings = { 'arcee.baseUrl': server.baseUrl, 'arcee.model': 'trinity-mini', 'arcee.maxRetries': 0 };
    let wb = await Workbench.open({
      profileDir: profile,
      userSettings: settings,
      env: { ARCEE_START_KEY_FILE: keyFile },
    });
    const port = wb.server.port;
    try {
      assert.equal(await testConnection(wb), `Bearer ${KEY}`);
      assert.ok(!fs.existsSync(keyFile), 'the key file is still there');
    } finally {
      await wb.close();
    }
    // The same origin: the browser keeps SecretStorage per origin (scripts/start.mjs reuses its port too).
    wb = await Workbench.open({ profileDir: profile, port });
    try {
      // The settings and the key are the first run's: nothing was passed this time.
      assert.equal(await testConnection(wb), `Bearer ${KEY}`);
      await wb.runCommand('Arcee: Show Log');
    } finally {
      await wb.close();
    }
    // SecretStorage has a store of its own; what a person opens is the settings and the logs (the Arcee log too).
    const readable = [
      path.join(profile, 'user', 'User', 'settings.json'),
      ...filesUnder(path.join(profile, 'user', 'logs'), ['.log', '.txt']),
    ];
    assert.ok(
      readable.some((f) => /Arcee/.test(path.basename(f))),
      `no Arcee log among ${readable.length} files`,
    );
    for (const file of readable) {
      assert.ok(!fs.readFileSync(file, 'utf8').includes(KEY), `the key is in ${path.relative(profile, file)}`);
    }
  });
});
