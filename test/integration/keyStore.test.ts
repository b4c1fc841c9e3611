// KeyStore inside the extension host, with a SecretStorage that fails the way a missing OS keyring does.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { KeyringError, KeyStore } from '../../src/services/keyStore';

function brokenSecrets(): vscode.SecretStorage {
  const emitter = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  const fail = (): Promise<never> => Promise.reject(new Error('Cannot create an item in a locked collection'));
  return { get: fail, store: fail, delete: fail, onDidChange: emitter.event };
}

function memorySecrets(): vscode.SecretStorage & { values: Map<string, string> } {
  const emitter = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  const values = new Map<string, string>();
  return {
    values,
    get: (k) => Promise.resolve(values.get(k)),
    store: (k, v) => {
      values.set(k, v);
      emitter.fire({ key: k });
      return Promise.resolve();
    },
    delete: (k) => {
      values.delete(k);
      emitter.fire({ key: k });
      return Promise.resolve();
    },
    onDidChange: emitter.event,
  };
}

describe('KeyStore', () => {
  it('says what to do when the OS keyring is missing', async () => {
    const keys = new KeyStore(brokenSecrets());
    for (const op of [() => keys.set('rcai-x'), () => keys.get(), () => keys.clear()]) {
      await assert.rejects(
        op(),
        (e: unknown) =>
          e instanceof KeyringError &&
          /OS keyring/.test(e.message) &&
          /--password-store=basic/.test(e.message) &&
          /locked collection/.test(e.message),
      );
    }
    keys.dispose();
  });

  it('trims, namespaces the secret, and fires onDidChange only for its own key', async () => {
    const secrets = memorySecrets();
    const keys = new KeyStore(secrets);
    let changes = 0;
    keys.onDidChange(() => changes++);
    await keys.set('  rcai-abc  ');
    assert.deepEqual([...secrets.values.entries()], [['arcee.apiKey', 'rcai-abc']]);
    assert.equal(await keys.get(), 'rcai-abc');
    await secrets.store('other.extension.key', 'x');
    await keys.clear();
    assert.equal(await keys.get(), undefined);
    assert.equal(changes, 2);
    await assert.rejects(keys.set('   '), /empty/);
    keys.dispose();
  });

  it('a read made while the start-up key is still being stored waits for it, and a failed import holds nothing', async () => {
    const keys = new KeyStore(memorySecrets());
    let release: () => void = () => undefined;
    const imported = new Promise<void>((resolve) => (release = resolve)).then(() => keys.set('rcai-from-npm-start'));
    keys.holdReadsUntil(imported);
    // A command run in the window's first moments reads the key before the import has stored it.
    const early = keys.get();
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    assert.equal(await early, 'rcai-from-npm-start');
    keys.holdReadsUntil(Promise.reject(new Error('the key file was unreadable')));
    assert.equal(await keys.get(), 'rcai-from-npm-start');
    keys.dispose();
  });
});
