// A browser end-to-end fixture: the built extension (dist/, not rebuilt here) in code-server, with headless
// Chromium as the window, and helpers that act the way a person does (palette, inputs, toasts, screenshots).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { repoRoot, startCodeServer, vscodeChoice, type CodeServer } from '../support/codeServer';

export interface WorkbenchOptions {
  /** User settings.json content, written before code-server starts. */
  userSettings?: Record<string, unknown>;
  /** Extra environment for code-server and so the extension host (e.g. ARCEE_TEST_* or a fake server URL). */
  env?: Record<string, string | undefined>;
  /** Files to put in the throwaway workspace folder: relative path → content. */
  files?: Record<string, string>;
  /**
   * Install this VSIX (built by `npm run package`) instead of loading the repository as the development
   * extension. Also settable with ARCEE_E2E_VSIX.
   */
  vsix?: string;
  /** The extension folder loaded as the development extension; ARCEE_E2E_EXTENSION_PATH or the repository. */
  extensionPath?: string;
  /** A profile kept in this folder between workbenches (as `npm start` keeps one), instead of a throwaway one. */
  profileDir?: string;
  /** The port code-server listens on (a kept profile keeps its SecretStorage only on the same origin). */
  port?: number;
  /** Write `userSettings` as they are, without the tests' defaults (as `npm start` writes its profile's). */
  exactSettings?: boolean;
  /** Open the workspace untrusted, in Restricted Mode (Workspace Trust on, the folder never trusted). */
  restrictedMode?: boolean;
  /** Symbolic links to make in the workspace folder: relative path → target (absolute, or relative to the link). */
  symlinks?: Record<string, string>;
}

const artifactsDir = (): string => path.join(repoRoot(), 'test-artifacts', 'e2e');
const DEFAULT_TIMEOUT_MS = 20_000;

/** One running workbench: code-server, Chromium and the page, with what a test needs to drive it. */
export class Workbench {
  private constructor(
    readonly page: Page,
    readonly server: CodeServer,
    private readonly context: BrowserContext,
    readonly workspace: string,
  ) {}

  /** Starts code-server and Chromium and opens the workbench on a new temporary workspace folder. */
  static async open(options: WorkbenchOptions = {}): Promise<Workbench> {
    const root = repoRoot();
    const extensionPath = options.extensionPath ?? process.env.ARCEE_E2E_EXTENSION_PATH ?? root;
    if (!fs.existsSync(path.join(extensionPath, 'dist', 'extension.js'))) {
      throw new Error(`${extensionPath}/dist/extension.js is missing: run \`npm run build\` first`);
    }
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-e2e-ws-'));
    for (const [name, content] of Object.entries(options.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
      fs.writeFileSync(path.join(workspace, name), content);
    }
    for (const [name, target] of Object.entries(options.symlinks ?? {})) {
      fs.mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
      fs.symlinkSync(target, path.join(workspace, name));
    }
    const vsix = options.vsix ?? process.env.ARCEE_E2E_VSIX;
    const unpacked = vscodeChoice() === 'newest';
    const server = await startCodeServer({
      folder: workspace,
      // A kept profile has its settings from its first run, unless new ones are given.
      userSettings:
        (options.profileDir && !options.userSettings) || options.exactSettings
          ? options.userSettings
          : {
              // What a first start shows and what would try the network; none of it is under test.
              'workbench.startupEditor': 'none',
              'workbench.tips.enabled': false,
              'extensions.autoCheckUpdates': false,
              'extensions.autoUpdate': false,
              'update.mode': 'none',
              'telemetry.telemetryLevel': 'off',
              'chat.disableAIFeatures': true,
              // Newer builds open an empty secondary side bar (Chat's home) that squeezes editors into inline diffs.
              'workbench.secondarySideBar.defaultVisibility': 'hidden',
              ...(options.restrictedMode
                ? {
                    'security.workspace.trust.enabled': true,
                    // The folder stays untrusted, with no start-up dialog: Restricted Mode until someone trusts it.
                    'security.workspace.trust.startupPrompt': 'never',
                  }
                : {}),
              ...options.userSettings,
            },
      workspaceTrust: options.restrictedMode,
      env: options.env,
      profileDir: options.profileDir,
      port: options.port,
      vsixFiles: vsix ? [vsix] : [],
      // Newer builds read the URL payload only with the smoke-test driver on, which also hides toasts; there the
      // working tree is installed as the package would install it.
      unpackedExtensions: !vsix && unpacked ? [extensionPath] : [],
    });
    let context: BrowserContext | undefined;
    try {
      context = await launchChromium({ profileDir: server.dirs.chromiumProfile, homeDir: server.dirs.root });
      context.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
      const page = context.pages()[0] ?? (await context.newPage());
      const url = server.workbenchUrl(
        vsix || unpacked ? { folder: workspace } : { folder: workspace, extensionDevelopmentPath: extensionPath },
      );
      await page.goto(url, { timeout: 60_000 });
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      // The status bar fills in once the workbench has restored; the palette is reliable from then on.
      await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
      return new Workbench(page, server, context, workspace);
    } catch (error) {
      await context?.close().catch(() => undefined);
      await server.stop();
      fs.rmSync(workspace, { recursive: true, force: true });
      throw error;
    }
  }

  /** The quick input (command palette, input boxes, quick picks). */
  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Opens the command palette with F1 (retrying while the workbench is still starting). */
  async openPalette(): Promise<void> {
    const input = this.quickInput.locator('input.input');
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        return;
      } catch (error) {
        if (attempt >= 4) throw error;
        // Focus the workbench and try again.
        await this.page
          .locator('.monaco-workbench')
          .click({ position: { x: 640, y: 300 } })
          .catch(() => undefined);
      }
    }
  }

  /**
   * Opens the palette, types `>query` and waits until a row containing `expected` shows. Retries while
   * the extension host is still starting (its commands are missing from the palette until then).
   * Returns the palette's rows.
   */
  async searchPalette(query: string, expected: string = query, timeoutMs = 45_000): Promise<Locator> {
    const deadline = Date.now() + timeoutMs;
    const rows = this.quickInput.locator('.monaco-list-row');
    for (;;) {
      await this.openPalette();
      await this.quickInput.locator('input.input').fill(`>${query}`);
      try {
        await rows.filter({ hasText: expected }).first().waitFor({ state: 'visible', timeout: 5_000 });
        return rows;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /**
   * Runs a command by its palette title, e.g. "Arcee: Set API Key": F1, `>Title`, then a click on the row whose
   * label is exactly `title` ("Arcee: Open Chat" must not run "Arcee: Open Chat in Editor", which the palette may
   * list first once it was used). The row is found by its label, not by its position: the list re-renders while
   * the extension host registers commands, and a row found by index could be another one by the time of the
   * click. If the palette closes before the click (a walkthrough or view that takes the focus as it updates), it
   * is opened again, as a person would.
   */
  async runCommand(title: string): Promise<void> {
    const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const deadline = Date.now() + 45_000;
    for (;;) {
      await this.searchPalette(title, title, Math.max(5_000, deadline - Date.now()));
      const row = this.quickInput
        .locator('.monaco-list-row')
        .filter({ has: this.page.locator('.label-name', { hasText: exact }) })
        .first();
      try {
        await row.click({ timeout: 5_000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          const texts = await this.quickInput.locator('.monaco-list-row').allInnerTexts();
          throw new Error(`no palette row is exactly "${title}" (rows: ${texts.join(' | ')}): ${String(error)}`);
        }
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /** Opens a workspace file with Go to File and waits until the editor shows `expectText`. */
  async openFile(name: string, expectText: string): Promise<void> {
    await this.runCommand('Go to File...');
    await this.quickInput.locator('input.input').fill(name);
    await this.quickInput.locator('.monaco-list-row', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.editor-instance .view-lines').first().getByText(expectText).waitFor();
  }

  /** Waits for a password input box (input[type=password]) and types into it; does not press Enter. */
  async fillPassword(text: string): Promise<Locator> {
    const input = this.quickInput.locator('input[type="password"]');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    return input;
  }

  /** Waits for a notification toast containing `text` and returns its full text. */
  async waitForToast(text: string | RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    return (await toast.innerText()).replace(/\u00a0/g, ' ');
  }

  /** Saves a screenshot of what a user sees to test-artifacts/e2e/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(artifactsDir(), { recursive: true });
    const file = path.join(artifactsDir(), `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Answers the window's requests to matching URLs (the webviews' too) with `handler`, as Playwright routes them. */
  async route(url: string | RegExp, handler: Parameters<BrowserContext['route']>[1]): Promise<void> {
    await this.context.route(url, handler);
  }

  /** Closes Chromium and code-server and deletes the workspace. */
  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    await this.server.stop();
    fs.rmSync(this.workspace, { recursive: true, force: true });
  }
}

/**
 * Mocha fixture: one workbench for the enclosing `describe`, opened in `before` and closed in `after`, with
 * a screenshot of every failed test. Call it at the top of a describe; use the returned getter in tests.
 */
export function useWorkbench(options: WorkbenchOptions | (() => WorkbenchOptions) = {}): () => Workbench {
  let workbench: Workbench | undefined;
  before(async function () {
    this.timeout(120_000);
    workbench = await Workbench.open(typeof options === 'function' ? options() : options);
  });
  afterEach(async function () {
    const test = this.currentTest;
    if (workbench && test?.state === 'failed') {
      const file = await workbench.screenshot(`failed-${test.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`    screenshot: ${path.relative(repoRoot(), file)}`);
    }
  });
  after(async function () {
    this.timeout(30_000);
    await workbench?.close();
    workbench = undefined;
  });
  return () => {
    if (!workbench) throw new Error('the workbench is not open (did before() fail?)');
    return workbench;
  };
}
