// Helpers for tests that run inside the extension host (they import `vscode`).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** Writes `arcee.*` user settings (undefined removes one). */
export async function setConfig(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('arcee');
  for (const [k, v] of Object.entries(values)) await config.update(k, v, vscode.ConfigurationTarget.Global);
}

/** Polls `probe` until it returns something other than undefined/false; bounded by `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

/**
 * Activates the extension under test, waiting (bounded) until the host has registered it: a suite run alone
 * (ARCEE_TEST_GREP) may start before that.
 */
export async function activateExtension(): Promise<void> {
  await (
    await until('the extension', () => vscode.extensions.getExtension('arcee-community.arcee-vscode'), 20_000)
  ).activate();
}

export const workspaceUri = (): vscode.Uri => vscode.workspace.workspaceFolders![0].uri;

/** Writes a file into the test workspace and shows it. */
export async function openFile(name: string, content: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceUri(), name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(content, 'utf8'));
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** The inline edit's diff tabs (their right side is the `arcee-edit` preview). */
export function diffTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'arcee-edit');
}

/** The text of the inline edit's preview side. */
export async function proposedText(): Promise<string> {
  const tab = await until('the diff tab', () => diffTabs()[0]);
  const doc = await vscode.workspace.openTextDocument((tab.input as vscode.TabInputTextDiff).modified);
  return doc.getText();
}

/** The preview updates asynchronously (the content provider fires, the workbench re-reads). */
export async function waitForPreview(expected: string): Promise<void> {
  let last = '';
  await until(
    `the preview to show ${JSON.stringify(expected)}`,
    async () => (last = await proposedText()) === expected || undefined,
  ).catch(() => {
    assert.equal(last, expected);
  });
}
