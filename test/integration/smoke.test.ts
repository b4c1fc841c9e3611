// Runs inside the extension host: the extension is there, activates, and the host is the VS Code we target.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { versionAtLeast } from '../../src/lm/chatChoice';

const EXTENSION_ID = 'arcee-community.arcee-vscode';

describe('smoke', () => {
  it('runs in VS Code 1.104 or newer', () => {
    assert.ok(vscode.env.appName.length > 0, 'appName is empty');
    assert.ok(versionAtLeast(vscode.version, [1, 104]), `VS Code ${vscode.version} is older than 1.104`);
  });

  it('finds and activates the extension', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('opens the test workspace and passes ARCEE_TEST_* variables through', () => {
    const expected = process.env.ARCEE_TEST_WORKSPACE;
    assert.ok(expected, 'ARCEE_TEST_WORKSPACE did not reach the extension host');
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.equal(folders[0].uri.fsPath, expected);
  });

  it('declares the Arcee commands in its manifest', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const manifest = extension.packageJSON as { contributes?: { commands?: { command: string }[] } };
    const declared = (manifest.contributes?.commands ?? []).map((c) => c.command);
    for (const id of [
      'arcee.setApiKey',
      'arcee.clearApiKey',
      'arcee.selectModel',
      'arcee.testConnection',
      'arcee.showLog',
    ]) {
      assert.ok(declared.includes(id), `${id} is not declared`);
    }
  });
});
