/**
 * A browser harness for the chat webview without VS Code: a static server on 127.0.0.1 serves the host's
 * HTML and CSP (nonce, media/chat.css, dist/webview.js) with a stub `acquireVsCodeApi`, and headless
 * Chromium (Debian's, through playwright-core) drives it. Tests play the host: `send` what the extension
 * would post, read what the app `posted`.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chatCsp } from '../../src/webview/csp';
import type { HostMessage, WebviewMessage } from '../../src/webview/protocol';
import { bodyClass, themeCss, type ThemeName } from './theme';

/** The repository root, from the compiled location out/test/webview. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const artifactsDir = path.join(repoRoot, 'test-artifacts', 'webview');

/** Every wait in the harness is bounded by this. */
export const WAIT_MS = 10_000;

export type Surface = 'sidebar' | 'panel';

export interface PageOptions {
  surface?: Surface;
  theme?: ThemeName;
  viewport?: { width: number; height: number };
}

// The stub stands in for VS Code's: posted messages are recorded; state survives a reload like the host
// keeps it across re-creations of the webview (in sessionStorage here).
const STUB = `
(() => {
  window.__posted = [];
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return {
      postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); },
      getState: () => JSON.parse(sessionStorage.getItem('vscode-state') || 'null'),
      setState: (s) => { sessionStorage.setItem('vscode-state', JSON.stringify(s)); return s; },
    };
  };
})();
`;

function pageHtml(origin: string, nonce: string, surface: Surface, theme: ThemeName): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${chatCsp(origin, nonce)}">
<link rel="stylesheet" href="${origin}/theme/${theme}.css">
<link rel="stylesheet" href="${origin}/media/chat.css"><title>Arcee Chat</title></head>
<body class="${bodyClass(theme)}" data-surface="${surface}"><div id="app"></div><script nonce="${nonce}">${STUB}</script><script nonce="${nonce}" src="${origin}/dist/webview.js"></script></body></html>`;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves the page, media/ and dist/ on a free port of 127.0.0.1. */
export async function startServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.pathname === '/') {
      const surface = url.searchParams.get('surface') === 'panel' ? 'panel' : 'sidebar';
      const theme = (['light', 'dark', 'hc'] as const).find((t) => t === url.searchParams.get('theme')) ?? 'dark';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(pageHtml(origin, crypto.randomBytes(16).toString('base64'), surface, theme));
      return;
    }
    const theme = /^\/theme\/(light|dark|hc)\.css$/.exec(url.pathname);
    if (theme) {
      res.writeHead(200, { 'content-type': 'text/css' });
      res.end(themeCss(theme[1] as ThemeName));
      return;
    }
    const served = /^\/(media|dist)\/([\w.-]+)$/.exec(url.pathname);
    const file = served ? path.join(repoRoot, served[1], served[2]) : '';
    if (!file || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let browser: Promise<Browser> | null = null;

function launch(): Promise<Browser> {
  browser ??= chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return browser;
}

/** Closes the shared browser (the runner calls this once at the end). */
export async function closeBrowser(): Promise<void> {
  const b = browser;
  browser = null;
  if (b) await (await b).close();
}

/** One webview page, played by a test as its host. */
export class WebviewPage {
  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    readonly url: string,
    readonly errors: string[],
  ) {}

  /** A new tab for the chat page (its own browser context: storage and routes). Call `load` next. */
  static async create(origin: string, options: PageOptions = {}): Promise<WebviewPage> {
    const context = await (await launch()).newContext({ viewport: options.viewport ?? { width: 340, height: 760 } });
    // Anything but the harness's own origin is refused: tests never touch the network.
    await context.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => route.abort());
    context.setDefaultTimeout(WAIT_MS);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    const url = `${origin}/?surface=${options.surface ?? 'sidebar'}&theme=${options.theme ?? 'dark'}`;
    return new WebviewPage(page, context, url, errors);
  }

  /** A freshly created webview (no saved state), after its `ready`. Reusing the tab is much faster than a new one. */
  async load(): Promise<void> {
    if (this.page.url().startsWith('http')) await this.page.evaluate(() => sessionStorage.clear());
    this.errors.length = 0;
    await this.page.goto(this.url, { waitUntil: 'commit' });
    await this.waitForPosted('ready');
  }

  /** The webview re-created (hidden and shown again): the saved state stays. */
  async reload(): Promise<void> {
    await this.page.reload({ waitUntil: 'commit' });
    await this.waitForPosted('ready');
  }

  /** Posts a host message to the page, as the extension would (delivered asynchronously). */
  async send(message: HostMessage): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message);
  }

  /** Delivers several host messages synchronously in one task: they all land in the same frame. */
  async sendBatch(messages: HostMessage[]): Promise<void> {
    await this.page.evaluate((ms) => {
      for (const m of ms) window.dispatchEvent(new MessageEvent('message', { data: m }));
    }, messages);
  }

  async posted(): Promise<WebviewMessage[]> {
    return this.page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted);
  }

  async clearPosted(): Promise<void> {
    await this.page.evaluate(() => {
      (window as unknown as { __posted: WebviewMessage[] }).__posted = [];
    });
  }

  /** Waits until a message of `type` was posted and returns the last one. */
  async waitForPosted<T extends WebviewMessage['type']>(type: T): Promise<Extract<WebviewMessage, { type: T }>> {
    await this.page.waitForFunction(
      (t) => ((window as unknown as { __posted?: { type: string }[] }).__posted ?? []).some((m) => m.type === t),
      type,
      {
        timeout: WAIT_MS,
        polling: 10,
      },
    );
    const all = await this.posted();
    return all.filter((m) => m.type === type).pop() as Extract<WebviewMessage, { type: T }>;
  }

  /** Resolves after `n` animation frames (rendering is batched per frame). */
  async frames(n = 2): Promise<void> {
    await this.page.evaluate(
      (count) =>
        new Promise<void>((resolve) => {
          let left = count;
          const tick = (): void => {
            left -= 1;
            if (left <= 0) resolve();
            else requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        }),
      n,
    );
  }

  async renderCount(): Promise<number> {
    return this.page.evaluate(() => (window as unknown as { __arceeRenderCount: number }).__arceeRenderCount);
  }

  async setTheme(theme: ThemeName): Promise<void> {
    await this.page.evaluate(
      ({ theme, cls }) => {
        const link = document.querySelector<HTMLLinkElement>('link[href*="/theme/"]');
        if (link) link.href = link.href.replace(/\/theme\/\w+\.css/, `/theme/${theme}.css`);
        document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
        document.body.classList.add(cls);
      },
      { theme, cls: bodyClass(theme) },
    );
    await this.page.waitForLoadState('load');
    await this.frames(2);
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(artifactsDir, { recursive: true });
    const file = path.join(artifactsDir, `${name}.png`);
    await this.page.screenshot({ path: file, fullPage: false });
    return file;
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
