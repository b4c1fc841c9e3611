// The chat webview as a person drives it in code-server, shared by the e2e suites.
import type { Frame, Locator } from 'playwright-core';
import { useFakeServer, type FakeServer } from '../support/fakeServer';
import { useWorkbench, type Workbench } from './e2eSupport';

/**
 * A suite's fake server (useFakeServer: started once, reset before each test) and a workbench whose settings point the
 * extension at it, with `files` in its workspace.
 */
export function useChatWorkbench(files: Record<string, string>): {
  readonly server: FakeServer;
  readonly workbench: () => Workbench;
} {
  const fake = useFakeServer();
  const workbench = useWorkbench(() => ({
    userSettings: { 'arcee.baseUrl': fake.server.baseUrl, 'arcee.model': 'trinity-mini', 'arcee.maxRetries': 0 },
    files,
  }));
  return {
    get server(): FakeServer {
      return fake.server;
    },
    workbench,
  };
}

/** The chat webview's inner frame (a webview is two nested iframes) of the given surface. */
export async function chatFrame(wb: Workbench, surface: 'sidebar' | 'panel' = 'sidebar'): Promise<Frame> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const frame of wb.page.frames()) {
      if (!frame.url().includes('fake.html') || frame.isDetached()) continue;
      const title = await frame.title().catch(() => '');
      if (title !== 'Arcee Chat') continue;
      const which = await frame.evaluate(() => document.body.dataset.surface).catch(() => undefined);
      if (which === surface) return frame;
    }
    if (Date.now() > deadline) throw new Error('the Arcee Chat webview did not appear');
    await wb.page.waitForTimeout(200);
  }
}

/** Opens the sidebar chat (Arcee: Open Chat) and returns its frame. */
export async function openSidebarChat(wb: Workbench): Promise<Frame> {
  await wb.runCommand('Arcee: Open Chat');
  const frame = await chatFrame(wb);
  await frame.locator('[data-testid="chat-input"]').waitFor({ state: 'visible' });
  return frame;
}

export function lastAssistant(frame: Frame): Locator {
  return frame.locator('[data-testid="chat-message"][data-role="assistant"]').last();
}

/** Sends `text` and returns the new assistant message (not an older one still on screen). */
export async function send(frame: Frame, text: string): Promise<Locator> {
  const assistants = frame.locator('[data-testid="chat-message"][data-role="assistant"]');
  const before = await assistants.count();
  const users = frame.locator('[data-testid="chat-message"][data-role="user"]');
  const usersBefore = await users.count();
  const input = frame.locator('[data-testid="chat-input"]');
  await input.fill(text);
  await input.focus();
  await input.press('Enter');
  // The question shows first (the app adds it when the host starts the request), then its answer.
  await users
    .nth(usersBefore)
    .filter({ hasText: text })
    .waitFor()
    .catch(async (error: unknown) => {
      // Say what the page showed instead, so a failure tells a dropped Enter from a busy chat or a new frame.
      const seen = frame.isDetached()
        ? 'the webview frame was replaced'
        : `input ${JSON.stringify(await input.inputValue().catch(() => '?'))}, notices ${JSON.stringify(
            await frame
              .locator('[data-testid="chat-notices"]')
              .innerText()
              .catch(() => '?'),
          )}, Stop shown: ${await frame.locator('[data-testid="chat-stop"]').isVisible()}`;
      throw new Error(`the question "${text}" did not show: ${seen}. ${String(error)}`);
    });
  const answer = assistants.nth(before);
  await answer.waitFor();
  return answer;
}

/** "Developer: Reload Window", as a person reloads VS Code (the workbench saves its state on the way out). */
export async function reloadWindow(wb: Workbench): Promise<void> {
  const navigated = wb.page.waitForEvent('framenavigated', {
    predicate: (f) => f === wb.page.mainFrame(),
    timeout: 30_000,
  });
  await wb.runCommand('Developer: Reload Window');
  await navigated;
  await wb.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
}

/** New Chat, waiting until the old conversation is off the screen. */
export async function newChat(frame: Frame): Promise<void> {
  await frame.locator('[data-testid="chat-new"]').click();
  await frame.locator('[data-testid="chat-empty"]').waitFor();
  await frame.locator('[data-testid="chat-message"]').first().waitFor({ state: 'detached' });
}
