// Headless Debian Chromium for the tests, and the workbench flag newer builds need to read the URL payload.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Builds since about 1.13x ignore the URL's `payload` (extensionDevelopmentPath, extensionTestsPath) unless the
 * workbench runs with `developmentOptions.enableSmokeTestDriver`. The flag lives in the page's
 * `vscode-workbench-web-configuration` meta tag; a script that runs before the page's own sets it as soon as the
 * parser adds the tag. (Rewriting the HTML response instead loses code-server's connection-token cookie, and the
 * extension host's WebSocket is then refused.) The flag also hides notification toasts: use it only where the
 * payload is needed.
 */
export async function enableSmokeTestDriver(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const patch = (meta: Element): void => {
      const settings = JSON.parse(meta.getAttribute('data-settings') ?? '{}') as {
        developmentOptions?: Record<string, unknown>;
      };
      settings.developmentOptions = { ...settings.developmentOptions, enableSmokeTestDriver: true };
      meta.setAttribute('data-settings', JSON.stringify(settings));
    };
    const observer = new MutationObserver(() => {
      const meta = document.getElementById('vscode-workbench-web-configuration');
      if (!meta) return;
      observer.disconnect();
      patch(meta);
    });
    observer.observe(document, { childList: true, subtree: true });
  });
}

export interface ChromiumOptions {
  /** Chromium's profile folder (Playwright refuses --user-data-dir in args). */
  profileDir: string;
  /** Where XDG_CONFIG_HOME and XDG_CACHE_HOME point for Chromium. */
  homeDir?: string;
  viewport?: { width: number; height: number };
}

/** The Chromium binary: $CHROMIUM_PATH or Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  const candidate = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(candidate)) {
    throw new Error(`Chromium not found at ${candidate}: install the Debian package "chromium" (or set CHROMIUM_PATH)`);
  }
  return candidate;
}

/** Launches headless Debian Chromium with the flags that keep it off the network but 127.0.0.1. */
export async function launchChromium(options: ChromiumOptions): Promise<BrowserContext> {
  const home = options.homeDir ?? options.profileDir;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  env.XDG_CONFIG_HOME = path.join(home, 'xdg-config');
  env.XDG_CACHE_HOME = path.join(home, 'xdg-cache');
  return chromium.launchPersistentContext(options.profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    env,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    timeout: 60_000,
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
}
